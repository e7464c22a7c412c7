//! Building a change-feed page (`FeedPage<T>`) from a cursor.
//!
//! - no cursor, or a cursor of another epoch (the database was replaced):
//!   the whole collection with `reset: true`;
//! - a cursor of this epoch: the rows changed after its `seq`, tombstones as
//!   `deleted` ids, `reset: false`;
//! - a cursor of this epoch but *ahead* of the server's counter (the
//!   database was restored from a backup without changing its epoch): the
//!   client holds changes the server never made, so it gets a full
//!   snapshot with `reset: true` too, rather than an error it cannot fix.
//!
//! A group's drafts differ in one way: tombstones are items whose body says
//! `deleted: true`, in deltas and snapshots alike.

use serde::de::DeserializeOwned;
use tsunagari_core::{Cursor, FeedPage};

use crate::store::{Feed, Source, Store, StoreError};

fn decode<T: DeserializeOwned>(from: Source, id: &str, body: &str) -> Result<T, StoreError> {
    serde_json::from_str(body).map_err(|source| StoreError::Corrupt {
        table: from.table(),
        id: id.to_string(),
        source,
    })
}

fn cursor(store: &Store, seq: i64) -> String {
    Cursor {
        epoch: store.epoch().to_string(),
        seq,
    }
    .to_string()
}

/// Everything live, `reset: true`.
pub async fn full<T: DeserializeOwned>(
    store: &Store,
    from: Source<'_>,
) -> Result<FeedPage<T>, StoreError> {
    let snapshot = store.snapshot_of(from).await?;
    let items = snapshot
        .rows
        .iter()
        .map(|(id, body)| decode(from, id, body))
        .collect::<Result<_, _>>()?;
    Ok(FeedPage {
        cursor: cursor(store, snapshot.seq),
        reset: true,
        items,
        deleted: Vec::new(),
        more: false,
    })
}

/// The page a client holding `since` should get.
pub async fn page<T: DeserializeOwned>(
    store: &Store,
    feed: Feed,
    since: Option<&Cursor>,
) -> Result<FeedPage<T>, StoreError> {
    page_of(store, Source::Feed(feed), since).await
}

/// The same for any source (one group's drafts).
pub async fn page_of<T: DeserializeOwned>(
    store: &Store,
    from: Source<'_>,
    since: Option<&Cursor>,
) -> Result<FeedPage<T>, StoreError> {
    let Some(since) = since.filter(|c| c.epoch == store.epoch()) else {
        return full(store, from).await;
    };
    let changes = store.changes_of(from, since.seq).await?;
    if since.seq > changes.seq {
        return full(store, from).await;
    }
    let mut items = Vec::new();
    let mut deleted = Vec::new();
    // Drafts carry their tombstones as items (`Draft::deleted`); the
    // reference feeds send deleted ids.
    let tombstones_as_items = matches!(from, Source::Drafts { .. });
    for row in &changes.rows {
        if row.deleted && !tombstones_as_items {
            deleted.push(row.id.clone());
        } else {
            items.push(decode(from, &row.id, &row.body)?);
        }
    }
    // Rows committed between reading the counter and the rows may carry a
    // higher seq: the cursor covers them too so they are not sent twice.
    let seq = changes
        .rows
        .iter()
        .map(|r| r.seq)
        .fold(changes.seq, i64::max);
    Ok(FeedPage {
        cursor: cursor(store, seq),
        reset: false,
        items,
        deleted,
        more: false,
    })
}
