//! A round (募集) of the 協働のまちづくりチャレンジ事業 as data: what staff
//! publish (`publish-round FILE`), the server serves as a feed and the app
//! validates a draft against.
//!
//! Nothing of one city's rules is compiled in: the 部門 with their caps and
//! text limits, the partner departments, the required fields, the
//! submission period and the guidance all come from the round file
//! (`data/rounds/<year>.json` for Kanazawa's). A round has an `id` and a
//! `version`; publishing a changed file with the same id and a higher
//! version replaces it, and a draft started under an older version
//! validates against the newest from then on ([`changes_for`] says what
//! changed for it).
//!
//! [`Round::parse`] reads a file and reports every problem at once, each
//! with where it is (`divisions[1].budget_cap_yen`) and a sentence in
//! Japanese and English.

use serde::{Deserialize, Serialize};

use crate::amount::group_digits as yen;
use crate::calendar::Date;
use crate::directory::DivisionId;
use crate::proposal::{FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, Field, Proposal};
use crate::wareki::{fiscal_year_en, fiscal_year_ja};

/// Which round (and which version of it) a draft was started in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoundRef {
    pub id: String,
    pub version: u32,
}

/// One round of the program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    /// Stable id, lower-case ASCII letters, digits and `-`
    /// (`kanazawa-challenge-2026`). Never reused for another round.
    pub id: String,
    /// 1, 2, …: a published change has a higher version.
    pub version: u32,
    /// The municipality running the round: its name and code come from
    /// this file, never from the build.
    pub city: City,
    /// 年度 — the fiscal year's Gregorian start year (2026 = 令和8年度).
    pub fiscal_year: u16,
    /// The round's name (`令和8年度 協働のまちづくりチャレンジ事業`).
    pub title_ja: String,
    pub title_en: String,
    /// The 部門 this round takes proposals for.
    pub divisions: Vec<RoundDivision>,
    /// The 部門 a new draft starts in (one of `divisions`); missing: the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_division: Option<DivisionId>,
    /// The partner departments (協働課) a proposal may name.
    pub departments: Vec<RoundDepartment>,
    /// The fields a proposal must fill before it is submitted. Missing from
    /// a file: [`DEFAULT_REQUIRED`].
    #[serde(default = "default_required")]
    pub required: Vec<Field>,
    pub period: Period,
    #[serde(default)]
    pub guidance: Guidance,
}

/// A municipality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct City {
    /// 全国地方公共団体コード, six digits with the check digit (`172014`).
    pub code: String,
    pub name_ja: String,
    pub name_en: String,
}

/// One 部門 of a round with its rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundDivision {
    /// The 部門's id, what a draft stores (`general`): 1–40 of `[a-z0-9_]`.
    pub code: DivisionId,
    pub label_ja: String,
    pub label_en: String,
    /// The most a proposal may spend (total expenses), in yen; `None`: no cap.
    #[serde(default)]
    pub budget_cap_yen: Option<u64>,
    pub limits: TextLimits,
}

/// Character and item limits of one 部門 (characters are Unicode scalar
/// values, so a kanji is one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextLimits {
    pub title_max: usize,
    pub summary_max: usize,
    /// The limit of each long text: purpose, local issue, activities,
    /// outcomes, role division.
    pub text_max: usize,
    pub milestones_max: usize,
    pub budget_lines_max: usize,
}

impl TextLimits {
    /// The most any round may allow. A draft whose round is not known (an
    /// old draft, a server with no round published) is stored within these,
    /// so no request makes unbounded work.
    pub const CEILING: TextLimits = TextLimits {
        title_max: 200,
        summary_max: 2_000,
        text_max: 10_000,
        milestones_max: 100,
        budget_lines_max: 200,
    };
}

/// A partner department (協働課).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundDepartment {
    /// The name a proposal stores.
    pub name_ja: String,
    pub name_en: String,
}

/// When proposals are taken: from `opens` up to (not including) `closes`,
/// both RFC 3339 with their offset (`2026-04-01T08:30:00+09:00`), and the
/// time zone they are shown in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub opens: String,
    pub closes: String,
    /// IANA name for people (`Asia/Tokyo`); the offsets above are what counts.
    pub time_zone: String,
}

/// Where `now` is against a round's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodState {
    NotOpen,
    Open,
    Closed,
}

