//! Server functions of checkout and the order workflow.

use super::{Order, OrderStatus, OrdersList};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{audit, ctx::Ctx, throttle::Action};

/// Places the caller's whole cart as one order per supplier, shipped to the given name and
/// address, and returns the new orders' ids. Any logged-in user may call it (suppliers buy
/// from other suppliers; their own parts are refused). `checkout_key` comes from the cart page
/// and makes a repeated post return the orders it already made; `expected_total` (cents) is the
/// total the customer saw, and a changed total refuses the order; so does a line that would
/// leave the caller holding more than [`super::MAX_UNPAID_UNITS_PER_PART`] units of a part in
/// unpaid orders. Goes on to `/orders`.
#[server(endpoint = "place_order")]
pub async fn place_order(
    shipping_name: String,
    shipping_address: String,
    checkout_key: String,
    expected_total: i64,
) -> Result<Vec<i64>, AppError> {
    use super::db::{self, CheckoutOutcome};
    use crate::{error::FieldError, parts::Cents};
    let cx = Ctx::user().await?;
    cx.limit(Action::CheckoutByUser).await?;
    let key = super::parse_checkout_key(&checkout_key)
        .map_err(|m| AppError::Conflict(FieldError::new("cart", m)))?;
    let shipping = super::Shipping::parse(&shipping_name, &shipping_address).map_err(|errors| {
        AppError::Validation(
            errors
                .into_iter()
                .map(|(field, message)| FieldError::new(field, message))
                .collect(),
        )
    })?;
    let outcome = db::place_order(
        cx.pool(),
        cx.user.id,
        key,
        &shipping,
        Some(Cents(expected_total)),
    )
    .await?;
    match outcome {
        CheckoutOutcome::Placed(ids) | CheckoutOutcome::AlreadyPlaced(ids) => {
            leptos_axum::redirect(&format!("/orders?placed={}", ids.len()));
            Ok(ids)
        }
        CheckoutOutcome::EmptyCart => Err(AppError::Conflict(FieldError::new(
            "cart",
            "Your cart is empty.",
        ))),
        CheckoutOutcome::Unavailable(problems) => Err(AppError::Validation(
            problems
                .into_iter()
                .map(|p| {
                    FieldError::new(
                        format!("line-{}", p.part_id),
                        format!("{}: {}", p.name, p.issue.message()),
                    )
                })
                .collect(),
        )),
        // Shown like the lines that cannot be served: beside the line, naming the part and
        // how many more may be ordered.
        CheckoutOutcome::OverUnpaidCap(problems) => Err(AppError::Validation(
            problems
                .into_iter()
                .map(|p| {
                    FieldError::new(
                        format!("line-{}", p.part_id),
                        format!("{}: {}", p.name, super::unpaid_cap_message(p.held)),
                    )
                })
                .collect(),
        )),
        CheckoutOutcome::TotalChanged { total } => Err(AppError::Conflict(FieldError::new(
            "cart",
            format!(
                "Prices in your cart have changed: the total is now {}. Please check your cart \
                 and place the order again.",
                total.display()
            ),
        ))),
    }
}

/// One page of the caller's orders: `view` is `purchases` (orders placed), or for suppliers
/// `sales` (orders for their parts, the default) or `to_ship` (those paid and waiting).
/// Logged-in users only.
#[server(endpoint = "my_orders")]
pub async fn my_orders(view: String, page: u32) -> Result<OrdersList, AppError> {
    let cx = Ctx::user().await?;
    let is_supplier = cx.is_supplier();
    let view = super::OrdersView::parse(&view, is_supplier);
    let window = cx.config().payment_window;
    Ok(super::db::list_orders(cx.pool(), cx.user.id, is_supplier, view, page, window).await?)
}

/// One order, for its customer and its supplier only (anybody else: not found).
#[server(endpoint = "order_detail")]
pub async fn order_detail(id: i64) -> Result<Order, AppError> {
    let cx = Ctx::user().await?;
    super::db::order_for(cx.pool(), id, cx.user.id, cx.config().payment_window)
        .await?
        .ok_or_else(|| {
            audit::access_refused(cx.user.id, "order", id);
            AppError::NotFound("No such order in your account.".into())
        })
}

/// Moves an order one step on (`status` is the new status): paid, cancelled or completed by
/// its customer, shipped by its supplier, each only from the status SPEC allows. A refusal
/// says why. Returns the new status.
#[server(endpoint = "set_order_status")]
pub async fn set_order_status(id: i64, status: String) -> Result<OrderStatus, AppError> {
    use super::db::StepOutcome;
    use crate::error::FieldError;
    let cx = Ctx::user().await?;
    let to = OrderStatus::parse(&status).map_err(AppError::BadRequest)?;
    match super::db::change_status(cx.pool(), id, cx.user.id, to).await? {
        StepOutcome::Done(status) => Ok(status),
        StepOutcome::NotFound => {
            audit::access_refused(cx.user.id, "order", id);
            Err(AppError::NotFound("No such order in your account.".into()))
        }
        StepOutcome::Refused(reason) => Err(AppError::Conflict(FieldError::new("status", reason))),
    }
}

/// How many of the caller's orders wait to be shipped: paid orders for a supplier's parts; 0
/// for customers and visitors. Anyone may call it.
#[server(endpoint = "orders_to_ship")]
pub async fn orders_to_ship() -> Result<i64, AppError> {
    let cx = Ctx::anyone().await?;
    match cx.supplier_user() {
        Some(supplier) => Ok(super::db::to_ship_count(cx.pool(), supplier.id).await?),
        None => Ok(0),
    }
}

/// The caller's cart as the checkout shows it: lines with current prices and stock (flagged
/// when they cannot be ordered), the total, a fresh checkout key and the last shipping
/// details. Logged-in users. Part of checkout rather than of the cart, which knows nothing of
/// orders.
#[server(endpoint = "cart_contents")]
pub async fn cart_for_checkout() -> Result<crate::cart::Cart, AppError> {
    use crate::{cart, server::random::random_key};
    let cx = Ctx::user().await?;
    let mut conn = cx.pool().acquire().await?;
    let lines = cart::db::lines(&mut conn, cx.user.id).await?;
    let (shipping_name, shipping_address) = super::db::last_shipping(&mut *conn, cx.user.id)
        .await?
        .unwrap_or_default();
    Ok(cart::Cart {
        total: cart::cart_total(&lines),
        lines,
        checkout_key: random_key(),
        shipping_name,
        shipping_address,
    })
}
