//! The directory's search index between IndexedDB and the page: a repeat
//! visit reads the index kept with the stored groups (`store::index`)
//! instead of building it (~140 ms for 10,000 groups on a fast machine), and
//! an index built here is kept, when the page is idle, for the next visit.
//!
//! The index answers with positions in the groups it was built from; the
//! groups read back from the store may come in another order (a pull puts
//! groups in memory in the feed's order, the store keeps them by bucket), so
//! a kept index carries the ids in its order and is mapped onto the groups
//! shown ([`Searcher`]).
//!
//! Which groups an index is for: every change of the groups in memory
//! (`sync`) calls [`groups_changed`] first, with the feed cursor they stand
//! at. A kept index is used only for the generation it was read with, and
//! written only if the groups did not change since it was built, keyed to
//! their cursor; the store uses it only when that cursor is the stored one,
//! read in the same transaction as the groups, and its ids are exactly
//! theirs (a stale index is worse than a slow one).

use crate::store;
use leptos::logging::warn;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::sync::Arc;
use tsunagari_core::Group;
use tsunagari_core::search::{SearchIndex, Suggestion};

/// An index read from the store, for the groups of generation `generation`.
struct Kept {
    generation: u64,
    bytes: Vec<u8>,
    to_groups: Option<Vec<u32>>,
    /// Whether its record holds the base order (else it is added when
    /// the page is idle).
    has_order: bool,
}

thread_local! {
    static GENERATION: Cell<u64> = const { Cell::new(0) };
    /// The groups feed cursor the groups in memory stand at.
    static CURSOR: RefCell<Option<String>> = const { RefCell::new(None) };
    static KEPT: RefCell<Option<Kept>> = const { RefCell::new(None) };
    /// The list's base order kept with the index, for the groups of a
    /// generation (positions in them).
    static ORDER: RefCell<Option<(u64, Vec<usize>)>> = const { RefCell::new(None) };
}

/// The groups in memory are about to change to the groups at `cursor`
/// (`None`: unknown): an index built or read before is not theirs.
pub fn groups_changed(cursor: Option<String>) {
    GENERATION.set(GENERATION.get().wrapping_add(1));
    CURSOR.set(cursor);
    KEPT.set(None);
    ORDER.set(None);
}

/// Keeps the base order read with the index's record for the groups in
/// memory (their positions), if there is one.
pub fn keep_order(order: Option<Vec<usize>>) {
    ORDER.set(order.map(|o| (GENERATION.get(), o)));
}

/// The list's base order for `groups` (the current generation): the one
/// kept with the index when it was read for them, else computed
/// (`tsunagari_core::search::base_order`).
pub fn base_order(groups: &[Group]) -> Vec<usize> {
    let kept = ORDER.with_borrow(|o| {
        o.as_ref()
            .filter(|(g, order)| *g == GENERATION.get() && order.len() == groups.len())
            .map(|(_, order)| order.clone())
    });
    crate::pwa::mark_base_order(if kept.is_some() { "kept" } else { "computed" });
    kept.unwrap_or_else(|| tsunagari_core::search::base_order(groups))
}

/// A pull changed nothing but (maybe) the cursor: the same groups stand at
/// `cursor` too.
pub fn same_groups(cursor: String) {
    CURSOR.set(Some(cursor));
}

/// The current generation of the groups in memory.
pub fn generation() -> u64 {
    GENERATION.get()
}

/// Keeps an index read from the store for the groups of `generation`
/// (decoded when a search first needs it).
pub fn keep(generation: u64, bytes: Vec<u8>, to_groups: Option<Vec<u32>>, has_order: bool) {
    if generation == GENERATION.get() {
        KEPT.set(Some(Kept {
            generation,
            bytes,
            to_groups,
            has_order,
        }));
    }
}

/// A search index and where its items are in the groups shown.
pub struct Searcher {
    index: SearchIndex,
    /// `to_groups[i]`: the position in the groups of the index's item `i`
    /// (`None`: the same).
    to_groups: Option<Vec<u32>>,
}

impl Searcher {
    /// The items `query` finds, best first, as the index's positions.
    pub fn search(&self, query: &str) -> Vec<usize> {
        self.index.search(query)
    }

