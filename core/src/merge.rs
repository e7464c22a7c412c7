//! Three-way merge (三方向マージ) of proposal drafts edited on two devices.
//!
//! Both versions are merged against the last version they have in common:
//!
//! - a field changed on one side only takes that change; the same change on
//!   both sides is taken once;
//! - a short field (title, place, department, …) changed differently on both
//!   sides is a [`Conflict`]: the merged draft keeps *ours* (a deterministic
//!   choice) and the conflict keeps all three values for the user to pick or
//!   edit;
//! - a long text is merged with [`merge_text`], a diff3 over sentences
//!   (Japanese text often has no line breaks); inside a passage both sides
//!   changed, each side's change is one unbroken stretch, and the two merge
//!   only with a character both kept between them: each side's words stay
//!   whole, or it is a conflict;
//! - the schedule and the budget merge item by item, by id: additions on
//!   either side are kept, a deletion is applied only when the other side did
//!   not edit the item (edits are never lost), an item edited on both sides
//!   merges field by field.
//!
//! Same inputs, same output, on every device: nothing here depends on hash
//! order, and lists are walked in sorted id order.

use serde::{Deserialize, Serialize};

use crate::proposal::{Field, Proposal};
use crate::round::RoundRef;

/// What [`merge_proposals`] decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeOutcome {
    /// The merged draft; where there is a conflict it holds *ours*.
    pub merged: Proposal,
    /// Fields both sides changed differently, sorted in form order.
    pub conflicts: Vec<Conflict>,
}

/// One field both sides changed differently. Values are in their wire form
/// (dates `2025-06-01`, amounts in digits, divisions and kinds as codes);
/// `base` is empty for a list item both sides added under the same id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub field: Field,
    pub base: String,
    pub ours: String,
    pub theirs: String,
}

/// Passages of a text both sides changed differently.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("both versions changed the same passage differently; choose one or combine them")]
pub struct TextConflict {
    pub regions: Vec<TextRegion>,
}

/// One passage of a [`TextConflict`], as each version writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextRegion {
    pub base: String,
    pub ours: String,
    pub theirs: String,
}

/// The round a merged draft records: the side that changed it, or, when
/// both did, the newer version (no conflict: a round's newer version is
/// what a draft is held to anyway).
fn newer_round(
    b: &Option<RoundRef>,
    o: &Option<RoundRef>,
    t: &Option<RoundRef>,
) -> Option<RoundRef> {
    if o == t || t == b {
        return o.clone();
    }
    if o == b {
        return t.clone();
    }
    match (o, t) {
        (Some(x), Some(y)) => Some(if y.version > x.version { y } else { x }.clone()),
        (x, y) => x.clone().or_else(|| y.clone()),
    }
}

/// Merges two drafts against their last common version.
pub fn merge_proposals(base: &Proposal, ours: &Proposal, theirs: &Proposal) -> MergeOutcome {
    let mut c = Vec::new();
    let (b, o, t) = (base, ours, theirs);
    let merged = Proposal {
        fiscal_year: pick(
            Field::FiscalYear,
            Some(&b.fiscal_year),
            &o.fiscal_year,
            &t.fiscal_year,
            &mut c,
        ),
        division: pick(
            Field::Division,
            Some(&b.division),
            &o.division,
            &t.division,
            &mut c,
        ),
        group_id: pick(
            Field::GroupId,
            Some(&b.group_id),
            &o.group_id,
            &t.group_id,
            &mut c,
        ),
        title: pick(Field::Title, Some(&b.title), &o.title, &t.title, &mut c),
        summary: text(Field::Summary, &b.summary, &o.summary, &t.summary, &mut c),
        purpose: text(Field::Purpose, &b.purpose, &o.purpose, &t.purpose, &mut c),
        local_issue: text(
            Field::LocalIssue,
            &b.local_issue,
            &o.local_issue,
            &t.local_issue,
            &mut c,
        ),
        activities: text(
            Field::Activities,
            &b.activities,
            &o.activities,
            &t.activities,
            &mut c,
        ),
        schedule: merge_list(&b.schedule, &o.schedule, &t.schedule, &mut c),
        place: pick(Field::Place, Some(&b.place), &o.place, &t.place, &mut c),
        outcomes: text(
            Field::Outcomes,
            &b.outcomes,
            &o.outcomes,
            &t.outcomes,
            &mut c,
        ),
        role_division: text(
            Field::RoleDivision,
            &b.role_division,
            &o.role_division,
            &t.role_division,
            &mut c,
        ),
        department: pick(
            Field::Department,
            Some(&b.department),
            &o.department,
            &t.department,
            &mut c,
        ),
        budget: merge_list(&b.budget, &o.budget, &t.budget, &mut c),
        contact_person: pick(
            Field::ContactPerson,
            Some(&b.contact_person),
            &o.contact_person,
            &t.contact_person,
            &mut c,
        ),
        representative: pick(
            Field::Representative,
            Some(&b.representative),
            &o.representative,
            &t.representative,
            &mut c,
        ),
        address: pick(
            Field::Address,
            Some(&b.address),
            &o.address,
            &t.address,
            &mut c,
        ),
        phone: pick(Field::Phone, Some(&b.phone), &o.phone, &t.phone, &mut c),
        email: pick(Field::Email, Some(&b.email), &o.email, &t.email, &mut c),
        round: newer_round(&b.round, &o.round, &t.round),
    };
    // Stable: conflicts with equal fields (duplicate item ids) keep walk order.
    crate::sort::sort_by(&mut c, |x, y| x.field.cmp(&y.field));
    MergeOutcome {
        merged,
        conflicts: c,
    }
}

