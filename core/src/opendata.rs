//! The national open-data event list (自治体標準オープンデータセット
//! 「イベント一覧」): import the CSV files cities publish, and export the
//! calendar in the same format.
//!
//! Two schemas are read, both by header name, never by position: the
//! 32-column event list most municipal feeds use, and the newer 50-column
//! event schema. Header names are compared after NFKC (so `（）` equals `()`
//! and `ＮＯ` equals `NO`) with spaces removed, and older names such as
//! `地方公共団体名` are accepted. Columns a city adds (after `備考` or
//! anywhere) are ignored.
//!
//! Input is bytes: UTF-8 with or without a BOM, or Shift_JIS (Windows code
//! page 932), detected as such; CRLF or LF; RFC 4180 quoting, with commas,
//! doubled quotes and line breaks inside quoted fields. Good rows become
//! events, each bad row is reported with the line it starts on and why; a
//! row with bytes that are not text in the file's encoding is a bad row
//! (never imported with U+FFFD in place of its words).
//!
//! ## Event ids
//!
//! Re-importing a file must update events, not duplicate them, so ids are
//! derived from the row, in this order:
//! 1. `NO` is already a portable id (lower-case ASCII letters, digits, `-`
//!    and `_`, with at least one letter, like tsunagari's own ids or the
//!    hashes below): the id is `NO` itself. This is what lets an exported
//!    file be imported back with the same ids.
//! 2. The municipality code and `NO` are both given: `<code>-<NO>`,
//!    e.g. `172014-15`.
//! 3. Otherwise `ev-` and 16 hex digits of the FNV-1a 64-bit hash of
//!    `title`, `start date` (YYYY-MM-DD) and `place`, joined with U+001F.
//!    FNV-1a 64: start from 0xcbf29ce484222325; for each UTF-8 byte, XOR it
//!    in, then multiply by 0x100000001b3 (wrapping). Stable across
//!    platforms and versions; a changed title or date makes a new event.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::calendar::{Date, Time};
use crate::csv;
use crate::events::{Event, EventCategory, EventDate, EventId};

/// Which open-data schema a file follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Schema {
    /// The 32-column event list (イベント一覧, most municipal feeds).
    EventList32,
    /// The 50-column event schema of the newer national catalogue.
    Event50,
    /// No recognisable header row.
    Unknown,
}

/// The text encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceEncoding {
    Utf8Bom,
    Utf8,
    /// Shift_JIS / Windows code page 932.
    ShiftJis,
}

impl SourceEncoding {
    /// The name a person knows it by: `UTF-8`, `Shift_JIS`.
    pub fn label_ja(self) -> &'static str {
        match self {
            SourceEncoding::Utf8Bom | SourceEncoding::Utf8 => "UTF-8",
            SourceEncoding::ShiftJis => "Shift_JIS",
        }
    }
}

/// A row that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The physical line in the file where the row starts, 1-based (the
    /// header is line 1 in a plain file). A quoted line break inside a
    /// row makes the next row start further down.
    pub line: usize,
    /// Why, as a Japanese sentence that says what to fix.
    pub reason: String,
}

/// What an import found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub events: Vec<Event>,
    pub errors: Vec<RowError>,
    pub schema: Schema,
    pub encoding: SourceEncoding,
}

/// One logical column, whatever the file calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Code,
    No,
    Prefecture,
    City,
    Title,
    TitleKana,
    Subtitle,
    StartDate,
    EndDate,
    StartTime,
    EndTime,
    DateNote,
    Overview,
    Description,
    Kind,
    Url,
    FeeBasic,
    FeeDetail,
    ContactName,
    ContactPhone,
    ContactExtension,
    ContactEmail,
    Organiser,
    CoOrganiser,
    Target,
    Place,
    PostalCode,
    Address,
    AddressPrefecture,
    AddressCity,
    AddressTown,
    AddressRest,
    AddressExtra,
    Lat,
    Lon,
    Access,
    Parking,
    Capacity,
    DeadlineDate,
    DeadlineTime,
    ApplicationMethod,
    Note,
}

