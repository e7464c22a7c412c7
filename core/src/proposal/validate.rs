//! The proposal form's validation: every rule, each message in Japanese and
//! English, attached to its field.

use super::{
    ADDRESS_MAX, BUDGET_ITEM_MAX, BUDGET_LINE_MAX_YEN, BudgetKind, CONTACT_PERSON_MAX,
    DEPARTMENT_MAX, EMAIL_MAX, FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, Field, FieldError, ITEM_ID_MAX,
    MILESTONE_WHAT_MAX, PHONE_MAX, PLACE_MAX, Proposal, REPRESENTATIVE_MAX, email_ok, phone_ok,
};
use crate::amount::group_digits as yen;
use crate::calendar::{Date, YearStyle, format_date_ja_with};
use crate::round::{Round, RoundDivision, TextLimits};
use crate::wareki::{fiscal_year_en, fiscal_year_ja};

fn date_ja(d: Date) -> String {
    format_date_ja_with(d, YearStyle::Gregorian)
}

/// The message for a text longer than `max` characters.
fn too_long(field: &Field, value: &str, max: usize) -> Option<FieldError> {
    let len = value.chars().count();
    (len > max).then(|| {
        let (ja, en) = (field.label_ja(), field.label_en());
        FieldError::new(
            field.clone(),
            format!("{ja}は{max}文字以内にしてください（今は{len}文字です）。"),
            format!("Shorten the {en} to {max} characters or fewer (it has {len} now)."),
        )
    })
}

/// Filled in (when `required`) and not longer than `max` characters.
fn check_text(errors: &mut Vec<FieldError>, required: bool, field: Field, value: &str, max: usize) {
    if value.trim().is_empty() {
        if !required {
            return;
        }
        let (ja, en) = (field.label_ja(), field.label_en());
        errors.push(FieldError::new(
            field,
            format!("{ja}を入力してください。"),
            format!("Enter the {en}."),
        ));
    } else if let Some(e) = too_long(&field, value, max) {
        errors.push(e);
    }
}

fn too_many_milestones(max: usize) -> FieldError {
    FieldError::new(
        Field::Schedule,
        format!("予定は{max}件以内にまとめてください。"),
        format!("Combine the schedule into {max} milestones or fewer."),
    )
}

fn too_many_budget_lines(max: usize) -> FieldError {
    FieldError::new(
        Field::Budget,
        format!("収支予算は{max}行以内にまとめてください。"),
        format!("Combine the budget into {max} lines or fewer."),
    )
}

/// A list item's id (made by the app, a UUID) longer than [`ITEM_ID_MAX`].
fn long_item_id(list: Field, id: &str) -> Option<FieldError> {
    (id.chars().count() > ITEM_ID_MAX).then(|| {
        let ja = list.label_ja();
        let en = list.label_en();
        FieldError::new(
            list,
            format!("{ja}の項目の識別子は{ITEM_ID_MAX}文字以内です。この端末のアプリを更新してください。"),
            format!("An item id in the {en} has at most {ITEM_ID_MAX} characters; please update the app on this device."),
        )
    })
}

