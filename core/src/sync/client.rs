//! A device's copy of a draft ([`LocalDraft`]) and how answers, pulls and
//! resolutions change it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::ids::DraftId;
use super::outbox::Outbox;
use super::server::{assumed_base, shared_base};
use super::submit::Submission;
use super::wire::{Draft, DraftState, Mutation, MutationResult, Op, Outcome, PullResponse};
use crate::merge::{Conflict, merge_proposals};
use crate::proposal::{Field, Proposal};

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
    /// The draft was submitted elsewhere without this device's unsent text:
    /// that text, kept until the member dismisses it.
    #[serde(default)]
    pub left_out: Option<LeftOut>,
    /// A submission asked for on this device and not yet accepted (送信待ち),
    /// or the server's refusal of the last one (see [`super::submit`]).
    #[serde(default)]
    pub submission: Option<Submission>,
    /// How many of the city's status changes this device has shown
    /// (a newer one is marked new until seen; per device, never synced).
    #[serde(default)]
    pub seen_staff_moves: usize,
}

/// This device's text that a submission from another device did not
/// include (the proposal is read-only now, so it can no longer be merged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    /// This device's version when it learnt of the submission.
    pub proposal: Proposal,
    /// The fields this device changed that the submitted version lacks, in
    /// form order (what to show first).
    pub fields: Vec<Field>,
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
                review: None,
            },
            last_common: None,
            conflict: None,
            rejected: None,
            left_out: None,
            submission: None,
            seen_staff_moves: 0,
        }
    }

    /// A draft exactly as the server has it.
    pub fn from_server(remote: &Draft) -> LocalDraft {
        LocalDraft {
            draft: remote.clone(),
            last_common: Some(remote.proposal.clone()),
            conflict: None,
            rejected: None,
            left_out: None,
            submission: None,
            seen_staff_moves: 0,
        }
    }

    /// The user changed the content. A submitted copy is read-only: text
    /// that still reaches it (typed as the submission arrived) is kept
    /// beside it, with what was kept before, never mixed into it.
    pub fn edit(&mut self, proposal: Proposal, now_ms: u64) {
        self.draft.updated_at_ms = now_ms;
        if self.draft.submitted_at.is_some() {
            let submitted = &self.draft.proposal;
            let fields = left_out_fields(submitted, &proposal, submitted);
            if !fields.is_empty() {
                self.left_out = Some(LeftOut { proposal, fields });
            }
            return;
        }
        self.draft.proposal = proposal;
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
        if self.kept_text().is_some() {
            DraftState::SubmittedWithoutYours
        } else if self.conflict.is_some() {
            DraftState::Conflict
        } else if self.draft.submitted_at.is_some() {
            DraftState::Submitted
        } else if self.submit_waiting() {
            DraftState::SubmitWaiting
        } else if self.draft.revision == 0 {
            DraftState::OnlyLocal
        } else if self.has_unsent(waiting) {
            DraftState::Waiting
        } else {
            DraftState::Synced
        }
    }

    /// This device's text left out of a submission made elsewhere, if any.
    /// Also covers a copy stored by an older release, which kept it as a
    /// "conflict" with a submitted server version and no conflicting field.
    pub fn kept_text(&self) -> Option<&Proposal> {
        match (&self.left_out, &self.conflict) {
            (Some(k), _) => Some(&k.proposal),
            (None, Some(c)) if c.server.submitted_at.is_some() => Some(&self.draft.proposal),
            _ => None,
        }
    }

    /// The member copied the text left out of a submission (or does not
    /// want it): forget it. The draft stays the submitted version.
    pub fn dismiss_left_out(&mut self) {
        self.left_out = None;
        if let Some(c) = self.conflict.take_if(|c| c.server.submitted_at.is_some()) {
            *self = LocalDraft::from_server(&c.server);
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
    if remote.submitted_at.is_some() {
        return submitted_without(local, base, remote);
    }
    let ours = &local.draft.proposal;
    let changed_here = ours != base;
    // Deleted here, not yet sent: kept deleted unless the server's content
    // changed since. Then edits elsewhere win and the delete is dropped, and
    // what this device typed before deleting is merged in like any unsent
    // edit (as when the server refuses the delete).
    if local.draft.deleted && remote.deleted {
        return LocalDraft::from_server(remote);
    }
    if local.draft.deleted && (remote.proposal == *base || remote.proposal == *ours) {
        let mut l = local.clone();
        l.draft.review = remote.review.clone();
        l.draft.revision = remote.revision;
        l.last_common = Some(remote.proposal.clone());
        l.conflict = None;
        return l;
    }
    let out = merge_proposals(base, ours, &remote.proposal);
    let mut l = local.clone();
    // The review is the server's alone: status and comments always come through.
    l.draft.review = remote.review.clone();
    if out.conflicts.is_empty() {
        l.draft.proposal = out.merged;
        l.draft.revision = remote.revision;
        // A draft deleted elsewhere stays alive here if it has edits to keep.
        l.draft.deleted = remote.deleted && !changed_here;
        l.draft.submitted_at = None;
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

/// The server's submitted version (`remote`) met a copy with text it lacks:
/// the submission cannot be changed any more, so the copy becomes the
/// submitted version (read-only, nothing left to send) and what this device
/// changed since `base` and the submission lacks is kept in
/// [`LocalDraft::left_out`]. Also when the copy was deleted here: that
/// deletion cannot happen any more, so what was typed before it is kept
/// (as when the server refuses a deletion).
fn submitted_without(local: &LocalDraft, base: &Proposal, remote: &Draft) -> LocalDraft {
    let mut l = LocalDraft::from_server(remote);
    l.left_out = local.left_out.clone();
    let ours = &local.draft.proposal;
    if l.left_out.is_none() {
        let fields = left_out_fields(base, ours, &remote.proposal);
        if !fields.is_empty() {
            l.left_out = Some(LeftOut {
                proposal: ours.clone(),
                fields,
            });
        }
    }
    l
}

/// The fields `ours` changed since `base` that `submitted` does not hold as
/// `ours` has them, in form order.
pub fn left_out_fields(base: &Proposal, ours: &Proposal, submitted: &Proposal) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut check = |field: Field, differs: fn(&Proposal, &Proposal) -> bool| {
        if differs(ours, base) && differs(ours, submitted) {
            fields.push(field);
        }
    };
    check(Field::FiscalYear, |a, b| a.fiscal_year != b.fiscal_year);
    check(Field::Division, |a, b| a.division != b.division);
    check(Field::Title, |a, b| a.title != b.title);
    check(Field::Summary, |a, b| a.summary != b.summary);
    check(Field::Purpose, |a, b| a.purpose != b.purpose);
    check(Field::LocalIssue, |a, b| a.local_issue != b.local_issue);
    check(Field::Activities, |a, b| a.activities != b.activities);
    check(Field::Schedule, |a, b| a.schedule != b.schedule);
    check(Field::Place, |a, b| a.place != b.place);
    check(Field::Outcomes, |a, b| a.outcomes != b.outcomes);
    check(Field::RoleDivision, |a, b| {
        a.role_division != b.role_division
    });
    check(Field::Department, |a, b| a.department != b.department);
    check(Field::Budget, |a, b| a.budget != b.budget);
    check(Field::ContactPerson, |a, b| {
        a.contact_person != b.contact_person
    });
    check(Field::Representative, |a, b| {
        a.representative != b.representative
    });
    check(Field::Address, |a, b| a.address != b.address);
    check(Field::Phone, |a, b| a.phone != b.phone);
    check(Field::Email, |a, b| a.email != b.email);
    fields
}

/// The server revision an answer speaks of (`None`: a refusal, which names none).
fn answered_revision(outcome: &Outcome) -> Option<u64> {
    match outcome {
        Outcome::Applied { revision, .. }
        | Outcome::Merged { revision, .. }
        | Outcome::Conflict { revision, .. } => Some(*revision),
        Outcome::Rejected { .. } => None,
    }
}

/// The local draft after the server answered `sent` with `result`.
///
/// An answer never winds a copy back: one about an older revision than the
/// copy has already seen (a late answer, after a pull moved the copy on)
/// changes nothing, since that copy holds the newer version and keeps its
/// own unsent text. With the order of [`apply_pull`] (no pull while a
/// request is unanswered) this does not happen; the check keeps it so.
pub fn apply_result(local: &LocalDraft, sent: &Mutation, result: &MutationResult) -> LocalDraft {
    let mut l = local.clone();
    if result.id != sent.id || sent.draft != local.draft.id {
        return l;
    }
    if answered_revision(&result.outcome).is_some_and(|r| r < local.seen_revision()) {
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
            // A copy no longer deleted here moved on; the next pull brings
            // the tombstone. Otherwise our tombstone holds the server's
            // content at our base, and so does this copy. A draft already
            // deleted elsewhere comes with the next pull (its revision is
            // not ours to claim).
            if !l.draft.deleted {
                return l;
            }
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
            // The server submitted its content at our base, the last common
            // version; anything typed since is kept beside it.
            let base = local
                .last_common
                .clone()
                .unwrap_or_else(|| local.draft.proposal.clone());
            let submitted = Draft {
                revision: *revision,
                proposal: base.clone(),
                submitted_at: submitted_at.clone(),
                ..server_draft(*revision, &base)
            };
            return submitted_without(local, &base, &submitted);
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
///
/// A copy stored by an older release as a "conflict" with a submitted
/// server version has nothing to resolve: it becomes the submitted version
/// with this device's text kept ([`LocalDraft::left_out`]).
pub fn resolve(local: &LocalDraft, chosen: Proposal) -> LocalDraft {
    let mut l = local.clone();
    if let Some(c) = l.conflict.take() {
        if c.server.submitted_at.is_some() {
            let base = local
                .last_common
                .clone()
                .unwrap_or_else(|| c.server.proposal.clone());
            let mut ours = local.clone();
            ours.conflict = None;
            return submitted_without(&ours, &base, &c.server);
        }
        l.draft.revision = c.server.revision;
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

/// [`pull_draft`], keeping text left out of a submission until the member
/// dismisses it.
fn pull_one(local: Option<&LocalDraft>, remote: &Draft, reset: bool, waiting: bool) -> LocalDraft {
    let mut next = pull_draft(local, remote, reset, waiting);
    if next.left_out.is_none()
        && let Some(kept) = local.and_then(|l| l.left_out.clone())
    {
        next.left_out = Some(kept);
    }
    // This device's own marks: a submission asked for here (until the
    // draft is submitted), and what it has shown of the city's answer.
    if let Some(l) = local {
        next.submission = if next.draft.submitted_at.is_none() {
            l.submission.clone()
        } else {
            None
        };
        next.seen_staff_moves = l.seen_staff_moves;
        let _ = next.end_wait_if_changed();
    }
    next
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

/// A pull was offered while a request is unanswered (see [`apply_pull`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a push request is unanswered: send it again, and take its answer, before pulling")]
pub struct UnansweredRequest;

/// A pulled page into what this device holds. Never drops an unsent edit:
/// a draft the server no longer has (removed from the feed, or missing from
/// a reset snapshot) is kept, as never synced, when it has unsent changes,
/// so the next push recreates it.
///
/// **The order of in-flight work.** A page is taken only when nothing is in
/// flight ([`Outbox::may_pull`]); otherwise this refuses and changes
/// nothing. A device re-sends its unanswered request and applies the answer
/// first, then pulls (the sync loop: push, pull, [`Outbox::requeue_unsent`],
/// push). So a pulled version never meets an answer decided before it
/// (which would merge against a copy the pull had already rewritten and
/// push the member's own words away, overwrite text typed after the pull
/// with an old "applied", or wind the revision back), and the answer to a
/// request always meets the copy it was sent from plus what was typed since.
pub fn apply_pull(
    locals: &BTreeMap<DraftId, LocalDraft>,
    page: &PullResponse,
    outbox: &Outbox,
) -> Result<PullChanges, UnansweredRequest> {
    if !outbox.may_pull() {
        return Err(UnansweredRequest);
    }
    let mut upsert = Vec::new();
    let mut remove = Vec::new();
    let mut requeue = Vec::new();
    let mut seen = BTreeSet::new();
    for remote in &page.items {
        seen.insert(remote.id.clone());
        let local = locals.get(&remote.id);
        let next = pull_one(local, remote, page.reset, outbox.is_waiting(&remote.id));
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
        if l.left_out.is_some() {
            continue; // kept until the member has copied the text
        }
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
    Ok(PullChanges {
        cursor: page.cursor.clone(),
        upsert,
        remove,
        requeue,
    })
}
