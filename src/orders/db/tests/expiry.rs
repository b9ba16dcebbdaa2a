//! Unpaid orders expire at their deadline (placed + payment window) with their stock put back,
//! once, however many runners race; and no customer holds more than the cap of one part
//! unpaid. The clock is the `now` each test passes in.

use super::*;
use crate::server::db::DbPool;
use crate::{
    cart::db::set_quantity,
    orders::{db::cancel::cancel_unpaid, MAX_UNPAID_UNITS_PER_PART},
};

const WEEK: i64 = 7 * 86_400;

async fn created_at(pool: &DbPool, order: i64) -> i64 {
    crate::db_query_scalar!("SELECT created_at FROM orders WHERE id = $1", order)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Moves an order's placing time back by `seconds` (it was placed that much earlier).
async fn age(pool: &DbPool, order: i64, seconds: i64) {
    crate::db_query!(
        "UPDATE orders SET created_at = created_at - $1 WHERE id = $2",
        seconds,
        order
    )
    .execute(pool)
    .await
    .unwrap();
}

async fn status_of(pool: &DbPool, order: i64) -> OrderStatus {
    order_for(pool, order, CUSTOMER, WINDOW)
        .await
        .unwrap()
        .unwrap()
        .status
}

fn cap_refusal(outcome: CheckoutOutcome) -> Vec<(i64, i64, i64)> {
    match outcome {
        CheckoutOutcome::OverUnpaidCap(problems) => problems
            .iter()
            .map(|p| (p.part_id, p.held, p.may_order()))
            .collect(),
        other => panic!("expected a refusal by the cap, got {other:?}"),
    }
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn an_unpaid_order_expires_at_its_deadline_and_not_a_second_before(pool: DbPool) {
    fixture(&pool).await;
    add(&pool, CUSTOMER, DISC, 3).await;
    add(&pool, CUSTOMER, FILTER, 2).await;
    let id = placed(checkout(&pool, CUSTOMER, "key0000000000000001").await)[0];
    assert_eq!(
        (stock(&pool, DISC).await, stock(&pool, FILTER).await),
        (7, 0)
    );
    let deadline = created_at(&pool, id).await + WEEK;
    let order = order_for(&pool, id, CUSTOMER, WINDOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.pay_by, deadline, "the deadline the customer sees");

    // One second before the deadline: nothing happens.
    assert_eq!(expire_unpaid(&pool, deadline - 1, WINDOW).await.unwrap(), 0);
    assert_eq!(status_of(&pool, id).await, OrderStatus::AwaitingPayment);
    assert_eq!(
        (stock(&pool, DISC).await, stock(&pool, FILTER).await),
        (7, 0)
    );

    // At the deadline: cancelled, as not paid, and every line's stock is back.
    assert_eq!(expire_unpaid(&pool, deadline, WINDOW).await.unwrap(), 1);
    let order = order_for(&pool, id, CUSTOMER, WINDOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status, OrderStatus::Cancelled);
    assert_eq!(order.cancel_reason, Some(CancelReason::NotPaid));
    assert_eq!(
        order.cancelled_at,
        Some(deadline),
        "stamped with the given clock"
    );
    assert!(order.expired());
    assert!(order.next_step().starts_with("Cancelled: not paid by"));
    assert_eq!(
        (stock(&pool, DISC).await, stock(&pool, FILTER).await),
        (10, 2)
    );

    // Later runs find nothing more to do, and return nothing twice.
    assert_eq!(
        expire_unpaid(&pool, deadline + 3600, WINDOW).await.unwrap(),
        0
    );
    assert_eq!(
        (stock(&pool, DISC).await, stock(&pool, FILTER).await),
        (10, 2)
    );
    // The customer can neither pay nor cancel it now.
    for to in [OrderStatus::Paid, OrderStatus::Cancelled] {
        assert!(matches!(
            change_status(&pool, id, CUSTOMER, to).await.unwrap(),
            StepOutcome::Refused(_)
        ));
    }
    assert_eq!(stock(&pool, DISC).await, 10);
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn the_window_is_the_one_passed_in(pool: DbPool) {
    fixture(&pool).await;
    add(&pool, CUSTOMER, PAD, 1).await;
    let id = placed(checkout(&pool, CUSTOMER, "key0000000000000001").await)[0];
    let placed_at = created_at(&pool, id).await;
    let day = Duration::from_secs(86_400);
    assert_eq!(
        order_for(&pool, id, CUSTOMER, day)
            .await
            .unwrap()
            .unwrap()
            .pay_by,
        placed_at + 86_400
    );
    assert_eq!(
        expire_unpaid(&pool, placed_at + 86_399, day).await.unwrap(),
        0
    );
    assert_eq!(
        expire_unpaid(&pool, placed_at + 86_400, day).await.unwrap(),
        1
    );
    assert_eq!(stock(&pool, PAD).await, 5);
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn paid_shipped_completed_and_cancelled_orders_never_expire(pool: DbPool) {
    fixture(&pool).await;
    let mut ids = Vec::new();
    for n in 0..5 {
        add(&pool, CUSTOMER, PAD, 1).await;
        ids.push(placed(checkout(&pool, CUSTOMER, &format!("key{n:016}")).await)[0]);
    }
    let [paid, shipped, completed, cancelled, unpaid] = ids[..] else {
        unreachable!()
    };
    let steps = [
        (paid, vec![(CUSTOMER, OrderStatus::Paid)]),
        (
            shipped,
            vec![
                (CUSTOMER, OrderStatus::Paid),
                (BRAKECO, OrderStatus::Shipped),
            ],
        ),
        (
            completed,
            vec![
                (CUSTOMER, OrderStatus::Paid),
                (BRAKECO, OrderStatus::Shipped),
                (CUSTOMER, OrderStatus::Completed),
            ],
        ),
        (cancelled, vec![(CUSTOMER, OrderStatus::Cancelled)]),
    ];
    for (id, steps) in steps {
        for (user, to) in steps {
            assert_eq!(
                change_status(&pool, id, user, to).await.unwrap(),
                StepOutcome::Done(to)
            );
        }
    }
    assert_eq!(stock(&pool, PAD).await, 1, "four held, one returned");
    // A year on, only the unpaid one expires.
    let later = created_at(&pool, unpaid).await + 365 * 86_400;
    assert_eq!(expire_unpaid(&pool, later, WINDOW).await.unwrap(), 1);
    let statuses = [paid, shipped, completed, cancelled, unpaid];
    let mut now = Vec::new();
    for id in statuses {
        now.push(status_of(&pool, id).await);
    }
    assert_eq!(
        now,
        [
            OrderStatus::Paid,
            OrderStatus::Shipped,
            OrderStatus::Completed,
            OrderStatus::Cancelled,
            OrderStatus::Cancelled
        ]
    );
    assert_eq!(stock(&pool, PAD).await, 2, "only the expired order's unit");
    let by_customer = order_for(&pool, cancelled, CUSTOMER, WINDOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_customer.cancel_reason, Some(CancelReason::Customer));
    assert!(!by_customer.expired());
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn a_cancel_by_the_customer_and_by_the_expiry_return_the_stock_once(pool: DbPool) {
    fixture(&pool).await;
    add(&pool, CUSTOMER, DISC, 4).await;
    let first = placed(checkout(&pool, CUSTOMER, "key0000000000000001").await)[0];
    add(&pool, CUSTOMER, DISC, 4).await;
    let second = placed(checkout(&pool, CUSTOMER, "key0000000000000002").await)[0];
    assert_eq!(stock(&pool, DISC).await, 2);
    let deadline = created_at(&pool, second)
        .await
        .max(created_at(&pool, first).await)
        + WEEK;

    // The customer cancels the first, then the expiry comes: it leaves that one alone.
    change_status(&pool, first, CUSTOMER, OrderStatus::Cancelled)
        .await
        .unwrap();
    assert_eq!(stock(&pool, DISC).await, 6);
    assert_eq!(expire_unpaid(&pool, deadline, WINDOW).await.unwrap(), 1);
    assert_eq!(stock(&pool, DISC).await, 10);

    // The shared cancel itself is a compare-and-set: a second call changes nothing.
    let mut conn = pool.acquire().await.unwrap();
    for reason in [CancelReason::Customer, CancelReason::NotPaid] {
        for id in [first, second] {
            assert!(!cancel_unpaid(&mut conn, id, deadline, reason)
                .await
                .unwrap());
        }
    }
    assert_eq!(stock(&pool, DISC).await, 10);
}

/// SQLite's plans (`EXPLAIN QUERY PLAN`); PostgreSQL's planner picks by table statistics, so
/// its plans are checked at scale by the benchmark instead.
#[cfg(not(feature = "postgres"))]
#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn the_sweep_reads_only_unpaid_orders_through_their_index(pool: DbPool) {
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "EXPLAIN QUERY PLAN SELECT id FROM orders WHERE status = 'awaiting_payment' \
         AND created_at <= 0 ORDER BY created_at, id LIMIT 100",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    // One seek in the index of unpaid orders, already in order (no sort, no scan).
    assert_eq!(plan.len(), 1, "{plan:?}");
    assert!(plan[0].3.starts_with("SEARCH orders USING"), "{plan:?}");
    assert!(
        plan[0]
            .3
            .contains("INDEX orders_unpaid_by_age (created_at<?)"),
        "{plan:?}"
    );
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "EXPLAIN QUERY PLAN SELECT pu.part_id, SUM(pu.quantity) FROM orders o \
         JOIN purchases pu ON pu.order_id = o.id \
         WHERE o.customer_id = 1 AND o.status = 'awaiting_payment' GROUP BY pu.part_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        plan.iter()
            .any(|(.., d)| d.starts_with("SEARCH o USING")
                && d.contains("orders_unpaid_by_customer")),
        "{plan:?}"
    );
}

/// Two server processes (two pools on one database file) run the expiry at the same moment,
/// over several batches, while some customers cancel their own due orders: every due order is
/// cancelled exactly once and its stock comes back exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_expiry_runners_at_once_restore_the_stock_once() {
    let (pool, dir) = real_pool("expiry-race").await;
    let url = crate::server::db::scratch_database(&dir).await.unwrap();
    let other_process = crate::server::db::connect(&url).await.unwrap();
    let acme = user(&pool, "acme", "supplier").await;
    let disc = part(&pool, acme, "Disc", 1000, 1000).await;
    let pad = part(&pool, acme, "Pad", 500, 500).await;
    const ORDERS: usize = 250;
    const DUE: usize = 240;
    let buyers = buyers(&pool, ORDERS, &[(disc, 2), (pad, 1)]).await;
    let mut orders = Vec::new();
    for &buyer in &buyers {
        let key = format!("exp{buyer:016}");
        orders.push(
            placed(
                place_order(&pool, buyer, &key, &shipping(), None)
                    .await
                    .unwrap(),
            )[0],
        );
    }
    assert_eq!(
        (stock(&pool, disc).await, stock(&pool, pad).await),
        (1000 - 2 * 250, 500 - 250)
    );
    let now = crate::time::unix_now() + 60;
    // The first DUE orders were placed more than a week ago.
    for &order in &orders[..DUE] {
        age(&pool, order, WEEK + 120).await;
    }

    let start = std::sync::Arc::new(tokio::sync::Barrier::new(3));
    let runner = |pool: DbPool| {
        let start = start.clone();
        tokio::spawn(async move {
            start.wait().await;
            expire_unpaid(&pool, now, WINDOW).await.unwrap()
        })
    };
    let a = runner(pool.clone());
    let b = runner(other_process.clone());
    // Meanwhile every tenth due order's customer cancels it, newest first (the expiry goes
    // oldest first), so the two meet somewhere; who wins each order does not matter.
    let cancels = {
        let pool = other_process.clone();
        let start = start.clone();
        let mine: Vec<(i64, i64)> = (0..DUE)
            .step_by(10)
            .rev()
            .map(|i| (orders[i], buyers[i]))
            .collect();
        tokio::spawn(async move {
            start.wait().await;
            let mut done = 0;
            for (order, buyer) in mine {
                match change_status(&pool, order, buyer, OrderStatus::Cancelled)
                    .await
                    .unwrap()
                {
                    StepOutcome::Done(_) => done += 1,
                    StepOutcome::Refused(_) => {}
                    StepOutcome::NotFound => panic!("the buyer's own order"),
                }
            }
            done
        })
    };
    let (a, b, by_customers) = (a.await.unwrap(), b.await.unwrap(), cancels.await.unwrap());
    assert_eq!(
        a + b + by_customers,
        DUE as u64,
        "each due order cancelled once (runners {a} + {b}, customers {by_customers})"
    );
    assert_eq!(
        (stock(&pool, disc).await, stock(&pool, pad).await),
        (1000 - 2 * 10, 500 - 10),
        "stock back once for each due order, still held for the 10 fresh ones"
    );
    let by_reason: Vec<(String, Option<String>, i64)> = crate::db_query!(
        r#"SELECT status, cancel_reason, COUNT(*) AS "orders!: i64"
           FROM orders GROUP BY 1, 2 ORDER BY 1, 2"#
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .into_iter()
    .map(|r| (r.status, r.cancel_reason, r.orders))
    .collect();
    let expected: Vec<(String, Option<String>, i64)> = [
        ("awaiting_payment", None, 10),
        ("cancelled", Some("customer"), by_customers as i64),
        ("cancelled", Some("not_paid"), (a + b) as i64),
    ]
    .into_iter()
    .filter(|(.., n)| *n > 0)
    .map(|(s, r, n)| (s.to_string(), r.map(str::to_string), n))
    .collect();
    assert_eq!(by_reason, expected);
    // Nothing is left to expire, from either process.
    assert_eq!(expire_unpaid(&other_process, now, WINDOW).await.unwrap(), 0);
    assert_consistent(&pool).await;
    other_process.close().await;
    pool.close().await;
    std::fs::remove_dir_all(dir).ok();
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn the_expiry_task_runs_at_start_and_then_on_its_own(pool: DbPool) {
    fixture(&pool).await;
    add(&pool, CUSTOMER, DISC, 2).await;
    let overdue = placed(checkout(&pool, CUSTOMER, "key0000000000000001").await)[0];
    add(&pool, CUSTOMER, PAD, 1).await;
    let later = placed(checkout(&pool, CUSTOMER, "key0000000000000002").await)[0];
    age(&pool, overdue, WEEK + 60).await;
    let task =
        crate::orders::expiry::spawn_order_expiry(pool.clone(), WINDOW, Duration::from_millis(50));
    let settled = |id: i64| {
        let pool = pool.clone();
        async move {
            for _ in 0..200 {
                if status_of(&pool, id).await == OrderStatus::Cancelled {
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            false
        }
    };
    assert!(settled(overdue).await, "cancelled by the first run");
    assert_eq!(stock(&pool, DISC).await, 10);
    assert_eq!(status_of(&pool, later).await, OrderStatus::AwaitingPayment);
    // The second order's deadline passes while the task runs.
    age(&pool, later, WEEK + 60).await;
    assert!(settled(later).await, "cancelled by a later run");
    assert_eq!(stock(&pool, PAD).await, 5);
    task.abort();
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn a_customer_holds_at_most_the_cap_of_one_part_unpaid(pool: DbPool) {
    fixture(&pool).await;
    let bulk = part(&pool, ACME, "Spark plug", 300, 200).await;
    assert_eq!(MAX_UNPAID_UNITS_PER_PART, 20);

    // More than the cap in one checkout: refused, nothing written, the cart kept.
    add(&pool, CUSTOMER, bulk, 21).await;
    add(&pool, CUSTOMER, PAD, 1).await;
    assert_eq!(
        cap_refusal(checkout(&pool, CUSTOMER, "key0000000000000001").await),
        [(bulk, 0, 20)]
    );
    for table in ["orders", "purchases", "checkouts"] {
        assert_eq!(count(&pool, table).await, 0, "{table}");
    }
    assert_eq!(
        (stock(&pool, bulk).await, stock(&pool, PAD).await),
        (200, 5)
    );
    assert_eq!(item_count(&pool, CUSTOMER).await.unwrap(), 22);

    // 15 unpaid, then 6 more would be 21: refused, naming the 5 that may still be ordered.
    set_quantity(&pool, CUSTOMER, bulk, 15).await.unwrap();
    let first = placed(checkout(&pool, CUSTOMER, "key0000000000000002").await);
    add(&pool, CUSTOMER, bulk, 6).await;
    let refused = checkout(&pool, CUSTOMER, "key0000000000000003").await;
    let CheckoutOutcome::OverUnpaidCap(problems) = &refused else {
        panic!("{refused:?}")
    };
    assert_eq!(problems[0].name, "Spark plug");
    assert_eq!(cap_refusal(refused), [(bulk, 15, 5)]);
    assert_eq!(stock(&pool, bulk).await, 185);
    // Exactly up to the cap is fine; one more is not.
    set_quantity(&pool, CUSTOMER, bulk, 5).await.unwrap();
    placed(checkout(&pool, CUSTOMER, "key0000000000000004").await);
    add(&pool, CUSTOMER, bulk, 1).await;
    assert_eq!(
        cap_refusal(checkout(&pool, CUSTOMER, "key0000000000000005").await),
        [(bulk, 20, 0)]
    );
    assert_eq!(
        unpaid_units(&pool, CUSTOMER).await.unwrap().get(&bulk),
        Some(&20)
    );

    // Someone else's unpaid orders do not count.
    add(&pool, OTHER_CUSTOMER, bulk, 20).await;
    placed(checkout(&pool, OTHER_CUSTOMER, "key0000000000000001").await);

    // Paying frees the units: 15 paid, 5 still unpaid, so 15 more may be ordered.
    change_status(&pool, first[0], CUSTOMER, OrderStatus::Paid)
        .await
        .unwrap();
    set_quantity(&pool, CUSTOMER, bulk, 16).await.unwrap();
    assert_eq!(
        cap_refusal(checkout(&pool, CUSTOMER, "key0000000000000006").await),
        [(bulk, 5, 15)]
    );
    set_quantity(&pool, CUSTOMER, bulk, 15).await.unwrap();
    let third = placed(checkout(&pool, CUSTOMER, "key0000000000000007").await);
    assert_eq!(stock(&pool, bulk).await, 200 - 20 - 20 - 15);

    // So does the expiry: once the unpaid orders lapse (three of the customer's, with the pad
    // order, and the other customer's), a full 20 may be ordered again.
    let deadline = created_at(&pool, third[0]).await + WEEK;
    assert_eq!(expire_unpaid(&pool, deadline, WINDOW).await.unwrap(), 4);
    assert_eq!(
        unpaid_units(&pool, CUSTOMER).await.unwrap().get(&bulk),
        None
    );
    add(&pool, CUSTOMER, bulk, 20).await;
    placed(checkout(&pool, CUSTOMER, "key0000000000000008").await);
    assert_eq!(stock(&pool, bulk).await, 200 - 15 - 20);
}
