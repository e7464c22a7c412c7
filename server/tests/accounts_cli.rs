//! The account and submission commands of the binary, on a SQLite data
//! directory the test also opens: invite → redeem, members, revoke,
//! export-submissions (JSON and CSV). And the export on both backends.

mod common;

use std::path::Path;
use std::process::Command;

use axum::Router;
use axum::http::StatusCode;
use common::{BIN, PASSPHRASE, call, databases, post_json, run_admin, small_seed, valid_proposal};
use serde_json::json;
use tsunagari_core::sync::{ClientId, Mutation, MutationId, Op, PushRequest};
use tsunagari_server::{AppState, Store, app, export, groups};

/// `(success, stdout, stderr)`.
fn admin(data_dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = run_admin(data_dir, args);
    (
        out.status.success(),
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn router_on(store: &Store, dir: &Path) -> Router {
    app(AppState {
        store: store.clone(),
        dist: dir.join("no-dist"),
        city_contacts: dir.join("city_contacts.json"),
        city: std::sync::Arc::new(common::kanazawa()),
    })
}

fn is_code(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            p.len() == 4
                && p.bytes()
                    .all(|b| b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789".contains(&b))
        })
}

#[tokio::test]
async fn invite_prints_only_a_code_that_redeems() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let store = Store::open_sqlite(&data).await.expect("open");
    groups::import(&store, &small_seed()).await.expect("seed");
    let app = router_on(&store, dir.path());

    let (ok, out, err) = admin(&data, &["create-account", "--group", "porepore"]);
    assert!(
        ok && out.contains("created the account of porepore"),
        "{out}{err}"
    );
    let (ok, out, err) = admin(&data, &["create-account", "--group", "porepore"]);
    assert!(ok && out.contains("already exists"), "{out}{err}");
    let (ok, _, err) = admin(&data, &["create-account", "--group", "nobody"]);
    assert!(!ok && err.contains("no group \"nobody\""), "{err}");

    // machiya has no account yet: invite makes it.
    let (ok, out, err) = admin(&data, &["invite", "--group", "machiya", "--days", "3"]);
    assert!(ok, "{err}");
    let code = out.strip_suffix('\n').expect("one line");
    assert!(is_code(code), "stdout is only the code: {out:?}");

    let body = json!({"code": code, "login": "cli.member", "passphrase": PASSPHRASE});
    let answer = post_json(&app, "/api/auth/redeem", None, &body.to_string()).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(answer.json()["group_id"], "machiya");
    let token = answer.json()["token"].as_str().expect("token").to_string();

    let (ok, out, _) = admin(&data, &["members", "--group", "machiya"]);
    assert!(ok);
    let line = out.lines().next().expect("a member line");
    assert!(
        line.starts_with("cli.member\tcreated 20") && line.ends_with("\tactive"),
        "{out}"
    );

    let (ok, out, err) = admin(&data, &["revoke", "--login", "cli.member"]);
    assert!(ok && out.contains("revoked cli.member"), "{out}{err}");
    let (_, out, _) = admin(&data, &["members", "--group", "machiya"]);
    assert!(out.contains("\trevoked 20"), "{out}");
    let me = call(&app, "GET", "/api/auth/me", Some(&token), None).await;
    assert_eq!(me.api_error(StatusCode::UNAUTHORIZED), "unauthorized");
    let (ok, _, err) = admin(&data, &["revoke", "--login", "cli.member2"]);
    assert!(!ok && err.contains("no member"), "{err}");
    store.close().await;
}

/// A submitted draft titled 提出した提案 and an unsubmitted one, 書きかけの提案.
async fn one_submitted_one_not(store: &Store, app: &Router) {
    let token = common::redeem_new_on(store, app, "porepore", "writer").await;
    let mut submitted = valid_proposal("porepore");
    submitted.title = "提出した提案".into();
    submitted.summary = "カンマ, と \"引用符\" と\n改行のある概要".into();
    let mut unsent = valid_proposal("porepore");
    unsent.title = "書きかけの提案".into();
    let m = |n, draft: &str, base_revision, op| Mutation {
        id: MutationId {
            client: ClientId::parse("cli-device").expect("id"),
            n,
        },
        draft: draft.to_string().try_into().expect("id"),
        base_revision,
        op,
    };
    let put = |p: &tsunagari_core::proposal::Proposal| Op::Put {
        proposal: p.clone(),
        base: None,
    };
    let req = PushRequest {
        client: ClientId::parse("cli-device").expect("id"),
        mutations: vec![
            m(1, "draft-sub1", 0, put(&submitted)),
            m(2, "draft-sub1", 1, Op::Submit),
            m(3, "draft-wip1", 0, put(&unsent)),
        ],
    };
    let body = serde_json::to_string(&req).expect("json");
    let answer = post_json(app, "/api/drafts/push", Some(&token), &body).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer.json()["results"][1]["outcome"]["submitted_at"].is_string(),
        "{}",
        answer.json()
    );
}

