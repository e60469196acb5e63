//! The JSON shapes of reporting (上报) and review (审核): a unit's workspace, the report form,
//! reports with their revisions, the review queue and evidence files.

use super::{PlanDto, TargetDto, UnitRefDto, dec};
use minsheng_app::reporting::split_correction;
use minsheng_app::workspace::{
    Line, PlacedAssignment, QueueEntry, ReportForm, ReportView, Returned, ReviewQueue, Revision,
    Workspace,
};
use minsheng_domain::{Evidence, Report, ReportStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An assignment with its place in the plan: what a report is filed against.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlacedAssignmentDto {
    /// Its id.
    pub id: i64,
    /// The unit that carries it (the account's own unit or one below it).
    pub unit: UnitRefDto,
    /// `lead` or `partner`.
    pub role: &'static str,
    /// The unit's share of the target, as an exact decimal string; `null` when the unit
    /// answers for the whole target or the target is a level that holds everywhere.
    pub quota: Option<String>,
    /// The plan.
    pub plan_id: i64,
    /// The plan's year: the only year it is reported for.
    pub year: i16,
    /// Its section's ordinal.
    pub section_no: u32,
    /// Its item's number.
    pub item_no: u32,
    /// The target.
    pub target: TargetDto,
}

impl PlacedAssignmentDto {
    /// `p`, held by the unit named `unit`.
    pub fn new(p: &PlacedAssignment, unit: &str) -> PlacedAssignmentDto {
        PlacedAssignmentDto {
            id: p.assignment.id.0,
            unit: UnitRefDto {
                id: p.assignment.unit.0,
                name: unit.to_string(),
            },
            role: p.assignment.role.code(),
            quota: p.assignment.quota.map(dec),
            plan_id: p.plan.0,
            year: p.year,
            section_no: p.section_no,
            item_no: p.item_no,
            target: TargetDto::from(&p.target),
        }
    }
}

/// One revision of a report (每次报送或草稿).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDto {
    /// Its id.
    pub id: i64,
    /// The assignment it reports on.
    pub assignment_id: i64,
    /// The month it answers for.
    #[schema(example = "2023-09")]
    pub period: String,
    /// 1 for the first filing, one more for each refiling after a return.
    pub revision: u32,
    /// `draft`, `submitted`, `returned` or `accepted`.
    pub status: &'static str,
    /// The cumulative value since 1 January (a count) or the current level (a rate), in the
    /// target's unit, as an exact decimal string; `null` for a qualitative item.
    #[schema(example = "230000")]
    pub value: Option<String>,
    /// The stage, for a qualitative item: `not_started`, `in_progress` or `done`.
    pub stage: Option<&'static str>,
    /// Funds spent so far, in 元, as an exact decimal string.
    pub spent: Option<String>,
    /// What was done, in the unit's words.
    pub narrative: String,
    /// The correction statement, when the value corrects an accepted one.
    pub correction: Option<String>,
    /// Why the office returned it.
    pub return_reason: Option<String>,
    /// The account that filed it.
    pub filed_by: String,
    /// When it was last saved or filed.
    pub filed_at: String,
    /// The account that reviewed it.
    pub reviewed_by: Option<String>,
    /// When.
    pub reviewed_at: Option<String>,
}

impl From<&Report> for ReportDto {
    fn from(r: &Report) -> Self {
        let (narrative, correction) = split_correction(&r.narrative);
        ReportDto {
            id: r.id.0,
            assignment_id: r.assignment.0,
            period: r.period.to_string(),
            revision: r.revision,
            status: r.status.code(),
            value: r.cumulative.map(dec),
            stage: r.stage.map(|s| s.code()),
            spent: r.funds_spent.map(dec),
            narrative: narrative.to_string(),
            correction: correction.map(str::to_string),
            return_reason: r.return_reason.clone(),
            filed_by: r.filed_by.clone(),
            filed_at: r.filed_at.to_string(),
            reviewed_by: r.reviewed_by.clone(),
            reviewed_at: r.reviewed_at.map(|t| t.to_string()),
        }
    }
}

/// An evidence file (佐证材料): what it is, not its bytes. The bytes are served by the page
/// route `GET /evidence/{id}` (the link in `href`), with the session cookie, to whoever may
/// see the report's unit (403 otherwise), as an attachment of the type named here.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceDto {
    /// Its id.
    pub id: i64,
    /// The report revision it supports.
    pub report_id: i64,
    /// The file's name as uploaded.
    pub file_name: String,
    /// The media type it is kept and served as (by its extension, not as claimed).
    #[schema(example = "application/pdf")]
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// The account that attached it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: String,
    /// Where to download it: `/evidence/{id}`, permission-checked like the report.
    #[schema(example = "/evidence/7")]
    pub href: String,
}

impl From<&Evidence> for EvidenceDto {
    fn from(e: &Evidence) -> Self {
        EvidenceDto {
            id: e.id.0,
            report_id: e.report.0,
            file_name: e.file_name.clone(),
            content_type: e.content_type.clone(),
            size: e.size,
            uploaded_by: e.uploaded_by.clone(),
            uploaded_at: e.uploaded_at.to_string(),
            href: format!("/evidence/{}", e.id),
        }
    }
}

