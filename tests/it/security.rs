//! Security controls through the real router: cross-site refusal, methods, headers on every
//! kind of response, body limits.

use crate::common;
use partwatch::server::db::DbPool;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use common::{state_for, test_config, FnCall, TestApp, World};
use leptos::server_fn::ServerFn as _;
use partwatch::{
    auth::api::{ChangePassword, CurrentUser, Login, Logout, Register, UpdateEmail},
    cart::api::{AddToCart, CartCount, RemoveCartLine, UpdateCartLine},
    catalogue::api::SearchCatalogue,
    listings::api::{ArchiveListing, ListingForm, MyListings, RestoreListing, UpdateListingField},
    orders::api::{
        CartForCheckout, MyOrders, OrderDetail, OrdersToShip, PlaceOrder, SetOrderStatus,
    },
    parts::api::{NewestParts, PartDetail, SupplierStats},
    server::{router, security::FORM_BODY_LIMIT},
};

use common::PW;

/// Every server function's path, with arguments that would change something if it ran.
const SERVER_FNS: [(&str, &str); 25] = [
    (Register::PATH, "username=mallory&email=m%40evil.example&password=a-long-password&password_confirm=a-long-password&role=customer"),
    (Login::PATH, "email=anna%40example.com&password=a-long-password"),
    (Logout::PATH, ""),
    (CurrentUser::PATH, ""),
    (UpdateEmail::PATH, "email=evil%40evil.example&current_password=a-long-password"),
    (ChangePassword::PATH, "current_password=a-long-password&new_password=taken-over-1&new_password_confirm=taken-over-1"),
    (PlaceOrder::PATH, "shipping_name=Evil&shipping_address=Somewhere+1%0A12345+Town&checkout_key=evilkey000000000001&expected_total=6490"),
    (MyOrders::PATH, "view=purchases&page=1"),
    (OrderDetail::PATH, "id=1"),
    (SetOrderStatus::PATH, "id=1&status=cancelled"),
    (OrdersToShip::PATH, ""),
    (CartCount::PATH, ""),
    (AddToCart::PATH, "part_id=1&quantity=1"),
    (CartForCheckout::PATH, ""),
    (UpdateCartLine::PATH, "part_id=1&quantity=2"),
    (RemoveCartLine::PATH, "part_id=1"),
    (NewestParts::PATH, ""),
    (SupplierStats::PATH, ""),
    (PartDetail::PATH, "id=1"),
    (MyListings::PATH, "status=&q="),
    (UpdateListingField::PATH, "id=1&field=price&value=1"),
    (ArchiveListing::PATH, "id=1"),
    (RestoreListing::PATH, "id=1"),
    (ListingForm::PATH, ""),
    (SearchCatalogue::PATH, "query="),
];

/// A snapshot of everything a forged request could change.
async fn fingerprint(pool: &DbPool) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM users",
        "SELECT COUNT(*) FROM orders",
        "SELECT COUNT(*) FROM cart_items",
        "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM cart_items",
        "SELECT CAST(COALESCE(SUM(stock * 7 + price_cents + archived), 0) AS BIGINT) FROM parts",
        "SELECT COUNT(*) FROM tower_sessions",
        "SELECT COUNT(*) FROM users WHERE email LIKE '%evil%'",
    ] {
        out.push(sqlx::query_scalar(sql).fetch_one(pool).await.unwrap());
    }
    out
}

fn listings(status: &str) -> MyListings {
    MyListings {
        status: status.into(),
        q: String::new(),
    }
}

