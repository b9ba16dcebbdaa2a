//! Where part images live on disk and how their files are named and served.

use rand::{distributions::Alphanumeric, Rng};
use std::path::{Path, PathBuf};

/// A fresh random file stem for an image (not guessable, no user input in it).
pub fn random_key() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(|b| (b as char).to_ascii_lowercase())
        .collect()
}

/// The display-size file of an image.
pub fn display_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{key}.png"))
}

/// The thumbnail file of an image.
pub fn thumb_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{key}-thumb.png"))
}
