//! `/events/:id`: one event: when, where (with map links), who runs it,
//! how to take part; and a button that puts it in the phone's calendar.

use crate::event_ui;
use crate::state::{set_title, use_app};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tsunagari_core::Event;
use tsunagari_core::html;
use wasm_bindgen::JsCast;

#[component]
pub fn EventPage() -> impl IntoView {
    let state = use_app();
    let params = use_params_map();
    let event = Memo::new(move |_| {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        state
            .events
            .with(|events| events.iter().find(|e| e.id == id).cloned())
    });
    move || match event.get() {
        Some(event) => view! { <EventDetail event=event/> }.into_any(),
        None if state.ready.get() => view! { <EventNotFound/> }.into_any(),
        None => view! {
            <div class="container page">
                <p class="empty">{move || state.lang.get().texts().loading}</p>
            </div>
        }
        .into_any(),
    }
}

#[component]
fn EventNotFound() -> impl IntoView {
    let lang = use_app().lang;
    let t = move || lang.get().texts();
    Effect::new(move |_| set_title(t().not_found_title, lang.get()));
    view! {
        <div class="container page">
            <h1>{move || t().not_found_title}</h1>
            <p>{move || t().event_not_found}</p>
            <p>
                <a class="button" href="/events">{move || t().back_to_agenda}</a>
            </p>
        </div>
    }
}

/// The page's markup is core's (`tsunagari_core::html::event_article`),
/// the same the server sends in the first HTML; its one button (the `.ics`
/// download) is answered by a click on the article.
#[component]
fn EventDetail(event: Event) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let title = event.title.clone();
    Effect::new(move |_| set_title(&title, lang.get()));
    let event = StoredValue::new(event);
    let download = move |ev: web_sys::MouseEvent| {
        let on_button = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("[data-testid=ics-download]").ok().flatten())
            .is_some();
        if !on_button {
            return;
        }
        let lang = lang.get_untracked();
        event.with_value(|e| {
            event_ui::download_ics(
                std::slice::from_ref(e),
                &format!("{}.ics", e.id),
                lang.texts().calendar_name,
            );
        });
    };
    let content = move || {
        let lang = lang.get();
        event.with_value(|e| {
            // The organising group's name, when the event gives none.
            let name = e.organiser_group_id.as_ref().and_then(|id| {
                state
                    .groups
                    .with(|gs| gs.iter().find(|g| g.id == *id).map(|g| g.name.clone()))
            });
            html::event_article(e, name.as_deref(), lang, event_ui::today_jst())
        })
    };
    view! {
        <article class="container page detail event-detail" inner_html=content on:click=download></article>
    }
}
