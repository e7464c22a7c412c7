//! The wire types of the draft sync: drafts, push requests and answers,
//! the pull page.

use serde::{Deserialize, Serialize};

use super::ids::{ClientId, DraftId, MutationId};
use crate::directory::GroupId;
use crate::feed::FeedPage;
use crate::merge::Conflict;
use crate::proposal::Proposal;
use crate::review::Review;

/// A draft's state as the draft list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftState {
    /// Never reached the server (この端末のみ).
    OnlyLocal,
    /// Has changes the server does not have yet (同期待ち).
    Waiting,
    /// The server has exactly this (同期済み).
    Synced,
    /// Changed on two devices in the same place; the user must choose (競合).
    Conflict,
    /// The member asked to submit; waiting for the server to accept it
    /// (送信待ち), read-only meanwhile ([`LocalDraft::submission`]).
    SubmitWaiting,
    /// Submitted, read-only (提出済み).
    Submitted,
    /// Submitted from another device while this one held text the server
    /// never received: read-only, and this device's text is kept beside it
    /// ([`LocalDraft::left_out`]) for the member to copy. Never "synced".
    SubmittedWithoutYours,
}

/// A draft as the server stores it and the pull feed sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub id: DraftId,
    pub group_id: GroupId,
    /// The server's revision; 0 = never synced.
    pub revision: u64,
    pub proposal: Proposal,
    /// A tombstone: deleted, but still pulled (and restorable by an edit).
    #[serde(default)]
    pub deleted: bool,
    /// When the server accepted the submission (RFC 3339); read-only after.
    #[serde(default)]
    pub submitted_at: Option<String>,
    pub updated_at_ms: u64,
    /// After the first submission: status, 受付番号 and every change
    /// ([`crate::review`]). A 差し戻し clears `submitted_at`, so the group
    /// can edit and submit again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
}

/// `POST /api/drafts/push`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequest {
    pub client: ClientId,
    pub mutations: Vec<Mutation>,
}

/// The most mutations one push may carry.
pub const MAX_MUTATIONS_PER_PUSH: usize = 100;

/// Why a push request is malformed (a 400, never a 500).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    #[error("a push carries at most {MAX_MUTATIONS_PER_PUSH} mutations")]
    TooMany,
    #[error("every mutation of a push must belong to the pushing client")]
    OtherClient,
    #[error("mutation numbers must start at 1 and increase within a push")]
    Order,
}

impl PushRequest {
    /// Shape checks the server makes before deciding anything.
    pub fn check(&self) -> Result<(), PushError> {
        if self.mutations.len() > MAX_MUTATIONS_PER_PUSH {
            return Err(PushError::TooMany);
        }
        let mut last = 0;
        for m in &self.mutations {
            if m.id.client != self.client {
                return Err(PushError::OtherClient);
            }
            if m.id.n <= last {
                return Err(PushError::Order);
            }
            last = m.id.n;
        }
        Ok(())
    }
}

/// One change a client asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mutation {
    pub id: MutationId,
    pub draft: DraftId,
    /// The server revision the client last saw for this draft (0: none).
    pub base_revision: u64,
    pub op: Op,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "OpWire")]
// A wire type, built once per mutation: boxing would only cost readability.
#[allow(clippy::large_enum_variant)]
pub enum Op {
    /// Create or replace the draft's content.
    Put {
        proposal: Proposal,
        /// The server's proposal at `base_revision` (the last version the
        /// client and the server have in common), for merging; `None` for a
        /// draft never synced.
        base: Option<Proposal>,
    },
    Delete,
    Submit,
}

/// `POST /api/drafts/push`'s answer: one result per mutation, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<MutationResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutationResult {
    pub id: MutationId,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "OutcomeWire")]
pub enum Outcome {
    /// Written as sent (or, for a Delete of a draft already gone, nothing to do).
    Applied {
        revision: u64,
        /// Set when a Submit was accepted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        submitted_at: Option<String>,
    },
    /// The base was stale and the server merged automatically (no
    /// overlapping changes); `draft` is what it now holds.
    Merged { revision: u64, draft: Proposal },
    /// The base was stale and both sides changed the same places. Nothing was
    /// written; `server` is the server's version at `revision`.
    Conflict {
        revision: u64,
        server: Proposal,
        /// The server's draft is a tombstone (deleted elsewhere); a Put on
        /// top of it restores it.
        #[serde(default)]
        server_deleted: bool,
        conflicts: Vec<Conflict>,
    },
    /// Not applied, with a sentence for the person.
    Rejected {
        reason_ja: String,
        reason_en: String,
    },
}

// How [`Op`] and [`Outcome`] are read: the same JSON as serde's internally
// tagged form (`{"type": "put", ...}`), read as one flat struct. serde's
// tagged enums buffer the value first and so compile every field type's
// reader a second time; in the wasm that doubled the proposal's readers.

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum OpKind {
    Put,
    Delete,
    Submit,
}

#[derive(Deserialize)]
struct OpWire {
    #[serde(rename = "type")]
    kind: OpKind,
    proposal: Option<Proposal>,
    base: Option<Proposal>,
}

impl TryFrom<OpWire> for Op {
    type Error = &'static str;
    fn try_from(w: OpWire) -> Result<Op, Self::Error> {
        Ok(match w.kind {
            OpKind::Put => Op::Put {
                proposal: w.proposal.ok_or("missing field `proposal`")?,
                base: w.base,
            },
            OpKind::Delete => Op::Delete,
            OpKind::Submit => Op::Submit,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum OutcomeKind {
    Applied,
    Merged,
    Conflict,
    Rejected,
}

#[derive(Deserialize)]
struct OutcomeWire {
    #[serde(rename = "type")]
    kind: OutcomeKind,
    revision: Option<u64>,
    submitted_at: Option<String>,
    draft: Option<Proposal>,
    server: Option<Proposal>,
    server_deleted: Option<bool>,
    conflicts: Option<Vec<Conflict>>,
    reason_ja: Option<String>,
    reason_en: Option<String>,
}

impl TryFrom<OutcomeWire> for Outcome {
    type Error = &'static str;
    fn try_from(w: OutcomeWire) -> Result<Outcome, Self::Error> {
        let revision = w.revision.ok_or("missing field `revision`");
        Ok(match w.kind {
            OutcomeKind::Applied => Outcome::Applied {
                revision: revision?,
                submitted_at: w.submitted_at,
            },
            OutcomeKind::Merged => Outcome::Merged {
                revision: revision?,
                draft: w.draft.ok_or("missing field `draft`")?,
            },
            OutcomeKind::Conflict => Outcome::Conflict {
                revision: revision?,
                server: w.server.ok_or("missing field `server`")?,
                server_deleted: w.server_deleted.unwrap_or(false),
                conflicts: w.conflicts.ok_or("missing field `conflicts`")?,
            },
            OutcomeKind::Rejected => Outcome::Rejected {
                reason_ja: w.reason_ja.ok_or("missing field `reason_ja`")?,
                reason_en: w.reason_en.ok_or("missing field `reason_en`")?,
            },
        })
    }
}

/// `GET /api/drafts?since=<cursor>`: changed drafts, tombstones included
/// (`deleted: true`), in the usual feed page.
pub type PullResponse = FeedPage<Draft>;
