//! Part rows: storing a part and reading parts as the catalogue cards and part pages show them.

use crate::parts::{Cents, DeliveryEstimate, PartDetail, PartSummary};
use crate::server::db::DbExecutor;
use sqlx::FromRow;

/// The fields of a listing, as the listing form edits them.
#[derive(Debug, Clone)]
pub struct PartFields<'a> {
    /// Product name.
    pub name: &'a str,
    /// Maker.
    pub manufacturer: &'a str,
    /// Model or part number.
    pub model: &'a str,
    /// Description.
    pub description: &'a str,
    /// Price.
    pub price: Cents,
    /// Units in stock.
    pub stock: i64,
    /// Delivery time.
    pub delivery: DeliveryEstimate,
}

/// A part to be stored.
#[derive(Debug, Clone)]
pub struct NewPart<'a> {
    /// Owner.
    pub supplier_id: i64,
    /// What the listing says.
    pub fields: PartFields<'a>,
    /// Image file stem.
    pub image_key: Option<&'a str>,
}

/// Stores a part and returns its id.
pub async fn insert_part(db: impl DbExecutor<'_>, part: &NewPart<'_>) -> sqlx::Result<i64> {
    crate::db_query_scalar!(
        r#"INSERT INTO parts (supplier_id, name, manufacturer, model, description, price_cents,
           stock, delivery_estimate, image_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           RETURNING id AS "id!""#,
        part.supplier_id,
        part.fields.name,
        part.fields.manufacturer,
        part.fields.model,
        part.fields.description,
        part.fields.price.0,
        part.fields.stock,
        part.fields.delivery as _,
        part.image_key,
    )
    .fetch_one(db)
    .await
}

/// A part as a card shows it, from `parts p JOIN users u` ([`SUMMARY_COLUMNS`]). Read by the
/// query macros here and by the catalogue search's built queries.
#[derive(FromRow)]
pub(crate) struct SummaryRow {
    pub id: i64,
    pub name: String,
    pub manufacturer: String,
    pub model: String,
    pub price_cents: i64,
    pub stock: i64,
    /// Decoded, so a spelling the schema does not admit is an error, not a guess.
    pub delivery_estimate: DeliveryEstimate,
    pub image_key: Option<String>,
    pub supplier: String,
    pub supplier_id: i64,
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
            delivery: r.delivery_estimate,
            image_key: r.image_key,
            supplier: r.supplier,
            supplier_id: r.supplier_id,
        }
    }
}

/// The columns a [`SummaryRow`] reads, from `parts p JOIN users u`, for queries built at run
/// time (the catalogue search). The checked queries below spell the same list out, as the
/// query macros need one literal.
pub(crate) const SUMMARY_COLUMNS: &str = "p.id, p.name, p.manufacturer, p.model, p.price_cents, \
     p.stock, p.delivery_estimate, p.image_key, u.username AS supplier, p.supplier_id";

/// The newest parts in the catalogue (not archived), newest first.
pub async fn newest_parts(db: impl DbExecutor<'_>, limit: i64) -> sqlx::Result<Vec<PartSummary>> {
    let limit = limit.clamp(0, 100);
    let rows = crate::db_query_as!(
        SummaryRow,
        r#"SELECT p.id AS "id!", p.name, p.manufacturer, p.model, p.price_cents, p.stock,
                  p.delivery_estimate AS "delivery_estimate: _", p.image_key,
                  u.username AS supplier, p.supplier_id
           FROM parts p JOIN users u ON u.id = p.supplier_id
           WHERE p.archived = 0 ORDER BY p.created_at DESC, p.id DESC LIMIT $1"#,
        limit,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(PartSummary::from).collect())
}

/// A part in the catalogue (not archived) with everything its page shows.
pub async fn active_part(db: impl DbExecutor<'_>, id: i64) -> sqlx::Result<Option<PartDetail>> {
    let row = crate::db_query!(
        r#"SELECT p.id AS "id!", p.name, p.manufacturer, p.model, p.price_cents, p.stock,
                  p.delivery_estimate AS "delivery_estimate: DeliveryEstimate", p.image_key,
                  u.username AS supplier, p.supplier_id, p.description
           FROM parts p JOIN users u ON u.id = p.supplier_id WHERE p.id = $1 AND p.archived = 0"#,
        id,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| PartDetail {
        summary: SummaryRow {
            id: r.id,
            name: r.name,
            manufacturer: r.manufacturer,
            model: r.model,
            price_cents: r.price_cents,
            stock: r.stock,
            delivery_estimate: r.delivery_estimate,
            image_key: r.image_key,
            supplier: r.supplier,
            supplier_id: r.supplier_id,
        }
        .into(),
        description: r.description,
        // Read by the caller that shows them (`super::super::numbers::db::of_part`).
        numbers: Vec::new(),
    }))
}
