//! A built [`SearchIndex`] as bytes, so a device can keep it (IndexedDB)
//! and a repeat visit need not build it again.
//!
//! What is kept: every field the index searches (the normalised names,
//! readings, bodies and body readings, the names as given), the gram
//! signatures ([`Grams`]), the character tables ([`Chars`], with their
//! [`Starts`]) and the base order. Not kept: `rank` (recomputed from the
//! order), the long-vowel-folded twins (`Sounds`, made by the first word
//! read as romaji) and the typo keys (made by the first suggestion), as
//! after [`SearchIndex::new`].
//!
//! Layout, little-endian: the magic `TSIX`, the format ([`FORMAT`], u32),
//! the number of items (u32); each field as its text's length (u32), the
//! text, then `items + 1` starts (u32); each bit table as its length in
//! words (u32), then runs of (zeros, literals, the literal words): most
//! words of the character tables are zero; the order, `items` u32; last a
//! 64-bit checksum of everything before it ([`checksum`]).
//!
//! [`SearchIndex::from_bytes`] checks the checksum, every length, every start (a char
//! boundary followed by the separator), the sizes of the tables and that
//! the order is a permutation, and answers an error, never a panic, for
//! bytes it cannot read: a stored index from another release is rebuilt,
//! not trusted.

use super::{BUCKETS, CHAR_SLOTS, Chars, Field, Grams, SEP, SearchIndex, Starts};
use std::sync::OnceLock;

/// The format of the bytes; bumped whenever the index's fields change.
/// 2: without the long-vowel-folded twins; the checksum in four lanes.
pub const FORMAT: u32 = 2;
const MAGIC: &[u8; 4] = b"TSIX";

/// Bytes [`SearchIndex::from_bytes`] cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoredError {
    #[error("not a stored search index")]
    Magic,
    #[error("a stored search index of format {0}, this release reads {FORMAT}")]
    Format(u32),
    #[error("a stored search index ends early")]
    Truncated,
    #[error("a stored search index is damaged: {0}")]
    Damaged(&'static str),
}

impl SearchIndex {
    /// The index as bytes (see the module's documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.order.len();
        let mut out = Vec::with_capacity(self.byte_estimate());
        out.extend_from_slice(MAGIC);
        put_u32(&mut out, FORMAT);
        put_u32(&mut out, n as u32);
        for field in self.fields() {
            put_u32(&mut out, field.text.len() as u32);
            out.extend_from_slice(field.text.as_bytes());
            for &s in &field.starts {
                put_u32(&mut out, s);
            }
        }
        for bits in self.tables() {
            put_bits(&mut out, bits);
        }
        for &i in &self.order {
            put_u32(&mut out, i as u32);
        }
        let sum = checksum(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// An index read back from [`to_bytes`](SearchIndex::to_bytes): it
    /// answers every search and suggestion as the index that wrote them.
    pub fn from_bytes(bytes: &[u8]) -> Result<SearchIndex, StoredError> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(4)? != MAGIC {
            return Err(StoredError::Magic);
        }
        let format = r.u32()?;
        if format != FORMAT {
            return Err(StoredError::Format(format));
        }
        let Some(body) = bytes.len().checked_sub(8).filter(|&b| b >= r.at) else {
            return Err(StoredError::Truncated);
        };
        let (bytes, sum) = bytes.split_at(body);
        if checksum(bytes).to_le_bytes() != sum {
            return Err(StoredError::Damaged("the checksum differs"));
        }
        let mut r = Reader { bytes, at: r.at };
        let n = r.u32()? as usize;
        // Every item takes at least one byte per field.
        if n > bytes.len() {
            return Err(StoredError::Truncated);
        }
        let mut index = SearchIndex {
            grams: Grams {
                words: n.div_ceil(64),
                bits: Vec::new(),
            },
            chars: Chars::default(),
            keys: OnceLock::new(),
            ..SearchIndex::default()
        };
        for field in index.fields_mut() {
            *field = r.field(n)?;
        }
        let blocks = n.div_ceil(64);
        // The last block's bits beyond the last item are never set.
        let beyond = match n % 64 {
            0 => 0,
            used => !0u64 << used,
        };
        for (bits, per_block) in index.tables_mut() {
            *bits = r.bits(per_block * blocks)?;
            if beyond != 0
                && bits[(blocks - 1) * per_block..]
                    .iter()
                    .any(|w| w & beyond != 0)
            {
                return Err(StoredError::Damaged("a bit beyond the last item"));
            }
        }
        let mut order = Vec::with_capacity(n);
        let mut rank = vec![u32::MAX; n];
        for r_ in 0..n {
            let i = r.u32()? as usize;
            if i >= n || rank[i] != u32::MAX {
                return Err(StoredError::Damaged("the order is not a permutation"));
            }
            rank[i] = r_ as u32;
            order.push(i);
        }
        if r.at != bytes.len() {
            return Err(StoredError::Damaged("bytes after the end"));
        }
        index.order = order;
        index.rank = rank;
        Ok(index)
    }

