//! Where part pictures are kept: files in `UPLOAD_DIR` (the default, written by
//! [`super::uploads`]) or objects in an S3-compatible bucket (`PARTWATCH_STORAGE=s3://bucket`
//! or `s3://bucket/prefix`), under the same three names per picture (`<key>.jpg`,
//! `<key>-800.jpg`, `<key>-thumb.jpg`). Handlers reach it through `AppState::storage`.
//!
//! Crash safety is the same either way: a disk file is written under a temporary name and
//! renamed into place, an S3 `PUT` makes the whole object appear at once or not at all; the
//! database names a picture only after all three of its files are stored.

use super::{images, images::Processed, uploads};
use crate::server::config::{Config, Storage as Setting};
use crate::server::random::{is_valid_key, random_key};
use axum::body::Bytes;
use object_store::{
    aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey},
    path::Path as ObjectPath,
    Attribute, Attributes, BackoffConfig, ClientConfigKey, ObjectMeta, ObjectStore, ObjectStoreExt,
    PutOptions, PutPayload, RetryConfig,
};
use std::{
    future::Future,
    io,
    path::{Path, PathBuf},
    pin::Pin,
    sync::{Arc, Once},
    task::{Context, Poll},
    time::{Duration, SystemTime},
};
use tokio::io::{AsyncRead, AsyncSeek, ReadBuf};

/// How long connecting to the bucket's endpoint may take, unless `AWS_CONNECT_TIMEOUT` says.
const CONNECT_TIMEOUT: &str = "5s";
/// How long one request to the bucket may take, unless `AWS_TIMEOUT` says.
const REQUEST_TIMEOUT: &str = "10s";
/// Retries of a failed request to the bucket (connection refused or reset, 5xx, throttling),
/// and the time after the first attempt past which none is started. An upload stores three
/// objects at once, so with [`REQUEST_TIMEOUT`] this stays under the 30-second time limit
/// of a request (`PARTWATCH_REQUEST_TIMEOUT_SECS`).
const RETRIES: usize = 2;
const RETRY_WINDOW: Duration = Duration::from_secs(8);

/// Where pictures are kept; cheap to clone.
#[derive(Clone, Debug)]
pub struct Storage(Arc<Place>);

#[derive(Debug)]
enum Place {
    Disk(PathBuf),
    Bucket(Bucket),
}

#[derive(Debug)]
struct Bucket {
    store: AmazonS3,
    /// `s3://bucket/prefix`, for messages.
    url: String,
    /// Folders before each name, without leading or trailing `/`.
    prefix: Option<String>,
}

impl Bucket {
    fn path(&self, name: &str) -> ObjectPath {
        match &self.prefix {
            Some(prefix) => ObjectPath::from(format!("{prefix}/{name}")),
            None => ObjectPath::from(name),
        }
    }

    async fn put(&self, name: &str, bytes: Vec<u8>) -> io::Result<()> {
        let options = PutOptions {
            attributes: Attributes::from_iter([(Attribute::ContentType, "image/jpeg")]),
            ..PutOptions::default()
        };
        self.store
            .put_opts(&self.path(name), PutPayload::from(bytes), options)
            .await
            .map(drop)
            .map_err(io_error)
    }

    async fn get(&self, name: &str) -> io::Result<(ObjectMeta, Bytes)> {
        let got = self.store.get(&self.path(name)).await.map_err(io_error)?;
        let meta = got.meta.clone();
        let bytes = got.bytes().await.map_err(io_error)?;
        Ok((meta, bytes))
    }

    /// Deletes the files of `key` (missing ones are fine: S3 answers a delete of nothing with
    /// success).
    async fn remove(&self, key: &str) {
        let [display, medium, thumb] = uploads::file_names(key).map(|name| self.path(&name));
        let (a, b, c) = tokio::join!(
            self.store.delete(&display),
            self.store.delete(&medium),
            self.store.delete(&thumb),
        );
        for result in [a, b, c] {
            match result {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => {
                    tracing::warn!(error = %e, bucket = %self.url, "could not delete an old picture")
                }
            }
        }
    }
}

