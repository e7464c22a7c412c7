//! `/api/drafts...`: push mutations, pull the group's drafts, read one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use tsunagari_core::sync::{Draft, DraftId, PullResponse, PushRequest, PushResponse};

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::{ApiError, FeedQuery, post_only, since_cursor};
use crate::AppState;
use crate::auth::Member;
use crate::clock::Millis;
use crate::drafts::{self, DraftsError};

/// The status of a refusal over a draft's limits.
pub(super) fn limit_status(e: &DraftsError) -> StatusCode {
    match e {
        DraftsError::DraftTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        DraftsError::TooManyDrafts => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// Its stable code.
pub(super) fn limit_code(e: &DraftsError) -> &'static str {
    match e {
        DraftsError::DraftTooLarge { .. } => "draft_too_large",
        DraftsError::TooManyDrafts => "too_many_drafts",
        _ => "over_limit",
    }
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/drafts", get(pull))
        .route("/drafts/push", post(push).fallback(post_only))
        .route("/drafts/{id}", get(one))
}

async fn push(
    State(state): State<AppState>,
    member: Member,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    Ok(Json(
        drafts::push(&state.store, &member, &req, Millis::now).await?,
    ))
}

async fn pull(
    State(state): State<AppState>,
    member: Member,
    ApiQuery(query): ApiQuery<FeedQuery>,
) -> Result<Json<PullResponse>, ApiError> {
    let since = since_cursor(query.since.as_deref())?;
    Ok(Json(
        drafts::feed(&state.store, &member, since.as_ref()).await?,
    ))
}

async fn one(
    State(state): State<AppState>,
    member: Member,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Draft>, ApiError> {
    let parsed = DraftId::parse(&id).map_err(|e| ApiError::BadPath(format!("{e} (got {id:?})")))?;
    match drafts::get(&state.store, &member, &parsed).await? {
        Some(draft) => Ok(Json(draft)),
        None => Err(ApiError::DraftNotFound(id)),
    }
}
