//! The report form: shown with the latest draft or revision, saved as a draft or submitted,
//! re-shown with 422 and each message beside its field when something is refused (the typed
//! values kept, nothing saved); and the evidence upload that goes with it.

use super::msg::Msg;
use super::{
    EvidenceRow, RevisionRow, amount, form_href, id_of, period_label, period_of, quota, words,
};
use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minsheng_app::AppError;
use minsheng_app::reporting::{EVIDENCE_TYPES, FileAs, ReportInput, split_correction};
use minsheng_app::workspace::{self, ReportForm};
use minsheng_domain::quantity::{ValueError, read_plain_decimal};
use minsheng_domain::{AssignmentId, Report, ReportId, ReportStatus, Stage, TargetKind};
use rust_decimal::Decimal;

/// What a correction states when the unit ticks the box; the reason is in the narrative.
const CORRECTION_NOTE: &str = "本期累计值为更正数据,原因见情况说明";

/// The form's fields as typed (all text, so they can be shown again as they were). The JSON
/// API fills them from its body and reads them with the same rules ([`read_fields`]).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct Fields {
    pub value: String,
    pub stage: String,
    pub spent: String,
    pub narrative: String,
    /// Ticked (any value) when the cumulative value corrects an accepted one.
    pub correction: Option<String>,
    /// `draft` or `submit`.
    pub action: String,
}

impl Fields {
    /// The fields of a revision, to edit it again (a draft, or a returned report to correct).
    fn of(r: &Report) -> Fields {
        let (narrative, correction) = split_correction(&r.narrative);
        Fields {
            value: r
                .cumulative
                .map(|v| v.normalize().to_string())
                .unwrap_or_default(),
            stage: r.stage.map(|s| s.code().to_string()).unwrap_or_default(),
            spent: r
                .funds_spent
                .map(|v| v.normalize().to_string())
                .unwrap_or_default(),
            narrative: narrative.to_string(),
            correction: correction.map(|_| "1".to_string()),
            action: String::new(),
        }
    }
}

/// Messages by field (`value`, `stage`, `spent`, `narrative`, `correction`, `evidence`, and
/// `form` for the form as a whole).
#[derive(Debug, Default)]
pub(super) struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    /// The message for a field, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    fn put(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The form field a use-case's refusal belongs beside.
fn field_of(app_field: &str) -> &'static str {
    match app_field {
        "value" | "unit" => "value",
        "stage" => "stage",
        "funds_spent" => "spent",
        "narrative" => "narrative",
        "correction" => "correction",
        _ => "form",
    }
}

/// A number as typed by a person: thousands separators and full-width digits allowed, with
/// 万 or 亿 after it. `Ok(None)` for nothing typed, `Err` for anything else: exponent
/// notation (1e5) is refused by name rather than read by accident, and so is a number too
/// large to hold. (Whether a value is within what its unit allows is the use-case's rule.)
fn number(s: &str) -> Result<Option<Decimal>, ValueError> {
    let mut t: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '\u{FF0C}' | ' ' | '\u{3000}'))
        .map(|c| match c {
            // Full-width digits, point and minus, as Chinese input methods type them.
            '\u{FF10}'..='\u{FF19}' => {
                char::from_u32(c as u32 - 0xFF10 + u32::from(b'0')).unwrap_or(c)
            }
            '\u{FF0E}' => '.',
            '\u{FF0D}' => '-',
            c => c,
        })
        .collect();
    if t.is_empty() {
        return Ok(None);
    }
    let mut factor = Decimal::ONE;
    for (suffix, f) in [("万", 10_000i64), ("亿", 100_000_000)] {
        if let Some(rest) = t.strip_suffix(suffix) {
            factor = Decimal::from(f);
            t = rest.to_string();
            break;
        }
    }
    let v = read_plain_decimal(&t)?;
    v.checked_mul(factor)
        .map(Some)
        .ok_or_else(|| ValueError::NotANumber(s.trim().to_string()))
}

