//! A feed's items in [`BUCKETS`] IndexedDB records: the one bucket store of
//! the directory ([`GROUPS`]) and of the events ([`EVENTS`]).
//!
//! A record is `{bucket, json}`: the bucket number ([`bucket_of`] the item's
//! id; the key path) and the bucket's items as one JSON array in UTF-8
//! bytes (a `Uint8Array`), each item the server's JSON of it as it came (a
//! field this release does not know survives until a release that does).
//! Why buckets: Chromium pays per put, so one record per item made 20,000
//! events take seconds to store. Why JSON bytes: IndexedDB hands back one
//! byte array per bucket much faster than thousands of objects, the bytes
//! are copied into the wasm as they are, and `serde_json` reads them faster
//! than `serde_wasm_bindgen` reads JS objects (BENCHMARKS.md).

use super::{StoreError, feed_transaction, finish_feed};
use crate::api::Feed;
use indexed_db_futures::KeyRange;
use indexed_db_futures::database::Database;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tsunagari_core::bucket_of;
use tsunagari_core::feed::BUCKETS;
use wasm_bindgen::{JsCast, JsValue};

/// A feed stored in buckets: its object store and its cursor's key in `meta`.
pub struct Buckets {
    pub store: &'static str,
    pub cursor_key: &'static str,
}

/// The directory (since version 4; its records are JSON bytes since version 5).
pub const GROUPS: Buckets = Buckets {
    store: tsunagari_core::idb::GROUP_BUCKETS,
    cursor_key: tsunagari_core::idb::GROUPS_CURSOR,
};

/// The events (since version 5; one record per event before).
pub const EVENTS: Buckets = Buckets {
    store: "event_buckets",
    cursor_key: "events_cursor",
};

/// A record's key path, and the field holding its JSON (UTF-8 bytes).
pub const BUCKET: &str = "bucket";
const JSON: &str = "json";

// ------------------------------------------------------- the JSON text ----

/// A bucket's text: the items' JSON in one JSON array.
pub fn bucket_text<'a>(items: impl IntoIterator<Item = &'a RawValue>) -> String {
    let mut text = String::from("[");
    for (n, item) in items.into_iter().enumerate() {
        if n > 0 {
            text.push(',');
        }
        text.push_str(item.get());
    }
    text.push(']');
    text
}

#[derive(Deserialize)]
struct Id<'a> {
    #[serde(borrow)]
    id: std::borrow::Cow<'a, str>,
}

/// A bucket after a delta: the stored text `old` (none: an empty bucket)
/// without the items whose id is in `drops`, then `puts`. An item whose id
/// cannot be read is kept.
pub fn merge_bucket(
    old: Option<&str>,
    drops: &[&str],
    puts: &[&RawValue],
) -> Result<String, serde_json::Error> {
    let old: Vec<&RawValue> = match old {
        Some(text) => serde_json::from_str(text)?,
        None => Vec::new(),
    };
    let kept = old.into_iter().filter(|item| {
        serde_json::from_str::<Id>(item.get()).map_or(true, |i| !drops.contains(&i.id.as_ref()))
    });
    Ok(bucket_text(kept.chain(puts.iter().copied())))
}

/// The items of some buckets' texts. An item this release cannot read
/// (written by a newer one) is skipped, not its bucket nor everything.
#[cfg(any(test, feature = "bench"))]
pub fn decode<T: DeserializeOwned>(texts: &[String]) -> Vec<T> {
    let mut items = Vec::new();
    for text in texts {
        decode_into(text.as_bytes(), &mut items);
    }
    items
}

/// Appends the items of one bucket's JSON (UTF-8 bytes) to `items`,
/// skipping the ones this release cannot read.
///
/// The bytes are checked as UTF-8 once, by `simdutf8` (with wasm SIMD in
/// the SIMD build), and read as text: `serde_json` then checks no string
/// again, where reading bytes it checks each one, byte by byte (a fifth of
/// the decoding, on Japanese text).
fn decode_into<T: DeserializeOwned>(json: &[u8], items: &mut Vec<T>) {
    let all = simdutf8::basic::from_utf8(json)
        .ok()
        .and_then(|text| serde_json::from_str::<Vec<T>>(text).ok());
    match all {
        Some(mut all) => items.append(&mut all),
        None => decode_each(json, items),
    }
}

fn decode_each<T: DeserializeOwned>(json: &[u8], items: &mut Vec<T>) {
    let raw: Vec<&RawValue> = match serde_json::from_slice(json) {
        Ok(raw) => raw,
        Err(e) => {
            let e = crate::api::json_error(&e);
            leptos::logging::warn!("skipping a stored bucket: {e}");
            return;
        }
    };
    for item in raw {
        match serde_json::from_str(item.get()) {
            Ok(item) => items.push(item),
            Err(e) => {
                let e = crate::api::json_error(&e);
                leptos::logging::warn!("skipping an unreadable stored item: {e}");
            }
        }
    }
}

