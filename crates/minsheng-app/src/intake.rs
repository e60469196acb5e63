//! The plan editor (office only): a plan document pasted or uploaded, what the extractor
//! proposes shown beside it, the office's corrections checked, and the corrected plan
//! written as the office's confirmed record — in one transaction, every row audited — then
//! published when the office chooses.
//!
//! **What the office may correct.** An item's text, its section (moving it to another one),
//! or the item as a whole (deleting it); a target's value, unit, comparison and deadline, or
//! the target as a whole (dropping it); and what the extractor missed: an item (its number,
//! text and section) and a target of any item, given by its phrase — a piece of the item's
//! text, typed, pasted or selected — with its value, unit, comparison and deadline. Each
//! correction is kept in the confirmed plan's audit trail as a correction of the extraction
//! ([`minsheng_store::Correction`]: what the extractor proposed, what the office set, under
//! the office's name).
//!
//! **The form is not trusted.** Between the preview and the confirmation the proposal
//! travels through the office's browser as form fields: the original text, the plan's
//! settings, and every item's and target's fields, the office's additions among them. Each
//! step ([`propose`], [`revise`], [`confirm_plan`]) reads the text again with the extractor
//! (which is deterministic), so the structure the corrections refer to — sections, items,
//! targets as read — is the text's own, and checks every field against it: a value that is
//! not a number, an empty unit, an unknown comparison, a deadline outside the plan's year, a
//! section that does not exist, a phrase that is not in its item's text, a span outside its
//! item or off a character boundary, a missing or unknown field. Any refusal writes nothing
//! and names its field ([`FieldError`]).
//!
//! **Line breaks.** Browsers send every form value with CRLF line breaks, so a text read at
//! the preview and sent back at the confirmation would shift every byte offset. The text is
//! therefore kept with LF breaks only ([`normalize_text`]) at every step, and the plan's
//! source text is that form.

mod check;
pub mod read;

pub use read::{Format, MAX_FILE_BYTES, ReadDocument, ReadError, read_document};

use crate::accounts::ensure;
use crate::error::AppError;
use crate::import::{Imported, write_draft};
use minsheng_domain::{Account, Action, Actor, OrgUnit, PlanId, PlanStatus, UnitKind};
pub use minsheng_extract::{Diagnostic, Extraction, Item as ProposedItem, Severity, Span};
use minsheng_store::Store;
use std::collections::HashMap;
use tracing::info;

/// The largest plan document accepted, in bytes of UTF-8 (a provincial list is ~20 KB).
pub const MAX_TEXT_BYTES: usize = 512 * 1024;

/// An item the extractor read: its section's and its own place, from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemKey {
    /// The section's index in the extraction.
    pub section: usize,
    /// The item's index in its section.
    pub item: usize,
}

/// A target the extractor read: its item and its place in it, from 0.
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

/// An item of the plan being edited: one the extractor read, or one the office added
/// (numbered from 0 in the order added).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemRef {
    /// Read from the text.
    Read(ItemKey),
    /// Added by the office.
    Added(usize),
}

/// A target of the plan being edited: one the extractor read, or one the office added to an
/// item (numbered from 0 in the order added).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetRef {
    /// Read from the text.
    Read(TargetKey),
    /// Added by the office to an item.
    Added(ItemRef, usize),
}

impl TargetRef {
    /// The item it belongs to.
    pub fn item(self) -> ItemRef {
        match self {
            TargetRef::Read(k) => ItemRef::Read(k.item_key()),
            TargetRef::Added(item, _) => item,
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
    /// When it is due.
    Deadline,
    /// Where its phrase stands in the text (a target read from it).
    Span,
    /// Its phrase (a target the office added).
    Phrase,
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
    /// An item's text.
    Title(ItemRef),
    /// An added item's number.
    ItemNo(ItemRef),
    /// The section an item belongs to.
    Section(ItemRef),
    /// A part of a target.
    Target(TargetRef, TargetPart),
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

/// One item as the form carries it: every field as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemEdit {
    /// The number (an added item's; a read item keeps the one printed).
    pub no: String,
    /// The text; `None` when the form lacks the field.
    pub title: Option<String>,
    /// The index of the section it goes in; empty for the one it was read in.
    pub section: String,
    /// Leave the item, with its targets, out of the plan.
    pub delete: bool,
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
    /// The deadline (2023-06-30); empty for the end of the plan's year.
    pub deadline: String,
    /// A read target's phrase: its first byte in the text.
    pub start: String,
    /// A read target's phrase: one past its last byte.
    pub end: String,
    /// An added target's phrase, a piece of its item's text.
    pub phrase: String,
    /// An added target's phrase: where it starts in the text, when it was selected there
    /// (a hint: it is used only if the phrase stands there, inside the item).
    pub at: String,
    /// Leave the target out of the plan.
    pub drop: bool,
}

impl TargetEdit {
    /// Nothing typed: a row for adding a target, left empty (the comparison's choice alone
    /// does not count).
    pub fn is_blank(&self) -> bool {
        [&self.value, &self.unit, &self.deadline, &self.phrase]
            .iter()
            .all(|f| f.trim().is_empty())
    }
}

/// The editor's form as sent: the text, the plan's settings, and every item and target.
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
    /// Each item's fields, read and added.
    pub items: HashMap<ItemRef, ItemEdit>,
    /// Each target's fields, read and added.
    pub targets: HashMap<TargetRef, TargetEdit>,
}

/// A target as the plan now has it: where it stands in the text, if it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedTarget {
    /// Which.
    pub target: TargetRef,
    /// Its phrase's place in the text (as corrected); `None` when it has none.
    pub span: Option<Span>,
}