    fn byte_estimate(&self) -> usize {
        let text: usize = self
            .fields()
            .iter()
            .map(|f| f.text.len() + 4 * f.starts.len())
            .sum();
        text + self.grams.bits.len() * 8 + 4 * self.order.len() + 64
    }

    /// The fields, in the order of the bytes.
    fn fields(&self) -> [&Field; 5] {
        [
            &self.names,
            &self.readings,
            &self.bodies,
            &self.body_readings,
            &self.raw_names,
        ]
    }

    fn fields_mut(&mut self) -> [&mut Field; 5] {
        [
            &mut self.names,
            &mut self.readings,
            &mut self.bodies,
            &mut self.body_readings,
            &mut self.raw_names,
        ]
    }

    /// The bit tables, in the order of the bytes.
    fn tables(&self) -> [&Vec<u64>; 9] {
        let c = &self.chars;
        [
            &self.grams.bits,
            &c.name,
            &c.reading,
            &c.body,
            &c.body_reading,
            &c.has_body_reading,
            &c.plain.name,
            &c.plain.reading,
            &c.plain.name_single,
        ]
    }

    /// The bit tables with the words each block of 64 items has in it
    /// (the table's length is that times the blocks).
    fn tables_mut(&mut self) -> [(&mut Vec<u64>, usize); 9] {
        let c = &mut self.chars;
        let Starts {
            name: plain_name,
            reading: plain_reading,
            name_single: plain_single,
        } = &mut c.plain;
        [
            (&mut self.grams.bits, BUCKETS),
            (&mut c.name, CHAR_SLOTS),
            (&mut c.reading, CHAR_SLOTS),
            (&mut c.body, CHAR_SLOTS),
            (&mut c.body_reading, CHAR_SLOTS),
            (&mut c.has_body_reading, 1),
            (plain_name, CHAR_SLOTS),
            (plain_reading, CHAR_SLOTS),
            (plain_single, 1),
        ]
    }
}

/// A 64-bit hash of the bytes (not cryptographic: it catches a damaged or
/// cut record, not an attack on one's own device). Four lanes of eight
/// bytes, each its own chain of multiplications, so the processor runs
/// them side by side (one chain waited on each multiplication: a quarter
/// of the speed); the lanes and the rest are mixed at the end.
fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let step = |h: u64, w: u64| (h ^ w).wrapping_mul(K).rotate_left(29);
    let (mut a, mut b, mut c, mut d) = (bytes.len() as u64, 1, 2, 3);
    let mut blocks = bytes.chunks_exact(32);
    for w in &mut blocks {
        // A fixed-size block: no bounds checks, even at `opt-level = "z"`.
        let Ok(w) = <&[u8; 32]>::try_from(w) else {
            continue;
        };
        let x = |k: usize| {
            u64::from_le_bytes([
                w[k],
                w[k + 1],
                w[k + 2],
                w[k + 3],
                w[k + 4],
                w[k + 5],
                w[k + 6],
                w[k + 7],
            ])
        };
        a = step(a, x(0));
        b = step(b, x(8));
        c = step(c, x(16));
        d = step(d, x(24));
    }
    let mut h = step(step(step(a, b), c), d);
    let mut rest = blocks.remainder().chunks_exact(8);
    for w in &mut rest {
        h = step(
            h,
            u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]),
        );
    }
    for &b in rest.remainder() {
        h = step(h, u64::from(b));
    }
    h ^ (h >> 32)
}

