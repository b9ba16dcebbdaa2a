//! The SQL of expiring unpaid orders: an order still awaiting payment at its deadline (placed
//! plus the payment window) is cancelled and its stock put back, exactly as if its customer
//! had cancelled it.

use super::{cancel::cancel_unpaid, seconds::seconds};
use crate::orders::CancelReason;
use crate::server::db::{self, DbPool};
use std::time::Duration;

/// Orders cancelled per write transaction: a long backlog (after downtime, or a shorter window)
/// is worked off in short transactions, so checkouts get the write lock in between.
const BATCH: i64 = 100;

/// Cancels every order still awaiting payment whose deadline, placed + `payment_window`, is at
/// or before `now` (Unix seconds), records `now` as its cancellation time, and puts each line's
/// quantity back into its part's stock. Returns how many orders it cancelled.
///
/// Safe to run from several server processes at once: each batch is one `BEGIN IMMEDIATE`
/// transaction, and each order is cancelled by [`cancel_unpaid`]'s compare-and-set on its
/// status, so an order cancelled by another run (or by its customer, or paid) in the meantime
/// is left alone and no stock is returned twice. `now` comes from the caller, never from the
/// database's clock, so tests choose the time.
pub async fn expire_unpaid(pool: &DbPool, now: i64, payment_window: Duration) -> sqlx::Result<u64> {
    // Deadline reached: created_at + window <= now.
    let placed_by = now.saturating_sub(seconds(payment_window));
    let mut expired = 0;
    loop {
        let mut tx = db::begin_write(pool, None).await?;
        // The status is written out (not bound) so SQLite can use the partial index of unpaid
        // orders by age.
        let due = crate::db_query_scalar!(
            r#"SELECT id AS "id!" FROM orders WHERE status = 'awaiting_payment' AND created_at <= $1
               ORDER BY created_at, id LIMIT $2"#,
            placed_by,
            BATCH,
        )
        .fetch_all(&mut *tx)
        .await?;
        // On PostgreSQL, lock the batch's orders, then all their parts, each in id order,
        // before changing anything: a batch that took its locks order by order (an order,
        // its parts, the next order…) deadlocked with another runner or with a customer
        // cancelling an order of the same batch.
        db::lock_orders(&mut tx, &due).await?;
        let parts: Vec<i64> = if due.is_empty() {
            Vec::new()
        } else {
            let mut q = sqlx::QueryBuilder::<db::Db>::new(
                "SELECT DISTINCT part_id FROM purchases WHERE order_id IN (",
            );
            let mut ids = q.separated(", ");
            for id in &due {
                ids.push_bind(*id);
            }
            q.push(") ORDER BY part_id");
            q.build_query_scalar().fetch_all(&mut *tx).await?
        };
        db::lock_parts(&mut tx, &parts).await?;
        let mut cancelled = 0;
        for &id in &due {
            if cancel_unpaid(&mut tx, id, now, CancelReason::NotPaid).await? {
                cancelled += 1;
            }
        }
        tx.commit().await?;
        expired += cancelled;
        // A short batch was the last; a batch that cancelled nothing (impossible under the
        // write lock) must not loop for ever.
        if (due.len() as i64) < BATCH || cancelled == 0 {
            return Ok(expired);
        }
    }
}
