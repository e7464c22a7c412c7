//! Storage: feed tables and the change counter, on SQLite or PostgreSQL.
//!
//! Every feed table (today `groups`; later events, proposal drafts) has the
//! same shape: `id`, a JSON `body`, the `seq` of its last change and a
//! `deleted` tombstone flag. One counter row in `meta` numbers every change:
//! a write transaction first takes `seq + 1` from it (`UPDATE … RETURNING`),
//! so the row lock orders changes by commit, also on PostgreSQL. `meta` also
//! holds the database's `epoch`, a random id made when it was created.
//!
//! Every query is written once, with `$1` placeholders (SQLite reads them
//! too), `CAST(body AS TEXT)` and `NOT deleted`, and the dispatch macros
//! below compile it for both backends: the feed tables here, the newer
//! tables in [`accounts`] and [`drafts`]. What a change means (import,
//! tombstone, reading a feed) is written once, here too. The backends'
//! modules ([`sqlite`], [`postgres`]) hold only what truly differs:
//! connecting, the migrations, how a write transaction takes its lock, and
//! how a read sees one snapshot.

/// Runs `$body` with `$pool` bound to the pool of whichever backend the
/// store has: one query text, compiled for SQLite and for PostgreSQL.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            Backend::Sqlite($pool) => $body,
            Backend::Postgres($pool) => $body,
        }
    };
}

/// The same for an open transaction (`$conn` is the connection).
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            WriteTx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            WriteTx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

mod accounts;
mod drafts;
mod postgres;
mod rounds;
mod sqlite;

pub use accounts::{Credentials, MemberRow, Redeemed, SessionCutoffs, SessionRow, SignInCounts};
pub use drafts::{DraftTx, ReplayState, Source};
pub use rounds::Published;
pub use sqlite::Restored;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::Value;
use serde_json::value::RawValue;
use sqlx::types::Json;

/// A feed table. Table names come only from here, never from a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Feed {
    Groups,
    Events,
}

impl Feed {
    pub(crate) fn table(self) -> &'static str {
        match self {
            Feed::Groups => "groups",
            Feed::Events => "events",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("could not create the data directory {}: {source}", path.display())]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the stored {table} row {id:?} is not what this server reads: {source}")]
    Corrupt {
        table: &'static str,
        id: String,
        source: serde_json::Error,
    },
    #[error("could not encode a row as JSON: {0}")]
    Encode(serde_json::Error),
    #[error("could not make a random epoch: {0}")]
    Random(getrandom::Error),
    #[error("could not {action} {}: {source}", path.display())]
    File {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
    #[error("{} is not a usable tsunagari database: {reason}", path.display())]
    NotABackup { path: PathBuf, reason: String },
    #[error("a PostgreSQL schema name is lower-case letters, digits and `_` (got {0:?})")]
    SchemaName(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// One stored row of a feed table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    /// The JSON body as text.
    pub body: String,
    pub seq: i64,
    pub deleted: bool,
}

/// What a feed table holds now: the live rows' `(id, body)` ordered by id,
/// and the change counter read *before* them (so nothing at or below `seq`
/// is missing from `rows`).
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub seq: i64,
    pub rows: Vec<(String, String)>,
}

/// The rows (live and tombstones) changed after some sequence number,
/// ordered by `seq`, and the counter read before them.
#[derive(Debug, Clone)]
pub struct Changes {
    pub seq: i64,
    pub rows: Vec<Row>,
}

/// What an import did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} added, {} updated, {} removed, {} unchanged",
            self.added, self.updated, self.removed, self.unchanged
        )
    }
}

/// What an [`Store::upsert`] did (it never removes anything).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UpsertSummary {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl std::fmt::Display for UpsertSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} added, {} updated, {} unchanged",
            self.added, self.updated, self.unchanged
        )
    }
}

impl ImportSummary {
    pub fn changed(&self) -> bool {
        self.added + self.updated + self.removed > 0
    }
}

/// The database: a pool on one backend and the epoch read when it was opened.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    epoch: String,
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// An open write transaction (one per import or deletion).
enum WriteTx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// The columns of a feed row, read alike on both backends (`body` is TEXT
/// on SQLite, JSONB on PostgreSQL).
const ROW_COLUMNS: &str = "id, CAST(body AS TEXT) AS body, seq, deleted";

type RowTuple = (String, String, i64, bool);

