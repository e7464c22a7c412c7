//! `/groups`: the directory, searched as you type and filtered by kind.

use crate::i18n::{self, Lang};
use crate::kept_index;
use crate::state::{set_title, use_app};
use leptos::prelude::*;
use tsunagari_core::search::Suggestion;
use tsunagari_core::{Group, GroupKind};

/// Results drawn at first (a phone shows six or so; every keystroke draws
/// them anew); さらに表示 draws as many again.
pub(crate) const MAX_SHOWN: usize = 60;

/// With fewer results than this, もしかして offers the closest names.
pub(crate) const FEW: usize = 3;

#[component]
pub fn GroupsPage() -> impl IntoView {
    view! { <Directory home=false/> }
}

/// The directory; `home`: as the home page (`/`), under its title with
/// its sections after the search box.
#[component]
pub fn Directory(home: bool) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || lang.get().texts();
    Effect::new(move |_| {
        if home {
            set_title("", lang.get())
        } else {
            set_title(t().groups_title, lang.get())
        }
    });
    let heading = move || {
        if home {
            lang.get().home().home_title
        } else {
            t().groups_title
        }
    };

    // Built once per data change, never per keystroke, and only when a
    // query needs it: the whole list is shown in the base order
    // (`kept_index::base_order`: kept with the index on a repeat visit,
    // else computed, a small part of the index's work), and the index is
    // built after that list has been painted (or by the first query typed
    // before). On a repeat visit the index kept with the stored groups is
    // read instead (`kept_index`); while it is being read there is none
    // (`None`: the list stays as it is), and no index is built. The index
    // has no equality, so every rebuild counts as a change.
    let index = Memo::new_with_compare(
        move |_| {
            if state.index_reading.get() {
                return None;
            }
            Some(
                state
                    .groups
                    .with(|groups| kept_index::index_for(state.groups, groups)),
            )
        },
        |_, _| true,
    );
    let order = Memo::new(move |_| state.groups.with(|groups| kept_index::base_order(groups)));
    Effect::new(move |_| {
        if state.groups.with(Vec::is_empty) || state.index_reading.get() {
            return;
        }
        crate::takeover::after_paint(move || {
            let _ = index.try_with_untracked(|_| ());
        });
    });
    // What the query finds, of every kind (empty for an empty query), as
    // the index's positions (`None`: no index yet).
    let found = Memo::new(move |_| {
        if state.query.with(|q| q.trim().is_empty()) {
            Some(Vec::new())
        } else {
            index.with(|index| {
                let index = index.as_ref()?;
                Some(state.query.with(|q| index.search(q)))
            })
        }
    });
    let results = Memo::new(move |_| {
        let kind = state.kind.get();
        let keep = |hits: &[usize]| {
            state.groups.with(|groups| {
                hits.iter()
                    .copied()
                    .filter(|&i| match kind {
                        None => true,
                        Some(kind) => groups.get(i).is_some_and(|g| g.kind == kind),
                    })
                    .collect::<Vec<usize>>()
            })
        };
        // The hits as positions in the groups; none for an empty query, or
        // (the list stays as it is) until the kept index has been read.
        let hits: Option<Vec<usize>> = if state.query.with(|q| q.trim().is_empty()) {
            None
        } else {
            found.with(|found| {
                let found = found.as_ref()?;
                index.with(|index| {
                    let index = index.as_ref()?;
                    Some(found.iter().map(|&i| index.group(i)).collect())
                })
            })
        };
        match hits {
            Some(hits) => keep(&hits),
            None => order.with(|order| keep(order)),
        }
    });

    // Typo fallback, only when the query found little: the closest names
    // the query did not already find (the search is not run again).
    let suggestions = Memo::new(move |_| {
        if state.query.with(|q| q.trim().is_empty()) || results.with(|r| r.len() >= FEW) {
            return Vec::new();
        }
        let mut near = index.with(|index| {
            let Some(index) = index else {
                return Vec::new();
            };
            state.query.with(|q| {
                found.with(|found| index.suggest_beside(q, found.as_deref().unwrap_or(&[]), FEW))
            })
        });
        results.with(|hits| near.retain(|s| !hits.contains(&s.item)));
        near
    });
    let input = NodeRef::<leptos::html::Input>::new();
    // A tapped suggestion (or a cleared filter) searches at once; the box
    // shows what is searched.
    let search_for = move |text: String| {
        if let Some(input) = input.get_untracked() {
            input.set_value(&text);
        }
        state.query.set(text);
    };

    view! {
        <div class="container page">
            <h1>{heading}</h1>
            <div class="filters" role="search">
                <SearchBox input=input/>
                <KindFilter/>
            </div>
            {home.then(|| view! { <super::home::HomeSections/> })}
            <p class="count" aria-live="polite">
                {move || i18n::count(lang.get(), results.with(Vec::len))}
            </p>
            <DidYouMean suggestions=suggestions search_for=search_for/>
            <crate::install::InstallCard/>
            <ResultList results=results/>
        </div>
    }
}

