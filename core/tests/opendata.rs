//! Importing and exporting the national open-data event list, with small
//! fixture files in `tests/fixtures/`.

use proptest::prelude::*;
use tsunagari_core::calendar::{Date, Time};
use tsunagari_core::events::{Event, EventCategory, EventDate};
use tsunagari_core::opendata::{
    ImportReport, Schema, SourceEncoding, export_events, import_events,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn d(y: u16, m: u8, day: u8) -> Date {
    Date::new(y, m, day).expect("valid test date")
}

fn t(h: u8, m: u8) -> Time {
    Time::new(h, m).expect("valid test time")
}

fn error_lines(report: &ImportReport) -> Vec<usize> {
    report.errors.iter().map(|e| e.line).collect()
}

fn find<'a>(report: &'a ImportReport, title: &str) -> &'a Event {
    report
        .events
        .iter()
        .find(|e| e.title == title)
        .unwrap_or_else(|| panic!("no event {title:?} in {:#?}", report.events))
}

#[test]
fn schema_32_with_bom_crlf_quotes_and_bad_rows() {
    let report = import_events(&fixture("events32_bom_crlf.csv"));
    assert_eq!(report.schema, Schema::EventList32);
    assert_eq!(report.encoding, SourceEncoding::Utf8Bom);
    assert_eq!(report.events.len(), 3, "{:#?}", report.errors);
    // The bad rows, by the physical line they start on (row 2 spans lines 3–5).
    assert_eq!(
        error_lines(&report),
        vec![6, 7, 8, 9],
        "{:#?}",
        report.errors
    );
    assert!(report.errors[0].reason.contains("開始日「2021/13/01」"));
    assert!(report.errors[1].reason.contains("イベント名がありません"));
    assert!(report.errors[2].reason.contains("終了日時が開始日時より前"));
    assert!(report.errors[3].reason.contains("緯度「北緯36度」"));
    for error in &report.errors {
        assert!(error.reason.ends_with('。'), "{}", error.reason);
    }

    let festival = find(&report, "まちなか学生まつり");
    assert_eq!(festival.id, "172014-1");
    assert_eq!(festival.reading.as_deref(), Some("まちなかがくせいまつり"));
    assert_eq!(festival.start, EventDate::at(d(2021, 10, 23), t(10, 0)));
    assert_eq!(festival.end, Some(EventDate::at(d(2021, 10, 23), t(16, 0))));
    assert_eq!(festival.place, "木倉町広場");
    assert_eq!((festival.lat, festival.lon), (Some(36.56), Some(136.65)));
    assert_eq!(festival.fee, "無料");
    assert_eq!(festival.capacity, Some(100));
    assert_eq!(festival.contact, "金沢学生のまち市民交流館 076-255-0162");
    assert_eq!(festival.organiser, "金沢まちづくり学生会議");
    assert_eq!(festival.category, EventCategory::Festival);
    // The city's own column after 備考 is ignored.
    assert!(!festival.description.contains("独自"));

    let report_day = find(&report, "成果発表会, 2日間");
    assert_eq!(report_day.id, "172014-2");
    assert_eq!(report_day.start, EventDate::all_day(d(2022, 2, 5)));
    assert_eq!(report_day.end, Some(EventDate::all_day(d(2022, 2, 6))));
    assert_eq!(
        report_day.description,
        "1日目は発表、2日目は \"交流会\"。\n持ち物: なし\n申込不要"
    );
    assert_eq!(report_day.address, "石川県金沢市広坂1丁目1番1号 第1本庁舎");
    assert_eq!(report_day.fee, "有料（資料代500円）");
    assert_eq!(report_day.application_deadline, Some(d(2022, 1, 31)));
    assert_eq!(report_day.url, "https://example.jp/happyo");
    assert_eq!(report_day.category, EventCategory::Presentation);

    let ict = find(&report, "ICTを活用しよう！交流会");
    assert!(ict.id.starts_with("ev-"), "{}", ict.id);
    assert_eq!(ict.start, EventDate::at(d(2024, 1, 5), t(9, 30)));
    assert_eq!(ict.end, None);
    assert_eq!(ict.capacity, None);
    assert_eq!(ict.description, "定員：先着20名");
    assert_eq!(ict.category, EventCategory::Exchange);
}

#[test]
fn importing_twice_gives_the_same_ids() {
    let a = import_events(&fixture("events32_bom_crlf.csv"));
    let b = import_events(&fixture("events32_bom_crlf.csv"));
    assert_eq!(a, b);
    let old_a = import_events(&fixture("events_old_names.csv"));
    let old_b = import_events(&fixture("events_old_names.csv"));
    assert_eq!(old_a.events, old_b.events);
}

