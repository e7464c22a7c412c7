//! The friendly dead end: an unknown address, or a group that is not in
//! the directory.

use crate::state::{set_title, use_app};
use leptos::prelude::*;

/// `group`: the address named a group that does not exist (else: an
/// unknown page).
#[component]
pub fn NotFound(#[prop(optional)] group: bool) -> impl IntoView {
    let lang = use_app().lang;
    let t = move || lang.get().texts();
    Effect::new(move |_| set_title(t().not_found_title, lang.get()));
    view! {
        <div class="container page">
            <h1>{move || t().not_found_title}</h1>
            <p>{move || if group { t().group_not_found } else { t().page_not_found }}</p>
            <p>
                <a class="button" href="/groups">
                    {move || t().back_to_list}
                </a>
            </p>
        </div>
    }
}
