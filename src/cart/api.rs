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

/// Adds `quantity` units of a part to the caller's cart and returns the new cart count.
/// Logged-in users only; never more than the stock, never the caller's own listing.
#[server(endpoint = "add_to_cart")]
pub async fn add_to_cart(part_id: i64, quantity: i64) -> Result<i64, AppError> {
    use super::db::{add_item, AddOutcome};
    use crate::{server::auth::require_user, server::state::app_state};
    let user = require_user().await?;
    let quantity = super::parse_quantity(quantity).map_err(|m| AppError::field("quantity", m))?;
    let state = app_state()?;
    match add_item(&state.pool, user.id, part_id, quantity).await? {
        AddOutcome::Added { cart_count } => Ok(cart_count),
        AddOutcome::Unavailable => Err(AppError::NotFound(
            "This part is no longer available.".into(),
        )),
        AddOutcome::OwnPart => Err(AppError::Forbidden(
            "This is your own listing; you cannot buy it.".into(),
        )),
        AddOutcome::NotEnoughStock { stock: 0, .. } => {
            Err(AppError::field("quantity", "This part is out of stock."))
        }
        AddOutcome::NotEnoughStock { stock, in_cart } => Err(AppError::field(
            "quantity",
            if in_cart > 0 {
                format!("Only {stock} in stock, and {in_cart} already in your cart.")
            } else {
                format!("Only {stock} in stock.")
            },
        )),
    }
}
