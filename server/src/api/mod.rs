//! The JSON API under `/api`: thin handlers and one error type.
//!
//! Every failure is an [`ApiError`], answered with a status and an
//! `ApiErrorBody {error, message}`; a client's mistake is a 4xx, never a 500.
//! Every answer carries `Cache-Control: no-store`. Group accounts are in
//! [`auth`], proposal drafts and the submission in [`drafts`], the rounds
//! feed and the staff endpoints in [`staff`]; JSON bodies, query strings, path
//! parameters and bearer tokens are read by the extractors of [`extract`],
//! which refuse a NUL and oversized input for every endpoint.

mod auth;
mod drafts;
pub mod extract;
mod staff;

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{OriginalUri, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use tower_http::set_header::SetResponseHeaderLayer;
use tsunagari_core::ical::DateTimeUtc;
use tsunagari_core::{
    ApiErrorBody, CityContact, Cursor, CursorError, Event, EventCategory, FeedPage, Group,
};

use self::extract::{ApiPath, ApiQuery, QueryParams};
use crate::AppState;
use crate::events::{self, CalendarFilter, Window};
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
    #[error("There is no event with the id {0:?} (it may have been deleted).")]
    EventNotFound(String),
    #[error("There is no API endpoint at {0}.")]
    NoSuchEndpoint(String),
    #[error("This API endpoint does not accept that method (use {0}).")]
    MethodNotAllowed(&'static str),
    #[error("{0}")]
    BadRequest(String),
    #[error("The request body is larger than {} bytes.", extract::MAX_BODY_BYTES)]
    TooLarge,
    #[error("{0}")]
    Auth(#[from] crate::auth::AuthError),
    #[error("{0}")]
    Forbidden(String),
    /// A draft over a size rule, a size or a group's quota (`drafts`).
    #[error("{message}")]
    DraftLimit {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    #[error("There is no draft with the id {0:?} for your group.")]
    DraftNotFound(String),
    /// A refusal with a sentence in both languages (a submission outside
    /// the period or not complete, a status change not allowed).
    #[error("{message_en}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        message_en: String,
        message_ja: String,
    },
    #[error("The server could not read its database; please try again later.")]
    Storage(#[from] StoreError),
    #[error("The server's data file {0} is damaged; please tell the maintainers.")]
    DataFile(String),
    #[error("The server's clock is not set to a usable date; please tell the maintainers.")]
    Clock,
    #[error(
        "The request took longer than {0} seconds to arrive and be answered; please try again."
    )]
    Timeout(u64),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadCursor(_)
            | ApiError::BadQuery(_)
            | ApiError::BadPath(_)
            | ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::GroupNotFound(_)
            | ApiError::EventNotFound(_)
            | ApiError::DraftNotFound(_)
            | ApiError::NoSuchEndpoint(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Timeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Auth(e) => auth::status(e),
            ApiError::DraftLimit { status, .. } | ApiError::Refused { status, .. } => *status,
            ApiError::Storage(_) | ApiError::DataFile(_) | ApiError::Clock => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The sentence for the client: internal failures are not described.
    fn public_message(&self) -> String {
        match self {
            ApiError::Auth(e) => auth::message(e),
            _ => self.to_string(),
        }
    }

    /// The stable, machine-readable `error` code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadCursor(_) => "bad_cursor",
            ApiError::BadQuery(_) => "bad_query",
            ApiError::BadPath(_) => "bad_path",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::GroupNotFound(_)
            | ApiError::EventNotFound(_)
            | ApiError::DraftNotFound(_)
            | ApiError::NoSuchEndpoint(_) => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::TooLarge => "too_large",
            ApiError::Timeout(_) => "timeout",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Auth(e) => auth::code(e),
            ApiError::DraftLimit { code, .. } | ApiError::Refused { code, .. } => code,
            ApiError::Storage(_) => "storage",
            ApiError::DataFile(_) => "data_file",
            ApiError::Clock => "clock",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let ApiError::Storage(e) = &self {
            tracing::error!("storage: {e}");
        }
        if status.is_server_error() && !matches!(self, ApiError::Storage(_)) {
            tracing::error!("{}: {self}", self.code());
        }
        let body = ApiErrorBody {
            error: self.code().to_string(),
            message: self.public_message(),
            message_ja: match &self {
                ApiError::Refused { message_ja, .. } => Some(message_ja.clone()),
                _ => None,
            },
        };
        let mut res = (status, Json(body)).into_response();
        // Also outside the API router's layer (`/api` itself).
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        match &self {
            ApiError::MethodNotAllowed(allow) => {
                res.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(allow));
            }
            ApiError::Auth(e) => auth::add_headers(e, res.headers_mut()),
            _ => {}
        }
        res
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/groups", get(group_feed))
        .route("/groups/{id}", get(group))
        .route("/events", get(event_feed))
        .route("/events/{id}", get(event))
        .route("/city-contacts", get(city_contacts))
        .merge(auth::router())
        .merge(drafts::router())
        .merge(staff::router())
        .method_not_allowed_fallback(method_not_allowed)
        .layer(extract::body_limit())
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

impl QueryParams for FeedQuery {
    const EXPECTED: &'static str = "the only parameter is `since`";
}

/// The `since` parameter of a feed: none, or a cursor (400 when malformed).
pub(crate) fn since_cursor(since: Option<&str>) -> Result<Option<Cursor>, ApiError> {
    Ok(since.map(str::parse::<Cursor>).transpose()?)
}

async fn group_feed(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<FeedQuery>,
) -> Result<Json<FeedPage<Group>>, ApiError> {
    let since = since_cursor(query.since.as_deref())?;
    Ok(Json(groups::feed(&state.store, since.as_ref()).await?))
}

async fn group(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Group>, ApiError> {
    match groups::get(&state.store, &id).await? {
        Some(group) => Ok(Json(group)),
        None => Err(ApiError::GroupNotFound(id)),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventsQuery {
    since: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl QueryParams for EventsQuery {
    const EXPECTED: &'static str =
        "the parameters are `since` (a feed cursor), or `from` and `to` (dates)";
}

/// The change feed (`since`), or the events of a date window (`from`/`to`).
async fn event_feed(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<EventsQuery>,
) -> Result<Response, ApiError> {
    if query.from.is_none() && query.to.is_none() {
        let since = since_cursor(query.since.as_deref())?;
        return Ok(Json(events::feed(&state.store, since.as_ref()).await?).into_response());
    }
    if query.since.is_some() {
        return Err(ApiError::BadQuery(
            "Use either `since` (the change feed) or `from`/`to` (a date window), not both.".into(),
        ));
    }
    let window =
        Window::parse(query.from.as_deref(), query.to.as_deref()).map_err(ApiError::BadQuery)?;
    Ok(Json(events::in_window(&state.store, window).await?).into_response())
}

async fn event(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Event>, ApiError> {
    match events::get(&state.store, &id).await? {
        Some(event) => Ok(Json(event)),
        None => Err(ApiError::EventNotFound(id)),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarQuery {
    group: Option<String>,
    category: Option<String>,
}

impl QueryParams for CalendarQuery {
    const EXPECTED: &'static str =
        "the parameters are `group` (a group id) and `category` (an event category code)";
}

/// `/calendar.ics` (outside `/api`: calendar apps subscribe to it).
pub fn calendar_router(state: AppState) -> Router {
    Router::new()
        .route("/calendar.ics", get(calendar))
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

/// The events as an iCalendar file, optionally one group's or one kind's.
async fn calendar(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<CalendarQuery>,
) -> Result<Response, ApiError> {
    let category = query
        .category
        .as_deref()
        .map(|code| {
            EventCategory::from_code(code).ok_or_else(|| {
                let known: Vec<&str> = EventCategory::ALL.iter().map(|c| c.code()).collect();
                ApiError::BadQuery(format!(
                    "There is no event category {code:?}; use one of {}.",
                    known.join(", ")
                ))
            })
        })
        .transpose()?;
    let filter = CalendarFilter {
        group: query.group,
        category,
    };
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
        .ok_or(ApiError::Clock)?;
    let now = DateTimeUtc::from_unix_seconds(seconds).ok_or(ApiError::Clock)?;
    let body = events::calendar(&state.store, &filter, now, &state.city).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"tsunagari.ics\"",
            ),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response())
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
    ApiError::MethodNotAllowed("GET, HEAD")
}

/// For the routes that take POST only.
async fn post_only() -> ApiError {
    ApiError::MethodNotAllowed("POST")
}

impl From<crate::drafts::DraftsError> for ApiError {
    fn from(e: crate::drafts::DraftsError) -> ApiError {
        use crate::drafts::DraftsError;
        match e {
            DraftsError::BadRequest(_) => ApiError::BadRequest(e.to_string()),
            DraftsError::Forbidden(m) => ApiError::Forbidden(m),
            DraftsError::OverLimit { .. }
            | DraftsError::DraftTooLarge { .. }
            | DraftsError::TooManyDrafts => ApiError::DraftLimit {
                status: drafts::limit_status(&e),
                code: drafts::limit_code(&e),
                message: e.to_string(),
            },
            DraftsError::Clock => ApiError::Clock,
            DraftsError::Store(e) => ApiError::Storage(e),
        }
    }
}

impl From<crate::review::ReviewError> for ApiError {
    fn from(e: crate::review::ReviewError) -> ApiError {
        use crate::review::ReviewError;
        let refused = |status, code, ja: String, en: String| ApiError::Refused {
            status,
            code,
            message_en: en,
            message_ja: ja,
        };
        match e {
            ReviewError::DraftNotFound(id) => ApiError::DraftNotFound(id),
            ReviewError::SubmissionNotFound(id) => refused(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("提出された提案書「{id}」はありません。"),
                format!("There is no submitted proposal with the id {id:?}."),
            ),
            ReviewError::Period { code, ja, en } => refused(StatusCode::CONFLICT, code, ja, en),
            ReviewError::NotSubmittable { ja, en } => {
                refused(StatusCode::UNPROCESSABLE_ENTITY, "not_submittable", ja, en)
            }
            ReviewError::Transition(t) => {
                let status = match t {
                    tsunagari_core::review::TransitionError::CommentRequired
                    | tsunagari_core::review::TransitionError::CommentTooLong => {
                        StatusCode::UNPROCESSABLE_ENTITY
                    }
                    _ => StatusCode::CONFLICT,
                };
                refused(status, t.code(), t.message_ja(), t.message_en())
            }
            ReviewError::Busy => refused(
                StatusCode::CONFLICT,
                "busy",
                "処理中に提案書が変わりました。読み込み直してからもう一度お試しください。".into(),
                "The proposal changed while this request ran; reload it and try again.".into(),
            ),
            ReviewError::Clock => ApiError::Clock,
            ReviewError::Store(e) => ApiError::Storage(e),
        }
    }
}
