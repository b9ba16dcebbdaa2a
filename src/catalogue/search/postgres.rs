//! The catalogue search's PostgreSQL queries (migrations/postgres/0002_catalogue_search.sql):
//! the word index is a GIN index on `parts.words`, a `tsvector` of the listed part's words read
//! as SQLite's word index reads them (`catalogue_words`: runs of letters and digits, lower
//! case, accents removed); a search's words become a `tsquery` in the database
//! (`catalogue_query`, once per search), from the words alone, so no user text is ever read
//! as query syntax.
//! Part numbers are a range of the `model_key` index in byte order (`COLLATE "C"`, SQLite's
//! BINARY).
//!
//! Word-index queries are planned for their own values each time (see `planned_each_time`);
//! the rest are prepared statements. A search's newest matches are found window by window from
//! the newest parts (`newest_word_matches`), since GIN returns a word's matches unordered.

use super::filters::{has_row_filters, push_maker_filter, push_row_filters};
use super::matches::{Candidate, CandidateRow, CANDIDATE_COLUMNS, COUNT_CAP, SCAN_CAP};
use super::words::SearchWords;
use crate::catalogue::CatalogueQuery;
use sqlx::{
    pool::PoolConnection,
    postgres::{PgConnection, PgRow},
    FromRow, PgPool, Postgres, QueryBuilder,
};

/// Runs the catalogue's queries. Each query is made by a function of a prefix (as on SQLite,
/// where the prefix asks for the plan; here it is always empty).
pub struct Db<'p> {
    pool: &'p PgPool,
    /// The connection every query of this search runs on, taken from `pool` by the first:
    /// taking one from the pool costs a round trip to the server (sqlx checks it first).
    pub(super) conn: Option<PoolConnection<Postgres>>,
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
    pub fn new(pool: &'p PgPool) -> Self {
        Self {
            pool,
            conn: None,
            reference: false,
            catalogue_now: None,
            edited: None,
        }
    }

    /// This search's connection (see [`Db::conn`]).
    pub(super) async fn conn(&mut self) -> sqlx::Result<&mut PgConnection> {
        crate::server::db::held_connection(&mut self.conn, self.pool).await
    }

    /// Candidates: the rows of `make`'s query (with the columns of [`CANDIDATE_COLUMNS`]).
    pub async fn candidates<'q>(
        &mut self,
        make: impl Fn(&str) -> QueryBuilder<'q, Postgres>,
    ) -> sqlx::Result<Vec<Candidate>> {
        let rows: Vec<CandidateRow> = self.rows(make).await?;
        Ok(rows.into_iter().map(Candidate::from).collect())
    }

    /// The ids `make`'s query selects (one column named `id`).
    pub async fn ids<'q>(
        &mut self,
        make: impl Fn(&str) -> QueryBuilder<'q, Postgres>,
    ) -> sqlx::Result<Vec<i64>> {
        self.scalars(make).await
    }

    /// The (id, maker, price) rows `make`'s query selects (columns `id`, `maker`, `price`).
    pub async fn fit_rows<'q>(
        &mut self,
        make: impl Fn(&str) -> QueryBuilder<'q, Postgres>,
    ) -> sqlx::Result<Vec<(i64, String, i64)>> {
        self.rows(make).await
    }

    pub async fn rows<'q, T>(
        &mut self,
        make: impl Fn(&str) -> QueryBuilder<'q, Postgres>,
    ) -> sqlx::Result<Vec<T>>
    where
        T: for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        let mut qb = make("");
        let each_time = planned_each_time(&qb);
        qb.build_query_as()
            .persistent(!each_time)
            .fetch_all(self.conn().await?)
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
        let each_time = planned_each_time(&qb);
        qb.build_query_scalar()
            .persistent(!each_time)
            .fetch_all(self.conn().await?)
            .await
    }

    /// Whether broad searches are ranked from their rows (see [`Db::reference`]).
    pub fn reference(&self) -> bool {
        self.reference
    }

    /// Whether what is kept in memory between requests must not be used: the tests'
    /// reference.
    pub fn uncached(&self) -> bool {
        self.reference
    }
}