fn post(path: &str, body: &str, cookie: &str) -> axum::http::request::Builder {
    let _ = body;
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::HOST, "localhost")
        .header(header::COOKIE, cookie)
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn cross_site_posts_to_every_server_function_and_form_route_are_refused(pool: DbPool) {
    let world = World::shop(pool).await;
    let (app, supplier, customer) = (&world.app, &world.acme, &world.anna);
    // Anna has something in her cart for the forged checkout to take.
    world.add_to_cart(customer, world.disc, 1).await;
    let before = fingerprint(&app.pool).await;
    let mut refused = 0;
    for cookie in [&customer, &supplier] {
        for (name, body) in SERVER_FNS {
            // A modern browser says where the request comes from...
            for (fetch_site, origin) in [
                (Some("cross-site"), Some("https://evil.example")),
                (Some("same-site"), Some("https://shop.localhost")),
                // ...an older one only sends Origin.
                (None, Some("https://evil.example")),
                (None, Some("null")),
            ] {
                let mut request = post(name, body, cookie);
                if let Some(site) = fetch_site {
                    request = request.header("sec-fetch-site", site);
                }
                if let Some(origin) = origin {
                    request = request.header(header::ORIGIN, origin);
                }
                let reply = app
                    .send(request.body(Body::from(body.to_string())).unwrap())
                    .await;
                assert_eq!(
                    reply.status,
                    StatusCode::FORBIDDEN,
                    "{name} from {fetch_site:?} {origin:?}: {}",
                    reply.body
                );
                assert!(reply.body.contains("came from another site"));
                refused += 1;
            }
        }
        // The multipart listing form routes too.
        for path in ["/listings/new", "/listings/1/edit"] {
            let request = Request::post(path)
                .header(header::HOST, "localhost")
                .header(header::ORIGIN, "https://evil.example")
                .header("sec-fetch-site", "cross-site")
                .header(header::COOKIE, cookie.as_str())
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
                .body(Body::from("--x--\r\n"))
                .unwrap();
            assert_eq!(app.send(request).await.status, StatusCode::FORBIDDEN);
            refused += 1;
        }
    }
    assert_eq!(refused, 2 * (25 * 4 + 2));
    assert_eq!(fingerprint(&app.pool).await, before, "nothing changed");
    assert_eq!(app.whoami(Some(customer)).await["username"], "anna");

    // The same requests from the site itself pass: a hydrated call and a plain form post.
    let request = post(AddToCart::PATH, "", customer)
        .header("sec-fetch-site", "same-origin")
        .header(header::ORIGIN, "http://localhost")
        .body(Body::from("part_id=1&quantity=1"))
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    // An old browser without Sec-Fetch-Site, whose Origin matches the host.
    let request = post(CartCount::PATH, "", customer)
        .header(header::ORIGIN, "http://localhost")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::OK);
    // A link typed into the address bar (`none`) is the user's own doing.
    let request = post(CartCount::PATH, "", customer)
        .header("sec-fetch-site", "none")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::OK);
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn no_server_function_runs_on_get(pool: DbPool) {
    let world = World::shop(pool).await;
    let (app, customer) = (&world.app, world.anna.clone());
    let before = fingerprint(&app.pool).await;
    for (name, body) in SERVER_FNS {
        let reply = app.get(&format!("{name}?{body}"), Some(&customer)).await;
        assert_ne!(reply.status, StatusCode::OK, "{name} answered a GET");
        assert!(!reply.status.is_server_error(), "{name}: {}", reply.status);
    }
    assert_eq!(fingerprint(&app.pool).await, before);
    assert_eq!(app.whoami(Some(&customer)).await["username"], "anna");
}

fn header_of<'a>(reply: &'a common::Reply, name: &str) -> &'a str {
    reply
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header ({})", reply.status))
}

