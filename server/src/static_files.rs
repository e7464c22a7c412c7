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
//!   route, answered with 200 and one of the two pages (ARCHITECTURE.md, "Two
//!   bundles"): the directory's routes (`/`, `/groups`, `/groups/porepore`)
//!   with `index.html`, the directory shell; every other (`/calendar`,
//!   `/drafts/…`) with `app.html`, the full app, or `index.html` when the
//!   build has no full app. A missing name with an extension (`/nope.js`) is
//!   a 404. `public/sw.js` makes the same choice offline.
//!
//! Compression (gzip, br) is done for the whole app in [`crate::app`].

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, any};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const NO_CACHE: &str = "no-cache";

/// The fallback service for every path the API does not own.
pub fn service(dist: PathBuf) -> MethodRouter {
    any(serve).with_state(Arc::new(dist))
}

async fn serve(State(dist): State<Arc<PathBuf>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let file_name = path.rsplit('/').next().unwrap_or_default().to_owned();
    let served: Result<Response, Infallible> = if looks_like_file(&file_name) {
        ServeDir::new(dist.as_path())
            .oneshot(req)
            .await
            .map(|r| r.map(Body::new))
    } else {
        ServeDir::new(dist.as_path())
            .fallback(ServeFile::new(page_for(&dist, &path)))
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
    set_headers(&file_name, &mut res);
    res
}

/// The directory shell's client routes: `/`, `/groups`, `/groups/…`.
pub fn is_shell_route(path: &str) -> bool {
    path == "/" || path == "/groups" || path.starts_with("/groups/")
}

/// The page that runs a client route (see the module's comment).
fn page_for(dist: &std::path::Path, path: &str) -> PathBuf {
    let full_app = dist.join("app.html");
    if is_shell_route(path) || !full_app.is_file() {
        dist.join("index.html")
    } else {
        full_app
    }
}

fn set_headers(file_name: &str, res: &mut Response) {
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
    if file_name == "sw.js" {
        headers.insert("service-worker-allowed", HeaderValue::from_static("/"));
    }
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
    fn shell_routes() {
        for path in ["/", "/groups", "/groups/", "/groups/porepore"] {
            assert!(is_shell_route(path), "{path}");
        }
        for path in [
            "/calendar",
            "/events/x",
            "/drafts",
            "/signin",
            "/groupsx",
            "/nope",
        ] {
            assert!(!is_shell_route(path), "{path}");
        }
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
