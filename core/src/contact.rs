//! Reaching a group: phone numbers, e-mail addresses and web addresses in
//! Japanese text become links (`tel:`, `mailto:`, `https:`), and which of
//! the city's offices a group page names.
//!
//! Text as the newsletters print it: `TEL：076-220-2026`, `☎ ０７６－２２０－２０２６`,
//! `E-mail：kyoudou@city.kanazawa.lg.jp`, `✉ ｋｙｏｕｄｏｕ＠…`. Full-width
//! digits, letters and `＠`, and the dashes Japanese text uses between digits
//! (`－ ‐ ― ー −`), are read like their ASCII forms; what is shown stays
//! as written. A number after `FAX` is not a phone number to call, so it
//! stays text.

use crate::html::escape;
use crate::{CityContact, Group, GroupKind};
use std::fmt::Write as _;

/// What a piece of text is, as [`find_links`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Plain text, as written.
    Text(String),
    /// A phone number as written and its `tel:` form (`0762202026`, `+81…`).
    Phone { shown: String, tel: String },
    /// An e-mail address as written and as ASCII.
    Email { shown: String, address: String },
    /// A web address (`http://` or `https://`) as written and as ASCII.
    Web { shown: String, url: String },
}

/// The city's office for questions about the 協働のまちづくりチャレンジ事業
/// (`data/city_contacts.json`).
pub const CHALLENGE_OFFICE: &str = "kyodo-shimin-kaigi-jimukyoku";
/// The city's office for any civic group's questions (市民活動の相談・支援).
pub const SUPPORT_CENTER: &str = "shimin-katsudo-support-center";

/// One character as ASCII when it is a full-width form of one, a dash used
/// between digits as `-`; anything else unchanged.
fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '‐' | '‑' | '‒' | '–' | '—' | '―' | 'ー' | '−' | 'ｰ' => '-',
        '\u{3000}' => ' ',
        c => c,
    }
}

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn is_domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-')
}

fn is_url_char(c: char) -> bool {
    c.is_ascii_graphic()
        && !matches!(
            c,
            '<' | '>' | '"' | '\'' | '`' | '{' | '}' | '|' | '\\' | '^'
        )
}

/// A found link: the char range `start..end` and its kind.
struct Found {
    start: usize,
    end: usize,
    part: fn(String, String) -> Part,
    target: String,
}

/// The text cut into plain text and links, in order; joining the shown
/// texts gives the text back.
pub fn find_links(text: &str) -> Vec<Part> {
    let original: Vec<char> = text.chars().collect();
    let folded: Vec<char> = original.iter().map(|&c| fold(c)).collect();
    let mut found: Vec<Found> = Vec::new();
    let mut i = 0;
    while i < folded.len() {
        if let Some(f) = web_at(&folded, i)
            .or_else(|| email_at(&folded, i))
            .or_else(|| phone_at(&folded, i))
        {
            i = f.end;
            found.push(f);
        } else {
            i += 1;
        }
    }
    let mut parts = Vec::new();
    let mut at = 0;
    for f in found {
        if f.start > at {
            parts.push(Part::Text(original[at..f.start].iter().collect()));
        }
        parts.push((f.part)(
            original[f.start..f.end].iter().collect(),
            f.target,
        ));
        at = f.end;
    }
    if at < original.len() {
        parts.push(Part::Text(original[at..].iter().collect()));
    }
    // A phone number after a FAX label is a fax number: text.
    let mut out: Vec<Part> = Vec::with_capacity(parts.len());
    for part in parts {
        let after_fax = matches!(out.last(), Some(Part::Text(t)) if is_fax_label(t));
        match part {
            Part::Phone { shown, .. } if after_fax => match out.last_mut() {
                Some(Part::Text(t)) => t.push_str(&shown),
                _ => out.push(Part::Text(shown)),
            },
            Part::Text(t) => match out.last_mut() {
                Some(Part::Text(prev)) => prev.push_str(&t),
                _ => out.push(Part::Text(t)),
            },
            p => out.push(p),
        }
    }
    out
}

/// Text that ends with a fax label (`FAX: `, `ＦＡＸ：`, `ファクス `).
fn is_fax_label(text: &str) -> bool {
    let folded: String = text
        .chars()
        .map(fold)
        .collect::<String>()
        .to_ascii_uppercase();
    let trimmed = folded
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '：' | '.' | '　'));
    trimmed.ends_with("FAX") || trimmed.ends_with("ファクス") || trimmed.ends_with("ファックス")
}

