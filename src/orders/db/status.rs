//! The order workflow: moving an order one step on, for the side of it that may take the step.

use super::cancel::cancel_unpaid;
use crate::orders::{CancelReason, OrderStatus, Party};
use crate::server::db::{self, DbPool};
use crate::time::unix_now;

/// What a status change came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// Done; the order is now in this status.
    Done(OrderStatus),
    /// No such order, or not the caller's (as customer or supplier).
    NotFound,
    /// Not allowed from here, or not for this side; the reason.
    Refused(String),
}

/// Moves an order to `to` if the workflow allows it for the caller's side of the order, and
/// records the time. Cancelling puts the stock back (see [`cancel_unpaid`]). One write
/// transaction.
pub async fn change_status(
    pool: &DbPool,
    order_id: i64,
    user_id: i64,
    to: OrderStatus,
) -> sqlx::Result<StepOutcome> {
    let mut tx = db::begin_write(pool, None).await?;
    let order = crate::db_query!(
        r#"SELECT status AS "status: OrderStatus", customer_id, supplier_id
           FROM orders WHERE id = $1"#,
        order_id,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(order) = order else {
        return Ok(StepOutcome::NotFound);
    };
    let by = if user_id == order.customer_id {
        Party::Customer
    } else if user_id == order.supplier_id {
        Party::Supplier
    } else {
        return Ok(StepOutcome::NotFound);
    };
    let from = order.status;
    if let Err(reason) = from.check_step(to, by) {
        return Ok(StepOutcome::Refused(reason));
    }
    // Each step records its own time column.
    let stamped = match to {
        OrderStatus::Paid => crate::db_query!(
            "UPDATE orders SET status = $1, paid_at = unixepoch() WHERE id = $2 AND status = $3",
            to as _,
            order_id,
            from as _,
        ),
        OrderStatus::Shipped => crate::db_query!(
            "UPDATE orders SET status = $1, shipped_at = unixepoch() WHERE id = $2 AND status = $3",
            to as _,
            order_id,
            from as _,
        ),
        OrderStatus::Completed => crate::db_query!(
            "UPDATE orders SET status = $1, completed_at = unixepoch() \
             WHERE id = $2 AND status = $3",
            to as _,
            order_id,
            from as _,
        ),
        // Cancelling also puts the stock back, the way the expiry of unpaid orders does.
        OrderStatus::Cancelled => {
            let now = unix_now();
            if !cancel_unpaid(&mut tx, order_id, now, CancelReason::Customer).await? {
                // Unreachable under the write lock taken above (the status was just read);
                // kept so a cancel can never be reported that did not happen.
                return Ok(StepOutcome::Refused(
                    "Only an order awaiting payment can be cancelled.".into(),
                ));
            }
            tx.commit().await?;
            return Ok(StepOutcome::Done(to));
        }
        OrderStatus::AwaitingPayment => {
            return Ok(StepOutcome::Refused(
                "An order cannot go back to awaiting payment.".into(),
            ))
        }
    };
    stamped.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(StepOutcome::Done(to))
}
