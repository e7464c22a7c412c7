//! The server's HTTP API, through the browser's `fetch`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tsunagari_core::account::{RedeemRequest, Session, SignInRequest};
use tsunagari_core::review::{
    Receipt, StaffSubmission, SubmissionSummary, SubmitRequest, TransitionRequest,
};
use tsunagari_core::round::RoundsFeed;
use tsunagari_core::sync::{
    PullResponse, PushRequest, PushResponse, SubmitAnswer, push_refusal_is_final,
};
use tsunagari_core::{ApiErrorBody, Event, FeedPage, Group};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Why a pull failed. The UI shows one sentence for all of them (the data
/// on screen stays what was stored); the detail goes to the console.
#[derive(Debug)]
pub enum ApiError {
    /// No answer: offline, server down, DNS, CORS.
    Network(String),
    /// An answer with a 4xx/5xx status.
    Status(u16),
    /// An answer we could not read as the expected JSON.
    Body(String),
    /// A 4xx/5xx with the server's JSON error (`{error, message}`).
    Refused { status: u16, code: String },
}

impl ApiError {
    /// The server's error code (`bad_credentials`, `unauthorized`, …).
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Refused { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The token was refused: the member must sign in again.
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self,
            ApiError::Refused { status: 401, .. } | ApiError::Status(401)
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Network(e) => write!(f, "network error: {e}"),
            ApiError::Status(s) => write!(f, "the server answered with status {s}"),
            ApiError::Body(e) => write!(f, "unreadable answer: {e}"),
            ApiError::Refused { status, code } => write!(f, "status {status}: {code}"),
        }
    }
}

/// A JS exception as text for the console.
pub fn js_error(e: wasm_bindgen::JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "unknown error".to_string())
}

/// A feed answer twice: read into Rust (`page`, for the screens and the
/// search), and each item's JSON text as the server wrote it (`records`),
/// which goes into IndexedDB as it is ([`crate::store::buckets`]).
pub struct Feed<T> {
    pub page: FeedPage<T>,
    /// `page.items`' JSON, in the same order.
    pub records: Vec<Box<RawValue>>,
}

/// `GET /api/groups` (everything) or `GET /api/groups?since=<cursor>`.
pub async fn fetch_groups(since: Option<&str>) -> Result<Feed<Group>, ApiError> {
    fetch_feed("/api/groups", since).await
}

/// `GET /api/events` (everything) or `GET /api/events?since=<cursor>`.
pub async fn fetch_events(since: Option<&str>) -> Result<Feed<Event>, ApiError> {
    fetch_feed("/api/events", since).await
}

async fn fetch_feed<T: DeserializeOwned>(
    path: &str,
    since: Option<&str>,
) -> Result<Feed<T>, ApiError> {
    let url = match since {
        Some(cursor) => format!(
            "{path}?since={}",
            String::from(js_sys::encode_uri_component(cursor))
        ),
        None => path.to_string(),
    };
    let response = fetch(&url, None).await?;
    if !response.ok() {
        return Err(ApiError::Status(response.status()));
    }
    // The body's UTF-8 bytes, copied as they are into the wasm (a string
    // would be decoded to UTF-16 and encoded back).
    let body = response
        .array_buffer()
        .map_err(|e| ApiError::Body(js_error(e)))?;
    let body = JsFuture::from(body)
        .await
        .map_err(|e| ApiError::Body(js_error(e)))?;
    let text = String::from_utf8(js_sys::Uint8Array::new(&body).to_vec())
        .map_err(|_| ApiError::Body("the feed is not UTF-8".into()))?;
    feed_from_json(&text).map_err(|e| ApiError::Body(json_error(&e)))
}

/// Where `serde_json` stopped reading, for the console. (Its messages would
/// add their formatting code to the shell's wasm.)
pub fn json_error(e: &serde_json::Error) -> String {
    format!(
        "not the JSON expected (line {}, column {})",
        e.line(),
        e.column()
    )
}

/// A feed page's JSON text read twice: the items' texts, then each item.
/// `serde_json` in the wasm reads 20,000 events several times faster than
/// `serde_wasm_bindgen` reads the browser's parse of them (BENCHMARKS.md).
fn feed_from_json<T: DeserializeOwned>(text: &str) -> Result<Feed<T>, serde_json::Error> {
    let raw: FeedPage<Box<RawValue>> = serde_json::from_str(text)?;
    let items = raw
        .items
        .iter()
        .map(|item| serde_json::from_str(item.get()))
        .collect::<Result<_, _>>()?;
    Ok(Feed {
        page: FeedPage {
            cursor: raw.cursor,
            reset: raw.reset,
            items,
            deleted: raw.deleted,
            more: raw.more,
        },
        records: raw.items,
    })
}

/// `fetch`, as a [`web_sys::Response`] (any status); no answer at all is
/// [`ApiError::Network`].
async fn fetch(
    url: &str,
    init: Option<&web_sys::RequestInit>,
) -> Result<web_sys::Response, ApiError> {
    let window = leptos::prelude::window();
    let promise = match init {
        Some(init) => window.fetch_with_str_and_init(url, init),
        None => window.fetch_with_str(url),
    };
    JsFuture::from(promise)
        .await
        .map_err(|e| ApiError::Network(js_error(e)))?
        .dyn_into()
        .map_err(|_| ApiError::Body("fetch did not return a Response".into()))
}

/// The answer's body as the browser parsed it (`Response.json()`).
async fn json_body(response: &web_sys::Response) -> Result<wasm_bindgen::JsValue, ApiError> {
    let json = response.json().map_err(|e| ApiError::Body(js_error(e)))?;
    JsFuture::from(json)
        .await
        .map_err(|e| ApiError::Body(js_error(e)))
}