#[test]
fn shift_jis_file() {
    let bytes = fixture("events32_sjis.csv");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture is not UTF-8"
    );
    let report = import_events(&bytes);
    assert_eq!(report.encoding, SourceEncoding::ShiftJis);
    assert_eq!(report.schema, Schema::EventList32);
    assert_eq!(report.events.len(), 1);
    let event = &report.events[0];
    assert_eq!(event.title, "金沢学生×企業マッチング交流会");
    assert_eq!(event.id, "172014-10");
    assert_eq!(event.start, EventDate::all_day(d(2024, 2, 2)));
    assert_eq!(event.address, "石川県金沢市片町2丁目5-17");
    assert_eq!(event.description, "セミナー①とフリートーク");
    assert_eq!(error_lines(&report), vec![3]);
    assert!(report.errors[0].reason.contains("開始日がありません"));
}

#[test]
fn shift_jis_written_by_encoding_rs_reads_the_same_as_utf8() {
    let utf8 = fixture("events_old_names.csv");
    let text = std::str::from_utf8(&utf8).expect("UTF-8 fixture");
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    let from_sjis = import_events(&sjis);
    let from_utf8 = import_events(&utf8);
    assert_eq!(from_sjis.encoding, SourceEncoding::ShiftJis);
    assert_eq!(from_sjis.events, from_utf8.events);
    // And with CRLF line ends.
    let crlf = text.replace('\n', "\r\n");
    assert_eq!(import_events(crlf.as_bytes()).events, from_utf8.events);
}

#[test]
fn schema_50() {
    let report = import_events(&fixture("events50.csv"));
    assert_eq!(report.schema, Schema::Event50);
    assert_eq!(report.encoding, SourceEncoding::Utf8);
    assert_eq!(report.events.len(), 1);
    assert_eq!(error_lines(&report), vec![3]);
    assert!(report.errors[0].reason.contains("開始日「未定」"));
    let e = &report.events[0];
    assert_eq!(e.id, "172014-101");
    assert_eq!(e.title, "Civic Tech Summit KANAZAWA 2021");
    assert_eq!(e.reading.as_deref(), Some("しびっくてっくさみっとかなざわ"));
    assert_eq!(e.start, EventDate::at(d(2021, 11, 13), t(13, 0)));
    assert_eq!(e.end, Some(EventDate::at(d(2021, 11, 13), t(17, 30))));
    assert_eq!(e.place, "金沢未来のまち創造館");
    assert_eq!(e.address, "〒920-0000 石川県金沢市テスト町1-1");
    assert_eq!(e.organiser, "テスト実行委員会");
    assert_eq!(e.capacity, Some(50));
    assert_eq!(e.fee, "無料");
    assert_eq!(e.application_deadline, Some(d(2021, 11, 10)));
    assert_eq!(e.application_method, "ウェブフォーム（締切 17:00）");
    assert_eq!(e.contact, "事務局 076-000-0000 内線12 info@example.jp");
    assert_eq!(
        e.description,
        "市民とテクノロジーのイベント\n対象：どなたでも"
    );
    assert_eq!(e.category, EventCategory::Workshop);
}

#[test]
fn older_names_and_missing_columns() {
    let report = import_events(&fixture("events_old_names.csv"));
    assert_eq!(report.schema, Schema::EventList32);
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(report.events.len(), 2);
    let festival = find(&report, "まちなか学生まつり");
    assert_eq!(festival.start, EventDate::all_day(d(2021, 10, 23)));
    assert_eq!(festival.fee, "無料");
    assert_eq!(festival.place, "木倉町広場");
    // No code and no NO: a hash of title, date and place.
    assert!(festival.id.starts_with("ev-"));
    let summit = find(&report, "Civic Tech Summit KANAZAWA 2021");
    assert_eq!(summit.end, None, "an end on the start day adds nothing");
    assert_ne!(festival.id, summit.id);
}

#[test]
fn a_file_without_a_header_is_one_error() {
    for bytes in [
        fixture("no_header.csv"),
        Vec::new(),
        b"\xEF\xBB\xBF".to_vec(),
    ] {
        let report = import_events(&bytes);
        assert_eq!(report.schema, Schema::Unknown);
        assert!(report.events.is_empty());
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].line, 1);
        assert!(report.errors[0].reason.contains("見出し行が見つかりません"));
    }
}

