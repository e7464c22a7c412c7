//! The proposal form (提案書) of the 協働のまちづくりチャレンジ事業 and its
//! validation against a round (募集, [`crate::round`]: the 部門, caps,
//! limits and departments as data).
//!
//! A [`Proposal`] is what a group writes; [`validate`] returns every problem
//! at once, each attached to a [`Field`] so the app can show the message next
//! to it. Lists (schedule, budget) carry client-made ids so two devices can
//! edit them offline and [`crate::merge`] can merge them item by item.

use serde::{Deserialize, Serialize};

use crate::amount::Amount;
use crate::calendar::Date;
use crate::directory::{DivisionId, GroupId};
use crate::round::{Round, RoundRef};
use crate::wareki::{fiscal_year_en, fiscal_year_ja};

/// One proposal for one fiscal year (the form's content, without sync state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// 年度 — the fiscal year's Gregorian start year (2025 = 令和7年度,
    /// April 2025–March 2026).
    pub fiscal_year: u16,
    /// 部門, by the id its round gives it (`general`).
    pub division: DivisionId,
    pub group_id: GroupId,
    /// 事業名.
    pub title: String,
    /// 事業の概要.
    pub summary: String,
    /// 事業の目的.
    pub purpose: String,
    /// 解決したい地域の課題.
    pub local_issue: String,
    /// 活動内容.
    pub activities: String,
    /// 実施スケジュール — dated milestones, in date order.
    #[serde(default)]
    pub schedule: Vec<Milestone>,
    /// 実施場所.
    pub place: String,
    /// 期待される成果.
    pub outcomes: String,
    /// 役割分担 — what the group does and what the city does.
    pub role_division: String,
    /// 協働課 — the partner department the group hopes for, one of its round's.
    pub department: String,
    /// 収支予算 — income and expense lines.
    #[serde(default)]
    pub budget: Vec<BudgetLine>,
    /// 担当者 — the member the city contacts about this proposal.
    pub contact_person: String,
    /// 代表者 — the group's representative, by name.
    #[serde(default)]
    pub representative: String,
    /// 所在地 — the group's address.
    #[serde(default)]
    pub address: String,
    /// The group's phone number, as typed (`076-220-2026`).
    #[serde(default)]
    pub phone: String,
    /// The group's e-mail address.
    #[serde(default)]
    pub email: String,
    /// The round (募集) and version the draft was started in; `None` for a
    /// draft stored before rounds existed (it is held to the newest round
    /// of its fiscal year, [`crate::round::round_of`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<RoundRef>,
}

/// One dated step of the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    /// Made by the client that added the milestone (e.g. a UUID); never reused.
    pub id: String,
    pub date: Date,
    pub what: String,
}

/// One line of the budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "BudgetLineWire", into = "BudgetLineWire")]
pub struct BudgetLine {
    /// Made by the client that added the line (e.g. a UUID); never reused.
    pub id: String,
    pub kind: BudgetKind,
    /// 費目 — what the money is for or comes from (e.g. 補助金, 会場使用料).
    pub item: String,
    /// 金額 as typed (`30万`, `50,000円`); [`Amount::read`] gives the yen.
    pub amount: Amount,
}

impl BudgetLine {
    /// The line's yen, or 0 when its amount is empty or cannot be read
    /// ([`validate`] reports those).
    pub fn yen(&self) -> u64 {
        self.amount.read().unwrap_or(0)
    }
}

/// A budget line on the wire and in storage. `amount_yen` is the amount as
/// read (0 when it cannot be), what drafts stored before amounts were kept
/// as typed, and what an older app reads; `amount_text` is the text as
/// typed, left out when it is just `amount_yen`'s digits. A stored line
/// without `amount_text` reads as `amount_yen`'s digits.
#[derive(Serialize, Deserialize)]
struct BudgetLineWire {
    id: String,
    kind: BudgetKind,
    item: String,
    #[serde(default)]
    amount_yen: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    amount_text: Option<String>,
}

impl From<BudgetLineWire> for BudgetLine {
    fn from(w: BudgetLineWire) -> BudgetLine {
        let amount = match w.amount_text {
            Some(text) => Amount::typed(text),
            None => Amount::yen(w.amount_yen),
        };
        BudgetLine {
            id: w.id,
            kind: w.kind,
            item: w.item,
            amount,
        }
    }
}

impl From<BudgetLine> for BudgetLineWire {
    fn from(l: BudgetLine) -> BudgetLineWire {
        let amount_yen = l.yen();
        let text = l.amount.text();
        let amount_text = (text != amount_yen.to_string()).then(|| text.to_string());
        BudgetLineWire {
            id: l.id,
            kind: l.kind,
            item: l.item,
            amount_yen,
            amount_text,
        }
    }
}

/// 収入 or 支出.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetKind {
    Income,
    Expense,
}

