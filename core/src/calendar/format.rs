//! How dates, times and an event's span are written in Japanese (with
//! 和暦 when asked) and English.

use super::dates::{Date, Time};
use crate::events::{Event, EventDate};
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
    let start = &event.start;
    let mut s = format_date_ja_with(start.date, year);
    let end = event.end.filter(|e| *e != *start);
    match end {
        Some(end) if end.date != start.date => {
            if let Some(t) = start.time {
                s.push(' ');
                s.push_str(&format_time(t));
            }
            s.push('〜');
            let end_year = if end.date.year == start.date.year {
                YearStyle::Omit
            } else {
                year
            };
            s.push_str(&format_date_ja_with(end.date, end_year));
            if let Some(t) = end.time {
                s.push(' ');
                s.push_str(&format_time(t));
            }
        }
        _ => push_same_day_times(&mut s, start, end.and_then(|e| e.time), "〜"),
    }
    s
}

/// When an event is, in English: `Sat 23 Oct`, `Sat 23 Oct 10:00–16:00`,
/// `Sat 23 Oct from 10:00`, `Sat 23 Oct – Sun 24 Oct`,
/// `Sat 23 Oct 10:00 – Sun 24 Oct 16:00`.
pub fn format_range_en(event: &Event, year: YearStyle) -> String {
    let start = &event.start;
    let mut s = format_date_en_with(start.date, year);
    let end = event.end.filter(|e| *e != *start);
    match end {
        Some(end) if end.date != start.date => {
            if let Some(t) = start.time {
                s.push(' ');
                s.push_str(&format_time(t));
            }
            s.push_str(" – ");
            s.push_str(&format_date_en_with(end.date, year));
            if let Some(t) = end.time {
                s.push(' ');
                s.push_str(&format_time(t));
            }
        }
        _ => push_same_day_times(&mut s, start, end.and_then(|e| e.time), " from "),
    }
    s
}

/// ` 10:00–16:00`, or the open-ended form (`10:00〜` / `from 10:00`), or
/// `–16:00` alone when only the end time is known.
fn push_same_day_times(s: &mut String, start: &EventDate, end: Option<Time>, open: &str) {
    match (start.time, end) {
        (Some(a), Some(b)) => s.push_str(&format!(" {}–{}", format_time(a), format_time(b))),
        (Some(a), None) if open == "〜" => s.push_str(&format!(" {}〜", format_time(a))),
        (Some(a), None) => s.push_str(&format!("{open}{}", format_time(a))),
        (None, Some(b)) => s.push_str(&format!(" –{}", format_time(b))),
        (None, None) => {}
    }
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
