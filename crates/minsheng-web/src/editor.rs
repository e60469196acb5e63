//! The plan editor (office only): paste or upload a plan document, see what the extractor
//! proposes next to the text, correct it, confirm it as the plan; and publish a confirmed
//! plan. The checks and the writing are [`minsheng_app::intake`]'s; this module turns forms
//! into its types and its proposal into a page.
//!
//! Routes: `GET /plans/new` (`form#plan-text-form`), `POST /plans/new/preview`
//! (`form#plan-confirm-form`), `POST /plans/new/revise` (the same form with the office's
//! corrections applied — what it added in place, what it deleted struck through — 200, or 422
//! with each refusal beside its field; nothing written), `POST /plans/new/confirm` (→
//! `/plans/{id}`, or the preview again with 422 and each refusal beside its field),
//! `POST /plans/{id}/publish`.
//!
//! The preview works without JavaScript: every item has a row for adding a target (its phrase
//! typed or pasted from the text), the end of the form a block for adding an item, and the
//! "apply" button shows the plan as corrected. `assets/editor.js`, when it runs, fills a
//! phrase from a selection in the text: inside an item, that item's new target; outside
//! every item, the new item's text.

mod msg;

use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
use crate::highlight::{Piece, source_pieces};
use crate::html::msg::PlansMsg;
use crate::i18n::Lang;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minsheng_app::intake::{
    self, ConfirmError, Field, FieldError, IntakeForm, ItemEdit, ItemKey, ItemRef, PlacedItem,
    PreviewError, Proposal, Severity, SourceFile, TargetEdit, TargetKey, TargetPart, TargetRef,
};
use minsheng_domain::Action;
use minsheng_domain::{OrgUnit, PlanId, PlanKind, TargetSpan};
use msg::EditorMsg;
use std::collections::HashMap;

/// The largest first form: the file and the settings.
const UPLOAD_LIMIT: usize = intake::MAX_FILE_BYTES + 1024 * 1024;
/// The largest preview form: the text and the file, base64 in a URL-encoded field.
const FORM_LIMIT: usize = intake::MAX_FILE_BYTES * 2 + 2 * intake::MAX_TEXT_BYTES;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/new", get(new_page))
        .route(
            "/plans/new/preview",
            post(preview).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/plans/new/revise",
            post(revise).layer(DefaultBodyLimit::max(FORM_LIMIT)),
        )
        .route(
            "/plans/new/confirm",
            post(confirm).layer(DefaultBodyLimit::max(FORM_LIMIT)),
        )
        .route("/plans/{id}/publish", post(publish))
        .route("/plans/{id}/sources/{source}", get(download_source))
}

