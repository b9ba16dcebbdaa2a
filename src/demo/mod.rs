//! Made-up data. The demo shop for an empty database: three suppliers, a customer, and a few
//! dozen parts with pictures drawn by [`pictures`]; and [`generate`], catalogues of any size
//! for benchmarks and load tests.

pub mod generate;
pub mod pictures;

use crate::server::db::{self, DbPool};
use crate::{
    auth::{db as users, password, Email, Role, Username},
    error::AppError,
    media::{
        images::{self, Processed},
        storage::Storage,
    },
    parts::{
        db::{insert_part, NewPart, PartFields},
        Cents, DeliveryEstimate,
    },
};
use pictures::Kind;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "partwatch-demo";

/// A demo login, printed at start.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// Login email.
    pub email: &'static str,
    /// Username.
    pub username: &'static str,
    /// Role.
    pub role: Role,
}

/// The demo accounts: three suppliers and one customer.
pub const DEMO_LOGINS: [DemoLogin; 4] = [
    DemoLogin {
        email: "customer@partwatch.example",
        username: "demo_customer",
        role: Role::Customer,
    },
    DemoLogin {
        email: "brakes@partwatch.example",
        username: "NordBrake",
        role: Role::Supplier,
    },
    DemoLogin {
        email: "filters@partwatch.example",
        username: "RheinFilter",
        role: Role::Supplier,
    },
    DemoLogin {
        email: "electric@partwatch.example",
        username: "VoltLicht",
        role: Role::Supplier,
    },
];

struct DemoPart {
    supplier: usize,
    name: &'static str,
    manufacturer: &'static str,
    model: &'static str,
    description: &'static str,
    price_cents: i64,
    stock: i64,
    delivery: DeliveryEstimate,
    kind: Kind,
    accent: [u8; 3],
}

const RED: [u8; 3] = [190, 38, 44];
const BLUE: [u8; 3] = [29, 78, 216];
const GREEN: [u8; 3] = [22, 128, 84];
const ORANGE: [u8; 3] = [224, 120, 20];
const YELLOW: [u8; 3] = [234, 179, 8];
const GREY: [u8; 3] = [110, 116, 128];

macro_rules! part {
    ($s:expr, $name:expr, $maker:expr, $model:expr, $desc:expr, $price:expr, $stock:expr, $del:ident, $kind:ident, $accent:expr) => {
        DemoPart {
            supplier: $s,
            name: $name,
            manufacturer: $maker,
            model: $model,
            description: $desc,
            price_cents: $price,
            stock: $stock,
            delivery: DeliveryEstimate::$del,
            kind: Kind::$kind,
            accent: $accent,
        }
    };
}

