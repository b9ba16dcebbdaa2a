//! `partwatch migrate-to-postgres --from sqlite://shop.db`: copies a shop's data from its
//! SQLite file into the (empty, migrated) PostgreSQL database of `DATABASE_URL`, in one
//! transaction, then proves the copy: per table the row count and a checksum over every
//! column of every row, read back from PostgreSQL, must equal the source's.
//!
//! What is copied: accounts, listings, checkouts, orders and their lines, carts and
//! remembered login devices, the vehicle tables, fitment, part numbers, garages and unmet
//! searches, with their ids (the id sequences are moved past them). Not copied: sessions
//! (everyone logs in again), the attempt counters, and what PostgreSQL derives itself (the
//! search index, the maker counts). The per-maker counts
//! of the catalogue are counted once after the parts arrive (`begin_parts_bulk_load`).

use futures_util::TryStreamExt;
use sqlx::{
    postgres::PgRow, sqlite::SqliteRow, Connection, PgConnection, QueryBuilder, Row,
    SqliteConnection,
};
use std::hash::{DefaultHasher, Hash, Hasher};

#[derive(Clone, Copy)]
enum Kind {
    Int,
    Text,
}
use Kind::{Int, Text};

#[derive(Debug, Hash, PartialEq)]
enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

/// A table, its columns and the key its rows are read in order of. Parents before children.
struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Kind)],
    order: &'static str,
    /// Has an identity id whose sequence must move past the copied ids.
    identity: bool,
}

