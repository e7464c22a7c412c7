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
//! 6. *Submit* needs a fast-forward base, the draft's round open
//!    ([`SubmitContext`]) and [`validate`] to find nothing;
//!    otherwise `Rejected` listing what to fix (or the period). It records the
//!    server's time and the review (`review::submit`; a 差し戻し reopens).
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
//! re-queues a Put, and a Delete not yet sent is dropped when the server's
//! content changed since, with the text typed before it merged in like any
//! unsent edit: edits made before deleting reach the server. A draft in
//! conflict is not sent until the user resolves it. A pulled or merged
//! server version never replaces an unsent local edit: it is merged with
//! it, or becomes a conflict that keeps both.
//!
//! **Order of in-flight work.** A pull is taken only when no request is
//! unanswered ([`Outbox::may_pull`]; [`apply_pull`] refuses otherwise): a
//! sync re-sends the unanswered request and applies its answer, then pulls,
//! then queues what is still unsent ([`Outbox::requeue_unsent`]) and pushes.
//! And an answer about an older revision than a copy has seen changes
//! nothing ([`apply_result`]). So no answer meets a copy a pull rewrote.
//!
//! **Submitted elsewhere.** A submitted version that arrives while this
//! device holds text the server never received makes the copy the
//! submitted version and keeps that text beside it ([`LeftOut`],
//! [`DraftState::SubmittedWithoutYours`]): never "synced", never a conflict
//! with nothing to choose, nothing more sent for it.
//!
//! **Retries.** Only our server's JSON refusal of a whole push (a 4xx other
//! than 401, 408, 429) is final ([`push_refusal_is_final`]); everything
//! else is retried after [`retry_delay_ms`].

mod client;
mod ids;
mod outbox;
mod server;
mod submit;
mod wire;

pub use client::{
    ConflictState, LeftOut, LocalDraft, PullChanges, Rejection, UnansweredRequest, apply_pull,
    apply_result, left_out_fields, pull_draft, resolve,
};
pub use ids::{ClientId, DraftId, IdError, MutationId};
pub use outbox::{Intent, Outbox, push_refusal_is_final, retry_delay_ms};
pub use server::{Decision, ServerTime, SubmitContext, assumed_base, decide, shared_base};
pub use submit::{Submission, SubmitAnswer};
pub use wire::{
    Draft, DraftState, MAX_MUTATIONS_PER_PUSH, Mutation, MutationResult, Op, Outcome, PullResponse,
    PushError, PushRequest, PushResponse,
};
