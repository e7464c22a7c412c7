//! A proposal as a document: read-only (submitted drafts) and printable
//! (`/drafts/:id/print`, with the print stylesheet in `style.css`).

use super::draft_form::format_yen;
use crate::drafts::round::current as round;
use crate::drafts::use_drafts;
use crate::i18n::LangExt as _;
use crate::i18n::{self, Lang};
use crate::state::{set_title, use_app};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tsunagari_core::YearStyle;
use tsunagari_core::calendar::{format_date_en_with, format_date_ja_with};
use tsunagari_core::proposal::{BudgetKind, Field, Proposal};

fn label(lang: Lang, f: Field) -> String {
    i18n::field_label(lang, &f)
}

/// The proposal as the city reads it. `as_page`: it is the page (the print
/// view), so its heading is the page's `h1`; elsewhere an `h2` under the
/// page's own heading.
#[component]
pub fn ProposalView(proposal: Proposal, #[prop(optional)] as_page: bool) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let p = StoredValue::new(proposal);
    let group_name = move || {
        let id = p.with_value(|p| p.group_id.clone());
        state
            .groups
            .with(|gs| gs.iter().find(|g| g.id == id).map(|g| g.name.clone()))
            .unwrap_or(id)
    };
    move || {
        let lang = lang.get();
        let p = p.get_value();
        let division = crate::drafts::round::division_label(lang, &p.division);
        let dept = round()
            .and_then(|r| r.department(&p.department))
            .map(|d| {
                if lang == Lang::Ja {
                    d.name_ja.as_str()
                } else {
                    d.name_en.as_str()
                }
            })
            .unwrap_or(&p.department)
            .to_string();
        let text_row = |f: Field, v: &str| {
            view! { <tr><th scope="row">{label(lang, f)}</th><td class="pre-line">{v.to_string()}</td></tr> }
        };
        let date = |d| match lang {
            Lang::Ja => format_date_ja_with(d, YearStyle::Gregorian),
            Lang::En => format_date_en_with(d, YearStyle::Gregorian),
        };
        let schedule = p
            .schedule
            .iter()
            .map(|m| view! { <tr><td>{date(m.date)}</td><td>{m.what.clone()}</td></tr> })
            .collect_view();
        let budget_rows = |kind: BudgetKind| {
            p.budget
                .iter()
                .filter(|l| l.kind == kind)
                .map(|l| {
                    let k = if lang == Lang::Ja {
                        kind.label_ja()
                    } else {
                        kind.label_en()
                    };
                    // Never another number: what cannot be read is shown as typed.
                    let amount = match l.amount.read() {
                        Ok(yen) => format_yen(lang, yen),
                        Err(_) => {
                            format!("{}{}", l.amount.text(), lang.drafts().amount_unread_mark)
                        }
                    };
                    view! {
                        <tr><td>{k}</td><td>{l.item.clone()}</td><td class="num">{amount}</td></tr>
                    }
                })
                .collect_view()
        };
        let totals = p.totals();
        // Under the document's heading: h2 when it is the page's h1.
        let section = move |text: &'static str| {
            if as_page {
                view! { <h2>{text}</h2> }.into_any()
            } else {
                view! { <h3>{text}</h3> }.into_any()
            }
        };
        let t = lang.drafts();
        view! {
            <article class="proposal-doc" data-testid="proposal-doc">
                {
                    let heading = if lang == Lang::Ja { "協働のまちづくりチャレンジ事業 提案書" } else { "Civic partnership challenge program: proposal" };
                    if as_page {
                        view! { <h1 class="doc-heading">{heading}</h1> }.into_any()
                    } else {
                        view! { <h2 class="doc-heading">{heading}</h2> }.into_any()
                    }
                }
                <table class="doc-table">
                    <tbody>
                        <tr><th scope="row">{label(lang, Field::FiscalYear)}</th><td>{i18n::fiscal_year(lang, p.fiscal_year)}</td></tr>
                        <tr><th scope="row">{label(lang, Field::Division)}</th><td>{division}</td></tr>
                        <tr><th scope="row">{label(lang, Field::GroupId)}</th><td>{group_name()}</td></tr>
                        {text_row(Field::Title, &p.title)}
                        {text_row(Field::Summary, &p.summary)}
                        {text_row(Field::Purpose, &p.purpose)}
                        {text_row(Field::LocalIssue, &p.local_issue)}
                        {text_row(Field::Activities, &p.activities)}
                        {text_row(Field::Place, &p.place)}
                        {text_row(Field::Outcomes, &p.outcomes)}
                        {text_row(Field::RoleDivision, &p.role_division)}
                        {text_row(Field::Department, &dept)}
                        {text_row(Field::ContactPerson, &p.contact_person)}
                        {text_row(Field::Representative, &p.representative)}
                        {text_row(Field::Address, &p.address)}
                        {text_row(Field::Phone, &p.phone)}
                        {text_row(Field::Email, &p.email)}
                    </tbody>
                </table>
                {section(t.section_schedule)}
                <table class="doc-table"><tbody>{schedule}</tbody></table>
                {section(t.section_budget)}
                <table class="doc-table">
                    <tbody>{budget_rows(BudgetKind::Income)} {budget_rows(BudgetKind::Expense)}</tbody>
                    <tfoot>
                        <tr><th scope="row" colspan="2">{t.income_total}</th><td class="num">{format_yen(lang, totals.income_yen)}</td></tr>
                        <tr><th scope="row" colspan="2">{t.expense_total}</th><td class="num">{format_yen(lang, totals.expense_yen)}</td></tr>
                    </tfoot>
                </table>
                {(totals.unread_lines > 0).then(|| view! { <p class="field-error">{t.amounts_unread}</p> })}
            </article>
        }
    }
}

