//! What a new version of the draft's round changed for it (issue 12: a
//! draft never stranded by a new version). The draft records the round and
//! version it was started in; when the stored rounds feed has a newer
//! version, the editor says what changed for this draft
//! ([`tsunagari_core::round::changes_for`]: a lower cap, a shorter limit, a
//! 部門 dropped, a field now required, the deadline) and the form checks it
//! against the new version. 確認しました records the new version in the
//! draft (an ordinary edit, synced), so the notice is shown until then.

use super::Form;
use crate::drafts::use_drafts;
use crate::i18n::{Lang, LangExt as _};
use leptos::prelude::*;
use tsunagari_core::round::{RoundRef, changes_for, round_of};

/// The newest version of the draft's round and what it changed for it,
/// when the draft records an older version.
fn pending(form: Form) -> Option<(RoundRef, Vec<(String, String)>)> {
    let d = use_drafts();
    form.proposal.with(|p| {
        let recorded = p.round.as_ref()?;
        d.rounds.with(|rounds| {
            let new = round_of(p, rounds)?;
            if new.version <= recorded.version {
                return None;
            }
            let old = rounds
                .iter()
                .find(|r| r.id == recorded.id && r.version == recorded.version)?;
            let changes = changes_for(old, new, p)
                .into_iter()
                .map(|c| (c.message_ja, c.message_en))
                .collect();
            Some((new.reference(), changes))
        })
    })
}

#[component]
pub fn RoundChanges(form: Form) -> impl IntoView {
    let lang = form.lang;
    let t = move || lang.get().drafts();
    let notice = Memo::new(move |_| pending(form));
    // Nothing that concerns this draft: the new version is recorded quietly.
    Effect::new(move |_| {
        if let Some((newer, changes)) = notice.get()
            && changes.is_empty()
        {
            form.edit(move |p| p.round = Some(newer));
        }
    });
    move || {
        let (newer, changes) = notice.get().filter(|(_, c)| !c.is_empty())?;
        let items = changes
            .into_iter()
            .map(|(ja, en)| {
                let text = if lang.get() == Lang::Ja { ja } else { en };
                view! { <li>{text}</li> }
            })
            .collect_view();
        Some(view! {
            <section class="notice warn" data-testid="round-changes" aria-labelledby="round-changes-title">
                <h2 id="round-changes-title" class="notice-title">{move || t().round_changed_title}</h2>
                <ul>{items}</ul>
                <p>{move || t().round_changed_help}</p>
                <button type="button" class="button secondary small" data-testid="round-changes-ok"
                    on:click=move |_| {
                        let newer = newer.clone();
                        form.edit(move |p| p.round = Some(newer));
                    }>
                    {move || t().round_changed_ok}
                </button>
            </section>
        })
    }
}