/// Header names, normalised (NFKC, no spaces, ASCII upper case).
const ALIASES: &[(Col, &[&str])] = &[
    (
        Col::Code,
        &[
            "都道府県コード又は市区町村コード",
            "都道府県コードまたは市区町村コード",
            "全国地方公共団体コード",
            "地方公共団体コード",
            "市区町村コード",
        ],
    ),
    (Col::No, &["NO", "NO.", "番号", "ID"]),
    (Col::Prefecture, &["都道府県名", "都道府県"]),
    (Col::City, &["市区町村名", "地方公共団体名", "市区町村"]),
    (Col::Title, &["イベント名", "名称", "イベント名称"]),
    (
        Col::TitleKana,
        &[
            "イベント名_カナ",
            "イベント名(カナ)",
            "名称(カナ)",
            "名称_カナ",
            "イベント名カナ",
        ],
    ),
    (Col::Subtitle, &["サブタイトル"]),
    (Col::StartDate, &["開始日", "開始日付", "開始年月日"]),
    (Col::EndDate, &["終了日", "終了日付", "終了年月日"]),
    (Col::StartTime, &["開始時間", "開始時刻"]),
    (Col::EndTime, &["終了時間", "終了時刻"]),
    (Col::DateNote, &["開始日時特記事項", "日時備考"]),
    (Col::Overview, &["概要"]),
    (Col::Description, &["説明"]),
    (Col::Kind, &["イベント種類", "種類", "カテゴリ"]),
    (Col::Url, &["URL", "ホームページ"]),
    (Col::FeeBasic, &["料金(基本)", "料金"]),
    (Col::FeeDetail, &["料金(詳細)"]),
    (
        Col::ContactName,
        &["連絡先名称", "問合せ先", "問い合わせ先"],
    ),
    (Col::ContactPhone, &["連絡先電話番号"]),
    (Col::ContactExtension, &["連絡先内線番号"]),
    (Col::ContactEmail, &["連絡先メールアドレス"]),
    (Col::Organiser, &["主催者", "主催団体", "主催"]),
    (Col::CoOrganiser, &["共催団体"]),
    (Col::Target, &["対象者"]),
    (Col::Place, &["場所名称", "会場名", "開催場所"]),
    (Col::PostalCode, &["郵便番号"]),
    (Col::Address, &["住所", "所在地"]),
    (Col::AddressPrefecture, &["住所都道府県"]),
    (Col::AddressCity, &["住所市区町村"]),
    (Col::AddressTown, &["住所町名"]),
    (Col::AddressRest, &["住所丁目以下"]),
    (Col::AddressExtra, &["方書", "建物名等"]),
    (Col::Lat, &["緯度"]),
    (Col::Lon, &["経度"]),
    (Col::Access, &["アクセス方法"]),
    (Col::Parking, &["駐車場情報"]),
    (Col::Capacity, &["定員"]),
    (
        Col::DeadlineDate,
        &["参加申込終了日", "申込期限日", "申込締切日"],
    ),
    (
        Col::DeadlineTime,
        &["参加申込終了時間", "申込期限時刻", "申込締切時間"],
    ),
    (Col::ApplicationMethod, &["参加申込方法", "申込方法"]),
    (Col::Note, &["備考"]),
];

/// The 32 column names, in order, as [`export_events`] writes them.
pub const EVENT_LIST_32_HEADER: [&str; 32] = [
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "イベント名",
    "イベント名_カナ",
    "イベント名_英語",
    "開始日",
    "終了日",
    "開始時間",
    "終了時間",
    "開始日時特記事項",
    "説明",
    "料金(基本)",
    "料金(詳細)",
    "連絡先名称",
    "連絡先電話番号",
    "連絡先内線番号",
    "主催者",
    "場所名称",
    "住所",
    "方書",
    "緯度",
    "経度",
    "アクセス方法",
    "駐車場情報",
    "定員",
    "参加申込終了日",
    "参加申込終了時間",
    "参加申込方法",
    "URL",
    "備考",
];

/// How many records at the top may precede the header (a title row, notes).
const HEADER_SEARCH_ROWS: usize = 10;

/// Reads an event-list CSV file. Never fails: a file that cannot be read at
/// all is an [`ImportReport`] with no events and one error.
pub fn import_events(bytes: &[u8]) -> ImportReport {
    let Decoded {
        text,
        encoding,
        bad_lines,
        ..
    } = decode(bytes);
    let (records, unclosed) = read_csv(&text);
    let mut report = ImportReport {
        events: Vec::new(),
        errors: Vec::new(),
        schema: Schema::Unknown,
        encoding,
    };

    let header = records
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .find_map(|(i, r)| Columns::from_header(&r.fields).map(|c| (i, c)));
    let Some((header_index, columns)) = header else {
        report.errors.push(RowError {
            line: 1,
            reason:
                "見出し行が見つかりません。「イベント名」（または「名称」）と「開始日」の列がある、\
                     イベント一覧の形式のCSVファイルを選んでください。"
                    .into(),
        });
        return report;
    };
    report.schema = columns.schema;

    let mut seen: Vec<(EventId, usize)> = Vec::new();
    for record in &records[header_index + 1..] {
        if record.fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if let Some(bad) = bad_lines
            .iter()
            .find(|&&l| (record.line..=record.end_line).contains(&l))
        {
            report.errors.push(RowError {
                line: record.line,
                reason: format!(
                    "{bad}行目に、文字コード（{}）として読めないバイトがあります。\
                     ファイルの文字コードを確かめるか、この行を入力し直してください。",
                    encoding.label_ja()
                ),
            });
            continue;
        }
        match columns.event(&record.fields) {
            Ok(event) => {
                if let Some((_, first)) = seen.iter().find(|(id, _)| *id == event.id) {
                    report.errors.push(RowError {
                        line: record.line,
                        reason: format!(
                            "{first}行目と同じイベント（ID「{}」）です。NOが重複していないか確認してください。",
                            event.id
                        ),
                    });
                    continue;
                }
                seen.push((event.id.clone(), record.line));
                report.events.push(event);
            }
            Err(reasons) => report.errors.push(RowError {
                line: record.line,
                reason: reasons.concat(),
            }),
        }
    }
    if let Some(line) = unclosed {
        report.errors.push(RowError {
            line,
            reason: "引用符（\"）が閉じられていないため、この行から後を読み込めませんでした。"
                .into(),
        });
    }
    report
}

