//! Proposal drafts: a feed table scoped by group, the clients' replay state
//! (`draft_clients.last_applied`, `draft_results`), and the submissions.
//!
//! A mutation runs in one [`DraftTx`]: it reads the draft and the client's
//! replay state, and writes the draft (taking the next change number), the
//! answer and `last_applied` together, so a retried push is answered from
//! what was committed, never applied twice.

use serde::de::DeserializeOwned;
use sqlx::types::Json;
use tsunagari_core::sync::{Draft, DraftId, MutationId, MutationResult};

use super::{Backend, Changes, Feed, Result, Row, Snapshot, Store, StoreError, WriteTx};

/// Where a feed page comes from: a whole feed table, or one group's drafts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'a> {
    Feed(Feed),
    Drafts { group_id: &'a str },
}

impl Source<'_> {
    pub fn table(self) -> &'static str {
        match self {
            Source::Feed(feed) => feed.table(),
            Source::Drafts { .. } => "drafts",
        }
    }
}

fn decode<T: DeserializeOwned>(table: &'static str, id: &str, body: &str) -> Result<T> {
    serde_json::from_str(body).map_err(|source| StoreError::Corrupt {
        table,
        id: id.to_string(),
        source,
    })
}

/// Mutation numbers are `u64` on the wire; the endpoint refuses any above
/// `i64::MAX`, so this never saturates in practice.
fn db_n(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

const DRAFT_BODY: &str = "SELECT CAST(body AS TEXT) FROM drafts WHERE id = $1";
const LIVE_DRAFTS: &str = "SELECT COUNT(*) FROM drafts WHERE group_id = $1 AND NOT deleted";
const LAST_APPLIED: &str = "SELECT last_applied FROM draft_clients WHERE client_id = $1";
const STORED_RESULT: &str = "SELECT CAST(result AS TEXT) FROM draft_results \
                             WHERE client_id = $1 AND n = $2";

/// A client's highest answered mutation number, and the answer stored for
/// one mutation.
pub type ReplayState = (Option<u64>, Option<MutationResult>);

fn replay_state(client: &str, last: Option<i64>, stored: Option<String>) -> Result<ReplayState> {
    let stored = stored
        .map(|r| decode("draft_results", client, &r))
        .transpose()?;
    Ok((last.and_then(|n| u64::try_from(n).ok()), stored))
}

/// The columns a page needs, read alike on both backends.
const PAGE_COLUMNS: &str = "id, CAST(body AS TEXT) AS body, seq, deleted";

impl Store {
    /// Everything in `source`, and the counter read with it. A group's
    /// drafts include tombstones (their body says `deleted: true`): a device
    /// holding unsent edits of a deleted draft restores it with a plain
    /// fast-forward Put instead of guessing a base (core/src/sync.rs).
    pub async fn snapshot_of(&self, source: Source<'_>) -> Result<Snapshot> {
        let group_id = match source {
            Source::Feed(feed) => return self.snapshot(feed).await,
            Source::Drafts { group_id } => group_id,
        };
        let mut tx = self.begin_read().await?;
        let counter = "SELECT seq FROM meta WHERE id = 1";
        let rows = "SELECT id, CAST(body AS TEXT) AS body FROM drafts \
                    WHERE group_id = $1 ORDER BY id";
        let snapshot = on_tx!(&mut tx, conn => Snapshot {
            seq: sqlx::query_scalar(counter).fetch_one(&mut *conn).await?,
            rows: sqlx::query_as(rows).bind(group_id).fetch_all(conn).await?,
        });
        tx.commit().await?;
        Ok(snapshot)
    }

    /// What changed in `source` after `seq`, and the counter.
    pub async fn changes_of(&self, source: Source<'_>, seq: i64) -> Result<Changes> {
        let group_id = match source {
            Source::Feed(feed) => return self.changes_since(feed, seq).await,
            Source::Drafts { group_id } => group_id,
        };
        let mut tx = self.begin_read().await?;
        let counter = "SELECT seq FROM meta WHERE id = 1";
        let rows = format!(
            "SELECT {PAGE_COLUMNS} FROM drafts WHERE group_id = $1 AND seq > $2 ORDER BY seq"
        );
        let (counter, found): (i64, Vec<(String, String, i64, bool)>) = on_tx!(&mut tx, conn => (
            sqlx::query_scalar(counter).fetch_one(&mut *conn).await?,
            sqlx::query_as(&rows).bind(group_id).bind(seq).fetch_all(conn).await?,
        ));
        tx.commit().await?;
        let rows = found
            .into_iter()
            .map(|(id, body, seq, deleted)| Row {
                id,
                body,
                seq,
                deleted,
            })
            .collect();
        Ok(Changes { seq: counter, rows })
    }

    /// Up to `limit` of the group's drafts (tombstones too) changed after
    /// `after`, in change order, and the counter read with them.
    pub async fn draft_page(&self, group_id: &str, after: i64, limit: usize) -> Result<Changes> {
        let mut tx = self.begin_read().await?;
        let counter = "SELECT seq FROM meta WHERE id = 1";
        let rows = format!(
            "SELECT {PAGE_COLUMNS} FROM drafts WHERE group_id = $1 AND seq > $2 \
             ORDER BY seq LIMIT $3"
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let (counter, found): (i64, Vec<(String, String, i64, bool)>) = on_tx!(&mut tx, conn => (
            sqlx::query_scalar(counter).fetch_one(&mut *conn).await?,
            sqlx::query_as(&rows).bind(group_id).bind(after).bind(limit).fetch_all(conn).await?,
        ));
        tx.commit().await?;
        let rows = found
            .into_iter()
            .map(|(id, body, seq, deleted)| Row {
                id,
                body,
                seq,
                deleted,
            })
            .collect();
        Ok(Changes { seq: counter, rows })
    }

    /// How many drafts of the group are not deleted.
    pub async fn live_drafts(&self, group_id: &str) -> Result<i64> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar(LIVE_DRAFTS).bind(group_id).fetch_one(pool).await?),
        )
    }

    /// The draft as stored (tombstones too), read outside any write
    /// transaction.
    pub async fn stored_draft(&self, id: &DraftId) -> Result<Option<Draft>> {
        let body: Option<String> = on_pool!(self, pool => sqlx::query_scalar(DRAFT_BODY)
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        body.map(|b| decode("drafts", id.as_str(), &b)).transpose()
    }

    /// [`DraftTx::replay_state`], read outside any write transaction.
    pub async fn replay_state(&self, id: &MutationId) -> Result<ReplayState> {
        let client = id.client.as_str();
        let (last, stored): (Option<i64>, Option<String>) = on_pool!(self, pool => (
            sqlx::query_scalar(LAST_APPLIED).bind(client).fetch_optional(pool).await?,
            sqlx::query_scalar(STORED_RESULT).bind(client).bind(db_n(id.n)).fetch_optional(pool).await?,
        ));
        replay_state(client, last, stored)
    }

    /// The group a draft belongs to (tombstones too); `None`: no such draft.
    pub async fn draft_owner(&self, id: &DraftId) -> Result<Option<String>> {
        let sql = "SELECT group_id FROM drafts WHERE id = $1";
        Ok(
            on_pool!(self, pool => sqlx::query_scalar(sql).bind(id.as_str()).fetch_optional(pool).await?),
        )
    }

    /// One live draft of `group_id` (another group's is `None` too).
    pub async fn draft(&self, group_id: &str, id: &DraftId) -> Result<Option<Draft>> {
        let sql = "SELECT CAST(body AS TEXT) FROM drafts \
                   WHERE id = $1 AND group_id = $2 AND NOT deleted";
        let body: Option<String> = on_pool!(self, pool => sqlx::query_scalar(sql)
            .bind(id.as_str())
            .bind(group_id)
            .fetch_optional(pool)
            .await?);
        body.map(|b| decode("drafts", id.as_str(), &b)).transpose()
    }

    /// Every submitted draft that is not deleted, oldest submission first.
    pub async fn submitted_drafts(&self) -> Result<Vec<Draft>> {
        let sql = "SELECT id, CAST(body AS TEXT) FROM drafts \
                   WHERE submitted_at IS NOT NULL AND NOT deleted ORDER BY submitted_at, id";
        let rows: Vec<(String, String)> =
            on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await?);
        rows.iter()
            .map(|(id, body)| decode("drafts", id, body))
            .collect()
    }

    /// Binds a client id to a group on its first use; answers the group it
    /// is bound to (another group's for a client id already taken).
    pub async fn bind_client(&self, client_id: &str, group_id: &str) -> Result<String> {
        let bind = "INSERT INTO draft_clients (client_id, group_id, last_applied) \
                    VALUES ($1, $2, 0) ON CONFLICT (client_id) DO NOTHING";
        let read = "SELECT group_id FROM draft_clients WHERE client_id = $1";
        Ok(on_pool!(self, pool => {
            sqlx::query(bind).bind(client_id).bind(group_id).execute(pool).await?.rows_affected();
            sqlx::query_scalar(read).bind(client_id).fetch_one(pool).await?
        }))
    }

    /// Forgets the client's answers numbered below `n`: a client only
    /// retries its latest request, and this request starts at `n`.
    pub async fn forget_results_below(&self, client_id: &str, n: u64) -> Result<()> {
        let sql = "DELETE FROM draft_results WHERE client_id = $1 AND n < $2";
        on_pool!(self, pool => sqlx::query(sql).bind(client_id).bind(db_n(n)).execute(pool).await?.rows_affected());
        Ok(())
    }

    /// The transaction of one mutation. It holds the change counter's lock
    /// (PostgreSQL) or SQLite's write lock from the start.
    pub async fn begin_mutation(&self) -> Result<DraftTx> {
        Ok(DraftTx(self.begin_write().await?))
    }
}

