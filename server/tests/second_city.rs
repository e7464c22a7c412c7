//! Another municipality runs the same server with its own files: its city
//! file (name, code, tagline, calendar ids) and its round file (its own
//! 部門 ids, labels and caps). Nothing of Kanazawa's shows. On SQLite and
//! (with TEST_DATABASE_URL) PostgreSQL.

mod common;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use common::{Answer, TestDb, call, databases, get, post_json, two_members};
use tsunagari_core::city::CityConfig;
use tsunagari_core::proposal::{BudgetKind, BudgetLine, Proposal};
use tsunagari_core::review::{Receipt, StaffSubmission, SubmissionSummary};
use tsunagari_core::round::{Round, RoundsFeed};
use tsunagari_core::sync::{
    ClientId, DraftId, Mutation, MutationId, Op, Outcome, PushRequest, PushResponse,
};
use tsunagari_core::{Amount, DivisionId};
use tsunagari_server::clock::Millis;
use tsunagari_server::{AppState, app};

const CITY: &str = r#"{
  "code": "162019",
  "name_ja": "富山市",
  "name_en": "Toyama City",
  "prefecture_ja": "富山県",
  "place_ja": "富山",
  "place_en": "Toyama",
  "tagline_ja": "富山 市民協働",
  "tagline_en": "Toyama civic partnership",
  "calendar_uid_domain": "tsunagari.toyama",
  "divisions": []
}"#;

const ROUND: &str = r#"{
  "id": "toyama-kyodo-2025",
  "version": 1,
  "city": { "code": "162019", "name_ja": "富山市", "name_en": "Toyama City" },
  "fiscal_year": 2025,
  "title_ja": "令和7年度 市民協働事業提案",
  "title_en": "FY2025 civic collaboration proposals",
  "divisions": [
    {
      "code": "kodomo",
      "label_ja": "こども部門",
      "label_en": "Children",
      "budget_cap_yen": 250000,
      "limits": { "title_max": 30, "summary_max": 150, "text_max": 600, "milestones_max": 10, "budget_lines_max": 20 }
    }
  ],
  "departments": [ { "name_ja": "こども政策課", "name_en": "Children's Policy Division" } ],
  "period": { "opens": "2020-04-01T08:30:00+09:00", "closes": "2100-01-29T17:00:00+09:00", "time_zone": "Asia/Tokyo" }
}"#;

/// trunk's page, as the pages tests write it.
fn write_dist(dir: &std::path::Path) {
    let page = "<!doctype html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\" />\n\
<title>つながり</title>\n<meta name=\"description\" content=\"x\" />\n</head>\n<body>\n</body>\n</html>\n";
    std::fs::write(dir.join("index.html"), page).expect("write");
    std::fs::write(dir.join("app.html"), page).expect("write");
}

fn toyama(db: &TestDb) -> Router {
    let dist = db.dir.path().join("dist");
    std::fs::create_dir_all(&dist).expect("dist");
    write_dist(&dist);
    app(AppState {
        city: Arc::new(CityConfig::parse(CITY).expect("the city file")),
        ..common::state(db, &dist)
    })
}

fn ok<T: serde::de::DeserializeOwned>(a: &Answer) -> T {
    assert!(
        a.status.is_success(),
        "{}: {}",
        a.status,
        String::from_utf8_lossy(&a.body)
    );
    serde_json::from_slice(&a.body).expect("the expected JSON")
}

fn text(a: &Answer) -> String {
    String::from_utf8_lossy(&a.body).into_owned()
}

fn line(id: &str, kind: BudgetKind, yen: u64) -> BudgetLine {
    BudgetLine {
        id: id.into(),
        kind,
        item: "材料費".into(),
        amount: Amount::yen(yen),
    }
}

fn proposal(r: &Round, spend: u64) -> Proposal {
    let mut p = tsunagari_core::synthetic::valid_proposal("porepore");
    p.round = Some(r.reference());
    p.division = DivisionId::from("kodomo");
    p.department = "こども政策課".into();
    p.title = "こども食堂".into();
    p.budget = vec![
        line("i1", BudgetKind::Income, spend),
        line("e1", BudgetKind::Expense, spend),
    ];
    p
}

async fn put(app: &Router, token: &str, n: u64, draft: &str, p: &Proposal) {
    let client = ClientId::parse("phone-t1").expect("id");
    let req = PushRequest {
        client: client.clone(),
        mutations: vec![Mutation {
            id: MutationId { client, n },
            draft: DraftId::parse(draft).expect("id"),
            base_revision: 0,
            op: Op::Put {
                proposal: p.clone(),
                base: None,
            },
        }],
    };
    let json = serde_json::to_string(&req).expect("json");
    let res: PushResponse = ok(&post_json(app, "/api/drafts/push", Some(token), &json).await);
    assert!(
        matches!(res.results[0].outcome, Outcome::Applied { .. }),
        "{:?}",
        res.results
    );
}

