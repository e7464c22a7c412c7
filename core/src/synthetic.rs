//! Synthetic data (合成データ) for benchmarks and tests: plausible Kanazawa
//! civic groups and the queries someone types while looking for them.
//!
//! Deterministic: the same `n` and `seed` always give the same output, on
//! every platform (the browser benchmark reuses this module in wasm). The
//! random numbers come from a tiny inline SplitMix64, not from `rand`.

use crate::calendar::{Date, Time};
use crate::directory::{DivisionId, Group, GroupKind, ProgramEntry, Registration};
use crate::events::{Event, EventCategory, EventDate};
use crate::width::{DAKUTEN, HALF_WIDTH_BLOCK, HANDAKUTEN, decompose};

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast, good enough here.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`), by multiply-shift (no modulo bias
    /// worth speaking of at these sizes).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A name part and its reading in hiragana.
type Part = (&'static str, &'static str);

/// The 部門 ids Kanazawa's directory history names (`data/city.json`).
const HISTORY_DIVISIONS: [&str; 8] = [
    "start",
    "general",
    "collaboration",
    "student",
    "high_school",
    "student_high_school",
    "pre_challenge",
    "alumni",
];

const PLACES: &[Part] = &[
    ("金沢", "かなざわ"),
    ("兼六", "けんろく"),
    ("犀川", "さいがわ"),
    ("浅野川", "あさのがわ"),
    ("東山", "ひがしやま"),
    ("長町", "ながまち"),
    ("香林坊", "こうりんぼう"),
    ("野町", "のまち"),
    ("寺町", "てらまち"),
    ("片町", "かたまち"),
    ("尾張町", "おわりちょう"),
    ("主計町", "かずえまち"),
    ("卯辰山", "うたつやま"),
    ("湯涌", "ゆわく"),
    ("金石", "かないわ"),
    ("大野", "おおの"),
    ("森本", "もりもと"),
    ("泉野", "いずみの"),
    ("西念", "さいねん"),
    ("本多町", "ほんだまち"),
    ("小立野", "こだつの"),
    ("近江町", "おうみちょう"),
    ("広坂", "ひろさか"),
    ("石引", "いしびき"),
    ("金沢城", "かなざわじょう"),
    ("兼六園", "けんろくえん"),
];

const THEMES: &[Part] = &[
    ("子育て", "こそだて"),
    ("防災", "ぼうさい"),
    ("まちづくり", "まちづくり"),
    ("アート", "あーと"),
    ("環境", "かんきょう"),
    ("多文化", "たぶんか"),
    ("国際交流", "こくさいこうりゅう"),
    ("福祉", "ふくし"),
    ("食育", "しょくいく"),
    ("伝統工芸", "でんとうこうげい"),
    ("歴史", "れきし"),
    ("観光", "かんこう"),
    ("スポーツ", "すぽーつ"),
    ("音楽", "おんがく"),
    ("読書", "どくしょ"),
    ("見守り", "みまもり"),
    ("高齢者支援", "こうれいしゃしえん"),
    ("不登校支援", "ふとうこうしえん"),
    ("里山保全", "さとやまほぜん"),
    ("用水", "ようすい"),
    ("空き家活用", "あきやかつよう"),
    ("ピアサポート", "ぴあさぽーと"),
    ("フードバンク", "ふーどばんく"),
    ("ボランティア", "ぼらんてぃあ"),
    ("子ども食堂", "こどもしょくどう"),
    ("ユニバーサルデザイン", "ゆにばーさるでざいん"),
];

const SUFFIXES: &[Part] = &[
    ("会", "かい"),
    ("の会", "のかい"),
    ("研究会", "けんきゅうかい"),
    ("協議会", "きょうぎかい"),
    ("ネットワーク", "ねっとわーく"),
    ("プロジェクト", "ぷろじぇくと"),
    ("クラブ", "くらぶ"),
    ("サークル", "さーくる"),
    ("ラボ", "らぼ"),
    ("実行委員会", "じっこういいんかい"),
    ("応援団", "おうえんだん"),
    ("センター", "せんたー"),
];

/// Nicknames printed in 「」 (katakana, hiragana or Latin).
const NICKNAMES: &[Part] = &[
    ("ポレポレ", "ぽれぽれ"),
    ("ひだまり", "ひだまり"),
    ("Tips", "てぃっぷす"),
    ("まちcafe", "まちかふぇ"),
    ("ハーモニー", "はーもにー"),
    ("つむぎ", "つむぎ"),
    ("Link", "りんく"),
    ("かがやき", "かがやき"),
    ("ワンダー", "わんだー"),
    ("Smile", "すまいる"),
    ("ぬくもり", "ぬくもり"),
    ("ゆいまーる", "ゆいまーる"),
    ("コンパス", "こんぱす"),
    ("Bridge", "ぶりっじ"),
    ("ミライ", "みらい"),
    ("あおぞら", "あおぞら"),
];

const UNIVERSITIES: &[Part] = &[
    ("金沢大学", "かなざわだいがく"),
    ("金沢美術工芸大学", "かなざわびじゅつこうげいだいがく"),
    ("金沢工業大学", "かなざわこうぎょうだいがく"),
    ("北陸大学", "ほくりくだいがく"),
    ("金沢星稜大学", "かなざわせいりょうだいがく"),
];

const AUDIENCES: &[&str] = &[
    "子ども",
    "子育て中の親",
    "高齢者",
    "外国人住民",
    "大学生",
    "地域住民",
    "障がいのある方",
    "観光客",
];

const ACTIVITIES: &[&str] = &[
    "交流会",
    "勉強会",
    "ワークショップ",
    "清掃活動",
    "防災訓練",
    "まち歩き",
    "料理教室",
    "相談会",
    "展示会",
    "演奏会",
    "読み聞かせ",
    "見守り活動",
    "フリーマーケット",
    "オンラインサロン",
];

const FREQUENCIES: &[&str] = &["毎月", "毎週土曜日に", "年に数回", "季節ごとに", "月に二回"];

const GOALS: &[&str] = &[
    "誰もが暮らしやすいまち",
    "災害に強い地域",
    "世代を超えたつながり",
    "伝統文化の継承",
    "豊かな自然の保全",
    "多様な人が集まる居場所",
];

const DEPARTMENTS: &[&str] = &[
    "市民協働推進課",
    "危機管理課",
    "環境政策課",
    "文化政策課",
    "子育て支援課",
    "国際交流課",
    "福祉政策課",
];

/// `n` plausible groups, numbered `syn-00000`, `syn-00001`, …
///
/// Names combine Kanazawa place names, themes and suffixes, sometimes with
/// a legal-form prefix (特定非営利活動法人, 一般社団法人), a university, a
/// 中黒 `・` or a nickname in 「」; the reading is built from the same parts
/// (without the legal form), and omitted when the name is all kana.
pub fn groups(n: usize, seed: u64) -> Vec<Group> {
    let mut rng = Rng::new(seed);
    (0..n).map(|i| group(&mut rng, i)).collect()
}

fn group(rng: &mut Rng, i: usize) -> Group {
    let kind = *rng.pick(&GroupKind::ALL);
    let place = *rng.pick(PLACES);
    let theme = *rng.pick(THEMES);
    let suffix = *rng.pick(SUFFIXES);

    let mut name = String::new();
    let mut reading = String::new();

    match kind {
        GroupKind::Npo if rng.chance(70) => name.push_str("特定非営利活動法人"),
        GroupKind::Npo => name.push_str("NPO法人"),
        GroupKind::Association => name.push_str("一般社団法人"),
        GroupKind::Company => name.push_str("株式会社"),
        GroupKind::Student => add(*rng.pick(UNIVERSITIES), &mut name, &mut reading),
        _ => {}
    }

    match rng.below(6) {
        // 犀川子育てネットワーク
        0 | 1 => {
            add(place, &mut name, &mut reading);
            add(theme, &mut name, &mut reading);
            add(suffix, &mut name, &mut reading);
        }
        // 東山・主計町まちづくり協議会
        2 => {
            let other = *rng.pick(PLACES);
            add(place, &mut name, &mut reading);
            name.push('・');
            add(other, &mut name, &mut reading);
            add(theme, &mut name, &mut reading);
            add(suffix, &mut name, &mut reading);
        }
        // 浅野川防災センター「ポレポレ」
        3 => {
            add(place, &mut name, &mut reading);
            add(theme, &mut name, &mut reading);
            add(suffix, &mut name, &mut reading);
            name.push('「');
            add(*rng.pick(NICKNAMES), &mut name, &mut reading);
            name.push('」');
        }
        // ピアサポートセッション「Tips」-like: theme + suffix + nickname
        4 => {
            add(theme, &mut name, &mut reading);
            add(suffix, &mut name, &mut reading);
            name.push('「');
            add(*rng.pick(NICKNAMES), &mut name, &mut reading);
            name.push('」');
        }
        // ひだまりクラブ
        _ => {
            add(*rng.pick(NICKNAMES), &mut name, &mut reading);
            add(suffix, &mut name, &mut reading);
        }
    }
    if kind == GroupKind::HighSchool {
        name.push_str("（高校生）");
        reading.push_str("こうこうせい");
    }
    let all_kana = name.chars().all(is_kana);

    let activity = *rng.pick(ACTIVITIES);
    let mut description = format!("{}を拠点に、{}の活動をしています。", place.0, theme.0);
    if rng.chance(70) {
        description.push_str(&format!(
            "{}を対象に、{}{}を開いています。",
            rng.pick(AUDIENCES),
            rng.pick(FREQUENCIES),
            activity
        ));
    }
    if rng.chance(50) {
        description.push_str(&format!(
            "地域の方々と協力し、{}を目指しています。",
            rng.pick(GOALS)
        ));
    }

    let activities = (0..rng.range(0, 3))
        .map(|_| {
            if rng.chance(50) {
                format!("{}での{}", rng.pick(PLACES).0, rng.pick(ACTIVITIES))
            } else {
                (*rng.pick(ACTIVITIES)).to_owned()
            }
        })
        .collect();

    let mut registrations = Vec::new();
    if rng.chance(40) {
        registrations.push(Registration::KyodoCivicGroup);
    }
    if matches!(kind, GroupKind::Student | GroupKind::HighSchool) && rng.chance(60) {
        registrations.push(Registration::StudentPlatform);
    }

    let programs = (0..rng.range(0, 2))
        .map(|_| ProgramEntry {
            fiscal_year: 2015 + rng.below(11) as u16,
            division: DivisionId::from(*rng.pick(&HISTORY_DIVISIONS)),
            title: format!("{}の{}{}事業", rng.pick(PLACES).0, theme.0, activity),
            department: if rng.chance(70) {
                Some((*rng.pick(DEPARTMENTS)).to_owned())
            } else {
                None
            },
        })
        .collect();

    let id = format!("syn-{i:05}");
    let contacts = if rng.chance(30) {
        vec![format!("https://example.jp/{id}")]
    } else {
        Vec::new()
    };

    Group {
        id,
        name,
        reading: if all_kana { None } else { Some(reading) },
        kind,
        description,
        activities,
        registrations,
        programs,
        contacts,
        // What the server's analyser would read of the first sentence.
        body_reading: format!(
            "{}をきょてんに、{}のかつどうをしています。",
            place.1, theme.1
        ),
    }
}

/// Appends a part to the name and its reading to the reading.
fn add(part: Part, name: &mut String, reading: &mut String) {
    name.push_str(part.0);
    reading.push_str(part.1);
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}')
}

/// `n` queries as someone types them into the search box: prefixes of real
/// names, readings and descriptions, growing one character at a time (1 to
/// 6 characters), some in katakana, some in half-width katakana (半角カナ),
/// some with full-width Latin letters (全角英字, `ｔｉｐｓ`).
///
/// Empty when `groups` is empty.
pub fn keystroke_queries(groups: &[Group], n: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(n);
    if groups.is_empty() {
        return out;
    }
    while out.len() < n {
        let g = rng.pick(groups);
        let reading = g.reading.as_deref().unwrap_or(&g.name);
        let roll = rng.below(100);
        let (source, script): (String, Script) = match roll {
            // The name from its start, as the IME converts it.
            0..20 => (g.name.clone(), Script::AsIs),
            // The name from somewhere inside (`ポレ…`, `犀川…`).
            20..40 => (skip_chars(&g.name, rng.below(count(&g.name))), Script::AsIs),
            // The name with its Latin letters typed full width.
            40..45 => (g.name.clone(), Script::FullWidthLatin),
            // The reading in hiragana, from its start or from inside.
            45..65 => (reading.to_owned(), Script::AsIs),
            65..72 => (skip_chars(reading, rng.below(count(reading))), Script::AsIs),
            // The reading in katakana, full or half width.
            72..85 => (reading.to_owned(), Script::Katakana),
            85..93 => (reading.to_owned(), Script::HalfWidthKatakana),
            // A word of the description.
            _ => (
                skip_chars(&g.description, rng.below(count(&g.description))),
                Script::AsIs,
            ),
        };
        let longest = rng.range(1, 6).min(count(&source));
        for len in 1..=longest {
            if out.len() == n {
                break;
            }
            let prefix: String = source.chars().take(len).collect();
            out.push(script.apply(&prefix));
        }
        // A source with no characters adds nothing; the loop picks again.
    }
    out
}

/// `n` queries typed in romaji or with a typo, keystroke by keystroke:
/// a group's reading (or the kana of its name) typed in Hepburn or kunrei
/// romaji, one letter more each time (`k`, `ke`, `ken`, … `kenrokuen`);
/// or that kana, or its romaji, with one kana dropped, doubled, changed or
/// two swapped, from its third character on. What the issue's residents
/// typed; the search benchmark mixes them with [`keystroke_queries`].
///
/// Empty when `groups` is empty.
pub fn romaji_and_typo_queries(groups: &[Group], n: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(n);
    if groups.is_empty() {
        return out;
    }
    while out.len() < n {
        let g = rng.pick(groups);
        let kana = crate::search::normalize(g.reading.as_deref().unwrap_or(&g.name));
        let mut chars: Vec<char> = kana.chars().take(rng.range(3, 8)).collect();
        if !chars
            .iter()
            .all(|&c| ('ぁ'..='ゖ').contains(&c) || c == 'ー')
        {
            continue;
        }
        let typo = rng.chance(40);
        if typo {
            let at = rng.range(1, chars.len() - 1);
            match rng.below(4) {
                0 => {
                    chars.remove(at);
                }
                1 => chars.insert(at, chars[at]),
                2 => chars.swap(at - 1, at),
                _ => chars[at] = *rng.pick(&['が', 'ぱ', 'つ', 'ゆ', 'ん', 'ろ']),
            }
        }
        let hepburn = rng.chance(60);
        let typed = if rng.chance(70) {
            to_romaji(&chars, hepburn)
        } else {
            chars.iter().collect()
        };
        let first = if typo { 3 } else { 1 };
        let letters: Vec<char> = typed.chars().collect();
        for len in first..=letters.len() {
            if out.len() == n {
                break;
            }
            out.push(letters[..len].iter().collect());
        }
    }
    out
}

/// Hiragana as romaji: Hepburn (`shi chi tsu fu ji`) or kunrei (`si ti tu
/// hu zi`), `っ` as a doubled consonant, `ん` as `n` (`nn` before a vowel),
/// `ー` as `-`.
fn to_romaji(kana: &[char], hepburn: bool) -> String {
    let mut out = String::new();
    let mut double = false;
    for (k, &c) in kana.iter().enumerate() {
        let next = kana.get(k + 1).copied();
        let syllable = match c {
            'っ' => {
                double = true;
                continue;
            }
            'ん' => match next {
                Some(
                    'あ' | 'い' | 'う' | 'え' | 'お' | 'や' | 'ゆ' | 'よ' | 'な' | 'に' | 'ぬ'
                    | 'ね' | 'の',
                ) => "nn".to_owned(),
                _ => "n".to_owned(),
            },
            'ー' => "-".to_owned(),
            'ゃ' | 'ゅ' | 'ょ' | 'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' => continue,
            _ => {
                let small = match next {
                    Some('ゃ') => Some(0),
                    Some('ゅ') => Some(2),
                    Some('ょ') => Some(4),
                    _ => None,
                };
                let Some(mut romaji) = crate::romaji::romaji_of(c) else {
                    continue;
                };
                if hepburn {
                    for (kunrei, hep) in [
                        ("si", "shi"),
                        ("ti", "chi"),
                        ("tu", "tsu"),
                        ("hu", "fu"),
                        ("zi", "ji"),
                    ] {
                        if romaji == kunrei {
                            romaji = hep.to_owned();
                        }
                    }
                }
                if let Some(v) = small {
                    romaji.pop();
                    if !romaji.ends_with(['h', 'j']) {
                        romaji.push('y');
                    }
                    romaji.push("aiueo".as_bytes()[v] as char);
                }
                romaji
            }
        };
        if double && let Some(first) = syllable.chars().next() {
            out.push(first);
        }
        double = false;
        out.push_str(&syllable);
    }
    out
}

