//! The PostgreSQL backend: `body` is JSONB, `deleted` BOOLEAN. The queries
//! are the store's, shared with SQLite (see [`super`]); a write transaction
//! here first locks the counter row.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgConnection, PgPool};

use super::Result;

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

/// Locks the counter row first thing in a write transaction, so writers
/// queue up and each reads the rows the previous one committed.
pub(super) async fn lock_counter(conn: &mut PgConnection) -> Result<()> {
    sqlx::query("SELECT seq FROM meta WHERE id = 1 FOR UPDATE")
        .execute(conn)
        .await?;
    Ok(())
}
