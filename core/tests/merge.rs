//! The draft merge: the laws as property tests, the list rules as examples.

use proptest::prelude::*;
use tsunagari_core::calendar::Date;
use tsunagari_core::merge::{Conflict, merge_proposals, merge_text, split_sentences};
use tsunagari_core::proposal::{BudgetKind, BudgetLine, Field, Milestone, Proposal};
use tsunagari_core::{Amount, DivisionId};

fn d(y: u16, m: u8, day: u8) -> Date {
    Date::new(y, m, day).expect("valid test date")
}

fn milestone(id: &str, day: u8, what: &str) -> Milestone {
    Milestone {
        id: id.into(),
        date: d(2025, 6, day),
        what: what.into(),
    }
}

fn line(id: &str, kind: BudgetKind, item: &str, amount_yen: u64) -> BudgetLine {
    BudgetLine {
        id: id.into(),
        kind,
        item: item.into(),
        amount: Amount::yen(amount_yen),
    }
}

fn example() -> Proposal {
    let mut p = Proposal::new_draft(2025, DivisionId::from("general"), "porepore".into());
    p.title = "雪かきの輪".into();
    p.summary = "雪かきをする。町会と学生が組む。冬の暮らしを支える。".into();
    p.schedule = vec![milestone("m1", 1, "説明会"), milestone("m2", 2, "雪かき")];
    p.budget = vec![
        line("b1", BudgetKind::Income, "補助金", 100),
        line("b2", BudgetKind::Expense, "スコップ", 60),
        line("b3", BudgetKind::Expense, "保険", 40),
    ];
    p
}

// ---- list rules ----

#[test]
fn deleted_on_one_side_and_edited_on_the_other_keeps_the_edit() {
    let base = example();
    let mut ours = base.clone();
    ours.budget.retain(|l| l.id != "b2");
    let mut theirs = base.clone();
    theirs.budget[1].amount = Amount::yen(75);

    for (o, t) in [(&ours, &theirs), (&theirs, &ours)] {
        let out = merge_proposals(&base, o, t);
        assert_eq!(out.conflicts, vec![]);
        let ids: Vec<&str> = out.merged.budget.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["b1", "b2", "b3"], "restored in its place");
        assert_eq!(out.merged.budget[1].yen(), 75);
    }
}

#[test]
fn deleted_on_one_side_and_untouched_on_the_other_is_removed() {
    let base = example();
    let mut ours = base.clone();
    ours.schedule.remove(0);
    let mut theirs = base.clone();
    theirs.title = "雪かきの輪2025".into();
    let out = merge_proposals(&base, &ours, &theirs);
    assert_eq!(out.conflicts, vec![]);
    assert_eq!(out.merged.schedule, vec![milestone("m2", 2, "雪かき")]);
    assert_eq!(out.merged.title, "雪かきの輪2025");
}

#[test]
fn additions_on_both_sides_are_kept_in_place() {
    let base = example();
    let mut ours = base.clone();
    ours.schedule.insert(1, milestone("o1", 10, "準備"));
    let mut theirs = base.clone();
    theirs.schedule.push(milestone("t1", 20, "振り返り"));
    let out = merge_proposals(&base, &ours, &theirs);
    assert_eq!(out.conflicts, vec![]);
    let ids: Vec<&str> = out.merged.schedule.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["m1", "o1", "m2", "t1"]);
}

#[test]
fn an_item_edited_on_both_sides_merges_field_by_field() {
    let base = example();
    let mut ours = base.clone();
    ours.budget[1].item = "スコップ10本".into();
    let mut theirs = base.clone();
    theirs.budget[1].amount = Amount::yen(80);
    let out = merge_proposals(&base, &ours, &theirs);
    assert_eq!(out.conflicts, vec![]);
    assert_eq!(
        out.merged.budget[1],
        line("b2", BudgetKind::Expense, "スコップ10本", 80)
    );

    theirs.budget[1].item = "スコップ5本".into();
    let out = merge_proposals(&base, &ours, &theirs);
    assert_eq!(
        out.conflicts,
        vec![Conflict {
            field: Field::BudgetItem("b2".into()),
            base: "スコップ".into(),
            ours: "スコップ10本".into(),
            theirs: "スコップ5本".into(),
        }]
    );
    // Ours is kept until the user picks; the other field still merged.
    assert_eq!(
        out.merged.budget[1],
        line("b2", BudgetKind::Expense, "スコップ10本", 80)
    );
}

