//! Start-up and pulls: show what IndexedDB has at once, then ask the server
//! for what changed and store it. A failed pull is tried again by itself
//! (after 30 s, then less and less often, at most every 5 minutes), when
//! the page becomes visible, and from the status line's 再試行 button.

use crate::state::{AppState, SyncState};
use crate::{api, kept_index, pwa, store};
use indexed_db_futures::database::Database;
use leptos::leptos_dom::helpers::TimeoutHandle;
use leptos::logging::warn;
use leptos::prelude::*;
use std::cell::RefCell;
use std::time::Duration;
use tsunagari_core::routes::Page;
use tsunagari_core::{Event, FeedPage, Group};

/// The first wait before trying a failed pull again; each further failure
/// doubles it, up to [`RETRY_MAX_MS`].
const RETRY_FIRST_MS: u32 = 30_000;
const RETRY_MAX_MS: u32 = 5 * 60_000;
/// localStorage key that sets the first wait in milliseconds instead, so a
/// browser test need not wait 30 s. Nothing in the app writes it.
const RETRY_FIRST_KEY: &str = "tsunagari.retry-first-ms";
/// A page shown again pulls when its last pull is older than this.
const STALE_AFTER_MS: f64 = 60_000.0;

/// Failed pulls in a row and the timer of the next try.
#[derive(Default)]
struct Retry {
    failures: u32,
    timer: Option<TimeoutHandle>,
    /// What a try runs: the feeds' pull, and the drafts' sync in the full app.
    again: Option<Callback<()>>,
}

thread_local! {
    static RETRY: RefCell<Retry> = RefCell::new(Retry::default());
}

/// Reads the stored directory, then pulls once if online. Sets
/// `state.ready` when both are done.
pub fn start(state: AppState) {
    leptos::task::spawn_local(async move {
        let db = match store::main_db().await {
            Ok(db) => Some(db),
            Err(e) => {
                warn!("{e}; continuing without offline storage");
                None
            }
        };
        if let Some(db) = &db {
            load_stored(state, db).await;
        }
        next_task().await;
        if window().navigator().on_line() {
            pull(state, db.as_ref()).await;
        }
        state.ready.set(true);
    });
}

/// Tries the server again by itself: `again` runs after a failed pull
/// (with growing waits) and when the page becomes visible with a failed or
/// old pull. `again` should pull (see [`pull_later`]).
pub fn retry_automatically(state: AppState, again: Callback<()>) {
    RETRY.with_borrow_mut(|r| r.again = Some(again));
    // The listener lives as long as the page.
    let _ = window_event_listener_untyped("visibilitychange", move |_| {
        if document().visibility_state() != web_sys::VisibilityState::Visible {
            return;
        }
        let failed = state.sync.get_untracked() == SyncState::Failed;
        let old = state
            .last_updated
            .get_untracked()
            .is_none_or(|at| js_sys::Date::now() - at > STALE_AFTER_MS);
        if failed || old {
            again.run(());
        }
    });
}

/// The wait before the next try after `failures` failed pulls in a row.
fn retry_wait_ms(failures: u32) -> u32 {
    let first = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(RETRY_FIRST_KEY).ok().flatten())
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|ms| *ms > 0)
        .unwrap_or(RETRY_FIRST_MS);
    first
        .saturating_mul(1 << failures.min(8))
        .min(RETRY_MAX_MS.max(first))
}

/// After a pull: a failure sets the next try; anything else ends the
/// tries.
fn after_pull(state: AppState, outcome: SyncState) {
    RETRY.with_borrow_mut(|r| {
        if let Some(timer) = r.timer.take() {
            timer.clear();
        }
        if outcome != SyncState::Failed {
            r.failures = 0;
            return;
        }
        let wait = retry_wait_ms(r.failures);
        r.failures = r.failures.saturating_add(1);
        let again = r.again;
        r.timer = set_timeout_with_handle(
            move || match again {
                Some(again) => again.run(()),
                None => pull_later(state),
            },
            Duration::from_millis(u64::from(wait)),
        )
        .ok();
    });
}

/// Pulls again (e.g. when the browser comes back online).
pub fn pull_later(state: AppState) {
    leptos::task::spawn_local(async move {
        let db = store::main_db().await.ok();
        pull(state, db.as_ref()).await;
    });
}

async fn load_stored(state: AppState, db: &Database) {
    // What the page shows first is read first: the directory's groups on
    // the directory (its list is drawn while the events are read), else
    // the events.
    let path = window().location().pathname().unwrap_or_default();
    let directory = matches!(Page::from_path(&path), Page::Home | Page::Groups);
    if directory {
        load_stored_groups(state, db).await;
    }
    match store::load_events(db).await {
        Ok(events) => {
            if !events.is_empty() {
                pwa::mark_events("cached");
            }
            state.events.set(events);
        }
        Err(e) => warn!("{e}"),
    }
    if !directory {
        load_stored_groups(state, db).await;
    }
    match store::read_last_updated(db).await {
        Ok(at) => state.last_updated.set(at),
        Err(e) => warn!("{e}"),
    }
}

