//! PostgreSQL, for a shop on several app servers: the pool, write transactions (row locks
//! where SQLite has its one write lock), and PostgreSQL's way of naming a unique violation.

use sqlx::{
    error::DatabaseError,
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions},
    PgPool, Transaction,
};
use std::{str::FromStr, time::Duration};

/// Every row of a query, read as `T` (a tuple of its columns): `make(prefix)` writes the
/// query after `prefix` (here always empty: rows come over the socket together; SQLite packs
/// them, see its `all_rows`). `columns` names the query's columns for SQLite. The rows come
/// in no particular order.
pub async fn all_rows<'q, T>(
    db: impl sqlx::Executor<'_, Database = Db>,
    _columns: &str,
    make: impl FnOnce(&str) -> sqlx::QueryBuilder<'q, Db>,
) -> sqlx::Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    make("").build_query_as().fetch_all(db).await
}

/// The engine.
pub type Db = sqlx::Postgres;

/// The database when `DATABASE_URL` is not set: `partwatch` on the local server.
pub const DEFAULT_URL: &str = "postgres://localhost/partwatch";

/// The store that keeps sessions, shared by every app server.
pub type SessionStore = tower_sessions_sqlx_store::PostgresStore;

/// One connection for writing a generated catalogue in bulk (commits do not wait for the
/// disk: a crash meanwhile loses only generated data).
pub async fn bulk_connection(url: &str) -> sqlx::Result<sqlx::PgConnection> {
    use sqlx::ConnectOptions;
    let mut conn = PgConnectOptions::from_str(url)?
        .disable_statement_logging()
        .connect()
        .await?;
    sqlx::query("SET synchronous_commit = off")
        .execute(&mut conn)
        .await?;
    Ok(conn)
}

