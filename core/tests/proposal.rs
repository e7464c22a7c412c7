//! The proposal form's validation: one test per rule, checking the field and
//! the message a person sees.

use tsunagari_core::calendar::Date;
use tsunagari_core::proposal::{BudgetKind, BudgetLine, Field, FieldError, Milestone, Proposal};
use tsunagari_core::round::Round;
use tsunagari_core::{Amount, DivisionId};

/// Kanazawa's round file, for the fiscal year these tests' proposals name.
fn round() -> Round {
    let mut r = Round::parse(include_str!("../../data/rounds/2026.json")).expect("round file");
    r.fiscal_year = 2025;
    r
}

fn validate(p: &Proposal) -> Vec<FieldError> {
    tsunagari_core::proposal::validate(p, Some(&round()))
}

fn check_limits(p: &Proposal) -> Vec<FieldError> {
    tsunagari_core::proposal::check_limits(p, Some(&round()))
}

fn d(y: u16, m: u8, day: u8) -> Date {
    Date::new(y, m, day).expect("valid test date")
}

fn line(id: &str, kind: BudgetKind, item: &str, amount_yen: u64) -> BudgetLine {
    BudgetLine {
        id: id.into(),
        kind,
        item: item.into(),
        amount: Amount::yen(amount_yen),
    }
}

fn valid() -> Proposal {
    Proposal {
        fiscal_year: 2025,
        division: DivisionId::from("general"),
        group_id: "porepore".into(),
        title: "雪かきボランティアの輪".into(),
        summary: "高齢者世帯の雪かきを学生と町会で行う。".into(),
        purpose: "冬の暮らしを地域で支える。".into(),
        local_issue: "高齢化で雪かきができない世帯が増えている。".into(),
        activities: "説明会、雪かき、振り返りの会。".into(),
        schedule: vec![
            Milestone {
                id: "m1".into(),
                date: d(2025, 11, 1),
                what: "説明会".into(),
            },
            Milestone {
                id: "m2".into(),
                date: d(2026, 1, 15),
                what: "雪かき".into(),
            },
        ],
        place: "金沢市内の町会".into(),
        outcomes: "30世帯の雪かき".into(),
        role_division: "団体は運営、市は広報。".into(),
        department: "市民協働推進課".into(),
        budget: vec![
            line("b1", BudgetKind::Income, "補助金", 200_000),
            line("b2", BudgetKind::Expense, "スコップ", 120_000),
            line("b3", BudgetKind::Expense, "保険料", 80_000),
        ],
        contact_person: "金沢 花子".into(),
        representative: String::new(),
        address: String::new(),
        phone: String::new(),
        email: String::new(),
        round: None,
    }
}

/// The errors for `field`, failing if there are none.
fn errors_for(p: &Proposal, field: Field) -> Vec<FieldError> {
    let errors: Vec<FieldError> = validate(p)
        .into_iter()
        .filter(|e| e.field == field)
        .collect();
    assert!(
        !errors.is_empty(),
        "expected an error on {field:?}, got {:?}",
        validate(p)
    );
    errors
}

fn only_error(p: &Proposal) -> FieldError {
    let mut errors = validate(p);
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.remove(0)
}

#[test]
fn the_example_is_valid_and_totals_are_computed() {
    let p = valid();
    assert_eq!(validate(&p), vec![]);
    let t = p.totals();
    assert_eq!((t.income_yen, t.expense_yen), (200_000, 200_000));
    assert_eq!(p.fiscal_year_ja(), "令和7年度");
    assert_eq!(p.fiscal_year_en(), "FY2025");
}

#[test]
fn proposals_round_trip_through_json_in_snake_case() {
    let p = valid();
    let json = serde_json::to_string(&p).expect("serialises");
    assert!(json.contains("\"division\":\"general\""));
    assert!(json.contains("\"kind\":\"income\""));
    assert!(json.contains("\"date\":\"2025-11-01\""));
    let back: Proposal = serde_json::from_str(&json).expect("parses");
    assert_eq!(back, p);
}

