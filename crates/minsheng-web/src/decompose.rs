//! The decomposition pages (任务分解), for the office: `GET /targets/{id}/decompose` shows a
//! target's lead, partners and split over regions with quotas and budgets, the sum against
//! the target, and helpers (a split proposed by population or equal shares, `?by=`; in the
//! proportions of another target's split, `?like=`); `POST` saves it through
//! [`minsheng_app::decomposition::assign_as`] — the API's rule — or shows the form again
//! (422) with each refusal beside its field and nothing saved. `GET …/decompose/sheet.xlsx`
//! downloads the split sheet; `POST …/decompose/sheet` uploads it filled
//! ([`minsheng_app::split_sheet`]: every cell checked, errors by row and column, all or
//! nothing). `GET /plans/{id}/decomposition`: which targets are split, which units hold what.

mod msg;

use crate::AppState;
use crate::auth::Chrome;
use crate::error::{Text, WebError};
use crate::i18n::Lang;
use crate::input;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minsheng_app::AppError;
use minsheng_app::decomposition::{
    self, Decomposition, DecompositionView, OtherTarget, PlanDecomposition, Share, SplitState,
    WeightSource,
};
use minsheng_app::split_sheet;
use minsheng_domain::{Accrual, Action, OrgUnit, PlanId, Target, TargetId, TargetKind, UnitId};
use msg::Msg;
use rust_decimal::Decimal;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/targets/{id}/decompose", get(page).post(save))
        .route("/targets/{id}/decompose/sheet.xlsx", get(download))
        .route("/targets/{id}/decompose/sheet", post(upload))
        .route("/targets/{id}/decompose/weights", post(upload_weights))
        .route("/plans/{id}/decomposition", get(plan_page))
        .route(
            "/units/population",
            get(population_page).post(population_save),
        )
}

/// One region's row of the population page.
struct PopulationRow {
    id: i64,
    name: String,
    value: String,
    deeper: bool,
    error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "population.html")]
struct PopulationPage {
    chrome: Chrome,
    t: &'static Msg,
    parent: OrgUnit,
    above: Vec<OrgUnit>,
    rows: Vec<PopulationRow>,
    note: Option<&'static str>,
    error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PopulationQuery {
    under: Option<i64>,
    saved: Option<String>,
}

fn population_page_of(
    chrome: Chrome,
    v: decomposition::WeightsView,
    typed: Option<&std::collections::HashMap<String, String>>,
    refused: Option<(String, String)>,
) -> PopulationPage {
    let t = words(chrome.lang);
    let rows = v
        .rows
        .iter()
        .map(|(u, value, deeper)| {
            let key = format!("population-{}", u.id);
            PopulationRow {
                id: u.id.0,
                name: u.name.clone(),
                value: typed
                    .and_then(|m| m.get(&key).cloned())
                    .unwrap_or_else(|| value.map(|v| v.to_string()).unwrap_or_default()),
                deeper: *deeper,
                error: refused
                    .as_ref()
                    .filter(|(f, _)| *f == key)
                    .map(|(_, m)| m.clone()),
            }
        })
        .collect();
    let error = refused
        .filter(|(f, _)| !f.starts_with("population-"))
        .map(|(_, m)| m);
    PopulationPage {
        t,
        parent: v.parent,
        above: v.above,
        rows,
        note: None,
        error,
        chrome,
    }
}

/// `GET /units/population?under=…`: the resident population of the regions under one region.
async fn population_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Query(q): Query<PopulationQuery>,
) -> Result<PopulationPage, WebError> {
    let me = chrome.may(Action::Decompose)?.clone();
    let v = decomposition::weights(&st.store, &me, q.under.map(UnitId)).await?;
    let mut page = population_page_of(chrome, v, None, None);
    if q.saved.is_some() {
        page.note = Some(page.t.pop_saved);
    }
    Ok(page)
}