#[test]
fn deleted_on_both_sides_is_removed_and_same_additions_kept_once() {
    let base = example();
    let mut ours = base.clone();
    ours.budget.remove(2);
    ours.budget.push(line("x", BudgetKind::Expense, "印刷", 40));
    let theirs = ours.clone();
    let out = merge_proposals(&base, &ours, &theirs);
    assert_eq!(out.merged, ours);
    assert_eq!(out.conflicts, vec![]);
}

#[test]
fn the_same_id_added_differently_on_both_sides_is_a_conflict_with_an_empty_base() {
    let base = example();
    let mut ours = base.clone();
    ours.budget.push(line("x", BudgetKind::Expense, "印刷", 40));
    let mut theirs = base.clone();
    theirs
        .budget
        .push(line("x", BudgetKind::Expense, "印刷", 30));
    let out = merge_proposals(&base, &ours, &theirs);
    assert_eq!(
        out.conflicts,
        vec![Conflict {
            field: Field::BudgetAmount("x".into()),
            base: String::new(),
            ours: "40".into(),
            theirs: "30".into(),
        }]
    );
    assert_eq!(out.merged.budget.len(), 4);
}

#[test]
fn short_fields_changed_differently_conflict_and_keep_ours() {
    let base = example();
    let mut ours = base.clone();
    ours.division = DivisionId::from("start");
    ours.schedule[0].date = d(2025, 7, 1);
    let mut theirs = base.clone();
    theirs.division = DivisionId::from("collaboration");
    theirs.schedule[0].date = d(2025, 8, 1);
    let out = merge_proposals(&base, &ours, &theirs);
    assert_eq!(out.merged.division, DivisionId::from("start"));
    let fields: Vec<(&Field, &str, &str, &str)> = out
        .conflicts
        .iter()
        .map(|c| {
            (
                &c.field,
                c.base.as_str(),
                c.ours.as_str(),
                c.theirs.as_str(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            (&Field::Division, "general", "start", "collaboration"),
            (
                &Field::MilestoneDate("m1".into()),
                "2025-06-01",
                "2025-07-01",
                "2025-08-01"
            ),
        ]
    );
}

#[test]
fn long_texts_merge_sentences_and_conflict_only_on_overlap() {
    let base = example();
    let mut ours = base.clone();
    ours.summary = "雪かきを毎週する。町会と学生が組む。冬の暮らしを支える。".into();
    let mut theirs = base.clone();
    theirs.summary = "雪かきをする。町会と学生が組む。冬の暮らしを地域で支える。".into();
    let out = merge_proposals(&base, &ours, &theirs);
    assert_eq!(out.conflicts, vec![]);
    assert_eq!(
        out.merged.summary,
        "雪かきを毎週する。町会と学生が組む。冬の暮らしを地域で支える。"
    );

    theirs.summary = "雪かきを毎月する。町会と学生が組む。".into();
    let out = merge_proposals(&base, &ours, &theirs);
    assert_eq!(out.merged.summary, ours.summary);
    assert_eq!(out.conflicts.len(), 1);
    assert_eq!(out.conflicts[0].field, Field::Summary);
    assert_eq!(out.conflicts[0].theirs, theirs.summary);
}

#[test]
fn merge_text_reports_the_overlapping_passage() {
    let err = merge_text("A。B。C。", "A。X。C。", "A。Y。C。").expect_err("overlap");
    assert_eq!(err.regions.len(), 1);
    assert_eq!(
        (
            &*err.regions[0].base,
            &*err.regions[0].ours,
            &*err.regions[0].theirs
        ),
        ("B。", "X。", "Y。")
    );
    // Lines merge too, and an edit next to another does not conflict.
    assert_eq!(
        merge_text("a\nb\nc\n", "a\nB\nc\n", "a\nb\nC\n"),
        Ok("a\nB\nC\n".to_string())
    );
}

/// Issue 13: phone A rewrote the sentence, phone B added 「の朝」 after 土曜,
/// a word A removed. No text keeps both sides' words and means what either
/// wrote, so the answer is a conflict showing both versions: merging
/// character by character gave 「月の朝に一度…」, words neither side wrote.
#[test]
fn a_sentence_rewritten_on_one_side_and_edited_on_the_other_is_a_conflict() {
    let base = "毎週土曜に公園を掃除します。";
    let a = "月に一度、川の清掃をします。";
    let b = "毎週土曜の朝に公園を掃除します。";
    for (ours, theirs) in [(a, b), (b, a)] {
        let err = merge_text(base, ours, theirs).expect_err("both changed the same words");
        assert_eq!(err.regions.len(), 1);
        let r = &err.regions[0];
        assert_eq!((&*r.base, &*r.ours, &*r.theirs), (base, ours, theirs));
    }

    // In a draft: the field is a conflict, the draft keeps ours until the
    // member chooses, and neither side's sentence is lost.
    let mut p = example();
    p.activities = format!("{base}ごみ袋は町会が用意します。");
    let mut ours = p.clone();
    ours.activities = ours.activities.replace(base, a);
    let mut theirs = p.clone();
    theirs.activities = theirs.activities.replace(base, b);
    let out = merge_proposals(&p, &ours, &theirs);
    assert_eq!(out.merged.activities, ours.activities);
    assert_eq!(
        out.conflicts,
        vec![Conflict {
            field: Field::Activities,
            base: p.activities.clone(),
            ours: ours.activities.clone(),
            theirs: theirs.activities.clone(),
        }]
    );
}

#[test]
fn edits_inside_one_sentence_merge_only_when_apart() {
    // Apart (at least one character both kept between them): both taken.
    assert_eq!(
        merge_text(
            "毎週土曜に公園を掃除します。",
            "毎週土曜に中央公園を掃除します。",
            "毎週土曜に公園を掃除しました。"
        ),
        Ok("毎週土曜に中央公園を掃除しました。".to_string())
    );
    // Touching: an insertion at the edge of the other side's replacement,
    // and two replacements side by side, are conflicts.
    for (ours, theirs) in [
        (
            "毎週日曜日に公園を掃除します。",
            "毎週土曜の朝に公園を掃除します。",
        ),
        (
            "毎週日曜に公園を掃除します。",
            "毎週土日に公園を掃除します。",
        ),
        (
            "毎週土曜に公園を掃除しません。",
            "毎週土曜に公園を掃除しますよ。",
        ),
    ] {
        let merged = merge_text("毎週土曜に公園を掃除します。", ours, theirs);
        assert!(merged.is_err(), "{ours} / {theirs}: {merged:?}");
    }
}

// ---- properties ----

fn arb_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec!["春。", "夏！", "秋？", "冬。", "雪\n", "a。"]),
        0..6,
    )
    .prop_map(|v| v.concat())
}

