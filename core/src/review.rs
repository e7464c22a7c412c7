//! What happens to a proposal after it is submitted: the status machine
//! (提出 → 受付 → 審査中 → 採択 / 不採択, and 差し戻し with a comment, which
//! reopens the draft for the group to edit and submit again).
//!
//! A [`Review`] travels inside the draft ([`crate::sync::Draft::review`]),
//! so the group's phones get status, comments and history with the draft
//! pull. Every change is a [`Transition`] (who, when, from, to, comment);
//! [`submit`] is the group's move, [`staff_move`] the city's; anything
//! else is refused with a sentence in Japanese and English.

use serde::{Deserialize, Serialize};

/// Where a submitted proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 提出 — the group submitted it; the server gave a 受付番号.
    Submitted,
    /// 受付 — staff checked it is complete and took it in.
    Received,
    /// 審査中.
    UnderReview,
    /// 採択 (final).
    Selected,
    /// 不採択 (final).
    NotSelected,
    /// 差し戻し — returned to the group with a comment; editable again.
    Returned,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Submitted,
        Status::Received,
        Status::UnderReview,
        Status::Selected,
        Status::NotSelected,
        Status::Returned,
    ];

    /// The wire form (`under_review`).
    pub fn code(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Received => "received",
            Status::UnderReview => "under_review",
            Status::Selected => "selected",
            Status::NotSelected => "not_selected",
            Status::Returned => "returned",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Status::Submitted => "提出",
            Status::Received => "受付",
            Status::UnderReview => "審査中",
            Status::Selected => "採択",
            Status::NotSelected => "不採択",
            Status::Returned => "差し戻し",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Status::Submitted => "Submitted",
            Status::Received => "Received",
            Status::UnderReview => "Under review",
            Status::Selected => "Selected",
            Status::NotSelected => "Not selected",
            Status::Returned => "Returned for changes",
        }
    }

    /// 採択 and 不採択 end the review.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Selected | Status::NotSelected)
    }

    /// The statuses staff may move a proposal to from this one.
    pub fn staff_moves(self) -> &'static [Status] {
        match self {
            Status::Submitted => &[Status::Received, Status::Returned],
            Status::Received => &[Status::UnderReview, Status::Returned],
            Status::UnderReview => &[Status::Selected, Status::NotSelected, Status::Returned],
            Status::Selected | Status::NotSelected | Status::Returned => &[],
        }
    }
}

/// Who made a transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    /// A member of the group (their login).
    Group { login: String },
    /// A staff member of the city (their login).
    Staff { login: String },
}

/// One recorded change of status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub by: Actor,
    /// The server's time, RFC 3339.
    pub at: String,
    /// `None` for the first submission.
    pub from: Option<Status>,
    pub to: Status,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
}

/// A proposal's review: where it stands, its 受付番号 and every change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub status: Status,
    /// 受付番号, given by the server at the first submission and kept on
    /// every resubmission (`2026-0007`). Empty only inside the server
    /// between deciding and writing.
    pub receipt_no: String,
    pub history: Vec<Transition>,
}

impl Review {
    /// The newest comment staff left, if any (shown beside a returned draft).
    pub fn last_comment(&self) -> Option<&Transition> {
        self.history.iter().rev().find(|t| !t.comment.is_empty())
    }
}

/// `POST /api/drafts/{id}/submit`: submit the draft at the revision the
/// member saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    pub base_revision: u64,
}

/// The answer to an accepted submission: the receipt (受付番号 and the
/// server's time), printable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub draft_id: String,
    pub receipt_no: String,
    /// The server's time of this submission, RFC 3339.
    pub submitted_at: String,
    pub revision: u64,
    pub status: Status,
}

/// `POST /api/staff/submissions/{id}/transition`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    pub to: Status,
    #[serde(default)]
    pub comment: String,
}

/// One line of the staff's list of submissions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionSummary {
    pub draft_id: String,
    pub group_id: String,
    pub receipt_no: String,
    pub status: Status,
    /// The last submission's server time (empty while returned).
    pub submitted_at: String,
    pub fiscal_year: u16,
    /// The round's id, when the draft records one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<String>,
    /// The 部門's code (`general`).
    pub division: String,
    pub department: String,
    pub title: String,
}

