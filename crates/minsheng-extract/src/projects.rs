//! Major projects (重大项目) in prose: a paragraph that names a project and states what it
//! costs, when it is due and what it will make, read into a [`ProjectDraft`].
//!
//! ```text
//! paragraph ::= sentence* (named sentence continuation*)+ sentence*
//! named     ::= lead? name rest          a sentence whose opening names a project
//! lead      ::= clause of at most 6 chars "," (目前, 19日, 据了解)
//!             | "位于" place "的"             (位于广元市的中煤广元燃煤发电项目是…)
//!             | anything "——"               (…核电项目——三澳核电项目2号机组…)
//! name      ::= chars suffix+ ("(" …期 ")")? 4–40 chars, no punctuation, quotes, 的, 等,
//!               个 or 批, not opening with a pointer (这 该 此 本 各 全 我 在 为 …) and naming
//!               no class of project (重点 重大)
//! suffix    ::= 项目 | 工厂 | 工程 | 基地 | 电站 | 电厂 | 产业园 | 生产线
//! continuation ::= a following sentence of the same line that opens with the project
//!               (项目 该项目 工厂 该机组 一期 二期 建成后 投产后 届时 …)
//! ```
//!
//! Inside a project's sentences every figure is placed by its clause (the text from the
//! last `,` `;` `。` `:` to the end of the figure):
//!
//! ```text
//! 元 and 总投资 投资总额 总投入                    → investment (the first; a second is unplaced)
//! 元 and 年度计划投资 年度投资 计划投资 预计完成投资  → annual_investment, by = the year in the clause
//! 元 and 产值 销售收入 营业收入 销售额              → output_value
//! 产能 年产 产量 规模 装机 发电量 生产线 机组 …,
//!   or a unit of output (辆 吨 GWh 千瓦 度 台 …)    → capacities, qualifier 极限 > 规划 > 设计 >
//!                                                 可达 (可达 达到 能满足 可形成) > stated,
//!                                                 phase = the last 一期/二期/首期 before it
//! anything else                                  → a `project-figure-unplaced` diagnostic
//! ```
//!
//! A planned date is a milestone word (签约 开工 动工 竣工 建成 完工 投产 投用 投入使用 并网
//! 达产; 建成投产 is 投产) after a year in the same clause ("计划于2024年底投产" → 投产
//! "2024-12", "预计到2025年12月全部建成" → 竣工 "2025-12"), when the clause says it is
//! planned (计划 预计 将 力争 争取 拟 确保 要 有望). A date already met ("自2021年6月落成后") is
//! history, not a plan, and is not read. A project with neither figure nor date is a mention
//! and is not drafted.
//!
//! Values are in base units (元, not 亿元) as exact decimals, like every target;
//! `printed` keeps the quantity as written ("约350亿元").

use rust_decimal::Decimal;

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::normalize::{Compact, squeeze};
use crate::outline::Outline;
use crate::targets::{self, Found};
use crate::{Cmp, Span, numerals};

/// A project named in the text, with what the text says it costs, when it is due and
/// what it will make.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectDraft {
    /// The name as printed, white space removed ("奥迪一汽新能源汽车项目").
    pub name: String,
    /// Span of the name.
    pub span: Span,
    /// From the first to the last sentence read as this project's.
    pub extent: Span,
    /// 总投资.
    pub investment: Option<ProjectFigure>,
    /// A year's planned or expected investment ("2024年预计完成投资25亿元"), `by` its year.
    pub annual_investment: Vec<ProjectFigure>,
    /// Planned milestones in order of appearance.
    pub dates: Vec<ProjectDate>,
    /// Capacity figures in order of appearance.
    pub capacities: Vec<Capacity>,
    /// Annual output value or sales (年产值, 年销售收入), in 元.
    pub output_value: Vec<ProjectFigure>,
}

/// An amount stated for a project.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectFigure {
    /// The value in base units (元), magnitudes applied.
    pub value: Decimal,
    /// The base unit ("元").
    pub unit: String,
    /// The quantity as printed ("约350亿元" → "350亿元").
    pub printed: String,
    /// How it compares (约 → approx).
    pub cmp: Cmp,
    /// The year it is for, in digits ("2024"), when the clause names one.
    pub by: Option<String>,
    /// The clause carrying it, white space removed.
    pub phrase: String,
    /// Span of the phrase.
    pub span: Span,
}

