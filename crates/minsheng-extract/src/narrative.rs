//! Figures outside numbered items: closing paragraphs, news articles, table
//! progress columns.
//!
//! ```text
//! figure   ::= target (as in `targets`) inside a loose line
//! kind     ::= capacity   if its clause names a size: 产能 年产 总投资 可达 能满足 规模 容量 装机
//!            | actual     if its clause reports: 已 累计 历经 建成 超N (not 超过)
//!            | target     if its clause or sentence promises: 将 要 计划 力争 预计 目标 规划 到YYYY年 YYYY年前
//!            | actual     otherwise
//! by       ::= the last "到YYYY年" | "YYYY年前" | "YYYY年底前" before the figure in its line
//! ```

use crate::normalize::Compact;
use crate::targets::{self, Found};
use crate::{FigureKind, NarrativeFigure, Span};

const CAPACITY: &[&str] = &[
    "产能",
    "年产",
    "总投资",
    "投资额",
    "可达",
    "能满足",
    "规模",
    "容量",
    "装机",
    "吞吐",
];
const ACTUAL: &[&str] = &["已", "累计", "历经", "建成", "截至"];
const TARGET: &[&str] = &["将", "要", "计划", "力争", "预计", "目标", "规划", "争取"];

fn contains_any(s: &[char], words: &[&str]) -> bool {
    // No allocation and no slice comparison per window: this runs for every figure.
    words.iter().any(|w| {
        let mut chars = w.chars();
        let Some(first) = chars.next() else {
            return true;
        };
        let rest = chars.as_str();
        (0..s.len()).any(|i| {
            s[i] == first
                && rest
                    .chars()
                    .enumerate()
                    .all(|(k, r)| s.get(i + 1 + k) == Some(&r))
        })
    })
}

/// The deadline written before char `upto`: ("2025", or "2024-12").
fn deadline(s: &[char], upto: usize) -> Option<String> {
    let mut found = None;
    // A deadline governs its paragraph, but look back a bounded way to stay linear.
    let mut i = upto.saturating_sub(240);
    while i + 5 <= upto {
        if s[i..i + 4].iter().all(char::is_ascii_digit)
            && s.get(i + 4) == Some(&'年')
            && (i == 0 || !s[i - 1].is_ascii_digit())
        {
            let year: String = s[i..i + 4].iter().collect();
            let before_dao = i > 0 && matches!(s[i - 1], '到' | '至');
            let after = &s[i + 5..upto.max(i + 5)];
            if after.first() == Some(&'前') {
                found = Some(year);
            } else if after.starts_with(&['底', '前']) {
                found = Some(format!("{year}-12"));
            } else if before_dao {
                found = Some(year);
            }
            i += 5;
        } else {
            i += 1;
        }
    }
    found
}

fn clause_start(s: &[char], at: usize) -> usize {
    let floor = at.saturating_sub(64);
    (floor..at)
        .rev()
        .find(|&k| matches!(s[k], ',' | ';' | '。' | '!' | '?' | ':' | '，' | '；'))
        .map_or(floor, |k| k + 1)
}

fn sentence_start(s: &[char], at: usize) -> usize {
    let floor = at.saturating_sub(240);
    (floor..at)
        .rev()
        .find(|&k| matches!(s[k], ';' | '。' | '!' | '?' | '；'))
        .map_or(floor, |k| k + 1)
}

fn classify(s: &[char], f: &Found) -> FigureKind {
    let clause = &s[clause_start(s, f.start)..f.start];
    let whole_clause = &s[clause_start(s, f.start)..f.phrase.1.max(f.start)];
    if contains_any(whole_clause, CAPACITY) {
        return FigureKind::Capacity;
    }
    if f.reported || contains_any(clause, ACTUAL) {
        return FigureKind::Actual;
    }
    let sentence = &s[sentence_start(s, f.start)..f.start];
    if contains_any(clause, TARGET)
        || contains_any(sentence, TARGET)
        || deadline(s, f.start).is_some()
    {
        return FigureKind::Target;
    }
    FigureKind::Actual
}

/// One loose line made compact, when it writes a number at all (else it states no figure).
#[must_use]
pub fn prepare(text: &str, line: Span) -> Option<Compact> {
    let raw = text.get(line.start..line.end)?;
    if !raw.chars().any(|c| {
        let c = crate::normalize::fold(c);
        c.is_ascii_digit() || crate::numerals::is_cnum(c)
    }) {
        return None;
    }
    Some(Compact::from_span(text, line))
}

/// Figures in one loose line, skipping those that overlap `exclude` spans.
pub fn figures(text: &str, line: Span, exclude: &[Span], out: &mut Vec<NarrativeFigure>) {
    let Some(c) = prepare(text, line) else {
        return;
    };
    let found = targets::scan_chars(&c.folded);
    figures_in(&c, &found, exclude, out);
}

/// Figures of a prepared line whose figures `found` were scanned once for every reader.
pub fn figures_in(c: &Compact, found: &[Found], exclude: &[Span], out: &mut Vec<NarrativeFigure>) {
    let s = &c.folded;
    for f in found {
        if f.implicit {
            continue;
        }
        let span = c.span(f.start, f.end);
        if exclude
            .iter()
            .any(|e| e.start < span.end && span.start < e.end)
        {
            continue;
        }
        let kind = classify(s, f);
        let by = if kind == FigureKind::Target {
            deadline(s, f.start)
        } else {
            None
        };
        let (a, b) = f.phrase;
        out.push(NarrativeFigure {
            value: f.value,
            unit: f.unit.clone(),
            cmp: f.cmp,
            kind,
            by,
            phrase: c.slice(a, b).to_string(),
            span: c.span(a, b),
        });
    }
}