/// `POST /units/population?under=…` (`population-{unit}` = people): all checked, then all
/// saved in one transaction; a refused value is named beside its region, nothing saved.
async fn population_save(
    State(st): State<AppState>,
    chrome: Chrome,
    Query(q): Query<PopulationQuery>,
    axum::extract::Form(form): axum::extract::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::Decompose)?.clone();
    let under = q.under.map(UnitId);
    let typed: std::collections::HashMap<String, String> = form.into_iter().collect();
    let mut values = Vec::new();
    let mut refused = None;
    for (k, v) in &typed {
        let Some(id) = k
            .strip_prefix("population-")
            .and_then(|s| s.parse::<i64>().ok())
        else {
            continue;
        };
        match crate::input::number(v) {
            Ok(Some(n)) => values.push((UnitId(id), n)),
            Ok(None) => {}
            Err(e) => {
                refused = Some((k.clone(), format!("“{v}”:{e}")));
                break;
            }
        }
    }
    values.sort_by_key(|(u, _)| *u);
    if refused.is_none() {
        match decomposition::set_population(&st.store, &me, &values).await {
            Ok(_) => {
                let to = match under {
                    Some(u) => format!("/units/population?under={u}&saved=1"),
                    None => "/units/population?saved=1".to_string(),
                };
                return Ok(Redirect::to(&to).into_response());
            }
            Err(minsheng_app::AppError::Invalid { field, reason }) => {
                refused = Some((
                    field,
                    crate::error::Text::split(&reason).for_page(chrome.lang),
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let v = decomposition::weights(&st.store, &me, under).await?;
    let page = population_page_of(chrome, v, Some(&typed), refused);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

fn words(lang: Lang) -> &'static Msg {
    lang.pick(&msg::ZH, &msg::EN)
}

/// One region's row of the form.
#[derive(Debug, Clone)]
struct Row {
    unit: OrgUnit,
    quota: String,
    budget: String,
    error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "decompose.html")]
struct DecomposePage {
    chrome: Chrome,
    t: &'static Msg,
    v: DecompositionView,
    /// What the form holds the target as.
    accrual: Accrual,
    /// Its unit is a rate or time limit: it can only be a level.
    kind_fixed: bool,
    lead: String,
    lead_budget: String,
    partners: Vec<UnitId>,
    rows: Vec<Row>,
    /// Refusals by field (`lead`, `lead_budget`, `partners`, `accrual`, `quota`, …).
    errors: Vec<(String, String)>,
    /// The sum of the quotas typed, against the target (counts only).
    sum: Option<String>,
    /// How far the sum is from the target, when it is.
    diff: Option<String>,
    notice: Option<String>,
    /// A refused split sheet's problems, by row and column.
    sheet_errors: Vec<(String, String, String)>,
    weight_errors: Vec<(String, String, String)>,
    /// The target's value as plain digits, for the live sum.
    target_value: String,
    /// The weight chosen for the proposal, if any.
    by: String,
    like: String,
}

impl DecomposePage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Refusals that belong to no field shown.
    fn others(&self) -> Vec<&str> {
        const SHOWN: [&str; 5] = ["lead", "lead_budget", "partners", "accrual", "quota"];
        self.errors
            .iter()
            .filter(|(f, _)| !SHOWN.contains(&f.as_str()) && !f.starts_with("shares["))
            .map(|(_, m)| m.as_str())
            .collect()
    }

    fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.rows.iter().any(|r| r.error.is_some())
    }

    fn is_partner(&self, id: &UnitId) -> bool {
        self.partners.contains(id)
    }

    fn is_level(&self) -> bool {
        self.accrual == Accrual::Level
    }

    fn kind_label(&self, a: impl std::borrow::Borrow<Accrual>) -> &'static str {
        let a = a.borrow();
        self.chrome
            .lang
            .pick(a.split_label_zh(), a.split_label_en())
    }

    fn weight_label(&self, w: &str) -> &'static str {
        match w {
            decomposition::POPULATION => self.t.weight_population,
            _ => self.t.weight_equal,
        }
    }

    fn other_label(&self, o: &OtherTarget) -> String {
        let phrase: String = o.target.phrase.chars().take(24).collect();
        let year = if o.same_plan {
            String::new()
        } else {
            self.chrome
                .lang
                .pick(format!("{}年:", o.year), format!("{}: ", o.year))
        };
        format!(
            "{year}{phrase}({})",
            self.chrome.lang.quantity(&o.target.quantity)
        )
    }
}

fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The form as the view holds it now.
fn rows_of(v: &DecompositionView, shares: &[Share]) -> Vec<Row> {
    v.regions
        .iter()
        .map(|u| {
            let s = shares.iter().find(|s| s.unit == u.id);
            Row {
                unit: u.clone(),
                quota: s.map(|s| dec(s.quota)).unwrap_or_default(),
                budget: s.and_then(|s| s.budget).map(dec).unwrap_or_default(),
                error: None,
            }
        })
        .collect()
}

/// The sum of the quotas typed and its distance from the target, for a count.
fn sum_of(
    lang: Lang,
    target: &Target,
    accrual: Accrual,
    rows: &[Row],
) -> (Option<String>, Option<String>) {
    if accrual == Accrual::Level {
        return (None, None);
    }
    let sum = rows
        .iter()
        .filter_map(|r| input::number(&r.quota).ok().flatten())
        .try_fold(Decimal::ZERO, |a, q| a.checked_add(q));
    match sum {
        Some(sum) => {
            let unit = target.quantity.unit.clone();
            let diff = sum
                .checked_sub(target.quantity.value)
                .filter(|d| !d.is_zero());
            (
                Some(lang.amount(sum, &unit)),
                diff.map(|d| {
                    let sign = if d.is_sign_positive() { "+" } else { "−" };
                    format!("{sign}{}", lang.amount(d.abs(), &unit))
                }),
            )
        }
        None => (None, None),
    }
}

fn base_page(chrome: Chrome, v: DecompositionView) -> DecomposePage {
    let t = words(chrome.lang);
    let rows = rows_of(&v, &v.shares);
    let accrual = v.target.accrual();
    let (sum, diff) = sum_of(chrome.lang, &v.target, accrual, &rows);
    DecomposePage {
        t,
        kind_fixed: !v.target.quantity.is_additive(),
        lead: v.lead.map(|(u, _)| u.to_string()).unwrap_or_default(),
        lead_budget: v.lead.and_then(|(_, b)| b).map(dec).unwrap_or_default(),
        partners: v.partners.clone(),
        target_value: dec(v.target.quantity.value),
        accrual,
        rows,
        errors: Vec::new(),
        sum,
        diff,
        notice: None,
        sheet_errors: Vec::new(),
        weight_errors: Vec::new(),
        by: String::new(),
        like: String::new(),
        chrome,
        v,
    }
}

fn target_id(s: &str) -> Result<TargetId, WebError> {
    s.parse().map_err(|_| WebError::NotFound)
}

#[derive(Debug, Default, serde::Deserialize)]
struct PageQuery {
    by: Option<String>,
    like: Option<String>,
    notice: Option<String>,
}

