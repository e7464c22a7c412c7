//! Proposal drafts on top of the store: the push (each mutation decided by
//! `tsunagari_core::sync::decide` inside its own transaction), the group's
//! pull feed, and reading one draft.
//!
//! A member acts only for its own group. Before anything is applied, a push
//! is refused whole when its client id is bound to another group, a
//! mutation targets another group's draft, or a Put names another group
//! (403); when a Put's proposal breaks a size rule of the form
//! (`proposal::check_limits`, 400 `over_limit`) or is larger than
//! [`MAX_DRAFT_BYTES`] (413 `draft_too_large`); or when it would give the
//! group more than [`MAX_DRAFTS_PER_GROUP`] drafts (409 `too_many_drafts`).
//!
//! Then each mutation: read the draft and the client's replay state and
//! decide (the merge) with no lock held; then, in one write transaction,
//! read both again and, if they are unchanged, write the draft (next change
//! number), the answer and `last_applied` together; if another writer got
//! there first, decide again ([`MAX_TRIES`]; the last try decides inside the
//! transaction, on inputs the limits above keep small). The database's
//! write lock is never held across a merge of a changing draft.
//!
//! The pull is paged: [`DRAFTS_PAGE`] drafts at most, in change order, with
//! `more: true` while there are more; the client asks again at once.

use tsunagari_core::Cursor;
use tsunagari_core::proposal::check_limits;
use tsunagari_core::round::{Round, round_of};
use tsunagari_core::sync::{
    Decision, Draft, DraftId, Mutation, MutationResult, Op, Outcome, PullResponse, PushRequest,
    PushResponse, ServerTime, SubmitContext, decide,
};

use crate::auth::Member;
use crate::clock::Millis;
use crate::store::{Store, StoreError};

/// The largest draft stored, as JSON (a draft within the form's limits
/// is at most about half of this).
pub const MAX_DRAFT_BYTES: usize = 256 * 1024;
/// The most drafts (not deleted) one group may hold.
pub const MAX_DRAFTS_PER_GROUP: i64 = 500;
/// The most drafts in one pull page.
pub const DRAFTS_PAGE: usize = 100;
/// Decisions made outside the write lock before the last, made inside.
const MAX_TRIES: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum DraftsError {
    #[error("The push request is not valid: {0}.")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    #[error(
        "The draft {draft} is over a limit of the form: {message} Nothing of this request was applied."
    )]
    OverLimit { draft: DraftId, message: String },
    #[error(
        "The draft {draft} is {bytes} bytes as JSON; a draft may have at most {MAX_DRAFT_BYTES} bytes. Nothing of this request was applied."
    )]
    DraftTooLarge { draft: DraftId, bytes: usize },
    #[error(
        "A group may keep at most {MAX_DRAFTS_PER_GROUP} drafts; delete drafts it no longer needs. Nothing of this request was applied."
    )]
    TooManyDrafts,
    #[error("The server's clock is not set to a usable date; please tell the maintainers.")]
    Clock,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn forbidden(what: &str) -> DraftsError {
    DraftsError::Forbidden(format!(
        "{what}; this account may only change its own group's drafts. Nothing of this request was applied."
    ))
}

/// The refusals that apply to the whole request.
async fn check_access(
    store: &Store,
    member: &Member,
    req: &PushRequest,
    rounds: &[Round],
) -> Result<(), DraftsError> {
    req.check()
        .map_err(|e| DraftsError::BadRequest(e.to_string()))?;
    if req.mutations.iter().any(|m| i64::try_from(m.id.n).is_err()) {
        return Err(DraftsError::BadRequest(
            "a mutation number is at most 9223372036854775807".into(),
        ));
    }
    for m in &req.mutations {
        if let Op::Put { proposal, .. } = &m.op
            && proposal.group_id != member.group_id
        {
            return Err(forbidden(&format!(
                "The draft {} names the group {:?}",
                m.draft, proposal.group_id
            )));
        }
        if let Some(owner) = store.draft_owner(&m.draft).await?
            && owner != member.group_id
        {
            return Err(forbidden(&format!(
                "The draft {} belongs to another group",
                m.draft
            )));
        }
    }
    check_sizes(req, rounds)?;
    check_quota(store, member, req).await?;
    let bound = store
        .bind_client(req.client.as_str(), &member.group_id)
        .await?;
    if bound != member.group_id {
        return Err(forbidden(&format!(
            "The device id {} is already used for another group",
            req.client
        )));
    }
    Ok(())
}

