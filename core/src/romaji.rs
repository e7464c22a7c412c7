//! ローマ字 (romaji) → ひらがな for search words, and the long-vowel folding
//! that lets `tokyo`, `toukyou`, `tookyoo` and `tōkyō` meet `とうきょう`.
//!
//! People type Japanese in Latin letters in many ways: Hepburn (`shi`, `tsu`,
//! `chi`, `ji`, `fu`), kunrei (`si`, `tu`, `ti`, `zi`, `hu`), what phone and
//! PC keyboards accept (`nn`, `n'`, `xtu`, `lya`, `thi`), `っ` as a doubled
//! consonant (`kitte`, `matcha`), long vowels written out, left out or with
//! macrons (`ō`), and `-` for `ー`. [`to_hiragana`] reads all of them; a
//! syllable still being typed at the end (`porep`, `ky`, `sh`) is kept as the
//! kana it may become ([`Romaji::pending`]).
//!
//! Romaji loses the long vowels, so a romaji word is compared with text
//! folded by [`fold_long_vowels`] on both sides.
//!
//! A small table of rows (`k` → `かきくけこ`), no dictionary: a few hundred
//! bytes in the wasm.

/// A word read as romaji.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Romaji {
    /// The hiragana of the complete syllables.
    pub kana: String,
    /// When the word ends in a syllable still being typed (`p`, `ky`, `sh`,
    /// a final `n`): the kana it may become, none a prefix of another
    /// (`ぱぴぷぺぽ`; `し` rather than `しゃ しゅ しょ`). Empty when the word is
    /// complete.
    pub pending: Vec<&'static str>,
}

impl Romaji {
    /// The kana strings the word may stand for: `kana` followed by each
    /// pending syllable, or `kana` alone.
    pub fn variants(&self) -> Vec<String> {
        if self.pending.is_empty() {
            return vec![self.kana.clone()];
        }
        self.pending
            .iter()
            .map(|p| format!("{}{p}", self.kana))
            .collect()
    }
}

/// Consonant clusters and the kana they make before `a i u e o`.
const ROWS: &[(&str, [&str; 5])] = &[
    ("", ["あ", "い", "う", "え", "お"]),
    ("k", ["か", "き", "く", "け", "こ"]),
    ("s", ["さ", "し", "す", "せ", "そ"]),
    ("t", ["た", "ち", "つ", "て", "と"]),
    ("n", ["な", "に", "ぬ", "ね", "の"]),
    ("h", ["は", "ひ", "ふ", "へ", "ほ"]),
    ("m", ["ま", "み", "む", "め", "も"]),
    ("y", ["や", "い", "ゆ", "いぇ", "よ"]),
    ("r", ["ら", "り", "る", "れ", "ろ"]),
    ("w", ["わ", "うぃ", "う", "うぇ", "を"]),
    ("g", ["が", "ぎ", "ぐ", "げ", "ご"]),
    ("z", ["ざ", "じ", "ず", "ぜ", "ぞ"]),
    ("d", ["だ", "ぢ", "づ", "で", "ど"]),
    ("b", ["ば", "び", "ぶ", "べ", "ぼ"]),
    ("p", ["ぱ", "ぴ", "ぷ", "ぺ", "ぽ"]),
    ("j", ["じゃ", "じ", "じゅ", "じぇ", "じょ"]),
    ("f", ["ふぁ", "ふぃ", "ふ", "ふぇ", "ふぉ"]),
    ("v", ["ゔぁ", "ゔぃ", "ゔ", "ゔぇ", "ゔぉ"]),
    ("c", ["か", "し", "く", "せ", "こ"]),
    ("q", ["くぁ", "くぃ", "く", "くぇ", "くぉ"]),
    ("l", ["ぁ", "ぃ", "ぅ", "ぇ", "ぉ"]),
    ("x", ["ぁ", "ぃ", "ぅ", "ぇ", "ぉ"]),
    ("sh", ["しゃ", "し", "しゅ", "しぇ", "しょ"]),
    ("ch", ["ちゃ", "ち", "ちゅ", "ちぇ", "ちょ"]),
    ("ts", ["つぁ", "つぃ", "つ", "つぇ", "つぉ"]),
    ("th", ["てゃ", "てぃ", "てゅ", "てぇ", "てょ"]),
    ("dh", ["でゃ", "でぃ", "でゅ", "でぇ", "でょ"]),
    ("wh", ["うぁ", "うぃ", "う", "うぇ", "うぉ"]),
    ("kw", ["くぁ", "くぃ", "くぅ", "くぇ", "くぉ"]),
    ("gw", ["ぐぁ", "ぐぃ", "ぐぅ", "ぐぇ", "ぐぉ"]),
    ("tw", ["とぁ", "とぃ", "とぅ", "とぇ", "とぉ"]),
    ("dw", ["どぁ", "どぃ", "どぅ", "どぇ", "どぉ"]),
    ("xy", ["ゃ", "ぃ", "ゅ", "ぇ", "ょ"]),
    ("ly", ["ゃ", "ぃ", "ゅ", "ぇ", "ょ"]),
    ("xts", ["っ", "っ", "っ", "っ", "っ"]),
    ("lts", ["っ", "っ", "っ", "っ", "っ"]),
    ("xt", ["っ", "っ", "っ", "っ", "っ"]),
    ("lt", ["っ", "っ", "っ", "っ", "っ"]),
    ("xw", ["ゎ", "ゎ", "ゎ", "ゎ", "ゎ"]),
];

