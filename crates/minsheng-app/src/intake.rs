//! The plan editor (office only): a plan document pasted or uploaded, what the extractor
//! proposes shown beside it, the office's corrections checked, and the corrected plan
//! written as the office's confirmed record — in one transaction, every row audited — then
//! published when the office chooses.
//!
//! **The form is not trusted.** Between the preview and the confirmation the proposal
//! travels through the office's browser as form fields: the original text, the plan's
//! settings, each item's title and each target's value, unit, comparison, span and "drop"
//! box. [`confirm_plan`] reads the text again with the extractor (which is deterministic), so
//! the structure — sections, items, responsible units — is the text's own, and checks every
//! correction against it: a value that is not a number, an empty unit, an unknown comparison,
//! a span outside its item or off a character boundary, a missing or unknown field. Any
//! refusal writes nothing and names its field ([`FieldError`]).
//!
//! **Line breaks.** Browsers send every form value with CRLF line breaks, so a text read at
//! the preview and sent back at the confirmation would shift every byte offset. The text is
//! therefore kept with LF breaks only ([`normalize_text`]) at both steps, and the plan's
//! source text is that form.

use crate::accounts::ensure;
use crate::error::AppError;
use crate::import::{ImportOptions, Imported, write_plan};
use minsheng_domain::Action;
use minsheng_domain::{
    Account, Actor, Cmp, OrgUnit, PlanId, PlanKind, PlanStatus, UnitId, UnitKind,
};
use minsheng_extract::normalize::squeeze;
pub use minsheng_extract::{Diagnostic, Extraction, Item as ProposedItem, Severity, Span};
use minsheng_store::Store;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use tracing::info;

/// The largest plan document accepted, in bytes of UTF-8 (a provincial list is ~20 KB).
pub const MAX_TEXT_BYTES: usize = 512 * 1024;

/// The longest item title accepted, in characters.
const MAX_TITLE_CHARS: usize = 2000;

/// The longest unit accepted, in characters (人次, 平方公里, 万千瓦时).
const MAX_UNIT_CHARS: usize = 16;

/// An item of the proposal: its section's and its own place, from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemKey {
    /// The section's index in the extraction.
    pub section: usize,
    /// The item's index in its section.
    pub item: usize,
}

/// A target of the proposal: its item and its place in it, from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TargetKey {
    /// The section's index in the extraction.
    pub section: usize,
    /// The item's index in its section.
    pub item: usize,
    /// The target's index in its item.
    pub target: usize,
}

impl TargetKey {
    /// The item it belongs to.
    pub fn item_key(self) -> ItemKey {
        ItemKey {
            section: self.section,
            item: self.item,
        }
    }
}

/// The part of a target a correction or a refusal concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetPart {
    /// The value.
    Value,
    /// The unit.
    Unit,
    /// How it compares.
    Cmp,
    /// Where its phrase stands in the text.
    Span,
}

/// A field of the editor's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The document text (or the uploaded file).
    Text,
    /// The plan's kind.
    Kind,
    /// The plan's year.
    Year,
    /// The unit that owns the plan.
    Owner,
    /// An item's title.
    Title(ItemKey),
    /// A part of a target.
    Target(TargetKey, TargetPart),
}

/// A refused field, with the reason in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Where.
    pub field: Field,
    /// Why, in Chinese.
    pub zh: String,
    /// Why, in English.
    pub en: String,
}

impl FieldError {
    fn new(field: Field, zh: impl Into<String>, en: impl Into<String>) -> FieldError {
        FieldError {
            field,
            zh: zh.into(),
            en: en.into(),
        }
    }
}

/// One target as the form carries it: every field as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetEdit {
    /// The value (230000, 23万, 1.3).
    pub value: String,
    /// The unit (人, 个, %).
    pub unit: String,
    /// The comparison's code: `ge`, `le`, `approx`, `eq`.
    pub cmp: String,
    /// The first byte of the phrase in the text.
    pub start: String,
    /// One past its last byte.
    pub end: String,
    /// Leave the target out of the plan.
    pub drop: bool,
}

