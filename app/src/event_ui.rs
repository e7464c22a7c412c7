//! What the event pages share: today in Japan, the filters (search box,
//! category, organiser) and their result, an event's line in a list, and
//! `.ics` downloads made on the device (so they work offline).

use crate::i18n::{self, Lang};
use crate::state::{AppState, use_app};
use leptos::prelude::*;
use std::sync::Arc;
use tsunagari_core::html::when;
use tsunagari_core::ical::{DateTimeUtc, to_ics};
use tsunagari_core::search::SearchIndex;
use tsunagari_core::{Date, Event, EventCategory, YearStyle};
use wasm_bindgen::JsCast;

/// A day before any event: `upcoming(epoch(), …)` lists all, soonest first.
pub fn epoch() -> Date {
    Date::new(1, 1, 1).unwrap_or_else(|_| today_jst())
}

/// Today in Japan (UTC+9, no daylight saving), whatever the phone's zone.
pub fn today_jst() -> Date {
    let days = ((js_sys::Date::now() + 9.0 * 3_600_000.0) / 86_400_000.0).floor() as i64;
    Date::from_epoch_days(days).unwrap_or_else(|| Date::new(2000, 1, 1).expect("a valid date"))
}

/// Which events pass the filters: `None` when no filter is set (all of
/// them), else one flag per event in `state.events`.
pub fn filter_mask(state: AppState) -> Memo<Option<Vec<bool>>> {
    // Built once per data change, never per keystroke (and only once a
    // query is typed).
    let index = Memo::new_with_compare(
        move |_| {
            if state.event_query.with(|q| q.trim().is_empty()) {
                return None;
            }
            Some(
                state
                    .events
                    .with(|events| Arc::new(SearchIndex::new(events))),
            )
        },
        // Changed unless it stays "no query".
        |old, new| !matches!((old, new), (Some(None), Some(None))),
    );
    Memo::new(move |_| {
        let category = state.event_category.get();
        let organiser = state.event_organiser.get();
        let hits = index.with(|index| {
            index
                .as_ref()
                .map(|index| state.event_query.with(|q| index.search(q)))
        });
        if hits.is_none() && category.is_none() && organiser.is_none() {
            return None;
        }
        state.events.with(|events| {
            let mut mask = match hits {
                Some(hits) => {
                    let mut mask = vec![false; events.len()];
                    for i in hits {
                        if let Some(slot) = mask.get_mut(i) {
                            *slot = true;
                        }
                    }
                    mask
                }
                None => vec![true; events.len()],
            };
            for (slot, event) in mask.iter_mut().zip(events) {
                *slot = *slot
                    && category.is_none_or(|c| event.category == c)
                    && organiser.as_ref().is_none_or(|o| event.organiser == *o);
            }
            Some(mask)
        })
    })
}

/// Whether event `i` passes (`mask` from [`filter_mask`]).
pub fn passes(mask: &Option<Vec<bool>>, i: usize) -> bool {
    mask.as_ref()
        .is_none_or(|m| m.get(i).copied().unwrap_or(false))
}

/// Search box, category and organiser: the same three on both views.
#[component]
pub fn EventFilters() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || lang.get().texts();
    let categories = EventCategory::ALL
        .into_iter()
        .map(|c| {
            view! {
                <option value=c.code() selected=move || state.event_category.get() == Some(c)>
                    {move || i18n::category_label(lang.get(), c)}
                </option>
            }
        })
        .collect_view();
    // Organisers that have events, by name.
    let organisers = Memo::new(move |_| {
        state.events.with(|events| {
            let mut names: Vec<String> = events
                .iter()
                .filter(|e| !e.organiser.is_empty())
                .map(|e| e.organiser.clone())
                .collect();
            tsunagari_core::sort::sort_by(&mut names, Ord::cmp);
            names.dedup();
            names
        })
    });
    view! {
        <div class="filters event-filters" role="search">
            <div class="field">
                <label for="event-search">{move || t().event_search_label}</label>
                <input
                    id="event-search"
                    type="search"
                    autocomplete="off"
                    enterkeyhint="search"
                    placeholder=move || t().event_search_placeholder
                    prop:value=state.event_query.get_untracked()
                    on:input=move |ev| state.event_query.set(event_target_value(&ev))
                />
            </div>
            <div class="field">
                <label for="category-filter">{move || t().category_label}</label>
                <select
                    id="category-filter"
                    on:change=move |ev| {
                        state.event_category.set(EventCategory::from_code(&event_target_value(&ev)))
                    }
                >
                    <option value="" selected=move || state.event_category.get().is_none()>
                        {move || t().category_all}
                    </option>
                    {categories}
                </select>
            </div>
            <div class="field">
                <label for="organiser-filter">{move || t().organiser_label}</label>
                <select
                    id="organiser-filter"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        state.event_organiser.set((!v.is_empty()).then_some(v));
                    }
                >
                    <option value="" selected=move || state.event_organiser.get().is_none()>
                        {move || t().organiser_all}
                    </option>
                    {move || {
                        organisers
                            .get()
                            .into_iter()
                            .map(|name| {
                                let selected = state.event_organiser.get_untracked().as_deref()
                                    == Some(name.as_str());
                                let value = name.clone();
                                view! {
                                    <option value=value selected=selected>
                                        {name}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
        </div>
    }
}

/// One event in a list: a link to its page, with when and where, and
/// 終了しました once it is over (core's `html::event_item`, drawn here).
pub fn event_item(
    event: &Event,
    lang: Lang,
    year: YearStyle,
    today: Date,
) -> impl IntoView + use<> {
    let place = (!event.place.is_empty()).then(|| event.place.clone());
    let ended = event.has_ended(today).then(|| {
        view! {
            <span class="badge ended" data-testid="event-ended">{lang.home().event_ended}</span>
        }
    });
    view! {
        <li>
            <a
                class="event-card"
                data-testid="event-link"
                href=format!("/events/{}", event.id)
                rel=crate::routes::rel_for("/events/:id")
            >
                <span class="event-when">{when(lang, event, year)}</span>
                <span class="event-title" lang=i18n::data_lang(lang)>{event.title.clone()}</span>
                {place.map(|p| view! { <span class="event-place" lang=i18n::data_lang(lang)>{p}</span> })}
                <span class=format!("badge cat-{}", event.category.code())>
                    {i18n::category_label(lang, event.category)}
                </span>
                {ended}
            </a>
        </li>
    }
}

/// Saves `events` as an `.ics` file: made here (core's `to_ics`), handed
/// to the browser as a Blob behind a temporary `<a download>`.
pub fn download_ics(events: &[Event], file_name: &str, calendar_name: &str) {
    let seconds = (js_sys::Date::now() / 1000.0).floor() as i64;
    let Some(stamp) = DateTimeUtc::from_unix_seconds(seconds) else {
        return;
    };
    let text = to_ics(
        events,
        stamp,
        calendar_name,
        &crate::city::city().calendar_uid_domain,
    );
    if let Err(e) = save_text(&text, file_name, "text/calendar;charset=utf-8") {
        leptos::logging::warn!("could not save {file_name}: {}", crate::api::js_error(e));
    }
}

fn save_text(text: &str, file_name: &str, mime: &str) -> Result<(), wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(file_name);
    // Not a route: the router must leave this click alone.
    a.set_attribute("rel", "external")?;
    let body = document().body().ok_or("no body")?;
    body.append_child(&a)?;
    a.click();
    a.remove();
    // Revoked a little later: some browsers read the Blob after the click.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000)?;
    Ok(())
}
