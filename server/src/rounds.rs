//! Rounds (募集): `publish-round FILE` checks and stores a round file as a
//! new version; `GET /api/rounds` serves every published version (public:
//! the guidance, the period and the rules are the call for proposals).

use tsunagari_core::round::{Round, RoundError, RoundsFeed};

use crate::clock::Millis;
use crate::store::{Published, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("the round file has {} problem(s):\n{}", .0.len(), lines(.0))]
    Invalid(Vec<RoundError>),
    #[error(
        "the round {id} already has version {newest} (with other content, or newer); publish the changed file with \"version\": {}",
        .newest + 1
    )]
    VersionTaken { id: String, newest: u32 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn lines(errors: &[RoundError]) -> String {
    errors
        .iter()
        .map(|e| format!("  - {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks `json` and stores it; `Ok(false)` when this exact version was
/// already published.
pub async fn publish(
    store: &Store,
    json: &str,
    now: Millis,
) -> Result<(Round, bool), PublishError> {
    let round = Round::parse(json).map_err(PublishError::Invalid)?;
    match store.publish_round(&round, now.0).await? {
        Published::New => Ok((round, true)),
        Published::Same => Ok((round, false)),
        Published::VersionTaken { newest } => Err(PublishError::VersionTaken {
            id: round.id,
            newest,
        }),
    }
}

/// `GET /api/rounds`.
pub async fn feed(store: &Store) -> Result<RoundsFeed, StoreError> {
    Ok(RoundsFeed {
        rounds: store.rounds().await?,
    })
}
