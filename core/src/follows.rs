//! お気に入り — the groups a resident follows, kept on the device.
//!
//! The app keeps the list in localStorage (`gloo-storage`) and mirrors it
//! in the `follows` cookie, so that the server's first HTML of the home and
//! group pages already shows them (ARCHITECTURE.md, "Follows"). The cookie
//! holds the ids, each as `encodeURIComponent` writes it, joined by `|`
//! (which that never leaves unescaped).

use crate::calendar::upcoming;
use crate::{Date, Event};

/// The cookie's name.
pub const COOKIE: &str = "follows";

/// At most this many follows are kept (a cookie stays well under 4 KB).
pub const MAX_FOLLOWS: usize = 100;

/// The cookie's value for `ids`.
pub fn cookie_value(ids: &[String]) -> String {
    ids.iter()
        .take(MAX_FOLLOWS)
        .map(|id| crate::html::encode_uri_component(id))
        .collect::<Vec<_>>()
        .join("|")
}

/// The ids in a cookie's value: in order, without repeats or empty ones;
/// what does not decode is left out.
pub fn parse_cookie_value(value: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for part in value.trim().trim_matches('"').split('|') {
        let Some(id) = percent_decode(part) else {
            continue;
        };
        if !id.is_empty() && !ids.contains(&id) && ids.len() < MAX_FOLLOWS {
            ids.push(id);
        }
    }
    ids
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Follows `id`, or stops following it: whether it is followed now.
pub fn toggle(ids: &mut Vec<String>, id: &str) -> bool {
    if let Some(at) = ids.iter().position(|f| f == id) {
        ids.remove(at);
        false
    } else {
        ids.push(id.to_string());
        true
    }
}

/// The group's next event: the soonest that has not ended by `today`.
pub fn next_event_of(group_id: &str, today: Date, events: &[Event]) -> Option<usize> {
    upcoming(today, events)
        .into_iter()
        .find(|&i| events[i].organiser_group_id.as_deref() == Some(group_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EventCategory, EventDate};

    #[test]
    fn the_cookie_gives_back_the_ids_in_order() {
        let ids: Vec<String> = ["porepore", "e-sic", "木倉町|会", "a%b"]
            .map(String::from)
            .to_vec();
        let value = cookie_value(&ids);
        assert!(
            value
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b",;\"\\".contains(&b)),
            "a valid cookie value: {value}"
        );
        assert_eq!(parse_cookie_value(&value), ids);
    }

    #[test]
    fn a_damaged_cookie_keeps_what_it_can() {
        assert_eq!(parse_cookie_value("a|%zz|a||b|%E6"), vec!["a", "b"]);
        assert_eq!(parse_cookie_value(""), Vec::<String>::new());
    }

    #[test]
    fn toggling_twice_changes_nothing() {
        let mut ids = vec!["a".to_string()];
        assert!(toggle(&mut ids, "b"));
        assert_eq!(ids, ["a", "b"]);
        assert!(!toggle(&mut ids, "b"));
        assert_eq!(ids, ["a"]);
    }

    fn event(id: &str, group: &str, date: Date) -> Event {
        Event {
            id: id.into(),
            title: id.into(),
            reading: None,
            start: EventDate::all_day(date),
            end: None,
            place: String::new(),
            address: String::new(),
            lat: None,
            lon: None,
            organiser: String::new(),
            organiser_group_id: Some(group.into()),
            description: String::new(),
            fee: String::new(),
            capacity: None,
            application_deadline: None,
            application_method: String::new(),
            contact: String::new(),
            url: String::new(),
            category: EventCategory::Other,
            body_reading: String::new(),
        }
    }

    #[test]
    fn the_next_event_is_the_soonest_not_over() {
        let d = |y, m, dd| Date::new(y, m, dd).unwrap();
        let events = vec![
            event("later", "g", d(2027, 3, 1)),
            event("over", "g", d(2026, 1, 1)),
            event("other", "h", d(2026, 12, 5)),
            event("soon", "g", d(2026, 12, 24)),
        ];
        let today = d(2026, 12, 1);
        assert_eq!(next_event_of("g", today, &events), Some(3));
        assert_eq!(next_event_of("h", today, &events), Some(2));
        assert_eq!(next_event_of("g", d(2027, 3, 2), &events), None);
    }
}