#[derive(Debug, Clone, Copy)]
enum Script {
    AsIs,
    FullWidthLatin,
    Katakana,
    HalfWidthKatakana,
}

impl Script {
    fn apply(self, s: &str) -> String {
        match self {
            Script::AsIs => s.to_owned(),
            Script::FullWidthLatin => s.chars().map(full_width_latin).collect(),
            Script::Katakana => s.chars().map(to_katakana).collect(),
            Script::HalfWidthKatakana => half_width(s),
        }
    }
}

fn count(s: &str) -> usize {
    s.chars().count()
}

fn skip_chars(s: &str, k: usize) -> String {
    s.chars().skip(k).collect()
}

/// ASCII `!`..=`~` → full width `！`..=`～`.
fn full_width_latin(c: char) -> char {
    match c {
        '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// ひらがな → カタカナ (`ぁ`..=`ゖ`, `ゝゞ`).
fn to_katakana(c: char) -> char {
    match c {
        '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}' => {
            char::from_u32(c as u32 + 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

/// Kana → 半角カナ (voiced kana become two characters, `ガ` → `ｶﾞ`).
/// Characters with no half-width form are kept.
fn half_width(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().map(to_katakana) {
        let (base, mark) = match decompose(c) {
            Some((base, mark)) => (base, Some(mark)),
            None => (c, None),
        };
        // Only kana: the block's first five entries are punctuation.
        let half = HALF_WIDTH_BLOCK
            .chars()
            .skip(5)
            .position(|k| k == base)
            .and_then(|p| char::from_u32(0xFF66 + p as u32));
        // No half-width base (e.g. ヽ of ヾ): keep the kana as it is.
        let Some(half) = half else {
            out.push(c);
            continue;
        };
        out.push(half);
        match mark {
            Some(DAKUTEN) => out.push('\u{FF9E}'),
            Some(HANDAKUTEN) => out.push('\u{FF9F}'),
            _ => {}
        }
    }
    out
}

/// Venues: a Kanazawa place name goes before each.
const VENUE_KINDS: &[&str] = &[
    "公民館",
    "市民センター",
    "広場",
    "交流館",
    "コミュニティホール",
    "児童館",
];

const FEES: &[&str] = &[
    "無料",
    "500円",
    "1,000円",
    "資料代300円",
    "一般800円・学生無料",
];

/// What an event of each category is called after its place and theme.
fn event_word(category: EventCategory) -> &'static str {
    match category {
        EventCategory::Festival => "まつり",
        EventCategory::Workshop => "講座",
        EventCategory::Exchange => "交流会",
        EventCategory::Presentation => "成果発表会",
        EventCategory::Salon => "サロン",
        EventCategory::Recruitment => "ボランティア募集説明会",
        EventCategory::Other => "のつどい",
    }
}

/// `n` plausible events, numbered `syn-ev-00000`, `syn-ev-00001`, …
///
/// Days are spread over fiscal years 2025 and 2026 (2025-04-01 to
/// 2027-03-31); most events have a start time (on the hour or half hour)
/// and often an end time, some are all-day (終日), some run over two to
/// four days. Categories are mixed; when `groups` is not empty, about 40 %
/// are run by one of them (`organiser` is its name, `organiser_group_id`
/// its id). Every event passes [`Event::validate`].
pub fn events(n: usize, seed: u64, groups: &[Group]) -> Vec<Event> {
    let mut rng = Rng::new(seed);
    (0..n).map(|i| event(&mut rng, i, groups)).collect()
}

fn event(rng: &mut Rng, i: usize, groups: &[Group]) -> Event {
    // 2025-04-01 is day 20_179 after 1970-01-01; 730 days later is still in range.
    let start_day = Date::from_epoch_days(20_179 + rng.below(730) as i64)
        .expect("a day of fiscal 2025–2026 is a valid date");
    let category = *rng.pick(&EventCategory::ALL);
    let place = *rng.pick(PLACES);
    let theme = *rng.pick(THEMES);
    let word = event_word(category);

    let mut title = String::new();
    let mut reading = String::new();
    add(place, &mut title, &mut reading);
    add(theme, &mut title, &mut reading);
    title.push_str(word);

    let multi_day = rng.chance(10);
    let all_day = multi_day && rng.chance(60) || rng.chance(15);
    let last_day = if multi_day {
        start_day
            .add_days(rng.range(1, 3) as i64)
            .unwrap_or(start_day)
    } else {
        start_day
    };
    let (start, end) = if all_day {
        let end = (last_day != start_day).then_some(EventDate::all_day(last_day));
        (EventDate::all_day(start_day), end)
    } else {
        let hour = rng.range(9, 19) as u8;
        let minute = if rng.chance(30) { 30 } else { 0 };
        let start_time = Time::new(hour, minute).unwrap_or(Time::MIDNIGHT);
        let end = if multi_day || rng.chance(75) {
            let end_hour = (hour + rng.range(1, 3) as u8).min(21);
            let end_time = Time::new(end_hour, minute).unwrap_or(start_time);
            Some(EventDate::at(last_day, end_time))
        } else {
            None
        };
        (EventDate::at(start_day, start_time), end)
    };

    let mut event = Event::new(format!("syn-ev-{i:05}"), title, start, category);
    event.reading = None;
    event.end = end;
    event.place = format!("{}{}", place.0, rng.pick(VENUE_KINDS));
    if rng.chance(60) {
        event.address = format!(
            "石川県金沢市{}{}丁目{}",
            place.0,
            rng.range(1, 5),
            rng.range(1, 30)
        );
    }
    if rng.chance(50) {
        // Around the centre of Kanazawa (香林坊).
        event.lat = Some(36.56 + (rng.below(1000) as f64 - 500.0) / 10_000.0);
        event.lon = Some(136.65 + (rng.below(1000) as f64 - 500.0) / 10_000.0);
    }
    if !groups.is_empty() && rng.chance(40) {
        let group = rng.pick(groups);
        event.organiser = group.name.clone();
        event.organiser_group_id = Some(group.id.clone());
    } else if rng.chance(60) {
        event.organiser = format!("{}{}実行委員会", place.0, theme.0);
    }
    event.description = format!(
        "{}を対象に、{}の{}を開きます。",
        rng.pick(AUDIENCES),
        theme.0,
        rng.pick(ACTIVITIES)
    );
    if rng.chance(40) {
        event.description.push_str(&format!(
            "{}を目指して、地域のみなさんと考えます。",
            rng.pick(GOALS)
        ));
    }
    event.body_reading = format!("{}\n{}の", place.1, theme.1);
    event.fee = (*rng.pick(FEES)).to_owned();
    if rng.chance(40) {
        event.capacity = Some(rng.range(10, 200) as u32);
        event.application_deadline = start_day.add_days(-(rng.range(1, 14) as i64));
        event.application_method = "電話またはメールでお申し込みください。".to_owned();
    }
    if rng.chance(50) {
        event.contact = format!(
            "076-220-{:04} / syn-ev-{i:05}@example.jp",
            rng.below(10_000)
        );
    }
    if rng.chance(30) {
        event.url = format!("https://example.jp/events/syn-ev-{i:05}");
    }
    event
}

/// A proposal of `group` that [`crate::proposal::validate`] accepts: the
/// fixture the sync and server tests build their drafts from.
pub fn valid_proposal(group: &str) -> crate::proposal::Proposal {
    use crate::proposal::{BudgetKind, BudgetLine, Milestone, Proposal};
    let line = |id: &str, kind, item: &str, yen| BudgetLine {
        id: id.into(),
        kind,
        item: item.into(),
        amount: crate::amount::Amount::yen(yen),
    };
    Proposal {
        title: "雪かきボランティアの輪".into(),
        summary: "高齢者世帯の雪かきを学生と町会で行う。".into(),
        purpose: "冬の暮らしを地域で支える。".into(),
        local_issue: "高齢化で雪かきができない世帯が増えている。".into(),
        activities: "説明会、雪かき、振り返りの会。".into(),
        schedule: vec![Milestone {
            id: "m1".into(),
            date: Date::new(2025, 11, 1).expect("a valid date"),
            what: "説明会".into(),
        }],
        place: "金沢市内の町会".into(),
        outcomes: "30世帯の雪かき".into(),
        role_division: "団体は運営、市は広報。".into(),
        department: "市民協働推進課".into(),
        budget: vec![
            line("b1", BudgetKind::Income, "補助金", 200_000),
            line("b2", BudgetKind::Expense, "スコップ", 200_000),
        ],
        contact_person: "金沢 花子".into(),
        ..Proposal::new_draft(2025, "general".into(), group.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::normalize;

    #[test]
    fn deterministic() {
        assert_eq!(groups(50, 7), groups(50, 7));
        assert_ne!(groups(50, 7), groups(50, 8));
        let g = groups(200, 1);
        assert_eq!(keystroke_queries(&g, 300, 2), keystroke_queries(&g, 300, 2));
    }

    #[test]
    fn ids_unique_and_fields_plausible() {
        let g = groups(1000, 42);
        let mut ids: Vec<&str> = g.iter().map(|g| g.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 1000);
        for group in &g {
            assert!(!group.name.is_empty());
            assert!(group.description.ends_with('。'));
            let sentences = group.description.matches('。').count();
            assert!((1..=3).contains(&sentences), "{}", group.description);
            if let Some(r) = &group.reading {
                assert!(r.chars().all(is_kana), "{r}");
            }
        }
    }

    #[test]
    fn queries_have_the_requested_count_and_length() {
        let g = groups(100, 3);
        let q = keystroke_queries(&g, 500, 4);
        assert_eq!(q.len(), 500);
        // Half-width voiced kana may take two characters per typed one.
        assert!(q.iter().all(|q| (1..=12).contains(&q.chars().count())));
        assert!(
            q.iter()
                .any(|q| q.chars().any(|c| ('\u{FF66}'..='\u{FF9F}').contains(&c)))
        );
        assert!(
            q.iter()
                .any(|q| q.chars().any(|c| ('\u{30A1}'..='\u{30F6}').contains(&c)))
        );
        assert!(keystroke_queries(&[], 10, 1).is_empty());
    }

    #[test]
    fn half_width_round_trips_through_normalize() {
        assert_eq!(half_width("ぽれぽれ"), "ﾎﾟﾚﾎﾟﾚ");
        assert_eq!(half_width("がっこう"), "ｶﾞｯｺｳ");
        assert_eq!(normalize(&half_width("ぴあさぽーと")), "ぴあさぽーと");
        assert_eq!(Script::FullWidthLatin.apply("Tips"), "Ｔｉｐｓ".to_owned());
    }

    #[test]
    fn events_are_valid_deterministic_and_varied() {
        let g = groups(20, 5);
        let e = events(2000, 9, &g);
        assert_eq!(e, events(2000, 9, &g));
        assert_ne!(e, events(2000, 10, &g));
        assert_eq!(e.len(), 2000);
        let first = Date::new(2025, 4, 1).expect("date");
        let last = Date::new(2027, 3, 31).expect("date");
        let mut ids: Vec<&str> = e.iter().map(|e| e.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 2000);
        for event in &e {
            assert_eq!(event.validate(), Ok(()), "{event:?}");
            assert!(first <= event.first_day() && event.first_day() <= last);
            if let Some(id) = &event.organiser_group_id {
                assert!(g.iter().any(|g| &g.id == id && g.name == event.organiser));
            }
        }
        assert!(e.iter().any(Event::is_all_day));
        assert!(e.iter().any(|e| !e.is_all_day()));
        assert!(e.iter().any(Event::is_multi_day));
        assert!(e.iter().any(|e| e.organiser_group_id.is_some()));
        for category in EventCategory::ALL {
            assert!(e.iter().any(|e| e.category == category), "{category:?}");
        }
        assert!(
            events(50, 1, &[])
                .iter()
                .all(|e| e.organiser_group_id.is_none())
        );
    }
}
