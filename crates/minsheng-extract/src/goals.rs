//! Multi-year goals: "到2025年,长春国际汽车城总产值将达到11000亿元以上,其中,汽车产业要达到
//! 10000亿元以上" → a [`Goal`] per figure, the 其中 ones linked to their parent.
//!
//! Goals are derived from the narrative figures, which stay as they are (the corpus
//! scorer reads them): a goal is a narrative figure of kind `target` with a deadline
//! (`by`, from 到YYYY年 / YYYY年前 / YYYY年底前) in a later year than the plan's own year
//! (any year when the plan states none), outside the sentences read as a project's
//! (a project's dates and capacities are the project's, not goals).
//!
//! ```text
//! subject ::= the phrase before its number, without the deadline (到2025年, 2025年前),
//!             其中, the modal (将 要 力争 争取 预计 计划) and the verb before the
//!             number (达到 达 突破 超过 实现 为)
//! parent  ::= the last goal before "其中" in the same sentence with the same unit
//!             (汽车产业 10000亿元 → 长春国际汽车城总产值; 整车产量 in 辆 has none)
//! ```

use rust_decimal::Decimal;

use crate::normalize::fold;
use crate::projects::{self, ProjectDraft};
use crate::{Cmp, FigureKind, NarrativeFigure, Span, targets};

/// A target with a deadline years ahead.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    /// The deadline as the narrative figure writes it: "2025", "2025-12".
    pub by: String,
    /// The deadline's year.
    pub year: i32,
    /// What is measured ("长春国际汽车城总产值", "整车产量").
    pub subject: String,
    /// The value, magnitudes applied, in base units (元, not 亿元).
    pub value: Decimal,
    /// The unit.
    pub unit: String,
    /// How it compares.
    pub cmp: Cmp,
    /// The clause carrying it, white space removed.
    pub phrase: String,
    /// Span of the phrase.
    pub span: Span,
    /// Index in [`crate::Extraction::goals`] of the goal this one is part of (其中).
    pub parent: Option<usize>,
}

const MODALS: &[&str] = &["将", "要", "力争", "争取", "预计", "计划"];
const VERBS: &[&str] = &["达到", "达", "突破", "超过", "实现", "为", "至"];

fn year_of(by: &str) -> Option<i32> {
    by.get(..4)?.parse().ok()
}

/// What a goal's phrase measures.
fn subject(phrase: &str, value: Decimal) -> String {
    let s: Vec<char> = phrase.chars().map(fold).collect();
    let printed: Vec<char> = phrase.chars().collect();
    let at = targets::scan_chars(&s)
        .into_iter()
        .find(|f| f.value == value)
        .map_or(s.len(), |f| f.start);
    let mut a = 0;
    // The deadline and 其中 before the subject.
    if let Some(k) = s[..at].iter().rposition(|&c| matches!(c, ',' | ':')) {
        a = k + 1;
    }
    let mut head: String = printed[a..at].iter().collect();
    if let Some(rest) = head.strip_prefix("其中") {
        head = rest.to_string();
    }
    // The modal after the subject ("总产值将达到"), never its first character.
    if let Some(w) = MODALS
        .iter()
        .find(|w| head.get(3..).is_some_and(|t| t.contains(*w)))
        && let Some(k) = head.find(*w)
    {
        head.replace_range(k..k + w.len(), "");
    }
    loop {
        let before = head.len();
        for w in VERBS.iter().chain(MODALS) {
            if let Some(rest) = head.strip_suffix(w) {
                head = rest.to_string();
            }
        }
        if head.len() == before {
            break;
        }
    }
    head
}

/// Where the sentence holding byte `at` starts.
fn sentence_start(text: &str, at: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .find(|&(_, c)| matches!(c, '。' | ';' | '；' | '!' | '！' | '?' | '？' | '\n'))
        .map_or(0, |(k, c)| k + c.len_utf8())
}

/// The goals among `narrative`.
#[must_use]
pub fn read(
    text: &str,
    narrative: &[NarrativeFigure],
    plan_year: Option<i32>,
    projects: &[ProjectDraft],
) -> Vec<Goal> {
    let mut out: Vec<Goal> = Vec::new();
    let extents = projects::extents(projects);
    for f in narrative {
        if f.kind != FigureKind::Target {
            continue;
        }
        let Some(by) = &f.by else { continue };
        let Some(year) = year_of(by) else { continue };
        if plan_year.is_some_and(|y| year <= y) || projects::within(&extents, f.span) {
            continue;
        }
        let start = sentence_start(text, f.span.start.min(text.len()));
        // 其中 before the figure, or opening its own phrase ("其中新能源车达15款").
        let parent = text
            .get(start..f.span.end)
            .and_then(|before| before.rfind("其中"))
            .map(|k| start + k)
            .and_then(|qizhong| {
                // Goals are in text order: look back no further than the sentence.
                let mut k = out.len();
                while k > 0 && out[k - 1].span.start >= start {
                    k -= 1;
                    let g = &out[k];
                    if g.span.end <= qizhong && g.unit == f.unit && g.parent.is_none() {
                        return Some(k);
                    }
                }
                None
            });
        out.push(Goal {
            by: by.clone(),
            year,
            subject: subject(&f.phrase, f.value),
            value: f.value,
            unit: f.unit.clone(),
            cmp: f.cmp,
            phrase: f.phrase.clone(),
            span: f.span,
            parent,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects() {
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        assert_eq!(
            subject(
                "到2025年,长春国际汽车城总产值将达到11000亿元以上",
                d("1100000000000")
            ),
            "长春国际汽车城总产值"
        );
        assert_eq!(
            subject("汽车产业要达到10000亿元以上", d("1000000000000")),
            "汽车产业"
        );
        assert_eq!(subject("其中新能源车达15款", d("15")), "新能源车");
        assert_eq!(
            subject("2025年前,一汽红旗将推出全新车型17款", d("17")),
            "一汽红旗推出全新车型"
        );
    }
}
