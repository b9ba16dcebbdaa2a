//! The vehicle picker and the active vehicle through the real router: the picker page walks
//! year → make → model → engine without JavaScript, choosing sets the vehicle cookie and goes
//! on, the header shows it, and ids that do not belong together are refused.

use crate::common::TestApp;
use axum::http::StatusCode;
use partwatch::server::db::DbPool;
use partwatch::vehicles::api::{
    ForgetVehicle, MyGarage, RemoveFromGarage, SetVehicle, VehicleByVin,
};
use partwatch::vehicles::vin::with_check_digit;

/// A small vehicle table: 2014 Honda Civic (two engines), 2014 Honda Accord, 2003 Accord.
async fn vehicles(app: &TestApp) {
    app.load_vehicles(
        "2014,Honda,Civic,1.8,4,R18Z1\n2014,Honda,Civic,2.4,4,K24Z7\n\
         2014,Honda,Accord,2.4,4,K24W1\n2003,Honda,Accord,3.0,6,J30A4\n2014,Toyota,Corolla,,,\n",
    )
    .await;
}

async fn id(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

/// The id of a model year ("Civic", 2014) in the small table.
async fn model_year(app: &TestApp, model: &str, year: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT v.id FROM vehicles v JOIN vehicle_models m ON m.id = v.model_id \
         WHERE m.name = $1 AND v.year = $2",
    )
    .bind(model)
    .bind(year)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn the_picker_walks_year_make_model_engine_without_javascript(pool: DbPool) {
    let app = TestApp::new(pool);
    vehicles(&app).await;
    let honda = id(&app, "SELECT id FROM vehicle_makes WHERE name = 'Honda'").await;
    let civic = model_year(&app, "Civic", 2014).await;

    let page = app.get("/vehicle", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"<option value="2014""#),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"<option value="2003""#));
    assert!(
        page.body.contains("Add your vehicle"),
        "the header offers the picker"
    );

    let page = app.get("/vehicle?year=2014", None).await;
    assert!(page.body.contains(">Honda<"), "{}", page.body);
    assert!(page.body.contains(">Toyota<"));

    let page = app
        .get(&format!("/vehicle?year=2014&make={honda}"), None)
        .await;
    assert!(page.body.contains(">Civic<"));
    assert!(page.body.contains(">Accord<"));
    assert!(
        !page.body.contains("Use this vehicle"),
        "no model chosen yet"
    );

    let page = app
        .get(
            &format!("/vehicle?year=2014&make={honda}&model={civic}"),
            None,
        )
        .await;
    assert!(
        page.body.contains("1.8 L, 4 cylinders (R18Z1)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("2.4 L, 4 cylinders (K24Z7)"));
    assert!(page.body.contains("Use this vehicle"));

    // A 2003 make id with a 2014 model id offers nothing past the make.
    let page = app.get("/vehicle?year=2003&make=99999&model=1", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Use this vehicle"));
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn choosing_a_vehicle_sets_it_for_every_page(pool: DbPool) {
    let app = TestApp::new(pool);
    vehicles(&app).await;
    let civic = model_year(&app, "Civic", 2014).await;
    let r18 = id(&app, "SELECT id FROM vehicle_engines WHERE code = 'R18Z1'").await;
    let accord_engine = id(&app, "SELECT id FROM vehicle_engines WHERE code = 'J30A4'").await;

    // A plain form post, as a browser without JavaScript sends it.
    let reply = app
        .post_html_fn(
            SetVehicle {
                vehicle: civic,
                engine: Some(r18),
                next: Some("/catalogue?q=disc".into()),
            },
            "http://localhost/vehicle",
            None,
        )
        .await;
    assert!(
        reply.status.is_redirection(),
        "{}: {}",
        reply.status,
        reply.body
    );
    assert_eq!(reply.location().as_deref(), Some("/catalogue?q=disc"));
    let cookie = reply.vehicle_cookie().expect("the vehicle cookie is set");
    assert_eq!(cookie, format!("pw_vehicle={civic}-{r18}"));
    let set = reply.set_cookie_header().unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );

    let page = app.get("/catalogue", Some(&cookie)).await;
    assert!(
        page.body.contains("2014 Honda Civic 1.8 L"),
        "the header shows it"
    );
    let page = app.get("/vehicle", Some(&cookie)).await;
    assert!(page.body.contains("Forget this vehicle"));

    // "Not sure" of the engine: the vehicle alone.
    let reply = app
        .call_fn(
            SetVehicle {
                vehicle: civic,
                engine: Some(0),
                next: None,
            },
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.vehicle_cookie(), Some(format!("pw_vehicle={civic}")));

    // Another vehicle's engine, an unknown vehicle: refused, no cookie.
    for (vehicle, engine, field) in [
        (civic, Some(accord_engine), "engine"),
        (987_654, None, "vehicle"),
    ] {
        let reply = app
            .call_fn(
                SetVehicle {
                    vehicle,
                    engine,
                    next: None,
                },
                None,
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        assert!(reply.body.contains(field), "{}", reply.body);
        assert_eq!(reply.vehicle_cookie(), None);
    }

    // An outside `next` is not followed.
    let reply = app
        .post_html_fn(
            SetVehicle {
                vehicle: civic,
                engine: None,
                next: Some("https://evil.example/".into()),
            },
            "http://localhost/vehicle",
            None,
        )
        .await;
    assert_eq!(reply.location().as_deref(), Some("/"));

    // Forgetting clears the cookie.
    let reply = app
        .post_html_fn(
            ForgetVehicle {
                next: Some("/vehicle".into()),
            },
            "http://localhost/vehicle",
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.location().as_deref(), Some("/vehicle"));
    let cleared = reply.set_cookie_header().unwrap();
    assert!(
        cleared.starts_with("pw_vehicle=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
}

#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn a_vehicle_cookie_that_names_nothing_is_ignored(pool: DbPool) {
    let app = TestApp::new(pool);
    vehicles(&app).await;
    let r18 = id(&app, "SELECT id FROM vehicle_engines WHERE code = 'R18Z1'").await;
    let accord = model_year(&app, "Accord", 2003).await;
    for cookie in [
        "pw_vehicle=junk".to_string(),
        "pw_vehicle=999999".to_string(),
        "pw_vehicle=1-2-3".to_string(),
        "pw_vehicle=%3Cscript%3E".to_string(),
    ] {
        let page = app.get("/catalogue", Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{cookie}");
        assert!(page.body.contains("Add your vehicle"), "{cookie}");
    }
    // Another vehicle's engine in the cookie: the vehicle without an engine.
    let page = app
        .get("/catalogue", Some(&format!("pw_vehicle={accord}-{r18}")))
        .await;
    assert!(page.body.contains("2003 Honda Accord<"), "{}", page.body);
}

/// My garage: a logged-in customer keeps every vehicle chosen, most recent first, and picks the
/// active one; the vehicle chosen before logging in is kept at login, and on a device without
/// one the garage's last vehicle becomes active. Only the owner changes a garage.
#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn a_customers_garage_keeps_vehicles_and_survives_login(pool: DbPool) {
    const PW: &str = "correct horse battery";
    let app = TestApp::new(pool);
    vehicles(&app).await;
    let civic = model_year(&app, "Civic", 2014).await;
    let accord = model_year(&app, "Accord", 2014).await;
    let r18 = id(&app, "SELECT id FROM vehicle_engines WHERE code = 'R18Z1'").await;
    app.register("ann", "ann@example.com", PW, "customer").await;
    let ben = app.register("ben", "ben@example.com", PW, "customer").await;

    // A visitor has no garage.
    let reply = app.call_fn(MyGarage {}, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), serde_json::Value::Null);
    assert!(app
        .get("/vehicle", None)
        .await
        .body
        .contains("to keep several vehicles"));

    // Chosen before logging in: kept at login, and still active.
    let chosen = app
        .call_fn(
            SetVehicle {
                vehicle: civic,
                engine: Some(r18),
                next: None,
            },
            None,
        )
        .await;
    let visitor_vehicle = chosen.vehicle_cookie().unwrap();
    let login = app
        .call_fn(
            crate::common::login_args("ann@example.com", PW, None),
            Some(&visitor_vehicle),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    assert_eq!(login.vehicle_cookie(), None, "the chosen vehicle stays");
    let ann = login.session_cookie().unwrap();
    let both = format!("{ann}; {visitor_vehicle}");
    let garage = app.call_fn(MyGarage {}, Some(&both)).await.json();
    assert_eq!(garage["active"], civic.to_string());
    assert_eq!(garage["vehicles"][0]["id"], civic);
    assert_eq!(garage["vehicles"][0]["engine"]["id"], r18);

    // Another vehicle: kept too, first, and active.
    let reply = app
        .call_fn(
            SetVehicle {
                vehicle: accord,
                engine: None,
                next: None,
            },
            Some(&both),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let accord_cookie = reply.vehicle_cookie().unwrap();
    let now = format!("{ann}; {accord_cookie}");
    let garage = app.call_fn(MyGarage {}, Some(&now)).await.json();
    let ids: Vec<i64> = garage["vehicles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [accord, civic]);
    assert_eq!(garage["active"], accord.to_string());
    let page = app.get("/vehicle", Some(&now)).await;
    assert!(page.body.contains("My garage"), "{}", page.body);
    assert!(
        page.body.contains("2014 Honda Civic 1.8 L") && page.body.contains("2014 Honda Accord")
    );
    assert!(page.body.contains("Use this vehicle"));

    // Another device, no vehicle: logging in makes the garage's last vehicle active.
    let login = app.login("ann@example.com", PW).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    assert_eq!(login.vehicle_cookie(), Some(format!("pw_vehicle={accord}")));

    // Only the owner removes; a vehicle not kept is "not found".
    let remove = |vehicle: i64| RemoveFromGarage {
        vehicle: vehicle.to_string(),
        next: None,
    };
    let reply = app.call_fn(remove(civic), Some(&ben)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
    let reply = app.call_fn(remove(civic), None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
    let reply = app.call_fn(remove(civic), Some(&now)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reply = app.call_fn(remove(civic), Some(&now)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
    let garage = app.call_fn(MyGarage {}, Some(&now)).await.json();
    assert_eq!(garage["vehicles"].as_array().unwrap().len(), 1);
}

/// "Enter your VIN": it decodes offline to the vehicle and its engine, which become active (and
/// are kept in a logged-in customer's garage); a VIN with a wrong check digit, one the data
/// does not know and one whose vehicle our list lacks are refused with what to do instead,
/// and a plain form post without JavaScript works the same.
#[sqlx::test(migrator = "partwatch::server::db::MIGRATOR")]
async fn a_vin_chooses_the_vehicle_and_its_engine(pool: DbPool) {
    let app = TestApp::new(pool);
    vehicles(&app).await;
    let civic = model_year(&app, "Civic", 2014).await;
    let r18 = id(&app, "SELECT id FROM vehicle_engines WHERE code = 'R18Z1'").await;
    let accord_2003 = model_year(&app, "Accord", 2003).await;
    let j30 = id(&app, "SELECT id FROM vehicle_engines WHERE code = 'J30A4'").await;
    let by_vin = |vin: &str| VehicleByVin {
        vin: vin.into(),
        next: Some("/catalogue".into()),
    };

    // The classic 2003 Accord EX-V6: the vehicle and its 3.0 L.
    let reply = app.call_fn(by_vin("1HGCM82633A004352"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.vehicle_cookie(),
        Some(format!("pw_vehicle={accord_2003}-{j30}"))
    );
    // A 2014 Civic, typed as people type it, as a plain form post: the 1.8 L, and on.
    let civic_vin = with_check_digit("19XFB2F50EE000001").to_lowercase();
    let reply = app
        .post_html_fn(
            by_vin(&format!(" {civic_vin} ")),
            "http://localhost/vehicle",
            None,
        )
        .await;
    assert!(
        reply.status.is_redirection(),
        "{}: {}",
        reply.status,
        reply.body
    );
    assert_eq!(reply.location().as_deref(), Some("/catalogue"));
    assert_eq!(
        reply.vehicle_cookie(),
        Some(format!("pw_vehicle={civic}-{r18}"))
    );

    // Refused, each with its reason, and no vehicle set.
    let wrong_digit = "1HGCM82643A004352";
    let unknown = with_check_digit("9ZZZZ99999Z000001");
    let not_listed = with_check_digit("2T1BURHE0FC000000"); // a 2015 Corolla: we list 2014 only
    for (vin, says) in [
        (wrong_digit, "check digit"),
        ("1HGCM82633A00435", "has 16"),
        ("1HGCM82633AO04352", "the digit 0"),
        (unknown.as_str(), "could not find this VIN"),
        (
            not_listed.as_str(),
            "This VIN is a 2015 Toyota Corolla, which our vehicle list does not have",
        ),
        ("", "Enter the 17-character VIN"),
        (&"9".repeat(5000), "A VIN has 17 characters"),
    ] {
        let reply = app.call_fn(by_vin(vin), None).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{vin}: {}",
            reply.body
        );
        assert!(reply.body.contains(says), "{vin}: {}", reply.body);
        assert_eq!(reply.vehicle_cookie(), None, "{vin}");
    }

    // Logged in: kept in the garage.
    let ann = app
        .register(
            "ann",
            "ann@example.com",
            "correct horse battery",
            "customer",
        )
        .await;
    let reply = app.call_fn(by_vin("1HGCM82633A004352"), Some(&ann)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let garage = app.call_fn(MyGarage {}, Some(&ann)).await.json();
    assert_eq!(garage["vehicles"][0]["id"], accord_2003);
    assert_eq!(garage["vehicles"][0]["engine"]["id"], j30);
}
