//! Fitment in the database (migrations: sqlite 0008, postgres 0005): the `fitments` rows of a
//! listing and its `universal` mark, checked against the vehicle tables, and the answer for a
//! vehicle. Every change names the supplier, and changes only that supplier's listings.

use super::{
    input::{FieldError, NewFitment},
    Answer, Drive, FitmentRow, Position, Qualifiers, Target,
};
use crate::server::db::{DbExecutor, DbPool};
use crate::vehicles::Choice;

/// The most fitments one listing holds (a part that fits more is better marked universal, or
/// listed by model family).
pub const MAX_PER_PART: i64 = 1000;

/// One of the supplier's own parts (archived or not): its name and universal mark; `None` when
/// it does not exist or is someone else's.
pub async fn owned_part(
    db: impl DbExecutor<'_>,
    part_id: i64,
    supplier_id: i64,
) -> sqlx::Result<Option<(String, bool)>> {
    let row = crate::db_query!(
        "SELECT name, universal FROM parts WHERE id = $1 AND supplier_id = $2",
        part_id,
        supplier_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.name, r.universal != 0)))
}

/// Every make, by name.
pub async fn makes(db: impl DbExecutor<'_>) -> sqlx::Result<Vec<Choice>> {
    crate::db_query_as!(
        Choice,
        r#"SELECT id AS "id!", name FROM vehicle_makes ORDER BY name"#
    )
    .fetch_all(db)
    .await
}

/// The models of a make, by name (each id a model's).
pub async fn models_of(db: impl DbExecutor<'_>, make_id: i64) -> sqlx::Result<Vec<Choice>> {
    crate::db_query_as!(
        Choice,
        r#"SELECT id AS "id!", name FROM vehicle_models WHERE make_id = $1 ORDER BY name"#,
        make_id
    )
    .fetch_all(db)
    .await
}

/// A listing's fitments, by make, model and years.
pub async fn rows_of(db: impl DbExecutor<'_>, part_id: i64) -> sqlx::Result<Vec<FitmentRow>> {
    Ok(rows_of_parts(db, &[part_id])
        .await?
        .into_iter()
        .map(|(_, row)| row)
        .collect())
}

/// The row shape of [`rows_of_parts`]: the part's id, then the fitment's columns.
type PartFitmentRow = (
    i64,
    i64,
    i64,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    String,
    i64,
    String,
    String,
    String,
    String,
    String,
);

/// The fitments of these listings, each with its part's id, by part, make, model and years.
pub async fn rows_of_parts(
    db: impl DbExecutor<'_>,
    part_ids: &[i64],
) -> sqlx::Result<Vec<(i64, FitmentRow)>> {
    if part_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: Vec<PartFitmentRow> = crate::server::db::all_rows(
        db,
        "part_id, id, model_id, make, model, year_from, year_to, liters_x10, position, \
         quantity, body, drive, built_from, built_to, note",
        |prefix| rows_of_parts_query(prefix, part_ids),
    )
    .await?;
    // By part, make, model, years, then row.
    rows.sort_by(|a, b| (a.0, &a.3, &a.4, a.5, a.6, a.1).cmp(&(b.0, &b.3, &b.4, b.5, b.6, b.1)));
    Ok(rows
        .into_iter()
        .map(|r| {
            let row = FitmentRow {
                id: r.1,
                model_id: r.2,
                make: r.3,
                model: r.4,
                year_from: r.5,
                year_to: r.6,
                liters_x10: r.7,
                // The table's checks admit only the names these read.
                position: Position::parse(&r.8).unwrap_or(Position::Any),
                quantity: r.9,
                qualifiers: Qualifiers {
                    body: r.10,
                    drive: Drive::parse(&r.11).unwrap_or_default(),
                    built_from: r.12,
                    built_to: r.13,
                    note: r.14,
                },
            };
            (r.0, row)
        })
        .collect())
}

/// The query of [`rows_of_parts`], after `prefix` (a seek in `fitments_by_part` per part;
/// the rows are put in order after reading).
pub(crate) fn rows_of_parts_query<'a>(
    prefix: &str,
    part_ids: &[i64],
) -> sqlx::QueryBuilder<'a, crate::server::db::Db> {
    let mut q = sqlx::QueryBuilder::new(format!(
        "{prefix}SELECT f.part_id, f.id, f.model_id, mk.name AS make, m.name AS model, f.year_from, \
         f.year_to, f.liters_x10, f.position, f.quantity, f.body, f.drive, f.built_from, f.built_to, f.note \
         FROM fitments f \
         JOIN vehicle_models m ON m.id = f.model_id \
         JOIN vehicle_makes mk ON mk.id = m.make_id \
         WHERE f.part_id IN ("
    ));
    let mut list = q.separated(", ");
    for id in part_ids {
        list.push_bind(*id);
    }
    q.push(")");
    q
}

