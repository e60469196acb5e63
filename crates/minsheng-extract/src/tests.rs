//! Tests: data-driven `check` cases, the corpus scores, and properties.

mod check;
#[cfg(feature = "serde")]
mod corpus;
mod projects;
mod props;

use crate::Extraction;

/// Every span of an extraction, for the span invariants.
pub(crate) fn all_spans(x: &Extraction) -> Vec<crate::Span> {
    let mut v = Vec::new();
    for s in &x.sections {
        v.push(s.span);
        for i in &s.items {
            v.push(i.span);
            v.extend(i.targets.iter().map(|t| t.span));
        }
    }
    v.extend(x.narrative.iter().map(|f| f.span));
    for p in &x.projects {
        v.extend([p.span, p.extent]);
        v.extend(p.investment.iter().map(|f| f.span));
        v.extend(p.annual_investment.iter().map(|f| f.span));
        v.extend(p.output_value.iter().map(|f| f.span));
        v.extend(p.dates.iter().map(|d| d.span));
        v.extend(p.capacities.iter().map(|c| c.span));
    }
    v.extend(x.goals.iter().map(|g| g.span));
    v.extend(x.diagnostics.iter().map(|d| d.span));
    v
}

/// Panics unless every span lies on char boundaries inside `text`.
pub(crate) fn assert_spans(text: &str, x: &Extraction) {
    for sp in all_spans(x) {
        assert!(
            sp.start <= sp.end && sp.end <= text.len(),
            "{sp:?} out of {}",
            text.len()
        );
        assert!(
            text.is_char_boundary(sp.start) && text.is_char_boundary(sp.end),
            "{sp:?}"
        );
    }
}
