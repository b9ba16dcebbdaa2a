//! Checkout and the order workflow against a real SQLite database.

use super::*;
use crate::server::db::DbPool;
use crate::{
    cart::{
        db::{add_item, item_count, AddOutcome},
        LineIssue,
    },
    orders::{
        payment_reference, CancelReason, OrderStatus, OrdersView, Party, Shipping, ORDERS_PAGE_SIZE,
    },
    parts::Cents,
};
use std::{collections::HashSet, time::Duration};

const CUSTOMER: i64 = 1;
const OTHER_CUSTOMER: i64 = 2;
const ACME: i64 = 3;
const BRAKECO: i64 = 4;
/// Acme, €10.00, 10 in stock.
const DISC: i64 = 1;
/// Brakeco, €5.00, 5 in stock.
const PAD: i64 = 2;
/// Acme, €2.50, 2 in stock.
const FILTER: i64 = 3;
/// The payment window: the default week.
const WINDOW: Duration = Duration::from_secs(7 * 86_400);

async fn user(pool: &DbPool, name: &str, role: &str) -> i64 {
    let email = format!("{name}@example.com");
    crate::db_query_scalar!(
        r#"INSERT INTO users (username, email, password_hash, role) VALUES ($1, $2, 'h', $3)
           RETURNING id AS "id!""#,
        name,
        email,
        role
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn part(pool: &DbPool, supplier: i64, name: &str, price: i64, stock: i64) -> i64 {
    crate::db_query_scalar!("INSERT INTO parts (supplier_id, name, manufacturer, model, description, price_cents, \
         stock, delivery_estimate) VALUES ($1, $2, 'M', 'X1', 'D', $3, $4, '1-2_days') RETURNING id AS \"id!\"", supplier, name, price, stock)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn fixture(pool: &DbPool) {
    assert_eq!(user(pool, "anna", "customer").await, CUSTOMER);
    assert_eq!(user(pool, "bob", "customer").await, OTHER_CUSTOMER);
    assert_eq!(user(pool, "acme", "supplier").await, ACME);
    assert_eq!(user(pool, "brakeco", "supplier").await, BRAKECO);
    assert_eq!(part(pool, ACME, "Disc", 1000, 10).await, DISC);
    assert_eq!(part(pool, BRAKECO, "Pad", 500, 5).await, PAD);
    assert_eq!(part(pool, ACME, "Filter", 250, 2).await, FILTER);
}

async fn add(pool: &DbPool, user: i64, part: i64, quantity: i64) {
    assert!(matches!(
        add_item(pool, user, part, quantity).await.unwrap(),
        AddOutcome::Added { .. }
    ));
}

fn shipping() -> Shipping {
    Shipping {
        name: "Anna Berg".into(),
        address: "Hauptstr. 1\n10115 Berlin".into(),
    }
}

async fn stock(pool: &DbPool, part: i64) -> i64 {
    crate::db_query_scalar!("SELECT stock FROM parts WHERE id = $1", part)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn count(pool: &DbPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn checkout(pool: &DbPool, customer: i64, key: &str) -> CheckoutOutcome {
    place_order(pool, customer, key, &shipping(), None)
        .await
        .unwrap()
}

fn placed(outcome: CheckoutOutcome) -> Vec<i64> {
    match outcome {
        CheckoutOutcome::Placed(ids) => ids,
        other => panic!("expected an order, got {other:?}"),
    }
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn checkout_splits_by_supplier_and_takes_stock(pool: DbPool) {
    fixture(&pool).await;
    add(&pool, CUSTOMER, DISC, 2).await;
    add(&pool, CUSTOMER, PAD, 3).await;
    add(&pool, CUSTOMER, FILTER, 1).await;
    let ids = placed(
        place_order(
            &pool,
            CUSTOMER,
            "key0000000000000001",
            &shipping(),
            Some(Cents(2 * 1000 + 3 * 500 + 250)),
        )
        .await
        .unwrap(),
    );
    assert_eq!(ids.len(), 2, "one order per supplier");
    let acme = order_for(&pool, ids[0], CUSTOMER, WINDOW)
        .await
        .unwrap()
        .unwrap();
    let brakeco = order_for(&pool, ids[1], CUSTOMER, WINDOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((acme.supplier.as_str(), acme.total), ("acme", Cents(2250)));
    assert_eq!(
        acme.lines
            .iter()
            .map(|l| (l.name.as_str(), l.quantity, l.unit_price, l.line_total))
            .collect::<Vec<_>>(),
        [
            ("Disc", 2, Cents(1000), Cents(2000)),
            ("Filter", 1, Cents(250), Cents(250))
        ]
    );
    assert_eq!(
        (brakeco.supplier.as_str(), brakeco.total),
        ("brakeco", Cents(1500))
    );
    for order in [&acme, &brakeco] {
        assert_eq!(order.status, OrderStatus::AwaitingPayment);
        assert_eq!(order.viewer, Party::Customer);
        assert_eq!(order.shipping_address, "Hauptstr. 1\n10115 Berlin");
        assert_eq!(order.reference, payment_reference(order.id));
    }
    let stored: String = crate::db_query_scalar!(
        r#"SELECT payment_reference AS "reference!" FROM orders WHERE id = $1"#,
        ids[0]
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stored, payment_reference(ids[0]));
    assert_eq!(
        (
            stock(&pool, DISC).await,
            stock(&pool, PAD).await,
            stock(&pool, FILTER).await
        ),
        (8, 2, 1)
    );
    assert_eq!(
        item_count(&pool, CUSTOMER).await.unwrap(),
        0,
        "cart emptied"
    );
    // The supplier sees its order, as the supplier; the other supplier does not.
    let seen = order_for(&pool, ids[0], ACME, WINDOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.viewer, Party::Supplier);
    assert!(order_for(&pool, ids[0], BRAKECO, WINDOW)
        .await
        .unwrap()
        .is_none());
    assert!(order_for(&pool, ids[0], OTHER_CUSTOMER, WINDOW)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        last_shipping(&pool, CUSTOMER).await.unwrap(),
        Some(("Anna Berg".into(), "Hauptstr. 1\n10115 Berlin".into()))
    );
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn a_line_short_of_stock_writes_nothing(pool: DbPool) {
    fixture(&pool).await;
    add(&pool, CUSTOMER, DISC, 2).await;
    add(&pool, CUSTOMER, PAD, 4).await;
    // The supplier lowers the stock after the part went into the cart.
    crate::db_query!("UPDATE parts SET stock = 3 WHERE id = $1", PAD)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        checkout(&pool, CUSTOMER, "key0000000000000001").await,
        CheckoutOutcome::Unavailable(vec![LineProblem {
            part_id: PAD,
            name: "Pad".into(),
            issue: LineIssue::NotEnoughStock { stock: 3 }
        }])
    );
    for table in ["orders", "purchases", "checkouts"] {
        assert_eq!(count(&pool, table).await, 0, "{table}");
    }
    assert_eq!((stock(&pool, DISC).await, stock(&pool, PAD).await), (10, 3));
    assert_eq!(item_count(&pool, CUSTOMER).await.unwrap(), 6, "cart kept");
    // Archived and sold-out lines are named too.
    crate::db_query!("UPDATE parts SET archived = 1 WHERE id = $1", DISC)
        .execute(&pool)
        .await
        .unwrap();
    let CheckoutOutcome::Unavailable(problems) =
        checkout(&pool, CUSTOMER, "key0000000000000002").await
    else {
        panic!("expected refusal")
    };
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0].issue, LineIssue::Archived);
    assert_eq!(count(&pool, "orders").await, 0);
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn empty_cart_and_changed_total_write_nothing(pool: DbPool) {
    fixture(&pool).await;
    assert_eq!(
        checkout(&pool, CUSTOMER, "key0000000000000001").await,
        CheckoutOutcome::EmptyCart
    );
    add(&pool, CUSTOMER, DISC, 1).await;
    // The customer saw €10.00; the supplier has raised the price since.
    crate::db_query!("UPDATE parts SET price_cents = 1200 WHERE id = $1", DISC)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        place_order(
            &pool,
            CUSTOMER,
            "key0000000000000002",
            &shipping(),
            Some(Cents(1000))
        )
        .await
        .unwrap(),
        CheckoutOutcome::TotalChanged { total: Cents(1200) }
    );
    assert_eq!(count(&pool, "orders").await, 0);
    assert_eq!(stock(&pool, DISC).await, 10);
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn replaying_a_checkout_key_places_nothing_new(pool: DbPool) {
    fixture(&pool).await;
    add(&pool, CUSTOMER, DISC, 1).await;
    add(&pool, CUSTOMER, PAD, 1).await;
    let ids = placed(checkout(&pool, CUSTOMER, "key0000000000000001").await);
    // The customer fills the cart again, and the old form is posted again.
    add(&pool, CUSTOMER, DISC, 1).await;
    assert_eq!(
        checkout(&pool, CUSTOMER, "key0000000000000001").await,
        CheckoutOutcome::AlreadyPlaced(ids.clone())
    );
    assert_eq!(count(&pool, "orders").await, 2);
    assert_eq!(stock(&pool, DISC).await, 9);
    assert_eq!(item_count(&pool, CUSTOMER).await.unwrap(), 1);
    // Keys are per customer: the same key from someone else is a new checkout.
    add(&pool, OTHER_CUSTOMER, PAD, 1).await;
    assert_eq!(
        placed(checkout(&pool, OTHER_CUSTOMER, "key0000000000000001").await).len(),
        1
    );
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn prices_and_names_in_orders_stay_as_at_checkout(pool: DbPool) {
    fixture(&pool).await;
    add(&pool, CUSTOMER, DISC, 1).await;
    let ids = placed(checkout(&pool, CUSTOMER, "key0000000000000001").await);
    crate::db_query!(
        "UPDATE parts SET price_cents = 9999, name = 'Renamed', archived = 1 WHERE id = $1",
        DISC
    )
    .execute(&pool)
    .await
    .unwrap();
    let order = order_for(&pool, ids[0], CUSTOMER, WINDOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.lines[0].name, "Disc");
    assert_eq!(order.lines[0].unit_price, Cents(1000));
    assert_eq!(order.total, Cents(1000));
}

/// Puts an order straight into `status` (to test steps from every status); only a cancelled
/// order keeps a reason for cancelling.
async fn force_status(pool: &DbPool, id: i64, status: OrderStatus) {
    crate::db_query!(
        "UPDATE orders SET status = $1, \
         cancel_reason = CASE WHEN $1 = 'cancelled' THEN cancel_reason END WHERE id = $2",
        status as _,
        id
    )
    .execute(pool)
    .await
    .unwrap();
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn every_step_is_checked_against_side_and_status(pool: DbPool) {
    fixture(&pool).await;
    add(&pool, CUSTOMER, PAD, 1).await;
    let id = placed(checkout(&pool, CUSTOMER, "key0000000000000001").await)[0];
    for from in OrderStatus::ALL {
        for to in OrderStatus::ALL {
            for (user, side) in [(CUSTOMER, Party::Customer), (BRAKECO, Party::Supplier)] {
                force_status(&pool, id, from).await;
                let outcome = change_status(&pool, id, user, to).await.unwrap();
                let now = order_for(&pool, id, user, WINDOW)
                    .await
                    .unwrap()
                    .unwrap()
                    .status;
                match from.check_step(to, side) {
                    Ok(()) => {
                        assert_eq!(outcome, StepOutcome::Done(to));
                        assert_eq!(now, to);
                    }
                    Err(reason) => {
                        assert_eq!(outcome, StepOutcome::Refused(reason), "{from:?}→{to:?}");
                        assert_eq!(now, from, "a refused step changes nothing");
                    }
                }
            }
            // Strangers get "not found", whatever the status.
            for stranger in [OTHER_CUSTOMER, ACME] {
                force_status(&pool, id, from).await;
                assert_eq!(
                    change_status(&pool, id, stranger, to).await.unwrap(),
                    StepOutcome::NotFound
                );
            }
        }
    }
    assert_eq!(
        change_status(&pool, 999, CUSTOMER, OrderStatus::Paid)
            .await
            .unwrap(),
        StepOutcome::NotFound
    );
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn the_whole_workflow_records_its_times(pool: DbPool) {
    fixture(&pool).await;
    add(&pool, CUSTOMER, PAD, 2).await;
    let id = placed(checkout(&pool, CUSTOMER, "key0000000000000001").await)[0];
    assert_eq!(to_ship_count(&pool, BRAKECO).await.unwrap(), 0);
    assert_eq!(
        change_status(&pool, id, BRAKECO, OrderStatus::Shipped)
            .await
            .unwrap(),
        StepOutcome::Refused("This order cannot be shipped before it is paid.".into())
    );
    for (user, to) in [
        (CUSTOMER, OrderStatus::Paid),
        (BRAKECO, OrderStatus::Shipped),
        (CUSTOMER, OrderStatus::Completed),
    ] {
        if to == OrderStatus::Shipped {
            assert_eq!(to_ship_count(&pool, BRAKECO).await.unwrap(), 1);
        }
        assert_eq!(
            change_status(&pool, id, user, to).await.unwrap(),
            StepOutcome::Done(to)
        );
    }
    let order = order_for(&pool, id, CUSTOMER, WINDOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status, OrderStatus::Completed);
    assert!(order.paid_at.is_some() && order.shipped_at.is_some());
    assert!(order.completed_at.is_some() && order.cancelled_at.is_none());
    assert_eq!(
        order.timeline().iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        ["Placed", "Paid", "Shipped", "Completed"]
    );
    assert_eq!(to_ship_count(&pool, BRAKECO).await.unwrap(), 0);
    assert_eq!(
        stock(&pool, PAD).await,
        3,
        "completing keeps the stock taken"
    );
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn cancelling_puts_the_stock_back(pool: DbPool) {
    fixture(&pool).await;
    add(&pool, CUSTOMER, DISC, 3).await;
    add(&pool, CUSTOMER, FILTER, 2).await;
    let id = placed(checkout(&pool, CUSTOMER, "key0000000000000001").await)[0];
    assert_eq!(
        (stock(&pool, DISC).await, stock(&pool, FILTER).await),
        (7, 0)
    );
    // Even an archived part gets its stock back.
    crate::db_query!("UPDATE parts SET archived = 1 WHERE id = $1", FILTER)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        change_status(&pool, id, CUSTOMER, OrderStatus::Cancelled)
            .await
            .unwrap(),
        StepOutcome::Done(OrderStatus::Cancelled)
    );
    assert_eq!(
        (stock(&pool, DISC).await, stock(&pool, FILTER).await),
        (10, 2)
    );
    let order = order_for(&pool, id, CUSTOMER, WINDOW)
        .await
        .unwrap()
        .unwrap();
    assert!(order.cancelled_at.is_some());
    // Cancelling twice returns nothing twice.
    assert!(matches!(
        change_status(&pool, id, CUSTOMER, OrderStatus::Cancelled)
            .await
            .unwrap(),
        StepOutcome::Refused(_)
    ));
    assert_eq!(stock(&pool, DISC).await, 10);
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn listings_show_each_side_its_orders(pool: DbPool) {
    fixture(&pool).await;
    add(&pool, CUSTOMER, DISC, 1).await;
    add(&pool, CUSTOMER, PAD, 1).await;
    let first = placed(checkout(&pool, CUSTOMER, "key0000000000000001").await);
    add(&pool, OTHER_CUSTOMER, PAD, 1).await;
    let second = placed(checkout(&pool, OTHER_CUSTOMER, "key0000000000000001").await);
    change_status(&pool, second[0], OTHER_CUSTOMER, OrderStatus::Paid)
        .await
        .unwrap();
    let mine = list_orders(&pool, CUSTOMER, false, OrdersView::Purchases, 1, WINDOW)
        .await
        .unwrap();
    assert_eq!(
        mine.orders.iter().map(|o| o.id).collect::<HashSet<_>>(),
        first.iter().copied().collect::<HashSet<_>>()
    );
    assert!(!mine.has_more);
    let sales = list_orders(&pool, BRAKECO, true, OrdersView::Sales, 1, WINDOW)
        .await
        .unwrap();
    assert_eq!(
        sales.orders.iter().map(|o| o.id).collect::<Vec<_>>(),
        [second[0], first[1]],
        "newest first"
    );
    assert!(sales.orders.iter().all(|o| o.viewer == Party::Supplier));
    let to_ship = list_orders(&pool, BRAKECO, true, OrdersView::ToShip, 1, WINDOW)
        .await
        .unwrap();
    assert_eq!(
        to_ship.orders.iter().map(|o| o.id).collect::<Vec<_>>(),
        [second[0]]
    );
    assert!(
        list_orders(&pool, ACME, true, OrdersView::ToShip, 1, WINDOW)
            .await
            .unwrap()
            .orders
            .is_empty()
    );
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn orders_are_paged(pool: DbPool) {
    fixture(&pool).await;
    crate::db_query!("UPDATE parts SET stock = 1000 WHERE id = $1", DISC)
        .execute(&pool)
        .await
        .unwrap();
    for n in 0..(ORDERS_PAGE_SIZE + 3) {
        add(&pool, CUSTOMER, DISC, 1).await;
        let id = placed(checkout(&pool, CUSTOMER, &format!("key{n:016}")).await)[0];
        // Paid, so the discs held unpaid stay under the cap.
        change_status(&pool, id, CUSTOMER, OrderStatus::Paid)
            .await
            .unwrap();
    }
    let first = list_orders(&pool, CUSTOMER, false, OrdersView::Purchases, 1, WINDOW)
        .await
        .unwrap();
    let second = list_orders(&pool, CUSTOMER, false, OrdersView::Purchases, 2, WINDOW)
        .await
        .unwrap();
    assert_eq!(first.orders.len(), ORDERS_PAGE_SIZE as usize);
    assert!(first.has_more);
    assert_eq!(second.orders.len(), 3);
    assert!(!second.has_more);
    assert!(first.orders.last().unwrap().id > second.orders[0].id);
}

/// A database file of its own with the server's real pool settings (WAL, busy timeout, 8
/// connections), so concurrent checkouts really contend.
async fn real_pool(name: &str) -> (DbPool, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "pw-{name}-{}-{}",
        std::process::id(),
        crate::server::random::random_key()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let url = crate::server::db::scratch_database(&dir).await.unwrap();
    (crate::server::db::connect(&url).await.unwrap(), dir)
}

/// Customers 1..=n, each with `lines` in the cart.
async fn buyers(pool: &DbPool, n: usize, lines: &[(i64, i64)]) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let id = user(pool, &format!("buyer{i}"), "customer").await;
        for (part, quantity) in lines {
            add(pool, id, *part, *quantity).await;
        }
        ids.push(id);
    }
    ids
}

/// Runs one checkout per buyer, all at once; returns how many placed orders.
async fn race(pool: &DbPool, buyers: &[i64]) -> usize {
    let tasks: Vec<_> = buyers
        .iter()
        .map(|&buyer| {
            let pool = pool.clone();
            tokio::spawn(async move {
                place_order(&pool, buyer, &format!("race{buyer:016}"), &shipping(), None).await
            })
        })
        .collect();
    let mut placed = 0;
    for task in tasks {
        match task.await.unwrap().unwrap() {
            CheckoutOutcome::Placed(_) => placed += 1,
            CheckoutOutcome::Unavailable(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    placed
}

async fn assert_consistent(pool: &DbPool) {
    let lineless: i64 = count(
        pool,
        "orders o WHERE NOT EXISTS (SELECT 1 FROM purchases p WHERE p.order_id = o.id)",
    )
    .await;
    assert_eq!(lineless, 0, "every order has its lines");
    let negative: i64 = count(pool, "parts WHERE stock < 0").await;
    assert_eq!(negative, 0);
    let wrong_totals: i64 = count(
        pool,
        "orders o WHERE total_cents != (SELECT SUM(line_total_cents) FROM purchases p WHERE p.order_id = o.id)",
    )
    .await;
    assert_eq!(wrong_totals, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_buyers_for_the_last_five_units() {
    let (pool, dir) = real_pool("race-one").await;
    let supplier = user(&pool, "acme", "supplier").await;
    let last = part(&pool, supplier, "Last disc", 1000, 50).await;
    let buyers = buyers(&pool, 50, &[(last, 1)]).await;
    crate::db_query!("UPDATE parts SET stock = 5 WHERE id = $1", last)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(race(&pool, &buyers).await, 5);
    assert_eq!(stock(&pool, last).await, 0);
    let sold: i64 = crate::db_query_scalar!(
        r#"SELECT CAST(SUM(quantity) AS BIGINT) AS "sold!: i64" FROM purchases WHERE part_id = $1"#,
        last
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(sold, 5, "no order line without its stock");
    assert_eq!(count(&pool, "orders").await, 5);
    assert_eq!(count(&pool, "checkouts").await, 5);
    assert_eq!(
        count(&pool, "cart_items").await,
        45,
        "the losers keep their carts"
    );
    assert_consistent(&pool).await;
    pool.close().await;
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_buyers_two_parts_one_runs_out() {
    let (pool, dir) = real_pool("race-two").await;
    let acme = user(&pool, "acme", "supplier").await;
    let brakeco = user(&pool, "brakeco", "supplier").await;
    let plenty = part(&pool, acme, "Plenty", 700, 500).await;
    let scarce = part(&pool, brakeco, "Scarce", 300, 50).await;
    let buyers = buyers(&pool, 50, &[(plenty, 2), (scarce, 1)]).await;
    crate::db_query!("UPDATE parts SET stock = 5 WHERE id = $1", scarce)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(race(&pool, &buyers).await, 5);
    assert_eq!(stock(&pool, scarce).await, 0);
    assert_eq!(
        stock(&pool, plenty).await,
        500 - 5 * 2,
        "failed checkouts took nothing"
    );
    // Each success made two orders (one per supplier); the failures left no trace.
    assert_eq!(count(&pool, "orders").await, 10);
    assert_eq!(count(&pool, "purchases").await, 10);
    assert_eq!(count(&pool, "checkouts").await, 5);
    assert_eq!(count(&pool, "cart_items").await, 45 * 2);
    assert_consistent(&pool).await;
    pool.close().await;
    std::fs::remove_dir_all(dir).ok();
}

/// A status or cancel reason the schema does not admit is a read error, not a guess.
#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn an_unknown_status_or_reason_is_an_error(pool: DbPool) {
    let status = sqlx::query_scalar::<_, OrderStatus>("SELECT 'lost'")
        .fetch_one(&pool)
        .await;
    assert!(
        matches!(status, Err(sqlx::Error::ColumnDecode { .. })),
        "{status:?}"
    );
    let reason = sqlx::query_scalar::<_, CancelReason>("SELECT 'bored'")
        .fetch_one(&pool)
        .await;
    assert!(
        matches!(reason, Err(sqlx::Error::ColumnDecode { .. })),
        "{reason:?}"
    );
    // Every spelling the code writes reads back as itself.
    for s in OrderStatus::ALL {
        let read: OrderStatus = sqlx::query_scalar(&format!("SELECT '{}'", s.as_str()))
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(read, s);
    }
    for r in [CancelReason::Customer, CancelReason::NotPaid] {
        let read: CancelReason = sqlx::query_scalar(&format!("SELECT '{}'", r.as_str()))
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(read, r);
    }
}

mod expiry;
