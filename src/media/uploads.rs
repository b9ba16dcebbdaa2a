//! Where part pictures live on disk: `UPLOAD_DIR/<key>.jpg`, `<key>-800.jpg` and
//! `<key>-thumb.jpg`, under a random key that holds no user input.

use super::images::{self, Processed};
use crate::server::random::{is_valid_key, random_key};
use std::{
    io,
    path::{Path, PathBuf},
};

/// The display-size file of an image.
pub fn display_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(display_name(key))
}

/// The names of a picture's three files: display size, medium size, thumbnail.
pub fn file_names(key: &str) -> [String; 3] {
    [display_name(key), medium_name(key), thumb_name(key)]
}

/// The display-size file's name.
pub fn display_name(key: &str) -> String {
    format!("{key}.jpg")
}

/// The medium-size file's name.
pub fn medium_name(key: &str) -> String {
    format!("{key}{MEDIUM_SUFFIX}")
}

/// The thumbnail's name.
pub fn thumb_name(key: &str) -> String {
    format!("{key}-thumb.jpg")
}

/// Whether `name` is one a picture's file can have (`<key>.jpg`, `<key>-800.jpg`,
/// `<key>-thumb.jpg` with a key of [`random_key`]'s shape): nothing else is looked up.
pub fn is_file_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".jpg") else {
        return false;
    };
    let key = stem
        .strip_suffix("-800")
        .or_else(|| stem.strip_suffix("-thumb"))
        .unwrap_or(stem);
    is_valid_key(key)
}

/// The medium-size file of an image (see [`make_medium`] for pictures stored before it).
pub fn medium_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(medium_name(key))
}

/// How a medium-size file's name ends.
pub const MEDIUM_SUFFIX: &str = "-800.jpg";

/// The thumbnail file of an image.
pub fn thumb_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(thumb_name(key))
}

/// Writes the files of a processed picture under a new key and returns the key. Each file is
/// written under a temporary name and renamed into place, so a crash never leaves a half
/// file under a real name; a failed write leaves none of the three behind.
pub fn store(dir: &Path, picture: &Processed) -> io::Result<String> {
    std::fs::create_dir_all(dir)?;
    let key = random_key();
    for (path, bytes) in [
        (display_path(dir, &key), &picture.display),
        (medium_path(dir, &key), &picture.medium),
        (thumb_path(dir, &key), &picture.thumb),
    ] {
        if let Err(e) = write_whole(&path, bytes) {
            remove(dir, &key);
            return Err(e);
        }
    }
    Ok(key)
}

/// Writes `bytes` under a temporary name and renames it into place.
fn write_whole(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("jpg.part");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Makes, stores and returns the medium-size file of a picture stored before that size
/// existed, from its display file. `NotFound` when there is no such picture. CPU work (a
/// 1200-pixel JPEG decoded and resized): call it from a blocking thread.
pub fn make_medium(dir: &Path, key: &str) -> io::Result<Vec<u8>> {
    if !is_valid_key(key) {
        return Err(io::ErrorKind::NotFound.into());
    }
    let display = std::fs::read(display_path(dir, key))?;
    let medium = images::medium_from_display(&display)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    write_whole(&medium_path(dir, key), &medium)?;
    Ok(medium)
}

/// Deletes the files of a picture (missing files are fine).
pub fn remove(dir: &Path, key: &str) {
    if !is_valid_key(key) {
        return;
    }
    for path in [
        display_path(dir, key),
        medium_path(dir, key),
        thumb_path(dir, key),
    ] {
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
    fn stores_and_removes_all_three_files() {
        let dir = std::env::temp_dir().join(format!("pw-up-{}", random_key()));
        let picture = Processed {
            display: vec![1, 2, 3],
            medium: vec![5, 6],
            thumb: vec![4],
        };
        let key = store(&dir, &picture).unwrap();
        assert!(is_valid_key(&key));
        assert_eq!(std::fs::read(display_path(&dir, &key)).unwrap(), [1, 2, 3]);
        assert_eq!(std::fs::read(medium_path(&dir, &key)).unwrap(), [5, 6]);
        assert_eq!(std::fs::read(thumb_path(&dir, &key)).unwrap(), [4]);
        remove(&dir, &key);
        for path in [
            display_path(&dir, &key),
            medium_path(&dir, &key),
            thumb_path(&dir, &key),
        ] {
            assert!(!path.exists(), "{}", path.display());
        }
        assert!(!is_valid_key("../../etc/passwd"));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn only_the_names_of_stored_files_are_file_names() {
        let key = random_key();
        for name in file_names(&key) {
            assert!(is_file_name(&name), "{name}");
        }
        for name in [
            key.clone(),
            format!("{key}.png"),
            format!("{key}-900.jpg"),
            format!("{key}-800-thumb.jpg"),
            format!("{key}.jpg.part"),
            format!("{}.jpg", key.to_uppercase()),
            format!("{}.jpg", &key[1..]),
            format!("x/{key}.jpg"),
            "abc.jpg".into(),
            ".jpg".into(),
            "-800.jpg".into(),
        ] {
            assert!(!is_file_name(&name), "{name}");
        }
    }

    #[test]
    fn medium_size_is_made_from_the_display_picture_when_missing() {
        let dir = std::env::temp_dir().join(format!("pw-up-{}", random_key()));
        let picture =
            images::process(&images::tests::sample(image::ImageFormat::Png, 1600, 1200)).unwrap();
        let key = store(&dir, &picture).unwrap();
        std::fs::remove_file(medium_path(&dir, &key)).unwrap();
        let made = make_medium(&dir, &key).unwrap();
        assert_eq!(std::fs::read(medium_path(&dir, &key)).unwrap(), made);
        let medium = image::load_from_memory(&made).unwrap();
        assert_eq!((medium.width(), medium.height()), (800, 600));
        let unknown = make_medium(&dir, &random_key()).unwrap_err();
        assert_eq!(unknown.kind(), io::ErrorKind::NotFound);
        assert_eq!(
            make_medium(&dir, "../x").unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
