//! Drives the real router (every layer included) with `tower::ServiceExt::oneshot`, carrying
//! the session cookie from response to request like a browser.

#![allow(dead_code)]

#[cfg(feature = "postgres")]
pub mod balancer;
pub mod moto;
pub mod process;
mod world;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use leptos::server_fn::ServerFn;
use partwatch::auth::api::{CurrentUser, Login, Register};
use partwatch::media::storage::Storage;
use partwatch::parts::{
    db::{insert_part, NewPart, PartFields},
    Cents, DeliveryEstimate,
};
use partwatch::server::db::DbPool;
use partwatch::server::{cookies, router, AppState, Config};
use serde::Serialize;
use std::{collections::BTreeMap, sync::Arc};
use tower::ServiceExt;

pub use world::{checkout, World};

/// The password of every account the tests make.
pub const PW: &str = "a-long-password";

/// `Accept` of the hydrated app's server-function calls.
pub const JSON: &str = "application/json";
/// `Accept` of a browser posting a plain HTML form.
pub const HTML: &str = "text/html,application/xhtml+xml";

/// A server-function call ready to send: where it goes and its form body, encoded from the
/// function's argument struct as leptos encodes it (`serde_qs`, the default `PostUrl` codec).
#[derive(Debug, Clone)]
pub struct FnCall {
    pub path: &'static str,
    pub body: String,
}

impl FnCall {
    pub fn of<T: ServerFn + Serialize>(args: T) -> Self {
        Self {
            path: T::PATH,
            body: serde_qs::to_string(&args).expect("server-function arguments encode"),
        }
    }
}

/// The arguments of a registration with the password confirmed.
pub fn register_args(username: &str, email: &str, password: &str, role: &str) -> Register {
    Register {
        username: username.into(),
        email: email.into(),
        password: password.into(),
        password_confirm: password.into(),
        role: role.into(),
        next: None,
    }
}

/// The arguments of a login.
pub fn login_args(email: &str, password: &str, next: Option<&str>) -> Login {
    Login {
        email: email.into(),
        password: password.into(),
        next: next.map(str::to_string),
    }
}

/// What a test part is, for [`TestApp::insert_part`]; the defaults are a plain Brembo part.
#[derive(Debug, Clone, Copy)]
pub struct TestPart<'a> {
    pub name: &'a str,
    pub model: &'a str,
    pub description: &'a str,
    pub price_cents: i64,
    pub stock: i64,
}

impl Default for TestPart<'_> {
    fn default() -> Self {
        Self {
            name: "Brake disc",
            model: "BP-123",
            description: "A dependable part.",
            price_cents: 6490,
            stock: 5,
        }
    }
}

/// One test application on its own database.
pub struct TestApp {
    pub router: Router,
    pub pool: DbPool,
    pub config: Config,
    /// Shared by every instance on the same upload folder.
    pub uploads: Arc<UploadDirGuard>,
}

/// Removes a test's upload folder when the last application using it goes: tests leave no
/// trace in the temporary directory.
#[derive(Debug)]
pub struct UploadDirGuard(std::path::PathBuf);

impl Drop for UploadDirGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What came back.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as sent (`body` is it as text, for pages).
    pub bytes: Vec<u8>,
}

