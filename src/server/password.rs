//! Password hashing with argon2id (m=19456 KiB, t=2, p=1: OWASP's parameters), off the async
//! runtime threads.

use crate::error::AppError;
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use std::sync::OnceLock;

fn hasher() -> Argon2<'static> {
    // Spelled out rather than `default()` so a change of the crate's defaults cannot lower them.
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string, on a blocking thread.
pub async fn hash(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| {
                tracing::error!(error = %e, "password hashing failed");
                AppError::Internal
            })
    })
    .await?
}

/// Checks a password against a stored PHC string, on a blocking thread.
pub async fn verify(password: &str, phc: &str) -> Result<bool, AppError> {
    let password = password.to_owned();
    let phc = phc.to_owned();
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&phc).map_err(|e| {
            tracing::error!(error = %e, "stored password hash unreadable");
            AppError::Internal
        })?;
        Ok(hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await?
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
