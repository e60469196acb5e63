//! Chinese plan document text → sections, numbered items, responsible units and
//! quantitative targets, each with a byte span into the source, plus diagnostics.
//!
//! `minsheng-extract` reads the plain text of a government plan ("民生实事" lists,
//! work-target tables, annual duty breakdowns) and returns an [`Extraction`]. It does
//! no I/O, keeps no clock and never panics: text it cannot make sense of becomes a
//! [`Diagnostic`], never an error.
//!
//! ```ignore
//! let text = "一、促进就业方面(2项)\n1.城镇新增就业23万人;实现城镇零就业家庭动态清零。\n";
//! let x = minsheng_extract::extract(text);
//! let item = &x.sections[0].items[0];
//! assert_eq!(item.targets[0].value, rust_decimal::Decimal::from(230_000));
//! assert_eq!(item.targets[0].unit, "人");
//! assert_eq!(&text[item.targets[0].span.start..item.targets[0].span.end], "城镇新增就业23万人");
//! println!("{}", minsheng_extract::render_table(&x));
//! ```
//!
//! # The grammar it accepts
//!
//! Lines are read after folding full-width ASCII to half-width (for parsing only:
//! item text keeps the printed forms) and dropping white space inside items.
//!
//! ```text
//! document  ::= chrome* preamble (section | item | table | loose)* chrome*
//! chrome    ::= a line shaped like page furniture: navigation or breadcrumb ('>' '|'),
//!               a 【】 headline, "key: value" (浏览次数:54, 索引号 | …), a date or time
//!               stamp, no Chinese character; after the body, any line that is no
//!               sentence. Chrome is never the title and states no figure.
//! preamble  ::= title? line*              title: first line naming the plan (关于 …
//!                                         通知, …实事, …项目) before the first sentence,
//!                                         no comma, not "附件N" nor a document number;
//!                                         a title broken over two lines is joined
//! declared  ::= number ("个方面" | "方面" | "大方面" | "个领域" | "大类" | …) → declared.sections
//!             | number "类" number ("项" | "件")                        (12类45件)
//!             | number ("项" | "件") (not 项目, not 候选/备选)           → declared.items
//! section   ::= cnum "、" title ("(" "共"? number ("项"|"件") ")")?   一、促进就业方面(2项)
//!             | "第" cnum ("部分" | "章" | "篇" | "方面") title
//!             | short-bare-line        (no ordinal, digits or punctuation, right above an
//!                                     item; only when the text numbers no heading and
//!                                     has two or more such lines)
//! item      ::= marker text (continuation | sub-point)* note?
//! marker    ::= digits ("." | "、" | ")") | "(" digits ")" | ① … ⑳ | "0" digit " "
//!             | "(" cnum ")"                           when that is the most frequent level
//!             | cnum "、"                              when no other level exists ("十件民生实事")
//!             | cnum "是"                              一是…二是…, when nothing else is numbered
//!             | digits NL                              alone on its line, content below: "01"
//!                                                     always, "1" when such numbers count
//!                                                     1, 2, 3… and nothing else is numbered
//! inline    ::= text (sep marker text){2,}     when no line starts with a marker: a list in
//!             one paragraph ("分别是: (1)… (2)… (3)…", "包括:一、…;二、…"), sep ::= space
//!             | ":" | "。" | ";" | "!" | "?" | "|"; split where one level's numbers go up
//!             with at least two steps of one (28.…29.…30.…43.… is one unit's share)
//! note      ::= "("? ("牵头单位" | "责任单位" | "主办单位" | "协办单位" | "配合单位" …) ":" units ")"?
//!             | "(" units ("牵头" | "负责") ("," units ("配合" | "协办"))? ")"   (市教育局牵头,各区县配合)
//! table     ::= "序号" (sep column)* row*    sep ::= "|" | TAB
//!             | "序号" NL (column NL)* (digits NL (cell NL)*)*           one cell per line
//!             columns: the task column (任务 > 内容 > 目标 > 事项 > 项目 > 名称) is the item text,
//!             牵头/责任/主办单位 columns the leads, 协办/配合 the partners, 进度/备注 → narrative;
//!             领导/联系人 columns are people and never read
//! target    ::= prefix? number range? unit? alt-unit? suffix?  |  "全覆盖" | "清零"
//! number    ::= digits ("." digits)? magnitude? | chinese-numeral | "百分之" number | cnum "成"
//! magnitude ::= "万" | "亿" | "万亿" | "千万" | "百万" | "千" | "百"
//! unit      ::= "个"? (人 | 名 | 户 | 个 | 公里 | 平方公里 | 人次 | 工作日 | % | 倍 | GWh | …)
//! alt-unit  ::= "(" char ")"                 人(次) → 人次, 套(间) → 套
//! prefix    ::= 约 | 近 (approx) | 不超过 | 压缩至 | 控制在 (le) | 不少于 | 超过 | 达到 (ge)
//! suffix    ::= 以上 | 余 | 多 (ge) | 以内 | 内 | 以下 (le) | 左右 (approx)
//! loose     ::= any other line → narrative figures (kind: target | actual | capacity)
//! project   ::= a loose sentence opening with a project's name, and the sentences after it
//!               that go on about it; or a row of a 项目名称 | 总投资 | 建设年限 table
//!               → a project draft (see `projects`)
//! goal      ::= a narrative target with a deadline after the plan's year, outside any
//!               project → a goal, 其中 parts linked to their whole (see `goals`)
//! ```
//!
//! The item level is the most frequent marker kind below 一、; 一、 headings above
//! it are sections; markers below it are sub-points joined into the item; (一) headings
//! between 一、 and 1. end the item above them. A heading followed by text and no
//! numbered item before the next heading holds that text as its one item. Items that
//! are one line each (each followed at once by the next), and the pieces of an inline
//! list, take no body paragraphs. Once the body has begun, a banner printed more than
//! once, a "|" after an item's sentence and a line that is only an ordinal ("十", cut
//! off) are page debris, not text. A line
//! that does not end in closing punctuation is joined with the next (PDF line
//! breaks), and so are plain lines that end in a responsibility note; headings
//! that are themselves the items take the paragraphs under them. Anything else
//! after an item is loose text (closing paragraphs, a second document). What is *not* a target: years, dates, ages (65岁), spans of ages or
//! weeks (50-74周岁, 孕12周到22周), session ordinals (三次会议), ordinals (第一, 4号道路,
//! 8号线, 一级消防站), names glued to Latin letters (5G, A6), service hours (24小时供水),
//! short quoted names (“千村示范”), scope counts (8类), lone 一, and bare numbers
//! with neither unit nor magnitude (96110). See the modules for each piece.
#![deny(missing_docs)]

