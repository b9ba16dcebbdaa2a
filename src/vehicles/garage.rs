//! My garage in the database (migrations: sqlite 0010, postgres 0007): the vehicles a
//! logged-in customer keeps, most recently used first.

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
    // Later than every other (two choices in one second keep their order).
    let last = crate::db_query_scalar!(
        r#"SELECT MAX(used_at) AS "last: i64" FROM garage WHERE user_id = $1"#,
        user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let now = last.map_or(now, |last| now.max(last + 1));
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

/// The garage's vehicles (model-year id, engine id), most recently used first.
pub async fn list(db: impl DbExecutor<'_>, user_id: i64) -> sqlx::Result<Vec<(i64, Option<i64>)>> {
    let rows = crate::db_query!(
        "SELECT vehicle_id, engine_id FROM garage WHERE user_id = $1 \
         ORDER BY used_at DESC, vehicle_id DESC",
        user_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.vehicle_id, r.engine_id))
        .collect())
}

/// Takes `vehicle_id` out of `user_id`'s garage; whether it was there.
pub async fn remove(db: impl DbExecutor<'_>, user_id: i64, vehicle_id: i64) -> sqlx::Result<bool> {
    let done = crate::db_query!(
        "DELETE FROM garage WHERE user_id = $1 AND vehicle_id = $2",
        user_id,
        vehicle_id
    )
    .execute(db)
    .await?;
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
        let kept: Vec<i64> = list(&pool, 1).await.unwrap().iter().map(|v| v.0).collect();
        assert_eq!(kept.len(), MAX_VEHICLES as usize);
        assert_eq!(kept[0], 2001);
        assert!(!kept.contains(&2000) && !kept.contains(&2002), "{kept:?}");
        assert!(remove(&pool, 1, 2011).await.unwrap());
        assert!(!remove(&pool, 1, 2011).await.unwrap());
        assert!(!remove(&pool, 2, 2001).await.unwrap());
    }
}
