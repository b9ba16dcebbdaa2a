//! Catalogue search: every query seeks in an index and reads a bounded number of rows, however
//! broad the search and however big the catalogue (`migrations/0004_catalogue_at_scale.sql`).
//!
//! - **Browsing** (no search words): the page comes from the index of its sort order (alone or
//!   after the maker), the total and the maker counts from `catalogue_makers`, which triggers
//!   keep exact. With a price range, counting stops at [`COUNT_CAP`] ("1,000+ parts").
//! - **Searching**: the word index (`parts_words`, whole words by prefix) and the part-number
//!   key index give the matches newest first; at most [`COUNT_CAP`] of them (after the filters)
//!   are taken, counted, ranked and paged. A broader search says "1,000+" and works on its
//!   1,000 newest matches; more words, a maker or a price reach the rest.

use crate::catalogue::{
    normalize_part_number, CatalogueQuery, CatalogueResults, ManufacturerCount, Sort, PAGE_SIZE,
};
use crate::parts::{
    db::{SummaryRow, SUMMARY_COLUMNS},
    PartSummary,
};
use sqlx::{sqlite::SqliteRow, FromRow, QueryBuilder, Sqlite, SqlitePool};
use std::collections::{HashMap, HashSet};

/// Matches counted exactly; beyond this the catalogue says "1,000+" and a search works on its
/// newest this-many matches.
pub const COUNT_CAP: i64 = 1000;

/// Pages a browse reaches (24 parts each, so the first 2,400 parts of any view); filters and
/// search reach the rest, as in the big shops.
pub const MAX_PAGES: u32 = 100;

/// How many word-index matches a filtered search looks through for [`COUNT_CAP`] that pass
/// its filters: the bound on the work of a broad search with a narrow filter.
const SCAN_CAP: i64 = 20_000;

/// Most words of a search that are used.
const MAX_WORDS: usize = 12;

/// The search text as the indexes read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SearchWords {
    /// Lower-case words (letters and digits), in order, at most [`MAX_WORDS`].
    pub words: Vec<String>,
    /// The text read as a part number: lower case, no separators (two characters or more).
    pub key: Option<String>,
    /// The text has letters (else it is digits and separators: a part number as printed).
    pub has_letters: bool,
    /// Words match whole words only: set when the search is broad (see [`word_matches`]).
    pub whole_words: bool,
}

impl SearchWords {
    /// `None` for a text with neither words nor a part number: it matches nothing.
    pub fn new(q: &str) -> Option<Self> {
        let words: Vec<String> = words_of(q).take(MAX_WORDS).collect();
        let key = Some(normalize_part_number(q)).filter(|k| k.chars().count() >= 2);
        (!words.is_empty() || key.is_some()).then_some(Self {
            words,
            key,
            has_letters: q.chars().any(char::is_alphabetic),
            whole_words: false,
        })
    }

    /// The word-index query: all words required, each a whole word or, with `prefix`, the
    /// start of one. Each word is a quoted string of letters and digits, so no user text is
    /// ever read as query syntax.
    pub fn match_expr(&self, prefix: bool) -> Option<String> {
        let star = if prefix { "*" } else { "" };
        (!self.words.is_empty()).then(|| {
            self.words
                .iter()
                .map(|w| format!("\"{w}\"{star}"))
                .collect::<Vec<_>>()
                .join(" AND ")
        })
    }

    /// Whether every word is in `name` (the best matches after part numbers): starts a word
    /// of it, or is one with [`Self::whole_words`].
    fn all_in(&self, name: &str) -> bool {
        let name_words: Vec<String> = words_of(name).collect();
        !self.words.is_empty()
            && self.words.iter().all(|w| {
                name_words.iter().any(|n| {
                    if self.whole_words {
                        n == w
                    } else {
                        n.starts_with(w.as_str())
                    }
                })
            })
    }

    /// The word-index query for "every word is in the name", as [`Self::all_in`] reads it.
    fn name_expr(&self) -> Option<String> {
        self.match_expr(!self.whole_words)
            .map(|all| format!("{{name}} : ({all})"))
    }

    /// Whether `hits` (from the key index) hold the very part number a text of digits and
    /// separators names: then the words ("0", "986", …) are not searched, since they would
    /// only add noise below the part.
    fn number_found(&self, hits: &[Candidate]) -> bool {
        !self.has_letters
            && hits
                .iter()
                .any(|c| self.key.as_deref() == Some(&c.model_key))
    }
}