/// Whether the vehicle tables know `new`'s model in every one of its years, and its engine
/// size (when they know the model's engines in those years): `Err` names the field and says
/// what the data holds.
pub async fn check_vehicle_range(
    pool: &DbPool,
    new: &NewFitment,
) -> sqlx::Result<Result<(), FieldError>> {
    let Some(model) = crate::db_query!(
        r#"SELECT mk.name AS "make!", m.name AS "model!", MIN(v.year) AS "first!: i64",
                  MAX(v.year) AS "last!: i64", COUNT(v.id) AS "years!: i64"
           FROM vehicle_models m
           JOIN vehicle_makes mk ON mk.id = m.make_id
           JOIN vehicles v ON v.model_id = m.id
           WHERE m.id = $1
           GROUP BY mk.name, m.name"#,
        new.model_id
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(Err((
            "model",
            "We do not know this model. Choose the make and model from the lists.".into(),
        )));
    };
    let name = format!("{} {}", model.make, model.model);
    let built: Vec<i64> = crate::db_query_scalar!(
        "SELECT year FROM vehicles WHERE model_id = $1 AND year BETWEEN $2 AND $3 ORDER BY year",
        new.model_id,
        new.year_from,
        new.year_to
    )
    .fetch_all(pool)
    .await?;
    let span = new.year_to - new.year_from + 1;
    if built.len() as i64 != span {
        let missing: Vec<String> = (new.year_from..=new.year_to)
            .filter(|y| !built.contains(y))
            .take(5)
            .map(|y| y.to_string())
            .collect();
        let field = if built.is_empty() || new.year_from < model.first {
            "year_from"
        } else {
            "year_to"
        };
        let years = if model.first == model.last {
            model.first.to_string()
        } else {
            format!("{}–{}", model.first, model.last)
        };
        return Ok(Err((
            field,
            format!(
                "Our vehicle data has no {name} of {} ({} model years in all, {years}). Name only years it was built.",
                missing.join(", "),
                model.years
            ),
        )));
    }
    if let Some(liters_x10) = new.liters_x10 {
        let sizes: Vec<i64> = crate::db_query_scalar!(
            r#"SELECT DISTINCT e.liters_x10 AS "liters_x10!"
               FROM vehicles v JOIN vehicle_engines e ON e.vehicle_id = v.id
               WHERE v.model_id = $1 AND v.year BETWEEN $2 AND $3 AND e.liters_x10 > 0
               ORDER BY e.liters_x10"#,
            new.model_id,
            new.year_from,
            new.year_to
        )
        .fetch_all(pool)
        .await?;
        if !sizes.is_empty() && !sizes.contains(&liters_x10) {
            let known: Vec<String> = sizes.iter().map(|l| super::liters(*l)).collect();
            return Ok(Err((
                "liters",
                format!(
                    "No {name} of these years has a {} engine; the known sizes are {}.",
                    super::liters(liters_x10),
                    known.join(", ")
                ),
            )));
        }
    }
    Ok(Ok(()))
}

/// What [`add`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Added {
    Id(i64),
    /// The listing holds [`MAX_PER_PART`] fitments already.
    Full,
    /// The part is not the supplier's.
    NotYours,
}

/// Adds a fitment (already checked: [`NewFitment`], [`check_vehicle_range`]) to the
/// supplier's own part.
pub async fn add(
    pool: &DbPool,
    part_id: i64,
    supplier_id: i64,
    new: &NewFitment,
) -> sqlx::Result<Added> {
    add_many(pool, part_id, supplier_id, std::slice::from_ref(new)).await
}