#[test]
fn required_fields_say_what_to_enter() {
    let mut p = valid();
    p.title = "  ".into();
    let e = only_error(&p);
    assert_eq!(e.field, Field::Title);
    assert_eq!(e.message_ja, "事業名を入力してください。");
    assert_eq!(e.message_en, "Enter the project title.");

    let mut p = Proposal::new_draft(2025, DivisionId::from("start"), "porepore".into());
    p.schedule.clear();
    let fields: Vec<Field> = validate(&p).into_iter().map(|e| e.field).collect();
    for f in [
        Field::Title,
        Field::Summary,
        Field::Purpose,
        Field::LocalIssue,
        Field::Activities,
        Field::Schedule,
        Field::Place,
        Field::Outcomes,
        Field::RoleDivision,
        Field::Department,
        Field::Budget,
        Field::ContactPerson,
    ] {
        assert!(fields.contains(&f), "{f:?} not reported for an empty draft");
    }
    // Errors come in form order.
    let mut sorted = fields.clone();
    sorted.sort();
    assert_eq!(fields, sorted);

    let mut p = valid();
    p.group_id = String::new();
    assert_eq!(
        only_error(&p).message_en,
        "Choose the group making this proposal."
    );
}

#[test]
fn length_limits_count_characters_and_give_the_count() {
    let max = round()
        .division(&DivisionId::from("general"))
        .expect("offered")
        .limits
        .title_max;
    let mut p = valid();
    p.title = "あ".repeat(max);
    assert_eq!(validate(&p), vec![]);
    p.title = "あ".repeat(max + 3);
    let e = only_error(&p);
    assert_eq!(e.field, Field::Title);
    assert_eq!(
        e.message_ja,
        format!(
            "事業名は{max}文字以内にしてください（今は{}文字です）。",
            max + 3
        )
    );
    assert_eq!(
        e.message_en,
        format!(
            "Shorten the project title to {max} characters or fewer (it has {} now).",
            max + 3
        )
    );

    let mut p = valid();
    p.purpose = "目".repeat(5000);
    assert_eq!(only_error(&p).field, Field::Purpose);
}

#[test]
fn fiscal_year_and_division_must_be_offered() {
    let mut p = valid();
    p.fiscal_year = 2010;
    let e = errors_for(&p, Field::FiscalYear).remove(0);
    assert_eq!(
        e.message_ja,
        "年度は令和元年度から令和82年度の間で選んでください。"
    );

    let mut p = valid();
    p.division = DivisionId::from("alumni");
    let e = only_error(&p);
    assert_eq!(e.field, Field::Division);
    assert!(
        e.message_ja
            .starts_with("選んだ部門はこの募集では受け付けていません。")
    );
    assert!(
        e.message_ja
            .contains("スタート部門・一般部門・団体連携部門・学生・高校生部門")
    );
    assert!(
        e.message_en
            .starts_with("This round takes no proposals in the chosen division.")
    );
}

#[test]
fn department_must_come_from_the_list() {
    let mut p = valid();
    p.department = "宇宙開発課".into();
    let e = only_error(&p);
    assert_eq!(e.field, Field::Department);
    assert_eq!(
        e.message_ja,
        "「宇宙開発課」は協働課の一覧にありません。一覧から選んでください。"
    );
    p.department = String::new();
    assert_eq!(
        only_error(&p).message_en,
        "Choose a partner department from the list."
    );
    for dept in round().departments {
        p.department = dept.name_ja.clone();
        assert_eq!(validate(&p), vec![], "{}", dept.name_ja);
    }
}

#[test]
fn milestones_stay_inside_the_fiscal_year() {
    let mut p = valid();
    p.schedule[1].date = d(2026, 4, 1);
    let e = only_error(&p);
    assert_eq!(e.field, Field::MilestoneDate("m2".into()));
    assert_eq!(
        e.message_ja,
        "日付を令和7年度（2025年4月1日(火)から2026年3月31日(火)）の中にしてください。"
    );
    assert_eq!(
        e.message_en,
        "Choose a date within FY2025 (2025-04-01 to 2026-03-31)."
    );

    p.schedule[1].date = d(2026, 3, 31);
    p.schedule[0].date = d(2025, 4, 1);
    assert_eq!(validate(&p), vec![]);
    p.schedule[0].date = d(2025, 3, 31);
    assert_eq!(only_error(&p).field, Field::MilestoneDate("m1".into()));
}