/// What a planned date is the date of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Milestone {
    /// 签约.
    Signing,
    /// 开工, 动工.
    Start,
    /// 竣工, 建成, 完工.
    Completion,
    /// 投产, 投用, 投入使用, 并网 (建成投产 too).
    Production,
    /// 达产, 达效.
    FullProduction,
}

impl Milestone {
    /// The schema's spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Signing => "signing",
            Self::Start => "start",
            Self::Completion => "completion",
            Self::Production => "production",
            Self::FullProduction => "full_production",
        }
    }

    /// The word a project office uses.
    #[must_use]
    pub fn as_zh(self) -> &'static str {
        match self {
            Self::Signing => "签约",
            Self::Start => "开工",
            Self::Completion => "竣工",
            Self::Production => "投产",
            Self::FullProduction => "达产",
        }
    }
}

/// A planned milestone date.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectDate {
    /// Which milestone.
    pub milestone: Milestone,
    /// When, in digits as the narrative figures write deadlines: "2024-12" (2024年底,
    /// 2024年12月), "2024-06" (上半年), "2024-Q1" (一季度), "2026" (a year alone).
    pub by: String,
    /// From the clause start to the milestone word, white space removed.
    pub phrase: String,
    /// Span of the phrase.
    pub span: Span,
}

/// How a capacity is stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Qualifier {
    /// Nothing said ("年产150万吨").
    Stated,
    /// 规划.
    Planned,
    /// 可达, 达到, 能满足, 可形成.
    Reachable,
    /// 极限.
    Peak,
    /// 设计.
    Design,
}

impl Qualifier {
    /// The schema's spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stated => "stated",
            Self::Planned => "planned",
            Self::Reachable => "reachable",
            Self::Peak => "peak",
            Self::Design => "design",
        }
    }

    /// The word printed ("" when none).
    #[must_use]
    pub fn as_zh(self) -> &'static str {
        match self {
            Self::Stated => "",
            Self::Planned => "规划",
            Self::Reachable => "可达",
            Self::Peak => "极限",
            Self::Design => "设计",
        }
    }
}

/// A capacity of a project ("规划年产量超过15万辆", "一期…年产能可达到15GWh").
#[derive(Debug, Clone, PartialEq)]
pub struct Capacity {
    /// The value, magnitudes applied.
    pub value: Decimal,
    /// The unit (辆, GWh, 吨, 千瓦, 度…).
    pub unit: String,
    /// The quantity as printed ("15万辆").
    pub printed: String,
    /// How it compares.
    pub cmp: Cmp,
    /// 规划, 可达, 极限, 设计, or nothing.
    pub qualifier: Qualifier,
    /// The phase it belongs to when stated ("一期").
    pub phase: Option<String>,
    /// The clause carrying it, white space removed.
    pub phrase: String,
    /// Span of the phrase.
    pub span: Span,
}

const SUFFIXES: &[&str] = &[
    "项目",
    "工厂",
    "工程",
    "基地",
    "电站",
    "电厂",
    "产业园",
    "生产线",
];
const POINTERS: &[&str] = &[
    "这", "该", "此", "本", "各", "全", "我", "在", "为", "对", "将", "把", "从", "以", "有", "其",
    "其他", "一批", "多个", "首批", "推动", "项目",
];
const CONTINUES: &[&str] = &[
    "项目",
    "该项目",
    "本项目",
    "工厂",
    "该工厂",
    "工程",
    "该工程",
    "该机组",
    "机组",
    "一期",
    "二期",
    "三期",
    "首期",
    "建成后",
    "投产后",
    "达产后",
    "届时",
];
const INVESTMENT: &[&str] = &["总投资", "投资总额", "总投入"];
const ANNUAL: &[&str] = &[
    "年度计划投资",
    "年度投资",
    "年计划投资",
    "计划投资",
    "预计完成投资",
    "计划完成投资",
];
const OUTPUT: &[&str] = &["产值", "销售收入", "营业收入", "销售额"];
const CAPACITY: &[&str] = &[
    "产能",
    "年产",
    "产量",
    "规模",
    "装机",
    "发电量",
    "生产能力",
    "处理能力",
    "吞吐",
    "容量",
    "生产线",
    "机组",
];
const OUTPUT_UNITS: &[&str] = &[
    "辆",
    "GWh",
    "MWh",
    "吨",
    "千瓦",
    "兆瓦",
    "度",
    "台",
    "片",
    "标箱",
    "GW",
    "MW",
    "千瓦时",
];
const PLANNED: &[&str] = &[
    "计划", "预计", "将", "力争", "争取", "拟", "确保", "要", "有望", "可望",
];
const MILESTONES: &[(&str, Milestone)] = &[
    ("建成投产", Milestone::Production),
    ("竣工投产", Milestone::Production),
    ("投入使用", Milestone::Production),
    ("投产", Milestone::Production),
    ("投用", Milestone::Production),
    ("并网", Milestone::Production),
    ("签约", Milestone::Signing),
    ("开工", Milestone::Start),
    ("动工", Milestone::Start),
    ("竣工", Milestone::Completion),
    ("建成", Milestone::Completion),
    ("完工", Milestone::Completion),
    ("达产", Milestone::FullProduction),
    ("达效", Milestone::FullProduction),
];

