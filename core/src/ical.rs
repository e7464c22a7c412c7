//! iCalendar (RFC 5545) output, so people can add events to the calendar on
//! their phone, and a minimal reader for what we write.
//!
//! All times are Japan time: timed events are written with
//! `TZID=Asia/Tokyo` and the file carries its own `VTIMEZONE` (UTC+9, no
//! daylight saving since 1951), so no calendar app has to guess.
//! All-day events are `VALUE=DATE` with an exclusive `DTEND`, the day after
//! the last day, as RFC 5545 §3.6.1 asks.

use crate::calendar::{Date, DateError, Time};
use crate::events::{Event, EventDate};

/// `PRODID` of the files we write (the product, not the city).
pub const PRODID: &str = "-//tsunagari//civic calendar//JA";
/// The one time zone everything is in.
pub const TZID: &str = "Asia/Tokyo";

/// The longest physical line, in octets, not counting CRLF (RFC 5545 §3.1).
const MAX_LINE_OCTETS: usize = 75;

/// A moment in UTC, to the second: `DTSTAMP`. Core has no clock, so the
/// caller (the server) passes in when the file is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTimeUtc {
    pub date: Date,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl DateTimeUtc {
    pub fn new(date: Date, hour: u8, minute: u8, second: u8) -> Result<DateTimeUtc, DateError> {
        Time::new(hour, minute)?;
        if second > 59 {
            return Err(DateError::Minute);
        }
        Ok(DateTimeUtc {
            date,
            hour,
            minute,
            second,
        })
    }

    /// From seconds since 1970-01-01T00:00:00Z (what `SystemTime` gives the
    /// server); `None` outside years 1–9999.
    pub fn from_unix_seconds(seconds: i64) -> Option<DateTimeUtc> {
        let date = Date::from_epoch_days(seconds.div_euclid(86_400))?;
        let rest = seconds.rem_euclid(86_400);
        Some(DateTimeUtc {
            date,
            hour: (rest / 3600) as u8,
            minute: (rest % 3600 / 60) as u8,
            second: (rest % 60) as u8,
        })
    }

    /// `20211023T010000Z`.
    pub fn to_basic(self) -> String {
        format!(
            "{}T{:02}{:02}{:02}Z",
            self.date.to_basic(),
            self.hour,
            self.minute,
            self.second
        )
    }
}

/// The whole calendar as an `.ics` file: CRLF line ends, lines folded at 75
/// octets. `calendar_name` becomes `X-WR-CALNAME`, the name calendar apps
/// show for a subscription. `uid_domain` is the city's
/// ([`crate::city::CityConfig::calendar_uid_domain`]): every `UID` is
/// `<event id>@<uid_domain>`.
pub fn to_ics(
    events: &[Event],
    dtstamp: DateTimeUtc,
    calendar_name: &str,
    uid_domain: &str,
) -> String {
    let mut out = String::new();
    let mut line = |s: &str| push_folded(&mut out, s);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line(&format!("PRODID:{PRODID}"));
    line("CALSCALE:GREGORIAN");
    line(&format!("X-WR-CALNAME:{}", escape_text(calendar_name)));
    line(&format!("X-WR-TIMEZONE:{TZID}"));
    line("BEGIN:VTIMEZONE");
    line(&format!("TZID:{TZID}"));
    line("BEGIN:STANDARD");
    line("DTSTART:19700101T000000");
    line("TZOFFSETFROM:+0900");
    line("TZOFFSETTO:+0900");
    line("TZNAME:JST");
    line("END:STANDARD");
    line("END:VTIMEZONE");
    for event in events {
        for property in event_lines(event, dtstamp, uid_domain) {
            line(&property);
        }
    }
    line("END:VCALENDAR");
    out
}

/// The unfolded content lines of one `VEVENT`.
fn event_lines(event: &Event, dtstamp: DateTimeUtc, uid_domain: &str) -> Vec<String> {
    let mut lines = vec![
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}", escape_text(&uid(&event.id, uid_domain))),
        format!("DTSTAMP:{}", dtstamp.to_basic()),
    ];
    let (start, end) = ics_start_end(event);
    lines.push(format!("DTSTART{start}"));
    if let Some(end) = end {
        lines.push(format!("DTEND{end}"));
    }
    lines.push(format!("SUMMARY:{}", escape_text(&event.title)));
    let location = location(event);
    if !location.is_empty() {
        lines.push(format!("LOCATION:{}", escape_text(&location)));
    }
    if let (Some(lat), Some(lon)) = (event.lat, event.lon)
        && lat.is_finite()
        && lon.is_finite()
    {
        lines.push(format!("GEO:{lat};{lon}"));
    }
    let description = description(event);
    if !description.is_empty() {
        lines.push(format!("DESCRIPTION:{}", escape_text(&description)));
    }
    if let Some(url) = uri(&event.url) {
        lines.push(format!("URL:{url}"));
    }
    lines.push(format!(
        "CATEGORIES:{}",
        escape_text(event.category.label_ja())
    ));
    if let Some(email) = email_in(&event.contact) {
        let name = param_value(&event.organiser);
        if name.is_empty() {
            lines.push(format!("ORGANIZER:mailto:{email}"));
        } else {
            lines.push(format!("ORGANIZER;CN=\"{name}\":mailto:{email}"));
        }
    }
    lines.push("END:VEVENT".to_string());
    lines
}

