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
//! - A session ends [`SESSION_MAX_DAYS`] after sign-in, or after
//!   [`SESSION_IDLE_DAYS`] unused; both are checked on every request, and an
//!   ended session is answered 401 `session_expired` (the app then asks to
//!   sign in again and keeps every draft).
//! - Sign-in limits ([`signin_wait`]), all within [`FAILURE_WINDOW_SECS`]:
//!   [`MAX_FAILURES`] failures for one login from one client address make
//!   that address wait until the oldest leaves the window; a login failing
//!   from many addresses backs off ([`LOGIN_BACKOFF_AFTER`], at most
//!   [`LOGIN_BACKOFF_MAX_SECS`] between attempts) rather than locking its
//!   owner out; one address may fail [`MAX_ADDRESS_FAILURES`] times over all
//!   logins, and the whole server [`MAX_OVERALL_FAILURES`] times. Each
//!   attempt is counted and recorded in one transaction before its
//!   passphrase is checked, so parallel attempts cannot slip past the count.
//!   The failures are rows in the database (older ones purged at each
//!   attempt), so servers sharing a PostgreSQL database share the limits.
//!   Login names are checked ([`check_login`]) before anything is stored.
//! - The client address is the TCP peer (axum's `ConnectInfo`); IPv6
//!   addresses count per /64. `X-Forwarded-For` is not read: a header
//!   anyone can set would let an attacker choose its own address. Behind a
//!   reverse proxy every client shares the proxy's address, so the
//!   per-address limits then act per proxy; the per-login limits still hold.
//! - Argon2 runs at most [`hashing_permits`] at a time (the number of
//!   cores); further requests wait their turn without a thread. Redeem
//!   looks the invitation code up before hashing anything.
//!
//! Every function takes the time (`now`), so the rules are tested at any
//! moment; the handlers pass the clock.

use std::net::{IpAddr, SocketAddr};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use tsunagari_core::account::{
    RedeemRequest, STAFF_ACCOUNT, Session, SignInRequest, check_login, check_passphrase,
    normalize_code, normalize_login,
};

use crate::clock::Millis;
use crate::groups;
use crate::store::{MemberRow, Redeemed, SessionCutoffs, SignInCounts, Store, StoreError};

/// The letters of invitation codes: no 0, O, 1 or I to misread.
pub const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// Characters in a code, without its hyphens.
pub const CODE_LEN: usize = 12;
/// How long an invitation is valid unless `invite --days` says otherwise.
pub const DEFAULT_INVITATION_DAYS: i64 = 14;
/// The demo group whose account `serve` makes on its first start
/// (四十万きずな町会).
pub const DEMO_ACCOUNT_GROUP: &str = "shijima-kizuna-chokai";
/// Failed sign-ins allowed per login and client address within the window.
pub const MAX_FAILURES: usize = 5;
pub const FAILURE_WINDOW_SECS: i64 = 15 * 60;
/// After this many failures of one login (from any address) within the
/// window, its attempts are spaced: 2, 4, 8… seconds apart, at most
/// [`LOGIN_BACKOFF_MAX_SECS`].
pub const LOGIN_BACKOFF_AFTER: i64 = 10;
pub const LOGIN_BACKOFF_MAX_SECS: i64 = 60;
/// Failed sign-ins allowed per client address (any login) within the window.
pub const MAX_ADDRESS_FAILURES: i64 = 30;
/// Failed sign-ins the whole server allows within the window.
pub const MAX_OVERALL_FAILURES: i64 = 1000;
/// A session ends this long after it was made…
pub const SESSION_MAX_DAYS: i64 = 30;
/// …or after this long unused.
pub const SESSION_IDLE_DAYS: i64 = 14;
/// A session's last use is written at most this often.
const SESSION_TOUCH_SECS: i64 = 60 * 60;
const DAY_MS: i64 = 86_400_000;

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
    #[error(
        "The session has ended (sessions last {SESSION_MAX_DAYS} days, or {SESSION_IDLE_DAYS} days unused); please sign in again. Drafts on the device are kept."
    )]
    SessionExpired,
    #[error("there is no group {0:?} in the directory")]
    UnknownGroup(String),
    #[error("could not make random bytes: {0}")]
    Random(getrandom::Error),
    #[error("the server's clock is not set to a usable date")]
    Clock,
    #[error("passphrase hashing failed: {0}")]
    Hashing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Member {
    /// Signed in as city staff ([`STAFF_ACCOUNT`]).
    pub fn is_staff(&self) -> bool {
        self.group_id == STAFF_ACCOUNT
    }
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

/// How many Argon2 computations may run at once: the number of cores.
pub fn hashing_permits() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

fn hashing_gate() -> &'static Semaphore {
    static GATE: OnceLock<Semaphore> = OnceLock::new();
    GATE.get_or_init(|| Semaphore::new(hashing_permits()))
}

