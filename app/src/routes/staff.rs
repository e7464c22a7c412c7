//! `/staff`: the city staff's review page, minimal. Lists the submissions
//! (newest change last), opens one with the proposal as printed, its
//! history, and the moves the status machine allows (差し戻し with a
//! comment). Online only: nothing of it is stored on the device.

use super::draft_view::ProposalView;
use crate::api;
use crate::drafts::use_drafts;
use crate::i18n::Lang;
use crate::state::{set_title, use_app};
use leptos::prelude::*;
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
    let open = RwSignal::new(None::<StaffSubmission>);
    let error = RwSignal::new(None::<String>);
    let comment = RwSignal::new(String::new());
    let load = move || {
        let Some(t) = token() else { return };
        leptos::task::spawn_local(async move {
            match api::fetch_submissions(&t).await {
                Ok(l) => list.set(l),
                Err(e) => error.set(Some(format!("{e:?}"))),
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
                    open.set(Some(s));
                }
                Err(e) => error.set(Some(format!("{e:?}"))),
            }
        });
    };
    let mv = move |id: String, to: Status| {
        let Some(t) = token() else { return };
        let req = TransitionRequest {
            to,
            comment: comment.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::transition(&t, &id, &req).await {
                Ok(s) => {
                    error.set(None);
                    comment.set(String::new());
                    open.set(Some(s));
                    load();
                }
                Err(e) => error.set(Some(match e.code() {
                    Some("comment_required") => tr(
                        lang.get_untracked(),
                        "差し戻しには理由のコメントが必要です。",
                        "Returning a proposal needs a comment saying why.",
                    )
                    .to_string(),
                    _ => format!("{e:?}"),
                })),
            }
        });
    };
    let rows = move || {
        let lang = lang.get();
        list.get()
            .into_iter()
            .map(|s| {
                let id = s.draft_id.clone();
                view! {
                    <li>
                        <button type="button" class="button secondary small" data-testid="staff-open" on:click=move |_| show(id.clone())>
                            {s.receipt_no.clone()} " · " {label(lang, s.status)}
                        </button>
                        " " {s.title.clone()} " · " {s.group_id.clone()} " · " {s.department.clone()}
                    </li>
                }
            })
            .collect_view()
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
                        " "
                    }
                })
                .collect_view();
            let history = s
                .review
                .history
                .iter()
                .map(|t| {
                    let who = match &t.by {
                        Actor::Group { login } | Actor::Staff { login } => login.clone(),
                    };
                    view! {
                        <li>
                            {t.at.clone()} " " {who} ": "
                            {t.from.map(|f| label(lang, f)).unwrap_or("—")} " → " {label(lang, t.to)}
                            {(!t.comment.is_empty()).then(|| view! { <br/><span class="pre-line">{t.comment.clone()}</span> })}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section data-testid="staff-detail">
                    <h2>{s.summary.receipt_no.clone()} " " {label(lang, s.review.status)}</h2>
                    <ol>{history}</ol>
                    <label for="staff-comment">{tr(lang, "コメント", "Comment")}</label>
                    <textarea id="staff-comment" rows="3" prop:value=move || comment.get()
                        on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                    <p>{moves}</p>
                    {s.proposal.map(|p| view! { <ProposalView proposal=p/> })}
                </section>
            }
        })
    };
    view! {
        <div class="container page">
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
                <ul class="staff-list" data-testid="staff-list">{rows}</ul>
                {detail}
            </Show>
        </div>
    }
}
