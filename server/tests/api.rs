//! The JSON API through the router: feeds, cursors, errors, contacts.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{databases, get, group, router, send, small_seed, with_readings};
use tsunagari_core::{Cursor, DirectorySeed, FeedPage, Group};
use tsunagari_server::groups;

fn page(answer: &common::Answer) -> FeedPage<Group> {
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    serde_json::from_slice(&answer.body).expect("a FeedPage<Group>")
}

fn ids(page: &FeedPage<Group>) -> Vec<&str> {
    let mut ids: Vec<&str> = page.items.iter().map(|g| g.id.as_str()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn full_feed_then_deltas_after_an_import() {
    for db in databases().await {
        let seed = small_seed();
        groups::import(&db.store, &seed).await.expect("seed");
        let app = router(&db);

        let full = page(&get(&app, "/api/groups").await);
        assert!(full.reset, "{}", db.name);
        assert_eq!(ids(&full), ["hoshi", "machiya", "porepore"], "{}", db.name);
        assert!(full.deleted.is_empty());
        let cursor: Cursor = full.cursor.parse().expect("a cursor");
        assert_eq!(cursor.epoch, db.store.epoch());
        assert_eq!(cursor.seq, 3, "{}: one change per group", db.name);
        assert_eq!(
            full.items.iter().find(|g| g.id == "machiya"),
            seed.groups.get(1).cloned().map(with_readings).as_ref()
        );

        let empty = page(&get(&app, &format!("/api/groups?since={}", full.cursor)).await);
        assert!(!empty.reset);
        assert!(
            empty.items.is_empty() && empty.deleted.is_empty(),
            "{}",
            db.name
        );
        assert_eq!(empty.cursor, full.cursor);

        // Change machiya, drop hoshi, keep porepore as it is.
        let mut changed = group("machiya", "町家の会（新）");
        changed.description = "新しい説明".into();
        let next = DirectorySeed {
            groups: vec![
                group("porepore", "地域支援センター「ポレポレ」"),
                changed.clone(),
            ],
        };
        groups::import(&db.store, &next).await.expect("import");

        let delta = page(&get(&app, &format!("/api/groups?since={}", full.cursor)).await);
        assert!(!delta.reset, "{}", db.name);
        assert_eq!(delta.items, vec![with_readings(changed)], "{}", db.name);
        assert_eq!(delta.deleted, vec!["hoshi".to_string()], "{}", db.name);
        let after: Cursor = delta.cursor.parse().expect("a cursor");
        assert_eq!(after.seq, 5, "{}", db.name);

        let again = page(&get(&app, &format!("/api/groups?since={}", delta.cursor)).await);
        assert!(
            again.items.is_empty() && again.deleted.is_empty(),
            "{}",
            db.name
        );

        // A full feed no longer holds the tombstoned group.
        let full = page(&get(&app, "/api/groups").await);
        assert_eq!(ids(&full), ["machiya", "porepore"], "{}", db.name);
        assert!(full.deleted.is_empty());

        get(&app, "/api/groups/hoshi")
            .await
            .api_error(StatusCode::NOT_FOUND);
        db.store.close().await;
    }
}

#[tokio::test]
async fn another_epoch_or_a_cursor_ahead_gets_a_reset() {
    for db in databases().await {
        groups::import(&db.store, &small_seed())
            .await
            .expect("seed");
        let app = router(&db);
        for since in [
            "0123456789abcdef.2".to_string(),
            format!("{}.999", db.store.epoch()),
        ] {
            let p = page(&get(&app, &format!("/api/groups?since={since}")).await);
            assert!(p.reset, "{}: {since}", db.name);
            assert_eq!(p.items.len(), 3);
            assert_eq!(p.cursor, format!("{}.3", db.store.epoch()));
        }
        // seq 0 of this epoch: everything, as changes.
        let p = page(&get(&app, &format!("/api/groups?since={}.0", db.store.epoch())).await);
        assert!(!p.reset);
        assert_eq!(p.items.len(), 3);
        db.store.close().await;
    }
}

#[tokio::test]
async fn client_mistakes_are_400_json() {
    for db in databases().await {
        let app = router(&db);
        for (uri, code) in [
            ("/api/groups?since=", "bad_cursor"),
            ("/api/groups?since=nodot", "bad_cursor"),
            ("/api/groups?since=abc.x", "bad_cursor"),
            ("/api/groups?since=abc.-1", "bad_cursor"),
            ("/api/groups?since=a%20b.1", "bad_cursor"),
            ("/api/groups?since=abc.99999999999999999999", "bad_cursor"),
            ("/api/groups?foo=1", "bad_query"),
            ("/api/groups?since=abc.1&limit=3", "bad_query"),
            ("/api/groups?since=abc.1&since=abc.2", "bad_query"),
        ] {
            let answer = get(&app, uri).await;
            assert_eq!(answer.api_error(StatusCode::BAD_REQUEST), code, "{uri}");
            assert_eq!(answer.header("cache-control"), Some("no-store"));
        }
        db.store.close().await;
    }
}

#[tokio::test]
async fn one_group_unknown_paths_and_methods() {
    for db in databases().await {
        groups::import(&db.store, &small_seed())
            .await
            .expect("seed");
        let app = router(&db);

        let answer = get(&app, "/api/groups/porepore").await;
        assert_eq!(answer.status, StatusCode::OK);
        let g: Group = serde_json::from_slice(&answer.body).expect("a Group");
        assert_eq!(
            g,
            with_readings(group("porepore", "地域支援センター「ポレポレ」"))
        );
        assert_eq!(answer.header("cache-control"), Some("no-store"));
        assert_eq!(answer.header("content-type"), Some("application/json"));

        for uri in ["/api/groups/nobody", "/api/groups/%E3%83%9D"] {
            assert_eq!(
                get(&app, uri).await.api_error(StatusCode::NOT_FOUND),
                "not_found"
            );
        }
        for uri in ["/api/nope", "/api/", "/api/groups/porepore/extra", "/api"] {
            let answer = get(&app, uri).await;
            assert_eq!(
                answer.api_error(StatusCode::NOT_FOUND),
                "not_found",
                "{uri}"
            );
            assert_eq!(answer.header("cache-control"), Some("no-store"), "{uri}");
        }
        let message = get(&app, "/api/nope").await.json()["message"].clone();
        assert!(
            message.as_str().is_some_and(|m| m.contains("/api/nope")),
            "{message}"
        );

        let post = Request::post("/api/groups")
            .body(Body::empty())
            .expect("request");
        let answer = send(&app, post).await;
        assert_eq!(
            answer.api_error(StatusCode::METHOD_NOT_ALLOWED),
            "method_not_allowed"
        );
        let delete = Request::delete("/api/groups/porepore")
            .body(Body::empty())
            .expect("request");
        let answer = send(&app, delete).await;
        assert_eq!(
            answer.api_error(StatusCode::METHOD_NOT_ALLOWED),
            "method_not_allowed"
        );

        let head = Request::head("/api/groups")
            .body(Body::empty())
            .expect("request");
        let answer = send(&app, head).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.body.is_empty());
        db.store.close().await;
    }
}

#[tokio::test]
async fn health_counts_live_groups() {
    for db in databases().await {
        groups::import(&db.store, &small_seed())
            .await
            .expect("seed");
        assert!(groups::delete(&db.store, "hoshi").await.expect("delete"));
        let answer = get(&router(&db), "/api/health").await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(
            answer.json(),
            serde_json::json!({"status": "ok", "groups": 2, "epoch": db.store.epoch()}),
            "{}",
            db.name
        );
        assert_eq!(answer.header("cache-control"), Some("no-store"));
        db.store.close().await;
    }
}

#[tokio::test]
async fn city_contacts_file_or_empty_list() {
    let db = databases().await.remove(0);
    let app = router(&db);
    let answer = get(&app, "/api/city-contacts").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json(), serde_json::json!([]));

    let contacts = serde_json::json!([{
        "id": "kyodo", "name": "市民協働推進課", "role": "協働の相談", "phone": "076-220-2026"
    }]);
    let path = db.dir.path().join("city_contacts.json");
    std::fs::write(&path, contacts.to_string()).expect("write contacts");
    let answer = get(&app, "/api/city-contacts").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json(), contacts);
    assert_eq!(answer.header("cache-control"), Some("no-store"));

    for bad in ["{ not json", r#"{"contacts": []}"#] {
        std::fs::write(&path, bad).expect("write contacts");
        let answer = get(&app, "/api/city-contacts").await;
        assert_eq!(
            answer.api_error(StatusCode::INTERNAL_SERVER_ERROR),
            "data_file"
        );
    }

    // The real file, when the helper that writes it has.
    let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/city_contacts.json");
    if real.is_file() {
        std::fs::copy(&real, &path).expect("copy contacts");
        let answer = get(&app, "/api/city-contacts").await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
        assert!(answer.json().as_array().is_some_and(|a| !a.is_empty()));
    }
}

