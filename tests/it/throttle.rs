//! Attempt limits through the real router: per client address and per account, 429 with
//! Retry-After, and no way around them by naming another address.

use crate::common;
use partwatch::server::db::DbPool;

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{header, Request, StatusCode},
};
use common::{checkout, login_args, register_args, FnCall, Reply, TestApp};
use leptos::server_fn::ServerFn;
use partwatch::{
    auth::api::{ChangePassword, UpdateEmail},
    server::throttle::Action,
};
use serde::Serialize;
use std::net::SocketAddr;

use common::PW;

/// Calls a server function from the client at `address` (as the real server's socket would
/// tell), optionally claiming another address in X-Forwarded-For.
async fn call_from<T: ServerFn + Serialize>(
    app: &TestApp,
    address: &str,
    args: T,
    cookie: Option<&str>,
    forwarded_for: Option<&str>,
) -> Reply {
    let call = FnCall::of(args);
    let mut request = Request::post(call.path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    if let Some(claimed) = forwarded_for {
        request = request.header("x-forwarded-for", claimed);
    }
    let mut request = request.body(Body::from(call.body)).unwrap();
    let peer: SocketAddr = format!("{address}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    app.send(request).await
}

/// How many attempts `action` allows in its window.
fn allowance(action: Action) -> u32 {
    action.rule().0
}

fn assert_limited(reply: &Reply) {
    assert_eq!(
        reply.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        reply.body
    );
    let wait: u64 = reply
        .headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!(wait >= 1);
    // The page turns this into "Too many attempts. Please wait 10 minutes and try again."
    assert_eq!(reply.body, format!("{{\"RateLimited\":{wait}}}"));
}

/// The device cookie a successful login set (`pw_device=…`).
fn device_cookie(reply: &Reply) -> String {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("pw_device="))
        .and_then(|v| v.split(';').next())
        .expect("a device cookie")
        .to_owned()
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn strangers_guessing_cannot_lock_the_owner_out(pool: DbPool) {
    let app = TestApp::new(pool);
    app.register("anna", "anna@example.com", PW, "customer")
        .await;
    let login = |address: &'static str, password: &'static str, cookie: Option<String>| {
        let app = &app;
        async move {
            call_from(
                app,
                address,
                login_args("anna@example.com", password, None),
                cookie.as_deref(),
                None,
            )
            .await
        }
    };
    // Anna has logged in from her laptop before: it holds a device cookie.
    let first = login("192.0.2.10", PW, None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let laptop = device_cookie(&first);
    let account = allowance(Action::LoginByAccount);
    // Logging in right again and again uses up nothing, from a new browser too.
    for _ in 0..account + 2 {
        let reply = login("192.0.2.11", PW, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    // A stranger guesses from many addresses until the account's allowance is gone.
    for n in 0..account + 5 {
        let address: &'static str = Box::leak(format!("198.51.100.{n}").into_boxed_str());
        let reply = login(address, "wrong-guess", None).await;
        if n < account {
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "guess {n}");
        } else {
            assert_limited(&reply);
        }
    }
    // The stranger stays throttled even with the right password...
    assert_limited(&login("198.51.100.50", PW, None).await);
    // ...but Anna's laptop logs her in, from the stranger's kind of address or any other.
    let reply = login("203.0.113.7", PW, Some(laptop.clone())).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.session_cookie().is_some());
    // A device cookie of another account, or a made-up one, is no way around the limit.
    let bob = app.register("bob", "bob@example.com", PW, "customer").await;
    drop(bob);
    let bobs = call_from(
        &app,
        "192.0.2.20",
        login_args("bob@example.com", PW, None),
        None,
        None,
    )
    .await;
    assert_limited(&login("192.0.2.20", PW, Some(device_cookie(&bobs))).await);
    assert_limited(
        &login(
            "192.0.2.21",
            PW,
            Some(format!("pw_device={}", "a".repeat(32))),
        )
        .await,
    );
    // Guessing from the laptop (stolen, say) is limited on its own.
    let device = allowance(Action::LoginByDevice);
    for n in 0..device + 2 {
        let reply = login("203.0.113.7", "wrong-guess", Some(laptop.clone())).await;
        if n < device {
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "laptop guess {n}");
        } else {
            assert_limited(&reply);
        }
    }
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn logins_are_limited_per_account_from_any_address(pool: DbPool) {
    let app = TestApp::new(pool);
    app.register("anna", "anna@example.com", PW, "customer")
        .await;
    let sessions = app.count("tower_sessions").await;
    let mut refused = 0;
    let account = allowance(Action::LoginByAccount);
    for n in 0..account + 2 {
        let reply = call_from(
            &app,
            &format!("198.51.100.{n}"),
            login_args("Anna@example.com", "wrong-guess", None),
            None,
            None,
        )
        .await;
        if n < account {
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {n}");
        } else {
            assert_limited(&reply);
            refused += 1;
        }
    }
    assert_eq!(refused, 2);
    // From a browser that never logged in to it, even the right password waits now: guessing
    // cannot go on (the owner's own browsers still can: see the test above).
    let reply = call_from(
        &app,
        "198.51.100.99",
        login_args("anna@example.com", PW, None),
        None,
        None,
    )
    .await;
    assert_limited(&reply);
    assert_eq!(
        app.count("tower_sessions").await,
        sessions,
        "no session made"
    );
    // Other accounts are not affected.
    let reply = call_from(
        &app,
        "198.51.100.1",
        login_args("bob@example.com", "wrong-guess", None),
        None,
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn logins_are_limited_per_address_and_forwarded_for_is_not_trusted(pool: DbPool) {
    let app = TestApp::new(pool);
    let address = allowance(Action::LoginByAddress);
    for n in 0..address + 2 {
        // A client naming a new address each time is still the same socket peer.
        let claimed = format!("203.0.113.{n}");
        let email = format!("user{n}@example.com");
        let reply = call_from(
            &app,
            "192.0.2.7",
            login_args(&email, "wrong-guess", None),
            None,
            Some(&claimed),
        )
        .await;
        if n < address {
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {n}");
        } else {
            assert_limited(&reply);
        }
    }
    // Another address still gets its answers.
    let reply = call_from(
        &app,
        "192.0.2.8",
        login_args("user1@example.com", "wrong-guess", None),
        None,
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn registrations_are_limited_per_address(pool: DbPool) {
    let app = TestApp::new(pool);
    let allowed = allowance(Action::RegisterByAddress);
    for n in 0..=allowed {
        let name = format!("user{n}");
        let email = format!("user{n}@example.com");
        let reply = call_from(
            &app,
            "192.0.2.9",
            register_args(&name, &email, PW, "customer"),
            None,
            None,
        )
        .await;
        if n < allowed {
            assert_eq!(reply.status, StatusCode::OK, "{n}: {}", reply.body);
        } else {
            assert_limited(&reply);
        }
    }
    assert_eq!(app.count("users").await, i64::from(allowed));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn password_checks_are_limited_per_account(pool: DbPool) {
    let app = TestApp::new(pool);
    let cookie = app
        .register("anna", "anna@example.com", PW, "customer")
        .await;
    let allowed = allowance(Action::PasswordByAccount);
    for n in 0..=allowed {
        let address = format!("198.51.100.{n}");
        let change = ChangePassword {
            current_password: "a-wrong-guess".into(),
            new_password: "brand-new-secret".into(),
            new_password_confirm: "brand-new-secret".into(),
        };
        let reply = call_from(&app, &address, change, Some(&cookie), None).await;
        if n < allowed {
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{n}");
        } else {
            assert_limited(&reply);
        }
    }
    // The email change checks the same password, so it counts against the same allowance.
    let reply = call_from(
        &app,
        "198.51.100.50",
        UpdateEmail {
            email: "new@example.com".into(),
            current_password: PW.into(),
        },
        Some(&cookie),
        None,
    )
    .await;
    assert_limited(&reply);
    assert_eq!(app.whoami(Some(&cookie)).await["email"], "anna@example.com");
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn checkouts_and_uploads_are_limited_per_user(pool: DbPool) {
    let app = TestApp::new(pool);
    let customer = app
        .register("anna", "anna@example.com", PW, "customer")
        .await;
    let checkouts = allowance(Action::CheckoutByUser);
    for n in 0..=checkouts {
        let reply = call_from(
            &app,
            "198.51.100.1",
            checkout(&format!("key{n:020}"), 0),
            Some(&customer),
            None,
        )
        .await;
        if n < checkouts {
            // An empty cart: refused for that reason, but counted.
            assert_eq!(reply.status, StatusCode::CONFLICT, "{n}: {}", reply.body);
        } else {
            assert_limited(&reply);
        }
    }

    let supplier = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let uploads = allowance(Action::UploadByUser);
    for n in 0..=uploads {
        let request = Request::post("/listings/new")
            .header(header::COOKIE, &supplier)
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
            .body(Body::from(
                "--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n\r\n--x--\r\n",
            ))
            .unwrap();
        let reply = app.send(request).await;
        if n < uploads {
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{n}");
        } else {
            assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
            assert!(reply.headers.contains_key(header::RETRY_AFTER));
            assert!(reply.body.contains("Too many attempts"));
        }
    }
    assert_eq!(app.count("parts").await, 0);
}
