//! The catalogue's filters (makers, price range, in stock, fits the vehicle) as SQL conditions
//! on `parts p`, written so that both engines read them alike.

use crate::catalogue::CatalogueQuery;
use crate::fitment::Target;
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
    if let Some(target) = &query.vehicle {
        // A seek in the index of the vehicle's model and the part (`fitments_newest`).
        qb.push(" AND (p.universal = 1 OR EXISTS (SELECT 1 FROM fitments f WHERE ");
        push_fitment_match(qb, target);
        qb.push(" AND f.part_id = p.id))");
    }
}

/// Whether the query has a filter that [`push_row_filters`] checks row by row (price, stock,
/// vehicle): a search then looks through a bounded number of word matches for those that pass.
pub fn has_row_filters(query: &CatalogueQuery) -> bool {
    query.min_price.is_some()
        || query.max_price.is_some()
        || query.in_stock
        || query.vehicle.is_some()
}

/// The conditions that fitment `f` is for `target`'s model in its year, and for its engine
/// size when the customer told us (a fitment for one engine size fits a vehicle whose engine
/// we do not know: its answer asks which engine).
pub fn push_fitment_match<'a>(qb: &mut QueryBuilder<'a, Engine>, target: &'a Target) {
    qb.push("f.model_id = ")
        .push_bind(target.model_id)
        .push(" AND f.year_from <= ")
        .push_bind(target.year)
        .push(" AND f.year_to >= ")
        .push_bind(target.year);
    if let Some(liters) = target.liters_x10 {
        qb.push(" AND (f.liters_x10 IS NULL OR f.liters_x10 = ")
            .push_bind(liters)
            .push(")");
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