async fn submit(app: &Router, token: &str, draft: &str) -> Answer {
    let req = serde_json::json!({ "base_revision": 1 }).to_string();
    post_json(
        app,
        &format!("/api/drafts/{draft}/submit"),
        Some(token),
        &req,
    )
    .await
}

#[tokio::test]
async fn another_city_runs_with_its_own_city_and_round_files() {
    for db in databases().await {
        let app = toyama(&db);
        let (pore, _) = two_members(&db, &app).await;
        let now = Millis::now().expect("clock");
        tsunagari_server::rounds::publish(&db.store, ROUND, now)
            .await
            .expect("the round is published");

        // The pages: its tagline and its name, never Kanazawa's.
        let page = get(&app, "/groups").await;
        assert_eq!(page.status, StatusCode::OK, "{}", db.name);
        let html = text(&page);
        assert!(
            html.contains("<span class=\"brand-tagline\">富山 市民協働</span>"),
            "{html}"
        );
        assert!(html.contains("富山市の協働のまちづくりに関わる"), "{html}");
        let en = common::get_with(&app, "/events", &[("cookie", "lang=en")]).await;
        assert!(text(&en).contains("Toyama civic partnership"));
        for html in [html, text(&en)] {
            assert!(
                !html.contains("金沢") && !html.contains("Kanazawa"),
                "{html}"
            );
        }

        // The calendar: its name and its UIDs; the open-data CSV: its code.
        tsunagari_server::events::fill_synthetic(&db.store, 2)
            .await
            .expect("events");
        let ics = text(&get(&app, "/calendar.ics").await);
        assert!(ics.contains("X-WR-CALNAME:つながり 富山 市民協働"), "{ics}");
        assert!(ics.contains("@tsunagari.toyama"), "{ics}");
        assert!(!ics.contains("kanazawa"));
        let city = CityConfig::parse(CITY).expect("city");
        let csv = tsunagari_server::events::export_csv(&db.store, &city)
            .await
            .expect("csv");
        let row = csv.lines().nth(1).expect("a row");
        assert!(
            row.starts_with("162019,") && row.contains(",富山県,富山市,"),
            "{row}"
        );

        // The round: served as published, its own 部門 id.
        let feed: RoundsFeed = ok(&get(&app, "/api/rounds").await);
        let round = &feed.rounds[0];
        assert_eq!(round.city.code, "162019");
        assert_eq!(round.divisions[0].code, "kodomo");

        // A draft in its 部門 is held to its cap (250,000円), then goes in.
        put(&app, &pore, 1, "draft-t001", &proposal(round, 300_000)).await;
        let a = submit(&app, &pore, "draft-t001").await;
        assert_eq!(
            a.api_error(StatusCode::UNPROCESSABLE_ENTITY),
            "not_submittable"
        );
        let refused = a.json();
        assert!(
            refused["message_ja"]
                .as_str()
                .expect("ja")
                .contains("こども部門の支出合計は250,000円以内です"),
            "{refused}"
        );
        put(&app, &pore, 2, "draft-t002", &proposal(round, 250_000)).await;
        let receipt: Receipt = ok(&submit(&app, &pore, "draft-t002").await);
        assert_eq!(receipt.receipt_no, "2025-0001");

        // Staff list it under its 部門 id.
        let code = tsunagari_server::auth::invite_staff(&db.store, 14, now)
            .await
            .expect("staff invitation");
        let req = serde_json::json!({"code": code, "login": "toyama.staff", "passphrase": common::PASSPHRASE});
        let session: serde_json::Value =
            ok(&post_json(&app, "/api/auth/redeem", None, &req.to_string()).await);
        let staff = session["token"].as_str().expect("token");
        let list: Vec<SubmissionSummary> = ok(&call(
            &app,
            "GET",
            "/api/staff/submissions?division=kodomo",
            Some(staff),
            None,
        )
        .await);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].division, "kodomo");
        let one: StaffSubmission = ok(&call(
            &app,
            "GET",
            "/api/staff/submissions/draft-t002",
            Some(staff),
            None,
        )
        .await);
        assert_eq!(
            one.proposal.map(|p| p.division),
            Some(DivisionId::from("kodomo"))
        );
    }
}
