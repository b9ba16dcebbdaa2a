//! Cart, checkout and the order workflow through the real router, with real cookies: who may
//! see and change which order, and that a replayed checkout does not order twice.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use partwatch::parts::{
    db::{insert_part, NewPart, PartFields},
    Cents, DeliveryEstimate,
};
use sqlx::SqlitePool;

const PW: &str = "a-long-password";
const KEY: &str = "checkoutkey0000000001";

/// Two suppliers with one part each, two customers. Everyone's session cookie and the parts.
struct Shop {
    app: TestApp,
    acme: String,
    brakeco: String,
    anna: String,
    bob: String,
    /// Acme's disc: €64.90, 5 in stock.
    disc: i64,
    /// Brakeco's pad: €19.50, 3 in stock.
    pad: i64,
}

async fn user_id(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE username = ?")
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn part(app: &TestApp, supplier: &str, name: &str, price: i64, stock: i64) -> i64 {
    insert_part(
        &app.pool,
        &NewPart {
            supplier_id: user_id(app, supplier).await,
            fields: PartFields {
                name,
                manufacturer: "Brembo",
                model: "X-1",
                description: "A dependable part.",
                price: Cents(price),
                stock,
                delivery: DeliveryEstimate::Days1To2,
            },
            image_key: None,
        },
    )
    .await
    .unwrap()
}

async fn shop(pool: SqlitePool) -> Shop {
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
    let disc = part(&app, "acme", "Brake disc", 6490, 5).await;
    let pad = part(&app, "brakeco", "Brake pad set", 1950, 3).await;
    Shop {
        app,
        acme,
        brakeco,
        anna,
        bob,
        disc,
        pad,
    }
}

impl Shop {
    async fn add(&self, cookie: &str, part: i64, quantity: i64) {
        let reply = self
            .app
            .call(
                "add_to_cart",
                &[
                    ("part_id", &part.to_string()),
                    ("quantity", &quantity.to_string()),
                ],
                Some(cookie),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }

    fn checkout_form(&self, total: &str) -> Vec<(&'static str, String)> {
        vec![
            ("shipping_name", "Anna Berg".into()),
            ("shipping_address", "Hauptstr. 1\n10115 Berlin".into()),
            ("checkout_key", KEY.into()),
            ("expected_total", total.into()),
        ]
    }

    /// Posts the checkout form (as the hydrated page does) with the total the customer saw.
    async fn place(&self, total: &str, cookie: Option<&str>) -> common::Reply {
        let form = self.checkout_form(total);
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.app.call("place_order", &form, cookie).await
    }

    /// Anna buys 2 discs and 1 pad; returns the two order ids (Acme's first).
    async fn anna_orders(&self) -> (i64, i64) {
        self.add(&self.anna, self.disc, 2).await;
        self.add(&self.anna, self.pad, 1).await;
        let reply = self.place("14930", Some(&self.anna)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let ids: Vec<i64> = serde_json::from_value(reply.json()).unwrap();
        assert_eq!(ids.len(), 2);
        (ids[0], ids[1])
    }

    async fn step(&self, cookie: &str, id: i64, status: &str) -> common::Reply {
        self.app
            .call(
                "set_order_status",
                &[("id", &id.to_string()), ("status", status)],
                Some(cookie),
            )
            .await
    }

    async fn status(&self, id: i64) -> String {
        sqlx::query_scalar("SELECT status FROM orders WHERE id = ?")
            .bind(id)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }

    async fn stock(&self, part: i64) -> i64 {
        sqlx::query_scalar("SELECT stock FROM parts WHERE id = ?")
            .bind(part)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }
}

#[sqlx::test]
async fn customer_cannot_see_or_change_another_customers_order(pool: SqlitePool) {
    let shop = shop(pool).await;
    let (acme_order, _) = shop.anna_orders().await;
    let id = acme_order.to_string();

    // Bob: not found, everywhere, and nothing changes.
    let reply = shop
        .app
        .call("order_detail", &[("id", &id)], Some(&shop.bob))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
    for status in ["paid", "cancelled", "completed", "shipped"] {
        let reply = shop.step(&shop.bob, acme_order, status).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{status}: {}",
            reply.body
        );
    }
    assert_eq!(shop.status(acme_order).await, "awaiting_payment");
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
    let reply = shop
        .app
        .call("order_detail", &[("id", &id)], Some(&shop.brakeco))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // Visitors: asked to log in.
    let reply = shop.app.call("order_detail", &[("id", &id)], None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reply = shop.step("", acme_order, "paid").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let page = shop.app.get(&format!("/orders/{id}"), None).await;
    assert!(page.status.is_redirection(), "{}", page.status);
    assert_eq!(
        page.location().as_deref(),
        Some(format!("/login?next=/orders/{id}").as_str())
    );
    assert_eq!(shop.status(acme_order).await, "awaiting_payment");

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

#[sqlx::test]
async fn supplier_cannot_ship_another_suppliers_order_or_before_payment(pool: SqlitePool) {
    let shop = shop(pool).await;
    let (acme_order, brakeco_order) = shop.anna_orders().await;

    let reply = shop.step(&shop.brakeco, acme_order, "shipped").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
    let reply = shop.step(&shop.acme, acme_order, "shipped").await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.body.contains("cannot be shipped before it is paid"),
        "{}",
        reply.body
    );
    // A supplier cannot mark its order paid either, nor the customer ship it.
    let reply = shop.step(&shop.acme, acme_order, "paid").await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(shop.status(acme_order).await, "awaiting_payment");

    let reply = shop.step(&shop.anna, acme_order, "paid").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reply = shop.step(&shop.anna, acme_order, "shipped").await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.body.contains("Only the supplier"), "{}", reply.body);
    let count = shop.app.call("orders_to_ship", &[], Some(&shop.acme)).await;
    assert_eq!(count.json(), 1);
    let count = shop
        .app
        .call("orders_to_ship", &[], Some(&shop.brakeco))
        .await;
    assert_eq!(count.json(), 0);
    let reply = shop.step(&shop.brakeco, acme_order, "shipped").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(shop.status(acme_order).await, "paid");

    let reply = shop.step(&shop.acme, acme_order, "shipped").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reply = shop.step(&shop.anna, acme_order, "completed").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(shop.status(acme_order).await, "completed");

    // Unknown statuses are a clear 400, not a 500.
    let reply = shop.step(&shop.anna, brakeco_order, "refunded").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    // Cancelling the other order puts its stock back.
    assert_eq!(shop.stock(shop.pad).await, 2);
    let reply = shop.step(&shop.anna, brakeco_order, "cancelled").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(shop.stock(shop.pad).await, 3);
}

#[sqlx::test]
async fn replaying_a_checkout_form_post_creates_no_second_order(pool: SqlitePool) {
    let shop = shop(pool).await;
    shop.add(&shop.anna, shop.disc, 1).await;
    shop.add(&shop.anna, shop.pad, 1).await;
    let form = shop.checkout_form("8440");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // A browser without JavaScript posts the form, then posts it again (double click, back
    // and resubmit).
    for _ in 0..3 {
        let reply = shop
            .app
            .post_html_form(
                "place_order",
                &form,
                "http://localhost/cart",
                Some(&shop.anna),
            )
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
    let reply = shop.app.call("place_order", &form, Some(&shop.anna)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(shop.app.count("orders").await, 2);
    assert_eq!(shop.app.count("purchases").await, 2);
    assert_eq!(shop.stock(shop.disc).await, 4);
    assert_eq!(shop.stock(shop.pad).await, 2);
    let page = shop.app.get("/orders?placed=2", Some(&shop.anna)).await;
    assert!(page.body.contains("Order placed"));
    assert!(page.body.contains("I have paid"));
}

#[sqlx::test]
async fn a_checkout_that_cannot_be_served_names_the_line_and_writes_nothing(pool: SqlitePool) {
    let shop = shop(pool).await;
    shop.add(&shop.anna, shop.disc, 1).await;
    shop.add(&shop.anna, shop.pad, 3).await;
    // Bob buys a pad first.
    shop.add(&shop.bob, shop.pad, 1).await;
    let reply = shop.place("1950", Some(&shop.bob)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    let reply = shop.place("12340", Some(&shop.anna)).await;
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
    let set = |q: &'static str| {
        let pad = shop.pad.to_string();
        let anna = shop.anna.clone();
        let app = &shop.app;
        async move {
            app.call(
                "update_cart_line",
                &[("part_id", &pad), ("quantity", q)],
                Some(&anna),
            )
            .await
        }
    };
    assert_eq!(set("3").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(set("0").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(set("2").await.json(), 3);
    // The price the customer saw is part of the form: a stale total is refused.
    let reply = shop.place("12340", Some(&shop.anna)).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.body.contains("the total is now €103.90"),
        "{}",
        reply.body
    );
    let reply = shop.place("10390", Some(&shop.anna)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(shop.stock(shop.pad).await, 0);
}

#[sqlx::test]
async fn checkout_input_is_checked(pool: SqlitePool) {
    let shop = shop(pool).await;
    shop.add(&shop.anna, shop.disc, 1).await;
    for (field, value, expect) in [
        ("shipping_name", "", "Enter the name"),
        ("shipping_address", "x", "Enter the full address"),
        ("checkout_key", "short", "form has expired"),
        ("expected_total", "lots", "could not be read"),
    ] {
        let mut form = shop.checkout_form("6490");
        form.iter_mut().find(|(k, _)| *k == field).unwrap().1 = value.into();
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = shop.app.call("place_order", &form, Some(&shop.anna)).await;
        assert!(reply.status.is_client_error(), "{field}: {}", reply.status);
        assert!(reply.body.contains(expect), "{field}: {}", reply.body);
    }
    // Without JavaScript the error comes back to the cart page, beside the field.
    let mut form = shop.checkout_form("6490");
    form[0].1 = "A".into();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let reply = shop
        .app
        .post_html_form(
            "place_order",
            &form,
            "http://localhost/cart",
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

    let reply = shop.place("6490", None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(shop.app.count("orders").await, 0);
    assert_eq!(shop.app.count("checkouts").await, 0);
    // An empty cart has nothing to order.
    let reply = shop.place("6490", Some(&shop.bob)).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.body.contains("Your cart is empty"));
}

#[sqlx::test]
async fn cart_lines_are_changed_and_removed_by_their_owner_only(pool: SqlitePool) {
    let shop = shop(pool).await;
    shop.add(&shop.anna, shop.disc, 1).await;
    let disc = shop.disc.to_string();
    let reply = shop
        .app
        .call(
            "update_cart_line",
            &[("part_id", &disc), ("quantity", "2")],
            Some(&shop.bob),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "bob has no such line");
    let reply = shop
        .app
        .call(
            "update_cart_line",
            &[("part_id", &disc), ("quantity", "2")],
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reply = shop
        .app
        .call("remove_cart_line", &[("part_id", &disc)], Some(&shop.bob))
        .await;
    assert_eq!(reply.json(), 0);
    let cart = shop.app.call("cart_contents", &[], Some(&shop.anna)).await;
    assert_eq!(
        cart.json()["lines"][0]["quantity"],
        1,
        "anna's line untouched"
    );
    assert_eq!(cart.json()["total"], 6490);
    // No-JS stepper: a plain post goes back to the cart.
    let reply = shop
        .app
        .post_html_form(
            "update_cart_line",
            &[("part_id", &disc), ("quantity", "3")],
            "http://localhost/cart",
            Some(&shop.anna),
        )
        .await;
    assert!(reply.status.is_redirection());
    assert!(reply
        .location()
        .is_some_and(|to| to.starts_with("http://localhost/cart")));
    let page = shop.app.get("/cart", Some(&shop.anna)).await;
    assert!(page.body.contains("€194.70"), "3 × €64.90");
    let reply = shop
        .app
        .call("remove_cart_line", &[("part_id", &disc)], Some(&shop.anna))
        .await;
    assert_eq!(reply.json(), 0);
    let page = shop.app.get("/cart", Some(&shop.anna)).await;
    assert!(page.body.contains("Your cart is empty"));
    let page = shop.app.get("/cart", None).await;
    assert!(page.body.contains("Log in to see your cart"));
}

#[sqlx::test]
async fn suppliers_buy_from_others_but_never_their_own_parts(pool: SqlitePool) {
    let shop = shop(pool).await;
    let reply = shop
        .app
        .call(
            "add_to_cart",
            &[("part_id", &shop.disc.to_string()), ("quantity", "1")],
            Some(&shop.acme),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    shop.add(&shop.acme, shop.pad, 1).await;
    let reply = shop.place("1950", Some(&shop.acme)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let list = shop
        .app
        .call(
            "my_orders",
            &[("view", "purchases"), ("page", "1")],
            Some(&shop.acme),
        )
        .await;
    assert_eq!(list.json()["orders"].as_array().unwrap().len(), 1);
    let list = shop
        .app
        .call(
            "my_orders",
            &[("view", "sales"), ("page", "1")],
            Some(&shop.brakeco),
        )
        .await;
    assert_eq!(list.json()["orders"][0]["customer"], "acme");
    // A customer asking for the sales view gets their purchases.
    let list = shop
        .app
        .call(
            "my_orders",
            &[("view", "sales"), ("page", "1")],
            Some(&shop.bob),
        )
        .await;
    assert_eq!(list.json()["view"], "Purchases");
}

async fn placed_at(app: &TestApp, order: i64) -> i64 {
    sqlx::query_scalar("SELECT created_at FROM orders WHERE id = ?")
        .bind(order)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn the_customer_sees_the_payment_deadline_and_why_an_unpaid_order_was_cancelled(
    pool: SqlitePool,
) {
    let shop = shop(pool).await;
    let (acme_order, brakeco_order) = shop.anna_orders().await;
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
        .call(
            "order_detail",
            &[("id", &acme_order.to_string())],
            Some(&shop.anna),
        )
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
    let reply = shop.step(&shop.anna, acme_order, "paid").await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
}

#[sqlx::test]
async fn a_checkout_over_the_unpaid_cap_is_refused_naming_the_part_and_what_is_left(
    pool: SqlitePool,
) {
    let shop = shop(pool).await;
    let plugs = part(&shop.app, "acme", "Spark plug", 300, 100).await;
    let place = |key: &'static str, total: &'static str| {
        let app = &shop.app;
        let anna = shop.anna.clone();
        async move {
            let form = [
                ("shipping_name", "Anna Berg"),
                ("shipping_address", "Hauptstr. 1\n10115 Berlin"),
                ("checkout_key", key),
                ("expected_total", total),
            ];
            app.call("place_order", &form, Some(&anna)).await
        }
    };
    shop.add(&shop.anna, plugs, 15).await;
    let reply = place("capkey00000000000001", "4500").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let first: Vec<i64> = serde_json::from_value(reply.json()).unwrap();

    // 15 unpaid, 10 more asked for: the cap is 20.
    shop.add(&shop.anna, plugs, 10).await;
    let reply = place("capkey00000000000002", "3000").await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    assert!(
        reply.body.contains(
            "Spark plug: Your unpaid orders already hold 15 of this part, and at most 20 can \
             wait for payment at a time: you may order 5 more now."
        ),
        "{}",
        reply.body
    );
    assert_eq!(shop.app.count("orders").await, 1, "nothing written");
    assert_eq!(shop.stock(plugs).await, 85);

    // Without JavaScript the message comes back on the cart page.
    let form = [
        ("shipping_name", "Anna Berg"),
        ("shipping_address", "Hauptstr. 1\n10115 Berlin"),
        ("checkout_key", "capkey00000000000003"),
        ("expected_total", "3000"),
    ];
    let reply = shop
        .app
        .post_html_form(
            "place_order",
            &form,
            "http://localhost/cart",
            Some(&shop.anna),
        )
        .await;
    assert!(reply.status.is_redirection(), "{}", reply.status);
    let back = reply.location().unwrap();
    let back = back.trim_start_matches("http://localhost");
    let page = shop.app.get(back, Some(&shop.anna)).await;
    assert!(
        page.body.contains("you may order 5 more now"),
        "{}",
        page.body
    );
    assert_eq!(shop.app.count("orders").await, 1);

    // Once the first order is paid, the 10 may be ordered.
    let reply = shop.step(&shop.anna, first[0], "paid").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reply = place("capkey00000000000004", "3000").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(shop.stock(plugs).await, 75);
}
