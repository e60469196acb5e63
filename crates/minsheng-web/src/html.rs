//! The pages: the list of plans, a plan with its sections, items and targets, and one item.

use crate::AppState;
use crate::error::WebError;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use minsheng_app::queries::{self, ItemPage, PlanOutline};
use minsheng_domain::{ItemId, Plan, PlanId, TargetSpan};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/plans/{id}", get(plan))
        .route("/items/{id}", get(item))
        .route("/healthz", get(|| async { "ok" }))
}

pub(crate) async fn not_found() -> WebError {
    WebError::NotFound
}

#[derive(Template, WebTemplate)]
#[template(path = "index.html")]
struct IndexPage {
    demo: bool,
    plans: Vec<Plan>,
}

async fn index(State(st): State<AppState>) -> Result<IndexPage, WebError> {
    Ok(IndexPage {
        demo: st.demo,
        plans: queries::plans(&st.store).await?,
    })
}

/// What the document claims about itself that its content does not bear out.
struct Mismatch {
    zh: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "plan.html")]
struct PlanPage {
    demo: bool,
    o: PlanOutline,
    mismatches: Vec<Mismatch>,
}

fn mismatches(o: &PlanOutline) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if let Some(n) = o.plan.declared_sections
        && n as usize != o.sections.len()
    {
        out.push(Mismatch {
            zh: format!("文件称有 {n} 个方面,实际列出 {} 个。/ The document claims {n} sections and lists {}.", o.sections.len(), o.sections.len()),
        });
    }
    if let Some(n) = o.plan.declared_items
        && n as usize != o.item_count()
    {
        out.push(Mismatch {
            zh: format!(
                "文件称有 {n} 项,实际列出 {} 项。/ The document claims {n} items and lists {}.",
                o.item_count(),
                o.item_count()
            ),
        });
    }
    for s in &o.sections {
        if let Some(n) = s.section.declared_items
            && n as usize != s.items.len()
        {
            out.push(Mismatch {
                zh: format!(
                    "第{}部分“{}”标注 {n} 项,实际 {} 项。/ Section {} declares {n} items and holds {}.",
                    s.section.no,
                    s.section.title.as_deref().unwrap_or(""),
                    s.items.len(),
                    s.section.no,
                    s.items.len()
                ),
            });
        }
    }
    out
}

async fn plan(State(st): State<AppState>, Path(id): Path<String>) -> Result<PlanPage, WebError> {
    let id: PlanId = id.parse().map_err(|_| WebError::NotFound)?;
    let o = queries::plan_outline(&st.store, id).await?;
    Ok(PlanPage {
        demo: st.demo,
        mismatches: mismatches(&o),
        o,
    })
}

/// A piece of the item's source text, highlighted when a target was read from it.
struct Piece {
    text: String,
    target: Option<u32>,
}

#[derive(Template, WebTemplate)]
#[template(path = "item.html")]
struct ItemTemplate {
    demo: bool,
    p: ItemPage,
    source: Vec<Piece>,
}

/// Cuts the item's source text at its targets' spans, so each phrase can be highlighted.
fn source_pieces(
    text: &str,
    item: Option<TargetSpan>,
    targets: &[(u32, TargetSpan)],
) -> Vec<Piece> {
    let Some(item) = item.filter(|s| {
        s.end <= text.len() && text.is_char_boundary(s.start) && text.is_char_boundary(s.end)
    }) else {
        return Vec::new();
    };
    let mut spans: Vec<(u32, TargetSpan)> = targets
        .iter()
        .copied()
        .filter(|(_, s)| item.start <= s.start && s.end <= item.end && s.start < s.end)
        .filter(|(_, s)| text.is_char_boundary(s.start) && text.is_char_boundary(s.end))
        .collect();
    spans.sort_by_key(|(_, s)| s.start);
    let mut out = Vec::new();
    let mut at = item.start;
    for (seq, s) in spans {
        if s.start < at {
            continue; // overlapping phrases: keep the first
        }
        if s.start > at {
            out.push(Piece {
                text: text[at..s.start].to_string(),
                target: None,
            });
        }
        out.push(Piece {
            text: text[s.start..s.end].to_string(),
            target: Some(seq),
        });
        at = s.end;
    }
    if at < item.end {
        out.push(Piece {
            text: text[at..item.end].to_string(),
            target: None,
        });
    }
    out
}

async fn item(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<ItemTemplate, WebError> {
    let id: ItemId = id.parse().map_err(|_| WebError::NotFound)?;
    let p = queries::item_page(&st.store, id).await?;
    let spans: Vec<(u32, TargetSpan)> = p
        .targets
        .iter()
        .filter_map(|t| t.target.span.map(|s| (t.target.seq, s)))
        .collect();
    let source = source_pieces(&p.plan.source_text, p.item.span, &spans);
    Ok(ItemTemplate {
        demo: st.demo,
        p,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_each_phrase_once() {
        let text = "前言\n1.城镇新增就业23万人;实现零就业家庭动态清零。\n";
        let start = text.find("1.").unwrap();
        let end = text.rfind('\n').unwrap();
        let t1 = text.find("城镇新增就业23万人").unwrap();
        let t1 = TargetSpan {
            start: t1,
            end: t1 + "城镇新增就业23万人".len(),
        };
        let pieces = source_pieces(text, Some(TargetSpan { start, end }), &[(1, t1)]);
        let marked: Vec<_> = pieces
            .iter()
            .filter(|p| p.target.is_some())
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, ["城镇新增就业23万人"]);
        let whole: String = pieces.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(whole, &text[start..end]);
        // A span off a char boundary is dropped, never panics.
        let bad = TargetSpan {
            start: t1.start + 1,
            end: t1.end,
        };
        assert_eq!(
            source_pieces(text, Some(TargetSpan { start, end }), &[(1, bad)]).len(),
            1
        );
    }
}