fn starts(s: &[char], i: usize, w: &str) -> bool {
    (i..).zip(w.chars()).all(|(k, c)| s.get(k) == Some(&c))
}

fn find(s: &[char], w: &str) -> Option<usize> {
    // Decode the word once; compare its first character before the rest.
    let mut chars = w.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    (0..s.len()).find(|&i| s[i] == first && starts(s, i + 1, rest))
}

fn has(s: &[char], words: &[&str]) -> bool {
    words.iter().any(|w| find(s, w).is_some())
}

fn is_clause_end(c: char) -> bool {
    matches!(c, ',' | ';' | '。' | ':' | '!' | '?' | '，' | '；')
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '!' | '?' | ';' | '；')
}

/// Whether `a` `b` are the first two characters of a suffix (项目 工厂 工程 基地 电站 电厂
/// 产业园 生产线).
fn suffix_pair(a: char, b: char) -> bool {
    matches!(
        (a, b),
        ('项', '目')
            | ('工', '厂' | '程')
            | ('基', '地')
            | ('电', '站' | '厂')
            | ('产', '业' | '线')
    )
}

fn suffix_at(s: &[char], i: usize) -> Option<usize> {
    // Most characters open no suffix: test the first one before the words.
    if !matches!(s.get(i), Some('项' | '工' | '基' | '电' | '产' | '生')) {
        return None;
    }
    SUFFIXES
        .iter()
        .find(|w| starts(s, i, w))
        .map(|w| w.chars().count())
}

/// The project name opening at `p`, if any: (start, end) in chars.
fn name_from(s: &[char], p: usize, b: usize) -> Option<(usize, usize)> {
    let limit = b.min(p + 40);
    let mut q = p;
    while q < limit {
        let c = s[q];
        if is_clause_end(c) || matches!(c, '、' | '“' | '”' | '"' | '《' | '》') {
            return None;
        }
        if let Some(n) = suffix_at(s, q) {
            let mut end = q + n;
            while let Some(m) = suffix_at(s, end) {
                end += m;
            }
            // "(一期)" after the name belongs to it.
            if s.get(end) == Some(&'(')
                && let Some(close) = (end + 1..b.min(end + 6)).find(|&k| s[k] == ')')
                && s[end + 1..close].contains(&'期')
            {
                end = close + 1;
            }
            let name = &s[p..end];
            // "民生社会事业项目363个": a class of projects counted, not one project.
            let digits = s
                .get(end..b)
                .unwrap_or_default()
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            let counted = digits > 0 && matches!(s.get(end + digits), Some('个' | '项'));
            let ok = name.len() >= 5
                && !counted
                && !POINTERS.iter().any(|w| starts(s, p, w))
                && !name.iter().any(|&c| matches!(c, '的' | '等' | '个' | '批'))
                && !has(name, &["重点", "重大"]);
            return ok.then_some((p, end));
        }
        q += 1;
    }
    None
}

/// The project named at the opening of sentence `a..b`, if any.
fn name_in(s: &[char], a: usize, b: usize) -> Option<(usize, usize)> {
    if let Some(n) = name_from(s, a, b) {
        return Some(n);
    }
    // A short lead clause: 目前, 19日, 据了解.
    if let Some(k) = (a..b.min(a + 7)).find(|&k| matches!(s[k], ',' | ':'))
        && let Some(n) = name_from(s, k + 1, b)
    {
        return Some(n);
    }
    // 位于广元市的中煤广元燃煤发电项目
    if starts(s, a, "位于")
        && let Some(k) = (a + 2..b.min(a + 14)).find(|&k| s[k] == '的')
        && let Some(n) = name_from(s, k + 1, b)
    {
        return Some(n);
    }
    // …核电项目——三澳核电项目
    let mut k = a;
    while k + 1 < b {
        if s[k] == '—' && s[k + 1] == '—' {
            if let Some(n) = name_from(s, k + 2, b) {
                return Some(n);
            }
            k += 2;
        } else {
            k += 1;
        }
    }
    None
}

