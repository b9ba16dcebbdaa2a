//! Vehicles a part can fit: makes, models, model years and engines (NHTSA's vPIC, through
//! `data/vehicles.csv.gz`), and the picker that finds the customer's own.

pub mod api;
pub mod context;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod garage;
pub mod view;
pub mod vin;

/// The cookie that holds the visitor's active vehicle: `<vehicle id>` or
/// `<vehicle id>-<engine id>`.
pub const VEHICLE_COOKIE: &str = "pw_vehicle";

/// The vehicle and engine ids a [`VEHICLE_COOKIE`] value names, if it is well-formed.
pub fn parse_vehicle_cookie(value: &str) -> Option<(i64, Option<i64>)> {
    let id = |s: &str| {
        (!s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i64>().ok())
            .flatten()
            .filter(|n| *n > 0)
    };
    match value.split_once('-') {
        Some((vehicle, engine)) => Some((id(vehicle)?, Some(id(engine)?))),
        None => Some((id(value)?, None)),
    }
}

/// The cookie value for a vehicle and maybe its engine.
pub fn vehicle_cookie_value(vehicle_id: i64, engine_id: Option<i64>) -> String {
    match engine_id {
        Some(engine) => format!("{vehicle_id}-{engine}"),
        None => vehicle_id.to_string(),
    }
}

/// What the picker offers for the choices made so far: each list is filled once the choice
/// before it is made (and exists).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickerChoices {
    pub years: Vec<i64>,
    pub makes: Vec<Choice>,
    /// Model years of the chosen make: each id is a vehicle's.
    pub models: Vec<Choice>,
    pub engines: Vec<Engine>,
}

use serde::{Deserialize, Serialize};

/// An engine a model year was built with; 0 and "" are parts vPIC does not know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Engine {
    pub id: i64,
    /// Displacement in tenths of a litre (18 = 1.8 L).
    pub liters_x10: i64,
    pub cylinders: i64,
    pub code: String,
}

impl Engine {
    /// "1.8 L", the way engines are told apart in a shop; `None` when the size is not known.
    pub fn size(&self) -> Option<String> {
        (self.liters_x10 > 0)
            .then(|| format!("{}.{} L", self.liters_x10 / 10, self.liters_x10 % 10))
    }

    /// "1.8 L, 4 cylinders (R18A9)": everything known, for the picker.
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if let Some(size) = self.size() {
            parts.push(size);
        }
        if self.cylinders > 0 {
            parts.push(format!("{} cylinders", self.cylinders));
        }
        let known = parts.join(", ");
        match (known.is_empty(), self.code.is_empty()) {
            (true, true) => "Engine not known".to_string(),
            (true, false) => format!("Engine {}", self.code),
            (false, true) => known,
            (false, false) => format!("{known} ({})", self.code),
        }
    }
}

/// One model year ("2014 Honda Civic"), with the engine when the customer chose one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vehicle {
    pub id: i64,
    pub year: i64,
    pub make: String,
    pub model: String,
    pub engine: Option<Engine>,
}

impl Vehicle {
    /// "2014 Honda Civic".
    pub fn name(&self) -> String {
        format!("{} {} {}", self.year, self.make, self.model)
    }

    /// "2014 Honda Civic 1.8 L" (the engine's size, or its code, when one is chosen).
    pub fn label(&self) -> String {
        match &self.engine {
            Some(engine) => match engine.size() {
                Some(size) => format!("{} {size}", self.name()),
                None if !engine.code.is_empty() => format!("{} {}", self.name(), engine.code),
                None => self.name(),
            },
            None => self.name(),
        }
    }
}

/// A logged-in customer's garage: the vehicles kept, most recently used first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Garage {
    pub vehicles: Vec<Vehicle>,
    /// The active vehicle's model-year id (the vehicle cookie's), if one is.
    pub active: Option<i64>,
}

/// A choice in the picker: an id and what it is called.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(liters_x10: i64, cylinders: i64, code: &str) -> Engine {
        Engine {
            id: 1,
            liters_x10,
            cylinders,
            code: code.to_string(),
        }
    }

    #[test]
    fn vehicle_cookies_hold_ids_only() {
        assert_eq!(parse_vehicle_cookie("12"), Some((12, None)));
        assert_eq!(parse_vehicle_cookie("12-7"), Some((12, Some(7))));
        assert_eq!(
            parse_vehicle_cookie(&vehicle_cookie_value(3, Some(4))),
            Some((3, Some(4)))
        );
        for bad in [
            "",
            "-",
            "12-",
            "-7",
            "0",
            "a",
            "12-x",
            "+5",
            "1 2",
            "99999999999999999999",
            "1-2-3",
        ] {
            assert_eq!(parse_vehicle_cookie(bad), None, "{bad}");
        }
    }

    #[test]
    fn engines_say_what_is_known_of_them() {
        assert_eq!(engine(18, 4, "R18A9").label(), "1.8 L, 4 cylinders (R18A9)");
        assert_eq!(engine(30, 0, "").label(), "3.0 L");
        assert_eq!(engine(0, 6, "").label(), "6 cylinders");
        assert_eq!(engine(0, 0, "J30A4").label(), "Engine J30A4");
        assert_eq!(engine(0, 0, "").label(), "Engine not known");
        assert_eq!(engine(0, 0, "").size(), None);
    }

    #[test]
    fn vehicles_are_named_by_year_make_model_and_engine_size() {
        let mut civic = Vehicle {
            id: 7,
            year: 2014,
            make: "Honda".into(),
            model: "Civic".into(),
            engine: None,
        };
        assert_eq!(civic.label(), "2014 Honda Civic");
        civic.engine = Some(engine(18, 4, "R18A9"));
        assert_eq!(civic.label(), "2014 Honda Civic 1.8 L");
        civic.engine = Some(engine(0, 0, "LEA2"));
        assert_eq!(civic.label(), "2014 Honda Civic LEA2");
    }
}
