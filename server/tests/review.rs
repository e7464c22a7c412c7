//! From draft to decision on the server: rounds published and served, a
//! submission with its receipt, refused outside the period; staff accounts,
//! the staff list, status changes with comments reaching the group's pull;
//! access both ways. On SQLite and (with TEST_DATABASE_URL) PostgreSQL.

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::{Answer, PASSPHRASE, TestDb, call, databases, post_json, router, two_members};
use tsunagari_core::proposal::Proposal;
use tsunagari_core::review::{Receipt, StaffSubmission, Status, SubmissionSummary};
use tsunagari_core::round::{Round, RoundsFeed};
use tsunagari_core::sync::{
    ClientId, Draft, Mutation, MutationId, Op, Outcome, PullResponse, PushRequest, PushResponse,
};
use tsunagari_server::clock::Millis;

/// Kanazawa's round file, moved to FY2025 (the fixtures' year), open from
/// 2020 to `closes`.
fn round(version: u32, closes: &str) -> Round {
    let mut r = Round::parse(include_str!("../../data/rounds/2026.json")).expect("round file");
    r.id = "test-2025".into();
    r.version = version;
    r.fiscal_year = 2025;
    r.period.opens = "2020-04-01T08:30:00+09:00".into();
    r.period.closes = closes.into();
    r
}

const OPEN: &str = "2100-01-01T17:00:00+09:00";
const CLOSED: &str = "2021-01-01T17:00:00+09:00";

async fn publish(db: &TestDb, r: &Round) -> bool {
    let json = serde_json::to_string(r).expect("json");
    let (_, new) =
        tsunagari_server::rounds::publish(&db.store, &json, Millis::now().expect("clock"))
            .await
            .expect("published");
    new
}

fn proposal(r: &Round) -> Proposal {
    let mut p = tsunagari_core::synthetic::valid_proposal("porepore");
    p.round = Some(r.reference());
    p.representative = "金沢 太郎".into();
    p.address = "金沢市広坂1-1-1".into();
    p.phone = "076-220-2026".into();
    p.email = "pore@example.jp".into();
    p
}

fn ok(answer: &Answer) -> serde_json::Value {
    assert!(
        answer.status.is_success(),
        "{}: {}",
        answer.status,
        String::from_utf8_lossy(&answer.body)
    );
    answer.json()
}

fn body<T: serde::de::DeserializeOwned>(answer: &Answer) -> T {
    serde_json::from_value(ok(answer)).expect("the expected JSON")
}

async fn push(
    app: &Router,
    token: &str,
    client: &str,
    mutations: Vec<(u64, &str, u64, Op)>,
) -> Vec<Outcome> {
    let req = PushRequest {
        client: ClientId::parse(client).expect("id"),
        mutations: mutations
            .into_iter()
            .map(|(n, draft, base_revision, op)| Mutation {
                id: MutationId {
                    client: ClientId::parse(client).expect("id"),
                    n,
                },
                draft: tsunagari_core::sync::DraftId::parse(draft).expect("id"),
                base_revision,
                op,
            })
            .collect(),
    };
    let answer = post_json(
        app,
        "/api/drafts/push",
        Some(token),
        &serde_json::to_string(&req).expect("json"),
    )
    .await;
    let res: PushResponse = body(&answer);
    res.results.into_iter().map(|r| r.outcome).collect()
}

fn put(p: &Proposal) -> Op {
    Op::Put {
        proposal: p.clone(),
        base: None,
    }
}

async fn pull(app: &Router, token: &str) -> PullResponse {
    body(&call(app, "GET", "/api/drafts", Some(token), None).await)
}

async fn draft(app: &Router, token: &str, id: &str) -> Draft {
    body(&call(app, "GET", &format!("/api/drafts/{id}"), Some(token), None).await)
}

async fn staff_token(db: &TestDb, app: &Router, login: &str) -> String {
    let code = tsunagari_server::auth::invite_staff(&db.store, 14, Millis::now().expect("clock"))
        .await
        .expect("staff invitation");
    let req = serde_json::json!({"code": code, "login": login, "passphrase": PASSPHRASE});
    let session = ok(&post_json(app, "/api/auth/redeem", None, &req.to_string()).await);
    assert_eq!(session["group_id"], "@staff");
    // Signs in again on the same sign-in endpoint.
    let req = serde_json::json!({"login": login, "passphrase": PASSPHRASE});
    let session = ok(&post_json(app, "/api/auth/signin", None, &req.to_string()).await);
    session["token"].as_str().expect("a token").to_string()
}

