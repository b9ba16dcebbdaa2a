//! Catalogue search: every query seeks in an index and reads a bounded number of rows, however
//! broad the search and however big the catalogue (SQLite: `migrations/sqlite/0004_catalogue_at_scale.sql`;
//! PostgreSQL: `migrations/postgres/0002_catalogue_search.sql`).
//!
//! - **Browsing** (no search words): the page comes from the index of its sort order (alone or
//!   after the maker), the total and the maker counts from `catalogue_makers`, which triggers
//!   keep exact. With a price range, counting stops at [`COUNT_CAP`] ("1,000+ parts").
//! - **Searching**: the word index (whole words by prefix) and the part-number key index give
//!   the matches newest first; at most [`COUNT_CAP`] of them (after the filters) are taken,
//!   counted, ranked and paged. A broader search says "1,000+" and works on its 1,000 newest
//!   matches; more words, a maker or a price reach the rest.
//!
//! This file is the search on either engine: which queries run when, and how their rows become
//! a page. The queries that differ between the engines (the word index, the part-number range,
//! how rows come back) are in `sqlite.rs` and `postgres.rs`, one of which is compiled, with the
//! same functions; the rules that need no database are in `words.rs` (the search text) and
//! `matches.rs` (bounds, best-match order, paging, maker counts).

#[cfg(not(feature = "postgres"))]
mod sqlite;
#[cfg(not(feature = "postgres"))]
use sqlite as engine;

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "postgres")]
use postgres as engine;

mod edits;
mod filters;
pub(crate) mod fitset;
mod kept;
mod matches;
mod words;
mod wordset;

#[cfg(not(feature = "postgres"))]
pub use engine::QueryPlan;
pub use matches::{COUNT_CAP, MAX_PAGES};

use crate::catalogue::{CatalogueQuery, CatalogueResults, ManufacturerCount, Sort, PAGE_SIZE};
use crate::parts::{
    db::{SummaryRow, SUMMARY_COLUMNS},
    PartSummary,
};
use crate::server::db::{Db as Engine, DbPool};
use engine::{Db, WordQuery};
use filters::{has_row_filters, push_fitment_match, push_maker_filter, push_row_filters};
use matches::{
    facet_counts, merge, number_found, order, order_broad, page_ids, pages_for, Candidate,
    CANDIDATE_COLUMNS, CANDIDATE_COLUMNS_WITHOUT_KEY,
};
use sqlx::QueryBuilder;
use std::collections::HashMap;
use words::SearchWords;

/// One page of the catalogue for `query`: matching listed parts in the asked order, the total,
/// and the maker counts (with every filter but the maker one applied).
pub async fn search(pool: &DbPool, query: &CatalogueQuery) -> sqlx::Result<CatalogueResults> {
    run(&mut Db::new(pool), query).await
}

/// [`search`] on the connection in `held` (taken from `pool` if there is none), left there for
/// the caller's next queries: the page's fitment answers run on it too. With the catalogue's
/// stamp when the search read it (the parts that fit a vehicle did), under which the answers
/// may be kept ([`crate::fitment::kept`]).
pub async fn search_holding(
    pool: &DbPool,
    held: &mut Option<sqlx::pool::PoolConnection<Engine>>,
    query: &CatalogueQuery,
) -> sqlx::Result<(CatalogueResults, Option<crate::fitment::kept::Stamp>)> {
    let mut db = Db::new(pool);
    db.conn = held.take();
    let results = run(&mut db, query).await;
    *held = db.conn.take();
    let stamp = edits::read_before(&db).map(|now| now.fitment_stamp());
    Ok((results?, stamp))
}

/// Runs `query` like [`search`] and returns SQLite's plan of every query it ran.
#[cfg(not(feature = "postgres"))]
pub async fn explain(pool: &DbPool, query: &CatalogueQuery) -> sqlx::Result<Vec<QueryPlan>> {
    let mut db = Db::new(pool);
    db.plans = Some(Vec::new());
    run(&mut db, query).await?;
    Ok(db.plans.unwrap_or_default())
}

/// Runs `query` like [`search`], but ranks broad searches from their rows (as narrow ones
/// are) instead of from the word index alone: the reference the tests hold the fast way to.
#[cfg(test)]
async fn search_by_rows(pool: &DbPool, query: &CatalogueQuery) -> sqlx::Result<CatalogueResults> {
    let mut db = Db::new(pool);
    db.reference = true;
    run(&mut db, query).await
}