/// A revision with its evidence files.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionDto {
    /// The revision.
    #[serde(flatten)]
    pub report: ReportDto,
    /// Its evidence files, oldest first; download each at its `href`.
    pub evidence: Vec<EvidenceDto>,
}

impl From<&Revision> for RevisionDto {
    fn from(r: &Revision) -> Self {
        RevisionDto {
            report: ReportDto::from(&r.report),
            evidence: r.evidence.iter().map(EvidenceDto::from).collect(),
        }
    }
}

/// A report with every revision filed for its assignment and month.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportViewDto {
    /// The revision asked for.
    pub report: RevisionDto,
    /// The plan.
    pub plan: PlanDto,
    /// What it reports on.
    pub assignment: PlacedAssignmentDto,
    /// Every revision of the assignment and month, oldest first, each with its evidence.
    pub revisions: Vec<RevisionDto>,
}

impl ReportViewDto {
    /// The revision `id` of the view, with its evidence.
    pub fn revision(v: &ReportView, id: minsheng_domain::ReportId) -> Option<RevisionDto> {
        v.revisions
            .iter()
            .find(|r| r.report.id == id)
            .map(RevisionDto::from)
    }
}

impl From<&ReportView> for ReportViewDto {
    fn from(v: &ReportView) -> Self {
        let evidence = v
            .revisions
            .iter()
            .find(|r| r.report.id == v.report.id)
            .map(|r| r.evidence.iter().map(EvidenceDto::from).collect())
            .unwrap_or_default();
        ReportViewDto {
            report: RevisionDto {
                report: ReportDto::from(&v.report),
                evidence,
            },
            plan: PlanDto::from(&v.plan),
            assignment: PlacedAssignmentDto::new(&v.placed, &v.unit.name),
            revisions: v.revisions.iter().map(RevisionDto::from).collect(),
        }
    }
}

/// The last accepted value of an earlier month that a cumulative count may not fall below
/// without a correction.
#[derive(Debug, Serialize, ToSchema)]
pub struct FloorDto {
    /// The month it was accepted for.
    #[schema(example = "2023-08")]
    pub period: String,
    /// The value, as an exact decimal string.
    pub value: String,
}

/// The report form of an assignment and month: what is filed or drafted so far and what may
/// be done now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportFormDto {
    /// What is reported on.
    pub assignment: PlacedAssignmentDto,
    /// The month.
    #[schema(example = "2023-09")]
    pub period: String,
    /// The month's revisions, oldest first; the last is the one that counts (or the draft).
    pub revisions: Vec<ReportDto>,
    /// The evidence files of the latest revision; download each at its `href`.
    pub evidence: Vec<EvidenceDto>,
    /// The value a cumulative count may not fall below without `correction`; `null` for a
    /// level or a stage, and before anything is accepted.
    pub floor: Option<FloorDto>,
    /// A draft or a submission may be made now: nothing filed yet, a draft, or a return to
    /// correct. Not while a report awaits review, nor once one is accepted (the month is
    /// locked).
    pub editable: bool,
    /// Evidence may be attached now, to the latest revision (a draft or one awaiting review).
    pub takes_evidence: bool,
}

impl From<&ReportForm> for ReportFormDto {
    fn from(f: &ReportForm) -> Self {
        ReportFormDto {
            assignment: PlacedAssignmentDto::new(&f.placed, &f.unit.name),
            period: f.period.to_string(),
            revisions: f.revisions.iter().map(ReportDto::from).collect(),
            evidence: f.evidence.iter().map(EvidenceDto::from).collect(),
            floor: f.floor_value().map(|(period, v)| FloorDto {
                period: period.to_string(),
                value: dec(v),
            }),
            editable: f.editable(),
            takes_evidence: f.takes_evidence(),
        }
    }
}

/// A report to save as a draft or submit for review. Numbers are strings as people type
/// them: `230000`, `23万`, `1,234.5`, `2.3亿`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportInputDto {
    /// The month reported for, within the plan's year and begun.
    #[schema(example = "2023-09")]
    pub period: String,
    /// The cumulative value since 1 January (a count) or the current level (a rate), in the
    /// target's unit. Required to submit, except for a qualitative item, which takes no
    /// value.
    #[serde(default)]
    #[schema(example = "230000")]
    pub value: Option<String>,
    /// For a qualitative item (target kind `stage`), required to submit: `not_started`,
    /// `in_progress` or `done`. Ignored for any other target.
    #[serde(default)]
    pub stage: Option<String>,
    /// Funds spent so far, in 元.
    #[serde(default)]
    pub spent: Option<String>,
    /// What was done; required with `correction`.
    #[serde(default)]
    pub narrative: String,
    /// The value is lower than the last accepted one on purpose: a correction, whose reason
    /// is the narrative.
    #[serde(default)]
    pub correction: bool,
    /// `draft` to keep it editable, `submit` to file it for review.
    #[schema(example = "submit")]
    pub action: String,
    /// For a report on a major project's investment: 形象进度, in the unit's words. Refused
    /// (field `progress`) on any other target.
    #[serde(default)]
    #[schema(example = "主体结构封顶,设备进场")]
    pub progress: String,
    /// For a project: a revised 总投资 in 亿元, when the unit states one (an investment above
    /// the recorded total is refused without it).
    #[serde(default)]
    pub revised_total: Option<String>,
    /// For a project: the milestones reached, each applied to the project once the report is
    /// accepted.
    #[serde(default)]
    pub milestones: Vec<MilestoneReachedDto>,
}