async fn submit(app: &Router, token: &str, id: &str, base: u64) -> Answer {
    let req = serde_json::json!({ "base_revision": base }).to_string();
    post_json(app, &format!("/api/drafts/{id}/submit"), Some(token), &req).await
}

async fn transition(app: &Router, staff: &str, id: &str, to: &str, comment: &str) -> Answer {
    let req = serde_json::json!({ "to": to, "comment": comment }).to_string();
    post_json(
        app,
        &format!("/api/staff/submissions/{id}/transition"),
        Some(staff),
        &req,
    )
    .await
}

#[tokio::test]
async fn rounds_are_published_as_versions_and_served_publicly() {
    for db in databases().await {
        let app = router(&db);
        let feed: RoundsFeed = body(&call(&app, "GET", "/api/rounds", None, None).await);
        assert!(feed.rounds.is_empty(), "{}", db.name);
        let v1 = round(1, OPEN);
        assert!(publish(&db, &v1).await);
        assert!(
            !publish(&db, &v1).await,
            "the same file again changes nothing"
        );
        // Changed content under the same version: refused, naming the next.
        let mut changed = v1.clone();
        changed.divisions[0].budget_cap_yen = Some(50_000);
        let e = tsunagari_server::rounds::publish(
            &db.store,
            &serde_json::to_string(&changed).expect("json"),
            Millis::now().expect("clock"),
        )
        .await
        .expect_err("version taken");
        assert!(e.to_string().contains("\"version\": 2"), "{e}");
        changed.version = 2;
        assert!(publish(&db, &changed).await);
        // A bad file: every problem, where it is.
        let mut bad = serde_json::to_value(&v1).expect("json");
        bad["version"] = 3.into();
        bad["divisions"][0]["limits"]["text_max"] = 0.into();
        let e = tsunagari_server::rounds::publish(
            &db.store,
            &bad.to_string(),
            Millis::now().expect("clock"),
        )
        .await
        .expect_err("invalid");
        assert!(
            e.to_string().contains("divisions[0].limits.text_max"),
            "{e}"
        );

        let answer = call(&app, "GET", "/api/rounds", None, None).await;
        assert_eq!(answer.header("cache-control"), Some("no-store"));
        let feed: RoundsFeed = body(&answer);
        let versions: Vec<(String, u32)> = feed
            .rounds
            .iter()
            .map(|r| (r.id.clone(), r.version))
            .collect();
        assert_eq!(
            versions,
            [("test-2025".into(), 1), ("test-2025".into(), 2)],
            "{}",
            db.name
        );
        assert_eq!(feed.rounds[1].divisions[0].budget_cap_yen, Some(50_000));
    }
}

