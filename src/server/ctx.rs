//! The one way into a server function (and into the listing form's upload handler): who is
//! calling, whether they may, the database, and the attempt limits.
//!
//! ```ignore
//! let cx = Ctx::supplier().await?;      // logged in as a supplier, or 401 / 403
//! cx.limit(Action::UploadByUser).await?;      // counted under the caller, logged when refused
//! db::owned_listings(cx.pool(), cx.user.id, …).await?;
//! ```
//!
//! `Ctx<()>` is a public read (the session is not looked at), `Ctx<Option<UserRow>>` anyone
//! (visitors included), `Ctx<UserRow>` a logged-in user.

use super::{
    audit,
    client::{address_key, client_address},
    config::Config,
    state::AppState,
    throttle::{Action, KeyedBy},
};
use crate::auth::{backend::AuthSession, db::UserRow, Role};
use crate::error::AppError;
use crate::server::db::DbPool;
use axum::http::request::Parts;
use leptos::prelude::use_context;
use std::net::{IpAddr, Ipv4Addr};

/// A request's context: the state, the caller and their session.
pub struct Ctx<U = Option<UserRow>> {
    state: AppState,
    /// The request carries a session cookie (its reads see its own writes: no replica).
    has_session: bool,
    session: Option<AuthSession>,
    /// Known when built for a handler; read from the request on demand in a server function.
    address: Option<IpAddr>,
    /// Who is calling.
    pub user: U,
}

/// The state inside a server function or a page rendered on the server.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

async fn auth_session() -> Result<AuthSession, AppError> {
    leptos_axum::extract::<AuthSession>().await.map_err(|e| {
        tracing::error!(error = %e, "auth session layer missing");
        AppError::Internal
    })
}

impl Ctx<()> {
    /// A public read: the catalogue, a part page. The session is not looked up, only whether
    /// the request has a session cookie (see [`Ctx::read_pool`]).
    pub fn public() -> Result<Self, AppError> {
        let state = app_state()?;
        let has_session = use_context::<Parts>().is_some_and(|parts| {
            super::cookies::request_cookie(
                &parts.headers,
                super::cookies::SESSION_COOKIE,
                state.config.secure_cookies,
            )
            .is_some()
        });
        Ok(Ctx {
            state,
            has_session,
            session: None,
            address: None,
            user: (),
        })
    }
}

impl Ctx {
    /// Anyone, visitors included.
    pub async fn anyone() -> Result<Self, AppError> {
        let session = auth_session().await?;
        Ok(Ctx {
            state: app_state()?,
            user: session.user.clone(),
            session: Some(session),
            has_session: true,
            address: None,
        })
    }

    /// A logged-in user, or `Unauthorized`.
    pub async fn user() -> Result<Ctx<UserRow>, AppError> {
        Self::anyone().await?.require_user()
    }

    /// A logged-in supplier, or `Unauthorized` / `Forbidden`.
    pub async fn supplier() -> Result<Ctx<UserRow>, AppError> {
        Self::anyone().await?.require_supplier()
    }

    /// The context of a plain axum handler (the listing form's POST), from what it extracted.
    pub fn for_handler(state: AppState, session: AuthSession, request: &Parts) -> Self {
        let address = client_address(
            &request.extensions,
            &request.headers,
            state.config.trusted_proxy,
        );
        Ctx {
            state,
            user: session.user.clone(),
            session: Some(session),
            has_session: true,
            address: Some(address),
        }
    }

    /// This caller, who must be logged in.
    pub fn require_user(self) -> Result<Ctx<UserRow>, AppError> {
        let Ctx {
            state,
            session,
            has_session,
            address,
            user,
        } = self;
        Ok(Ctx {
            state,
            session,
            has_session,
            address,
            user: user.ok_or(AppError::Unauthorized)?,
        })
    }