pub mod diagnostic;
pub mod goals;
pub mod leads;
pub mod narrative;
pub mod normalize;
pub mod numerals;
pub mod outline;
pub mod projects;
pub mod standards;
pub mod table;
pub mod targets;

#[cfg(feature = "serde")]
pub mod gold;
#[cfg(feature = "serde")]
pub mod score;

#[cfg(test)]
mod tests;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

pub use diagnostic::{Diagnostic, DiagnosticCode, Severity};
pub use goals::Goal;
pub use projects::{Capacity, Milestone, ProjectDate, ProjectDraft, ProjectFigure, Qualifier};
pub use table::render_table;

use normalize::{Compact, fold, squeeze};
use outline::{ItemDraft, Outline};

/// Byte offsets into the input, on char boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// Everything read from one document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Extraction {
    /// The plan's own heading line, white space removed.
    pub title: Option<String>,
    /// The year the plan is for, from the title or first paragraph.
    pub year: Option<i32>,
    /// What the text says about itself.
    pub declared: Declared,
    /// Sections in order (one untitled section when the text has no headings).
    pub sections: Vec<Section>,
    /// Figures outside numbered items.
    pub narrative: Vec<NarrativeFigure>,
    /// Major projects named in the prose, with their investment, dates and capacities
    /// (see [`projects`]). Their figures are also in `narrative`.
    pub projects: Vec<ProjectDraft>,
    /// Targets with a deadline after the plan's year (see [`goals`]), derived from
    /// `narrative`, which keeps them too.
    pub goals: Vec<Goal>,
    /// What looks wrong.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the text stops in the middle of its last item.
    pub truncated: bool,
}

