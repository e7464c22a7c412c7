//! The SQLite backend: `<data-dir>/tsunagari.sqlite`, WAL; the queries are the store's,
//! shared with PostgreSQL (see [`super`]); the online backup and the restore.
//!
//! Durability: WAL with `synchronous = FULL`. A commit is in the WAL file
//! before the server answers, so a killed process (kill -9) loses nothing
//! it answered (`server/tests/crash.rs`); FULL also syncs the WAL on every
//! commit, so a power cut does not take back a push the phone was told was
//! stored (NORMAL could), and the phone forgets what it sent once answered.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{SqliteConnection, SqlitePool};

use super::{Result, StoreError};

/// The database file in a data directory.
pub(super) fn db_file(data_dir: &Path) -> PathBuf {
    data_dir.join("tsunagari.sqlite")
}

pub(super) async fn connect(data_dir: &Path) -> Result<SqlitePool> {
    std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    })?;
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(db_file(data_dir))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
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

fn file_error(path: &Path, action: &'static str) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::File {
        path,
        action,
        source,
    }
}

/// One connection to an existing database file.
async fn open_file(path: &Path) -> Result<SqliteConnection> {
    use sqlx::ConnectOptions as _;
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(10));
    Ok(options.connect().await?)
}

/// The epoch of a tsunagari database file, after SQLite's quick check.
async fn check(conn: &mut SqliteConnection, path: &Path) -> Result<String> {
    let not_ours = |reason: String| StoreError::NotABackup {
        path: path.to_path_buf(),
        reason,
    };
    let verdict: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| not_ours(e.to_string()))?;
    if verdict != "ok" {
        return Err(not_ours(format!("SQLite's check says {verdict:?}")));
    }
    sqlx::query_scalar("SELECT epoch FROM meta WHERE id = 1")
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| not_ours(format!("it has no tsunagari meta row ({e})")))
}

/// Copies the live database into the new file `to`, as of one moment,
/// while the server may be writing: `VACUUM INTO` reads in one transaction
/// and writes a compact copy. The copy goes to `<to>.partial` first, so `to`
/// is only ever a complete backup. Returns the backup's epoch.
pub(super) async fn backup(data_dir: &Path, to: &Path) -> Result<String> {
    if to.exists() {
        return Err(StoreError::File {
            path: to.to_path_buf(),
            action: "write the backup to (it already exists; choose a new name)",
            source: std::io::ErrorKind::AlreadyExists.into(),
        });
    }
    let mut partial = to.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    // A leftover of an interrupted backup.
    let _ = std::fs::remove_file(&partial);
    let live = db_file(data_dir);
    if !live.is_file() {
        return Err(StoreError::NotABackup {
            path: live,
            reason: "there is no database there".into(),
        });
    }
    let mut conn = open_file(&live).await?;
    let target = partial.to_str().ok_or_else(|| StoreError::NotABackup {
        path: partial.clone(),
        reason: "the backup's path is not UTF-8".into(),
    })?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut conn)
        .await?;
    drop(conn);
    let mut copy = open_file(&partial).await?;
    let epoch = check(&mut copy, &partial).await?;
    drop(copy);
    std::fs::rename(&partial, to).map_err(file_error(to, "move the finished backup to"))?;
    Ok(epoch)
}

/// What [`restore`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The backup's epoch, and the new one the restored database has.
    pub backup_epoch: String,
    pub epoch: String,
    /// Where the replaced database was kept, if there was one.
    pub previous: Option<PathBuf>,
}

/// Replaces the database in `data_dir` with a copy of the backup `from`,
/// with a new epoch. The server must be stopped (the command checks). The
/// replaced database is kept beside it, checkpointed, as
/// `tsunagari-before-restore-<epoch>.sqlite`.
pub(super) async fn restore(data_dir: &Path, from: &Path, fresh_epoch: &str) -> Result<Restored> {
    std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    })?;
    let staged = data_dir.join("tsunagari.sqlite.restoring");
    let _ = std::fs::remove_file(&staged);
    std::fs::copy(from, &staged).map_err(file_error(from, "read the backup"))?;
    let backup_epoch = {
        let mut conn = open_file(&staged).await?;
        let epoch = check(&mut conn, from).await;
        if epoch.is_ok() {
            sqlx::query("UPDATE meta SET epoch = ? WHERE id = 1")
                .bind(fresh_epoch)
                .execute(&mut conn)
                .await?;
        }
        drop(conn);
        if epoch.is_err() {
            let _ = std::fs::remove_file(&staged);
        }
        epoch?
    };

    let live = db_file(data_dir);
    let mut previous = None;
    if live.is_file() {
        // Fold the WAL into the file, so the kept copy is one file.
        let mut conn = open_file(&live).await?;
        let old_epoch = check(&mut conn, &live)
            .await
            .unwrap_or_else(|_| "unknown".into());
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut conn)
            .await?;
        drop(conn);
        let kept = data_dir.join(format!("tsunagari-before-restore-{old_epoch}.sqlite"));
        std::fs::rename(&live, &kept).map_err(file_error(&live, "move aside"))?;
        previous = Some(kept);
    }
    for suffix in ["-wal", "-shm"] {
        let mut side = live.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
    std::fs::rename(&staged, &live).map_err(file_error(&live, "put the restored database at"))?;
    Ok(Restored {
        backup_epoch,
        epoch: fresh_epoch.to_string(),
        previous,
    })
}
