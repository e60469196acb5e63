//! Decomposition (任务分解) over JSON, for the office: who carries a target, with what quota
//! and budget, and each assignment's schedule. The rules are
//! [`minsheng_app::decomposition`]'s: a split that does not add up is refused with the reason
//! and nothing changes.

use super::dto::{
    AssignmentScheduleDto, DecompositionDto, ErrorsDto, MilestoneDto, ScheduleDto,
    SchedulePointDto, TargetAssignmentsDto,
};
use super::{ApiError, JsonBody, invalid, path_id};
use crate::AppState;
use crate::auth::Chrome;
use axum::Json;
use axum::extract::{Path, State};
use minsheng_app::decomposition::{self, Decomposition, ScheduleInput, Share};
use minsheng_app::visibility;
use minsheng_domain::Action;
use minsheng_domain::{
    Actor, AssignmentId, Milestone, MilestoneGoal, Period, SchedulePoint, Stage, TargetId, UnitId,
};
use rust_decimal::Decimal;

fn decimal(field: &str, s: &str) -> Result<Decimal, ApiError> {
    s.trim().parse().map_err(|_| {
        invalid(
            field,
            format!("“{s}”不是数值 / '{s}' is not a decimal number"),
        )
    })
}

fn optional_decimal(field: &str, s: Option<&str>) -> Result<Option<Decimal>, ApiError> {
    s.filter(|s| !s.trim().is_empty())
        .map(|s| decimal(field, s))
        .transpose()
}

impl DecompositionDto {
    fn to_domain(&self, target: TargetId) -> Result<Decomposition, ApiError> {
        let shares = self
            .shares
            .iter()
            .enumerate()
            .map(|(i, s)| {
                Ok(Share {
                    unit: UnitId(s.unit),
                    quota: decimal(&format!("shares[{i}].quota"), &s.quota)?,
                    budget: optional_decimal(&format!("shares[{i}].budget"), s.budget.as_deref())?,
                })
            })
            .collect::<Result<_, ApiError>>()?;
        Ok(Decomposition {
            target,
            lead: UnitId(self.lead),
            partners: self.partners.iter().copied().map(UnitId).collect(),
            shares,
            lead_budget: optional_decimal("lead_budget", self.lead_budget.as_deref())?,
            accrual: None,
        })
    }
}

impl ScheduleDto {
    pub(super) fn to_domain(&self) -> Result<ScheduleInput, ApiError> {
        Ok(match self {
            ScheduleDto::Linear => ScheduleInput::Linear,
            ScheduleDto::Points { points } => ScheduleInput::Points(
                points
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        Ok(SchedulePoint {
                            period: p.period.trim().parse::<Period>().map_err(|e| {
                                invalid(format!("points[{i}].period"), e.to_string())
                            })?,
                            expected: decimal(&format!("points[{i}].expected"), &p.expected)?,
                        })
                    })
                    .collect::<Result<_, ApiError>>()?,
            ),
            ScheduleDto::Milestones { milestones } => ScheduleInput::Milestones(
                milestones
                    .iter()
                    .enumerate()
                    .map(|(i, m)| milestone(i, m))
                    .collect::<Result<_, ApiError>>()?,
            ),
        })
    }

    pub(super) fn of(s: &ScheduleInput) -> ScheduleDto {
        let dec = |d: Decimal| d.normalize().to_string();
        match s {
            ScheduleInput::Linear => ScheduleDto::Linear,
            ScheduleInput::Points(points) => ScheduleDto::Points {
                points: points
                    .iter()
                    .map(|p| SchedulePointDto {
                        period: p.period.to_string(),
                        expected: dec(p.expected),
                    })
                    .collect(),
            },
            ScheduleInput::Milestones(ms) => ScheduleDto::Milestones {
                milestones: ms
                    .iter()
                    .map(|m| {
                        let (value, stage) = match m.goal {
                            MilestoneGoal::Value(v) => (Some(dec(v)), None),
                            MilestoneGoal::Stage(s) => (None, Some(s.code().to_string())),
                        };
                        MilestoneDto {
                            due: m.due.to_string(),
                            name: m.name.clone(),
                            value,
                            stage,
                        }
                    })
                    .collect(),
            },
        }
    }
}

