//! The server's clock, in the unit the orders table records: Unix seconds.

use std::time::{SystemTime, UNIX_EPOCH};

/// The time now, in Unix seconds (what the orders table records).
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
