//! The office's form read against its text: every field checked, the plan as corrected laid
//! out (where each item now stands, with its targets), and — when nothing was refused — the
//! plan to write with the corrections to keep in its audit trail.

use super::{
    Field, FieldError, ItemEdit, ItemKey, ItemRef, Outline, PlacedItem, PlacedTarget, Proposal,
    TargetEdit, TargetKey, TargetPart, TargetRef,
};
use crate::import::{
    ImportOptions, ItemDraft, PlanDraft, SectionDraft, TargetDraft, WrittenPlan, cmp as read_cmp,
};
use jiff::civil::Date;
use minsheng_domain::{Cmp, PlanKind, PlanStatus, Quantity, TargetSpan, UnitId, UnitTree};
use minsheng_extract::normalize::{fold, squeeze};
use minsheng_extract::{Extraction, Span};
use minsheng_store::{Correction, ItemFacts, TargetFacts};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::str::FromStr;

/// The longest item text accepted, in characters.
const MAX_TITLE_CHARS: usize = 2000;

/// The longest unit accepted, in characters (人次, 平方公里, 万千瓦时).
const MAX_UNIT_CHARS: usize = 16;

/// The most items and targets the office may add to one plan.
const MAX_ADDED: usize = 1000;

/// The highest number an added item may have.
const MAX_ITEM_NO: u32 = 9999;

/// The form read against its text.
pub(super) struct Checked {
    /// The plan as corrected, for the page (also when something was refused).
    pub outline: Outline,
    /// The plan to write, or every refusal.
    pub plan: Result<Corrected, Vec<FieldError>>,
}

/// A plan ready to write, with its corrections of the extraction.
pub(super) struct Corrected {
    /// What to write.
    pub draft: PlanDraft,
    /// How.
    pub options: ImportOptions,
    pending: Vec<Pending>,
}

/// A correction, naming what it concerns by its place in the draft.
enum Pending {
    Year {
        proposed: i16,
        set: i16,
    },
    AddedItem {
        at: (usize, usize),
        set: ItemFacts,
    },
    EditedItem {
        at: (usize, usize),
        proposed: ItemFacts,
        set: ItemFacts,
    },
    MovedItem {
        at: (usize, usize),
        proposed: ItemFacts,
        set: ItemFacts,
    },
    DeletedItem {
        proposed: ItemFacts,
    },
    AddedTarget {
        at: (usize, usize, usize),
        set: TargetFacts,
    },
    EditedTarget {
        at: (usize, usize, usize),
        proposed: TargetFacts,
        set: TargetFacts,
    },
    DeletedTarget {
        proposed: TargetFacts,
    },
}

impl Corrected {
    /// The corrections, naming the records `written` gave the draft's items and targets.
    pub fn corrections(&self, written: &WrittenPlan) -> Vec<Correction> {
        let plan = written.plan;
        let item = |(s, i): (usize, usize)| written.sections.get(s)?.get(i).map(|w| w.id);
        let target = |(s, i, t): (usize, usize, usize)| {
            written.sections.get(s)?.get(i)?.targets.get(t).map(|w| w.0)
        };
        self.pending
            .iter()
            .filter_map(|p| {
                Some(match p {
                    Pending::Year { proposed, set } => Correction::Year {
                        plan,
                        proposed: *proposed,
                        set: *set,
                    },
                    Pending::AddedItem { at, set } => Correction::AddedItem {
                        item: item(*at)?,
                        set: set.clone(),
                    },
                    Pending::EditedItem { at, proposed, set } => Correction::EditedItem {
                        item: item(*at)?,
                        proposed: proposed.clone(),
                        set: set.clone(),
                    },
                    Pending::MovedItem { at, proposed, set } => Correction::MovedItem {
                        item: item(*at)?,
                        proposed: proposed.clone(),
                        set: set.clone(),
                    },
                    Pending::DeletedItem { proposed } => Correction::DeletedItem {
                        plan,
                        proposed: proposed.clone(),
                    },
                    Pending::AddedTarget { at, set } => Correction::AddedTarget {
                        target: target(*at)?,
                        set: set.clone(),
                    },
                    Pending::EditedTarget { at, proposed, set } => Correction::EditedTarget {
                        target: target(*at)?,
                        proposed: proposed.clone(),
                        set: set.clone(),
                    },
                    Pending::DeletedTarget { proposed } => Correction::DeletedTarget {
                        plan,
                        proposed: proposed.clone(),
                    },
                })
            })
            .collect()
    }
}

/// The refusal of a text in which no numbered item was found.
pub(super) fn no_items(x: &Extraction) -> Option<FieldError> {
    x.sections.iter().all(|s| s.items.is_empty()).then(|| {
        FieldError::new(
            Field::Text,
            "未从文中识别出任何编号事项(如“1.城镇新增就业23万人”)",
            "no numbered items were found in the text (such as “1. 230,000 new urban jobs”)",
        )
    })
}

/// The refusals of the text itself: empty, or too long.
pub(super) fn text(text: &str) -> Vec<FieldError> {
    if text.trim().is_empty() {
        vec![FieldError::new(
            Field::Text,
            "请粘贴计划文本或上传文本文件",
            "paste the plan's text or upload a text file",
        )]
    } else if text.len() > super::MAX_TEXT_BYTES {
        vec![FieldError::new(
            Field::Text,
            format!("文本过长(上限 {} KB)", super::MAX_TEXT_BYTES / 1024),
            format!(
                "the text is too long (at most {} KB)",
                super::MAX_TEXT_BYTES / 1024
            ),
        )]
    } else {
        Vec::new()
    }
}

