//! Sync of proposal drafts (下書きの同期): the wire types, the server's
//! decision for one mutation, and the client's outbox and merge rules.
//!
//! Sans-IO like the rest of `core`: the server and the app do the storage and
//! the network; every decision is a pure function of its inputs, so the same
//! inputs give the same answer on every device. The rules, each answering a
//! row of `sync-lessons.md`:
//!
//! **Ids.** A device makes a [`ClientId`] once per install; a draft's
//! [`DraftId`] is made by the client that creates it. Each client numbers
//! its mutations 1, 2, 3… ([`MutationId`]); numbers only go up, gaps are fine.
//!
//! **Revisions.** The server gives each draft a revision, starting at 1 and
//! bumped by every write; 0 means "never synced". A mutation carries the
//! revision the client last saw (`base_revision`).
//!
//! **Server rules** ([`decide`], which takes the server's clock as a
//! [`ServerTime`] argument so it stays pure):
//! 1. *Replay.* A mutation numbered at or below the client's last applied
//!    number is not applied again: the stored result is returned, or, when
//!    none is stored, `Rejected` ("already applied"). The server stores, in the
//!    same transaction as the write, `last_applied` and the result, for every
//!    mutation it answers (also `Conflict` and `Rejected`), and keeps results
//!    at least for the client's latest request (a client only retries that).
//! 2. *Read-only.* Put, Delete or Submit on a submitted draft is `Rejected`.
//! 3. *Fast-forward.* `base_revision == revision`: the Put is written as sent
//!    (revision + 1), the Delete writes a tombstone (revision + 1).
//! 4. *Stale base: never overwrite.* `base_revision != revision` (the client
//!    was not shown the latest, or the server was restored from a backup): a
//!    Put is merged three ways ([`merge_proposals`]) — the client's `base`,
//!    the client's proposal, the server's proposal; a base *ahead* of the
//!    server (restored from a backup) is replaced by [`shared_base`], so
//!    nothing the client holds counts as removed. No conflicts: the merge is
//!    written (`Merged`, or `Applied` when it equals the client's proposal).
//!    Conflicts: nothing is written; the answer is `Conflict` with the
//!    server's version and the conflict list. The client keeps its edit, shows
//!    both, and the user's choice is an ordinary Put on top of the server's
//!    revision. A stale Delete or Submit is `Rejected` (the draft changed
//!    since the user looked at it; it is kept).
//! 5. *Edits beat deletions.* A Put on a tombstone restores the draft with
//!    the edits (merged against the tombstone's last content when stale).
//! 6. *Submit* needs a fast-forward base and [`validate`] to find nothing;
//!    otherwise `Rejected` listing what to fix. It records the server's time.
//! 7. A Put cannot move a draft to another group. (Which group the caller
//!    may act for is the endpoint's check, before `decide`.)
//!
//! **Client rules** ([`Outbox`], [`apply_result`], [`apply_pull`],
//! [`resolve`]): the outbox keeps *intents* (put, delete, submit) and turns
//! them into mutations only when sending, from the draft as it is then, so
//! several saves of one draft are one Put with the latest proposal. A sent
//! request is retried verbatim until answered; nothing new is sent meanwhile,
//! and a request carries at most one mutation per draft (the next one is
//! built after the answer, on the revision it returned). A refused Delete
//! re-queues a Put, so edits made before deleting still reach the server. A draft in conflict
//! is not sent until the user resolves it. A pulled or merged server version
//! never replaces an unsent local edit: it is merged with it, or becomes a
//! conflict that keeps both.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::directory::{Division, GroupId};
use crate::feed::FeedPage;
use crate::merge::{Conflict, merge_proposals, split_sentences};
use crate::proposal::{Proposal, validate};

// ---------------------------------------------------------------- ids ----

/// Why an id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an id is 8 to 64 characters of A–Z, a–z, 0–9, '-' and '_' (a UUID fits)")]
pub struct IdError;

