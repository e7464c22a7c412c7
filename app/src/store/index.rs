//! The directory's search index, kept (object store `search_index`, since
//! version 6) for the groups it was built from: one record, key `groups`,
//! `{format, cursor, count, ids, index}`: the index's format
//! (`search::stored::FORMAT`), the groups feed cursor and the number of
//! the groups it was built from, their ids in its order (UTF-8, one per
//! line) and `SearchIndex::to_bytes` (both as `Uint8Array`s).
//!
//! [`load_groups`] reads it in the transaction that reads the groups and
//! their cursor (after them), so a pull can never land between them, and
//! hands it back only when it is for exactly these groups.

use super::buckets::{self, GROUPS};
use super::{META, StoreError};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use std::collections::HashMap;
use tsunagari_core::Group;
use tsunagari_core::search::stored::FORMAT;
use wasm_bindgen::{JsCast, JsValue};

pub const STORE: &str = "search_index";
const KEY: &str = "groups";

/// A kept index for the groups' cursor and count (see [`to_groups`] for
/// their ids).
pub struct Kept {
    /// The ids of its items, in its order ([`ids_text`]).
    pub ids: Vec<u8>,
    /// `SearchIndex::to_bytes`.
    pub index: Vec<u8>,
}

/// The groups' ids in order, one per line; `None` when an id holds a line
/// break (such groups are not kept with an index).
pub fn ids_text(groups: &[Group]) -> Option<Vec<u8>> {
    let mut text = Vec::with_capacity(groups.len() * 16);
    for (n, g) in groups.iter().enumerate() {
        if g.id.contains('\n') {
            return None;
        }
        if n > 0 {
            text.push(b'\n');
        }
        text.extend_from_slice(g.id.as_bytes());
    }
    Some(text)
}

/// Where each id of `ids` (the kept index's items) is in `groups`: `None`
/// unless they are exactly the same ids, each once; `Some(None)` when in
/// the same order.
pub fn to_groups(ids: &[u8], groups: &[Group]) -> Option<Option<Vec<u32>>> {
    let ids = std::str::from_utf8(ids).ok()?;
    let ids: Vec<&str> = if groups.is_empty() {
        Vec::new()
    } else {
        ids.split('\n').collect()
    };
    if ids.len() != groups.len() {
        return None;
    }
    if ids.iter().zip(groups).all(|(id, g)| *id == g.id) {
        return Some(None);
    }
    let at: HashMap<&str, u32> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id.as_str(), i as u32))
        .collect();
    if at.len() != groups.len() {
        return None;
    }
    let mut seen = vec![false; groups.len()];
    let mut map = Vec::with_capacity(ids.len());
    for id in ids {
        let &i = at.get(id)?;
        if std::mem::replace(&mut seen[i as usize], true) {
            return None;
        }
        map.push(i);
    }
    Some(Some(map))
}

/// Reads the stored groups (as `buckets::load`), hands them and their
/// cursor to `shown` as soon as they are decoded, then the kept index:
/// `Some` only when it was built from groups at
/// the same cursor, as many, in this release's format (the caller checks
/// the ids with [`to_groups`]).
pub async fn load_groups(
    db: &Database,
    shown: impl FnOnce(Vec<Group>, Option<String>),
) -> Result<Option<Kept>, StoreError> {
    // One transaction, the kept index asked for last: its bytes (megabytes)
    // must not delay the groups' parts, which IndexedDB reads in order.
    let tx = db.transaction([GROUPS.store, META, STORE]).build()?;
    let parts = buckets::read_parts(&tx.object_store(GROUPS.store)?)?;
    let meta = tx.object_store(META)?;
    let cursor = meta.get(GROUPS.cursor_key).primitive()?;
    let record = tx.object_store(STORE)?.get(KEY).primitive()?;
    let groups: Vec<Group> = buckets::decode_parts(parts).await?;
    let cursor: Option<String> = cursor.await?;
    let count = groups.len();
    shown(groups, cursor.clone());
    let record: Option<JsValue> = record.await?;
    crate::pwa::mark_time("index-record");
    let (Some(record), Some(cursor)) = (record, cursor) else {
        return Ok(None);
    };
    let field = |name: &str| js_sys::Reflect::get(&record, &name.into()).ok();
    let same = field("format").and_then(|f| f.as_f64()) == Some(f64::from(FORMAT))
        && field("cursor").and_then(|c| c.as_string()).as_deref() == Some(cursor.as_str())
        && field("count").and_then(|c| c.as_f64()) == Some(count as f64);
    if !same {
        return Ok(None);
    }
    let bytes = |name: &str| {
        field(name)
            .and_then(|b| b.dyn_into::<js_sys::Uint8Array>().ok())
            .map(|b| b.to_vec())
    };
    let (Some(ids), Some(index)) = (bytes("ids"), bytes("index")) else {
        return Ok(None);
    };
    Ok(Some(Kept { ids, index }))
}

/// Stores the index built from the groups at `cursor` (`count` of them,
/// `ids` as [`ids_text`]), replacing the one kept before.
pub async fn put(
    db: &Database,
    cursor: &str,
    count: usize,
    ids: &[u8],
    index: &[u8],
) -> Result<(), StoreError> {
    let record = js_sys::Object::new();
    let set = |name: &str, value: &JsValue| {
        js_sys::Reflect::set(&record, &name.into(), value)
            .map(drop)
            .map_err(|e| StoreError(crate::api::js_error(e)))
    };
    set("format", &JsValue::from(FORMAT))?;
    set("cursor", &JsValue::from_str(cursor))?;
    set("count", &JsValue::from(count as u32))?;
    set("ids", &js_sys::Uint8Array::from(ids).into())?;
    set("index", &js_sys::Uint8Array::from(index).into())?;
    // Relaxed: a lost write only means the next visit builds the index.
    let tx = db
        .transaction(STORE)
        .with_mode(TransactionMode::Readwrite)
        .with_options(TransactionOptions::new().with_durability(TransactionDurability::Relaxed))
        .build()?;
    let store = tx.object_store(STORE)?;
    drop(store.put(JsValue::from(record)).with_key(KEY).primitive()?);
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(ids: &[&str]) -> Vec<Group> {
        ids.iter()
            .map(|id| {
                serde_json::from_value(serde_json::json!({
                    "id": id, "name": id, "kind": "civic", "description": ""
                }))
                .expect("a group")
            })
            .collect()
    }

    #[test]
    fn a_kept_index_maps_onto_the_same_ids_in_any_order() {
        let g = groups(&["a", "b", "c"]);
        let ids = ids_text(&g).unwrap();
        assert_eq!(ids, b"a\nb\nc");
        assert_eq!(to_groups(&ids, &g), Some(None), "same order: no map");
        let shuffled = groups(&["c", "a", "b"]);
        assert_eq!(to_groups(&ids, &shuffled), Some(Some(vec![1, 2, 0])));
        assert_eq!(to_groups(b"", &[]), Some(None));
    }

    #[test]
    fn other_ids_are_refused() {
        let g = groups(&["a", "b", "c"]);
        assert_eq!(to_groups(b"a\nb", &g), None, "one missing");
        assert_eq!(to_groups(b"a\nb\nd", &g), None, "another");
        assert_eq!(to_groups(b"a\na\nb", &g), None, "twice");
        assert_eq!(to_groups(b"a\nb\nc\nd", &g), None, "one more");
        assert_eq!(to_groups(&[0xff], &groups(&["a"])), None, "not UTF-8");
        assert_eq!(ids_text(&groups(&["a\nb"])), None);
    }
}
