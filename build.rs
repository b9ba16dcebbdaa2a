// Re-embed migrations whenever a file under migrations/ changes (sqlx::migrate! reads them at
// compile time, and cargo would otherwise not notice a new migration).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