/// The editor's form as sent: the text, the plan's settings, and the corrections.
#[derive(Debug, Clone, Default)]
pub struct IntakeForm {
    /// The document text.
    pub text: String,
    /// The plan kind's code (`livelihood`, `major_projects`).
    pub kind: String,
    /// The year; empty for the one the text states.
    pub year: String,
    /// The owning unit's id.
    pub owner: String,
    /// Each item's title, by item.
    pub titles: HashMap<ItemKey, String>,
    /// Each target's fields, by target.
    pub targets: HashMap<TargetKey, TargetEdit>,
}

/// What the editor shows: the text, the extraction, the form's current values and what is
/// wrong with them, and the diagnostics placed where they apply.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// The text, with LF line breaks.
    pub text: String,
    /// What the extractor read from it.
    pub extraction: Extraction,
    /// The kind's code as it stands on the form.
    pub kind: String,
    /// The year as it stands on the form (the text's own when none was typed).
    pub year: String,
    /// The owner's id as it stands on the form.
    pub owner: String,
    /// Each item's title as it stands.
    pub titles: HashMap<ItemKey, String>,
    /// Each target's fields as they stand.
    pub targets: HashMap<TargetKey, TargetEdit>,
    /// What must be corrected before the plan can be confirmed.
    pub errors: Vec<FieldError>,
    /// The extraction's diagnostics, placed.
    pub placed: Placed,
    /// The units that may own a plan, in tree order with their depth.
    pub owners: Vec<(OrgUnit, usize)>,
}

impl Proposal {
    /// The refusals of one field.
    pub fn errors_of(&self, field: Field) -> impl Iterator<Item = &FieldError> {
        self.errors.iter().filter(move |e| e.field == field)
    }

    /// Items across all sections.
    pub fn item_count(&self) -> usize {
        self.extraction.sections.iter().map(|s| s.items.len()).sum()
    }
}

/// Where each diagnostic applies, as indexes into [`Extraction::diagnostics`]: the item whose
/// text it points into, else the section, else the document as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placed {
    /// About the whole document (declared counts, no items at all).
    pub document: Vec<usize>,
    /// About a section (its heading's count), by section index.
    pub sections: HashMap<usize, Vec<usize>>,
    /// About an item (numbering, joined lines, no target), by item.
    pub items: HashMap<ItemKey, Vec<usize>>,
}

/// Why a preview was refused.
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    /// The text or a setting cannot be used; each refusal names its field.
    #[error("{}", joined(.0))]
    Refused(Vec<FieldError>),
    /// Anything else (not allowed, the store failed).
    #[error(transparent)]
    App(#[from] AppError),
}

/// Why a confirmation was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfirmError {
    /// Corrections that cannot be used; the proposal carries them with their refusals, to be
    /// shown again. Nothing was written.
    #[error("{}", joined(&.0.errors))]
    Refused(Box<Proposal>),
    /// Anything else (not allowed, the store failed).
    #[error(transparent)]
    App(#[from] AppError),
}

fn joined(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{} / {}", e.zh, e.en))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The text with LF line breaks only and without a leading byte-order mark.
pub fn normalize_text(text: &str) -> String {
    text.trim_start_matches('\u{FEFF}')
        .replace("\r\n", "\n")
        .replace('\r', "\n")
}

/// Reads an uploaded plain-text file: UTF-8 (with or without a byte-order mark), UTF-16 with
/// a byte-order mark, or else GB18030 — the national standard that GBK and GB2312, in which
/// many Chinese government files are still saved, are subsets of.
pub fn decode_text(bytes: &[u8]) -> Result<String, FieldError> {
    let decoded = if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        encoding
            .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
            .map(|s| s.into_owned())
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        Some(s.to_string())
    } else {
        encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|s| s.into_owned())
    };
    match decoded {
        Some(s) if !s.contains('\0') => Ok(s),
        _ => Err(FieldError::new(
            Field::Text,
            "文件不是 UTF-8 或 GB18030 编码的纯文本,请另存为 .txt 后上传",
            "the file is not plain text in UTF-8 or GB18030; save it as .txt and upload that",
        )),
    }
}

/// The units that may own a plan (every unit; regions first, in tree order), for the office.
pub async fn owner_choices(
    store: &Store,
    account: &Account,
) -> Result<Vec<(OrgUnit, usize)>, AppError> {
    ensure(account, Action::EditPlan)?;
    Ok(owners(&store.unit_tree().await?))
}

