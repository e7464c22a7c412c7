//! Width folding (全角・半角の統一) without Unicode normalisation tables.
//!
//! [`fold_width`] is NFKC restricted to the ranges Japanese text uses. On
//! those ranges it gives exactly what NFKC gives (a property test checks
//! this against the `unicode-normalization` crate); everything else is kept
//! unchanged. It replaces full NFKC so that the wasm app does not carry the
//! normalisation tables (tens of KB) for characters nobody types into a
//! Kanazawa civic-group search box.

/// The full-width forms NFKC gives for the half-width block U+FF61–U+FF9D
/// (`｡｢｣､･ｦｧｨｩｪｫｬｭｮｯｰｱ`…`ﾝ`), in block order.
pub(crate) const HALF_WIDTH_BLOCK: &str = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";

/// The combining voiced sound mark (濁点), U+3099.
pub(crate) const DAKUTEN: char = '\u{3099}';
/// The combining semi-voiced sound mark (半濁点), U+309A.
pub(crate) const HANDAKUTEN: char = '\u{309A}';

/// NFKC restricted to the ranges Japanese text uses:
///
/// - full-width ASCII `！`–`～` (U+FF01–U+FF5E) → `!`–`~`, and the
///   ideographic space U+3000 → U+0020;
/// - half-width katakana and punctuation U+FF61–U+FF9D → full width
///   (`｡｢｣､･` → `。「」、・`, `ｦ`–`ﾝ` → `ヲ`–`ン`, `ｧ`–`ｯ` → `ァ`–`ッ`,
///   `ｰ` → `ー`), and the half-width marks `ﾞ` `ﾟ` (U+FF9E, U+FF9F) → the
///   combining marks U+3099, U+309A;
/// - the spacing marks `゛` `゜` (U+309B, U+309C) → a space followed by
///   U+3099 or U+309A (as NFKC does);
/// - a combining U+3099 or U+309A (typed, or from the rules above) composes
///   with the kana right before it when Unicode has the composed character:
///   `か`+U+3099 → `が`, `ｶﾞ` → `ガ`, `ﾊﾟ` → `パ`, `ｳﾞ` → `ヴ`, `う`+U+3099 →
///   `ゔ`, `ワヰヱヲ`+U+3099 → `ヷヸヹヺ`, `ゝヽ`+U+3099 → `ゞヾ`; otherwise
///   it stays a combining mark (`ｱﾞ` → `ア`+U+3099);
/// - circled numbers `①`–`⑳` → `1`–`20`; `㈱` → `(株)`, `㈲` → `(有)`;
///   `｟｠` → `⦅⦆`; the full-width signs `￠￡￢￤￥￦` → `¢£¬¦¥₩`.
///
/// Everything else, including precomposed kana, kanji and other scripts, is
/// kept as it is. (Full NFKC would also, e.g., reorder combining marks of
/// other scripts and expand `㍻` or `ﬁ`; search does not need that.)
pub fn fold_width(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{FF01}'..='\u{FF5E}' => out.push(shift(c, -0xFEE0)),
            '\u{3000}' => out.push(' '),
            '\u{FF5F}' => out.push('\u{2985}'),
            '\u{FF60}' => out.push('\u{2986}'),
            '\u{FF61}'..='\u{FF9D}' => {
                let i = c as usize - 0xFF61;
                out.push(HALF_WIDTH_BLOCK.chars().nth(i).unwrap_or(c));
            }
            '\u{FF9E}' => push_mark(&mut out, DAKUTEN),
            '\u{FF9F}' => push_mark(&mut out, HANDAKUTEN),
            DAKUTEN | HANDAKUTEN => push_mark(&mut out, c),
            '\u{309B}' => out.push_str(" \u{3099}"),
            '\u{309C}' => out.push_str(" \u{309A}"),
            '\u{2460}'..='\u{2473}' => {
                let n = c as u32 - 0x2460 + 1;
                if n >= 10 {
                    out.push(char::from_digit(n / 10, 10).unwrap_or('?'));
                }
                out.push(char::from_digit(n % 10, 10).unwrap_or('?'));
            }
            '\u{3231}' => out.push_str("(株)"),
            '\u{3232}' => out.push_str("(有)"),
            '\u{FFE0}' => out.push('\u{A2}'),
            '\u{FFE1}' => out.push('\u{A3}'),
            '\u{FFE2}' => out.push('\u{AC}'),
            '\u{FFE4}' => out.push('\u{A6}'),
            '\u{FFE5}' => out.push('\u{A5}'),
            '\u{FFE6}' => out.push('\u{20A9}'),
            _ => out.push(c),
        }
    }
    out
}