impl Period {
    /// `opens` in Unix seconds (`None` when it does not parse: [`Round::check`] refuses that).
    pub fn opens_unix(&self) -> Option<i64> {
        parse_rfc3339(&self.opens)
    }
    pub fn closes_unix(&self) -> Option<i64> {
        parse_rfc3339(&self.closes)
    }

    /// Where `now_unix` (seconds) falls; a period that does not parse is closed.
    pub fn state(&self, now_unix: i64) -> PeriodState {
        match (self.opens_unix(), self.closes_unix()) {
            (Some(o), _) if now_unix < o => PeriodState::NotOpen,
            (Some(_), Some(c)) if now_unix < c => PeriodState::Open,
            _ => PeriodState::Closed,
        }
    }

    /// Why a submission at `now_unix` is refused, in Japanese and English;
    /// `None` while the period is open.
    pub fn refusal(&self, now_unix: i64) -> Option<(String, String)> {
        let shown = |s: &str| s.replacen('T', " ", 1);
        match self.state(now_unix) {
            PeriodState::Open => None,
            PeriodState::NotOpen => Some((
                format!(
                    "募集はまだ始まっていません。受付開始は{}（{}）です。下書きはそのまま残ります。",
                    shown(&self.opens),
                    self.time_zone
                ),
                format!(
                    "This round is not open yet; it opens at {} ({}). The draft is kept.",
                    shown(&self.opens),
                    self.time_zone
                ),
            )),
            PeriodState::Closed => Some((
                format!(
                    "募集の締切（{}、{}）を過ぎたため提出できません。下書きはそのまま残ります。",
                    shown(&self.closes),
                    self.time_zone
                ),
                format!(
                    "The deadline ({}, {}) has passed, so the proposal cannot be submitted. The draft is kept.",
                    shown(&self.closes),
                    self.time_zone
                ),
            )),
        }
    }
}

/// What the app shows about a round: text, links, dates, whom to ask.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guidance {
    #[serde(default)]
    pub text_ja: String,
    #[serde(default)]
    pub text_en: String,
    /// 募集要項, application forms, …
    #[serde(default)]
    pub links: Vec<GuidanceLink>,
    /// 説明会 and other dates.
    #[serde(default)]
    pub dates: Vec<GuidanceDate>,
    /// 問い合わせ先, as printed.
    #[serde(default)]
    pub contact_ja: String,
    #[serde(default)]
    pub contact_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuidanceLink {
    pub label_ja: String,
    pub label_en: String,
    /// `https://…` (or `http://`).
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuidanceDate {
    pub date: Date,
    pub label_ja: String,
    pub label_en: String,
}

/// The fields a round may list as required: every field of the form that
/// a person fills in.
pub const REQUIRABLE: [Field; 16] = [
    Field::Title,
    Field::Summary,
    Field::Purpose,
    Field::LocalIssue,
    Field::Activities,
    Field::Schedule,
    Field::Place,
    Field::Outcomes,
    Field::RoleDivision,
    Field::Department,
    Field::Budget,
    Field::ContactPerson,
    Field::Representative,
    Field::Address,
    Field::Phone,
    Field::Email,
];

/// What a round file without `required` requires, and what a draft with no
/// round is held to: every field but the group's own contact lines
/// (代表者, 所在地, phone, e-mail, the last four of [`REQUIRABLE`]), which a
/// round requires by listing them.
pub const DEFAULT_REQUIRED: &[Field] = REQUIRABLE.split_at(12).0;

fn default_required() -> Vec<Field> {
    DEFAULT_REQUIRED.to_vec()
}

/// `GET /api/rounds`: every published version of every round, by id then
/// version ([`round_of`] picks a draft's newest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundsFeed {
    pub rounds: Vec<Round>,
}

/// One problem with a round file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundError {
    /// Where in the file (`divisions[0].limits.title_max`; empty: the whole file).
    pub path: String,
    pub message_ja: String,
    pub message_en: String,
}

impl std::fmt::Display for RoundError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{} / {}", self.message_ja, self.message_en)
        } else {
            write!(
                f,
                "{}: {} / {}",
                self.path, self.message_ja, self.message_en
            )
        }
    }
}

fn err(path: impl Into<String>, ja: impl Into<String>, en: impl Into<String>) -> RoundError {
    RoundError {
        path: path.into(),
        message_ja: ja.into(),
        message_en: en.into(),
    }
}

/// The longest label, name or guidance text a round may carry.
pub const LABEL_MAX: usize = 100;
pub const GUIDANCE_TEXT_MAX: usize = 5_000;
pub const URL_MAX: usize = 500;
/// The most 部門, departments, links or dates one round lists.
pub const LIST_MAX: usize = 100;

