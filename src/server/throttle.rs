//! Attempt limits: logins, registrations and password checks per client address and per
//! account; checkouts and photo uploads per user. Over the limit the caller gets 429 with
//! `Retry-After` and a message saying how long to wait.
//!
//! Counts live in memory (one process serves PartWatch; issue 13 moves them into the database
//! for several servers): a fixed window per key, and every attempt counts, refused ones
//! included, so hammering does not shorten the wait. A successful login is taken back
//! ([`Limiter::forgive`]), so only failures use up an account's allowance.
//!
//! Hand-written rather than `governor`: logins need that take-back and the wait in whole
//! seconds for the message, which governor's GCRA cells do not offer, and the counters are
//! small. The map is split into [`SHARDS`] locks, each with a hard size bound; expired
//! windows are swept by a timer one shard at a time ([`spawn_sweeper`]), never by a request.

use crate::error::AppError;
use std::{
    collections::HashMap,
    hash::{BuildHasher, Hash, Hasher},
    sync::Mutex,
    time::{Duration, Instant},
};

/// What is being limited, and by which key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Login attempts from one client address.
    LoginByAddress,
    /// Login attempts for one email address from browsers that have not logged in to it
    /// before.
    LoginByAccount,
    /// Login attempts from one browser that has logged in to the account before (its device
    /// cookie): the owner's own allowance, which strangers cannot use up.
    LoginByDevice,
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

/// What an action's attempts are counted under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyedBy {
    /// The client's address ([`super::client::address_key`]).
    Address,
    /// The logged-in user's id.
    User,
    /// The email address typed into the login form.
    Email,
    /// The browser's device cookie.
    Device,
}

impl Action {
    /// What the attempts are counted under.
    pub fn keyed_by(self) -> KeyedBy {
        match self {
            Action::LoginByAddress | Action::RegisterByAddress | Action::PasswordByAddress => {
                KeyedBy::Address
            }
            Action::LoginByAccount => KeyedBy::Email,
            Action::LoginByDevice => KeyedBy::Device,
            Action::PasswordByAccount | Action::CheckoutByUser | Action::UploadByUser => {
                KeyedBy::User
            }
        }
    }

