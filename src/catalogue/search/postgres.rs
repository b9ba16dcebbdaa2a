//! The catalogue search's PostgreSQL queries (migrations/postgres/0002_catalogue_search.sql):
//! the word index is a GIN index on `parts.words`, a `tsvector` of the listed part's words read
//! as SQLite's word index reads them (`catalogue_words`: runs of letters and digits, lower
//! case, accents removed); a search's words become a `tsquery` in the database
//! (`catalogue_query`), from the words alone, so no user text is ever read as query syntax.
//! Part numbers are a range of the `model_key` index in byte order (`COLLATE "C"`, SQLite's
//! BINARY).
//!
//! Every query is planned for its own values (an unnamed statement): how many parts a word
//! matches decides between the word index and walking the newest parts, so one plan for all
//! words would be wrong for most.

use super::filters::{push_maker_filter, push_row_filters};
use super::matches::{Candidate, CandidateRow, CANDIDATE_COLUMNS, COUNT_CAP, SCAN_CAP};
use super::words::SearchWords;
use crate::catalogue::CatalogueQuery;
use sqlx::{postgres::PgRow, FromRow, PgPool, Postgres, QueryBuilder};
use std::collections::HashSet;

/// Runs the catalogue's queries. Each query is made by a function of a prefix (as on SQLite,
/// where the prefix asks for the plan; here it is always empty).
pub struct Db<'p> {
    pub(super) pool: &'p PgPool,
    /// Rank broad searches from their rows, as narrow ones are, instead of from the word index
    /// alone: the reference the tests hold the fast way to.
    pub(super) reference: bool,
}

impl<'p> Db<'p> {
    /// Runs queries on `pool`.
    pub fn new(pool: &'p PgPool) -> Self {
        Self {
            pool,
            reference: false,
        }
    }

    /// Candidates: the rows of `make`'s query (with the columns of [`CANDIDATE_COLUMNS`]).
    pub async fn candidates<'q>(
        &mut self,
        make: impl Fn(&str) -> QueryBuilder<'q, Postgres>,
    ) -> sqlx::Result<Vec<Candidate>> {
        let rows: Vec<CandidateRow> = self.rows(make).await?;
        Ok(rows.into_iter().map(Candidate::from).collect())
    }

    pub async fn rows<'q, T>(
        &mut self,
        make: impl Fn(&str) -> QueryBuilder<'q, Postgres>,
    ) -> sqlx::Result<Vec<T>>
    where
        T: for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        let mut qb = make("");
        qb.build_query_as()
            .persistent(false)
            .fetch_all(self.pool)
            .await
    }

    pub async fn scalars<'q, T>(
        &mut self,
        make: impl Fn(&str) -> QueryBuilder<'q, Postgres>,
    ) -> sqlx::Result<Vec<T>>
    where
        T: Send + Unpin,
        (T,): for<'r> FromRow<'r, PgRow>,
    {
        let mut qb = make("");
        qb.build_query_scalar()
            .persistent(false)
            .fetch_all(self.pool)
            .await
    }

    /// Whether broad searches are ranked from their rows (see [`Db::reference`]).
    pub fn reference(&self) -> bool {
        self.reference
    }
}

/// A word-index query: the search's words, each a whole word or the start of one. The
/// database makes the `tsquery` (`catalogue_query`).
pub struct WordQuery {
    words: Vec<String>,
    prefix: bool,
}

/// The word query for `words`, whole words or prefixes; `None` without words.
pub fn word_query(words: &SearchWords, prefix: bool) -> Option<WordQuery> {
    (!words.words.is_empty()).then(|| WordQuery {
        words: words.words.clone(),
        prefix,
    })
}

/// `AND` the condition that `p` matches `wq` (a range of the word index).
fn push_words_match<'q>(q: &mut QueryBuilder<'q, Postgres>, wq: &'q WordQuery) {
    q.push(" AND p.words @@ catalogue_query(")
        .push_bind(wq.words.as_slice())
        .push(", ")
        .push_bind(wq.prefix)
        .push(")");
}

