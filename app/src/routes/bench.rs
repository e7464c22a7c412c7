//! `/bench` (hidden, not linked): search latency per keystroke over 10,000
//! synthetic groups (typed queries, then romaji and typos with the
//! もしかして fallback), keystroke → results painted on the directory's list,
//! one IndexedDB transaction writing all of them, and reading them back.

use crate::state::{set_title, use_app};
use crate::{api, store};
use leptos::prelude::*;
use tsunagari_core::FeedPage;
use tsunagari_core::search::SearchIndex;
use tsunagari_core::synthetic;

const GROUPS: usize = 10_000;
const QUERIES: usize = 2_000;
/// Of the queries, how many are romaji and typos (the rest typed as the
/// IME gives them).
const ROMAJI_AND_TYPOS: usize = 500;
/// Keystrokes timed from the input to the list laid out.
const PAINTED: usize = 300;
/// Reads of the stored groups each way (medians reported).
const READS: usize = 6;

#[component]
pub fn BenchPage() -> impl IntoView {
    // The list the keystroke timing draws into, as the directory draws it.
    let groups = RwSignal::new(Vec::<tsunagari_core::Group>::new());
    let shown = RwSignal::new(Vec::<usize>::new());
    let lang = use_app().lang;
    let limit = Signal::derive(|| super::groups::MAX_SHOWN);
    view! {
        <div class="container page">
            {bench_results(async move { run(groups, shown).await.map_err(|e| e.to_string()) })}
            <div data-testid="bench-list">
                {super::groups::result_cards(shown.into(), limit, groups, lang)}
            </div>
        </div>
    }
}

/// A benchmark page's title and results: "measuring" until `run` answers,
/// then its JSON (an error as `{"error": …}`) in
/// `[data-testid=bench-results]`, which the benchmark script reads.
pub fn bench_results(run: impl Future<Output = Result<String, String>> + 'static) -> impl IntoView {
    let lang = use_app().lang;
    let t = move || lang.get().texts();
    Effect::new(move |_| set_title(t().bench_title, lang.get()));
    let (result, set_result) = signal(None::<String>);
    leptos::task::spawn_local(async move {
        let text = run
            .await
            .unwrap_or_else(|e| format!("{{\"error\": \"{}\"}}", e.replace(['"', '\\'], "'")));
        set_result.set(Some(text));
    });
    view! {
        <h1>{move || t().bench_title}</h1>
        {move || match result.get() {
            Some(json) => view! { <pre data-testid="bench-results">{json}</pre> }.into_any(),
            None => view! { <p aria-live="polite">{t().bench_running}</p> }.into_any(),
        }}
    }
}

pub fn now() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or_default()
}

/// The `q`-quantile of sorted timings.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

/// Milliseconds with three decimals, formatted without float formatting
/// code (which would cost ~10 KB of wasm).
pub fn ms(x: f64) -> String {
    let micros = (x * 1000.0).round().max(0.0) as u64;
    format!("{}.{:03}", micros / 1000, micros % 1000)
}