fn assert_hardened(reply: &common::Reply, what: &str) {
    assert_eq!(
        header_of(reply, "x-content-type-options"),
        "nosniff",
        "{what}"
    );
    assert_eq!(header_of(reply, "x-frame-options"), "DENY", "{what}");
    assert_eq!(
        header_of(reply, "referrer-policy"),
        "strict-origin-when-cross-origin",
        "{what}"
    );
    let csp = header_of(reply, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn every_kind_of_response_carries_the_security_headers(pool: DbPool) {
    let world = World::shop(pool).await;
    let (app, customer) = (&world.app, world.anna.clone());

    // A page: its policy allows exactly the inline scripts carrying this response's nonce.
    let page = app.get("/", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_hardened(&page, "page");
    let csp = header_of(&page, "content-security-policy");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("page policy has a nonce");
    assert!(nonce.len() >= 16);
    let scripts = page.body.matches("<script").count();
    assert!(scripts >= 1);
    assert_eq!(
        page.body.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "every inline script carries the nonce"
    );
    let again = app.get("/", None).await;
    assert_ne!(
        header_of(&again, "content-security-policy"),
        csp,
        "a fresh nonce per response"
    );

    // A server function, a refusal, the 404 page, a cross-site refusal, an upload.
    let reply = app.call_fn(CartCount {}, Some(&customer)).await;
    assert_hardened(&reply, "server function");
    let reply = app.call_fn(listings(""), Some(&customer)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_hardened(&reply, "refusal");
    let reply = app.get("/no-such-page", None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_hardened(&reply, "404");
    let request = post(Logout::PATH, "", &customer)
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_hardened(&reply, "cross-site refusal");

    std::fs::write(app.config.upload_dir.join("abc.jpg"), b"\xff\xd8\xff").unwrap();
    let reply = app.get("/uploads/abc.jpg", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_hardened(&reply, "upload");
    assert_eq!(header_of(&reply, "content-type"), "image/jpeg");
    assert!(header_of(&reply, "content-security-policy").contains("sandbox"));
    // Over plain HTTP there is no HSTS (it would lock out http://127.0.0.1).
    assert!(reply.headers.get("strict-transport-security").is_none());
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn personal_pages_and_answers_are_never_stored_by_caches(pool: DbPool) {
    let world = World::shop(pool).await;
    let (app, supplier, customer) = (&world.app, world.acme.clone(), world.anna.clone());
    let no_store = |reply: &common::Reply, what: &str| {
        assert_eq!(header_of(reply, "cache-control"), "no-store", "{what}");
    };
    for path in [
        "/cart",
        "/orders",
        "/orders/1",
        "/profile",
        "/",
        "/catalogue",
    ] {
        no_store(&app.get(path, Some(&customer)).await, path);
    }
    for path in ["/listings", "/listings/new", "/orders?view=sales"] {
        no_store(&app.get(path, Some(&supplier)).await, path);
    }
    // Server functions answering with personal data, and a redirect.
    for call in [
        FnCall::of(CurrentUser {}),
        FnCall::of(CartForCheckout {}),
        FnCall::of(CartCount {}),
        FnCall::of(MyOrders {
            view: "purchases".into(),
            page: 1,
        }),
    ] {
        no_store(&app.send_call(&call, Some(&customer)).await, call.path);
    }
    no_store(
        &app.call_fn(listings("active"), Some(&supplier)).await,
        "my_listings",
    );
    no_store(&app.get("/profile", None).await, "redirect to login");
    // Files keep their own caching.
    std::fs::write(app.config.upload_dir.join("abc.jpg"), b"\xff\xd8\xff").unwrap();
    let picture = app.get("/uploads/abc.jpg", None).await;
    assert_eq!(
        header_of(&picture, "cache-control"),
        "public, max-age=31536000, immutable"
    );
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn hsts_and_secure_cookies_when_served_over_https(pool: DbPool) {
    let mut config = test_config();
    config.secure_cookies = true;
    let app = TestApp::with_router(pool.clone(), router::app_router(state_for(pool, config)));
    for path in ["/", "/no-such-page"] {
        let reply = app.get(path, None).await;
        assert_eq!(
            header_of(&reply, "strict-transport-security"),
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
    }
    // And the session cookie is then only ever sent over HTTPS, and lives 7 idle days.
    let reply = app
        .call_fn(
            common::register_args("anna", "anna@example.com", PW, "customer"),
            None,
        )
        .await;
    let set_cookie = reply.set_cookie_header().unwrap();
    for part in [
        "Secure",
        "HttpOnly",
        "SameSite=Lax",
        "Max-Age=604800",
        "Path=/",
    ] {
        assert!(set_cookie.contains(part), "{part}: {set_cookie}");
    }
    // The __Host- prefix: browsers take it only Secure, for "/", without a Domain, so no
    // subdomain or plain-HTTP page can set or shadow the session cookie.
    assert!(set_cookie.starts_with("__Host-pw_session="), "{set_cookie}");
    assert!(
        !set_cookie.to_lowercase().contains("domain="),
        "{set_cookie}"
    );
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let me = app.whoami(Some(&cookie)).await;
    assert_eq!(me["username"], "anna", "{me}");
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn oversized_bodies_are_refused_and_change_nothing(pool: DbPool) {
    let world = World::shop(pool).await;
    let (app, customer) = (&world.app, world.anna.clone());
    let before = fingerprint(&app.pool).await;
    let huge = format!("part_id=1&quantity=1&pad={}", "x".repeat(FORM_BODY_LIMIT));
    // Announced with Content-Length...
    let reply = app
        .send(
            post(AddToCart::PATH, "", &customer)
                .header(header::CONTENT_LENGTH, huge.len())
                .body(Body::from(huge.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    // ...or streamed without one.
    let chunks = futures_chunks(huge);
    let reply = app
        .send(
            post(AddToCart::PATH, "", &customer)
                .body(Body::from_stream(chunks))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "streamed oversize");
    assert!(reply.body.contains("could not be read"), "{}", reply.body);
    let reply = app
        .send(
            post(Register::PATH, "", "")
                .body(Body::from(format!(
                    "username=big&email=big%40example.com&password={0}&password_confirm={0}&role=customer",
                    "p".repeat(3 * FORM_BODY_LIMIT)
                )))
                .unwrap(),
        )
        .await;
    assert!(
        [StatusCode::PAYLOAD_TOO_LARGE, StatusCode::BAD_REQUEST].contains(&reply.status),
        "{}",
        reply.status
    );
    assert_eq!(fingerprint(&app.pool).await, before);
}

/// The body in 8 KiB pieces, with no Content-Length.
fn futures_chunks(
    body: String,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> = body
        .into_bytes()
        .chunks(8 * 1024)
        .map(|c| Ok(c.to_vec()))
        .collect();
    futures_util::stream::iter(pieces)
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn a_login_ends_after_its_absolute_lifetime_however_active(pool: DbPool) {
    let mut config = test_config();
    config.session_lifetime = std::time::Duration::from_secs(3);
    let app = TestApp::with_router(pool.clone(), router::app_router(state_for(pool, config)));
    let cookie = app
        .register("anna", "anna@example.com", PW, "customer")
        .await;
    assert_eq!(app.whoami(Some(&cookie)).await["username"], "anna");
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    // Still in use, but too old: logged out, and the page asks to log in again.
    assert!(app.whoami(Some(&cookie)).await.is_null());
    let page = app.get("/orders", Some(&cookie)).await;
    assert!(page.status.is_redirection());
    // A fresh login works as ever.
    let login = app.login("anna@example.com", PW).await;
    let fresh = login.session_cookie().unwrap();
    assert_eq!(app.whoami(Some(&fresh)).await["username"], "anna");
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn a_request_that_takes_too_long_is_answered_with_408(pool: DbPool) {
    let mut config = test_config();
    config.request_timeout = std::time::Duration::from_millis(300);
    let state = state_for(pool.clone(), config);
    let routes = router::routes(&state).route(
        "/slow",
        axum::routing::get(|| async {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            "finally"
        }),
    );
    let app = TestApp::with_router(pool, router::with_layers(routes, &state));
    let reply = app.get("/slow", None).await;
    assert_eq!(reply.status, StatusCode::REQUEST_TIMEOUT);
    assert!(!reply.body.contains("finally"));
    assert_hardened(&reply, "timeout");
    // Ordinary requests are unaffected.
    assert_eq!(app.get("/", None).await.status, StatusCode::OK);
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn static_files_carry_the_security_headers_too(pool: DbPool) {
    let site = std::env::temp_dir().join(format!(
        "pw-site-{}",
        partwatch::server::random::random_key()
    ));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(
        site.join("favicon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    std::fs::write(site.join("pkg/partwatch.css"), "body{}").unwrap();
    let mut state = state_for(pool.clone(), test_config());
    state.leptos_options = leptos::config::LeptosOptions::builder()
        .output_name("partwatch")
        .site_root(site.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .build();
    let app = TestApp::with_router(pool, router::app_router(state));
    for path in ["/favicon.svg", "/pkg/partwatch.css"] {
        let reply = app.get(path, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_hardened(&reply, path);
    }
    std::fs::remove_dir_all(site).ok();
}