/// `/drafts/:id/print`: the document alone, with a 印刷 button.
#[component]
pub fn DraftPrintPage() -> impl IntoView {
    let state = use_app();
    let d = use_drafts();
    let params = use_params_map();
    let lang = state.lang;
    let t = move || lang.get().drafts();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let local = Memo::new(move |_| {
        let id = id();
        d.locals.with(|m| {
            m.values()
                .find(|l| l.draft.id.as_str() == id && !l.draft.deleted)
                .cloned()
        })
    });
    let proposal = Memo::new(move |_| local.with(|l| l.as_ref().map(|l| l.draft.proposal.clone())));
    // 受付票: once submitted and numbered, the page is the receipt (受付番号
    // and the server's time) above the proposal as submitted.
    let receipt = Memo::new(move |_| {
        local.with(|l| {
            l.as_ref().and_then(|l| {
                l.receipt()
                    .map(|(no, at, status)| (no.to_string(), at.to_string(), status))
            })
        })
    });
    let heading = move || match receipt.get() {
        Some(_) => t().receipt_title.to_string(),
        None => proposal
            .with(|p| p.as_ref().map(|p| p.title.clone()))
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| t().untitled.to_string()),
    };
    let receipt_view = move || {
        receipt.get().map(|(no, at, status)| {
            let lang_now = lang.get();
            let status = match lang_now {
                Lang::Ja => status.label_ja(),
                Lang::En => status.label_en(),
            };
            let title = proposal
                .with(|p| p.as_ref().map(|p| p.title.clone()))
                .unwrap_or_default();
            view! {
                <dl class="receipt" data-testid="receipt">
                    <dt>{t().receipt_no}</dt>
                    <dd data-testid="receipt-no">{no}</dd>
                    <dt>{t().received_at}</dt>
                    <dd data-testid="received-at">{super::draft::jst(&at)}</dd>
                    <dt>{t().review_status}</dt>
                    <dd data-testid="review-status">{status}</dd>
                    <dt>{label(lang_now, Field::Title)}</dt>
                    <dd>{title}</dd>
                </dl>
            }
        })
    };
    Effect::new(move |_| {
        let title = proposal
            .with(|p| p.as_ref().map(|p| p.title.clone()))
            .unwrap_or_default();
        set_title(&title, lang.get());
    });
    view! {
        <div class="container page">
            <p class="no-print back">
                <a href=move || format!("/drafts/{}", id())>{move || t().back_to_editor}</a>
                " "
                <button type="button" class="button" on:click=|_| { let _ = window().print(); }>
                    {move || t().print}
                </button>
            </p>
            <h1 data-testid="print-title">{heading}</h1>
            {receipt_view}
            {move || match proposal.get() {
                Some(p) => view! { <ProposalView proposal=p as_page=true/> }.into_any(),
                None if d.loaded.get() => view! { <p>{move || t().draft_not_found}</p> }.into_any(),
                None => view! { <p class="empty">{move || lang.get().texts().loading}</p> }.into_any(),
            }}
        </div>
    }
}
