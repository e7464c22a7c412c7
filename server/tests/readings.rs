//! Readings of kanji words in the feeds: computed at import (the demo seed,
//! the open-data CSV, a directory file) and added at start-up to data
//! stored before them. On SQLite, and on PostgreSQL with `TEST_DATABASE_URL`.

mod common;

use common::{databases, get, group, router};
use tsunagari_core::{Event, FeedPage, Group};
use tsunagari_server::{Feed, events, groups};

fn data(file: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data")
        .join(file)
}

fn find<'a, T>(items: &'a [T], id: &str, id_of: fn(&T) -> &str) -> &'a T {
    items
        .iter()
        .find(|x| id_of(x) == id)
        .unwrap_or_else(|| panic!("no {id} in the feed"))
}

#[tokio::test]
async fn the_demo_feeds_carry_readings_of_kanji_words() {
    for db in databases().await {
        groups::seed_if_empty(&db.store, &data("groups.json"))
            .await
            .expect("seed groups")
            .expect("first start");
        events::seed_if_empty(&db.store, &data("events.json"))
            .await
            .expect("seed events")
            .expect("first start");
        let app = router(&db);
        let answer = get(&app, "/api/groups").await;
        let page: FeedPage<Group> = serde_json::from_slice(&answer.body).expect("a feed page");
        let g = |id| find(&page.items, id, |g: &Group| g.id.as_str());

        // 子育て in nijinowa's text, 障害 in porepore's, 兼六園 in the
        // research group's, 四十万 in minna-no-hatake's.
        for (id, word, reading) in [
            ("nijinowa", "子育て", "こそだて"),
            ("porepore", "障害", "しょうがい"),
            ("kanazawajo-kenrokuen", "兼六園", "けんろくえん"),
            ("minna-no-hatake", "四十万", "しじま"),
        ] {
            let group = g(id);
            let text = format!("{}\n{}", group.description, group.activities.join("\n"));
            assert!(text.contains(word), "{}: {id}", db.name);
            assert!(
                group.body_reading.contains(reading),
                "{}: {id}: {:?}",
                db.name,
                group.body_reading
            );
        }
        assert!(!g("minna-no-hatake").body_reading.contains("よんじゅうまん"));
        // The seed's own name readings are kept.
        assert_eq!(
            g("shijima-kizuna-chokai").reading.as_deref(),
            Some("しじまきずなちょうかい")
        );
        // Every group with a kanji in its text has a body reading, one
        // line per line of text, none across two.
        for group in &page.items {
            assert!(!group.body_reading.is_empty(), "{}", group.id);
            assert!(
                group.body_reading.lines().count()
                    <= group.description.lines().count() + group.activities.len(),
                "{}",
                group.id
            );
        }

        let answer = get(&app, "/api/events").await;
        let page: FeedPage<Event> = serde_json::from_slice(&answer.body).expect("a feed page");
        let e = find(
            &page.items,
            "kanazawajo-kenrokuen-anoshu-no-sato-2025",
            |e: &Event| e.id.as_str(),
        );
        assert!(
            e.body_reading.contains("けんろくえん"),
            "{:?}",
            e.body_reading
        );
        let e = find(
            &page.items,
            "machinaka-gakusei-matsuri-2021",
            |e: &Event| e.id.as_str(),
        );
        assert!(
            e.body_reading.contains("きぐらまちひろば"),
            "{:?}",
            e.body_reading
        );
        assert_eq!(e.reading.as_deref(), Some("まちなかがくせいまつり"));
    }
}

const CSV: &str = "\
NO,イベント名,開始日,終了日,開始時間,終了時間,場所名称,主催者,説明
salon-1,子育てサロン,2025-04-20,,10:00,12:00,四十万公民館,だれかの会,障害のある子もない子も
walk-1,兼六園さんぽ,2025-05-01,,,,兼六園,,
kana-1,おはなしかい,2025-05-02,,,,ひろば,,
";

#[tokio::test]
async fn an_imported_csv_event_gets_readings_of_its_title_and_place() {
    for db in databases().await {
        let imported = events::import_csv(&db.store, CSV.as_bytes())
            .await
            .expect("import");
        assert_eq!(imported.summary.map(|s| s.added), Some(3), "{}", db.name);
        let salon = events::get(&db.store, "salon-1")
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(salon.reading.as_deref(), Some("こそだてさろん"));
        assert_eq!(
            salon.body_reading,
            "しじまこうみんかん\nだれかのかい\nしょうがいのあるこもないこも"
        );
        let walk = events::get(&db.store, "walk-1")
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(walk.reading.as_deref(), Some("けんろくえんさんぽ"));
        assert_eq!(walk.body_reading, "けんろくえん");
        // All kana: nothing to add.
        let kana = events::get(&db.store, "kana-1")
            .await
            .expect("read")
            .expect("stored");
        assert_eq!((kana.reading, kana.body_reading), (None, String::new()));

        // The same file again changes nothing.
        let again = events::import_csv(&db.store, CSV.as_bytes())
            .await
            .expect("import");
        assert_eq!(again.summary.map(|s| s.unchanged), Some(3), "{}", db.name);
    }
}

