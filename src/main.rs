//! Starts PartWatch: configuration → database (migrated) → demo data → router → serve.
//!
//! `partwatch generate --parts N …` instead fills a database with generated data (see
//! [`partwatch::demo::generate`]).

use leptos::config::get_configuration;
use partwatch::demo;
use partwatch::media::storage::Storage;
use partwatch::server::{router, serve, AppState, Config};
use std::{process::ExitCode, sync::Arc};
use tracing_subscriber::EnvFilter;

/// mimalloc instead of glibc's allocator: under load the server's threads contended on
/// glibc's arena locks (a fifth of a catalogue search's time went to malloc and free).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // The VIN decoder (corgi-rs) reads its tables from MAPS_DIR; unless it is set, from where
    // this build made them (CORGI_CACHE_DIR, target/corgi: see .cargo/config.toml).
    if std::env::var_os("MAPS_DIR").is_none() {
        if let Some(dir) = option_env!("CORGI_CACHE_DIR") {
            // SAFETY: no other thread exists yet: the runtime starts below.
            unsafe { std::env::set_var("MAPS_DIR", dir) };
        }
    }
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(start()),
        Err(error) => {
            eprintln!("PartWatch could not start its runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn start() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn")),
        )
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("generate") {
        return generate(&args[1..]).await;
    }
    #[cfg(feature = "postgres")]
    if args.first().map(String::as_str) == Some("migrate-to-postgres") {
        return migrate_to_postgres(&args[1..]).await;
    }
    match args.first().map(String::as_str) {
        None => {}
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("partwatch: unknown command {other:?}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("PartWatch could not start: {message}");
            ExitCode::FAILURE
        }
    }
}

/// What `partwatch --help` prints (and an unknown command, after saying so).
const USAGE: &str = "usage:
  partwatch                    serve the shop (settings from the environment: see the README)
  partwatch generate --parts N [--suppliers S] [--customers C] [--seed K] [--database URL]
                               fill an empty database with a generated catalogue
  DATABASE_URL=postgres://… partwatch migrate-to-postgres --from sqlite://shop.db
                               copy a SQLite shop into an empty PostgreSQL database
                               (the build with --features postgres)";

