//! All SQL of the parts table, which this feature owns.

use super::{Cents, DeliveryEstimate, PartDetail, PartSummary, ShopStats};
use crate::listings::{ListingFormState, ListingInput, ListingRow};
use sqlx::{FromRow, SqliteConnection, SqliteExecutor};

mod search;
pub use search::{explain, search, QueryPlan, COUNT_CAP, MAX_PAGES};

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
pub async fn insert_part(db: impl SqliteExecutor<'_>, part: &NewPart<'_>) -> sqlx::Result<i64> {
    let done = sqlx::query(
        "INSERT INTO parts (supplier_id, name, manufacturer, model, description, price_cents, \
         stock, delivery_estimate, image_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(part.supplier_id)
    .bind(part.fields.name)
    .bind(part.fields.manufacturer)
    .bind(part.fields.model)
    .bind(part.fields.description)
    .bind(part.fields.price.0)
    .bind(part.fields.stock)
    .bind(part.fields.delivery.as_str())
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
    supplier_id: i64,
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
            supplier_id: r.supplier_id,
        }
    }
}

/// The columns a [`SummaryRow`] reads, from `parts p JOIN users u`.
const SUMMARY_COLUMNS: &str = "p.id, p.name, p.manufacturer, p.model, p.price_cents, p.stock, \
     p.delivery_estimate, p.image_key, u.username AS supplier, p.supplier_id";

/// The newest parts in the catalogue (not archived), newest first.
pub async fn newest_parts(
    db: impl SqliteExecutor<'_>,
    limit: i64,
) -> sqlx::Result<Vec<PartSummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM parts p JOIN users u ON u.id = p.supplier_id \
         WHERE p.archived = 0 ORDER BY p.created_at DESC, p.id DESC LIMIT ?"
    ))
    .bind(limit.clamp(0, 100))
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(PartSummary::from).collect())
}

#[derive(FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    description: String,
}

/// A part in the catalogue (not archived) with everything its page shows.
pub async fn active_part(db: impl SqliteExecutor<'_>, id: i64) -> sqlx::Result<Option<PartDetail>> {
    let row: Option<DetailRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS}, p.description \
         FROM parts p JOIN users u ON u.id = p.supplier_id WHERE p.id = ? AND p.archived = 0"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| PartDetail {
        summary: r.summary.into(),
        description: r.description,
    }))
}

/// What buying a part depends on: who sells it, how many there are, whether it is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow)]
pub struct StockInfo {
    /// The owner.
    pub supplier_id: i64,
    /// Units in stock.
    pub stock: i64,
    /// Archived parts cannot be bought.
    pub archived: bool,
}

/// The stock facts of a part, archived or not.
pub async fn stock_info(db: impl SqliteExecutor<'_>, id: i64) -> sqlx::Result<Option<StockInfo>> {
    sqlx::query_as("SELECT supplier_id, stock, archived FROM parts WHERE id = ?")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// `%text%` for LIKE, with LIKE's wildcards in the text escaped.
fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
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

#[derive(FromRow)]
struct ListingRowDb {
    id: i64,
    name: String,
    manufacturer: String,
    model: String,
    price_cents: i64,
    stock: i64,
    image_key: Option<String>,
    archived: bool,
}

impl From<ListingRowDb> for ListingRow {
    fn from(r: ListingRowDb) -> Self {
        ListingRow {
            id: r.id,
            name: r.name,
            manufacturer: r.manufacturer,
            model: r.model,
            price: Cents(r.price_cents),
            stock: r.stock,
            image_key: r.image_key,
            archived: r.archived,
        }
    }
}

/// A supplier's own parts, active or archived, optionally narrowed by a text found in name,
/// maker or model; most recently changed first.
pub async fn owned_listings(
    db: impl SqliteExecutor<'_>,
    supplier_id: i64,
    archived: bool,
    text: &str,
) -> sqlx::Result<Vec<ListingRow>> {
    let pattern = contains_pattern(text.trim());
    let rows: Vec<ListingRowDb> = sqlx::query_as(
        "SELECT id, name, manufacturer, model, price_cents, stock, image_key, archived \
         FROM parts WHERE supplier_id = ? AND archived = ? \
         AND (name LIKE ?3 ESCAPE '\\' OR manufacturer LIKE ?3 ESCAPE '\\' OR model LIKE ?3 ESCAPE '\\') \
         ORDER BY updated_at DESC, id DESC LIMIT 1000",
    )
    .bind(supplier_id)
    .bind(archived)
    .bind(pattern)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(ListingRow::from).collect())
}