fn to_row((id, body, seq, deleted): RowTuple) -> Row {
    Row {
        id,
        body,
        seq,
        deleted,
    }
}

impl WriteTx {
    /// Every row of a feed (tombstones too), by id.
    async fn rows(&mut self, feed: Feed) -> Result<Vec<Row>> {
        let sql = format!("SELECT {ROW_COLUMNS} FROM {} ORDER BY id", feed.table());
        let rows: Vec<RowTuple> = on_tx!(self, conn => sqlx::query_as(&sql).fetch_all(conn).await?);
        Ok(rows.into_iter().map(to_row).collect())
    }

    /// One row (a tombstone too).
    async fn row(&mut self, feed: Feed, id: &str) -> Result<Option<Row>> {
        let sql = format!("SELECT {ROW_COLUMNS} FROM {} WHERE id = $1", feed.table());
        let row: Option<RowTuple> =
            on_tx!(self, conn => sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?);
        Ok(row.map(to_row))
    }

    /// The change counter as this transaction sees it.
    async fn counter(&mut self) -> Result<i64> {
        let sql = "SELECT seq FROM meta WHERE id = 1";
        Ok(on_tx!(self, conn => sqlx::query_scalar(sql).fetch_one(conn).await?))
    }

    /// Takes the next sequence number. On PostgreSQL the counter row stays
    /// locked until the transaction ends, so sequence order is commit order.
    async fn next_seq(&mut self) -> Result<i64> {
        let sql = "UPDATE meta SET seq = seq + 1 WHERE id = 1 RETURNING seq";
        Ok(on_tx!(self, conn => sqlx::query_scalar(sql).fetch_one(conn).await?))
    }