/// An `object_store` error as an I/O error (`NotFound` kept, so a missing object is a 404).
fn io_error(error: object_store::Error) -> io::Error {
    match error {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, error),
        other => io::Error::other(other),
    }
}

/// The S3 client speaks TLS through rustls, built without a crypto provider of its own (the
/// default one, aws-lc-rs, is a slow C build): ring is installed as the process's provider
/// before the first client is made.
fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Fails only when a provider is installed already, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl Storage {
    /// Files in `dir`.
    pub fn disk(dir: impl Into<PathBuf>) -> Self {
        Self(Arc::new(Place::Disk(dir.into())))
    }

    /// The storage `config` names; a bucket's endpoint, region and keys come from the usual
    /// `AWS_*` variables (`AWS_ENDPOINT_URL`, `AWS_REGION` or `AWS_DEFAULT_REGION`,
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_ALLOW_HTTP`, …).
    pub fn from_config(config: &Config) -> Result<Self, String> {
        match &config.storage {
            Setting::Disk => Ok(Self::disk(config.upload_dir.clone())),
            Setting::S3 { bucket, prefix } => {
                Self::s3(bucket, prefix.as_deref(), AmazonS3Builder::from_env())
            }
        }
    }

    /// Objects in `bucket` under `prefix`, reached through `builder` (endpoint, region,
    /// credentials; its bucket name is replaced). Timeouts and retries are bounded so that a
    /// bucket that is down fails a request in seconds, unless the builder sets its own
    /// (`AWS_CONNECT_TIMEOUT`, `AWS_TIMEOUT`).
    pub fn s3(
        bucket: &str,
        prefix: Option<&str>,
        builder: AmazonS3Builder,
    ) -> Result<Self, String> {
        install_crypto_provider();
        let mut builder = builder.with_bucket_name(bucket).with_retry(RetryConfig {
            backoff: BackoffConfig::default(),
            max_retries: RETRIES,
            retry_timeout: RETRY_WINDOW,
        });
        for (key, default) in [
            (ClientConfigKey::ConnectTimeout, CONNECT_TIMEOUT),
            (ClientConfigKey::Timeout, REQUEST_TIMEOUT),
        ] {
            let key = AmazonS3ConfigKey::Client(key);
            if builder.get_config_value(&key).is_none() {
                builder = builder.with_config(key, default);
            }
        }
        let prefix = prefix
            .map(|p| p.trim_matches('/'))
            .filter(|p| !p.is_empty());
        let url = match prefix {
            Some(prefix) => format!("s3://{bucket}/{prefix}"),
            None => format!("s3://{bucket}"),
        };
        let store = builder
            .build()
            .map_err(|e| format!("PARTWATCH_STORAGE: cannot use {url}: {e}"))?;
        Ok(Self(Arc::new(Place::Bucket(Bucket {
            store,
            url,
            prefix: prefix.map(str::to_owned),
        }))))
    }

    /// The folder of a disk storage (`None` for a bucket).
    pub fn upload_dir(&self) -> Option<&Path> {
        match &*self.0 {
            Place::Disk(dir) => Some(dir),
            Place::Bucket(_) => None,
        }
    }

    /// Where pictures go, for the start message: the folder, or `s3://bucket/prefix`.
    pub fn describe(&self) -> String {
        match &*self.0 {
            Place::Disk(dir) => dir.display().to_string(),
            Place::Bucket(bucket) => bucket.url.clone(),
        }
    }

    /// Proves at start that pictures can be stored: the folder is created, or a small object
    /// is written to the bucket and deleted again. The error names what failed.
    pub async fn check(&self) -> Result<(), String> {
        match &*self.0 {
            Place::Disk(dir) => std::fs::create_dir_all(dir)
                .map_err(|e| format!("UPLOAD_DIR: cannot create {}: {e}", dir.display())),
            Place::Bucket(bucket) => {
                let probe = ".partwatch-write-check";
                let result = match bucket.put(probe, b"ok".to_vec()).await {
                    Ok(()) => bucket
                        .store
                        .delete(&bucket.path(probe))
                        .await
                        .map_err(io_error),
                    Err(e) => Err(e),
                };
                result.map_err(|e| {
                    format!(
                        "PARTWATCH_STORAGE: cannot store pictures in {}: {e} (check \
                         AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID and \
                         AWS_SECRET_ACCESS_KEY)",
                        bucket.url
                    )
                })
            }
        }
    }

    /// Stores the three files of a processed picture under a new key and returns the key. On
    /// an error none of them is left behind (as far as the storage lets them be deleted; a
    /// leftover has a random name nothing refers to).
    pub async fn store(&self, picture: Processed) -> io::Result<String> {
        match &*self.0 {
            Place::Disk(dir) => {
                let dir = dir.clone();
                tokio::task::spawn_blocking(move || uploads::store(&dir, &picture))
                    .await
                    .map_err(io::Error::other)?
            }
            Place::Bucket(bucket) => {
                let key = random_key();
                let [display, medium, thumb] = uploads::file_names(&key);
                let stored = tokio::try_join!(
                    bucket.put(&display, picture.display),
                    bucket.put(&medium, picture.medium),
                    bucket.put(&thumb, picture.thumb),
                );
                match stored {
                    Ok(_) => Ok(key),
                    Err(e) => {
                        bucket.remove(&key).await;
                        Err(e)
                    }
                }
            }
        }
    }

    /// Deletes the files of a picture (missing files are fine; failures are logged).
    pub async fn remove(&self, key: &str) {
        if !is_valid_key(key) {
            return;
        }
        match &*self.0 {
            Place::Disk(dir) => {
                let (dir, key) = (dir.clone(), key.to_owned());
                if let Err(e) =
                    tokio::task::spawn_blocking(move || uploads::remove(&dir, &key)).await
                {
                    tracing::warn!(error = %e, "could not delete an old picture");
                }
            }
            Place::Bucket(bucket) => bucket.remove(key).await,
        }
    }

    /// Makes, stores and returns the medium-size file of a picture stored before that size
    /// existed, from its display file (in one of the picture-processing slots). `NotFound`
    /// when there is no such picture. Made but not stored (the bucket refused it), it is still
    /// returned, and made again on the next request.
    pub async fn make_medium(&self, key: &str) -> io::Result<Vec<u8>> {
        if !is_valid_key(key) {
            return Err(io::ErrorKind::NotFound.into());
        }
        match &*self.0 {
            Place::Disk(dir) => {
                let (dir, key) = (dir.clone(), key.to_owned());
                images::run_job(move || Ok(uploads::make_medium(&dir, &key)))
                    .await
                    .map_err(io::Error::other)?
            }
            Place::Bucket(bucket) => {
                let (_, display) = bucket.get(&uploads::display_name(key)).await?;
                let medium = images::run_job(move || images::medium_from_display(&display))
                    .await
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                if let Err(e) = bucket.put(&uploads::medium_name(key), medium.clone()).await {
                    tracing::warn!(error = %e, bucket = %bucket.url, "could not store a medium picture");
                }
                Ok(medium)
            }
        }
    }

    /// The bucket's files as a `ServeDir` backend for one request (`None` for a disk
    /// storage, which `ServeDir` reads itself). `head`: the request is a `HEAD`, which needs
    /// no body.
    pub fn bucket_files(&self, head: bool) -> Option<BucketFiles> {
        match &*self.0 {
            Place::Disk(_) => None,
            Place::Bucket(_) => Some(BucketFiles {
                storage: self.clone(),
                with_body: !head,
                fetched: Arc::default(),
            }),
        }
    }
}

