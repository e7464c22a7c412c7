//! The editor's lists: step 3 日程 (実施スケジュール, dated milestones) and
//! step 4 予算 (収支予算, budget lines) with their totals and the division's
//! cap. Every item has a client-made id, so two devices' lists merge item
//! by item. Each 削除 is named for its row (「収入 2行目を削除」) and is
//! followed by 元に戻す for a few seconds.

use super::fields::format_yen;
use super::steps::{budget_line_name, focus_soon, milestone_name};
use super::{Form, RemovedRow};
use crate::drafts::random_id;
use crate::drafts::round::current as round;
use crate::event_ui::today_jst;
use crate::i18n;
use crate::i18n::LangExt as _;
use leptos::prelude::*;
use tsunagari_core::Date;
use tsunagari_core::amount::Amount;
use tsunagari_core::proposal::{BudgetKind, BudgetLine, Field, Milestone};

#[component]
pub fn Schedule(form: Form) -> impl IntoView {
    let lang = form.lang;
    let t = move || lang.get().drafts();
    let ids = move || {
        form.proposal
            .with(|p| p.schedule.iter().map(|m| m.id.clone()).collect::<Vec<_>>())
    };
    let add = move |_| {
        let m = Milestone {
            id: random_id(),
            date: today_jst(),
            what: String::new(),
        };
        form.change(Field::Schedule, move |p| p.schedule.push(m));
    };
    view! {
        <div class="form-section">
            <ol class="item-list" data-testid="schedule">
                <For each=ids key=|id| id.clone() let:id>
                    <MilestoneRow form=form id=id/>
                </For>
            </ol>
            <UndoBar form=form milestones=true/>
            {form.error_view(Field::Schedule, "f-schedule-error".into())}
            <button type="button" class="button secondary add-button" id="f-schedule-add" on:click=add>
                <span aria-hidden="true">"＋"</span><span>{move || t().add_milestone}</span>
            </button>
        </div>
    }
}

#[component]
fn MilestoneRow(form: Form, id: String) -> impl IntoView {
    let lang = form.lang;
    let (date, what) = form.proposal.with_untracked(|p| {
        p.schedule
            .iter()
            .find(|m| m.id == id)
            .map(|m| (m.date.to_string(), m.what.clone()))
            .unwrap_or_default()
    });
    let (date_id, what_id) = (format!("m-date-{id}"), format!("m-what-{id}"));
    let [i1, i2, i3] = [id.clone(), id.clone(), id.clone()];
    let set_date = move |ev| {
        if let Ok(d) = event_target_value(&ev).parse::<Date>() {
            let id = i1.clone();
            form.change(Field::MilestoneDate(id.clone()), move |p| {
                if let Some(m) = p.schedule.iter_mut().find(|m| m.id == id) {
                    m.date = d;
                }
            });
        }
    };
    let set_what = move |ev| {
        let value = event_target_value(&ev);
        let id = i2.clone();
        form.change(Field::MilestoneWhat(id.clone()), move |p| {
            if let Some(m) = p.schedule.iter_mut().find(|m| m.id == id) {
                m.what = value;
            }
        });
    };
    let place = id.clone();
    let name = Memo::new(move |_| {
        let n = form
            .proposal
            .with(|p| p.schedule.iter().position(|m| m.id == place))
            .unwrap_or(0)
            + 1;
        milestone_name(lang.get(), n)
    });
    let remove = move |_| {
        let id = i3.clone();
        form.remove_row(Field::Schedule, name.get_untracked(), move |p| {
            let at = p.schedule.iter().position(|m| m.id == id)?;
            Some((RemovedRow::Milestone(p.schedule.remove(at)), at))
        });
        focus_soon("undo-remove".into());
    };
    let remove_label = move || name.with(|n| delete_label(lang.get(), n));
    view! {
        <li class="item-row">
            <p class="row-name" aria-hidden="true">{name}</p>
            <div class="field">
                <label for=date_id.clone()>{move || i18n::field_label(lang.get(), &Field::MilestoneDate(String::new()))}</label>
                <input id=date_id type="date" prop:value=date on:change=set_date/>
                {form.error_view(Field::MilestoneDate(id.clone()), format!("m-date-error-{id}"))}
            </div>
            <div class="field grow">
                <label for=what_id.clone()>{move || i18n::field_label(lang.get(), &Field::MilestoneWhat(String::new()))}</label>
                <input id=what_id prop:value=what on:input=set_what/>
                {form.error_view(Field::MilestoneWhat(id.clone()), format!("m-what-error-{id}"))}
            </div>
            <button type="button" class="button secondary small danger remove-row" aria-label=remove_label
                data-testid="remove-row" on:click=remove>
                {move || lang.get().drafts().remove}
            </button>
        </li>
    }
}

