//! Cart, checkout and the order workflow through the real router, with real cookies: who may
//! see and change which order, and that a replayed checkout does not order twice.

use crate::common::{self, checkout, FnCall, World};
use partwatch::server::db::DbPool;

use axum::http::StatusCode;
use partwatch::{
    cart::api::{AddToCart, RemoveCartLine, UpdateCartLine},
    orders::api::CartForCheckout,
    orders::{
        api::{MyOrders, OrderDetail, OrdersToShip, PlaceOrder},
        MAX_UNPAID_UNITS_PER_PART,
    },
};

const KEY: &str = "checkoutkey0000000001";
const CART: &str = "http://localhost/cart";

/// Posts the checkout form (as the hydrated page does) with the total the customer saw.
async fn place(shop: &World, total: i64, cookie: Option<&str>) -> common::Reply {
    shop.app.call_fn(checkout(KEY, total), cookie).await
}

/// Anna buys 2 discs and 1 pad; returns the two order ids (Acme's first).
async fn anna_orders(shop: &World) -> (i64, i64) {
    shop.add_to_cart(&shop.anna, shop.disc, 2).await;
    shop.add_to_cart(&shop.anna, shop.pad, 1).await;
    let reply = place(shop, 14930, Some(&shop.anna)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let ids: Vec<i64> = serde_json::from_value(reply.json()).unwrap();
    assert_eq!(ids.len(), 2);
    (ids[0], ids[1])
}

/// The orders view of `cookie`'s account.
async fn my_orders(shop: &World, view: &str, cookie: &str) -> serde_json::Value {
    let args = MyOrders {
        view: view.into(),
        page: 1,
    };
    shop.app.call_fn(args, Some(cookie)).await.json()
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn customer_cannot_see_or_change_another_customers_order(pool: DbPool) {
    let shop = World::shop(pool).await;
    let (acme_order, _) = anna_orders(&shop).await;
    let id = acme_order.to_string();
    let detail = || OrderDetail { id: acme_order };

    // Bob: not found, everywhere, and nothing changes.
    let reply = shop.app.call_fn(detail(), Some(&shop.bob)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
    for status in ["paid", "cancelled", "completed", "shipped"] {
        let reply = shop.step(Some(&shop.bob), acme_order, status).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{status}: {}",
            reply.body
        );
    }
    assert_eq!(shop.app.order_status(acme_order).await, "awaiting_payment");
    assert_eq!(
        shop.stock(shop.disc).await,
        3,
        "a refused cancel returned nothing"
    );
    let page = shop
        .app
        .get(&format!("/orders/{id}"), Some(&shop.bob))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.body.contains("Anna Berg"), "no shipping details leak");
    let list = shop.app.get("/orders", Some(&shop.bob)).await;
    assert!(!list.body.contains("PW-"), "bob's list shows no orders");

    // The other supplier: not found too.
    let reply = shop.app.call_fn(detail(), Some(&shop.brakeco)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // Visitors: asked to log in.
    let reply = shop.app.call_fn(detail(), None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reply = shop.step(None, acme_order, "paid").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let page = shop.app.get(&format!("/orders/{id}"), None).await;
    assert!(page.status.is_redirection(), "{}", page.status);
    assert_eq!(
        page.location().as_deref(),
        Some(format!("/login?next=/orders/{id}").as_str())
    );
    assert_eq!(shop.app.order_status(acme_order).await, "awaiting_payment");

    // Anna and Acme see it.
    let page = shop
        .app
        .get(&format!("/orders/{id}"), Some(&shop.anna))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("PW-{acme_order:06}")));
    assert!(page.body.contains("Pay by bank transfer"));
    let page = shop
        .app
        .get(&format!("/orders/{id}"), Some(&shop.acme))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Anna Berg") && page.body.contains("10115 Berlin"));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn supplier_cannot_ship_another_suppliers_order_or_before_payment(pool: DbPool) {
    let shop = World::shop(pool).await;
    let (acme_order, brakeco_order) = anna_orders(&shop).await;

    let reply = shop.step(Some(&shop.brakeco), acme_order, "shipped").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
    let reply = shop.step(Some(&shop.acme), acme_order, "shipped").await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.body.contains("cannot be shipped before it is paid"),
        "{}",
        reply.body
    );
    // A supplier cannot mark its order paid either, nor the customer ship it.
    let reply = shop.step(Some(&shop.acme), acme_order, "paid").await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(shop.app.order_status(acme_order).await, "awaiting_payment");

    let reply = shop.step(Some(&shop.anna), acme_order, "paid").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reply = shop.step(Some(&shop.anna), acme_order, "shipped").await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.body.contains("Only the supplier"), "{}", reply.body);
    let count = shop.app.call_fn(OrdersToShip {}, Some(&shop.acme)).await;
    assert_eq!(count.json(), 1);
    let count = shop.app.call_fn(OrdersToShip {}, Some(&shop.brakeco)).await;
    assert_eq!(count.json(), 0);
    let reply = shop.step(Some(&shop.brakeco), acme_order, "shipped").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(shop.app.order_status(acme_order).await, "paid");

    let reply = shop.step(Some(&shop.acme), acme_order, "shipped").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reply = shop.step(Some(&shop.anna), acme_order, "completed").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(shop.app.order_status(acme_order).await, "completed");

    // Unknown statuses are a clear 400, not a 500.
    let reply = shop.step(Some(&shop.anna), brakeco_order, "refunded").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    // Cancelling the other order puts its stock back.
    assert_eq!(shop.stock(shop.pad).await, 2);
    let reply = shop
        .step(Some(&shop.anna), brakeco_order, "cancelled")
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(shop.stock(shop.pad).await, 3);
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn replaying_a_checkout_form_post_creates_no_second_order(pool: DbPool) {
    let shop = World::shop(pool).await;
    shop.add_to_cart(&shop.anna, shop.disc, 1).await;
    shop.add_to_cart(&shop.anna, shop.pad, 1).await;
    // A browser without JavaScript posts the form, then posts it again (double click, back
    // and resubmit).
    for _ in 0..3 {
        let reply = shop
            .app
            .post_html_fn(checkout(KEY, 8440), CART, Some(&shop.anna))
            .await;
        assert!(
            reply.status.is_redirection(),
            "{}: {}",
            reply.status,
            reply.body
        );
        assert_eq!(reply.location().as_deref(), Some("/orders?placed=2"));
    }
    // And the hydrated page's call too.
    let reply = place(&shop, 8440, Some(&shop.anna)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(shop.app.count("orders").await, 2);
    assert_eq!(shop.app.count("purchases").await, 2);
    assert_eq!(shop.stock(shop.disc).await, 4);
    assert_eq!(shop.stock(shop.pad).await, 2);
    let page = shop.app.get("/orders?placed=2", Some(&shop.anna)).await;
    assert!(page.body.contains("Order placed"));
    assert!(page.body.contains("I have paid"));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn a_checkout_that_cannot_be_served_names_the_line_and_writes_nothing(pool: DbPool) {
    let shop = World::shop(pool).await;
    shop.add_to_cart(&shop.anna, shop.disc, 1).await;
    shop.add_to_cart(&shop.anna, shop.pad, 3).await;
    // Bob buys a pad first.
    shop.add_to_cart(&shop.bob, shop.pad, 1).await;
    let reply = place(&shop, 1950, Some(&shop.bob)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    let reply = place(&shop, 12340, Some(&shop.anna)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("Brake pad set: Only 2 left"),
        "{}",
        reply.body
    );
    assert_eq!(shop.app.count("orders").await, 1, "only bob's");
    assert_eq!(shop.stock(shop.disc).await, 5);
    // The cart page flags the line and will not place the order.
    let page = shop.app.get("/cart", Some(&shop.anna)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains("Only 2 left. Lower the quantity to order."));
    assert!(page.body.contains("Fix the flagged lines"));

    // Anna lowers the quantity: too many is refused, what is left is fine.
    let set = |quantity| {
        let line = UpdateCartLine {
            part_id: shop.pad,
            quantity,
        };
        shop.app.call_fn(line, Some(&shop.anna))
    };
    assert_eq!(set(3).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(set(0).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(set(2).await.json(), 3);
    // The price the customer saw is part of the form: a stale total is refused.
    let reply = place(&shop, 12340, Some(&shop.anna)).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.body.contains("the total is now €103.90"),
        "{}",
        reply.body
    );
    let reply = place(&shop, 10390, Some(&shop.anna)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(shop.stock(shop.pad).await, 0);
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn checkout_input_is_checked(pool: DbPool) {
    let shop = World::shop(pool).await;
    shop.add_to_cart(&shop.anna, shop.disc, 1).await;
    let with = |change: fn(&mut PlaceOrder)| {
        let mut form = checkout(KEY, 6490);
        change(&mut form);
        form
    };
    // A total that is not a number does not fit the typed form: sent as the raw body.
    let mut not_a_number = FnCall::of(checkout(KEY, 6490));
    not_a_number.body = not_a_number
        .body
        .replace("expected_total=6490", "expected_total=lots");
    for (field, call, expect) in [
        (
            "shipping_name",
            FnCall::of(with(|f| f.shipping_name.clear())),
            "Enter the name",
        ),
        (
            "shipping_address",
            FnCall::of(with(|f| f.shipping_address = "x".into())),
            "Enter the full address",
        ),
        (
            "checkout_key",
            FnCall::of(with(|f| f.checkout_key = "short".into())),
            "form has expired",
        ),
        ("expected_total", not_a_number, "could not be read"),
    ] {
        let reply = shop.app.send_call(&call, Some(&shop.anna)).await;
        assert!(reply.status.is_client_error(), "{field}: {}", reply.status);
        assert!(reply.body.contains(expect), "{field}: {}", reply.body);
    }
    // Without JavaScript the error comes back to the cart page, beside the field.
    let reply = shop
        .app
        .post_html_fn(
            with(|f| f.shipping_name = "A".into()),
            CART,
            Some(&shop.anna),
        )
        .await;
    assert!(reply.status.is_redirection());
    let back = reply.location().unwrap();
    let back = back.trim_start_matches("http://localhost");
    assert!(back.starts_with("/cart?"), "{back}");
    let page = shop.app.get(back, Some(&shop.anna)).await;
    assert!(page.body.contains("Enter the full name."), "{}", page.body);
    assert!(page.body.contains("Brake disc"), "the cart is still there");

    let reply = place(&shop, 6490, None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(shop.app.count("orders").await, 0);
    assert_eq!(shop.app.count("checkouts").await, 0);
    // An empty cart has nothing to order.
    let reply = place(&shop, 6490, Some(&shop.bob)).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.body.contains("Your cart is empty"));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn cart_lines_are_changed_and_removed_by_their_owner_only(pool: DbPool) {
    let shop = World::shop(pool).await;
    shop.add_to_cart(&shop.anna, shop.disc, 1).await;
    let line = |quantity| UpdateCartLine {
        part_id: shop.disc,
        quantity,
    };
    let remove = || RemoveCartLine { part_id: shop.disc };
    let reply = shop.app.call_fn(line(2), Some(&shop.bob)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "bob has no such line");
    let reply = shop.app.call_fn(line(2), None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reply = shop.app.call_fn(remove(), Some(&shop.bob)).await;
    assert_eq!(reply.json(), 0);
    let cart = shop.app.call_fn(CartForCheckout {}, Some(&shop.anna)).await;
    assert_eq!(
        cart.json()["lines"][0]["quantity"],
        1,
        "anna's line untouched"
    );
    assert_eq!(cart.json()["total"], 6490);
    // No-JS stepper: a plain post goes back to the cart.
    let reply = shop.app.post_html_fn(line(3), CART, Some(&shop.anna)).await;
    assert!(reply.status.is_redirection());
    assert!(reply
        .location()
        .is_some_and(|to| to.starts_with("http://localhost/cart")));
    let page = shop.app.get("/cart", Some(&shop.anna)).await;
    assert!(page.body.contains("€194.70"), "3 × €64.90");
    let reply = shop.app.call_fn(remove(), Some(&shop.anna)).await;
    assert_eq!(reply.json(), 0);
    let page = shop.app.get("/cart", Some(&shop.anna)).await;
    assert!(page.body.contains("Your cart is empty"));
    let page = shop.app.get("/cart", None).await;
    assert!(page.body.contains("Log in to see your cart"));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn suppliers_buy_from_others_but_never_their_own_parts(pool: DbPool) {
    let shop = World::shop(pool).await;
    let reply = shop
        .app
        .call_fn(
            AddToCart {
                part_id: shop.disc,
                quantity: 1,
            },
            Some(&shop.acme),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    shop.add_to_cart(&shop.acme, shop.pad, 1).await;
    let reply = place(&shop, 1950, Some(&shop.acme)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let list = my_orders(&shop, "purchases", &shop.acme).await;
    assert_eq!(list["orders"].as_array().unwrap().len(), 1);
    let list = my_orders(&shop, "sales", &shop.brakeco).await;
    assert_eq!(list["orders"][0]["customer"], "acme");
    // A customer asking for the sales view gets their purchases.
    let list = my_orders(&shop, "sales", &shop.bob).await;
    assert_eq!(list["view"], "Purchases");
}

async fn placed_at(app: &common::TestApp, order: i64) -> i64 {
    sqlx::query_scalar("SELECT created_at FROM orders WHERE id = $1")
        .bind(order)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn the_customer_sees_the_payment_deadline_and_why_an_unpaid_order_was_cancelled(
    pool: DbPool,
) {
    let shop = World::shop(pool).await;
    let (acme_order, brakeco_order) = anna_orders(&shop).await;
    let window = shop.app.config.payment_window;
    assert_eq!(
        window.as_secs(),
        7 * 86_400,
        "PARTWATCH_PAYMENT_DAYS defaults to 7"
    );
    let deadline = placed_at(&shop.app, acme_order).await + 7 * 86_400;
    let date = partwatch::time::format_time(deadline);

    // The order page and the list show the customer the date, rendered on the server from the
    // order's data; the same data reaches the browser, so hydration reads the same date.
    let page = shop
        .app
        .get(&format!("/orders/{acme_order}"), Some(&shop.anna))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!(
            "Pay by {date}. Unpaid orders are cancelled then, and the parts go back on sale."
        )),
        "{}",
        page.body
    );
    assert!(page.body.contains("data-testid=\"pay-by-date\""));
    let list = shop.app.get("/orders", Some(&shop.anna)).await;
    assert!(
        list.body.contains(&format!("Pay by {date}.")),
        "{}",
        list.body
    );
    let detail = shop
        .app
        .call_fn(OrderDetail { id: acme_order }, Some(&shop.anna))
        .await;
    assert_eq!(detail.json()["pay_by"], deadline);
    // The supplier is told when an unpaid order lapses.
    let page = shop
        .app
        .get(&format!("/orders/{acme_order}"), Some(&shop.acme))
        .await;
    assert!(
        page.body.contains(&format!("If it is not paid by {date}")),
        "{}",
        page.body
    );

    // Nobody pays. At the deadline the expiry cancels both orders and the stock is back.
    assert_eq!(
        (shop.stock(shop.disc).await, shop.stock(shop.pad).await),
        (3, 2)
    );
    let last_placed = placed_at(&shop.app, brakeco_order)
        .await
        .max(placed_at(&shop.app, acme_order).await);
    let now = last_placed + 7 * 86_400;
    let expired = partwatch::orders::db::expire_unpaid(&shop.app.pool, now, window)
        .await
        .unwrap();
    assert_eq!(expired, 2);
    assert_eq!(
        (shop.stock(shop.disc).await, shop.stock(shop.pad).await),
        (5, 3)
    );
    let page = shop
        .app
        .get(&format!("/orders/{acme_order}"), Some(&shop.anna))
        .await;
    assert!(page.body.contains("data-status=\"cancelled\""));
    assert!(
        page.body.contains(&format!(
            "Cancelled: not paid by {date}. The parts went back on sale."
        )),
        "{}",
        page.body
    );
    assert!(page.body.contains("Cancelled (not paid in time)"));
    assert!(
        !page.body.contains("Pay by bank transfer"),
        "no payment asked any more"
    );
    // Paying it late is refused.
    let reply = shop.step(Some(&shop.anna), acme_order, "paid").await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn a_checkout_over_the_unpaid_cap_is_refused_naming_the_part_and_what_is_left(pool: DbPool) {
    let cap = MAX_UNPAID_UNITS_PER_PART;
    let (held, left, asked) = (cap - 5, 5, 10);
    let shop = World::shop(pool).await;
    let plugs = shop.app.part("acme", "Spark plug", 300, 5 * cap).await;
    let place = |key: &'static str, units: i64| {
        shop.app
            .call_fn(checkout(key, units * 300), Some(&shop.anna))
    };
    shop.add_to_cart(&shop.anna, plugs, held).await;
    let reply = place("capkey00000000000001", held).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let first: Vec<i64> = serde_json::from_value(reply.json()).unwrap();

    // Some unpaid, more asked for than the cap leaves.
    shop.add_to_cart(&shop.anna, plugs, asked).await;
    let reply = place("capkey00000000000002", asked).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    assert!(
        reply.body.contains(&format!(
            "Spark plug: Your unpaid orders already hold {held} of this part, and at most {cap} \
             can wait for payment at a time: you may order {left} more now."
        )),
        "{}",
        reply.body
    );
    assert_eq!(shop.app.count("orders").await, 1, "nothing written");
    assert_eq!(shop.stock(plugs).await, 5 * cap - held);

    // Without JavaScript the message comes back on the cart page.
    let reply = shop
        .app
        .post_html_fn(
            checkout("capkey00000000000003", asked * 300),
            CART,
            Some(&shop.anna),
        )
        .await;
    assert!(reply.status.is_redirection(), "{}", reply.status);
    let back = reply.location().unwrap();
    let back = back.trim_start_matches("http://localhost");
    let page = shop.app.get(back, Some(&shop.anna)).await;
    assert!(
        page.body
            .contains(&format!("you may order {left} more now")),
        "{}",
        page.body
    );
    assert_eq!(shop.app.count("orders").await, 1);

    // Once the first order is paid, the rest may be ordered.
    let reply = shop.step(Some(&shop.anna), first[0], "paid").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reply = place("capkey00000000000004", asked).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(shop.stock(plugs).await, 5 * cap - held - asked);
}
