//! Scale-out (PostgreSQL build): two app-server processes on one PostgreSQL database and one
//! S3 bucket (moto) behind a load balancer behave as one shop. A login made through one server
//! is valid on the other; attempt limits are shared; a photo uploaded through one is served by
//! the other; 32 buyers rushing 3 units through both buy exactly 3; and a
//! server killed (SIGKILL) in the middle of checkouts leaves no partial order while the other
//! keeps serving.

use crate::common::{
    self, balancer, moto,
    process::{call, send, temp_dir, Server},
    PW,
};
use crate::process::{listing_form, picture, BOUNDARY};
use partwatch::{
    auth::api::CurrentUser,
    cart::api::AddToCart,
    orders::api::PlaceOrder,
    server::db::{self, DbPool},
};
use std::collections::HashSet;

/// Customers for the rush.
const BUYERS: usize = 32;

async fn open(dir: &std::path::Path) -> DbPool {
    db::connect(&db::scratch_database(dir).await.unwrap())
        .await
        .unwrap()
}

/// `n` customers and one supplier with one part of `stock` units, straight into the database.
async fn shop(pool: &DbPool, customers: usize, stock: i64) -> i64 {
    let hash = partwatch::auth::password::hash(PW).await.unwrap();
    let supplier: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, email, password_hash, role) \
         VALUES ('acme', 'acme@example.com', $1, 'supplier') RETURNING id",
    )
    .bind(&hash)
    .fetch_one(pool)
    .await
    .unwrap();
    for n in 0..customers {
        sqlx::query(
            "INSERT INTO users (username, email, password_hash, role) \
             VALUES ($1, $2, $3, 'customer')",
        )
        .bind(format!("buyer{n}"))
        .bind(format!("buyer{n}@example.com"))
        .bind(&hash)
        .execute(pool)
        .await
        .unwrap();
    }
    sqlx::query_scalar(
        "INSERT INTO parts (supplier_id, name, manufacturer, model, description, price_cents, \
         stock, delivery_estimate) VALUES ($1, 'Last brake discs', 'Bosch', 'BD-3', \
         'Only a few left.', 5000, $2, '1-2_days') RETURNING id",
    )
    .bind(supplier)
    .bind(stock)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn login(addr: &str, email: &str, password: &str, client: &str) -> (u16, Option<String>) {
    let answer = call(
        addr,
        common::login_args(email, password, None),
        None,
        client,
    )
    .await
    .unwrap();
    (answer.status, answer.session_cookie())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_behind_a_balancer_act_as_one_shop() {
    let dir = temp_dir("scale-out");
    let moto = moto::moto().await;
    let bucket = moto.bucket().await;
    let storage = format!("s3://{}/photos", bucket.name);
    let env = [
        ("PARTWATCH_STORAGE", storage.as_str()),
        ("AWS_ENDPOINT_URL", moto.endpoint.as_str()),
        ("AWS_REGION", moto::REGION),
        ("AWS_ACCESS_KEY_ID", moto::ACCESS_KEY),
        ("AWS_SECRET_ACCESS_KEY", moto::SECRET_KEY),
        ("AWS_ALLOW_HTTP", "true"),
    ];
    let mut a = Server::start_with(&dir, &env).await;
    let b = Server::start_with(&dir, &env).await;
    let pool = open(&dir).await;
    let part = shop(&pool, BUYERS, 3).await;
    let lb = balancer::start(vec![a.addr.clone(), b.addr.clone()]).await;

    // A login made through A is valid on B (sessions live in the database).
    let (status, cookie) = login(&a.addr, "buyer0@example.com", PW, "10.1.0.1").await;
    assert_eq!(status, 200);
    let cookie = cookie.unwrap();
    let me = call(&b.addr, CurrentUser {}, Some(&cookie), "10.1.0.1")
        .await
        .unwrap();
    assert_eq!(me.status, 200);
    assert!(me.body.contains("buyer0"), "{}", me.body);

    // Attempt limits are shared: ten wrong passwords for one account, alternating between A and
    // B from ten addresses, use up its allowance; the eleventh (right!) password is refused.
    for n in 0..10 {
        let server = if n % 2 == 0 { &a.addr } else { &b.addr };
        let (status, _) = login(
            server,
            "buyer1@example.com",
            "wrong password!",
            &format!("10.2.0.{n}"),
        )
        .await;
        assert_eq!(status, 401, "attempt {n}");
    }
    let (status, _) = login(&a.addr, "buyer1@example.com", PW, "10.2.0.99").await;
    assert_eq!(status, 429, "the 11th attempt, across both servers");

    // A photo uploaded through A is served by B (both keep pictures in the bucket).
    let (status, acme) = login(&a.addr, "acme@example.com", PW, "10.6.0.1").await;
    assert_eq!(status, 200);
    let acme = acme.unwrap();
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let posted = send(
        &a.addr,
        "POST",
        "/listings/new",
        &[
            ("Content-Type", &content_type),
            ("Accept", "text/html"),
            ("Cookie", &acme),
            ("X-Forwarded-For", "10.6.0.1"),
        ],
        &listing_form(1, &picture()),
    )
    .await
    .unwrap();
    assert_eq!(posted.status, 303, "{}", posted.body);
    let key: String = sqlx::query_scalar(
        "SELECT image_key FROM parts WHERE name = 'Crash test part 1' AND image_key IS NOT NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(bucket.names().await.contains(&format!("photos/{key}.jpg")));
    for size in ["", "-800", "-thumb"] {
        let photo = send(
            &b.addr,
            "GET",
            &format!("/uploads/{key}{size}.jpg"),
            &[],
            b"",
        )
        .await
        .unwrap();
        assert_eq!(photo.status, 200, "{key}{size}");
        assert!(photo
            .headers
            .contains(&("content-type".into(), "image/jpeg".into())));
    }
    assert!(
        !dir.join("uploads").exists(),
        "nothing on either server's disk"
    );

    // 32 buyers rush 3 units through the balancer (so through both servers): exactly 3 sold.
    let mut cookies = Vec::new();
    for n in 2..BUYERS {
        let email = format!("buyer{n}@example.com");
        let (status, cookie) = login(&lb, &email, PW, &format!("10.3.0.{n}")).await;
        assert_eq!(status, 200);
        let cookie = cookie.unwrap();
        let added = call(
            &lb,
            AddToCart {
                part_id: part,
                quantity: 1,
            },
            Some(&cookie),
            &format!("10.3.0.{n}"),
        )
        .await
        .unwrap();
        assert_eq!(added.status, 200, "{}", added.body);
        cookies.push((n, cookie));
    }
    let rush = cookies.iter().map(|(n, cookie)| {
        let (lb, cookie, n) = (lb.clone(), cookie.clone(), *n);
        tokio::spawn(async move {
            call(
                &lb,
                PlaceOrder {
                    shipping_name: "Rush".into(),
                    shipping_address: "Teststr. 1\n12345 Teststadt".into(),
                    checkout_key: format!("rush{n:020}"),
                    expected_total: 5000,
                },
                Some(&cookie),
                &format!("10.3.0.{n}"),
            )
            .await
            .unwrap()
            .status
        })
    });
    let mut placed = 0;
    for status in rush {
        match status.await.unwrap() {
            200 => placed += 1,
            // Out of stock is a clear refusal, not a server error.
            s => assert!((400..500).contains(&s), "status {s}"),
        }
    }
    assert_eq!(placed, 3);
    let stock: i64 = sqlx::query_scalar("SELECT stock FROM parts WHERE id = $1")
        .bind(part)
        .fetch_one(&pool)
        .await
        .unwrap();
    let sold: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM purchases WHERE part_id = $1",
    )
    .bind(part)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((stock, sold), (0, 3));

    // SIGKILL of A in the middle of checkouts: every checkout happened whole or not at all,
    // and B (through the balancer) keeps serving.
    sqlx::query("UPDATE parts SET stock = 1000 WHERE id = $1")
        .bind(part)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM cart_items")
        .execute(&pool)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for (n, cookie) in &cookies {
        let (addr, cookie, n) = (a.addr.clone(), cookie.clone(), *n);
        tasks.push(tokio::spawn(async move {
            let _ = call(
                &addr,
                AddToCart {
                    part_id: part,
                    quantity: 2,
                },
                Some(&cookie),
                &format!("10.4.0.{n}"),
            )
            .await;
            let _ = call(
                &addr,
                PlaceOrder {
                    shipping_name: "Crash".into(),
                    shipping_address: "Teststr. 1\n12345 Teststadt".into(),
                    checkout_key: format!("crash{n:019}"),
                    expected_total: 10_000,
                },
                Some(&cookie),
                &format!("10.4.0.{n}"),
            )
            .await;
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(40)).await;
    a.kill();
    for task in tasks {
        task.await.unwrap();
    }
    // No order without lines, no checkout without orders, stock + sold = what there was.
    let partial: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS \
         (SELECT 1 FROM purchases p WHERE p.order_id = o.id) \
         OR o.total_cents != (SELECT SUM(line_total_cents) FROM purchases p WHERE p.order_id = o.id)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(partial, 0);
    let orphaned: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM checkouts c WHERE NOT EXISTS \
         (SELECT 1 FROM orders o WHERE o.checkout_id = c.id)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(orphaned, 0);
    let (stock, sold): (i64, i64) = sqlx::query_as(
        "SELECT stock, (SELECT CAST(SUM(quantity) AS BIGINT) FROM purchases WHERE part_id = $1) \
         FROM parts WHERE id = $1",
    )
    .bind(part)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stock + sold - 3, 1000, "stock {stock}, sold {sold}");
    // B serves on: pages through the balancer, and a checkout.
    let mut seen = HashSet::new();
    for _ in 0..6 {
        let page = send(&lb, "GET", &format!("/parts/{part}"), &[], b"")
            .await
            .unwrap();
        seen.insert(page.status);
    }
    assert_eq!(seen, HashSet::from([200]));
    let (n, cookie) = &cookies[0];
    sqlx::query("DELETE FROM cart_items")
        .execute(&pool)
        .await
        .unwrap();
    let added = call(
        &lb,
        AddToCart {
            part_id: part,
            quantity: 1,
        },
        Some(cookie),
        "10.5.0.1",
    )
    .await
    .unwrap();
    assert_eq!(added.status, 200, "{}", added.body);
    let order = call(
        &lb,
        PlaceOrder {
            shipping_name: "After".into(),
            shipping_address: "Teststr. 1\n12345 Teststadt".into(),
            checkout_key: format!("after{n:019}"),
            expected_total: 5000,
        },
        Some(cookie),
        "10.5.0.1",
    )
    .await
    .unwrap();
    assert_eq!(order.status, 200, "{}", order.body);
    drop(b);
    std::fs::remove_dir_all(&dir).ok();
}
