//! The SQLite backend: `<data-dir>/tsunagari.sqlite`, WAL. The queries are
//! the store's, shared with PostgreSQL (see [`super`]).

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::{Result, StoreError};

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
