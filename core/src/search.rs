//! Japanese search (検索): normalisation and ranking.
//!
//! People type the same name in many ways: カタカナ or ひらがな, 全角 (full
//! width) or 半角 (half width), with or without the 中黒 `・` and the 鉤括弧
//! `「」` that the printed name carries. [`normalize`] folds all of these to
//! one form, and [`SearchIndex`] matches a typed query against names, 読み仮名
//! (readings) and descriptions that were normalised once, when the data
//! changed — never per keystroke.
//!
//! Pure: no IO, no clock; the same code runs natively and in the browser.

use crate::directory::Group;
use crate::romaji::{self, fold_long_vowels, unfolded_prefix};
use crate::width::{fold_width, may_fold_width};
use memchr::memmem::Finder;
use std::sync::OnceLock;

mod sounds;
pub mod stored;

use sounds::Sounds;

/// Folds text to the form search compares.
///
/// In order:
/// 1. Width folding ([`fold_width`]): NFKC restricted to the ranges
///    Japanese text uses, so the app does not carry the full normalisation
///    tables. Full-width ASCII becomes ASCII (`ｔｉｐｓ` → `tips`, `（` → `(`,
///    `～` → `~`) and the ideographic space a plain space; half-width katakana
///    become full width, with `ﾞ` `ﾟ` composed onto the kana (`ﾎﾟﾚ` → `ポレ`);
///    a kana followed by a combining U+3099 or U+309A is composed
///    (`か`+U+3099 → `が`); `゛` `゜` become a space and the combining mark;
///    `①`–`⑳` become `1`–`20`; `㈱` `㈲` become `(株)` `(有)`; `￥` → `¥`.
///    Other characters are kept as they are.
/// 2. Lower case, one character at a time (no context-dependent rules such
///    as the Greek final sigma, so the result does not depend on what is
///    dropped next to it).
/// 3. Katakana to hiragana: `ァ`–`ヶ` (U+30A1–U+30F6) → `ぁ`–`ゖ`
///    (U+3041–U+3096), and the iteration marks `ヽヾ` → `ゝゞ`. The long-vowel
///    mark `ー` is kept (it is typed as-is in both scripts).
/// 4. Dropped entirely (see [`is_dropped`]): white space and control
///    characters; the middle dots `・` `·`; the 読点 and 句点 `、` `。` and
///    `,` `.`; brackets and quotes `「」『』()[]{}【】〔〕〈〉《》〘〙〚〛` `"'“”‘’〝〞〟`;
///    hyphens and dashes `-` `‐` `‑` `‒` `–` `—` `―` `−` and the wave dashes
///    `~` `〜` `〰`; and `!` `?` `:` `;` `/` `×`. These are the characters that
///    printed names carry but people leave out, or type differently, when
///    searching. Letters, digits, `ー`, `&`, `+`, `#` and `@` are kept.
/// 5. Steps 1–4 again until nothing changes (at most a few rounds, and only
///    when a combining U+3099 or U+309A is left): dropping a character can
///    bring a combining mark next to a kana it then composes with, so a
///    single pass would not always be idempotent.
///
/// Laws: `normalize(normalize(s)) == normalize(s)`; `ぽれぽれ`, `ポレポレ` and
/// `ﾎﾟﾚﾎﾟﾚ` normalise equal; so do `ｔｉｐｓ` and `Tips`.
pub fn normalize(s: &str) -> String {
    let (mut out, mut marks) = normalize_once(s);
    // After one round only composition can change anything, and that needs
    // a combining mark; four rounds are more than any real text needs.
    for _ in 0..4 {
        if !marks {
            break;
        }
        let (next, next_marks) = normalize_once(&out);
        if next == out {
            break;
        }
        out = next;
        marks = next_marks;
    }
    out
}

/// One round of [`normalize`], and whether its output holds a combining
/// U+3099 or U+309A (noted while writing it, so the common case needs no
/// second look at the text).
fn normalize_once(s: &str) -> (String, bool) {
    let mut out = String::with_capacity(s.len());
    let mut marks = false;
    let keep = |out: &mut String, marks: &mut bool, c: char| {
        let c = fold_kana(c);
        if !is_dropped(c) {
            *marks |= is_combining_mark(c);
            out.push(c);
        }
    };
    let folded;
    let s = if may_fold_width(s) {
        folded = fold_width(s);
        &folded
    } else {
        s
    };
    // Characters kept as they are are copied by runs, not one by one.
    let mut run = 0;
    for (at, c) in s.char_indices() {
        match c {
            // Hiragana, ゛゜ゝゞゟ, kanji, ASCII lower case and digits:
            // unchanged, never dropped.
            '\u{3041}'..='\u{30A0}' | '\u{3400}'..='\u{9FFF}' | 'a'..='z' | '0'..='9' => {
                marks |= is_combining_mark(c);
                continue;
            }
            _ => {}
        }
        out.push_str(&s[run..at]);
        run = at + c.len_utf8();
        match c {
            // Kana (but `・`) and kanji: no case, never dropped. Most of
            // the text: skip the case and white-space tables.
            '\u{3041}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}' | '\u{3400}'..='\u{9FFF}' => {
                marks |= is_combining_mark(c);
                out.push(fold_kana(c))
            }
            // CJK punctuation has no case either.
            '\u{3000}'..='\u{33FF}' => keep(&mut out, &mut marks, c),
            _ => c.to_lowercase().for_each(|c| keep(&mut out, &mut marks, c)),
        }
    }
    out.push_str(&s[run..]);
    (out, marks)
}

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{3099}' | '\u{309A}')
}

/// Katakana → hiragana for one character (see [`normalize`], step 3).
fn fold_kana(c: char) -> char {
    match c {
        // ァ..=ヶ → ぁ..=ゖ, ヽ → ゝ, ヾ → ゞ: all exactly 0x60 apart.
        '\u{30A1}'..='\u{30F6}' | '\u{30FD}' | '\u{30FE}' => {
            char::from_u32(c as u32 - 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

/// The characters [`normalize`] drops (step 4), as seen after width folding
/// and lower-casing. Full-width forms such as `（` `，` `！` never reach here
/// ([`fold_width`] turned them into their ASCII forms).
fn is_dropped(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            // middle dots
            '・' | '·' | '\u{2027}'
            // 読点・句点 and their Latin cousins
            | '、' | '。' | ',' | '.'
            // brackets
            | '「' | '」' | '『' | '』' | '(' | ')' | '[' | ']' | '{' | '}'
            | '【' | '】' | '〔' | '〕' | '〈' | '〉' | '《' | '》'
            | '〘' | '〙' | '〚' | '〛' | '〖' | '〗'
            // quotes
            | '"' | '\'' | '“' | '”' | '‘' | '’' | '〝' | '〞' | '〟'
            // hyphens, dashes, minus and wave dashes (not ー)
            | '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}'
            | '\u{2015}' | '\u{2212}' | '~' | '〜' | '〰'
            // other marks typed inconsistently
            | '!' | '?' | ':' | ';' | '/' | '×'
        )
}

/// Something [`SearchIndex`] can find: groups and events.
pub trait Searchable {
    /// The display name, matched with the highest weight.
    fn name(&self) -> &str;
    /// 読み仮名 (the reading in kana), if known.
    fn reading(&self) -> Option<&str>;
    /// Everything else worth matching (description, activities, labels).
    /// Each line is normalised on its own, so a word never matches across
    /// a line break.
    fn body(&self) -> String;
    /// The hiragana reading of the body's text (lines separated by `'\n'`),
    /// computed by the server at import; empty when not computed. Matched
    /// at the body's tier, so `こそだて` and `kosodate` find 子育て.
    fn body_reading(&self) -> &str {
        ""
    }
    /// A stable id, the last tie-breaker of the order.
    fn id(&self) -> &str;
}

impl Searchable for Group {
    fn name(&self) -> &str {
        &self.name
    }
    fn reading(&self) -> Option<&str> {
        self.reading.as_deref()
    }
    /// The description, each activity, and the kind's Japanese label
    /// (e.g. `NPO法人`), one per line.
    fn body(&self) -> String {
        let mut body = self.description.clone();
        for activity in &self.activities {
            body.push('\n');
            body.push_str(activity);
        }
        body.push('\n');
        body.push_str(self.kind.label_ja());
        body
    }
    fn body_reading(&self) -> &str {
        &self.body_reading
    }
    fn id(&self) -> &str {
        &self.id
    }
}

impl Searchable for crate::events::Event {
    fn name(&self) -> &str {
        &self.title
    }
    fn reading(&self) -> Option<&str> {
        self.reading.as_deref()
    }
    /// The description, place, organiser and the category's Japanese
    /// label (e.g. `ワークショップ`), one per line.
    fn body(&self) -> String {
        let mut body = self.description.clone();
        for part in [&self.place, &self.organiser] {
            body.push('\n');
            body.push_str(part);
        }
        body.push('\n');
        body.push_str(self.category.label_ja());
        body
    }
    fn body_reading(&self) -> &str {
        &self.body_reading
    }
    fn id(&self) -> &str {
        &self.id
    }
}

/// Separates items (and lines of a body) inside a [`Field`]'s text.
/// [`normalize`] drops it, so neither a query word nor a match can span it.
const SEP: char = '\n';

/// Separates the words of one item's name in `keys`: a control
/// character, which [`normalize`] drops.
const KEY_SEP: char = '\u{1}';

/// One normalised field of every item, concatenated: item `i` is
/// `text[starts[i]..starts[i + 1] - 1]` (the `- 1` is the separator).
/// One string and one `u32` per item: compact, and cheap to build.
#[derive(Debug, Clone, Default)]
struct Field {
    text: String,
    starts: Vec<u32>,
}

impl Field {
    fn with_capacity(items: usize) -> Field {
        let mut starts = Vec::with_capacity(items + 1);
        starts.push(0);
        Field {
            text: String::new(),
            starts,
        }
    }

    fn push(&mut self, normalised: &str) {
        self.text.push_str(normalised);
        self.text.push(SEP);
        self.starts.push(self.text.len() as u32);
    }

    fn get(&self, i: usize) -> &str {
        // A slice: at `opt-level = "z"` indexing a `Vec` stays a call.
        let starts: &[u32] = &self.starts;
        &self.text[starts[i] as usize..starts[i + 1] as usize - SEP.len_utf8()]
    }

    /// Raises `best[item]` to `tier(at_start, whole)` for every item that
    /// is set in `wanted` (one bit each), holds a tier below `cap` (the
    /// highest this field can give) and contains `word` (not empty, no
    /// [`SEP`]; UTF-8 is self-synchronising, so a byte match is a
    /// character match): `at_start` when the item starts with it, `whole`
    /// when the item equals it. One memchr pass over the text, jumping over
    /// the items left out: a word most items hold needs a search per item,
    /// so leaving out the items a name or reading already placed saves most
    /// of the body pass.
    fn raise_matches(
        &self,
        word: &Finder<'_>,
        best: &mut [u8],
        wanted: &[u64],
        cap: u8,
        tier: impl Fn(bool, bool) -> u8,
    ) {
        let text = self.text.as_bytes();
        let starts: &[u32] = &self.starts;
        let len = word.needle().len();
        let items = starts.len() - 1;
        let mut item = 0;
        while let Some(i) = next_set(wanted, item) {
            if i >= items {
                return;
            }
            if best[i] >= cap {
                item = i + 1;
                continue;
            }
            let from = starts[i] as usize;
            let Some(found) = word.find(&text[from..]) else {
                return;
            };
            let at = from + found;
            // The item whose range holds `at`: matches come in order, so
            // walk forward (O(items) per field in all).
            let mut j = i;
            while starts[j + 1] as usize <= at {
                j += 1;
            }
            if wanted[j / 64] >> (j % 64) & 1 == 1 && best[j] < cap {
                // The leftmost match in an item comes first.
                let start = starts[j] as usize;
                let at_start = at == start;
                let t = tier(
                    at_start,
                    at_start && start + len + SEP.len_utf8() == starts[j + 1] as usize,
                );
                if best[j] < t {
                    best[j] = t;
                }
            }
            // One hit per item is enough: go on at the next item.
            item = j + 1;
        }
    }
}

/// The first bit set in `bits` at or after `from`. Inlined: called once
/// per wanted item in [`Field::raise_matches`].
#[inline(always)]
fn next_set(bits: &[u64], from: usize) -> Option<usize> {
    let mut k = from / 64;
    let mut word = *bits.get(k)? & (!0u64 << (from % 64));
    loop {
        if word != 0 {
            return Some(k * 64 + word.trailing_zeros() as usize);
        }
        k += 1;
        word = *bits.get(k)?;
    }
}

/// Normalises each line of `text` on its own, joined by [`SEP`], empty
/// lines left out.
fn normalize_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = normalize(line);
        if !line.is_empty() {
            if !out.is_empty() {
                out.push(SEP);
            }
            out.push_str(&line);
        }
    }
    out
}

/// Calls `f(i)` for every bit `i` set in `bits`, in order.
fn each_bit(bits: &[u64], mut f: impl FnMut(usize)) {
    for (k, &word) in bits.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            f(k * 64 + word.trailing_zeros() as usize);
            word &= word - 1;
        }
    }
}