/// Writes events as a 32-column event list: UTF-8 with a BOM (so Excel
/// opens it as UTF-8), CRLF line ends, fields quoted where needed, no cell
/// a spreadsheet would run as a formula ([`csv::write_record`]).
/// `municipality_code`, `prefecture` and `city` fill the first columns of
/// every row (Kanazawa: `172014`, `石川県`, `金沢市`).
pub fn export_events(
    events: &[Event],
    municipality_code: &str,
    prefecture: &str,
    city: &str,
) -> String {
    let mut out = String::from('\u{feff}');
    csv::write_record(&mut out, EVENT_LIST_32_HEADER);
    for event in events {
        let end = event.end;
        let row: [String; 32] = [
            municipality_code.to_string(),
            export_no(&event.id, municipality_code),
            prefecture.to_string(),
            city.to_string(),
            event.title.clone(),
            event
                .reading
                .as_deref()
                .map(to_katakana)
                .unwrap_or_default(),
            String::new(),
            event.start.date.to_string(),
            event.last_day().to_string(),
            event.start.time.map(|t| t.to_string()).unwrap_or_default(),
            end.and_then(|e| e.time)
                .map(|t| t.to_string())
                .unwrap_or_default(),
            String::new(),
            event.description.clone(),
            event.fee.clone(),
            String::new(),
            event.contact.clone(),
            String::new(),
            String::new(),
            event.organiser.clone(),
            event.place.clone(),
            event.address.clone(),
            String::new(),
            event.lat.map(|v| v.to_string()).unwrap_or_default(),
            event.lon.map(|v| v.to_string()).unwrap_or_default(),
            String::new(),
            String::new(),
            event.capacity.map(|c| c.to_string()).unwrap_or_default(),
            event
                .application_deadline
                .map(|d| d.to_string())
                .unwrap_or_default(),
            String::new(),
            event.application_method.clone(),
            event.url.clone(),
            String::new(),
        ];
        csv::write_record(&mut out, row.iter().map(String::as_str));
    }
    out
}

/// The `NO` written for an event: its id without the `<code>-` prefix that
/// import adds (rule 2), or the id itself (rule 1).
fn export_no(id: &str, code: &str) -> String {
    if !code.is_empty()
        && let Some(rest) = id.strip_prefix(code).and_then(|r| r.strip_prefix('-'))
        && !rest.is_empty()
        && !is_portable_id(rest)
    {
        return rest.to_string();
    }
    id.to_string()
}

/// Which column index holds which logical column.
struct Columns {
    schema: Schema,
    index: Vec<(Col, usize)>,
}

impl Columns {
    /// Reads a header row; `None` unless it has a title and a start date.
    fn from_header(fields: &[String]) -> Option<Columns> {
        let mut index: Vec<(Col, usize)> = Vec::new();
        let mut names = Vec::new();
        for (i, raw) in fields.iter().enumerate() {
            let name = normalize_header(raw);
            let col = ALIASES
                .iter()
                .find(|(_, names)| names.contains(&name.as_str()))
                .map(|&(col, _)| col);
            if let Some(col) = col
                && !index.iter().any(|&(c, _)| c == col)
            {
                index.push((col, i));
            }
            names.push(name);
        }
        let has = |col| index.iter().any(|&(c, _)| c == col);
        if !has(Col::Title) || !has(Col::StartDate) {
            return None;
        }
        let newer = ["名称", "主催団体", "開始時刻", "住所町名", "申込期限日"];
        let schema = if names.iter().any(|n| n == "イベント名") {
            Schema::EventList32
        } else if names.iter().any(|n| newer.contains(&n.as_str())) {
            Schema::Event50
        } else {
            Schema::EventList32
        };
        Some(Columns { schema, index })
    }

