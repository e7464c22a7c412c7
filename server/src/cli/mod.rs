//! The command line (`clap` derive) and the commands (the account and
//! submission commands are in [`accounts`], backup and restore in [`backup`]).

mod accounts;
mod backup;

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use tsunagari_core::city::CityConfig;
use tsunagari_server::clock::Millis;
use tsunagari_server::readings::Readings;
use tsunagari_server::store::{Store, is_postgres_url};
use tsunagari_server::{AppState, auth, events, groups};

/// tsunagari's server: the built app, the data feeds and the sync API, and
/// the administrator's commands.
#[derive(Debug, Parser)]
#[command(
    name = "tsunagari-server",
    version,
    after_help = "The database is <data-dir>/tsunagari.sqlite, or PostgreSQL when DATABASE_URL\n\
                  starts with postgres:// or postgresql://."
)]
pub struct Cli {
    /// Where the SQLite database lives (ignored with a PostgreSQL DATABASE_URL).
    #[arg(long, global = true, value_name = "DIR", default_value = "data/run")]
    pub data_dir: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct ServeOptions {
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The built app (trunk's output).
    #[arg(long, value_name = "DIR", default_value = "dist")]
    pub dist: PathBuf,
    /// The directory loaded into a new, empty database.
    #[arg(long, value_name = "FILE", default_value = "data/groups.json")]
    pub seed: PathBuf,
    #[arg(long, value_name = "FILE", default_value = "data/city_contacts.json")]
    pub city_contacts: PathBuf,
    /// The municipality running this server: its name, code, tagline,
    /// calendar ids and 部門 labels (another city brings its own file).
    #[arg(long, value_name = "FILE", default_value = "data/city.json")]
    pub city: PathBuf,
    /// The events loaded into a new, empty database.
    #[arg(long, value_name = "FILE", default_value = "data/events.json")]
    pub events_seed: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Serve the app and the API (the database is created and seeded on first start).
    Serve(ServeOptions),
    /// Load a directory file: changed groups updated, missing ones removed (tombstoned).
    ImportGroups {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Remove one group (clients drop it on their next pull).
    DeleteGroup {
        #[arg(value_name = "ID")]
        id: String,
    },
    /// Import a municipal open-data event-list CSV (32 or 50 columns).
    ImportEvents {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Remove one event (clients drop it on their next pull).
    DeleteEvent {
        #[arg(value_name = "ID")]
        id: String,
    },
    /// Export the events in the 32-column schema (to stdout without --out).
    ExportEvents {
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The city whose code, prefecture and name head the rows.
        #[arg(long, value_name = "FILE", default_value = "data/city.json")]
        city: PathBuf,
    },
    /// Add N synthetic events (for benchmarks).
    FillSyntheticEvents {
        #[arg(value_name = "N")]
        n: usize,
    },
    /// Compile the reading dictionary into its cache unless it is there
    /// (imports and the first start then take a second, not half a minute).
    ReadingsCache,
    #[command(flatten)]
    Accounts(accounts::AccountCommand),
    #[command(flatten)]
    Backup(backup::BackupCommand),
}

pub fn run(cli: Cli) -> Result<()> {
    let Cli { data_dir, command } = cli;
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .init();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        match command {
            Command::Serve(options) => serve(options, &data_dir).await,
            Command::ImportGroups { file } => {
                let store = open_store(&data_dir).await?;
                let summary = groups::import_file(&store, &file).await;
                store.close().await;
                let summary = summary.with_context(|| format!("importing {}", file.display()))?;
                println!("tsunagari: imported {}: {summary}", file.display());
                Ok(())
            }
            Command::DeleteGroup { id } => {
                let store = open_store(&data_dir).await?;
                let deleted = groups::delete(&store, &id).await;
                store.close().await;
                if !deleted? {
                    bail!("no group with the id {id:?} (nothing deleted)");
                }
                println!("tsunagari: deleted group {id}");
                Ok(())
            }
            Command::ImportEvents { file } => import_events(&file, &data_dir).await,
            Command::DeleteEvent { id } => {
                let store = open_store(&data_dir).await?;
                let deleted = events::delete(&store, &id).await;
                store.close().await;
                if !deleted? {
                    bail!("no event with the id {id:?} (nothing deleted)");
                }
                println!("tsunagari: deleted event {id}");
                Ok(())
            }
            Command::ExportEvents { out, city } => {
                let city = load_city(&city)?;
                let store = open_store(&data_dir).await?;
                let csv = events::export_csv(&store, &city).await;
                store.close().await;
                let csv = csv.context("reading the events")?;
                match out {
                    Some(path) => std::fs::write(&path, csv)
                        .with_context(|| format!("writing {}", path.display()))?,
                    None => {
                        let mut stdout = std::io::stdout().lock();
                        stdout
                            .write_all(csv.as_bytes())
                            .and_then(|()| stdout.flush())
                            .context("writing to stdout")?;
                    }
                }
                Ok(())
            }
            Command::FillSyntheticEvents { n } => {
                let store = open_store(&data_dir).await?;
                let summary = events::fill_synthetic(&store, n).await;
                store.close().await;
                let summary = summary.context("writing the synthetic events")?;
                println!("tsunagari: synthetic events: {summary}");
                Ok(())
            }
            Command::ReadingsCache => {
                let start = std::time::Instant::now();
                tokio::task::spawn_blocking(|| Readings::shared().map(|_| ()))
                    .await
                    .context("loading the reading dictionary")?
                    .map_err(anyhow::Error::msg)?;
                println!(
                    "tsunagari: reading dictionary ready in {:.1?}",
                    start.elapsed()
                );
                Ok(())
            }
            Command::Accounts(command) => accounts::run(command, &data_dir).await,
            Command::Backup(command) => backup::run(command, &data_dir).await,
        }
    })
}

/// Reads the file (exit 1 if it cannot be read or has no header), reports
/// each bad row on stderr, upserts the good ones in one transaction.
async fn import_events(file: &Path, data_dir: &Path) -> Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let store = open_store(data_dir).await?;
    let outcome = events::import_csv(&store, &bytes).await;
    store.close().await;
    let outcome = outcome.with_context(|| format!("importing {}", file.display()))?;
    for error in &outcome.report.errors {
        eprintln!("line {}: {}", error.line, error.reason);
    }
    if outcome.summary.is_none() {
        bail!(
            "{} has no event-list header row: nothing imported",
            file.display()
        );
    }
    if outcome.linked > 0 {
        eprintln!(
            "tsunagari: linked {} organisers to directory groups",
            outcome.linked
        );
    }
    println!(
        "tsunagari: imported {}: {}",
        file.display(),
        outcome.summary_line()
    );
    Ok(())
}

pub(crate) async fn open_store(data_dir: &Path) -> Result<Store> {
    let url = std::env::var("DATABASE_URL").ok();
    let store = Store::open(url.as_deref(), data_dir).await;
    match &url {
        Some(url) if is_postgres_url(url) => store.context("opening the PostgreSQL database"),
        _ => store.with_context(|| format!("opening the database in {}", data_dir.display())),
    }
}

/// Reads the city file (`--city`, `data/city.json`), saying which file and
/// what is wrong with it.
fn load_city(path: &Path) -> Result<CityConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the city file {}", path.display()))?;
    CityConfig::parse(&text).with_context(|| format!("in the city file {}", path.display()))
}

