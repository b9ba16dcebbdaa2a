//! Part pictures in an S3-compatible bucket (`PARTWATCH_STORAGE=s3://bucket[/prefix]`), against
//! a real S3 server (moto_server, common/moto.rs): a photo lands in the bucket and is served
//! under /uploads with the headers the disk gives; replacing it deletes the old objects, a save
//! that fails deletes the new ones; a missing or impossible name is a 404 that is not cached;
//! a bucket that is down fails the upload with the error page and saves nothing; and the real
//! server binary reads its bucket from the environment.

use crate::common::{self, moto, process, snapshot, TestApp, PW};
use crate::listings::{fields, multipart, picture, post_listing};
use axum::{
    body::Body,
    http::{header, HeaderMap, Request, StatusCode},
};
use image::ImageFormat;
use partwatch::server::db::DbPool;
use partwatch::server::security::UPLOAD_CSP;
use std::time::{Duration, Instant};

/// The prefix most tests store under (`s3://bucket/shop/parts`).
const PREFIX: &str = "shop/parts";

/// How a picture's three file names end.
const SUFFIXES: [&str; 3] = [".jpg", "-800.jpg", "-thumb.jpg"];

/// The object names of picture `key` under `prefix`, sorted as a listing sorts them.
fn objects(prefix: Option<&str>, key: &str) -> Vec<String> {
    let mut names: Vec<String> = SUFFIXES
        .iter()
        .map(|suffix| match prefix {
            Some(prefix) => format!("{prefix}/{key}{suffix}"),
            None => format!("{key}{suffix}"),
        })
        .collect();
    names.sort();
    names
}

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> common::Reply {
    send(app, "GET", path, headers).await
}

