//! Implementation plans (实施方案) in the pages: the unit's form
//! (`/workspace/assignments/{id}/plan`: measures, schedule by month ends or milestones, the split
//! over its sub-units, funds by source; saved as a draft or submitted), the plan document's
//! upload and download, a share's plan as anyone who sees it reads it and the office approves
//! or returns it (`/assignments/{id}/plan`), and a plan's filings (`/plans/{id}/implementation`:
//! who has filed and who has not). Everything works without JavaScript; refused input comes
//! back in the form with 422, each message beside its field, the typed values kept.
//!
//! Parsing and rendering only: every permission and every rule is
//! [`minsheng_app::implementation`]'s and the domain's.

use super::plan_msg::{EN, PlanMsg, ZH};
use super::{id_of, time};
use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::input::{self, FieldErrors};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minsheng_app::AppError;
use minsheng_app::implementation::{self, Filings, PlanFile, SaveAs};
use minsheng_app::reporting::{Decision, EVIDENCE_TYPES};
use minsheng_domain::schedule::{Milestone, MilestoneGoal};
use minsheng_domain::{
    AssignmentId, Fund, FundSource, ImplementationContent, ImplementationPlan,
    ImplementationPlanId, ImplementationStatus, Period, PlanId, SchedulePoint, Stage, SubShare,
    TargetKind, goal::Accrual,
};
use rust_decimal::Decimal;
use std::collections::HashMap;

fn words(lang: Lang) -> &'static PlanMsg {
    lang.pick(&ZH, &EN)
}

/// How many milestone rows the form offers at least (more when a plan has more).
const MILESTONE_ROWS: usize = 6;

/// The form as typed, by field name (all text, so it can be shown again as it was).
#[derive(Debug, Default, Clone)]
struct Typed(HashMap<String, String>);

impl Typed {
    fn get(&self, k: &str) -> &str {
        self.0.get(k).map(String::as_str).unwrap_or("")
    }

    fn set(&mut self, k: String, v: String) {
        self.0.insert(k, v);
    }
}

/// A use-case's message ("中文 / English") as a page in `lang` shows it: that language only.
fn page_text(lang: Lang, both: &str) -> String {
    crate::error::Text::split(both).for_page(lang)
}