/// Scores of the match tiers, higher first. Several query words add up.
mod tier {
    pub const NAME_EQUALS: u8 = 6;
    pub const NAME_STARTS: u8 = 5;
    pub const NAME_CONTAINS: u8 = 4;
    pub const READING_STARTS: u8 = 3;
    pub const READING_CONTAINS: u8 = 2;
    /// The body or its reading contains the word.
    pub const BODY_CONTAINS: u8 = 1;
}

/// How many hash buckets [`Grams`] has: a power of two.
const BUCKETS: usize = 2048;

/// Which items hold which characters and character pairs (bigrams), as a
/// bit-sliced signature: one bit per item in each of [`BUCKETS`] buckets,
/// each character and each bigram hashed to one bucket. An item holding a
/// word has every bit of the word's grams set, so ANDing the word's
/// buckets leaves every item that may hold it (and a few that do not,
/// where hashes collide); those few are dropped when the candidates are
/// checked. 10,000 items take 2.5 MB; the check of a query word reads
/// `grams × items / 64` words instead of every item's text. Stored by
/// blocks of 64 items (`bits[block * BUCKETS + bucket]`), so building
/// writes within one 16 KB block at a time.
#[derive(Debug, Clone, Default)]
struct Grams {
    /// Blocks of 64 items: `ceil(items / 64)`.
    words: usize,
    bits: Vec<u64>,
}

fn mix(x: u32) -> usize {
    (x.wrapping_mul(0x9E37_79B1) >> (32 - BUCKETS.trailing_zeros())) as usize
}

fn unigram(c: char) -> usize {
    mix(c as u32 ^ 0x5bd1_e995)
}

fn bigram(a: char, b: char) -> usize {
    mix((a as u32).wrapping_mul(0x0100_0193) ^ (b as u32).rotate_left(13))
}

impl Grams {
    fn new(items: usize) -> Grams {
        let words = items.div_ceil(64);
        Grams {
            words,
            bits: vec![0; BUCKETS * words],
        }
    }

    /// Sets item `i`'s bits for every character and bigram of `text`
    /// (not across [`SEP`]).
    /// With `chars`, also sets the bit of each kana and ASCII character in
    /// that [`Chars`] table (in the same pass).
    fn add(&mut self, i: usize, text: &str, mut chars: Option<&mut [u64]>) {
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        let mut prev = None;
        for c in text.chars() {
            if c == SEP {
                prev = None;
                continue;
            }
            if let Some(chars) = chars.as_deref_mut()
                && let Some(slot) = char_slot(c)
            {
                chars[word * CHAR_SLOTS + slot] |= bit;
            }
            self.bits[word * BUCKETS + unigram(c)] |= bit;
            if let Some(p) = prev {
                self.bits[word * BUCKETS + bigram(p, c)] |= bit;
            }
            prev = Some(c);
        }
    }

    /// Keeps in `out` only the items that may hold `word`.
    fn may_hold(&self, word: &str, out: &mut [u64]) {
        let mut and = |b: usize| {
            for (o, row) in out.iter_mut().zip(self.bits.chunks_exact(BUCKETS)) {
                *o &= row[b];
            }
        };
        let mut prev = None;
        for c in word.chars() {
            match prev {
                None => and(unigram(c)),
                Some(p) => and(bigram(p, c)),
            }
            prev = Some(c);
        }
    }
}

/// Slots of [`Chars`]: one per code point of U+3040–U+30FF (hiragana,
/// and the katakana block: `ー`) and of ASCII `' '`–`'\x7f'`.
const KANA_SLOTS: usize = 0xC0;
const CHAR_SLOTS: usize = KANA_SLOTS + 0x60;

fn char_slot(c: char) -> Option<usize> {
    match c as u32 {
        x @ 0x3040..=0x30FF => Some((x - 0x3040) as usize),
        x @ 0x20..=0x7F => Some(KANA_SLOTS + (x - 0x20) as usize),
        _ => None,
    }
}

/// Which items hold which kana or ASCII character, exactly (one slot per
/// character, no hashing), in each of the name, the reading, the body and
/// the body reading; and which items have a body reading. A one-kana query
/// (`か`, `ｶ`, `ー`, or `ka` read as romaji), which most items hold, is
/// answered from these bits and the first character of the names and
/// readings that hold it, instead of a search in each item's text. Blocks
/// of 64 items, like [`Grams`]. (The same for the texts with long vowels
/// folded are in [`Sounds`].)
#[derive(Debug, Clone, Default)]
struct Chars {
    name: Vec<u64>,
    reading: Vec<u64>,
    body: Vec<u64>,
    body_reading: Vec<u64>,
    /// One bit per item: its body reading is not empty.
    has_body_reading: Vec<u64>,
    /// The first character of each item's name and reading: the tiers of
    /// a one-character word without reading the text. (Those of the texts
    /// with long vowels folded are in [`Sounds`].)
    plain: Starts,
}

/// Which items' name and reading start with which kana or ASCII
/// character, and which names are that one character alone. Blocks of 64
/// items, like [`Chars`].
#[derive(Debug, Clone, Default)]
struct Starts {
    name: Vec<u64>,
    reading: Vec<u64>,
    /// One bit per item: the name is one character.
    name_single: Vec<u64>,
}

impl Starts {
    fn new(items: usize) -> Starts {
        let words = items.div_ceil(64);
        Starts {
            name: vec![0; CHAR_SLOTS * words],
            reading: vec![0; CHAR_SLOTS * words],
            name_single: vec![0; words],
        }
    }

    /// Notes item `i`'s name and reading (normalised, or folded).
    fn add(&mut self, i: usize, name: &str, reading: &str) {
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        let mut chars = name.chars();
        if let Some(slot) = chars.next().and_then(char_slot) {
            self.name[word * CHAR_SLOTS + slot] |= bit;
        }
        if !name.is_empty() && chars.next().is_none() {
            self.name_single[word] |= bit;
        }
        if let Some(slot) = reading.chars().next().and_then(char_slot) {
            self.reading[word * CHAR_SLOTS + slot] |= bit;
        }
    }
}

impl Chars {
    fn new(items: usize) -> Chars {
        let size = CHAR_SLOTS * items.div_ceil(64);
        Chars {
            name: vec![0; size],
            reading: vec![0; size],
            body: vec![0; size],
            body_reading: vec![0; size],
            has_body_reading: vec![0; items.div_ceil(64)],
            plain: Starts::new(items),
        }
    }
}

/// A query word as matched: its normalised text, or (for Latin letters
/// read as romaji) one of the kana it may stand for, long vowels folded.
struct Variant {
    finder: Finder<'static>,
    /// Matched against the long-vowel-folded fields (a romaji reading).
    sounds: bool,
}

impl Variant {
    fn text(&self) -> &str {
        // Built from a `String`, so the needle is UTF-8.
        std::str::from_utf8(self.finder.needle()).unwrap_or_default()
    }
}

/// The variants of each word of a query (split at white space), the
/// words that normalise to nothing left out.
fn query_words(query: &str) -> Vec<Vec<Variant>> {
    query
        .split_whitespace()
        .map(variants)
        .filter(|w| !w.is_empty())
        .collect()
}

/// The variants of a typed word (none when it normalises to nothing).
fn variants(word: &str) -> Vec<Variant> {
    let mut out: Vec<Variant> = Vec::new();
    let mut add = |text: String, sounds: bool| {
        if !text.is_empty() && !out.iter().any(|v| v.sounds == sounds && v.text() == text) {
            out.push(Variant {
                finder: Finder::new(text.as_bytes()).into_owned(),
                sounds,
            });
        }
    };
    add(normalize(word), false);
    let folded = fold_width(word);
    if folded.bytes().any(|b| b.is_ascii_alphabetic())
        && let Some(romaji) = romaji::to_hiragana(&folded)
        // A lone consonant (`p`: ぱぴぷぺぽ) would match most items as
        // five words; it is matched as typed until its vowel comes.
        && !(romaji.kana.is_empty() && romaji.pending.len() > 1)
    {
        for kana in romaji.variants() {
            add(fold_long_vowels(&normalize(&kana)), true);
        }
    }
    out
}

/// A search index over a slice of [`Searchable`] items, built once per data
/// change. It keeps only normalised text, not the items: [`search`] answers
/// with indexes into the slice given to [`new`].
///
/// [`search`]: SearchIndex::search
/// [`new`]: SearchIndex::new
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    names: Field,
    readings: Field,
    bodies: Field,
    body_readings: Field,
    /// The name, reading and body reading (the body when there is none)
    /// with long vowels folded ([`fold_long_vowels`]), for words read as
    /// romaji: made by the first such word ([`SearchIndex::folded`]), as
    /// a query in kana or kanji never needs them.
    sounds: OnceLock<Sounds>,
    /// The names as given, for the text of a [`Suggestion`].
    raw_names: Field,
    /// The words of each name a typo may be near, made by the first
    /// [`suggest`](SearchIndex::suggest) (most indexes never need them,
    /// and building them would add a fifth to the index's build time).
    keys: OnceLock<NameWords>,
    grams: Grams,
    chars: Chars,
    /// Item indexes in the base order: normalised reading (or name when
    /// there is no reading), then id, then index.
    order: Vec<usize>,
    /// Each item's place in `order`.
    rank: Vec<u32>,
}

/// A name close to a query that finds little (もしかして…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// What to show and, when tapped, to search: a word of the name in
    /// the name's own script (`ポレポレ`), or the reading in hiragana.
    /// `search(&text)` finds `item`.
    pub text: String,
    /// The item it names (an index into the indexed slice).
    pub item: usize,
}

/// The base order alone: what [`SearchIndex::search`] answers to a query
/// with no words (normalised reading, or name when there is no reading,
/// then id, then index), without building the index. Normalises names and
/// readings only, a small part of the index's build: a list can be shown
/// in this order at once, and the index built when a query needs it.
pub fn base_order<T: Searchable>(items: &[T]) -> Vec<usize> {
    let keys: Vec<String> = items
        .iter()
        .map(|item| {
            let reading = item.reading().map(normalize).unwrap_or_default();
            if reading.is_empty() {
                normalize(item.name())
            } else {
                reading
            }
        })
        .collect();
    sorted_by_key(items, |i| &keys[i])
}

/// Item indexes sorted by `key`, then id, then index: the base order.
fn sorted_by_key<'k, T: Searchable>(items: &[T], key: impl Fn(usize) -> &'k str) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    crate::sort::sort_indices(&mut order, &|a, b| {
        key(a)
            .cmp(key(b))
            .then_with(|| items[a].id().cmp(items[b].id()))
            .then(a.cmp(&b))
    });
    order
}

impl SearchIndex {
    /// Normalises every item's name, reading, body and body reading once
    /// and hashes their characters and bigrams. Their long vowels are
    /// folded later, by the first word read as romaji ([`Sounds`]).
    pub fn new<T: Searchable>(items: &[T]) -> SearchIndex {
        let n = items.len();
        let mut index = SearchIndex {
            names: Field::with_capacity(n),
            readings: Field::with_capacity(n),
            bodies: Field::with_capacity(n),
            body_readings: Field::with_capacity(n),
            sounds: OnceLock::new(),
            raw_names: Field::with_capacity(n),
            keys: OnceLock::new(),
            grams: Grams::new(n),
            chars: Chars::new(n),
            order: Vec::new(),
            rank: Vec::new(),
        };
        for (i, item) in items.iter().enumerate() {
            let name = normalize(item.name());
            let reading = item.reading().map(normalize).unwrap_or_default();
            let body = normalize_lines(&item.body());
            let body_reading = normalize_lines(item.body_reading());
            for (text, field, chars) in [
                (&name, &mut index.names, &mut index.chars.name),
                (&reading, &mut index.readings, &mut index.chars.reading),
                (&body, &mut index.bodies, &mut index.chars.body),
                (
                    &body_reading,
                    &mut index.body_readings,
                    &mut index.chars.body_reading,
                ),
            ] {
                field.push(text);
                index.grams.add(i, text, Some(chars));
            }
            if !body_reading.is_empty() {
                index.chars.has_body_reading[i / 64] |= 1 << (i % 64);
            }
            index.chars.plain.add(i, &name, &reading);
            index.raw_names.push(item.name());
        }
        let order = sorted_by_key(items, |i| {
            let reading = index.readings.get(i);
            if reading.is_empty() {
                index.names.get(i)
            } else {
                reading
            }
        });
        index.rank = vec![0; n];
        for (r, &i) in order.iter().enumerate() {
            index.rank[i] = r as u32;
        }
        index.order = order;
        index
    }

