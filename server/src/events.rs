//! The event calendar on top of the store: every write validates, reads are
//! typed, and the pure parts (date windows, organiser links, filters) are
//! plain functions the handlers and commands call.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tsunagari_core::city::CityConfig;
use tsunagari_core::ical::{self, DateTimeUtc};
use tsunagari_core::opendata::{self, ImportReport, Schema};
use tsunagari_core::{Cursor, Date, Event, EventCategory, EventSeed, FeedPage, Group, normalize};

use crate::store::{Feed, Source, Store, StoreError, UpsertSummary};
use crate::{feed, readings};

/// The widest `from`–`to` window, in days (both ends counted).
pub const MAX_WINDOW_DAYS: i64 = 366;
/// The seed of `fill-synthetic-events` (the same events every time).
pub const SYNTHETIC_SEED: u64 = 2025;

#[derive(Debug, thiserror::Error)]
pub enum EventsError {
    #[error("the event {id:?} is not valid: {reasons}")]
    Invalid { id: String, reasons: String },
    #[error("the event id {0:?} appears more than once")]
    Duplicate(String),
    #[error("could not encode the event {id:?}: {source}")]
    Encode {
        id: String,
        source: serde_json::Error,
    },
    #[error("could not read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not an events file ({{\"events\": [...]}}): {source}", path.display())]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Every event valid (`Event::validate`) and every id used once; the first
/// problem otherwise, with all of that event's reasons.
pub fn check(events: &[Event]) -> Result<(), EventsError> {
    let mut seen = std::collections::HashSet::new();
    for event in events {
        if let Err(errors) = event.validate() {
            let reasons = errors
                .iter()
                .map(|e| format!("{e} ({})", e.message_ja()))
                .collect::<Vec<_>>()
                .join("; ");
            return Err(EventsError::Invalid {
                id: event.id.clone(),
                reasons,
            });
        }
        if !seen.insert(event.id.as_str()) {
            return Err(EventsError::Duplicate(event.id.clone()));
        }
    }
    Ok(())
}

/// Adds or updates `events` in one transaction, after checking them all:
/// one invalid event and nothing is written. Each gets its readings
/// ([`readings::fill_events`]).
pub async fn upsert(store: &Store, events: &[Event]) -> Result<UpsertSummary, EventsError> {
    check(events)?;
    let events = readings::fill_events(events.to_vec()).await;
    Ok(store.upsert(Feed::Events, &encode(&events)?).await?)
}

fn encode(events: &[Event]) -> Result<Vec<(String, serde_json::Value)>, EventsError> {
    events
        .iter()
        .map(|e| {
            serde_json::to_value(e)
                .map(|body| (e.id.clone(), body))
                .map_err(|source| EventsError::Encode {
                    id: e.id.clone(),
                    source,
                })
        })
        .collect()
}

/// Whether a stored event lacks readings it could have.
fn lacks_readings(e: &Event) -> bool {
    (e.reading.is_none() && readings::needs_reading(&e.title))
        || (e.body_reading.is_empty()
            && [&e.place, &e.organiser, &e.description]
                .iter()
                .any(|t| readings::needs_reading(t)))
}

/// Gives the live events stored before readings existed (or while the
/// dictionary was missing) their readings; run at start-up. Loads the
/// dictionary only when some event lacks readings.
pub async fn fill_missing_readings(store: &Store) -> Result<UpsertSummary, EventsError> {
    let lacking: Vec<Event> = all(store)
        .await?
        .into_iter()
        .filter(lacks_readings)
        .collect();
    if lacking.is_empty() {
        return Ok(UpsertSummary::default());
    }
    let changed = readings::changed(readings::fill_events(lacking.clone()).await, &lacking);
    Ok(store.upsert(Feed::Events, &encode(&changed)?).await?)
}

/// Reads an `EventSeed` file (`data/events.json`).
pub fn load_seed(path: &Path) -> Result<EventSeed, EventsError> {
    let text = std::fs::read_to_string(path).map_err(|source| EventsError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| EventsError::Parse {
        path: path.to_path_buf(),
        source,
    })
}

/// On a database whose events table has never held anything, loads the
/// demo file. `Ok(None)`: nothing to do (not empty, or no such file).
pub async fn seed_if_empty(
    store: &Store,
    path: &Path,
) -> Result<Option<UpsertSummary>, EventsError> {
    if !store.is_empty(Feed::Events).await? {
        return Ok(None);
    }
    match load_seed(path) {
        Ok(seed) => Ok(Some(upsert(store, &seed.events).await?)),
        Err(EventsError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!(
                "no demo events at {}: starting with no events",
                path.display()
            );
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Earliest first: by start (all-day before timed on the same day), then id.
pub fn sort_by_start(events: &mut [Event]) {
    events.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));
}

/// Every live event, sorted by start.
pub async fn all(store: &Store) -> Result<Vec<Event>, StoreError> {
    let mut events = feed::full::<Event>(store, Source::Feed(Feed::Events))
        .await?
        .items;
    sort_by_start(&mut events);
    Ok(events)
}

/// One live event.
pub async fn get(store: &Store, id: &str) -> Result<Option<Event>, StoreError> {
    let Some(body) = store.get(Feed::Events, id).await? else {
        return Ok(None);
    };
    serde_json::from_str(&body)
        .map(Some)
        .map_err(|source| StoreError::Corrupt {
            table: Feed::Events.table(),
            id: id.to_string(),
            source,
        })
}

/// Tombstones one event (clients drop it on their next pull); `false` if
/// there is no live event `id`.
pub async fn delete(store: &Store, id: &str) -> Result<bool, StoreError> {
    store.tombstone(Feed::Events, id).await
}

/// `GET /api/events[?since=…]`.
pub async fn feed(store: &Store, since: Option<&Cursor>) -> Result<FeedPage<Event>, StoreError> {
    feed::page(store, Feed::Events, since).await
}

/// How many live events there are.
pub async fn count(store: &Store) -> Result<i64, StoreError> {
    store.count_live(Feed::Events).await
}

/// An inclusive range of days; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Window {
    /// `from` and `to` as a client wrote them (`YYYY-MM-DD`); the problem
    /// as a sentence otherwise.
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Window, String> {
        let day = |name: &str, value: Option<&str>| {
            value
                .map(|v| {
                    v.parse::<Date>().map_err(|_| {
                        format!("`{name}` must be a date written YYYY-MM-DD, such as 2025-04-01 (got {v:?}).")
                    })
                })
                .transpose()
        };
        let window = Window {
            from: day("from", from)?,
            to: day("to", to)?,
        };
        if let (Some(from), Some(to)) = (window.from, window.to) {
            if to < from {
                return Err(format!(
                    "`to` ({to}) is before `from` ({from}); the window needs to end on or after its first day."
                ));
            }
            if from.days_until(to) + 1 > MAX_WINDOW_DAYS {
                return Err(format!(
                    "The window from {from} to {to} is longer than {MAX_WINDOW_DAYS} days; ask for a year or less at a time."
                ));
            }
        }
        Ok(window)
    }

    /// Whether the event takes place on at least one day of the window.
    pub fn overlaps(&self, event: &Event) -> bool {
        self.from.is_none_or(|from| event.last_day() >= from)
            && self.to.is_none_or(|to| event.first_day() <= to)
    }
}

/// The live events on at least one day of `window`, sorted by start.
pub async fn in_window(store: &Store, window: Window) -> Result<Vec<Event>, StoreError> {
    let mut events = all(store).await?;
    events.retain(|e| window.overlaps(e));
    Ok(events)
}

/// Which events a calendar subscription wants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalendarFilter {
    /// Only events whose `organiser_group_id` is this.
    pub group: Option<String>,
    pub category: Option<EventCategory>,
}

