//! diff3 over any sequence: the engine of [`super::merge_text`] and of list
//! ordering. A longest-common-subsequence diff of each side against the base,
//! then overlapping changes grouped.

/// One stretch of a diff3 result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Chunk<T> {
    Clean(Vec<T>),
    Conflict {
        base: Vec<T>,
        ours: Vec<T>,
        theirs: Vec<T>,
    },
}

/// A change of one side: base `[bs, be)` became side `[ss, se)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Hunk {
    bs: usize,
    be: usize,
    ss: usize,
    se: usize,
}

impl Hunk {
    /// Whether two hunks (one per side) touch the same base content. An
    /// insertion at either edge of a replaced stretch does not: it goes
    /// before or after it.
    fn overlaps(&self, other: &Hunk) -> bool {
        match (self.bs == self.be, other.bs == other.be) {
            (false, false) => self.bs < other.be && other.bs < self.be,
            (true, false) => other.bs < self.bs && self.bs < other.be,
            (false, true) => self.bs < other.bs && other.bs < self.be,
            (true, true) => self.bs == other.bs,
        }
    }
}

/// Above this many cells the LCS table is skipped and the changed middle is
/// treated as one replacement: coarser, still correct.
const LCS_MAX_CELLS: usize = 1_000_000;

/// Matched index pairs of a longest common subsequence, increasing.
fn lcs_pairs<T: PartialEq>(a: &[T], b: &[T]) -> Vec<(usize, usize)> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut pairs: Vec<(usize, usize)> = (0..prefix).map(|i| (i, i)).collect();
    let (n, m) = (am.len(), bm.len());
    super::count_steps(prefix + suffix + 1);
    if n > 0 && m > 0 && n.saturating_mul(m) <= LCS_MAX_CELLS {
        // table[i][j] = LCS length of am[i..] and bm[j..]; ≤ min(n, m) ≤ 1000.
        super::count_steps(n * m);
        let w = m + 1;
        let mut table = vec![0u16; (n + 1) * w];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                table[i * w + j] = if am[i] == bm[j] {
                    table[(i + 1) * w + j + 1] + 1
                } else {
                    table[(i + 1) * w + j].max(table[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n && j < m {
            if am[i] == bm[j] {
                pairs.push((prefix + i, prefix + j));
                i += 1;
                j += 1;
            } else if table[(i + 1) * w + j] >= table[i * w + j + 1] {
                i += 1;
            } else {
                j += 1;
            }
        }
    }
    pairs.extend((0..suffix).map(|k| (a.len() - suffix + k, b.len() - suffix + k)));
    pairs
}

/// The changes that turn `base` into `side`.
fn hunks<T: PartialEq>(base: &[T], side: &[T]) -> Vec<Hunk> {
    let mut out = Vec::new();
    let (mut pb, mut ps) = (0, 0);
    let mut pairs = lcs_pairs(base, side);
    pairs.push((base.len(), side.len()));
    for (i, j) in pairs {
        if i > pb || j > ps {
            out.push(Hunk {
                bs: pb,
                be: i,
                ss: ps,
                se: j,
            });
        }
        (pb, ps) = (i + 1, j + 1);
    }
    out
}

/// `side`'s version of base `[from, to)`, given its hunks inside that stretch.
fn side_text<T: Clone>(base: &[T], side: &[T], hs: &[Hunk], from: usize, to: usize) -> Vec<T> {
    let mut out = Vec::new();
    let mut pos = from;
    for h in hs {
        out.extend_from_slice(&base[pos..h.bs]);
        out.extend_from_slice(&side[h.ss..h.se]);
        pos = h.be;
    }
    out.extend_from_slice(&base[pos..to]);
    out
}

/// Three-way merge of sequences: stretches only one side changed take that
/// side, identical changes are taken once, others are conflicts.
/// Outside the generic [`diff3`]: one sort in the wasm for every element type.
fn sort_hunks(all: &mut [(Hunk, u8)]) {
    all.sort_by_key(|(h, side)| (h.bs, h.be, *side));
}

pub(crate) fn diff3<T: PartialEq + Clone>(base: &[T], ours: &[T], theirs: &[T]) -> Vec<Chunk<T>> {
    // (hunk, 0 = ours / 1 = theirs), sorted by base position.
    let mut all: Vec<(Hunk, u8)> = hunks(base, ours).into_iter().map(|h| (h, 0)).collect();
    all.extend(hunks(base, theirs).into_iter().map(|h| (h, 1)));
    sort_hunks(&mut all);

    // Groups of hunks that overlap, in base order.
    let mut groups: Vec<Vec<(Hunk, u8)>> = Vec::new();
    for (h, side) in all {
        match groups.last_mut() {
            Some(g) if g.iter().any(|(x, s)| *s != side && x.overlaps(&h)) => g.push((h, side)),
            _ => groups.push(vec![(h, side)]),
        }
    }

    let mut out = Vec::new();
    let mut pos = 0;
    for g in groups {
        let from = g.iter().map(|(h, _)| h.bs).min().unwrap_or(pos);
        let to = g.iter().map(|(h, _)| h.be).max().unwrap_or(from);
        if from > pos {
            out.push(Chunk::Clean(base[pos..from].to_vec()));
        }
        let of = |side: u8| {
            g.iter()
                .filter(|(_, s)| *s == side)
                .map(|(h, _)| *h)
                .collect::<Vec<_>>()
        };
        let (ho, ht) = (of(0), of(1));
        let o = side_text(base, ours, &ho, from, to);
        let t = side_text(base, theirs, &ht, from, to);
        if ht.is_empty() || o == t {
            out.push(Chunk::Clean(o));
        } else if ho.is_empty() {
            out.push(Chunk::Clean(t));
        } else {
            out.push(Chunk::Conflict {
                base: base[from..to].to_vec(),
                ours: o,
                theirs: t,
            });
        }
        pos = to;
    }
    if pos < base.len() {
        out.push(Chunk::Clean(base[pos..].to_vec()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff3_merges_separate_changes_and_flags_overlaps() {
        let base = ["a", "b", "c"];
        assert_eq!(
            diff3(&base, &["A", "b", "c"], &["a", "b", "C"]).concat_clean(),
            Some(vec!["A", "b", "C"])
        );
        assert_eq!(
            diff3(&base, &["x", "b", "c"], &["y", "b", "c"]).concat_clean(),
            None
        );
        // Insertions at the same place conflict unless identical.
        assert_eq!(
            diff3(&base, &["a", "n", "b", "c"], &["a", "n", "b", "c"]).concat_clean(),
            Some(vec!["a", "n", "b", "c"])
        );
    }

    trait CleanConcat<T> {
        fn concat_clean(self) -> Option<Vec<T>>;
    }
    impl<T> CleanConcat<T> for Vec<Chunk<T>> {
        fn concat_clean(self) -> Option<Vec<T>> {
            let mut out = Vec::new();
            for c in self {
                match c {
                    Chunk::Clean(v) => out.extend(v),
                    Chunk::Conflict { .. } => return None,
                }
            }
            Some(out)
        }
    }
}
