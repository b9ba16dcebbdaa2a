//! The supplier's own view of the parts table: counts, the listings table, the listing form's
//! part, and the changes a supplier makes to its own parts. The parts feature owns the table
//! (and stores new parts, `crate::parts::db::insert_part`); every query here is narrowed to
//! one supplier's parts. Returns rows: the listings feature turns them into what its pages
//! show (`super::ListingRow`, `super::ListingFormState`).

use super::{ListingFields, ListingRow, OwnedPart};
use crate::parts::{db::PartFields, Availability, Cents, DeliveryEstimate, ShopStats};
use crate::server::db::DbExecutor;

/// `%text%` for LIKE, with LIKE's wildcards in the text escaped.
fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Counts of a supplier's listings and stock; low stock is at most
/// [`Availability::LOW_STOCK`] units.
pub async fn supplier_stats(db: impl DbExecutor<'_>, supplier_id: i64) -> sqlx::Result<ShopStats> {
    let row = crate::db_query!(
        r#"SELECT
             COUNT(*) FILTER (WHERE archived = 0) AS "active!: i64",
             COUNT(*) FILTER (WHERE archived = 1) AS "archived!: i64",
             CAST(COALESCE(SUM(stock) FILTER (WHERE archived = 0), 0) AS BIGINT) AS "units!: i64",
             COUNT(*) FILTER (WHERE archived = 0 AND stock <= $2) AS "low!: i64"
           FROM parts WHERE supplier_id = $1"#,
        supplier_id,
        Availability::LOW_STOCK,
    )
    .fetch_one(db)
    .await?;
    Ok(ShopStats {
        active_listings: row.active,
        archived_listings: row.archived,
        units_in_stock: row.units,
        low_stock_listings: row.low,
    })
}

/// A supplier's own parts, active or archived, optionally narrowed by a text found in name,
/// maker or model; most recently changed first.
pub async fn owned_listings(
    db: impl DbExecutor<'_>,
    supplier_id: i64,
    archived: bool,
    text: &str,
) -> sqlx::Result<Vec<ListingRow>> {
    if text.contains('\0') {
        // No listing's text holds a NUL (the listing form refuses control characters), and
        // PostgreSQL refuses one in any text it is sent: nothing matches.
        return Ok(Vec::new());
    }
    let pattern = contains_pattern(&text.trim().to_lowercase());
    let archived = i64::from(archived);
    let rows = crate::db_query!(
        r#"SELECT id AS "id!", name, manufacturer, model, price_cents, stock, image_key,
                  (archived <> 0) AS "archived!: bool", (universal <> 0) AS "universal!: bool",
                  (SELECT COUNT(*) FROM fitments f WHERE f.part_id = parts.id) AS "fitments!: i64"
           FROM parts WHERE supplier_id = $1 AND archived = $2
           AND (lower(name) LIKE $3 ESCAPE '\' OR lower(manufacturer) LIKE $3 ESCAPE '\'
                OR lower(model) LIKE $3 ESCAPE '\')
           ORDER BY updated_at DESC, id DESC LIMIT 1000"#,
        supplier_id,
        archived,
        pattern,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ListingRow {
            id: r.id,
            name: r.name,
            manufacturer: r.manufacturer,
            model: r.model,
            price: Cents(r.price_cents),
            stock: r.stock,
            image_key: r.image_key,
            archived: r.archived,
            universal: r.universal,
            fitments: r.fitments,
        })
        .collect())
}

/// A supplier's own part (archived or not); `None` when the part does not exist or belongs to
/// someone else.
pub async fn owned_part(
    db: impl DbExecutor<'_>,
    id: i64,
    supplier_id: i64,
) -> sqlx::Result<Option<OwnedPart>> {
    let row = crate::db_query!(
        r#"SELECT name, manufacturer, model, description, price_cents, stock,
                  delivery_estimate AS "delivery: DeliveryEstimate", image_key
           FROM parts WHERE id = $1 AND supplier_id = $2"#,
        id,
        supplier_id,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| OwnedPart {
        fields: ListingFields {
            name: r.name,
            manufacturer: r.manufacturer,
            model: r.model,
            description: r.description,
            price: Cents(r.price_cents),
            stock: r.stock,
            delivery: r.delivery,
        },
        image_key: r.image_key,
    }))
}

