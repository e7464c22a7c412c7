//! Checks the demo events built from the newsletters in the seeds
//! (`data/events.json`) against the directory (`data/groups.json`).

use std::collections::HashSet;

use tsunagari_core::calendar::{Date, format_range_ja};
use tsunagari_core::events::{EventCategory, EventSeed};
use tsunagari_core::ical::{DateTimeUtc, parse_ics, to_ics};
use tsunagari_core::opendata::{export_events, import_events};
use tsunagari_core::{DirectorySeed, YearStyle};

const EVENTS_JSON: &str = include_str!("../../data/events.json");
const GROUPS_JSON: &str = include_str!("../../data/groups.json");

fn seed() -> EventSeed {
    serde_json::from_str(EVENTS_JSON).expect("data/events.json parses as EventSeed")
}

fn d(y: u16, m: u8, day: u8) -> Date {
    Date::new(y, m, day).expect("valid test date")
}

#[test]
fn every_event_is_valid() {
    let events = seed().events;
    assert!(!events.is_empty());
    for event in &events {
        assert_eq!(event.validate(), Ok(()), "{}", event.id);
        if let Some(reading) = &event.reading {
            assert!(
                reading.chars().all(|c| matches!(c, 'ぁ'..='ゖ' | 'ー')),
                "{}: reading {reading:?} is not hiragana",
                event.id
            );
        }
    }
}

#[test]
fn ids_are_unique_slugs() {
    let events = seed().events;
    let ids: HashSet<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), events.len(), "duplicate event ids");
    for id in ids {
        assert!(
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{id}"
        );
    }
}

#[test]
fn organisers_exist_in_the_directory() {
    let groups: DirectorySeed = serde_json::from_str(GROUPS_JSON).expect("data/groups.json parses");
    let by_id: std::collections::HashMap<&str, &str> = groups
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.name.as_str()))
        .collect();
    for event in seed().events {
        if let Some(group) = &event.organiser_group_id {
            let name = by_id
                .get(group.as_str())
                .unwrap_or_else(|| panic!("{}: no group {group}", event.id));
            assert_eq!(*name, event.organiser, "{}", event.id);
        }
    }
}

#[test]
fn the_seeds_dates_and_places() {
    let events = seed().events;
    let find = |title: &str| {
        events
            .iter()
            .find(|e| e.title == title)
            .unwrap_or_else(|| panic!("no event {title}"))
    };
    let matsuri = find("まちなか学生まつり");
    assert_eq!(matsuri.start.date, d(2021, 10, 23));
    assert_eq!(matsuri.place, "木倉町広場");
    assert_eq!(
        matsuri.organiser_group_id.as_deref(),
        Some("machizukuri-gakusei-kaigi")
    );
    assert_eq!(matsuri.category, EventCategory::Festival);
    assert_eq!(format_range_ja(matsuri, YearStyle::Omit), "10月23日(土)");

    let summit = find("Civic Tech Summit KANAZAWA 2021");
    assert_eq!(summit.start.date, d(2021, 11, 13));
    assert_eq!(summit.place, "金沢未来のまち創造館");
    assert_eq!(
        format_range_ja(summit, YearStyle::Gregorian),
        "2021年11月13日(土)"
    );

    // 2月2日（金） in 令和5年度: a Friday in 2024, as the seed says.
    let matching = find("金沢学生×企業マッチング交流会");
    assert_eq!(matching.start.date, d(2024, 2, 2));
    assert_eq!(format_range_ja(matching, YearStyle::Omit), "2月2日(金)");
    assert_eq!(matching.place, "金沢学生のまち市民交流館");

    // No times, fees or people the seeds do not give.
    for event in &events {
        assert!(
            event.start.time.is_none() && event.end.is_none(),
            "{}",
            event.id
        );
        assert!(
            event.fee.is_empty() && event.contact.is_empty(),
            "{}",
            event.id
        );
    }
}

#[test]
fn the_demo_events_go_through_ical_and_open_data() {
    let events = seed().events;
    let stamp = DateTimeUtc::new(d(2024, 1, 1), 0, 0, 0).expect("valid");
    let parsed =
        parse_ics(&to_ics(&events, stamp, "つながり", "tsunagari.kanazawa")).expect("parses");
    assert_eq!(parsed.len(), events.len());
    let csv = export_events(&events, "172014", "石川県", "金沢市");
    let report = import_events(csv.as_bytes());
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let ids: Vec<&str> = report.events.iter().map(|e| e.id.as_str()).collect();
    let want: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, want);
}