/// The pictures in a bucket, as tower-http's `ServeDir` reads files: so `/uploads/` answers
/// from a bucket exactly as from the disk (the same headers: type, length, `Last-Modified`,
/// `ETag` from size and time; `HEAD`, conditional and range requests; 405 for other methods).
///
/// Made for one request: `ServeDir` asks for a file's metadata before it opens the file, and
/// the first answer is kept, so a `GET` is one S3 `GET` (the whole object: pictures are small)
/// and a `HEAD` one S3 `HEAD`. Only picture file names are looked up.
#[derive(Clone, Debug)]
pub struct BucketFiles {
    storage: Storage,
    with_body: bool,
    fetched: Arc<tokio::sync::Mutex<Option<Answer>>>,
}

/// The path asked for and what the bucket said (`None`: no such object).
type Answer = (PathBuf, Option<Fetched>);

#[derive(Clone, Debug)]
struct Fetched {
    meta: ObjectMetadata,
    body: Option<Bytes>,
}

impl BucketFiles {
    async fn fetch(&self, path: PathBuf, body: bool) -> io::Result<Fetched> {
        let not_found = || io::Error::from(io::ErrorKind::NotFound);
        let mut fetched = self.fetched.lock().await;
        if let Some((asked, answer)) = fetched.as_ref() {
            if *asked == path {
                match answer {
                    None => return Err(not_found()),
                    Some(done) if !body || done.body.is_some() => return Ok(done.clone()),
                    Some(_) => {}
                }
            }
        }
        let Place::Bucket(bucket) = &*self.storage.0 else {
            return Err(not_found());
        };
        let Some(name) = path
            .file_name()
            .and_then(|name| name.to_str())
            .filter(|name| uploads::is_file_name(name))
        else {
            return Err(not_found());
        };
        let answer = if body || self.with_body {
            bucket.get(name).await.map(|(meta, bytes)| Fetched {
                meta: ObjectMetadata::of(&meta),
                body: Some(bytes),
            })
        } else {
            bucket
                .store
                .head(&bucket.path(name))
                .await
                .map_err(io_error)
                .map(|meta| Fetched {
                    meta: ObjectMetadata::of(&meta),
                    body: None,
                })
        };
        match answer {
            Ok(done) => {
                *fetched = Some((path, Some(done.clone())));
                Ok(done)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                *fetched = Some((path, None));
                Err(e)
            }
            Err(e) => {
                tracing::error!(error = %e, bucket = %bucket.url, "reading a picture failed");
                Err(e)
            }
        }
    }
}

