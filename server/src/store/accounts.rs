//! Group accounts, invitation codes, members, sessions and failed sign-ins.
//!
//! Only SQL lives here; what the rows mean (hashing, codes, the rate limit)
//! is `crate::auth`. Times are Unix milliseconds. Codes and tokens arrive
//! already hashed: the database never holds one a person could use.

use sqlx::Row as _;

// `Backend` and `WriteTx` are named by the dispatch macros.
use super::{Backend, Result, Store, WriteTx};

/// What redeeming an invitation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    /// The member was created for this group and the code used up.
    Member { group_id: String },
    /// No usable code: unknown, used, expired or revoked.
    InvalidCode,
    /// The login exists; the code was left unused.
    LoginTaken,
}

/// What signing in checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub group_id: String,
    pub passphrase_hash: String,
    pub revoked: bool,
}

/// A session's member and times (Unix ms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub login: String,
    pub group_id: String,
    pub created_at: i64,
    pub last_used_at: i64,
}

/// Sessions created at or before `created_before`, or last used at or
/// before `idle_before`, have ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionCutoffs {
    pub created_before: i64,
    pub idle_before: i64,
}

/// The stored failed sign-ins within the window, when an attempt arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInCounts {
    /// This login from this address: their times, oldest first.
    pub here: Vec<i64>,
    /// This login from any address: how many, and the newest time.
    pub login: (i64, i64),
    /// This address, any login: how many, and the oldest time.
    pub address: (i64, i64),
    /// Everything: how many, and the oldest time.
    pub overall: (i64, i64),
}

/// One member, for `members --group`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub login: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

impl Store {
    /// Makes the group's account; `false` when it was already there.
    pub async fn ensure_account(&self, group_id: &str, now: i64) -> Result<bool> {
        let sql = "INSERT INTO accounts (group_id, created_at) VALUES ($1, $2) \
                   ON CONFLICT (group_id) DO NOTHING";
        let done = on_pool!(self, pool => sqlx::query(sql).bind(group_id).bind(now).execute(pool).await?.rows_affected());
        Ok(done == 1)
    }

    pub async fn account_exists(&self, group_id: &str) -> Result<bool> {
        let sql = "SELECT COUNT(*) FROM accounts WHERE group_id = $1";
        let n: i64 =
            on_pool!(self, pool => sqlx::query_scalar(sql).bind(group_id).fetch_one(pool).await?);
        Ok(n > 0)
    }

