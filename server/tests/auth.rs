//! Group accounts through the router: redeem, sign in, me, sign out, the
//! rate limit and revocation, on SQLite and (with TEST_DATABASE_URL)
//! PostgreSQL.

mod common;

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use common::{
    Answer, PASSPHRASE, call, databases, http, listen, post_json, redeem_new, router, send,
    small_seed,
};
use serde_json::json;
use tsunagari_core::account::{Session, SignInRequest};
use tsunagari_server::auth::{
    self, AuthError, FAILURE_WINDOW_SECS, LOGIN_BACKOFF_MAX_SECS, MAX_ADDRESS_FAILURES,
    MAX_FAILURES, SESSION_IDLE_DAYS, SESSION_MAX_DAYS, sha256_hex,
};
use tsunagari_server::clock::Millis;
use tsunagari_server::groups;
use tsunagari_server::store::{SessionCutoffs, SignInCounts};

fn now() -> Millis {
    Millis::now().expect("clock")
}

fn redeem_body(code: &str, login: &str, passphrase: &str) -> String {
    json!({"code": code, "login": login, "passphrase": passphrase}).to_string()
}

fn signin_body(login: &str, passphrase: &str) -> String {
    json!({"login": login, "passphrase": passphrase}).to_string()
}

/// `POST /api/auth/signin` with this login and passphrase.
async fn sign_in(app: &Router, login: &str, passphrase: &str) -> Answer {
    post_json(
        app,
        "/api/auth/signin",
        None,
        &signin_body(login, passphrase),
    )
    .await
}

/// `POST /api/auth/signin` as if from the client address `ip`.
async fn sign_in_from(app: &Router, ip: &str, login: &str, passphrase: &str) -> Answer {
    let peer: SocketAddr = format!("{ip}:50000").parse().expect("address");
    let mut req = Request::post("/api/auth/signin")
        .header("content-type", "application/json")
        .body(Body::from(signin_body(login, passphrase)))
        .expect("request");
    req.extensions_mut().insert(ConnectInfo(peer));
    send(app, req).await
}

#[tokio::test]
async fn redeem_sign_in_me_sign_out() {
    for db in databases().await {
        groups::import(&db.store, &small_seed())
            .await
            .expect("seed");
        let app = router(&db);
        let code = auth::invite(&db.store, "porepore", 14, now())
            .await
            .expect("invite");

        // Login names are normalised: full-width and upper case fold.
        let body = redeem_body(&code.to_lowercase(), " ＨＡＮＡＫＯ.k ", PASSPHRASE);
        let answer = post_json(&app, "/api/auth/redeem", None, &body).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", db.name);
        assert_eq!(answer.header("cache-control"), Some("no-store"));
        let session: Session = serde_json::from_slice(&answer.body).expect("a Session");
        assert_eq!(session.login, "hanako.k");
        assert_eq!(session.group_id, "porepore");
        assert_eq!(session.group_name, "地域支援センター「ポレポレ」");
        let first = session.token.expect("a token");
        assert_eq!(first.len(), 43, "32 bytes, base64url");

        // Stored: the member, and the token only as its hash.
        let members = auth::members(&db.store, "porepore").await.expect("members");
        assert_eq!(members.len(), 1);
        assert_eq!(
            (members[0].login.as_str(), members[0].revoked_at),
            ("hanako.k", None)
        );
        assert!(
            db.store
                .session_member(&sha256_hex(&first))
                .await
                .expect("read")
                .is_some()
        );
        assert!(
            db.store
                .session_member(&first)
                .await
                .expect("read")
                .is_none()
        );

        let me = call(&app, "GET", "/api/auth/me", Some(&first), None).await;
        assert_eq!(me.status, StatusCode::OK, "{}", db.name);
        let body = me.json();
        assert_eq!(body["login"], "hanako.k");
        assert_eq!(body["group_id"], "porepore");
        assert!(body.get("token").is_none(), "me has no token: {body}");

        let answer = sign_in(&app, "HANAKO.K", PASSPHRASE).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", db.name);
        let second: Session = serde_json::from_slice(&answer.body).expect("a Session");
        let second = second.token.expect("a token");
        assert_ne!(first, second);

        let out = call(&app, "POST", "/api/auth/signout", Some(&first), None).await;
        assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", db.name);
        let me = call(&app, "GET", "/api/auth/me", Some(&first), None).await;
        assert_eq!(me.api_error(StatusCode::UNAUTHORIZED), "unauthorized");
        assert_eq!(me.header("www-authenticate"), Some("Bearer"));
        // The other session lives on.
        let me = call(&app, "GET", "/api/auth/me", Some(&second), None).await;
        assert_eq!(me.status, StatusCode::OK, "{}", db.name);
    }
}