impl BudgetKind {
    /// The wire form: `income`, `expense`.
    pub fn code(self) -> &'static str {
        match self {
            BudgetKind::Income => "income",
            BudgetKind::Expense => "expense",
        }
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            BudgetKind::Income => "収入",
            BudgetKind::Expense => "支出",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            BudgetKind::Income => "Income",
            BudgetKind::Expense => "Expense",
        }
    }
}

/// The budget's totals (合計). Sums saturate at `u64::MAX` rather than wrap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetTotals {
    pub income_yen: u64,
    pub expense_yen: u64,
    /// Lines whose amount is typed but cannot be read: left out of the
    /// sums, so the sums must not be shown as the budget's.
    #[serde(default)]
    pub unread_lines: usize,
}

impl Proposal {
    /// An empty draft: what the app starts a new proposal from.
    pub fn new_draft(fiscal_year: u16, division: DivisionId, group_id: GroupId) -> Proposal {
        Proposal {
            fiscal_year,
            division,
            group_id,
            title: String::new(),
            summary: String::new(),
            purpose: String::new(),
            local_issue: String::new(),
            activities: String::new(),
            schedule: Vec::new(),
            place: String::new(),
            outcomes: String::new(),
            role_division: String::new(),
            department: String::new(),
            budget: Vec::new(),
            contact_person: String::new(),
            representative: String::new(),
            address: String::new(),
            phone: String::new(),
            email: String::new(),
            round: None,
        }
    }

    /// An empty draft started in `round`, which it records.
    pub fn new_in_round(round: &Round, division: DivisionId, group_id: GroupId) -> Proposal {
        Proposal {
            round: Some(round.reference()),
            ..Proposal::new_draft(round.fiscal_year, division, group_id)
        }
    }

    /// Fills the group's phone and e-mail from its directory profile's
    /// contact lines (`TEL 076-220-2026`, `E-mail x@y.jp`) where the draft
    /// has none: a starting point the group edits.
    pub fn prefill_from(&mut self, group: &crate::directory::Group) {
        if self.phone.trim().is_empty()
            && let Some(phone) = group.contacts.iter().find_map(|c| phone_in(c))
        {
            self.phone = phone;
        }
        if self.email.trim().is_empty()
            && let Some(email) = group.contacts.iter().find_map(|c| crate::ical::email_in(c))
        {
            self.email = email.to_string();
        }
    }

    /// Income and expense totals, each amount read by [`Amount::read`].
    pub fn totals(&self) -> BudgetTotals {
        let sum = |kind: BudgetKind| {
            self.budget
                .iter()
                .filter(|l| l.kind == kind)
                .fold(0u64, |acc, l| acc.saturating_add(l.yen()))
        };
        let unread_lines = self
            .budget
            .iter()
            .filter(|l| !l.amount.is_empty() && l.amount.read().is_err())
            .count();
        BudgetTotals {
            income_yen: sum(BudgetKind::Income),
            expense_yen: sum(BudgetKind::Expense),
            unread_lines,
        }
    }

    /// `令和7年度`.
    pub fn fiscal_year_ja(&self) -> String {
        fiscal_year_ja(self.fiscal_year)
    }

    /// `FY2025`.
    pub fn fiscal_year_en(&self) -> String {
        fiscal_year_en(self.fiscal_year)
    }
}

/// Limits of the short fields, the same in every division.
pub const PLACE_MAX: usize = 100;
pub const CONTACT_PERSON_MAX: usize = 50;
pub const REPRESENTATIVE_MAX: usize = 50;
pub const ADDRESS_MAX: usize = 100;
pub const PHONE_MAX: usize = 20;
/// RFC 5321's longest path.
pub const EMAIL_MAX: usize = 254;
pub const MILESTONE_WHAT_MAX: usize = 100;
pub const BUDGET_ITEM_MAX: usize = 60;
/// The longest 協働課 name accepted.
pub const DEPARTMENT_MAX: usize = 40;
/// A schedule or budget item's id (the app makes UUIDs: 36 characters).
pub const ITEM_ID_MAX: usize = 64;
/// One budget line above this (100,000,000円) is surely a typo.
pub const BUDGET_LINE_MAX_YEN: u64 = 100_000_000;
/// The fiscal years a proposal may name (令和元年度 onwards).
pub const FISCAL_YEAR_MIN: u16 = 2019;
pub const FISCAL_YEAR_MAX: u16 = 2100;

/// A place on the form a message or a conflict belongs to. List entries are
/// named by their item id. Ordered as the form is, so sorted lists of errors
/// or conflicts read top to bottom.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    FiscalYear,
    Division,
    GroupId,
    Title,
    Summary,
    Purpose,
    LocalIssue,
    Activities,
    /// The schedule as a whole.
    Schedule,
    MilestoneDate(String),
    MilestoneWhat(String),
    Place,
    Outcomes,
    RoleDivision,
    Department,
    /// The budget as a whole (balance, cap).
    Budget,
    BudgetKind(String),
    BudgetItem(String),
    BudgetAmount(String),
    ContactPerson,
    Representative,
    Address,
    Phone,
    Email,
}

