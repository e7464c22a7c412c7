//! A server restored from a backup: the devices reset (a new epoch) and
//! re-send what they hold, so no word written before or after the backup
//! is lost, whichever device syncs first.

use std::collections::BTreeMap;

use tsunagari_core::DivisionId;
use tsunagari_core::proposal::Proposal;
/// No round published, a member named hanako.
const CTX: SubmitContext<'static> = SubmitContext {
    round: None,
    member: "hanako",
};

use tsunagari_core::sync::{
    ClientId, Decision, Draft, DraftId, Intent, LocalDraft, MutationId, MutationResult, Outbox,
    PullResponse, PushRequest, PushResponse, ServerTime, SubmitContext, apply_pull, apply_result,
    decide, shared_base,
};

/// The server's drafts, change numbers and replay state; a clone is a backup.
#[derive(Debug, Clone)]
struct Server {
    epoch: u32,
    seq: u64,
    drafts: BTreeMap<DraftId, (u64, Draft)>,
    last_applied: BTreeMap<ClientId, u64>,
    results: BTreeMap<MutationId, MutationResult>,
}

impl Server {
    fn push(&mut self, req: &PushRequest) -> PushResponse {
        let mut results = Vec::new();
        for m in &req.mutations {
            self.seq += 1;
            let now = ServerTime {
                unix_ms: self.seq,
                rfc3339: "2025-06-01T00:00:00Z".into(),
            };
            let current = self.drafts.get(&m.draft).map(|(_, d)| d);
            let last = self.last_applied.get(&req.client).copied();
            match decide(current, last, self.results.get(&m.id), m, &now, CTX) {
                Decision::Replay(r) => results.push(r),
                Decision::Record(r) => {
                    self.last_applied.insert(req.client.clone(), m.id.n);
                    self.results.insert(m.id.clone(), r.clone());
                    results.push(r);
                }
                Decision::Write { new, result } => {
                    self.drafts.insert(new.id.clone(), (self.seq, new));
                    self.last_applied.insert(req.client.clone(), m.id.n);
                    self.results.insert(m.id.clone(), result.clone());
                    results.push(result);
                }
            }
        }
        PushResponse { results }
    }

    /// The feed: a full snapshot for a cursor of another epoch.
    fn pull(&self, cursor: Option<(u32, u64)>) -> PullResponse {
        let since = cursor.filter(|(e, _)| *e == self.epoch).map(|(_, s)| s);
        PullResponse {
            cursor: format!("{}.{}", self.epoch, self.seq),
            reset: since.is_none(),
            items: self
                .drafts
                .values()
                .filter(|(s, _)| since.is_none_or(|since| *s > since))
                .map(|(_, d)| d.clone())
                .collect(),
            deleted: vec![],
            more: false,
        }
    }
}

/// A phone as the app runs it: pull, re-queue what is unsent, push.
#[derive(Debug, Clone)]
struct Phone {
    outbox: Outbox,
    locals: BTreeMap<DraftId, LocalDraft>,
    cursor: Option<(u32, u64)>,
}

impl Phone {
    fn new(id: &str) -> Phone {
        Phone {
            outbox: Outbox::new(ClientId::parse(id).expect("client id")),
            locals: BTreeMap::new(),
            cursor: None,
        }
    }

    fn sync(&mut self, server: &mut Server) {
        let page = server.pull(self.cursor);
        let changes =
            apply_pull(&self.locals, &page, &self.outbox).expect("nothing in flight between syncs");
        for id in &changes.requeue {
            self.outbox.queue(id, Intent::Put);
        }
        for id in &changes.remove {
            self.locals.remove(id);
        }
        for l in changes.upsert {
            self.locals.insert(l.draft.id.clone(), l);
        }
        let (epoch, seq) = page.cursor.split_once('.').expect("cursor");
        self.cursor = Some((epoch.parse().expect("epoch"), seq.parse().expect("seq")));
        // The app's safety net: every draft with unconfirmed content.
        let unsent: Vec<DraftId> = self
            .locals
            .values()
            .filter(|l| l.conflict.is_none() && l.has_unsent(false))
            .map(|l| l.draft.id.clone())
            .collect();
        for id in &unsent {
            self.outbox.queue(id, Intent::Put);
        }
        loop {
            let locals = &self.locals;
            let Some(req) = self.outbox.next_push(|id| locals.get(id)) else {
                break;
            };
            let resp = server.push(&req);
            for (m, r) in self.outbox.on_response(&resp) {
                if let Some(l) = self.locals.get(&m.draft) {
                    let next = apply_result(l, &m, &r);
                    self.locals.insert(m.draft.clone(), next);
                }
            }
        }
    }

    fn edit(&mut self, id: &DraftId, change: impl FnOnce(&mut Proposal)) {
        let l = self.locals.get_mut(id).expect("the draft");
        let mut p = l.draft.proposal.clone();
        change(&mut p);
        l.edit(p, 0);
        self.outbox.queue(id, Intent::Put);
    }

