//! All SQL of the cart_items table.

use crate::parts::db::stock_info;
use sqlx::{SqliteExecutor, SqlitePool};

/// How many units the user's cart holds, over all lines.
pub async fn item_count(db: impl SqliteExecutor<'_>, user_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(SUM(quantity), 0) FROM cart_items WHERE user_id = ?")
        .bind(user_id)
        .fetch_one(db)
        .await
}

/// How many units of one part the user's cart holds.
pub async fn quantity_of(
    db: impl SqliteExecutor<'_>,
    user_id: i64,
    part_id: i64,
) -> sqlx::Result<i64> {
    let quantity: Option<i64> =
        sqlx::query_scalar("SELECT quantity FROM cart_items WHERE user_id = ? AND part_id = ?")
            .bind(user_id)
            .bind(part_id)
            .fetch_optional(db)
            .await?;
    Ok(quantity.unwrap_or(0))
}

/// What adding to the cart came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddOutcome {
    /// Added; the cart now holds this many units in all.
    Added {
        /// Units in the whole cart.
        cart_count: i64,
    },
    /// No such part, or it is archived.
    Unavailable,
    /// The part is the user's own listing.
    OwnPart,
    /// Not enough stock for what the cart would then hold.
    NotEnoughStock {
        /// Units in stock.
        stock: i64,
        /// Units of the part already in the cart.
        in_cart: i64,
    },
}

/// Adds `quantity` units of a part to the user's cart, unless the cart would then hold more than
/// the stock. One write transaction, so two tabs adding at once cannot overshoot.
pub async fn add_item(
    pool: &SqlitePool,
    user_id: i64,
    part_id: i64,
    quantity: i64,
) -> sqlx::Result<AddOutcome> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let Some(part) = stock_info(&mut *tx, part_id).await? else {
        return Ok(AddOutcome::Unavailable);
    };
    if part.archived {
        return Ok(AddOutcome::Unavailable);
    }
    if part.supplier_id == user_id {
        return Ok(AddOutcome::OwnPart);
    }
    let in_cart = quantity_of(&mut *tx, user_id, part_id).await?;
    if in_cart + quantity > part.stock {
        return Ok(AddOutcome::NotEnoughStock {
            stock: part.stock,
            in_cart,
        });
    }
    sqlx::query(
        "INSERT INTO cart_items (user_id, part_id, quantity) VALUES (?, ?, ?) \
         ON CONFLICT (user_id, part_id) DO UPDATE SET quantity = quantity + excluded.quantity",
    )
    .bind(user_id)
    .bind(part_id)
    .bind(quantity)
    .execute(&mut *tx)
    .await?;
    let cart_count = item_count(&mut *tx, user_id).await?;
    tx.commit().await?;
    Ok(AddOutcome::Added { cart_count })
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn fixture(pool: &SqlitePool) {
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
            .execute(pool)
            .await
            .unwrap();
        }
        // Part 1: 3 in stock; part 2: archived; part 3: out of stock.
        for (name, stock, archived) in [("Disc", 3, 0), ("Old", 10, 1), ("None", 0, 0)] {
            sqlx::query("INSERT INTO parts (supplier_id, name, manufacturer, model, description, price_cents, stock, delivery_estimate, archived) VALUES (3, ?, 'M', 'X', 'D', 100, ?, '1-2_days', ?)")
                .bind(name)
                .bind(stock)
                .bind(archived)
                .execute(pool)
                .await
                .unwrap();
        }
    }

    #[sqlx::test]
    async fn counts_units_of_one_user_only(pool: SqlitePool) {
        fixture(&pool).await;
        assert_eq!(
            add_item(&pool, 1, 1, 2).await.unwrap(),
            AddOutcome::Added { cart_count: 2 }
        );
        assert_eq!(
            add_item(&pool, 2, 1, 1).await.unwrap(),
            AddOutcome::Added { cart_count: 1 }
        );
        assert_eq!(item_count(&pool, 1).await.unwrap(), 2);
        assert_eq!(item_count(&pool, 3).await.unwrap(), 0);
        // A quantity of zero is not a cart line.
        assert!(sqlx::query(
            "INSERT INTO cart_items (user_id, part_id, quantity) VALUES (3, 1, 0)"
        )
        .execute(&pool)
        .await
        .is_err());
    }

    #[sqlx::test]
    async fn adding_never_exceeds_the_stock(pool: SqlitePool) {
        fixture(&pool).await;
        assert_eq!(
            add_item(&pool, 1, 1, 2).await.unwrap(),
            AddOutcome::Added { cart_count: 2 }
        );
        assert_eq!(
            add_item(&pool, 1, 1, 2).await.unwrap(),
            AddOutcome::NotEnoughStock {
                stock: 3,
                in_cart: 2
            }
        );
        assert_eq!(
            add_item(&pool, 1, 1, 1).await.unwrap(),
            AddOutcome::Added { cart_count: 3 }
        );
        assert_eq!(quantity_of(&pool, 1, 1).await.unwrap(), 3);
        assert_eq!(
            add_item(&pool, 1, 3, 1).await.unwrap(),
            AddOutcome::NotEnoughStock {
                stock: 0,
                in_cart: 0
            }
        );
    }

    #[sqlx::test]
    async fn archived_unknown_and_own_parts_are_refused(pool: SqlitePool) {
        fixture(&pool).await;
        assert_eq!(
            add_item(&pool, 1, 2, 1).await.unwrap(),
            AddOutcome::Unavailable
        );
        assert_eq!(
            add_item(&pool, 1, 999, 1).await.unwrap(),
            AddOutcome::Unavailable
        );
        assert_eq!(add_item(&pool, 3, 1, 1).await.unwrap(), AddOutcome::OwnPart);
        assert_eq!(
            item_count(&pool, 1).await.unwrap() + item_count(&pool, 3).await.unwrap(),
            0
        );
    }
}
