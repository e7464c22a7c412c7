//! The group directory (団体名簿): civic groups, NPOs, 町会, student groups.

use serde::{Deserialize, Serialize};

/// A stable, human-readable id such as `porepore`. Never reused.
pub type GroupId = String;

/// One entry of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: GroupId,
    /// The name as the seeds write it, e.g. `特定非営利活動法人地域支援センター「ポレポレ」`.
    pub name: String,
    /// 読み仮名 in hiragana, for names with kanji (or Latin letters read in
    /// kana), without spaces. The seeds give it; the server computes it at
    /// import when it is missing, and its reviewed overrides
    /// (`data/reading_overrides.tsv`) replace it for a name they list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading: Option<String>,
    pub kind: GroupKind,
    /// What the group does, in the seeds' words (one or two short paragraphs).
    pub description: String,
    /// Activities the seeds name (short phrases), for the detail page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<String>,
    /// Public registrations the seeds record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub registrations: Vec<Registration>,
    /// 協働のまちづくりチャレンジ事業 history.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<ProgramEntry>,
    /// Public contact lines the seeds print for the group (URL, SNS, phone), verbatim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<String>,
    /// 読み of the description and activities: for each of their lines
    /// that has a kanji, the whole line read in hiragana (kana, Latin
    /// letters, digits and symbols as written, NFKC), one line each,
    /// joined with `\n` (e.g. `こそだてしえんのかつどう\nけんろくえんのせいそう`).
    /// Computed by the server's morphological analyser when the data is
    /// imported, so `こそだて` finds 子育て without a dictionary in the app;
    /// a match never spans two lines. Empty when no line has a kanji, or
    /// when not computed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body_reading: String,
}

/// 団体の種類 — what kind of organisation a group is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// 町会・地域団体 (neighbourhood associations, PTAs, 公民館 groups).
    Community,
    /// NPO法人 (特定非営利活動法人).
    Npo,
    /// 一般社団法人 / 一般財団法人.
    Association,
    /// 市民活動団体 (voluntary civic groups).
    Civic,
    /// 学生団体 (university students).
    Student,
    /// 高校生 (high-school students).
    HighSchool,
    /// 企業 (companies taking part in 協働).
    Company,
    /// 公共 (the city's own offices and councils).
    Public,
}

impl GroupKind {
    pub const ALL: [GroupKind; 8] = [
        GroupKind::Community,
        GroupKind::Npo,
        GroupKind::Association,
        GroupKind::Civic,
        GroupKind::Student,
        GroupKind::HighSchool,
        GroupKind::Company,
        GroupKind::Public,
    ];

    pub fn label_ja(self) -> &'static str {
        match self {
            GroupKind::Community => "町会・地域団体",
            GroupKind::Npo => "NPO法人",
            GroupKind::Association => "一般社団法人",
            GroupKind::Civic => "市民活動団体",
            GroupKind::Student => "学生団体",
            GroupKind::HighSchool => "高校生",
            GroupKind::Company => "企業",
            GroupKind::Public => "公共機関",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            GroupKind::Community => "Neighbourhood / community",
            GroupKind::Npo => "NPO",
            GroupKind::Association => "Incorporated association",
            GroupKind::Civic => "Civic group",
            GroupKind::Student => "Student group",
            GroupKind::HighSchool => "High-school students",
            GroupKind::Company => "Company",
            GroupKind::Public => "Public body",
        }
    }

    /// The snake_case code used on the wire and in URLs.
    pub fn code(self) -> &'static str {
        match self {
            GroupKind::Community => "community",
            GroupKind::Npo => "npo",
            GroupKind::Association => "association",
            GroupKind::Civic => "civic",
            GroupKind::Student => "student",
            GroupKind::HighSchool => "high_school",
            GroupKind::Company => "company",
            GroupKind::Public => "public",
        }
    }

    pub fn from_code(code: &str) -> Option<GroupKind> {
        GroupKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// A public registration of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Registration {
    /// 協働をすすめる市民団体 (registered with the city).
    KyodoCivicGroup,
    /// 学生×地域連携プラットフォーム.
    StudentPlatform,
}

impl Registration {
    pub fn label_ja(self) -> &'static str {
        match self {
            Registration::KyodoCivicGroup => "協働をすすめる市民団体",
            Registration::StudentPlatform => "学生×地域連携プラットフォーム",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Registration::KyodoCivicGroup => "Registered civic partner group",
            Registration::StudentPlatform => "Student × community platform",
        }
    }
}

/// 部門 — the category a challenge-program proposal competes in, by its id
/// (`general`, `start`). Which 部門 exist, and their labels, caps and
/// limits, are data: a round's file ([`crate::round::RoundDivision`]) and,
/// for the directory's history, the city's file
/// ([`crate::city::CityConfig::division_label`]). Stored as the bare
/// string, so drafts written when 部門 were a compiled enum (its
/// snake_case names) read unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DivisionId(String);

impl DivisionId {
    /// The longest id accepted.
    pub const MAX: usize = 40;

    pub fn new(id: impl Into<String>) -> DivisionId {
        DivisionId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 1–40 of `[a-z0-9_]`: what a round file may name a 部門.
    pub fn is_well_formed(&self) -> bool {
        !self.0.is_empty()
            && self.0.len() <= Self::MAX
            && self
                .0
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    }
}

impl std::fmt::Display for DivisionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for DivisionId {
    fn from(s: &str) -> DivisionId {
        DivisionId(s.to_string())
    }
}

impl PartialEq<str> for DivisionId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for DivisionId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// One year of a group's 協働のまちづくりチャレンジ事業 history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramEntry {
    /// The fiscal year's Gregorian start year (2023 = 令和5年度, April 2023–March 2024).
    pub fiscal_year: u16,
    pub division: DivisionId,
    /// 事業名 / 企画名 as the seeds give it.
    pub title: String,
    /// 協働課 — the partner department, when the seeds name it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

/// One of the city's public contact points printed in the newsletters
/// (市民協働推進課, 市民活動サポートセンター, 金沢学生のまち市民交流館).
/// They live in `data/city_contacts.json`, which the app compiles in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CityContact {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// What to contact them about, in Japanese.
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The demo data file the server loads into its database (`data/groups.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectorySeed {
    pub groups: Vec<Group>,
}
