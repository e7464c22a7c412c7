//! `/drafts`: the group's proposal drafts on this device, their sync state,
//! and the sync status line with a 今すぐ同期 button.

use crate::drafts::{DraftSync, Drafts, use_drafts};
use crate::event_ui::today_jst;
use crate::i18n::LangExt as _;
use crate::i18n::{self, Lang};
use crate::state::{set_title, use_app};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use tsunagari_core::calendar::fiscal_year_of;
use tsunagari_core::review::Status;
use tsunagari_core::round::PeriodState;
use tsunagari_core::sync::{DraftState, LocalDraft};

#[component]
pub fn DraftsPage() -> impl IntoView {
    let state = use_app();
    let d = use_drafts();
    let lang = state.lang;
    let t = move || lang.get().drafts();
    Effect::new(move |_| set_title(t().drafts_title, lang.get()));
    let navigate = use_navigate();
    let new_draft = move |_| {
        // The group's directory profile gives its phone and e-mail to start from.
        let profile = d.session.with_untracked(|s| {
            let gid = &s.as_ref()?.group_id;
            state
                .groups
                .with_untracked(|gs| gs.iter().find(|g| &g.id == gid).cloned())
        });
        if let Some(id) = d.create(fiscal_year_of(today_jst()), profile.as_ref()) {
            navigate(&format!("/drafts/{id}"), Default::default());
        }
    };
    let group = move || d.session.with(|s| s.as_ref().map(|s| s.group_name.clone()));
    view! {
        <div class="container page">
            <h1>{move || t().drafts_title}</h1>
            {move || group().map(|g| view! {
                <p class="group-name-line">
                    {g} " "
                    <button
                        type="button"
                        class="button secondary small"
                        data-testid="sign-out"
                        on:click=move |_| leptos::task::spawn_local(d.sign_out())
                    >
                        {move || t().sign_out}
                    </button>
                </p>
            })}
            <SyncLine/>
            <RoundGuidance/>
            <crate::install::StorageWarning/>
            <Show
                when=move || d.session.with(Option::is_some) || !d.loaded.get()
                fallback=move || {
                    let signed_out = d.status.get() == DraftSync::SignedOut;
                    view! {
                        <div class="notice" data-testid="need-signin">
                            <p>{move || if signed_out { t().signed_out_kept } else { t().need_signin }}</p>
                            <a class="button" href="/signin">{move || t().go_signin}</a>
                        </div>
                    }
                }
            >
                <p>
                    <button
                        type="button"
                        class="button"
                        data-testid="new-draft"
                        disabled=move || d.session.with(Option::is_none)
                        on:click=new_draft.clone()
                    >
                        {move || t().new_draft}
                    </button>
                </p>
            </Show>
            <DraftList/>
        </div>
    }
}

