//! Server functions of the cart.

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::ctx::Ctx;

/// How many units are in the caller's cart; 0 for visitors. Anyone may call it.
#[server(endpoint = "cart_count")]
pub async fn cart_count() -> Result<i64, AppError> {
    let cx = Ctx::anyone().await?;
    let Some(user) = &cx.user else {
        return Ok(0);
    };
    Ok(super::db::item_count(cx.pool(), user.id).await?)
}

/// Adds `quantity` units of a part to the caller's cart and returns the new cart count.
/// Logged-in users only; never more than the stock, never the caller's own listing.
#[server(endpoint = "add_to_cart")]
pub async fn add_to_cart(part_id: i64, quantity: i64) -> Result<i64, AppError> {
    use super::db::{add_item, AddOutcome};
    let cx = Ctx::user().await?;
    let quantity = super::parse_quantity(quantity).map_err(|m| AppError::field("quantity", m))?;
    match add_item(cx.pool(), cx.user.id, part_id, quantity).await? {
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

/// Sets how many units of a part the caller's cart holds (1 up to the stock) and returns the
/// new cart count. Logged-in users, their own cart only.
#[server(endpoint = "update_cart_line")]
pub async fn update_cart_line(part_id: i64, quantity: i64) -> Result<i64, AppError> {
    use super::db::{set_quantity, SetOutcome};
    let cx = Ctx::user().await?;
    let quantity = super::parse_quantity(quantity).map_err(|m| AppError::field("quantity", m))?;
    match set_quantity(cx.pool(), cx.user.id, part_id, quantity).await? {
        SetOutcome::Set { cart_count } => Ok(cart_count),
        SetOutcome::NoLine => Err(AppError::NotFound("This part is not in your cart.".into())),
        SetOutcome::Unavailable => Err(AppError::field(
            "quantity",
            "This part is no longer sold; remove it from your cart.",
        )),
        SetOutcome::NotEnoughStock { stock: 0 } => Err(AppError::field(
            "quantity",
            "This part is out of stock; remove it from your cart.",
        )),
        SetOutcome::NotEnoughStock { stock } => Err(AppError::field(
            "quantity",
            format!("Only {stock} in stock."),
        )),
    }
}

/// Removes a part from the caller's cart (nothing happens when it is not there, so a repeated
/// click is harmless) and returns the new cart count. Logged-in users.
#[server(endpoint = "remove_cart_line")]
pub async fn remove_cart_line(part_id: i64) -> Result<i64, AppError> {
    let cx = Ctx::user().await?;
    let mut conn = cx.pool().acquire().await?;
    super::db::remove_items(&mut conn, cx.user.id, &[part_id]).await?;
    Ok(super::db::item_count(&mut *conn, cx.user.id).await?)
}
