//! The storefront catalogue: search, filters, sorting and pagination, all kept in the URL
//! query so reload, back/forward and a shared link reproduce the view.

pub mod api;
#[cfg(feature = "ssr")]
pub mod search;
pub mod view;

/// The id of the catalogue's filter form, which the header's search box joins on
/// `/catalogue`.
pub const FILTER_FORM: &str = "catalogue-filters";

use crate::parts::{Cents, PartSummary};
use serde::{Deserialize, Serialize};

/// Parts per catalogue page.
pub const PAGE_SIZE: i64 = 24;

/// The longest search text taken into account.
pub const MAX_QUERY_CHARS: usize = 200;

/// Search text as the catalogue uses it: control characters (NUL included) become spaces,
/// surrounding space goes, and at most `MAX_QUERY_CHARS` characters are kept (trimmed again
/// after the cut, so the text reads back to itself).
pub fn clean_search_text(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let cut: String = spaced.trim().chars().take(MAX_QUERY_CHARS).collect();
    cut.trim_end().to_string()
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Sort {
    /// Best match first (only when searching).
    Relevance,
    /// Newest listings first.
    #[default]
    Newest,
    /// Cheapest first.
    PriceAsc,
    /// Dearest first.
    PriceDesc,
    /// By name, A to Z.
    Name,
}

impl Sort {
    /// Every sort order, as offered.
    pub const ALL: [Sort; 5] = [
        Sort::Relevance,
        Sort::Newest,
        Sort::PriceAsc,
        Sort::PriceDesc,
        Sort::Name,
    ];

    /// The URL spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::PriceAsc => "price_asc",
            Sort::PriceDesc => "price_desc",
            Sort::Name => "name",
        }
    }

    /// How it is shown.
    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "Best match",
            Sort::Newest => "Newest",
            Sort::PriceAsc => "Price: low to high",
            Sort::PriceDesc => "Price: high to low",
            Sort::Name => "Name: A to Z",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// What the catalogue shows: read from the URL query, written back to it.
///
/// Reading is forgiving: a value that makes no sense (a negative page, a price of "abc") is
/// dropped rather than refused, so an edited or old link still shows a sensible page.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CatalogueQuery {
    /// Search text (`q`).
    pub q: String,
    /// Manufacturers to include (`m`, repeatable); empty means all.
    pub manufacturers: Vec<String>,
    /// Lowest price (`min`, in euros).
    pub min_price: Option<Cents>,
    /// Highest price (`max`, in euros).
    pub max_price: Option<Cents>,
    /// Only parts in stock (`stock=1`).
    pub in_stock: bool,
    /// Order (`sort`).
    pub sort: Sort,
    /// 1-based page (`page`).
    pub page: u32,
    /// Every part, not only those that fit the active vehicle (`fit=all`).
    pub all_vehicles: bool,
    /// The vehicle the results are narrowed to: set by the server from the active vehicle
    /// (unless [`CatalogueQuery::all_vehicles`]), never read from the URL.
    #[serde(skip)]
    pub vehicle: Option<crate::fitment::Target>,
}

