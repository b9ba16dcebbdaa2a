//! All SQL of the vehicle tables (vehicle_makes, vehicle_models, vehicles, vehicle_engines,
//! vehicle_data), and the loader that fills them from the committed data file.

use std::collections::HashMap;
use std::io::Read;

use blake2::{Blake2b512, Digest};
use sqlx::QueryBuilder;

use super::{Choice, Engine, Vehicle};
use crate::server::db::{self, Db, DbExecutor, DbPool, DbTransaction};

/// The vehicle table PartWatch ships: `scripts/derive-vehicles.py` writes it from vPIC.
pub const VEHICLE_DATA: &[u8] = include_bytes!("../../data/vehicles.csv.gz");

/// Rows per INSERT: 4 values each stays far below both engines' bound-parameter limits.
const BATCH: usize = 1000;

/// One line of the data file: a model year and one of its engines (0 and "" not known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataRow {
    pub year: i64,
    pub make: String,
    pub model: String,
    pub liters_x10: i64,
    pub cylinders: i64,
    pub code: String,
}

/// Splits one CSV line (RFC 4180: fields in double quotes may hold commas and doubled quotes).
fn csv_fields(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (false, '"') if field.is_empty() => quoted = true,
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (_, c) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    fields.push(field);
    Ok(fields)
}

/// Reads the data file (gzipped CSV with the header `year,make,model,liters,cylinders,
/// engine_code`); the error names the line that is wrong.
pub fn parse_data(gzipped: &[u8]) -> Result<Vec<DataRow>, String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(gzipped)
        .read_to_string(&mut text)
        .map_err(|e| format!("the vehicle data does not unpack: {e}"))?;
    let mut lines = text.lines();
    if lines.next() != Some("year,make,model,liters,cylinders,engine_code") {
        return Err("the vehicle data has an unknown header".into());
    }
    lines
        .enumerate()
        .map(|(i, line)| {
            let at = |what: &str| format!("vehicle data line {}: {what}", i + 2);
            let f = csv_fields(line).map_err(|e| at(&e))?;
            let [year, make, model, liters, cylinders, code] =
                <[String; 6]>::try_from(f).map_err(|_| at("not six fields"))?;
            let year = year.parse().map_err(|_| at("the year is not a number"))?;
            let liters_x10 = if liters.is_empty() {
                0
            } else {
                let l: f64 = liters.parse().map_err(|_| at("the size is not a number"))?;
                (l * 10.0).round() as i64
            };
            let cylinders = if cylinders.is_empty() {
                0
            } else {
                cylinders
                    .parse()
                    .map_err(|_| at("the cylinders are not a number"))?
            };
            if make.is_empty() || model.is_empty() {
                return Err(at("no make or model"));
            }
            Ok(DataRow {
                year,
                make,
                model,
                liters_x10,
                cylinders,
                code,
            })
        })
        .collect()
}

