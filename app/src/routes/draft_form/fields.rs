//! The editor's single fields: step 1 基本情報 (year, division, title,
//! summary, department, place, contact person) and step 2 内容 (事業の内容,
//! the long texts).

use super::Form;
use crate::drafts::round::current as round;
use crate::event_ui::today_jst;
use crate::i18n::LangExt as _;
use crate::i18n::{self, Lang};
use leptos::prelude::*;
use tsunagari_core::amount::{format_yen_en, format_yen_ja};
use tsunagari_core::calendar::fiscal_year_of;
use tsunagari_core::proposal::{
    ADDRESS_MAX, CONTACT_PERSON_MAX, EMAIL_MAX, Field, PHONE_MAX, PLACE_MAX, Proposal,
    REPRESENTATIVE_MAX,
};
use tsunagari_core::round::TextLimits;

type Read = fn(&Proposal) -> &String;
type Write = fn(&mut Proposal, String);

/// The character limit of a text field under the form's division.
fn limit(p: &Proposal, field: &Field) -> Option<usize> {
    let limits = round().map_or(TextLimits::CEILING, |r| r.limits_for(&p.division));
    Some(match field {
        Field::Title => limits.title_max,
        Field::Summary => limits.summary_max,
        Field::Place => PLACE_MAX,
        Field::ContactPerson => CONTACT_PERSON_MAX,
        Field::Representative => REPRESENTATIVE_MAX,
        Field::Address => ADDRESS_MAX,
        Field::Phone => PHONE_MAX,
        Field::Email => EMAIL_MAX,
        _ => limits.text_max,
    })
}