/// The size rules alone: every text within its character limit, the
/// schedule and the budget within their numbers of items, item ids short.
/// A draft that breaks one is not stored (the server answers 400 with
/// these messages); the form shows the same messages, as part of
/// [`validate`], next to the field. Empty and unfinished fields are fine
/// here: a draft need not be complete. `round` is the draft's round
/// ([`crate::round::round_of`]); without one (not known to the server, or
/// no round published) the limits are [`TextLimits::CEILING`].
pub fn check_limits(p: &Proposal, round: Option<&Round>) -> Vec<FieldError> {
    let limits = round.map_or(TextLimits::CEILING, |r| r.limits_for(&p.division));
    let mut errors = Vec::new();
    let texts = [
        (Field::Title, &p.title, limits.title_max),
        (Field::Summary, &p.summary, limits.summary_max),
        (Field::Purpose, &p.purpose, limits.text_max),
        (Field::LocalIssue, &p.local_issue, limits.text_max),
        (Field::Activities, &p.activities, limits.text_max),
        (Field::Place, &p.place, PLACE_MAX),
        (Field::Outcomes, &p.outcomes, limits.text_max),
        (Field::RoleDivision, &p.role_division, limits.text_max),
        (Field::Department, &p.department, DEPARTMENT_MAX),
        (Field::ContactPerson, &p.contact_person, CONTACT_PERSON_MAX),
        (Field::Representative, &p.representative, REPRESENTATIVE_MAX),
        (Field::Address, &p.address, ADDRESS_MAX),
        (Field::Phone, &p.phone, PHONE_MAX),
        (Field::Email, &p.email, EMAIL_MAX),
    ];
    errors.extend(texts.iter().filter_map(|(f, v, max)| too_long(f, v, *max)));
    errors.extend(too_long(
        &Field::Division,
        p.division.as_str(),
        crate::directory::DivisionId::MAX,
    ));
    if p.schedule.len() > limits.milestones_max {
        errors.push(too_many_milestones(limits.milestones_max));
    }
    for m in p.schedule.iter().take(limits.milestones_max) {
        errors.extend(long_item_id(Field::Schedule, &m.id));
        errors.extend(too_long(
            &Field::MilestoneWhat(m.id.clone()),
            &m.what,
            MILESTONE_WHAT_MAX,
        ));
    }
    if p.budget.len() > limits.budget_lines_max {
        errors.push(too_many_budget_lines(limits.budget_lines_max));
    }
    for l in p.budget.iter().take(limits.budget_lines_max) {
        errors.extend(long_item_id(Field::Budget, &l.id));
        errors.extend(too_long(
            &Field::BudgetItem(l.id.clone()),
            &l.item,
            BUDGET_ITEM_MAX,
        ));
    }
    // One message per kind is enough for a list of thousands.
    errors.dedup_by(|a, b| a.field == b.field && a.message_en == b.message_en);
    errors
}

/// Every problem with `p` under `round` (the newest version of the round
/// it was started in, [`crate::round::round_of`]), in form order. Empty:
/// the proposal can be submitted. Without a round (a server where none is
/// published) every field is required and held to
/// [`TextLimits::CEILING`]; 部門, department and cap are not checked.
pub fn validate(p: &Proposal, round: Option<&Round>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let fy_ok = (FISCAL_YEAR_MIN..=FISCAL_YEAR_MAX).contains(&p.fiscal_year);
    if let Some(round) = round
        && fy_ok
        && p.fiscal_year != round.fiscal_year
    {
        errors.push(FieldError::new(
            Field::FiscalYear,
            format!(
                "この募集は{}の事業が対象です（この提案は{}）。",
                round.fiscal_year_ja(),
                fiscal_year_ja(p.fiscal_year)
            ),
            format!(
                "This round is for {} projects (this proposal says {}).",
                round.fiscal_year_en(),
                fiscal_year_en(p.fiscal_year)
            ),
        ));
    }
    if !fy_ok {
        errors.push(FieldError::new(
            Field::FiscalYear,
            format!(
                "年度は{}から{}の間で選んでください。",
                fiscal_year_ja(FISCAL_YEAR_MIN),
                fiscal_year_ja(FISCAL_YEAR_MAX)
            ),
            format!(
                "Choose a fiscal year from {} to {}.",
                fiscal_year_en(FISCAL_YEAR_MIN),
                fiscal_year_en(FISCAL_YEAR_MAX)
            ),
        ));
    }
    let rules = round.and_then(|r| r.division(&p.division));
    if let Some(round) = round
        && rules.is_none()
    {
        let offered_ja: Vec<&str> = round
            .divisions
            .iter()
            .map(|r| r.label_ja.as_str())
            .collect();
        let offered_en: Vec<&str> = round
            .divisions
            .iter()
            .map(|r| r.label_en.as_str())
            .collect();
        errors.push(FieldError::new(
            Field::Division,
            format!(
                "選んだ部門はこの募集では受け付けていません。{}から選んでください。",
                offered_ja.join("・")
            ),
            format!(
                "This round takes no proposals in the chosen division. Choose one of: {}.",
                offered_en.join(", ")
            ),
        ));
    }
    let limits = round.map_or(TextLimits::CEILING, |r| r.limits_for(&p.division));
    let req = |f: Field| {
        round.map_or(crate::round::DEFAULT_REQUIRED.contains(&f), |r| {
            r.is_required(&f)
        })
    };
    if p.group_id.trim().is_empty() {
        errors.push(FieldError::new(
            Field::GroupId,
            "提案する団体を選んでください。".into(),
            "Choose the group making this proposal.".into(),
        ));
    }
    check_text(
        &mut errors,
        req(Field::Title),
        Field::Title,
        &p.title,
        limits.title_max,
    );
    check_text(
        &mut errors,
        req(Field::Summary),
        Field::Summary,
        &p.summary,
        limits.summary_max,
    );
    check_text(
        &mut errors,
        req(Field::Purpose),
        Field::Purpose,
        &p.purpose,
        limits.text_max,
    );
    check_text(
        &mut errors,
        req(Field::LocalIssue),
        Field::LocalIssue,
        &p.local_issue,
        limits.text_max,
    );
    check_text(
        &mut errors,
        req(Field::Activities),
        Field::Activities,
        &p.activities,
        limits.text_max,
    );
    validate_schedule(
        &mut errors,
        p,
        fy_ok,
        limits.milestones_max,
        req(Field::Schedule),
    );
    check_text(
        &mut errors,
        req(Field::Place),
        Field::Place,
        &p.place,
        PLACE_MAX,
    );
    check_text(
        &mut errors,
        req(Field::Outcomes),
        Field::Outcomes,
        &p.outcomes,
        limits.text_max,
    );
    check_text(
        &mut errors,
        req(Field::RoleDivision),
        Field::RoleDivision,
        &p.role_division,
        limits.text_max,
    );
    if p.department.trim().is_empty() {
        if req(Field::Department) {
            errors.push(FieldError::new(
                Field::Department,
                "希望する協働課を一覧から選んでください。".into(),
                "Choose a partner department from the list.".into(),
            ));
        }
    } else if let Some(e) = too_long(&Field::Department, &p.department, DEPARTMENT_MAX) {
        errors.push(e);
    } else if let Some(round) = round
        && round.department(p.department.trim()).is_none()
    {
        errors.push(FieldError::new(
            Field::Department,
            format!(
                "「{}」は協働課の一覧にありません。一覧から選んでください。",
                p.department
            ),
            format!(
                "“{}” is not in the list of departments. Choose one from the list.",
                p.department
            ),
        ));
    }
    validate_budget(&mut errors, p, rules, &limits, req(Field::Budget));
    check_text(
        &mut errors,
        req(Field::ContactPerson),
        Field::ContactPerson,
        &p.contact_person,
        CONTACT_PERSON_MAX,
    );
    validate_group_contact(&mut errors, p, req);
    errors
}