fn plain(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The fields of a saved revision, as the form would send them.
fn typed_of(c: &ImplementationContent) -> Typed {
    let mut t = Typed::default();
    t.set("measures".into(), c.measures.clone());
    let kind = match (c.points.is_empty(), c.milestones.is_empty()) {
        (false, _) => "points",
        (true, false) => "milestones",
        (true, true) => "linear",
    };
    t.set("kind".into(), kind.into());
    for p in &c.points {
        t.set(
            format!("p_{}", p.period.months_into_year()),
            plain(p.expected),
        );
    }
    for (i, m) in c.milestones.iter().enumerate() {
        t.set(format!("m_due_{i}"), m.due.to_string());
        t.set(format!("m_name_{i}"), m.name.clone());
        match m.goal {
            MilestoneGoal::Value(v) => t.set(format!("m_value_{i}"), plain(v)),
            MilestoneGoal::Stage(s) => t.set(format!("m_stage_{i}"), s.code().into()),
        }
    }
    for s in &c.sub_split {
        if let Some(q) = s.quota {
            t.set(format!("s_{}_q", s.unit), plain(q));
        }
        if let Some(b) = s.budget {
            t.set(format!("s_{}_b", s.unit), plain(b));
        }
    }
    for f in &c.funds {
        t.set(format!("f_{}", f.source.code()), plain(f.amount));
    }
    t
}

/// A number typed in a field, or why not, naming the field.
fn number_at(t: &Typed, key: &str, what: &str, lang: Lang) -> Result<Option<Decimal>, String> {
    let s = t.get(key);
    input::number(s).map_err(|e| {
        lang.pick(
            format!("{what}“{s}”不是有效的数:{e}"),
            format!("{what}: '{s}' is not a valid number: {e}"),
        )
    })
}

/// Reads the form into a plan's content; refusals by field.
fn read_content(
    t: &Typed,
    file: &PlanFile,
    lang: Lang,
) -> Result<ImplementationContent, FieldErrors> {
    let mut errors = FieldErrors::default();
    let year = file.placed.year;
    let mut c = ImplementationContent {
        measures: t.get("measures").trim().to_string(),
        ..ImplementationContent::default()
    };
    match t.get("kind") {
        "points" => {
            for m in 1..=12i8 {
                let label = lang.pick(format!("{m}月末"), format!("end of month {m}"));
                match number_at(t, &format!("p_{m}"), &label, lang) {
                    Ok(Some(expected)) => {
                        if let Ok(period) = Period::month(year, m) {
                            c.points.push(SchedulePoint { period, expected });
                        }
                    }
                    Ok(None) => {}
                    Err(e) => {
                        errors.put("schedule", e);
                        break;
                    }
                }
            }
            if c.points.is_empty() && errors.is_empty() {
                errors.put(
                    "schedule",
                    lang.pick(
                        "按月末节点值安排进度时,至少填写一个月末的值",
                        "a schedule by month ends needs at least one value",
                    ),
                );
            }
        }
        "milestones" => {
            let stage_target = file.placed.target.kind == TargetKind::Stage;
            for i in 0..milestone_rows(t) {
                let (due, name) = (t.get(&format!("m_due_{i}")), t.get(&format!("m_name_{i}")));
                let (value, stage) = (
                    t.get(&format!("m_value_{i}")),
                    t.get(&format!("m_stage_{i}")),
                );
                if [due, name, value, stage]
                    .iter()
                    .all(|s| s.trim().is_empty())
                {
                    continue;
                }
                let row = lang.pick(
                    format!("第{}行节点", i + 1),
                    format!("milestone row {}", i + 1),
                );
                let due = match input::parse_due(due, lang) {
                    Ok(d) => d,
                    Err(e) => {
                        errors.put("schedule", format!("{row}:{e}"));
                        break;
                    }
                };
                if name.trim().is_empty() {
                    errors.put(
                        "schedule",
                        lang.pick(
                            format!("{row}:请填写节点名称"),
                            format!("{row}: name the milestone"),
                        ),
                    );
                    break;
                }
                let goal = if stage_target {
                    match Stage::from_code(stage) {
                        Some(s) => MilestoneGoal::Stage(s),
                        None => {
                            errors.put(
                                "schedule",
                                lang.pick(
                                    format!("{row}:请选择应达到的阶段"),
                                    format!("{row}: choose the stage due"),
                                ),
                            );
                            break;
                        }
                    }
                } else {
                    match number_at(t, &format!("m_value_{i}"), &row, lang) {
                        Ok(Some(v)) => MilestoneGoal::Value(v),
                        Ok(None) => {
                            errors.put(
                                "schedule",
                                lang.pick(
                                    format!("{row}:请填写应完成值"),
                                    format!("{row}: give the value due"),
                                ),
                            );
                            break;
                        }
                        Err(e) => {
                            errors.put("schedule", e);
                            break;
                        }
                    }
                };
                c.milestones.push(Milestone {
                    due,
                    goal,
                    name: name.trim().to_string(),
                });
            }
            if c.milestones.is_empty() && errors.is_empty() {
                errors.put(
                    "schedule",
                    lang.pick(
                        "按里程碑安排进度时,至少填写一个节点",
                        "a milestone schedule needs at least one milestone",
                    ),
                );
            }
        }
        _ => {}
    }
    for u in &file.sub_units {
        let q = number_at(t, &format!("s_{}_q", u.id), &u.name, lang);
        let b = number_at(t, &format!("s_{}_b", u.id), &u.name, lang);
        match (q, b) {
            (Ok(None), Ok(None)) => {}
            (Ok(quota), Ok(budget)) => c.sub_split.push(SubShare {
                unit: u.id,
                quota,
                budget,
            }),
            (Err(e), _) | (_, Err(e)) => {
                errors.put("sub_split", e);
                break;
            }
        }
    }
    for source in FundSource::ALL {
        let label = lang.pick(source.label_zh(), source.label_en());
        match number_at(t, &format!("f_{}", source.code()), label, lang) {
            Ok(Some(amount)) => c.funds.push(Fund { source, amount }),
            Ok(None) => {}
            Err(e) => {
                errors.put("funds", e);
                break;
            }
        }
    }
    if errors.is_empty() {
        Ok(c)
    } else {
        Err(errors)
    }
}

/// How many milestone rows a form has: the offered minimum, or as many as were sent.
fn milestone_rows(t: &Typed) -> usize {
    let sent = (0..100)
        .take_while(|i| t.0.contains_key(&format!("m_due_{i}")))
        .count();
    sent.max(MILESTONE_ROWS)
}

struct MonthRow {
    key: String,
    label: String,
    value: String,
}

struct MilestoneRow {
    i: usize,
    due: String,
    name: String,
    value: String,
    stage: String,
}

struct SubRow {
    id: i64,
    name: String,
    quota: String,
    budget: String,
}

struct FundRow {
    code: &'static str,
    label: &'static str,
    amount: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "plan_form.html")]