/// The stored groups, shown as soon as they are decoded, then the search
/// index kept with them, if it is theirs (`kept_index`).
async fn load_stored_groups(state: AppState, db: &Database) {
    state.index_reading.set(true);
    // The generation of the groups read: a pull landing while the kept
    // index is read makes it another, and the index is not kept.
    let read = std::cell::Cell::new(None);
    let shown = |groups: Vec<Group>, cursor: Option<String>, order: Option<Vec<usize>>| {
        if !groups.is_empty() {
            pwa::mark_directory("cached");
        }
        kept_index::groups_changed(cursor);
        kept_index::keep_order(order);
        read.set(Some(kept_index::generation()));
        state.groups.set(groups);
        pwa::mark_time("groups-read");
    };
    match store::index::load_groups(db, shown).await {
        Ok(Some(kept)) => {
            pwa::mark_time("index-read");
            let Some(generation) = read.get().filter(|&g| g == kept_index::generation()) else {
                state.index_reading.set(false);
                return;
            };
            let to_groups = state
                .groups
                .with_untracked(|groups| store::index::to_groups(&kept.ids, groups));
            if let Some(to_groups) = to_groups {
                kept_index::keep(generation, kept.index, to_groups, kept.has_order);
            }
        }
        Ok(None) => {}
        Err(e) => warn!("{e}"),
    }
    state.index_reading.set(false);
}

async fn pull(state: AppState, db: Option<&Database>) {
    if state.sync.get_untracked() == SyncState::Syncing {
        return;
    }
    state.sync.set(SyncState::Syncing);
    let groups = pull_groups(state, db).await;
    next_task().await;
    let events = pull_events(state, db).await;
    // The worse of the two feeds is what the status line says.
    let worst = [groups, events]
        .into_iter()
        .max_by_key(|s| match s {
            SyncState::Failed => 2,
            SyncState::StorageFailed => 1,
            _ => 0,
        })
        .unwrap_or(SyncState::Stored);
    state.sync.set(worst);
    after_pull(state, worst);
}

async fn pull_groups(state: AppState, db: Option<&Database>) -> SyncState {
    let cursor = match db {
        Some(db) => store::read_cursor(db).await.unwrap_or_else(|e| {
            warn!("{e}; pulling everything");
            None
        }),
        None => None,
    };
    // Nothing in memory (the stored groups could not be read): ask for all.
    let cursor = cursor.filter(|_| !state.groups.with_untracked(Vec::is_empty));
    let feed = match api::fetch_groups(cursor.as_deref()).await {
        Ok(feed) => feed,
        Err(e) => {
            warn!("pulling /api/groups failed: {e}");
            return SyncState::Failed;
        }
    };
    let now = js_sys::Date::now();
    let stored = match db {
        Some(db) => store::apply_page(db, &feed, now).await,
        None => Err(store::StoreError("no database".into())),
    };
    next_task().await;
    let page = feed.page;
    // An answer that changes nothing leaves the groups (and their search
    // index) as they are.
    if page.reset || !page.items.is_empty() || !page.deleted.is_empty() {
        kept_index::groups_changed(Some(page.cursor.clone()));
        state.groups.update(|groups| merge(groups, page, |g| &g.id));
    } else {
        kept_index::same_groups(page.cursor);
    }
    state.last_updated.set(Some(now));
    match stored {
        Ok(()) => {
            pwa::mark_directory("stored");
            SyncState::Stored
        }
        Err(e) => {
            warn!("{e}");
            SyncState::StorageFailed
        }
    }
}

async fn pull_events(state: AppState, db: Option<&Database>) -> SyncState {
    let cursor = match db {
        Some(db) => store::read_events_cursor(db).await.unwrap_or_else(|e| {
            warn!("{e}; pulling every event");
            None
        }),
        None => None,
    };
    let cursor = cursor.filter(|_| !state.events.with_untracked(Vec::is_empty));
    let feed = match api::fetch_events(cursor.as_deref()).await {
        Ok(feed) => feed,
        Err(e) => {
            warn!("pulling /api/events failed: {e}");
            return SyncState::Failed;
        }
    };
    let now = js_sys::Date::now();
    let stored = match db {
        Some(db) => store::apply_events_page(db, &feed, now).await,
        None => Err(store::StoreError("no database".into())),
    };
    let page = feed.page;
    let changed = page.reset || !page.items.is_empty() || !page.deleted.is_empty();
    if changed {
        next_task().await;
        state
            .events
            .update(|events| merge(events, page, |e: &Event| &e.id));
    }
    state.last_updated.set(Some(now));
    match stored {
        Ok(()) => {
            pwa::mark_events("stored");
            SyncState::Stored
        }
        Err(e) => {
            warn!("{e}");
            SyncState::StorageFailed
        }
    }
}

/// Resumes in a new task (`setTimeout(0)`): the start's steps (reading,
/// decoding, storing, drawing what changed) are tasks of their own, not one
/// long one that holds a tap on a slow phone.
async fn next_task() {
    sleep(0).await;
}

/// Resumes after a timer of `ms` milliseconds (at once where no timer can
/// be set).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .is_err()
        {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The in-memory twin of [`store::apply_page`].
fn merge<T>(items: &mut Vec<T>, page: FeedPage<T>, id: impl Fn(&T) -> &String) {
    if page.reset {
        *items = page.items;
        return;
    }
    items.retain(|item| !page.deleted.contains(id(item)));
    for new in page.items {
        match items.iter_mut().find(|old| id(old) == id(&new)) {
            Some(old) => *old = new,
            None => items.push(new),
        }
    }
}
