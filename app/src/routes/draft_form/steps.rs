//! The form in five steps, one screen each: 基本情報 → 内容 → 日程 → 予算 →
//! 確認. The step is in the address (`?step=3`), so a reload or the back
//! button keeps the place; the heading takes the focus when the step
//! changes. 確認 lists what is left to fix, each entry a button that opens
//! the step and focuses the field.

use super::Form;
use crate::drafts::use_drafts;
use crate::i18n::Lang;
use crate::i18n::LangExt as _;
use leptos::prelude::*;
use tsunagari_core::proposal::{BudgetKind, Field, Proposal};
use wasm_bindgen::JsCast;

/// One screen of the form.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Step {
    /// 基本情報
    Basics,
    /// 内容 (事業の内容)
    Plan,
    /// 日程 (実施スケジュール)
    Schedule,
    /// 予算 (収支予算)
    Budget,
    /// 確認
    Review,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Basics,
        Step::Plan,
        Step::Schedule,
        Step::Budget,
        Step::Review,
    ];

    /// 1 to 5, as the address and the progress show it.
    pub fn number(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    pub fn from_query(value: Option<&str>) -> Step {
        value
            .and_then(|v| v.trim().parse::<usize>().ok())
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| Step::ALL.get(i).copied())
            .unwrap_or(Step::Basics)
    }

    /// The step whose screen holds `field`.
    pub fn of(field: &Field) -> Step {
        match field {
            Field::FiscalYear
            | Field::Division
            | Field::GroupId
            | Field::Title
            | Field::Summary
            | Field::Department
            | Field::Place
            | Field::ContactPerson
            | Field::Representative
            | Field::Address
            | Field::Phone
            | Field::Email => Step::Basics,
            Field::Purpose
            | Field::LocalIssue
            | Field::Activities
            | Field::Outcomes
            | Field::RoleDivision => Step::Plan,
            Field::Schedule | Field::MilestoneDate(_) | Field::MilestoneWhat(_) => Step::Schedule,
            Field::Budget
            | Field::BudgetKind(_)
            | Field::BudgetItem(_)
            | Field::BudgetAmount(_) => Step::Budget,
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        lang.drafts().step_names[self.number() - 1]
    }

    pub fn prev(self) -> Option<Step> {
        Step::ALL.get(self.number().checked_sub(2)?).copied()
    }

    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self.number()).copied()
    }
}

/// The element that shows `field`: its input, or for a whole list its add
/// button; `None` for what has no field (the step heading takes the focus).
pub fn element_id(field: &Field) -> Option<String> {
    Some(match field {
        Field::FiscalYear => "f-year".into(),
        Field::Division => "f-division".into(),
        Field::GroupId => return None,
        Field::Title => "f-title".into(),
        Field::Summary => "f-summary".into(),
        Field::Department => "f-department".into(),
        Field::Place => "f-place".into(),
        Field::ContactPerson => "f-contact".into(),
        Field::Representative => "f-representative".into(),
        Field::Address => "f-address".into(),
        Field::Phone => "f-phone".into(),
        Field::Email => "f-email".into(),
        Field::Purpose => "f-purpose".into(),
        Field::LocalIssue => "f-issue".into(),
        Field::Activities => "f-activities".into(),
        Field::Outcomes => "f-outcomes".into(),
        Field::RoleDivision => "f-roles".into(),
        Field::Schedule => "f-schedule-add".into(),
        Field::MilestoneDate(id) => format!("m-date-{id}"),
        Field::MilestoneWhat(id) => format!("m-what-{id}"),
        Field::Budget => "f-budget-add".into(),
        Field::BudgetKind(id) => format!("b-kind-{id}"),
        Field::BudgetItem(id) => format!("b-item-{id}"),
        Field::BudgetAmount(id) => format!("b-amount-{id}"),
    })
}

/// `予定 2行目` / `Milestone 2`: a schedule row by its place.
pub fn milestone_name(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ja => format!("{} {n}行目", lang.drafts().milestone_row),
        Lang::En => format!("{} {n}", lang.drafts().milestone_row),
    }
}