const TABLES: &[Table] = &[
    Table {
        name: "users",
        columns: &[
            ("id", Int),
            ("username", Text),
            ("email", Text),
            ("password_hash", Text),
            ("role", Text),
            ("created_at", Int),
            ("username_skeleton", Text),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "parts",
        columns: &[
            ("id", Int),
            ("supplier_id", Int),
            ("name", Text),
            ("manufacturer", Text),
            ("model", Text),
            ("description", Text),
            ("price_cents", Int),
            ("stock", Int),
            ("delivery_estimate", Text),
            ("image_key", Text),
            ("archived", Int),
            ("created_at", Int),
            ("updated_at", Int),
            ("universal", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "checkouts",
        columns: &[
            ("id", Int),
            ("customer_id", Int),
            ("idempotency_key", Text),
            ("created_at", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "orders",
        columns: &[
            ("id", Int),
            ("customer_id", Int),
            ("supplier_id", Int),
            ("status", Text),
            ("total_cents", Int),
            ("shipping_name", Text),
            ("shipping_address", Text),
            ("payment_reference", Text),
            ("created_at", Int),
            ("paid_at", Int),
            ("shipped_at", Int),
            ("completed_at", Int),
            ("cancelled_at", Int),
            ("checkout_id", Int),
            ("cancel_reason", Text),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "purchases",
        columns: &[
            ("id", Int),
            ("order_id", Int),
            ("part_id", Int),
            ("part_name", Text),
            ("quantity", Int),
            ("unit_price_cents", Int),
            ("line_total_cents", Int),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "cart_items",
        columns: &[
            ("user_id", Int),
            ("part_id", Int),
            ("quantity", Int),
            ("added_at", Int),
        ],
        order: "user_id, part_id",
        identity: false,
    },
    Table {
        name: "login_devices",
        columns: &[("token", Text), ("user_id", Int), ("created_at", Int)],
        order: "token",
        identity: false,
    },
    // The vehicle table keeps its ids: fitment rows point at them.
    Table {
        name: "vehicle_makes",
        columns: &[("id", Int), ("name", Text)],
        order: "id",
        identity: true,
    },
    Table {
        name: "vehicle_models",
        columns: &[("id", Int), ("make_id", Int), ("name", Text)],
        order: "id",
        identity: true,
    },
    Table {
        name: "vehicles",
        columns: &[("id", Int), ("model_id", Int), ("year", Int)],
        order: "id",
        identity: true,
    },
    Table {
        name: "vehicle_engines",
        columns: &[
            ("id", Int),
            ("vehicle_id", Int),
            ("liters_x10", Int),
            ("cylinders", Int),
            ("code", Text),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "fitments",
        columns: &[
            ("id", Int),
            ("part_id", Int),
            ("model_id", Int),
            ("year_from", Int),
            ("year_to", Int),
            ("liters_x10", Int),
            ("position", Text),
            ("quantity", Int),
            ("body", Text),
            ("drive", Text),
            ("built_from", Text),
            ("built_to", Text),
            ("note", Text),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "part_numbers",
        columns: &[
            ("id", Int),
            ("part_id", Int),
            ("kind", Text),
            ("maker", Text),
            ("number", Text),
            ("number_key", Text),
        ],
        order: "id",
        identity: true,
    },
    Table {
        name: "garage",
        columns: &[
            ("user_id", Int),
            ("vehicle_id", Int),
            ("engine_id", Int),
            ("used_at", Int),
        ],
        order: "user_id, vehicle_id",
        identity: false,
    },
    Table {
        name: "garage_typed",
        columns: &[
            ("user_id", Int),
            ("year", Int),
            ("make", Text),
            ("model", Text),
            ("used_at", Int),
        ],
        order: "user_id, year, make, model",
        identity: false,
    },
    Table {
        name: "unmet_searches",
        columns: &[
            ("vehicle_id", Int),
            ("words", Text),
            ("searches", Int),
            ("first_at", Int),
            ("last_at", Int),
        ],
        order: "vehicle_id, words",
        identity: false,
    },
    Table {
        name: "vehicle_data",
        columns: &[("id", Int), ("checksum", Text), ("loaded_at", Int)],
        order: "id",
        identity: false,
    },
];

/// What was copied: per table, the rows (the same count and checksum on both sides).
#[derive(Debug, PartialEq)]
pub struct Copied {
    pub tables: Vec<(&'static str, u64, u64)>,
}

fn select(table: &Table) -> String {
    let columns: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
    format!(
        "SELECT {} FROM {} ORDER BY {}",
        columns.join(", "),
        table.name,
        table.order
    )
}

fn values_of<'r, R: Row>(row: &'r R, table: &Table) -> sqlx::Result<Vec<Value>>
where
    usize: sqlx::ColumnIndex<R>,
    Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, (_, kind))| {
            Ok(match kind {
                Int => Value::Int(row.try_get(i)?),
                Text => Value::Text(row.try_get(i)?),
            })
        })
        .collect()
}

/// One row's checksum. A table's is the sum of its rows' (wrapping), so it does not depend on
/// the order rows come back in: the engines sort text differently (SQLite by bytes,
/// PostgreSQL by the database's collation), and a table keyed by text would read back in
/// another order.
fn row_hash(values: &[Value]) -> u64 {
    let mut hasher = DefaultHasher::new();
    values.hash(&mut hasher);
    hasher.finish()
}

/// Rows per INSERT: PostgreSQL takes at most 65,535 bound values in one statement.
fn batch_rows(table: &Table) -> usize {
    60_000 / table.columns.len()
}

async fn insert(
    tx: &mut PgConnection,
    table: &Table,
    rows: &mut Vec<Vec<Value>>,
) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let columns: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
    let mut qb: QueryBuilder<sqlx::Postgres> = QueryBuilder::new(format!(
        "INSERT INTO {} ({}) ",
        table.name,
        columns.join(", ")
    ));
    qb.push_values(rows.drain(..), |mut b, row| {
        for value in row {
            match value {
                Value::Int(v) => b.push_bind(v),
                Value::Text(v) => b.push_bind(v),
            };
        }
    });
    qb.build().execute(&mut *tx).await.map(|_| ())
}

/// Copies every table from the SQLite database at `from` into the PostgreSQL database at
/// `to` (migrated here; it must hold no accounts), then checks the copy. Prints progress.
pub async fn run(from: &str, to: &str) -> Result<Copied, String> {
    let say = |what: &str| eprintln!("migrate-to-postgres: {what}");
    let source_pool = super::sqlite_source(from)
        .await
        .map_err(|e| format!("--from: cannot open the SQLite database {from}: {e}"))?;
    let target = super::connect(to)
        .await
        .map_err(|e| super::open_error_message(to, &e))?;
    if !crate::auth::db::no_users(&target)
        .await
        .map_err(|e| e.to_string())?
    {
        return Err(
            "the PostgreSQL database already holds accounts; copy into an empty one".into(),
        );
    }
    let mut source: SqliteConnection = source_pool
        .acquire()
        .await
        .map_err(|e| e.to_string())?
        .detach();
    let mut tx = target.begin().await.map_err(|e| e.to_string())?;
    super::postgres::begin_parts_bulk_load(&mut tx)
        .await
        .map_err(|e| e.to_string())?;
    let mut copied = Vec::new();
    for table in TABLES {
        let mut sum = 0u64;
        let mut count = 0u64;
        let mut batch = Vec::new();
        {
            let sql = select(table);
            let mut rows = sqlx::query(&sql).fetch(&mut source);
            while let Some(row) = rows.try_next().await.map_err(|e| e.to_string())? {
                let row: SqliteRow = row;
                let values = values_of(&row, table).map_err(|e| format!("{}: {e}", table.name))?;
                sum = sum.wrapping_add(row_hash(&values));
                count += 1;
                batch.push(values);
                if batch.len() >= batch_rows(table) {
                    insert(&mut tx, table, &mut batch)
                        .await
                        .map_err(|e| format!("{}: {e}", table.name))?;
                }
            }
        }
        insert(&mut tx, table, &mut batch)
            .await
            .map_err(|e| format!("{}: {e}", table.name))?;
        if table.identity {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{0}', 'id'), \
                 (SELECT COALESCE(MAX(id), 0) + 1 FROM {0}), false)",
                table.name
            ))
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
        }
        say(&format!("{}: {count} rows", table.name));
        copied.push((table.name, count, sum));
    }
    super::postgres::end_parts_bulk_load(&mut tx)
        .await
        .map_err(|e| e.to_string())?;
    // Read everything back from PostgreSQL (inside the transaction) and compare.
    for (table, (name, count, sum)) in TABLES.iter().zip(&copied) {
        let mut read_sum = 0u64;
        let mut seen = 0u64;
        let sql = select(table);
        let mut rows = sqlx::query(&sql).fetch(&mut *tx);
        while let Some(row) = rows.try_next().await.map_err(|e| e.to_string())? {
            let row: PgRow = row;
            let values = values_of(&row, table).map_err(|e| format!("{name}: {e}"))?;
            read_sum = read_sum.wrapping_add(row_hash(&values));
            seen += 1;
        }
        if (seen, read_sum) != (*count, *sum) {
            return Err(format!(
                "{name}: the copy differs ({seen} rows read back, {count} copied); nothing was committed"
            ));
        }
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    say("every table's rows and checksum match; committed");
    source.close().await.ok();
    Ok(Copied { tables: copied })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every SQLite table is copied, or is one PostgreSQL does not need (sessions, the
    /// search index and maker counts it derives itself, the catalogue's generation, which its
    /// own migration starts and its triggers count): a new table cannot be forgotten.
    #[tokio::test]
    async fn every_table_is_copied_or_knowingly_left() {
        let dir =
            std::env::temp_dir().join(format!("pw-tables-{}", crate::server::random::random_key()));
        std::fs::create_dir_all(&dir).unwrap();
        let from = format!("sqlite://{}/shop.db?mode=rwc", dir.display());
        let source = super::super::sqlite_source(&from).await.unwrap();
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx_%' ORDER BY name",
        )
        .fetch_all(&source)
        .await
        .unwrap();
        source.close().await;
        std::fs::remove_dir_all(&dir).ok();
        let left = [
            "catalogue_generation",
            "catalogue_makers",
            "model_generation",
            "part_edits",
            "tower_sessions",
        ];
        for table in tables {
            assert!(
                TABLES.iter().any(|t| t.name == table)
                    || left.contains(&table.as_str())
                    || table.starts_with("parts_words"),
                "migrate-to-postgres does not copy the table {table}"
            );
        }
    }

    /// A shop on SQLite (orders, carts, devices, an archived part, text with every kind of
    /// character) copies into PostgreSQL whole: the same rows, ids that keep counting, the
    /// catalogue's maker counts rebuilt; a second copy into the same database is refused.
    #[tokio::test]
    async fn a_sqlite_shop_moves_to_postgres_whole() {
        let dir =
            std::env::temp_dir().join(format!("pw-move-{}", crate::server::random::random_key()));
        std::fs::create_dir_all(&dir).unwrap();
        let from = format!("sqlite://{}/shop.db?mode=rwc", dir.display());
        let source = super::super::sqlite_source(&from).await.unwrap();
        for sql in [
            "INSERT INTO users (id, username, email, password_hash, role, username_skeleton) VALUES \
             (1, 'acme', 'acme@example.com', 'h1', 'supplier', 'acme'), \
             (2, 'Zoë', 'zoe@example.com', 'h2', 'customer', NULL)",
            "INSERT INTO parts (id, supplier_id, name, manufacturer, model, description, \
             price_cents, stock, delivery_estimate, image_key, archived) VALUES \
             (1, 1, 'Bremsscheibe „vorn“', 'Bosch', '0 986 479', 'Line one\nline two 🚗', 6490, 5, '1-2_days', 'abc', 0), \
             (7, 1, 'Old pad', 'ATE', 'X-1', 'Gone', 100, 0, '2-4_weeks', NULL, 1)",
            "INSERT INTO checkouts (id, customer_id, idempotency_key) VALUES (1, 2, 'key0000000000000001')",
            "INSERT INTO orders (id, customer_id, supplier_id, status, total_cents, shipping_name, \
             shipping_address, payment_reference, checkout_id, paid_at) VALUES \
             (3, 2, 1, 'paid', 6490, 'Zoë', 'Str. 1\n12345 Stadt', 'PW-3', 1, 1700000000)",
            "INSERT INTO purchases (order_id, part_id, part_name, quantity, unit_price_cents, \
             line_total_cents) VALUES (3, 1, 'Bremsscheibe', 1, 6490, 6490)",
            "INSERT INTO cart_items (user_id, part_id, quantity) VALUES (2, 1, 2)",
            "INSERT INTO login_devices (token, user_id, created_at) VALUES ('tok', 2, 5)",
            "INSERT INTO vehicle_makes (id, name) VALUES (4, 'Honda')",
            "INSERT INTO vehicle_models (id, make_id, name) VALUES (9, 4, 'Civic')",
            "INSERT INTO vehicles (id, model_id, year) VALUES (12, 9, 2014)",
            "INSERT INTO vehicle_engines (id, vehicle_id, liters_x10, cylinders, code) VALUES \
             (20, 12, 18, 4, 'R18A9'), (21, 12, 24, 4, '')",
            "INSERT INTO vehicle_data (id, checksum, loaded_at) VALUES (1, 'abc', 5)",
            "INSERT INTO fitments (id, part_id, model_id, year_from, year_to, liters_x10, \
             position, quantity, body, drive, built_from, built_to, note) VALUES \
             (30, 1, 9, 2012, 2015, 18, 'front', 2, 'Sedan', 'fwd', '2012-03', '', 'Not „Si“'), \
             (31, 1, 9, 2014, 2014, NULL, 'any', 1, '', '', '', '', '')",
            "UPDATE parts SET universal = 1 WHERE id = 7",
            "INSERT INTO part_numbers (id, part_id, kind, maker, number, number_key) VALUES \
             (40, 1, 'oem', 'Honda', '45251-TR0-A01', '45251TR0A01')",
            "INSERT INTO garage (user_id, vehicle_id, engine_id, used_at) VALUES (2, 12, 20, 9)",
            "INSERT INTO garage_typed (user_id, year, make, model, used_at) VALUES \
             (2, 2009, 'Škoda', 'Octavia RS', 10)",
            "INSERT INTO unmet_searches (vehicle_id, words, searches, first_at, last_at) VALUES \
             (12, 'zündkerze', 3, 1, 2), (12, 'Zz top', 1, 3, 3), (12, 'a b', 2, 4, 5)",
        ] {
            sqlx::query(sql).execute(&source).await.unwrap();
        }
        source.close().await;

        let to = crate::server::db::scratch_database(&dir).await.unwrap();
        let copied = run(&from, &to).await.unwrap();
        let counts: Vec<(&str, u64)> = copied.tables.iter().map(|(t, n, _)| (*t, *n)).collect();
        assert_eq!(
            counts,
            [
                ("users", 2),
                ("parts", 2),
                ("checkouts", 1),
                ("orders", 1),
                ("purchases", 1),
                ("cart_items", 1),
                ("login_devices", 1),
                ("vehicle_makes", 1),
                ("vehicle_models", 1),
                ("vehicles", 1),
                ("vehicle_engines", 2),
                ("fitments", 2),
                ("part_numbers", 1),
                ("garage", 1),
                ("garage_typed", 1),
                ("unmet_searches", 3),
                ("vehicle_data", 1)
            ]
        );
        let target = crate::server::db::connect(&to).await.unwrap();
        // The maker counts are rebuilt (the archived part is not listed).
        let makers: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT manufacturer, listed, in_stock FROM catalogue_makers ORDER BY 1",
        )
        .fetch_all(&target)
        .await
        .unwrap();
        assert_eq!(makers, [("Bosch".to_owned(), 1, 1)]);
        // New rows get new ids after the copied ones.
        let next: i64 = sqlx::query_scalar(
            "INSERT INTO parts (supplier_id, name, manufacturer, model, description, \
             price_cents, stock, delivery_estimate) \
             VALUES (1, 'New', 'Bosch', 'N', 'N', 1, 1, '1-2_days') RETURNING id",
        )
        .fetch_one(&target)
        .await
        .unwrap();
        assert_eq!(next, 8);
        // Logging in works on the copy: the account is found case-insensitively.
        let user = crate::auth::db::user_by_email(&target, "ZOE@example.com")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.username, "Zoë");
        // A second copy into the same database is refused, and changes nothing.
        assert!(run(&from, &to)
            .await
            .unwrap_err()
            .contains("already holds accounts"));
        target.close().await;
        std::fs::remove_dir_all(&dir).ok();
    }
}
