//! The calendar (カレンダー): dates, month grids, agenda lists and how dates
//! are written in Japanese and English.
//!
//! No clock and no time zone database: a [`Date`] and a [`Time`] are always
//! Japan time (Asia/Tokyo, UTC+9 all year, no daylight saving), whatever the
//! phone's zone. "Today" is passed in by the caller.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::events::{Event, EventDate};
use crate::wareki::era_year_ja;

/// The first and last years a [`Date`] can hold (iCalendar and the open-data
/// files write years with four digits).
pub const MIN_YEAR: u16 = 1;
pub const MAX_YEAR: u16 = 9999;

/// Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar
/// (the shift used by the civil-from-days algorithm below).
const UNIX_EPOCH_SHIFT: i64 = 719_468;

/// Whether `year` has a 29 February (proleptic Gregorian rules).
pub fn is_leap_year(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Days in `month` (1–12) of `year`; 0 for a month that does not exist.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days in `year`: 365 or 366.
pub fn days_in_year(year: u16) -> u16 {
    if is_leap_year(year) { 366 } else { 365 }
}

/// Why a date or a time could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("the year must be between 1 and 9999")]
    Year,
    #[error("the month must be between 1 and 12")]
    Month,
    #[error("that month has no such day")]
    Day,
    #[error("the hour must be between 0 and 23")]
    Hour,
    #[error("the minute must be between 0 and 59")]
    Minute,
    #[error("a date looks like 2021-10-23, a time like 10:00")]
    Shape,
}

/// 日付 — a day in the Gregorian calendar, in Japan. Always valid: the only
/// ways to make one check it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    // Field order matters: the derived `Ord` is chronological.
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// A checked date: `Date::new(2021, 10, 23)`.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Date, DateError> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(DateError::Year);
        }
        if !(1..=12).contains(&month) {
            return Err(DateError::Month);
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(DateError::Day);
        }
        Ok(Date { year, month, day })
    }

    pub fn year(self) -> u16 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// The month this date is in.
    pub fn year_month(self) -> YearMonth {
        YearMonth {
            year: self.year,
            month: self.month,
        }
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn to_epoch_days(self) -> i64 {
        // Howard Hinnant's days_from_civil, with March as the first month so
        // that the leap day is the last day of the shifted year.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - UNIX_EPOCH_SHIFT
    }

    /// The date `days` after 1970-01-01, or `None` outside years 1–9999.
    pub fn from_epoch_days(days: i64) -> Option<Date> {
        let z = days.checked_add(UNIX_EPOCH_SHIFT)?;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        let year = u16::try_from(year).ok()?;
        Date::new(year, u8::try_from(month).ok()?, u8::try_from(day).ok()?).ok()
    }

    /// 1 for 1 January up to 365 or 366 for 31 December.
    pub fn ordinal(self) -> u16 {
        let before: u16 = (1..self.month)
            .map(|m| u16::from(days_in_month(self.year, m)))
            .sum();
        before + u16::from(self.day)
    }

    /// The `ordinal`-th day of `year` (1-based).
    pub fn from_ordinal(year: u16, ordinal: u16) -> Result<Date, DateError> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(DateError::Year);
        }
        if ordinal == 0 || ordinal > days_in_year(year) {
            return Err(DateError::Day);
        }
        let mut left = ordinal;
        for month in 1..=12 {
            let len = u16::from(days_in_month(year, month));
            if left <= len {
                // `left` is at most 31 here.
                return Date::new(year, month, left as u8);
            }
            left -= len;
        }
        Err(DateError::Day)
    }

    /// The date `days` later (earlier when negative), or `None` past year 1–9999.
    pub fn add_days(self, days: i64) -> Option<Date> {
        Date::from_epoch_days(self.to_epoch_days().checked_add(days)?)
    }

    /// The next day, or `None` after 9999-12-31.
    pub fn next_day(self) -> Option<Date> {
        self.add_days(1)
    }

    /// Days from `self` to `other`: positive when `other` is later.
    pub fn days_until(self, other: Date) -> i64 {
        other.to_epoch_days() - self.to_epoch_days()
    }

    /// 曜日 — the day of the week.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        let index = (self.to_epoch_days() + 3).rem_euclid(7);
        Weekday::ALL[index as usize]
    }

    /// `20211023`, the iCalendar DATE form.
    pub fn to_basic(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// Reads `YYYYMMDD` (the iCalendar DATE form).
    pub fn parse_basic(s: &str) -> Result<Date, DateError> {
        if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DateError::Shape);
        }
        let year = s[0..4].parse().map_err(|_| DateError::Shape)?;
        let month = s[4..6].parse().map_err(|_| DateError::Shape)?;
        let day = s[6..8].parse().map_err(|_| DateError::Shape)?;
        Date::new(year, month, day)
    }
}

