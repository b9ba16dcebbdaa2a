//! Where part pictures live on disk: `UPLOAD_DIR/<key>.jpg` and `<key>-thumb.jpg`, under a
//! random key that holds no user input.

use super::images::Processed;
use rand::{distributions::Alphanumeric, Rng};
use std::{
    io,
    path::{Path, PathBuf},
};

/// A fresh random file stem for an image (not guessable, no user input in it).
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

/// The display-size file of an image.
pub fn display_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{key}.jpg"))
}

/// The thumbnail file of an image.
pub fn thumb_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{key}-thumb.jpg"))
}

/// Writes both files of a processed picture under a new key and returns the key. Each file is
/// written under a temporary name and renamed into place, so a crash never leaves a half
/// file under a real name.
pub fn store(dir: &Path, picture: &Processed) -> io::Result<String> {
    std::fs::create_dir_all(dir)?;
    let key = random_key();
    for (path, bytes) in [
        (display_path(dir, &key), &picture.display),
        (thumb_path(dir, &key), &picture.thumb),
    ] {
        let tmp = path.with_extension("jpg.part");
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &path)?;
    }
    Ok(key)
}

/// Deletes both files of a picture (missing files are fine).
pub fn remove(dir: &Path, key: &str) {
    if !is_valid_key(key) {
        return;
    }
    for path in [display_path(dir, key), thumb_path(dir, key)] {
        if let Err(e) = std::fs::remove_file(&path) {
            if e.kind() != io::ErrorKind::NotFound {
                tracing::warn!(error = %e, "could not delete an old picture");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_and_removes_both_files() {
        let dir = std::env::temp_dir().join(format!("pw-up-{}", random_key()));
        let picture = Processed {
            display: vec![1, 2, 3],
            thumb: vec![4],
        };
        let key = store(&dir, &picture).unwrap();
        assert!(is_valid_key(&key));
        assert_eq!(std::fs::read(display_path(&dir, &key)).unwrap(), [1, 2, 3]);
        assert_eq!(std::fs::read(thumb_path(&dir, &key)).unwrap(), [4]);
        remove(&dir, &key);
        assert!(!display_path(&dir, &key).exists() && !thumb_path(&dir, &key).exists());
        assert!(!is_valid_key("../../etc/passwd"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
