//! The proposal editor: every field of the form with its label and inline
//! messages, saved to this device ~300 ms after typing stops, at least every
//! ~450 ms while it goes on, and when the page is hidden or left; then
//! queued for the server.

mod fields;
mod lists;

pub use fields::format_yen;

use crate::drafts::{Drafts, use_drafts};
use crate::i18n::Lang;
use crate::state::use_app;
use leptos::leptos_dom::helpers::TimeoutHandle;
use leptos::prelude::*;
use std::collections::BTreeSet;
use std::time::Duration;
use tsunagari_core::proposal::{Field, FieldError, Proposal, validate};
use tsunagari_core::sync::DraftId;

/// How long typing must pause before the draft is written to IndexedDB.
const SAVE_AFTER: Duration = Duration::from_millis(300);
/// While typing goes on without such a pause, it is written at least this
/// often: a crash never loses more than about half a second of typing.
const SAVE_AT_LEAST_EVERY_MS: f64 = 450.0;

/// What every field of the editor needs.
#[derive(Clone, Copy)]
pub struct Form {
    pub lang: RwSignal<Lang>,
    /// The proposal as the form shows it.
    pub proposal: RwSignal<Proposal>,
    pub errors: Memo<Vec<FieldError>>,
    /// Fields the user changed: their messages show at once; the others
    /// after 直す項目を表示.
    touched: RwSignal<BTreeSet<Field>>,
    pub show_all: RwSignal<bool>,
    id: StoredValue<DraftId>,
    drafts: Drafts,
    timer: StoredValue<Option<TimeoutHandle>>,
    /// When the oldest unsaved change was made (epoch ms).
    unsaved_since: StoredValue<Option<f64>>,
}

impl Form {
    /// The user changed `field`: update the form and memory now, store
    /// soon, and show the field's messages from now on.
    pub fn change(self, field: Field, f: impl FnOnce(&mut Proposal)) {
        self.touch(field);
        self.edit(f);
    }

    /// Show `field`'s messages from now on (the person left the field).
    pub fn touch(self, field: Field) {
        if self.touched.with_untracked(|t| !t.contains(&field)) {
            self.touched.update(|t| {
                t.insert(field);
            });
        }
    }

    /// Update the form and memory now, store soon; the field's messages
    /// wait until it is left ([`Form::touch`]) or the form is checked.
    pub fn edit(self, f: impl FnOnce(&mut Proposal)) {
        self.proposal.update(f);
        let id = self.id.get_value();
        self.drafts.edit(&id, self.proposal.get_untracked());
        if let Some(h) = self.timer.get_value() {
            h.clear();
        }
        let now = js_sys::Date::now();
        let since = self.unsaved_since.get_value().unwrap_or(now);
        self.unsaved_since.set_value(Some(since));
        let handle = set_timeout_with_handle(move || self.flush(), SAVE_AFTER).ok();
        self.timer.set_value(handle);
        if now - since >= SAVE_AT_LEAST_EVERY_MS {
            self.flush();
        }
    }

    /// Writes a pending change now.
    pub fn flush(self) {
        if let Some(h) = self.timer.get_value() {
            h.clear();
            self.timer.set_value(None);
            self.unsaved_since.set_value(None);
            self.drafts.save_now(&self.id.get_value());
        }
    }

    /// The messages of `field`, in the current language, when they show.
    pub fn messages(self, field: &Field) -> Vec<String> {
        let shown = self.show_all.get() || self.touched.with(|t| t.contains(field));
        if !shown {
            return Vec::new();
        }
        let lang = self.lang.get();
        self.errors.with(|errors| {
            errors
                .iter()
                .filter(|e| &e.field == field)
                .map(|e| match lang {
                    Lang::Ja => e.message_ja.clone(),
                    Lang::En => e.message_en.clone(),
                })
                .collect()
        })
    }

    /// `<p class="field-error">` lines for `field`, with `id` for
    /// `aria-describedby`.
    pub fn error_view(self, field: Field, id: String) -> impl IntoView {
        move || {
            let messages = self.messages(&field);
            (!messages.is_empty()).then(|| {
                view! {
                    <div class="field-error" id=id.clone() data-testid="field-error">
                        {messages.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
                    </div>
                }
            })
        }
    }
}

#[component]
pub fn Editor(id: DraftId, initial: Proposal) -> impl IntoView {
    let state = use_app();
    let d = use_drafts();
    let proposal = RwSignal::new(initial);
    let form = Form {
        lang: state.lang,
        proposal,
        errors: Memo::new(move |_| proposal.with(|p| validate(p, crate::drafts::round::current()))),
        touched: RwSignal::new(BTreeSet::new()),
        show_all: RwSignal::new(false),
        id: StoredValue::new(id.clone()),
        drafts: d,
        timer: StoredValue::new(None),
        unsaved_since: StoredValue::new(None),
    };
    // A pull or a merge changed the draft under the form: show the new
    // content (the form is drawn again, with the new values).
    let version = RwSignal::new(0u32);
    let stored = Memo::new(move |_| {
        d.locals.with(|m| {
            m.get(&form.id.get_value())
                .map(|l| l.draft.proposal.clone())
        })
    });
    Effect::new(move |_| {
        if let Some(p) = stored.get()
            && proposal.with_untracked(|shown| *shown != p)
        {
            proposal.set(p);
            version.update(|v| *v += 1);
        }
    });
    // Save when the page is hidden, closed or left.
    let on_hide = window_event_listener_untyped("visibilitychange", move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Hidden {
            form.flush();
        }
    });
    let on_pagehide = window_event_listener(leptos::ev::pagehide, move |_| form.flush());
    on_cleanup(move || {
        on_hide.remove();
        on_pagehide.remove();
        form.flush();
    });
    d.save.set(crate::drafts::SaveState::Idle);

    let t = move || state.lang.get().drafts();
    let problems = move || form.errors.with(Vec::len);
    let has_problems = move || form.errors.with(|e| !e.is_empty());
    view! {
        {move || {
            version.get();
            view! {
                <form class="proposal-form" on:submit=|ev| ev.prevent_default() novalidate>
                    <fields::Basics form=form/>
                    <fields::Plan form=form/>
                    <lists::Schedule form=form/>
                    <lists::Budget form=form/>
                </form>
            }
        }}
        <Show when=has_problems>
            <p class="fix-note" data-testid="fix-note">
                {move || problems()} " " {move || t().fix_to_submit} " "
                <button type="button" class="link-button" on:click=move |_| form.show_all.set(true)>
                    {move || t().show_problems}
                </button>
            </p>
        </Show>
        <SubmitBar form=form/>
    }
}

#[component]
fn SubmitBar(form: Form) -> impl IntoView {
    let d = use_drafts();
    let lang = form.lang;
    let t = move || lang.get().drafts();
    let submit = move |_| {
        form.flush();
        let ok = window()
            .confirm_with_message(t().submit_confirm)
            .unwrap_or(false);
        if ok {
            d.submit(&form.id.get_value());
        }
    };
    view! {
        <div class="submit-bar">
            <button
                type="button"
                class="button"
                data-testid="submit"
                disabled=move || form.errors.with(|e| !e.is_empty())
                on:click=submit
            >
                {move || t().submit}
            </button>
        </div>
    }
}