impl CalendarFilter {
    pub fn matches(&self, event: &Event) -> bool {
        self.group
            .as_deref()
            .is_none_or(|g| event.organiser_group_id.as_deref() == Some(g))
            && self.category.is_none_or(|c| event.category == c)
    }
}

/// The `.ics` file of the live events `filter` keeps, stamped `now`, named
/// and identified by the city's configuration.
pub async fn calendar(
    store: &Store,
    filter: &CalendarFilter,
    now: DateTimeUtc,
    city: &CityConfig,
) -> Result<String, StoreError> {
    let mut events = all(store).await?;
    events.retain(|e| filter.matches(e));
    Ok(ical::to_ics(
        &events,
        now,
        &city.calendar_name(),
        &city.calendar_uid_domain,
    ))
}

/// Sets `organiser_group_id` where it is missing and the organiser's name
/// equals (after [`normalize`]) the name of exactly one group. Returns how
/// many events were linked.
pub fn link_organisers(events: &mut [Event], groups: &[Group]) -> usize {
    let mut by_name: HashMap<String, Option<&str>> = HashMap::new();
    for group in groups {
        by_name
            .entry(normalize(&group.name))
            .and_modify(|id| *id = None) // two groups, one name: ambiguous
            .or_insert(Some(group.id.as_str()));
    }
    let mut linked = 0;
    for event in events.iter_mut() {
        if event.organiser_group_id.is_some() || event.organiser.trim().is_empty() {
            continue;
        }
        let key = normalize(&event.organiser);
        if key.is_empty() {
            continue;
        }
        if let Some(Some(id)) = by_name.get(&key) {
            event.organiser_group_id = Some((*id).to_string());
            linked += 1;
        }
    }
    linked
}

