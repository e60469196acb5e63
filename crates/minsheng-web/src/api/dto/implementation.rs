//! The JSON shapes of implementation plans (实施方案).

use super::{ScheduleDto, dec};
use minsheng_app::implementation::PlanFile;
use minsheng_domain::ImplementationPlan;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A sub-unit's part of a share (a county's part of its city's quota).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SubShareDto {
    /// The sub-unit, by id: a unit directly under the share's unit.
    pub unit: i64,
    /// Its quota in the target's unit, as a decimal string (a level for a rate).
    #[serde(default)]
    pub quota: Option<String>,
    /// Its budget in 元, as a decimal string.
    #[serde(default)]
    pub budget: Option<String>,
}

/// Funds from one source, in 元.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FundDto {
    /// `central`, `provincial`, `local`, `social` or `other`.
    #[schema(example = "provincial")]
    pub source: String,
    /// The amount in 元, as a decimal string.
    #[schema(example = "5000000")]
    pub amount: String,
}

/// An implementation plan as its unit writes it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ImplementationInputDto {
    /// The measures (工作措施), a sentence or two; required.
    pub measures: String,
    /// The schedule; linear (序时进度) when absent.
    #[serde(default)]
    pub schedule: Option<ScheduleDto>,
    /// The split over the unit's own sub-units.
    #[serde(default)]
    pub sub_split: Vec<SubShareDto>,
    /// The funds by source.
    #[serde(default)]
    pub funds: Vec<FundDto>,
    /// Submit it for approval (`true`) or keep it as a draft (`false`, the default).
    #[serde(default)]
    pub submit: bool,
}

/// One revision of an implementation plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImplementationPlanDto {
    /// Its id.
    pub id: i64,
    /// The share it plans.
    pub assignment_id: i64,
    /// 1, then one more for each refiling.
    pub revision: u32,
    /// `draft`, `submitted`, `returned` or `approved`.
    pub status: String,
    /// The measures.
    pub measures: String,
    /// The schedule.
    pub schedule: ScheduleDto,
    /// The split over sub-units.
    pub sub_split: Vec<SubShareDto>,
    /// The funds by source.
    pub funds: Vec<FundDto>,
    /// The plan document's file name, when one is attached.
    pub document: Option<String>,
    /// Who filed it (an account name).
    pub filed_by: String,
    /// When it was last saved or submitted.
    pub filed_at: String,
    /// Who approved or returned it.
    pub reviewed_by: Option<String>,
    /// Why it was returned.
    pub return_reason: Option<String>,
}

impl ImplementationPlanDto {
    /// The revision as the API shows it.
    pub fn of(p: &ImplementationPlan) -> ImplementationPlanDto {
        use minsheng_app::decomposition::ScheduleInput;
        let c = &p.content;
        let schedule = match (c.points.is_empty(), c.milestones.is_empty()) {
            (false, _) => ScheduleInput::Points(c.points.clone()),
            (true, false) => ScheduleInput::Milestones(c.milestones.clone()),
            (true, true) => ScheduleInput::Linear,
        };
        ImplementationPlanDto {
            id: p.id.0,
            assignment_id: p.assignment.0,
            revision: p.revision,
            status: p.status.code().into(),
            measures: c.measures.clone(),
            schedule: ScheduleDto::of(&schedule),
            sub_split: c
                .sub_split
                .iter()
                .map(|s| SubShareDto {
                    unit: s.unit.0,
                    quota: s.quota.map(dec),
                    budget: s.budget.map(dec),
                })
                .collect(),
            funds: c
                .funds
                .iter()
                .map(|f| FundDto {
                    source: f.source.code().into(),
                    amount: dec(f.amount),
                })
                .collect(),
            document: p.document.as_ref().map(|d| d.file_name.clone()),
            filed_by: p.filed_by.clone(),
            filed_at: p.filed_at.to_string(),
            reviewed_by: p.reviewed_by.clone(),
            return_reason: p.return_reason.clone(),
        }
    }
}

/// A share with its implementation plan's revisions.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImplementationFileDto {
    /// The share.
    pub assignment_id: i64,
    /// The unit holding it.
    pub unit: String,
    /// The target's phrase.
    pub target: String,
    /// The revision in force (the newest approved), by id.
    pub in_force: Option<i64>,
    /// Every revision, oldest first.
    pub revisions: Vec<ImplementationPlanDto>,
}

impl ImplementationFileDto {
    /// The file as the API shows it.
    pub fn of(f: &PlanFile) -> ImplementationFileDto {
        ImplementationFileDto {
            assignment_id: f.placed.assignment.id.0,
            unit: f.unit.name.clone(),
            target: f.placed.target.phrase.clone(),
            in_force: f.in_force().map(|p| p.id.0),
            revisions: f.revisions.iter().map(ImplementationPlanDto::of).collect(),
        }
    }
}
