//! The municipality this build runs for: `data/city.json`, compiled in
//! (the server reads the same file with `--city`). Another city builds
//! with its own file; nothing else in the app names a city.

use std::sync::OnceLock;
use tsunagari_core::city::CityConfig;

/// The city's configuration. The file is checked by core's tests
/// (`city::tests`), so it parses in every build that passed them.
pub fn city() -> &'static CityConfig {
    static CITY: OnceLock<CityConfig> = OnceLock::new();
    CITY.get_or_init(|| {
        CityConfig::parse(include_str!("../../data/city.json"))
            .expect("data/city.json is a valid city file (core's city tests)")
    })
}