/// The plan's settings, checked: kind, year (`None` when none was typed), owner.
pub(super) fn settings(
    tree: &UnitTree,
    kind: &str,
    year: &str,
    owner: &str,
) -> Result<(PlanKind, Option<i16>, UnitId), Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = PlanKind::from_code(kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new(
            Field::Kind,
            "请选择计划类别",
            "choose the plan's kind",
        ));
    }
    let year = match typed_year(year) {
        Ok(y) => y,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let owner = owner
        .trim()
        .parse::<i64>()
        .ok()
        .map(UnitId)
        .filter(|id| tree.get(*id).is_some());
    if owner.is_none() {
        errors.push(FieldError::new(
            Field::Owner,
            "请选择计划所属单位",
            "choose the unit that owns the plan",
        ));
    }
    match (kind, owner) {
        (Some(k), Some(o)) if errors.is_empty() => Ok((k, year, o)),
        _ => Err(errors),
    }
}

/// The year typed: `None` when empty.
fn typed_year(year: &str) -> Result<Option<i16>, FieldError> {
    match year.trim() {
        "" => Ok(None),
        y => match y.parse::<i16>() {
            Ok(y) if (1949..=2100).contains(&y) => Ok(Some(y)),
            _ => Err(FieldError::new(
                Field::Year,
                format!("年度“{y}”不是 1949—2100 之间的年份"),
                format!("the year '{y}' is not a year between 1949 and 2100"),
            )),
        },
    }
}

/// The form's starting values: the extraction as read, every item where it was read.
pub(super) fn as_extracted(
    x: &Extraction,
) -> (HashMap<ItemRef, ItemEdit>, HashMap<TargetRef, TargetEdit>) {
    let mut items = HashMap::new();
    let mut targets = HashMap::new();
    for (si, s) in x.sections.iter().enumerate() {
        for (ii, it) in s.items.iter().enumerate() {
            let key = ItemKey {
                section: si,
                item: ii,
            };
            items.insert(
                ItemRef::Read(key),
                ItemEdit {
                    title: Some(it.text.clone()),
                    section: si.to_string(),
                    ..ItemEdit::default()
                },
            );
            for (ti, t) in it.targets.iter().enumerate() {
                targets.insert(
                    TargetRef::Read(TargetKey {
                        section: si,
                        item: ii,
                        target: ti,
                    }),
                    TargetEdit {
                        value: t.value.normalize().to_string(),
                        unit: t.unit.clone(),
                        cmp: read_cmp(t.cmp).code().to_string(),
                        start: t.span.start.to_string(),
                        end: t.span.end.to_string(),
                        ..TargetEdit::default()
                    },
                );
            }
        }
    }
    (items, targets)
}

/// A section's heading as printed (`1、促进就业`).
pub(super) fn section_label(x: &Extraction, section: usize) -> String {
    match x.sections.get(section) {
        Some(s) => match &s.title {
            Some(t) => format!("{}、{t}", s.no),
            None => s.no.to_string(),
        },
        None => String::new(),
    }
}

fn item_label(section: &str, no: u32) -> String {
    format!("{section} 第{no}项")
}

/// An item being checked, on its way into the outline and the draft.
struct Work {
    placed: PlacedItem,
    /// The section it goes in.
    section: usize,
    /// Its order within the section: its place in the text (an item with none last), then
    /// read before added, then the order added.
    order: (usize, usize),
    /// What to write (`None` when deleted).
    draft: Option<ItemDraft>,
    /// Its corrections, its targets named by their index in `draft.targets`.
    local: Vec<Local>,
}

enum Local {
    AddedItem(ItemFacts),
    EditedItem(ItemFacts, ItemFacts),
    MovedItem(ItemFacts, ItemFacts),
    AddedTarget(usize, TargetFacts),
    EditedTarget(usize, TargetFacts, TargetFacts),
}

/// A target's value, unit, comparison and deadline as checked.
struct Values {
    value: Decimal,
    unit: String,
    cmp: Cmp,
    deadline: Option<Date>,
}

