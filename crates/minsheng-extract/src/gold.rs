//! The corpus JSON shape (`corpus/SCHEMA.md`), read and written.
//!
//! This is one of the two places where the project defines a JSON shape (the other
//! is the web API). Values are JSON integers when whole, else JSON numbers; flags
//! (`delta`, `implicit`, `optional`, `truncated`) are written only when true.
//! Unknown fields are ignored when reading, so annotators may add notes.

use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Cmp, Extraction, FigureKind, Milestone, ProjectFigure, Qualifier};

/// A decimal that serializes as a JSON integer when whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Value(pub Decimal);

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0.normalize();
        if d.fract().is_zero() {
            if let Some(i) = d.to_i64() {
                return s.serialize_i64(i);
            }
            if let Some(u) = d.to_u64() {
                return s.serialize_u64(u);
            }
        }
        s.serialize_f64(d.to_f64().unwrap_or(0.0))
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        let text = n.to_string();
        Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .map(|v| Value(v.normalize()))
            .map_err(D::Error::custom)
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// `cmp` as the schema spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GoldCmp {
    /// eq
    Eq,
    /// ge
    Ge,
    /// le
    Le,
    /// approx
    Approx,
}

impl From<Cmp> for GoldCmp {
    fn from(c: Cmp) -> Self {
        match c {
            Cmp::Eq => Self::Eq,
            Cmp::Ge => Self::Ge,
            Cmp::Le => Self::Le,
            Cmp::Approx => Self::Approx,
        }
    }
}

/// `kind` as the schema spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GoldKind {
    /// target
    Target,
    /// actual
    Actual,
    /// capacity
    Capacity,
}

impl From<FigureKind> for GoldKind {
    fn from(k: FigureKind) -> Self {
        match k {
            FigureKind::Target => Self::Target,
            FigureKind::Actual => Self::Actual,
            FigureKind::Capacity => Self::Capacity,
        }
    }
}

/// One annotated document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// File name of the text.
    pub source: String,
    /// The plan's heading line.
    pub title: Option<String>,
    /// The year the plan is for.
    pub year: Option<i32>,
    /// Declared counts.
    #[serde(default)]
    pub declared: Declared,
    /// The text is an excerpt cut off mid-document.
    #[serde(default, skip_serializing_if = "is_false")]
    pub truncated: bool,
    /// Sections.
    pub sections: Vec<Section>,
    /// Figures outside items; absent (`None`) when the document's narrative is not
    /// annotated, and then not scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<Vec<Figure>>,
    /// Major projects; absent when not annotated (not scored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projects: Option<Vec<Project>>,
    /// Multi-year goals; absent when not annotated (not scored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goals: Option<Vec<Goal>>,
}

/// `milestone` as the schema spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoldMilestone {
    /// 签约
    Signing,
    /// 开工
    Start,
    /// 竣工
    Completion,
    /// 投产
    Production,
    /// 达产
    FullProduction,
}

impl From<Milestone> for GoldMilestone {
    fn from(m: Milestone) -> Self {
        match m {
            Milestone::Signing => Self::Signing,
            Milestone::Start => Self::Start,
            Milestone::Completion => Self::Completion,
            Milestone::Production => Self::Production,
            Milestone::FullProduction => Self::FullProduction,
        }
    }
}

/// `qualifier` as the schema spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoldQualifier {
    /// Nothing said.
    Stated,
    /// 规划
    Planned,
    /// 可达
    Reachable,
    /// 极限
    Peak,
    /// 设计
    Design,
}

impl From<Qualifier> for GoldQualifier {
    fn from(q: Qualifier) -> Self {
        match q {
            Qualifier::Stated => Self::Stated,
            Qualifier::Planned => Self::Planned,
            Qualifier::Reachable => Self::Reachable,
            Qualifier::Peak => Self::Peak,
            Qualifier::Design => Self::Design,
        }
    }
}

/// A major project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    /// The name as printed, white space removed.
    pub name: String,
    /// 总投资.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investment: Option<Amount>,
    /// A year's planned investment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annual_investment: Vec<Amount>,
    /// Planned milestone dates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dates: Vec<Date>,
    /// Capacities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capacities: Vec<CapacityFigure>,
    /// Annual output value or sales.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub output_value: Vec<Amount>,
}

/// An amount of a project (investment, output value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    /// Value in base units.
    pub value: Value,
    /// Unit ("元").
    pub unit: String,
    /// Comparison.
    pub cmp: GoldCmp,
    /// The year it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Clause.
    pub phrase: String,
    /// Either reading is acceptable.
    #[serde(default, skip_serializing_if = "is_false")]
    pub optional: bool,
}

/// A planned milestone date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Date {
    /// Which milestone.
    pub milestone: GoldMilestone,
    /// When, in digits ("2024-12").
    pub by: String,
    /// Clause.
    pub phrase: String,
}

/// A capacity of a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityFigure {
    /// Value.
    pub value: Value,
    /// Unit.
    pub unit: String,
    /// Comparison.
    pub cmp: GoldCmp,
    /// 规划, 可达, 极限, 设计 or nothing.
    pub qualifier: GoldQualifier,
    /// 一期, 二期… when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// Clause.
    pub phrase: String,
    /// Either reading is acceptable.
    #[serde(default, skip_serializing_if = "is_false")]
    pub optional: bool,
}

