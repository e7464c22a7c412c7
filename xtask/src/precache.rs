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
use tsunagari_core::city::CityConfig;
use tsunagari_core::i18n::Lang;
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
    city_manifest(staging_dir, Path::new(CITY_FILE))?;
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

/// The city file the app compiles in (`app/src/city.rs`), relative to the
/// workspace root (xtask's working directory).
const CITY_FILE: &str = "data/city.json";

/// Names the city of `city` (its tagline and name) in the staged web app
/// manifest, which the home screen and the install prompt show: the one
/// city-specific text of `public/`, written from the same file as the
/// app's. Runs before the precache list is hashed.
pub fn city_manifest(staging_dir: &Path, city: &Path) -> Result<()> {
    let path = staging_dir.join("manifest.webmanifest");
    if !path.is_file() {
        return Ok(());
    }
    let city = CityConfig::parse(
        &fs::read_to_string(city).with_context(|| format!("reading {}", city.display()))?,
    )
    .map_err(|e| anyhow::anyhow!("{}: {e}", city.display()))?;
    let mut manifest: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?,
    )
    .with_context(|| format!("{} is not JSON", path.display()))?;
    manifest["name"] = format!("つながり — {}", city.tagline(Lang::Ja)).into();
    manifest["description"] = format!(
        "{}の協働のまちづくりに関わる市民団体・NPO・町会・学生団体をさがせる名簿。オフラインでも使えます。",
        city.name_ja
    )
    .into();
    fs::write(&path, serde_json::to_string_pretty(&manifest)? + "\n")
        .with_context(|| format!("writing {}", path.display()))
}

/// Rewrites the staged page (each build's `index.html`) with
/// [`start_after_first_paint`]; runs before [`run`], so the precache list
/// hashes the page as it ships.
pub fn defer_app_start(staging_dir: &Path) -> Result<()> {
    let page = staging_dir.join("index.html");
    let html = fs::read_to_string(&page)
        .with_context(|| format!("reading the staged page {}", page.display()))?;
    fs::write(&page, start_after_first_paint(&html)?)
        .with_context(|| format!("writing {}", page.display()))?;
    println!("precache: the app starts after the page's first paint");
    Ok(())
}

