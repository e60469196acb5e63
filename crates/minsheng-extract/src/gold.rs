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

use crate::{Cmp, Extraction, FigureKind};

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
    /// Figures outside items.
    #[serde(default)]
    pub narrative: Vec<Figure>,
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
            narrative: x
                .narrative
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
