//! Argon2 work that a stranger can cause (issue 13 item 6), counted with the
//! server's own counters (`auth::hashing_stats`). A test binary of its own:
//! the counters are the process's, and here one test runs at a time.

mod common;

use common::{PASSPHRASE, databases, http, listen, router, small_seed};
use serde_json::json;
use tsunagari_server::auth;
use tsunagari_server::clock::Millis;
use tsunagari_server::groups;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redeem_hashes_only_for_a_usable_code_and_never_more_than_the_cores() {
    for db in databases().await {
        groups::import(&db.store, &small_seed())
            .await
            .expect("seed");
        let addr = listen(router(&db)).await;
        let redeem = |code: String, login: String| async move {
            let body = json!({"code": code, "login": login, "passphrase": PASSPHRASE});
            http(addr, "POST", "/api/auth/redeem", None, &body.to_string()).await
        };

        // 40 redeems at once with well-formed codes that were never issued:
        // all refused, and nothing hashed.
        let before = auth::hashing_stats().runs;
        let tries: Vec<_> = (0..40)
            .map(|i| tokio::spawn(redeem("ABCD-EFGH-JKLM".into(), format!("stranger{i}"))))
            .collect();
        for t in tries {
            let (status, body) = t.await.expect("request");
            assert_eq!(
                (status, body["error"].as_str()),
                (400, Some("invalid_code"))
            );
        }
        assert_eq!(auth::hashing_stats().runs, before, "{}", db.name);

        // A taken login is refused before hashing too.
        let now = Millis::now().expect("clock");
        let first = auth::invite(&db.store, "porepore", 14, now)
            .await
            .expect("invite");
        let (status, _) = redeem(first, "ichiro".into()).await;
        assert_eq!(status, 200);
        let second = auth::invite(&db.store, "porepore", 14, now)
            .await
            .expect("invite");
        let before = auth::hashing_stats().runs;
        let (status, body) = redeem(second, "ichiro".into()).await;
        assert_eq!((status, body["error"].as_str()), (409, Some("login_taken")));
        assert_eq!(auth::hashing_stats().runs, before, "{}", db.name);

        // 16 real redeems at once: every one hashed, never more at a time
        // than the machine has cores.
        let mut codes = Vec::new();
        for _ in 0..16 {
            codes.push(
                auth::invite(&db.store, "machiya", 14, now)
                    .await
                    .expect("invite"),
            );
        }
        let before = auth::hashing_stats().runs;
        let tries: Vec<_> = codes
            .into_iter()
            .enumerate()
            .map(|(i, code)| tokio::spawn(redeem(code, format!("member{i}"))))
            .collect();
        for t in tries {
            let (status, body) = t.await.expect("request");
            assert_eq!(status, 200, "{body}");
        }
        let stats = auth::hashing_stats();
        assert_eq!(stats.runs - before, 16, "{}", db.name);
        assert!(
            stats.peak <= auth::hashing_permits(),
            "{} Argon2 at once on {} cores",
            stats.peak,
            auth::hashing_permits()
        );
    }
}