/// Adds fitments (each already checked) to the supplier's own part, all or none (in one
/// transaction): [`Added::Id`] holds the first new row's id.
pub async fn add_many(
    pool: &DbPool,
    part_id: i64,
    supplier_id: i64,
    rows: &[NewFitment],
) -> sqlx::Result<Added> {
    // The write lock first (SQLite), so the count cannot change before the rows go in.
    let mut tx = crate::server::db::begin_write(pool, Some(supplier_id)).await?;
    let count = crate::db_query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM fitments WHERE part_id = $1"#,
        part_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if count + rows.len() as i64 > MAX_PER_PART {
        tx.rollback().await?;
        return Ok(Added::Full);
    }
    let mut first = None;
    for new in rows {
        let q = &new.qualifiers;
        let (position, drive) = (new.position.as_str(), q.drive.as_str());
        let id = crate::db_query_scalar!(
            r#"INSERT INTO fitments (part_id, model_id, year_from, year_to, liters_x10, position,
                                    quantity, body, drive, built_from, built_to, note)
               SELECT id, CAST($3 AS BIGINT), CAST($4 AS BIGINT), CAST($5 AS BIGINT),
                      CAST($6 AS BIGINT), CAST($7 AS TEXT), CAST($8 AS BIGINT), CAST($9 AS TEXT),
                      CAST($10 AS TEXT), CAST($11 AS TEXT), CAST($12 AS TEXT), CAST($13 AS TEXT)
               FROM parts WHERE id = $1 AND supplier_id = $2
               RETURNING id AS "id!""#,
            part_id,
            supplier_id,
            new.model_id,
            new.year_from,
            new.year_to,
            new.liters_x10,
            position,
            new.quantity,
            q.body,
            drive,
            q.built_from,
            q.built_to,
            q.note
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            tx.rollback().await?;
            return Ok(Added::NotYours);
        };
        first.get_or_insert(id);
    }
    tx.commit().await?;
    Ok(first.map_or(Added::NotYours, Added::Id))
}

/// The model of the vehicle tables with these names (any case), if they have one.
pub async fn model_named(
    db: impl DbExecutor<'_>,
    make: &str,
    model: &str,
) -> sqlx::Result<Option<i64>> {
    crate::db_query_scalar!(
        r#"SELECT m.id AS "id!" FROM vehicle_models m JOIN vehicle_makes k ON k.id = m.make_id
           WHERE lower(k.name) = lower($1) AND lower(m.name) = lower($2)
           ORDER BY m.id LIMIT 1"#,
        make,
        model
    )
    .fetch_optional(db)
    .await
}

