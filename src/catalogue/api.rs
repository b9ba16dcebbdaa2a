//! Server functions of the catalogue.

use super::CatalogueResults;
use crate::error::AppError;
use leptos::prelude::*;

/// One page of catalogue results for a URL query string (as in the address bar). Anyone may
/// call it; the query is read with the same forgiving parser the page uses.
#[server(endpoint = "search_catalogue")]
pub async fn search_catalogue(query: String) -> Result<CatalogueResults, AppError> {
    use crate::server::ctx::Ctx;
    if query.len() > 4096 {
        return Err(AppError::BadRequest("That search is too long.".into()));
    }
    let query = super::CatalogueQuery::parse(&query);
    let cx = Ctx::public()?;
    Ok(super::search::search(cx.read_pool(), &query).await?)
}