/// The proposal's fields checked against its text: the plan as corrected, and what to write
/// or every refusal.
pub(super) fn corrected(p: &Proposal, tree: &UnitTree) -> Checked {
    let x = &p.extraction;
    let text = p.text.as_str();
    let settings = settings(tree, &p.kind, &p.year, &p.owner);
    let mut errors = settings.as_ref().err().cloned().unwrap_or_default();
    errors.extend(no_items(x));
    let text_year = x.year.and_then(|y| i16::try_from(y).ok());
    let year = match typed_year(&p.year) {
        Ok(Some(y)) => Some(y),
        Ok(None) => text_year,
        Err(_) => None,
    };
    if settings.is_ok() && year.is_none() {
        errors.push(FieldError::new(
            Field::Year,
            "文中未写明计划年度,请填写年度",
            "the text states no year; enter one",
        ));
    }
    let year_end = year
        .and_then(|y| Date::new(y, 12, 31).ok())
        .unwrap_or(Date::MIN);
    let sections = x.sections.len();

    // Fields for items or targets the text does not have: the form is not this text's.
    let read_item = |k: ItemKey| x.sections.get(k.section)?.items.get(k.item);
    let strays = p
        .items
        .keys()
        .filter(|r| matches!(r, ItemRef::Read(k) if read_item(*k).is_none()))
        .count()
        + p.targets
            .keys()
            .filter(|r| match r {
                TargetRef::Read(k) => read_item(k.item_key())
                    .and_then(|it| it.targets.get(k.target))
                    .is_none(),
                TargetRef::Added(ItemRef::Read(k), _) => read_item(*k).is_none(),
                TargetRef::Added(ItemRef::Added(_), _) => false,
            })
            .count();
    if strays > 0 {
        errors.push(FieldError::new(
            Field::Text,
            format!("表单中有 {strays} 个字段与文本中的事项或目标对不上,请重新预览"),
            format!(
                "{strays} fields of the form match no item or target of the text; preview it again"
            ),
        ));
    }

    // The targets the office added, by item, in the order added.
    let mut added: HashMap<ItemRef, Vec<(usize, &TargetEdit)>> = HashMap::new();
    for (r, edit) in &p.targets {
        if let TargetRef::Added(item, n) = r {
            added.entry(*item).or_default().push((*n, edit));
        }
    }
    for list in added.values_mut() {
        list.sort_by_key(|(n, _)| *n);
    }
    let added_count = added
        .values()
        .flatten()
        .filter(|(_, e)| !e.is_blank())
        .count()
        + p.items
            .iter()
            .filter(|(r, e)| {
                matches!(r, ItemRef::Added(_))
                    && !e.title.as_deref().unwrap_or_default().trim().is_empty()
            })
            .count();
    if added_count > MAX_ADDED {
        errors.push(FieldError::new(
            Field::Text,
            format!("补充的事项和目标过多(上限 {MAX_ADDED} 个)"),
            format!("too many items and targets added (at most {MAX_ADDED})"),
        ));
    }

    let mut works: Vec<Work> = Vec::new();
    let mut deleted: Vec<Pending> = Vec::new();

    // The items the extractor read.
    for (si, s) in x.sections.iter().enumerate() {
        let label = section_label(x, si);
        for (ii, it) in s.items.iter().enumerate() {
            let key = ItemKey {
                section: si,
                item: ii,
            };
            let r = ItemRef::Read(key);
            let edit = p.items.get(&r);
            let is_deleted = edit.is_some_and(|e| e.delete);
            let mut item_errors = Vec::new();
            let section = match edit.map(|e| e.section.trim()) {
                None | Some("") => si,
                Some(typed) => match section_index(typed, sections) {
                    Ok(i) => i,
                    Err(e) => {
                        item_errors.push(e.at(Field::Section(r)));
                        si
                    }
                },
            };
            let title = match edit.and_then(|e| e.title.as_deref()) {
                None => {
                    item_errors.push(missing(Field::Title(r)));
                    it.text.clone()
                }
                Some(t) => match check_title(t) {
                    Ok(t) => t,
                    Err(e) => {
                        item_errors.push(e.at(Field::Title(r)));
                        t.trim().to_string()
                    }
                },
            };
            let mut placed = PlacedItem {
                item: r,
                no: it.no,
                span: Some(it.span),
                deleted: is_deleted,
                targets: Vec::new(),
                next_target: 0,
            };
            let proposed_item = ItemFacts {
                section: label.clone(),
                no: it.no,
                text: it.text.clone(),
            };
            let target_label = item_label(&label, it.no);
            let mut local = Vec::new();
            let mut drafts = Vec::new();
            let mut target_errors = Vec::new();
            for (ti, t) in it.targets.iter().enumerate() {
                let tr = TargetRef::Read(TargetKey {
                    section: si,
                    item: ii,
                    target: ti,
                });
                let proposed = TargetFacts {
                    item: target_label.clone(),
                    phrase: t.phrase.clone(),
                    quantity: Quantity::new(t.value, t.unit.clone()),
                    cmp: read_cmp(t.cmp),
                    deadline: year_end,
                };
                let Some(edit) = p.targets.get(&tr) else {
                    target_errors.push(missing(Field::Target(tr, TargetPart::Value)));
                    placed.targets.push(PlacedTarget {
                        target: tr,
                        span: Some(t.span),
                    });
                    continue;
                };
                let span = check_span(text, it.span, &edit.start, &edit.end);
                placed.targets.push(PlacedTarget {
                    target: tr,
                    span: Some(span.as_ref().ok().copied().unwrap_or(t.span)),
                });
                if edit.drop {
                    if !is_deleted {
                        deleted.push(Pending::DeletedTarget { proposed });
                    }
                    continue;
                }
                let values = check_values(edit, tr, year, &mut target_errors);
                let span = match span {
                    Ok(span) => Some(span),
                    Err(e) => {
                        target_errors.push(e.at(Field::Target(tr, TargetPart::Span)));
                        None
                    }
                };
                let (Some(v), Some(span)) = (values, span) else {
                    continue;
                };
                let phrase = if span == t.span {
                    t.phrase.clone()
                } else {
                    text.get(span.start..span.end)
                        .map(squeeze)
                        .unwrap_or_default()
                };
                let deadline = v.deadline.unwrap_or(year_end);
                let set = TargetFacts {
                    item: target_label.clone(),
                    phrase: phrase.clone(),
                    quantity: Quantity::new(v.value, v.unit.clone()),
                    cmp: v.cmp,
                    deadline,
                };
                if set != proposed {
                    local.push(Local::EditedTarget(drafts.len(), proposed, set));
                }
                drafts.push(TargetDraft {
                    quantity: Quantity::new(v.value, v.unit),
                    cmp: v.cmp,
                    phrase,
                    span: Some(target_span(span)),
                    implicit: t.implicit,
                    delta: t.delta,
                    deadline,
                    // A standard in an additive unit (户均800元) is held everywhere.
                    accrual_set: t.standard.then_some(minsheng_domain::Accrual::Level),
                });
            }
            let taken: Vec<Span> = placed.targets.iter().filter_map(|t| t.span).collect();
            add_targets(
                AddTo {
                    text,
                    item: r,
                    within: Within::Text(it.span),
                    label: &target_label,
                    year,
                    year_end,
                    taken,
                },
                added.get(&r).map(Vec::as_slice).unwrap_or_default(),
                &mut placed,
                &mut drafts,
                &mut local,
                &mut target_errors,
            );
            if is_deleted {
                // Nothing of a deleted item is checked or written: it goes as read.
                deleted.push(Pending::DeletedItem {
                    proposed: proposed_item,
                });
            } else {
                errors.append(&mut item_errors);
                errors.append(&mut target_errors);
                if title != it.text {
                    local.push(Local::EditedItem(
                        proposed_item.clone(),
                        ItemFacts {
                            text: title.clone(),
                            ..proposed_item.clone()
                        },
                    ));
                }
                if section != si {
                    local.push(Local::MovedItem(
                        ItemFacts {
                            text: title.clone(),
                            ..proposed_item.clone()
                        },
                        ItemFacts {
                            section: section_label(x, section),
                            no: it.no,
                            text: title.clone(),
                        },
                    ));
                }
            }
            works.push(Work {
                section,
                order: (it.span.start, 0),
                draft: (!is_deleted).then(|| ItemDraft {
                    no: it.no,
                    text: title,
                    leads: it.leads.clone(),
                    span: Some(target_span(it.span)),
                    targets: drafts,
                }),
                local,
                placed,
            });
        }
    }

    // The items the office added, in the order added; an empty one (the form's row for the
    // next) and a deleted one are left out.
    let mut added_items: Vec<usize> = p
        .items
        .keys()
        .chain(added.keys())
        .filter_map(|r| match r {
            ItemRef::Added(k) => Some(*k),
            ItemRef::Read(_) => None,
        })
        .collect();
    added_items.sort_unstable();
    added_items.dedup();
    let mut next_item = 0usize;
    let blank = ItemEdit::default();
    for k in added_items {
        let r = ItemRef::Added(k);
        let edit = p.items.get(&r).unwrap_or(&blank);
        let its_targets = added.get(&r).map(Vec::as_slice).unwrap_or_default();
        let title_typed = edit.title.as_deref().unwrap_or_default();
        let is_blank = edit.no.trim().is_empty()
            && title_typed.trim().is_empty()
            && its_targets.iter().all(|(_, t)| t.is_blank());
        if is_blank || edit.delete {
            continue;
        }
        next_item = next_item.max(k.saturating_add(1));
        let section = match section_index(&edit.section, sections) {
            Ok(i) => i,
            Err(e) => {
                errors.push(e.at(Field::Section(r)));
                sections.saturating_sub(1)
            }
        };
        let no = match item_no(&edit.no) {
            Ok(n) => n,
            Err(e) => {
                errors.push(e.at(Field::ItemNo(r)));
                0
            }
        };
        let title = match check_title(title_typed) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e.at(Field::Title(r)));
                title_typed.trim().to_string()
            }
        };
        // Its place in the text, when its text is the text's.
        let span = (!title.is_empty())
            .then(|| text.find(&title))
            .flatten()
            .map(|at| Span {
                start: at,
                end: at + title.len(),
            });
        let mut placed = PlacedItem {
            item: r,
            no,
            span,
            deleted: false,
            targets: Vec::new(),
            next_target: 0,
        };
        let label = section_label(x, section);
        let target_label = item_label(&label, no);
        let mut drafts = Vec::new();
        let mut local = vec![Local::AddedItem(ItemFacts {
            section: label,
            no,
            text: title.clone(),
        })];
        add_targets(
            AddTo {
                text,
                item: r,
                within: match span {
                    Some(s) => Within::Text(s),
                    None => Within::Title(&title),
                },
                label: &target_label,
                year,
                year_end,
                taken: Vec::new(),
            },
            its_targets,
            &mut placed,
            &mut drafts,
            &mut local,
            &mut errors,
        );
        works.push(Work {
            section,
            order: (span.map_or(usize::MAX, |s| s.start), k.saturating_add(1)),
            draft: Some(ItemDraft {
                no,
                text: title,
                leads: Vec::new(),
                span: span.map(target_span),
                targets: drafts,
            }),
            local,
            placed,
        });
    }

    // Each section's items in order; the draft and the corrections follow.
    works.sort_by_key(|w| (w.section, w.order));
    let mut outline = Outline {
        sections: vec![Vec::new(); sections],
        next_item,
    };
    let mut draft_sections: Vec<SectionDraft> = x
        .sections
        .iter()
        .map(|s| SectionDraft {
            no: s.no,
            title: s.title.clone(),
            declared_items: s.declared_items,
            items: Vec::new(),
        })
        .collect();
    let mut pending = Vec::new();
    if let (Some(proposed), Some(set)) = (text_year, year)
        && proposed != set
    {
        pending.push(Pending::Year { proposed, set });
    }
    for w in works {
        if let (Some(d), Some(ds)) = (w.draft, draft_sections.get_mut(w.section)) {
            let at = (w.section, ds.items.len());
            for l in w.local {
                pending.push(match l {
                    Local::AddedItem(set) => Pending::AddedItem { at, set },
                    Local::EditedItem(proposed, set) => Pending::EditedItem { at, proposed, set },
                    Local::MovedItem(proposed, set) => Pending::MovedItem { at, proposed, set },
                    Local::AddedTarget(t, set) => Pending::AddedTarget {
                        at: (at.0, at.1, t),
                        set,
                    },
                    Local::EditedTarget(t, proposed, set) => Pending::EditedTarget {
                        at: (at.0, at.1, t),
                        proposed,
                        set,
                    },
                });
            }
            ds.items.push(d);
        }
        if let Some(os) = outline.sections.get_mut(w.section) {
            os.push(w.placed);
        }
    }
    pending.append(&mut deleted);
    if errors.is_empty() && draft_sections.iter().all(|s| s.items.is_empty()) {
        errors.push(FieldError::new(
            Field::Text,
            "所有事项都已删除:计划至少要有一项",
            "every item was deleted: a plan needs at least one",
        ));
    }
    let plan = match (settings, year) {
        (Ok((kind, _, owner)), Some(year)) if errors.is_empty() => Ok(Corrected {
            draft: PlanDraft {
                title: x.title.clone(),
                year,
                declared_sections: x.declared.sections,
                declared_items: x.declared.items,
                sections: draft_sections,
            },
            options: ImportOptions {
                owner,
                kind,
                status: PlanStatus::Confirmed,
                default_year: Some(year),
            },
            pending,
        }),
        _ => Err(errors),
    };
    Checked { outline, plan }
}

