//! Server functions of the catalogue.

use super::CatalogueResults;
use crate::error::AppError;
use leptos::prelude::*;

/// One page of catalogue results for a URL query string (as in the address bar). Anyone may
/// call it; the query is read with the same forgiving parser the page uses. With an active
/// vehicle (the vehicle cookie) only the parts that fit it are shown, unless the query says
/// `fit=all`, and every shown part says whether it fits.
#[server(endpoint = "search_catalogue")]
pub async fn search_catalogue(query: String) -> Result<CatalogueResults, AppError> {
    use super::{CardFit, CatalogueVehicle};
    use crate::fitment::{db as fitment_db, kept, Answer, FitAnswer};
    use crate::server::ctx::Ctx;
    if query.len() > 4096 {
        return Err(AppError::BadRequest("That search is too long.".into()));
    }
    let mut query = super::CatalogueQuery::parse(&query);
    let cx = Ctx::public()?;
    let pool = cx.read_pool();
    let (vehicle, target) = match crate::vehicles::api::cookie_vehicle_target(&cx).await? {
        Some((vehicle, target)) => (Some(vehicle), Some(target)),
        None => (None, None),
    };
    // A typed-in vehicle cannot narrow the catalogue: no fitment names it.
    let typed = vehicle.as_ref().is_some_and(|v| v.typed);
    if !query.all_vehicles && !typed {
        query.vehicle = target.clone();
    }
    // The search and the cards' answers run on one connection (see `search_holding`).
    let mut held = None;
    let (mut results, stamp) = super::search::search_holding(pool, &mut held, &query).await?;
    if let Some(vehicle) = &vehicle {
        if query.vehicle.is_some() && results.total == 0 && !query.has_filters() {
            // Given back first: a page must not hold one connection while it waits for
            // another (with every connection held so, the pool would never give one).
            held = None;
            record_unmet(&cx, vehicle.id, &query.q).await;
        }
    }
    if let (Some(vehicle), Some(target)) = (vehicle, target) {
        let ids: Vec<i64> = results.parts.iter().map(|p| p.id).collect();
        let conn = crate::server::db::held_connection(&mut held, pool).await?;
        // Kept in memory under the catalogue's stamp when the search read it; else read.
        let answers = match stamp {
            Some(stamp) => kept::answers(conn, &ids, &target, stamp).await?,
            None => fitment_db::answers(conn, &ids, &target).await?,
        };
        let asks_engine = answers
            .iter()
            .any(|(_, a)| matches!(a, Answer::NeedsEngine { .. }));
        let engines = match stamp {
            _ if !asks_engine => Vec::new(),
            Some(stamp) => kept::engines(conn, vehicle.id, stamp).await?,
            None => crate::vehicles::db::engines(&mut *conn, vehicle.id).await?,
        };
        results.vehicle = Some(CatalogueVehicle {
            id: vehicle.id,
            label: vehicle.label(),
            typed: vehicle.typed,
            fits_only: query.vehicle.is_some(),
            engines,
            answers: answers
                .into_iter()
                .map(|(part, answer)| {
                    let fit = FitAnswer::new(&vehicle, answer, Vec::new());
                    CardFit {
                        part,
                        kind: fit.kind,
                        sentence: fit.sentence,
                    }
                })
                .collect(),
        });
    }
    Ok(results)
}

/// Counts a search that found nothing for the active vehicle, for the suppliers' demand page.
/// Best effort: a failure is logged, and the customer still gets the (empty) results.
#[cfg(feature = "ssr")]
async fn record_unmet(cx: &crate::server::ctx::Ctx<()>, vehicle_id: i64, q: &str) {
    let Some(words) = crate::demand::normalize_words(q) else {
        return;
    };
    let now = crate::time::unix_now();
    if let Err(e) = crate::demand::db::record(cx.pool(), vehicle_id, &words, now).await {
        tracing::warn!(error = %e, "counting an unmet search failed");
    }
}