fn check_label(errors: &mut Vec<RoundError>, path: String, value: &str) {
    if value.trim().is_empty() {
        errors.push(err(path, "空欄です。", "is empty."));
    } else if value.chars().count() > LABEL_MAX {
        errors.push(err(
            path,
            format!("{LABEL_MAX}文字以内にしてください。"),
            format!("has more than {LABEL_MAX} characters."),
        ));
    }
}

fn check_list_len(errors: &mut Vec<RoundError>, path: &str, len: usize, may_be_empty: bool) {
    if len == 0 && !may_be_empty {
        errors.push(err(path, "1つ以上必要です。", "needs at least one entry."));
    } else if len > LIST_MAX {
        errors.push(err(
            path,
            format!("{LIST_MAX}件以内にしてください。"),
            format!("has more than {LIST_MAX} entries."),
        ));
    }
}

impl Round {
    /// Reads a round file and checks it: every problem at once.
    pub fn parse(json: &str) -> Result<Round, Vec<RoundError>> {
        let round: Round = serde_json::from_str(json).map_err(|e| {
            vec![err(
                format!("line {}, column {}", e.line(), e.column()),
                format!("募集のファイルとして読めません：{e}"),
                format!("The file is not a round: {e}"),
            )]
        })?;
        round.check()?;
        Ok(round)
    }

    /// Every problem with the round, in file order.
    pub fn check(&self) -> Result<(), Vec<RoundError>> {
        let mut e = Vec::new();
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 64
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !id_ok {
            e.push(err(
                "id",
                "英小文字・数字・「-」の64文字以内にしてください（例：kanazawa-challenge-2026）。",
                "must be 1–64 lower-case letters, digits or `-` (e.g. kanazawa-challenge-2026).",
            ));
        }
        if self.version == 0 {
            e.push(err(
                "version",
                "1以上にしてください。",
                "must be 1 or more.",
            ));
        }
        if !(FISCAL_YEAR_MIN..=FISCAL_YEAR_MAX).contains(&self.fiscal_year) {
            e.push(err(
                "fiscal_year",
                format!("{FISCAL_YEAR_MIN}から{FISCAL_YEAR_MAX}の間にしてください。"),
                format!("must be from {FISCAL_YEAR_MIN} to {FISCAL_YEAR_MAX}."),
            ));
        }
        if self.city.code.len() != 6 || !self.city.code.bytes().all(|b| b.is_ascii_digit()) {
            e.push(err(
                "city.code",
                "全国地方公共団体コード（6桁、例：172014）にしてください。",
                "must be the six-digit local government code (e.g. 172014).",
            ));
        }
        check_label(&mut e, "city.name_ja".into(), &self.city.name_ja);
        check_label(&mut e, "city.name_en".into(), &self.city.name_en);
        check_label(&mut e, "title_ja".into(), &self.title_ja);
        check_label(&mut e, "title_en".into(), &self.title_en);
        self.check_divisions(&mut e);
        check_list_len(&mut e, "departments", self.departments.len(), false);
        for (i, d) in self.departments.iter().enumerate() {
            check_label(&mut e, format!("departments[{i}].name_ja"), &d.name_ja);
            check_label(&mut e, format!("departments[{i}].name_en"), &d.name_en);
            if self.departments[..i].iter().any(|o| o.name_ja == d.name_ja) {
                e.push(err(
                    format!("departments[{i}].name_ja"),
                    format!("「{}」が2回あります。", d.name_ja),
                    format!("“{}” is listed twice.", d.name_ja),
                ));
            }
        }
        for (i, f) in self.required.iter().enumerate() {
            if !REQUIRABLE.contains(f) || self.required[..i].contains(f) {
                e.push(err(
                    format!("required[{i}]"),
                    "必須にできる項目ではないか、2回あります。",
                    "is not a field that can be required, or is listed twice.",
                ));
            }
        }
        // (With no 部門 at all, `divisions` says so once.)
        if let Some(d) = &self.default_division
            && !self.divisions.is_empty()
            && self.division(d).is_none()
        {
            e.push(err(
                "default_division",
                format!("「{d}」は divisions にない部門です。"),
                format!("“{d}” is not one of the round's divisions."),
            ));
        }
        self.check_period(&mut e);
        self.check_guidance(&mut e);
        if e.is_empty() { Ok(()) } else { Err(e) }
    }