/// Changes an owned part's fields and, if `image_key` is `Some`, its picture. Returns whether
/// a part of this supplier was changed.
pub async fn update_owned_part(
    db: impl DbExecutor<'_>,
    id: i64,
    supplier_id: i64,
    fields: &PartFields<'_>,
    image_key: Option<&str>,
) -> sqlx::Result<bool> {
    let done = crate::db_query!(
        "UPDATE parts SET name = $1, manufacturer = $2, model = $3, description = $4, \
         price_cents = $5, stock = $6, delivery_estimate = $7, image_key = COALESCE($8, image_key), \
         updated_at = unixepoch() WHERE id = $9 AND supplier_id = $10",
        fields.name,
        fields.manufacturer,
        fields.model,
        fields.description,
        fields.price.0,
        fields.stock,
        fields.delivery as _,
        image_key,
        id,
        supplier_id,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The picture key of an owned part (to delete the old files after a replacement): `None` when
/// the part is not the supplier's, `Some(None)` when it has no picture.
pub async fn owned_image_key(
    db: impl DbExecutor<'_>,
    id: i64,
    supplier_id: i64,
) -> sqlx::Result<Option<Option<String>>> {
    crate::db_query_scalar!(
        "SELECT image_key FROM parts WHERE id = $1 AND supplier_id = $2",
        id,
        supplier_id,
    )
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
    db: impl DbExecutor<'_>,
    id: i64,
    supplier_id: i64,
    change: OwnedChange,
) -> sqlx::Result<bool> {
    let done = match change {
        OwnedChange::Price(price) => {
            crate::db_query!(
                "UPDATE parts SET price_cents = $1, updated_at = unixepoch() \
                 WHERE id = $2 AND supplier_id = $3",
                price.0,
                id,
                supplier_id,
            )
            .execute(db)
            .await?
        }
        OwnedChange::Stock(stock) => {
            crate::db_query!(
                "UPDATE parts SET stock = $1, updated_at = unixepoch() \
                 WHERE id = $2 AND supplier_id = $3",
                stock,
                id,
                supplier_id,
            )
            .execute(db)
            .await?
        }
        OwnedChange::Archived(archived) => {
            let archived = i64::from(archived);
            crate::db_query!(
                "UPDATE parts SET archived = $1, updated_at = unixepoch() \
                 WHERE id = $2 AND supplier_id = $3",
                archived,
                id,
                supplier_id,
            )
            .execute(db)
            .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parts::db::{
        active_part,
        fixtures::{part, supplier},
        insert_part, newest_parts,
    };
    use crate::server::db::DbPool;

    #[test]
    fn like_wildcards_in_the_text_are_text() {
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn supplier_stats_counts_only_own_parts(pool: DbPool) {
        let s = supplier(&pool, "acme").await;
        let other = supplier(&pool, "other").await;
        insert_part(&pool, &part(s, "A", 10)).await.unwrap();
        insert_part(&pool, &part(s, "B", 3)).await.unwrap();
        let c = insert_part(&pool, &part(s, "C", 7)).await.unwrap();
        insert_part(&pool, &part(other, "D", 50)).await.unwrap();
        assert!(change_owned_part(&pool, c, s, OwnedChange::Archived(true))
            .await
            .unwrap());
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
        // At the low-stock line itself, a listing counts as low.
        insert_part(&pool, &part(s, "E", Availability::LOW_STOCK))
            .await
            .unwrap();
        assert_eq!(
            supplier_stats(&pool, s).await.unwrap().low_stock_listings,
            2
        );
    }

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn archive_and_restore_only_touch_own_parts(pool: DbPool) {
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

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn owners_alone_see_and_change_their_parts(pool: DbPool) {
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
        assert_eq!(mine.fields.name, "Disc");
        assert_eq!(mine.fields.price, Cents(1999));
        assert_eq!(mine.fields.delivery, DeliveryEstimate::Days1To2);

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
        assert_eq!(changed.fields.name, "Hijacked");
        assert_eq!(changed.fields.delivery, DeliveryEstimate::Weeks2To4);
        assert_eq!(changed.image_key.as_deref(), Some("newkey"));
        // No picture given: the old one stays.
        assert!(update_owned_part(&pool, id, s, &fields, None)
            .await
            .unwrap());
        assert_eq!(
            owned_image_key(&pool, id, s).await.unwrap(),
            Some(Some("newkey".into()))
        );
        assert_eq!(owned_image_key(&pool, id, other).await.unwrap(), None);
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
