//! All SQL of the parts table, which this feature owns: the part rows ([`rows`]) and their
//! stock ([`stock`]). The catalogue search (`crate::catalogue::search`) and the supplier's
//! listings (`crate::listings::db`) read the same table through their own queries.
//!
//! This file only declares and re-exports; each child uses its siblings by their own path.

mod rows;
mod stock;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;

pub use rows::{active_part, insert_part, newest_parts, NewPart, PartFields};
pub(crate) use rows::{SummaryRow, SUMMARY_COLUMNS};
pub use stock::{return_stock, stock_info, take_stock, StockInfo};
