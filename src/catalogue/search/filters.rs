//! The catalogue's filters (makers, price range, in stock) as SQL conditions on `parts p`,
//! written so that both engines read them alike.

use crate::catalogue::CatalogueQuery;
use crate::server::db::Db as Engine;
use sqlx::QueryBuilder;

/// Price and stock conditions on `p`. With `walk_other_index`, the price conditions are
/// written so that the engine cannot use the price index for them (`+p.price_cents`) and walks
/// the index of the sort order instead, checking the price on each row.
pub fn push_row_filters<'a>(
    qb: &mut QueryBuilder<'a, Engine>,
    query: &'a CatalogueQuery,
    walk_other_index: bool,
) {
    let price = if walk_other_index {
        " AND +p.price_cents"
    } else {
        " AND p.price_cents"
    };
    if let Some(min) = query.min_price {
        qb.push(price).push(" >= ").push_bind(min.0);
    }
    if let Some(max) = query.max_price {
        qb.push(price).push(" <= ").push_bind(max.0);
    }
    if query.in_stock {
        qb.push(" AND p.stock > 0");
    }
}

/// The condition that `p` is by one of `makers` (none: no condition).
pub fn push_maker_filter<'a>(qb: &mut QueryBuilder<'a, Engine>, makers: &'a [String]) {
    if !makers.is_empty() {
        qb.push(" AND p.manufacturer IN (");
        let mut list = qb.separated(", ");
        for m in makers {
            list.push_bind(m.as_str());
        }
        qb.push(")");
    }
}