#[tokio::test]
async fn the_demo_data_loads_when_present() {
    let Some(path) = common::demo_data() else {
        eprintln!("data/groups.json is not there yet: skipped");
        return;
    };
    for db in databases().await {
        let summary = groups::seed_if_empty(&db.store, &path)
            .await
            .expect("the demo data loads")
            .expect("an empty database is seeded");
        assert!(summary.added > 0);
        assert_eq!(
            groups::seed_if_empty(&db.store, &path)
                .await
                .expect("second start"),
            None
        );
        let full = page(&get(&router(&db), "/api/groups").await);
        assert_eq!(full.items.len(), summary.added, "{}", db.name);
        db.store.close().await;
    }
}

/// A NUL (U+0000) anywhere a client can put text is a 400 JSON answer on
/// both databases (PostgreSQL cannot store it: it was a 500 there, and a
/// device retried that push forever), and nothing is stored.
#[tokio::test]
async fn nul_characters_are_refused_everywhere() {
    for db in databases().await {
        let app = router(&db);
        let (token, _) = common::two_members(&db, &app).await;
        let mut proposal = common::valid_proposal("porepore");
        proposal.title = "夏祭り\u{0}の準備".into();
        let push = tsunagari_core::sync::PushRequest {
            client: "client-nul-1".to_string().try_into().expect("id"),
            mutations: vec![tsunagari_core::sync::Mutation {
                id: tsunagari_core::sync::MutationId {
                    client: "client-nul-1".to_string().try_into().expect("id"),
                    n: 1,
                },
                draft: "draft-nul-1".to_string().try_into().expect("id"),
                base_revision: 0,
                op: tsunagari_core::sync::Op::Put {
                    proposal,
                    base: None,
                },
            }],
        };
        let push = serde_json::to_string(&push).expect("json");
        assert!(push.contains("\\u0000"), "{push}");
        let bodies = [
            ("/api/drafts/push", Some(token.as_str()), push),
            (
                "/api/auth/signin",
                None,
                serde_json::json!({"login": "pore\u{0}member", "passphrase": common::PASSPHRASE})
                    .to_string(),
            ),
            (
                "/api/auth/redeem",
                None,
                serde_json::json!({"code": "ABCD-EFGH-JKLM", "login": "new\u{0}member",
                                   "passphrase": common::PASSPHRASE})
                .to_string(),
            ),
            // A NUL in a key is refused too, whatever the endpoint does with it.
            (
                "/api/auth/signin",
                None,
                r#"{"login": "pore.member", "passphrase": "x", "\u0000": 1}"#.to_string(),
            ),
        ];
        for (uri, token, body) in &bodies {
            let answer = common::post_json(&app, uri, *token, body).await;
            let code = answer.api_error(StatusCode::BAD_REQUEST);
            assert_eq!(code, "bad_request", "{}: {uri} {body}", db.name);
            assert!(
                answer.json()["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("NUL")),
                "{}: {uri}: {}",
                db.name,
                answer.json()
            );
        }
        for (uri, code) in [
            ("/api/groups/a%00b", "bad_path"),
            ("/api/events/a%00b", "bad_path"),
            ("/api/groups?since=%00", "bad_query"),
            ("/api/events?from=2025-01-01%00&to=2025-01-31", "bad_query"),
            ("/calendar.ics?group=a%00b", "bad_query"),
        ] {
            let answer = get(&app, uri).await;
            assert_eq!(
                answer.api_error(StatusCode::BAD_REQUEST),
                code,
                "{}: {uri}",
                db.name
            );
        }
        for uri in ["/api/drafts/a%00bcdefgh", "/api/drafts?since=%00"] {
            let answer = common::call(&app, "GET", uri, Some(&token), None).await;
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}: {uri}", db.name);
        }
        // Nothing was stored: the draft does not exist, the sign-in still works.
        let answer = common::call(&app, "GET", "/api/drafts", Some(&token), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", db.name);
        assert_eq!(answer.json()["items"], serde_json::json!([]), "{}", db.name);
        let sign_in = serde_json::json!({"login": "pore.member", "passphrase": common::PASSPHRASE});
        let answer = common::post_json(&app, "/api/auth/signin", None, &sign_in.to_string()).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", db.name);
        db.store.close().await;
    }
}

/// A path parameter over 256 bytes is a 400, not a database lookup.
#[tokio::test]
async fn overlong_path_ids_and_query_strings_are_400() {
    for db in databases().await {
        let app = router(&db);
        let long = "a".repeat(257);
        let answer = get(&app, &format!("/api/groups/{long}")).await;
        assert_eq!(answer.api_error(StatusCode::BAD_REQUEST), "bad_path");
        let answer = get(&app, &format!("/api/groups?since={}", "a".repeat(3000))).await;
        assert_eq!(answer.api_error(StatusCode::BAD_REQUEST), "bad_query");
        db.store.close().await;
    }
}

/// A real server on a free port with `limits` (SQLite), as `serve` runs it.
async fn serve_with(
    limits: tsunagari_server::ServeLimits,
) -> (std::net::SocketAddr, common::TestDb) {
    let db = databases().await.remove(0);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let app = router(&db);
    tokio::spawn(tsunagari_server::serve(
        listener,
        app,
        limits,
        std::future::pending(),
    ));
    (addr, db)
}

/// Generous: the server is asked to close after a second or two.
const CLOSE_BOUND: std::time::Duration = std::time::Duration::from_secs(30);

/// Reads until the server closes the connection (or resets it); what it
/// sent. Panics if it is still open after [`CLOSE_BOUND`].
async fn read_until_closed(stream: &mut tokio::net::TcpStream) -> String {
    use tokio::io::AsyncReadExt as _;
    let mut got = Vec::new();
    let read = tokio::time::timeout(CLOSE_BOUND, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server kept the connection open: {got:?}");
    String::from_utf8_lossy(&got).into_owned()
}

fn short_limits() -> tsunagari_server::ServeLimits {
    tsunagari_server::ServeLimits {
        header_read_timeout: std::time::Duration::from_secs(1),
        request_timeout: std::time::Duration::from_secs(2),
        max_connections: 64,
    }
}

/// A client that sends half a request line is cut off by the header-read
/// timeout, and one that stops half-way through its body gets a 408.
#[tokio::test]
async fn slow_clients_are_cut_off() {
    use tokio::io::AsyncWriteExt as _;
    let (addr, _db) = serve_with(short_limits()).await;

    let mut half = tokio::net::TcpStream::connect(addr).await.expect("connect");
    half.write_all(b"GET /api/health HT").await.expect("write");
    read_until_closed(&mut half).await;

    let mut slow_body = tokio::net::TcpStream::connect(addr).await.expect("connect");
    slow_body
        .write_all(
            b"POST /api/auth/signin HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"login\":",
        )
        .await
        .expect("write");
    let answer = read_until_closed(&mut slow_body).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"error\":\"timeout\""), "{answer}");

    // A client that sends its request gets its answer.
    let mut ok = tokio::net::TcpStream::connect(addr).await.expect("connect");
    ok.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let answer = read_until_closed(&mut ok).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// With one connection allowed, a second client is served only once the
/// first (half-sent) one has been closed.
#[tokio::test]
async fn connections_are_capped() {
    use tokio::io::AsyncWriteExt as _;
    let limits = tsunagari_server::ServeLimits {
        max_connections: 1,
        ..short_limits()
    };
    let (addr, _db) = serve_with(limits).await;
    let mut first = tokio::net::TcpStream::connect(addr).await.expect("connect");
    first.write_all(b"GET /api/health HT").await.expect("write");
    // Accepted in order: the first holds the one connection.
    let mut second = tokio::net::TcpStream::connect(addr).await.expect("connect");
    second
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let answer = read_until_closed(&mut second).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // The kernel has the first connection's end by now, if the server
    // closed it before answering the second.
    let mut buf = [0u8; 16];
    let first_state = first.try_read(&mut buf);
    assert!(
        match &first_state {
            Ok(n) => *n == 0,
            Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
        },
        "the second client was served while the first held the only connection: {first_state:?}"
    );
}
