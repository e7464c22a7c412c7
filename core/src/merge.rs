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
    c.sort_by(|x, y| x.field.cmp(&y.field));
    MergeOutcome {
        merged,
        conflicts: c,
    }
}

/// A value's wire form, for showing it in a [`Conflict`].
fn wire<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// The short-field rule. `base` is `None` for an item both sides added.
fn pick<T: PartialEq + Clone + Serialize>(
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
            base: base.map(wire).unwrap_or_default(),
            ours: wire(ours),
            theirs: wire(theirs),
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
            amount_yen: pick(
                Field::BudgetAmount(id.clone()),
                b.map(|b| &b.amount_yen),
                &o.amount_yen,
                &t.amount_yen,
                c,
            ),
        }
    }
}

/// An item's key: its id and which occurrence of that id it is, so a list
/// with a repeated id loses nothing.
type Key = (String, usize);

fn keyed<I: Item>(list: &[I]) -> Vec<(Key, &I)> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    list.iter()
        .map(|item| {
            let n = seen.entry(item.id()).or_insert(0);
            let key = (item.id().to_string(), *n);
            *n += 1;
            (key, item)
        })
        .collect()
}

fn merge_list<I: Item>(base: &[I], ours: &[I], theirs: &[I], c: &mut Vec<Conflict>) -> Vec<I> {
    let (kb, ko, kt) = (keyed(base), keyed(ours), keyed(theirs));
    let mb: BTreeMap<&Key, &I> = kb.iter().map(|(k, i)| (k, *i)).collect();
    let mo: BTreeMap<&Key, &I> = ko.iter().map(|(k, i)| (k, *i)).collect();
    let mt: BTreeMap<&Key, &I> = kt.iter().map(|(k, i)| (k, *i)).collect();
    let all: BTreeSet<&Key> = mb
        .keys()
        .chain(mo.keys())
        .chain(mt.keys())
        .copied()
        .collect();

    // What each key becomes, decided in sorted id order.
    let mut kept: BTreeMap<Key, I> = BTreeMap::new();
    for key in all {
        let value = match (mb.get(key), mo.get(key), mt.get(key)) {
            (b, Some(o), Some(t)) => Some(I::merge_fields(b.copied(), o, t, c)),
            // Deleted on one side: removed if the other left it alone, kept
            // (with its edits) otherwise.
            (Some(b), Some(o), None) => (*o != *b).then(|| (*o).clone()),
            (Some(b), None, Some(t)) => (*t != *b).then(|| (*t).clone()),
            // Added on one side.
            (None, Some(o), None) => Some((*o).clone()),
            (None, None, Some(t)) => Some((*t).clone()),
            (_, None, None) => None,
        };
        if let Some(v) = value {
            kept.insert(key.clone(), v);
        }
    }

    // Order: a diff3 of the key sequences; where both sides reordered the same
    // stretch, ours then theirs.
    let seq = |k: &[(Key, &I)]| k.iter().map(|(key, _)| key.clone()).collect::<Vec<_>>();
    let (sb, so, st) = (seq(&kb), seq(&ko), seq(&kt));
    let mut order: Vec<Key> = Vec::new();
    for chunk in diff3(&sb, &so, &st) {
        match chunk {
            Chunk::Clean(keys) => order.extend(keys),
            Chunk::Conflict { ours, theirs, .. } => order.extend(ours.into_iter().chain(theirs)),
        }
    }
    let mut placed: BTreeSet<Key> = BTreeSet::new();
    order.retain(|k| kept.contains_key(k) && placed.insert(k.clone()));
    // Kept items the order dropped (deleted on one side, edited on the
    // other) go back after their predecessor on the side that kept them.
    let missing: Vec<Key> = kept
        .keys()
        .filter(|k| !placed.contains(*k))
        .cloned()
        .collect();
    for key in missing {
        let source = if mt.contains_key(&key) { &st } else { &so };
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
    order.into_iter().filter_map(|k| kept.remove(&k)).collect()
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
