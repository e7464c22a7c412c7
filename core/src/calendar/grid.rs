//! Month grids and the events in them: which days a month shows, which
//! events fall on a day, what is still to come and what is over, the
//! fiscal year of a day.

use super::dates::{Date, WeekStart, YearMonth};
use crate::events::Event;

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