/// The file the plan was read from, as uploaded (the office's).
async fn download_source(
    State(st): State<AppState>,
    chrome: Chrome,
    Path((id, source)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::EditPlan)?;
    let id: PlanId = id.parse().map_err(|_| WebError::NotFound)?;
    let source: i64 = source.parse().map_err(|_| WebError::NotFound)?;
    let (meta, bytes) = intake::plan_source(&st.store, me, id, source).await?;
    let ascii: String = meta
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = meta
        .file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    Ok((
        [
            (header::CONTENT_TYPE, meta.media_type),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// The uploaded file as the preview form carries it: its name and its bytes in base64.
#[derive(Debug, Clone, Default)]
struct Carried {
    name: String,
    label: String,
    b64: String,
}

impl Carried {
    fn of(file: &SourceFile, format: intake::Format) -> Carried {
        use base64::Engine;
        Carried {
            name: file.name.clone(),
            label: format.label().to_string(),
            b64: base64::engine::general_purpose::STANDARD.encode(&file.bytes),
        }
    }

    /// The file the confirm form carries back; `None` for a pasted text.
    fn from_pairs(pairs: &[(String, String)]) -> Result<Option<(Carried, SourceFile)>, WebError> {
        use base64::Engine;
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let (Some(name), Some(b64)) = (get("source_name"), get("source_file")) else {
            return Ok(None);
        };
        if b64.is_empty() {
            return Ok(None);
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|_| WebError::BadRequest("source_file: 不是 base64 / not base64".into()))?;
        let carried = Carried {
            name: name.clone(),
            label: get("source_label").unwrap_or_default(),
            b64,
        };
        Ok(Some((carried, SourceFile { name, bytes })))
    }
}

fn words(lang: Lang) -> &'static EditorMsg {
    lang.pick(&msg::ZH, &msg::EN)
}

/// The kinds the editor offers.
const KINDS: [PlanKind; 2] = [PlanKind::Livelihood, PlanKind::MajorProjects];

/// The plan's settings as they stand on a form, with the choices offered.
struct Settings {
    kind: String,
    year: String,
    owner: String,
    kinds: Vec<(&'static str, &'static str)>,
    owners: Vec<(String, String)>,
}

impl Settings {
    fn new(lang: Lang, kind: &str, year: &str, owner: &str, units: &[(OrgUnit, usize)]) -> Self {
        Settings {
            kind: kind.to_string(),
            year: year.to_string(),
            owner: owner.to_string(),
            kinds: KINDS
                .iter()
                .map(|k| (k.code(), lang.pick(k.label_zh(), k.label_en())))
                .collect(),
            owners: units
                .iter()
                .map(|(u, depth)| {
                    (
                        u.id.to_string(),
                        format!("{}{}", "　".repeat(*depth), u.name),
                    )
                })
                .collect(),
        }
    }
}

/// The refusals of the fields a page shows, in its language.
struct Errors {
    lang: Lang,
    by_field: HashMap<Field, Vec<String>>,
}

impl Errors {
    fn new(lang: Lang, errors: &[FieldError]) -> Self {
        let mut by_field: HashMap<Field, Vec<String>> = HashMap::new();
        for e in errors {
            by_field
                .entry(e.field)
                .or_default()
                .push(lang.pick(&e.zh, &e.en).clone());
        }
        Errors { lang, by_field }
    }

    /// The refusals of one field, joined; `None` when it is fine.
    fn of(&self, field: Field) -> Option<String> {
        self.by_field
            .get(&field)
            .map(|v| v.join(self.lang.pick(";", "; ")))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "plan_new.html")]
struct NewPage {
    chrome: Chrome,
    t: &'static EditorMsg,
    text: String,
    settings: Settings,
    text_error: Option<String>,
    kind_error: Option<String>,
    year_error: Option<String>,
    owner_error: Option<String>,
}

impl NewPage {
    fn new(chrome: Chrome, text: String, settings: Settings, errors: &[FieldError]) -> NewPage {
        let e = Errors::new(chrome.lang, errors);
        NewPage {
            t: words(chrome.lang),
            text_error: e.of(Field::Text),
            kind_error: e.of(Field::Kind),
            year_error: e.of(Field::Year),
            owner_error: e.of(Field::Owner),
            chrome,
            text,
            settings,
        }
    }
}

async fn new_page(State(st): State<AppState>, chrome: Chrome) -> Result<NewPage, WebError> {
    let me = chrome.may(Action::EditPlan)?;
    let owners = intake::owner_choices(&st.store, me).await?;
    let owner = me
        .unit
        .or_else(|| owners.first().map(|(u, _)| u.id))
        .map(|u| u.to_string())
        .unwrap_or_default();
    let settings = Settings::new(
        chrome.lang,
        PlanKind::Livelihood.code(),
        "",
        &owner,
        &owners,
    );
    Ok(NewPage::new(chrome, String::new(), settings, &[]))
}

/// The first page's fields, from a plain form or a multipart one with a file.
#[derive(Debug, Default)]
struct TextForm {
    text: String,
    kind: String,
    year: String,
    owner: String,
    /// The uploaded file could not be read as text.
    file_error: Option<FieldError>,
    /// The uploaded file, read.
    source: Option<Carried>,
}

async fn text_form(st: &AppState, req: Request) -> Result<TextForm, WebError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let mut f = TextForm::default();
    if !multipart {
        let axum::Form(pairs) = axum::Form::<Vec<(String, String)>>::from_request(req, st)
            .await
            .map_err(|e| WebError::BadRequest(e.body_text()))?;
        for (k, v) in pairs {
            set_text_field(&mut f, &k, v);
        }
        return Ok(f);
    }
    let bad = |e: axum::extract::multipart::MultipartError| WebError::BadRequest(e.body_text());
    let mut m = Multipart::from_request(req, st)
        .await
        .map_err(|e| WebError::BadRequest(e.body_text()))?;
    let mut file: Option<SourceFile> = None;
    loop {
        let field = match m.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(too_large(f)),
            Err(e) => return Err(bad(e)),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("upload").to_string();
            let bytes = match field.bytes().await {
                Ok(b) => b,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Ok(too_large(f));
                }
                Err(e) => return Err(bad(e)),
            };
            if !bytes.is_empty() {
                file = Some(SourceFile {
                    name: file_name,
                    bytes: bytes.to_vec(),
                });
            }
        } else {
            let value = match field.text().await {
                Ok(v) => v,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Ok(too_large(f));
                }
                Err(e) => return Err(bad(e)),
            };
            set_text_field(&mut f, &name, value);
        }
    }
    if let Some(file) = file {
        match intake::read_upload(&file).await {
            Ok(doc) => {
                f.text = doc.text;
                f.source = Some(Carried::of(&file, doc.format));
            }
            Err(e) if e.is_user_error() => {
                f.file_error = Some(FieldError {
                    field: Field::Text,
                    zh: e.zh(),
                    en: e.en(),
                });
            }
            Err(e) => return Err(minsheng_app::AppError::Read(e).into()),
        }
    }
    Ok(f)
}

