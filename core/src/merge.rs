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
//!   (Japanese text often has no line breaks), falling back to characters
//!   inside a passage both sides changed; only overlapping edits conflict;
//! - the schedule and the budget merge item by item, by id: additions on
//!   either side are kept, a deletion is applied only when the other side did
//!   not edit the item (edits are never lost), an item edited on both sides
//!   merges field by field.
//!
//! Same inputs, same output, on every device: nothing here depends on hash
//! order, and lists are walked in sorted id order.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::proposal::{BudgetLine, Field, Milestone, Proposal};

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

impl Wire for crate::directory::Division {
    fn wire(&self) -> String {
        self.code().to_string()
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

/// A list entry merged by id.
trait Item: Clone + PartialEq {
    fn id(&self) -> &str;
    fn merge_fields(base: Option<&Self>, ours: &Self, theirs: &Self, c: &mut Vec<Conflict>)
    -> Self;
}

impl Item for Milestone {
    fn id(&self) -> &str {
        &self.id
    }
    fn merge_fields(b: Option<&Self>, o: &Self, t: &Self, c: &mut Vec<Conflict>) -> Self {
        let id = &o.id;
        Milestone {
            id: id.clone(),
            date: pick(
                Field::MilestoneDate(id.clone()),
                b.map(|b| &b.date),
                &o.date,
                &t.date,
                c,
            ),
            what: pick(
                Field::MilestoneWhat(id.clone()),
                b.map(|b| &b.what),
                &o.what,
                &t.what,
                c,
            ),
        }
    }
}

impl Item for BudgetLine {
    fn id(&self) -> &str {
        &self.id
    }
    fn merge_fields(b: Option<&Self>, o: &Self, t: &Self, c: &mut Vec<Conflict>) -> Self {
        let id = &o.id;
        BudgetLine {
            id: id.clone(),
            kind: pick(
                Field::BudgetKind(id.clone()),
                b.map(|b| &b.kind),
                &o.kind,
                &t.kind,
                c,
            ),
            item: pick(
                Field::BudgetItem(id.clone()),
                b.map(|b| &b.item),
                &o.item,
                &t.item,
                c,
            ),
            amount: pick(
                Field::BudgetAmount(id.clone()),
                b.map(|b| &b.amount),
                &o.amount,
                &t.amount,
                c,
            ),
        }
    }
}

/// An item's key: its id and which occurrence of that id it is, so a list
/// with a repeated id loses nothing.
type Key<'a> = (&'a str, usize);

fn keyed<'a>(ids: &[&'a str]) -> Vec<Key<'a>> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    ids.iter()
        .map(|&id| {
            let n = seen.entry(id).or_insert(0);
            let key = (id, *n);
            *n += 1;
            key
        })
        .collect()
}

fn merge_list<I: Item>(base: &[I], ours: &[I], theirs: &[I], c: &mut Vec<Conflict>) -> Vec<I> {
    fn ids<I: Item>(list: &[I]) -> Vec<&str> {
        list.iter().map(I::id).collect()
    }
    // The merged items, in the order they were decided (sorted key order).
    let mut values: Vec<Option<I>> = Vec::new();
    let order = plan_list(&ids(base), &ids(ours), &ids(theirs), &mut |b, o, t| {
        let (b, o, t) = (
            b.map(|i| &base[i]),
            o.map(|i| &ours[i]),
            t.map(|i| &theirs[i]),
        );
        let value = match (b, o, t) {
            (b, Some(o), Some(t)) => Some(I::merge_fields(b, o, t, c)),
            // Deleted on one side: removed if the other left it alone,
            // kept (with its edits) otherwise.
            (Some(b), Some(o), None) => (o != b).then(|| o.clone()),
            (Some(b), None, Some(t)) => (t != b).then(|| t.clone()),
            // Added on one side.
            (None, Some(o), None) => Some(o.clone()),
            (None, None, Some(t)) => Some(t.clone()),
            (_, None, None) => None,
        };
        let kept = value.is_some();
        if kept {
            values.push(value);
        }
        kept
    });
    order
        .into_iter()
        .filter_map(|i| values.get_mut(i).and_then(Option::take))
        .collect()
}

