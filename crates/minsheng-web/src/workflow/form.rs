//! The report form: shown with the latest draft or revision, saved as a draft or submitted,
//! re-shown with 422 and each message beside its field when something is refused (the typed
//! values kept, nothing saved); and the evidence upload that goes with it.

use super::msg::Msg;
use super::{
    EvidenceRow, RevisionRow, amount, form_href, form_period_of, id_of, period_label, quota, words,
};
use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
use crate::input::{self, FieldErrors, Fields};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minsheng_app::AppError;
use minsheng_app::accounts::People;
use minsheng_app::reporting::{EVIDENCE_TYPES, FileAs};
use minsheng_app::workspace::{self, ReportForm};
use minsheng_domain::project::MilestoneKind;
use minsheng_domain::{
    AssignmentId, Period, ReportId, ReportStatus, Stage, TargetKind, goal::Accrual,
};

/// The form field a use-case's refusal belongs beside.
fn field_of(app_field: &str) -> &'static str {
    match app_field {
        "value" | "unit" => "value",
        "stage" => "stage",
        "funds_spent" => "spent",
        "narrative" => "narrative",
        "correction" => "correction",
        f if f == "progress"
            || f == "revised_total"
            || f == "reached"
            || f.starts_with("milestones") =>
        {
            "project"
        }
        _ => "form",
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "report_form.html")]
pub(super) struct FormPage {
    chrome: Chrome,
    t: &'static Msg,
    action: String,
    workspace: String,
    no: String,
    target: String,
    deadline: String,
    quota: String,
    unit: String,
    period: String,
    measure: String,
    is_stage: bool,
    additive: bool,
    stages: Vec<(&'static str, &'static str, bool)>,
    values: Fields,
    errors: FieldErrors,
    state: Option<(&'static str, &'static str)>,
    return_reason: Option<String>,
    editable: bool,
    evidence_to: Option<i64>,
    evidence_accept: String,
    evidence: Vec<EvidenceRow>,
    floor: Option<String>,
    note: Option<&'static str>,
    revisions: Vec<RevisionRow>,
    project: Option<ProjectPart>,
}

/// The project part of the form, for a report on a major project's investment: 形象进度,
/// milestones reached, a revised 总投资.
pub(super) struct ProjectPart {
    t: &'static crate::projects::msg::ProjectsMsg,
    name: String,
    id: i64,
    progress: String,
    revised_total: String,
    kinds: Vec<(&'static str, &'static str, String)>,
}

/// The project part shown with what `f` holds (typed, or read back from the latest
/// revision), when the form's target is a project's.
async fn project_part(
    st: &AppState,
    chrome: &Chrome,
    form: &ReportForm,
    typed: Option<&Fields>,
) -> Result<Option<ProjectPart>, WebError> {
    let part = minsheng_app::projects::report_part(
        &st.store,
        form.placed.target.id,
        form.latest().map(|r| r.id),
    )
    .await?;
    let Some((project, extra)) = part else {
        return Ok(None);
    };
    let lang = chrome.lang;
    let stored = |k: MilestoneKind| {
        extra
            .as_ref()
            .and_then(|e| e.milestones.iter().find(|(m, _)| *m == k))
            .map(|(_, d)| d.to_string())
            .unwrap_or_default()
    };
    let kinds = MilestoneKind::ALL
        .iter()
        .map(|k| {
            let value = match typed {
                Some(f) => f
                    .reached
                    .get(&format!("reached_{}", k.code()))
                    .cloned()
                    .unwrap_or_default(),
                None => stored(*k),
            };
            (k.code(), lang.pick(k.label_zh(), k.label_en()), value)
        })
        .collect();
    let (progress, revised_total) = match typed {
        Some(f) => (f.progress.clone(), f.revised_total.clone()),
        None => (
            extra
                .as_ref()
                .map(|e| e.progress.clone())
                .unwrap_or_default(),
            extra
                .as_ref()
                .and_then(|e| e.revised_total)
                .and_then(|v| v.checked_div(rust_decimal::Decimal::from(100_000_000i64)))
                .map(|v| v.normalize().to_string())
                .unwrap_or_default(),
        ),
    };
    Ok(Some(ProjectPart {
        t: crate::projects::words(lang),
        name: project.name,
        id: project.item.0,
        progress,
        revised_total,
        kinds,
    }))
}