fn web_at(s: &[char], i: usize) -> Option<Found> {
    let rest: String = s[i..s.len().min(i + 8)]
        .iter()
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme = if rest.starts_with("https://") {
        8
    } else if rest.starts_with("http://") {
        7
    } else {
        return None;
    };
    let mut end = i + scheme;
    while end < s.len() && is_url_char(s[end]) {
        end += 1;
    }
    // Sentence punctuation after an address is not part of it.
    while end > i + scheme && matches!(s[end - 1], '.' | ',' | ')' | ';' | ':' | '!' | '?') {
        end -= 1;
    }
    if end == i + scheme {
        return None;
    }
    Some(Found {
        start: i,
        end,
        part: |shown, url| Part::Web { shown, url },
        target: s[i..end].iter().collect(),
    })
}

fn email_at(s: &[char], i: usize) -> Option<Found> {
    if !is_local_char(s[i]) || (i > 0 && is_local_char(s[i - 1])) {
        return None;
    }
    let mut at = i;
    while at < s.len() && is_local_char(s[at]) {
        at += 1;
    }
    if at == i || at >= s.len() || s[at] != '@' {
        return None;
    }
    let mut end = at + 1;
    while end < s.len() && is_domain_char(s[end]) {
        end += 1;
    }
    while end > at + 1 && matches!(s[end - 1], '.' | '-') {
        end -= 1;
    }
    let domain: String = s[at + 1..end].iter().collect();
    let tld = domain.rsplit('.').next().unwrap_or_default();
    if !domain.contains('.') || tld.len() < 2 || !tld.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    if s[i] == '.' || s[at - 1] == '.' {
        return None;
    }
    Some(Found {
        start: i,
        end,
        part: |shown, address| Part::Email { shown, address },
        target: s[i..end].iter().collect(),
    })
}

/// A Japanese phone number: `0` and 10 or 11 digits in all (`076-220-2026`,
/// `090-1234-5678`, `0120-123-456`, `(076)220-2026`), or `+81` and 9 or 10
/// more; groups joined by `-`, a space or brackets. Not inside a longer
/// run of digits or letters.
fn phone_at(s: &[char], i: usize) -> Option<Found> {
    let starts = s[i] == '0' || s[i] == '+' || (s[i] == '(' && s.get(i + 1) == Some(&'0'));
    if !starts || (i > 0 && (s[i - 1].is_ascii_alphanumeric() || s[i - 1] == '-')) {
        return None;
    }
    let mut tel = String::new();
    let mut last_digit_end = i;
    let mut j = i;
    while j < s.len() {
        let c = s[j];
        if c.is_ascii_digit() {
            tel.push(c);
            j += 1;
            last_digit_end = j;
        } else if c == '+' && j == i {
            tel.push('+');
            j += 1;
        } else if matches!(c, '-' | '(' | ')' | ' ')
            && s.get(j + 1)
                .is_some_and(|n| n.is_ascii_digit() || *n == '(')
        {
            // A separator counts only between digits: `076 220 2026`, not `076 と`.
            j += 1;
        } else if c == ')' {
            j += 1;
        } else {
            break;
        }
    }
    let end = last_digit_end;
    if end < s.len() && (s[end].is_ascii_alphanumeric()) {
        return None;
    }
    let digits = tel.trim_start_matches('+').len();
    let ok = if let Some(rest) = tel.strip_prefix("+81") {
        (9..=10).contains(&rest.len()) && !rest.starts_with('0')
    } else {
        tel.starts_with('0') && (10..=11).contains(&digits) && !tel.starts_with("00")
    };
    if !ok {
        return None;
    }
    // A bracket opened before the number and never closed is left as text.
    let start = if s[i] == '(' && !s[i..end].contains(&')') {
        i + 1
    } else {
        i
    };
    Some(Found {
        start,
        end,
        part: |shown, tel| Part::Phone { shown, tel },
        target: tel,
    })
}

/// The text as escaped HTML with its phone numbers, e-mail and web
/// addresses as links (`rel="external"`: the app's router leaves them to
/// the browser).
pub fn linked_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for part in find_links(text) {
        match part {
            Part::Text(t) => out.push_str(&escape(&t)),
            Part::Phone { shown, tel } => {
                let _ = write!(
                    out,
                    "<a class=\"tel\" href=\"tel:{}\" rel=\"external\">{}</a>",
                    escape(&tel),
                    escape(&shown)
                );
            }
            Part::Email { shown, address } => {
                let _ = write!(
                    out,
                    "<a class=\"mail\" href=\"mailto:{}\" rel=\"external\">{}</a>",
                    escape(&address),
                    breakable(&shown)
                );
            }
            Part::Web { shown, url } => {
                let _ = write!(
                    out,
                    "<a href=\"{}\" rel=\"external noopener\" target=\"_blank\">{}</a>",
                    escape(&url),
                    breakable(&shown)
                );
            }
        }
    }
    out
}