/// The kunrei romaji of one hiragana with a row in [`ROWS`] (`し` → `si`),
/// for synthetic queries.
pub(crate) fn romaji_of(c: char) -> Option<String> {
    let mut buf = [0; 4];
    let c = &*c.encode_utf8(&mut buf);
    ROWS.iter().take(15).find_map(|(cluster, row)| {
        let v = row.iter().position(|k| *k == c)?;
        Some(format!("{cluster}{}", "aiueo".as_bytes()[v] as char))
    })
}

/// `ky` → `き` + small `ゃぃゅぇょ`: the clusters whose kana is the i-row
/// kana of the first letter followed by a small y-kana.
const Y_ROWS: &[(&str, &str)] = &[
    ("ky", "き"),
    ("gy", "ぎ"),
    ("sy", "し"),
    ("zy", "じ"),
    ("jy", "じ"),
    ("ty", "ち"),
    ("cy", "ち"),
    ("dy", "ぢ"),
    ("ny", "に"),
    ("hy", "ひ"),
    ("by", "び"),
    ("py", "ぴ"),
    ("my", "み"),
    ("ry", "り"),
    ("fy", "ふ"),
    ("vy", "ゔ"),
];
const SMALL_Y: [&str; 5] = ["ゃ", "ぃ", "ゅ", "ぇ", "ょ"];

fn vowel_index(c: char) -> Option<usize> {
    "aiueo".find(c)
}

/// The kana of `cluster` + vowel `v` (0..5), if the cluster is known.
fn syllable(cluster: &str, v: usize) -> Option<(&'static str, &'static str)> {
    if let Some((_, row)) = ROWS.iter().find(|(c, _)| *c == cluster) {
        return Some((row[v], ""));
    }
    Y_ROWS
        .iter()
        .find(|(c, _)| *c == cluster)
        .map(|(_, i)| (*i, SMALL_Y[v]))
}

/// The kana a cluster still being typed may become, none a prefix of
/// another. Empty when no syllable starts with `cluster`.
fn pending(cluster: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let mut add = |k: &'static str| {
        if !out.iter().any(|o| k.starts_with(o)) {
            out.retain(|o| !o.starts_with(k));
            out.push(k);
        }
    };
    for (c, row) in ROWS {
        if !c.is_empty() && c.starts_with(cluster) {
            row.iter().for_each(|k| add(k));
        }
    }
    for (c, i) in Y_ROWS {
        if c.starts_with(cluster) {
            add(i);
        }
    }
    if cluster == "n" {
        add("ん");
    }
    out
}

/// Macron and circumflex vowels as two vowels (`ō` → `oo`).
fn long_vowel(c: char) -> Option<char> {
    Some(match c {
        'ā' | 'â' => 'a',
        'ī' | 'î' => 'i',
        'ū' | 'û' => 'u',
        'ē' | 'ê' => 'e',
        'ō' | 'ô' => 'o',
        _ => return None,
    })
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | 'ー' | 'ゝ' | 'ゞ')
}

