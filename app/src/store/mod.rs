//! IndexedDB: the groups and events this device has, where it stands in
//! each feed, and the drafts.
//!
//! Database `tsunagari`, version 6:
//! - `group_buckets` (since version 4) and `event_buckets` (since version
//!   5): each feed spread over 64 records `{bucket, json}`, key path
//!   `bucket`, each item in bucket `core::bucket_of` its id, the bucket's
//!   items as one JSON array in UTF-8 bytes ([`buckets`]). A write is one
//!   put per touched bucket, not one per item. The kind filter, the
//!   calendar's dates and the search run in memory.
//!   Before: versions 1 to 3 had `groups` (one record per group), which
//!   version 4 deleted (the next pull then fetched everything); version 4
//!   kept `group_buckets` items as JS objects (`{bucket, items}`), versions
//!   2 to 4 had `events`, one record per event with a `start` index. The
//!   upgrade to version 5 rewrites both into JSON buckets in its own
//!   transaction, so a phone offline after the update still has them, with
//!   the same cursors.
//! - `meta`: out-of-line keys `cursor` (the groups feed cursor string),
//!   `events_cursor` (the events feed cursor) and `last_updated` (epoch
//!   milliseconds of the last stored pull); since version 3 also the
//!   member's session, the drafts outbox, the drafts cursor per group and
//!   the time of the last draft sync (see `drafts::store`).
//! - `search_index` (since version 6): the directory's search index as
//!   bytes, with the cursor, number and ids of the groups it was built
//!   from, one record, out-of-line key `groups` ([`index`]). A visit uses
//!   it only for exactly the groups it reads with it, else builds the
//!   index and keeps it when the page is idle.
//! - `drafts` (since version 3): one [`LocalDraft`] per draft, key path
//!   `draft.id`.
//!
//! Every write happens in one readwrite transaction that is committed
//! explicitly; nothing but IndexedDB requests is awaited inside it.
//!
//! [`LocalDraft`]: tsunagari_core::sync::LocalDraft

pub mod buckets;
pub mod index;

use crate::api::Feed;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use serde::de::DeserializeOwned;
use tsunagari_core::{Event, Group};

pub const MAIN_DB: &str = tsunagari_core::idb::DB_NAME;
#[cfg(feature = "bench")]
pub const BENCH_DB: &str = "tsunagari-bench";

/// The schema's version (see the module's documentation).
const VERSION: u32 = tsunagari_core::idb::DB_VERSION;
/// Versions 1 to 3 only (deleted by the upgrade to version 4).
const GROUPS: &str = "groups";
/// Versions 2 to 4 only (moved into `event_buckets` by the upgrade to 5).
const EVENTS: &str = "events";
pub const META: &str = tsunagari_core::idb::META;
pub const DRAFTS: &str = "drafts";
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

/// What the page does when a schema upgrade meets another tab (see
/// [`main_db`]).
pub struct UpgradeHooks {
    /// This page upgrades, and a tab of an older release keeps the database
    /// open: the upgrade waits until that tab closes or reloads.
    pub blocked: Box<dyn Fn()>,
    /// A tab of a newer release asks to upgrade: this page should reload.
    pub newer: Box<dyn Fn()>,
}

thread_local! {
    static MAIN: std::cell::RefCell<Option<Database>> = const { std::cell::RefCell::new(None) };
    static HOOKS: std::cell::RefCell<Option<std::rc::Rc<UpgradeHooks>>> =
        const { std::cell::RefCell::new(None) };
}

/// Sets what [`main_db`] does when an upgrade meets another tab; once, at
/// start-up, before the first call.
pub fn set_upgrade_hooks(hooks: UpgradeHooks) {
    HOOKS.with(|h| *h.borrow_mut() = Some(std::rc::Rc::new(hooks)));
}

