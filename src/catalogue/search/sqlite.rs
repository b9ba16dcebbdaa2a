//! The catalogue search's SQLite queries: the word index (FTS5 `parts_words`, whole words by
//! prefix, newest first), the part-number key index, and the way queries run (results packed
//! into one JSON value; plans recorded for the tests).

use super::filters::{has_row_filters, push_maker_filter, push_row_filters};
use super::matches::{Candidate, CandidateRow, CANDIDATE_COLUMNS_WITHOUT_KEY, COUNT_CAP, SCAN_CAP};
use super::words::{words_of, SearchWords};
use crate::catalogue::CatalogueQuery;
use sqlx::{
    pool::PoolConnection,
    sqlite::{SqliteConnection, SqliteRow},
    FromRow, QueryBuilder, Sqlite, SqlitePool,
};

/// A catalogue query's text and SQLite's plan for it (`EXPLAIN QUERY PLAN`, one line per
/// step), recorded by `search::explain` for the tests that prove no catalogue query reads
/// every row.
#[derive(Debug, Clone)]
pub struct QueryPlan {
    /// The SQL, with `?` for the bound values.
    pub sql: String,
    /// The plan's steps, e.g. `SEARCH p USING INDEX parts_listed_price (price_cents>?)`.
    pub steps: Vec<String>,
}

/// Runs the catalogue's queries. Each query is made by a function of a prefix, so that the
/// very same query can also be asked for its plan.
pub struct Db<'p> {
    pool: &'p SqlitePool,
    /// The connection every query of this search runs on, taken from `pool` by the first:
    /// each connection taken from the pool and given back costs three hand-overs between
    /// threads (sqlx runs a SQLite connection on its own thread), as much as a small query.
    pub(super) conn: Option<PoolConnection<Sqlite>>,
    pub(super) plans: Option<Vec<QueryPlan>>,
    /// Rank broad searches from their rows, as narrow ones are, instead of from the word index
    /// alone: the reference the tests hold the fast way to.
    pub(super) reference: bool,
    /// The catalogue (its generation, count of part edits, newest part and count of fitment
    /// changes), once read (see `edits::now`).
    pub(super) catalogue_now: Option<(i64, i64, i64, i64)>,
    /// The parts edited between two counts, once read (see `edits`): the sets a request
    /// patches are usually behind by the same edits.
    pub(super) edited: Option<(i64, i64, Vec<i64>)>,
}

impl<'p> Db<'p> {
    /// Runs queries on `pool`.
    pub fn new(pool: &'p SqlitePool) -> Self {
        Self {
            pool,
            conn: None,
            plans: None,
            reference: false,
            catalogue_now: None,
            edited: None,
        }
    }

    /// This search's connection (see [`Db::conn`]).
    pub(super) async fn conn(&mut self) -> sqlx::Result<&mut SqliteConnection> {
        crate::server::db::held_connection(&mut self.conn, self.pool).await
    }

    async fn record<'q>(
        &mut self,
        make: &impl Fn(&str) -> QueryBuilder<'q, Sqlite>,
    ) -> sqlx::Result<()> {
        if self.plans.is_some() {
            let mut qb = make("EXPLAIN QUERY PLAN ");
            let sql = qb.sql()["EXPLAIN QUERY PLAN ".len()..].to_owned();
            let rows: Vec<(i64, i64, i64, String)> =
                qb.build_query_as().fetch_all(self.conn().await?).await?;
            let plans = self.plans.get_or_insert_with(Vec::new);
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
        let json: String = qb
            .build_query_scalar()
            .fetch_one(self.conn().await?)
            .await?;
        serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    }

    /// Candidates: the rows of `make`'s query (with the columns of [`CANDIDATE_COLUMNS`]).
    pub async fn candidates<'q>(
        &mut self,
        make: impl Fn(&str) -> QueryBuilder<'q, Sqlite>,
    ) -> sqlx::Result<Vec<Candidate>> {
        let rows: Vec<CandidateRow> = self
            .packed(|prefix| {
                let mut qb = make(&format!(
                    "{prefix}SELECT json_group_array(json_array(id, manufacturer, name, \
                     price_cents, created_at, model_key)) FROM ("
                ));
                qb.push(")");
                qb
            })
            .await?;
        Ok(rows.into_iter().map(Candidate::from).collect())
    }

    /// The ids `make`'s query selects (one column named `id`), packed like [`Db::candidates`]:
    /// a walk that yields a thousand ids would otherwise cost more in handing rows over than
    /// in walking.
    pub async fn ids<'q>(
        &mut self,
        make: impl Fn(&str) -> QueryBuilder<'q, Sqlite>,
    ) -> sqlx::Result<Vec<i64>> {
        self.packed(|prefix| {
            let mut qb = make(&format!("{prefix}SELECT json_group_array(id) FROM ("));
            qb.push(")");
            qb
        })
        .await
    }

    /// The (id, maker, price) rows `make`'s query selects (columns `id`, `maker`, `price`).
    pub async fn fit_rows<'q>(
        &mut self,
        make: impl Fn(&str) -> QueryBuilder<'q, Sqlite>,
    ) -> sqlx::Result<Vec<(i64, String, i64)>> {
        self.packed(|prefix| {
            let mut qb = make(&format!(
                "{prefix}SELECT json_group_array(json_array(id, maker, price)) FROM ("
            ));
            qb.push(")");
            qb
        })
        .await
    }

    pub async fn rows<'q, T>(
        &mut self,
        make: impl Fn(&str) -> QueryBuilder<'q, Sqlite>,
    ) -> sqlx::Result<Vec<T>>
    where
        T: for<'r> FromRow<'r, SqliteRow> + Send + Unpin,
    {
        self.record(&make).await?;
        let mut qb = make("");
        qb.build_query_as().fetch_all(self.conn().await?).await
    }

    pub async fn scalars<'q, T>(
        &mut self,
        make: impl Fn(&str) -> QueryBuilder<'q, Sqlite>,
    ) -> sqlx::Result<Vec<T>>
    where
        T: Send + Unpin,
        (T,): for<'r> FromRow<'r, SqliteRow>,
    {
        self.record(&make).await?;
        let mut qb = make("");
        qb.build_query_scalar().fetch_all(self.conn().await?).await
    }

    /// Whether broad searches are ranked from their rows (see [`Db::reference`]).
    pub fn reference(&self) -> bool {
        self.reference
    }

    /// Whether what is kept in memory between requests must not be used: the tests'
    /// reference, and plans (every query must run to be recorded).
    pub fn uncached(&self) -> bool {
        self.reference || self.plans.is_some()
    }
}

