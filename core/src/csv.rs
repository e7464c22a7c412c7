//! CSV written for spreadsheets (the open-data event list, the submitted
//! proposals): RFC 4180 records, and cells that never run as formulas.
//!
//! Excel, LibreOffice and Google Sheets evaluate a cell whose text begins
//! with `=`, `+`, `-` or `@` (and, after a tab or a carriage return, with
//! those again; full-width `＝＋－＠` as well in Japanese Excel) as a
//! formula: a proposal titled `=HYPERLINK("http://…","詳細")` would become a
//! live link in the city's spreadsheet. Such a cell is written with a
//! leading `'`, which spreadsheets read as "this is text" and do not show.
//! A plain number (`-12.5`) is left alone: it is not a formula.
//! [`unguard`] removes the `'` again when tsunagari reads its own export.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// `cell` as text a spreadsheet will not evaluate (see the module's comment).
/// Text that already begins with a guard (`'=`) gets one more, so
/// [`unguard`] always gives back the text it was made from.
pub fn formula_safe(cell: &str) -> Cow<'_, str> {
    if needs_guard(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The text of a cell written by [`formula_safe`]: its guard `'` dropped
/// (a file from elsewhere quoting the same way reads the same).
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

/// A formula, or a formula behind guards (`'=`, `''=`).
fn needs_guard(cell: &str) -> bool {
    let text = cell.trim_start_matches('\'');
    text.starts_with(FORMULA_STARTS) && !is_plain_number(text)
}

/// `-12.5`, `+3`, `7`: an optional sign, digits, an optional fraction.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// Appends one record and its CRLF. Each field is made [`formula_safe`];
/// line breaks inside a field become `\n`; a field with `,`, `"`, a line
/// break, or a space at either end is quoted, `"` doubled (RFC 4180).
pub fn write_record<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let field = formula_safe(field);
        let field = field.replace("\r\n", "\n").replace('\r', "\n");
        if field.contains([',', '"', '\n']) || field.starts_with(' ') || field.ends_with(' ') {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        for cell in [
            "=HYPERLINK(\"http://evil.example\",\"詳細\")",
            "+1+1",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "＝1+1",
            "＋1",
            "－1",
            "＠x",
            "-",
        ] {
            let safe = formula_safe(cell);
            assert_eq!(safe, format!("'{cell}"), "{cell:?}");
            assert_eq!(unguard(&safe), cell);
        }
    }

    #[test]
    fn other_text_and_numbers_stay() {
        for cell in ["夏祭り", "a=b", "", "-12.5", "+3", "7", "'quoted'", "'"] {
            assert_eq!(formula_safe(cell), cell, "{cell:?}");
            assert_eq!(unguard(&formula_safe(cell)), cell);
        }
        assert_eq!(formula_safe("'-5"), "'-5");
        for cell in ["'=x", "''=x", "'''@x"] {
            assert_eq!(formula_safe(cell), format!("'{cell}"), "{cell:?}");
            assert_eq!(unguard(&formula_safe(cell)), cell);
        }
        assert_eq!(unguard("'quoted'"), "'quoted'");
        assert_eq!(unguard("-12.5"), "-12.5");
    }

    #[test]
    fn records_are_rfc_4180() {
        let mut out = String::new();
        write_record(&mut out, ["a", "b,c", "say \"hi\"", "1\r\n2", " x", "=1"]);
        assert_eq!(out, "a,\"b,c\",\"say \"\"hi\"\"\",\"1\n2\",\" x\",'=1\r\n");
    }
}