fn put_u32(out: &mut Vec<u8>, x: u32) {
    out.extend_from_slice(&x.to_le_bytes());
}

/// A bit table: its length, then runs of zero words and literal words.
fn put_bits(out: &mut Vec<u8>, bits: &[u64]) {
    put_u32(out, bits.len() as u32);
    let mut at = 0;
    while at < bits.len() {
        let zeros = bits[at..].iter().take_while(|&&w| w == 0).count();
        at += zeros;
        let literals = bits[at..].iter().take_while(|&&w| w != 0).count();
        put_u32(out, zeros as u32);
        put_u32(out, literals as u32);
        for w in &bits[at..at + literals] {
            out.extend_from_slice(&w.to_le_bytes());
        }
        at += literals;
    }
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Reader<'b> {
    fn take(&mut self, len: usize) -> Result<&'b [u8], StoredError> {
        let end = self.at.checked_add(len).ok_or(StoredError::Truncated)?;
        let slice = self.bytes.get(self.at..end).ok_or(StoredError::Truncated)?;
        self.at = end;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32, StoredError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn field(&mut self, n: usize) -> Result<Field, StoredError> {
        let len = self.u32()? as usize;
        let text = simdutf8::basic::from_utf8(self.take(len)?)
            .map_err(|_| StoredError::Damaged("a field is not UTF-8"))?;
        let raw = self.take(4 * (n + 1))?;
        let starts: Vec<u32> = raw
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let bytes = text.as_bytes();
        let sep = SEP.len_utf8();
        let ok = starts.first() == Some(&0)
            && starts.last().map(|&s| s as usize) == Some(len)
            && starts.windows(2).all(|w| {
                let (from, to) = (w[0] as usize, w[1] as usize);
                to >= from + sep
                    && text.is_char_boundary(from)
                    && bytes[to - sep..to] == [SEP as u8]
            });
        if !ok {
            return Err(StoredError::Damaged("a field's starts"));
        }
        Ok(Field {
            text: text.to_owned(),
            starts,
        })
    }

    fn bits(&mut self, want: usize) -> Result<Vec<u64>, StoredError> {
        let len = self.u32()? as usize;
        if len != want {
            return Err(StoredError::Damaged("a bit table's size"));
        }
        // Zeroed at once (fresh memory needs no writing), the literal
        // words written over it: most words are zero.
        let mut bits = vec![0u64; len];
        let mut at = 0;
        while at < len {
            let zeros = self.u32()? as usize;
            let literals = self.u32()? as usize;
            if zeros + literals == 0 || at + zeros + literals > len {
                return Err(StoredError::Damaged("a bit table's runs"));
            }
            at += zeros;
            let raw = self.take(8 * literals)?;
            for (word, b) in bits[at..at + literals].iter_mut().zip(raw.chunks_exact(8)) {
                *word = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
            }
            at += literals;
        }
        Ok(bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::{DirectorySeed, Group};
    use proptest::prelude::*;

    fn demo() -> Vec<Group> {
        let seed: DirectorySeed =
            serde_json::from_str(include_str!("../../../data/groups.json")).expect("seed parses");
        seed.groups
    }

    /// Every search and suggestion of `queries` answers the same from both.
    fn same_answers(a: &SearchIndex, b: &SearchIndex, queries: &[String]) {
        assert_eq!(a.len(), b.len());
        for q in queries {
            let hits = a.search(q);
            assert_eq!(hits, b.search(q), "search {q:?}");
            assert_eq!(a.suggest(q, 5), b.suggest(q, 5), "suggest {q:?}");
            assert_eq!(
                a.suggest_beside(q, &hits, 3),
                b.suggest_beside(q, &hits, 3),
                "suggest_beside {q:?}"
            );
        }
    }

    fn queries(groups: &[Group]) -> Vec<String> {
        let mut q: Vec<String> = [
            "",
            "ぽれぽれ",
            "ﾎﾟﾚﾎﾟﾚ",
            "ポレポレ",
            "porepore",
            "ｔｉｐｓ",
            "tips",
            "か",
            "ー",
            "ka",
            "こそだて",
            "kosodate",
            "子育て",
            "かなざわじょう",
            "NPO",
            "ぽれぽ",
            "ぽろぽれ",
            "zzzz",
            "まち づくり",
            "supo-tsu",
        ]
        .map(String::from)
        .to_vec();
        q.extend(crate::synthetic::keystroke_queries(groups, 60, 3));
        q
    }

    #[test]
    fn the_demo_index_reads_back_answering_the_same() {
        let groups = demo();
        let built = SearchIndex::new(&groups);
        let bytes = built.to_bytes();
        let read = SearchIndex::from_bytes(&bytes).expect("reads back");
        same_answers(&built, &read, &queries(&groups));
        assert_eq!(read.to_bytes(), bytes, "writes the same bytes again");
    }

    #[test]
    fn a_synthetic_index_reads_back_answering_the_same() {
        let groups = crate::synthetic::groups(700, 5);
        let built = SearchIndex::new(&groups);
        let read = SearchIndex::from_bytes(&built.to_bytes()).expect("reads back");
        same_answers(&built, &read, &queries(&groups));
        // A suggestion made before writing (the typo keys) changes nothing.
        let _ = built.suggest("ぽろぽれ", 3);
        assert_eq!(built.to_bytes(), read.to_bytes());
    }

    #[test]
    fn an_empty_index_reads_back() {
        let built = SearchIndex::new::<Group>(&[]);
        let read = SearchIndex::from_bytes(&built.to_bytes()).expect("reads back");
        assert!(read.is_empty());
        assert_eq!(read.search("か"), Vec::<usize>::new());
    }

    #[test]
    fn every_truncation_is_an_error() {
        let bytes = SearchIndex::new(&demo()).to_bytes();
        for len in 0..bytes.len() {
            assert!(
                SearchIndex::from_bytes(&bytes[..len]).is_err(),
                "cut at {len} of {}",
                bytes.len()
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(SearchIndex::from_bytes(&longer).is_err());
    }

    #[test]
    fn another_format_or_magic_is_refused() {
        let mut bytes = SearchIndex::new(&demo()).to_bytes();
        bytes[4..8].copy_from_slice(&(FORMAT + 1).to_le_bytes());
        assert_eq!(
            SearchIndex::from_bytes(&bytes).unwrap_err(),
            StoredError::Format(FORMAT + 1)
        );
        bytes[0] = b'X';
        assert_eq!(
            SearchIndex::from_bytes(&bytes).unwrap_err(),
            StoredError::Magic
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Garbled bytes are an error (the checksum), never a panic.
        #[test]
        fn garbled_bytes_never_panic(
            flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        ) {
            let groups = crate::synthetic::groups(90, 2);
            let mut bytes = SearchIndex::new(&groups).to_bytes();
            for (at, b) in flips {
                let at = at.index(bytes.len());
                bytes[at] ^= b | 1;
            }
            prop_assert!(SearchIndex::from_bytes(&bytes).is_err());
        }
    }
}

/// Size and time of the bytes for 10,000 synthetic groups:
/// `cargo test --release -p tsunagari-core --lib stored::size -- --ignored --nocapture`.
#[cfg(test)]
mod size {
    use super::*;

    #[test]
    #[ignore]
    fn of_ten_thousand_groups() {
        let groups = crate::synthetic::groups(10_000, 1);
        let t = std::time::Instant::now();
        let built = SearchIndex::new(&groups);
        let build = t.elapsed();
        let t = std::time::Instant::now();
        let bytes = built.to_bytes();
        let write = t.elapsed();
        let t = std::time::Instant::now();
        let read = SearchIndex::from_bytes(&bytes).expect("reads back");
        let back = t.elapsed();
        assert_eq!(read.len(), groups.len());
        let t = std::time::Instant::now();
        let sum = checksum(&bytes);
        let check = t.elapsed();
        let t = std::time::Instant::now();
        let mut utf8 = 0;
        for f in built.fields() {
            utf8 += std::str::from_utf8(f.text.as_bytes()).map_or(0, str::len);
        }
        let valid = t.elapsed();
        println!("checksum {check:?} ({sum}), utf-8 {valid:?} ({utf8})");
        let text: usize = built.fields().iter().map(|f| f.text.len()).sum();
        println!(
            "10,000 groups: {} bytes ({text} of text); build {build:?}, to_bytes {write:?}, from_bytes {back:?}",
            bytes.len()
        );
    }
}
