//! Submitting from a phone (市に提出する) through
//! `POST /api/drafts/{id}/submit`, offline first.
//!
//! The member's request is kept with the draft ([`LocalDraft::submission`],
//! in IndexedDB with it): the phone says 送信待ち and shows the draft
//! read-only until the server answers. The request goes out once the
//! draft's text is on the server (nothing unsent, nothing queued or in
//! flight for it, no conflict), so the server submits exactly what the
//! member saw; [`LocalDraft::submit_due`] says when and at which revision.
//! A receipt (受付番号 and the server's time) makes the copy submitted
//! ([`LocalDraft::on_receipt`]); a refusal (after the deadline, not
//! complete, changed elsewhere) leaves the draft editable as a draft with
//! the server's words ([`LocalDraft::on_submit_refused`]); no answer keeps
//! it waiting, retried like the pull. Nothing typed is touched.

use serde::{Deserialize, Serialize};

use super::client::LocalDraft;
use crate::proposal::Proposal;
use crate::review::{Receipt, Review, Status};

/// A submission this device asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Submission {
    /// 送信待ち: asked for at `asked_at_ms` (this device's clock) with
    /// `proposal` on screen; sent when due, until the server answers.
    Waiting {
        asked_at_ms: u64,
        /// What the member saw when they pressed 市に提出する: only that
        /// is submitted (a pull that changes it ends the wait, see
        /// [`LocalDraft::end_wait_if_changed`]).
        #[serde(default)]
        proposal: Option<Box<Proposal>>,
    },
    /// The server refused the last one; shown until the member submits
    /// again. The draft is an editable draft meanwhile.
    Refused {
        code: String,
        reason_ja: String,
        reason_en: String,
    },
}

impl Submission {
    pub fn is_waiting(&self) -> bool {
        matches!(self, Submission::Waiting { .. })
    }
}

/// The server's answer to a submission, as the app read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitAnswer {
    Accepted(Receipt),
    /// A 4xx with the server's JSON (`round_closed`, `not_submittable`, …).
    Refused {
        code: String,
        reason_ja: String,
        reason_en: String,
    },
}

impl LocalDraft {
    /// The member pressed 市に提出する: waiting from now (a refusal shown
    /// before is replaced). A submitted or deleted draft is left alone.
    pub fn ask_submit(&mut self, now_ms: u64) {
        if self.draft.submitted_at.is_none() && !self.draft.deleted {
            self.submission = Some(Submission::Waiting {
                asked_at_ms: now_ms,
                proposal: Some(Box::new(self.draft.proposal.clone())),
            });
        }
    }

    /// 送信待ち: asked for here and not answered yet.
    pub fn submit_waiting(&self) -> bool {
        self.draft.submitted_at.is_none()
            && self.submission.as_ref().is_some_and(Submission::is_waiting)
    }

    /// The server's refusal of the last submission, if that is where it stands.
    pub fn submit_refusal(&self) -> Option<(&str, &str)> {
        match &self.submission {
            Some(Submission::Refused {
                reason_ja,
                reason_en,
                ..
            }) if self.draft.submitted_at.is_none() => Some((reason_ja, reason_en)),
            _ => None,
        }
    }

    /// The revision to submit now, when a waiting submission is due: the
    /// server has exactly this copy (`waiting`: the outbox still holds a
    /// mutation for it), so the submitted text is the one on screen.
    pub fn submit_due(&self, waiting: bool) -> Option<u64> {
        let due = self.submit_waiting()
            && !self.draft.deleted
            && self.draft.revision > 0
            && !self.has_unsent(waiting)
            && self.kept_text().is_none()
            && self.submits_what_was_seen();
        due.then_some(self.draft.revision)
    }

    fn submits_what_was_seen(&self) -> bool {
        match &self.submission {
            Some(Submission::Waiting {
                proposal: Some(seen),
                ..
            }) => **seen == self.draft.proposal,
            _ => true,
        }
    }

    /// After a pull or a merged answer into this copy: a waiting
    /// submission whose content another phone changed meanwhile is not
    /// sent; the member checks the new content and submits again. Returns
    /// whether it ended the wait.
    pub fn end_wait_if_changed(&mut self) -> bool {
        let changed = self.submit_waiting() && !self.submits_what_was_seen();
        if changed {
            self.submission = Some(Submission::Refused {
                code: "changed_elsewhere".into(),
                reason_ja: "送信待ちの間に別の端末で内容が変わったため、提出しませんでした。内容を確かめて、もう一度提出してください。".into(),
                reason_en: "The proposal was changed on another phone while the submission waited, so it was not submitted. Check it and submit again.".into(),
            });
        }
        changed
    }