fn demo_parts() -> Vec<DemoPart> {
    vec![
        // NordBrake (supplier 1): brakes, suspension, belts.
        part!(1, "Brake disc, front, vented, 312 mm", "Brembo", "09.A822.11", "Vented front brake disc, 312 mm diameter, 25 mm thick, 5 bolt holes. UV-coated against corrosion. Sold individually; replace in axle pairs. Fits VW Golf VII, Audi A3 8V, Skoda Octavia III.", 6490, 24, Days1To2, BrakeDisc, GREY),
        part!(1, "Brake disc, rear, solid, 272 mm", "ATE", "24.0110-0307.1", "Solid rear brake disc, 272 mm, 10 mm thick. Coated hub and rim. Fits VW Passat B8 and Skoda Superb III with electric parking brake.", 3290, 18, Days1To2, BrakeDisc, GREY),
        part!(1, "High-carbon brake disc, front, 345 mm", "Zimmermann", "150.3484.20", "High-carbon front disc for BMW 3 Series (F30/F31) with M Sport brakes. Better heat dissipation and less judder under hard braking.", 11890, 4, Days3To5, BrakeDisc, RED),
        part!(1, "Drilled sport brake disc, front, 300 mm", "EBC", "GD7202", "Dimpled and slotted sport disc for fast-road use. Cuts brake fade and keeps the pads clean. Fits Ford Focus Mk3 ST.", 8950, 6, Weeks1To2, BrakeDisc, RED),
        part!(1, "Brake pad set, front axle", "Brembo", "P 85 075", "Low-dust ceramic front pad set with wear indicator and fitting kit. ECE R90 approved. Fits VW Golf VII, Audi A3 8V.", 4190, 40, Days1To2, BrakePads, RED),
        part!(1, "Brake pad set, rear axle", "TRW", "GDB1550", "Rear pad set with acoustic wear warning and anti-squeal shims. Fits Opel Astra J and Chevrolet Cruze.", 2790, 3, Days1To2, BrakePads, BLUE),
        part!(1, "Brake pad set, front, performance", "Ferodo", "FDS1468", "DS Performance compound for spirited road driving and track days. High friction from cold. Fits Mazda MX-5 NC.", 9900, 0, Weeks2To4, BrakePads, ORANGE),
        part!(1, "Shock absorber, front, gas pressure", "Sachs", "313 482", "Twin-tube gas pressure front strut. Restores ride comfort and braking distance. Fits Ford Fiesta VII.", 7350, 12, Days3To5, Shock, YELLOW),
        part!(1, "Shock absorber, rear, B4", "Bilstein", "19-226347", "Bilstein B4 OE replacement rear damper, gas pressure. Fits BMW 1 Series (F20/F21).", 6120, 9, Days3To5, Shock, YELLOW),
        part!(1, "Coilover kit, height adjustable", "KW", "V1 10280064", "Variant 1 coilover kit in stainless steel with fixed damping. Lowers by 35–60 mm. TÜV part certificate included. Fits VW Golf VII.", 104900, 2, Weeks2To4, Shock, RED),
        part!(1, "Timing belt kit with water pump", "Gates", "KP25649XS", "PowerGrip timing belt, tensioner, idler and water pump in one box. Replace every 210,000 km or 10 years. Fits 1.6 and 2.0 TDI engines.", 18900, 7, Days1To2, Belt, BLUE),
        part!(1, "Poly V-belt, 6PK1070", "Continental", "6PK1070", "Six-rib auxiliary drive belt, 1070 mm. EPDM rubber for long life. Fits many Peugeot and Citroën 1.6 HDi.", 1890, 55, Days1To2, Belt, GREY),
        // RheinFilter (supplier 2): filters, wipers, oils.
        part!(2, "Oil filter, spin-on", "Mann-Filter", "W 712/95", "Spin-on oil filter with anti-drain valve. Fits VW, Audi, Seat and Skoda petrol engines (1.2–2.0 TSI).", 990, 120, Days1To2, OilFilter, YELLOW),
        part!(2, "Oil filter element with gasket", "Mahle", "OX 388D", "Eco oil filter insert, metal-free and fully incinerable. Gaskets included. Fits BMW N47 and B47 diesel engines.", 1250, 64, Days1To2, OilFilter, BLUE),
        part!(2, "Oil filter, spin-on, HP", "Bosch", "F 026 407 209", "High-performance spin-on oil filter for long service intervals. Fits Ford EcoBoost 1.0.", 1090, 5, Days1To2, OilFilter, GREEN),
        part!(2, "Air filter, panel", "Mann-Filter", "C 27 009", "Panel air filter with high dust capacity. Protects the engine and turbo. Fits Audi A4 B9 2.0 TDI.", 2190, 38, Days1To2, AirFilter, YELLOW),
        part!(2, "Cabin filter, activated carbon", "Bosch", "1 987 432 397", "Activated-carbon cabin filter. Keeps pollen, fine dust and odours out of the car. Fits VW Golf VII and Passat B8.", 2490, 47, Days1To2, AirFilter, GREEN),
        part!(2, "Sport air filter, washable", "K&N", "33-2865", "Reusable cotton-gauze panel filter. Washable and re-oilable for up to 80,000 km between services. Fits Audi A3 8V.", 5490, 11, Days3To5, AirFilter, RED),
        part!(2, "Fuel filter, diesel", "Mann-Filter", "WK 8158", "In-line diesel fuel filter with water separation. Fits Mercedes-Benz Sprinter and Vito CDI.", 3450, 0, Weeks1To2, OilFilter, YELLOW),
        part!(2, "Wiper blade set, flat, 600/475 mm", "Bosch", "3 397 007 297", "Aerotwin flat blade set, front. Even pressure along the whole blade and quiet wiping. Fits BMW 3 Series (F30).", 3290, 30, Days1To2, Wiper, GREEN),
        part!(2, "Rear wiper blade, 280 mm", "Valeo", "574599", "Silencio rear blade with integrated spoiler. Fits VW Polo VI and Golf VII hatchback.", 1190, 2, Days1To2, Wiper, BLUE),
        part!(2, "Hybrid wiper blade, 650 mm", "Denso", "DUR-065L", "Hybrid design: aerodynamic cover on a conventional frame. Works well in snow and ice.", 1590, 16, Days3To5, Wiper, GREY),
        part!(2, "Glow plug, 11 V", "NGK", "Y-1002AS", "Rapid-heat ceramic glow plug for quick cold starts. Fits Audi, Seat, Skoda, VW 2.0 TDI common rail.", 1890, 26, Days1To2, SparkPlug, GREY),
        // VoltLicht (supplier 3): ignition, lighting, batteries, sensors.
        part!(3, "Spark plug, iridium", "NGK", "ILKAR7B11", "Laser iridium spark plug, gap 1.1 mm. Long life (up to 60,000 km) and reliable ignition. Fits Mercedes-Benz M271 and M274 engines.", 1490, 80, Days1To2, SparkPlug, RED),
        part!(3, "Spark plug, double platinum", "Bosch", "FR7DPP33", "Double-platinum spark plug, gap 0.9 mm. Smooth idle and reliable cold starts.", 990, 150, Days1To2, SparkPlug, BLUE),
        part!(3, "Spark plug, iridium, turbo", "Denso", "IKH20TT", "Twin-tip iridium plug with 0.4 mm centre electrode for high-boost turbo engines.", 1690, 5, Days3To5, SparkPlug, ORANGE),
        part!(3, "Ignition coil", "Bosch", "0 221 604 115", "Pencil ignition coil with plug connector. OE quality. Fits BMW N20, N52, N55 engines.", 4590, 14, Days1To2, Sensor, BLUE),
        part!(3, "H7 headlight bulb, +150%", "Osram", "64210NL", "Night Breaker Laser H7, 55 W, 12 V: up to 150% more light and 150 m beam. ECE approved. Pack of two.", 2490, 60, Days1To2, Bulb, BLUE),
        part!(3, "H4 headlight bulb, long life", "Philips", "12342LLECOB1", "LongLife EcoVision H4, 60/55 W: lasts up to four times longer than standard bulbs.", 1190, 33, Days1To2, Bulb, YELLOW),
        part!(3, "D3S xenon burner", "Philips", "42403XV2C1", "Xenon Vision D3S, 35 W, 4800 K. Bright white light for factory HID headlights.", 8990, 0, Weeks1To2, Bulb, BLUE),
        part!(3, "W5W LED side light, 2 pcs", "Osram", "2825DWP-02B", "LEDriving SL W5W in cool white, 6000 K. Instant on, very low power.", 1390, 4, Days1To2, Bulb, GREY),
        part!(3, "Starter battery, AGM, 70 Ah", "Varta", "570 901 076", "Silver Dynamic AGM, 70 Ah, 760 A cold cranking. For cars with start-stop and brake energy recovery.", 18990, 8, Days3To5, Battery, GREY),
        part!(3, "Starter battery, EFB, 60 Ah", "Bosch", "0 092 S4E 051", "S4 E05 EFB, 60 Ah, 640 A. Enhanced flooded battery for entry-level start-stop cars.", 11490, 13, Days3To5, Battery, GREEN),
        part!(3, "Starter battery, 44 Ah", "Exide", "EB442", "Premium Carbon Boost, 44 Ah, 440 A. Maintenance-free. For small cars without start-stop.", 7490, 1, Days1To2, Battery, RED),
        part!(3, "ABS wheel speed sensor, front", "ATE", "24.0711-6258.3", "Active ABS sensor for the front axle, left or right. Fits VW Golf VII and Audi A3 8V.", 3390, 21, Days1To2, Sensor, ORANGE),
        part!(3, "Lambda sensor, upstream", "Bosch", "0 258 017 025", "Wide-band lambda sensor before the catalytic converter. OE part, ready to fit with connector.", 9890, 6, Days3To5, Sensor, GREEN),
        part!(3, "Camshaft position sensor", "Hella", "6PU 009 121-751", "Hall-effect camshaft sensor with O-ring. Fits Renault and Dacia 1.5 dCi.", 2890, 0, Weeks2To4, Sensor, BLUE),
    ]
}

