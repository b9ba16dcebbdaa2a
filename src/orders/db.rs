//! All SQL of the orders, purchases and checkouts tables, which this feature owns. Checkout
//! also calls the cart feature (to read and clear the cart) and the parts feature (to take and
//! return stock), passing its transaction in.
//!
//! Every order awaiting payment has a deadline: when it was placed plus the shop's payment
//! window (`PARTWATCH_PAYMENT_DAYS`), passed in by the caller. [`expire_unpaid`] cancels the
//! orders past it.

mod expiry;

pub use expiry::expire_unpaid;

use super::{
    payment_reference, CancelReason, Order, OrderLine, OrderStatus, OrdersPage, OrdersView, Party,
    Shipping, MAX_UNPAID_UNITS_PER_PART, ORDERS_PAGE_SIZE,
};
use crate::{
    cart::{cart_total, db as cart_db, LineIssue},
    parts::{db as parts_db, Cents},
};
use sqlx::{FromRow, QueryBuilder, Sqlite, SqliteConnection, SqliteExecutor, SqlitePool};
use std::{collections::HashMap, time::Duration};

/// A duration in whole seconds, as the database counts time.
fn seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

/// A cart line that cannot be ordered, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// The part.
    pub part_id: i64,
    /// The part's name.
    pub name: String,
    /// What is wrong.
    pub issue: LineIssue,
}

/// A cart line that would take the customer's unpaid units of its part over
/// [`MAX_UNPAID_UNITS_PER_PART`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapProblem {
    /// The part.
    pub part_id: i64,
    /// The part's name.
    pub name: String,
    /// Units of it the customer's orders awaiting payment hold already.
    pub held: i64,
}

impl CapProblem {
    /// How many units of the part the customer may still order now.
    pub fn may_order(&self) -> i64 {
        (MAX_UNPAID_UNITS_PER_PART - self.held).max(0)
    }
}

/// What a checkout came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckoutOutcome {
    /// Placed: the new orders' ids, one per supplier.
    Placed(Vec<i64>),
    /// This idempotency key was used before: the orders that checkout made.
    AlreadyPlaced(Vec<i64>),
    /// Nothing in the cart.
    EmptyCart,
    /// Some lines cannot be ordered; nothing was written.
    Unavailable(Vec<LineProblem>),
    /// Some lines would leave the customer holding more than [`MAX_UNPAID_UNITS_PER_PART`]
    /// units of a part in unpaid orders; nothing was written.
    OverUnpaidCap(Vec<CapProblem>),
    /// The cart's total is no longer what the customer saw (a price changed); nothing written.
    TotalChanged {
        /// The total now.
        total: Cents,
    },
}

