//! Shared test helpers: databases, a small directory, requests.
//!
//! Storage tests run on SQLite (a temp dir) always, and on PostgreSQL too
//! when `TEST_DATABASE_URL` is set: each test then gets its own schema
//! `t_<random>` (created, and put on every connection's `search_path`), so
//! tests running at the same time never see each other's tables. The
//! cluster is expected to be thrown away afterwards; schemas are not dropped.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use tsunagari_core::proposal::Proposal;
use tsunagari_core::{DirectorySeed, Event, Group, GroupKind};
use tsunagari_server::{AppState, Store, app};

/// The server binary of this build.
pub const BIN: &str = env!("CARGO_BIN_EXE_tsunagari-server");

/// Runs a command of the binary on the SQLite data directory `data_dir`.
pub fn run_admin(data_dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run the binary")
}

/// The shared analyser (needs Debian's mecab-ipadic: `cargo xtask install`).
pub fn readings() -> &'static tsunagari_server::readings::Readings {
    tsunagari_server::readings::Readings::shared().unwrap_or_else(|e| panic!("{e}"))
}

/// `group` as an import stores it: with its readings.
pub fn with_readings(mut group: Group) -> Group {
    readings().fill_group(&mut group);
    group
}

/// `event` as an import stores it: with its readings.
pub fn event_with_readings(mut event: Event) -> Event {
    readings().fill_event(&mut event);
    event
}

/// A database for one test, and what keeps it alive.
pub struct TestDb {
    pub name: &'static str,
    pub store: Store,
    pub dir: tempfile::TempDir,
}

fn random_suffix() -> String {
    let mut bytes = [0u8; 6];
    getrandom::getrandom(&mut bytes).expect("random bytes");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SQLite, plus PostgreSQL when `TEST_DATABASE_URL` is set.
pub async fn databases() -> Vec<TestDb> {
    let mut dbs = Vec::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_sqlite(dir.path()).await.expect("open sqlite");
    dbs.push(TestDb {
        name: "sqlite",
        store,
        dir,
    });
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let schema = format!("t_{}", random_suffix());
        let store = Store::open_postgres(&url, Some(&schema))
            .await
            .expect("open postgres (TEST_DATABASE_URL)");
        let dir = tempfile::tempdir().expect("temp dir");
        dbs.push(TestDb {
            name: "postgres",
            store,
            dir,
        });
    }
    dbs
}

pub fn group(id: &str, name: &str) -> Group {
    Group {
        id: id.into(),
        name: name.into(),
        reading: None,
        kind: GroupKind::Civic,
        description: format!("{name}の活動"),
        activities: vec!["清掃".into()],
        registrations: Vec::new(),
        programs: Vec::new(),
        contacts: Vec::new(),
        body_reading: String::new(),
    }
}

/// Three groups: porepore, machiya, hoshi.
pub fn small_seed() -> DirectorySeed {
    DirectorySeed {
        groups: vec![
            group("porepore", "地域支援センター「ポレポレ」"),
            group("machiya", "町家の会"),
            group("hoshi", "星空クラブ"),
        ],
    }
}

pub fn state(db: &TestDb, dist: &Path) -> AppState {
    AppState {
        store: db.store.clone(),
        dist: dist.to_path_buf(),
        city_contacts: db.dir.path().join("city_contacts.json"),
        city: std::sync::Arc::new(kanazawa()),
    }
}

/// Kanazawa's city file, for `serve --city` (the tests run in `server/`).
pub const CITY_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/city.json");

/// Kanazawa's city file, `data/city.json`.
pub fn kanazawa() -> tsunagari_core::city::CityConfig {
    tsunagari_core::city::CityConfig::parse(include_str!("../../../data/city.json"))
        .expect("data/city.json")
}