// ------------------------------------------------- accounts and drafts ----

/// `POST /api/auth/redeem`: a new member with an invitation code.
pub async fn redeem(request: &RedeemRequest) -> Result<Session, ApiError> {
    send("POST", "/api/auth/redeem", None, Some(request)).await
}

/// `POST /api/auth/signin`.
pub async fn sign_in(request: &SignInRequest) -> Result<Session, ApiError> {
    send("POST", "/api/auth/signin", None, Some(request)).await
}

/// `POST /api/auth/signout`: the server forgets the token (204).
pub async fn sign_out(token: &str) -> Result<(), ApiError> {
    request("POST", "/api/auth/signout", Some(token), None::<&()>)
        .await
        .map(drop)
}

/// `GET /api/drafts?since=<cursor>`: the group's drafts changed since.
pub async fn fetch_drafts(token: &str, since: Option<&str>) -> Result<PullResponse, ApiError> {
    let url = match since {
        Some(cursor) => format!(
            "/api/drafts?since={}",
            String::from(js_sys::encode_uri_component(cursor))
        ),
        None => "/api/drafts".to_string(),
    };
    send("GET", &url, Some(token), None::<&()>).await
}

/// `GET /api/rounds`: every published round (public).
pub async fn fetch_rounds() -> Result<RoundsFeed, ApiError> {
    send("GET", "/api/rounds", None, None::<&()>).await
}

/// `GET /api/staff/submissions` (staff accounts only).
pub async fn fetch_submissions(token: &str) -> Result<Vec<SubmissionSummary>, ApiError> {
    send("GET", "/api/staff/submissions", Some(token), None::<&()>).await
}

/// `GET /api/staff/submissions/{id}`.
pub async fn fetch_submission(token: &str, id: &str) -> Result<StaffSubmission, ApiError> {
    let url = format!(
        "/api/staff/submissions/{}",
        String::from(js_sys::encode_uri_component(id))
    );
    send("GET", &url, Some(token), None::<&()>).await
}

/// `POST /api/staff/submissions/{id}/transition`.
pub async fn transition(
    token: &str,
    id: &str,
    req: &TransitionRequest,
) -> Result<StaffSubmission, ApiError> {
    let url = format!(
        "/api/staff/submissions/{}/transition",
        String::from(js_sys::encode_uri_component(id))
    );
    send("POST", &url, Some(token), Some(req)).await
}

/// `POST /api/drafts/push`.
pub async fn push_drafts(token: &str, push: &PushRequest) -> Result<PushResponse, ApiError> {
    send("POST", "/api/drafts/push", Some(token), Some(push)).await
}

async fn send<B: Serialize, T: DeserializeOwned>(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&B>,
) -> Result<T, ApiError> {
    let response = request(method, url, token, body).await?;
    let value = json_body(&response).await?;
    serde_wasm_bindgen::from_value(value).map_err(|e| ApiError::Body(e.to_string()))
}

/// One request with an optional bearer token and JSON body; a 4xx/5xx
/// becomes [`ApiError::Refused`] with the server's error code.
async fn request<B: Serialize>(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&B>,
) -> Result<web_sys::Response, ApiError> {
    let response = answer(method, url, token, body).await?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let code = json_body(&response)
        .await
        .ok()
        .and_then(|v| serde_wasm_bindgen::from_value::<ApiErrorBody>(v).ok())
        .map(|b| b.error);
    Err(ApiError::Refused {
        status,
        code: code.unwrap_or_default(),
    })
}

/// `POST /api/drafts/{id}/submit` at `base_revision`: the receipt, or the
/// server's refusal in its words (after the deadline, not complete, changed
/// elsewhere: a 4xx with our JSON other than 401, 408, 429). Anything else
/// (no answer, a 5xx, a proxy's page) is an error: tried again later.
pub async fn submit_draft(
    token: &str,
    id: &str,
    base_revision: u64,
) -> Result<SubmitAnswer, ApiError> {
    let url = format!(
        "/api/drafts/{}/submit",
        String::from(js_sys::encode_uri_component(id))
    );
    let response = answer(
        "POST",
        &url,
        Some(token),
        Some(&SubmitRequest { base_revision }),
    )
    .await?;
    let status = response.status();
    let value = json_body(&response).await;
    if response.ok() {
        let receipt = serde_wasm_bindgen::from_value::<Receipt>(value?)
            .map_err(|e| ApiError::Body(e.to_string()))?;
        return Ok(SubmitAnswer::Accepted(receipt));
    }
    let body = value
        .ok()
        .and_then(|v| serde_wasm_bindgen::from_value::<ApiErrorBody>(v).ok());
    match body {
        Some(b) if push_refusal_is_final(status, Some(&b.error)) => Ok(SubmitAnswer::Refused {
            reason_ja: b.message_ja.unwrap_or_else(|| b.message.clone()),
            reason_en: b.message,
            code: b.error,
        }),
        Some(b) => Err(ApiError::Refused {
            status,
            code: b.error,
        }),
        None => Err(ApiError::Status(status)),
    }
}

/// One request with an optional bearer token and JSON body, answered with
/// any status; no answer at all is [`ApiError::Network`].
async fn answer<B: Serialize>(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&B>,
) -> Result<web_sys::Response, ApiError> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(|e| ApiError::Body(js_error(e)))?;
    if let Some(token) = token {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    if let Some(body) = body {
        let _ = headers.set("Content-Type", "application/json");
        // serde writes a JS object, the browser writes the JSON text.
        let value = body
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| ApiError::Body(e.to_string()))?;
        let text = js_sys::JSON::stringify(&value).map_err(|e| ApiError::Body(js_error(e)))?;
        init.set_body(&text);
    }
    init.set_headers(&headers);
    fetch(url, Some(&init)).await
}
