//! Does a part fit the customer's vehicle? The matching rules and the answer with its reason.
//!
//! A fitment says a part fits a model for a range of model years, optionally only with one
//! engine size, at a position, so many per vehicle. A part fits the active vehicle when one of
//! its fitments names the vehicle's model and year and either names no engine or names the
//! vehicle's. Three answers, always with the reason: it fits (and where, and with which
//! engine); it does not (and what it is made for); it fits only with an engine the customer
//! has not told us (and which). A part without fitment data says so: never "fits".

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod input;
#[cfg(feature = "ssr")]
pub mod kept;
#[cfg(test)]
mod plans;
pub mod view;

use serde::{Deserialize, Serialize};

/// Where on the vehicle a part goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Position {
    Any,
    Front,
    Rear,
    FrontLeft,
    FrontRight,
    RearLeft,
    RearRight,
}

impl Position {
    pub const ALL: [Position; 7] = [
        Position::Any,
        Position::Front,
        Position::Rear,
        Position::FrontLeft,
        Position::FrontRight,
        Position::RearLeft,
        Position::RearRight,
    ];

    /// The stored and submitted name.
    pub fn as_str(self) -> &'static str {
        match self {
            Position::Any => "any",
            Position::Front => "front",
            Position::Rear => "rear",
            Position::FrontLeft => "front_left",
            Position::FrontRight => "front_right",
            Position::RearLeft => "rear_left",
            Position::RearRight => "rear_right",
        }
    }

    pub fn parse(s: &str) -> Option<Position> {
        Position::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// "front axle", for the reason; `None` when the position says nothing.
    pub fn phrase(self) -> Option<&'static str> {
        match self {
            Position::Any => None,
            Position::Front => Some("front axle"),
            Position::Rear => Some("rear axle"),
            Position::FrontLeft => Some("front left"),
            Position::FrontRight => Some("front right"),
            Position::RearLeft => Some("rear left"),
            Position::RearRight => Some("rear right"),
        }
    }
}

/// Which wheels drive, when a part depends on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Drive {
    /// Any drive (the fitment does not depend on it).
    #[default]
    Any,
    Fwd,
    Rwd,
    Awd,
    FourWd,
}

impl Drive {
    pub const ALL: [Drive; 5] = [
        Drive::Any,
        Drive::Fwd,
        Drive::Rwd,
        Drive::Awd,
        Drive::FourWd,
    ];

    /// The stored and submitted name ("" for any).
    pub fn as_str(self) -> &'static str {
        match self {
            Drive::Any => "",
            Drive::Fwd => "fwd",
            Drive::Rwd => "rwd",
            Drive::Awd => "awd",
            Drive::FourWd => "4wd",
        }
    }

    pub fn parse(s: &str) -> Option<Drive> {
        Drive::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// "front-wheel drive", for lists and conditions.
    pub fn label(self) -> &'static str {
        match self {
            Drive::Any => "Any drive",
            Drive::Fwd => "front-wheel drive",
            Drive::Rwd => "rear-wheel drive",
            Drive::Awd => "all-wheel drive",
            Drive::FourWd => "four-wheel drive",
        }
    }
}

/// What a supplier knows of a fitment that the vehicle tables do not: the body, the drive, the
/// production months, a note. The customer's vehicle cannot be checked against them, so they
/// are shown as the conditions of a "fits".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qualifiers {
    /// "Sedan", "Estate"; "" for any.
    pub body: String,
    pub drive: Drive,
    /// Production months "2014-03"; "" when not limited.
    pub built_from: String,
    pub built_to: String,
    pub note: String,
}

impl Qualifiers {
    /// The conditions in words: "sedan", "front-wheel drive", "built from 03/2014", the note.
    pub fn conditions(&self) -> Vec<String> {
        let month = |m: &str| match m.split_once('-') {
            Some((year, month)) => format!("{month}/{year}"),
            None => m.to_string(),
        };
        let mut out = Vec::new();
        if !self.body.is_empty() {
            out.push(self.body.to_lowercase());
        }
        if self.drive != Drive::Any {
            out.push(self.drive.label().to_string());
        }
        match (self.built_from.is_empty(), self.built_to.is_empty()) {
            (false, false) => out.push(format!(
                "built {} to {}",
                month(&self.built_from),
                month(&self.built_to)
            )),
            (false, true) => out.push(format!("built from {}", month(&self.built_from))),
            (true, false) => out.push(format!("built up to {}", month(&self.built_to))),
            (true, true) => {}
        }
        if !self.note.is_empty() {
            out.push(self.note.clone());
        }
        out
    }
}

