//! Attempt limits: logins, registrations and password checks per client address and per
//! account; checkouts and photo uploads per user. Over the limit the caller gets 429 with
//! `Retry-After` and a message saying how long to wait.
//!
//! A fixed window per key, and every attempt counts, refused ones included, so hammering does
//! not shorten the wait. On SQLite (one server) the counts live in memory; on PostgreSQL,
//! where several app servers share one database, a limiter made by [`Limiter::shared`] keeps
//! them in the database (`attempt_windows`, one atomic upsert per attempt), so an attacker
//! gets one allowance whichever servers the load balancer sends them to. A successful login is taken back
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

/// The attempt counters: this server's own, or (PostgreSQL) the database's, shared by all.
#[derive(Debug)]
pub struct Limiter {
    shards: Vec<Shard>,
    hasher: std::collections::hash_map::RandomState,
    #[cfg(feature = "postgres")]
    shared: Option<crate::server::db::DbPool>,
}

impl Default for Limiter {
    fn default() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            hasher: Default::default(),
            #[cfg(feature = "postgres")]
            shared: None,
        }
    }
}

/// The counting of one attempt in the database every server shares: the window restarts when
/// it has ended, else its count goes up, in one statement (no two servers can both see 9 and
/// both write 10). Returns the refusal's wait in seconds, as [`Limiter::hit_at`] does.
#[cfg(feature = "postgres")]
async fn hit_shared(
    pool: &crate::server::db::DbPool,
    action: Action,
    key: &str,
) -> sqlx::Result<Result<(), u64>> {
    let (max, period) = action.rule();
    let now_ms = crate::time::unix_now_ms();
    let period_ms = period.as_millis() as i64;
    let name = format!("{action:?}");
    let window = crate::db_query!(
        r#"INSERT INTO attempt_windows AS w (action, client_key, started_ms, count)
           VALUES ($1, $2, $3, 1)
           ON CONFLICT (action, client_key) DO UPDATE SET
             started_ms = CASE WHEN w.started_ms <= $3 - $4 THEN $3 ELSE w.started_ms END,
             count = CASE WHEN w.started_ms <= $3 - $4 THEN 1 ELSE w.count + 1 END
           RETURNING started_ms, count"#,
        name,
        key,
        now_ms,
        period_ms,
    )
    .fetch_one(pool)
    .await?;
    if window.count > i64::from(max) {
        let left_ms = (window.started_ms + period_ms - now_ms).max(0);
        Ok(Err((left_ms as u64 / 1000).max(1)))
    } else {
        Ok(Ok(()))
    }
}

impl Limiter {
    /// The counters a server on `pool` uses: its own memory on SQLite (one server), the
    /// database's on PostgreSQL (several servers, one allowance).
    pub fn for_database(pool: &crate::server::db::DbPool) -> Self {
        #[cfg(feature = "postgres")]
        return Self::shared(pool.clone());
        #[cfg(not(feature = "postgres"))]
        {
            let _ = pool;
            Self::default()
        }
    }

    /// Counters kept in the database of `pool`, shared by every server on it (PostgreSQL).
    #[cfg(feature = "postgres")]
    pub fn shared(pool: crate::server::db::DbPool) -> Self {
        Self {
            shared: Some(pool),
            ..Self::default()
        }
    }

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
    pub async fn hit(&self, action: Action, key: &str) -> Result<(), AppError> {
        #[cfg(feature = "postgres")]
        let counted = match &self.shared {
            Some(pool) => hit_shared(pool, action, key).await?,
            None => self.hit_at(action, key, Instant::now()),
        };
        #[cfg(not(feature = "postgres"))]
        let counted = self.hit_at(action, key, Instant::now());
        counted.map_err(|wait| {
            super::audit::limit_reached(&action, wait);
            AppError::RateLimited(wait)
        })
    }

    /// Takes back one counted attempt of `action` by `key` (a login that succeeded).
    pub async fn forgive(&self, action: Action, key: &str) {
        #[cfg(feature = "postgres")]
        if let Some(pool) = &self.shared {
            let name = format!("{action:?}");
            let taken_back = crate::db_query!(
                "UPDATE attempt_windows SET count = count - 1 \
                 WHERE action = $1 AND client_key = $2 AND count > 0",
                name,
                key,
            )
            .execute(pool)
            .await;
            if let Err(e) = taken_back {
                tracing::warn!(error = %e, "could not take back a counted attempt");
            }
            return;
        }
        if let Some(window) = self.shard(action, key).get_mut(&(action, key.to_owned())) {
            window.count = window.count.saturating_sub(1);
        }
    }

    /// Deletes the shared windows that have ended (PostgreSQL; the longest window is an hour).
    #[cfg(feature = "postgres")]
    async fn sweep_shared(&self) {
        if let Some(pool) = &self.shared {
            let before = crate::time::unix_now_ms() - 3_600_000;
            if let Err(e) =
                crate::db_query!("DELETE FROM attempt_windows WHERE started_ms < $1", before)
                    .execute(pool)
                    .await
            {
                tracing::warn!(error = %e, "sweeping the shared attempt counters failed");
            }
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
            #[cfg(feature = "postgres")]
            limiter.sweep_shared().await;
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

    #[tokio::test]
    async fn a_forgiven_attempt_does_not_count() {
        let limiter = Limiter::default();
        let start = Instant::now();
        for _ in 0..20 {
            limiter
                .hit_at(Action::LoginByAccount, "a@x", start)
                .unwrap();
            limiter.forgive(Action::LoginByAccount, "a@x").await;
        }
        assert_eq!(limiter.hit_at(Action::LoginByAccount, "a@x", start), Ok(()));
    }

    /// Two servers (two limiters on one database) share one allowance: 32 attempts at once,
    /// split between them, let exactly 10 through; a forgiven attempt is taken back for both;
    /// another key and another action have their own.
    #[cfg(feature = "postgres")]
    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn servers_on_one_database_share_one_allowance(pool: crate::server::db::DbPool) {
        let a = std::sync::Arc::new(Limiter::shared(pool.clone()));
        let b = std::sync::Arc::new(Limiter::shared(pool.clone()));
        let attempts = (0..32).map(|n| {
            let limiter = if n % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(async move { limiter.hit(Action::LoginByAccount, "a@x").await })
        });
        let mut allowed = 0;
        for attempt in attempts {
            match attempt.await.unwrap() {
                Ok(()) => allowed += 1,
                Err(AppError::RateLimited(wait)) => assert!((1..=600).contains(&wait)),
                Err(other) => panic!("{other:?}"),
            }
        }
        assert_eq!(allowed, 10);
        assert!(b.hit(Action::LoginByAccount, "b@x").await.is_ok());
        assert!(b.hit(Action::LoginByDevice, "a@x").await.is_ok());
        // 32 counted; taking back 23 leaves 9: one more fits, the next does not.
        for _ in 0..23 {
            a.forgive(Action::LoginByAccount, "a@x").await;
        }
        assert!(b.hit(Action::LoginByAccount, "a@x").await.is_ok());
        assert!(a.hit(Action::LoginByAccount, "a@x").await.is_err());
        // An ended window starts again.
        crate::db_query!("UPDATE attempt_windows SET started_ms = started_ms - 600000")
            .execute(&pool)
            .await
            .unwrap();
        assert!(a.hit(Action::LoginByAccount, "a@x").await.is_ok());
    }
}
