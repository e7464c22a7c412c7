//! `/api/drafts...`: push mutations, pull the group's drafts, read one,
//! submit one with a receipt. Group accounts only: a staff token is 403.

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
use crate::review;
use tsunagari_core::review::{Receipt, SubmitRequest};

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
        .route("/drafts/{id}/submit", post(submit).fallback(post_only))
}

/// Staff accounts have no drafts: the group endpoints refuse them.
pub(super) fn group_only(member: &Member) -> Result<(), ApiError> {
    if member.is_staff() {
        return Err(ApiError::Forbidden(
            "This is a staff account; the draft endpoints are for group accounts (staff use /api/staff/...).".into(),
        ));
    }
    Ok(())
}

fn draft_id(id: &str) -> Result<DraftId, ApiError> {
    DraftId::parse(id).map_err(|e| ApiError::BadPath(format!("{e} (got {id:?})")))
}

async fn submit(
    State(state): State<AppState>,
    member: Member,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<SubmitRequest>,
) -> Result<Json<Receipt>, ApiError> {
    group_only(&member)?;
    let id = draft_id(&id)?;
    Ok(Json(
        review::submit(&state.store, &member, &id, req.base_revision, Millis::now).await?,
    ))
}

async fn push(
    State(state): State<AppState>,
    member: Member,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    group_only(&member)?;
    Ok(Json(
        drafts::push(&state.store, &member, &req, Millis::now).await?,
    ))
}

async fn pull(
    State(state): State<AppState>,
    member: Member,
    ApiQuery(query): ApiQuery<FeedQuery>,
) -> Result<Json<PullResponse>, ApiError> {
    group_only(&member)?;
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
    group_only(&member)?;
    let parsed = draft_id(&id)?;
    match drafts::get(&state.store, &member, &parsed).await? {
        Some(draft) => Ok(Json(draft)),
        None => Err(ApiError::DraftNotFound(id)),
    }
}