/// `2021-10-23` (ISO 8601), the form used in JSON.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Reads exactly `YYYY-MM-DD`. The open-data importer accepts more forms.
impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError::Shape);
        }
        let digits = |r: std::ops::Range<usize>| -> Result<u16, DateError> {
            let part = &s[r];
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(DateError::Shape);
            }
            part.parse().map_err(|_| DateError::Shape)
        };
        let year = digits(0..4)?;
        let month = u8::try_from(digits(5..7)?).map_err(|_| DateError::Month)?;
        let day = u8::try_from(digits(8..10)?).map_err(|_| DateError::Day)?;
        Date::new(year, month, day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// 時刻 — a time of day in Japan, to the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Time {
    hour: u8,
    minute: u8,
}

impl Time {
    /// 0:00, the start of a day.
    pub const MIDNIGHT: Time = Time { hour: 0, minute: 0 };

    pub fn new(hour: u8, minute: u8) -> Result<Time, DateError> {
        if hour > 23 {
            return Err(DateError::Hour);
        }
        if minute > 59 {
            return Err(DateError::Minute);
        }
        Ok(Time { hour, minute })
    }
    pub fn hour(self) -> u8 {
        self.hour
    }
    pub fn minute(self) -> u8 {
        self.minute
    }
    /// Minutes since midnight.
    pub fn minutes(self) -> u16 {
        u16::from(self.hour) * 60 + u16::from(self.minute)
    }
}

/// `10:00`, `09:30` (always two-digit hours; the wire form).
impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

/// Reads `HH:MM` or `H:MM`.
impl FromStr for Time {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (h, m) = s.split_once(':').ok_or(DateError::Shape)?;
        let ok = |p: &str, max: usize| {
            !p.is_empty() && p.len() <= max && p.bytes().all(|c| c.is_ascii_digit())
        };
        if !ok(h, 2) || !ok(m, 2) || m.len() != 2 {
            return Err(DateError::Shape);
        }
        let hour = h.parse().map_err(|_| DateError::Shape)?;
        let minute = m.parse().map_err(|_| DateError::Shape)?;
        Time::new(hour, minute)
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// 曜日 — a day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    /// Monday first (ISO 8601 order).
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// 0 for Monday up to 6 for Sunday.
    pub fn index_from_monday(self) -> u8 {
        self as u8
    }

    /// `土` for Saturday.
    pub fn label_ja(self) -> &'static str {
        match self {
            Weekday::Monday => "月",
            Weekday::Tuesday => "火",
            Weekday::Wednesday => "水",
            Weekday::Thursday => "木",
            Weekday::Friday => "金",
            Weekday::Saturday => "土",
            Weekday::Sunday => "日",
        }
    }

    /// `Sat` for Saturday.
    pub fn label_en(self) -> &'static str {
        match self {
            Weekday::Monday => "Mon",
            Weekday::Tuesday => "Tue",
            Weekday::Wednesday => "Wed",
            Weekday::Thursday => "Thu",
            Weekday::Friday => "Fri",
            Weekday::Saturday => "Sat",
            Weekday::Sunday => "Sun",
        }
    }
}

