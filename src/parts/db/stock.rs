//! Stock: what buying a part depends on, and taking and returning units inside a checkout's
//! or a cancellation's transaction.

use crate::parts::MAX_STOCK;
use crate::server::db::{DbConnection, DbExecutor};

/// What buying a part depends on: who sells it, how many there are, whether it is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StockInfo {
    /// The owner.
    pub supplier_id: i64,
    /// Units in stock.
    pub stock: i64,
    /// Archived parts cannot be bought.
    pub archived: bool,
}

/// The stock facts of a part, archived or not.
pub async fn stock_info(db: impl DbExecutor<'_>, id: i64) -> sqlx::Result<Option<StockInfo>> {
    crate::db_query_as!(
        StockInfo,
        r#"SELECT supplier_id, stock, (archived <> 0) AS "archived!: bool" FROM parts WHERE id = $1"#,
        id,
    )
    .fetch_optional(db)
    .await
}

/// Takes `quantity` units out of stock if that many are there; returns whether it did. The
/// condition is in the UPDATE itself, so stock can never go below zero, whatever runs at the
/// same time. Callers run it inside their checkout transaction.
pub async fn take_stock(db: &mut DbConnection, id: i64, quantity: i64) -> sqlx::Result<bool> {
    let done = crate::db_query!(
        "UPDATE parts SET stock = stock - $1, updated_at = unixepoch() \
         WHERE id = $2 AND archived = 0 AND CAST($1 AS BIGINT) > 0 AND stock >= $1",
        quantity,
        id,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts `quantity` units back into stock (a cancelled order), capped at [`MAX_STOCK`], the
/// schema's most.
pub async fn return_stock(db: &mut DbConnection, id: i64, quantity: i64) -> sqlx::Result<()> {
    crate::db_query!(
        "UPDATE parts SET stock = CASE WHEN stock + $1 > $3 THEN $3 ELSE stock + $1 END, \
         updated_at = unixepoch() WHERE id = $2 AND CAST($1 AS BIGINT) > 0",
        quantity,
        id,
        MAX_STOCK,
    )
    .execute(db)
    .await?;
    Ok(())
}
