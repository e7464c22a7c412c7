//! Storage on SQLite (always) and PostgreSQL (with TEST_DATABASE_URL).

mod common;

use common::{databases, group, small_seed};
use tsunagari_core::DirectorySeed;
use tsunagari_server::groups;
use tsunagari_server::store::{Feed, ImportSummary, Store};

fn summary(added: usize, updated: usize, removed: usize, unchanged: usize) -> ImportSummary {
    ImportSummary {
        added,
        updated,
        removed,
        unchanged,
    }
}

#[tokio::test]
async fn imports_count_and_number_their_changes() {
    for db in databases().await {
        let s = &db.store;
        assert!(s.is_empty(Feed::Groups).await.expect("is_empty"));
        let seed = small_seed();
        assert_eq!(
            groups::import(s, &seed).await.expect("import"),
            summary(3, 0, 0, 0)
        );
        assert_eq!(
            groups::import(s, &seed).await.expect("again"),
            summary(0, 0, 0, 3)
        );
        let before = s.snapshot(Feed::Groups).await.expect("snapshot");
        assert_eq!(before.seq, 3, "{}", db.name);

        let mut next = seed.clone();
        next.groups.retain(|g| g.id != "hoshi");
        next.groups[0].reading = Some("ぽれぽれ".into());
        next.groups.push(group("new", "新しい会"));
        assert_eq!(
            groups::import(s, &next).await.expect("import"),
            summary(1, 1, 1, 1)
        );

        let changes = s.changes_since(Feed::Groups, 3).await.expect("changes");
        assert_eq!(changes.seq, 6, "{}", db.name);
        let seqs: Vec<i64> = changes.rows.iter().map(|r| r.seq).collect();
        assert_eq!(
            seqs,
            [4, 5, 6],
            "{}: one number per change, in order",
            db.name
        );
        let mut got: Vec<(&str, bool)> = changes
            .rows
            .iter()
            .map(|r| (r.id.as_str(), r.deleted))
            .collect();
        got.sort();
        assert_eq!(got, [("hoshi", true), ("new", false), ("porepore", false)]);

        // A tombstoned id that comes back is added again.
        assert_eq!(
            groups::import(s, &seed).await.expect("back"),
            summary(1, 1, 1, 1)
        );
        assert_eq!(groups::count(s).await.expect("count"), 3);
        assert!(!s.is_empty(Feed::Groups).await.expect("is_empty"));
        s.close().await;
    }
}

#[tokio::test]
async fn tombstones() {
    for db in databases().await {
        let s = &db.store;
        groups::import(s, &small_seed()).await.expect("import");
        assert!(groups::delete(s, "machiya").await.expect("delete"));
        assert!(
            !groups::delete(s, "machiya").await.expect("twice"),
            "{}",
            db.name
        );
        assert!(!groups::delete(s, "nobody").await.expect("unknown"));
        assert_eq!(groups::get(s, "machiya").await.expect("get"), None);
        assert!(groups::get(s, "hoshi").await.expect("get").is_some());
        let changes = s.changes_since(Feed::Groups, 3).await.expect("changes");
        assert_eq!(changes.seq, 4, "refusals take no number");
        assert_eq!(changes.rows.len(), 1);
        assert!(changes.rows[0].deleted);
        // Importing with the group gone changes nothing more.
        let mut without = small_seed();
        without.groups.retain(|g| g.id != "machiya");
        assert_eq!(
            groups::import(s, &without).await.expect("import"),
            summary(0, 0, 0, 2)
        );
        s.close().await;
    }
}

#[tokio::test]
async fn bad_directory_files_change_nothing() {
    for db in databases().await {
        let s = &db.store;
        groups::import(s, &small_seed()).await.expect("import");
        for bad in [
            DirectorySeed {
                groups: vec![group("a", "x"), group("a", "y")],
            },
            DirectorySeed {
                groups: vec![group("a.js", "x")],
            },
            DirectorySeed {
                groups: vec![group("", "x")],
            },
        ] {
            assert!(groups::import(s, &bad).await.is_err(), "{}", db.name);
        }
        assert_eq!(s.snapshot(Feed::Groups).await.expect("snapshot").seq, 3);
        s.close().await;
    }
}

#[tokio::test]
async fn concurrent_writers_get_distinct_ordered_numbers() {
    for db in databases().await {
        groups::import(&db.store, &small_seed())
            .await
            .expect("import");
        let mut tasks = Vec::new();
        for i in 0..8 {
            let store = db.store.clone();
            tasks.push(tokio::spawn(async move {
                let mut seed = small_seed();
                seed.groups.push(group(&format!("g{i}"), "並行"));
                groups::import(&store, &seed).await
            }));
        }
        for t in tasks {
            t.await.expect("task").expect("import");
        }
        let changes = db
            .store
            .changes_since(Feed::Groups, 0)
            .await
            .expect("changes");
        let mut seqs: Vec<i64> = changes.rows.iter().map(|r| r.seq).collect();
        let n = seqs.len();
        seqs.dedup();
        assert_eq!(seqs.len(), n, "{}: no number used twice", db.name);
        assert!(seqs.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(changes.seq, *seqs.last().expect("rows"));
        // Each import adds its own group and tombstones the previous one's.
        assert_eq!(
            groups::count(&db.store).await.expect("count"),
            4,
            "{}",
            db.name
        );
        db.store.close().await;
    }
}

#[tokio::test]
async fn the_epoch_is_made_once_and_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = Store::open_sqlite(dir.path()).await.expect("open");
    let epoch = first.epoch().to_string();
    assert_eq!(epoch.len(), 16);
    assert!(epoch.chars().all(|c| c.is_ascii_hexdigit()));
    groups::import(&first, &small_seed()).await.expect("import");
    first.close().await;

    let again = Store::open_sqlite(dir.path()).await.expect("reopen");
    assert_eq!(again.epoch(), epoch);
    assert_eq!(again.snapshot(Feed::Groups).await.expect("snapshot").seq, 3);
    again.close().await;

    let other = tempfile::tempdir().expect("temp dir");
    let fresh = Store::open_sqlite(other.path()).await.expect("open");
    assert_ne!(fresh.epoch(), epoch);
    fresh.close().await;

    for db in databases().await {
        assert_eq!(db.store.epoch().len(), 16, "{}", db.name);
    }
}

#[tokio::test]
async fn schema_names_are_checked() {
    let err = Store::open_postgres("postgres://nobody@127.0.0.1:1/x", Some("x; DROP"))
        .await
        .expect_err("refused before connecting");
    assert!(err.to_string().contains("schema"), "{err}");
}
