//! What looks wrong in a document, in Chinese first and English second.
//!
//! Extraction never fails: everything it doubts becomes a [`Diagnostic`] with a
//! byte span into the input.

use crate::Span;

/// How much a diagnostic matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The text contradicts itself (declared counts, numbering).
    Warning,
    /// Worth knowing when checking the extraction (joined lines, items without targets).
    Info,
}

/// A stable code per kind of diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DiagnosticCode {
    /// The text declares N sections ("十四个方面") but lists another number.
    DeclaredSections,
    /// The text declares N items ("50项") but lists another number.
    DeclaredItems,
    /// A heading's "(N项)" disagrees with the items under it.
    SectionItems,
    /// Item numbers skip one or more numbers.
    NumberingGap,
    /// An item number repeats or goes backwards.
    NumberingDuplicate,
    /// A line without closing punctuation was joined to the next one.
    JoinedLines,
    /// A numbered item states no quantitative target.
    ItemWithoutTarget,
    /// The text stops in the middle of an item.
    Truncated,
    /// No numbered item was found at all.
    NoItems,
    /// A figure in a project's paragraph is neither its investment, a date, a capacity
    /// nor its output value ("附近30公里内将集聚50%的项目配套供应商").
    ProjectFigureUnplaced,
    /// A project's figures contradict each other: a year's investment above its 总投资,
    /// a milestone dated before the one it follows (投产 before 开工, 建设年限 2025-2023).
    ProjectInconsistent,
}

impl DiagnosticCode {
    /// A short kebab-case name, stable across versions.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DeclaredSections => "declared-sections",
            Self::DeclaredItems => "declared-items",
            Self::SectionItems => "section-items",
            Self::NumberingGap => "numbering-gap",
            Self::NumberingDuplicate => "numbering-duplicate",
            Self::JoinedLines => "joined-lines",
            Self::ItemWithoutTarget => "item-without-target",
            Self::Truncated => "truncated",
            Self::NoItems => "no-items",
            Self::ProjectFigureUnplaced => "project-figure-unplaced",
            Self::ProjectInconsistent => "project-inconsistent",
        }
    }

    /// The severity this code is reported with.
    #[must_use]
    pub fn severity(self) -> Severity {
        match self {
            Self::DeclaredSections
            | Self::DeclaredItems
            | Self::SectionItems
            | Self::NumberingGap
            | Self::NumberingDuplicate
            | Self::NoItems
            | Self::ProjectInconsistent => Severity::Warning,
            Self::JoinedLines
            | Self::ItemWithoutTarget
            | Self::Truncated
            | Self::ProjectFigureUnplaced => Severity::Info,
        }
    }
}

/// One finding, with where it is and what it means in two languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How much it matters.
    pub severity: Severity,
    /// What kind of finding it is.
    pub code: DiagnosticCode,
    /// Where in the input (byte offsets on char boundaries).
    pub span: Span,
    /// The message in Chinese (zh-CN).
    pub message_zh: String,
    /// The same message in English.
    pub message_en: String,
    /// 1-based line of `span.start`.
    pub line: usize,
    /// 1-based column (in characters) of `span.start`.
    pub column: usize,
}

impl Diagnostic {
    /// A diagnostic of `code` at `span`.
    #[must_use]
    pub fn new(code: DiagnosticCode, span: Span, zh: String, en: String) -> Self {
        Self {
            severity: code.severity(),
            code,
            span,
            message_zh: zh,
            message_en: en,
            line: 0,
            column: 0,
        }
    }
}

/// Fills `line` and `column` of every diagnostic in one pass over `text`.
pub fn locate(text: &str, diags: &mut [Diagnostic]) {
    let mut order: Vec<usize> = (0..diags.len()).collect();
    order.sort_by_key(|&k| diags[k].span.start);
    let bytes = text.as_bytes();
    let (mut line, mut col, mut pos) = (1usize, 1usize, 0usize);
    for k in order {
        let target = diags[k].span.start.min(bytes.len());
        for &b in &bytes[pos.min(target)..target] {
            if b == b'\n' {
                line += 1;
                col = 1;
            } else if b & 0xC0 != 0x80 {
                col += 1;
            }
        }
        pos = pos.max(target);
        diags[k].line = line;
        diags[k].column = col;
    }
}

/// 1-based line and column (in characters) of byte offset `at` in `text`.
#[must_use]
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}
