//! Shared server state, handed to axum handlers and (as context) to pages and server
//! functions; inside those, [`super::ctx::Ctx`] hands it out.

use super::{config::Config, throttle::Limiter};
use crate::media::storage::Storage;
use crate::server::db::DbPool;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// What every request may need.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Leptos' own settings (site root, output name).
    pub leptos_options: LeptosOptions,
    /// The database.
    pub pool: DbPool,
    /// Where public reads of visitors without a session go: a read replica
    /// (`DATABASE_READ_URL`), else the same pool as [`Self::pool`].
    pub read_pool: DbPool,
    /// The configuration read at start.
    pub config: Arc<Config>,
    /// Where part pictures are kept (disk or bucket, as the configuration says).
    pub storage: Storage,
    /// Attempt counters (logins, registrations, password checks, checkouts, uploads).
    pub limiter: Arc<Limiter>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