/// もしかして: the closest names as buttons; a tap searches for one.
#[component]
fn DidYouMean(
    suggestions: Memo<Vec<Suggestion>>,
    search_for: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_app().lang;
    move || {
        suggestions.with(|near| {
            if near.is_empty() {
                return None;
            }
            let buttons = near
                .iter()
                .map(|s| {
                    let text = s.text.clone();
                    view! {
                        <li>
                            <button
                                type="button"
                                class="suggestion"
                                lang="ja"
                                data-testid="suggestion"
                                on:click=move |_| search_for(text.clone())
                            >
                                {s.text.clone()}
                            </button>
                        </li>
                    }
                })
                .collect_view();
            Some(view! {
                <div class="did-you-mean" data-testid="did-you-mean">
                    <span>{lang.get().texts().did_you_mean}</span>
                    <ul>{buttons}</ul>
                </div>
            })
        })
    }
}

#[component]
fn SearchBox(input: NodeRef<leptos::html::Input>) -> impl IntoView {
    let state = use_app();
    let t = move || state.lang.get().texts();
    view! {
        <div class="field">
            <label for="group-search">{move || t().search_label}</label>
            <input
                node_ref=input
                id="group-search"
                type="search"
                autocomplete="off"
                enterkeyhint="search"
                placeholder=move || t().search_placeholder
                // Set once: rewriting the value while typing would break
                // Japanese input (IME composition).
                prop:value=state.query.get_untracked()
                on:input=move |ev| state.query.set(event_target_value(&ev))
            />
        </div>
    }
}

#[component]
fn KindFilter() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let options = GroupKind::ALL
        .into_iter()
        .map(|kind| {
            view! {
                <option value=kind.code() selected=move || state.kind.get() == Some(kind)>
                    {move || i18n::kind_label(lang.get(), kind)}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for="kind-filter">{move || lang.get().texts().kind_label}</label>
            <select
                id="kind-filter"
                on:change=move |ev| state.kind.set(GroupKind::from_code(&event_target_value(&ev)))
            >
                <option value="" selected=move || state.kind.get().is_none()>
                    {move || lang.get().texts().kind_all}
                </option>
                {options}
            </select>
        </div>
    }
}

#[component]
fn ResultList(results: Memo<Vec<usize>>) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let version = changes(results);
    // さらに表示: pages drawn beyond the first, for the results of one
    // version (back to one page whenever the results change, with no
    // second drawing of the list).
    let more = RwSignal::new((0u64, 0usize));
    let limit = Memo::new(move |_| {
        let (v, pages) = more.get();
        if v == version.get() {
            MAX_SHOWN * (1 + pages)
        } else {
            MAX_SHOWN
        }
    });
    let empty = Memo::new(move |_| results.with(Vec::is_empty));
    move || {
        let t = lang.get().texts();
        if empty.get() {
            let empty = state.groups.with(Vec::is_empty);
            let query = state.query.get();
            if !empty && !query.trim().is_empty() {
                return no_match(&query, state.kind.get(), lang.get()).into_any();
            }
            let message = if !empty {
                t.no_results
            } else if state.ready.get() {
                t.no_groups_yet
            } else {
                t.loading
            };
            return view! { <p class="empty">{message}</p> }.into_any();
        }
        let show_more = move || {
            let total = results.with(Vec::len);
            let limit = limit.get();
            (total > limit).then(|| {
                view! {
                    <p>
                        <button
                            type="button"
                            class="button secondary"
                            data-testid="show-more"
                            on:click=move |_| {
                                more.update(|(v, pages)| {
                                    let now = version.get_untracked();
                                    if *v != now {
                                        *v = now;
                                        *pages = 0;
                                    }
                                    *pages += 1;
                                })
                            }
                        >
                            {i18n::show_more(lang.get(), (total - limit).min(MAX_SHOWN), total - limit)}
                        </button>
                    </p>
                }
            })
        };
        view! {
            {result_cards(results.into(), limit.into(), state.groups, lang)}
            {show_more}
        }
        .into_any()
    }
}