/// Declared counts ("十四个方面、50项").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Declared {
    /// Number of sections the text claims.
    pub sections: Option<u32>,
    /// Number of items the text claims.
    pub items: Option<u32>,
}

/// A section heading and its items.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Ordinal (一 → 1); untitled sections count 1.. in order.
    pub no: u32,
    /// Heading text without ordinal, count and white space.
    pub title: Option<String>,
    /// The N of "(N项)".
    pub declared_items: Option<u32>,
    /// From the heading (or first item) to the end of the last item.
    pub span: Span,
    /// Items in order.
    pub items: Vec<Item>,
}

/// One numbered item.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Its number.
    pub no: u32,
    /// Text without number, note and white space; punctuation as printed.
    pub text: String,
    /// Responsible units, lead first.
    pub leads: Vec<String>,
    /// Quantitative commitments in order.
    pub targets: Vec<Target>,
    /// From the marker to the end of the item (note included).
    pub span: Span,
}

/// How a target compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmp {
    /// Exactly (a reported actual).
    Eq,
    /// At least.
    Ge,
    /// At most.
    Le,
    /// About.
    Approx,
}

impl Cmp {
    /// The schema's spelling: "eq", "ge", "le", "approx".
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ge => "ge",
            Self::Le => "le",
            Self::Approx => "approx",
        }
    }
}

/// A quantitative commitment in an item.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The value, magnitudes applied.
    pub value: Decimal,
    /// The measure, magnitude removed ("" when none is written).
    pub unit: String,
    /// How it compares.
    pub cmp: Cmp,
    /// The clause carrying it: a substring of the item's text.
    pub phrase: String,
    /// Span of the phrase in the input.
    pub span: Span,
    /// A change rather than a level (增长6%).
    pub delta: bool,
    /// No digit written (全覆盖 → 100 %, 清零 → 0).
    pub implicit: bool,
    /// A standard every unit is held to rather than a sum to divide ("补助标准达到户均800元",
    /// "按每名3000元标准"): see [`standards`].
    pub standard: bool,
}

/// What a narrative figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FigureKind {
    /// Promised for the future.
    Target,
    /// Already achieved.
    Actual,
    /// A stated size or capability.
    Capacity,
}

impl FigureKind {
    /// The schema's spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Target => "target",
            Self::Actual => "actual",
            Self::Capacity => "capacity",
        }
    }
}

/// A quantitative figure outside any numbered item.
#[derive(Debug, Clone, PartialEq)]
pub struct NarrativeFigure {
    /// The value, magnitudes applied.
    pub value: Decimal,
    /// The measure.
    pub unit: String,
    /// How it compares.
    pub cmp: Cmp,
    /// Target, actual or capacity.
    pub kind: FigureKind,
    /// Deadline in digits ("2025", "2024-12").
    pub by: Option<String>,
    /// The clause carrying it, white space removed.
    pub phrase: String,
    /// Span of the phrase in the input.
    pub span: Span,
}

