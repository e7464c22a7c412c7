//! Which keystrokes are slow: the browser benchmark's groups and queries
//! (`/bench`: seeds 1, 2 and 3), timed natively, each the fastest of five
//! runs (a loaded machine preempts some), with the suggestions the app asks
//! for when a query finds fewer than 3.
//!
//! `cargo run --release -p tsunagari-core --example search_slowest [N]`
//! prints p50/p95/p99 in µs, then the N slowest (default 120): total,
//! search, suggest, hits, query. Instead:
//! - `Q=か` times one query (the fastest of 200 calls; `SUG=1` with its
//!   suggestions), e.g. under `perf record`;
//! - `SHOW=kanan` prints the query's suggestions;
//! - `LIST=1` prints the queries, one per line;
//! - `EACH=1` runs every query once through `keystroke`, for instruction
//!   counts per keystroke that a loaded machine does not change:
//!   `EACH=1 valgrind --tool=callgrind --dump-after='*keystroke*' …`
//!   writes one profile per query (the first also holds the index build);
//!   each file's `summary:` line is its count. Build with
//!   `CARGO_PROFILE_RELEASE_STRIP=false` so the symbol is there.
use std::hint::black_box;
use std::time::Instant;
use tsunagari_core::SearchIndex;
use tsunagari_core::synthetic;

fn main() {
    let groups = synthetic::groups(10_000, 1);
    let mut queries = synthetic::keystroke_queries(&groups, 1500, 2);
    queries.extend(synthetic::romaji_and_typo_queries(&groups, 500, 3));
    let start = Instant::now();
    let index = SearchIndex::new(&groups);
    eprintln!("build {:?}", start.elapsed());
    for q in queries.iter().take(50) {
        black_box(index.search(q));
    }
    if let Ok(q) = std::env::var("SHOW") {
        println!("{:?}", index.suggest(&q, 3));
        return;
    }
    if std::env::var("LIST").is_ok() {
        for q in &queries {
            println!("{q:?}");
        }
        return;
    }
    if std::env::var("EACH").is_ok() {
        // One call per keystroke, for `valgrind --tool=callgrind
        // --dump-after='*keystroke*'` (one count of instructions each).
        for q in &queries {
            black_box(keystroke(&index, q));
        }
        return;
    }
    if let Ok(q) = std::env::var("Q") {
        let mut fastest = std::time::Duration::MAX;
        for _ in 0..200 {
            let a = Instant::now();
            let found = index.search(&q);
            if std::env::var("SUG").is_ok() {
                black_box(index.suggest_beside(&q, &found, 3));
            }
            black_box(found);
            fastest = fastest.min(a.elapsed());
        }
        println!("{fastest:?} fastest of 200 calls");
        return;
    }
    let mut rows = Vec::new();
    for q in &queries {
        let mut best = (f64::MAX, 0.0, 0.0, 0);
        for _ in 0..5 {
            let start = Instant::now();
            let found = index.search(black_box(q));
            let s_us = start.elapsed().as_secs_f64() * 1e6;
            let mut sug = 0.0;
            if found.len() < 3 && !q.trim().is_empty() {
                let a = Instant::now();
                black_box(index.suggest_beside(q, &found, 3));
                sug = a.elapsed().as_secs_f64() * 1e6;
            }
            if s_us + sug < best.0 {
                best = (s_us + sug, s_us, sug, found.len());
            }
        }
        rows.push((best.0, best.1, best.2, best.3, q.clone()));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    let n = rows.len();
    println!(
        "p50 {:.1} p95 {:.1} p99 {:.1}",
        rows[n / 2].0,
        rows[n / 20].0,
        rows[n / 100].0
    );
    for r in rows.iter().take(
        std::env::args()
            .nth(1)
            .and_then(|a| a.parse().ok())
            .unwrap_or(120),
    ) {
        println!(
            "{:8.1} search {:8.1} suggest {:8.1} hits {:6} {:?}",
            r.0, r.1, r.2, r.3, r.4
        );
    }
}

/// What the directory does per keystroke: search, and with fewer than 3
/// hits the suggestions beside those hits.
#[inline(never)]
fn keystroke(index: &SearchIndex, q: &str) -> usize {
    let found = index.search(black_box(q));
    if found.len() < 3 && !q.trim().is_empty() {
        black_box(index.suggest_beside(q, &found, 3));
    }
    found.len()
}