fn arb_proposal() -> impl Strategy<Value = Proposal> {
    let short = || prop::sample::select(vec!["", "あ", "い", "う"]).prop_map(String::from);
    let milestones = prop::collection::btree_map(
        prop::sample::select(vec!["m1", "m2", "m3", "m4"]),
        (1u8..28, short()),
        0..4,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|(id, (day, what))| milestone(id, day, &what))
            .collect::<Vec<_>>()
    });
    let budget = prop::collection::btree_map(
        prop::sample::select(vec!["b1", "b2", "b3", "b4"]),
        (any::<bool>(), short(), 0u64..4),
        0..4,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|(id, (inc, item, amount))| {
                let kind = if inc {
                    BudgetKind::Income
                } else {
                    BudgetKind::Expense
                };
                line(id, kind, &item, amount)
            })
            .collect::<Vec<_>>()
    });
    let texts = (
        arb_text(),
        arb_text(),
        arb_text(),
        arb_text(),
        arb_text(),
        arb_text(),
    );
    let shorts = (
        2024u16..2027,
        prop::sample::select(vec![DivisionId::from("start"), DivisionId::from("general")]),
        short(),
        short(),
        short(),
        short(),
        short(),
    );
    (texts, shorts, milestones, budget).prop_map(
        |((su, pu, li, ac, ou, ro), (fy, div, g, ti, pl, de, co), schedule, budget)| Proposal {
            fiscal_year: fy,
            division: div,
            group_id: g,
            title: ti,
            summary: su,
            purpose: pu,
            local_issue: li,
            activities: ac,
            schedule,
            place: pl.clone(),
            outcomes: ou,
            role_division: ro,
            department: de,
            budget,
            // The group's contact lines merge like the contact person (`pick`).
            representative: co.clone(),
            address: pl.clone(),
            phone: String::new(),
            email: String::new(),
            contact_person: co,
            round: None,
        },
    )
}

