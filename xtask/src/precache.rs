//! trunk's `post_build` hook: merges the full app into the directory shell's
//! bundle and writes the service worker's precache list.
//!
//! trunk stages a bundle (hashed wasm, JS, CSS, copied files, index.html) in
//! `TRUNK_STAGING_DIR` before moving it to its dist directory. The full
//! app's build (`app.html`) stages no worker: the hook leaves it alone. The
//! directory shell's build (`index.html`, with the worker) is the last: the
//! hook copies the finished full app in from [`FULL_APP_ENV`] (its page,
//! which trunk names `index.html`, becomes `app.html`), then lists every
//! staged file except the worker itself, hashes their paths and contents
//! into a cache version, and writes both into the staged `sw.js` in place of
//! its placeholders, so the list is never maintained by hand and the cache
//! name changes exactly when either bundle does.

use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};
use tsunagari_core::routes;

const WORKER: &str = "sw.js";
const LIST_PLACEHOLDER: &str = "self.__PRECACHE = [];";
const VERSION_PLACEHOLDER: &str = "const VERSION = 'dev';";
const ROUTES_PLACEHOLDER: &str = "self.__ROUTES = [];";
const NOT_FOUND_PLACEHOLDER: &str = "self.__NOT_FOUND_PAGE = 'app.html';";

/// The environment variable naming the full app's finished build
/// (`cargo xtask` sets it; see `build_bundles`).
pub const FULL_APP_ENV: &str = "TSUNAGARI_FULL_APP";
/// What the full app's page is called in the merged bundle.
const FULL_APP_PAGE: &str = "app.html";

pub fn run(staging_dir: &Path, full_app: Option<&Path>) -> Result<()> {
    let worker = staging_dir.join(WORKER);
    if !worker.is_file() {
        println!("precache: no {WORKER} staged (the full app's build): nothing to do");
        return Ok(());
    }
    match full_app {
        Some(dir) => {
            let copied = merge_full_app(dir, staging_dir)?;
            println!(
                "precache: merged {copied} files of the full app from {}",
                dir.display()
            );
        }
        None => println!(
            "precache: {FULL_APP_ENV} is not set: the bundle is the directory shell alone \
             (`cargo xtask run` builds both)"
        ),
    }
    let source = fs::read_to_string(&worker)
        .with_context(|| format!("reading the staged service worker {}", worker.display()))?;

    let mut files = Vec::new();
    collect(staging_dir, staging_dir, &mut files)?;
    files.retain(|(url, _)| url != "/sw.js");
    files.sort();

    let mut hash = Fnv64::new();
    for (url, path) in &files {
        hash.write(url.as_bytes());
        hash.write(&[0]);
        hash.write(&fs::read(path).with_context(|| format!("reading {}", path.display()))?);
        hash.write(&[0]);
    }
    let version = format!("{:016x}", hash.finish());

    // "/" first: navigations fall back to the cached shell.
    let mut urls = vec!["/".to_string()];
    urls.extend(files.into_iter().map(|(url, _)| url));
    let list = serde_json::to_string(&urls)?;

    let written = fill(&source, &list, &version)?;
    fs::write(&worker, written).with_context(|| format!("writing {}", worker.display()))?;
    println!("precache: {} files, cache version {version}", urls.len());
    Ok(())
}

/// Copies the full app's files (flat: trunk emits no folders for it) into
/// the staging directory, its `index.html` as `app.html`. Files the shell
/// already has (the same hashed stylesheet) are kept as they are.
fn merge_full_app(from: &Path, staging_dir: &Path) -> Result<usize> {
    if !from.join("index.html").is_file() {
        bail!(
            "{} has no index.html: build app.html there first (`cargo xtask run` does)",
            from.display()
        );
    }
    let mut copied = 0;
    for entry in fs::read_dir(from).with_context(|| format!("listing {}", from.display()))? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !path.is_file() {
            continue;
        }
        let target = if name == "index.html" {
            staging_dir.join(FULL_APP_PAGE)
        } else {
            staging_dir.join(name)
        };
        if target.exists() && name != "index.html" {
            continue;
        }
        fs::copy(&path, &target)
            .with_context(|| format!("copying {} to {}", path.display(), target.display()))?;
        copied += 1;
    }
    Ok(copied)
}

