//! The server's HTTP API, through the browser's `fetch`.

use serde::de::DeserializeOwned;
use tsunagari_core::{Event, FeedPage, Group};
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
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Network(e) => write!(f, "network error: {e}"),
            ApiError::Status(s) => write!(f, "the server answered with status {s}"),
            ApiError::Body(e) => write!(f, "unreadable answer: {e}"),
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

/// `GET /api/groups` (everything) or `GET /api/groups?since=<cursor>`.
pub async fn fetch_groups(since: Option<&str>) -> Result<FeedPage<Group>, ApiError> {
    fetch_feed("/api/groups", since).await
}

/// `GET /api/events` (everything) or `GET /api/events?since=<cursor>`.
pub async fn fetch_events(since: Option<&str>) -> Result<FeedPage<Event>, ApiError> {
    fetch_feed("/api/events", since).await
}

async fn fetch_feed<T: DeserializeOwned>(
    path: &str,
    since: Option<&str>,
) -> Result<FeedPage<T>, ApiError> {
    let url = match since {
        Some(cursor) => format!(
            "{path}?since={}",
            String::from(js_sys::encode_uri_component(cursor))
        ),
        None => path.to_string(),
    };
    // The browser parses the JSON (`Response.json()`); serde reads the
    // resulting JS object. No JSON parser in the wasm bundle.
    let value = get_json(&url).await?;
    serde_wasm_bindgen::from_value(value).map_err(|e| ApiError::Body(e.to_string()))
}

async fn get_json(url: &str) -> Result<wasm_bindgen::JsValue, ApiError> {
    let promise = leptos::prelude::window().fetch_with_str(url);
    let response = JsFuture::from(promise)
        .await
        .map_err(|e| ApiError::Network(js_error(e)))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| ApiError::Body("fetch did not return a Response".into()))?;
    if !response.ok() {
        return Err(ApiError::Status(response.status()));
    }
    let json = response.json().map_err(|e| ApiError::Body(js_error(e)))?;
    JsFuture::from(json)
        .await
        .map_err(|e| ApiError::Body(js_error(e)))
}
