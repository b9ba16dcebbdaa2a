//! Drives the real router (every layer included) with `tower::ServiceExt::oneshot`, carrying
//! the session cookie from response to request like a browser.

#![allow(dead_code)]

pub mod process;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use partwatch::server::{cookies, router, AppState, Config};
use sqlx::SqlitePool;
use std::sync::Arc;
use tower::ServiceExt;

/// One test application on its own database.
pub struct TestApp {
    pub router: Router,
    pub pool: SqlitePool,
    pub config: Config,
}

/// What came back.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    /// The session cookie the response set, as `name=value`.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{}=", cookies::SESSION_COOKIE)))
            .map(|c| c.split(';').next().unwrap_or_default().to_string())
    }

    pub fn set_cookie_header(&self) -> Option<String> {
        self.headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    pub fn location(&self) -> Option<String> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

pub fn state_for(pool: SqlitePool, config: Config) -> AppState {
    let leptos_options = LeptosOptions::builder()
        .output_name("partwatch")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .build();
    AppState {
        leptos_options,
        pool,
        config: Arc::new(config),
        limiter: Arc::default(),
    }
}

/// Defaults, with a fresh upload folder of its own.
pub fn test_config() -> Config {
    let mut config = Config::from_lookup(|_| None).expect("defaults are valid");
    config.upload_dir = std::env::temp_dir().join(format!(
        "partwatch-test-uploads-{}",
        partwatch::server::random::random_key()
    ));
    std::fs::create_dir_all(&config.upload_dir).expect("upload dir");
    config
}

impl TestApp {
    pub fn new(pool: SqlitePool) -> Self {
        init_tracing();
        let config = test_config();
        let state = state_for(pool.clone(), config.clone());
        Self {
            router: router::app_router(state),
            pool,
            config,
        }
    }

    pub fn with_router(pool: SqlitePool, router: Router) -> Self {
        Self {
            router,
            pool,
            config: test_config(),
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Calls a server function as the hydrated app does (form-encoded POST, JSON answer).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        let mut request = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(encode(form))).unwrap())
            .await
    }

    /// Posts a server function's form as a browser without JavaScript does.
    pub async fn post_html_form(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        referer: &str,
        cookie: Option<&str>,
    ) -> Reply {
        let mut request = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, referer);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(encode(form))).unwrap())
            .await
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// Registers an account; returns its session cookie.
    pub async fn register(
        &self,
        username: &str,
        email: &str,
        password: &str,
        role: &str,
    ) -> String {
        let reply = self
            .call(
                "register",
                &[
                    ("username", username),
                    ("email", email),
                    ("password", password),
                    ("password_confirm", password),
                    ("role", role),
                ],
                None,
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "register failed: {}",
            reply.body
        );
        reply
            .session_cookie()
            .expect("register sets a session cookie")
    }

    /// Logs in; returns the reply (cookie in it on success).
    pub async fn login(&self, email: &str, password: &str) -> Reply {
        self.call("login", &[("email", email), ("password", password)], None)
            .await
    }

    /// The logged-in user as the server sees the cookie.
    pub async fn whoami(&self, cookie: Option<&str>) -> serde_json::Value {
        let reply = self.call("current_user", &[], cookie).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.json()
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}

/// Server logs in test output (shown for failing tests), filtered by RUST_LOG.
pub fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,partwatch=info")),
        )
        .with_test_writer()
        .try_init();
}

pub fn encode(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// 35 bytes: a GIF whose logical screen is 8000 × 8000 with one 1 × 1 frame (the image bomb
/// of the security review).
pub fn gif_bomb() -> Vec<u8> {
    let hex = "474946383961401f401f800000000000ffffff2c00000000010001000002024401003b";
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}