/// 週の始まり — which day a month grid's rows start on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeekStart {
    /// Japanese wall calendars usually start on Sunday.
    #[default]
    Sunday,
    Monday,
}

impl WeekStart {
    pub fn weekday(self) -> Weekday {
        match self {
            WeekStart::Sunday => Weekday::Sunday,
            WeekStart::Monday => Weekday::Monday,
        }
    }

    /// The seven weekdays of a grid row, in order.
    pub fn weekdays(self) -> [Weekday; 7] {
        let first = self.weekday().index_from_monday() as usize;
        std::array::from_fn(|i| Weekday::ALL[(first + i) % 7])
    }
}

/// A month of a year: what a month view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct YearMonth {
    pub year: u16,
    pub month: u8,
}

impl YearMonth {
    /// A checked month.
    pub fn new(year: u16, month: u8) -> Result<YearMonth, DateError> {
        Date::new(year, month, 1).map(Date::year_month)
    }

    /// The first day of the month, or `None` when the month does not exist.
    pub fn first_day(self) -> Option<Date> {
        Date::new(self.year, self.month, 1).ok()
    }

    /// The last day of the month, or `None` when the month does not exist.
    pub fn last_day(self) -> Option<Date> {
        Date::new(self.year, self.month, days_in_month(self.year, self.month)).ok()
    }

    /// Months since January of year 0: lets two months be subtracted.
    pub fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    /// The month with the given [`YearMonth::index`], if its year is 1–9999.
    pub fn from_index(index: i64) -> Option<YearMonth> {
        let year = u16::try_from(index.div_euclid(12)).ok()?;
        let month = u8::try_from(index.rem_euclid(12) + 1).ok()?;
        YearMonth::new(year, month).ok()
    }

    pub fn next(self) -> Option<YearMonth> {
        YearMonth::from_index(self.index() + 1)
    }

    pub fn previous(self) -> Option<YearMonth> {
        YearMonth::from_index(self.index() - 1)
    }

    /// `2021年10月`.
    pub fn format_ja(self) -> String {
        format!("{}年{}月", self.year, self.month)
    }

    /// `October 2021`.
    pub fn format_en(self) -> String {
        format!("{} {}", month_name_en(self.month), self.year)
    }
}

/// How many of `events` touch each day of a month grid (`weeks`, as
/// [`month_grid`] gives them), in the grid's order, in one pass over the
/// events; an event outside the grid counts nowhere.
pub fn events_per_cell(weeks: &[[Date; 7]], events: &[Event]) -> Vec<usize> {
    let cells = weeks.len() * 7;
    let mut counts = vec![0usize; cells];
    let Some(first) = weeks.first().map(|w| w[0]) else {
        return counts;
    };
    for event in events {
        let from = first.days_until(event.first_day()).max(0);
        let to = first.days_until(event.last_day()).min(cells as i64 - 1);
        for i in from..=to {
            counts[i as usize] += 1;
        }
    }
    counts
}

/// The weeks a month view shows: every week that holds a day of the month,
/// each starting on `week_start`, with the neighbour months' days filling the
/// first and last rows. Four to six rows; empty when the month does not exist
/// (or its grid would run past year 1–9999).
pub fn month_grid(year: u16, month: u8, week_start: WeekStart) -> Vec<[Date; 7]> {
    let ym = YearMonth { year, month };
    let (Some(first), Some(last)) = (ym.first_day(), ym.last_day()) else {
        return Vec::new();
    };
    let start_index = week_start.weekday().index_from_monday();
    let lead = (7 + first.weekday().index_from_monday() - start_index) % 7;
    let Some(mut day) = first.add_days(-i64::from(lead)) else {
        return Vec::new();
    };
    let mut weeks = Vec::with_capacity(6);
    while day <= last {
        let mut week = [day; 7];
        for (i, slot) in week.iter_mut().enumerate() {
            match day.add_days(i as i64) {
                Some(d) => *slot = d,
                None => return Vec::new(),
            }
        }
        weeks.push(week);
        match day.add_days(7) {
            Some(d) => day = d,
            None => break,
        }
    }
    weeks
}

