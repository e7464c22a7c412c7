//! Extractors whose failures are `ApiError`s (JSON, never axum's plain
//! text): a JSON body of at most [`MAX_BODY_BYTES`], and the signed-in
//! [`Member`] of a bearer token.

use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::ApiError;
use crate::AppState;
use crate::auth::{self, Member};

/// The largest request body (1 MiB).
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// The API router's body limit; a larger body is 413 `too_large`.
pub fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_BODY_BYTES)
}

/// `Json<T>` with JSON errors: 413 `too_large` over the limit, 400
/// `bad_request` for anything else (no JSON content type, bad syntax, the
/// wrong shape), saying what was wrong.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::TooLarge),
            Err(r) => Err(ApiError::BadRequest(format!(
                "The request body is not the JSON this endpoint expects: {}",
                r.body_text()
            ))),
        }
    }
}

/// The member of `Authorization: Bearer <token>`; 401 `unauthorized` when
/// missing, unknown, signed out or revoked.
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