async fn run(db: &mut Db<'_>, query: &CatalogueQuery) -> sqlx::Result<CatalogueResults> {
    if query.q.trim().is_empty() {
        browse(db, query).await
    } else {
        match SearchWords::new(&query.q) {
            Some(words) => text_search(db, query, words).await,
            None => Ok(CatalogueResults::empty()),
        }
    }
}

/// Makers with listed parts, from the counts table: exact counts (in stock only, if asked).
/// The table has a row per maker, not per part: reading all of it is the point.
async fn maker_counts(db: &mut Db<'_>, in_stock: bool) -> sqlx::Result<Vec<(String, i64)>> {
    let column = if in_stock { "in_stock" } else { "listed" };
    db.rows(|prefix| {
        QueryBuilder::new(format!(
            "{prefix}SELECT manufacturer, {column} FROM catalogue_makers WHERE {column} > 0 \
             ORDER BY manufacturer COLLATE NOCASE"
        ))
    })
    .await
}

/// The SQL order of a sort (browsing; a search's best match order is made in Rust).
fn order_by(sort: Sort) -> &'static str {
    match sort {
        Sort::Relevance | Sort::Newest => "p.created_at DESC, p.id DESC",
        Sort::PriceAsc => "p.price_cents ASC, p.id ASC",
        Sort::PriceDesc => "p.price_cents DESC, p.id DESC",
        Sort::Name => "p.name COLLATE NOCASE ASC, p.id ASC",
    }
}

/// The ids of one page of a browse, walking the sort order's index.
async fn browse_page_ids(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    page: u32,
) -> sqlx::Result<Vec<i64>> {
    let walk_other = !matches!(query.sort, Sort::PriceAsc | Sort::PriceDesc);
    db.scalars(|prefix| {
        let mut ids = QueryBuilder::new(format!(
            "{prefix}SELECT p.id FROM parts p WHERE p.archived = 0"
        ));
        push_maker_filter(&mut ids, &query.manufacturers);
        push_row_filters(&mut ids, query, walk_other);
        // Limits are written into the SQL (our own numbers, never user text): with a bound
        // LIMIT SQLite cannot tell that only a page is wanted and may sort every row instead
        // of walking an index.
        ids.push(format!(
            " ORDER BY {} LIMIT {PAGE_SIZE} OFFSET {}",
            order_by(query.sort),
            i64::from(page - 1) * PAGE_SIZE
        ));
        ids
    })
    .await
}

async fn browse(db: &mut Db<'_>, query: &CatalogueQuery) -> sqlx::Result<CatalogueResults> {
    if query.vehicle.is_some() {
        return fit_browse(db, query).await;
    }
    if query.min_price.is_some() || query.max_price.is_some() {
        return price_browse(db, query).await;
    }
    // Totals and maker counts from the counts table: exact, without counting rows.
    let all_makers = maker_counts(db, query.in_stock).await?;
    let total = all_makers
        .iter()
        .filter(|(m, _)| query.manufacturers.is_empty() || query.manufacturers.contains(m))
        .map(|(_, n)| n)
        .sum();
    let manufacturers = all_makers
        .into_iter()
        .map(|(name, n)| ManufacturerCount {
            name,
            count: Some(n),
        })
        .collect();
    let pages = pages_for(total).min(MAX_PAGES);
    let page = query.page.clamp(1, pages);
    let ids = browse_page_ids(db, query, page).await?;
    Ok(CatalogueResults {
        parts: summaries(db, &ids).await?,
        total,
        more: false,
        page,
        pages,
        manufacturers,
        vehicle: None,
    })
}

/// Parts in a price range (and the other filters), cheapest first, at most `COUNT_CAP + 1`:
/// a range of the price index (or of a maker's).
async fn in_price_range(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    makers: &[String],
) -> sqlx::Result<Vec<Candidate>> {
    db.candidates(|prefix| {
        let mut q = QueryBuilder::new(format!("{prefix}{CANDIDATE_COLUMNS_WITHOUT_KEY}"));
        q.push(" FROM parts p WHERE p.archived = 0");
        push_maker_filter(&mut q, makers);
        push_row_filters(&mut q, query, false);
        q.push(format!(
            " ORDER BY p.price_cents, p.id LIMIT {}",
            COUNT_CAP + 1
        ));
        q
    })
    .await
}