fn check_id(s: &str) -> Result<(), IdError> {
    let ok = (8..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok { Ok(()) } else { Err(IdError) }
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Checks the shape: 8–64 characters of `[A-Za-z0-9_-]`.
            pub fn parse(s: &str) -> Result<Self, IdError> {
                check_id(s)?;
                Ok($name(s.to_string()))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                check_id(&s)?;
                Ok($name(s))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_id!(
    /// A device install's id, made once (random) and kept in IndexedDB.
    ClientId
);
string_id!(
    /// A draft's id, made by the client that creates the draft (random).
    DraftId
);

/// One mutation of one client: the client numbers them 1, 2, 3…
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MutationId {
    pub client: ClientId,
    pub n: u64,
}

// --------------------------------------------------------- wire types ----

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
    /// Submitted, read-only (提出済み).
    Submitted,
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

// ------------------------------------------------------------- server ----

/// What the server's clock says, passed in so [`decide`] stays pure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerTime {
    pub unix_ms: u64,
    /// The same instant as RFC 3339, recorded as `submitted_at`.
    pub rfc3339: String,
}

/// What the server does with one mutation. Every variant but `Replay` is
/// stored (last applied number and result) in the transaction that writes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // one per mutation, consumed at once
pub enum Decision {
    /// Already answered: return this, change nothing, store nothing.
    Replay(MutationResult),
    /// Write `new` (revision already bumped) and store `result`.
    Write { new: Draft, result: MutationResult },
    /// Write no draft; store `result` and the mutation number.
    Record(MutationResult),
}

impl Decision {
    pub fn result(&self) -> &MutationResult {
        match self {
            Decision::Replay(r) | Decision::Record(r) | Decision::Write { result: r, .. } => r,
        }
    }
}

fn rejected(m: &Mutation, ja: impl Into<String>, en: impl Into<String>) -> Decision {
    Decision::Record(MutationResult {
        id: m.id.clone(),
        outcome: Outcome::Rejected {
            reason_ja: ja.into(),
            reason_en: en.into(),
        },
    })
}

/// The server's decision for mutation `m`, given the draft as stored
/// (`None`: no such draft), the client's highest applied mutation number and
/// the result stored for `m.id`, if any. See the module docs for the rules.
pub fn decide(
    current: Option<&Draft>,
    last_applied: Option<u64>,
    stored_result: Option<&MutationResult>,
    m: &Mutation,
    now: &ServerTime,
) -> Decision {
    // Rule 1: replay.
    if m.id.n <= last_applied.unwrap_or(0) {
        return match stored_result.filter(|r| r.id == m.id) {
            Some(r) => Decision::Replay(r.clone()),
            None => Decision::Replay(MutationResult {
                id: m.id.clone(),
                outcome: Outcome::Rejected {
                    reason_ja: "この変更はすでに反映済みです。".into(),
                    reason_en: "This change was already applied.".into(),
                },
            }),
        };
    }
    let result = |outcome| MutationResult {
        id: m.id.clone(),
        outcome,
    };
    let write = |new: Draft, outcome| Decision::Write {
        new,
        result: result(outcome),
    };
    // Rule 2: read-only once submitted.
    if let Some(cur) = current
        && cur.submitted_at.is_some()
    {
        return rejected(
            m,
            "提出済みの提案書は変更できません。",
            "This proposal has been submitted and can no longer be changed.",
        );
    }
    let bumped = |cur: &Draft| cur.revision.saturating_add(1);
    match (&m.op, current) {
        (Op::Put { proposal, .. }, None) => write(
            Draft {
                id: m.draft.clone(),
                group_id: proposal.group_id.clone(),
                revision: 1,
                proposal: proposal.clone(),
                deleted: false,
                submitted_at: None,
                updated_at_ms: now.unix_ms,
            },
            Outcome::Applied {
                revision: 1,
                submitted_at: None,
            },
        ),
        (Op::Put { proposal, base }, Some(cur)) => {
            // Rule 7.
            if proposal.group_id != cur.group_id {
                return rejected(
                    m,
                    "下書きを別の団体に移すことはできません。",
                    "A draft cannot be moved to another group.",
                );
            }
            let with = |p: Proposal| Draft {
                revision: bumped(cur),
                proposal: p,
                deleted: false,
                updated_at_ms: now.unix_ms,
                ..cur.clone()
            };
            // Rule 3 (and 5: a fast-forward Put on a tombstone restores it).
            if m.base_revision == cur.revision {
                let new = with(proposal.clone());
                let revision = new.revision;
                return write(
                    new,
                    Outcome::Applied {
                        revision,
                        submitted_at: None,
                    },
                );
            }
            // Rule 4: stale base — merge, never overwrite. A base ahead of
            // the server was seen before the server was restored from a
            // backup: the server's copy may lack what the base has, so
            // merge against what the two share.
            let base = if m.base_revision > cur.revision {
                shared_base(proposal, &cur.proposal)
            } else {
                base.clone()
                    .unwrap_or_else(|| assumed_base(proposal, &cur.proposal))
            };
            let out = merge_proposals(&base, proposal, &cur.proposal);
            if !out.conflicts.is_empty() {
                return Decision::Record(result(Outcome::Conflict {
                    revision: cur.revision,
                    server: cur.proposal.clone(),
                    server_deleted: cur.deleted,
                    conflicts: out.conflicts,
                }));
            }
            if out.merged == cur.proposal && !cur.deleted {
                // Nothing new for the server: answer without a write.
                return Decision::Record(result(Outcome::Merged {
                    revision: cur.revision,
                    draft: out.merged,
                }));
            }
            let new = with(out.merged);
            let revision = new.revision;
            let outcome = if new.proposal == *proposal {
                Outcome::Applied {
                    revision,
                    submitted_at: None,
                }
            } else {
                Outcome::Merged {
                    revision,
                    draft: new.proposal.clone(),
                }
            };
            write(new, outcome)
        }
        (Op::Delete, None) => Decision::Record(result(Outcome::Applied {
            revision: 0,
            submitted_at: None,
        })),
        (Op::Delete, Some(cur)) if cur.deleted => Decision::Record(result(Outcome::Applied {
            revision: cur.revision,
            submitted_at: None,
        })),
        (Op::Delete, Some(cur)) if m.base_revision != cur.revision => rejected(
            m,
            "この下書きは別の端末で変更されたため、削除せずに残しました。内容を確認して、必要ならもう一度削除してください。",
            "This draft was changed on another device, so it was kept. Check the changes and delete it again if you still want to.",
        ),
        (Op::Delete, Some(cur)) => {
            let new = Draft {
                revision: bumped(cur),
                deleted: true,
                updated_at_ms: now.unix_ms,
                ..cur.clone()
            };
            let revision = new.revision;
            write(
                new,
                Outcome::Applied {
                    revision,
                    submitted_at: None,
                },
            )
        }
        (Op::Submit, None) => rejected(
            m,
            "この下書きはまだサーバーにありません。同期してから提出してください。",
            "This draft is not on the server yet. Sync it, then submit.",
        ),
        (Op::Submit, Some(cur)) if cur.deleted => rejected(
            m,
            "削除された下書きは提出できません。",
            "A deleted draft cannot be submitted.",
        ),
        (Op::Submit, Some(cur)) if m.base_revision != cur.revision => rejected(
            m,
            "この下書きは別の端末で変更されました。最新の内容を確認してから提出してください。",
            "This draft was changed on another device. Check the latest version, then submit.",
        ),
        (Op::Submit, Some(cur)) => {
            let errors = validate(&cur.proposal);
            if !errors.is_empty() {
                let mut ja = String::from("提出できません。次の項目を直してください。");
                let mut en = String::from("The proposal cannot be submitted yet. Please fix:");
                for e in &errors {
                    ja.push_str(&format!("\n・{}：{}", e.field.label_ja(), e.message_ja));
                    en.push_str(&format!("\n- {}: {}", e.field.label_en(), e.message_en));
                }
                return rejected(m, ja, en);
            }
            let new = Draft {
                revision: bumped(cur),
                submitted_at: Some(now.rfc3339.clone()),
                updated_at_ms: now.unix_ms,
                ..cur.clone()
            };
            let revision = new.revision;
            write(
                new,
                Outcome::Applied {
                    revision,
                    submitted_at: Some(now.rfc3339.clone()),
                },
            )
        }
    }
}

/// The common version to merge against when none is known (a draft both
/// sides have but one never synced): a blank form. Short fields that differ
/// get a base equal to neither side, so they conflict instead of one side
/// winning silently. Used the same way on the server and on the client.
pub fn assumed_base(ours: &Proposal, theirs: &Proposal) -> Proposal {
    let fiscal_year = if ours.fiscal_year == theirs.fiscal_year {
        ours.fiscal_year
    } else {
        [0u16, 1, 2]
            .into_iter()
            .find(|y| *y != ours.fiscal_year && *y != theirs.fiscal_year)
            .unwrap_or(0)
    };
    let division = if ours.division == theirs.division {
        ours.division
    } else {
        [Division::Alumni, Division::PreChallenge, Division::Student]
            .into_iter()
            .find(|d| *d != ours.division && *d != theirs.division)
            .unwrap_or(Division::Alumni)
    };
    let group_id = if ours.group_id == theirs.group_id {
        ours.group_id.clone()
    } else {
        ["", "\u{0}", "\u{0}\u{0}"]
            .into_iter()
            .find(|g| *g != ours.group_id && *g != theirs.group_id)
            .unwrap_or_default()
            .to_string()
    };
    Proposal::new_draft(fiscal_year, division, group_id)
}

/// The common version to merge against after an epoch reset (the server was
/// restored from a backup): what the two versions share. Revisions from
/// before the restore say nothing about which side is older, and the last
/// common version may be newer than the restored copy, so neither side's
/// words count as removed: short fields that differ conflict (as in
/// [`assumed_base`]), a text keeps the sentences both have in order (so each
/// side's other sentences are additions), a list keeps the items both have
/// unchanged.
pub fn shared_base(ours: &Proposal, theirs: &Proposal) -> Proposal {
    fn short(a: &str, b: &str) -> String {
        if a == b {
            return a.to_string();
        }
        ["", "\u{0}", "\u{0}\u{0}"]
            .into_iter()
            .find(|s| *s != a && *s != b)
            .unwrap_or_default()
            .to_string()
    }
    fn text(a: &str, b: &str) -> String {
        if a == b {
            return a.to_string();
        }
        common_sentences(&split_sentences(a), &split_sentences(b)).concat()
    }
    fn items<T: Clone + PartialEq>(a: &[T], b: &[T], id: impl Fn(&T) -> &str) -> Vec<T> {
        a.iter()
            .filter(|x| b.iter().any(|y| id(y) == id(x) && y == *x))
            .cloned()
            .collect()
    }
    let (o, t) = (ours, theirs);
    Proposal {
        title: short(&o.title, &t.title),
        summary: text(&o.summary, &t.summary),
        purpose: text(&o.purpose, &t.purpose),
        local_issue: text(&o.local_issue, &t.local_issue),
        activities: text(&o.activities, &t.activities),
        schedule: items(&o.schedule, &t.schedule, |m| &m.id),
        place: short(&o.place, &t.place),
        outcomes: text(&o.outcomes, &t.outcomes),
        role_division: text(&o.role_division, &t.role_division),
        department: short(&o.department, &t.department),
        budget: items(&o.budget, &t.budget, |b| &b.id),
        contact_person: short(&o.contact_person, &t.contact_person),
        ..assumed_base(ours, theirs)
    }
}

/// The longest run of sentences both texts have in the same order.
fn common_sentences<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<&'a str> {
    // lengths[i][j]: the longest common run of a[i..] and b[j..].
    let mut lengths = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lengths[i][j] = if a[i] == b[j] {
                lengths[i + 1][j + 1] + 1
            } else {
                lengths[i + 1][j].max(lengths[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(a[i]);
            i += 1;
            j += 1;
        } else if lengths[i + 1][j] >= lengths[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

// ------------------------------------------------------------- client ----

/// A conflict waiting for the user: the server's version beside ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictState {
    /// The server's draft the conflict is with (its revision, content, and
    /// whether it was deleted or submitted meanwhile).
    pub server: Draft,
    /// Where the two differ; `ours` is this device's value.
    pub conflicts: Vec<Conflict>,
}

/// Why the server refused this device's last change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub reason_ja: String,
    pub reason_en: String,
}

/// A draft as one device keeps it (in IndexedDB).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalDraft {
    /// The working copy the user sees and edits; `revision` is the last
    /// server revision this copy is based on.
    pub draft: Draft,
    /// The server's proposal at `draft.revision` (the last common version),
    /// `None` if never synced. During a conflict: the base it was found with.
    pub last_common: Option<Proposal>,
    pub conflict: Option<ConflictState>,
    /// The server's last refusal, until the next accepted change.
    #[serde(default)]
    pub rejected: Option<Rejection>,
}

impl LocalDraft {
    /// A new draft, only on this device.
    pub fn new(id: DraftId, proposal: Proposal, now_ms: u64) -> LocalDraft {
        LocalDraft {
            draft: Draft {
                id,
                group_id: proposal.group_id.clone(),
                revision: 0,
                proposal,
                deleted: false,
                submitted_at: None,
                updated_at_ms: now_ms,
            },
            last_common: None,
            conflict: None,
            rejected: None,
        }
    }

    /// A draft exactly as the server has it.
    pub fn from_server(remote: &Draft) -> LocalDraft {
        LocalDraft {
            draft: remote.clone(),
            last_common: Some(remote.proposal.clone()),
            conflict: None,
            rejected: None,
        }
    }

    /// The user changed the content.
    pub fn edit(&mut self, proposal: Proposal, now_ms: u64) {
        self.draft.proposal = proposal;
        self.draft.updated_at_ms = now_ms;
    }

    /// Whether this device has something the server may not: never synced,
    /// content differing from the last common version, an open conflict, or
    /// `waiting` (the outbox holds a mutation for it).
    pub fn has_unsent(&self, waiting: bool) -> bool {
        waiting
            || self.conflict.is_some()
            || self.draft.revision == 0
            || self.last_common.as_ref() != Some(&self.draft.proposal)
    }

    /// The state the draft list shows; `waiting`: the outbox holds a
    /// mutation for this draft ([`Outbox::is_waiting`]).
    pub fn state(&self, waiting: bool) -> DraftState {
        if self.conflict.is_some() {
            DraftState::Conflict
        } else if self.draft.submitted_at.is_some() {
            DraftState::Submitted
        } else if self.draft.revision == 0 {
            DraftState::OnlyLocal
        } else if self.has_unsent(waiting) {
            DraftState::Waiting
        } else {
            DraftState::Synced
        }
    }

    /// The newest server revision this device has seen.
    fn seen_revision(&self) -> u64 {
        self.conflict
            .as_ref()
            .map_or(self.draft.revision, |c| c.server.revision)
    }
}

/// Takes a server version into a local draft that may have unsent edits:
/// merged against `base`; what cannot be merged becomes a conflict. The
/// local edits are never dropped.
fn absorb(local: &LocalDraft, base: &Proposal, remote: &Draft) -> LocalDraft {
    let ours = &local.draft.proposal;
    let changed_here = ours != base;
    // Deleted here, not yet sent: kept deleted unless the server's content
    // changed since (then edits elsewhere win and the delete is dropped).
    if local.draft.deleted && remote.deleted {
        return LocalDraft::from_server(remote);
    }
    if local.draft.deleted {
        if remote.proposal == *base || remote.proposal == *ours {
            let mut l = local.clone();
            l.draft.revision = remote.revision;
            l.last_common = Some(remote.proposal.clone());
            l.conflict = None;
            return l;
        }
        return LocalDraft::from_server(remote);
    }
    let out = merge_proposals(base, ours, &remote.proposal);
    let submitted_elsewhere = remote.submitted_at.is_some() && out.merged != remote.proposal;
    let mut l = local.clone();
    if out.conflicts.is_empty() && !submitted_elsewhere {
        l.draft.proposal = out.merged;
        l.draft.revision = remote.revision;
        // A draft deleted elsewhere stays alive here if it has edits to keep.
        l.draft.deleted = remote.deleted && !changed_here;
        l.draft.submitted_at = remote.submitted_at.clone();
        l.last_common = Some(remote.proposal.clone());
        l.conflict = None;
    } else {
        l.draft.proposal = out.merged;
        l.draft.deleted = false;
        l.last_common = Some(base.clone());
        l.conflict = Some(ConflictState {
            server: remote.clone(),
            conflicts: out.conflicts,
        });
    }
    l
}

/// The local draft after the server answered `sent` with `result`.
pub fn apply_result(local: &LocalDraft, sent: &Mutation, result: &MutationResult) -> LocalDraft {
    let mut l = local.clone();
    if result.id != sent.id || sent.draft != local.draft.id {
        return l;
    }
    let server_draft = |revision: u64, proposal: &Proposal| Draft {
        revision,
        proposal: proposal.clone(),
        deleted: false,
        submitted_at: None,
        ..local.draft.clone()
    };
    match (&result.outcome, &sent.op) {
        (Outcome::Applied { revision, .. }, Op::Put { proposal, .. }) => {
            l.draft.revision = *revision;
            l.last_common = Some(proposal.clone());
            l.rejected = None;
        }
        (Outcome::Applied { revision, .. }, Op::Delete) => {
            // Our tombstone holds the server's content at our base; so does
            // this copy. A draft already deleted elsewhere comes with the
            // next pull (its revision is not ours to claim).
            if *revision == sent.base_revision.saturating_add(1) {
                l.draft.revision = *revision;
            }
            if let Some(p) = &l.last_common {
                l.draft.proposal = p.clone();
            }
            l.rejected = None;
        }
        (
            Outcome::Applied {
                revision,
                submitted_at,
            },
            Op::Submit,
        ) => {
            l.draft.revision = *revision;
            l.draft.submitted_at = submitted_at.clone();
            l.rejected = None;
        }
        (Outcome::Merged { revision, draft }, Op::Put { proposal, .. }) => {
            // Merge again locally: the server's merge against what was sent,
            // keeping whatever the user typed since.
            l = absorb(local, proposal, &server_draft(*revision, draft));
            l.rejected = None;
        }
        (
            Outcome::Conflict {
                revision,
                server,
                server_deleted,
                ..
            },
            Op::Put { proposal, base },
        ) => {
            let base = base
                .clone()
                .unwrap_or_else(|| assumed_base(proposal, server));
            let remote = Draft {
                deleted: *server_deleted,
                ..server_draft(*revision, server)
            };
            l = absorb(local, &base, &remote);
            l.rejected = None;
        }
        (
            Outcome::Rejected {
                reason_ja,
                reason_en,
            },
            op,
        ) => {
            if matches!(op, Op::Delete) {
                // The server kept the draft; so does this device.
                l.draft.deleted = false;
            }
            l.rejected = Some(Rejection {
                reason_ja: reason_ja.clone(),
                reason_en: reason_en.clone(),
            });
        }
        // Merged or Conflict answering a Delete or Submit: not produced by
        // `decide`; leave the draft as it is.
        _ => {}
    }
    l
}

/// The user's resolution of a conflict: `chosen` becomes the content, on top
/// of the server's revision. Queue a Put afterwards.
pub fn resolve(local: &LocalDraft, chosen: Proposal) -> LocalDraft {
    let mut l = local.clone();
    if let Some(c) = l.conflict.take() {
        l.draft.revision = c.server.revision;
        l.draft.submitted_at = c.server.submitted_at.clone();
        l.last_common = Some(c.server.proposal);
        l.draft.deleted = false;
    }
    l.draft.proposal = chosen;
    l
}

/// One pulled draft, into what this device has (`waiting`: the outbox holds a
/// mutation for it). A newer server revision replaces the local copy only
/// when this device has nothing unsent; otherwise it is merged or becomes a
/// conflict. After an epoch reset (`reset`), revisions are not comparable:
/// a copy that differs from the server's is merged against [`shared_base`],
/// so nothing either side holds is dropped, and re-sent.
pub fn pull_draft(
    local: Option<&LocalDraft>,
    remote: &Draft,
    reset: bool,
    waiting: bool,
) -> LocalDraft {
    let Some(l) = local else {
        return LocalDraft::from_server(remote);
    };
    if reset {
        // Restored from a backup: keep what this device holds and what the
        // server has; the merged copy is re-sent (it differs from
        // `last_common`, the server's copy).
        if l.draft.proposal == remote.proposal && l.conflict.is_none() {
            return LocalDraft::from_server(remote);
        }
        return absorb(l, &shared_base(&l.draft.proposal, &remote.proposal), remote);
    }
    if remote.revision <= l.seen_revision() {
        return l.clone();
    }
    if !l.has_unsent(waiting) {
        return LocalDraft::from_server(remote);
    }
    let base = l
        .last_common
        .clone()
        .unwrap_or_else(|| assumed_base(&l.draft.proposal, &remote.proposal));
    absorb(l, &base, remote)
}

/// What to store after a pull, in **one** IndexedDB transaction together
/// with `cursor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullChanges {
    pub cursor: String,
    /// Drafts to write (new or changed).
    pub upsert: Vec<LocalDraft>,
    /// Drafts to remove from this device.
    pub remove: Vec<DraftId>,
    /// Drafts the server no longer has but this device has edits for: queue
    /// a Put for each ([`Outbox::queue`]) so the next push recreates them.
    pub requeue: Vec<DraftId>,
}

/// A pulled page into what this device holds. Never drops an unsent edit:
/// a draft the server no longer has (removed from the feed, or missing from
/// a reset snapshot) is kept, as never synced, when it has unsent changes,
/// so the next push recreates it.
pub fn apply_pull(
    locals: &BTreeMap<DraftId, LocalDraft>,
    page: &PullResponse,
    outbox: &Outbox,
) -> PullChanges {
    let mut upsert = Vec::new();
    let mut remove = Vec::new();
    let mut requeue = Vec::new();
    let mut seen = BTreeSet::new();
    for remote in &page.items {
        seen.insert(remote.id.clone());
        let local = locals.get(&remote.id);
        let next = pull_draft(local, remote, page.reset, outbox.is_waiting(&remote.id));
        if local != Some(&next) {
            upsert.push(next);
        }
    }
    let gone: Vec<&DraftId> = if page.reset {
        locals.keys().filter(|id| !seen.contains(*id)).collect()
    } else {
        locals
            .keys()
            .filter(|id| page.deleted.iter().any(|d| d == id.as_str()))
            .collect()
    };
    for id in gone {
        let Some(l) = locals.get(id) else { continue };
        // After a reset, a draft the server lacks entirely (not even a
        // tombstone) was lost with the restore: this device sends it again.
        if (page.reset || l.has_unsent(outbox.is_waiting(id))) && !l.draft.deleted {
            let mut kept = l.clone();
            kept.draft.revision = 0;
            kept.last_common = None;
            kept.conflict = None;
            requeue.push(id.clone());
            upsert.push(kept);
        } else {
            remove.push(id.clone());
        }
    }
    PullChanges {
        cursor: page.cursor.clone(),
        upsert,
        remove,
        requeue,
    }
}

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