#[tokio::test]
async fn codes_are_single_use_and_expire() {
    for db in databases().await {
        groups::import(&db.store, &small_seed())
            .await
            .expect("seed");
        let app = router(&db);
        let code = auth::invite(&db.store, "machiya", 14, now())
            .await
            .expect("invite");
        let ok = post_json(
            &app,
            "/api/auth/redeem",
            None,
            &redeem_body(&code, "first", PASSPHRASE),
        )
        .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", db.name);
        let again = post_json(
            &app,
            "/api/auth/redeem",
            None,
            &redeem_body(&code, "second", PASSPHRASE),
        )
        .await;
        assert_eq!(
            again.api_error(StatusCode::BAD_REQUEST),
            "invalid_code",
            "{}",
            db.name
        );

        // A taken login leaves the new code usable.
        let code = auth::invite(&db.store, "machiya", 14, now())
            .await
            .expect("invite");
        let taken = post_json(
            &app,
            "/api/auth/redeem",
            None,
            &redeem_body(&code, "first", PASSPHRASE),
        )
        .await;
        assert_eq!(
            taken.api_error(StatusCode::CONFLICT),
            "login_taken",
            "{}",
            db.name
        );
        let ok = post_json(
            &app,
            "/api/auth/redeem",
            None,
            &redeem_body(&code, "third", PASSPHRASE),
        )
        .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", db.name);

        // Issued two days ago for one day: expired.
        let old = now().plus_seconds(-2 * 86_400);
        let expired = auth::invite(&db.store, "machiya", 1, old)
            .await
            .expect("invite");
        let answer = post_json(
            &app,
            "/api/auth/redeem",
            None,
            &redeem_body(&expired, "fourth", PASSPHRASE),
        )
        .await;
        assert_eq!(answer.api_error(StatusCode::BAD_REQUEST), "invalid_code");
        for garbage in ["AAAA-BBBB-CCCC", "0000-0000-0000", "", "ABCD"] {
            let answer = post_json(
                &app,
                "/api/auth/redeem",
                None,
                &redeem_body(garbage, "fifth", PASSPHRASE),
            )
            .await;
            assert_eq!(
                answer.api_error(StatusCode::BAD_REQUEST),
                "invalid_code",
                "{garbage:?}"
            );
        }
        let logins: Vec<String> = auth::members(&db.store, "machiya")
            .await
            .expect("members")
            .into_iter()
            .map(|m| m.login)
            .collect();
        assert_eq!(logins, ["first", "third"], "{}", db.name);

        // Inviting for a group the directory lacks is refused.
        assert!(matches!(
            auth::invite(&db.store, "nobody", 14, now()).await,
            Err(AuthError::UnknownGroup(_))
        ));
    }
}

#[tokio::test]
async fn bad_fields_and_bodies_are_400_json() {
    for db in databases().await {
        groups::import(&db.store, &small_seed())
            .await
            .expect("seed");
        let app = router(&db);
        let code = auth::invite(&db.store, "hoshi", 14, now())
            .await
            .expect("invite");
        for body in [
            redeem_body(&code, "yo", PASSPHRASE),
            redeem_body(&code, "山田さん", PASSPHRASE),
            redeem_body(&code, "yamada", "short"),
            r#"{"code": "x", "login": "yamada"}"#.to_string(),
            "{not json".to_string(),
        ] {
            let answer = post_json(&app, "/api/auth/redeem", None, &body).await;
            assert_eq!(
                answer.api_error(StatusCode::BAD_REQUEST),
                "bad_request",
                "{body}"
            );
        }
        // The code was not used up by the refused attempts.
        let ok = post_json(
            &app,
            "/api/auth/redeem",
            None,
            &redeem_body(&code, "yamada", PASSPHRASE),
        )
        .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", db.name);

        let wrong_method = call(&app, "GET", "/api/auth/signin", None, None).await;
        assert_eq!(
            wrong_method.api_error(StatusCode::METHOD_NOT_ALLOWED),
            "method_not_allowed"
        );
        assert_eq!(wrong_method.header("allow"), Some("POST"));
    }
}