async fn serve(o: ServeOptions, data_dir: &Path) -> Result<()> {
    let city = load_city(&o.city)?;
    let _lock = backup::DataDirLock::serving(data_dir)?;
    let store = open_store(data_dir).await?;
    if let Some(summary) = groups::seed_if_empty(&store, &o.seed)
        .await
        .with_context(|| format!("loading the demo data {}", o.seed.display()))?
    {
        tracing::info!("first start: loaded {} ({summary})", o.seed.display());
        seed_demo_account(&store).await?;
    }
    if let Some(summary) = events::seed_if_empty(&store, &o.events_seed)
        .await
        .with_context(|| format!("loading the demo events {}", o.events_seed.display()))?
    {
        tracing::info!(
            "first start: loaded {} ({summary})",
            o.events_seed.display()
        );
    }
    fill_missing_readings(&store).await?;
    if !o.dist.join("index.html").is_file() {
        tracing::warn!(
            "{} has no index.html: build the app first",
            o.dist.display()
        );
    }
    let state = AppState {
        store: store.clone(),
        dist: o.dist,
        city_contacts: o.city_contacts,
        city: std::sync::Arc::new(city),
    };
    let listener = tokio::net::TcpListener::bind((o.host.as_str(), o.port))
        .await
        .with_context(|| format!("listening on {}:{}", o.host, o.port))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    println!("tsunagari: serving http://{addr}/");
    std::io::stdout().flush().context("writing to stdout")?;
    tracing::info!(
        "database: {} (epoch {})",
        store.backend_name(),
        store.epoch()
    );
    let limits = tsunagari_server::ServeLimits::default();
    tsunagari_server::serve(
        listener,
        tsunagari_server::app(state),
        limits,
        shutdown_signal(),
    )
    .await;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Groups and events stored before readings existed get them (a no-op,
/// without loading the dictionary, when none lacks them).
async fn fill_missing_readings(store: &Store) -> Result<()> {
    let groups = groups::fill_missing_readings(store)
        .await
        .context("adding readings to the stored groups")?;
    let events = events::fill_missing_readings(store)
        .await
        .context("adding readings to the stored events")?;
    if groups.updated + events.updated > 0 {
        tracing::info!(
            "readings added to {} groups and {} events",
            groups.updated,
            events.updated
        );
    }
    Ok(())
}

/// On the first start, the demo group's account (no invitation: `invite`
/// prints one), when the demo directory has that group.
async fn seed_demo_account(store: &Store) -> Result<()> {
    let now = Millis::now().context("the system clock is before 1970")?;
    match auth::create_account(store, auth::DEMO_ACCOUNT_GROUP, now).await {
        Ok(_) => {
            tracing::info!("first start: account of {}", auth::DEMO_ACCOUNT_GROUP);
            Ok(())
        }
        Err(auth::AuthError::UnknownGroup(id)) => {
            tracing::warn!("the demo data has no group {id}: no demo account");
            Ok(())
        }
        Err(e) => Err(e).context("creating the demo account"),
    }
}

/// SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    pub(super) fn parse(s: &str) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("tsunagari-server").chain(s.split_whitespace()))
    }

    fn command(s: &str) -> (Command, PathBuf) {
        let cli = parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        (cli.command, cli.data_dir)
    }

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_defaults_and_options() {
        let (Command::Serve(o), data_dir) = command("serve") else {
            panic!("not serve");
        };
        assert_eq!((o.host.as_str(), o.port), ("127.0.0.1", 8080));
        assert_eq!(data_dir, PathBuf::from("data/run"));
        assert_eq!(o.dist, PathBuf::from("dist"));
        assert_eq!(o.seed, PathBuf::from("data/groups.json"));
        assert_eq!(o.city_contacts, PathBuf::from("data/city_contacts.json"));
        let (Command::Serve(o), data_dir) =
            command("serve --port 0 --host=0.0.0.0 --dist d --seed s.json --data-dir x")
        else {
            panic!("not serve");
        };
        assert_eq!((o.host.as_str(), o.port), ("0.0.0.0", 0));
        assert_eq!((o.dist, o.seed), ("d".into(), "s.json".into()));
        assert_eq!(data_dir, PathBuf::from("x"));
    }

    #[test]
    fn admin_commands() {
        assert_eq!(
            command("import-groups g.json --data-dir x"),
            (
                Command::ImportGroups {
                    file: "g.json".into()
                },
                "x".into()
            )
        );
        assert_eq!(
            command("delete-group porepore"),
            (
                Command::DeleteGroup {
                    id: "porepore".into()
                },
                "data/run".into()
            )
        );
        assert_eq!(
            command("delete-event ev-1"),
            (
                Command::DeleteEvent { id: "ev-1".into() },
                "data/run".into()
            )
        );
    }

    #[test]
    fn event_commands() {
        assert_eq!(
            command("import-events e.csv --data-dir x"),
            (
                Command::ImportEvents {
                    file: "e.csv".into()
                },
                "x".into()
            )
        );
        assert_eq!(
            command("export-events --out e.csv").0,
            Command::ExportEvents {
                out: Some("e.csv".into()),
                city: "data/city.json".into(),
            }
        );
        assert_eq!(
            command("fill-synthetic-events 1000").0,
            Command::FillSyntheticEvents { n: 1000 }
        );
        assert_eq!(command("readings-cache").0, Command::ReadingsCache);
        let (Command::Serve(o), _) = command("serve --events-seed e.json") else {
            panic!("not serve");
        };
        assert_eq!(o.events_seed, PathBuf::from("e.json"));
    }

    #[test]
    fn mistakes() {
        for bad in [
            "",
            "frobnicate",
            "serve --port",
            "serve --port x",
            "serve --nope 1",
            "serve extra",
            "import-groups",
            "import-groups a b",
            "delete-group x --seed y",
            "import-events",
            "fill-synthetic-events",
            "fill-synthetic-events -3",
            "fill-synthetic-events many",
            "export-events extra",
            "export-events --out",
            "readings-cache extra",
        ] {
            let e = parse(bad).expect_err(bad);
            assert_eq!(e.exit_code(), 2, "{bad:?}: {e}");
        }
    }
}
