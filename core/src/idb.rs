//! The names in the app's IndexedDB database that more than the app reads.
//!
//! The directory's page starts reading the stored groups and their kept
//! search index before its wasm has even loaded: a script of the page's own
//! (`xtask precache`, `early_read_script`), written by the build from these names, so
//! the app (`app/src/store`) and that script can never disagree.

/// The app's database.
pub const DB_NAME: &str = "tsunagari";
/// Its schema's version. The early read asks for exactly this version: a
/// database of another one is left to the app (to upgrade, or to refuse).
pub const DB_VERSION: u32 = 6;
/// Small values by key (feed cursors, the last update).
pub const META: &str = "meta";
/// The directory's groups, in JSON buckets.
pub const GROUP_BUCKETS: &str = "group_buckets";
/// The key in [`META`] of the groups feed's cursor.
pub const GROUPS_CURSOR: &str = "cursor";
/// The directory's kept search index, one record.
pub const SEARCH_INDEX: &str = "search_index";
/// That record's key.
pub const SEARCH_INDEX_KEY: &str = "groups";
/// The page's global holding the early read (a `Promise`), which the app
/// takes once.
pub const EARLY_READ: &str = "__tsunagariStored";
