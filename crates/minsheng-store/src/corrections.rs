//! The office's corrections of what the extractor proposed, kept in the confirmed plan's audit
//! trail: one event per correction, under the office's name, with the record as the extractor
//! proposed it (`before`) and as the office set it (`after`). An addition has no `before`, a
//! deletion no `after`; a correction of a record that was written is kept under that record
//! (`item` or `target`), one of a record that never was (a deleted item or target) under the
//! plan — so every one of them is in the plan's trail (`/audit?entity=plan&id=…`).

use crate::error::StoreError;
use crate::rows::dec_text;
use crate::tx::Tx;
use jiff::civil::Date;
use minsheng_domain::{Cmp, ItemId, PlanId, Quantity, TargetId};
use serde_json::{Value, json};

/// An item as a correction names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFacts {
    /// Its section, as printed (`2、城乡建设`).
    pub section: String,
    /// Its printed number.
    pub no: u32,
    /// Its text.
    pub text: String,
}

/// A target as a correction names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetFacts {
    /// Its item, as printed (`第3项`).
    pub item: String,
    /// The clause of the text that states it.
    pub phrase: String,
    /// Value and unit.
    pub quantity: Quantity,
    /// How progress is held against it.
    pub cmp: Cmp,
    /// When it is due.
    pub deadline: Date,
}

/// One correction of the extraction, made when the plan was confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Correction {
    /// The office's year in place of the one the text states.
    Year {
        /// The plan.
        plan: PlanId,
        /// The text's year.
        proposed: i16,
        /// The office's.
        set: i16,
    },
    /// An item the extractor missed.
    AddedItem {
        /// The item as written.
        item: ItemId,
        /// What the office set.
        set: ItemFacts,
    },
    /// An item's text changed.
    EditedItem {
        /// The item as written.
        item: ItemId,
        /// As read.
        proposed: ItemFacts,
        /// As set.
        set: ItemFacts,
    },
    /// An item moved to another section.
    MovedItem {
        /// The item as written.
        item: ItemId,
        /// As read.
        proposed: ItemFacts,
        /// As set.
        set: ItemFacts,
    },
    /// An item the office left out (with its targets).
    DeletedItem {
        /// The plan.
        plan: PlanId,
        /// As read.
        proposed: ItemFacts,
    },
    /// A target the extractor missed.
    AddedTarget {
        /// The target as written.
        target: TargetId,
        /// What the office set.
        set: TargetFacts,
    },
    /// A target's value, unit, comparison, deadline or phrase changed.
    EditedTarget {
        /// The target as written.
        target: TargetId,
        /// As read.
        proposed: TargetFacts,
        /// As set.
        set: TargetFacts,
    },
    /// A target the office left out.
    DeletedTarget {
        /// The plan.
        plan: PlanId,
        /// As read.
        proposed: TargetFacts,
    },
}

impl Correction {
    /// The audit event's action (`correct_add_item`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Correction::Year { .. } => "correct_year",
            Correction::AddedItem { .. } => "correct_add_item",
            Correction::EditedItem { .. } => "correct_edit_item",
            Correction::MovedItem { .. } => "correct_move_item",
            Correction::DeletedItem { .. } => "correct_delete_item",
            Correction::AddedTarget { .. } => "correct_add_target",
            Correction::EditedTarget { .. } => "correct_edit_target",
            Correction::DeletedTarget { .. } => "correct_delete_target",
        }
    }

    /// Every action a correction is recorded with.
    pub const CODES: [&'static str; 8] = [
        "correct_year",
        "correct_add_item",
        "correct_edit_item",
        "correct_move_item",
        "correct_delete_item",
        "correct_add_target",
        "correct_edit_target",
        "correct_delete_target",
    ];
}

fn item_json(i: &ItemFacts) -> Value {
    json!({ "section": i.section, "no": i.no, "text": i.text })
}

fn target_json(t: &TargetFacts) -> Value {
    json!({
        "item": t.item, "phrase": t.phrase, "value": dec_text(t.quantity.value),
        "unit": t.quantity.unit, "cmp": t.cmp.code(), "deadline": t.deadline.to_string(),
    })
}

impl Tx {
    /// Records one correction of the extraction (see the module docs for where).
    pub async fn record_correction(&mut self, c: &Correction) -> Result<(), StoreError> {
        let (entity, id, before, after) = match c {
            Correction::Year {
                plan,
                proposed,
                set,
            } => (
                "plan",
                plan.0,
                Some(json!({ "year": proposed })),
                Some(json!({ "year": set })),
            ),
            Correction::AddedItem { item, set } => ("item", item.0, None, Some(item_json(set))),
            Correction::EditedItem {
                item,
                proposed,
                set,
            }
            | Correction::MovedItem {
                item,
                proposed,
                set,
            } => (
                "item",
                item.0,
                Some(item_json(proposed)),
                Some(item_json(set)),
            ),
            Correction::DeletedItem { plan, proposed } => {
                ("plan", plan.0, Some(item_json(proposed)), None)
            }
            Correction::AddedTarget { target, set } => {
                ("target", target.0, None, Some(target_json(set)))
            }
            Correction::EditedTarget {
                target,
                proposed,
                set,
            } => (
                "target",
                target.0,
                Some(target_json(proposed)),
                Some(target_json(set)),
            ),
            Correction::DeletedTarget { plan, proposed } => {
                ("plan", plan.0, Some(target_json(proposed)), None)
            }
        };
        self.audit(c.code(), entity, id, before, after).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_correction_has_its_code_in_the_list() {
        let item = ItemFacts {
            section: "1、教育".into(),
            no: 1,
            text: "新建幼儿园10所".into(),
        };
        let target = TargetFacts {
            item: "1、教育 第1项".into(),
            phrase: "新建幼儿园10所".into(),
            quantity: Quantity::new(10.into(), "所"),
            cmp: Cmp::Ge,
            deadline: jiff::civil::date(2024, 12, 31),
        };
        let (plan, i, t) = (PlanId(1), ItemId(2), TargetId(3));
        let all = [
            Correction::Year {
                plan,
                proposed: 2023,
                set: 2024,
            },
            Correction::AddedItem {
                item: i,
                set: item.clone(),
            },
            Correction::EditedItem {
                item: i,
                proposed: item.clone(),
                set: item.clone(),
            },
            Correction::MovedItem {
                item: i,
                proposed: item.clone(),
                set: item.clone(),
            },
            Correction::DeletedItem {
                plan,
                proposed: item,
            },
            Correction::AddedTarget {
                target: t,
                set: target.clone(),
            },
            Correction::EditedTarget {
                target: t,
                proposed: target.clone(),
                set: target.clone(),
            },
            Correction::DeletedTarget {
                plan,
                proposed: target,
            },
        ];
        let codes: Vec<&str> = all.iter().map(Correction::code).collect();
        assert_eq!(codes, Correction::CODES);
    }
}