/// What one feed page does to one bucket: the items it puts, and the ids
/// whose stored item goes (the changed and the deleted ones).
#[derive(Default)]
struct Touched<'a> {
    puts: Vec<&'a RawValue>,
    drops: Vec<&'a str>,
}

/// A page's changes by bucket (`None`: a bucket it leaves alone).
fn touched<'a, T>(feed: &'a Feed<T>, id: impl Fn(&T) -> &str) -> Vec<Option<Touched<'a>>> {
    fn slot<'t, 'a>(touched: &'t mut [Option<Touched<'a>>], id: &str) -> &'t mut Touched<'a> {
        touched[bucket_of(id) as usize].get_or_insert_with(Touched::default)
    }
    let page = &feed.page;
    let mut touched: Vec<Option<Touched>> = Vec::new();
    touched.resize_with(BUCKETS as usize, || None);
    for (item, raw) in page.items.iter().zip(&feed.records) {
        let t = slot(&mut touched, id(item));
        t.puts.push(raw);
        t.drops.push(id(item));
    }
    if !page.reset {
        for gone in &page.deleted {
            slot(&mut touched, gone).drops.push(gone);
        }
    }
    touched
}

// ----------------------------------------------------------- IndexedDB ----

/// Every stored item of the feed (in bucket order; the screens sort).
///
/// Read in [`READ_PARTS`] `getAll`s over consecutive buckets, all sent at
/// once: IndexedDB reads the next part while this one is decoded, so the
/// decoding overlaps the reading instead of following it (one `getAll`
/// hands back nothing until the last bucket is read). Each bucket's bytes
/// go to `serde_json` as they are (no `String` in between).
pub async fn load<T: DeserializeOwned>(
    db: &Database,
    buckets: &Buckets,
) -> Result<Vec<T>, StoreError> {
    load_in(db, buckets, READ_PARTS).await
}

/// How many requests [`load`] reads a feed in (`/bench` compares).
pub const READ_PARTS: u32 = 4;

/// [`load`] in `parts` requests (a divisor of [`BUCKETS`]).
pub async fn load_in<T: DeserializeOwned>(
    db: &Database,
    buckets: &Buckets,
    parts: u32,
) -> Result<Vec<T>, StoreError> {
    let tx = db.transaction(buckets.store).build()?;
    let store = tx.object_store(buckets.store)?;
    decode_parts(read_parts_in(&store, parts)?).await
}

/// The `getAll` requests of [`load`] (sent at once), in a transaction that
/// may read other stores too (`store::index`).
pub fn read_parts(store: &ObjectStore<'_>) -> Result<Vec<PartRequest>, StoreError> {
    read_parts_in(store, READ_PARTS)
}

/// One `getAll` of [`read_parts`].
pub type PartRequest = indexed_db_futures::future::GetAllPrimitiveRequest<JsValue>;

fn read_parts_in(store: &ObjectStore<'_>, parts: u32) -> Result<Vec<PartRequest>, StoreError> {
    let per = BUCKETS / parts;
    Ok((0..parts)
        .map(|part| {
            let range = KeyRange::Bound(part * per, false, (part + 1) * per - 1, false);
            store
                .get_all::<JsValue>()
                .with_query::<u32, KeyRange<u32>>(range)
                .primitive()
        })
        .collect::<Result<Vec<_>, _>>()?)
}

/// The items of [`read_parts`], each part decoded as it comes.
pub async fn decode_parts<T: DeserializeOwned>(
    requests: Vec<PartRequest>,
) -> Result<Vec<T>, StoreError> {
    let mut items = Vec::new();
    for request in requests {
        for record in request.await? {
            decode_record(&record?, &mut items);
        }
    }
    Ok(items)
}

/// The items of bucket records read by someone else (the page's early
/// read, `store::index`).
pub fn decode_records<T: DeserializeOwned>(records: impl IntoIterator<Item = JsValue>) -> Vec<T> {
    let mut items = Vec::new();
    for record in records {
        decode_record(&record, &mut items);
    }
    items
}

fn decode_record<T: DeserializeOwned>(record: &JsValue, items: &mut Vec<T>) {
    match record_bytes(record) {
        Some(json) => decode_into(&json, items),
        None => leptos::logging::warn!("skipping a stored bucket without its JSON text"),
    }
}

