//! How dates, times and an event's span are written in Japanese (with
//! 和暦 when asked) and English.

use super::dates::{Date, Time};
use crate::events::Event;
use crate::wareki::era_year_ja;

/// Whether formatted dates carry their year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum YearStyle {
    /// `10月23日(土)`: for lists that already say the year.
    #[default]
    Omit,
    /// `2021年10月23日(土)`.
    Gregorian,
    /// `令和3年10月23日(土)` (和暦). English falls back to the Gregorian year.
    Wareki,
}

/// `10月23日(土)`.
pub fn format_date_ja(date: Date) -> String {
    format_date_ja_with(date, YearStyle::Omit)
}

/// `10月23日(土)`, `2021年10月23日(土)` or `令和3年10月23日(土)`.
pub fn format_date_ja_with(date: Date, year: YearStyle) -> String {
    let year = match year {
        YearStyle::Omit => String::new(),
        YearStyle::Gregorian => format!("{}年", date.year),
        YearStyle::Wareki => era_year_ja(date.year),
    };
    format!(
        "{year}{}月{}日({})",
        date.month,
        date.day,
        date.weekday().label_ja()
    )
}

/// `Sat 23 Oct`.
pub fn format_date_en(date: Date) -> String {
    format_date_en_with(date, YearStyle::Omit)
}

/// `Sat 23 Oct` or `Sat 23 Oct 2021`.
pub fn format_date_en_with(date: Date, year: YearStyle) -> String {
    let mut s = format!(
        "{} {} {}",
        date.weekday().label_en(),
        date.day,
        month_abbr_en(date.month)
    );
    if year != YearStyle::Omit {
        s.push_str(&format!(" {}", date.year));
    }
    s
}

/// `10:00`, `9:30`: how a time is written for people.
pub fn format_time(time: Time) -> String {
    format!("{}:{:02}", time.hour, time.minute)
}

/// When an event is, in Japanese:
/// `10月23日(土)`, `10月23日(土) 10:00–16:00`, `10月23日(土) 10:00〜`,
/// `10月23日(土)〜10月24日(日)`, `10月23日(土) 10:00〜10月24日(日) 16:00`.
/// With a year style other than `Omit`, the end date repeats the year only
/// when it differs: `2021年12月30日(木)〜2022年1月2日(日)`.
pub fn format_range_ja(event: &Event, year: YearStyle) -> String {
    format_range(event, year, &JA)
}

/// When an event is, in English: `Sat 23 Oct`, `Sat 23 Oct 10:00–16:00`,
/// `Sat 23 Oct from 10:00`, `Sat 23 Oct – Sun 24 Oct`,
/// `Sat 23 Oct 10:00 – Sun 24 Oct 16:00`.
pub fn format_range_en(event: &Event, year: YearStyle) -> String {
    format_range(event, year, &EN)
}

/// How a language writes an event's dates and times.
struct RangeWords {
    date: fn(Date, YearStyle) -> String,
    /// Between the first and the last day.
    to: &'static str,
    /// Whether the last day repeats the year when it is the first day's.
    same_year_again: bool,
    /// A start time with no end: `10:00〜` (`true`) or ` from 10:00`.
    open_after: bool,
}

const JA: RangeWords = RangeWords {
    date: format_date_ja_with,
    to: "〜",
    same_year_again: false,
    open_after: true,
};

const EN: RangeWords = RangeWords {
    date: format_date_en_with,
    to: " – ",
    same_year_again: true,
    open_after: false,
};

fn format_range(event: &Event, year: YearStyle, words: &RangeWords) -> String {
    let start = &event.start;
    let mut s = (words.date)(start.date, year);
    let end = event.end.filter(|e| *e != *start);
    let push_time = |s: &mut String, t: Option<Time>| {
        if let Some(t) = t {
            s.push(' ');
            s.push_str(&format_time(t));
        }
    };
    match end {
        Some(end) if end.date != start.date => {
            push_time(&mut s, start.time);
            s.push_str(words.to);
            let end_year = if end.date.year == start.date.year && !words.same_year_again {
                YearStyle::Omit
            } else {
                year
            };
            s.push_str(&(words.date)(end.date, end_year));
            push_time(&mut s, end.time);
        }
        // The same day: ` 10:00–16:00`, the open-ended form, or `–16:00`
        // alone when only the end time is known.
        _ => match (start.time, end.and_then(|e| e.time)) {
            (Some(a), Some(b)) => s.push_str(&format!(" {}–{}", format_time(a), format_time(b))),
            (Some(a), None) if words.open_after => s.push_str(&format!(" {}〜", format_time(a))),
            (Some(a), None) => s.push_str(&format!(" from {}", format_time(a))),
            (None, Some(b)) => s.push_str(&format!(" –{}", format_time(b))),
            (None, None) => {}
        },
    }
    s
}

fn month_abbr_en(month: u8) -> &'static str {
    const ABBR: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    ABBR.get(usize::from(month).wrapping_sub(1))
        .copied()
        .unwrap_or("")
}

pub(super) fn month_name_en(month: u8) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES
        .get(usize::from(month).wrapping_sub(1))
        .copied()
        .unwrap_or("")
}