/// Removes fitment `id` of the supplier's own part `part_id`. Whether it did.
pub async fn remove(
    db: impl DbExecutor<'_>,
    part_id: i64,
    id: i64,
    supplier_id: i64,
) -> sqlx::Result<bool> {
    let done = crate::db_query!(
        "DELETE FROM fitments WHERE id = $1 AND part_id = $2 \
         AND part_id IN (SELECT id FROM parts WHERE supplier_id = $3)",
        id,
        part_id,
        supplier_id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks the supplier's own part universal or not. Whether it was theirs.
pub async fn set_universal(
    db: impl DbExecutor<'_>,
    part_id: i64,
    supplier_id: i64,
    universal: bool,
) -> sqlx::Result<bool> {
    let universal = i64::from(universal);
    let done = crate::db_query!(
        "UPDATE parts SET universal = $1, updated_at = unixepoch() \
         WHERE id = $2 AND supplier_id = $3",
        universal,
        part_id,
        supplier_id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether listed part `part_id` fits `target`, and why; `None` when the part is not listed.
pub async fn answer(pool: &DbPool, part_id: i64, target: &Target) -> sqlx::Result<Option<Answer>> {
    Ok(answers(&mut *pool.acquire().await?, &[part_id], target)
        .await?
        .pop()
        .map(|(_, a)| a))
}

/// The answers for `target` of those of `part_ids` that are listed (in no particular order):
/// two queries however many parts (a catalogue page's cards), on one connection.
pub async fn answers(
    db: &mut crate::server::db::DbConnection,
    part_ids: &[i64],
    target: &Target,
) -> sqlx::Result<Vec<(i64, Answer)>> {
    let (listed, mut fitments) = fitment_of(db, part_ids).await?;
    Ok(listed
        .into_iter()
        .map(|(id, universal)| {
            let rows = fitments.remove(&id).unwrap_or_default();
            (id, super::check(universal, &rows, target))
        })
        .collect())
}

/// What the answers of those of `part_ids` that are listed are made from: each listed part's
/// universal mark, and the fitment rows of each part that has any. Two queries.
pub(super) async fn fitment_of(
    db: &mut crate::server::db::DbConnection,
    part_ids: &[i64],
) -> sqlx::Result<(
    std::collections::HashMap<i64, bool>,
    std::collections::HashMap<i64, Vec<super::Fitment>>,
)> {
    let mut fitments: std::collections::HashMap<i64, Vec<super::Fitment>> =
        std::collections::HashMap::new();
    if part_ids.is_empty() {
        return Ok((Default::default(), fitments));
    }
    let listed: Vec<(i64, i64)> =
        crate::server::db::all_rows(&mut *db, "id, universal", |prefix| {
            let mut q = sqlx::QueryBuilder::new(format!(
                "{prefix}SELECT id, universal FROM parts WHERE archived = 0 AND id IN ("
            ));
            let mut list = q.separated(", ");
            for id in part_ids {
                list.push_bind(*id);
            }
            q.push(")");
            q
        })
        .await?;
    for (part, row) in rows_of_parts(&mut *db, part_ids).await? {
        fitments.entry(part).or_default().push(row.fitment());
    }
    let listed = listed
        .into_iter()
        .map(|(id, universal)| (id, universal != 0))
        .collect();
    Ok((listed, fitments))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fitment::input::FitmentInput;
    use crate::parts::db::{
        fixtures::{part, supplier},
        insert_part,
    };
    use crate::vehicles::Vehicle;

    /// Honda Civic 2012–2016 (1.8 L and 2.4 L engines known from 2012 to 2015, none in 2016)
    /// and Accord 2014; returns (civic model id, accord model id, 2014 Civic vehicle id).
    async fn hondas(pool: &DbPool) -> (i64, i64, i64) {
        for sql in [
            "INSERT INTO vehicle_makes (id, name) VALUES (1, 'Honda')",
            "INSERT INTO vehicle_models (id, make_id, name) VALUES (10, 1, 'Civic'), (11, 1, 'Accord')",
            "INSERT INTO vehicles (id, model_id, year) VALUES \
             (100, 10, 2012), (101, 10, 2013), (102, 10, 2014), (103, 10, 2015), (104, 10, 2016), \
             (110, 11, 2014)",
            "INSERT INTO vehicle_engines (id, vehicle_id, liters_x10, cylinders, code) VALUES \
             (1000, 100, 18, 4, 'R18'), (1001, 101, 18, 4, 'R18'), (1002, 102, 18, 4, 'R18'), \
             (1003, 102, 24, 4, 'K24'), (1004, 103, 18, 4, 'R18')",
        ] {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
        (10, 11, 102)
    }

    fn input(model: i64, from: &str, to: &str, liters: &str) -> NewFitment {
        FitmentInput {
            model: model.to_string(),
            year_from: from.into(),
            year_to: to.into(),
            liters: liters.into(),
            position: "front".into(),
            quantity: "2".into(),
            ..FitmentInput::default()
        }
        .parse()
        .unwrap()
    }

    async fn civic_2014(pool: &DbPool, engine: Option<i64>) -> Vehicle {
        crate::vehicles::db::vehicle(pool, 102, engine)
            .await
            .unwrap()
            .unwrap()
    }

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn ranges_are_checked_against_the_vehicle_data(pool: DbPool) {
        let (civic, _, _) = hondas(&pool).await;
        let check = |new: NewFitment| {
            let pool = pool.clone();
            async move { check_vehicle_range(&pool, &new).await.unwrap() }
        };
        assert_eq!(check(input(civic, "2012", "2016", "")).await, Ok(()));
        assert_eq!(check(input(civic, "2013", "2014", "2.4")).await, Ok(()));
        // 2016 has no engine data, so any size is taken there.
        assert_eq!(check(input(civic, "2016", "", "3.5")).await, Ok(()));
        let (field, message) = check(input(civic, "2010", "2013", "")).await.unwrap_err();
        assert_eq!(field, "year_from");
        assert!(
            message.contains("no Honda Civic of 2010, 2011"),
            "{message}"
        );
        assert!(message.contains("2012–2016"), "{message}");
        assert_eq!(
            check(input(civic, "2015", "2018", "")).await.unwrap_err().0,
            "year_to"
        );
        let (field, message) = check(input(civic, "2012", "2015", "5.0"))
            .await
            .unwrap_err();
        assert_eq!(field, "liters");
        assert!(message.contains("1.8 L, 2.4 L"), "{message}");
        assert_eq!(
            check(input(999, "2014", "", "")).await.unwrap_err().0,
            "model"
        );
    }

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn only_the_owner_changes_a_listings_fitment(pool: DbPool) {
        let (civic, _, _) = hondas(&pool).await;
        let acme = supplier(&pool, "acme").await;
        let other = supplier(&pool, "other").await;
        let id = insert_part(&pool, &part(acme, "Brake pads", 3))
            .await
            .unwrap();
        let new = input(civic, "2012", "2015", "1.8");
        assert_eq!(add(&pool, id, other, &new).await.unwrap(), Added::NotYours);
        let Added::Id(row) = add(&pool, id, acme, &new).await.unwrap() else {
            panic!("not added");
        };
        assert!(!remove(&pool, id, row, other).await.unwrap());
        assert!(!set_universal(&pool, id, other, true).await.unwrap());
        assert_eq!(owned_part(&pool, id, other).await.unwrap(), None);
        let rows = rows_of(&pool, id).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].years(), "2012–2015");
        assert_eq!(
            (rows[0].make.as_str(), rows[0].model.as_str()),
            ("Honda", "Civic")
        );
        assert_eq!(rows[0].liters_x10, Some(18));
        assert!(set_universal(&pool, id, acme, true).await.unwrap());
        assert_eq!(
            owned_part(&pool, id, acme).await.unwrap(),
            Some(("Brake pads".to_string(), true))
        );
        assert!(remove(&pool, id, row, acme).await.unwrap());
        assert!(rows_of(&pool, id).await.unwrap().is_empty());
    }

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn the_answer_for_a_vehicle_comes_with_its_reason(pool: DbPool) {
        let (civic, accord, _) = hondas(&pool).await;
        let acme = supplier(&pool, "acme").await;
        let pads = insert_part(&pool, &part(acme, "Pads", 3)).await.unwrap();
        let disc = insert_part(&pool, &part(acme, "Disc", 3)).await.unwrap();
        let fluid = insert_part(&pool, &part(acme, "Fluid", 3)).await.unwrap();
        let bare = insert_part(&pool, &part(acme, "Bare", 3)).await.unwrap();
        for (part_id, new) in [
            (pads, input(civic, "2012", "2015", "1.8")),
            (pads, input(civic, "2014", "", "2.4")),
            (disc, input(accord, "2014", "", "")),
        ] {
            assert!(matches!(
                add(&pool, part_id, acme, &new).await.unwrap(),
                Added::Id(_)
            ));
        }
        set_universal(&pool, fluid, acme, true).await.unwrap();
        let unsure = civic_2014(&pool, None).await;
        let with_18 = civic_2014(&pool, Some(1002)).await;
        // The target of a vehicle is its model (read with it) and the chosen engine's size.
        let (_, civic_model) = crate::vehicles::db::vehicle_of_model(&pool, 102, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(civic_model, civic);
        let answer = |p: i64, v: Vehicle| {
            let pool = pool.clone();
            async move {
                let target = Target::of(&v, civic);
                answer(&pool, p, &target).await.unwrap().unwrap()
            }
        };
        assert_eq!(
            answer(pads, unsure.clone()).await,
            Answer::NeedsEngine {
                sizes: vec![18, 24]
            }
        );
        assert_eq!(
            answer(pads, with_18.clone())
                .await
                .sentence(&with_18.label()),
            "Fits your 2014 Honda Civic 1.8 L (front axle, 1.8 L, 2 per vehicle)."
        );
        assert_eq!(
            answer(disc, with_18.clone())
                .await
                .sentence(&with_18.label()),
            "Does not fit your 2014 Honda Civic 1.8 L: made for 2014 Honda Accord."
        );
        assert_eq!(answer(fluid, unsure.clone()).await, Answer::Universal);
        assert_eq!(answer(bare, unsure.clone()).await, Answer::NoData);
        // An archived part has no answer.
        sqlx::query("UPDATE parts SET archived = 1 WHERE id = $1")
            .bind(pads)
            .execute(&pool)
            .await
            .unwrap();
        let target = Target::of(&unsure, civic);
        assert_eq!(super::answer(&pool, pads, &target).await.unwrap(), None);
    }

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn a_listing_holds_a_bounded_number_of_fitments(pool: DbPool) {
        let (civic, _, _) = hondas(&pool).await;
        let acme = supplier(&pool, "acme").await;
        let id = insert_part(&pool, &part(acme, "Pads", 3)).await.unwrap();
        sqlx::query(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {MAX_PER_PART}) \
             INSERT INTO fitments (part_id, model_id, year_from, year_to, position, quantity, \
             body, drive, built_from, built_to, note) \
             SELECT {id}, {civic}, 2014, 2014, 'any', 1, '', '', '', '', '' FROM n"
        ))
        .execute(&pool)
        .await
        .unwrap();
        assert_eq!(
            add(&pool, id, acme, &input(civic, "2012", "", ""))
                .await
                .unwrap(),
            Added::Full
        );
    }
}
