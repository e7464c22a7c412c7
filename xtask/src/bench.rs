//! `cargo xtask bench`: the figures in BENCHMARKS.md.
//!
//! 1. native search latency (core's `bench_search` example);
//! 2. the release build, then in headless Chromium against the real server:
//!    search latency per keystroke over 10,000 synthetic groups and the time
//!    to store them in IndexedDB (the app's hidden `/bench` route);
//!    and, with 20,000 synthetic events on the server, the time to pull and
//!    store them, to render a month view and to filter by text; and one
//!    device syncing 500 drafts through the app's outbox (`/bench/drafts`);
//! 3. the shipped app shell's size, raw, gzip and brotli;
//! 4. draft sync against the real server on SQLite and on a throwaway
//!    PostgreSQL cluster: one device syncing 500 drafts, and a load generator
//!    on loopback (push and pull throughput, p50/p99).
//!
//! 5. visits on a phone (`tests/bench/visits.mjs`): Lighthouse's mobile
//!    first visit on `/`, a group, `/calendar` and an event with the demo
//!    data, and a repeat visit offline with 10,000 groups stored; then two
//!    bundles against one (`tests/bench/bundles.mjs`: first-visit bytes,
//!    search answering, directory → calendar, on a throttled phone).
//!
//! `cargo xtask bench --only sync` runs part 4 and `/bench/drafts` alone;
//! `cargo xtask bench --only search` runs parts 1 and 3 and `/bench` alone;
//! `cargo xtask bench --only visits` runs part 5 alone.

use anyhow::{Context, Result, bail};
use std::fmt::Write as _;

use crate::proc;

pub fn run(args: &[String]) -> Result<()> {
    let only = match args {
        [] => None,
        [flag, what]
            if flag == "--only" && ["sync", "search", "visits"].contains(&what.as_str()) =>
        {
            Some(what.as_str())
        }
        _ => bail!("`bench` takes no options but `--only sync|search|visits` (got {args:?})"),
    };
    crate::tools::ensure_all(crate::tools::Purpose::Test)?;
    let mut report = String::new();
    let command = match only {
        Some(what) => format!("cargo xtask bench --only {what}"),
        None => "cargo xtask bench".to_string(),
    };
    writeln!(report, "Command: `{command}`")?;
    writeln!(report, "Machine: {}", machine())?;
    writeln!(report)?;
    if only.is_none() || only == Some("search") {
        app_figures(&mut report, only)?;
    }
    if only.is_none() || only == Some("sync") {
        sync_figures(&mut report, only == Some("sync"))?;
    }
    if only.is_none() || only == Some("visits") {
        visit_figures(&mut report)?;
    }

    println!("\n{report}");
    let out = crate::workspace_root().join("target/bench-report.md");
    std::fs::write(&out, &report)?;
    println!("xtask: report written to {}", out.display());
    Ok(())
}

/// Parts 1–3: search, IndexedDB, calendar and the shell's size (`only`
/// `search`: the calendar and drafts pages left out).
fn app_figures(report: &mut String, only: Option<&str>) -> Result<()> {
    let native = proc::cmd("cargo")
        .args([
            "run",
            "--quiet",
            "--release",
            "--package",
            "tsunagari-core",
            "--example",
            "bench_search",
        ])
        .output()
        .context("running the native search benchmark")?;
    if !native.status.success() {
        bail!(
            "native search benchmark failed: {}",
            String::from_utf8_lossy(&native.stderr)
        );
    }
    writeln!(
        report,
        "## Native (x86_64, release)\n\n```\n{}```\n",
        String::from_utf8_lossy(&native.stdout)
    )?;

    let browser = browser_bench(only)?;
    writeln!(
        report,
        "## Browser (headless Chromium, release bundle with the bench pages)\n\n```\n{browser}```\n"
    )?;

    let dist = std::path::Path::new("dist");
    let shell = crate::sizes::page_bundle(dist, "index.html", &["sw.js"])?;
    let shell_br = size_table(
        report,
        "App shell size: the directory shell (index.html: /, /groups, /groups/:id)",
        &shell,
    )?;
    writeln!(
        report,
        "\nBudget: app shell at most 200 KB brotli: {}.\n",
        if shell_br <= 200_000 {
            "met"
        } else {
            "NOT met"
        }
    )?;
    let full = crate::sizes::page_bundle(dist, "app.html", &[])?;
    size_table(
        report,
        "The full app (app.html: every other page; precached with the shell)",
        &full,
    )?;
    writeln!(report)?;
    Ok(())
}