impl CatalogueQuery {
    /// Reads a URL query string (with or without the leading `?`).
    pub fn parse(query: &str) -> Self {
        let mut out = CatalogueQuery {
            page: 1,
            ..Default::default()
        };
        let mut sort = None;
        for (key, value) in form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
            match &*key {
                "q" => out.q = clean_search_text(&value),
                "m" => {
                    let m = value.trim();
                    // A maker's name has no control characters (the listing rules refuse
                    // them), and PostgreSQL cannot even compare text with a NUL in it.
                    if !m.is_empty()
                        && m.chars().count() <= 100
                        && !m.chars().any(crate::text::is_hidden_control)
                        && out.manufacturers.len() < 50
                        && !out.manufacturers.iter().any(|x| x == m)
                    {
                        out.manufacturers.push(m.to_string());
                    }
                }
                "min" => out.min_price = Cents::parse_euros(&value).ok(),
                "max" => out.max_price = Cents::parse_euros(&value).ok(),
                "stock" => out.in_stock = matches!(&*value, "1" | "on" | "true"),
                "sort" => sort = Sort::parse(&value),
                "page" => out.page = value.parse::<u32>().ok().filter(|p| *p >= 1).unwrap_or(1),
                "fit" => out.all_vehicles = &*value == "all",
                _ => {}
            }
        }
        out.sort = out.effective_sort(sort);
        if let (Some(min), Some(max)) = (out.min_price, out.max_price) {
            if min > max {
                out.min_price = Some(max);
                out.max_price = Some(min);
            }
        }
        out
    }

    /// A view of just this search text, every filter and order at its default.
    pub fn search_only(q: &str) -> Self {
        Self::parse(
            &form_urlencoded::Serializer::new(String::new())
                .append_pair("q", q)
                .finish(),
        )
    }

    /// The sort asked for, or the default: best match when searching, newest otherwise.
    /// Relevance without search text means nothing, so it becomes newest.
    fn effective_sort(&self, asked: Option<Sort>) -> Sort {
        match asked {
            Some(Sort::Relevance) | None if self.q.is_empty() => Sort::Newest,
            None => Sort::Relevance,
            Some(sort) => sort,
        }
    }

    /// Whether any search text or filter narrows the results.
    pub fn is_filtered(&self) -> bool {
        !self.q.is_empty() || self.has_filters()
    }

    /// Whether a filter (maker, price, stock) narrows the results, search text aside.
    pub fn has_filters(&self) -> bool {
        !self.manufacturers.is_empty()
            || self.min_price.is_some()
            || self.max_price.is_some()
            || self.in_stock
    }

    /// The canonical URL query (without `?`) for this view; default values are left out.
    pub fn to_query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            out.append_pair("q", &self.q);
        }
        for m in &self.manufacturers {
            out.append_pair("m", m);
        }
        if let Some(min) = self.min_price {
            out.append_pair("min", &min.euros_input());
        }
        if let Some(max) = self.max_price {
            out.append_pair("max", &max.euros_input());
        }
        if self.in_stock {
            out.append_pair("stock", "1");
        }
        if self.sort != self.effective_sort(None) {
            out.append_pair("sort", self.sort.as_str());
        }
        if self.all_vehicles {
            out.append_pair("fit", "all");
        }
        if self.page > 1 {
            out.append_pair("page", &self.page.to_string());
        }
        out.finish()
    }

    /// The catalogue URL for this view.
    pub fn href(&self) -> String {
        let qs = self.to_query_string();
        if qs.is_empty() {
            "/catalogue".into()
        } else {
            format!("/catalogue?{qs}")
        }
    }

    /// The same view on another page.
    pub fn at_page(&self, page: u32) -> Self {
        Self {
            page,
            ..self.clone()
        }
    }
}

/// A manufacturer and how many matching parts it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManufacturerCount {
    /// The manufacturer.
    pub name: String,
    /// Matching parts (with every other filter applied); `None` for a search too broad to
    /// count per maker (more than 1,000 matches, see [`CatalogueResults::more`]).
    pub count: Option<i64>,
}

/// One page of catalogue results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueResults {
    /// The parts on this page.
    pub parts: Vec<PartSummary>,
    /// All matching parts, or, when `more` is set, how many were counted before stopping.
    pub total: i64,
    /// There are more matches than `total` ("1,000+"): the search was too broad to count.
    pub more: bool,
    /// This page (1-based; clamped to the last page).
    pub page: u32,
    /// How many pages there are (at least 1).
    pub pages: u32,
    /// Manufacturers with counts, for the filter.
    pub manufacturers: Vec<ManufacturerCount>,
    /// The customer's active vehicle and each shown part's answer for it; `None` without one.
    pub vehicle: Option<CatalogueVehicle>,
}

/// The active vehicle on a catalogue page: what its parts were checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueVehicle {
    /// The model year's id, for choosing an engine.
    pub id: i64,
    /// "2014 Honda Civic 1.8 L".
    pub label: String,
    /// Typed in by the customer (not in the vehicle list): parts cannot be checked against
    /// it, so the catalogue is not narrowed and each part says what it is made for.
    pub typed: bool,
    /// Whether only the parts that fit it are shown (else every part, each with its answer).
    pub fits_only: bool,
    /// Its engines, when the customer has not said which is theirs and the answers may depend
    /// on it.
    pub engines: Vec<crate::vehicles::Engine>,
    /// The answer for each part on the page.
    pub answers: Vec<CardFit>,
}

impl CatalogueVehicle {
    /// The answer for part `id`, if it is on the page.
    pub fn answer(&self, id: i64) -> Option<CardFit> {
        self.answers.iter().find(|a| a.part == id).cloned()
    }
}

