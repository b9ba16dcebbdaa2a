//! Server functions of the cart.

use crate::error::AppError;
use leptos::prelude::*;

/// How many units are in the caller's cart; 0 for visitors. Anyone may call it.
#[server(endpoint = "cart_count")]
pub async fn cart_count() -> Result<i64, AppError> {
    use crate::{server::auth::auth_session, server::state::app_state};
    let Some(user) = auth_session().await?.user else {
        return Ok(0);
    };
    let state = app_state()?;
    Ok(super::db::item_count(&state.pool, user.id).await?)
}