#[tokio::test]
async fn five_failures_rate_limit_the_login_until_the_window_passes() {
    for db in databases().await {
        groups::import(&db.store, &small_seed())
            .await
            .expect("seed");
        let app = router(&db);
        redeem_new(&db, &app, "porepore", "taro").await;
        for _ in 0..5 {
            let answer = sign_in(&app, "taro", "wrong passphrase").await;
            assert_eq!(
                answer.api_error(StatusCode::UNAUTHORIZED),
                "bad_credentials",
                "{}",
                db.name
            );
        }
        // Now even the right passphrase waits.
        let answer = sign_in(&app, "taro", PASSPHRASE).await;
        assert_eq!(
            answer.api_error(StatusCode::TOO_MANY_REQUESTS),
            "rate_limited",
            "{}",
            db.name
        );
        let retry: i64 = answer
            .header("retry-after")
            .expect("Retry-After")
            .parse()
            .expect("seconds");
        assert!((1..=FAILURE_WINDOW_SECS).contains(&retry), "{retry}");

        // Another login is not limited; an unknown one counts like a known one.
        for _ in 0..5 {
            let answer = sign_in(&app, "nobody", PASSPHRASE).await;
            assert_eq!(
                answer.api_error(StatusCode::UNAUTHORIZED),
                "bad_credentials"
            );
        }
        let answer = sign_in(&app, "nobody", PASSPHRASE).await;
        assert_eq!(
            answer.api_error(StatusCode::TOO_MANY_REQUESTS),
            "rate_limited"
        );

        // After the window (the clock is an argument), the right passphrase works.
        let req = SignInRequest {
            login: "taro".into(),
            passphrase: PASSPHRASE.into(),
        };
        let later = now().plus_seconds(FAILURE_WINDOW_SECS + 1);
        let session = auth::sign_in(&db.store, req.clone(), "", later)
            .await
            .expect("signed in");
        assert_eq!(session.login, "taro");
        // A success clears the failures: the next attempt is not limited.
        assert!(
            auth::sign_in(&db.store, req, "", now()).await.is_ok(),
            "{}",
            db.name
        );
    }
}

#[tokio::test]
async fn a_revoked_member_is_signed_out_and_refused() {
    for db in databases().await {
        groups::import(&db.store, &small_seed())
            .await
            .expect("seed");
        let app = router(&db);
        let token = redeem_new(&db, &app, "porepore", "jiro").await;
        assert!(
            auth::revoke(&db.store, "JIRO", now())
                .await
                .expect("revoke")
        );
        assert!(
            !auth::revoke(&db.store, "nobody", now())
                .await
                .expect("revoke")
        );

        let me = call(&app, "GET", "/api/auth/me", Some(&token), None).await;
        assert_eq!(
            me.api_error(StatusCode::UNAUTHORIZED),
            "unauthorized",
            "{}",
            db.name
        );
        let answer = sign_in(&app, "jiro", PASSPHRASE).await;
        assert_eq!(
            answer.api_error(StatusCode::UNAUTHORIZED),
            "bad_credentials",
            "{}",
            db.name
        );
        let members = auth::members(&db.store, "porepore").await.expect("members");
        assert!(members[0].revoked_at.is_some());

        for header in [None, Some("not-a-token")] {
            let me = call(&app, "GET", "/api/auth/me", header, None).await;
            assert_eq!(me.api_error(StatusCode::UNAUTHORIZED), "unauthorized");
        }
    }
}

