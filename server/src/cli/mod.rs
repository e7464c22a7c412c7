//! The command line: hand-rolled parsing and the commands (the account and
//! submission commands are in [`accounts`]).

mod accounts;

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use tsunagari_server::clock::Millis;
use tsunagari_server::store::{Store, is_postgres_url};
use tsunagari_server::{AppState, auth, events, groups};

pub const USAGE: &str = "\
usage:
  tsunagari-server serve [--port 8080] [--host 127.0.0.1] [--data-dir data/run]
                         [--dist dist] [--seed data/groups.json]
                         [--city-contacts data/city_contacts.json]
                         [--events-seed data/events.json]
  tsunagari-server import-groups FILE [--data-dir data/run]
  tsunagari-server delete-group ID [--data-dir data/run]
  tsunagari-server import-events FILE [--data-dir data/run]
  tsunagari-server export-events [--out FILE] [--data-dir data/run]
  tsunagari-server fill-synthetic-events N [--data-dir data/run]
  tsunagari-server create-account --group ID [--data-dir data/run]
  tsunagari-server invite --group ID [--days 14] [--data-dir data/run]
  tsunagari-server members --group ID [--data-dir data/run]
  tsunagari-server revoke --login NAME [--data-dir data/run]
  tsunagari-server export-submissions --format json|csv [--out FILE] [--data-dir data/run]

The database is <data-dir>/tsunagari.sqlite, or PostgreSQL when DATABASE_URL
starts with postgres:// or postgresql://.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeOptions {
    pub host: String,
    pub port: u16,
    pub data_dir: PathBuf,
    pub dist: PathBuf,
    pub seed: PathBuf,
    pub city_contacts: PathBuf,
    pub events_seed: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve(ServeOptions),
    ImportGroups {
        file: PathBuf,
        data_dir: PathBuf,
    },
    DeleteGroup {
        id: String,
        data_dir: PathBuf,
    },
    ImportEvents {
        file: PathBuf,
        data_dir: PathBuf,
    },
    ExportEvents {
        out: Option<PathBuf>,
        data_dir: PathBuf,
    },
    FillSyntheticEvents {
        n: usize,
        data_dir: PathBuf,
    },
    Accounts {
        command: accounts::AccountCommand,
        data_dir: PathBuf,
    },
    Help,
}

/// `(name, value)` of each `--name value` or `--name=value`.
type Options = Vec<(String, String)>;

/// The options and the positional arguments.
fn split(args: &[String], known: &[&str]) -> Result<(Options, Vec<String>)> {
    let mut options = Vec::new();
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let Some(flag) = arg.strip_prefix("--") else {
            positional.push(arg.clone());
            continue;
        };
        let (name, value) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => {
                let Some(value) = it.next() else {
                    bail!("--{flag} needs a value");
                };
                (flag.to_string(), value.clone())
            }
        };
        if !known.contains(&name.as_str()) {
            bail!("unknown option --{name} (known: --{})", known.join(", --"));
        }
        options.push((name, value));
    }
    Ok((options, positional))
}

fn one_positional(what: &str, positional: Vec<String>) -> Result<String> {
    match <[String; 1]>::try_from(positional) {
        Ok([value]) => Ok(value),
        Err(_) => bail!("expected exactly one {what}"),
    }
}

pub fn parse(args: &[String]) -> Result<Command> {
    let Some((command, rest)) = args.split_first() else {
        bail!("no command given");
    };
    let data_dir_default = PathBuf::from("data/run");
    if let Some(parsed) = accounts::parse(command, rest, data_dir_default.clone())? {
        return Ok(parsed);
    }
    match command.as_str() {
        "serve" => {
            let known = [
                "port",
                "host",
                "data-dir",
                "dist",
                "seed",
                "city-contacts",
                "events-seed",
            ];
            let (options, positional) = split(rest, &known)?;
            if let Some(extra) = positional.first() {
                bail!("serve takes no argument {extra:?}");
            }
            let mut o = ServeOptions {
                host: "127.0.0.1".into(),
                port: 8080,
                data_dir: data_dir_default,
                dist: "dist".into(),
                seed: "data/groups.json".into(),
                city_contacts: "data/city_contacts.json".into(),
                events_seed: "data/events.json".into(),
            };
            for (name, value) in options {
                match name.as_str() {
                    "port" => {
                        o.port = value
                            .parse()
                            .with_context(|| format!("--port {value:?} is not a port number"))?
                    }
                    "host" => o.host = value,
                    "data-dir" => o.data_dir = value.into(),
                    "dist" => o.dist = value.into(),
                    "seed" => o.seed = value.into(),
                    "events-seed" => o.events_seed = value.into(),
                    _ => o.city_contacts = value.into(),
                }
            }
            Ok(Command::Serve(o))
        }
        "import-groups" | "delete-group" => {
            let (options, positional) = split(rest, &["data-dir"])?;
            let data_dir = options
                .into_iter()
                .last()
                .map_or(data_dir_default, |(_, v)| v.into());
            if command == "import-groups" {
                let file = one_positional("FILE", positional)?.into();
                Ok(Command::ImportGroups { file, data_dir })
            } else {
                let id = one_positional("group ID", positional)?;
                Ok(Command::DeleteGroup { id, data_dir })
            }
        }
        "import-events" | "fill-synthetic-events" => {
            let (options, positional) = split(rest, &["data-dir"])?;
            let data_dir = options
                .into_iter()
                .last()
                .map_or(data_dir_default, |(_, v)| v.into());
            if command == "import-events" {
                let file = one_positional("FILE", positional)?.into();
                Ok(Command::ImportEvents { file, data_dir })
            } else {
                let n = one_positional("number of events", positional)?;
                let n = n
                    .parse()
                    .with_context(|| format!("{n:?} is not a number of events"))?;
                Ok(Command::FillSyntheticEvents { n, data_dir })
            }
        }
        "export-events" => {
            let (options, positional) = split(rest, &["data-dir", "out"])?;
            if let Some(extra) = positional.first() {
                bail!("export-events takes no argument {extra:?} (use --out FILE)");
            }
            let mut out = None;
            let mut data_dir = data_dir_default;
            for (name, value) in options {
                match name.as_str() {
                    "out" => out = Some(value.into()),
                    _ => data_dir = value.into(),
                }
            }
            Ok(Command::ExportEvents { out, data_dir })
        }
        "help" | "--help" | "-h" => Ok(Command::Help),
        other => bail!("unknown command {other:?}"),
    }
}