/// Whether a query is planned for its own values each time it runs (an unnamed statement):
/// those that look words up in the word index, since how many parts a word matches decides
/// between the index and walking the newest parts, and one plan for all words would be wrong
/// for most. The others (browsing, part numbers, rows by id) are prepared once per connection
/// and may keep a generic plan: their plans do not depend on the values, and parsing and
/// planning them again cost more than running them.
fn planned_each_time(q: &QueryBuilder<'_, Postgres>) -> bool {
    q.sql().contains("::tsquery")
}

/// A word-index query: the search's words, each a whole word or the start of one (and, if
/// `in_name`, each in the part's name too). The database turns them into a `tsquery`
/// (`catalogue_query`) once per search, on first use ([`WordQuery::tsquery`]); the queries
/// then take it as a value, so planning them costs no function call and the planner sees the
/// very lexemes (their selectivity decides the plan).
pub struct WordQuery {
    words: Vec<String>,
    prefix: bool,
    in_name: bool,
    tsquery: tokio::sync::OnceCell<Option<String>>,
}

impl WordQuery {
    /// The `tsquery` of the words as text; `None` when they hold no letters or digits as the
    /// index reads them (then nothing matches).
    async fn tsquery(&self, db: &mut Db<'_>) -> sqlx::Result<Option<&str>> {
        let made = self
            .tsquery
            .get_or_try_init(|| async {
                sqlx::query_scalar::<_, Option<String>>("SELECT catalogue_query($1, $2)::text")
                    .bind(self.words.as_slice())
                    .bind(self.prefix)
                    .persistent(false)
                    .fetch_one(db.conn().await?)
                    .await
            })
            .await?;
        Ok(made.as_deref())
    }
}

/// The word query for `words`, whole words or prefixes; `None` without words.
pub fn word_query(words: &SearchWords, prefix: bool) -> Option<WordQuery> {
    (!words.words.is_empty()).then(|| WordQuery {
        words: words.words.clone(),
        prefix,
        in_name: false,
        tsquery: tokio::sync::OnceCell::new(),
    })
}

/// The word query for "matches `expr` and its name has every word" (as
/// [`SearchWords::all_in`] reads it, with the words as the word index splits them); `None`
/// without words. Its matches are kept in memory like any word query's (see `wordset`): made
/// once from the word index with each match's name checked, then patched.
pub fn name_word_query(words: &SearchWords, expr: &WordQuery) -> Option<WordQuery> {
    (!words.words.is_empty()).then(|| WordQuery {
        words: expr.words.clone(),
        prefix: expr.prefix,
        in_name: true,
        tsquery: tokio::sync::OnceCell::new(),
    })
}

/// What a word query is kept under in memory (see `wordset`): its words, whether they are
/// prefixes, and whether they must be in the name.
pub fn word_query_text(query: &WordQuery) -> String {
    let name = if query.in_name { "name:" } else { "" };
    format!("{name}{}:{}", query.prefix, query.words.join(" "))
}

/// The ids of every listed part matching a word query with an id above `above`, in any order.
pub async fn word_match_ids(
    db: &mut Db<'_>,
    query: &WordQuery,
    above: i64,
) -> sqlx::Result<Vec<i64>> {
    let Some(tsq) = query.tsquery(db).await? else {
        return Ok(Vec::new());
    };
    db.scalars(|prefix| {
        let mut q = QueryBuilder::new(format!(
            "{prefix}SELECT p.id FROM parts p WHERE p.archived = 0 AND p.id > "
        ));
        q.push_bind(above);
        push_query_match(&mut q, query, tsq);
        q
    })
    .await
}

/// Which of the parts `ids` are listed and match a word query now (in any order): rows by
/// id, each checked against the query.
pub async fn word_match_ids_among(
    db: &mut Db<'_>,
    query: &WordQuery,
    ids: &[i64],
) -> sqlx::Result<Vec<i64>> {
    let Some(tsq) = query.tsquery(db).await? else {
        return Ok(Vec::new());
    };
    db.scalars(|prefix| {
        let mut q = QueryBuilder::new(format!(
            "{prefix}SELECT p.id FROM parts p WHERE p.archived = 0 AND p.id = ANY("
        ));
        q.push_bind(ids.to_vec()).push(")");
        push_query_match(&mut q, query, tsq);
        q
    })
    .await
}