/// A word-index query: an FTS5 expression.
pub type WordQuery = String;

impl SearchWords {
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

    /// The word-index query for "every word is in the name", as [`SearchWords::all_in`]
    /// reads it.
    pub fn name_expr(&self) -> Option<String> {
        self.match_expr(!self.whole_words)
            .map(|all| format!("{{name}} : ({all})"))
    }
}

/// What a word query is kept under in memory (see `wordset`): its text.
pub fn word_query_text(query: &WordQuery) -> String {
    query.clone()
}

/// The ids of every listed part matching a word query with an id above `above`, in any order.
pub async fn word_match_ids(
    db: &mut Db<'_>,
    query: &WordQuery,
    above: i64,
) -> sqlx::Result<Vec<i64>> {
    db.packed(|prefix| {
        let mut q = QueryBuilder::new(format!(
            "{prefix}SELECT json_group_array(rowid) FROM parts_words WHERE parts_words MATCH "
        ));
        q.push_bind(query.as_str())
            .push(" AND rowid > ")
            .push_bind(above);
        q
    })
    .await
}

/// Which of the parts `ids` are listed and match a word query now (in any order): a lookup
/// in the word index for each id.
pub async fn word_match_ids_among(
    db: &mut Db<'_>,
    query: &WordQuery,
    ids: &[i64],
) -> sqlx::Result<Vec<i64>> {
    let ids = serde_json::to_string(ids).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    db.packed(|prefix| {
        let mut q = QueryBuilder::new(format!(
            "{prefix}SELECT json_group_array(rowid) FROM parts_words WHERE parts_words MATCH "
        ));
        q.push_bind(query.as_str())
            .push(" AND rowid IN (SELECT value FROM json_each(")
            .push_bind(ids.clone())
            .push("))");
        q
    })
    .await
}

/// The word query for `words`, whole words or prefixes; `None` without words.
pub fn word_query(words: &SearchWords, prefix: bool) -> Option<WordQuery> {
    words.match_expr(prefix)
}

/// The word-index query that narrows to the chosen makers (a superset: their names' words; the
/// exact name is checked on the row).
pub fn makers_expr(makers: &[String]) -> Option<String> {
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

/// How a key range compares text: bytewise, SQLite's default (BINARY) collation.
pub const BYTEWISE: &str = "";

/// The word matches of `words_expr` that pass the filters (makers only if `makers` is given),
/// newest first, at most `COUNT_CAP + 1`; with a price or stock filter and no vehicle, only among
/// the newest [`SCAN_CAP`] word matches. With a vehicle this is the tests' reference for
/// the search among the parts that fit (`search::fitting_word_ids`).
pub async fn word_hits(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    words_expr: &WordQuery,
    makers: &[String],
) -> sqlx::Result<Vec<Candidate>> {
    let expr = match makers_expr(makers) {
        Some(m) => format!("({words_expr}) AND {m}"),
        None => words_expr.clone(),
    };
    // With a price or stock filter, look at no more than the newest SCAN_CAP word matches;
    // the parts that fit a vehicle are all looked at.
    let filtered = has_row_filters(query) && query.vehicle.is_none();
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
    db.candidates(|prefix| {
        let mut q = QueryBuilder::new(format!("{prefix}{CANDIDATE_COLUMNS_WITHOUT_KEY}"));
        q.push(" FROM parts_words w JOIN parts p ON p.id = w.rowid WHERE parts_words MATCH ")
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
    .await
}

/// The ids of the newest `COUNT_CAP + 1` parts matching a word-index query, newest first,
/// from the index alone.
pub async fn newest_word_matches(db: &mut Db<'_>, expr: &WordQuery) -> sqlx::Result<Vec<i64>> {
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

/// The listed parts with these ids (that pass `filters`' price and stock conditions, if
/// given), as candidates.
pub async fn candidates_with_ids(
    db: &mut Db<'_>,
    ids: &[i64],
    filters: Option<&CatalogueQuery>,
) -> sqlx::Result<Vec<Candidate>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = serde_json::to_string(ids).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    db.candidates(|prefix| {
        let mut q = QueryBuilder::new(format!("{prefix}{CANDIDATE_COLUMNS_WITHOUT_KEY}"));
        q.push(" FROM parts p WHERE p.id IN (SELECT value FROM json_each(")
            .push_bind(list.clone())
            .push(")) AND p.archived = 0");
        if let Some(filters) = filters {
            push_row_filters(&mut q, filters, false);
        }
        q
    })
    .await
}

/// The word-index query for "matches `expr` and its name has every word", as
/// [`SearchWords::all_in`] reads it; `None` without words.
pub fn name_word_query(words: &SearchWords, expr: &WordQuery) -> Option<WordQuery> {
    words
        .name_expr()
        .map(|in_name| format!("({expr}) AND {in_name}"))
}
