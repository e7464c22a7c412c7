//! The proposal editor, in five steps ([`steps`]): every field of the form
//! with its label and inline messages, saved to this device ~300 ms after
//! typing stops, at least every ~450 ms while it goes on, when the step
//! changes, and when the page is hidden or left; then queued for the server.

mod fields;
mod lists;
mod round_changes;
mod steps;

pub use fields::format_yen;
pub use steps::Step;

use crate::drafts::{Drafts, use_drafts};
use crate::i18n::Lang;
use crate::state::use_app;
use leptos::leptos_dom::helpers::TimeoutHandle;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::collections::BTreeSet;
use std::rc::Rc;
use std::time::Duration;
use tsunagari_core::proposal::{BudgetLine, Field, FieldError, Milestone, Proposal, validate};
use tsunagari_core::round::round_of;
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
    /// The step shown, from the address (`?step=N`).
    pub step: Memo<Step>,
    /// Opens an address in the app (the router's navigate).
    navigate: StoredValue<Navigate, LocalStorage>,
    /// The element to focus once the next step is drawn (else its heading).
    pending_focus: StoredValue<Option<String>>,
    /// The row deleted last, until 元に戻す, the next change or a timeout.
    pub removed: RwSignal<Option<Removed>>,
}

/// The router's navigate, kept in the (copyable) form.
type Navigate = Rc<dyn Fn(&str)>;

/// A deleted row, kept so 元に戻す can put it back where it was.
#[derive(Clone, PartialEq)]
pub struct Removed {
    pub row: RemovedRow,
    pub index: usize,
    /// `収入 2行目` / `Income line 2`, as it was named when deleted.
    pub name: String,
    /// Tells one deletion from the next (for the timeout).
    pub serial: u32,
}

#[derive(Clone, PartialEq)]
pub enum RemovedRow {
    Milestone(Milestone),
    BudgetLine(BudgetLine),
}

/// How long 元に戻す stays offered after a row is deleted.
const UNDO_FOR: Duration = Duration::from_secs(10);

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
        if self.removed.with_untracked(Option::is_some) {
            self.removed.set(None);
        }
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

    /// `/drafts/<id>`, the editor's address without the step.
    pub fn path(self) -> String {
        format!("/drafts/{}", self.id.get_value())
    }

    /// Opens `step` (stored first), focusing `focus` there, else the
    /// step's heading.
    pub fn go(self, step: Step, focus: Option<String>) {
        self.flush();
        if self.removed.with_untracked(Option::is_some) {
            self.removed.set(None);
        }
        if self.step.get_untracked() == step {
            steps::focus_soon(focus.unwrap_or_else(|| "step-heading".into()));
            return;
        }
        self.pending_focus.set_value(focus);
        let href = format!("{}?step={}", self.path(), step.number());
        (self.navigate.get_value())(&href);
    }

    /// Whether a field of `step` has a problem.
    pub fn step_has_errors(self, step: Step) -> bool {
        self.errors
            .with(|errors| errors.iter().any(|e| Step::of(&e.field) == step))
    }

    /// Removes a row (kept for 元に戻す): `f` takes it out of the proposal
    /// and says what it was and where.
    pub fn remove_row(
        self,
        field: Field,
        name: String,
        f: impl FnOnce(&mut Proposal) -> Option<(RemovedRow, usize)> + 'static,
    ) {
        let mut taken = None;
        self.change(field, |p| taken = f(p));
        let Some((row, index)) = taken else { return };
        let serial = self
            .removed
            .with_untracked(|r| r.as_ref().map_or(0, |r| r.serial))
            .wrapping_add(1);
        self.removed.set(Some(Removed {
            row,
            index,
            name,
            serial,
        }));
        let removed = self.removed;
        set_timeout(
            move || {
                if removed.with_untracked(|r| r.as_ref().is_some_and(|r| r.serial == serial)) {
                    removed.set(None);
                }
            },
            UNDO_FOR,
        );
    }

    /// 元に戻す: the row deleted last goes back where it was; the focus
    /// goes to its first field.
    pub fn undo_remove(self) {
        let Some(r) = self.removed.get_untracked() else {
            return;
        };
        let focus = match &r.row {
            RemovedRow::Milestone(m) => format!("m-date-{}", m.id),
            RemovedRow::BudgetLine(l) => format!("b-kind-{}", l.id),
        };
        let field = match &r.row {
            RemovedRow::Milestone(_) => Field::Schedule,
            RemovedRow::BudgetLine(_) => Field::Budget,
        };
        self.change(field, move |p| match r.row {
            RemovedRow::Milestone(m) => {
                let at = r.index.min(p.schedule.len());
                p.schedule.insert(at, m);
            }
            RemovedRow::BudgetLine(l) => {
                let at = r.index.min(p.budget.len());
                p.budget.insert(at, l);
            }
        });
        steps::focus_soon(focus);
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
    let query = use_query_map();
    let navigate = use_navigate();
    let navigate: Rc<dyn Fn(&str)> =
        Rc::new(move |href: &str| navigate(href, NavigateOptions::default()));
    let form = Form {
        lang: state.lang,
        proposal,
        // Against the newest version of the draft's own round (a new
        // version applies from the moment it is pulled), else the current one.
        errors: Memo::new(move |_| {
            proposal.with(|p| {
                d.rounds.with(|rounds| match round_of(p, rounds) {
                    Some(round) => validate(p, Some(round)),
                    None => validate(p, crate::drafts::round::current()),
                })
            })
        }),
        touched: RwSignal::new(BTreeSet::new()),
        show_all: RwSignal::new(false),
        id: StoredValue::new(id.clone()),
        drafts: d,
        timer: StoredValue::new(None),
        unsaved_since: StoredValue::new(None),
        step: Memo::new(move |_| query.with(|q| Step::from_query(q.get("step").as_deref()))),
        navigate: StoredValue::new_local(navigate),
        pending_focus: StoredValue::new(None),
        removed: RwSignal::new(None),
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
    // A new step: the focus goes to its heading (or the field asked for),
    // so a screen reader starts at the top of the new screen.
    Effect::new(move |prev: Option<Step>| {
        let step = form.step.get();
        if prev.is_some_and(|p| p != step) {
            let target = form.pending_focus.try_update_value(Option::take).flatten();
            steps::focus_soon(target.unwrap_or_else(|| "step-heading".into()));
        }
        step
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

    view! {
        <round_changes::RoundChanges form=form/>
        <steps::Progress form=form/>
        <steps::StepHeading form=form/>
        {move || {
            version.get();
            let step = match form.step.get() {
                Step::Basics => view! { <fields::Basics form=form/> }.into_any(),
                Step::Plan => view! { <fields::Plan form=form/> }.into_any(),
                Step::Schedule => view! { <lists::Schedule form=form/> }.into_any(),
                Step::Budget => view! { <lists::Budget form=form/> }.into_any(),
                Step::Review => view! { <steps::Review form=form/> }.into_any(),
            };
            view! {
                <form class="proposal-form" on:submit=|ev| ev.prevent_default() novalidate>
                    {step}
                </form>
            }
        }}
        <steps::StepNav form=form/>
    }
}