/// The message for a number that cannot be read: exponent notation says so, anything else is
/// the page's "not a number".
fn not_a_number(t: &Msg, e: &ValueError) -> String {
    match e {
        ValueError::Exponent(_) => e.to_string(),
        _ => t.not_a_number.to_string(),
    }
}

/// Reads the typed fields into what the use-case files, or the messages of what cannot be
/// read at all (a non-number, an unknown stage).
fn read(f: &Fields, form: &ReportForm, t: &Msg) -> Result<(ReportInput, FileAs), FieldErrors> {
    let mut errors = FieldErrors::default();
    let file_as = match f.action.as_str() {
        "draft" => Some(FileAs::Draft),
        "submit" => Some(FileAs::Submitted),
        _ => {
            errors.put("form", t.unknown_action);
            None
        }
    };
    let is_stage = form.placed.target.kind == TargetKind::Stage;
    // The page has no value field for a qualitative item; a value sent anyway goes on to the
    // use-case, which refuses it.
    let value = number(&f.value).unwrap_or_else(|e| {
        errors.put("value", not_a_number(t, &e));
        None
    });
    let stage = match f.stage.trim() {
        "" => None,
        _ if !is_stage => None,
        code => Stage::from_code(code).or_else(|| {
            errors.put("stage", t.unknown_stage);
            None
        }),
    };
    let funds_spent = number(&f.spent).unwrap_or_else(|e| {
        errors.put("spent", not_a_number(t, &e));
        None
    });
    match file_as {
        Some(file_as) if errors.is_empty() => Ok((
            ReportInput {
                assignment: form.placed.assignment.id,
                period: form.period,
                value,
                value_unit: None,
                stage,
                funds_spent,
                narrative: f.narrative.trim().to_string(),
                correction: f.correction.as_ref().map(|_| CORRECTION_NOTE.to_string()),
            },
            file_as,
        )),
        _ => Err(errors),
    }
}

/// Reads fields sent to the JSON API by the form's rules: what to file, or each field that
/// cannot be read with its message (Chinese first). The unknown action is field `action`.
pub(crate) fn read_fields(
    f: &Fields,
    form: &ReportForm,
) -> Result<(ReportInput, FileAs), Vec<(&'static str, String)>> {
    read(f, form, &super::msg::ZH).map_err(|e| {
        e.0.into_iter()
            .map(|(field, m)| (if field == "form" { "action" } else { field }, m))
            .collect()
    })
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
}

