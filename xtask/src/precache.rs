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
const SIMD_PLACEHOLDER: &str = "self.__SIMD = null;";

/// The environment variable naming the SIMD build of the same bundle
/// (`cargo xtask` sets it; see `build_bundles`): its wasm ships beside the
/// plain one, and the loader picks one ([`SIMD_PROBE`]).
pub const SIMD_DIST_ENV: &str = "TSUNAGARI_SIMD_DIST";

/// A module of one function with wasm SIMD instructions (`i8x16.splat`,
/// `i8x16.popcnt`; the probe of the `wasm-feature-detect` package):
/// `WebAssembly.validate` of it is true where wasm SIMD runs (Chrome 91,
/// Firefox 89, Safari 16.4 on), false on older engines (iOS 15's Safari),
/// which get the plain wasm. The loader and the service worker ask the same.
pub const SIMD_PROBE: &[u8] = &[
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253,
    15, 253, 98, 11,
];

/// The wasm features the plain build may use: index.html's and app.html's
/// `data-wasm-opt-params` without `--enable-simd` (a test checks). The
/// plain wasm is validated with these, so it can never carry SIMD.
const PLAIN_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
    "--enable-reference-types",
];

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
    let simd = serde_json::to_string(&simd_variants(&urls))?;

    let written = fill(&source, &list, &version, &simd)?;
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
/// hashes the page as it ships. With `simd_dist` (the same bundle built
/// with wasm SIMD), its wasm is staged beside the plain one
/// ([`stage_simd_build`]) and the loader picks one.
pub fn defer_app_start(staging_dir: &Path, simd_dist: Option<&Path>) -> Result<()> {
    let page = staging_dir.join("index.html");
    let html = fs::read_to_string(&page)
        .with_context(|| format!("reading the staged page {}", page.display()))?;
    let simd = match simd_dist {
        Some(dir) => Some(stage_simd_build(staging_dir, dir)?),
        None => None,
    };
    let html = with_early_read(&html);
    fs::write(&page, start_after_first_paint(&html, simd.as_ref())?)
        .with_context(|| format!("writing {}", page.display()))?;
    println!(
        "precache: the app starts after the page's first paint{}",
        if simd.is_some() {
            ", with the SIMD wasm where the browser runs it"
        } else {
            ""
        }
    );
    Ok(())
}

/// The SIMD build's glue and wasm as the loader fetches them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimdBuild {
    /// `/tsunagari-app-<hash>.simd.js`.
    pub js: String,
    /// `/tsunagari-app-<hash>_bg.simd.wasm`.
    pub wasm: String,
    /// The wasm's `sha384-…`, for the fetch's integrity check.
    pub integrity: String,
}

/// Copies the JS glue and the wasm of `simd_dist` (the same bundle, built
/// with `+simd128`) into the staging directory as `<name>.simd.js` and
/// `<name>.simd.wasm` (each wasm needs its own glue: the glue names the
/// wasm's functions by index), after checking that the plain wasm
/// validates without SIMD (`wasm-opt` with [`PLAIN_FEATURES`]): an engine
/// without SIMD must be able to run it.
pub fn stage_simd_build(staging_dir: &Path, simd_dist: &Path) -> Result<SimdBuild> {
    let (_, plain_wasm) = glue_and_wasm(staging_dir)?;
    let (simd_js, simd_wasm) = glue_and_wasm(simd_dist)?;
    let check = proc_output(
        crate::proc::cmd("wasm-opt")
            .arg(&plain_wasm)
            .arg("--mvp-features")
            .args(PLAIN_FEATURES)
            .args(["-o", if cfg!(windows) { "NUL" } else { "/dev/null" }]),
    )?;
    if !check.status.success() {
        bail!(
            "the plain wasm {} does not validate without SIMD: {}",
            plain_wasm.display(),
            String::from_utf8_lossy(&check.stderr)
        );
    }
    let mut staged = Vec::new();
    for (from, ext) in [(&simd_js, ".js"), (&simd_wasm, ".wasm")] {
        let name = from.file_name().unwrap_or_default().to_string_lossy();
        let stem = name.strip_suffix(ext).unwrap_or(&name);
        let file = format!("{stem}.simd{ext}");
        fs::copy(from, staging_dir.join(&file)).with_context(|| {
            format!("copying {} into {}", from.display(), staging_dir.display())
        })?;
        staged.push(format!("/{file}"));
    }
    let bytes = fs::read(&simd_wasm).with_context(|| format!("reading {}", simd_wasm.display()))?;
    let wasm = staged.pop().unwrap_or_default();
    let js = staged.pop().unwrap_or_default();
    Ok(SimdBuild {
        js,
        wasm,
        integrity: sri_sha384(&bytes),
    })
}

