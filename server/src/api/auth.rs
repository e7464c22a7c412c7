//! `/api/auth/...`: redeem an invitation, sign in, sign out, who am I.

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
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

/// The client's address as the sign-in limits count it
/// ([`auth::address_key`]): the TCP peer that `serve` records
/// (`ConnectInfo`), never a forwarded-for header; `""` when unknown.
struct ClientAddr(String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| *addr);
        Ok(ClientAddr(auth::address_key(peer)))
    }
}

async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(req): ApiJson<SignInRequest>,
) -> Result<Json<Session>, ApiError> {
    Ok(Json(auth::sign_in(&state.store, req, &addr, now()?).await?))
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
        AuthError::BadCredentials | AuthError::Unauthorized | AuthError::SessionExpired => {
            StatusCode::UNAUTHORIZED
        }
        AuthError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
        AuthError::UnknownGroup(_)
        | AuthError::Clock
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
        AuthError::SessionExpired => "session_expired",
        AuthError::Clock => "clock",
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
        AuthError::Unauthorized | AuthError::SessionExpired => {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        _ => {}
    }
}