/// Turns the customer's whole cart into one order per supplier, in one transaction: reads the
/// current prices and stock, creates the orders and their lines at those prices, takes the
/// stock with a conditional update, and empties the ordered lines. Writes nothing unless every
/// line can be served and no part would be held unpaid over [`MAX_UNPAID_UNITS_PER_PART`]
/// (checked under the same write lock, so two checkouts at once cannot both pass it). A `key`
/// that was used before returns that checkout's orders.
/// `expected_total` is the total the customer saw; a different total now refuses the order.
pub async fn place_order(
    pool: &SqlitePool,
    customer_id: i64,
    key: &str,
    shipping: &Shipping,
    expected_total: Option<Cents>,
) -> sqlx::Result<CheckoutOutcome> {
    // IMMEDIATE takes the write lock first, so no other checkout changes stock between the
    // reads below and the writes.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    if let Some(ids) = checkout_orders(&mut tx, customer_id, key).await? {
        return Ok(CheckoutOutcome::AlreadyPlaced(ids));
    }
    let lines = cart_db::lines(&mut tx, customer_id).await?;
    if lines.is_empty() {
        return Ok(CheckoutOutcome::EmptyCart);
    }
    let problems: Vec<LineProblem> = lines
        .iter()
        .filter_map(|l| {
            l.issue.map(|issue| LineProblem {
                part_id: l.part_id,
                name: l.name.clone(),
                issue,
            })
        })
        .collect();
    if !problems.is_empty() {
        return Ok(CheckoutOutcome::Unavailable(problems));
    }
    let held = unpaid_units(&mut *tx, customer_id).await?;
    let over: Vec<CapProblem> = lines
        .iter()
        .filter_map(|l| {
            let held = held.get(&l.part_id).copied().unwrap_or(0);
            (held.saturating_add(l.quantity) > MAX_UNPAID_UNITS_PER_PART).then(|| CapProblem {
                part_id: l.part_id,
                name: l.name.clone(),
                held,
            })
        })
        .collect();
    if !over.is_empty() {
        return Ok(CheckoutOutcome::OverUnpaidCap(over));
    }
    let total = cart_total(&lines);
    if expected_total.is_some_and(|expected| expected != total) {
        return Ok(CheckoutOutcome::TotalChanged { total });
    }
    let checkout_id: i64 = sqlx::query_scalar(
        "INSERT INTO checkouts (customer_id, idempotency_key) VALUES (?, ?) RETURNING id",
    )
    .bind(customer_id)
    .bind(key)
    .fetch_one(&mut *tx)
    .await?;
    let mut order_ids = Vec::new();
    let mut start = 0;
    // The lines come grouped by supplier: each run of one supplier becomes one order.
    while start < lines.len() {
        let supplier_id = lines[start].supplier_id;
        let end = lines[start..]
            .iter()
            .position(|l| l.supplier_id != supplier_id)
            .map_or(lines.len(), |n| start + n);
        let group = &lines[start..end];
        start = end;
        let order_id: i64 = sqlx::query_scalar(
            "INSERT INTO orders (customer_id, supplier_id, total_cents, shipping_name, \
             shipping_address, checkout_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(customer_id)
        .bind(supplier_id)
        .bind(cart_total(group).0)
        .bind(&shipping.name)
        .bind(&shipping.address)
        .bind(checkout_id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE orders SET payment_reference = ? WHERE id = ?")
            .bind(payment_reference(order_id))
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
        for line in group {
            if !parts_db::take_stock(&mut tx, line.part_id, line.quantity).await? {
                // The checks above make this unreachable inside the write lock; should it ever
                // happen, the whole checkout is rolled back (the transaction is dropped).
                return Ok(CheckoutOutcome::Unavailable(vec![LineProblem {
                    part_id: line.part_id,
                    name: line.name.clone(),
                    issue: LineIssue::OutOfStock,
                }]));
            }
            sqlx::query(
                "INSERT INTO purchases (order_id, part_id, part_name, quantity, \
                 unit_price_cents, line_total_cents) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(order_id)
            .bind(line.part_id)
            .bind(&line.name)
            .bind(line.quantity)
            .bind(line.unit_price.0)
            .bind(line.subtotal().0)
            .execute(&mut *tx)
            .await?;
        }
        order_ids.push(order_id);
    }
    let ordered: Vec<i64> = lines.iter().map(|l| l.part_id).collect();
    cart_db::remove_items(&mut tx, customer_id, &ordered).await?;
    tx.commit().await?;
    Ok(CheckoutOutcome::Placed(order_ids))
}

/// The orders an earlier checkout with this key made, if there was one.
async fn checkout_orders(
    db: &mut SqliteConnection,
    customer_id: i64,
    key: &str,
) -> sqlx::Result<Option<Vec<i64>>> {
    let checkout: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM checkouts WHERE customer_id = ? AND idempotency_key = ?",
    )
    .bind(customer_id)
    .bind(key)
    .fetch_optional(&mut *db)
    .await?;
    let Some(checkout) = checkout else {
        return Ok(None);
    };
    let ids = sqlx::query_scalar("SELECT id FROM orders WHERE checkout_id = ? ORDER BY id")
        .bind(checkout)
        .fetch_all(&mut *db)
        .await?;
    Ok(Some(ids))
}

/// How many units of each part (by id) the customer's orders awaiting payment hold.
pub async fn unpaid_units(
    db: impl SqliteExecutor<'_>,
    customer_id: i64,
) -> sqlx::Result<HashMap<i64, i64>> {
    // The status is written out (not bound) so SQLite can use the partial index of unpaid
    // orders by customer.
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT pu.part_id, SUM(pu.quantity) FROM orders o \
         JOIN purchases pu ON pu.order_id = o.id \
         WHERE o.customer_id = ? AND o.status = 'awaiting_payment' GROUP BY pu.part_id",
    )
    .bind(customer_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().collect())
}