/// `partwatch migrate-to-postgres --from sqlite://shop.db`: copies a shop into the empty
/// PostgreSQL database of `DATABASE_URL` (see `partwatch::server::db::move_to_postgres`).
#[cfg(feature = "postgres")]
async fn migrate_to_postgres(args: &[String]) -> ExitCode {
    let from = match args {
        [flag, from] if flag == "--from" => from,
        _ => {
            eprintln!(
                "usage: DATABASE_URL=postgres://… partwatch migrate-to-postgres --from sqlite://shop.db"
            );
            return ExitCode::from(2);
        }
    };
    let Some(to) = std::env::var("DATABASE_URL")
        .ok()
        .filter(|v| v.starts_with("postgres"))
    else {
        eprintln!("DATABASE_URL must name the PostgreSQL database to copy into");
        return ExitCode::from(2);
    };
    match partwatch::server::db::move_to_postgres::run(from, &to).await {
        Ok(_) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("migrate-to-postgres failed: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn generate(args: &[String]) -> ExitCode {
    use partwatch::demo::generate::{run, GenerateOptions};
    let default_db = std::env::var("DATABASE_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| partwatch::server::db::DEFAULT_URL.to_owned());
    let options = match GenerateOptions::parse(args, &default_db) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(&options).await {
        Ok(done) => {
            println!(
                "Generated {} parts of {} suppliers, {} customers and {} orders in {}",
                done.parts, done.suppliers, done.customers, done.orders, options.database_url
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("generate failed: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    let mut leptos_options = get_configuration(None)
        .map_err(|e| format!("Leptos configuration: {e}"))?
        .leptos_options;
    leptos_options.site_addr = config.site_addr;
    partwatch::server::assets::init(&mut leptos_options);

    // Take the address first: a port in use is the most common reason a start fails, and
    // it should be said before any database work. Connections wait in the backlog meanwhile.
    let addr = config.site_addr;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => format!(
                "LEPTOS_SITE_ADDR: {addr} is already in use by another program; stop it or \
                 choose another address, e.g. LEPTOS_SITE_ADDR=127.0.0.1:3001"
            ),
            _ => format!("LEPTOS_SITE_ADDR: cannot listen on {addr}: {e}"),
        })?;

    let pool = partwatch::server::db::connect(&config.database_url)
        .await
        .map_err(|e| partwatch::server::db::open_error_message(&config.database_url, &e))?;
    partwatch::auth::db::fill_missing_username_skeletons(&pool)
        .await
        .map_err(|e| format!("checking stored usernames failed: {e}"))?;
    // The vehicle table (make, model, year, engine) ships with the binary; a database that
    // does not hold this version yet gets it before serving (seconds, once).
    if partwatch::vehicles::db::load_vehicle_data(&pool)
        .await
        .map_err(|e| format!("loading the vehicle table failed: {e}"))?
    {
        println!("Loaded the vehicle table.");
    }
    // Pictures: the folder is created, or the bucket is proven writable, before serving.
    let storage = Storage::from_config(&config)?;
    storage.check().await?;

    if config.demo_data {
        let loaded = demo::load_if_empty(&pool, &storage)
            .await
            .map_err(|e| format!("loading demo data failed: {e}"))?;
        if loaded {
            println!(
                "Loaded demo data. Demo logins (password \"{}\"):",
                demo::DEMO_PASSWORD
            );
        } else {
            println!(
                "Demo logins (password \"{}\", unless changed):",
                demo::DEMO_PASSWORD
            );
        }
        for login in &demo::DEMO_LOGINS {
            println!(
                "  {:<9} {:<28} ({})",
                login.role.label(),
                login.email,
                login.username
            );
        }
    }

    // Expired sessions are deleted hourly.
    let purge = partwatch::server::sessions::spawn_session_purge(
        pool.clone(),
        std::time::Duration::from_secs(3600),
    );
    // Unpaid orders past their payment deadline are cancelled (stock back on sale) at start
    // and every 10 minutes; safe with several server processes on one database.
    let expiry = partwatch::orders::expiry::spawn_order_expiry(
        pool.clone(),
        config.payment_window,
        std::time::Duration::from_secs(600),
    );

    // Unmet searches (the suppliers' demand page) a year old are deleted at start and daily.
    let demand_purge =
        partwatch::demand::db::spawn_purge(pool.clone(), std::time::Duration::from_secs(86_400));

    // Public reads of visitors without a session go to the read replica, if there is one.
    let read_pool = match &config.database_read_url {
        Some(url) => partwatch::server::db::connect_read(url)
            .await
            .map_err(|e| {
                partwatch::server::db::open_error_message(url, &e)
                    .replace("DATABASE_URL", "DATABASE_READ_URL")
            })?,
        None => pool.clone(),
    };

    // Attempt counters (in memory, or shared in PostgreSQL) whose window has ended are swept
    // every minute.
    let limiter = Arc::new(partwatch::server::throttle::Limiter::for_database(&pool));
    let sweeper = partwatch::server::throttle::spawn_sweeper(
        limiter.clone(),
        std::time::Duration::from_secs(60),
    );

    let state = AppState {
        leptos_options,
        read_pool,
        pool: pool.clone(),
        config: Arc::new(config),
        storage,
        limiter,
    };
    // Connection cap, header and idle timeouts: src/server/serve.rs.
    let limits = serve::Limits::from_config(&state.config);
    let app = router::app_router(state);
    println!("PartWatch is serving at http://{addr}");
    serve::serve(listener, app, limits, shutdown_signal()).await;
    purge.abort();
    expiry.abort();
    demand_purge.abort();
    sweeper.abort();
    // Fold the write-ahead log back into the database file before closing, so a stopped
    // PartWatch leaves one self-contained file behind.
    if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await
    {
        tracing::warn!(error = %e, "final checkpoint failed");
    }
    pool.close().await;
    println!("PartWatch stopped.");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; in-flight requests then finish before the server exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
