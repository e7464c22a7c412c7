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
/// As trunk writes them: an inline module script starts the wasm.
const INDEX: &str = "<!doctype html><title>tsunagari</title>\
    <script type=\"module\">import init from '/tsunagari-app-3f2a9c1b0d4e5f67.js';await init();</script>";
const FULL_APP: &str = "<!doctype html><title>tsunagari (full app)</title>\
    <script type=\"module\">import init from '/full.js';await init();</script>";
/// The SHA-256 of INDEX's script, base64 (computed outside Rust).
const INDEX_SCRIPT_HASH: &str = "sha256-bKiMnsXGfYWn1tQhQZn0ueb6nymA40qt3xNYvMi1MIY=";

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
    // The group `/groups/porepore` names (its page is rendered from it).
    tsunagari_server::groups::import(&db.store, &common::small_seed())
        .await
        .expect("seed");
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
        "/events",
        "/drafts/d1/print",
        "/signin",
        "/about/",
    ]
    .map(|p| (p, FULL_APP));
    for (path, page) in shell.into_iter().chain(full) {
        let answer = get(&app, path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        // The page's own start-up script: the public pages carry their
        // content too (`server/tests/pages.rs`).
        let script = tsunagari_server::static_files::inline_scripts(page)[0];
        let body = String::from_utf8_lossy(&answer.body);
        assert!(body.contains(script), "{path}: {body}");
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
        let script = tsunagari_server::static_files::inline_scripts(INDEX)[0];
        assert!(
            String::from_utf8_lossy(&answer.body).contains(script),
            "{path}"
        );
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

/// A path segment longer than a file name can be (or a very long path) is
/// a 404, not the 500 the file system's "name too long" used to give.
#[tokio::test]
async fn overlong_paths_are_404() {
    let (app, _db, _dist) = app().await;
    let long = "a".repeat(256);
    for path in [
        format!("/{long}.js"),
        format!("/{long}"),
        format!("/calendar/{long}"),
        format!("/groups/{long}.png"),
        format!("/{}", "%E3%81%82".repeat(86)),
        format!("/{}x.js", "a/".repeat(2100)),
    ] {
        let answer = get(&app, &path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(answer.body, b"Not found\n", "{path}");
    }
    // 255 bytes is still a name: a client route gets its page.
    let answer = get(&app, &format!("/calendar/{}", "a".repeat(255))).await;
    assert_eq!(answer.status, StatusCode::OK);
}

/// Every answer says nosniff and same-origin referrers; pages carry the
/// app's Content-Security-Policy with the inline start-up script's hash,
/// and are UTF-8 HTML whichever route served them.
#[tokio::test]
async fn security_headers() {
    let (app, _db, _dist) = app().await;
    for path in [
        "/",
        "/groups/porepore",
        "/calendar",
        "/index.html",
        "/app.html",
    ] {
        let answer = get(&app, path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(
            answer.header("content-type"),
            Some("text/html; charset=utf-8"),
            "{path}"
        );
        let csp = answer.header("content-security-policy").unwrap_or_default();
        for part in [
            "default-src 'self'",
            "'wasm-unsafe-eval'",
            INDEX_SCRIPT_HASH,
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{path}: {part} in {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(!csp.contains("'unsafe-eval'"), "{csp}");
        assert_eq!(
            csp.matches("sha256-").count(),
            2,
            "both pages' scripts: {csp}"
        );
        // A reload revalidates the page: the 304's headers replace the
        // stored ones, so it carries the same policy (without the hashes
        // the page's start-up script is blocked and the app never starts).
        let validator: Vec<(&str, &str)> = [
            ("etag", "if-none-match"),
            ("last-modified", "if-modified-since"),
        ]
        .into_iter()
        .filter_map(|(from, to)| answer.header(from).map(|v| (to, v)))
        .collect();
        assert!(!validator.is_empty(), "{path}: the page has a validator");
        let again = get_with(&app, path, &validator).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        let policy = again.header("content-security-policy").unwrap_or_default();
        assert!(
            policy.contains(INDEX_SCRIPT_HASH),
            "{path}: the 304's policy allows the start-up script: {policy}"
        );
    }
    for path in [
        format!("/{JS}"),
        "/sw.js".into(),
        "/nope.js".into(),
        "/api/health".into(),
        "/api/nope".into(),
    ] {
        let answer = get(&app, &path).await;
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            answer.header("referrer-policy"),
            Some("same-origin"),
            "{path}"
        );
        let csp = answer.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }
    // The service worker may fetch the app from its own origin.
    let sw = get(&app, "/sw.js").await;
    let csp = sw.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    let api = get(&app, "/api/health").await;
    assert_eq!(
        api.header("content-security-policy"),
        Some("default-src 'none'; frame-ancestors 'none'")
    );
}

/// The real binary: a 300-byte path segment is a 404 and the server logs
/// no ERROR line for it (it logged the file system's "name too long").
#[test]
fn overlong_paths_log_no_error() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let dist = dir.path().join("dist");
    std::fs::create_dir(&dist).expect("dist");
    write_dist(&dist);
    let mut server = std::process::Command::new(common::BIN)
        .args(["serve", "--city", common::CITY_FILE])
        .args(["--host", "127.0.0.1", "--port", "0", "--dist"])
        .arg(&dist)
        .arg("--seed")
        .arg(dir.path().join("no-groups.json"))
        .arg("--events-seed")
        .arg(dir.path().join("no-events.json"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the server");
    let addr = common::serving_addr(server.stdout.take().expect("stdout"));
    let long = "a".repeat(300);
    for path in [format!("/{long}.js"), format!("/calendar/{long}")] {
        let mut stream = std::net::TcpStream::connect(&addr).expect("connect");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .expect("send");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("read");
        assert!(answer.starts_with("HTTP/1.1 404"), "{path}: {answer}");
    }
    let _ = server.kill();
    let mut log = String::new();
    server
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut log)
        .expect("the log");
    let _ = server.wait();
    assert!(log.contains("INFO"), "the log was read: {log}");
    assert!(!log.contains("ERROR"), "{log}");
}