/// The words of a text as the word index splits them: runs of letters and digits, lower case.
fn words_of(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// The word-index query that narrows to the chosen makers (a superset: their names' words; the
/// exact name is checked on the row).
fn makers_expr(makers: &[String]) -> Option<String> {
    let mut alternatives = Vec::new();
    for maker in makers {
        let words: Vec<String> = words_of(maker).map(|w| format!("\"{w}\"")).collect();
        if words.is_empty() {
            // A maker name without letters or digits cannot be narrowed by words.
            return None;
        }
        alternatives.push(format!("({})", words.join(" AND ")));
    }
    (!alternatives.is_empty())
        .then(|| format!("{{manufacturer}} : ({})", alternatives.join(" OR ")))
}

/// The columns of a [`Candidate`], from `parts p`.
const CANDIDATE_COLUMNS: &str =
    "SELECT p.id, p.manufacturer, p.name, p.price_cents, p.created_at, p.model_key";

/// The same without the part-number key, which SQLite computes from the number on each read
/// (five `replace` calls): word hits and price ranges do not need it, since every part whose
/// key matches is found by the key query, which reads it.
const CANDIDATE_COLUMNS_WITHOUT_KEY: &str =
    "SELECT p.id, p.manufacturer, p.name, p.price_cents, p.created_at, '' AS model_key";

/// A match with what ranking, sorting and counting need.
#[derive(Debug, Clone)]
struct Candidate {
    id: i64,
    manufacturer: String,
    name: String,
    price_cents: i64,
    created_at: i64,
    model_key: String,
}

/// A catalogue query's text and SQLite's plan for it (`EXPLAIN QUERY PLAN`, one line per
/// step), recorded by [`explain`] for the tests that prove no catalogue query reads every row.
#[derive(Debug, Clone)]
pub struct QueryPlan {
    /// The SQL, with `?` for the bound values.
    pub sql: String,
    /// The plan's steps, e.g. `SEARCH p USING INDEX parts_listed_price (price_cents>?)`.
    pub steps: Vec<String>,
}

/// Runs the catalogue's queries. Each query is made by a function of a prefix, so that the
/// very same query can also be asked for its plan.
struct Db<'p> {
    pool: &'p SqlitePool,
    plans: Option<Vec<QueryPlan>>,
    /// Rank broad searches from their rows, as narrow ones are, instead of from the word index
    /// alone: the reference the tests hold the fast way to.
    #[cfg_attr(not(test), allow(dead_code))]
    reference: bool,
}

impl Db<'_> {
    async fn record<'q>(
        &mut self,
        make: &impl Fn(&str) -> QueryBuilder<'q, Sqlite>,
    ) -> sqlx::Result<()> {
        if let Some(plans) = self.plans.as_mut() {
            let mut qb = make("EXPLAIN QUERY PLAN ");
            let sql = qb.sql()["EXPLAIN QUERY PLAN ".len()..].to_owned();
            let rows: Vec<(i64, i64, i64, String)> =
                qb.build_query_as().fetch_all(self.pool).await?;
            plans.push(QueryPlan {
                sql,
                steps: rows.into_iter().map(|r| r.3).collect(),
            });
        }
        Ok(())
    }

    /// The one JSON text a query makes (`json_group_array`), parsed: up to a thousand rows
    /// packed by SQLite into one value, because sqlx hands each row from SQLite's thread to
    /// ours separately, which cost more than the search.
    async fn packed<'q, T: serde::de::DeserializeOwned>(
        &mut self,
        make: impl Fn(&str) -> QueryBuilder<'q, Sqlite>,
    ) -> sqlx::Result<T> {
        self.record(&make).await?;
        let mut qb = make("");
        let json: String = qb.build_query_scalar().fetch_one(self.pool).await?;
        serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    }

    /// Candidates: the rows of `make`'s query (with the columns of [`CANDIDATE_COLUMNS`]).
    async fn candidates<'q>(
        &mut self,
        make: impl Fn(&str) -> QueryBuilder<'q, Sqlite>,
    ) -> sqlx::Result<Vec<Candidate>> {
        let rows: Vec<(i64, String, String, i64, i64, String)> = self
            .packed(|prefix| {
                let mut qb = make(&format!(
                    "{prefix}SELECT json_group_array(json_array(id, manufacturer, name, \
                     price_cents, created_at, model_key)) FROM ("
                ));
                qb.push(")");
                qb
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, manufacturer, name, price_cents, created_at, model_key)| Candidate {
                    id,
                    manufacturer,
                    name,
                    price_cents,
                    created_at,
                    model_key,
                },
            )
            .collect())
    }

    async fn rows<'q, T>(
        &mut self,
        make: impl Fn(&str) -> QueryBuilder<'q, Sqlite>,
    ) -> sqlx::Result<Vec<T>>
    where
        T: for<'r> FromRow<'r, SqliteRow> + Send + Unpin,
    {
        self.record(&make).await?;
        let mut qb = make("");
        qb.build_query_as().fetch_all(self.pool).await
    }

    async fn scalars<'q, T>(
        &mut self,
        make: impl Fn(&str) -> QueryBuilder<'q, Sqlite>,
    ) -> sqlx::Result<Vec<T>>
    where
        T: Send + Unpin,
        (T,): for<'r> FromRow<'r, SqliteRow>,
    {
        self.record(&make).await?;
        let mut qb = make("");
        qb.build_query_scalar().fetch_all(self.pool).await
    }
}

