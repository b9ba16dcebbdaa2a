//! Server functions of checkout and the order workflow.

use super::{Order, OrderStatus, OrdersPage};
use crate::error::AppError;
use leptos::prelude::*;

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
    use crate::{
        error::FieldError,
        parts::Cents,
        server::{auth::require_user, state::app_state},
    };
    let user = require_user().await?;
    crate::server::throttle::hit_by_key(
        crate::server::throttle::Action::CheckoutByUser,
        &user.id.to_string(),
    )?;
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
    let state = app_state()?;
    let outcome = db::place_order(
        &state.pool,
        user.id,
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
pub async fn my_orders(view: String, page: u32) -> Result<OrdersPage, AppError> {
    use crate::server::{auth::require_user, state::app_state};
    let user = require_user().await?;
    let is_supplier = user.role == crate::auth::Role::Supplier;
    let view = super::OrdersView::parse(&view, is_supplier);
    let state = app_state()?;
    let window = state.config.payment_window;
    Ok(super::db::list_orders(&state.pool, user.id, is_supplier, view, page, window).await?)
}

/// One order, for its customer and its supplier only (anybody else: not found).
#[server(endpoint = "order_detail")]
pub async fn order_detail(id: i64) -> Result<Order, AppError> {
    use crate::server::{auth::require_user, state::app_state};
    let user = require_user().await?;
    let state = app_state()?;
    super::db::order_for(&state.pool, id, user.id, state.config.payment_window)
        .await?
        .ok_or_else(|| {
            crate::server::audit::access_refused(user.id, "order", id);
            AppError::NotFound("No such order in your account.".into())
        })
}

/// Moves an order one step on (`status` is the new status): paid, cancelled or completed by
/// its customer, shipped by its supplier, each only from the status SPEC allows. A refusal
/// says why. Returns the new status.
#[server(endpoint = "set_order_status")]
pub async fn set_order_status(id: i64, status: String) -> Result<OrderStatus, AppError> {
    use super::db::StepOutcome;
    use crate::{
        error::FieldError,
        server::{auth::require_user, state::app_state},
    };
    let user = require_user().await?;
    let to = OrderStatus::parse(&status).map_err(AppError::BadRequest)?;
    let state = app_state()?;
    match super::db::change_status(&state.pool, id, user.id, to).await? {
        StepOutcome::Done(status) => Ok(status),
        StepOutcome::NotFound => {
            crate::server::audit::access_refused(user.id, "order", id);
            Err(AppError::NotFound("No such order in your account.".into()))
        }
        StepOutcome::Refused(reason) => Err(AppError::Conflict(FieldError::new("status", reason))),
    }
}

/// How many of the caller's orders wait to be shipped: paid orders for a supplier's parts; 0
/// for customers and visitors. Anyone may call it.
#[server(endpoint = "orders_to_ship")]
pub async fn orders_to_ship() -> Result<i64, AppError> {
    use crate::server::{auth::auth_session, state::app_state};
    match auth_session().await?.user {
        Some(user) if user.role == crate::auth::Role::Supplier => {
            let state = app_state()?;
            Ok(super::db::to_ship_count(&state.pool, user.id).await?)
        }
        _ => Ok(0),
    }
}
