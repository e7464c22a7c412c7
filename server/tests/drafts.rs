//! Proposal drafts through the router: push, replay, merge, conflict,
//! tombstones, submission, group isolation and limits, on SQLite and (with
//! TEST_DATABASE_URL) PostgreSQL.

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::{Answer, call, databases, post_json, router, two_members, valid_proposal as valid};
use tsunagari_core::Division;
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
        let blank = Proposal::new_draft(2025, Division::General, "porepore".into());
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
