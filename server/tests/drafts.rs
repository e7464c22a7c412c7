//! Proposal drafts through the router: push, replay, merge, conflict,
//! tombstones, submission, group isolation and limits, on SQLite and (with
//! TEST_DATABASE_URL) PostgreSQL.

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::{Answer, call, databases, post_json, router, two_members, valid_proposal as valid};

use tsunagari_core::proposal::Proposal;
use tsunagari_core::sync::{
    ClientId, Draft, Mutation, MutationId, Op, Outcome, PullResponse, PushRequest, PushResponse,
};

fn id<T: TryFrom<String>>(s: &str) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(s.to_string()).expect("test id")
}

fn mutation(client: &str, n: u64, draft: &str, base_revision: u64, op: Op) -> Mutation {
    Mutation {
        id: MutationId {
            client: id(client),
            n,
        },
        draft: id(draft),
        base_revision,
        op,
    }
}

fn put(
    client: &str,
    n: u64,
    draft: &str,
    base_revision: u64,
    p: &Proposal,
    base: Option<&Proposal>,
) -> Mutation {
    let op = Op::Put {
        proposal: p.clone(),
        base: base.cloned(),
    };
    mutation(client, n, draft, base_revision, op)
}

fn request(client: &str, mutations: Vec<Mutation>) -> String {
    let req = PushRequest {
        client: id::<ClientId>(client),
        mutations,
    };
    serde_json::to_string(&req).expect("json")
}

async fn push_raw(app: &Router, token: &str, client: &str, mutations: Vec<Mutation>) -> Answer {
    post_json(
        app,
        "/api/drafts/push",
        Some(token),
        &request(client, mutations),
    )
    .await
}

async fn push(app: &Router, token: &str, client: &str, mutations: Vec<Mutation>) -> Vec<Outcome> {
    let answer = push_raw(app, token, client, mutations).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let res: PushResponse = serde_json::from_slice(&answer.body).expect("a PushResponse");
    res.results.into_iter().map(|r| r.outcome).collect()
}

async fn pull(app: &Router, token: &str, since: Option<&str>) -> PullResponse {
    let uri = match since {
        Some(c) => format!("/api/drafts?since={c}"),
        None => "/api/drafts".into(),
    };
    let answer = call(app, "GET", &uri, Some(token), None).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    serde_json::from_slice(&answer.body).expect("a FeedPage<Draft>")
}

async fn get_draft(app: &Router, token: &str, draft: &str) -> Answer {
    call(
        app,
        "GET",
        &format!("/api/drafts/{draft}"),
        Some(token),
        None,
    )
    .await
}

async fn stored(app: &Router, token: &str, draft: &str) -> Draft {
    let answer = get_draft(app, token, draft).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    serde_json::from_slice(&answer.body).expect("a Draft")
}

fn applied(outcome: &Outcome) -> u64 {
    match outcome {
        Outcome::Applied { revision, .. } => *revision,
        other => panic!("not applied: {other:?}"),
    }
}

#[tokio::test]
async fn a_put_is_pulled_and_a_retried_push_changes_nothing() {
    for db in databases().await {
        let app = router(&db);
        let (pore, _) = two_members(&db, &app).await;
        let p = valid("porepore");
        let mut second = p.clone();
        second.title = "二つ目".into();
        let muts = vec![
            put("device-a1", 1, "draft-0001", 0, &p, None),
            put("device-a1", 2, "draft-0002", 0, &second, None),
        ];
        let first = push(&app, &pore, "device-a1", muts.clone()).await;
        assert_eq!(
            first.iter().map(applied).collect::<Vec<_>>(),
            [1, 1],
            "{}",
            db.name
        );

        let page = pull(&app, &pore, None).await;
        assert!(page.reset);
        assert_eq!(page.items.len(), 2, "{}", db.name);
        let d = page
            .items
            .iter()
            .find(|d| d.id.as_str() == "draft-0001")
            .expect("pulled");
        assert_eq!(
            (d.revision, &d.proposal, d.group_id.as_str()),
            (1, &p, "porepore")
        );

        // The response was lost: the same request again, same answers.
        let again = push(&app, &pore, "device-a1", muts).await;
        assert_eq!(again, first, "{}", db.name);
        let delta = pull(&app, &pore, Some(&page.cursor)).await;
        assert!(
            delta.items.is_empty() && delta.deleted.is_empty(),
            "{}: {delta:?}",
            db.name
        );
        assert_eq!(delta.cursor, page.cursor, "no change number taken");
        assert_eq!(stored(&app, &pore, "draft-0001").await.revision, 1);
        assert_eq!(
            stored(&app, &pore, "draft-0002").await.proposal.title,
            "二つ目"
        );
    }
}