/// Sentences of a line in one pass: (start, end, holds a suffix's first two characters).
fn sentences(s: &[char]) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let (mut a, mut suffix) = (0, false);
    for (i, &c) in s.iter().enumerate() {
        if is_sentence_end(c) {
            out.push((a, i + 1, suffix));
            (a, suffix) = (i + 1, false);
        } else if !suffix && s.get(i + 1).is_some_and(|&n| suffix_pair(c, n)) {
            suffix = true;
        }
    }
    if a < s.len() {
        out.push((a, s.len(), suffix));
    }
    out
}

/// The period written at `i` (`s[i..i+4]` digits, then 年): "2024", "2024-12", "2024-Q1".
fn period_at(s: &[char], i: usize) -> Option<(String, usize)> {
    if i + 5 > s.len() || !s[i..i + 4].iter().all(char::is_ascii_digit) || s[i + 4] != '年' {
        return None;
    }
    if i > 0 && s[i - 1].is_ascii_digit() {
        return None;
    }
    let year: String = s[i..i + 4].iter().collect();
    let j = i + 5;
    if starts(s, j, "年底") || starts(s, j, "底") || starts(s, j, "下半年") {
        let n = if starts(s, j, "底") { 1 } else { 2 };
        return Some((format!("{year}-12"), j + n));
    }
    if starts(s, j, "上半年") {
        return Some((format!("{year}-06"), j + 3));
    }
    let q = if starts(s, j, "第") { j + 1 } else { j };
    for (k, w) in ["一季度", "二季度", "三季度", "四季度"].iter().enumerate() {
        if starts(s, q, w) {
            return Some((format!("{year}-Q{}", k + 1), q + 3));
        }
    }
    let digits = s[j..].iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=2).contains(&digits) && s.get(j + digits) == Some(&'月') {
        let m: u32 = s[j..j + digits]
            .iter()
            .filter_map(|c| c.to_digit(10))
            .fold(0, |a, d| a * 10 + d);
        if (1..=12).contains(&m) {
            return Some((format!("{year}-{m:02}"), j + digits + 1));
        }
    }
    Some((year, j))
}

/// Planned milestone dates in sentence `a..b`.
fn dates(c: &Compact, a: usize, b: usize, out: &mut Vec<ProjectDate>) {
    let s = &c.folded;
    let mut i = a;
    while i < b {
        // Most characters open no milestone word: test the first one before the words.
        let opens = matches!(
            s[i],
            '建' | '竣' | '投' | '并' | '签' | '开' | '动' | '完' | '达'
        );
        let word = if opens {
            MILESTONES.iter().find(|(w, _)| starts(s, i, w))
        } else {
            None
        };
        let Some(&(w, kind)) = word else {
            i += 1;
            continue;
        };
        let n = w.chars().count();
        let clause = (a..i)
            .rev()
            .find(|&k| is_clause_end(s[k]))
            .map_or(a, |k| k + 1);
        // The last period written before the milestone word in its clause.
        let mut found = None;
        for k in clause..i {
            if let Some((by, end)) = period_at(s, k)
                && end <= i
            {
                found = Some((by, k));
            }
        }
        if let Some((by, at)) = found
            && has(&s[clause..i], PLANNED)
            && i - at <= 16
        {
            out.push(ProjectDate {
                milestone: kind,
                by,
                phrase: c.slice(clause, i + n).to_string(),
                span: c.span(clause, i + n),
            });
        }
        i += n;
    }
}

fn qualifier(ctx: &[char]) -> Qualifier {
    if has(ctx, &["极限"]) {
        Qualifier::Peak
    } else if has(ctx, &["规划"]) {
        Qualifier::Planned
    } else if has(ctx, &["设计"]) {
        Qualifier::Design
    } else if has(
        ctx,
        &["可达", "达到", "能满足", "可满足", "可形成", "可实现"],
    ) {
        Qualifier::Reachable
    } else {
        Qualifier::Stated
    }
}

