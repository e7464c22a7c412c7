//! `/groups`: the directory, searched as you type and filtered by kind.

use crate::i18n::{self, Lang};
use crate::state::{set_title, use_app};
use leptos::prelude::*;
use std::sync::Arc;
use tsunagari_core::search::SearchIndex;
use tsunagari_core::{Group, GroupKind};

/// More results than this are counted but not drawn: typing narrows them.
const MAX_SHOWN: usize = 200;

#[component]
pub fn GroupsPage() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || lang.get().texts();
    Effect::new(move |_| set_title(t().groups_title, lang.get()));

    // Built once per data change, never per keystroke. The index has no
    // equality, so every rebuild counts as a change.
    let index = Memo::new_with_compare(
        move |_| {
            state
                .groups
                .with(|groups| Arc::new(SearchIndex::new(groups)))
        },
        |_, _| true,
    );
    let results = Memo::new(move |_| {
        let hits = index.with(|index| state.query.with(|q| index.search(q)));
        let kind = state.kind.get();
        state.groups.with(|groups| {
            hits.into_iter()
                .filter(|&i| match kind {
                    None => true,
                    Some(kind) => groups.get(i).is_some_and(|g| g.kind == kind),
                })
                .collect::<Vec<usize>>()
        })
    });

    view! {
        <div class="container page">
            <h1>{move || t().groups_title}</h1>
            <div class="filters" role="search">
                <SearchBox/>
                <KindFilter/>
            </div>
            <p class="count" aria-live="polite">
                {move || i18n::count(lang.get(), results.with(Vec::len))}
            </p>
            <ResultList results=results/>
        </div>
    }
}

#[component]
fn SearchBox() -> impl IntoView {
    let state = use_app();
    let t = move || state.lang.get().texts();
    view! {
        <div class="field">
            <label for="group-search">{move || t().search_label}</label>
            <input
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
    move || {
        let t = lang.get().texts();
        if results.with(Vec::is_empty) {
            let empty = state.groups.with(Vec::is_empty);
            let message = if !empty {
                t.no_results
            } else if state.ready.get() {
                t.no_groups_yet
            } else {
                t.loading
            };
            return view! { <p class="empty">{message}</p> }.into_any();
        }
        let lang = lang.get();
        let cards = state.groups.with(|groups| {
            results.with(|hits| {
                hits.iter()
                    .take(MAX_SHOWN)
                    .filter_map(|&i| groups.get(i))
                    .map(|g| card(g, lang))
                    .collect_view()
            })
        });
        view! { <ul class="group-list">{cards}</ul> }.into_any()
    }
}

fn card(group: &Group, lang: Lang) -> impl IntoView + use<> {
    let summary = group
        .description
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    view! {
        <li>
            <a class="group-card" data-testid="group-link" href=format!("/groups/{}", group.id)>
                <span class="group-name">{group.name.clone()}</span>
                {group.reading.clone().map(|r| view! { <small class="reading">{r}</small> })}
                <span class="badge">{i18n::kind_label(lang, group.kind)}</span>
                <span class="summary">{summary}</span>
            </a>
        </li>
    }
}