/// An item as the plan now has it: its place and its targets, read ones first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedItem {
    /// Which.
    pub item: ItemRef,
    /// Its number (as printed, or as the office gave it; 0 when not yet a number).
    pub no: u32,
    /// Its place in the text; `None` for an added item whose text is not the text's.
    pub span: Option<Span>,
    /// Left out by the office (still shown, to be taken back).
    pub deleted: bool,
    /// Its targets, dropped ones among them.
    pub targets: Vec<PlacedTarget>,
    /// The number the next target added to it takes.
    pub next_target: usize,
}

/// The plan as it stands with the office's corrections: each section's items, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    /// By section index (the extraction's sections), its items in the plan's order.
    pub sections: Vec<Vec<PlacedItem>>,
    /// The number the next item added takes.
    pub next_item: usize,
}

/// What the editor shows: the text, the extraction, the form's current values and what is
/// wrong with them, the plan as corrected, and the diagnostics placed where they apply.
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
    /// Each item's fields as they stand.
    pub items: HashMap<ItemRef, ItemEdit>,
    /// Each target's fields as they stand.
    pub targets: HashMap<TargetRef, TargetEdit>,
    /// The plan as corrected: where each item now stands, with its targets.
    pub outline: Outline,
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

    /// Items across all sections, as the plan now has them (deleted ones not counted).
    pub fn item_count(&self) -> usize {
        self.outline
            .sections
            .iter()
            .flatten()
            .filter(|i| !i.deleted)
            .count()
    }

    /// An item as the extractor read it.
    pub fn read_item(&self, key: ItemKey) -> Option<&ProposedItem> {
        self.extraction
            .sections
            .get(key.section)?
            .items
            .get(key.item)
    }

    /// A target as the extractor read it.
    pub fn read_target(&self, key: TargetKey) -> Option<&minsheng_extract::Target> {
        self.read_item(key.item_key())?.targets.get(key.target)
    }

    /// A section's heading as printed (`1、促进就业`).
    pub fn section_label(&self, section: usize) -> String {
        check::section_label(&self.extraction, section)
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
    let mut errors = check::text(&text);
    errors.extend(
        check::settings(&tree, kind, year, owner)
            .err()
            .into_iter()
            .flatten(),
    );
    if !errors.is_empty() {
        return Err(PreviewError::Refused(errors));
    }
    let extraction = minsheng_extract::extract(&text);
    if let Some(e) = check::no_items(&extraction) {
        return Err(PreviewError::Refused(vec![e]));
    }
    let (items, targets) = check::as_extracted(&extraction);
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
        items,
        targets,
        outline: Outline::default(),
        errors: Vec::new(),
    };
    // What the office will have to correct, shown before it tries to confirm.
    let checked = check::corrected(&p, &tree);
    p.outline = checked.outline;
    if let Err(errors) = checked.plan {
        p.errors = errors;
    }
    Ok(p)
}

/// The proposal with the office's corrections applied, checked but not written: the preview
/// shown again, with what was added in its place and every refusal beside its field.
pub async fn revise(
    store: &Store,
    account: &Account,
    form: IntakeForm,
) -> Result<Proposal, AppError> {
    ensure(account, Action::EditPlan)?;
    let tree = store.unit_tree().await?;
    let (p, _) = checked(&tree, form);
    Ok(p)
}

/// The form read against its text: the proposal as it stands, and the plan to write unless
/// something was refused.
fn checked(
    tree: &minsheng_domain::UnitTree,
    form: IntakeForm,
) -> (Proposal, Option<check::Corrected>) {
    let text = normalize_text(&form.text);
    let text_errors = check::text(&text);
    let extraction = minsheng_extract::extract(&text);
    let mut p = Proposal {
        placed: place(&extraction),
        owners: owners(tree),
        text,
        extraction,
        kind: form.kind.trim().to_string(),
        year: form.year.trim().to_string(),
        owner: form.owner.trim().to_string(),
        items: form.items,
        targets: form.targets,
        outline: Outline::default(),
        errors: Vec::new(),
    };
    let checked = check::corrected(&p, tree);
    p.outline = checked.outline;
    match (checked.plan, text_errors.is_empty()) {
        (Ok(ok), true) => (p, Some(ok)),
        (plan, _) => {
            p.errors = text_errors;
            p.errors.extend(plan.err().into_iter().flatten());
            (p, None)
        }
    }
}

