//! Server functions of the demand page.

use super::DemandReport;
use crate::error::AppError;
use leptos::prelude::*;

/// The unmet searches of the last 90 days, most searched first, of vehicles of `make` (or of
/// all). Suppliers only.
#[server(endpoint = "unmet_demand")]
pub async fn unmet_demand(make: Option<String>) -> Result<DemandReport, AppError> {
    let cx = crate::server::ctx::Ctx::supplier().await?;
    let make = make.filter(|m| !m.trim().is_empty() && m.len() <= 200);
    Ok(super::db::report(cx.pool(), make.as_deref(), crate::time::unix_now()).await?)
}