/// One mutation's transaction; dropping it without [`DraftTx::commit`]
/// rolls back.
pub struct DraftTx(WriteTx);

impl DraftTx {
    /// The draft as stored (tombstones too).
    pub async fn draft(&mut self, id: &DraftId) -> Result<Option<Draft>> {
        let body: Option<String> = on_tx!(&mut self.0, conn => sqlx::query_scalar(DRAFT_BODY)
            .bind(id.as_str())
            .fetch_optional(conn)
            .await?);
        body.map(|b| decode("drafts", id.as_str(), &b)).transpose()
    }

    /// The client's highest answered mutation number and the answer stored
    /// for `id`.
    pub async fn replay_state(&mut self, id: &MutationId) -> Result<ReplayState> {
        let client = id.client.as_str();
        let (last, stored): (Option<i64>, Option<String>) = on_tx!(&mut self.0, conn => (
            sqlx::query_scalar(LAST_APPLIED).bind(client).fetch_optional(&mut *conn).await?,
            sqlx::query_scalar(STORED_RESULT).bind(client).bind(db_n(id.n)).fetch_optional(conn).await?,
        ));
        replay_state(client, last, stored)
    }

    /// How many drafts of the group are not deleted.
    pub async fn live_drafts(&mut self, group_id: &str) -> Result<i64> {
        Ok(
            on_tx!(&mut self.0, conn => sqlx::query_scalar(LIVE_DRAFTS).bind(group_id).fetch_one(conn).await?),
        )
    }