/// A part card's answer for the active vehicle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardFit {
    pub part: i64,
    pub kind: crate::fitment::FitKind,
    /// The answer with its reason.
    pub sentence: String,
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

impl CatalogueResults {
    /// Whether only the parts that fit the customer's vehicle are shown.
    pub fn fits_only(&self) -> bool {
        self.vehicle.as_ref().is_some_and(|v| v.fits_only)
    }

    /// What the result line says: "No parts found", "1 part", "12,345 parts", "1,000+ parts".
    pub fn count_text(&self) -> String {
        match (self.total, self.more) {
            (0, false) => "No parts found".into(),
            (1, false) => "1 part".into(),
            (n, false) => format!("{} parts", thousands(n)),
            (n, true) => format!("{}+ parts", thousands(n)),
        }
    }

    /// No parts at all.
    pub fn empty() -> Self {
        Self {
            parts: Vec::new(),
            total: 0,
            more: false,
            page: 1,
            pages: 1,
            manufacturers: Vec::new(),
            vehicle: None,
        }
    }
}

pub use crate::text::normalize_part_number;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        let mut r = CatalogueResults::empty();
        assert_eq!(r.count_text(), "No parts found");
        r.total = 1;
        assert_eq!(r.count_text(), "1 part");
        r.total = 970_123;
        assert_eq!(r.count_text(), "970,123 parts");
        r.total = 1000;
        r.more = true;
        assert_eq!(r.count_text(), "1,000+ parts");
    }

    #[test]
    fn part_numbers_meet_regardless_of_separators_and_case() {
        for typed in ["bp123", "BP 123", "bp-123", "B.P.123", "BP_123", " bp/123 "] {
            assert_eq!(normalize_part_number(typed), "bp123", "{typed}");
        }
    }

    #[test]
    fn query_round_trips_through_the_url() {
        let q = CatalogueQuery::parse(
            "?q=brake+disc&m=Bosch&m=ATE&min=10&max=99.5&stock=1&sort=price_desc&fit=all&page=3",
        );
        assert!(q.all_vehicles);
        assert!(!CatalogueQuery::parse("fit=mine").all_vehicles);
        assert_eq!(q.q, "brake disc");
        assert_eq!(q.manufacturers, ["Bosch", "ATE"]);
        assert_eq!(q.min_price, Some(Cents(1000)));
        assert_eq!(q.max_price, Some(Cents(9950)));
        assert!(q.in_stock);
        assert_eq!(q.sort, Sort::PriceDesc);
        assert_eq!(q.page, 3);
        assert_eq!(CatalogueQuery::parse(&q.to_query_string()), q);
    }

    #[test]
    fn defaults_are_left_out_of_the_url() {
        assert_eq!(CatalogueQuery::parse("").href(), "/catalogue");
        let searching = CatalogueQuery::parse("q=filter");
        assert_eq!(searching.sort, Sort::Relevance);
        assert_eq!(searching.to_query_string(), "q=filter");
        assert_eq!(CatalogueQuery::parse("sort=relevance").sort, Sort::Newest);
        assert_eq!(
            CatalogueQuery::parse("q=x&sort=newest").to_query_string(),
            "q=x&sort=newest"
        );
    }

    #[test]
    fn nonsense_is_dropped_not_refused() {
        let q = CatalogueQuery::parse(
            "page=-4&min=abc&max=1e9&sort=cheapest&stock=maybe&m=&m=Bosch%00&m=%E2%80%AEATE",
        );
        assert_eq!(q, CatalogueQuery::parse(""));
        assert_eq!(CatalogueQuery::parse("page=0").page, 1);
        // Swapped bounds are put in order.
        let q = CatalogueQuery::parse("min=50&max=10");
        assert_eq!(
            (q.min_price, q.max_price),
            (Some(Cents(1000)), Some(Cents(5000)))
        );
        // Over-long search text is cut, not refused.
        let long = "x".repeat(1000);
        assert_eq!(
            CatalogueQuery::parse(&format!("q={long}")).q.len(),
            MAX_QUERY_CHARS
        );
        // Control characters are spaces; a cut after a space leaves no trailing space.
        assert_eq!(CatalogueQuery::parse("q=abc%00def%0A").q, "abc def");
        let cut = CatalogueQuery::parse(&format!("q={}+tail", "x".repeat(199))).q;
        assert_eq!(cut, "x".repeat(199));
    }
}
