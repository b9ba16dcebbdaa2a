//! Security events: one structured log line each (target `security`, field `event`), so an
//! operator can alert on them (`RUST_LOG` keeps them at `info`). Never a password, a session
//! id, a device token or an email address: accounts are named by their id.

use std::{fmt::Debug, net::IpAddr};

/// A login failed (wrong password or unknown email).
pub fn login_failed(address: IpAddr, user_id: Option<i64>, known_device: bool) {
    tracing::warn!(
        target: "security",
        event = "login_failed",
        client = %super::client::address_key(address),
        user.id = user_id,
        known_device,
        "login failed"
    );
}

/// An attempt limit refused a request.
pub fn limit_reached(action: &dyn Debug, wait_secs: u64) {
    tracing::warn!(
        target: "security",
        event = "limit_reached",
        ?action,
        wait_secs,
        "attempt limit reached"
    );
}

/// A signed-in user asked for or tried to change something that is not theirs (answered
/// like a missing object, so it reveals nothing).
pub fn access_refused(user_id: i64, object: &'static str, id: i64) {
    tracing::warn!(
        target: "security",
        event = "access_refused",
        user.id = user_id,
        object,
        object.id = id,
        "refused access to another user's object"
    );
}

/// A function was refused to a role that may not use it (a customer calling a supplier's).
pub fn role_refused(user_id: i64, needed: &'static str) {
    tracing::warn!(
        target: "security",
        event = "role_refused",
        user.id = user_id,
        needed,
        "refused a function of another role"
    );
}

/// An uploaded photo was refused (not a picture, too large, a decompression bomb, busy).
pub fn upload_refused(user_id: i64, reason: &str) {
    tracing::warn!(
        target: "security",
        event = "upload_refused",
        user.id = user_id,
        reason,
        "photo upload refused"
    );
}
