//! The server's decision for one mutation ([`decide`]).

use super::wire::{Draft, Mutation, MutationResult, Op, Outcome};
use crate::merge::{merge_proposals, split_sentences};
use crate::proposal::{Proposal, validate};
use crate::review::{Actor, submit};
use crate::round::Round;

/// What a Submit is decided against: the draft's round (the newest
/// version of the one it records, [`crate::round::round_of`]; `None` when
/// the server has none) and the member who submits.
#[derive(Debug, Clone, Copy)]
pub struct SubmitContext<'a> {
    pub round: Option<&'a Round>,
    pub member: &'a str,
}

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
    ctx: SubmitContext<'_>,
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
                review: None,
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
            let now_unix = i64::try_from(now.unix_ms / 1000).unwrap_or(i64::MAX);
            if let Some((ja, en)) = ctx.round.and_then(|r| r.period.refusal(now_unix)) {
                return rejected(m, ja, en);
            }
            let errors = validate(&cur.proposal, ctx.round);
            if !errors.is_empty() {
                let mut ja = String::from("提出できません。次の項目を直してください。");
                let mut en = String::from("The proposal cannot be submitted yet. Please fix:");
                for e in &errors {
                    ja.push_str(&format!("\n・{}：{}", e.field.label_ja(), e.message_ja));
                    en.push_str(&format!("\n- {}: {}", e.field.label_en(), e.message_en));
                }
                return rejected(m, ja, en);
            }
            let by = Actor::Group {
                login: ctx.member.to_string(),
            };
            // The server gives a first submission its 受付番号 as it writes.
            let review = match submit(cur.review.as_ref(), by, &now.rfc3339, "") {
                Ok(review) => review,
                Err(e) => return rejected(m, e.message_ja(), e.message_en()),
            };
            let new = Draft {
                revision: bumped(cur),
                submitted_at: Some(now.rfc3339.clone()),
                updated_at_ms: now.unix_ms,
                review: Some(review),
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
        ours.division.clone()
    } else {
        ["", "\u{0}", "\u{0}\u{0}"]
            .into_iter()
            .find(|d| *d != ours.division.as_str() && *d != theirs.division.as_str())
            .unwrap_or_default()
            .into()
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
        representative: short(&o.representative, &t.representative),
        address: short(&o.address, &t.address),
        phone: short(&o.phone, &t.phone),
        email: short(&o.email, &t.email),
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