/// Issue 12's whole round on the server: submit with a receipt, return
/// with a comment, the group sees it in its pull, edits, resubmits; staff
/// take it through review to 採択; every step in the history and the export.
#[tokio::test]
async fn a_proposal_goes_from_draft_to_decision() {
    for db in databases().await {
        let app = router(&db);
        let (pore, machiya) = two_members(&db, &app).await;
        let staff = staff_token(&db, &app, "tanaka.staff").await;
        let r = round(1, OPEN);
        publish(&db, &r).await;
        let p = proposal(&r);
        push(&app, &pore, "phone-a1", vec![(1, "draft-0001", 0, put(&p))]).await;
        // An unsubmitted draft is not staff's to see.
        let list: Vec<SubmissionSummary> =
            body(&call(&app, "GET", "/api/staff/submissions", Some(&staff), None).await);
        assert!(list.is_empty(), "{}", db.name);
        let a = call(
            &app,
            "GET",
            "/api/staff/submissions/draft-0001",
            Some(&staff),
            None,
        )
        .await;
        assert_eq!(a.api_error(StatusCode::NOT_FOUND), "not_found");

        let receipt: Receipt = body(&submit(&app, &pore, "draft-0001", 1).await);
        assert_eq!(receipt.receipt_no, "2025-0001", "{}", db.name);
        assert_eq!(receipt.status, Status::Submitted);
        assert!(
            receipt.submitted_at.ends_with('Z'),
            "{}",
            receipt.submitted_at
        );
        // Asking again answers the same receipt.
        let again: Receipt = body(&submit(&app, &pore, "draft-0001", 1).await);
        assert_eq!(again, receipt);

        let list: Vec<SubmissionSummary> = body(
            &call(&app, "GET", "/api/staff/submissions?status=submitted&division=general&department=%E5%B8%82%E6%B0%91%E5%8D%94%E5%83%8D%E6%8E%A8%E9%80%B2%E8%AA%B2&round=test-2025", Some(&staff), None).await,
        );
        assert_eq!(list.len(), 1, "{}", db.name);
        assert_eq!(list[0].receipt_no, "2025-0001");
        for filter in [
            "status=selected",
            "division=start",
            "department=x",
            "round=other",
        ] {
            let none: Vec<SubmissionSummary> = body(
                &call(
                    &app,
                    "GET",
                    &format!("/api/staff/submissions?{filter}"),
                    Some(&staff),
                    None,
                )
                .await,
            );
            assert!(none.is_empty(), "{filter}");
        }
        let a = call(
            &app,
            "GET",
            "/api/staff/submissions?status=won",
            Some(&staff),
            None,
        )
        .await;
        assert_eq!(a.api_error(StatusCode::BAD_REQUEST), "bad_query");

        // 差し戻し needs a comment; then the draft reopens for the group.
        let a = transition(&app, &staff, "draft-0001", "returned", " ").await;
        assert_eq!(
            a.api_error(StatusCode::UNPROCESSABLE_ENTITY),
            "comment_required"
        );
        assert_eq!(
            a.json()["message_ja"],
            "差し戻しには理由のコメントが必要です"
        );
        let returned: StaffSubmission = body(
            &transition(
                &app,
                &staff,
                "draft-0001",
                "returned",
                "予算の内訳を詳しく書いてください",
            )
            .await,
        );
        assert_eq!(returned.review.status, Status::Returned);
        assert_eq!(
            returned.proposal, None,
            "staff do not see the text being edited"
        );

        let pulled = pull(&app, &pore).await;
        let d = pulled
            .items
            .iter()
            .find(|d| d.id.as_str() == "draft-0001")
            .expect("pulled");
        assert_eq!(d.submitted_at, None);
        let review = d
            .review
            .as_ref()
            .expect("the review travels with the draft");
        assert_eq!(review.status, Status::Returned);
        assert_eq!(
            review.last_comment().map(|t| t.comment.as_str()),
            Some("予算の内訳を詳しく書いてください")
        );
        // Another group sees nothing of it.
        assert!(pull(&app, &machiya).await.items.is_empty(), "{}", db.name);

        // The group edits and resubmits through the push (a phone's outbox).
        let mut edited = p.clone();
        edited.summary = "内訳を書き足した概要。".into();
        let rev = d.revision;
        let out = push(
            &app,
            &pore,
            "phone-b1",
            vec![
                (1, "draft-0001", rev, put(&edited)),
                (2, "draft-0001", rev + 1, Op::Submit),
            ],
        )
        .await;
        assert!(
            matches!(
                out[1],
                Outcome::Applied {
                    submitted_at: Some(_),
                    ..
                }
            ),
            "{out:?}"
        );
        let d = draft(&app, &pore, "draft-0001").await;
        let review = d.review.as_ref().expect("review");
        assert_eq!(
            (review.status, review.receipt_no.as_str()),
            (Status::Submitted, "2025-0001")
        );

        for to in ["received", "under_review", "selected"] {
            body::<StaffSubmission>(&transition(&app, &staff, "draft-0001", to, "").await);
        }
        let a = transition(&app, &staff, "draft-0001", "received", "").await;
        assert_eq!(a.api_error(StatusCode::CONFLICT), "illegal_transition");
        assert!(
            a.json()["message_ja"]
                .as_str()
                .expect("ja")
                .contains("採択から受付には移せません")
        );

        let one: StaffSubmission = body(
            &call(
                &app,
                "GET",
                "/api/staff/submissions/draft-0001",
                Some(&staff),
                None,
            )
            .await,
        );
        assert_eq!(
            one.proposal.as_ref().map(|p| p.summary.as_str()),
            Some("内訳を書き足した概要。")
        );
        let steps: Vec<(Option<Status>, Status)> =
            one.review.history.iter().map(|t| (t.from, t.to)).collect();
        assert_eq!(
            steps,
            [
                (None, Status::Submitted),
                (Some(Status::Submitted), Status::Returned),
                (Some(Status::Returned), Status::Submitted),
                (Some(Status::Submitted), Status::Received),
                (Some(Status::Received), Status::UnderReview),
                (Some(Status::UnderReview), Status::Selected),
            ],
            "{}",
            db.name
        );
        let who = serde_json::to_value(&one.review.history[1].by).expect("json");
        assert_eq!(
            who,
            serde_json::json!({"kind": "staff", "login": "tanaka.staff"})
        );
        let who = serde_json::to_value(&one.review.history[2].by).expect("json");
        assert_eq!(
            who,
            serde_json::json!({"kind": "group", "login": "pore.member"})
        );

        // The group's phones see 採択 and the receipt.
        let d = draft(&app, &pore, "draft-0001").await;
        assert_eq!(d.review.as_ref().map(|r| r.status), Some(Status::Selected));

        // The export carries the 受付番号 and the status.
        let exported = tsunagari_server::export::submissions(&db.store, &common::kanazawa())
            .await
            .expect("export");
        assert_eq!(exported.len(), 1);
        assert_eq!(
            (
                exported[0].receipt_no.as_str(),
                exported[0].status_ja.as_str()
            ),
            ("2025-0001", "採択")
        );
        let csv = tsunagari_server::export::to_csv(&exported);
        assert!(
            csv.lines()
                .next()
                .expect("header")
                .ends_with(",担当者,代表者氏名,所在地,電話番号,メールアドレス,受付番号,状態")
        );
        assert!(
            csv.ends_with(
                ",金沢 太郎,金沢市広坂1-1-1,076-220-2026,pore@example.jp,2025-0001,採択\r\n"
            ),
            "{csv}"
        );

        // A second submission gets the next number.
        push(&app, &pore, "phone-a1", vec![(2, "draft-0002", 0, put(&p))]).await;
        let second: Receipt = body(&submit(&app, &pore, "draft-0002", 1).await);
        assert_eq!(second.receipt_no, "2025-0002");
    }
}

