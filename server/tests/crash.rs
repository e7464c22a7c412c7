//! kill -9 in the middle of a burst of pushes: every push the server
//! answered 200 is there after a restart on the same database. SQLite
//! always; PostgreSQL too when `TEST_DATABASE_URL` is set.

mod common;
mod served;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use served::{Place, Server, push_new_draft};

/// Pushing threads; each its own client id and its own new drafts.
const THREADS: usize = 8;
/// Answered pushes before the kill (the threads keep pushing meanwhile).
const ANSWERED_BEFORE_KILL: usize = 60;

fn burst_then_kill(place: &Place) {
    let scratch = tempfile::tempdir().expect("temp dir");
    let server = Server::start(place, scratch.path());
    let token = server.member(place, "crash.member");
    let addr = server.addr.clone();

    // draft id -> its words, for every push answered 200 + applied.
    let answered: Arc<Mutex<BTreeMap<String, String>>> = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (addr, token) = (addr.clone(), token.clone());
            let (answered, count, killed) = (answered.clone(), count.clone(), killed.clone());
            std::thread::spawn(move || {
                let client = format!("crash-client-{t}");
                for n in 1u64.. {
                    let draft = format!("crash-{t}-{n:05}");
                    let words = format!("{t}番の端末の{n}回目の言葉。");
                    match push_new_draft(&addr, &token, &client, n, &draft, &words) {
                        Ok(true) => {
                            answered.lock().expect("lock").insert(draft, words);
                            count.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(false) => panic!("a push was refused before the kill"),
                        // The server is gone: the burst is over.
                        Err(_) if killed.load(Ordering::SeqCst) => return n,
                        Err(e) => panic!("no answer before the kill: {e}"),
                    }
                }
                unreachable!()
            })
        })
        .collect();

    while count.load(Ordering::SeqCst) < ANSWERED_BEFORE_KILL {
        std::thread::yield_now();
    }
    killed.store(true, Ordering::SeqCst);
    server.kill_9();
    let sent: u64 = threads
        .into_iter()
        .map(|t| t.join().expect("a pushing thread"))
        .sum();
    let answered = answered.lock().expect("lock").clone();
    assert!(answered.len() >= ANSWERED_BEFORE_KILL);
    assert!(
        sent as usize > answered.len(),
        "the kill came in the middle of the burst: {sent} sent, {} answered",
        answered.len()
    );

    let server = Server::start(place, scratch.path());
    let (drafts, _) = server.pull_all(&token, None);
    let stored: BTreeMap<String, String> = drafts
        .into_iter()
        .map(|d| (d.id.to_string(), d.proposal.purpose))
        .collect();
    for (draft, words) in &answered {
        assert_eq!(
            stored.get(draft),
            Some(words),
            "{draft} was answered 200 before the kill"
        );
    }
    server.stop();
}

#[test]
fn sqlite_keeps_every_answered_push() {
    let dir = tempfile::tempdir().expect("temp dir");
    burst_then_kill(&Place::sqlite(dir.path()));
}

#[test]
fn postgres_keeps_every_answered_push() {
    let Some(url) = served::postgres_place_url() else {
        eprintln!("TEST_DATABASE_URL is not set: PostgreSQL skipped");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    burst_then_kill(&Place {
        data_dir: dir.path().to_path_buf(),
        database_url: Some(url),
    });
}
