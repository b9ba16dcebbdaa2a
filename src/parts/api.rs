//! Server functions of the parts feature.

use super::{PartSummary, ShopStats};
use crate::error::AppError;
use leptos::prelude::*;

/// The newest parts in the catalogue, for the home page. Anyone may call it.
#[server(endpoint = "newest_parts")]
pub async fn newest_parts(limit: i64) -> Result<Vec<PartSummary>, AppError> {
    use crate::server::state::app_state;
    let state = app_state()?;
    Ok(super::db::newest_parts(&state.pool, limit.clamp(1, 24)).await?)
}

/// Counts of the calling supplier's listings and stock. Suppliers only.
#[server(endpoint = "supplier_stats")]
pub async fn supplier_stats() -> Result<ShopStats, AppError> {
    use crate::{server::auth::require_supplier, server::state::app_state};
    let supplier = require_supplier().await?;
    let state = app_state()?;
    Ok(crate::listings::db::supplier_stats(&state.pool, supplier.id).await?)
}

/// A part in the catalogue with everything its page shows; archived and unknown parts are
/// not found. Anyone may call it.
#[server(endpoint = "part_detail")]
pub async fn part_detail(id: i64) -> Result<super::PartDetail, AppError> {
    use crate::server::state::app_state;
    let state = app_state()?;
    super::db::active_part(&state.pool, id)
        .await?
        .ok_or_else(|| AppError::NotFound("This part is not (or no longer) listed.".into()))
}