/// Reads `word` as romaji (ASCII letters, lower or upper case, macrons,
/// `'` after `n`, `-` for `ー`); kana already converted by an IME are kept
/// (`ぽれp`, katakana become hiragana). `None` when something in it is
/// neither (digits, kanji, other marks) or a cluster starts no syllable
/// (`bx`).
///
/// Rules, as Japanese keyboards and Hepburn agree: `n` before a consonant
/// (not `y`), before `'` or at a complete end is `ん`; `nn` is `ん` (and
/// `nna` is `んな`, as Hepburn writes `onna`); `m` before `b` `p` is `ん`
/// (`shimbun`); a doubled consonant is `っ` (`kitte`), as is `t` before
/// `ch` (`matcha`).
///
/// Law: the kana of a result read again is the same kana.
pub fn to_hiragana(word: &str) -> Option<Romaji> {
    let mut chars: Vec<char> = Vec::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        match long_vowel(c) {
            Some(v) => chars.extend([v, v]),
            None => chars.push(c),
        }
    }
    let mut kana = String::with_capacity(chars.len() * 3);
    let mut i = 0;
    let consonant = |c: char| c.is_ascii_lowercase() && vowel_index(c).is_none();
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if is_kana(c) {
            kana.push(match c {
                '\u{30A1}'..='\u{30F6}' | 'ヽ' | 'ヾ' => {
                    char::from_u32(c as u32 - 0x60).unwrap_or(c)
                }
                _ => c,
            });
            i += 1;
            continue;
        }
        if c == '-' {
            kana.push('ー');
            i += 1;
            continue;
        }
        if c == 'n' {
            let after = chars.get(i + 2).copied();
            let vowel_or_y =
                |c: Option<char>| c.is_some_and(|c| vowel_index(c).is_some() || c == 'y');
            match next {
                Some('\'') => {
                    kana.push('ん');
                    i += 2;
                    continue;
                }
                Some('n') => {
                    kana.push('ん');
                    i += if vowel_or_y(after) { 1 } else { 2 };
                    continue;
                }
                Some(n) if consonant(n) => {
                    kana.push('ん');
                    i += 1;
                    continue;
                }
                _ => {}
            }
        }
        if c == 'm' && matches!(next, Some('b' | 'p')) {
            kana.push('ん');
            i += 1;
            continue;
        }
        if consonant(c) && (next == Some(c) || (c == 't' && next == Some('c'))) {
            kana.push('っ');
            i += 1;
            continue;
        }
        if let Some(v) = vowel_index(c) {
            kana.push_str(syllable("", v)?.0);
            i += 1;
            continue;
        }
        if !consonant(c) {
            return None;
        }
        // A cluster of up to three consonants, then a vowel.
        let mut end = i;
        while end < chars.len() && end - i < 3 && consonant(chars[end]) {
            end += 1;
        }
        let cluster: String = chars[i..end].iter().collect();
        match chars.get(end).copied().and_then(vowel_index) {
            Some(v) => {
                let (a, b) = syllable(&cluster, v)?;
                kana.push_str(a);
                kana.push_str(b);
                i = end + 1;
            }
            None if end == chars.len() => {
                let pending = pending(&cluster);
                if pending.is_empty() {
                    return None;
                }
                return Some(Romaji { kana, pending });
            }
            None => return None,
        }
    }
    Some(Romaji {
        kana,
        pending: Vec::new(),
    })
}

/// The vowel (`0..5` for a i u e o) a hiragana ends in, if any.
fn vowel_of(c: char) -> Option<u8> {
    // ぁ (U+3041) to ゖ (U+3096), one digit each: 0–4 the vowel, 5 none.
    const VOWELS: &[u8; 86] =
        b"00112233440011223344001122334400112223344012340001112223334440123400224401234001345203";
    let i = (c as u32).checked_sub(0x3041)? as usize;
    match VOWELS.get(i)? {
        d @ b'0'..=b'4' => Some(d - b'0'),
        _ => None,
    }
}

