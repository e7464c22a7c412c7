//! One route, one file.

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
#[cfg(not(feature = "bench"))]
pub mod bench {
    use leptos::prelude::*;

    #[component]
    pub fn BenchPage() -> impl IntoView {
        view! { <super::not_found::NotFound/> }
    }
}
#[cfg(not(feature = "bench"))]
pub mod bench_calendar {
    use leptos::prelude::*;

    #[component]
    pub fn BenchCalendarPage() -> impl IntoView {
        view! { <super::not_found::NotFound/> }
    }
}
#[cfg(not(feature = "bench"))]
pub mod bench_drafts {
    use leptos::prelude::*;

    #[component]
    pub fn BenchDraftsPage() -> impl IntoView {
        view! { <super::not_found::NotFound/> }
    }
}
pub mod calendar;
pub mod conflict;
pub mod draft;
pub mod draft_form;
pub mod draft_view;
pub mod drafts;
pub mod event;
pub mod group;
pub mod groups;
pub mod not_found;
pub mod signin;