/// Reads a plan document. Never panics; anything doubtful becomes a diagnostic.
#[must_use]
pub fn extract(text: &str) -> Extraction {
    let outline = outline::read(text);
    let mut x = Extraction::default();
    let (title, title_span) = find_title(text, &outline.preamble);
    x.title = title;
    let (declared, declared_spans) = find_declared(text, &outline.preamble);
    x.declared = declared;
    x.year = find_year(text, &outline.preamble, title_span);

    for sec in &outline.sections {
        let items: Vec<Item> = sec
            .items
            .iter()
            .map(|d| build_item(text, d, &outline))
            .collect();
        let start = sec
            .heading
            .map(|h| h.start)
            .or(sec.items.first().map(|i| i.start))
            .unwrap_or(0);
        let end = sec
            .items
            .iter()
            .map(ItemDraft::end)
            .max()
            .or(sec.heading.map(|h| h.end))
            .unwrap_or(start)
            .max(start);
        x.sections.push(Section {
            no: sec.no,
            title: sec.title.clone(),
            declared_items: sec.declared_items,
            span: Span { start, end },
            items,
        });
    }
    // Renumber untitled, unnumbered implicit sections in order.
    for (k, s) in x.sections.iter_mut().enumerate() {
        if s.no == 0 {
            s.no = u32::try_from(k + 1).unwrap_or(u32::MAX);
        }
    }

    // Narrative: preamble (minus title and declared counts) and loose lines.
    let mut exclude = declared_spans.clone();
    if let Some(t) = title_span {
        exclude.push(t);
    }
    // Page chrome states no figure: lines before the title, chrome-shaped lines, and
    // after the body lines that are not sentences (headlines, related links, footers).
    let body_end = outline
        .sections
        .iter()
        .flat_map(|s| s.items.iter().map(ItemDraft::end))
        .max();
    let before_title = title_span.map_or(0, |t| t.start);
    // Projects in a list, then in the prose (read with the narrative, line by line).
    let mut project_diags = Vec::new();
    projects::read_table(text, &outline, x.year, &mut x.projects, &mut project_diags);
    for &line in outline.preamble.iter().chain(&outline.loose) {
        let printed = &text[line.start..line.end];
        let after_body = body_end.is_some_and(|e| line.start >= e);
        let sentence = printed
            .chars()
            .rev()
            .find(|&c| !normalize::is_space(c))
            .is_some_and(|c| normalize::is_terminal(c) || matches!(c, '”' | '"' | ')' | '）'));
        if line.end <= before_title || (after_body && !sentence) || is_chrome(printed) {
            continue;
        }
        let Some(c) = narrative::prepare(text, line) else {
            continue;
        };
        let found = targets::scan_chars(&c.folded);
        narrative::figures_in(&c, &found, &exclude, &mut x.narrative);
        projects::read(&c, &found, &mut x.projects, &mut project_diags);
    }
    // Progress and remark columns of a table.
    if let Some(cols) = &outline.columns {
        for sec in &outline.sections {
            for item in &sec.items {
                let Some(cells) = &item.cells else { continue };
                for &k in &cols.extra {
                    if let Some(cell) = cells.get(k) {
                        let before = x.narrative.len();
                        for &sp in cell {
                            narrative::figures(text, sp, &[], &mut x.narrative);
                        }
                        for f in &mut x.narrative[before..] {
                            f.kind = FigureKind::Actual;
                        }
                    }
                }
            }
        }
    }

    // "十件民生实事" said again in the text restates the declared count: no figure.
    if let Some(n) = x.declared.items {
        x.narrative
            .retain(|f| !(matches!(f.unit.as_str(), "件" | "项") && f.value == Decimal::from(n)));
    }

    // The goals: narrative targets due after the plan's year, outside any project.
    x.goals = goals::read(text, &x.narrative, x.year, &x.projects);

    x.truncated = is_truncated(text, &outline);
    x.diagnostics = diagnose(text, &x, &outline, &declared_spans, project_diags);
    x
}

