//! Accounts through the real router: real cookies, real SQLite, every layer.

use crate::common;
use partwatch::server::db::DbPool;

use axum::{body::Body, http::StatusCode, routing::get};
use common::{login_args, register_args, state_for, test_config, FnCall, TestApp};
use leptos::server_fn::ServerFn as _;
use partwatch::{
    auth::api::{ChangePassword, Logout, Register, UpdateEmail},
    parts::api::{NewestParts, SupplierStats},
    server::router,
};

use common::PW;

fn update_email(email: &str, current_password: &str) -> UpdateEmail {
    UpdateEmail {
        email: email.into(),
        current_password: current_password.into(),
    }
}

/// A change from [`PW`] to `new`, confirmed.
fn change_password(new: &str) -> ChangePassword {
    ChangePassword {
        current_password: PW.into(),
        new_password: new.into(),
        new_password_confirm: new.into(),
    }
}

/// A supplier's registration with [`PW`].
fn supplier(username: &str, email: &str) -> Register {
    register_args(username, email, PW, "supplier")
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn register_login_profile_change_logout(pool: DbPool) {
    let app = TestApp::new(pool);
    let cookie = app
        .register("anna", "anna@example.com", PW, "customer")
        .await;
    let me = app.whoami(Some(&cookie)).await;
    assert_eq!(me["username"], "anna");
    assert_eq!(me["role"], "customer");

    // Logout deletes the session on the server: the old cookie no longer logs anybody in.
    let out = app.call_fn(Logout {}, Some(&cookie)).await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    assert!(app.whoami(Some(&cookie)).await.is_null());
    assert_eq!(app.count("tower_sessions").await, 0);

    // Log in (email in another case) and get a session.
    let login = app.login("ANNA@example.com", PW).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    let cookie = login.session_cookie().expect("login sets a cookie");
    assert_eq!(app.whoami(Some(&cookie)).await["email"], "anna@example.com");

    // Change the email (needs the current password).
    let wrong = app
        .call_fn(update_email("anna@new.example", "nope-nope"), Some(&cookie))
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("current_password"), "{}", wrong.body);
    let changed = app
        .call_fn(update_email("Anna@New.example", PW), Some(&cookie))
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(app.whoami(Some(&cookie)).await["email"], "anna@new.example");

    // Change the password; this session stays logged in under a new id.
    let reply = app
        .call_fn(change_password("another-password"), Some(&cookie))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let cookie = reply.session_cookie().expect("a renewed session id");
    assert_eq!(app.whoami(Some(&cookie)).await["username"], "anna");
    assert_eq!(
        app.login("anna@new.example", PW).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("anna@new.example", "another-password")
            .await
            .status,
        StatusCode::OK
    );

    let out = app.call_fn(Logout {}, Some(&cookie)).await;
    assert_eq!(out.status, StatusCode::OK);
    assert!(app.whoami(Some(&cookie)).await.is_null());
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn wrong_password_and_unknown_email_get_the_same_answer(pool: DbPool) {
    let app = TestApp::new(pool);
    app.register("anna", "anna@example.com", PW, "customer")
        .await;
    let wrong = app.login("anna@example.com", "wrong-password").await;
    let unknown = app.login("nobody@example.com", "wrong-password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body, unknown.body);
    assert!(wrong.body.contains("InvalidCredentials"));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn duplicate_email_or_username_is_refused_with_a_field_message(pool: DbPool) {
    let app = TestApp::new(pool);
    app.register("anna", "anna@example.com", PW, "customer")
        .await;
    let same_email = app.call_fn(supplier("bob", "ANNA@Example.com"), None).await;
    assert_eq!(same_email.status, StatusCode::CONFLICT);
    let err = same_email.json();
    assert_eq!(err["Conflict"]["field"], "email");
    assert!(err["Conflict"]["message"]
        .as_str()
        .unwrap()
        .contains("already exists"));

    let same_name = app
        .call_fn(supplier("Anna", "other@example.com"), None)
        .await;
    assert_eq!(same_name.status, StatusCode::CONFLICT);
    assert_eq!(same_name.json()["Conflict"]["field"], "username");
    assert_eq!(app.count("users").await, 1);
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn look_alike_usernames_are_refused(pool: DbPool) {
    let app = TestApp::new(pool.clone());
    app.register("NordBrake", "shop@nordbrake.example", PW, "supplier")
        .await;
    // A Cyrillic "а" among Latin letters.
    let mixed = app
        .call_fn(supplier("NordBr\u{430}ke", "a@example.com"), None)
        .await;
    assert_eq!(
        mixed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        mixed.body
    );
    assert!(mixed.body.contains("one alphabet"), "{}", mixed.body);
    // Zero for O, and "rn" for "m": same skeleton as a name that exists.
    for (name, email) in [
        ("N0rdBrake", "b@example.com"),
        ("nordbrake", "c@example.com"),
    ] {
        let reply = app.call_fn(supplier(name, email), None).await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{name}: {}", reply.body);
        assert_eq!(reply.json()["Conflict"]["field"], "username");
    }
    app.register("Brembo", "b@brembo.example", PW, "supplier")
        .await;
    let reply = app
        .call_fn(supplier("Brernbo", "d@example.com"), None)
        .await;
    assert!(reply.json()["Conflict"]["message"]
        .as_str()
        .unwrap()
        .contains("looks like one that is taken"));
    assert_eq!(app.count("users").await, 2);

    // Names stored before the check get their skeleton at the next start.
    sqlx::query(
        "INSERT INTO users (username, email, password_hash, role) \
         VALUES ('Arne', 'old@example.com', 'h', 'supplier')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let filled = partwatch::auth::db::fill_missing_username_skeletons(&pool)
        .await
        .unwrap();
    assert_eq!(filled, 1);
    let reply = app.call_fn(supplier("Ame", "e@example.com"), None).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    let reply = app.call_fn(supplier("Arnie", "f@example.com"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

/// The `name=value` part of each Set-Cookie header of `reply`, as one Cookie header.
fn cookies_of(reply: &common::Reply) -> String {
    reply
        .headers
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ")
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn pages_show_only_errors_the_server_made_and_keep_what_was_typed(pool: DbPool) {
    use base64::Engine as _;
    let app = TestApp::new(pool);
    app.register("anna", "anna@example.com", PW, "customer")
        .await;
    // A crafted link carrying its own message, as a failed post's redirect would.
    let fake = base64::engine::general_purpose::URL_SAFE
        .encode(r#"{"Forbidden":"Your account is suspended. Call +49 30 1234567."}"#);
    let link = format!("/login?next=/cart&__path=/api/login&__err={fake}");
    let reply = app.get(&link, None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location().as_deref(), Some("/login?next=%2Fcart"));
    assert!(!reply.body.contains("suspended"));
    // The parameter's name percent-encoded is still an error to be signed.
    let encoded = format!("/login?%5F%5Fpath=/api/login&%5F%5Ferr={fake}");
    let reply = app.get(&encoded, None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    // Signed for another error, or with a made-up signature: the same.
    for sig in ["00", "zz", &"ab".repeat(64)] {
        let reply = app.get(&format!("{link}&__sig={sig}"), None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
    }

    // A real failure without JavaScript: the message, and the email as typed (never the
    // password) come back.
    let bad = app
        .post_html_fn(
            login_args("anna@example.com", "wrong-one", None),
            "http://127.0.0.1:3000/login",
            None,
        )
        .await;
    let location = bad.location().unwrap();
    assert!(location.contains("&__sig="), "{location}");
    let cookie = cookies_of(&bad);
    assert!(!cookie.contains("wrong-one"), "{cookie}");
    let page = app
        .get(
            location.trim_start_matches("http://127.0.0.1:3000"),
            Some(&cookie),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("The email or password is incorrect."));
    assert!(
        page.body.contains(r#"value="anna@example.com""#),
        "typed email kept"
    );
    assert!(!page.body.contains("wrong-one"));
    // Someone else's signature for a different message does not carry over.
    let swapped = location.replace("__err=", &format!("__err={fake}&x="));
    let reply = app
        .get(swapped.trim_start_matches("http://127.0.0.1:3000"), None)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);

    // A failed registration keeps name, email and the chosen role.
    let bad = app
        .post_html_fn(
            register_args("bernd", "bernd@example.com", "123123123", "supplier"),
            "http://127.0.0.1:3000/register",
            None,
        )
        .await;
    let location = bad.location().unwrap();
    let page = app
        .get(
            location.trim_start_matches("http://127.0.0.1:3000"),
            Some(&cookies_of(&bad)),
        )
        .await;
    assert!(page
        .body
        .contains("Attackers would guess this password quickly"));
    assert!(page.body.contains(r#"value="bernd""#));
    assert!(page.body.contains(r#"value="bernd@example.com""#));
    assert!(
        page.body.contains(r#"value="supplier" checked"#),
        "supplier stays chosen"
    );
    assert!(!page.body.contains("123123123"));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn invalid_registration_lists_every_bad_field_and_stores_nothing(pool: DbPool) {
    let app = TestApp::new(pool);
    let reply = app
        .call_fn(register_args("x", "nope", "short", "admin"), None)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = reply.json()["Validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["username", "email", "password", "role"]);
    assert_eq!(app.count("users").await, 0);

    // A missing argument is a clear 400, not a crash.
    let missing = app
        .call_form(Register::PATH, &[("username", "anna")], None)
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    assert!(missing.body.contains("could not be read"));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn session_id_is_renewed_at_login(pool: DbPool) {
    let app = TestApp::new(pool);
    let first = app
        .register("anna", "anna@example.com", PW, "customer")
        .await;
    let again = app
        .call_fn(login_args("anna@example.com", PW, None), Some(&first))
        .await;
    assert_eq!(again.status, StatusCode::OK);
    let second = again.session_cookie().expect("a new cookie");
    assert_ne!(first, second);
    // The old id is gone.
    assert!(app.whoami(Some(&first)).await.is_null());
    assert_eq!(app.whoami(Some(&second)).await["username"], "anna");
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn session_cookie_is_http_only_and_same_site_lax(pool: DbPool) {
    let app = TestApp::new(pool);
    let reply = app
        .call_fn(
            register_args("anna", "anna@example.com", PW, "customer"),
            None,
        )
        .await;
    let set_cookie = reply.set_cookie_header().unwrap();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(
        !set_cookie.contains("Secure"),
        "plain http in tests: {set_cookie}"
    );
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn password_change_ends_the_other_sessions(pool: DbPool) {
    let app = TestApp::new(pool);
    app.register("anna", "anna@example.com", PW, "customer")
        .await;
    let laptop = app
        .login("anna@example.com", PW)
        .await
        .session_cookie()
        .unwrap();
    let phone = app
        .login("anna@example.com", PW)
        .await
        .session_cookie()
        .unwrap();
    let reply = app
        .call_fn(change_password("brand-new-password"), Some(&laptop))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let laptop = reply.session_cookie().unwrap();
    assert_eq!(app.whoami(Some(&laptop)).await["username"], "anna");
    assert!(app.whoami(Some(&phone)).await.is_null());
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn customer_cannot_reach_supplier_functions(pool: DbPool) {
    let app = TestApp::new(pool);
    let customer = app
        .register("anna", "anna@example.com", PW, "customer")
        .await;
    let supplier = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;

    let refused = app.call_fn(SupplierStats {}, Some(&customer)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(refused.body.contains("Only supplier accounts"));

    let visitor = app.call_fn(SupplierStats {}, None).await;
    assert_eq!(visitor.status, StatusCode::UNAUTHORIZED);

    let allowed = app.call_fn(SupplierStats {}, Some(&supplier)).await;
    assert_eq!(allowed.status, StatusCode::OK, "{}", allowed.body);
    assert_eq!(allowed.json()["active_listings"], 0);
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn logged_out_user_cannot_reach_profile(pool: DbPool) {
    let app = TestApp::new(pool);
    let page = app.get("/profile", None).await;
    assert_eq!(page.status, StatusCode::FOUND, "{}", page.body);
    assert_eq!(page.location().as_deref(), Some("/login?next=/profile"));

    for call in [
        FnCall::of(update_email("a@b.de", PW)),
        FnCall::of(change_password("xxxxxxxxxx")),
    ] {
        let reply = app.send_call(&call, None).await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{}: {}",
            call.path,
            reply.body
        );
    }

    let cookie = app
        .register("anna", "anna@example.com", PW, "customer")
        .await;
    let page = app.get("/profile", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Your profile"));
    assert!(page.body.contains("anna@example.com"));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn plain_form_posts_redirect_with_and_without_errors(pool: DbPool) {
    let app = TestApp::new(pool);
    app.register("anna", "anna@example.com", PW, "customer")
        .await;

    // Success: straight to the page the user came from.
    let ok = app
        .post_html_fn(
            login_args("anna@example.com", PW, Some("/faq")),
            "http://127.0.0.1:3000/login?next=/faq",
            None,
        )
        .await;
    assert_eq!(ok.status, StatusCode::FOUND);
    assert_eq!(ok.location().as_deref(), Some("/faq"));
    assert!(ok.session_cookie().is_some());

    // Failure: back to the form, with the error in the URL for the page to show.
    let bad = app
        .post_html_fn(
            login_args("anna@example.com", "wrong-one", Some("/faq")),
            "http://127.0.0.1:3000/login?next=/faq",
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::FOUND);
    let location = bad.location().unwrap();
    assert!(
        location.starts_with("http://127.0.0.1:3000/login?next=/faq&__path="),
        "{location}"
    );
    let page = app
        .get(location.trim_start_matches("http://127.0.0.1:3000"), None)
        .await;
    assert!(page.body.contains("The email or password is incorrect."));

    // An off-site "next" is ignored.
    let evil = app
        .post_html_fn(
            login_args("anna@example.com", PW, Some("//evil.example/x")),
            "http://127.0.0.1:3000/login",
            None,
        )
        .await;
    assert_eq!(evil.location().as_deref(), Some("/"));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn home_page_is_server_rendered_with_hydration_scripts(pool: DbPool) {
    let app = TestApp::new(pool);
    let page = app.get("/", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("/pkg/partwatch.js"),
        "hydration script: {}",
        page.body
    );
    assert!(
        page.body.contains("/pkg/partwatch.wasm"),
        "wasm: {}",
        page.body
    );
    assert!(page.body.contains("How PartWatch works"));
    assert!(page.body.contains("Log in"));
    assert_eq!(
        page.headers.get("x-content-type-options").unwrap(),
        "nosniff"
    );
    assert_eq!(page.headers.get("x-frame-options").unwrap(), "DENY");
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn unknown_page_is_a_real_404(pool: DbPool) {
    let app = TestApp::new(pool);
    let page = app.get("/no/such/page", None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("We could not find that page"));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn static_pages_render(pool: DbPool) {
    let app = TestApp::new(pool);
    for (path, text) in [
        ("/faq", "Frequently asked questions"),
        ("/imprint", "Werkstattstraße"),
        ("/terms", "Terms of use"),
        ("/privacy", "Privacy notice"),
        ("/login", "Log in"),
        ("/register", "Create your account"),
    ] {
        let page = app.get(path, None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains(text), "{path} lacks {text}");
    }
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn a_panic_becomes_a_500_page_without_internals(pool: DbPool) {
    let state = state_for(pool.clone(), test_config());
    let routes = router::routes(&state).route(
        "/boom",
        get(|| async {
            panic!("secret internal detail: /etc/partwatch");
            #[allow(unreachable_code)]
            Body::empty()
        }),
    );
    let app = TestApp::with_router(pool, router::with_layers(routes, &state));
    let page = app.get("/boom", None).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.body.contains("Something went wrong on our side"));
    assert!(!page.body.contains("secret internal detail"));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn database_failure_shows_a_generic_message(pool: DbPool) {
    let app = TestApp::new(pool.clone());
    pool.close().await;
    let reply = app.call_fn(NewestParts { limit: 8 }, None).await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply.json(), serde_json::json!("Internal"));
    assert!(!reply.body.to_lowercase().contains("sqlx"));
    assert!(!reply.body.to_lowercase().contains("pool"));
}