/// The form refused for a file over the limit, naming the limit.
fn too_large(mut f: TextForm) -> TextForm {
    let limit = intake::MAX_FILE_BYTES;
    f.file_error = Some(FieldError {
        field: Field::Text,
        zh: format!("文件超过上限 {limit} 字节(20 MB),请拆分或另存为较小的文件"),
        en: format!(
            "the file is over the limit of {limit} bytes (20 MB); split it or save a smaller file"
        ),
    });
    f
}

fn set_text_field(f: &mut TextForm, name: &str, value: String) {
    match name {
        "text" => f.text = value,
        "kind" => f.kind = value,
        "year" => f.year = value,
        "owner" => f.owner = value,
        _ => {}
    }
}

async fn preview(
    State(st): State<AppState>,
    chrome: Chrome,
    req: Request,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::EditPlan)?.clone();
    let f = text_form(&st, req).await?;
    let refused = |errors: Vec<FieldError>, owners: &[(OrgUnit, usize)]| {
        let settings = Settings::new(chrome.lang, &f.kind, &f.year, &f.owner, owners);
        let page = NewPage::new(chrome.clone(), f.text.clone(), settings, &errors);
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    };
    if let Some(e) = &f.file_error {
        let owners = intake::owner_choices(&st.store, &me).await?;
        return Ok(refused(vec![e.clone()], &owners));
    }
    match intake::propose(&st.store, &me, &f.text, &f.kind, &f.year, &f.owner).await {
        Ok(p) => Ok(PreviewPage::new(chrome, &p)
            .with_source(f.source.clone())
            .with_diff(&st, &me, &p, None)
            .await?
            .into_response()),
        Err(PreviewError::Refused(errors)) => {
            let owners = intake::owner_choices(&st.store, &me).await?;
            Ok(refused(errors, &owners))
        }
        Err(PreviewError::App(e)) => Err(e.into()),
    }
}

async fn confirm(
    State(st): State<AppState>,
    chrome: Chrome,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::EditPlan)?.clone();
    let against = against_of(&pairs);
    let carried = Carried::from_pairs(&pairs)?;
    let (carried, source) = carried.unzip();
    match intake::confirm_plan_from(&st.store, &me, intake_form(pairs), source).await {
        Ok(imported) => Ok(Redirect::to(&format!("/plans/{}", imported.plan)).into_response()),
        Err(ConfirmError::Refused(p)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            PreviewPage::new(chrome, &p)
                .with_source(carried)
                .with_diff(&st, &me, &p, against)
                .await?,
        )
            .into_response()),
        Err(ConfirmError::App(e)) => Err(e.into()),
    }
}

