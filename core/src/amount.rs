//! 金額 — money as a person types it, and the one reader for every money
//! field.
//!
//! People write amounts the way they say them: `30万`, `1万5千`, `1.5万`,
//! `５０，０００`, `50,000円`, `¥50,000`. [`read_yen`] understands those and
//! refuses anything else with a reason ([`AmountError`]); it never reads a
//! different number than the one meant (`30万` is never 30, `1,00` is not
//! 100, `30 000` is not 30000). An [`Amount`] keeps the text as typed, so a
//! draft never loses what the person wrote, even when it cannot be read.

use crate::width::fold_width;

/// The longest text read as an amount (in characters). Longer input is
/// refused, not read.
pub const AMOUNT_TEXT_MAX: usize = 40;

/// The units, largest first: 億, 万, 千, 百.
const UNITS: [(char, u64); 4] = [
    ('億', 100_000_000),
    ('万', 10_000),
    ('千', 1_000),
    ('百', 100),
];

/// An amount as the person typed it. Two amounts are equal when their text
/// is, so a merge sees every edit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Amount(String);

impl Amount {
    /// What the person typed, kept verbatim.
    pub fn typed(text: impl Into<String>) -> Amount {
        Amount(text.into())
    }

    /// A known number of yen, as plain digits (`300000`).
    pub fn yen(yen: u64) -> Amount {
        Amount(yen.to_string())
    }

    /// The text as typed.
    pub fn text(&self) -> &str {
        &self.0
    }

    /// Nothing typed (or only spaces).
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// The amount in yen, or why it cannot be read.
    pub fn read(&self) -> Result<u64, AmountError> {
        read_yen(&self.0)
    }
}

/// Why a text is not read as an amount. Each reason has a sentence for the
/// person ([`AmountError::message_ja`], [`AmountError::message_en`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("no amount")]
    Empty,
    #[error("longer than {AMOUNT_TEXT_MAX} characters")]
    TooLong,
    /// A character that is not a digit, a comma, a decimal point, a unit
    /// (億万千百), 円 or ¥: `3o万`, `-500`, `五万`, `30 000`.
    #[error("not a number")]
    Unreadable,
    /// Commas not every three digits: `1,00`, `5,0000`.
    #[error("misplaced commas")]
    Commas,
    /// Less than a yen: `1.5` (without a unit), `1.23456万`.
    #[error("not whole yen")]
    Fraction,
    /// Units out of order, repeated or without a number: `5千1万`,
    /// `1万1万`, `万`, `1万15千`, `1万20000`.
    #[error("units out of order")]
    Units,
    #[error("too large")]
    TooLarge,
}

impl AmountError {
    /// What to do, in Japanese; `text` is what was typed.
    pub fn message_ja(self, text: &str) -> String {
        let t = text.trim();
        match self {
            AmountError::Empty => "金額を入力してください。不要な行は削除してください。".into(),
            AmountError::TooLong => format!(
                "金額は{AMOUNT_TEXT_MAX}文字以内で、数字と単位だけを入力してください（例: 30万、15,000円）。"
            ),
            AmountError::Unreadable => format!(
                "「{t}」は金額として読めません。数字と万・千・円で入力してください（例: 30万、1万5千、50,000円）。"
            ),
            AmountError::Commas => format!(
                "「{t}」のカンマの位置が正しくありません。3桁ごとに区切るか、カンマなしで入力してください。"
            ),
            AmountError::Fraction => {
                format!("「{t}」は1円未満の端数があります。円単位で入力してください。")
            }
            AmountError::Units => format!(
                "「{t}」の単位の並びが読めません。大きい単位から順に1度ずつ書いてください（例: 1万5千）。"
            ),
            AmountError::TooLarge => {
                format!("「{t}」は大きすぎて読めません。桁を確かめてください。")
            }
        }
    }

    /// What to do, in English; `text` is what was typed.
    pub fn message_en(self, text: &str) -> String {
        let t = text.trim();
        match self {
            AmountError::Empty => {
                "Enter the amount, or delete the line if it is not needed.".into()
            }
            AmountError::TooLong => format!(
                "Enter the amount in at most {AMOUNT_TEXT_MAX} characters, digits and units only (for example 300000 or 15,000)."
            ),
            AmountError::Unreadable => format!(
                "“{t}” cannot be read as an amount. Use digits, optionally with 万 (10,000), 千 (1,000) or 円 (for example 300000, 30万, 50,000)."
            ),
            AmountError::Commas => format!(
                "The commas in “{t}” are misplaced. Put one every three digits, or leave them out."
            ),
            AmountError::Fraction => {
                format!("“{t}” is not a whole number of yen. Enter whole yen.")
            }
            AmountError::Units => format!(
                "The units in “{t}” cannot be read. Write the larger unit first, each once (for example 1万5千)."
            ),
            AmountError::TooLarge => {
                format!("“{t}” is too large to read. Check the number of digits.")
            }
        }
    }
}