/// One page of the catalogue for `query`: matching listed parts in the asked order, the total,
/// and the maker counts (with every filter but the maker one applied).
pub async fn search(pool: &SqlitePool, query: &CatalogueQuery) -> sqlx::Result<CatalogueResults> {
    let mut db = Db {
        pool,
        plans: None,
        reference: false,
    };
    run(&mut db, query).await
}

/// Runs `query` like [`search`] and returns the plan of every query it ran.
pub async fn explain(pool: &SqlitePool, query: &CatalogueQuery) -> sqlx::Result<Vec<QueryPlan>> {
    let mut db = Db {
        pool,
        plans: Some(Vec::new()),
        reference: false,
    };
    run(&mut db, query).await?;
    Ok(db.plans.unwrap_or_default())
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

/// Price and stock conditions on `p`. With `walk_other_index`, the price conditions are
/// written so that SQLite cannot use the price index for them (`+p.price_cents`) and walks the
/// index of the sort order instead, checking the price on each row.
fn push_row_filters<'a>(
    qb: &mut QueryBuilder<'a, Sqlite>,
    query: &'a CatalogueQuery,
    walk_other_index: bool,
) {
    let price = if walk_other_index {
        " AND +p.price_cents"
    } else {
        " AND p.price_cents"
    };
    if let Some(min) = query.min_price {
        qb.push(price).push(" >= ").push_bind(min.0);
    }
    if let Some(max) = query.max_price {
        qb.push(price).push(" <= ").push_bind(max.0);
    }
    if query.in_stock {
        qb.push(" AND p.stock > 0");
    }
}

fn push_maker_filter<'a>(qb: &mut QueryBuilder<'a, Sqlite>, makers: &'a [String]) {
    if !makers.is_empty() {
        qb.push(" AND p.manufacturer IN (");
        let mut list = qb.separated(", ");
        for m in makers {
            list.push_bind(m.as_str());
        }
        qb.push(")");
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
        let start = (page as usize - 1) * PAGE_SIZE as usize;
        matches
            .iter()
            .skip(start)
            .take(PAGE_SIZE as usize)
            .map(|c| c.id)
            .collect()
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
    })
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

/// Maker counts over the first matches: exact when all matches were seen, else the makers
/// (all listed ones) without counts.
fn facet_counts<'a>(
    makers: impl Iterator<Item = &'a str>,
    seen: i64,
    all_makers: &[(String, i64)],
) -> Vec<ManufacturerCount> {
    if seen > COUNT_CAP {
        return all_makers
            .iter()
            .map(|(name, _)| ManufacturerCount {
                name: name.clone(),
                count: None,
            })
            .collect();
    }
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for m in makers {
        *counts.entry(m).or_default() += 1;
    }
    let mut facets: Vec<ManufacturerCount> = counts
        .into_iter()
        .map(|(name, n)| ManufacturerCount {
            name: name.to_owned(),
            count: Some(n),
        })
        .collect();
    facets.sort_by_cached_key(|f| (f.name.to_lowercase(), f.name.clone()));
    facets
}

