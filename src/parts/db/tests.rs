//! The part rows and stock against a real SQLite database.

use super::fixtures::{part, supplier};
use super::*;
use crate::parts::{Cents, DeliveryEstimate};
use crate::server::db::DbPool;

async fn archive(pool: &DbPool, id: i64) {
    crate::db_query!("UPDATE parts SET archived = 1 WHERE id = $1", id)
        .execute(pool)
        .await
        .unwrap();
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn newest_parts_leave_out_archived_ones(pool: DbPool) {
    let s = supplier(&pool, "acme").await;
    let a = insert_part(&pool, &part(s, "Old", 10)).await.unwrap();
    let b = insert_part(&pool, &part(s, "New", 10)).await.unwrap();
    let c = insert_part(&pool, &part(s, "Gone", 10)).await.unwrap();
    archive(&pool, c).await;
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

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn schema_refuses_negative_stock_and_zero_price(pool: DbPool) {
    let s = supplier(&pool, "acme").await;
    assert!(insert_part(&pool, &part(s, "Neg", -1)).await.is_err());
    let mut free = part(s, "Free", 1);
    free.fields.price = Cents(0);
    assert!(insert_part(&pool, &free).await.is_err());
    // A part must belong to an existing user (foreign keys are on).
    assert!(insert_part(&pool, &part(9999, "Orphan", 1)).await.is_err());
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn active_part_hides_archived_ones(pool: DbPool) {
    let s = supplier(&pool, "acme").await;
    let mut filter = part(s, "Oil filter", 0);
    filter.fields.manufacturer = "Mann-Filter";
    filter.fields.model = "W 712/95";
    filter.fields.description = "Spin-on oil filter.";
    filter.fields.price = Cents(990);
    let live = insert_part(&pool, &filter).await.unwrap();
    let gone = insert_part(&pool, &part(s, "Brake disc, archived", 5))
        .await
        .unwrap();
    archive(&pool, gone).await;
    let shown = active_part(&pool, live).await.unwrap().unwrap();
    assert_eq!(shown.summary.model, "W 712/95");
    assert_eq!(shown.summary.delivery, DeliveryEstimate::Days1To2);
    assert_eq!(shown.description, "Spin-on oil filter.");
    assert!(active_part(&pool, gone).await.unwrap().is_none());
    assert!(active_part(&pool, 424242).await.unwrap().is_none());
}

#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn stock_is_taken_only_when_there_and_returned_up_to_the_most(pool: DbPool) {
    let s = supplier(&pool, "acme").await;
    let id = insert_part(&pool, &part(s, "Disc", 3)).await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    assert!(!take_stock(&mut conn, id, 4).await.unwrap());
    assert!(!take_stock(&mut conn, id, 0).await.unwrap());
    assert!(take_stock(&mut conn, id, 3).await.unwrap());
    let info = stock_info(&mut *conn, id).await.unwrap().unwrap();
    assert_eq!(
        info,
        StockInfo {
            supplier_id: s,
            stock: 0,
            archived: false
        }
    );
    return_stock(&mut conn, id, crate::parts::MAX_STOCK + 5)
        .await
        .unwrap();
    let info = stock_info(&mut *conn, id).await.unwrap().unwrap();
    assert_eq!(info.stock, crate::parts::MAX_STOCK);
    assert!(stock_info(&mut *conn, 424242).await.unwrap().is_none());
}

/// A delivery estimate the schema does not admit is an error, not a default.
#[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
async fn an_unknown_delivery_spelling_is_an_error(pool: DbPool) {
    let bad = sqlx::query_scalar::<_, DeliveryEstimate>("SELECT '3-4_days'")
        .fetch_one(&pool)
        .await;
    assert!(
        matches!(bad, Err(sqlx::Error::ColumnDecode { .. })),
        "{bad:?}"
    );
    for d in DeliveryEstimate::ALL {
        let read: DeliveryEstimate = sqlx::query_scalar("SELECT $1")
            .bind(d)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!((read, d.as_str()), (d, read.as_str()));
    }
}
