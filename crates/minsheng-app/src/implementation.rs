//! Implementation plans (实施方案) as the signed-in account sees and files them: the unit
//! holding a share writes, saves and submits its plan and attaches the plan document; the
//! office approves or returns it; everyone who sees the unit reads it; the office sees, per
//! plan, who has filed and who has not. Every permission is checked here, so the pages and any
//! other caller share one set of checks; every rule of a plan's content is the domain's
//! ([`minsheng_domain::implementation`]).
//!
//! Approving a plan writes its schedule as the share's schedule in the same transaction: the
//! approved schedule replaces 序时进度 for that share (a plan without points or milestones
//! keeps it linear).

use crate::accounts::{ensure, ensure_can_report_for, ensure_can_see};
use crate::error::AppError;
use crate::reporting::{Decision, MAX_EVIDENCE_BYTES, evidence_type};
use minsheng_domain::implementation::{SubUnits, check_content};
use minsheng_domain::text::{TextField, check_length};
use minsheng_domain::unit::UnitTree;
use minsheng_domain::{
    Account, Action, Actor, AssignmentId, FundSource, Goal, ImplementationContent,
    ImplementationPlan, ImplementationPlanId, ImplementationStatus, OrgUnit, PlanDocument, PlanId,
    UnitId,
};
use minsheng_store::{PlacedAssignment, Store, StoreError};
use rust_decimal::Decimal;

fn invalid(field: &str, reason: impl Into<String>) -> AppError {
    AppError::Invalid {
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// A share with its implementation plan's revisions, as its pages show it.
#[derive(Debug, Clone)]
pub struct PlanFile {
    /// The share, in its place in the plan.
    pub placed: PlacedAssignment,
    /// The unit holding it.
    pub unit: OrgUnit,
    /// The units directly under it, which its plan may split the share over.
    pub sub_units: Vec<OrgUnit>,
    /// What the share is held to.
    pub goal: Goal,
    /// Every revision, oldest first.
    pub revisions: Vec<ImplementationPlan>,
}

impl PlanFile {
    /// The newest revision.
    pub fn latest(&self) -> Option<&ImplementationPlan> {
        self.revisions.last()
    }

    /// The revision in force: the newest approved one.
    pub fn in_force(&self) -> Option<&ImplementationPlan> {
        self.revisions
            .iter()
            .rev()
            .find(|p| p.status == ImplementationStatus::Approved)
    }

    /// Whether the unit can write now: nothing filed yet, a draft, or a revision returned or
    /// approved (a new revision follows it). Not while one awaits approval.
    pub fn editable(&self) -> bool {
        self.latest()
            .is_none_or(|p| p.status != ImplementationStatus::Submitted)
    }

    /// The draft being written, if any.
    pub fn draft(&self) -> Option<&ImplementationPlan> {
        self.latest()
            .filter(|p| p.status == ImplementationStatus::Draft)
    }

    /// A sub-unit's name.
    pub fn sub_unit_name(&self, id: UnitId) -> String {
        self.sub_units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| id.to_string())
    }
}

async fn file_of(
    store: &Store,
    tree: &UnitTree,
    assignment: AssignmentId,
) -> Result<PlanFile, AppError> {
    let placed = store.placed_assignment(assignment).await?;
    let revisions = store.implementation_plans_of_assignment(assignment).await?;
    file_in(tree, placed, revisions)
}

fn file_in(
    tree: &UnitTree,
    placed: PlacedAssignment,
    revisions: Vec<ImplementationPlan>,
) -> Result<PlanFile, AppError> {
    let unit = tree
        .get(placed.assignment.unit)
        .cloned()
        .ok_or(AppError::NotFound {
            what: "unit",
            id: placed.assignment.unit.0,
        })?;
    let sub_units = tree.children(unit.id).cloned().collect();
    let goal = Goal::for_assignment(&placed.target, &placed.assignment);
    Ok(PlanFile {
        placed,
        unit,
        sub_units,
        goal,
        revisions,
    })
}

/// The plan of a share the account files for (the unit holding it, or a unit above it).
pub async fn form(
    store: &Store,
    account: &Account,
    assignment: AssignmentId,
) -> Result<PlanFile, AppError> {
    ensure(account, Action::FileImplementationPlan)?;
    let tree = store.unit_tree().await?;
    let placed = store.placed_assignment(assignment).await?;
    ensure_can_report_for(account, &tree, placed.assignment.unit)?;
    let revisions = store.implementation_plans_of_assignment(assignment).await?;
    file_in(&tree, placed, revisions)
}

/// A share's plan file as anyone who sees the unit reads it.
pub async fn view(
    store: &Store,
    account: &Account,
    assignment: AssignmentId,
) -> Result<PlanFile, AppError> {
    ensure(account, Action::ViewReports)?;
    let tree = store.unit_tree().await?;
    let file = file_of(store, &tree, assignment).await?;
    ensure_can_see(account, &tree, file.unit.id)?;
    Ok(file)
}

/// The share a revision belongs to, as [`view`] reads it.
pub async fn view_of(
    store: &Store,
    account: &Account,
    plan: ImplementationPlanId,
) -> Result<PlanFile, AppError> {
    let p = store.implementation_plan(plan).await?;
    view(store, account, p.assignment).await
}

/// Whether a save keeps a draft or submits it for approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveAs {
    /// Keep it as a draft.
    Draft,
    /// Submit it to the office.
    Submitted,
}