async fn run(
    list_groups: RwSignal<Vec<tsunagari_core::Group>>,
    shown: RwSignal<Vec<usize>>,
) -> Result<String, store::StoreError> {
    // Let the "measuring" line paint before the synchronous part.
    yield_to_browser().await;
    let groups = synthetic::groups(GROUPS, 1);
    let mut queries = synthetic::keystroke_queries(&groups, QUERIES - ROMAJI_AND_TYPOS, 2);
    queries.extend(synthetic::romaji_and_typo_queries(
        &groups,
        ROMAJI_AND_TYPOS,
        3,
    ));

    let start = now();
    let index = SearchIndex::new(&groups);
    let index_build = now() - start;

    // What the directory does per keystroke: search, and when that finds
    // little, the typo suggestions.
    let answer = |query: &str| {
        let hits = index.search(query);
        if !query.trim().is_empty() && hits.len() < super::groups::FEW {
            let near = index.suggest_beside(query, &hits, super::groups::FEW);
            return (hits, near.len());
        }
        (hits, 0)
    };
    let mut timings = Vec::with_capacity(queries.len());
    let mut hits = 0usize;
    for query in &queries {
        let start = now();
        hits += answer(query).0.len();
        timings.push(now() - start);
    }
    timings.sort_by(f64::total_cmp);

    // Keystroke → results painted, on the directory's own list (the
    // first cards in the keystroke's frame, the rest one frame later):
    // the search, the reactive update, then the next frame's style, layout
    // and paint, which end before a task queued from that frame's
    // requestAnimationFrame runs. `busy` leaves out the idle wait for the
    // display's next frame (up to 16.7 ms, however fast the update);
    // `wall` includes it.
    list_groups.set(groups.clone());
    let mut painted = Vec::with_capacity(PAINTED);
    let mut wall = Vec::with_capacity(PAINTED);
    let drawn = || {
        document()
            .query_selector("[data-testid=bench-list] ul")
            .ok()
            .flatten()
            .map(|list| list.child_element_count() as usize)
            .unwrap_or_default()
    };
    for query in queries.iter().take(PAINTED) {
        let start = now();
        let hits = answer(query).0;
        let cards = hits.len().min(super::groups::MAX_SHOWN);
        shown.set(hits);
        // The list's update runs as queued microtasks: let them run.
        for _ in 0..2 {
            let tick = js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL);
            let _ = wasm_bindgen_futures::JsFuture::from(tick).await;
        }
        let updated = now();
        next_animation_frame().await;
        let frame = now();
        sleep(0).await;
        let end = now();
        painted.push(updated - start + (end - frame));
        wall.push(end - start);
        let first = cards.min(super::groups::FIRST_DRAWN);
        if drawn() != first {
            return Err(store::StoreError(format!(
                "{query:?}: {first} cards expected in the first frame, {} drawn",
                drawn()
            )));
        }
        // The rest of the page, one frame later.
        next_animation_frame().await;
        sleep(0).await;
        if drawn() != cards {
            return Err(store::StoreError(format!(
                "{query:?}: {cards} cards expected in the list, {} drawn",
                drawn()
            )));
        }
    }
    wall.sort_by(f64::total_cmp);
    painted.sort_by(f64::total_cmp);
    shown.set(Vec::new());

    // The records as a pull hands them to the store: each group's JSON
    // text, as the server writes it (made here, untimed).
    let records = groups
        .iter()
        .map(serde_json::value::to_raw_value)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| store::StoreError(e.to_string()))?;
    let feed = api::Feed {
        page: FeedPage {
            cursor: "bench.0".to_string(),
            reset: true,
            items: groups,
            deleted: Vec::new(),
            more: false,
        },
        records,
    };
    let db = store::open(store::BENCH_DB).await?;
    let start = now();
    store::apply_page(&db, &feed, js_sys::Date::now()).await?;
    let idb_write = now() - start;
    // Read back (as at start-up) READS times, interleaved with the same
    // read done the simple way (one `getAll`, then decoding every bucket:
    // its halves timed apart) and in other numbers of parts, the order
    // turned by one each round (no way gets a place); medians. Every group
    // is there each time.
    let (mut reads, mut gets, mut decodes, mut simple) = (vec![], vec![], vec![], vec![]);
    let mut by_parts: Vec<(u32, Vec<f64>)> = [1, 8, 16, 64].map(|p| (p, vec![])).into();
    let ways = 2 + by_parts.len();
    for round in 0..READS {
        for way in (0..ways).map(|w| (w + round) % ways) {
            let start = now();
            let n = match way {
                0 => {
                    let n = store::load_groups(&db).await?.len();
                    reads.push(now() - start);
                    n
                }
                1 => {
                    let texts = store::buckets::load_texts(&db, &store::buckets::GROUPS).await?;
                    let got = now();
                    let n = store::buckets::decode::<tsunagari_core::Group>(&texts).len();
                    let end = now();
                    gets.push(got - start);
                    decodes.push(end - got);
                    simple.push(end - start);
                    n
                }
                _ => {
                    let (parts, times) = &mut by_parts[way - 2];
                    let n = store::buckets::load_in::<tsunagari_core::Group>(
                        &db,
                        &store::buckets::GROUPS,
                        *parts,
                    )
                    .await?
                    .len();
                    times.push(now() - start);
                    n
                }
            };
            if n != GROUPS {
                return Err(store::StoreError(format!(
                    "stored {GROUPS} groups, read back {n} (way {way})"
                )));
            }
        }
    }
    db.close();
    let median = |xs: &mut Vec<f64>| {
        xs.sort_by(f64::total_cmp);
        quantile(xs, 0.5)
    };

    leptos::logging::log!("bench: {hits} hits over {} queries", queries.len());
    let parts: String = by_parts
        .iter_mut()
        .map(|(parts, times)| format!(", \"idb_read_in_{parts}_ms\": {}", ms(median(times))))
        .collect();
    Ok(format!(
        "{{\"search_p50_ms\": {}, \"search_p95_ms\": {}, \"search_p99_ms\": {}, \"keystroke_to_paint_p95_ms\": {}, \"keystroke_to_paint_wall_p95_ms\": {}, \"index_build_ms\": {}, \"idb_write_10000_ms\": {}, \"idb_read_10000_ms\": {}, \"idb_read_getall_then_decode_ms\": {}, \"idb_read_get_ms\": {}, \"idb_read_decode_ms\": {}{parts}}}",
        ms(quantile(&timings, 0.50)),
        ms(quantile(&timings, 0.95)),
        ms(quantile(&timings, 0.99)),
        ms(quantile(&painted, 0.95)),
        ms(quantile(&wall, 0.95)),
        ms(index_build),
        ms(idb_write),
        ms(median(&mut reads)),
        ms(median(&mut simple)),
        ms(median(&mut gets)),
        ms(median(&mut decodes)),
    ))
}

/// Resolves at the next `requestAnimationFrame`.
async fn next_animation_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().request_animation_frame(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Yields to the browser once (a short timer).
pub async fn yield_to_browser() {
    sleep(50).await;
}

pub use crate::sync::sleep;