#[tokio::test]
async fn a_stale_base_merges_or_conflicts_without_overwriting() {
    for db in databases().await {
        let app = router(&db);
        let (pore, _) = two_members(&db, &app).await;
        let p0 = valid("porepore");
        push(
            &app,
            &pore,
            "device-a1",
            vec![put("device-a1", 1, "draft-0001", 0, &p0, None)],
        )
        .await;
        let mut pa = p0.clone();
        pa.place = "四十万公民館".into();
        let r = push(
            &app,
            &pore,
            "device-a1",
            vec![put("device-a1", 2, "draft-0001", 1, &pa, Some(&p0))],
        )
        .await;
        assert_eq!(applied(&r[0]), 2);

        // Device b saw revision 1 and changed another field: merged.
        let mut pb = p0.clone();
        pb.contact_person = "金沢 太郎".into();
        let r = push(
            &app,
            &pore,
            "device-b1",
            vec![put("device-b1", 1, "draft-0001", 1, &pb, Some(&p0))],
        )
        .await;
        let Outcome::Merged { revision, draft } = &r[0] else {
            panic!("{}: not merged: {r:?}", db.name);
        };
        assert_eq!(*revision, 3);
        assert_eq!(
            (draft.place.as_str(), draft.contact_person.as_str()),
            ("四十万公民館", "金沢 太郎")
        );
        let now = stored(&app, &pore, "draft-0001").await;
        assert_eq!((now.revision, &now.proposal), (3, draft));

        // The same place changed on both sides: a conflict, nothing written.
        let mut pc = p0.clone();
        pc.place = "金沢駅".into();
        let r = push(
            &app,
            &pore,
            "device-b1",
            vec![put("device-b1", 2, "draft-0001", 1, &pc, Some(&p0))],
        )
        .await;
        let Outcome::Conflict {
            revision,
            server,
            conflicts,
            ..
        } = &r[0]
        else {
            panic!("{}: not a conflict: {r:?}", db.name);
        };
        assert_eq!((*revision, server), (3, &now.proposal));
        assert!(!conflicts.is_empty());
        assert_eq!(stored(&app, &pore, "draft-0001").await, now, "{}", db.name);
    }
}

#[tokio::test]
async fn a_delete_is_a_tombstone_in_the_pull() {
    for db in databases().await {
        let app = router(&db);
        let (pore, _) = two_members(&db, &app).await;
        push(
            &app,
            &pore,
            "device-a1",
            vec![put(
                "device-a1",
                1,
                "draft-0001",
                0,
                &valid("porepore"),
                None,
            )],
        )
        .await;
        let page = pull(&app, &pore, None).await;
        let r = push(
            &app,
            &pore,
            "device-a1",
            vec![mutation("device-a1", 2, "draft-0001", 1, Op::Delete)],
        )
        .await;
        assert_eq!(applied(&r[0]), 2, "{}", db.name);
        let delta = pull(&app, &pore, Some(&page.cursor)).await;
        assert!(!delta.reset && delta.deleted.is_empty(), "{}", db.name);
        assert_eq!(delta.items.len(), 1, "{}", db.name);
        assert!(
            delta.items[0].deleted,
            "the tombstone is an item: {}",
            db.name
        );
        assert_eq!(delta.items[0].revision, 2, "{}", db.name);
        assert_eq!(
            get_draft(&app, &pore, "draft-0001")
                .await
                .api_error(StatusCode::NOT_FOUND),
            "not_found"
        );
        let snapshot = pull(&app, &pore, None).await;
        assert!(
            snapshot.reset && snapshot.items.len() == 1 && snapshot.items[0].deleted,
            "a snapshot carries the tombstone: {}",
            db.name
        );
    }
}

