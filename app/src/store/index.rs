//! The directory's search index, kept (object store `search_index`, since
//! version 6) for the groups it was built from: one record, key `groups`,
//! `{format, cursor, count, ids, order, index}`: the index's format
//! (`search::stored::FORMAT`), the groups feed cursor and the number of
//! the groups it was built from, their ids in its order (UTF-8, one per
//! line, a `Uint8Array`), the list's base order (the index's empty query:
//! its positions as little-endian `u32`s, a `Uint8Array`; since session
//! 12, added by [`add_order`] to a record kept before) and
//! `SearchIndex::to_bytes` as a `Blob` (a
//! `Uint8Array` where the browser cannot store a `Blob`, and in records
//! written before).
//!
//! Why the base order too: sorting 10,000 groups by their normalised
//! reading takes ~10–15 ms of the repeat visit's path to the list; the
//! record (without its index's bytes) usually arrives before the groups
//! are decoded (`kept_order`), and the list is shown in its order.
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
    /// Whether the record holds the base order (one kept by an earlier
    /// release does not: [`add_order`] adds it).
    pub has_order: bool,
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
    shown: impl FnOnce(Vec<Group>, Option<String>, Option<Vec<usize>>),
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
        shown(groups, cursor.clone(), None);
        Ok::<_, StoreError>((count, cursor))
    };
    let (kept, groups) = futures_util::future::join(kept, groups).await;
    let (count, cursor) = groups?;
    Ok(kept_for(kept?, count, cursor))
}

/// What the page's script (`xtask precache`, `early_read_script`) read from the app's
/// database while the wasm loaded, taken once: `{parts, cursor, record,
/// kept}`, the group buckets and their cursor (one transaction), the kept
/// index's record if it has arrived (its index still a `Blob`; `null`:
/// there is none) and a promise of that record with its index's bytes (an
/// `ArrayBuffer`). `None`
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
    shown: impl FnOnce(Vec<Group>, Option<String>, Option<Vec<usize>>),
) -> Result<Option<Kept>, StoreError> {
    let parts = field(&early, "parts")
        .and_then(|p| p.dyn_into::<js_sys::Array>().ok())
        .map(|p| p.iter().collect::<Vec<_>>())
        .unwrap_or_default();
    let groups: Vec<Group> = buckets::decode_records(parts);
    let cursor = field(&early, "cursor").and_then(|c| c.as_string());
    let count = groups.len();
    let order = field(&early, "record")
        .filter(JsValue::is_object)
        .and_then(|record| kept_order(&record, &groups, cursor.as_deref()?));
    shown(groups, cursor.clone(), order);
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

/// Whether `record` was kept, in this release's format, for `count`
/// groups at `cursor`.
fn kept_for_groups(record: &JsValue, count: usize, cursor: &str) -> bool {
    field(record, "format").and_then(|f| f.as_f64()) == Some(f64::from(FORMAT))
        && field(record, "cursor")
            .and_then(|c| c.as_string())
            .as_deref()
            == Some(cursor)
        && field(record, "count").and_then(|c| c.as_f64()) == Some(count as f64)
}

/// The list's base order kept in `record`, as positions in `groups` (read
/// at `cursor`): `None` unless the record was kept for exactly these
/// groups and holds a whole order.
fn kept_order(record: &JsValue, groups: &[Group], cursor: &str) -> Option<Vec<usize>> {
    if !kept_for_groups(record, groups.len(), cursor) {
        return None;
    }
    let bytes = |name: &str| {
        field(record, name)?
            .dyn_into::<js_sys::Uint8Array>()
            .ok()
            .map(|a| a.to_vec())
    };
    let to_groups = to_groups(&bytes("ids")?, groups)?;
    order_in_groups(&bytes("order")?, to_groups.as_deref(), groups.len())
}

/// `order` (the index's base order as [`order_bytes`]) as positions in
/// the groups, `to_groups` mapping the index's items onto them (`None`:
/// the same); `None` unless it is an order of all `count` of them.
pub fn order_in_groups(
    order: &[u8],
    to_groups: Option<&[u32]>,
    count: usize,
) -> Option<Vec<usize>> {
    if order.len() != 4 * count {
        return None;
    }
    let mut seen = vec![false; count];
    let mut out = Vec::with_capacity(count);
    for b in order.chunks_exact(4) {
        let i = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
        if i >= count || std::mem::replace(&mut seen[i], true) {
            return None;
        }
        out.push(match to_groups {
            Some(map) => *map.get(i)? as usize,
            None => i,
        });
    }
    Some(out)
}

/// The base order as stored: each position a little-endian `u32`.
pub fn order_bytes(order: &[usize]) -> Vec<u8> {
    order
        .iter()
        .flat_map(|&i| (i as u32).to_le_bytes())
        .collect()
}

/// The kept index, if its record was kept for `count` groups at `cursor`.
fn kept_for(
    kept: Option<(JsValue, Vec<u8>)>,
    count: usize,
    cursor: Option<String>,
) -> Option<Kept> {
    let ((record, index), cursor) = (kept?, cursor?);
    if !kept_for_groups(&record, count, &cursor) {
        return None;
    }
    let ids = field(&record, "ids")?
        .dyn_into::<js_sys::Uint8Array>()
        .ok()?
        .to_vec();
    Some(Kept {
        ids,
        index,
        has_order: holds_order(&record),
    })
}

/// Whether `record` holds a base order (its bytes; one kept by an earlier
/// release holds none).
fn holds_order(record: &JsValue) -> bool {
    field(record, "order").is_some_and(|o| o.is_instance_of::<js_sys::Uint8Array>())
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

/// What a kept record holds besides its index: the groups' cursor, their
/// number, their ids ([`ids_text`]) and the base order ([`order_bytes`]).
pub struct KeptFor<'a> {
    pub cursor: &'a str,
    pub count: usize,
    pub ids: &'a [u8],
    pub order: &'a [u8],
}

/// Stores the index built from the groups `kept` names, replacing the one
/// kept before: the index as a `Blob`, or as a `Uint8Array` where the
/// browser cannot store a `Blob`.
pub async fn put(db: &Database, kept: KeptFor<'_>, index: &[u8]) -> Result<(), StoreError> {
    let bytes = js_sys::Uint8Array::from(index);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&bytes))
        .map_err(|e| StoreError(crate::api::js_error(e)))?;
    match put_record(db, &kept, &blob.into()).await {
        Ok(()) => Ok(()),
        Err(e) => {
            leptos::logging::warn!("{e}; keeping the search index as bytes");
            put_record(db, &kept, &bytes.into()).await
        }
    }
}