fn build_item(text: &str, d: &ItemDraft, outline: &Outline) -> Item {
    let mut leads_found: Vec<String> = Vec::new();
    let c = match (&d.cells, &outline.columns) {
        (Some(cells), Some(cols)) => {
            let count = cols.count.saturating_sub(0);
            let mut text_spans: Vec<Span> = Vec::new();
            let surplus = cells.len().saturating_sub(count.max(1));
            for (k, cell) in cells.iter().enumerate() {
                // Extra lines (cell-per-line tables) belong to the task column.
                let col = if k <= cols.text {
                    k
                } else if k <= cols.text + surplus {
                    cols.text
                } else {
                    k - surplus
                };
                if col == cols.text {
                    text_spans.extend(cell.iter().copied());
                }
            }
            for role in [&cols.leads, &cols.partners] {
                for &col in role {
                    let k = if col > cols.text { col + surplus } else { col };
                    if let Some(cell) = cells.get(k) {
                        let joined: String = cell.iter().map(|s| &text[s.start..s.end]).collect();
                        leads_found.extend(leads::split_units(&joined));
                    }
                }
            }
            let mut c = Compact::new();
            for sp in text_spans {
                c.push_span(text, sp);
            }
            c
        }
        _ => {
            let mut c = Compact::new();
            for &sp in &d.body {
                c.push_span(text, sp);
            }
            c
        }
    };
    let mut text_end = c.len();
    if d.cells.is_none() {
        // A "|" the page left after the item ("…体检。 |") is not its text.
        while text_end > 0 && matches!(c.folded.get(text_end - 1), Some('|' | '｜')) {
            text_end -= 1;
        }
        if let Some(ns) = leads::note_start(&c) {
            leads_found.extend(leads::parse_note(c.slice(ns, c.len())));
            text_end = ns;
        } else if let Some(ns) = leads::paren_note_start(&c) {
            leads_found.extend(leads::parse_paren_note(c.slice(ns, c.len())));
            text_end = ns;
        }
        for sp in &d.notes {
            leads_found.extend(leads::parse_note(&text[sp.start..sp.end]));
        }
    }
    let mut body = c.slice(0, text_end).to_string();
    // "…30个(牵头单位:市住建局)。": the closing punctuation belongs to the sentence.
    if text_end < c.len() && matches!(c.folded.get(text_end), Some('(' | '[' | '【' | '〔')) {
        let tail = &c.folded[text_end..];
        if let Some(close) = tail
            .iter()
            .rposition(|&x| matches!(x, ')' | ']' | '】' | '〕'))
        {
            let after = text_end + close + 1;
            if after < c.len()
                && c.folded[after..]
                    .iter()
                    .all(|&x| normalize::is_terminal(x) || x == '.')
            {
                body.push_str(c.slice(after, c.len()));
            }
        }
    }
    let targets = targets::scan_chars(&c.folded[..text_end])
        .into_iter()
        .map(|f| Target {
            value: f.value,
            unit: f.unit,
            cmp: f.cmp,
            phrase: c.slice(f.phrase.0, f.phrase.1).to_string(),
            span: c.span(f.phrase.0, f.phrase.1),
            delta: f.delta,
            implicit: f.implicit,
            standard: standards::is_standard(c.slice(f.phrase.0, f.phrase.1)),
        })
        .collect();
    Item {
        no: d.no,
        text: body,
        leads: leads_found,
        targets,
        span: Span {
            start: d.start,
            end: d.end(),
        },
    }
}

fn is_doc_number(s: &str) -> bool {
    (s.contains('〔') || s.contains('[')) && s.ends_with('号')
}

const TITLE_WORDS: &[&str] = &[
    "关于", "方案", "意见", "通知", "计划", "目标", "清单", "安排", "实事", "项目", "任务",
];

/// Whether a preamble line is page chrome by its shape: a navigation bar or breadcrumb
/// ("首页 > 政务公开", "福建|时评|…"), a bracketed column headline ("【直击两会】…"), a
/// "key: value" line (浏览次数:54, 来源:…, 索引号 | …), a date or time stamp, or a
/// line without a single Chinese character (file names, "ZAKER汕头 2023-01-08" aside).
fn is_chrome(line: &str) -> bool {
    // One pass, white space ignored, no allocation: this runs for every loose line.
    let (mut n, mut han, mut digits) = (0usize, 0usize, 0usize);
    let mut key_value = false;
    let mut colon = false;
    for c in line.chars() {
        if normalize::is_space(c) {
            continue;
        }
        match fold(c) {
            '>' | '|' => return true,
            ':' if !colon => {
                colon = true;
                key_value = n <= 6;
            }
            c if c.is_ascii_digit() => digits += 1,
            c if ('\u{4E00}'..='\u{9FFF}').contains(&c) => han += 1,
            _ => {}
        }
        n += 1;
    }
    // A stamp ("2023-01-05 10:30", "2023年1月5日") is no sentence: one ending in "。" is text.
    let ends_sentence = line
        .trim_end_matches(normalize::is_space)
        .chars()
        .last()
        .is_some_and(|c| matches!(fold(c), '。' | '!' | '?' | ';'));
    let stamp = digits * 2 >= n.saturating_sub(han) && !ends_sentence;
    line.trim_start_matches(normalize::is_space)
        .starts_with(['【', '['])
        || key_value
        || han == 0
        || (stamp && han <= 6)
}