/// One change to one part of a proposal; `target` names the part.
#[derive(Debug, Clone)]
enum Edit {
    Title(String),
    Place(String),
    Division(DivisionId),
    FiscalYear(u16),
    Summary(String),
    Activities(String),
    MilestoneWhat(usize, String),
    DeleteMilestone(usize),
    AddMilestone(u8),
    LineAmount(usize, u64),
    DeleteLine(usize),
    AddLine(u64),
}

fn arb_edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        "[か-こ]{1,3}".prop_map(Edit::Title),
        "[さ-そ]{1,3}".prop_map(Edit::Place),
        prop::sample::select(vec![
            DivisionId::from("collaboration"),
            DivisionId::from("student_high_school")
        ])
        .prop_map(Edit::Division),
        (2030u16..2032).prop_map(Edit::FiscalYear),
        arb_text().prop_map(Edit::Summary),
        arb_text().prop_map(Edit::Activities),
        (0usize..4, "[た-と]{1,3}").prop_map(|(i, s)| Edit::MilestoneWhat(i, s)),
        (0usize..4).prop_map(Edit::DeleteMilestone),
        (1u8..28).prop_map(Edit::AddMilestone),
        (0usize..4, 100u64..200).prop_map(|(i, a)| Edit::LineAmount(i, a)),
        (0usize..4).prop_map(Edit::DeleteLine),
        (100u64..200).prop_map(Edit::AddLine),
    ]
}

/// Applies `edit` made on `side` (`"o"` or `"t"`); returns the part it
/// touched, or `None` when it did not apply (no such item).
fn apply(p: &mut Proposal, edit: &Edit, side: &str, n: usize) -> Option<String> {
    let ms = |p: &Proposal, i: usize| p.schedule.get(i).map(|m| m.id.clone());
    let bl = |p: &Proposal, i: usize| p.budget.get(i).map(|l| l.id.clone());
    Some(match edit {
        Edit::Title(s) => {
            p.title = s.clone();
            "title".into()
        }
        Edit::Place(s) => {
            p.place = s.clone();
            "place".into()
        }
        Edit::Division(d) => {
            p.division = d.clone();
            "division".into()
        }
        Edit::FiscalYear(y) => {
            p.fiscal_year = *y;
            "fiscal_year".into()
        }
        Edit::Summary(s) => {
            p.summary = s.clone();
            "summary".into()
        }
        Edit::Activities(s) => {
            p.activities = s.clone();
            "activities".into()
        }
        Edit::MilestoneWhat(i, s) => {
            let id = ms(p, *i)?;
            p.schedule[*i].what = s.clone();
            id
        }
        Edit::DeleteMilestone(i) => {
            let id = ms(p, *i)?;
            p.schedule.remove(*i);
            id
        }
        Edit::AddMilestone(day) => {
            let id = format!("{side}m{n}");
            p.schedule.push(milestone(&id, *day, "追加"));
            id
        }
        Edit::LineAmount(i, a) => {
            let id = bl(p, *i)?;
            p.budget[*i].amount = Amount::yen(*a);
            id
        }
        Edit::DeleteLine(i) => {
            let id = bl(p, *i)?;
            p.budget.remove(*i);
            id
        }
        Edit::AddLine(a) => {
            let id = format!("{side}b{n}");
            p.budget.push(line(&id, BudgetKind::Expense, "追加", *a));
            id
        }
    })
}

