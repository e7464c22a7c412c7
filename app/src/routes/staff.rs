//! `/staff`: the city staff's review page, on a phone and on a desktop.
//! Lists the submissions (newest change last), filtered by round, 部門,
//! partner department and status; opens one in the print layout with its
//! history (who, when, from, to, comment) and the moves the status machine
//! allows (受付 → 審査中 → 採択 / 不採択, or 差し戻し with a comment,
//! asked for at the field before anything is sent). Staff never edit the
//! group's text: the proposal is shown read-only. Online only: nothing of
//! it is stored on the device.

use super::draft_view::ProposalView;
use crate::api;
use crate::drafts::use_drafts;
use crate::i18n::Lang;
use crate::state::{set_title, use_app};
use leptos::prelude::*;
use tsunagari_core::DivisionId;
use tsunagari_core::review::{
    Actor, StaffSubmission, Status, SubmissionSummary, TransitionRequest,
};

fn label(lang: Lang, s: Status) -> &'static str {
    match lang {
        Lang::Ja => s.label_ja(),
        Lang::En => s.label_en(),
    }
}

fn tr(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Ja { ja } else { en }
}

/// Every status a submission can have, in the order of the review.
const STATUSES: [Status; 6] = [
    Status::Submitted,
    Status::Received,
    Status::UnderReview,
    Status::Selected,
    Status::NotSelected,
    Status::Returned,
];

/// What the list is narrowed to; empty strings are "all".
#[derive(Clone, Default, PartialEq)]
struct Filter {
    round: String,
    division: String,
    department: String,
    status: String,
}

impl Filter {
    fn keeps(&self, s: &SubmissionSummary) -> bool {
        (self.round.is_empty() || s.round.as_deref() == Some(self.round.as_str()))
            && (self.division.is_empty() || s.division == self.division)
            && (self.department.is_empty() || s.department == self.department)
            && (self.status.is_empty() || s.status.code() == self.status)
    }
}