/// The form with the office's corrections applied, shown again; nothing is written.
async fn revise(
    State(st): State<AppState>,
    chrome: Chrome,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let me = chrome.may(Action::EditPlan)?.clone();
    let against = against_of(&pairs);
    let carried = Carried::from_pairs(&pairs)?.map(|(c, _)| c);
    let p = intake::revise(&st.store, &me, intake_form(pairs)).await?;
    let status = if p.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = PreviewPage::new(chrome, &p)
        .with_source(carried)
        .with_diff(&st, &me, &p, against)
        .await?;
    Ok((status, page).into_response())
}

async fn publish(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Redirect, WebError> {
    let me = chrome.may(Action::EditPlan)?;
    let id: PlanId = id.parse().map_err(|_| WebError::NotFound)?;
    intake::publish_plan(&st.store, me, id).await?;
    Ok(Redirect::to(&format!("/plans/{id}")))
}

/// An item's id on the page and in its fields' names: `S-I` for one read (indexes from 0),
/// `nK` for one added.
fn item_id(r: ItemRef) -> String {
    match r {
        ItemRef::Read(k) => format!("{}-{}", k.section, k.item),
        ItemRef::Added(k) => format!("n{k}"),
    }
}

/// A target's id: `S-I-T` for one read, the item's id and `-aN` for one added.
fn target_id(r: TargetRef) -> String {
    match r {
        TargetRef::Read(k) => format!("{}-{}-{}", k.section, k.item, k.target),
        TargetRef::Added(item, n) => format!("{}-a{n}", item_id(item)),
    }
}

fn parse_item_id(id: &str) -> Option<ItemRef> {
    if let Some(k) = id.strip_prefix('n') {
        return k.parse().ok().map(ItemRef::Added);
    }
    let (section, item) = id.split_once('-')?;
    Some(ItemRef::Read(ItemKey {
        section: section.parse().ok()?,
        item: item.parse().ok()?,
    }))
}

fn parse_target_id(id: &str) -> Option<TargetRef> {
    let (item, last) = id.rsplit_once('-')?;
    if let Some(n) = last.strip_prefix('a') {
        return Some(TargetRef::Added(parse_item_id(item)?, n.parse().ok()?));
    }
    let Some(ItemRef::Read(k)) = parse_item_id(item) else {
        return None;
    };
    Some(TargetRef::Read(TargetKey {
        section: k.section,
        item: k.item,
        target: last.parse().ok()?,
    }))
}

/// The confirm form's fields: `text`, `kind`, `year`, `owner`; an item's `title`,
/// `section`, `delete` and (added) `no`, named `PART-ITEM`; a target's `value`, `unit`,
/// `cmp`, `deadline`, `drop`, (read) `start` and `end`, (added) `phrase` and `at`, named
/// `PART-TARGET` (see [`item_id`], [`target_id`]). Other names are ignored.
fn intake_form(pairs: Vec<(String, String)>) -> IntakeForm {
    let mut f = IntakeForm::default();
    for (name, value) in pairs {
        let (part, id) = name.split_once('-').unwrap_or((name.as_str(), ""));
        match (part, id) {
            ("text", "") => f.text = value,
            ("kind", "") => f.kind = value,
            ("year", "") => f.year = value,
            ("owner", "") => f.owner = value,
            ("title" | "section" | "delete" | "no", id) => {
                let Some(r) = parse_item_id(id) else { continue };
                let edit = f.items.entry(r).or_insert_with(ItemEdit::default);
                match part {
                    "title" => edit.title = Some(value),
                    "section" => edit.section = value,
                    "no" => edit.no = value,
                    _ => edit.delete = !value.is_empty(),
                }
            }
            (
                "value" | "unit" | "cmp" | "deadline" | "start" | "end" | "phrase" | "at" | "drop",
                id,
            ) => {
                let Some(r) = parse_target_id(id) else {
                    continue;
                };
                let edit = f.targets.entry(r).or_default();
                match part {
                    "value" => edit.value = value,
                    "unit" => edit.unit = value,
                    "cmp" => edit.cmp = value,
                    "deadline" => edit.deadline = value,
                    "start" => edit.start = value,
                    "end" => edit.end = value,
                    "phrase" => edit.phrase = value,
                    "at" => edit.at = value,
                    _ => edit.drop = !value.is_empty(),
                }
            }
            _ => {}
        }
    }
    f
}

/// A diagnostic of the extraction, where it applies.
struct Note {
    warning: bool,
    line: usize,
    text: String,
}

/// A run of the document on the left: plain text (`item` is `None`, one piece), or an item
/// with its target phrases marked.
struct DocPiece {
    item: Option<String>,
    pieces: Vec<Piece>,
}

impl DocPiece {
    fn plain(text: &str) -> DocPiece {
        DocPiece {
            item: None,
            pieces: vec![Piece {
                text: text.to_string(),
                target: None,
            }],
        }
    }
}

/// A target's row: one read (its phrase fixed, its place in hidden fields) or one added (its
/// phrase a field), with each field's refusal.
struct TargetView {
    id: String,
    seq: usize,
    added: bool,
    phrase: String,
    implicit: bool,
    delta: bool,
    edit: TargetEdit,
    value_error: Option<String>,
    unit_error: Option<String>,
    cmp_error: Option<String>,
    deadline_error: Option<String>,
    span_error: Option<String>,
    phrase_error: Option<String>,
}

struct ItemView {
    id: String,
    added: bool,
    no: u32,
    /// An added item's number as typed.
    no_typed: String,
    no_error: Option<String>,
    leads: String,
    title: String,
    title_error: Option<String>,
    /// The section it is in, by index.
    section: String,
    section_error: Option<String>,
    deleted: bool,
    notes: Vec<Note>,
    targets: Vec<TargetView>,
    /// The id of its row for the next target.
    new_target: String,
}

struct SectionView {
    no: u32,
    title: String,
    declared: Option<u32>,
    notes: Vec<Note>,
    items: Vec<ItemView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "plan_preview.html")]