/// The last phase word (一期, 二期…) in `s`, not a count of phases (分三期).
fn phase(s: &[char]) -> Option<String> {
    let mut found = None;
    for i in 0..s.len().saturating_sub(1) {
        if s[i + 1] == '期'
            && matches!(s[i], '一' | '二' | '三' | '四' | '首')
            && (i == 0 || s[i - 1] != '分')
        {
            found = Some(s[i..i + 2].iter().collect());
        }
    }
    found
}

fn year_in(s: &[char]) -> Option<String> {
    (0..s.len()).find_map(|k| period_at(s, k).map(|(p, _)| p.chars().take(4).collect()))
}

struct Open {
    draft: ProjectDraft,
    /// Sentence ranges (chars of the line) read as the project's.
    ranges: Vec<(usize, usize)>,
}

/// Projects in one prepared loose line (its figures `found` scanned once for the narrative
/// and here); figures whose role is unclear become diagnostics.
pub fn read(
    c: &Compact,
    found: &[Found],
    out: &mut Vec<ProjectDraft>,
    diags: &mut Vec<Diagnostic>,
) {
    let s = &c.folded;
    let mut open: Vec<Open> = Vec::new();
    let mut current: Option<usize> = None;
    for (a, b, suffix) in sentences(s) {
        if !suffix && current.is_none() {
            continue;
        }
        let named = if suffix { name_in(s, a, b) } else { None };
        if let Some((ns, ne)) = named {
            open.push(Open {
                draft: ProjectDraft {
                    name: c.slice(ns, ne).to_string(),
                    span: c.span(ns, ne),
                    extent: c.span(a, b),
                    investment: None,
                    annual_investment: Vec::new(),
                    dates: Vec::new(),
                    capacities: Vec::new(),
                    output_value: Vec::new(),
                },
                ranges: vec![(a, b)],
            });
            current = Some(open.len() - 1);
        } else if let Some(k) = current {
            if CONTINUES.iter().any(|w| starts(s, a, w)) {
                open[k].ranges.push((a, b));
                open[k].draft.extent.end = c.span(a, b).end;
            } else {
                current = None;
            }
        }
    }
    if open.is_empty() {
        return;
    }
    for o in &mut open {
        for &(a, b) in &o.ranges {
            for f in found.iter().filter(|f| f.start >= a && f.start < b) {
                place(c, a, f, &mut o.draft, diags);
            }
            dates(c, a, b, &mut o.draft.dates);
        }
        let d = &o.draft;
        let any = d.investment.is_some()
            || !d.annual_investment.is_empty()
            || !d.dates.is_empty()
            || !d.capacities.is_empty()
            || !d.output_value.is_empty();
        if any {
            check(&o.draft, diags);
            out.push(o.draft.clone());
        }
    }
}

/// Places figure `f` of the sentence starting at `a` in `draft`, or says it cannot.
fn place(c: &Compact, a: usize, f: &Found, draft: &mut ProjectDraft, diags: &mut Vec<Diagnostic>) {
    if f.implicit {
        return;
    }
    let s = &c.folded;
    let clause = (a..f.start)
        .rev()
        .find(|&k| is_clause_end(s[k]) || s[k] == '—')
        .map_or(a, |k| k + 1);
    let end = f.phrase.1.max(f.end).min(s.len());
    let ctx = &s[clause..end];
    // The phrase is the figure's part of an enumeration ("、前驱体年产20万吨"); the
    // qualifier is read from the whole clause ("产能规模可达到…、…").
    let from = (clause..f.start)
        .rev()
        .find(|&k| s[k] == '、')
        .map_or(clause, |k| k + 1);
    let phrase = c.slice(from, end).to_string();
    let span = c.span(from, end);
    let printed = c.slice(f.start, f.end).to_string();
    let figure = || ProjectFigure {
        value: f.value,
        unit: f.unit.clone(),
        printed: printed.clone(),
        cmp: f.cmp,
        by: None,
        phrase: phrase.clone(),
        span,
    };
    if f.unit == "元" {
        if has(ctx, INVESTMENT) && draft.investment.is_none() {
            draft.investment = Some(figure());
            return;
        }
        if has(ctx, ANNUAL) {
            let mut fig = figure();
            fig.by = year_in(ctx);
            draft.annual_investment.push(fig);
            return;
        }
        if has(ctx, OUTPUT) {
            draft.output_value.push(figure());
            return;
        }
    } else if has(ctx, CAPACITY) || OUTPUT_UNITS.contains(&f.unit.as_str()) {
        draft.capacities.push(Capacity {
            value: f.value,
            unit: f.unit.clone(),
            printed,
            cmp: f.cmp,
            qualifier: qualifier(ctx),
            phase: phase(&s[a..f.start]),
            phrase,
            span,
        });
        return;
    }
    let (pa, pb) = f.phrase;
    let own = c.slice(pa, pb);
    diags.push(Diagnostic::new(
        DiagnosticCode::ProjectFigureUnplaced,
        c.span(pa, pb),
        format!("项目“{}”段落中的数字用途不明:{own}", draft.name),
        format!(
            "a figure in the paragraph on project “{}” has no clear role: {own}",
            draft.name
        ),
    ));
}

