//! The schedule and the budget merged item by item, by id (see
//! [`super`]'s rules), and the order of the merged list.

use std::collections::BTreeMap;

use super::{Chunk, Conflict, count_steps, diff3, pick};
use crate::proposal::{BudgetLine, Field, Milestone};

/// A list entry merged by id.
pub(super) trait Item: Clone + PartialEq {
    fn id(&self) -> &str;
    fn merge_fields(base: Option<&Self>, ours: &Self, theirs: &Self, c: &mut Vec<Conflict>)
    -> Self;
}

impl Item for Milestone {
    fn id(&self) -> &str {
        &self.id
    }
    fn merge_fields(b: Option<&Self>, o: &Self, t: &Self, c: &mut Vec<Conflict>) -> Self {
        let id = &o.id;
        Milestone {
            id: id.clone(),
            date: pick(
                Field::MilestoneDate(id.clone()),
                b.map(|b| &b.date),
                &o.date,
                &t.date,
                c,
            ),
            what: pick(
                Field::MilestoneWhat(id.clone()),
                b.map(|b| &b.what),
                &o.what,
                &t.what,
                c,
            ),
        }
    }
}

impl Item for BudgetLine {
    fn id(&self) -> &str {
        &self.id
    }
    fn merge_fields(b: Option<&Self>, o: &Self, t: &Self, c: &mut Vec<Conflict>) -> Self {
        let id = &o.id;
        BudgetLine {
            id: id.clone(),
            kind: pick(
                Field::BudgetKind(id.clone()),
                b.map(|b| &b.kind),
                &o.kind,
                &t.kind,
                c,
            ),
            item: pick(
                Field::BudgetItem(id.clone()),
                b.map(|b| &b.item),
                &o.item,
                &t.item,
                c,
            ),
            amount: pick(
                Field::BudgetAmount(id.clone()),
                b.map(|b| &b.amount),
                &o.amount,
                &t.amount,
                c,
            ),
        }
    }
}

/// An item's key: its id and which occurrence of that id it is, so a list
/// with a repeated id loses nothing.
type Key<'a> = (&'a str, usize);

fn keyed<'a>(ids: &[&'a str]) -> Vec<Key<'a>> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    ids.iter()
        .map(|&id| {
            let n = seen.entry(id).or_insert(0);
            let key = (id, *n);
            *n += 1;
            key
        })
        .collect()
}

pub(super) fn merge_list<I: Item>(
    base: &[I],
    ours: &[I],
    theirs: &[I],
    c: &mut Vec<Conflict>,
) -> Vec<I> {
    fn ids<I: Item>(list: &[I]) -> Vec<&str> {
        list.iter().map(I::id).collect()
    }
    // The merged items, in the order they were decided (sorted key order).
    let mut values: Vec<Option<I>> = Vec::new();
    let order = plan_list(&ids(base), &ids(ours), &ids(theirs), &mut |b, o, t| {
        let (b, o, t) = (
            b.map(|i| &base[i]),
            o.map(|i| &ours[i]),
            t.map(|i| &theirs[i]),
        );
        let value = match (b, o, t) {
            (b, Some(o), Some(t)) => Some(I::merge_fields(b, o, t, c)),
            // Deleted on one side: removed if the other left it alone,
            // kept (with its edits) otherwise.
            (Some(b), Some(o), None) => (o != b).then(|| o.clone()),
            (Some(b), None, Some(t)) => (t != b).then(|| t.clone()),
            // Added on one side.
            (None, Some(o), None) => Some(o.clone()),
            (None, None, Some(t)) => Some(t.clone()),
            (_, None, None) => None,
        };
        let kept = value.is_some();
        if kept {
            values.push(value);
        }
        kept
    });
    order
        .into_iter()
        .filter_map(|i| values.get_mut(i).and_then(Option::take))
        .collect()
}