/// One submission for staff: the summary, the review, and the proposal as
/// submitted. While it is returned (差し戻し) the group is editing it:
/// staff do not see that unsubmitted text (`proposal` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSubmission {
    pub summary: SubmissionSummary,
    pub review: Review,
    #[serde(default)]
    pub proposal: Option<crate::proposal::Proposal>,
}

/// The longest comment staff may leave.
pub const COMMENT_MAX: usize = 2_000;

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("{}から{}には移せません / cannot move from {} to {}", .from.label_ja(), .to.label_ja(), .from.label_en(), .to.label_en())]
    Illegal { from: Status, to: Status },
    #[error("まだ提出されていません / the proposal has not been submitted")]
    NotSubmitted,
    #[error("すでに提出済みです / the proposal is already submitted")]
    AlreadySubmitted,
    #[error(
        "差し戻しには理由のコメントが必要です / returning a proposal needs a comment saying why"
    )]
    CommentRequired,
    #[error("コメントは{COMMENT_MAX}文字以内です / a comment has at most {COMMENT_MAX} characters")]
    CommentTooLong,
}

impl TransitionError {
    pub fn message_ja(&self) -> String {
        self.to_string()
            .split(" / ")
            .next()
            .unwrap_or_default()
            .to_string()
    }
    pub fn message_en(&self) -> String {
        self.to_string()
            .split(" / ")
            .nth(1)
            .unwrap_or_default()
            .to_string()
    }
    /// The JSON error code (`illegal_transition`).
    pub fn code(&self) -> &'static str {
        match self {
            TransitionError::Illegal { .. } => "illegal_transition",
            TransitionError::NotSubmitted => "not_submitted",
            TransitionError::AlreadySubmitted => "already_submitted",
            TransitionError::CommentRequired => "comment_required",
            TransitionError::CommentTooLong => "comment_too_long",
        }
    }
}

fn check_comment(comment: &str) -> Result<(), TransitionError> {
    if comment.chars().count() > COMMENT_MAX {
        return Err(TransitionError::CommentTooLong);
    }
    Ok(())
}

/// The group submits (or, after 差し戻し, resubmits). `receipt_no` is the
/// number the server gives a first submission; a resubmission keeps the
/// one it has.
pub fn submit(
    review: Option<&Review>,
    by: Actor,
    at: &str,
    receipt_no: &str,
) -> Result<Review, TransitionError> {
    match review {
        None => Ok(Review {
            status: Status::Submitted,
            receipt_no: receipt_no.to_string(),
            history: vec![Transition {
                by,
                at: at.to_string(),
                from: None,
                to: Status::Submitted,
                comment: String::new(),
            }],
        }),
        Some(r) if r.status == Status::Returned => {
            let mut next = r.clone();
            next.status = Status::Submitted;
            next.history.push(Transition {
                by,
                at: at.to_string(),
                from: Some(Status::Returned),
                to: Status::Submitted,
                comment: String::new(),
            });
            Ok(next)
        }
        Some(_) => Err(TransitionError::AlreadySubmitted),
    }
}

