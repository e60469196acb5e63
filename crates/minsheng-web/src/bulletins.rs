//! 进展通报 pages: a plan's bulletins (`/plans/{id}/bulletins`, and a new draft for a month),
//! a bulletin (`/bulletins/{id}`: the figures, and for the office the draft's words and the
//! 文号 to issue it with), its DOCX and XLSX, and the public portal's copy
//! (`/public/bulletins/{id}`). Everything a bulletin says is [`minsheng_app::bulletin`]'s; the
//! page only formats it in the reader's language, and prints on A4 (`@media print` in
//! `site.css`).

pub(crate) mod msg;

use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
use crate::i18n::Lang;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use minsheng_app::AppError;
use minsheng_app::bulletin::{self, Body, BulletinView, DraftInput, Line};
use minsheng_domain::{Action, Bucket, Bulletin, BulletinId, Period, PlanId, Status, TargetId};
use msg::{BulletinMsg, EN, ZH};
use rust_decimal::Decimal;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/bulletins", get(mine))
        .route("/plans/{id}/bulletins", get(list_page).post(start))
        .route("/bulletins/{id}", get(page).post(save))
        .route("/bulletins/{id}/issue", axum::routing::post(issue))
        .route("/bulletins/{id}/send", axum::routing::post(send))
        .route("/bulletins/{id}/bulletin.docx", get(docx))
        .route("/bulletins/{id}/bulletin.xlsx", get(xlsx))
        .route("/public/bulletins/{id}", get(public_page))
}

pub(crate) fn words(lang: Lang) -> &'static BulletinMsg {
    lang.pick(&ZH, &EN)
}

fn period_label(p: Period, lang: Lang) -> String {
    match lang {
        Lang::Zh => p.label_zh(),
        Lang::En => p.label_en(),
    }
}

fn name_of(b: &Bulletin, lang: Lang) -> String {
    match lang {
        Lang::Zh => b.name_zh(),
        Lang::En => b.name_en(),
    }
}