/// `収入 2行目` / `Income line 2`: a budget row by its place among the
/// lines of its kind.
pub fn budget_line_name(lang: Lang, kind: BudgetKind, n: usize) -> String {
    match lang {
        Lang::Ja => format!("{} {n}行目", kind.label_ja()),
        Lang::En => {
            let label = kind.label_en();
            let mut chars = label.chars();
            let label: String = match chars.next() {
                Some(c) => c.to_uppercase().chain(chars).collect(),
                None => String::new(),
            };
            format!("{label} line {n}")
        }
    }
}

/// The name of the row a field belongs to, if it is in a list.
fn row_name(lang: Lang, p: &Proposal, field: &Field) -> Option<String> {
    match field {
        Field::MilestoneDate(id) | Field::MilestoneWhat(id) => {
            let n = p.schedule.iter().position(|m| &m.id == id)? + 1;
            Some(milestone_name(lang, n))
        }
        Field::BudgetKind(id) | Field::BudgetItem(id) | Field::BudgetAmount(id) => {
            let line = p.budget.iter().find(|l| &l.id == id)?;
            let n = p
                .budget
                .iter()
                .filter(|l| l.kind == line.kind)
                .position(|l| &l.id == id)?
                + 1;
            Some(budget_line_name(lang, line.kind, n))
        }
        _ => None,
    }
}

/// Focuses the element `id` as soon as it is drawn (a step's screen is
/// drawn just after the address changes), a field in the middle of the
/// screen, not under the phone's keyboard or at its very edge.
pub fn focus_soon(id: String) {
    fn attempt(id: String, left: u32) {
        let found = document()
            .get_element_by_id(&id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        match found {
            Some(e) => {
                let _ = e.focus();
                if id != "step-heading" {
                    center(&e);
                    // Again once the router has done its own scrolling.
                    set_timeout(
                        move || {
                            if document()
                                .active_element()
                                .is_some_and(|a| &a == e.unchecked_ref::<web_sys::Element>())
                            {
                                center(&e);
                            }
                        },
                        std::time::Duration::from_millis(150),
                    );
                }
            }
            None if left > 0 => {
                set_timeout(
                    move || attempt(id, left - 1),
                    std::time::Duration::from_millis(40),
                );
            }
            None => {}
        }
    }
    set_timeout(move || attempt(id, 25), std::time::Duration::from_millis(0));
}

/// `element.scrollIntoView({ block: "center" })`.
fn center(e: &web_sys::HtmlElement) {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"block".into(), &"center".into());
    if let Ok(f) = js_sys::Reflect::get(e, &"scrollIntoView".into())
        && let Ok(f) = f.dyn_into::<js_sys::Function>()
    {
        let _ = f.call1(e, &options);
    }
}

