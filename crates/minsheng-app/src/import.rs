//! Plan intake: a document's text, read by the extractor, becomes a plan in the store.

use crate::error::AppError;
use jiff::civil::{Date, date};
use minsheng_domain::{
    Accrual, Actor, Cmp, ItemId, PlanId, PlanKind, PlanStatus, Quantity, TargetId, TargetKind,
    TargetSpan, UnitId,
};
use minsheng_extract::{Cmp as XCmp, Extraction};
use minsheng_store::{NewItem, NewPlan, NewSection, NewTarget, Store, Tx};
use tracing::info;

/// How to file an imported plan.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The unit that owns the plan.
    pub owner: UnitId,
    /// What it lists.
    pub kind: PlanKind,
    /// Draft (to be confirmed by a person) or already confirmed.
    pub status: PlanStatus,
    /// The year to use when the text does not state one.
    pub default_year: Option<i16>,
}

/// What an import produced.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The new plan.
    pub plan: PlanId,
    /// Sections, items and targets written.
    pub sections: usize,
    /// Items written.
    pub items: usize,
    /// Qualitative items among them (each with one stage target).
    pub qualitative: usize,
    /// Targets written.
    pub targets: usize,
    /// The items written, with their targets, in document order.
    pub written: Vec<WrittenItem>,
    /// What the extractor read, with the diagnostics a person should look at.
    pub extraction: Extraction,
}

/// An item as written, with the ids of its targets.
#[derive(Debug, Clone)]
pub struct WrittenItem {
    /// The item's id.
    pub id: ItemId,
    /// Its text.
    pub text: String,
    /// Its targets' ids, quantities, kinds (a qualitative item has one stage target) and
    /// whether each is divided (a count) or held everywhere (a level: a rate, a standard).
    pub targets: Vec<(TargetId, Quantity, TargetKind, Accrual)>,
}

/// Reads `text` with the extractor and stores the result as one plan, in one transaction.
pub async fn import_plan(
    store: &Store,
    actor: &Actor,
    text: &str,
    opts: &ImportOptions,
) -> Result<Imported, AppError> {
    let extraction = minsheng_extract::extract(text);
    let mut tx = store.begin(actor).await?;
    let imported = write_plan(&mut tx, text, extraction, opts).await?;
    tx.commit().await?;
    info!(
        plan.id = %imported.plan,
        "Imported plan {} with {} items and {} targets",
        imported.plan, imported.items, imported.targets
    );
    Ok(imported)
}

/// A plan as it is to be written: the extraction as read (see [`PlanDraft::from_extraction`])
/// or as the office corrected it in the editor.
#[derive(Debug, Clone)]
pub struct PlanDraft {
    /// The title (the year's 民生实事 when the text states none).
    pub title: Option<String>,
    /// The year.
    pub year: i16,
    /// Sections the document claims to have.
    pub declared_sections: Option<u32>,
    /// Items the document claims to have.
    pub declared_items: Option<u32>,
    /// The sections, in order.
    pub sections: Vec<SectionDraft>,
}

/// A section to write.
#[derive(Debug, Clone)]
pub struct SectionDraft {
    /// Its printed ordinal.
    pub no: u32,
    /// Its heading.
    pub title: Option<String>,
    /// The "(N项)" count.
    pub declared_items: Option<u32>,
    /// Its items, in order.
    pub items: Vec<ItemDraft>,
}

/// An item to write.
#[derive(Debug, Clone)]
pub struct ItemDraft {
    /// Its printed number.
    pub no: u32,
    /// Its text.
    pub text: String,
    /// The responsible units named, lead first.
    pub leads: Vec<String>,
    /// Where it stands in the text, if it does.
    pub span: Option<TargetSpan>,
    /// Its targets, in order; none makes it a qualitative item (one stage target).
    pub targets: Vec<TargetDraft>,
}

/// A target to write.
#[derive(Debug, Clone)]
pub struct TargetDraft {
    /// Value and unit.
    pub quantity: Quantity,
    /// How progress is held against it.
    pub cmp: Cmp,
    /// The clause that states it.
    pub phrase: String,
    /// Where the phrase stands in the text, if it does.
    pub span: Option<TargetSpan>,
    /// Whether the value is implied by wording.
    pub implicit: bool,
    /// Whether it is a change rather than a level.
    pub delta: bool,
    /// When it is due.
    pub deadline: Date,
    /// Held as a level everywhere rather than divided, when the text says so (a standard in
    /// an additive unit, 户均800元); `None` for what the quantity implies.
    pub accrual_set: Option<Accrual>,
}