    /// Stores an invitation for an existing account.
    pub async fn add_invitation(
        &self,
        code_hash: &str,
        group_id: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        let sql = "INSERT INTO invitations (code_hash, group_id, created_at, expires_at) \
                   VALUES ($1, $2, $3, $4)";
        on_pool!(self, pool => sqlx::query(sql)
            .bind(code_hash)
            .bind(group_id)
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Uses up the code and creates the member, in one transaction: a taken
    /// login leaves the code usable, and two redeems of one code cannot
    /// both succeed.
    pub async fn redeem(
        &self,
        code_hash: &str,
        login: &str,
        passphrase_hash: &str,
        now: i64,
    ) -> Result<Redeemed> {
        let mut tx = self.begin().await?;
        let take = "UPDATE invitations SET used_at = $1 \
                    WHERE code_hash = $2 AND used_at IS NULL AND NOT revoked AND expires_at > $1 \
                    AND (group_id = '@staff' OR group_id IN (SELECT id FROM groups WHERE NOT deleted)) \
                    RETURNING group_id";
        let group: Option<String> = on_tx!(&mut tx, conn => sqlx::query_scalar(take)
            .bind(now)
            .bind(code_hash)
            .fetch_optional(conn)
            .await?);
        let Some(group_id) = group else {
            return Ok(Redeemed::InvalidCode); // dropping `tx` rolls back
        };
        let add = "INSERT INTO members (login, group_id, passphrase_hash, created_at) \
                   VALUES ($1, $2, $3, $4) ON CONFLICT (login) DO NOTHING";
        let done = on_tx!(&mut tx, conn => sqlx::query(add)
            .bind(login)
            .bind(&group_id)
            .bind(passphrase_hash)
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected());
        if done != 1 {
            return Ok(Redeemed::LoginTaken);
        }
        tx.commit().await?;
        Ok(Redeemed::Member { group_id })
    }

    /// The group of a usable invitation (unused, not withdrawn, not expired,
    /// its group in the directory), read before any passphrase is hashed.
    pub async fn invitation_group(&self, code_hash: &str, now: i64) -> Result<Option<String>> {
        let sql = "SELECT group_id FROM invitations \
                   WHERE code_hash = $1 AND used_at IS NULL AND NOT revoked AND expires_at > $2 \
                   AND (group_id = '@staff' OR group_id IN (SELECT id FROM groups WHERE NOT deleted))";
        Ok(on_pool!(self, pool => sqlx::query_scalar(sql)
            .bind(code_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?))
    }

    pub async fn login_exists(&self, login: &str) -> Result<bool> {
        let sql = "SELECT COUNT(*) FROM members WHERE login = $1";
        let n: i64 =
            on_pool!(self, pool => sqlx::query_scalar(sql).bind(login).fetch_one(pool).await?);
        Ok(n > 0)
    }

    /// A member of a group no longer in the directory counts as revoked.
    pub async fn credentials(&self, login: &str) -> Result<Option<Credentials>> {
        let sql = "SELECT m.group_id, m.passphrase_hash, \
                   CASE WHEN g.id IS NULL AND m.group_id <> '@staff' \
                   THEN COALESCE(m.revoked_at, 0) ELSE m.revoked_at END \
                   AS revoked_at \
                   FROM members m LEFT JOIN groups g ON g.id = m.group_id AND NOT g.deleted \
                   WHERE m.login = $1";
        let row = on_pool!(self, pool => {
            let row = sqlx::query(sql).bind(login).fetch_optional(pool).await?;
            row.map(|r| -> Result<Credentials> {
                let revoked_at: Option<i64> = r.try_get("revoked_at")?;
                Ok(Credentials {
                    group_id: r.try_get("group_id")?,
                    passphrase_hash: r.try_get("passphrase_hash")?,
                    revoked: revoked_at.is_some(),
                })
            })
            .transpose()?
        });
        Ok(row)
    }

    /// Counts and records one sign-in attempt in one transaction (SQLite's
    /// write lock, or a PostgreSQL advisory lock: attempts queue here, so
    /// parallel attempts are all counted). First forgets every failure at or
    /// before `window_start`; then `decide` sees the counts and answers
    /// `Some(wait_ms)` to refuse; otherwise the attempt is recorded as a
    /// failure (before the passphrase is checked; a success clears it).
    pub async fn count_signin_attempt(
        &self,
        login: &str,
        addr: &str,
        now: i64,
        window_start: i64,
        decide: impl FnOnce(&SignInCounts) -> Option<i64>,
    ) -> Result<Option<i64>> {
        let mut tx = self.begin().await?;
        if let WriteTx::Postgres(tx) = &mut tx {
            // Any constant: one lock for the sign-in accounting.
            sqlx::query("SELECT pg_advisory_xact_lock(7301)")
                .execute(&mut **tx)
                .await?;
        }
        let purge = "DELETE FROM signin_failures WHERE at <= $1";
        let here = "SELECT at FROM signin_failures WHERE login = $1 AND addr = $2 ORDER BY at";
        let login_wide =
            "SELECT COUNT(*), COALESCE(MAX(at), 0) FROM signin_failures WHERE login = $1";
        let address = "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM signin_failures WHERE addr = $1";
        let overall = "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM signin_failures";
        let counts = on_tx!(&mut tx, conn => {
            sqlx::query(purge).bind(window_start).execute(&mut *conn).await?.rows_affected();
            SignInCounts {
                here: sqlx::query_scalar(here).bind(login).bind(addr).fetch_all(&mut *conn).await?,
                login: sqlx::query_as(login_wide).bind(login).fetch_one(&mut *conn).await?,
                address: sqlx::query_as(address).bind(addr).fetch_one(&mut *conn).await?,
                overall: sqlx::query_as(overall).fetch_one(&mut *conn).await?,
            }
        });
        if let Some(wait) = decide(&counts) {
            tx.commit().await?; // keeps the purge
            return Ok(Some(wait));
        }
        let add = "INSERT INTO signin_failures (login, addr, at) VALUES ($1, $2, $3)";
        on_tx!(&mut tx, conn => sqlx::query(add).bind(login).bind(addr).bind(now).execute(conn).await?.rows_affected());
        tx.commit().await?;
        Ok(None)
    }

    /// Forgets the login's failures (after a right passphrase).
    pub async fn clear_failures(&self, login: &str) -> Result<()> {
        let sql = "DELETE FROM signin_failures WHERE login = $1";
        on_pool!(self, pool => sqlx::query(sql).bind(login).execute(pool).await?.rows_affected());
        Ok(())
    }

    /// How many failed sign-ins are stored (all logins).
    pub async fn failure_rows(&self) -> Result<i64> {
        let sql = "SELECT COUNT(*) FROM signin_failures";
        Ok(on_pool!(self, pool => sqlx::query_scalar(sql).fetch_one(pool).await?))
    }

    /// A new session, used now. Also deletes the sessions that ended
    /// (created at or before `ended_before`, or idle since `idle_before`).
    pub async fn create_session(
        &self,
        token_hash: &str,
        login: &str,
        now: i64,
        ended: SessionCutoffs,
    ) -> Result<()> {
        let purge = "DELETE FROM sessions WHERE created_at <= $1 OR last_used_at <= $2";
        let sql = "INSERT INTO sessions (token_hash, login, created_at, last_used_at) \
                   VALUES ($1, $2, $3, $3)";
        on_pool!(self, pool => {
            sqlx::query(purge).bind(ended.created_before).bind(ended.idle_before).execute(pool).await?.rows_affected();
            sqlx::query(sql)
                .bind(token_hash)
                .bind(login)
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// The session's member, unless revoked or its group left the
    /// directory, with the session's times.
    pub async fn session_member(&self, token_hash: &str) -> Result<Option<SessionRow>> {
        let sql = "SELECT m.login, m.group_id, s.created_at, s.last_used_at \
                   FROM sessions s JOIN members m ON m.login = s.login \
                   LEFT JOIN groups g ON g.id = m.group_id AND NOT g.deleted \
                   WHERE s.token_hash = $1 AND m.revoked_at IS NULL \
                   AND (g.id IS NOT NULL OR m.group_id = '@staff')";
        let row: Option<(String, String, i64, i64)> = on_pool!(self, pool => sqlx::query_as(sql).bind(token_hash).fetch_optional(pool).await?);
        Ok(
            row.map(|(login, group_id, created_at, last_used_at)| SessionRow {
                login,
                group_id,
                created_at,
                last_used_at,
            }),
        )
    }

    /// Marks the session used at `now`.
    pub async fn touch_session(&self, token_hash: &str, now: i64) -> Result<()> {
        let sql = "UPDATE sessions SET last_used_at = $1 WHERE token_hash = $2";
        on_pool!(self, pool => sqlx::query(sql).bind(now).bind(token_hash).execute(pool).await?.rows_affected());
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let sql = "DELETE FROM sessions WHERE token_hash = $1";
        on_pool!(self, pool => sqlx::query(sql).bind(token_hash).execute(pool).await?.rows_affected());
        Ok(())
    }

    /// The group's members by login.
    pub async fn members(&self, group_id: &str) -> Result<Vec<MemberRow>> {
        let sql = "SELECT login, created_at, revoked_at FROM members WHERE group_id = $1 \
                   ORDER BY login";
        let rows: Vec<(String, i64, Option<i64>)> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(group_id).fetch_all(pool).await?);
        Ok(rows
            .into_iter()
            .map(|(login, created_at, revoked_at)| MemberRow {
                login,
                created_at,
                revoked_at,
            })
            .collect())
    }

    /// Marks the member revoked (keeping the first time) and deletes its
    /// sessions, in one transaction. `false`: no such login.
    pub async fn revoke_member(&self, login: &str, now: i64) -> Result<bool> {
        let mut tx = self.begin().await?;
        let mark = "UPDATE members SET revoked_at = COALESCE(revoked_at, $1) WHERE login = $2";
        let end = "DELETE FROM sessions WHERE login = $1";
        let found = on_tx!(&mut tx, conn => {
            let done = sqlx::query(mark).bind(now).bind(login).execute(&mut *conn).await?.rows_affected();
            sqlx::query(end).bind(login).execute(conn).await?.rows_affected();
            done == 1
        });
        if found {
            tx.commit().await?;
        }
        Ok(found)
    }

    /// A group left the directory: its members are revoked (keeping the
    /// first time), their sessions deleted and its unused invitations
    /// withdrawn, in one transaction. Answers how many members were
    /// revoked and invitations withdrawn.
    pub async fn withdraw_group(&self, group_id: &str, now: i64) -> Result<(u64, u64)> {
        let mut tx = self.begin().await?;
        let end =
            "DELETE FROM sessions WHERE login IN (SELECT login FROM members WHERE group_id = $1)";
        let mark = "UPDATE members SET revoked_at = COALESCE(revoked_at, $1) WHERE group_id = $2 \
                    AND revoked_at IS NULL";
        let withdraw = "UPDATE invitations SET revoked = TRUE WHERE group_id = $1 \
                        AND used_at IS NULL AND NOT revoked";
        let done = on_tx!(&mut tx, conn => {
            sqlx::query(end).bind(group_id).execute(&mut *conn).await?.rows_affected();
            (
                sqlx::query(mark).bind(now).bind(group_id).execute(&mut *conn).await?.rows_affected(),
                sqlx::query(withdraw).bind(group_id).execute(conn).await?.rows_affected(),
            )
        });
        tx.commit().await?;
        Ok(done)
    }
}