/// `<id>@<domain>` (`…@tsunagari.kanazawa`): stable, so a re-subscribed
/// calendar updates events instead of duplicating them.
pub fn uid(id: &str, domain: &str) -> String {
    format!("{id}@{domain}")
}

/// The `DTSTART` and `DTEND` parameters and values (`;VALUE=DATE:20211023`).
fn ics_start_end(event: &Event) -> (String, Option<String>) {
    let local = |date: Date, time: Time| {
        format!(
            ";TZID={TZID}:{}T{:02}{:02}00",
            date.to_basic(),
            time.hour(),
            time.minute()
        )
    };
    let day = |date: Date| format!(";VALUE=DATE:{}", date.to_basic());
    match event.start.time {
        // All day: DTEND is the day after the last day (exclusive).
        None => {
            let last = event.last_day();
            let end = last.next_day().map(day);
            (day(event.start.date), end)
        }
        Some(start_time) => {
            let start = local(event.start.date, start_time);
            let end = match event.end {
                Some(EventDate {
                    date,
                    time: Some(t),
                }) => Some(local(date, t)),
                // Runs over several days, end time unknown: until the end
                // of the last day.
                Some(EventDate { date, time: None }) if date > event.start.date => {
                    date.next_day().map(|d| local(d, Time::MIDNIGHT))
                }
                _ => None,
            };
            (start, end)
        }
    }
}

/// `LOCATION`: the place's name, then the address.
fn location(event: &Event) -> String {
    [event.place.trim(), event.address.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `DESCRIPTION`: the description, then what people need to decide and go
/// (organiser, fee, capacity, how and until when to apply, contact).
pub fn description(event: &Event) -> String {
    let mut facts = Vec::new();
    let mut fact = |label: &str, value: &str| {
        if !value.trim().is_empty() {
            facts.push(format!("{label}: {}", value.trim()));
        }
    };
    fact("主催", &event.organiser);
    fact("料金", &event.fee);
    fact(
        "定員",
        &event.capacity.map(|c| format!("{c}人")).unwrap_or_default(),
    );
    fact(
        "申込締切",
        &event
            .application_deadline
            .map(crate::calendar::format_date_ja)
            .unwrap_or_default(),
    );
    fact("申込方法", &event.application_method);
    fact("問い合わせ", &event.contact);
    let mut text = event.description.trim().to_string();
    if !facts.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&facts.join("\n"));
    }
    text
}

/// A URL is written only when it is an http(s) URI without spaces or
/// control characters (`URL` is of type URI, not TEXT: it cannot be escaped).
fn uri(url: &str) -> Option<&str> {
    let url = url.trim();
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(url)
}

/// The first plain e-mail address in `text`, if any: `ORGANIZER` must be a
/// `mailto:` address, so without one it is left out.
pub fn email_in(text: &str) -> Option<&str> {
    text.split(|c: char| c.is_whitespace() || "、,;()（）<>「」:：".contains(c))
        .find(|word| {
            let Some((local, domain)) = word.split_once('@') else {
                return false;
            };
            let allowed = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && local.chars().all(allowed)
                && domain
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        })
}

/// A quoted parameter value (`CN="..."`): no double quotes or control
/// characters are allowed inside, so they are dropped.
fn param_value(text: &str) -> String {
    text.chars()
        .filter(|&c| c != '"' && !c.is_control())
        .collect::<String>()
        .trim()
        .to_string()
}