static HASHING_RUNS: AtomicUsize = AtomicUsize::new(0);
static HASHING_NOW: AtomicUsize = AtomicUsize::new(0);
static HASHING_PEAK: AtomicUsize = AtomicUsize::new(0);

/// What Argon2 has done in this process: how many computations ran (hashes
/// and verifications), and the most that ran at the same time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashingStats {
    pub runs: usize,
    pub peak: usize,
}

pub fn hashing_stats() -> HashingStats {
    HashingStats {
        runs: HASHING_RUNS.load(Ordering::SeqCst),
        peak: HASHING_PEAK.load(Ordering::SeqCst),
    }
}

/// Runs Argon2 work on the blocking pool, at most [`hashing_permits`] at a
/// time; the others wait here, holding no thread.
async fn hashing<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AuthError> + Send + 'static,
) -> Result<T, AuthError> {
    let _permit = hashing_gate()
        .acquire()
        .await
        .map_err(|e| AuthError::Hashing(e.to_string()))?;
    tokio::task::spawn_blocking(move || {
        HASHING_RUNS.fetch_add(1, Ordering::SeqCst);
        let running = HASHING_NOW.fetch_add(1, Ordering::SeqCst) + 1;
        HASHING_PEAK.fetch_max(running, Ordering::SeqCst);
        let result = f();
        HASHING_NOW.fetch_sub(1, Ordering::SeqCst);
        result
    })
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
    hashing(move || hash_now(&passphrase)).await
}