/// Where an added target's phrase is looked for.
enum Within<'a> {
    /// The item's passage of the text.
    Text(Span),
    /// An added item's own text, which is not the text's.
    Title(&'a str),
}

/// What adding targets to an item needs.
struct AddTo<'a> {
    text: &'a str,
    item: ItemRef,
    within: Within<'a>,
    label: &'a str,
    year: Option<i16>,
    year_end: Date,
    /// The phrases of the item's targets so far (a phrase written twice is taken where it is
    /// not yet a target).
    taken: Vec<Span>,
}

/// Checks the targets the office added to an item and adds those that pass to its drafts;
/// empty rows are left out, dropped ones shown but not written.
fn add_targets(
    mut to: AddTo<'_>,
    edits: &[(usize, &TargetEdit)],
    placed: &mut PlacedItem,
    drafts: &mut Vec<TargetDraft>,
    local: &mut Vec<Local>,
    errors: &mut Vec<FieldError>,
) {
    for (n, edit) in edits {
        if edit.is_blank() {
            continue;
        }
        placed.next_target = placed.next_target.max(n.saturating_add(1));
        let tr = TargetRef::Added(to.item, *n);
        let phrase = super::normalize_text(&edit.phrase);
        let phrase = phrase.trim();
        let found = find_phrase(to.text, &to.within, phrase, &edit.at, &to.taken);
        let span = found.as_ref().ok().copied().flatten();
        placed.targets.push(PlacedTarget { target: tr, span });
        if edit.drop {
            continue;
        }
        to.taken.extend(span);
        if let Err(e) = found {
            errors.push(e.at(Field::Target(tr, TargetPart::Phrase)));
            check_values(edit, tr, to.year, errors);
            continue;
        }
        let Some(v) = check_values(edit, tr, to.year, errors) else {
            continue;
        };
        let phrase = match span {
            Some(s) => to.text.get(s.start..s.end).map(squeeze).unwrap_or_default(),
            None => squeeze(phrase),
        };
        let deadline = v.deadline.unwrap_or(to.year_end);
        local.push(Local::AddedTarget(
            drafts.len(),
            TargetFacts {
                item: to.label.to_string(),
                phrase: phrase.clone(),
                quantity: Quantity::new(v.value, v.unit.clone()),
                cmp: v.cmp,
                deadline,
            },
        ));
        drafts.push(TargetDraft {
            quantity: Quantity::new(v.value, v.unit),
            cmp: v.cmp,
            phrase,
            span: span.map(target_span),
            implicit: false,
            delta: false,
            deadline,
            accrual_set: None,
        });
    }
}