/// The item-type-independent part of [`merge_list`] (one copy in the
/// wasm, not one per item type): walks every key in sorted order, asking
/// `decide` (with the key's index in base, ours, theirs) whether the item is
/// kept, then returns the kept items' decision numbers in the merged order.
///
/// Near-linear in the lists' length: keys become numbers once, and every
/// later lookup is an index (issue 13: searching positions again for each
/// item re-ordered 4,000 lines in ~n³ steps).
fn plan_list(
    base: &[&str],
    ours: &[&str],
    theirs: &[&str],
    decide: &mut dyn FnMut(Option<usize>, Option<usize>, Option<usize>) -> bool,
) -> Vec<usize> {
    // Each distinct key gets a number, in sorted key order.
    let (kb, ko, kt) = (keyed(base), keyed(ours), keyed(theirs));
    let mut numbers: BTreeMap<Key<'_>, usize> =
        kb.iter().chain(&ko).chain(&kt).map(|k| (*k, 0)).collect();
    for (n, number) in numbers.values_mut().enumerate() {
        *number = n;
    }
    let count = numbers.len();
    let renumber = |keys: &[Key<'_>]| -> Vec<usize> {
        keys.iter()
            .filter_map(|k| numbers.get(k).copied())
            .collect()
    };
    let (nb, no, nt) = (renumber(&kb), renumber(&ko), renumber(&kt));
    // Where each key stands in a list.
    let positions = |list: &[usize]| {
        let mut at = vec![None; count];
        for (i, &k) in list.iter().enumerate() {
            at[k] = Some(i);
        }
        at
    };
    let (pb, po, pt) = (positions(&nb), positions(&no), positions(&nt));

    // What each key becomes, decided in sorted key order.
    let mut kept: Vec<Option<usize>> = vec![None; count];
    let mut decided = 0;
    for k in 0..count {
        if decide(pb[k], po[k], pt[k]) {
            kept[k] = Some(decided);
            decided += 1;
        }
    }

    // Order: a diff3 of the key sequences; where both sides reordered the
    // same stretch, ours then theirs.
    let mut order = Order::new(count, [&po, &pt], [no.len(), nt.len()]);
    let mut last = order.head();
    for chunk in diff3(&nb, &no, &nt) {
        let keys = match chunk {
            Chunk::Clean(keys) => keys,
            Chunk::Conflict { ours, theirs, .. } => [ours, theirs].concat(),
        };
        for k in keys {
            if kept[k].is_some() && !order.placed[k] {
                order.place(k, last);
                last = k;
            }
        }
    }
    // Kept items the order dropped (deleted on one side, edited on the
    // other) go back, in key order, right after their nearest predecessor
    // already placed on the side that kept them, or first.
    for k in 0..count {
        if kept[k].is_none() || order.placed[k] {
            continue;
        }
        let (side, list) = if pt[k].is_some() { (1, &nt) } else { (0, &no) };
        let after = order
            .placed_before(side, k)
            .map_or(order.head(), |i| list[i]);
        order.place(k, after);
    }
    order.keys().filter_map(|k| kept[k]).collect()
}

/// A merged order being built: a list linked by key, so an item goes in
/// anywhere in one step, and where the placed keys stand in ours and theirs.
/// (Array-based, not ordered sets: smaller in the wasm.)
struct Order<'a> {
    /// The key after each key; the last entry is the head.
    next: Vec<usize>,
    placed: Vec<bool>,
    /// The positions of the placed keys, in ours (0) and in theirs (1).
    placed_at: [Marks; 2],
    /// Where each key stands in ours and in theirs.
    at: [&'a [Option<usize>]; 2],
}

impl<'a> Order<'a> {
    const END: usize = usize::MAX;

