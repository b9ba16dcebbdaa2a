//! `sqlx::query!`, `query_as!` and `query_scalar!` for the engine of this build.
//!
//! sqlx keeps a query's checked data (`.sqlx/query-<hash of its text>.json`) under the hash of
//! its SQL text, and reads it from one directory, so one text cannot be checked against two
//! engines. These macros give each query one text per engine: on PostgreSQL builds a trailing
//! comment (`-- postgres`) is added, which makes a second data file, checked against the
//! PostgreSQL schema (scripts/sqlx-prepare.sh writes both). The SQL itself is the same.
//! Use them instead of sqlx's: a plain `sqlx::query!` in a PostgreSQL build finds the SQLite
//! data and fails to compile, so a query that skips them cannot go unnoticed.
//!
//! The SQL may be string literals joined by `+` (`r#"SELECT …"# + "WHERE …"`).

/// `sqlx::query!` for this build's engine.
#[cfg(not(feature = "postgres"))]
#[macro_export]
macro_rules! db_query {
    ($sql:literal $(+ $more:literal)* $(, $($args:tt)*)?) => { sqlx::query!($sql $(+ $more)* $(, $($args)*)?) };
}
/// `sqlx::query!` for this build's engine.
#[cfg(feature = "postgres")]
#[macro_export]
macro_rules! db_query {
    ($sql:literal $(+ $more:literal)* $(, $($args:tt)*)?) => {
        sqlx::query!($sql $(+ $more)* + "\n-- postgres" $(, $($args)*)?)
    };
}

/// `sqlx::query_as!` for this build's engine.
#[cfg(not(feature = "postgres"))]
#[macro_export]
macro_rules! db_query_as {
    ($row:path, $sql:literal $(+ $more:literal)* $(, $($args:tt)*)?) => {
        sqlx::query_as!($row, $sql $(+ $more)* $(, $($args)*)?)
    };
}
/// `sqlx::query_as!` for this build's engine.
#[cfg(feature = "postgres")]
#[macro_export]
macro_rules! db_query_as {
    ($row:path, $sql:literal $(+ $more:literal)* $(, $($args:tt)*)?) => {
        sqlx::query_as!($row, $sql $(+ $more)* + "\n-- postgres" $(, $($args)*)?)
    };
}

/// `sqlx::query_scalar!` for this build's engine.
#[cfg(not(feature = "postgres"))]
#[macro_export]
macro_rules! db_query_scalar {
    ($sql:literal $(+ $more:literal)* $(, $($args:tt)*)?) => { sqlx::query_scalar!($sql $(+ $more)* $(, $($args)*)?) };
}
/// `sqlx::query_scalar!` for this build's engine.
#[cfg(feature = "postgres")]
#[macro_export]
macro_rules! db_query_scalar {
    ($sql:literal $(+ $more:literal)* $(, $($args:tt)*)?) => {
        sqlx::query_scalar!($sql $(+ $more)* + "\n-- postgres" $(, $($args)*)?)
    };
}