/// Issue 13 item 5: wrong passphrases sent at the same time are all
/// counted: with a limit of 5, at most 5 of 12 parallel attempts are
/// checked; the others are 429 before any passphrase is looked at.
#[tokio::test]
async fn parallel_wrong_passphrases_are_all_counted() {
    for db in databases().await {
        groups::import(&db.store, &small_seed())
            .await
            .expect("seed");
        let app = router(&db);
        redeem_new(&db, &app, "porepore", "saburo").await;
        let addr = listen(app).await;
        let body = signin_body("saburo", "wrong passphrase!");
        let attempts: Vec<_> = (0..12)
            .map(|_| {
                let body = body.clone();
                tokio::spawn(
                    async move { http(addr, "POST", "/api/auth/signin", None, &body).await },
                )
            })
            .collect();
        let mut checked = 0;
        let mut limited = 0;
        for attempt in attempts {
            let (status, json) = attempt.await.expect("request");
            match status {
                401 => {
                    assert_eq!(json["error"], "bad_credentials");
                    checked += 1;
                }
                429 => {
                    assert_eq!(json["error"], "rate_limited");
                    limited += 1;
                }
                other => panic!("{other}: {json}"),
            }
        }
        assert_eq!(
            (checked, limited),
            (MAX_FAILURES, 12 - MAX_FAILURES),
            "{}",
            db.name
        );
        assert_eq!(
            db.store.failure_rows().await.expect("count"),
            5,
            "{}",
            db.name
        );
    }
}

/// Issue 13 item 5: a stranger's wrong passphrases (another address) do not
/// lock the owner out; a login failing from many addresses backs off (at
/// most a minute between attempts) instead of locking for the window; one
/// address is limited over all logins.
#[tokio::test]
async fn limits_count_by_address_and_back_off_per_login() {
    for db in databases().await {
        groups::import(&db.store, &small_seed())
            .await
            .expect("seed");
        let app = router(&db);
        redeem_new(&db, &app, "porepore", "shiro").await;

        // The stranger (192.0.2.66) is limited…
        for _ in 0..MAX_FAILURES {
            let answer = sign_in_from(&app, "192.0.2.66", "shiro", "not the passphrase").await;
            assert_eq!(
                answer.api_error(StatusCode::UNAUTHORIZED),
                "bad_credentials"
            );
        }
        let answer = sign_in_from(&app, "192.0.2.66", "shiro", PASSPHRASE).await;
        assert_eq!(
            answer.api_error(StatusCode::TOO_MANY_REQUESTS),
            "rate_limited",
            "{}",
            db.name
        );
        // …the owner, elsewhere, is not.
        let answer = sign_in_from(&app, "192.0.2.7", "shiro", PASSPHRASE).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", db.name);

        // Strangers at ten addresses: the login backs off, by seconds.
        for i in 0..10 {
            let ip = format!("198.51.100.{i}");
            let answer = sign_in_from(&app, &ip, "shiro", "not the passphrase").await;
            assert_eq!(
                answer.api_error(StatusCode::UNAUTHORIZED),
                "bad_credentials",
                "{i}"
            );
        }
        let answer = sign_in_from(&app, "192.0.2.7", "shiro", PASSPHRASE).await;
        assert_eq!(
            answer.api_error(StatusCode::TOO_MANY_REQUESTS),
            "rate_limited",
            "{}",
            db.name
        );
        let retry: i64 = answer
            .header("retry-after")
            .expect("Retry-After")
            .parse()
            .expect("secs");
        assert!((1..=LOGIN_BACKOFF_MAX_SECS).contains(&retry), "{retry}");
        // Once the wait is over, the right passphrase works.
        let req = SignInRequest {
            login: "shiro".into(),
            passphrase: PASSPHRASE.into(),
        };
        let later = now().plus_seconds(LOGIN_BACKOFF_MAX_SECS + 1);
        assert!(
            auth::sign_in(&db.store, req, "192.0.2.7", later)
                .await
                .is_ok(),
            "{}",
            db.name
        );

        // One address trying many logins is stopped, whatever the login.
        for i in 0..MAX_ADDRESS_FAILURES {
            let answer = sign_in_from(&app, "203.0.113.9", &format!("guess{i}"), PASSPHRASE).await;
            assert_eq!(
                answer.api_error(StatusCode::UNAUTHORIZED),
                "bad_credentials",
                "{i}"
            );
        }
        let answer = sign_in_from(&app, "203.0.113.9", "guess-new", PASSPHRASE).await;
        assert_eq!(
            answer.api_error(StatusCode::TOO_MANY_REQUESTS),
            "rate_limited",
            "{}",
            db.name
        );
        let answer = sign_in_from(&app, "192.0.2.8", "guess-new", PASSPHRASE).await;
        assert_eq!(
            answer.api_error(StatusCode::UNAUTHORIZED),
            "bad_credentials",
            "{}",
            db.name
        );
    }
}