#[test]
fn milestones_are_in_date_order_and_described() {
    let mut p = valid();
    p.schedule.swap(0, 1);
    let e = only_error(&p);
    assert_eq!(e.field, Field::MilestoneDate("m1".into()));
    assert!(
        e.message_ja
            .contains("前の予定（2026年1月15日(木)）より早い日付です")
    );
    assert_eq!(
        e.message_en,
        "This milestone is dated before the one above it (2026-01-15). Put the milestones in date order or correct the date."
    );

    let mut p = valid();
    p.schedule[0].what = String::new();
    let e = only_error(&p);
    assert_eq!(e.field, Field::MilestoneWhat("m1".into()));
    assert_eq!(e.message_ja, "予定の内容を入力してください。");

    let mut p = valid();
    p.schedule.clear();
    assert_eq!(
        only_error(&p).message_ja,
        "実施スケジュールに予定を1つ以上追加してください。"
    );
}

#[test]
fn budget_must_balance() {
    let mut p = valid();
    p.budget[0].amount = Amount::yen(150_000);
    let e = only_error(&p);
    assert_eq!(e.field, Field::Budget);
    assert_eq!(
        e.message_ja,
        "収入合計（150,000円）と支出合計（200,000円）を同じ金額にしてください。"
    );
    assert_eq!(
        e.message_en,
        "Make total income (150,000 yen) equal total expenses (200,000 yen)."
    );
}

#[test]
fn expenses_stay_within_the_division_cap() {
    let mut p = valid();
    p.division = DivisionId::from("start");
    let e = only_error(&p);
    assert_eq!(e.field, Field::Budget);
    assert_eq!(
        e.message_ja,
        "スタート部門の支出合計は100,000円以内です（今は200,000円です）。支出を見直してください。"
    );
    for rules in round().divisions {
        let cap = rules
            .budget_cap_yen
            .expect("every offered division has a cap");
        let mut p = valid();
        p.division = rules.code.clone();
        p.budget = vec![
            line("i", BudgetKind::Income, "補助金", cap),
            line("e", BudgetKind::Expense, "会場費", cap),
        ];
        assert_eq!(validate(&p), vec![], "{}", rules.label_en);
        p.budget[0].amount = Amount::yen(cap + 1);
        p.budget[1].amount = Amount::yen(cap + 1);
        assert_eq!(only_error(&p).field, Field::Budget, "{}", rules.label_en);
    }
}

#[test]
fn budget_lines_need_an_item_and_a_positive_amount() {
    let mut p = valid();
    p.budget.push(line("z", BudgetKind::Expense, "予備費", 0));
    let e = only_error(&p);
    assert_eq!(e.field, Field::BudgetAmount("z".into()));
    assert_eq!(
        e.message_ja,
        "金額を1円以上で入力してください。不要な行は削除してください。"
    );

    let mut p = valid();
    p.budget[1].item = String::new();
    assert_eq!(only_error(&p).field, Field::BudgetItem("b2".into()));

    let mut p = valid();
    p.budget.retain(|l| l.kind == BudgetKind::Income);
    let errors = errors_for(&p, Field::Budget);
    assert!(
        errors
            .iter()
            .any(|e| e.message_en == "Add at least one expense line to the budget.")
    );

    // Absurd amounts are refused and never overflow the totals.
    let mut p = valid();
    p.budget[0].amount = Amount::yen(u64::MAX);
    p.budget
        .push(line("x", BudgetKind::Income, "寄付", u64::MAX));
    assert_eq!(p.totals().income_yen, u64::MAX);
    assert!(!errors_for(&p, Field::BudgetAmount("x".into())).is_empty());
}

/// The size rules a stored draft must meet: the lists' lengths and every
/// text's, named in both languages; an unfinished draft meets them.
#[test]
fn limits_cap_lists_and_texts_and_name_the_limit() {
    assert!(check_limits(&valid()).is_empty());
    let mut empty = valid();
    empty.title.clear();
    empty.schedule.clear();
    empty.budget.clear();
    assert!(
        check_limits(&empty).is_empty(),
        "a draft need not be complete"
    );

    let max_lines = round()
        .division(&DivisionId::from("general"))
        .expect("rules")
        .limits
        .budget_lines_max;
    let mut p = valid();
    p.budget = (0..4000)
        .map(|i| line(&format!("b{}", 4000 - i), BudgetKind::Expense, "紙", 1))
        .collect();
    let errors = check_limits(&p);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, Field::Budget);
    assert!(errors[0].message_ja.contains(&format!("{max_lines}行以内")));
    assert!(errors[0].message_en.contains(&format!("{max_lines} lines")));
    // The form shows the same message.
    assert!(validate(&p).contains(&errors[0]));

    let mut p = valid();
    p.schedule = (0..31)
        .map(|i| Milestone {
            id: format!("m{i}"),
            date: d(2025, 5, 1),
            what: "会合".into(),
        })
        .collect();
    let errors = check_limits(&p);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message_en.contains("30 milestones"));

    let mut p = valid();
    p.activities = "あ".repeat(1201);
    p.department = "課".repeat(41);
    p.budget[0].id = "x".repeat(65);
    let fields: Vec<Field> = check_limits(&p).into_iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [Field::Activities, Field::Department, Field::Budget]
    );
    for e in check_limits(&p) {
        assert!(validate(&p).contains(&e), "{e:?}");
    }
}

