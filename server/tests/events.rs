//! The events feed: storage, the API, `/calendar.ics`, CSV import/export.
//! SQLite always; PostgreSQL too when `TEST_DATABASE_URL` is set.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{TestDb, databases, event_with_readings, get, group, router, send};
use tsunagari_core::ical::parse_ics;
use tsunagari_core::{
    Cursor, Date, DirectorySeed, Event, EventCategory, EventDate, FeedPage, Time,
};
use tsunagari_server::{Feed, app, events, groups};

fn d(s: &str) -> Date {
    s.parse().expect("test date")
}

fn t(s: &str) -> Time {
    s.parse().expect("test time")
}

fn event(id: &str, title: &str, start: EventDate, category: EventCategory) -> Event {
    let mut e = Event::new(id, title, start, category);
    e.place = "金沢未来のまち創造館".into();
    e
}

/// Four events around April 2025:
/// - `hanami`: 2025-03-30 – 2025-04-02, all day, festival, by porepore;
/// - `koza`: 2025-04-15 10:00–12:00, workshop, by porepore;
/// - `salon`: 2025-04-15 all day, salon, by machiya;
/// - `may`: 2025-05-01 18:30, exchange, no group.
fn sample() -> Vec<Event> {
    let mut hanami = event(
        "hanami",
        "お花見まつり",
        EventDate::all_day(d("2025-03-30")),
        EventCategory::Festival,
    );
    hanami.end = Some(EventDate::all_day(d("2025-04-02")));
    hanami.organiser_group_id = Some("porepore".into());
    let mut koza = event(
        "koza",
        "防災講座",
        EventDate::at(d("2025-04-15"), t("10:00")),
        EventCategory::Workshop,
    );
    koza.end = Some(EventDate::at(d("2025-04-15"), t("12:00")));
    koza.organiser_group_id = Some("porepore".into());
    let mut salon = event(
        "salon",
        "まちかどサロン",
        EventDate::all_day(d("2025-04-15")),
        EventCategory::Salon,
    );
    salon.organiser_group_id = Some("machiya".into());
    let may = event(
        "may",
        "五月の交流会",
        EventDate::at(d("2025-05-01"), t("18:30")),
        EventCategory::Exchange,
    );
    vec![hanami, koza, salon, may]
}

async fn with_sample(db: &TestDb) {
    let summary = events::upsert(&db.store, &sample()).await.expect("upsert");
    assert_eq!(summary.added, 4, "{}", db.name);
}

fn feed_page(answer: &common::Answer) -> FeedPage<Event> {
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    serde_json::from_slice(&answer.body).expect("a FeedPage<Event>")
}

fn event_list(answer: &common::Answer) -> Vec<String> {
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let events: Vec<Event> = serde_json::from_slice(&answer.body).expect("a Vec<Event>");
    events.into_iter().map(|e| e.id).collect()
}

