//! The real server binary as a process, and plain HTTP/1.1 to it: for the
//! tests that kill, back up and restore a running server.
#![allow(dead_code)]

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tsunagari_core::proposal::Proposal;
use tsunagari_core::sync::{
    ClientId, Draft, DraftId, Mutation, MutationId, Op, Outcome, PullResponse, PushRequest,
    PushResponse,
};

use super::common::{BIN, PASSPHRASE};

/// Where a test's server keeps its data: a SQLite data directory, or a
/// PostgreSQL URL (then the data directory holds only the lock file).
#[derive(Debug, Clone)]
pub struct Place {
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
}

impl Place {
    pub fn sqlite(data_dir: &Path) -> Place {
        Place {
            data_dir: data_dir.to_path_buf(),
            database_url: None,
        }
    }

    /// The binary with `args`, `--data-dir` and this place's database.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command.args(args).arg("--data-dir").arg(&self.data_dir);
        match &self.database_url {
            Some(url) => command.env("DATABASE_URL", url),
            None => command.env_remove("DATABASE_URL"),
        };
        command
    }

    /// An admin command: (success, stdout, stderr).
    pub fn admin(&self, args: &[&str]) -> (bool, String, String) {
        let out = self.command(args).output().expect("run the binary");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

/// A running `serve`; killed when dropped.
pub struct Server {
    pub child: Child,
    /// `127.0.0.1:<port>`.
    pub addr: String,
}

impl Server {
    /// Starts `serve` on a free port with a one-group directory (porepore).
    pub fn start(place: &Place, scratch: &Path) -> Server {
        let seed = scratch.join("groups.json");
        let groups = serde_json::json!({ "groups": [{
            "id": "porepore", "name": "地域支援センター「ポレポレ」",
            "kind": "civic", "description": "説明"
        }]});
        std::fs::write(&seed, groups.to_string()).expect("write the seed");
        let mut child = place
            .command(&["serve", "--host", "127.0.0.1", "--port", "0"])
            .arg("--city")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/city.json"))
            .arg("--dist")
            .arg(scratch.join("no-dist"))
            .arg("--seed")
            .arg(&seed)
            .arg("--events-seed")
            .arg(scratch.join("no-events.json"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server");
        let addr = super::common::serving_addr(child.stdout.take().expect("stdout"));
        Server { child, addr }
    }

    /// SIGKILL: no chance to flush or close anything.
    pub fn kill_9(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("wait");
    }

    /// SIGTERM, and the graceful stop.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(sent.success());
        let status = self.child.wait().expect("wait");
        assert!(status.success(), "graceful stop: {status}");
    }

    pub fn http(&self, method: &str, path: &str, token: Option<&str>, body: Option<&str>) -> Reply {
        http(&self.addr, method, path, token, body).expect("the server answers")
    }

    /// The database's epoch, from `/api/health`.
    pub fn epoch(&self) -> String {
        let reply = self.http("GET", "/api/health", None, None);
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()["epoch"].as_str().expect("epoch").to_string()
    }

    /// A member of porepore (invited with the `invite` command): its token.
    pub fn member(&self, place: &Place, login: &str) -> String {
        let (ok, code, err) = place.admin(&["invite", "--group", "porepore"]);
        assert!(ok, "{err}");
        let body = serde_json::json!({
            "code": code.trim(), "login": login, "passphrase": PASSPHRASE
        });
        let reply = self.http("POST", "/api/auth/redeem", None, Some(&body.to_string()));
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()["token"].as_str().expect("token").to_string()
    }

    /// Every draft of the member's group, following the feed to its end.
    pub fn pull_all(&self, token: &str, since: Option<&str>) -> (Vec<Draft>, bool) {
        let mut drafts = Vec::new();
        let mut cursor = since.map(str::to_string);
        let mut reset = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/drafts?since={c}"),
                None => "/api/drafts".to_string(),
            };
            let reply = self.http("GET", &path, Some(token), None);
            assert_eq!(reply.status, 200, "{}", reply.body);
            let page: PullResponse = serde_json::from_str(&reply.body).expect("a drafts page");
            reset.get_or_insert(page.reset);
            let done = page.items.is_empty();
            drafts.extend(page.items);
            cursor = Some(page.cursor);
            if done {
                return (drafts, reset.unwrap_or(false));
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// One HTTP/1.1 request on its own connection; `Err` when the connection
/// fails or closes before a whole answer (the server was killed).
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    let body = body.unwrap_or("");
    if !body.is_empty() {
        head.push_str("Content-Type: application/json\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let broken = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no whole answer");
    let (head, body) = answer.split_once("\r\n\r\n").ok_or_else(broken)?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(broken)?;
    let length: Option<usize> = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    });
    if length.is_some_and(|n| n != body.len()) {
        return Err(broken());
    }
    Ok(Reply {
        status,
        body: body.to_string(),
    })
}

/// A push of one new draft `draft` of porepore whose purpose is `words`:
/// `Ok(true)` when answered 200 with the draft applied, `Ok(false)` for any
/// other answer, `Err` when no answer came.
pub fn push_new_draft(
    addr: &str,
    token: &str,
    client: &str,
    n: u64,
    draft: &str,
    words: &str,
) -> std::io::Result<bool> {
    let mut proposal: Proposal = tsunagari_core::synthetic::valid_proposal("porepore");
    proposal.purpose = words.to_string();
    let req = PushRequest {
        client: ClientId::parse(client).expect("client id"),
        mutations: vec![Mutation {
            id: MutationId {
                client: ClientId::parse(client).expect("client id"),
                n,
            },
            draft: DraftId::parse(draft).expect("draft id"),
            base_revision: 0,
            op: Op::Put {
                proposal,
                base: None,
            },
        }],
    };
    let body = serde_json::to_string(&req).expect("json");
    let reply = http(addr, "POST", "/api/drafts/push", Some(token), Some(&body))?;
    if reply.status != 200 {
        return Ok(false);
    }
    let answer: PushResponse = serde_json::from_str(&reply.body).expect("a PushResponse");
    Ok(matches!(
        answer.results.first().map(|r| &r.outcome),
        Some(Outcome::Applied { .. })
    ))
}

/// With `TEST_DATABASE_URL`: a new schema of its own, migrated, and a URL
/// whose connections use it (`options=-c search_path=…`).
pub fn postgres_place_url() -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL").ok()?;
    let mut bytes = [0u8; 6];
    getrandom::getrandom(&mut bytes).expect("random bytes");
    let schema: String = std::iter::once("t_".to_string())
        .chain(bytes.iter().map(|b| format!("{b:02x}")))
        .collect();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store = tsunagari_server::Store::open_postgres(&url, Some(&schema))
            .await
            .expect("open postgres (TEST_DATABASE_URL)");
        store.close().await;
    });
    let joiner = if url.contains('?') { '&' } else { '?' };
    Some(format!("{url}{joiner}options=-c%20search_path%3D{schema}"))
}