/// What TEXT can carry: line breaks become `\n`, other control characters
/// (which RFC 5545 TEXT cannot hold, except tab) are dropped.
pub fn sanitize_text(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

/// RFC 5545 §3.3.11 TEXT escaping: `\` `;` `,` and line breaks.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in sanitize_text(text).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Undoes [`escape_text`]. An unknown escape keeps the character after the
/// backslash; a lone backslash at the end is kept.
pub fn unescape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Appends one content line, folded so that no physical line is longer than
/// 75 octets and no UTF-8 character is split, each line ending in CRLF.
/// Continuation lines start with one space (which counts in the 75).
/// An escape pair (`\n`) is never split either.
pub fn push_folded(out: &mut String, line: &str) {
    let mut rest = line;
    let mut limit = MAX_LINE_OCTETS;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        // Keep an escape (`\n`, `\,`) on one line: legal to split, but some
        // readers unescape before they unfold.
        let backslashes = rest[..cut]
            .bytes()
            .rev()
            .take_while(|&b| b == b'\\')
            .count();
        if backslashes % 2 == 1 {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        limit = MAX_LINE_OCTETS - 1;
    }
}

/// Joins folded lines back into content lines (RFC 5545 §3.1): a line that
/// starts with a space or a tab continues the one before. Accepts CRLF or LF.
pub fn unfold(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for physical in text.split('\n') {
        let physical = physical.strip_suffix('\r').unwrap_or(physical);
        match (physical.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(cont), Some(last)) => last.push_str(cont),
            _ if physical.is_empty() => {}
            _ => lines.push(physical.to_string()),
        }
    }
    lines
}

/// Why an `.ics` file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcsError {
    #[error("this is not an iCalendar file (no BEGIN:VCALENDAR)")]
    NotACalendar,
    #[error("content line {line} has no ':'")]
    MalformedLine { line: usize },
    #[error("an event that starts on content line {line} never ends")]
    UnterminatedEvent { line: usize },
    #[error("the event that starts on content line {line} has no {property}")]
    MissingProperty { line: usize, property: &'static str },
    #[error("content line {line}: {value:?} is not a date or date-time")]
    BadDate { line: usize, value: String },
}

/// A DTSTART or DTEND as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IcsDateTime {
    /// `VALUE=DATE`: a whole day.
    Date(Date),
    /// A date-time; seconds are dropped. `utc` for a trailing `Z`.
    DateTime {
        date: Date,
        time: Time,
        tzid: Option<String>,
        utc: bool,
    },
}

/// One `VEVENT` as read back, TEXT values unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedEvent {
    pub uid: String,
    pub summary: String,
    pub start: IcsDateTime,
    pub end: Option<IcsDateTime>,
    pub location: Option<String>,
    pub description: Option<String>,
    pub url: Option<String>,
    pub categories: Option<String>,
}

/// Reads the `VEVENT`s of an `.ics` file: unfolds, unescapes and reads UID,
/// SUMMARY, DTSTART, DTEND, LOCATION, DESCRIPTION, URL and CATEGORIES.
/// Everything else is skipped. Line numbers in errors count content lines.
pub fn parse_ics(text: &str) -> Result<Vec<ParsedEvent>, IcsError> {
    let lines = unfold(text.strip_prefix('\u{feff}').unwrap_or(text));
    if !lines
        .iter()
        .any(|l| l.eq_ignore_ascii_case("BEGIN:VCALENDAR"))
    {
        return Err(IcsError::NotACalendar);
    }
    let mut events = Vec::new();
    let mut current: Option<(usize, Vec<Property>)> = None;
    for (i, line) in lines.iter().enumerate() {
        let number = i + 1;
        let (name, params, value) =
            split_content_line(line).ok_or(IcsError::MalformedLine { line: number })?;
        match (name.as_str(), value.to_ascii_uppercase().as_str()) {
            ("BEGIN", "VEVENT") => {
                if let Some((start, _)) = current {
                    return Err(IcsError::UnterminatedEvent { line: start });
                }
                current = Some((number, Vec::new()));
            }
            ("END", "VEVENT") => {
                let (start, props) = current
                    .take()
                    .ok_or(IcsError::MalformedLine { line: number })?;
                events.push(build_event(start, &props)?);
            }
            _ => {
                if let Some((_, props)) = current.as_mut() {
                    props.push((name, params, value));
                }
            }
        }
    }
    if let Some((start, _)) = current {
        return Err(IcsError::UnterminatedEvent { line: start });
    }
    Ok(events)
}

type Property = (String, Vec<(String, String)>, String);