/// Indices into `events` of those on `day`, a multi-day event on every day it
/// spans. Ordered as a day view lists them: all-day events first, then by
/// start time, then by title.
pub fn events_on(day: Date, events: &[Event]) -> Vec<usize> {
    let mut found: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.is_on(day))
        .map(|(i, _)| i)
        .collect();
    crate::sort::sort_indices(&mut found, &|a, b| {
        let (ea, eb) = (&events[a], &events[b]);
        // Starts before `day`: it runs all day, shown with the all-day events.
        let key = |e: &Event| {
            if e.start.date < day {
                None
            } else {
                e.start.time
            }
        };
        key(ea)
            .cmp(&key(eb))
            .then_with(|| ea.title.cmp(&eb.title))
            .then(a.cmp(&b))
    });
    found
}

/// Every month in which some event takes place, in order, without repeats.
/// A multi-day event counts in each month it touches.
pub fn months_with_events(events: &[Event]) -> Vec<YearMonth> {
    let mut months: Vec<YearMonth> = Vec::new();
    for event in events {
        let first = event.first_day().year_month();
        let last = event.last_day().year_month();
        let mut index = first.index();
        while index <= last.index() {
            if let Some(m) = YearMonth::from_index(index) {
                months.push(m);
            }
            index += 1;
        }
    }
    crate::sort::sort_by(&mut months, Ord::cmp);
    months.dedup();
    months
}

/// For "nothing on this month — the nearest month with events is …": the
/// first month with events from `year`/`month` on (the month itself when it
/// has events), looking forward first: what is coming is more useful than
/// what is over. Only when nothing lies ahead, the latest month before.
/// `None` when there are no events at all.
pub fn nearest_month_with_events(year: u16, month: u8, events: &[Event]) -> Option<YearMonth> {
    let here = YearMonth { year, month }.index();
    let months = months_with_events(events);
    months
        .iter()
        .find(|m| m.index() >= here)
        .or_else(|| months.last())
        .copied()
}

/// The agenda (予定): indices of events that have not ended by `today`
/// (including those going on today), soonest first.
pub fn upcoming(today: Date, events: &[Event]) -> Vec<usize> {
    let mut found: Vec<usize> = (0..events.len())
        .filter(|&i| events[i].last_day() >= today)
        .collect();
    crate::sort::sort_indices(&mut found, &|a, b| {
        compare_start(&events[a], &events[b]).then(a.cmp(&b))
    });
    found
}

/// Past events (終了したイベント): indices of events whose last day is
/// before `today`, the most recent first.
pub fn past(today: Date, events: &[Event]) -> Vec<usize> {
    let mut found: Vec<usize> = (0..events.len())
        .filter(|&i| events[i].last_day() < today)
        .collect();
    crate::sort::sort_indices(&mut found, &|a, b| {
        compare_start(&events[b], &events[a]).then(a.cmp(&b))
    });
    found
}

fn compare_start(a: &Event, b: &Event) -> std::cmp::Ordering {
    a.start
        .cmp(&b.start)
        .then_with(|| a.last_day().cmp(&b.last_day()))
        .then_with(|| a.title.cmp(&b.title))
}

/// 年度 — the fiscal year (April to March) a date falls in, by its starting
/// year: 2022-03-31 is in 2021 (令和3年度), 2022-04-01 in 2022.
pub fn fiscal_year_of(date: Date) -> u16 {
    if date.month >= 4 {
        date.year
    } else {
        date.year - 1
    }
}

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

