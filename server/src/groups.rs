//! The group directory on top of the store: typed reads, imports, deletion.

use std::path::Path;

use tsunagari_core::{Cursor, DirectorySeed, FeedPage, Group};

use crate::seed::{self, SeedError};
use crate::store::{Feed, ImportSummary, Source, Store, StoreError, UpsertSummary};
use crate::{feed, readings};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Seed(#[from] SeedError),
    #[error("the directory file is not valid: {0}")]
    Invalid(String),
    #[error("could not encode the group {id:?}: {source}")]
    Encode {
        id: String,
        source: serde_json::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Makes the live groups exactly those of `seed` (see [`Store::replace_all`]),
/// with their readings ([`readings::fill_groups`]).
pub async fn import(store: &Store, seed: &DirectorySeed) -> Result<ImportSummary, ImportError> {
    seed::check(seed).map_err(ImportError::Invalid)?;
    let groups = readings::fill_groups(seed.groups.clone()).await;
    Ok(store.replace_all(Feed::Groups, &encode(&groups)?).await?)
}

fn encode(groups: &[Group]) -> Result<Vec<(String, serde_json::Value)>, ImportError> {
    groups
        .iter()
        .map(|g| {
            serde_json::to_value(g)
                .map(|body| (g.id.clone(), body))
                .map_err(|source| ImportError::Encode {
                    id: g.id.clone(),
                    source,
                })
        })
        .collect()
}

/// Whether a stored group lacks readings it could have: a kanji name
/// without a reading, or kanji in its text and no `body_reading`.
fn lacks_readings(g: &Group) -> bool {
    (g.reading.is_none() && readings::needs_reading(&g.name))
        || (g.body_reading.is_empty()
            && (readings::needs_reading(&g.description)
                || g.activities.iter().any(|a| readings::needs_reading(a))))
}

/// Gives the live groups stored before readings existed (or while the
/// dictionary was missing) their readings; run at start-up. Loads the
/// dictionary only when some group lacks readings.
pub async fn fill_missing_readings(store: &Store) -> Result<UpsertSummary, ImportError> {
    let lacking: Vec<Group> = feed::full::<Group>(store, Source::Feed(Feed::Groups))
        .await?
        .items
        .into_iter()
        .filter(lacks_readings)
        .collect();
    if lacking.is_empty() {
        return Ok(UpsertSummary::default());
    }
    let changed = readings::changed(readings::fill_groups(lacking.clone()).await, &lacking);
    Ok(store.upsert(Feed::Groups, &encode(&changed)?).await?)
}

/// Reads and imports a directory file.
pub async fn import_file(store: &Store, path: &Path) -> Result<ImportSummary, ImportError> {
    let seed = seed::load(path)?;
    import(store, &seed).await
}

/// On a database whose groups table has never held anything, loads the
/// demo file. `Ok(None)`: nothing to do (not empty, or no such file).
pub async fn seed_if_empty(
    store: &Store,
    path: &Path,
) -> Result<Option<ImportSummary>, ImportError> {
    if !store.is_empty(Feed::Groups).await? {
        return Ok(None);
    }
    match seed::load(path) {
        Ok(seed) => Ok(Some(import(store, &seed).await?)),
        Err(e) if e.is_missing() => {
            tracing::warn!(
                "no demo data at {}: starting with no groups",
                path.display()
            );
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Tombstones one group and withdraws its account (its members' sessions
/// and its unused invitations, `Store::withdraw_group`); `false` if there
/// is no live group `id`.
pub async fn delete(store: &Store, id: &str) -> Result<bool, StoreError> {
    let deleted = store.tombstone(Feed::Groups, id).await?;
    let now = crate::clock::Millis::now().map_or(0, |m| m.0);
    store.withdraw_group(id, now).await?;
    Ok(deleted)
}

/// One live group.
pub async fn get(store: &Store, id: &str) -> Result<Option<Group>, StoreError> {
    let Some(body) = store.get(Feed::Groups, id).await? else {
        return Ok(None);
    };
    serde_json::from_str(&body)
        .map(Some)
        .map_err(|source| StoreError::Corrupt {
            table: Feed::Groups.table(),
            id: id.to_string(),
            source,
        })
}

/// `GET /api/groups[?since=…]`.
pub async fn feed(store: &Store, since: Option<&Cursor>) -> Result<FeedPage<Group>, StoreError> {
    feed::page(store, Feed::Groups, since).await
}

/// How many live groups there are.
pub async fn count(store: &Store) -> Result<i64, StoreError> {
    store.count_live(Feed::Groups).await
}
