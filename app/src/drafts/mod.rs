//! Proposal drafts on this device: the signed-in member, the drafts and the
//! outbox in memory (the pages read these signals), and the actions that
//! change them. Memory is changed first, then IndexedDB is written with
//! what memory holds (drafts and outbox in one transaction); the sync loop
//! (`sync.rs`) does the network.

pub mod round;
pub mod store;
pub mod sync;
mod tab_lock;

use crate::api;
use crate::store::main_db;
use leptos::logging::warn;
use leptos::prelude::*;
use std::collections::BTreeMap;
use tsunagari_core::DivisionId;
use tsunagari_core::account::Session;
use tsunagari_core::calendar::fiscal_year_of;
use tsunagari_core::proposal::Proposal;
use tsunagari_core::round::Round;
use tsunagari_core::sync::{ClientId, DraftId, Intent, LocalDraft, Outbox};

/// How the drafts' sync stands (the status line of `/drafts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftSync {
    /// Nothing tried yet.
    Idle,
    Syncing,
    /// The last sync finished: pulled and pushed.
    Done,
    /// The server could not be reached or answered with an error; retried later.
    Failed,
    /// The server refused the token: sign in again (drafts are kept).
    SignedOut,
    /// This device could not store what it received.
    StorageFailed,
}

/// The editor's autosave indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveState {
    Idle,
    /// Typed, not yet written to this device.
    Pending,
    Saved,
    /// IndexedDB refused (often: the device is full); the text stays on screen.
    Failed,
}

#[derive(Clone, Copy)]
pub struct Drafts {
    /// The member signed in on this device (with the token), if any.
    pub session: RwSignal<Option<Session>>,
    /// Every draft this device holds, of any group.
    pub locals: RwSignal<BTreeMap<DraftId, LocalDraft>>,
    pub outbox: RwSignal<Outbox>,
    /// IndexedDB was read: what is missing now is really missing.
    pub loaded: RwSignal<bool>,
    pub status: RwSignal<DraftSync>,
    /// Epoch ms of the last complete sync.
    pub last_synced: RwSignal<Option<f64>>,
    pub save: RwSignal<SaveState>,
    /// Another tab of this app holds the drafts; this one waits for it.
    pub elsewhere: RwSignal<bool>,
    /// The rounds feed as last pulled (stored for offline use).
    pub rounds: RwSignal<Vec<Round>>,
    running: StoredValue<bool>,
    again: StoredValue<bool>,
    soon: StoredValue<Option<leptos::leptos_dom::helpers::TimeoutHandle>>,
    /// Failed syncs in a row (no answer, a timeout, a proxy's page, a 5xx).
    failures: StoredValue<u32>,
    /// The retry after the last failure, with backoff.
    retry: StoredValue<Option<leptos::leptos_dom::helpers::TimeoutHandle>>,
}

pub fn use_drafts() -> Drafts {
    expect_context::<Drafts>()
}

/// 21 random characters of `[A-Za-z0-9_-]` (126 bits), from the browser's
/// `crypto.getRandomValues`.
pub fn random_id() -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bytes = [0u8; 21];
    let filled = window()
        .crypto()
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes))
        .is_ok();
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b & 63)] as char)
        .collect()
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

impl Drafts {
    /// Creates the state; nothing is read or sent until [`Drafts::begin`].
    pub fn empty() -> Drafts {
        let temporary = ClientId::parse(&random_id()).expect("random ids have the id shape");
        Drafts {
            session: RwSignal::new(None),
            locals: RwSignal::new(BTreeMap::new()),
            outbox: RwSignal::new(Outbox::new(temporary)),
            loaded: RwSignal::new(false),
            status: RwSignal::new(DraftSync::Idle),
            last_synced: RwSignal::new(None),
            save: RwSignal::new(SaveState::Idle),
            elsewhere: RwSignal::new(false),
            rounds: RwSignal::new(Vec::new()),
            running: StoredValue::new(false),
            again: StoredValue::new(false),
            soon: StoredValue::new(None),
            failures: StoredValue::new(0),
            retry: StoredValue::new(None),
        }
    }

    /// Once this tab holds the drafts lock ([`tab_lock`]), reads IndexedDB,
    /// then syncs once if signed in; again every minute and when the page
    /// is shown again.
    pub fn begin(self) {
        let d = self;
        tab_lock::acquire(
            move || d.elsewhere.set(true),
            move || {
                d.elsewhere.set(false);
                leptos::task::spawn_local(async move {
                    d.load().await;
                    d.loaded.set(true);
                    sync::request(d);
                    d.pull_rounds().await;
                });
            },
        );
        // Every minute while the app is open, and when it is shown again
        // (a phone taken out of a pocket: a waiting submission goes out).
        let _ =
            set_interval_with_handle(move || sync::request(d), std::time::Duration::from_secs(60));
        let _ = window_event_listener_untyped("visibilitychange", move |_| {
            if document().visibility_state() == web_sys::VisibilityState::Visible {
                sync::request(d);
            }
        });
    }