    /// How many items the index was built from.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the index was built from no items.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Item `i`'s normalised name. Panics if `i >= self.len()`.
    pub fn normalized_name(&self, i: usize) -> &str {
        self.names.get(i)
    }

    /// Item `i`'s normalised reading (empty when it has none).
    /// Panics if `i >= self.len()`.
    pub fn normalized_reading(&self, i: usize) -> &str {
        self.readings.get(i)
    }

    /// Item `i`'s normalised body, lines separated by `'\n'`.
    /// Panics if `i >= self.len()`.
    pub fn normalized_body(&self, i: usize) -> &str {
        self.bodies.get(i)
    }

    /// Makes now the texts with long vowels folded that the first word
    /// read as romaji needs (a third of [`new`](SearchIndex::new)'s time),
    /// so that a page can make them while it is idle rather than on that
    /// keystroke. Nothing when they are made already.
    pub fn prepare_romaji(&self) {
        let _ = self.folded();
    }

    /// The texts with long vowels folded, made at the first call.
    fn folded(&self) -> &Sounds {
        self.sounds.get_or_init(|| Sounds::new(self))
    }

    /// Item `i`'s name, reading and body with long vowels folded.
    fn sounds(&self, i: usize) -> [&str; 3] {
        let body = self.body_readings.get(i);
        let body = if body.is_empty() {
            self.bodies.get(i)
        } else {
            body
        };
        let sounds = self.folded();
        [
            or_plain(sounds.names.get(i), self.names.get(i)),
            or_plain(sounds.readings.get(i), self.readings.get(i)),
            or_plain(sounds.bodies.get(i), body),
        ]
    }

    /// The best tier at which item `i` matches `v`, 0 for none.
    fn score(&self, i: usize, v: &Variant) -> u8 {
        let [name, reading, body] = if v.sounds {
            self.sounds(i)
        } else {
            [self.names.get(i), self.readings.get(i), self.bodies.get(i)]
        };
        let len = v.finder.needle().len();
        if let Some(at) = v.finder.find(name.as_bytes()) {
            return match (at, name.len() == len) {
                (0, true) => tier::NAME_EQUALS,
                (0, false) => tier::NAME_STARTS,
                _ => tier::NAME_CONTAINS,
            };
        }
        if let Some(at) = v.finder.find(reading.as_bytes()) {
            return if at == 0 {
                tier::READING_STARTS
            } else {
                tier::READING_CONTAINS
            };
        }
        let found = |text: &str| v.finder.find(text.as_bytes()).is_some();
        if found(body) || (!v.sounds && found(self.body_readings.get(i))) {
            return tier::BODY_CONTAINS;
        }
        0
    }

    /// Indexes (into the slice the index was built from) of the items
    /// matching `query`, best first.
    ///
    /// The query is split at white space and each word normalised; words
    /// that normalise to nothing (e.g. a lone `・`) are ignored. A word in
    /// Latin letters is also read as romaji ([`romaji::to_hiragana`]:
    /// `porepore`, `porep`, `shijima`, `tōkyō`) and that reading, long
    /// vowels folded, is matched against the folded name, reading and
    /// body reading; the word as typed still matches Latin text (`tips`,
    /// `npo`). Every word must match the name, the reading, the body or
    /// the body's reading (AND). Each word scores its best tier — name
    /// equals (6) > name starts with (5) > name contains (4) > reading
    /// starts with (3) > reading contains (2) > body or body reading
    /// contains (1) — and the words' scores add up. Equal scores keep the
    /// base order (normalised reading or name, then id). A query with no
    /// words returns every item in the base order.
    ///
    /// Only the items whose grams ([`Grams`]) hold every word are checked.
    pub fn search(&self, query: &str) -> Vec<usize> {
        let words = query_words(query);
        if words.is_empty() {
            return self.order.clone();
        }
        let (totals, found) = self.totals(&words);
        self.ranked(&totals, &found)
    }

    /// The items set in `found`, best total first, ties in base order.
    /// No comparison sort: the hits are marked by their place in the base
    /// order (one bit each), then read back in that order into one bucket
    /// per total (totals are small: at most 6 per word). O(hits + items /
    /// 64).
    fn ranked(&self, totals: &[u16], found: &[u64]) -> Vec<usize> {
        // Slices, not `Vec`s, in the loops: at `opt-level = "z"` indexing a
        // `Vec` stays a call.
        let (rank, order): (&[u32], &[usize]) = (&self.rank, &self.order);
        let mut by_rank = vec![0u64; found.len()];
        let by_rank_bits: &mut [u64] = &mut by_rank;
        // Items per total (at most 6 per word; a query of more words
        // grows it).
        let mut next: Vec<usize> = vec![0; 8];
        each_bit(found, |i| {
            let r = rank[i] as usize;
            by_rank_bits[r / 64] |= 1 << (r % 64);
            let t = usize::from(totals[i]);
            if next.len() <= t {
                next.resize(t + 1, 0);
            }
            let next: &mut [usize] = &mut next;
            next[t] += 1;
        });
        // `next[t]`: where the next item of total `t` goes (higher first).
        let next: &mut [usize] = &mut next;
        let mut at = 0;
        for t in (1..next.len()).rev() {
            let count = next[t];
            next[t] = at;
            at += count;
        }
        let mut hits = vec![0usize; at];
        let out: &mut [usize] = &mut hits;
        each_bit(&by_rank, |r| {
            let i = order[r];
            let t = usize::from(totals[i]);
            out[next[t]] = i;
            next[t] += 1;
        });
        hits
    }

    /// Every item's total score over `words` (0: some word does not
    /// match), and the items whose total is not 0, one bit each.
    fn totals(&self, words: &[Vec<Variant>]) -> (Vec<u16>, Vec<u64>) {
        let n = self.len();
        let w = self.grams.words;
        // Per variant, the items whose grams may hold it; per word, the
        // union; the candidates are the intersection over the words.
        let mut all = vec![!0u64; w];
        if !n.is_multiple_of(64)
            && let Some(last) = all.last_mut()
        {
            *last = (1u64 << (n % 64)) - 1;
        }
        let mut candidates = all.clone();
        let mut may: Vec<Vec<Vec<u64>>> = Vec::with_capacity(words.len());
        for variants in words {
            let mut union = vec![0u64; w];
            let bits: Vec<Vec<u64>> = variants
                .iter()
                .map(|v| {
                    let mut bits = all.clone();
                    self.grams.may_hold(v.text(), &mut bits);
                    if v.sounds {
                        // In the plain text, or in the folded one.
                        let mut folded = all.clone();
                        self.folded().grams.may_hold(v.text(), &mut folded);
                        for (b, f) in bits.iter_mut().zip(&folded) {
                            *b |= f;
                        }
                    }
                    for (u, b) in union.iter_mut().zip(&bits) {
                        *u |= b;
                    }
                    bits
                })
                .collect();
            for (c, u) in candidates.iter_mut().zip(&union) {
                *c &= u;
            }
            may.push(bits);
        }
        let mut totals_vec = vec![0u16; n];
        let mut best_vec = vec![0u8; n];
        // Slices in the loops (see `ranked`).
        let totals: &mut [u16] = &mut totals_vec;
        let best: &mut [u8] = &mut best_vec;
        for (k, (variants, may)) in words.iter().zip(&may).enumerate() {
            if k > 0 {
                best.fill(0);
            }
            for (v, may) in variants.iter().zip(may) {
                if self.one_char(v, best, &candidates) {
                    continue;
                }
                let count: u32 = may.iter().map(|b| b.count_ones()).sum();
                if count as usize > n / 8 {
                    // Many candidates: one pass over each field's text
                    // costs less than a search per item.
                    let within: Vec<u64> =
                        may.iter().zip(&candidates).map(|(m, c)| m & c).collect();
                    self.scan(v, best, &within);
                    continue;
                }
                for (k, (&may, &c)) in may.iter().zip(&candidates).enumerate() {
                    let mut bits = may & c;
                    while bits != 0 {
                        let i = k * 64 + bits.trailing_zeros() as usize;
                        bits &= bits - 1;
                        best[i] = best[i].max(self.score(i, v));
                    }
                }
            }
            for (k, c) in candidates.iter_mut().enumerate() {
                let mut bits = *c;
                while bits != 0 {
                    let i = k * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    if best[i] == 0 {
                        *c &= !(1u64 << (i % 64));
                        totals[i] = 0;
                    } else {
                        totals[i] += u16::from(best[i]);
                    }
                }
            }
        }
        (totals_vec, candidates)
    }

    /// When `v` is one kana or ASCII character (as typed, or read from
    /// romaji and matched against the texts with long vowels folded):
    /// raises `best[i]` to the tier at which item `i` matches it, for every
    /// item set in `within`, from [`Chars`] (which items hold it in which
    /// field, and which names and readings start with it), without reading
    /// any text, and returns true. The same tiers as
    /// [`score`](SearchIndex::score); false (nothing done) for any other
    /// variant.
    fn one_char(&self, v: &Variant, best: &mut [u8], within: &[u64]) -> bool {
        let mut chars = v.text().chars();
        let (Some(one), None) = (chars.next(), chars.next()) else {
            return false;
        };
        let Some(slot) = char_slot(one) else {
            return false;
        };
        let chars = &self.chars;
        let sounds = v.sounds.then(|| self.folded());
        let starts = match sounds {
            Some(sounds) => &sounds.starts,
            None => &chars.plain,
        };
        // Slices in the loop: at `opt-level = "z"` indexing a `Vec` stays a
        // call.
        let [name_bits, reading_bits, body_bits, body_reading_bits]: [&[u64]; 4] = [
            &chars.name,
            &chars.reading,
            &chars.body,
            &chars.body_reading,
        ];
        let none: &[u64] = &[];
        let [
            sound_name,
            sound_reading,
            sound_body,
            folded_name,
            folded_reading,
            folded_body,
        ]: [&[u64]; 6] = match sounds {
            Some(s) => [
                &s.name,
                &s.reading,
                &s.body,
                &s.folded_name,
                &s.folded_reading,
                &s.folded_body,
            ],
            None => [none; 6],
        };
        let has_body_reading: &[u64] = &chars.has_body_reading;
        let [name_first_bits, reading_first_bits, single_bits]: [&[u64]; 3] =
            [&starts.name, &starts.reading, &starts.name_single];
        for (k, &within) in within.iter().enumerate() {
            if within == 0 {
                continue;
            }
            let at = k * CHAR_SLOTS + slot;
            let (body, body_reading) = (body_bits[at], body_reading_bits[at]);
            let (mut name, mut reading) = (name_bits[at], reading_bits[at]);
            // A word read as romaji is matched against the folded name,
            // reading and body reading (or body where there is none; see
            // `sounds`), each the plain text where folding changed nothing.
            let body = if v.sounds {
                let has = has_body_reading[k];
                let plain = (body_reading & has) | (body & !has);
                let pick =
                    |folded: u64, sound: u64, plain: u64| (sound & folded) | (plain & !folded);
                name = pick(folded_name[k], sound_name[at], name);
                reading = pick(folded_reading[k], sound_reading[at], reading);
                pick(folded_body[k], sound_body[at], plain)
            } else {
                body | body_reading
            };
            let name = name & within;
            let reading = reading & within & !name;
            let rest = body & within & !name & !reading;
            let (name_first, single) = (name_first_bits[at], single_bits[k]);
            let reading_first = reading_first_bits[at];
            for (bits, t) in [
                (name & name_first & single, tier::NAME_EQUALS),
                (name & name_first & !single, tier::NAME_STARTS),
                (name & !name_first, tier::NAME_CONTAINS),
                (reading & reading_first, tier::READING_STARTS),
                (reading & !reading_first, tier::READING_CONTAINS),
                (rest, tier::BODY_CONTAINS),
            ] {
                let mut bits = bits;
                while bits != 0 {
                    let i = k * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    if best[i] < t {
                        best[i] = t;
                    }
                }
            }
        }
        true
    }

