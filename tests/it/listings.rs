//! Supplier listings through the real router: multipart uploads with real images, bad files,
//! ownership, roles, and archived parts leaving the catalogue.

use crate::common;
use partwatch::server::db::DbPool;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use common::{FnCall, TestApp, PW};
use image::{ImageFormat, Rgb, RgbImage};
use partwatch::{
    listings::api::{ArchiveListing, ListingForm, MyListings, RestoreListing, UpdateListingField},
    media::images::MAX_UPLOAD_BYTES,
};
use std::io::Cursor;
const BOUNDARY: &str = "----partwatch-test-boundary";

pub(crate) fn picture(format: ImageFormat, w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 120]));
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

pub(crate) fn fields(name: &str, price: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_string()),
        ("manufacturer", "Brembo".into()),
        ("model", "BP-123".into()),
        ("description", "A vented front disc.".into()),
        ("price", price.to_string()),
        ("stock", "7".into()),
        ("delivery", "1-2_days".into()),
    ]
}

pub(crate) fn multipart(fields: &[(&str, String)], image: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    if let Some((filename, bytes)) = image {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"{filename}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub(crate) async fn post_listing(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    body: Vec<u8>,
) -> common::Reply {
    let mut request = Request::post(path)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    app.send(request.body(Body::from(body)).unwrap()).await
}

async fn part_ids(app: &TestApp) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM parts ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

/// Whether the display, medium and thumbnail files of a picture are on disk.
fn upload_dir_files(app: &TestApp, key: &str) -> (bool, bool, bool) {
    let dir = &app.config.upload_dir;
    (
        dir.join(format!("{key}.jpg")).is_file(),
        dir.join(format!("{key}-800.jpg")).is_file(),
        dir.join(format!("{key}-thumb.jpg")).is_file(),
    )
}

/// Registers a supplier and lists a brake disc with a 1600×1200 photo; the form's answer.
async fn list_disc_with_photo(app: &TestApp) -> common::Reply {
    let supplier = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let photo = picture(ImageFormat::Png, 1600, 1200);
    let reply = post_listing(
        app,
        "/listings/new",
        Some(&supplier),
        multipart(
            &fields("Brake disc, front", "64.90"),
            Some(("disc.png", &photo)),
        ),
    )
    .await;
    reply
}

/// Registers acme, who lists a "Disc" at €10.00 (7 in stock) without a photo through the
/// form; acme's cookie and the part's id.
async fn acme_lists_a_disc(app: &TestApp) -> (String, i64) {
    let acme = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    post_listing(
        app,
        "/listings/new",
        Some(&acme),
        multipart(&fields("Disc", "10"), None),
    )
    .await;
    (acme, part_ids(app).await[0])
}

/// A change of one field of listing `id` inline.
fn change(id: i64, field: &str, value: &str) -> UpdateListingField {
    UpdateListingField {
        id,
        field: field.into(),
        value: value.into(),
    }
}

/// The listings of `cookie`'s account with `status`.
fn my_listings(status: &str) -> MyListings {
    MyListings {
        status: status.into(),
        q: String::new(),
    }
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn supplier_creates_a_listing_with_a_real_photo(pool: DbPool) {
    let app = TestApp::new(pool);
    let reply = list_disc_with_photo(&app).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let ids = part_ids(&app).await;
    assert_eq!(ids.len(), 1);
    assert_eq!(
        reply.location().unwrap(),
        format!("/listings?saved={}", ids[0])
    );

    let (price, key): (i64, String) =
        sqlx::query_as("SELECT price_cents, image_key FROM parts WHERE id = $1")
            .bind(ids[0])
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(price, 6490);
    assert_eq!(upload_dir_files(&app, &key), (true, true, true));

    // Served as a JPEG with long cache headers, re-encoded to the display size.
    let served = app
        .send(
            Request::get(format!("/uploads/{key}.jpg"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.headers[header::CONTENT_TYPE], "image/jpeg");
    assert!(served.headers[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("max-age=31536000"));
    assert_eq!(served.headers["x-content-type-options"], "nosniff");

    // The listing is in the catalogue with its thumbnail, and the medium size for phones
    // and dense screens; the part page offers the medium and the display size.
    let page = app.get("/catalogue?q=brake", None).await;
    assert!(page.body.contains("Brake disc, front"));
    assert!(page.body.contains(&format!(
        "srcset=\"/uploads/{key}-thumb.jpg 400w, /uploads/{key}-800.jpg 800w\""
    )));
    let page = app.get(&format!("/parts/{}", ids[0]), None).await;
    assert!(page.body.contains(&format!(
        "srcset=\"/uploads/{key}-800.jpg 800w, /uploads/{key}.jpg 1200w\""
    )));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn pictures_stored_before_the_medium_size_get_it_on_first_request(pool: DbPool) {
    let app = TestApp::new(pool);
    let reply = list_disc_with_photo(&app).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let key: String = sqlx::query_scalar("SELECT image_key FROM parts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // As an older version of PartWatch left it: no medium file.
    std::fs::remove_file(app.config.upload_dir.join(format!("{key}-800.jpg"))).unwrap();
    assert_eq!(upload_dir_files(&app, &key), (true, false, true));

    let get = |path: String| app.send(Request::get(path).body(Body::empty()).unwrap());
    let served = get(format!("/uploads/{key}-800.jpg")).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.headers[header::CONTENT_TYPE], "image/jpeg");
    assert!(served.headers[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(upload_dir_files(&app, &key), (true, true, true));
    let medium = image::open(app.config.upload_dir.join(format!("{key}-800.jpg"))).unwrap();
    assert_eq!((medium.width(), medium.height()), (800, 600));

    // Anything else missing is a 404 that no one caches.
    for path in [
        "/uploads/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-800.jpg".to_owned(),
        "/uploads/nothing-800.jpg".to_owned(),
        format!("/uploads/{key}-900.jpg"),
    ] {
        let missing = get(path.clone()).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(missing.headers[header::CACHE_CONTROL], "no-store", "{path}");
    }
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn bad_images_are_refused_and_nothing_is_stored(pool: DbPool) {
    let app = TestApp::new(pool);
    let supplier = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let png = picture(ImageFormat::Png, 300, 200);
    // A megabyte over the limit, whose message names it in MB.
    let mut too_big = picture(ImageFormat::Jpeg, 64, 64);
    too_big.resize(MAX_UPLOAD_BYTES + 1024 * 1024, 0);
    let limit = format!("{} MB", MAX_UPLOAD_BYTES / (1024 * 1024));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "notes.jpg",
            b"this is a plain text file renamed to .jpg".to_vec(),
            "not a JPEG, PNG, WebP or GIF",
        ),
        (
            "logo.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>"#.to_vec(),
            "not a JPEG, PNG, WebP or GIF",
        ),
        (
            "cut.png",
            png[..png.len() / 2].to_vec(),
            "damaged or incomplete",
        ),
        ("huge.jpg", too_big, &limit),
    ];
    let before: Vec<_> = std::fs::read_dir(&app.config.upload_dir)
        .map(|d| d.count())
        .into_iter()
        .collect();
    for (filename, bytes, message) in cases {
        let reply = post_listing(
            &app,
            "/listings/new",
            Some(&supplier),
            multipart(
                &fields("Brake disc, front", "64.90"),
                Some((filename, &bytes)),
            ),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{filename}: {}",
            &reply.body[..reply.body.len().min(300)]
        );
        assert!(
            reply.body.contains(message),
            "{filename}: expected {message}"
        );
        // The form comes back with what was typed.
        assert!(
            reply.body.contains("value=\"Brake disc, front\""),
            "{filename}: {}",
            &reply.body[reply.body.find("<main").unwrap_or(0)..][..900]
        );
        assert!(
            part_ids(&app).await.is_empty(),
            "{filename}: nothing stored"
        );
    }
    let after: Vec<_> = std::fs::read_dir(&app.config.upload_dir)
        .map(|d| d.count())
        .into_iter()
        .collect();
    assert_eq!(before, after, "no files written");
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn invalid_fields_come_back_beside_the_fields(pool: DbPool) {
    let app = TestApp::new(pool);
    let supplier = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let mut form = fields("", "0");
    form.push(("unexpected", "ignored".into()));
    let reply = post_listing(
        &app,
        "/listings/new",
        Some(&supplier),
        multipart(&form, None),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Enter the name."));
    assert!(reply.body.contains("The price must be at least €0.01."));
    assert!(
        reply.body.contains("value=\"BP-123\""),
        "typed values are kept"
    );
    assert!(part_ids(&app).await.is_empty());
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn the_photo_is_not_decoded_while_other_fields_are_invalid(pool: DbPool) {
    let app = TestApp::new(pool);
    let supplier = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    // A 35-byte GIF claiming an 8000 × 8000 canvas, sent with an invalid price: the form
    // comes back for the price, and the photo was never looked at (it would have been
    // refused for its pixels).
    let bomb = common::gif_bomb();
    let reply = post_listing(
        &app,
        "/listings/new",
        Some(&supplier),
        multipart(&fields("Disc", "0"), Some(("bomb.gif", &bomb))),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("The price must be at least €0.01."));
    assert!(
        reply
            .body
            .contains("Choose the photo again once the other fields are corrected."),
        "{}",
        reply.body
    );
    assert!(!reply.body.contains("too many pixels"));
    // With the fields right, the same photo is checked and refused.
    let reply = post_listing(
        &app,
        "/listings/new",
        Some(&supplier),
        multipart(&fields("Disc", "10"), Some(("bomb.gif", &bomb))),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("too many pixels"), "{}", reply.body);
    assert!(part_ids(&app).await.is_empty());
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn replacing_a_photo_removes_the_old_files(pool: DbPool) {
    let app = TestApp::new(pool);
    let supplier = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let first = picture(ImageFormat::Jpeg, 400, 300);
    post_listing(
        &app,
        "/listings/new",
        Some(&supplier),
        multipart(&fields("Disc", "10"), Some(("a.jpg", &first))),
    )
    .await;
    let id = part_ids(&app).await[0];
    let old: String = sqlx::query_scalar("SELECT image_key FROM parts WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let second = picture(ImageFormat::WebP, 500, 300);
    let reply = post_listing(
        &app,
        &format!("/listings/{id}/edit"),
        Some(&supplier),
        multipart(&fields("Disc, renamed", "12.50"), Some(("b.webp", &second))),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let (name, new): (String, String) =
        sqlx::query_as("SELECT name, image_key FROM parts WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(name, "Disc, renamed");
    assert_ne!(old, new);
    assert_eq!(upload_dir_files(&app, &old), (false, false, false));
    assert_eq!(upload_dir_files(&app, &new), (true, true, true));

    // Saving without a new photo keeps the current one.
    post_listing(
        &app,
        &format!("/listings/{id}/edit"),
        Some(&supplier),
        multipart(&fields("Disc", "12.50"), None),
    )
    .await;
    let kept: String = sqlx::query_scalar("SELECT image_key FROM parts WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(kept, new);
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn nobody_but_the_owner_edits_a_listing(pool: DbPool) {
    let app = TestApp::new(pool);
    let (_, id) = acme_lists_a_disc(&app).await;
    let rival = app
        .register("rival", "rival@example.com", PW, "supplier")
        .await;
    let customer = app
        .register("anna", "anna@example.com", PW, "customer")
        .await;

    // The edit form post by another supplier: not found, nothing changed.
    let reply = post_listing(
        &app,
        &format!("/listings/{id}/edit"),
        Some(&rival),
        multipart(&fields("Stolen", "1"), None),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // Their server functions: not found for the rival, forbidden for a customer, 401 for visitors.
    for (cookie, status) in [
        (Some(rival.as_str()), StatusCode::NOT_FOUND),
        (Some(customer.as_str()), StatusCode::FORBIDDEN),
        (None, StatusCode::UNAUTHORIZED),
    ] {
        for call in [
            FnCall::of(change(id, "price", "1.00")),
            FnCall::of(change(id, "stock", "0")),
            FnCall::of(ArchiveListing { id }),
            FnCall::of(RestoreListing { id }),
            FnCall::of(ListingForm { id: Some(id) }),
        ] {
            let reply = app.send_call(&call, cookie).await;
            assert_eq!(reply.status, status, "{call:?}: {}", reply.body);
        }
    }
    // The rival's listing page does not show it; the edit page is a 404.
    let page = app.get(&format!("/listings/{id}/edit"), Some(&rival)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let mine = app.call_fn(my_listings(""), Some(&rival)).await;
    assert_eq!(mine.json(), serde_json::json!([]));
    // A customer posting the form gets the page's explanation, and nothing is stored.
    let reply = post_listing(
        &app,
        "/listings/new",
        Some(&customer),
        multipart(&fields("Mine", "1"), None),
    )
    .await;
    assert!(reply.body.contains("Listings are for supplier accounts"));
    // A visitor is sent to log in.
    let reply = post_listing(
        &app,
        "/listings/new",
        None,
        multipart(&fields("Mine", "1"), None),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert!(reply.location().unwrap().starts_with("/login?next="));

    let (name, price, stock, archived): (String, i64, i64, bool) =
        sqlx::query_as("SELECT name, price_cents, stock, archived <> 0 FROM parts WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (name.as_str(), price, stock, archived),
        ("Disc", 1000, 7, false)
    );
    assert_eq!(part_ids(&app).await.len(), 1);
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn owner_edits_inline_and_archives_which_hides_the_part(pool: DbPool) {
    let app = TestApp::new(pool);
    let (owner, id) = acme_lists_a_disc(&app).await;
    let owner = Some(owner.as_str());

    let price = app.call_fn(change(id, "price", "12,5"), owner).await;
    assert_eq!(price.json(), "12.50");
    let bad = app.call_fn(change(id, "stock", "-3"), owner).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let other = app.call_fn(change(id, "name", "x"), owner).await;
    assert_eq!(other.status, StatusCode::BAD_REQUEST);

    assert_eq!(
        app.get(&format!("/parts/{id}"), None).await.status,
        StatusCode::OK
    );
    let archived = app.call_fn(ArchiveListing { id }, owner).await;
    assert_eq!(archived.status, StatusCode::OK);
    assert_eq!(
        app.get(&format!("/parts/{id}"), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!app
        .get("/catalogue?q=disc", None)
        .await
        .body
        .contains("Disc"));
    let listed = app.call_fn(my_listings("archived"), owner).await.json();
    assert_eq!(listed[0]["name"], "Disc");
    app.call_fn(RestoreListing { id }, owner).await;
    assert_eq!(
        app.get(&format!("/parts/{id}"), None).await.status,
        StatusCode::OK
    );
}
