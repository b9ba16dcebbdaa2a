//! The unmet searches in the database (migrations: sqlite 0012, postgres 0009).

use super::{DemandReport, DemandRow, MAX_ROWS, SHOWN_DAYS};
use crate::server::db::{DbExecutor, DbPool};
use std::time::Duration;
use tokio::task::JoinHandle;

/// How long a search is kept after it was last made.
pub const KEPT_DAYS: i64 = 365;

/// Counts one search for `words` (already normalized, see [`super::normalize_words`]) that
/// found nothing for the vehicle (model year) `vehicle_id`. One statement: concurrent
/// searches each count.
pub async fn record(
    db: impl DbExecutor<'_>,
    vehicle_id: i64,
    words: &str,
    now: i64,
) -> sqlx::Result<()> {
    crate::db_query!(
        "INSERT INTO unmet_searches (vehicle_id, words, searches, first_at, last_at) \
         VALUES ($1, $2, 1, $3, $3) \
         ON CONFLICT (vehicle_id, words) DO UPDATE SET \
         searches = unmet_searches.searches + 1, last_at = excluded.last_at",
        vehicle_id,
        words,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The most searched unmet searches of the last [`SHOWN_DAYS`] days (at most [`MAX_ROWS`]),
/// of vehicles of `make` (a name from the makes list) or of all, and the makes there are
/// such searches for. A make that is not in that list narrows nothing.
pub async fn report(pool: &DbPool, make: Option<&str>, now: i64) -> sqlx::Result<DemandReport> {
    let since = now - SHOWN_DAYS * 86_400;
    let makes = crate::db_query_scalar!(
        r#"SELECT DISTINCT mk.name AS "name!"
           FROM unmet_searches u
           JOIN vehicles v ON v.id = u.vehicle_id
           JOIN vehicle_models m ON m.id = v.model_id
           JOIN vehicle_makes mk ON mk.id = m.make_id
           WHERE u.last_at >= $1
           ORDER BY mk.name"#,
        since
    )
    .fetch_all(pool)
    .await?;
    let make = make.and_then(|wanted| {
        makes
            .iter()
            .find(|name| name.eq_ignore_ascii_case(wanted.trim()))
            .cloned()
    });
    let rows = crate::db_query!(
        r#"SELECT v.year, mk.name AS make, m.name AS model, u.words, u.searches,
                  u.first_at, u.last_at
           FROM unmet_searches u
           JOIN vehicles v ON v.id = u.vehicle_id
           JOIN vehicle_models m ON m.id = v.model_id
           JOIN vehicle_makes mk ON mk.id = m.make_id
           WHERE u.last_at >= $1 AND mk.name = COALESCE($2, mk.name)
           ORDER BY u.searches DESC, u.last_at DESC, u.vehicle_id, u.words
           LIMIT $3"#,
        since,
        make,
        MAX_ROWS
    )
    .fetch_all(pool)
    .await?;
    Ok(DemandReport {
        rows: rows
            .into_iter()
            .map(|r| DemandRow {
                vehicle: format!("{} {} {}", r.year, r.make, r.model),
                words: r.words,
                searches: r.searches,
                first_at: r.first_at,
                last_at: r.last_at,
            })
            .collect(),
        makes,
        make,
    })
}

/// Deletes the searches last made before `before`; returns how many.
pub async fn purge(db: impl DbExecutor<'_>, before: i64) -> sqlx::Result<u64> {
    let done = crate::db_query!("DELETE FROM unmet_searches WHERE last_at < $1", before)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// Deletes searches unmade for [`KEPT_DAYS`] days, at start and every `every`. Safe with
/// several servers on one database (each delete is one statement).
pub fn spawn_purge(pool: DbPool, every: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut runs = tokio::time::interval(every.max(Duration::from_millis(1)));
        runs.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            runs.tick().await;
            let before = crate::time::unix_now() - KEPT_DAYS * 86_400;
            match purge(&pool, before).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "deleted year-old unmet searches"),
                Err(e) => tracing::error!(error = %e, "deleting old unmet searches failed"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::db::MIGRATOR;

    async fn vehicle(pool: &DbPool, make: &str, model: &str, year: i64) -> i64 {
        let make_id: i64 = sqlx::query_scalar(
            "INSERT INTO vehicle_makes (name) VALUES ($1) \
             ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
        )
        .bind(make)
        .fetch_one(pool)
        .await
        .unwrap();
        let model_id: i64 = sqlx::query_scalar(
            "INSERT INTO vehicle_models (make_id, name) VALUES ($1, $2) RETURNING id",
        )
        .bind(make_id)
        .bind(model)
        .fetch_one(pool)
        .await
        .unwrap();
        sqlx::query_scalar("INSERT INTO vehicles (model_id, year) VALUES ($1, $2) RETURNING id")
            .bind(model_id)
            .bind(year)
            .fetch_one(pool)
            .await
            .unwrap()
    }

    /// Searches are counted per vehicle and text, the most searched first; a make narrows
    /// (spelled in any case), an unknown make gives nothing; old searches are not shown, and
    /// the purge deletes only year-old ones.
    #[sqlx::test(migrator = "MIGRATOR")]
    async fn unmet_searches_are_counted_and_reported_most_searched_first(pool: DbPool) {
        let civic = vehicle(&pool, "Honda", "Civic", 2014).await;
        let golf = vehicle(&pool, "Volkswagen", "Golf", 2009).await;
        let now = 2_000_000_000;
        for _ in 0..3 {
            record(&pool, civic, "tow hitch", now - 50).await.unwrap();
        }
        record(&pool, golf, "tow hitch", now - 10).await.unwrap();
        record(&pool, golf, "dpf sensor", now - 5).await.unwrap();
        record(&pool, golf, "dpf sensor", now).await.unwrap();
        // Long ago: kept a while, but not shown.
        record(&pool, civic, "cassette deck", now - 200 * 86_400)
            .await
            .unwrap();

        let all = report(&pool, None, now).await.unwrap();
        let seen: Vec<(&str, &str, i64)> = all
            .rows
            .iter()
            .map(|r| (r.vehicle.as_str(), r.words.as_str(), r.searches))
            .collect();
        assert_eq!(
            seen,
            [
                ("2014 Honda Civic", "tow hitch", 3),
                ("2009 Volkswagen Golf", "dpf sensor", 2),
                ("2009 Volkswagen Golf", "tow hitch", 1),
            ]
        );
        assert_eq!(all.rows[0].first_at, now - 50);
        assert_eq!(all.rows[1].first_at, now - 5);
        assert_eq!(all.rows[1].last_at, now);
        assert_eq!(all.makes, ["Honda", "Volkswagen"]);
        assert_eq!(all.make, None);

        let vw = report(&pool, Some(" volkswagen"), now).await.unwrap();
        assert_eq!(vw.make.as_deref(), Some("Volkswagen"));
        assert_eq!(vw.rows.len(), 2);
        assert!(vw.rows.iter().all(|r| r.vehicle.contains("Golf")));
        // A make without demand narrows nothing (the page's make list says "All makes").
        let none = report(&pool, Some("Toyota"), now).await.unwrap();
        assert_eq!(none.make, None);
        assert_eq!(none.rows.len(), 3, "an unknown make shows all, unnarrowed");

        assert_eq!(purge(&pool, now - KEPT_DAYS * 86_400).await.unwrap(), 0);
        assert_eq!(purge(&pool, now - 100 * 86_400).await.unwrap(), 1);
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM unmet_searches")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(left, 3);
    }
}
