//! `/events/:id`: one event: when, where (with map links), who runs it,
//! how to take part; and a button that puts it in the phone's calendar.

use crate::event_ui::{self, when};
use crate::i18n::{self, Lang};
use crate::state::{set_title, use_app};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tsunagari_core::{Event, YearStyle};

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

/// A number as JavaScript writes it (`36.5613`), without pulling Rust's
/// float formatting into the bundle.
fn js_number(x: f64) -> String {
    js_sys::Number::from(x)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

fn map_links(e: &Event, t: &'static i18n::Texts) -> impl IntoView + use<> {
    match (e.lat, e.lon) {
        (Some(lat), Some(lon)) => {
            let (lat, lon) = (js_number(lat), js_number(lon));
            let geo = format!("geo:{lat},{lon}");
            let osm =
                format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}");
            view! {
                <a class="button secondary" data-testid="map-link" href=geo rel="external">
                    {t.map_app}
                </a>
                <a class="button secondary" href=osm rel="external noopener" target="_blank">
                    {t.map_osm}
                </a>
            }
            .into_any()
        }
        _ => {
            let query = [e.place.as_str(), e.address.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            if query.is_empty() {
                return ().into_any();
            }
            let href = format!(
                "https://www.openstreetmap.org/search?query={}",
                String::from(js_sys::encode_uri_component(&query))
            );
            view! {
                <a class="button secondary" data-testid="map-link" href=href rel="external noopener" target="_blank">
                    {t.map_search}
                </a>
            }
            .into_any()
        }
    }
}

/// A `<dt>`/`<dd>` pair, left out when there is nothing to say.
fn row(label: &'static str, value: Option<AnyView>) -> Option<impl IntoView + use<>> {
    value.map(|v| view! { <dt>{label}</dt> <dd>{v}</dd> })
}

fn text(s: &str) -> Option<AnyView> {
    (!s.trim().is_empty()).then(|| s.to_string().into_any())
}

#[component]
fn EventDetail(event: Event) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let title = event.title.clone();
    Effect::new(move |_| set_title(&title, lang.get()));
    let event = StoredValue::new(event);
    let download = move |_| {
        let lang = lang.get_untracked();
        event.with_value(|e| {
            event_ui::download_ics(
                std::slice::from_ref(e),
                &format!("{}.ics", e.id),
                lang.texts().calendar_name,
            );
        });
    };
    move || {
        let lang = lang.get();
        let t = lang.texts();
        event.with_value(|e| {
            let organiser = organiser(e);
            let wareki = (lang == Lang::Ja).then(|| when(lang, e, YearStyle::Wareki));
            let place = e.place.clone();
            let address = e.address.clone();
            let url = (!e.url.trim().is_empty()).then(|| {
                let (href, shown) = (e.url.clone(), e.url.clone());
                view! { <a href=href rel="external noopener" target="_blank">{shown}</a> }
                    .into_any()
            });
            view! {
                <article class="container page detail event-detail">
                    <p class="back">
                        <a href="/calendar">"← " {t.back_to_calendar}</a>
                    </p>
                    <h1>{e.title.clone()}</h1>
                    {e.reading.clone().map(|r| view! { <p class="reading" aria-label=t.reading>{r}</p> })}
                    <p class="badges">
                        <span class="visually-hidden">{t.category} ": "</span>
                        <span class=format!("badge cat-{}", e.category.code())>
                            {i18n::category_label(lang, e.category)}
                        </span>
                    </p>
                    <dl class="facts">
                        <dt>{t.when}</dt>
                        <dd data-testid="event-when">
                            {when(lang, e, YearStyle::Gregorian)}
                            {wareki.map(|w| view! { <br/> <small class="wareki">{w}</small> })}
                        </dd>
                        <dt>{t.place}</dt>
                        <dd data-testid="event-place">
                            {if place.is_empty() { "—".to_string() } else { place }}
                            {(!address.is_empty()).then(|| view! { <br/> <span class="address">{address}</span> })}
                        </dd>
                        {row(t.organiser, organiser)}
                    </dl>
                    <p class="actions">
                        {map_links(e, t)}
                    </p>
                    <p class="actions">
                        <button type="button" class="button" data-testid="ics-download" on:click=download>
                            {t.ics_event}
                        </button>
                    </p>
                    {(!e.description.trim().is_empty()).then(|| view! {
                        <section aria-labelledby="event-about">
                            <h2 id="event-about">{t.details}</h2>
                            <p class="description">{e.description.clone()}</p>
                        </section>
                    })}
                    <dl class="facts">
                        {row(t.fee, text(&e.fee))}
                        {row(t.capacity, e.capacity.map(|n| i18n::capacity(lang, n).into_any()))}
                        {row(t.deadline, e.application_deadline.map(|d| i18n::long_date(lang, d).into_any()))}
                        {row(t.method, text(&e.application_method))}
                        {row(t.contact, text(&e.contact))}
                        {row(t.website, url)}
                        {row(t.category, Some(i18n::category_label(lang, e.category).into_any()))}
                    </dl>
                </article>
            }
        })
    }
}

/// Who runs it: a link to the group's page when it is in the directory.
fn organiser(e: &Event) -> Option<AnyView> {
    let state = use_app();
    match &e.organiser_group_id {
        Some(id) => {
            let name = if e.organiser.is_empty() {
                state
                    .groups
                    .with_untracked(|gs| gs.iter().find(|g| g.id == *id).map(|g| g.name.clone()))
                    .unwrap_or_else(|| id.clone())
            } else {
                e.organiser.clone()
            };
            Some(
                view! {
                    <a data-testid="organiser-link" href=format!("/groups/{id}")>{name}</a>
                }
                .into_any(),
            )
        }
        None => text(&e.organiser),
    }
}
