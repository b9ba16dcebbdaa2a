//! All SQL of the cart_items table.

use super::{CartLine, LineIssue};
use crate::parts::{db::stock_info, Cents};
use crate::server::db::{self, DbConnection, DbExecutor, DbPool};

/// How many units the user's cart holds, over all lines.
pub async fn item_count(db: impl DbExecutor<'_>, user_id: i64) -> sqlx::Result<i64> {
    crate::db_query_scalar!(
        r#"SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) AS "units!: i64" FROM cart_items WHERE user_id = $1"#,
        user_id
    )
    .fetch_one(db)
    .await
}

/// How many units of one part the user's cart holds.
pub async fn quantity_of(db: impl DbExecutor<'_>, user_id: i64, part_id: i64) -> sqlx::Result<i64> {
    let quantity = crate::db_query_scalar!(
        "SELECT quantity FROM cart_items WHERE user_id = $1 AND part_id = $2",
        user_id,
        part_id,
    )
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
    pool: &DbPool,
    user_id: i64,
    part_id: i64,
    quantity: i64,
) -> sqlx::Result<AddOutcome> {
    let mut tx = db::begin_write(pool, Some(user_id)).await?;
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
    crate::db_query!(
        "INSERT INTO cart_items (user_id, part_id, quantity) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, part_id) DO UPDATE SET quantity = cart_items.quantity + excluded.quantity",
        user_id,
        part_id,
        quantity,
    )
    .execute(&mut *tx)
    .await?;
    let cart_count = item_count(&mut *tx, user_id).await?;
    tx.commit().await?;
    Ok(AddOutcome::Added { cart_count })
}

struct LineRow {
    part_id: i64,
    name: String,
    manufacturer: String,
    model: String,
    supplier: String,
    supplier_id: i64,
    image_key: Option<String>,
    price_cents: i64,
    quantity: i64,
    stock: i64,
    archived: bool,
}

/// The user's cart lines with the parts' current price, stock and state, grouped by supplier
/// (so each group is one order at checkout), oldest line first within a supplier.
pub async fn lines(db: &mut DbConnection, user_id: i64) -> sqlx::Result<Vec<CartLine>> {
    let rows = crate::db_query_as!(
        LineRow,
        r#"SELECT c.part_id, p.name, p.manufacturer, p.model, u.username AS supplier,
                  p.supplier_id, p.image_key, p.price_cents, c.quantity, p.stock,
                  (p.archived <> 0) AS "archived!: bool"
           FROM cart_items c JOIN parts p ON p.id = c.part_id JOIN users u ON u.id = p.supplier_id
           WHERE c.user_id = $1
           ORDER BY u.username COLLATE NOCASE, p.supplier_id, c.added_at, c.part_id"#,
        user_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CartLine {
            issue: LineIssue::of(r.quantity, r.stock, r.archived, r.supplier_id == user_id),
            part_id: r.part_id,
            name: r.name,
            manufacturer: r.manufacturer,
            model: r.model,
            supplier: r.supplier,
            supplier_id: r.supplier_id,
            image_key: r.image_key,
            unit_price: Cents(r.price_cents),
            quantity: r.quantity,
            stock: r.stock,
        })
        .collect())
}

/// What setting a line's quantity came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOutcome {
    /// Set; the cart now holds this many units in all.
    Set {
        /// Units in the whole cart.
        cart_count: i64,
    },
    /// The cart has no line for this part.
    NoLine,
    /// The part is archived: the line can only be removed.
    Unavailable,
    /// Fewer in stock than asked for.
    NotEnoughStock {
        /// Units in stock.
        stock: i64,
    },
}

/// Sets how many units of a part the cart line holds, never above the stock (a line that lost
/// stock is fixed by lowering it to what is left).
pub async fn set_quantity(
    pool: &DbPool,
    user_id: i64,
    part_id: i64,
    quantity: i64,
) -> sqlx::Result<SetOutcome> {
    let mut tx = db::begin_write(pool, Some(user_id)).await?;
    let in_cart = quantity_of(&mut *tx, user_id, part_id).await?;
    if in_cart == 0 {
        return Ok(SetOutcome::NoLine);
    }
    let Some(part) = stock_info(&mut *tx, part_id).await? else {
        return Ok(SetOutcome::NoLine);
    };
    if part.archived {
        return Ok(SetOutcome::Unavailable);
    }
    if quantity > part.stock {
        return Ok(SetOutcome::NotEnoughStock { stock: part.stock });
    }
    crate::db_query!(
        "UPDATE cart_items SET quantity = $1 WHERE user_id = $2 AND part_id = $3",
        quantity,
        user_id,
        part_id,
    )
    .execute(&mut *tx)
    .await?;
    let cart_count = item_count(&mut *tx, user_id).await?;
    tx.commit().await?;
    Ok(SetOutcome::Set { cart_count })
}