    async fn load(self) {
        let db = match main_db().await {
            Ok(db) => db,
            Err(e) => {
                warn!("{e}; drafts are kept in memory only");
                return;
            }
        };
        let stored = match store::load(&db).await {
            Ok(s) => s,
            Err(e) => {
                warn!("{e}");
                return;
            }
        };
        // Inserted one by one: `collect` into a map compiles its own sort.
        let mut locals = BTreeMap::new();
        for l in stored.drafts {
            locals.insert(l.draft.id.clone(), l);
        }
        self.locals.set(locals);
        self.session.set(stored.session);
        self.last_synced.set(stored.synced_at);
        if let Some(feed) = stored.rounds {
            self.set_rounds(feed.rounds);
        }
        match stored.outbox {
            Some(outbox) => self.outbox.set(outbox),
            // A new install: keep the client id made above.
            None => {
                let _ = self.write(&[], &[]).await;
            }
        }
    }

    fn set_rounds(self, rounds: Vec<Round>) {
        round::set_current(round::pick(
            &rounds,
            fiscal_year_of(crate::event_ui::today_jst()),
        ));
        self.rounds.set(rounds);
    }

    /// Pulls the rounds feed and keeps it (offline: the stored one stays).
    async fn pull_rounds(self) {
        let Ok(feed) = api::fetch_rounds().await else {
            return;
        };
        if self.rounds.with_untracked(|r| *r == feed.rounds) {
            return;
        }
        if let Ok(db) = main_db().await
            && let Err(e) = store::save_rounds(&db, &feed).await
        {
            warn!("{e}");
        }
        self.set_rounds(feed.rounds);
    }

    /// Writes these drafts (as memory holds them now) and the outbox.
    async fn write(
        self,
        ids: &[DraftId],
        remove: &[DraftId],
    ) -> Result<(), crate::store::StoreError> {
        let db = main_db().await?;
        // Read memory after the last await, so writes happen in call order.
        let put: Vec<LocalDraft> = self
            .locals
            .with_untracked(|m| ids.iter().filter_map(|id| m.get(id).cloned()).collect());
        let outbox = self.outbox.get_untracked();
        store::write(
            &db,
            store::Write {
                put: &put,
                remove,
                outbox: &outbox,
                cursor: None,
                synced_at: None,
            },
        )
        .await
    }

    /// Drafts of the signed-in member's group (signed out: every draft
    /// kept on this device), newest change first.
    pub fn group_drafts(self) -> Vec<LocalDraft> {
        let group = self
            .session
            .with(|s| s.as_ref().map(|s| s.group_id.clone()));
        let mut list: Vec<LocalDraft> = self.locals.with(|m| {
            m.values()
                .filter(|l| {
                    !l.draft.deleted && group.as_ref().is_none_or(|g| l.draft.group_id == *g)
                })
                .cloned()
                .collect()
        });
        tsunagari_core::sort::sort_by(&mut list, |a, b| {
            b.draft.updated_at_ms.cmp(&a.draft.updated_at_ms)
        });
        list
    }

    /// A new empty draft of the member's group, stored and queued.
    /// Its 部門 is the round's first (the form's first choice).
    /// `profile`: the group's directory entry, whose contact lines prefill
    /// the group's phone and e-mail ([`Proposal::prefill_from`]).
    pub fn create(
        self,
        fiscal_year: u16,
        profile: Option<&tsunagari_core::Group>,
    ) -> Option<DraftId> {
        crate::install::persist();
        let group = self.session.get_untracked()?.group_id;
        let id = DraftId::parse(&random_id()).ok()?;
        // Started in the round of its year, which it records.
        let mut proposal = match round::current().filter(|r| r.fiscal_year == fiscal_year) {
            Some(r) => {
                let first = r.first_division().map(|d| d.code.clone());
                Proposal::new_in_round(r, first.unwrap_or_default(), group)
            }
            None => Proposal::new_draft(fiscal_year, DivisionId::default(), group),
        };
        if let Some(group) = profile {
            proposal.prefill_from(group);
        }
        let local = LocalDraft::new(id.clone(), proposal, now_ms());
        self.locals.update(|m| {
            m.insert(id.clone(), local);
        });
        self.outbox.update(|o| o.queue(&id, Intent::Put));
        self.persist_and_sync(vec![id.clone()], Vec::new());
        Some(id)
    }

    /// The user typed: memory only; [`Drafts::save_now`] stores it.
    pub fn edit(self, id: &DraftId, proposal: Proposal) {
        self.locals.update(|m| {
            if let Some(l) = m.get_mut(id) {
                l.edit(proposal, now_ms());
            }
        });
        self.save.set(SaveState::Pending);
    }

    /// Stores the draft's edits and queues them for the server.
    pub fn save_now(self, id: &DraftId) {
        self.outbox.update(|o| o.queue(id, Intent::Put));
        self.persist_and_sync(vec![id.clone()], Vec::new());
    }