/// Checks the office's corrections against the text and writes the corrected plan as
/// `confirmed`, with every correction in its audit trail, in one transaction. Refuses (and
/// writes nothing) when any field is wrong.
pub async fn confirm_plan(
    store: &Store,
    account: &Account,
    form: IntakeForm,
) -> Result<Imported, ConfirmError> {
    confirm_plan_from(store, account, form, None).await
}

/// A file uploaded in the editor, as it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Its name as uploaded.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Reads an uploaded file ([`read_document`]) off the async threads: the PDF reader runs a
/// process.
pub async fn read_upload(file: &SourceFile) -> Result<ReadDocument, ReadError> {
    let (bytes, name) = (file.bytes.clone(), file.name.clone());
    tokio::task::spawn_blocking(move || read_document(&bytes, &name))
        .await
        .unwrap_or_else(|e| Err(ReadError::PdfReader(e.to_string())))
}

/// [`confirm_plan`] for a plan read from an uploaded file: the file is read again and must
/// give the form's text (the office confirms what it saw read), then it is kept with the plan
/// ([`Store::plan_sources`]) in the same transaction. Nothing is written on any refusal.
pub async fn confirm_plan_from(
    store: &Store,
    account: &Account,
    form: IntakeForm,
    source: Option<SourceFile>,
) -> Result<Imported, ConfirmError> {
    ensure(account, Action::EditPlan)?;
    let tree = store.unit_tree().await.map_err(AppError::from)?;
    let (mut p, mut corrected) = checked(&tree, form);
    let mut kept = None;
    if let Some(file) = source {
        match read_upload(&file).await {
            Ok(doc) if normalize_text(&doc.text) == p.text => kept = Some((file, doc.format)),
            Ok(_) => {
                p.errors.push(FieldError::new(
                    Field::Text,
                    "上传的文件与预览中读取的文字不一致,请重新上传该文件",
                    "the uploaded file does not give the text shown in the preview; upload the file again",
                ));
                corrected = None;
            }
            Err(e) if e.is_user_error() => {
                p.errors.push(FieldError::new(Field::Text, e.zh(), e.en()));
                corrected = None;
            }
            Err(e) => return Err(ConfirmError::App(AppError::Read(e))),
        }
    }
    let Some(c) = corrected else {
        return Err(ConfirmError::Refused(Box::new(p)));
    };
    let mut tx = store
        .begin(&Actor::new(&account.name))
        .await
        .map_err(AppError::from)?;
    let written = write_draft(&mut tx, &p.text, &c.draft, &c.options).await?;
    if let Some((file, format)) = &kept {
        use sha2::Digest;
        let sha: String = sha2::Sha256::digest(&file.bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        tx.add_plan_source(
            written.plan,
            &file.name,
            format.media_type(),
            &sha,
            &file.bytes,
        )
        .await
        .map_err(AppError::from)?;
    }
    let corrections = c.corrections(&written);
    for correction in &corrections {
        tx.record_correction(correction)
            .await
            .map_err(AppError::from)?;
    }
    tx.commit().await.map_err(AppError::from)?;
    let imported = Imported {
        plan: written.plan,
        sections: written.sections.len(),
        items: written.sections.iter().map(Vec::len).sum(),
        qualitative: written.qualitative,
        targets: written.targets,
        written: written.sections.into_iter().flatten().collect(),
        extraction: p.extraction,
    };
    info!(
        plan.id = %imported.plan,
        account = %account.name,
        corrections = corrections.len(),
        "Confirmed plan {} from the editor: {} items, {} targets, {} corrections of the extraction",
        imported.plan, imported.items, imported.targets, corrections.len()
    );
    Ok(imported)
}

/// The files a plan was read from (the office's).
pub async fn plan_sources(
    store: &Store,
    account: &Account,
    plan: PlanId,
) -> Result<Vec<minsheng_store::PlanSource>, AppError> {
    ensure(account, Action::EditPlan)?;
    Ok(store.plan_sources(plan).await?)
}

/// One file a plan was read from, with its bytes (the office's).
pub async fn plan_source(
    store: &Store,
    account: &Account,
    plan: PlanId,
    id: i64,
) -> Result<(minsheng_store::PlanSource, Vec<u8>), AppError> {
    ensure(account, Action::EditPlan)?;
    Ok(store.plan_source(plan, id).await?)
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
