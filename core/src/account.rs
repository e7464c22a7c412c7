//! Group accounts (団体アカウント): the wire types of signing in, and the
//! rules for login names, passphrases and invitation codes, shared by the
//! app's form messages and the server's checks.
//!
//! Residents need no account. City staff create a group account and issue
//! invitation codes (`tsunagari-server invite`); a member redeems a code with
//! `POST /api/auth/redeem`, choosing a login name and a passphrase, and is
//! signed in. Later sign-ins use `POST /api/auth/signin`. Both answer a
//! [`Session`] whose `token` the app keeps (IndexedDB) and sends as
//! `Authorization: Bearer <token>` on the draft endpoints.

use serde::{Deserialize, Serialize};

use crate::directory::GroupId;

/// Login names: 3–32 characters of `a–z`, `0–9`, `.`, `-`, `_` (after
/// lower-casing and width folding, so `ＹＡＭＡＤＡ` is `yamada`).
pub const LOGIN_MIN: usize = 3;
pub const LOGIN_MAX: usize = 32;
/// Passphrases: 10–200 characters (any script; counted as characters).
pub const PASSPHRASE_MIN: usize = 10;
pub const PASSPHRASE_MAX: usize = 200;

/// `POST /api/auth/redeem`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeemRequest {
    pub code: String,
    pub login: String,
    pub passphrase: String,
}

/// `POST /api/auth/signin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInRequest {
    pub login: String,
    pub passphrase: String,
}

/// The answer to redeem and sign-in, and `GET /api/auth/me` (without a
/// token there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Bearer token; only present when it was just issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub login: String,
    pub group_id: GroupId,
    pub group_name: String,
}

/// The account city staff belong to (`invite-staff` makes its invitations).
/// Not a directory group id (`@` is never in one): a session whose
/// `group_id` is this is staff's, and reaches the staff endpoints only.
pub const STAFF_ACCOUNT: &str = "@staff";

impl Session {
    /// Signed in as city staff.
    pub fn is_staff(&self) -> bool {
        self.group_id == STAFF_ACCOUNT
    }
}

/// A problem with a field of the sign-in or redeem form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountError {
    pub message_ja: &'static str,
    pub message_en: &'static str,
}

/// The canonical login name: width folded (NFKC for ASCII look-alikes),
/// trimmed and lower-cased.
pub fn normalize_login(login: &str) -> String {
    crate::width::fold_width(login.trim()).to_lowercase()
}

/// Checks a login name after [`normalize_login`].
pub fn check_login(login: &str) -> Result<(), AccountError> {
    let n = login.chars().count();
    if !(LOGIN_MIN..=LOGIN_MAX).contains(&n) {
        return Err(AccountError {
            message_ja: "ログイン名は3〜32文字にしてください。",
            message_en: "A login name has 3 to 32 characters.",
        });
    }
    if !login
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
    {
        return Err(AccountError {
            message_ja: "ログイン名に使えるのは半角英数字と . - _ です。",
            message_en: "A login name may use letters, digits, '.', '-' and '_'.",
        });
    }
    Ok(())
}

/// Checks a new passphrase.
pub fn check_passphrase(passphrase: &str) -> Result<(), AccountError> {
    let n = passphrase.chars().count();
    if n < PASSPHRASE_MIN {
        return Err(AccountError {
            message_ja: "パスフレーズは10文字以上にしてください。",
            message_en: "A passphrase has at least 10 characters.",
        });
    }
    if n > PASSPHRASE_MAX {
        return Err(AccountError {
            message_ja: "パスフレーズは200文字以内にしてください。",
            message_en: "A passphrase has at most 200 characters.",
        });
    }
    Ok(())
}

/// The canonical invitation code: width folded, upper-cased, with spaces and
/// hyphens removed (codes are printed as `ABCD-EFGH-JKLM`).
pub fn normalize_code(code: &str) -> String {
    crate::width::fold_width(code)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_names_fold_width_and_case() {
        assert_eq!(normalize_login(" ＹＡＭＡＤＡ_01 "), "yamada_01");
        assert!(check_login("yamada_01").is_ok());
        assert!(check_login("yo").is_err());
        assert!(check_login("山田").is_err());
        assert!(check_login(&"a".repeat(33)).is_err());
    }

    #[test]
    fn passphrases_count_characters() {
        assert!(check_passphrase("かなざわのまちづくり").is_ok()); // 10 characters, 30 bytes
        assert!(check_passphrase("short").is_err());
        assert!(check_passphrase(&"x".repeat(201)).is_err());
    }

    #[test]
    fn codes_ignore_hyphens_spaces_width_and_case() {
        assert_eq!(normalize_code("abcd-efgh ｊｋｌｍ"), "ABCDEFGHJKLM");
    }
}
