//! Plans and what they hold: sections, items and their targets.

use crate::goal::Accrual;
use crate::ids::{ItemId, PlanId, SectionId, TargetId, UnitId};
use crate::quantity::{Cmp, Quantity};
use jiff::civil::Date;
use rust_decimal::Decimal;

/// The kind of commitments a plan lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanKind {
    /// An annual list of livelihood projects (民生实事).
    Livelihood,
    /// Major projects: investment, capacity, start of production (重大项目).
    MajorProjects,
    /// Multi-year goals (到2025年…).
    MultiYearGoals,
}

impl PlanKind {
    /// The stable code stored and exchanged.
    pub fn code(self) -> &'static str {
        match self {
            PlanKind::Livelihood => "livelihood",
            PlanKind::MajorProjects => "major_projects",
            PlanKind::MultiYearGoals => "multi_year_goals",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<PlanKind> {
        Some(match s {
            "livelihood" => PlanKind::Livelihood,
            "major_projects" => PlanKind::MajorProjects,
            "multi_year_goals" => PlanKind::MultiYearGoals,
            _ => return None,
        })
    }

    /// The Chinese name of the kind.
    pub fn label_zh(self) -> &'static str {
        match self {
            PlanKind::Livelihood => "民生实事",
            PlanKind::MajorProjects => "重大项目",
            PlanKind::MultiYearGoals => "中长期目标",
        }
    }

    /// The English name of the kind.
    pub fn label_en(self) -> &'static str {
        match self {
            PlanKind::Livelihood => "Livelihood projects",
            PlanKind::MajorProjects => "Major projects",
            PlanKind::MultiYearGoals => "Multi-year goals",
        }
    }
}

/// Where a plan stands: drafted from a document, confirmed by a person, published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanStatus {
    /// Proposed by the extractor or typed in; not yet the office's record.
    Draft,
    /// Confirmed by the office: the system's own record.
    Confirmed,
    /// Confirmed and shown on the public portal.
    Published,
}

impl PlanStatus {
    /// The stable code stored and exchanged.
    pub fn code(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Confirmed => "confirmed",
            PlanStatus::Published => "published",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<PlanStatus> {
        Some(match s {
            "draft" => PlanStatus::Draft,
            "confirmed" => PlanStatus::Confirmed,
            "published" => PlanStatus::Published,
            _ => return None,
        })
    }

    /// The Chinese name of the status.
    pub fn label_zh(self) -> &'static str {
        match self {
            PlanStatus::Draft => "草稿",
            PlanStatus::Confirmed => "已确认",
            PlanStatus::Published => "已公开",
        }
    }

    /// The English name of the status.
    pub fn label_en(self) -> &'static str {
        match self {
            PlanStatus::Draft => "Draft",
            PlanStatus::Confirmed => "Confirmed",
            PlanStatus::Published => "Published",
        }
    }
}

/// A plan: one document's commitments, owned by one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Its id.
    pub id: PlanId,
    /// The year it is for.
    pub year: i16,
    /// Its title as the document gives it.
    pub title: String,
    /// The unit that owns it (the province for the Jilin list).
    pub owner: UnitId,
    /// What it lists.
    pub kind: PlanKind,
    /// Where it stands.
    pub status: PlanStatus,
    /// The document text it was read from, kept as it was given; spans point into it.
    pub source_text: String,
    /// What the document says of itself ("十四个方面"), kept to show where it disagrees.
    pub declared_sections: Option<u32>,
    /// What the document says of itself ("50项").
    pub declared_items: Option<u32>,
}

/// A section of a plan (一、促进就业方面(2项)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Its id.
    pub id: SectionId,
    /// The plan it belongs to.
    pub plan: PlanId,
    /// Its ordinal (一 → 1).
    pub no: u32,
    /// Its heading without the ordinal and count; `None` for a list with no headings.
    pub title: Option<String>,
    /// The N of "(N项)", when the heading states it.
    pub declared_items: Option<u32>,
}

/// A numbered item of a plan: one commitment, with zero or more quantitative targets.
/// An item with no target is qualitative ("提高工伤保险待遇标准") and is reported as a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Its id.
    pub id: ItemId,
    /// The section it belongs to.
    pub section: SectionId,
    /// Its number as printed.
    pub no: u32,
    /// Its whole text.
    pub text: String,
    /// The responsible units the document names, lead first.
    pub leads: Vec<String>,
    /// Where the item stands in the plan's source text, when it was read from one.
    pub span: Option<TargetSpan>,
}

/// A byte range into the plan's source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetSpan {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// What a target is held to: a number, or (for a qualitative item such as
/// "提高工伤保险待遇标准") a stage — 未启动, 推进中, 已完成.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetKind {
    /// A quantity: reports carry a value.
    Quantity,
    /// A qualitative item's completion: reports carry a stage. Its quantity is 1 (done).
    Stage,
}

impl TargetKind {
    /// The stable code stored and exchanged.
    pub fn code(self) -> &'static str {
        match self {
            TargetKind::Quantity => "quantity",
            TargetKind::Stage => "stage",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<TargetKind> {
        Some(match s {
            "quantity" => TargetKind::Quantity,
            "stage" => TargetKind::Stage,
            _ => return None,
        })
    }
}

/// A quantitative target: "城镇新增就业23万人" → 230000 人, at least, by the end of the year.
/// A qualitative item carries one target of kind [`TargetKind::Stage`] instead, so that it is
/// assigned, reported and tracked like any other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Its id.
    pub id: TargetId,
    /// The item it belongs to.
    pub item: ItemId,
    /// Its place within the item, from 1.
    pub seq: u32,
    /// The value and unit.
    pub quantity: Quantity,
    /// How progress is held against it.
    pub cmp: Cmp,
    /// The clause of the item that states it.
    pub phrase: String,
    /// Where the phrase stands in the plan's source text.
    pub span: Option<TargetSpan>,
    /// No digit is written; the wording fixes the value (全覆盖 → 100%, 清零 → 0).
    pub implicit: bool,
    /// A change rather than a level (增长6%).
    pub delta: bool,
    /// When it is due: the plan year's last day unless the text says otherwise.
    pub deadline: Date,
    /// The value the change is measured from, when known.
    pub baseline: Option<Decimal>,
    /// A number, or a qualitative item's stage.
    pub kind: TargetKind,
    /// How the target is held when it is split, when someone said so: a standard written
    /// in an additive unit ("补助标准达到户均800元", "按每名3000元标准") is a level every unit
    /// is held to, marked by the extractor or set by the office. `None`: as its unit says
    /// ([`Accrual::of`]).
    pub accrual_set: Option<Accrual>,
}

impl Target {
    /// Whether it is a count that is divided among units (cumulative) or a level (a rate, a
    /// time limit, a standard) that every unit is held to.
    pub fn accrual(&self) -> Accrual {
        self.accrual_set
            .unwrap_or_else(|| Accrual::of(&self.quantity))
    }

    /// Whether it tracks a qualitative item's stage rather than a number.
    pub fn is_qualitative(&self) -> bool {
        self.kind == TargetKind::Stage
    }
}