/// Folds long vowels the way romaji loses them, on normalised (hiragana)
/// text: `ー` is dropped, and so is a vowel kana repeating the vowel of the
/// kana kept before it (`ああ`, `いい`, `うう`, `ええ`, `おお`) or `う` after an
/// o-row kana (`とう`). `ぢ` `づ` become `じ` `ず` and `を` becomes `お`, as
/// Hepburn writes them. `とうきょう`, `ときょ`, `とおきょお` and `とーきょー` all
/// fold to `ときょ`.
///
/// Law: idempotent (each kept kana is compared with the kana kept before
/// it, which is what a second pass sees).
pub fn fold_long_vowels(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last = None;
    out.extend(s.chars().filter_map(|c| fold_step(&mut last, c)));
    out
}

/// The shortest start of `s` whose folding ([`fold_long_vowels`]) has
/// `kept` characters, with the long vowels that follow it (so that it ends
/// where a word of the folded text ends): `unfolded_prefix("とうきょうと", 2)`
/// is `とうき`.
pub(crate) fn unfolded_prefix(s: &str, kept: usize) -> &str {
    let mut last = None;
    let mut count = 0;
    for (at, c) in s.char_indices() {
        if fold_step(&mut last, c).is_some() {
            if count == kept {
                return &s[..at];
            }
            count += 1;
        }
    }
    s
}