/// A project milestone reached, as a report states it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MilestoneReachedDto {
    /// `signed`, `started`, `registered`, `completed`, `production` or `full_production`.
    #[schema(example = "started")]
    pub kind: String,
    /// The day it was reached.
    #[schema(example = "2023-06-20")]
    pub date: String,
}

/// Why a report is returned.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReturnReportDto {
    /// The reason the unit will read; required.
    pub reason: String,
}

/// An evidence file to attach (multipart/form-data): documents (PDF, OFD, Word, WPS, Excel,
/// PowerPoint, TXT, CSV) or photos (JPG, PNG …), 1 byte to 20 MiB. The kind is read from the
/// file name's extension.
#[derive(Debug, ToSchema)]
#[expect(
    dead_code,
    reason = "describes the multipart body in the OpenAPI document; axum's Multipart reads it"
)]
pub struct EvidenceUploadDto {
    /// The file, with its name.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// One assignment in a unit's workspace, with where its month's report stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceLineDto {
    /// The assignment.
    pub assignment: PlacedAssignmentDto,
    /// `none` (nothing filed or drafted), `draft`, `submitted`, `returned` or `accepted`.
    pub status: &'static str,
    /// The latest revision filed or drafted for the month.
    pub report: Option<ReportDto>,
}

impl From<&Line> for WorkspaceLineDto {
    fn from(l: &Line) -> Self {
        WorkspaceLineDto {
            assignment: PlacedAssignmentDto::new(&l.placed, &l.unit),
            status: l.status().map_or("none", ReportStatus::code),
            report: l.latest.as_ref().map(ReportDto::from),
        }
    }
}

/// A returned report the unit has not filed again.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnedReportDto {
    /// The returned revision, with its `return_reason`.
    pub report: ReportDto,
    /// What it reports on.
    pub assignment: PlacedAssignmentDto,
}

impl From<&Returned> for ReturnedReportDto {
    fn from(r: &Returned) -> Self {
        ReturnedReportDto {
            report: ReportDto::from(&r.report),
            assignment: PlacedAssignmentDto::new(&r.placed, &r.unit),
        }
    }
}

/// A unit's workspace for a month. Its problems are at `GET /api/problems`.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceDto {
    /// The account's unit.
    pub unit: UnitRefDto,
    /// The month.
    #[schema(example = "2023-09")]
    pub period: String,
    /// The assignments of the unit and the units below it, of plans of the month's year, in
    /// plan order.
    pub assignments: Vec<WorkspaceLineDto>,
    /// Returned reports still to correct, of any month.
    pub returned: Vec<ReturnedReportDto>,
}

impl From<&Workspace> for WorkspaceDto {
    fn from(w: &Workspace) -> Self {
        WorkspaceDto {
            unit: UnitRefDto {
                id: w.unit.id.0,
                name: w.unit.name.clone(),
            },
            period: w.period.to_string(),
            assignments: w.lines.iter().map(WorkspaceLineDto::from).collect(),
            returned: w.returned.iter().map(ReturnedReportDto::from).collect(),
        }
    }
}

/// A report awaiting review.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuedReportDto {
    /// The submitted revision.
    pub report: ReportDto,
    /// What it reports on.
    pub assignment: PlacedAssignmentDto,
    /// How many evidence files go with it (listed at `GET /api/reports/{id}`).
    pub evidence: i64,
    /// The value last accepted for an earlier month of the same assignment; `null` before
    /// anything is accepted.
    pub previous: Option<String>,
}

impl From<&QueueEntry> for QueuedReportDto {
    fn from(e: &QueueEntry) -> Self {
        QueuedReportDto {
            report: ReportDto::from(&e.queued.report),
            assignment: PlacedAssignmentDto::new(&e.queued.placed, &e.unit),
            evidence: e.queued.evidence,
            previous: e.queued.previous.map(dec),
        }
    }
}

/// The review queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewQueueDto {
    /// The plan shown; `null` for every plan.
    pub plan: Option<i64>,
    /// The page (from 1) and how many reports a page holds.
    pub page: u32,
    /// Reports per page.
    pub per_page: u32,
    /// How many reports match the filters, on every page.
    pub total: u64,
    /// The reports of the page that the caller may see, oldest filing first (or largest
    /// change first with `order=change`).
    pub reports: Vec<QueuedReportDto>,
}

impl From<&ReviewQueue> for ReviewQueueDto {
    fn from(q: &ReviewQueue) -> Self {
        ReviewQueueDto {
            plan: q.plan.map(|p| p.0),
            page: q.filter.page,
            per_page: q.filter.per_page,
            total: q.total,
            reports: q.entries.iter().map(QueuedReportDto::from).collect(),
        }
    }
}
