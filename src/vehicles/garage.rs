//! My garage in the database (migrations: sqlite 0010 and 0018, postgres 0007 and 0015): the
//! vehicles a logged-in customer keeps, most recently used first: model years of the vehicle
//! list (`garage`) and typed-in vehicles (`garage_typed`), at most [`MAX_VEHICLES`] of each.

use super::{TypedVehicle, VehicleCookie};
use crate::server::db::DbExecutor;

/// The most vehicles one garage keeps; choosing another lets the longest unused one go.
pub const MAX_VEHICLES: i64 = 10;

/// Keeps `vehicle_id` (with `engine_id`, or none) in `user_id`'s garage as the one used last,
/// letting the longest unused go beyond [`MAX_VEHICLES`]. The caller checks that the vehicle
/// and engine exist.
pub async fn keep(
    tx: &mut crate::server::db::DbConnection,
    user_id: i64,
    vehicle_id: i64,
    engine_id: Option<i64>,
    now: i64,
) -> sqlx::Result<()> {
    let now = later_than_all(tx, user_id, now).await?;
    crate::db_query!(
        "INSERT INTO garage (user_id, vehicle_id, engine_id, used_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, vehicle_id) DO UPDATE SET engine_id = excluded.engine_id, \
         used_at = excluded.used_at",
        user_id,
        vehicle_id,
        engine_id,
        now
    )
    .execute(&mut *tx)
    .await?;
    crate::db_query!(
        "DELETE FROM garage WHERE user_id = $1 AND vehicle_id NOT IN \
         (SELECT vehicle_id FROM garage WHERE user_id = $1 \
          ORDER BY used_at DESC, vehicle_id DESC LIMIT $2)",
        user_id,
        MAX_VEHICLES
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// `now`, or later than every vehicle of the garage was used (two choices in one second keep
/// their order).
async fn later_than_all(
    tx: &mut crate::server::db::DbConnection,
    user_id: i64,
    now: i64,
) -> sqlx::Result<i64> {
    let last: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(used_at) FROM (SELECT used_at FROM garage WHERE user_id = $1 \
         UNION ALL SELECT used_at FROM garage_typed WHERE user_id = $1) AS used",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    Ok(last.map_or(now, |last| now.max(last + 1)))
}

/// Keeps a typed-in vehicle in `user_id`'s garage as the one used last, letting the longest
/// unused typed-in one go beyond [`MAX_VEHICLES`].
pub async fn keep_typed(
    tx: &mut crate::server::db::DbConnection,
    user_id: i64,
    typed: &TypedVehicle,
    now: i64,
) -> sqlx::Result<()> {
    let now = later_than_all(tx, user_id, now).await?;
    sqlx::query(
        "INSERT INTO garage_typed (user_id, year, make, model, used_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (user_id, year, make, model) DO UPDATE SET used_at = excluded.used_at",
    )
    .bind(user_id)
    .bind(typed.year)
    .bind(&typed.make)
    .bind(&typed.model)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM garage_typed WHERE user_id = $1 AND used_at < \
         (SELECT MIN(used_at) FROM (SELECT used_at FROM garage_typed WHERE user_id = $1 \
          ORDER BY used_at DESC LIMIT $2) AS kept)",
    )
    .bind(user_id)
    .bind(MAX_VEHICLES)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The garage's vehicles, listed and typed in, most recently used first.
pub async fn list(
    db: &mut crate::server::db::DbConnection,
    user_id: i64,
) -> sqlx::Result<Vec<VehicleCookie>> {
    let listed: Vec<(i64, Option<i64>, i64)> =
        sqlx::query_as("SELECT vehicle_id, engine_id, used_at FROM garage WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&mut *db)
            .await?;
    let typed: Vec<(i64, String, String, i64)> =
        sqlx::query_as("SELECT year, make, model, used_at FROM garage_typed WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&mut *db)
            .await?;
    let mut all: Vec<(i64, VehicleCookie)> = listed
        .into_iter()
        .map(|(vehicle, engine, used_at)| (used_at, VehicleCookie::Listed(vehicle, engine)))
        .chain(typed.into_iter().map(|(year, make, model, used_at)| {
            (
                used_at,
                VehicleCookie::Typed(TypedVehicle { year, make, model }),
            )
        }))
        .collect();
    all.sort_by_key(|(used_at, _)| std::cmp::Reverse(*used_at));
    Ok(all.into_iter().map(|(_, vehicle)| vehicle).collect())
}

/// Takes a vehicle out of `user_id`'s garage; whether it was there.
pub async fn remove(
    db: impl DbExecutor<'_>,
    user_id: i64,
    vehicle: &VehicleCookie,
) -> sqlx::Result<bool> {
    let done = match vehicle {
        VehicleCookie::Listed(vehicle_id, _) => {
            crate::db_query!(
                "DELETE FROM garage WHERE user_id = $1 AND vehicle_id = $2",
                user_id,
                vehicle_id
            )
            .execute(db)
            .await?
        }
        VehicleCookie::Typed(typed) => {
            sqlx::query(
                "DELETE FROM garage_typed \
                 WHERE user_id = $1 AND year = $2 AND make = $3 AND model = $4",
            )
            .bind(user_id)
            .bind(typed.year)
            .bind(&typed.make)
            .bind(&typed.model)
            .execute(db)
            .await?
        }
    };
    Ok(done.rows_affected() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::db::DbPool;

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn a_garage_keeps_the_ten_used_last(pool: DbPool) {
        sqlx::query(
            "INSERT INTO users (id, username, email, password_hash, role, created_at) \
             VALUES (1, 'ann', 'ann@example.com', 'x', 'customer', 0)",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query("INSERT INTO vehicle_makes (id, name) VALUES (1, 'Honda')")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO vehicle_models (id, make_id, name) VALUES (10, 1, 'Civic')")
            .execute(&pool)
            .await
            .unwrap();
        for year in 2000i64..2012 {
            sqlx::query("INSERT INTO vehicles (id, model_id, year) VALUES ($1, 10, $1)")
                .bind(year)
                .execute(&pool)
                .await
                .unwrap();
        }
        let mut conn = pool.acquire().await.unwrap();
        for (n, year) in (2000..2012).enumerate() {
            keep(&mut conn, 1, year, None, n as i64).await.unwrap();
        }
        // Used again: first, and kept.
        keep(&mut conn, 1, 2001, None, 100).await.unwrap();
        let listed = |all: Vec<VehicleCookie>| -> Vec<i64> {
            all.iter()
                .filter_map(|v| match v {
                    VehicleCookie::Listed(id, _) => Some(*id),
                    VehicleCookie::Typed(_) => None,
                })
                .collect()
        };
        let kept = listed(list(&mut conn, 1).await.unwrap());
        assert_eq!(kept.len(), MAX_VEHICLES as usize);
        assert_eq!(kept[0], 2001);
        assert!(!kept.contains(&2000) && !kept.contains(&2002), "{kept:?}");
        assert!(remove(&pool, 1, &VehicleCookie::Listed(2011, None))
            .await
            .unwrap());
        assert!(!remove(&pool, 1, &VehicleCookie::Listed(2011, None))
            .await
            .unwrap());
        assert!(!remove(&pool, 2, &VehicleCookie::Listed(2001, None))
            .await
            .unwrap());

        // Typed-in vehicles: in the same order of use, at most ten of them besides.
        let typed =
            |n: i64| TypedVehicle::new("2009", "Škoda", &format!("Octavia {n}"), 2027).unwrap();
        for n in 0..12 {
            keep_typed(&mut conn, 1, &typed(n), 0).await.unwrap();
        }
        keep(&mut conn, 1, 2003, None, 0).await.unwrap();
        keep_typed(&mut conn, 1, &typed(5), 0).await.unwrap();
        let all = list(&mut conn, 1).await.unwrap();
        assert_eq!(all[0], VehicleCookie::Typed(typed(5)));
        assert_eq!(all[1], VehicleCookie::Listed(2003, None));
        assert_eq!(all[2], VehicleCookie::Typed(typed(11)));
        let typed_kept = all
            .iter()
            .filter(|v| matches!(v, VehicleCookie::Typed(_)))
            .count();
        assert_eq!(typed_kept, MAX_VEHICLES as usize);
        assert!(!all.contains(&VehicleCookie::Typed(typed(0))));
        assert!(!all.contains(&VehicleCookie::Typed(typed(1))));
        assert!(remove(&pool, 1, &VehicleCookie::Typed(typed(5)))
            .await
            .unwrap());
        assert!(!remove(&pool, 1, &VehicleCookie::Typed(typed(5)))
            .await
            .unwrap());
        assert!(!remove(&pool, 2, &VehicleCookie::Typed(typed(6)))
            .await
            .unwrap());
    }
}