#[derive(FromRow)]
struct OwnedPartDb {
    name: String,
    manufacturer: String,
    model: String,
    description: String,
    price_cents: i64,
    stock: i64,
    delivery_estimate: String,
    image_key: Option<String>,
}

/// A supplier's own part (archived or not) as the listing form shows it; `None` when the part
/// does not exist or belongs to someone else.
pub async fn owned_part(
    db: impl SqliteExecutor<'_>,
    id: i64,
    supplier_id: i64,
) -> sqlx::Result<Option<ListingFormState>> {
    let row: Option<OwnedPartDb> = sqlx::query_as(
        "SELECT name, manufacturer, model, description, price_cents, stock, delivery_estimate, \
         image_key FROM parts WHERE id = ? AND supplier_id = ?",
    )
    .bind(id)
    .bind(supplier_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| ListingFormState {
        id: Some(id),
        input: ListingInput {
            name: r.name,
            manufacturer: r.manufacturer,
            model: r.model,
            description: r.description,
            price: Cents(r.price_cents).euros_input(),
            stock: r.stock.to_string(),
            delivery: r.delivery_estimate,
        },
        image_key: r.image_key,
        errors: Vec::new(),
        form_error: None,
    }))
}

/// Changes an owned part's fields and, if `image_key` is `Some`, its picture. Returns whether
/// a part of this supplier was changed.
pub async fn update_owned_part(
    db: impl SqliteExecutor<'_>,
    id: i64,
    supplier_id: i64,
    fields: &PartFields<'_>,
    image_key: Option<&str>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE parts SET name = ?, manufacturer = ?, model = ?, description = ?, \
         price_cents = ?, stock = ?, delivery_estimate = ?, image_key = COALESCE(?, image_key), \
         updated_at = unixepoch() WHERE id = ? AND supplier_id = ?",
    )
    .bind(fields.name)
    .bind(fields.manufacturer)
    .bind(fields.model)
    .bind(fields.description)
    .bind(fields.price.0)
    .bind(fields.stock)
    .bind(fields.delivery.as_str())
    .bind(image_key)
    .bind(id)
    .bind(supplier_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The picture key of an owned part (to delete the old files after a replacement).
pub async fn owned_image_key(
    db: impl SqliteExecutor<'_>,
    id: i64,
    supplier_id: i64,
) -> sqlx::Result<Option<Option<String>>> {
    sqlx::query_scalar("SELECT image_key FROM parts WHERE id = ? AND supplier_id = ?")
        .bind(id)
        .bind(supplier_id)
        .fetch_optional(db)
        .await
}

/// A change the listings table makes in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnedChange {
    /// A new price.
    Price(Cents),
    /// A new stock count.
    Stock(i64),
    /// Archived (out of the catalogue) or not.
    Archived(bool),
}

