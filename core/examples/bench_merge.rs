//! Native benchmark of the draft merge's lists (三方向マージ).
//!
//! `cargo run --release -p tsunagari-core --example bench_merge`
//!
//! The worst case of issue 13, item 4: a draft whose budget holds `n` lines
//! in reverse id order (default 4,000), every line deleted on one side and
//! edited on the other, merged as the server merges a stale Put. Prints one
//! line: `merge_native lines=… runs=… median_ms=… max_ms=…`.
//! Optional arguments: the number of lines, the number of runs (default 5).

use std::hint::black_box;
use std::time::Instant;
use tsunagari_core::DivisionId;
use tsunagari_core::merge::merge_proposals;
use tsunagari_core::proposal::{BudgetKind, BudgetLine, Proposal};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(4_000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let lines = |amount_yen| {
        (0..n)
            .rev()
            .map(|i| BudgetLine {
                id: format!("b{i:05}"),
                kind: BudgetKind::Expense,
                item: "備品".into(),
                amount: tsunagari_core::Amount::yen(amount_yen),
            })
            .collect::<Vec<_>>()
    };
    let mut base = Proposal::new_draft(2025, DivisionId::from("general"), "porepore".into());
    base.budget = lines(1);
    let mut deleted = base.clone();
    deleted.budget.clear();
    let mut edited = base.clone();
    edited.budget = lines(2);

    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let out = black_box(merge_proposals(&base, &deleted, &edited));
        times.push(start.elapsed().as_secs_f64() * 1e3);
        assert_eq!(out.merged.budget.len(), n, "every edited line kept");
    }
    times.sort_by(f64::total_cmp);
    println!(
        "merge_native lines={n} runs={runs} median_ms={:.2} max_ms={:.2}",
        times[runs / 2],
        times[runs - 1]
    );
}
