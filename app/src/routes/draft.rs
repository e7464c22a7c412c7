//! `/drafts/:id`: one draft. The editor; the conflict screen when the draft
//! is in conflict; a read-only view once submitted (or being submitted);
//! and, checked first, the text this device kept when the proposal was
//! submitted elsewhere without it.

use super::conflict::{ConflictPanel, LeftOutPanel};
use super::draft_form::Editor;
use super::draft_view::ProposalView;
use crate::drafts::{DraftSync, SaveState, use_drafts};
use crate::i18n;
use crate::i18n::LangExt as _;
use crate::state::{set_title, use_app};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use tsunagari_core::review::Status;
use tsunagari_core::sync::{DraftId, DraftState, Intent, LocalDraft};

/// What the page shows for the draft; drawn again only when this changes.
#[derive(Clone, PartialEq)]
enum Mode {
    Loading,
    NotFound,
    Edit(DraftId),
    Conflict(DraftId),
    /// Submitted elsewhere without this device's text (kept here).
    LeftOut(DraftId),
    ReadOnly(DraftId),
}

#[component]
pub fn DraftPage() -> impl IntoView {
    let state = use_app();
    let d = use_drafts();
    let params = use_params_map();
    let id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| DraftId::parse(&id).ok())));
    let local = Memo::new(move |_| {
        let id = id.get()?;
        d.locals.with(|m| m.get(&id).cloned())
    });
    // 送信待ち: a submission asked for here, not yet answered (or, from an
    // older release, a Submit still in the outbox).
    let submitting = Memo::new(move |_| {
        let Some(id) = id.get() else { return false };
        if local.with(|l| l.as_ref().is_some_and(LocalDraft::submit_waiting)) {
            return true;
        }
        d.outbox.with(|o| {
            o.queued
                .iter()
                .any(|(d, i)| *d == id && *i == Intent::Submit)
                || o.in_flight
                    .iter()
                    .any(|m| m.draft == id && m.op == tsunagari_core::sync::Op::Submit)
        })
    });
    let mode = Memo::new(move |_| {
        let Some(id) = id.get() else {
            return Mode::NotFound;
        };
        match local.get() {
            None if d.loaded.get() => Mode::NotFound,
            None => Mode::Loading,
            Some(l) if l.kept_text().is_some() => Mode::LeftOut(id),
            Some(l) if l.draft.deleted => Mode::NotFound,
            Some(l) if l.conflict.is_some() => Mode::Conflict(id),
            Some(l) if l.draft.submitted_at.is_some() || submitting.get() => Mode::ReadOnly(id),
            Some(_) => Mode::Edit(id),
        }
    });
    let t = move || state.lang.get().drafts();
    // The city's answer is shown on this page: no longer new on this device.
    Effect::new(move |_| {
        if let Some(id) = id.get()
            && local.with(|l| l.as_ref().is_some_and(LocalDraft::review_is_new))
        {
            d.mark_review_seen(&id);
        }
    });
    Effect::new(move |_| {
        let title = local.with(|l| l.as_ref().map(|l| l.draft.proposal.title.clone()));
        let title = title.filter(|t| !t.trim().is_empty());
        set_title(
            title.as_deref().unwrap_or(t().drafts_title),
            state.lang.get(),
        );
    });
    move || {
        match mode.get() {
        Mode::Loading => view! {
            <div class="container page">
                <p class="empty" data-testid="draft-loading" aria-live="polite">
                    {move || {
                        if d.elsewhere.get() {
                            state.lang.get().drafts().open_elsewhere
                        } else {
                            state.lang.get().texts().loading
                        }
                    }}
                </p>
            </div>
        }
        .into_any(),
        Mode::NotFound => view! {
            <div class="container page">
                <h1>{move || state.lang.get().texts().not_found_title}</h1>
                <p>{move || t().draft_not_found}</p>
                <p><a class="button" href="/drafts">{move || t().back_to_drafts}</a></p>
            </div>
        }
        .into_any(),
        Mode::Edit(id) => {
            let Some(initial) = local.get_untracked().map(|l| l.draft.proposal) else {
                return ().into_any();
            };
            view! {
                <div class="container page">
                    <DraftHeader local=local/>
                    <Editor id=id initial=initial/>
                </div>
            }
            .into_any()
        }
        Mode::Conflict(id) => view! {
            <div class="container page">
                <DraftHeader local=local/>
                <ConflictPanel id=id local=local/>
            </div>
        }
        .into_any(),
        Mode::LeftOut(id) => view! {
            <div class="container page">
                <DraftHeader local=local/>
                <LeftOutPanel id=id local=local/>
            </div>
        }
        .into_any(),
        Mode::ReadOnly(_) => view! {
            <div class="container page">
                <DraftHeader local=local/>
                <p class="notice" data-testid="read-only">
                    {move || if submitting.get() { t().submit_waiting_note } else { t().submitted_note }}
                </p>
                {move || local.get().map(|l| view! { <ProposalView proposal=l.draft.proposal/> })}
            </div>
        }
        .into_any(),
    }
    }
}

