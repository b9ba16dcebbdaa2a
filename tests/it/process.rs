//! The real server process: killed (SIGKILL) in the middle of many checkouts and uploads, it
//! restarts onto a consistent database; stopped (SIGTERM), it finishes the requests in flight
//! and closes the database cleanly.

use crate::common;
use partwatch::server::db::DbPool;

use common::process::{call, read_answer, request_bytes, send, temp_dir, Server};
use image::{ImageFormat, Rgb, RgbImage};
use leptos::server_fn::ServerFn as _;
use partwatch::{auth::api::Login, cart::api::CartCount, orders::api::PlaceOrder};
use std::{collections::HashMap, io::Cursor, time::Duration};
use tokio::io::AsyncWriteExt;

use common::PW;

const CUSTOMERS: usize = 24;
const PARTS: i64 = 3;
const START_STOCK: i64 = 40;
const ROUNDS: usize = 4;
pub(crate) const BOUNDARY: &str = "----crash-boundary";

pub(crate) fn picture() -> Vec<u8> {
    let img = RgbImage::from_fn(640, 480, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

pub(crate) fn listing_form(n: usize, photo: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in [
        ("name", format!("Crash test part {n}")),
        ("manufacturer", "Brembo".into()),
        ("model", format!("CT-{n}")),
        (
            "description",
            "Uploaded while the server was killed.".into(),
        ),
        ("price", "10".into()),
        ("stock", "3".into()),
        ("delivery", "1-2_days".into()),
    ] {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(photo);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn open(dir: &std::path::Path) -> DbPool {
    let url = partwatch::server::db::scratch_database(dir).await.unwrap();
    partwatch::server::db::connect(&url).await.unwrap()
}

async fn scalar(pool: &DbPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Checks everything a crash could have broken. Returns the number of orders so far.
async fn assert_consistent(pool: &DbPool, dir: &std::path::Path, round: usize) -> i64 {
    // SQLite's own check of its file (PostgreSQL's write-ahead log makes a killed server a
    // non-event for the file; what the app wrote is checked below on both).
    #[cfg(not(feature = "postgres"))]
    {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(check, "ok", "round {round}");
    }
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM purchases p WHERE p.order_id = o.id)").await,
        0,
        "round {round}: every order has its lines"
    );
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM orders o WHERE total_cents != (SELECT SUM(line_total_cents) FROM purchases p WHERE p.order_id = o.id)").await,
        0,
        "round {round}: totals match lines"
    );
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM checkouts c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.checkout_id = c.id)").await,
        0,
        "round {round}: every checkout made its orders"
    );
    // Stock plus what was sold is what there was.
    for part in 1..=PARTS {
        let stock = scalar(pool, &format!("SELECT stock FROM parts WHERE id = {part}")).await;
        let sold = scalar(
            pool,
            &format!("SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM purchases WHERE part_id = {part}"),
        )
        .await;
        assert!(stock >= 0);
        assert_eq!(stock + sold, START_STOCK, "round {round}: part {part}");
    }
    // A checkout either happened whole (cart emptied) or not at all (cart as it was).
    let carts: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT u.id, \
                (SELECT COUNT(*) FROM checkouts c WHERE c.customer_id = u.id AND c.idempotency_key LIKE $1), \
                (SELECT COUNT(*) FROM cart_items ci WHERE ci.user_id = u.id) \
         FROM users u WHERE u.role = 'customer'",
    )
    .bind(format!("round{round}x%"))
    .fetch_all(pool)
    .await
    .unwrap();
    for (user, checkouts, lines) in carts {
        assert!(
            (checkouts == 1 && lines == 0) || (checkouts == 0 && lines > 0),
            "round {round}: customer {user} has {checkouts} checkouts and {lines} cart lines"
        );
    }
    // No stored part points at a missing or half-written picture.
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT image_key FROM parts WHERE image_key IS NOT NULL")
            .fetch_all(pool)
            .await
            .unwrap();
    for key in keys {
        for file in [format!("{key}.jpg"), format!("{key}-thumb.jpg")] {
            let bytes = std::fs::read(dir.join("uploads").join(&file))
                .unwrap_or_else(|e| panic!("round {round}: {file} referenced but {e}"));
            assert!(bytes.starts_with(&[0xFF, 0xD8]) && bytes.ends_with(&[0xFF, 0xD9]));
            image::load_from_memory(&bytes).expect("a whole JPEG");
        }
    }
    scalar(pool, "SELECT COUNT(*) FROM orders").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_server_restarts_onto_a_consistent_database() {
    let dir = temp_dir("crash");
    let mut server = Server::start(&dir).await;
    let pool = open(&dir).await;

    // A supplier with three parts, and customers, straight into the database.
    let hash = partwatch::auth::password::hash(PW).await.unwrap();
    for n in 0..=CUSTOMERS {
        let role = if n == 0 { "supplier" } else { "customer" };
        sqlx::query(
            "INSERT INTO users (username, email, password_hash, role) VALUES ($1, $2, $3, $4)",
        )
        .bind(format!("user{n}"))
        .bind(format!("user{n}@example.com"))
        .bind(&hash)
        .bind(role)
        .execute(&pool)
        .await
        .unwrap();
    }
    for part in 1..=PARTS {
        sqlx::query(
            "INSERT INTO parts (supplier_id, name, manufacturer, model, description, price_cents, \
             stock, delivery_estimate) VALUES (1, $1, 'M', 'X', 'D', $2, $3, '1-2_days')",
        )
        .bind(format!("Part {part}"))
        .bind(part * 1000)
        .bind(START_STOCK)
        .execute(&pool)
        .await
        .unwrap();
    }
    let photo = picture();
    let mut report = Vec::new();
    let mut uploads_started = 0;
    for round in 0..ROUNDS {
        // Sessions survive restarts (they live in the database), but log in afresh each round
        // from addresses of their own.
        let mut cookies = HashMap::new();
        for n in 0..=CUSTOMERS {
            let email = format!("user{n}@example.com");
            let client = format!("10.{round}.0.{n}");
            let answer = call(
                &server.addr,
                common::login_args(&email, PW, None),
                None,
                &client,
            )
            .await
            .unwrap();
            assert_eq!(answer.status, 200, "login: {}", answer.body);
            cookies.insert(n, answer.session_cookie().unwrap());
        }
        // Fill the carts: each customer wants 1–3 units of one or two parts.
        sqlx::query("DELETE FROM cart_items")
            .execute(&pool)
            .await
            .unwrap();
        for n in 1..=CUSTOMERS as i64 {
            for part in [(n % PARTS) + 1, ((n + round as i64) % PARTS) + 1] {
                sqlx::query(
                    "INSERT INTO cart_items (user_id, part_id, quantity) VALUES ($1, $2, $3) \
                     ON CONFLICT (user_id, part_id) DO UPDATE SET quantity = cart_items.quantity + 1",
                )
                .bind(n + 1)
                .bind(part)
                .bind(1 + (n + round as i64) % 3)
                .execute(&pool)
                .await
                .unwrap();
            }
        }
        let mut totals = HashMap::new();
        for n in 1..=CUSTOMERS as i64 {
            let total = scalar(
                &pool,
                &format!("SELECT CAST(SUM(c.quantity * p.price_cents) AS BIGINT) FROM cart_items c JOIN parts p ON p.id = c.part_id WHERE c.user_id = {}", n + 1),
            )
            .await;
            totals.insert(n as usize, total);
        }

        // Everyone checks out at once, the supplier uploads, and the server is killed.
        let mut tasks = Vec::new();
        for n in 1..=CUSTOMERS {
            let addr = server.addr.clone();
            let cookie = cookies[&n].clone();
            let total = totals[&n];
            let key = format!("round{round}x{n:016}");
            tasks.push(tokio::spawn(async move {
                call(
                    &addr,
                    PlaceOrder {
                        shipping_name: "Crash Test".into(),
                        shipping_address: "Teststr. 1\n12345 Teststadt".into(),
                        checkout_key: key,
                        expected_total: total,
                    },
                    Some(&cookie),
                    &format!("10.9.{round}.{n}"),
                )
                .await
                .map(|a| a.status)
            }));
        }
        for u in 0..3 {
            let addr = server.addr.clone();
            let cookie = cookies[&0].clone();
            let body = listing_form(round * 3 + u, &photo);
            uploads_started += 1;
            tasks.push(tokio::spawn(async move {
                let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
                common::process::send(
                    &addr,
                    "POST",
                    "/listings/new",
                    &[
                        ("Content-Type", &content_type),
                        ("Accept", "text/html"),
                        ("Cookie", &cookie),
                    ],
                    &body,
                )
                .await
                .map(|a| a.status)
            }));
        }
        tokio::time::sleep(Duration::from_millis([10, 40, 90, 160][round % 4])).await;
        server.kill();
        let mut answered = 0;
        let mut cut_off = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(status) => {
                    assert!(status < 500, "round {round}: a {status} before the kill");
                    answered += 1;
                }
                Err(_) => cut_off += 1,
            }
        }

        // Restart on the same files and check.
        server = Server::start(&dir).await;
        let orders = assert_consistent(&pool, &dir, round).await;
        report.push(format!(
            "round {round}: {answered} requests answered, {cut_off} cut off by the kill, {orders} orders in all"
        ));
    }
    let parts_with_photos = scalar(
        &pool,
        "SELECT COUNT(*) FROM parts WHERE image_key IS NOT NULL",
    )
    .await;
    eprintln!(
        "crash test: {}; {parts_with_photos} of {uploads_started} uploads stored whole",
        report.join("; ")
    );
    // The restarted server serves as ever.
    let answer = call(&server.addr, CartCount {}, None, "10.8.0.1")
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    let (code, _) = server.terminate();
    assert_eq!(code, Some(0));
    pool.close().await;
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_request_in_flight_and_closes_the_database() {
    let dir = temp_dir("term");
    let server = Server::start(&dir).await;
    let pool = open(&dir).await;
    let hash = partwatch::auth::password::hash(PW).await.unwrap();
    sqlx::query("INSERT INTO users (username, email, password_hash, role) VALUES ('anna', 'anna@example.com', $1, 'customer')")
        .bind(&hash)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    // A login whose body is still arriving when the stop signal comes.
    let body = common::encode(&[("email", "anna@example.com"), ("password", PW)]);
    let request = request_bytes(
        "POST",
        &server.addr,
        Login::PATH,
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ],
        body.as_bytes(),
    );
    let split = request.len() - 10;
    let mut stream = tokio::net::TcpStream::connect(&server.addr).await.unwrap();
    stream.write_all(&request[..split]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.signal_term();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // New connections are no longer taken...
    assert!(
        tokio::net::TcpStream::connect(&server.addr).await.is_err(),
        "still accepting after SIGTERM"
    );
    // ...but the one in flight is served to the end.
    stream.write_all(&request[split..]).await.unwrap();
    let answer = read_answer(&mut stream).await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.session_cookie().is_some());

    let (code, stdout) = server.terminate_after_signal();
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("PartWatch stopped."), "{stdout}");
    // The pool was closed: SQLite folded the write-ahead log back and removed it.
    let wal = dir.join("db.sqlite-wal");
    assert!(
        !wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0,
        "write-ahead log left behind"
    );
    let pool = open(&dir).await;
    assert_eq!(
        scalar(&pool, "SELECT COUNT(*) FROM tower_sessions").await,
        1
    );
    pool.close().await;
    std::fs::remove_dir_all(dir).ok();
}

