//! The JSON export: the plan, every commitment with its targets and, per month with accepted
//! data, each target's progress and status as a whole and by region, each region's completion
//! by section, and the public bulletins. Decimals are text (`"816.2"`; six places at most, by
//! [`super::number`]), completions 0–1 to four places, statuses by their stable code with the portal's Chinese beside them.
//!
//! This is the shape of the open data, versioned by [`Doc::v`] (raised when a field changes
//! meaning or goes away; fields are only added otherwise). It reads back into the same types.

use super::{OpenPlan, completion, number};
use crate::portal::{self, PublicPlan};
use minsheng_domain::{Status, TargetId, TargetKind};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The version of the shape.
pub const VERSION: u32 = 1;

/// The whole export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Doc {
    /// The version of this shape: [`VERSION`].
    pub v: u32,
    /// The plan.
    pub plan: PlanDoc,
    /// The day the figures were computed for (YYYY-MM-DD, Beijing time).
    pub as_of: String,
    /// The months with accepted data, oldest first (`2023-06`).
    pub periods: Vec<String>,
    /// The plan's sections, in document order.
    pub sections: Vec<SectionDoc>,
    /// Every commitment (numbered item), in document order.
    pub commitments: Vec<CommitmentDoc>,
    /// Each prefecture's completion per month.
    pub regions: Vec<RegionDoc>,
    /// The issued bulletins marked public, newest first.
    pub bulletins: Vec<BulletinDoc>,
}

/// The plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDoc {
    /// Its id.
    pub id: i64,
    /// Its year.
    pub year: i16,
    /// Its title.
    pub title: String,
    /// The unit that owns it.
    pub owner: String,
    /// What it lists: `livelihood`, `major_projects`, `multi_year_goals`.
    pub kind: String,
    /// Its public page (a path on the site).
    pub url: String,
}

/// A section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionDoc {
    /// Its ordinal.
    pub no: u32,
    /// Its heading.
    pub title: Option<String>,
}

/// A commitment: a numbered item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentDoc {
    /// Its section's ordinal.
    pub section_no: u32,
    /// Its number as printed.
    pub no: u32,
    /// Its text.
    pub text: String,
    /// The responsible units the document names.
    pub leads: Vec<String>,
    /// Its targets.
    pub targets: Vec<TargetDoc>,
}

/// A target and its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetDoc {
    /// Its id.
    pub id: i64,
    /// `quantity`, or `stage` for a qualitative item followed by its stage.
    pub kind: String,
    /// The clause that states it.
    pub phrase: String,
    /// `ge` (at least), `le` (at most), `approx`, `eq`.
    pub cmp: String,
    /// The value promised (`None` for a stage).
    pub value: Option<String>,
    /// Its unit of measure.
    pub unit: String,
    /// When it is due (YYYY-MM-DD).
    pub deadline: String,
    /// Its progress per month with accepted data, oldest first.
    pub progress: Vec<ProgressDoc>,
}

/// A target at a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressDoc {
    /// The month (`2023-06`).
    pub period: String,
    /// The accepted cumulative value (or level); `None` for a stage or before any data.
    pub value: Option<String>,
    /// Completion 0–1.
    pub completion: Option<String>,
    /// The status code (`done`, `on_track`, `lagging`, `at_risk`, `awaiting_review`,
    /// `not_reported`).
    pub status: Option<String>,
    /// The status as the portal says it.
    pub status_zh: Option<String>,
    /// Its regional shares.
    pub regions: Vec<ShareDoc>,
}

/// A region's share of a target at a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareDoc {
    /// The region.
    pub region: String,
    /// Its quota (`None` for a stage).
    pub quota: Option<String>,
    /// Its accepted value (`None` for a stage).
    pub value: Option<String>,
    /// Completion 0–1.
    pub completion: String,
    /// The status code.
    pub status: String,
    /// The status as the portal says it.
    pub status_zh: String,
}

/// A prefecture's completion at a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionDoc {
    /// The month.
    pub period: String,
    /// The region.
    pub region: String,
    /// Its mean completion over its shares of the plan.
    pub completion: Option<String>,
    /// Its mean completion per section, in the order of [`Doc::sections`].
    pub sections: Vec<Option<String>>,
}

