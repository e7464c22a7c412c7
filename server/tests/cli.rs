//! The binary: serve on port 0, admin commands beside it, graceful stop.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

mod common;

use common::BIN;

fn seed_file(path: &Path, ids: &[&str]) {
    let groups: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| {
            serde_json::json!({
                "id": id, "name": format!("{id}の会"), "kind": "civic", "description": "説明"
            })
        })
        .collect();
    std::fs::write(path, serde_json::json!({ "groups": groups }).to_string()).expect("write seed");
}

/// A plain HTTP/1.1 GET; returns the status line and the body.
fn http_get(addr: &str, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    let status = answer.lines().next().unwrap_or_default().to_string();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn admin(data_dir: &Path, args: &[&str]) -> (bool, String) {
    let out = common::run_admin(data_dir, args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_seeds_once_admin_commands_and_sigterm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let seed = dir.path().join("groups.json");
    seed_file(&seed, &["porepore", "machiya", "hoshi"]);
    let mut server = Server(
        Command::new(BIN)
            .args(["serve", "--city", common::CITY_FILE])
            .args(["--host", "127.0.0.1", "--port", "0", "--dist"])
            .arg(dir.path().join("dist"))
            .arg("--seed")
            .arg(&seed)
            .arg("--data-dir")
            .arg(&data)
            .env_remove("DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server"),
    );
    let url = common::serving_addr(server.0.stdout.take().expect("stdout"));
    assert!(
        url.starts_with("127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );

    let (status, body) = http_get(&url, "/api/health");
    assert!(status.contains("200"), "{status}");
    assert!(body.contains(r#""groups":3"#), "{body}");

    // Beside the running server, on the same SQLite file.
    seed_file(&seed, &["porepore", "machiya", "kaze"]);
    let (ok, text) = admin(
        &data,
        &["import-groups", seed.to_str().expect("utf-8 path")],
    );
    assert!(ok, "{text}");
    assert!(
        text.contains("1 added, 0 updated, 1 removed, 2 unchanged"),
        "{text}"
    );
    let (ok, text) = admin(&data, &["delete-group", "machiya"]);
    assert!(ok, "{text}");
    let (ok, text) = admin(&data, &["delete-group", "machiya"]);
    assert!(!ok && text.contains("no group with the id"), "{text}");

    let (_, body) = http_get(&url, "/api/groups/kaze");
    assert!(body.contains("kazeの会"), "{body}");
    let (status, _) = http_get(&url, "/api/groups/machiya");
    assert!(status.contains("404"), "{status}");

    let pid = server.0.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = server.0.wait().expect("wait");
    assert!(status.success(), "graceful stop: {status}");

    // A file that is not there is an error, not an empty directory.
    let (ok, text) = admin(&data, &["import-groups", "/nonexistent.json"]);
    assert!(!ok && text.contains("could not read"), "{text}");
}

/// Without the dictionary an import still succeeds (no readings, a
/// warning); the next start adds the readings. `readings-cache` says what
/// to install.
#[test]
fn readings_come_with_the_next_start_when_the_dictionary_was_missing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let seed = dir.path().join("groups.json");
    std::fs::write(
        &seed,
        r#"{"groups": [{"id": "ikuji", "name": "育児の会", "kind": "civic", "description": "子育ての相談"}]}"#,
    )
    .expect("write seed");
    let without = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .arg("--data-dir")
            .arg(&data)
            .env_remove("DATABASE_URL")
            .env("TSUNAGARI_IPADIC_DIR", dir.path().join("no-ipadic"))
            .output()
            .expect("run")
    };
    let out = without(&["import-groups", seed.to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("mecab-ipadic"), "{stderr}");
    let out = without(&["readings-cache"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("apt-get install mecab-ipadic"));

    let mut server = Server(
        Command::new(BIN)
            .args(["serve", "--city", common::CITY_FILE])
            .args(["--host", "127.0.0.1", "--port", "0", "--dist"])
            .arg(dir.path().join("dist"))
            .arg("--seed")
            .arg(&seed)
            .arg("--data-dir")
            .arg(&data)
            .env_remove("DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server"),
    );
    let url = common::serving_addr(server.0.stdout.take().expect("stdout"));
    let (status, body) = http_get(&url, "/api/groups/ikuji");
    assert!(status.contains("200"), "{status}");
    let group: tsunagari_core::Group = serde_json::from_str(&body).expect("a group");
    assert_eq!(group.reading.as_deref(), Some("いくじのかい"));
    assert_eq!(group.body_reading, "こそだてのそうだん");
}

#[test]
fn usage_mistakes_exit_2() {
    for args in [
        &["frobnicate"][..],
        &["serve", "--nope", "1"],
        &["serve", "--port", "x"],
        &["invite", "--group", "g", "--days", "0"],
        &["export-submissions", "--format", "xml"],
        &[],
    ] {
        let out = Command::new(BIN).args(args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("Usage:") || err.contains("--help"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn help_lists_every_command_and_option() {
    let out = Command::new(BIN).arg("--help").output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for command in [
        "serve",
        "import-groups",
        "delete-group",
        "import-events",
        "export-events",
        "fill-synthetic-events",
        "readings-cache",
        "create-account",
        "invite",
        "members",
        "revoke",
        "export-submissions",
        "backup",
        "restore",
        "new-epoch",
    ] {
        assert!(help.contains(&format!("  {command} ")), "{command}: {help}");
    }
    let out = Command::new(BIN)
        .args(["serve", "--help"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for option in [
        "--host",
        "--port",
        "--data-dir",
        "--dist",
        "--seed",
        "--city-contacts",
        "--events-seed",
    ] {
        assert!(help.contains(option), "{option}: {help}");
    }
}
