//! Sessions around every request: the absolute lifetime of a login, and the purge of expired
//! sessions from the store.

use super::state::AppState;
use crate::auth::backend::{AuthSession, LOGGED_IN_AT};
use crate::server::db::DbPool;
use crate::time::unix_now;

/// Middleware: logs out a session whose login is older than the configured absolute
/// lifetime, however active it has been (the idle timeout is the session store's expiry).
pub async fn enforce_session_lifetime(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut auth: AuthSession,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if auth.user.is_some() {
        let logged_in_at = auth.session.get::<i64>(LOGGED_IN_AT).await.ok().flatten();
        let age = logged_in_at.map(|at| unix_now().saturating_sub(at));
        let expired = match age {
            Some(age) => age >= state.config.session_lifetime.as_secs() as i64,
            // A session from before the timestamp existed: start counting now.
            None => {
                let _ = auth.session.insert(LOGGED_IN_AT, unix_now()).await;
                false
            }
        };
        if expired {
            tracing::info!("session reached its absolute lifetime; logged out");
            if auth.logout().await.is_ok() {
                // Handlers further in must see the logged-out session.
                request.extensions_mut().insert(auth);
            }
        }
    }
    next.run(request).await
}

/// Deletes expired sessions from the store every `every`, for as long as the server runs.
pub fn spawn_session_purge(
    pool: DbPool,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    use tower_sessions::ExpiredDeletion;
    let store = crate::server::db::session_store(pool);
    tokio::spawn(async move {
        if let Err(e) = store.continuously_delete_expired(every).await {
            tracing::error!(error = %e, "expired-session purge stopped");
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_sessions::{
        cookie::time::{Duration as CookieDuration, OffsetDateTime},
        session::{Id, Record},
        SessionStore,
    };

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn expired_sessions_are_purged_and_live_ones_kept(pool: DbPool) {
        let store = crate::server::db::session_store(pool.clone());
        for (n, age) in [(1, -1), (2, -24), (3, 24)] {
            let mut record = Record {
                id: Id(n),
                data: Default::default(),
                expiry_date: OffsetDateTime::now_utc() + CookieDuration::hours(age),
            };
            store.create(&mut record).await.unwrap();
        }
        let purge = spawn_session_purge(pool.clone(), std::time::Duration::from_millis(50));
        let mut left = 3;
        for _ in 0..100 {
            left = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM tower_sessions")
                .fetch_one(&pool)
                .await
                .unwrap();
            if left == 1 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        purge.abort();
        assert_eq!(left, 1, "only the live session is left");
        assert!(store.load(&Id(3)).await.unwrap().is_some());
    }
}
