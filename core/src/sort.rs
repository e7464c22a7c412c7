//! Stable sorting through one compiled copy of the standard library's sort.
//!
//! Every `sort_by` with its own element type or closure compiles its own
//! copy of the sort (about 3.5 KB of wasm each; the app had more than
//! twenty). These helpers sort positions (`usize`) with a `dyn` comparison,
//! so the app carries the sort once. Same order as `slice::sort_by`.

use std::cmp::Ordering;

/// Sorts indices, stably, by `cmp`.
#[inline(never)]
pub fn sort_indices(v: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    v.sort_by(|&a, &b| cmp(a, b));
}

/// `v.sort_by(cmp)`: stable, the same order.
pub fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_indices(&mut order, &|a, b| cmp(&v[a], &v[b]));
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    v.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_like_the_standard_stable_sort(items in proptest::collection::vec((0u8..6, 0u32..1000), 0..200)) {
            let mut ours = items.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut std_sorted = items.clone();
            std_sorted.sort_by_key(|a| a.0);
            prop_assert_eq!(ours, std_sorted);

            let keys: Vec<u8> = items.iter().map(|i| i.0).collect();
            let mut idx: Vec<usize> = (0..keys.len()).collect();
            sort_indices(&mut idx, &|a, b| keys[b].cmp(&keys[a]));
            let mut std_idx: Vec<usize> = (0..keys.len()).collect();
            std_idx.sort_by_key(|&i| std::cmp::Reverse(keys[i]));
            prop_assert_eq!(idx, std_idx);
        }
    }
}
