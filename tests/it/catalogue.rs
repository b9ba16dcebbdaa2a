//! Catalogue, part pages and adding to the cart, through the real router.

use crate::common;
use partwatch::server::db::DbPool;

use axum::http::StatusCode;
use common::{TestApp, TestPart};
use leptos::server_fn::ServerFn as _;
use partwatch::{
    cart::api::{AddToCart, CartCount},
    catalogue::api::SearchCatalogue,
};

use common::PW;

/// A supplier with three parts: a disc (4 in stock), an archived disc, an out-of-stock filter.
/// Returns (supplier cookie, disc id, archived id, filter id).
async fn shop(app: &TestApp) -> (String, i64, i64, i64) {
    let cookie = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let mut ids = Vec::new();
    for (name, model, stock) in [
        ("Brake disc, front", "BP-123", 4),
        ("Brake disc, old", "BP-999", 9),
        ("Oil filter", "W 712/95", 0),
    ] {
        let part = TestPart {
            name,
            model,
            description: "A dependable part.\n\nSecond paragraph <b>not bold</b>.",
            price_cents: 6490,
            stock,
        };
        ids.push(app.insert_part("acme", part).await);
    }
    sqlx::query("UPDATE parts SET archived = 1 WHERE id = $1")
        .bind(ids[1])
        .execute(&app.pool)
        .await
        .unwrap();
    (cookie, ids[0], ids[1], ids[2])
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn catalogue_is_server_rendered_from_the_url(pool: DbPool) {
    let app = TestApp::new(pool);
    shop(&app).await;
    let page = app.get("/catalogue?q=bp123", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Brake disc, front"), "{}", page.body);
    assert!(
        !page.body.contains("Brake disc, old"),
        "archived parts never appear"
    );
    assert!(page.body.contains("1 part"));

    let none = app.get("/catalogue?q=nothing-like-this", None).await;
    assert!(none.body.contains("No parts match"));
    assert!(none.body.contains("Show all parts"));

    // Filters in the URL are applied and shown as chosen.
    let filtered = app.get("/catalogue?m=Brembo&stock=1", None).await;
    assert!(filtered.body.contains("Brake disc, front"));
    assert!(!filtered.body.contains("Oil filter"));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn part_page_shows_the_part_and_escapes_its_text(pool: DbPool) {
    let app = TestApp::new(pool);
    let (_, disc, _, _) = shop(&app).await;
    let page = app.get(&format!("/parts/{disc}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<title>Brake disc, front – Brembo BP-123 · PartWatch</title>"),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"<meta name="description""#));
    assert!(page.body.contains("€64.90"));
    assert!(
        page.body.contains("&lt;b&gt;not bold&lt;/b&gt;"),
        "user text is escaped"
    );
    // Visitors are sent to log in and back.
    assert!(page.body.contains(&format!("/login?next=/parts/{disc}")));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn unknown_or_archived_part_is_a_404(pool: DbPool) {
    let app = TestApp::new(pool);
    let (_, _, archived, _) = shop(&app).await;
    for path in [
        format!("/parts/{archived}"),
        "/parts/999999".into(),
        "/parts/abc".into(),
    ] {
        let page = app.get(&path, None).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("We could not find that page"), "{path}");
    }
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn adding_to_the_cart_respects_login_stock_and_ownership(pool: DbPool) {
    let app = TestApp::new(pool);
    let (supplier, disc, archived, filter) = shop(&app).await;
    let customer = app
        .register("anna", "anna@example.com", PW, "customer")
        .await;
    let add = |part_id: i64, quantity: i64, cookie: Option<String>| {
        let app = &app;
        async move {
            app.call_fn(AddToCart { part_id, quantity }, cookie.as_deref())
                .await
        }
    };

    assert_eq!(add(disc, 1, None).await.status, StatusCode::UNAUTHORIZED);

    let ok = add(disc, 3, Some(customer.clone())).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.json(), 3);
    assert_eq!(app.call_fn(CartCount {}, Some(&customer)).await.json(), 3);

    let too_many = add(disc, 2, Some(customer.clone())).await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        too_many
            .body
            .contains("Only 4 in stock, and 3 already in your cart."),
        "{}",
        too_many.body
    );

    let out = add(filter, 1, Some(customer.clone())).await;
    assert_eq!(out.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(out.body.contains("out of stock"));

    assert_eq!(
        add(archived, 1, Some(customer.clone())).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        add(disc, 0, Some(customer.clone())).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        add(disc, -5, Some(customer.clone())).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        add(disc, 1, Some(supplier.clone())).await.status,
        StatusCode::FORBIDDEN
    );
    let garbage = app
        .call_form(
            AddToCart::PATH,
            &[("part_id", "x"), ("quantity", "1e99")],
            Some(&customer),
        )
        .await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);

    // Nothing but the one good add reached the database.
    let lines: Vec<(i64, i64)> = sqlx::query_as("SELECT part_id, quantity FROM cart_items")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(lines, [(disc, 3)]);
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn add_to_cart_works_as_a_plain_form_post(pool: DbPool) {
    let app = TestApp::new(pool);
    let (_, disc, _, _) = shop(&app).await;
    let customer = app
        .register("anna", "anna@example.com", PW, "customer")
        .await;
    let referer = format!("http://127.0.0.1:3000/parts/{disc}");
    let ok = app
        .post_html_fn(
            AddToCart {
                part_id: disc,
                quantity: 2,
            },
            &referer,
            Some(&customer),
        )
        .await;
    assert_eq!(ok.status, StatusCode::FOUND);
    // Back to the page (Leptos may leave an empty "?" behind).
    assert_eq!(ok.location().unwrap().trim_end_matches('?'), referer);
    let page = app.get(&format!("/parts/{disc}"), Some(&customer)).await;
    assert!(
        page.body.contains(r#"class="cart-count">2<"#),
        "header shows the new count"
    );

    let refused = app
        .post_html_fn(
            AddToCart {
                part_id: disc,
                quantity: 9,
            },
            &referer,
            Some(&customer),
        )
        .await;
    let location = refused.location().unwrap();
    let page = app
        .get(
            location.trim_start_matches("http://127.0.0.1:3000"),
            Some(&customer),
        )
        .await;
    assert!(
        page.body.contains("Could not add to your cart"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("Only 4 in stock, and 2 already in your cart."));
}

fn search(query: &str) -> SearchCatalogue {
    SearchCatalogue {
        query: query.into(),
    }
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn search_function_takes_any_text(pool: DbPool) {
    let app = TestApp::new(pool);
    shop(&app).await;
    for query in [
        "q=%22%27%3B--",
        "q=NEAR(x",
        "page=-1&min=abc",
        "m=&m=&sort=zzz",
        "q=*",
    ] {
        let reply = app.call_fn(search(query), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.body);
    }
    let found = app.call_fn(search("q=BP+123"), None).await.json();
    assert_eq!(found["total"], 1);
    assert_eq!(found["parts"][0]["model"], "BP-123");
}

/// Many catalogue pages rendered at once on a multi-threaded runtime, as under load: none may
/// fail. (The load test once found the page title read after the page's reactive values were
/// disposed, a 500 about one render in a thousand.)
#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn concurrent_catalogue_renders_never_fail(pool: DbPool) {
    // A connection to PostgreSQL is a socket of the runtime that opened it, which stops while
    // this test waits for the other one: the renders use a pool opened on their own runtime.
    let options = pool.connect_options();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let failures = std::thread::spawn(move || {
        runtime.block_on(async move {
            let pool = DbPool::connect_with((*options).clone()).await.unwrap();
            let app = std::sync::Arc::new(TestApp::new(pool.clone()));
            let cookie = app
                .register("anna", "anna@example.com", PW, "customer")
                .await;
            shop(&app).await;
            let mut tasks = Vec::new();
            for n in 0..400 {
                let app = app.clone();
                let cookie = cookie.clone();
                tasks.push(tokio::spawn(async move {
                    let path = ["/catalogue?q=bp123", "/catalogue?q=brake", "/catalogue"][n % 3];
                    app.get(path, Some(&cookie)).await.status
                }));
            }
            let mut failures = 0;
            for task in tasks {
                if task.await.unwrap() != StatusCode::OK {
                    failures += 1;
                }
            }
            pool.close().await;
            failures
        })
    })
    .join()
    .unwrap();
    assert_eq!(failures, 0);
}

/// A generated catalogue of `parts` parts in a fresh folder (removed by the caller).
async fn generated(name: &str, parts: u64) -> (std::path::PathBuf, TestApp) {
    use partwatch::demo::generate::{self, GenerateOptions};
    let dir = std::env::temp_dir().join(format!("pw-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = partwatch::server::db::scratch_database(&dir).await.unwrap();
    generate::run(&GenerateOptions {
        parts,
        suppliers: 6,
        customers: 2,
        seed: 3,
        database_url: url.clone(),
    })
    .await
    .unwrap();
    let pool = partwatch::server::db::connect(&url).await.unwrap();
    (dir, TestApp::new(pool))
}

#[tokio::test]
async fn broad_views_say_how_far_they_go_and_how_to_reach_the_rest() {
    let (dir, app) = generated("limits", 3_000).await;

    // Browsing: 100 pages of 24; the last one says how to see other parts.
    let first = app.get("/catalogue", None).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("page 1 of 100"), "{}", first.body);
    assert!(!first.body.contains("data-testid=\"result-limit\""));
    let last = app.get("/catalogue?page=100", None).await;
    assert!(last.body.contains("data-testid=\"result-limit\""));
    assert!(last.body.contains("That is as far as the pages go"));
    // Asking past the end shows the last page, not an error.
    let past = app.get("/catalogue?page=2000", None).await;
    assert!(past.body.contains("page 100 of 100"));

    // A search matching almost every part: "1,000+", 42 pages, the note on the last.
    let broad = app.get("/catalogue?q=fits", None).await;
    assert!(broad.body.contains("1,000+ parts"), "{}", broad.body);
    assert!(broad.body.contains("page 1 of 42"));
    let end = app.get("/catalogue?q=fits&page=42", None).await;
    assert!(end.body.contains("These are the newest 1,000 matches"));

    // A narrow search counts exactly and has no note.
    let narrow = app
        .get("/catalogue?q=fits&m=Bosch&min=40&max=41", None)
        .await;
    assert!(!narrow.body.contains("1,000+"));
    assert!(!narrow.body.contains("data-testid=\"result-limit\""));
    std::fs::remove_dir_all(&dir).ok();
}