struct PreviewPage {
    chrome: Chrome,
    t: &'static EditorMsg,
    /// The plan pages' words (items, targets, sections).
    w: &'static PlansMsg,
    text: String,
    settings: Settings,
    doc: Vec<DocPiece>,
    notes: Vec<Note>,
    sections: Vec<SectionView>,
    items: usize,
    /// Refusals of the text itself (the form does not match it).
    text_error: Option<String>,
    kind_error: Option<String>,
    year_error: Option<String>,
    owner_error: Option<String>,
    cmps: Vec<(&'static str, &'static str)>,
    /// Each section's index and heading, for the section fields.
    section_choices: Vec<(String, String)>,
    /// The id of the block for the next item, and of its first target's row.
    new_item: String,
    new_item_target: String,
    /// What an empty deadline field means: the last day of the plan's year.
    deadline_placeholder: String,
    to_fix: usize,
    /// The plan against the latest earlier plan (or the one chosen), matched by meaning.
    diff: Option<crate::year_end::DiffPanel>,
    /// The diff's words, named as `plan_diff_table.html` reads them.
    ye: &'static crate::year_end::msg::YearEndMsg,
    /// For a major-projects plan, the projects read from the text (name, what was read),
    /// proposed on the plan's projects page once it is confirmed.
    projects: Vec<(String, String)>,
    /// Their words.
    pw: &'static crate::projects::msg::ProjectsMsg,
    /// The uploaded file the text was read from, carried to the confirmation.
    source: Option<Carried>,
}

