//! `backup`, `restore` and `new-epoch`, and the lock that keeps a restore
//! away from a running server.
//!
//! SQLite: `backup FILE` copies the live database while the server runs;
//! `restore FILE` (server stopped) puts a backup in its place under a new
//! epoch. PostgreSQL: `pg_dump` and `pg_restore`, then `new-epoch`. A new
//! epoch makes every client's next pull a full snapshot: each keeps what it
//! holds and re-sends what the restored server lacks.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use tsunagari_server::store::{Store, is_postgres_url};

use super::open_store;

#[derive(Debug, Clone, PartialEq, Eq, clap::Subcommand)]
pub enum BackupCommand {
    /// Copy the SQLite database into FILE (a new file) while the server runs.
    Backup {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Replace the SQLite database with the backup FILE, under a new epoch
    /// (stop the server first; the replaced database is kept beside it).
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Give the database a new epoch, so every client resets and re-sends
    /// what it holds (after pg_restore; stop the server first).
    NewEpoch,
}

fn postgres_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| is_postgres_url(url))
}

pub async fn run(command: BackupCommand, data_dir: &Path) -> Result<()> {
    match command {
        BackupCommand::Backup { file } => {
            if postgres_url().is_some() {
                bail!(
                    "DATABASE_URL is PostgreSQL: back it up with pg_dump (see README.md, \"Backup and restore\")"
                );
            }
            let epoch = Store::backup_sqlite(data_dir, &file)
                .await
                .context("backing up")?;
            let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            println!(
                "tsunagari: backed up {} to {} ({size} bytes, epoch {epoch})",
                data_dir.join("tsunagari.sqlite").display(),
                file.display()
            );
        }
        BackupCommand::Restore { file } => {
            if postgres_url().is_some() {
                bail!(
                    "DATABASE_URL is PostgreSQL: restore it with pg_restore, then run new-epoch (see README.md)"
                );
            }
            let _lock = DataDirLock::exclusive(data_dir)?;
            let restored = Store::restore_sqlite(data_dir, &file)
                .await
                .with_context(|| format!("restoring {}", file.display()))?;
            if let Some(previous) = &restored.previous {
                eprintln!(
                    "tsunagari: the replaced database is kept as {}",
                    previous.display()
                );
            }
            println!(
                "tsunagari: restored {} (epoch {}) as epoch {}",
                file.display(),
                restored.backup_epoch,
                restored.epoch
            );
        }
        BackupCommand::NewEpoch => {
            let _lock = match postgres_url() {
                Some(_) => None,
                None => Some(DataDirLock::exclusive(data_dir)?),
            };
            let mut store = open_store(data_dir).await?;
            let old = store.epoch().to_string();
            let epoch = store.renew_epoch().await;
            store.close().await;
            let epoch = epoch.context("writing the new epoch")?;
            println!("tsunagari: epoch {old} is now {epoch}");
        }
    }
    Ok(())
}

/// A lock on `<data-dir>/tsunagari.lock`: each serving process holds it
/// shared for its lifetime, `restore` and `new-epoch` exclusive, so neither
/// replaces a database under a running server (nor a server starts during
/// a restore). Released when dropped (or when the process dies).
pub struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    fn open(data_dir: &Path) -> Result<(File, PathBuf)> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
        let path = data_dir.join("tsunagari.lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("opening {}", path.display()))?;
        Ok((file, path))
    }

    /// For `serve` on SQLite (none on PostgreSQL).
    pub fn serving(data_dir: &Path) -> Result<Option<DataDirLock>> {
        if postgres_url().is_some() {
            return Ok(None);
        }
        let (file, path) = Self::open(data_dir)?;
        match file.try_lock_shared() {
            Ok(()) => Ok(Some(DataDirLock { _file: file })),
            Err(TryLockError::WouldBlock) => bail!(
                "a restore is under way in {} (wait for it to finish)",
                data_dir.display()
            ),
            Err(TryLockError::Error(e)) => {
                Err(e).with_context(|| format!("locking {}", path.display()))
            }
        }
    }

    fn exclusive(data_dir: &Path) -> Result<DataDirLock> {
        let (file, path) = Self::open(data_dir)?;
        match file.try_lock() {
            Ok(()) => Ok(DataDirLock { _file: file }),
            Err(TryLockError::WouldBlock) => bail!(
                "a server is running on {}: stop it first (its database cannot be replaced under it)",
                data_dir.display()
            ),
            Err(TryLockError::Error(e)) => {
                Err(e).with_context(|| format!("locking {}", path.display()))
            }
        }
    }
}