/// What a part of a proposal holds, to compare versions part by part.
fn part(p: &Proposal, target: &str) -> String {
    match target {
        "title" => p.title.clone(),
        "place" => p.place.clone(),
        "division" => format!("{:?}", p.division),
        "fiscal_year" => p.fiscal_year.to_string(),
        "summary" => p.summary.clone(),
        "activities" => p.activities.clone(),
        id => format!(
            "{:?}{:?}",
            p.schedule.iter().find(|m| m.id == id),
            p.budget.iter().find(|l| l.id == id)
        ),
    }
}

/// Applies edits to `base` on one side, skipping parts in `avoid`.
fn edit_side(
    base: &Proposal,
    edits: &[Edit],
    side: &str,
    avoid: &[String],
) -> (Proposal, Vec<String>) {
    let mut p = base.clone();
    let mut touched = Vec::new();
    for (n, e) in edits.iter().enumerate() {
        let mut trial = p.clone();
        if let Some(t) = apply(&mut trial, e, side, n)
            && !avoid.contains(&t)
        {
            p = trial;
            touched.push(t);
        }
    }
    (p, touched)
}

proptest! {
    #[test]
    fn merging_a_draft_with_itself_changes_nothing(x in arb_proposal()) {
        let out = merge_proposals(&x, &x, &x);
        prop_assert_eq!(out.merged, x);
        prop_assert!(out.conflicts.is_empty());
    }

    #[test]
    fn changes_on_one_side_only_are_taken_whole(base in arb_proposal(), other in arb_proposal()) {
        let out = merge_proposals(&base, &other, &base);
        prop_assert_eq!(&out.merged, &other);
        prop_assert!(out.conflicts.is_empty());
        let out = merge_proposals(&base, &base, &other);
        prop_assert_eq!(&out.merged, &other);
        prop_assert!(out.conflicts.is_empty());
    }

    #[test]
    fn merging_is_deterministic_and_conflicts_do_not_depend_on_the_side(
        base in arb_proposal(), ours in arb_proposal(), theirs in arb_proposal()
    ) {
        let a = merge_proposals(&base, &ours, &theirs);
        let b = merge_proposals(&base.clone(), &ours.clone(), &theirs.clone());
        prop_assert_eq!(&a, &b);
        let swapped = merge_proposals(&base, &theirs, &ours);
        let fields = |c: &[Conflict]| c.iter().map(|c| c.field.clone()).collect::<Vec<_>>();
        prop_assert_eq!(fields(&a.conflicts), fields(&swapped.conflicts));
    }

    #[test]
    fn a_change_made_on_only_one_side_is_never_lost(
        base in arb_proposal(),
        ours_edits in prop::collection::vec(arb_edit(), 1..5),
        theirs_edits in prop::collection::vec(arb_edit(), 0..5),
    ) {
        let (ours, ours_touched) = edit_side(&base, &ours_edits, "o", &[]);
        let (theirs, theirs_touched) = edit_side(&base, &theirs_edits, "t", &ours_touched);
        let out = merge_proposals(&base, &ours, &theirs);
        prop_assert!(out.conflicts.is_empty(), "{:?}", out.conflicts);
        for t in &ours_touched {
            prop_assert_eq!(part(&out.merged, t), part(&ours, t), "ours' change to {} lost", t);
        }
        for t in &theirs_touched {
            prop_assert_eq!(part(&out.merged, t), part(&theirs, t), "theirs' change to {} lost", t);
        }
        for t in ["title", "place", "division", "fiscal_year", "summary", "activities"] {
            if !ours_touched.iter().chain(&theirs_touched).any(|x| x == t) {
                prop_assert_eq!(part(&out.merged, t), part(&base, t));
            }
        }
    }

    #[test]
    fn non_overlapping_sentence_edits_are_both_kept(
        n in 1usize..8,
        ours_edit in (0u8..3, 0usize..9),
        theirs_edit in (0u8..3, 0usize..9),
    ) {
        // 0 = replace sentence i, 1 = delete sentence i, 2 = insert before i.
        let (ko, io) = (ours_edit.0, ours_edit.1 % (n + 1));
        let (kt, it) = (theirs_edit.0, theirs_edit.1 % (n + 1));
        let modifies = |k: u8| k < 2;
        let (io, it) = (if modifies(ko) { io % n } else { io }, if modifies(kt) { it % n } else { it });
        prop_assume!(!(modifies(ko) == modifies(kt) && io == it));
        let base: Vec<String> = (0..n).map(|k| format!("文{k}です。")).collect();
        let apply = |k: u8, i: usize, new: &str| {
            let mut s = base.clone();
            match k {
                0 => s[i] = new.to_string(),
                1 => { s.remove(i); }
                _ => s.insert(i, new.to_string()),
            }
            s.concat()
        };
        let ours = apply(ko, io, "我々の新文！");
        let theirs = apply(kt, it, "彼らの新文？\n");
        // The expected text: both edits on the base, inserts before the sentence.
        let mut expected = String::new();
        for k in 0..=n {
            for (kind, i, new) in [(ko, io, "我々の新文！"), (kt, it, "彼らの新文？\n")] {
                if kind == 2 && i == k { expected.push_str(new); }
            }
            let Some(mut sentence) = base.get(k).cloned() else { break };
            for (kind, i, new) in [(ko, io, "我々の新文！"), (kt, it, "彼らの新文？\n")] {
                if i == k && kind == 0 { sentence = new.to_string(); }
                if i == k && kind == 1 { sentence = String::new(); }
            }
            expected.push_str(&sentence);
        }
        let merged = merge_text(&base.concat(), &ours, &theirs);
        prop_assert_eq!(merged, Ok(expected));
    }

    #[test]
    fn merge_text_never_panics_and_conflicts_are_symmetric(
        base in "[a-cあ。\n]{0,12}", ours in "[a-cあ。\n]{0,12}", theirs in "[a-cあ。\n]{0,12}"
    ) {
        let a = merge_text(&base, &ours, &theirs);
        let b = merge_text(&base, &theirs, &ours);
        prop_assert_eq!(a.is_ok(), b.is_ok());
        prop_assert_eq!(merge_text(&base, &ours, &base), Ok(ours.clone()));
        prop_assert_eq!(split_sentences(&base).concat(), base);
    }

}