/// The limits as a rule over counts (the overall one is too large to reach
/// through requests in a test).
#[test]
fn the_wait_follows_the_counts() {
    let t = Millis(10_000_000);
    let window = FAILURE_WINDOW_SECS * 1000;
    assert_eq!(auth::signin_wait(&SignInCounts::default(), t), None);
    let here = SignInCounts {
        here: vec![t.0 - 5000; MAX_FAILURES],
        ..SignInCounts::default()
    };
    assert_eq!(auth::signin_wait(&here, t), Some(window - 5000));
    let overall = SignInCounts {
        overall: (auth::MAX_OVERALL_FAILURES, t.0 - 1000),
        ..SignInCounts::default()
    };
    assert_eq!(auth::signin_wait(&overall, t), Some(window - 1000));
    // The login's back-off doubles and stops at a minute.
    let backoff = |n| SignInCounts {
        login: (n, t.0),
        ..SignInCounts::default()
    };
    assert_eq!(auth::signin_wait(&backoff(9), t), None);
    assert_eq!(auth::signin_wait(&backoff(10), t), Some(2000));
    assert_eq!(auth::signin_wait(&backoff(11), t), Some(4000));
    assert_eq!(
        auth::signin_wait(&backoff(40), t),
        Some(LOGIN_BACKOFF_MAX_SECS * 1000)
    );
    // IPv6 counts per /64; IPv4-mapped addresses as IPv4.
    let key = |s: &str| auth::address_key(Some(s.parse().expect("address")));
    assert_eq!(
        key("[2001:db8:1:2:aaaa::1]:443"),
        key("[2001:db8:1:2:bbbb::9]:80")
    );
    assert_eq!(key("[::ffff:192.0.2.1]:1"), "192.0.2.1");
    assert_eq!(auth::address_key(None), "");
}

/// Issue 13 item 7: a login that breaks the rules is refused (400) before
/// anything is stored; failures older than the window are purged.
#[tokio::test]
async fn bad_logins_store_nothing_and_old_failures_are_purged() {
    for db in databases().await {
        let app = router(&db);
        let huge = "a".repeat(200_000);
        for login in [huge.as_str(), "山田", "yo"] {
            let answer = sign_in(&app, login, PASSPHRASE).await;
            assert_eq!(
                answer.api_error(StatusCode::BAD_REQUEST),
                "bad_request",
                "{}",
                db.name
            );
        }
        assert_eq!(
            db.store.failure_rows().await.expect("count"),
            0,
            "{}",
            db.name
        );

        let wrong = |login: &str| SignInRequest {
            login: login.into(),
            passphrase: "not the passphrase".into(),
        };
        let t0 = now();
        assert!(
            auth::sign_in(&db.store, wrong("old.one"), "", t0)
                .await
                .is_err()
        );
        assert_eq!(db.store.failure_rows().await.expect("count"), 1);
        let later = t0.plus_seconds(FAILURE_WINDOW_SECS + 1);
        assert!(
            auth::sign_in(&db.store, wrong("new.one"), "", later)
                .await
                .is_err()
        );
        assert_eq!(
            db.store.failure_rows().await.expect("count"),
            1,
            "{}",
            db.name
        );
    }
}