/// The server's peak resident memory so far, in MB (Linux: `VmHWM` of /proc/PID/status).
fn peak_rss_mb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    kb / 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_image_bombs_at_once_leave_the_server_small_and_answering() {
    let dir = temp_dir("bombs");
    let server = Server::start(&dir).await;
    let answer = call(
        &server.addr,
        common::register_args("bomber", "bomber@example.com", PW, "supplier"),
        None,
        "10.9.0.1",
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    let cookie = answer.session_cookie().unwrap();
    // 35 bytes each: a GIF whose logical screen is 8000 × 8000 with one 1 × 1 frame.
    let bomb = common::gif_bomb();
    let photo = picture();
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    // As many as the upload limit allows one supplier.
    let (uploads, _) = partwatch::server::throttle::Action::UploadByUser.rule();
    let posts = (0..uploads).map(|n| {
        // Every fifth an ordinary photo, which must still be processed.
        let body = listing_form(n as usize, if n % 5 == 0 { &photo } else { &bomb });
        let (addr, cookie, content_type) =
            (server.addr.clone(), cookie.clone(), content_type.clone());
        tokio::spawn(async move {
            send(
                &addr,
                "POST",
                "/listings/new",
                &[("Content-Type", &content_type), ("Cookie", &cookie)],
                &body,
            )
            .await
            .unwrap()
        })
    });
    let posts: Vec<_> = posts.collect();
    // Meanwhile the home page answers.
    for _ in 0..5 {
        let started = std::time::Instant::now();
        let home = send(&server.addr, "GET", "/", &[], b"").await.unwrap();
        assert_eq!(home.status, 200);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "home took {:?} during the attack",
            started.elapsed()
        );
    }
    let mut refused = 0;
    let mut saved = 0;
    for post in posts {
        let answer = post.await.unwrap();
        match answer.status {
            303 | 302 => saved += 1,
            422 => {
                assert!(
                    answer.body.contains("too many pixels")
                        || answer.body.contains("being processed right now"),
                    "{}",
                    answer.body
                );
                refused += 1;
            }
            other => panic!("unexpected {other}: {}", answer.body),
        }
    }
    assert_eq!(refused + saved, uploads);
    assert!(refused >= uploads * 4 / 5, "every bomb refused ({refused})");
    assert!(saved >= 1, "ordinary photos still saved ({saved})");
    let peak = peak_rss_mb(server.child.id());
    eprintln!("peak RSS during the attack: {peak} MB ({refused} refused, {saved} saved)");
    assert!(peak < 300, "server peaked at {peak} MB");
    let home = send(&server.addr, "GET", "/", &[], b"").await.unwrap();
    assert_eq!(home.status, 200);
}

/// `partwatch --help` prints what the binary does and exits; a command it does not know is
/// refused in a clear line (exit code 2) instead of starting a server on a typo.
#[test]
fn help_and_unknown_commands_answer_without_starting_a_server() {
    let run = |arg: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_partwatch"))
            .arg(arg)
            // A database the server could not open: had it started, it would say so instead.
            .env("DATABASE_URL", "sqlite:///nonexistent-dir/x.db")
            .output()
            .unwrap()
    };
    let help = run("--help");
    assert_eq!(help.status.code(), Some(0));
    let out = String::from_utf8_lossy(&help.stdout);
    assert!(out.starts_with("usage:"), "{out}");
    assert!(out.contains("partwatch generate --parts N"), "{out}");
    let typo = run("genrate");
    assert_eq!(typo.status.code(), Some(2));
    let err = String::from_utf8_lossy(&typo.stderr);
    assert!(
        err.starts_with("partwatch: unknown command \"genrate\""),
        "{err}"
    );
    assert!(!err.contains("could not start"), "{err}");
}