/// The app's database, opened once per page and shared, so transactions
/// start in the order they are asked for.
///
/// A newer release in another tab asking to upgrade (`versionchange`) runs
/// the `newer` hook (the update banner) and does NOT close the connection:
/// a draft being typed here keeps being saved; that tab's upgrade waits (and
/// says so, the `blocked` hook) until this page reloads.
pub async fn main_db() -> Result<Database, StoreError> {
    if let Some(db) = MAIN.with(|m| m.borrow().clone()) {
        return Ok(db);
    }
    let hooks = HOOKS.with(|h| h.borrow().clone());
    let on_blocked = hooks.clone();
    let db = open_with(MAIN_DB, move || {
        if let Some(h) = on_blocked {
            (h.blocked)();
        }
    })
    .await?;
    // Two callers may have opened at once: keep the first connection.
    if let Some(first) = MAIN.with(|m| m.borrow().clone()) {
        db.close();
        return Ok(first);
    }
    if let Ok(mut changes) = db.version_changes() {
        leptos::task::spawn_local(async move {
            if changes.recv().await.is_some()
                && let Some(h) = hooks
            {
                (h.newer)();
            }
        });
    }
    MAIN.with(|m| *m.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// Opens (creating or upgrading) another database with tsunagari's schema
/// (the benchmarks' own).
#[cfg(feature = "bench")]
pub async fn open(name: &str) -> Result<Database, StoreError> {
    open_with(name, || {}).await
}

async fn open_with(
    name: &str,
    on_blocked: impl FnOnce() + 'static,
) -> Result<Database, StoreError> {
    let db = Database::open(name)
        .with_version(VERSION)
        .with_on_blocked(move |_| {
            leptos::logging::warn!("IndexedDB upgrade blocked: another tab has the database open");
            on_blocked();
            Ok(())
        })
        .with_on_upgrade_needed_fut(|event, db| async move {
            let has = |name: &str| db.object_store_names().any(|n| n == name);
            // Version 1: `meta` (and `groups`, replaced in version 4, so a
            // new install does not make it).
            if event.old_version() < 1.0 {
                db.create_object_store(META).build()?;
            }
            // Version 3: proposal drafts (the session and outbox live in `meta`).
            if !has(DRAFTS) {
                db.create_object_store(DRAFTS)
                    .with_key_path("draft.id".into())
                    .build()?;
            }
            // Version 4: the old per-group store goes; with nothing stored
            // the app pulls everything (`sync::pull_groups`).
            if has(GROUPS) {
                db.delete_object_store(GROUPS)?;
            }
            // Version 6: the directory's search index, kept.
            if !has(index::STORE) {
                db.create_object_store(index::STORE).build()?;
            }
            // Version 5: both feeds in JSON buckets. What is stored
            // moves over in this transaction (the cursors stay valid).
            if has(buckets::EVENTS.store) {
                return Ok(());
            }
            let event_buckets = db
                .create_object_store(buckets::EVENTS.store)
                .with_key_path(buckets::BUCKET.into())
                .build()?;
            let upgrade = event_buckets.transaction();
            if has(buckets::GROUPS.store) {
                let group_buckets = upgrade.object_store(buckets::GROUPS.store)?;
                buckets::migrate_object_buckets(&group_buckets).await?;
            } else {
                db.create_object_store(buckets::GROUPS.store)
                    .with_key_path(buckets::BUCKET.into())
                    .build()?;
            }
            if has(EVENTS) {
                let events = upgrade.object_store(EVENTS)?;
                buckets::migrate_records(&events, &event_buckets).await?;
                db.delete_object_store(EVENTS)?;
            }
            Ok(())
        })
        .await?;
    Ok(db)
}

/// Every stored group (in bucket order; the screens sort). The start reads
/// them with the kept search index instead ([`index::load_groups`]).
#[cfg(feature = "bench")]
pub async fn load_groups(db: &Database) -> Result<Vec<Group>, StoreError> {
    buckets::load(db, &buckets::GROUPS).await
}

/// Every stored event (in bucket order; the screens sort).
pub async fn load_events(db: &Database) -> Result<Vec<Event>, StoreError> {
    buckets::load(db, &buckets::EVENTS).await
}

/// Every record of a store with one item per record (the drafts).
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
    read_meta_string(db, buckets::GROUPS.cursor_key).await
}

/// The events feed cursor of the last stored pull, if any.
pub async fn read_events_cursor(db: &Database) -> Result<Option<String>, StoreError> {
    read_meta_string(db, buckets::EVENTS.cursor_key).await
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

/// Applies one groups feed answer, with its cursor, in one transaction
/// ([`buckets::apply`]).
pub async fn apply_page(db: &Database, feed: &Feed<Group>, now_ms: f64) -> Result<(), StoreError> {
    buckets::apply(db, &buckets::GROUPS, feed, |g| g.id.as_str(), now_ms).await
}

/// [`apply_page`] for the events feed.
pub async fn apply_events_page(
    db: &Database,
    feed: &Feed<Event>,
    now_ms: f64,
) -> Result<(), StoreError> {
    buckets::apply(db, &buckets::EVENTS, feed, |e| e.id.as_str(), now_ms).await
}

/// A readwrite transaction over a feed's store and `meta`. Relaxed
/// durability: a feed is a copy of the server's, stored with its own cursor
/// in this one transaction; if a power cut loses the commit, the next pull
/// fetches the same page again. (Drafts, which exist nowhere else, keep the
/// default.)
fn feed_transaction<'db>(
    db: &'db Database,
    name: &str,
) -> Result<indexed_db_futures::transaction::Transaction<'db>, StoreError> {
    Ok(db
        .transaction([name, META])
        .with_mode(TransactionMode::Readwrite)
        .with_options(TransactionOptions::new().with_durability(TransactionDurability::Relaxed))
        .build()?)
}

/// The feed's new cursor and the last-updated time, in its transaction.
fn finish_feed(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    cursor_key: &str,
    cursor: &str,
    now_ms: f64,
) -> Result<(), StoreError> {
    let meta = tx.object_store(META)?;
    drop(meta.put(cursor).with_key(cursor_key).primitive()?);
    drop(meta.put(now_ms).with_key(LAST_UPDATED_KEY).primitive()?);
    Ok(())
}