/// Adds the base order (`order`, [`order_bytes`]) to a record kept
/// without one (by an earlier release), if it is still the record of
/// `count` groups at `cursor`: the next visit shows the list in it.
pub async fn add_order(
    db: &Database,
    cursor: &str,
    count: usize,
    order: &[u8],
) -> Result<(), StoreError> {
    let tx = write_transaction(db)?;
    let store = tx.object_store(STORE)?;
    let record: Option<JsValue> = store.get(KEY).primitive()?.await?;
    if let Some(record) =
        record.filter(|r| r.is_object() && kept_for_groups(r, count, cursor) && !holds_order(r))
    {
        js_sys::Reflect::set(&record, &"order".into(), &js_sys::Uint8Array::from(order))
            .map_err(|e| StoreError(crate::api::js_error(e)))?;
        drop(store.put(record).with_key(KEY).primitive()?);
    }
    tx.commit().await?;
    Ok(())
}

/// A transaction writing the kept record. Relaxed: a lost write only
/// means the next visit builds the index (or computes the order).
fn write_transaction(
    db: &Database,
) -> Result<indexed_db_futures::transaction::Transaction<'_>, StoreError> {
    Ok(db
        .transaction(STORE)
        .with_mode(TransactionMode::Readwrite)
        .with_options(TransactionOptions::new().with_durability(TransactionDurability::Relaxed))
        .build()?)
}

async fn put_record(db: &Database, kept: &KeptFor<'_>, index: &JsValue) -> Result<(), StoreError> {
    let record = js_sys::Object::new();
    let set = |name: &str, value: &JsValue| {
        js_sys::Reflect::set(&record, &name.into(), value)
            .map(drop)
            .map_err(|e| StoreError(crate::api::js_error(e)))
    };
    set("format", &JsValue::from(FORMAT))?;
    set("cursor", &JsValue::from_str(kept.cursor))?;
    set("count", &JsValue::from(kept.count as u32))?;
    set("ids", &js_sys::Uint8Array::from(kept.ids).into())?;
    set("order", &js_sys::Uint8Array::from(kept.order).into())?;
    set("index", index)?;
    let tx = write_transaction(db)?;
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

    /// Groups with readings that sort otherwise than their ids.
    fn read_groups(rows: &[(&str, &str)]) -> Vec<Group> {
        rows.iter()
            .map(|(id, reading)| {
                serde_json::from_value(serde_json::json!({
                    "id": id, "name": id, "reading": reading, "kind": "civic", "description": ""
                }))
                .expect("a group")
            })
            .collect()
    }

    #[test]
    fn the_kept_base_order_is_the_base_order_of_the_groups_read_back() {
        use tsunagari_core::SearchIndex;
        use tsunagari_core::search::base_order;
        let built = read_groups(&[("a", "ふゆ"), ("b", "あき"), ("c", "なつ"), ("d", "はる")]);
        let ids = ids_text(&built).unwrap();
        let order = order_bytes(&SearchIndex::new(&built).search(""));
        assert_eq!(order.len(), 16);
        // Read back in the stored order, and in another.
        for read in [
            built.clone(),
            read_groups(&[("d", "はる"), ("b", "あき"), ("a", "ふゆ"), ("c", "なつ")]),
        ] {
            let map = to_groups(&ids, &read).expect("the same ids");
            assert_eq!(
                order_in_groups(&order, map.as_deref(), read.len()),
                Some(base_order(&read)),
                "{:?}",
                read.iter().map(|g| g.id.as_str()).collect::<Vec<_>>()
            );
        }
        assert_eq!(base_order(&built), vec![1, 2, 3, 0], "あき なつ はる ふゆ");
    }

    #[test]
    fn a_damaged_kept_order_is_refused() {
        let whole = order_bytes(&[2, 0, 1]);
        assert_eq!(order_in_groups(&whole, None, 3), Some(vec![2, 0, 1]));
        assert_eq!(order_in_groups(&whole[..8], None, 3), None, "cut");
        assert_eq!(order_in_groups(&whole, None, 4), None, "for other groups");
        assert_eq!(
            order_in_groups(&order_bytes(&[0, 0, 1]), None, 3),
            None,
            "twice"
        );
        assert_eq!(
            order_in_groups(&order_bytes(&[0, 3, 1]), None, 3),
            None,
            "beyond"
        );
        assert_eq!(order_in_groups(&[], None, 0), Some(vec![]));
    }
}
