//! The public pages' first HTML: content from the store, the page file from
//! the one route table, head tags per page, everything escaped.

mod common;

use std::path::Path;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{databases, get, send, small_seed};
use tsunagari_core::routes::{Bundle, ROUTES};
use tsunagari_server::{Store, app, groups};

/// Each page as trunk writes it: its own start-up script, a title, a
/// description and the note for browsers without JavaScript.
fn page(script: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\" />\n\
<title>つながり — 金沢 協働のまちづくり</title>\n\
<meta name=\"description\" content=\"名簿\" />\n\
<script type=\"module\">{script}</script>\n</head>\n<body>\n\
<noscript><p>JavaScript</p></noscript>\n</body>\n</html>\n"
    )
}
const SHELL_SCRIPT: &str = "import init from '/shell.js';await init();";
const FULL_SCRIPT: &str = "import init from '/full.js';await init();";

fn write_dist(dir: &Path) {
    std::fs::write(dir.join("index.html"), page(SHELL_SCRIPT)).expect("write");
    std::fs::write(dir.join("app.html"), page(FULL_SCRIPT)).expect("write");
}

fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

const CSV: &str = "\
NO,イベント名,開始日,終了日,開始時間,終了時間,場所名称,主催者
hostile,<script>alert(1)</script> & \"まつり\",2030-04-05,,10:00,12:00,<img src=x onerror=alert(2)>,<b>会</b>
salon-1,子育てサロン,2025-04-20,,10:00,12:00,泉野公民館,
";

