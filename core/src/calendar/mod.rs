//! The calendar (カレンダー): dates, month grids, agenda lists and how dates
//! are written in Japanese and English.
//!
//! No clock and no time zone database: a [`Date`] and a [`Time`] are always
//! Japan time (Asia/Tokyo, UTC+9 all year, no daylight saving), whatever the
//! phone's zone. "Today" is passed in by the caller.
//!
//! By role: `dates` (the types), `grid` (month grids, the events of a
//! day, upcoming and past), `format` (how they are written).

mod dates;
mod format;
mod grid;

pub use dates::*;
pub use format::*;
pub use grid::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Event, EventCategory, EventDate};
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