/// Loads the demo data if the database has no users yet, its pictures into `storage`.
/// Returns whether it did.
pub async fn load_if_empty(pool: &DbPool, storage: &Storage) -> Result<bool, AppError> {
    if !users::no_users(pool).await? {
        return Ok(false);
    }
    let hash = password::hash(DEMO_PASSWORD).await?;
    let parts = demo_parts();
    // Draw every picture off the async threads, and store them all, before touching the
    // database.
    let kinds: Vec<(Kind, [u8; 3])> = parts.iter().map(|p| (p.kind, p.accent)).collect();
    let drawn = tokio::task::spawn_blocking(move || -> Result<Vec<Processed>, AppError> {
        kinds
            .into_iter()
            .map(|(kind, accent)| {
                images::process_pixels(pictures::render(kind, accent)).map_err(|e| {
                    tracing::error!(error = %e, "demo image failed");
                    AppError::Internal
                })
            })
            .collect()
    })
    .await??;
    let mut keys = Vec::with_capacity(drawn.len());
    for picture in drawn {
        keys.push(storage.store(picture).await.map_err(io_error)?);
    }

    // One loader at a time (several servers starting together on one empty database): under
    // the lock, look again. A loader that finds the work done leaves its pictures unused.
    let mut tx = db::begin_exclusive(pool, db::Exclusive::DemoData).await?;
    if !users::no_users(&mut *tx).await? {
        return Ok(false);
    }
    let mut ids = Vec::new();
    for login in &DEMO_LOGINS {
        let username = Username::parse(login.username).map_err(|_| AppError::Internal)?;
        let email = Email::parse(login.email).map_err(|_| AppError::Internal)?;
        let id = users::create_user(&mut *tx, &username, &email, &hash, login.role)
            .await
            .map_err(|e| {
                tracing::error!(error = ?e, "demo user failed");
                AppError::Internal
            })?;
        ids.push(id);
    }
    let mut inserted = Vec::with_capacity(parts.len());
    for (i, (part, key)) in parts.iter().zip(&keys).enumerate() {
        let id = insert_part(
            &mut *tx,
            &NewPart {
                supplier_id: ids[part.supplier],
                fields: PartFields {
                    name: part.name,
                    manufacturer: part.manufacturer,
                    model: part.model,
                    description: part.description,
                    price: Cents(part.price_cents),
                    stock: part.stock,
                    delivery: part.delivery,
                },
                image_key: Some(key),
            },
        )
        .await?;
        // Spread creation times over the past days, suppliers interleaved (11 and the part
        // count share no factor, so every part gets its own slot), so "newest" is a mix.
        let age = (parts.len() - (i * 11) % parts.len()) as i64 * 7_200;
        crate::db_query!(
            "UPDATE parts SET created_at = created_at - $1, updated_at = created_at - $1 \
             WHERE id = $2",
            age,
            id,
        )
        .execute(&mut *tx)
        .await?;
        inserted.push((id, ids[part.supplier], part.kind));
    }
    tx.commit().await?;
    for (i, (id, supplier, kind)) in inserted.into_iter().enumerate() {
        add_demo_fitment(pool, i, id, supplier, kind).await?;
    }
    Ok(true)
}