/// Cards drawn in the frame of the keystroke itself (a phone shows six or
/// so); the rest of the page follows one frame later.
pub(crate) const FIRST_DRAWN: usize = 16;

/// A counter that goes up whenever `hits` change.
fn changes(hits: impl Track + Send + Sync + 'static) -> Memo<u64> {
    Memo::new(move |prev: Option<&u64>| {
        hits.track();
        prev.map_or(0, |v| v.wrapping_add(1))
    })
}

/// The list of the cards of `hits[..limit]`: the first [`FIRST_DRAWN`] as
/// soon as the hits change, the others two animation frames later (after
/// the browser has painted the first ones), unless the hits changed again
/// by then. So a keystroke is painted within one frame however many cards
/// a page has; the count line and さらに表示 do not wait.
pub(crate) fn result_cards(
    hits: Signal<Vec<usize>>,
    limit: Signal<usize>,
    groups: RwSignal<Vec<Group>>,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    let version = changes(hits);
    // The version of the hits the rest is drawn for.
    let rest_for = RwSignal::new(None::<u64>);
    let draw = move |from: usize, to: usize| {
        let lang = lang.get();
        groups.with(|groups| {
            hits.with(|hits| {
                hits.iter()
                    .take(to)
                    .skip(from)
                    .filter_map(|&i| groups.get(i))
                    .map(|g| card(g, lang))
                    .collect_view()
            })
        })
    };
    // One list, drawn by one closure: the first cards, then (once the rest
    // is due for these hits) all of them, the first ones kept as they are.
    // (Two sibling closures, one per part, left stale cards behind when
    // the hits changed between the two frames.)
    let cards = move || {
        let v = version.get();
        let limit = limit.get();
        if rest_for.get() == Some(v) || limit <= FIRST_DRAWN {
            return draw(0, limit);
        }
        request_animation_frame(move || {
            request_animation_frame(move || {
                if version.get_untracked() == v && rest_for.get_untracked() != Some(v) {
                    rest_for.set(Some(v));
                }
            })
        });
        draw(0, FIRST_DRAWN)
    };
    view! { <ul class="group-list">{cards}</ul> }
}

/// Nothing found for a typed query: what was searched, and what to try.
fn no_match(query: &str, kind: Option<GroupKind>, lang: Lang) -> impl IntoView + use<> {
    let state = use_app();
    let t = lang.texts();
    view! {
        <div class="empty" data-testid="no-match">
            <p>{i18n::no_match(lang, query, kind)}</p>
            {kind.map(|_| view! {
                <p>
                    <button
                        type="button"
                        class="button secondary"
                        data-testid="clear-kind"
                        on:click=move |_| state.kind.set(None)
                    >
                        {i18n::search_all_kinds(lang)}
                    </button>
                </p>
            })}
            <p class="hint">{t.search_tips}</p>
        </div>
    }
}

pub(crate) fn card(group: &Group, lang: Lang) -> impl IntoView + use<> {
    let summary = group
        .description
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    view! {
        <li>
            <a class="group-card" data-testid="group-link" href=format!("/groups/{}", group.id)>
                <span class="group-name" lang=i18n::data_lang(lang)>
                    {group.name.clone()}
                </span>
                {group
                    .reading
                    .clone()
                    .map(|r| view! { <small class="reading" lang=i18n::data_lang(lang)>{r}</small> })}
                <span class="badge">{i18n::kind_label(lang, group.kind)}</span>
                <span class="summary" lang=i18n::data_lang(lang)>{summary}</span>
            </a>
        </li>
    }
}
