//! The JSON API under `/api`: thin handlers and one error type.
//!
//! Every failure is an [`ApiError`], answered with a status and an
//! `ApiErrorBody {error, message}`; a client's mistake is a 4xx, never a 500.
//! Every answer carries `Cache-Control: no-store`.

use std::path::Path;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{OriginalUri, Path as UrlPath, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use tower_http::set_header::SetResponseHeaderLayer;
use tsunagari_core::{ApiErrorBody, CityContact, Cursor, CursorError, FeedPage, Group};

use crate::AppState;
use crate::groups;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("The `since` cursor is not valid: {0}")]
    BadCursor(#[from] CursorError),
    #[error("{0}")]
    BadQuery(String),
    #[error("The path is not valid: {0}")]
    BadPath(String),
    #[error("There is no group with the id {0:?} (it may have been deleted).")]
    GroupNotFound(String),
    #[error("There is no API endpoint at {0}.")]
    NoSuchEndpoint(String),
    #[error("This API endpoint does not accept that method (use GET).")]
    MethodNotAllowed,
    #[error("The server could not read its database; please try again later.")]
    Storage(#[from] StoreError),
    #[error("The server's data file {0} is damaged; please tell the maintainers.")]
    DataFile(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadCursor(_) | ApiError::BadQuery(_) | ApiError::BadPath(_) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::GroupNotFound(_) | ApiError::NoSuchEndpoint(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Storage(_) | ApiError::DataFile(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable, machine-readable `error` code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadCursor(_) => "bad_cursor",
            ApiError::BadQuery(_) => "bad_query",
            ApiError::BadPath(_) => "bad_path",
            ApiError::GroupNotFound(_) | ApiError::NoSuchEndpoint(_) => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Storage(_) => "storage",
            ApiError::DataFile(_) => "data_file",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let ApiError::Storage(e) = &self {
            tracing::error!("storage: {e}");
        }
        let body = ApiErrorBody {
            error: self.code().to_string(),
            message: self.to_string(),
        };
        let mut res = (status, Json(body)).into_response();
        // Also outside the API router's layer (`/api` itself).
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if status == StatusCode::METHOD_NOT_ALLOWED {
            res.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        }
        res
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/groups", get(group_feed))
        .route("/groups/{id}", get(group))
        .route("/city-contacts", get(city_contacts))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(state)
}

async fn health(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let groups = groups::count(&state.store).await?;
    Ok(Json(json!({
        "status": "ok",
        "groups": groups,
        "epoch": state.store.epoch(),
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedQuery {
    since: Option<String>,
}

fn bad_query(rejection: QueryRejection) -> ApiError {
    ApiError::BadQuery(format!(
        "The query string is not valid ({}); the only parameter is `since`.",
        rejection.body_text()
    ))
}

async fn group_feed(
    State(state): State<AppState>,
    query: Result<Query<FeedQuery>, QueryRejection>,
) -> Result<Json<FeedPage<Group>>, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let since = query
        .since
        .as_deref()
        .map(str::parse::<Cursor>)
        .transpose()?;
    Ok(Json(groups::feed(&state.store, since.as_ref()).await?))
}

async fn group(
    State(state): State<AppState>,
    id: Result<UrlPath<String>, PathRejection>,
) -> Result<Json<Group>, ApiError> {
    let UrlPath(id) = id.map_err(|e| ApiError::BadPath(e.body_text()))?;
    match groups::get(&state.store, &id).await? {
        Some(group) => Ok(Json(group)),
        None => Err(ApiError::GroupNotFound(id)),
    }
}

/// The file (read at each request: another tool writes it), checked to be
/// a list of `CityContact`; `[]` while it does not exist.
async fn city_contacts(State(state): State<AppState>) -> Result<Json<Vec<CityContact>>, ApiError> {
    Ok(Json(read_contacts(&state.city_contacts).await?))
}

async fn read_contacts(path: &Path) -> Result<Vec<CityContact>, ApiError> {
    let shown = || path.display().to_string();
    match tokio::fs::read(path).await {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            tracing::error!("{} is not a list of city contacts: {e}", shown());
            ApiError::DataFile(shown())
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!("{} does not exist: answering an empty list", shown());
            Ok(Vec::new())
        }
        Err(e) => {
            tracing::error!("reading {}: {e}", shown());
            Err(ApiError::DataFile(shown()))
        }
    }
}

pub async fn not_found(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::NoSuchEndpoint(uri.path().to_string())
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
