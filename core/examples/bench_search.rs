//! Native benchmark of the directory search (検索).
//!
//! `cargo run --release -p tsunagari-core --example bench_search`
//!
//! Builds 10,000 synthetic groups, times building the index once, then
//! times each of 2,000 keystroke queries and prints one line:
//! `search_native groups=… queries=… p50_us=… p95_us=… p99_us=… max_us=… index_build_ms=…`.
//! Optional arguments: number of groups, number of queries.

use std::hint::black_box;
use std::time::Instant;
use tsunagari_core::SearchIndex;
use tsunagari_core::synthetic;

fn main() {
    let mut args = std::env::args().skip(1);
    let n_groups = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let n_queries = args.next().and_then(|a| a.parse().ok()).unwrap_or(2_000);

    let groups = synthetic::groups(n_groups, 0x7453_554E_4147_4152);
    let queries = synthetic::keystroke_queries(&groups, n_queries, 0x6B61_6E61_7A61_7761);

    let start = Instant::now();
    let index = SearchIndex::new(&groups);
    let build = start.elapsed();

    // Warm up caches and the allocator once.
    for q in queries.iter().take(50) {
        black_box(index.search(q));
    }

    let mut micros = Vec::with_capacity(queries.len());
    let mut hits = 0usize;
    for q in &queries {
        let start = Instant::now();
        let found = index.search(black_box(q));
        micros.push(start.elapsed().as_secs_f64() * 1e6);
        hits += found.len();
    }
    micros.sort_by(f64::total_cmp);
    let at = |p: f64| {
        let k = ((micros.len() as f64 - 1.0) * p).round() as usize;
        micros.get(k).copied().unwrap_or(0.0)
    };
    println!(
        "search_native groups={} queries={} p50_us={:.1} p95_us={:.1} p99_us={:.1} max_us={:.1} index_build_ms={:.1} mean_hits={:.0}",
        groups.len(),
        micros.len(),
        at(0.50),
        at(0.95),
        at(0.99),
        micros.last().copied().unwrap_or(0.0),
        build.as_secs_f64() * 1e3,
        hits as f64 / micros.len().max(1) as f64,
    );
}