/// The open round's name, deadline and guidance (from the rounds feed kept
/// on this device, so also offline; the shipped round file before the
/// first pull).
#[component]
fn RoundGuidance() -> impl IntoView {
    let state = use_app();
    let d = use_drafts();
    let lang = state.lang;
    move || {
        // Re-read when the pulled feed changes.
        d.rounds.track();
        let r = crate::drafts::round::current()?;
        let lang = lang.get();
        let t = lang.drafts();
        let ja = lang == Lang::Ja;
        let pick = |ja_text: &str, en_text: &str| {
            if ja {
                ja_text.to_string()
            } else {
                en_text.to_string()
            }
        };
        let now = (js_sys::Date::now() / 1000.0) as i64;
        let state_text = match r.period.state(now) {
            PeriodState::NotOpen => t.round_not_open,
            PeriodState::Open => t.round_open,
            PeriodState::Closed => t.round_closed,
        };
        // `2027/01/29 17:00` in Japan time, as the status line's times are
        // (the file's RFC 3339 text only if it cannot be read).
        let shown = |s: &str| {
            tsunagari_core::round::parse_rfc3339(s).map_or_else(
                || s.to_string(),
                |unix| i18n::format_jst(unix as f64 * 1000.0),
            )
        };
        let links = r
            .guidance
            .links
            .iter()
            .map(|l| {
                let label = pick(&l.label_ja, &l.label_en);
                view! { <li><a href=l.url.clone() rel="external noopener">{label}</a></li> }
            })
            .collect_view();
        let dates = r
            .guidance
            .dates
            .iter()
            .map(|g| {
                let label = pick(&g.label_ja, &g.label_en);
                view! { <li>{g.date.to_string()} " " {label}</li> }
            })
            .collect_view();
        Some(view! {
            <section class="notice round-guidance" data-testid="round-guidance" aria-labelledby="round-title">
                <h2 id="round-title">{pick(&r.title_ja, &r.title_en)}</h2>
                <p data-testid="round-period">
                    <strong>{state_text}</strong> " · "
                    {t.round_opens} " " {shown(&r.period.opens)} " · "
                    {t.round_closes} " " <span data-testid="round-deadline">{shown(&r.period.closes)}</span>
                    {(!ja).then_some(" (Japan time)")}
                </p>
                <p class="pre-line">{pick(&r.guidance.text_ja, &r.guidance.text_en)}</p>
                <ul>{links}{dates}</ul>
                // Its phone number and e-mail as links (escaped by core).
                <p class="pre-line"><small inner_html=tsunagari_core::contact::linked_html(&pick(&r.guidance.contact_ja, &r.guidance.contact_en))></small></p>
            </section>
        })
    }
}

/// オフライン / 同期中 / すべて同期済み / N件が同期待ち / N件の競合 /
/// N件の提出にこの端末の文章が含まれていません, and the
/// time of the last complete sync.
#[component]
pub fn SyncLine() -> impl IntoView {
    let state = use_app();
    let d = use_drafts();
    let lang = state.lang;
    let t = move || lang.get().drafts();
    let status = move || {
        if d.elsewhere.get() {
            return t().open_elsewhere.to_string();
        }
        if !d.loaded.get() {
            return lang.get().texts().loading.to_string();
        }
        sync_status(d, lang.get(), state.online.get())
    };
    let last = move || match d.last_synced.get() {
        Some(ms) => format!("{}: {}", t().last_sync, i18n::format_jst(ms)),
        None => t().never_synced.to_string(),
    };
    view! {
        <div class="sync-line">
            <p class="sync-status" data-testid="sync-status" aria-live="polite">{status}</p>
            <p class="last-sync" data-testid="last-sync">{last}</p>
            <Show when=move || d.session.with(Option::is_some)>
                <SyncNowButton class="button secondary"/>
            </Show>
        </div>
    }
}

/// 今すぐ同期: asks the sync loop to run now (disabled offline).
#[component]
pub(super) fn SyncNowButton(class: &'static str) -> impl IntoView {
    let state = use_app();
    let d = use_drafts();
    view! {
        <button
            type="button"
            class=class
            data-testid="sync-now"
            disabled=move || !state.online.get()
            on:click=move |_| crate::drafts::sync::request(d)
        >
            {move || state.lang.get().drafts().sync_now}
        </button>
    }
}