/// Where the text's first sentence stands: it ends in sentence punctuation or is long.
fn is_sentence(line: &str) -> bool {
    let last = line.chars().last().map_or('\0', fold);
    matches!(last, '。' | ',' | ';' | '!' | '?' | '、')
        || (last == ':' && !is_chrome(line))
        || line.chars().count() > 80
}

/// Words a plan's heading ends with.
const TITLE_ENDS: &[&str] = &[
    "通知", "意见", "方案", "清单", "安排", "计划", "目标", "实事", "项目", "任务", "工程", "情况",
];

fn find_title(text: &str, preamble: &[Span]) -> (Option<String>, Option<Span>) {
    // The title is the first line naming the plan ("关于…的通知", "…民生实事") before the
    // first sentence; chrome above it (navigation, stamps, headlines in 【】) is
    // skipped by its shape. A title broken over two lines is joined.
    let mut first: Option<(String, Span)> = None;
    let mut k = 0;
    while k < preamble.len().min(12) {
        let sp = preamble[k];
        k += 1;
        let line = squeeze(&text[sp.start..sp.end])
            .trim_matches(|c: char| matches!(fold(c), '|'))
            .to_string();
        let n = line.chars().count();
        let attachment_label = line.starts_with("附件") && n <= 5;
        if !attachment_label && is_sentence(&line) {
            break;
        }
        let attachment = line.starts_with("附件")
            && line
                .chars()
                .skip(2)
                .all(|c| c.is_ascii_digit() || matches!(fold(c), ':' | '、'));
        if n < 4 || attachment || is_doc_number(&line) || is_chrome(&line) {
            continue;
        }
        if line.contains([',', '，']) {
            continue;
        }
        // "关于印发2023年县政府" + "十件民生实事的通知": a title broken over two lines.
        let ends_title = |l: &str| TITLE_ENDS.iter().any(|w| l.ends_with(w));
        if !ends_title(&line)
            && let Some(&next) = preamble.get(k)
        {
            let more = squeeze(&text[next.start..next.end]);
            if more.chars().count() <= 40
                && !more.contains("关于")
                && !is_sentence(&more)
                && !is_chrome(&more)
                && ends_title(&more)
            {
                return (Some(format!("{line}{more}")), Some(sp));
            }
        }
        if TITLE_WORDS.iter().any(|w| line.contains(w)) {
            return (Some(line), Some(sp));
        }
        if first.is_none() {
            first = Some((line, sp));
        }
    }
    if let Some((line, sp)) = first {
        return (Some(line), Some(sp));
    }
    (None, None)
}

fn find_year(text: &str, preamble: &[Span], title: Option<Span>) -> Option<i32> {
    // The title, then the first sentence of the text (chrome lines are no sentence).
    let first_para = preamble
        .iter()
        .copied()
        .filter(|&s| Some(s) != title)
        .find(|&s| {
            let line = squeeze(&text[s.start..s.end]);
            !is_chrome(&line) && (is_sentence(&line) || line.contains(['。', ',', '，']))
        });
    for sp in title.into_iter().chain(first_para) {
        let s: Vec<char> = text[sp.start..sp.end]
            .chars()
            .filter(|&c| !normalize::is_space(c))
            .map(fold)
            .collect();
        // A date ("2022年12月21日", the day of a meeting) names a year only when
        // nothing else does.
        let mut date_year = None;
        for i in 0..s.len() {
            if i > 0 && (s[i - 1].is_ascii_digit() || numerals::cdigit(s[i - 1]).is_some()) {
                continue;
            }
            let Some(n) = numerals::scan(&s, i) else {
                continue;
            };
            if n.len == 4
                && s.get(i + 4) == Some(&'年')
                && let Ok(y) = n.value.trunc().to_i32().ok_or(())
                && (1949..=2100).contains(&y)
            {
                // "到2025年", "2025年前": a deadline, the year of a goal, not of the plan.
                let deadline =
                    (i > 0 && matches!(s[i - 1], '到' | '至')) || s.get(i + 5) == Some(&'前');
                if deadline {
                    continue;
                }
                if s.get(i + 5).is_some_and(char::is_ascii_digit) {
                    date_year = date_year.or(Some(y));
                    continue;
                }
                return Some(y);
            }
        }
        if date_year.is_some() {
            return date_year;
        }
    }
    None
}