/// The shipping name and address of the customer's latest order, to prefill the next one.
pub async fn last_shipping(
    db: impl SqliteExecutor<'_>,
    customer_id: i64,
) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as(
        "SELECT shipping_name, shipping_address FROM orders WHERE customer_id = ? \
         ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(customer_id)
    .fetch_optional(db)
    .await
}

/// How many of the supplier's orders are paid and waiting to ship.
pub async fn to_ship_count(db: impl SqliteExecutor<'_>, supplier_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE supplier_id = ? AND status = 'paid'")
        .bind(supplier_id)
        .fetch_one(db)
        .await
}

const ORDER_SELECT: &str = "SELECT o.id, o.status, o.customer_id, c.username AS customer, \
     s.username AS supplier, o.total_cents, o.shipping_name, o.shipping_address, o.created_at, \
     o.paid_at, o.shipped_at, o.completed_at, o.cancelled_at, o.cancel_reason \
     FROM orders o JOIN users c ON c.id = o.customer_id JOIN users s ON s.id = o.supplier_id";

#[derive(FromRow)]
struct OrderRow {
    id: i64,
    status: String,
    customer_id: i64,
    customer: String,
    supplier: String,
    total_cents: i64,
    shipping_name: String,
    shipping_address: String,
    created_at: i64,
    paid_at: Option<i64>,
    shipped_at: Option<i64>,
    completed_at: Option<i64>,
    cancelled_at: Option<i64>,
    cancel_reason: Option<String>,
}

#[derive(FromRow)]
struct LineRow {
    order_id: i64,
    part_id: i64,
    part_name: String,
    quantity: i64,
    unit_price_cents: i64,
    line_total_cents: i64,
    image_key: Option<String>,
}

fn parse_status(value: &str) -> sqlx::Result<OrderStatus> {
    OrderStatus::parse(value).map_err(|m| sqlx::Error::Decode(m.into()))
}

