//! The outbox of intents and in-flight mutations, and when to retry.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::client::LocalDraft;
use super::ids::{ClientId, DraftId, MutationId};
use super::wire::{
    MAX_MUTATIONS_PER_PUSH, Mutation, MutationResult, Op, Outcome, PushRequest, PushResponse,
};

/// What the user asked for, not yet sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    Put,
    Delete,
    Submit,
}

/// The mutations waiting to be sent (kept in IndexedDB, written in the same
/// transaction as the drafts they concern).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    pub client: ClientId,
    /// The highest mutation number handed out.
    pub last_n: u64,
    /// Sent and not yet answered: retried verbatim, ids unchanged.
    pub in_flight: Vec<Mutation>,
    /// Asked for, not yet sent, in order.
    pub queued: Vec<(DraftId, Intent)>,
}

impl Outbox {
    pub fn new(client: ClientId) -> Outbox {
        Outbox {
            client,
            last_n: 0,
            in_flight: Vec::new(),
            queued: Vec::new(),
        }
    }

    /// The next mutation id: 1, 2, 3…
    pub fn next_mutation_id(&mut self) -> MutationId {
        self.last_n = self.last_n.saturating_add(1);
        MutationId {
            client: self.client.clone(),
            n: self.last_n,
        }
    }

    /// Queues an intent. A Put right after a queued Put of the same draft is
    /// coalesced (one Put is sent, with the latest proposal and the base of
    /// the first); a Delete replaces queued Puts of the draft.
    pub fn queue(&mut self, draft: &DraftId, intent: Intent) {
        let last = self.queued.iter().rposition(|(d, _)| d == draft);
        match (intent, last.map(|i| self.queued[i].1)) {
            (Intent::Put, Some(Intent::Put)) => {}
            (Intent::Delete, _) => {
                self.queued
                    .retain(|(d, i)| !(d == draft && *i == Intent::Put));
                self.queued.push((draft.clone(), intent));
            }
            _ => self.queued.push((draft.clone(), intent)),
        }
    }

    /// Whether a pull may be applied now: nothing is in flight (see
    /// [`apply_pull`] for why the unanswered request goes first).
    pub fn may_pull(&self) -> bool {
        self.in_flight.is_empty()
    }

    /// A safety net under the intents, run after each pull: queues a Put
    /// for every one of `drafts` with content the server has not confirmed
    /// and nothing waiting, so nothing waits forever because an intent was
    /// lost (or queued while another group's member was signed in). Drafts
    /// deleted, in conflict, refused or submitted wait for the member
    /// instead. Returns whether anything was queued.
    pub fn requeue_unsent<'a>(&mut self, drafts: impl IntoIterator<Item = &'a LocalDraft>) -> bool {
        let mut queued = false;
        for l in drafts {
            let unsent = !l.draft.deleted
                && l.draft.submitted_at.is_none()
                && l.conflict.is_none()
                && l.rejected.is_none()
                && l.has_unsent(false);
            if unsent && !self.is_waiting(&l.draft.id) {
                self.queue(&l.draft.id, Intent::Put);
                queued = true;
            }
        }
        queued
    }

    /// Whether anything for `draft` is queued or in flight.
    pub fn is_waiting(&self, draft: &DraftId) -> bool {
        self.in_flight.iter().any(|m| m.draft == *draft)
            || self.queued.iter().any(|(d, _)| d == draft)
    }

    /// How many drafts wait to be sent.
    pub fn waiting_drafts(&self) -> usize {
        // Inserted one by one: `collect` into a set compiles its own sort.
        let mut ids: BTreeSet<&DraftId> = BTreeSet::new();
        for id in self.in_flight.iter().map(|m| &m.draft) {
            ids.insert(id);
        }
        for (id, _) in &self.queued {
            ids.insert(id);
        }
        ids.len()
    }

    /// The request to send now: the unanswered one again if any, else the
    /// first queued intent of each draft that is not in conflict, made into a
    /// mutation from the draft as it is now. `None`: nothing to send.
    pub fn next_push<'a>(
        &mut self,
        local: impl Fn(&DraftId) -> Option<&'a LocalDraft>,
    ) -> Option<PushRequest> {
        if self.in_flight.is_empty() {
            let mut taken: BTreeSet<DraftId> = BTreeSet::new();
            let mut rest = Vec::new();
            let queued = std::mem::take(&mut self.queued);
            for (draft, intent) in queued {
                if taken.contains(&draft) || self.in_flight.len() >= MAX_MUTATIONS_PER_PUSH {
                    rest.push((draft, intent));
                    continue;
                }
                let Some(l) = local(&draft) else {
                    continue; // gone from this device: nothing to send
                };
                if l.draft.submitted_at.is_some() || l.kept_text().is_some() {
                    continue; // read-only now: nothing more to send
                }
                if l.conflict.is_some() {
                    taken.insert(draft.clone());
                    rest.push((draft, intent));
                    continue;
                }
                let op = match intent {
                    Intent::Put if l.draft.deleted => continue,
                    Intent::Put => Op::Put {
                        proposal: l.draft.proposal.clone(),
                        base: l.last_common.clone(),
                    },
                    // Undone meanwhile (the server's edits won), or never synced.
                    Intent::Delete if !l.draft.deleted || l.draft.revision == 0 => continue,
                    Intent::Delete => Op::Delete,
                    Intent::Submit => Op::Submit,
                };
                let id = self.next_mutation_id();
                self.in_flight.push(Mutation {
                    id,
                    draft: draft.clone(),
                    base_revision: l.draft.revision,
                    op,
                });
                taken.insert(draft);
            }
            self.queued = rest;
        }
        if self.in_flight.is_empty() {
            return None;
        }
        Some(PushRequest {
            client: self.client.clone(),
            mutations: self.in_flight.clone(),
        })
    }

    /// The server answered: returns each answered mutation with its result
    /// (apply them with [`apply_result`] in the same transaction that stores
    /// the outbox). Unanswered mutations stay in flight.
    pub fn on_response(&mut self, response: &PushResponse) -> Vec<(Mutation, MutationResult)> {
        let mut answered = Vec::new();
        self.in_flight
            .retain(|m| match response.results.iter().find(|r| r.id == m.id) {
                Some(r) => {
                    answered.push((m.clone(), r.clone()));
                    false
                }
                None => true,
            });
        // A refused deletion leaves the draft alive here: whatever was
        // typed before deleting it is sent again.
        for (m, r) in &answered {
            if m.op == Op::Delete && matches!(r.outcome, Outcome::Rejected { .. }) {
                self.queue(&m.draft, Intent::Put);
            }
        }
        answered
    }
}

/// Whether a push answered with HTTP `status` is a final refusal of the
/// whole request (not sent again until the drafts change): only a 4xx that
/// carries our server's JSON error (`json_error`, its `error` code) and is
/// not about time or the token (401 sign in again, 408 timeout, 429 slow
/// down). Anything else, a 5xx, a 408, or an answer that is not our JSON (a
/// proxy's or captive portal's page, a gateway timeout), is retried with
/// [`retry_delay_ms`].
pub fn push_refusal_is_final(status: u16, json_error: Option<&str>) -> bool {
    let from_our_server = json_error.is_some_and(|code| !code.is_empty());
    from_our_server && (400..500).contains(&status) && !matches!(status, 401 | 408 | 429)
}

/// How long to wait before the next try after `failures` failed syncs in a
/// row: 2 s, 4 s, 8 s… at most a minute.
pub fn retry_delay_ms(failures: u32) -> u64 {
    let doublings = failures.saturating_sub(1).min(5);
    (2_000u64 << doublings).min(60_000)
}