/// A target's value, unit, comparison and deadline, checked; `None` after a refusal (each
/// pushed to `errors`).
fn check_values(
    edit: &TargetEdit,
    tr: TargetRef,
    year: Option<i16>,
    errors: &mut Vec<FieldError>,
) -> Option<Values> {
    let before = errors.len();
    let value = parse_value(&edit.value)
        .map_err(|e| errors.push(e.at(Field::Target(tr, TargetPart::Value))))
        .ok();
    let unit = edit.unit.trim();
    if unit.is_empty() {
        errors.push(FieldError::new(
            Field::Target(tr, TargetPart::Unit),
            "请填写计量单位(如 人、个、%)",
            "enter the unit (such as 人, 个, %)",
        ));
    } else if unit.chars().count() > MAX_UNIT_CHARS {
        errors.push(FieldError::new(
            Field::Target(tr, TargetPart::Unit),
            format!("计量单位过长(上限 {MAX_UNIT_CHARS} 字)"),
            format!("the unit is too long (at most {MAX_UNIT_CHARS} characters)"),
        ));
    }
    let cmp = Cmp::from_code(edit.cmp.trim());
    if cmp.is_none() {
        errors.push(FieldError::new(
            Field::Target(tr, TargetPart::Cmp),
            "请选择比较方式(不少于、不超过、约、为)",
            "choose how it compares (at least, at most, about, exactly)",
        ));
    }
    let deadline = parse_deadline(&edit.deadline, year)
        .map_err(|e| errors.push(e.at(Field::Target(tr, TargetPart::Deadline))))
        .ok();
    match (value, cmp, deadline) {
        (Some(value), Some(cmp), Some(deadline)) if errors.len() == before => Some(Values {
            value,
            unit: unit.to_string(),
            cmp,
            deadline,
        }),
        _ => None,
    }
}

fn missing(field: Field) -> FieldError {
    FieldError::new(
        field,
        "表单缺少该字段,请重新预览",
        "the form lacks this field; preview again",
    )
}

fn target_span(s: Span) -> TargetSpan {
    TargetSpan {
        start: s.start,
        end: s.end,
    }
}

/// A refusal not yet tied to its field.
pub(super) struct Refusal {
    zh: String,
    en: String,
}

impl Refusal {
    fn at(self, field: Field) -> FieldError {
        FieldError::new(field, self.zh, self.en)
    }
}

