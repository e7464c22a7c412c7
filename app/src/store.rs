//! IndexedDB: the groups this device has, and where it stands in the feed.
//!
//! Database `tsunagari`, version 1:
//! - `groups`: one record per group, key path `id`, index `kind` on the
//!   kind's snake_case code (how serde writes [`GroupKind`]).
//! - `meta`: out-of-line keys `cursor` (the feed cursor string) and
//!   `last_updated` (epoch milliseconds of the last stored pull).
//!
//! Every write happens in one readwrite transaction that is committed
//! explicitly; nothing but IndexedDB requests is awaited inside it.
//!
//! [`GroupKind`]: tsunagari_core::GroupKind

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use tsunagari_core::{FeedPage, Group};

pub const MAIN_DB: &str = "tsunagari";
pub const BENCH_DB: &str = "tsunagari-bench";

const GROUPS: &str = "groups";
const META: &str = "meta";
const KIND_INDEX: &str = "kind";
const CURSOR_KEY: &str = "cursor";
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
        .with_version(1u8)
        .with_on_upgrade_needed(|event, db| {
            // Version 1 is the only schema so far: create everything once.
            if event.old_version() < 1.0 {
                let groups = db
                    .create_object_store(GROUPS)
                    .with_key_path("id".into())
                    .build()?;
                groups.create_index(KIND_INDEX, "kind".into()).build()?;
                db.create_object_store(META).build()?;
            }
            Ok(())
        })
        .await?;
    Ok(db)
}

/// Every stored group, in key (id) order.
pub async fn load_groups(db: &Database) -> Result<Vec<Group>, StoreError> {
    let tx = db.transaction(GROUPS).build()?;
    let store = tx.object_store(GROUPS)?;
    let records = store.get_all::<Group>().serde()?.await?;
    let mut groups = Vec::new();
    for record in records {
        match record {
            Ok(group) => groups.push(group),
            // A record this version cannot read (written by a newer one):
            // skip it rather than hide the whole directory.
            Err(e) => leptos::logging::warn!("skipping an unreadable stored group: {e}"),
        }
    }
    Ok(groups)
}

/// The feed cursor of the last stored pull, if any.
pub async fn read_cursor(db: &Database) -> Result<Option<String>, StoreError> {
    let tx = db.transaction(META).build()?;
    let store = tx.object_store(META)?;
    let cursor: Option<String> = store.get(CURSOR_KEY).primitive()?.await?;
    Ok(cursor)
}

/// When the last pull was stored (epoch milliseconds), if ever.
pub async fn read_last_updated(db: &Database) -> Result<Option<f64>, StoreError> {
    let tx = db.transaction(META).build()?;
    let store = tx.object_store(META)?;
    let at: Option<f64> = store.get(LAST_UPDATED_KEY).primitive()?.await?;
    Ok(at)
}

/// Applies one feed answer: on `reset` replaces every group, else puts the
/// changed groups and deletes the tombstoned ids; stores the new cursor and
/// `now_ms` as the last-updated time. All in ONE transaction, so the cursor
/// never runs ahead of (or behind) the groups.
pub async fn apply_page(
    db: &Database,
    page: &FeedPage<Group>,
    now_ms: f64,
) -> Result<(), StoreError> {
    let tx = db
        .transaction([GROUPS, META])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let groups = tx.object_store(GROUPS)?;
    let meta = tx.object_store(META)?;
    // Requests go out when built; the commit waits for all of them and
    // fails (rolling everything back) if any of them failed.
    if page.reset {
        drop(groups.clear()?);
    }
    for group in &page.items {
        drop(groups.put(group).serde()?);
    }
    if !page.reset {
        for id in &page.deleted {
            drop(groups.delete(id.as_str()).primitive()?);
        }
    }
    drop(
        meta.put(page.cursor.as_str())
            .with_key(CURSOR_KEY)
            .primitive()?,
    );
    drop(meta.put(now_ms).with_key(LAST_UPDATED_KEY).primitive()?);
    tx.commit().await?;
    Ok(())
}
