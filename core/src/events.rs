//! Events (イベント): what is on, when and where, and who runs it: what a
//! person needs to decide to go and to get there.
//!
//! Dates and times are Japan time (Asia/Tokyo) whatever the phone's zone;
//! see [`crate::calendar`] for the date type and the calendar views.

use serde::{Deserialize, Serialize};

use crate::calendar::{Date, Time};
use crate::directory::GroupId;

/// A stable id such as `machinaka-gakusei-matsuri-2021`, or one derived
/// from an open-data file (see [`crate::opendata`]). Never reused.
pub type EventId = String;

/// When an event starts or ends: a day, with a time when it has one.
/// An event whose start has no time is an all-day event (終日).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EventDate {
    pub date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Time>,
}

impl EventDate {
    /// A whole day, no time.
    pub fn all_day(date: Date) -> EventDate {
        EventDate { date, time: None }
    }
    /// A day at a time.
    pub fn at(date: Date, time: Time) -> EventDate {
        EventDate {
            date,
            time: Some(time),
        }
    }
}

/// One event in the calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: EventId,
    /// イベント名, as the organiser writes it.
    pub title: String,
    /// 読み仮名 of the title in hiragana, for titles with kanji, without
    /// spaces: from the CSV's イベント名_カナ, else computed by the server at
    /// import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading: Option<String>,
    pub start: EventDate,
    /// `None` for an event on one day without a known end time. Otherwise
    /// the last day (inclusive), with the end time when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<EventDate>,
    /// 会場 — the place's name, e.g. `木倉町広場`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub place: String,
    /// 住所, empty when unknown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address: String,
    /// 緯度 (WGS 84 degrees).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// 経度 (WGS 84 degrees).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// 主催者 — who runs it, as written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub organiser: String,
    /// The directory entry of the organiser, when it is a listed group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organiser_group_id: Option<GroupId>,
    /// 説明 — what happens there, in the organiser's words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// 料金 as written (`無料`, `500円`); empty when unknown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fee: String,
    /// 定員 — how many people can take part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    /// 申込締切 — the last day to apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_deadline: Option<Date>,
    /// 申込方法 — how to apply, as written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub application_method: String,
    /// 問い合わせ先 — who to ask and how (phone, e-mail), as written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contact: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    pub category: EventCategory,
    /// 読み of the place, organiser and description in the format of
    /// `Group::body_reading`: each of their lines with a kanji read whole in
    /// hiragana, joined with `\n`. Computed by the server when the event is
    /// imported (the title's reading is [`Event::reading`]). Empty when no
    /// line has a kanji, or when not computed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body_reading: String,
}

/// The demo data file (`data/events.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventSeed {
    pub events: Vec<Event>,
}

/// イベントの種類 — what kind of event it is, for filters and icons.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum EventCategory {
    /// まつり・イベント (festivals, fairs, summits open to all).
    Festival,
    /// 講座・ワークショップ (lectures, seminars, workshops, study trips).
    Workshop,
    /// 交流会 (networking and matching events).
    Exchange,
    /// 成果発表会 (reports of a year's work).
    Presentation,
    /// サロン・相談会 (regular small gatherings, peer support, consultations).
    Salon,
    /// 募集 (calls for members, volunteers or proposals).
    Recruitment,
    /// その他.
    #[default]
    Other,
}

impl EventCategory {
    pub const ALL: [EventCategory; 7] = [
        EventCategory::Festival,
        EventCategory::Workshop,
        EventCategory::Exchange,
        EventCategory::Presentation,
        EventCategory::Salon,
        EventCategory::Recruitment,
        EventCategory::Other,
    ];

