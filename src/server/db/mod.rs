//! The database: one set of queries for two engines. SQLite (the default) is embedded, for one
//! machine; PostgreSQL (cargo feature `postgres`) is for a shop that runs several app servers
//! on one replicated database. Queries are written in SQL both accept (`$1` placeholders,
//! `RETURNING`, `FILTER`, `COLLATE NOCASE`, `unixepoch()`: the PostgreSQL schema defines the
//! last two); what truly differs lives in one dialect module per engine ([`sqlite`],
//! [`postgres`]): connecting, write transactions, unique-violation messages, migrations and
//! the catalogue search (`catalogue::search`).
//!
//! The query macros check every query at compile time against the schema of the engine being
//! built: `build.rs` points them at `.sqlx/sqlite` or `.sqlx/postgres`.

pub mod sqlite;
#[cfg(not(feature = "postgres"))]
pub use sqlite as dialect;

#[cfg(feature = "postgres")]
pub mod move_to_postgres;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "postgres")]
pub use postgres as dialect;
/// Opens a shop's SQLite database (migrated to the latest SQLite schema) to copy it.
#[cfg(feature = "postgres")]
pub use sqlite::connect as sqlite_source;

pub use dialect::{
    all_rows, begin_write, connect, connect_read, lock_orders, lock_parts, open_error_message,
    scratch_database, session_store, unique_violation, Db, SessionStore, DEFAULT_URL, MIGRATOR,
};

/// Work that one server at a time may do, however many start together on one database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exclusive {
    /// Loading the demo data into an empty database.
    DemoData = 1,
    /// Loading a newer vehicle table (`vehicles::db::load_vehicle_data`).
    VehicleData = 2,
}

/// Begins a transaction that only one server at a time runs for `what` (see the dialect's
/// `begin_exclusive`: SQLite's write lock, PostgreSQL's advisory lock).
pub async fn begin_exclusive(
    pool: &DbPool,
    what: Exclusive,
) -> sqlx::Result<DbTransaction<'static>> {
    dialect::begin_exclusive(pool, what as i64).await
}

/// A pool of connections to the shop's database.
pub type DbPool = sqlx::Pool<Db>;
/// One connection (inside a transaction, `&mut *tx` is one).
pub type DbConnection = <Db as sqlx::Database>::Connection;
/// A transaction on the shop's database.
pub type DbTransaction<'c> = sqlx::Transaction<'c, Db>;

/// The connection in `slot`, taken from `pool` first if there is none: a caller that runs
/// several queries keeps one connection for all of them (the catalogue search's `Db::conn`),
/// saving the pool's hand-over per query.
pub async fn held_connection<'a>(
    slot: &'a mut Option<sqlx::pool::PoolConnection<Db>>,
    pool: &DbPool,
) -> sqlx::Result<&'a mut DbConnection> {
    let conn = match slot.take() {
        Some(conn) => conn,
        None => pool.acquire().await?,
    };
    Ok(&mut **slot.insert(conn))
}

/// Anything a query can run on: the pool, a connection or a transaction.
pub trait DbExecutor<'c>: sqlx::Executor<'c, Database = Db> {}
impl<'c, T: sqlx::Executor<'c, Database = Db>> DbExecutor<'c> for T {}

/// The engine this build talks to, for messages and the benchmark.
pub const ENGINE: &str = if cfg!(feature = "postgres") {
    "PostgreSQL"
} else {
    "SQLite"
};
