//! IndexedDB: the groups this device has, and where it stands in the feed.
//!
//! Database `tsunagari`, version 4:
//! - `group_buckets` (since version 4; versions 1 to 3 had `groups`, one
//!   record per group with a `kind` index, which version 4 deletes: the next
//!   pull then fetches everything): the directory spread over
//!   [`BUCKETS`] records `{bucket, items}`, key path `bucket`, each group in
//!   bucket [`bucket_of`] its id. A write is one put per touched bucket, not
//!   one per group: in Chromium ten times faster for a full directory
//!   (BENCHMARKS.md). The kind filter and the search run in memory.
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
//! [`LocalDraft`]: tsunagari_core::sync::LocalDraft

use crate::api::Feed;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use serde::de::DeserializeOwned;
use tsunagari_core::feed::BUCKETS;
use tsunagari_core::{Event, Group, bucket_of};
use wasm_bindgen::{JsCast, JsValue};

pub const MAIN_DB: &str = "tsunagari";
#[cfg(feature = "bench")]
pub const BENCH_DB: &str = "tsunagari-bench";

/// Versions 1 to 3 only (deleted by the upgrade to version 4).
const GROUPS: &str = "groups";
const GROUP_BUCKETS: &str = "group_buckets";
pub const META: &str = "meta";
pub const DRAFTS: &str = "drafts";
const EVENTS: &str = "events";
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
        .with_version(4u8)
        .with_on_blocked(move |_| {
            leptos::logging::warn!("IndexedDB upgrade blocked: another tab has the database open");
            on_blocked();
            Ok(())
        })
        .with_on_upgrade_needed(|event, db| {
            // Version 1: `meta` (and `groups`, replaced in version 4, so a
            // new install does not make it).
            if event.old_version() < 1.0 {
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
            // Version 4: the directory in buckets. The old store goes; with
            // nothing stored the app pulls everything (`sync::pull_groups`).
            if db.object_store_names().any(|name| name == GROUPS) {
                db.delete_object_store(GROUPS)?;
            }
            if !db.object_store_names().any(|name| name == GROUP_BUCKETS) {
                db.create_object_store(GROUP_BUCKETS)
                    .with_key_path("bucket".into())
                    .build()?;
            }
            Ok(())
        })
        .await?;
    Ok(db)
}

/// Every stored group (in bucket order; the screens sort).
pub async fn load_groups(db: &Database) -> Result<Vec<Group>, StoreError> {
    let tx = db.transaction(GROUP_BUCKETS).build()?;
    let store = tx.object_store(GROUP_BUCKETS)?;
    let buckets = store.get_all::<JsValue>().primitive()?.await?;
    let mut groups = Vec::new();
    for bucket in buckets {
        for record in bucket_items(&bucket?).iter() {
            match serde_wasm_bindgen::from_value(record) {
                Ok(group) => groups.push(group),
                // A record this version cannot read (written by a newer
                // one): skip it rather than hide everything.
                Err(e) => leptos::logging::warn!("skipping an unreadable stored group: {e}"),
            }
        }
    }
    Ok(groups)
}

/// The slot of `id`'s bucket, made on first touch.
fn touch<'a, 'id>(
    touched: &'a mut [Option<(js_sys::Array, Vec<&'id str>)>],
    id: &str,
) -> &'a mut (js_sys::Array, Vec<&'id str>) {
    touched[bucket_of(id) as usize].get_or_insert_with(|| (js_sys::Array::new(), Vec::new()))
}

/// A bucket's `items` (empty if the record has none).
fn bucket_items(bucket: &JsValue) -> js_sys::Array {
    js_sys::Reflect::get(bucket, &"items".into())
        .ok()
        .and_then(|items| items.dyn_into().ok())
        .unwrap_or_default()
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
/// the cursor never runs ahead of (or behind) the groups. The groups are
/// stored as the browser parsed them ([`Feed::records`]), by bucket: a
/// bucket a delta touches is read, changed and put back within the
/// transaction.
pub async fn apply_page(db: &Database, feed: &Feed<Group>, now_ms: f64) -> Result<(), StoreError> {
    let page = &feed.page;
    // Per bucket: the records to put, and the ids whose old record goes.
    let mut touched: Vec<Option<(js_sys::Array, Vec<&str>)>> = vec![None; BUCKETS as usize];
    for (group, record) in page.items.iter().zip(feed.records.iter()) {
        let (puts, drops) = touch(&mut touched, &group.id);
        puts.push(&record);
        drops.push(&group.id);
    }
    if !page.reset {
        for id in &page.deleted {
            touch(&mut touched, id).1.push(id);
        }
    }

    let tx = feed_transaction(db, GROUP_BUCKETS)?;
    let buckets = tx.object_store(GROUP_BUCKETS)?;
    if page.reset {
        drop(buckets.clear()?);
    }
    for (bucket, slot) in touched.into_iter().enumerate() {
        let Some((puts, drops)) = slot else { continue };
        let items = if page.reset {
            puts
        } else {
            // Only IndexedDB requests are awaited inside the transaction.
            let old: Option<JsValue> = buckets.get(bucket as u32).primitive()?.await?;
            let kept = js_sys::Array::new();
            for record in old.as_ref().map(bucket_items).unwrap_or_default().iter() {
                let id = js_sys::Reflect::get(&record, &"id".into())
                    .ok()
                    .and_then(|id| id.as_string());
                if !id.is_some_and(|id| drops.contains(&id.as_str())) {
                    kept.push(&record);
                }
            }
            kept.concat(&puts)
        };
        if items.length() == 0 {
            drop(buckets.delete(bucket as u32).primitive()?);
            continue;
        }
        let record = js_sys::Object::new();
        js_sys::Reflect::set(&record, &"bucket".into(), &JsValue::from(bucket as u32))
            .map_err(|e| StoreError(crate::api::js_error(e)))?;
        js_sys::Reflect::set(&record, &"items".into(), &items)
            .map_err(|e| StoreError(crate::api::js_error(e)))?;
        drop(buckets.put(JsValue::from(record)).primitive()?);
    }
    finish_feed(&tx, CURSOR_KEY, &page.cursor, now_ms)?;
    tx.commit().await?;
    Ok(())
}

/// [`apply_page`] for the events feed (store `events`, one record per
/// event, cursor `events_cursor`).
pub async fn apply_events_page(
    db: &Database,
    feed: &Feed<Event>,
    now_ms: f64,
) -> Result<(), StoreError> {
    apply_feed(db, EVENTS, EVENTS_CURSOR_KEY, feed, now_ms).await
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

async fn apply_feed<T>(
    db: &Database,
    name: &str,
    cursor_key: &str,
    feed: &Feed<T>,
    now_ms: f64,
) -> Result<(), StoreError> {
    let page = &feed.page;
    let tx = feed_transaction(db, name)?;
    let items = tx.object_store(name)?;
    // Requests go out when built; the commit waits for all of them and
    // fails (rolling everything back) if any of them failed.
    if page.reset {
        drop(items.clear()?);
    }
    for record in feed.records.iter() {
        drop(items.put(record).primitive()?);
    }
    if !page.reset {
        for id in &page.deleted {
            drop(items.delete(id.as_str()).primitive()?);
        }
    }
    finish_feed(&tx, cursor_key, &page.cursor, now_ms)?;
    tx.commit().await?;
    Ok(())
}