impl Reply {
    /// The cookie `name` the response set, as `name=value`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(|c| c.split(';').next().unwrap_or_default().to_string())
    }

    /// The session cookie the response set, as `name=value`.
    pub fn session_cookie(&self) -> Option<String> {
        self.cookie(cookies::SESSION_COOKIE)
    }

    /// The vehicle cookie the response set, as `pw_vehicle=value`.
    pub fn vehicle_cookie(&self) -> Option<String> {
        self.cookie(partwatch::vehicles::VEHICLE_COOKIE)
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

pub fn state_for(pool: DbPool, config: Config) -> AppState {
    let storage = Storage::from_config(&config).expect("the storage opens");
    state_with_storage(pool, config, storage)
}

/// [`state_for`] with pictures kept in `storage` (a bucket) instead of `config`'s folder.
pub fn state_with_storage(pool: DbPool, config: Config, storage: Storage) -> AppState {
    let leptos_options = LeptosOptions::builder()
        .output_name("partwatch")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .build();
    AppState {
        leptos_options,
        limiter: Arc::new(partwatch::server::throttle::Limiter::for_database(&pool)),
        read_pool: pool.clone(),
        pool,
        config: Arc::new(config),
        storage,
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
    pub fn new(pool: DbPool) -> Self {
        init_tracing();
        let config = test_config();
        let state = state_for(pool.clone(), config.clone());
        Self {
            router: router::app_router(state),
            pool,
            uploads: Arc::new(UploadDirGuard(config.upload_dir.clone())),
            config,
        }
    }

    /// An application on `pool` that keeps pictures in `storage` (a bucket); its `config`'s
    /// upload folder stays empty.
    pub fn with_storage(pool: DbPool, storage: Storage) -> Self {
        init_tracing();
        let config = test_config();
        let state = state_with_storage(pool.clone(), config.clone(), storage);
        Self {
            router: router::app_router(state),
            pool,
            uploads: Arc::new(UploadDirGuard(config.upload_dir.clone())),
            config,
        }
    }

    pub fn with_router(pool: DbPool, router: Router) -> Self {
        let config = test_config();
        Self {
            router,
            pool,
            uploads: Arc::new(UploadDirGuard(config.upload_dir.clone())),
            config,
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
            bytes: bytes.to_vec(),
        }
    }

    /// Calls a server function as the hydrated app does (form-encoded POST, JSON answer), with
    /// its typed arguments: `app.call_fn(ArchiveListing { id }, Some(&cookie))`.
    pub async fn call_fn<T: ServerFn + Serialize>(&self, args: T, cookie: Option<&str>) -> Reply {
        self.send_call(&FnCall::of(args), cookie).await
    }

    /// Sends a prepared server-function call as the hydrated app does.
    pub async fn send_call(&self, call: &FnCall, cookie: Option<&str>) -> Reply {
        self.post_form(call.path, call.body.clone(), JSON, None, cookie)
            .await
    }

    /// Posts a server function's form as a browser without JavaScript does.
    pub async fn post_html_fn<T: ServerFn + Serialize>(
        &self,
        args: T,
        referer: &str,
        cookie: Option<&str>,
    ) -> Reply {
        let call = FnCall::of(args);
        self.post_form(call.path, call.body, HTML, Some(referer), cookie)
            .await
    }

    /// Calls the server function at `path` with raw form pairs, for arguments its typed struct
    /// cannot hold (missing, wrongly typed): `app.call_form(Register::PATH, &pairs, None)`.
    pub async fn call_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Reply {
        self.post_form(path, encode(form), JSON, None, cookie).await
    }

    /// One form-encoded POST: `accept` says whether the hydrated app ([`JSON`]) or a plain
    /// HTML form ([`HTML`], with its `referer`) sends it.
    pub async fn post_form(
        &self,
        path: &str,
        body: String,
        accept: &str,
        referer: Option<&str>,
        cookie: Option<&str>,
    ) -> Reply {
        let mut request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, accept);
        if let Some(referer) = referer {
            request = request.header(header::REFERER, referer);
        }
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
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
            .call_fn(register_args(username, email, password, role), None)
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
        self.call_fn(login_args(email, password, None), None).await
    }

    /// The logged-in user as the server sees the cookie.
    pub async fn whoami(&self, cookie: Option<&str>) -> serde_json::Value {
        let reply = self.call_fn(CurrentUser {}, cookie).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.json()
    }

    /// The id of the account named `username`.
    pub async fn user_id(&self, username: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// Lists a part for `supplier` (a username) through the parts feature's own insert.
    pub async fn insert_part(&self, supplier: &str, part: TestPart<'_>) -> i64 {
        insert_part(
            &self.pool,
            &NewPart {
                supplier_id: self.user_id(supplier).await,
                fields: PartFields {
                    name: part.name,
                    manufacturer: "Brembo",
                    model: part.model,
                    description: part.description,
                    price: Cents(part.price_cents),
                    stock: part.stock,
                    delivery: DeliveryEstimate::Days1To2,
                },
                image_key: None,
            },
        )
        .await
        .unwrap()
    }

    /// A Brembo part named `name` of `supplier`, 1-2 days' delivery.
    pub async fn part(&self, supplier: &str, name: &str, price_cents: i64, stock: i64) -> i64 {
        self.insert_part(
            supplier,
            TestPart {
                name,
                price_cents,
                stock,
                ..TestPart::default()
            },
        )
        .await
    }

    /// A column of one part (`stock`, `name`, `image_key`, …).
    pub async fn part_column<T>(&self, part: i64, column: &str) -> T
    where
        T: for<'r> sqlx::Decode<'r, partwatch::server::db::Db>
            + sqlx::Type<partwatch::server::db::Db>
            + Send
            + Unpin,
    {
        sqlx::query_scalar(&format!("SELECT {column} FROM parts WHERE id = $1"))
            .bind(part)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// An order's status as stored.
    pub async fn order_status(&self, order: i64) -> String {
        sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
            .bind(order)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// Loads a small vehicle table: `rows` are CSV lines after the header
    /// `year,make,model,liters,cylinders,engine_code`, gzipped as the committed file is.
    pub async fn load_vehicles(&self, rows: &str) {
        use std::io::Write;
        let text = format!("year,make,model,liters,cylinders,engine_code\n{rows}");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        partwatch::vehicles::db::load_data(&self.pool, &gz.finish().unwrap())
            .await
            .unwrap();
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}

/// Everything a call could change: the six tables, each as a string of all its rows
/// (sessions excluded: reading them is not changing data).
pub type Snapshot = BTreeMap<&'static str, String>;

/// One query that renders every row of the tables of [`TABLES`] as text (text columns as hex, so
/// no separator inside a value can blur two rows), in the SQL of this build's engine.
fn fingerprint_sql() -> String {
    let (concat, hex) = if cfg!(feature = "postgres") {
        (
            "string_agg(r, '|')",
            "encode(convert_to({}, 'UTF8'), 'hex')",
        )
    } else {
        ("group_concat(r, '|')", "hex({})")
    };
    let hex = |column: &str| hex.replace("{}", column);
    let text = |column: &str| format!("COALESCE(CAST({column} AS TEXT), '')");
    let tables: [(&str, Vec<String>, &str); 6] = [
        (
            "users",
            vec![
                text("id"),
                hex("username"),
                hex("email"),
                hex("password_hash"),
                text("role"),
            ],
            "id",
        ),
        (
            "parts",
            vec![
                text("id"),
                text("supplier_id"),
                hex("name"),
                hex("manufacturer"),
                hex("model"),
                hex("description"),
                text("price_cents"),
                text("stock"),
                text("delivery_estimate"),
                hex("COALESCE(image_key, '')"),
                text("archived"),
            ],
            "id",
        ),
        (
            "orders",
            ["id", "customer_id", "supplier_id", "status", "total_cents"]
                .map(text)
                .into_iter()
                .chain([hex("shipping_name"), hex("shipping_address")])
                .chain(
                    [
                        "payment_reference",
                        "paid_at",
                        "shipped_at",
                        "completed_at",
                        "cancelled_at",
                        "checkout_id",
                    ]
                    .map(text),
                )
                .collect(),
            "id",
        ),
        (
            "purchases",
            ["id", "order_id", "part_id"]
                .map(text)
                .into_iter()
                .chain([hex("part_name")])
                .chain(["quantity", "unit_price_cents", "line_total_cents"].map(text))
                .collect(),
            "id",
        ),
        (
            "cart_items",
            ["user_id", "part_id", "quantity"].map(text).into(),
            "user_id, part_id",
        ),
        (
            "checkouts",
            vec![text("id"), text("customer_id"), hex("idempotency_key")],
            "id",
        ),
    ];
    let columns: Vec<String> = tables
        .iter()
        .map(|(table, columns, order)| {
            format!(
                "(SELECT CAST(COUNT(*) AS TEXT) || ':' || COALESCE({concat}, '') FROM \
                 (SELECT {} AS r FROM {table} ORDER BY {order}) AS t)",
                columns.join(" || ',' || ")
            )
        })
        .collect();
    format!("SELECT {}", columns.join(", "))
}

pub const TABLES: [&str; 6] = [
    "users",
    "parts",
    "orders",
    "purchases",
    "cart_items",
    "checkouts",
];

pub async fn snapshot(pool: &DbPool) -> Snapshot {
    let row: (String, String, String, String, String, String) = sqlx::query_as(&fingerprint_sql())
        .fetch_one(pool)
        .await
        .expect("fingerprint (are all tables still there?)");
    TABLES
        .into_iter()
        .zip([row.0, row.1, row.2, row.3, row.4, row.5])
        .collect()
}

pub fn changed_tables(before: &Snapshot, after: &Snapshot) -> Vec<&'static str> {
    TABLES
        .into_iter()
        .filter(|t| before.get(t) != after.get(t))
        .collect()
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

/// Percent-encodes every byte but the unreserved ones.
pub fn urlencode(s: &str) -> String {
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

/// The form bodies `FnCall` makes are the ones leptos sends: `None` leaves the field out, a
/// number is its digits, text is percent-encoded.
#[test]
fn server_function_arguments_are_encoded_as_leptos_encodes_them() {
    assert_eq!(
        FnCall::of(login_args("a@b.de", "pw d", None)).body,
        "email=a%40b.de&password=pw+d"
    );
    assert_eq!(
        FnCall::of(login_args("a@b.de", "pw", Some("/x?y=1"))).body,
        "email=a%40b.de&password=pw&next=%2Fx%3Fy%3D1"
    );
    let order = FnCall::of(checkout("k", -5));
    assert_eq!(order.path, "/api/place_order");
    assert!(
        order.body.ends_with("&checkout_key=k&expected_total=-5"),
        "{}",
        order.body
    );
    assert!(
        order.body.contains("Hauptstr.+1%0A10115+Berlin"),
        "{}",
        order.body
    );
    assert_eq!(FnCall::of(CurrentUser {}).body, "");
}