/// Before loading many parts in one transaction (the generator, migrate-to-postgres): turns
/// off the triggers that update a few rows again and again: the per-row one that keeps
/// `catalogue_makers` counted (one of a few maker rows per part), and the per-statement one
/// that bumps the generation of each model a batch of fitment rows names (`model_generation`).
/// Within one transaction each update walks that row's growing chain of versions: a million
/// parts slowed to 200 a second and would have taken hours, first for the maker counts, then
/// again for the model generations. [`end_parts_bulk_load`] turns them back on, counts once and
/// bumps every model with fitment rows once. (The lock this takes on `parts` and `fitments`
/// lasts until the transaction ends; both callers fill a new database.)
pub async fn begin_parts_bulk_load(conn: &mut sqlx::PgConnection) -> sqlx::Result<()> {
    for statement in [
        "ALTER TABLE parts DISABLE TRIGGER catalogue_makers_after_insert_delete",
        "ALTER TABLE fitments DISABLE TRIGGER model_generation_fitments_added",
    ] {
        sqlx::query(statement).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Ends [`begin_parts_bulk_load`] in the same transaction: the triggers back on, the maker
/// counts made from the parts, every model with fitment rows a generation further.
pub async fn end_parts_bulk_load(conn: &mut sqlx::PgConnection) -> sqlx::Result<()> {
    for statement in [
        "ALTER TABLE parts ENABLE TRIGGER catalogue_makers_after_insert_delete",
        "ALTER TABLE fitments ENABLE TRIGGER model_generation_fitments_added",
        "DELETE FROM catalogue_makers",
        "INSERT INTO catalogue_makers (manufacturer, listed, in_stock) \
         SELECT manufacturer, COUNT(*), COUNT(*) FILTER (WHERE stock > 0) \
         FROM parts WHERE archived = 0 GROUP BY manufacturer",
        "INSERT INTO model_generation (model_id, value) \
         SELECT DISTINCT model_id, 1 FROM fitments ORDER BY model_id \
         ON CONFLICT (model_id) DO UPDATE SET value = model_generation.value + 1",
    ] {
        sqlx::query(statement).execute(&mut *conn).await?;
    }
    Ok(())
}

/// After a bulk load with explicit ids: moves the parts' id sequence past them (else the next
/// listing would collide) and updates the planner's statistics.
pub async fn after_bulk_load(conn: &mut sqlx::PgConnection) -> sqlx::Result<()> {
    sqlx::query(
        "SELECT setval(pg_get_serial_sequence('parts', 'id'), \
         (SELECT COALESCE(MAX(id), 0) + 1 FROM parts), false)",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query("ANALYZE").execute(&mut *conn).await?;
    Ok(())
}

/// The URL of a database of its own for the folder `dir` (for tests and tools that need a
/// second database or one shared by several processes), on the server `DATABASE_URL` names:
/// created on first use, named after the folder, so every call for one folder (from any
/// process) gets the same database.
pub async fn scratch_database(dir: &std::path::Path) -> sqlx::Result<String> {
    use sqlx::Connection;
    let server = std::env::var("DATABASE_URL").map_err(|_| {
        sqlx::Error::Configuration("DATABASE_URL must name a PostgreSQL server".into())
    })?;
    let folder = dir.file_name().unwrap_or_default().to_string_lossy();
    let name: String = format!("pw_{folder}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(63)
        .collect();
    let mut conn = sqlx::PgConnection::connect(&server).await?;
    let created = sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .await;
    match created {
        // 42P04: duplicate_database (made by an earlier call for the same folder).
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
        other => {
            other?;
        }
    }
    conn.close().await?;
    let base = server.split('?').next().unwrap_or(&server);
    let authority_end = base
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| base[start..].find('/').map(|i| start + i))
        .unwrap_or(base.len());
    Ok(format!("{}/{name}", &base[..authority_end]))
}

/// The migrations under `migrations/postgres/`, embedded at compile time.
pub static MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// The session store on `pool`: the table `tower_sessions` (created by the migrations, in the
/// store's own shape), the name it has on SQLite.
pub fn session_store(pool: PgPool) -> SessionStore {
    tower_sessions_sqlx_store::PostgresStore::new(pool)
        .with_schema_name("public")
        .and_then(|store| store.with_table_name("tower_sessions"))
        .expect("valid identifiers")
}

/// Connects to the database at `url` and applies pending migrations. Several servers starting
/// together are safe: sqlx's migrator holds an advisory lock while it migrates.
pub async fn connect(url: &str) -> Result<PgPool, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?;
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// Connects to a read replica at `url` (no migrations: a replica follows its primary).
pub async fn connect_read(url: &str) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(PgConnectOptions::from_str(url)?)
        .await
}

/// Begins a transaction that writes. PostgreSQL has no one write lock: the transaction locks
/// the row of `user_id` (the account the writes are about), so two writes for one customer
/// (two checkouts, a checkout and a cart change) run one after the other, as they do on
/// SQLite. Writes shared between accounts (stock) are conditional updates, which PostgreSQL
/// re-checks on the latest row, and parts are locked in id order ([`lock_parts`]).
pub async fn begin_write(
    pool: &PgPool,
    user_id: Option<i64>,
) -> sqlx::Result<Transaction<'static, Db>> {
    let mut tx = pool.begin().await?;
    if let Some(id) = user_id {
        sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(tx)
}

/// Begins a transaction that only one server at a time runs for the work numbered `lock`: it
/// holds a transaction-level advisory lock (released at commit or rollback, or when a killed server's
/// connection drops), so a second server starting at the same moment waits, then sees the
/// first one's work.
pub async fn begin_exclusive(pool: &PgPool, lock: i64) -> sqlx::Result<Transaction<'static, Db>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(lock)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Locks the rows of the parts `ids` in id order, before a transaction changes the stock of
/// several: two checkouts that share parts then wait for each other instead of deadlocking.
pub async fn lock_parts(db: &mut sqlx::PgConnection, ids: &[i64]) -> sqlx::Result<()> {
    sqlx::query("SELECT id FROM parts WHERE id = ANY($1) ORDER BY id FOR UPDATE")
        .bind(ids)
        .execute(db)
        .await
        .map(|_| ())
}

/// Locks the rows of the orders `ids` in id order, for work on several orders in one
/// transaction (the expiry): taken before any part is locked, so it never waits for an order
/// while holding parts a customer's own cancellation (order, then its parts) is waiting for.
pub async fn lock_orders(db: &mut sqlx::PgConnection, ids: &[i64]) -> sqlx::Result<()> {
    sqlx::query("SELECT id FROM orders WHERE id = ANY($1) ORDER BY id FOR UPDATE")
        .bind(ids)
        .execute(db)
        .await
        .map(|_| ())
}

/// The one column (`table.column`) whose unique index a failed write ran into, if that is why
/// it failed. PostgreSQL names the index; the unique indexes that a user's input can run into
/// are listed here by name.
pub fn unique_violation(err: &sqlx::Error) -> Option<String> {
    let e: &dyn DatabaseError = err.as_database_error()?;
    if !e.is_unique_violation() {
        return None;
    }
    let column = match e.constraint()? {
        "users_username_key" => "users.username",
        "users_email_key" => "users.email",
        "users_username_skeleton_key" => "users.username_skeleton",
        "checkouts_customer_id_idempotency_key_key" => "checkouts.idempotency_key",
        "orders_payment_reference_key" => "orders.payment_reference",
        other => return Some(other.to_owned()),
    };
    Some(column.to_owned())
}

/// Says in one line, for the person starting PartWatch, why the database at `url` could not
/// be reached (the password is never shown).
pub fn open_error_message(url: &str, error: &sqlx::Error) -> String {
    let shown = match PgConnectOptions::from_str(url) {
        Ok(o) => format!(
            "{} on {}:{}",
            o.get_database().unwrap_or("(default)"),
            o.get_host(),
            o.get_port()
        ),
        Err(_) => "(not a postgres:// URL)".to_owned(),
    };
    format!("DATABASE_URL: cannot open the database {shown}: {error}")
}
