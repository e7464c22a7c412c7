//! The directory's search index, kept (object store `search_index`, since
//! version 6) for the groups it was built from: one record, key `groups`,
//! `{format, cursor, count, ids, index}`: the index's format
//! (`search::stored::FORMAT`), the groups feed cursor and the number of
//! the groups it was built from, their ids in its order (UTF-8, one per
//! line, a `Uint8Array`) and `SearchIndex::to_bytes` as a `Blob` (a
//! `Uint8Array` where the browser cannot store a `Blob`, and in records
//! written before).
//!
//! Why a `Blob`: IndexedDB hands back a record's `Uint8Array` by copying
//! it out of its serialised form on the page's thread (~20 ms for the
//! 10 MB of 10,000 groups, in the middle of the repeat visit), where a
//! `Blob` comes back as a handle at once and its bytes are read from disk
//! off that thread ([`load_groups`] reads them while the groups are
//! decoded).
//!
//! [`load_groups`] hands the record back only when it was kept for the
//! groups it read: the same cursor (read with the groups, in their
//! transaction: a feed's items and cursor change together), as many, in
//! this release's format; the caller checks the ids with [`to_groups`]. The
//! record is read in a transaction of its own, asked for first: whatever
//! lands between the two transactions changes the cursor, and the index is
//! built instead.

use super::buckets::{self, GROUPS};
use super::{META, StoreError};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use std::collections::HashMap;
use tsunagari_core::Group;
use tsunagari_core::search::stored::FORMAT;
use wasm_bindgen::{JsCast, JsValue};

pub const STORE: &str = tsunagari_core::idb::SEARCH_INDEX;
const KEY: &str = tsunagari_core::idb::SEARCH_INDEX_KEY;

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
/// `Some` only when it was built from groups at the same cursor, as many,
/// in this release's format (the caller checks the ids with [`to_groups`]).
///
/// The first call for the app's database takes what the page's own script
/// read before the wasm ran ([`early_read`]), when it read anything.
pub async fn load_groups(
    db: &Database,
    shown: impl FnOnce(Vec<Group>, Option<String>),
) -> Result<Option<Kept>, StoreError> {
    if db.name() == super::MAIN_DB
        && let Some(early) = early_read().await
    {
        crate::pwa::mark_stored_read("early");
        return load_early(early, shown).await;
    }
    // The kept record first: it answers at once (its index is a Blob) and
    // the Blob's bytes are read while the groups are.
    let kept_tx = db.transaction(STORE).build()?;
    let record = kept_tx.object_store(STORE)?.get(KEY).primitive()?;
    let tx = db.transaction([GROUPS.store, META]).build()?;
    let parts = buckets::read_parts(&tx.object_store(GROUPS.store)?)?;
    let cursor = tx.object_store(META)?.get(GROUPS.cursor_key).primitive()?;
    let kept = async {
        let record: Option<JsValue> = record.await?;
        Ok::<_, StoreError>(match record {
            Some(record) => with_bytes(record).await,
            None => None,
        })
    };
    let groups = async {
        let groups: Vec<Group> = buckets::decode_parts(parts).await?;
        let cursor: Option<String> = cursor.await?;
        let count = groups.len();
        shown(groups, cursor.clone());
        Ok::<_, StoreError>((count, cursor))
    };
    let (kept, groups) = futures_util::future::join(kept, groups).await;
    let (count, cursor) = groups?;
    Ok(kept_for(kept?, count, cursor))
}

/// What the page's script (`xtask precache`, `early_read_script`) read from the app's
/// database while the wasm loaded, taken once: `{parts, cursor, kept}`, the
/// group buckets and their cursor (one transaction) and a promise of the
/// kept index's record with its index's bytes (an `ArrayBuffer`). `None`
/// when there is no such read (another page, a second call) or it read
/// nothing (no database of this version yet, an error).
async fn early_read() -> Option<JsValue> {
    let window = leptos::prelude::window();
    let name = JsValue::from_str(tsunagari_core::idb::EARLY_READ);
    let read = js_sys::Reflect::get(&window, &name).ok()?;
    let _ = js_sys::Reflect::delete_property(&window, &name);
    let read = read.dyn_into::<js_sys::Promise>().ok()?;
    let read = wasm_bindgen_futures::JsFuture::from(read).await.ok()?;
    read.is_object().then_some(read)
}