/// Popular vehicles the demo parts fit: make, model, years, and the engine size (tenths of a
/// litre) a part for it may need.
const DEMO_VEHICLES: [(&str, &str, i64, i64, Option<i64>); 7] = [
    ("Honda", "Civic", 2012, 2015, Some(18)),
    ("Toyota", "Corolla", 2014, 2019, None),
    ("Volkswagen", "Golf", 2015, 2020, None),
    ("Ford", "F-150", 2015, 2020, Some(35)),
    ("Honda", "Accord", 2013, 2017, Some(24)),
    ("Toyota", "Camry", 2012, 2017, None),
    ("Nissan", "Altima", 2013, 2018, None),
];

/// The demo listing `id` (the `i`th) gets fitment as its supplier would give it: bulbs and
/// wipers universal, batteries none (they say "no fitment data"), the rest two of
/// [`DEMO_VEHICLES`], checked against the vehicle tables like the editor's rows (a vehicle the
/// tables lack is left out).
async fn add_demo_fitment(
    pool: &DbPool,
    i: usize,
    id: i64,
    supplier: i64,
    kind: Kind,
) -> Result<(), AppError> {
    use crate::fitment::{db as fitment_db, input::FitmentInput};
    let (position, quantity) = match kind {
        Kind::Bulb | Kind::Wiper => {
            fitment_db::set_universal(pool, id, supplier, true).await?;
            return Ok(());
        }
        Kind::Battery => return Ok(()),
        Kind::BrakePads => (if i.is_multiple_of(2) { "front" } else { "rear" }, "1"),
        Kind::BrakeDisc | Kind::Shock => (if i.is_multiple_of(2) { "front" } else { "rear" }, "2"),
        Kind::SparkPlug => ("any", "4"),
        _ => ("any", "1"),
    };
    for pick in [i % DEMO_VEHICLES.len(), (i + 3) % DEMO_VEHICLES.len()] {
        let (make, model, from, to, liters) = DEMO_VEHICLES[pick];
        let model_id: Option<i64> = sqlx::query_scalar(
            "SELECT m.id FROM vehicle_models m JOIN vehicle_makes k ON k.id = m.make_id \
             WHERE k.name = $1 AND m.name = $2",
        )
        .bind(make)
        .bind(model)
        .fetch_optional(pool)
        .await?;
        let Some(model_id) = model_id else {
            continue;
        };
        // Engine-bound parts (plugs, filters) name the engine size.
        let engine_bound = matches!(kind, Kind::SparkPlug | Kind::OilFilter | Kind::AirFilter);
        let liters = liters
            .filter(|_| engine_bound)
            .map(|l| format!("{}.{}", l / 10, l % 10))
            .unwrap_or_default();
        let Ok(new) = (FitmentInput {
            model: model_id.to_string(),
            year_from: from.to_string(),
            year_to: to.to_string(),
            liters,
            position: position.into(),
            quantity: quantity.into(),
            ..FitmentInput::default()
        })
        .parse() else {
            continue;
        };
        if fitment_db::check_vehicle_range(pool, &new).await?.is_ok() {
            fitment_db::add(pool, id, supplier, &new).await?;
        }
    }
    Ok(())
}