fn sync_status(d: Drafts, lang: Lang, online: bool) -> String {
    let t = lang.drafts();
    if !online {
        return t.sync_offline.to_string();
    }
    if d.session.with(Option::is_none) && d.status.get() != DraftSync::SignedOut {
        return String::new();
    }
    match d.status.get() {
        DraftSync::Syncing => return t.sync_running.to_string(),
        DraftSync::SignedOut => return t.signed_out_kept.to_string(),
        DraftSync::StorageFailed => return t.sync_storage_failed.to_string(),
        _ => {}
    }
    let (waiting, conflicts, left_out) = d.outbox.with(|o| {
        let list = d.group_drafts();
        let states: Vec<DraftState> = list
            .iter()
            .map(|l| l.state(o.is_waiting(&l.draft.id)))
            .collect();
        (
            states
                .iter()
                .filter(|s| {
                    matches!(
                        s,
                        DraftState::Waiting | DraftState::OnlyLocal | DraftState::SubmitWaiting
                    )
                })
                .count(),
            states
                .iter()
                .filter(|s| **s == DraftState::Conflict)
                .count(),
            states
                .iter()
                .filter(|s| **s == DraftState::SubmittedWithoutYours)
                .count(),
        )
    });
    let mut parts = Vec::new();
    if d.status.get() == DraftSync::Failed {
        parts.push(t.sync_failed.to_string());
    }
    if left_out > 0 {
        // Never "all synced" while a phone holds text a submission lacks.
        parts.push(format!("{left_out}{}", t.left_out_count));
    }
    if conflicts > 0 {
        parts.push(i18n::conflict_count(lang, conflicts));
    }
    if waiting > 0 {
        parts.push(i18n::waiting_count(lang, waiting));
    }
    if parts.is_empty() {
        return t.all_synced.to_string();
    }
    parts.join(" / ")
}

#[component]
fn DraftList() -> impl IntoView {
    let state = use_app();
    let d = use_drafts();
    let lang = state.lang;
    move || {
        let lang = lang.get();
        let list = d.group_drafts();
        if list.is_empty() {
            if d.loaded.get() && d.session.with(Option::is_none) {
                return ().into_any();
            }
            let message = if d.loaded.get() {
                lang.drafts().no_drafts
            } else {
                lang.texts().loading
            };
            return view! { <p class="empty">{message}</p> }.into_any();
        }
        let items = d.outbox.with(|o| {
            list.iter()
                .map(|l| item(l, l.state(o.is_waiting(&l.draft.id)), lang))
                .collect_view()
        });
        view! { <ul class="draft-list" data-testid="draft-list">{items}</ul> }.into_any()
    }
}

fn item(l: &LocalDraft, s: DraftState, lang: Lang) -> impl IntoView + use<> {
    let t = lang.drafts();
    let p = &l.draft.proposal;
    let title = if p.title.trim().is_empty() {
        t.untitled.to_string()
    } else {
        p.title.clone()
    };
    let (class, icon) = match s {
        DraftState::Conflict | DraftState::SubmittedWithoutYours => ("badge warn", "warn"),
        DraftState::Synced => ("badge sent", "sent"),
        DraftState::Submitted => ("badge ok", "submitted"),
        _ => ("badge", "local"),
    };
    let year = i18n::fiscal_year(lang, p.fiscal_year);
    let review = l.draft.review.as_ref().map(|r| {
        let label = match lang {
            Lang::Ja => r.status.label_ja(),
            Lang::En => r.status.label_en(),
        };
        let class = match r.status {
            Status::Returned => "badge warn",
            Status::Selected => "badge ok",
            _ => "badge",
        };
        view! { <span class=class data-testid="review-status">{t.review_status} ": " {label}</span> }
    });
    // The city's answer not yet shown on this device.
    let new = l
        .review_is_new()
        .then(|| view! { <span class="badge new" data-testid="review-new">{t.review_new}</span> });
    view! {
        <li>
            <a class="draft-card" data-testid="draft-link" href=format!("/drafts/{}", l.draft.id)>
                <span class="draft-title">{title}</span>
                <span class=class>
                    <span class="badge-icon" aria-hidden="true">{super::draft::status_icon(icon)}</span>
                    <span data-testid="draft-state">{i18n::draft_state(lang, s)}</span>
                </span>
                {review}
                {new}
                <small class="draft-meta">
                    {year} " · " {crate::drafts::round::division_label(lang, &p.division)} " · "
                    {t.changed_at} ": " {i18n::format_jst(l.draft.updated_at_ms as f64)}
                </small>
            </a>
        </li>
    }
}
