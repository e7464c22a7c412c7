//! The UI's strings: core's (`tsunagari_core::i18n`, shared with the HTML
//! the server renders) re-exported, plus what only the app says (the
//! status line's age, the drafts' pages).

#[cfg(feature = "full")]
mod drafts;
#[cfg(feature = "full")]
pub use drafts::{DraftTexts, api_error, conflict_count, draft_state, field_label, waiting_count};

// The shell leaves the calendar's callers out.
#[cfg_attr(not(feature = "full"), allow(unused_imports))]
pub use tsunagari_core::i18n::{
    Lang, Texts, category_label, count, day_label, event_count, fiscal_year, kind_label, long_date,
    month_title, month_title_html, no_match, search_all_kinds, show_more, weekday_label,
};

/// What the app adds to core's `Lang`: the drafts' strings. (The saved
/// choice is `crate::prefs`.)
pub trait LangExt: Sized {
    #[cfg(feature = "full")]
    fn drafts(self) -> &'static DraftTexts;
}

impl LangExt for Lang {
    /// The strings of sign-in and proposal drafts.
    #[cfg(feature = "full")]
    fn drafts(self) -> &'static DraftTexts {
        match self {
            Lang::Ja => &drafts::JA,
            Lang::En => &drafts::EN,
        }
    }
}

/// `lang="ja"` for an element holding the data's Japanese words (a group's
/// name, an event's title) on an English page (core's `html::ja`).
pub fn data_lang(lang: Lang) -> Option<&'static str> {
    (lang == Lang::En).then_some("ja")
}

/// Epoch milliseconds as Japan time, `2026/11/23 10:00` (JST has no
/// daylight saving: always UTC+9).
pub fn format_jst(epoch_ms: f64) -> String {
    let minutes = (epoch_ms / 60_000.0).floor() as i64 + 9 * 60;
    let days = minutes.div_euclid(24 * 60);
    let minute_of_day = minutes.rem_euclid(24 * 60);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y}/{m:02}/{d:02} {:02}:{:02}",
        minute_of_day / 60,
        minute_of_day % 60
    )
}

/// `最終更新: 3分前（2026/12/01 13:05）` / `Updated: 3 min ago
/// (2026/12/01 13:05)`.
pub fn last_updated(lang: Lang, at_ms: f64, now_ms: f64) -> String {
    let (age, at) = last_updated_parts(lang, at_ms, now_ms);
    format!("{age}{at}")
}

/// [`last_updated`] in two: how old (`最終更新: 3分前`), which a phone at
/// large text shows alone, and when (`（2026/12/01 13:05）`).
pub fn last_updated_parts(lang: Lang, at_ms: f64, now_ms: f64) -> (String, String) {
    let label = lang.texts().last_updated;
    let at = format_jst(at_ms);
    let age = format!("{label}: {}", age(lang, at_ms, now_ms));
    match lang {
        Lang::Ja => (age, format!("（{at}）")),
        Lang::En => (age, format!(" ({at})")),
    }
}

/// How long ago `at_ms` was: `3分前`, `3 min ago`.
fn age(lang: Lang, at_ms: f64, now_ms: f64) -> String {
    let minutes = ((now_ms - at_ms) / 60_000.0).floor().max(0.0) as u64;
    let (hours, days) = (minutes / 60, minutes / (60 * 24));
    match lang {
        Lang::Ja if minutes < 1 => "たった今".to_string(),
        Lang::Ja if hours < 1 => format!("{minutes}分前"),
        Lang::Ja if days < 1 => format!("{hours}時間前"),
        Lang::Ja => format!("{days}日前"),
        Lang::En if minutes < 1 => "just now".to_string(),
        Lang::En if hours < 1 => format!("{minutes} min ago"),
        Lang::En if days < 1 => format!("{hours} h ago"),
        Lang::En if days == 1 => "1 day ago".to_string(),
        Lang::En => format!("{days} days ago"),
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japan_time() {
        // 2026-11-23T01:00:00Z is 10:00 in Japan.
        assert_eq!(format_jst(1_795_395_600_000.0), "2026/11/23 10:00");
        // 2024-02-29T15:30:00Z is 00:30 on 1 March in Japan.
        assert_eq!(format_jst(1_709_220_600_000.0), "2024/03/01 00:30");
        assert_eq!(format_jst(0.0), "1970/01/01 09:00");
    }

    #[test]
    fn last_updated_says_how_old_the_data_is() {
        let at = 1_795_395_600_000.0;
        let min = 60_000.0;
        assert_eq!(
            last_updated(Lang::Ja, at, at + 10_000.0),
            "最終更新: たった今（2026/11/23 10:00）"
        );
        assert_eq!(
            last_updated(Lang::Ja, at, at + 5.0 * min),
            "最終更新: 5分前（2026/11/23 10:00）"
        );
        assert_eq!(
            last_updated(Lang::Ja, at, at + 180.0 * min),
            "最終更新: 3時間前（2026/11/23 10:00）"
        );
        assert_eq!(
            last_updated(Lang::En, at, at + 3.0 * 24.0 * 60.0 * min),
            "Updated: 3 days ago (2026/11/23 10:00)"
        );
        assert_eq!(
            last_updated_parts(Lang::Ja, at, at + 5.0 * min),
            (
                "最終更新: 5分前".to_owned(),
                "（2026/11/23 10:00）".to_owned()
            )
        );
    }
}
