//! Test helpers shared by the tests of the parts table's queries (here, in the catalogue search
//! and in the supplier's listings).

use super::{NewPart, PartFields};
use crate::parts::{Cents, DeliveryEstimate};
use crate::server::db::DbPool;

/// A new supplier account; its id.
pub(crate) async fn supplier(pool: &DbPool, name: &str) -> i64 {
    let email = format!("{name}@example.com");
    crate::db_query_scalar!(
        r#"INSERT INTO users (username, email, password_hash, role)
           VALUES ($1, $2, 'h', 'supplier') RETURNING id AS "id!""#,
        name,
        email,
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A Bosch part of `supplier_id` at €19.99 with `stock` units.
pub(crate) fn part(supplier_id: i64, name: &str, stock: i64) -> NewPart<'_> {
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