/// An address, escaped, that may break after `@`, `.` and `/` (`<wbr>`)
/// rather than inside a word when large text leaves it no room.
fn breakable(address: &str) -> String {
    let mut out = String::with_capacity(address.len() + 16);
    for c in address.chars() {
        out.push_str(&escape(c.encode_utf8(&mut [0; 4])));
        if matches!(c, '@' | '.' | '/' | '＠' | '．') {
            out.push_str("<wbr>");
        }
    }
    out
}

/// The phone numbers and e-mail addresses in a text, as `tel`/address.
fn reach_of(text: &str) -> Vec<String> {
    find_links(text)
        .into_iter()
        .filter_map(|p| match p {
            Part::Phone { tel, .. } => Some(tel),
            Part::Email { address, .. } => Some(address.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// The city's offices a group page names: the partner department (協働課) of
/// its challenge-program entries where the city's contacts list it, else
/// the program's office ([`CHALLENGE_OFFICE`]) for a group with entries,
/// else the office for every civic group ([`SUPPORT_CENTER`]); none for a
/// public body (it is the city). An office the group's own contacts
/// already give (the same phone or address) is not repeated.
pub fn offices_for<'a>(group: &Group, contacts: &'a [CityContact]) -> Vec<&'a CityContact> {
    if group.kind == GroupKind::Public {
        return Vec::new();
    }
    let by_id = |id: &str| contacts.iter().find(|c| c.id == id);
    let mut chosen: Vec<&CityContact> = Vec::new();
    for p in &group.programs {
        for dept in p.department.iter().flat_map(|d| d.split(['、', ',', '・'])) {
            let dept = dept.trim();
            if dept.is_empty() {
                continue;
            }
            if let Some(c) = contacts.iter().find(|c| c.name.ends_with(dept))
                && !chosen.iter().any(|k| k.id == c.id)
            {
                chosen.push(c);
            }
        }
    }
    if chosen.is_empty() {
        let fallback = if group.programs.is_empty() {
            SUPPORT_CENTER
        } else {
            CHALLENGE_OFFICE
        };
        chosen.extend(by_id(fallback));
    }
    let own: Vec<String> = group.contacts.iter().flat_map(|c| reach_of(c)).collect();
    chosen.retain(|c| {
        let theirs: Vec<String> = c
            .phone
            .iter()
            .chain(c.email.iter())
            .flat_map(|t| reach_of(t))
            .collect();
        !theirs.iter().any(|t| own.contains(t))
    });
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(shown: &str, tel: &str) -> Part {
        Part::Phone {
            shown: shown.into(),
            tel: tel.into(),
        }
    }
    fn text(t: &str) -> Part {
        Part::Text(t.into())
    }

    #[test]
    fn newsletter_lines_become_links() {
        assert_eq!(
            find_links("TEL 076-220-2026"),
            vec![text("TEL "), phone("076-220-2026", "0762202026")]
        );
        assert_eq!(
            find_links("☎ ０７６－２２０－２０２６"),
            vec![text("☎ "), phone("０７６－２２０－２０２６", "0762202026")]
        );
        assert_eq!(
            find_links("電話：076ー225ー7763まで"),
            vec![
                text("電話："),
                phone("076ー225ー7763", "0762257763"),
                text("まで")
            ]
        );
        assert_eq!(
            find_links("✉kyoudou@city.kanazawa.lg.jp。"),
            vec![
                text("✉"),
                Part::Email {
                    shown: "kyoudou@city.kanazawa.lg.jp".into(),
                    address: "kyoudou@city.kanazawa.lg.jp".into()
                },
                text("。")
            ]
        );
        assert_eq!(
            find_links("ｓｕｐｐｏｒｔ＿ｃｅｎｔｅｒ＠ｃｉｔｙ．ｋａｎａｚａｗａ．ｌｇ．ｊｐ"),
            vec![Part::Email {
                shown: "ｓｕｐｐｏｒｔ＿ｃｅｎｔｅｒ＠ｃｉｔｙ．ｋａｎａｚａｗａ．ｌｇ．ｊｐ"
                    .into(),
                address: "support_center@city.kanazawa.lg.jp".into()
            }]
        );
        assert_eq!(
            find_links("詳しくは https://www.city.kanazawa.ishikawa.jp/ へ"),
            vec![
                text("詳しくは "),
                Part::Web {
                    shown: "https://www.city.kanazawa.ishikawa.jp/".into(),
                    url: "https://www.city.kanazawa.ishikawa.jp/".into()
                },
                text(" へ")
            ]
        );
    }

    #[test]
    fn mobile_free_dial_and_brackets_are_numbers() {
        assert_eq!(
            find_links("090-1234-5678"),
            vec![phone("090-1234-5678", "09012345678")]
        );
        assert_eq!(
            find_links("0120-123-456"),
            vec![phone("0120-123-456", "0120123456")]
        );
        assert_eq!(
            find_links("(076)220-2026"),
            vec![phone("(076)220-2026", "0762202026")]
        );
        assert_eq!(
            find_links("076 220 2026"),
            vec![phone("076 220 2026", "0762202026")]
        );
        assert_eq!(
            find_links("+81 76-220-2026"),
            vec![phone("+81 76-220-2026", "+81762202026")]
        );
    }

    #[test]
    fn fax_postal_codes_dates_and_short_numbers_stay_text() {
        let line = "TEL: 076-255-0162 FAX: 076-255-0164";
        assert_eq!(
            find_links(line),
            vec![
                text("TEL: "),
                phone("076-255-0162", "0762550162"),
                text(" FAX: 076-255-0164")
            ]
        );
        assert_eq!(
            find_links("ＦＡＸ：０７６－２６０－１１７８"),
            vec![text("ＦＡＸ：０７６－２６０－１１７８")]
        );
        for plain in [
            "〒920-8577 金沢市広坂1丁目1番1号",
            "2021/10/23(土) 10:00-16:00",
            "220-2026",
            "定員 0762202026123 名",
            "a@b",
            "@city.kanazawa.lg.jp",
            "abc0762202026",
        ] {
            assert_eq!(find_links(plain), vec![text(plain)], "{plain}");
        }
    }

    #[test]
    fn links_are_escaped() {
        let html = linked_html("<b>TEL</b> 076-220-2026 & x\"@y.jp");
        assert_eq!(
            html,
            "&lt;b&gt;TEL&lt;/b&gt; <a class=\"tel\" href=\"tel:0762202026\" rel=\"external\">076-220-2026</a> &amp; x&quot;@y.jp"
        );
        assert_eq!(
            linked_html("a.b@c.jp"),
            "<a class=\"mail\" href=\"mailto:a.b@c.jp\" rel=\"external\">a.<wbr>b@<wbr>c.<wbr>jp</a>",
            "an address breaks after . and @, never inside a word"
        );
        let web = linked_html("https://example.jp/?a=1&b=\"2\"");
        assert!(
            web.starts_with("<a href=\"https://example.jp/?a=1&amp;b=\" rel="),
            "{web}"
        );
    }

    fn demo() -> (Vec<Group>, Vec<CityContact>) {
        let seed: crate::DirectorySeed =
            serde_json::from_str(include_str!("../../data/groups.json")).unwrap();
        let contacts = serde_json::from_str(include_str!("../../data/city_contacts.json")).unwrap();
        (seed.groups, contacts)
    }

    fn offices(id: &str) -> Vec<String> {
        let (groups, contacts) = demo();
        let g = groups.iter().find(|g| g.id == id).unwrap();
        offices_for(g, &contacts)
            .into_iter()
            .map(|c| c.id.clone())
            .collect()
    }

    #[test]
    fn a_group_page_names_only_its_office() {
        // 協働課 市民協働推進課 in its programme: that division.
        assert_eq!(offices("and"), ["shimin-kyodo-suishin-ka"]);
        // A partner department the city's contacts do not list: the programme's office.
        assert_eq!(offices("porepore"), [CHALLENGE_OFFICE]);
        // No programme: the support centre for civic groups.
        assert_eq!(offices("akari"), [SUPPORT_CENTER]);
        // The council itself (public) names no office.
        assert_eq!(offices("kyodo-shimin-kaigi"), Vec::<String>::new());
        // The student council's own contact is the exchange hall; the office
        // for its kind is the support centre.
        assert_eq!(offices("machizukuri-gakusei-kaigi"), [SUPPORT_CENTER]);
        // An office the group's own contacts already give is not repeated.
        let (groups, contacts) = demo();
        let mut g = groups.iter().find(|g| g.id == "porepore").unwrap().clone();
        g.contacts = vec!["電話 ０７６－２２０－２０２６".into()];
        assert!(offices_for(&g, &contacts).is_empty());
        // The student-recruitment notice (the exchange hall's role) is on no other group page.
        let (groups, contacts) = demo();
        for g in &groups {
            let named = offices_for(g, &contacts);
            assert!(named.len() <= 2, "{}", g.id);
            assert!(
                named
                    .iter()
                    .all(|c| c.id != "gakusei-no-machi-shimin-koryukan"),
                "{}",
                g.id
            );
        }
    }

    proptest::proptest! {
        /// Joining what is shown gives the text back, whatever it holds.
        #[test]
        fn parts_join_to_the_text(text in "[0-9０-９a-zＡ-Ｚ@＠.．\\-－ー ()（）:：電話FAXhtps/あ]{0,40}") {
            let joined: String = find_links(&text)
                .into_iter()
                .map(|p| match p {
                    Part::Text(t) => t,
                    Part::Phone { shown, .. } | Part::Email { shown, .. } | Part::Web { shown, .. } => shown,
                })
                .collect();
            proptest::prop_assert_eq!(joined, text);
        }
    }
}
