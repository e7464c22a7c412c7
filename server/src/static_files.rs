//! The built app (trunk's `dist/`): files, MIME types, cache rules and the
//! client-side routes' fallback to `index.html`.
//!
//! - A name with a `-` and 16 hex digits right before its extension or
//!   `_bg.` (trunk's content hashes: `tsunagari-app-3f2a9c1b0d4e5f67_bg.wasm`,
//!   `style-0123456789abcdef.css`) never changes: `public, max-age=31536000,
//!   immutable`.
//! - Everything else (`index.html`, `/sw.js`, the manifest, icons, errors):
//!   `no-cache`, so a new release is seen at the next visit.
//! - A GET whose last path segment has no `.` and matches no file is a client
//!   route, answered with 200 and the page the one route table
//!   (`tsunagari_core::routes`) names for it (ARCHITECTURE.md, "Two
//!   bundles"): `index.html`, the directory shell, for `/`, `/groups`,
//!   `/groups/porepore`; `app.html`, the full app, for every other, or
//!   `index.html` when the build has no full app. A missing name with an
//!   extension (`/nope.js`) is a 404. `public/sw.js` reads the same table
//!   offline (the build writes it in).
//!
//! - A path with a segment longer than a file name can be (255 bytes once
//!   percent-decoded), or longer than [`MAX_PATH_BYTES`], names no file and
//!   no route: 404, without asking the file system (which would fail).
//! - Every answer carries the app's Content-Security-Policy ([`csp`]); an
//!   HTML page's also allows, by their SHA-256, the inline scripts trunk
//!   writes into `index.html` and `app.html` (they start the wasm). HTML is
//!   `text/html; charset=utf-8`.
//!
//! Compression (gzip, br) is done for the whole app in [`crate::app`].

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};

use crate::pages::Pages;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, any};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest as _, Sha256};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};
use tsunagari_core::routes::{self, Bundle};

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const NO_CACHE: &str = "no-cache";
pub const HTML: &str = "text/html; charset=utf-8";
/// The longest file name on the file systems we serve from (`NAME_MAX`).
pub const MAX_SEGMENT_BYTES: usize = 255;
/// The longest path served (decoded); no file of the app comes close.
pub const MAX_PATH_BYTES: usize = 1024;
/// The pages whose inline scripts [`csp`] allows.
const PAGES: [&str; 2] = ["index.html", "app.html"];

/// What the fallback service holds: the built app's directory and the
/// public pages' renderer.
#[derive(Debug)]
struct Served {
    dist: PathBuf,
    pages: Pages,
}

/// The fallback service for every path the API does not own.
pub fn service(dist: PathBuf, pages: Pages) -> MethodRouter {
    any(serve).with_state(Arc::new(Served { dist, pages }))
}

async fn serve(State(served): State<Arc<Served>>, req: Request) -> Response {
    let dist = &served.dist;
    let path = req.uri().path().to_owned();
    let file_name = path.rsplit('/').next().unwrap_or_default().to_owned();
    if !servable(&path) {
        let mut res = (StatusCode::NOT_FOUND, "Not found\n").into_response();
        set_headers(dist, &file_name, &mut res);
        return res;
    }
    // A public page: the bundle's page with its content (`crate::pages`).
    let get = req.method() == Method::GET || req.method() == Method::HEAD;
    if get
        && !looks_like_file(&file_name)
        && let Some(mut res) = served
            .pages
            .answer(dist, &path, req.uri().query(), req.headers())
            .await
    {
        set_headers(dist, &file_name, &mut res);
        if req.method() == Method::HEAD {
            *res.body_mut() = Body::empty();
        }
        return res;
    }
    let served: Result<Response, Infallible> = if looks_like_file(&file_name) {
        ServeDir::new(dist.as_path())
            .oneshot(req)
            .await
            .map(|r| r.map(Body::new))
    } else {
        ServeDir::new(dist.as_path())
            .fallback(ServeFile::new(page_for(dist, &path)))
            .oneshot(req)
            .await
            .map(|r| r.map(Body::new))
    };
    let mut res = match served {
        Ok(res) => res,
        Err(never) => match never {},
    };
    if res.status() == StatusCode::NOT_FOUND {
        res = (StatusCode::NOT_FOUND, "Not found\n").into_response();
    }
    set_headers(dist, &file_name, &mut res);
    res
}

