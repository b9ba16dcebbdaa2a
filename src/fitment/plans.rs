//! EXPLAIN tests for the fitment queries outside the catalogue search (whose plans
//! `catalogue::search::plans` checks with and without a vehicle on SQLite): the sets of parts
//! that fit a vehicle, and a page's fitment rows for its answers.
//!
//! On SQLite, the plan SQLite picks. On PostgreSQL, whose planner picks by table statistics
//! (a small test table is read whole because that is cheaper), the plan with sequential scans
//! switched off: it proves an index answers the query's shape (a dropped index, or a condition
//! written so that no index serves it, would show a `Seq Scan`); the benchmark measures what
//! the planner picks at a million parts.

use crate::catalogue::search::fitset::set_query;
use crate::demo::generate;
use crate::fitment::{db::rows_of_parts_query, Target};
use crate::server::db::{Db, DbPool};
use sqlx::QueryBuilder;

#[cfg(not(feature = "postgres"))]
const EXPLAIN: &str = "EXPLAIN QUERY PLAN ";
#[cfg(feature = "postgres")]
const EXPLAIN: &str = "EXPLAIN ";

/// How a plan names a seek of a part by its id.
#[cfg(not(feature = "postgres"))]
const PART_BY_ID: &str = "USING INTEGER PRIMARY KEY";
#[cfg(feature = "postgres")]
const PART_BY_ID: &str = "parts_pkey";

/// How a plan names a seek of fitment rows by their parts (SQLite seeks in `fitments_newest`
/// after the model, PostgreSQL in either that or `fitments_by_part`).
#[cfg(not(feature = "postgres"))]
const FITMENTS_BY_PART: &str = "part_id=?";
#[cfg(feature = "postgres")]
const FITMENTS_BY_PART: &str = "part_id = ANY";

/// The plan of `q` (made with [`EXPLAIN`] in front), a line per step.
#[cfg(not(feature = "postgres"))]
async fn plan_of(pool: &DbPool, mut q: QueryBuilder<'_, Db>) -> Vec<String> {
    let rows: Vec<(i64, i64, i64, String)> = q.build_query_as().fetch_all(pool).await.unwrap();
    rows.into_iter().map(|r| r.3).collect()
}

#[cfg(feature = "postgres")]
async fn plan_of(pool: &DbPool, mut q: QueryBuilder<'_, Db>) -> Vec<String> {
    let mut conn = pool.acquire().await.unwrap();
    sqlx::query("SET enable_seqscan = off")
        .execute(&mut *conn)
        .await
        .unwrap();
    let plan: Vec<String> = q.build_query_scalar().fetch_all(&mut *conn).await.unwrap();
    sqlx::query("RESET enable_seqscan")
        .execute(&mut *conn)
        .await
        .unwrap();
    plan
}

/// Why a plan reads a whole table, or `None`.
fn reads_a_whole_table(plan: &[String]) -> Option<&String> {
    plan.iter().find(|step| {
        let step = step.trim_start_matches([' ', '-', '>']);
        step.starts_with("Seq Scan") || (step.starts_with("SCAN") && !step.contains("INDEX"))
    })
}

#[tokio::test]
async fn fitment_queries_seek_in_their_indexes() {
    let (dir, pool) = generate::test_catalogue("fit-plans", 3_000, 6, 2, 5).await;
    let (model_id, year): (i64, i64) =
        sqlx::query_as("SELECT model_id, year_from FROM fitments ORDER BY id LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    let parts: Vec<i64> = sqlx::query_scalar("SELECT id FROM parts ORDER BY id LIMIT 20")
        .fetch_all(&pool)
        .await
        .unwrap();
    let mut checked = 0;
    for liters_x10 in [None, Some(20)] {
        let target = Target {
            model_id,
            year,
            liters_x10,
        };
        for (what, query, index) in [
            (
                "the parts that fit a vehicle",
                set_query(EXPLAIN, true, &target, None),
                "fitments_newest",
            ),
            (
                "the universal parts",
                set_query(EXPLAIN, false, &target, None),
                "parts_universal",
            ),
            (
                "some parts among those that fit a vehicle",
                set_query(EXPLAIN, true, &target, Some(&parts)),
                FITMENTS_BY_PART,
            ),
            (
                "some parts among the universal ones",
                set_query(EXPLAIN, false, &target, Some(&parts)),
                PART_BY_ID,
            ),
            (
                "a page's fitment rows",
                rows_of_parts_query(EXPLAIN, &parts),
                "fitments_by_part",
            ),
        ] {
            let plan = plan_of(&pool, query).await;
            assert!(
                plan.iter().any(|step| step.contains(index)),
                "{what}: not through {index}: {plan:#?}"
            );
            assert_eq!(reads_a_whole_table(&plan), None, "{what}: {plan:#?}");
            checked += 1;
        }
    }
    assert_eq!(checked, 10);
    pool.close().await;
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn whole_table_reads_are_recognised() {
    let plan = |steps: &[&str]| steps.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(reads_a_whole_table(&plan(&["SCAN f"])).is_some());
    assert!(reads_a_whole_table(&plan(&["Hash Join", "  ->  Seq Scan on parts p"])).is_some());
    assert!(reads_a_whole_table(&plan(&[
        "SEARCH f USING COVERING INDEX fitments_newest (model_id=?)",
        "SCAN p USING COVERING INDEX parts_universal_maker"
    ]))
    .is_none());
    assert!(reads_a_whole_table(&plan(&[
        "Nested Loop",
        "  ->  Index Only Scan using fitments_newest on fitments f"
    ]))
    .is_none());
}
