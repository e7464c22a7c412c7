//! The SQLite backend: `<data-dir>/tsunagari.sqlite`, WAL, runtime queries.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row as _, SqliteConnection, SqlitePool};

use super::{Changes, Feed, Result, Row, Snapshot, StoreError};

pub(super) async fn connect(data_dir: &Path) -> Result<SqlitePool> {
    std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    })?;
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(data_dir.join("tsunagari.sqlite"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        // An admin command may write while the server runs: wait, don't fail.
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true);
    Ok(SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?)
}

/// Migrates, makes the `meta` row on a new database, returns the epoch.
pub(super) async fn init(pool: &SqlitePool, fresh_epoch: &str) -> Result<String> {
    sqlx::migrate!("migrations/sqlite").run(pool).await?;
    sqlx::query("INSERT INTO meta (id, epoch, seq) VALUES (1, ?, 0) ON CONFLICT (id) DO NOTHING")
        .bind(fresh_epoch)
        .execute(pool)
        .await?;
    Ok(sqlx::query_scalar("SELECT epoch FROM meta WHERE id = 1")
        .fetch_one(pool)
        .await?)
}

async fn counter(conn: &mut SqliteConnection) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT seq FROM meta WHERE id = 1")
        .fetch_one(conn)
        .await?)
}

pub(super) async fn next_seq(conn: &mut SqliteConnection) -> Result<i64> {
    Ok(
        sqlx::query_scalar("UPDATE meta SET seq = seq + 1 WHERE id = 1 RETURNING seq")
            .fetch_one(conn)
            .await?,
    )
}

fn to_row(r: &sqlx::sqlite::SqliteRow) -> Result<Row> {
    Ok(Row {
        id: r.try_get("id")?,
        body: r.try_get("body")?,
        seq: r.try_get("seq")?,
        deleted: r.try_get("deleted")?,
    })
}

pub(super) async fn rows(conn: &mut SqliteConnection, feed: Feed) -> Result<Vec<Row>> {
    let sql = format!(
        "SELECT id, body, seq, deleted FROM {} ORDER BY id",
        feed.table()
    );
    let rows = sqlx::query(&sql).fetch_all(conn).await?;
    rows.iter().map(to_row).collect()
}

pub(super) async fn row(conn: &mut SqliteConnection, feed: Feed, id: &str) -> Result<Option<Row>> {
    let sql = format!(
        "SELECT id, body, seq, deleted FROM {} WHERE id = ?",
        feed.table()
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(to_row).transpose()
}

pub(super) async fn write(conn: &mut SqliteConnection, feed: Feed, row: &Row) -> Result<()> {
    let sql = format!(
        "INSERT INTO {} (id, body, seq, deleted) VALUES (?, ?, ?, ?) \
         ON CONFLICT (id) DO UPDATE SET body = excluded.body, seq = excluded.seq, \
         deleted = excluded.deleted",
        feed.table()
    );
    sqlx::query(&sql)
        .bind(&row.id)
        .bind(&row.body)
        .bind(row.seq)
        .bind(row.deleted)
        .execute(conn)
        .await?;
    Ok(())
}

pub(super) async fn snapshot(pool: &SqlitePool, feed: Feed) -> Result<Snapshot> {
    // One read transaction: SQLite reads from one snapshot of the file.
    let mut tx = pool.begin().await?;
    let seq = counter(&mut tx).await?;
    let sql = format!(
        "SELECT id, body FROM {} WHERE deleted = 0 ORDER BY id",
        feed.table()
    );
    let rows = sqlx::query_as::<_, (String, String)>(&sql)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Snapshot { seq, rows })
}

pub(super) async fn changes_since(pool: &SqlitePool, feed: Feed, since: i64) -> Result<Changes> {
    let mut tx = pool.begin().await?;
    let seq = counter(&mut tx).await?;
    let sql = format!(
        "SELECT id, body, seq, deleted FROM {} WHERE seq > ? ORDER BY seq",
        feed.table()
    );
    let found = sqlx::query(&sql).bind(since).fetch_all(&mut *tx).await?;
    tx.commit().await?;
    let rows = found.iter().map(to_row).collect::<Result<_>>()?;
    Ok(Changes { seq, rows })
}

pub(super) async fn get(pool: &SqlitePool, feed: Feed, id: &str) -> Result<Option<String>> {
    let sql = format!(
        "SELECT body FROM {} WHERE id = ? AND deleted = 0",
        feed.table()
    );
    Ok(sqlx::query_scalar(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

/// Live rows only, or every row (tombstones too).
pub(super) async fn count(pool: &SqlitePool, feed: Feed, live_only: bool) -> Result<i64> {
    let filter = if live_only { " WHERE deleted = 0" } else { "" };
    let sql = format!("SELECT COUNT(*) FROM {}{filter}", feed.table());
    Ok(sqlx::query_scalar(&sql).fetch_one(pool).await?)
}
