//! Change feeds: how a client pulls only what changed since it last asked.
//!
//! The server numbers every change (insert, update, deletion) with a
//! sequence number that follows commit order. A [`Cursor`] is the server's
//! epoch plus the highest sequence number the client has seen. A deletion
//! is a tombstone with its own sequence number, pulled like any change.
//! When the server's epoch differs from the cursor's (the database was
//! replaced or restored), the server answers with a full snapshot and
//! `reset: true`, and the client replaces what it has.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a client stands in a feed: `<epoch>.<seq>` on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cursor {
    /// The server database's identity; changes when it is recreated.
    pub epoch: String,
    /// The highest change sequence number the client has.
    pub seq: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    #[error("a cursor looks like <epoch>.<number>, as returned in a feed's `cursor` field")]
    Shape,
    #[error("a cursor's sequence number must be a whole number from 0 up")]
    Seq,
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.epoch, self.seq)
    }
}

impl FromStr for Cursor {
    type Err = CursorError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (epoch, seq) = s.rsplit_once('.').ok_or(CursorError::Shape)?;
        if epoch.is_empty()
            || epoch.len() > 64
            || !epoch.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(CursorError::Shape);
        }
        let seq: i64 = seq.parse().map_err(|_| CursorError::Seq)?;
        if seq < 0 {
            return Err(CursorError::Seq);
        }
        Ok(Cursor {
            epoch: epoch.to_string(),
            seq,
        })
    }
}

/// One answer of a change feed such as `GET /api/groups?since=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedPage<T> {
    /// Pass this back as `since` next time.
    pub cursor: String,
    /// `true`: `items` is the whole collection; drop everything held before.
    pub reset: bool,
    /// Items created or changed since the cursor (all items when `reset`).
    pub items: Vec<T>,
    /// Ids deleted since the cursor (tombstones). Empty when `reset`.
    #[serde(default)]
    pub deleted: Vec<String>,
    /// `true`: there is more after this page; ask again at once with
    /// `cursor` (the draft pull pages; a client joins the pages with
    /// [`FeedPage::join`] and stores them once). Absent: `false`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub more: bool,
}

impl<T> FeedPage<T> {
    /// This page followed by `next` (the page asked for with this page's
    /// cursor), as one page: a reset stays a reset, later items replace
    /// earlier ones with the same `id`, the cursor and `more` are `next`'s.
    pub fn join(mut self, next: FeedPage<T>, id: impl Fn(&T) -> &str) -> FeedPage<T> {
        if next.reset {
            return next;
        }
        let newer: std::collections::BTreeSet<&str> = next.items.iter().map(&id).collect();
        self.items.retain(|item| !newer.contains(id(item)));
        self.deleted.retain(|d| !newer.contains(d.as_str()));
        let gone: std::collections::BTreeSet<&str> =
            next.deleted.iter().map(String::as_str).collect();
        self.items.retain(|item| !gone.contains(id(item)));
        let next_deleted = if self.reset {
            Vec::new()
        } else {
            next.deleted.clone()
        };
        self.deleted.extend(next_deleted);
        self.items.extend(next.items);
        self.cursor = next.cursor;
        self.more = next.more;
        self
    }
}

/// What an API answers with on any 4xx or 5xx: a sentence for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    pub error: String,
    pub message: String,
    /// The same in Japanese, where the server has it (a refused
    /// submission, a refused status change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_ja: Option<String>,
}

/// How many records a client spreads one feed's items over in its local
/// store (the app's IndexedDB `group_buckets`): one write per bucket rather
/// than one per item, which in Chromium is about ten times faster for a large
/// page (BENCHMARKS.md).
pub const BUCKETS: u32 = 64;

/// The bucket of an item id: FNV-1a over its UTF-8 bytes, modulo
/// [`BUCKETS`]. Stored data depends on it: it must never change for an id.
pub fn bucket_of(id: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for &b in id.as_bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % BUCKETS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(
        cursor: &str,
        reset: bool,
        items: &[&str],
        deleted: &[&str],
        more: bool,
    ) -> FeedPage<String> {
        FeedPage {
            cursor: cursor.into(),
            reset,
            items: items.iter().map(|s| s.to_string()).collect(),
            deleted: deleted.iter().map(|s| s.to_string()).collect(),
            more,
        }
    }

    #[test]
    #[allow(clippy::ptr_arg)] // `join` hands `&T`, here `&String`
    fn pages_join_into_one() {
        fn id(s: &String) -> &str {
            s.as_str().split(':').next().unwrap_or("")
        }
        // A reset's pages: the later version of an item wins, a deletion
        // removes it, and the joined page is still a reset.
        let joined = page("e.2", true, &["a:1", "b:1"], &[], true)
            .join(page("e.4", false, &["c:1", "a:2"], &["b"], false), id);
        assert_eq!(joined, page("e.4", true, &["c:1", "a:2"], &[], false));
        // Deltas keep their deletions; an item back after its deletion is live.
        let joined = page("e.6", false, &["a:3"], &["d"], true)
            .join(page("e.7", false, &["d:2"], &["a"], true), id);
        assert_eq!(joined, page("e.7", false, &["d:2"], &["a"], true));
        // A reset in the middle starts again.
        let joined = page("e.6", false, &["a:3"], &[], true)
            .join(page("f.1", true, &["x:1"], &[], false), id);
        assert_eq!(joined, page("f.1", true, &["x:1"], &[], false));
        // `more` is not written when false.
        let json = serde_json::to_string(&page("e.1", false, &[], &[], false)).expect("json");
        assert!(!json.contains("more"), "{json}");
    }

    #[test]
    fn cursor_round_trips() {
        let c = Cursor {
            epoch: "a1b2-c3".into(),
            seq: 42,
        };
        assert_eq!(c.to_string(), "a1b2-c3.42");
        assert_eq!("a1b2-c3.42".parse::<Cursor>(), Ok(c));
    }

    #[test]
    fn bad_cursors_are_refused() {
        assert_eq!("".parse::<Cursor>(), Err(CursorError::Shape));
        assert_eq!("abc".parse::<Cursor>(), Err(CursorError::Shape));
        assert_eq!(".5".parse::<Cursor>(), Err(CursorError::Shape));
        assert_eq!("ab c.5".parse::<Cursor>(), Err(CursorError::Shape));
        assert_eq!("abc.x".parse::<Cursor>(), Err(CursorError::Seq));
        assert_eq!("abc.-1".parse::<Cursor>(), Err(CursorError::Seq));
    }

    #[test]
    fn buckets_are_pinned_and_spread() {
        // FNV-1a 32 of "a" is 0xe40c292c (the published test vector).
        assert_eq!(bucket_of("a"), 0xe40c_292c % BUCKETS);
        assert_eq!(bucket_of(""), 0x811c_9dc5 % BUCKETS);
        let groups = crate::synthetic::groups(10_000, 1);
        let mut counts = vec![0u32; BUCKETS as usize];
        for g in &groups {
            counts[bucket_of(&g.id) as usize] += 1;
        }
        let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
        // 156 on average: no bucket starved or swollen.
        assert!(*min >= 100 && *max <= 220, "{min}..{max}");
    }
}
