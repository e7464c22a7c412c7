//! The long-vowel-folded twins of an index's texts, for words read as
//! romaji (`porepore`, `tōkyō`): built from the index's own normalised
//! fields by the first such word, never for a word in kana or kanji. A
//! repeat visit reads a kept index without them ([`super::stored`]), a
//! fifth less to read before the first search; the first visit's build
//! leaves them out too. Once made they take a second gram table (2.5 MB
//! for 10,000 items).

use super::{CHAR_SLOTS, Field, Grams, SearchIndex, Starts, or_plain};
use crate::romaji::fold_long_vowels;

/// The name, the reading and the body reading (the body where there is
/// none) of every item with long vowels folded ([`fold_long_vowels`]),
/// each empty where folding changes nothing (the plain field is read
/// instead), with what the plain fields have beside them in the index.
#[derive(Debug, Clone, Default)]
pub(super) struct Sounds {
    pub(super) names: Field,
    pub(super) readings: Field,
    pub(super) bodies: Field,
    /// The folded texts' characters and bigrams (those that differ from
    /// the plain text; the plain ones are in the index's own [`Grams`]).
    pub(super) grams: Grams,
    /// The first character of each folded name and reading (the plain one
    /// where folding changed nothing).
    pub(super) starts: Starts,
    /// The kana and ASCII characters of the folded name, reading and body,
    /// set only for the items whose folded text differs (`folded_*`).
    pub(super) name: Vec<u64>,
    pub(super) reading: Vec<u64>,
    pub(super) body: Vec<u64>,
    /// One bit per item: folding changed its name, reading, body text
    /// (and left something: the folded field is not stored empty).
    pub(super) folded_name: Vec<u64>,
    pub(super) folded_reading: Vec<u64>,
    pub(super) folded_body: Vec<u64>,
}

impl Sounds {
    /// Folds every item's normalised name, reading and body reading (or
    /// body) as the index holds them.
    pub(super) fn new(index: &SearchIndex) -> Sounds {
        let n = index.len();
        let (words, size) = (n.div_ceil(64), CHAR_SLOTS * n.div_ceil(64));
        let mut sounds = Sounds {
            names: Field::with_capacity(n),
            readings: Field::with_capacity(n),
            bodies: Field::with_capacity(n),
            grams: Grams::new(n),
            starts: Starts::new(n),
            name: vec![0; size],
            reading: vec![0; size],
            body: vec![0; size],
            folded_name: vec![0; words],
            folded_reading: vec![0; words],
            folded_body: vec![0; words],
        };
        let Sounds {
            names,
            readings,
            bodies,
            grams,
            starts,
            name: name_bits,
            reading: reading_bits,
            body: body_bits,
            folded_name,
            folded_reading,
            folded_body,
        } = &mut sounds;
        for i in 0..n {
            let name = index.names.get(i);
            let reading = index.readings.get(i);
            let body_reading = index.body_readings.get(i);
            let body = if body_reading.is_empty() {
                index.bodies.get(i)
            } else {
                body_reading
            };
            for (text, field, bits, folded_items) in [
                (name, &mut *names, &mut *name_bits, &mut *folded_name),
                (
                    reading,
                    &mut *readings,
                    &mut *reading_bits,
                    &mut *folded_reading,
                ),
                (body, &mut *bodies, &mut *body_bits, &mut *folded_body),
            ] {
                let folded = fold_long_vowels(text);
                if folded == text {
                    field.push("");
                } else {
                    grams.add(i, &folded, Some(bits));
                    // Stored empty (a text of `ー` alone) reads as unfolded.
                    if !folded.is_empty() {
                        folded_items[i / 64] |= 1 << (i % 64);
                    }
                    field.push(&folded);
                }
            }
            starts.add(
                i,
                or_plain(names.get(i), name),
                or_plain(readings.get(i), reading),
            );
        }
        sounds
    }
}
