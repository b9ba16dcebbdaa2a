//! Durations as the database counts time.

use std::time::Duration;

/// A duration in whole seconds, as the database counts time.
pub(super) fn seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}