    fn new(count: usize, at: [&'a [Option<usize>]; 2], lens: [usize; 2]) -> Self {
        Order {
            next: vec![Self::END; count + 1],
            placed: vec![false; count],
            placed_at: lens.map(Marks::new),
            at,
        }
    }

    fn head(&self) -> usize {
        self.placed.len()
    }

    /// Puts key `k` right after key `after` (or first, after the head).
    fn place(&mut self, k: usize, after: usize) {
        count_steps(1);
        self.placed[k] = true;
        self.next[k] = self.next[after];
        self.next[after] = k;
        for side in 0..2 {
            if let Some(i) = self.at[side][k] {
                self.placed_at[side].mark(i);
            }
        }
    }

    /// The position, on `side`, of the nearest placed key before `k`.
    fn placed_before(&self, side: usize, k: usize) -> Option<usize> {
        let at = self.at[side][k]?;
        self.placed_at[side].last_before(at)
    }

    fn keys(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(self.next[self.head()]), |&k| self.next.get(k).copied())
            .take_while(|&k| k != Self::END)
    }
}

/// Marked positions in `0..len`, for "the nearest marked position
/// before": a Fenwick tree of counts, O(log len) a step.
struct Marks {
    /// 1-based: `tree[i]` counts the marks in `(i - lowbit(i), i]`.
    tree: Vec<u32>,
}

impl Marks {
    fn new(len: usize) -> Self {
        Marks {
            tree: vec![0; len + 1],
        }
    }

    /// Marks `pos` (once).
    fn mark(&mut self, pos: usize) {
        let mut i = pos + 1;
        while i < self.tree.len() {
            self.tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }

    /// The largest marked position below `at`.
    fn last_before(&self, at: usize) -> Option<usize> {
        // How many marks lie below `at`, then where the last of them is.
        let (mut below, mut i) = (0, at);
        while i > 0 {
            below += self.tree[i];
            i &= i - 1;
        }
        if below == 0 {
            return None;
        }
        let (mut pos, mut rest) = (0, below);
        let mut step = (self.tree.len() - 1).checked_ilog2().map_or(0, |b| 1 << b);
        while step > 0 {
            if pos + step < self.tree.len() && self.tree[pos + step] < rest {
                pos += step;
                rest -= self.tree[pos];
            }
            step >>= 1;
        }
        Some(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::take_steps;
    use crate::proposal::BudgetKind;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    /// `n` budget lines in reverse id order, each for `amount_yen`.
    fn reversed_lines(n: usize, amount_yen: u64) -> Vec<BudgetLine> {
        (0..n)
            .rev()
            .map(|i| BudgetLine {
                id: format!("b{i:05}"),
                kind: BudgetKind::Expense,
                item: "備品".into(),
                amount: crate::Amount::yen(amount_yen),
            })
            .collect()
    }

    /// Issue 13, item 4: a stale Put whose lines were all deleted on one side
    /// and all edited on the other, in reverse id order, re-ordered in ~n³
    /// steps (4,000 lines held SQLite's write lock for 60 s). Counted, not
    /// timed: the steps stay within c·n·log₂n, and the order is right.
    #[test]
    fn long_reversed_lists_merge_in_near_linear_steps() {
        for n in [250, 1_000, 4_000] {
            let base = reversed_lines(n, 1);
            let edited = reversed_lines(n, 2);
            let log2 = (usize::BITS - n.leading_zeros()) as u64;
            let bound = 8 * n as u64 * log2;
            for (ours, theirs) in [(&[][..], &edited[..]), (&edited[..], &[][..])] {
                take_steps();
                let mut conflicts = Vec::new();
                let merged = merge_list(&base, ours, theirs, &mut conflicts);
                let steps = take_steps();
                assert_eq!(conflicts, vec![]);
                assert!(merged == edited, "n = {n}: every edited line, in its order");
                assert!(steps <= bound, "n = {n}: {steps} steps, more than {bound}");
            }
        }
    }

    /// `plan_list` as it was before issue 13 (searching positions again for
    /// each item dropped from the order): the reference for its results.
    fn plan_list_before(
        base: &[&str],
        ours: &[&str],
        theirs: &[&str],
        decide: &mut dyn FnMut(Option<usize>, Option<usize>, Option<usize>) -> bool,
    ) -> Vec<usize> {
        let (kb, ko, kt) = (keyed(base), keyed(ours), keyed(theirs));
        fn index<'a>(keys: &[Key<'a>]) -> BTreeMap<Key<'a>, usize> {
            let mut m = BTreeMap::new();
            for (i, k) in keys.iter().enumerate() {
                m.insert(*k, i);
            }
            m
        }
        let (mb, mo, mt) = (index(&kb), index(&ko), index(&kt));
        let mut all: BTreeSet<Key<'_>> = BTreeSet::new();
        for k in kb.iter().chain(&ko).chain(&kt) {
            all.insert(*k);
        }

        // What each key becomes, decided in sorted id order.
        let mut kept: BTreeMap<Key<'_>, usize> = BTreeMap::new();
        for key in all {
            let (b, o, t) = (mb.get(&key), mo.get(&key), mt.get(&key));
            if decide(b.copied(), o.copied(), t.copied()) {
                let n = kept.len();
                kept.insert(key, n);
            }
        }

        // Order: a diff3 of the key sequences; where both sides reordered the same
        // stretch, ours then theirs.
        let mut order: Vec<Key<'_>> = Vec::new();
        for chunk in diff3(&kb, &ko, &kt) {
            match chunk {
                Chunk::Clean(keys) => order.extend(keys),
                Chunk::Conflict { ours, theirs, .. } => {
                    order.extend(ours.into_iter().chain(theirs))
                }
            }
        }
        let mut placed: BTreeSet<Key<'_>> = BTreeSet::new();
        order.retain(|k| kept.contains_key(k) && placed.insert(*k));
        // Kept items the order dropped (deleted on one side, edited on the
        // other) go back after their predecessor on the side that kept them.
        let missing: Vec<Key<'_>> = kept
            .keys()
            .filter(|k| !placed.contains(*k))
            .copied()
            .collect();
        for key in missing {
            let source = if mt.contains_key(&key) { &kt } else { &ko };
            let at = source
                .iter()
                .position(|k| *k == key)
                .and_then(|pos| {
                    source[..pos]
                        .iter()
                        .rev()
                        .find_map(|prev| order.iter().position(|k| k == prev))
                })
                .map_or(0, |i| i + 1);
            order.insert(at, key);
        }
        order
            .into_iter()
            .filter_map(|k| kept.get(&k).copied())
            .collect()
    }