/// An item's text: not empty, not too long.
fn check_title(t: &str) -> Result<String, Refusal> {
    let t = super::normalize_text(t);
    let t = t.trim();
    if t.is_empty() {
        Err(Refusal {
            zh: "事项内容不能为空".into(),
            en: "the item's text cannot be empty".into(),
        })
    } else if t.chars().count() > MAX_TITLE_CHARS {
        Err(Refusal {
            zh: format!("事项内容过长(上限 {MAX_TITLE_CHARS} 字)"),
            en: format!("the item's text is too long (at most {MAX_TITLE_CHARS} characters)"),
        })
    } else {
        Ok(t.to_string())
    }
}

/// The index of one of the `sections`, as the form names it.
fn section_index(typed: &str, sections: usize) -> Result<usize, Refusal> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(Refusal {
            zh: "请选择事项所属的方面".into(),
            en: "choose the section the item belongs to".into(),
        });
    }
    typed
        .parse::<usize>()
        .ok()
        .filter(|i| *i < sections)
        .ok_or_else(|| Refusal {
            zh: format!("所选方面“{typed}”不存在,请从列表中选择"),
            en: format!("there is no section '{typed}'; choose one from the list"),
        })
}

/// An added item's number: a whole number from 1.
fn item_no(typed: &str) -> Result<u32, Refusal> {
    let t: String = typed.trim().chars().map(fold).collect();
    t.parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_ITEM_NO).contains(n))
        .ok_or_else(|| Refusal {
            zh: format!("“{}”不是事项编号(1—{MAX_ITEM_NO} 的整数)", typed.trim()),
            en: format!(
                "'{}' is not an item number (a whole number from 1 to {MAX_ITEM_NO})",
                typed.trim()
            ),
        })
}

/// A value as an official types it: digits with an optional decimal part and an optional
/// 万 or 亿 (23万 → 230000), thousands separators allowed; never negative.
fn parse_value(s: &str) -> Result<Decimal, Refusal> {
    let t: String = s
        .trim()
        .chars()
        .map(fold)
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .collect();
    let (digits, scale) = if let Some(d) = t.strip_suffix('亿') {
        (d, Decimal::from(100_000_000))
    } else if let Some(d) = t.strip_suffix('万') {
        (d, Decimal::from(10_000))
    } else {
        (t.as_str(), Decimal::ONE)
    };
    let bad = || Refusal {
        zh: format!("“{}”不是数值(如 230000、23万、1.3)", s.trim()),
        en: format!("'{}' is not a number (such as 230000, 23万, 1.3)", s.trim()),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(bad());
    }
    let v = Decimal::from_str(digits).map_err(|_| bad())?;
    v.checked_mul(scale).map(|v| v.normalize()).ok_or_else(bad)
}

/// A deadline as typed (2023-06-30, 2023/6/30, 2023年6月30日); `None` when empty (the end
/// of the plan's year). It must fall in the plan's year, when that is known.
fn parse_deadline(s: &str, year: Option<i16>) -> Result<Option<Date>, Refusal> {
    let typed = s.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let folded: String = typed.chars().map(fold).collect();
    let parts: Vec<&str> = folded
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let example = year.unwrap_or(2023);
    let bad = || Refusal {
        zh: format!("“{typed}”不是日期(如 {example}-06-30)"),
        en: format!("'{typed}' is not a date (such as {example}-06-30)"),
    };
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>()) else {
        return Err(bad());
    };
    let date = Date::new(y, m, d).map_err(|_| bad())?;
    match year {
        Some(py) if date.year() != py => Err(Refusal {
            zh: format!("完成时限 {date} 不在计划年度 {py} 年之内"),
            en: format!("the deadline {date} is not within the plan's year {py}"),
        }),
        _ => Ok(Some(date)),
    }
}

/// A span typed into the form, checked: numbers, in order, on character boundaries of the
/// text, inside the item it belongs to.
fn check_span(text: &str, item: Span, start: &str, end: &str) -> Result<Span, Refusal> {
    let (Ok(start), Ok(end)) = (start.trim().parse::<usize>(), end.trim().parse::<usize>()) else {
        return Err(Refusal {
            zh: "目标在原文中的位置缺失或无效,请重新预览".into(),
            en: "the target's place in the text is missing or invalid; preview again".into(),
        });
    };
    let inside = start < end
        && end <= text.len()
        && text.is_char_boundary(start)
        && text.is_char_boundary(end)
        && item.start <= start
        && end <= item.end;
    if inside {
        Ok(Span { start, end })
    } else {
        Err(Refusal {
            zh: format!("目标在原文中的位置({start}—{end})不在该事项的文字之内"),
            en: format!("the target's place in the text ({start}–{end}) lies outside its item"),
        })
    }
}