/// 代表者, 所在地, the group's phone and e-mail: required where the round
/// says so; the phone and e-mail, when given, in a form the city can use.
fn validate_group_contact(errors: &mut Vec<FieldError>, p: &Proposal, req: impl Fn(Field) -> bool) {
    for (field, value, max) in [
        (Field::Representative, &p.representative, REPRESENTATIVE_MAX),
        (Field::Address, &p.address, ADDRESS_MAX),
        (Field::Phone, &p.phone, PHONE_MAX),
        (Field::Email, &p.email, EMAIL_MAX),
    ] {
        let before = errors.len();
        check_text(errors, req(field.clone()), field.clone(), value, max);
        if errors.len() > before || value.trim().is_empty() {
            continue;
        }
        if field == Field::Phone && !phone_ok(value) {
            errors.push(FieldError::new(
                Field::Phone,
                "電話番号は 076-220-2026 のように、市外局番から数字で入力してください。".into(),
                "Enter the phone number with its area code, in digits, e.g. 076-220-2026.".into(),
            ));
        }
        if field == Field::Email && !email_ok(value) {
            errors.push(FieldError::new(
                Field::Email,
                "メールアドレスは name@example.jp の形で入力してください。".into(),
                "Enter the e-mail address in the form name@example.jp.".into(),
            ));
        }
    }
}