    proptest! {
        #[test]
        fn marks_find_the_nearest_mark_before(
            len in 0usize..40,
            marked in prop::collection::btree_set(0usize..40, 0..40),
        ) {
            let mut marks = Marks::new(len);
            let marked: BTreeSet<usize> = marked.into_iter().filter(|&p| p < len).collect();
            for &p in &marked {
                marks.mark(p);
            }
            for at in 0..=len {
                prop_assert_eq!(marks.last_before(at), marked.range(..at).next_back().copied());
            }
        }

        /// The near-linear plan orders every list as the one before it did.
        #[test]
        fn plans_as_before(
            base in prop::collection::vec(0u8..6, 0..9),
            ours in prop::collection::vec(0u8..6, 0..9),
            theirs in prop::collection::vec(0u8..6, 0..9),
            seed in any::<u64>(),
        ) {
            let ids = ["a", "b", "c", "d", "e", "f"];
            let names = |l: &[u8]| l.iter().map(|&i| ids[usize::from(i)]).collect::<Vec<_>>();
            let (b, o, t) = (names(&base), names(&ours), names(&theirs));
            // Any rule that depends only on where the key stands.
            let mut decide = |b: Option<usize>, o: Option<usize>, t: Option<usize>| {
                let h = [b, o, t]
                    .iter()
                    .fold(seed, |h, x| h.rotate_left(9) ^ x.map_or(99, |i| i as u64));
                (o.is_some() || t.is_some()) && h % 4 != 0
            };
            let now = plan_list(&b, &o, &t, &mut decide);
            let before = plan_list_before(&b, &o, &t, &mut decide);
            prop_assert_eq!(now, before);
        }
    }
}