fn build_event(line: usize, props: &[Property]) -> Result<ParsedEvent, IcsError> {
    let text = |wanted: &str| {
        props
            .iter()
            .find(|(name, _, _)| name == wanted)
            .map(|(_, _, value)| unescape_text(value))
    };
    let date = |wanted: &str| -> Result<Option<IcsDateTime>, IcsError> {
        match props.iter().find(|(name, _, _)| name == wanted) {
            None => Ok(None),
            Some((_, params, value)) => {
                parse_date_time(params, value)
                    .map(Some)
                    .map_err(|_| IcsError::BadDate {
                        line,
                        value: value.clone(),
                    })
            }
        }
    };
    let missing = |property| IcsError::MissingProperty { line, property };
    Ok(ParsedEvent {
        uid: text("UID").ok_or(missing("UID"))?,
        summary: text("SUMMARY").unwrap_or_default(),
        start: date("DTSTART")?.ok_or(missing("DTSTART"))?,
        end: date("DTEND")?,
        location: text("LOCATION"),
        description: text("DESCRIPTION"),
        url: props
            .iter()
            .find(|(name, _, _)| name == "URL")
            .map(|(_, _, v)| v.clone()),
        categories: text("CATEGORIES"),
    })
}

fn parse_date_time(params: &[(String, String)], value: &str) -> Result<IcsDateTime, DateError> {
    let param = |wanted: &str| {
        params
            .iter()
            .find(|(name, _)| name == wanted)
            .map(|(_, v)| v.clone())
    };
    let is_date = param("VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"));
    if is_date || value.len() == 8 {
        return Date::parse_basic(value).map(IcsDateTime::Date);
    }
    let (day, rest) = value.split_once('T').ok_or(DateError::Shape)?;
    let (clock, utc) = match rest.strip_suffix('Z') {
        Some(clock) => (clock, true),
        None => (rest, false),
    };
    if clock.len() != 6 || !clock.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DateError::Shape);
    }
    let number = |r: std::ops::Range<usize>| clock[r].parse::<u8>().map_err(|_| DateError::Shape);
    let time = Time::new(number(0..2)?, number(2..4)?)?;
    if number(4..6)? > 60 {
        return Err(DateError::Shape);
    }
    Ok(IcsDateTime::DateTime {
        date: Date::parse_basic(day)?,
        time,
        tzid: param("TZID"),
        utc,
    })
}