async fn send(app: &TestApp, method: &str, path: &str, headers: &[(&str, &str)]) -> common::Reply {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

/// The image key of every part, oldest first.
async fn image_keys(pool: &DbPool) -> Vec<Option<String>> {
    sqlx::query_scalar("SELECT image_key FROM parts ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// Lists a part named `name` with `photo` (a PNG) through the form; the answer.
async fn list(app: &TestApp, cookie: &str, name: &str, photo: &[u8]) -> common::Reply {
    post_listing(
        app,
        "/listings/new",
        Some(cookie),
        multipart(&fields(name, "64.90"), Some(("photo.png", photo))),
    )
    .await
}

/// Saves listing `id` as `name`, with a new `photo` if given; the answer.
async fn edit(
    app: &TestApp,
    cookie: &str,
    id: i64,
    name: &str,
    photo: Option<&[u8]>,
) -> common::Reply {
    post_listing(
        app,
        &format!("/listings/{id}/edit"),
        Some(cookie),
        multipart(&fields(name, "64.90"), photo.map(|p| ("photo.png", p))),
    )
    .await
}

/// A `ServeDir` ETag: `"<seconds>.<nanoseconds>-<size>"` in hex; its size part.
fn etag_size(reply: &common::Reply) -> u64 {
    let etag = reply.headers[header::ETAG].to_str().unwrap();
    let inner = etag.strip_prefix('"').and_then(|e| e.strip_suffix('"'));
    let (time, size) = inner.and_then(|e| e.split_once('-')).expect(etag);
    let (secs, nanos) = time.split_once('.').expect(etag);
    assert!(
        u64::from_str_radix(secs, 16).is_ok() && nanos.len() == 8,
        "{etag}"
    );
    u64::from_str_radix(size, 16).expect(etag)
}

/// The two answers carry the same headers with the same values, but for the file's time
/// (`Last-Modified` and the `ETag` made from it), which differ between two stores.
fn assert_same_headers(from_bucket: &HeaderMap, from_disk: &HeaderMap, what: &str) {
    let names = |headers: &HeaderMap| {
        let mut names: Vec<String> = headers.keys().map(|k| k.to_string()).collect();
        names.sort();
        names
    };
    assert_eq!(names(from_bucket), names(from_disk), "{what}: header names");
    for (name, value) in from_disk {
        if name == header::LAST_MODIFIED || name == header::ETAG {
            continue;
        }
        assert_eq!(
            from_bucket.get_all(name).iter().collect::<Vec<_>>(),
            from_disk.get_all(name).iter().collect::<Vec<_>>(),
            "{what}: {name} (disk: {value:?})"
        );
    }
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn a_photo_stored_in_a_bucket_is_served_as_from_the_disk(pool: DbPool) {
    let moto = moto::moto().await;
    let bucket = moto.bucket().await;
    let s3 = TestApp::with_storage(pool.clone(), bucket.storage(Some(PREFIX)));
    let disk = TestApp::new(pool.clone());
    let supplier = s3
        .register("acme", "acme@example.com", PW, "supplier")
        .await;

    // The same photo listed twice: stored in the bucket, then on the disk.
    let photo = picture(ImageFormat::Png, 1600, 1200);
    for app in [&s3, &disk] {
        let reply = list(app, &supplier, "Brake disc, front", &photo).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    }
    let keys = image_keys(&pool).await;
    let (in_bucket, on_disk) = (keys[0].clone().unwrap(), keys[1].clone().unwrap());

    // The bucket holds the three files of the first, under the prefix, and nothing else (the
    // write check of a start is not left behind either); the bucket's app wrote no file.
    assert_eq!(bucket.names().await, objects(Some(PREFIX), &in_bucket));
    assert_eq!(
        std::fs::read_dir(&s3.config.upload_dir).unwrap().count(),
        0,
        "nothing on disk"
    );

    for suffix in SUFFIXES {
        let (bucket_path, disk_path) = (
            format!("/uploads/{in_bucket}{suffix}"),
            format!("/uploads/{on_disk}{suffix}"),
        );
        let from_bucket = get(&s3, &bucket_path, &[]).await;
        let from_disk = get(&disk, &disk_path, &[]).await;
        assert_eq!(from_bucket.status, StatusCode::OK, "{bucket_path}");
        assert_eq!(from_disk.status, StatusCode::OK, "{disk_path}");
        // The object's bytes, which are the disk file's: the same photo made the same JPEGs.
        let stored = bucket
            .get(&format!("{PREFIX}/{in_bucket}{suffix}"))
            .await
            .unwrap();
        assert_eq!(from_bucket.bytes, stored, "{suffix}: the object as stored");
        assert_eq!(
            from_bucket.bytes, from_disk.bytes,
            "{suffix}: the disk's file"
        );
        assert_same_headers(&from_bucket.headers, &from_disk.headers, suffix);
        let h = &from_bucket.headers;
        assert_eq!(h[header::CONTENT_TYPE], "image/jpeg");
        assert_eq!(
            h[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(h[header::CONTENT_SECURITY_POLICY], UPLOAD_CSP);
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(h[header::CONTENT_LENGTH], stored.len().to_string().as_str());
        assert_eq!(h[header::ACCEPT_RANGES], "bytes");
        assert_eq!(etag_size(&from_bucket), stored.len() as u64);
        assert_eq!(etag_size(&from_disk), stored.len() as u64);
        assert!(h[header::LAST_MODIFIED].to_str().unwrap().ends_with(" GMT"));

        // HEAD: the same headers, no body.
        let head = send(&s3, "HEAD", &bucket_path, &[]).await;
        assert_eq!(head.status, StatusCode::OK);
        assert!(head.bytes.is_empty());
        assert_same_headers(
            &head.headers,
            &send(&disk, "HEAD", &disk_path, &[]).await.headers,
            "HEAD",
        );
        assert_eq!(head.headers[header::ETAG], h[header::ETAG]);

        // Conditional requests: unchanged is 304, by ETag or by date, as from the disk.
        let etag = h[header::ETAG].to_str().unwrap().to_owned();
        let date = h[header::LAST_MODIFIED].to_str().unwrap().to_owned();
        for (name, value) in [("if-none-match", &etag), ("if-modified-since", &date)] {
            let again = get(&s3, &bucket_path, &[(name, value)]).await;
            assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{name}");
            assert!(again.bytes.is_empty());
            assert_eq!(again.headers[header::ETAG], etag.as_str());
            let disk_etag = from_disk.headers[header::ETAG].to_str().unwrap();
            let disk_date = from_disk.headers[header::LAST_MODIFIED].to_str().unwrap();
            let disk_value = if name == "if-none-match" {
                disk_etag
            } else {
                disk_date
            };
            let disk_again = get(&disk, &disk_path, &[(name, disk_value)]).await;
            assert_eq!(disk_again.status, StatusCode::NOT_MODIFIED, "{name}");
            assert_same_headers(&again.headers, &disk_again.headers, name);
        }
        let changed = get(&s3, &bucket_path, &[("if-none-match", "\"other\"")]).await;
        assert_eq!(changed.status, StatusCode::OK);

        // A range: the same part of the same bytes.
        let part = get(&s3, &bucket_path, &[("range", "bytes=0-99")]).await;
        assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
        assert_eq!(part.bytes, stored[..100]);
        assert_eq!(
            part.headers[header::CONTENT_RANGE],
            format!("bytes 0-99/{}", stored.len()).as_str()
        );
        assert_same_headers(
            &part.headers,
            &get(&disk, &disk_path, &[("range", "bytes=0-99")])
                .await
                .headers,
            "range",
        );
    }

    // Pages name the pictures as they always did.
    let page = s3.get("/catalogue?q=brake", None).await;
    assert!(page.body.contains(&format!(
        "srcset=\"/uploads/{in_bucket}-thumb.jpg 400w, /uploads/{in_bucket}-800.jpg 800w\""
    )));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn a_missing_or_foreign_name_is_a_404_not_cached_and_a_missing_medium_size_is_made(
    pool: DbPool,
) {
    let moto = moto::moto().await;
    let bucket = moto.bucket().await;
    let s3 = TestApp::with_storage(pool.clone(), bucket.storage(None));
    let disk = TestApp::new(pool.clone());
    let supplier = s3
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let reply = list(
        &s3,
        &supplier,
        "Disc",
        &picture(ImageFormat::Png, 1600, 1200),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let key = image_keys(&pool).await[0].clone().unwrap();

    // Objects that are in the bucket but are no picture's file are never looked up: the
    // name is checked first.
    let jpeg = bucket.get(&format!("{key}.jpg")).await.unwrap();
    for name in [
        "abc.jpg".to_owned(),
        format!("{key}.png"),
        format!("{key}-900.jpg"),
    ] {
        bucket.put(&name, &jpeg).await;
    }
    let unknown = partwatch::server::random::random_key();
    for path in [
        // Not stored.
        format!("/uploads/{unknown}.jpg"),
        format!("/uploads/{unknown}-thumb.jpg"),
        format!("/uploads/{unknown}-800.jpg"),
        // Not a picture's name.
        "/uploads/abc.jpg".to_owned(),
        format!("/uploads/{key}.png"),
        format!("/uploads/{key}-900.jpg"),
        format!("/uploads/{key}.jpg.part"),
        format!("/uploads/%2e%2e/{key}.jpg"),
        format!("/uploads/x/{key}.jpg"),
        "/uploads/".to_owned(),
    ] {
        for method in ["GET", "HEAD"] {
            let missing = send(&s3, method, &path, &[]).await;
            assert_eq!(missing.status, StatusCode::NOT_FOUND, "{method} {path}");
            assert_eq!(
                missing.headers[header::CACHE_CONTROL],
                "no-store",
                "{method} {path}"
            );
        }
    }
    // The 404 of a missing picture is the disk's, header for header.
    for suffix in SUFFIXES {
        let path = format!("/uploads/{unknown}{suffix}");
        let (from_bucket, from_disk) = (get(&s3, &path, &[]).await, get(&disk, &path, &[]).await);
        assert_eq!(from_disk.status, StatusCode::NOT_FOUND);
        assert_same_headers(&from_bucket.headers, &from_disk.headers, &path);
        assert_eq!(from_bucket.body, from_disk.body);
    }

    // A picture stored before the medium size existed: made from the display file on first
    // request, stored in the bucket, served like the other files.
    let medium = format!("{key}-800.jpg");
    bucket.delete(&medium).await;
    assert_eq!(bucket.get(&medium).await, None);
    let served = get(&s3, &format!("/uploads/{medium}"), &[]).await;
    assert_eq!(served.status, StatusCode::OK, "{}", served.body);
    assert_eq!(served.headers[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(
        served.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(served.headers[header::CONTENT_SECURITY_POLICY], UPLOAD_CSP);
    let made = image::load_from_memory(&served.bytes).unwrap();
    assert_eq!((made.width(), made.height()), (800, 600));
    assert_eq!(bucket.get(&medium).await, Some(served.bytes.clone()));
    // From then on it is an ordinary file.
    let again = get(&s3, &format!("/uploads/{medium}"), &[]).await;
    assert_eq!(again.bytes, served.bytes);
    assert!(again.headers.contains_key(header::ETAG));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn replacing_a_photo_deletes_its_objects_and_a_failed_save_deletes_the_new_ones(
    pool: DbPool,
) {
    let moto = moto::moto().await;
    let bucket = moto.bucket().await;
    let app = TestApp::with_storage(pool.clone(), bucket.storage(Some(PREFIX)));
    let supplier = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let reply = list(
        &app,
        &supplier,
        "Disc",
        &picture(ImageFormat::Png, 400, 300),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let id: i64 = sqlx::query_scalar("SELECT id FROM parts")
        .fetch_one(&pool)
        .await
        .unwrap();
    let first = image_keys(&pool).await[0].clone().unwrap();
    assert_eq!(bucket.names().await, objects(Some(PREFIX), &first));

    // A new photo: its objects replace the old ones, which are gone from the bucket and /uploads.
    let second_photo = picture(ImageFormat::Jpeg, 500, 300);
    let reply = edit(&app, &supplier, id, "Disc, renamed", Some(&second_photo)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let second = image_keys(&pool).await[0].clone().unwrap();
    assert_ne!(first, second);
    assert_eq!(bucket.names().await, objects(Some(PREFIX), &second));
    let gone = get(&app, &format!("/uploads/{first}.jpg"), &[]).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(
        get(&app, &format!("/uploads/{second}.jpg"), &[])
            .await
            .status,
        StatusCode::OK
    );

    // Saved without a photo, the listing keeps its picture.
    let reply = edit(&app, &supplier, id, "Disc", None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(image_keys(&pool).await, [Some(second.clone())]);
    assert_eq!(bucket.names().await, objects(Some(PREFIX), &second));

    // When the database refuses the save after the photo was stored (here: triggers of the
    // test's own, made before any refusal, that refuse a part named "… (refused)"), the new
    // photo's objects are deleted again and the old ones stay.
    let refusals: Vec<String> = if cfg!(feature = "postgres") {
        vec![
            "CREATE FUNCTION refuse_part() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.name LIKE '%(refused)' THEN RAISE EXCEPTION 'refused by the test'; END IF; \
             RETURN NEW; END $$"
                .into(),
            "CREATE TRIGGER refuse_part BEFORE INSERT OR UPDATE ON parts \
             FOR EACH ROW EXECUTE FUNCTION refuse_part()"
                .into(),
        ]
    } else {
        ["UPDATE", "INSERT"]
            .map(|event| {
                format!(
                    "CREATE TRIGGER refuse_part_{event} BEFORE {event} ON parts \
                     WHEN new.name LIKE '%(refused)' \
                     BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                )
            })
            .into()
    };
    for statement in refusals {
        sqlx::query(&statement).execute(&pool).await.unwrap();
    }
    for what in ["an edit", "a new listing"] {
        let before = snapshot(&pool).await;
        let photo = picture(ImageFormat::Png, 640, 480);
        let reply = if what == "an edit" {
            edit(&app, &supplier, id, "Disc (refused)", Some(&photo)).await
        } else {
            list(&app, &supplier, "Another disc (refused)", &photo).await
        };
        assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR, "{what}");
        assert_eq!(snapshot(&pool).await, before, "{what}: nothing saved");
        assert_eq!(
            bucket.names().await,
            objects(Some(PREFIX), &second),
            "{what}: only the listing's own picture is left"
        );
    }
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn a_bucket_that_is_down_fails_the_upload_clearly_and_nothing_is_half_saved(pool: DbPool) {
    let moto = moto::moto().await;
    let bucket = moto.bucket().await;
    let up = TestApp::with_storage(pool.clone(), bucket.storage(None));
    let down = TestApp::with_storage(pool.clone(), moto::storage_of_a_server_that_is_down());
    let supplier = up
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let reply = list(&up, &supplier, "Disc", &picture(ImageFormat::Png, 400, 300)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let key = image_keys(&pool).await[0].clone().unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM parts")
        .fetch_one(&pool)
        .await
        .unwrap();
    let before = snapshot(&pool).await;

    // A new listing and a new photo for the existing one, while the bucket cannot be reached:
    // the error page a failed disk write gives, in seconds; nothing is saved.
    let photo = picture(ImageFormat::Png, 640, 480);
    for what in ["a new listing", "a replaced photo"] {
        let started = Instant::now();
        let reply = if what == "a new listing" {
            list(&down, &supplier, "Another disc", &photo).await
        } else {
            edit(&down, &supplier, id, "Disc, renamed", Some(&photo)).await
        };
        assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR, "{what}");
        assert!(
            reply.body.contains("Something went wrong on our side"),
            "{what}: {}",
            reply.body
        );
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{what}: answered after {:?}",
            started.elapsed()
        );
        assert_eq!(snapshot(&pool).await, before, "{what}: nothing saved");
    }
    // The listing's picture is untouched: its objects are there and served.
    assert_eq!(bucket.names().await, objects(None, &key));
    assert_eq!(
        get(&up, &format!("/uploads/{key}.jpg"), &[]).await.status,
        StatusCode::OK
    );
    // Reading from a bucket that is down is a 500 that no cache keeps (not a 404).
    let unreadable = get(&down, &format!("/uploads/{key}.jpg"), &[]).await;
    assert_eq!(unreadable.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(unreadable.headers[header::CACHE_CONTROL], "no-store");
    // Only photos need the bucket: the listing's other fields still save.
    let reply = edit(&down, &supplier, id, "Disc, renamed", None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(image_keys(&pool).await, [Some(key)]);
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn pictures_reach_a_bucket_over_https(pool: DbPool) {
    // rustls with the ring provider (no aws-lc): a TLS handshake with moto's self-signed
    // certificate, trusted as AWS_ALLOW_INVALID_CERTIFICATES=true would.
    let moto = moto::moto_tls().await;
    assert!(moto.endpoint.starts_with("https://"));
    let bucket = moto.bucket().await;
    let app = TestApp::with_storage(pool.clone(), bucket.storage(Some(PREFIX)));
    let supplier = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let reply = list(
        &app,
        &supplier,
        "Disc",
        &picture(ImageFormat::Png, 400, 300),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let key = image_keys(&pool).await[0].clone().unwrap();
    assert_eq!(bucket.names().await, objects(Some(PREFIX), &key));
    let served = get(&app, &format!("/uploads/{key}-thumb.jpg"), &[]).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(
        Some(served.bytes),
        bucket.get(&format!("{PREFIX}/{key}-thumb.jpg")).await
    );
}

/// Runs the server binary until it exits (it should refuse to start); its exit code and
/// what it wrote to stderr.
async fn refused_start(dir: &std::path::Path, env: &[(&str, &str)]) -> (Option<i32>, String) {
    // A database of the build's engine (a PostgreSQL build cannot open a SQLite file, and
    // would refuse to start for that reason instead).
    let database = partwatch::server::db::scratch_database(dir).await.unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_partwatch"));
    command
        .env("DATABASE_URL", database)
        .env("UPLOAD_DIR", dir.join("uploads"))
        .env(
            "LEPTOS_SITE_ADDR",
            format!("127.0.0.1:{}", moto::free_port()),
        )
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("LEPTOS_OUTPUT_NAME", "partwatch")
        .env("RUST_LOG", "error")
        .envs(env.iter().copied());
    let output = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::task::spawn_blocking(move || command.output()),
    )
    .await
    .expect("the server exits by itself")
    .unwrap()
    .expect("the server binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_server_keeps_pictures_in_the_bucket_its_environment_names() {
    let moto = moto::moto().await;
    let bucket = moto.bucket().await;
    let dir = process::temp_dir("s3");
    let storage = format!("s3://{}/demo", bucket.name);
    let aws = [
        ("AWS_ENDPOINT_URL", moto.endpoint.as_str()),
        ("AWS_REGION", moto::REGION),
        ("AWS_ACCESS_KEY_ID", moto::ACCESS_KEY),
        ("AWS_SECRET_ACCESS_KEY", moto::SECRET_KEY),
        ("AWS_ALLOW_HTTP", "true"),
    ];
    let mut env = vec![
        ("PARTWATCH_STORAGE", storage.as_str()),
        ("PARTWATCH_DEMO_DATA", "1"),
    ];
    env.extend(aws);
    let server = process::Server::start_with(&dir, &env).await;

    // The demo pictures went to the bucket, three objects each under the prefix; nothing to
    // the disk, and the start's write check left nothing behind.
    let names = bucket.names().await;
    assert!(names.len() >= 90 && names.len() % 3 == 0, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("demo/")), "{names:?}");
    assert!(!dir.join("uploads").exists());
    // The home page shows them, and /uploads serves them from the bucket.
    let home = process::send(&server.addr, "GET", "/", &[], b"")
        .await
        .unwrap();
    let start = home
        .body
        .find("/uploads/")
        .expect("a picture on the home page");
    let path = &home.body[start..];
    let path = &path[..path.find(['"', ' ']).unwrap()];
    let name = path.trim_start_matches("/uploads/");
    assert!(names.contains(&format!("demo/{name}")), "{path}");
    let picture = process::send(&server.addr, "GET", path, &[], b"")
        .await
        .unwrap();
    assert_eq!(picture.status, 200, "{path}");
    assert!(picture
        .headers
        .contains(&("content-type".into(), "image/jpeg".into())));
    drop(server);

    // A bucket that cannot be reached, or a storage that is no bucket, stops the start with
    // one line naming the variable.
    let down = format!("http://127.0.0.1:{}", moto::free_port());
    let mut env = vec![("PARTWATCH_STORAGE", "s3://partwatch-down")];
    env.extend(aws.map(|(k, v)| {
        (
            k,
            if k == "AWS_ENDPOINT_URL" {
                down.as_str()
            } else {
                v
            },
        )
    }));
    let (code, stderr) = refused_start(&process::temp_dir("s3-down"), &env).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "PartWatch could not start: PARTWATCH_STORAGE: cannot store pictures in \
             s3://partwatch-down:"
        ),
        "{stderr}"
    );
    let (code, stderr) = refused_start(
        &process::temp_dir("s3-bad"),
        &[("PARTWATCH_STORAGE", "ftp://x")],
    )
    .await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "PartWatch could not start: PARTWATCH_STORAGE: 'ftp://x' is not s3://bucket or \
             s3://bucket/prefix (or unset, for files in UPLOAD_DIR)"
        ),
        "{stderr}"
    );
}