impl PreviewPage {
    fn new(chrome: Chrome, p: &Proposal) -> PreviewPage {
        let lang = chrome.lang;
        let v = View {
            p,
            lang,
            errors: Errors::new(lang, &p.errors),
        };
        let mut doc_items = Vec::new();
        let sections = p
            .extraction
            .sections
            .iter()
            .enumerate()
            .map(|(si, s)| SectionView {
                no: s.no,
                title: s.title.clone().unwrap_or_default(),
                declared: s.declared_items,
                notes: v.notes(p.placed.sections.get(&si)),
                items: p
                    .outline
                    .sections
                    .get(si)
                    .into_iter()
                    .flatten()
                    .map(|placed| {
                        let (view, doc) = v.item(si, placed);
                        doc_items.extend(doc);
                        view
                    })
                    .collect(),
            })
            .collect();
        let e = &v.errors;
        let new_item = ItemRef::Added(p.outline.next_item);
        let deadline_placeholder = p
            .year
            .trim()
            .parse::<i16>()
            .ok()
            .filter(|y| (1949..=2100).contains(y))
            .map_or_else(|| "YYYY-12-31".to_string(), |y| format!("{y}-12-31"));
        PreviewPage {
            t: words(lang),
            w: crate::html::words(lang),
            text: p.text.clone(),
            settings: Settings::new(lang, &p.kind, &p.year, &p.owner, &p.owners),
            doc: document(&p.text, doc_items),
            notes: v.notes(Some(&p.placed.document)),
            sections,
            items: p.item_count(),
            text_error: e.of(Field::Text),
            kind_error: e.of(Field::Kind),
            year_error: e.of(Field::Year),
            owner_error: e.of(Field::Owner),
            cmps: [
                minsheng_domain::Cmp::Ge,
                minsheng_domain::Cmp::Le,
                minsheng_domain::Cmp::Approx,
                minsheng_domain::Cmp::Eq,
            ]
            .iter()
            .map(|c| (c.code(), lang.pick(c.label_zh(), c.label_en())))
            .collect(),
            section_choices: (0..p.extraction.sections.len())
                .map(|i| (i.to_string(), p.section_label(i)))
                .collect(),
            new_item: item_id(new_item),
            new_item_target: target_id(TargetRef::Added(new_item, 0)),
            deadline_placeholder,
            to_fix: p.errors.len(),
            diff: None,
            ye: crate::year_end::words(lang),
            projects: if p.kind.trim() == PlanKind::MajorProjects.code() {
                let year = p.year.trim().parse::<i16>().unwrap_or(0);
                p.extraction
                    .projects
                    .iter()
                    .map(|d| {
                        let input = minsheng_app::project_drafts::propose(
                            d,
                            year,
                            minsheng_domain::UnitId(0),
                        );
                        let line = crate::projects::proposed_line(lang, &input);
                        (input.name, line)
                    })
                    .collect()
            } else {
                Vec::new()
            },
            pw: crate::projects::words(lang),
            source: None,
            chrome,
        }
    }

    /// The page with the text compared against an earlier plan in the system (`against`, or
    /// the latest earlier one of its kind): nothing when the year is not settled yet or there
    /// is no earlier plan.
    fn with_source(mut self, source: Option<Carried>) -> Self {
        self.source = source;
        self
    }

    async fn with_diff(
        mut self,
        st: &AppState,
        me: &minsheng_domain::Account,
        p: &Proposal,
        against: Option<PlanId>,
    ) -> Result<PreviewPage, WebError> {
        let Ok(year) = p.year.trim().parse::<i16>() else {
            return Ok(self);
        };
        let kind = PlanKind::from_code(p.kind.trim()).unwrap_or(PlanKind::Livelihood);
        let draft = minsheng_app::import::PlanDraft::from_extraction(&p.extraction, year);
        let view = minsheng_app::plan_diff::of_draft(&st.store, me, &draft, kind, against).await?;
        self.diff = view
            .as_ref()
            .map(|v| crate::year_end::diff_panel(v, self.chrome.lang));
        Ok(self)
    }
}

/// The plan chosen to compare against on the preview's form (`against`), if any.
fn against_of(pairs: &[(String, String)]) -> Option<PlanId> {
    pairs
        .iter()
        .find(|(k, _)| k == "against")
        .and_then(|(_, v)| v.trim().parse().ok())
}

