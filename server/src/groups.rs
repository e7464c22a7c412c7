//! The group directory on top of the store: typed reads, imports, deletion.

use std::path::Path;

use tsunagari_core::{Cursor, DirectorySeed, FeedPage, Group};

use crate::feed;
use crate::seed::{self, SeedError};
use crate::store::{Feed, ImportSummary, Store, StoreError};

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

/// Makes the live groups exactly those of `seed` (see [`Store::replace_all`]).
pub async fn import(store: &Store, seed: &DirectorySeed) -> Result<ImportSummary, ImportError> {
    seed::check(seed).map_err(ImportError::Invalid)?;
    let items = seed
        .groups
        .iter()
        .map(|g| {
            serde_json::to_value(g)
                .map(|body| (g.id.clone(), body))
                .map_err(|source| ImportError::Encode {
                    id: g.id.clone(),
                    source,
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(store.replace_all(Feed::Groups, &items).await?)
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