/// `AND` the condition that `p` matches the `tsquery` `tsq` (a lookup in the word index).
fn push_words_match<'q>(q: &mut QueryBuilder<'q, Postgres>, tsq: &'q str) {
    q.push(" AND p.words @@ ").push_bind(tsq).push("::tsquery");
}

/// `AND` the condition that `p` matches `query`, whose `tsquery` is `tsq`: the word index,
/// and for a query of the name's words, the name's own words (read from each match's row).
fn push_query_match<'q>(q: &mut QueryBuilder<'q, Postgres>, query: &WordQuery, tsq: &'q str) {
    push_words_match(q, tsq);
    if query.in_name {
        q.push(" AND array_to_tsvector(catalogue_words(p.name)) @@ ")
            .push_bind(tsq)
            .push("::tsquery");
    }
}

/// How many of the newest part ids the first look for a word query's newest matches covers
/// (see [`newest_word_matches`]). Small in the tests, whose catalogues are small, so that
/// their searches go through the widening windows as a big catalogue's do.
const FIRST_WINDOW: i64 = if cfg!(test) { 300 } else { 50_000 };

/// How many matches in all the word index is asked for without a window (see
/// [`next_window`]); smaller in the tests, as [`FIRST_WINDOW`] is.
const FEW_MATCHES: i64 = if cfg!(test) { 2_000 } else { 10 * COUNT_CAP };

/// How a key range compares text: bytewise, as the key indexes are built (`COLLATE "C"`),
/// not in the database's locale order.
pub const BYTEWISE: &str = " COLLATE \"C\"";

