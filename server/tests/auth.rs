//! Group accounts through the router: redeem, sign in, me, sign out, the
//! rate limit and revocation, on SQLite and (with TEST_DATABASE_URL)
//! PostgreSQL.

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::{Answer, PASSPHRASE, call, databases, post_json, redeem_new, router, small_seed};
use serde_json::json;
use tsunagari_core::account::{Session, SignInRequest};
use tsunagari_server::auth::{self, AuthError, FAILURE_WINDOW_SECS, sha256_hex};
use tsunagari_server::clock::Millis;
use tsunagari_server::groups;

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
        let session = auth::sign_in(&db.store, req.clone(), later)
            .await
            .expect("signed in");
        assert_eq!(session.login, "taro");
        // A success clears the failures: the next attempt is not limited.
        assert!(
            auth::sign_in(&db.store, req, now()).await.is_ok(),
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