/// Whether [`fold_width`] may change `s`: false only when `s` has none of
/// the characters it folds (checked on the UTF-8 bytes, without decoding:
/// any character from U+F000 on, U+2440–U+247F, U+3000, U+3099–U+309C,
/// U+3231–U+3232). Lets [`crate::search::normalize`] skip the copy for
/// most text.
pub(crate) fn may_fold_width(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &x)| match x {
        0xEF => true,
        0xE2 => b.get(i + 1) == Some(&0x91),
        0xE3 => matches!(
            (b.get(i + 1), b.get(i + 2)),
            (Some(0x80), Some(0x80))
                | (Some(0x82), Some(0x99..=0x9C))
                | (Some(0x88), Some(0xB1..=0xB2))
        ),
        _ => false,
    })
}

/// `c` moved by `by` code points (kept if that is not a character).
fn shift(c: char, by: i32) -> char {
    (c as u32)
        .checked_add_signed(by)
        .and_then(char::from_u32)
        .unwrap_or(c)
}

/// Pushes a combining `mark`, composed onto the kana before it if possible.
fn push_mark(out: &mut String, mark: char) {
    if let Some(composed) = out.chars().next_back().and_then(|k| compose(k, mark)) {
        out.pop();
        out.push(composed);
    } else {
        out.push(mark);
    }
}

/// The canonical composition of a kana and U+3099 or U+309A, if Unicode has
/// one (the kana rows of the composition table, hiragana and katakana).
pub(crate) fn compose(kana: char, mark: char) -> Option<char> {
    let k = kana as u32;
    // Katakana ァ..ヶ sit exactly 0x60 above hiragana ぁ..ゖ.
    let (h, offset) = match k {
        0x30A1..=0x30F6 => (k - 0x60, 0x60),
        _ => (k, 0),
    };
    let composed = match (h, mark) {
        // か..ぢ: every odd code point is a base, the next one its voiced form.
        (0x304B..=0x3062, DAKUTEN) if h % 2 == 1 => h + 1,
        // つ て と
        (0x3064 | 0x3066 | 0x3068, DAKUTEN) => h + 1,
        // は ひ ふ へ ほ: base, voiced, semi-voiced.
        (0x306F..=0x307D, _) if (h - 0x306F) % 3 == 0 => {
            if mark == DAKUTEN {
                h + 1
            } else {
                h + 2
            }
        }
        // う → ゔ, ウ → ヴ
        (0x3046, DAKUTEN) => 0x3094,
        // ゝ → ゞ (hiragana only; ヽ is handled below)
        (0x309D, DAKUTEN) if offset == 0 => 0x309E,
        _ => {
            return match (k, mark) {
                // ワ ヰ ヱ ヲ → ヷ ヸ ヹ ヺ
                (0x30EF..=0x30F2, DAKUTEN) => char::from_u32(k + 8),
                // ヽ → ヾ
                (0x30FD, DAKUTEN) => Some('\u{30FE}'),
                _ => None,
            };
        }
    };
    char::from_u32(composed + offset)
}

