//! `partwatch generate`: fills an empty database with a large, realistic and deterministic
//! catalogue (suppliers, parts, customers, orders in every status) for benchmarks and load
//! tests. The same options always give the same data.
//!
//! Names come from real part kinds, makers from the brands that make them, and part numbers
//! follow the shapes those makers print (`0 986 494 104`, `09.A822.11`, `W 712/95`, …).

use crate::auth::{db as users, password, Email, Role, Username};
use crate::server::db;
use crate::server::db::DbConnection;
use crate::time::unix_now;
use sqlx::Connection;
use std::time::Instant;

/// What to generate, from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Number of parts.
    pub parts: u64,
    /// Number of suppliers the parts are spread over.
    pub suppliers: u64,
    /// Number of customer accounts (`customer1@generated.example`, …).
    pub customers: u64,
    /// Seed of the random choices: the same seed gives the same data.
    pub seed: u64,
    /// The database to fill (created and migrated if missing; must hold no users yet).
    pub database_url: String,
}

/// Usage text of the subcommand.
pub const USAGE: &str =
    "usage: partwatch generate --parts N [--suppliers S] [--seed K] [--database URL]
  --parts N       how many parts (1 to 20,000,000)
  --suppliers S   how many suppliers share them (default: parts / 1000, at least 1)
  --customers C   how many customer accounts (default: parts / 2000, from 20 to 5,000)
  --seed K        random seed; the same seed gives the same data (default 1)
  --database URL  the database to fill (default: DATABASE_URL, else sqlite://partwatch.db?mode=rwc);
                  it must be new or empty";

impl GenerateOptions {
    /// Reads the options that follow `generate` on the command line.
    pub fn parse(args: &[String], default_database: &str) -> Result<Self, String> {
        let mut parts = None;
        let mut suppliers = None;
        let mut customers = None;
        let mut seed = 1;
        let mut database_url = default_database.to_owned();
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
            };
            let number = |name: &str, text: String, max: u64| -> Result<u64, String> {
                text.replace(['_', ','], "")
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| format!("{name}: '{text}' is not a number from 1 to {max}"))
            };
            match flag.as_str() {
                "--parts" => parts = Some(number("--parts", value("--parts")?, 20_000_000)?),
                "--suppliers" => {
                    suppliers = Some(number("--suppliers", value("--suppliers")?, 100_000)?)
                }
                "--customers" => {
                    customers = Some(number("--customers", value("--customers")?, 100_000)?)
                }
                "--seed" => {
                    let text = value("--seed")?;
                    seed = text
                        .parse()
                        .map_err(|_| format!("--seed: '{text}' is not a whole number"))?;
                }
                "--database" => database_url = value("--database")?,
                "-h" | "--help" => return Err(USAGE.to_owned()),
                other => return Err(format!("unknown option '{other}'\n{USAGE}")),
            }
        }
        let parts = parts.ok_or_else(|| format!("--parts is required\n{USAGE}"))?;
        let suppliers = suppliers.unwrap_or((parts / 1000).max(1)).min(parts);
        Ok(Self {
            parts,
            suppliers,
            customers: customers.unwrap_or((parts / 2000).clamp(20, 5000)),
            seed,
            database_url,
        })
    }
}

/// What was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    /// Parts written.
    pub parts: u64,
    /// Suppliers written.
    pub suppliers: u64,
    /// Customers written.
    pub customers: u64,
    /// Orders written.
    pub orders: u64,
}

/// The password of every generated account.
pub const GENERATED_PASSWORD: &str = "partwatch-demo";