/// A value's wire form, for showing it in a [`Conflict`]: what serde writes
/// for it, without a JSON serialiser in the wasm (a test checks they agree).
trait Wire {
    fn wire(&self) -> String;
}

impl Wire for String {
    fn wire(&self) -> String {
        self.clone()
    }
}

impl Wire for u16 {
    fn wire(&self) -> String {
        self.to_string()
    }
}

impl Wire for u64 {
    fn wire(&self) -> String {
        self.to_string()
    }
}

/// An amount as typed (`30万`): the conflict shows what each side wrote.
impl Wire for crate::amount::Amount {
    fn wire(&self) -> String {
        self.text().to_string()
    }
}

impl Wire for crate::calendar::Date {
    fn wire(&self) -> String {
        self.to_string()
    }
}

impl Wire for crate::directory::DivisionId {
    fn wire(&self) -> String {
        self.as_str().to_string()
    }
}

impl Wire for crate::proposal::BudgetKind {
    fn wire(&self) -> String {
        self.code().to_string()
    }
}

/// The short-field rule. `base` is `None` for an item both sides added.
fn pick<T: PartialEq + Clone + Wire>(
    field: Field,
    base: Option<&T>,
    ours: &T,
    theirs: &T,
    conflicts: &mut Vec<Conflict>,
) -> T {
    if ours == theirs || Some(theirs) == base {
        ours.clone()
    } else if Some(ours) == base {
        theirs.clone()
    } else {
        conflicts.push(Conflict {
            field,
            base: base.map(Wire::wire).unwrap_or_default(),
            ours: ours.wire(),
            theirs: theirs.wire(),
        });
        ours.clone()
    }
}

/// The long-text rule: diff3, and a whole-field conflict (keeping ours) when
/// passages overlap.
fn text(
    field: Field,
    base: &str,
    ours: &str,
    theirs: &str,
    conflicts: &mut Vec<Conflict>,
) -> String {
    match merge_text(base, ours, theirs) {
        Ok(merged) => merged,
        Err(_) => {
            conflicts.push(Conflict {
                field,
                base: base.to_string(),
                ours: ours.to_string(),
                theirs: theirs.to_string(),
            });
            ours.to_string()
        }
    }
}

/// Merges three versions of a text. Non-overlapping edits merge; edits to
/// the same passage that differ are a [`TextConflict`].
///
/// The text is compared sentence by sentence (a sentence ends after 。！？．!?
/// or a line break, with any closing brackets that follow). Where both sides
/// changed the same sentences, each side's change there is taken as one
/// stretch (see [`merge_passage`]): the two merge only when at least one
/// character both kept lies between them, so each side's words stay whole.
pub fn merge_text(base: &str, ours: &str, theirs: &str) -> Result<String, TextConflict> {
    if ours == theirs || theirs == base {
        return Ok(ours.to_string());
    }
    if ours == base {
        return Ok(theirs.to_string());
    }
    let (b, o, t) = (
        split_sentences(base),
        split_sentences(ours),
        split_sentences(theirs),
    );
    let mut out = String::new();
    let mut regions = Vec::new();
    for chunk in diff3(&b, &o, &t) {
        match chunk {
            Chunk::Clean(parts) => out.extend(parts),
            Chunk::Conflict { base, ours, theirs } => {
                let (base, ours, theirs) = (base.concat(), ours.concat(), theirs.concat());
                match merge_passage(&base, &ours, &theirs) {
                    Some(merged) => out.push_str(&merged),
                    None => regions.push(TextRegion { base, ours, theirs }),
                }
            }
        }
    }
    if regions.is_empty() {
        Ok(out)
    } else {
        Err(TextConflict { regions })
    }
}