pub fn run(command: Command) -> Result<()> {
    if command == Command::Help {
        println!("{USAGE}");
        return Ok(());
    }
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
            Command::Serve(options) => serve(options).await,
            Command::ImportGroups { file, data_dir } => {
                let store = open_store(&data_dir).await?;
                let summary = groups::import_file(&store, &file).await;
                store.close().await;
                let summary = summary.with_context(|| format!("importing {}", file.display()))?;
                println!("tsunagari: imported {}: {summary}", file.display());
                Ok(())
            }
            Command::DeleteGroup { id, data_dir } => {
                let store = open_store(&data_dir).await?;
                let deleted = groups::delete(&store, &id).await;
                store.close().await;
                if !deleted? {
                    bail!("no group with the id {id:?} (nothing deleted)");
                }
                println!("tsunagari: deleted group {id}");
                Ok(())
            }
            Command::ImportEvents { file, data_dir } => import_events(&file, &data_dir).await,
            Command::ExportEvents { out, data_dir } => {
                let store = open_store(&data_dir).await?;
                let csv = events::export_csv(&store).await;
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
            Command::FillSyntheticEvents { n, data_dir } => {
                let store = open_store(&data_dir).await?;
                let summary = events::fill_synthetic(&store, n).await;
                store.close().await;
                let summary = summary.context("writing the synthetic events")?;
                println!("tsunagari: synthetic events: {summary}");
                Ok(())
            }
            Command::Accounts { command, data_dir } => accounts::run(command, &data_dir).await,
            Command::Help => Ok(()),
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

async fn open_store(data_dir: &Path) -> Result<Store> {
    let url = std::env::var("DATABASE_URL").ok();
    let store = Store::open(url.as_deref(), data_dir).await;
    match &url {
        Some(url) if is_postgres_url(url) => store.context("opening the PostgreSQL database"),
        _ => store.with_context(|| format!("opening the database in {}", data_dir.display())),
    }
}

async fn serve(o: ServeOptions) -> Result<()> {
    let store = open_store(&o.data_dir).await?;
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
    // The peer address reaches the handlers (the sign-in limits, see
    // `auth`); forwarded-for headers are not trusted.
    let app =
        tsunagari_server::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving")?;
    store.close().await;
    tracing::info!("stopped");
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

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn serve_defaults_and_options() {
        let Command::Serve(o) = parse(&args("serve")).expect("parses") else {
            panic!("not serve");
        };
        assert_eq!((o.host.as_str(), o.port), ("127.0.0.1", 8080));
        assert_eq!(o.data_dir, PathBuf::from("data/run"));
        let Command::Serve(o) = parse(&args(
            "serve --port 0 --host=0.0.0.0 --dist d --seed s.json",
        ))
        .expect("parses") else {
            panic!("not serve");
        };
        assert_eq!((o.host.as_str(), o.port), ("0.0.0.0", 0));
        assert_eq!((o.dist, o.seed), ("d".into(), "s.json".into()));
    }

    #[test]
    fn admin_commands() {
        assert_eq!(
            parse(&args("import-groups g.json --data-dir x")).expect("parses"),
            Command::ImportGroups {
                file: "g.json".into(),
                data_dir: "x".into()
            }
        );
        assert_eq!(
            parse(&args("delete-group porepore")).expect("parses"),
            Command::DeleteGroup {
                id: "porepore".into(),
                data_dir: "data/run".into()
            }
        );
    }

    #[test]
    fn event_commands() {
        assert_eq!(
            parse(&args("import-events e.csv --data-dir x")).expect("parses"),
            Command::ImportEvents {
                file: "e.csv".into(),
                data_dir: "x".into()
            }
        );
        assert_eq!(
            parse(&args("export-events --out e.csv")).expect("parses"),
            Command::ExportEvents {
                out: Some("e.csv".into()),
                data_dir: "data/run".into()
            }
        );
        assert_eq!(
            parse(&args("fill-synthetic-events 1000")).expect("parses"),
            Command::FillSyntheticEvents {
                n: 1000,
                data_dir: "data/run".into()
            }
        );
        let Command::Serve(o) = parse(&args("serve --events-seed e.json")).expect("parses") else {
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
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad:?} should be refused");
        }
    }
}