/// What the preview's parts are built from.
struct View<'a> {
    p: &'a Proposal,
    lang: Lang,
    errors: Errors,
}

impl View<'_> {
    /// The diagnostics of these indexes, in the page's language.
    fn notes(&self, ks: Option<&Vec<usize>>) -> Vec<Note> {
        ks.into_iter()
            .flatten()
            .filter_map(|k| self.p.extraction.diagnostics.get(*k))
            .map(|d| Note {
                warning: d.severity == Severity::Warning,
                line: d.line,
                text: self.lang.pick(&d.message_zh, &d.message_en).clone(),
            })
            .collect()
    }

    /// An item's box on the right (in section `si`, where it now stands) and its run of the
    /// document on the left, if it has one.
    fn item(&self, si: usize, placed: &PlacedItem) -> (ItemView, Option<DocItem>) {
        let r = placed.item;
        let id = item_id(r);
        let read = match r {
            ItemRef::Read(k) => self.p.read_item(k),
            ItemRef::Added(_) => None,
        };
        let edit = self.p.items.get(&r).cloned().unwrap_or_default();
        let targets: Vec<TargetView> = placed
            .targets
            .iter()
            .enumerate()
            .map(|(n, pt)| {
                let tr = pt.target;
                let of = |part| self.errors.of(Field::Target(tr, part));
                let edit = self.p.targets.get(&tr).cloned().unwrap_or_default();
                let read = match tr {
                    TargetRef::Read(k) => self.p.read_target(k),
                    TargetRef::Added(..) => None,
                };
                TargetView {
                    id: target_id(tr),
                    seq: n + 1,
                    added: read.is_none(),
                    phrase: read.map_or_else(|| edit.phrase.clone(), |t| t.phrase.clone()),
                    implicit: read.is_some_and(|t| t.implicit),
                    delta: read.is_some_and(|t| t.delta),
                    value_error: of(TargetPart::Value),
                    unit_error: of(TargetPart::Unit),
                    cmp_error: of(TargetPart::Cmp),
                    deadline_error: of(TargetPart::Deadline),
                    span_error: of(TargetPart::Span),
                    phrase_error: of(TargetPart::Phrase),
                    edit,
                }
            })
            .collect();
        // The phrases to mark: where they now stand; dropped ones are not marked.
        let marks = placed
            .targets
            .iter()
            .zip(&targets)
            .filter(|(_, v)| !v.edit.drop)
            .filter_map(|(pt, v)| {
                let s = pt.span?;
                Some((
                    u32::try_from(v.seq).unwrap_or(0),
                    TargetSpan {
                        start: s.start,
                        end: s.end,
                    },
                ))
            })
            .collect();
        let doc = placed.span.map(|span| DocItem {
            span,
            id: id.clone(),
            marks,
        });
        let view = ItemView {
            added: read.is_none(),
            no: placed.no,
            no_typed: edit.no.clone(),
            no_error: self.errors.of(Field::ItemNo(r)),
            leads: read.map(|it| it.leads.join("、")).unwrap_or_default(),
            title: edit.title.clone().unwrap_or_default(),
            title_error: self.errors.of(Field::Title(r)),
            section: si.to_string(),
            section_error: self.errors.of(Field::Section(r)),
            deleted: placed.deleted,
            notes: match r {
                ItemRef::Read(k) => self.notes(self.p.placed.items.get(&k)),
                ItemRef::Added(_) => Vec::new(),
            },
            targets,
            new_target: target_id(TargetRef::Added(r, placed.next_target)),
            id,
        };
        (view, doc)
    }
}

/// An item's place in the text, its id on the page, and its target phrases to mark.
struct DocItem {
    span: intake::Span,
    id: String,
    marks: Vec<(u32, TargetSpan)>,
}