    pub fn label_ja(self) -> &'static str {
        match self {
            EventCategory::Festival => "まつり・イベント",
            EventCategory::Workshop => "講座・ワークショップ",
            EventCategory::Exchange => "交流会",
            EventCategory::Presentation => "成果発表会",
            EventCategory::Salon => "サロン・相談会",
            EventCategory::Recruitment => "募集",
            EventCategory::Other => "その他",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            EventCategory::Festival => "Festival / event",
            EventCategory::Workshop => "Course / workshop",
            EventCategory::Exchange => "Networking",
            EventCategory::Presentation => "Results presentation",
            EventCategory::Salon => "Salon / drop-in",
            EventCategory::Recruitment => "Call for participants",
            EventCategory::Other => "Other",
        }
    }

    /// The snake_case code used on the wire and in URLs.
    pub fn code(self) -> &'static str {
        match self {
            EventCategory::Festival => "festival",
            EventCategory::Workshop => "workshop",
            EventCategory::Exchange => "exchange",
            EventCategory::Presentation => "presentation",
            EventCategory::Salon => "salon",
            EventCategory::Recruitment => "recruitment",
            EventCategory::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<EventCategory> {
        EventCategory::ALL.into_iter().find(|c| c.code() == code)
    }

    /// A best guess from free text such as an open-data file's イベント種類
    /// or an event's title: `〇〇まつり` is a festival, `〇〇講座` a workshop.
    /// [`EventCategory::Other`] when nothing matches.
    pub fn guess(text: &str) -> EventCategory {
        // Checked in order: `成果発表会` before `発表`, `交流会` before `会`.
        const WORDS: [(&str, EventCategory); 21] = [
            ("まつり・イベント", EventCategory::Festival),
            ("講座・ワークショップ", EventCategory::Workshop),
            ("サロン・相談会", EventCategory::Salon),
            ("成果発表", EventCategory::Presentation),
            ("発表会", EventCategory::Presentation),
            ("報告会", EventCategory::Presentation),
            ("募集", EventCategory::Recruitment),
            ("交流", EventCategory::Exchange),
            ("マッチング", EventCategory::Exchange),
            ("サロン", EventCategory::Salon),
            ("カフェ", EventCategory::Salon),
            ("相談会", EventCategory::Salon),
            ("講座", EventCategory::Workshop),
            ("講演", EventCategory::Workshop),
            ("ワークショップ", EventCategory::Workshop),
            ("セミナー", EventCategory::Workshop),
            ("研修", EventCategory::Workshop),
            ("教室", EventCategory::Workshop),
            ("まつり", EventCategory::Festival),
            ("祭", EventCategory::Festival),
            ("フェス", EventCategory::Festival),
        ];
        WORDS
            .iter()
            .find(|(word, _)| text.contains(word))
            .map(|&(_, c)| c)
            .unwrap_or(EventCategory::Other)
    }
}

/// Why an event is not valid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EventError {
    #[error("an event needs an id")]
    EmptyId,
    #[error("an event needs a title")]
    EmptyTitle,
    #[error("the event ends before it starts")]
    EndBeforeStart,
    #[error("an end time needs a start time")]
    EndTimeWithoutStartTime,
    #[error("latitude {0} is not between -90 and 90")]
    LatitudeOutOfRange(f64),
    #[error("longitude {0} is not between -180 and 180")]
    LongitudeOutOfRange(f64),
    #[error("give both latitude and longitude, or neither")]
    HalfPosition,
}

impl EventError {
    /// The problem as a Japanese sentence, for people.
    pub fn message_ja(&self) -> String {
        match self {
            EventError::EmptyId => "イベントのIDがありません。".into(),
            EventError::EmptyTitle => "イベント名がありません。".into(),
            EventError::EndBeforeStart => "終了日時が開始日時より前になっています。".into(),
            EventError::EndTimeWithoutStartTime => {
                "終了時間だけがあり、開始時間がありません。".into()
            }
            EventError::LatitudeOutOfRange(v) => {
                format!("緯度「{v}」が範囲外です（-90〜90の数値で書いてください）。")
            }
            EventError::LongitudeOutOfRange(v) => {
                format!("経度「{v}」が範囲外です（-180〜180の数値で書いてください）。")
            }
            EventError::HalfPosition => "緯度と経度は両方書くか、両方空にしてください。".into(),
        }
    }
}

impl Event {
    /// An event with only what every event has; the other fields empty.
    pub fn new(
        id: impl Into<EventId>,
        title: impl Into<String>,
        start: EventDate,
        category: EventCategory,
    ) -> Event {
        Event {
            id: id.into(),
            title: title.into(),
            reading: None,
            start,
            end: None,
            place: String::new(),
            address: String::new(),
            lat: None,
            lon: None,
            organiser: String::new(),
            organiser_group_id: None,
            description: String::new(),
            fee: String::new(),
            capacity: None,
            application_deadline: None,
            application_method: String::new(),
            contact: String::new(),
            url: String::new(),
            category,
            body_reading: String::new(),
        }
    }

