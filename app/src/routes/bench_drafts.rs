//! `/bench/drafts?code=<invitation code>` (hidden, not linked): one device
//! syncs 500 drafts through the app's own path. Redeems the code, stores 500
//! new drafts and their queued Puts in one IndexedDB transaction, then times
//! a sync (pull, then pushes of at most 100 mutations, each answer stored
//! with the outbox) until nothing waits.

use crate::api;
use crate::drafts::store::{self, Write};
use crate::drafts::{self, DraftSync, random_id, use_drafts};
use crate::routes::bench::{bench_results, ms, now, sleep};
use leptos::prelude::*;
use tsunagari_core::DivisionId;
use tsunagari_core::account::RedeemRequest;
use tsunagari_core::proposal::Proposal;
use tsunagari_core::sync::{DraftId, Intent, LocalDraft};

const DRAFTS: usize = 500;

#[component]
pub fn BenchDraftsPage() -> impl IntoView {
    let d = use_drafts();
    view! { <div class="container page">{bench_results(run(d))}</div> }
}

/// Waits (polling every few milliseconds) until `done` holds.
async fn until(done: impl Fn() -> bool) {
    while !done() {
        sleep(2).await;
    }
}

fn settled(d: drafts::Drafts) -> bool {
    d.status.get_untracked() == DraftSync::Done
        && d.outbox.with_untracked(|o| o.waiting_drafts() == 0)
}

async fn run(d: drafts::Drafts) -> Result<String, String> {
    let search = window().location().search().unwrap_or_default();
    let code = search
        .trim_start_matches('?')
        .split('&')
        .find_map(|kv| kv.strip_prefix("code="))
        .ok_or("open /bench/drafts?code=<invitation code>")?
        .to_string();
    until(|| d.loaded.get_untracked()).await;
    let session = api::redeem(&RedeemRequest {
        code,
        login: format!(
            "bench-{}",
            random_id().to_lowercase().replace(['-', '_'], "")
        ),
        passphrase: "bench passphrase 1234".into(),
    })
    .await
    .map_err(|e| e.to_string())?;
    let group = session.group_id.clone();
    d.signed_in(session).await;
    until(|| settled(d)).await;

    let now_ms = js_sys::Date::now() as u64;
    let locals: Vec<LocalDraft> = (0..DRAFTS)
        .map(|i| {
            let mut p = Proposal::new_draft(2026, DivisionId::from("general"), group.clone());
            p.title = format!("ベンチマーク下書き {}", i + 1);
            p.summary = "地域の見守りと交流の場をつくる取り組みです。".repeat(4);
            let id = DraftId::parse(&random_id()).expect("random ids have the id shape");
            LocalDraft::new(id, p, now_ms)
        })
        .collect();
    d.outbox.update(|o| {
        for l in &locals {
            o.queue(&l.draft.id, Intent::Put);
        }
    });
    d.locals.update(|m| {
        for l in &locals {
            m.insert(l.draft.id.clone(), l.clone());
        }
    });
    let db = crate::store::main_db().await.map_err(|e| e.to_string())?;
    let start = now();
    let outbox = d.outbox.get_untracked();
    store::write(
        &db,
        Write {
            put: &locals,
            remove: &[],
            outbox: &outbox,
            cursor: None,
            synced_at: None,
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    let store_ms = now() - start;

    let start = now();
    drafts::sync::request(d);
    until(|| settled(d)).await;
    let sync_ms = now() - start;
    let synced = d.locals.with_untracked(|m| {
        m.values()
            .filter(|l| l.draft.revision > 0 && !l.has_unsent(false))
            .count()
    });
    if synced < DRAFTS {
        return Err(format!("only {synced} of {DRAFTS} drafts synced"));
    }
    Ok(format!(
        "{{\"drafts\":{DRAFTS},\"idb_store_ms\":{},\"sync_ms\":{}}}",
        ms(store_ms),
        ms(sync_ms),
    ))
}