/// Fills in the lines of these order rows, as seen by `viewer_id`, and their payment deadlines.
async fn with_lines(
    db: &mut SqliteConnection,
    rows: Vec<OrderRow>,
    viewer_id: i64,
    payment_window: Duration,
) -> sqlx::Result<Vec<Order>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = QueryBuilder::<Sqlite>::new(
        "SELECT pu.order_id, pu.part_id, pu.part_name, pu.quantity, pu.unit_price_cents, \
         pu.line_total_cents, p.image_key FROM purchases pu JOIN parts p ON p.id = pu.part_id \
         WHERE pu.order_id IN (",
    );
    let mut ids = query.separated(", ");
    for row in &rows {
        ids.push_bind(row.id);
    }
    query.push(") ORDER BY pu.order_id, pu.id");
    let mut lines: Vec<LineRow> = query.build_query_as().fetch_all(&mut *db).await?;
    let mut orders = Vec::with_capacity(rows.len());
    for row in rows {
        let mine: Vec<OrderLine> = lines
            .extract_if(.., |l| l.order_id == row.id)
            .map(|l| OrderLine {
                part_id: l.part_id,
                name: l.part_name,
                quantity: l.quantity,
                unit_price: Cents(l.unit_price_cents),
                line_total: Cents(l.line_total_cents),
                image_key: l.image_key,
            })
            .collect();
        let status = parse_status(&row.status)?;
        let cancel_reason = match row.cancel_reason.as_deref() {
            Some(reason) => {
                Some(CancelReason::parse(reason).map_err(|m| sqlx::Error::Decode(m.into()))?)
            }
            // Orders cancelled before reasons were recorded were all cancelled by their
            // customer.
            None => (status == OrderStatus::Cancelled).then_some(CancelReason::Customer),
        };
        orders.push(Order {
            id: row.id,
            reference: payment_reference(row.id),
            status,
            viewer: if row.customer_id == viewer_id {
                Party::Customer
            } else {
                Party::Supplier
            },
            customer: row.customer,
            supplier: row.supplier,
            total: Cents(row.total_cents),
            shipping_name: row.shipping_name,
            shipping_address: row.shipping_address,
            created_at: row.created_at,
            paid_at: row.paid_at,
            shipped_at: row.shipped_at,
            completed_at: row.completed_at,
            cancelled_at: row.cancelled_at,
            cancel_reason,
            pay_by: row.created_at.saturating_add(seconds(payment_window)),
            lines: mine,
        });
    }
    Ok(orders)
}

/// One page of the viewer's orders: the ones placed (`Purchases`, newest first), the ones for
/// the viewer's parts (`Sales`, newest first) or those of them waiting to ship (`ToShip`,
/// oldest first, the order to ship them in). `is_supplier` is the viewer's role, passed on to
/// the page; `payment_window` gives each order its payment deadline.
pub async fn list_orders(
    pool: &SqlitePool,
    viewer_id: i64,
    is_supplier: bool,
    view: OrdersView,
    page: u32,
    payment_window: Duration,
) -> sqlx::Result<OrdersPage> {
    let page = page.clamp(1, 10_000);
    let filter = match view {
        OrdersView::Purchases => "o.customer_id = ? ORDER BY o.created_at DESC, o.id DESC",
        OrdersView::Sales => "o.supplier_id = ? ORDER BY o.created_at DESC, o.id DESC",
        OrdersView::ToShip => {
            "o.supplier_id = ? AND o.status = 'paid' ORDER BY o.paid_at ASC, o.id ASC"
        }
    };
    let mut conn = pool.acquire().await?;
    let mut rows: Vec<OrderRow> =
        sqlx::query_as(&format!("{ORDER_SELECT} WHERE {filter} LIMIT ? OFFSET ?"))
            .bind(viewer_id)
            .bind(i64::from(ORDERS_PAGE_SIZE) + 1)
            .bind(i64::from(page - 1) * i64::from(ORDERS_PAGE_SIZE))
            .fetch_all(&mut *conn)
            .await?;
    let has_more = rows.len() > ORDERS_PAGE_SIZE as usize;
    rows.truncate(ORDERS_PAGE_SIZE as usize);
    Ok(OrdersPage {
        view,
        is_supplier,
        orders: with_lines(&mut conn, rows, viewer_id, payment_window).await?,
        page,
        has_more,
    })
}

/// One order, if the viewer is its customer or its supplier (anybody else gets `None`), with
/// its payment deadline from `payment_window`.
pub async fn order_for(
    pool: &SqlitePool,
    order_id: i64,
    viewer_id: i64,
    payment_window: Duration,
) -> sqlx::Result<Option<Order>> {
    let mut conn = pool.acquire().await?;
    let row: Option<OrderRow> = sqlx::query_as(&format!(
        "{ORDER_SELECT} WHERE o.id = ? AND (o.customer_id = ? OR o.supplier_id = ?)"
    ))
    .bind(order_id)
    .bind(viewer_id)
    .bind(viewer_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(with_lines(&mut conn, vec![row], viewer_id, payment_window)
        .await?
        .pop())
}

/// What a status change came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// Done; the order is now in this status.
    Done(OrderStatus),
    /// No such order, or not the caller's (as customer or supplier).
    NotFound,
    /// Not allowed from here, or not for this side; the reason.
    Refused(String),
}

