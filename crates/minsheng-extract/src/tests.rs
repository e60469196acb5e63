//! Tests: data-driven `check` cases, the corpus scores, and properties.

mod check;
#[cfg(feature = "serde")]
mod corpus;
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

#[test]
#[ignore = "prints extractions of the files in MINSHENG_DUMP (a directory) for eyeballing"]
fn dump() {
    let Ok(dir) = std::env::var("MINSHENG_DUMP") else {
        return;
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        let x = crate::extract(&text);
        println!("===== {}", p.display());
        for s in &x.sections {
            println!("## {} {:?} {:?}", s.no, s.title, s.declared_items);
            for i in &s.items {
                println!("  {}. {} {:?}", i.no, i.text, i.leads);
            }
        }
        println!("{}", crate::render_table(&x));
    }
}
