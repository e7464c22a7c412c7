//! A round (募集) as data: the file's checks, a draft under version 1 after
//! version 2 lowers a cap, the submission period, and the review's status
//! machine through `decide`.

use proptest::prelude::*;
use tsunagari_core::DivisionId;
use tsunagari_core::proposal::{Field, Proposal, check_limits, validate};
use tsunagari_core::review::{Actor, Review, Status, staff_move};
use tsunagari_core::round::{PeriodState, Round, TextLimits, changes_for, parse_rfc3339, round_of};
use tsunagari_core::sync::{
    ClientId, Decision, Draft, DraftId, Mutation, MutationId, Op, Outcome, ServerTime,
    SubmitContext, decide,
};

const FILE: &str = include_str!("../../data/rounds/2026.json");

fn round() -> Round {
    Round::parse(FILE).expect("Kanazawa's round file is valid")
}

/// The synthetic valid proposal, moved into FY2026 and started in the round.
fn proposal() -> Proposal {
    let mut p = tsunagari_core::synthetic::valid_proposal("porepore");
    p.fiscal_year = 2026;
    for m in &mut p.schedule {
        m.date = tsunagari_core::Date::new(2026, m.date.month(), m.date.day()).expect("date");
    }
    p.round = Some(round().reference());
    p
}

fn json(round: &Round) -> serde_json::Value {
    serde_json::to_value(round).expect("json")
}

fn parse_errors(v: serde_json::Value) -> Vec<String> {
    Round::parse(&v.to_string())
        .expect_err("refused")
        .into_iter()
        .map(|e| e.path)
        .collect()
}

#[test]
fn the_round_file_is_kanazawas_current_call() {
    let r = round();
    assert_eq!(r.fiscal_year, 2026);
    assert_eq!(
        (r.city.code.as_str(), r.city.name_ja.as_str()),
        ("172014", "金沢市")
    );
    assert_eq!(r.fiscal_year_ja(), "令和8年度");
    let labels: Vec<&str> = r.divisions.iter().map(|d| d.label_ja.as_str()).collect();
    assert_eq!(
        labels,
        [
            "スタート部門",
            "一般部門",
            "団体連携部門",
            "学生・高校生部門"
        ]
    );
    assert!(r.department("市民協働推進課").is_some());
    assert_eq!(r.period.time_zone, "Asia/Tokyo");
    assert!(r.guidance.contact_ja.contains("076-220-2026"));
    assert_eq!(validate(&proposal(), Some(&r)), vec![]);
}

#[test]
fn a_bad_round_file_names_every_problem_and_where() {
    let mut v = json(&round());
    v["id"] = "Kanazawa 2026".into();
    v["city"]["code"] = "17201".into();
    v["version"] = 0.into();
    v["divisions"][0]["code"] = "Space Division".into();
    v["divisions"][1]["budget_cap_yen"] = 0.into();
    v["divisions"][2]["limits"]["title_max"] = 100_000.into();
    v["departments"][1]["name_ja"] = v["departments"][0]["name_ja"].clone();
    v["period"]["closes"] = "2026-03-01T17:00:00+09:00".into();
    v["period"]["opens"] = "2026-04-01 08:30".into();
    v["required"] = serde_json::json!(["title", "fiscal_year"]);
    v["guidance"]["links"] =
        serde_json::json!([{"label_ja": "要項", "label_en": "Call", "url": "javascript:alert(1)"}]);
    assert_eq!(
        parse_errors(v),
        [
            "id",
            "version",
            "city.code",
            "divisions[0].code",
            "divisions[1].budget_cap_yen",
            "divisions[2].limits.title_max",
            "departments[1].name_ja",
            "required[1]",
            "period.opens",
            "guidance.links[0].url",
        ]
    );
    // Messages are sentences in both languages.
    let mut v = json(&round());
    v["divisions"][0]["code"] = "Space Division".into();
    let e = &Round::parse(&v.to_string()).expect_err("refused")[0];
    assert!(
        e.message_ja
            .contains("「Space Division」は部門のIDにできません"),
        "{}",
        e.message_ja
    );
    assert!(
        e.message_en
            .contains("“Space Division” cannot be a division id"),
        "{}",
        e.message_en
    );
    assert!(e.to_string().starts_with("divisions[0].code: "));

    let mut v = json(&round());
    v["period"]["closes"] = v["period"]["opens"].clone();
    assert_eq!(parse_errors(v), ["period.closes"]);
    let mut v = json(&round());
    v["divisions"] = serde_json::json!([]);
    assert_eq!(parse_errors(v), ["divisions"]);

    // Not JSON, or a field missing: one error with the line.
    let e = Round::parse("{\n \"id\": 1\n}").expect_err("refused");
    assert_eq!(e.len(), 1);
    assert!(e[0].path.starts_with("line 2"), "{:?}", e[0]);
    assert!(e[0].message_en.starts_with("The file is not a round"));
}

