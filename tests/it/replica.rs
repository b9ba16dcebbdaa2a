//! `DATABASE_READ_URL`: the public reads of visitors without a session (home page, catalogue,
//! part pages) go to the read replica; anyone with a session reads the primary, so a supplier
//! sees their own change at once. The "replica" here is a second database holding other data,
//! which shows where each read went.

use crate::common::{state_for, test_config, TestApp, World};
use partwatch::server::db::{self, DbPool};
use partwatch::server::router;

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn visitors_read_the_replica_and_sessions_the_primary(pool: DbPool) {
    let world = World::shop(pool.clone()).await;
    let dir = std::env::temp_dir().join(format!(
        "pw-replica-{}",
        partwatch::server::random::random_key()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let replica = db::connect(&db::scratch_database(&dir).await.unwrap())
        .await
        .unwrap();
    let supplier: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, email, password_hash, role) \
         VALUES ('mirror', 'mirror@example.com', 'h', 'supplier') RETURNING id",
    )
    .fetch_one(&replica)
    .await
    .unwrap();
    let caliper: i64 = sqlx::query_scalar(
        "INSERT INTO parts (supplier_id, name, manufacturer, model, description, price_cents, \
         stock, delivery_estimate) VALUES ($1, 'Replica-only caliper', 'Bosch', 'RC-1', \
         'Only in the replica.', 1000, 3, '1-2_days') RETURNING id",
    )
    .bind(supplier)
    .fetch_one(&replica)
    .await
    .unwrap();

    let mut state = state_for(pool.clone(), test_config());
    state.read_pool = replica.clone();
    let app = TestApp::with_router(pool.clone(), router::app_router(state));

    // A visitor: home page, catalogue and part page come from the replica.
    for path in ["/", "/catalogue"] {
        let page = app.get(path, None).await;
        assert!(page.body.contains("Replica-only caliper"), "{path}");
        assert!(!page.body.contains("Brake disc"), "{path}");
    }
    let page = app.get(&format!("/parts/{caliper}"), None).await;
    assert!(page.body.contains("Replica-only caliper"));

    // A logged-in supplier: the same pages from the primary.
    for path in ["/", "/catalogue"] {
        let page = app.get(path, Some(&world.acme)).await;
        assert!(page.body.contains("Brake disc"), "{path}");
        assert!(!page.body.contains("Replica-only caliper"), "{path}");
    }
    let page = app
        .get(&format!("/parts/{}", world.disc), Some(&world.acme))
        .await;
    assert!(page.body.contains("Brake disc"));

    replica.close().await;
    std::fs::remove_dir_all(&dir).ok();
}
