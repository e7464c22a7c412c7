//! The drafts' sync loop, in `core`'s order of in-flight work
//! ([`tsunagari_core::sync::apply_pull`]): the unanswered request again
//! (and its answer) first, then the pull, then every draft still unsent is
//! queued and the outbox pushed; last, the submissions waiting on this
//! device (送信待ち) go through the submit endpoint once their text is on
//! the server, and a pull brings the review of those accepted.
//!
//! Runs when the app starts, when the connection returns, when the page is
//! shown again, about a second after an edit is stored, every minute, on
//! the 今すぐ同期 button, and
//! after a failure with backoff (2 s, 4 s, … a minute); one run at a time
//! (a request during a run makes it run once more).
//!
//! Each step computes from memory, updates memory, then writes IndexedDB
//! (never awaiting the network inside a transaction): a pulled page with its
//! cursor in one transaction; the outbox with its in-flight request before
//! sending; the answered results with the outbox in one transaction. A
//! network failure changes nothing: the same request is sent next time.

use super::store::{self, Write};
use super::{DraftSync, Drafts};
use crate::api::{self, ApiError};
use indexed_db_futures::database::Database;
use leptos::logging::warn;
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::time::Duration;
use tsunagari_core::account::Session;
use tsunagari_core::sync::{
    ClientId, DraftId, Intent, LocalDraft, Outbox, Rejection, SubmitAnswer, apply_pull,
    apply_result, push_refusal_is_final, retry_delay_ms,
};

/// Runs a sync now, or once more after the one under way.
pub fn request(d: Drafts) {
    if d.running.get_value() {
        d.again.set_value(true);
        return;
    }
    d.running.set_value(true);
    leptos::task::spawn_local(async move {
        loop {
            d.again.set_value(false);
            run(d).await;
            if !d.again.get_value() {
                break;
            }
        }
        d.running.set_value(false);
    });
}

/// A sync in about a second (after an edit was stored); later edits push
/// it back, so a burst of saves is one sync.
pub fn soon(d: Drafts) {
    if let Some(handle) = d.soon.get_value() {
        handle.clear();
    }
    let handle = set_timeout_with_handle(move || request(d), Duration::from_millis(1000)).ok();
    d.soon.set_value(handle);
}

enum Stop {
    Network(ApiError),
    Unauthorized,
    Storage(crate::store::StoreError),
}

impl From<ApiError> for Stop {
    fn from(e: ApiError) -> Stop {
        if e.is_unauthorized() {
            Stop::Unauthorized
        } else {
            Stop::Network(e)
        }
    }
}

impl From<crate::store::StoreError> for Stop {
    fn from(e: crate::store::StoreError) -> Stop {
        Stop::Storage(e)
    }
}