impl FormPage {
    fn new(chrome: Chrome, form: &ReportForm, values: Fields, errors: FieldErrors) -> FormPage {
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
            .map(|r| RevisionRow::of(&chrome, r, target, &[]))
            .collect();
        FormPage {
            t,
            action: form_href(form.placed.assignment.id, form.period),
            workspace: format!("/workspace?period={}", form.period),
            no: format!("{}.{}", form.placed.section_no, form.placed.item_no),
            target: target.phrase.clone(),
            deadline: target.deadline.to_string(),
            quota: quota(t, target, form.placed.assignment.quota),
            unit: form.unit.name.clone(),
            period: period_label(&chrome, form.period),
            measure: target.quantity.unit.clone(),
            is_stage: target.kind == TargetKind::Stage,
            additive: target.quantity.is_additive(),
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
    let period = period_of(q.period.as_deref(), today)?;
    let form = workspace::report_form(&st.store, &me, assignment, period, today).await?;
    let values = form.latest().map(Fields::of).unwrap_or_default();
    let mut page = FormPage::new(chrome, &form, values, FieldErrors::default());
    page.note = match (q.saved, q.attached) {
        (Some(_), _) => Some(page.t.saved_ok),
        (None, Some(_)) => Some(page.t.evidence_attached),
        (None, None) => None,
    };
    Ok(page)
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
    let period = period_of(q.period.as_deref(), today)?;
    // The form as it stands; this also checks that the account reports for the assignment.
    let form = workspace::report_form(&st.store, &me, assignment, period, today).await?;
    let errors = match read(&f, &form, words(&chrome)) {
        Err(errors) => errors,
        Ok((input, file_as)) => {
            match workspace::save_report(&st.store, &me, &input, file_as, today).await {
                Ok(report) => {
                    let to = match file_as {
                        FileAs::Submitted => format!("/workspace?period={period}&filed={report}"),
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
    let page = FormPage::new(chrome, &form, f, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The one file of an upload: its name, declared type and bytes, or why it cannot be read.
async fn the_file(
    multipart: Result<Multipart, MultipartRejection>,
    t: &Msg,
) -> Result<(String, String, axum::body::Bytes), (StatusCode, &'static str)> {
    let unreadable = (StatusCode::BAD_REQUEST, t.evidence_unreadable);
    let mut multipart = multipart.map_err(|_| unreadable)?;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Err((StatusCode::UNPROCESSABLE_ENTITY, t.evidence_missing)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err((StatusCode::PAYLOAD_TOO_LARGE, t.evidence_too_large));
            }
            Err(_) => return Err(unreadable),
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_string();
        let content_type = field.content_type().unwrap_or_default().to_string();
        if name.trim().is_empty() {
            return Err((StatusCode::UNPROCESSABLE_ENTITY, t.evidence_missing));
        }
        return match field.bytes().await {
            Ok(bytes) => Ok((name, content_type, bytes)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err((StatusCode::PAYLOAD_TOO_LARGE, t.evidence_too_large))
            }
            Err(_) => Err(unreadable),
        };
    }
}

/// The one file of an upload to the JSON API, or the status and message (Chinese first) of
/// why it cannot be read: 400 cut off, 413 over the limit, 422 no file.
pub(crate) async fn uploaded_file(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(String, String, axum::body::Bytes), (StatusCode, &'static str)> {
    the_file(multipart, &super::msg::ZH).await
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
    let (status, message) = match the_file(multipart, words(&chrome)).await {
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
    let page = FormPage::new(chrome, &form, values, errors);
    Ok((status, page).into_response())
}

#[cfg(test)]
mod tests {
    use super::{Fields, ValueError, number, read_fields};
    use minsheng_app::reporting::FileAs;
    use minsheng_app::workspace::{PlacedAssignment, ReportForm};
    use minsheng_domain::*;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    /// A report form for a target of `kind`, with nothing filed yet.
    fn form(kind: TargetKind) -> ReportForm {
        let unit = OrgUnit {
            id: UnitId(2),
            parent: Some(UnitId(1)),
            kind: UnitKind::City,
            code: Some("220100".into()),
            name: "长春市".into(),
        };
        ReportForm {
            placed: PlacedAssignment {
                assignment: Assignment {
                    id: AssignmentId(7),
                    target: TargetId(3),
                    unit: unit.id,
                    role: AssignmentRole::Partner,
                    quota: Some(Decimal::from(52_000)),
                    budget: None,
                },
                target: Target {
                    id: TargetId(3),
                    item: ItemId(1),
                    seq: 1,
                    quantity: Quantity::new(Decimal::from(230_000), "人"),
                    cmp: Cmp::Ge,
                    phrase: "城镇新增就业23万人".into(),
                    span: None,
                    implicit: false,
                    delta: false,
                    deadline: jiff::civil::date(2023, 12, 31),
                    baseline: None,
                    kind,
                },
                plan: PlanId(1),
                year: 2023,
                section_no: 1,
                item_no: 1,
            },
            unit,
            period: Period::Month {
                year: 2023,
                month: 6,
            },
            revisions: Vec::new(),
            floor: None,
            evidence: Vec::new(),
        }
    }

    /// Text a person might type into a number box: digits, separators, full-width forms,
    /// magnitudes, words, signs and spaces in any order.
    fn typed() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("0"),
                Just("7"),
                Just("12"),
                Just("99999999999999999999999999999"),
                Just("."),
                Just(","),
                Just("，"),
                Just("．"),
                Just("１"),
                Just("－"),
                Just("-"),
                Just("+"),
                Just("e5"),
                Just("万"),
                Just("亿"),
                Just("万亿"),
                Just(" "),
                Just("\u{3000}"),
                Just("人"),
                Just("很多"),
                Just("NaN"),
                Just("∞"),
            ],
            0..8,
        )
        .prop_map(|p| p.concat())
    }

    proptest! {
        /// Any text in the value or funds box is read as a number or refused, never a panic.
        #[test]
        fn any_typed_number_is_read_or_refused(s in any::<String>(), t in typed()) {
            let _ = number(&s);
            let _ = number(&t);
        }

        /// A number written plainly, with thousands separators, in full-width digits or with
        /// 万 after it reads back as itself.
        #[test]
        fn written_numbers_read_back(
            mantissa in -10_000_000_000i64..10_000_000_000,
            scale in 0u32..6,
            wan in any::<bool>(),
            full_width in any::<bool>(),
        ) {
            let d = Decimal::new(mantissa, scale);
            let mut text = d.to_string();
            if full_width {
                text = text
                    .chars()
                    .map(|c| match c {
                        '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c),
                        '.' => '．',
                        '-' => '－',
                        c => c,
                    })
                    .collect();
            }
            let want = if wan {
                text.push('万');
                d * Decimal::from(10_000)
            } else {
                d
            };
            prop_assert_eq!(number(&text), Ok(Some(want)), "{}", text);
            prop_assert_eq!(number(&format!(" {text} ")), Ok(Some(want)));
        }

        /// The form's reading of any fields, for a count or a qualitative item: what to file,
        /// or a message for each field that cannot be read — and only for the fields that
        /// exist, each message Chinese first — never a panic.
        #[test]
        fn any_fields_are_read_or_refused_by_field(
            value in prop_oneof![any::<String>(), typed()],
            spent in prop_oneof![any::<String>(), typed()],
            stage in prop_oneof![any::<String>(), Just("started".to_string()), Just("done".to_string()), Just("not_started".to_string())],
            narrative in any::<String>(),
            correction in proptest::option::of(any::<String>()),
            action in prop_oneof![any::<String>(), Just("draft".to_string()), Just("submit".to_string())],
            stage_item in any::<bool>(),
        ) {
            let kind = if stage_item { TargetKind::Stage } else { TargetKind::Quantity };
            let form = form(kind);
            let fields = Fields { value, stage, spent, narrative, correction, action };
            match read_fields(&fields, &form) {
                Ok((input, file_as)) => {
                    prop_assert_eq!(input.assignment, AssignmentId(7));
                    prop_assert_eq!(input.period, form.period);
                    prop_assert_eq!(input.value, number(&fields.value).unwrap());
                    prop_assert_eq!(input.funds_spent, number(&fields.spent).unwrap());
                    prop_assert_eq!(
                        file_as,
                        if fields.action == "draft" { FileAs::Draft } else { FileAs::Submitted }
                    );
                }
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    for (field, message) in &errors {
                        prop_assert!(["value", "stage", "spent", "action"].contains(field), "{}", field);
                        prop_assert!(message.chars().next().is_some_and(|c| !c.is_ascii()), "Chinese first: {}", message);
                    }
                    prop_assert_eq!(
                        errors.iter().any(|(f, _)| *f == "value"),
                        number(&fields.value).is_err()
                    );
                    prop_assert_eq!(
                        errors.iter().any(|(f, _)| *f == "action"),
                        !["draft", "submit"].contains(&fields.action.as_str())
                    );
                }
            }
        }
    }

    #[test]
    fn numbers_are_read_as_people_type_them() {
        let d = |s: &str| Some(s.parse().unwrap());
        assert_eq!(number(" 1,234.5 "), Ok(d("1234.5")));
        assert_eq!(number("2.3万"), Ok(d("23000")));
        assert_eq!(number("1亿"), Ok(d("100000000")));
        assert_eq!(number("１２３"), Ok(d("123")));
        assert_eq!(number(""), Ok(None));
        assert!(number("很多").is_err());
        assert!(number("12人").is_err());
        assert!(matches!(number("1e5"), Err(ValueError::Exponent(_))));
        assert!(number("79228162514264337593543950335万").is_err());
    }
}