/// A public bulletin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulletinDoc {
    /// Its id.
    pub id: i64,
    /// 第N期通报(文号).
    pub name: String,
    /// Its 文号.
    pub doc_no: Option<String>,
    /// The month it reports on.
    pub period: String,
    /// When it was issued (RFC 3339).
    pub issued: Option<String>,
    /// Its public page (a path on the site).
    pub url: String,
}

fn dec(d: Decimal) -> String {
    number(d)
}

fn pct(d: Decimal) -> String {
    number(completion(d))
}

fn status(s: Status) -> (String, String) {
    (s.code().to_string(), portal::status_zh(s).to_string())
}

/// The export as a [`Doc`].
pub fn doc(open: &OpenPlan) -> Doc {
    let s = &open.latest.summary;
    // Each target's progress, month by month.
    let mut progress: HashMap<TargetId, Vec<ProgressDoc>> = HashMap::new();
    for p in &open.periods {
        let Some(period) = p.period else { continue };
        for t in p
            .sections
            .iter()
            .flat_map(|s| &s.commitments)
            .flat_map(|c| &c.targets)
        {
            let stage = t.kind == TargetKind::Stage;
            let st = t.status.map(status);
            progress.entry(t.id).or_default().push(ProgressDoc {
                period: period.to_string(),
                value: t.value.filter(|_| !stage).map(dec),
                completion: t.completion.map(pct),
                status: st.as_ref().map(|x| x.0.clone()),
                status_zh: st.map(|x| x.1),
                regions: t
                    .regions
                    .iter()
                    .map(|r| {
                        let (status, status_zh) = status(r.status);
                        ShareDoc {
                            region: r.region.clone(),
                            quota: r.quota.filter(|_| !stage).map(dec),
                            value: (!stage).then(|| dec(r.value)),
                            completion: pct(r.completion),
                            status,
                            status_zh,
                        }
                    })
                    .collect(),
            });
        }
    }
    let commitments = open
        .sections()
        .iter()
        .flat_map(|s| s.commitments.iter().map(move |c| (s.no, c)))
        .map(|(section_no, c)| CommitmentDoc {
            section_no,
            no: c.no,
            text: c.text.clone(),
            leads: c.leads.clone(),
            targets: c
                .targets
                .iter()
                .map(|t| TargetDoc {
                    id: t.id.0,
                    kind: t.kind.code().into(),
                    phrase: t.phrase.clone(),
                    cmp: t.cmp.code().into(),
                    value: (t.kind == TargetKind::Quantity).then(|| dec(t.quantity.value)),
                    unit: match t.kind {
                        TargetKind::Quantity => t.quantity.unit.clone(),
                        TargetKind::Stage => String::new(),
                    },
                    deadline: t.deadline.to_string(),
                    progress: progress.remove(&t.id).unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    Doc {
        v: VERSION,
        plan: PlanDoc {
            id: s.id.0,
            year: s.year,
            title: s.title.clone(),
            owner: s.owner.clone(),
            kind: s.kind.code().into(),
            url: open.page_path(),
        },
        as_of: open.latest.today.to_string(),
        periods: open
            .periods
            .iter()
            .filter_map(|p| p.period.map(|p| p.to_string()))
            .collect(),
        sections: open
            .sections()
            .iter()
            .map(|s| SectionDoc {
                no: s.no,
                title: s.title.clone(),
            })
            .collect(),
        commitments,
        regions: open.periods.iter().flat_map(regions).collect(),
        bulletins: open
            .bulletins
            .iter()
            .map(|b| BulletinDoc {
                id: b.id.0,
                name: b.name_zh(),
                doc_no: b.doc_no.clone(),
                period: b.period.to_string(),
                issued: b.issued.as_ref().map(|(_, at)| at.to_string()),
                url: format!("/public/bulletins/{}", b.id),
            })
            .collect(),
    }
}

fn regions(p: &PublicPlan) -> Vec<RegionDoc> {
    let Some(period) = p.period else {
        return Vec::new();
    };
    p.regions
        .iter()
        .map(|r| RegionDoc {
            period: period.to_string(),
            region: r.name.clone(),
            completion: r.completion.map(pct),
            sections: r.sections.iter().map(|s| s.map(pct)).collect(),
        })
        .collect()
}

/// The export as JSON bytes (pretty-printed, UTF-8).
pub fn write(open: &OpenPlan) -> Result<Vec<u8>, String> {
    let mut out = serde_json::to_vec_pretty(&doc(open)).map_err(|e| format!("JSON: {e}"))?;
    out.push(b'\n');
    Ok(out)
}