#[tokio::test]
async fn a_valid_submission_is_recorded_and_read_only() {
    for db in databases().await {
        let app = router(&db);
        let (pore, _) = two_members(&db, &app).await;
        let p = valid("porepore");
        push(
            &app,
            &pore,
            "device-a1",
            vec![put("device-a1", 1, "draft-0001", 0, &p, None)],
        )
        .await;
        let r = push(
            &app,
            &pore,
            "device-a1",
            vec![mutation("device-a1", 2, "draft-0001", 1, Op::Submit)],
        )
        .await;
        let Outcome::Applied {
            revision: 2,
            submitted_at: Some(at),
        } = &r[0]
        else {
            panic!("{}: not submitted: {r:?}", db.name);
        };
        assert!(at.ends_with('Z') && at.len() == 20, "{at}");
        assert_eq!(
            stored(&app, &pore, "draft-0001")
                .await
                .submitted_at
                .as_ref(),
            Some(at)
        );
        let exported = db.store.submitted_drafts().await.expect("read");
        assert_eq!(exported.len(), 1, "{}", db.name);

        let mut later = p.clone();
        later.title = "提出後の変更".into();
        let r = push(
            &app,
            &pore,
            "device-a1",
            vec![put("device-a1", 3, "draft-0001", 2, &later, Some(&p))],
        )
        .await;
        assert!(matches!(r[0], Outcome::Rejected { .. }), "{r:?}");
        assert_eq!(stored(&app, &pore, "draft-0001").await.proposal, p);

        // An incomplete proposal is refused, saying what to fix.
        let blank = Proposal::new_draft(2025, "general".into(), "porepore".into());
        push(
            &app,
            &pore,
            "device-a1",
            vec![put("device-a1", 4, "draft-0002", 0, &blank, None)],
        )
        .await;
        let r = push(
            &app,
            &pore,
            "device-a1",
            vec![mutation("device-a1", 5, "draft-0002", 1, Op::Submit)],
        )
        .await;
        let Outcome::Rejected { reason_en, .. } = &r[0] else {
            panic!("{}: not rejected: {r:?}", db.name);
        };
        assert!(reason_en.contains("cannot be submitted"), "{reason_en}");
        assert_eq!(stored(&app, &pore, "draft-0002").await.submitted_at, None);
        assert_eq!(db.store.submitted_drafts().await.expect("read").len(), 1);
    }
}

#[tokio::test]
async fn another_group_neither_sees_nor_changes_our_drafts() {
    for db in databases().await {
        let app = router(&db);
        let (pore, machiya) = two_members(&db, &app).await;
        let ours = valid("porepore");
        push(
            &app,
            &pore,
            "device-a1",
            vec![put("device-a1", 1, "draft-0001", 0, &ours, None)],
        )
        .await;

        // A Put on our draft id, under either group's name: 403, and the
        // machiya draft of the same request is not written either.
        let theirs = valid("machiya");
        for p in [&theirs, &ours] {
            let answer = push_raw(
                &app,
                &machiya,
                "device-m1",
                vec![
                    put("device-m1", 1, "draft-m001", 0, &theirs, None),
                    put("device-m1", 2, "draft-0001", 1, p, None),
                ],
            )
            .await;
            assert_eq!(
                answer.api_error(StatusCode::FORBIDDEN),
                "forbidden",
                "{}",
                db.name
            );
        }
        let delete = vec![mutation("device-m1", 1, "draft-0001", 1, Op::Delete)];
        assert_eq!(
            push_raw(&app, &machiya, "device-m1", delete)
                .await
                .api_error(StatusCode::FORBIDDEN),
            "forbidden"
        );
        // A new draft named for our group.
        let named = vec![put("device-m1", 1, "draft-m002", 0, &ours, None)];
        assert_eq!(
            push_raw(&app, &machiya, "device-m1", named)
                .await
                .api_error(StatusCode::FORBIDDEN),
            "forbidden"
        );
        // Our device id.
        let stolen = vec![put("device-a1", 9, "draft-m003", 0, &theirs, None)];
        assert_eq!(
            push_raw(&app, &machiya, "device-a1", stolen)
                .await
                .api_error(StatusCode::FORBIDDEN),
            "forbidden"
        );

        assert_eq!(
            get_draft(&app, &machiya, "draft-0001")
                .await
                .api_error(StatusCode::NOT_FOUND),
            "not_found"
        );
        assert_eq!(
            get_draft(&app, &machiya, "draft-m001")
                .await
                .api_error(StatusCode::NOT_FOUND),
            "not_found"
        );
        assert!(
            pull(&app, &machiya, None).await.items.is_empty(),
            "{}",
            db.name
        );
        assert_eq!(stored(&app, &pore, "draft-0001").await.proposal, ours);

        // Their own drafts work, and we do not see them.
        let r = push(
            &app,
            &machiya,
            "device-m1",
            vec![put("device-m1", 1, "draft-m001", 0, &theirs, None)],
        )
        .await;
        assert_eq!(applied(&r[0]), 1);
        let page = pull(&app, &pore, None).await;
        assert_eq!(
            page.items.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
            ["draft-0001"]
        );

        for (method, uri, body) in [
            (
                "POST",
                "/api/drafts/push",
                Some(request("device-a1", vec![])),
            ),
            ("GET", "/api/drafts", None),
            ("GET", "/api/drafts/draft-0001", None),
        ] {
            let answer = call(&app, method, uri, None, body.as_deref()).await;
            assert_eq!(
                answer.api_error(StatusCode::UNAUTHORIZED),
                "unauthorized",
                "{uri}"
            );
        }
    }
}

