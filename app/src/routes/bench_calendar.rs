//! `/bench/calendar` (hidden, not linked): with the server full of
//! synthetic events, times the pull (fetch + decode), one IndexedDB
//! transaction storing them all, reading them back, drawing the busiest
//! month, and filtering per keystroke.

use crate::routes::bench::{bench_results, ms, now, quantile, yield_to_browser};
use crate::routes::calendar::MonthGrid;
use crate::state::use_app;
use crate::{api, store};
use leptos::prelude::*;
use tsunagari_core::search::SearchIndex;
use tsunagari_core::{Date, Event, YearMonth};

const QUERIES_FROM: usize = 40;
const PREFIXES: usize = 5;

#[component]
pub fn BenchCalendarPage() -> impl IntoView {
    let lang = use_app().lang;
    let month = RwSignal::new(None::<(YearMonth, Vec<Event>)>);
    let selected = RwSignal::new(None::<Date>);
    view! {
        <div class="container page">
            {bench_results(run(month))}
            {move || month.get().map(|(m, events)| {
                view! { <MonthGrid month=m events=events selected=selected lang=lang.get_untracked()/> }
            })}
        </div>
    }
}

async fn run(month: RwSignal<Option<(YearMonth, Vec<Event>)>>) -> Result<String, String> {
    yield_to_browser().await;
    let start = now();
    let feed = api::fetch_events(None).await.map_err(|e| e.to_string())?;
    let pull = now() - start;
    let events = &feed.page.items;

    let db = store::open(store::BENCH_DB)
        .await
        .map_err(|e| e.to_string())?;
    let start = now();
    store::apply_events_page(&db, &feed, js_sys::Date::now())
        .await
        .map_err(|e| e.to_string())?;
    let idb_write = now() - start;
    // Read back (as at start-up): every event is there.
    let start = now();
    let stored = store::load_events(&db).await.map_err(|e| e.to_string())?;
    let idb_read = now() - start;
    db.close();
    if stored.len() != events.len() {
        return Err(format!(
            "stored {} events, read back {}",
            events.len(),
            stored.len()
        ));
    }

    // The busiest month, by start dates.
    let mut starts: Vec<YearMonth> = events.iter().map(|e| e.start.date.year_month()).collect();
    starts.sort_unstable();
    let busiest = starts
        .chunk_by(|a, b| a == b)
        .max_by_key(|run| run.len())
        .map(|run| run[0]);
    let mut month_render = 0.0;
    if let Some(m) = busiest {
        let (first, last) = (m.first_day(), m.last_day());
        let touching: Vec<Event> = events
            .iter()
            .filter(|e| {
                first.is_some_and(|f| e.last_day() >= f) && last.is_some_and(|l| e.first_day() <= l)
            })
            .cloned()
            .collect();
        let start = now();
        month.set(Some((m, touching)));
        next_animation_frame().await;
        month_render = now() - start;
    }

    // Keystrokes: the first 1..=5 characters of titles spread over the set.
    let index = SearchIndex::new(events);
    let step = (events.len() / QUERIES_FROM).max(1);
    let queries: Vec<String> = events
        .iter()
        .step_by(step)
        .take(QUERIES_FROM)
        .flat_map(|e| (1..=PREFIXES).map(|n| e.title.chars().take(n).collect::<String>()))
        .collect();
    let mut timings = Vec::with_capacity(queries.len());
    let mut hits = 0usize;
    for query in &queries {
        let start = now();
        hits += index.search(query).len();
        timings.push(now() - start);
    }
    timings.sort_by(f64::total_cmp);
    leptos::logging::log!("bench: {hits} hits over {} queries", queries.len());

    Ok(format!(
        "{{\"events\":{},\"pull_ms\":{},\"idb_write_ms\":{},\"idb_read_ms\":{},\"month_render_ms\":{},\"filter_p50_ms\":{},\"filter_p95_ms\":{}}}",
        events.len(),
        ms(pull),
        ms(idb_write),
        ms(idb_read),
        ms(month_render),
        ms(quantile(&timings, 0.50)),
        ms(quantile(&timings, 0.95)),
    ))
}

/// Resolves at the next `requestAnimationFrame`.
async fn next_animation_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().request_animation_frame(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