/// The columns of a project list (序号 项目名称 建设内容 总投资 年度计划投资 建设年限 责任单位).
struct TableColumns {
    name: usize,
    content: Option<usize>,
    investment: Option<usize>,
    annual: Option<usize>,
    period: Option<usize>,
}

impl TableColumns {
    fn find(names: &[String]) -> Option<Self> {
        let at = |words: &[&str]| {
            names
                .iter()
                .position(|n| words.iter().any(|w| n.contains(w)))
        };
        let name = at(&["项目名称"]).or_else(|| at(&["名称"]))?;
        let investment = at(&["总投资", "投资总额"]);
        let annual = names
            .iter()
            .position(|n| n.contains("投资") && !n.contains("总") && !n.contains("累计"));
        let period = at(&["年限", "起止", "建设期", "工期", "建设周期"]);
        if investment.is_none() && period.is_none() {
            return None;
        }
        Some(Self {
            name,
            content: at(&["建设内容", "规模", "内容"]),
            investment,
            annual,
            period,
        })
    }
}

/// The multiplier a column name states: "总投资(亿元)" → 1e8, "(万元)" → 1e4.
fn header_scale(name: &str) -> (Decimal, &'static str) {
    if name.contains("亿元") {
        (Decimal::from(100_000_000), "亿元")
    } else if name.contains("万元") {
        (Decimal::from(10_000), "万元")
    } else {
        (Decimal::ONE, "元")
    }
}

/// A money cell: "350" under "总投资(亿元)", or "350亿元" written out.
fn money(c: &Compact, header: &str, by: Option<String>) -> Option<ProjectFigure> {
    let cell = c.text.as_str();
    let q = numerals::parse(cell)?;
    let (value, printed) = if q.unit.is_empty() {
        let (scale, unit) = header_scale(header);
        (
            q.value.checked_mul(scale)?,
            format!("{}{unit}", squeeze(cell)),
        )
    } else if q.unit == "元" {
        (q.value, squeeze(cell))
    } else {
        return None;
    };
    Some(ProjectFigure {
        value: value.normalize(),
        unit: "元".into(),
        printed,
        cmp: q.cmp,
        by,
        phrase: c.text.clone(),
        span: c.span(0, c.len()),
    })
}

/// "2023-2025", "2023年—2025年", "2023.3-2024.12", "2024": the start and completion periods.
fn period_cell(s: &[char]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= s.len() {
        let year_here = s[i..i + 4].iter().all(char::is_ascii_digit)
            && (i == 0 || !s[i - 1].is_ascii_digit())
            && !s.get(i + 4).is_some_and(char::is_ascii_digit);
        if !year_here {
            i += 1;
            continue;
        }
        let year: String = s[i..i + 4].iter().collect();
        let mut j = i + 4;
        if matches!(s.get(j), Some('.' | '年')) {
            j += 1;
        }
        let digits = s[j..].iter().take_while(|c| c.is_ascii_digit()).count();
        let month: u32 = s[j..j + digits]
            .iter()
            .filter_map(|c| c.to_digit(10))
            .fold(0, |a, d| a.saturating_mul(10).saturating_add(d));
        if (1..=2).contains(&digits) && (1..=12).contains(&month) {
            out.push(format!("{year}-{month:02}"));
            i = j + digits;
        } else {
            out.push(year);
            i += 4;
        }
    }
    out
}

fn cell(text: &str, cells: &[Vec<Span>], k: usize) -> Compact {
    let mut c = Compact::new();
    for &sp in cells.get(k).map_or(&[][..], Vec::as_slice) {
        c.push_span(text, sp);
    }
    c
}