    /// Raises `best[i]` to the tier at which item `i` matches `v`, for
    /// every item set in `within` (one bit each; the others are jumped
    /// over), by one pass over each field's text (see [`score`]).
    ///
    /// [`score`]: SearchIndex::score
    fn scan(&self, v: &Variant, best: &mut [u8], within: &[u64]) {
        let reading_tier = |at_start: bool, _: bool| {
            if at_start {
                tier::READING_STARTS
            } else {
                tier::READING_CONTAINS
            }
        };
        let name_tier = |at_start: bool, whole: bool| match (at_start, whole) {
            (_, true) => tier::NAME_EQUALS,
            (true, false) => tier::NAME_STARTS,
            _ => tier::NAME_CONTAINS,
        };
        let f = &v.finder;
        let body = |_: bool, _: bool| tier::BODY_CONTAINS;
        // Highest tiers first, so a later field skips the items an earlier
        // one already placed at or above what it can give.
        if !v.sounds {
            self.names
                .raise_matches(f, best, within, tier::NAME_EQUALS, name_tier);
            self.readings
                .raise_matches(f, best, within, tier::READING_STARTS, reading_tier);
            for field in [&self.bodies, &self.body_readings] {
                field.raise_matches(f, best, within, tier::BODY_CONTAINS, body);
            }
            return;
        }
        // A folded field holds "" where folding changed nothing (its bit in
        // `folded_*` is clear): there the plain field is read.
        let (chars, sounds) = (&self.chars, self.folded());
        // The wanted items whose field folding changed, and the others.
        let split = |folded: &[u64]| -> (Vec<u64>, Vec<u64>) {
            within
                .iter()
                .zip(folded)
                .map(|(w, f)| (w & f, w & !f))
                .unzip()
        };
        let (folded, plain) = split(&sounds.folded_name);
        sounds
            .names
            .raise_matches(f, best, &folded, tier::NAME_EQUALS, name_tier);
        self.names
            .raise_matches(f, best, &plain, tier::NAME_EQUALS, name_tier);
        let (folded, plain) = split(&sounds.folded_reading);
        sounds
            .readings
            .raise_matches(f, best, &folded, tier::READING_STARTS, reading_tier);
        self.readings
            .raise_matches(f, best, &plain, tier::READING_STARTS, reading_tier);
        let (folded, plain) = split(&sounds.folded_body);
        sounds
            .bodies
            .raise_matches(f, best, &folded, tier::BODY_CONTAINS, body);
        self.body_readings
            .raise_matches(f, best, &plain, tier::BODY_CONTAINS, body);
        // The body itself where it has no reading (and folding changed
        // nothing).
        let no_reading: Vec<u64> = plain
            .iter()
            .zip(&chars.has_body_reading)
            .map(|(p, h)| p & !h)
            .collect();
        self.bodies
            .raise_matches(f, best, &no_reading, tier::BODY_CONTAINS, body);
    }

    /// Up to `max` names close to the query's last word, of items the
    /// query does not find, best first, one per item (もしかして…): a word
    /// of the name (`ポレポレ` of 「ポレポレ」) or the reading, at one edit
    /// from the word or from the start of the name's word (one kana
    /// inserted, dropped, changed, or two swapped). A change between kana
    /// that differ only by ゛ ゜ or by size (`は ば ぱ`, `つ っ`) is nearer
    /// than other edits; a whole word nearer than its start; then the base
    /// order. A word in Latin letters is also compared as romaji, long
    /// vowels folded (`porepora` → `ポレポレ`). Words shorter than three
    /// characters get none.
    ///
    /// Law: `search(&s.text)` finds `s.item` for every suggestion `s`.
    ///
    /// Compares the distinct short keys (name words and readings) that may
    /// be near, each once; meant for a query that finds little (the app
    /// asks when it finds fewer than 3). The first call builds the keys
    /// ([`NameWords`]).
    pub fn suggest(&self, query: &str, max: usize) -> Vec<Suggestion> {
        self.suggest_beside(query, &self.search(query), max)
    }

    /// [`suggest`](SearchIndex::suggest) for a query already searched:
    /// `found` is what [`search`](SearchIndex::search) answered to it (so
    /// that a keystroke searches once). The same suggestions.
    pub fn suggest_beside(&self, query: &str, found: &[usize], max: usize) -> Vec<Suggestion> {
        self.suggest_among(query, found, max, false)
    }

    /// [`suggest`](SearchIndex::suggest), comparing every key when `every`
    /// (tests: the [`KeyStarts`] filter leaves out no suggestion).
    fn suggest_among(
        &self,
        query: &str,
        found: &[usize],
        max: usize,
        every: bool,
    ) -> Vec<Suggestion> {
        let Some(word) = query.split_whitespace().last() else {
            return Vec::new();
        };
        let word = variants(word);
        let word: Vec<&Variant> = word
            .iter()
            .filter(|v| v.text().chars().count() >= 3)
            .collect();
        if word.is_empty() || max == 0 {
            return Vec::new();
        }
        // Slices, not `Vec`s, in the loops (see `ranked`).
        let rank: &[u32] = &self.rank;
        let heads: Vec<(Option<char>, Option<char>)> = word
            .iter()
            .map(|v| {
                let mut c = v.text().chars();
                (c.next(), c.next())
            })
            .collect();
        let word_chars: Vec<Vec<char>> = word.iter().map(|v| v.text().chars().collect()).collect();
        let name_keys = self
            .keys
            .get_or_init(|| NameWords::new(&self.raw_names, &self.readings));
        // The keys that may be near a variant.
        let mut candidates = vec![0u64; name_keys.starts.words];
        for v in &word {
            name_keys.starts.may_be_near(v.text(), &mut candidates);
        }
        let key_count = name_keys.keys.starts.len() - 1;
        if every {
            candidates.fill(!0);
            if let Some(last) = candidates.last_mut()
                && !key_count.is_multiple_of(64)
            {
                *last = (1u64 << (key_count % 64)) - 1;
            }
        }
        // Each candidate key's closeness to each variant, computed once
        // however many items share the key: `near_at` (ascending keys) and
        // `near` (`word.len()` per key), for the keys near some variant
        // (one bit each in `near_keys`); and the items having such a key.
        let variants_n = word.len();
        let mut near_at: Vec<u32> = Vec::new();
        let mut near: Vec<Closeness> = Vec::new();
        let mut items_vec = vec![0u64; self.len().div_ceil(64)];
        let items: &mut [u64] = &mut items_vec;
        // Closeness reads at most the key's first m + 2 characters (m: the
        // word's), and many keys start alike: the keys are in byte order, so
        // a key starting with the previous one's first m + 2 characters
        // (`prev[v]`, when it had that many) is as near as it, without a
        // comparison.
        let mut prev: Vec<Option<&str>> = vec![None; variants_n];
        let mut cur: Vec<Closeness> = vec![None; variants_n];
        // The variants to compare with the key at hand.
        let mut todo: Vec<usize> = Vec::with_capacity(variants_n);
        each_bit(&candidates, |k| {
            let text = name_keys.keys.get(k);
            let bytes = text.as_bytes();
            let (k0, after) = decode_at(bytes, 0);
            let k1 = decode_at(bytes, after).0;
            // How many characters the comparisons read: m + 2 for the
            // longest word compared, and one more to tell whether the key
            // is longer.
            let mut need = 0;
            todo.clear();
            for (v, c) in cur.iter_mut().enumerate() {
                if prev[v].is_some_and(|head| text.starts_with(head)) {
                    continue;
                }
                let (w0, w1) = heads[v];
                // One edit keeps the first or the second character in one
                // of the first two places.
                if !(k0 == w0 || k0 == w1 || k1 == w0 || k1 == w1) {
                    *c = None;
                    prev[v] = None;
                    continue;
                }
                need = need.max(word_chars[v].len() + 3);
                todo.push(v);
            }
            if need > 0 {
                // The key's first characters, decoded once, and where each
                // begins.
                let mut ends = [text.len(); 32];
                let mut kchars = ['\0'; 32];
                let mut n = 0;
                let mut at = 0;
                while at < bytes.len() && n < need.min(ends.len()) {
                    let (c, next) = decode_at(bytes, at);
                    ends[n] = at;
                    kchars[n] = c.unwrap_or('\0');
                    n += 1;
                    at = next;
                }
                let kchars = &kchars[..n];
                for &v in &todo {
                    let w = &word_chars[v];
                    let (head, whole) = match ends.get(w.len() + 2) {
                        Some(&end) if end < text.len() => (&text[..end], false),
                        _ => (text, true),
                    };
                    cur[v] = if w.len() + 3 <= ends.len()
                        && !may_be_one_edit(w, &kchars[..kchars.len().min(w.len() + 1)])
                    {
                        None
                    } else {
                        closeness(word[v].text(), head)
                    };
                    // A key of m + 2 characters or fewer is its own head:
                    // a longer key starting with it has another.
                    prev[v] = (!whole).then_some(head);
                }
            }
            if cur.iter().all(Option::is_none) {
                return;
            }
            near.extend_from_slice(&cur);
            near_at.push(k as u32);
            for &i in name_keys.items(k) {
                items[i as usize / 64] |= 1 << (i % 64);
            }
        });
        let mut near_index_vec = vec![u32::MAX; key_count];
        let near_index: &mut [u32] = &mut near_index_vec;
        for (at, &k) in near_at.iter().enumerate() {
            near_index[k as usize] = at as u32;
        }
        let near: &[Closeness] = &near;
        let near_of = |k: u32, v: usize| -> Closeness {
            match near_index[k as usize] {
                u32::MAX => None,
                at => near[at as usize * variants_n + v],
            }
        };
        // The items in the base order (rank), so that once `max`
        // suggestions are certain, a later item counts only if it is
        // nearer (a better class) than the last of them: `bound`.
        let mut bound: Option<(u8, u8)> = None;
        let mut kept: Vec<Kept> = Vec::new();
        // The items with a near key that the query does not find, by their
        // place in the base order (one bit each), read in that order.
        for &i in found {
            items[i / 64] &= !(1u64 << (i % 64));
        }
        let mut by_rank = vec![0u64; items.len()];
        each_bit(items, |i| {
            let r = rank[i] as usize;
            by_rank[r / 64] |= 1 << (r % 64);
        });
        let mut ranks = Vec::new();
        each_bit(&by_rank, |r| ranks.push(r));
        for i in ranks.into_iter().map(|r| self.order[r]) {
            if bound == Some((1, 0)) {
                break;
            }
            let reading = self.readings.get(i);
            let Some((reading_keys, word_keys)) = name_keys.slots(i).split_last() else {
                continue;
            };
            // The first of the nearest keys, in the order: each word of the
            // name (each variant), then the reading: (cost, 0 for a whole
            // key or 1 for its start, key, its id, bytes matched, whether
            // that is of the folded reading).
            let mut best: Option<(u8, u8, usize, u32, usize, bool)> = None;
            let mut consider = |v: usize, key: usize, id: u32, unfold: bool| {
                if let Some((cost, start, len)) = near_of(id, v)
                    && best.is_none_or(|b| (cost, start) < (b.0, b.1))
                {
                    best = Some((cost, start, key, id, len, unfold));
                }
            };
            for (k, ids) in word_keys.iter().enumerate() {
                for (v, variant) in word.iter().enumerate() {
                    consider(v, k, ids[usize::from(variant.sounds)], false);
                }
            }
            for (v, variant) in word.iter().enumerate() {
                let sounds = usize::from(variant.sounds);
                consider(v, usize::MAX, reading_keys[sounds], variant.sounds);
            }
            let best = best.map(|(cost, start, key, id, mut len, unfold)| {
                if unfold {
                    let text = name_keys.keys.get(id as usize);
                    len = unfolded_prefix(reading, text[..len].chars().count()).len();
                }
                (cost, start, rank[i], i, key, len)
            });
            let Some((cost, start, _, item, key, len)) = best else {
                continue;
            };
            let class = (cost, start);
            if bound.is_some_and(|b| class >= b) {
                continue;
            }
            let text = if key == usize::MAX {
                Some(self.readings.get(item)[..len].to_owned())
            } else {
                name_words(self.raw_names.get(item))
                    .nth(key)
                    .map(|(raw, _)| raw.to_owned())
            };
            let Some(text) = text else {
                continue;
            };
            // `kept`: the suggestions as they stand, in order, one item
            // per text. A later item has a higher rank: it goes after every
            // kept one of the same class or better; after a kept one with
            // its text it is never shown; before one, it takes its place.
            let at = kept.partition_point(|k| k.class <= class);
            if kept[..at].iter().any(|k| k.text == text) {
                continue;
            }
            // Normalising a word alone can differ from normalising it
            // inside the name (a combining mark after a dropped `・`):
            // keep only what provably finds the item.
            if text.chars().any(char::is_whitespace)
                || !variants(&text).iter().any(|v| self.score(item, v) > 0)
            {
                continue;
            }
            kept.retain(|k| k.text != text);
            kept.insert(at, Kept { class, item, text });
            // Inserting never lowers how many come before a place: what
            // follows the `max`th is dropped for good.
            kept.truncate(max);
            if kept.len() == max {
                bound = kept.last().map(|k| k.class);
            }
        }
        kept.into_iter()
            .map(|k| Suggestion {
                text: k.text,
                item: k.item,
            })
            .take(max)
            .collect()
    }
}

/// A suggestion as things stand in [`suggest`](SearchIndex::suggest): its
/// class (cost, then 0 for a whole key or 1 for its start), item and text.
struct Kept {
    class: (u8, u8),
    item: usize,
    text: String,
}