fn validate_schedule(
    errors: &mut Vec<FieldError>,
    p: &Proposal,
    fy_ok: bool,
    max: usize,
    required: bool,
) {
    if p.schedule.is_empty() {
        if !required {
            return;
        }
        errors.push(FieldError::new(
            Field::Schedule,
            "実施スケジュールに予定を1つ以上追加してください。".into(),
            "Add at least one milestone to the schedule.".into(),
        ));
        return;
    }
    if p.schedule.len() > max {
        errors.push(too_many_milestones(max));
    }
    let year = fy_ok
        .then(|| {
            let first = Date::new(p.fiscal_year, 4, 1).ok()?;
            let last = Date::new(p.fiscal_year.checked_add(1)?, 3, 31).ok()?;
            Some((first, last))
        })
        .flatten();
    let mut previous: Option<Date> = None;
    for m in &p.schedule {
        errors.extend(long_item_id(Field::Schedule, &m.id));
        let date_field = Field::MilestoneDate(m.id.clone());
        check_text(
            errors,
            true,
            Field::MilestoneWhat(m.id.clone()),
            &m.what,
            MILESTONE_WHAT_MAX,
        );
        if let Some((first, last)) = year
            && (m.date < first || m.date > last)
        {
            errors.push(FieldError::new(
                date_field.clone(),
                format!(
                    "日付を{}（{}から{}）の中にしてください。",
                    fiscal_year_ja(p.fiscal_year),
                    date_ja(first),
                    date_ja(last)
                ),
                format!(
                    "Choose a date within {} ({} to {}).",
                    fiscal_year_en(p.fiscal_year),
                    first,
                    last
                ),
            ));
        }
        if let Some(prev) = previous
            && m.date < prev
        {
            errors.push(FieldError::new(
                date_field,
                format!(
                    "この予定は前の予定（{}）より早い日付です。日付順に並べ替えるか、日付を直してください。",
                    date_ja(prev)
                ),
                format!(
                    "This milestone is dated before the one above it ({prev}). Put the milestones in date order or correct the date."
                ),
            ));
        }
        previous = Some(m.date);
    }
}

fn validate_budget(
    errors: &mut Vec<FieldError>,
    p: &Proposal,
    division: Option<&RoundDivision>,
    limits: &TextLimits,
    required: bool,
) {
    if required && !p.budget.iter().any(|l| l.kind == BudgetKind::Expense) {
        errors.push(FieldError::new(
            Field::Budget,
            "支出の項目を1つ以上追加してください。".into(),
            "Add at least one expense line to the budget.".into(),
        ));
    }
    if p.budget.len() > limits.budget_lines_max {
        errors.push(too_many_budget_lines(limits.budget_lines_max));
    }
    for line in &p.budget {
        errors.extend(long_item_id(Field::Budget, &line.id));
        check_text(
            errors,
            true,
            Field::BudgetItem(line.id.clone()),
            &line.item,
            BUDGET_ITEM_MAX,
        );
        let field = Field::BudgetAmount(line.id.clone());
        let amount = match line.amount.read() {
            Ok(yen) => yen,
            Err(why) => {
                let text = line.amount.text();
                errors.push(FieldError::new(
                    field,
                    why.message_ja(text),
                    why.message_en(text),
                ));
                continue;
            }
        };
        if amount == 0 {
            errors.push(FieldError::new(
                field,
                "金額を1円以上で入力してください。不要な行は削除してください。".into(),
                "Enter an amount of at least 1 yen, or delete the line if it is not needed.".into(),
            ));
        } else if amount > BUDGET_LINE_MAX_YEN {
            errors.push(FieldError::new(
                field,
                format!(
                    "1行の金額は{}円以下にしてください。桁を確かめてください。",
                    yen(BUDGET_LINE_MAX_YEN)
                ),
                format!(
                    "Enter at most {} yen on one line; check the number of digits.",
                    yen(BUDGET_LINE_MAX_YEN)
                ),
            ));
        }
    }
    let totals = p.totals();
    if let Some(rules) = division
        && let Some(cap) = rules.budget_cap_yen
        && totals.expense_yen > cap
    {
        errors.push(FieldError::new(
            Field::Budget,
            format!(
                "{}の支出合計は{}円以内です（今は{}円です）。支出を見直してください。",
                rules.label_ja,
                yen(cap),
                yen(totals.expense_yen)
            ),
            format!(
                "Total expenses in the {} division may be at most {} yen (they are {} yen now). Reduce the expenses.",
                rules.label_en,
                yen(cap),
                yen(totals.expense_yen)
            ),
        ));
    }
    // With an amount missing or unreadable the sums are not the budget's:
    // that line's own message says what to fix first.
    let all_read = p.budget.iter().all(|l| l.amount.read().is_ok());
    if all_read && totals.income_yen != totals.expense_yen {
        errors.push(FieldError::new(
            Field::Budget,
            format!(
                "収入合計（{}円）と支出合計（{}円）を同じ金額にしてください。",
                yen(totals.income_yen),
                yen(totals.expense_yen)
            ),
            format!(
                "Make total income ({} yen) equal total expenses ({} yen).",
                yen(totals.income_yen),
                yen(totals.expense_yen)
            ),
        ));
    }
}
