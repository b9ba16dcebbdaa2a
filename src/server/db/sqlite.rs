//! SQLite, the embedded default: the pool (foreign keys on, WAL, writers that wait for each
//! other briefly and often, migrations applied on start), write transactions and SQLite's
//! way of naming a unique violation.

use sqlx::{
    error::DatabaseError,
    migrate::Migrator,
    sqlite::{
        SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions,
        SqliteSynchronous,
    },
    SqlitePool, Transaction,
};
use std::{
    ffi::{c_int, c_void},
    str::FromStr,
    time::Duration,
};

/// The engine.
pub type Db = sqlx::Sqlite;

/// The database when `DATABASE_URL` is not set: a file in the working folder.
pub const DEFAULT_URL: &str = "sqlite://partwatch.db?mode=rwc";

/// The store that keeps sessions.
pub type SessionStore = tower_sessions_sqlx_store::SqliteStore;

/// The session store on `pool` (the table `tower_sessions`, created by the migrations).
pub fn session_store(pool: SqlitePool) -> SessionStore {
    tower_sessions_sqlx_store::SqliteStore::new(pool)
}

/// Every row of a query, read as `T` (a tuple of its columns): `make(prefix)` writes the
/// query after `prefix`, selecting the columns named `columns` (comma-separated). Here SQLite
/// packs the rows into one JSON value, because sqlx hands each row over from the connection's
/// thread separately, which costs more than reading a few dozen rows (the fitment rows of a
/// catalogue page: 0.77 ms row by row). The rows come in no particular order.
pub async fn all_rows<'q, T>(
    db: impl sqlx::Executor<'_, Database = Db>,
    columns: &str,
    make: impl FnOnce(&str) -> sqlx::QueryBuilder<'q, Db>,
) -> sqlx::Result<Vec<T>>
where
    T: serde::de::DeserializeOwned,
{
    let mut q = make(&format!(
        "SELECT json_group_array(json_array({columns})) FROM ("
    ));
    q.push(")");
    let json: String = q.build_query_scalar().fetch_one(db).await?;
    serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Nothing to do on SQLite: a write transaction holds the one write lock (see
/// [`begin_write`]). PostgreSQL locks the rows of the parts in id order here.
pub async fn lock_parts(db: &mut SqliteConnection, ids: &[i64]) -> sqlx::Result<()> {
    let _ = (db, ids);
    Ok(())
}

/// Nothing to do on SQLite (the one write lock); PostgreSQL locks the orders in id order.
pub async fn lock_orders(db: &mut SqliteConnection, ids: &[i64]) -> sqlx::Result<()> {
    let _ = (db, ids);
    Ok(())
}

/// One connection tuned for writing a generated catalogue in bulk: a crash meanwhile loses
/// only generated data.
pub async fn bulk_connection(url: &str) -> sqlx::Result<SqliteConnection> {
    use sqlx::ConnectOptions;
    SqliteConnectOptions::from_str(url)?
        .foreign_keys(true)
        .pragma("synchronous", "OFF")
        .pragma("cache_size", "-262144")
        .pragma("temp_store", "MEMORY")
        .disable_statement_logging()
        .connect()
        .await
}

/// After a bulk load: merges the word index (a bulk load leaves it in a dozen segments that
/// every search reads; merged, searches read 2-5 times less, measured at 1M parts), updates
/// the planner's statistics and empties the write-ahead log.
/// Before loading many parts in one transaction: nothing to do on SQLite, whose trigger
/// updates the maker counts in place (PostgreSQL's turns off, see its dialect).
pub async fn begin_parts_bulk_load(conn: &mut SqliteConnection) -> sqlx::Result<()> {
    let _ = conn;
    Ok(())
}

/// After [`begin_parts_bulk_load`]: nothing to do on SQLite.
pub async fn end_parts_bulk_load(conn: &mut SqliteConnection) -> sqlx::Result<()> {
    let _ = conn;
    Ok(())
}

pub async fn after_bulk_load(conn: &mut SqliteConnection) -> sqlx::Result<()> {
    for statement in [
        "INSERT INTO parts_words (parts_words) VALUES ('optimize')",
        "PRAGMA optimize=0x10002",
        "PRAGMA wal_checkpoint(TRUNCATE)",
    ] {
        sqlx::query(statement).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The URL of a database of its own in the folder `dir` (for tests and tools that need a
/// second database or one shared by several processes).
pub async fn scratch_database(dir: &std::path::Path) -> sqlx::Result<String> {
    Ok(format!("sqlite://{}/db.sqlite?mode=rwc", dir.display()))
}

/// The migrations under `migrations/sqlite/`, embedded at compile time.
pub static MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");

/// Begins a transaction that writes: `BEGIN IMMEDIATE` takes SQLite's one write lock first,
/// so nothing another writer does can fall between this transaction's reads and its writes.
/// `user_id` (the account the writes are about) matters only on PostgreSQL, which locks that
/// account's row instead.
pub async fn begin_write(
    pool: &SqlitePool,
    user_id: Option<i64>,
) -> sqlx::Result<Transaction<'static, Db>> {
    let _ = user_id;
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// Begins a transaction that only one process at a time runs for the work numbered `lock`:
/// SQLite's write lock (`BEGIN IMMEDIATE`) already is that.
pub async fn begin_exclusive(
    pool: &SqlitePool,
    lock: i64,
) -> sqlx::Result<Transaction<'static, Db>> {
    let _ = lock;
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// The one column (`table.column`) whose unique index a failed write ran into, if that is why
/// it failed. SQLite names the columns in its message ("UNIQUE constraint failed:
/// users.email", or "t.a, t.b" for an index of several columns); sqlx's `constraint()` is
/// always `None` on SQLite, and SQLite names an index (rather than its columns) only for an
/// index on an expression, which no unique index here is.
pub fn unique_violation(err: &sqlx::Error) -> Option<String> {
    let e: &dyn DatabaseError = err.as_database_error()?;
    if !e.is_unique_violation() {
        return None;
    }
    let columns = e.message().strip_prefix("UNIQUE constraint failed: ")?;
    (!columns.contains(", ")).then(|| columns.to_owned())
}

/// Opens (creating if needed) the database at `url` and applies pending migrations.
pub async fn connect(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .foreign_keys(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        // sqlx pings a connection before handing it out, in case the server dropped it: a
        // SQLite connection is a file handle in this process that cannot go away, and the ping
        // is a round trip to the connection's thread, a third of a small query's cost.
        .test_before_acquire(false)
        .after_connect(|conn, _| Box::pin(retry_writes_often(conn)))
        .after_release(|conn, _| Box::pin(not_in_a_transaction(conn)))
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// How often and how long a writer retries while another connection writes: every 100 µs
/// for the first 20 ms, then every millisecond, about 5 s in all.
const QUICK_RETRIES: c_int = 200;
const ALL_RETRIES: c_int = QUICK_RETRIES + 5_000;

/// Replaces SQLite's busy timeout on `conn` with [`on_busy`]. SQLite's own handler sleeps 1,
/// 2, 5, 10 … up to 100 ms between tries, so under load a checkout waited up to 100 ms for a
/// lock freed a millisecond after it began to sleep (add-to-cart p99 238 ms with 32 clients).
async fn retry_writes_often(conn: &mut SqliteConnection) -> sqlx::Result<()> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    // SAFETY: `db` is this connection's open handle, locked for us while we hold `handle`;
    // the callback is a plain function that uses no data pointer.
    let rc =
        unsafe { libsqlite3_sys::sqlite3_busy_handler(db, Some(on_busy), std::ptr::null_mut()) };
    if rc == libsqlite3_sys::SQLITE_OK {
        Ok(())
    } else {
        Err(sqlx::Error::Protocol(format!(
            "sqlite3_busy_handler failed ({rc})"
        )))
    }
}

/// Whether a connection coming back to the pool may be used again: not if it is still inside
/// a transaction. sqlx leaves one open when a request is cancelled (the client went away)
/// while `BEGIN` was running: the connection returned with the write lock held, every other
/// writer waited 5 s and failed ("database is locked"), and whatever that connection wrote
/// later was never committed. Closed instead, the connection's transaction is rolled back.
async fn not_in_a_transaction(conn: &mut SqliteConnection) -> sqlx::Result<bool> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    // SAFETY: `db` is this connection's open handle, locked for us while we hold `handle`.
    let autocommit = unsafe { libsqlite3_sys::sqlite3_get_autocommit(db) } != 0;
    if !autocommit {
        tracing::warn!("a database connection came back inside a transaction; closed it");
    }
    Ok(autocommit)
}

/// SQLite's busy callback: called on the connection's own thread with the number of tries so
/// far while another connection holds the write lock; 1 tries again, 0 gives up (`SQLITE_BUSY`).
extern "C" fn on_busy(_: *mut c_void, tries: c_int) -> c_int {
    if tries >= ALL_RETRIES {
        return 0;
    }
    std::thread::sleep(if tries < QUICK_RETRIES {
        Duration::from_micros(100)
    } else {
        Duration::from_millis(1)
    });
    1
}

/// A second pool on the database at `url`, for public reads (the configuration accepts a
/// read replica only in the PostgreSQL build; this exists so both builds share one startup).
pub async fn connect_read(url: &str) -> Result<SqlitePool, sqlx::Error> {
    connect(url).await
}

/// Says in one line, for the person starting PartWatch, why the database at `url` could not
/// be opened: the folder is missing, is not a folder, or cannot be written, else sqlx's reason.
pub fn open_error_message(url: &str, error: &sqlx::Error) -> String {
    let path = SqliteConnectOptions::from_str(url)
        .map(|o| o.get_filename().to_path_buf())
        .ok();
    let reason = path
        .as_deref()
        .and_then(|path| {
            let folder = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => std::path::Path::new("."),
            };
            match std::fs::metadata(folder) {
                Err(_) => Some(format!("the folder {} does not exist", folder.display())),
                Ok(m) if !m.is_dir() => Some(format!("{} is not a folder", folder.display())),
                Ok(m) if m.permissions().readonly() => {
                    Some(format!("the folder {} is read-only", folder.display()))
                }
                Ok(_) => None,
            }
        })
        .unwrap_or_else(|| error.to_string());
    let shown = path.map_or_else(|| url.to_owned(), |p| p.display().to_string());
    format!("DATABASE_URL: cannot open the database {shown}: {reason}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn unusable_database_path_is_explained_in_one_line() {
        let file = std::env::temp_dir().join(format!("pw-notdir-{}", std::process::id()));
        std::fs::write(&file, b"x").unwrap();
        let url = format!("sqlite://{}/db.sqlite?mode=rwc", file.display());
        let error = connect(&url).await.unwrap_err();
        let message = open_error_message(&url, &error);
        assert!(message.starts_with("DATABASE_URL: cannot open the database "));
        assert!(message.ends_with(&format!("{} is not a folder", file.display())));
        assert!(!message.contains('\n'));

        let missing = format!("sqlite:///nonexistent-{}/db.sqlite", std::process::id());
        let error = connect(&missing).await.unwrap_err();
        assert!(open_error_message(&missing, &error).ends_with("does not exist"));
        std::fs::remove_file(&file).ok();
    }

    #[tokio::test]
    async fn pool_has_foreign_keys_wal_and_waiting_writers() {
        let dir = std::env::temp_dir().join(format!("pw-pool-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/t.db?mode=rwc", dir.display());
        let pool = connect(&url).await.unwrap();
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&pool)
            .await
            .unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(fk, 1);
        assert_eq!(mode, "wal");
        // A second writer waits for the first instead of failing with "database is locked".
        let mut first = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
        sqlx::query("CREATE TABLE t (x INTEGER)")
            .execute(&mut *first)
            .await
            .unwrap();
        let second = {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                sqlx::query("INSERT INTO t (x) VALUES (2)")
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        sqlx::query("INSERT INTO t (x) VALUES (1)")
            .execute(&mut *first)
            .await
            .unwrap();
        first.commit().await.unwrap();
        second.await.unwrap().unwrap();
        let rows: Vec<i64> = sqlx::query_scalar("SELECT x FROM t ORDER BY rowid")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(rows, [1, 2]);

        // A connection left inside a transaction (as a cancelled `BEGIN` leaves it) does not
        // go back into use holding the write lock: the next writer gets the lock at once.
        let mut leaked = pool.acquire().await.unwrap();
        sqlx::raw_sql("BEGIN IMMEDIATE")
            .execute(&mut *leaked)
            .await
            .unwrap();
        drop(leaked);
        let mut next =
            tokio::time::timeout(Duration::from_secs(2), pool.begin_with("BEGIN IMMEDIATE"))
                .await
                .expect("the write lock was still held")
                .unwrap();
        sqlx::query("INSERT INTO t (x) VALUES (3)")
            .execute(&mut *next)
            .await
            .unwrap();
        next.commit().await.unwrap();
        // Running migrations again on an up-to-date database changes nothing.
        MIGRATOR.run(&pool).await.unwrap();
        pool.close().await;
        std::fs::remove_dir_all(&dir).ok();
    }
}
