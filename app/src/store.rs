//! IndexedDB: the groups this device has, and where it stands in the feed.
//!
//! Database `tsunagari`, version 3:
//! - `groups`: one record per group, key path `id`, index `kind` on the
//!   kind's snake_case code (how serde writes [`GroupKind`]).
//! - `events` (since version 2): one record per event, key path `id`,
//!   index `start` on the start date string (`start.date`, `YYYY-MM-DD`).
//! - `meta`: out-of-line keys `cursor` (the groups feed cursor string),
//!   `events_cursor` (the events feed cursor) and `last_updated` (epoch
//!   milliseconds of the last stored pull); since version 3 also the
//!   member's session, the drafts outbox, the drafts cursor per group and
//!   the time of the last draft sync (see `drafts::store`).
//! - `drafts` (since version 3): one [`LocalDraft`] per draft, key path
//!   `draft.id`.
//!
//! Every write happens in one readwrite transaction that is committed
//! explicitly; nothing but IndexedDB requests is awaited inside it.
//!
//! [`GroupKind`]: tsunagari_core::GroupKind
//! [`LocalDraft`]: tsunagari_core::sync::LocalDraft

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tsunagari_core::{Event, FeedPage, Group};

pub const MAIN_DB: &str = "tsunagari";
#[cfg(feature = "bench")]
pub const BENCH_DB: &str = "tsunagari-bench";

const GROUPS: &str = "groups";
pub const META: &str = "meta";
pub const DRAFTS: &str = "drafts";
const EVENTS: &str = "events";
const KIND_INDEX: &str = "kind";
const START_INDEX: &str = "start";
const CURSOR_KEY: &str = "cursor";
const EVENTS_CURSOR_KEY: &str = "events_cursor";
const LAST_UPDATED_KEY: &str = "last_updated";

/// A storage failure, kept as text for the console; the UI says a sentence.
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IndexedDB: {}", self.0)
    }
}

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StoreError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        StoreError(e.to_string())
    }
}

/// Opens (creating or upgrading) a database with tsunagari's schema.
pub async fn open(name: &str) -> Result<Database, StoreError> {
    let db = Database::open(name)
        .with_version(3u8)
        .with_on_upgrade_needed(|event, db| {
            // Version 1: the directory.
            if event.old_version() < 1.0 {
                let groups = db
                    .create_object_store(GROUPS)
                    .with_key_path("id".into())
                    .build()?;
                groups.create_index(KIND_INDEX, "kind".into()).build()?;
                db.create_object_store(META).build()?;
            }
            // Version 2: events. A new store with its index; existing
            // stores are left as they are.
            if !db.object_store_names().any(|name| name == EVENTS) {
                let events = db
                    .create_object_store(EVENTS)
                    .with_key_path("id".into())
                    .build()?;
                events
                    .create_index(START_INDEX, "start.date".into())
                    .build()?;
            }
            // Version 3: proposal drafts (the session and outbox live in `meta`).
            if !db.object_store_names().any(|name| name == DRAFTS) {
                db.create_object_store(DRAFTS)
                    .with_key_path("draft.id".into())
                    .build()?;
            }
            Ok(())
        })
        .await?;
    Ok(db)
}

/// Every stored group, in key (id) order.
pub async fn load_groups(db: &Database) -> Result<Vec<Group>, StoreError> {
    load_all(db, GROUPS).await
}

/// Every stored event, in key (id) order.
pub async fn load_events(db: &Database) -> Result<Vec<Event>, StoreError> {
    load_all(db, EVENTS).await
}

pub async fn load_all<T: DeserializeOwned>(
    db: &Database,
    name: &str,
) -> Result<Vec<T>, StoreError> {
    let tx = db.transaction(name).build()?;
    let store = tx.object_store(name)?;
    let records = store.get_all::<T>().serde()?.await?;
    let mut items = Vec::new();
    for record in records {
        match record {
            Ok(item) => items.push(item),
            // A record this version cannot read (written by a newer one):
            // skip it rather than hide everything.
            Err(e) => leptos::logging::warn!("skipping an unreadable stored {name} record: {e}"),
        }
    }
    Ok(items)
}

/// The groups feed cursor of the last stored pull, if any.
pub async fn read_cursor(db: &Database) -> Result<Option<String>, StoreError> {
    read_meta_string(db, CURSOR_KEY).await
}

/// The events feed cursor of the last stored pull, if any.
pub async fn read_events_cursor(db: &Database) -> Result<Option<String>, StoreError> {
    read_meta_string(db, EVENTS_CURSOR_KEY).await
}

async fn read_meta_string(db: &Database, key: &str) -> Result<Option<String>, StoreError> {
    let tx = db.transaction(META).build()?;
    let store = tx.object_store(META)?;
    let value: Option<String> = store.get(key).primitive()?.await?;
    Ok(value)
}

/// When the last pull was stored (epoch milliseconds), if ever.
pub async fn read_last_updated(db: &Database) -> Result<Option<f64>, StoreError> {
    let tx = db.transaction(META).build()?;
    let store = tx.object_store(META)?;
    let at: Option<f64> = store.get(LAST_UPDATED_KEY).primitive()?.await?;
    Ok(at)
}

/// Applies one groups feed answer: on `reset` replaces every group, else
/// puts the changed groups and deletes the tombstoned ids; stores the new
/// cursor and `now_ms` as the last-updated time. All in ONE transaction, so
/// the cursor never runs ahead of (or behind) the groups.
pub async fn apply_page(
    db: &Database,
    page: &FeedPage<Group>,
    now_ms: f64,
) -> Result<(), StoreError> {
    apply_feed(db, GROUPS, CURSOR_KEY, page, now_ms).await
}

/// [`apply_page`] for the events feed (store `events`, cursor
/// `events_cursor`).
pub async fn apply_events_page(
    db: &Database,
    page: &FeedPage<Event>,
    now_ms: f64,
) -> Result<(), StoreError> {
    apply_feed(db, EVENTS, EVENTS_CURSOR_KEY, page, now_ms).await
}

async fn apply_feed<T: Serialize>(
    db: &Database,
    name: &str,
    cursor_key: &str,
    page: &FeedPage<T>,
    now_ms: f64,
) -> Result<(), StoreError> {
    let tx = db
        .transaction([name, META])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let items = tx.object_store(name)?;
    let meta = tx.object_store(META)?;
    // Requests go out when built; the commit waits for all of them and
    // fails (rolling everything back) if any of them failed.
    if page.reset {
        drop(items.clear()?);
    }
    for item in &page.items {
        drop(items.put(item).serde()?);
    }
    if !page.reset {
        for id in &page.deleted {
            drop(items.delete(id.as_str()).primitive()?);
        }
    }
    drop(
        meta.put(page.cursor.as_str())
            .with_key(cursor_key)
            .primitive()?,
    );
    drop(meta.put(now_ms).with_key(LAST_UPDATED_KEY).primitive()?);
    tx.commit().await?;
    Ok(())
}