/// Whether `path` (as sent, percent-encoded) could name a file or a route:
/// no segment over [`MAX_SEGMENT_BYTES`], the whole under [`MAX_PATH_BYTES`],
/// both counted decoded.
pub fn servable(path: &str) -> bool {
    decoded_len(path) <= MAX_PATH_BYTES
        && path
            .split('/')
            .all(|segment| decoded_len(segment) <= MAX_SEGMENT_BYTES)
}

/// The length in bytes of `s` once its `%XX` escapes are decoded.
fn decoded_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let escapes = bytes
        .windows(3)
        .enumerate()
        .filter(|(_, w)| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
        .count();
    // Escapes cannot overlap: the two characters after `%` are hex digits.
    bytes.len().saturating_sub(2 * escapes)
}

/// The page that runs a client route: the one route table's bundle
/// (`tsunagari_core::routes`), or `index.html` when the build has no full app.
pub fn page_for(dist: &std::path::Path, path: &str) -> PathBuf {
    let page = dist.join(routes::bundle_for(path).file());
    if page.is_file() {
        page
    } else {
        dist.join(Bundle::Shell.file())
    }
}

fn set_headers(dist: &std::path::Path, file_name: &str, res: &mut Response) {
    let ok = res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED;
    let headers = res.headers_mut();
    let cache = if ok && is_hashed(file_name) {
        IMMUTABLE
    } else {
        NO_CACHE
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if ok && let Some(mime) = mime_for(file_name) {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    }
    // A client route's page, typed by its file's name (`index.html`).
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if is_html {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(HTML));
    }
    if file_name == "sw.js" {
        headers.insert("service-worker-allowed", HeaderValue::from_static("/"));
    }
    // A page's hashes also go on its 304: a browser (and the service
    // worker's revalidation) updates the stored page's headers from the 304,
    // so a 304 without them would block the page's start-up script.
    let page = is_html || file_name.ends_with(".html") || !looks_like_file(file_name);
    let hashes = if page {
        inline_script_hashes(dist)
    } else {
        Vec::new()
    };
    if let Ok(policy) = HeaderValue::from_str(&csp(&hashes)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
}

/// The app's Content-Security-Policy: everything from this origin only, wasm
/// compiled (`'wasm-unsafe-eval'`, not `'unsafe-eval'`), no inline script
/// but the ones named by `script_hashes` (`sha256-…`), no plugins, never in
/// a frame. The service worker is served under the same policy (its
/// `connect-src 'self'` lets it fetch and cache the app).
pub fn csp(script_hashes: &[String]) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for hash in script_hashes {
        script_src.push_str(&format!(" '{hash}'"));
    }
    format!(
        "default-src 'self'; script-src {script_src}; style-src 'self'; img-src 'self'; \
         connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// `sha256-<base64>` of every inline `<script>` in the built pages, read
/// at each page request (a new build may replace them while the server
/// runs; the pages are a few kilobytes).
fn inline_script_hashes(dist: &std::path::Path) -> Vec<String> {
    let mut hashes = Vec::new();
    for page in PAGES {
        if let Ok(html) = std::fs::read_to_string(dist.join(page)) {
            for script in inline_scripts(&html) {
                let hash = format!("sha256-{}", STANDARD.encode(Sha256::digest(script)));
                if !hashes.contains(&hash) {
                    hashes.push(hash);
                }
            }
        }
    }
    hashes
}

/// The text of each `<script …>…</script>` without a `src` attribute.
pub fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start + "<script".len()..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let attributes = &after[..tag_end];
        let body = &after[tag_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        if !attributes.contains("src=") {
            scripts.push(&body[..close]);
        }
        rest = &body[close..];
    }
    scripts
}

/// The types the app depends on, pinned rather than left to a guess table.
pub fn mime_for(file_name: &str) -> Option<&'static str> {
    let (_, ext) = file_name.rsplit_once('.')?;
    Some(match ext.to_ascii_lowercase().as_str() {
        "wasm" => "application/wasm",
        "webmanifest" => "application/manifest+json",
        "js" | "mjs" => "text/javascript",
        "css" => "text/css",
        "html" => "text/html; charset=utf-8",
        "json" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => return None,
    })
}

