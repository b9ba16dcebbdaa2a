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
