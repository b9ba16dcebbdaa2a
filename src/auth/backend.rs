//! The axum-login backend (finds users by email and checks passwords) and the session of the
//! current request: who is logged in, since when.

use super::db::{self, UserRow};
use super::password;
use crate::error::AppError;
use crate::server::db::DbPool;
use axum_login::{AuthUser, AuthnBackend, UserId};

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
    pool: DbPool,
}

impl Backend {
    /// A backend on this pool.
    pub fn new(pool: DbPool) -> Self {
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
pub const LOGGED_IN_AT: &str = "pw.logged_in_at";

pub fn session_failed<E: std::fmt::Display>(err: E) -> AppError {
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
        .insert(LOGGED_IN_AT, crate::time::unix_now())
        .await
        .map_err(session_failed)
}
