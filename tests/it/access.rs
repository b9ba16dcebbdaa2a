//! The access matrix: every server function and every protected route, called by each of
//! logged out / a customer / another supplier / the owner, gets the intended answer, and a
//! refusal leaves the database exactly as it was.

use crate::common::{self, FnCall, World};
use partwatch::server::db::DbPool;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use partwatch::{
    auth::api::{CurrentUser, UpdateEmail},
    cart::api::{AddToCart, CartCount, RemoveCartLine, UpdateCartLine},
    catalogue::api::SearchCatalogue,
    listings::api::{ArchiveListing, ListingForm, MyListings, RestoreListing, UpdateListingField},
    orders::api::CartForCheckout,
    orders::api::{MyOrders, OrderDetail, OrdersToShip, SetOrderStatus},
    parts::api::{NewestParts, PartDetail, SupplierStats},
};

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

/// The shared world, with one more of acme's discs in anna's cart (she has one in her order).
async fn world(pool: DbPool) -> World {
    let world = World::new(pool).await;
    world.add_to_cart(&world.anna, world.disc, 1).await;
    world
}

/// The cookie of `actor` for an object owned by `owner`.
fn cookie<'w>(world: &'w World, actor: Actor, owner: &str) -> Option<&'w str> {
    match actor {
        Actor::Visitor => None,
        Actor::Customer => Some(&world.bob),
        Actor::OtherSupplier => Some(&world.brakeco),
        Actor::Owner => Some(if owner == "anna" {
            &world.anna
        } else {
            &world.acme
        }),
    }
}

/// One row of the matrix: a server-function call, whose object it touches, and the status
/// each actor must get (visitor, customer, other supplier, owner).
struct Case {
    call: FnCall,
    owner: &'static str,
    expect: [u16; 4],
}