proptest! {
    // Cheap cases; overlapping edits that share characters are a small part.
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn a_text_merge_never_drops_a_change_made_on_only_one_side(
        (base, ours, theirs) in arb_two_edits()
    ) {
        let (b, o, t) = (chars(&base), chars(&ours), chars(&theirs));
        let (eo, et) = (change(&b, &o), change(&b, &t));
        match merge_text(&base, &ours, &theirs) {
            Ok(merged) if ours == theirs || theirs == base => prop_assert_eq!(merged, ours),
            Ok(merged) if ours == base => prop_assert_eq!(merged, theirs),
            // Both changed: the result is the base with both changes, which
            // exists only where they do not overlap.
            Ok(merged) => {
                let mut applied = Vec::new();
                for x in placements(&b, &o) {
                    for y in placements(&b, &t) {
                        applied.extend(apply_both(&b, &x, &y));
                    }
                }
                prop_assert!(!applied.is_empty(), "overlapping changes merged into {}", merged);
                prop_assert!(applied.contains(&merged), "{} is not one of {:?}", merged, applied);
            }
            Err(_) => {
                prop_assert!(ours != theirs && ours != base && theirs != base);
                // Changes at least one character apart always merge.
                // Apart however each change is placed (「をを」→「を」 may
                // have removed either を).
                let (lo, lt) = (change_leftmost(&b, &o), change_leftmost(&b, &t));
                let apart = |x: &Change, y: &Change| x.end < y.start || y.end < x.start;
                let always_apart = [(&eo, &et), (&eo, &lt), (&lo, &et), (&lo, &lt)]
                    .into_iter()
                    .all(|(x, y)| apart(x, y));
                prop_assert!(!always_apart, "separate changes {:?} and {:?} conflicted", eo, et);
            }
        }
    }

    #[test]
    fn a_clean_text_merge_contains_every_word_each_side_inserted_unbroken(
        (base, ours, theirs) in arb_two_edits()
    ) {
        // A word: the run of characters a side typed in place of base text
        // (no sentence end inside; see `arb_two_edits`).
        let b = chars(&base);
        if let Ok(merged) = merge_text(&base, &ours, &theirs) {
            for side in [&ours, &theirs] {
                let word: String = change(&b, &chars(side)).text.into_iter().collect();
                prop_assert!(merged.contains(&word), "{:?} broken in {:?}", word, merged);
            }
        }
    }
}