/// One fitment of a part, as the matching needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fitment {
    pub model_id: i64,
    /// "Honda Civic", for reasons.
    pub model_name: String,
    pub year_from: i64,
    pub year_to: i64,
    /// Only with this engine size (tenths of a litre); `None`: every engine.
    pub liters_x10: Option<i64>,
    pub position: Position,
    pub quantity: i64,
    /// What the supplier says the vehicle must also be ([`Qualifiers::conditions`]).
    pub conditions: Vec<String>,
}

/// The vehicle a part is checked against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub model_id: i64,
    pub year: i64,
    /// The engine size the customer chose; `None`: not told (or not known).
    pub liters_x10: Option<i64>,
}

impl Target {
    /// What fitments are checked against for a typed-in vehicle (not in the vehicle list):
    /// no model (0 names none), so no fitment matches and the answer is
    /// [`Answer::NotListed`].
    pub fn typed(year: i64) -> Self {
        Target {
            model_id: 0,
            year,
            liters_x10: None,
        }
    }

    /// What fitments are checked against for `vehicle`, a model year of model `model_id`:
    /// its model, year and engine size (when an engine with a known size is chosen).
    pub fn of(vehicle: &crate::vehicles::Vehicle, model_id: i64) -> Self {
        Target {
            model_id,
            year: vehicle.year,
            liters_x10: vehicle
                .engine
                .as_ref()
                .map(|e| e.liters_x10)
                .filter(|l| *l > 0),
        }
    }
}

/// Does it fit, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// The part fits any vehicle (the supplier says so: wiper fluid, a universal tool).
    Universal,
    /// The supplier gave no fitment: we cannot say.
    NoData,
    /// It fits: where, how many, and the engine it was matched on, if it needs one.
    Fits {
        position: Position,
        quantity: i64,
        liters_x10: Option<i64>,
        /// What the vehicle must also be (body, drive, production months, the note).
        conditions: Vec<String>,
    },
    /// It fits this model year only with one of these engine sizes; which is the customer's?
    NeedsEngine { sizes: Vec<i64> },
    /// It does not fit: what it is made for (the closest fitments, up to three).
    DoesNotFit { made_for: Vec<String> },
    /// The customer's vehicle is not in the vehicle list (typed in), so the part's fitments
    /// cannot be checked against it: what it is made for (the closest by year, up to three).
    NotListed { made_for: Vec<String> },
}

/// "1.8 L".
pub fn liters(liters_x10: i64) -> String {
    format!("{}.{} L", liters_x10 / 10, liters_x10 % 10)
}

/// "2016–2020 Honda Civic" (one year alone when the range is one year).
fn range_name(f: &Fitment) -> String {
    let years = if f.year_from == f.year_to {
        f.year_from.to_string()
    } else {
        format!("{}–{}", f.year_from, f.year_to)
    };
    match f.liters_x10 {
        Some(l) => format!("{years} {} {}", f.model_name, liters(l)),
        None => format!("{years} {}", f.model_name),
    }
}

/// Checks a part's fitments against `target`. `universal` is the part's universal mark.
pub fn check(universal: bool, fitments: &[Fitment], target: &Target) -> Answer {
    if universal {
        return Answer::Universal;
    }
    if fitments.is_empty() {
        return Answer::NoData;
    }
    if target.model_id == 0 {
        return Answer::NotListed {
            made_for: closest(fitments, target),
        };
    }
    let this_year: Vec<&Fitment> = fitments
        .iter()
        .filter(|f| {
            f.model_id == target.model_id && (f.year_from..=f.year_to).contains(&target.year)
        })
        .collect();
    // Any engine, or the customer's: fits. A fitment for every engine wins over an engine
    // match only when there is no engine match (the engine match says more).
    let matched = this_year
        .iter()
        .find(|f| f.liters_x10.is_some() && f.liters_x10 == target.liters_x10)
        .or_else(|| this_year.iter().find(|f| f.liters_x10.is_none()));
    if let Some(f) = matched {
        return Answer::Fits {
            position: f.position,
            quantity: f.quantity,
            liters_x10: f.liters_x10,
            conditions: f.conditions.clone(),
        };
    }
    if !this_year.is_empty() && target.liters_x10.is_none() {
        let mut sizes: Vec<i64> = this_year.iter().filter_map(|f| f.liters_x10).collect();
        sizes.sort_unstable();
        sizes.dedup();
        return Answer::NeedsEngine { sizes };
    }
    // Not this vehicle (or not its engine): name the fitments closest to it.
    Answer::DoesNotFit {
        made_for: closest(fitments, target),
    }
}

