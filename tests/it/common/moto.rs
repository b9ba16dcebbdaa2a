//! A real S3-compatible server for the storage tests: `moto_server` (PyPI `moto[s3]`, installed
//! by scripts/setup-test.sh), in memory, on a free port of 127.0.0.1. One server (one for
//! plain HTTP, one for HTTPS) is shared by the tests that run at the same time, each with a
//! bucket of its own; the last test to let go of it stops it (killed on drop). Without
//! moto_server the tests fail and say how to install it.

use object_store::{
    aws::{AmazonS3, AmazonS3Builder},
    path::Path as ObjectPath,
    ClientConfigKey, ObjectStore, ObjectStoreExt, PutPayload,
};
use partwatch::media::storage::Storage;
use std::{
    net::TcpListener,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, Weak},
    time::{Duration, Instant},
};

/// The keys the tests sign with (moto accepts any).
pub const ACCESS_KEY: &str = "partwatch-test";
pub const SECRET_KEY: &str = "partwatch-test-secret";
pub const REGION: &str = "eu-central-1";

/// A running moto_server.
pub struct Moto {
    child: Mutex<Child>,
    /// `http://127.0.0.1:PORT` (or `https://…`).
    pub endpoint: String,
    /// Whether it speaks HTTPS (a self-signed certificate).
    pub tls: bool,
}

