//! The city's side of a proposal: the group's submission with a receipt
//! (`POST /api/drafts/{id}/submit`), and the staff endpoints (the list of
//! submissions, one submission, a status change with its comment).
//!
//! The review travels in the draft (`Draft::review`): a status change
//! writes the draft with the next change number and revision, so the
//! group's phones pull status, comments and history like any change. A
//! 差し戻し clears `submitted_at`: the group edits and submits again, under
//! the same 受付番号. Staff never change the group's text, and never see a
//! draft that was not submitted (nor the text of a returned one being
//! edited).

use tsunagari_core::review::{
    Actor, Receipt, Review, StaffSubmission, Status, SubmissionSummary, Transition,
    TransitionError, TransitionRequest, staff_move,
};
use tsunagari_core::round::{Round, round_of};
use tsunagari_core::sync::{
    ClientId, Decision, Draft, DraftId, Mutation, MutationId, Op, Outcome, SubmitContext, decide,
};

use crate::auth::Member;
use crate::clock::Millis;
use crate::store::{DraftTx, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("There is no draft with the id {0:?} for your group.")]
    DraftNotFound(String),
    #[error("There is no submitted proposal with the id {0:?}.")]
    SubmissionNotFound(String),
    /// Outside the round's period (409 `round_closed` / `round_not_open`).
    #[error("{en}")]
    Period {
        code: &'static str,
        ja: String,
        en: String,
    },
    /// Not complete, already submitted, or changed elsewhere (422
    /// `not_submittable`), with `decide`'s reasons.
    #[error("{en}")]
    NotSubmittable { ja: String, en: String },
    #[error("{}", .0.message_en())]
    Transition(TransitionError),
    #[error("The proposal changed while this request ran; reload it and try again.")]
    Busy,
    #[error("The server's clock is not set to a usable date; please tell the maintainers.")]
    Clock,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The client id the submit endpoint decides under (it keeps no replay
/// state: a repeated submission answers the receipt it has).
const SUBMIT_CLIENT: &str = "server-submit";

fn receipt(draft: &Draft) -> Option<Receipt> {
    let review = draft.review.as_ref()?;
    Some(Receipt {
        draft_id: draft.id.to_string(),
        receipt_no: review.receipt_no.clone(),
        submitted_at: draft.submitted_at.clone()?,
        revision: draft.revision,
        status: review.status,
    })
}

/// Gives a first submission its 受付番号, in the writing transaction.
pub async fn number(tx: &mut DraftTx, draft: &mut Draft) -> Result<(), StoreError> {
    if let Some(review) = draft.review.as_mut()
        && review.receipt_no.is_empty()
    {
        review.receipt_no = tx.next_receipt(draft.proposal.fiscal_year).await?;
    }
    Ok(())
}

/// `POST /api/drafts/{id}/submit`: the member's group's draft, at
/// `base_revision`, submitted now if its round is open and nothing is
/// missing. A draft already submitted answers its receipt again.
pub async fn submit(
    store: &Store,
    member: &Member,
    id: &DraftId,
    base_revision: u64,
    clock: impl Fn() -> Option<Millis>,
) -> Result<Receipt, ReviewError> {
    let not_found = || ReviewError::DraftNotFound(id.to_string());
    let rounds = store.rounds().await?;
    let current = store
        .draft(&member.group_id, id)
        .await?
        .ok_or_else(not_found)?;
    if current.submitted_at.is_some()
        && let Some(r) = receipt(&current)
    {
        return Ok(r);
    }
    let now = clock()
        .and_then(Millis::server_time)
        .ok_or(ReviewError::Clock)?;
    let round = round_of(&current.proposal, &rounds);
    let now_unix = i64::try_from(now.unix_ms / 1000).unwrap_or(i64::MAX);
    if let Some(r) = round {
        let code = match r.period.state(now_unix) {
            tsunagari_core::round::PeriodState::Open => None,
            tsunagari_core::round::PeriodState::NotOpen => Some("round_not_open"),
            tsunagari_core::round::PeriodState::Closed => Some("round_closed"),
        };
        if let (Some(code), Some((ja, en))) = (code, r.period.refusal(now_unix)) {
            return Err(ReviewError::Period { code, ja, en });
        }
    }
    let m = Mutation {
        id: MutationId {
            client: ClientId::parse(SUBMIT_CLIENT).map_err(|_| ReviewError::Clock)?,
            n: 1,
        },
        draft: id.clone(),
        base_revision,
        op: Op::Submit,
    };
    let ctx = SubmitContext {
        round,
        member: &member.login,
    };
    let mut new = match decide(Some(&current), None, None, &m, &now, ctx) {
        Decision::Write { new, .. } => new,
        Decision::Record(r) | Decision::Replay(r) => {
            let (ja, en) = match r.outcome {
                Outcome::Rejected {
                    reason_ja,
                    reason_en,
                } => (reason_ja, reason_en),
                _ => (
                    "提出できませんでした。".into(),
                    "The proposal was not submitted.".into(),
                ),
            };
            return Err(ReviewError::NotSubmittable { ja, en });
        }
    };
    let mut tx = store.begin_mutation().await?;
    if tx.draft(id).await?.as_ref() != Some(&current) {
        return Err(ReviewError::Busy); // dropping `tx` rolls back
    }
    number(&mut tx, &mut new).await?;
    tx.write_draft(&new).await?;
    tx.commit().await?;
    receipt(&new).ok_or_else(not_found)
}

/// A submission stored before reviews existed: submitted, no number yet
/// (the next status change gives it one).
fn review_of(draft: &Draft) -> Option<Review> {
    if let Some(r) = &draft.review {
        return Some(r.clone());
    }
    let at = draft.submitted_at.clone()?;
    Some(Review {
        status: Status::Submitted,
        receipt_no: String::new(),
        history: vec![Transition {
            by: Actor::Group {
                login: String::new(),
            },
            at,
            from: None,
            to: Status::Submitted,
            comment: String::new(),
        }],
    })
}

fn summary(draft: &Draft, review: &Review) -> SubmissionSummary {
    let p = &draft.proposal;
    SubmissionSummary {
        draft_id: draft.id.to_string(),
        group_id: draft.group_id.clone(),
        receipt_no: review.receipt_no.clone(),
        status: review.status,
        submitted_at: draft.submitted_at.clone().unwrap_or_default(),
        fiscal_year: p.fiscal_year,
        round: p.round.as_ref().map(|r| r.id.clone()),
        division: p.division.to_string(),
        department: p.department.clone(),
        title: p.title.clone(),
    }
}

/// What staff filter the list by; each `None` is "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub round: Option<String>,
    pub division: Option<String>,
    pub department: Option<String>,
    pub status: Option<Status>,
}