/// Every Put's proposal within the size rules of its round (the ceiling
/// without one: `round::TextLimits::CEILING`) and [`MAX_DRAFT_BYTES`].
/// The base (the last version the device shares with the server) may be a
/// merge larger than either side: the request's body limit bounds it.
fn check_sizes(req: &PushRequest, rounds: &[Round]) -> Result<(), DraftsError> {
    for m in &req.mutations {
        let Op::Put { proposal, .. } = &m.op else {
            continue;
        };
        let bytes = serde_json::to_vec(proposal).map_or(usize::MAX, |v| v.len());
        if bytes > MAX_DRAFT_BYTES {
            return Err(DraftsError::DraftTooLarge {
                draft: m.draft.clone(),
                bytes,
            });
        }
        if let Some(e) = check_limits(proposal, round_of(proposal, rounds)).first() {
            return Err(DraftsError::OverLimit {
                draft: m.draft.clone(),
                message: e.message_en.clone(),
            });
        }
    }
    Ok(())
}

/// Refuses a push whose Puts would make more than [`MAX_DRAFTS_PER_GROUP`]
/// live drafts (new drafts and restored tombstones count).
async fn check_quota(store: &Store, member: &Member, req: &PushRequest) -> Result<(), DraftsError> {
    let mut adds = std::collections::BTreeSet::new();
    for m in &req.mutations {
        if matches!(m.op, Op::Put { .. })
            && !adds.contains(&m.draft)
            && store
                .stored_draft(&m.draft)
                .await?
                .is_none_or(|d| d.deleted)
        {
            adds.insert(m.draft.clone());
        }
    }
    if adds.is_empty() {
        return Ok(());
    }
    let live = store.live_drafts(&member.group_id).await?;
    let adding = i64::try_from(adds.len()).unwrap_or(i64::MAX);
    if live.saturating_add(adding) > MAX_DRAFTS_PER_GROUP {
        return Err(DraftsError::TooManyDrafts);
    }
    Ok(())
}

/// `POST /api/drafts/push`. `clock` is read once per mutation.
pub async fn push(
    store: &Store,
    member: &Member,
    req: &PushRequest,
    clock: impl Fn() -> Option<Millis>,
) -> Result<PushResponse, DraftsError> {
    let rounds = store.rounds().await?;
    check_access(store, member, req, &rounds).await?;
    let Some(first) = req.mutations.first() else {
        return Ok(PushResponse {
            results: Vec::new(),
        });
    };
    store
        .forget_results_below(req.client.as_str(), first.id.n)
        .await?;
    let mut results = Vec::with_capacity(req.mutations.len());
    for m in &req.mutations {
        let now = clock()
            .and_then(Millis::server_time)
            .ok_or(DraftsError::Clock)?;
        results.push(apply(store, member, m, &now, &rounds).await?);
    }
    Ok(PushResponse { results })
}

fn other_group(current: Option<&Draft>, member: &Member, m: &Mutation) -> Result<(), DraftsError> {
    // Made by another group since `check_access` (ids are random, so only
    // on purpose): refuse rather than decide.
    if current.is_some_and(|d| d.group_id != member.group_id) {
        return Err(forbidden(&format!(
            "The draft {} belongs to another group",
            m.draft
        )));
    }
    Ok(())
}

/// One mutation: decided outside the write lock, written in one
/// transaction if nothing changed meanwhile.
async fn apply(
    store: &Store,
    member: &Member,
    m: &Mutation,
    now: &ServerTime,
    rounds: &[Round],
) -> Result<MutationResult, DraftsError> {
    // A Submit is held to the stored draft's round.
    let ctx = |current: Option<&Draft>| SubmitContext {
        round: current.and_then(|d| round_of(&d.proposal, rounds)),
        member: &member.login,
    };
    for _ in 0..MAX_TRIES {
        let current = store.stored_draft(&m.draft).await?;
        other_group(current.as_ref(), member, m)?;
        let replay = store.replay_state(&m.id).await?;
        let ctx = ctx(current.as_ref());
        let decision = decide(current.as_ref(), replay.0, replay.1.as_ref(), m, now, ctx);
        if let Decision::Replay(result) = decision {
            return Ok(result);
        }
        let mut tx = store.begin_mutation().await?;
        if tx.draft(&m.draft).await? != current || tx.replay_state(&m.id).await? != replay {
            continue; // another writer came first: decide again
        }
        return write(tx, member, current.as_ref(), decision).await;
    }
    // Still racing: decide inside the transaction (the inputs are bounded
    // by the limits checked before).
    let mut tx = store.begin_mutation().await?;
    let current = tx.draft(&m.draft).await?;
    other_group(current.as_ref(), member, m)?;
    let (last_applied, stored) = tx.replay_state(&m.id).await?;
    let ctx = ctx(current.as_ref());
    match decide(current.as_ref(), last_applied, stored.as_ref(), m, now, ctx) {
        Decision::Replay(result) => Ok(result), // dropping `tx` rolls back
        decision => write(tx, member, current.as_ref(), decision).await,
    }
}