/// What [`closeness`] answers.
type Closeness = Option<(u8, u8, usize)>;

/// A folded field's text, or the plain text where folding changed nothing
/// (stored empty).
fn or_plain<'a>(sound: &'a str, plain: &'a str) -> &'a str {
    if sound.is_empty() { plain } else { sound }
}

/// How close `word` is to `key` or to its start: `(cost, 0 for the whole
/// key or 1 for its start, bytes of the key matched)`; `None` when the key
/// equals the word, starts with it, or is more than one edit away.
fn closeness(word: &str, key: &str) -> Option<(u8, u8, usize)> {
    if key.starts_with(word) {
        return None;
    }
    let mut best = one_edit(word, key).map(|c| (c, 0, key.len()));
    let m = word.chars().count();
    // Starts of m - 1, m and m + 1 characters (shorter than the key); of
    // equal costs, the start as long as the word is shown.
    let ends: Vec<usize> = key
        .char_indices()
        .map(|(at, _)| at)
        .skip(m.saturating_sub(1))
        .take(3)
        .collect();
    for k in [1, 2, 0] {
        let Some(&end) = ends.get(k) else { continue };
        if let Some(c) = one_edit(word, &key[..end])
            && best.is_none_or(|b| (c, 1) < (b.0, b.1))
        {
            best = Some((c, 1, end));
        }
    }
    best
}

/// The character of the UTF-8 text `bytes` (valid) starting at byte `at`
/// (`None` past the end) and where the next one starts: a short decoder
/// inlined in `suggest`'s loop over the keys (`chars()` stays a call per
/// character at `opt-level = "z"`).
fn decode_at(bytes: &[u8], at: usize) -> (Option<char>, usize) {
    let Some(&b0) = bytes.get(at) else {
        return (None, at);
    };
    let more = |k: usize| u32::from(bytes.get(at + k).copied().unwrap_or(0) & 0x3F);
    let (c, len) = match b0 {
        0..0x80 => (u32::from(b0), 1),
        0xC0..0xE0 => ((u32::from(b0 & 0x1F) << 6) | more(1), 2),
        0xE0..0xF0 => ((u32::from(b0 & 0x0F) << 12) | (more(1) << 6) | more(2), 3),
        _ => (
            (u32::from(b0 & 0x07) << 18) | (more(1) << 12) | (more(2) << 6) | more(3),
            4,
        ),
    };
    (char::from_u32(c), at + len)
}

/// Whether `key` or one of its starts may be one edit from the word `w`
/// (see [`closeness`]), cheaply: such a start `p` has `w[t]` at `t - 1`,
/// `t` or `t + 1` for all but at most one place `t` of the word (a
/// changed or dropped character misses once, an added or swapped one never),
/// and `p` is among the key's first `m + 1` characters (`k`: those, or the
/// whole key when shorter). False only when `closeness(w, key)` is `None`.
fn may_be_one_edit(w: &[char], k: &[char]) -> bool {
    let mut misses = 0;
    for (t, &c) in w.iter().enumerate() {
        let near =
            k.get(t) == Some(&c) || (t > 0 && k.get(t - 1) == Some(&c)) || k.get(t + 1) == Some(&c);
        if !near {
            misses += 1;
            if misses > 1 {
                return false;
            }
        }
    }
    true
}