    fn check_divisions(&self, e: &mut Vec<RoundError>) {
        check_list_len(e, "divisions", self.divisions.len(), false);
        let ceiling = TextLimits::CEILING;
        for (i, d) in self.divisions.iter().enumerate() {
            let at = |f: &str| format!("divisions[{i}].{f}");
            if !d.code.is_well_formed() {
                e.push(err(
                    at("code"),
                    format!(
                        "「{}」は部門のIDにできません。英小文字・数字・「_」の{}文字以内にしてください（例：general）。",
                        d.code,
                        DivisionId::MAX
                    ),
                    format!(
                        "“{}” cannot be a division id: use 1–{} lower-case letters, digits or `_` (e.g. general).",
                        d.code,
                        DivisionId::MAX
                    ),
                ));
            } else if self.divisions[..i].iter().any(|o| o.code == d.code) {
                e.push(err(
                    at("code"),
                    format!("「{}」が2回あります。", d.code),
                    format!("“{}” is listed twice.", d.code),
                ));
            }
            check_label(e, at("label_ja"), &d.label_ja);
            check_label(e, at("label_en"), &d.label_en);
            if d.budget_cap_yen == Some(0) {
                e.push(err(
                    at("budget_cap_yen"),
                    "1円以上にするか、上限なしなら null にしてください。",
                    "must be at least 1 yen, or null for no cap.",
                ));
            }
            let l = &d.limits;
            for (name, value, max) in [
                ("title_max", l.title_max, ceiling.title_max),
                ("summary_max", l.summary_max, ceiling.summary_max),
                ("text_max", l.text_max, ceiling.text_max),
                ("milestones_max", l.milestones_max, ceiling.milestones_max),
                (
                    "budget_lines_max",
                    l.budget_lines_max,
                    ceiling.budget_lines_max,
                ),
            ] {
                if value == 0 || value > max {
                    e.push(err(
                        at(&format!("limits.{name}")),
                        format!("1から{max}の間にしてください（今は{value}）。"),
                        format!("must be from 1 to {max} (it is {value})."),
                    ));
                }
            }
        }
    }

    fn check_period(&self, e: &mut Vec<RoundError>) {
        let p = &self.period;
        let opens = p.opens_unix();
        let closes = p.closes_unix();
        for (name, value, parsed) in [("opens", &p.opens, opens), ("closes", &p.closes, closes)] {
            if parsed.is_none() {
                e.push(err(
                    format!("period.{name}"),
                    format!("「{value}」は時差つきの日時ではありません（例：2026-04-01T08:30:00+09:00）。"),
                    format!("“{value}” is not a date and time with its offset (e.g. 2026-04-01T08:30:00+09:00)."),
                ));
            }
        }
        if let (Some(o), Some(c)) = (opens, closes)
            && o >= c
        {
            e.push(err(
                "period.closes",
                "締切は受付開始より後にしてください。",
                "must be after period.opens.",
            ));
        }
        check_label(e, "period.time_zone".into(), &p.time_zone);
    }

    fn check_guidance(&self, e: &mut Vec<RoundError>) {
        let g = &self.guidance;
        for (name, text) in [
            ("text_ja", &g.text_ja),
            ("text_en", &g.text_en),
            ("contact_ja", &g.contact_ja),
            ("contact_en", &g.contact_en),
        ] {
            if text.chars().count() > GUIDANCE_TEXT_MAX {
                e.push(err(
                    format!("guidance.{name}"),
                    format!("{GUIDANCE_TEXT_MAX}文字以内にしてください。"),
                    format!("has more than {GUIDANCE_TEXT_MAX} characters."),
                ));
            }
        }
        check_list_len(e, "guidance.links", g.links.len(), true);
        for (i, l) in g.links.iter().enumerate() {
            check_label(e, format!("guidance.links[{i}].label_ja"), &l.label_ja);
            check_label(e, format!("guidance.links[{i}].label_en"), &l.label_en);
            let scheme_ok = l.url.starts_with("https://") || l.url.starts_with("http://");
            if !scheme_ok || l.url.len() > URL_MAX || l.url.chars().any(char::is_whitespace) {
                e.push(err(
                    format!("guidance.links[{i}].url"),
                    format!("https:// で始まる{URL_MAX}文字以内のアドレスにしてください。"),
                    format!("must be an https:// address of at most {URL_MAX} characters."),
                ));
            }
        }
        check_list_len(e, "guidance.dates", g.dates.len(), true);
        for (i, d) in g.dates.iter().enumerate() {
            check_label(e, format!("guidance.dates[{i}].label_ja"), &d.label_ja);
            check_label(e, format!("guidance.dates[{i}].label_en"), &d.label_en);
        }
    }