/// Browsing a price range: up to [`COUNT_CAP`] parts are counted; within that every order is
/// exact. A wider range says "1,000+" and pages through the sort order's index.
async fn price_browse(db: &mut Db<'_>, query: &CatalogueQuery) -> sqlx::Result<CatalogueResults> {
    let matches = in_price_range(db, query, &query.manufacturers).await?;
    let manufacturers = if query.manufacturers.is_empty() {
        facets_of(db, query, &matches).await?
    } else {
        let all = in_price_range(db, query, &[]).await?;
        facets_of(db, query, &all).await?
    };
    if matches.len() as i64 <= COUNT_CAP {
        return ranked_page(db, query, None, matches, manufacturers).await;
    }
    let pages = pages_for(COUNT_CAP);
    let page = query.page.clamp(1, pages);
    let ids = if query.sort == Sort::PriceAsc {
        let mut matches = matches;
        matches.sort_by_key(|c| (c.price_cents, c.id));
        page_ids(matches.iter().map(|c| c.id), page)
    } else {
        browse_page_ids(db, query, page).await?
    };
    Ok(CatalogueResults {
        parts: summaries(db, &ids).await?,
        total: COUNT_CAP,
        more: true,
        page,
        pages,
        manufacturers,
        vehicle: None,
    })
}

/// Browsing the parts that fit the vehicle: the newest [`COUNT_CAP`] of them (after the
/// filters) are counted and ordered; more say "1,000+".
async fn fit_browse(db: &mut Db<'_>, query: &CatalogueQuery) -> sqlx::Result<CatalogueResults> {
    let Some(target) = &query.vehicle else {
        return Ok(CatalogueResults::empty());
    };
    let plain = !query.has_filters() && matches!(query.sort, Sort::Newest | Sort::Relevance);
    if plain && !db.reference() {
        // Newest first with nothing else to check: when more fit than are counted, the page
        // comes from the ids alone (the newest part is the one listed last), without reading
        // the candidates' rows, since the makers are then listed without counts.
        let mut ids: Vec<i64> = fitset::fitting(db, target)
            .await?
            .newest_iter(&[])
            .take(COUNT_CAP as usize + 1)
            .collect();
        if ids.len() as i64 > COUNT_CAP {
            ids.truncate(COUNT_CAP as usize);
            return uncounted_page(db, query, ids).await;
        }
        let matches = engine::candidates_with_ids(db, &ids, None).await?;
        let manufacturers = facets_of(db, query, &matches).await?;
        return ranked_page(db, query, None, matches, manufacturers).await;
    }
    if !query.in_stock && query.sort != Sort::Name && !db.reference() {
        return fit_browse_in_memory(db, query, target).await;
    }
    let matches = fitting(db, query, &query.manufacturers).await?;
    let manufacturers = if query.manufacturers.is_empty() {
        facets_of(db, query, &matches).await?
    } else {
        let all = fitting(db, query, &[]).await?;
        facets_of(db, query, &all).await?
    };
    ranked_page(db, query, None, matches, manufacturers).await
}