async fn page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::Decompose)?.clone();
    let id = target_id(&id)?;
    let v = decomposition::view(&st.store, &me, id).await?;
    let mut p = base_page(chrome, v);
    let t = p.t;
    p.notice = match q.notice.as_deref() {
        Some("saved") => Some(t.saved.to_string()),
        Some("sheet") => Some(t.sheet_saved.to_string()),
        _ => None,
    };
    let source = match (q.by.as_deref(), q.like.as_deref()) {
        (Some(decomposition::POPULATION), _) => {
            p.by = decomposition::POPULATION.into();
            Some((
                WeightSource::Named(decomposition::POPULATION),
                t.weight_population.to_string(),
            ))
        }
        (Some("equal"), _) => {
            p.by = "equal".into();
            Some((WeightSource::Equal, t.weight_equal.to_string()))
        }
        (_, Some(other)) if !other.is_empty() => {
            let other_id = target_id(other)?;
            p.like = other.to_string();
            let label =
                p.v.others
                    .iter()
                    .find(|o| o.target.id == other_id)
                    .map(|o| p.other_label(o))
                    .ok_or(WebError::NotFound)?;
            Some((WeightSource::Target(other_id), label))
        }
        _ => None,
    };
    let mut status = StatusCode::OK;
    if let Some((source, label)) = source {
        match decomposition::propose(&st.store, &p.v, source).await {
            Ok(shares) => {
                p.rows = rows_of(&p.v, &shares);
                let (sum, diff) = sum_of(p.chrome.lang, &p.v.target, p.accrual, &p.rows);
                p.sum = sum;
                p.diff = diff;
                p.notice = Some(format!("{}{label}{}", t.proposed_pre, t.proposed_post));
            }
            Err(AppError::Invalid { field, reason }) => {
                status = StatusCode::UNPROCESSABLE_ENTITY;
                p.errors
                    .push((field, Text::split(&reason).for_page(p.chrome.lang)));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok((status, p).into_response())
}

/// Reads the posted form back into the page (as typed) and, when every field reads, a
/// decomposition; the share index → row index map for placing refusals.
fn read_form(
    p: &mut DecomposePage,
    form: &[(String, String)],
) -> Option<(Decomposition, Vec<usize>)> {
    let lang = p.chrome.lang;
    let get = |k: &str| {
        form.iter()
            .find(|(f, _)| f == k)
            .map_or("", |(_, v)| v.as_str())
    };
    let mut ok = true;
    let mut fail = |p: &mut DecomposePage, field: &str, msg: String| {
        ok = false;
        p.errors.push((field.to_string(), msg));
    };
    p.lead = get("lead").trim().to_string();
    p.lead_budget = get("lead_budget").trim().to_string();
    p.partners = form
        .iter()
        .filter(|(f, _)| f == "partners")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    if !p.kind_fixed {
        match get("accrual") {
            "cumulative" => p.accrual = Accrual::Cumulative,
            "level" => p.accrual = Accrual::Level,
            _ => {}
        }
    }
    let lead: Option<UnitId> = if p.lead.is_empty() {
        fail(p, "lead", p.t.lead_needed.to_string());
        None
    } else {
        match p.lead.parse() {
            Ok(u) => Some(u),
            Err(_) => {
                fail(p, "lead", p.t.lead_needed.to_string());
                None
            }
        }
    };
    let number = |s: &str| input::number(s).map_err(|e| Text::split(&e.to_string()).for_page(lang));
    let lead_budget = match number(&p.lead_budget) {
        Ok(b) => b,
        Err(e) => {
            fail(p, "lead_budget", e);
            None
        }
    };
    let mut shares = Vec::new();
    let mut share_rows = Vec::new();
    for i in 0..p.rows.len() {
        let q = get(&format!("q{i}")).trim().to_string();
        let b = get(&format!("b{i}")).trim().to_string();
        p.rows[i].quota = q.clone();
        p.rows[i].budget = b.clone();
        let quota = match number(&q) {
            Ok(v) => v,
            Err(e) => {
                ok = false;
                p.rows[i].error = Some(e);
                continue;
            }
        };
        let budget = match number(&b) {
            Ok(v) => v,
            Err(e) => {
                ok = false;
                p.rows[i].error = Some(e);
                continue;
            }
        };
        match quota {
            Some(quota) => {
                shares.push(Share {
                    unit: p.rows[i].unit.id,
                    quota,
                    budget,
                });
                share_rows.push(i);
            }
            None if budget.is_some() => {
                ok = false;
                p.rows[i].error = Some(
                    lang.pick("填写了资金却没有任务量", "funds without a quota")
                        .to_string(),
                );
            }
            None => {}
        }
    }
    let (sum, diff) = sum_of(p.chrome.lang, &p.v.target, p.accrual, &p.rows);
    p.sum = sum;
    p.diff = diff;
    let lead = lead?;
    ok.then(|| {
        (
            Decomposition {
                target: p.v.target.id,
                lead,
                partners: p.partners.iter().copied().filter(|u| *u != lead).collect(),
                shares,
                lead_budget,
                accrual: (!p.kind_fixed).then_some(p.accrual),
            },
            share_rows,
        )
    })
}

/// Places a use-case's refusal beside its field: a share's by its row.
fn place(p: &mut DecomposePage, field: String, reason: &str, share_rows: &[usize]) {
    let text = Text::split(reason).for_page(p.chrome.lang);
    let row = field
        .strip_prefix("shares[")
        .and_then(|r| r.split(']').next())
        .and_then(|i| i.parse::<usize>().ok())
        .and_then(|i| share_rows.get(i).copied());
    match row {
        Some(r) if r < p.rows.len() => p.rows[r].error = Some(text),
        _ => {
            let field = if field.starts_with("partners[") {
                "partners".to_string()
            } else {
                field
            };
            p.errors.push((field, text));
        }
    }
}

async fn save(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    axum::extract::Form(form): axum::extract::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::Decompose)?.clone();
    let id = target_id(&id)?;
    let v = decomposition::view(&st.store, &me, id).await?;
    let mut p = base_page(chrome, v);
    if let Some((d, share_rows)) = read_form(&mut p, &form) {
        match decomposition::assign_as(&st.store, &me, &d).await {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("/targets/{id}/decompose?notice=saved")).into_response(),
                );
            }
            Err(AppError::Invalid { field, reason }) => place(&mut p, field, &reason, &share_rows),
            Err(e) => return Err(e.into()),
        }
    }
    Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
}