/// One character of [`fold_long_vowels`]: what it becomes, or `None` when
/// dropped; `last` is the vowel of the kana kept before it.
fn fold_step(last: &mut Option<u8>, c: char) -> Option<char> {
    let c = match c {
        'ぢ' => 'じ',
        'づ' => 'ず',
        'を' => 'お',
        'ー' => return None,
        _ => c,
    };
    let v = match c {
        'あ' => Some(0),
        'い' => Some(1),
        'う' => Some(2),
        'え' => Some(3),
        'お' => Some(4),
        _ => None,
    };
    if let (Some(v), Some(l)) = (v, *last)
        && (v == l || (v == 2 && l == 4))
    {
        return None;
    }
    *last = vowel_of(c);
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kana(word: &str) -> String {
        let r = to_hiragana(word).unwrap_or_else(|| panic!("{word} reads as romaji"));
        // A final `n` may still become `な`…`の`; take it as `ん` here.
        if r.pending.contains(&"ん") {
            return r.kana + "ん";
        }
        assert!(r.pending.is_empty(), "{word}: {r:?}");
        r.kana
    }

    #[test]
    fn hepburn_kunrei_and_keyboards() {
        for (romaji, want) in [
            ("porepore", "ぽれぽれ"),
            ("shijima", "しじま"),
            ("sijima", "しじま"),
            ("kenrokuen", "けんろくえん"),
            ("tsunagari", "つながり"),
            ("tunagari", "つながり"),
            ("chiiki", "ちいき"),
            ("tiiki", "ちいき"),
            ("fukushi", "ふくし"),
            ("hukusi", "ふくし"),
            ("kosodate", "こそだて"),
            ("kitte", "きって"),
            ("matcha", "まっちゃ"),
            ("kyoudou", "きょうどう"),
            ("kyodo", "きょど"),
            ("jaist", "じゃいst"),
            ("onna", "おんな"),
            ("onnna", "おんな"),
            ("kan'i", "かんい"),
            ("kani", "かに"),
            ("shinmama", "しんまま"),
            ("shimbun", "しんぶん"),
            ("sanpo", "さんぽ"),
            ("hon", "ほん"),
            ("honn", "ほん"),
            ("tōkyō", "とおきょお"),
            ("TOKYO", "ときょ"),
            ("pa-ti-", "ぱーちー"),
            ("pa-thi-", "ぱーてぃー"),
            ("xtu", "っ"),
            ("ltsu", "っ"),
            ("fa", "ふぁ"),
            ("va", "ゔぁ"),
            ("jya", "じゃ"),
            ("zya", "じゃ"),
            ("cha", "ちゃ"),
            ("tya", "ちゃ"),
            ("ぽれp", "ぽれ"),
            ("ポレポレ", "ぽれぽれ"),
        ] {
            if romaji == "jaist" || romaji == "ぽれp" {
                continue;
            }
            assert_eq!(kana(romaji), want, "{romaji}");
        }
        assert_eq!(to_hiragana("jaist"), None);
        assert_eq!(to_hiragana("npo2"), None);
        assert_eq!(to_hiragana("金沢"), None);
        assert_eq!(to_hiragana("bx"), None);
    }

    #[test]
    fn a_syllable_being_typed_is_pending() {
        let r = to_hiragana("porep").expect("romaji");
        assert_eq!(r.kana, "ぽれ");
        assert_eq!(r.pending, ["ぱ", "ぴ", "ぷ", "ぺ", "ぽ"]);
        assert!(r.variants().contains(&"ぽれぽ".to_owned()));
        let r = to_hiragana("ky").expect("romaji");
        assert_eq!(r.kana, "");
        assert_eq!(r.pending, ["き"]);
        let r = to_hiragana("sh").expect("romaji");
        assert_eq!(r.pending, ["し"]);
        let r = to_hiragana("ken").expect("romaji");
        assert_eq!(r.kana, "け");
        assert!(r.pending.contains(&"ん") && r.pending.contains(&"な"));
        let r = to_hiragana("ぽれp").expect("romaji");
        assert_eq!(r.kana, "ぽれ");
        let r = to_hiragana("t").expect("romaji");
        assert_eq!(r.pending, ["た", "ち", "つ", "て", "と"]);
    }

    #[test]
    fn long_vowels_fold_alike() {
        let tokyo = fold_long_vowels("とうきょう");
        assert_eq!(tokyo, "ときょ");
        for romaji in ["tokyo", "toukyou", "tookyoo", "tōkyō", "to-kyo-"] {
            assert_eq!(fold_long_vowels(&kana(romaji)), tokyo, "{romaji}");
        }
        assert_eq!(fold_long_vowels("とーきょー"), tokyo);
        assert_eq!(fold_long_vowels("おうえんだん"), "おえんだん");
        assert_eq!(fold_long_vowels("ちぢみ"), "ちじみ");
        assert_eq!(fold_long_vowels("さぽーと"), "さぽと");
        assert_eq!(fold_long_vowels("せんせい"), "せんせい");
        assert_eq!(fold_long_vowels("tips"), "tips");
        assert_eq!(unfolded_prefix("とうきょうと", 2), "とうき");
        assert_eq!(unfolded_prefix("とうきょうと", 3), "とうきょう");
        assert_eq!(unfolded_prefix("とうきょう", 9), "とうきょう");
    }

    #[test]
    fn vowel_table_matches_the_kana() {
        for (row, v) in [
            ("ぁあかがさざただなはばぱまゃやらゎわゕ", 0),
            ("ぃいきぎしじちぢにひびぴみりゐ", 1),
            ("ぅうくぐすずっつづぬふぶぷむゅゆるゔ", 2),
            ("ぇえけげせぜてでねへべぺめれゑゖ", 3),
            ("ぉおこごそぞとどのほぼぽもょよろを", 4),
        ] {
            for c in row.chars() {
                assert_eq!(vowel_of(c), Some(v), "{c}");
            }
        }
        assert_eq!(vowel_of('ん'), None);
        assert_eq!(vowel_of('a'), None);
    }

    proptest! {
        #[test]
        fn romaji_never_panics_and_its_kana_reads_the_same(
            s in "[a-zA-Z'ā-ōâô -]{0,12}|[a-z]{0,4}[ぁ-ゖァ-ヶー]{0,4}[a-z]{0,4}|\\PC{0,8}"
        ) {
            if let Some(r) = to_hiragana(&s) {
                let again = to_hiragana(&r.kana).expect("kana reads as kana");
                prop_assert_eq!(&again.kana, &r.kana);
                prop_assert!(again.pending.is_empty());
            }
        }

        #[test]
        fn folding_long_vowels_is_idempotent(s in "[ぁ-ゖーa-z]{0,16}|\\PC{0,12}") {
            let once = fold_long_vowels(&s);
            prop_assert_eq!(fold_long_vowels(&once), once);
        }
    }
}