    fn create(&mut self, id: &DraftId, purpose: &str) {
        let mut p = Proposal::new_draft(2025, DivisionId::from("general"), "porepore".into());
        p.purpose = purpose.into();
        self.locals
            .insert(id.clone(), LocalDraft::new(id.clone(), p, 0));
        self.outbox.queue(id, Intent::Put);
    }
}

fn did(s: &str) -> DraftId {
    DraftId::parse(s).expect("draft id")
}

/// Two phones share a draft; a backup is taken; phone A adds a sentence
/// and a new draft (both reach the server), phone B adds a sentence offline;
/// the backup is restored; the phones sync in `order`.
fn restore_scenario(a_first: bool) {
    let shared = did("draft-shared");
    let later = did("draft-after-backup");
    let mut server = Server {
        epoch: 1,
        seq: 0,
        drafts: BTreeMap::new(),
        last_applied: BTreeMap::new(),
        results: BTreeMap::new(),
    };
    let (mut a, mut b) = (Phone::new("phone-aaaa"), Phone::new("phone-bbbb"));
    a.create(&shared, "公園を掃除します。");
    a.sync(&mut server);
    b.sync(&mut server);
    a.edit(&shared, |p| p.purpose.push_str("花を植えます。"));
    a.sync(&mut server);
    b.sync(&mut server);

    let backup = server.clone();

    a.edit(&shared, |p| p.purpose.push_str("ベンチを直します。"));
    a.create(&later, "バックアップの後の下書きです。");
    a.sync(&mut server);
    // B is offline: its words are only on the phone.
    b.edit(&shared, |p| p.activities = "毎週土曜に集まります。".into());

    server = Server { epoch: 2, ..backup };
    if a_first {
        a.sync(&mut server);
        b.sync(&mut server);
    } else {
        b.sync(&mut server);
        a.sync(&mut server);
    }
    // Once more each, to take in what the other sent.
    a.sync(&mut server);
    b.sync(&mut server);

    let on_server = |id: &DraftId| &server.drafts.get(id).expect("on the server").1.proposal;
    let p = on_server(&shared);
    assert_eq!(
        p.purpose, "公園を掃除します。花を植えます。ベンチを直します。",
        "a_first: {a_first}"
    );
    assert_eq!(p.activities, "毎週土曜に集まります。", "a_first: {a_first}");
    assert_eq!(
        on_server(&later).purpose,
        "バックアップの後の下書きです。",
        "a_first: {a_first}"
    );
    for (name, phone) in [("A", &a), ("B", &b)] {
        for id in [&shared, &later] {
            let l = phone.locals.get(id).expect("on the phone");
            assert_eq!(
                &l.draft.proposal,
                on_server(id),
                "{name} a_first: {a_first}"
            );
            assert!(!l.has_unsent(phone.outbox.is_waiting(id)), "{name} synced");
        }
    }
}

#[test]
fn a_restore_loses_no_word_when_the_phone_that_wrote_after_the_backup_syncs_first() {
    restore_scenario(true);
}

#[test]
fn a_restore_loses_no_word_when_the_offline_phone_syncs_first() {
    restore_scenario(false);
}

#[test]
fn the_shared_base_keeps_what_both_have() {
    let mut ours = Proposal::new_draft(2025, DivisionId::from("general"), "porepore".into());
    ours.purpose = "一。二。三。".into();
    ours.title = "同じ".into();
    let mut theirs = ours.clone();
    theirs.purpose = "一。四。三。".into();
    ours.place = "公民館".into();
    let base = shared_base(&ours, &theirs);
    assert_eq!(base.purpose, "一。三。");
    assert_eq!(base.title, "同じ");
    assert_ne!(base.place, ours.place);
    assert_ne!(base.place, theirs.place);
}

/// A request sent before the restore and retried after it carries a base
/// the restored server never made: its words are kept, not merged away.
#[test]
fn a_put_on_a_base_ahead_of_a_restored_server_keeps_its_words() {
    let mut p = Proposal::new_draft(2025, DivisionId::from("general"), "porepore".into());
    p.purpose = "一。".into();
    let restored = Draft {
        id: did("draft-shared"),
        group_id: "porepore".into(),
        revision: 3,
        proposal: p.clone(),
        deleted: false,
        submitted_at: None,
        updated_at_ms: 0,
        review: None,
    };
    // The device last saw revision 5 ("一。二。") and added "三。".
    let mut seen = p.clone();
    seen.purpose = "一。二。".into();
    let mut sent = p.clone();
    sent.purpose = "一。二。三。".into();
    let m = tsunagari_core::sync::Mutation {
        id: MutationId {
            client: ClientId::parse("phone-aaaa").expect("id"),
            n: 9,
        },
        draft: did("draft-shared"),
        base_revision: 5,
        op: tsunagari_core::sync::Op::Put {
            proposal: sent.clone(),
            base: Some(seen),
        },
    };
    let now = ServerTime {
        unix_ms: 1,
        rfc3339: "2025-06-01T00:00:00Z".into(),
    };
    let Decision::Write { new, .. } = decide(Some(&restored), Some(4), None, &m, &now, CTX) else {
        panic!("written");
    };
    assert_eq!(new.proposal.purpose, "一。二。三。");
    assert_eq!(new.revision, 4);
}
