//! The editor's lists: 実施スケジュール (dated milestones) and 収支予算
//! (budget lines) with their totals and the division's cap. Every item has
//! a client-made id, so two devices' lists merge item by item.

use super::Form;
use super::fields::format_yen;
use crate::drafts::random_id;
use crate::drafts::round::current as round;
use crate::event_ui::today_jst;
use crate::i18n;
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
        <fieldset class="form-section">
            <legend>{move || t().section_schedule}</legend>
            <ol class="item-list" data-testid="schedule">
                <For each=ids key=|id| id.clone() let:id>
                    <MilestoneRow form=form id=id/>
                </For>
            </ol>
            {form.error_view(Field::Schedule, "f-schedule-error".into())}
            <button type="button" class="button secondary" on:click=add>
                {move || t().add_milestone}
            </button>
        </fieldset>
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
    let remove = move |_| {
        let id = i3.clone();
        form.change(Field::Schedule, move |p| p.schedule.retain(|m| m.id != id));
    };
    view! {
        <li class="item-row">
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
            <button type="button" class="button secondary small" on:click=remove>
                {move || lang.get().drafts().remove}
            </button>
        </li>
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
    let add = move |_| {
        let line = BudgetLine {
            id: random_id(),
            kind: BudgetKind::Expense,
            item: String::new(),
            amount: Amount::default(),
        };
        form.change(Field::Budget, move |p| p.budget.push(line));
    };
    let totals = move || {
        let lang = lang.get();
        let t = lang.drafts();
        form.proposal.with(|p| {
            let totals = p.totals();
            let cap = match round()
                .and_then(|r| r.division(p.division))
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
        <fieldset class="form-section">
            <legend>{move || t().section_budget}</legend>
            <ol class="item-list" data-testid="budget">
                <For each=ids key=|id| id.clone() let:id>
                    <BudgetRow form=form id=id/>
                </For>
            </ol>
            <button type="button" class="button secondary" on:click=add>
                {move || t().add_budget_line}
            </button>
            {totals}
            {form.error_view(Field::Budget, "f-budget-error".into())}
        </fieldset>
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
    let remove = move |_| {
        let id = i4.clone();
        form.change(Field::Budget, move |p| p.budget.retain(|l| l.id != id));
    };
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
            <button type="button" class="button secondary small" on:click=remove>
                {move || lang.get().drafts().remove}
            </button>
        </li>
    }
}