const SECTION_WORDS: &[&str] = &[
    "个方面",
    "大方面",
    "个领域",
    "大领域",
    "大类",
    "个类别",
    "个板块",
    "大板块",
    "个部分",
    "大专项",
    "方面",
];

fn find_declared(text: &str, preamble: &[Span]) -> (Declared, Vec<Span>) {
    let mut d = Declared::default();
    let mut spans = Vec::new();
    for &sp in preamble {
        let c = Compact::from_span(text, sp);
        let s = &c.folded;
        let mut i = 0;
        while i < s.len() {
            let prev = if i > 0 { s[i - 1] } else { '\0' };
            let startable = (s[i].is_ascii_digit() && !prev.is_ascii_digit())
                || (numerals::is_cnum(s[i]) && !numerals::is_cnum(prev));
            let Some(n) = numerals::scan(s, i).filter(|_| startable) else {
                i += 1;
                continue;
            };
            let j = i + n.len;
            let v = n
                .value
                .trunc()
                .to_u32()
                .ok_or(())
                .ok()
                .filter(|_| n.value.fract().is_zero() && !n.lone_one);
            let rest: String = s[j..s.len().min(j + 3)].iter().collect();
            // "在13项候选项目中选出了10件": the candidates are not the list.
            let candidates = ["候选", "备选"].iter().any(|w| {
                let after: String = s[(j + 1).min(s.len())..s.len().min(j + 3)].iter().collect();
                after == *w
            });
            if candidates && v.is_some() {
                spans.push(c.span(i, j + 1));
            }
            if let Some(v) = v.filter(|_| !candidates) {
                let kinds_then_count = rest.starts_with('类')
                    && s.get(j + 1)
                        .is_some_and(|&c| c.is_ascii_digit() || numerals::is_cnum(c));
                if kinds_then_count && d.sections.is_none() {
                    // 12类45件
                    d.sections = Some(v);
                    spans.push(c.span(i, j + 1));
                } else if let Some(w) = SECTION_WORDS.iter().find(|w| rest.starts_with(*w)) {
                    if d.sections.is_none() {
                        d.sections = Some(v);
                        spans.push(c.span(i, j + w.chars().count()));
                    }
                } else if rest.starts_with('大')
                    && ["民生", "实事", "工程", "项目", "任务"]
                        .iter()
                        .any(|w| s[j + 1..].starts_with(&w.chars().collect::<Vec<_>>()))
                    && d.items.is_none()
                {
                    // 十大民生实事
                    d.items = Some(v);
                    spans.push(c.span(i, j + 1));
                } else if (rest.starts_with('项') || rest.starts_with('件'))
                    && !rest.starts_with("项目")
                    && d.items.is_none()
                {
                    d.items = Some(v);
                    spans.push(c.span(i, j + 1));
                }
            }
            i = j.max(i + 1);
        }
    }
    (d, spans)
}

fn is_truncated(text: &str, outline: &Outline) -> bool {
    let Some(last) = outline.sections.iter().rev().find_map(|s| s.items.last()) else {
        return false;
    };
    if !outline.loose.is_empty() && outline.loose.iter().any(|l| l.start > last.start) {
        return false;
    }
    if let Some(cols) = &outline.columns {
        // A row is complete when it has all its cells, or ends with a separator
        // (its last cells may be empty).
        let tail = text[last.start..last.end()].trim_end_matches(normalize::is_space);
        let closed = !outline.cell_per_line && tail.ends_with(['|', '｜', '\t']);
        return !closed && last.cells.as_ref().map_or(0, Vec::len) < cols.count;
    }
    // Items printed without a final "。" are no sign of a cut when none has one.
    let items: Vec<&ItemDraft> = outline.sections.iter().flat_map(|s| &s.items).collect();
    !last.terminated && (items.len() < 2 || items.iter().any(|i| i.terminated))
}

