//! The built app: types, compression, cache rules, client-route fallback.

mod common;

use std::io::Read as _;
use std::path::Path;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{databases, get, get_with, send};

const WASM: &str = "tsunagari-app-3f2a9c1b0d4e5f67_bg.wasm";
const JS: &str = "tsunagari-app-3f2a9c1b0d4e5f67.js";
const CSS: &str = "style-0123456789abcdef.css";
const INDEX: &str = "<!doctype html><title>tsunagari</title>";
const FULL_APP: &str = "<!doctype html><title>tsunagari (full app)</title>";

/// A fake trunk output: compressible files of each kind.
fn write_dist(dir: &Path) {
    let wasm: Vec<u8> = b"\0asm\x01\0\0\0"
        .iter()
        .copied()
        .chain((0..20_000u32).map(|i| (i % 7) as u8))
        .collect();
    std::fs::write(dir.join(WASM), wasm).expect("write");
    std::fs::write(
        dir.join(JS),
        "export default function init() {}\n".repeat(100),
    )
    .expect("write");
    std::fs::write(dir.join(CSS), "body { margin: 0 }\n".repeat(100)).expect("write");
    std::fs::write(dir.join("index.html"), INDEX).expect("write");
    std::fs::write(dir.join("app.html"), FULL_APP).expect("write");
    std::fs::write(
        dir.join("sw.js"),
        "self.addEventListener('fetch', () => {});\n",
    )
    .expect("write");
    std::fs::write(dir.join("manifest.webmanifest"), r#"{"name":"つながり"}"#).expect("write");
    std::fs::write(
        dir.join("icon.svg"),
        "<svg xmlns='http://www.w3.org/2000/svg'/>",
    )
    .expect("write");
    std::fs::write(dir.join("icon-192.png"), b"\x89PNG\r\n\x1a\n").expect("write");
}

async fn app() -> (axum::Router, common::TestDb, tempfile::TempDir) {
    let db = databases().await.remove(0);
    let dist = tempfile::tempdir().expect("temp dir");
    write_dist(dist.path());
    (
        tsunagari_server::app(common::state(&db, dist.path())),
        db,
        dist,
    )
}

#[tokio::test]
async fn wasm_is_typed_and_compressed_as_asked() {
    let (app, _db, _dist) = app().await;
    let path = format!("/{WASM}");
    let original = std::fs::read(_dist.path().join(WASM)).expect("read");

    let br = get_with(&app, &path, &[("accept-encoding", "br")]).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.header("content-type"), Some("application/wasm"));
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert!(
        br.body.len() < original.len() / 4,
        "compressed: {}",
        br.body.len()
    );
    let mut plain = Vec::new();
    brotli_decompress(&br.body, &mut plain);
    assert_eq!(plain, original);

    let gz = get_with(&app, &path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gz.header("content-type"), Some("application/wasm"));
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(gz.body.as_slice())
        .read_to_end(&mut plain)
        .expect("gunzip");
    assert_eq!(plain, original);

    let both = get_with(&app, &path, &[("accept-encoding", "gzip, deflate, br")]).await;
    assert!(both.header("content-encoding").is_some());

    let identity = get(&app, &path).await;
    assert_eq!(identity.header("content-encoding"), None);
    assert_eq!(identity.body, original);
}

fn brotli_decompress(input: &[u8], out: &mut Vec<u8>) {
    brotli::Decompressor::new(input, 4096)
        .read_to_end(out)
        .expect("brotli");
}

#[tokio::test]
async fn types_and_cache_rules() {
    let (app, _db, _dist) = app().await;
    const IMMUTABLE: &str = "public, max-age=31536000, immutable";
    for (path, content_type, cache) in [
        (format!("/{WASM}"), "application/wasm", IMMUTABLE),
        (format!("/{JS}"), "text/javascript", IMMUTABLE),
        (format!("/{CSS}"), "text/css", IMMUTABLE),
        ("/index.html".into(), "text/html; charset=utf-8", "no-cache"),
        ("/".into(), "text/html", "no-cache"),
        ("/sw.js".into(), "text/javascript", "no-cache"),
        (
            "/manifest.webmanifest".into(),
            "application/manifest+json",
            "no-cache",
        ),
        ("/icon.svg".into(), "image/svg+xml", "no-cache"),
        ("/icon-192.png".into(), "image/png", "no-cache"),
    ] {
        let answer = get(&app, &path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        let got = answer.header("content-type").unwrap_or_default();
        assert!(got.starts_with(content_type), "{path}: {got}");
        assert_eq!(answer.header("cache-control"), Some(cache), "{path}");
    }
    let sw = get(&app, "/sw.js").await;
    assert_eq!(sw.header("service-worker-allowed"), Some("/"));
}

#[tokio::test]
async fn client_routes_fall_back_to_their_page_but_missing_files_are_404() {
    let (app, _db, _dist) = app().await;
    let shell = ["/groups/porepore", "/groups", "/"].map(|p| (p, INDEX));
    let full = [
        "/calendar",
        "/events/e1",
        "/drafts/d1/print",
        "/signin",
        "/about/",
    ]
    .map(|p| (p, FULL_APP));
    for (path, page) in shell.into_iter().chain(full) {
        let answer = get(&app, path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.body, page.as_bytes(), "{path}");
        assert_eq!(answer.header("cache-control"), Some("no-cache"), "{path}");
        assert!(
            answer
                .header("content-type")
                .is_some_and(|t| t.starts_with("text/html"))
        );
    }
    for path in [
        "/nope.js",
        "/groups/nope.wasm",
        "/tsunagari-app-0000000000000000.js",
    ] {
        let answer = get(&app, path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(answer.header("cache-control"), Some("no-cache"), "{path}");
    }
}

#[tokio::test]
async fn without_a_full_app_every_route_gets_the_shell() {
    let (app, _db, dist) = app().await;
    std::fs::remove_file(dist.path().join("app.html")).expect("remove");
    for path in ["/groups/porepore", "/calendar", "/drafts"] {
        let answer = get(&app, path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.body, INDEX.as_bytes(), "{path}");
    }
}

#[tokio::test]
async fn head_requests() {
    let (app, _db, _dist) = app().await;
    for path in [
        format!("/{WASM}"),
        "/groups/porepore".into(),
        "/index.html".into(),
    ] {
        let req = Request::head(path.as_str())
            .body(Body::empty())
            .expect("request");
        let answer = send(&app, req).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert!(answer.body.is_empty(), "{path}");
    }
    let req = Request::head("/nope.js")
        .body(Body::empty())
        .expect("request");
    assert_eq!(send(&app, req).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn no_dist_yet_is_404_not_500() {
    let db = databases().await.remove(0);
    let app = common::router(&db);
    assert_eq!(get(&app, "/").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&app, "/groups/porepore").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&app, "/api/health").await.status, StatusCode::OK);
}