async fn run(d: Drafts) {
    if !d.loaded.get_untracked() {
        return;
    }
    let Some(session) = d.session.get_untracked() else {
        return;
    };
    // A staff account has no drafts (the server answers 403); /staff is its page.
    if session.is_staff() {
        return;
    }
    let Some(token) = session.token.clone() else {
        d.status.set(DraftSync::SignedOut);
        return;
    };
    if !window().navigator().on_line() {
        stage_for_background(d).await;
        return;
    }
    d.status.set(DraftSync::Syncing);
    let db = match crate::store::main_db().await {
        Ok(db) => db,
        Err(e) => {
            warn!("{e}");
            d.status.set(DraftSync::StorageFailed);
            return;
        }
    };
    let outcome = async {
        let group = session.group_id.as_str();
        if !d.outbox.with_untracked(Outbox::may_pull) {
            push(d, &db, group, &token).await?;
        }
        pull(d, &db, &session, &token).await?;
        requeue_unsent(d, group);
        push(d, &db, group, &token).await?;
        if submit_waiting(d, &db, group, &token).await? {
            // The submitted revision and its review's history.
            pull(d, &db, &session, &token).await?;
        }
        Ok::<(), Stop>(())
    }
    .await;
    if !matches!(outcome, Err(Stop::Network(_))) {
        d.failures.set_value(0);
    }
    match outcome {
        Ok(()) => {
            let now = js_sys::Date::now();
            d.last_synced.set(Some(now));
            d.status.set(DraftSync::Done);
            let outbox = d.outbox.get_untracked();
            let write = Write {
                put: &[],
                remove: &[],
                outbox: &outbox,
                cursor: None,
                synced_at: Some(now),
            };
            if let Err(e) = store::write(&db, write).await {
                warn!("{e}");
            }
        }
        Err(Stop::Network(e)) => {
            warn!("draft sync: {e}");
            d.status.set(DraftSync::Failed);
            // The request in flight is stored: the service worker may send
            // it once the browser is back online, even with the app closed.
            crate::pwa::register_background_sync(BACKGROUND_SYNC_TAG);
            retry_later(d);
        }
        Err(Stop::Storage(e)) => {
            warn!("draft sync: {e}");
            d.status.set(DraftSync::StorageFailed);
        }
        Err(Stop::Unauthorized) => {
            // The token is no longer valid: sign out here, keep every draft.
            d.forget_session().await;
            d.status.set(DraftSync::SignedOut);
        }
    }
}

/// Tries again after a failed sync (no answer, a timeout, a proxy's page, a
/// 5xx): 2 s, 4 s, 8 s… at most a minute after the last failure.
fn retry_later(d: Drafts) {
    let failures = d.failures.get_value().saturating_add(1);
    d.failures.set_value(failures);
    if let Some(handle) = d.retry.get_value() {
        handle.clear();
    }
    let delay = Duration::from_millis(retry_delay_ms(failures));
    let handle = set_timeout_with_handle(move || request(d), delay).ok();
    d.retry.set_value(handle);
}

/// The service worker's Background Sync tag (public/sw.js).
const BACKGROUND_SYNC_TAG: &str = "tsunagari-drafts";

/// Offline: make the next push request now and store it with the outbox,
/// then ask for Background Sync, so the service worker can send it when the
/// browser is back online even if the app is closed by then. The app sends
/// the same request (same mutation ids) when it next syncs; the server
/// applies it once.
async fn stage_for_background(d: Drafts) {
    let db = match crate::store::main_db().await {
        Ok(db) => db,
        Err(e) => {
            warn!("{e}");
            return;
        }
    };
    // From here to the write nothing is awaited: memory and the stored copy
    // get the same outbox, and no edit can slip in between.
    let mut outbox = d.outbox.get_untracked();
    if outbox.in_flight.is_empty() {
        let made = d
            .locals
            .with_untracked(|m| outbox.next_push(|id| m.get(id)))
            .is_some();
        if !made {
            return;
        }
        if let Err(e) = keep(d, &db, &[], outbox).await {
            warn!("{e}");
            return;
        }
    }
    crate::pwa::register_background_sync(BACKGROUND_SYNC_TAG);
}

/// The group's drafts this device holds (a pull only concerns those).
fn group_locals(d: Drafts, group: &str) -> BTreeMap<DraftId, LocalDraft> {
    // Inserted one by one: `collect` into a map compiles its own sort.
    let mut mine = BTreeMap::new();
    d.locals.with_untracked(|m| {
        for (id, l) in m.iter().filter(|(_, l)| l.draft.group_id == group) {
            mine.insert(id.clone(), l.clone());
        }
    });
    mine
}