#[test]
fn the_period_opens_and_closes_at_its_instants() {
    let r = round();
    let opens = parse_rfc3339("2026-04-01T08:30:00+09:00").expect("instant");
    let closes = parse_rfc3339(&r.period.closes).expect("instant");
    assert_eq!(
        opens,
        parse_rfc3339("2026-03-31T23:30:00Z").expect("instant")
    );
    assert_eq!(r.period.state(opens - 1), PeriodState::NotOpen);
    assert_eq!(r.period.state(opens), PeriodState::Open);
    assert_eq!(r.period.state(closes - 1), PeriodState::Open);
    assert_eq!(r.period.state(closes), PeriodState::Closed);
    let (ja, en) = r.period.refusal(closes).expect("closed");
    assert!(
        ja.starts_with(
            "募集の締切（2027-01-29 17:00:00+09:00、Asia/Tokyo）を過ぎたため提出できません。"
        ),
        "{ja}"
    );
    assert!(
        en.contains("The deadline (2027-01-29 17:00:00+09:00, Asia/Tokyo) has passed"),
        "{en}"
    );
    let (ja, _) = r.period.refusal(opens - 1).expect("not open");
    assert!(ja.starts_with("募集はまだ始まっていません。"));
    assert_eq!(r.period.refusal(opens), None);
}

/// Issue 12: a draft started under version 1 opens, shows the change and
/// validates after version 2 lowers a cap.
#[test]
fn a_draft_under_version_1_validates_against_version_2_and_says_what_changed() {
    let v1 = round();
    let mut v2 = v1.clone();
    v2.version = 2;
    let general = v2
        .divisions
        .iter_mut()
        .find(|d| d.code == "general")
        .expect("general");
    general.budget_cap_yen = Some(150_000);
    general.limits.title_max = 10;
    v2.departments.retain(|d| d.name_ja != "市民協働推進課");

    let p = proposal(); // 一般部門, 200,000円 of expenses, 市民協働推進課
    assert_eq!(p.round.as_ref().map(|r| r.version), Some(1));
    let rounds = [v1.clone(), v2.clone()];
    let now = round_of(&p, &rounds).expect("its round");
    assert_eq!(now.version, 2, "held to the newest version");

    let changes = changes_for(&v1, now, &p);
    let said: Vec<(&Field, &str)> = changes
        .iter()
        .map(|c| (&c.field, c.message_ja.as_str()))
        .collect();
    assert_eq!(
        said,
        [
            (
                &Field::Budget,
                "一般部門の支出の上限が500,000円から150,000円に変わりました。"
            ),
            (
                &Field::Title,
                "事業名の文字数の上限が40文字から10文字に変わりました。"
            ),
            (
                &Field::Department,
                "「市民協働推進課」は新しい版の協働課の一覧から外れました。選び直してください。"
            ),
        ]
    );
    assert!(
        changes[0]
            .message_en
            .contains("from 500,000 yen to 150,000 yen")
    );

    let fields: Vec<Field> = validate(&p, Some(now))
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, [Field::Title, Field::Department, Field::Budget]);
    // Another division's change says nothing to this draft.
    let mut v3 = v1.clone();
    v3.divisions[0].budget_cap_yen = Some(1);
    assert_eq!(changes_for(&v1, &v3, &p), vec![]);
}