/// Browsing the parts that fit `target` without a stock filter, newest first or by price:
/// the newest `COUNT_CAP + 1` fitting parts of the chosen makers in the price range come
/// from memory with their makers and prices ([`fitset`]), and are counted, ordered and paged
/// there (as [`ranked_page`] orders rows); only the page's own rows are read. The maker
/// counts are over the fitting parts in the price range, from memory too.
async fn fit_browse_in_memory(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    target: &crate::fitment::Target,
) -> sqlx::Result<CatalogueResults> {
    let fit = fitset::fitting(db, target).await?;
    let in_range = |price: i64| {
        query.min_price.is_none_or(|min| price >= min.0)
            && query.max_price.is_none_or(|max| price <= max.0)
    };
    let wanted = COUNT_CAP as usize + 1;
    let mut matches: Vec<(i64, i64)> = fit
        .newest_parts(&query.manufacturers)
        .filter(|&(_, _, price)| in_range(price))
        .map(|(id, _, price)| (id, price))
        .take(wanted)
        .collect();
    // The maker counts, with every filter but the makers.
    let makers: Vec<&str> = fit
        .newest_parts(&[])
        .filter(|&(_, _, price)| in_range(price))
        .map(|(_, maker, _)| maker)
        .take(wanted)
        .collect();
    let all = if makers.len() as i64 > COUNT_CAP {
        maker_counts(db, false).await?
    } else {
        Vec::new()
    };
    let seen = makers.len() as i64;
    let manufacturers = facet_counts(makers.into_iter(), seen, &all);
    let more = matches.len() as i64 > COUNT_CAP;
    matches.truncate(COUNT_CAP as usize);
    match query.sort {
        Sort::PriceAsc => matches.sort_by_key(|&(id, price)| (price, id)),
        Sort::PriceDesc => matches.sort_by_key(|&(id, price)| std::cmp::Reverse((price, id))),
        Sort::Newest | Sort::Relevance | Sort::Name => {}
    }
    let total = matches.len() as i64;
    let ids = matches.iter().map(|&(id, _)| id);
    counted_page(db, query, ids, total, more, manufacturers).await
}

/// The newest `COUNT_CAP + 1` listed parts that fit `query.vehicle` and pass the other filters
/// (makers only if `makers` is given), as candidates: the fitting parts from memory
/// ([`fitset`]), the makers checked there, then the rows of the newest of them, with the price
/// and stock checked on the rows a chunk at a time.
async fn fitting(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    makers: &[String],
) -> sqlx::Result<Vec<Candidate>> {
    let Some(target) = &query.vehicle else {
        return Ok(Vec::new());
    };
    if db.reference() {
        let ids = fitting_ids_from_rows(db, query, makers).await?;
        return engine::candidates_with_ids(db, &ids, None).await;
    }
    let fit = fitset::fitting(db, target).await?;
    passing(db, query, fit.newest_iter(makers)).await
}

/// How many fitting parts' rows are read at a time to find those in a price range or in stock.
const CHUNK: usize = 4_000;

/// Of `ids` (newest first), the rows of the newest `COUNT_CAP + 1` that are listed and pass
/// `query`'s price and stock filters, newest first.
async fn passing(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    mut ids: impl Iterator<Item = i64> + Send,
) -> sqlx::Result<Vec<Candidate>> {
    let others = CatalogueQuery {
        vehicle: None,
        manufacturers: Vec::new(),
        ..query.clone()
    };
    let filtered = has_row_filters(&others);
    let wanted = COUNT_CAP as usize + 1;
    let mut found: Vec<Candidate> = Vec::new();
    while found.len() < wanted {
        let short = wanted - found.len();
        let take = if filtered { short.max(CHUNK) } else { short };
        let chunk: Vec<i64> = ids.by_ref().take(take).collect();
        if chunk.is_empty() {
            break;
        }
        found.extend(newest_first(db, &chunk, Some(&others)).await?);
    }
    found.truncate(wanted);
    Ok(found)
}

/// The word matches of `word_query` that fit `target` and pass the other filters (makers only
/// if `makers` is given), newest first, at most `COUNT_CAP + 1`: every part that fits (from
/// memory, [`fitset`]) is looked at, not only those among the newest word matches, so a
/// vehicle few parts fit finds them all however many other parts have the words.
async fn fitting_word_hits(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    target: &crate::fitment::Target,
    word_query: &WordQuery,
    makers: &[String],
) -> sqlx::Result<Vec<Candidate>> {
    let fitting = fitset::fitting(db, target).await?;
    let others = CatalogueQuery {
        vehicle: None,
        manufacturers: Vec::new(),
        ..query.clone()
    };
    let filters = has_row_filters(&others).then_some(&others);
    let wanted = COUNT_CAP as usize + 1;
    let ids =
        fitting_word_ids(db, word_query, fitting.newest_iter(makers), filters, wanted).await?;
    newest_first(db, &ids, None).await
}

