//! Cancelling an unpaid order: the one way an order is cancelled, by its customer
//! (`super::status`) or by the expiry of unpaid orders (`super::expiry`).

use crate::server::db::DbConnection;
use crate::{
    orders::{CancelReason, OrderStatus},
    parts::db as parts_db,
};

/// Cancels an order that is still awaiting payment, records when (`at`, Unix seconds) and why,
/// and puts each line's quantity back into its part's stock. The status is compared and set in
/// one UPDATE, and the stock goes back only if that UPDATE changed the order, so however many
/// callers race for the same order (a customer's click, the expiry runs of several server
/// processes) exactly one cancels it and returns its stock; the others get `false` and change
/// nothing. Runs inside the caller's write transaction.
pub(super) async fn cancel_unpaid(
    db: &mut DbConnection,
    order_id: i64,
    at: i64,
    reason: CancelReason,
) -> sqlx::Result<bool> {
    let cancelled = crate::db_query!(
        "UPDATE orders SET status = $1, cancelled_at = $2, cancel_reason = $3 \
         WHERE id = $4 AND status = $5",
        OrderStatus::Cancelled as _,
        at,
        reason as _,
        order_id,
        OrderStatus::AwaitingPayment as _,
    )
    .execute(&mut *db)
    .await?
    .rows_affected()
        == 1;
    if !cancelled {
        return Ok(false);
    }
    let lines = crate::db_query!(
        "SELECT part_id, quantity FROM purchases WHERE order_id = $1 ORDER BY part_id",
        order_id
    )
    .fetch_all(&mut *db)
    .await?;
    let part_ids: Vec<i64> = lines.iter().map(|l| l.part_id).collect();
    crate::server::db::lock_parts(&mut *db, &part_ids).await?;
    for line in lines {
        parts_db::return_stock(&mut *db, line.part_id, line.quantity).await?;
    }
    Ok(true)
}