pub fn router(db: &TestDb) -> Router {
    app(state(db, &db.dir.path().join("no-dist")))
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// A 4xx/5xx with an `ApiErrorBody`: returns its `error` code.
    pub fn api_error(&self, status: StatusCode) -> String {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        let body: tsunagari_core::ApiErrorBody =
            serde_json::from_slice(&self.body).unwrap_or_else(|e| {
                let text = String::from_utf8_lossy(&self.body);
                panic!("not an ApiErrorBody ({e}): {text:?} {:?}", self.headers)
            });
        assert!(body.message.len() > 10, "a sentence: {:?}", body.message);
        body.error
    }
}

pub async fn send(router: &Router, req: Request<Body>) -> Answer {
    let res: Response<Body> = router.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

pub async fn get(router: &Router, uri: &str) -> Answer {
    send(
        router,
        Request::get(uri).body(Body::empty()).expect("request"),
    )
    .await
}

pub async fn get_with(router: &Router, uri: &str, headers: &[(&str, &str)]) -> Answer {
    let mut req = Request::get(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    send(router, req.body(Body::empty()).expect("request")).await
}

/// The real demo data, when another helper has written it.
pub fn demo_data() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/groups.json");
    path.is_file().then_some(path)
}

/// A request with an optional bearer token and an optional JSON body.
pub async fn call(
    router: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    json: Option<&str>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        req = req.header("authorization", format!("Bearer {token}"));
    }
    let body = match json {
        Some(text) => {
            req = req.header("content-type", "application/json");
            Body::from(text.to_string())
        }
        None => Body::empty(),
    };
    send(router, req.body(body).expect("request")).await
}

pub async fn post_json(router: &Router, uri: &str, token: Option<&str>, json: &str) -> Answer {
    call(router, "POST", uri, token, Some(json)).await
}

/// The demo seed's small directory, an account for porepore and machiya, and
/// a member of each signed in: `(porepore token, machiya token)`.
pub async fn two_members(db: &TestDb, app: &Router) -> (String, String) {
    tsunagari_server::groups::import(&db.store, &small_seed())
        .await
        .expect("seed");
    let mut tokens = Vec::new();
    for (group, login) in [("porepore", "pore.member"), ("machiya", "machiya.member")] {
        tokens.push(redeem_new(db, app, group, login).await);
    }
    let machiya = tokens.pop().expect("two");
    let porepore = tokens.pop().expect("two");
    (porepore, machiya)
}

pub const PASSPHRASE: &str = "かなざわのまちづくり2025";

/// Invites (the API way) and redeems a member of `group`; its token.
pub async fn redeem_new(db: &TestDb, app: &Router, group: &str, login: &str) -> String {
    redeem_new_on(&db.store, app, group, login).await
}

pub async fn redeem_new_on(store: &Store, app: &Router, group: &str, login: &str) -> String {
    let now = tsunagari_server::clock::Millis::now().expect("clock");
    let code = tsunagari_server::auth::invite(store, group, 14, now)
        .await
        .expect("invite");
    let body = serde_json::json!({"code": code, "login": login, "passphrase": PASSPHRASE});
    let answer = post_json(app, "/api/auth/redeem", None, &body.to_string()).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    answer.json()["token"]
        .as_str()
        .expect("a token")
        .to_string()
}

/// A proposal of `group` that `validate` accepts.
pub fn valid_proposal(group: &str) -> Proposal {
    tsunagari_core::synthetic::valid_proposal(group)
}

/// The router served on a real socket (127.0.0.1, a free port), with the
/// peer address recorded as `serve` does: for tests that send requests at
/// the same time. The server stops with the test's runtime.
pub async fn listen(router: Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await });
    addr
}

/// One HTTP/1.1 request over a new connection; the answer's status and
/// JSON body.
pub async fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    json: &str,
) -> (u16, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{json}",
        json.len()
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read");
    let text = String::from_utf8_lossy(&answer);
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    let body = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
    (status, body)
}

/// The address (`127.0.0.1:PORT`) a started server binary prints first on
/// stdout (`tsunagari: serving http://ADDR/`).
pub fn serving_addr(stdout: std::process::ChildStdout) -> String {
    use std::io::BufRead as _;
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the serving line");
    line.trim()
        .strip_prefix("tsunagari: serving http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string()
}
