//! `/events`: the agenda (予定): what is coming, soonest first; past events
//! on request. The filters are the month view's.

use crate::event_ui::{self, EventFilters, passes, today_jst};
use crate::i18n;
use crate::state::{set_title, use_app};
use leptos::prelude::*;
use tsunagari_core::YearStyle;
use tsunagari_core::calendar::upcoming;

/// More events than this are counted but not drawn: filters narrow them.
const MAX_SHOWN: usize = 200;

#[component]
pub fn AgendaPage() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || lang.get().texts();
    Effect::new(move |_| set_title(t().agenda_title, lang.get()));
    // `?past=1` (the home page's 終わったイベントを見る) opens the past events.
    let past_asked = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("past").as_deref() == Some("1"));
    let show_past = RwSignal::new(past_asked);
    let mask = event_ui::filter_mask(state);
    let today = today_jst();

    let coming = Memo::new(move |_| {
        mask.with(|mask| {
            state.events.with(|events| {
                upcoming(today, events)
                    .into_iter()
                    .filter(|&i| passes(mask, i))
                    .collect::<Vec<usize>>()
            })
        })
    });
    let gone = Memo::new(move |_| {
        if !show_past.get() {
            return Vec::new();
        }
        mask.with(|mask| {
            state.events.with(|events| {
                // Every event soonest first, reversed: core's `past` order,
                // without a second sort in the bundle.
                upcoming(event_ui::epoch(), events)
                    .into_iter()
                    .rev()
                    .filter(|&i| events[i].last_day() < today && passes(mask, i))
                    .collect::<Vec<usize>>()
            })
        })
    });

    let list = move |hits: Memo<Vec<usize>>,
                     none: fn(&i18n::Texts) -> &'static str,
                     coming: bool| {
        move || {
            let lang = lang.get();
            let t = lang.texts();
            if hits.with(Vec::is_empty) {
                // Nothing planned at all (no filter set): said plainly,
                // with the way to the past events and how events are added.
                let nothing =
                    coming && mask.with(Option::is_none) && state.events.with(|e| !e.is_empty());
                if nothing {
                    return view! {
                        <div inner_html=tsunagari_core::html::nothing_upcoming(lang, None)></div>
                    }
                    .into_any();
                }
                let message = if !state.events.with(Vec::is_empty) {
                    none(t)
                } else if state.ready.get() {
                    t.no_events_yet
                } else {
                    t.loading
                };
                return view! { <p class="empty">{message}</p> }.into_any();
            }
            let more = hits.with(|h| h.len() > MAX_SHOWN);
            let items = state.events.with(|events| {
                hits.with(|hits| {
                    hits.iter()
                        .take(MAX_SHOWN)
                        .filter_map(|&i| events.get(i))
                        .map(|e| event_ui::event_item(e, lang, YearStyle::Gregorian, today))
                        .collect_view()
                })
            });
            view! {
                <ul class="event-list">{items}</ul>
                {more.then(|| view! { <p class="hint">{t.more_shown}</p> })}
            }
            .into_any()
        }
    };

    let save = move |_| {
        let lang = lang.get_untracked();
        state.events.with_untracked(|events| {
            let chosen: Vec<_> = coming
                .get_untracked()
                .into_iter()
                .chain(gone.get_untracked())
                .filter_map(|i| events.get(i).cloned())
                .collect();
            event_ui::download_ics(&chosen, "tsunagari-events.ics", lang.texts().calendar_name);
        });
    };

    view! {
        <div class="container page">
            <h1>{move || t().agenda_title}</h1>
            <EventFilters/>
            <p class="count" aria-live="polite">
                {move || i18n::event_count(lang.get(), coming.with(Vec::len) + gone.with(Vec::len))}
            </p>
            <div data-testid="agenda">
                {list(coming, |t| t.no_upcoming, true)}
                <p>
                    <button
                        type="button"
                        class="button secondary"
                        data-testid="show-past"
                        aria-expanded=move || show_past.get().to_string()
                        on:click=move |_| show_past.update(|s| *s = !*s)
                    >
                        {move || if show_past.get() { t().hide_past } else { t().show_past }}
                    </button>
                </p>
                <Show when=move || show_past.get()>
                    <section aria-labelledby="past-events">
                        <h2 id="past-events">{move || t().past_events}</h2>
                        {list(gone, |t| t.no_past, false)}
                    </section>
                </Show>
            </div>
            // An empty list offers no .ics.
            <Show when=move || coming.with(|c| !c.is_empty()) || gone.with(|g| !g.is_empty())>
                <p>
                    <button type="button" class="button" data-testid="ics-list-download" on:click=save>
                        {move || t().ics_list}
                    </button>
                </p>
            </Show>
            <div inner_html=move || tsunagari_core::html::subscribe_link(lang.get(), None)></div>
        </div>
    }
}