impl PlanDraft {
    /// The extraction as read, every target due at the end of `year`.
    pub fn from_extraction(x: &Extraction, year: i16) -> PlanDraft {
        let deadline = date(year, 12, 31);
        PlanDraft {
            title: x.title.clone(),
            year,
            declared_sections: x.declared.sections,
            declared_items: x.declared.items,
            sections: x
                .sections
                .iter()
                .map(|s| SectionDraft {
                    no: s.no,
                    title: s.title.clone(),
                    declared_items: s.declared_items,
                    items: s
                        .items
                        .iter()
                        .map(|it| ItemDraft {
                            no: it.no,
                            text: it.text.clone(),
                            leads: it.leads.clone(),
                            span: Some(span(it.span)),
                            targets: it
                                .targets
                                .iter()
                                .map(|t| TargetDraft {
                                    quantity: Quantity::new(t.value, t.unit.clone()),
                                    cmp: cmp(t.cmp),
                                    phrase: t.phrase.clone(),
                                    span: Some(span(t.span)),
                                    implicit: t.implicit,
                                    delta: t.delta,
                                    deadline,
                                    // A standard in an additive unit (户均800元) is held
                                    // everywhere, not divided.
                                    accrual_set: t.standard.then_some(Accrual::Level),
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// What [`write_draft`] wrote.
#[derive(Debug, Clone)]
pub struct WrittenPlan {
    /// The new plan.
    pub plan: PlanId,
    /// Each section's items as written, in the draft's order.
    pub sections: Vec<Vec<WrittenItem>>,
    /// Qualitative items among them (each with one stage target).
    pub qualitative: usize,
    /// Quantified targets written.
    pub targets: usize,
}

/// Writes an extraction as a plan inside an open transaction (the demo builds on this).
pub async fn write_plan(
    tx: &mut Tx,
    text: &str,
    extraction: Extraction,
    opts: &ImportOptions,
) -> Result<Imported, AppError> {
    let year = extraction
        .year
        .and_then(|y| i16::try_from(y).ok())
        .or(opts.default_year)
        .ok_or_else(|| AppError::Invalid {
            field: "year".into(),
            reason: "文中未写明计划年度,请指定年度 / the text states no year; give one".into(),
        })?;
    let draft = PlanDraft::from_extraction(&extraction, year);
    let w = write_draft(tx, text, &draft, opts).await?;
    Ok(Imported {
        plan: w.plan,
        sections: w.sections.len(),
        items: w.sections.iter().map(Vec::len).sum(),
        qualitative: w.qualitative,
        targets: w.targets,
        written: w.sections.into_iter().flatten().collect(),
        extraction,
    })
}

/// Writes a draft as a plan inside an open transaction, every row audited. Refuses a draft
/// without items.
pub async fn write_draft(
    tx: &mut Tx,
    text: &str,
    draft: &PlanDraft,
    opts: &ImportOptions,
) -> Result<WrittenPlan, AppError> {
    let year = draft.year;
    if draft.sections.iter().all(|s| s.items.is_empty()) {
        return Err(AppError::Invalid {
            field: "text".into(),
            reason: "未从文中识别出任何编号事项 / no numbered items were found in the text".into(),
        });
    }
    let title = draft
        .title
        .clone()
        .unwrap_or_else(|| format!("{year}年民生实事"));
    let plan = tx
        .insert_plan(&NewPlan {
            year,
            title,
            owner: opts.owner,
            kind: opts.kind,
            status: opts.status,
            source_text: text.to_string(),
            declared_sections: draft.declared_sections,
            declared_items: draft.declared_items,
        })
        .await?;
    let deadline = date(year, 12, 31);
    let (mut sections, mut targets, mut qualitative) = (Vec::new(), 0, 0);
    for (si, s) in draft.sections.iter().enumerate() {
        let section = tx
            .insert_section(&NewSection {
                plan,
                position: position(si),
                no: s.no,
                title: s.title.clone(),
                declared_items: s.declared_items,
            })
            .await?;
        let mut written = Vec::new();
        for (ii, it) in s.items.iter().enumerate() {
            let item = tx
                .insert_item(&NewItem {
                    section,
                    position: position(ii),
                    no: it.no,
                    text: it.text.clone(),
                    leads: it.leads.clone(),
                    span: it.span,
                })
                .await?;
            let mut item_targets = Vec::new();
            for (ti, t) in it.targets.iter().enumerate() {
                let id = tx
                    .insert_target(&NewTarget {
                        item,
                        seq: position(ti),
                        quantity: t.quantity.clone(),
                        cmp: t.cmp,
                        phrase: t.phrase.clone(),
                        span: t.span,
                        implicit: t.implicit,
                        delta: t.delta,
                        deadline: t.deadline,
                        baseline: None,
                        kind: TargetKind::Quantity,
                        accrual_set: t.accrual_set,
                    })
                    .await?;
                let accrual = t.accrual_set.unwrap_or_else(|| Accrual::of(&t.quantity));
                item_targets.push((id, t.quantity.clone(), TargetKind::Quantity, accrual));
                targets += 1;
            }
            if it.targets.is_empty() {
                // A qualitative item: one stage target, reported as 未启动 / 推进中 / 已完成.
                let quantity = Quantity::new(rust_decimal::Decimal::ONE, "");
                let id = tx
                    .insert_target(&NewTarget {
                        item,
                        seq: 1,
                        quantity: quantity.clone(),
                        cmp: Cmp::Eq,
                        phrase: it.text.clone(),
                        span: it.span,
                        implicit: true,
                        delta: false,
                        deadline,
                        baseline: None,
                        kind: TargetKind::Stage,
                        accrual_set: None,
                    })
                    .await?;
                item_targets.push((id, quantity, TargetKind::Stage, Accrual::Level));
                qualitative += 1;
            }
            written.push(WrittenItem {
                id: item,
                text: it.text.clone(),
                targets: item_targets,
            });
        }
        sections.push(written);
    }
    Ok(WrittenPlan {
        plan,
        sections,
        qualitative,
        targets,
    })
}

fn position(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

fn span(s: minsheng_extract::Span) -> TargetSpan {
    TargetSpan {
        start: s.start,
        end: s.end,
    }
}

/// The extractor's comparison, in the domain's terms.
pub fn cmp(c: XCmp) -> minsheng_domain::Cmp {
    match c {
        XCmp::Ge => minsheng_domain::Cmp::Ge,
        XCmp::Le => minsheng_domain::Cmp::Le,
        XCmp::Approx => minsheng_domain::Cmp::Approx,
        XCmp::Eq => minsheng_domain::Cmp::Eq,
    }
}