fn owners(tree: &minsheng_domain::UnitTree) -> Vec<(OrgUnit, usize)> {
    fn walk(
        tree: &minsheng_domain::UnitTree,
        unit: &OrgUnit,
        depth: usize,
        out: &mut Vec<(OrgUnit, usize)>,
    ) {
        out.push((unit.clone(), depth));
        let mut children: Vec<&OrgUnit> = tree.children(unit.id).collect();
        // Regions before departments, each in the order they were created.
        children.sort_by_key(|u| (u.kind == UnitKind::Department, u.id));
        for c in children {
            walk(tree, c, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    for root in tree.units().iter().filter(|u| u.parent.is_none()) {
        walk(tree, root, 0, &mut out);
    }
    out
}

/// Reads `text` with the extractor and proposes it for correction, with the office's settings
/// (`kind`, `year` — empty for the text's own — and `owner`, a unit id). Refuses an empty or
/// oversized text, a text with no numbered item, and settings that cannot be used.
pub async fn propose(
    store: &Store,
    account: &Account,
    text: &str,
    kind: &str,
    year: &str,
    owner: &str,
) -> Result<Proposal, PreviewError> {
    ensure(account, Action::EditPlan)?;
    let tree = store.unit_tree().await.map_err(AppError::from)?;
    let text = normalize_text(text);
    let mut errors = check_text(&text);
    errors.extend(
        check_settings(&tree, kind, year, owner)
            .err()
            .into_iter()
            .flatten(),
    );
    if !errors.is_empty() {
        return Err(PreviewError::Refused(errors));
    }
    let extraction = minsheng_extract::extract(&text);
    if let Some(e) = no_items(&extraction) {
        return Err(PreviewError::Refused(vec![e]));
    }
    let (titles, targets) = as_extracted(&extraction);
    let year = match year.trim() {
        "" => extraction.year.map(|y| y.to_string()).unwrap_or_default(),
        y => y.to_string(),
    };
    let mut p = Proposal {
        placed: place(&extraction),
        owners: owners(&tree),
        text,
        extraction,
        kind: kind.trim().to_string(),
        year,
        owner: owner.trim().to_string(),
        titles,
        targets,
        errors: Vec::new(),
    };
    // What the office will have to correct, shown before it tries to confirm.
    if let Err(errors) = corrected(&p, &tree) {
        p.errors = errors;
    }
    Ok(p)
}

/// Checks the office's corrections against the text and writes the corrected plan as
/// `confirmed`, in one transaction. Refuses (and writes nothing) when any field is wrong.
pub async fn confirm_plan(
    store: &Store,
    account: &Account,
    form: IntakeForm,
) -> Result<Imported, ConfirmError> {
    ensure(account, Action::EditPlan)?;
    let tree = store.unit_tree().await.map_err(AppError::from)?;
    let text = normalize_text(&form.text);
    let text_errors = check_text(&text);
    let extraction = minsheng_extract::extract(&text);
    let mut p = Proposal {
        placed: place(&extraction),
        owners: owners(&tree),
        text,
        extraction,
        kind: form.kind.trim().to_string(),
        year: form.year.trim().to_string(),
        owner: form.owner.trim().to_string(),
        titles: form.titles,
        targets: form.targets,
        errors: Vec::new(),
    };
    let checked = corrected(&p, &tree);
    let (extraction, opts) = match (checked, text_errors.is_empty()) {
        (Ok(ok), true) => ok,
        (checked, _) => {
            p.errors = text_errors;
            p.errors.extend(checked.err().into_iter().flatten());
            return Err(ConfirmError::Refused(Box::new(p)));
        }
    };
    let mut tx = store
        .begin(&Actor::new(&account.name))
        .await
        .map_err(AppError::from)?;
    let imported = write_plan(&mut tx, &p.text, extraction, &opts).await?;
    tx.commit().await.map_err(AppError::from)?;
    info!(
        plan.id = %imported.plan,
        account = %account.name,
        "Confirmed plan {} from the editor: {} items, {} targets",
        imported.plan, imported.items, imported.targets
    );
    Ok(imported)
}

/// Publishes a confirmed plan on the public portal (audited). A draft must be confirmed
/// first; a published plan stays as it is.
pub async fn publish_plan(store: &Store, account: &Account, plan: PlanId) -> Result<(), AppError> {
    ensure(account, Action::EditPlan)?;
    let p = store.plan(plan).await?;
    match p.status {
        PlanStatus::Confirmed => {}
        PlanStatus::Draft => {
            return Err(AppError::Invalid {
                field: "status".into(),
                reason: "草稿计划须先确认才能公开 / a draft plan must be confirmed before it is published"
                    .into(),
            });
        }
        PlanStatus::Published => {
            return Err(AppError::Invalid {
                field: "status".into(),
                reason: "该计划已公开 / the plan is published already".into(),
            });
        }
    }
    let mut tx = store.begin(&Actor::new(&account.name)).await?;
    tx.set_plan_status(plan, PlanStatus::Published).await?;
    tx.commit().await?;
    info!(plan.id = %plan, account = %account.name, "Published plan {plan}");
    Ok(())
}

/// The refusal of a text in which no numbered item was found.
fn no_items(x: &Extraction) -> Option<FieldError> {
    x.sections.iter().all(|s| s.items.is_empty()).then(|| {
        FieldError::new(
            Field::Text,
            "未从文中识别出任何编号事项(如“1.城镇新增就业23万人”)",
            "no numbered items were found in the text (such as “1. 230,000 new urban jobs”)",
        )
    })
}

fn check_text(text: &str) -> Vec<FieldError> {
    if text.trim().is_empty() {
        vec![FieldError::new(
            Field::Text,
            "请粘贴计划文本或上传文本文件",
            "paste the plan's text or upload a text file",
        )]
    } else if text.len() > MAX_TEXT_BYTES {
        vec![FieldError::new(
            Field::Text,
            format!("文本过长(上限 {} KB)", MAX_TEXT_BYTES / 1024),
            format!(
                "the text is too long (at most {} KB)",
                MAX_TEXT_BYTES / 1024
            ),
        )]
    } else {
        Vec::new()
    }
}

/// The plan's settings, checked: kind, year (`None` when none was typed), owner.
fn check_settings(
    tree: &minsheng_domain::UnitTree,
    kind: &str,
    year: &str,
    owner: &str,
) -> Result<(PlanKind, Option<i16>, UnitId), Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = PlanKind::from_code(kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new(
            Field::Kind,
            "请选择计划类别",
            "choose the plan's kind",
        ));
    }
    let year = match year.trim() {
        "" => None,
        y => match y.parse::<i16>() {
            Ok(y) if (1949..=2100).contains(&y) => Some(y),
            _ => {
                errors.push(FieldError::new(
                    Field::Year,
                    format!("年度“{y}”不是 1949—2100 之间的年份"),
                    format!("the year '{y}' is not a year between 1949 and 2100"),
                ));
                None
            }
        },
    };
    let owner = owner
        .trim()
        .parse::<i64>()
        .ok()
        .map(UnitId)
        .filter(|id| tree.get(*id).is_some());
    if owner.is_none() {
        errors.push(FieldError::new(
            Field::Owner,
            "请选择计划所属单位",
            "choose the unit that owns the plan",
        ));
    }
    match (kind, owner) {
        (Some(k), Some(o)) if errors.is_empty() => Ok((k, year, o)),
        _ => Err(errors),
    }
}

/// The form's starting values: the extraction as read.
fn as_extracted(x: &Extraction) -> (HashMap<ItemKey, String>, HashMap<TargetKey, TargetEdit>) {
    let mut titles = HashMap::new();
    let mut targets = HashMap::new();
    for (si, s) in x.sections.iter().enumerate() {
        for (ii, it) in s.items.iter().enumerate() {
            let key = ItemKey {
                section: si,
                item: ii,
            };
            titles.insert(key, it.text.clone());
            for (ti, t) in it.targets.iter().enumerate() {
                targets.insert(
                    TargetKey {
                        section: si,
                        item: ii,
                        target: ti,
                    },
                    TargetEdit {
                        value: t.value.normalize().to_string(),
                        unit: t.unit.clone(),
                        cmp: crate::import::cmp(t.cmp).code().to_string(),
                        start: t.span.start.to_string(),
                        end: t.span.end.to_string(),
                        drop: false,
                    },
                );
            }
        }
    }
    (titles, targets)
}

/// The extraction with the proposal's corrections applied, and the options to write it
/// with; or every refusal.
fn corrected(
    p: &Proposal,
    tree: &minsheng_domain::UnitTree,
) -> Result<(Extraction, ImportOptions), Vec<FieldError>> {
    let settings = check_settings(tree, &p.kind, &p.year, &p.owner);
    let mut errors = settings.as_ref().err().cloned().unwrap_or_default();
    errors.extend(no_items(&p.extraction));
    let text_year = p.extraction.year.and_then(|y| i16::try_from(y).ok());
    let settings = settings.and_then(|(kind, year, owner)| match year.or(text_year) {
        Some(year) => Ok((kind, year, owner)),
        None => {
            errors.push(FieldError::new(
                Field::Year,
                "文中未写明计划年度,请填写年度",
                "the text states no year; enter one",
            ));
            Err(Vec::new())
        }
    });
    let mut x = p.extraction.clone();
    let mut seen_items = HashSet::new();
    let mut seen_targets = HashSet::new();
    for (si, s) in x.sections.iter_mut().enumerate() {
        for (ii, it) in s.items.iter_mut().enumerate() {
            let key = ItemKey {
                section: si,
                item: ii,
            };
            seen_items.insert(key);
            match p.titles.get(&key).map(|t| t.trim()) {
                None => errors.push(missing(Field::Title(key))),
                Some("") => errors.push(FieldError::new(
                    Field::Title(key),
                    "事项内容不能为空",
                    "the item's text cannot be empty",
                )),
                Some(t) if t.chars().count() > MAX_TITLE_CHARS => errors.push(FieldError::new(
                    Field::Title(key),
                    format!("事项内容过长(上限 {MAX_TITLE_CHARS} 字)"),
                    format!("the item's text is too long (at most {MAX_TITLE_CHARS} characters)"),
                )),
                Some(t) => it.text = t.to_string(),
            }
            let item_span = it.span;
            let mut kept = Vec::with_capacity(it.targets.len());
            for (ti, t) in it.targets.iter().enumerate() {
                let key = TargetKey {
                    section: si,
                    item: ii,
                    target: ti,
                };
                seen_targets.insert(key);
                let Some(edit) = p.targets.get(&key) else {
                    errors.push(missing(Field::Target(key, TargetPart::Value)));
                    continue;
                };
                if edit.drop {
                    continue;
                }
                let mut t = t.clone();
                match parse_value(&edit.value) {
                    Ok(v) => t.value = v,
                    Err(e) => errors.push(e.at(Field::Target(key, TargetPart::Value))),
                }
                let unit = edit.unit.trim();
                if unit.is_empty() {
                    errors.push(FieldError::new(
                        Field::Target(key, TargetPart::Unit),
                        "请填写计量单位(如 人、个、%)",
                        "enter the unit (such as 人, 个, %)",
                    ));
                } else if unit.chars().count() > MAX_UNIT_CHARS {
                    errors.push(FieldError::new(
                        Field::Target(key, TargetPart::Unit),
                        format!("计量单位过长(上限 {MAX_UNIT_CHARS} 字)"),
                        format!("the unit is too long (at most {MAX_UNIT_CHARS} characters)"),
                    ));
                } else {
                    t.unit = unit.to_string();
                }
                match Cmp::from_code(edit.cmp.trim()) {
                    Some(c) => t.cmp = extract_cmp(c),
                    None => errors.push(FieldError::new(
                        Field::Target(key, TargetPart::Cmp),
                        "请选择比较方式(不少于、不超过、约、为)",
                        "choose how it compares (at least, at most, about, exactly)",
                    )),
                }
                match check_span(&p.text, item_span, &edit.start, &edit.end) {
                    Ok(span) => {
                        if span != t.span {
                            t.phrase = squeeze(&p.text[span.start..span.end]);
                            t.span = span;
                        }
                    }
                    Err(e) => errors.push(e.at(Field::Target(key, TargetPart::Span))),
                }
                kept.push(t);
            }
            it.targets = kept;
        }
    }
    // Fields for items or targets the text does not have: the form is not this text's.
    let strays = p.titles.keys().filter(|k| !seen_items.contains(k)).count()
        + p.targets
            .keys()
            .filter(|k| !seen_targets.contains(k))
            .count();
    if strays > 0 {
        errors.push(FieldError::new(
            Field::Text,
            format!("表单中有 {strays} 个字段与文本中的事项或目标对不上,请重新预览"),
            format!(
                "{strays} fields of the form match no item or target of the text; preview it again"
            ),
        ));
    }
    match settings {
        Ok((kind, year, owner)) if errors.is_empty() => {
            x.year = Some(i32::from(year));
            Ok((
                x,
                ImportOptions {
                    owner,
                    kind,
                    status: PlanStatus::Confirmed,
                    default_year: Some(year),
                },
            ))
        }
        _ => Err(errors),
    }
}

fn missing(field: Field) -> FieldError {
    FieldError::new(
        field,
        "表单缺少该字段,请重新预览",
        "the form lacks this field; preview again",
    )
}

/// A refusal not yet tied to its field.
struct Refusal {
    zh: String,
    en: String,
}

impl Refusal {
    fn at(self, field: Field) -> FieldError {
        FieldError::new(field, self.zh, self.en)
    }
}

/// A value as an official types it: digits with an optional decimal part and an optional
/// 万 or 亿 (23万 → 230000), thousands separators allowed; never negative.
fn parse_value(s: &str) -> Result<Decimal, Refusal> {
    let t: String = s
        .trim()
        .chars()
        .map(minsheng_extract::normalize::fold)
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .collect();
    let (digits, scale) = if let Some(d) = t.strip_suffix('亿') {
        (d, Decimal::from(100_000_000))
    } else if let Some(d) = t.strip_suffix('万') {
        (d, Decimal::from(10_000))
    } else {
        (t.as_str(), Decimal::ONE)
    };
    let bad = || Refusal {
        zh: format!("“{}”不是数值(如 230000、23万、1.3)", s.trim()),
        en: format!("'{}' is not a number (such as 230000, 23万, 1.3)", s.trim()),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(bad());
    }
    let v = Decimal::from_str(digits).map_err(|_| bad())?;
    v.checked_mul(scale).map(|v| v.normalize()).ok_or_else(bad)
}

/// A span typed into the form, checked: numbers, in order, on character boundaries of the
/// text, inside the item it belongs to.
fn check_span(text: &str, item: Span, start: &str, end: &str) -> Result<Span, Refusal> {
    let (Ok(start), Ok(end)) = (start.trim().parse::<usize>(), end.trim().parse::<usize>()) else {
        return Err(Refusal {
            zh: "目标在原文中的位置缺失或无效,请重新预览".into(),
            en: "the target's place in the text is missing or invalid; preview again".into(),
        });
    };
    let inside = start < end
        && end <= text.len()
        && text.is_char_boundary(start)
        && text.is_char_boundary(end)
        && item.start <= start
        && end <= item.end;
    if inside {
        Ok(Span { start, end })
    } else {
        Err(Refusal {
            zh: format!("目标在原文中的位置({start}—{end})不在该事项的文字之内"),
            en: format!("the target's place in the text ({start}–{end}) lies outside its item"),
        })
    }
}

fn extract_cmp(c: Cmp) -> minsheng_extract::Cmp {
    match c {
        Cmp::Ge => minsheng_extract::Cmp::Ge,
        Cmp::Le => minsheng_extract::Cmp::Le,
        Cmp::Approx => minsheng_extract::Cmp::Approx,
        Cmp::Eq => minsheng_extract::Cmp::Eq,
    }
}

/// Places each diagnostic on the item its span points into, else its section, else the
/// document.
fn place(x: &Extraction) -> Placed {
    let touches = |d: Span, s: Span| {
        if d.start == d.end {
            s.start <= d.start && d.start <= s.end
        } else {
            d.start < s.end && s.start < d.end
        }
    };
    let mut placed = Placed::default();
    'diagnostics: for (k, d) in x.diagnostics.iter().enumerate() {
        for (si, s) in x.sections.iter().enumerate() {
            for (ii, it) in s.items.iter().enumerate() {
                if touches(d.span, it.span) {
                    placed
                        .items
                        .entry(ItemKey {
                            section: si,
                            item: ii,
                        })
                        .or_default()
                        .push(k);
                    continue 'diagnostics;
                }
            }
        }
        for (si, s) in x.sections.iter().enumerate() {
            if touches(d.span, s.span) {
                placed.sections.entry(si).or_default().push(k);
                continue 'diagnostics;
            }
        }
        placed.document.push(k);
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_as_officials_type_them() {
        let ok = |s: &str| parse_value(s).ok().map(|d| d.to_string());
        assert_eq!(ok("230000").as_deref(), Some("230000"));
        assert_eq!(ok(" 23万 ").as_deref(), Some("230000"));
        assert_eq!(ok("1.6万").as_deref(), Some("16000"));
        assert_eq!(ok("816.2亿").as_deref(), Some("81620000000"));
        assert_eq!(ok("1,200").as_deref(), Some("1200"));
        assert_eq!(ok("１２").as_deref(), Some("12"));
        assert_eq!(ok("1.30").as_deref(), Some("1.3"));
        for bad in ["", "abc", "-5", "1e3", "万", "23万人", "1..2"] {
            assert!(parse_value(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn spans_must_lie_inside_their_item_on_char_boundaries() {
        let text = "前言\n1.城镇新增就业23万人。\n";
        let item = Span {
            start: text.find("1.").unwrap(),
            end: text.rfind('\n').unwrap(),
        };
        let s = text.find("城镇").unwrap();
        let e = s + "城镇新增就业23万人".len();
        assert_eq!(
            check_span(text, item, &s.to_string(), &e.to_string()).ok(),
            Some(Span { start: s, end: e })
        );
        for (a, b) in [
            (s + 1, e), // off a char boundary
            (0, 3),     // before the item
            (e, s),     // backwards
            (s, text.len() + 10),
        ] {
            assert!(check_span(text, item, &a.to_string(), &b.to_string()).is_err());
        }
        assert!(check_span(text, item, "x", "3").is_err());
    }

    #[test]
    fn uploads_in_utf8_gb18030_and_utf16_are_read() {
        let text = "一、促进就业方面(2项)\n1.城镇新增就业23万人。\n";
        assert_eq!(decode_text(text.as_bytes()).unwrap(), text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode_text(&bom).unwrap(), text);
        let (gb, _, _) = encoding_rs::GB18030.encode(text);
        assert!(std::str::from_utf8(&gb).is_err());
        assert_eq!(decode_text(&gb).unwrap(), text);
        let mut utf16 = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode_text(&utf16).unwrap(), text);
        assert!(decode_text(&[0x50, 0x4B, 0x03, 0x04, 0x00, 0xFF, 0xFF]).is_err());
    }

    #[test]
    fn line_breaks_are_kept_as_lf() {
        assert_eq!(normalize_text("\u{FEFF}a\r\nb\rc\n"), "a\nb\nc\n");
    }

    #[test]
    fn diagnostics_go_to_the_item_they_point_into() {
        let x = minsheng_extract::extract(crate::demo::JILIN_2023);
        let placed = place(&x);
        let total = placed.document.len()
            + placed.sections.values().map(Vec::len).sum::<usize>()
            + placed.items.values().map(Vec::len).sum::<usize>();
        assert_eq!(total, x.diagnostics.len());
        // "十四个方面" is claimed in the preamble, which belongs to no item.
        assert!(placed.document.iter().any(|&k| {
            x.diagnostics[k].code == minsheng_extract::DiagnosticCode::DeclaredSections
        }));
        // Each item's "no target" finding sits on that item.
        for (key, ks) in &placed.items {
            let it = &x.sections[key.section].items[key.item];
            for &k in ks {
                if x.diagnostics[k].code == minsheng_extract::DiagnosticCode::ItemWithoutTarget {
                    assert!(it.targets.is_empty(), "{}", it.text);
                }
            }
        }
    }
}