/// The whole text cut into plain runs and items, each item's target phrases marked.
fn document(text: &str, mut items: Vec<DocItem>) -> Vec<DocPiece> {
    items.sort_by_key(|i| i.span.start);
    let mut out = Vec::new();
    let mut at = 0;
    for DocItem { span, id, marks } in items {
        if span.start < at || span.end > text.len() || !text.is_char_boundary(span.start) {
            continue; // overlapping or off the text: left plain
        }
        let pieces = source_pieces(
            text,
            Some(TargetSpan {
                start: span.start,
                end: span.end,
            }),
            &marks,
        );
        if pieces.is_empty() {
            continue;
        }
        if span.start > at {
            out.push(DocPiece::plain(&text[at..span.start]));
        }
        out.push(DocPiece {
            item: Some(id),
            pieces,
        });
        at = span.end;
    }
    if at < text.len() {
        out.push(DocPiece::plain(&text[at..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_names_carry_their_indexes() {
        let f = intake_form(vec![
            ("text".into(), "一、x".into()),
            ("title-0-2".into(), "新标题".into()),
            ("section-0-2".into(), "1".into()),
            ("delete-0-3".into(), "1".into()),
            ("value-0-2-1".into(), "23万".into()),
            ("deadline-0-2-1".into(), "2023-06-30".into()),
            ("drop-0-2-0".into(), "1".into()),
            ("value-x-1-1".into(), "ignored".into()),
            ("no-n0".into(), "7".into()),
            ("title-n0".into(), "新增事项".into()),
            ("phrase-n0-a0".into(), "幼儿园10所".into()),
            ("phrase-0-2-a3".into(), "23万人".into()),
            ("at-0-2-a3".into(), "12".into()),
            ("phrase-n-a0".into(), "ignored".into()),
            ("value-0-2-b1".into(), "ignored".into()),
            ("title".into(), "ignored".into()),
        ]);
        assert_eq!(f.text, "一、x");
        let item = ItemRef::Read(ItemKey {
            section: 0,
            item: 2,
        });
        assert_eq!(f.items[&item].title.as_deref(), Some("新标题"));
        assert_eq!(f.items[&item].section, "1");
        assert!(
            f.items[&ItemRef::Read(ItemKey {
                section: 0,
                item: 3
            })]
                .delete
        );
        assert_eq!(f.items[&ItemRef::Added(0)].no, "7");
        let key = |target| {
            TargetRef::Read(TargetKey {
                section: 0,
                item: 2,
                target,
            })
        };
        assert_eq!(f.targets[&key(1)].value, "23万");
        assert_eq!(f.targets[&key(1)].deadline, "2023-06-30");
        assert!(f.targets[&key(0)].drop && !f.targets[&key(1)].drop);
        let added = TargetRef::Added(item, 3);
        assert_eq!(f.targets[&added].phrase, "23万人");
        assert_eq!(f.targets[&added].at, "12");
        assert_eq!(
            f.targets[&TargetRef::Added(ItemRef::Added(0), 0)].phrase,
            "幼儿园10所"
        );
        assert_eq!(f.targets.len(), 4);
        assert_eq!(f.items.len(), 3);
        // Ids read back as written.
        for r in [key(2), added, TargetRef::Added(ItemRef::Added(5), 0)] {
            assert_eq!(parse_target_id(&target_id(r)), Some(r));
        }
    }

    #[test]
    fn the_document_keeps_every_byte_and_marks_each_phrase() {
        let text = "前言\n1.城镇新增就业23万人。\n结语\n";
        let item = intake::Span {
            start: text.find("1.").unwrap(),
            end: text.find("\n结语").unwrap(),
        };
        let s = text.find("城镇").unwrap();
        let mark = TargetSpan {
            start: s,
            end: s + "城镇新增就业23万人".len(),
        };
        let doc = document(
            text,
            vec![DocItem {
                span: item,
                id: "0-0".into(),
                marks: vec![(1, mark)],
            }],
        );
        let mut whole = String::new();
        let mut marked = Vec::new();
        for p in doc.iter().flat_map(|d| &d.pieces) {
            whole.push_str(&p.text);
            if p.target.is_some() {
                marked.push(p.text.clone());
            }
        }
        assert_eq!(doc.iter().filter(|d| d.item.is_some()).count(), 1);
        assert_eq!(whole, text);
        assert_eq!(marked, ["城镇新增就业23万人"]);
    }
}