fn cases(part: i64, order: i64) -> Vec<Case> {
    let case = |call, owner, expect| Case {
        call,
        owner,
        expect,
    };
    let field = |field: &str, value: &str| {
        FnCall::of(UpdateListingField {
            id: part,
            field: field.into(),
            value: value.into(),
        })
    };
    let status = |status: &str| {
        FnCall::of(SetOrderStatus {
            id: order,
            status: status.into(),
        })
    };
    vec![
        // Public reads.
        case(FnCall::of(CurrentUser {}), "acme", [200, 200, 200, 200]),
        case(FnCall::of(CartCount {}), "anna", [200, 200, 200, 200]),
        case(FnCall::of(OrdersToShip {}), "acme", [200, 200, 200, 200]),
        case(
            FnCall::of(NewestParts { limit: 8 }),
            "acme",
            [200, 200, 200, 200],
        ),
        case(
            FnCall::of(PartDetail { id: part }),
            "acme",
            [200, 200, 200, 200],
        ),
        case(
            FnCall::of(SearchCatalogue {
                query: "q=disc".into(),
            }),
            "acme",
            [200, 200, 200, 200],
        ),
        // A customer's own things: their cart, their orders.
        case(FnCall::of(CartForCheckout {}), "anna", [401, 200, 200, 200]),
        case(
            FnCall::of(MyOrders {
                view: "purchases".into(),
                page: 1,
            }),
            "anna",
            [401, 200, 200, 200],
        ),
        case(
            FnCall::of(OrderDetail { id: order }),
            "anna",
            [401, 404, 404, 200],
        ),
        // Bob has no line for the part: nothing to change (404); anna changes her own line.
        case(
            FnCall::of(UpdateCartLine {
                part_id: part,
                quantity: 1,
            }),
            "anna",
            [401, 404, 404, 200],
        ),
        // Only the order's customer may say it is paid; strangers do not even see it.
        case(status("paid"), "anna", [401, 404, 404, 200]),
        // Only the order's supplier ships, and only once paid (it just was): 200 for acme.
        case(status("shipped"), "acme", [401, 404, 404, 200]),
        // The supplier may never confirm receipt; the customer may, now that it shipped.
        case(status("completed"), "anna", [401, 404, 404, 200]),
        // Buying: suppliers cannot buy their own part.
        case(
            FnCall::of(AddToCart {
                part_id: part,
                quantity: 1,
            }),
            "acme",
            [401, 200, 200, 403],
        ),
        // A supplier's own shop.
        case(FnCall::of(SupplierStats {}), "acme", [401, 403, 200, 200]),
        case(
            FnCall::of(MyListings {
                status: String::new(),
                q: String::new(),
            }),
            "acme",
            [401, 403, 200, 200],
        ),
        case(
            FnCall::of(ListingForm { id: Some(part) }),
            "acme",
            [401, 403, 404, 200],
        ),
        case(field("price", "70"), "acme", [401, 403, 404, 200]),
        case(field("stock", "12"), "acme", [401, 403, 404, 200]),
        case(
            FnCall::of(ArchiveListing { id: part }),
            "acme",
            [401, 403, 404, 200],
        ),
        case(
            FnCall::of(RestoreListing { id: part }),
            "acme",
            [401, 403, 404, 200],
        ),
        // Account changes act on the caller's own account only.
        case(
            FnCall::of(UpdateEmail {
                email: "new@example.com".into(),
                current_password: "wrong-password".into(),
            }),
            "anna",
            [401, 422, 422, 422],
        ),
    ]
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn every_server_function_answers_each_actor_as_intended(pool: DbPool) {
    let world = world(pool).await;
    let mut checked = 0;
    let mut refused = 0;
    for case in cases(world.disc, world.order) {
        for (i, actor) in ACTORS.into_iter().enumerate() {
            let before = common::snapshot(&world.app.pool).await;
            let reply = world
                .app
                .send_call(&case.call, cookie(&world, actor, case.owner))
                .await;
            assert_eq!(
                reply.status.as_u16(),
                case.expect[i],
                "{} {} as {actor:?}: {}",
                case.call.path,
                case.call.body,
                reply.body
            );
            if !reply.status.is_success() {
                refused += 1;
                assert_eq!(
                    common::snapshot(&world.app.pool).await,
                    before,
                    "{} as {actor:?} was refused but changed data",
                    case.call.path
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
    assert_eq!(world.app.order_status(world.order).await, "completed");
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn cancel_and_remove_are_the_owners_alone(pool: DbPool) {
    let world = world(pool).await;
    let remove = || RemoveCartLine {
        part_id: world.disc,
    };
    for (actor, expect) in [
        (Actor::Visitor, 401),
        (Actor::Customer, 404),
        (Actor::OtherSupplier, 404),
    ] {
        let before = common::snapshot(&world.app.pool).await;
        let reply = world
            .step(cookie(&world, actor, "anna"), world.order, "cancelled")
            .await;
        assert_eq!(reply.status.as_u16(), expect, "{actor:?}");
        assert_eq!(common::snapshot(&world.app.pool).await, before);
    }
    // The supplier of the order may not cancel it either.
    let reply = world
        .step(Some(&world.acme), world.order, "cancelled")
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    // Removing acts on the caller's own cart only: bob's remove leaves anna's line.
    let reply = world.app.call_fn(remove(), Some(&world.bob)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(world.app.count("cart_items").await, 1);
    let reply = world.app.call_fn(remove(), None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reply = world.app.call_fn(remove(), Some(&world.anna)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(world.app.count("cart_items").await, 0);
    let reply = world
        .step(Some(&world.anna), world.order, "cancelled")
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

/// A page as `actor` sees it: its status and where a redirect points.
async fn page(
    world: &World,
    path: &str,
    actor: Actor,
    owner: &str,
) -> (u16, Option<String>, String) {
    let reply = world.app.get(path, cookie(world, actor, owner)).await;
    (reply.status.as_u16(), reply.location(), reply.body)
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn every_protected_page_answers_each_actor_as_intended(pool: DbPool) {
    let world = world(pool).await;
    let edit = format!("/listings/{}/edit", world.disc);
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

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn the_listing_form_post_edits_only_the_owners_part(pool: DbPool) {
    let world = world(pool).await;
    let edit = format!("/listings/{}/edit", world.disc);
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
        let before = common::snapshot(&world.app.pool).await;
        let mut request = Request::post(&edit)
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x");
        if let Some(cookie) = cookie(&world, actor, "acme") {
            request = request.header(header::COOKIE, cookie);
        }
        let reply = world
            .app
            .send(request.body(Body::from(form)).unwrap())
            .await;
        assert_eq!(reply.status.as_u16(), expect, "{actor:?}");
        assert_eq!(
            common::snapshot(&world.app.pool).await,
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
    let name: String = world.app.part_column(world.disc, "name").await;
    assert_eq!(name, "Hijacked", "the owner's edit went through");
}