/// Reads an amount of yen: digits in any width, commas every three digits
/// (`,` `，` `、`), a leading `¥`, a trailing `円`, and the units 億, 万, 千,
/// 百 largest first, each after a number that may have a decimal point
/// (`1.5万`). A plain number may follow the last unit (`1万5000`), smaller
/// than that unit. Spaces are allowed around units, at the ends, and after `¥`.
pub fn read_yen(input: &str) -> Result<u64, AmountError> {
    if input.chars().count() > AMOUNT_TEXT_MAX {
        return Err(AmountError::TooLong);
    }
    let folded = fold_width(input);
    let mut s = folded.trim();
    if s.is_empty() {
        return Err(AmountError::Empty);
    }
    if let Some(rest) = s.strip_prefix(['¥', '\\']) {
        s = rest.trim_start();
    }
    if let Some(rest) = s.strip_suffix('円') {
        s = rest.trim_end();
    }
    if s.is_empty() {
        return Err(AmountError::Unreadable);
    }
    let mut total: u64 = 0;
    // The value of the last unit read: what comes after must be less.
    let mut below: Option<u64> = None;
    let mut rest = s;
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| !is_number_char(c))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(end);
        let after = after.trim_start();
        let unit = after
            .chars()
            .next()
            .and_then(|c| UNITS.iter().find(|(u, _)| *u == c).copied());
        if number.is_empty() {
            return Err(match unit {
                Some(_) => AmountError::Units,
                None => AmountError::Unreadable,
            });
        }
        let (numerator, scale) = read_number(number)?;
        let value = match unit {
            Some((u, unit_value)) => {
                if below.is_some_and(|b| unit_value >= b) {
                    return Err(AmountError::Units);
                }
                rest = after[u.len_utf8()..].trim_start();
                let scaled = numerator
                    .checked_mul(unit_value)
                    .ok_or(AmountError::TooLarge)?;
                if !scaled.is_multiple_of(scale) {
                    return Err(AmountError::Fraction);
                }
                scaled / scale
            }
            None => {
                if !after.is_empty() {
                    return Err(AmountError::Unreadable);
                }
                if scale != 1 {
                    return Err(AmountError::Fraction);
                }
                rest = "";
                numerator
            }
        };
        if below.is_some_and(|b| value >= b) {
            return Err(AmountError::Units);
        }
        below = unit.map(|(_, v)| v);
        total = total.checked_add(value).ok_or(AmountError::TooLarge)?;
    }
    Ok(total)
}

fn is_number_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, ',' | '、' | '.')
}

/// `12,345.67` → (1234567, 100): the digits as one integer and the power
/// of ten to divide by.
fn read_number(number: &str) -> Result<(u64, u64), AmountError> {
    let (whole, fraction) = match number.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (number, None),
    };
    let groups: Vec<&str> = whole.split([',', '、']).collect();
    if groups.len() > 1 {
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(AmountError::Commas);
        }
    }
    let mut digits: String = groups.concat();
    let mut scale: u64 = 1;
    if let Some(f) = fraction {
        if f.is_empty() || f.contains('.') {
            return Err(AmountError::Unreadable);
        }
        if f.contains([',', '、']) {
            return Err(AmountError::Commas);
        }
        for _ in 0..f.len() {
            scale = scale.checked_mul(10).ok_or(AmountError::Fraction)?;
        }
        digits.push_str(f);
    }
    if digits.is_empty() {
        return Err(AmountError::Unreadable);
    }
    let n = digits.parse::<u64>().map_err(|_| AmountError::TooLarge)?;
    Ok((n, scale))
}