/// Applies `change` to a part of this supplier. Returns whether such a part was changed.
pub async fn change_owned_part(
    db: impl SqliteExecutor<'_>,
    id: i64,
    supplier_id: i64,
    change: OwnedChange,
) -> sqlx::Result<bool> {
    // The column comes from this fixed list, never from input.
    let (column, value) = match change {
        OwnedChange::Price(price) => ("price_cents", price.0),
        OwnedChange::Stock(stock) => ("stock", stock),
        OwnedChange::Archived(archived) => ("archived", i64::from(archived)),
    };
    let done = sqlx::query(&format!(
        "UPDATE parts SET {column} = ?, updated_at = unixepoch() WHERE id = ? AND supplier_id = ?"
    ))
    .bind(value)
    .bind(id)
    .bind(supplier_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes `quantity` units out of stock if that many are there; returns whether it did. The
/// condition is in the UPDATE itself, so stock can never go below zero, whatever runs at the
/// same time. Callers run it inside their checkout transaction.
pub async fn take_stock(db: &mut SqliteConnection, id: i64, quantity: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE parts SET stock = stock - ?1, updated_at = unixepoch() \
         WHERE id = ?2 AND archived = 0 AND ?1 > 0 AND stock >= ?1",
    )
    .bind(quantity)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts `quantity` units back into stock (a cancelled order), capped at the schema's most.
pub async fn return_stock(db: &mut SqliteConnection, id: i64, quantity: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE parts SET stock = MIN(stock + ?1, 1000000), updated_at = unixepoch() \
         WHERE id = ?2 AND ?1 > 0",
    )
    .bind(quantity)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::CatalogueQuery;
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
            fields: PartFields {
                name,
                manufacturer: "Bosch",
                model: "BP-123",
                description: "A part.",
                price: Cents(1999),
                stock,
                delivery: DeliveryEstimate::Days1To2,
            },
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
        free.fields.price = Cents(0);
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
    async fn catalogue_fixture(pool: &SqlitePool) -> (i64, i64) {
        let s = supplier(pool, "acme").await;
        let other = supplier(pool, "zeta").await;
        let rows: [(&str, &str, &str, &str, i64, i64); 6] = [
            (
                "Brake disc, front, vented",
                "Brembo",
                "BP-123",
                "Vented disc for the front axle.",
                6490,
                10,
            ),
            (
                "Brake pad set",
                "ATE",
                "GDB1550",
                "Pads that suit the BP-123 brake disc.",
                2790,
                3,
            ),
            (
                "Oil filter",
                "Mann-Filter",
                "W 712/95",
                "Spin-on oil filter.",
                990,
                0,
            ),
            (
                "Spark plug, iridium",
                "NGK",
                "ILKAR7B11",
                "Laser iridium spark plug.",
                1490,
                80,
            ),
            (
                "Air filter",
                "Mann-Filter",
                "C 27 009",
                "Panel air filter; not for brakes.",
                2190,
                5,
            ),
            ("Brake disc, archived", "Brembo", "BP-999", "Gone.", 5000, 5),
        ];
        for (i, (name, maker, model, desc, price, stock)) in rows.into_iter().enumerate() {
            let owner = if i == 3 { other } else { s };
            let id = insert_part(
                pool,
                &NewPart {
                    supplier_id: owner,
                    fields: PartFields {
                        name,
                        manufacturer: maker,
                        model,
                        description: desc,
                        price: Cents(price),
                        stock,
                        delivery: DeliveryEstimate::Days1To2,
                    },
                    image_key: None,
                },
            )
            .await
            .unwrap();
            // Distinct creation times: later rows are newer.
            sqlx::query("UPDATE parts SET created_at = ? WHERE id = ?")
                .bind(1_700_000_000 + i as i64)
                .bind(id)
                .execute(pool)
                .await
                .unwrap();
        }
        sqlx::query("UPDATE parts SET archived = 1 WHERE name = 'Brake disc, archived'")
            .execute(pool)
            .await
            .unwrap();
        (s, other)
    }

    async fn names(pool: &SqlitePool, url_query: &str) -> Vec<String> {
        search(pool, &CatalogueQuery::parse(url_query))
            .await
            .unwrap()
            .parts
            .into_iter()
            .map(|p| p.name)
            .collect()
    }

    #[sqlx::test]
    async fn part_numbers_match_regardless_of_separators(pool: SqlitePool) {
        catalogue_fixture(&pool).await;
        for typed in ["bp123", "BP 123", "bp-123", "Bp.123", "BP-123"] {
            let found = names(&pool, &format!("q={}", typed.replace(' ', "+"))).await;
            assert_eq!(
                found.first().map(String::as_str),
                Some("Brake disc, front, vented"),
                "{typed}: {found:?}"
            );
        }
        // "W712/95" finds "W 712/95".
        assert_eq!(names(&pool, "q=w71295").await, ["Oil filter"]);
    }

    #[sqlx::test]
    async fn a_printed_part_number_finds_the_part_not_its_digits_elsewhere(pool: SqlitePool) {
        let (s, _) = catalogue_fixture(&pool).await;
        for (name, model, description) in [
            ("Brake pad set, rear", "0 986 494 104", "Rear pads."),
            (
                "Wiper blade",
                "WB-1",
                "Fits 104 models from 0 to 986 494 km.",
            ),
        ] {
            insert_part(
                &pool,
                &NewPart {
                    supplier_id: s,
                    fields: PartFields {
                        name,
                        manufacturer: "Bosch",
                        model,
                        description,
                        price: Cents(1000),
                        stock: 1,
                        delivery: DeliveryEstimate::Days1To2,
                    },
                    image_key: None,
                },
            )
            .await
            .unwrap();
        }
        // The number as printed names one part: the digits in other texts are noise.
        assert_eq!(
            names(&pool, "q=0+986+494+104").await,
            ["Brake pad set, rear"]
        );
        // The start of a number, or digits with words, still search the words too.
        assert_eq!(
            names(&pool, "q=986+494").await,
            ["Wiper blade", "Brake pad set, rear"]
        );
        assert_eq!(names(&pool, "q=wiper+104").await, ["Wiper blade"]);
    }

    #[sqlx::test]
    async fn search_ranks_name_matches_first_and_skips_archived(pool: SqlitePool) {
        catalogue_fixture(&pool).await;
        let found = names(&pool, "q=brake+disc").await;
        // The disc itself first; the pads only mention a brake disc in the description.
        assert_eq!(found, ["Brake disc, front, vented", "Brake pad set"]);
        assert!(names(&pool, "q=archived").await.is_empty());
        // Substrings and case do not matter.
        assert_eq!(names(&pool, "q=IRIDI").await, ["Spark plug, iridium"]);
        // Terms shorter than three characters still narrow the result.
        assert_eq!(names(&pool, "q=oil+fi").await, ["Oil filter"]);
    }

    #[sqlx::test]
    async fn filters_combine(pool: SqlitePool) {
        catalogue_fixture(&pool).await;
        assert_eq!(
            names(&pool, "m=Mann-Filter&sort=name").await,
            ["Air filter", "Oil filter"]
        );
        assert_eq!(names(&pool, "m=Mann-Filter&stock=1").await, ["Air filter"]);
        assert_eq!(
            names(&pool, "min=20&max=65&sort=price_asc").await,
            ["Air filter", "Brake pad set", "Brake disc, front, vented"]
        );
        assert_eq!(names(&pool, "q=filter&max=10").await, ["Oil filter"]);
        let results = search(&pool, &CatalogueQuery::parse("q=filter&stock=1"))
            .await
            .unwrap();
        assert_eq!(results.total, 1);
        // Manufacturer counts ignore the manufacturer filter but honour the others.
        let results = search(&pool, &CatalogueQuery::parse("m=NGK&stock=1"))
            .await
            .unwrap();
        let counts: Vec<(String, i64)> = results
            .manufacturers
            .into_iter()
            .map(|m| (m.name, m.count.unwrap_or(-1)))
            .collect();
        assert_eq!(
            counts,
            [
                ("ATE".to_string(), 1),
                ("Brembo".to_string(), 1),
                ("Mann-Filter".to_string(), 1),
                ("NGK".to_string(), 1)
            ]
        );
    }

    #[sqlx::test]
    async fn sort_orders(pool: SqlitePool) {
        catalogue_fixture(&pool).await;
        assert_eq!(
            names(&pool, "").await,
            [
                "Air filter",
                "Spark plug, iridium",
                "Oil filter",
                "Brake pad set",
                "Brake disc, front, vented"
            ]
        );
        assert_eq!(
            names(&pool, "sort=price_desc")
                .await
                .first()
                .map(String::as_str),
            Some("Brake disc, front, vented")
        );
        assert_eq!(
            names(&pool, "sort=price_asc")
                .await
                .first()
                .map(String::as_str),
            Some("Oil filter")
        );
        assert_eq!(
            names(&pool, "sort=name").await,
            [
                "Air filter",
                "Brake disc, front, vented",
                "Brake pad set",
                "Oil filter",
                "Spark plug, iridium"
            ]
        );
    }

    #[sqlx::test]
    async fn pagination_is_bounded(pool: SqlitePool) {
        let s = supplier(&pool, "acme").await;
        for i in 0..30 {
            let name = format!("Part {i:02}");
            insert_part(&pool, &part(s, &name, 1)).await.unwrap();
        }
        let first = search(&pool, &CatalogueQuery::parse("sort=name"))
            .await
            .unwrap();
        assert_eq!(
            (first.total, first.pages, first.page, first.parts.len()),
            (30, 2, 1, 24)
        );
        let second = search(&pool, &CatalogueQuery::parse("sort=name&page=2"))
            .await
            .unwrap();
        assert_eq!((second.page, second.parts.len()), (2, 6));
        assert_eq!(second.parts[0].name, "Part 24");
        // Past the end: the last page, not an error or an empty page.
        let beyond = search(&pool, &CatalogueQuery::parse("sort=name&page=99"))
            .await
            .unwrap();
        assert_eq!((beyond.page, beyond.parts.len()), (2, 6));
        let none = search(&pool, &CatalogueQuery::parse("q=nothing-like-this"))
            .await
            .unwrap();
        assert_eq!((none.total, none.pages, none.page), (0, 1, 1));
    }

    #[sqlx::test]
    async fn hostile_search_text_is_just_text(pool: SqlitePool) {
        catalogue_fixture(&pool).await;
        for q in [
            "\"",
            "'",
            "brake\" OR 1=1 --",
            "NEAR(brake disc)",
            "*",
            "brake*",
            "%",
            "_",
            "\\",
            "name:brake",
            "^brake",
            "(((",
            "a AND",
            "OR",
            "Robert'); DROP TABLE parts;--",
        ] {
            let query = CatalogueQuery {
                q: q.to_string(),
                ..CatalogueQuery::parse("")
            };
            let result = search(&pool, &query).await;
            assert!(result.is_ok(), "{q}: {result:?}");
        }
        // "%" and "_" are not wildcards.
        assert!(names(&pool, "q=%25").await.is_empty());
        let parts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM parts")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(parts, 6);
    }

    #[sqlx::test]
    async fn index_follows_edits(pool: SqlitePool) {
        catalogue_fixture(&pool).await;
        sqlx::query("UPDATE parts SET name = 'Ceramic brake rotor', description = 'Ceramic rotor.' WHERE model = 'BP-123'")
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(names(&pool, "q=rotor").await, ["Ceramic brake rotor"]);
        assert!(names(&pool, "q=vented+disc").await.is_empty());
        sqlx::query("DELETE FROM parts WHERE name = 'Oil filter'")
            .execute(&pool)
            .await
            .unwrap();
        assert!(names(&pool, "q=spin-on").await.is_empty());
    }

    #[sqlx::test]
    async fn active_part_hides_archived_ones(pool: SqlitePool) {
        catalogue_fixture(&pool).await;
        let id_of = |name: &'static str| {
            let pool = pool.clone();
            async move {
                sqlx::query_scalar::<_, i64>("SELECT id FROM parts WHERE name = ?")
                    .bind(name)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
            }
        };
        let live = active_part(&pool, id_of("Oil filter").await)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(live.summary.model, "W 712/95");
        assert_eq!(live.description, "Spin-on oil filter.");
        assert!(active_part(&pool, id_of("Brake disc, archived").await)
            .await
            .unwrap()
            .is_none());
        assert!(active_part(&pool, 424242).await.unwrap().is_none());
    }
    #[sqlx::test]
    async fn archive_and_restore_only_touch_own_parts(pool: SqlitePool) {
        let s = supplier(&pool, "acme").await;
        let other = supplier(&pool, "other").await;
        let id = insert_part(&pool, &part(s, "Disc", 10)).await.unwrap();
        assert!(
            !change_owned_part(&pool, id, other, OwnedChange::Archived(true))
                .await
                .unwrap()
        );
        assert_eq!(newest_parts(&pool, 10).await.unwrap().len(), 1);
        assert!(change_owned_part(&pool, id, s, OwnedChange::Archived(true))
            .await
            .unwrap());
        assert!(newest_parts(&pool, 10).await.unwrap().is_empty());
        assert!(active_part(&pool, id).await.unwrap().is_none());
        assert_eq!(owned_listings(&pool, s, true, "").await.unwrap().len(), 1);
        assert!(owned_listings(&pool, s, false, "")
            .await
            .unwrap()
            .is_empty());
        assert!(
            change_owned_part(&pool, id, s, OwnedChange::Archived(false))
                .await
                .unwrap()
        );
        assert_eq!(newest_parts(&pool, 10).await.unwrap().len(), 1);
    }

    #[sqlx::test]
    async fn owners_alone_see_and_change_their_parts(pool: SqlitePool) {
        let s = supplier(&pool, "acme").await;
        let other = supplier(&pool, "other").await;
        let id = insert_part(&pool, &part(s, "Disc", 10)).await.unwrap();
        insert_part(&pool, &part(other, "Theirs", 10))
            .await
            .unwrap();

        assert!(owned_part(&pool, id, other).await.unwrap().is_none());
        assert!(
            !change_owned_part(&pool, id, other, OwnedChange::Price(Cents(1)))
                .await
                .unwrap()
        );
        assert!(!change_owned_part(&pool, id, other, OwnedChange::Stock(0))
            .await
            .unwrap());
        let fields = PartFields {
            name: "Hijacked",
            manufacturer: "X",
            model: "Y",
            description: "Z",
            price: Cents(1),
            stock: 0,
            delivery: DeliveryEstimate::Weeks2To4,
        };
        assert!(!update_owned_part(&pool, id, other, &fields, None)
            .await
            .unwrap());
        let mine = owned_part(&pool, id, s).await.unwrap().unwrap();
        assert_eq!(mine.input.name, "Disc");
        assert_eq!(mine.input.price, "19.99");

        assert!(
            change_owned_part(&pool, id, s, OwnedChange::Price(Cents(2500)))
                .await
                .unwrap()
        );
        assert!(change_owned_part(&pool, id, s, OwnedChange::Stock(3))
            .await
            .unwrap());
        let listed = owned_listings(&pool, s, false, "").await.unwrap();
        assert_eq!(listed.len(), 1, "only own parts are listed");
        assert_eq!((listed[0].price, listed[0].stock), (Cents(2500), 3));
        assert!(update_owned_part(&pool, id, s, &fields, Some("newkey"))
            .await
            .unwrap());
        let changed = owned_part(&pool, id, s).await.unwrap().unwrap();
        assert_eq!(changed.input.name, "Hijacked");
        assert_eq!(changed.image_key.as_deref(), Some("newkey"));
        // No picture given: the old one stays.
        assert!(update_owned_part(&pool, id, s, &fields, None)
            .await
            .unwrap());
        assert_eq!(
            owned_image_key(&pool, id, s).await.unwrap(),
            Some(Some("newkey".into()))
        );
        // Search within own listings.
        assert_eq!(
            owned_listings(&pool, s, false, "hijack")
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(owned_listings(&pool, s, false, "theirs")
            .await
            .unwrap()
            .is_empty());
    }
}
