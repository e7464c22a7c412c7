//! Start-up and pulls: show what IndexedDB has at once, then ask the server
//! for what changed and store it.

use crate::state::{AppState, SyncState};
use crate::{api, pwa, store};
use indexed_db_futures::database::Database;
use leptos::logging::warn;
use leptos::prelude::*;
use tsunagari_core::{FeedPage, Group};

/// Reads the stored directory, then pulls once if online. Sets
/// `state.ready` when both are done.
pub fn start(state: AppState) {
    leptos::task::spawn_local(async move {
        let db = match store::open(store::MAIN_DB).await {
            Ok(db) => Some(db),
            Err(e) => {
                warn!("{e}; continuing without offline storage");
                None
            }
        };
        if let Some(db) = &db {
            load_stored(state, db).await;
        }
        if window().navigator().on_line() {
            pull(state, db.as_ref()).await;
        }
        state.ready.set(true);
    });
}

/// Pulls again (e.g. when the browser comes back online).
pub fn pull_later(state: AppState) {
    leptos::task::spawn_local(async move {
        let db = store::open(store::MAIN_DB).await.ok();
        pull(state, db.as_ref()).await;
    });
}

async fn load_stored(state: AppState, db: &Database) {
    match store::load_groups(db).await {
        Ok(groups) => {
            if !groups.is_empty() {
                pwa::mark_directory("cached");
            }
            state.groups.set(groups);
        }
        Err(e) => warn!("{e}"),
    }
    match store::read_last_updated(db).await {
        Ok(at) => state.last_updated.set(at),
        Err(e) => warn!("{e}"),
    }
}

async fn pull(state: AppState, db: Option<&Database>) {
    if state.sync.get_untracked() == SyncState::Syncing {
        return;
    }
    state.sync.set(SyncState::Syncing);
    let cursor = match db {
        Some(db) => store::read_cursor(db).await.unwrap_or_else(|e| {
            warn!("{e}; pulling everything");
            None
        }),
        None => None,
    };
    // Nothing in memory (the stored groups could not be read): ask for all.
    let cursor = cursor.filter(|_| !state.groups.with_untracked(Vec::is_empty));
    let page = match api::fetch_groups(cursor.as_deref()).await {
        Ok(page) => page,
        Err(e) => {
            warn!("pulling /api/groups failed: {e}");
            state.sync.set(SyncState::Failed);
            return;
        }
    };
    let now = js_sys::Date::now();
    let stored = match db {
        Some(db) => store::apply_page(db, &page, now).await,
        None => Err(store::StoreError("no database".into())),
    };
    state.groups.update(|groups| merge(groups, page));
    state.last_updated.set(Some(now));
    match stored {
        Ok(()) => {
            pwa::mark_directory("stored");
            state.sync.set(SyncState::Stored);
        }
        Err(e) => {
            warn!("{e}");
            state.sync.set(SyncState::StorageFailed);
        }
    }
}

/// The in-memory twin of [`store::apply_page`].
fn merge(groups: &mut Vec<Group>, page: FeedPage<Group>) {
    if page.reset {
        *groups = page.items;
        return;
    }
    groups.retain(|g| !page.deleted.contains(&g.id));
    for item in page.items {
        match groups.iter_mut().find(|g| g.id == item.id) {
            Some(old) => *old = item,
            None => groups.push(item),
        }
    }
}
