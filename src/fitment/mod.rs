//! Does a part fit the customer's vehicle? The matching rules and the answer with its reason.
//!
//! A fitment says a part fits a model for a range of model years, optionally only with one
//! engine size, at a position, so many per vehicle. A part fits the active vehicle when one of
//! its fitments names the vehicle's model and year and either names no engine or names the
//! vehicle's. Three answers, always with the reason: it fits (and where, and with which
//! engine); it does not (and what it is made for); it fits only with an engine the customer
//! has not told us (and which). A part without fitment data says so: never "fits".

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
}

/// The vehicle a part is checked against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub model_id: i64,
    pub year: i64,
    /// The engine size the customer chose; `None`: not told (or not known).
    pub liters_x10: Option<i64>,
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
    },
    /// It fits this model year only with one of these engine sizes; which is the customer's?
    NeedsEngine { sizes: Vec<i64> },
    /// It does not fit: what it is made for (the closest fitments, up to three).
    DoesNotFit { made_for: Vec<String> },
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
        };
    }
    if !this_year.is_empty() && target.liters_x10.is_none() {
        let mut sizes: Vec<i64> = this_year.iter().filter_map(|f| f.liters_x10).collect();
        sizes.sort_unstable();
        sizes.dedup();
        return Answer::NeedsEngine { sizes };
    }
    // Not this vehicle (or not its engine): name the fitments closest to it, the same model
    // first, then by distance in years.
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
    Answer::DoesNotFit { made_for }
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
                if details.is_empty() {
                    format!("Fits your {vehicle}.")
                } else {
                    format!("Fits your {vehicle} ({}).", details.join(", "))
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
        }
    }

    /// Whether the part may be shown as fitting (universal or a match).
    pub fn fits(&self) -> bool {
        matches!(self, Answer::Universal | Answer::Fits { .. })
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
                liters_x10: Some(24)
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
                liters_x10: Some(24)
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
    fn positions_round_trip() {
        for p in Position::ALL {
            assert_eq!(Position::parse(p.as_str()), Some(p));
        }
        assert_eq!(Position::parse("Front"), None);
    }
}