impl FormPage {
    fn new(
        chrome: Chrome,
        people: &People,
        form: &ReportForm,
        values: Fields,
        errors: FieldErrors,
    ) -> FormPage {
        let t = words(&chrome);
        let target = &form.placed.target;
        let latest = form.latest();
        let stages = Stage::ALL
            .iter()
            .map(|s| {
                (
                    s.code(),
                    chrome.lang.pick(s.label_zh(), s.label_en()),
                    values.stage == s.code(),
                )
            })
            .collect();
        // Evidence is listed once, under the form, for the latest revision.
        let revisions = form
            .revisions
            .iter()
            .map(|r| RevisionRow::of(&chrome, people, r, target, &[]))
            .collect();
        FormPage {
            t,
            action: form_href(form.placed.assignment.id, form.period),
            workspace: back_href(form.period, form.placed.plan),
            no: format!("{}.{}", form.placed.section_no, form.placed.item_no),
            target: target.phrase.clone(),
            deadline: target.deadline.to_string(),
            quota: quota(t, target, form.placed.assignment.quota),
            unit: form.unit.name.clone(),
            period: period_label(&chrome, form.period),
            measure: target.quantity.unit.clone(),
            is_stage: target.kind == TargetKind::Stage,
            additive: target.accrual() == Accrual::Cumulative,
            stages,
            values,
            errors,
            state: latest.map(|r| {
                (
                    r.status.code(),
                    match r.status {
                        ReportStatus::Draft => t.state_draft,
                        ReportStatus::Submitted => t.state_submitted,
                        ReportStatus::Returned => t.state_returned,
                        ReportStatus::Accepted => t.state_accepted,
                    },
                )
            }),
            return_reason: latest
                .filter(|r| r.status == ReportStatus::Returned)
                .and_then(|r| r.return_reason.clone()),
            editable: form.editable(),
            evidence_to: form
                .takes_evidence()
                .then(|| latest.map(|r| r.id.0))
                .flatten(),
            evidence_accept: EVIDENCE_TYPES
                .iter()
                .map(|(ext, _)| format!(".{ext}"))
                .collect::<Vec<_>>()
                .join(","),
            evidence: form.evidence.iter().map(EvidenceRow::of).collect(),
            floor: form.floor_value().map(|(period, v)| {
                format!("{} {}", period_label(&chrome, period), amount(v, target))
            }),
            note: None,
            revisions,
            project: None,
            chrome,
        }
    }
}

#[derive(serde::Deserialize)]
pub(super) struct FormQuery {
    period: Option<String>,
    saved: Option<i64>,
    attached: Option<i64>,
}

/// `GET /workspace/assignments/{id}/report?period=…`: the form with the latest draft or
/// revision of the period.
pub(super) async fn page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<FormQuery>,
) -> Result<FormPage, WebError> {
    let me = chrome.account()?.clone();
    let today = st.today();
    let assignment: AssignmentId = id_of(&id)?;
    let period = form_period_of(q.period.as_deref(), today)?;
    let form = workspace::report_form(&st.store, &me, assignment, period, today).await?;
    let values = form.latest().map(Fields::of).unwrap_or_default();
    let people = crate::auth::people(&st).await?;
    let project = project_part(&st, &chrome, &form, None).await?;
    let mut page = FormPage::new(chrome, &people, &form, values, FieldErrors::default());
    page.project = project;
    page.note = match (q.saved, q.attached) {
        (Some(_), _) => Some(page.t.saved_ok),
        (None, Some(_)) => Some(page.t.evidence_attached),
        (None, None) => None,
    };
    Ok(page)
}

