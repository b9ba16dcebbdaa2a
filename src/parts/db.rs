//! All SQL of the parts table, which this feature owns.

use super::{Cents, DeliveryEstimate, PartSummary, ShopStats};
use sqlx::{FromRow, SqliteExecutor};

/// A part to be stored.
#[derive(Debug, Clone)]
pub struct NewPart<'a> {
    /// Owner.
    pub supplier_id: i64,
    /// Product name.
    pub name: &'a str,
    /// Maker.
    pub manufacturer: &'a str,
    /// Model or part number.
    pub model: &'a str,
    /// Long description.
    pub description: &'a str,
    /// Price.
    pub price: Cents,
    /// Units in stock.
    pub stock: i64,
    /// Delivery time.
    pub delivery: DeliveryEstimate,
    /// Image file stem.
    pub image_key: Option<&'a str>,
}

/// Stores a part and returns its id.
pub async fn insert_part(db: impl SqliteExecutor<'_>, part: &NewPart<'_>) -> sqlx::Result<i64> {
    let done = sqlx::query(
        "INSERT INTO parts (supplier_id, name, manufacturer, model, description, price_cents, \
         stock, delivery_estimate, image_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(part.supplier_id)
    .bind(part.name)
    .bind(part.manufacturer)
    .bind(part.model)
    .bind(part.description)
    .bind(part.price.0)
    .bind(part.stock)
    .bind(part.delivery.as_str())
    .bind(part.image_key)
    .execute(db)
    .await?;
    Ok(done.last_insert_rowid())
}

#[derive(FromRow)]
struct SummaryRow {
    id: i64,
    name: String,
    manufacturer: String,
    model: String,
    price_cents: i64,
    stock: i64,
    delivery_estimate: String,
    image_key: Option<String>,
    supplier: String,
}

impl From<SummaryRow> for PartSummary {
    fn from(r: SummaryRow) -> Self {
        PartSummary {
            id: r.id,
            name: r.name,
            manufacturer: r.manufacturer,
            model: r.model,
            price: Cents(r.price_cents),
            stock: r.stock,
            // The CHECK constraint admits only the four spellings.
            delivery: DeliveryEstimate::parse(&r.delivery_estimate)
                .unwrap_or(DeliveryEstimate::Weeks2To4),
            image_key: r.image_key,
            supplier: r.supplier,
        }
    }
}

/// The newest parts in the catalogue (not archived), newest first.
pub async fn newest_parts(
    db: impl SqliteExecutor<'_>,
    limit: i64,
) -> sqlx::Result<Vec<PartSummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "SELECT p.id, p.name, p.manufacturer, p.model, p.price_cents, p.stock, \
         p.delivery_estimate, p.image_key, u.username AS supplier \
         FROM parts p JOIN users u ON u.id = p.supplier_id \
         WHERE p.archived = 0 ORDER BY p.created_at DESC, p.id DESC LIMIT ?",
    )
    .bind(limit.clamp(0, 100))
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(PartSummary::from).collect())
}

/// Counts of a supplier's listings and stock.
pub async fn supplier_stats(
    db: impl SqliteExecutor<'_>,
    supplier_id: i64,
) -> sqlx::Result<ShopStats> {
    let (active, archived, units, low): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT \
           COALESCE(SUM(archived = 0), 0), \
           COALESCE(SUM(archived = 1), 0), \
           COALESCE(SUM(CASE WHEN archived = 0 THEN stock ELSE 0 END), 0), \
           COALESCE(SUM(archived = 0 AND stock <= 5), 0) \
         FROM parts WHERE supplier_id = ?",
    )
    .bind(supplier_id)
    .fetch_one(db)
    .await?;
    Ok(ShopStats {
        active_listings: active,
        archived_listings: archived,
        units_in_stock: units,
        low_stock_listings: low,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::SqlitePool;

    async fn supplier(pool: &SqlitePool, name: &str) -> i64 {
        sqlx::query(
            "INSERT INTO users (username, email, password_hash, role) VALUES (?, ?, 'h', 'supplier')",
        )
        .bind(name)
        .bind(format!("{name}@example.com"))
        .execute(pool)
        .await
        .unwrap()
        .last_insert_rowid()
    }

    fn part(supplier_id: i64, name: &str, stock: i64) -> NewPart<'_> {
        NewPart {
            supplier_id,
            name,
            manufacturer: "Bosch",
            model: "BP-123",
            description: "A part.",
            price: Cents(1999),
            stock,
            delivery: DeliveryEstimate::Days1To2,
            image_key: None,
        }
    }

    #[sqlx::test]
    async fn newest_parts_leave_out_archived_ones(pool: SqlitePool) {
        let s = supplier(&pool, "acme").await;
        let a = insert_part(&pool, &part(s, "Old", 10)).await.unwrap();
        let b = insert_part(&pool, &part(s, "New", 10)).await.unwrap();
        let c = insert_part(&pool, &part(s, "Gone", 10)).await.unwrap();
        sqlx::query("UPDATE parts SET archived = 1 WHERE id = ?")
            .bind(c)
            .execute(&pool)
            .await
            .unwrap();
        let ids: Vec<i64> = newest_parts(&pool, 10)
            .await
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(ids, vec![b, a]);
        let first = &newest_parts(&pool, 1).await.unwrap()[0];
        assert_eq!(first.supplier, "acme");
        assert_eq!(first.price, Cents(1999));
    }

    #[sqlx::test]
    async fn schema_refuses_negative_stock_and_zero_price(pool: SqlitePool) {
        let s = supplier(&pool, "acme").await;
        assert!(insert_part(&pool, &part(s, "Neg", -1)).await.is_err());
        let mut free = part(s, "Free", 1);
        free.price = Cents(0);
        assert!(insert_part(&pool, &free).await.is_err());
        // A part must belong to an existing user (foreign keys are on).
        assert!(insert_part(&pool, &part(9999, "Orphan", 1)).await.is_err());
    }

    #[sqlx::test]
    async fn supplier_stats_counts_only_own_parts(pool: SqlitePool) {
        let s = supplier(&pool, "acme").await;
        let other = supplier(&pool, "other").await;
        insert_part(&pool, &part(s, "A", 10)).await.unwrap();
        insert_part(&pool, &part(s, "B", 3)).await.unwrap();
        let c = insert_part(&pool, &part(s, "C", 7)).await.unwrap();
        insert_part(&pool, &part(other, "D", 50)).await.unwrap();
        sqlx::query("UPDATE parts SET archived = 1 WHERE id = ?")
            .bind(c)
            .execute(&pool)
            .await
            .unwrap();
        let summary = supplier_stats(&pool, s).await.unwrap();
        assert_eq!(
            summary,
            ShopStats {
                active_listings: 2,
                archived_listings: 1,
                units_in_stock: 13,
                low_stock_listings: 1,
            }
        );
    }
}