    /// Every problem with the event, or `Ok` when there is none.
    pub fn validate(&self) -> Result<(), Vec<EventError>> {
        let mut errors = Vec::new();
        if self.id.trim().is_empty() {
            errors.push(EventError::EmptyId);
        }
        if self.title.trim().is_empty() {
            errors.push(EventError::EmptyTitle);
        }
        if let Some(end) = self.end {
            if end.time.is_some() && self.start.time.is_none() {
                errors.push(EventError::EndTimeWithoutStartTime);
            }
            let before = end.date < self.start.date
                || (end.date == self.start.date
                    && matches!((self.start.time, end.time), (Some(a), Some(b)) if b < a));
            if before {
                errors.push(EventError::EndBeforeStart);
            }
        }
        if let Some(lat) = self.lat
            && !(-90.0..=90.0).contains(&lat)
        {
            errors.push(EventError::LatitudeOutOfRange(lat));
        }
        if let Some(lon) = self.lon
            && !(-180.0..=180.0).contains(&lon)
        {
            errors.push(EventError::LongitudeOutOfRange(lon));
        }
        if self.lat.is_some() != self.lon.is_some() {
            errors.push(EventError::HalfPosition);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The first day of the event.
    pub fn first_day(&self) -> Date {
        self.start.date
    }

    /// The last day of the event (the start day for one-day events).
    pub fn last_day(&self) -> Date {
        match self.end {
            Some(end) if end.date > self.start.date => end.date,
            _ => self.start.date,
        }
    }

    /// 終了 — the event is over on `today`: its last day is before it
    /// (an event going on today is not).
    pub fn has_ended(&self, today: Date) -> bool {
        self.last_day() < today
    }

    /// Whether the event takes place (at least partly) on `day`.
    pub fn is_on(&self, day: Date) -> bool {
        self.first_day() <= day && day <= self.last_day()
    }

    /// Whether the event runs over several days.
    pub fn is_multi_day(&self) -> bool {
        self.last_day() > self.first_day()
    }

    /// Whether the event has no times (終日).
    pub fn is_all_day(&self) -> bool {
        self.start.time.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: u16, m: u8, day: u8) -> Date {
        Date::new(y, m, day).expect("valid test date")
    }

    fn festival() -> Event {
        let mut e = Event::new(
            "machinaka-gakusei-matsuri-2021",
            "まちなか学生まつり",
            EventDate::all_day(d(2021, 10, 23)),
            EventCategory::Festival,
        );
        e.place = "木倉町広場".into();
        e
    }

    #[test]
    fn a_plain_event_is_valid() {
        assert_eq!(festival().validate(), Ok(()));
    }

    #[test]
    fn every_problem_is_reported() {
        let mut e = festival();
        e.title = "  ".into();
        e.end = Some(EventDate::all_day(d(2021, 10, 22)));
        e.lat = Some(91.0);
        e.lon = Some(f64::NAN);
        let errors = e.validate().expect_err("invalid");
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors.contains(&EventError::EmptyTitle));
        assert!(errors.contains(&EventError::EndBeforeStart));
        assert!(errors.contains(&EventError::LatitudeOutOfRange(91.0)));
        assert!(
            errors
                .iter()
                .any(|e| matches!(e, EventError::LongitudeOutOfRange(v) if v.is_nan()))
        );
        for error in &errors {
            assert!(error.message_ja().ends_with('。'));
        }
    }

    #[test]
    fn end_time_before_start_time_on_the_same_day() {
        let mut e = festival();
        let ten = Time::new(10, 0).unwrap();
        let nine = Time::new(9, 0).unwrap();
        e.start = EventDate::at(d(2021, 10, 23), ten);
        e.end = Some(EventDate::at(d(2021, 10, 23), nine));
        assert_eq!(e.validate(), Err(vec![EventError::EndBeforeStart]));
        e.end = Some(EventDate::at(d(2021, 10, 24), nine));
        assert_eq!(e.validate(), Ok(()));
        e.start = EventDate::all_day(d(2021, 10, 23));
        assert_eq!(e.validate(), Err(vec![EventError::EndTimeWithoutStartTime]));
        e.lat = Some(36.56);
        assert!(
            e.validate()
                .expect_err("half a position")
                .contains(&EventError::HalfPosition)
        );
    }

    #[test]
    fn span_helpers() {
        let mut e = festival();
        assert!(!e.is_multi_day());
        assert!(e.is_all_day());
        e.end = Some(EventDate::all_day(d(2021, 10, 24)));
        assert!(e.is_multi_day());
        assert!(e.is_on(d(2021, 10, 24)));
        assert!(!e.is_on(d(2021, 10, 25)));
        assert_eq!(e.last_day(), d(2021, 10, 24));
    }

    #[test]
    fn json_shape() {
        let mut e = festival();
        e.start = EventDate::at(d(2021, 10, 23), Time::new(10, 0).unwrap());
        let json = serde_json::to_value(&e).expect("serializes");
        assert_eq!(json["start"]["date"], "2021-10-23");
        assert_eq!(json["start"]["time"], "10:00");
        assert_eq!(json["category"], "festival");
        assert!(json.get("fee").is_none());
        let back: Event = serde_json::from_value(json).expect("parses back");
        assert_eq!(back, e);
    }

    #[test]
    fn categories() {
        for c in EventCategory::ALL {
            assert_eq!(EventCategory::from_code(c.code()), Some(c));
            assert_eq!(EventCategory::guess(c.label_ja()), c);
        }
        assert_eq!(
            EventCategory::guess("まちなか学生まつり"),
            EventCategory::Festival
        );
        assert_eq!(
            EventCategory::guess("金沢学生×企業マッチング交流会"),
            EventCategory::Exchange
        );
        assert_eq!(
            EventCategory::guess("チャレンジ事業成果発表会"),
            EventCategory::Presentation
        );
        assert_eq!(EventCategory::guess("ゴミ拾い"), EventCategory::Other);
    }
}