/// Removes the cart lines of these parts; returns how many lines went.
pub async fn remove_items(
    db: &mut DbConnection,
    user_id: i64,
    part_ids: &[i64],
) -> sqlx::Result<u64> {
    let mut removed = 0;
    for part_id in part_ids {
        removed += crate::db_query!(
            "DELETE FROM cart_items WHERE user_id = $1 AND part_id = $2",
            user_id,
            part_id,
        )
        .execute(&mut *db)
        .await?
        .rows_affected();
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn fixture(pool: &DbPool) {
        for (name, role) in [
            ("anna", "customer"),
            ("bob", "customer"),
            ("acme", "supplier"),
        ] {
            let email = format!("{name}@example.com");
            crate::db_query!(
                "INSERT INTO users (username, email, password_hash, role) VALUES ($1, $2, 'h', $3)",
                name,
                email,
                role
            )
            .execute(pool)
            .await
            .unwrap();
        }
        // Part 1: 3 in stock; part 2: archived; part 3: out of stock.
        for (name, stock, archived) in [("Disc", 3, 0), ("Old", 10, 1), ("None", 0, 0)] {
            crate::db_query!("INSERT INTO parts (supplier_id, name, manufacturer, model, description, price_cents, stock, delivery_estimate, archived) VALUES (3, $1, 'M', 'X', 'D', 100, $2, '1-2_days', $3)", name, stock, archived)
                .execute(pool)
                .await
                .unwrap();
        }
    }

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn counts_units_of_one_user_only(pool: DbPool) {
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
        assert!(crate::db_query!(
            "INSERT INTO cart_items (user_id, part_id, quantity) VALUES (3, 1, 0)"
        )
        .execute(&pool)
        .await
        .is_err());
    }

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn adding_never_exceeds_the_stock(pool: DbPool) {
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

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn quantities_are_set_within_the_stock(pool: DbPool) {
        fixture(&pool).await;
        add_item(&pool, 1, 1, 1).await.unwrap();
        assert_eq!(
            set_quantity(&pool, 1, 1, 3).await.unwrap(),
            SetOutcome::Set { cart_count: 3 }
        );
        assert_eq!(
            set_quantity(&pool, 1, 1, 4).await.unwrap(),
            SetOutcome::NotEnoughStock { stock: 3 }
        );
        assert_eq!(
            set_quantity(&pool, 2, 1, 1).await.unwrap(),
            SetOutcome::NoLine
        );
        // The stock drops under the line: lowering is allowed, raising is not.
        crate::db_query!("UPDATE parts SET stock = 1 WHERE id = 1")
            .execute(&pool)
            .await
            .unwrap();
        let mut conn = pool.acquire().await.unwrap();
        let line = &lines(&mut conn, 1).await.unwrap()[0];
        assert_eq!(line.issue, Some(LineIssue::NotEnoughStock { stock: 1 }));
        assert_eq!(
            set_quantity(&pool, 1, 1, 2).await.unwrap(),
            SetOutcome::NotEnoughStock { stock: 1 }
        );
        assert_eq!(
            set_quantity(&pool, 1, 1, 1).await.unwrap(),
            SetOutcome::Set { cart_count: 1 }
        );
        assert_eq!(lines(&mut conn, 1).await.unwrap()[0].issue, None);
        // An archived part can only be removed.
        crate::db_query!("UPDATE parts SET archived = 1 WHERE id = 1")
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(
            lines(&mut conn, 1).await.unwrap()[0].issue,
            Some(LineIssue::Archived)
        );
        assert_eq!(
            set_quantity(&pool, 1, 1, 1).await.unwrap(),
            SetOutcome::Unavailable
        );
        assert_eq!(remove_items(&mut conn, 1, &[1, 2]).await.unwrap(), 1);
        assert_eq!(item_count(&mut *conn, 1).await.unwrap(), 0);
    }

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn archived_unknown_and_own_parts_are_refused(pool: DbPool) {
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
