//! The binary's event commands, and the demo events on first start.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

mod common;

use common::BIN;

fn run(data_dir: &Path, args: &[&str]) -> Output {
    common::run_admin(data_dir, args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const CSV: &str = "\
NO,イベント名,開始日,終了日,開始時間,終了時間,場所名称,主催者
spring-fes,春のまちなかまつり,2025-04-05,2025-04-06,,,木倉町広場,町家の会
bad-row,日付のないイベント,2025-13-01,,,,広坂,
salon-1,子育てサロン,2025-04-20,,10:00,12:00,泉野公民館,
";

#[test]
fn import_twice_export_and_import_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let csv = dir.path().join("events.csv");
    std::fs::write(&csv, CSV).expect("write csv");
    let csv_arg = csv.to_str().expect("utf-8 path");

    let out = run(&data, &["import-events", csv_arg]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("line 3: "), "{stderr}");
    assert!(stderr.contains("開始日"), "{stderr}");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("2 added, 0 updated, 0 unchanged, 1 bad rows"),
        "{stdout}"
    );

    let out = run(&data, &["import-events", csv_arg]);
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("0 added, 0 updated, 2 unchanged, 1 bad rows"),
        "{}",
        text(&out.stdout)
    );

    // Export to stdout and to a file: the same 32-column CSV.
    let out = run(&data, &["export-events", "--city", common::CITY_FILE]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let exported = text(&out.stdout);
    assert!(exported.starts_with('\u{feff}'));
    let mut lines = exported.lines();
    assert_eq!(
        lines.next().map(|h| h.split(',').count()),
        Some(32),
        "{exported}"
    );
    assert_eq!(lines.count(), 2);
    assert!(exported.contains("172014,spring-fes,石川県,金沢市,春のまちなかまつり"));
    let file = dir.path().join("out.csv");
    let out = run(
        &data,
        &[
            "export-events",
            "--city",
            common::CITY_FILE,
            "--out",
            file.to_str().expect("utf-8"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(&file).expect("exported file"),
        exported
    );

    // Into a fresh database: the same events.
    let other = dir.path().join("other");
    let out = run(&other, &["import-events", file.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("2 added, 0 updated, 0 unchanged, 0 bad rows"),
        "{}",
        text(&out.stdout)
    );
    let again = run(&other, &["export-events", "--city", common::CITY_FILE]);
    assert_eq!(text(&again.stdout), exported);

    // Unreadable, or no header: exit 1, nothing written.
    let out = run(&data, &["import-events", "/nonexistent.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("/nonexistent.csv"));
    let junk = dir.path().join("junk.csv");
    std::fs::write(&junk, "a,b\n1,2\n").expect("write");
    let out = run(&data, &["import-events", junk.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("line 1: "),
        "{}",
        text(&out.stderr)
    );

    // Synthetic events for the benchmark.
    let out = run(&data, &["fill-synthetic-events", "500"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("500 added"),
        "{}",
        text(&out.stdout)
    );
    let out = run(&data, &["export-events", "--city", common::CITY_FILE]);
    assert_eq!(text(&out.stdout).lines().count(), 1 + 2 + 500);
}

/// An event title beginning with `=` (and an organiser with `@`) is text
/// in `export-events`, not a formula; importing the export back gives the
/// same events.
#[test]
fn export_events_writes_formulas_as_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let csv = dir.path().join("events.csv");
    std::fs::write(
        &csv,
        "NO,イベント名,開始日,場所名称,主催者\n\
         link-1,\"=HYPERLINK(\"\"http://evil.example/\"\",\"\"詳細\"\")\",2025-04-05,広場,@evil\n\
         calc-1,＝１＋１の会,2025-04-06,-2+3,町家の会\n",
    )
    .expect("write csv");
    let out = run(&data, &["import-events", csv.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("2 added"),
        "{}",
        text(&out.stdout)
    );

    let out = run(&data, &["export-events", "--city", common::CITY_FILE]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let exported = text(&out.stdout);
    assert!(
        exported.contains(",\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"詳細\"\")\","),
        "{exported}"
    );
    assert!(exported.contains(",'＝１＋１の会,"), "{exported}");
    assert!(exported.contains(",'@evil,"), "{exported}");
    assert!(exported.contains(",'-2+3,"), "{exported}");
    for line in exported.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '＝', '＋', '－', '＠']),
                "a live formula: {cell:?} in {line}"
            );
        }
    }

    let file = dir.path().join("out.csv");
    std::fs::write(&file, &exported).expect("write");
    let other = dir.path().join("other");
    let out = run(&other, &["import-events", file.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&run(&other, &["export-events", "--city", common::CITY_FILE]).stdout),
        exported
    );
}

/// A Shift_JIS file with bytes that are not Shift_JIS: each such row is
/// reported by its line and skipped, the good rows are imported.
#[test]
fn import_events_reports_undecodable_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let sjis = |s: &str| encoding_rs::SHIFT_JIS.encode(s).0.into_owned();
    let mut bytes = sjis("NO,イベント名,開始日,場所名称\r\nspring,春のまつり,2025-04-05,広場\r\n");
    bytes.extend(sjis("summer,夏の"));
    bytes.extend_from_slice(b"\xFF\xFD");
    bytes.extend(sjis(
        "まつり,2025-07-05,公園\r\nwinter,冬のまつり,2026-01-05,町家\r\n",
    ));
    let csv = dir.path().join("sjis.csv");
    std::fs::write(&csv, bytes).expect("write csv");
    let out = run(&data, &["import-events", csv.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("line 3: "), "{stderr}");
    assert!(stderr.contains("Shift_JIS"), "{stderr}");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("2 added, 0 updated, 0 unchanged, 1 bad rows"),
        "{stdout}"
    );
    let exported = text(&run(&data, &["export-events", "--city", common::CITY_FILE]).stdout);
    assert!(!exported.contains('\u{FFFD}'), "{exported}");
    assert!(!exported.contains("summer"), "{exported}");
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

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
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    (head.to_string(), body.to_string())
}

#[test]
fn serve_loads_the_real_demo_events_on_first_start() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let seed: tsunagari_core::EventSeed = serde_json::from_slice(
        &std::fs::read(root.join("data/events.json")).expect("data/events.json"),
    )
    .expect("an EventSeed");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = Server(
        Command::new(BIN)
            .args(["serve", "--city", common::CITY_FILE])
            .args(["--host", "127.0.0.1", "--port", "0", "--dist"])
            .arg(dir.path().join("dist"))
            .arg("--seed")
            .arg(dir.path().join("no-groups.json"))
            .arg("--events-seed")
            .arg(root.join("data/events.json"))
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .env_remove("DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server"),
    );
    let stdout = server.0.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the serving line");
    let addr = line
        .trim()
        .strip_prefix("tsunagari: serving http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected line {line:?}"))
        .to_string();

    let (head, body) = http_get(&addr, "/api/events");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let page: tsunagari_core::FeedPage<tsunagari_core::Event> =
        serde_json::from_str(&body).expect("a FeedPage");
    assert_eq!(page.items.len(), seed.events.len());
    for event in &seed.events {
        assert!(
            page.items
                .contains(&common::event_with_readings(event.clone())),
            "{}",
            event.id
        );
    }
    let (head, body) = http_get(&addr, "/calendar.ics");
    assert!(head.contains("text/calendar"), "{head}");
    assert_eq!(
        tsunagari_core::ical::parse_ics(&body)
            .expect("parses")
            .len(),
        seed.events.len()
    );
}
