//! Attempt limits: logins, registrations and password checks per client address and per
//! account; checkouts and photo uploads per user. Over the limit the caller gets 429 with
//! `Retry-After` and a message saying how long to wait.
//!
//! Counts live in memory (one process serves PartWatch); a fixed window per key, and every
//! attempt counts, refused ones included, so hammering does not shorten the wait.

use crate::error::AppError;
use std::{
    collections::HashMap,
    net::{IpAddr, Ipv4Addr, SocketAddr},
    sync::Mutex,
    time::{Duration, Instant},
};

/// What is being limited, and by which key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Login attempts from one client address.
    LoginByAddress,
    /// Login attempts for one email address.
    LoginByAccount,
    /// Registrations from one client address.
    RegisterByAddress,
    /// Checks of the current password (email and password changes) from one address.
    PasswordByAddress,
    /// Checks of the current password for one account.
    PasswordByAccount,
    /// Checkouts by one user.
    CheckoutByUser,
    /// Listing form posts (with photos) by one user.
    UploadByUser,
}

impl Action {
    /// How many attempts per how long.
    pub fn rule(self) -> (u32, Duration) {
        const MINUTE: Duration = Duration::from_secs(60);
        match self {
            Action::LoginByAddress => (30, 10 * MINUTE),
            Action::LoginByAccount => (10, 10 * MINUTE),
            Action::RegisterByAddress => (20, 60 * MINUTE),
            Action::PasswordByAddress => (20, 10 * MINUTE),
            Action::PasswordByAccount => (5, 15 * MINUTE),
            Action::CheckoutByUser => (10, MINUTE),
            Action::UploadByUser => (30, 10 * MINUTE),
        }
    }
}

#[derive(Debug)]
struct Window {
    started: Instant,
    count: u32,
}

/// The attempt counters of one server.
#[derive(Debug, Default)]
pub struct Limiter {
    windows: Mutex<HashMap<(Action, String), Window>>,
}

/// Beyond this many keys, expired windows are swept out (bounds memory under a flood of
/// addresses).
const SWEEP_AT: usize = 10_000;

impl Limiter {
    /// Counts one attempt of `action` by `key` at `now`; refuses it with the seconds to wait
    /// when the window's allowance is used up.
    pub fn hit_at(&self, action: Action, key: &str, now: Instant) -> Result<(), u64> {
        let (max, period) = action.rule();
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() >= SWEEP_AT {
            windows.retain(|(a, _), w| now.duration_since(w.started) < a.rule().1);
        }
        let window = windows.entry((action, key.to_owned())).or_insert(Window {
            started: now,
            count: 0,
        });
        if now.duration_since(window.started) >= period {
            *window = Window {
                started: now,
                count: 0,
            };
        }
        window.count = window.count.saturating_add(1);
        if window.count > max {
            let left = period.saturating_sub(now.duration_since(window.started));
            Err(left.as_secs().max(1))
        } else {
            Ok(())
        }
    }

    /// Counts one attempt now; over the limit it is `AppError::RateLimited`.
    pub fn hit(&self, action: Action, key: &str) -> Result<(), AppError> {
        self.hit_at(action, key, Instant::now()).map_err(|wait| {
            tracing::warn!(?action, wait, "attempt limit reached");
            AppError::RateLimited(wait)
        })
    }
}

/// The client's address: the socket's peer, or, when that peer is the configured trusted
/// proxy, the address the proxy put last into `X-Forwarded-For`. Unknown (no socket, as in
/// tests driving the router directly) is 0.0.0.0.
pub fn client_address(
    extensions: &axum::http::Extensions,
    headers: &axum::http::HeaderMap,
    trusted_proxy: Option<IpAddr>,
) -> IpAddr {
    let peer = extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if trusted_proxy != Some(peer) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .next_back()
        .unwrap_or(peer)
}

/// Inside a server function: counts an attempt of `action` keyed by the client's address.
pub fn hit_by_address(action: Action) -> Result<(), AppError> {
    let state = super::state::app_state()?;
    let address = leptos::prelude::use_context::<axum::http::request::Parts>()
        .map(|parts| {
            client_address(
                &parts.extensions,
                &parts.headers,
                state.config.trusted_proxy,
            )
        })
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    state.limiter.hit(action, &address.to_string())
}

/// Inside a server function: counts an attempt of `action` keyed by `key` (an account).
pub fn hit_by_key(action: Action, key: &str) -> Result<(), AppError> {
    super::state::app_state()?.limiter.hit(action, key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{Extensions, HeaderMap};

    #[test]
    fn allows_the_allowance_then_refuses_until_the_window_ends() {
        let limiter = Limiter::default();
        let start = Instant::now();
        for _ in 0..5 {
            assert_eq!(
                limiter.hit_at(Action::PasswordByAccount, "7", start),
                Ok(())
            );
        }
        let wait = limiter
            .hit_at(
                Action::PasswordByAccount,
                "7",
                start + Duration::from_secs(60),
            )
            .unwrap_err();
        assert_eq!(wait, 14 * 60);
        // Other keys and other actions have their own counts.
        assert_eq!(
            limiter.hit_at(Action::PasswordByAccount, "8", start),
            Ok(())
        );
        assert_eq!(limiter.hit_at(Action::LoginByAccount, "7", start), Ok(()));
        // A new window starts afresh.
        let later = start + Duration::from_secs(15 * 60);
        assert_eq!(
            limiter.hit_at(Action::PasswordByAccount, "7", later),
            Ok(())
        );
    }

    #[test]
    fn a_flood_of_keys_is_swept() {
        let limiter = Limiter::default();
        let start = Instant::now();
        for n in 0..SWEEP_AT {
            limiter
                .hit_at(Action::CheckoutByUser, &n.to_string(), start)
                .unwrap();
        }
        let later = start + Duration::from_secs(120);
        limiter.hit_at(Action::CheckoutByUser, "x", later).unwrap();
        assert_eq!(limiter.windows.lock().unwrap().len(), 1);
    }

    #[test]
    fn the_address_comes_from_the_socket_unless_behind_the_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.9".parse().unwrap());
        let from = |peer: &str| {
            let mut ext = Extensions::new();
            ext.insert(axum::extract::ConnectInfo::<SocketAddr>(
                peer.parse().unwrap(),
            ));
            ext
        };
        // A client cannot pick its own address by sending the header.
        assert_eq!(
            client_address(&from("198.51.100.4:5000"), &headers, Some(proxy)),
            "198.51.100.4".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            client_address(&from("198.51.100.4:5000"), &headers, None),
            "198.51.100.4".parse::<IpAddr>().unwrap()
        );
        // Behind the proxy, the address the proxy appended counts.
        assert_eq!(
            client_address(&from("10.0.0.2:443"), &headers, Some(proxy)),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            client_address(&Extensions::new(), &headers, None),
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        );
    }
}
