//! What a request sends, read the same way whichever way it came: the report form's fields
//! and its evidence upload, numbers as people type them (2.3万, full-width digits), a due
//! date. The pages and the JSON API both read through here, in the request's language
//! (`Lang`), so a value is accepted or refused, with the same message, by either.

mod msg;

use crate::i18n::Lang;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use jiff::civil::Date;
use minsheng_app::reporting::{FileAs, ReportInput, split_correction};
use minsheng_app::workspace::ReportForm;
use minsheng_domain::quantity::{ValueError, read_plain_decimal};
use minsheng_domain::{Report, Stage, TargetKind};
use msg::InputMsg;
use rust_decimal::Decimal;

fn msg(lang: Lang) -> &'static InputMsg {
    lang.pick(&msg::ZH, &msg::EN)
}

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
    /// A project report's 形象进度.
    pub progress: String,
    /// A project report's revised 总投资, in 亿元.
    pub revised_total: String,
    /// Milestones reached, by kind: `reached_started=2023-06-20`.
    #[serde(flatten)]
    pub reached: std::collections::BTreeMap<String, String>,
}

impl Fields {
    /// The fields of a revision, to edit it again (a draft, or a returned report to correct).
    pub(crate) fn of(r: &Report) -> Fields {
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
            progress: String::new(),
            revised_total: String::new(),
            reached: Default::default(),
        }
    }
}

/// Messages by field (`value`, `stage`, `spent`, `narrative`, `correction`, `evidence`, and
/// `form` for the form as a whole).
#[derive(Debug, Default)]
pub(crate) struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    /// The message for a field, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub(crate) fn put(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A number as typed by a person: thousands separators and full-width digits allowed, with
/// 万 or 亿 after it. `Ok(None)` for nothing typed, `Err` for anything else: exponent
/// notation (1e5) is refused by name rather than read by accident, and so is a number too
/// large to hold. (Whether a value is within what its unit allows is the use-case's rule.)
pub(crate) fn number(s: &str) -> Result<Option<Decimal>, ValueError> {
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
fn not_a_number(t: &InputMsg, e: &ValueError) -> String {
    match e {
        ValueError::Exponent(_) => e.to_string(),
        _ => t.not_a_number.to_string(),
    }
}

/// Reads the typed fields (in the request's language `lang`) into what the use-case files, or the messages of what cannot be
/// read at all (a non-number, an unknown stage).
pub(crate) fn read_report(
    f: &Fields,
    form: &ReportForm,
    lang: Lang,
) -> Result<(ReportInput, FileAs), FieldErrors> {
    let t = msg(lang);
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

/// Reads the project part of the report form (形象进度, a revised 总投资 in 亿元, the
/// milestones reached as `reached_{kind}` dates), or the field and message of what cannot be
/// read.
pub(crate) fn read_project_part(
    f: &Fields,
    lang: Lang,
) -> Result<minsheng_app::projects::ProjectReportInput, (&'static str, String)> {
    let t = msg(lang);
    let revised_total = number(&f.revised_total)
        .map_err(|e| ("revised_total", not_a_number(t, &e)))?
        .map(|v| {
            v.checked_mul(Decimal::from(100_000_000i64))
                .ok_or(("revised_total", t.not_a_number.to_string()))
        })
        .transpose()?;
    let mut milestones = Vec::new();
    for k in minsheng_domain::project::MilestoneKind::ALL {
        let Some(v) = f.reached.get(&format!("reached_{}", k.code())) else {
            continue;
        };
        match v.trim() {
            "" => {}
            d => {
                let date = d
                    .parse()
                    .map_err(|_| ("reached", format!("{}: {d}", k.label_zh())))?;
                milestones.push((k, date));
            }
        }
    }
    Ok(minsheng_app::projects::ProjectReportInput {
        progress: f.progress.trim().to_string(),
        revised_total,
        milestones,
    })
}

/// Reads fields sent to the JSON API by the form's rules: what to file, or each field that
/// cannot be read with its message (Chinese first). The unknown action is field `action`.
pub(crate) fn read_fields(
    f: &Fields,
    form: &ReportForm,
    lang: Lang,
) -> Result<(ReportInput, FileAs), Vec<(&'static str, String)>> {
    read_report(f, form, lang).map_err(|e| {
        e.0.into_iter()
            .map(|(field, m)| (if field == "form" { "action" } else { field }, m))
            .collect()
    })
}

/// The one file of an upload: its name, declared type and bytes, or why it cannot be read.
/// The status says which: 400 cut off, 413 over the limit, 422 no file.
pub(crate) async fn read_upload(
    multipart: Result<Multipart, MultipartRejection>,
    lang: Lang,
) -> Result<(String, String, axum::body::Bytes), (StatusCode, &'static str)> {
    let t = msg(lang);
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

/// A form's due date: `2023-11-30` (or with `/` or `.`, as typed where a browser has no date
/// picker).
pub(crate) fn parse_due(s: &str, lang: Lang) -> Result<Date, String> {
    let t = msg(lang);
    let s = s.trim();
    if s.is_empty() {
        return Err(t.due_missing.into());
    }
    s.replace(['/', '.'], "-")
        .parse()
        .map_err(|_| t.due_not_a_date.replace("{}", s))
}

#[cfg(test)]
mod tests {
    use super::{Fields, ValueError, number, read_fields};
    use crate::i18n::Lang;
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
                    accrual_set: None,
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
            let fields = Fields { value, stage, spent, narrative, correction, action, ..Fields::default() };
            match read_fields(&fields, &form, Lang::Zh) {
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