fn diagnose(
    text: &str,
    x: &Extraction,
    outline: &Outline,
    declared_spans: &[Span],
    found_before: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    use DiagnosticCode as C;
    let mut out = found_before;
    let n_items: usize = x.sections.iter().map(|s| s.items.len()).sum();
    let whole = Span {
        start: 0,
        end: text.len(),
    };
    if n_items == 0 {
        out.push(Diagnostic::new(
            C::NoItems,
            whole,
            "未找到编号事项".into(),
            "no numbered item found".into(),
        ));
    }
    let headed = outline.sections.iter().any(|s| s.heading.is_some());
    if let Some(ds) = x.declared.sections {
        let found = if headed { x.sections.len() } else { 1 };
        if usize::try_from(ds).ok() != Some(found) && headed {
            out.push(Diagnostic::new(
                C::DeclaredSections,
                declared_spans.first().copied().unwrap_or(whole),
                format!("文中称有{ds}个方面,实际列出{found}个"),
                format!("the text declares {ds} sections but lists {found}"),
            ));
        }
    }
    if let Some(di) = x.declared.items
        && usize::try_from(di).ok() != Some(n_items)
    {
        let more = if x.truncated { "(文本不完整)" } else { "" };
        let more_en = if x.truncated {
            " (the text is cut off)"
        } else {
            ""
        };
        out.push(Diagnostic::new(
            C::DeclaredItems,
            declared_spans.last().copied().unwrap_or(whole),
            format!("文中称有{di}项,实际列出{n_items}项{more}"),
            format!("the text declares {di} items but lists {n_items}{more_en}"),
        ));
    }
    for (sec, draft) in x.sections.iter().zip(&outline.sections) {
        if let Some(n) = sec.declared_items
            && usize::try_from(n).ok() != Some(sec.items.len())
        {
            out.push(Diagnostic::new(
                C::SectionItems,
                draft.count_span.unwrap_or(sec.span),
                format!("第{}部分标称{n}项,实际{}项", sec.no, sec.items.len()),
                format!(
                    "section {} declares {n} items but has {}",
                    sec.no,
                    sec.items.len()
                ),
            ));
        }
    }
    // Numbering: runs on across sections, or restarts at 1 in each.
    let mut prev: Option<u32> = None;
    for sec in &x.sections {
        for (k, item) in sec.items.iter().enumerate() {
            if let Some(p) = prev {
                let restart = k == 0 && item.no == 1;
                if !restart && item.no <= p {
                    out.push(Diagnostic::new(
                        C::NumberingDuplicate,
                        item.span,
                        format!("编号{}重复或倒序(前一项为{p})", item.no),
                        format!(
                            "item number {} repeats or goes back (previous {p})",
                            item.no
                        ),
                    ));
                } else if !restart && item.no > p + 1 {
                    out.push(Diagnostic::new(
                        C::NumberingGap,
                        item.span,
                        format!("编号从{p}跳到{}", item.no),
                        format!("numbering jumps from {p} to {}", item.no),
                    ));
                }
            }
            prev = Some(item.no);
        }
    }
    for &j in &outline.joined {
        out.push(Diagnostic::new(
            C::JoinedLines,
            j,
            "此处断行已合并".into(),
            "a line without closing punctuation was joined to the next".into(),
        ));
    }
    for sec in &x.sections {
        for item in &sec.items {
            if item.targets.is_empty() {
                out.push(Diagnostic::new(
                    C::ItemWithoutTarget,
                    item.span,
                    format!("第{}项没有量化目标", item.no),
                    format!("item {} states no quantitative target", item.no),
                ));
            }
        }
    }
    if x.truncated {
        let last = x
            .sections
            .iter()
            .rev()
            .find_map(|s| s.items.last())
            .map_or(whole, |i| i.span);
        out.push(Diagnostic::new(
            C::Truncated,
            last,
            "文本在事项中途截断".into(),
            "the text stops in the middle of an item".into(),
        ));
    }
    out.sort_by_key(|d| (d.span.start, d.code));
    diagnostic::locate(text, &mut out);
    out
}
