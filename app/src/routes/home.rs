//! `/`: the home page: the search box, the next events, the groups this
//! device follows with their next event, then the directory (`groups.rs`
//! draws it; the sections come from core's `html::home_sections`, the same
//! the server sends first).

use crate::event_ui::today_jst;
use crate::follows::use_follows;
use crate::state::use_app;
use leptos::prelude::*;
use tsunagari_core::html;

#[component]
pub fn HomePage() -> impl IntoView {
    view! { <super::groups::Directory home=true/> }
}

/// What the home page shows between the search box and the directory.
/// Hidden while a query is typed: the results come first then.
#[component]
pub fn HomeSections() -> impl IntoView {
    let state = use_app();
    let follows = use_follows();
    let today = today_jst();
    let content = move || {
        let lang = state.lang.get();
        state.groups.with(|groups| {
            state.events.with(|events| {
                follows.0.with(|follows| {
                    html::home_sections(
                        groups,
                        events,
                        follows,
                        lang,
                        today,
                        crate::routes::rel_for("/events/:id"),
                    )
                })
            })
        })
    };
    let h2 = move || state.lang.get().home().directory_title;
    view! {
        <Show when=move || state.query.with(|q| q.trim().is_empty())>
            <div class="home-sections" inner_html=content></div>
            <h2 class="directory-title">{h2}</h2>
        </Show>
    }
}