/// A data directory with the CSV's events imported by the command line
/// (`import-events`, as a city clerk runs it) and the small directory.
async fn imported() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let csv = dir.path().join("events.csv");
    std::fs::write(&csv, CSV).expect("write csv");
    let out = common::run_admin(&data, &["import-events", csv.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let store = Store::open_sqlite(&data).await.expect("open");
    groups::import(&store, &small_seed()).await.expect("seed");
    (dir, store)
}

fn router(store: &Store, dist: &Path) -> axum::Router {
    app(tsunagari_server::AppState {
        store: store.clone(),
        dist: dist.to_path_buf(),
        city_contacts: dist.join("no-contacts.json"),
        city: std::sync::Arc::new(common::kanazawa()),
    })
}

#[tokio::test]
async fn a_hostile_event_title_is_shown_as_text() {
    let (_dir, store) = imported().await;
    let dist = tempfile::tempdir().expect("dist");
    write_dist(dist.path());
    let app = router(&store, dist.path());
    for path in ["/events/hostile", "/events", "/calendar?m=2030-04"] {
        let answer = get(&app, path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        let html = text(&answer.body);
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;まつり&quot;"),
            "{path}: {html}"
        );
        assert!(!html.contains("<script>alert"), "{path}");
        assert!(!html.contains("<img src=x"), "{path}");
        // The only scripts are the page's own (the CSP's hashes hold).
        assert_eq!(html.matches("<script").count(), 1, "{path}");
    }
    let html = text(&get(&app, "/events/hostile").await.body);
    assert!(
        html.contains("&lt;img src=x onerror=alert(2)&gt;"),
        "{html}"
    );
    assert!(
        html.contains(
            "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;まつり&quot; | つながり</title>"
        ),
        "{html}"
    );
    assert!(
        html.contains("<meta property=\"og:title\" content=\"&lt;script&gt;alert(1)"),
        "{html}"
    );
}

#[tokio::test]
async fn pages_carry_their_content_title_and_link_preview() {
    let (_dir, store) = imported().await;
    let dist = tempfile::tempdir().expect("dist");
    write_dist(dist.path());
    let app = router(&store, dist.path());

    let html = text(&get(&app, "/groups/machiya").await.body);
    assert!(html.contains("<h1>町家の会</h1>"), "{html}");
    assert!(html.contains("<li>清掃</li>"), "activities: {html}");
    assert!(html.contains("data-testid=\"program-history\""), "{html}");
    assert!(
        html.contains("<title>町家の会 | つながり</title>"),
        "{html}"
    );
    assert!(html.contains("<meta name=\"description\" content=\"町家の会の活動\" />"));
    assert!(html.contains("<meta property=\"og:description\" content=\"町家の会の活動\" />"));
    assert!(
        html.contains("<meta property=\"og:url\" content=\"http://"),
        "{html}"
    );
    assert_eq!(html.matches("<title>").count(), 1);
    assert_eq!(html.matches("name=\"description\"").count(), 1);

    let html = text(&get(&app, "/").await.body);
    for name in ["地域支援センター「ポレポレ」", "町家の会", "星空クラブ"] {
        assert!(html.contains(name), "{name}: {html}");
    }
    assert!(html.contains("data-testid=\"group-link\" href=\"/groups/hoshi\""));
    assert!(html.contains("<p class=\"count\" aria-live=\"polite\">3件</p>"));

    let html = text(&get(&app, "/events/salon-1").await.body);
    assert!(html.contains("<h1>子育てサロン</h1>"), "{html}");
    assert!(html.contains("2025年4月20日(日) 10:00–12:00"), "{html}");
    assert!(html.contains("令和7年"), "和暦: {html}");
    assert!(html.contains("泉野公民館"));
    assert!(html.contains("<meta property=\"og:type\" content=\"article\" />"));

    let html = text(&get(&app, "/calendar?m=2025-04").await.body);
    assert!(html.contains("2025年4月"), "{html}");
    assert!(html.contains("子育てサロン"), "{html}");
}

#[tokio::test]
async fn english_readers_get_english_from_their_cookie() {
    let (_dir, store) = imported().await;
    let dist = tempfile::tempdir().expect("dist");
    write_dist(dist.path());
    let app = router(&store, dist.path());
    let req = Request::get("/events/salon-1")
        .header("cookie", "x=1; lang=en")
        .body(Body::empty())
        .expect("request");
    let answer = send(&app, req).await;
    let html = text(&answer.body);
    assert!(html.contains("<html lang=\"en\">"), "{html}");
    assert!(html.contains("Sun 20 Apr 2025 10:00–12:00"), "{html}");
    assert!(!html.contains("令和"), "{html}");
    assert_eq!(answer.header("vary"), Some("Cookie"));
}

#[tokio::test]
async fn the_home_page_shows_what_is_coming_and_the_groups_the_cookie_follows() {
    let (_dir, store) = imported().await;
    let dist = tempfile::tempdir().expect("dist");
    write_dist(dist.path());
    let app = router(&store, dist.path());
    // Without the cookie: the coming event (2030), not the past one (2025),
    // and no followed groups.
    let html = text(&get(&app, "/").await.body);
    assert!(html.contains("これからの予定"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)"), "{html}");
    assert!(
        !html.contains("子育てサロン"),
        "a past event is not coming: {html}"
    );
    assert!(!html.contains("home-followed"), "{html}");
    assert!(
        html.contains("href=\"/events/hostile\" rel=\"external\""),
        "event pages are the full app's: {html}"
    );
    let req = Request::get("/")
        .header("cookie", "lang=ja; follows=machiya|nope")
        .body(Body::empty())
        .expect("request");
    let html = text(&send(&app, req).await.body);
    assert!(html.contains("data-testid=\"home-followed\""), "{html}");
    assert!(html.contains("町家の会"), "{html}");
    assert!(html.contains("これからの予定はまだありません"), "{html}");
    // The group page's toggle says it is followed; another's does not.
    let req = Request::get("/groups/machiya")
        .header("cookie", "follows=machiya")
        .body(Body::empty())
        .expect("request");
    let html = text(&send(&app, req).await.body);
    assert!(html.contains("aria-pressed=\"true\""), "{html}");
    let html = text(&get(&app, "/groups/hoshi").await.body);
    assert!(html.contains("aria-pressed=\"false\""), "{html}");
    // `/groups` stays the plain directory.
    let html = text(&get(&app, "/groups").await.body);
    assert!(!html.contains("これからの予定"), "{html}");
}

#[tokio::test]
async fn a_past_event_says_it_has_ended_and_the_agenda_leads_to_it() {
    let (_dir, store) = imported().await;
    let dist = tempfile::tempdir().expect("dist");
    write_dist(dist.path());
    let app = router(&store, dist.path());
    let html = text(&get(&app, "/events/salon-1").await.body);
    assert!(html.contains("終了しました"), "{html}");
    assert!(!html.contains("ics-download"), "{html}");
    let html = text(&get(&app, "/events/hostile").await.body);
    assert!(!html.contains("終了しました"), "{html}");
    assert!(html.contains("ics-download"), "{html}");
    let html = text(&get(&app, "/events?past=1").await.body);
    assert!(html.contains("子育てサロン"), "{html}");
    assert!(html.contains("href=\"/calendar.ics\""), "{html}");
}

#[tokio::test]
async fn unknown_groups_and_events_are_404_pages_with_content() {
    let (_dir, store) = imported().await;
    let dist = tempfile::tempdir().expect("dist");
    write_dist(dist.path());
    let app = router(&store, dist.path());
    let answer = get(&app, "/groups/nope").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let html = text(&answer.body);
    assert!(
        html.contains("お探しの団体は見つかりませんでした"),
        "{html}"
    );
    assert!(
        html.contains(SHELL_SCRIPT),
        "the shell still starts: {html}"
    );
    assert!(
        answer
            .header("content-security-policy")
            .is_some_and(|c| c.contains("sha256-"))
    );
    let answer = get(&app, "/events/nope").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(text(&answer.body).contains("お探しのイベントは見つかりませんでした"));
}

#[tokio::test]
async fn each_routes_page_comes_from_the_route_table() {
    let db = databases().await.remove(0);
    groups::import(&db.store, &small_seed())
        .await
        .expect("seed");
    let dist = tempfile::tempdir().expect("dist");
    write_dist(dist.path());
    let app = app(common::state(&db, dist.path()));
    for route in ROUTES {
        let path = route.pattern.replace(":id", "porepore");
        let answer = get(&app, &path).await;
        let html = text(&answer.body);
        let (mine, other) = match route.bundle {
            Bundle::Shell => (SHELL_SCRIPT, FULL_SCRIPT),
            Bundle::Full => (FULL_SCRIPT, SHELL_SCRIPT),
        };
        assert!(html.contains(mine), "{path}: {html}");
        assert!(!html.contains(other), "{path}");
        let public = tsunagari_core::routes::Page::from_path(&path).is_public();
        assert_eq!(html.contains("id=\"ssr\""), public, "{path}");
    }
    // No route: the not-found page's bundle.
    let html = text(&get(&app, "/nope").await.body);
    assert!(html.contains(FULL_SCRIPT));
}

#[tokio::test]
async fn a_page_costs_a_few_milliseconds() {
    let (_dir, store) = imported().await;
    let dist = tempfile::tempdir().expect("dist");
    write_dist(dist.path());
    let app = router(&store, dist.path());
    get(&app, "/").await; // the first fills the cache
    let start = std::time::Instant::now();
    for _ in 0..20 {
        assert_eq!(get(&app, "/groups/porepore").await.status, StatusCode::OK);
    }
    let each = start.elapsed() / 20;
    // Generous for a debug build on a shared machine.
    assert!(each.as_millis() < 50, "{each:?} per page");
}