    /// The server's answer to the submission sent at `base_revision`. An
    /// answer about an older revision than this copy holds (the copy moved
    /// on meanwhile) changes nothing but the waiting mark, which stays.
    pub fn on_submit_answer(&self, base_revision: u64, answer: &SubmitAnswer) -> LocalDraft {
        let mut l = self.clone();
        if !self.submit_waiting() || self.draft.revision != base_revision {
            return l;
        }
        match answer {
            SubmitAnswer::Accepted(receipt) => {
                // Submitted as the server has it at `base_revision`; the next
                // pull brings the new revision and the review's history.
                l.draft.submitted_at = Some(receipt.submitted_at.clone());
                let history = self
                    .draft
                    .review
                    .as_ref()
                    .map(|r| r.history.clone())
                    .unwrap_or_default();
                l.draft.review = Some(Review {
                    status: receipt.status,
                    receipt_no: receipt.receipt_no.clone(),
                    history,
                });
                l.submission = None;
                l.rejected = None;
            }
            SubmitAnswer::Refused {
                code,
                reason_ja,
                reason_en,
            } => {
                l.submission = Some(Submission::Refused {
                    code: code.clone(),
                    reason_ja: reason_ja.clone(),
                    reason_en: reason_en.clone(),
                });
            }
        }
        l
    }

    /// How many status changes the city made (差し戻し, 受付, 採択, …).
    pub fn staff_moves(&self) -> usize {
        self.draft.review.as_ref().map_or(0, |r| {
            r.history
                .iter()
                .filter(|t| matches!(t.by, crate::review::Actor::Staff { .. }))
                .count()
        })
    }

    /// The city changed the status since this device last showed it.
    pub fn review_is_new(&self) -> bool {
        self.staff_moves() > self.seen_staff_moves
    }

    /// This device showed the review as it is now.
    pub fn mark_review_seen(&mut self) {
        self.seen_staff_moves = self.staff_moves();
    }

