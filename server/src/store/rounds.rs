//! Rounds (募集) and the review's rows: every published version of a round,
//! the 受付番号 counters, and the submitted drafts staff list. One query
//! text for both databases, like the rest of the store.

use sqlx::types::Json;
use tsunagari_core::round::Round;
use tsunagari_core::sync::{Draft, DraftId};

use super::{Backend, Result, Store, StoreError, WriteTx};

/// What publishing a round did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// A new round, or a new version of one.
    New,
    /// This exact version was already published: nothing changed.
    Same,
    /// The version is already published with other content, or an newer
    /// one is: the file needs a higher version.
    VersionTaken { newest: u32 },
}

fn decode(id: &str, body: &str) -> Result<Round> {
    serde_json::from_str(body).map_err(|source| StoreError::Corrupt {
        table: "rounds",
        id: id.to_string(),
        source,
    })
}

impl Store {
    /// Stores `round` as a new version (checked by the caller).
    pub async fn publish_round(&self, round: &Round, now: i64) -> Result<Published> {
        let mut tx = self.begin().await?;
        let newest = "SELECT MAX(version) FROM rounds WHERE id = $1";
        let same = "SELECT CAST(body AS TEXT) FROM rounds WHERE id = $1 AND version = $2";
        let version = i64::from(round.version);
        let (newest, stored): (Option<i64>, Option<String>) = on_tx!(&mut tx, conn => (
            sqlx::query_scalar(newest).bind(&round.id).fetch_one(&mut *conn).await?,
            sqlx::query_scalar(same).bind(&round.id).bind(version).fetch_optional(conn).await?,
        ));
        if let Some(body) = stored {
            return Ok(if decode(&round.id, &body)? == *round {
                Published::Same
            } else {
                Published::VersionTaken {
                    newest: newest.and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
                }
            });
        }
        if let Some(n) = newest.filter(|n| *n > version) {
            return Ok(Published::VersionTaken {
                newest: u32::try_from(n).unwrap_or(u32::MAX),
            });
        }
        let insert = "INSERT INTO rounds (id, version, body, published_at) VALUES ($1, $2, $3, $4)";
        on_tx!(&mut tx, conn => sqlx::query(insert)
            .bind(&round.id)
            .bind(version)
            .bind(Json(round))
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected());
        tx.commit().await?;
        Ok(Published::New)
    }

    /// Every published version of every round, by id then version.
    pub async fn rounds(&self) -> Result<Vec<Round>> {
        let sql = "SELECT id, CAST(body AS TEXT) FROM rounds ORDER BY id, version";
        let rows: Vec<(String, String)> =
            on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await?);
        rows.iter().map(|(id, body)| decode(id, body)).collect()
    }

    /// The drafts that were ever submitted (a review, or a submission
    /// stored before reviews existed), not deleted, oldest change first.
    pub async fn reviewed_drafts(&self) -> Result<Vec<Draft>> {
        let sql = "SELECT id, CAST(body AS TEXT) FROM drafts \
                   WHERE NOT deleted AND (status IS NOT NULL OR submitted_at IS NOT NULL) \
                   ORDER BY seq";
        let rows: Vec<(String, String)> =
            on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await?);
        rows.iter()
            .map(|(id, body)| {
                serde_json::from_str(body).map_err(|source| StoreError::Corrupt {
                    table: "drafts",
                    id: id.clone(),
                    source,
                })
            })
            .collect()
    }

    /// One draft as stored, for staff (the caller checks it was submitted).
    pub async fn any_draft(&self, id: &DraftId) -> Result<Option<Draft>> {
        self.stored_draft(id).await
    }
}