/// [`load_groups`] from the page's early read.
async fn load_early(
    early: JsValue,
    shown: impl FnOnce(Vec<Group>, Option<String>),
) -> Result<Option<Kept>, StoreError> {
    let parts = field(&early, "parts")
        .and_then(|p| p.dyn_into::<js_sys::Array>().ok())
        .map(|p| p.iter().collect::<Vec<_>>())
        .unwrap_or_default();
    let groups: Vec<Group> = buckets::decode_records(parts);
    let cursor = field(&early, "cursor").and_then(|c| c.as_string());
    let count = groups.len();
    shown(groups, cursor.clone());
    let record = match field(&early, "kept").and_then(|k| k.dyn_into::<js_sys::Promise>().ok()) {
        Some(kept) => wasm_bindgen_futures::JsFuture::from(kept).await.ok(),
        None => None,
    };
    let kept = match record.filter(JsValue::is_object) {
        Some(record) => with_bytes(record).await,
        None => None,
    };
    Ok(kept_for(kept, count, cursor))
}

/// A kept record with its index's bytes; `None` when they cannot be read.
async fn with_bytes(record: JsValue) -> Option<(JsValue, Vec<u8>)> {
    let index = index_bytes(field(&record, "index")?).await;
    crate::pwa::mark_time("index-record");
    index.map(|index| (record, index))
}

/// The kept index, if its record was kept for `count` groups at `cursor`.
fn kept_for(
    kept: Option<(JsValue, Vec<u8>)>,
    count: usize,
    cursor: Option<String>,
) -> Option<Kept> {
    let ((record, index), cursor) = (kept?, cursor?);
    let same = field(&record, "format").and_then(|f| f.as_f64()) == Some(f64::from(FORMAT))
        && field(&record, "cursor")
            .and_then(|c| c.as_string())
            .as_deref()
            == Some(cursor.as_str())
        && field(&record, "count").and_then(|c| c.as_f64()) == Some(count as f64);
    if !same {
        return None;
    }
    let ids = field(&record, "ids")?
        .dyn_into::<js_sys::Uint8Array>()
        .ok()?
        .to_vec();
    Some(Kept { ids, index })
}

fn field(record: &JsValue, name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(record, &name.into()).ok()
}

/// The index's bytes, copied into the wasm: a `Blob`'s once read, an
/// `ArrayBuffer`'s or a `Uint8Array`'s as they are; `None` for anything
/// else, or a `Blob` that cannot be read (the index is built again).
async fn index_bytes(index: JsValue) -> Option<Vec<u8>> {
    if let Some(blob) = index.dyn_ref::<web_sys::Blob>() {
        return match wasm_bindgen_futures::JsFuture::from(blob.array_buffer()).await {
            Ok(buffer) => Some(js_sys::Uint8Array::new(&buffer).to_vec()),
            Err(e) => {
                let e = crate::api::js_error(e);
                leptos::logging::warn!("reading the kept search index: {e}");
                None
            }
        };
    }
    if let Some(buffer) = index.dyn_ref::<js_sys::ArrayBuffer>() {
        return Some(js_sys::Uint8Array::new(buffer).to_vec());
    }
    index
        .dyn_ref::<js_sys::Uint8Array>()
        .map(js_sys::Uint8Array::to_vec)
}

/// Stores the index built from the groups at `cursor` (`count` of them,
/// `ids` as [`ids_text`]), replacing the one kept before: the index as a
/// `Blob`, or as a `Uint8Array` where the browser cannot store a `Blob`.
pub async fn put(
    db: &Database,
    cursor: &str,
    count: usize,
    ids: &[u8],
    index: &[u8],
) -> Result<(), StoreError> {
    let bytes = js_sys::Uint8Array::from(index);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&bytes))
        .map_err(|e| StoreError(crate::api::js_error(e)))?;
    match put_record(db, cursor, count, ids, &blob.into()).await {
        Ok(()) => Ok(()),
        Err(e) => {
            leptos::logging::warn!("{e}; keeping the search index as bytes");
            put_record(db, cursor, count, ids, &bytes.into()).await
        }
    }
}

async fn put_record(
    db: &Database,
    cursor: &str,
    count: usize,
    ids: &[u8],
    index: &JsValue,
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
    set("index", index)?;
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
