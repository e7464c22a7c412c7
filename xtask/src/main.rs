//! `cargo xtask <command>`: the commands a person runs.
//!
//! - `run`   install what is missing, build the release bundle, start the server.
//! - `test`  install what is missing, run every test (fmt, clippy on the
//!   workspace and the app's wasm builds, the app's unit tests, core, server
//!   on SQLite and PostgreSQL, browser end-to-end).
//! - `bench` print the benchmark figures recorded in BENCHMARKS.md.
//! - `precache` trunk's post-build hook: writes the service worker's precache list.

mod bench;
mod pg;
mod precache;
mod proc;
mod sizes;
mod tools;

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

fn main() {
    if let Err(err) = real_main() {
        eprintln!("xtask: {err:#}");
        std::process::exit(1);
    }
}

fn real_main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    std::env::set_current_dir(workspace_root())?;
    match command.as_str() {
        "run" => run(&rest),
        "test" => test(&rest),
        "bench" => bench::run(&rest),
        "precache" => precache_hook(),
        "install" => tools::ensure_all(tools::Purpose::Test),
        _ => {
            eprintln!(
                "usage: cargo xtask <run [--port N] [--data-dir DIR] | test | bench | install | precache>"
            );
            bail!("unknown command {command:?}")
        }
    }
}

/// The workspace root: the parent of this crate's manifest directory.
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn precache_hook() -> Result<()> {
    let Some(staging) = std::env::var_os("TRUNK_STAGING_DIR") else {
        bail!("precache runs as trunk's post_build hook (TRUNK_STAGING_DIR is not set)");
    };
    let full_app = std::env::var_os(precache::FULL_APP_ENV).map(PathBuf::from);
    let staging = std::path::Path::new(&staging);
    let simd = std::env::var_os(precache::SIMD_DIST_ENV).map(PathBuf::from);
    precache::defer_app_start(staging, simd.as_deref())?;
    precache::run(staging, full_app.as_deref())
}

/// Options shared by `run`: `--port N`, `--data-dir DIR`, `--host H`.
struct RunOptions {
    port: u16,
    host: String,
    data_dir: String,
}

fn parse_run_options(args: &[String]) -> Result<RunOptions> {
    let mut opts = RunOptions {
        port: std::env::var("PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(8080),
        host: "127.0.0.1".into(),
        data_dir: "data/run".into(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("{arg} needs a value"))
        };
        match arg.as_str() {
            "--port" => {
                opts.port = value()?
                    .parse()
                    .map_err(|_| anyhow::anyhow!("--port takes a number"))?
            }
            "--host" => opts.host = value()?,
            "--data-dir" => opts.data_dir = value()?,
            other => bail!("unknown option {other:?} (known: --port, --host, --data-dir)"),
        }
    }
    Ok(opts)
}

/// The demo group account the run command prints an invitation code for
/// (四十万きずな町会; the server creates the account with the demo data).
const DEMO_ACCOUNT_GROUP: &str = "shijima-kizuna-chokai";
/// The round published at every `run` (once; later starts find it published).
const DEMO_ROUND: &str = "data/rounds/2026.json";

