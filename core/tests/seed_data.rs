//! Checks the demo directory data built from the newsletters in the seeds
//! (`data/groups.json`, `data/city_contacts.json`).

use std::collections::HashSet;

use tsunagari_core::{CityContact, DirectorySeed, Group};

const GROUPS_JSON: &str = include_str!("../../data/groups.json");
const CITY_CONTACTS_JSON: &str = include_str!("../../data/city_contacts.json");

fn groups() -> Vec<Group> {
    serde_json::from_str::<DirectorySeed>(GROUPS_JSON)
        .expect("data/groups.json parses as DirectorySeed")
        .groups
}

fn city_contacts() -> Vec<CityContact> {
    serde_json::from_str(CITY_CONTACTS_JSON)
        .expect("data/city_contacts.json parses as [CityContact]")
}

fn is_kanji(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'      // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'    // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}'    // CJK compatibility ideographs
        | '\u{20000}'..='\u{2FFFF}'  // CJK extensions B and later
        | '々')
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, 'Ａ'..='Ｚ' | 'ａ'..='ｚ')
}

fn is_reading_char(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | 'ー')
}

fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[test]
fn groups_parse_and_are_not_empty() {
    let groups = groups();
    assert!(!groups.is_empty());
    // Round trip: what we serialize parses back to the same data.
    let seed = DirectorySeed { groups };
    let again: DirectorySeed =
        serde_json::from_str(&serde_json::to_string(&seed).unwrap()).unwrap();
    assert_eq!(seed, again);
}

#[test]
fn ids_are_unique_ascii_slugs() {
    let mut seen = HashSet::new();
    for g in groups() {
        assert!(is_slug(&g.id), "bad id {:?} for {}", g.id, g.name);
        assert!(seen.insert(g.id.clone()), "duplicate id {:?}", g.id);
    }
}

#[test]
fn names_are_unique_and_not_blank() {
    let mut seen = HashSet::new();
    for g in groups() {
        assert!(!g.name.trim().is_empty(), "blank name for {}", g.id);
        assert_eq!(g.name.trim(), g.name, "name of {} has outer spaces", g.id);
        assert!(seen.insert(g.name.clone()), "duplicate name {:?}", g.name);
    }
}

#[test]
fn readings_are_hiragana() {
    for g in groups() {
        if let Some(reading) = &g.reading {
            assert!(!reading.is_empty(), "empty reading for {}", g.id);
            assert!(
                reading.chars().all(is_reading_char),
                "reading {:?} of {} is not only hiragana and ー",
                reading,
                g.id
            );
        }
    }
}

#[test]
fn names_with_kanji_or_latin_letters_have_a_reading() {
    for g in groups() {
        if g.name.chars().any(|c| is_kanji(c) || is_latin(c)) {
            assert!(g.reading.is_some(), "{} ({}) needs a reading", g.name, g.id);
        }
    }
}

#[test]
fn descriptions_and_lists_are_not_blank() {
    for g in groups() {
        assert!(
            !g.description.trim().is_empty(),
            "{} has no description",
            g.id
        );
        for a in &g.activities {
            assert!(!a.trim().is_empty(), "{} has a blank activity", g.id);
        }
        for c in &g.contacts {
            assert!(!c.trim().is_empty(), "{} has a blank contact", g.id);
        }
        let regs: HashSet<_> = g.registrations.iter().collect();
        assert_eq!(
            regs.len(),
            g.registrations.len(),
            "{} repeats a registration",
            g.id
        );
    }
}

#[test]
fn programs_are_plausible() {
    for g in groups() {
        for p in &g.programs {
            assert!(
                (2007..=2030).contains(&p.fiscal_year),
                "{}: fiscal year {} out of range",
                g.id,
                p.fiscal_year
            );
            assert!(
                !p.title.trim().is_empty(),
                "{}: program without title",
                g.id
            );
            if let Some(d) = &p.department {
                assert!(!d.trim().is_empty(), "{}: blank department", g.id);
            }
        }
    }
}

#[test]
fn groups_from_the_issues_are_present() {
    let groups = groups();
    for needle in [
        "地域支援センター「ポレポレ」",
        "にじのわ～ママと子どもの育ちラボ～",
        "金沢城・兼六園研究会",
        "金沢まちづくり学生会議",
        "協働をすすめる市民会議",
    ] {
        assert!(
            groups.iter().any(|g| g.name.contains(needle)),
            "no group named like {needle}"
        );
    }
}

#[test]
fn at_least_sixteen_groups_adopted_in_reiwa_7() {
    let adopted = groups()
        .iter()
        .filter(|g| g.programs.iter().any(|p| p.fiscal_year == 2025))
        .count();
    assert!(
        adopted >= 16,
        "only {adopted} groups with a 令和7年度 program"
    );
}

#[test]
fn city_contacts_have_phone_and_email() {
    let contacts = city_contacts();
    assert!(contacts.len() >= 3);
    let mut seen = HashSet::new();
    for c in &contacts {
        assert!(is_slug(&c.id), "bad id {:?}", c.id);
        assert!(seen.insert(c.id.clone()), "duplicate id {:?}", c.id);
        assert!(!c.name.trim().is_empty());
        assert!(!c.role.trim().is_empty(), "{} has no role", c.id);
        let phone = c.phone.as_deref().unwrap_or_default();
        assert!(phone.starts_with("076-"), "{} phone {:?}", c.id, phone);
        let email = c.email.as_deref().unwrap_or_default();
        assert!(
            email.ends_with("@city.kanazawa.lg.jp"),
            "{} email {:?}",
            c.id,
            email
        );
    }
    for needle in [
        "市民協働推進課",
        "市民活動サポートセンター",
        "金沢学生のまち市民交流館",
    ] {
        assert!(
            contacts.iter().any(|c| c.name.contains(needle)),
            "no city contact named like {needle}"
        );
    }
}