/// 「収入 2行目を削除」 / "Delete income line 2".
fn delete_label(lang: i18n::Lang, name: &str) -> String {
    match lang {
        i18n::Lang::Ja => format!("{name}を削除"),
        i18n::Lang::En => format!("Delete {}", lower_first(name)),
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// 「収入 2行目を削除しました [元に戻す]」 after a row of this list is
/// deleted; the live region is always there, so the sentence is read out.
#[component]
fn UndoBar(form: Form, milestones: bool) -> impl IntoView {
    let lang = form.lang;
    let shown = move || {
        form.removed
            .get()
            .filter(|r| matches!(r.row, RemovedRow::Milestone(_)) == milestones)
    };
    view! {
        <div class="undo-region" role="status" aria-live="polite">
            {move || shown().map(|r| {
                let t = lang.get().drafts();
                let sentence = match lang.get() {
                    i18n::Lang::Ja => format!("{}{}", r.name, t.removed),
                    i18n::Lang::En => format!("{}{}", r.name, t.removed),
                };
                view! {
                    <div class="undo-bar" data-testid="undo-bar">
                        <span>{sentence}</span>
                        <button type="button" class="button secondary" id="undo-remove" data-testid="undo"
                            on:click=move |_| form.undo_remove()>
                            {t.undo}
                        </button>
                    </div>
                }
            })}
        </div>
    }
}

#[component]
pub fn Budget(form: Form) -> impl IntoView {
    let lang = form.lang;
    let t = move || lang.get().drafts();
    let ids = move || {
        form.proposal
            .with(|p| p.budget.iter().map(|l| l.id.clone()).collect::<Vec<_>>())
    };
    let add = move |kind: BudgetKind| {
        let line = BudgetLine {
            id: random_id(),
            kind,
            item: String::new(),
            amount: Amount::default(),
        };
        let focus = format!("b-item-{}", line.id);
        form.change(Field::Budget, move |p| p.budget.push(line));
        focus_soon(focus);
    };
    let totals = move || {
        let lang = lang.get();
        let t = lang.drafts();
        form.proposal.with(|p| {
            let totals = p.totals();
            let cap = match round()
                .and_then(|r| r.division(&p.division))
                .and_then(|r| r.budget_cap_yen)
            {
                Some(cap) => format_yen(lang, cap),
                None => t.no_cap.to_string(),
            };
            view! {
                <dl class="totals" data-testid="budget-totals">
                    <dt>{t.income_total}</dt><dd>{format_yen(lang, totals.income_yen)}</dd>
                    <dt>{t.expense_total}</dt><dd>{format_yen(lang, totals.expense_yen)}</dd>
                    <dt>{t.cap}</dt><dd>{cap}</dd>
                </dl>
                {(totals.unread_lines > 0).then(|| view! {
                    <p class="field-error" data-testid="amounts-unread">{t.amounts_unread}</p>
                })}
            }
        })
    };
    view! {
        <div class="form-section">
            <ol class="item-list" data-testid="budget">
                <For each=ids key=|id| id.clone() let:id>
                    <BudgetRow form=form id=id/>
                </For>
            </ol>
            <UndoBar form=form milestones=false/>
            <div class="add-buttons">
                <button type="button" class="button secondary add-button" on:click=move |_| add(BudgetKind::Income)>
                    <span aria-hidden="true">"＋"</span><span>{move || t().add_income}</span>
                </button>
                <button type="button" class="button secondary add-button" id="f-budget-add" on:click=move |_| add(BudgetKind::Expense)>
                    <span aria-hidden="true">"＋"</span><span>{move || t().add_expense}</span>
                </button>
            </div>
            {totals}
            {form.error_view(Field::Budget, "f-budget-error".into())}
        </div>
    }
}

#[component]
fn BudgetRow(form: Form, id: String) -> impl IntoView {
    let lang = form.lang;
    let (kind, item, amount) = form.proposal.with_untracked(|p| {
        p.budget
            .iter()
            .find(|l| l.id == id)
            .map(|l| (l.kind, l.item.clone(), l.amount.text().to_string()))
            .unwrap_or((BudgetKind::Expense, String::new(), String::new()))
    });
    let (kind_id, item_id, amount_id) = (
        format!("b-kind-{id}"),
        format!("b-item-{id}"),
        format!("b-amount-{id}"),
    );
    let (read_id, amount_error_id) = (format!("b-read-{id}"), format!("b-amount-error-{id}"));
    let edit = move |field: Field, id: String, f: Box<dyn FnOnce(&mut BudgetLine)>| {
        form.change(field, move |p| {
            if let Some(l) = p.budget.iter_mut().find(|l| l.id == id) {
                f(l);
            }
        });
    };
    let [i1, i2, i3, i4] = [id.clone(), id.clone(), id.clone(), id.clone()];
    let set_kind = move |ev| {
        let kind = match event_target_value(&ev).as_str() {
            "income" => BudgetKind::Income,
            _ => BudgetKind::Expense,
        };
        edit(
            Field::BudgetKind(i1.clone()),
            i1.clone(),
            Box::new(move |l| l.kind = kind),
        );
    };
    let set_item = move |ev| {
        let value = event_target_value(&ev);
        edit(
            Field::BudgetItem(i2.clone()),
            i2.clone(),
            Box::new(move |l| l.item = value),
        );
    };
    // What was typed is stored as typed; its messages wait until the
    // person leaves the field (an empty new row is not an error yet).
    let set_amount = move |ev| {
        let amount = Amount::typed(event_target_value(&ev));
        let id = i3.clone();
        form.edit(move |p| {
            if let Some(l) = p.budget.iter_mut().find(|l| l.id == id) {
                l.amount = amount;
            }
        });
    };
    let amount_field = Field::BudgetAmount(id.clone());
    let left_amount = move |_| form.touch(amount_field.clone());
    let read_line = id.clone();
    // The amount as understood, beside the field: `300,000円` / `¥300,000`.
    let amount_read = move || {
        form.proposal.with(|p| {
            p.budget
                .iter()
                .find(|l| l.id == read_line)
                .and_then(|l| l.amount.read().ok())
                .map(|yen| format_yen(lang.get(), yen))
        })
    };
    let invalid_field = Field::BudgetAmount(id.clone());
    let amount_invalid = move || (!form.messages(&invalid_field).is_empty()).to_string();
    let place = id.clone();
    let name = Memo::new(move |_| {
        form.proposal
            .with(|p| {
                let line = p.budget.iter().find(|l| l.id == place)?;
                let n = p
                    .budget
                    .iter()
                    .filter(|l| l.kind == line.kind)
                    .position(|l| l.id == place)?
                    + 1;
                Some(budget_line_name(lang.get(), line.kind, n))
            })
            .unwrap_or_default()
    });
    let remove = move |_| {
        let id = i4.clone();
        form.remove_row(Field::Budget, name.get_untracked(), move |p| {
            let at = p.budget.iter().position(|l| l.id == id)?;
            Some((RemovedRow::BudgetLine(p.budget.remove(at)), at))
        });
        focus_soon("undo-remove".into());
    };
    let remove_label = move || name.with(|n| delete_label(lang.get(), n));
    let kind_option = move |k: BudgetKind| {
        view! {
            <option value=k.code() selected=kind == k>
                {move || match lang.get() {
                    i18n::Lang::Ja => k.label_ja(),
                    i18n::Lang::En => k.label_en(),
                }}
            </option>
        }
    };
    view! {
        <li class="item-row">
            <p class="row-name" aria-hidden="true">{name}</p>
            <div class="field">
                <label for=kind_id.clone()>{move || i18n::field_label(lang.get(), &Field::BudgetKind(String::new()))}</label>
                <select id=kind_id on:change=set_kind>
                    {kind_option(BudgetKind::Income)}
                    {kind_option(BudgetKind::Expense)}
                </select>
            </div>
            <div class="field grow">
                <label for=item_id.clone()>{move || i18n::field_label(lang.get(), &Field::BudgetItem(String::new()))}</label>
                <input id=item_id prop:value=item on:input=set_item/>
                {form.error_view(Field::BudgetItem(id.clone()), format!("b-item-error-{id}"))}
            </div>
            <div class="field">
                <label for=amount_id.clone()>{move || i18n::field_label(lang.get(), &Field::BudgetAmount(String::new()))}</label>
                <input id=amount_id aria-describedby=format!("{read_id} {amount_error_id}")
                    aria-invalid=amount_invalid prop:value=amount on:input=set_amount on:blur=left_amount/>
                <output class="amount-read" id=read_id data-testid="amount-read">
                    {move || amount_read().map(|shown| view! {
                        <span class="visually-hidden">{lang.get().drafts().amount_read} " "</span>{shown}
                    })}
                </output>
                {form.error_view(Field::BudgetAmount(id.clone()), amount_error_id)}
            </div>
            <button type="button" class="button secondary small danger remove-row" aria-label=remove_label
                data-testid="remove-row" on:click=remove>
                {move || lang.get().drafts().remove}
            </button>
        </li>
    }
}
