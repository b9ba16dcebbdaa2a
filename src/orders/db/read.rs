//! Reading orders: a page of them, one of them, and the counts and defaults other pages need.

use super::seconds::seconds;
use crate::server::db::{Db, DbConnection, DbExecutor, DbPool};
use crate::{
    orders::{
        payment_reference, CancelReason, Order, OrderLine, OrderStatus, OrdersList, OrdersView,
        Party, ORDERS_PAGE_SIZE,
    },
    parts::Cents,
};
use sqlx::{FromRow, QueryBuilder};
use std::time::Duration;

/// The shipping name and address of the customer's latest order, to prefill the next one.
pub async fn last_shipping(
    db: impl DbExecutor<'_>,
    customer_id: i64,
) -> sqlx::Result<Option<(String, String)>> {
    let row = crate::db_query!(
        "SELECT shipping_name, shipping_address FROM orders WHERE customer_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT 1",
        customer_id,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.shipping_name, r.shipping_address)))
}

/// How many of the supplier's orders are paid and waiting to ship.
pub async fn to_ship_count(db: impl DbExecutor<'_>, supplier_id: i64) -> sqlx::Result<i64> {
    crate::db_query_scalar!(
        r#"SELECT COUNT(*) AS "n!" FROM orders WHERE supplier_id = $1 AND status = $2"#,
        supplier_id,
        OrderStatus::Paid as _,
    )
    .fetch_one(db)
    .await
}

/// A checked query (`sqlx::query_as!`) of [`OrderRow`]s: the one column list, then `$filter`
/// (a string literal: WHERE, ORDER BY, LIMIT) and its arguments.
macro_rules! order_rows {
    ($filter:literal, $($arg:expr),+ $(,)?) => {
        crate::db_query_as!(
            OrderRow,
            r#"SELECT o.id AS "id!", o.status AS "status: _", o.customer_id,
                      c.username AS customer, s.username AS supplier, o.total_cents,
                      o.shipping_name, o.shipping_address, o.created_at, o.paid_at,
                      o.shipped_at, o.completed_at, o.cancelled_at,
                      o.cancel_reason AS "cancel_reason: _"
               FROM orders o JOIN users c ON c.id = o.customer_id
               JOIN users s ON s.id = o.supplier_id "# + $filter,
            $($arg),+
        )
    };
}

struct OrderRow {
    id: i64,
    status: OrderStatus,
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
    cancel_reason: Option<CancelReason>,
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

/// Fills in the lines of these order rows, as seen by `viewer_id`, and their payment deadlines.
async fn with_lines(
    db: &mut DbConnection,
    rows: Vec<OrderRow>,
    viewer_id: i64,
    payment_window: Duration,
) -> sqlx::Result<Vec<Order>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = QueryBuilder::<Db>::new(
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
        let status = row.status;
        let cancel_reason = match row.cancel_reason {
            Some(reason) => Some(reason),
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
    pool: &DbPool,
    viewer_id: i64,
    is_supplier: bool,
    view: OrdersView,
    page: u32,
    payment_window: Duration,
) -> sqlx::Result<OrdersList> {
    let page = page.clamp(1, 10_000);
    let (limit, offset) = (
        i64::from(ORDERS_PAGE_SIZE) + 1,
        i64::from(page - 1) * i64::from(ORDERS_PAGE_SIZE),
    );
    let mut conn = pool.acquire().await?;
    let mut rows = match view {
        OrdersView::Purchases => {
            order_rows!(
                "WHERE o.customer_id = $1 ORDER BY o.created_at DESC, o.id DESC LIMIT $2 OFFSET $3",
                viewer_id,
                limit,
                offset,
            )
            .fetch_all(&mut *conn)
            .await?
        }
        OrdersView::Sales => {
            order_rows!(
                "WHERE o.supplier_id = $1 ORDER BY o.created_at DESC, o.id DESC LIMIT $2 OFFSET $3",
                viewer_id,
                limit,
                offset,
            )
            .fetch_all(&mut *conn)
            .await?
        }
        OrdersView::ToShip => {
            order_rows!(
                "WHERE o.supplier_id = $1 AND o.status = $2 ORDER BY o.paid_at ASC, o.id ASC \
                 LIMIT $3 OFFSET $4",
                viewer_id,
                OrderStatus::Paid as _,
                limit,
                offset,
            )
            .fetch_all(&mut *conn)
            .await?
        }
    };
    let has_more = rows.len() > ORDERS_PAGE_SIZE as usize;
    rows.truncate(ORDERS_PAGE_SIZE as usize);
    Ok(OrdersList {
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
    pool: &DbPool,
    order_id: i64,
    viewer_id: i64,
    payment_window: Duration,
) -> sqlx::Result<Option<Order>> {
    let mut conn = pool.acquire().await?;
    let row = order_rows!(
        "WHERE o.id = $1 AND (o.customer_id = $2 OR o.supplier_id = $2)",
        order_id,
        viewer_id,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(with_lines(&mut conn, vec![row], viewer_id, payment_window)
        .await?
        .pop())
}