impl Filter {
    fn keeps(&self, s: &SubmissionSummary, rounds: &[Round], draft: &Draft) -> bool {
        let round_ok = self.round.as_ref().is_none_or(|want| {
            round_of(&draft.proposal, rounds).is_some_and(|r| &r.id == want)
                || s.round.as_ref() == Some(want)
        });
        round_ok
            && self.division.as_ref().is_none_or(|d| *d == s.division)
            && self.department.as_ref().is_none_or(|d| *d == s.department)
            && self.status.is_none_or(|st| st == s.status)
    }
}

/// `GET /api/staff/submissions`: every submitted proposal (returned ones
/// too) that `filter` keeps, oldest change first.
pub async fn list(store: &Store, filter: &Filter) -> Result<Vec<SubmissionSummary>, StoreError> {
    let rounds = store.rounds().await?;
    Ok(store
        .reviewed_drafts()
        .await?
        .iter()
        .filter_map(|d| {
            let s = summary(d, &review_of(d)?);
            filter.keeps(&s, &rounds, d).then_some(s)
        })
        .collect())
}

/// `GET /api/staff/submissions/{id}`.
pub async fn one(store: &Store, id: &DraftId) -> Result<StaffSubmission, ReviewError> {
    let not_found = || ReviewError::SubmissionNotFound(id.to_string());
    let draft = store
        .any_draft(id)
        .await?
        .filter(|d| !d.deleted)
        .ok_or_else(not_found)?;
    let review = review_of(&draft).ok_or_else(not_found)?;
    Ok(StaffSubmission {
        summary: summary(&draft, &review),
        proposal: (review.status != Status::Returned).then(|| draft.proposal.clone()),
        review,
    })
}

/// `POST /api/staff/submissions/{id}/transition`: one status change by
/// `staff`, recorded in the history, written with the next change number.
pub async fn transition(
    store: &Store,
    staff: &Member,
    id: &DraftId,
    req: &TransitionRequest,
    clock: impl Fn() -> Option<Millis>,
) -> Result<StaffSubmission, ReviewError> {
    let not_found = || ReviewError::SubmissionNotFound(id.to_string());
    let now = clock()
        .and_then(Millis::server_time)
        .ok_or(ReviewError::Clock)?;
    let mut tx = store.begin_mutation().await?;
    let current = tx
        .draft(id)
        .await?
        .filter(|d| !d.deleted)
        .ok_or_else(not_found)?;
    let review = review_of(&current).ok_or_else(not_found)?;
    let next = staff_move(
        Some(&review),
        req.to,
        &staff.login,
        &now.rfc3339,
        &req.comment,
    )
    .map_err(ReviewError::Transition)?;
    let mut new = Draft {
        revision: current.revision.saturating_add(1),
        updated_at_ms: now.unix_ms,
        submitted_at: if next.status == Status::Returned {
            None
        } else {
            current.submitted_at.clone()
        },
        review: Some(next),
        ..current
    };
    number(&mut tx, &mut new).await?;
    tx.write_draft(&new).await?;
    tx.commit().await?;
    let review = new.review.clone().ok_or_else(not_found)?;
    Ok(StaffSubmission {
        summary: summary(&new, &review),
        proposal: (review.status != Status::Returned).then_some(new.proposal),
        review,
    })
}
