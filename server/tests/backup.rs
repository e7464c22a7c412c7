//! `backup` while the server writes, `restore` with the server stopped, and
//! `new-epoch`: the restored server has a new epoch (every client resets)
//! and every push answered before the backup began.

mod common;
mod served;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use common::{databases, small_seed};
use served::{Place, Server, push_new_draft};
use tsunagari_core::{Cursor, Group};
use tsunagari_server::feed;
use tsunagari_server::store::{Feed, Store};

type Answered = Arc<Mutex<Vec<(String, String)>>>;

/// Pushes new drafts until `stop`; every applied push is recorded in order.
fn writer(
    server: &Server,
    token: &str,
    stop: Arc<AtomicBool>,
) -> (Answered, std::thread::JoinHandle<()>) {
    let answered: Answered = Arc::default();
    let (addr, token, list) = (server.addr.clone(), token.to_string(), answered.clone());
    let handle = std::thread::spawn(move || {
        for n in 1u64.. {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            let draft = format!("backup-{n:05}");
            let words = format!("{n}回目の書き込み。");
            let applied = push_new_draft(&addr, &token, "backup-writer", n, &draft, &words)
                .expect("the server answers");
            assert!(applied, "push {n} applied");
            list.lock().expect("lock").push((draft, words));
        }
    });
    (answered, handle)
}

fn wait_for(answered: &Answered, at_least: usize) -> Vec<(String, String)> {
    loop {
        let now = answered.lock().expect("lock").clone();
        if now.len() >= at_least {
            return now;
        }
        std::thread::yield_now();
    }
}

#[test]
fn backup_while_writing_then_restore_under_a_new_epoch() {
    let dir = tempfile::tempdir().expect("temp dir");
    let place = Place::sqlite(&dir.path().join("data"));
    let file = dir.path().join("tsunagari-backup.sqlite");
    let file_arg = file.to_str().expect("utf-8 path");
    let server = Server::start(&place, dir.path());
    let old_epoch = server.epoch();
    let token = server.member(&place, "backup.member");

    let stop = Arc::new(AtomicBool::new(false));
    let (answered, handle) = writer(&server, &token, stop.clone());
    let before = wait_for(&answered, 20);
    let (ok, out, err) = place.admin(&["backup", file_arg]);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("backed up") && out.contains(&old_epoch),
        "{out}"
    );
    let during = answered.lock().expect("lock").len();
    wait_for(&answered, during + 10);
    stop.store(true, Ordering::SeqCst);
    handle.join().expect("the writer");
    let all: BTreeMap<String, String> = answered.lock().expect("lock").iter().cloned().collect();

    // A backup never overwrites a file.
    let (ok, _, err) = place.admin(&["backup", file_arg]);
    assert!(!ok && err.contains("already exists"), "{err}");
    // No restore under a running server.
    let (ok, _, err) = place.admin(&["restore", file_arg]);
    assert!(!ok && err.contains("a server is running"), "{err}");

    let page = server.http("GET", "/api/drafts", Some(&token), None).json();
    let old_cursor = page["cursor"].as_str().expect("cursor").to_string();
    server.stop();

    let (ok, out, err) = place.admin(&["restore", file_arg]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("restored"), "{out}");
    assert!(
        dir.path()
            .join("data")
            .join(format!("tsunagari-before-restore-{old_epoch}.sqlite"))
            .is_file(),
        "the replaced database is kept: {err}"
    );

    let server = Server::start(&place, dir.path());
    let new_epoch = server.epoch();
    assert_ne!(new_epoch, old_epoch);
    assert!(out.contains(&new_epoch), "{out}");
    // A client's cursor from before the restore gets a full snapshot.
    let (drafts, reset) = server.pull_all(&token, Some(&old_cursor));
    assert!(reset, "an old cursor resets");
    let restored: BTreeMap<String, String> = drafts
        .into_iter()
        .map(|d| (d.id.to_string(), d.proposal.purpose))
        .collect();
    for (draft, words) in &before {
        assert_eq!(
            restored.get(draft),
            Some(words),
            "{draft} was answered before the backup"
        );
    }
    for (draft, words) in &restored {
        assert_eq!(
            all.get(draft),
            Some(words),
            "{draft} is one that was pushed"
        );
    }
    // The backup is a copy of the whole database: accounts and sessions too.
    let me = server.http("GET", "/api/auth/me", Some(&token), None);
    assert_eq!(me.status, 200, "{}", me.body);
    server.stop();

    // Restoring a file that is not a database changes nothing.
    let junk = dir.path().join("junk.sqlite");
    std::fs::write(&junk, "not a database").expect("write");
    let (ok, _, err) = place.admin(&["restore", junk.to_str().expect("utf-8")]);
    assert!(
        !ok && err.contains("not a usable tsunagari database"),
        "{err}"
    );
    let server = Server::start(&place, dir.path());
    assert_eq!(server.epoch(), new_epoch);
    server.stop();
}

#[test]
fn new_epoch_needs_the_server_stopped_and_resets_clients() {
    let dir = tempfile::tempdir().expect("temp dir");
    let place = Place::sqlite(&dir.path().join("data"));
    let server = Server::start(&place, dir.path());
    let old = server.epoch();
    let (ok, _, err) = place.admin(&["new-epoch"]);
    assert!(!ok && err.contains("a server is running"), "{err}");
    server.stop();
    let (ok, out, err) = place.admin(&["new-epoch"]);
    assert!(ok, "{err}");
    let server = Server::start(&place, dir.path());
    let new = server.epoch();
    assert_ne!(new, old);
    assert_eq!(out.trim(), format!("tsunagari: epoch {old} is now {new}"));
    server.stop();
}

#[test]
fn backup_and_restore_on_postgres_point_to_pg_dump() {
    let dir = tempfile::tempdir().expect("temp dir");
    let place = Place {
        data_dir: dir.path().to_path_buf(),
        database_url: Some("postgres://nobody@127.0.0.1:1/none".into()),
    };
    let (ok, _, err) = place.admin(&["backup", "b.sqlite"]);
    assert!(!ok && err.contains("pg_dump"), "{err}");
    let (ok, _, err) = place.admin(&["restore", "b.sqlite"]);
    assert!(
        !ok && err.contains("pg_restore") && err.contains("new-epoch"),
        "{err}"
    );
}

/// `renew_epoch` on both databases: stored, and every old cursor resets.
#[tokio::test]
async fn a_new_epoch_resets_every_cursor() {
    for db in databases().await {
        tsunagari_server::groups::import(&db.store, &small_seed())
            .await
            .expect("seed");
        let page: tsunagari_core::FeedPage<Group> = feed::page(&db.store, Feed::Groups, None)
            .await
            .expect("page");
        let cursor: Cursor = page.cursor.parse().expect("cursor");
        let mut store = db.store.clone();
        let old = store.epoch().to_string();
        let new = store.renew_epoch().await.expect("renew");
        assert_ne!(new, old, "{}", db.name);
        assert_eq!(store.epoch(), new);
        let page: tsunagari_core::FeedPage<Group> = feed::page(&store, Feed::Groups, Some(&cursor))
            .await
            .expect("page");
        assert!(page.reset, "{}: an old cursor resets", db.name);
        assert_eq!(page.items.len(), 3, "{}", db.name);
        if db.name == "sqlite" {
            store.close().await;
            let reopened = Store::open_sqlite(db.dir.path()).await.expect("reopen");
            assert_eq!(reopened.epoch(), new, "stored");
        }
    }
}
