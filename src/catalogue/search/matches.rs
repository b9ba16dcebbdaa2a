//! What a search finds and the rules both engines apply to it: the bounds on how many matches
//! are counted, the best-match order, paging and the maker counts.

use super::words::SearchWords;
use crate::catalogue::{ManufacturerCount, Sort, PAGE_SIZE};
use std::collections::{HashMap, HashSet};

/// Matches counted exactly; beyond this the catalogue says "1,000+" and a search works on its
/// newest this-many matches.
pub const COUNT_CAP: i64 = 1000;

/// Pages a browse reaches (24 parts each, so the first 2,400 parts of any view); filters and
/// search reach the rest, as in the big shops.
pub const MAX_PAGES: u32 = 100;

/// How many word-index matches a filtered search looks through for [`COUNT_CAP`] that pass
/// its filters: the bound on the work of a broad search with a narrow filter.
pub const SCAN_CAP: i64 = 20_000;

/// The columns of a [`Candidate`], from `parts p`.
pub const CANDIDATE_COLUMNS: &str =
    "SELECT p.id, p.manufacturer, p.name, p.price_cents, p.created_at, p.model_key";

/// The same without the part-number key, which SQLite computes from the number on each read
/// (five `replace` calls): word hits and price ranges do not need it, since every part whose
/// key matches is found by the key query, which reads it.
pub const CANDIDATE_COLUMNS_WITHOUT_KEY: &str =
    "SELECT p.id, p.manufacturer, p.name, p.price_cents, p.created_at, '' AS model_key";

/// A match with what ranking, sorting and counting need.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: i64,
    pub manufacturer: String,
    pub name: String,
    pub price_cents: i64,
    pub created_at: i64,
    pub model_key: String,
}

/// The row shape of [`CANDIDATE_COLUMNS`].
pub type CandidateRow = (i64, String, String, i64, i64, String);

impl From<CandidateRow> for Candidate {
    fn from(row: CandidateRow) -> Self {
        let (id, manufacturer, name, price_cents, created_at, model_key) = row;
        Self {
            id,
            manufacturer,
            name,
            price_cents,
            created_at,
            model_key,
        }
    }
}

/// Whether `hits` (from the key index) hold the very part number a text of digits and
/// separators names: then the words ("0", "986", …) are not searched, since they would only
/// add noise below the part.
pub fn number_found(words: &SearchWords, hits: &[Candidate]) -> bool {
    !words.has_letters
        && hits
            .iter()
            .any(|c| words.key.as_deref() == Some(&c.model_key))
}

/// Adds `hits` to `found`, leaving out parts already found.
pub fn merge(found: &mut Vec<Candidate>, hits: Vec<Candidate>) {
    let seen: HashSet<i64> = found.iter().map(|c| c.id).collect();
    found.extend(hits.into_iter().filter(|c| !seen.contains(&c.id)));
}

/// Orders `matches` as asked (newest first among equals; best match: the part number itself,
/// then numbers starting with it, then parts whose name has every word, then the rest). More
/// than [`COUNT_CAP`] matches: the newest that many are kept.
pub fn order(matches: &mut Vec<Candidate>, sort: Sort, words: Option<&SearchWords>) {
    matches.sort_by_key(|c| std::cmp::Reverse((c.created_at, c.id)));
    matches.truncate(COUNT_CAP as usize);
    match (sort, words) {
        (Sort::Relevance, Some(words)) => {
            let rank = |c: &Candidate| {
                if words.key.as_deref() == Some(c.model_key.as_str()) {
                    0
                } else if words
                    .key
                    .as_ref()
                    .is_some_and(|k| c.model_key.starts_with(k.as_str()))
                {
                    1
                } else if words.all_in(&c.name) {
                    2
                } else {
                    3
                }
            };
            matches.sort_by_cached_key(rank);
        }
        (Sort::Relevance | Sort::Newest, _) => {}
        (Sort::PriceAsc, _) => matches.sort_by_key(|c| (c.price_cents, c.id)),
        (Sort::PriceDesc, _) => matches.sort_by_key(|c| std::cmp::Reverse((c.price_cents, c.id))),
        (Sort::Name, _) => matches.sort_by_cached_key(|c| (c.name.to_lowercase(), c.id)),
    }
}

/// A broad search's best-match order from ids alone: `ids` newest first, the part-number hits
/// (`key_rank`: 0 the number itself, 1 a number starting with it), then the parts whose name
/// has every word (`in_name`), then the rest, newest first within each.
pub fn order_broad(ids: &mut [i64], key_rank: &HashMap<i64, u8>, in_name: &HashSet<i64>) {
    // A stable sort: newest first within each rank.
    ids.sort_by_key(|id| match key_rank.get(id) {
        Some(&rank) => rank,
        None if in_name.contains(id) => 2,
        None => 3,
    });
}

/// Maker counts over the first matches: exact when all matches were seen, else the makers
/// (all listed ones) without counts.
pub fn facet_counts<'a>(
    makers: impl Iterator<Item = &'a str>,
    seen: i64,
    all_makers: &[(String, i64)],
) -> Vec<ManufacturerCount> {
    if seen > COUNT_CAP {
        return all_makers
            .iter()
            .map(|(name, _)| ManufacturerCount {
                name: name.clone(),
                count: None,
            })
            .collect();
    }
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for m in makers {
        *counts.entry(m).or_default() += 1;
    }
    let mut facets: Vec<ManufacturerCount> = counts
        .into_iter()
        .map(|(name, n)| ManufacturerCount {
            name: name.to_owned(),
            count: Some(n),
        })
        .collect();
    facets.sort_by_cached_key(|f| (f.name.to_lowercase(), f.name.clone()));
    facets
}

/// Pages of [`PAGE_SIZE`] for `total` results (one at least).
pub fn pages_for(total: i64) -> u32 {
    u32::try_from(((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)).unwrap_or(u32::MAX)
}

/// The ids of page `page` (from 1) of `ids`.
pub fn page_ids(ids: impl Iterator<Item = i64>, page: u32) -> Vec<i64> {
    let start = (page as usize - 1) * PAGE_SIZE as usize;
    ids.skip(start).take(PAGE_SIZE as usize).collect()
}
