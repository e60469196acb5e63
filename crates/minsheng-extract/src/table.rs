//! A plain-text table of an extraction, for people checking it by eye.

use std::fmt::Write as _;

use crate::Extraction;

/// One line per target (section, item, value, unit, cmp, phrase), then one line per
/// narrative figure, the projects (a line each, then one per figure and date), the
/// goals, then the diagnostics with line:column.
#[must_use]
pub fn render_table(x: &Extraction) -> String {
    let mut out = String::new();
    let title = x.title.as_deref().unwrap_or("-");
    let year = x.year.map_or("-".to_string(), |y| y.to_string());
    let _ = writeln!(out, "title: {title}  year: {year}");
    let ds = x.declared.sections.map_or("-".into(), |v| v.to_string());
    let di = x.declared.items.map_or("-".into(), |v| v.to_string());
    let n_items: usize = x.sections.iter().map(|s| s.items.len()).sum();
    let _ = writeln!(
        out,
        "declared: {ds} sections, {di} items; found: {} sections, {n_items} items{}",
        x.sections.len(),
        if x.truncated { " (truncated)" } else { "" }
    );
    let _ = writeln!(out, "sec  item  value  unit  cmp  phrase");
    for s in &x.sections {
        for i in &s.items {
            for t in &i.targets {
                let flags = match (t.delta, t.implicit) {
                    (true, true) => " Δ implicit",
                    (true, false) => " Δ",
                    (false, true) => " implicit",
                    (false, false) => "",
                };
                let unit = if t.unit.is_empty() { "-" } else { &t.unit };
                let _ = writeln!(
                    out,
                    "{:>3}  {:>4}  {}  {}  {}{}  {}",
                    s.no,
                    i.no,
                    t.value.normalize(),
                    unit,
                    t.cmp.as_str(),
                    flags,
                    t.phrase
                );
            }
        }
    }
    if !x.narrative.is_empty() {
        let _ = writeln!(out, "narrative: value  unit  cmp  kind  by  phrase");
        for f in &x.narrative {
            let unit = if f.unit.is_empty() { "-" } else { &f.unit };
            let _ = writeln!(
                out,
                "  {}  {}  {}  {}  {}  {}",
                f.value.normalize(),
                unit,
                f.cmp.as_str(),
                f.kind.as_str(),
                f.by.as_deref().unwrap_or("-"),
                f.phrase
            );
        }
    }
    for p in &x.projects {
        let _ = writeln!(out, "project: {}", p.name);
        let figures = p
            .investment
            .iter()
            .map(|f| ("总投资", f))
            .chain(p.annual_investment.iter().map(|f| ("年度投资", f)))
            .chain(p.output_value.iter().map(|f| ("年产值", f)));
        for (what, f) in figures {
            let by = f.by.as_deref().unwrap_or("-");
            let _ = writeln!(
                out,
                "  {what}  {}  {}  {}  {by}  {}",
                f.value.normalize(),
                f.unit,
                f.cmp.as_str(),
                f.phrase
            );
        }
        for c in &p.capacities {
            let _ = writeln!(
                out,
                "  产能  {}  {}  {}  {}  {}  {}",
                c.value.normalize(),
                c.unit,
                c.cmp.as_str(),
                c.qualifier.as_str(),
                c.phase.as_deref().unwrap_or("-"),
                c.phrase
            );
        }
        for d in &p.dates {
            let _ = writeln!(out, "  {}  {}  {}", d.milestone.as_zh(), d.by, d.phrase);
        }
    }
    if !x.goals.is_empty() {
        let _ = writeln!(out, "goals: by  subject  value  unit  cmp  parent  phrase");
        for g in &x.goals {
            let parent = g.parent.map_or("-".to_string(), |k| k.to_string());
            let _ = writeln!(
                out,
                "  {}  {}  {}  {}  {}  {parent}  {}",
                g.by,
                g.subject,
                g.value.normalize(),
                g.unit,
                g.cmp.as_str(),
                g.phrase
            );
        }
    }
    for d in &x.diagnostics {
        let _ = writeln!(
            out,
            "{}:{} {:?} {} {} / {}",
            d.line,
            d.column,
            d.severity,
            d.code.as_str(),
            d.message_zh,
            d.message_en
        );
    }
    out
}