/// The item-type-independent part of [`merge_list`] (one copy in the
/// wasm, not one per item type): walks every key in sorted order, asking
/// `decide` (with the key's index in base, ours, theirs) whether the item is
/// kept, then returns the kept items' decision numbers in the merged order.
fn plan_list(
    base: &[&str],
    ours: &[&str],
    theirs: &[&str],
    decide: &mut dyn FnMut(Option<usize>, Option<usize>, Option<usize>) -> bool,
) -> Vec<usize> {
    let (kb, ko, kt) = (keyed(base), keyed(ours), keyed(theirs));
    fn index<'a>(keys: &[Key<'a>]) -> BTreeMap<Key<'a>, usize> {
        let mut m = BTreeMap::new();
        for (i, k) in keys.iter().enumerate() {
            m.insert(*k, i);
        }
        m
    }
    let (mb, mo, mt) = (index(&kb), index(&ko), index(&kt));
    let mut all: BTreeSet<Key<'_>> = BTreeSet::new();
    for k in kb.iter().chain(&ko).chain(&kt) {
        all.insert(*k);
    }

    // What each key becomes, decided in sorted id order.
    let mut kept: BTreeMap<Key<'_>, usize> = BTreeMap::new();
    for key in all {
        let (b, o, t) = (mb.get(&key), mo.get(&key), mt.get(&key));
        if decide(b.copied(), o.copied(), t.copied()) {
            let n = kept.len();
            kept.insert(key, n);
        }
    }

    // Order: a diff3 of the key sequences; where both sides reordered the same
    // stretch, ours then theirs.
    let mut order: Vec<Key<'_>> = Vec::new();
    for chunk in diff3(&kb, &ko, &kt) {
        match chunk {
            Chunk::Clean(keys) => order.extend(keys),
            Chunk::Conflict { ours, theirs, .. } => order.extend(ours.into_iter().chain(theirs)),
        }
    }
    let mut placed: BTreeSet<Key<'_>> = BTreeSet::new();
    order.retain(|k| kept.contains_key(k) && placed.insert(*k));
    // Kept items the order dropped (deleted on one side, edited on the
    // other) go back after their predecessor on the side that kept them.
    let missing: Vec<Key<'_>> = kept
        .keys()
        .filter(|k| !placed.contains(*k))
        .copied()
        .collect();
    for key in missing {
        let source = if mt.contains_key(&key) { &kt } else { &ko };
        let at = source
            .iter()
            .position(|k| *k == key)
            .and_then(|pos| {
                source[..pos]
                    .iter()
                    .rev()
                    .find_map(|prev| order.iter().position(|k| k == prev))
            })
            .map_or(0, |i| i + 1);
        order.insert(at, key);
    }
    order
        .into_iter()
        .filter_map(|k| kept.get(&k).copied())
        .collect()
}

/// Merges three versions of a text. Non-overlapping edits merge; edits to
/// the same passage that differ are a [`TextConflict`].
///
/// The text is compared sentence by sentence (a sentence ends after 。！？．!?
/// or a line break, with any closing brackets that follow). Where both sides
/// changed the same sentences, their characters are compared before giving up.
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
                // Characters are merged only inside one sentence edited on
                // both sides: across sentences a character diff can weave two
                // rewrites into words neither side wrote.
                let one_sentence = base.len() == 1 && ours.len() == 1 && theirs.len() == 1;
                let (base, ours, theirs) = (base.concat(), ours.concat(), theirs.concat());
                match one_sentence
                    .then(|| merge_chars(&base, &ours, &theirs))
                    .flatten()
                {
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

/// diff3 over characters; `None` when any passage overlaps.
fn merge_chars(base: &str, ours: &str, theirs: &str) -> Option<String> {
    let chars = |s: &str| s.chars().collect::<Vec<char>>();
    let mut out = String::new();
    for chunk in diff3(&chars(base), &chars(ours), &chars(theirs)) {
        match chunk {
            Chunk::Clean(cs) => out.extend(cs),
            Chunk::Conflict { .. } => return None,
        }
    }
    Some(out)
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
use diff3::{Chunk, diff3};

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
        use crate::directory::Division;
        use crate::proposal::BudgetKind;
        for d in Division::ALL {
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
    fn characters_merge_inside_one_sentence() {
        let merged = merge_text(
            "町内で清掃をする。",
            "町内で毎月清掃をする。",
            "町内で清掃活動をする。",
        );
        assert_eq!(merged, Ok("町内で毎月清掃活動をする。".to_string()));
    }
}