/// Issue 10, item 1: `30万` typed as an amount was read as 30円 (only its
/// digits were kept), so the totals and the print view said 30円.
#[test]
fn amounts_typed_with_units_are_read_as_meant() {
    let mut p = valid();
    p.budget = vec![
        line("i", BudgetKind::Income, "補助金", 0),
        line("e1", BudgetKind::Expense, "会場費", 0),
        line("e2", BudgetKind::Expense, "印刷費", 0),
    ];
    p.budget[0].amount = Amount::typed("30万");
    p.budget[1].amount = Amount::typed("25万");
    p.budget[2].amount = Amount::typed("5万");
    assert_eq!(validate(&p), vec![]);
    let t = p.totals();
    assert_eq!((t.income_yen, t.expense_yen), (300_000, 300_000));

    for (text, yen) in [
        ("1万5千", 15_000),
        ("1.5万", 15_000),
        ("５０，０００", 50_000),
        ("50,000円", 50_000),
    ] {
        p.budget[0].amount = Amount::typed(text);
        assert_eq!(p.budget[0].yen(), yen, "{text}");
    }
}

#[test]
fn an_amount_that_cannot_be_read_is_an_error_never_another_number() {
    let mut p = valid();
    p.budget[1].amount = Amount::typed("12o,000");
    let e = only_error(&p);
    assert_eq!(e.field, Field::BudgetAmount("b2".into()));
    assert_eq!(
        e.message_ja,
        "「12o,000」は金額として読めません。数字と万・千・円で入力してください（例: 30万、1万5千、50,000円）。"
    );
    // Left out of the sums, and the sums say so: no balance message
    // computed from a number nobody typed.
    let t = p.totals();
    assert_eq!((t.expense_yen, t.unread_lines), (80_000, 1));

    p.budget[1].amount = Amount::typed("");
    let e = only_error(&p);
    assert_eq!(
        e.message_ja,
        "金額を入力してください。不要な行は削除してください。"
    );
    assert_eq!(p.totals().unread_lines, 0, "empty is not unread");
}

#[test]
fn amounts_keep_what_was_typed_and_old_drafts_still_load() {
    // A draft stored before amounts were kept as typed.
    let mut old = serde_json::to_value(valid()).expect("serialises");
    for l in old["budget"].as_array_mut().expect("a list") {
        let o = l.as_object_mut().expect("an object");
        assert!(!o.contains_key("amount_text"), "plain digits add nothing");
        o.insert("amount_yen".into(), 120_000.into());
    }
    let loaded: Proposal = serde_json::from_value(old).expect("an old draft loads");
    assert_eq!(loaded.budget[0].amount, Amount::typed("120000"));

    // Typed text, readable or not, comes back as typed; `amount_yen` is the
    // amount as read, what older apps and the export read.
    let mut p = valid();
    p.budget[0].amount = Amount::typed("30万");
    p.budget[1].amount = Amount::typed("3o万");
    let json = serde_json::to_value(&p).expect("serialises");
    assert_eq!(json["budget"][0]["amount_yen"], 300_000);
    assert_eq!(json["budget"][0]["amount_text"], "30万");
    assert_eq!(json["budget"][1]["amount_yen"], 0);
    let back: Proposal = serde_json::from_value(json).expect("parses");
    assert_eq!(back, p);
}