/// A CSV has no group ids: an imported event whose stored version is
/// linked to a group, with the same organiser name, stays linked (so an
/// export imported back changes nothing).
async fn keep_links(store: &Store, imported: &mut [Event]) -> Result<(), StoreError> {
    let stored: HashMap<String, Event> = all(store)
        .await?
        .into_iter()
        .filter(|e| e.organiser_group_id.is_some())
        .map(|e| (e.id.clone(), e))
        .collect();
    for event in imported.iter_mut() {
        if event.organiser_group_id.is_some() {
            continue;
        }
        if let Some(old) = stored.get(&event.id)
            && old.organiser == event.organiser
        {
            event.organiser_group_id = old.organiser_group_id.clone();
        }
    }
    Ok(())
}

/// Every live group (for linking organisers).
pub async fn live_groups(store: &Store) -> Result<Vec<Group>, StoreError> {
    Ok(feed::full::<Group>(store, Source::Feed(Feed::Groups))
        .await?
        .items)
}

/// What `import-events` did.
#[derive(Debug, Clone)]
pub struct CsvImport {
    /// The rows read and the bad ones (line and Japanese reason).
    pub report: ImportReport,
    /// `None` when the file had no recognisable header (nothing written).
    pub summary: Option<UpsertSummary>,
    /// Events whose organiser was matched to a directory group.
    pub linked: usize,
}

impl CsvImport {
    /// `N added, N updated, N unchanged, N bad rows`.
    pub fn summary_line(&self) -> String {
        let summary = self.summary.unwrap_or_default();
        format!("{summary}, {} bad rows", self.report.errors.len())
    }
}

/// Reads an event-list CSV (see [`opendata::import_events`]), links
/// organisers to groups (keeping the links already stored, then by name;
/// see [`link_organisers`]), and upserts every good row in one transaction.
pub async fn import_csv(store: &Store, bytes: &[u8]) -> Result<CsvImport, EventsError> {
    let mut report = opendata::import_events(bytes);
    if report.schema == Schema::Unknown {
        return Ok(CsvImport {
            report,
            summary: None,
            linked: 0,
        });
    }
    keep_links(store, &mut report.events).await?;
    let groups = live_groups(store).await?;
    let linked = link_organisers(&mut report.events, &groups);
    let summary = upsert(store, &report.events).await?;
    Ok(CsvImport {
        report,
        summary: Some(summary),
        linked,
    })
}

/// The 32-column open-data CSV of every live event, under the city's
/// code, prefecture and name.
pub async fn export_csv(store: &Store, city: &CityConfig) -> Result<String, StoreError> {
    let events = all(store).await?;
    Ok(opendata::export_events(
        &events,
        &city.code,
        &city.prefecture_ja,
        &city.name_ja,
    ))
}