#[tokio::test]
async fn after_the_deadline_a_submission_is_refused_and_stays_a_draft() {
    for db in databases().await {
        let app = router(&db);
        let (pore, _) = two_members(&db, &app).await;
        let r = round(1, CLOSED);
        publish(&db, &r).await;
        push(
            &app,
            &pore,
            "phone-a1",
            vec![(1, "draft-0001", 0, put(&proposal(&r)))],
        )
        .await;
        let a = submit(&app, &pore, "draft-0001", 1).await;
        assert_eq!(
            a.api_error(StatusCode::CONFLICT),
            "round_closed",
            "{}",
            db.name
        );
        let json = a.json();
        assert!(json["message_ja"].as_str().expect("ja").starts_with(
            "募集の締切（2021-01-01 17:00:00+09:00、Asia/Tokyo）を過ぎたため提出できません。"
        ));
        assert!(
            json["message"]
                .as_str()
                .expect("en")
                .contains("The draft is kept.")
        );
        // Through the push too; the draft stays editable.
        let out = push(
            &app,
            &pore,
            "phone-a1",
            vec![(2, "draft-0001", 1, Op::Submit)],
        )
        .await;
        let Outcome::Rejected { reason_ja, .. } = &out[0] else {
            panic!("not refused: {out:?}");
        };
        assert!(reason_ja.contains("締切"), "{reason_ja}");
        let d = draft(&app, &pore, "draft-0001").await;
        assert_eq!((d.submitted_at, d.review), (None, None));
        let mut p = d.proposal.clone();
        p.title = "締切後も編集できる".into();
        let out = push(&app, &pore, "phone-a1", vec![(3, "draft-0001", 1, put(&p))]).await;
        assert!(matches!(out[0], Outcome::Applied { .. }), "{out:?}");

        // Staff publish version 2 with a later deadline: the draft (under
        // version 1) is held to it and goes in.
        publish(&db, &round(2, OPEN)).await;
        let receipt: Receipt = body(&submit(&app, &pore, "draft-0001", 2).await);
        assert_eq!(receipt.receipt_no, "2025-0001");
    }
}