/// Of `fitting` (parts that fit a vehicle, newest first), the newest `wanted` that match
/// `word_query` and pass `filters`' price and stock conditions (if given), newest first. The
/// word query's matches come from memory ([`wordset`]); rows are read only to check a price
/// or stock condition, [`CHUNK`] matching parts at a time.
async fn fitting_word_ids(
    db: &mut Db<'_>,
    word_query: &WordQuery,
    fitting: impl Iterator<Item = i64> + Send,
    filters: Option<&CatalogueQuery>,
    wanted: usize,
) -> sqlx::Result<Vec<i64>> {
    let matches = wordset::matches(db, word_query).await?;
    let mut matched = matches.descending();
    let mut matching = fitting.filter(move |&id| matched(id));
    let Some(filters) = filters else {
        return Ok(matching.take(wanted).collect());
    };
    let mut found: Vec<i64> = Vec::new();
    while found.len() < wanted {
        let chunk: Vec<i64> = matching.by_ref().take(CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        found.extend(
            newest_first(db, &chunk, Some(filters))
                .await?
                .iter()
                .map(|c| c.id),
        );
    }
    found.truncate(wanted);
    Ok(found)
}

/// The word query of a search among the parts that fit a vehicle: whole words when they alone
/// match more parts than are counted (`words` is then marked [`SearchWords::whole_words`]),
/// else every word as a prefix, as [`word_matches`] decides, from the matches in memory
/// ([`wordset`]). `None` without words.
async fn fitting_word_query(
    db: &mut Db<'_>,
    words: &mut SearchWords,
) -> sqlx::Result<Option<WordQuery>> {
    let (Some(exact), Some(prefix)) = (
        engine::word_query(words, false),
        engine::word_query(words, true),
    ) else {
        return Ok(None);
    };
    if wordset::matches(db, &exact).await?.len() as i64 > COUNT_CAP {
        words.whole_words = true;
        return Ok(Some(exact));
    }
    Ok(Some(prefix))
}

/// The listed parts with these ids (that pass `filters`' price and stock conditions, if
/// given), as candidates, newest first.
async fn newest_first(
    db: &mut Db<'_>,
    ids: &[i64],
    filters: Option<&CatalogueQuery>,
) -> sqlx::Result<Vec<Candidate>> {
    let mut rows = engine::candidates_with_ids(db, ids, filters).await?;
    rows.sort_unstable_by_key(|c| std::cmp::Reverse(c.id));
    Ok(rows)
}

/// The ids of the newest `COUNT_CAP + 1` listed parts that fit `query.vehicle` and pass the
/// other filters (makers only if `makers` is given), newest first, from the rows alone: the
/// tests' reference for [`fitting`]. The universal parts come newest first from their own
/// index; the others from the vehicle model's fitments newest part first in their index
/// (`fitments_newest`, each row's years and engine size checked in the index).
async fn fitting_ids_from_rows(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    makers: &[String],
) -> sqlx::Result<Vec<i64>> {
    let Some(target) = &query.vehicle else {
        return Ok(Vec::new());
    };
    // The other filters, checked on each part's row.
    let others = CatalogueQuery {
        vehicle: None,
        ..query.clone()
    };
    let mut ids: Vec<i64> = db
        .ids(|prefix| {
            let mut q = QueryBuilder::new(format!(
                "{prefix}SELECT DISTINCT f.part_id AS id FROM fitments f JOIN parts p ON p.id = f.part_id \
                 WHERE "
            ));
            push_fitment_match(&mut q, target);
            q.push(" AND p.archived = 0");
            push_maker_filter(&mut q, makers);
            push_row_filters(&mut q, &others, false);
            q.push(format!(" ORDER BY f.part_id DESC LIMIT {}", COUNT_CAP + 1));
            q
        })
        .await?;
    let universal: Vec<i64> = db
        .ids(|prefix| {
            let mut q = QueryBuilder::new(format!(
                "{prefix}SELECT p.id FROM parts p WHERE p.universal = 1 AND p.archived = 0"
            ));
            push_maker_filter(&mut q, makers);
            push_row_filters(&mut q, &others, false);
            q.push(format!(" ORDER BY p.id DESC LIMIT {}", COUNT_CAP + 1));
            q
        })
        .await?;
    ids.extend(universal);
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids.dedup();
    ids.truncate(COUNT_CAP as usize + 1);
    Ok(ids)
}

/// Maker counts over `matches` (with every filter but the makers): exact when they are all
/// the matches, else every listed maker without a count.
async fn facets_of(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    matches: &[Candidate],
) -> sqlx::Result<Vec<ManufacturerCount>> {
    let all = if matches.len() as i64 > COUNT_CAP {
        maker_counts(db, query.in_stock).await?
    } else {
        Vec::new()
    };
    Ok(facet_counts(
        matches.iter().map(|c| c.manufacturer.as_str()),
        matches.len() as i64,
        &all,
    ))
}

/// The matches of `words` that pass the filters (makers only if `makers` is given), at most
/// `COUNT_CAP + 1` of each kind: part-number hits from the key index, then word hits from the
/// word index, newest first.
async fn candidates(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    words: &mut SearchWords,
    makers: &[String],
) -> sqlx::Result<Vec<Candidate>> {
    let mut found = key_hits(db, query, words, makers).await?;
    if number_found(words, &found) {
        return Ok(found);
    }
    let hits = match &query.vehicle {
        Some(target) if !db.reference() => match fitting_word_query(db, words).await? {
            Some(word_query) => fitting_word_hits(db, query, target, &word_query, makers).await?,
            None => Vec::new(),
        },
        _ => match word_matches(db, words).await? {
            Some((word_query, _)) => engine::word_hits(db, query, &word_query, makers).await?,
            None => Vec::new(),
        },
    };
    merge(&mut found, hits);
    Ok(found)
}

/// The word query to use and the ids of its newest matches (at most `COUNT_CAP + 1`, newest
/// first): whole words when they alone match more parts than are counted (a broad search
/// gains nothing from also matching the words' longer forms, and whole words are single index
/// lookups; `words` is then marked [`SearchWords::whole_words`]), else every word as a prefix
/// ("iridi", "oil fi", "bosc"). `None` without words.
async fn word_matches(
    db: &mut Db<'_>,
    words: &mut SearchWords,
) -> sqlx::Result<Option<(WordQuery, Vec<i64>)>> {
    let (Some(exact), Some(prefix)) = (
        engine::word_query(words, false),
        engine::word_query(words, true),
    ) else {
        return Ok(None);
    };
    let ids = newest_word_matches(db, &exact).await?;
    if ids.len() as i64 > COUNT_CAP {
        words.whole_words = true;
        return Ok(Some((exact, ids)));
    }
    let ids = newest_word_matches(db, &prefix).await?;
    Ok(Some((prefix, ids)))
}

/// The ids of the newest `COUNT_CAP + 1` parts matching a word query, newest first: from
/// memory when the query's matches are kept ([`wordset::kept_matches`]: a search asked again),
/// else from the word index.
async fn newest_word_matches(db: &mut Db<'_>, word_query: &WordQuery) -> sqlx::Result<Vec<i64>> {
    match wordset::kept_matches(db, word_query).await? {
        Some(matches) => Ok(matches.newest(COUNT_CAP as usize + 1)),
        None => engine::newest_word_matches(db, word_query).await,
    }
}

async fn text_search(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    mut words: SearchWords,
) -> sqlx::Result<CatalogueResults> {
    let words = &mut words;
    if let Some(target) = &query.vehicle {
        let newest_first = matches!(query.sort, Sort::Relevance | Sort::Newest);
        if !query.has_filters() && newest_first && !db.reference() {
            return fitting_text_search(db, query, target, words).await;
        }
    }
    let plain = query.manufacturers.is_empty()
        && query.min_price.is_none()
        && query.max_price.is_none()
        && !query.in_stock
        && query.vehicle.is_none();
    if !plain {
        let matches = candidates(db, query, words, &query.manufacturers).await?;
        // Facets count with every filter but the makers: the same matches when none is chosen.
        let manufacturers = if query.manufacturers.is_empty() {
            facets_of(db, query, &matches).await?
        } else {
            let all = candidates(db, query, words, &[]).await?;
            facets_of(db, query, &all).await?
        };
        return ranked_page(db, query, Some(words), matches, manufacturers).await;
    }
    // No filter: the word index alone says which parts match and how many.
    let mut matches = key_hits(db, query, words, &[]).await?;
    let found = if number_found(words, &matches) {
        None
    } else {
        word_matches(db, words).await?
    };
    let word_ids = match found {
        Some((word_query, ids)) => {
            let broad = ids.len() as i64 > COUNT_CAP;
            if broad && matches!(query.sort, Sort::Relevance | Sort::Newest) && !db.reference() {
                return broad_page(db, query, words, &word_query, ids, matches).await;
            }
            ids
        }
        None => Vec::new(),
    };
    let hits = engine::candidates_with_ids(db, &word_ids, None).await?;
    merge(&mut matches, hits);
    let manufacturers = facets_of(db, query, &matches).await?;
    ranked_page(db, query, Some(words), matches, manufacturers).await
}

/// A search among the parts that fit `target`, in best-match or newest order, with no other
/// filter: like [`candidates`] with the vehicle, but when more word matches fit than are
/// counted, the page is made from their ids alone, as a broad search's is ([`broad_page`]),
/// instead of reading a thousand rows.
async fn fitting_text_search(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    target: &crate::fitment::Target,
    words: &mut SearchWords,
) -> sqlx::Result<CatalogueResults> {
    let mut matches = key_hits(db, query, words, &[]).await?;
    if !number_found(words, &matches) {
        if let Some(word_query) = fitting_word_query(db, words).await? {
            let fitting = fitset::fitting(db, target).await?;
            let wanted = COUNT_CAP as usize + 1;
            let fit =
                fitting_word_ids(db, &word_query, fitting.newest_iter(&[]), None, wanted).await?;
            if fit.len() as i64 > COUNT_CAP {
                return broad_page(db, query, words, &word_query, fit, matches).await;
            }
            let hits = newest_first(db, &fit, None).await?;
            merge(&mut matches, hits);
        }
    }
    let manufacturers = facets_of(db, query, &matches).await?;
    ranked_page(db, query, Some(words), matches, manufacturers).await
}

/// A page of a broad search (more word matches than are counted) in best-match or newest
/// order, made from ids alone: the newest [`COUNT_CAP`] matches (the newest part is the one
/// listed last), part-number hits first, then those whose name has every word (one more
/// word-index query), then the rest. Only the page's own parts are read from the table.
async fn broad_page(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    words: &SearchWords,
    word_query: &WordQuery,
    word_ids: Vec<i64>,
    key_hits: Vec<Candidate>,
) -> sqlx::Result<CatalogueResults> {
    let key_rank: HashMap<i64, u8> = key_hits
        .iter()
        .map(|c| {
            let exact = words.key.as_deref() == Some(c.model_key.as_str());
            (c.id, if exact { 0 } else { 1 })
        })
        .collect();
    let mut ids: Vec<i64> = word_ids;
    ids.extend(key_rank.keys().copied());
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids.dedup();
    ids.truncate(COUNT_CAP as usize);
    if query.sort == Sort::Relevance {
        let in_name = names_with_every_word(db, words, word_query, &ids).await?;
        order_broad(&mut ids, &key_rank, &in_name);
    }
    uncounted_page(db, query, ids).await
}

/// Of `ids` (matches of `word_query`), those whose name has every word: the kept matches
/// ([`wordset`]) of one more word-index query (on SQLite the words in the name column; on
/// PostgreSQL, whose word index has no columns, the word index's matches with the words in
/// their names).
async fn names_with_every_word(
    db: &mut Db<'_>,
    words: &SearchWords,
    word_query: &WordQuery,
    ids: &[i64],
) -> sqlx::Result<std::collections::HashSet<i64>> {
    let Some(query) = engine::name_word_query(words, word_query).filter(|_| !ids.is_empty()) else {
        return Ok(Default::default());
    };
    let matches = wordset::matches(db, &query).await?;
    Ok(ids
        .iter()
        .copied()
        .filter(|&id| matches.contains(id))
        .collect())
}

/// The asked page of `ids` (the counted ones, in order) when more matched than are counted
/// ("1,000+"): every listed maker, without counts.
async fn uncounted_page(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    ids: Vec<i64>,
) -> sqlx::Result<CatalogueResults> {
    let all_makers = maker_counts(db, query.in_stock).await?;
    let manufacturers = facet_counts(std::iter::empty(), COUNT_CAP + 1, &all_makers);
    let total = ids.len() as i64;
    let pages = pages_for(total);
    let page = query.page.clamp(1, pages);
    let shown = page_ids(ids.into_iter(), page);
    Ok(CatalogueResults {
        parts: summaries(db, &shown).await?,
        total,
        more: true,
        page,
        pages,
        manufacturers,
        vehicle: None,
    })
}

/// Orders `matches` as asked ([`order`]) and returns the asked page. More than [`COUNT_CAP`]
/// matches: the newest that many are used.
async fn ranked_page(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    words: Option<&SearchWords>,
    mut matches: Vec<Candidate>,
    manufacturers: Vec<ManufacturerCount>,
) -> sqlx::Result<CatalogueResults> {
    let more = matches.len() as i64 > COUNT_CAP;
    order(&mut matches, query.sort, words);
    let total = matches.len() as i64;
    let ids = matches.iter().map(|c| c.id);
    counted_page(db, query, ids, total, more, manufacturers).await
}

/// The asked page of `ordered` (the ids of the `total` counted matches, in the page order),
/// with the maker counts; `more`: more matched than are counted.
async fn counted_page(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    ordered: impl Iterator<Item = i64>,
    total: i64,
    more: bool,
    manufacturers: Vec<ManufacturerCount>,
) -> sqlx::Result<CatalogueResults> {
    let pages = pages_for(total);
    let page = query.page.clamp(1, pages);
    let ids = page_ids(ordered, page);
    Ok(CatalogueResults {
        parts: summaries(db, &ids).await?,
        total,
        more,
        page,
        pages,
        manufacturers,
        vehicle: None,
    })
}

/// The cards of these parts, in this order.
async fn summaries(db: &mut Db<'_>, ids: &[i64]) -> sqlx::Result<Vec<PartSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<SummaryRow> = db
        .rows(|prefix| {
            let mut q: QueryBuilder<Engine> = QueryBuilder::new(format!(
                "{prefix}SELECT {} FROM parts p JOIN users u ON u.id = p.supplier_id WHERE p.id IN (",
                SUMMARY_COLUMNS
            ));
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            q.push(")");
            q
        })
        .await?;
    let mut by_id: HashMap<i64, PartSummary> = rows
        .into_iter()
        .map(|r| (r.id, PartSummary::from(r)))
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// Part-number hits: numbers that are the search's key or start with it (a range of the key
/// index), with the filters, at most `COUNT_CAP + 1`. The range and the order compare bytes
/// ([`engine::BYTEWISE`]), as the key indexes are built.
async fn key_hits(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    words: &SearchWords,
    makers: &[String],
) -> sqlx::Result<Vec<Candidate>> {
    let Some(key) = &words.key else {
        return Ok(Vec::new());
    };
    let mut upper = key.clone();
    upper.push(char::MAX);
    let bytewise = engine::BYTEWISE;
    let mut found = db
        .candidates(|prefix| {
            let mut q = QueryBuilder::new(format!("{prefix}{CANDIDATE_COLUMNS}"));
            q.push(format!(
                " FROM parts p WHERE p.archived = 0 AND p.model_key{bytewise} >= "
            ))
            .push_bind(key.as_str())
            .push(format!(" AND p.model_key{bytewise} < "))
            .push_bind(upper.as_str());
            push_maker_filter(&mut q, makers);
            push_row_filters(&mut q, query, false);
            q.push(format!(
                " ORDER BY p.model_key{bytewise} LIMIT {}",
                COUNT_CAP + 1
            ));
            q
        })
        .await?;
    // The parts whose OEM or cross-reference numbers are (or start with) the key, with the
    // number that matched as their key, so that ranking puts the number itself first.
    let other = db
        .candidates(|prefix| {
            let mut q = QueryBuilder::new(format!(
                "{prefix}SELECT p.id, p.manufacturer, p.name, p.price_cents, p.created_at, \
                 n.number_key AS model_key \
                 FROM part_numbers n JOIN parts p ON p.id = n.part_id \
                 WHERE n.number_key{bytewise} >= "
            ));
            q.push_bind(key.as_str())
                .push(format!(" AND n.number_key{bytewise} < "))
                .push_bind(upper.as_str())
                .push(" AND p.archived = 0");
            push_maker_filter(&mut q, makers);
            push_row_filters(&mut q, query, false);
            q.push(format!(
                " ORDER BY n.number_key{bytewise} LIMIT {}",
                COUNT_CAP + 1
            ));
            q
        })
        .await?;
    merge(&mut found, other);
    Ok(found)
}

#[cfg(all(test, not(feature = "postgres")))]
mod plans;
#[cfg(test)]
mod tests;
