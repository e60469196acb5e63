//! The project and goal readers: one paragraph in, the drafts out, compared with an
//! inline snapshot. Each case is a layout family, written as such texts print it.

use std::fmt::Write as _;

use crate::normalize::squeeze;

/// Extracts `input` and renders its projects, goals and `project-figure-unplaced`
/// diagnostics. Also checks that every phrase is the squeezed text of its span.
fn check_projects(input: &str) -> String {
    let x = crate::extract(input);
    super::assert_spans(input, &x);
    let at = |sp: crate::Span| squeeze(&input[sp.start..sp.end]);
    let mut out = String::new();
    for p in &x.projects {
        assert_eq!(at(p.span), p.name);
        let _ = writeln!(out, "P {}", p.name);
        let figures = p
            .investment
            .iter()
            .map(|f| ("investment", f))
            .chain(p.annual_investment.iter().map(|f| ("annual", f)))
            .chain(p.output_value.iter().map(|f| ("output", f)));
        for (what, f) in figures {
            assert_eq!(at(f.span), f.phrase);
            let by =
                f.by.as_deref()
                    .map_or(String::new(), |b| format!(" by {b}"));
            let _ = writeln!(
                out,
                "  {what} {} {:?} {} [{}]{by} «{}»",
                f.value,
                f.unit,
                f.cmp.as_str(),
                f.printed,
                f.phrase
            );
        }
        for c in &p.capacities {
            assert_eq!(at(c.span), c.phrase);
            let phase = c
                .phase
                .as_deref()
                .map_or(String::new(), |b| format!(" {b}"));
            let _ = writeln!(
                out,
                "  capacity {} {:?} {} {}{phase} [{}] «{}»",
                c.value,
                c.unit,
                c.cmp.as_str(),
                c.qualifier.as_str(),
                c.printed,
                c.phrase
            );
        }
        for d in &p.dates {
            assert_eq!(at(d.span), d.phrase);
            let _ = writeln!(out, "  {} {} «{}»", d.milestone.as_str(), d.by, d.phrase);
        }
    }
    for (k, g) in x.goals.iter().enumerate() {
        let parent = g.parent.map_or(String::new(), |p| format!(" ⊂{p}"));
        let _ = writeln!(
            out,
            "G{k} {} {} {} {:?} {}{parent} «{}»",
            g.by,
            g.subject,
            g.value,
            g.unit,
            g.cmp.as_str(),
            g.phrase
        );
    }
    let codes: Vec<String> = x
        .diagnostics
        .iter()
        .filter(|d| d.code == crate::DiagnosticCode::ProjectFigureUnplaced)
        .map(|d| format!("{}@{}:{}", d.code.as_str(), d.line, d.column))
        .collect();
    if !codes.is_empty() {
        let _ = writeln!(out, "! {}", codes.join(" "));
    }
    out
}

#[test]
fn dump_corpus() {
    for name in [
        "jilin-2023",
        "ningbo-2019",
        "sichuan-2024",
        "cinic-2024",
        "hubei-2023",
    ] {
        let p = format!("{}/../../corpus/{name}.txt", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(p).expect("text");
        println!("== {name}\n{}", check_projects(&text));
    }
}