    /// 市に提出する: the draft's text is queued, and the submission kept
    /// with the draft (送信待ち) until the server answers; the sync loop
    /// sends it through the submit endpoint once the text is on the server
    /// ([`LocalDraft::submit_due`]).
    pub fn submit(self, id: &DraftId) {
        self.locals.update(|m| {
            if let Some(l) = m.get_mut(id) {
                l.ask_submit(now_ms());
            }
        });
        self.outbox.update(|o| o.queue(id, Intent::Put));
        self.persist_and_sync(vec![id.clone()], Vec::new());
    }

    /// This device showed the city's answer on the draft: no longer new.
    pub fn mark_review_seen(self, id: &DraftId) {
        let mut changed = false;
        self.locals.update(|m| {
            if let Some(l) = m.get_mut(id)
                && l.review_is_new()
            {
                l.mark_review_seen();
                changed = true;
            }
        });
        if changed {
            let ids = vec![id.clone()];
            leptos::task::spawn_local(async move {
                if let Err(e) = self.write(&ids, &[]).await {
                    warn!("{e}");
                }
            });
        }
    }

    /// Deletes the draft: on the server too once synced (a tombstone).
    pub fn delete(self, id: &DraftId) {
        let (never_synced, waiting) = (
            self.locals
                .with_untracked(|m| m.get(id).is_some_and(|l| l.draft.revision == 0)),
            self.outbox
                .with_untracked(|o| o.in_flight.iter().any(|m| &m.draft == id)),
        );
        self.outbox.update(|o| o.queue(id, Intent::Delete));
        if never_synced && !waiting {
            self.locals.update(|m| {
                m.remove(id);
            });
            self.persist_and_sync(Vec::new(), vec![id.clone()]);
        } else {
            self.locals.update(|m| {
                if let Some(l) = m.get_mut(id) {
                    l.draft.deleted = true;
                    l.draft.updated_at_ms = now_ms();
                }
            });
            self.persist_and_sync(vec![id.clone()], Vec::new());
        }
    }

    /// The user's choice in a conflict: an ordinary Put on the server's revision.
    pub fn resolve(self, id: &DraftId, chosen: Proposal) {
        self.locals.update(|m| {
            if let Some(l) = m.get_mut(id) {
                *l = tsunagari_core::sync::resolve(l, chosen);
                l.draft.updated_at_ms = now_ms();
            }
        });
        self.save_now(id);
    }

    /// The member copied the text a submission elsewhere left out (or does
    /// not want it): forget it on this device.
    pub fn dismiss_left_out(self, id: &DraftId) {
        self.locals.update(|m| {
            if let Some(l) = m.get_mut(id) {
                l.dismiss_left_out();
            }
        });
        self.persist_and_sync(vec![id.clone()], Vec::new());
    }

    fn persist_and_sync(self, ids: Vec<DraftId>, remove: Vec<DraftId>) {
        leptos::task::spawn_local(async move {
            match self.write(&ids, &remove).await {
                Ok(()) => {
                    self.save.set(SaveState::Saved);
                    sync::soon(self);
                }
                Err(e) => {
                    warn!("{e}");
                    self.save.set(SaveState::Failed);
                }
            }
        });
    }

    /// Signed in (or redeemed a code): keep the session and sync.
    pub async fn signed_in(self, session: Session) {
        crate::install::persist();
        if let Ok(db) = main_db().await
            && let Err(e) = store::save_session(&db, Some(&session)).await
        {
            warn!("{e}");
        }
        // The server ties a client id to the first group that used it: a
        // phone shared by two groups starts a new one at each sign-in (with
        // nothing in flight, nothing needs the old one any more).
        // Only a tab that holds the drafts (and read them) writes the outbox.
        if self.loaded.get_untracked() && self.outbox.with_untracked(|o| o.in_flight.is_empty()) {
            self.new_client_id();
            if let Err(e) = self.write(&[], &[]).await {
                warn!("{e}");
            }
        }
        self.session.set(Some(session));
        self.status.set(DraftSync::Idle);
        sync::request(self);
    }

    /// A fresh client id for the outbox (numbering starts again at 1);
    /// queued intents stay. Only when nothing is in flight.
    pub fn new_client_id(self) {
        if let Ok(client) = ClientId::parse(&random_id()) {
            self.outbox.update(|o| {
                if o.in_flight.is_empty() {
                    o.client = client;
                    o.last_n = 0;
                }
            });
        }
    }

    /// Forgets the session on this device; drafts and unsent changes stay.
    pub async fn forget_session(self) {
        self.session.set(None);
        if let Ok(db) = main_db().await
            && let Err(e) = store::save_session(&db, None).await
        {
            warn!("{e}");
        }
    }

    /// The sign-out button: tell the server (best effort), then forget.
    pub async fn sign_out(self) {
        if let Some(token) = self.session.get_untracked().and_then(|s| s.token)
            && let Err(e) = api::sign_out(&token).await
        {
            warn!("signing out on the server failed: {e}");
        }
        self.forget_session().await;
        self.status.set(DraftSync::Idle);
    }
}