/// `foo.js`, `app.webmanifest`: a name with an extension (not `.hidden`).
pub fn looks_like_file(file_name: &str) -> bool {
    matches!(file_name.rsplit_once('.'), Some((stem, ext)) if !stem.is_empty() && !ext.is_empty())
}

/// A `-` and exactly 16 hex digits, then `.` or `_bg.`, with an extension.
pub fn is_hashed(file_name: &str) -> bool {
    let bytes = file_name.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        if b != b'-' || i == 0 {
            return false;
        }
        let Some(hex) = bytes.get(i + 1..i + 17) else {
            return false;
        };
        if !hex.iter().all(u8::is_ascii_hexdigit) {
            return false;
        }
        // ASCII up to here, so `i + 17` is a character boundary.
        let rest = &file_name[i + 17..];
        let rest = rest.strip_prefix("_bg").unwrap_or(rest);
        rest.strip_prefix('.').is_some_and(|ext| !ext.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names() {
        assert!(is_hashed("tsunagari-app-3f2a9c1b0d4e5f67_bg.wasm"));
        assert!(is_hashed("tsunagari-app-3f2a9c1b0d4e5f67.js"));
        assert!(is_hashed("style-0123456789ABCDEF.css"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("sw.js"));
        assert!(!is_hashed("manifest.webmanifest"));
        assert!(!is_hashed("app-3f2a9c1b0d4e5f6.js"), "15 digits");
        assert!(!is_hashed("app-3f2a9c1b0d4e5f678.js"), "17 digits");
        assert!(!is_hashed("app-3f2a9c1b0d4e5g67.js"), "not hex");
        assert!(!is_hashed("app-3f2a9c1b0d4e5f67"), "no extension");
        assert!(!is_hashed("app-3f2a9c1b0d4e5f67_bg"), "no extension");
        assert!(!is_hashed("-3f2a9c1b0d4e5f67.js"), "no stem");
    }

    #[test]
    fn files_and_routes() {
        assert!(looks_like_file("nope.js"));
        assert!(looks_like_file("a.b.css"));
        assert!(!looks_like_file("porepore"));
        assert!(!looks_like_file(""));
        assert!(!looks_like_file(".hidden"));
        assert!(!looks_like_file("trailing."));
    }

    #[test]
    fn long_segments_are_not_servable() {
        assert!(servable("/groups/porepore"));
        assert!(servable(&format!("/{}", "a".repeat(255))));
        assert!(!servable(&format!("/{}", "a".repeat(256))));
        assert!(!servable(&format!("/x/{}.js", "a".repeat(300))));
        // 86 encoded characters of 3 bytes: 258 bytes decoded.
        assert!(!servable(&format!("/{}", "%E3%81%82".repeat(86))));
        assert!(servable(&format!("/{}", "%E3%81%82".repeat(85))));
        assert!(!servable(&format!("/{}", "a/".repeat(600))));
    }

    #[test]
    fn inline_scripts_are_found() {
        let html = r#"<head><script type="module">import init from '/a.js';
await init();</script><script src="/x.js"></script><script>1</script></head>"#;
        assert_eq!(
            inline_scripts(html),
            ["import init from '/a.js';\nawait init();", "1"]
        );
        assert!(inline_scripts("<script>unclosed").is_empty());
    }

    #[test]
    fn pinned_types() {
        assert_eq!(mime_for("x_bg.wasm"), Some("application/wasm"));
        assert_eq!(
            mime_for("manifest.webmanifest"),
            Some("application/manifest+json")
        );
        assert_eq!(mime_for("a.JS"), Some("text/javascript"));
        assert_eq!(mime_for("README"), None);
    }
}