/// The cost of one edit turning `a` into `b`: 1 for a change between kana
/// that differ only by ゛ ゜ or size, 2 for any other change, insertion,
/// deletion or swap of two neighbours; `None` for equal strings or more
/// than one edit.
fn one_edit(a: &str, b: &str) -> Option<u8> {
    if a == b || a.len().abs_diff(b.len()) > 4 {
        return None;
    }
    let mut pre = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    while !a.is_char_boundary(pre) {
        pre -= 1;
    }
    let (a, b) = (&a[pre..], &b[pre..]);
    let mut suf = a
        .bytes()
        .rev()
        .zip(b.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count();
    while !a.is_char_boundary(a.len() - suf) {
        suf -= 1;
    }
    let (a, b) = (&a[..a.len() - suf], &b[..b.len() - suf]);
    let mut ac = a.chars();
    let mut bc = b.chars();
    match (
        ac.next(),
        ac.next(),
        ac.next(),
        bc.next(),
        bc.next(),
        bc.next(),
    ) {
        (Some(x), None, _, Some(y), None, _) => {
            Some(if plain_kana(x) == plain_kana(y) { 1 } else { 2 })
        }
        (Some(_), None, _, None, _, _) | (None, _, _, Some(_), None, _) => Some(2),
        (Some(x1), Some(x2), None, Some(y1), Some(y2), None) if x1 == y2 && x2 == y1 => Some(2),
        _ => None,
    }
}

/// A hiragana without ゛ ゜ and at full size (`ぱ` → `は`, `っ` → `つ`).
fn plain_kana(c: char) -> char {
    let u = c as u32;
    let plain = match c {
        // ぁ..ぉ (small at odd code points)
        'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' | 'っ' | 'ゃ' | 'ゅ' | 'ょ' | 'ゎ' => u + 1,
        'ゕ' => 'か' as u32,
        'ゖ' => 'け' as u32,
        'ゔ' => 'う' as u32,
        // が..ぢ: voiced at even code points, one after the plain kana.
        'が'..='ぢ' if u.is_multiple_of(2) => u - 1,
        // づ..ど: voiced at odd code points.
        'づ'..='ど' if u % 2 == 1 => u - 1,
        // は ば ぱ … ほ ぼ ぽ: three in a row.
        'は'..='ぽ' => u - (u - 'は' as u32) % 3,
        _ => u,
    };
    char::from_u32(plain).unwrap_or(c)
}

/// The keys a typo may be near, each distinct text once: the words of
/// every name ([`name_words`]), normalised, and with long vowels folded;
/// every reading, plain and folded. Per item, which keys it has, in the
/// order [`suggest`](SearchIndex::suggest) reads them; per key, which items
/// have it. Many items share keys (a place, a suffix, a common reading
/// start), so a query compares each distinct key once, not once per item.
///
/// With them, [`KeyStarts`] over the keys: which keys a typo may be near.
#[derive(Debug, Clone, Default)]
struct NameWords {
    /// The distinct keys: key `k` is `keys.get(k)`.
    keys: Field,
    /// Per item `i`, `slots[slot_at[i]..slot_at[i + 1]]`: for each word of
    /// its name, the key as normalised and with long vowels folded (the
    /// same key where folding changes nothing or leaves nothing); last, its
    /// reading and its folded reading (the reading where folding changes
    /// nothing).
    slot_at: Vec<u32>,
    slots: Vec<[u32; 2]>,
    /// Per key `k`, the items that have it, ascending:
    /// `items[item_at[k]..item_at[k + 1]]`.
    item_at: Vec<u32>,
    items: Vec<u32>,
    /// Which keys start a certain way (one bit per key).
    starts: KeyStarts,
}

impl NameWords {
    fn new(names: &Field, readings: &Field) -> NameWords {
        let n = names.starts.len().saturating_sub(1);
        let mut keys = Field::with_capacity(n);
        // Each distinct key once: an open-addressing table of key ids by
        // FNV-1a, grown at half full.
        let mut table: Vec<u32> = vec![u32::MAX; 1024];
        let hash = |key: &str| {
            let h = key.bytes().fold(0x811c_9dc5u32, |h, b| {
                (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
            });
            (u64::from(h).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize
        };
        let mut id_of = |key: &str| -> u32 {
            let mut mask = table.len() - 1;
            let mut at = hash(key) & mask;
            loop {
                match table[at] {
                    u32::MAX => break,
                    id if keys.get(id as usize) == key => return id,
                    _ => at = (at + 1) & mask,
                }
            }
            let id = (keys.starts.len() - 1) as u32;
            keys.push(key);
            if (id as usize + 1) * 2 > table.len() {
                table = vec![u32::MAX; table.len() * 2];
                mask = table.len() - 1;
                for k in 0..=id {
                    let mut at = hash(keys.get(k as usize)) & mask;
                    while table[at] != u32::MAX {
                        at = (at + 1) & mask;
                    }
                    table[at] = k;
                }
            } else {
                table[at] = id;
            }
            id
        };
        let mut slot_at = Vec::with_capacity(n + 1);
        slot_at.push(0u32);
        let mut slots: Vec<[u32; 2]> = Vec::with_capacity(n * 3);
        let mut joined = String::new();
        for i in 0..n {
            joined.clear();
            for (_, word) in name_words(names.get(i)) {
                if !joined.is_empty() {
                    joined.push(KEY_SEP);
                }
                joined.push_str(&word);
            }
            let folded = fold_long_vowels(&joined);
            let sound_keys: &str = if folded == joined { "" } else { &folded };
            let mut sounds = sound_keys.split(KEY_SEP).filter(|_| !sound_keys.is_empty());
            for key in joined.split(KEY_SEP).filter(|_| !joined.is_empty()) {
                let sound = sounds.next().filter(|s| !s.is_empty()).unwrap_or(key);
                let id = id_of(key);
                slots.push([id, if sound == key { id } else { id_of(sound) }]);
            }
            // The folded reading as `Sounds` has it (folded here, so that a
            // suggestion for a word in kana needs no `Sounds`).
            let reading = readings.get(i);
            let sound_reading = fold_long_vowels(reading);
            let id = id_of(reading);
            slots.push([
                id,
                if sound_reading.is_empty() || sound_reading == reading {
                    id
                } else {
                    id_of(&sound_reading)
                },
            ]);
            slot_at.push(slots.len() as u32);
        }
        // Keys in byte order (the order of their characters), so that keys
        // sharing a start are neighbours: `suggest` compares a start once.
        let u = keys.starts.len() - 1;
        // By their first 16 bytes (big-endian: byte order), then the rest
        // (`sort_indices`: the sort the base order already uses, no second
        // copy of sorting code in the wasm).
        let first: Vec<u128> = (0..u)
            .map(|k| {
                let mut first = [0u8; 16];
                let key = keys.get(k).as_bytes();
                let n = key.len().min(16);
                first[..n].copy_from_slice(&key[..n]);
                u128::from_be_bytes(first)
            })
            .collect();
        let first: &[u128] = &first;
        let mut order: Vec<usize> = (0..u).collect();
        crate::sort::sort_indices(&mut order, &|a, b| {
            first[a]
                .cmp(&first[b])
                .then_with(|| keys.get(a).cmp(keys.get(b)))
        });
        let mut new_id = vec![0u32; u];
        let mut sorted = Field::with_capacity(u);
        for (k, &old) in order.iter().enumerate() {
            new_id[old] = k as u32;
            sorted.push(keys.get(old));
        }
        let keys = sorted;
        for slot in &mut slots {
            *slot = slot.map(|k| new_id[k as usize]);
        }
        // The items of each key: counted, then placed (a counting sort).
        let mut item_at = vec![0u32; u + 1];
        let mut last = vec![u32::MAX; u];
        let each = |f: &mut dyn FnMut(usize, u32)| {
            for i in 0..n {
                for slot in &slots[slot_at[i] as usize..slot_at[i + 1] as usize] {
                    for &k in slot {
                        f(k as usize, i as u32);
                    }
                }
            }
        };
        each(&mut |k, i| {
            if last[k] != i {
                last[k] = i;
                item_at[k + 1] += 1;
            }
        });
        for k in 0..u {
            item_at[k + 1] += item_at[k];
        }
        let mut next: Vec<u32> = item_at[..u].to_vec();
        let mut items = vec![0u32; item_at[u] as usize];
        last.fill(u32::MAX);
        each(&mut |k, i| {
            if last[k] != i {
                last[k] = i;
                items[next[k] as usize] = i;
                next[k] += 1;
            }
        });
        let mut starts = KeyStarts::new(u);
        for k in 0..u {
            starts.add(k, keys.get(k));
        }
        NameWords {
            keys,
            slot_at,
            slots,
            item_at,
            items,
            starts,
        }
    }

    /// Item `i`'s keys: one per word of its name, then its reading.
    fn slots(&self, i: usize) -> &[[u32; 2]] {
        &self.slots[self.slot_at[i] as usize..self.slot_at[i + 1] as usize]
    }

    /// The items that have key `k`, ascending.
    fn items(&self, k: usize) -> &[u32] {
        &self.items[self.item_at[k] as usize..self.item_at[k + 1] as usize]
    }
}

/// How many hash buckets [`KeyStarts`] has: a power of two.
const KEY_BUCKETS: usize = 512;

/// Which keys ([`NameWords`]: words of names and readings, plain or with
/// long vowels folded) start a certain way, as a bit-sliced signature like
/// [`Grams`], one bit per key: the bigrams of each key's first
/// four characters, and its first and third character (each with its
/// place). A key within one edit of a word `w` of three or more
/// characters, or starting with such a key, has one of `w0w1`, `w1w2`,
/// `w0w2` or `w2w3` among those bigrams, or (three characters, the middle
/// one changed) `w0` first and `w2` third; see
/// [`may_be_near`](KeyStarts::may_be_near). Far sharper than the grams of
/// the whole text, where `かな` is in nearly every item.
#[derive(Debug, Clone, Default)]
struct KeyStarts {
    words: usize,
    bits: Vec<u64>,
}

fn key_bigram(a: char, b: char) -> usize {
    bigram(a, b) & (KEY_BUCKETS - 1)
}

fn key_unigram(at: u32, c: char) -> usize {
    mix((c as u32) ^ (at.wrapping_add(1)).wrapping_mul(0x2545_F491)) & (KEY_BUCKETS - 1)
}

impl KeyStarts {
    fn new(items: usize) -> KeyStarts {
        let words = items.div_ceil(64);
        KeyStarts {
            words,
            bits: vec![0; KEY_BUCKETS * words],
        }
    }

    fn add(&mut self, i: usize, key: &str) {
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        let row = &mut self.bits[word * KEY_BUCKETS..(word + 1) * KEY_BUCKETS];
        let mut prev = None;
        for (at, c) in key.chars().take(4).enumerate() {
            if at == 0 || at == 2 {
                row[key_unigram(at as u32, c)] |= bit;
            }
            if let Some(p) = prev {
                row[key_bigram(p, c)] |= bit;
            }
            prev = Some(c);
        }
    }

    /// ORs into `out` the keys that may be one edit from `word` (at least
    /// three characters) or start with such a key.
    fn may_be_near(&self, word: &str, out: &mut [u64]) {
        let mut c = word.chars();
        let (Some(w0), Some(w1), Some(w2)) = (c.next(), c.next(), c.next()) else {
            return;
        };
        let w3 = c.next();
        let mut any = [
            Some(key_bigram(w0, w1)),
            Some(key_bigram(w1, w2)),
            Some(key_bigram(w0, w2)),
            w3.map(|w3| key_bigram(w2, w3)),
        ];
        // Each bucket once.
        for k in 1..any.len() {
            if any[..k].contains(&any[k]) {
                any[k] = None;
            }
        }
        let both = (w3.is_none()).then(|| (key_unigram(0, w0), key_unigram(2, w2)));
        for (o, row) in out.iter_mut().zip(self.bits.chunks_exact(KEY_BUCKETS)) {
            let mut bits = 0;
            for b in any.iter().flatten() {
                bits |= row[*b];
            }
            if let Some((a, b)) = both {
                bits |= row[a] & row[b];
            }
            *o |= bits;
        }
    }
}

/// What [`name_words`] splits on: characters [`normalize`] drops.
fn splits_name(c: char) -> bool {
    let ascii = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{FF61}'..='\u{FF65}' | '\u{3000}' => return true,
        _ => c,
    };
    is_dropped(ascii)
}

fn is_kanji(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '々' | '〆')
}

/// The words of a name a typo can be near: the runs of kana, Latin
/// letters and digits between kanji and the marks [`normalize`] drops,
/// as given and normalised (`ポレポレ` of `…センター「ポレポレ」`), at least
/// two characters long.
fn name_words(name: &str) -> impl Iterator<Item = (&str, String)> {
    name.split(|c: char| splits_name(c) || is_kanji(c))
        .filter(|w| w.chars().nth(1).is_some())
        .map(|w| (w, normalize(w)))
        .filter(|(_, n)| n.chars().nth(1).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::GroupKind;
    use proptest::prelude::*;

    /// The order as first written: items with a total, in base order,
    /// stably sorted by total.
    fn ranked_by_sorting(index: &SearchIndex, query: &str) -> Vec<usize> {
        let words = query_words(query);
        if words.is_empty() {
            return index.order.clone();
        }
        let (totals, _) = index.totals(&words);
        by_total(index, &totals)
    }

    /// The items with a total (not 0), in base order, stably sorted by
    /// total, highest first.
    fn by_total(index: &SearchIndex, totals: &[u16]) -> Vec<usize> {
        let mut hits: Vec<usize> = index
            .order
            .iter()
            .copied()
            .filter(|&i| totals[i] > 0)
            .collect();
        hits.sort_by(|&a, &b| totals[b].cmp(&totals[a]));
        hits
    }

    #[test]
    fn the_base_order_alone_is_the_order_of_an_empty_query() {
        let mut groups = crate::synthetic::groups(500, 41);
        // Ties on the key (same reading), readings that normalise to
        // nothing, and no reading at all.
        groups[1].reading = groups[0].reading.clone();
        groups[2].reading = Some("・".into());
        groups[3].reading = None;
        let index = SearchIndex::new(&groups);
        assert_eq!(base_order(&groups), index.search(""));
        assert_eq!(base_order(&groups), index.search(" 　"));
        assert!(base_order::<Group>(&[]).is_empty());
    }

    /// The hits of `query` from every item scored in turn (no grams, no
    /// bit tables): every word must score, totals add up, ties keep the
    /// base order.
    fn ranked_by_scoring_every_item(index: &SearchIndex, query: &str) -> Vec<usize> {
        let words = query_words(query);
        if words.is_empty() {
            return index.order.clone();
        }
        let totals: Vec<u16> = (0..index.len())
            .map(|i| {
                words
                    .iter()
                    .try_fold(0u16, |sum, vs| {
                        let best = vs.iter().map(|v| index.score(i, v)).max().unwrap_or(0);
                        (best > 0).then_some(sum + u16::from(best))
                    })
                    .unwrap_or(0)
            })
            .collect();
        by_total(index, &totals)
    }

    #[test]
    fn the_grams_leave_out_no_match() {
        // Romaji words are matched in the plain texts' grams or the folded
        // texts' (kept apart since the folded ones are made lazily).
        let groups = crate::synthetic::groups(300, 31);
        let index = SearchIndex::new(&groups);
        let mut queries = crate::synthetic::keystroke_queries(&groups, 120, 32);
        queries.extend(crate::synthetic::romaji_and_typo_queries(&groups, 120, 33));
        queries.extend(
            [
                "porepore", "ka", "kan", "too", "toukyou", "o-", "supo-tsu", "ー", "te",
            ]
            .map(str::to_owned),
        );
        let mut romaji_hits = 0;
        for q in &queries {
            let found = index.search(q);
            if q.bytes().any(|b| b.is_ascii_alphabetic()) {
                romaji_hits += found.len();
            }
            assert_eq!(found, ranked_by_scoring_every_item(&index, q), "{q:?}");
        }
        assert!(
            romaji_hits > 100,
            "romaji words find something: {romaji_hits}"
        );
    }

    #[test]
    fn only_a_word_read_as_romaji_makes_the_folded_texts() {
        let seed: crate::directory::DirectorySeed =
            serde_json::from_str(include_str!("../../data/groups.json")).expect("seed parses");
        let groups = seed.groups;
        let index = SearchIndex::new(&groups);
        for q in [
            "ぽれぽれ",
            "ポレポレ",
            "子育て",
            "か",
            "ー",
            "ぽろぽれ",
            "こーひー",
            "123",
        ] {
            let found = index.search(q);
            let _ = index.suggest_beside(q, &found, 3);
        }
        assert!(
            index.sounds.get().is_none(),
            "kana, kanji and digits need no folding"
        );
        let porepore = index.search("porepore");
        assert!(index.sounds.get().is_some(), "a romaji word folds");
        assert_eq!(porepore, index.search("ぽれぽれ"));
        assert!(!porepore.is_empty());
    }

    #[test]
    fn one_pass_per_field_scores_like_a_search_per_item() {
        let groups = crate::synthetic::groups(400, 21);
        let index = SearchIndex::new(&groups);
        let mut queries = crate::synthetic::keystroke_queries(&groups, 200, 22);
        queries.extend(crate::synthetic::romaji_and_typo_queries(&groups, 100, 23));
        queries.extend(["の", "i", "ka", "kan", "ー", "o", "te"].map(str::to_owned));
        for q in &queries {
            for word in q.split_whitespace() {
                // Several variants in turn, as `totals` raises them.
                let vs = variants(word);
                let mut scanned = vec![0u8; index.len()];
                let all = vec![!0u64; index.len().div_ceil(64)];
                for v in &vs {
                    index.scan(v, &mut scanned, &all);
                }
                let each: Vec<u8> = (0..index.len())
                    .map(|i| vs.iter().map(|v| index.score(i, v)).max().unwrap_or(0))
                    .collect();
                assert_eq!(scanned, each, "{word:?}");
            }
        }
    }

    #[test]
    fn one_char_bits_score_like_a_search_per_item() {
        let mut groups = crate::synthetic::groups(400, 31);
        groups.extend(demo_groups());
        groups.push(group("one", "か", None, "a"));
        groups.push(group("two", "ん", Some("か"), "ー"));
        let mut read = group("three", "珈琲ーかふぇ", Some("こーひーかふぇ"), "珈琲 かん");
        read.body_reading = "こーひー\nきっさ".to_owned();
        groups.push(read);
        // Folding long vowels drops, changes and joins characters: a name
        // that folds to one character (`ああ` → `あ`), `を` → `お`, `づ` → `ず`,
        // a leading `ー`, a body folded where it has no reading.
        groups.push(group("four", "ああ", Some("をーい"), "とうきょう づつ"));
        groups.push(group("five", "ーおう", Some("ぢ"), "いい"));
        // Names and readings of `ー` alone fold to nothing.
        groups.push(group("seven", "ー", Some("ーー"), "ーあ"));
        let mut folded = group("six", "うう", None, "会");
        folded.body_reading = "かあ\nおお".to_owned();
        groups.push(folded);
        let index = SearchIndex::new(&groups);
        let all = vec![!0u64; index.len().div_ceil(64)];
        let chars = ('\u{3040}'..='\u{30FF}').chain(' '..='\u{7f}');
        for c in chars {
            let word = c.to_string();
            let mut vs: Vec<Variant> = variants(&word).into_iter().filter(|v| !v.sounds).collect();
            // As if read from romaji (matched against the folded fields).
            if !word.trim().is_empty() {
                vs.push(Variant {
                    finder: Finder::new(word.as_bytes()).into_owned(),
                    sounds: true,
                });
            }
            for v in &vs {
                let mut fast = vec![0u8; index.len()];
                let answered = index.one_char(v, &mut fast, &all);
                assert!(answered, "{word:?}");
                let each: Vec<u8> = (0..index.len()).map(|i| index.score(i, v)).collect();
                assert_eq!(fast, each, "{word:?} {}", v.sounds);
            }
        }
        // Not for more than one character or a kanji.
        for (word, sounds) in [("かな", false), ("会", false), ("kan", true)] {
            let vs = variants(word);
            let v = vs.iter().find(|v| v.sounds == sounds).expect(word);
            assert!(
                !index.one_char(v, &mut vec![0; index.len()], &all),
                "{word:?}"
            );
        }
    }

    #[test]
    fn hits_keep_the_order_of_a_stable_sort_by_total() {
        let groups = crate::synthetic::groups(600, 11);
        let index = SearchIndex::new(&groups);
        let mut queries = crate::synthetic::keystroke_queries(&groups, 300, 12);
        queries.extend(crate::synthetic::romaji_and_typo_queries(&groups, 100, 13));
        queries.extend(["の", "i", "か し", "ka", ""].map(str::to_owned));
        let mut many = 0;
        for q in &queries {
            let found = index.search(q);
            many += usize::from(found.len() * 16 >= groups.len());
            assert_eq!(found, ranked_by_sorting(&index, q), "{q:?}");
        }
        // Small and large sets of hits are both checked.
        assert!(many > 10 && many < queries.len() - 10, "{many}");
    }

    fn group(id: &str, name: &str, reading: Option<&str>, description: &str) -> Group {
        Group {
            id: id.to_owned(),
            name: name.to_owned(),
            reading: reading.map(str::to_owned),
            kind: GroupKind::Civic,
            description: description.to_owned(),
            activities: Vec::new(),
            registrations: Vec::new(),
            programs: Vec::new(),
            contacts: Vec::new(),
            body_reading: String::new(),
        }
    }

    fn sample() -> Vec<Group> {
        vec![
            group(
                "porepore",
                "特定非営利活動法人地域支援センター「ポレポレ」",
                Some("ちいきしえんせんたーぽれぽれ"),
                "子どもと家族の居場所づくり。",
            ),
            group(
                "tips",
                "ピアサポートセッション「Tips」",
                None,
                "学生同士で悩みを話し合う場。",
            ),
            group(
                "kenrokuen",
                "金沢城・兼六園研究会",
                Some("かなざわじょうけんろくえんけんきゅうかい"),
                "城と庭園の歴史を学ぶ。",
            ),
            group(
                "saigawa",
                "犀川防災ネットワーク",
                Some("さいがわぼうさいねっとわーく"),
                "ポレポレと連携して防災訓練を行う。",
            ),
        ]
    }

    fn names<'a>(groups: &'a [Group], hits: &[usize]) -> Vec<&'a str> {
        hits.iter().map(|&i| groups[i].id.as_str()).collect()
    }

    #[test]
    fn normalize_laws() {
        assert_eq!(normalize("ぽれぽれ"), "ぽれぽれ");
        assert_eq!(normalize("ポレポレ"), "ぽれぽれ");
        assert_eq!(normalize("ﾎﾟﾚﾎﾟﾚ"), "ぽれぽれ");
        assert_eq!(normalize("ｔｉｐｓ"), normalize("Tips"));
        assert_eq!(normalize("Tips"), "tips");
        assert_eq!(normalize("金沢城・兼六園"), "金沢城兼六園");
        assert_eq!(normalize("「ポレポレ」（NPO）"), "ぽれぽれnpo");
        assert_eq!(normalize("サポート　センター"), "さぽーとせんたー");
        assert_eq!(normalize("ヴァイオリン"), "ゔぁいおりん");
        assert_eq!(normalize("ヽヾ"), "ゝゞ");
        assert_eq!(normalize("ｰ"), "ー");
        assert_eq!(normalize("子育て～ネット-ワーク〜"), "子育てねっとわーく");
        assert_eq!(normalize(""), "");
        // Dropping the dot brings the mark next to か: they compose.
        assert_eq!(normalize("か・\u{3099}"), "が");
        assert_eq!(normalize("ｶﾞｯｺｳ"), "がっこう");
    }

    #[test]
    fn examples_find_their_groups() {
        let g = sample();
        let index = SearchIndex::new(&g);
        assert_eq!(names(&g, &index.search("ぽれぽれ"))[0], "porepore");
        assert_eq!(names(&g, &index.search("ﾎﾟﾚﾎﾟﾚ"))[0], "porepore");
        assert_eq!(names(&g, &index.search("ｔｉｐｓ")), ["tips"]);
        assert_eq!(names(&g, &index.search("かなざわじょう")), ["kenrokuen"]);
        assert_eq!(names(&g, &index.search("カナザワジョウ")), ["kenrokuen"]);
        assert_eq!(names(&g, &index.search("金沢城兼六園")), ["kenrokuen"]);
    }

    #[test]
    fn name_match_ranks_above_description_match() {
        let g = sample();
        let index = SearchIndex::new(&g);
        // saigawa mentions ポレポレ only in its description.
        assert_eq!(
            names(&g, &index.search("ポレポレ")),
            ["porepore", "saigawa"]
        );
    }

    #[test]
    fn tiers_in_order() {
        let g = vec![
            group("body", "あ", None, "かなざわ"),
            group("reading-contains", "い", Some("きたかなざわ"), ""),
            group("reading-starts", "う", Some("かなざわし"), ""),
            group("name-contains", "北金沢", Some("きたかなざわ"), ""),
            group("name-starts", "金沢市", None, ""),
            group("name-equals", "金沢", None, ""),
        ];
        let index = SearchIndex::new(&g);
        assert_eq!(
            names(&g, &index.search("金沢")),
            ["name-equals", "name-starts", "name-contains"]
        );
        assert_eq!(
            names(&g, &index.search("かなざわ")),
            [
                "reading-starts",
                "name-contains",
                "reading-contains",
                "body"
            ]
            .into_iter()
            // name-contains and reading-contains share a reading tier;
            // ties go by reading (きたかなざわ) then id.
            .collect::<Vec<_>>()
        );
    }

    #[test]
    fn several_words_must_all_match() {
        let g = sample();
        let index = SearchIndex::new(&g);
        assert_eq!(names(&g, &index.search("犀川 防災")), ["saigawa"]);
        assert_eq!(names(&g, &index.search("ぽれぽれ　防災")), ["saigawa"]);
        assert!(index.search("犀川 ぽれぽれ ない").is_empty());
    }

    #[test]
    fn empty_query_returns_all_in_base_order() {
        let g = sample();
        let index = SearchIndex::new(&g);
        // Readings (or names): かなざわ…, さいがわ…, ちいき…, ぴあさぽーと…
        let base = ["kenrokuen", "saigawa", "porepore", "tips"];
        assert_eq!(names(&g, &index.search("")), base);
        assert_eq!(names(&g, &index.search("  ・ ")), base);
        assert!(SearchIndex::new::<Group>(&[]).search("か").is_empty());
        assert!(SearchIndex::new::<Group>(&[]).search("").is_empty());
    }

    #[test]
    fn body_includes_activities_and_kind() {
        let mut g = sample();
        g[1].activities.push("オンライン相談".to_owned());
        g[2].kind = GroupKind::Npo;
        let index = SearchIndex::new(&g);
        assert_eq!(names(&g, &index.search("おんらいん")), ["tips"]);
        assert_eq!(names(&g, &index.search("npo法人")), ["kenrokuen"]);
        // No match across the line between description and activity.
        assert!(index.search("場おんらいん").is_empty());
    }

    #[test]
    fn synthetic_names_are_found_by_their_prefixes() {
        let g = crate::synthetic::groups(500, 11);
        let index = SearchIndex::new(&g);
        for (i, group) in g.iter().enumerate() {
            let hits = index.search(&group.name);
            assert!(hits.contains(&i), "{}", group.name);
            assert!(hits[0] == i || index.normalized_name(hits[0]) == index.normalized_name(i));
        }
        for q in crate::synthetic::keystroke_queries(&g, 500, 12) {
            assert!(!index.search(&q).is_empty(), "{q}");
        }
    }

    #[test]
    fn seed_data_examples() {
        let seed: crate::directory::DirectorySeed =
            serde_json::from_str(include_str!("../../data/groups.json")).expect("seed parses");
        let g = seed.groups;
        let index = SearchIndex::new(&g);
        let top = |q: &str| {
            let hits = index.search(q);
            hits.first().map(|&i| g[i].name.clone()).unwrap_or_default()
        };
        assert_eq!(
            top("ぽれぽれ"),
            "特定非営利活動法人地域支援センター「ポレポレ」"
        );
        assert_eq!(
            top("ﾎﾟﾚﾎﾟﾚ"),
            "特定非営利活動法人地域支援センター「ポレポレ」"
        );
        assert_eq!(top("ｔｉｐｓ"), "ピアサポートセッション「Tips」");
        assert_eq!(top("かなざわじょう"), "金沢城・兼六園研究会");
        assert_eq!(index.search("").len(), g.len());
    }

    fn demo_groups() -> Vec<Group> {
        let seed: crate::directory::DirectorySeed =
            serde_json::from_str(include_str!("../../data/groups.json")).expect("seed parses");
        seed.groups
    }

    /// What residents type, in every script, and the group each must
    /// rank first in the demo directory (`data/groups.json`).
    #[test]
    fn demo_data_queries_rank_their_group_first() {
        let g = demo_groups();
        let index = SearchIndex::new(&g);
        for (query, first) in [
            // kana, katakana, half width
            ("ぽれぽれ", "porepore"),
            ("ポレポレ", "porepore"),
            ("ﾎﾟﾚﾎﾟﾚ", "porepore"),
            ("けんろくえん", "kanazawajo-kenrokuen"),
            ("ｹﾝﾛｸｴﾝ", "kanazawajo-kenrokuen"),
            ("しじま", "shijima-kizuna-chokai"),
            ("ﾀﾞﾝｽ", "dance-well-ishikawa"),
            ("ｔｉｐｓ", "peer-support-tips"),
            ("tips", "peer-support-tips"),
            ("四十万", "shijima-kizuna-chokai"),
            // romaji: Hepburn, kunrei, keyboards, long vowels, partial
            ("porepore", "porepore"),
            ("PorePore", "porepore"),
            ("ｐｏｒｅｐｏｒｅ", "porepore"),
            ("porep", "porepore"),
            ("porepo", "porepore"),
            ("shijima", "shijima-kizuna-chokai"),
            ("sijima", "shijima-kizuna-chokai"),
            ("kenrokuen", "kanazawajo-kenrokuen"),
            ("kenroku", "kanazawajo-kenrokuen"),
            ("kanazawajo", "kanazawajo-kenrokuen"),
            ("kanazawajou", "kanazawajo-kenrokuen"),
            ("kanazawajō", "kanazawajo-kenrokuen"),
            ("kyodo", "kyodo-shimin-kaigi"),
            ("kyoudou", "kyodo-shimin-kaigi"),
            ("shinmama", "shinmama-oendan"),
            ("sinmama", "shinmama-oendan"),
            ("makkiyama", "makkiyama"),
            ("sakuranbo", "sakuranbo-smile"),
            ("sakurambo", "sakuranbo-smile"),
            ("tsunagawa", "tsunagawa"),
            ("tunagawa", "tsunagawa"),
            ("hiina", "hiina-action"),
            ("suzumidai", "suzumidai-5"),
            ("sabaibu", "kanazawa-sabaibu"),
            // `v` reads as ゔ (`navi` is not ナビ): the reading finds it.
            ("shinguru nabi", "single-navi"),
            ("shingurunabi", "single-navi"),
            ("ha-tokipa-", "heart-keeper"),
            ("haatokiipaa", "heart-keeper"),
            ("bokuno", "boku-no-purin"),
        ] {
            let hits = index.search(query);
            let top = hits.first().map(|&i| g[i].id.as_str());
            assert_eq!(top, Some(first), "{query}");
        }
        // Latin text still matches as typed.
        assert_eq!(g[index.search("npo")[0]].id, "hiina-action");
        assert!(index.search("zzqx").is_empty());
    }

    #[test]
    fn demo_data_typos_suggest_the_name() {
        let g = demo_groups();
        let index = SearchIndex::new(&g);
        for (query, text, id) in [
            ("ぽれぽら", "ポレポレ", "porepore"),
            ("ぼれぽれ", "ポレポレ", "porepore"),
            ("ぽれれぽ", "ポレポレ", "porepore"),
            ("porepora", "ポレポレ", "porepore"),
            ("しじみ", "しじま", "shijima-kizuna-chokai"),
            ("さくらんぽ", "さくらんぼすまいる", "sakuranbo-smile"),
            ("ぼくのぶりん", "ぼくのプリン", "boku-no-purin"),
            ("しんぐるなぴ", "シングルナビ", "single-navi"),
        ] {
            assert!(index.search(query).len() < 3, "{query}");
            let s = index.suggest(query, 3);
            let first = s.first().map(|s| (s.text.as_str(), g[s.item].id.as_str()));
            assert_eq!(first, Some((text, id)), "{query}: {s:?}");
            for s in &s {
                assert!(index.search(&s.text).contains(&s.item), "{query}: {s:?}");
            }
        }
        // Voicing is nearer than another change.
        assert_eq!(index.suggest("ぽれぽら", 1).len(), 1);
        assert!(index.suggest("ぽれ", 3).is_empty());
        assert!(
            index
                .suggest("ぽれぽれ", 3)
                .iter()
                .all(|s| g[s.item].id != "porepore")
        );
    }

    #[test]
    fn body_readings_find_kanji_words() {
        let mut g = sample();
        g[3].description = "子育て支援と防災。".to_owned();
        g[3].body_reading = "こそだてしえんとぼうさい。".to_owned();
        g.push(group("kosodate", "こそだてネット", None, ""));
        let index = SearchIndex::new(&g);
        // The name hit ranks above the body reading's.
        assert_eq!(
            names(&g, &index.search("こそだて")),
            ["kosodate", "saigawa"]
        );
        assert_eq!(
            names(&g, &index.search("kosodate")),
            ["kosodate", "saigawa"]
        );
        assert_eq!(names(&g, &index.search("kosodat")), ["kosodate", "saigawa"]);
        assert_eq!(names(&g, &index.search("bousai")), ["saigawa"]);
        assert_eq!(names(&g, &index.search("bosai")), ["saigawa"]);
        assert_eq!(names(&g, &index.search("しえん")), ["porepore", "saigawa"]);
    }

    #[test]
    fn events_are_searched_the_same_way() {
        let mut e = crate::synthetic::events(50, 3, &[]);
        e[7].title = "子育てひろば「ポレポレ」".to_owned();
        e[7].body_reading = "こそだて".to_owned();
        let index = SearchIndex::new(&e);
        assert_eq!(index.search("porepore").first(), Some(&7));
        assert!(index.search("kosodate").contains(&7));
        let s = index.suggest("porepora", 3);
        assert_eq!(
            s.first().map(|s| (s.text.as_str(), s.item)),
            Some(("ポレポレ", 7))
        );
    }

    /// The words of a name ([`name_words`]), normalised, separated by
    /// [`KEY_SEP`]; and with long vowels folded (empty where that changes
    /// nothing): the keys of one item as the first version kept them.
    fn joined_name_words(name: &str) -> (String, String) {
        let mut keys = String::new();
        for (_, word) in name_words(name) {
            if !keys.is_empty() {
                keys.push(KEY_SEP);
            }
            keys.push_str(&word);
        }
        let folded = fold_long_vowels(&keys);
        let folded = if folded == keys {
            String::new()
        } else {
            folded
        };
        (keys, folded)
    }

    /// The suggestions as the first version computed them (every item a
    /// candidate, every key compared, one sort): what the pruned
    /// [`SearchIndex::suggest`] must equal.
    fn suggest_reference(index: &SearchIndex, query: &str, max: usize) -> Vec<Suggestion> {
        let Some(word) = query.split_whitespace().last() else {
            return Vec::new();
        };
        let word = variants(word);
        let word: Vec<&Variant> = word
            .iter()
            .filter(|v| v.text().chars().count() >= 3)
            .collect();
        if word.is_empty() || max == 0 {
            return Vec::new();
        }
        let mut found = vec![false; index.len()];
        for i in index.search(query) {
            found[i] = true;
        }
        let rank = &index.rank;
        let heads: Vec<(Option<char>, Option<char>)> = word
            .iter()
            .map(|v| {
                let mut c = v.text().chars();
                (c.next(), c.next())
            })
            .collect();
        // (cost, 0 for a whole key or 1 for its start, rank, item, key,
        // bytes of the key matched); the key `usize::MAX` is the reading.
        type Near = (u8, u8, u32, usize, usize, usize);
        let mut near: Vec<Near> = Vec::new();
        let any_sounds = word.iter().any(|v| v.sounds);
        let candidates = vec![!0u64; index.grams.words];
        let items = candidates.iter().enumerate().flat_map(|(k, &bits)| {
            let mut bits = bits;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let i = k * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    i
                })
            })
        });
        for i in items {
            if i >= index.len() || found[i] {
                continue;
            }
            let (keys, folded) = joined_name_words(index.raw_names.get(i));
            let keys = keys.as_str();
            let reading = index.readings.get(i);
            let (sound_keys, sound_reading) = if any_sounds {
                (folded.as_str(), index.folded().readings.get(i))
            } else {
                ("", "")
            };
            let mut best: Option<Near> = None;
            let mut consider = |v: usize, key: usize, text: &str, unfold: Option<&str>| {
                let (w0, w1) = heads[v];
                let mut k = text.chars();
                let (k0, k1) = (k.next(), k.next());
                // One edit keeps the first or the second character in
                // one of the first two places.
                if !(k0 == w0 || k0 == w1 || k1 == w0 || k1 == w1) {
                    return;
                }
                if let Some((cost, start, mut len)) = closeness(word[v].text(), text) {
                    if let Some(plain) = unfold {
                        len = unfolded_prefix(plain, text[..len].chars().count()).len();
                    }
                    let c = (cost, start, rank[i], i, key, len);
                    if best.is_none_or(|b| (c.0, c.1) < (b.0, b.1)) {
                        best = Some(c);
                    }
                }
            };
            let mut sounds = sound_keys.split(KEY_SEP).filter(|_| !sound_keys.is_empty());
            for (k, key) in keys.split(KEY_SEP).enumerate().filter(|_| !keys.is_empty()) {
                let sound = sounds.next().filter(|s| !s.is_empty()).unwrap_or(key);
                for (v, variant) in word.iter().enumerate() {
                    consider(v, k, if variant.sounds { sound } else { key }, None);
                }
            }
            for (v, variant) in word.iter().enumerate() {
                if variant.sounds {
                    let sound = or_plain(sound_reading, reading);
                    consider(v, usize::MAX, sound, Some(reading));
                } else {
                    consider(v, usize::MAX, reading, None);
                }
            }
            near.extend(best);
        }
        crate::sort::sort_by(&mut near, |a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
        let mut out: Vec<Suggestion> = Vec::new();
        for (_, _, _, item, key, len) in near {
            if out.len() == max {
                break;
            }
            let text = if key == usize::MAX {
                index.readings.get(item)[..len].to_owned()
            } else {
                match name_words(index.raw_names.get(item)).nth(key) {
                    Some((raw, _)) => raw.to_owned(),
                    None => continue,
                }
            };
            // Normalising a word alone can differ from normalising it
            // inside the name (a combining mark after a dropped `・`):
            // keep only what provably finds the item. One item per text.
            let finds = variants(&text).iter().any(|v| index.score(item, v) > 0);
            if finds
                && !text.chars().any(char::is_whitespace)
                && !out.iter().any(|s| s.text == text)
            {
                out.push(Suggestion { text, item });
            }
        }
        out
    }

    #[test]
    fn key_starts_leave_out_no_suggestion() {
        let groups = crate::synthetic::groups(2_000, 5);
        let index = SearchIndex::new(&groups);
        let mut queries = crate::synthetic::romaji_and_typo_queries(&groups, 400, 6);
        queries.extend(crate::synthetic::keystroke_queries(&groups, 200, 7));
        let mut some = 0;
        for q in &queries {
            let fast = index.suggest(q, 3);
            some += usize::from(!fast.is_empty());
            assert_eq!(
                fast,
                index.suggest_among(q, &index.search(q), 3, true),
                "{q:?}"
            );
            assert_eq!(fast, suggest_reference(&index, q, 3), "{q:?}");
        }
        assert!(some > 50, "only {some} queries had suggestions");
    }

    proptest! {
        #[test]
        fn the_one_edit_filter_keeps_every_near_key(
            w in "[かきくがぱつっゆんろー]{3,8}",
            key in "[かきくがぱつっゆんろー]{1,10}",
        ) {
            if closeness(&w, &key).is_some() {
                let chars: Vec<char> = w.chars().collect();
                let k: Vec<char> = key.chars().take(chars.len() + 1).collect();
                prop_assert!(may_be_one_edit(&chars, &k));
            }
        }

        #[test]
        fn the_one_edit_filter_keeps_every_edited_key(
            w in "[かきくがぱつっゆんろー]{3,8}",
            op in 0usize..4,
            at in 0usize..8,
            c in "[かきがぱつゆー]",
            tail in "[かきがぱー]{0,3}",
        ) {
            let mut k: Vec<char> = w.chars().collect();
            let at = at % k.len();
            let c = c.chars().next().unwrap_or('か');
            match op {
                0 => k[at] = c,
                1 => { k.remove(at); }
                2 => k.insert(at, c),
                _ => {
                    let next = (at + 1) % k.len();
                    k.swap(at, next);
                }
            }
            let key: String = k.into_iter().collect::<String>() + &tail;
            if closeness(&w, &key).is_some() {
                let chars: Vec<char> = w.chars().collect();
                let k: Vec<char> = key.chars().take(chars.len() + 1).collect();
                prop_assert!(may_be_one_edit(&chars, &k), "{} {}", w, key);
            }
        }
    }

    #[test]
    fn one_edit_costs() {
        assert_eq!(one_edit("ぽれぽら", "ぽれぽれ"), Some(2));
        assert_eq!(one_edit("ぼれぽれ", "ぽれぽれ"), Some(1));
        assert_eq!(one_edit("きつて", "きって"), Some(1));
        assert_eq!(one_edit("ぽれれぽ", "ぽれぽれ"), Some(2));
        assert_eq!(one_edit("ぽれぽ", "ぽれぽれ"), Some(2));
        assert_eq!(one_edit("ぽれぽれれ", "ぽれぽれ"), Some(2));
        assert_eq!(one_edit("ぽれぽれ", "ぽれぽれ"), None);
        assert_eq!(one_edit("ぽらぽら", "ぽれぽれ"), None);
        assert_eq!(plain_kana('ぱ'), 'は');
        assert_eq!(plain_kana('ぼ'), 'ほ');
        assert_eq!(plain_kana('ど'), 'と');
        assert_eq!(plain_kana('ぢ'), 'ち');
        assert_eq!(plain_kana('ゃ'), 'や');
        assert_eq!(plain_kana('ん'), 'ん');
    }

    /// Strings mixing the scripts and marks that normalisation touches.
    fn mixed() -> impl Strategy<Value = String> {
        "[ぁ-ゖァ-ヶｦ-ﾟa-zA-Zａ-ｚＡ-Ｚ0-9金沢城兼六園・「」（）()ー〜～ 　\u{3099}\u{309A}゛゜ヽヾ.,、。-]{0,16}"
    }

    fn arb_groups() -> impl Strategy<Value = Vec<Group>> {
        prop::collection::vec((mixed(), prop::option::of(mixed()), mixed()), 0..12).prop_map(
            |rows| {
                rows.into_iter()
                    .enumerate()
                    .map(|(i, (name, reading, description))| {
                        group(&format!("g{i}"), &name, reading.as_deref(), &description)
                    })
                    .collect()
            },
        )
    }

    proptest! {
        #[test]
        fn normalize_is_idempotent(s in mixed()) {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once);
        }

        #[test]
        fn normalize_is_idempotent_on_any_text(s in any::<String>()) {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once);
        }

        #[test]
        fn katakana_equals_hiragana(s in "[ぁ-ゖゝゞー]{0,16}") {
            let katakana: String = s
                .chars()
                .map(|c| match c {
                    'ー' => c,
                    _ => char::from_u32(c as u32 + 0x60).unwrap_or(c),
                })
                .collect();
            prop_assert_eq!(normalize(&katakana), normalize(&s));
        }

        #[test]
        fn results_are_distinct_valid_indexes(g in arb_groups(), q in mixed()) {
            let hits = SearchIndex::new(&g).search(&q);
            let mut seen = vec![false; g.len()];
            for &i in &hits {
                prop_assert!(i < g.len());
                prop_assert!(!seen[i]);
                seen[i] = true;
            }
        }

        #[test]
        fn every_name_containing_the_word_is_found(
            g in arb_groups(),
            q in "[ぁ-ゖァ-ヶｦ-ﾟa-zＡ-Ｚ金沢・ー]{1,3}",
        ) {
            let word = normalize(&q);
            let hits = SearchIndex::new(&g).search(&q);
            for (i, group) in g.iter().enumerate() {
                if normalize(&group.name).contains(&word) {
                    prop_assert!(hits.contains(&i), "{} / {}", group.name, q);
                }
            }
        }

        #[test]
        fn suggestions_equal_the_reference(g in arb_groups(), q in mixed(), max in 1usize..5) {
            let index = SearchIndex::new(&g);
            prop_assert_eq!(index.suggest(&q, max), suggest_reference(&index, &q, max), "{}", q);
        }

        /// Many keys sharing their start (suggest compares a start once
        /// for the keys after it) and items sharing keys.
        #[test]
        fn suggestions_over_keys_that_start_alike_equal_the_reference(
            rows in prop::collection::vec(
                (
                    "[かがきつっーカ]{1,6}[金・]?[かがきつっーカ]{0,6}",
                    prop::option::of("[かがきつっー]{2,9}"),
                ),
                1..40,
            ),
            q in "[かがきつっー]{3,7}|[kagitu]{3,8}",
            max in 1usize..5,
        ) {
            let g: Vec<Group> = rows
                .iter()
                .enumerate()
                .map(|(i, (name, reading))| group(&format!("g{i}"), name, reading.as_deref(), ""))
                .collect();
            let index = SearchIndex::new(&g);
            prop_assert_eq!(index.suggest(&q, max), suggest_reference(&index, &q, max), "{}", q);
        }

        #[test]
        fn decode_at_reads_like_char_indices(s in any::<String>()) {
            let bytes = s.as_bytes();
            let mut at = 0;
            for (b, c) in s.char_indices() {
                prop_assert_eq!(at, b);
                let (got, next) = decode_at(bytes, at);
                prop_assert_eq!(got, Some(c));
                at = next;
            }
            prop_assert_eq!(decode_at(bytes, at), (None, at));
        }

        #[test]
        fn a_suggestion_finds_its_item(g in arb_groups(), q in mixed()) {
            let index = SearchIndex::new(&g);
            let suggestions = index.suggest(&q, 5);
            prop_assert!(suggestions.len() <= 5);
            for s in suggestions {
                prop_assert!(index.search(&s.text).contains(&s.item), "{:?} / {}", s, q);
            }
        }

        #[test]
        fn romaji_words_never_panic(g in arb_groups(), q in "[a-zA-Zāō' -]{0,12}") {
            let index = SearchIndex::new(&g);
            let hits = index.search(&q);
            prop_assert!(hits.iter().all(|&i| i < g.len()));
            let _ = index.suggest(&q, 3);
        }

        #[test]
        fn search_is_deterministic(g in arb_groups(), q in mixed()) {
            let a = SearchIndex::new(&g).search(&q);
            let b = SearchIndex::new(&g).search(&q);
            prop_assert_eq!(a, b);
        }
    }
}
