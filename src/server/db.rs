//! The SQLite pool: foreign keys on, WAL, a busy timeout, migrations applied on start.

use sqlx::{
    migrate::Migrator,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    SqlitePool,
};
use std::{str::FromStr, time::Duration};

/// The migrations under `migrations/`, embedded at compile time.
pub static MIGRATOR: Migrator = sqlx::migrate!();

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
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
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
    async fn pool_has_foreign_keys_wal_and_timeout() {
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
        let timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(fk, 1);
        assert_eq!(mode, "wal");
        assert_eq!(timeout, 5000);
        // Running migrations again on an up-to-date database changes nothing.
        MIGRATOR.run(&pool).await.unwrap();
        pool.close().await;
        std::fs::remove_dir_all(&dir).ok();
    }
}