    /// The 部門 a new draft starts in: `default_division`, else the first.
    pub fn first_division(&self) -> Option<&RoundDivision> {
        self.default_division
            .as_ref()
            .and_then(|d| self.division(d))
            .or(self.divisions.first())
    }

    /// This round's rules for `division`, if it takes proposals for it.
    pub fn division(&self, division: &DivisionId) -> Option<&RoundDivision> {
        self.divisions.iter().find(|d| d.code == *division)
    }

    /// The department named `name_ja`, if the round lists it.
    pub fn department(&self, name_ja: &str) -> Option<&RoundDepartment> {
        self.departments.iter().find(|d| d.name_ja == name_ja)
    }

    /// The limits a draft in `division` is held to: its 部門's, or, for a
    /// 部門 the round does not take, the most generous of the round's (so
    /// the other messages still help).
    pub fn limits_for(&self, division: &DivisionId) -> TextLimits {
        if let Some(d) = self.division(division) {
            return d.limits;
        }
        let most = |f: fn(&TextLimits) -> usize| {
            self.divisions
                .iter()
                .map(|d| f(&d.limits))
                .max()
                .unwrap_or(0)
        };
        TextLimits {
            title_max: most(|l| l.title_max),
            summary_max: most(|l| l.summary_max),
            text_max: most(|l| l.text_max),
            milestones_max: most(|l| l.milestones_max),
            budget_lines_max: most(|l| l.budget_lines_max),
        }
    }

    pub fn is_required(&self, field: &Field) -> bool {
        self.required.contains(field)
    }

    /// What a draft records when it is started in this round.
    pub fn reference(&self) -> RoundRef {
        RoundRef {
            id: self.id.clone(),
            version: self.version,
        }
    }

    /// `令和8年度` / `FY2026`.
    pub fn fiscal_year_ja(&self) -> String {
        fiscal_year_ja(self.fiscal_year)
    }
    pub fn fiscal_year_en(&self) -> String {
        fiscal_year_en(self.fiscal_year)
    }
}

/// The round `p` belongs to among `rounds`: the newest version of the
/// round it records, or, for a draft that records none (started before
/// rounds existed), the newest round of its fiscal year.
pub fn round_of<'a>(p: &Proposal, rounds: &'a [Round]) -> Option<&'a Round> {
    let newest = |it: &mut dyn Iterator<Item = &'a Round>| it.max_by_key(|r| r.version);
    match &p.round {
        Some(r) => newest(&mut rounds.iter().filter(|x| x.id == r.id)),
        None => newest(&mut rounds.iter().filter(|x| x.fiscal_year == p.fiscal_year)),
    }
}

/// One change between two versions of a round that matters for one draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundChange {
    /// The form's field the change is about.
    pub field: Field,
    pub message_ja: String,
    pub message_en: String,
}