fn io_error(err: std::io::Error) -> AppError {
    tracing::error!(error = %err, "writing demo images failed");
    AppError::Internal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn loads_once_into_an_empty_database(pool: DbPool) {
        let dir =
            std::env::temp_dir().join(format!("pw-demo-{}", crate::server::random::random_key()));
        let storage = Storage::disk(&dir);
        assert!(load_if_empty(&pool, &storage).await.unwrap());
        let parts = crate::db_query_scalar!(r#"SELECT COUNT(*) AS "n!" FROM parts"#)
            .fetch_one(&pool)
            .await
            .unwrap();
        let users = crate::db_query_scalar!(r#"SELECT COUNT(*) AS "n!" FROM users"#)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(parts >= 30, "a few dozen parts, got {parts}");
        assert_eq!(users, 4);
        // Every part's pictures exist.
        let keys = crate::db_query_scalar!(r#"SELECT image_key AS "image_key!" FROM parts"#)
            .fetch_all(&pool)
            .await
            .unwrap();
        for key in keys {
            assert!(crate::media::uploads::display_path(&dir, &key).is_file());
            assert!(crate::media::uploads::medium_path(&dir, &key).is_file());
            assert!(crate::media::uploads::thumb_path(&dir, &key).is_file());
        }
        // A second start leaves the data alone.
        assert!(!load_if_empty(&pool, &storage).await.unwrap());
        let again = crate::db_query_scalar!(r#"SELECT COUNT(*) AS "n!" FROM parts"#)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(again, parts);
        std::fs::remove_dir_all(&dir).ok();
    }

    /// Two servers starting together on one empty database (two pools): one loads the demo
    /// data, the other waits for it and loads nothing.
    #[sqlx::test(migrator = "crate::server::db::MIGRATOR")]
    async fn two_servers_starting_together_load_the_demo_once(pool: DbPool) {
        let dir =
            std::env::temp_dir().join(format!("pw-demo2-{}", crate::server::random::random_key()));
        let other = pool.clone();
        let storage = Storage::disk(&dir);
        let (first, second) = tokio::join!(
            load_if_empty(&pool, &storage),
            load_if_empty(&other, &storage)
        );
        let (first, second) = (first.unwrap(), second.unwrap());
        assert!(first != second, "exactly one loads: {first} {second}");
        let users = crate::db_query_scalar!(r#"SELECT COUNT(*) AS "n!" FROM users"#)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(users, 4);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn demo_parts_pass_the_listing_rules() {
        assert_ne!(
            demo_parts().len() % 11,
            0,
            "creation slots must not collide"
        );
        for p in demo_parts() {
            assert!((1..=150).contains(&p.name.chars().count()), "{}", p.name);
            assert!((1..=100).contains(&p.manufacturer.chars().count()));
            assert!((1..=100).contains(&p.model.chars().count()));
            assert!((1..=5000).contains(&p.description.chars().count()));
            assert!((1..=100_000_000).contains(&p.price_cents));
            assert!((0..=1_000_000).contains(&p.stock));
            assert!((1..=3).contains(&p.supplier));
        }
    }
}