/// Back link, title, the one status line, the server's refusal if any,
/// and the print and delete buttons.
#[component]
fn DraftHeader(local: Memo<Option<LocalDraft>>) -> impl IntoView {
    let state = use_app();
    let d = use_drafts();
    let lang = state.lang;
    let t = move || lang.get().drafts();
    let navigate = use_navigate();
    let draft_state = move || {
        local.with(|l| {
            l.as_ref().map(|l| {
                let waiting = d.outbox.with(|o| o.is_waiting(&l.draft.id));
                l.state(waiting)
            })
        })
    };
    let rejected = move || {
        local
            .with(|l| l.as_ref().and_then(|l| l.rejected.clone()))
            .map(|r| {
                let reason = match lang.get() {
                    i18n::Lang::Ja => r.reason_ja,
                    i18n::Lang::En => r.reason_en,
                };
                view! {
                    <div class="notice warn" role="alert" data-testid="rejected">
                        <p><strong>{move || t().rejected}</strong></p>
                        <p class="pre-line">{reason}</p>
                    </div>
                }
            })
    };
    let id = move || local.with(|l| l.as_ref().map(|l| l.draft.id.clone()));
    let print_href = move || {
        id().map(|id| format!("/drafts/{id}/print"))
            .unwrap_or_default()
    };
    // The city's answer: status, 受付番号, and the comment of a 差し戻し.
    let review = move || {
        local
            .with(|l| l.as_ref().and_then(|l| l.draft.review.clone()))
            .map(|r| {
                let lang_now = lang.get();
                let status = match lang_now {
                    i18n::Lang::Ja => r.status.label_ja(),
                    i18n::Lang::En => r.status.label_en(),
                };
                let returned = r.status == Status::Returned;
                let comment = r
                    .last_comment()
                    .filter(|_| returned)
                    .map(|c| c.comment.clone());
                let class = if returned { "notice warn" } else { "notice" };
                // The receipt: 受付番号 and the server's time of the last submission.
                let received = local.with(|l| {
                    l.as_ref()
                        .and_then(|l| l.receipt().map(|(_, at, _)| at.to_string()))
                });
                view! {
                    <div class=class data-testid="review">
                        <p>
                            <strong>{t().review_status} ": "</strong>
                            <span data-testid="review-status">{status}</span>
                            {(!r.receipt_no.is_empty()).then(|| view! {
                                " · " {t().receipt_no} " " <span data-testid="receipt-no">{r.receipt_no.clone()}</span>
                            })}
                        </p>
                        {received.map(|at| view! {
                            <p>
                                {t().received_at} " "
                                <span data-testid="received-at">{jst(&at)}</span>
                                " "
                                <a class="button secondary small" data-testid="print-receipt" href=print_href>
                                    {t().print_receipt}
                                </a>
                            </p>
                        })}
                        {comment.map(|c| view! {
                            <p><strong>{t().review_comment}</strong></p>
                            <p class="pre-line" data-testid="review-comment">{c}</p>
                        })}
                    </div>
                }
            })
    };
    // The server refused the submission: its words; the draft stays editable.
    let refused = move || {
        local
            .with(|l| {
                l.as_ref().and_then(|l| {
                    l.submit_refusal()
                        .map(|(ja, en)| (ja.to_string(), en.to_string()))
                })
            })
            .map(|(ja, en)| {
                let reason = match lang.get() {
                    i18n::Lang::Ja => ja,
                    i18n::Lang::En => en,
                };
                view! {
                    <div class="notice warn" role="alert" data-testid="submit-refused">
                        <p><strong>{move || t().submit_refused}</strong></p>
                        <p class="pre-line" data-testid="submit-refused-reason">{reason}</p>
                        <p>{move || t().submit_refused_help}</p>
                    </div>
                }
            })
    };
    let delete = move |_| {
        let Some(id) = id() else { return };
        if window()
            .confirm_with_message(t().delete_confirm)
            .unwrap_or(false)
        {
            d.delete(&id);
            navigate("/drafts", Default::default());
        }
    };
    view! {
        <p class="back-link"><a href="/drafts">{move || t().back_to_drafts}</a></p>
        <h1>{move || {
            let title = local.with(|l| l.as_ref().map(|l| l.draft.proposal.title.clone())).unwrap_or_default();
            if title.trim().is_empty() { t().untitled.to_string() } else { title }
        }}</h1>
        <DraftStatus draft_state=Signal::derive(draft_state)/>
        <div class="draft-toolbar">
            <a class="button secondary small" href=print_href>{move || t().print_view}</a>
            <Show when=move || !matches!(draft_state(), Some(DraftState::Submitted | DraftState::SubmitWaiting | DraftState::SubmittedWithoutYours))>
                <button type="button" class="button secondary small danger" data-testid="delete" on:click=delete.clone()>
                    {move || t().delete}
                </button>
            </Show>
        </div>
        {review}
        {refused}
        {rejected}
    }
}