fn pages_for(total: i64) -> u32 {
    u32::try_from(((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)).unwrap_or(u32::MAX)
}

/// Part-number hits: numbers that are the search's key or start with it (a range of the key
/// index), with the filters, at most `COUNT_CAP + 1`.
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
    db.candidates(|prefix| {
        let mut q = QueryBuilder::new(format!("{prefix}{CANDIDATE_COLUMNS}"));
        q.push(" FROM parts p WHERE p.archived = 0 AND p.model_key >= ")
            .push_bind(key.as_str())
            .push(" AND p.model_key < ")
            .push_bind(upper.as_str());
        push_maker_filter(&mut q, makers);
        push_row_filters(&mut q, query, false);
        q.push(format!(" ORDER BY p.model_key LIMIT {}", COUNT_CAP + 1));
        q
    })
    .await
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
    if words.number_found(&found) {
        return Ok(found);
    }
    if let Some((words_expr, _)) = word_matches(db, words).await? {
        let expr = match makers_expr(makers) {
            Some(m) => format!("({words_expr}) AND {m}"),
            None => words_expr,
        };
        // With a price or stock filter, look at no more than the newest SCAN_CAP word matches.
        let filtered = query.min_price.is_some() || query.max_price.is_some() || query.in_stock;
        let floor: Option<i64> = if filtered {
            db.scalars(|prefix| {
                let mut q = QueryBuilder::new(format!(
                    "{prefix}SELECT rowid FROM parts_words WHERE parts_words MATCH "
                ));
                q.push_bind(expr.as_str()).push(format!(
                    " ORDER BY rowid DESC LIMIT 1 OFFSET {}",
                    SCAN_CAP - 1
                ));
                q
            })
            .await?
            .first()
            .copied()
        } else {
            None
        };
        // The word index walks its matches newest first and stops when enough passed.
        let hits: Vec<Candidate> = db
            .candidates(|prefix| {
                let mut q = QueryBuilder::new(format!("{prefix}{CANDIDATE_COLUMNS_WITHOUT_KEY}"));
                q.push(
                    " FROM parts_words w JOIN parts p ON p.id = w.rowid WHERE parts_words MATCH ",
                )
                .push_bind(expr.as_str());
                if let Some(floor) = floor {
                    q.push(" AND w.rowid >= ").push_bind(floor);
                }
                q.push(" AND p.archived = 0");
                push_maker_filter(&mut q, makers);
                push_row_filters(&mut q, query, false);
                q.push(format!(" ORDER BY w.rowid DESC LIMIT {}", COUNT_CAP + 1));
                q
            })
            .await?;
        merge(&mut found, hits);
    }
    Ok(found)
}

/// Adds `hits` to `found`, leaving out parts already found.
fn merge(found: &mut Vec<Candidate>, hits: Vec<Candidate>) {
    let seen: HashSet<i64> = found.iter().map(|c| c.id).collect();
    found.extend(hits.into_iter().filter(|c| !seen.contains(&c.id)));
}

/// The word query to use and the ids of its newest matches (at most `COUNT_CAP + 1`, newest
/// first): whole words when they alone match more parts than are counted (a broad search
/// gains nothing from also matching the words' longer forms, and whole words are single index
/// lookups; `words` is then marked [`SearchWords::whole_words`]), else every word as a prefix
/// ("iridi", "oil fi", "bosc"). `None` without words.
async fn word_matches(
    db: &mut Db<'_>,
    words: &mut SearchWords,
) -> sqlx::Result<Option<(String, Vec<i64>)>> {
    let (Some(exact), Some(prefix_expr)) = (words.match_expr(false), words.match_expr(true)) else {
        return Ok(None);
    };
    let ids = newest_word_matches(db, &exact).await?;
    if ids.len() as i64 > COUNT_CAP {
        words.whole_words = true;
        return Ok(Some((exact, ids)));
    }
    let ids = newest_word_matches(db, &prefix_expr).await?;
    Ok(Some((prefix_expr, ids)))
}

/// The ids of the newest `COUNT_CAP + 1` parts matching a word-index query, newest first,
/// from the index alone.
async fn newest_word_matches(db: &mut Db<'_>, expr: &str) -> sqlx::Result<Vec<i64>> {
    db.packed(|prefix| {
        let mut q = QueryBuilder::new(format!(
            "{prefix}SELECT json_group_array(rowid) FROM (SELECT rowid FROM parts_words \
             WHERE parts_words MATCH "
        ));
        q.push_bind(expr)
            .push(format!(" ORDER BY rowid DESC LIMIT {})", COUNT_CAP + 1));
        q
    })
    .await
}

/// The listed parts with these ids, as candidates.
async fn candidates_with_ids(db: &mut Db<'_>, ids: &[i64]) -> sqlx::Result<Vec<Candidate>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = serde_json::to_string(ids).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    db.candidates(|prefix| {
        let mut q = QueryBuilder::new(format!("{prefix}{CANDIDATE_COLUMNS_WITHOUT_KEY}"));
        q.push(" FROM parts p WHERE p.id IN (SELECT value FROM json_each(")
            .push_bind(list.clone())
            .push(")) AND p.archived = 0");
        q
    })
    .await
}

