//! Extractors whose failures are `ApiError`s (JSON, never axum's plain
//! text): a JSON body of at most [`MAX_BODY_BYTES`], a query string, path
//! parameters, and the signed-in [`Member`] of a bearer token.
//!
//! Input checks every endpoint needs live here, once: no text may hold a
//! NUL character (U+0000; PostgreSQL cannot store it, in `TEXT` or `JSONB`,
//! so it is refused on both databases alike), and a query string or a path
//! parameter has a size limit. Handlers never `map_err` an extraction.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{
    DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, RawPathParams, Request,
};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::ApiError;
use crate::AppState;
use crate::auth::{self, Member};

/// The largest request body (1 MiB).
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// The longest query string, in bytes as sent (percent-encoded).
pub const MAX_QUERY_BYTES: usize = 2048;
/// The longest path parameter (an id), in bytes once percent-decoded.
pub const MAX_PATH_PARAM_BYTES: usize = 256;

/// What the API says about a NUL character, wherever it was.
const NUL_MESSAGE: &str = "contains a NUL character (U+0000, `\\u0000`), which the server \
                           does not store; remove it and send again.";

/// The API router's body limit; a larger body is 413 `too_large`.
pub fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_BODY_BYTES)
}

/// `Json<T>` with JSON errors: 413 `too_large` over the limit, 400
/// `bad_request` for anything else (no JSON content type, bad syntax, the
/// wrong shape, a NUL in any string or key), saying what was wrong.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        let bytes = match Bytes::from_request(Request::from_parts(parts.clone(), body), state).await
        {
            Ok(bytes) => bytes,
            Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::TooLarge);
            }
            Err(r) => return Err(ApiError::BadRequest(r.body_text())),
        };
        if json_has_nul(&bytes) {
            return Err(ApiError::BadRequest(format!(
                "Text in the request body {NUL_MESSAGE}"
            )));
        }
        let req = Request::from_parts(parts, Body::from(bytes));
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(r) => Err(ApiError::BadRequest(format!(
                "The request body is not the JSON this endpoint expects: {}",
                r.body_text()
            ))),
        }
    }
}

/// Whether a JSON text has a NUL in a string or a key. JSON cannot carry a
/// raw control character inside a string, so a NUL is always the escape
/// `\u0000`; `\\u0000` (an escaped backslash, then `u0000`) is not one.
fn json_has_nul(json: &[u8]) -> bool {
    let mut in_string = false;
    let mut i = 0;
    while let Some(&b) = json.get(i) {
        match (in_string, b) {
            (false, b'"') => in_string = true,
            (true, b'"') => in_string = false,
            (true, b'\\') => {
                if json[i + 1..].starts_with(b"u0000") {
                    return true;
                }
                i += 1; // the escaped character is not a quote or a backslash
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// The parameters of a query string, and what to tell a client that sent
/// others: for example "the only parameter is `since`".
pub trait QueryParams: DeserializeOwned {
    const EXPECTED: &'static str;
}

/// `Query<T>` with JSON errors: 400 `bad_query` for an unknown or repeated
/// parameter, a malformed value, a NUL, or more than [`MAX_QUERY_BYTES`].
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: QueryParams> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let bad = |why: String| {
            ApiError::BadQuery(format!(
                "The query string is not valid ({why}); {}.",
                T::EXPECTED
            ))
        };
        let raw = parts.uri.query().unwrap_or_default();
        if raw.len() > MAX_QUERY_BYTES {
            return Err(bad(format!("it is longer than {MAX_QUERY_BYTES} bytes")));
        }
        let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map_err(|r| bad(r.body_text()))?;
        if pairs
            .iter()
            .any(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(bad(format!("a parameter {NUL_MESSAGE}")));
        }
        let Query(value) = Query::<T>::try_from_uri(&parts.uri).map_err(|r| bad(r.body_text()))?;
        Ok(ApiQuery(value))
    }
}

/// `Path<T>` with JSON errors: 400 `bad_path` for a parameter that is not
/// UTF-8 or not of `T`'s type, holds a NUL, or is longer than
/// [`MAX_PATH_PARAM_BYTES`] once decoded.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|r| ApiError::BadPath(r.body_text()))?;
        for (name, value) in &raw {
            if value.len() > MAX_PATH_PARAM_BYTES {
                return Err(ApiError::BadPath(format!(
                    "`{name}` is longer than {MAX_PATH_PARAM_BYTES} bytes"
                )));
            }
            if value.contains('\0') {
                return Err(ApiError::BadPath(format!("`{name}` {NUL_MESSAGE}")));
            }
        }
        let Path(value) = Path::<T>::from_request_parts(parts, state)
            .await
            .map_err(|r| ApiError::BadPath(r.body_text()))?;
        Ok(ApiPath(value))
    }
}

/// The member of `Authorization: Bearer <token>`; 401 `unauthorized` when
/// missing, unknown, signed out or revoked. (HTTP itself refuses a NUL in a
/// header, before any handler runs.)
impl FromRequestParts<AppState> for Member {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        Ok(auth::member(&state.store, value).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::json_has_nul;

    #[test]
    fn nul_in_json_strings_and_keys() {
        assert!(json_has_nul(br#"{"a":"x\u0000y"}"#));
        assert!(json_has_nul(br#"{"a\u0000":1}"#));
        assert!(json_has_nul(br#"["\"\u0000"]"#));
        assert!(
            !json_has_nul(br#"{"a":"x\\u0000y"}"#),
            "an escaped backslash"
        );
        assert!(json_has_nul(br#"{"a":"\u0001 \u00000"}"#));
        assert!(!json_has_nul(br#"{"a":"\u0030\u1000"}"#));
        assert!(!json_has_nul(br#"{"u0000":"\\\\u0000"}"#));
    }
}
