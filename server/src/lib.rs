//! tsunagari-server: the built app, the reference data feeds and the sync API.
//!
//! [`app`] builds the whole router: `/api/...` ([`api`]), `/calendar.ics`
//! and, for every other path, the app's static files ([`static_files`]), all compressed
//! with gzip or brotli as the client asks.

pub mod api;
pub mod auth;
pub mod clock;
pub mod drafts;
pub mod events;
pub mod export;
pub mod feed;
pub mod groups;
pub mod seed;
pub mod static_files;
pub mod store;

use std::path::PathBuf;

use axum::Router;
use axum::routing::any;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

pub use api::ApiError;
pub use store::{Feed, ImportSummary, Store, StoreError, UpsertSummary};

/// What the handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    /// trunk's output directory (`dist/`).
    pub dist: PathBuf,
    /// `data/city_contacts.json`; may not exist.
    pub city_contacts: PathBuf,
}

/// The whole HTTP surface.
pub fn app(state: AppState) -> Router {
    let api = api::router(state.clone());
    Router::new()
        // `nest` covers `/api/x` and below; `/api` and `/api/` are the API's too.
        .route("/api", any(api::not_found))
        .route("/api/", any(api::not_found))
        .nest("/api", api)
        .merge(api::calendar_router(state.clone()))
        .fallback_service(static_files::service(state.dist.clone()))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}
