//! Dates and times in Japan time: [`Date`], [`Time`], [`Weekday`],
//! [`WeekStart`], [`YearMonth`] and their text forms.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::format::month_name_en;

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
    pub(super) year: u16,
    pub(super) month: u8,
    pub(super) day: u8,
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
    pub(super) hour: u8,
    pub(super) minute: u8,
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
