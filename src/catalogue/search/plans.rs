//! Proof that no catalogue query reads every row: every filter, sort and search shape is run
//! against a generated catalogue big enough for SQLite's planner to show a scan, and the plan
//! of every query it runs is checked.

use super::*;
use crate::demo::generate;
use sqlx::SqlitePool;

/// A generated catalogue of `parts` parts in a fresh folder (removed by the caller).
async fn generated(name: &str, parts: u64, seed: u64) -> (std::path::PathBuf, SqlitePool) {
    generate::test_catalogue(name, parts, parts / 500, 10, seed).await
}

/// Why a plan reads every part (or every match of a word), or `None` when it does not.
fn reads_everything(plan: &QueryPlan) -> Option<String> {
    let sorts_after = plan
        .steps
        .iter()
        .any(|s| s.contains("USE TEMP B-TREE FOR ORDER BY"));
    for step in &plan.steps {
        let bad = if step.starts_with("SCAN") {
            if step.contains("catalogue_makers") {
                // One row per maker, not per part: reading it all is the point.
                false
            } else if step.starts_with("SCAN (subquery") {
                // The rows of a subquery, which is checked on its own lines.
                false
            } else if step.contains("json_each") {
                // A list of ids the query was given.
                false
            } else if step.contains("VIRTUAL TABLE") {
                // The word index: fine when it looks up a MATCH (idxStr names it "M").
                !step.rsplit(':').next().is_some_and(|idx| idx.contains('M'))
            } else if step.contains("USING INDEX") || step.contains("USING COVERING INDEX") {
                // A walk in the index's order stops at the page's end; followed by a sort,
                // it would read every row first.
                sorts_after
            } else {
                true
            }
        } else {
            // A search by the listed flag alone is a search through every listed part.
            step.starts_with("SEARCH") && step.ends_with("(archived=?)")
        };
        if bad {
            return Some(format!("{step}  in  {}", plan.sql));
        }
    }
    None
}

#[tokio::test]
async fn no_catalogue_query_reads_every_row() {
    let (dir, pool) = generated("plans", 20_000, 11).await;

    let words = [
        "",
        "q=brake",
        "q=brake+disc",
        "q=oil+filter+bosch",
        "q=br",
        "q=a",
        "q=bosc",
        "q=0986494",
        "q=0+986+494+104",
        "q=%25%25",
    ];
    let makers = ["", "&m=Bosch", "&m=Bosch&m=NGK"];
    let prices = ["", "&min=10&max=12", "&max=50"];
    let stock = ["", "&stock=1"];
    // No vehicle, and the model year most fitments name, with and without an engine size.
    let (model_id, year): (i64, i64) = sqlx::query_as(
        "SELECT model_id, year_from FROM fitments GROUP BY model_id, year_from \
         ORDER BY COUNT(*) DESC, model_id LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let vehicles = [
        None,
        Some(crate::fitment::Target {
            model_id,
            year,
            liters_x10: None,
        }),
        Some(crate::fitment::Target {
            model_id,
            year,
            liters_x10: Some(20),
        }),
    ];
    let mut checked = 0;
    let mut failures = Vec::new();
    for w in words {
        for m in makers {
            for p in prices {
                for s in stock {
                    for sort in Sort::ALL {
                        for page in ["", "&page=40"] {
                            let url_query = format!("{w}{m}{p}{s}&sort={}{page}", sort.as_str());
                            for vehicle in &vehicles {
                                let query = CatalogueQuery {
                                    vehicle: vehicle.clone(),
                                    ..CatalogueQuery::parse(&url_query)
                                };
                                for plan in explain(&pool, &query).await.unwrap() {
                                    checked += 1;
                                    if let Some(why) = reads_everything(&plan) {
                                        failures.push(format!(
                                            "{why}  (e.g. {url_query}, vehicle {vehicle:?})"
                                        ));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    pool.close().await;
    std::fs::remove_dir_all(&dir).ok();
    failures.sort();
    failures.dedup_by(|a, b| a.split("  (e.g.").next() == b.split("  (e.g.").next());
    assert!(
        failures.is_empty(),
        "{} of {checked} query plans read every row:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 1000, "only {checked} plans checked");
}

#[test]
fn the_plan_check_recognises_scans() {
    let plan = |steps: &[&str]| QueryPlan {
        sql: "…".into(),
        steps: steps.iter().map(|s| s.to_string()).collect(),
    };
    assert!(reads_everything(&plan(&["SCAN p"])).is_some());
    assert!(reads_everything(&plan(&[
        "SCAN p USING INDEX parts_listed_name",
        "USE TEMP B-TREE FOR ORDER BY"
    ]))
    .is_some());
    assert!(
        reads_everything(&plan(&["SEARCH p USING INDEX parts_supplier (archived=?)"])).is_some()
    );
    assert!(reads_everything(&plan(&["SCAN w VIRTUAL TABLE INDEX 0:"])).is_some());
    assert!(reads_everything(&plan(&["SCAN p USING INDEX parts_listed_name"])).is_none());
    assert!(reads_everything(&plan(&[
        "SCAN w VIRTUAL TABLE INDEX 192:M4",
        "SEARCH p USING INTEGER PRIMARY KEY (rowid=?)"
    ]))
    .is_none());
    assert!(reads_everything(&plan(&["SCAN catalogue_makers"])).is_none());
}