    /// The trimmed value of a column in a row, without the `'` a
    /// spreadsheet export puts before a formula character
    /// ([`csv::unguard`]); empty when absent.
    fn get(&self, fields: &[String], col: Col) -> String {
        self.index
            .iter()
            .find(|&&(c, _)| c == col)
            .and_then(|&(_, i)| fields.get(i))
            .map(|v| csv::unguard(v.trim()).to_string())
            .unwrap_or_default()
    }

    /// One row as an event, or every reason it is not one.
    fn event(&self, fields: &[String]) -> Result<Event, Vec<String>> {
        let get = |col| self.get(fields, col);
        let mut problems = Vec::new();

        let title = get(Col::Title);
        let start_date = required_date(&get(Col::StartDate), "開始日", &mut problems);
        let end_date = optional_date(&get(Col::EndDate), "終了日", &mut problems);
        let start_time = optional_time(&get(Col::StartTime), "開始時間", &mut problems);
        let end_time = optional_time(&get(Col::EndTime), "終了時間", &mut problems);
        let deadline = optional_date(&get(Col::DeadlineDate), "参加申込終了日", &mut problems);
        let deadline_time =
            optional_time(&get(Col::DeadlineTime), "参加申込終了時間", &mut problems);
        let lat = optional_number(&get(Col::Lat), "緯度", &mut problems);
        let lon = optional_number(&get(Col::Lon), "経度", &mut problems);

        let Some(start_date) = start_date else {
            if title.is_empty() {
                problems.insert(0, "イベント名がありません。".into());
            }
            return Err(problems);
        };
        let place = get(Col::Place);
        let id = event_id(&get(Col::Code), &get(Col::No), &title, start_date, &place);

        let kind = get(Col::Kind);
        let category = match EventCategory::guess(&kind) {
            EventCategory::Other => EventCategory::guess(&title),
            c => c,
        };
        let mut event = Event::new(
            id,
            title,
            EventDate {
                date: start_date,
                time: start_time,
            },
            category,
        );
        let end_date = end_date.unwrap_or(start_date);
        if end_date != start_date || end_time.is_some() {
            event.end = Some(EventDate {
                date: end_date,
                time: end_time,
            });
        }
        event.reading = Some(to_hiragana(&get(Col::TitleKana))).filter(|r| !r.is_empty());
        event.place = place;
        event.address = address(&get);
        event.lat = lat;
        event.lon = lon;
        event.organiser = get(Col::Organiser);
        event.fee = join_detail(&get(Col::FeeBasic), &get(Col::FeeDetail));
        event.application_deadline = deadline;
        event.application_method = get(Col::ApplicationMethod);
        if let Some(t) = deadline_time {
            let until = format!("（締切 {}）", crate::calendar::format_time(t));
            event.application_method.push_str(&until);
        }
        event.contact = contact(&get);
        event.url = get(Col::Url);

        let capacity = get(Col::Capacity);
        event.capacity = parse_capacity(&capacity);
        let mut notes = vec![
            get(Col::Subtitle),
            get(Col::Overview),
            get(Col::Description),
        ];
        let labelled = [
            ("対象", get(Col::Target)),
            ("日時", get(Col::DateNote)),
            ("共催", get(Col::CoOrganiser)),
            (
                "定員",
                if event.capacity.is_none() {
                    capacity
                } else {
                    String::new()
                },
            ),
            ("アクセス", get(Col::Access)),
            ("駐車場", get(Col::Parking)),
        ];
        for (label, value) in labelled {
            if !value.is_empty() {
                notes.push(format!("{label}：{value}"));
            }
        }
        notes.push(get(Col::Note));
        notes.retain(|n| !n.is_empty());
        notes.dedup();
        event.description = notes.join("\n");

        if let Err(errors) = event.validate() {
            problems.extend(errors.iter().map(|e| e.message_ja()));
        }
        if problems.is_empty() {
            Ok(event)
        } else {
            Err(problems)
        }
    }
}

fn address(get: &impl Fn(Col) -> String) -> String {
    let mut main = get(Col::Address);
    if main.is_empty() {
        main = [
            Col::AddressPrefecture,
            Col::AddressCity,
            Col::AddressTown,
            Col::AddressRest,
        ]
        .into_iter()
        .map(get)
        .collect();
    }
    let postal = get(Col::PostalCode);
    let mut parts = Vec::new();
    if !postal.is_empty() && !main.is_empty() {
        parts.push(format!("〒{}", postal.trim_start_matches('〒')));
    }
    parts.push(main);
    parts.push(get(Col::AddressExtra));
    parts.retain(|p| !p.is_empty());
    parts.join(" ")
}

