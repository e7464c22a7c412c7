//! The drafts in IndexedDB: store `drafts` (one [`LocalDraft`] per draft,
//! key path `draft.id`) and, in `meta`, `session` (the signed-in member,
//! with the token, kept for offline use), `outbox` (the [`Outbox`], whose
//! client id is this install's), `drafts_cursor:<group>` and
//! `drafts_synced_at` (epoch ms of the last complete sync), `rounds` (the
//! rounds feed as last pulled, for the guidance and the form offline).
//!
//! Every function builds its transaction before its first `await`, so
//! transactions run in the order the functions are called, and writes what
//! it is given: drafts and the outbox always together, a pull together with
//! its cursor.

use crate::store::{DRAFTS, META, StoreError};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use tsunagari_core::account::Session;
use tsunagari_core::round::RoundsFeed;
use tsunagari_core::sync::{DraftId, LocalDraft, Outbox};

const SESSION_KEY: &str = "session";
const OUTBOX_KEY: &str = "outbox";
const SYNCED_AT_KEY: &str = "drafts_synced_at";
const ROUNDS_KEY: &str = "rounds";

fn cursor_key(group: &str) -> String {
    format!("drafts_cursor:{group}")
}

/// What the drafts part of the database holds.
pub struct Stored {
    pub drafts: Vec<LocalDraft>,
    pub outbox: Option<Outbox>,
    pub session: Option<Session>,
    pub synced_at: Option<f64>,
    pub rounds: Option<RoundsFeed>,
}

pub async fn load(db: &Database) -> Result<Stored, StoreError> {
    let drafts = crate::store::load_all::<LocalDraft>(db, DRAFTS).await?;
    let tx = db.transaction(META).build()?;
    let meta = tx.object_store(META)?;
    let outbox: Option<Outbox> = meta.get(OUTBOX_KEY).serde()?.await?;
    let session: Option<Session> = meta.get(SESSION_KEY).serde()?.await?;
    let synced_at: Option<f64> = meta.get(SYNCED_AT_KEY).primitive()?.await?;
    // A stored feed this release cannot read is pulled again, not an error.
    let rounds: Option<RoundsFeed> = meta.get(ROUNDS_KEY).serde()?.await.ok().flatten();
    Ok(Stored {
        drafts,
        outbox,
        session,
        synced_at,
        rounds,
    })
}

/// Stores the session (with its token), or removes it (signed out). Drafts
/// and the outbox are left alone.
pub async fn save_session(db: &Database, session: Option<&Session>) -> Result<(), StoreError> {
    let tx = db
        .transaction(META)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let meta = tx.object_store(META)?;
    match session {
        Some(s) => drop(
            meta.put(s)
                .with_key(SESSION_KEY)
                .without_key_type()
                .serde()?,
        ),
        None => drop(meta.delete(SESSION_KEY).primitive()?),
    }
    tx.commit().await?;
    Ok(())
}

/// Stores the rounds feed as pulled.
pub async fn save_rounds(db: &Database, feed: &RoundsFeed) -> Result<(), StoreError> {
    let tx = db
        .transaction(META)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let meta = tx.object_store(META)?;
    drop(
        meta.put(feed)
            .with_key(ROUNDS_KEY)
            .without_key_type()
            .serde()?,
    );
    tx.commit().await?;
    Ok(())
}

/// The drafts cursor of `group`'s feed.
pub async fn read_cursor(db: &Database, group: &str) -> Result<Option<String>, StoreError> {
    let tx = db.transaction(META).build()?;
    let meta = tx.object_store(META)?;
    let key = cursor_key(group);
    let cursor: Option<String> = meta.get(key.as_str()).primitive()?.await?;
    Ok(cursor)
}

/// One write of drafts and the outbox, in one transaction: `put` drafts
/// written, `remove` ids deleted, the outbox replaced; optionally a pulled
/// cursor of `group` and the sync time.
pub struct Write<'a> {
    pub put: &'a [LocalDraft],
    pub remove: &'a [DraftId],
    pub outbox: &'a Outbox,
    pub cursor: Option<(&'a str, &'a str)>,
    pub synced_at: Option<f64>,
}

pub async fn write(db: &Database, w: Write<'_>) -> Result<(), StoreError> {
    let tx = db
        .transaction([DRAFTS, META])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let drafts = tx.object_store(DRAFTS)?;
    let meta = tx.object_store(META)?;
    for d in w.put {
        drop(drafts.put(d).serde()?);
    }
    for id in w.remove {
        drop(drafts.delete(id.as_str()).primitive()?);
    }
    drop(
        meta.put(w.outbox)
            .with_key(OUTBOX_KEY)
            .without_key_type()
            .serde()?,
    );
    if let Some((group, cursor)) = w.cursor {
        let key = cursor_key(group);
        drop(meta.put(cursor).with_key(key.as_str()).primitive()?);
    }
    if let Some(at) = w.synced_at {
        drop(meta.put(at).with_key(SYNCED_AT_KEY).primitive()?);
    }
    tx.commit().await?;
    Ok(())
}