/// Part-number hits: numbers that are the search's key or start with it (a range of the key
/// index), with the filters, at most `COUNT_CAP + 1`.
pub async fn key_hits(
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
        q.push(" FROM parts p WHERE p.archived = 0 AND p.model_key COLLATE \"C\" >= ")
            .push_bind(key.as_str())
            .push(" AND p.model_key COLLATE \"C\" < ")
            .push_bind(upper.as_str());
        push_maker_filter(&mut q, makers);
        push_row_filters(&mut q, query, false);
        q.push(format!(
            " ORDER BY p.model_key COLLATE \"C\" LIMIT {}",
            COUNT_CAP + 1
        ));
        q
    })
    .await
}

/// The word matches of `wq` that pass the filters (makers only if `makers` is given), newest
/// first, at most `COUNT_CAP + 1`; with a price or stock filter, only among the newest
/// [`SCAN_CAP`] word matches (of the chosen makers).
pub async fn word_hits(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    wq: &WordQuery,
    makers: &[String],
) -> sqlx::Result<Vec<Candidate>> {
    let filtered = query.min_price.is_some() || query.max_price.is_some() || query.in_stock;
    let floor: Option<i64> = if filtered {
        db.scalars(|prefix| {
            let mut q = QueryBuilder::new(format!(
                "{prefix}SELECT p.id FROM parts p WHERE p.archived = 0"
            ));
            push_words_match(&mut q, wq);
            push_maker_filter(&mut q, makers);
            q.push(format!(
                " ORDER BY p.id DESC LIMIT 1 OFFSET {}",
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
    db.candidates(|prefix| {
        let mut q = QueryBuilder::new(format!("{prefix}{CANDIDATE_COLUMNS}"));
        q.push(" FROM parts p WHERE p.archived = 0");
        push_words_match(&mut q, wq);
        if let Some(floor) = floor {
            q.push(" AND p.id >= ").push_bind(floor);
        }
        push_maker_filter(&mut q, makers);
        push_row_filters(&mut q, query, false);
        q.push(format!(" ORDER BY p.id DESC LIMIT {}", COUNT_CAP + 1));
        q
    })
    .await
}

/// The ids of the newest `COUNT_CAP + 1` parts matching a word query, newest first.
pub async fn newest_word_matches(db: &mut Db<'_>, wq: &WordQuery) -> sqlx::Result<Vec<i64>> {
    db.scalars(|prefix| {
        let mut q = QueryBuilder::new(format!(
            "{prefix}SELECT p.id FROM parts p WHERE p.archived = 0"
        ));
        push_words_match(&mut q, wq);
        q.push(format!(" ORDER BY p.id DESC LIMIT {}", COUNT_CAP + 1));
        q
    })
    .await
}

/// The listed parts with these ids, as candidates.
pub async fn candidates_with_ids(db: &mut Db<'_>, ids: &[i64]) -> sqlx::Result<Vec<Candidate>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    db.candidates(|prefix| {
        let mut q = QueryBuilder::new(format!("{prefix}{CANDIDATE_COLUMNS}"));
        q.push(" FROM parts p WHERE p.id = ANY(")
            .push_bind(ids)
            .push(") AND p.archived = 0");
        q
    })
    .await
}

/// Of `ids` (matches of the search's words, newest first), those whose name has every word,
/// as [`SearchWords::all_in`] reads it (and as SQLite's word index does: accents removed).
pub async fn names_with_every_word(
    db: &mut Db<'_>,
    words: &SearchWords,
    _: &WordQuery,
    ids: &[i64],
) -> sqlx::Result<HashSet<i64>> {
    let Some(in_name) = word_query(words, !words.whole_words) else {
        return Ok(HashSet::new());
    };
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let found: Vec<i64> = db
        .scalars(|prefix| {
            let mut q = QueryBuilder::new(format!(
                "{prefix}SELECT p.id FROM parts p WHERE p.id = ANY("
            ));
            q.push_bind(ids)
                .push(") AND array_to_tsvector(catalogue_words(p.name)) @@ catalogue_query(");
            q.push_bind(in_name.words.as_slice())
                .push(", ")
                .push_bind(in_name.prefix)
                .push(")");
            q
        })
        .await?;
    Ok(found.into_iter().collect())
}