/// A table of `files` under `title`; returns the brotli total.
fn size_table(report: &mut String, title: &str, files: &[crate::sizes::FileSize]) -> Result<usize> {
    writeln!(
        report,
        "## {title}\n\n| file | raw | gzip | brotli |\n|---|---:|---:|---:|"
    )?;
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    for f in files {
        writeln!(
            report,
            "| {} | {} | {} | {} |",
            f.name,
            crate::sizes::kb(f.raw),
            crate::sizes::kb(f.gzip),
            crate::sizes::kb(f.brotli)
        )?;
        raw += f.raw;
        gz += f.gzip;
        br += f.brotli;
    }
    writeln!(
        report,
        "| **total** | {} | {} | **{}** |",
        crate::sizes::kb(raw),
        crate::sizes::kb(gz),
        crate::sizes::kb(br)
    )?;
    Ok(br)
}

/// The release bundle with the app's `bench` feature (the hidden /bench
/// pages, kept apart from the shipped bundle in target/bench-dist), the
/// release server, then `tests/bench/browser-bench.mjs`; `only` is passed
/// as `BENCH_ONLY`. Returns what it printed.
fn browser_bench(only: Option<&str>) -> Result<String> {
    crate::build_bundles("target/bench-dist", &["bench"])?;
    crate::build_release()?;
    let mut cmd = proc::cmd("node");
    cmd.arg("tests/bench/browser-bench.mjs")
        .env(
            "TSUNAGARI_SERVER_BIN",
            proc::release_bin("tsunagari-server"),
        )
        .env(
            "TSUNAGARI_DIST",
            crate::workspace_root().join("target/bench-dist"),
        )
        .env("CHROMIUM", crate::tools::CHROMIUM);
    if let Some(only) = only {
        cmd.env("BENCH_ONLY", only);
    }
    let out = cmd.output().context("running the browser benchmark")?;
    if !out.status.success() {
        bail!(
            "browser benchmark failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Part 4: `tests/bench/sync-bench.mjs` on SQLite, then on PostgreSQL (and,
/// with `--only sync`, the browser's /bench/drafts figure; the full bench
/// prints it with the other browser figures).
fn sync_figures(report: &mut String, with_browser: bool) -> Result<()> {
    if with_browser {
        let browser = browser_bench(Some("drafts"))?;
        writeln!(
            report,
            "## Draft sync in the browser (headless Chromium, the app's outbox and IndexedDB)\n\n```\n{browser}```\n"
        )?;
    }
    let sync_bench = |database_url: Option<&str>| -> Result<String> {
        let mut cmd = proc::cmd("node");
        cmd.arg("tests/bench/sync-bench.mjs").env(
            "TSUNAGARI_SERVER_BIN",
            proc::release_bin("tsunagari-server"),
        );
        match database_url {
            Some(url) => cmd.env("DATABASE_URL", url),
            None => cmd.env_remove("DATABASE_URL"),
        };
        let out = cmd.output().context("running the sync benchmark")?;
        if !out.status.success() {
            bail!(
                "sync benchmark failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let sqlite = sync_bench(None)?;
    let mut postgres = String::new();
    crate::pg::with_cluster(|url| {
        postgres = sync_bench(Some(url))?;
        Ok(())
    })?;
    writeln!(
        report,
        "## Draft sync (release server, load generator `tests/bench/sync-bench.mjs` on loopback)\n\n```\n{sqlite}\n{postgres}```\n"
    )?;
    Ok(())
}

/// Part 5: `tests/bench/visits.mjs` and `tests/bench/bundles.mjs` against
/// the shipped release bundle.
fn visit_figures(report: &mut String) -> Result<()> {
    crate::tools::ensure_lighthouse()?;
    crate::build_release()?;
    for (script, heading) in [
        (
            "tests/bench/visits.mjs",
            "Visits on a phone (Lighthouse first visit; repeat visit offline)",
        ),
        (
            "tests/bench/bundles.mjs",
            "Two bundles or one (first-visit bytes, search answering, directory → calendar)",
        ),
    ] {
        let out = proc::cmd("node")
            .arg(script)
            .env(
                "TSUNAGARI_SERVER_BIN",
                proc::release_bin("tsunagari-server"),
            )
            .env("CHROMIUM", crate::tools::CHROMIUM)
            .output()
            .with_context(|| format!("running {script}"))?;
        if !out.status.success() {
            bail!(
                "{script} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        writeln!(
            report,
            "## {heading}\n\n```\n{}```\n",
            String::from_utf8_lossy(&out.stdout)
        )?;
    }
    Ok(())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    format!("{cpu}, {cores} cores")
}