fn milestone(i: usize, m: &MilestoneDto) -> Result<Milestone, ApiError> {
    let field = |f: &str| format!("milestones[{i}].{f}");
    let due = m.due.trim().parse().map_err(|_| {
        invalid(
            field("due"),
            format!(
                "“{}”不是日期(如 2023-06-30) / '{}' is not a date such as 2023-06-30",
                m.due, m.due
            ),
        )
    })?;
    let goal = match (m.value.as_deref(), m.stage.as_deref()) {
        (Some(v), None) => MilestoneGoal::Value(decimal(&field("value"), v)?),
        (None, Some(s)) => MilestoneGoal::Stage(Stage::from_code(s).ok_or_else(|| {
            invalid(
                field("stage"),
                format!("阶段“{s}”无效,可选 not_started、in_progress、done / unknown stage '{s}'"),
            )
        })?),
        _ => {
            return Err(invalid(
                field("value"),
                "里程碑须给出数值或阶段,二者取其一 / a milestone needs either a value or a stage",
            ));
        }
    };
    Ok(Milestone {
        due,
        goal,
        name: m.name.trim().to_string(),
    })
}

/// Who carries a target: its lead, partners and regional shares with quotas and budgets.
#[utoipa::path(get, path = "/api/targets/{id}/assignments", tag = "decomposition",
    params(("id" = i64, Path, description = "target id")),
    security(("session" = [])),
    responses((status = 200, body = TargetAssignmentsDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn get_assignments(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Json<TargetAssignmentsDto>, ApiError> {
    let me = chrome.may(Action::Decompose)?;
    let t = visibility::target_assignments(&st.store, me, path_id(&id)?).await?;
    Ok(Json(TargetAssignmentsDto::from(&t)))
}

/// Sets who carries a target, all or nothing: a split whose quotas do not add up to the
/// target (or break its cap, tolerance or level) is refused with the reason, and nothing
/// changes. The office only.
#[utoipa::path(put, path = "/api/targets/{id}/assignments", tag = "decomposition",
    params(("id" = i64, Path, description = "target id")),
    request_body = DecompositionDto,
    security(("session" = [])),
    responses((status = 200, body = TargetAssignmentsDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 422, body = ErrorsDto),
        (status = 400, body = ErrorsDto, description = "请求体不是 JSON / the body is not JSON"),
        (status = 413, body = ErrorsDto, description = "请求体过大 / the body is too large"),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn put_assignments(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<DecompositionDto>,
) -> Result<Json<TargetAssignmentsDto>, ApiError> {
    let me = chrome.may(Action::Decompose)?;
    let target: TargetId = path_id(&id)?;
    let d = body.to_domain(target)?;
    decomposition::assign(&st.store, &Actor::new(me.name.clone()), &d).await?;
    let t = visibility::target_assignments(&st.store, me, target).await?;
    Ok(Json(TargetAssignmentsDto::from(&t)))
}

/// Sets an assignment's schedule: linear (序时进度), points by period, or dated milestones,
/// checked against its goal. The office only.
#[utoipa::path(put, path = "/api/assignments/{id}/schedule", tag = "decomposition",
    params(("id" = i64, Path, description = "assignment id")),
    request_body = ScheduleDto,
    security(("session" = [])),
    responses((status = 200, body = AssignmentScheduleDto), (status = 401, body = ErrorsDto),
        (status = 403, body = ErrorsDto), (status = 404, body = ErrorsDto),
        (status = 422, body = ErrorsDto),
        (status = 400, body = ErrorsDto, description = "请求体不是 JSON / the body is not JSON"),
        (status = 413, body = ErrorsDto, description = "请求体过大 / the body is too large"),
        (status = 500, body = ErrorsDto, description = "内部错误(附报告编号) / internal error, with a report id")))]
pub(crate) async fn put_schedule(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ScheduleDto>,
) -> Result<Json<AssignmentScheduleDto>, ApiError> {
    let me = chrome.may(Action::Decompose)?;
    let assignment: AssignmentId = path_id(&id)?;
    let schedule = body.to_domain()?;
    decomposition::set_schedule(
        &st.store,
        &Actor::new(me.name.clone()),
        assignment,
        &schedule,
    )
    .await?;
    Ok(Json(AssignmentScheduleDto {
        assignment_id: assignment.0,
        schedule: ScheduleDto::of(&schedule),
    }))
}