fn contact(get: &impl Fn(Col) -> String) -> String {
    let phone = get(Col::ContactPhone);
    let extension = get(Col::ContactExtension);
    let phone = if extension.is_empty() {
        phone
    } else {
        format!("{phone} 内線{extension}").trim().to_string()
    };
    [get(Col::ContactName), phone, get(Col::ContactEmail)]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `有料（大人500円）` from 料金(基本) `有料` and 料金(詳細) `大人500円`.
fn join_detail(basic: &str, detail: &str) -> String {
    match (basic.is_empty(), detail.is_empty()) {
        (false, false) => format!("{basic}（{detail}）"),
        (false, true) => basic.to_string(),
        _ => detail.to_string(),
    }
}

fn required_date(value: &str, column: &str, problems: &mut Vec<String>) -> Option<Date> {
    if value.is_empty() {
        problems.push(format!("{column}がありません。"));
        return None;
    }
    optional_date(value, column, problems)
}

fn optional_date(value: &str, column: &str, problems: &mut Vec<String>) -> Option<Date> {
    if value.is_empty() {
        return None;
    }
    let date = parse_date(value);
    if date.is_none() {
        problems.push(format!(
            "{column}「{value}」を日付として読めません。2021-10-23 か 2021/10/23 の形で書いてください。"
        ));
    }
    date
}

fn optional_time(value: &str, column: &str, problems: &mut Vec<String>) -> Option<Time> {
    if value.is_empty() {
        return None;
    }
    let time = parse_time(value);
    if time.is_none() {
        problems.push(format!(
            "{column}「{value}」を時刻として読めません。10:00 の形で書いてください。"
        ));
    }
    time
}

fn optional_number(value: &str, column: &str, problems: &mut Vec<String>) -> Option<f64> {
    if value.is_empty() {
        return None;
    }
    let number = nfkc(value).parse::<f64>().ok().filter(|n| n.is_finite());
    if number.is_none() {
        problems.push(format!(
            "{column}「{value}」を数値として読めません。36.5613 のような10進数で書いてください。"
        ));
    }
    number
}

/// `50`, `５０`, `50人`, `50名`, `1,000` → a number; anything else (`なし`,
/// `先着順`) → `None`, and the importer keeps the text in the description.
fn parse_capacity(value: &str) -> Option<u32> {
    let v = nfkc(value).replace(',', "");
    let v = v
        .strip_suffix('人')
        .or_else(|| v.strip_suffix('名'))
        .unwrap_or(&v)
        .trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

fn nfkc(value: &str) -> String {
    value.nfkc().collect::<String>().trim().to_string()
}

/// Reads `2021-10-23`, `2021/10/23`, `2021/1/5`, `2021.10.23`,
/// `2021年10月23日` (full-width digits too), ignoring a trailing time
/// (`2021/10/23 0:00`, as Excel writes).
pub fn parse_date(value: &str) -> Option<Date> {
    let v = nfkc(value);
    let v = v.split_whitespace().next()?;
    let v = v.strip_suffix('日').unwrap_or(v);
    let parts: Vec<&str> = v.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if y.len() != 4 || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

/// Reads `10:00`, `9:30`, `10:00:00` (seconds dropped), `10時`, `10時30分`,
/// full-width digits too. `24:00` (used for "until the end of the day") is
/// read as 23:59.
pub fn parse_time(value: &str) -> Option<Time> {
    let v = nfkc(value);
    let v = v.as_str();
    let (h, m) = if let Some((h, rest)) = v.split_once(':') {
        let m = rest.split(':').next()?;
        if m.len() != 2 {
            return None;
        }
        (h, m)
    } else if let Some((h, rest)) = v.split_once('時') {
        let m = rest.strip_suffix('分').unwrap_or(rest);
        (h, if m.is_empty() { "0" } else { m })
    } else {
        return None;
    };
    let ok = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !ok(h) || !ok(m) {
        return None;
    }
    let (hour, minute): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
    if hour == 24 && minute == 0 {
        return Time::new(23, 59).ok();
    }
    Time::new(hour, minute).ok()
}

/// The id of an imported row; see the module docs for the rules.
pub fn event_id(code: &str, no: &str, title: &str, start: Date, place: &str) -> EventId {
    let code = nfkc(code);
    let no = nfkc(no);
    if is_portable_id(&no) {
        return no;
    }
    if !code.is_empty() && !no.is_empty() {
        return format!("{code}-{no}");
    }
    let key = format!("{}\u{1f}{}\u{1f}{}", title.trim(), start, place.trim());
    format!("ev-{:016x}", fnv1a64(key.as_bytes()))
}

/// Lower-case ASCII letters, digits, `-` and `_`, with at least one letter,
/// starting with a letter or digit, at most 128 bytes.
fn is_portable_id(s: &str) -> bool {
    s.len() <= 128
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// FNV-1a, 64 bits.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Header names compare after NFKC, without spaces, ASCII in upper case.
fn normalize_header(name: &str) -> String {
    name.nfkc()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}' && *c != '"')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Katakana (full or half width) → hiragana, for 読み仮名.
fn to_hiragana(text: &str) -> String {
    text.nfkc()
        .map(|c| match c {
            'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Hiragana → katakana, for the イベント名_カナ column.
fn to_katakana(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// A file as text, and where its bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Decoded {
    /// Each undecodable byte sequence is one U+FFFD.
    text: String,
    encoding: SourceEncoding,
    /// The physical lines (1-based, counted as [`read_csv`] counts them)
    /// holding an undecodable byte sequence, ascending, each once.
    bad_lines: Vec<usize>,
    /// How many undecodable sequences there were.
    malformed: usize,
}

/// Bytes to text: a UTF-8 BOM, else valid UTF-8, else Shift_JIS (CP932),
/// unless the bytes are UTF-8 but for a few stray bytes (at most one bad
/// sequence per ten good non-ASCII characters).
fn decode(bytes: &[u8]) -> Decoded {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode_as(encoding_rs::UTF_8, SourceEncoding::Utf8Bom, rest);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: text.to_string(),
            encoding: SourceEncoding::Utf8,
            bad_lines: Vec::new(),
            malformed: 0,
        };
    }
    let sjis = decode_as(encoding_rs::SHIFT_JIS, SourceEncoding::ShiftJis, bytes);
    let utf8 = decode_as(encoding_rs::UTF_8, SourceEncoding::Utf8, bytes);
    // Shift_JIS text read as UTF-8 is nearly all errors; UTF-8 text with a
    // stray byte is nearly all characters (read as Shift_JIS, it can be
    // mojibake with few errors, so error counts alone do not tell).
    let utf8_chars = utf8
        .text
        .chars()
        .filter(|&c| !c.is_ascii() && c != '\u{FFFD}')
        .count();
    if utf8.malformed * 10 <= utf8_chars {
        utf8
    } else {
        sjis
    }
}

/// Decodes with `encoding`, noting the line of every malformed sequence.
fn decode_as(
    encoding: &'static encoding_rs::Encoding,
    label: SourceEncoding,
    bytes: &[u8],
) -> Decoded {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(bytes.len() * 3 / 2 + 16);
    let mut bad_offsets = Vec::new();
    let mut rest = bytes;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut text, true);
        rest = &rest[read..];
        match result {
            encoding_rs::DecoderResult::InputEmpty => break,
            encoding_rs::DecoderResult::OutputFull => text.reserve(rest.len() * 3 + 16),
            encoding_rs::DecoderResult::Malformed(_, _) => {
                bad_offsets.push(text.len());
                text.push('\u{FFFD}');
            }
        }
    }
    Decoded {
        bad_lines: lines_of(&text, &bad_offsets),
        malformed: bad_offsets.len(),
        text,
        encoding: label,
    }
}

/// The physical line (1-based; CRLF, CR and LF each end one) of each byte
/// offset in `offsets` (ascending), each line once.
fn lines_of(text: &str, offsets: &[usize]) -> Vec<usize> {
    let mut lines: Vec<usize> = Vec::new();
    let mut line = 1;
    let mut offsets = offsets.iter().peekable();
    let mut chars = text.char_indices().peekable();
    while let Some(&&offset) = offsets.peek() {
        let Some((i, c)) = chars.next() else { break };
        if i == offset {
            if lines.last() != Some(&line) {
                lines.push(line);
            }
            offsets.next();
        }
        if c == '\n' || (c == '\r' && chars.peek().map(|&(_, c)| c) != Some('\n')) {
            line += 1;
        }
    }
    lines
}

/// One CSV record and the physical lines it starts and ends on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Record {
    line: usize,
    end_line: usize,
    fields: Vec<String>,
}

/// RFC 4180 with the leniency real files need: CRLF, LF or CR line ends;
/// quoted fields with `""`, commas and line breaks (kept as `\n`); a quote
/// inside an unquoted field is kept as text. Blank lines are skipped.
/// Returns the records and, if the file ends inside quotes, the line where
/// that record started (it is dropped).
fn read_csv(text: &str) -> (Vec<Record>, Option<usize>) {
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut record_line = 1;
    let mut in_quotes = false;
    let mut was_quoted = false;
    let mut chars = text.chars().peekable();

    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\r' | '\n' => {
                    if c == '\r' && chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    field.push('\n');
                    line += 1;
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !was_quoted => {
                in_quotes = true;
                was_quoted = true;
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
                let record = std::mem::take(&mut fields);
                if !(record.len() == 1 && record[0].is_empty()) {
                    records.push(Record {
                        line: record_line,
                        end_line: line,
                        fields: record,
                    });
                }
                line += 1;
                record_line = line;
            }
            c => field.push(c),
        }
    }
    if in_quotes {
        return (records, Some(record_line));
    }
    if !fields.is_empty() || !field.is_empty() || was_quoted {
        fields.push(field);
        records.push(Record {
            line: record_line,
            end_line: line,
            fields,
        });
    }
    (records, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: u16, m: u8, day: u8) -> Date {
        Date::new(y, m, day).expect("valid test date")
    }

    #[test]
    fn fnv1a64_known_values() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn dates_in_the_forms_files_use() {
        assert_eq!(parse_date("2021-10-23"), Some(d(2021, 10, 23)));
        assert_eq!(parse_date("2021/10/23"), Some(d(2021, 10, 23)));
        assert_eq!(parse_date("2021/1/5"), Some(d(2021, 1, 5)));
        assert_eq!(parse_date(" ２０２１／１０／２３ "), Some(d(2021, 10, 23)));
        assert_eq!(parse_date("2021年10月23日"), Some(d(2021, 10, 23)));
        assert_eq!(parse_date("2021/10/23 0:00"), Some(d(2021, 10, 23)));
        assert_eq!(parse_date("2021/02/30"), None);
        assert_eq!(parse_date("21/10/23"), None);
        assert_eq!(parse_date("令和3年10月23日"), None);
        assert_eq!(parse_date("10月23日"), None);
        assert_eq!(parse_date("2021-10-23-1"), None);
    }

    #[test]
    fn times_in_the_forms_files_use() {
        let t = |h, m| Time::new(h, m).ok();
        assert_eq!(parse_time("10:00"), t(10, 0));
        assert_eq!(parse_time("9:30"), t(9, 30));
        assert_eq!(parse_time("09:30:00"), t(9, 30));
        assert_eq!(parse_time("１０：００"), t(10, 0));
        assert_eq!(parse_time("10時"), t(10, 0));
        assert_eq!(parse_time("10時30分"), t(10, 30));
        assert_eq!(parse_time("24:00"), t(23, 59));
        assert_eq!(parse_time("25:00"), None);
        assert_eq!(parse_time("10:5"), None);
        assert_eq!(parse_time("午前10時"), None);
        assert_eq!(parse_time("10"), None);
    }

    #[test]
    fn ids_follow_the_documented_rules() {
        let day = d(2021, 10, 23);
        assert_eq!(event_id("172014", "15", "t", day, "p"), "172014-15");
        assert_eq!(event_id("172014", "１５", "t", day, "p"), "172014-15");
        assert_eq!(
            event_id("172014", "machinaka-2021", "t", day, "p"),
            "machinaka-2021"
        );
        let hashed = event_id("", "", "まつり", day, "広場");
        assert_eq!(hashed, event_id("", "", " まつり ", day, "広場"));
        assert_ne!(hashed, event_id("", "", "まつり", d(2021, 10, 24), "広場"));
        assert!(hashed.starts_with("ev-") && hashed.len() == 19);
        assert!(is_portable_id(&hashed));
        // The exported NO gives the same id back.
        for id in ["172014-15", "machinaka-2021", hashed.as_str(), "172014-A-1"] {
            let no = export_no(id, "172014");
            assert_eq!(event_id("172014", &no, "t", day, "p"), id, "{id}");
        }
    }

    #[test]
    fn headers_normalise() {
        assert_eq!(normalize_header("料金（基本）"), "料金(基本)");
        assert_eq!(normalize_header(" ＮＯ "), "NO");
        assert_eq!(normalize_header("\u{feff}No"), "NO");
        assert_eq!(normalize_header("ｲﾍﾞﾝﾄ名"), "イベント名");
    }

    #[test]
    fn kana_conversion() {
        assert_eq!(
            to_hiragana("マチナカ ガクセイ マツリ"),
            "まちなかがくせいまつり"
        );
        assert_eq!(to_hiragana("ﾏﾁﾅｶ"), "まちなか");
        assert_eq!(
            to_katakana("まちなかがくせいまつり"),
            "マチナカガクセイマツリ"
        );
        assert_eq!(
            to_hiragana(&to_katakana("しびっくてっく・さみっと")),
            "しびっくてっく・さみっと"
        );
    }

    #[test]
    fn capacity_forms() {
        assert_eq!(parse_capacity("50"), Some(50));
        assert_eq!(parse_capacity("５０名"), Some(50));
        assert_eq!(parse_capacity("1,000人"), Some(1000));
        assert_eq!(parse_capacity("先着順"), None);
        assert_eq!(parse_capacity("-3"), None);
    }

    #[test]
    fn csv_reader() {
        let text = "a,b,c\r\n\"1,2\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n\r\nx,y\"z,\nlast,\"\"";
        let (records, unclosed) = read_csv(text);
        assert_eq!(unclosed, None);
        let lines: Vec<usize> = records.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 2, 5, 6]);
        assert_eq!(records[1].fields, vec!["1,2", "say \"hi\"", "two\nlines"]);
        assert_eq!(records[2].fields, vec!["x", "y\"z", ""]);
        assert_eq!(records[3].fields, vec!["last", ""]);
        let (records, unclosed) = read_csv("a,b\n\"open,\nnever closed\n");
        assert_eq!(records.len(), 1);
        assert_eq!(unclosed, Some(2));
    }

    #[test]
    fn decoding() {
        let text_enc = |bytes: &[u8]| {
            let d = decode(bytes);
            (d.text, d.encoding, d.bad_lines)
        };
        assert_eq!(
            text_enc("\u{feff}イベント名".as_bytes()),
            ("イベント名".into(), SourceEncoding::Utf8Bom, vec![])
        );
        assert_eq!(
            text_enc("イベント名".as_bytes()),
            ("イベント名".into(), SourceEncoding::Utf8, vec![])
        );
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("イベント名,①");
        assert_eq!(
            text_enc(&sjis),
            ("イベント名,①".into(), SourceEncoding::ShiftJis, vec![])
        );
    }

    #[test]
    fn undecodable_bytes_are_found_by_line() {
        let sjis = |s: &str| encoding_rs::SHIFT_JIS.encode(s).0.into_owned();
        let mut bytes = sjis("見出し\r\n一行目\r\n");
        bytes.extend_from_slice(b"\x82\xff\xfd"); // line 3: a lead byte with no trail, then two bytes Shift_JIS lacks
        bytes.extend(sjis("二\r三\n四"));
        bytes.push(0xff); // line 5
        let d = decode(&bytes);
        assert_eq!(d.encoding, SourceEncoding::ShiftJis);
        assert_eq!(d.bad_lines, vec![3, 5]);
        assert!(
            d.text.starts_with("見出し\r\n一行目\r\n\u{FFFD}"),
            "{}",
            d.text
        );

        // UTF-8 with a BOM, and UTF-8 without one but with a stray byte.
        let mut bytes = "\u{feff}a\nイベント".as_bytes().to_vec();
        bytes.push(0xC3);
        let d = decode(&bytes);
        assert_eq!(
            (d.encoding, d.bad_lines),
            (SourceEncoding::Utf8Bom, vec![2])
        );
        let mut bytes = "イベント名,開始日\n春のまつり,2025-04-05\n"
            .as_bytes()
            .to_vec();
        bytes.extend_from_slice(b"\xE3\x81,2025-04-06\n");
        let d = decode(&bytes);
        assert_eq!((d.encoding, d.bad_lines), (SourceEncoding::Utf8, vec![3]));
        assert!(d.text.contains("春のまつり"));
    }

    /// A row with undecodable bytes is reported by its line (a quoted line
    /// break makes it span two) and not imported; the good rows are.
    #[test]
    fn rows_with_undecodable_bytes_are_bad_rows() {
        let sjis = |s: &str| encoding_rs::SHIFT_JIS.encode(s).0.into_owned();
        let mut bytes = sjis("イベント名,開始日,場所名称\r\n春のまつり,2025-04-05,広場\r\n");
        bytes.extend(sjis("夏の"));
        bytes.push(0xFF);
        bytes.extend(sjis(
            "まつり,2025-07-05,公園\r\n秋のまつり,2025-10-05,\"二行の\r\n",
        ));
        bytes.extend_from_slice(b"\xFD");
        bytes.extend(sjis("場所\"\r\n冬のまつり,2026-01-05,町家\r\n"));
        let report = import_events(&bytes);
        assert_eq!(report.encoding, SourceEncoding::ShiftJis);
        let titles: Vec<&str> = report.events.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["春のまつり", "冬のまつり"]);
        let lines: Vec<usize> = report.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4], "{:?}", report.errors);
        assert!(
            report.errors[0].reason.contains("Shift_JIS"),
            "{:?}",
            report.errors
        );
        assert!(
            report.errors[1].reason.starts_with("5行目"),
            "{:?}",
            report.errors
        );
    }
}