async fn text_search(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    mut words: SearchWords,
) -> sqlx::Result<CatalogueResults> {
    let words = &mut words;
    let plain = query.manufacturers.is_empty()
        && query.min_price.is_none()
        && query.max_price.is_none()
        && !query.in_stock;
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
    let found = if words.number_found(&matches) {
        None
    } else {
        word_matches(db, words).await?
    };
    let word_ids = match found {
        Some((expr, ids)) => {
            let broad = ids.len() as i64 > COUNT_CAP;
            if broad && matches!(query.sort, Sort::Relevance | Sort::Newest) && !db.reference {
                return broad_page(db, query, words, &expr, ids, matches).await;
            }
            ids
        }
        None => Vec::new(),
    };
    let hits = candidates_with_ids(db, &word_ids).await?;
    merge(&mut matches, hits);
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
    expr: &str,
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
        let in_name: HashSet<i64> = match (words.name_expr(), ids.last()) {
            (Some(in_name), Some(&floor)) => db
                .packed::<Vec<i64>>(|prefix| {
                    let mut q = QueryBuilder::new(format!(
                        "{prefix}SELECT json_group_array(rowid) FROM parts_words \
                         WHERE parts_words MATCH "
                    ));
                    q.push_bind(format!("({expr}) AND {in_name}"))
                        .push(" AND rowid >= ")
                        .push_bind(floor);
                    q
                })
                .await?
                .into_iter()
                .collect(),
            _ => HashSet::new(),
        };
        // A stable sort: newest first within each rank.
        ids.sort_by_key(|id| match key_rank.get(id) {
            Some(&rank) => rank,
            None if in_name.contains(id) => 2,
            None => 3,
        });
    }
    let all_makers = maker_counts(db, query.in_stock).await?;
    let manufacturers = facet_counts(std::iter::empty(), COUNT_CAP + 1, &all_makers);
    let total = ids.len() as i64;
    let pages = pages_for(total);
    let page = query.page.clamp(1, pages);
    let start = (page as usize - 1) * PAGE_SIZE as usize;
    let page_ids: Vec<i64> = ids
        .iter()
        .skip(start)
        .take(PAGE_SIZE as usize)
        .copied()
        .collect();
    Ok(CatalogueResults {
        parts: summaries(db, &page_ids).await?,
        total,
        more: true,
        page,
        pages,
        manufacturers,
    })
}

/// Orders `matches` as asked (newest first among equals; best match: the part number itself,
/// then numbers starting with it, then parts whose name has every word, then the rest) and
/// returns the asked page. More than [`COUNT_CAP`] matches: the newest that many are used.
async fn ranked_page(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    words: Option<&SearchWords>,
    mut matches: Vec<Candidate>,
    manufacturers: Vec<ManufacturerCount>,
) -> sqlx::Result<CatalogueResults> {
    let more = matches.len() as i64 > COUNT_CAP;
    matches.sort_by_key(|c| std::cmp::Reverse((c.created_at, c.id)));
    matches.truncate(COUNT_CAP as usize);
    match (query.sort, words) {
        (Sort::Relevance, Some(words)) => {
            let rank = |c: &Candidate| {
                if words.key.as_deref() == Some(c.model_key.as_str()) {
                    0
                } else if words
                    .key
                    .as_ref()
                    .is_some_and(|k| c.model_key.starts_with(k.as_str()))
                {
                    1
                } else if words.all_in(&c.name) {
                    2
                } else {
                    3
                }
            };
            matches.sort_by_cached_key(rank);
        }
        (Sort::Relevance | Sort::Newest, _) => {}
        (Sort::PriceAsc, _) => matches.sort_by_key(|c| (c.price_cents, c.id)),
        (Sort::PriceDesc, _) => matches.sort_by_key(|c| std::cmp::Reverse((c.price_cents, c.id))),
        (Sort::Name, _) => matches.sort_by_cached_key(|c| (c.name.to_lowercase(), c.id)),
    }
    let total = matches.len() as i64;
    let pages = pages_for(total);
    let page = query.page.clamp(1, pages);
    let start = (page as usize - 1) * PAGE_SIZE as usize;
    let ids: Vec<i64> = matches
        .iter()
        .skip(start)
        .take(PAGE_SIZE as usize)
        .map(|c| c.id)
        .collect();
    Ok(CatalogueResults {
        parts: summaries(db, &ids).await?,
        total,
        more,
        page,
        pages,
        manufacturers,
    })
}

/// The cards of these parts, in this order.
async fn summaries(db: &mut Db<'_>, ids: &[i64]) -> sqlx::Result<Vec<PartSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<SummaryRow> = db
        .rows(|prefix| {
            let mut q = QueryBuilder::new(format!(
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

#[cfg(test)]
mod plans;
#[cfg(test)]
mod tests;
