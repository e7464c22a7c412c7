//! Proposal drafts on top of the store: the push (each mutation decided by
//! `tsunagari_core::sync::decide` inside its own transaction), the group's
//! pull feed, and reading one draft.
//!
//! A member acts only for its own group. Before anything is applied, a push
//! is refused whole (403) when its client id is bound to another group, a
//! mutation targets another group's draft, or a Put names another group.
//! Then each mutation is one transaction: read the draft and the client's
//! replay state, decide, write the draft (next change number), the answer
//! and `last_applied` together.

use tsunagari_core::Cursor;
use tsunagari_core::sync::{
    Decision, Draft, DraftId, Mutation, MutationResult, Op, PullResponse, PushRequest,
    PushResponse, decide,
};

use crate::auth::Member;
use crate::clock::Millis;
use crate::feed;
use crate::store::{Source, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum DraftsError {
    #[error("The push request is not valid: {0}.")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
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

/// `POST /api/drafts/push`. `clock` is read once per mutation.
pub async fn push(
    store: &Store,
    member: &Member,
    req: &PushRequest,
    clock: impl Fn() -> Option<Millis>,
) -> Result<PushResponse, DraftsError> {
    check_access(store, member, req).await?;
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
        results.push(apply(store, member, m, &now).await?);
    }
    Ok(PushResponse { results })
}

/// One mutation in one transaction.
async fn apply(
    store: &Store,
    member: &Member,
    m: &Mutation,
    now: &tsunagari_core::sync::ServerTime,
) -> Result<MutationResult, DraftsError> {
    let mut tx = store.begin_mutation().await?;
    let current = tx.draft(&m.draft).await?;
    // Made by another group since `check_access` (ids are random, so only
    // on purpose): refuse rather than decide.
    if current
        .as_ref()
        .is_some_and(|d| d.group_id != member.group_id)
    {
        return Err(forbidden(&format!(
            "The draft {} belongs to another group",
            m.draft
        )));
    }
    let (last_applied, stored) = tx.replay_state(&m.id).await?;
    match decide(current.as_ref(), last_applied, stored.as_ref(), m, now) {
        Decision::Replay(result) => Ok(result), // dropping `tx` rolls back
        Decision::Write { new, result } => {
            tx.write_draft(&new).await?;
            tx.record(&result).await?;
            tx.commit().await?;
            Ok(result)
        }
        Decision::Record(result) => {
            tx.record(&result).await?;
            tx.commit().await?;
            Ok(result)
        }
    }
}

/// `GET /api/drafts[?since=…]`: the member's group's drafts only.
pub async fn feed(
    store: &Store,
    member: &Member,
    since: Option<&Cursor>,
) -> Result<PullResponse, StoreError> {
    let source = Source::Drafts {
        group_id: &member.group_id,
    };
    feed::page_of(store, source, since).await
}

/// `GET /api/drafts/{id}`: `None` when missing, deleted or another group's.
pub async fn get(
    store: &Store,
    member: &Member,
    id: &DraftId,
) -> Result<Option<Draft>, StoreError> {
    store.draft(&member.group_id, id).await
}