    /// Inserts or replaces a row. The body is bound as JSON: TEXT on
    /// SQLite, JSONB on PostgreSQL.
    async fn write(&mut self, feed: Feed, row: &Row) -> Result<()> {
        let sql = format!(
            "INSERT INTO {} (id, body, seq, deleted) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET body = excluded.body, seq = excluded.seq, \
             deleted = excluded.deleted",
            feed.table()
        );
        let body: &RawValue = serde_json::from_str(&row.body).map_err(StoreError::Encode)?;
        on_tx!(self, conn => sqlx::query(&sql)
            .bind(&row.id)
            .bind(Json(body))
            .bind(row.seq)
            .bind(row.deleted)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(())
    }

    async fn commit(self) -> Result<()> {
        match self {
            WriteTx::Sqlite(tx) => tx.commit().await?,
            WriteTx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// 16 random hex digits.
fn new_epoch() -> Result<String> {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).map_err(StoreError::Random)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Store {
    /// PostgreSQL when `database_url` starts with `postgres://` or
    /// `postgresql://`, otherwise SQLite in `<data_dir>/tsunagari.sqlite`.
    pub async fn open(database_url: Option<&str>, data_dir: &Path) -> Result<Store> {
        match database_url {
            Some(url) if is_postgres_url(url) => Store::open_postgres(url, None).await,
            _ => Store::open_sqlite(data_dir).await,
        }
    }

    /// Opens (creating if missing) `<data_dir>/tsunagari.sqlite` and migrates it.
    pub async fn open_sqlite(data_dir: &Path) -> Result<Store> {
        let pool = sqlite::connect(data_dir).await?;
        let epoch = sqlite::init(&pool, &new_epoch()?).await?;
        Ok(Store {
            backend: Backend::Sqlite(pool),
            epoch,
        })
    }

    /// Connects to PostgreSQL and migrates. With `schema`, everything lives
    /// in that schema (created if missing): the tests isolate themselves so.
    pub async fn open_postgres(url: &str, schema: Option<&str>) -> Result<Store> {
        if let Some(name) = schema
            && (name.is_empty()
                || name.len() > 60
                || !name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
        {
            return Err(StoreError::SchemaName(name.to_string()));
        }
        let pool = postgres::connect(url, schema).await?;
        let epoch = postgres::init(&pool, &new_epoch()?).await?;
        Ok(Store {
            backend: Backend::Postgres(pool),
            epoch,
        })
    }

    /// Copies the SQLite database in `data_dir` into the new file `to` while
    /// the server may be running; the backup's epoch.
    pub async fn backup_sqlite(data_dir: &Path, to: &Path) -> Result<String> {
        sqlite::backup(data_dir, to).await
    }

    /// Replaces the SQLite database in `data_dir` (the server stopped) with
    /// the backup `from`, under a new epoch.
    pub async fn restore_sqlite(data_dir: &Path, from: &Path) -> Result<Restored> {
        sqlite::restore(data_dir, from, &new_epoch()?).await
    }

    /// Gives the database a new epoch (after a PostgreSQL restore): every
    /// client's next pull is a full snapshot (`reset`), and each re-sends
    /// what the server lacks. A running server keeps the epoch it read at
    /// start, so run this with the server stopped. Returns the new epoch.
    pub async fn renew_epoch(&mut self) -> Result<String> {
        let epoch = new_epoch()?;
        let sql = "UPDATE meta SET epoch = $1 WHERE id = 1";
        on_pool!(self, pool => sqlx::query(sql).bind(&epoch).execute(pool).await?.rows_affected());
        self.epoch = epoch.clone();
        Ok(epoch)
    }

    /// This database's identity, the first half of every cursor.
    pub fn epoch(&self) -> &str {
        &self.epoch
    }

    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(pool) => pool.close().await,
            Backend::Postgres(pool) => pool.close().await,
        }
    }

    /// A write transaction that does not touch the change counter (accounts,
    /// sessions): SQLite still takes its write lock first.
    async fn begin(&self) -> Result<WriteTx> {
        Ok(match &self.backend {
            Backend::Sqlite(pool) => WriteTx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres(pool) => WriteTx::Postgres(pool.begin().await?),
        })
    }

    async fn begin_write(&self) -> Result<WriteTx> {
        Ok(match &self.backend {
            // IMMEDIATE: take SQLite's write lock first, so a concurrent
            // writer (an admin command next to the server) waits instead of
            // failing when this transaction upgrades from reading.
            Backend::Sqlite(pool) => WriteTx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                postgres::lock_counter(&mut tx).await?;
                WriteTx::Postgres(tx)
            }
        })
    }

    /// A read transaction that sees one snapshot (the counter and the rows).
    async fn begin_read(&self) -> Result<WriteTx> {
        Ok(match &self.backend {
            // SQLite reads from one snapshot of the file within a transaction.
            Backend::Sqlite(pool) => WriteTx::Sqlite(pool.begin().await?),
            Backend::Postgres(pool) => WriteTx::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        })
    }

    /// The change counter: it moves with every change to any feed.
    pub async fn change_counter(&self) -> Result<i64> {
        let mut tx = self.begin_read().await?;
        let seq = tx.counter().await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// All live rows of a feed, and the counter.
    pub async fn snapshot(&self, feed: Feed) -> Result<Snapshot> {
        let sql = format!(
            "SELECT id, CAST(body AS TEXT) FROM {} WHERE NOT deleted ORDER BY id",
            feed.table()
        );
        let mut tx = self.begin_read().await?;
        let seq = tx.counter().await?;
        let rows = on_tx!(&mut tx, conn => sqlx::query_as(&sql).fetch_all(conn).await?);
        tx.commit().await?;
        Ok(Snapshot { seq, rows })
    }

    /// Rows changed (or tombstoned) after `seq`, and the counter.
    pub async fn changes_since(&self, feed: Feed, seq: i64) -> Result<Changes> {
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM {} WHERE seq > $1 ORDER BY seq",
            feed.table()
        );
        let mut tx = self.begin_read().await?;
        let counter = tx.counter().await?;
        let rows: Vec<RowTuple> =
            on_tx!(&mut tx, conn => sqlx::query_as(&sql).bind(seq).fetch_all(conn).await?);
        tx.commit().await?;
        Ok(Changes {
            seq: counter,
            rows: rows.into_iter().map(to_row).collect(),
        })
    }

    /// The body of one live row.
    pub async fn get(&self, feed: Feed, id: &str) -> Result<Option<String>> {
        let sql = format!(
            "SELECT CAST(body AS TEXT) FROM {} WHERE id = $1 AND NOT deleted",
            feed.table()
        );
        Ok(on_pool!(self, pool => sqlx::query_scalar(&sql).bind(id).fetch_optional(pool).await?))
    }

    /// How many live rows a feed has.
    pub async fn count_live(&self, feed: Feed) -> Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM {} WHERE NOT deleted", feed.table());
        Ok(on_pool!(self, pool => sqlx::query_scalar(&sql).fetch_one(pool).await?))
    }

    /// Whether a feed table has never held anything (not even tombstones).
    pub async fn is_empty(&self, feed: Feed) -> Result<bool> {
        let sql = format!("SELECT COUNT(*) FROM {}", feed.table());
        let n: i64 = on_pool!(self, pool => sqlx::query_scalar(&sql).fetch_one(pool).await?);
        Ok(n == 0)
    }

    /// Makes the live rows of `feed` exactly `items`, in one transaction:
    /// new or revived ids are added, changed bodies updated, equal bodies
    /// left alone (same `seq`), and live ids missing from `items`
    /// tombstoned. Each change takes its own sequence number. `items` must
    /// not repeat an id (the last one would win).
    pub async fn replace_all(
        &self,
        feed: Feed,
        items: &[(String, Value)],
    ) -> Result<ImportSummary> {
        let mut tx = self.begin_write().await?;
        let mut current: HashMap<String, (Value, bool)> = HashMap::new();
        for row in tx.rows(feed).await? {
            // A body this server cannot read counts as changed, so the
            // import repairs it rather than failing.
            let body = serde_json::from_str(&row.body).unwrap_or(Value::Null);
            current.insert(row.id, (body, row.deleted));
        }

        let mut summary = ImportSummary::default();
        let mut seen = HashSet::new();
        for (id, body) in items {
            seen.insert(id.as_str());
            let change = match current.get(id) {
                None | Some((_, true)) => {
                    summary.added += 1;
                    true
                }
                Some((old, false)) if old == body => {
                    summary.unchanged += 1;
                    false
                }
                Some(_) => {
                    summary.updated += 1;
                    true
                }
            };
            if change {
                let body = serde_json::to_string(body).map_err(StoreError::Encode)?;
                let seq = tx.next_seq().await?;
                let row = Row {
                    id: id.clone(),
                    body,
                    seq,
                    deleted: false,
                };
                tx.write(feed, &row).await?;
            }
        }

        let mut gone: Vec<(&String, &Value)> = current
            .iter()
            .filter(|(id, (_, deleted))| !deleted && !seen.contains(id.as_str()))
            .map(|(id, (body, _))| (id, body))
            .collect();
        gone.sort_by(|a, b| a.0.cmp(b.0));
        for (id, body) in gone {
            let body = serde_json::to_string(body).map_err(StoreError::Encode)?;
            let seq = tx.next_seq().await?;
            let row = Row {
                id: id.clone(),
                body,
                seq,
                deleted: true,
            };
            tx.write(feed, &row).await?;
            summary.removed += 1;
        }
        tx.commit().await?;
        Ok(summary)
    }

    /// Adds or updates every row of `items` in one transaction (all or
    /// nothing): new or revived ids are added, changed bodies updated, equal
    /// bodies left alone (same `seq`). Rows not in `items` are not touched.
    /// `items` must not repeat an id (the last one would win).
    pub async fn upsert(&self, feed: Feed, items: &[(String, Value)]) -> Result<UpsertSummary> {
        let mut tx = self.begin_write().await?;
        let mut current: HashMap<String, (Value, bool)> = HashMap::new();
        for row in tx.rows(feed).await? {
            let body = serde_json::from_str(&row.body).unwrap_or(Value::Null);
            current.insert(row.id, (body, row.deleted));
        }
        let mut summary = UpsertSummary::default();
        for (id, body) in items {
            match current.get(id) {
                Some((old, false)) if old == body => {
                    summary.unchanged += 1;
                    continue;
                }
                Some((_, false)) => summary.updated += 1,
                None | Some((_, true)) => summary.added += 1,
            }
            let row = Row {
                id: id.clone(),
                body: serde_json::to_string(body).map_err(StoreError::Encode)?,
                seq: tx.next_seq().await?,
                deleted: false,
            };
            tx.write(feed, &row).await?;
            current.insert(id.clone(), (body.clone(), false));
        }
        tx.commit().await?;
        Ok(summary)
    }

    /// Tombstones one live row. `false` when there is no live row `id`.
    pub async fn tombstone(&self, feed: Feed, id: &str) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let row = tx.row(feed, id).await?;
        let Some(mut row) = row.filter(|r| !r.deleted) else {
            return Ok(false); // dropping `tx` rolls back
        };
        row.seq = tx.next_seq().await?;
        row.deleted = true;
        tx.write(feed, &row).await?;
        tx.commit().await?;
        Ok(true)
    }
}

pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}