fn sorted_ids(page: &FeedPage<Event>) -> Vec<&str> {
    let mut ids: Vec<&str> = page.items.iter().map(|e| e.id.as_str()).collect();
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn feed_full_delta_and_tombstones() {
    for db in databases().await {
        with_sample(&db).await;
        let app = router(&db);

        let full = feed_page(&get(&app, "/api/events").await);
        assert!(full.reset && full.deleted.is_empty(), "{}", db.name);
        assert_eq!(sorted_ids(&full), ["hanami", "koza", "may", "salon"]);
        assert_eq!(
            full.items.iter().find(|e| e.id == "koza"),
            sample().get(1).cloned().map(event_with_readings).as_ref(),
            "{}",
            db.name
        );
        let cursor: Cursor = full.cursor.parse().expect("cursor");
        assert_eq!((cursor.epoch.as_str(), cursor.seq), (db.store.epoch(), 4));

        let none = feed_page(&get(&app, &format!("/api/events?since={}", full.cursor)).await);
        assert!(!none.reset && none.items.is_empty() && none.deleted.is_empty());
        assert_eq!(none.cursor, full.cursor);

        // Change koza, leave the others, delete salon.
        let mut changed = sample();
        changed[1].title = "防災講座（第2回）".into();
        let summary = events::upsert(&db.store, &changed).await.expect("upsert");
        assert_eq!(
            (summary.added, summary.updated, summary.unchanged),
            (0, 1, 3)
        );
        assert!(
            db.store
                .tombstone(Feed::Events, "salon")
                .await
                .expect("tombstone")
        );

        let delta = feed_page(&get(&app, &format!("/api/events?since={}", full.cursor)).await);
        assert!(!delta.reset, "{}", db.name);
        assert_eq!(sorted_ids(&delta), ["koza"]);
        assert_eq!(delta.items[0].title, "防災講座（第2回）");
        assert_eq!(delta.deleted, ["salon"]);
        assert_eq!(delta.cursor.parse::<Cursor>().expect("cursor").seq, 6);

        // Another epoch, or a cursor ahead of the counter: a full snapshot.
        for since in [
            "0123456789abcdef.2".to_string(),
            format!("{}.99", db.store.epoch()),
        ] {
            let reset = feed_page(&get(&app, &format!("/api/events?since={since}")).await);
            assert!(reset.reset, "{}: {since}", db.name);
            assert_eq!(sorted_ids(&reset), ["hanami", "koza", "may"]);
        }
        assert_eq!(
            get(&app, "/api/events?since=nonsense")
                .await
                .api_error(StatusCode::BAD_REQUEST),
            "bad_cursor"
        );

        // One event, or 404 (also once deleted).
        let one = get(&app, "/api/events/hanami").await;
        assert_eq!(one.status, StatusCode::OK);
        assert_eq!(one.header("cache-control"), Some("no-store"));
        let hanami: Event = serde_json::from_slice(&one.body).expect("an Event");
        assert_eq!(
            Some(&hanami),
            sample().first().cloned().map(event_with_readings).as_ref()
        );
        for missing in ["/api/events/salon", "/api/events/nope"] {
            assert_eq!(
                get(&app, missing).await.api_error(StatusCode::NOT_FOUND),
                "not_found"
            );
        }
        assert_eq!(events::count(&db.store).await.expect("count"), 3);
    }
}

#[tokio::test]
async fn date_windows() {
    for db in databases().await {
        with_sample(&db).await;
        let app = router(&db);
        let window = |q: &str| {
            let app = app.clone();
            let uri = format!("/api/events?{q}");
            async move { get(&app, &uri).await }
        };

        // hanami spans 03-30..04-02: it is in April; all-day before timed.
        let april = window("from=2025-04-01&to=2025-04-30").await;
        assert_eq!(april.header("cache-control"), Some("no-store"));
        assert_eq!(
            event_list(&april),
            ["hanami", "salon", "koza"],
            "{}",
            db.name
        );
        assert_eq!(
            event_list(&window("from=2025-04-02&to=2025-04-02").await),
            ["hanami"]
        );
        assert_eq!(
            event_list(&window("from=2025-03-31&to=2025-03-31").await),
            ["hanami"]
        );
        assert!(event_list(&window("from=2025-04-03&to=2025-04-14").await).is_empty());
        // Open-ended.
        assert_eq!(
            event_list(&window("from=2025-04-15").await),
            ["salon", "koza", "may"]
        );
        assert_eq!(event_list(&window("to=2025-03-30").await), ["hanami"]);
        // Exactly 366 days is allowed.
        assert_eq!(
            event_list(&window("from=2024-05-01&to=2025-05-01").await).len(),
            4
        );

        for bad in [
            "from=2025-4-1",
            "from=2025-02-30",
            "to=tomorrow",
            "from=",
            "from=2025-04-30&to=2025-04-01",
            "from=2025-01-01&to=2026-01-02",
            "from=2025-04-01&since=x",
            "since=x&to=2025-04-01",
            "from=2025-04-01&from=2025-04-02",
            "from=2025-04-01&month=4",
        ] {
            let answer = window(bad).await;
            assert_eq!(
                answer.api_error(StatusCode::BAD_REQUEST),
                "bad_query",
                "{bad}"
            );
            assert_eq!(answer.header("cache-control"), Some("no-store"));
        }
    }
}

#[tokio::test]
async fn calendar_ics() {
    for db in databases().await {
        with_sample(&db).await;
        // A real dist with index.html: /calendar.ics must not be the SPA.
        let dist = db.dir.path().join("dist");
        std::fs::create_dir_all(&dist).expect("dist");
        std::fs::write(dist.join("index.html"), "<!doctype html><title>app</title>")
            .expect("index.html");
        let app = app(common::state(&db, &dist));

        let all = get(&app, "/calendar.ics").await;
        assert_eq!(all.status, StatusCode::OK, "{}", db.name);
        assert_eq!(
            all.header("content-type"),
            Some("text/calendar; charset=utf-8")
        );
        assert_eq!(
            all.header("content-disposition"),
            Some("inline; filename=\"tsunagari.ics\"")
        );
        assert_eq!(all.header("cache-control"), Some("no-cache"));
        let text = String::from_utf8(all.body.clone()).expect("UTF-8");
        assert!(text.contains("X-WR-CALNAME:つながり 金沢 協働のまちづくり"));
        assert!(text.contains("DTSTAMP:"));
        let parsed = parse_ics(&text).expect("parses back");
        let mut uids: Vec<&str> = parsed.iter().map(|e| e.uid.as_str()).collect();
        uids.sort_unstable();
        assert_eq!(
            uids,
            [
                "hanami@tsunagari.kanazawa",
                "koza@tsunagari.kanazawa",
                "may@tsunagari.kanazawa",
                "salon@tsunagari.kanazawa"
            ]
        );
        let koza = parsed
            .iter()
            .find(|e| e.uid.starts_with("koza@"))
            .expect("koza");
        assert_eq!(koza.summary, "防災講座");

        let uids_of = |uri: &'static str| {
            let app = app.clone();
            async move {
                let answer = get(&app, uri).await;
                assert_eq!(answer.status, StatusCode::OK, "{uri}");
                let text = String::from_utf8(answer.body).expect("UTF-8");
                let mut uids: Vec<String> = parse_ics(&text)
                    .expect("parses")
                    .into_iter()
                    .map(|e| e.uid)
                    .collect();
                uids.sort_unstable();
                uids
            }
        };
        assert_eq!(
            uids_of("/calendar.ics?group=porepore").await,
            ["hanami@tsunagari.kanazawa", "koza@tsunagari.kanazawa"]
        );
        assert_eq!(
            uids_of("/calendar.ics?category=salon").await,
            ["salon@tsunagari.kanazawa"]
        );
        assert_eq!(
            uids_of("/calendar.ics?group=porepore&category=festival").await,
            ["hanami@tsunagari.kanazawa"]
        );
        assert!(uids_of("/calendar.ics?group=nobody").await.is_empty());

        for bad in [
            "/calendar.ics?category=party",
            "/calendar.ics?category=",
            "/calendar.ics?colour=red",
            "/calendar.ics?group=a&group=b",
        ] {
            let answer = get(&app, bad).await;
            assert_eq!(
                answer.api_error(StatusCode::BAD_REQUEST),
                "bad_query",
                "{bad}"
            );
        }
        let post = send(
            &app,
            Request::post("/calendar.ics")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
        assert_eq!(
            post.api_error(StatusCode::METHOD_NOT_ALLOWED),
            "method_not_allowed"
        );
    }
}

#[tokio::test]
async fn invalid_events_are_refused_whole() {
    for db in databases().await {
        let mut events = sample();
        events[2].end = Some(EventDate::all_day(d("2025-04-01")));
        let error = events::upsert(&db.store, &events)
            .await
            .expect_err("refused");
        let message = error.to_string();
        assert!(
            message.contains("salon") && message.contains("ends before it starts"),
            "{message}"
        );
        assert!(db.store.is_empty(Feed::Events).await.expect("count"));
        let twice = [sample()[0].clone(), sample()[0].clone()];
        assert!(events::upsert(&db.store, &twice).await.is_err());
        assert!(db.store.is_empty(Feed::Events).await.expect("count"));
    }
}

const CSV: &str = "\
NO,イベント名,開始日,終了日,開始時間,終了時間,場所名称,主催者,説明
spring-fes,春のまちなかまつり,2025-04-05,2025-04-06,,,木倉町広場,町家の会,屋台と音楽
bad-row,日付のないイベント,2025-13-01,,,,広坂,,
salon-1,子育てサロン,2025-04-20,,10:00,12:00,泉野公民館,だれかの会,
";

#[tokio::test]
async fn csv_import_is_idempotent_and_links_organisers() {
    for db in databases().await {
        groups::import(
            &db.store,
            &DirectorySeed {
                groups: vec![group("machiya", "町家の会"), group("hoshi", "星空クラブ")],
            },
        )
        .await
        .expect("groups");

        let first = events::import_csv(&db.store, CSV.as_bytes())
            .await
            .expect("import");
        assert_eq!(first.report.errors.len(), 1, "{:?}", first.report.errors);
        assert_eq!(first.report.errors[0].line, 3);
        assert!(first.report.errors[0].reason.contains("開始日"));
        assert_eq!(
            first.summary_line(),
            "2 added, 0 updated, 0 unchanged, 1 bad rows",
            "{}",
            db.name
        );
        assert_eq!(first.linked, 1);
        let fes = events::get(&db.store, "spring-fes")
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(fes.organiser_group_id.as_deref(), Some("machiya"));
        assert_eq!(fes.last_day(), d("2025-04-06"));
        let salon = events::get(&db.store, "salon-1")
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(salon.organiser_group_id, None);
        assert_eq!(salon.start, EventDate::at(d("2025-04-20"), t("10:00")));
        assert!(
            events::get(&db.store, "bad-row")
                .await
                .expect("read")
                .is_none()
        );

        let second = events::import_csv(&db.store, CSV.as_bytes())
            .await
            .expect("import");
        assert_eq!(
            second.summary_line(),
            "0 added, 0 updated, 2 unchanged, 1 bad rows",
            "{}",
            db.name
        );

        let nothing = events::import_csv(&db.store, "a,b\n1,2\n".as_bytes())
            .await
            .expect("read");
        assert!(nothing.summary.is_none());
        assert_eq!(events::count(&db.store).await.expect("count"), 2);
    }
}

#[tokio::test]
async fn export_then_import_keeps_the_events() {
    for db in databases().await {
        let mut rich = sample();
        rich[0].address = "石川県金沢市広坂1-1-1".into();
        rich[0].lat = Some(36.5613);
        rich[0].lon = Some(136.6562);
        rich[1].capacity = Some(30);
        rich[1].fee = "無料".into();
        rich[1].url = "https://example.jp/koza".into();
        rich[3].organiser = "金沢市".into();
        // Linked events name their organiser as the directory does, except
        // salon, whose link the CSV cannot carry (kept on re-import only).
        rich[0].organiser = "地域支援センター「ポレポレ」".into();
        rich[1].organiser = "地域支援センター「ポレポレ」".into();
        rich[2].organiser = "まちや".into();
        groups::import(&db.store, &common::small_seed())
            .await
            .expect("groups");
        events::upsert(&db.store, &rich).await.expect("upsert");
        let csv = events::export_csv(&db.store, &common::kanazawa())
            .await
            .expect("export");
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.contains("172014,") && csv.contains("石川県,金沢市"));

        let fresh = databases().await.into_iter().next().expect("sqlite");
        groups::import(&fresh.store, &common::small_seed())
            .await
            .expect("groups");
        let imported = events::import_csv(&fresh.store, csv.as_bytes())
            .await
            .expect("import");
        assert!(
            imported.report.errors.is_empty(),
            "{:?}",
            imported.report.errors
        );
        assert_eq!(
            imported.summary_line(),
            "4 added, 0 updated, 0 unchanged, 0 bad rows"
        );
        let before = events::all(&db.store).await.expect("read");
        let after = events::all(&fresh.store).await.expect("read");
        let mut expected = before.clone();
        for e in expected.iter_mut().filter(|e| e.id == "salon") {
            e.organiser_group_id = None; // "まちや" is no group's name
        }
        assert_eq!(after, expected, "{}", db.name);
        // Importing the export into the same database changes nothing,
        // salon's link included.
        let again = events::import_csv(&db.store, csv.as_bytes())
            .await
            .expect("import");
        assert_eq!(
            again.summary_line(),
            "0 added, 0 updated, 4 unchanged, 0 bad rows",
            "{}",
            db.name
        );
        assert_eq!(events::all(&db.store).await.expect("read"), before);
    }
}