/// A draft under version 1 is held to version 2's lower cap and smaller
/// limits once it is published, on submit and on every Put.
#[tokio::test]
async fn a_new_version_of_the_round_holds_open_drafts() {
    for db in databases().await {
        let app = router(&db);
        let (pore, _) = two_members(&db, &app).await;
        let v1 = round(1, OPEN);
        publish(&db, &v1).await;
        let p = proposal(&v1); // 200,000円 of expenses in 一般部門
        push(&app, &pore, "phone-a1", vec![(1, "draft-0001", 0, put(&p))]).await;
        let mut v2 = round(2, OPEN);
        let general = v2
            .divisions
            .iter_mut()
            .find(|d| d.code == "general")
            .expect("general");
        general.budget_cap_yen = Some(150_000);
        general.limits.title_max = 5;
        publish(&db, &v2).await;
        let a = submit(&app, &pore, "draft-0001", 1).await;
        assert_eq!(
            a.api_error(StatusCode::UNPROCESSABLE_ENTITY),
            "not_submittable",
            "{}",
            db.name
        );
        let ja = a.json()["message_ja"].as_str().expect("ja").to_string();
        assert!(ja.contains("一般部門の支出合計は150,000円以内です"), "{ja}");
        // A Put over version 2's title limit is refused whole.
        let mut long = p.clone();
        long.title = "長い長い事業名".into();
        let req = PushRequest {
            client: ClientId::parse("phone-a1").expect("id"),
            mutations: vec![Mutation {
                id: MutationId {
                    client: ClientId::parse("phone-a1").expect("id"),
                    n: 2,
                },
                draft: tsunagari_core::sync::DraftId::parse("draft-0001").expect("id"),
                base_revision: 1,
                op: put(&long),
            }],
        };
        let a = post_json(
            &app,
            "/api/drafts/push",
            Some(&pore),
            &serde_json::to_string(&req).expect("json"),
        )
        .await;
        assert_eq!(a.api_error(StatusCode::BAD_REQUEST), "over_limit");
        assert!(
            a.json()["message"]
                .as_str()
                .expect("en")
                .contains("5 characters")
        );
    }
}