/// Projects in the rows of a project list, when the table has a name column and a
/// 总投资 or 建设年限 column. A money column gives its unit in its name ("总投资(亿元)")
/// or in the cell; a 年度计划投资 column is for the year its name states or the plan's year;
/// 建设年限 "2023-2025" is 开工 2023 and 竣工 2025; the 建设内容 column's figures are read as
/// in a paragraph. A cell that should hold an amount but does not becomes a diagnostic.
pub fn read_table(
    text: &str,
    outline: &Outline,
    plan_year: Option<i32>,
    out: &mut Vec<ProjectDraft>,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(cols) = &outline.columns else { return };
    let Some(t) = TableColumns::find(&cols.names) else {
        return;
    };
    let header = |k: Option<usize>| k.and_then(|k| cols.names.get(k)).map_or("", String::as_str);
    let annual_year = {
        let h: Vec<char> = header(t.annual).chars().collect();
        year_in(&h).or(plan_year.map(|y| y.to_string()))
    };
    let rows = outline.sections.iter().flat_map(|s| &s.items);
    for row in rows {
        let Some(cells) = &row.cells else { continue };
        if cells.len() != cols.count {
            continue;
        }
        let name = cell(text, cells, t.name);
        if name.is_empty() {
            continue;
        }
        let mut draft = ProjectDraft {
            name: name.text.clone(),
            span: name.span(0, name.len()),
            extent: Span {
                start: row.start,
                end: row.end(),
            },
            investment: None,
            annual_investment: Vec::new(),
            dates: Vec::new(),
            capacities: Vec::new(),
            output_value: Vec::new(),
        };
        for (k, by) in [(t.investment, None), (t.annual, annual_year.clone())] {
            let Some(k) = k else { continue };
            let c = cell(text, cells, k);
            if c.is_empty() {
                continue;
            }
            match money(&c, header(Some(k)), by) {
                Some(f) if Some(k) == t.investment => draft.investment = Some(f),
                Some(f) => draft.annual_investment.push(f),
                None => diags.push(Diagnostic::new(
                    DiagnosticCode::ProjectFigureUnplaced,
                    c.span(0, c.len()),
                    format!(
                        "项目“{}”的“{}”栏读不出金额:{}",
                        draft.name,
                        header(Some(k)),
                        c.text
                    ),
                    format!(
                        "project “{}”: no amount in column “{}”: {}",
                        draft.name,
                        header(Some(k)),
                        c.text
                    ),
                )),
            }
        }
        if let Some(k) = t.period {
            let c = cell(text, cells, k);
            let periods = period_cell(&c.folded);
            let (first, last) = (periods.first(), periods.last());
            for (m, by) in [(Milestone::Start, first), (Milestone::Completion, last)] {
                if let Some(by) = by {
                    draft.dates.push(ProjectDate {
                        milestone: m,
                        by: by.clone(),
                        phrase: c.text.clone(),
                        span: c.span(0, c.len()),
                    });
                }
            }
        }
        if let Some(k) = t.content {
            let c = cell(text, cells, k);
            for f in targets::scan_chars(&c.folded) {
                place(&c, 0, &f, &mut draft, diags);
            }
        }
        check(&draft, diags);
        out.push(draft);
    }
}

impl Milestone {
    /// The order milestones come in: 签约, 开工, then 竣工 and 投产 (either first), 达产.
    fn rank(self) -> u8 {
        match self {
            Self::Signing => 0,
            Self::Start => 1,
            Self::Completion | Self::Production => 2,
            Self::FullProduction => 3,
        }
    }
}

/// The first and last month a period covers, as `year * 12 + month - 1`: "2024" → Jan–Dec
/// 2024, "2024-06" → June, "2024-Q2" → April–June.
fn months(by: &str) -> Option<(i64, i64)> {
    let year: i64 = by.get(..4)?.parse().ok()?;
    let base = year * 12;
    match by.get(4..) {
        Some("") => Some((base, base + 11)),
        Some(rest) => {
            let rest = rest.strip_prefix('-')?;
            if let Some(q) = rest.strip_prefix('Q') {
                let q: i64 = q.parse().ok()?;
                Some((base + 3 * (q - 1), base + 3 * q - 1))
            } else {
                let m: i64 = rest.parse().ok()?;
                Some((base + m - 1, base + m - 1))
            }
        }
        None => None,
    }
}