/// The distinct values of one column, sorted.
fn distinct(
    list: &[SubmissionSummary],
    f: impl Fn(&SubmissionSummary) -> Option<String>,
) -> Vec<String> {
    let mut v: Vec<String> = list
        .iter()
        .filter_map(f)
        .filter(|s| !s.is_empty())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// One `<select>` of the filter form: its label, "all", and `options`
/// (value, shown text).
fn filter_select(
    id: &'static str,
    name: impl Fn() -> &'static str + Send + Sync + 'static,
    all: impl Fn() -> &'static str + Send + Sync + 'static,
    options: impl Fn() -> Vec<(String, String)> + Send + Sync + 'static,
    value: RwSignal<Filter>,
    get: fn(&Filter) -> &String,
    set: fn(&mut Filter, String),
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{name}</label>
            <select id=id on:change=move |ev| {
                let v = event_target_value(&ev);
                value.update(|f| set(f, v));
            }>
                <option value="" selected=move || value.with(|f| get(f).is_empty())>{all}</option>
                {move || options().into_iter().map(|(v, text)| {
                    let chosen = v.clone();
                    view! { <option value=v selected=move || value.with(|f| *get(f) == chosen)>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let state = use_app();
    let d = use_drafts();
    let lang = state.lang;
    Effect::new(move |_| set_title(tr(lang.get(), "審査", "Review"), lang.get()));
    let token = move || {
        d.session.with(|s| {
            s.as_ref()
                .filter(|s| s.is_staff())
                .and_then(|s| s.token.clone())
        })
    };
    let list = RwSignal::new(Vec::<SubmissionSummary>::new());
    let filter = RwSignal::new(Filter::default());
    let open = RwSignal::new(None::<StaffSubmission>);
    let error = RwSignal::new(None::<String>);
    let comment = RwSignal::new(String::new());
    let comment_error = RwSignal::new(false);
    let failed = move |e: api::ApiError| {
        let lang = lang.get_untracked();
        error.set(Some(match e.code() {
            Some("comment_required") => {
                comment_error.set(true);
                return;
            }
            Some("illegal_transition") => tr(
                lang,
                "この状態からは移せません。一覧を読み込み直してください。",
                "The proposal cannot move there from its status; reload the list.",
            )
            .to_string(),
            _ if e.is_unauthorized() => tr(
                lang,
                "サインインが切れました。もう一度サインインしてください。",
                "Your sign-in has expired; sign in again.",
            )
            .to_string(),
            _ => format!(
                "{} ({e})",
                tr(
                    lang,
                    "サーバーに届きませんでした。もう一度お試しください。",
                    "The server could not be reached; try again."
                )
            ),
        }));
    };
    let load = move || {
        let Some(t) = token() else { return };
        leptos::task::spawn_local(async move {
            match api::fetch_submissions(&t).await {
                Ok(l) => list.set(l),
                Err(e) => failed(e),
            }
        });
    };
    Effect::new(move |_| {
        if d.loaded.get() {
            load();
        }
    });
    let show = move |id: String| {
        let Some(t) = token() else { return };
        leptos::task::spawn_local(async move {
            match api::fetch_submission(&t, &id).await {
                Ok(s) => {
                    comment.set(String::new());
                    comment_error.set(false);
                    open.set(Some(s));
                }
                Err(e) => failed(e),
            }
        });
    };
    let mv = move |id: String, to: Status| {
        let Some(t) = token() else { return };
        let text = comment.get_untracked();
        // 差し戻し says why: asked for at the field, nothing sent without it.
        if to == Status::Returned && text.trim().is_empty() {
            comment_error.set(true);
            if let Some(el) = document().get_element_by_id("staff-comment")
                && let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el)
            {
                let _ = el.focus();
            }
            return;
        }
        let req = TransitionRequest { to, comment: text };
        leptos::task::spawn_local(async move {
            match api::transition(&t, &id, &req).await {
                Ok(s) => {
                    error.set(None);
                    comment.set(String::new());
                    comment_error.set(false);
                    open.set(Some(s));
                    load();
                }
                Err(e) => failed(e),
            }
        });
    };
    let group_name = move |id: &str| {
        state
            .groups
            .with(|gs| gs.iter().find(|g| g.id == id).map(|g| g.name.clone()))
            .unwrap_or_else(|| id.to_string())
    };
    let division_name =
        move |code: &str| crate::drafts::round::division_label(lang.get(), &DivisionId::from(code));
    let round_name = move |id: &str| {
        crate::drafts::round::current()
            .filter(|r| r.id == id)
            .map(|r| match lang.get() {
                Lang::Ja => r.title_ja.clone(),
                Lang::En => r.title_en.clone(),
            })
            .unwrap_or_else(|| id.to_string())
    };
    let filters = move || {
        view! {
            <form class="staff-filters" data-testid="staff-filters" on:submit=|ev| ev.prevent_default()>
                {filter_select("staff-round", move || tr(lang.get(), "募集", "Round"), move || tr(lang.get(), "すべて", "All"),
                    move || list.with(|l| distinct(l, |s| s.round.clone())).into_iter().map(|r| { let n = round_name(&r); (r, n) }).collect(),
                    filter, |f| &f.round, |f, v| f.round = v)}
                {filter_select("staff-division", move || tr(lang.get(), "部門", "Division"), move || tr(lang.get(), "すべて", "All"),
                    move || list.with(|l| distinct(l, |s| Some(s.division.clone()))).into_iter().map(|c| { let n = division_name(&c); (c, n) }).collect(),
                    filter, |f| &f.division, |f, v| f.division = v)}
                {filter_select("staff-department", move || tr(lang.get(), "協働課", "Partner department"), move || tr(lang.get(), "すべて", "All"),
                    move || list.with(|l| distinct(l, |s| Some(s.department.clone()))).into_iter().map(|c| (c.clone(), c)).collect(),
                    filter, |f| &f.department, |f, v| f.department = v)}
                {filter_select("staff-status", move || tr(lang.get(), "状態", "Status"), move || tr(lang.get(), "すべて", "All"),
                    move || STATUSES.iter().map(|s| (s.code().to_string(), label(lang.get(), *s).to_string())).collect(),
                    filter, |f| &f.status, |f, v| f.status = v)}
            </form>
        }
    };
    let rows = move || {
        let lang = lang.get();
        let f = filter.get();
        let shown: Vec<SubmissionSummary> =
            list.with(|l| l.iter().filter(|s| f.keeps(s)).cloned().collect());
        if shown.is_empty() {
            return view! {
                <p class="empty" data-testid="staff-empty">
                    {if list.with(Vec::is_empty) {
                        tr(lang, "提出された提案書はまだありません。", "No proposal has been submitted yet.")
                    } else {
                        tr(lang, "この条件に合う提案書はありません。", "No proposal matches these filters.")
                    }}
                </p>
            }
            .into_any();
        }
        let items = shown
            .into_iter()
            .map(|s| {
                let id = s.draft_id.clone();
                let title = if s.title.trim().is_empty() { "—".to_string() } else { s.title.clone() };
                view! {
                    <li class="staff-item" data-testid="staff-item">
                        <button type="button" class="staff-open" data-testid="staff-open" on:click=move |_| show(id.clone())>
                            <span class="staff-title">{title}</span>
                            <span class="staff-meta">
                                <span class="badge" data-testid="staff-status">{label(lang, s.status)}</span>
                                " " {s.receipt_no.clone()}
                            </span>
                            <small class="staff-meta">
                                {group_name(&s.group_id)} " · " {division_name(&s.division)} " · " {s.department.clone()}
                            </small>
                        </button>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="staff-list" data-testid="staff-list">{items}</ul> }.into_any()
    };
    let detail = move || {
        let lang = lang.get();
        open.get().map(|s| {
            let id = s.summary.draft_id.clone();
            let moves = s
                .review
                .status
                .staff_moves()
                .iter()
                .map(|to| {
                    let (id, to) = (id.clone(), *to);
                    view! {
                        <button type="button" class="button small" data-testid="staff-move" on:click=move |_| mv(id.clone(), to)>
                            {label(lang, to)}
                        </button>
                    }
                })
                .collect_view();
            let history = s
                .review
                .history
                .iter()
                .map(|t| {
                    let (login, role) = match &t.by {
                        Actor::Group { login } => (login, tr(lang, "団体", "group")),
                        Actor::Staff { login } => (login, tr(lang, "市", "city")),
                    };
                    let who = match lang {
                        Lang::Ja => format!("{login}（{role}）"),
                        Lang::En => format!("{login} ({role})"),
                    };
                    let at = js_sys::Date::parse(&t.at);
                    let at = if at.is_nan() { t.at.clone() } else { crate::i18n::format_jst(at) };
                    view! {
                        <tr data-testid="staff-history-row">
                            <td data-label=tr(lang, "日時", "When")>{at}</td>
                            <td data-label=tr(lang, "誰が", "Who")>{who}</td>
                            <td data-label=tr(lang, "変更", "Change")>
                                {t.from.map(|f| label(lang, f)).unwrap_or("—")} " → " {label(lang, t.to)}
                            </td>
                            // No empty "コメント" heading on a phone when there is none.
                            <td data-label=(!t.comment.is_empty()).then(|| tr(lang, "コメント", "Comment")) class="pre-line">
                                {t.comment.clone()}
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            let has_moves = !s.review.status.staff_moves().is_empty();
            view! {
                <section class="staff-detail" data-testid="staff-detail" aria-labelledby="staff-detail-title">
                    <h2 id="staff-detail-title">
                        {s.summary.title.clone()} " "
                        <span class="badge" data-testid="staff-detail-status">{label(lang, s.review.status)}</span>
                    </h2>
                    <p>{tr(lang, "受付番号", "Receipt no.")} ": " {s.summary.receipt_no.clone()}</p>
                    <h3>{tr(lang, "履歴", "History")}</h3>
                    <table class="history staff-history" data-testid="staff-history">
                        <thead><tr>
                            <th scope="col">{tr(lang, "日時", "When")}</th>
                            <th scope="col">{tr(lang, "誰が", "Who")}</th>
                            <th scope="col">{tr(lang, "変更", "Change")}</th>
                            <th scope="col">{tr(lang, "コメント", "Comment")}</th>
                        </tr></thead>
                        <tbody>{history}</tbody>
                    </table>
                    {has_moves.then(|| view! {
                        <div class="field">
                            <label for="staff-comment">
                                {tr(lang, "コメント（差し戻しには必須。団体に届きます）", "Comment (required to return; the group sees it)")}
                            </label>
                            <textarea id="staff-comment" rows="3" aria-describedby="staff-comment-error"
                                aria-invalid=move || comment_error.get().to_string()
                                prop:value=move || comment.get()
                                on:input=move |ev| { comment.set(event_target_value(&ev)); comment_error.set(false); }></textarea>
                            <p id="staff-comment-error" class="field-error" role="alert" data-testid="staff-comment-error">
                                {move || comment_error.get().then(|| tr(lang,
                                    "差し戻す理由をコメントに書いてください。団体はそれを見て直します。",
                                    "Write why the proposal is returned; the group reads it to make changes."))}
                            </p>
                        </div>
                        <p class="staff-moves">{moves}</p>
                    })}
                    {match s.proposal {
                        Some(p) => view! { <ProposalView proposal=p/> }.into_any(),
                        None => view! {
                            <p class="notice">{tr(lang,
                                "差し戻し中です。団体が直して提出し直すまで、内容は表示されません。",
                                "Returned: the group is editing it; its text shows again once resubmitted.")}</p>
                        }.into_any(),
                    }}
                </section>
            }
        })
    };
    view! {
        <div class="container page staff-page">
            <h1>{move || tr(lang.get(), "提出された提案書の審査", "Review of submitted proposals")}</h1>
            <Show
                when=move || token().is_some()
                fallback=move || view! {
                    <p class="notice" data-testid="staff-signin">
                        {move || tr(lang.get(), "市職員のアカウントでサインインしてください。", "Sign in with a city staff account.")}
                        " " <a href="/signin">{move || tr(lang.get(), "サインイン", "Sign in")}</a>
                    </p>
                }
            >
                {move || error.get().map(|e| view! { <p class="notice warn" role="alert">{e}</p> })}
                {filters}
                {rows}
                {detail}
            </Show>
        </div>
    }
}
