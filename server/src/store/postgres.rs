//! The PostgreSQL backend: `body` is JSONB, `deleted` BOOLEAN, runtime queries.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgConnection, PgPool, Row as _};

use super::{Changes, Feed, Result, Row, Snapshot};

/// `schema` (already checked to be a plain identifier) is created if
/// missing and becomes every connection's `search_path`.
pub(super) async fn connect(url: &str, schema: Option<&str>) -> Result<PgPool> {
    let mut options: PgConnectOptions = url.parse()?;
    if let Some(schema) = schema {
        options = options.options([("search_path", schema)]);
    }
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    if let Some(schema) = schema {
        sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
            .execute(&pool)
            .await?;
    }
    Ok(pool)
}

/// Migrates, makes the `meta` row on a new database, returns the epoch.
pub(super) async fn init(pool: &PgPool, fresh_epoch: &str) -> Result<String> {
    sqlx::migrate!("migrations/postgres").run(pool).await?;
    sqlx::query("INSERT INTO meta (id, epoch, seq) VALUES (1, $1, 0) ON CONFLICT (id) DO NOTHING")
        .bind(fresh_epoch)
        .execute(pool)
        .await?;
    Ok(sqlx::query_scalar("SELECT epoch FROM meta WHERE id = 1")
        .fetch_one(pool)
        .await?)
}

async fn counter(conn: &mut PgConnection) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT seq FROM meta WHERE id = 1")
        .fetch_one(conn)
        .await?)
}

/// Locks the counter row first thing in a write transaction, so writers
/// queue up and each reads the rows the previous one committed.
pub(super) async fn lock_counter(conn: &mut PgConnection) -> Result<()> {
    sqlx::query("SELECT seq FROM meta WHERE id = 1 FOR UPDATE")
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes the next sequence number. The row stays locked until the
/// transaction ends, so sequence order is commit order.
pub(super) async fn next_seq(conn: &mut PgConnection) -> Result<i64> {
    Ok(
        sqlx::query_scalar("UPDATE meta SET seq = seq + 1 WHERE id = 1 RETURNING seq")
            .fetch_one(conn)
            .await?,
    )
}

fn to_row(r: &sqlx::postgres::PgRow) -> Result<Row> {
    Ok(Row {
        id: r.try_get("id")?,
        body: r.try_get("body")?,
        seq: r.try_get("seq")?,
        deleted: r.try_get("deleted")?,
    })
}

pub(super) async fn rows(conn: &mut PgConnection, feed: Feed) -> Result<Vec<Row>> {
    let sql = format!(
        "SELECT id, body::text AS body, seq, deleted FROM {} ORDER BY id",
        feed.table()
    );
    let rows = sqlx::query(&sql).fetch_all(conn).await?;
    rows.iter().map(to_row).collect()
}

pub(super) async fn row(conn: &mut PgConnection, feed: Feed, id: &str) -> Result<Option<Row>> {
    let sql = format!(
        "SELECT id, body::text AS body, seq, deleted FROM {} WHERE id = $1",
        feed.table()
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(to_row).transpose()
}

pub(super) async fn write(conn: &mut PgConnection, feed: Feed, row: &Row) -> Result<()> {
    let sql = format!(
        "INSERT INTO {} (id, body, seq, deleted) VALUES ($1, $2::jsonb, $3, $4) \
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

const READ_SNAPSHOT: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

pub(super) async fn snapshot(pool: &PgPool, feed: Feed) -> Result<Snapshot> {
    let mut tx = pool.begin_with(READ_SNAPSHOT).await?;
    let seq = counter(&mut tx).await?;
    let sql = format!(
        "SELECT id, body::text FROM {} WHERE NOT deleted ORDER BY id",
        feed.table()
    );
    let rows = sqlx::query_as::<_, (String, String)>(&sql)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Snapshot { seq, rows })
}

pub(super) async fn changes_since(pool: &PgPool, feed: Feed, since: i64) -> Result<Changes> {
    let mut tx = pool.begin_with(READ_SNAPSHOT).await?;
    let seq = counter(&mut tx).await?;
    let sql = format!(
        "SELECT id, body::text AS body, seq, deleted FROM {} WHERE seq > $1 ORDER BY seq",
        feed.table()
    );
    let found = sqlx::query(&sql).bind(since).fetch_all(&mut *tx).await?;
    tx.commit().await?;
    let rows = found.iter().map(to_row).collect::<Result<_>>()?;
    Ok(Changes { seq, rows })
}

pub(super) async fn get(pool: &PgPool, feed: Feed, id: &str) -> Result<Option<String>> {
    let sql = format!(
        "SELECT body::text FROM {} WHERE id = $1 AND NOT deleted",
        feed.table()
    );
    Ok(sqlx::query_scalar(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

/// Live rows only, or every row (tombstones too).
pub(super) async fn count(pool: &PgPool, feed: Feed, live_only: bool) -> Result<i64> {
    let filter = if live_only { " WHERE NOT deleted" } else { "" };
    let sql = format!("SELECT COUNT(*) FROM {}{filter}", feed.table());
    Ok(sqlx::query_scalar(&sql).fetch_one(pool).await?)
}
