//! The conflict screen: for each field both devices changed, 自分の版 and
//! サーバーの版 side by side; the user picks one or writes a combined text,
//! then 解決 makes the choice an ordinary edit on the server's revision
//! (never enabled with no field to choose).
//!
//! And the panel of a proposal submitted elsewhere without this device's
//! text: that text, field by field, selectable and with a copy button.

use super::draft_form::format_yen;
use crate::drafts::use_drafts;
use crate::i18n::LangExt as _;
use crate::i18n::{self, Lang};
use crate::state::use_app;
use leptos::prelude::*;
use tsunagari_core::merge::Conflict;
use tsunagari_core::proposal::{Field, Proposal};
use tsunagari_core::sync::{DraftId, LocalDraft, left_out_fields};
use wasm_bindgen::JsCast;

#[derive(Clone, PartialEq)]
enum Choice {
    Mine,
    Theirs,
    Combined(String),
}

/// The text behind a field, for the fields a person can combine by hand.
fn text_mut<'a>(p: &'a mut Proposal, f: &Field) -> Option<&'a mut String> {
    Some(match f {
        Field::Title => &mut p.title,
        Field::Summary => &mut p.summary,
        Field::Purpose => &mut p.purpose,
        Field::LocalIssue => &mut p.local_issue,
        Field::Activities => &mut p.activities,
        Field::Place => &mut p.place,
        Field::Outcomes => &mut p.outcomes,
        Field::RoleDivision => &mut p.role_division,
        Field::ContactPerson => &mut p.contact_person,
        Field::Representative => &mut p.representative,
        Field::Address => &mut p.address,
        Field::Phone => &mut p.phone,
        Field::Email => &mut p.email,
        Field::MilestoneWhat(id) => &mut p.schedule.iter_mut().find(|m| m.id == *id)?.what,
        Field::BudgetItem(id) => &mut p.budget.iter_mut().find(|l| l.id == *id)?.item,
        _ => return None,
    })
}

/// Copies one field's value from `src` into `dst` (a list item missing in
/// `dst` is copied whole).
fn copy_field(dst: &mut Proposal, src: &Proposal, f: &Field) {
    match f {
        Field::FiscalYear => dst.fiscal_year = src.fiscal_year,
        Field::Division => dst.division = src.division.clone(),
        Field::GroupId => dst.group_id = src.group_id.clone(),
        Field::Department => dst.department = src.department.clone(),
        Field::Schedule => dst.schedule = src.schedule.clone(),
        Field::Budget => dst.budget = src.budget.clone(),
        Field::MilestoneDate(id) | Field::MilestoneWhat(id) => {
            let Some(from) = src.schedule.iter().find(|m| m.id == *id) else {
                return;
            };
            match dst.schedule.iter_mut().find(|m| m.id == *id) {
                Some(to) if matches!(f, Field::MilestoneDate(_)) => to.date = from.date,
                Some(to) => to.what = from.what.clone(),
                None => dst.schedule.push(from.clone()),
            }
        }
        Field::BudgetKind(id) | Field::BudgetItem(id) | Field::BudgetAmount(id) => {
            let Some(from) = src.budget.iter().find(|l| l.id == *id) else {
                return;
            };
            match dst.budget.iter_mut().find(|l| l.id == *id) {
                Some(to) => match f {
                    Field::BudgetKind(_) => to.kind = from.kind,
                    Field::BudgetItem(_) => to.item = from.item.clone(),
                    _ => to.amount = from.amount.clone(),
                },
                None => dst.budget.push(from.clone()),
            }
        }
        other => {
            let mut p = src.clone();
            if let (Some(value), Some(to)) = (text_mut(&mut p, other), text_mut(dst, other)) {
                *to = value.clone();
            }
        }
    }
}

/// A field's value as a person reads it.
fn shown(lang: Lang, p: &Proposal, c: &Conflict, wire: &str) -> String {
    match &c.field {
        Field::FiscalYear => i18n::fiscal_year(lang, p.fiscal_year),
        Field::Division => crate::drafts::round::division_label(lang, &p.division),
        Field::BudgetAmount(id) => p
            .budget
            .iter()
            .find(|l| l.id == *id)
            .map(|l| match l.amount.read() {
                Ok(yen) => format_yen(lang, yen),
                Err(_) => l.amount.text().to_string(),
            })
            .unwrap_or_default(),
        f => {
            let mut p = p.clone();
            text_mut(&mut p, f)
                .map(|s| s.clone())
                .unwrap_or_else(|| wire.to_string())
        }
    }
}

