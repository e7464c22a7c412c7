//! The app-wide state every page reads, provided once as a context.

use crate::i18n::Lang;
use leptos::prelude::*;
use tsunagari_core::{Event, EventCategory, Group, GroupKind};

/// How the last pull from the server went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncState {
    /// Nothing asked yet.
    Idle,
    /// A pull is under way.
    Syncing,
    /// The last pull was received and stored.
    Stored,
    /// The last pull failed; the stored data stays on screen.
    Failed,
    /// The last pull was received but could not be stored on this device.
    StorageFailed,
    /// The database upgrade of a new release waits for a tab of the old
    /// release to close.
    UpgradeBlocked,
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub lang: RwSignal<Lang>,
    /// The directory as this device has it (IndexedDB, then pulls).
    pub groups: RwSignal<Vec<Group>>,
    /// The search index kept with the stored groups is being read: the
    /// directory waits for it rather than build one (`kept_index`).
    pub index_reading: RwSignal<bool>,
    /// The start-up sequence (read IndexedDB, first pull if online) is over:
    /// a group that is still missing now is really missing.
    pub ready: RwSignal<bool>,
    pub online: ReadSignal<bool>,
    pub sync: RwSignal<SyncState>,
    /// Epoch milliseconds of the last stored pull.
    pub last_updated: RwSignal<Option<f64>>,
    pub update_ready: ReadSignal<bool>,
    /// The list's search box and kind filter, kept while visiting details.
    pub query: RwSignal<String>,
    pub kind: RwSignal<Option<GroupKind>>,
    /// The events as this device has them (IndexedDB, then pulls).
    pub events: RwSignal<Vec<Event>>,
    /// The event filters, shared by the month view and the agenda.
    pub event_query: RwSignal<String>,
    pub event_category: RwSignal<Option<EventCategory>>,
    /// An organiser's name, as written on its events.
    pub event_organiser: RwSignal<Option<String>>,
}

pub fn use_app() -> AppState {
    // Provided by `App` before any page renders.
    expect_context::<AppState>()
}

/// Sets `document.title` to "<page> | つながり".
pub fn set_title(page: &str, lang: Lang) {
    let app = lang.texts().app_name;
    if page.is_empty() {
        document().set_title(app);
    } else {
        document().set_title(&format!("{page} | {app}"));
    }
}
