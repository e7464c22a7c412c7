//! Group accounts (団体アカウント): invitation codes, members, sessions and
//! the sign-in rate limit, on top of the store.
//!
//! - An invitation code is 12 characters of [`CODE_ALPHABET`] (no 0/O/1/I),
//!   shown as `XXXX-XXXX-XXXX`; only its SHA-256 is stored, and it is used
//!   up in the transaction that creates the member.
//! - Passphrases are stored as Argon2id PHC strings, hashed and verified on
//!   the blocking pool.
//! - A session token is 32 random bytes, base64url; only its SHA-256 is
//!   stored. A revoked member's sessions are deleted and never accepted.
//! - After [`MAX_FAILURES`] failed sign-ins for a login within
//!   [`FAILURE_WINDOW_SECS`], every attempt (even a right one) is refused
//!   until the window has passed. The failures are rows in the database, so
//!   servers sharing a PostgreSQL database share the limit.
//!
//! Every function takes the time (`now`), so the rules are tested at any
//! moment; the handlers pass the clock.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use tsunagari_core::account::{
    RedeemRequest, Session, SignInRequest, check_login, check_passphrase, normalize_code,
    normalize_login,
};

use crate::clock::Millis;
use crate::groups;
use crate::store::{MemberRow, Redeemed, Store, StoreError};

/// The letters of invitation codes: no 0, O, 1 or I to misread.
pub const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// Characters in a code, without its hyphens.
pub const CODE_LEN: usize = 12;
/// How long an invitation is valid unless `invite --days` says otherwise.
pub const DEFAULT_INVITATION_DAYS: i64 = 14;
/// The demo group whose account `serve` makes on its first start
/// (四十万きずな町会).
pub const DEMO_ACCOUNT_GROUP: &str = "shijima-kizuna-chokai";
/// Failed sign-ins allowed per login within the window.
pub const MAX_FAILURES: usize = 5;
pub const FAILURE_WINDOW_SECS: i64 = 15 * 60;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// A form field breaks a rule (`AccountError::message_en`).
    #[error("{0}")]
    BadField(&'static str),
    #[error("This invitation code is not valid: it may be mistyped, used, expired or withdrawn.")]
    InvalidCode,
    #[error("This login name is already taken; please choose another.")]
    LoginTaken,
    #[error("The login name or the passphrase is wrong.")]
    BadCredentials,
    #[error("Too many failed sign-ins for this login; try again in {0} seconds.")]
    RateLimited(i64),
    #[error("Please sign in (the session is missing, has ended or was revoked).")]
    Unauthorized,
    #[error("there is no group {0:?} in the directory")]
    UnknownGroup(String),
    #[error("could not make random bytes: {0}")]
    Random(getrandom::Error),
    #[error("passphrase hashing failed: {0}")]
    Hashing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Who a valid bearer token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub login: String,
    pub group_id: String,
    /// The SHA-256 of the token the request carried (for sign-out).
    pub token_hash: String,
}

fn random_bytes<const N: usize>() -> Result<[u8; N], AuthError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(AuthError::Random)?;
    Ok(bytes)
}

pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new code, `XXXX-XXXX-XXXX`.
pub fn new_code() -> Result<String, AuthError> {
    // 256 is a multiple of 32: `b % 32` is uniform.
    let bytes = random_bytes::<CODE_LEN>()?;
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(b % 32)]))
        .collect();
    Ok(chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

/// A normalised code ([`normalize_code`]) that could have been issued.
fn is_code_shape(code: &str) -> bool {
    code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))
}

/// A new session token: 32 random bytes, base64url without padding.
pub fn new_token() -> Result<String, AuthError> {
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AuthError> + Send + 'static,
) -> Result<T, AuthError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AuthError::Hashing(e.to_string()))?
}

fn hash_now(passphrase: &str) -> Result<String, AuthError> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| AuthError::Hashing(e.to_string()))?;
    Argon2::default()
        .hash_password(passphrase.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hashing(e.to_string()))
}

/// Argon2id PHC string of `passphrase` (on the blocking pool).
pub async fn hash_passphrase(passphrase: String) -> Result<String, AuthError> {
    blocking(move || hash_now(&passphrase)).await
}

/// Checks `passphrase` against a PHC string; `None` checks it against a
/// dummy hash, so an unknown login costs the same time as a known one.
async fn verify_passphrase(passphrase: String, phc: Option<String>) -> Result<bool, AuthError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    blocking(move || {
        let phc = match phc {
            Some(phc) => phc,
            None => DUMMY
                .get_or_init(|| hash_now("no such login").unwrap_or_default())
                .clone(),
        };
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return Ok(false);
        };
        Ok(Argon2::default()
            .verify_password(passphrase.as_bytes(), &parsed)
            .is_ok())
    })
    .await
}

/// Makes the account of a directory group; `false` if it was already there.
pub async fn create_account(store: &Store, group_id: &str, now: Millis) -> Result<bool, AuthError> {
    if groups::get(store, group_id).await?.is_none() {
        return Err(AuthError::UnknownGroup(group_id.to_string()));
    }
    Ok(store.ensure_account(group_id, now.0).await?)
}

/// A new invitation for the group (its account made if missing), valid for
/// `days`: the code to hand over, `XXXX-XXXX-XXXX`.
pub async fn invite(
    store: &Store,
    group_id: &str,
    days: i64,
    now: Millis,
) -> Result<String, AuthError> {
    create_account(store, group_id, now).await?;
    let code = new_code()?;
    let expires = now.plus_seconds(days.saturating_mul(86_400));
    store
        .add_invitation(
            &sha256_hex(&normalize_code(&code)),
            group_id,
            now.0,
            expires.0,
        )
        .await?;
    Ok(code)
}

