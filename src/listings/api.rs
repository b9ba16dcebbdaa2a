//! Server functions of the supplier listings. Suppliers only; every function that takes a
//! part id acts only on the caller's own parts, and answers "not found" for anybody else's.

use super::{ListingFormState, ListingRow};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{listings::db::OwnedChange, server::ctx::Ctx};

/// The answer for a part that is not the caller's (or does not exist), logged as a security
/// event: the same words either way, so it reveals nothing.
#[cfg(feature = "ssr")]
fn not_yours(supplier_id: i64, part_id: i64) -> AppError {
    crate::server::audit::access_refused(supplier_id, "listing", part_id);
    AppError::NotFound("No such listing in your shop.".into())
}

/// The caller's listings: `status` is `archived` or anything else for active ones; `q` narrows
/// by name, maker or model.
#[server(endpoint = "my_listings")]
pub async fn my_listings(status: String, q: String) -> Result<Vec<ListingRow>, AppError> {
    let cx = Ctx::supplier().await?;
    let q: String = q.chars().take(200).collect();
    Ok(super::db::owned_listings(cx.pool(), cx.user.id, status == "archived", &q).await?)
}

/// Sets the price (`field` = `price`, in euros) or the stock (`field` = `stock`) of one of the
/// caller's listings, and returns the value as saved, spelled as the form shows it.
#[server(endpoint = "update_listing_field")]
pub async fn update_listing_field(
    id: i64,
    field: String,
    value: String,
) -> Result<String, AppError> {
    let cx = Ctx::supplier().await?;
    let (change, shown) = match field.as_str() {
        "price" => {
            let price = super::parse_price(&value).map_err(|m| AppError::field("value", m))?;
            (OwnedChange::Price(price), price.euros_input())
        }
        "stock" => {
            let stock = super::parse_stock(&value).map_err(|m| AppError::field("value", m))?;
            (OwnedChange::Stock(stock), stock.to_string())
        }
        _ => {
            return Err(AppError::BadRequest(
                "Only price and stock can be edited here.".into(),
            ))
        }
    };
    change_own(&cx, id, change).await?;
    Ok(shown)
}

/// Takes one of the caller's listings out of the catalogue (it stays in orders and in the
/// supplier's list).
#[server(endpoint = "archive_listing")]
pub async fn archive_listing(id: i64) -> Result<(), AppError> {
    set_archived(id, true).await
}

/// Puts an archived listing of the caller's back into the catalogue.
#[server(endpoint = "restore_listing")]
pub async fn restore_listing(id: i64) -> Result<(), AppError> {
    set_archived(id, false).await
}

#[cfg(feature = "ssr")]
async fn set_archived(id: i64, archived: bool) -> Result<(), AppError> {
    let cx = Ctx::supplier().await?;
    change_own(&cx, id, OwnedChange::Archived(archived)).await
}

/// Applies `change` to the caller's listing `id`; "not found" (and logged) for anybody else's.
#[cfg(feature = "ssr")]
async fn change_own(
    cx: &Ctx<crate::auth::db::UserRow>,
    id: i64,
    change: OwnedChange,
) -> Result<(), AppError> {
    if super::db::change_owned_part(cx.pool(), id, cx.user.id, change).await? {
        Ok(())
    } else {
        Err(not_yours(cx.user.id, id))
    }
}

/// The listing form for one of the caller's listings (`Some(id)`) or a new one (`None`).
#[server(endpoint = "listing_form")]
pub async fn listing_form(id: Option<i64>) -> Result<ListingFormState, AppError> {
    let cx = Ctx::supplier().await?;
    let Some(id) = id else {
        return Ok(ListingFormState {
            input: super::ListingInput {
                stock: "1".into(),
                delivery: crate::parts::DeliveryEstimate::Days1To2.as_str().into(),
                ..Default::default()
            },
            ..Default::default()
        });
    };
    super::db::owned_part(cx.pool(), id, cx.user.id)
        .await?
        .map(|part| ListingFormState::for_part(id, part))
        .ok_or_else(|| not_yours(cx.user.id, id))
}