#[tokio::test]
async fn limits_and_mistakes_are_json_4xx() {
    for db in databases().await {
        let app = router(&db);
        let (pore, _) = two_members(&db, &app).await;
        let huge = format!(
            r#"{{"client":"device-a1","mutations":[],"pad":"{}"}}"#,
            "x".repeat(1 << 20)
        );
        let answer = post_json(&app, "/api/drafts/push", Some(&pore), &huge).await;
        assert_eq!(
            answer.api_error(StatusCode::PAYLOAD_TOO_LARGE),
            "too_large",
            "{}",
            db.name
        );

        for bad in [
            "{",
            r#"{"client":"x","mutations":[]}"#,
            r#"{"client":"device-a1"}"#,
            "[]",
        ] {
            let answer = post_json(&app, "/api/drafts/push", Some(&pore), bad).await;
            assert_eq!(
                answer.api_error(StatusCode::BAD_REQUEST),
                "bad_request",
                "{bad}"
            );
        }
        let p = valid("porepore");
        let many: Vec<Mutation> = (1..=101)
            .map(|n| put("device-a1", n, &format!("draft-{n:04}"), 0, &p, None))
            .collect();
        let answer = push_raw(&app, &pore, "device-a1", many).await;
        assert_eq!(answer.api_error(StatusCode::BAD_REQUEST), "bad_request");
        let backwards = vec![
            put("device-a1", 2, "draft-0001", 0, &p, None),
            put("device-a1", 1, "draft-0002", 0, &p, None),
        ];
        let answer = push_raw(&app, &pore, "device-a1", backwards).await;
        assert_eq!(answer.api_error(StatusCode::BAD_REQUEST), "bad_request");
        assert!(
            pull(&app, &pore, None).await.items.is_empty(),
            "nothing written: {}",
            db.name
        );

        assert_eq!(
            get_draft(&app, &pore, "draft-9999")
                .await
                .api_error(StatusCode::NOT_FOUND),
            "not_found"
        );
        assert_eq!(
            get_draft(&app, &pore, "x")
                .await
                .api_error(StatusCode::BAD_REQUEST),
            "bad_path"
        );
        let bad = call(&app, "GET", "/api/drafts?since=nonsense", Some(&pore), None).await;
        assert_eq!(bad.api_error(StatusCode::BAD_REQUEST), "bad_cursor");
        let get_push = call(&app, "GET", "/api/drafts/push", Some(&pore), None).await;
        assert_eq!(
            get_push.api_error(StatusCode::METHOD_NOT_ALLOWED),
            "method_not_allowed"
        );
    }
}