/// The word matches of `wq` that pass the filters (makers only if `makers` is given), newest
/// first, at most `COUNT_CAP + 1`; with a price or stock filter and no vehicle, only among the
/// newest [`SCAN_CAP`] word matches (of the chosen makers). With a vehicle this is the tests'
/// reference for the search among the parts that fit
/// (`search::fitting_word_ids`).
pub async fn word_hits(
    db: &mut Db<'_>,
    query: &CatalogueQuery,
    wq: &WordQuery,
    makers: &[String],
) -> sqlx::Result<Vec<Candidate>> {
    let Some(tsq) = wq.tsquery(db).await? else {
        return Ok(Vec::new());
    };
    // With a price or stock filter, look at no more than the newest SCAN_CAP word matches;
    // the parts that fit a vehicle are all looked at.
    let filtered = has_row_filters(query) && query.vehicle.is_none();
    let floor: Option<i64> = if filtered {
        db.scalars(|prefix| {
            let mut q = QueryBuilder::new(format!(
                "{prefix}SELECT p.id FROM parts p WHERE p.archived = 0"
            ));
            push_words_match(&mut q, tsq);
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
        push_words_match(&mut q, tsq);
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

/// The ids of the newest `COUNT_CAP + 1` parts matching a word query, newest first (see
/// [`newest_in_windows`]).
pub async fn newest_word_matches(db: &mut Db<'_>, wq: &WordQuery) -> sqlx::Result<Vec<i64>> {
    let Some(tsq) = wq.tsquery(db).await? else {
        return Ok(Vec::new());
    };
    newest_in_windows(db, tsq, &[], COUNT_CAP + 1).await
}

/// The ids of the newest `wanted` listed parts matching the `tsquery` `tsq` and by one of
/// `makers` (any maker if none), newest first.
///
/// The word index (GIN) gives a word's matches in no useful order: asked for the newest
/// thousand of a word that 100,000 parts have, PostgreSQL reads every match's row to sort
/// them. So the newest parts are searched first: the newest [`FIRST_WINDOW`] ids, then a
/// window as wide as the matches found so far say is needed (with a margin), then all parts.
/// A common word is done in the first window or two; a rare one costs two or three lookups of
/// a short list.
async fn newest_in_windows(
    db: &mut Db<'_>,
    tsq: &str,
    makers: &[String],
    wanted: i64,
) -> sqlx::Result<Vec<i64>> {
    let newest: Option<i64> = sqlx::query_scalar("SELECT max(id) FROM parts")
        .fetch_one(db.conn().await?)
        .await?;
    let newest = newest.unwrap_or(0);
    let mut window = FIRST_WINDOW;
    loop {
        let floor = Some(newest.saturating_sub(window)).filter(|&floor| floor > 0);
        let ids: Vec<i64> = db
            .scalars(|prefix| {
                let mut q = QueryBuilder::new(format!(
                    "{prefix}SELECT p.id FROM parts p WHERE p.archived = 0"
                ));
                push_words_match(&mut q, tsq);
                push_maker_filter(&mut q, makers);
                if let Some(floor) = floor {
                    q.push(" AND p.id > ").push_bind(floor);
                }
                q.push(format!(" ORDER BY p.id DESC LIMIT {wanted}"));
                q
            })
            .await?;
        if floor.is_none() || ids.len() as i64 >= wanted {
            return Ok(ids);
        }
        window = next_window(window, ids.len(), newest, wanted).unwrap_or(newest);
    }
}

/// The next window after the newest `window` of `newest` ids held `found` matches: wide
/// enough for `wanted` matches at the density seen, with half again as a margin, and at least
/// four times as wide; or every part (`None`) when the density says the whole index holds few
/// matches (up to [`FEW_MATCHES`], or `wanted`): then the word index alone is the cheaper way,
/// since a window cannot save the reading of matches that the planner filters one by one.
fn next_window(window: i64, found: usize, newest: i64, wanted: i64) -> Option<i64> {
    let found = found.max(1) as f64;
    if found * newest as f64 / window as f64 <= FEW_MATCHES.max(wanted) as f64 {
        return None;
    }
    let wide_enough = wanted as f64 * 1.5 * window as f64 / found;
    Some(
        (window.saturating_mul(4) as f64)
            .max(wide_enough)
            .min(i64::MAX as f64 / 2.0) as i64,
    )
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
    db.candidates(|prefix| {
        let mut q = QueryBuilder::new(format!("{prefix}{CANDIDATE_COLUMNS}"));
        q.push(" FROM parts p WHERE p.id = ANY(")
            .push_bind(ids)
            .push(") AND p.archived = 0");
        if let Some(filters) = filters {
            push_row_filters(&mut q, filters, false);
        }
        q
    })
    .await
}

#[cfg(test)]
mod window_tests {
    use super::*;

    #[test]
    fn the_next_window_grows_to_the_density_seen() {
        let (few, window) = (FEW_MATCHES as usize, FIRST_WINDOW);
        // As many matches in the window as make FEW_MATCHES in all: no more windows.
        let wanted = COUNT_CAP + 1;
        assert_eq!(next_window(window, few / 10, window * 10, wanted), None);
        assert_eq!(next_window(window, 0, window * 10, wanted), None);
        // One more, in a catalogue ten times as big: wide enough for COUNT_CAP + 1 matches at
        // this density, with half again as a margin, and at least four times as wide.
        let found = few / 10 + 1;
        let wide = ((COUNT_CAP + 1) as f64 * 1.5 * window as f64 / found as f64) as i64;
        assert_eq!(
            next_window(window, found, window * 10, wanted),
            Some(wide.max(window * 4))
        );
        assert_eq!(next_window(50_000, 1000, 10_000_000, wanted), Some(200_000));
        // Twenty thousand wanted (a filtered search's scan): as wide again for them, and no
        // window when the whole index holds fewer than that.
        assert_eq!(
            next_window(50_000, 1000, 10_000_000, 20_000),
            Some(1_500_000)
        );
        assert_eq!(next_window(50_000, 99, 10_000_000, 20_000), None);
        assert!(next_window(10, 9, i64::MAX / 2, wanted).unwrap() > 0);
    }
}