/// The inverse of [`compose`]: a voiced or semi-voiced kana → its base and
/// combining mark (`ガ` → `カ` U+3099); `None` for any other character.
pub(crate) fn decompose(c: char) -> Option<(char, char)> {
    let k = c as u32;
    // The base sits 1 (voiced), 2 (semi-voiced), 8 (ヷ..ヺ) or 0x4E (ゔ, ヴ)
    // code points below.
    [1, 2, 8, 0x4E].into_iter().find_map(|back| {
        let base = char::from_u32(k.checked_sub(back)?)?;
        [DAKUTEN, HANDAKUTEN]
            .into_iter()
            .find(|&mark| compose(base, mark) == Some(c))
            .map(|mark| (base, mark))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    fn nfkc(s: &str) -> String {
        s.nfkc().collect()
    }

    #[test]
    fn examples() {
        assert_eq!(fold_width("ｔｉｐｓ　ＮＰＯ！"), "tips NPO!");
        assert_eq!(fold_width("ﾎﾟﾚﾎﾟﾚ"), "ポレポレ");
        assert_eq!(fold_width("ｶﾞｯｺｳ｢ｳﾞｧ｣･ｰ"), "ガッコウ「ヴァ」・ー");
        assert_eq!(fold_width("ｱﾞ"), "ア\u{3099}");
        assert_eq!(fold_width("か\u{3099}う\u{3099}ヲ\u{3099}"), "がゔヺ");
        assert_eq!(fold_width("か゛"), "か \u{3099}");
        assert_eq!(fold_width("①⑩⑳"), "11020");
        assert_eq!(fold_width("㈱金沢㈲￥"), "(株)金沢(有)¥");
        assert_eq!(fold_width("金沢 city é"), "金沢 city é");
    }

    /// Every character of the covered ranges, alone and before each mark,
    /// and after every kana, equals NFKC.
    #[test]
    fn every_covered_pair_matches_nfkc() {
        let marks = ['\u{3099}', '\u{309A}', 'ﾞ', 'ﾟ', '゛', '゜'];
        for c in covered() {
            let s = c.to_string();
            assert_eq!(fold_width(&s), nfkc(&s), "{c:?}");
            for m in marks {
                let s = format!("{c}{m}");
                assert_eq!(fold_width(&s), nfkc(&s), "{s:?}");
            }
        }
        for c in '\u{3041}'..='\u{30FF}' {
            if let Some((base, mark)) = decompose(c) {
                assert_eq!(nfkc(&format!("{base}{mark}")), c.to_string());
            } else if !matches!(c, '゛' | '゜' | 'ゟ' | 'ヿ') {
                // Not a composite: NFKC keeps it (the four excepted are
                // compatibility characters that expand).
                assert_eq!(nfkc(&c.to_string()), c.to_string(), "{c:?}");
            }
        }
    }

    fn covered() -> impl Iterator<Item = char> {
        (' '..='~')
            .chain(['\u{3000}', 'ー', 'ゝ', 'ゞ', 'ヽ', 'ヾ', '・'])
            .chain('\u{FF01}'..='\u{FF5E}')
            .chain('\u{3041}'..='\u{3096}')
            .chain('\u{30A1}'..='\u{30FA}')
            .chain('\u{FF5F}'..='\u{FF9F}')
            .chain('①'..='⑳')
            .chain("金沢市町会㈱㈲￠￡￢￤￥￦".chars())
    }

    /// Strings from the covered alphabet, with the marks frequent enough
    /// that kana + mark pairs (and mark + mark runs) come up often.
    fn japanese() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => "[ -~\u{3000}\u{FF01}-\u{FF5E}ー・金沢市町会㈱㈲￠￡￢￤￥￦①-⑳]",
            4 => "[\u{3041}-\u{3096}ゝゞ]",
            4 => "[\u{30A1}-\u{30FA}ヽヾ]",
            4 => "[\u{FF5F}-\u{FF9F}]",
            3 => "[\u{3099}\u{309A}\u{FF9E}\u{FF9F}゛゜]",
        ];
        prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn what_may_not_fold_does_not_fold(s in japanese()) {
            if !may_fold_width(&s) {
                prop_assert_eq!(fold_width(&s), s);
            }
        }

        #[test]
        fn what_may_not_fold_does_not_fold_on_any_text(s in any::<String>()) {
            if !may_fold_width(&s) {
                prop_assert_eq!(fold_width(&s), s);
            }
        }

        #[test]
        fn fold_width_is_nfkc_on_japanese_text(s in japanese()) {
            prop_assert_eq!(fold_width(&s), nfkc(&s));
        }

        #[test]
        fn decompose_inverts_compose(c in "[\u{3041}-\u{30FF}]") {
            let c = c.chars().next().unwrap_or(' ');
            if let Some((base, mark)) = decompose(c) {
                prop_assert_eq!(compose(base, mark), Some(c));
            }
        }
    }
}