/// Moves an order to `to` if the workflow allows it for the caller's side of the order, and
/// records the time. Cancelling puts the stock back (see [`cancel_unpaid`]). One write
/// transaction.
pub async fn change_status(
    pool: &SqlitePool,
    order_id: i64,
    user_id: i64,
    to: OrderStatus,
) -> sqlx::Result<StepOutcome> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let order: Option<(String, i64, i64)> =
        sqlx::query_as("SELECT status, customer_id, supplier_id FROM orders WHERE id = ?")
            .bind(order_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((status, customer_id, supplier_id)) = order else {
        return Ok(StepOutcome::NotFound);
    };
    let by = if user_id == customer_id {
        Party::Customer
    } else if user_id == supplier_id {
        Party::Supplier
    } else {
        return Ok(StepOutcome::NotFound);
    };
    let from = parse_status(&status)?;
    if let Err(reason) = from.check_step(to, by) {
        return Ok(StepOutcome::Refused(reason));
    }
    // The column comes from this fixed list, never from input.
    let stamp = match to {
        OrderStatus::Paid => "paid_at",
        OrderStatus::Shipped => "shipped_at",
        OrderStatus::Completed => "completed_at",
        // Cancelling also puts the stock back, the way the expiry of unpaid orders does.
        OrderStatus::Cancelled => {
            let now = super::expiry::unix_now();
            if !cancel_unpaid(&mut tx, order_id, now, CancelReason::Customer).await? {
                // Unreachable under the write lock taken above (the status was just read);
                // kept so a cancel can never be reported that did not happen.
                return Ok(StepOutcome::Refused(
                    "Only an order awaiting payment can be cancelled.".into(),
                ));
            }
            tx.commit().await?;
            return Ok(StepOutcome::Done(to));
        }
        OrderStatus::AwaitingPayment => {
            return Ok(StepOutcome::Refused(
                "An order cannot go back to awaiting payment.".into(),
            ))
        }
    };
    sqlx::query(&format!(
        "UPDATE orders SET status = ?, {stamp} = unixepoch() WHERE id = ? AND status = ?"
    ))
    .bind(to.as_str())
    .bind(order_id)
    .bind(from.as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(StepOutcome::Done(to))
}

/// Cancels an order that is still awaiting payment, records when (`at`, Unix seconds) and why,
/// and puts each line's quantity back into its part's stock: the one way an order is cancelled,
/// by its customer or by the expiry of unpaid orders. The status is compared and set in one
/// UPDATE, and the stock goes back only if that UPDATE changed the order, so however many
/// callers race for the same order (a customer's click, the expiry runs of several server
/// processes) exactly one cancels it and returns its stock; the others get `false` and change
/// nothing. Runs inside the caller's write transaction.
async fn cancel_unpaid(
    db: &mut SqliteConnection,
    order_id: i64,
    at: i64,
    reason: CancelReason,
) -> sqlx::Result<bool> {
    let cancelled = sqlx::query(
        "UPDATE orders SET status = 'cancelled', cancelled_at = ?, cancel_reason = ? \
         WHERE id = ? AND status = 'awaiting_payment'",
    )
    .bind(at)
    .bind(reason.as_str())
    .bind(order_id)
    .execute(&mut *db)
    .await?
    .rows_affected()
        == 1;
    if !cancelled {
        return Ok(false);
    }
    let lines: Vec<(i64, i64)> =
        sqlx::query_as("SELECT part_id, quantity FROM purchases WHERE order_id = ?")
            .bind(order_id)
            .fetch_all(&mut *db)
            .await?;
    for (part_id, quantity) in lines {
        parts_db::return_stock(&mut *db, part_id, quantity).await?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests;