#[component]
pub fn ConflictPanel(id: DraftId, local: Memo<Option<LocalDraft>>) -> impl IntoView {
    let state = use_app();
    let d = use_drafts();
    let lang = state.lang;
    let t = move || lang.get().drafts();
    let Some(l) = local.get_untracked() else {
        return ().into_any();
    };
    let Some(conflict) = l.conflict.clone() else {
        return ().into_any();
    };
    let mine = l.draft.proposal.clone();
    let theirs = conflict.server.proposal.clone();
    let choices: Vec<RwSignal<Option<Choice>>> = conflict
        .conflicts
        .iter()
        .map(|_| RwSignal::new(None))
        .collect();
    let rows = conflict
        .conflicts
        .iter()
        .zip(choices.iter().copied())
        .enumerate()
        .map(|(i, (c, choice))| {
            let c = c.clone();
            let (m, th) = (mine.clone(), theirs.clone());
            let combinable = text_mut(&mut m.clone(), &c.field).is_some();
            let field = c.field.clone();
            let pick = move |which: Choice| {
                let active = which.clone();
                let name = match which {
                    Choice::Mine => |t: &'static i18n::DraftTexts| t.use_mine,
                    Choice::Theirs => |t: &'static i18n::DraftTexts| t.use_theirs,
                    Choice::Combined(_) => |t: &'static i18n::DraftTexts| t.combine,
                };
                view! {
                    <button
                        type="button"
                        class="button secondary small"
                        aria-pressed=move || choice.with(|ch| ch.as_ref().map(std::mem::discriminant) == Some(std::mem::discriminant(&active))).to_string()
                        on:click=move |_| choice.set(Some(which.clone()))
                    >
                        {move || name(t())}
                    </button>
                }
            };
            let start = shown(Lang::Ja, &m, &c, &c.ours);
            let area_id = format!("combine-{i}");
            let combined = move || {
                choice.with(|ch| matches!(ch, Some(Choice::Combined(_)))).then(|| {
                    let start = start.clone();
                    view! {
                        <label for=area_id.clone()>{move || t().chosen}</label>
                        <textarea id=area_id.clone() rows="4" prop:value=start
                            on:input=move |ev| choice.set(Some(Choice::Combined(event_target_value(&ev))))></textarea>
                    }
                })
            };
            let c2 = c.clone();
            view! {
                <section class="conflict" data-testid="conflict">
                    <h2>{move || i18n::field_label(lang.get(), &field)}</h2>
                    <div class="versions">
                        <div class="version">
                            <h3>{move || t().mine}</h3>
                            <p class="pre-line" data-testid="mine">{move || shown(lang.get(), &m, &c, &c.ours)}</p>
                        </div>
                        <div class="version">
                            <h3>{move || t().theirs}</h3>
                            <p class="pre-line" data-testid="theirs">{move || shown(lang.get(), &th, &c2, &c2.theirs)}</p>
                        </div>
                    </div>
                    <div class="choices" role="group">
                        {pick(Choice::Mine)}
                        {pick(Choice::Theirs)}
                        {combinable.then(|| pick(Choice::Combined(String::new())))}
                    </div>
                    {combined}
                </section>
            }
        })
        .collect_view();
    // No field to choose means nothing to resolve: the button stays off.
    let all_chosen = {
        let choices = choices.clone();
        move || !choices.is_empty() && choices.iter().all(|c| c.with(Option::is_some))
    };
    let resolve = {
        let conflicts = conflict.conflicts.clone();
        move |_| {
            let mut chosen = mine.clone();
            for (c, choice) in conflicts.iter().zip(&choices) {
                match choice.get_untracked() {
                    Some(Choice::Mine) | None => copy_field(&mut chosen, &mine, &c.field),
                    Some(Choice::Theirs) => copy_field(&mut chosen, &theirs, &c.field),
                    Some(Choice::Combined(text)) => {
                        if let Some(to) = text_mut(&mut chosen, &c.field) {
                            *to = text;
                        }
                    }
                }
            }
            d.resolve(&id, chosen);
        }
    };
    view! {
        <div class="conflict-panel" data-testid="conflict-panel">
            <h2>{move || t().conflict_title}</h2>
            <p>{move || t().conflict_help}</p>
            {rows}
            <button type="button" class="button" data-testid="resolve" disabled=move || !all_chosen() on:click=resolve>
                {move || t().resolve}
            </button>
        </div>
    }
    .into_any()
}