#[tokio::test]
async fn data_stored_before_readings_gets_them_once() {
    for db in databases().await {
        // Stored as an older server stored them: no readings.
        let mut old = group("ikuji", "育児の会");
        old.description = "子育ての相談".into();
        old.activities = vec!["兼六園の清掃".into()];
        let kana = group("kana", "かなの会");
        let body = |g: &Group| (g.id.clone(), serde_json::to_value(g).expect("json"));
        db.store
            .upsert(Feed::Groups, &[body(&old), body(&kana)])
            .await
            .expect("store");
        let event: Event = serde_json::from_value(serde_json::json!({
            "id": "e1", "title": "子育てサロン", "start": {"date": "2025-04-20"},
            "place": "四十万", "category": "other"
        }))
        .expect("event");
        db.store
            .upsert(
                Feed::Events,
                &[(
                    event.id.clone(),
                    serde_json::to_value(&event).expect("json"),
                )],
            )
            .await
            .expect("store");

        let filled = groups::fill_missing_readings(&db.store)
            .await
            .expect("fill");
        // かなの会 has kanji (会), so it gets readings too.
        assert_eq!((filled.updated, filled.unchanged), (2, 0), "{}", db.name);
        let stored = groups::get(&db.store, "ikuji")
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(stored.reading.as_deref(), Some("いくじのかい"));
        assert_eq!(
            stored.body_reading,
            "こそだてのそうだん\nけんろくえんのせいそう"
        );
        let filled = events::fill_missing_readings(&db.store)
            .await
            .expect("fill");
        assert_eq!(filled.updated, 1, "{}", db.name);
        let stored = events::get(&db.store, "e1")
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(stored.reading.as_deref(), Some("こそだてさろん"));
        assert_eq!(stored.body_reading, "しじま");

        // Nothing lacks readings now: nothing is written.
        let again = groups::fill_missing_readings(&db.store)
            .await
            .expect("fill");
        assert_eq!((again.added, again.updated), (0, 0));
        let again = events::fill_missing_readings(&db.store)
            .await
            .expect("fill");
        assert_eq!((again.added, again.updated), (0, 0));
    }
}

/// The figures in BENCHMARKS.md ("Readings"): `cargo test -p
/// tsunagari-server --test readings -- --ignored --nocapture measure`.
#[test]
#[ignore]
fn measure() {
    use std::io::Write as _;
    use std::time::Instant;

    let gzip = |bytes: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).expect("gzip");
        e.finish().expect("gzip").len()
    };
    let start = Instant::now();
    let readings = common::readings();
    println!("load (warm cache): {:.2?}", start.elapsed());

    let seed: tsunagari_core::DirectorySeed =
        serde_json::from_str(&std::fs::read_to_string(data("groups.json")).expect("read"))
            .expect("groups.json");
    let events = events::load_seed(&data("events.json")).expect("events.json");
    let start = Instant::now();
    let filled: Vec<Group> = seed
        .groups
        .iter()
        .cloned()
        .map(common::with_readings)
        .collect();
    let filled_events: Vec<Event> = events
        .events
        .iter()
        .cloned()
        .map(common::event_with_readings)
        .collect();
    println!(
        "demo data ({} groups, {} events): {:.2?}",
        filled.len(),
        filled_events.len(),
        start.elapsed()
    );
    for (what, before, after) in [
        (
            "groups",
            serde_json::to_vec(&seed.groups).expect("json"),
            serde_json::to_vec(&filled).expect("json"),
        ),
        (
            "events",
            serde_json::to_vec(&events.events).expect("json"),
            serde_json::to_vec(&filled_events).expect("json"),
        ),
    ] {
        println!(
            "demo {what} feed items: {} → {} bytes (+{}), gzip {} → {} (+{})",
            before.len(),
            after.len(),
            after.len() - before.len(),
            gzip(&before),
            gzip(&after),
            gzip(&after) - gzip(&before)
        );
    }

    let synthetic = tsunagari_core::synthetic::groups(10_000, 7);
    let start = Instant::now();
    let mut n = 0;
    for mut g in synthetic {
        readings.fill_group(&mut g);
        n += g.body_reading.len();
    }
    println!(
        "10,000 synthetic groups: {:.2?} ({n} bytes of body readings)",
        start.elapsed()
    );
}
