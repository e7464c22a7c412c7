//! trunk's `post_build` hook: writes the service worker's precache list.
//!
//! trunk stages the bundle (hashed wasm, JS, CSS, copied files, index.html)
//! in `TRUNK_STAGING_DIR` before moving it to `dist/`. This lists every
//! staged file except the worker itself, hashes their paths and contents
//! into a cache version, and writes both into the staged `sw.js` in place
//! of its placeholders, so the list is never maintained by hand and the
//! cache name changes exactly when the shell does.

use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};

const WORKER: &str = "sw.js";
const LIST_PLACEHOLDER: &str = "self.__PRECACHE = [];";
const VERSION_PLACEHOLDER: &str = "const VERSION = 'dev';";

pub fn run(staging_dir: &Path) -> Result<()> {
    let worker = staging_dir.join(WORKER);
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

/// Replaces the two placeholders; refuses a worker that lacks either.
fn fill(source: &str, list_json: &str, version: &str) -> Result<String> {
    if !source.contains(LIST_PLACEHOLDER) {
        bail!("sw.js has no `{LIST_PLACEHOLDER}` placeholder");
    }
    if !source.contains(VERSION_PLACEHOLDER) {
        bail!("sw.js has no `{VERSION_PLACEHOLDER}` placeholder");
    }
    Ok(source
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
    fn fills_both_placeholders() {
        let sw = "const VERSION = 'dev';\nself.__PRECACHE = [];\n";
        let out = fill(sw, r#"["/","/a.js"]"#, "abc").unwrap();
        assert_eq!(
            out,
            "const VERSION = 'abc';\nself.__PRECACHE = [\"/\",\"/a.js\"];\n"
        );
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
        fs::write(
            dir.join("sw.js"),
            "const VERSION = 'dev';\nself.__PRECACHE = [];\n",
        )
        .unwrap();
        fs::write(dir.join("index.html"), "<html></html>").unwrap();
        fs::write(dir.join("icons/a.png"), "png").unwrap();
        run(&dir).unwrap();
        let sw = fs::read_to_string(dir.join("sw.js")).unwrap();
        assert!(
            sw.contains(r#"self.__PRECACHE = ["/","/icons/a.png","/index.html"];"#),
            "{sw}"
        );
        assert!(!sw.contains("'dev'"));
        fs::remove_dir_all(&dir).unwrap();
    }
}