async fn group_name(store: &Store, group_id: &str) -> Result<String, AuthError> {
    Ok(groups::get(store, group_id)
        .await?
        .map_or_else(|| group_id.to_string(), |g| g.name))
}

async fn open_session(
    store: &Store,
    login: String,
    group_id: String,
    now: Millis,
) -> Result<Session, AuthError> {
    let token = new_token()?;
    store
        .create_session(&sha256_hex(&token), &login, now.0)
        .await?;
    Ok(Session {
        token: Some(token),
        group_name: group_name(store, &group_id).await?,
        login,
        group_id,
    })
}

/// `POST /api/auth/redeem`: a new member of the code's group, signed in.
pub async fn redeem(store: &Store, req: RedeemRequest, now: Millis) -> Result<Session, AuthError> {
    let login = normalize_login(&req.login);
    check_login(&login).map_err(|e| AuthError::BadField(e.message_en))?;
    check_passphrase(&req.passphrase).map_err(|e| AuthError::BadField(e.message_en))?;
    let code = normalize_code(&req.code);
    if !is_code_shape(&code) {
        return Err(AuthError::InvalidCode);
    }
    let hash = hash_passphrase(req.passphrase).await?;
    match store
        .redeem(&sha256_hex(&code), &login, &hash, now.0)
        .await?
    {
        Redeemed::Member { group_id } => open_session(store, login, group_id, now).await,
        Redeemed::InvalidCode => Err(AuthError::InvalidCode),
        Redeemed::LoginTaken => Err(AuthError::LoginTaken),
    }
}

/// `POST /api/auth/signin`, with the rate limit.
pub async fn sign_in(store: &Store, req: SignInRequest, now: Millis) -> Result<Session, AuthError> {
    let login = normalize_login(&req.login);
    let window_ms = FAILURE_WINDOW_SECS * 1000;
    let failures = store.failures_since(&login, now.0 - window_ms).await?;
    if let Some(&oldest_counted) = failures.get(MAX_FAILURES - 1) {
        // Attempts are allowed again once this failure leaves the window.
        let wait_ms = oldest_counted + window_ms - now.0;
        return Err(AuthError::RateLimited(((wait_ms + 999) / 1000).max(1)));
    }
    let credentials = store.credentials(&login).await?;
    let phc = credentials.as_ref().map(|c| c.passphrase_hash.clone());
    let right = verify_passphrase(req.passphrase, phc).await?;
    match credentials {
        Some(c) if right && !c.revoked => {
            store.clear_failures(&login).await?;
            open_session(store, login, c.group_id, now).await
        }
        _ => {
            store
                .record_failure(&login, now.0, now.0 - window_ms)
                .await?;
            Err(AuthError::BadCredentials)
        }
    }
}

/// The member of an `Authorization` header's value (`Bearer <token>`).
pub async fn member(store: &Store, authorization: Option<&str>) -> Result<Member, AuthError> {
    let token = authorization
        .and_then(|h| h.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty() && t.len() <= 128)
        .ok_or(AuthError::Unauthorized)?;
    let token_hash = sha256_hex(token);
    let (login, group_id) = store
        .session_member(&token_hash)
        .await?
        .ok_or(AuthError::Unauthorized)?;
    Ok(Member {
        login,
        group_id,
        token_hash,
    })
}

/// `GET /api/auth/me`: the session without its token.
pub async fn session_of(store: &Store, member: Member) -> Result<Session, AuthError> {
    Ok(Session {
        token: None,
        group_name: group_name(store, &member.group_id).await?,
        login: member.login,
        group_id: member.group_id,
    })
}

/// `POST /api/auth/signout`: the token stops working.
pub async fn sign_out(store: &Store, member: &Member) -> Result<(), AuthError> {
    Ok(store.delete_session(&member.token_hash).await?)
}

/// Revokes a member and ends its sessions; `false` for an unknown login.
pub async fn revoke(store: &Store, login: &str, now: Millis) -> Result<bool, AuthError> {
    Ok(store.revoke_member(&normalize_login(login), now.0).await?)
}

/// The group's members (`members --group`).
pub async fn members(store: &Store, group_id: &str) -> Result<Vec<MemberRow>, AuthError> {
    if !store.account_exists(group_id).await? {
        return Err(AuthError::UnknownGroup(group_id.to_string()));
    }
    Ok(store.members(group_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_printed_shape_and_normalise_back() {
        for _ in 0..50 {
            let code = new_code().expect("random");
            assert_eq!(code.len(), 14, "{code}");
            assert_eq!(code.matches('-').count(), 2);
            assert!(!code.contains(['0', 'O', '1', 'I']), "{code}");
            assert!(is_code_shape(&normalize_code(&code.to_lowercase())));
        }
        assert!(!is_code_shape("ABCD0FGHJKLM"));
        assert!(!is_code_shape("ABCDEFGHJKL"));
    }

    #[test]
    fn tokens_are_32_bytes_base64url() {
        let a = new_token().expect("random");
        assert_eq!(a.len(), 43);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(a, new_token().expect("random"));
    }

    #[test]
    fn passphrases_hash_to_argon2id_and_verify() {
        let phc = hash_now("かなざわのまちづくり").expect("hash");
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        let parsed = PasswordHash::new(&phc).expect("PHC");
        let a = Argon2::default();
        assert!(
            a.verify_password("かなざわのまちづくり".as_bytes(), &parsed)
                .is_ok()
        );
        assert!(a.verify_password(b"wrong passphrase", &parsed).is_err());
    }
}