#[test]
fn an_old_draft_without_a_round_still_loads_and_finds_its_round_by_year() {
    let mut stored = serde_json::to_value(proposal()).expect("json");
    stored.as_object_mut().expect("object").remove("round");
    let p: Proposal = serde_json::from_value(stored).expect("an old draft loads");
    assert_eq!(p.round, None);
    assert_eq!(p.title, proposal().title);
    let rounds = [round()];
    assert_eq!(
        round_of(&p, &rounds).map(|r| r.id.as_str()),
        Some("kanazawa-challenge-2026")
    );
    let mut other_year = p.clone();
    other_year.fiscal_year = 2024;
    assert_eq!(round_of(&other_year, &rounds), None);
    // Serialised without a round, as before.
    assert!(
        !serde_json::to_string(&p)
            .expect("json")
            .contains("\"round\"")
    );
}

#[test]
fn required_fields_and_limits_come_from_the_round() {
    let mut r = round();
    r.required.retain(|f| *f != Field::LocalIssue);
    let mut p = proposal();
    p.local_issue.clear();
    assert_eq!(validate(&p, Some(&r)), vec![]);
    assert_eq!(validate(&p, Some(&round()))[0].field, Field::LocalIssue);

    // Without a round: every field required, the ceiling limits, no cap.
    p.local_issue = "課題".into();
    p.budget[0].amount = tsunagari_core::Amount::yen(5_000_000);
    p.budget[1].amount = tsunagari_core::Amount::yen(5_000_000);
    assert_eq!(validate(&p, None), vec![]);
    assert_eq!(validate(&p, Some(&round()))[0].field, Field::Budget);
    p.title = "あ".repeat(TextLimits::CEILING.title_max + 1);
    assert_eq!(check_limits(&p, None)[0].field, Field::Title);
    p.title = "あ".repeat(41);
    assert_eq!(check_limits(&p, None), vec![]);
    assert_eq!(check_limits(&p, Some(&round()))[0].field, Field::Title);
}

// ---- the submission and the review through `decide` ----

fn mutation(n: u64, base: u64, op: Op) -> Mutation {
    Mutation {
        id: MutationId {
            client: ClientId::try_from("client-a1".to_string()).expect("id"),
            n,
        },
        draft: DraftId::try_from("draft-0001".to_string()).expect("id"),
        base_revision: base,
        op,
    }
}

fn stored(p: Proposal) -> Draft {
    Draft {
        id: DraftId::try_from("draft-0001".to_string()).expect("id"),
        group_id: p.group_id.clone(),
        revision: 1,
        proposal: p,
        deleted: false,
        submitted_at: None,
        updated_at_ms: 0,
        review: None,
    }
}

fn at(rfc3339: &str) -> ServerTime {
    let secs = parse_rfc3339(rfc3339).expect("instant");
    ServerTime {
        unix_ms: u64::try_from(secs).expect("after 1970") * 1000,
        rfc3339: rfc3339.into(),
    }
}

fn written(d: Decision) -> Draft {
    match d {
        Decision::Write { new, .. } => new,
        other => panic!("not written: {other:?}"),
    }
}

#[test]
fn a_submission_outside_the_period_is_refused_and_the_draft_kept() {
    let r = round();
    let ctx = SubmitContext {
        round: Some(&r),
        member: "hanako",
    };
    let cur = stored(proposal());
    for when in ["2027-01-29T08:00:00Z", "2026-03-31T23:29:59Z"] {
        let d = decide(
            Some(&cur),
            None,
            None,
            &mutation(1, 1, Op::Submit),
            &at(when),
            ctx,
        );
        let Decision::Record(result) = d else {
            panic!("{when}: a refusal writes no draft: {d:?}");
        };
        let Outcome::Rejected { reason_ja, .. } = result.outcome else {
            panic!("{when}: not refused");
        };
        assert!(
            reason_ja.contains("下書きはそのまま残ります"),
            "{reason_ja}"
        );
    }
    // Inside the period: submitted, with the review's first step.
    let new = written(decide(
        Some(&cur),
        None,
        None,
        &mutation(1, 1, Op::Submit),
        &at("2026-05-01T01:00:00Z"),
        ctx,
    ));
    assert_eq!(new.submitted_at.as_deref(), Some("2026-05-01T01:00:00Z"));
    let review = new.review.expect("a review");
    assert_eq!(review.status, Status::Submitted);
    assert_eq!(
        review.history[0].by,
        Actor::Group {
            login: "hanako".into()
        }
    );
}