/// Issue 13 item 8: a session ends 30 days after sign-in, or after 14 days
/// unused: 401 `session_expired` JSON on any request, and it is deleted.
#[tokio::test]
async fn sessions_end_after_their_lifetimes() {
    const DAY: i64 = 86_400;
    for db in databases().await {
        groups::import(&db.store, &small_seed())
            .await
            .expect("seed");
        let app = router(&db);
        redeem_new(&db, &app, "porepore", "goro").await;
        let t = now();
        let keep_all = SessionCutoffs {
            created_before: 0,
            idle_before: 0,
        };
        let session = |token: &'static str, made_days_ago: i64| {
            let store = db.store.clone();
            async move {
                let made = t.plus_seconds(-made_days_ago * DAY).0;
                store
                    .create_session(&sha256_hex(token), "goro", made, keep_all)
                    .await
                    .expect("session");
            }
        };
        session("too-old-token", SESSION_MAX_DAYS + 1).await;
        session("idle-token", SESSION_IDLE_DAYS + 1).await;
        session("busy-token", SESSION_IDLE_DAYS + 5).await;
        db.store
            .touch_session(&sha256_hex("busy-token"), t.plus_seconds(-DAY).0)
            .await
            .expect("touch");

        for token in ["too-old-token", "idle-token"] {
            let me = call(&app, "GET", "/api/auth/me", Some(token), None).await;
            assert_eq!(
                me.api_error(StatusCode::UNAUTHORIZED),
                "session_expired",
                "{token} {}",
                db.name
            );
            assert!(
                me.json()["message"]
                    .as_str()
                    .expect("message")
                    .contains("sign in again")
            );
            let push = post_json(
                &app,
                "/api/drafts/push",
                Some(token),
                r#"{"client":"c-12345678","mutations":[]}"#,
            )
            .await;
            assert_eq!(
                push.api_error(StatusCode::UNAUTHORIZED),
                "unauthorized",
                "deleted: {token}"
            );
        }
        // Used a day ago: alive, and this use is recorded.
        let me = call(&app, "GET", "/api/auth/me", Some("busy-token"), None).await;
        assert_eq!(me.status, StatusCode::OK, "{}", db.name);
        let row = db
            .store
            .session_member(&sha256_hex("busy-token"))
            .await
            .expect("read")
            .expect("alive");
        assert!(row.last_used_at >= t.0, "{row:?}");
        // Past its absolute lifetime, even a busy session ends.
        let end = t.plus_seconds((SESSION_MAX_DAYS - SESSION_IDLE_DAYS - 5) * DAY + 1);
        assert!(matches!(
            auth::member_at(&db.store, Some("Bearer busy-token"), end).await,
            Err(AuthError::SessionExpired)
        ));
    }
}

/// Issue 13 item 14: deleting a group withdraws its members' sessions and
/// accounts and its unused invitations; a group an import removed is
/// refused the same way.
#[tokio::test]
async fn a_deleted_group_keeps_no_sessions_or_invitations() {
    for db in databases().await {
        groups::import(&db.store, &small_seed())
            .await
            .expect("seed");
        let app = router(&db);
        let token = redeem_new(&db, &app, "porepore", "rokuro").await;
        let unused = auth::invite(&db.store, "porepore", 14, now())
            .await
            .expect("invite");
        let other = redeem_new(&db, &app, "machiya", "shichiro").await;

        assert!(groups::delete(&db.store, "porepore").await.expect("delete"));
        let push = post_json(
            &app,
            "/api/drafts/push",
            Some(&token),
            r#"{"client":"c-12345678","mutations":[]}"#,
        )
        .await;
        assert_eq!(
            push.api_error(StatusCode::UNAUTHORIZED),
            "unauthorized",
            "{}",
            db.name
        );
        let answer = sign_in(&app, "rokuro", PASSPHRASE).await;
        assert_eq!(
            answer.api_error(StatusCode::UNAUTHORIZED),
            "bad_credentials"
        );
        let answer = post_json(
            &app,
            "/api/auth/redeem",
            None,
            &redeem_body(&unused, "hachiro", PASSPHRASE),
        )
        .await;
        assert_eq!(
            answer.api_error(StatusCode::BAD_REQUEST),
            "invalid_code",
            "{}",
            db.name
        );
        let members = auth::members(&db.store, "porepore").await.expect("members");
        assert!(
            members.iter().all(|m| m.revoked_at.is_some()),
            "{members:?}"
        );

        // Another group is untouched, until an import leaves it out.
        let me = call(&app, "GET", "/api/auth/me", Some(&other), None).await;
        assert_eq!(me.status, StatusCode::OK);
        let code = auth::invite(&db.store, "machiya", 14, now())
            .await
            .expect("invite");
        let mut seed = small_seed();
        seed.groups.retain(|g| g.id == "hoshi");
        groups::import(&db.store, &seed).await.expect("import");
        let me = call(&app, "GET", "/api/auth/me", Some(&other), None).await;
        assert_eq!(
            me.api_error(StatusCode::UNAUTHORIZED),
            "unauthorized",
            "{}",
            db.name
        );
        let answer = post_json(
            &app,
            "/api/auth/redeem",
            None,
            &redeem_body(&code, "kuro", PASSPHRASE),
        )
        .await;
        assert_eq!(
            answer.api_error(StatusCode::BAD_REQUEST),
            "invalid_code",
            "{}",
            db.name
        );
    }
}
