//! The real server binary in a child process, and a minimal HTTP/1.1 client to talk to it
//! (one request per connection), for tests that kill or stop the process.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// A running PartWatch process on its own port, database and upload folder.
pub struct Server {
    pub child: Child,
    pub addr: String,
    pub dir: PathBuf,
}

/// A fresh folder for one test's database and uploads.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "pw-{name}-{}-{}",
        std::process::id(),
        partwatch::server::random::random_key()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    /// Starts the binary on `dir/db.sqlite` and `dir/uploads`, trusting 127.0.0.1 as a proxy
    /// (so tests can name many client addresses), and waits until it answers.
    pub async fn start(dir: &Path) -> Server {
        Self::start_with(dir, &[]).await
    }

    /// [`Server::start`] with more environment variables (set last, so they win).
    pub async fn start_with(dir: &Path, env: &[(&str, &str)]) -> Server {
        let addr = format!("127.0.0.1:{}", free_port());
        let database_url = partwatch::server::db::scratch_database(dir).await.unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_partwatch"))
            .env("DATABASE_URL", database_url)
            .env("UPLOAD_DIR", dir.join("uploads"))
            .env("LEPTOS_SITE_ADDR", &addr)
            .env("LEPTOS_SITE_ROOT", "target/site")
            .env("LEPTOS_SITE_PKG_DIR", "pkg")
            .env("LEPTOS_OUTPUT_NAME", "partwatch")
            .env("PARTWATCH_TRUSTED_PROXY", "127.0.0.1")
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server binary starts");
        let mut server = Server {
            child,
            addr,
            dir: dir.to_path_buf(),
        };
        // The port is bound before the database is opened and migrated (connections wait in
        // the backlog meanwhile), so an open port does not mean ready: wait for an answer. A
        // test that opened the database before would migrate it at the same time as the server,
        // and one of the two would fail ("duplicate column name").
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = server.child.try_wait().expect("wait works") {
                panic!("the server exited while starting: {status}");
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "server did not start answering");
            if let Ok(Ok(_)) =
                tokio::time::timeout(left, send(&server.addr, "GET", "/", &[], b"")).await
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    /// Kills the process outright (SIGKILL), as a crash or power cut would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM (a normal stop) and waits for the exit; returns (exit code, stdout).
    pub fn terminate(self) -> (Option<i32>, String) {
        self.signal_term();
        self.terminate_after_signal()
    }

    /// Sends SIGTERM without waiting.
    pub fn signal_term(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits (at most 30 s) for the process to exit after a signal; returns (exit code, stdout).
    pub fn terminate_after_signal(mut self) -> (Option<i32>, String) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait works") {
                break status;
            }
            assert!(Instant::now() < deadline, "server did not stop");
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stdout = String::new();
        if let Some(mut out) = self.child.stdout.take() {
            use std::io::Read;
            let _ = out.read_to_string(&mut stdout);
        }
        (status.code(), stdout)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response: status, headers (lower-case names) and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The `pw_session=…` pair the response set, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .find(|(_, v)| v.starts_with("pw_session="))
            .map(|(_, v)| v.split(';').next().unwrap_or_default().to_string())
    }
}

/// Builds the bytes of a request.
pub fn request_bytes(
    method: &str,
    addr: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Vec<u8> {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Reads a whole response from a connection the server closes after answering.
pub async fn read_answer(stream: &mut TcpStream) -> std::io::Result<Answer> {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status line in {head:?}")))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok(Answer {
        status,
        headers,
        body: body.to_string(),
    })
}

/// One request on a fresh connection.
pub async fn send(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(addr).await?;
    stream
        .write_all(&request_bytes(method, addr, path, headers, body))
        .await?;
    read_answer(&mut stream).await
}

/// Calls a server function with its typed arguments as the hydrated app does, from client
/// address `client`.
pub async fn call<T: leptos::server_fn::ServerFn + serde::Serialize>(
    addr: &str,
    args: T,
    cookie: Option<&str>,
    client: &str,
) -> std::io::Result<Answer> {
    let super::FnCall { path, body } = super::FnCall::of(args);
    let mut headers = vec![
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Accept", "application/json"),
        ("X-Forwarded-For", client),
    ];
    if let Some(cookie) = cookie {
        headers.push(("Cookie", cookie));
    }
    send(addr, "POST", path, &headers, body.as_bytes()).await
}
