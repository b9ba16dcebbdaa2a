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

/// The logged-in user, or `Unauthorized`.
pub async fn require_user() -> Result<UserRow, AppError> {
    auth_session().await?.user.ok_or(AppError::Unauthorized)
}

/// The logged-in supplier, or `Unauthorized` / `Forbidden`.
pub async fn require_supplier() -> Result<UserRow, AppError> {
    let user = require_user().await?;
    if user.role == "supplier" {
        Ok(user)
    } else {
        Err(AppError::Forbidden(
            "Only supplier accounts can do this.".into(),
        ))
    }
}