/// Where an added target's phrase stands: at `at` when it stands there inside the item (the
/// place it was selected), else its first place in the item not yet a target's, else its
/// first place. `None` for a phrase of an added item whose text is not the text's.
fn find_phrase(
    text: &str,
    within: &Within<'_>,
    phrase: &str,
    at: &str,
    taken: &[Span],
) -> Result<Option<Span>, Refusal> {
    if phrase.is_empty() {
        return Err(Refusal {
            zh: "请填写该目标在原文中的词句(可在左侧原文中选取)".into(),
            en: "enter the target's phrase as the text has it (or select it in the text)".into(),
        });
    }
    if phrase.chars().count() > MAX_TITLE_CHARS {
        return Err(Refusal {
            zh: format!("词句过长(上限 {MAX_TITLE_CHARS} 字)"),
            en: format!("the phrase is too long (at most {MAX_TITLE_CHARS} characters)"),
        });
    }
    let not_found = || Refusal {
        zh: format!("“{phrase}”不在该事项的原文中,请从该事项的文字中选取或照录"),
        en: format!("'{phrase}' is not in this item's text; select or copy it from the item"),
    };
    let item = match within {
        Within::Title(title) => {
            return if title.contains(phrase) {
                Ok(None)
            } else {
                Err(not_found())
            };
        }
        Within::Text(item) => *item,
    };
    let len = phrase.len();
    if let Ok(at) = at.trim().parse::<usize>()
        && let Some(end) = at.checked_add(len)
        && item.start <= at
        && end <= item.end
        && text.get(at..end) == Some(phrase)
    {
        return Ok(Some(Span { start: at, end }));
    }
    let passage = text.get(item.start..item.end).ok_or_else(not_found)?;
    let mut first = None;
    for (i, _) in passage.match_indices(phrase) {
        let s = Span {
            start: item.start + i,
            end: item.start + i + len,
        };
        if !taken.iter().any(|t| t.start < s.end && s.start < t.end) {
            return Ok(Some(s));
        }
        first.get_or_insert(s);
    }
    first.map(Some).ok_or_else(not_found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_as_officials_type_them() {
        let ok = |s: &str| parse_value(s).ok().map(|d| d.to_string());
        assert_eq!(ok("230000").as_deref(), Some("230000"));
        assert_eq!(ok(" 23万 ").as_deref(), Some("230000"));
        assert_eq!(ok("1.6万").as_deref(), Some("16000"));
        assert_eq!(ok("816.2亿").as_deref(), Some("81620000000"));
        assert_eq!(ok("1,200").as_deref(), Some("1200"));
        assert_eq!(ok("１２").as_deref(), Some("12"));
        assert_eq!(ok("1.30").as_deref(), Some("1.3"));
        for bad in ["", "abc", "-5", "1e3", "万", "23万人", "1..2"] {
            assert!(parse_value(bad).is_err(), "{bad}");
        }
        // Too large to scale: refused, not a panic.
        assert!(parse_value("79228162514264337593543950335亿").is_err());
    }

    #[test]
    fn spans_must_lie_inside_their_item_on_char_boundaries() {
        let text = "前言\n1.城镇新增就业23万人。\n";
        let item = Span {
            start: text.find("1.").unwrap(),
            end: text.rfind('\n').unwrap(),
        };
        let s = text.find("城镇").unwrap();
        let e = s + "城镇新增就业23万人".len();
        assert_eq!(
            check_span(text, item, &s.to_string(), &e.to_string()).ok(),
            Some(Span { start: s, end: e })
        );
        for (a, b) in [
            (s + 1, e), // off a char boundary
            (0, 3),     // before the item
            (e, s),     // backwards
            (s, text.len() + 10),
        ] {
            assert!(check_span(text, item, &a.to_string(), &b.to_string()).is_err());
        }
        assert!(check_span(text, item, "x", "3").is_err());
    }

    #[test]
    fn deadlines_are_read_as_dates_within_the_plans_year() {
        let ok = |s: &str| {
            parse_deadline(s, Some(2023))
                .ok()
                .flatten()
                .map(|d| d.to_string())
        };
        assert_eq!(ok("2023-06-30").as_deref(), Some("2023-06-30"));
        assert_eq!(ok(" 2023/6/30 ").as_deref(), Some("2023-06-30"));
        assert_eq!(ok("2023年9月1日").as_deref(), Some("2023-09-01"));
        assert_eq!(ok("２０２３-１２-３１").as_deref(), Some("2023-12-31"));
        assert!(matches!(parse_deadline("  ", Some(2023)), Ok(None)));
        for bad in [
            "2024-01-01",
            "2022-12-31",
            "2023-02-30",
            "2023-13-01",
            "六月底",
            "2023-6",
            "9999999-1-1",
        ] {
            assert!(parse_deadline(bad, Some(2023)).is_err(), "{bad}");
        }
        let outside = parse_deadline("2024-03-01", Some(2023)).err().unwrap();
        assert!(
            outside.zh.contains("不在计划年度 2023 年之内"),
            "{}",
            outside.zh
        );
        // Without a year, any date (the year itself is refused elsewhere).
        assert!(parse_deadline("2030-01-01", None).is_ok());
    }

    #[test]
    fn a_phrase_is_found_in_its_item_where_it_is_not_yet_a_target() {
        let text = "1.新建幼儿园10所,改扩建幼儿园10所。\n2.其他。\n";
        let item = Span {
            start: 0,
            end: text.find('\n').unwrap(),
        };
        let within = Within::Text(item);
        let first = text.find("幼儿园10所").unwrap();
        let second = text.rfind("幼儿园10所").unwrap();
        let len = "幼儿园10所".len();
        let found = |at: &str, taken: &[Span]| {
            find_phrase(text, &within, "幼儿园10所", at, taken)
                .ok()
                .flatten()
                .map(|s| s.start)
        };
        assert_eq!(found("", &[]), Some(first));
        let taken = [Span {
            start: first,
            end: first + len,
        }];
        assert_eq!(found("", &taken), Some(second));
        // Where it was selected, if it stands there.
        assert_eq!(found(&second.to_string(), &[]), Some(second));
        assert_eq!(found("1", &[]), Some(first));
        assert_eq!(found("99999999999999999999", &[]), Some(first));
        assert_eq!(found(&usize::MAX.to_string(), &[]), Some(first));
        // Not in this item (it is in the next), or not at all.
        assert!(find_phrase(text, &within, "其他", "", &[]).is_err());
        assert!(find_phrase(text, &within, "", "", &[]).is_err());
        // An added item whose text is not the text's: looked for in its own text.
        let title = Within::Title("新建公园3个");
        assert!(matches!(
            find_phrase(text, &title, "公园3个", "", &[]),
            Ok(None)
        ));
        assert!(find_phrase(text, &title, "幼儿园", "", &[]).is_err());
    }

    #[test]
    fn sections_and_numbers_are_checked() {
        assert_eq!(section_index(" 1 ", 3).ok(), Some(1));
        for bad in ["3", "-1", "x", "", "99999999999999999999999"] {
            assert!(section_index(bad, 3).is_err(), "{bad}");
        }
        assert_eq!(item_no("１２").ok(), Some(12));
        for bad in ["0", "", "a", "10000", "-3"] {
            assert!(item_no(bad).is_err(), "{bad}");
        }
    }

    mod never_panics {
        use super::super::*;
        use crate::intake::{Placed, Proposal};
        use minsheng_domain::{OrgUnit, UnitKind};
        use proptest::prelude::*;

        const TEXT: &str = "某市2024年民生实事项目
一、教育(2项)
1.新建幼儿园10所,农村学校厕所全部完成改造。
2.为中小学配备校医,力争覆盖率达到九成。
二、城建(1项)
3.改造老旧小区20个,惠及居民5000户。
此外,建设社区食堂5个。
";

        fn typed() -> impl Strategy<Value = String> {
            prop_oneof![
                Just(String::new()),
                "[0-9]{1,5}",
                "\\PC{0,8}",
                Just("2024-06-30".to_string()),
                Just("2025/1/1".to_string()),
                Just("农村学校厕所全部完成改造".to_string()),
                Just("幼儿园10所".to_string()),
                Just("此外,建设社区食堂5个。".to_string()),
                Just("23万".to_string()),
                Just("ge".to_string()),
                Just("99999999999999999999999".to_string()),
                Just("79228162514264337593543950335亿".to_string()),
            ]
        }

        fn item_ref() -> impl Strategy<Value = ItemRef> {
            prop_oneof![
                (0..3usize, 0..3usize)
                    .prop_map(|(section, item)| ItemRef::Read(ItemKey { section, item })),
                prop_oneof![0..3usize, Just(usize::MAX)].prop_map(ItemRef::Added),
            ]
        }

        fn target_ref() -> impl Strategy<Value = TargetRef> {
            prop_oneof![
                (0..3usize, 0..3usize, 0..3usize).prop_map(|(section, item, target)| {
                    TargetRef::Read(TargetKey {
                        section,
                        item,
                        target,
                    })
                }),
                (item_ref(), prop_oneof![0..3usize, Just(usize::MAX)])
                    .prop_map(|(i, n)| TargetRef::Added(i, n)),
            ]
        }

        fn item_edit() -> impl Strategy<Value = ItemEdit> {
            (
                typed(),
                proptest::option::of(typed()),
                typed(),
                any::<bool>(),
            )
                .prop_map(|(no, title, section, delete)| ItemEdit {
                    no,
                    title,
                    section,
                    delete,
                })
        }

        fn target_edit() -> impl Strategy<Value = TargetEdit> {
            (
                (typed(), typed(), typed(), typed()),
                (typed(), typed(), typed(), typed()),
                any::<bool>(),
            )
                .prop_map(
                    |((value, unit, cmp, deadline), (start, end, phrase, at), drop)| TargetEdit {
                        value,
                        unit,
                        cmp,
                        deadline,
                        start,
                        end,
                        phrase,
                        at,
                        drop,
                    },
                )
        }

        proptest! {
            /// Whatever the form says, checking it never panics, and every correction it
            /// would record names an item and a target the plan to write has.
            #[test]
            fn any_form_is_checked_without_panicking(
                items in proptest::collection::vec((item_ref(), item_edit()), 0..6),
                targets in proptest::collection::vec((target_ref(), target_edit()), 0..8),
                year in typed(),
            ) {
                let tree = UnitTree::new(vec![OrgUnit {
                    id: UnitId(1),
                    parent: None,
                    kind: UnitKind::Province,
                    name: "某市".into(),
                    code: None,
                }]);
                let extraction = minsheng_extract::extract(TEXT);
                let (mut form_items, mut form_targets) = as_extracted(&extraction);
                form_items.extend(items);
                form_targets.extend(targets);
                let p = Proposal {
                    text: TEXT.to_string(),
                    extraction,
                    kind: "livelihood".into(),
                    year,
                    owner: "1".into(),
                    items: form_items,
                    targets: form_targets,
                    outline: Outline::default(),
                    errors: Vec::new(),
                    placed: Placed::default(),
                    owners: Vec::new(),
                };
                let checked = corrected(&p, &tree);
                if let Ok(c) = checked.plan {
                    let draft = &c.draft;
                    let item = |(s, i): (usize, usize)| {
                        draft.sections.get(s).and_then(|x| x.items.get(i))
                    };
                    for pending in &c.pending {
                        match pending {
                            Pending::AddedItem { at, .. }
                            | Pending::EditedItem { at, .. }
                            | Pending::MovedItem { at, .. } => prop_assert!(item(*at).is_some()),
                            Pending::AddedTarget { at, .. } | Pending::EditedTarget { at, .. } => {
                                let it = item((at.0, at.1));
                                prop_assert!(it.and_then(|it| it.targets.get(at.2)).is_some());
                            }
                            Pending::Year { .. }
                            | Pending::DeletedItem { .. }
                            | Pending::DeletedTarget { .. } => {}
                        }
                    }
                    for t in draft.sections.iter().flat_map(|s| &s.items).flat_map(|i| &i.targets) {
                        if let Some(s) = t.span {
                            prop_assert!(TEXT.get(s.start..s.end).is_some());
                        }
                    }
                }
            }
        }
    }
}