    /// Writes the draft with the next change number.
    pub async fn write_draft(&mut self, draft: &Draft) -> Result<()> {
        let seq = self.0.next_seq().await?;
        let sql = "INSERT INTO drafts (id, group_id, body, seq, deleted, submitted_at, status) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7) \
                   ON CONFLICT (id) DO UPDATE SET body = excluded.body, seq = excluded.seq, \
                   deleted = excluded.deleted, submitted_at = excluded.submitted_at, \
                   status = excluded.status";
        on_tx!(&mut self.0, conn => sqlx::query(sql)
            .bind(draft.id.as_str())
            .bind(&draft.group_id)
            .bind(Json(draft))
            .bind(seq)
            .bind(draft.deleted)
            .bind(draft.submitted_at.as_deref())
            .bind(draft.review.as_ref().map(|r| r.status.code()))
            .execute(conn)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Stores the answer and makes its number the client's last applied.
    pub async fn record(&mut self, result: &MutationResult) -> Result<()> {
        let last = "UPDATE draft_clients SET last_applied = $1 WHERE client_id = $2";
        let store = "INSERT INTO draft_results (client_id, n, result) VALUES ($1, $2, $3) \
                     ON CONFLICT (client_id, n) DO UPDATE SET result = excluded.result";
        let client = result.id.client.as_str();
        let n = db_n(result.id.n);
        on_tx!(&mut self.0, conn => {
            sqlx::query(last).bind(n).bind(client).execute(&mut *conn).await?.rows_affected();
            sqlx::query(store).bind(client).bind(n).bind(Json(result)).execute(conn).await?.rows_affected();
        });
        Ok(())
    }

    /// The next 受付番号 of `fiscal_year` (`2026-0001`, `2026-0002`, …),
    /// taken in this transaction.
    pub async fn next_receipt(&mut self, fiscal_year: u16) -> Result<String> {
        let sql = "INSERT INTO receipt_counters (fiscal_year, last) VALUES ($1, 1) \
                   ON CONFLICT (fiscal_year) DO UPDATE SET last = receipt_counters.last + 1 \
                   RETURNING last";
        let n: i64 = on_tx!(&mut self.0, conn => sqlx::query_scalar(sql)
            .bind(i64::from(fiscal_year))
            .fetch_one(conn)
            .await?);
        Ok(format!("{fiscal_year}-{n:04}"))
    }

    pub async fn commit(self) -> Result<()> {
        self.0.commit().await
    }
}