/// The stored buckets' texts in one `getAll`, not decoded: the benchmark
/// times reading and decoding apart ([`load`] overlaps them).
#[cfg(feature = "bench")]
pub async fn load_texts(db: &Database, buckets: &Buckets) -> Result<Vec<String>, StoreError> {
    let tx = db.transaction(buckets.store).build()?;
    let store = tx.object_store(buckets.store)?;
    let records = store.get_all::<JsValue>().primitive()?.await?;
    let mut texts = Vec::with_capacity(BUCKETS as usize);
    for record in records {
        match record_text(&record?) {
            Some(text) => texts.push(text),
            None => leptos::logging::warn!("skipping a stored bucket without its JSON text"),
        }
    }
    Ok(texts)
}

/// A record's text: UTF-8 bytes (a string is read too).
fn record_text(record: &JsValue) -> Option<String> {
    String::from_utf8(record_bytes(record)?).ok()
}

/// A record's JSON as bytes, copied into the wasm: the stored UTF-8 bytes,
/// or a stored string's.
fn record_bytes(record: &JsValue) -> Option<Vec<u8>> {
    let json = js_sys::Reflect::get(record, &JSON.into()).ok()?;
    match json.dyn_into::<js_sys::Uint8Array>() {
        Ok(bytes) => Some(bytes.to_vec()),
        Err(json) => json.as_string().map(String::into_bytes),
    }
}

/// The record `{bucket, json}`, the text as UTF-8 bytes: copied as they
/// are into and out of the wasm, where a string is converted both ways.
fn record(bucket: u32, json: &str) -> Result<JsValue, JsValue> {
    let record = js_sys::Object::new();
    js_sys::Reflect::set(&record, &BUCKET.into(), &JsValue::from(bucket))?;
    let bytes = js_sys::Uint8Array::from(json.as_bytes());
    js_sys::Reflect::set(&record, &JSON.into(), &bytes)?;
    Ok(record.into())
}

/// `JSON.stringify(items)`, for the upgrade.
fn stringify(items: &js_sys::Array) -> Result<String, JsValue> {
    js_sys::JSON::stringify(items)?
        .as_string()
        .ok_or_else(|| JsValue::from_str("JSON.stringify gave no text"))
}

/// Applies one feed answer: on `reset` replaces every item, else puts the
/// changed items and drops the tombstoned ids; stores the new cursor and
/// `now_ms` as the last-updated time. All in ONE transaction, so the cursor
/// never runs ahead of (or behind) the items. A bucket a delta touches is
/// read, changed and put back within the transaction.
pub async fn apply<T>(
    db: &Database,
    buckets: &Buckets,
    feed: &Feed<T>,
    id: impl Fn(&T) -> &str,
    now_ms: f64,
) -> Result<(), StoreError> {
    let page = &feed.page;
    let touched = touched(feed, id);
    let tx = feed_transaction(db, buckets.store)?;
    let store = tx.object_store(buckets.store)?;
    // Requests go out when built; the commit waits for all of them and
    // fails (rolling everything back) if any of them failed.
    if page.reset {
        drop(store.clear()?);
    }
    for (bucket, slot) in touched.into_iter().enumerate() {
        let Some(Touched { puts, drops }) = slot else {
            continue;
        };
        let bucket = bucket as u32;
        let text = if page.reset {
            bucket_text(puts)
        } else {
            // Only IndexedDB requests are awaited inside the transaction.
            let old: Option<JsValue> = store.get(bucket).primitive()?.await?;
            let old = old.as_ref().and_then(record_text);
            merge_bucket(old.as_deref(), &drops, &puts).map_err(|e| {
                StoreError(format!("a stored bucket: {}", crate::api::json_error(&e)))
            })?
        };
        if text == "[]" {
            drop(store.delete(bucket).primitive()?);
            continue;
        }
        let record = record(bucket, &text).map_err(|e| StoreError(crate::api::js_error(e)))?;
        drop(store.put(record).primitive()?);
    }
    finish_feed(&tx, buckets.cursor_key, &page.cursor, now_ms)?;
    tx.commit().await?;
    Ok(())
}

// ------------------------------------------- upgrades (version 5) ----

/// Rewrites version 4's records `{bucket, items}` (the items as JS objects)
/// as `{bucket, json}`, in the upgrade's transaction.
pub async fn migrate_object_buckets(
    store: &ObjectStore<'_>,
) -> Result<(), indexed_db_futures::error::Error> {
    let records = store.get_all::<JsValue>().primitive()?.await?;
    for old in records {
        let old = old?;
        let Some(items) = js_sys::Reflect::get(&old, &"items".into())
            .ok()
            .and_then(|items| items.dyn_into::<js_sys::Array>().ok())
        else {
            continue;
        };
        let bucket = js_sys::Reflect::get(&old, &BUCKET.into())?;
        let Some(bucket) = bucket.as_f64() else {
            continue;
        };
        let json = stringify(&items)?;
        drop(store.put(record(bucket as u32, &json)?).primitive()?);
    }
    Ok(())
}