/// `NAME;P1=v;P2="a:b":value` → (`NAME`, params, `value`). Names are upper
/// case; `:` and `;` inside quoted parameter values do not split.
fn split_content_line(line: &str) -> Option<Property> {
    let mut in_quotes = false;
    let mut colon = None;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ':' if !in_quotes => {
                colon = Some(i);
                break;
            }
            _ => {}
        }
    }
    let colon = colon?;
    let (head, value) = (&line[..colon], &line[colon + 1..]);
    let mut parts = Vec::new();
    let mut start = 0;
    in_quotes = false;
    for (i, c) in head.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ';' if !in_quotes => {
                parts.push(&head[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&head[start..]);
    let name = parts.first()?.trim().to_ascii_uppercase();
    if name.is_empty() {
        return None;
    }
    let params = parts[1..]
        .iter()
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_ascii_uppercase(),
                v.trim_matches('"').to_string(),
            )
        })
        .collect();
    Some((name, params, value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventCategory;

    fn d(y: u16, m: u8, day: u8) -> Date {
        Date::new(y, m, day).expect("valid test date")
    }

    fn stamp() -> DateTimeUtc {
        DateTimeUtc::new(d(2024, 1, 15), 3, 4, 5).expect("valid stamp")
    }

    #[test]
    fn unix_seconds() {
        assert_eq!(
            DateTimeUtc::from_unix_seconds(0).map(DateTimeUtc::to_basic),
            Some("19700101T000000Z".to_string())
        );
        assert_eq!(
            DateTimeUtc::from_unix_seconds(1_705_287_845).map(DateTimeUtc::to_basic),
            Some("20240115T030405Z".to_string())
        );
        assert_eq!(
            DateTimeUtc::from_unix_seconds(-1).map(DateTimeUtc::to_basic),
            Some("19691231T235959Z".to_string())
        );
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_text(r"a\b;c,d"), r"a\\b\;c\,d");
        assert_eq!(
            escape_text("一行目\r\n二行目\r三\n四"),
            r"一行目\n二行目\n三\n四"
        );
        assert_eq!(escape_text("bell\u{7}tab\t"), "belltab\t");
        assert_eq!(
            escape_text("colon: and \"quotes\""),
            "colon: and \"quotes\""
        );
        assert_eq!(unescape_text(r"a\\b\;c\,d\nE\Nf"), "a\\b;c,d\nE\nf");
        assert_eq!(unescape_text("end\\"), "end\\");
    }

    #[test]
    fn folding_never_splits_a_character() {
        let title = "まちなか学生まつり".repeat(10);
        let mut out = String::new();
        push_folded(&mut out, &format!("SUMMARY:{title}"));
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        assert!(out.ends_with("\r\n"));
        assert_eq!(unfold(&out), vec![format!("SUMMARY:{title}")]);
        // A line of exactly 75 octets is not folded.
        let exact = "X".repeat(75);
        let mut out = String::new();
        push_folded(&mut out, &exact);
        assert_eq!(out, format!("{exact}\r\n"));
    }

    #[test]
    fn email_detection() {
        assert_eq!(
            email_in("協働推進課 076-220-2026 kyoudou@city.kanazawa.lg.jp"),
            Some("kyoudou@city.kanazawa.lg.jp")
        );
        assert_eq!(email_in("TEL 076-220-2026"), None);
        assert_eq!(email_in("@twitter"), None);
        assert_eq!(email_in("a@b"), None);
    }

    #[test]
    fn a_timed_event() {
        let mut event = Event::new(
            "x",
            "Civic Tech Summit, KANAZAWA; 2021",
            EventDate::at(d(2021, 11, 13), Time::new(10, 0).unwrap()),
            EventCategory::Festival,
        );
        event.end = Some(EventDate::at(d(2021, 11, 13), Time::new(16, 30).unwrap()));
        event.place = "金沢未来のまち創造館".into();
        let ics = to_ics(
            std::slice::from_ref(&event),
            stamp(),
            "テスト",
            "tsunagari.kanazawa",
        );
        assert!(ics.contains("DTSTART;TZID=Asia/Tokyo:20211113T100000\r\n"));
        assert!(ics.contains("DTEND;TZID=Asia/Tokyo:20211113T163000\r\n"));
        assert!(ics.contains("SUMMARY:Civic Tech Summit\\, KANAZAWA\\; 2021\r\n"));
        assert!(!ics.contains("ORGANIZER"));
        let parsed = parse_ics(&ics).expect("parses");
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].summary, event.title);
        assert_eq!(parsed[0].uid, "x@tsunagari.kanazawa");
        assert_eq!(
            parsed[0].start,
            IcsDateTime::DateTime {
                date: d(2021, 11, 13),
                time: Time::new(10, 0).unwrap(),
                tzid: Some("Asia/Tokyo".into()),
                utc: false,
            }
        );
    }

    #[test]
    fn open_multi_day_timed_event_ends_at_midnight_after_the_last_day() {
        let mut event = Event::new(
            "y",
            "y",
            EventDate::at(d(2021, 12, 31), Time::new(18, 0).unwrap()),
            EventCategory::Other,
        );
        event.end = Some(EventDate::all_day(d(2022, 1, 1)));
        let (_, end) = ics_start_end(&event);
        assert_eq!(end.as_deref(), Some(";TZID=Asia/Tokyo:20220102T000000"));
        event.end = None;
        assert_eq!(ics_start_end(&event).1, None);
    }

    #[test]
    fn organizer_only_with_an_email_address() {
        let mut event = Event::new(
            "z",
            "z",
            EventDate::all_day(d(2024, 2, 2)),
            EventCategory::Exchange,
        );
        event.organiser = "協働をすすめる\"市民会議\"".into();
        event.contact = "kyoudou@city.kanazawa.lg.jp".into();
        let ics = to_ics(&[event], stamp(), "t", "tsunagari.kanazawa");
        assert!(
            unfold(&ics).contains(
                &"ORGANIZER;CN=\"協働をすすめる市民会議\":mailto:kyoudou@city.kanazawa.lg.jp"
                    .to_string()
            )
        );
    }

    #[test]
    fn parser_errors() {
        assert_eq!(parse_ics("hello"), Err(IcsError::NotACalendar));
        assert_eq!(
            parse_ics("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\n"),
            Err(IcsError::UnterminatedEvent { line: 2 })
        );
        assert_eq!(
            parse_ics("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\nEND:VCALENDAR"),
            Err(IcsError::MissingProperty {
                line: 2,
                property: "DTSTART"
            })
        );
        assert!(matches!(
            parse_ics(
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20210230\nEND:VEVENT\nEND:VCALENDAR"
            ),
            Err(IcsError::BadDate { .. })
        ));
        assert_eq!(
            parse_ics("BEGIN:VCALENDAR\nno colon here\nEND:VCALENDAR"),
            Err(IcsError::MalformedLine { line: 2 })
        );
        // Quoted parameter values may hold ':' and ';'.
        let ok = parse_ics(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART;X-P=\"a:b;c\":20210101T090000Z\nEND:VEVENT\nEND:VCALENDAR",
        )
        .expect("parses");
        assert!(matches!(
            ok[0].start,
            IcsDateTime::DateTime { utc: true, .. }
        ));
    }
}
