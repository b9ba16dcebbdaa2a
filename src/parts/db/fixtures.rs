//! Test helpers shared by the tests of the parts table's queries (here, in the catalogue search
//! and in the supplier's listings).

use super::{NewPart, PartFields};
use crate::parts::{Cents, DeliveryEstimate};
use sqlx::SqlitePool;

/// A new supplier account; its id.
pub(crate) async fn supplier(pool: &SqlitePool, name: &str) -> i64 {
    let email = format!("{name}@example.com");
    sqlx::query!(
        "INSERT INTO users (username, email, password_hash, role) VALUES (?, ?, 'h', 'supplier')",
        name,
        email,
    )
    .execute(pool)
    .await
    .unwrap()
    .last_insert_rowid()
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