/// trunk's loader, changed so the app starts after the page's first paint.
///
/// The server's HTML is the page (ARCHITECTURE.md, "content in the first
/// HTML"); the wasm only takes it over. trunk preloads the JS and the wasm
/// from the `<head>` and starts them at once: on a slow link their download
/// competes with the page's stylesheet, and on a slow phone their start
/// (compiling, the first render) with its first paint. So the two preload
/// links go, and the loader's module waits for the first frame
/// (`requestAnimationFrame`, then a task: after that frame's paint; at most
/// a second in a tab that draws nothing, such as one opened in the
/// background) when the page has the server's content (`#ssr`; the service
/// worker's cached page has none and starts at once: nothing to show
/// before the app), then imports the JS and fetches the wasm, still checked
/// against trunk's integrity hash. Refuses a page whose loader it does not
/// recognise, so a new trunk cannot quietly change what ships.
pub fn start_after_first_paint(html: &str) -> Result<String> {
    const IMPORT: &str = "import init, * as bindings from '";
    const INIT: &str = "const wasm = await init({ module_or_path: '";
    if html.contains("__tsunagari_after_paint") {
        return Ok(html.to_string());
    }
    let Some(js) = between(html, IMPORT, "'") else {
        bail!("the page has no trunk loader (`{IMPORT}…`)");
    };
    let Some(wasm) = between(html, INIT, "'") else {
        bail!("the page's loader has no `{INIT}…`");
    };
    let (js, wasm) = (js.to_string(), wasm.to_string());
    let mut out = String::with_capacity(html.len());
    let mut integrity = None;
    // Drop the two preload links, keeping the wasm's integrity hash.
    let mut rest = html;
    while let Some(at) = rest.find("<link ") {
        let end = at + rest[at..].find('>').context("an unclosed <link")? + 1;
        let tag = &rest[at..end];
        out.push_str(&rest[..at]);
        if tag.contains(r#"rel="modulepreload""#) {
            // dropped
        } else if tag.contains(r#"rel="preload""#) && tag.contains("application/wasm") {
            integrity = between(tag, r#"integrity=""#, "\"").map(str::to_string);
        } else {
            out.push_str(tag);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    let request = match integrity {
        Some(hash) => format!("fetch(new Request('{wasm}', {{ integrity: '{hash}' }}))"),
        None => format!("fetch('{wasm}')"),
    };
    let out = out
        .replacen(
            &format!("{IMPORT}{js}';"),
            &format!(
                "// __tsunagari_after_paint (xtask precache): the server's page first, then the app.\n\
                 if (document.getElementById('ssr')) await new Promise((ok) => {{ requestAnimationFrame(() => setTimeout(ok, 0)); setTimeout(ok, 1000); }});\n\
                 const bindings = await import('{js}');\n\
                 const init = bindings.default;\n\
                 {PACED}"
            ),
            1,
        )
        .replacen(
            &format!("{INIT}{wasm}' }});"),
            &format!("const wasm = await init({{ module_or_path: paced({request}) }});"),
            1,
        );
    if out.contains(IMPORT) || out.contains(INIT) {
        bail!("the page's loader is not the one expected");
    }
    Ok(out)
}

/// The loader's `paced(response)`: the wasm's body handed to the browser's
/// streaming compiler in pieces of 64 KB, each in a task of its own. A body
/// that arrives at once (from a near server, or the service worker's cache)
/// is otherwise decoded in one task of 30–50 ms on a fast machine (Chromium's
/// `v8.wasm.compileConsume`, `wasm.OnBytesReceived`), four times that on a
/// phone, holding a tap; on a slow link the pieces arrive apart anyway.
const PACED: &str = "const paced = (res) => res.then((r) => {\n\
  if (!r.ok || !r.body) return r;\n\
  const reader = r.body.getReader();\n\
  const body = new ReadableStream({ async pull(c) {\n\
    const { done, value } = await reader.read();\n\
    if (done) { c.close(); return; }\n\
    for (let at = 0; at < value.length; at += 65536) {\n\
      await new Promise((ok) => setTimeout(ok, 0));\n\
      c.enqueue(value.subarray(at, at + 65536));\n\
    }\n\
  } });\n\
  return new Response(body, { status: r.status, statusText: r.statusText, headers: r.headers });\n\
});";

/// The text between `start` and the next `end`.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
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

    /// trunk 0.21's page (the loader and the links as it writes them).
    const TRUNK_PAGE: &str = r#"<head>
<script type="module">
import init, * as bindings from '/app-1.js';
const wasm = await init({ module_or_path: '/app-1_bg.wasm' });
window.wasmBindings = bindings;
</script>
    <link rel="stylesheet" href="/style-2.css" integrity="sha384-css"/>
  <link rel="modulepreload" href="/app-1.js" crossorigin="anonymous" integrity="sha384-js"><link rel="preload" href="/app-1_bg.wasm" crossorigin="anonymous" integrity="sha384-wasm" as="fetch" type="application/wasm"></head>"#;

    #[test]
    fn the_manifest_names_the_city_of_the_city_file() {
        let dir = std::env::temp_dir().join(format!("tsunagari-manifest-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let shipped = include_str!("../../public/manifest.webmanifest");
        fs::write(dir.join("manifest.webmanifest"), shipped).unwrap();
        let city = dir.join("city.json");
        fs::write(
            &city,
            r#"{"code":"162019","name_ja":"富山市","name_en":"Toyama City","prefecture_ja":"富山県",
"place_ja":"富山","place_en":"Toyama","tagline_ja":"富山 市民協働","tagline_en":"Toyama civic partnership",
"calendar_uid_domain":"tsunagari.toyama","divisions":[]}"#,
        )
        .unwrap();
        city_manifest(&dir, &city).unwrap();
        let written = fs::read_to_string(dir.join("manifest.webmanifest")).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        let m: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert_eq!(m["name"], "つながり — 富山 市民協働");
        assert!(
            m["description"].as_str().unwrap().starts_with("富山市の"),
            "{m}"
        );
        assert!(!written.contains("金沢"), "{written}");
        let before: serde_json::Value = serde_json::from_str(shipped).unwrap();
        assert_eq!(m["shortcuts"], before["shortcuts"], "the rest is kept");
        assert_eq!(m["icons"], before["icons"]);
    }

    #[test]
    fn the_app_starts_after_the_first_paint() {
        let out = start_after_first_paint(TRUNK_PAGE).unwrap();
        assert!(!out.contains("modulepreload"), "{out}");
        assert!(!out.contains(r#"rel="preload""#), "{out}");
        assert!(
            out.contains(r#"<link rel="stylesheet" href="/style-2.css" integrity="sha384-css"/>"#),
            "{out}"
        );
        let wait = out.find("if (document.getElementById('ssr')) await new Promise((ok) => { requestAnimationFrame(").unwrap();
        let import = out.find("await import('/app-1.js')").unwrap();
        assert!(wait < import, "{out}");
        assert!(
            out.contains("init({ module_or_path: paced(fetch(new Request('/app-1_bg.wasm', { integrity: 'sha384-wasm' }))) })"),
            "{out}"
        );
        assert!(
            out.find("const paced = ").unwrap() < out.find("await init(").unwrap(),
            "{out}"
        );
        assert!(out.contains("window.wasmBindings = bindings;"), "{out}");
        // Once only: a second run leaves the page as it is.
        assert_eq!(start_after_first_paint(&out).unwrap(), out);
    }

    #[test]
    fn refuses_a_loader_it_does_not_know() {
        assert!(start_after_first_paint("<head></head>").is_err());
        let other = TRUNK_PAGE.replace("await init({ module_or_path:", "await init({ path:");
        assert!(start_after_first_paint(&other).is_err());
    }

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