/// A multi-year goal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    /// Deadline in digits ("2025").
    pub by: String,
    /// What is measured.
    pub subject: String,
    /// Value.
    pub value: Value,
    /// Unit.
    pub unit: String,
    /// Comparison.
    pub cmp: GoldCmp,
    /// Clause.
    pub phrase: String,
    /// The subject of the goal this one is part of (其中).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Either reading is acceptable.
    #[serde(default, skip_serializing_if = "is_false")]
    pub optional: bool,
}

/// Declared counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Declared {
    /// Sections claimed.
    pub sections: Option<u32>,
    /// Items claimed.
    pub items: Option<u32>,
}

/// A section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Ordinal.
    pub no: u32,
    /// Heading text.
    pub title: Option<String>,
    /// The N of "(N项)".
    pub declared_items: Option<u32>,
    /// Items.
    pub items: Vec<Item>,
}

/// An item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Number.
    pub no: u32,
    /// Text, white space removed.
    pub text: String,
    /// Responsible units.
    #[serde(default)]
    pub leads: Vec<String>,
    /// Targets.
    #[serde(default)]
    pub targets: Vec<Target>,
}

/// A target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// Value.
    pub value: Value,
    /// Unit.
    pub unit: String,
    /// Comparison.
    pub cmp: GoldCmp,
    /// Clause.
    pub phrase: String,
    /// A change rather than a level.
    #[serde(default, skip_serializing_if = "is_false")]
    pub delta: bool,
    /// No digit written.
    #[serde(default, skip_serializing_if = "is_false")]
    pub implicit: bool,
    /// Either reading is acceptable.
    #[serde(default, skip_serializing_if = "is_false")]
    pub optional: bool,
}

/// A narrative figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Value.
    pub value: Value,
    /// Unit.
    pub unit: String,
    /// Comparison.
    pub cmp: GoldCmp,
    /// Target, actual or capacity.
    pub kind: GoldKind,
    /// Deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Clause.
    pub phrase: String,
    /// Either reading is acceptable.
    #[serde(default, skip_serializing_if = "is_false")]
    pub optional: bool,
}

impl Document {
    /// The gold shape of an extraction of the file `source`.
    #[must_use]
    pub fn from_extraction(x: &Extraction, source: &str) -> Self {
        Self {
            source: source.to_string(),
            title: x.title.clone(),
            year: x.year,
            declared: Declared {
                sections: x.declared.sections,
                items: x.declared.items,
            },
            truncated: x.truncated,
            sections: x
                .sections
                .iter()
                .map(|s| Section {
                    no: s.no,
                    title: s.title.clone(),
                    declared_items: s.declared_items,
                    items: s
                        .items
                        .iter()
                        .map(|i| Item {
                            no: i.no,
                            text: i.text.clone(),
                            leads: i.leads.clone(),
                            targets: i
                                .targets
                                .iter()
                                .map(|t| Target {
                                    value: Value(t.value),
                                    unit: t.unit.clone(),
                                    cmp: t.cmp.into(),
                                    phrase: t.phrase.clone(),
                                    delta: t.delta,
                                    implicit: t.implicit,
                                    optional: false,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
            narrative: Some(
                x.narrative
                    .iter()
                    .map(|f| Figure {
                        value: Value(f.value),
                        unit: f.unit.clone(),
                        cmp: f.cmp.into(),
                        kind: f.kind.into(),
                        by: f.by.clone(),
                        phrase: f.phrase.clone(),
                        optional: false,
                    })
                    .collect(),
            ),
            projects: Some(x.projects.iter().map(project).collect()),
            goals: Some(
                x.goals
                    .iter()
                    .map(|g| Goal {
                        by: g.by.clone(),
                        subject: g.subject.clone(),
                        value: Value(g.value),
                        unit: g.unit.clone(),
                        cmp: g.cmp.into(),
                        phrase: g.phrase.clone(),
                        parent: g
                            .parent
                            .and_then(|k| x.goals.get(k))
                            .map(|p| p.subject.clone()),
                        optional: false,
                    })
                    .collect(),
            ),
        }
    }

    /// Reads a gold document from JSON.
    ///
    /// # Errors
    /// When the JSON does not have the schema's shape.
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// Writes the document as pretty JSON.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

fn amount(f: &ProjectFigure) -> Amount {
    Amount {
        value: Value(f.value),
        unit: f.unit.clone(),
        cmp: f.cmp.into(),
        by: f.by.clone(),
        phrase: f.phrase.clone(),
        optional: false,
    }
}

fn project(p: &crate::ProjectDraft) -> Project {
    Project {
        name: p.name.clone(),
        investment: p.investment.as_ref().map(amount),
        annual_investment: p.annual_investment.iter().map(amount).collect(),
        dates: p
            .dates
            .iter()
            .map(|d| Date {
                milestone: d.milestone.into(),
                by: d.by.clone(),
                phrase: d.phrase.clone(),
            })
            .collect(),
        capacities: p
            .capacities
            .iter()
            .map(|c| CapacityFigure {
                value: Value(c.value),
                unit: c.unit.clone(),
                cmp: c.cmp.into(),
                qualifier: c.qualifier.into(),
                phase: c.phase.clone(),
                phrase: c.phrase.clone(),
                optional: false,
            })
            .collect(),
        output_value: p.output_value.iter().map(amount).collect(),
    }
}
