//! `/api/auth/...`: redeem an invitation, sign in, sign out, who am I.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::routing::{get, post};
use axum::{Json, Router};
use tsunagari_core::account::{RedeemRequest, Session, SignInRequest};

use super::extract::ApiJson;
use super::{ApiError, post_only};
use crate::AppState;
use crate::auth::{self, AuthError, Member};
use crate::clock::Millis;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/redeem", post(redeem).fallback(post_only))
        .route("/auth/signin", post(sign_in).fallback(post_only))
        .route("/auth/signout", post(sign_out).fallback(post_only))
        .route("/auth/me", get(me))
}

fn now() -> Result<Millis, ApiError> {
    Millis::now().ok_or(ApiError::Clock)
}

async fn redeem(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RedeemRequest>,
) -> Result<Json<Session>, ApiError> {
    Ok(Json(auth::redeem(&state.store, req, now()?).await?))
}

async fn sign_in(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SignInRequest>,
) -> Result<Json<Session>, ApiError> {
    Ok(Json(auth::sign_in(&state.store, req, now()?).await?))
}

async fn sign_out(State(state): State<AppState>, member: Member) -> Result<StatusCode, ApiError> {
    auth::sign_out(&state.store, &member).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(State(state): State<AppState>, member: Member) -> Result<Json<Session>, ApiError> {
    Ok(Json(auth::session_of(&state.store, member).await?))
}

pub(super) fn status(e: &AuthError) -> StatusCode {
    match e {
        AuthError::BadField(_) | AuthError::InvalidCode => StatusCode::BAD_REQUEST,
        AuthError::LoginTaken => StatusCode::CONFLICT,
        AuthError::BadCredentials | AuthError::Unauthorized => StatusCode::UNAUTHORIZED,
        AuthError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
        AuthError::UnknownGroup(_)
        | AuthError::Random(_)
        | AuthError::Hashing(_)
        | AuthError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

pub(super) fn code(e: &AuthError) -> &'static str {
    match e {
        AuthError::BadField(_) => "bad_request",
        AuthError::InvalidCode => "invalid_code",
        AuthError::LoginTaken => "login_taken",
        AuthError::BadCredentials => "bad_credentials",
        AuthError::RateLimited(_) => "rate_limited",
        AuthError::Unauthorized => "unauthorized",
        AuthError::Store(_) => "storage",
        AuthError::UnknownGroup(_) | AuthError::Random(_) | AuthError::Hashing(_) => "internal",
    }
}

/// The sentence for the client; internal failures are only logged.
pub(super) fn message(e: &AuthError) -> String {
    if status(e).is_server_error() {
        "The server could not complete the request; please try again later.".into()
    } else {
        e.to_string()
    }
}

pub(super) fn add_headers(e: &AuthError, headers: &mut HeaderMap) {
    match e {
        AuthError::RateLimited(seconds) => {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                headers.insert(header::RETRY_AFTER, value);
            }
        }
        AuthError::Unauthorized => {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        _ => {}
    }
}