/// Writes a decision (not a replay) and commits. A merge that grew past
/// [`MAX_DRAFT_BYTES`], or a draft that would pass the group's quota (two
/// pushes at once), is answered `Rejected` and nothing is written.
async fn write(
    mut tx: crate::store::DraftTx,
    member: &Member,
    current: Option<&Draft>,
    decision: Decision,
) -> Result<MutationResult, DraftsError> {
    let result = match decision {
        Decision::Replay(result) => return Ok(result),
        Decision::Record(result) => result,
        Decision::Write { mut new, result } => {
            let adds = !new.deleted && current.is_none_or(|d| d.deleted);
            let bytes = serde_json::to_vec(&new.proposal).map_or(usize::MAX, |v| v.len());
            let refused = if bytes > MAX_DRAFT_BYTES {
                Some((
                    format!(
                        "統合した下書きが大きすぎます（{MAX_DRAFT_BYTES}バイトまで）。長い文章を短くしてください。"
                    ),
                    format!(
                        "The merged draft is too large (at most {MAX_DRAFT_BYTES} bytes); please shorten long texts."
                    ),
                ))
            } else if adds && tx.live_drafts(&member.group_id).await? >= MAX_DRAFTS_PER_GROUP {
                Some((
                    format!(
                        "1つの団体が持てる下書きは{MAX_DRAFTS_PER_GROUP}件までです。不要な下書きを削除してください。"
                    ),
                    format!(
                        "A group may keep at most {MAX_DRAFTS_PER_GROUP} drafts; delete drafts it no longer needs."
                    ),
                ))
            } else {
                None
            };
            match refused {
                Some((reason_ja, reason_en)) => MutationResult {
                    id: result.id,
                    outcome: Outcome::Rejected {
                        reason_ja,
                        reason_en,
                    },
                },
                None => {
                    crate::review::number(&mut tx, &mut new).await?;
                    tx.write_draft(&new).await?;
                    result
                }
            }
        }
    };
    tx.record(&result).await?;
    tx.commit().await?;
    Ok(result)
}

/// `GET /api/drafts[?since=…]`: the member's group's drafts only, at most
/// [`DRAFTS_PAGE`] of them in change order (tombstones as items); `more`
/// while there are more. No cursor, another epoch's, or one ahead of the
/// server: from the start, `reset: true` (on the first page only; the
/// client joins the pages before it applies them).
pub async fn feed(
    store: &Store,
    member: &Member,
    since: Option<&Cursor>,
) -> Result<PullResponse, StoreError> {
    let group = member.group_id.as_str();
    let after = since.filter(|c| c.epoch == store.epoch()).map(|c| c.seq);
    let mut changes = store
        .draft_page(group, after.unwrap_or(0), DRAFTS_PAGE + 1)
        .await?;
    let mut reset = after.is_none();
    if after.is_some_and(|seq| seq > changes.seq) {
        changes = store.draft_page(group, 0, DRAFTS_PAGE + 1).await?;
        reset = true;
    }
    let more = changes.rows.len() > DRAFTS_PAGE;
    changes.rows.truncate(DRAFTS_PAGE);
    let last = changes.rows.last().map(|r| r.seq);
    // A full page ends at its last row; the last page covers the counter
    // (and any row committed between reading the counter and the rows).
    let seq = if more {
        last.unwrap_or(changes.seq)
    } else {
        last.unwrap_or(0).max(changes.seq)
    };
    let items = changes
        .rows
        .iter()
        .map(|row| {
            serde_json::from_str(&row.body).map_err(|source| StoreError::Corrupt {
                table: "drafts",
                id: row.id.clone(),
                source,
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(PullResponse {
        cursor: Cursor {
            epoch: store.epoch().to_string(),
            seq,
        }
        .to_string(),
        reset,
        items,
        deleted: Vec::new(),
        more,
    })
}

/// `GET /api/drafts/{id}`: `None` when missing, deleted or another group's.
pub async fn get(
    store: &Store,
    member: &Member,
    id: &DraftId,
) -> Result<Option<Draft>, StoreError> {
    store.draft(&member.group_id, id).await
}