#[tokio::test]
async fn a_failed_write_leaves_nothing_half_imported() {
    let db = databases().await.into_iter().next().expect("sqlite");
    assert_eq!(db.name, "sqlite");
    // A second connection to the same file adds a trigger that fails the
    // insert of `salon-1`, the second good row of the CSV.
    let url = format!(
        "sqlite:{}",
        db.dir.path().join("tsunagari.sqlite").display()
    );
    let pool = sqlx::SqlitePool::connect(&url).await.expect("connect");
    sqlx::query(
        "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.id = 'salon-1' \
         BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
    )
    .execute(&pool)
    .await
    .expect("trigger");
    pool.close().await;

    let error = events::import_csv(&db.store, CSV.as_bytes())
        .await
        .expect_err("the write fails");
    assert!(error.to_string().contains("refused by the test"), "{error}");
    assert!(db.store.is_empty(Feed::Events).await.expect("count"));
    let full = feed_page(&get(&router(&db), "/api/events").await);
    assert_eq!(full.cursor.parse::<Cursor>().expect("cursor").seq, 0);
}

#[tokio::test]
async fn the_real_demo_events_seed_once() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/events.json");
    let seed = events::load_seed(&path).expect("data/events.json");
    for db in databases().await {
        let summary = events::seed_if_empty(&db.store, &path)
            .await
            .expect("seed")
            .expect("first start loads it");
        assert_eq!(summary.added, seed.events.len(), "{}", db.name);
        assert!(summary.added > 0);
        let stored = events::all(&db.store).await.expect("read");
        for event in &seed.events {
            assert!(
                stored.contains(&event_with_readings(event.clone())),
                "{}",
                event.id
            );
        }
        // Not again, even once everything is deleted.
        for event in &seed.events {
            db.store
                .tombstone(Feed::Events, &event.id)
                .await
                .expect("tombstone");
        }
        assert!(
            events::seed_if_empty(&db.store, &path)
                .await
                .expect("seed")
                .is_none()
        );
        // A missing file is not an error.
        let fresh = databases().await.into_iter().next().expect("sqlite");
        let missing = fresh.dir.path().join("nope.json");
        assert!(
            events::seed_if_empty(&fresh.store, &missing)
                .await
                .expect("a warning only")
                .is_none()
        );
    }
}

#[tokio::test]
async fn synthetic_events_fill_in_one_go() {
    for db in databases().await {
        groups::import(&db.store, &common::small_seed())
            .await
            .expect("groups");
        let summary = events::fill_synthetic(&db.store, 300).await.expect("fill");
        assert_eq!(summary.added, 300, "{}", db.name);
        let again = events::fill_synthetic(&db.store, 300).await.expect("fill");
        assert_eq!(again.unchanged, 300);
        let all = events::all(&db.store).await.expect("read");
        assert!(
            all.iter()
                .any(|e| e.organiser_group_id.as_deref() == Some("porepore"))
        );
        assert!(all.windows(2).all(|w| w[0].start <= w[1].start));
    }
}