// ---- text changes, for the laws above ----

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

/// One side's change: base characters `[start, end)` became `text`; the
/// smallest such stretch (common start and end trimmed).
#[derive(Debug)]
struct Change {
    start: usize,
    end: usize,
    text: Vec<char>,
}

fn change(base: &[char], side: &[char]) -> Change {
    let start = base.iter().zip(side).take_while(|(x, y)| x == y).count();
    let tail = base[start..]
        .iter()
        .rev()
        .zip(side[start..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    Change {
        start,
        end: base.len() - tail,
        text: side[start..side.len() - tail].to_vec(),
    }
}

/// [`change`] placed as early as it can be: the common end trimmed first.
fn change_leftmost(base: &[char], side: &[char]) -> Change {
    let rev = |s: &[char]| s.iter().rev().copied().collect::<Vec<char>>();
    let c = change(&rev(base), &rev(side));
    Change {
        start: base.len() - c.end,
        end: base.len() - c.start,
        text: rev(&c.text),
    }
}

/// Every place [`change`] could be: 「をを」→「を」 removed either を.
fn placements(base: &[char], side: &[char]) -> Vec<Change> {
    let (early, late) = (change_leftmost(base, side), change(base, side));
    let (len, text_len) = (late.end - late.start, late.text.len());
    (early.start..=late.start)
        .filter(|&s| side[..s] == base[..s] && side[s + text_len..] == base[s + len..])
        .map(|s| Change {
            start: s,
            end: s + len,
            text: side[s..s + text_len].to_vec(),
        })
        .collect()
}

/// The base with both changes made, when they do not overlap (two
/// insertions at one place overlap: their order is unknown).
fn apply_both(base: &[char], a: &Change, b: &Change) -> Option<String> {
    let (a_first, b_first) = (a.end <= b.start, b.end <= a.start);
    let (first, second) = match (a_first, b_first) {
        (true, false) => (a, b),
        (false, true) => (b, a),
        _ => return None,
    };
    let mut out: Vec<char> = base[..first.start].to_vec();
    out.extend(&first.text);
    out.extend(&base[first.end..second.start]);
    out.extend(&second.text);
    out.extend(&base[second.end..]);
    Some(out.into_iter().collect())
}

/// A short text of sentences made of a few common characters (so a
/// character diff finds incidental anchors, as in real Japanese), and two
/// sides each replacing one stretch of it with a word: common characters
/// and the side's own (か, さ), never a sentence end.
fn arb_two_edits() -> impl Strategy<Value = (String, String, String)> {
    let sentence = prop::collection::vec(
        prop::sample::select(vec!['毎', '週', 'に', 'の', 'を', 'し', 'ま', 'す']),
        1..6,
    )
    .prop_map(|mut cs| {
        cs.push('。');
        cs
    });
    let base = prop::collection::vec(sentence, 1..4).prop_map(|v| v.concat());
    let word = |own: char| {
        prop::collection::vec(
            prop::sample::select(vec![own, own, 'に', 'の', 'を', 'し', '毎']),
            0..5,
        )
    };
    let edit = |own: char| (0usize..64, 0usize..6, word(own));
    (base, edit('か'), edit('さ')).prop_map(|(base, a, b)| {
        let apply = |(at, len, w): (usize, usize, Vec<char>)| {
            let at = at % (base.len() + 1);
            let end = (at + len).min(base.len());
            let mut s = base[..at].to_vec();
            s.extend(w);
            s.extend(&base[end..]);
            s.into_iter().collect::<String>()
        };
        let text = base.iter().collect::<String>();
        (text, apply(a), apply(b))
    })
}