/// Issue 13 item 4: a Put whose lists or texts break the form's size rules
/// is refused whole (400 `over_limit`, naming its round's limit) before any
/// merge; nothing is stored.
#[tokio::test]
async fn a_put_over_the_forms_limits_is_refused_naming_the_limit() {
    use tsunagari_core::proposal::{BudgetKind, BudgetLine, Milestone};
    for db in databases().await {
        let app = router(&db);
        let (pore, _) = two_members(&db, &app).await;
        // The limits are the round's (Kanazawa's file, for the fixtures' year).
        let mut round =
            tsunagari_core::round::Round::parse(include_str!("../../data/rounds/2026.json"))
                .expect("round file");
        round.fiscal_year = 2025;
        let json = serde_json::to_string(&round).expect("json");
        let now = tsunagari_server::clock::Millis::now().expect("clock");
        tsunagari_server::rounds::publish(&db.store, &json, now)
            .await
            .expect("published");
        let p = valid("porepore");
        let outcomes = push(
            &app,
            &pore,
            "limits-client",
            vec![put("limits-client", 1, "draft-limits", 0, &p, None)],
        )
        .await;
        assert_eq!(applied(&outcomes[0]), 1);

        // A stale Put with thousands of lines in reverse id order (what made
        // the merge hold the write lock for a minute).
        let mut big = p.clone();
        big.budget = (0..4000)
            .rev()
            .map(|i| BudgetLine {
                id: format!("line-{i:05}"),
                kind: BudgetKind::Expense,
                item: "紙".into(),
                amount: tsunagari_core::Amount::yen(1),
            })
            .collect();
        let answer = push_raw(
            &app,
            &pore,
            "limits-client",
            vec![put("limits-client", 2, "draft-limits", 0, &big, Some(&big))],
        )
        .await;
        assert_eq!(
            answer.api_error(StatusCode::BAD_REQUEST),
            "over_limit",
            "{}",
            db.name
        );
        let message = answer.json()["message"]
            .as_str()
            .expect("message")
            .to_string();
        assert!(message.contains("60 lines"), "{message}");

        let mut long = p.clone();
        long.schedule = (0..31)
            .map(|i| Milestone {
                id: format!("m{i}"),
                date: p.schedule[0].date,
                what: "会合".into(),
            })
            .collect();
        let answer = push_raw(
            &app,
            &pore,
            "limits-client",
            vec![put("limits-client", 3, "draft-limits", 1, &long, Some(&p))],
        )
        .await;
        assert_eq!(answer.api_error(StatusCode::BAD_REQUEST), "over_limit");
        assert!(
            answer.json()["message"]
                .as_str()
                .expect("message")
                .contains("30 milestones")
        );

        let kept = stored(&app, &pore, "draft-limits").await;
        assert_eq!((kept.revision, kept.proposal), (1, p), "{}", db.name);
    }
}

/// Issue 13 item 15: a draft larger than the quota is 413 naming the limit.
#[tokio::test]
async fn a_draft_too_large_is_413_naming_the_limit() {
    for db in databases().await {
        let app = router(&db);
        let (pore, _) = two_members(&db, &app).await;
        let mut p = valid("porepore");
        p.activities = "あ".repeat(100_000); // 300 KB of UTF-8
        let answer = push_raw(
            &app,
            &pore,
            "large-client",
            vec![put("large-client", 1, "draft-large", 0, &p, None)],
        )
        .await;
        assert_eq!(
            answer.api_error(StatusCode::PAYLOAD_TOO_LARGE),
            "draft_too_large",
            "{}",
            db.name
        );
        let message = answer.json()["message"]
            .as_str()
            .expect("message")
            .to_string();
        assert!(
            message.contains(&tsunagari_server::drafts::MAX_DRAFT_BYTES.to_string()),
            "{message}"
        );
        assert!(pull(&app, &pore, None).await.items.is_empty());
    }
}