impl Drop for Moto {
    fn drop(&mut self) {
        if let Ok(child) = self.child.get_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

static PLAIN: tokio::sync::Mutex<Weak<Moto>> = tokio::sync::Mutex::const_new(Weak::new());
static TLS: tokio::sync::Mutex<Weak<Moto>> = tokio::sync::Mutex::const_new(Weak::new());

/// A free port on 127.0.0.1 (nothing listens on it once this returns).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The shared moto_server over plain HTTP, started if no test holds it.
pub async fn moto() -> Arc<Moto> {
    shared(&PLAIN, false).await
}

/// The shared moto_server over HTTPS with a self-signed certificate.
pub async fn moto_tls() -> Arc<Moto> {
    shared(&TLS, true).await
}

async fn shared(slot: &tokio::sync::Mutex<Weak<Moto>>, tls: bool) -> Arc<Moto> {
    let mut slot = slot.lock().await;
    if let Some(moto) = slot.upgrade() {
        return moto;
    }
    let moto = Arc::new(start(tls).await);
    *slot = Arc::downgrade(&moto);
    moto
}

async fn start(tls: bool) -> Moto {
    // A port found free may be taken before moto binds it: then it exits, and another is tried.
    for _ in 0..3 {
        let port = free_port();
        let mut command = Command::new("moto_server");
        command.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
        if tls {
            command.arg("--ssl");
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run moto_server ({e}): the S3 storage tests need a real \
                     S3-compatible server. Install it with scripts/setup-test.sh, or \
                     `pip install 'moto[s3]' flask flask-cors`, so that moto_server is on PATH"
                )
            });
        let scheme = if tls { "https" } else { "http" };
        let moto = Moto {
            child: Mutex::new(child),
            endpoint: format!("{scheme}://127.0.0.1:{port}"),
            tls,
        };
        // moto imports slowly (seconds; more on a busy machine): wait until it answers.
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if let Some(status) = moto.child.lock().unwrap().try_wait().unwrap() {
                eprintln!("moto_server exited while starting ({status}); trying another port");
                break;
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not answer on port {port} within 90 s"
            );
            if let Ok(answer) = http().get(&moto.endpoint).send().await {
                if answer.status().is_success() {
                    return moto;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    panic!("moto_server would not start (see above)");
}

/// An HTTP client for talking to moto directly (it trusts moto's self-signed certificate).
fn http() -> reqwest::Client {
    // The client speaks TLS through rustls with the ring provider, as PartWatch's S3 client.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("an HTTP client")
}

impl Moto {
    /// An S3 client builder for `bucket` on this server, as PartWatch would read it from
    /// `AWS_ENDPOINT_URL`, `AWS_REGION`, the keys and `AWS_ALLOW_HTTP` (and, over HTTPS, trusting
    /// moto's self-signed certificate).
    pub fn builder(&self, bucket: &str) -> AmazonS3Builder {
        let builder = AmazonS3Builder::new()
            .with_endpoint(&self.endpoint)
            .with_region(REGION)
            .with_access_key_id(ACCESS_KEY)
            .with_secret_access_key(SECRET_KEY)
            .with_bucket_name(bucket)
            .with_allow_http(!self.tls)
            .with_retry(object_store::RetryConfig {
                max_retries: 0,
                ..Default::default()
            });
        if self.tls {
            builder.with_config(
                object_store::aws::AmazonS3ConfigKey::Client(
                    ClientConfigKey::AllowInvalidCertificates,
                ),
                "true",
            )
        } else {
            builder
        }
    }

    /// A client of the test's own (not PartWatch's) for `bucket`.
    fn client(&self, bucket: &str) -> AmazonS3 {
        self.builder(bucket).build().expect("an S3 client")
    }

    /// A new, empty bucket of a test's own.
    pub async fn bucket(self: &Arc<Self>) -> TestBucket {
        let name = format!("pw-{}", &partwatch::server::random::random_key()[..20]);
        // moto creates a bucket on a PUT of its name (S3's CreateBucket).
        let answer = http()
            .put(format!("{}/{name}", self.endpoint))
            .send()
            .await
            .expect("moto answers");
        assert!(
            answer.status().is_success(),
            "creating bucket {name}: {answer:?}"
        );
        TestBucket {
            client: self.client(&name),
            name,
            moto: self.clone(),
        }
    }
}

/// A test's bucket on a moto_server, and a client of the test's own to look into it.
pub struct TestBucket {
    pub name: String,
    client: AmazonS3,
    moto: Arc<Moto>,
}

impl TestBucket {
    /// PartWatch's storage in this bucket, under `prefix`.
    pub fn storage(&self, prefix: Option<&str>) -> Storage {
        Storage::s3(&self.name, prefix, self.moto.builder(&self.name)).expect("the storage opens")
    }

    /// The server this bucket is on.
    pub fn moto(&self) -> &Arc<Moto> {
        &self.moto
    }

    /// Every object's name, sorted.
    pub async fn names(&self) -> Vec<String> {
        use futures_util::TryStreamExt;
        let mut names: Vec<String> = self
            .client
            .list(None)
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await
            .expect("the bucket lists");
        names.sort();
        names
    }

    /// An object's bytes, `None` if there is no such object.
    pub async fn get(&self, name: &str) -> Option<Vec<u8>> {
        match self.client.get(&ObjectPath::from(name)).await {
            Ok(got) => Some(got.bytes().await.expect("the object reads").to_vec()),
            Err(object_store::Error::NotFound { .. }) => None,
            Err(e) => panic!("reading {name}: {e}"),
        }
    }

    /// Writes an object directly (not through PartWatch).
    pub async fn put(&self, name: &str, bytes: &[u8]) {
        self.client
            .put(&ObjectPath::from(name), PutPayload::from(bytes.to_vec()))
            .await
            .expect("the object is written");
    }

    /// Deletes an object directly (not through PartWatch).
    pub async fn delete(&self, name: &str) {
        self.client
            .delete(&ObjectPath::from(name))
            .await
            .expect("the object is deleted");
    }
}

/// PartWatch's storage in a bucket on a server that is down (nothing listens on its port).
pub fn storage_of_a_server_that_is_down() -> Storage {
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    Storage::s3(
        "partwatch-down",
        None,
        AmazonS3Builder::new()
            .with_endpoint(endpoint)
            .with_region(REGION)
            .with_access_key_id(ACCESS_KEY)
            .with_secret_access_key(SECRET_KEY)
            .with_allow_http(true),
    )
    .expect("the storage opens (it is only used later)")
}