/// What changed for `p` between `old` (the version it was started in) and
/// `new`: its 部門's cap and limits, its 部門 or department no longer
/// offered, newly required fields, the period. Empty: nothing that
/// concerns this draft.
pub fn changes_for(old: &Round, new: &Round, p: &Proposal) -> Vec<RoundChange> {
    let mut out = Vec::new();
    let mut push = |field: Field, ja: String, en: String| {
        out.push(RoundChange {
            field,
            message_ja: ja,
            message_en: en,
        })
    };
    match (old.division(&p.division), new.division(&p.division)) {
        (Some(o), Some(n)) => {
            if o.budget_cap_yen != n.budget_cap_yen {
                let ja = |c: Option<u64>| {
                    c.map_or("上限なし".to_string(), |c| format!("{}円", yen(c)))
                };
                let en =
                    |c: Option<u64>| c.map_or("no cap".to_string(), |c| format!("{} yen", yen(c)));
                push(
                    Field::Budget,
                    format!(
                        "{}の支出の上限が{}から{}に変わりました。",
                        n.label_ja,
                        ja(o.budget_cap_yen),
                        ja(n.budget_cap_yen)
                    ),
                    format!(
                        "The expense cap of the {} division changed from {} to {}.",
                        n.label_en,
                        en(o.budget_cap_yen),
                        en(n.budget_cap_yen)
                    ),
                );
            }
            let (ol, nl) = (o.limits, n.limits);
            for (field, a, b) in [
                (Field::Title, ol.title_max, nl.title_max),
                (Field::Summary, ol.summary_max, nl.summary_max),
                (Field::Purpose, ol.text_max, nl.text_max),
            ] {
                if a != b {
                    let (lja, len) = if field == Field::Purpose {
                        ("長い文章の各項目", "each long text")
                    } else {
                        (field.label_ja(), field.label_en())
                    };
                    push(
                        field,
                        format!("{lja}の文字数の上限が{a}文字から{b}文字に変わりました。"),
                        format!("The limit of {len} changed from {a} to {b} characters."),
                    );
                }
            }
            for (field, a, b, ja, en) in [
                (
                    Field::Schedule,
                    ol.milestones_max,
                    nl.milestones_max,
                    "予定",
                    "milestones",
                ),
                (
                    Field::Budget,
                    ol.budget_lines_max,
                    nl.budget_lines_max,
                    "収支予算の行",
                    "budget lines",
                ),
            ] {
                if a != b {
                    push(
                        field,
                        format!("{ja}の上限が{a}件から{b}件に変わりました。"),
                        format!("The most {en} changed from {a} to {b}."),
                    );
                }
            }
        }
        (Some(o), None) => push(
            Field::Division,
            format!(
                "{}はこの募集の新しい版で受け付けなくなりました。部門を選び直してください。",
                o.label_ja
            ),
            format!(
                "The new version of this round no longer takes the {} division; choose another.",
                o.label_en
            ),
        ),
        _ => {}
    }
    let dept = p.department.trim();
    if !dept.is_empty() && old.department(dept).is_some() && new.department(dept).is_none() {
        push(
            Field::Department,
            format!("「{dept}」は新しい版の協働課の一覧から外れました。選び直してください。"),
            format!("“{dept}” is no longer among the partner departments; choose another."),
        );
    }
    for f in &new.required {
        if !old.required.contains(f) {
            push(
                f.clone(),
                format!("{}が必須になりました。", f.label_ja()),
                format!("The {} is now required.", f.label_en()),
            );
        }
    }
    if old.period.closes != new.period.closes {
        push(
            Field::FiscalYear,
            format!(
                "締切が{}から{}に変わりました。",
                old.period.closes.replacen('T', " ", 1),
                new.period.closes.replacen('T', " ", 1)
            ),
            format!(
                "The deadline changed from {} to {}.",
                old.period.closes.replacen('T', " ", 1),
                new.period.closes.replacen('T', " ", 1)
            ),
        );
    }
    out
}

/// An RFC 3339 date and time with seconds optional and an offset
/// (`Z`, `+09:00`), as Unix seconds. Fractions of a second are ignored.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        (!part.is_empty() && part.bytes().all(|c| c.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    if b.len() < 17
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
    {
        return None;
    }
    let date = Date::new(
        u16::try_from(num(0..4)?).ok()?,
        u8::try_from(num(5..7)?).ok()?,
        u8::try_from(num(8..10)?).ok()?,
    )
    .ok()?;
    let (hour, minute) = (num(11..13)?, num(14..16)?);
    let mut i = 16;
    let mut second = 0;
    if b.get(i) == Some(&b':') {
        second = num(i + 1..i + 3)?;
        i += 3;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return None;
            }
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let offset = match s.get(i..)? {
        "Z" | "z" => 0,
        rest if rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[3] == b':' =>
        {
            let (h, m) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if h > 23 || m > 59 {
                return None;
            }
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (h * 3600 + m * 60)
        }
        _ => return None,
    };
    Some(date.to_epoch_days() * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_instants() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("1970-01-01T09:00:00+09:00"), Some(0));
        assert_eq!(parse_rfc3339("1970-01-01T09:00+09:00"), Some(0));
        assert_eq!(parse_rfc3339("1969-12-31T15:00:00-09:00"), Some(0));
        assert_eq!(
            parse_rfc3339("2026-04-01T08:30:00.123+09:00"),
            parse_rfc3339("2026-04-01T08:30:00+09:00")
        );
        for bad in [
            "",
            "2026-04-01",
            "2026-04-01T08:30:00",
            "2026-02-30T08:30:00+09:00",
            "2026-04-01T24:00:00+09:00",
            "2026-04-01T08:30:00+0900",
            "2026-04-01 08:30:00+09:00",
            "２０２６-04-01T08:30:00+09:00",
            "2026-04-01T08:30:00.+09:00",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
