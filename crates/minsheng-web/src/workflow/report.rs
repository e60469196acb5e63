//! A report with every revision filed for its assignment and period, and the download of its
//! evidence files, for whoever may see the unit.

use super::msg::Msg;
use super::{RevisionRow, form_href, id_of, period_label, quota, words};
use crate::AppState;
use crate::auth::Chrome;
use crate::error::WebError;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use minsheng_app::workspace;
use minsheng_domain::{Action, EvidenceId, ReportStatus};

#[derive(Template, WebTemplate)]
#[template(path = "report.html")]
pub(super) struct ReportPage {
    chrome: Chrome,
    t: &'static Msg,
    id: i64,
    plan: String,
    plan_id: i64,
    no: String,
    target: String,
    quota: String,
    unit: String,
    period: String,
    revisions: Vec<RevisionRow>,
    edit: Option<String>,
    review: Option<String>,
}

/// `GET /reports/{id}`.
pub(super) async fn page(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<ReportPage, WebError> {
    let me = chrome.account()?.clone();
    let v = workspace::report_view(&st.store, &me, id_of(&id)?).await?;
    let t = words(&chrome);
    let target = &v.placed.target;
    let people = crate::auth::people(&st).await?;
    let revisions = v
        .revisions
        .iter()
        .map(|r| RevisionRow::of(&chrome, &people, &r.report, target, &r.evidence))
        .collect();
    let latest = v.revisions.last().map(|r| r.report.status);
    Ok(ReportPage {
        t,
        id: v.report.id.0,
        plan: v.plan.title.clone(),
        plan_id: v.plan.id.0,
        no: format!("{}.{}", v.placed.section_no, v.placed.item_no),
        target: target.phrase.clone(),
        quota: quota(t, target, v.placed.assignment.quota),
        unit: v.unit.name.clone(),
        period: period_label(&chrome, v.report.period),
        revisions,
        // A unit account that sees the report reports for its unit (its own subtree).
        edit: (me.may(Action::FileReport).is_ok())
            .then(|| form_href(v.placed.assignment.id, v.report.period)),
        review: (me.may(Action::Review).is_ok() && latest == Some(ReportStatus::Submitted))
            .then(|| format!("/review?plan={}", v.plan.id)),
        chrome,
    })
}

/// A file name for `Content-Disposition`: an ASCII fallback in `filename`, the real name
/// percent-encoded as UTF-8 in `filename*` (RFC 6266 / RFC 5987).
pub(super) fn disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// `GET /evidence/{id}`: the file's bytes as an attachment, never rendered in place.
pub(super) async fn download(
    State(st): State<AppState>,
    chrome: Chrome,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let me = chrome.account()?;
    let id: EvidenceId = id_of(&id)?;
    let (meta, bytes) = workspace::evidence_file(&st.store, me, id).await?;
    let content_type = HeaderValue::from_str(&meta.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&disposition(&meta.file_name))
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

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn file_names_are_encoded_for_every_browser() {
        assert_eq!(
            disposition("6月台账 \"终\".pdf"),
            "attachment; filename=\"6___ ___.pdf\"; \
             filename*=UTF-8''6%E6%9C%88%E5%8F%B0%E8%B4%A6%20%22%E7%BB%88%22.pdf"
        );
    }
}