async fn pull(d: Drafts, db: &Database, session: &Session, token: &str) -> Result<(), Stop> {
    let group = session.group_id.as_str();
    let cursor = store::read_cursor(db, group).await?;
    // The pull is paged (`more`): join the pages, then apply them at once.
    let mut page = api::fetch_drafts(token, cursor.as_deref()).await?;
    while page.more {
        let next = api::fetch_drafts(token, Some(&page.cursor)).await?;
        page = page.join(next, |d| d.id.as_str());
    }
    // From here to the write, nothing is awaited: memory and the stored
    // copy get the same changes.
    let locals = group_locals(d, group);
    let mut outbox = d.outbox.get_untracked();
    // Only this loop puts requests in flight, and it answered them above;
    // should one be out anyway, the pull waits for the next run.
    let changes = apply_pull(&locals, &page, &outbox)
        .map_err(|e| Stop::Network(ApiError::Body(e.to_string())))?;
    for id in &changes.requeue {
        outbox.queue(id, Intent::Put);
    }
    d.locals.update(|m| {
        for id in &changes.remove {
            m.remove(id);
        }
        for l in &changes.upsert {
            m.insert(l.draft.id.clone(), l.clone());
        }
    });
    d.outbox.set(outbox.clone());
    store::write(
        db,
        Write {
            put: &changes.upsert,
            remove: &changes.remove,
            outbox: &outbox,
            cursor: Some((group, &changes.cursor)),
            synced_at: None,
        },
    )
    .await?;
    Ok(())
}

/// `core`'s safety net ([`Outbox::requeue_unsent`]) over the group's
/// drafts, after the pull: nothing waits forever because an intent was lost
/// (or queued while another group's member was signed in).
fn requeue_unsent(d: Drafts, group: &str) {
    let mut outbox = d.outbox.get_untracked();
    let queued = d.locals.with_untracked(|m| {
        outbox.requeue_unsent(m.values().filter(|l| l.draft.group_id == group))
    });
    if queued {
        d.outbox.set(outbox);
    }
}

/// Why the server refused a whole push (not the token: that is a 401), in
/// words for the draft page, when the refusal is final: only a JSON refusal
/// from our server ([`push_refusal_is_final`]). A timeout (408), a proxy's
/// or portal's page, a 429 or a 5xx is `None`: retried with backoff. The
/// request will not be sent again; the drafts keep their text and go out
/// with their next edit.
fn refusal(e: &ApiError) -> Option<Rejection> {
    let ApiError::Refused { status, code } = e else {
        return None;
    };
    if !push_refusal_is_final(*status, Some(code)) {
        return None;
    }
    let (reason_ja, reason_en) = match status {
        413 => (
            "この下書きは大きすぎてサーバーに送れません。長い文章を短くしてください。下書きはこの端末に残っています。".to_string(),
            "This draft is too large to send. Please shorten long texts; the draft is kept on this device.".to_string(),
        ),
        403 => (
            "この下書きは、サインイン中のメンバーの団体のものではないため送れません。その団体のメンバーとしてサインインしてください。".to_string(),
            "This draft belongs to another group than the member signed in; sign in as a member of that group to send it.".to_string(),
        ),
        _ => (
            format!("サーバーがこの変更を受け付けませんでした（{code}）。下書きはこの端末に残っています。"),
            format!("The server did not accept this change ({code}). The draft is kept on this device."),
        ),
    };
    Some(Rejection {
        reason_ja,
        reason_en,
    })
}

