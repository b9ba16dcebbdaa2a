//! Fitment through the real router: a supplier's editor works without JavaScript and changes
//! only the supplier's own listings; impossible ranges are refused by field; a part page
//! answers for the visitor's vehicle with the reason, and asks for the engine when it matters.

use crate::common::TestApp;
use axum::http::StatusCode;
use partwatch::demand::api::UnmetDemand;
use partwatch::fitment::api::{
    AddFitment, AddFitmentsBulk, AddPartNumber, RemoveFitment, RemovePartNumber, SetPartUniversal,
};
use partwatch::server::db::DbPool;

const PW: &str = "correct horse battery";

/// 2012–2015 Honda Civic (1.8 L; 2014 also 2.4 L) and a 2014 Accord.
async fn vehicles(app: &TestApp) {
    app.load_vehicles(
        "2012,Honda,Civic,1.8,4,R18\n2013,Honda,Civic,1.8,4,R18\n2014,Honda,Civic,1.8,4,R18\n\
         2014,Honda,Civic,2.4,4,K24\n2015,Honda,Civic,1.8,4,R18\n2014,Honda,Accord,2.4,4,K24W1\n",
    )
    .await;
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

fn fitment(part: i64, model: i64, from: &str, to: &str, liters: &str) -> AddFitment {
    AddFitment {
        part,
        model: model.to_string(),
        year_from: from.into(),
        year_to: to.into(),
        liters: liters.into(),
        position: "front".into(),
        quantity: "2".into(),
        body: String::new(),
        drive: String::new(),
        built_from: String::new(),
        built_to: String::new(),
        note: String::new(),
    }
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn only_the_owner_edits_fitment_and_bad_ranges_are_refused(pool: DbPool) {
    let app = TestApp::new(pool);
    vehicles(&app).await;
    let acme = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let rival = app
        .register("rival", "rival@example.com", PW, "supplier")
        .await;
    let buyer = app
        .register("buyer", "buyer@example.com", PW, "customer")
        .await;
    let part = app.part("acme", "Brake pads", 4990, 5).await;
    let civic = scalar(&app, "SELECT id FROM vehicle_models WHERE name = 'Civic'").await;

    // The owner adds a row through a plain form post (no JavaScript) and sees it listed.
    let reply = app
        .post_html_fn(
            fitment(part, civic, "2012", "2015", "1.8"),
            &format!("http://localhost/listings/{part}/fitment"),
            Some(&acme),
        )
        .await;
    assert!(
        reply.status.is_redirection(),
        "{}: {}",
        reply.status,
        reply.body
    );
    assert_eq!(app.count("fitments").await, 1);
    let honda = scalar(&app, "SELECT id FROM vehicle_makes WHERE name = 'Honda'").await;
    let page = app
        .get(
            &format!("/listings/{part}/fitment?make={honda}"),
            Some(&acme),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("2012–2015"), "{}", page.body);
    assert!(page.body.contains("Honda Civic"));
    assert!(
        page.body.contains(">Accord<"),
        "the models of the make are offered"
    );

    // Anybody else: not found, nothing changed.
    let row = scalar(&app, "SELECT id FROM fitments").await;
    for cookie in [Some(rival.as_str()), Some(buyer.as_str()), None] {
        let reply = app
            .call_fn(fitment(part, civic, "2014", "", ""), cookie)
            .await;
        assert!(
            matches!(
                reply.status,
                StatusCode::NOT_FOUND | StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED
            ),
            "{}: {}",
            reply.status,
            reply.body
        );
        let reply = app.call_fn(RemoveFitment { part, id: row }, cookie).await;
        assert!(!reply.status.is_success(), "{}", reply.body);
        let reply = app
            .call_fn(
                SetPartUniversal {
                    part,
                    universal: "1".into(),
                },
                cookie,
            )
            .await;
        assert!(!reply.status.is_success(), "{}", reply.body);
    }
    let page = app
        .get(&format!("/listings/{part}/fitment"), Some(&rival))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("fitments").await, 1);
    assert_eq!(app.part_column::<i64>(part, "universal").await, 0);

    // Impossible ranges and sizes are refused, by field, with what the data holds.
    for (add, field, says) in [
        (
            fitment(part, civic, "2015", "2012", ""),
            "year_to",
            "before the first",
        ),
        (
            fitment(part, civic, "2010", "2013", ""),
            "year_from",
            "no Honda Civic of 2010, 2011",
        ),
        (
            fitment(part, civic, "2012", "2015", "5.0"),
            "liters",
            "1.8 L, 2.4 L",
        ),
        (
            fitment(part, 999_999, "2014", "", ""),
            "model",
            "do not know this model",
        ),
        (
            fitment(part, civic, "20x4", "", ""),
            "year_from",
            "model year",
        ),
    ] {
        let reply = app.call_fn(add, Some(&acme)).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        assert!(reply.body.contains(field), "{field}: {}", reply.body);
        assert!(reply.body.contains(says), "{says}: {}", reply.body);
    }
    assert_eq!(app.count("fitments").await, 1);

    // The owner marks it universal and removes the row.
    let reply = app
        .call_fn(
            SetPartUniversal {
                part,
                universal: "1".into(),
            },
            Some(&acme),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(app.part_column::<i64>(part, "universal").await, 1);
    let reply = app
        .call_fn(RemoveFitment { part, id: row }, Some(&acme))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(app.count("fitments").await, 0);
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn a_part_page_answers_for_the_visitors_vehicle(pool: DbPool) {
    let app = TestApp::new(pool);
    vehicles(&app).await;
    let acme = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let pads = app.part("acme", "Brake pads", 4990, 5).await;
    let bare = app.part("acme", "Wiper blade", 990, 5).await;
    let civic = scalar(&app, "SELECT id FROM vehicle_models WHERE name = 'Civic'").await;
    for add in [
        fitment(pads, civic, "2012", "2015", "1.8"),
        fitment(pads, civic, "2014", "", "2.4"),
    ] {
        let reply = app.call_fn(add, Some(&acme)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let civic_2014 = scalar(
        &app,
        "SELECT v.id FROM vehicles v JOIN vehicle_models m ON m.id = v.model_id \
         WHERE m.name = 'Civic' AND v.year = 2014",
    )
    .await;
    let r18 = scalar(
        &app,
        &format!("SELECT id FROM vehicle_engines WHERE vehicle_id = {civic_2014} AND code = 'R18'"),
    )
    .await;

    // No vehicle: an invitation to choose one.
    let page = app.get(&format!("/parts/{pads}"), None).await;
    assert!(page.body.contains("Choose your vehicle"), "{}", page.body);

    // The vehicle without its engine: the question, with the engines to choose from.
    let cookie = format!("pw_vehicle={civic_2014}");
    let page = app.get(&format!("/parts/{pads}"), Some(&cookie)).await;
    assert!(
        page.body
            .contains("Fits only with the 1.8 L or 2.4 L engine — which one is yours?"),
        "{}",
        page.body
    );
    assert!(page.body.contains("fit-engine-form"));
    assert!(page.body.contains("1.8 L, 4 cylinders (R18)"));

    // With its engine: fits, and why.
    let cookie = format!("pw_vehicle={civic_2014}-{r18}");
    let page = app.get(&format!("/parts/{pads}"), Some(&cookie)).await;
    assert!(
        page.body
            .contains("Fits your 2014 Honda Civic 1.8 L (front axle, 1.8 L, 2 per vehicle)."),
        "{}",
        page.body
    );
    // No data: said so, never "fits".
    let page = app.get(&format!("/parts/{bare}"), Some(&cookie)).await;
    assert!(
        page.body.contains("No fitment data from the supplier"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Fits your"));
}

/// The catalogue with a vehicle: only the parts that fit (universal ones, and those fitting the
/// model year, by engine when it is known), each card with its answer, an engine choice when
/// answers depend on it, and a switch to every vehicle, where the cards say why the others do
/// not fit; without a vehicle nothing changes.
#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn the_catalogue_narrows_to_the_visitors_vehicle(pool: DbPool) {
    let app = TestApp::new(pool);
    vehicles(&app).await;
    let acme = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let civic_pads = app.part("acme", "Civic brake pads", 4990, 5).await;
    let accord_pads = app.part("acme", "Accord brake pads", 5290, 5).await;
    let oil = app.part("acme", "Engine oil 5W-30", 3490, 5).await;
    app.part("acme", "Wiper blade", 990, 5).await;
    let civic = scalar(&app, "SELECT id FROM vehicle_models WHERE name = 'Civic'").await;
    let accord = scalar(&app, "SELECT id FROM vehicle_models WHERE name = 'Accord'").await;
    for add in [
        fitment(civic_pads, civic, "2012", "2015", "1.8"),
        fitment(civic_pads, civic, "2014", "", "2.4"),
        fitment(accord_pads, accord, "2014", "", ""),
    ] {
        let reply = app.call_fn(add, Some(&acme)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let reply = app
        .call_fn(
            SetPartUniversal {
                part: oil,
                universal: "1".into(),
            },
            Some(&acme),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let civic_2014 = scalar(
        &app,
        "SELECT v.id FROM vehicles v JOIN vehicle_models m ON m.id = v.model_id \
         WHERE m.name = 'Civic' AND v.year = 2014",
    )
    .await;
    let r18 = scalar(
        &app,
        &format!("SELECT id FROM vehicle_engines WHERE vehicle_id = {civic_2014} AND code = 'R18'"),
    )
    .await;
    // The supplier's list marks each listing's fitment.
    let listings = app.get("/listings", Some(&acme)).await;
    for mark in [">2 ranges<", ">1 range<", ">Universal<", ">No fitment<"] {
        assert!(listings.body.contains(mark), "{mark}: {}", listings.body);
    }
    let names = [
        "Civic brake pads",
        "Accord brake pads",
        "Engine oil 5W-30",
        "Wiper blade",
    ];
    let shown =
        |body: &str| -> Vec<&str> { names.iter().copied().filter(|n| body.contains(n)).collect() };

    // No vehicle: every part, no answers.
    let page = app.get("/catalogue", None).await;
    assert_eq!(shown(&page.body), names);
    assert!(!page.body.contains("fit-bar") && !page.body.contains("card-fit"));

    // A 2014 Civic, engine not told: the Civic pads (which engine?) and the universal oil.
    let cookie = format!("pw_vehicle={civic_2014}");
    let page = app.get("/catalogue", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(shown(&page.body), ["Civic brake pads", "Engine oil 5W-30"]);
    assert!(
        page.body.contains("Showing parts that fit your"),
        "{}",
        page.body
    );
    assert!(page.body.contains("2 parts"), "{}", page.body);
    assert!(page
        .body
        .contains("Fits only with the 1.8 L or 2.4 L engine — which one is yours?"));
    assert!(page.body.contains("Fits every vehicle (universal part)."));
    // The engine choice is right there, and comes back to this view.
    assert!(page.body.contains("fit-bar-engine"), "{}", page.body);
    assert!(page.body.contains("1.8 L, 4 cylinders (R18)"));
    assert!(
        page.body.contains("href=\"/catalogue?fit=all\""),
        "{}",
        page.body
    );

    // Every vehicle: all four, each saying whether it fits and why.
    let page = app.get("/catalogue?fit=all", Some(&cookie)).await;
    assert_eq!(shown(&page.body), names);
    assert!(page
        .body
        .contains("Does not fit your 2014 Honda Civic: made for 2014 Honda Accord."));
    assert!(page.body.contains("No fitment data from the supplier"));
    assert!(page.body.contains("Show only parts that fit"));

    // With the engine, combined with a search: only the Civic pads, and why they fit.
    let cookie = format!("pw_vehicle={civic_2014}-{r18}");
    let page = app.get("/catalogue?q=brake+pads", Some(&cookie)).await;
    assert_eq!(shown(&page.body), ["Civic brake pads"]);
    assert!(
        page.body
            .contains("Fits your 2014 Honda Civic 1.8 L (front axle, 1.8 L, 2 per vehicle)."),
        "{}",
        page.body
    );
    assert!(!page.body.contains("fit-bar-engine"));

    // Nothing fits: said so, with the way to every vehicle.
    let page = app.get("/catalogue?q=wiper", Some(&cookie)).await;
    assert!(page.body.contains("No parts match"), "{}", page.body);
    assert!(page.body.contains("show-all-vehicles"), "{}", page.body);
}

/// The cards' answers on the fits-only catalogue are kept in memory between requests (see
/// `fitment::kept`): every change to what they are made of is seen by the next page, whether
/// it comes through the supplier's editor or straight to the database (another server, a
/// bulk import): a fitment row changed, added or removed, a part made universal or not, a
/// part archived and restored.
#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn the_catalogue_cards_answers_follow_every_fitment_change(pool: DbPool) {
    let app = TestApp::new(pool);
    vehicles(&app).await;
    let acme = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let pads = app.part("acme", "Civic brake pads", 4990, 5).await;
    let wiper = app.part("acme", "Wiper blade", 990, 5).await;
    let civic = scalar(&app, "SELECT id FROM vehicle_models WHERE name = 'Civic'").await;
    let reply = app
        .call_fn(fitment(pads, civic, "2012", "2015", "1.8"), Some(&acme))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let civic_2014 = scalar(
        &app,
        "SELECT v.id FROM vehicles v JOIN vehicle_models m ON m.id = v.model_id \
         WHERE m.name = 'Civic' AND v.year = 2014",
    )
    .await;
    let r18 = scalar(
        &app,
        &format!("SELECT id FROM vehicle_engines WHERE vehicle_id = {civic_2014} AND code = 'R18'"),
    )
    .await;
    let cookie = format!("pw_vehicle={civic_2014}-{r18}");
    let page = || async { app.get("/catalogue", Some(&cookie)).await.body };
    let fits =
        |n: i64| format!("Fits your 2014 Honda Civic 1.8 L (front axle, 1.8 L, {n} per vehicle).");

    let body = page().await;
    assert!(body.contains(&fits(2)), "{body}");
    // Asked again: the same answer (now from memory).
    assert!(page().await.contains(&fits(2)));

    // A row changed in the database, not through this server.
    sqlx::query("UPDATE fitments SET quantity = 4 WHERE part_id = $1")
        .bind(pads)
        .execute(&app.pool)
        .await
        .unwrap();
    let body = page().await;
    assert!(
        body.contains(&fits(4)) && !body.contains(&fits(2)),
        "{body}"
    );

    // Rows removed in the database: the part no longer fits, and is not shown.
    sqlx::query("DELETE FROM fitments WHERE part_id = $1")
        .bind(pads)
        .execute(&app.pool)
        .await
        .unwrap();
    let body = page().await;
    assert!(!body.contains("Civic brake pads"), "{body}");
    // A row added through the editor: shown again, with the new row's answer.
    let mut again = fitment(pads, civic, "2014", "", "1.8");
    again.quantity = "3".into();
    let reply = app.call_fn(again, Some(&acme)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let body = page().await;
    assert!(body.contains(&fits(3)), "{body}");

    // The wiper: a row and the universal mark (which answers first), then the mark taken
    // off straight in the database, then the part archived and restored there.
    let reply = app
        .call_fn(fitment(wiper, civic, "2014", "", "1.8"), Some(&acme))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reply = app
        .call_fn(
            SetPartUniversal {
                part: wiper,
                universal: "1".into(),
            },
            Some(&acme),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let universal = "Fits every vehicle (universal part).";
    let body = page().await;
    assert!(
        body.contains("Wiper blade") && body.contains(universal),
        "{body}"
    );
    sqlx::query("UPDATE parts SET universal = 0 WHERE id = $1")
        .bind(wiper)
        .execute(&app.pool)
        .await
        .unwrap();
    let body = page().await;
    assert!(!body.contains(universal), "{body}");
    assert!(body.contains(&fits(2)) && body.contains(&fits(3)), "{body}");
    for archived in [1, 0] {
        sqlx::query("UPDATE parts SET archived = $1 WHERE id = $2")
            .bind(archived)
            .bind(wiper)
            .execute(&app.pool)
            .await
            .unwrap();
        let body = page().await;
        assert_eq!(body.contains("Wiper blade"), archived == 0, "{body}");
        assert_eq!(body.contains(&fits(2)), archived == 0, "{body}");
    }
    // Every vehicle (`fit=all`): answers read afresh, the same as the kept ones.
    let body = app.get("/catalogue?fit=all", Some(&cookie)).await.body;
    assert!(body.contains(&fits(2)) && body.contains(&fits(3)), "{body}");
}

/// Demand: a search with a vehicle that finds nothing fitting is counted per vehicle and text
/// (not one that finds something, names no vehicle, shows every vehicle or is filtered), and
/// suppliers, only they, see the counts on `/demand`, narrowed by make.
#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn unmet_searches_reach_the_suppliers_demand_page(pool: DbPool) {
    let app = TestApp::new(pool);
    vehicles(&app).await;
    let acme = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let buyer = app
        .register("buyer", "buyer@example.com", PW, "customer")
        .await;
    let pads = app.part("acme", "Civic brake pads", 4990, 5).await;
    app.part("acme", "Tow hitch for vans", 19900, 5).await;
    let civic = scalar(&app, "SELECT id FROM vehicle_models WHERE name = 'Civic'").await;
    let reply = app
        .call_fn(fitment(pads, civic, "2012", "2015", ""), Some(&acme))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let year = |model: &'static str| {
        let app = &app;
        async move {
            scalar(
                app,
                &format!(
                    "SELECT v.id FROM vehicles v JOIN vehicle_models m ON m.id = v.model_id \
                     WHERE m.name = '{model}' AND v.year = 2014"
                ),
            )
            .await
        }
    };
    let civic_cookie = format!("pw_vehicle={}", year("Civic").await);
    let accord_cookie = format!("pw_vehicle={}", year("Accord").await);
    let buyer_civic = format!("{buyer}; {civic_cookie}");

    let counts = || async {
        sqlx::query_as::<_, (String, i64)>(
            "SELECT words, searches FROM unmet_searches ORDER BY searches DESC, words",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap()
    };
    // Found something, or not for a vehicle, or for every vehicle, or filtered: not counted.
    for (path, cookie) in [
        ("/catalogue?q=brake+pads", Some(civic_cookie.as_str())),
        ("/catalogue?q=tow+hitch", None),
        (
            "/catalogue?q=tow+hitch&fit=all",
            Some(civic_cookie.as_str()),
        ),
        (
            "/catalogue?q=tow+hitch&stock=1",
            Some(civic_cookie.as_str()),
        ),
        (
            "/catalogue?q=tow+hitch&m=Bosch",
            Some(civic_cookie.as_str()),
        ),
        ("/catalogue", Some(civic_cookie.as_str())),
    ] {
        let page = app.get(path, cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(counts().await.is_empty(), "{path} was counted");
    }
    // Nothing fits the Civic: counted, as one text however it was typed, logged in or not.
    for (path, cookie) in [
        ("/catalogue?q=Tow+Hitch", civic_cookie.as_str()),
        ("/catalogue?q=tow++hitch+", buyer_civic.as_str()),
        ("/catalogue?q=tow+hitch", accord_cookie.as_str()),
    ] {
        let page = app.get(path, Some(cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("No parts match"), "{}", page.body);
    }
    assert_eq!(
        counts().await,
        [("tow hitch".to_owned(), 2), ("tow hitch".to_owned(), 1)]
    );

    // The supplier's page: most searched first, the vehicle named, narrowed by make.
    let page = app.get("/demand", Some(&acme)).await;
    assert_eq!(page.status, StatusCode::OK);
    let civic_at = page.body.find("2014 Honda Civic").expect("the Civic row");
    let accord_at = page.body.find("2014 Honda Accord").expect("the Accord row");
    assert!(civic_at < accord_at, "most searched first");
    assert!(page.body.contains(">tow hitch<"), "{}", page.body);
    assert!(
        page.body
            .contains("href=\"/catalogue?q=tow+hitch&amp;fit=all\""),
        "{}",
        page.body
    );
    assert_eq!(page.body.matches("data-testid=\"demand-row\"").count(), 2);
    let page = app.get("/demand?make=honda", Some(&acme)).await;
    assert_eq!(page.body.matches("data-testid=\"demand-row\"").count(), 2);
    assert!(
        page.body.contains("<option value=\"Honda\" selected"),
        "{}",
        page.body
    );

    // Customers and visitors do not see it.
    let page = app.get("/demand", Some(&buyer)).await;
    assert!(page
        .body
        .contains("Customer demand is for supplier accounts"));
    assert!(!page.body.contains("tow hitch"));
    let reply = app.call_fn(UnmetDemand { make: None }, Some(&buyer)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    let reply = app.call_fn(UnmetDemand { make: None }, None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
    let reply = app
        .call_fn(
            UnmetDemand {
                make: Some("Honda".into()),
            },
            Some(&acme),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("tow hitch"), "{}", reply.body);
}

/// OEM and cross-reference numbers through the router: the owner adds them in the editor
/// (a plain form post works), the part page lists them, the catalogue finds the part by any of
/// them; bad numbers are refused by field, and nobody else adds or removes.
#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn oem_numbers_are_added_by_the_owner_and_find_the_part(pool: DbPool) {
    let app = TestApp::new(pool);
    let acme = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let rival = app
        .register("rival", "rival@example.com", PW, "supplier")
        .await;
    let buyer = app
        .register("buyer", "buyer@example.com", PW, "customer")
        .await;
    let pads = app.part("acme", "Brake pads", 4990, 5).await;
    let number = |kind: &str, maker: &str, number: &str| AddPartNumber {
        part: pads,
        kind: kind.into(),
        maker: maker.into(),
        number: number.into(),
    };
    // A plain form post, as without JavaScript.
    let reply = app
        .post_html_fn(
            number("oem", "Honda", "45022-TR0-A00"),
            &format!("http://localhost/listings/{pads}/fitment"),
            Some(&acme),
        )
        .await;
    assert!(
        reply.status.is_redirection(),
        "{}: {}",
        reply.status,
        reply.body
    );
    let reply = app
        .call_fn(number("cross", "Textar", "2355501"), Some(&acme))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let cross: i64 = reply.json().as_i64().unwrap();

    // Refused by field, nothing stored.
    for (bad, field) in [
        (number("oem", "Honda", "45022 tr0 a00"), "already"),
        (number("both", "Honda", "1"), "Choose OEM number"),
        (number("oem", "", "1"), "Enter the maker"),
        (number("oem", "Honda", "45022#1"), "letters, digits"),
    ] {
        let reply = app.call_fn(bad, Some(&acme)).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        assert!(reply.body.contains(field), "{}", reply.body);
    }
    assert_eq!(app.count("part_numbers").await, 2);
    // Nobody else adds or removes.
    for (cookie, status) in [
        (Some(&rival), StatusCode::NOT_FOUND),
        (Some(&buyer), StatusCode::FORBIDDEN),
        (None, StatusCode::UNAUTHORIZED),
    ] {
        let reply = app
            .call_fn(number("oem", "Honda", "99999"), cookie.map(String::as_str))
            .await;
        assert_eq!(reply.status, status, "{}", reply.body);
        let reply = app
            .call_fn(
                RemovePartNumber {
                    part: pads,
                    id: cross,
                },
                cookie.map(String::as_str),
            )
            .await;
        assert_eq!(reply.status, status, "{}", reply.body);
    }
    assert_eq!(app.count("part_numbers").await, 2);

    // The editor and the part page list them; the catalogue finds the part by either.
    let editor = app
        .get(&format!("/listings/{pads}/fitment"), Some(&acme))
        .await;
    assert!(
        editor.body.contains("45022-TR0-A00") && editor.body.contains("Textar"),
        "{}",
        editor.body
    );
    let page = app.get(&format!("/parts/{pads}"), None).await;
    assert!(page.body.contains("OEM numbers"), "{}", page.body);
    assert!(page.body.contains("Honda 45022-TR0-A00"));
    assert!(page.body.contains("Textar 2355501"));
    for q in ["45022tr0a00", "45022-TR0-A00", "2355-501"] {
        let found = app.get(&format!("/catalogue?q={q}"), None).await;
        assert!(found.body.contains("Brake pads"), "{q}: {}", found.body);
    }
    let reply = app
        .call_fn(
            RemovePartNumber {
                part: pads,
                id: cross,
            },
            Some(&acme),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(!app
        .get("/catalogue?q=2355501", None)
        .await
        .body
        .contains("Brake pads"));
}

/// Bulk entry: pasted rows (makes and models by name) are added all at once, or, when any row
/// is wrong, none, with each wrong row named by its line; only the owner adds.
#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn bulk_rows_are_added_all_or_nothing(pool: DbPool) {
    let app = TestApp::new(pool);
    vehicles(&app).await;
    let acme = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let rival = app
        .register("rival", "rival@example.com", PW, "supplier")
        .await;
    let pads = app.part("acme", "Brake pads", 4990, 5).await;
    let bulk = |rows: &str| AddFitmentsBulk {
        part: pads,
        rows: rows.into(),
    };
    // Wrong rows: each named, nothing added.
    let reply = app
        .call_fn(
            bulk("make,model,from,to\nhonda,civic,2012,2015,1.8,front,2\nHonda,Civc,2014\nHonda,Accord,2010\nHonda,Civic,2015,2012"),
            Some(&acme),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    assert!(reply.body.contains("Nothing was added."), "{}", reply.body);
    assert!(
        reply
            .body
            .contains("Line 3: this make and model are not in our vehicle list"),
        "{}",
        reply.body
    );
    assert!(
        reply
            .body
            .contains("Line 4: Our vehicle data has no Honda Accord of 2010"),
        "{}",
        reply.body
    );
    assert!(
        reply
            .body
            .contains("Line 5: The last year (2012) is before the first (2015)."),
        "{}",
        reply.body
    );
    assert_eq!(app.count("fitments").await, 0);
    // Someone else's listing: not found.
    let reply = app.call_fn(bulk("Honda,Civic,2014"), Some(&rival)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
    // Right rows, pasted from a spreadsheet (tabs), as a plain form post: all added.
    let reply = app
        .post_html_fn(
            bulk("Honda\tCivic\t2012\t2015\t1.8\tfront axle\t2\nHonda\tAccord\t2014\t\t\trear\t2\tNot for the Sport\n"),
            &format!("http://localhost/listings/{pads}/fitment"),
            Some(&acme),
        )
        .await;
    assert!(
        reply.status.is_redirection(),
        "{}: {}",
        reply.status,
        reply.body
    );
    assert_eq!(app.count("fitments").await, 2);
    let editor = app
        .get(&format!("/listings/{pads}/fitment"), Some(&acme))
        .await;
    assert!(editor.body.contains("Fitment rows (2)"), "{}", editor.body);
    assert!(editor.body.contains("Not for the Sport"));
}

/// A vehicle the list does not have, typed in: it becomes the active vehicle (header, part
/// pages, catalogue), every part answers without over-promising (what it is made for; a
/// universal part fits; no data says so), the catalogue is not narrowed, and a logged-in
/// customer's garage keeps it through login. Typing a vehicle the list has chooses that
/// model year; what cannot be a vehicle is refused by field.
#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn a_typed_in_vehicle_is_answered_without_guessing_and_kept(pool: DbPool) {
    use partwatch::vehicles::api::{MyGarage, RemoveFromGarage, SetTypedVehicle};
    let app = TestApp::new(pool);
    vehicles(&app).await;
    let acme = app
        .register("acme", "acme@example.com", PW, "supplier")
        .await;
    let pads = app.part("acme", "Brake pads", 4990, 5).await;
    let fluid = app.part("acme", "Washer fluid", 490, 5).await;
    let bare = app.part("acme", "Wiper blade", 990, 5).await;
    let civic = scalar(&app, "SELECT id FROM vehicle_models WHERE name = 'Civic'").await;
    let reply = app
        .call_fn(fitment(pads, civic, "2012", "2015", "1.8"), Some(&acme))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reply = app
        .call_fn(
            SetPartUniversal {
                part: fluid,
                universal: "1".into(),
            },
            Some(&acme),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let typed = |year: &str, make: &str, model: &str| SetTypedVehicle {
        year: year.into(),
        make: make.into(),
        model: model.into(),
        next: None,
    };

    // A visitor types a vehicle in: the cookie holds it, the header shows it.
    let reply = app
        .call_fn(typed(" 2009", "Škoda ", "Octavia  RS"), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["typed"], true);
    let skoda = reply.vehicle_cookie().unwrap();
    assert_eq!(
        skoda,
        "pw_vehicle=year=2009&make=%C5%A0koda&model=Octavia+RS"
    );
    let page = app.get(&format!("/parts/{pads}"), Some(&skoda)).await;
    assert!(page.body.contains("2009 Škoda Octavia RS"), "{}", page.body);
    assert!(
        page.body.contains(
            "Cannot be checked against your 2009 Škoda Octavia RS, which is not in our vehicle \
             list: made for 2012–2015 Honda Civic 1.8 L."
        ),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Fits your") && !page.body.contains("Does not fit"));
    let page = app.get(&format!("/parts/{fluid}"), Some(&skoda)).await;
    assert!(page.body.contains("Fits every vehicle (universal part)."));
    let page = app.get(&format!("/parts/{bare}"), Some(&skoda)).await;
    assert!(page.body.contains("No fitment data from the supplier"));

    // The catalogue is not narrowed (no fitment names the vehicle), and says why.
    let page = app.get("/catalogue", Some(&skoda)).await;
    assert!(
        page.body
            .contains("is not in our vehicle list, so we cannot narrow the parts"),
        "{}",
        page.body
    );
    for name in ["Brake pads", "Washer fluid", "Wiper blade"] {
        assert!(page.body.contains(name), "{name}");
    }
    assert!(!page.body.contains("Show only parts that fit"));
    // Nothing found for it is not counted as demand (no vehicle of the list to count it for).
    app.get("/catalogue?q=zzzz", Some(&skoda)).await;
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM unmet_searches").await, 0);

    // A vehicle the list has, typed in any case: that model year, with real answers.
    let reply = app.call_fn(typed("2014", "honda", "CIVIC"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["typed"], false);
    let civic_2014 = scalar(
        &app,
        "SELECT v.id FROM vehicles v JOIN vehicle_models m ON m.id = v.model_id \
         WHERE m.name = 'Civic' AND v.year = 2014",
    )
    .await;
    assert_eq!(
        reply.vehicle_cookie(),
        Some(format!("pw_vehicle={civic_2014}"))
    );

    // What cannot be a vehicle: refused by field, nothing set.
    for (year, make, model, field) in [
        ("1700", "Škoda", "Octavia", "year"),
        ("2009x", "Škoda", "Octavia", "year"),
        ("2200", "Škoda", "Octavia", "year"),
        ("2009", "", "Octavia", "make"),
        ("2009", "<script>alert(1)</script>", "Octavia", "make"),
        ("2009", "Škoda", &"O".repeat(41), "model"),
        ("2009", "Škoda", "Octavia\"; DROP TABLE users", "model"),
    ] {
        let reply = app.call_fn(typed(year, make, model), None).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{year} {make} {model}"
        );
        assert!(reply.body.contains(field), "{}", reply.body);
        assert!(!reply.body.contains("<script") && !reply.body.contains("DROP TABLE"));
        assert_eq!(reply.vehicle_cookie(), None);
    }
    // A forged cookie is no vehicle at all.
    let page = app
        .get(
            "/catalogue",
            Some("pw_vehicle=year=2009&make=%3Cscript%3E&model=x"),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("fit-bar"), "{}", page.body);

    // Logged in: kept in the garage beside the listed ones, and back after logging in again.
    let ann = app.register("ann", "ann@example.com", PW, "customer").await;
    let reply = app
        .call_fn(typed("2009", "Škoda", "Octavia RS"), Some(&ann))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let both = format!("{ann}; {skoda}");
    let garage = app.call_fn(MyGarage {}, Some(&both)).await.json();
    let key = "year=2009&make=%C5%A0koda&model=Octavia+RS";
    assert_eq!(garage["active"], key);
    assert_eq!(garage["vehicles"][0]["typed"], true);
    assert_eq!(garage["vehicles"][0]["model"], "Octavia RS");
    let page = app.get("/vehicle", Some(&both)).await;
    assert!(page.body.contains("(typed in)"), "{}", page.body);
    let login = app.login("ann@example.com", PW).await;
    assert_eq!(login.vehicle_cookie(), Some(skoda.clone()));
    let reply = app
        .call_fn(
            RemoveFromGarage {
                vehicle: key.into(),
                next: None,
            },
            Some(&ann),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let garage = app.call_fn(MyGarage {}, Some(&ann)).await.json();
    assert_eq!(garage["vehicles"].as_array().unwrap().len(), 0);
}