    /// How many attempts per how long.
    pub fn rule(self) -> (u32, Duration) {
        const MINUTE: Duration = Duration::from_secs(60);
        match self {
            Action::LoginByAddress => (30, 10 * MINUTE),
            Action::LoginByAccount => (10, 10 * MINUTE),
            Action::LoginByDevice => (10, 10 * MINUTE),
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

type Shard = Mutex<HashMap<(Action, String), Window>>;

/// How many separately locked parts the counters are split into.
pub const SHARDS: usize = 64;
/// The most keys one shard holds ([`SHARDS`] × this in all, about 50 MB at worst). A new key
/// arriving at a full shard is refused for a minute (fail closed: that many distinct clients
/// within one window is a flood), and logged.
pub const KEYS_PER_SHARD: usize = 4_096;
/// How long a new key waits when its shard is full.
const FULL_WAIT_SECS: u64 = 60;

/// The attempt counters of one server.
#[derive(Debug)]
pub struct Limiter {
    shards: Vec<Shard>,
    hasher: std::collections::hash_map::RandomState,
}

impl Default for Limiter {
    fn default() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            hasher: Default::default(),
        }
    }
}

impl Limiter {
    fn shard(
        &self,
        action: Action,
        key: &str,
    ) -> std::sync::MutexGuard<'_, HashMap<(Action, String), Window>> {
        let mut h = self.hasher.build_hasher();
        action.hash(&mut h);
        key.hash(&mut h);
        let shard = &self.shards[(h.finish() as usize) % SHARDS];
        shard
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts one attempt of `action` by `key` at `now`; refuses it with the seconds to wait
    /// when the window's allowance is used up.
    pub fn hit_at(&self, action: Action, key: &str, now: Instant) -> Result<(), u64> {
        let (max, period) = action.rule();
        let mut windows = self.shard(action, key);
        let entry = (action, key.to_owned());
        if !windows.contains_key(&entry) && windows.len() >= KEYS_PER_SHARD {
            tracing::warn!(
                target: "security",
                event = "limiter_full",
                ?action,
                "attempt counters full; new clients refused until the sweep"
            );
            return Err(FULL_WAIT_SECS);
        }
        let window = windows.entry(entry).or_insert(Window {
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

    /// Counts one attempt now; over the limit it is `AppError::RateLimited`, logged as a
    /// security event.
    pub fn hit(&self, action: Action, key: &str) -> Result<(), AppError> {
        self.hit_at(action, key, Instant::now()).map_err(|wait| {
            super::audit::limit_reached(&action, wait);
            AppError::RateLimited(wait)
        })
    }

    /// Takes back one counted attempt of `action` by `key` (a login that succeeded).
    pub fn forgive(&self, action: Action, key: &str) {
        if let Some(window) = self.shard(action, key).get_mut(&(action, key.to_owned())) {
            window.count = window.count.saturating_sub(1);
        }
    }

    /// Removes the windows that have ended by `now`, one shard at a time. Returns how many
    /// keys are left.
    pub fn sweep_at(&self, now: Instant) -> usize {
        let mut left = 0;
        for shard in &self.shards {
            let mut windows = shard
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            windows.retain(|(action, _), w| now.duration_since(w.started) < action.rule().1);
            left += windows.len();
        }
        left
    }

    /// How many keys are counted.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).len())
            .sum()
    }

    /// Whether nothing is counted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Sweeps `limiter`'s ended windows every `every`.
pub fn spawn_sweeper(
    limiter: std::sync::Arc<Limiter>,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            limiter.sweep_at(Instant::now());
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_flood_of_keys_is_bounded_and_swept() {
        let limiter = Limiter::default();
        let start = Instant::now();
        let mut refused = 0;
        for n in 0..SHARDS * KEYS_PER_SHARD + 5_000 {
            if limiter
                .hit_at(Action::CheckoutByUser, &n.to_string(), start)
                .is_err()
            {
                refused += 1;
            }
        }
        // Never more keys than the bound; the rest were refused, not stored.
        assert!(limiter.len() <= SHARDS * KEYS_PER_SHARD);
        assert!(refused >= 5_000, "{refused}");
        // Known keys still count while the map is full.
        assert_eq!(limiter.hit_at(Action::CheckoutByUser, "1", start), Ok(()));
        // The timer's sweep empties ended windows; requests never scan.
        assert_eq!(limiter.sweep_at(start + Duration::from_secs(120)), 0);
        assert!(limiter.is_empty());
        assert_eq!(limiter.hit_at(Action::CheckoutByUser, "x", start), Ok(()));
    }

    #[tokio::test]
    async fn the_sweeper_removes_ended_windows_on_its_own() {
        let limiter = std::sync::Arc::new(Limiter::default());
        let long_ago = Instant::now() - Duration::from_secs(3600);
        limiter
            .hit_at(Action::LoginByAddress, "1.2.3.4", long_ago)
            .unwrap();
        limiter
            .hit_at(Action::LoginByAddress, "5.6.7.8", Instant::now())
            .unwrap();
        let sweeper = spawn_sweeper(limiter.clone(), Duration::from_millis(10));
        tokio::time::sleep(Duration::from_millis(100)).await;
        sweeper.abort();
        // The ended window is gone, the running one kept.
        assert_eq!(limiter.len(), 1);
    }

    #[test]
    fn a_forgiven_attempt_does_not_count() {
        let limiter = Limiter::default();
        let start = Instant::now();
        for _ in 0..20 {
            limiter
                .hit_at(Action::LoginByAccount, "a@x", start)
                .unwrap();
            limiter.forgive(Action::LoginByAccount, "a@x");
        }
        assert_eq!(limiter.hit_at(Action::LoginByAccount, "a@x", start), Ok(()));
    }
}