/// A labelled text input or textarea with its counter and messages.
pub fn text_field(
    form: Form,
    field: Field,
    id: &'static str,
    get: Read,
    set: Write,
    long: bool,
) -> impl IntoView {
    let lang = form.lang;
    let label_field = field.clone();
    let label = move || i18n::field_label(lang.get(), &label_field);
    let error_id = format!("{id}-error");
    let count_id = format!("{id}-count");
    let described = format!("{count_id} {error_id}");
    let initial = form.proposal.with_untracked(|p| get(p).clone());
    let invalid_field = field.clone();
    let invalid = move || (!form.messages(&invalid_field).is_empty()).to_string();
    let count_field = field.clone();
    let counter = move || {
        form.proposal.with(|p| {
            let n = get(p).chars().count();
            match limit(p, &count_field) {
                Some(max) => format!("{n} / {max} {}", lang.get().drafts().chars),
                None => format!("{n} {}", lang.get().drafts().chars),
            }
        })
    };
    let change_field = field.clone();
    let on_input = move |ev| {
        let value = event_target_value(&ev);
        form.change(change_field.clone(), move |p| set(p, value));
    };
    let input = if long {
        view! {
            <textarea id=id rows="5" aria-describedby=described.clone() aria-invalid=invalid
                prop:value=initial on:input=on_input></textarea>
        }
        .into_any()
    } else {
        // The phone and e-mail get their keyboards and the browser's autofill.
        let (kind, autocomplete) = match field {
            Field::Phone => ("tel", "tel"),
            Field::Email => ("email", "email"),
            Field::Address => ("text", "street-address"),
            _ => ("text", "off"),
        };
        view! {
            <input id=id type=kind autocomplete=autocomplete aria-describedby=described.clone()
                aria-invalid=invalid prop:value=initial on:input=on_input/>
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {input}
            <small class="counter" id=count_id>{counter}</small>
            {form.error_view(field, error_id)}
        </div>
    }
}

#[component]
pub fn Basics(form: Form) -> impl IntoView {
    view! {
        <div class="form-section">
            <FiscalYear form=form/>
            <DivisionSelect form=form/>
            {text_field(form, Field::Title, "f-title", |p| &p.title, |p, v| p.title = v, false)}
            {text_field(form, Field::Summary, "f-summary", |p| &p.summary, |p, v| p.summary = v, true)}
            <DepartmentSelect form=form/>
            {text_field(form, Field::Place, "f-place", |p| &p.place, |p, v| p.place = v, false)}
            {text_field(form, Field::ContactPerson, "f-contact", |p| &p.contact_person, |p, v| p.contact_person = v, false)}
            {text_field(form, Field::Representative, "f-representative", |p| &p.representative, |p, v| p.representative = v, false)}
            {text_field(form, Field::Address, "f-address", |p| &p.address, |p, v| p.address = v, false)}
            {text_field(form, Field::Phone, "f-phone", |p| &p.phone, |p, v| p.phone = v, false)}
            {text_field(form, Field::Email, "f-email", |p| &p.email, |p, v| p.email = v, false)}
        </div>
    }
}

#[component]
pub fn Plan(form: Form) -> impl IntoView {
    view! {
        <div class="form-section">
            {text_field(form, Field::Purpose, "f-purpose", |p| &p.purpose, |p, v| p.purpose = v, true)}
            {text_field(form, Field::LocalIssue, "f-issue", |p| &p.local_issue, |p, v| p.local_issue = v, true)}
            {text_field(form, Field::Activities, "f-activities", |p| &p.activities, |p, v| p.activities = v, true)}
            {text_field(form, Field::Outcomes, "f-outcomes", |p| &p.outcomes, |p, v| p.outcomes = v, true)}
            {text_field(form, Field::RoleDivision, "f-roles", |p| &p.role_division, |p, v| p.role_division = v, true)}
        </div>
    }
}

/// 令和N年度: this fiscal year, the two before and the two after (and the
/// draft's own year if it is outside those).
#[component]
fn FiscalYear(form: Form) -> impl IntoView {
    let lang = form.lang;
    let now = fiscal_year_of(today_jst());
    let own = form.proposal.with_untracked(|p| p.fiscal_year);
    let mut years: Vec<u16> = (now.saturating_sub(2)..=now + 2).collect();
    if !years.contains(&own) {
        years.push(own);
        tsunagari_core::sort::sort_by(&mut years, Ord::cmp);
    }
    let options = years
        .into_iter()
        .map(|y| {
            view! {
                <option value=y.to_string() selected=move || form.proposal.with(|p| p.fiscal_year == y)>
                    {move || i18n::fiscal_year(lang.get(), y)}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for="f-year">{move || i18n::field_label(lang.get(), &Field::FiscalYear)}</label>
            <select id="f-year" on:change=move |ev| {
                if let Ok(y) = event_target_value(&ev).parse::<u16>() {
                    form.change(Field::FiscalYear, |p| p.fiscal_year = y);
                }
            }>
                {options}
            </select>
            {form.error_view(Field::FiscalYear, "f-year-error".into())}
        </div>
    }
}

/// `12,000円` / `¥12,000`.
pub fn format_yen(lang: Lang, amount: u64) -> String {
    match lang {
        Lang::Ja => format_yen_ja(amount),
        Lang::En => format_yen_en(amount),
    }
}

/// 部門 from the round, with its budget cap.
#[component]
fn DivisionSelect(form: Form) -> impl IntoView {
    let lang = form.lang;
    let divisions = round().map(|r| r.divisions.as_slice()).unwrap_or_default();
    let options = divisions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let code = &r.code;
            let label = move || {
                let name = match lang.get() {
                    Lang::Ja => r.label_ja.as_str(),
                    Lang::En => r.label_en.as_str(),
                };
                match r.budget_cap_yen {
                    Some(cap) => format!("{name}（{} {}）", lang.get().drafts().cap, format_yen(lang.get(), cap)),
                    None => name.to_string(),
                }
            };
            view! {
                <option value=i.to_string() selected=move || form.proposal.with(|p| p.division == *code)>
                    {label}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for="f-division">{move || i18n::field_label(lang.get(), &Field::Division)}</label>
            <select id="f-division" on:change=move |ev| {
                let rules = event_target_value(&ev).parse::<usize>().ok().and_then(|i| divisions.get(i));
                if let Some(d) = rules.map(|r| r.code.clone()) {
                    form.change(Field::Division, move |p| p.division = d);
                }
            }>
                {options}
            </select>
            {form.error_view(Field::Division, "f-division-error".into())}
        </div>
    }
}

/// 協働課 from the round; the proposal stores the Japanese name.
#[component]
fn DepartmentSelect(form: Form) -> impl IntoView {
    let lang = form.lang;
    let departments = round()
        .map(|r| r.departments.as_slice())
        .unwrap_or_default();
    let options = departments
        .iter()
        .map(|dep| {
            let name_ja = dep.name_ja.as_str();
            view! {
                <option value=name_ja selected=move || form.proposal.with(|p| p.department == name_ja)>
                    {move || match lang.get() {
                        Lang::Ja => dep.name_ja.as_str(),
                        Lang::En => dep.name_en.as_str(),
                    }}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for="f-department">{move || i18n::field_label(lang.get(), &Field::Department)}</label>
            <select id="f-department" aria-describedby="f-department-error" on:change=move |ev| {
                let value = event_target_value(&ev);
                form.change(Field::Department, move |p| p.department = value);
            }>
                <option value="" selected=move || form.proposal.with(|p| p.department.is_empty())>
                    {move || lang.get().drafts().choose_department}
                </option>
                {options}
            </select>
            {form.error_view(Field::Department, "f-department-error".into())}
        </div>
    }
}
