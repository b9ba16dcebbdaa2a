//! Password hashing with argon2id (m=19456 KiB, t=2, p=1: OWASP's parameters), off the async
//! runtime threads, and at most [`MAX_CONCURRENT_HASHES`] at a time: each takes 19 MiB, so a
//! flood of logins queues here instead of exhausting memory or the blocking thread pool.

use crate::error::AppError;
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use std::sync::{
    atomic::{AtomicUsize, Ordering},
    OnceLock,
};
use tokio::sync::Semaphore;

/// How many hashes may be computed at once (about 19 MiB each): one per core of the machine
/// PartWatch is measured on. A hash keeps one core busy for its whole run, so more at once
/// finish no sooner; with 4, logging in 320 customers raised the server's memory by 53 MB,
/// which the allocator then kept.
pub const MAX_CONCURRENT_HASHES: usize = 2;

static HASHING: Semaphore = Semaphore::const_new(MAX_CONCURRENT_HASHES);
static RUNNING: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The most hashes that ever ran at the same moment in this process.
pub fn peak_concurrent_hashes() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// Runs one argon2 computation on a blocking thread once a hashing slot is free.
async fn with_slot<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let _slot = HASHING.acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(move || {
        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        let result = work();
        RUNNING.fetch_sub(1, Ordering::SeqCst);
        result
    })
    .await?
}

fn hasher() -> Argon2<'static> {
    // Spelled out rather than `default()` so a change of the crate's defaults cannot lower them.
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string, on a blocking thread.
pub async fn hash(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    with_slot(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| {
                tracing::error!(error = %e, "password hashing failed");
                AppError::Internal
            })
    })
    .await
}

/// Checks a password against a stored PHC string, on a blocking thread.
pub async fn verify(password: &str, phc: &str) -> Result<bool, AppError> {
    let password = password.to_owned();
    let phc = phc.to_owned();
    with_slot(move || {
        let parsed = PasswordHash::new(&phc).map_err(|e| {
            tracing::error!(error = %e, "stored password hash unreadable");
            AppError::Internal
        })?;
        Ok(hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
}

/// Spends the same work as a real check, for logins with an unknown email, so neither the
/// answer nor its timing tells whether an account exists.
pub async fn verify_dummy(password: &str) -> Result<(), AppError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = match DUMMY.get() {
        Some(phc) => phc.clone(),
        None => {
            let phc = hash("partwatch-dummy-password").await?;
            DUMMY.get_or_init(|| phc).clone()
        }
    };
    verify(password, &phc).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_with_argon2id_and_owasp_parameters() {
        let phc = hash("a long enough password").await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("a long enough password", &phc).await.unwrap());
        assert!(!verify("a long enough passwort", &phc).await.unwrap());
        // Two hashes of one password differ (random salt).
        assert_ne!(phc, hash("a long enough password").await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_flood_of_hashes_runs_a_few_at_a_time() {
        let phc = hash("a long enough password").await.unwrap();
        let checks: Vec<_> = (0..24)
            .map(|_| {
                let phc = phc.clone();
                tokio::spawn(async move { verify("a long enough password", &phc).await })
            })
            .collect();
        for check in checks {
            assert!(check.await.unwrap().unwrap());
        }
        let peak = peak_concurrent_hashes();
        assert!(
            (1..=MAX_CONCURRENT_HASHES).contains(&peak),
            "peak {peak} hashes at once"
        );
    }

    #[tokio::test]
    async fn unicode_passwords_are_not_truncated() {
        let long = "ü".repeat(128);
        let phc = hash(&long).await.unwrap();
        let mut almost = "ü".repeat(127);
        almost.push('u');
        assert!(verify(&long, &phc).await.unwrap());
        assert!(!verify(&almost, &phc).await.unwrap());
    }
}