    /// The receipt of the last submission (受付番号 and the server's time),
    /// when the draft is submitted and numbered.
    pub fn receipt(&self) -> Option<(&str, &str, Status)> {
        let review = self.draft.review.as_ref()?;
        let at = self.draft.submitted_at.as_deref()?;
        (!review.receipt_no.is_empty()).then_some((review.receipt_no.as_str(), at, review.status))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DivisionId;
    use crate::proposal::Proposal;
    use crate::review::{Actor, Transition};
    use crate::sync::{DraftId, DraftState};

    fn synced() -> LocalDraft {
        let p = Proposal::new_draft(2026, DivisionId::from("general"), "g-1".into());
        let mut l = LocalDraft::new(DraftId::parse("draft-0001").unwrap(), p, 1);
        l.draft.revision = 3;
        l.last_common = Some(l.draft.proposal.clone());
        l
    }

    fn receipt() -> Receipt {
        Receipt {
            draft_id: "draft-0001".into(),
            receipt_no: "2026-0001".into(),
            submitted_at: "2026-12-01T10:00:00+09:00".into(),
            revision: 4,
            status: Status::Submitted,
        }
    }

    #[test]
    fn a_submission_waits_until_the_text_is_on_the_server() {
        let mut l = synced();
        l.ask_submit(10);
        assert_eq!(l.state(false), DraftState::SubmitWaiting);
        assert_eq!(l.submit_due(true), None, "a Put still queued goes first");
        assert_eq!(l.submit_due(false), Some(3));
        let mut typed = l.clone();
        typed.draft.proposal.title = "まだ送っていない題".into();
        assert_eq!(typed.submit_due(false), None, "unsent text goes first");
        let mut new = l.clone();
        new.draft.revision = 0;
        assert_eq!(new.submit_due(false), None, "never synced");
    }

    #[test]
    fn a_receipt_submits_the_copy_and_a_refusal_leaves_it_editable() {
        let mut l = synced();
        l.ask_submit(10);
        let done = l.on_submit_answer(3, &SubmitAnswer::Accepted(receipt()));
        assert_eq!(done.state(false), DraftState::Submitted);
        assert_eq!(
            done.receipt(),
            Some(("2026-0001", "2026-12-01T10:00:00+09:00", Status::Submitted))
        );
        assert_eq!(done.draft.revision, 3, "the pull brings the new revision");

        let refused = l.on_submit_answer(
            3,
            &SubmitAnswer::Refused {
                code: "round_closed".into(),
                reason_ja: "締切を過ぎました。".into(),
                reason_en: "The deadline has passed.".into(),
            },
        );
        assert_eq!(
            refused.state(false),
            DraftState::Synced,
            "an editable draft"
        );
        assert_eq!(
            refused.submit_refusal(),
            Some(("締切を過ぎました。", "The deadline has passed."))
        );
        assert_eq!(
            refused.draft.proposal, l.draft.proposal,
            "nothing typed is lost"
        );
        let mut again = refused.clone();
        again.ask_submit(20);
        assert!(again.submit_waiting() && again.submit_refusal().is_none());
    }

    #[test]
    fn an_answer_about_an_older_revision_changes_nothing() {
        let mut l = synced();
        l.ask_submit(10);
        let mut moved = l.clone();
        moved.draft.revision = 5;
        moved.last_common = Some(moved.draft.proposal.clone());
        assert_eq!(
            moved.on_submit_answer(3, &SubmitAnswer::Accepted(receipt())),
            moved
        );
    }

    #[test]
    fn the_citys_answer_is_new_until_this_device_shows_it() {
        let mut l = synced();
        assert!(!l.review_is_new());
        l.draft.review = Some(Review {
            status: Status::Returned,
            receipt_no: "2026-0001".into(),
            history: vec![
                Transition {
                    by: Actor::Group { login: "a".into() },
                    at: "t1".into(),
                    from: None,
                    to: Status::Submitted,
                    comment: String::new(),
                },
                Transition {
                    by: Actor::Staff { login: "s".into() },
                    at: "t2".into(),
                    from: Some(Status::Submitted),
                    to: Status::Returned,
                    comment: "予算を見直してください".into(),
                },
            ],
        });
        assert!(l.review_is_new());
        l.mark_review_seen();
        assert!(!l.review_is_new());
    }

    #[test]
    fn a_pull_keeps_this_devices_marks_and_ends_the_wait_once_submitted() {
        use crate::FeedPage;
        use crate::sync::{ClientId, Outbox, apply_pull};
        use std::collections::BTreeMap;
        let mut l = synced();
        l.ask_submit(10);
        l.seen_staff_moves = 1;
        let mut locals = BTreeMap::new();
        locals.insert(l.draft.id.clone(), l.clone());
        let outbox = Outbox::new(ClientId::parse("client-0001").unwrap());
        let page = |draft: crate::sync::Draft| FeedPage {
            cursor: "e.9".into(),
            reset: false,
            items: vec![draft],
            deleted: Vec::new(),
            more: false,
        };
        // Another member's edit arrives: still waiting, still seen.
        let mut edited = l.draft.clone();
        edited.revision = 4;
        edited.proposal.title = "別の端末で直した題".into();
        let ch = apply_pull(&locals, &page(edited), &outbox).unwrap();
        assert!(!ch.upsert[0].submit_waiting(), "not what the member saw");
        assert_eq!(ch.upsert[0].seen_staff_moves, 1);
        assert_eq!(ch.upsert[0].submit_due(false), None);
        let (ja, _) = ch.upsert[0].submit_refusal().unwrap();
        assert!(ja.contains("別の端末で内容が変わった"), "{ja}");
        // A pull that changes nothing of the content (the review, a new
        // revision) keeps it waiting.
        let mut same = l.draft.clone();
        same.revision = 4;
        let ch = apply_pull(&locals, &page(same), &outbox).unwrap();
        assert!(ch.upsert[0].submit_waiting());
        assert_eq!(ch.upsert[0].submit_due(false), Some(4));
        // Submitted (from here, its answer lost, or elsewhere): the wait ends.
        let mut submitted = l.draft.clone();
        submitted.revision = 5;
        submitted.submitted_at = Some("2026-12-01T10:00:00+09:00".into());
        let ch = apply_pull(&locals, &page(submitted), &outbox).unwrap();
        assert_eq!(ch.upsert[0].submission, None);
        assert_eq!(ch.upsert[0].state(false), DraftState::Submitted);
    }
}