fn time(t: jiff::Timestamp) -> String {
    minsheng_app::clock::in_beijing(t)
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// A bulletin in a list: the workspace's, the portal's, a plan's.
pub(crate) struct Link {
    pub href: String,
    pub name: String,
    pub plan: String,
    pub period: String,
    pub doc_no: String,
    pub status: &'static str,
    pub draft: bool,
    pub issued: String,
    pub public: bool,
    pub corrects: String,
}

pub(crate) fn link(b: &Bulletin, plan: &str, lang: Lang, href: String) -> Link {
    Link {
        href,
        name: name_of(b, lang),
        plan: plan.to_string(),
        period: period_label(b.period, lang),
        doc_no: b.doc_no.clone().unwrap_or_default(),
        status: lang.pick(b.status.label_zh(), b.status.label_en()),
        draft: b.is_draft(),
        issued: b
            .issued
            .as_ref()
            .map(|(_, at)| time(*at))
            .unwrap_or_default(),
        public: b.public,
        corrects: b.corrects.map(|c| format!("#{c}")).unwrap_or_default(),
    }
}

/// The issued bulletins concerning a unit account, for its workspace.
pub(crate) async fn for_workspace(st: &AppState, chrome: &Chrome) -> Result<Vec<Link>, WebError> {
    let Ok(me) = chrome.account() else {
        return Ok(Vec::new());
    };
    if me.may(Action::ViewBulletins).is_err() {
        return Ok(Vec::new());
    }
    let list = bulletin::of_my_unit(&st.store, me).await?;
    Ok(list
        .iter()
        .take(12)
        .map(|(b, plan)| link(b, plan, chrome.lang, format!("/bulletins/{}", b.id)))
        .collect())
}

/// The public bulletins of a published plan, for its portal page.
pub(crate) async fn for_portal(
    st: &AppState,
    lang: Lang,
    plan: PlanId,
) -> Result<Vec<Link>, WebError> {
    let list = bulletin::public_bulletins(&st.store, plan).await?;
    Ok(list
        .iter()
        .map(|b| link(b, "", lang, format!("/public/bulletins/{}", b.id)))
        .collect())
}

#[derive(Template, WebTemplate)]
#[template(path = "bulletins.html")]
struct ListPage {
    chrome: Chrome,
    t: &'static BulletinMsg,
    plan: Option<(i64, String)>,
    rows: Vec<Link>,
    can_issue: bool,
    months: Vec<(String, String)>,
    error: Option<String>,
}

fn id_of<T: std::str::FromStr>(s: &str) -> Result<T, WebError> {
    s.trim().parse().map_err(|_| WebError::NotFound)
}

/// `GET /bulletins`: the office lands on the bulletins of the plan the dashboard opens on; a
/// unit or a leader of one reads the issued bulletins that concern it.
async fn mine(State(st): State<AppState>, chrome: Chrome) -> Result<Response, WebError> {
    let me = chrome.may(Action::ViewBulletins)?.clone();
    if me.sees_all() {
        let plans = st.store.plans().await.map_err(AppError::from)?;
        if let Some(p) = minsheng_app::overview::landing_plan(&st.store, &plans).await? {
            return Ok(Redirect::to(&format!("/plans/{}/bulletins", p.id)).into_response());
        }
    }
    let rows = for_workspace(&st, &chrome).await?;
    let t = words(chrome.lang);
    Ok(ListPage {
        plan: None,
        rows,
        can_issue: false,
        months: Vec::new(),
        error: None,
        t,
        chrome,
    }
    .into_response())
}

async fn list_of(
    st: &AppState,
    chrome: Chrome,
    plan: PlanId,
    error: Option<String>,
) -> Result<ListPage, WebError> {
    let me = chrome.may(Action::ViewBulletins)?.clone();
    let lang = chrome.lang;
    let list = bulletin::list(&st.store, &me, plan).await?;
    let p = st.store.plan(plan).await.map_err(AppError::from)?;
    let can_issue = chrome.can(Action::IssueBulletin);
    let months = if can_issue {
        st.store
            .months_with_accepted_data(plan)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .rev()
            .map(|m| (m.to_string(), period_label(m, lang)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(ListPage {
        t: words(lang),
        plan: Some((p.id.0, p.title.clone())),
        rows: list
            .iter()
            .map(|b| link(b, &p.title, lang, format!("/bulletins/{}", b.id)))
            .collect(),
        can_issue,
        months,
        error,
        chrome,
    })
}

/// `GET /plans/{id}/bulletins`
async fn list_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<ListPage, WebError> {
    list_of(&st, chrome, id_of(&id)?, None).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct StartForm {
    period: String,
}

/// `POST /plans/{id}/bulletins` with `period`: the draft of that month (started, or found).
async fn start(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(f): Form<StartForm>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::IssueBulletin)?.clone();
    let plan: PlanId = id_of(&id)?;
    match bulletin::start_draft(&st.store, &me, plan, &f.period, st.today()).await {
        Ok(b) => Ok(Redirect::to(&format!("/bulletins/{b}")).into_response()),
        Err(AppError::Invalid { reason, .. }) => {
            let page = list_of(&st, chrome, plan, Some(reason)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// A target's line, formatted.
struct LineRow {
    target: i64,
    no: String,
    phrase: String,
    lead: String,
    goal: String,
    actual: String,
    expected: String,
    completion: String,
    status: Status,
    status_label: &'static str,
    reason: String,
    reason_by_office: bool,
}

struct BucketView {
    code: &'static str,
    label: &'static str,
    rows: Vec<LineRow>,
}

struct GroupRow {
    name: String,
    count: usize,
    mean: String,
    counts: Vec<usize>,
}

struct RankRow {
    rank: usize,
    name: String,
    shares: usize,
    mean: String,
    shortfalls: usize,
}

/// A reason the office may write for a lagging target.
struct ReasonField {
    target: i64,
    label: String,
    value: String,
    placeholder: String,
}

/// The bulletin itself, as the page, the portal and the command line's HTML show it.
struct Article {
    t: &'static BulletinMsg,
    id: i64,
    /// Shown on the portal or in a file: no office links.
    public_view: bool,
    title: String,
    name: String,
    draft: bool,
    issued: String,
    corrects: Option<(String, String)>,
    as_of: String,
    office: String,
    /// 吉林省民生实事工作通报: the issuing office's masthead (版头).
    masthead: String,
    opening: Vec<String>,
    closing: Vec<String>,
    overall: String,
    counts: Vec<(Bucket, &'static str, usize)>,
    buckets: Vec<BucketView>,
    red: Vec<String>,
    yellow: Vec<String>,
    green: usize,
    statuses: Vec<(Status, &'static str)>,
    regions: Vec<GroupRow>,
    leads: Vec<GroupRow>,
    reporting: Vec<(&'static str, String)>,
    ranking: Vec<RankRow>,
    red_list: String,
    black_list: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "bulletin.html")]
struct BulletinPage {
    chrome: Chrome,
    t: &'static BulletinMsg,
    a: Article,
    list_href: String,
    can_edit: bool,
    /// An issued bulletin the office may send to the units' channels.
    can_send: bool,
    edit_opening: String,
    edit_closing: String,
    edit_public: bool,
    reasons: Vec<ReasonField>,
    note: Option<&'static str>,
    error: Option<String>,
    doc_no_value: String,
}

/// A bulletin as a file of its own (`minsheng bulletin --format html`).
#[derive(Template)]
#[template(path = "bulletin_standalone.html")]
struct Standalone {
    lang: &'static str,
    css: &'static str,
    a: Article,
}

/// A bulletin as one HTML file, in Chinese, its stylesheet inlined (`minsheng bulletin
/// --format html`): the same article the page shows.
pub fn standalone_html(view: &BulletinView) -> String {
    let page = Standalone {
        lang: "zh-CN",
        css: crate::assets::SITE_CSS,
        a: Article::new(Lang::Zh, view, true),
    };
    page.render()
        .unwrap_or_else(|e| format!("<!DOCTYPE html><p>bulletin template: {e}</p>"))
}

fn pct(d: Option<Decimal>) -> String {
    bulletin::percent(d)
}

fn line_row(l: &Line, lang: Lang) -> LineRow {
    let figure = |d: Option<Decimal>| match d {
        Some(d) if !l.is_stage() => lang.amount(d, &l.unit),
        _ => "—".into(),
    };
    let cmp = minsheng_domain::Cmp::from_code(&l.cmp);
    LineRow {
        target: l.target,
        no: l.no.clone(),
        phrase: l.phrase.clone(),
        lead: l.lead.clone().unwrap_or_default(),
        goal: if l.is_stage() {
            lang.pick("定性事项", "qualitative").to_string()
        } else {
            format!(
                "{}{}",
                cmp.map_or("", |c| lang.pick(c.label_zh(), c.label_en())),
                lang.amount(l.goal, &l.unit)
            )
        },
        actual: figure(l.actual),
        expected: figure(l.expected),
        completion: pct(l.completion),
        status: l.status(),
        status_label: lang.pick(l.status().label_zh(), l.status().label_en()),
        reason: l.reason.clone().unwrap_or_default(),
        reason_by_office: l.reason_by_office,
    }
}

fn overall_en(b: &Body) -> String {
    let o = &b.overall;
    format!(
        "By the end of {}, {} had {} items with {} targets. {} of the {} items are done ({}). Of the targets, {} are done ahead of time or beyond the goal, {} on schedule, {} behind schedule ({} of them far behind), and {} not reported or awaiting review. Mean completion {}, expected by now {}.",
        b.period().label_en(),
        b.plan_title,
        o.items,
        o.targets,
        o.items_done,
        o.items,
        pct(o.items_rate()),
        o.in_bucket(Bucket::Ahead),
        o.in_bucket(Bucket::OnSchedule),
        o.in_bucket(Bucket::Behind),
        o.count(Status::AtRisk),
        o.in_bucket(Bucket::NoFigure),
        pct(o.completion),
        pct(o.expected),
    )
}

fn paragraphs(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

impl Article {
    fn new(lang: Lang, view: &BulletinView, public_view: bool) -> Article {
        let t = words(lang);
        let b = &view.body;
        let bulletin = view.bulletin.as_ref();
        let draft = bulletin.is_none_or(|x| x.is_draft());
        let overall = match lang {
            Lang::Zh => bulletin::prose_zh(b)
                .into_iter()
                .find_map(|p| match p {
                    bulletin::Para::Text(t) => Some(t),
                    _ => None,
                })
                .unwrap_or_default(),
            Lang::En => overall_en(b),
        };
        let mut buckets: Vec<BucketView> = Bucket::ALL
            .into_iter()
            .map(|k| BucketView {
                code: k.code(),
                label: lang.pick(k.label_zh(), k.label_en()),
                rows: b.in_bucket(k).map(|l| line_row(l, lang)).collect(),
            })
            .collect();
        // Behind: worst first.
        if let Some(behind) = buckets.iter_mut().find(|x| x.code == Bucket::Behind.code()) {
            behind
                .rows
                .sort_by_key(|r| std::cmp::Reverse(r.status.severity()));
        }
        let names = |s: Status| {
            b.with_status(s)
                .map(|l| format!("{} {}", l.no, l.phrase))
                .collect::<Vec<_>>()
        };
        let group = |g: &bulletin::Group| GroupRow {
            name: g.name.clone(),
            count: g.count,
            mean: pct(g.mean),
            counts: Status::ALL.iter().map(|s| g.count_of(*s)).collect(),
        };
        let r = &b.reporting;
        let honour = |list: &[bulletin::Rank]| {
            if list.is_empty() {
                t.nobody.to_string()
            } else {
                list.iter()
                    .map(|x| format!("{}({})", x.name, pct(x.mean)))
                    .collect::<Vec<_>>()
                    .join(lang.pick("、", ", "))
            }
        };
        let corrects = view.corrects.as_ref().map(|c| {
            let href = if public_view {
                format!("/public/bulletins/{}", c.id)
            } else {
                format!("/bulletins/{}", c.id)
            };
            (href, name_of(c, lang))
        });
        Article {
            id: bulletin.map_or(0, |x| x.id.0),
            public_view,
            title: lang.pick(b.title_zh(), b.title_en()),
            name: bulletin.map(|x| name_of(x, lang)).unwrap_or_default(),
            draft,
            issued: bulletin
                .and_then(|x| x.issued.as_ref())
                .map(|(_, at)| time(*at))
                .unwrap_or_default(),
            corrects,
            as_of: match lang {
                Lang::Zh => b.as_of_zh(),
                Lang::En => b.as_of.clone(),
            },
            office: b.office.clone(),
            masthead: match lang {
                Lang::Zh => bulletin::masthead_zh(b),
                Lang::En => format!("{}: livelihood commitments bulletin", b.office),
            },
            opening: paragraphs(view.opening()),
            closing: paragraphs(view.closing()),
            overall,
            counts: Bucket::ALL
                .into_iter()
                .map(|k| {
                    (
                        k,
                        lang.pick(k.label_zh(), k.label_en()),
                        b.overall.in_bucket(k),
                    )
                })
                .collect(),
            buckets,
            red: names(Status::AtRisk),
            yellow: names(Status::Lagging),
            green: b.overall.count(Status::Done) + b.overall.count(Status::OnTrack),
            statuses: Status::ALL
                .iter()
                .map(|s| (*s, lang.pick(s.label_zh(), s.label_en())))
                .collect(),
            regions: b.regions.iter().map(group).collect(),
            leads: b.leads.iter().map(group).collect(),
            reporting: vec![
                (t.expected_reports, r.expected.to_string()),
                (t.received, r.received.to_string()),
                (t.on_time, r.on_time.to_string()),
                (t.late, r.late.to_string()),
                (t.missing, r.missing.to_string()),
                (t.received_rate, pct(r.received_rate())),
                (t.on_time_rate, pct(r.on_time_rate())),
            ],
            ranking: b
                .ranking
                .iter()
                .map(|x| RankRow {
                    rank: x.rank,
                    name: x.name.clone(),
                    shares: x.shares,
                    mean: pct(x.mean),
                    shortfalls: x.shortfalls,
                })
                .collect(),
            red_list: honour(&b.red),
            black_list: honour(&b.black),
            t,
        }
    }
}

impl BulletinPage {
    fn new(chrome: Chrome, view: &BulletinView, public_view: bool) -> BulletinPage {
        let lang = chrome.lang;
        let t = words(lang);
        let b = &view.body;
        let draft = view.bulletin.as_ref().is_none_or(|x| x.is_draft());
        let can_edit = !public_view && draft && chrome.can(Action::IssueBulletin);
        let reasons = if can_edit {
            b.in_bucket(Bucket::Behind)
                .map(|l| ReasonField {
                    target: l.target,
                    label: format!("{} {}", l.no, l.phrase),
                    value: if l.reason_by_office {
                        l.reason.clone().unwrap_or_default()
                    } else {
                        String::new()
                    },
                    placeholder: if l.reason_by_office {
                        String::new()
                    } else {
                        l.reason.clone().unwrap_or_default()
                    },
                })
                .collect()
        } else {
            Vec::new()
        };
        BulletinPage {
            a: Article::new(lang, view, public_view),
            list_href: if public_view {
                format!("/public/plans/{}", b.plan)
            } else {
                format!("/plans/{}/bulletins", b.plan)
            },
            can_edit,
            can_send: !public_view && !draft && chrome.can(Action::IssueBulletin),
            edit_opening: view.opening().to_string(),
            edit_closing: view.closing().to_string(),
            edit_public: view.bulletin.as_ref().is_some_and(|x| x.public),
            reasons,
            note: None,
            error: None,
            doc_no_value: String::new(),
            t,
            chrome,
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PageQuery {
    saved: Option<u8>,
    issued: Option<u8>,
    sent: Option<u8>,
}

async fn view_of(st: &AppState, chrome: &Chrome, id: BulletinId) -> Result<BulletinView, WebError> {
    let me = chrome.may(Action::ViewBulletins)?;
    Ok(bulletin::open(&st.store, me, id, st.today(), &st.thresholds).await?)
}

/// `GET /bulletins/{id}`
async fn page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<BulletinPage, WebError> {
    let view = view_of(&st, &chrome, id_of(&id)?).await?;
    let mut page = BulletinPage::new(chrome, &view, false);
    page.note = match (q.saved, q.issued, q.sent) {
        (_, _, Some(_)) => Some(page.t.sent),
        (_, Some(_), _) => Some(page.t.issued),
        (Some(_), _, _) => Some(page.t.saved),
        _ => None,
    };
    Ok(page)
}

/// `POST /bulletins/{id}` with `opening`, `closing`, `public` and `reason_{target}`: saves
/// the draft's words.
async fn save(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::IssueBulletin)?.clone();
    let id: BulletinId = id_of(&id)?;
    let mut input = DraftInput::default();
    for (k, v) in fields {
        match k.as_str() {
            "opening" => input.opening = v,
            "closing" => input.closing = v,
            "public" => input.public = !v.is_empty(),
            other => {
                if let Some(t) = other.strip_prefix("reason_") {
                    let t: TargetId = t.parse().map_err(|_| WebError::Invalid {
                        field: other.to_string(),
                        reason: format!("“{t}”不是指标编号 / '{t}' is not a target number"),
                    })?;
                    input.reasons.push((t, v));
                }
            }
        }
    }
    let kept = input.clone();
    match bulletin::save_draft(&st.store, &me, id, input).await {
        Ok(()) => Ok(Redirect::to(&format!("/bulletins/{id}?saved=1")).into_response()),
        Err(AppError::Invalid { reason, .. }) => {
            let view = view_of(&st, &chrome, id).await?;
            let mut page = BulletinPage::new(chrome, &view, false);
            // What was typed stays in the form.
            page.edit_opening = kept.opening;
            page.edit_closing = kept.closing;
            page.edit_public = kept.public;
            page.error = Some(reason);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct IssueForm {
    doc_no: String,
}

/// `POST /bulletins/{id}/issue` with `doc_no`.
async fn issue(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
    Form(f): Form<IssueForm>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::IssueBulletin)?.clone();
    let id: BulletinId = id_of(&id)?;
    match bulletin::issue(&st.store, &me, id, &f.doc_no, st.today(), &st.thresholds).await {
        Ok(_) => Ok(Redirect::to(&format!("/bulletins/{id}?issued=1")).into_response()),
        Err(AppError::Invalid { reason, .. }) => {
            let view = view_of(&st, &chrome, id).await?;
            let mut page = BulletinPage::new(chrome, &view, false);
            page.error = Some(reason);
            page.doc_no_value = f.doc_no;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /bulletins/{id}/send`: an issued bulletin queued to every unit holding a share of
/// its plan, through their channels (`minsheng_app::jobs::send_bulletin`); 409 for a draft.
async fn send(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::IssueBulletin)?.clone();
    let id: BulletinId = id_of(&id)?;
    minsheng_app::jobs::send_bulletin(&st.store, &me, id, st.today(), &st.thresholds).await?;
    Ok(Redirect::to(&format!("/bulletins/{id}?sent=1")).into_response())
}

/// An attachment's `Content-Disposition`: an ASCII name, and the Chinese one in `filename*`.
fn disposition(stem: &str, ext: &str, id: BulletinId) -> String {
    let encoded: String = format!("{stem}.{ext}")
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"bulletin-{id}.{ext}\"; filename*=UTF-8''{encoded}")
}

fn file(bytes: Vec<u8>, content_type: &'static str, disposition: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /bulletins/{id}/bulletin.docx`
async fn docx(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: BulletinId = id_of(&id)?;
    let view = view_of(&st, &chrome, id).await?;
    let bytes = minsheng_app::bulletin_docx::write(&view).map_err(WebError::Internal)?;
    Ok(file(
        bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        disposition(&view.file_stem(), "docx", id),
    ))
}

/// `GET /bulletins/{id}/bulletin.xlsx`
async fn xlsx(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: BulletinId = id_of(&id)?;
    let view = view_of(&st, &chrome, id).await?;
    let bytes = minsheng_app::bulletin_xlsx::write(&view).map_err(WebError::Internal)?;
    Ok(file(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        disposition(&view.file_stem(), "xlsx", id),
    ))
}

/// `GET /public/bulletins/{id}`: an issued bulletin marked public, of a published plan.
async fn public_page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<BulletinPage, WebError> {
    let view = bulletin::public_bulletin(&st.store, id_of(&id)?).await?;
    Ok(BulletinPage::new(chrome, &view, true))
}
