//! Installing what the build and the tests need, skipping what is there.
//!
//! Everything comes from the registries this machine reaches: rustup's wasm
//! target, crates.io (trunk, wasm-bindgen-cli), npm (binaryen's wasm-opt,
//! playwright-core) and Debian (the IPADIC sources the server reads kanji
//! with; Chromium, chromedriver, PostgreSQL).

use anyhow::{Context, Result, bail};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

pub const TRUNK_VERSION: &str = "0.21.14";
pub const BINARYEN_VERSION: &str = "132.0.0";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const PG_BIN: &str = "/usr/lib/postgresql/15/bin";
/// Debian's mecab-ipadic: the dictionary sources of the server's readings.
pub const IPADIC_MATRIX: &str = "/usr/share/mecab/dic/ipadic/matrix.def";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Run,
    Test,
}

/// `.tools/`: where npm-installed tools live (ignored by git).
fn tools_dir() -> PathBuf {
    crate::workspace_root().join(".tools")
}

/// PATH with cargo's bin and `.tools/node_modules/.bin` in front.
pub fn path_with_tools() -> OsString {
    let mut dirs = vec![tools_dir().join("node_modules/.bin")];
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    } else if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

pub fn ensure_all(purpose: Purpose) -> Result<()> {
    ensure_wasm_target()?;
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    ensure_wasm_opt()?;
    ensure_debian_packages(purpose)?;
    if purpose == Purpose::Test {
        ensure_node_test_deps()?;
    }
    Ok(())
}

/// The first line a tool prints for `--version`, or None when it is missing.
fn version_of(program: &str) -> Option<String> {
    let out = crate::proc::cmd(program).arg("--version").output().ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    })
}

fn ensure_wasm_target() -> Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    let installed = out
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == "wasm32-unknown-unknown")
        })
        .unwrap_or(false);
    if installed {
        return Ok(());
    }
    crate::proc::step(
        "install the wasm32 target",
        Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
    )
}

fn ensure_trunk() -> Result<()> {
    if version_of("trunk").is_some_and(|v| v.contains(TRUNK_VERSION)) {
        return Ok(());
    }
    crate::proc::step(
        "install trunk (takes about 12 minutes, once)",
        crate::proc::cmd("cargo").args([
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
        ]),
    )
}

/// The wasm-bindgen version pinned in Cargo.lock; the CLI must match it exactly.
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(crate::workspace_root().join("Cargo.lock"))
        .context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_string());
        }
    }
    bail!("Cargo.lock has no wasm-bindgen entry")
}

fn ensure_wasm_bindgen() -> Result<()> {
    let want = locked_wasm_bindgen()?;
    if version_of("wasm-bindgen")
        .is_some_and(|v| v.split_whitespace().nth(1) == Some(want.as_str()))
    {
        return Ok(());
    }
    // No --locked: the registry mirror lacks some of its pinned dependencies.
    crate::proc::step(
        &format!("install wasm-bindgen-cli {want}"),
        crate::proc::cmd("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &want,
            "--force",
        ]),
    )
}

fn ensure_wasm_opt() -> Result<()> {
    let major = BINARYEN_VERSION
        .split('.')
        .next()
        .unwrap_or(BINARYEN_VERSION);
    if version_of("wasm-opt").is_some_and(|v| v.contains(&format!("version {major}"))) {
        return Ok(());
    }
    std::fs::create_dir_all(tools_dir())?;
    crate::proc::step(
        "install wasm-opt (npm package binaryen)",
        crate::proc::cmd("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(tools_dir())
            .arg(format!("binaryen@{BINARYEN_VERSION}")),
    )
}

/// The server's dictionary sources always; the browser and PostgreSQL for
/// the tests.
fn ensure_debian_packages(purpose: Purpose) -> Result<()> {
    let mut wanted = vec![("mecab-ipadic", IPADIC_MATRIX.to_string())];
    if purpose == Purpose::Test {
        wanted.extend([
            ("chromium", CHROMIUM.to_string()),
            ("chromium-driver", "/usr/bin/chromedriver".to_string()),
            ("postgresql", format!("{PG_BIN}/initdb")),
        ]);
    }
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(_, file)| !std::path::Path::new(file).exists())
        .map(|(pkg, _)| *pkg)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let sudo = !is_root();
    let apt = |args: &[&str]| {
        let mut c = if sudo {
            Command::new("sudo")
        } else {
            Command::new("apt-get")
        };
        if sudo {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    crate::proc::step("apt-get update", &mut apt(&["update"]))?;
    let mut install = apt(&["install", "-y", "--no-install-recommends"]);
    install.args(&missing);
    crate::proc::step(&format!("install {}", missing.join(", ")), &mut install)
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The browser tests' packages (playwright-core, axe-core), from
/// tests/package-lock.json: installed when any of them is missing, so a
/// package added to the tests reaches a machine set up before it.
fn ensure_node_test_deps() -> Result<()> {
    let tests = crate::workspace_root().join("tests");
    let all_there = ["playwright-core", "axe-core"].iter().all(|name| {
        tests
            .join("node_modules")
            .join(name)
            .join("package.json")
            .exists()
    });
    if all_there {
        return Ok(());
    }
    crate::proc::step(
        "install the browser tests' packages (npm ci in tests/)",
        crate::proc::cmd("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(tests),
    )
}

/// Lighthouse for `cargo xtask bench` (first visit), from
/// tests/bench/package-lock.json; the tests never need it.
pub fn ensure_lighthouse() -> Result<()> {
    let bench = crate::workspace_root().join("tests/bench");
    if bench.join("node_modules/lighthouse/package.json").exists() {
        return Ok(());
    }
    crate::proc::step(
        "install Lighthouse for the first-visit benchmark (npm ci in tests/bench/)",
        crate::proc::cmd("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(bench),
    )
}
