//! The axum-login backend: finds users by email and checks passwords.

use super::password;
use crate::{auth::db, auth::db::UserRow, error::AppError};
use axum_login::{AuthUser, AuthnBackend, UserId};
use sqlx::SqlitePool;

impl AuthUser for UserRow {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    /// The password hash: changing the password invalidates every other session of the user.
    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash.as_bytes()
    }
}

/// What a login form supplies.
#[derive(Clone)]
pub struct Credentials {
    /// As typed; looked up without regard to case.
    pub email: String,
    /// As typed.
    pub password: String,
}

/// Users live in the application database.
#[derive(Clone, Debug)]
pub struct Backend {
    pool: SqlitePool,
}

impl Backend {
    /// A backend on this pool.
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }
}

impl AuthnBackend for Backend {
    type User = UserRow;
    type Credentials = Credentials;
    type Error = AppError;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<UserRow>, AppError> {
        match db::user_by_email(&self.pool, &creds.email).await? {
            Some(user) => {
                let ok = password::verify(&creds.password, &user.password_hash).await?;
                Ok(ok.then_some(user))
            }
            None => {
                password::verify_dummy(&creds.password).await?;
                Ok(None)
            }
        }
    }

    async fn get_user(&self, user_id: &UserId<Self>) -> Result<Option<UserRow>, AppError> {
        Ok(db::user_by_id(&self.pool, *user_id).await?)
    }
}

/// The session of the current request, inside a server function.
pub type AuthSession = axum_login::AuthSession<Backend>;

/// The current request's auth session.
pub async fn auth_session() -> Result<AuthSession, AppError> {
    leptos_axum::extract::<AuthSession>().await.map_err(|e| {
        tracing::error!(error = %e, "auth session layer missing");
        AppError::Internal
    })
}

/// The session key holding when the user logged in (Unix seconds).
const LOGGED_IN_AT: &str = "pw.logged_in_at";

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn session_failed<E: std::fmt::Display>(err: E) -> AppError {
    tracing::error!(error = %err, "session store failed");
    AppError::Internal
}

/// Logs `user` in under a fresh session id and notes the time, which the absolute session
/// timeout counts from.
pub async fn start_session(session: &mut AuthSession, user: &UserRow) -> Result<(), AppError> {
    session.session.cycle_id().await.map_err(session_failed)?;
    session.login(user).await.map_err(session_failed)?;
    session
        .session
        .insert(LOGGED_IN_AT, now_unix())
        .await
        .map_err(session_failed)
}

/// Middleware: logs out a session whose login is older than the configured absolute
/// lifetime, however active it has been (the idle timeout is the session store's expiry).
pub async fn enforce_session_lifetime(
    axum::extract::State(state): axum::extract::State<super::AppState>,
    mut auth: AuthSession,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if auth.user.is_some() {
        let logged_in_at = auth.session.get::<i64>(LOGGED_IN_AT).await.ok().flatten();
        let age = logged_in_at.map(|at| now_unix().saturating_sub(at));
        let expired = match age {
            Some(age) => age >= state.config.session_lifetime.as_secs() as i64,
            // A session from before the timestamp existed: start counting now.
            None => {
                let _ = auth.session.insert(LOGGED_IN_AT, now_unix()).await;
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
    pool: SqlitePool,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    use tower_sessions::ExpiredDeletion;
    let store = tower_sessions_sqlx_store::SqliteStore::new(pool);
    tokio::spawn(async move {
        if let Err(e) = store.continuously_delete_expired(every).await {
            tracing::error!(error = %e, "expired-session purge stopped");
        }
    })
}

/// The logged-in user, or `Unauthorized`.
pub async fn require_user() -> Result<UserRow, AppError> {
    auth_session().await?.user.ok_or(AppError::Unauthorized)
}

/// The logged-in supplier, or `Unauthorized` / `Forbidden`.
pub async fn require_supplier() -> Result<UserRow, AppError> {
    let user = require_user().await?;
    if user.role == crate::auth::Role::Supplier {
        Ok(user)
    } else {
        super::audit::role_refused(user.id, "supplier");
        Err(AppError::Forbidden(
            "Only supplier accounts can do this.".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_sessions::{
        cookie::time::{Duration as CookieDuration, OffsetDateTime},
        session::{Id, Record},
        SessionStore,
    };

    #[sqlx::test]
    async fn expired_sessions_are_purged_and_live_ones_kept(pool: SqlitePool) {
        let store = tower_sessions_sqlx_store::SqliteStore::new(pool.clone());
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
