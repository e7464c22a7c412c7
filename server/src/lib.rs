//! tsunagari-server: the built app, the reference data feeds and the sync API.
//!
//! [`app`] builds the whole router: `/api/...` ([`api`]), `/calendar.ics`
//! and, for every other path, the app's static files ([`static_files`]), all compressed
//! with gzip or brotli as the client asks, every answer with the security
//! headers (`X-Content-Type-Options`, `Referrer-Policy`, a
//! Content-Security-Policy). [`serve`] runs it on a listener with the
//! [`ServeLimits`] that keep slow or many clients from holding the server.

pub mod api;
pub mod auth;
pub mod clock;
pub mod drafts;
pub mod events;
pub mod export;
pub mod feed;
pub mod groups;
pub mod pages;
pub mod readings;
pub mod review;
pub mod rounds;
pub mod seed;
pub mod static_files;
pub mod store;

use std::future::Future;
use std::path::PathBuf;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tsunagari_core::city::CityConfig;

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
    /// The municipality running this server (`data/city.json`, `--city`).
    pub city: Arc<CityConfig>,
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
        .fallback_service(static_files::service(
            state.dist.clone(),
            pages::Pages::new(
                state.store.clone(),
                state.city_contacts.clone(),
                state.city.clone(),
            ),
        ))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // The static files set the app's policy; JSON and `.ics` answers
        // run nothing.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(TraceLayer::new_for_http())
}

/// What one client may hold, so that slow or many clients cannot stall
/// everyone (a half-sent request used to stay open for good).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeLimits {
    /// The request line and headers must arrive within this, or the
    /// connection is closed (also an idle keep-alive connection).
    pub header_read_timeout: Duration,
    /// From the request's head to the answer's head (reading a request
    /// body included; sending a large file afterwards is not cut off);
    /// past it the answer is 408 `timeout` (JSON).
    pub request_timeout: Duration,
    /// Connections open at once; more wait in the listen queue.
    pub max_connections: usize,
}

impl Default for ServeLimits {
    fn default() -> Self {
        ServeLimits {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 512,
        }
    }
}

/// Serves `router` (HTTP/1.1) on `listener` within `limits` until
/// `shutdown` completes, then lets open requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()>,
) {
    let router = router.layer(middleware::from_fn_with_state(
        limits.request_timeout,
        request_timeout,
    ));
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break, // never closed
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, or the peer already gone:
                    // wait a moment rather than spin.
                    tracing::warn!("accepting a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // The peer address reaches the handlers as axum's `ConnectInfo`
        // (the sign-in limits, see `auth`); forwarded-for headers are not
        // trusted.
        let service =
            router
                .clone()
                .map_request(move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    req
                });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("connection: {e}");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

async fn request_timeout(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => ApiError::Timeout(limit.as_secs()).into_response(),
    }
}
