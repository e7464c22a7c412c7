//! The round (募集) drafts are started in and validated against: the
//! newest version of the round of the current fiscal year among the rounds
//! feed (`GET /api/rounds`, kept in IndexedDB's `meta` for offline use),
//! or, before the first pull, the round file shipped with the build
//! (`data/rounds/2026.json`). The server holds a draft to the round it
//! records (or the newest of its fiscal year) whatever the app shows.

use std::cell::Cell;
use std::sync::OnceLock;
use tsunagari_core::DivisionId;
use tsunagari_core::i18n::Lang;
use tsunagari_core::round::Round;

/// The shipped round, or `None` if the file does not parse.
fn bundled() -> Option<&'static Round> {
    static ROUND: OnceLock<Option<Round>> = OnceLock::new();
    ROUND
        .get_or_init(|| Round::parse(include_str!("../../../data/rounds/2026.json")).ok())
        .as_ref()
}

thread_local! {
    /// Set from the feed; leaked once per change of the feed (rare), so
    /// the form's plain functions can read it.
    static CURRENT: Cell<Option<&'static Round>> = const { Cell::new(None) };
}

/// The round new drafts start in and the form checks against (`None`: no
/// round known; the form then holds drafts to the ceiling limits, as the
/// server does).
pub fn current() -> Option<&'static Round> {
    CURRENT.with(Cell::get).or_else(bundled)
}

/// The newest version of the round of `fiscal_year`, else the newest
/// round of the latest year, among `rounds`.
pub fn pick(rounds: &[Round], fiscal_year: u16) -> Option<&Round> {
    let newest = |year: u16| {
        rounds
            .iter()
            .filter(|r| r.fiscal_year == year)
            .max_by_key(|r| r.version)
    };
    newest(fiscal_year).or_else(|| {
        let latest = rounds.iter().map(|r| r.fiscal_year).max()?;
        newest(latest)
    })
}

/// Makes `round` the current one.
pub fn set_current(round: Option<&Round>) {
    let Some(round) = round else { return };
    if CURRENT.with(Cell::get) == Some(round) {
        return;
    }
    let leaked: &'static Round = Box::leak(Box::new(round.clone()));
    CURRENT.with(|c| c.set(Some(leaked)));
}

/// A 部門's label: the current round's, else the city file's, else its id.
pub fn division_label(lang: Lang, division: &DivisionId) -> String {
    match current().and_then(|r| r.division(division)) {
        Some(d) => match lang {
            Lang::Ja => d.label_ja.clone(),
            Lang::En => d.label_en.clone(),
        },
        None => crate::city::city().division_label(lang, division),
    }
}