struct FormPage {
    chrome: Chrome,
    t: &'static PlanMsg,
    action: String,
    view: String,
    no: String,
    target: String,
    share: String,
    deadline: String,
    unit: String,
    measure: String,
    kind: String,
    is_stage: bool,
    is_level: bool,
    months: Vec<MonthRow>,
    milestones: Vec<MilestoneRow>,
    stages: Vec<(&'static str, &'static str)>,
    subs: Vec<SubRow>,
    funds: Vec<FundRow>,
    measures: String,
    errors: FieldErrors,
    state: Option<(&'static str, &'static str, u32)>,
    return_reason: Option<String>,
    editable: bool,
    draft: Option<i64>,
    document: Option<(i64, String)>,
    accept: String,
    note: Option<&'static str>,
}

/// A share as its pages name it: the quota, or the whole target.
fn share_of(lang: Lang, file: &PlanFile) -> String {
    let target = &file.placed.target;
    match (target.kind, file.placed.assignment.quota) {
        (TargetKind::Stage, _) => lang.pick("完成事项", "the item done").to_string(),
        (TargetKind::Quantity, Some(q)) => lang.amount(q, &target.quantity.unit),
        (TargetKind::Quantity, None) => lang.quantity(&target.quantity),
    }
}

fn status_label(lang: Lang, s: ImplementationStatus) -> &'static str {
    lang.pick(s.label_zh(), s.label_en())
}

impl FormPage {
    fn new(chrome: Chrome, file: &PlanFile, typed: &Typed, errors: FieldErrors) -> FormPage {
        let lang = chrome.lang;
        let t = words(lang);
        let target = &file.placed.target;
        let latest = file.latest();
        const MONTHS_EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let months = (1..=12i8)
            .map(|m| MonthRow {
                key: format!("p_{m}"),
                label: lang.pick(
                    format!("{m}月末"),
                    format!("{} {}", t.month_end, MONTHS_EN[(m - 1) as usize]),
                ),
                value: typed.get(&format!("p_{m}")).to_string(),
            })
            .collect();
        let milestones = (0..milestone_rows(typed))
            .map(|i| MilestoneRow {
                i,
                due: typed.get(&format!("m_due_{i}")).to_string(),
                name: typed.get(&format!("m_name_{i}")).to_string(),
                value: typed.get(&format!("m_value_{i}")).to_string(),
                stage: typed.get(&format!("m_stage_{i}")).to_string(),
            })
            .collect();
        let subs = file
            .sub_units
            .iter()
            .map(|u| SubRow {
                id: u.id.0,
                name: u.name.clone(),
                quota: typed.get(&format!("s_{}_q", u.id)).to_string(),
                budget: typed.get(&format!("s_{}_b", u.id)).to_string(),
            })
            .collect();
        let funds = FundSource::ALL
            .iter()
            .map(|s| FundRow {
                code: s.code(),
                label: lang.pick(s.label_zh(), s.label_en()),
                amount: typed.get(&format!("f_{}", s.code())).to_string(),
            })
            .collect();
        let kind = match typed.get("kind") {
            k @ ("points" | "milestones") => k.to_string(),
            _ => "linear".to_string(),
        };
        FormPage {
            t,
            action: format!("/workspace/assignments/{}/plan", file.placed.assignment.id),
            view: format!("/assignments/{}/plan", file.placed.assignment.id),
            no: format!("{}.{}", file.placed.section_no, file.placed.item_no),
            target: target.phrase.clone(),
            share: share_of(lang, file),
            deadline: target.deadline.to_string(),
            unit: file.unit.name.clone(),
            measure: match lang {
                Lang::En => minsheng_domain::quantity::unit_en(&target.quantity.unit)
                    .map_or_else(|| target.quantity.unit.clone(), str::to_string),
                Lang::Zh => target.quantity.unit.clone(),
            },
            kind,
            is_stage: target.kind == TargetKind::Stage,
            is_level: target.accrual() == Accrual::Level,
            months,
            milestones,
            stages: Stage::ALL
                .iter()
                .map(|s| (s.code(), lang.pick(s.label_zh(), s.label_en())))
                .collect(),
            subs,
            funds,
            measures: typed.get("measures").to_string(),
            errors,
            state: latest.map(|p| (p.status.code(), status_label(lang, p.status), p.revision)),
            return_reason: latest
                .filter(|p| p.status == ImplementationStatus::Returned)
                .and_then(|p| p.return_reason.clone()),
            editable: file.editable(),
            draft: file.draft().map(|d| d.id.0),
            document: file.draft().and_then(|d| {
                d.document
                    .as_ref()
                    .map(|doc| (d.id.0, doc.file_name.clone()))
            }),
            accept: EVIDENCE_TYPES
                .iter()
                .map(|(ext, _)| format!(".{ext}"))
                .collect::<Vec<_>>()
                .join(","),
            note: None,
            chrome,
        }
    }
}