fn checksum(bytes: &[u8]) -> String {
    Blake2b512::digest(bytes)[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Fills the vehicle tables from [`VEHICLE_DATA`] unless they already hold it: adds what is
/// new, never deletes (fitment rows point at models). One server at a time; `Ok(true)` when
/// this call loaded.
pub async fn load_vehicle_data(pool: &DbPool) -> Result<bool, String> {
    load_data(pool, VEHICLE_DATA).await
}

/// [`load_vehicle_data`] with another data file (tests load a small one).
pub async fn load_data(pool: &DbPool, gzipped: &[u8]) -> Result<bool, String> {
    let sum = checksum(gzipped);
    let loaded = crate::db_query_scalar!("SELECT checksum FROM vehicle_data WHERE id = 1")
        .fetch_optional(pool)
        .await
        .map_err(|e| e.to_string())?;
    if loaded.as_deref() == Some(sum.as_str()) {
        return Ok(false);
    }
    let rows = parse_data(gzipped)?;
    let mut tx = db::begin_exclusive(pool, db::Exclusive::VehicleData)
        .await
        .map_err(|e| e.to_string())?;
    let loaded = crate::db_query_scalar!("SELECT checksum FROM vehicle_data WHERE id = 1")
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    if loaded.as_deref() == Some(sum.as_str()) {
        return Ok(false);
    }
    insert_rows(&mut tx, &rows)
        .await
        .map_err(|e| e.to_string())?;
    crate::db_query!(
        "INSERT INTO vehicle_data (id, checksum, loaded_at) VALUES (1, $1, unixepoch())
         ON CONFLICT (id) DO UPDATE SET checksum = excluded.checksum, loaded_at = excluded.loaded_at",
        sum
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(true)
}

/// Names compare without case (the tables' collation), so the maps do too.
fn key(name: &str) -> String {
    name.to_lowercase()
}

async fn insert_rows(tx: &mut DbTransaction<'static>, rows: &[DataRow]) -> sqlx::Result<()> {
    // Makes.
    let mut makes: Vec<&str> = rows.iter().map(|r| r.make.as_str()).collect();
    makes.sort_by_key(|m| key(m));
    makes.dedup_by_key(|m| key(m));
    for chunk in makes.chunks(BATCH) {
        let mut q = QueryBuilder::<Db>::new("INSERT INTO vehicle_makes (name) ");
        q.push_values(chunk, |mut b, name| {
            b.push_bind(*name);
        });
        q.push(" ON CONFLICT DO NOTHING");
        q.build().execute(&mut **tx).await?;
    }
    let make_ids: HashMap<String, i64> =
        crate::db_query!(r#"SELECT id AS "id!", name FROM vehicle_makes"#)
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .map(|r| (key(&r.name), r.id))
            .collect();

    // Models.
    let mut models: Vec<(i64, &str)> = rows
        .iter()
        .map(|r| (make_ids[&key(&r.make)], r.model.as_str()))
        .collect();
    models.sort_by_key(|(make, m)| (*make, key(m)));
    models.dedup_by_key(|(make, m)| (*make, key(m)));
    for chunk in models.chunks(BATCH) {
        let mut q = QueryBuilder::<Db>::new("INSERT INTO vehicle_models (make_id, name) ");
        q.push_values(chunk, |mut b, (make, name)| {
            b.push_bind(*make).push_bind(*name);
        });
        q.push(" ON CONFLICT DO NOTHING");
        q.build().execute(&mut **tx).await?;
    }
    let model_ids: HashMap<(i64, String), i64> =
        crate::db_query!(r#"SELECT id AS "id!", make_id, name FROM vehicle_models"#)
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .map(|r| ((r.make_id, key(&r.name)), r.id))
            .collect();
    let model_of = |r: &DataRow| model_ids[&(make_ids[&key(&r.make)], key(&r.model))];

    // Model years.
    let mut years: Vec<(i64, i64)> = rows.iter().map(|r| (model_of(r), r.year)).collect();
    years.sort_unstable();
    years.dedup();
    for chunk in years.chunks(BATCH) {
        let mut q = QueryBuilder::<Db>::new("INSERT INTO vehicles (model_id, year) ");
        q.push_values(chunk, |mut b, (model, year)| {
            b.push_bind(*model).push_bind(*year);
        });
        q.push(" ON CONFLICT DO NOTHING");
        q.build().execute(&mut **tx).await?;
    }
    let vehicle_ids: HashMap<(i64, i64), i64> =
        crate::db_query!(r#"SELECT id AS "id!", model_id, year FROM vehicles"#)
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .map(|r| ((r.model_id, r.year), r.id))
            .collect();

    // Engines (a line with nothing known about the engine only makes the model year exist).
    let mut engines: Vec<(i64, i64, i64, &str)> = rows
        .iter()
        .filter(|r| r.liters_x10 > 0 || r.cylinders > 0 || !r.code.is_empty())
        .map(|r| {
            let vehicle = vehicle_ids[&(model_of(r), r.year)];
            (vehicle, r.liters_x10, r.cylinders, r.code.as_str())
        })
        .collect();
    engines.sort_unstable();
    engines.dedup();
    for chunk in engines.chunks(BATCH) {
        let mut q = QueryBuilder::<Db>::new(
            "INSERT INTO vehicle_engines (vehicle_id, liters_x10, cylinders, code) ",
        );
        q.push_values(chunk, |mut b, (vehicle, liters, cylinders, code)| {
            b.push_bind(*vehicle)
                .push_bind(*liters)
                .push_bind(*cylinders)
                .push_bind(*code);
        });
        q.push(" ON CONFLICT DO NOTHING");
        q.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// The model years the table knows, newest first.
pub async fn years(db: impl DbExecutor<'_>) -> sqlx::Result<Vec<i64>> {
    crate::db_query_scalar!(r#"SELECT DISTINCT year AS "year!" FROM vehicles ORDER BY year DESC"#)
        .fetch_all(db)
        .await
}

/// The makes with a model in `year`, by name.
pub async fn makes(db: impl DbExecutor<'_>, year: i64) -> sqlx::Result<Vec<Choice>> {
    crate::db_query_as!(
        Choice,
        r#"SELECT DISTINCT mk.id AS "id!", mk.name AS "name!"
           FROM vehicles v
           JOIN vehicle_models m ON m.id = v.model_id
           JOIN vehicle_makes mk ON mk.id = m.make_id
           WHERE v.year = $1
           ORDER BY mk.name"#,
        year
    )
    .fetch_all(db)
    .await
}

/// The models of `make` in `year`, by name; each choice's id is the model year's (a vehicle).
pub async fn models(db: impl DbExecutor<'_>, year: i64, make_id: i64) -> sqlx::Result<Vec<Choice>> {
    crate::db_query_as!(
        Choice,
        r#"SELECT v.id AS "id!", m.name AS "name!"
           FROM vehicle_models m
           JOIN vehicles v ON v.model_id = m.id AND v.year = $1
           WHERE m.make_id = $2
           ORDER BY m.name"#,
        year,
        make_id
    )
    .fetch_all(db)
    .await
}

/// The engines of one model year, smallest first.
pub async fn engines(db: impl DbExecutor<'_>, vehicle_id: i64) -> sqlx::Result<Vec<Engine>> {
    crate::db_query_as!(
        Engine,
        r#"SELECT id AS "id!", liters_x10, cylinders, code FROM vehicle_engines
           WHERE vehicle_id = $1
           ORDER BY liters_x10, cylinders, code"#,
        vehicle_id
    )
    .fetch_all(db)
    .await
}

/// The model year of the vehicle tables with these names (any case), if they have it.
pub async fn model_year_named(
    db: impl DbExecutor<'_>,
    year: i64,
    make: &str,
    model: &str,
) -> sqlx::Result<Option<i64>> {
    crate::db_query_scalar!(
        r#"SELECT v.id AS "id!" FROM vehicles v
           JOIN vehicle_models m ON m.id = v.model_id
           JOIN vehicle_makes k ON k.id = m.make_id
           WHERE v.year = $1 AND lower(k.name) = lower($2) AND lower(m.name) = lower($3)
           ORDER BY v.id LIMIT 1"#,
        year,
        make,
        model
    )
    .fetch_optional(db)
    .await
}

/// A model year with its names, and the engine `engine_id` if it is one of that year's.
pub async fn vehicle(
    db: impl DbExecutor<'_>,
    vehicle_id: i64,
    engine_id: Option<i64>,
) -> sqlx::Result<Option<Vehicle>> {
    Ok(vehicle_of_model(db, vehicle_id, engine_id)
        .await?
        .map(|(vehicle, _)| vehicle))
}

/// The row of [`vehicle_of_model`]: the model year, its names and model, then the engine's
/// columns (all `NULL` when there is no such engine of that year).
type VehicleRow = (
    i64,
    i64,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

/// [`vehicle`] with the id of its model (what fitment rows name), in one query: every page
/// asks for the active vehicle, and the catalogue and part pages for its model too.
pub async fn vehicle_of_model(
    db: impl DbExecutor<'_>,
    vehicle_id: i64,
    engine_id: Option<i64>,
) -> sqlx::Result<Option<(Vehicle, i64)>> {
    let row: Option<VehicleRow> = sqlx::query_as(
        "SELECT v.id, v.year, mk.name, m.name, v.model_id, \
                e.id, e.liters_x10, e.cylinders, e.code \
         FROM vehicles v \
         JOIN vehicle_models m ON m.id = v.model_id \
         JOIN vehicle_makes mk ON mk.id = m.make_id \
         LEFT JOIN vehicle_engines e ON e.id = $2 AND e.vehicle_id = v.id \
         WHERE v.id = $1",
    )
    .bind(vehicle_id)
    .bind(engine_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(
        |(id, year, make, model, model_id, engine, liters_x10, cylinders, code)| {
            let engine = engine.map(|id| Engine {
                id,
                liters_x10: liters_x10.unwrap_or(0),
                cylinders: cylinders.unwrap_or(0),
                code: code.unwrap_or_default(),
            });
            (
                Vehicle {
                    id,
                    year,
                    make,
                    model,
                    engine,
                    typed: false,
                },
                model_id,
            )
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_follow_rfc_4180() {
        assert_eq!(csv_fields("1,a,b").unwrap(), ["1", "a", "b"]);
        assert_eq!(
            csv_fields(r#"1987,YUGO,"102, GV",,,"#).unwrap(),
            ["1987", "YUGO", "102, GV", "", "", ""]
        );
        assert_eq!(
            csv_fields(r#""say ""hi""",x"#).unwrap(),
            [r#"say "hi""#, "x"]
        );
        assert!(csv_fields(r#""open,x"#).is_err());
    }

    #[test]
    fn the_shipped_data_file_reads_whole() {
        let rows = parse_data(VEHICLE_DATA).expect("the committed file parses");
        assert!(rows.len() > 100_000, "{} rows", rows.len());
        let civic: Vec<_> = rows
            .iter()
            .filter(|r| r.year == 2014 && r.make == "Honda" && r.model == "Civic")
            .collect();
        assert!(
            civic.iter().any(|r| r.liters_x10 == 18 && r.cylinders == 4),
            "{civic:?}"
        );
        assert!(rows.iter().all(|r| (1980..=2027).contains(&r.year)));
    }

    #[test]
    fn broken_data_is_refused_with_the_line() {
        use std::io::Write;
        let gz = |text: &str| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(text.as_bytes()).unwrap();
            e.finish().unwrap()
        };
        let head = "year,make,model,liters,cylinders,engine_code\n";
        let err = parse_data(&gz(&format!(
            "{head}2014,Honda,Civic,1.8,4,R18\nyear,x,y,,,\n"
        )))
        .unwrap_err();
        assert!(err.contains("line 3"), "{err}");
        assert!(parse_data(&gz("nope\n")).is_err());
        assert!(parse_data(b"not gzip").is_err());
    }
}

#[cfg(test)]
mod data_tests {
    use super::*;
    use std::io::Write;

    fn gz(text: &str) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(text.as_bytes()).unwrap();
        e.finish().unwrap()
    }

    const HEAD: &str = "year,make,model,liters,cylinders,engine_code\n";

    async fn count(pool: &DbPool, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(pool)
            .await
            .unwrap()
    }

    /// The shipped table loads whole, once: the picker then walks 2014 → Honda → Civic → its
    /// engines, and a second start finds it current.
    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn the_shipped_vehicle_table_loads_once(pool: DbPool) {
        assert!(load_vehicle_data(&pool).await.unwrap());
        let rows = parse_data(VEHICLE_DATA).unwrap();
        let model_years: std::collections::HashSet<_> = rows
            .iter()
            .map(|r| (r.year, key(&r.make), key(&r.model)))
            .collect();
        assert_eq!(count(&pool, "vehicles").await, model_years.len() as i64);
        assert!(count(&pool, "vehicle_makes").await > 300);

        let years = years(&pool).await.unwrap();
        assert_eq!((years[0], *years.last().unwrap()), (2027, 1980));
        let honda = makes(&pool, 2014)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.name == "Honda")
            .expect("Honda made cars in 2014");
        let civic = models(&pool, 2014, honda.id)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.name == "Civic")
            .expect("and the Civic");
        let engines = engines(&pool, civic.id).await.unwrap();
        let r18 = engines
            .iter()
            .find(|e| e.code == "R18Z1")
            .expect("the 1.8 L R18");
        assert_eq!((r18.liters_x10, r18.cylinders), (18, 4));
        let chosen = vehicle(&pool, civic.id, Some(r18.id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(chosen.label(), "2014 Honda Civic 1.8 L");
        // An engine of another model year is not this one's.
        let other = models(&pool, 2003, honda.id).await.unwrap()[0].id;
        let foreign = vehicle(&pool, other, Some(r18.id)).await.unwrap().unwrap();
        assert_eq!(foreign.engine, None);
        assert_eq!(vehicle(&pool, -1, None).await.unwrap(), None);

        let before = count(&pool, "vehicle_engines").await;
        assert!(!load_vehicle_data(&pool).await.unwrap(), "already current");
        assert_eq!(count(&pool, "vehicle_engines").await, before);
    }

    /// A newer file adds what is new and keeps every id the old one gave (fitment rows point
    /// at them); names match without case.
    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn a_newer_table_adds_without_moving_ids(pool: DbPool) {
        let old = gz(&format!(
            "{HEAD}2014,Honda,Civic,1.8,4,R18Z1\n2015,Honda,Civic,,,\n1987,YUGO,\"102, GV\",,,\n"
        ));
        assert!(load_data(&pool, &old).await.unwrap());
        let ids: Vec<(i64, i64)> = sqlx::query_as("SELECT id, year FROM vehicles ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
        let new = gz(&format!(
            "{HEAD}2014,HONDA,civic,1.8,4,R18Z1\n2014,Honda,Civic,2.4,4,K24Z7\n\
             2015,Honda,Civic,,,\n2016,Honda,Civic,1.5,4,\n1987,YUGO,\"102, GV\",,,\n"
        ));
        assert!(load_data(&pool, &new).await.unwrap());
        let after: Vec<(i64, i64)> = sqlx::query_as("SELECT id, year FROM vehicles ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(&after[..ids.len()], &ids[..]);
        assert_eq!(after.len(), ids.len() + 1);
        assert_eq!(count(&pool, "vehicle_makes").await, 2);
        assert_eq!(count(&pool, "vehicle_engines").await, 3);
        let yugo = makes(&pool, 1987).await.unwrap();
        assert_eq!(yugo[0].name, "YUGO");
        assert_eq!(
            models(&pool, 1987, yugo[0].id).await.unwrap()[0].name,
            "102, GV"
        );
        // A broken file changes nothing.
        assert!(load_data(&pool, b"junk").await.is_err());
        assert_eq!(count(&pool, "vehicles").await, after.len() as i64);
    }

    /// Servers starting together load the table once between them.
    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn servers_starting_together_load_it_once(pool: DbPool) {
        let file = gz(&format!("{HEAD}2014,Honda,Civic,1.8,4,R18Z1\n"));
        let (a, b) = tokio::join!(load_data(&pool, &file), load_data(&pool, &file));
        assert_eq!(
            [a.unwrap(), b.unwrap()]
                .iter()
                .filter(|loaded| **loaded)
                .count(),
            1
        );
        assert_eq!(count(&pool, "vehicle_engines").await, 1);
    }
}