/// Issue 13 item 15: a group keeps at most `MAX_DRAFTS_PER_GROUP` drafts
/// (409 naming the limit), and the pull comes in pages that a client
/// follows with `more` and the cursor.
#[tokio::test]
async fn a_groups_drafts_are_capped_and_pulled_in_pages() {
    use tsunagari_server::drafts::{DRAFTS_PAGE, MAX_DRAFTS_PER_GROUP};
    for db in databases().await {
        let app = router(&db);
        let (pore, machiya) = two_members(&db, &app).await;
        let p = valid("porepore");
        let max = usize::try_from(MAX_DRAFTS_PER_GROUP).expect("small");
        let mut n = 0;
        for chunk in (0..max).collect::<Vec<_>>().chunks(100) {
            let mutations = chunk
                .iter()
                .map(|i| {
                    n += 1;
                    put("quota-client", n, &format!("draft-{i:05}"), 0, &p, None)
                })
                .collect();
            push(&app, &pore, "quota-client", mutations).await;
        }
        n += 1;
        let answer = push_raw(
            &app,
            &pore,
            "quota-client",
            vec![put("quota-client", n, "draft-one-more", 0, &p, None)],
        )
        .await;
        assert_eq!(
            answer.api_error(StatusCode::CONFLICT),
            "too_many_drafts",
            "{}",
            db.name
        );
        assert!(
            answer.json()["message"]
                .as_str()
                .expect("message")
                .contains(&max.to_string())
        );
        // Another group has its own quota.
        let m = valid("machiya");
        push(
            &app,
            &machiya,
            "machiya-client",
            vec![put("machiya-client", 1, "draft-machiya", 0, &m, None)],
        )
        .await;

        // The pull: pages of DRAFTS_PAGE in change order, `more` until the last.
        let mut page = pull(&app, &pore, None).await;
        assert!(page.reset && page.more, "{}", db.name);
        let mut seen: Vec<String> = Vec::new();
        let mut pages = 1;
        loop {
            assert!(page.items.len() <= DRAFTS_PAGE);
            seen.extend(page.items.iter().map(|d| d.id.as_str().to_string()));
            if !page.more {
                break;
            }
            let cursor = page.cursor.clone();
            page = pull(&app, &pore, Some(&cursor)).await;
            assert!(!page.reset);
            pages += 1;
        }
        assert_eq!(pages, max.div_ceil(DRAFTS_PAGE), "{}", db.name);
        let expected: Vec<String> = (0..max).map(|i| format!("draft-{i:05}")).collect();
        assert_eq!(seen, expected, "every draft once, in change order");
        // Caught up: an empty last page; a change since comes alone.
        let caught_up = pull(&app, &pore, Some(&page.cursor)).await;
        assert!(caught_up.items.is_empty() && !caught_up.more);
        let mut edited = p.clone();
        edited.title = "雪かきの輪".into();
        n += 1;
        push(
            &app,
            &pore,
            "quota-client",
            vec![put("quota-client", n, "draft-00007", 1, &edited, Some(&p))],
        )
        .await;
        let next = pull(&app, &pore, Some(&caught_up.cursor)).await;
        let ids: Vec<&str> = next.items.iter().map(|d| d.id.as_str()).collect();
        assert_eq!((ids, next.more), (vec!["draft-00007"], false));
    }
}

/// Issue 13 item 4: merges run outside the write transaction, which
/// re-checks the draft and retries: stale Puts from eight devices at the
/// same time each keep their words.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_stale_puts_each_keep_their_words() {
    use tsunagari_core::proposal::Milestone;
    for db in databases().await {
        let app = router(&db);
        let (pore, _) = two_members(&db, &app).await;
        let p = valid("porepore");
        push(
            &app,
            &pore,
            "base-client",
            vec![put("base-client", 1, "draft-shared", 0, &p, None)],
        )
        .await;
        let addr = common::listen(app.clone()).await;
        let tries: Vec<_> = (0..8)
            .map(|i| {
                let mut mine = p.clone();
                mine.schedule.push(Milestone {
                    id: format!("added-{i}"),
                    date: p.schedule[0].date,
                    what: format!("端末{i}の予定"),
                });
                let client = format!("device-{i:02}");
                let body = request(
                    &client,
                    vec![put(&client, 1, "draft-shared", 1, &mine, Some(&p))],
                );
                let token = pore.clone();
                tokio::spawn(async move {
                    common::http(addr, "POST", "/api/drafts/push", Some(&token), &body).await
                })
            })
            .collect();
        for t in tries {
            let (status, body) = t.await.expect("request");
            assert_eq!(status, 200, "{body}");
            let kind = body["results"][0]["outcome"]["type"]
                .as_str()
                .expect("an outcome");
            assert!(["applied", "merged"].contains(&kind), "{body}");
        }
        let last = stored(&app, &pore, "draft-shared").await;
        assert_eq!(last.revision, 9, "{}", db.name);
        for i in 0..8 {
            assert!(
                last.proposal
                    .schedule
                    .iter()
                    .any(|m| m.what == format!("端末{i}の予定")),
                "device {i}'s words: {:?}",
                last.proposal.schedule
            );
        }
    }
}
