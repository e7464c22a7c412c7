//! Native benchmark of the directory search (検索).
//!
//! `cargo run --release -p tsunagari-core --example bench_search`
//!
//! Builds 10,000 synthetic groups, times building the index once, then
//! times each of 2,000 keystroke queries and prints one line:
//! `search_native groups=… queries=… p50_us=… p95_us=… p99_us=… max_us=… index_build_ms=…`.
//! Three in four queries are [`synthetic::keystroke_queries`] (kana,
//! kanji, half width, full-width Latin), one in four
//! [`synthetic::romaji_and_typo_queries`] (romaji letter by letter, typos).
//! A query that finds fewer than 3 groups also asks for suggestions
//! (`SearchIndex::suggest_beside` those hits, as the app does), inside its time; a second
//! line gives the time of those calls alone:
//! `suggest_native calls=… p50_us=… p95_us=… max_us=…`.
//! Optional arguments: number of groups, number of queries, and `plain`
//! for keystroke queries only (the query set before romaji and typos).

use std::hint::black_box;
use std::time::Instant;
use tsunagari_core::SearchIndex;
use tsunagari_core::synthetic;

fn main() {
    let mut args = std::env::args().skip(1);
    let n_groups = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let n_queries: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let plain = args.next().is_some_and(|a| a == "plain");

    let groups = synthetic::groups(n_groups, 0x7453_554E_4147_4152);
    let typed = if plain { 0 } else { n_queries / 4 };
    let mut queries =
        synthetic::keystroke_queries(&groups, n_queries - typed, 0x6B61_6E61_7A61_7761);
    queries.extend(synthetic::romaji_and_typo_queries(
        &groups,
        typed,
        0x726F_6D61_6A69_2121,
    ));

    let start = Instant::now();
    let index = SearchIndex::new(&groups);
    let build = start.elapsed();

    // Warm up caches and the allocator once.
    for q in queries.iter().take(50) {
        black_box(index.search(q));
    }

    let mut micros = Vec::with_capacity(queries.len());
    let mut suggest_micros = Vec::new();
    let mut hits = 0usize;
    for q in &queries {
        let start = Instant::now();
        let found = index.search(black_box(q));
        if found.len() < 3 {
            let asked = Instant::now();
            black_box(index.suggest_beside(q, &found, 3));
            suggest_micros.push(asked.elapsed().as_secs_f64() * 1e6);
        }
        micros.push(start.elapsed().as_secs_f64() * 1e6);
        hits += found.len();
    }
    let at = |v: &mut Vec<f64>, p: f64| {
        v.sort_by(f64::total_cmp);
        let k = ((v.len() as f64 - 1.0) * p).round() as usize;
        v.get(k).copied().unwrap_or(0.0)
    };
    println!(
        "search_native groups={} queries={} p50_us={:.1} p95_us={:.1} p99_us={:.1} max_us={:.1} index_build_ms={:.1} mean_hits={:.0}",
        groups.len(),
        micros.len(),
        at(&mut micros, 0.50),
        at(&mut micros, 0.95),
        at(&mut micros, 0.99),
        micros.last().copied().unwrap_or(0.0),
        build.as_secs_f64() * 1e3,
        hits as f64 / micros.len().max(1) as f64,
    );
    println!(
        "suggest_native calls={} p50_us={:.1} p95_us={:.1} max_us={:.1}",
        suggest_micros.len(),
        at(&mut suggest_micros, 0.50),
        at(&mut suggest_micros, 0.95),
        suggest_micros.last().copied().unwrap_or(0.0),
    );
}