#[derive(serde::Deserialize)]
struct FormQuery {
    saved: Option<i64>,
    attached: Option<i64>,
}

/// `GET /workspace/assignments/{id}/plan`: the form, with the draft or the newest revision.
async fn form_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<FormQuery>,
) -> Result<FormPage, WebError> {
    let me = chrome.account()?.clone();
    let assignment: AssignmentId = id_of(&id)?;
    let file = implementation::form(&st.store, &me, assignment).await?;
    let typed = file
        .latest()
        .map(|p| typed_of(&p.content))
        .unwrap_or_default();
    let mut page = FormPage::new(chrome, &file, &typed, FieldErrors::default());
    page.note = match (q.saved, q.attached) {
        (Some(_), _) => Some(page.t.saved),
        (None, Some(_)) => Some(page.t.attached),
        _ => None,
    };
    Ok(page)
}

/// `POST /workspace/assignments/{id}/plan`: saves a draft or submits it; refused input comes
/// back in the form with 422 (409 when someone else changed it first).
async fn form_post(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let me = chrome.account()?.clone();
    let assignment: AssignmentId = id_of(&id)?;
    let file = implementation::form(&st.store, &me, assignment).await?;
    let typed = Typed(fields.into_iter().collect());
    let save_as = match typed.get("action") {
        "submit" => SaveAs::Submitted,
        _ => SaveAs::Draft,
    };
    let (status, errors) = match read_content(&typed, &file, chrome.lang) {
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Ok(content) => {
            match implementation::save(&st.store, &me, assignment, &content, save_as).await {
                Ok(plan) => {
                    let to = match save_as {
                        SaveAs::Submitted => {
                            format!("/assignments/{assignment}/plan?submitted={plan}")
                        }
                        SaveAs::Draft => {
                            format!("/workspace/assignments/{assignment}/plan?saved={plan}")
                        }
                    };
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(AppError::Invalid { field, reason }) => {
                    let mut errors = FieldErrors::default();
                    errors.put(field_of(&field), page_text(chrome.lang, &reason));
                    (StatusCode::UNPROCESSABLE_ENTITY, errors)
                }
                Err(AppError::Conflict { reason }) => {
                    let mut errors = FieldErrors::default();
                    errors.put("form", page_text(chrome.lang, &reason));
                    (StatusCode::CONFLICT, errors)
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let page = FormPage::new(chrome, &file, &typed, errors);
    Ok((status, page).into_response())
}

fn field_of(app_field: &str) -> &'static str {
    match app_field {
        "measures" => "measures",
        "schedule" => "schedule",
        "sub_split" => "sub_split",
        "funds" => "funds",
        "document" => "document",
        _ => "form",
    }
}

/// `POST /implementation-plans/{id}/document` (multipart, field `file`): attaches the plan
/// document to a draft, then back to the form; a refused file is named in the form.
async fn upload(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let me = chrome.account()?.clone();
    let plan: ImplementationPlanId = id_of(&id)?;
    let p = st
        .store
        .implementation_plan(plan)
        .await
        .map_err(AppError::from)?;
    // Who may attach is checked before the body is read.
    let file = implementation::form(&st.store, &me, p.assignment).await?;
    let (status, message) = match input::read_upload(multipart, chrome.lang).await {
        Ok((name, _content_type, bytes)) => {
            match implementation::attach(&st.store, &me, plan, &name, &bytes).await {
                Ok(()) => {
                    let to = format!(
                        "/workspace/assignments/{}/plan?attached={plan}",
                        p.assignment
                    );
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(AppError::Invalid { reason, .. }) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    page_text(chrome.lang, &reason),
                ),
                Err(e) => return Err(e.into()),
            }
        }
        Err((status, message)) => (status, message.to_string()),
    };
    let typed = file
        .latest()
        .map(|p| typed_of(&p.content))
        .unwrap_or_default();
    let mut errors = FieldErrors::default();
    errors.put("document", message);
    let page = FormPage::new(chrome, &file, &typed, errors);
    Ok((status, page).into_response())
}

/// `GET /implementation-plans/{id}/document`: the plan document, for anyone who sees the unit.
async fn download(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let me = chrome.account()?;
    let plan: ImplementationPlanId = id_of(&id)?;
    let (meta, bytes) = implementation::document(&st.store, me, plan).await?;
    let content_type = HeaderValue::from_str(&meta.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&super::report::disposition(&meta.file_name))
        .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// One revision as the plan page shows it.
struct RevisionView {
    id: i64,
    revision: u32,
    status: &'static str,
    status_label: &'static str,
    measures: String,
    schedule: Vec<String>,
    subs: Vec<(String, String, String)>,
    funds: Vec<(&'static str, String)>,
    funds_total: String,
    document: Option<String>,
    filed: String,
    reviewed: String,
    reason: Option<String>,
}

fn revision_view(
    chrome: &Chrome,
    people: &minsheng_app::accounts::People,
    file: &PlanFile,
    p: &ImplementationPlan,
) -> RevisionView {
    let lang = chrome.lang;
    let t = words(lang);
    let unit = &file.placed.target.quantity.unit;
    let who = |name: &str| crate::auth::person(people, name, lang);
    let mut schedule: Vec<String> = p
        .content
        .points
        .iter()
        .map(|pt| {
            format!(
                "{} {}",
                lang.pick(
                    format!("{}月末", pt.period.months_into_year()),
                    pt.period.to_string()
                ),
                lang.amount(pt.expected, unit)
            )
        })
        .collect();
    schedule.extend(p.content.milestones.iter().map(|m| {
        let goal = match m.goal {
            MilestoneGoal::Value(v) => lang.amount(v, unit),
            MilestoneGoal::Stage(s) => lang.pick(s.label_zh(), s.label_en()).to_string(),
        };
        format!("{} {}({goal})", m.due, m.name)
    }));
    if schedule.is_empty() {
        schedule.push(t.linear.to_string());
    }
    RevisionView {
        id: p.id.0,
        revision: p.revision,
        status: p.status.code(),
        status_label: status_label(lang, p.status),
        measures: p.content.measures.clone(),
        schedule,
        subs: p
            .content
            .sub_split
            .iter()
            .map(|s| {
                (
                    file.sub_unit_name(s.unit),
                    s.quota.map(|q| lang.amount(q, unit)).unwrap_or_default(),
                    s.budget.map(|b| lang.amount(b, "元")).unwrap_or_default(),
                )
            })
            .collect(),
        funds: p
            .content
            .funds
            .iter()
            .map(|f| {
                (
                    lang.pick(f.source.label_zh(), f.source.label_en()),
                    lang.amount(f.amount, "元"),
                )
            })
            .collect(),
        funds_total: lang.amount(p.content.funds_total(), "元"),
        document: p.document.as_ref().map(|d| d.file_name.clone()),
        filed: format!("{} · {}", who(&p.filed_by), time(p.filed_at)),
        reviewed: match (&p.reviewed_by, p.reviewed_at) {
            (Some(by), Some(at)) => format!("{} · {}", who(by), time(at)),
            _ => String::new(),
        },
        reason: p.return_reason.clone(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "plan_view.html")]
struct ViewPage {
    chrome: Chrome,
    t: &'static PlanMsg,
    plan_id: i64,
    no: String,
    target: String,
    share: String,
    deadline: String,
    unit: String,
    in_force: Option<RevisionView>,
    /// The newest revision when it is not the one in force.
    latest: Option<RevisionView>,
    history: Vec<RevisionView>,
    can_review: bool,
    can_edit: Option<String>,
    note: Option<&'static str>,
    error: Option<String>,
}

#[derive(serde::Deserialize)]
struct ViewQuery {
    submitted: Option<i64>,
    reviewed: Option<String>,
}

async fn view_page_of(
    st: &AppState,
    chrome: Chrome,
    assignment: AssignmentId,
    note: Option<&'static str>,
    error: Option<String>,
) -> Result<ViewPage, WebError> {
    let me = chrome.account()?.clone();
    let file = implementation::view(&st.store, &me, assignment).await?;
    let people = crate::auth::people(st).await?;
    let t = words(chrome.lang);
    let in_force = file
        .in_force()
        .map(|p| revision_view(&chrome, &people, &file, p));
    let latest = file
        .latest()
        .filter(|p| Some(p.id) != file.in_force().map(|f| f.id))
        .map(|p| revision_view(&chrome, &people, &file, p));
    let history = file
        .revisions
        .iter()
        .rev()
        .map(|p| revision_view(&chrome, &people, &file, p))
        .collect();
    let can_review = chrome.can(minsheng_domain::Action::ApproveImplementationPlan)
        && file
            .latest()
            .is_some_and(|p| p.status == ImplementationStatus::Submitted);
    let can_edit = (chrome.can(minsheng_domain::Action::FileImplementationPlan)
        && me.can_report_for(
            &st.store.unit_tree().await.map_err(AppError::from)?,
            file.unit.id,
        ))
    .then(|| format!("/workspace/assignments/{assignment}/plan"));
    Ok(ViewPage {
        t,
        plan_id: file.placed.plan.0,
        no: format!("{}.{}", file.placed.section_no, file.placed.item_no),
        target: file.placed.target.phrase.clone(),
        share: share_of(chrome.lang, &file),
        deadline: file.placed.target.deadline.to_string(),
        unit: file.unit.name.clone(),
        in_force,
        latest,
        history,
        can_review,
        can_edit,
        note,
        error,
        chrome,
    })
}

/// `GET /assignments/{id}/plan`: a share's implementation plan — the one in force, the newest
/// revision, its history — with approve and return for the office.
async fn view_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<ViewQuery>,
) -> Result<ViewPage, WebError> {
    let assignment: AssignmentId = id_of(&id)?;
    let t = words(chrome.lang);
    let note = match (q.submitted, q.reviewed.as_deref()) {
        (Some(_), _) => Some(t.submitted),
        (None, Some("approved")) => Some(t.approved_note),
        (None, Some("returned")) => Some(t.returned_note),
        _ => None,
    };
    view_page_of(&st, chrome, assignment, note, None).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ReturnForm {
    reason: String,
}

async fn decide(
    st: AppState,
    chrome: Chrome,
    id: String,
    decision: Decision,
) -> Result<Response, WebError> {
    let me = chrome.account()?.clone();
    let plan: ImplementationPlanId = id_of(&id)?;
    let p = st
        .store
        .implementation_plan(plan)
        .await
        .map_err(AppError::from)?;
    let done = match decision {
        Decision::Accept => "approved",
        Decision::Return(_) => "returned",
    };
    match implementation::review(&st.store, &me, plan, &decision).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/assignments/{}/plan?reviewed={done}",
            p.assignment
        ))
        .into_response()),
        Err(AppError::Invalid { reason, .. }) => {
            let message = page_text(chrome.lang, &reason);
            let page = view_page_of(&st, chrome, p.assignment, None, Some(message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict { reason }) => {
            let message = page_text(chrome.lang, &reason);
            let page = view_page_of(&st, chrome, p.assignment, None, Some(message)).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /implementation-plans/{id}/approve`.
async fn approve(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    decide(st, chrome, id, Decision::Accept).await
}

/// `POST /implementation-plans/{id}/return` (`reason`).
async fn return_plan(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(f): Form<ReturnForm>,
) -> Result<Response, WebError> {
    decide(st, chrome, id, Decision::Return(f.reason)).await
}

struct FilingView {
    assignment: i64,
    no: String,
    target: String,
    unit: String,
    share: String,
    status: &'static str,
    status_label: &'static str,
    revision: Option<u32>,
    filed: String,
    approved: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "plan_filings.html")]
struct FilingsPage {
    chrome: Chrome,
    t: &'static PlanMsg,
    plan_id: i64,
    plan_title: String,
    counts: Vec<(&'static str, &'static str, usize, bool)>,
    rows: Vec<FilingView>,
    funds: Vec<(&'static str, String)>,
    funds_total: String,
    total: usize,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct FilingsQuery {
    status: String,
}

/// `GET /plans/{id}/implementation?status=…`: who has filed an implementation plan and who has
/// not, with the funds of the plans in force.
async fn filings_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<FilingsQuery>,
) -> Result<FilingsPage, WebError> {
    let me = chrome.account()?.clone();
    let plan: PlanId = id_of(&id)?;
    let f: Filings = implementation::filings(&st.store, &me, plan).await?;
    let lang = chrome.lang;
    let t = words(lang);
    let code_of = |r: &minsheng_app::implementation::FilingRow| {
        r.latest.as_ref().map_or("none", |p| p.status.code())
    };
    let mut counts = vec![("", t.all, f.rows.len(), q.status.is_empty())];
    counts.push(("none", t.not_filed, f.not_filed(), q.status == "none"));
    for s in ImplementationStatus::ALL {
        counts.push((
            s.code(),
            status_label(lang, s),
            f.count(s),
            q.status == s.code(),
        ));
    }
    let rows = f
        .rows
        .iter()
        .filter(|r| q.status.is_empty() || code_of(r) == q.status)
        .map(|r| {
            let target = &r.placed.target;
            FilingView {
                assignment: r.placed.assignment.id.0,
                no: format!("{}.{}", r.placed.section_no, r.placed.item_no),
                target: target.phrase.clone(),
                unit: r.unit.clone(),
                share: match (target.kind, r.placed.assignment.quota) {
                    (TargetKind::Quantity, Some(q)) => lang.amount(q, &target.quantity.unit),
                    _ => lang
                        .pick(
                            r.placed.assignment.role.label_zh(),
                            r.placed.assignment.role.label_en(),
                        )
                        .to_string(),
                },
                status: code_of(r),
                status_label: r
                    .latest
                    .as_ref()
                    .map_or(t.not_filed, |p| status_label(lang, p.status)),
                revision: r.latest.as_ref().map(|p| p.revision),
                filed: r
                    .latest
                    .as_ref()
                    .map(|p| time(p.filed_at))
                    .unwrap_or_default(),
                approved: r.approved,
            }
        })
        .collect();
    let total = f
        .funds
        .iter()
        .fold(Decimal::ZERO, |s, (_, a)| s.saturating_add(*a));
    Ok(FilingsPage {
        t,
        plan_id: plan.0,
        plan_title: f.plan.title.clone(),
        counts,
        rows,
        funds: f
            .funds
            .iter()
            .filter(|(_, a)| !a.is_zero())
            .map(|(s, a)| (lang.pick(s.label_zh(), s.label_en()), lang.amount(*a, "元")))
            .collect(),
        funds_total: lang.amount(total, "元"),
        total: f.rows.len(),
        chrome,
    })
}

pub(super) fn routes() -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/workspace/assignments/{id}/plan",
            get(form_page).post(form_post),
        )
        .route(
            "/implementation-plans/{id}/document",
            get(download)
                .post(upload)
                .layer(DefaultBodyLimit::max(super::UPLOAD_LIMIT)),
        )
        .route("/assignments/{id}/plan", get(view_page))
        .route("/implementation-plans/{id}/approve", post(approve))
        .route("/implementation-plans/{id}/return", post(return_plan))
        .route("/plans/{id}/implementation", get(filings_page))
}
