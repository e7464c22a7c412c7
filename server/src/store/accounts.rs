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

    pub async fn credentials(&self, login: &str) -> Result<Option<Credentials>> {
        let sql = "SELECT group_id, passphrase_hash, revoked_at FROM members WHERE login = $1";
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

    /// The times of the login's failed sign-ins after `since`, newest first.
    pub async fn failures_since(&self, login: &str, since: i64) -> Result<Vec<i64>> {
        let sql = "SELECT at FROM signin_failures WHERE login = $1 AND at > $2 ORDER BY at DESC";
        Ok(
            on_pool!(self, pool => sqlx::query_scalar(sql).bind(login).bind(since).fetch_all(pool).await?),
        )
    }

    /// Records a failed sign-in and forgets the login's failures at or
    /// before `forget_before` (outside every window).
    pub async fn record_failure(&self, login: &str, now: i64, forget_before: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        let forget = "DELETE FROM signin_failures WHERE login = $1 AND at <= $2";
        let add = "INSERT INTO signin_failures (login, at) VALUES ($1, $2)";
        on_tx!(&mut tx, conn => {
            sqlx::query(forget).bind(login).bind(forget_before).execute(&mut *conn).await?.rows_affected();
            sqlx::query(add).bind(login).bind(now).execute(conn).await?.rows_affected();
        });
        tx.commit().await
    }

    pub async fn clear_failures(&self, login: &str) -> Result<()> {
        let sql = "DELETE FROM signin_failures WHERE login = $1";
        on_pool!(self, pool => sqlx::query(sql).bind(login).execute(pool).await?.rows_affected());
        Ok(())
    }

    pub async fn create_session(&self, token_hash: &str, login: &str, now: i64) -> Result<()> {
        let sql = "INSERT INTO sessions (token_hash, login, created_at) VALUES ($1, $2, $3)";
        on_pool!(self, pool => sqlx::query(sql)
            .bind(token_hash)
            .bind(login)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(())
    }

    /// `(login, group_id)` of the session's member, unless revoked.
    pub async fn session_member(&self, token_hash: &str) -> Result<Option<(String, String)>> {
        let sql = "SELECT m.login, m.group_id FROM sessions s JOIN members m ON m.login = s.login \
                   WHERE s.token_hash = $1 AND m.revoked_at IS NULL";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(token_hash).fetch_optional(pool).await?))
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
}
