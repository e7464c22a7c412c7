//! The round (募集) a draft is validated against. Until the app keeps the
//! rounds feed in IndexedDB, this is the round file shipped with the build
//! (`data/rounds/2026.json`), parsed once; the server holds a draft to the
//! round it records (or the newest of its fiscal year) whatever the app says.

use std::sync::OnceLock;
use tsunagari_core::round::Round;

/// The shipped round, or `None` if the file does not parse (the form then
/// holds drafts to the ceiling limits, as the server does without a round).
pub fn bundled() -> Option<&'static Round> {
    static ROUND: OnceLock<Option<Round>> = OnceLock::new();
    ROUND
        .get_or_init(|| Round::parse(include_str!("../../../data/rounds/2026.json")).ok())
        .as_ref()
}