/// Moves the records of `from` (one item per record, with its `id`) into
/// the buckets of `to`, in the upgrade's transaction: what a phone stored
/// before the upgrade is there after it, with the same cursor.
pub async fn migrate_records(
    from: &ObjectStore<'_>,
    to: &ObjectStore<'_>,
) -> Result<(), indexed_db_futures::error::Error> {
    let records = from.get_all::<JsValue>().primitive()?.await?;
    let mut by_bucket: Vec<Option<js_sys::Array>> = vec![None; BUCKETS as usize];
    for item in records {
        let item = item?;
        let Some(id) = js_sys::Reflect::get(&item, &"id".into())?.as_string() else {
            continue;
        };
        by_bucket[bucket_of(&id) as usize]
            .get_or_insert_with(js_sys::Array::new)
            .push(&item);
    }
    for (bucket, items) in by_bucket.into_iter().enumerate() {
        let Some(items) = items else { continue };
        let json = stringify(&items)?;
        drop(to.put(record(bucket as u32, &json)?).primitive()?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Item {
        id: String,
        n: u32,
    }

    fn raw(json: &str) -> Box<RawValue> {
        RawValue::from_string(json.to_string()).unwrap()
    }

    #[test]
    fn a_bucket_reads_back_what_was_put() {
        let items = [raw(r#"{"id":"a","n":1}"#), raw(r#"{"id":"b","n":2}"#)];
        let text = bucket_text(items.iter().map(|r| &**r));
        assert_eq!(
            decode::<Item>(&[text]),
            [
                Item {
                    id: "a".into(),
                    n: 1
                },
                Item {
                    id: "b".into(),
                    n: 2
                }
            ]
        );
        assert_eq!(bucket_text([]), "[]");
    }

    #[test]
    fn a_delta_replaces_changed_items_and_drops_tombstoned_ones() {
        let old = r#"[{"id":"a","n":1},{"id":"b","n":2},{"id":"c","n":3}]"#;
        let changed = raw(r#"{"id":"b","n":20}"#);
        let new = raw(r#"{"id":"d","n":4}"#);
        // b changed, c deleted, d new: b and d are put, b and c dropped.
        let text = merge_bucket(Some(old), &["b", "c"], &[&changed, &new]).unwrap();
        let ids: Vec<(String, u32)> = decode::<Item>(&[text])
            .into_iter()
            .map(|i| (i.id, i.n))
            .collect();
        assert_eq!(
            ids,
            [("a".into(), 1), ("b".into(), 20), ("d".into(), 4)],
            "each id once, the newest version"
        );
        let emptied = merge_bucket(Some(r#"[{"id":"a","n":1}]"#), &["a"], &[]).unwrap();
        assert_eq!(emptied, "[]");
        assert_eq!(
            merge_bucket(None, &[], &[&new]).unwrap(),
            r#"[{"id":"d","n":4}]"#
        );
    }

    #[test]
    fn fields_this_release_does_not_know_survive_a_delta() {
        let old = r#"[{"id":"a","n":1,"later":{"x":[1,2]}}]"#;
        let text = merge_bucket(Some(old), &["z"], &[]).unwrap();
        assert_eq!(text, old);
    }

    #[test]
    fn an_unreadable_item_is_skipped_not_its_bucket() {
        let text = r#"[{"id":"a","n":1},{"id":"b","n":"two"},{"id":"c","n":3}]"#.to_string();
        let ids: Vec<String> = decode::<Item>(&[text, "not json".into()])
            .into_iter()
            .map(|i| i.id)
            .collect();
        assert_eq!(ids, ["a", "c"]);
    }

    #[test]
    fn a_page_touches_the_buckets_of_its_ids_only() {
        let items = vec![Item {
            id: "a".into(),
            n: 1,
        }];
        let feed = Feed {
            page: tsunagari_core::FeedPage {
                cursor: "e.2".into(),
                reset: false,
                items,
                deleted: vec!["gone".into()],
                more: false,
            },
            records: vec![raw(r#"{"id":"a","n":1}"#)],
        };
        let touched = touched(&feed, |i| i.id.as_str());
        let used: Vec<usize> = (0..touched.len())
            .filter(|&b| touched[b].is_some())
            .collect();
        let mut expected = vec![bucket_of("a") as usize, bucket_of("gone") as usize];
        expected.sort();
        expected.dedup();
        assert_eq!(used, expected);
        let a = touched[bucket_of("a") as usize].as_ref().unwrap();
        assert!(a.drops.contains(&"a") && a.puts.len() == 1);
        let gone = touched[bucket_of("gone") as usize].as_ref().unwrap();
        assert!(gone.drops.contains(&"gone"));
    }
}
