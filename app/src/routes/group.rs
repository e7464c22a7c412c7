//! `/groups/:id`: one group, its challenge-program history, and whom to ask.

use crate::routes::not_found::NotFound;
use crate::state::{set_title, use_app};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use std::sync::OnceLock;
use tsunagari_core::html;
use tsunagari_core::{CityContact, Group};
use wasm_bindgen::JsCast;

/// The city's contact points, compiled in: they change with the printed
/// newsletters, not with the directory.
fn city_contacts() -> &'static [CityContact] {
    static CONTACTS: OnceLock<Vec<CityContact>> = OnceLock::new();
    CONTACTS.get_or_init(|| {
        let json = include_str!("../../../data/city_contacts.json");
        // serde_json, which the shell has for the feeds: no second decoder.
        serde_json::from_str(json).unwrap_or_else(|e| {
            let e = crate::api::json_error(&e);
            leptos::logging::warn!("data/city_contacts.json is unreadable: {e}");
            Vec::new()
        })
    })
}

#[component]
pub fn GroupPage() -> impl IntoView {
    let state = use_app();
    let params = use_params_map();
    let group = Memo::new(move |_| {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        state
            .groups
            .with(|groups| groups.iter().find(|g| g.id == id).cloned())
    });
    move || match group.get() {
        Some(group) => view! { <GroupDetail group=group/> }.into_any(),
        None if state.ready.get() => view! { <NotFound group=true/> }.into_any(),
        None => view! {
            <div class="container page">
                <p class="empty">{move || state.lang.get().texts().loading}</p>
            </div>
        }
        .into_any(),
    }
}

/// The page's markup is core's (`tsunagari_core::html::group_article`), the
/// same the server sends in the first HTML: the app sets it as the
/// article's content, drawn again when the language or the events change.
/// Its links are followed by the router like any other.
#[component]
fn GroupDetail(group: Group) -> impl IntoView {
    let state = use_app();
    let follows = crate::follows::use_follows();
    let lang = state.lang;
    let name = group.name.clone();
    Effect::new(move |_| set_title(&name, lang.get()));
    let group = StoredValue::new(group);
    let today = crate::event_ui::today_jst();
    let content = move || {
        let lang = lang.get();
        group.with_value(|g| {
            let viewer = html::Viewer {
                today,
                followed: follows.0.with(|f| f.contains(&g.id)),
            };
            state.events.with(|events| {
                html::group_article(
                    g,
                    events,
                    city_contacts(),
                    crate::city::city(),
                    lang,
                    crate::routes::rel_for("/events/:id"),
                    viewer,
                )
            })
        })
    };
    // お気に入り: a tap on the article's toggle (drawn by core) follows the
    // group or stops; kept on this device (`follows`), offline too.
    let toggle = move |ev: web_sys::MouseEvent| {
        let on_button = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("[data-testid=follow]").ok().flatten())
            .is_some();
        if on_button {
            let id = group.with_value(|g| g.id.clone());
            follows.0.update(|f| {
                tsunagari_core::follows::toggle(f, &id);
            });
            // The article is drawn anew: keep the focus on the toggle.
            request_animation_frame(|| {
                if let Some(b) = document()
                    .query_selector("[data-testid=follow]")
                    .ok()
                    .flatten()
                    .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = b.focus();
                }
            });
        }
    };
    view! { <article class="container page detail" inner_html=content on:click=toggle></article> }
}