/// The names of up to three fitments closest to `target`: the same model first, then by
/// distance in years.
fn closest(fitments: &[Fitment], target: &Target) -> Vec<String> {
    let mut near: Vec<&Fitment> = fitments.iter().collect();
    near.sort_by_key(|f| {
        let distance = if target.year < f.year_from {
            f.year_from - target.year
        } else {
            (target.year - f.year_to).max(0)
        };
        (f.model_id != target.model_id, distance, f.year_from)
    });
    let mut made_for: Vec<String> = Vec::new();
    for f in near {
        let name = range_name(f);
        if !made_for.contains(&name) {
            made_for.push(name);
        }
        if made_for.len() == 3 {
            break;
        }
    }
    made_for
}

impl Answer {
    /// The answer in one sentence for `vehicle` ("2014 Honda Civic").
    pub fn sentence(&self, vehicle: &str) -> String {
        match self {
            Answer::Universal => "Fits every vehicle (universal part).".to_string(),
            Answer::NoData => {
                "No fitment data from the supplier: check the part number with your vehicle."
                    .to_string()
            }
            Answer::Fits {
                position,
                quantity,
                liters_x10,
                conditions,
            } => {
                let mut details: Vec<String> = Vec::new();
                if let Some(p) = position.phrase() {
                    details.push(p.to_string());
                }
                if let Some(l) = liters_x10 {
                    details.push(liters(*l));
                }
                if *quantity > 1 {
                    details.push(format!("{quantity} per vehicle"));
                }
                let fits = if details.is_empty() {
                    format!("Fits your {vehicle}")
                } else {
                    format!("Fits your {vehicle} ({})", details.join(", "))
                };
                if conditions.is_empty() {
                    format!("{fits}.")
                } else {
                    format!("{fits} if yours is: {}.", conditions.join("; "))
                }
            }
            Answer::NeedsEngine { sizes } => {
                let sizes: Vec<String> = sizes.iter().map(|l| liters(*l)).collect();
                let list = match sizes.as_slice() {
                    [one] => one.clone(),
                    [init @ .., last] => format!("{} or {last}", init.join(", ")),
                    [] => String::new(),
                };
                format!("Fits only with the {list} engine — which one is yours?")
            }
            Answer::DoesNotFit { made_for } => {
                format!(
                    "Does not fit your {vehicle}: made for {}.",
                    made_for.join("; ")
                )
            }
            Answer::NotListed { made_for } => {
                format!(
                    "Cannot be checked against your {vehicle}, which is not in our vehicle \
                     list: made for {}. Compare the part numbers with your vehicle's.",
                    made_for.join("; ")
                )
            }
        }
    }

    /// Whether the part may be shown as fitting (universal or a match).
    pub fn fits(&self) -> bool {
        matches!(self, Answer::Universal | Answer::Fits { .. })
    }
}

/// A fitment as the supplier's editor lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FitmentRow {
    pub id: i64,
    pub model_id: i64,
    pub make: String,
    pub model: String,
    pub year_from: i64,
    pub year_to: i64,
    pub liters_x10: Option<i64>,
    pub position: Position,
    pub quantity: i64,
    pub qualifiers: Qualifiers,
}

impl FitmentRow {
    /// "2012–2015", or one year.
    pub fn years(&self) -> String {
        if self.year_from == self.year_to {
            self.year_from.to_string()
        } else {
            format!("{}–{}", self.year_from, self.year_to)
        }
    }

    /// The row as the matching reads it.
    pub fn fitment(&self) -> Fitment {
        Fitment {
            model_id: self.model_id,
            model_name: format!("{} {}", self.make, self.model),
            year_from: self.year_from,
            year_to: self.year_to,
            liters_x10: self.liters_x10,
            position: self.position,
            quantity: self.quantity,
            conditions: self.qualifiers.conditions(),
        }
    }
}

/// What the fitment editor shows for one listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FitmentOverview {
    pub part: i64,
    /// The listing's name, for the heading.
    pub name: String,
    pub universal: bool,
    pub rows: Vec<FitmentRow>,
    /// Every make, for the first list.
    pub makes: Vec<crate::vehicles::Choice>,
    /// The chosen make, if it exists.
    pub make: Option<i64>,
    /// Its models (each id a model's, not a model year's).
    pub models: Vec<crate::vehicles::Choice>,
    /// The listing's OEM and cross-reference numbers.
    pub numbers: Vec<crate::parts::numbers::PartNumber>,
}