#[test]
fn a_returned_proposal_is_edited_and_submitted_again() {
    let r = round();
    let ctx = SubmitContext {
        round: Some(&r),
        member: "hanako",
    };
    let when = at("2026-05-01T01:00:00Z");
    let mut cur = written(decide(
        Some(&stored(proposal())),
        None,
        None,
        &mutation(1, 1, Op::Submit),
        &when,
        ctx,
    ));
    // Submitted: read-only.
    let mut edited = cur.proposal.clone();
    edited.title = "直した題".into();
    let put = |n, base, p: &Proposal| {
        mutation(
            n,
            base,
            Op::Put {
                proposal: p.clone(),
                base: None,
            },
        )
    };
    let d = decide(
        Some(&cur),
        Some(1),
        None,
        &put(2, cur.revision, &edited),
        &when,
        ctx,
    );
    assert!(matches!(d, Decision::Record(_)), "{d:?}");
    // Staff return it (what the server's staff endpoint writes).
    let mut review = cur.review.clone().expect("review");
    review.receipt_no = "2026-0001".into();
    let returned = staff_move(
        Some(&review),
        Status::Returned,
        "tanaka",
        "t",
        "予算を見直してください",
    )
    .expect("legal");
    cur.review = Some(returned);
    cur.submitted_at = None;
    cur.revision += 1;
    let again = written(decide(
        Some(&cur),
        Some(2),
        None,
        &put(3, cur.revision, &edited),
        &when,
        ctx,
    ));
    assert_eq!(again.proposal.title, "直した題");
    assert_eq!(
        again.review.as_ref().map(|r| r.status),
        Some(Status::Returned)
    );
    let resubmitted = written(decide(
        Some(&again),
        Some(3),
        None,
        &mutation(4, again.revision, Op::Submit),
        &when,
        ctx,
    ));
    let review: Review = resubmitted.review.expect("review");
    assert_eq!(review.status, Status::Submitted);
    assert_eq!(review.receipt_no, "2026-0001");
    assert_eq!(review.history.len(), 3);
    assert_eq!(
        review.last_comment().map(|t| t.comment.as_str()),
        Some("予算を見直してください")
    );
}

proptest! {
    /// Any sequence of staff moves: the legal ones are recorded in order
    /// (one history step each, from = the status before), the illegal ones
    /// change nothing, and nothing leaves a final status.
    #[test]
    fn any_sequence_of_moves_keeps_a_true_history(
        moves in prop::collection::vec((0usize..6, any::<bool>()), 0..30)
    ) {
        let mut review = tsunagari_core::review::submit(
            None,
            Actor::Group { login: "hanako".into() },
            "t0",
            "2026-0001",
        ).expect("first");
        for (i, (to, commented)) in moves.into_iter().enumerate() {
            let to = Status::ALL[to];
            let comment = if commented { "理由" } else { "" };
            let before = review.clone();
            match staff_move(Some(&review), to, "tanaka", &format!("t{i}"), comment) {
                Ok(next) => {
                    prop_assert!(before.status.staff_moves().contains(&to));
                    prop_assert!(to != Status::Returned || commented);
                    prop_assert_eq!(next.history.len(), before.history.len() + 1);
                    let last = next.history.last().expect("a step");
                    prop_assert_eq!(last.from, Some(before.status));
                    prop_assert_eq!(last.to, to);
                    prop_assert_eq!(&next.history[..before.history.len()], &before.history[..]);
                    review = next;
                }
                Err(_) => {
                    prop_assert!(
                        before.status.is_final()
                            || !before.status.staff_moves().contains(&to)
                            || (to == Status::Returned && !commented)
                    );
                }
            }
            if review.status == Status::Returned {
                review = tsunagari_core::review::submit(
                    Some(&review),
                    Actor::Group { login: "hanako".into() },
                    "t",
                    "",
                ).expect("resubmitted");
                prop_assert_eq!(&review.receipt_no, "2026-0001");
            }
        }
        for pair in review.history.windows(2) {
            prop_assert_eq!(pair[0].to, pair[1].from.expect("only the first has no from"));
        }
    }
}

