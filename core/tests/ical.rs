//! iCalendar output: golden files, parse-back, folding and escaping laws.
//!
//! The golden files in `tests/golden/` were checked by eye against RFC 5545
//! once. To rewrite them after a deliberate change, run
//! `TSUNAGARI_BLESS=1 cargo test -p tsunagari-core --test ical` and read the
//! diff before committing it.

use std::path::PathBuf;

use proptest::prelude::*;
use tsunagari_core::calendar::{Date, Time};
use tsunagari_core::events::{Event, EventCategory, EventDate};
use tsunagari_core::ical::{
    self, DateTimeUtc, IcsDateTime, escape_text, parse_ics, push_folded, to_ics, unescape_text,
    unfold,
};

fn d(y: u16, m: u8, day: u8) -> Date {
    Date::new(y, m, day).expect("valid test date")
}

fn t(h: u8, m: u8) -> Time {
    Time::new(h, m).expect("valid test time")
}

fn stamp() -> DateTimeUtc {
    DateTimeUtc::new(d(2024, 1, 15), 3, 0, 0).expect("valid stamp")
}

fn festival() -> Event {
    let mut e = Event::new(
        "machinaka-gakusei-matsuri-2021",
        "まちなか学生まつり",
        EventDate::all_day(d(2021, 10, 23)),
        EventCategory::Festival,
    );
    e.place = "木倉町広場".into();
    e.organiser = "金沢まちづくり学生会議".into();
    e.description = "学生会議が企画から運営まで行う、学生×地域の交流イベント".into();
    e
}

fn summit() -> Event {
    let mut e = Event::new(
        "civic-tech-summit-2021",
        "Civic Tech Summit KANAZAWA 2021",
        EventDate::at(d(2021, 11, 13), t(10, 0)),
        EventCategory::Festival,
    );
    e.end = Some(EventDate::at(d(2021, 11, 13), t(16, 0)));
    e.place = "金沢未来のまち創造館".into();
    e.address = "石川県金沢市, テスト町1-2;3".into();
    e.lat = Some(36.5613);
    e.lon = Some(136.6562);
    e.description = "市民とテクノロジーでまちの課題を解決する方法を、一日かけて話し合います。\
         午前は基調講演、午後はワークショップです。\n持ち物: 筆記用具, ノートパソコン (あれば)\n\
         バックスラッシュ \\ も書けます。"
        .into();
    e.organiser = "協働をすすめる市民会議".into();
    e.fee = "無料".into();
    e.capacity = Some(80);
    e.application_deadline = Some(d(2021, 11, 5));
    e.application_method = "ウェブフォームから".into();
    e.contact = "市民協働推進課 076-220-2026 kyoudou@city.kanazawa.lg.jp".into();
    e.url = "https://www.city.kanazawa.ishikawa.jp/".into();
    e
}

fn new_year() -> Event {
    let mut e = Event::new(
        "toshikoshi-2021",
        "年越しボランティア",
        EventDate::all_day(d(2021, 12, 30)),
        EventCategory::Other,
    );
    e.end = Some(EventDate::all_day(d(2022, 1, 2)));
    e.place = "金沢学生のまち市民交流館".into();
    e
}

fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("TSUNAGARI_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(&path, actual).expect("write golden file");
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("read {}: {e} (TSUNAGARI_BLESS=1 writes it)", path.display()));
    assert!(
        expected == actual,
        "{name} differs from the golden file.\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

fn assert_well_formed(ics: &str) {
    assert!(ics.ends_with("\r\n"));
    for physical in ics.split("\r\n") {
        assert!(!physical.contains('\n') && !physical.contains('\r'));
        assert!(
            physical.len() <= 75,
            "{} octets: {physical}",
            physical.len()
        );
    }
}

#[test]
fn golden_empty_calendar() {
    let ics = to_ics(
        &[],
        stamp(),
        "つながり 金沢 協働のまちづくり",
        "tsunagari.kanazawa",
    );
    assert_well_formed(&ics);
    golden("empty.ics", &ics);
}

#[test]
fn golden_all_day_event() {
    let ics = to_ics(&[festival()], stamp(), "つながり", "tsunagari.kanazawa");
    assert_well_formed(&ics);
    assert!(ics.contains("DTSTART;VALUE=DATE:20211023\r\nDTEND;VALUE=DATE:20211024\r\n"));
    golden("all_day.ics", &ics);
}

#[test]
fn golden_timed_event() {
    let ics = to_ics(&[summit()], stamp(), "つながり", "tsunagari.kanazawa");
    assert_well_formed(&ics);
    assert!(ics.contains("GEO:36.5613;136.6562\r\n"));
    golden("timed.ics", &ics);
}

#[test]
fn golden_multi_day_event() {
    let ics = to_ics(&[new_year()], stamp(), "つながり", "tsunagari.kanazawa");
    assert_well_formed(&ics);
    // Exclusive end: the day after the last day, across the year end.
    assert!(ics.contains("DTSTART;VALUE=DATE:20211230\r\nDTEND;VALUE=DATE:20220103\r\n"));
    golden("multi_day.ics", &ics);
}

#[test]
fn parse_back_round_trip() {
    let events = vec![festival(), summit(), new_year()];
    let ics = to_ics(&events, stamp(), "つながり", "tsunagari.kanazawa");
    let parsed = parse_ics(&ics).expect("our own file parses");
    assert_eq!(parsed.len(), events.len());
    for (event, back) in events.iter().zip(&parsed) {
        assert_eq!(back.uid, format!("{}@tsunagari.kanazawa", event.id));
        assert_eq!(back.summary, event.title);
        assert_eq!(
            back.description.as_deref().unwrap_or(""),
            ical::description(event)
        );
        assert_eq!(back.categories.as_deref(), Some(event.category.label_ja()));
    }
    assert_eq!(parsed[0].start, IcsDateTime::Date(d(2021, 10, 23)));
    assert_eq!(parsed[0].end, Some(IcsDateTime::Date(d(2021, 10, 24))));
    assert_eq!(parsed[0].location.as_deref(), Some("木倉町広場"));
    assert_eq!(
        parsed[1].location.as_deref(),
        Some("金沢未来のまち創造館, 石川県金沢市, テスト町1-2;3")
    );
    assert_eq!(
        parsed[1].end,
        Some(IcsDateTime::DateTime {
            date: d(2021, 11, 13),
            time: t(16, 0),
            tzid: Some("Asia/Tokyo".into()),
            utc: false,
        })
    );
    assert_eq!(
        parsed[1].url.as_deref(),
        Some("https://www.city.kanazawa.ishikawa.jp/")
    );
    assert!(
        parsed[1]
            .description
            .as_deref()
            .unwrap_or("")
            .contains("バックスラッシュ \\ も")
    );
    assert_eq!(parsed[2].end, Some(IcsDateTime::Date(d(2022, 1, 3))));
}

#[test]
fn uids_are_stable() {
    let a = to_ics(&[summit()], stamp(), "x", "tsunagari.kanazawa");
    let later = DateTimeUtc::new(d(2025, 6, 1), 0, 0, 0).expect("valid");
    let b = to_ics(&[summit()], later, "x", "tsunagari.kanazawa");
    let uid = |ics: &str| parse_ics(ics).expect("parses")[0].uid.clone();
    assert_eq!(uid(&a), uid(&b));
    assert_eq!(uid(&a), "civic-tech-summit-2021@tsunagari.kanazawa");
}

#[test]
fn long_japanese_text_folds_and_unfolds() {
    let mut e = festival();
    e.description = "金沢まちづくり学生会議は、学生らしい柔軟な発想力と行動力で、まちの活性化に取り組んでいます。"
        .repeat(8);
    e.title = "🎉絵文字も含む長い長いイベント名、カンマ; セミコロン\\".repeat(5);
    let ics = to_ics(
        std::slice::from_ref(&e),
        stamp(),
        "つながり",
        "tsunagari.kanazawa",
    );
    assert_well_formed(&ics);
    // Every physical line is valid UTF-8 on its own: no character is split.
    for physical in ics.as_bytes().split(|&b| b == b'\n') {
        assert!(std::str::from_utf8(physical).is_ok());
        assert!(physical.len() <= 76); // 75 octets + the CR
    }
    let parsed = parse_ics(&ics).expect("parses");
    assert_eq!(parsed[0].summary, e.title);
    assert_eq!(
        parsed[0].description.as_deref(),
        Some(ical::description(&e).as_str())
    );
}

fn any_text() -> impl Strategy<Value = String> {
    // Mostly the characters that matter: the escaped ones, line breaks,
    // multi-byte Japanese and emoji, plus any char at all.
    let pieces = prop_oneof![
        Just("\\".to_string()),
        Just(";".to_string()),
        Just(",".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just(":".to_string()),
        Just("\"".to_string()),
        Just(" ".to_string()),
        "[ぁ-んァ-ン一-龥]{1,8}",
        "[a-zA-Z0-9]{1,8}",
        "[😀-🙏]{1,3}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn any_text_survives_escape_fold_and_parse(text in any_text(), prefix in 0usize..80) {
        // Vary where the folds fall with a prefix of ASCII.
        let padded = format!("{}{}", "x".repeat(prefix), text);
        let mut out = String::new();
        push_folded(&mut out, &format!("DESCRIPTION:{}", escape_text(&padded)));
        for physical in out.split("\r\n") {
            prop_assert!(physical.len() <= 75);
            // No escape pair is split across a fold.
            let run = physical.bytes().rev().take_while(|&b| b == b'\\').count();
            prop_assert!(run % 2 == 0, "line ends inside an escape: {:?}", physical);
        }
        let lines = unfold(&out);
        prop_assert_eq!(lines.len(), 1);
        let value = lines[0].strip_prefix("DESCRIPTION:").unwrap_or("");
        prop_assert_eq!(unescape_text(value), ical::sanitize_text(&padded));
    }

    #[test]
    fn any_title_survives_a_whole_file(title in any_text()) {
        prop_assume!(!title.trim().is_empty());
        let e = Event::new("p", title.clone(), EventDate::all_day(d(2024, 2, 29)), EventCategory::Other);
        let ics = to_ics(&[e], stamp(), &title, "tsunagari.kanazawa");
        let parsed = parse_ics(&ics).expect("our own file parses");
        prop_assert_eq!(&parsed[0].summary, &ical::sanitize_text(&title));
    }

    #[test]
    fn text_without_control_characters_comes_back_exactly(text in "[^\\p{Cc}]{0,200}") {
        let mut out = String::new();
        push_folded(&mut out, &format!("SUMMARY:{}", escape_text(&text)));
        let lines = unfold(&out);
        prop_assert_eq!(unescape_text(&lines[0]["SUMMARY:".len()..]), text);
    }
}