/// Writes `n` synthetic events (organisers drawn from the live groups) in
/// one transaction.
pub async fn fill_synthetic(store: &Store, n: usize) -> Result<UpsertSummary, EventsError> {
    let groups = live_groups(store).await?;
    let events = tsunagari_core::synthetic::events(n, SYNTHETIC_SEED, &groups);
    upsert(store, &events).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use tsunagari_core::EventDate;

    fn d(s: &str) -> Date {
        s.parse().expect("test date")
    }

    fn event(id: &str, from: &str, to: Option<&str>) -> Event {
        let mut e = Event::new(
            id,
            "テスト",
            EventDate::all_day(d(from)),
            EventCategory::Other,
        );
        e.end = to.map(|t| EventDate::all_day(d(t)));
        e
    }

    #[test]
    fn windows() {
        let w = Window::parse(Some("2025-04-01"), Some("2025-04-30")).expect("valid");
        assert!(w.overlaps(&event("a", "2025-03-30", Some("2025-04-01"))));
        assert!(w.overlaps(&event("b", "2025-04-30", None)));
        assert!(w.overlaps(&event("c", "2025-03-01", Some("2025-05-31"))));
        assert!(!w.overlaps(&event("d", "2025-05-01", None)));
        assert!(!w.overlaps(&event("e", "2025-03-01", Some("2025-03-31"))));
        let open = Window::parse(Some("2025-04-01"), None).expect("valid");
        assert!(open.overlaps(&event("f", "2099-01-01", None)));
        assert!(!open.overlaps(&event("g", "2025-03-31", None)));
        assert!(Window::parse(None, None).is_ok());
        assert!(Window::parse(Some("2024-01-01"), Some("2024-12-31")).is_ok()); // 366
        assert!(Window::parse(Some("2025-01-01"), Some("2026-01-01")).is_ok()); // 366
        for (from, to) in [
            (Some("2025-01-01"), Some("2026-01-02")),
            (Some("2025-04-02"), Some("2025-04-01")),
            (Some("2025-4-1"), None),
            (None, Some("2025-02-30")),
            (Some(""), None),
        ] {
            let e = Window::parse(from, to).expect_err("refused");
            assert!(e.ends_with('.'), "{e}");
        }
    }

    #[test]
    fn organisers_link_by_normalised_name_only_when_unambiguous() {
        let group = |id: &str, name: &str| {
            let mut g: Group = serde_json::from_value(serde_json::json!({
                "id": id, "name": name, "kind": "civic", "description": ""
            }))
            .expect("group");
            g.name = name.into();
            g
        };
        let groups = [
            group("porepore", "ポレポレ"),
            group("a", "同じ名前"),
            group("b", "同じ名前"),
        ];
        let mut events = vec![
            event("1", "2025-04-01", None),
            event("2", "2025-04-01", None),
            event("3", "2025-04-01", None),
            event("4", "2025-04-01", None),
        ];
        events[0].organiser = "ﾎﾟﾚﾎﾟﾚ".into();
        events[1].organiser = "同じ名前".into();
        events[2].organiser = "ポレポレ".into();
        events[2].organiser_group_id = Some("other".into());
        assert_eq!(link_organisers(&mut events, &groups), 1);
        assert_eq!(events[0].organiser_group_id.as_deref(), Some("porepore"));
        assert_eq!(events[1].organiser_group_id, None);
        assert_eq!(events[2].organiser_group_id.as_deref(), Some("other"));
        assert_eq!(events[3].organiser_group_id, None);
    }

    #[test]
    fn check_refuses_invalid_and_repeated() {
        let mut bad = event("x", "2025-04-02", Some("2025-04-01"));
        assert!(matches!(
            check(std::slice::from_ref(&bad)),
            Err(EventsError::Invalid { .. })
        ));
        bad.end = None;
        assert!(check(std::slice::from_ref(&bad)).is_ok());
        assert!(matches!(
            check(&[bad.clone(), bad]),
            Err(EventsError::Duplicate(_))
        ));
    }
}