/// Saves the account's plan for a share: rewrites the draft, or starts a new revision after
/// a return or an approval (copying nothing: the page sends the whole plan); submits it when
/// asked. Checked first against the domain's rule; one transaction, audited; refused while a
/// revision awaits approval. Returns the revision written.
pub async fn save(
    store: &Store,
    account: &Account,
    assignment: AssignmentId,
    content: &ImplementationContent,
    save_as: SaveAs,
) -> Result<ImplementationPlanId, AppError> {
    let file = form(store, account, assignment).await?;
    let under: Vec<(UnitId, String)> = file
        .sub_units
        .iter()
        .map(|u| (u.id, u.name.clone()))
        .collect();
    check_content(
        content,
        &file.placed.target,
        &file.goal,
        SubUnits {
            owner: &file.unit.name,
            under: &under,
        },
    )
    .map_err(|e| invalid(e.field(), e.to_string()))?;
    let (st, actor, content) = (store.clone(), Actor::new(&account.name), content.clone());
    store
        .writing(async move { save_in(&st, &actor, assignment, &content, save_as).await })
        .await
}

async fn save_in(
    store: &Store,
    actor: &Actor,
    assignment: AssignmentId,
    content: &ImplementationContent,
    save_as: SaveAs,
) -> Result<ImplementationPlanId, AppError> {
    let mut tx = store.begin(actor).await?;
    tx.lock_assignment(assignment).await?;
    let revisions = tx.implementation_plans_of_assignment(assignment).await?;
    let id = match revisions.last() {
        Some(p) if p.status == ImplementationStatus::Submitted => {
            return Err(awaiting(p));
        }
        Some(p) if p.status == ImplementationStatus::Draft => {
            tx.update_implementation_draft(p.id, content)
                .await
                .map_err(|e| conflict_or(e, p))?;
            p.id
        }
        latest => {
            let revision = latest.map_or(1, |p| p.revision + 1);
            tx.insert_implementation_plan(
                assignment,
                revision,
                ImplementationStatus::Draft,
                content,
            )
            .await
            .map_err(|e| match e {
                StoreError::Conflict { .. } => AppError::Conflict {
                    reason: "该任务的实施方案刚由他人保存,请刷新后再改 / someone else has just saved this share's plan: reload and try again".into(),
                },
                e => e.into(),
            })?
        }
    };
    if save_as == SaveAs::Submitted {
        tx.set_implementation_status(
            id,
            ImplementationStatus::Draft,
            ImplementationStatus::Submitted,
            None,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

fn awaiting(p: &ImplementationPlan) -> AppError {
    AppError::Conflict {
        reason: format!(
            "实施方案第{}版已报送,正在等待审核,不能修改 / revision {} of the plan awaits approval and cannot be changed",
            p.revision, p.revision
        ),
    }
}

fn conflict_or(e: StoreError, p: &ImplementationPlan) -> AppError {
    match e {
        StoreError::Conflict { found, .. } => AppError::Conflict {
            reason: format!(
                "实施方案第{}版已不是草稿(当前:{}),未作改动 / revision {} is no longer a draft (it is {found}); nothing was changed",
                p.revision,
                ImplementationStatus::from_code(&found).map_or(found.as_str(), |s| s.label_zh()),
                p.revision
            ),
        },
        e => e.into(),
    }
}

/// Attaches the plan document (实施方案文件) to the account's draft, replacing any before it.
/// The kinds and size of evidence files are accepted; the name's extension decides the type.
pub async fn attach(
    store: &Store,
    account: &Account,
    plan: ImplementationPlanId,
    file_name: &str,
    content: &[u8],
) -> Result<(), AppError> {
    let p = store.implementation_plan(plan).await?;
    let file = form(store, account, p.assignment).await?;
    let name = file_name.trim();
    check_length(TextField::FileName, name).map_err(|e| invalid("document", e.to_string()))?;
    if name.is_empty() || name.contains(['/', '\\']) || name.chars().any(char::is_control) {
        return Err(invalid(
            "document",
            format!("文件名“{name}”无效 / the file name '{name}' is not valid"),
        ));
    }
    if content.is_empty() || content.len() > MAX_EVIDENCE_BYTES {
        return Err(invalid(
            "document",
            format!(
                "文件大小须在 1 字节到 20 MiB 之间(收到 {} 字节) / the file must be 1 byte to 20 MiB (got {})",
                content.len(),
                content.len()
            ),
        ));
    }
    let Some(content_type) = evidence_type(name) else {
        return Err(invalid(
            "document",
            format!(
                "不接受“{name}”这类文件;可上传 PDF、OFD、Word、WPS、Excel 等文档 / files like '{name}' are not accepted: upload PDF, OFD, Word, WPS or Excel documents"
            ),
        ));
    };
    if file.draft().map(|d| d.id) != Some(plan) {
        return Err(invalid(
            "document",
            "只能为尚未报送的草稿上传方案文件 / a document goes with a draft that has not been submitted",
        ));
    }
    let (st, actor, name, bytes) = (
        store.clone(),
        Actor::new(&account.name),
        name.to_string(),
        content.to_vec(),
    );
    store
        .writing(async move {
            let mut tx = st.begin(&actor).await?;
            tx.attach_plan_document(plan, &name, content_type, &bytes)
                .await?;
            tx.commit().await?;
            Ok::<(), AppError>(())
        })
        .await
}

/// The plan document of a revision, for anyone who sees the unit.
pub async fn document(
    store: &Store,
    account: &Account,
    plan: ImplementationPlanId,
) -> Result<(PlanDocument, Vec<u8>), AppError> {
    view_of(store, account, plan).await?;
    store
        .implementation_plan_document(plan)
        .await?
        .ok_or(AppError::NotFound {
            what: "plan document",
            id: plan.0,
        })
}

/// Approves a submitted plan, writing its schedule as the share's (the same transaction), or
/// returns it with a reason. A plan someone else reviewed first is a conflict naming how it
/// stands; nothing is changed twice.
pub async fn review(
    store: &Store,
    account: &Account,
    plan: ImplementationPlanId,
    decision: &Decision,
) -> Result<(), AppError> {
    ensure(account, Action::ApproveImplementationPlan)?;
    let file = view_of(store, account, plan).await?;
    if let Decision::Return(reason) = decision {
        if reason.trim().is_empty() {
            return Err(invalid(
                "reason",
                "退回须说明理由 / a return needs a reason",
            ));
        }
        check_length(TextField::ReturnReason, reason.trim())
            .map_err(|e| invalid("reason", e.to_string()))?;
    }
    let (st, actor, decision) = (store.clone(), Actor::new(&account.name), decision.clone());
    let assignment = file.placed.assignment.id;
    store
        .writing(async move {
            let mut tx = st.begin(&actor).await?;
            tx.lock_assignment(assignment).await?;
            let (to, reason) = match &decision {
                Decision::Accept => (ImplementationStatus::Approved, None),
                Decision::Return(r) => (ImplementationStatus::Returned, Some(r.trim())),
            };
            let moved = match tx
                .set_implementation_status(plan, ImplementationStatus::Submitted, to, reason)
                .await
            {
                Ok(p) => p,
                Err(StoreError::Conflict { found, .. }) => {
                    let now = ImplementationStatus::from_code(&found)
                        .unwrap_or(ImplementationStatus::Approved);
                    return Err(AppError::Conflict {
                        reason: format!(
                            "实施方案 {plan} 当前为“{}”,只有待审核的方案可以批准或退回,未作改动 / plan {plan} is {}: only a plan awaiting approval can be approved or returned; nothing was changed",
                            now.label_zh(),
                            now.label_en()
                        ),
                    });
                }
                Err(e) => return Err(e.into()),
            };
            if moved.status == ImplementationStatus::Approved {
                tx.set_schedule(assignment, &moved.content.points).await?;
                tx.set_milestones(assignment, &moved.content.milestones)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await
}

/// The implementation plan state of each of the account's shares that has one: its newest
/// revision's status, and whether an approved revision is in force (the workspace's column).
pub async fn states(
    store: &Store,
    account: &Account,
    assignments: &[AssignmentId],
) -> Result<std::collections::HashMap<AssignmentId, (ImplementationStatus, bool)>, AppError> {
    ensure(account, Action::FileImplementationPlan)?;
    Ok(store.implementation_states(assignments).await?)
}

/// One share of a plan with how far its implementation plan has come.
#[derive(Debug, Clone)]
pub struct FilingRow {
    /// The share, in its place in the plan.
    pub placed: PlacedAssignment,
    /// The unit holding it.
    pub unit: String,
    /// Its newest revision, if any.
    pub latest: Option<ImplementationPlan>,
    /// Whether an approved revision is in force.
    pub approved: bool,
}

/// A plan's shares and their implementation plans: who has filed and who has not.
#[derive(Debug, Clone)]
pub struct Filings {
    /// The plan.
    pub plan: minsheng_domain::Plan,
    /// Every share, by section, item and target, lead first.
    pub rows: Vec<FilingRow>,
    /// The funds of the plans in force, by source, in 元.
    pub funds: Vec<(FundSource, Decimal)>,
}

impl Filings {
    /// How many shares have no revision at all.
    pub fn not_filed(&self) -> usize {
        self.rows.iter().filter(|r| r.latest.is_none()).count()
    }

    /// How many shares' newest revision is in `status`.
    pub fn count(&self, status: ImplementationStatus) -> usize {
        self.rows
            .iter()
            .filter(|r| r.latest.as_ref().is_some_and(|p| p.status == status))
            .count()
    }
}

/// Who has filed an implementation plan for a plan's shares, for the office (and leaders who
/// see every unit).
pub async fn filings(store: &Store, account: &Account, plan: PlanId) -> Result<Filings, AppError> {
    ensure(account, Action::ViewDashboard)?;
    let tree = store.unit_tree().await?;
    let p = store.plan(plan).await?;
    let mut placed = store.placed_assignments_of_plan(plan).await?;
    placed.retain(|pa| account.can_see(&tree, pa.assignment.unit));
    let revisions = store.implementation_plans_of_plan(plan).await?;
    let mut by_share: std::collections::HashMap<AssignmentId, Vec<ImplementationPlan>> =
        std::collections::HashMap::new();
    for r in revisions {
        by_share.entry(r.assignment).or_default().push(r);
    }
    let mut funds: Vec<(FundSource, Decimal)> = FundSource::ALL
        .iter()
        .map(|&s| (s, Decimal::ZERO))
        .collect();
    let rows = placed
        .into_iter()
        .map(|pa| {
            let revs = by_share.remove(&pa.assignment.id).unwrap_or_default();
            let in_force = revs
                .iter()
                .rev()
                .find(|r| r.status == ImplementationStatus::Approved);
            if let Some(f) = in_force {
                for fund in &f.content.funds {
                    if let Some(slot) = funds.iter_mut().find(|(s, _)| *s == fund.source) {
                        slot.1 = slot.1.saturating_add(fund.amount);
                    }
                }
            }
            FilingRow {
                unit: tree
                    .get(pa.assignment.unit)
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                approved: in_force.is_some(),
                latest: revs.last().cloned(),
                placed: pa,
            }
        })
        .collect();
    Ok(Filings {
        plan: p,
        rows,
        funds,
    })
}