/// Warnings where a draft contradicts itself; the draft is kept as read.
fn check(d: &ProjectDraft, diags: &mut Vec<Diagnostic>) {
    if let Some(total) = &d.investment {
        for a in d.annual_investment.iter().filter(|a| a.value > total.value) {
            diags.push(Diagnostic::new(
                DiagnosticCode::ProjectInconsistent,
                a.span,
                format!(
                    "项目“{}”的年度投资{}超过总投资{}",
                    d.name, a.printed, total.printed
                ),
                format!(
                    "project “{}”: annual investment {} exceeds the total investment {}",
                    d.name, a.printed, total.printed
                ),
            ));
        }
    }
    for (k, a) in d.dates.iter().enumerate() {
        for b in &d.dates[k + 1..] {
            let (early, late) = match a.milestone.rank().cmp(&b.milestone.rank()) {
                std::cmp::Ordering::Less => (a, b),
                std::cmp::Ordering::Greater => (b, a),
                std::cmp::Ordering::Equal => continue,
            };
            let (Some((first, _)), Some((_, last))) = (months(&early.by), months(&late.by)) else {
                continue;
            };
            if last < first {
                diags.push(Diagnostic::new(
                    DiagnosticCode::ProjectInconsistent,
                    late.span,
                    format!(
                        "项目“{}”的{}日期{}早于{}日期{}",
                        d.name,
                        late.milestone.as_zh(),
                        late.by,
                        early.milestone.as_zh(),
                        early.by
                    ),
                    format!(
                        "project “{}”: {} date {} is before the {} date {}",
                        d.name,
                        late.milestone.as_str(),
                        late.by,
                        early.milestone.as_str(),
                        early.by
                    ),
                ));
            }
        }
    }
}

/// The extents of `projects`, sorted, for [`within`]. Extents never overlap: a list's rows
/// are items and a paragraph's sentences are loose lines.
#[must_use]
pub fn extents(projects: &[ProjectDraft]) -> Vec<Span> {
    let mut v: Vec<Span> = projects.iter().map(|p| p.extent).collect();
    v.sort_unstable();
    v
}

/// Whether `span` lies inside one of the sorted `extents`.
#[must_use]
pub fn within(extents: &[Span], span: Span) -> bool {
    let k = extents.partition_point(|e| e.start <= span.start);
    k > 0 && span.end <= extents[k - 1].end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn periods() {
        let p = |s: &str| period_at(&chars(s), 0).map(|x| x.0);
        assert_eq!(p("2024年底投产").as_deref(), Some("2024-12"));
        assert_eq!(p("2025年12月全部建成").as_deref(), Some("2025-12"));
        assert_eq!(p("2024年6月").as_deref(), Some("2024-06"));
        assert_eq!(p("2023年第二季度").as_deref(), Some("2023-Q2"));
        assert_eq!(p("2026年投产").as_deref(), Some("2026"));
        assert_eq!(p("2026年13月").as_deref(), Some("2026"));
        assert_eq!(p("206年"), None);
    }

    #[test]
    fn months_of_periods() {
        assert_eq!(months("2024"), Some((2024 * 12, 2024 * 12 + 11)));
        assert_eq!(months("2024-06"), Some((2024 * 12 + 5, 2024 * 12 + 5)));
        assert_eq!(months("2024-Q2"), Some((2024 * 12 + 3, 2024 * 12 + 5)));
        assert_eq!(months("20x4"), None);
    }

    #[test]
    fn names() {
        let n = |s: &str| {
            let v = chars(s);
            name_in(&v, 0, v.len()).map(|(a, b)| v[a..b].iter().collect::<String>())
        };
        assert_eq!(
            n("奥迪一汽新能源汽车项目,是…").as_deref(),
            Some("奥迪一汽新能源汽车项目")
        );
        assert_eq!(
            n("容百动力型锂电材料综合基地项目位于余姚市").as_deref(),
            Some("容百动力型锂电材料综合基地项目")
        );
        assert_eq!(
            n("目前,宁波容百新能源综合基地项目(一期)已取得").as_deref(),
            Some("宁波容百新能源综合基地项目(一期)")
        );
        assert_eq!(
            n("位于广元市的中煤广元燃煤发电项目是基础设施项目之一").as_deref(),
            Some("中煤广元燃煤发电项目")
        );
        assert_eq!(
            n("长三角首个“华龙一号”核电项目——三澳核电项目2号机组").as_deref(),
            Some("三澳核电项目")
        );
        assert_eq!(n("重大项目背后,是整个产业集群"), None);
        assert_eq!(n("这批项目总投资1069.5亿元"), None);
        assert_eq!(n("民生社会事业项目363个,总投资1080亿元"), None);
        assert_eq!(n("国家重点水利项目淮河入海水道二期工程正在加速推进"), None);
    }
}