    /// This caller, who must be logged in as a supplier; a customer's call is logged.
    pub fn require_supplier(self) -> Result<Ctx<UserRow>, AppError> {
        let cx = self.require_user()?;
        if cx.is_supplier() {
            Ok(cx)
        } else {
            audit::role_refused(cx.user.id, "supplier");
            Err(AppError::Forbidden(
                "Only supplier accounts can do this.".into(),
            ))
        }
    }
}

/// The one place a role is compared.
fn is_supplier(user: &UserRow) -> bool {
    user.role == Role::Supplier
}

impl Ctx<UserRow> {
    /// Whether the caller sells parts.
    pub fn is_supplier(&self) -> bool {
        is_supplier(&self.user)
    }
}

impl Ctx {
    /// The caller, if a supplier is logged in.
    pub fn supplier_user(&self) -> Option<&UserRow> {
        self.user.as_ref().filter(|u| is_supplier(u))
    }
}

/// Who is calling, as far as attempt limits go.
pub trait Caller {
    /// The logged-in user's id, if any.
    fn user_id(&self) -> Option<i64>;
}

impl Caller for () {
    fn user_id(&self) -> Option<i64> {
        None
    }
}

impl Caller for Option<UserRow> {
    fn user_id(&self) -> Option<i64> {
        self.as_ref().map(|u| u.id)
    }
}

impl Caller for UserRow {
    fn user_id(&self) -> Option<i64> {
        Some(self.id)
    }
}

impl<U> Ctx<U> {
    /// The database.
    pub fn pool(&self) -> &DbPool {
        &self.state.pool
    }

    /// The pool for a public read: the read replica (`DATABASE_READ_URL`) for a visitor with no
    /// session, the primary for anyone with one, so a supplier sees their own change at once
    /// (a replica may lag by a moment).
    pub fn read_pool(&self) -> &DbPool {
        if self.has_session {
            &self.state.pool
        } else {
            &self.state.read_pool
        }
    }

    /// The configuration read at start.
    pub fn config(&self) -> &Config {
        &self.state.config
    }

    /// The session, to log in or out. `Internal` in a public read, which has none.
    pub fn session(&mut self) -> Result<&mut AuthSession, AppError> {
        self.session.as_mut().ok_or_else(|| {
            tracing::error!("a public read asked for the session");
            AppError::Internal
        })
    }

    /// The calling client's address (see [`client_address`]); 0.0.0.0 when unknown.
    pub fn address(&self) -> IpAddr {
        self.address.unwrap_or_else(|| {
            use_context::<Parts>()
                .map(|parts| {
                    client_address(
                        &parts.extensions,
                        &parts.headers,
                        self.state.config.trusted_proxy,
                    )
                })
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
        })
    }

    /// Counts an attempt of `action` under `key` (an account's email, a device token);
    /// `RateLimited` (and a security event) when the allowance is used up.
    pub async fn limit_key(&self, action: Action, key: &str) -> Result<(), AppError> {
        self.state.limiter.hit(action, key).await
    }

    /// Takes back an attempt counted under `key` (a login that succeeded).
    pub async fn forgive(&self, action: Action, key: &str) {
        self.state.limiter.forgive(action, key).await;
    }
}

impl<U: Caller> Ctx<U> {
    /// Counts an attempt of `action` under the caller: their address or their account, as the
    /// action says. Actions keyed by something else need [`Ctx::limit_key`].
    pub async fn limit(&self, action: Action) -> Result<(), AppError> {
        let key = match action.keyed_by() {
            KeyedBy::Address => address_key(self.address()),
            KeyedBy::User => match self.user.user_id() {
                Some(id) => id.to_string(),
                None => {
                    tracing::error!(?action, "a per-user limit without a user");
                    return Err(AppError::Internal);
                }
            },
            KeyedBy::Email | KeyedBy::Device => {
                tracing::error!(?action, "this limit needs its key: use limit_key");
                return Err(AppError::Internal);
            }
        };
        self.limit_key(action, &key).await
    }
}
