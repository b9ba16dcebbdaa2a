//! The access matrix: every server function and every protected route, called by each of
//! logged out / a customer / another supplier / the owner, gets the intended answer, and a
//! refusal leaves the database exactly as it was.

use crate::common;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use common::TestApp;
use sqlx::SqlitePool;

const PW: &str = "a-long-password";

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Actor {
    Visitor,
    /// A customer with no stake in the object (bob).
    Customer,
    /// A supplier with no stake in the object (brakeco).
    OtherSupplier,
    /// The object's owner: the supplier of the part (acme) or the customer of the order (anna).
    Owner,
}

const ACTORS: [Actor; 4] = [
    Actor::Visitor,
    Actor::Customer,
    Actor::OtherSupplier,
    Actor::Owner,
];

struct World {
    app: TestApp,
    bob: String,
    brakeco: String,
    acme: String,
    anna: String,
    /// Acme's part (anna has one in her cart and one in her order).
    part: i64,
    /// Anna's order of acme's part, awaiting payment.
    order: i64,
}

impl World {
    async fn new(pool: SqlitePool) -> Self {
        let app = TestApp::new(pool);
        let acme = app
            .register("acme", "acme@example.com", PW, "supplier")
            .await;
        let brakeco = app
            .register("brakeco", "brakeco@example.com", PW, "supplier")
            .await;
        let anna = app
            .register("anna", "anna@example.com", PW, "customer")
            .await;
        let bob = app.register("bob", "bob@example.com", PW, "customer").await;
        let part: i64 = sqlx::query_scalar(
            "INSERT INTO parts (supplier_id, name, manufacturer, model, description, \
             price_cents, stock, delivery_estimate) \
             VALUES ((SELECT id FROM users WHERE username = 'acme'), 'Disc', 'Brembo', 'X1', \
             'A disc.', 6490, 10, '1-2_days') RETURNING id",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        let world = World {
            app,
            bob,
            brakeco,
            acme,
            anna,
            part,
            order: 0,
        };
        world
            .ok(
                "add_to_cart",
                &[("part_id", &part.to_string()), ("quantity", "1")],
                &world.anna,
            )
            .await;
        let reply = world
            .app
            .call(
                "place_order",
                &[
                    ("shipping_name", "Anna Berg"),
                    ("shipping_address", "Hauptstr. 1\n10115 Berlin"),
                    ("checkout_key", "accesskey00000000001"),
                    ("expected_total", "6490"),
                ],
                Some(&world.anna),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let order = reply.json()[0].as_i64().unwrap();
        world
            .ok(
                "add_to_cart",
                &[("part_id", &part.to_string()), ("quantity", "1")],
                &world.anna,
            )
            .await;
        World { order, ..world }
    }

    async fn ok(&self, endpoint: &str, form: &[(&str, &str)], cookie: &str) {
        let reply = self.app.call(endpoint, form, Some(cookie)).await;
        assert_eq!(reply.status, StatusCode::OK, "{endpoint}: {}", reply.body);
    }

    /// The cookie of `actor` for an object owned by `owner`.
    fn cookie(&self, actor: Actor, owner: &str) -> Option<&str> {
        match actor {
            Actor::Visitor => None,
            Actor::Customer => Some(&self.bob),
            Actor::OtherSupplier => Some(&self.brakeco),
            Actor::Owner => Some(if owner == "anna" {
                &self.anna
            } else {
                &self.acme
            }),
        }
    }

    /// Everything a call could change (sessions excluded: reading them is not changing data).
    async fn fingerprint(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sql in [
            "SELECT group_concat(id || email || password_hash, ',') FROM users",
            "SELECT group_concat(id || price_cents || '/' || stock || '/' || archived || name, ',') FROM parts",
            "SELECT group_concat(id || status || total_cents, ',') FROM orders",
            "SELECT group_concat(user_id || '/' || part_id || '/' || quantity, ',') FROM cart_items",
            "SELECT COUNT(*) || '' FROM purchases",
            "SELECT COUNT(*) || '' FROM checkouts",
        ] {
            let value: Option<String> = sqlx::query_scalar(sql).fetch_one(&self.app.pool).await.unwrap();
            out.push(value.unwrap_or_default());
        }
        out
    }
}

/// One row of the matrix: a server function, its arguments, whose object it touches, and the
/// status each actor must get (visitor, customer, other supplier, owner).
struct Case {
    endpoint: &'static str,
    form: Vec<(&'static str, String)>,
    owner: &'static str,
    expect: [u16; 4],
}

fn cases(part: i64, order: i64) -> Vec<Case> {
    let p = part.to_string();
    let o = order.to_string();
    let case = |endpoint, form: &[(&'static str, &str)], owner, expect| Case {
        endpoint,
        form: form.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        owner,
        expect,
    };
    vec![
        // Public reads.
        case("current_user", &[], "acme", [200, 200, 200, 200]),
        case("cart_count", &[], "anna", [200, 200, 200, 200]),
        case("orders_to_ship", &[], "acme", [200, 200, 200, 200]),
        case(
            "newest_parts",
            &[("limit", "8")],
            "acme",
            [200, 200, 200, 200],
        ),
        case("part_detail", &[("id", &p)], "acme", [200, 200, 200, 200]),
        case(
            "search_catalogue",
            &[("query", "q=disc")],
            "acme",
            [200, 200, 200, 200],
        ),
        // A customer's own things: their cart, their orders.
        case("cart_contents", &[], "anna", [401, 200, 200, 200]),
        case(
            "my_orders",
            &[("view", "purchases"), ("page", "1")],
            "anna",
            [401, 200, 200, 200],
        ),
        case("order_detail", &[("id", &o)], "anna", [401, 404, 404, 200]),
        // Bob has no line for the part: nothing to change (404); anna changes her own line.
        case(
            "update_cart_line",
            &[("part_id", &p), ("quantity", "1")],
            "anna",
            [401, 404, 404, 200],
        ),
        // Only the order's customer may say it is paid; strangers do not even see it.
        case(
            "set_order_status",
            &[("id", &o), ("status", "paid")],
            "anna",
            [401, 404, 404, 200],
        ),
        // Only the order's supplier ships, and only once paid (it just was): 200 for acme.
        case(
            "set_order_status",
            &[("id", &o), ("status", "shipped")],
            "acme",
            [401, 404, 404, 200],
        ),
        // The supplier may never confirm receipt; the customer may, now that it shipped.
        case(
            "set_order_status",
            &[("id", &o), ("status", "completed")],
            "anna",
            [401, 404, 404, 200],
        ),
        // Buying: suppliers cannot buy their own part.
        case(
            "add_to_cart",
            &[("part_id", &p), ("quantity", "1")],
            "acme",
            [401, 200, 200, 403],
        ),
        // A supplier's own shop.
        case("supplier_stats", &[], "acme", [401, 403, 200, 200]),
        case(
            "my_listings",
            &[("status", ""), ("q", "")],
            "acme",
            [401, 403, 200, 200],
        ),
        case("listing_form", &[("id", &p)], "acme", [401, 403, 404, 200]),
        case(
            "update_listing_field",
            &[("id", &p), ("field", "price"), ("value", "70")],
            "acme",
            [401, 403, 404, 200],
        ),
        case(
            "update_listing_field",
            &[("id", &p), ("field", "stock"), ("value", "12")],
            "acme",
            [401, 403, 404, 200],
        ),
        case(
            "archive_listing",
            &[("id", &p)],
            "acme",
            [401, 403, 404, 200],
        ),
        case(
            "restore_listing",
            &[("id", &p)],
            "acme",
            [401, 403, 404, 200],
        ),
        // Account changes act on the caller's own account only.
        case(
            "update_email",
            &[
                ("email", "new@example.com"),
                ("current_password", "wrong-password"),
            ],
            "anna",
            [401, 422, 422, 422],
        ),
    ]
}

#[sqlx::test]
async fn every_server_function_answers_each_actor_as_intended(pool: SqlitePool) {
    let world = World::new(pool).await;
    let mut checked = 0;
    let mut refused = 0;
    for case in cases(world.part, world.order) {
        for (i, actor) in ACTORS.into_iter().enumerate() {
            let before = world.fingerprint().await;
            let form: Vec<(&str, &str)> = case.form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let reply = world
                .app
                .call(case.endpoint, &form, world.cookie(actor, case.owner))
                .await;
            assert_eq!(
                reply.status.as_u16(),
                case.expect[i],
                "{} {:?} as {actor:?}: {}",
                case.endpoint,
                case.form,
                reply.body
            );
            if !reply.status.is_success() {
                refused += 1;
                assert_eq!(
                    world.fingerprint().await,
                    before,
                    "{} as {actor:?} was refused but changed data",
                    case.endpoint
                );
                // A refusal explains itself.
                let error: partwatch::error::AppError = serde_json::from_str(&reply.body).unwrap();
                assert!(!error.to_string().is_empty());
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 22 * 4);
    assert!(refused >= 40, "{refused}");
    // The owner's successful calls did what they said.
    let status: String = sqlx::query_scalar("SELECT status FROM orders WHERE id = ?")
        .bind(world.order)
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(status, "completed");
}

#[sqlx::test]
async fn cancel_and_remove_are_the_owners_alone(pool: SqlitePool) {
    let world = World::new(pool).await;
    let o = world.order.to_string();
    let p = world.part.to_string();
    for (actor, expect) in [
        (Actor::Visitor, 401),
        (Actor::Customer, 404),
        (Actor::OtherSupplier, 404),
    ] {
        let before = world.fingerprint().await;
        let reply = world
            .app
            .call(
                "set_order_status",
                &[("id", &o), ("status", "cancelled")],
                world.cookie(actor, "anna"),
            )
            .await;
        assert_eq!(reply.status.as_u16(), expect, "{actor:?}");
        assert_eq!(world.fingerprint().await, before);
    }
    // The supplier of the order may not cancel it either.
    let reply = world
        .app
        .call(
            "set_order_status",
            &[("id", &o), ("status", "cancelled")],
            Some(&world.acme),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    // Removing acts on the caller's own cart only: bob's remove leaves anna's line.
    let reply = world
        .app
        .call("remove_cart_line", &[("part_id", &p)], Some(&world.bob))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(world.app.count("cart_items").await, 1);
    let reply = world
        .app
        .call("remove_cart_line", &[("part_id", &p)], None)
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    world
        .ok("remove_cart_line", &[("part_id", &p)], &world.anna)
        .await;
    assert_eq!(world.app.count("cart_items").await, 0);
    world
        .ok(
            "set_order_status",
            &[("id", &o), ("status", "cancelled")],
            &world.anna,
        )
        .await;
}

/// A page as `actor` sees it: its status and where a redirect points.
async fn page(
    world: &World,
    path: &str,
    actor: Actor,
    owner: &str,
) -> (u16, Option<String>, String) {
    let reply = world.app.get(path, world.cookie(actor, owner)).await;
    (reply.status.as_u16(), reply.location(), reply.body)
}

#[sqlx::test]
async fn every_protected_page_answers_each_actor_as_intended(pool: SqlitePool) {
    let world = World::new(pool).await;
    let edit = format!("/listings/{}/edit", world.part);
    let order = format!("/orders/{}", world.order);
    for (path, owner, want) in [
        // (status, text that must be on the page) per actor: visitor, customer, other, owner.
        (
            "/listings",
            "acme",
            [
                (302, ""),
                (200, "Listings are for supplier accounts"),
                (200, "Your listings"),
                (200, "Disc"),
            ],
        ),
        (
            "/listings/new",
            "acme",
            [
                (302, ""),
                (200, "Listings are for supplier accounts"),
                (200, "New listing"),
                (200, "New listing"),
            ],
        ),
        (
            edit.as_str(),
            "acme",
            [
                (302, ""),
                (200, "Listings are for supplier accounts"),
                (404, "not found"),
                (200, "Disc"),
            ],
        ),
        (
            order.as_str(),
            "anna",
            [
                (302, ""),
                (404, "not found"),
                (404, "not found"),
                (200, "Anna Berg"),
            ],
        ),
        (
            "/orders",
            "anna",
            [
                (302, ""),
                (200, "No orders yet"),
                (200, "No orders for your parts yet"),
                (200, "Awaiting payment"),
            ],
        ),
        (
            "/profile",
            "anna",
            [(302, ""), (200, "bob"), (200, "brakeco"), (200, "anna")],
        ),
        (
            "/cart",
            "anna",
            [
                (200, "Log in to see your cart"),
                (200, "Your cart is empty"),
                (200, "Your cart is empty"),
                (200, "Disc"),
            ],
        ),
    ] {
        for (i, actor) in ACTORS.into_iter().enumerate() {
            let (status, location, body) = page(&world, path, actor, owner).await;
            let (want_status, want_text) = want[i];
            assert_eq!(status, want_status, "{path} as {actor:?}");
            if status == 302 {
                assert!(
                    location
                        .as_deref()
                        .is_some_and(|l| l.starts_with("/login?next=")),
                    "{path} as {actor:?} → {location:?}"
                );
            } else {
                assert!(
                    body.to_lowercase().contains(&want_text.to_lowercase()),
                    "{path} as {actor:?} lacks {want_text:?}"
                );
            }
            // Nobody but the parties sees the shipping address.
            if path == order && !matches!(actor, Actor::Owner) {
                assert!(
                    !body.contains("Hauptstr"),
                    "{path} leaks the address to {actor:?}"
                );
            }
        }
    }
    // The order's supplier sees it too, with the address to ship to.
    let (status, _, body) = page(&world, &order, Actor::Owner, "acme").await;
    assert_eq!(status, 200);
    assert!(body.contains("Hauptstr. 1"));
}

#[sqlx::test]
async fn the_listing_form_post_edits_only_the_owners_part(pool: SqlitePool) {
    let world = World::new(pool).await;
    let edit = format!("/listings/{}/edit", world.part);
    let form = "--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nHijacked\r\n\
                --x\r\nContent-Disposition: form-data; name=\"manufacturer\"\r\n\r\nBrembo\r\n\
                --x\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nX1\r\n\
                --x\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nA disc.\r\n\
                --x\r\nContent-Disposition: form-data; name=\"price\"\r\n\r\n1\r\n\
                --x\r\nContent-Disposition: form-data; name=\"stock\"\r\n\r\n1\r\n\
                --x\r\nContent-Disposition: form-data; name=\"delivery\"\r\n\r\n1-2_days\r\n--x--\r\n";
    for (actor, expect) in [
        (Actor::Visitor, 302),
        (Actor::Customer, 200),
        (Actor::OtherSupplier, 404),
    ] {
        let before = world.fingerprint().await;
        let mut request = Request::post(&edit)
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x");
        if let Some(cookie) = world.cookie(actor, "acme") {
            request = request.header(header::COOKIE, cookie);
        }
        let reply = world
            .app
            .send(request.body(Body::from(form)).unwrap())
            .await;
        assert_eq!(reply.status.as_u16(), expect, "{actor:?}");
        assert_eq!(
            world.fingerprint().await,
            before,
            "{actor:?} changed the part"
        );
    }
    let reply = world
        .app
        .send(
            Request::post(&edit)
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
                .header(header::COOKIE, &world.acme)
                .body(Body::from(form))
                .unwrap(),
        )
        .await;
    assert!(reply.status.is_redirection(), "{}", reply.status);
    let name: String = sqlx::query_scalar("SELECT name FROM parts WHERE id = ?")
        .bind(world.part)
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(name, "Hijacked", "the owner's edit went through");
}