#[test]
fn header_after_a_title_row_and_an_unclosed_quote() {
    let text =
        "令和3年度 イベント一覧\nイベント名,開始日\nまつり,2021-10-23\n\"閉じない,2021-10-24\n";
    let report = import_events(text.as_bytes());
    assert_eq!(report.events.len(), 1);
    assert_eq!(error_lines(&report), vec![4]);
    assert!(report.errors[0].reason.contains("引用符"));
}

#[test]
fn duplicate_numbers_are_reported() {
    let text =
        "市区町村コード,NO,イベント名,開始日\n172014,1,a,2021-10-23\n172014,1,b,2021-10-24\n";
    let report = import_events(text.as_bytes());
    assert_eq!(report.events.len(), 1);
    assert_eq!(error_lines(&report), vec![3]);
    assert!(report.errors[0].reason.contains("2行目"));
}

fn sample_events() -> Vec<Event> {
    let mut festival = Event::new(
        "machinaka-gakusei-matsuri-2021",
        "まちなか学生まつり",
        EventDate::all_day(d(2021, 10, 23)),
        EventCategory::Festival,
    );
    festival.reading = Some("まちなかがくせいまつり".into());
    festival.place = "木倉町広場".into();
    festival.organiser = "金沢まちづくり学生会議".into();
    festival.organiser_group_id = Some("machizukuri-gakusei-kaigi".into());
    festival.description = "学生×地域の交流イベント、\"まつり\"です。\n二行目".into();

    let mut summit = Event::new(
        "172014-15",
        "Civic Tech Summit KANAZAWA 2021",
        EventDate::at(d(2021, 11, 13), t(9, 30)),
        EventCategory::Other,
    );
    summit.end = Some(EventDate::at(d(2021, 11, 14), t(17, 0)));
    summit.place = "金沢未来のまち創造館".into();
    summit.address = "石川県金沢市, どこか".into();
    summit.lat = Some(36.561_234_5);
    summit.lon = Some(136.656_789);
    summit.fee = "無料".into();
    summit.capacity = Some(80);
    summit.application_deadline = Some(d(2021, 11, 5));
    summit.application_method = "ウェブフォーム".into();
    summit.contact = "市民協働推進課 076-220-2026".into();
    summit.url = "https://example.jp/summit?a=1,b=2".into();

    let hashed = Event::new(
        "ev-0123456789abcdef",
        "金沢学生×企業マッチング交流会",
        EventDate::all_day(d(2024, 2, 2)),
        EventCategory::Exchange,
    );
    vec![festival, summit, hashed]
}

/// What the 32-column schema carries: not the category (guessed on
/// import) and not the directory link.
fn carried(event: &Event) -> Event {
    let mut e = event.clone();
    e.category = EventCategory::Other;
    e.organiser_group_id = None;
    e
}

#[test]
fn export_then_import_gives_the_same_events() {
    let events = sample_events();
    let csv = export_events(&events, "172014", "石川県", "金沢市");
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.ends_with("\r\n"));
    let header = csv
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("");
    assert_eq!(header.split(',').count(), 32);
    assert!(csv.contains("\"学生×地域の交流イベント、\"\"まつり\"\"です。\n二行目\""));

    let report = import_events(csv.as_bytes());
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(report.schema, Schema::EventList32);
    assert_eq!(report.encoding, SourceEncoding::Utf8Bom);
    let back: Vec<Event> = report.events.iter().map(carried).collect();
    let sent: Vec<Event> = events.iter().map(carried).collect();
    assert_eq!(back, sent);
    // Exporting what was imported gives the same file.
    assert_eq!(
        export_events(&report.events, "172014", "石川県", "金沢市"),
        csv
    );
}

proptest! {
    #[test]
    fn any_text_fields_survive_export_and_import(
        title in "[^\\p{Cc}]{1,40}",
        description in "[^\\p{Cc}]{0,80}(\n[^\\p{Cc}]{0,20})?",
        place in "[^\\p{Cc}]{0,20}",
        day in 0i64..20_000,
    ) {
        prop_assume!(!title.trim().is_empty());
        let start = Date::from_epoch_days(day).expect("in range");
        let mut event = Event::new("p-1", title.trim(), EventDate::all_day(start), EventCategory::Other);
        event.description = description.trim().to_string();
        event.place = place.trim().to_string();
        let csv = export_events(std::slice::from_ref(&event), "172014", "石川県", "金沢市");
        let report = import_events(csv.as_bytes());
        prop_assert!(report.errors.is_empty(), "{:?}", report.errors);
        prop_assert_eq!(report.events.len(), 1);
        prop_assert_eq!(carried(&report.events[0]), carried(&event));
    }
}