/// Fills the database; prints progress to stderr while it runs.
pub async fn run(options: &GenerateOptions) -> Result<Generated, String> {
    let started = Instant::now();
    let say = |what: &str| eprintln!("[{:>5.1}s] {what}", started.elapsed().as_secs_f64());
    // Migrate through the normal pool first, so the schema is exactly the server's.
    let pool = db::connect(&options.database_url)
        .await
        .map_err(|e| db::open_error_message(&options.database_url, &e))?;
    let empty = users::no_users(&pool).await.map_err(|e| e.to_string())?;
    if empty {
        // Fitments name the vehicle tables' models, as the server loads them at start.
        crate::vehicles::db::load_vehicle_data(&pool).await?;
    }
    let models = if empty {
        vehicle_models(&pool).await.map_err(|e| e.to_string())?
    } else {
        Vec::new()
    };
    pool.close().await;
    if !empty {
        return Err(format!(
            "{} already holds data; generate fills only a new or empty database",
            options.database_url
        ));
    }

    // One connection tuned for bulk writing: a crash here loses only generated data.
    let mut conn = db::dialect::bulk_connection(&options.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let db = |e: sqlx::Error| format!("writing the database failed: {e}");

    let hash = password::hash(GENERATED_PASSWORD)
        .await
        .map_err(|_| "hashing the password failed".to_owned())?;
    let mut rng = Rng::new(options.seed);

    say(&format!("{} suppliers", options.suppliers));
    let mut tx = conn.begin().await.map_err(db)?;
    let mut supplier_ids = Vec::with_capacity(options.suppliers as usize);
    for n in 1..=options.suppliers {
        let name = supplier_name(&mut rng, n);
        let id = create_account(
            &mut tx,
            &name,
            &format!("supplier{n}@generated.example"),
            &hash,
            Role::Supplier,
        )
        .await?;
        supplier_ids.push(id);
    }
    let customers = options.customers;
    say(&format!("{customers} customers"));
    let mut customer_ids = Vec::with_capacity(customers as usize);
    for n in 1..=customers {
        let id = create_account(
            &mut tx,
            &format!("customer{n}"),
            &format!("customer{n}@generated.example"),
            &hash,
            Role::Customer,
        )
        .await?;
        customer_ids.push(id);
    }
    tx.commit().await.map_err(db)?;

    // Parts, in batches of multi-row INSERTs. Creation times rise with the id, spread over the
    // last three years, as they would in a shop that has been adding listings all along.
    say(&format!("{} parts", options.parts));
    let now = unix_now();
    let span = 3 * 365 * 86_400;
    let first_id =
        crate::db_query_scalar!(r#"SELECT COALESCE(MAX(id), 0) + 1 AS "next!: i64" FROM parts"#)
            .fetch_one(&mut conn)
            .await
            .map_err(db)?;
    // Supplier sizes follow a long tail: a few big ones, many small ones.
    let weights: Vec<f64> = (0..supplier_ids.len())
        .map(|i| 1.0 / (1.0 + i as f64).powf(0.8))
        .collect();
    let supplier_of = Alias::new(&weights);
    let mut parts_by_supplier: Vec<Vec<(i64, i64)>> = vec![Vec::new(); supplier_ids.len()];
    let mut counters = vec![0u64; MAKERS.len()];
    const BATCH: usize = 400;
    let insert_batch = |rows: usize| {
        let mut sql = String::from(
            "INSERT INTO parts (id, supplier_id, name, manufacturer, model, description, price_cents, \
             stock, delivery_estimate, archived, created_at, updated_at, universal) VALUES ",
        );
        for i in 0..rows {
            sql.push_str(if i == 0 { "(" } else { ",(" });
            let first = i * 13 + 1;
            let params: Vec<String> = (first..first + 13).map(|n| format!("${n}")).collect();
            sql.push_str(&params.join(","));
            sql.push(')');
        }
        sql
    };
    let full_batch_sql = insert_batch(BATCH);
    let mut tx = conn.begin().await.map_err(db)?;
    db::dialect::begin_parts_bulk_load(&mut tx)
        .await
        .map_err(db)?;
    let mut batch: Vec<GeneratedPart> = Vec::with_capacity(BATCH);
    // Fitments from their own random sequence, so the parts are those of earlier versions.
    let mut fitter = Fitter::new(&models, options.seed);
    let mut fitments: Vec<GeneratedFitment> = Vec::new();
    let mut last_report = Instant::now();
    for n in 0..options.parts {
        let id = first_id + n as i64;
        let supplier = supplier_of.sample(&mut rng);
        let created_at = now - span + (span * n as i64) / options.parts.max(1) as i64;
        let part = generate_part(
            &mut rng,
            &mut counters,
            id,
            supplier_ids[supplier],
            created_at,
        );
        if !part.archived {
            parts_by_supplier[supplier].push((id, part.price_cents));
        }
        let mut part = part;
        part.universal = fitter.add(id, &mut fitments);
        batch.push(part);
        if batch.len() == BATCH || n + 1 == options.parts {
            let sql = if batch.len() == BATCH {
                full_batch_sql.clone()
            } else {
                insert_batch(batch.len())
            };
            let mut query = sqlx::query(&sql);
            for p in batch.drain(..) {
                query = query
                    .bind(p.id)
                    .bind(p.supplier_id)
                    .bind(p.name)
                    .bind(p.manufacturer)
                    .bind(p.model)
                    .bind(p.description)
                    .bind(p.price_cents)
                    .bind(p.stock)
                    .bind(p.delivery)
                    .bind(i64::from(p.archived))
                    .bind(p.created_at)
                    .bind(p.created_at)
                    .bind(i64::from(p.universal));
            }
            query.execute(&mut *tx).await.map_err(db)?;
            insert_fitments(&mut tx, &mut fitments, n + 1 == options.parts)
                .await
                .map_err(db)?;
            if last_report.elapsed().as_secs() >= 5 {
                say(&format!("  {} of {} parts", n + 1, options.parts));
                last_report = Instant::now();
            }
        }
    }
    db::dialect::end_parts_bulk_load(&mut tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)?;

    // Orders in every status, each from one supplier's parts, as checkout makes them.
    let orders = (options.parts / 100).clamp(10, 200_000);
    say(&format!("{orders} orders"));
    let mut tx = conn.begin().await.map_err(db)?;
    let mut written = 0;
    for n in 0..orders {
        let supplier = supplier_of.sample(&mut rng);
        let stock = &parts_by_supplier[supplier];
        if stock.is_empty() {
            continue;
        }
        let customer = customer_ids[rng.below(customer_ids.len() as u64) as usize];
        let created_at = now - span + (span * n as i64) / orders as i64;
        let status = STATUSES[rng.below(STATUSES.len() as u64) as usize];
        let lines: Vec<(i64, i64, i64)> = (0..1 + rng.below(3))
            .map(|_| {
                let (part, price) = stock[rng.below(stock.len() as u64) as usize];
                (part, 1 + rng.below(3) as i64, price)
            })
            .collect();
        let total: i64 = lines.iter().map(|(_, q, p)| q * p).sum();
        let step = |after: i64| Some(created_at + after * 86_400);
        let (paid, shipped, completed, cancelled) = match status {
            "awaiting_payment" => (None, None, None, None),
            "paid" => (step(1), None, None, None),
            "shipped" => (step(1), step(2), None, None),
            "completed" => (step(1), step(2), step(5), None),
            _ => (None, None, None, step(1)),
        };
        let supplier_id = supplier_ids[supplier];
        let shipping_name = format!("Customer {}", customer);
        let shipping_address = format!(
            "{} Hauptstraße\n{:05} Musterstadt",
            1 + rng.below(200),
            10_000 + rng.below(89_999)
        );
        let order_id = crate::db_query_scalar!(
            "INSERT INTO orders (customer_id, supplier_id, status, total_cents, shipping_name, \
             shipping_address, created_at, paid_at, shipped_at, completed_at, cancelled_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id AS \"id!\"",
            customer,
            supplier_id,
            status,
            total,
            shipping_name,
            shipping_address,
            created_at,
            paid,
            shipped,
            completed,
            cancelled,
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        let reference = crate::orders::payment_reference(order_id);
        crate::db_query!(
            "UPDATE orders SET payment_reference = $1 WHERE id = $2",
            reference,
            order_id,
        )
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        for (part, quantity, price) in lines {
            let line_total = quantity * price;
            crate::db_query!(
                "INSERT INTO purchases (order_id, part_id, part_name, quantity, unit_price_cents, \
                 line_total_cents) SELECT $1, id, name, $2, $3, $4 FROM parts WHERE id = $5",
                order_id,
                quantity,
                price,
                line_total,
                part,
            )
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        written += 1;
    }
    tx.commit().await.map_err(db)?;

    say("indexing and updating the query planner's statistics");
    db::dialect::after_bulk_load(&mut conn).await.map_err(db)?;
    conn.close().await.map_err(db)?;
    say("done");
    Ok(Generated {
        parts: options.parts,
        suppliers: options.suppliers,
        customers,
        orders: written,
    })
}

async fn create_account(
    tx: &mut DbConnection,
    username: &str,
    email: &str,
    hash: &str,
    role: Role,
) -> Result<i64, String> {
    let username = Username::parse(username).map_err(|e| format!("{username}: {e}"))?;
    let email = Email::parse(email).map_err(|e| format!("{email}: {e}"))?;
    users::create_user(&mut *tx, &username, &email, hash, role)
        .await
        .map_err(|e| format!("creating {}: {e:?}", username.as_str()))
}

const STATUSES: [&str; 8] = [
    "awaiting_payment",
    "awaiting_payment",
    "paid",
    "shipped",
    "completed",
    "completed",
    "completed",
    "cancelled",
];

/// A small deterministic random generator (SplitMix64): the same seed gives the same data on
/// every machine and with every version of the `rand` crate.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed ^ 0x5057_6174_6368_2121)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
    /// A number in `0.0..1.0`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Walker's alias table: draws an index with the given weights in constant time.
struct Alias {
    prob: Vec<f64>,
    alias: Vec<usize>,
}

impl Alias {
    fn new(weights: &[f64]) -> Self {
        let n = weights.len();
        let sum: f64 = weights.iter().sum();
        let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / sum).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..n).partition(|&i| scaled[i] < 1.0);
        let mut prob = vec![1.0; n];
        let mut alias: Vec<usize> = (0..n).collect();
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            prob[s] = scaled[s];
            alias[s] = l;
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        Self { prob, alias }
    }
    fn sample(&self, rng: &mut Rng) -> usize {
        let i = rng.below(self.prob.len() as u64) as usize;
        if rng.unit() < self.prob[i] {
            i
        } else {
            self.alias[i]
        }
    }
}

struct GeneratedPart {
    id: i64,
    supplier_id: i64,
    name: String,
    manufacturer: &'static str,
    model: String,
    description: String,
    price_cents: i64,
    stock: i64,
    delivery: &'static str,
    archived: bool,
    created_at: i64,
    universal: bool,
}

fn supplier_name(rng: &mut Rng, n: u64) -> String {
    const FIRST: [&str; 16] = [
        "Nord", "Rhein", "Alpen", "Elbe", "Metro", "Express", "Rapid", "Prime", "Delta", "Atlas",
        "Falken", "Ostsee", "Donau", "Harz", "Kraft", "Motor",
    ];
    const SECOND: [&str; 8] = [
        "Parts",
        "Teile",
        "Depot",
        "Supply",
        "Autoteile",
        "Motors",
        "Garage",
        "Handel",
    ];
    format!("{}{}{n}", rng.pick(&FIRST), rng.pick(&SECOND))
}

/// Part kinds: (name, category, lowest and highest usual price in cents, variants).
const KINDS: &[(&str, Category, i64, i64, &[&str])] = {
    use Category::*;
    &[
        (
            "Brake disc",
            Brakes,
            1800,
            16000,
            &[
                "front, vented, 280 mm",
                "front, vented, 312 mm",
                "rear, solid, 272 mm",
                "front, high-carbon, 345 mm",
                "rear, solid, 255 mm",
                "front, drilled, 300 mm",
            ],
        ),
        (
            "Brake pad set",
            Brakes,
            1500,
            9000,
            &[
                "front axle",
                "rear axle",
                "front, ceramic",
                "rear, with wear sensor",
                "front, performance",
            ],
        ),
        (
            "Brake caliper",
            Brakes,
            4500,
            28000,
            &["front left", "front right", "rear left", "rear right"],
        ),
        (
            "Brake hose",
            Brakes,
            600,
            3500,
            &["front", "rear", "front left", "rear right"],
        ),
        (
            "Brake fluid DOT 4",
            Brakes,
            500,
            2500,
            &["1 litre", "500 ml", "5 litres"],
        ),
        (
            "Oil filter",
            Filters,
            450,
            2500,
            &["spin-on", "element with gasket", "cartridge"],
        ),
        (
            "Air filter",
            Filters,
            700,
            4500,
            &["panel", "round", "sport, washable"],
        ),
        (
            "Cabin filter",
            Filters,
            800,
            4000,
            &["activated carbon", "pollen", "anti-allergen"],
        ),
        (
            "Fuel filter",
            Filters,
            900,
            6000,
            &["diesel", "petrol, in-line", "with water separator"],
        ),
        (
            "Spark plug",
            Ignition,
            300,
            2500,
            &["iridium", "double platinum", "nickel", "iridium, turbo"],
        ),
        (
            "Ignition coil",
            Ignition,
            2000,
            9000,
            &["pencil type", "block, 4 cylinders", "with plug connector"],
        ),
        (
            "Glow plug",
            Ignition,
            800,
            4000,
            &["11 V", "ceramic, rapid heat", "4.4 V"],
        ),
        (
            "Starter battery",
            Electrics,
            5000,
            25000,
            &["AGM, 70 Ah", "EFB, 60 Ah", "44 Ah", "AGM, 95 Ah", "80 Ah"],
        ),
        (
            "Alternator",
            Electrics,
            9000,
            45000,
            &["140 A", "180 A", "90 A, remanufactured"],
        ),
        (
            "Starter motor",
            Electrics,
            8000,
            38000,
            &["1.4 kW", "2.0 kW", "1.1 kW, remanufactured"],
        ),
        (
            "Lambda sensor",
            Electrics,
            3000,
            14000,
            &["before catalyst", "after catalyst", "wideband"],
        ),
        (
            "ABS sensor",
            Electrics,
            1500,
            7000,
            &["front left", "front right", "rear axle"],
        ),
        (
            "Headlight bulb H7",
            Lighting,
            500,
            3500,
            &["long life", "+150% brighter", "cool white", "pack of two"],
        ),
        (
            "Headlight bulb H4",
            Lighting,
            500,
            3000,
            &["long life", "+130% brighter", "pack of two"],
        ),
        (
            "Headlight",
            Lighting,
            9000,
            90000,
            &[
                "left, halogen",
                "right, halogen",
                "left, LED",
                "right, xenon",
            ],
        ),
        (
            "Tail light",
            Lighting,
            3500,
            25000,
            &["left", "right", "left, LED"],
        ),
        (
            "Shock absorber",
            Suspension,
            3000,
            20000,
            &[
                "front, gas pressure",
                "rear, gas pressure",
                "front left",
                "rear, oil",
            ],
        ),
        (
            "Coil spring",
            Suspension,
            2000,
            9000,
            &["front axle", "rear axle", "lowered, front"],
        ),
        (
            "Control arm",
            Suspension,
            2500,
            16000,
            &["front left, lower", "front right, lower", "rear, upper"],
        ),
        (
            "Anti-roll bar link",
            Suspension,
            800,
            4000,
            &["front axle", "rear axle", "front, left and right"],
        ),
        (
            "Wheel bearing kit",
            Suspension,
            2500,
            14000,
            &["front axle", "rear axle", "with ABS ring"],
        ),
        (
            "Tie rod end",
            Steering,
            900,
            5000,
            &["left", "right", "outer"],
        ),
        (
            "Steering rack",
            Steering,
            15000,
            80000,
            &["hydraulic", "electric, remanufactured"],
        ),
        (
            "Timing belt kit",
            Engine,
            6000,
            30000,
            &["with water pump", "with tensioner", "complete"],
        ),
        (
            "Timing chain kit",
            Engine,
            9000,
            45000,
            &["with sprockets", "complete"],
        ),
        (
            "V-ribbed belt",
            Engine,
            800,
            5000,
            &["6PK1070", "5PK1150", "6PK1538", "4PK855"],
        ),
        (
            "Cylinder head gasket",
            Engine,
            2000,
            12000,
            &["multi-layer steel", "1.5 mm"],
        ),
        (
            "Engine mount",
            Engine,
            2500,
            15000,
            &["front", "rear", "left", "hydraulic"],
        ),
        (
            "Water pump",
            Cooling,
            3000,
            18000,
            &["with gasket", "electric", "mechanical"],
        ),
        (
            "Radiator",
            Cooling,
            6000,
            40000,
            &["aluminium", "manual gearbox", "automatic gearbox"],
        ),
        (
            "Thermostat",
            Cooling,
            1200,
            8000,
            &["with housing", "87 °C", "with seal"],
        ),
        (
            "Clutch kit",
            Clutch,
            9000,
            60000,
            &[
                "three-piece",
                "with release bearing",
                "with dual-mass flywheel",
            ],
        ),
        ("Dual-mass flywheel", Clutch, 25000, 90000, &["with bolts"]),
        (
            "Exhaust silencer",
            Exhaust,
            5000,
            30000,
            &["rear", "middle", "sport, stainless"],
        ),
        (
            "Catalytic converter",
            Exhaust,
            15000,
            120000,
            &["Euro 5", "Euro 6", "with mounting kit"],
        ),
        (
            "Wiper blade set",
            Wipers,
            1200,
            5000,
            &["flat, 600/475 mm", "flat, 650/400 mm", "hybrid, 550 mm"],
        ),
        (
            "Rear wiper blade",
            Wipers,
            600,
            2500,
            &["280 mm", "330 mm", "400 mm"],
        ),
    ]
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Category {
    Brakes,
    Filters,
    Ignition,
    Electrics,
    Batteries,
    Lighting,
    Suspension,
    Steering,
    Engine,
    Cooling,
    Clutch,
    Exhaust,
    Wipers,
}

/// Makers, the categories they make, and the shapes of their part numbers (`#` a digit, `A` a
/// capital letter).
const MAKERS: &[(&str, &[Category], &[&str])] = {
    use Category::*;
    &[
        (
            "Bosch",
            &[Brakes, Filters, Ignition, Electrics, Batteries, Wipers],
            &[
                "0 986 ### ###",
                "1 987 ### ###",
                "F 026 ### ###",
                "3 397 ### ###",
            ],
        ),
        (
            "Brembo",
            &[Brakes],
            &["09.A###.##", "P ## ###", "08.####.##"],
        ),
        ("ATE", &[Brakes], &["24.01##-####.#", "13.0460-####.2"]),
        (
            "TRW",
            &[Brakes, Steering, Suspension],
            &["GDB####", "DF####", "JTE####"],
        ),
        ("Textar", &[Brakes], &["2###01", "9###0000"]),
        ("Zimmermann", &[Brakes], &["###.####.20", "###.####.52"]),
        ("Ferodo", &[Brakes], &["FDB####", "FCV####B"]),
        (
            "Mann-Filter",
            &[Filters],
            &["W ###/##", "C ## ###", "HU ###/#x", "CUK ####", "WK ####"],
        ),
        (
            "Mahle",
            &[Filters, Cooling, Engine],
            &["OX ###D", "LX ####", "KL ###", "CR ### ###S"],
        ),
        ("Hengst", &[Filters], &["H##W##", "E###L", "E####LI"]),
        ("Purflux", &[Filters], &["L###", "A####", "AHC###"]),
        ("NGK", &[Ignition], &["BKR#EIX-11", "ILKAR#B##", "U####"]),
        (
            "Denso",
            &[Ignition, Electrics, Wipers],
            &["IK##", "K##PR-U", "DUR-0##L", "DOX-0###"],
        ),
        ("Beru", &[Ignition], &["Z ###", "ZS ###", "GN ###"]),
        ("Champion", &[Ignition, Wipers], &["OE###", "RC#YCC"]),
        (
            "Valeo",
            &[Electrics, Lighting, Clutch, Cooling, Wipers],
            &["######", "8#####"],
        ),
        (
            "Hella",
            &[Electrics, Lighting, Cooling],
            &["#AB ### ###-###", "#SD ### ###-###"],
        ),
        ("Varta", &[Batteries], &["### ### ###"]),
        ("Exide", &[Batteries], &["EA###", "EB###", "EK###"]),
        ("Osram", &[Lighting], &["642##NBS", "64###LL", "####CBN"]),
        ("Philips", &[Lighting], &["12###PRC1", "12###LLECOB1"]),
        ("Sachs", &[Suspension, Clutch], &["### ###", "3000 ### ###"]),
        ("Bilstein", &[Suspension], &["##-######"]),
        ("Monroe", &[Suspension], &["G####", "E####", "SP####"]),
        ("KYB", &[Suspension], &["######", "3#####"]),
        ("Lemförder", &[Suspension, Steering], &["## ### ##"]),
        (
            "Febi Bilstein",
            &[Suspension, Steering, Engine, Filters],
            &["#####", "1####"],
        ),
        (
            "Meyle",
            &[Suspension, Steering],
            &["### ### ####", "##-## ### ####"],
        ),
        ("Elring", &[Engine], &["###.###", "###.##0"]),
        ("Victor Reinz", &[Engine], &["##-#####-##"]),
        (
            "Gates",
            &[Engine, Cooling],
            &["K0#####", "#PK####", "KP#####XS"],
        ),
        ("Continental", &[Engine], &["CT####K#", "#PK####"]),
        ("INA", &[Engine], &["### #### ##"]),
        ("SKF", &[Engine, Suspension], &["VKMA #####", "VKBA ####"]),
        ("Dayco", &[Engine], &["KTB###", "#PK####"]),
        ("Nissens", &[Cooling], &["#####", "6####"]),
        ("NRF", &[Cooling], &["5####"]),
        ("LuK", &[Clutch], &["### #### ##", "415 0### 10"]),
        ("Bosal", &[Exhaust], &["###-###"]),
        ("Walker", &[Exhaust], &["#####", "2####"]),
        ("HJS", &[Exhaust], &["## ## ####"]),
        ("Swf", &[Wipers], &["######"]),
    ]
};

const CARS: [&str; 24] = [
    "VW Golf VII",
    "VW Passat B8",
    "Audi A3 8V",
    "Audi A4 B9",
    "Skoda Octavia III",
    "Seat Leon III",
    "BMW 3 Series (F30)",
    "BMW 1 Series (F20)",
    "Mercedes-Benz C-Class (W205)",
    "Mercedes-Benz Sprinter",
    "Opel Astra K",
    "Opel Corsa E",
    "Ford Focus Mk3",
    "Ford Fiesta VII",
    "Renault Clio IV",
    "Peugeot 308 II",
    "Citroën C4",
    "Toyota Corolla E210",
    "Toyota Yaris III",
    "Hyundai i30",
    "Kia Ceed",
    "Fiat 500",
    "Volvo V60",
    "Mazda 3 (BM)",
];

const DELIVERY: [&str; 6] = [
    "1-2_days",
    "1-2_days",
    "1-2_days",
    "3-5_days",
    "1-2_weeks",
    "2-4_weeks",
];

fn part_number(rng: &mut Rng, pattern: &str, counter: u64) -> String {
    // Digits from the maker's running counter (scrambled, so neighbours differ), letters at
    // random: numbers are distinct within a maker's pattern for its first 10^digits parts.
    let digits = pattern.chars().filter(|&c| c == '#').count() as u32;
    let modulus = 10u64.pow(digits.min(18));
    let mut value = counter.wrapping_mul(7_919).wrapping_add(104_729) % modulus;
    let mut out: Vec<char> = pattern.chars().collect();
    for c in out.iter_mut().rev() {
        if *c == '#' {
            *c = char::from(b'0' + (value % 10) as u8);
            value /= 10;
        } else if *c == 'A' {
            *c = char::from(b'A' + rng.below(26) as u8);
        }
    }
    out.into_iter().collect()
}

fn generate_part(
    rng: &mut Rng,
    counters: &mut [u64],
    id: i64,
    supplier_id: i64,
    created_at: i64,
) -> GeneratedPart {
    let &(kind, category, low, high, variants) = rng.pick(KINDS);
    // Makers that make this category; every category has some.
    let makers: Vec<usize> = (0..MAKERS.len())
        .filter(|&m| MAKERS[m].1.contains(&category))
        .collect();
    let maker = *rng.pick(&makers);
    let (maker_name, _, patterns) = MAKERS[maker];
    counters[maker] += 1;
    let pattern = *rng.pick(patterns);
    let model = part_number(rng, pattern, counters[maker]);
    let variant = rng.pick(variants);
    let name = format!("{kind}, {variant}");
    let car = rng.below(CARS.len() as u64) as usize;
    // A second, different car.
    let other = CARS[(car + 1 + rng.below(CARS.len() as u64 - 1) as usize) % CARS.len()];
    let car = CARS[car];
    let description = format!(
        "{kind} ({variant}) by {maker_name}, part number {model}. OE quality, tested to the \
         maker's specification. Fits {car} and {other} among others; compare the part number \
         with your old part before ordering."
    );
    // Prices spread evenly on a log scale between the kind's usual lowest and highest.
    let price = (low as f64 * (high as f64 / low as f64).powf(rng.unit())).round() as i64;
    let price_cents = (price / 10 * 10 + 9).clamp(1, 100_000_000);
    let stock = match rng.below(100) {
        0..=9 => 0,
        10..=19 => 1 + rng.below(5) as i64,
        _ => 6 + rng.below(400) as i64,
    };
    GeneratedPart {
        id,
        supplier_id,
        name,
        manufacturer: maker_name,
        model,
        description,
        price_cents,
        stock,
        delivery: DELIVERY[rng.below(DELIVERY.len() as u64) as usize],
        archived: rng.below(100) < 3,
        created_at,
        universal: false,
    }
}

/// A model of the vehicle tables with its model years (ascending) and each year's engine sizes.
struct ModelYears {
    model_id: i64,
    years: Vec<(i64, Vec<i64>)>,
}

/// Every model with its years and engine sizes, from the vehicle tables.
async fn vehicle_models(pool: &db::DbPool) -> sqlx::Result<Vec<ModelYears>> {
    let rows: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT v.model_id, v.year, e.liters_x10 FROM vehicles v \
         LEFT JOIN vehicle_engines e ON e.vehicle_id = v.id AND e.liters_x10 > 0 \
         ORDER BY v.model_id, v.year, e.liters_x10",
    )
    .fetch_all(pool)
    .await?;
    let mut models: Vec<ModelYears> = Vec::new();
    for (model_id, year, liters) in rows {
        if models.last().is_none_or(|m| m.model_id != model_id) {
            models.push(ModelYears {
                model_id,
                years: Vec::new(),
            });
        }
        let model = models.last_mut().expect("pushed above");
        if model.years.last().is_none_or(|(y, _)| *y != year) {
            model.years.push((year, Vec::new()));
        }
        let sizes = &mut model.years.last_mut().expect("pushed above").1;
        if let Some(l) = liters.filter(|l| !sizes.contains(l)) {
            sizes.push(l);
        }
    }
    Ok(models)
}

/// A fitment row to write.
struct GeneratedFitment {
    part_id: i64,
    model_id: i64,
    year_from: i64,
    year_to: i64,
    liters_x10: Option<i64>,
    position: &'static str,
    quantity: i64,
    body: &'static str,
    drive: &'static str,
}

/// Makes each part's fitment as suppliers give it: a few parts universal, some with no data,
/// the rest fitting 1 to 10 model-year ranges (about five rows a part on average) of models
/// drawn with a long tail (models sold for many years are the common ones), a quarter of them
/// only with one engine size, some only for a body or a drive.
struct Fitter<'m> {
    models: &'m [ModelYears],
    popular: Option<Alias>,
    rng: Rng,
}

impl<'m> Fitter<'m> {
    fn new(models: &'m [ModelYears], seed: u64) -> Self {
        // Popularity by rank of the number of model years.
        let mut rank: Vec<usize> = (0..models.len()).collect();
        rank.sort_by_key(|&i| (std::cmp::Reverse(models[i].years.len()), models[i].model_id));
        let mut weights = vec![0.0; models.len()];
        for (r, &i) in rank.iter().enumerate() {
            weights[i] = 1.0 / (1.0 + r as f64).powf(0.9);
        }
        Self {
            models,
            popular: (!models.is_empty()).then(|| Alias::new(&weights)),
            rng: Rng::new(seed ^ 0x4649_544d_454e_5453),
        }
    }

    /// Adds part `part_id`'s fitments to `out`; whether the part is universal instead.
    fn add(&mut self, part_id: i64, out: &mut Vec<GeneratedFitment>) -> bool {
        let Some(popular) = &self.popular else {
            return false;
        };
        let rng = &mut self.rng;
        match rng.below(100) {
            0..=2 => return true,
            3..=14 => return false,
            _ => {}
        }
        for _ in 0..1 + rng.below(10) {
            let model = &self.models[popular.sample(rng)];
            let first = rng.below(model.years.len() as u64) as usize;
            let sizes = &model.years[first].1;
            let liters = (!sizes.is_empty() && rng.below(4) == 0).then(|| *rng.pick(sizes));
            // Up to six consecutive model years (with that engine size, if one is named).
            let mut last = first;
            for _ in 0..rng.below(6) {
                let next = last + 1;
                let consecutive = model.years.get(next).is_some_and(|(y, s)| {
                    *y == model.years[last].0 + 1 && liters.is_none_or(|l| s.contains(&l))
                });
                if !consecutive {
                    break;
                }
                last = next;
            }
            out.push(GeneratedFitment {
                part_id,
                model_id: model.model_id,
                year_from: model.years[first].0,
                year_to: model.years[last].0,
                liters_x10: liters,
                position: ["any", "any", "front", "rear"][rng.below(4) as usize],
                quantity: [1, 1, 2, 4][rng.below(4) as usize],
                body: if rng.below(20) == 0 { "Sedan" } else { "" },
                drive: if rng.below(20) == 0 { "fwd" } else { "" },
            });
        }
        false
    }
}

/// Writes the gathered fitments in multi-row INSERTs of up to 400 rows, keeping a partial batch
/// for later unless `all`.
async fn insert_fitments(
    conn: &mut DbConnection,
    rows: &mut Vec<GeneratedFitment>,
    all: bool,
) -> sqlx::Result<()> {
    const BATCH: usize = 400;
    while rows.len() >= BATCH || (all && !rows.is_empty()) {
        let take = rows.len().min(BATCH);
        let mut q = sqlx::QueryBuilder::new(
            "INSERT INTO fitments (part_id, model_id, year_from, year_to, liters_x10, position, \
             quantity, body, drive, built_from, built_to, note) ",
        );
        q.push_values(rows.drain(..take), |mut b, f| {
            b.push_bind(f.part_id)
                .push_bind(f.model_id)
                .push_bind(f.year_from)
                .push_bind(f.year_to)
                .push_bind(f.liters_x10)
                .push_bind(f.position)
                .push_bind(f.quantity)
                .push_bind(f.body)
                .push_bind(f.drive)
                .push_bind("")
                .push_bind("")
                .push_bind("");
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// A fresh folder and the URL of an empty database in it, for tests that generate a catalogue.
#[cfg(test)]
async fn test_database(name: &str) -> (std::path::PathBuf, String) {
    let dir =
        std::env::temp_dir().join(format!("pw-{name}-{}", crate::server::random::random_key()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = crate::server::db::scratch_database(&dir).await.unwrap();
    (dir, url)
}

/// A generated catalogue for a test, in a fresh folder: `parts` parts of `suppliers` suppliers,
/// `customers` customers, drawn with `seed`. The caller closes the pool and removes the folder.
#[cfg(test)]
pub(crate) async fn test_catalogue(
    name: &str,
    parts: u64,
    suppliers: u64,
    customers: u64,
    seed: u64,
) -> (std::path::PathBuf, crate::server::db::DbPool) {
    let (dir, url) = test_database(name).await;
    run(&GenerateOptions {
        parts,
        suppliers,
        customers,
        seed,
        database_url: url.clone(),
    })
    .await
    .unwrap();
    (dir, crate::server::db::connect(&url).await.unwrap())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn options_read_from_the_command_line() {
        let o =
            GenerateOptions::parse(&args("--parts 1_000_000 --seed 7"), "sqlite://x.db").unwrap();
        assert_eq!(
            o,
            GenerateOptions {
                parts: 1_000_000,
                suppliers: 1000,
                customers: 500,
                seed: 7,
                database_url: "sqlite://x.db".into()
            }
        );
        assert!(GenerateOptions::parse(&args("--seed 7"), "d")
            .unwrap_err()
            .contains("--parts is required"));
        assert!(GenerateOptions::parse(&args("--parts 0"), "d")
            .unwrap_err()
            .contains("--parts"));
        assert!(GenerateOptions::parse(&args("--parts ten"), "d")
            .unwrap_err()
            .contains("'ten'"));
        assert!(GenerateOptions::parse(&args("--parts 5 --bogus"), "d")
            .unwrap_err()
            .contains("unknown option"));
        assert!(GenerateOptions::parse(&args("--parts"), "d")
            .unwrap_err()
            .contains("needs a value"));
    }

    #[test]
    fn part_numbers_have_the_makers_shapes() {
        let mut rng = Rng::new(1);
        assert_eq!(
            part_number(&mut rng, "0 986 ### ###", 1).len(),
            "0 986 494 104".len()
        );
        let n = part_number(&mut rng, "09.A###.##", 2);
        assert!(
            n.starts_with("09.") && n.chars().nth(3).unwrap().is_ascii_uppercase(),
            "{n}"
        );
        let a = part_number(&mut rng, "W ###/##", 3);
        let b = part_number(&mut rng, "W ###/##", 4);
        assert_ne!(a, b);
    }

    #[test]
    fn generated_parts_pass_the_listing_rules_and_repeat_with_the_seed() {
        let make = |seed| {
            let mut rng = Rng::new(seed);
            let mut counters = vec![0; MAKERS.len()];
            (0..2000)
                .map(|i| generate_part(&mut rng, &mut counters, i, 1, 0))
                .collect::<Vec<_>>()
        };
        let parts = make(3);
        for p in &parts {
            let fields = crate::listings::ListingInput {
                name: p.name.clone(),
                manufacturer: p.manufacturer.to_owned(),
                model: p.model.clone(),
                description: p.description.clone(),
                price: format!("{}.{:02}", p.price_cents / 100, p.price_cents % 100),
                stock: p.stock.to_string(),
                delivery: p.delivery.to_owned(),
            };
            assert!(fields.parse().is_ok(), "{}: {:?}", p.name, fields.parse());
        }
        let again = make(3);
        assert!(parts.iter().zip(&again).all(|(a, b)| a.name == b.name
            && a.model == b.model
            && a.price_cents == b.price_cents));
        assert!(parts.iter().any(|p| p.stock == 0) && parts.iter().any(|p| p.archived));
        // Every category has makers.
        for &(kind, category, ..) in KINDS {
            assert!(MAKERS.iter().any(|m| m.1.contains(&category)), "{kind}");
        }
    }

    #[tokio::test]
    async fn fills_an_empty_database_and_refuses_a_full_one() {
        let (dir, url) = test_database("gen").await;
        let options = GenerateOptions {
            parts: 3000,
            suppliers: 7,
            customers: 20,
            seed: 5,
            database_url: url.clone(),
        };
        let done = run(&options).await.unwrap();
        assert_eq!((done.parts, done.suppliers), (3000, 7));
        let pool = crate::server::db::connect(&url).await.unwrap();
        let counts = crate::db_query!(
            r#"SELECT (SELECT COUNT(*) FROM parts) AS "parts!: i64",
                      (SELECT COUNT(*) FROM users WHERE role = 'supplier') AS "suppliers!: i64",
                      (SELECT COUNT(DISTINCT status) FROM orders) AS "statuses!: i64""#
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(
            (counts.parts, counts.suppliers, counts.statuses),
            (3000, 7, 5)
        );
        let unbalanced = crate::db_query_scalar!(
            r#"SELECT COUNT(*) AS "n!" FROM orders o WHERE total_cents !=
               (SELECT SUM(line_total_cents) FROM purchases p WHERE p.order_id = o.id)"#
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(unbalanced, 0);
        // The catalogue's per-maker counts match the parts (PostgreSQL counts them once after
        // the load, with its trigger off).
        let (makers, wrong): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM catalogue_makers), COUNT(*) FROM ( \
               SELECT manufacturer, COUNT(*) AS listed, \
                      COUNT(*) FILTER (WHERE stock > 0) AS in_stock \
               FROM parts WHERE archived = 0 GROUP BY manufacturer) c \
             FULL JOIN catalogue_makers m ON m.manufacturer = c.manufacturer \
             WHERE m.listed IS DISTINCT FROM c.listed OR m.in_stock IS DISTINCT FROM c.in_stock",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(makers > 3, "{makers} makers");
        assert_eq!(wrong, 0);
        pool.close().await;
        assert!(run(&options)
            .await
            .unwrap_err()
            .contains("already holds data"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