/// Staff move a submitted proposal to `to`, with `comment` (required for
/// 差し戻し). Illegal moves and moves out of a final status are refused.
pub fn staff_move(
    review: Option<&Review>,
    to: Status,
    staff_login: &str,
    at: &str,
    comment: &str,
) -> Result<Review, TransitionError> {
    let review = review.ok_or(TransitionError::NotSubmitted)?;
    let from = review.status;
    if !from.staff_moves().contains(&to) {
        return Err(TransitionError::Illegal { from, to });
    }
    let comment = comment.trim();
    if to == Status::Returned && comment.is_empty() {
        return Err(TransitionError::CommentRequired);
    }
    check_comment(comment)?;
    let mut next = review.clone();
    next.status = to;
    next.history.push(Transition {
        by: Actor::Staff {
            login: staff_login.to_string(),
        },
        at: at.to_string(),
        from: Some(from),
        to,
        comment: comment.to_string(),
    });
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group() -> Actor {
        Actor::Group {
            login: "hanako".into(),
        }
    }

    fn submitted() -> Review {
        submit(None, group(), "2026-05-01T10:00:00Z", "2026-0001").expect("first submission")
    }

    /// Every (from, to) pair: exactly the table's moves are allowed.
    #[test]
    fn the_table_of_moves() {
        let allowed = [
            (Status::Submitted, Status::Received),
            (Status::Submitted, Status::Returned),
            (Status::Received, Status::UnderReview),
            (Status::Received, Status::Returned),
            (Status::UnderReview, Status::Selected),
            (Status::UnderReview, Status::NotSelected),
            (Status::UnderReview, Status::Returned),
        ];
        for from in Status::ALL {
            for to in Status::ALL {
                let r = Review {
                    status: from,
                    ..submitted()
                };
                let got = staff_move(Some(&r), to, "tanaka", "t", "理由");
                let want = allowed.contains(&(from, to));
                assert_eq!(got.is_ok(), want, "{from:?} → {to:?}");
                if let Err(e) = got {
                    assert_eq!(e, TransitionError::Illegal { from, to });
                    assert_eq!(e.code(), "illegal_transition");
                    assert!(e.message_ja().contains(from.label_ja()));
                    assert!(e.message_en().contains(to.label_en()));
                }
            }
        }
    }

    #[test]
    fn a_return_needs_a_comment_and_reopens_for_resubmission() {
        let r = submitted();
        assert_eq!(
            staff_move(Some(&r), Status::Returned, "tanaka", "t1", "  "),
            Err(TransitionError::CommentRequired)
        );
        let returned = staff_move(
            Some(&r),
            Status::Returned,
            "tanaka",
            "t1",
            "予算の内訳を詳しく",
        )
        .expect("returned");
        assert_eq!(returned.status, Status::Returned);
        assert_eq!(
            returned.last_comment().map(|t| t.comment.as_str()),
            Some("予算の内訳を詳しく")
        );
        let again = submit(Some(&returned), group(), "t2", "ignored").expect("resubmitted");
        assert_eq!(again.status, Status::Submitted);
        assert_eq!(again.receipt_no, "2026-0001", "the 受付番号 is kept");
        let steps: Vec<(Option<Status>, Status)> =
            again.history.iter().map(|t| (t.from, t.to)).collect();
        assert_eq!(
            steps,
            vec![
                (None, Status::Submitted),
                (Some(Status::Submitted), Status::Returned),
                (Some(Status::Returned), Status::Submitted),
            ]
        );
        assert_eq!(
            again.history[1].by,
            Actor::Staff {
                login: "tanaka".into()
            }
        );
        assert_eq!(again.history[1].at, "t1");
    }

    #[test]
    fn the_group_cannot_submit_twice_and_staff_cannot_move_a_draft() {
        let r = submitted();
        assert_eq!(
            submit(Some(&r), group(), "t", "x"),
            Err(TransitionError::AlreadySubmitted)
        );
        assert_eq!(
            staff_move(None, Status::Received, "tanaka", "t", ""),
            Err(TransitionError::NotSubmitted)
        );
        let long = "あ".repeat(COMMENT_MAX + 1);
        assert_eq!(
            staff_move(Some(&r), Status::Received, "tanaka", "t", &long),
            Err(TransitionError::CommentTooLong)
        );
    }

    #[test]
    fn final_statuses_stay_final() {
        let mut r = submitted();
        for to in [Status::Received, Status::UnderReview, Status::Selected] {
            r = staff_move(Some(&r), to, "tanaka", "t", "").expect("legal");
        }
        assert!(r.status.is_final());
        for to in Status::ALL {
            assert!(staff_move(Some(&r), to, "tanaka", "t", "x").is_err());
        }
        assert!(submit(Some(&r), group(), "t", "x").is_err());
    }

    #[test]
    fn codes_round_trip_through_serde() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).expect("json"),
                format!("\"{}\"", s.code())
            );
        }
    }
}