impl Field {
    /// The form's label for this field.
    pub fn label_ja(&self) -> &'static str {
        match self {
            Field::FiscalYear => "年度",
            Field::Division => "部門",
            Field::GroupId => "団体",
            Field::Title => "事業名",
            Field::Summary => "事業の概要",
            Field::Purpose => "事業の目的",
            Field::LocalIssue => "解決したい地域の課題",
            Field::Activities => "活動内容",
            Field::Schedule => "実施スケジュール",
            Field::MilestoneDate(_) => "予定の日付",
            Field::MilestoneWhat(_) => "予定の内容",
            Field::Place => "実施場所",
            Field::Outcomes => "期待される成果",
            Field::RoleDivision => "団体と市の役割分担",
            Field::Department => "希望する協働課",
            Field::Budget => "収支予算",
            Field::BudgetKind(_) => "収入・支出の区分",
            Field::BudgetItem(_) => "費目",
            Field::BudgetAmount(_) => "金額",
            Field::ContactPerson => "担当者",
            Field::Representative => "代表者氏名",
            Field::Address => "所在地",
            Field::Phone => "団体の電話番号",
            Field::Email => "団体のメールアドレス",
        }
    }

    pub fn label_en(&self) -> &'static str {
        match self {
            Field::FiscalYear => "fiscal year",
            Field::Division => "division",
            Field::GroupId => "group",
            Field::Title => "project title",
            Field::Summary => "summary",
            Field::Purpose => "purpose",
            Field::LocalIssue => "local issue",
            Field::Activities => "activities",
            Field::Schedule => "schedule",
            Field::MilestoneDate(_) => "milestone date",
            Field::MilestoneWhat(_) => "milestone description",
            Field::Place => "place",
            Field::Outcomes => "expected outcomes",
            Field::RoleDivision => "role division between the group and the city",
            Field::Department => "partner department",
            Field::Budget => "budget",
            Field::BudgetKind(_) => "income or expense",
            Field::BudgetItem(_) => "budget item",
            Field::BudgetAmount(_) => "amount",
            Field::ContactPerson => "contact person",
            Field::Representative => "representative's name",
            Field::Address => "address",
            Field::Phone => "group's phone number",
            Field::Email => "group's e-mail address",
        }
    }
}

/// One problem with a proposal, shown next to its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Field,
    pub message_ja: String,
    pub message_en: String,
}

impl FieldError {
    fn new(field: Field, message_ja: String, message_en: String) -> FieldError {
        FieldError {
            field,
            message_ja,
            message_en,
        }
    }
}

mod validate;
pub use validate::{check_limits, validate};

/// The first phone number in a line of text (`TEL 076-220-2026`): a run of
/// digits, hyphens and brackets with 10 or 11 digits, as [`phone_ok`] accepts.
pub fn phone_in(text: &str) -> Option<String> {
    let folded = crate::width::fold_width(text);
    folded
        .split(|c: char| !(c.is_ascii_digit() || "-()+".contains(c)))
        .map(|w| w.trim_matches(|c| c == '(' || c == ')'))
        .find(|w| phone_ok(w))
        .map(str::to_string)
}

/// A phone number as the city can dial it: digits with hyphens, spaces or
/// brackets between them, 10 or 11 digits (or `+81` and 9–10 more);
/// full-width digits count.
pub fn phone_ok(text: &str) -> bool {
    let folded = crate::width::fold_width(text.trim());
    let (rest, min, max) = match folded.strip_prefix("+81") {
        Some(rest) => (rest.to_string(), 9, 10),
        None => (folded.clone(), 10, 11),
    };
    let digits = rest.chars().filter(char::is_ascii_digit).count();
    rest.chars()
        .all(|c| c.is_ascii_digit() || "-() ".contains(c))
        && (min..=max).contains(&digits)
        && (folded.starts_with("+81") || folded.starts_with('0') || folded.starts_with("(0"))
}

/// An e-mail address as `name@example.jp`: one `@`, a local part, a domain
/// with a dot, no spaces.
pub fn email_ok(text: &str) -> bool {
    let t = text.trim();
    t.len() <= EMAIL_MAX && crate::ical::email_in(t) == Some(t)
}

#[cfg(test)]
mod tests {
    use crate::round::Round;

    /// Every department the directory's seeds name is offered by the
    /// current round file.
    #[test]
    fn seed_departments_are_offered() {
        let round = Round::parse(include_str!("../../data/rounds/2026.json")).expect("round file");
        let groups = include_str!("../../data/groups.json");
        let seed: crate::DirectorySeed = serde_json::from_str(groups).expect("seed parses");
        for g in seed.groups {
            for p in g.programs {
                for name in p.department.iter().flat_map(|d| d.split('、')) {
                    assert!(
                        round.department(name).is_some(),
                        "{name} missing from the round's departments"
                    );
                }
            }
        }
    }
}