/// Build the release bundle and the server, then serve on SQLite with the
/// demo data, and print an invitation code for the demo group account.
fn run(args: &[String]) -> Result<()> {
    let opts = parse_run_options(args)?;
    tools::ensure_all(tools::Purpose::Run)?;
    build_release()?;
    let server = proc::release_bin("tsunagari-server");
    println!("xtask: starting the server (data in {}/)", opts.data_dir);
    let mut child = proc::cmd(&server)
        .args([
            "serve",
            "--host",
            &opts.host,
            "--port",
            &opts.port.to_string(),
        ])
        .args([
            "--data-dir",
            &opts.data_dir,
            "--dist",
            "dist",
            "--seed",
            "data/groups.json",
        ])
        .spawn()
        .with_context(|| format!("starting {}", server.display()))?;
    let addr = format!("{}:{}", opts.host, opts.port);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::net::TcpStream::connect(&addr).is_err() {
        if let Some(status) = child.try_wait()? {
            bail!("the server stopped before it was ready ({status})");
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            bail!("the server did not listen on {addr} within 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // The current round (募集) from data/rounds/: published once, then
    // "already published" at every start (a changed file needs a higher version).
    let publish = proc::cmd(&server)
        .args(["publish-round", DEMO_ROUND])
        .args(["--data-dir", &opts.data_dir])
        .output()
        .context("publishing the demo round")?;
    if publish.status.success() {
        print!("{}", String::from_utf8_lossy(&publish.stdout));
    } else {
        eprintln!(
            "xtask: could not publish {DEMO_ROUND}: {}",
            String::from_utf8_lossy(&publish.stderr)
        );
    }
    let staff = proc::cmd(&server)
        .args(["invite-staff"])
        .args(["--data-dir", &opts.data_dir])
        .output()
        .context("issuing a staff invitation code")?;
    let staff_code = if staff.status.success() {
        String::from_utf8_lossy(&staff.stdout).trim().to_string()
    } else {
        eprintln!(
            "xtask: could not issue a staff invitation code: {}",
            String::from_utf8_lossy(&staff.stderr)
        );
        String::from("(none)")
    };
    let invite = proc::cmd(&server)
        .args(["invite", "--group", DEMO_ACCOUNT_GROUP])
        .args(["--data-dir", &opts.data_dir])
        .output()
        .context("issuing an invitation code for the demo group")?;
    if invite.status.success() {
        let code = String::from_utf8_lossy(&invite.stdout).trim().to_string();
        println!(
            "\nxtask: open http://{addr}/\n\
             xtask: to write proposals, sign up at http://{addr}/signin with the invitation code\n\
             \n        {code}\n\n\
             xtask: (group account of 四十万きずな町会; single use, valid 14 days; a new one is printed at every start)\n\n\
             xtask: city staff (市職員) sign up at http://{addr}/signin with the staff invitation code\n\
             \n        {staff_code}\n\n\
             xtask: (staff account: the review page is http://{addr}/staff; single use, valid 14 days)\n"
        );
    } else {
        eprintln!(
            "xtask: could not issue an invitation code: {}",
            String::from_utf8_lossy(&invite.stderr)
        );
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("the server stopped: {status}");
    }
    Ok(())
}

/// Both bundles into `dist/` (see [`build_bundles`]),
/// `cargo build --release -p tsunagari-server`, and the reading dictionary's
/// cache (compiled once per machine: a server's first start, which imports
/// the demo data, then takes a second, within the browser tests' timeout).
pub fn build_release() -> Result<()> {
    build_bundles("dist", &[])?;
    proc::step(
        "build the server",
        proc::cmd("cargo").args(["build", "--release", "--package", "tsunagari-server"]),
    )?;
    proc::step(
        "compile the reading dictionary (once; cached)",
        proc::cmd(proc::release_bin("tsunagari-server")).arg("readings-cache"),
    )
}

/// The two bundles of one crate, as the server serves them from `dist`:
/// first the full app (`app.html`, every page) into `target/<dist>-app`, then the
/// directory shell (`index.html`, no default features) into `dist`, whose
/// post-build hook copies the full app in (its page renamed `app.html`) and
/// writes the service worker's precache list over both. `features` go to
/// the full app's build only.
///
/// Each bundle is built twice: first with wasm SIMD ([`SIMD_RUSTFLAGS`],
/// in `target/simd`, into `target/<dist>-app-simd` and `target/<dist>-simd`),
/// then plain; the plain build's hook stages the SIMD build's wasm beside
/// its own and the loader picks one (xtask/src/precache.rs,
/// `stage_simd_build`; ARCHITECTURE.md, "Wasm SIMD").
pub fn build_bundles(dist: &str, features: &[&str]) -> Result<()> {
    let root = workspace_root();
    let name = Path::new(dist)
        .file_name()
        .unwrap_or_default()
        .to_string_lossy();
    let full_dist = format!("target/{name}-app");
    let simd_full_dist = format!("target/{name}-app-simd");
    let simd_shell_dist = format!("target/{name}-simd");
    let trunk = |page: &str, out: &str, full: bool| {
        let mut cmd = proc::cmd("trunk");
        cmd.args(["build", page, "--release", "--dist", out]);
        if full && !features.is_empty() {
            cmd.args(["--features", &features.join(",")]);
        }
        cmd
    };
    let simd = |mut cmd: std::process::Command| {
        cmd.env("CARGO_TARGET_DIR", root.join("target/simd")).env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            SIMD_RUSTFLAGS,
        );
        cmd
    };
    proc::step(
        "build the full app with wasm SIMD (trunk build app.html --release, +simd128)",
        &mut simd(trunk("app.html", &simd_full_dist, true)),
    )?;
    proc::step(
        "build the directory shell with wasm SIMD (trunk build index.html --release, +simd128)",
        &mut simd(trunk("index.html", &simd_shell_dist, false)),
    )?;
    proc::step(
        "build the full app (trunk build app.html --release)",
        trunk("app.html", &full_dist, true)
            .env(precache::SIMD_DIST_ENV, root.join(&simd_full_dist)),
    )?;
    proc::step(
        "build the directory shell and merge the bundles (trunk build --release)",
        trunk("index.html", dist, false)
            .env(precache::FULL_APP_ENV, root.join(&full_dist))
            .env(precache::SIMD_DIST_ENV, root.join(&simd_shell_dist)),
    )
}

/// The wasm target's flags for the SIMD build: .cargo/config.toml's
/// (`erase_components`) and `+simd128`.
const SIMD_RUSTFLAGS: &str = "--cfg erase_components -C target-feature=+simd128";

/// `cargo clippy` over every crate and target on the host, warnings denied.
const CLIPPY_WORKSPACE: &[&str] = &[
    "clippy",
    "--workspace",
    "--all-targets",
    "--",
    "-D",
    "warnings",
];

/// `cargo test` over every crate but the app (its tests are a step of
/// their own): core, the server, xtask.
const UNIT_AND_SERVER_TESTS: &[&str] = &["test", "--workspace", "--exclude", "tsunagari-app"];

/// The app's wasm builds, as trunk makes them (app/Cargo.toml's features):
/// the directory shell, the full app, the bench pages.
const APP_WASM_BUILDS: &[(&str, &[&str])] = &[
    ("shell", &["--no-default-features"]),
    ("full", &[]),
    ("bench", &["--features", "bench"]),
];

/// Every test: formatting; clippy on the workspace and on the app's three
/// wasm builds; the app's unit tests (natively: they need no browser); core
/// and server (SQLite); server again on a throwaway PostgreSQL cluster;
/// then the browser tests against the real server. One summary row each.
fn test(args: &[String]) -> Result<()> {
    if let Some(extra) = args.first() {
        bail!("`test` takes no options (got {extra:?})");
    }
    tools::ensure_all(tools::Purpose::Test)?;
    let mut summary = proc::Summary::default();

    summary.record(
        "cargo fmt --check",
        proc::step(
            "check formatting",
            proc::cmd("cargo").args(["fmt", "--all", "--", "--check"]),
        ),
    );
    summary.record(
        "clippy (workspace, native, all targets)",
        proc::step(
            "lint the workspace",
            proc::cmd("cargo").args(CLIPPY_WORKSPACE),
        ),
    );
    for (bundle, features) in APP_WASM_BUILDS {
        summary.record(
            &format!("clippy (app, wasm: {bundle})"),
            proc::step(
                &format!("lint the app's wasm build: {bundle}"),
                proc::cmd("cargo")
                    .args(["clippy", "--package", "tsunagari-app"])
                    .args(["--target", "wasm32-unknown-unknown"])
                    .args(*features)
                    .args(["--", "-D", "warnings"]),
            ),
        );
    }
    summary.record(
        "app unit tests (native)",
        proc::step(
            "the app crate's unit tests",
            proc::cmd("cargo").args(["test", "--package", "tsunagari-app"]),
        ),
    );
    // Before the tests run in parallel: each would otherwise compile the
    // reading dictionary itself (about 20 s, once per machine).
    summary.record(
        "reading dictionary cache",
        proc::step(
            "compile the reading dictionary (once; cached)",
            proc::cmd("cargo").args([
                "run",
                "--quiet",
                "--package",
                "tsunagari-server",
                "--",
                "readings-cache",
            ]),
        ),
    );
    summary.record(
        "core, server (SQLite), xtask",
        proc::step(
            "unit and server tests",
            proc::cmd("cargo").args(UNIT_AND_SERVER_TESTS),
        ),
    );
    summary.record(
        "server (PostgreSQL)",
        pg::with_cluster(|url| {
            proc::step(
                "server tests on PostgreSQL",
                // The same packages as the step before, so cargo reuses its
                // build: the server alone unifies its dependencies' features
                // otherwise and is built again (45 s, and a second set of
                // its test binaries on disk). Core's and xtask's tests run
                // again too, in seconds.
                proc::cmd("cargo")
                    .args(UNIT_AND_SERVER_TESTS)
                    .env("TEST_DATABASE_URL", url),
            )
        }),
    );
    let built = build_release();
    let e2e = built.and_then(|()| {
        proc::step(
            "browser tests (headless Chromium against the real server)",
            proc::cmd("node")
                .args(["--test", "--test-concurrency=1", "tests/e2e/"])
                .env(
                    "TSUNAGARI_SERVER_BIN",
                    proc::release_bin("tsunagari-server"),
                )
                .env("CHROMIUM", tools::CHROMIUM),
        )
    });
    summary.record("browser end-to-end", e2e);
    summary.finish()
}