#[tokio::test]
async fn group_and_staff_endpoints_refuse_each_other() {
    for db in databases().await {
        let app = router(&db);
        let (pore, machiya) = two_members(&db, &app).await;
        let staff = staff_token(&db, &app, "tanaka.staff").await;
        let r = round(1, OPEN);
        publish(&db, &r).await;
        push(
            &app,
            &pore,
            "phone-a1",
            vec![(1, "draft-0001", 0, put(&proposal(&r)))],
        )
        .await;
        body::<Receipt>(&submit(&app, &pore, "draft-0001", 1).await);

        for (method, uri, json) in [
            ("GET", "/api/staff/submissions", None),
            ("GET", "/api/staff/submissions/draft-0001", None),
            (
                "POST",
                "/api/staff/submissions/draft-0001/transition",
                Some(r#"{"to":"received"}"#),
            ),
        ] {
            for token in [&pore, &machiya] {
                let a = call(&app, method, uri, Some(token), json).await;
                assert_eq!(a.api_error(StatusCode::FORBIDDEN), "forbidden", "{uri}");
            }
            let a = call(&app, method, uri, None, json).await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{uri}");
        }
        for (method, uri, json) in [
            ("GET", "/api/drafts", None),
            ("GET", "/api/drafts/draft-0001", None),
            (
                "POST",
                "/api/drafts/push",
                Some(r#"{"client":"staff-x1","mutations":[]}"#),
            ),
            (
                "POST",
                "/api/drafts/draft-0001/submit",
                Some(r#"{"base_revision":1}"#),
            ),
        ] {
            let a = call(&app, method, uri, Some(&staff), json).await;
            assert_eq!(a.api_error(StatusCode::FORBIDDEN), "forbidden", "{uri}");
        }
        // Another group can neither submit nor read our draft or its review.
        let a = submit(&app, &machiya, "draft-0001", 2).await;
        assert_eq!(a.api_error(StatusCode::NOT_FOUND), "not_found");
        body::<StaffSubmission>(
            &transition(&app, &staff, "draft-0001", "returned", "要修正").await,
        );
        assert!(pull(&app, &machiya).await.items.is_empty());
        let a = call(&app, "GET", "/api/drafts/draft-0001", Some(&machiya), None).await;
        assert_eq!(a.api_error(StatusCode::NOT_FOUND), "not_found");

        // The extractors' limits apply: NUL, unknown fields, a long comment, a bad id.
        let a = post_json(
            &app,
            "/api/staff/submissions/draft-0001/transition",
            Some(&staff),
            "{\"to\":\"received\",\"comment\":\"a\\u0000\"}",
        )
        .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        let a = post_json(
            &app,
            "/api/staff/submissions/draft-0001/transition",
            Some(&staff),
            r#"{"to":"received","by":"x"}"#,
        )
        .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        let long = "あ".repeat(2001);
        let a = transition(&app, &staff, "draft-0001", "received", &long).await;
        assert!(a.status.is_client_error(), "{}", a.status);
        let a = call(
            &app,
            "GET",
            "/api/staff/submissions/..%2Fx",
            Some(&staff),
            None,
        )
        .await;
        assert!(a.status.is_client_error(), "{}", a.status);
        let a = call(
            &app,
            "GET",
            "/api/staff/submissions?colour=red",
            Some(&staff),
            None,
        )
        .await;
        assert_eq!(a.api_error(StatusCode::BAD_REQUEST), "bad_query");
    }
}

/// Staff see submissions only, never a draft that was not submitted; the
/// new endpoints keep the API's limits (size, NUL, sessions).
#[tokio::test]
async fn staff_never_see_unsubmitted_drafts_and_the_limits_hold() {
    for db in databases().await {
        let app = router(&db);
        let (pore, machiya) = two_members(&db, &app).await;
        let staff = staff_token(&db, &app, "sato.staff").await;
        let r = round(1, OPEN);
        publish(&db, &r).await;
        let mut p = proposal(&r);
        push(
            &app,
            &pore,
            "phone-a1",
            vec![(1, "draft-0001", 0, put(&p)), (2, "draft-0002", 0, put(&p))],
        )
        .await;
        body::<Receipt>(&submit(&app, &pore, "draft-0001", 1).await);
        p.title = "machiya の書きかけ".into();
        p.group_id = "machiya".into();
        push(
            &app,
            &machiya,
            "phone-m1",
            vec![(1, "draft-m001", 0, put(&p))],
        )
        .await;

        // Only the submitted one is listed or readable.
        let list: Vec<SubmissionSummary> =
            body(&call(&app, "GET", "/api/staff/submissions", Some(&staff), None).await);
        let ids: Vec<&str> = list.iter().map(|s| s.draft_id.as_str()).collect();
        assert_eq!(ids, ["draft-0001"], "{}", db.name);
        for unsent in ["draft-0002", "draft-m001"] {
            let a = call(
                &app,
                "GET",
                &format!("/api/staff/submissions/{unsent}"),
                Some(&staff),
                None,
            )
            .await;
            assert_eq!(a.api_error(StatusCode::NOT_FOUND), "not_found", "{unsent}");
            let a = transition(&app, &staff, unsent, "received", "").await;
            assert_eq!(a.api_error(StatusCode::NOT_FOUND), "not_found", "{unsent}");
        }

        // Size: a body over the limit is refused before it is read.
        let huge = format!(r#"{{"to":"received","comment":"{}"}}"#, "x".repeat(1 << 20));
        let a = post_json(
            &app,
            "/api/staff/submissions/draft-0001/transition",
            Some(&staff),
            &huge,
        )
        .await;
        assert_eq!(a.api_error(StatusCode::PAYLOAD_TOO_LARGE), "too_large");
        // NUL in the path or the query.
        for uri in [
            "/api/staff/submissions/draft%000001",
            "/api/staff/submissions?division=%00",
        ] {
            let a = call(&app, "GET", uri, Some(&staff), None).await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{uri}");
        }
        // Nothing moved.
        let one: StaffSubmission = body(
            &call(
                &app,
                "GET",
                "/api/staff/submissions/draft-0001",
                Some(&staff),
                None,
            )
            .await,
        );
        assert_eq!(one.review.status, Status::Submitted);
        assert_eq!(one.review.history.len(), 1);

        // Sessions: a signed-out staff token is refused like any other.
        let a = call(&app, "POST", "/api/auth/signout", Some(&staff), None).await;
        assert!(a.status.is_success(), "{}", a.status);
        let a = call(&app, "GET", "/api/staff/submissions", Some(&staff), None).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
}