fn proc_output(cmd: &mut std::process::Command) -> Result<std::process::Output> {
    cmd.output()
        .context("running wasm-opt (binaryen; `cargo xtask install` puts it on PATH)")
}

/// A bundle's JS glue (`tsunagari-app-<hash>.js`) and plain wasm
/// (`…_bg.wasm`): exactly one of each.
fn glue_and_wasm(dir: &Path) -> Result<(PathBuf, PathBuf)> {
    let mut js = Vec::new();
    let mut wasm = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        let n = path.file_name().unwrap_or_default().to_string_lossy();
        if n.contains(".simd.") {
            continue;
        }
        if n.starts_with("tsunagari-app-") && n.ends_with(".js") {
            js.push(path);
        } else if n.ends_with("_bg.wasm") {
            wasm.push(path);
        }
    }
    match (js.as_slice(), wasm.as_slice()) {
        ([js], [wasm]) => Ok((js.clone(), wasm.clone())),
        _ => bail!(
            "{} should hold one tsunagari-app-*.js and one *_bg.wasm (found {} and {})",
            dir.display(),
            js.len(),
            wasm.len()
        ),
    }
}

/// A subresource integrity value: `sha384-` and the digest in base64.
fn sri_sha384(bytes: &[u8]) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(bytes))
    )
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
pub fn start_after_first_paint(html: &str, simd: Option<&SimdBuild>) -> Result<String> {
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
    let plain = match integrity {
        Some(hash) => format!("fetch(new Request('{wasm}', {{ integrity: '{hash}' }}))"),
        None => format!("fetch('{wasm}')"),
    };
    // With a SIMD build: its own glue and wasm where the probe validates
    // (the glue names the wasm's functions by index: each wasm needs its own).
    let (choose, glue, request) = match simd {
        Some(s) => (
            format!("const simd = WebAssembly.validate(new Uint8Array({SIMD_PROBE:?}));\n"),
            format!("simd ? '{}' : '{js}'", s.js),
            format!(
                "(simd ? fetch(new Request('{}', {{ integrity: '{}' }})) : {plain})",
                s.wasm, s.integrity
            ),
        ),
        None => (String::new(), format!("'{js}'"), plain),
    };
    let out = out
        .replacen(
            &format!("{IMPORT}{js}';"),
            &format!(
                "// __tsunagari_after_paint (xtask precache): the server's page first, then the app.\n\
                 if (document.getElementById('ssr')) await new Promise((ok) => {{ requestAnimationFrame(() => setTimeout(ok, 0)); setTimeout(ok, 1000); }});\n\
                 {choose}const bindings = await import({glue});\n\
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
/// Only beside the server's page (`#ssr`): the service worker's cached page
/// has nothing to tap before the app runs, and there the pieces' tasks
/// (four milliseconds apart once nested) only delay it, by ~40 ms.
const PACED: &str = "const paced = (res) => !document.getElementById('ssr') ? res : res.then((r) => {\n\
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

/// The marker of a page that reads the stored directory before its wasm
/// runs (`index.html`, the directory's page): [`with_early_read`] puts the
/// script [`early_read_script`] in its place.
const EARLY_READ_MARK: &str = r#"<meta name="tsunagari-early-read" content="directory" />"#;

/// The page with its early read (see [`EARLY_READ_MARK`]); a page without
/// the marker as it is.
pub fn with_early_read(html: &str) -> String {
    html.replacen(EARLY_READ_MARK, &early_read_script(), 1)
}

/// A classic script, run as the parser meets it (long before the module
/// loader has the wasm), that reads what the directory's repeat visit shows
/// first: the group buckets and their cursor (one transaction), and the
/// kept search index's record (a transaction of its own, asked for first):
/// the record as it arrives (`record`: the list's base order is in it,
/// often before the groups are decoded), then with its index's `Blob`
/// read into an `ArrayBuffer` (`kept`, a promise). IndexedDB
/// reads them while the wasm loads and compiles; the app takes the promise
/// from `window[EARLY_READ]` (`app/src/store/index.rs`). It opens only a
/// database `indexedDB.databases()` lists at exactly the app's schema
/// version, so it never creates one, starts an upgrade or waits on another
/// tab (should the database change in between, the upgrade its open would
/// start is aborted); anything else (or a browser without `databases()`)
/// reads nothing, and the app reads as always. The connection is closed as
/// soon as the reads are asked for, and at once for another tab's upgrade.
fn early_read_script() -> String {
    use tsunagari_core::idb;
    const SCRIPT: &str = "<script>\n\
// __tsunagari_early_read (xtask precache): the stored directory, read while the wasm loads.\n\
window[GLOBAL] = new Promise((done) => {\n\
  const read = () => {\n\
    let open;\n\
    try { open = indexedDB.open(DB, VERSION); } catch (e) { done(null); return; }\n\
    open.onupgradeneeded = () => open.transaction.abort();\n\
    open.onerror = () => done(null);\n\
    open.onsuccess = () => {\n\
      const db = open.result;\n\
      db.onversionchange = () => db.close();\n\
      const early = {};\n\
      try {\n\
        const record = db.transaction(INDEX).objectStore(INDEX).get(INDEX_KEY);\n\
        early.kept = new Promise((ok) => {\n\
          record.onerror = () => ok(null);\n\
          record.onsuccess = () => {\n\
            const r = record.result;\n\
            early.record = r || null;\n\
            if (!r || !(r.index instanceof Blob)) { ok(r || null); return; }\n\
            r.index.arrayBuffer().then((bytes) => { ok({ ...r, index: bytes }); }, () => ok(null));\n\
          };\n\
        });\n\
        const tx = db.transaction([BUCKETS, META]);\n\
        const parts = tx.objectStore(BUCKETS).getAll();\n\
        const cursor = tx.objectStore(META).get(CURSOR);\n\
        tx.oncomplete = () => { early.parts = parts.result; early.cursor = cursor.result; done(early); };\n\
        tx.onabort = () => done(null);\n\
      } catch (e) { done(null); }\n\
      db.close();\n\
    };\n\
  };\n\
  // Only a database of exactly this version: opening starts no upgrade, blocks on no other tab.\n\
  if (!indexedDB.databases) { done(null); return; }\n\
  indexedDB.databases().then((all) => {\n\
    if (all.some((d) => d.name === DB && d.version === VERSION)) read(); else done(null);\n\
  }, () => done(null));\n\
});\n\
</script>";
    let js = |s: &str| format!("{s:?}");
    SCRIPT
        .replace("GLOBAL", &js(idb::EARLY_READ))
        .replace(
            "DB, VERSION",
            &format!("{}, {}", js(idb::DB_NAME), idb::DB_VERSION),
        )
        .replace(
            "d.name === DB && d.version === VERSION",
            &format!(
                "d.name === {} && d.version === {}",
                js(idb::DB_NAME),
                idb::DB_VERSION
            ),
        )
        .replace("INDEX_KEY", &js(idb::SEARCH_INDEX_KEY))
        .replace("INDEX", &js(idb::SEARCH_INDEX))
        .replace("BUCKETS", &js(idb::GROUP_BUCKETS))
        .replace("META", &js(idb::META))
        .replace("CURSOR", &js(idb::GROUPS_CURSOR))
}

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

/// What the worker needs to precache only the wasm this browser runs:
/// [`SIMD_PROBE`], the SIMD builds' files (`.simd.`) and the plain builds'
/// glue and wasm they stand in for; `null` without SIMD builds.
fn simd_variants(urls: &[String]) -> serde_json::Value {
    let simd: Vec<&String> = urls.iter().filter(|u| u.contains(".simd.")).collect();
    if simd.is_empty() {
        return serde_json::Value::Null;
    }
    let plain: Vec<&String> = urls
        .iter()
        .filter(|u| {
            !u.contains(".simd.")
                && u.starts_with("/tsunagari-app-")
                && (u.ends_with("_bg.wasm") || u.ends_with(".js"))
        })
        .collect();
    serde_json::json!({ "probe": SIMD_PROBE, "simd": simd, "plain": plain })
}

/// Replaces the placeholders (the list, the version, the one route table
/// of `tsunagari_core::routes`, and the SIMD variants as
/// [`simd_variants`] gives them); refuses a worker that lacks one.
fn fill(source: &str, list_json: &str, version: &str, simd_json: &str) -> Result<String> {
    for placeholder in [
        LIST_PLACEHOLDER,
        VERSION_PLACEHOLDER,
        ROUTES_PLACEHOLDER,
        NOT_FOUND_PLACEHOLDER,
        SIMD_PLACEHOLDER,
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
        .replacen(SIMD_PLACEHOLDER, &format!("self.__SIMD = {simd_json};"), 1)
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
    fn the_directory_page_reads_the_stored_directory_before_its_wasm() {
        use tsunagari_core::idb;
        let page = format!("<head>\n{EARLY_READ_MARK}\n<script type=\"module\">…</script></head>");
        let out = with_early_read(&page);
        assert!(!out.contains("tsunagari-early-read"), "{out}");
        let script = &out[out.find("<script>").unwrap()..out.find("</script>").unwrap()];
        assert!(
            out.find("<script>").unwrap() < out.find("<script type=\"module\">").unwrap(),
            "before the loader: {out}"
        );
        for (what, name) in [
            (
                "the database",
                format!("indexedDB.open({:?}, {})", idb::DB_NAME, idb::DB_VERSION),
            ),
            ("the global", format!("window[{:?}]", idb::EARLY_READ)),
            (
                "the groups",
                format!("objectStore({:?}).getAll()", idb::GROUP_BUCKETS),
            ),
            (
                "their cursor",
                format!("objectStore({:?}).get({:?})", idb::META, idb::GROUPS_CURSOR),
            ),
            (
                "the kept index",
                format!(
                    "objectStore({:?}).get({:?})",
                    idb::SEARCH_INDEX,
                    idb::SEARCH_INDEX_KEY
                ),
            ),
        ] {
            assert!(script.contains(&name), "{what}: {name} in {script}");
        }
        // Only a database of exactly this version is opened; should one
        // appear in between, the upgrade its open would start is aborted.
        let listed = format!(
            "d.name === {:?} && d.version === {}",
            idb::DB_NAME,
            idb::DB_VERSION
        );
        assert!(script.contains(&listed), "{listed} in {script}");
        assert!(
            script.contains("onupgradeneeded = () => open.transaction.abort()"),
            "{script}"
        );
        // The kept record as it arrives (the list's base order is in it),
        // before its index's bytes are read.
        let arrives = script.find("early.record = r || null").expect(script);
        assert!(
            arrives < script.find(".arrayBuffer()").expect(script),
            "{script}"
        );
        // Every name was filled in.
        for placeholder in [
            "GLOBAL", "DB", "VERSION", "INDEX", "BUCKETS", "META", "CURSOR",
        ] {
            assert!(
                !script
                    .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .any(|w| w == placeholder),
                "{placeholder} left in {script}"
            );
        }
        // A page without the marker (the full app's) is left as it is.
        assert_eq!(with_early_read(TRUNK_PAGE), TRUNK_PAGE);
    }

    #[test]
    fn the_wasm_is_paced_only_beside_the_servers_page() {
        let out = start_after_first_paint(TRUNK_PAGE, None).unwrap();
        assert!(
            out.contains("const paced = (res) => !document.getElementById('ssr') ? res : "),
            "{out}"
        );
    }

    #[test]
    fn the_app_starts_after_the_first_paint() {
        let out = start_after_first_paint(TRUNK_PAGE, None).unwrap();
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
        assert_eq!(start_after_first_paint(&out, None).unwrap(), out);
    }

    #[test]
    fn the_loader_takes_the_simd_build_where_the_probe_validates() {
        let simd = SimdBuild {
            js: "/app-3.simd.js".into(),
            wasm: "/app-3_bg.simd.wasm".into(),
            integrity: "sha384-simd".into(),
        };
        let out = start_after_first_paint(TRUNK_PAGE, Some(&simd)).unwrap();
        let probe = out
            .find(&format!(
                "const simd = WebAssembly.validate(new Uint8Array({SIMD_PROBE:?}));"
            ))
            .unwrap();
        let import = out
            .find("const bindings = await import(simd ? '/app-3.simd.js' : '/app-1.js');")
            .unwrap();
        assert!(probe < import, "{out}");
        assert!(
            out.contains(
                "init({ module_or_path: paced((simd \
                 ? fetch(new Request('/app-3_bg.simd.wasm', { integrity: 'sha384-simd' })) \
                 : fetch(new Request('/app-1_bg.wasm', { integrity: 'sha384-wasm' })))) })"
            ),
            "{out}"
        );
    }

    #[test]
    fn the_worker_learns_which_files_each_build_needs() {
        let urls: Vec<String> = [
            "/",
            "/app.html",
            "/tsunagari-app-1.js",
            "/tsunagari-app-1_bg.wasm",
            "/tsunagari-app-2.simd.js",
            "/tsunagari-app-2_bg.simd.wasm",
            "/tsunagari-app-3.js",
            "/tsunagari-app-3_bg.wasm",
            "/tsunagari-app-4.simd.js",
            "/tsunagari-app-4_bg.simd.wasm",
            "/style-5.css",
        ]
        .map(String::from)
        .to_vec();
        let v = simd_variants(&urls);
        assert_eq!(v["probe"].as_array().unwrap().len(), SIMD_PROBE.len());
        assert_eq!(
            v["simd"],
            serde_json::json!([
                "/tsunagari-app-2.simd.js",
                "/tsunagari-app-2_bg.simd.wasm",
                "/tsunagari-app-4.simd.js",
                "/tsunagari-app-4_bg.simd.wasm"
            ])
        );
        assert_eq!(
            v["plain"],
            serde_json::json!([
                "/tsunagari-app-1.js",
                "/tsunagari-app-1_bg.wasm",
                "/tsunagari-app-3.js",
                "/tsunagari-app-3_bg.wasm"
            ])
        );
        let plain_only: Vec<String> = urls
            .iter()
            .filter(|u| !u.contains(".simd."))
            .cloned()
            .collect();
        assert_eq!(simd_variants(&plain_only), serde_json::Value::Null);
    }

    #[test]
    fn the_probe_and_the_plain_features_match_the_pages() {
        // The probe is a wasm module (magic, version 1) whose code uses
        // the SIMD prefix (0xfd).
        assert_eq!(&SIMD_PROBE[..8], b"\0asm\x01\0\0\0");
        assert!(SIMD_PROBE.contains(&0xfd));
        for page in [
            include_str!("../../index.html"),
            include_str!("../../app.html"),
        ] {
            let params = between(page, "data-wasm-opt-params=\"", "\"").unwrap();
            let mut want: Vec<&str> = PLAIN_FEATURES.to_vec();
            want.push("--enable-simd");
            assert_eq!(params.split_whitespace().collect::<Vec<_>>(), want);
        }
    }

    #[test]
    fn stages_the_simd_build_only_beside_a_plain_wasm_without_simd() {
        let dir = std::env::temp_dir().join(format!("simd-stage-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let (plain, simd) = (dir.join("plain"), dir.join("simd"));
        fs::create_dir_all(&plain).unwrap();
        fs::create_dir_all(&simd).unwrap();
        fs::write(simd.join("tsunagari-app-2.js"), "simd glue").unwrap();
        fs::write(simd.join("tsunagari-app-2_bg.wasm"), b"simd wasm").unwrap();
        fs::write(plain.join("tsunagari-app-1.js"), "glue").unwrap();
        // An empty module: valid without SIMD.
        fs::write(plain.join("tsunagari-app-1_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        let staged = stage_simd_build(&plain, &simd).unwrap();
        assert_eq!(staged.js, "/tsunagari-app-2.simd.js");
        assert_eq!(staged.wasm, "/tsunagari-app-2_bg.simd.wasm");
        assert_eq!(
            fs::read(plain.join("tsunagari-app-2_bg.simd.wasm")).unwrap(),
            b"simd wasm"
        );
        assert_eq!(
            fs::read_to_string(plain.join("tsunagari-app-2.simd.js")).unwrap(),
            "simd glue"
        );
        assert_eq!(staged.integrity, sri_sha384(b"simd wasm"));
        // SHA-384 is 48 bytes: 64 characters of base64.
        assert!(staged.integrity.starts_with("sha384-") && staged.integrity.len() == 7 + 64);
        // Staged files are not taken for the plain build's own.
        assert_eq!(stage_simd_build(&plain, &simd).unwrap(), staged);
        // A plain wasm with SIMD in it is refused.
        fs::write(plain.join("tsunagari-app-1_bg.wasm"), SIMD_PROBE).unwrap();
        let err = stage_simd_build(&plain, &simd).unwrap_err().to_string();
        assert!(err.contains("does not validate without SIMD"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_a_loader_it_does_not_know() {
        assert!(start_after_first_paint("<head></head>", None).is_err());
        let other = TRUNK_PAGE.replace("await init({ module_or_path:", "await init({ path:");
        assert!(start_after_first_paint(&other, None).is_err());
    }

    #[test]
    fn fills_the_placeholders() {
        let out = fill(WORKER_SOURCE, r#"["/","/a.js"]"#, "abc", "null").unwrap();
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
        self.__ROUTES = [];\nself.__NOT_FOUND_PAGE = 'app.html';\nself.__SIMD = null;\n";

    #[test]
    fn the_real_worker_has_every_placeholder() {
        let sw = include_str!("../../public/sw.js");
        assert!(fill(sw, "[]", "x", "null").is_ok());
        assert!(!sw.contains("isShellRoute"), "the rule lives in the table");
    }

    #[test]
    fn refuses_a_worker_without_placeholders() {
        assert!(fill("self.__PRECACHE = [];", "[]", "x", "null").is_err());
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