/// Merges a passage both sides changed, or `None` when the changes touch.
///
/// Each side's change is the one stretch between the characters it kept at
/// the start and at the end, never split: a character diff inside it would
/// anchor on incidental characters (に, の, します) and weave the other
/// side's words into this side's (「月の朝に一度」 from 「月に一度」 and
/// 「土曜の朝」). Two stretches merge only with a kept character between
/// them; touching (an insertion at the edge of the other's replacement, two
/// insertions at one place) or overlapping is a conflict.
fn merge_passage(base: &str, ours: &str, theirs: &str) -> Option<String> {
    let chars = |s: &str| s.chars().collect::<Vec<char>>();
    let (b, o, t) = (chars(base), chars(ours), chars(theirs));
    let (ours, theirs) = (Stretch::of(&b, &o), Stretch::of(&b, &t));
    let (first, second) = if ours.end < theirs.start {
        (ours, theirs)
    } else if theirs.end < ours.start {
        (theirs, ours)
    } else {
        return None;
    };
    let mut out = String::with_capacity(base.len() + first.text.len() + second.text.len());
    out.extend(&b[..first.start]);
    out.extend(first.text);
    out.extend(&b[first.end..second.start]);
    out.extend(second.text);
    out.extend(&b[second.end..]);
    Some(out)
}

/// One side's change to a passage: base characters `[start, end)` became
/// `text` (the common start and end trimmed).
struct Stretch<'a> {
    start: usize,
    end: usize,
    text: &'a [char],
}

impl<'a> Stretch<'a> {
    fn of(base: &[char], side: &'a [char]) -> Self {
        let start = base.iter().zip(side).take_while(|(x, y)| x == y).count();
        let tail = base[start..]
            .iter()
            .rev()
            .zip(side[start..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        Stretch {
            start,
            end: base.len() - tail,
            text: &side[start..side.len() - tail],
        }
    }
}

/// Splits text into sentences and line breaks; concatenating the parts gives
/// the text back.
pub fn split_sentences(text: &str) -> Vec<&str> {
    const ENDS: &[char] = &['。', '！', '？', '．', '!', '?', '\n'];
    const CLOSERS: &[char] = &['」', '』', '）', ')', '】', '〉', '》', '"', '”', '’'];
    let mut parts = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if ENDS.contains(&c) {
            while let Some(&(_, next)) = chars.peek() {
                if ENDS.contains(&next) || CLOSERS.contains(&next) {
                    chars.next();
                } else {
                    break;
                }
            }
            let end = chars.peek().map_or(text.len(), |&(i, _)| i);
            parts.push(&text[start..end]);
            start = end;
        }
    }
    if start < text.len() {
        parts.push(&text[start..]);
    }
    parts
}

mod diff3;
mod list;
use diff3::{Chunk, diff3};
use list::merge_list;

/// Counts work in the merge's loops, for the tests that bound it.
#[inline(always)]
fn count_steps(_n: usize) {
    #[cfg(test)]
    STEPS.with(|s| s.set(s.get() + _n as u64));
}

#[cfg(test)]
thread_local! {
    static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The steps counted on this thread since the last call.
#[cfg(test)]
fn take_steps() -> u64 {
    STEPS.with(|s| s.replace(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `serde_json` writes for a value, as a conflict shows it.
    fn json_wire<T: Serialize>(value: &T) -> String {
        match serde_json::to_value(value).expect("serializes") {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        }
    }

    #[test]
    fn wire_forms_equal_serde() {
        use crate::directory::DivisionId;
        use crate::proposal::BudgetKind;
        for d in ["general", "student_high_school"].map(DivisionId::from) {
            assert_eq!(d.wire(), json_wire(&d));
        }
        for k in [BudgetKind::Income, BudgetKind::Expense] {
            assert_eq!(k.wire(), json_wire(&k));
        }
        assert_eq!(2025u16.wire(), json_wire(&2025u16));
        assert_eq!(1_000_000u64.wire(), json_wire(&1_000_000u64));
        let date = crate::calendar::Date::new(2025, 6, 1).expect("date");
        assert_eq!(date.wire(), json_wire(&date));
        let s = "会場「ポレポレ」\n\"x\"".to_string();
        assert_eq!(s.wire(), json_wire(&s));
    }

    #[test]
    fn sentences_split_after_terminators_and_closers() {
        let parts = split_sentences("雪かきをする。「ありがとう！」と言われた？\n次の文");
        assert_eq!(
            parts,
            [
                "雪かきをする。",
                "「ありがとう！」",
                "と言われた？\n",
                "次の文"
            ]
        );
        assert_eq!(split_sentences(""), Vec::<&str>::new());
    }

    #[test]
    fn edits_apart_merge_inside_a_passage_both_changed() {
        // Two sentences joined on one side, the second edited on the other.
        let merged = merge_text(
            "雪を運ぶ。道を掃く。",
            "雪を運ぶ、道を掃く。",
            "雪を運ぶ。道を毎朝掃く。",
        );
        assert_eq!(merged, Ok("雪を運ぶ、道を毎朝掃く。".to_string()));
    }

    #[test]
    fn characters_merge_inside_one_sentence() {
        let merged = merge_text(
            "町内で清掃をする。",
            "町内で毎月清掃をする。",
            "町内で清掃活動をする。",
        );
        assert_eq!(merged, Ok("町内で毎月清掃活動をする。".to_string()));
    }
}