    /// The position in the groups of the index's item `i`.
    pub fn group(&self, i: usize) -> usize {
        match &self.to_groups {
            Some(map) => map.get(i).map_or(usize::MAX, |&g| g as usize),
            None => i,
        }
    }

    /// [`SearchIndex::suggest_beside`] for hits of [`search`](Self::search);
    /// the suggestions' items are positions in the groups.
    pub fn suggest_beside(&self, query: &str, found: &[usize], max: usize) -> Vec<Suggestion> {
        let mut near = self.index.suggest_beside(query, found, max);
        for s in &mut near {
            s.item = self.group(s.item);
        }
        near
    }
}

/// The index for `groups` (the current generation of `signal`): the kept
/// one when it was read for them, else built, and kept for the next visit
/// once the page is idle.
pub fn index_for(signal: RwSignal<Vec<Group>>, groups: &[Group]) -> Arc<Searcher> {
    let generation = GENERATION.get();
    if let Some(kept) = KEPT.take().filter(|k| k.generation == generation) {
        let read = SearchIndex::from_bytes(&kept.bytes);
        crate::pwa::mark_time("index-decoded");
        match read {
            Ok(index) if index.len() == groups.len() => {
                crate::pwa::mark_search_index("kept");
                let searcher = Arc::new(Searcher {
                    index,
                    to_groups: kept.to_groups,
                });
                fold_when_idle(&searcher);
                if !kept.has_order {
                    add_order_when_idle(generation, &searcher);
                }
                return searcher;
            }
            Ok(_) => warn!("the kept search index is for another number of groups; building it"),
            Err(e) => warn!("{e}; building the search index"),
        }
    }
    let searcher = Arc::new(Searcher {
        index: SearchIndex::new(groups),
        to_groups: None,
    });
    if !groups.is_empty() {
        crate::pwa::mark_time("index-built");
        crate::pwa::mark_search_index("built");
        let built = searcher.clone();
        crate::takeover::when_idle(move || write(generation, signal, &built));
        fold_when_idle(&searcher);
    }
    searcher
}

/// Makes the index's texts with long vowels folded when the page is idle,
/// so that the first word typed in Latin letters (`porepore`) does not
/// wait for them; nothing if the index has been replaced by then.
fn fold_when_idle(searcher: &Arc<Searcher>) {
    let searcher = Arc::downgrade(searcher);
    crate::takeover::when_idle(move || {
        if let Some(searcher) = searcher.upgrade() {
            searcher.index.prepare_romaji();
        }
    });
}

/// Adds the base order to the kept record (kept by an earlier release
/// without one) when the page is idle, if the groups of `generation` are
/// still the ones in memory.
fn add_order_when_idle(generation: u64, searcher: &Arc<Searcher>) {
    let searcher = Arc::downgrade(searcher);
    crate::takeover::when_idle(move || {
        let (Some(searcher), Some(cursor)) = (searcher.upgrade(), CURSOR.with_borrow(Clone::clone))
        else {
            return;
        };
        if generation != GENERATION.get() {
            return;
        }
        let order = store::index::order_bytes(&searcher.index.search(""));
        let count = searcher.index.len();
        leptos::task::spawn_local(async move {
            let Ok(db) = store::main_db().await else {
                return;
            };
            if let Err(e) = store::index::add_order(&db, &cursor, count, &order).await {
                warn!("{e}");
            }
        });
    });
}

/// Stores `built` for the groups of `generation`, if they are still the
/// ones in memory.
fn write(generation: u64, signal: RwSignal<Vec<Group>>, built: &Searcher) {
    let Some(cursor) = CURSOR.with_borrow(Clone::clone) else {
        return;
    };
    if generation != GENERATION.get() {
        return;
    }
    let Some(ids) = signal.with_untracked(|groups| store::index::ids_text(groups)) else {
        return;
    };
    let bytes = built.index.to_bytes();
    let order = store::index::order_bytes(&built.index.search(""));
    let count = built.index.len();
    leptos::task::spawn_local(async move {
        let Ok(db) = store::main_db().await else {
            return;
        };
        let kept = store::index::KeptFor {
            cursor: &cursor,
            count,
            ids: &ids,
            order: &order,
        };
        if let Err(e) = store::index::put(&db, kept, &bytes).await {
            warn!("{e}");
        }
    });
}
