//! Checkout: the customer's whole cart becomes one order per supplier, in one transaction.

use crate::server::db::{self, DbConnection, DbExecutor, DbPool};
use crate::{
    cart::{cart_total, db as cart_db, LineIssue},
    orders::{payment_reference, Shipping, MAX_UNPAID_UNITS_PER_PART},
    parts::{db as parts_db, Cents},
};
use std::collections::HashMap;

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
    pool: &DbPool,
    customer_id: i64,
    key: &str,
    shipping: &Shipping,
    expected_total: Option<Cents>,
) -> sqlx::Result<CheckoutOutcome> {
    // The write lock (SQLite) or the customer's row lock (PostgreSQL) is taken first, so no
    // other checkout of this customer runs between the reads below and the writes.
    let mut tx = db::begin_write(pool, Some(customer_id)).await?;
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
    let checkout_id = crate::db_query_scalar!(
        r#"INSERT INTO checkouts (customer_id, idempotency_key) VALUES ($1, $2) RETURNING id AS "id!""#,
        customer_id,
        key,
    )
    .fetch_one(&mut *tx)
    .await?;
    let mut part_ids: Vec<i64> = lines.iter().map(|l| l.part_id).collect();
    part_ids.sort_unstable();
    db::lock_parts(&mut tx, &part_ids).await?;
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
        let group_total = cart_total(group).0;
        let order_id = crate::db_query_scalar!(
            r#"INSERT INTO orders (customer_id, supplier_id, total_cents, shipping_name,
               shipping_address, checkout_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id AS "id!""#,
            customer_id,
            supplier_id,
            group_total,
            shipping.name,
            shipping.address,
            checkout_id,
        )
        .fetch_one(&mut *tx)
        .await?;
        let reference = payment_reference(order_id);
        crate::db_query!(
            "UPDATE orders SET payment_reference = $1 WHERE id = $2",
            reference,
            order_id,
        )
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
            let line_total = line.subtotal().0;
            crate::db_query!(
                "INSERT INTO purchases (order_id, part_id, part_name, quantity, \
                 unit_price_cents, line_total_cents) VALUES ($1, $2, $3, $4, $5, $6)",
                order_id,
                line.part_id,
                line.name,
                line.quantity,
                line.unit_price.0,
                line_total,
            )
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
    db: &mut DbConnection,
    customer_id: i64,
    key: &str,
) -> sqlx::Result<Option<Vec<i64>>> {
    let checkout = crate::db_query_scalar!(
        r#"SELECT id AS "id!" FROM checkouts WHERE customer_id = $1 AND idempotency_key = $2"#,
        customer_id,
        key,
    )
    .fetch_optional(&mut *db)
    .await?;
    let Some(checkout) = checkout else {
        return Ok(None);
    };
    let ids = crate::db_query_scalar!(
        r#"SELECT id AS "id!" FROM orders WHERE checkout_id = $1 ORDER BY id"#,
        checkout
    )
    .fetch_all(&mut *db)
    .await?;
    Ok(Some(ids))
}

/// How many units of each part (by id) the customer's orders awaiting payment hold.
pub async fn unpaid_units(
    db: impl DbExecutor<'_>,
    customer_id: i64,
) -> sqlx::Result<HashMap<i64, i64>> {
    // The status is written out (not bound) so SQLite can use the partial index of unpaid
    // orders by customer.
    let rows = crate::db_query!(
        r#"SELECT pu.part_id, CAST(SUM(pu.quantity) AS BIGINT) AS "units!: i64" FROM orders o
           JOIN purchases pu ON pu.order_id = o.id
           WHERE o.customer_id = $1 AND o.status = 'awaiting_payment' GROUP BY pu.part_id"#,
        customer_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.part_id, r.units)).collect())
}