/// Replaces the placeholders (the list, the version, and the one route
/// table of `tsunagari_core::routes`); refuses a worker that lacks one.
fn fill(source: &str, list_json: &str, version: &str) -> Result<String> {
    for placeholder in [
        LIST_PLACEHOLDER,
        VERSION_PLACEHOLDER,
        ROUTES_PLACEHOLDER,
        NOT_FOUND_PLACEHOLDER,
    ] {
        if !source.contains(placeholder) {
            bail!("sw.js has no `{placeholder}` placeholder");
        }
    }
    Ok(source
        .replacen(
            ROUTES_PLACEHOLDER,
            &format!("self.__ROUTES = {};", routes::table_json()),
            1,
        )
        .replacen(
            NOT_FOUND_PLACEHOLDER,
            &format!(
                "self.__NOT_FOUND_PAGE = '{}';",
                routes::NOT_FOUND_BUNDLE.file()
            ),
            1,
        )
        .replacen(
            LIST_PLACEHOLDER,
            &format!("self.__PRECACHE = {list_json};"),
            1,
        )
        .replacen(
            VERSION_PLACEHOLDER,
            &format!("const VERSION = '{version}';"),
            1,
        ))
}

/// Every file under `dir`, as (URL path from the site root, file path).
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect(root, &path, out)?;
        } else {
            let rel = path.strip_prefix(root)?;
            let url: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push((format!("/{}", url.join("/")), path));
        }
    }
    Ok(())
}

/// FNV-1a, 64 bits: a stable content hash for cache names (not security).
struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_the_placeholders() {
        let out = fill(WORKER_SOURCE, r#"["/","/a.js"]"#, "abc").unwrap();
        assert!(
            out.starts_with("const VERSION = 'abc';\nself.__PRECACHE = [\"/\",\"/a.js\"];\n"),
            "{out}"
        );
        assert!(
            out.contains(r#"["/groups/:id","index.html"],["/calendar","app.html"]"#),
            "{out}"
        );
        assert!(out.contains("self.__NOT_FOUND_PAGE = 'app.html';"), "{out}");
    }

    /// The worker as written: its placeholders are the ones `fill` replaces.
    const WORKER_SOURCE: &str = "const VERSION = 'dev';\nself.__PRECACHE = [];\n\
        self.__ROUTES = [];\nself.__NOT_FOUND_PAGE = 'app.html';\n";

    #[test]
    fn the_real_worker_has_every_placeholder() {
        let sw = include_str!("../../public/sw.js");
        assert!(fill(sw, "[]", "x").is_ok());
        assert!(!sw.contains("isShellRoute"), "the rule lives in the table");
    }

    #[test]
    fn refuses_a_worker_without_placeholders() {
        assert!(fill("self.__PRECACHE = [];", "[]", "x").is_err());
    }

    #[test]
    fn lists_files_and_versions_by_content() {
        let dir = std::env::temp_dir().join(format!("precache-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("icons")).unwrap();
        fs::write(dir.join("sw.js"), WORKER_SOURCE).unwrap();
        fs::write(dir.join("index.html"), "<html></html>").unwrap();
        fs::write(dir.join("icons/a.png"), "png").unwrap();
        run(&dir, None).unwrap();
        let sw = fs::read_to_string(dir.join("sw.js")).unwrap();
        assert!(
            sw.contains(r#"self.__PRECACHE = ["/","/icons/a.png","/index.html"];"#),
            "{sw}"
        );
        assert!(!sw.contains("'dev'"));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn merges_the_full_app_and_lists_it() {
        let base = std::env::temp_dir().join(format!("precache-merge-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        let (shell, full) = (base.join("shell"), base.join("full"));
        fs::create_dir_all(&shell).unwrap();
        fs::create_dir_all(&full).unwrap();
        fs::write(shell.join("sw.js"), WORKER_SOURCE).unwrap();
        fs::write(shell.join("index.html"), "shell").unwrap();
        fs::write(shell.join("style-1.css"), "css").unwrap();
        fs::write(full.join("index.html"), "full").unwrap();
        fs::write(full.join("style-1.css"), "css").unwrap();
        fs::write(full.join("app-2_bg.wasm"), "wasm").unwrap();

        // The full app's own build stages no worker: left alone.
        run(&full, None).unwrap();
        assert_eq!(fs::read_to_string(full.join("index.html")).unwrap(), "full");

        run(&shell, Some(&full)).unwrap();
        assert_eq!(
            fs::read_to_string(shell.join("index.html")).unwrap(),
            "shell"
        );
        assert_eq!(fs::read_to_string(shell.join("app.html")).unwrap(), "full");
        let sw = fs::read_to_string(shell.join("sw.js")).unwrap();
        assert!(
            sw.contains(
                r#"self.__PRECACHE = ["/","/app-2_bg.wasm","/app.html","/index.html","/style-1.css"];"#
            ),
            "{sw}"
        );
        fs::remove_dir_all(&base).unwrap();
    }
}
