use super::*;
use crate::search::SearchIndex;
use crate::{CityContact, Date, Event, Group, GroupKind, YearMonth, YearStyle};

fn kanazawa() -> CityConfig {
    CityConfig::parse(include_str!("../../../data/city.json")).expect("city")
}

#[test]
fn escapes_markup_and_quotes() {
    assert_eq!(
        escape(r#"<script>alert("x")</script> & 'y'"#),
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
    );
}

#[test]
fn uri_components_are_encoded_as_javascript_does() {
    assert_eq!(
        encode_uri_component("木倉町 広場&x=(1)"),
        "%E6%9C%A8%E5%80%89%E7%94%BA%20%E5%BA%83%E5%A0%B4%26x%3D(1)"
    );
}

fn hostile_group() -> Group {
    Group {
        id: "a b\"<x>".into(),
        name: "<script>alert(1)</script>".into(),
        reading: Some("<i>よみ</i>".into()),
        kind: GroupKind::Civic,
        description: "\"quoted\" & <b>bold</b>\n二行目".into(),
        activities: vec!["<u>清掃</u>".into()],
        registrations: Vec::new(),
        programs: Vec::new(),
        contacts: vec![
            "javascript:alert(1)".into(),
            "https://x.example/?a=1&b=\"2\"".into(),
        ],
        body_reading: String::new(),
    }
}

#[test]
fn a_groups_words_are_text_in_its_card_and_page() {
    let g = hostile_group();
    let card = group_card(&g, Lang::Ja);
    assert_eq!(
        card,
        "<li><a class=\"group-card\" data-testid=\"group-link\" href=\"/groups/a%20b%22%3Cx%3E\">\
<span class=\"group-name\">&lt;script&gt;alert(1)&lt;/script&gt;</span>\
<small class=\"reading\">&lt;i&gt;よみ&lt;/i&gt;</small><span class=\"badge\">市民活動団体</span>\
<span class=\"summary\">&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;</span></a></li>"
    );
    let viewer = Viewer {
        today: Date::new(2026, 12, 1).unwrap(),
        followed: false,
    };
    let city =
        crate::city::CityConfig::parse(include_str!("../../../data/city.json")).expect("city");
    let page = group_page(&g, &[], &[], &city, Lang::Ja, None, viewer);
    for raw in ["<script>", "<b>", "<u>", "<i>", "href=\"javascript:"] {
        assert!(!page.main.contains(raw), "{raw} in {}", page.main);
    }
    assert!(page.main.contains("<li>&lt;u&gt;清掃&lt;/u&gt;</li>"));
    assert!(
        page.main.contains("<li>javascript:alert(1)</li>"),
        "a link only for http(s)"
    );
    assert!(
        page.main
            .contains("href=\"https://x.example/?a=1&amp;b=\" rel=\"external noopener\" target=\"_blank\">https:/<wbr>/<wbr>x.<wbr>example/<wbr>?a=1&amp;b=</a>&quot;2&quot;"),
        "{}",
        page.main
    );
    assert_eq!(
        page.head.title, "<script>alert(1)</script> | つながり",
        "escaped by the page's <head>"
    );
}

fn event_on(id: &str, date: Date, group: Option<&str>) -> Event {
    Event {
        id: id.into(),
        title: format!("{id} の集い"),
        reading: None,
        start: crate::EventDate::at(date, crate::Time::new(10, 0).unwrap()),
        end: Some(crate::EventDate::at(
            date,
            crate::Time::new(12, 30).unwrap(),
        )),
        place: "木倉町広場".into(),
        address: String::new(),
        lat: None,
        lon: None,
        organiser: String::new(),
        organiser_group_id: group.map(String::from),
        description: String::new(),
        fee: String::new(),
        capacity: None,
        application_deadline: None,
        application_method: String::new(),
        contact: String::new(),
        url: String::new(),
        category: crate::EventCategory::Other,
        body_reading: String::new(),
    }
}

fn day(y: u16, m: u8, d: u8) -> Date {
    Date::new(y, m, d).unwrap()
}

#[test]
fn a_past_event_says_it_has_ended_and_offers_no_calendar_button() {
    let e = event_on("old", day(2021, 10, 23), None);
    let today = day(2026, 12, 1);
    for lang in [Lang::Ja, Lang::En] {
        let page = event_article(&e, None, lang, today);
        assert!(page.contains(lang.home().event_ended), "{page}");
        assert!(!page.contains("ics-download"), "{page}");
        // The times the data has, formatted by core.
        assert!(page.contains("10:00–12:30"), "{page}");
        let item = event_item(&e, lang, YearStyle::Gregorian, None, today);
        assert!(item.contains(lang.home().event_ended), "{item}");
    }
    assert!(
        event_article(&e, None, Lang::Ja, day(2021, 10, 23)).contains("ics-download"),
        "not over on its own day"
    );
    assert!(
        !event_item(&e, Lang::Ja, YearStyle::Gregorian, None, day(2021, 10, 23))
            .contains("終了しました")
    );
}

#[test]
fn an_agenda_with_nothing_coming_says_so_and_offers_no_ics() {
    let events = vec![event_on("old", day(2021, 10, 23), None)];
    let today = day(2026, 12, 1);
    let page = agenda_page(&events, today, &kanazawa(), Lang::Ja, false);
    assert!(
        page.main
            .contains("いま予定されているイベントはありません。")
    );
    assert!(page.main.contains("href=\"/events?past=1\""));
    assert!(
        page.main.contains("イベント一覧"),
        "names the open-data import"
    );
    assert!(!page.main.contains("ics-list-download"), "{}", page.main);
    assert!(
        page.main.contains("href=\"/calendar.ics\""),
        "a subscribe link"
    );
    let with_past = agenda_page(&events, today, &kanazawa(), Lang::Ja, true);
    assert!(with_past.main.contains("old の集い"));
    assert!(with_past.main.contains("ics-list-download"));
    let coming = agenda_page(&events, day(2021, 10, 1), &kanazawa(), Lang::En, false);
    assert!(coming.main.contains("ics-list-download"));
    assert!(!coming.main.contains("nothing-upcoming"));
}

#[test]
fn the_home_page_shows_what_is_coming_and_the_followed_groups() {
    let mut g = hostile_group();
    g.id = "porepore".into();
    g.name = "ぽれぽれ".into();
    let groups = vec![g];
    let index = SearchIndex::new(&groups);
    let today = day(2026, 12, 1);
    let events = vec![
        event_on("old", day(2021, 10, 23), Some("porepore")),
        event_on("soon", day(2026, 12, 24), Some("porepore")),
    ];
    let page = home_page(
        &groups,
        &index,
        &events,
        &kanazawa(),
        Lang::Ja,
        HomeViewer {
            today,
            follows: &[],
        },
        Some("external"),
    );
    let m = &page.main;
    let (search, upcoming, directory) = (
        m.find("id=\"group-search\"").unwrap(),
        m.find("soon の集い").unwrap(),
        m.find("data-testid=\"group-link\"").unwrap(),
    );
    assert!(search < upcoming && upcoming < directory, "{m}");
    assert!(m.contains("12月24日(木) 10:00–12:30"), "{m}");
    assert!(!m.contains("old の集い"), "past events are not coming up");
    assert!(!m.contains("home-followed"), "no follows, no section");
    let followed = home_page(
        &groups,
        &index,
        &events,
        &kanazawa(),
        Lang::Ja,
        HomeViewer {
            today,
            follows: &["porepore".to_string(), "gone".to_string()],
        },
        None,
    );
    assert!(
        followed
            .main
            .contains("<span class=\"summary next-event\">次の予定: 2026年12月24日(木) 10:00–12:30 soon の集い</span>"),
        "{}",
        followed.main
    );
    let nothing = home_page(
        &groups,
        &index,
        &events[..1],
        &kanazawa(),
        Lang::En,
        HomeViewer {
            today,
            follows: &[],
        },
        None,
    );
    assert!(nothing.main.contains("No events are planned right now."));
    assert!(nothing.main.contains("イベント一覧"));
}

#[test]
fn a_group_page_has_a_follow_toggle_and_its_feed() {
    let g = hostile_group();
    let events = vec![event_on("e", day(2026, 12, 24), Some(&g.id))];
    let viewer = |followed| Viewer {
        today: day(2026, 12, 1),
        followed,
    };
    let off = group_article(&g, &events, &[], &kanazawa(), Lang::Ja, None, viewer(false));
    assert!(
        off.contains("data-testid=\"follow\" aria-pressed=\"false\""),
        "{off}"
    );
    assert!(
        off.contains("href=\"/calendar.ics?group=a%20b%22%3Cx%3E\""),
        "{off}"
    );
    let on = group_article(&g, &events, &[], &kanazawa(), Lang::En, None, viewer(true));
    assert!(on.contains("aria-pressed=\"true\""));
}

#[test]
fn an_empty_month_has_the_hint_the_app_draws_below_it() {
    let month = YearMonth::new(2026, 12).unwrap();
    let today = Date::new(2026, 12, 1).unwrap();
    let page = calendar_page(&[], month, today, &kanazawa(), Lang::Ja);
    let hint = format!("<p class=\"hint\">{}</p>", Lang::Ja.texts().pick_day);
    let empty = page.main.find("data-testid=\"empty-month\"").unwrap();
    let at = page.main.find(&hint).expect("the hint");
    assert!(empty < at, "{}", page.main);
    assert_eq!(page.main.matches(&hint).count(), 1);
}

#[test]
fn a_month_with_events_lists_them_after_the_hint_then_the_filters() {
    let month = YearMonth::new(2026, 12).unwrap();
    let today = Date::new(2026, 12, 1).unwrap();
    let mut events = vec![
        event_on("b", day(2026, 12, 24), None),
        event_on("a", day(2026, 12, 3), None),
        // On the grid (the last days of November), not in the month.
        event_on("nov", day(2026, 11, 30), None),
    ];
    events[0].title = "<script>x</script>".into();
    let page = calendar_page(&events, month, today, &kanazawa(), Lang::Ja);
    let m = &page.main;
    let hint = m
        .find(&format!(
            "<p class=\"hint\">{}</p>",
            Lang::Ja.texts().pick_day
        ))
        .unwrap();
    let list = m
        .find("data-testid=\"month-events\"")
        .expect("the month's events");
    let filters = m.find("id=\"event-search\"").expect("the filters");
    let subscribe = m.find("data-testid=\"subscribe\"").unwrap();
    assert!(hint < list && list < filters && filters < subscribe, "{m}");
    assert!(!m.contains("data-testid=\"empty-month\""));
    // Day by day, the 3rd first; escaped; November's day not listed.
    let (inner, listed) = month_events(&events, month, Lang::Ja, today);
    assert_eq!(listed, 2);
    assert!(m.contains(&inner));
    assert!(inner.find("a の集い").unwrap() < inner.find("&lt;script&gt;").unwrap());
    assert!(!inner.contains("nov の集い") && !inner.contains("<script>"));
    assert_eq!(
        month_events(&[], month, Lang::Ja, today),
        (String::new(), 0)
    );
}

#[test]
fn a_groups_contacts_are_links_and_only_its_office_is_named() {
    let mut g = hostile_group();
    g.contacts = vec!["☎ ０７６－２２０－２０２６ ✉ info@example.jp".into()];
    let offices: Vec<CityContact> =
        serde_json::from_str(include_str!("../../../data/city_contacts.json")).unwrap();
    let page = group_page(
        &g,
        &[],
        &offices,
        &kanazawa(),
        Lang::Ja,
        None,
        Viewer {
            today: Date::new(2026, 12, 1).unwrap(),
            followed: false,
        },
    );
    assert!(page.main.contains(
        "<li>☎ <a class=\"tel\" href=\"tel:0762202026\" rel=\"external\">０７６－２２０－２０２６</a> ✉ \
<a class=\"mail\" href=\"mailto:info@example.jp\" rel=\"external\">info@<wbr>example.<wbr>jp</a></li>"
    ));
    // A civic group without programmes: the support centre, one card.
    assert_eq!(page.main.matches("data-testid=\"city-contact\"").count(), 1);
    assert!(page.main.contains("金沢市市民活動サポートセンター"));
    assert!(page.main.contains("href=\"tel:0762257763\""));
    assert!(!page.main.contains("学生会議のメンバー募集"));
}

#[test]
fn japanese_words_are_marked_on_english_pages() {
    let g = hostile_group();
    let en = group_page(
        &g,
        &[],
        &[],
        &kanazawa(),
        Lang::En,
        None,
        Viewer {
            today: Date::new(2026, 12, 1).unwrap(),
            followed: false,
        },
    )
    .main;
    assert!(en.contains("<h1 lang=\"ja\">&lt;script&gt;"), "{en}");
    assert!(group_card(&g, Lang::En).contains("<span class=\"group-name\" lang=\"ja\">"));
    let ja = group_page(
        &g,
        &[],
        &[],
        &kanazawa(),
        Lang::Ja,
        None,
        Viewer {
            today: Date::new(2026, 12, 1).unwrap(),
            followed: false,
        },
    )
    .main;
    assert!(!ja.contains("lang=\"ja\""), "the page is Japanese already");
}

#[test]
fn titles_name_the_page_then_the_app() {
    assert_eq!(title("ぽれぽれ", Lang::Ja), "ぽれぽれ | つながり");
    assert_eq!(title("", Lang::En), "Tsunagari");
}

#[test]
fn descriptions_take_the_first_line() {
    assert_eq!(summary("\n  一行目です。\n二行目", 100), "一行目です。");
    assert_eq!(summary("あいうえお", 3), "あいう…");
}

#[test]
fn the_month_heading_breaks_after_the_year_only() {
    let month = YearMonth::new(2026, 12).unwrap();
    let today = Date::new(2026, 12, 1).unwrap();
    let ja = calendar_page(&[], month, today, &kanazawa(), Lang::Ja);
    assert!(ja.main.contains(">2026年<wbr>12月</h1>"), "{}", ja.main);
    assert!(ja.head.title.starts_with("2026年12月"), "{}", ja.head.title);
    let en = calendar_page(&[], month, today, &kanazawa(), Lang::En);
    assert!(en.main.contains(">December 2026</h1>"), "{}", en.main);
}