/// The kind of an [`Answer`], for its look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FitKind {
    Fits,
    DoesNotFit,
    NeedsEngine,
    NoData,
}

impl FitKind {
    pub fn css_class(self) -> &'static str {
        match self {
            FitKind::Fits => "fit fit-yes",
            FitKind::DoesNotFit => "fit fit-no",
            FitKind::NeedsEngine => "fit fit-ask",
            FitKind::NoData => "fit fit-unknown",
        }
    }
}

/// A part page's answer for the customer's active vehicle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FitAnswer {
    /// The model year (the vehicle cookie's first id), for choosing an engine.
    pub vehicle_id: i64,
    /// "2014 Honda Civic 1.8 L".
    pub vehicle: String,
    pub kind: FitKind,
    /// The answer with its reason.
    pub sentence: String,
    /// The vehicle's engines, when the answer depends on which one it has.
    pub engines: Vec<crate::vehicles::Engine>,
}

impl FitAnswer {
    pub fn new(
        vehicle: &crate::vehicles::Vehicle,
        answer: Answer,
        engines: Vec<crate::vehicles::Engine>,
    ) -> Self {
        let kind = match &answer {
            Answer::Universal | Answer::Fits { .. } => FitKind::Fits,
            Answer::DoesNotFit { .. } => FitKind::DoesNotFit,
            Answer::NeedsEngine { .. } => FitKind::NeedsEngine,
            Answer::NoData | Answer::NotListed { .. } => FitKind::NoData,
        };
        Self {
            vehicle_id: vehicle.id,
            vehicle: vehicle.label(),
            kind,
            sentence: answer.sentence(&vehicle.label()),
            engines,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CIVIC: i64 = 1;
    const ACCORD: i64 = 2;

    fn f(model_id: i64, from: i64, to: i64, liters_x10: Option<i64>) -> Fitment {
        Fitment {
            model_id,
            model_name: if model_id == CIVIC {
                "Honda Civic"
            } else {
                "Honda Accord"
            }
            .into(),
            year_from: from,
            year_to: to,
            liters_x10,
            position: Position::Front,
            quantity: 2,
            conditions: Vec::new(),
        }
    }

    fn civic(year: i64, liters_x10: Option<i64>) -> Target {
        Target {
            model_id: CIVIC,
            year,
            liters_x10,
        }
    }

    #[test]
    fn a_typed_in_vehicle_is_never_told_fits_or_does_not_fit() {
        let typed = Target::typed(2014);
        assert_eq!(check(true, &[], &typed), Answer::Universal);
        assert_eq!(check(false, &[], &typed), Answer::NoData);
        let rows = [f(CIVIC, 2012, 2015, None), f(ACCORD, 2003, 2007, Some(30))];
        let answer = check(false, &rows, &typed);
        assert_eq!(
            answer,
            Answer::NotListed {
                made_for: vec![
                    "2012–2015 Honda Civic".to_string(),
                    "2003–2007 Honda Accord 3.0 L".to_string()
                ]
            }
        );
        assert!(!answer.fits());
        assert_eq!(
            answer.sentence("2014 Skoda Octavia"),
            "Cannot be checked against your 2014 Skoda Octavia, which is not in our vehicle \
             list: made for 2012–2015 Honda Civic; 2003–2007 Honda Accord 3.0 L. Compare the \
             part numbers with your vehicle's."
        );
    }

    #[test]
    fn a_year_range_fits_its_first_and_last_year_only() {
        let rows = [f(CIVIC, 2012, 2015, None)];
        for year in [2012, 2014, 2015] {
            assert!(check(false, &rows, &civic(year, None)).fits(), "{year}");
        }
        for year in [2011, 2016] {
            assert!(!check(false, &rows, &civic(year, None)).fits(), "{year}");
        }
    }

    #[test]
    fn the_answer_says_why() {
        let rows = [f(CIVIC, 2012, 2015, None)];
        assert_eq!(
            check(false, &rows, &civic(2014, Some(18))).sentence("2014 Honda Civic"),
            "Fits your 2014 Honda Civic (front axle, 2 per vehicle)."
        );
        let rows = [f(CIVIC, 2016, 2020, None)];
        assert_eq!(
            check(false, &rows, &civic(2014, None)).sentence("2014 Honda Civic"),
            "Does not fit your 2014 Honda Civic: made for 2016–2020 Honda Civic."
        );
    }

    #[test]
    fn an_engine_bound_fitment_asks_for_the_engine_or_checks_it() {
        let rows = [
            f(CIVIC, 2012, 2015, Some(18)),
            f(CIVIC, 2012, 2015, Some(24)),
        ];
        let unsure = check(false, &rows, &civic(2014, None));
        assert_eq!(
            unsure,
            Answer::NeedsEngine {
                sizes: vec![18, 24]
            }
        );
        assert_eq!(
            unsure.sentence("2014 Honda Civic"),
            "Fits only with the 1.8 L or 2.4 L engine — which one is yours?"
        );
        assert!(!unsure.fits(), "an unknown engine never shows as fitting");
        assert_eq!(
            check(false, &rows, &civic(2014, Some(24))),
            Answer::Fits {
                position: Position::Front,
                quantity: 2,
                liters_x10: Some(24),
                conditions: Vec::new(),
            }
        );
        let other_engine = check(false, &rows, &civic(2014, Some(15)));
        assert!(!other_engine.fits());
        assert_eq!(
            other_engine.sentence("2014 Honda Civic 1.5 L"),
            "Does not fit your 2014 Honda Civic 1.5 L: made for 2012–2015 Honda Civic 1.8 L; \
             2012–2015 Honda Civic 2.4 L."
        );
    }

    #[test]
    fn an_every_engine_fitment_fits_whatever_the_engine() {
        let rows = [f(CIVIC, 2012, 2015, None), f(CIVIC, 2012, 2015, Some(24))];
        assert!(check(false, &rows, &civic(2014, None)).fits());
        assert!(check(false, &rows, &civic(2014, Some(18))).fits());
        // The engine match says more, so it is the one reported.
        assert_eq!(
            check(false, &rows, &civic(2014, Some(24))),
            Answer::Fits {
                position: Position::Front,
                quantity: 2,
                liters_x10: Some(24),
                conditions: Vec::new(),
            }
        );
    }

    #[test]
    fn no_data_is_never_fits_and_universal_always_is() {
        let none = check(false, &[], &civic(2014, None));
        assert_eq!(none, Answer::NoData);
        assert!(!none.fits());
        assert!(none
            .sentence("x")
            .starts_with("No fitment data from the supplier"));
        assert!(check(true, &[], &civic(2014, None)).fits());
        assert!(check(true, &[f(ACCORD, 2000, 2001, None)], &civic(2014, None)).fits());
    }

    #[test]
    fn another_model_is_named_after_the_closest_years_of_this_one() {
        let rows = [
            f(ACCORD, 2014, 2014, None),
            f(CIVIC, 1996, 2000, None),
            f(CIVIC, 2016, 2020, None),
            f(CIVIC, 2006, 2011, None),
        ];
        match check(false, &rows, &civic(2014, None)) {
            Answer::DoesNotFit { made_for } => assert_eq!(
                made_for,
                [
                    "2016–2020 Honda Civic",
                    "2006–2011 Honda Civic",
                    "1996–2000 Honda Civic"
                ]
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn positions_and_drives_round_trip() {
        for p in Position::ALL {
            assert_eq!(Position::parse(p.as_str()), Some(p));
        }
        assert_eq!(Position::parse("Front"), None);
        for d in Drive::ALL {
            assert_eq!(Drive::parse(d.as_str()), Some(d));
        }
        assert_eq!(Drive::parse("FWD"), None);
    }

    #[test]
    fn qualifiers_become_the_conditions_of_a_fit() {
        let qualifiers = Qualifiers {
            body: "Sedan".into(),
            drive: Drive::Fwd,
            built_from: "2014-03".into(),
            built_to: String::new(),
            note: "Not for the Si".into(),
        };
        let mut row = f(CIVIC, 2012, 2015, Some(18));
        row.conditions = qualifiers.conditions();
        assert_eq!(
            check(false, &[row], &civic(2014, Some(18))).sentence("2014 Honda Civic 1.8 L"),
            "Fits your 2014 Honda Civic 1.8 L (front axle, 1.8 L, 2 per vehicle) if yours is: \
             sedan; front-wheel drive; built from 03/2014; Not for the Si."
        );
        let both = Qualifiers {
            built_from: "2012-01".into(),
            built_to: "2013-06".into(),
            ..Qualifiers::default()
        };
        assert_eq!(both.conditions(), ["built 01/2012 to 06/2013"]);
        assert!(Qualifiers::default().conditions().is_empty());
    }
}