/// `300000` → `300,000`.
pub fn group_digits(yen: u64) -> String {
    let digits = yen.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `300,000円`.
pub fn format_yen_ja(yen: u64) -> String {
    format!("{}円", group_digits(yen))
}

/// `¥300,000`.
pub fn format_yen_en(yen: u64) -> String {
    format!("¥{}", group_digits(yen))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read(s: &str) -> Result<u64, AmountError> {
        read_yen(s)
    }

    #[test]
    fn reads_amounts_as_people_write_them() {
        for (text, yen) in [
            ("30万", 300_000),
            ("３０万", 300_000),
            ("30万円", 300_000),
            ("5万", 50_000),
            ("1万5千", 15_000),
            ("1万5千円", 15_000),
            ("1.5万", 15_000),
            ("１．５万", 15_000),
            ("1万5000", 15_000),
            ("1万 5千", 15_000),
            ("2千", 2_000),
            ("3百", 300),
            ("1億", 100_000_000),
            ("1,500万", 15_000_000),
            ("５０，０００", 50_000),
            ("50,000円", 50_000),
            ("50、000", 50_000),
            ("¥50,000", 50_000),
            ("￥５０，０００", 50_000),
            (" 12000 ", 12_000),
            ("0", 0),
            ("0.5万", 5_000),
            ("1万5千300円", 15_300),
        ] {
            assert_eq!(read(text), Ok(yen), "{text}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for (text, why) in [
            ("", AmountError::Empty),
            ("  ", AmountError::Empty),
            ("3o万", AmountError::Unreadable),
            ("五万", AmountError::Unreadable),
            ("-500", AmountError::Unreadable),
            ("30 000", AmountError::Unreadable),
            ("円", AmountError::Unreadable),
            ("1,00", AmountError::Commas),
            ("5,0000", AmountError::Commas),
            ("1.5", AmountError::Fraction),
            ("1.23456万", AmountError::Fraction),
            ("1.", AmountError::Unreadable),
            ("万", AmountError::Units),
            ("5千1万", AmountError::Units),
            ("1万1万", AmountError::Units),
            ("1万15千", AmountError::Units),
            ("1万20000", AmountError::Units),
            ("99999999999999999999", AmountError::TooLarge),
            ("9999999999999億", AmountError::TooLarge),
        ] {
            assert_eq!(read(text), Err(why), "{text}");
        }
        assert_eq!(read(&"1".repeat(41)), Err(AmountError::TooLong));
    }

    #[test]
    fn formats_both_languages() {
        assert_eq!(format_yen_ja(300_000), "300,000円");
        assert_eq!(format_yen_en(300_000), "¥300,000");
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_000), "1,000");
        assert_eq!(group_digits(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn messages_quote_what_was_typed() {
        let e = read("3o万").expect_err("unreadable");
        assert_eq!(
            e.message_ja("3o万"),
            "「3o万」は金額として読めません。数字と万・千・円で入力してください（例: 30万、1万5千、50,000円）。"
        );
        assert!(e.message_en("3o万").starts_with("“3o万” cannot be read"));
    }

    /// Full-width digits and comma for `s`, as a Japanese keyboard types them.
    fn full_width(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' | ',' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
                c => c,
            })
            .collect()
    }

    proptest! {
        #[test]
        fn never_panics(s in ".{0,48}") {
            let _ = read_yen(&s);
        }

        #[test]
        fn never_panics_on_amount_like_text(s in "[0-9０-９,，、.．¥円億万千百 ]{0,30}") {
            let _ = read_yen(&s);
        }

        #[test]
        fn formatted_amounts_read_back(n in any::<u64>()) {
            prop_assert_eq!(read_yen(&format_yen_ja(n)), Ok(n));
            prop_assert_eq!(read_yen(&format_yen_en(n)), Ok(n));
            prop_assert_eq!(read_yen(&full_width(&format_yen_ja(n))), Ok(n));
            prop_assert_eq!(Amount::yen(n).read(), Ok(n));
        }

        #[test]
        fn units_multiply(man in 0u64..100_000, sen in 0u64..10, rest in 0u64..1_000) {
            let text = format!("{man}万{sen}千{rest}円");
            prop_assert_eq!(read_yen(&text), Ok(man * 10_000 + sen * 1_000 + rest));
        }

        /// Whatever it reads, the digits of a plain number are never
        /// dropped or changed: a text of digits reads as those digits.
        #[test]
        fn plain_digits_read_as_themselves(n in any::<u64>()) {
            prop_assert_eq!(read_yen(&n.to_string()), Ok(n));
            prop_assert_eq!(read_yen(&full_width(&n.to_string())), Ok(n));
        }
    }
}