type Pending<T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send>>;

impl tower_http::services::fs::Backend for BucketFiles {
    type File = ObjectFile;
    type Metadata = ObjectMetadata;
    type OpenFuture = Pending<ObjectFile>;
    type MetadataFuture = Pending<ObjectMetadata>;

    fn open(&self, path: PathBuf) -> Self::OpenFuture {
        let files = self.clone();
        Box::pin(async move {
            let fetched = files.fetch(path, true).await?;
            Ok(ObjectFile {
                meta: fetched.meta,
                body: io::Cursor::new(fetched.body.unwrap_or_default()),
            })
        })
    }

    fn metadata(&self, path: PathBuf) -> Self::MetadataFuture {
        let files = self.clone();
        Box::pin(async move { files.fetch(path, false).await.map(|f| f.meta) })
    }
}

/// What `ServeDir` needs to know of an object.
#[derive(Clone, Debug)]
pub struct ObjectMetadata {
    size: u64,
    modified: SystemTime,
}

impl ObjectMetadata {
    fn of(meta: &ObjectMeta) -> Self {
        Self {
            size: meta.size,
            modified: SystemTime::from(meta.last_modified),
        }
    }
}

impl tower_http::services::fs::Metadata for ObjectMetadata {
    fn is_dir(&self) -> bool {
        false
    }

    fn modified(&self) -> io::Result<SystemTime> {
        Ok(self.modified)
    }

    fn len(&self) -> u64 {
        self.size
    }
}

/// An object read whole, as a file `ServeDir` reads and seeks in.
#[derive(Debug)]
pub struct ObjectFile {
    meta: ObjectMetadata,
    body: io::Cursor<Bytes>,
}

impl AsyncRead for ObjectFile {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.body).poll_read(cx, buf)
    }
}

impl AsyncSeek for ObjectFile {
    fn start_seek(mut self: Pin<&mut Self>, position: io::SeekFrom) -> io::Result<()> {
        Pin::new(&mut self.body).start_seek(position)
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        Pin::new(&mut self.body).poll_complete(cx)
    }
}

impl tower_http::services::fs::File for ObjectFile {
    type Metadata = ObjectMetadata;
    type MetadataFuture<'a> = std::future::Ready<io::Result<ObjectMetadata>>;

    fn metadata(&self) -> Self::MetadataFuture<'_> {
        std::future::ready(Ok(self.meta.clone()))
    }
}
