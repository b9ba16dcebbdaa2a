//! Random keys: file names of stored pictures, checkout keys, device tokens. 32 lowercase
//! letters and digits (about 165 bits) from `rand`'s thread generator (ChaCha, seeded by the
//! operating system).

use rand::{distributions::Alphanumeric, Rng};

/// A fresh random key (not guessable, no user input in it).
pub fn random_key() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(|b| (b as char).to_ascii_lowercase())
        .collect()
}

/// Whether `key` has the shape [`random_key`] makes (so it can name a file safely).
pub fn is_valid_key(key: &str) -> bool {
    key.len() == 32
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}