fn month_name_en(month: u8) -> &'static str {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{EventCategory, EventDate};
    use proptest::prelude::*;

    fn d(y: u16, m: u8, day: u8) -> Date {
        Date::new(y, m, day).expect("valid test date")
    }
    fn t(h: u8, m: u8) -> Time {
        Time::new(h, m).expect("valid test time")
    }

    fn event(id: &str, start: EventDate, end: Option<EventDate>) -> Event {
        let mut e = Event::new(id, format!("event {id}"), start, EventCategory::Other);
        e.end = end;
        e
    }

    fn all_day(id: &str, from: Date, to: Date) -> Event {
        let end = (to != from).then_some(EventDate::all_day(to));
        event(id, EventDate::all_day(from), end)
    }

    #[test]
    fn events_per_cell_counts_each_day_an_event_touches_on_the_grid() {
        // November 2026, Sunday first: the grid runs 2026-11-01 … 2026-12-05.
        let weeks = month_grid(2026, 11, WeekStart::Sunday);
        let cell = |date: Date| weeks.iter().flatten().position(|&x| x == date).unwrap();
        let events = [
            all_day("one", d(2026, 11, 3), d(2026, 11, 3)),
            all_day("span", d(2026, 11, 2), d(2026, 11, 4)),
            // Begins before the grid, ends on its first day.
            all_day("before", d(2026, 10, 30), d(2026, 11, 1)),
            // Wholly outside it.
            all_day("later", d(2027, 1, 5), d(2027, 1, 6)),
        ];
        let counts = events_per_cell(&weeks, &events);
        assert_eq!(counts.len(), weeks.len() * 7);
        assert_eq!(counts[cell(d(2026, 11, 1))], 1);
        assert_eq!(counts[cell(d(2026, 11, 2))], 1);
        assert_eq!(counts[cell(d(2026, 11, 3))], 2);
        assert_eq!(counts[cell(d(2026, 11, 4))], 1);
        assert_eq!(counts.iter().sum::<usize>(), 5);
        assert!(events_per_cell(&[], &events).is_empty());
    }

    #[test]
    fn leap_years_and_month_lengths() {
        assert!(is_leap_year(2024));
        assert!(is_leap_year(2000));
        assert!(!is_leap_year(1900));
        assert!(!is_leap_year(2023));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2023, 2), 28);
        assert_eq!(days_in_month(2023, 4), 30);
        assert_eq!(days_in_month(2023, 12), 31);
        assert_eq!(days_in_month(2023, 13), 0);
        assert_eq!(Date::new(2023, 2, 29), Err(DateError::Day));
        assert_eq!(Date::new(2023, 0, 1), Err(DateError::Month));
        assert_eq!(Date::new(0, 1, 1), Err(DateError::Year));
        assert!(Date::new(2024, 2, 29).is_ok());
    }

    #[test]
    fn known_weekdays() {
        assert_eq!(d(2021, 10, 23).weekday(), Weekday::Saturday);
        assert_eq!(d(2024, 2, 29).weekday(), Weekday::Thursday);
        assert_eq!(d(2024, 2, 2).weekday(), Weekday::Friday);
        assert_eq!(d(1970, 1, 1).weekday(), Weekday::Thursday);
        assert_eq!(d(2000, 1, 1).weekday(), Weekday::Saturday);
        assert_eq!(d(1, 1, 1).weekday(), Weekday::Monday);
    }

    #[test]
    fn epoch_days_and_ordinals() {
        assert_eq!(d(1970, 1, 1).to_epoch_days(), 0);
        assert_eq!(d(1969, 12, 31).to_epoch_days(), -1);
        assert_eq!(d(2000, 3, 1).to_epoch_days(), 11_017);
        assert_eq!(Date::from_epoch_days(18_923), Some(d(2021, 10, 23)));
        assert_eq!(d(2021, 10, 23).ordinal(), 296);
        assert_eq!(d(2024, 12, 31).ordinal(), 366);
        assert_eq!(Date::from_ordinal(2024, 60), Ok(d(2024, 2, 29)));
        assert_eq!(Date::from_ordinal(2023, 366), Err(DateError::Day));
        assert_eq!(d(9999, 12, 31).add_days(1), None);
        assert_eq!(d(1, 1, 1).add_days(-1), None);
        assert_eq!(d(2021, 12, 31).next_day(), Some(d(2022, 1, 1)));
        assert_eq!(d(2021, 10, 23).days_until(d(2021, 11, 13)), 21);
    }

    #[test]
    fn parse_and_display() {
        assert_eq!("2021-10-23".parse::<Date>(), Ok(d(2021, 10, 23)));
        assert_eq!(d(2021, 1, 2).to_string(), "2021-01-02");
        assert!("2021-1-23".parse::<Date>().is_err());
        assert!("2021-02-30".parse::<Date>().is_err());
        assert!("２０２１-10-23".parse::<Date>().is_err());
        assert_eq!("9:05".parse::<Time>(), Ok(t(9, 5)));
        assert_eq!("23:59".parse::<Time>(), Ok(t(23, 59)));
        assert!("24:00".parse::<Time>().is_err());
        assert!("10:5".parse::<Time>().is_err());
        assert_eq!(t(9, 5).to_string(), "09:05");
        assert_eq!(format_time(t(9, 5)), "9:05");
        assert_eq!(Date::parse_basic("20211023"), Ok(d(2021, 10, 23)));
        assert_eq!(d(2021, 10, 23).to_basic(), "20211023");
        let json = serde_json::to_string(&d(2021, 10, 23)).expect("serializes");
        assert_eq!(json, "\"2021-10-23\"");
        assert!(serde_json::from_str::<Date>("\"2021-02-29\"").is_err());
    }

    #[test]
    fn month_grid_october_2021() {
        // 1 October 2021 was a Friday.
        let sunday = month_grid(2021, 10, WeekStart::Sunday);
        assert_eq!(sunday.len(), 6);
        assert_eq!(sunday[0][0], d(2021, 9, 26));
        assert_eq!(sunday[5][6], d(2021, 11, 6));
        let monday = month_grid(2021, 10, WeekStart::Monday);
        assert_eq!(monday.len(), 5);
        assert_eq!(monday[0][0], d(2021, 9, 27));
        assert_eq!(monday[4][6], d(2021, 10, 31));
    }

    #[test]
    fn month_grid_edges() {
        // February 2015 starts on Sunday and has 28 days: exactly four weeks.
        let feb = month_grid(2015, 2, WeekStart::Sunday);
        assert_eq!(feb.len(), 4);
        assert_eq!(feb[0][0], d(2015, 2, 1));
        // Across a year end.
        let dec = month_grid(2021, 12, WeekStart::Monday);
        assert_eq!(dec[0][0], d(2021, 11, 29));
        assert_eq!(dec.last().map(|w| w[6]), Some(d(2022, 1, 2)));
        let jan = month_grid(2022, 1, WeekStart::Sunday);
        assert_eq!(jan[0][0], d(2021, 12, 26));
        assert!(month_grid(2022, 13, WeekStart::Sunday).is_empty());
        assert_eq!(
            WeekStart::Sunday.weekdays()[0..2],
            [Weekday::Sunday, Weekday::Monday]
        );
    }

    #[test]
    fn events_on_counts_every_spanned_day() {
        let events = vec![
            all_day("a", d(2021, 10, 23), d(2021, 10, 24)),
            event(
                "b",
                EventDate::at(d(2021, 10, 23), t(10, 0)),
                Some(EventDate::at(d(2021, 10, 23), t(16, 0))),
            ),
            event("c", EventDate::at(d(2021, 10, 23), t(9, 0)), None),
            all_day("d", d(2021, 12, 30), d(2022, 1, 2)),
        ];
        assert_eq!(events_on(d(2021, 10, 23), &events), vec![0, 2, 1]);
        assert_eq!(events_on(d(2021, 10, 24), &events), vec![0]);
        assert_eq!(events_on(d(2021, 10, 25), &events), Vec::<usize>::new());
        assert_eq!(events_on(d(2022, 1, 1), &events), vec![3]);
        assert_eq!(
            months_with_events(&events),
            vec![
                YearMonth::new(2021, 10).unwrap(),
                YearMonth::new(2021, 12).unwrap(),
                YearMonth::new(2022, 1).unwrap(),
            ]
        );
    }

    #[test]
    fn nearest_month() {
        let events = vec![
            all_day("a", d(2021, 10, 23), d(2021, 10, 23)),
            all_day("b", d(2021, 12, 5), d(2021, 12, 5)),
        ];
        let ym = |y, m| YearMonth::new(y, m).unwrap();
        assert_eq!(
            nearest_month_with_events(2021, 10, &events),
            Some(ym(2021, 10))
        );
        // Forward first: December, not October, from November.
        assert_eq!(
            nearest_month_with_events(2021, 11, &events),
            Some(ym(2021, 12))
        );
        // From September, October is ahead (though the later December is
        // as far as August would be).
        assert_eq!(
            nearest_month_with_events(2021, 9, &events),
            Some(ym(2021, 10))
        );
        // Nothing ahead: the latest month before, however far.
        assert_eq!(
            nearest_month_with_events(2024, 2, &events),
            Some(ym(2021, 12))
        );
        assert_eq!(
            nearest_month_with_events(2020, 1, &events),
            Some(ym(2021, 10))
        );
        // Forward first even when a past month is much nearer.
        let mut far = events.clone();
        far.push(all_day("c", d(2023, 6, 1), d(2023, 6, 1)));
        assert_eq!(nearest_month_with_events(2022, 1, &far), Some(ym(2023, 6)));
        assert_eq!(nearest_month_with_events(2021, 11, &[]), None);
    }

    #[test]
    fn agenda_lists() {
        let events = vec![
            all_day("late", d(2021, 11, 13), d(2021, 11, 13)),
            all_day("running", d(2021, 10, 20), d(2021, 10, 25)),
            all_day("over", d(2021, 10, 1), d(2021, 10, 2)),
            all_day("older", d(2021, 9, 1), d(2021, 9, 1)),
        ];
        let today = d(2021, 10, 23);
        assert_eq!(upcoming(today, &events), vec![1, 0]);
        assert_eq!(past(today, &events), vec![2, 3]);
    }

    #[test]
    fn fiscal_years() {
        assert_eq!(fiscal_year_of(d(2022, 3, 31)), 2021);
        assert_eq!(fiscal_year_of(d(2022, 4, 1)), 2022);
        assert_eq!(
            crate::wareki::fiscal_year_ja(fiscal_year_of(d(2024, 2, 2))),
            "令和5年度"
        );
    }

    #[test]
    fn japanese_formatting() {
        let day = d(2021, 10, 23);
        assert_eq!(format_date_ja(day), "10月23日(土)");
        assert_eq!(
            format_date_ja_with(day, YearStyle::Gregorian),
            "2021年10月23日(土)"
        );
        assert_eq!(
            format_date_ja_with(day, YearStyle::Wareki),
            "令和3年10月23日(土)"
        );
        let timed = event(
            "x",
            EventDate::at(day, t(10, 0)),
            Some(EventDate::at(day, t(16, 0))),
        );
        assert_eq!(
            format_range_ja(&timed, YearStyle::Omit),
            "10月23日(土) 10:00–16:00"
        );
        assert_eq!(
            format_range_en(&timed, YearStyle::Omit),
            "Sat 23 Oct 10:00–16:00"
        );
        let two_days = all_day("y", day, d(2021, 10, 24));
        assert_eq!(
            format_range_ja(&two_days, YearStyle::Omit),
            "10月23日(土)〜10月24日(日)"
        );
        assert_eq!(
            format_range_ja(&two_days, YearStyle::Gregorian),
            "2021年10月23日(土)〜10月24日(日)"
        );
        assert_eq!(
            format_range_en(&two_days, YearStyle::Omit),
            "Sat 23 Oct – Sun 24 Oct"
        );
        let new_year = all_day("z", d(2021, 12, 30), d(2022, 1, 2));
        assert_eq!(
            format_range_ja(&new_year, YearStyle::Gregorian),
            "2021年12月30日(木)〜2022年1月2日(日)"
        );
        let one_day = all_day("w", day, day);
        assert_eq!(
            format_range_ja(&one_day, YearStyle::Wareki),
            "令和3年10月23日(土)"
        );
        let open = event("o", EventDate::at(day, t(9, 30)), None);
        assert_eq!(
            format_range_ja(&open, YearStyle::Omit),
            "10月23日(土) 9:30〜"
        );
        assert_eq!(
            format_range_en(&open, YearStyle::Omit),
            "Sat 23 Oct from 9:30"
        );
        let overnight = event(
            "n",
            EventDate::at(day, t(18, 0)),
            Some(EventDate::at(d(2021, 10, 24), t(9, 0))),
        );
        assert_eq!(
            format_range_ja(&overnight, YearStyle::Omit),
            "10月23日(土) 18:00〜10月24日(日) 9:00"
        );
        assert_eq!(
            format_range_en(&overnight, YearStyle::Gregorian),
            "Sat 23 Oct 2021 18:00 – Sun 24 Oct 2021 9:00"
        );
        assert_eq!(YearMonth::new(2021, 10).unwrap().format_ja(), "2021年10月");
        assert_eq!(
            YearMonth::new(2021, 10).unwrap().format_en(),
            "October 2021"
        );
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (1u16..=9999, 1u8..=12, 1u8..=31)
            .prop_map(|(y, m, day)| d(y, m, day.min(days_in_month(y, m))))
    }

    proptest! {
        #[test]
        fn epoch_days_round_trip(date in any_date()) {
            prop_assert_eq!(Date::from_epoch_days(date.to_epoch_days()), Some(date));
            prop_assert_eq!(Date::from_ordinal(date.year(), date.ordinal()), Ok(date));
        }

        #[test]
        fn consecutive_days_are_consecutive(n in -719_162i64..2_932_896) {
            // Every epoch day in years 1–9999 maps to a date, one after another.
            let a = Date::from_epoch_days(n);
            let b = Date::from_epoch_days(n + 1);
            prop_assert!(a.is_some() && b.is_some());
            prop_assert_eq!(a.and_then(Date::next_day), b);
            prop_assert!(a < b);
        }

        #[test]
        fn add_then_subtract_is_identity(date in any_date(), n in -100_000i64..100_000) {
            if let Some(moved) = date.add_days(n) {
                prop_assert_eq!(moved.add_days(-n), Some(date));
                prop_assert_eq!(date.days_until(moved), n);
            }
        }

        #[test]
        fn weekday_advances_by_one(date in any_date()) {
            if let Some(next) = date.next_day() {
                let today = date.weekday().index_from_monday();
                prop_assert_eq!(next.weekday().index_from_monday(), (today + 1) % 7);
            }
        }

        #[test]
        fn month_grid_laws(year in 2u16..9999, month in 1u8..=12, monday in any::<bool>()) {
            let start = if monday { WeekStart::Monday } else { WeekStart::Sunday };
            let grid = month_grid(year, month, start);
            prop_assert!((4..=6).contains(&grid.len()));
            let mut in_month = Vec::new();
            let mut previous: Option<Date> = None;
            for week in &grid {
                prop_assert_eq!(week[0].weekday(), start.weekday());
                for day in week {
                    if let Some(p) = previous {
                        prop_assert_eq!(p.next_day(), Some(*day));
                    }
                    previous = Some(*day);
                    if day.year() == year && day.month() == month {
                        in_month.push(day.day());
                    }
                }
            }
            let expected: Vec<u8> = (1..=days_in_month(year, month)).collect();
            prop_assert_eq!(in_month, expected);
        }
    }
}
