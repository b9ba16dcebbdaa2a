//! All SQL of the cart_items table.

use sqlx::SqliteExecutor;

/// How many units the user's cart holds, over all lines.
pub async fn item_count(db: impl SqliteExecutor<'_>, user_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(SUM(quantity), 0) FROM cart_items WHERE user_id = ?")
        .bind(user_id)
        .fetch_one(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::SqlitePool;

    #[sqlx::test]
    async fn counts_units_of_one_user_only(pool: SqlitePool) {
        for (name, role) in [
            ("anna", "customer"),
            ("bob", "customer"),
            ("acme", "supplier"),
        ] {
            sqlx::query(
                "INSERT INTO users (username, email, password_hash, role) VALUES (?, ?, 'h', ?)",
            )
            .bind(name)
            .bind(format!("{name}@example.com"))
            .bind(role)
            .execute(&pool)
            .await
            .unwrap();
        }
        for n in 1..=2 {
            sqlx::query("INSERT INTO parts (supplier_id, name, manufacturer, model, description, price_cents, stock, delivery_estimate) VALUES (3, ?, 'M', 'X', 'D', 100, 10, '1-2_days')")
                .bind(format!("Part {n}"))
                .execute(&pool)
                .await
                .unwrap();
        }
        sqlx::query("INSERT INTO cart_items (user_id, part_id, quantity) VALUES (1, 1, 2), (1, 2, 3), (2, 1, 1)")
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(item_count(&pool, 1).await.unwrap(), 5);
        assert_eq!(item_count(&pool, 2).await.unwrap(), 1);
        assert_eq!(item_count(&pool, 3).await.unwrap(), 0);
        // A quantity of zero is not a cart line.
        assert!(sqlx::query(
            "INSERT INTO cart_items (user_id, part_id, quantity) VALUES (3, 1, 0)"
        )
        .execute(&pool)
        .await
        .is_err());
    }
}
