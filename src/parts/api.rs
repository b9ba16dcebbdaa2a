//! Server functions of the parts feature.

use super::{PartSummary, ShopStats};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::ctx::Ctx;

/// The newest parts in the catalogue, for the home page. Anyone may call it.
#[server(endpoint = "newest_parts")]
pub async fn newest_parts(limit: i64) -> Result<Vec<PartSummary>, AppError> {
    let cx = Ctx::public()?;
    Ok(super::db::newest_parts(cx.read_pool(), limit.clamp(1, 24)).await?)
}

/// Counts of the calling supplier's listings and stock. Suppliers only.
#[server(endpoint = "supplier_stats")]
pub async fn supplier_stats() -> Result<ShopStats, AppError> {
    let cx = Ctx::supplier().await?;
    Ok(crate::listings::db::supplier_stats(cx.pool(), cx.user.id).await?)
}

/// A part in the catalogue with everything its page shows; archived and unknown parts are
/// not found. Anyone may call it.
#[server(endpoint = "part_detail")]
pub async fn part_detail(id: i64) -> Result<super::PartDetail, AppError> {
    let cx = Ctx::public()?;
    let mut part = super::db::active_part(cx.read_pool(), id)
        .await?
        .ok_or_else(|| AppError::NotFound("This part is not (or no longer) listed.".into()))?;
    part.numbers = super::numbers::db::of_part(cx.read_pool(), id).await?;
    Ok(part)
}