/// Where the form leads back to: the workspace of its month, or — a year or a quarter, a
/// multi-year goal's report — the plan's goals page.
fn back_href(period: Period, plan: minsheng_domain::PlanId) -> String {
    match period {
        Period::Month { .. } => format!("/workspace?period={period}"),
        _ => format!("/plans/{plan}/goals"),
    }
}

/// `POST /workspace/assignments/{id}/report?period=…`: saves a draft or submits; refused
/// input comes back in the form with 422.
pub(super) async fn post(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<FormQuery>,
    Form(f): Form<Fields>,
) -> Result<Response, WebError> {
    let me = chrome.account()?.clone();
    let today = st.today();
    let assignment: AssignmentId = id_of(&id)?;
    let period = form_period_of(q.period.as_deref(), today)?;
    // The form as it stands; this also checks that the account reports for the assignment.
    let form = workspace::report_form(&st.store, &me, assignment, period, today).await?;
    let project = project_part(&st, &chrome, &form, Some(&f)).await?;
    let extra = match project {
        Some(_) => Some(input::read_project_part(&f, chrome.lang)),
        None => None,
    };
    let read = match (input::read_report(&f, &form, chrome.lang), extra) {
        (Err(errors), _) => Err(errors),
        (Ok(_), Some(Err((field, message)))) => {
            let mut errors = FieldErrors::default();
            errors.put(field_of(field), message);
            Err(errors)
        }
        (Ok((input, file_as)), Some(Ok(extra))) => Ok((input, file_as, Some(extra))),
        (Ok((input, file_as)), None) => Ok((input, file_as, None)),
    };
    let errors = match read {
        Err(errors) => errors,
        Ok((input, file_as, extra)) => {
            match workspace::save_report_with(
                &st.store,
                &me,
                &input,
                extra.as_ref(),
                file_as,
                today,
            )
            .await
            {
                Ok(report) => {
                    let to = match file_as {
                        FileAs::Submitted => format!(
                            "{}{}filed={report}",
                            back_href(period, form.placed.plan),
                            if matches!(period, Period::Month { .. }) {
                                "&"
                            } else {
                                "?"
                            }
                        ),
                        FileAs::Draft => {
                            format!("{}&saved={report}", form_href(assignment, period))
                        }
                    };
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(AppError::Invalid { field, reason }) => {
                    let mut errors = FieldErrors::default();
                    errors.put(field_of(&field), reason);
                    errors
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let people = crate::auth::people(&st).await?;
    let project = project_part(&st, &chrome, &form, Some(&f)).await?;
    let mut page = FormPage::new(chrome, &people, &form, f, errors);
    page.project = project;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// `POST /reports/{id}/evidence` (multipart, field `file`): attaches a file to a draft or a
/// report awaiting review, then back to its form; a refused file is named in the form.
pub(super) async fn upload(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let me = chrome.account()?.clone();
    let today = st.today();
    let report: ReportId = id_of(&id)?;
    // Who may attach is checked before the body is read.
    let form = workspace::report_form_of(&st.store, &me, report, today).await?;
    let (status, message) = match input::read_upload(multipart, chrome.lang).await {
        Ok((name, content_type, bytes)) => {
            match workspace::attach(&st.store, &me, report, &name, &content_type, &bytes).await {
                Ok(evidence) => {
                    let to = format!(
                        "{}&attached={evidence}",
                        form_href(form.placed.assignment.id, form.period)
                    );
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(AppError::Invalid { reason, .. }) => (StatusCode::UNPROCESSABLE_ENTITY, reason),
                Err(e) => return Err(e.into()),
            }
        }
        Err((status, message)) => (status, message.to_string()),
    };
    let values = form.latest().map(Fields::of).unwrap_or_default();
    let mut errors = FieldErrors::default();
    errors.put("evidence", message);
    let people = crate::auth::people(&st).await?;
    let page = FormPage::new(chrome, &people, &form, values, errors);
    Ok((status, page).into_response())
}