/// A field of the kept text as a person reads it.
fn field_text(lang: Lang, p: &Proposal, f: &Field) -> String {
    match f {
        Field::FiscalYear => i18n::fiscal_year(lang, p.fiscal_year),
        Field::Division => crate::drafts::round::division_label(lang, &p.division),
        Field::Department => p.department.clone(),
        Field::Schedule => p
            .schedule
            .iter()
            .map(|m| format!("{} {}", m.date, m.what))
            .collect::<Vec<_>>()
            .join("\n"),
        Field::Budget => p
            .budget
            .iter()
            .map(|l| {
                let amount = match l.amount.read() {
                    Ok(yen) => format_yen(lang, yen),
                    Err(_) => l.amount.text().to_string(),
                };
                format!("{} {}", l.item, amount)
            })
            .collect::<Vec<_>>()
            .join("\n"),
        f => text_mut(&mut p.clone(), f).cloned().unwrap_or_default(),
    }
}

/// `navigator.clipboard.writeText(text)`, where the browser has it.
async fn copy_to_clipboard(text: &str) -> Result<(), wasm_bindgen::JsValue> {
    let navigator = window().navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())?;
    let write: js_sys::Function =
        js_sys::Reflect::get(&clipboard, &"writeText".into())?.dyn_into()?;
    let promise: js_sys::Promise = write.call1(&clipboard, &text.into())?.dyn_into()?;
    wasm_bindgen_futures::JsFuture::from(promise).await?;
    Ok(())
}

/// A proposal submitted from another device while this one held text the
/// server never received: says so plainly, and shows that text, field by
/// field and all together (selectable, with a copy button), until the
/// member removes it.
#[component]
pub fn LeftOutPanel(id: DraftId, local: Memo<Option<LocalDraft>>) -> impl IntoView {
    let state = use_app();
    let d = use_drafts();
    let lang = state.lang;
    let t = move || lang.get().drafts();
    let Some(l) = local.get_untracked() else {
        return ().into_any();
    };
    let Some(kept) = l.kept_text().cloned() else {
        return ().into_any();
    };
    let fields = match (&l.left_out, &l.conflict) {
        (Some(left_out), _) => left_out.fields.clone(),
        // Stored by an older release as a conflict with nothing to choose.
        (None, Some(c)) => {
            let base = l
                .last_common
                .clone()
                .unwrap_or_else(|| c.server.proposal.clone());
            left_out_fields(&base, &kept, &c.server.proposal)
        }
        (None, None) => Vec::new(),
    };
    let all = StoredValue::new((kept.clone(), fields.clone()));
    let all_text = move |lang: Lang| {
        all.with_value(|(kept, fields)| {
            fields
                .iter()
                .map(|f| {
                    format!(
                        "{}：{}",
                        i18n::field_label(lang, f),
                        field_text(lang, kept, f)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n\n")
        })
    };
    let rows = fields
        .into_iter()
        .map(|f| {
            let kept = kept.clone();
            let label_field = f.clone();
            view! {
                <section class="left-out-field">
                    <h3>{move || i18n::field_label(lang.get(), &label_field)}</h3>
                    <p class="pre-line" data-testid="left-out-text">
                        {move || field_text(lang.get(), &kept, &f)}
                    </p>
                </section>
            }
        })
        .collect_view();
    let copied: RwSignal<Option<bool>> = RwSignal::new(None);
    let copy = move |_| {
        let text = all_text(lang.get_untracked());
        leptos::task::spawn_local(async move {
            copied.set(Some(copy_to_clipboard(&text).await.is_ok()));
        });
    };
    let dismiss = move |_| {
        if window()
            .confirm_with_message(t().left_out_dismiss_confirm)
            .unwrap_or(false)
        {
            d.dismiss_left_out(&id);
        }
    };
    let submitted = l.draft.proposal.clone();
    view! {
        <div class="notice warn left-out" role="alert" data-testid="left-out">
            <h2>{move || t().left_out_title}</h2>
            <p>{move || t().left_out_help}</p>
        </div>
        {rows}
        <label for="left-out-all">{move || t().left_out_all}</label>
        <textarea id="left-out-all" rows="8" readonly data-testid="left-out-all"
            prop:value=move || all_text(lang.get())></textarea>
        <p class="choices">
            <button type="button" class="button" data-testid="copy-left-out" on:click=copy>
                {move || t().left_out_copy}
            </button>
            <span role="status" aria-live="polite">
                {move || match copied.get() {
                    Some(true) => t().left_out_copied,
                    Some(false) => t().left_out_copy_failed,
                    None => "",
                }}
            </span>
        </p>
        <p>
            <button type="button" class="button secondary small" data-testid="dismiss-left-out" on:click=dismiss>
                {move || t().left_out_dismiss}
            </button>
        </p>
        <h2>{move || t().submitted_version}</h2>
        <super::draft_view::ProposalView proposal=submitted/>
    }
    .into_any()
}
