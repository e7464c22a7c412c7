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
use crate::width::fold_width;
use memchr::memmem::Finder;

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
    let mut out = normalize_once(s);
    // After one round only composition can change anything, and that needs
    // a combining mark; four rounds are more than any real text needs.
    for _ in 0..4 {
        if !out.contains(['\u{3099}', '\u{309A}']) {
            break;
        }
        let next = normalize_once(&out);
        if next == out {
            break;
        }
        out = next;
    }
    out
}

fn normalize_once(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in fold_width(s).chars() {
        for c in c.to_lowercase() {
            let c = fold_kana(c);
            if !is_dropped(c) {
                out.push(c);
            }
        }
    }
    out
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

/// Something [`SearchIndex`] can find: a group now, events later.
pub trait Searchable {
    /// The display name, matched with the highest weight.
    fn name(&self) -> &str;
    /// 読み仮名 (the reading in kana), if known.
    fn reading(&self) -> Option<&str>;
    /// Everything else worth matching (description, activities, labels).
    /// Each line is normalised on its own, so a word never matches across
    /// a line break.
    fn body(&self) -> String;
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
    fn id(&self) -> &str {
        &self.id
    }
}

/// Separates items (and lines of a body) inside a [`Field`]'s text.
/// [`normalize`] drops it, so neither a query word nor a match can span it.
const SEP: char = '\n';

/// One normalised field of every item, concatenated: item `i` is
/// `text[starts[i]..starts[i + 1] - 1]` (the `- 1` is the separator).
/// Scanning one long string is much cheaper per query than scanning ten
/// thousand short ones.
#[derive(Debug, Clone, Default)]
struct Field {
    text: String,
    starts: Vec<usize>,
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
        self.starts.push(self.text.len());
    }

    fn get(&self, i: usize) -> &str {
        &self.text[self.starts[i]..self.starts[i + 1] - SEP.len_utf8()]
    }

    /// Calls `hit(item, at_start, whole)` once for every item containing
    /// `word` (not empty, no [`SEP`]; UTF-8 is self-synchronising, so a
    /// byte match is a character match): `at_start` when
    /// the item starts with it, `whole` when the item equals it.
    fn each_match(&self, word: &Finder<'_>, mut hit: impl FnMut(usize, bool, bool)) {
        let text = self.text.as_bytes();
        let len = word.needle().len();
        let mut from = 0;
        let mut item = 0;
        while let Some(found) = text.get(from..).and_then(|rest| word.find(rest)) {
            let at = from + found;
            // The item whose range holds `at`. Matches come in order, so
            // walk forward (O(items) per field in all, no binary search).
            while self.starts[item + 1] <= at {
                item += 1;
            }
            let start = self.starts[item];
            let next = self.starts[item + 1];
            // The leftmost match in an item is found first, so a match at
            // the item's start is never skipped.
            let at_start = at == start;
            let whole = at_start && start + len + SEP.len_utf8() == next;
            hit(item, at_start, whole);
            // One hit per item is enough: go on at the next item.
            from = next;
            item += 1;
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
    pub const BODY_CONTAINS: u8 = 1;
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
    /// Item indexes in the base order: normalised reading (or name when
    /// there is no reading), then id, then index.
    order: Vec<usize>,
}

impl SearchIndex {
    /// Normalises every item's name, reading and body once.
    pub fn new<T: Searchable>(items: &[T]) -> SearchIndex {
        let n = items.len();
        let mut names = Field::with_capacity(n);
        let mut readings = Field::with_capacity(n);
        let mut bodies = Field::with_capacity(n);
        let mut body_line = String::new();
        for item in items {
            names.push(&normalize(item.name()));
            readings.push(&item.reading().map(normalize).unwrap_or_default());
            body_line.clear();
            for line in item.body().lines() {
                let line = normalize(line);
                if !line.is_empty() {
                    if !body_line.is_empty() {
                        body_line.push(SEP);
                    }
                    body_line.push_str(&line);
                }
            }
            bodies.push(&body_line);
        }

        let mut order: Vec<usize> = (0..n).collect();
        crate::sort::sort_indices(&mut order, &|a, b| {
            let key = |i: usize| {
                let reading = readings.get(i);
                if reading.is_empty() {
                    names.get(i)
                } else {
                    reading
                }
            };
            key(a)
                .cmp(key(b))
                .then_with(|| items[a].id().cmp(items[b].id()))
                .then(a.cmp(&b))
        });

        SearchIndex {
            names,
            readings,
            bodies,
            order,
        }
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

    /// Indexes (into the slice the index was built from) of the items
    /// matching `query`, best first.
    ///
    /// The query is split at white space and each word normalised; words
    /// that normalise to nothing (e.g. a lone `・`) are ignored. Every word
    /// must match the name, the reading or the body (AND). Each word scores
    /// its best tier — name equals (6) > name starts with (5) > name
    /// contains (4) > reading starts with (3) > reading contains (2) > body
    /// contains (1) — and the words' scores add up. Equal scores keep the
    /// base order (normalised reading or name, then id). A query with no
    /// words returns every item in the base order.
    pub fn search(&self, query: &str) -> Vec<usize> {
        let words: Vec<String> = query
            .split_whitespace()
            .map(normalize)
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return self.order.clone();
        }

        let n = self.len();
        // total[i] == 0: item i is out (some word did not match it).
        let mut total = vec![0u16; n];
        let mut best = vec![0u8; n];
        for (k, word) in words.iter().enumerate() {
            // Built once per word, reused over all three fields.
            let word = Finder::new(word.as_bytes());
            let word = &word;
            if k > 0 {
                best.fill(0);
            }
            let mut raise = |i: usize, score: u8| {
                if best[i] < score {
                    best[i] = score;
                }
            };
            self.bodies
                .each_match(word, |i, _, _| raise(i, tier::BODY_CONTAINS));
            self.readings.each_match(word, |i, at_start, _| {
                raise(
                    i,
                    if at_start {
                        tier::READING_STARTS
                    } else {
                        tier::READING_CONTAINS
                    },
                )
            });
            self.names.each_match(word, |i, at_start, whole| {
                raise(
                    i,
                    if whole {
                        tier::NAME_EQUALS
                    } else if at_start {
                        tier::NAME_STARTS
                    } else {
                        tier::NAME_CONTAINS
                    },
                )
            });
            for (t, &b) in total.iter_mut().zip(&best) {
                *t = if b == 0 || (k > 0 && *t == 0) {
                    0
                } else {
                    t.saturating_add(u16::from(b))
                };
            }
        }

        // Already in base order, so a stable sort by score alone keeps ties
        // in base order (and finds long runs: few distinct scores).
        let mut hits: Vec<usize> = self
            .order
            .iter()
            .copied()
            .filter(|&i| total[i] > 0)
            .collect();
        crate::sort::sort_indices(&mut hits, &|a, b| total[b].cmp(&total[a]));
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::GroupKind;
    use proptest::prelude::*;

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
        fn search_is_deterministic(g in arb_groups(), q in mixed()) {
            let a = SearchIndex::new(&g).search(&q);
            let b = SearchIndex::new(&g).search(&q);
            prop_assert_eq!(a, b);
        }
    }
}
