//! `/api/rounds` (public) and `/api/staff/...` (staff accounts only; a
//! group's token is 403): the list of submissions, one submission, a
//! status change.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tsunagari_core::review::{StaffSubmission, Status, SubmissionSummary, TransitionRequest};
use tsunagari_core::round::RoundsFeed;
use tsunagari_core::sync::DraftId;

use super::extract::{ApiJson, ApiPath, ApiQuery, QueryParams};
use super::{ApiError, post_only};
use crate::AppState;
use crate::auth::Member;
use crate::clock::Millis;
use crate::review::{self, Filter};
use crate::rounds;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/rounds", get(round_feed))
        .route("/staff/submissions", get(list))
        .route("/staff/submissions/{id}", get(one))
        .route(
            "/staff/submissions/{id}/transition",
            post(transition).fallback(post_only),
        )
}

fn staff_only(member: &Member) -> Result<(), ApiError> {
    if !member.is_staff() {
        return Err(ApiError::Forbidden(
            "The staff endpoints are for city staff accounts; a group account cannot use them."
                .into(),
        ));
    }
    Ok(())
}

fn draft_id(id: &str) -> Result<DraftId, ApiError> {
    DraftId::parse(id).map_err(|e| ApiError::BadPath(format!("{e} (got {id:?})")))
}

async fn round_feed(State(state): State<AppState>) -> Result<Json<RoundsFeed>, ApiError> {
    Ok(Json(rounds::feed(&state.store).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    round: Option<String>,
    division: Option<String>,
    department: Option<String>,
    status: Option<String>,
}

impl QueryParams for ListQuery {
    const EXPECTED: &'static str = "the parameters are `round`, `division`, `department` and `status` (submitted, received, under_review, selected, not_selected, returned)";
}

async fn list(
    State(state): State<AppState>,
    member: Member,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Vec<SubmissionSummary>>, ApiError> {
    staff_only(&member)?;
    let status = q
        .status
        .as_deref()
        .map(|s| {
            Status::from_code(s).ok_or_else(|| {
                ApiError::BadQuery(format!(
                    "The status {s:?} is not one of: submitted, received, under_review, selected, not_selected, returned."
                ))
            })
        })
        .transpose()?;
    let filter = Filter {
        round: q.round,
        division: q.division,
        department: q.department,
        status,
    };
    Ok(Json(review::list(&state.store, &filter).await?))
}

async fn one(
    State(state): State<AppState>,
    member: Member,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<StaffSubmission>, ApiError> {
    staff_only(&member)?;
    Ok(Json(review::one(&state.store, &draft_id(&id)?).await?))
}

async fn transition(
    State(state): State<AppState>,
    member: Member,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<TransitionRequest>,
) -> Result<Json<StaffSubmission>, ApiError> {
    staff_only(&member)?;
    let id = draft_id(&id)?;
    Ok(Json(
        review::transition(&state.store, &member, &id, &req, Millis::now).await?,
    ))
}