/// Checks `passphrase` against a PHC string; `None` checks it against a
/// dummy hash, so an unknown login costs the same time as a known one.
async fn verify_passphrase(passphrase: String, phc: Option<String>) -> Result<bool, AuthError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    hashing(move || {
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

/// A new staff invitation (the staff account, [`STAFF_ACCOUNT`], made if
/// missing), valid for `days`: redeemed like a group's on `/signin`, it
/// makes a staff member, who reaches the staff endpoints and no group's.
pub async fn invite_staff(store: &Store, days: i64, now: Millis) -> Result<String, AuthError> {
    store.ensure_account(STAFF_ACCOUNT, now.0).await?;
    let code = new_code()?;
    let expires = now.plus_seconds(days.saturating_mul(86_400));
    store
        .add_invitation(
            &sha256_hex(&normalize_code(&code)),
            STAFF_ACCOUNT,
            now.0,
            expires.0,
        )
        .await?;
    Ok(code)
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
    if group_id == STAFF_ACCOUNT {
        return Ok("市職員 (city staff)".to_string());
    }
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
    let ended = SessionCutoffs {
        created_before: now.0 - SESSION_MAX_DAYS * DAY_MS,
        idle_before: now.0 - SESSION_IDLE_DAYS * DAY_MS,
    };
    store
        .create_session(&sha256_hex(&token), &login, now.0, ended)
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
    // Nothing is hashed for a code that cannot be used or a taken login;
    // `store.redeem` checks both again, atomically.
    let code_hash = sha256_hex(&code);
    if store.invitation_group(&code_hash, now.0).await?.is_none() {
        return Err(AuthError::InvalidCode);
    }
    if store.login_exists(&login).await? {
        return Err(AuthError::LoginTaken);
    }
    let hash = hash_passphrase(req.passphrase).await?;
    match store.redeem(&code_hash, &login, &hash, now.0).await? {
        Redeemed::Member { group_id } => open_session(store, login, group_id, now).await,
        Redeemed::InvalidCode => Err(AuthError::InvalidCode),
        Redeemed::LoginTaken => Err(AuthError::LoginTaken),
    }
}

/// How long an attempt must wait (ms), given the failures stored within
/// the window; `None`: it may be checked now.
pub fn signin_wait(c: &SignInCounts, now: Millis) -> Option<i64> {
    let window_ms = FAILURE_WINDOW_SECS * 1000;
    let mut waits = Vec::new();
    // This login from this address: the window from the oldest counted one.
    if c.here.len() >= MAX_FAILURES {
        let oldest_counted = c.here[c.here.len() - MAX_FAILURES];
        waits.push(oldest_counted + window_ms - now.0);
    }
    // This login from anywhere: spaced attempts, never a lock-out.
    let (login_failures, newest) = c.login;
    if login_failures >= LOGIN_BACKOFF_AFTER {
        let steps = u32::try_from(login_failures - LOGIN_BACKOFF_AFTER + 1).unwrap_or(u32::MAX);
        let secs = 2i64
            .checked_pow(steps)
            .map_or(LOGIN_BACKOFF_MAX_SECS, |s| s.min(LOGIN_BACKOFF_MAX_SECS));
        waits.push(newest + secs * 1000 - now.0);
    }
    let (address_failures, oldest) = c.address;
    if address_failures >= MAX_ADDRESS_FAILURES {
        waits.push(oldest + window_ms - now.0);
    }
    let (all_failures, oldest) = c.overall;
    if all_failures >= MAX_OVERALL_FAILURES {
        waits.push(oldest + window_ms - now.0);
    }
    waits.into_iter().max().filter(|&ms| ms > 0)
}

/// The key the per-address limits count by: the IP, IPv6 by its /64
/// (one subscriber's usual allocation); `""` when unknown.
pub fn address_key(peer: Option<SocketAddr>) -> String {
    match peer.map(|p| p.ip().to_canonical()) {
        Some(IpAddr::V4(ip)) => ip.to_string(),
        Some(IpAddr::V6(ip)) => {
            let s = ip.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        None => String::new(),
    }
}

/// `POST /api/auth/signin` from the client address `addr`
/// ([`address_key`]), with the limits ([`signin_wait`]).
pub async fn sign_in(
    store: &Store,
    req: SignInRequest,
    addr: &str,
    now: Millis,
) -> Result<Session, AuthError> {
    let login = normalize_login(&req.login);
    // Nothing about a login that cannot exist is stored or hashed.
    check_login(&login).map_err(|e| AuthError::BadField(e.message_en))?;
    check_passphrase(&req.passphrase).map_err(|e| AuthError::BadField(e.message_en))?;
    let window_start = now.0 - FAILURE_WINDOW_SECS * 1000;
    let wait = store
        .count_signin_attempt(&login, addr, now.0, window_start, |c| signin_wait(c, now))
        .await?;
    if let Some(wait_ms) = wait {
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
        // The attempt is already recorded as a failure.
        _ => Err(AuthError::BadCredentials),
    }
}

/// The member of an `Authorization` header's value (`Bearer <token>`), now.
pub async fn member(store: &Store, authorization: Option<&str>) -> Result<Member, AuthError> {
    let now = Millis::now().ok_or(AuthError::Clock)?;
    member_at(store, authorization, now).await
}

/// The member of a token at `now`: 401 `unauthorized` for a missing,
/// unknown, signed-out or revoked one, 401 `session_expired` (and the
/// session deleted) past its absolute or idle lifetime.
pub async fn member_at(
    store: &Store,
    authorization: Option<&str>,
    now: Millis,
) -> Result<Member, AuthError> {
    let token = authorization
        .and_then(|h| h.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty() && t.len() <= 128)
        .ok_or(AuthError::Unauthorized)?;
    let token_hash = sha256_hex(token);
    let session = store
        .session_member(&token_hash)
        .await?
        .ok_or(AuthError::Unauthorized)?;
    if session.created_at <= now.0 - SESSION_MAX_DAYS * DAY_MS
        || session.last_used_at <= now.0 - SESSION_IDLE_DAYS * DAY_MS
    {
        store.delete_session(&token_hash).await?;
        return Err(AuthError::SessionExpired);
    }
    if now.0 - session.last_used_at >= SESSION_TOUCH_SECS * 1000 {
        store.touch_session(&token_hash, now.0).await?;
    }
    Ok(Member {
        login: session.login,
        group_id: session.group_id,
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
