//! The background task that cancels unpaid orders at their payment deadline, so stock taken at
//! checkout goes back on sale when the customer does not pay (see [`super::db::expire_unpaid`]).

use crate::server::db::DbPool;
use crate::time::unix_now;
use std::time::Duration;
use tokio::{task::JoinHandle, time::MissedTickBehavior};

/// Runs the expiry of unpaid orders (deadline: placed + `payment_window`) at once and then
/// every `every`, until the handle is aborted. Every server process may run one: the expiry
/// itself makes sure each order is cancelled, and its stock returned, once. A failed run is
/// logged and the next one tries again; the task never stops on an error.
pub fn spawn_order_expiry(
    pool: DbPool,
    payment_window: Duration,
    every: Duration,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        // (A zero period would panic in `interval`.)
        let mut runs = tokio::time::interval(every.max(Duration::from_millis(1)));
        // After a stall, run once and keep the rhythm rather than catching up in a burst.
        runs.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            // The first tick completes at once: a start catches up with the downtime.
            runs.tick().await;
            match super::db::expire_unpaid(&pool, unix_now(), payment_window).await {
                Ok(0) => tracing::debug!("no unpaid orders past their payment deadline"),
                Ok(cancelled) => tracing::info!(
                    cancelled,
                    "cancelled unpaid orders past their payment deadline; their stock is back on sale"
                ),
                Err(e) => tracing::error!(
                    error = %e,
                    "expiring unpaid orders failed; the next run tries again"
                ),
            }
        }
    })
}