/// 1 基本情報 › 2 内容 › …: where the person is, every step a link.
#[component]
pub fn Progress(form: Form) -> impl IntoView {
    let lang = form.lang;
    let path = form.path();
    let items = Step::ALL
        .iter()
        .map(|&s| {
            let href = format!("{path}?step={}", s.number());
            let current = move || (form.step.get() == s).then_some("step");
            let class = move || {
                let mut class = String::from("step-link");
                if form.step.get() == s {
                    class.push_str(" current");
                }
                if s != Step::Review && form.show_all.get() && form.step_has_errors(s) {
                    class.push_str(" has-errors");
                }
                class
            };
            view! {
                <li>
                    <a class=class href=href aria-current=current data-testid="step-link"
                        data-step=s.number().to_string()>
                        <span class="step-num" aria-hidden="true">{s.number()}</span>
                        <span class="step-name">{move || s.name(lang.get())}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="steps" aria-label=move || lang.get().drafts().steps_label>
            <ol>{items}</ol>
        </nav>
    }
}

/// `ステップ 2 / 5` and the step's name, the focus target on a step change.
#[component]
pub fn StepHeading(form: Form) -> impl IntoView {
    let lang = form.lang;
    view! {
        <p class="step-count">
            {move || format!("{} {} / {}", lang.get().drafts().step_word, form.step.get().number(), Step::ALL.len())}
        </p>
        <h2 id="step-heading" class="step-heading" tabindex="-1">
            {move || form.step.get().name(lang.get())}
        </h2>
    }
}

/// 戻る / 次へ, large, under every step; 市に提出する on 確認; 確認へ戻る
/// once the person has come from the list of what to fix.
#[component]
pub fn StepNav(form: Form) -> impl IntoView {
    let lang = form.lang;
    let t = move || lang.get().drafts();
    let prev = move || form.step.get().prev();
    let next = move || form.step.get().next();
    view! {
        <div class="step-nav">
            {move || prev().map(|s| view! {
                <button type="button" class="button secondary step-button" data-testid="step-back"
                    on:click=move |_| form.go(s, None)>
                    <span aria-hidden="true">"←"</span><span>{move || t().back}</span>
                </button>
            })}
            {move || match next() {
                Some(s) => view! {
                    <button type="button" class="button step-button" data-testid="step-next"
                        on:click=move |_| form.go(s, None)>
                        <span>{move || t().next}</span><span aria-hidden="true">"→"</span>
                    </button>
                }.into_any(),
                None => view! { <SubmitButton form=form/> }.into_any(),
            }}
        </div>
        <Show when=move || form.show_all.get() && form.step.get() != Step::Review>
            <p class="to-review">
                <button type="button" class="link-button" data-testid="to-review"
                    on:click=move |_| form.go(Step::Review, None)>
                    {move || t().to_review}
                </button>
            </p>
        </Show>
    }
}

#[component]
fn SubmitButton(form: Form) -> impl IntoView {
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
        <button
            type="button"
            class="button step-button"
            data-testid="submit"
            disabled=move || form.errors.with(|e| !e.is_empty())
            on:click=submit
        >
            {move || t().submit}
        </button>
    }
}

/// 確認: what is left to fix, step by step; each entry opens its step and
/// focuses its field, whose message then shows.
#[component]
pub fn Review(form: Form) -> impl IntoView {
    let lang = form.lang;
    let t = move || lang.get().drafts();
    let entries = move || {
        let lang = lang.get();
        let mut list: Vec<(Step, Field, String, String)> = form.proposal.with(|p| {
            form.errors.with(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        let message = match lang {
                            Lang::Ja => e.message_ja.clone(),
                            Lang::En => e.message_en.clone(),
                        };
                        // Where: the step, and the row in a list (the
                        // message names the field).
                        let step = Step::of(&e.field);
                        let place = match row_name(lang, p, &e.field) {
                            Some(row) => format!("{} · {row}", step.name(lang)),
                            None => step.name(lang).to_string(),
                        };
                        (step, e.field.clone(), place, message)
                    })
                    .collect()
            })
        });
        list.sort_by_key(|(s, ..)| s.number());
        list
    };
    let count = move || form.errors.with(Vec::len);
    let has_errors = move || form.errors.with(|e| !e.is_empty());
    view! {
        <Show
            when=has_errors
            fallback=move || view! { <p class="notice" data-testid="review-ok">{move || t().review_ok}</p> }
        >
            <div class="error-summary" data-testid="error-summary" role="region" aria-labelledby="error-summary-title">
                <h3 id="error-summary-title">
                    {move || t().review_problems} {move || match lang.get() {
                        Lang::Ja => format!("（{}件）", count()),
                        Lang::En => format!(" ({})", count()),
                    }}
                </h3>
                <p>{move || t().review_problems_help}</p>
                <ul>
                    {move || entries().into_iter().map(|(step, field, place, text)| {
                        let target = element_id(&field);
                        view! {
                            <li>
                                <button type="button" class="summary-link" data-testid="summary-link"
                                    on:click=move |_| {
                                        form.show_all.set(true);
                                        form.go(step, target.clone());
                                    }>
                                    <span class="summary-step">{place}</span>
                                    <span class="summary-text">{text}</span>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        </Show>
    }
}