async fn push(d: Drafts, db: &Database, group: &str, token: &str) -> Result<(), Stop> {
    loop {
        let mut outbox = d.outbox.get_untracked();
        // Only the signed-in member's group: its token could not send others.
        let request = d.locals.with_untracked(|m| {
            outbox.next_push(|id| m.get(id).filter(|l| l.draft.group_id == group))
        });
        let Some(request) = request else {
            return Ok(());
        };
        // The request is stored before it is sent: after a crash the same
        // mutations (same ids) are sent again, never new ones.
        keep(d, db, &[], outbox).await?;
        let response = match api::push_drafts(token, &request).await {
            Ok(response) => response,
            Err(e) => match refusal(&e) {
                None => return Err(e.into()),
                Some(rejection) => {
                    warn!("draft push refused: {e}");
                    let mut outbox = d.outbox.get_untracked();
                    outbox.in_flight.clear();
                    if matches!(e, ApiError::Refused { status: 403, .. })
                        && let Ok(client) = ClientId::parse(&super::random_id())
                    {
                        // The id may be tied to another group (a shared phone).
                        outbox.client = client;
                        outbox.last_n = 0;
                    }
                    let refused: Vec<LocalDraft> = d.locals.with_untracked(|m| {
                        request
                            .mutations
                            .iter()
                            .filter_map(|mutation| m.get(&mutation.draft))
                            .map(|l| LocalDraft {
                                rejected: Some(rejection.clone()),
                                ..l.clone()
                            })
                            .collect()
                    });
                    keep(d, db, &refused, outbox).await?;
                    continue;
                }
            },
        };
        let mut outbox = d.outbox.get_untracked();
        let answered = outbox.on_response(&response);
        if answered.is_empty() {
            // Nothing answered: try again at the next sync, not in a loop.
            return Err(Stop::Network(ApiError::Body(
                "the push answer named none of the mutations sent".into(),
            )));
        }
        let updated: Vec<LocalDraft> = d.locals.with_untracked(|m| {
            answered
                .iter()
                .filter_map(|(mutation, result)| {
                    m.get(&mutation.draft)
                        .map(|l| apply_result(l, mutation, result))
                })
                .collect()
        });
        keep(d, db, &updated, outbox).await?;
    }
}

/// The waiting submissions whose text is on the server
/// ([`LocalDraft::submit_due`]), through the submit endpoint one by one;
/// each answer is stored with the outbox as it comes. A receipt makes the
/// draft submitted, a refusal leaves it an editable draft with the
/// server's words; no answer keeps it waiting (the run fails and is retried
/// with backoff). Returns whether any was accepted.
async fn submit_waiting(d: Drafts, db: &Database, group: &str, token: &str) -> Result<bool, Stop> {
    // A push's merge may have brought another phone's edits into a copy
    // waiting to be submitted: that is not what the member saw.
    let stale: Vec<LocalDraft> = d.locals.with_untracked(|m| {
        m.values()
            .filter(|l| l.draft.group_id == group)
            .filter_map(|l| {
                let mut l = l.clone();
                l.end_wait_if_changed().then_some(l)
            })
            .collect()
    });
    if !stale.is_empty() {
        keep(d, db, &stale, d.outbox.get_untracked()).await?;
    }
    let due: Vec<(DraftId, u64)> = d.locals.with_untracked(|m| {
        d.outbox.with_untracked(|o| {
            m.values()
                .filter(|l| l.draft.group_id == group)
                .filter_map(|l| {
                    let base = l.submit_due(o.is_waiting(&l.draft.id))?;
                    Some((l.draft.id.clone(), base))
                })
                .collect()
        })
    });
    let mut accepted = false;
    for (id, base) in due {
        let answer = api::submit_draft(token, id.as_str(), base).await?;
        accepted |= matches!(answer, SubmitAnswer::Accepted(_));
        let updated = d
            .locals
            .with_untracked(|m| m.get(&id).map(|l| l.on_submit_answer(base, &answer)));
        if let Some(updated) = updated {
            keep(d, db, &[updated], d.outbox.get_untracked()).await?;
        }
    }
    Ok(accepted)
}

/// Memory first, then IndexedDB in one transaction: `drafts` replace their
/// copies and `outbox` the outbox. Callers compute both after their last
/// await, so no edit can slip in between.
async fn keep(
    d: Drafts,
    db: &Database,
    drafts: &[LocalDraft],
    outbox: Outbox,
) -> Result<(), crate::store::StoreError> {
    if !drafts.is_empty() {
        d.locals.update(|m| {
            for l in drafts {
                m.insert(l.draft.id.clone(), l.clone());
            }
        });
    }
    d.outbox.set(outbox.clone());
    let write = Write {
        put: drafts,
        remove: &[],
        outbox: &outbox,
        cursor: None,
        synced_at: None,
    };
    store::write(db, write).await
}
