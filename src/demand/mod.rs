//! Demand for suppliers: what customers with an active vehicle searched for and did not find,
//! counted per vehicle and search text (`/demand`). The catalogue records such a search
//! ([`db::record`]) when the text, with the vehicle and no other filter, finds nothing that
//! fits; suppliers see the most searched first and can narrow by make.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod view;

use serde::{Deserialize, Serialize};

/// The longest search text kept (in characters); a longer one is cut there.
pub const MAX_WORDS: usize = 100;

/// The most rows the page shows.
pub const MAX_ROWS: i64 = 100;

/// Searches older than this are not shown (and are deleted a year after their last search).
pub const SHOWN_DAYS: i64 = 90;

/// The search text as it is counted: lower case, spaces collapsed, at most [`MAX_WORDS`]
/// characters; `None` when nothing is left.
pub fn normalize_words(text: &str) -> Option<String> {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    let joined: String = words.join(" ").chars().take(MAX_WORDS).collect();
    let joined = joined.trim_end().to_owned();
    (!joined.is_empty()).then_some(joined)
}

/// One vehicle and search text that found nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemandRow {
    /// "2014 Honda Civic".
    pub vehicle: String,
    /// What was searched for (lower case).
    pub words: String,
    /// How often.
    pub searches: i64,
    /// The first and the last time (Unix seconds).
    pub first_at: i64,
    pub last_at: i64,
}

/// The demand page: the rows for the chosen make (or all), and the makes there is demand for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemandReport {
    pub rows: Vec<DemandRow>,
    pub makes: Vec<String>,
    /// The make the rows are narrowed to, as the makes list spells it.
    pub make: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_counted_lower_case_with_spaces_collapsed() {
        assert_eq!(
            normalize_words("  Brake   PADS\tfront "),
            Some("brake pads front".into())
        );
        assert_eq!(normalize_words(" \t\n"), None);
        assert_eq!(normalize_words("Ölfilter"), Some("ölfilter".into()));
        let long = "ä".repeat(150);
        assert_eq!(normalize_words(&long).unwrap().chars().count(), MAX_WORDS);
        // Cut at a space: no trailing space is kept.
        let spaced = format!("{} b", "a".repeat(MAX_WORDS - 1));
        assert_eq!(normalize_words(&spaced), Some("a".repeat(MAX_WORDS - 1)));
    }
}
