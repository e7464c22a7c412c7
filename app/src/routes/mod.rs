//! One route, one file.
//!
//! The directory shell (built without the `full` feature) compiles only the
//! directory's pages: `/`, `/groups`, `/groups/:id` and the not-found page.
//! Every other page is in the full app (`app.html`), which the server and
//! the service worker answer for every other path (see ARCHITECTURE.md).

use tsunagari_core::routes::{self, Bundle};

#[cfg(feature = "full")]
pub mod agenda;
// The hidden benchmark pages (`/bench`, `/bench/calendar`, `/bench/drafts`) are built only
// with the `bench` feature (`cargo xtask bench`); the shipped bundle answers
// those paths with the not-found page and carries none of their code.
#[cfg(feature = "bench")]
pub mod bench;
#[cfg(feature = "bench")]
pub mod bench_calendar;
#[cfg(feature = "bench")]
pub mod bench_drafts;
#[cfg(all(feature = "full", not(feature = "bench")))]
pub mod bench {
    use leptos::prelude::*;

    #[component]
    pub fn BenchPage() -> impl IntoView {
        view! { <super::not_found::NotFound/> }
    }
}
#[cfg(all(feature = "full", not(feature = "bench")))]
pub mod bench_calendar {
    use leptos::prelude::*;

    #[component]
    pub fn BenchCalendarPage() -> impl IntoView {
        view! { <super::not_found::NotFound/> }
    }
}
#[cfg(all(feature = "full", not(feature = "bench")))]
pub mod bench_drafts {
    use leptos::prelude::*;

    #[component]
    pub fn BenchDraftsPage() -> impl IntoView {
        view! { <super::not_found::NotFound/> }
    }
}
#[cfg(feature = "full")]
pub mod calendar;
#[cfg(feature = "full")]
pub mod conflict;
#[cfg(feature = "full")]
pub mod draft;
#[cfg(feature = "full")]
pub mod draft_form;
#[cfg(feature = "full")]
pub mod draft_view;
#[cfg(feature = "full")]
pub mod drafts;
#[cfg(feature = "full")]
pub mod event;
pub mod group;
pub mod groups;
pub mod home;
pub mod not_found;
#[cfg(feature = "full")]
pub mod signin;
#[cfg(feature = "full")]
pub mod staff;

/// The `rel` of a link to `path`, by the one route table
/// (`tsunagari_core::routes`): none when this bundle runs that page (the
/// router navigates in place); `external` when the other bundle does (in the
/// directory shell, the full app's pages are not compiled in, so the browser
/// loads `app.html` for them).
pub fn rel_for(path: &str) -> Option<&'static str> {
    let this = if cfg!(feature = "full") {
        Bundle::Full
    } else {
        Bundle::Shell
    };
    // The full app runs every page.
    (this == Bundle::Shell && routes::bundle_for(path) != Bundle::Shell).then_some("external")
}