async fn download(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::Decompose)?.clone();
    let id = target_id(&id)?;
    let v = decomposition::view(&st.store, &me, id).await?;
    let bytes = split_sheet::write(&v)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"split-{id}.xlsx\"; filename*=UTF-8''%E5%88%86%E8%A7%A3%E8%A1%A8-{id}.xlsx"
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn upload(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::Decompose)?.clone();
    let id = target_id(&id)?;
    let v = decomposition::view(&st.store, &me, id).await?;
    let mut p = base_page(chrome, v);
    let t = p.t;
    let bad = |e: axum::extract::multipart::MultipartError| WebError::BadRequest(e.body_text());
    let mut m = Multipart::from_request(req, &st)
        .await
        .map_err(|e| WebError::BadRequest(e.body_text()))?;
    let mut lead = String::new();
    let mut file: Option<axum::body::Bytes> = None;
    while let Some(field) = m.next_field().await.map_err(bad)? {
        match field.name() {
            Some("lead") => lead = field.text().await.map_err(bad)?,
            Some("file") => {
                let named = field.file_name().is_some_and(|n| !n.trim().is_empty());
                let bytes = field.bytes().await.map_err(bad)?;
                if named && !bytes.is_empty() {
                    file = Some(bytes);
                }
            }
            _ => {}
        }
    }
    let lang = p.chrome.lang;
    let lead_id: Option<UnitId> = lead.trim().parse().ok();
    p.lead = lead.trim().to_string();
    let Some(lead_id) = lead_id else {
        p.errors.push(("lead".into(), t.lead_needed.to_string()));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    };
    let Some(bytes) = file else {
        p.sheet_errors.push((
            t.sheet_whole.to_string(),
            String::new(),
            lang.pick("请选择要上传的分解表", "choose the sheet to upload")
                .to_string(),
        ));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    };
    let outcome = match split_sheet::read(&p.v, &bytes) {
        Ok((shares, lines)) => {
            let r = split_sheet::save(&st.store, &me, &p.v, lead_id, shares.clone(), &lines).await;
            if r.is_err() {
                // Show what the sheet held, for the office to see beside the refusal.
                p.rows = rows_of(&p.v, &shares);
                let (sum, diff) = sum_of(p.chrome.lang, &p.v.target, p.accrual, &p.rows);
                p.sum = sum;
                p.diff = diff;
            }
            r
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => {
            Ok(Redirect::to(&format!("/targets/{id}/decompose?notice=sheet")).into_response())
        }
        Err(AppError::Rows(rows)) => {
            p.sheet_errors = sheet_refusals(t, lang, rows);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// A sheet's refusals as the page lists them: (row or "the file", column, reason).
fn sheet_refusals(
    t: &Msg,
    lang: Lang,
    rows: Vec<minsheng_app::RowRefusal>,
) -> Vec<(String, String, String)> {
    rows.into_iter()
        .map(|r| {
            (
                if r.line == 0 {
                    t.sheet_whole.to_string()
                } else {
                    t.sheet_row.replace("{}", &r.line.to_string())
                },
                Text::split(&r.field).for_page(lang),
                Text::split(&r.reason).for_page(lang),
            )
        })
        .collect()
}

/// `POST /targets/{id}/decompose/weights` (multipart, `file`): a column of weights by region
/// (A: the region, B: its weight) read from a spreadsheet, and the target proposed in
/// proportion to it in the form — nothing is saved until the office saves the form. A sheet
/// with a problem is refused by row and column.
async fn upload_weights(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::Decompose)?.clone();
    let id = target_id(&id)?;
    let v = decomposition::view(&st.store, &me, id).await?;
    let mut p = base_page(chrome, v);
    let t = p.t;
    let lang = p.chrome.lang;
    let bad = |e: axum::extract::multipart::MultipartError| WebError::BadRequest(e.body_text());
    let mut m = Multipart::from_request(req, &st)
        .await
        .map_err(|e| WebError::BadRequest(e.body_text()))?;
    let mut file: Option<(String, axum::body::Bytes)> = None;
    while let Some(field) = m.next_field().await.map_err(bad)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or_default().trim().to_string();
            let bytes = field.bytes().await.map_err(bad)?;
            if !name.is_empty() && !bytes.is_empty() {
                file = Some((name, bytes));
            }
        }
    }
    let Some((name, bytes)) = file else {
        p.weight_errors.push((
            t.sheet_whole.to_string(),
            String::new(),
            lang.pick(
                "请选择要上传的权重表",
                "choose the sheet of weights to upload",
            )
            .to_string(),
        ));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    };
    let proposed = match split_sheet::read_weights(&p.v, &bytes) {
        Ok(given) => decomposition::propose(&st.store, &p.v, WeightSource::Given(given)).await,
        Err(e) => Err(e),
    };
    match proposed {
        Ok(shares) => {
            p.rows = rows_of(&p.v, &shares);
            let (sum, diff) = sum_of(lang, &p.v.target, p.accrual, &p.rows);
            p.sum = sum;
            p.diff = diff;
            p.notice = Some(format!(
                "{}{}{}",
                t.proposed_pre,
                t.weights_of.replace("{}", &name),
                t.proposed_post
            ));
            Ok((StatusCode::OK, p).into_response())
        }
        Err(AppError::Rows(rows)) => {
            p.weight_errors = sheet_refusals(t, lang, rows);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(AppError::Invalid { field, reason }) => {
            p.errors.push((field, Text::split(&reason).for_page(lang)));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "plan_decomposition.html")]
struct PlanPage {
    chrome: Chrome,
    t: &'static Msg,
    d: PlanDecomposition,
}

impl PlanPage {
    fn state_label(&self, s: &SplitState) -> &'static str {
        match s {
            SplitState::Unassigned => self.t.state_unassigned,
            SplitState::LeadOnly => self.t.state_lead_only,
            SplitState::Split => self.t.state_split,
            SplitState::Broken => self.t.state_broken,
        }
    }

    fn kind_label(&self, t: &Target) -> &'static str {
        match (t.kind, t.accrual()) {
            (TargetKind::Stage, _) => self.t.kind_stage,
            (_, Accrual::Cumulative) => self.t.kind_count,
            (_, Accrual::Level) => self.t.kind_level,
        }
    }

    fn counts(&self) -> Vec<(&'static str, &'static str, usize)> {
        [
            (SplitState::Unassigned, self.t.count_unassigned),
            (SplitState::LeadOnly, self.t.count_lead_only),
            (SplitState::Split, self.t.count_split),
            (SplitState::Broken, self.t.count_broken),
        ]
        .into_iter()
        .map(|(s, l)| (s.code(), l, self.d.count(s)))
        .collect()
    }

    fn quantity(&self, t: &Target, v: &Decimal) -> String {
        self.chrome.lang.amount(*v, &t.quantity.unit)
    }

    fn money(&self, v: &Decimal) -> String {
        if v.is_zero() {
            self.chrome.t.none.to_string()
        } else {
            self.chrome.lang.number(*v)
        }
    }
}

async fn plan_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<PlanPage, WebError> {
    let me = chrome.may(Action::ViewDashboard)?.clone();
    let id: PlanId = id.parse().map_err(|_| WebError::NotFound)?;
    let d = decomposition::plan_status(&st.store, &me, id).await?;
    Ok(PlanPage {
        t: words(chrome.lang),
        chrome,
        d,
    })
}