proptest::proptest! {
    /// Whatever is typed as an amount comes back from the wire (and from
    /// storage) exactly as typed, and `amount_yen` is what it reads as.
    #[test]
    fn any_typed_amount_survives_the_wire(text in "(\\PC|[0-9０-９,，.万千円]){0,20}") {
        let mut p = valid();
        p.budget[0].amount = Amount::typed(text.clone());
        let json = serde_json::to_value(&p).expect("serialises");
        proptest::prop_assert_eq!(
            json["budget"][0]["amount_yen"].as_u64(),
            Some(p.budget[0].amount.read().unwrap_or(0))
        );
        let back: Proposal = serde_json::from_value(json).expect("parses");
        proptest::prop_assert_eq!(back.budget[0].amount.text(), text.as_str());
    }
}

/// Drafts stored when 部門 were a compiled enum (its snake_case names on
/// the wire) read as the same 部門 id, validate against the round, and
/// write back byte for byte.
#[test]
fn a_draft_stored_with_the_old_division_enum_still_loads() {
    let stored = r#"{"fiscal_year":2025,"division":"student_high_school","group_id":"porepore",
        "title":"","summary":"","purpose":"","local_issue":"","activities":"","schedule":[],
        "place":"","outcomes":"","role_division":"","department":"","budget":[],"contact_person":""}"#;
    let p: Proposal = serde_json::from_str(stored).expect("an old draft reads");
    assert_eq!(p.division, DivisionId::from("student_high_school"));
    assert_eq!(
        round().division(&p.division).map(|d| d.label_ja.as_str()),
        Some("学生・高校生部門")
    );
    let again = serde_json::to_value(&p).expect("json");
    assert_eq!(again["division"], "student_high_school");
}

/// 代表者, 所在地, the group's phone and e-mail: optional unless the round
/// requires them; a phone or e-mail the city cannot use is refused at its
/// field, in both languages; the directory's contact lines prefill them.
#[test]
fn the_groups_phone_and_email_are_checked_at_their_fields() {
    let mut p = valid();
    assert!(validate(&p).is_empty());
    for ok in [
        "076-220-2026",
        "０７６－２２０－２０２６",
        "090 1234 5678",
        "(076)220-2026",
        "+81-76-220-2026",
    ] {
        p.phone = ok.into();
        assert!(validate(&p).is_empty(), "{ok}");
    }
    for bad in ["220-2026", "076-220-2026-1234", "tel 076", "0762202026x"] {
        p.phone = bad.into();
        let e = only_error(&p);
        assert_eq!(e.field, Field::Phone, "{bad}");
        assert!(e.message_ja.contains("076-220-2026"), "{}", e.message_ja);
        assert!(e.message_en.contains("area code"), "{}", e.message_en);
    }
    p.phone = String::new();
    for ok in ["kyoudou@city.kanazawa.lg.jp", "a.b+c@example.jp"] {
        p.email = ok.into();
        assert!(validate(&p).is_empty(), "{ok}");
    }
    for bad in [
        "kyoudou",
        "a@b",
        "a b@example.jp",
        "@example.jp",
        "a@@example.jp",
    ] {
        p.email = bad.into();
        let e = only_error(&p);
        assert_eq!(e.field, Field::Email, "{bad}");
        assert_eq!(
            e.message_ja,
            "メールアドレスは name@example.jp の形で入力してください。"
        );
    }
    p.email = String::new();
    p.representative = "あ".repeat(51);
    assert_eq!(only_error(&p).field, Field::Representative);
    p.representative = "金沢 太郎".into();

    // A round that requires them names each missing one.
    let mut r = round();
    r.required.extend([Field::Address, Field::Phone]);
    let fields: Vec<Field> = tsunagari_core::proposal::validate(&p, Some(&r))
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, [Field::Address, Field::Phone]);

    // The directory's contact lines give the phone and e-mail to start from.
    let mut group = tsunagari_core::synthetic::groups(1, 1).remove(0);
    group.contacts = vec![
        "TEL 076-220-2026（平日）".into(),
        "E-mail kyoudou@city.kanazawa.lg.jp".into(),
    ];
    let mut fresh = Proposal::new_draft(2025, "general".into(), group.id.clone());
    fresh.prefill_from(&group);
    assert_eq!(
        (fresh.phone.as_str(), fresh.email.as_str()),
        ("076-220-2026", "kyoudou@city.kanazawa.lg.jp")
    );
    fresh.phone = "090-0000-0000".into();
    fresh.prefill_from(&group);
    assert_eq!(fresh.phone, "090-0000-0000", "what the group typed is kept");
}