/// Where the draft is, in one line of plain words with an icon (never a
/// colour alone): この端末に保存済み・まだ送っていません / 送信済み・まだ
/// 提出していません / 市に提出済み; then, only when there is something to
/// say, why it is not sent yet (オフライン, the server unreachable) and a
/// button to send now. Before, a badge, a save indicator and the sync line
/// said these things three times in technical words.
#[component]
fn DraftStatus(draft_state: Signal<Option<DraftState>>) -> impl IntoView {
    let state = use_app();
    let d = use_drafts();
    let lang = state.lang;
    let t = move || lang.get().drafts();
    let kind = move || match draft_state.get() {
        Some(DraftState::Synced) => "sent",
        Some(DraftState::Submitted) => "submitted",
        Some(DraftState::SubmitWaiting) => "local",
        Some(DraftState::Conflict | DraftState::SubmittedWithoutYours) => "warn",
        _ => "local",
    };
    let words = move || {
        if d.save.get() == SaveState::Failed {
            return t().save_failed.to_string();
        }
        draft_state
            .get()
            .map(|s| i18n::draft_state(lang.get(), s).to_string())
            .unwrap_or_default()
    };
    // Why it is not sent (yet): said only when it is so.
    let note = move || {
        let t = t();
        if matches!(draft_state.get(), Some(DraftState::Submitted) | None) {
            return String::new();
        }
        if d.elsewhere.get() {
            return t.open_elsewhere.to_string();
        }
        if !state.online.get() {
            return t.offline_note.to_string();
        }
        match d.status.get() {
            DraftSync::Syncing => t.sending_note.to_string(),
            DraftSync::Failed => t.sync_failed.to_string(),
            DraftSync::SignedOut => t.signed_out_kept.to_string(),
            DraftSync::StorageFailed => t.sync_storage_failed.to_string(),
            _ => String::new(),
        }
    };
    let save = move || match d.save.get() {
        SaveState::Idle => "idle",
        SaveState::Pending => "pending",
        SaveState::Saved => "saved",
        SaveState::Failed => "failed",
    };
    view! {
        <div class=move || format!("draft-status {}", kind()) data-testid="draft-status" data-save=save>
            <span class="status-icon" aria-hidden="true">{move || status_icon(kind())}</span>
            <p class="status-words" role="status">
                <strong data-testid="draft-state">{words}</strong>
                <span class="status-note" data-testid="sync-status">{note}</span>
            </p>
            <Show when=move || d.session.with(Option::is_some) && draft_state.get() != Some(DraftState::Submitted)>
                <super::drafts::SyncNowButton class="button secondary small"/>
            </Show>
        </div>
    }
}

/// A phone (kept here), a cloud with a tick (sent), a stamped document
/// (submitted to the city), a warning sign.
pub fn status_icon(kind: &str) -> impl IntoView + use<> {
    let path = match kind {
        "sent" => {
            "M7 18a5 5 0 0 1-.6-9.96A6 6 0 0 1 18 8a4.5 4.5 0 0 1-.5 10H7zm2.3-5.3-1.4 1.4L11 17.2l5.6-5.6-1.4-1.4-4.2 4.2-1.7-1.7z"
        }
        "submitted" => {
            "M6 2h9l5 5v15H4V2h2zm8 1.5V8h4.5L14 3.5zM12 11a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm-1.2 6.2-2-2 1-1 1 1 2.4-2.4 1 1-3.4 3.4z"
        }
        "warn" => "M12 2 1 21h22L12 2zm-1 7h2v6h-2V9zm0 8h2v2h-2v-2z",
        _ => {
            "M7 1h10a2 2 0 0 1 2 2v18a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V3a2 2 0 0 1 2-2zm0 3v15h10V4H7zm5 16.2a1 1 0 1 0 0 .01z"
        }
    };
    view! {
        <svg viewBox="0 0 24 24" width="28" height="28" focusable="false">
            <path fill="currentColor" fill-rule="evenodd" d=path/>
        </svg>
    }
}

/// An RFC 3339 time from the server in Japan time (`2026/12/01 10:00`), or
/// as written if it cannot be read.
pub fn jst(rfc3339: &str) -> String {
    tsunagari_core::round::parse_rfc3339(rfc3339).map_or_else(
        || rfc3339.to_string(),
        |unix| i18n::format_jst(unix as f64 * 1000.0),
    )
}