#[tokio::test]
async fn export_submissions_has_the_submitted_draft_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let store = Store::open_sqlite(&data).await.expect("open");
    groups::import(&store, &small_seed()).await.expect("seed");
    let app = router_on(&store, dir.path());
    one_submitted_one_not(&store, &app).await;

    let (ok, out, err) = admin(
        &data,
        &[
            "export-submissions",
            "--format",
            "json",
            "--city",
            common::CITY_FILE,
        ],
    );
    assert!(ok, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let rows = rows.as_array().expect("an array");
    assert_eq!(rows.len(), 1, "{out}");
    assert_eq!(rows[0]["proposal"]["title"], "提出した提案");
    assert_eq!(rows[0]["group_name"], "地域支援センター「ポレポレ」");
    assert_eq!(rows[0]["division_ja"], "一般部門");
    assert_eq!(rows[0]["fiscal_year_ja"], "令和7年度");
    assert_eq!(
        (
            rows[0]["income_total_yen"].as_u64(),
            rows[0]["expense_total_yen"].as_u64()
        ),
        (Some(200_000), Some(200_000))
    );
    assert!(
        rows[0]["submitted_at"]
            .as_str()
            .is_some_and(|s| s.ends_with('Z'))
    );
    assert!(!out.contains("書きかけの提案"));

    let file = dir.path().join("submissions.csv");
    let (ok, out, err) = admin(
        &data,
        &[
            "export-submissions",
            "--city",
            common::CITY_FILE,
            "--format",
            "csv",
            "--out",
            file.to_str().expect("path"),
        ],
    );
    assert!(ok && out.is_empty(), "{out}{err}");
    let csv = std::fs::read_to_string(&file).expect("the CSV");
    assert!(
        csv.starts_with("\u{feff}下書きID,団体ID,団体名,提出日時,年度,年度（西暦）,部門,事業名,"),
        "{csv}"
    );
    assert!(
        csv.contains(",令和7年度,2025,一般部門,提出した提案,200000,200000,"),
        "{csv}"
    );
    assert!(
        csv.contains("\"カンマ, と \"\"引用符\"\" と\n改行のある概要\""),
        "{csv}"
    );
    assert!(
        csv.contains("収入 補助金 200000円\n支出 スコップ 200000円"),
        "{csv}"
    );
    assert!(!csv.contains("書きかけの提案"));
    assert_eq!(csv.matches("\r\n").count(), 2, "header and one row");
    store.close().await;
}

#[tokio::test]
async fn the_export_reads_both_backends() {
    for db in databases().await {
        groups::import(&db.store, &small_seed())
            .await
            .expect("seed");
        let app = common::router(&db);
        one_submitted_one_not(&db.store, &app).await;
        let rows = export::submissions(&db.store, &common::kanazawa())
            .await
            .expect("export");
        let titles: Vec<&str> = rows.iter().map(|s| s.proposal.title.as_str()).collect();
        assert_eq!(titles, ["提出した提案"], "{}", db.name);
        assert_eq!(rows[0].draft_id, "draft-sub1");
    }
}

#[test]
fn the_first_start_makes_the_demo_account() {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let seed = dir.path().join("groups.json");
    let groups: Vec<serde_json::Value> = ["shijima-kizuna-chokai", "porepore"]
        .iter()
        .map(|id| json!({"id": id, "name": format!("{id}の会"), "kind": "civic", "description": "説明"}))
        .collect();
    std::fs::write(&seed, json!({ "groups": groups }).to_string()).expect("seed");
    let mut server = Command::new(BIN)
        .args(["serve", "--city", common::CITY_FILE])
        .args(["--port", "0", "--seed"])
        .arg(&seed)
        .arg("--data-dir")
        .arg(&data)
        .arg("--dist")
        .arg(dir.path().join("dist"))
        .env_remove("DATABASE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the server");
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the serving line");
    let _ = server.kill();
    let _ = server.wait();
    assert!(line.starts_with("tsunagari: serving"), "{line}");

    let (ok, out, err) = admin(&data, &["members", "--group", "shijima-kizuna-chokai"]);
    assert!(
        ok && out.is_empty() && err.contains("0 members"),
        "{out}{err}"
    );
    let (ok, _, err) = admin(&data, &["members", "--group", "porepore"]);
    assert!(!ok && err.contains("has no account"), "{err}");
}

/// `publish-round FILE` checks and stores a round (again: nothing changes;
/// a bad file: exit 1 naming each problem); `invite-staff` prints a code
/// that redeems into a staff account.
#[tokio::test]
async fn publish_round_and_invite_staff() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let store = Store::open_sqlite(&data).await.expect("open");
    let app = router_on(&store, dir.path());
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/rounds/2026.json");
    let file = file.to_str().expect("UTF-8 path");

    let (ok, out, err) = admin(&data, &["publish-round", file]);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("published kanazawa-challenge-2026 version 1 (令和8年度"),
        "{out}"
    );
    let (ok, out, _) = admin(&data, &["publish-round", file]);
    assert!(ok && out.contains("already published as is"), "{out}");
    let answer = call(&app, "GET", "/api/rounds", None, None).await;
    assert_eq!(answer.json()["rounds"][0]["city"]["code"], "172014");

    let bad = dir.path().join("bad.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("read")).expect("json");
    json["version"] = 2.into();
    json["period"]["closes"] = "2026-05-31".into();
    std::fs::write(&bad, json.to_string()).expect("write");
    let (ok, _, err) = admin(&data, &["publish-round", bad.to_str().expect("path")]);
    assert!(!ok);
    assert!(
        err.contains("period.closes: 「2026-05-31」は時差つきの日時ではありません"),
        "{err}"
    );

    let (ok, out, err) = admin(&data, &["invite-staff"]);
    assert!(ok && is_code(out.trim()), "{out}{err}");
    assert!(err.contains("staff invitation"), "{err}");
    let body = json!({"code": out.trim(), "login": "tanaka.staff", "passphrase": PASSPHRASE});
    let answer = post_json(&app, "/api/auth/redeem", None, &body.to_string()).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["group_id"], "@staff");
    let token = answer.json()["token"].as_str().expect("token").to_string();
    let answer = call(&app, "GET", "/api/staff/submissions", Some(&token), None).await;
    assert_eq!(answer.status, StatusCode::OK);
}
