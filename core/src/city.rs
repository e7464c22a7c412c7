//! The municipality running this instance, as configuration: its name and
//! 全国地方公共団体コード, the words the header and page descriptions use,
//! the calendar's identifiers and the labels of the 部門 its directory's
//! history names. Kanazawa's is `data/city.json`; another city runs the
//! same build with its own file (the server's `--city FILE`, the app's
//! copy of the file at build time).

use serde::{Deserialize, Serialize};

use crate::directory::DivisionId;
use crate::i18n::Lang;

/// One city's configuration (`data/city.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CityConfig {
    /// 全国地方公共団体コード, six digits (`172014`): the open-data CSV's
    /// first column and the ids of imported events.
    pub code: String,
    /// `金沢市`, `Kanazawa City`.
    pub name_ja: String,
    pub name_en: String,
    /// 都道府県 (`石川県`): the open-data CSV's second column.
    pub prefecture_ja: String,
    /// The name as a place in a sentence: `金沢`, `Kanazawa`.
    pub place_ja: String,
    pub place_en: String,
    /// The line under the app's name in the header.
    pub tagline_ja: String,
    pub tagline_en: String,
    /// The domain part of the calendar's event UIDs (`<id>@<domain>`). Never
    /// changed once calendars subscribe: a new domain makes every event new.
    pub calendar_uid_domain: String,
    /// Labels of the 部門 the directory's program history names (past
    /// years' included); a round's own 部門 carry their labels.
    #[serde(default)]
    pub divisions: Vec<DivisionLabel>,
}

/// A 部門's labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DivisionLabel {
    pub code: DivisionId,
    pub label_ja: String,
    pub label_en: String,
}

/// Why a city file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CityError {
    #[error("the city file is not valid JSON for a city: {0}")]
    Json(String),
    #[error("the city file's `{0}` is wrong: {1}")]
    Field(&'static str, &'static str),
}

impl CityConfig {
    /// Reads and checks a city file.
    pub fn parse(json: &str) -> Result<CityConfig, CityError> {
        let c: CityConfig =
            serde_json::from_str(json).map_err(|e| CityError::Json(e.to_string()))?;
        c.check()?;
        Ok(c)
    }

    fn check(&self) -> Result<(), CityError> {
        if self.code.len() != 6 || !self.code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CityError::Field("code", "six digits, e.g. 172014"));
        }
        for (name, value) in [
            ("name_ja", &self.name_ja),
            ("name_en", &self.name_en),
            ("prefecture_ja", &self.prefecture_ja),
            ("place_ja", &self.place_ja),
            ("place_en", &self.place_en),
            ("tagline_ja", &self.tagline_ja),
            ("tagline_en", &self.tagline_en),
        ] {
            if value.trim().is_empty() || value.chars().count() > 100 {
                return Err(CityError::Field(name, "1–100 characters"));
            }
        }
        let d = &self.calendar_uid_domain;
        if d.is_empty()
            || d.len() > 100
            || !d
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        {
            return Err(CityError::Field(
                "calendar_uid_domain",
                "1–100 of letters, digits, `.` and `-`",
            ));
        }
        if self.divisions.iter().any(|d| !d.code.is_well_formed()) {
            return Err(CityError::Field(
                "divisions",
                "each code 1–40 of lower-case letters, digits and `_`",
            ));
        }
        Ok(())
    }

    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.name_ja,
            Lang::En => &self.name_en,
        }
    }

    pub fn place(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.place_ja,
            Lang::En => &self.place_en,
        }
    }

    pub fn tagline(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.tagline_ja,
            Lang::En => &self.tagline_en,
        }
    }

    /// The calendar feed's name (`X-WR-CALNAME`): the app's name and the tagline.
    pub fn calendar_name(&self) -> String {
        format!("{} {}", Lang::Ja.texts().app_name, self.tagline_ja)
    }

    /// The label of a 部門 the directory's history names; the id itself
    /// when the file does not label it.
    pub fn division_label(&self, lang: Lang, division: &DivisionId) -> String {
        match self.divisions.iter().find(|d| d.code == *division) {
            Some(d) => match lang {
                Lang::Ja => d.label_ja.clone(),
                Lang::En => d.label_en.clone(),
            },
            None => division.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KANAZAWA: &str = include_str!("../../data/city.json");

    #[test]
    fn kanazawas_file_reads_and_labels_its_history() {
        let c = CityConfig::parse(KANAZAWA).expect("city file");
        assert_eq!(c.code, "172014");
        assert_eq!(c.tagline(Lang::Ja), "金沢 協働のまちづくり");
        assert_eq!(
            c.division_label(Lang::Ja, &DivisionId::from("alumni")),
            "採択実績団体部門"
        );
        assert_eq!(
            c.division_label(Lang::En, &DivisionId::from("pre_challenge")),
            "Pre-challenge"
        );
        // A 部門 the file does not label reads as its id, never as nothing.
        assert_eq!(
            c.division_label(Lang::Ja, &DivisionId::from("kodomo")),
            "kodomo"
        );
    }

    #[test]
    fn a_wrong_file_says_which_field() {
        let bad = KANAZAWA.replace("\"172014\"", "\"17201\"");
        assert_eq!(
            CityConfig::parse(&bad),
            Err(CityError::Field("code", "six digits, e.g. 172014"))
        );
        let bad = KANAZAWA.replace("\"tsunagari.kanazawa\"", "\"a b\"");
        assert!(matches!(
            CityConfig::parse(&bad),
            Err(CityError::Field("calendar_uid_domain", _))
        ));
        assert!(matches!(CityConfig::parse("{}"), Err(CityError::Json(_))));
    }
}