#[test]
fn division_ids_of_the_round_are_well_formed_and_a_bad_one_is_refused() {
    for d in round().divisions {
        assert!(d.code.is_well_formed(), "{}", d.code);
    }
    // New drafts start in the file's default 部門, which must be offered.
    assert_eq!(
        round().first_division().map(|d| d.code.as_str()),
        Some("general")
    );
    let mut r = round();
    r.default_division = Some(DivisionId::from("alumni"));
    let errors = r.check().expect_err("refused");
    assert!(
        errors.iter().any(|e| e.path == "default_division"),
        "{errors:?}"
    );
    let mut r = round();
    r.divisions[1].code = DivisionId::from("General Division");
    let errors = r.check().expect_err("refused");
    assert!(
        errors.iter().any(|e| e.path == "divisions[1].code"),
        "{errors:?}"
    );
}

/// The answer on the group's phone: a phone holding the submitted copy
/// pulls the 差し戻し, shows the comment and may edit again; a phone with
/// unsent edits still gets the review from the pull.
#[test]
fn a_return_reaches_the_phone_and_reopens_the_draft() {
    use tsunagari_core::sync::{DraftState, LocalDraft, pull_draft};
    let mut submitted = stored(proposal());
    submitted.revision = 2;
    submitted.submitted_at = Some("2026-05-01T01:00:00Z".into());
    submitted.review = Some(
        tsunagari_core::review::submit(
            None,
            Actor::Group {
                login: "hanako".into(),
            },
            "2026-05-01T01:00:00Z",
            "2026-0001",
        )
        .expect("first"),
    );
    let phone = LocalDraft::from_server(&submitted);
    assert_eq!(phone.state(false), DraftState::Submitted);

    let mut returned = submitted.clone();
    returned.revision = 3;
    returned.submitted_at = None;
    returned.review = Some(
        staff_move(
            submitted.review.as_ref(),
            Status::Returned,
            "tanaka",
            "t",
            "内訳を",
        )
        .expect("legal"),
    );
    let mut phone = pull_draft(Some(&phone), &returned, false, false);
    assert_eq!(phone.state(false), DraftState::Synced, "editable again");
    let review = phone.draft.review.clone().expect("review");
    assert_eq!(review.status, Status::Returned);
    assert_eq!(
        review.last_comment().map(|t| t.comment.as_str()),
        Some("内訳を")
    );
    let mut p = phone.draft.proposal.clone();
    p.summary = "直した".into();
    phone.edit(p, 1);
    assert_eq!(phone.draft.proposal.summary, "直した");
    assert_eq!(phone.state(false), DraftState::Waiting);

    // Another phone resubmits; this one's unsent words are kept beside it
    // and the review is the server's.
    let mut again = returned.clone();
    again.revision = 5;
    again.submitted_at = Some("2026-05-02T01:00:00Z".into());
    again.review = Some(
        tsunagari_core::review::submit(
            returned.review.as_ref(),
            Actor::Group {
                login: "taro".into(),
            },
            "2026-05-02T01:00:00Z",
            "",
        )
        .expect("resubmitted"),
    );
    let phone = pull_draft(Some(&phone), &again, false, false);
    assert_eq!(phone.state(false), DraftState::SubmittedWithoutYours);
    assert_eq!(
        phone.draft.review.map(|r| r.status),
        Some(Status::Submitted)
    );

    // And a clean merge of a server change carries the review too.
    let mut edited = LocalDraft::from_server(&returned);
    let mut p = edited.draft.proposal.clone();
    p.place = "別の会場".into();
    edited.edit(p, 2);
    edited.draft.review = None; // a copy stored by a release before reviews
    let mut server = returned.clone();
    server.revision = 4;
    server.proposal.title = "別の端末で直した題".into();
    let merged = pull_draft(Some(&edited), &server, false, false);
    assert_eq!(merged.draft.proposal.title, "別の端末で直した題");
    assert_eq!(merged.draft.proposal.place, "別の会場");
    assert_eq!(merged.draft.review, returned.review);
}
