//! The shape of a plan: title, preamble, sections, numbered items, and the text
//! around them.
//!
//! ```text
//! document  ::= preamble (section | item | table | loose)*
//! section   ::= cnum "、" title ("(" ("共")? number ("项"|"件") ")")?      一、促进就业方面(2项)
//!             | "(" cnum ")" title                                       (一)… when 一、 is absent
//! item      ::= marker text (continuation | sub-point)* note?
//! marker    ::= digits ("." | "、" | ")") | "(" digits ")" | circled | "0" digit " "
//!             | cnum "、"                                                 (when headings are the items)
//!             | cnum "是"                                                 (when nothing else is numbered)
//!             | digits NL                        (alone on its line, when such numbers run in order)
//! inline    ::= a paragraph holding the list, split at markers whose numbers go up
//!               (only when no line starts with a marker; see `split_inline`)
//! continuation ::= a plain line after a line without closing punctuation (PDF line breaks),
//!                  or any line under a heading that is itself an item
//! note      ::= ("(" key ":" units ")") | key ":" units                  see `leads`
//! table     ::= header row+     header ::= "序号" (sep column)*   sep ::= "|" | newline
//! loose     ::= any other line: closing paragraphs, articles (→ narrative)
//! ```
//!
//! The item level is the most frequent marker kind; a kind above it with headings
//! makes the sections; kinds below it are sub-points joined into the item.

use rust_decimal::prelude::ToPrimitive;

use crate::Span;
use crate::leads;
use crate::normalize::{fold, is_space, is_terminal, squeeze};
use crate::numerals;

/// Marker kinds from the outermost to the innermost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// 一、
    Chinese,
    /// (一)
    ParenChinese,
    /// 1. 1、 01
    Arabic,
    /// (1) 1)
    ParenArabic,
    /// ①
    Circled,
}

const KINDS: [Kind; 5] = [
    Kind::Chinese,
    Kind::ParenChinese,
    Kind::Arabic,
    Kind::ParenArabic,
    Kind::Circled,
];

/// What a non-blank line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    Marker {
        kind: Kind,
        no: u32,
        content: usize,
    },
    /// "一是…": an enumeration of the outermost level, trusted only when the text
    /// numbers nothing else.
    Shi {
        no: u32,
        content: usize,
    },
    Row {
        no: u32,
        content: usize,
    },
    Header,
    Note,
    Plain,
}

/// A section before it becomes a [`crate::Section`].
#[derive(Debug, Clone, Default)]
pub struct SectionDraft {
    /// Ordinal.
    pub no: u32,
    /// Heading text without ordinal and count.
    pub title: Option<String>,
    /// The N of "(N项)".
    pub declared_items: Option<u32>,
    /// Span of the heading line, if any.
    pub heading: Option<Span>,
    /// Span of the "(N项)" count.
    pub count_span: Option<Span>,
    /// Items in order.
    pub items: Vec<ItemDraft>,
}

/// An item before it becomes a [`crate::Item`].
#[derive(Debug, Clone, Default)]
pub struct ItemDraft {
    /// Its number.
    pub no: u32,
    /// Where its marker line starts.
    pub start: usize,
    /// Content spans (marker excluded), in order.
    pub body: Vec<Span>,
    /// Separate responsibility-note lines.
    pub notes: Vec<Span>,
    /// Table cells, when the item is a table row (number cell excluded).
    pub cells: Option<Vec<Vec<Span>>>,
    /// Whether its last line ended with closing punctuation or a note.
    pub terminated: bool,
}

impl ItemDraft {
    /// Byte offset just past the item's last content.
    #[must_use]
    pub fn end(&self) -> usize {
        let b = self.body.iter().map(|s| s.end).max().unwrap_or(self.start);
        let n = self.notes.iter().map(|s| s.end).max().unwrap_or(self.start);
        b.max(n).max(self.start)
    }
}

/// Roles of table columns, by index after the 序号 column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    /// The task column.
    pub text: usize,
    /// Lead-unit columns.
    pub leads: Vec<usize>,
    /// Partner-unit columns.
    pub partners: Vec<usize>,
    /// Progress and remark columns.
    pub extra: Vec<usize>,
    /// Number of columns after 序号.
    pub count: usize,
    /// The column names after 序号, white space removed ("总投资(亿元)").
    pub names: Vec<String>,
}

/// The outline of a document.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    /// Non-blank lines before the first section, item or table.
    pub preamble: Vec<Span>,
    /// Sections in order.
    pub sections: Vec<SectionDraft>,
    /// Lines outside any item (closing paragraphs, articles).
    pub loose: Vec<Span>,
    /// Positions where a line without closing punctuation was joined to the next.
    pub joined: Vec<Span>,
    /// Column roles when the items come from a table.
    pub columns: Option<Columns>,
    /// Whether the items are the Chinese-numbered headings themselves.
    pub heading_items: bool,
    /// Whether the table has one cell per line (rather than '|' separators).
    pub cell_per_line: bool,
}

/// Non-blank lines of `text`, trimmed of white space, as spans.
fn lines(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut pos = 0;
    for raw in text.split_inclusive('\n') {
        let start = pos;
        pos += raw.len();
        let trimmed_start = raw.len() - raw.trim_start_matches(is_space).len();
        let body = raw.trim_matches(is_space);
        if body.is_empty() {
            continue;
        }
        let s = start + trimmed_start;
        out.push(Span {
            start: s,
            end: s + body.len(),
        });
    }
    out
}

/// A marker met inside a paragraph: its level (the `Line` kinds, `Shi` as 5), number
/// and byte offset.
#[derive(Clone, Copy)]
struct Inline {
    level: u8,
    no: u32,
    at: usize,
}

/// Characters after which an inline marker may begin a new item.
fn opens_inline(prev: char) -> bool {
    is_space(prev) || matches!(prev, ':' | '。' | ';' | '!' | '?' | '|')
}

/// The marker starting at `chars[i]`, if any: (level, number).
fn inline_marker(chars: &[(usize, char)], i: usize) -> Option<(u8, u32)> {
    let at = |k: usize| chars.get(i + k).map_or('\0', |x| x.1);
    let rest = &chars[i..];
    let c0 = at(0);
    if c0 == '(' {
        if let Some((no, n)) = arabic_ordinal(&rest[1..])
            && at(n + 1) == ')'
        {
            return Some((Kind::ParenArabic as u8, no));
        }
        if let Some((no, n)) = chinese_ordinal(&rest[1..])
            && at(n + 1) == ')'
        {
            return Some((Kind::ParenChinese as u8, no));
        }
        return None;
    }
    if ('\u{2460}'..='\u{2473}').contains(&c0) {
        return Some((Kind::Circled as u8, c0 as u32 - 0x245F));
    }
    if c0.is_ascii_digit() {
        let (no, n) = arabic_ordinal(rest)?;
        return (matches!(at(n), '.' | '、') && !at(n + 1).is_ascii_digit() && at(n + 1) != '\0')
            .then_some((Kind::Arabic as u8, no));
    }
    let (no, n) = chinese_ordinal(rest)?;
    match at(n) {
        '、' => Some((Kind::Chinese as u8, no)),
        '是' if !numerals::is_cnum(at(n + 1)) => Some((5, no)),
        _ => None,
    }
}

/// The longest run of one level's inline markers whose numbers go up, with at least
/// two steps of one ("(1)…(2)…(3)", "28.…29.…30.…43.…"), or two markers numbered in
/// a row.
fn inline_run(found: &[Inline]) -> Vec<Inline> {
    let mut best: Vec<Inline> = Vec::new();
    for level in 0..=5u8 {
        let mut run: Vec<Inline> = Vec::new();
        for m in found.iter().filter(|m| m.level == level) {
            if run.last().is_none_or(|l| m.no > l.no) {
                run.push(*m);
            }
        }
        let steps = run.windows(2).filter(|w| w[1].no == w[0].no + 1).count();
        let ok = (run.len() >= 3 && steps >= 2) || (run.len() == 2 && steps == 1);
        if ok && run.len() > best.len() {
            best = run;
        }
    }
    best
}

/// Splits a paragraph that holds a whole list ("分别是: (1)加快建设… (2)开工新建…") at
/// its markers, when their numbers run in order. Each piece is trimmed; the second
/// value says which pieces came from a split.
fn split_inline(text: &str, spans: Vec<Span>) -> (Vec<Span>, Vec<bool>) {
    let mut out = Vec::with_capacity(spans.len());
    let mut inline = Vec::with_capacity(spans.len());
    let mut chars: Vec<(usize, char)> = Vec::new();
    let mut found: Vec<Inline> = Vec::new();
    for sp in spans {
        let line = &text[sp.start..sp.end];
        if line.len() < 24 || line.matches(['|', '｜']).count() > 1 {
            out.push(sp);
            inline.push(false);
            continue;
        }
        chars.clear();
        chars.extend(line.char_indices().map(|(i, c)| (sp.start + i, fold(c))));
        found.clear();
        let mut prev = ' ';
        for i in 0..chars.len() {
            let c = chars[i].1;
            if opens_inline(prev)
                && (c == '('
                    || c.is_ascii_digit()
                    || numerals::is_cnum(c)
                    || ('\u{2460}'..='\u{2473}').contains(&c))
                && let Some((level, no)) = inline_marker(&chars, i)
            {
                found.push(Inline {
                    level,
                    no,
                    at: chars[i].0,
                });
            }
            prev = c;
        }
        let run = inline_run(&found);
        if run.is_empty() {
            out.push(sp);
            inline.push(false);
            continue;
        }
        let mut cuts: Vec<usize> = vec![sp.start];
        cuts.extend(run.iter().map(|m| m.at).filter(|&a| a > sp.start));
        cuts.push(sp.end);
        for w in cuts.windows(2) {
            let piece = &text[w[0]..w[1]];
            let lead = piece.len() - piece.trim_start_matches(is_space).len();
            let body = piece.trim_matches(is_space);
            if body.is_empty() {
                continue;
            }
            out.push(Span {
                start: w[0] + lead,
                end: w[0] + lead + body.len(),
            });
            inline.push(true);
        }
    }
    (out, inline)
}

fn chinese_ordinal(chars: &[(usize, char)]) -> Option<(u32, usize)> {
    let n = chars
        .iter()
        .take_while(|(_, c)| numerals::is_cnum(*c) && !matches!(c, '两' | '万' | '亿' | '千'))
        .count();
    if n == 0 || n > 3 {
        return None;
    }
    let run: Vec<char> = chars[..n].iter().map(|x| x.1).collect();
    let v = numerals::scan(&run, 0)?;
    if v.len != n {
        return None;
    }
    v.value
        .trunc()
        .to_u32()
        .ok_or(())
        .ok()
        .filter(|&x| x > 0)
        .map(|x| (x, n))
}

fn arabic_ordinal(chars: &[(usize, char)]) -> Option<(u32, usize)> {
    let n = chars.iter().take_while(|(_, c)| c.is_ascii_digit()).count();
    if n == 0 || n > 3 {
        return None;
    }
    let s: String = chars[..n].iter().map(|x| x.1).collect();
    s.parse().ok().map(|v| (v, n))
}

/// "2023年…" right after a marker: "1.2023年底前…" is item 1, not the number 1.2023.
fn starts_with_year(chars: &[(usize, char)]) -> bool {
    chars.len() > 4 && chars[..4].iter().all(|x| x.1.is_ascii_digit()) && chars[4].1 == '年'
}

/// Classifies one trimmed line.
fn classify(text: &str, span: Span) -> Line {
    let line = &text[span.start..span.end];
    // Markdown-style rows: "| 1 | 任务 | 单位 |" reads like "1 | 任务 | 单位 |".
    if line.starts_with(['|', '｜']) {
        let rest = line.trim_start_matches(|c: char| c == '|' || c == '｜' || is_space(c));
        if rest.is_empty() {
            return Line::Plain;
        }
        return classify(
            text,
            Span {
                start: span.end - rest.len(),
                end: span.end,
            },
        );
    }
    // Markers live in the first few characters; `whole` says whether we saw them all.
    const HEAD: usize = 24;
    let mut buf = [(0usize, '\0'); HEAD];
    let mut len = 0;
    for (i, c) in line.char_indices().take(HEAD) {
        buf[len] = (span.start + i, fold(c));
        len += 1;
    }
    let chars = &buf[..len];
    let whole = chars.len() < HEAD;
    let at = |k: usize| chars.get(k).map_or('\0', |x| x.1);
    let after = |k: usize| chars.get(k).map_or(span.end, |x| x.0);
    if at(0) == '序' {
        let head: String = chars
            .iter()
            .map(|x| x.1)
            .filter(|&c| !is_space(c))
            .collect();
        if head.starts_with("序号") {
            return Line::Header;
        }
    }
    if leads::is_note_line(line) {
        return Line::Note;
    }
    // 第一部分 / 第一章: headings of the outermost level.
    if at(0) == '第'
        && let Some((no, n)) = chinese_ordinal(&chars[1..])
    {
        let rest: String = chars[n + 1..].iter().take(2).map(|x| x.1).collect();
        for w in ["部分", "章", "篇", "方面"] {
            if rest.starts_with(w) {
                let skip = n + 1 + w.chars().count();
                let skip = skip + usize::from(matches!(at(skip), ':' | '、' | ' '));
                return Line::Marker {
                    kind: Kind::Chinese,
                    no,
                    content: after(skip),
                };
            }
        }
    }
    // 一、
    if let Some((no, n)) = chinese_ordinal(chars)
        && matches!(at(n), '、' | '.')
    {
        return Line::Marker {
            kind: Kind::Chinese,
            no,
            content: after(n + 1),
        };
    }
    // 一是
    if let Some((no, n)) = chinese_ordinal(chars)
        && at(n) == '是'
        && !numerals::is_cnum(at(n + 1))
    {
        return Line::Shi {
            no,
            content: after(n + 1),
        };
    }
    // (一) (1)
    if at(0) == '(' {
        if let Some((no, n)) = chinese_ordinal(&chars[1..])
            && at(n + 1) == ')'
        {
            return Line::Marker {
                kind: Kind::ParenChinese,
                no,
                content: after(n + 2),
            };
        }
        if let Some((no, n)) = arabic_ordinal(&chars[1..])
            && at(n + 1) == ')'
        {
            return Line::Marker {
                kind: Kind::ParenArabic,
                no,
                content: after(n + 2),
            };
        }
    }
    let c0 = at(0);
    if ('\u{2460}'..='\u{2473}').contains(&c0) {
        return Line::Marker {
            kind: Kind::Circled,
            no: c0 as u32 - 0x245F,
            content: after(1),
        };
    }
    if ('\u{2474}'..='\u{2487}').contains(&c0) {
        return Line::Marker {
            kind: Kind::ParenArabic,
            no: c0 as u32 - 0x2473,
            content: after(1),
        };
    }
    if ('\u{2488}'..='\u{249B}').contains(&c0) {
        return Line::Marker {
            kind: Kind::Arabic,
            no: c0 as u32 - 0x2487,
            content: after(1),
        };
    }
    if let Some((no, n)) = arabic_ordinal(chars) {
        // Table row: "1 | …", or a bare number on its own line (one cell per line).
        let mut k = n;
        while is_space(at(k)) {
            k += 1;
        }
        if at(k) == '|' {
            return Line::Row {
                no,
                content: after(k + 1),
            };
        }
        // Tab-separated rows: "1\t任务\t单位".
        if k > n && chars[n..k].iter().any(|x| x.1 == '\t') && at(k) != '\0' {
            return Line::Row {
                no,
                content: after(k),
            };
        }
        if k == chars.len() && whole {
            return Line::Row {
                no,
                content: span.end,
            };
        }
        match at(n) {
            '.' | '、' if !at(n + 1).is_ascii_digit() || starts_with_year(&chars[n + 1..]) => {
                return Line::Marker {
                    kind: Kind::Arabic,
                    no,
                    content: after(n + 1),
                };
            }
            ')' => {
                return Line::Marker {
                    kind: Kind::ParenArabic,
                    no,
                    content: after(n + 1),
                };
            }
            c if is_space(c) && n == 2 && at(0) == '0' => {
                return Line::Marker {
                    kind: Kind::Arabic,
                    no,
                    content: after(k),
                };
            }
            _ => {}
        }
    }
    Line::Plain
}

/// Whether a line ends an item: closing punctuation, or a trailing note. A "|" left
/// after the sentence by the page ("…体检。 |") is debris, not text.
fn ends_item(text: &str, span: Span) -> bool {
    let line = &text[span.start..span.end];
    let Some(last) = line
        .chars()
        .rev()
        .find(|&c| !is_space(c) && !matches!(c, '|' | '｜'))
    else {
        return false;
    };
    is_terminal(last) || ends_with_note(text, span)
}

/// Turns numbers alone on their lines into item markers (content on the lines below)
/// when they run in order: "01", or "1" after a complete line in a text that numbers
/// nothing else (otherwise a bare number is a page number).
fn bare_markers(text: &str, spans: &[Span], classes: &mut [Line]) {
    let numbered = classes.iter().any(|c| matches!(c, Line::Marker { .. }));
    let mut found: Vec<(usize, u32, bool)> = Vec::new();
    for (k, (&sp, c)) in spans.iter().zip(classes.iter()).enumerate() {
        let Line::Row { no, content } = *c else {
            continue;
        };
        if content != sp.end {
            continue;
        }
        let zero_led = text[sp.start..sp.end].starts_with('0');
        // Not inside a sentence: first line, after a complete line, or after a short
        // heading line (a page number falls between two halves of a sentence).
        let after_complete = k == 0 || ends_item(text, spans[k - 1]) || {
            let prev = &text[spans[k - 1].start..spans[k - 1].end];
            prev.chars().count() <= 20 && !prev.contains([',', '，', '、'])
        };
        if zero_led || (!numbered && after_complete) {
            found.push((k, no, zero_led));
        }
    }
    let mut run: Vec<(usize, u32)> = Vec::new();
    let mut all_zero_led = true;
    for &(k, no, z) in &found {
        if run.last().is_none_or(|l| no > l.1) {
            run.push((k, no));
            all_zero_led &= z;
        }
    }
    let steps = run.windows(2).filter(|w| w[1].1 == w[0].1 + 1).count();
    // "01" marks itself; plain numbers must count 1, 2, 3… without a gap.
    let in_order = if all_zero_led {
        steps >= 1
    } else {
        run.first().is_some_and(|f| f.1 == 1) && steps + 1 == run.len()
    };
    if run.len() >= 2 && in_order {
        for (k, no) in run {
            classes[k] = Line::Marker {
                kind: Kind::Arabic,
                no,
                content: spans[k].end,
            };
        }
    }
}

/// Page furniture by shape: a plain line of eight characters or more (24 bytes, so
/// that a repeated field label such as "责任单位" stays) without sentence punctuation
/// that the page prints more than once (a banner between items, a running head), the last line when
/// it is such a banner cut short, and a line that is only an ordinal ("十", the start
/// of an item the page cuts off).
fn repeated_lines(text: &str, spans: &[Span], classes: &[Line]) -> Vec<bool> {
    use std::collections::HashMap;
    let banner_like = |k: usize| {
        let line = &text[spans[k].start..spans[k].end];
        classes[k] == Line::Plain
            && line.len() >= 24
            && !line.contains([',', '。', ';', '，', '；', ':', '：', '|'])
    };
    let mut seen: HashMap<&str, u32> = HashMap::new();
    for k in 0..spans.len() {
        if banner_like(k) {
            *seen.entry(&text[spans[k].start..spans[k].end]).or_default() += 1;
        }
    }
    let mut out: Vec<bool> = (0..spans.len())
        .map(|k| {
            let line = &text[spans[k].start..spans[k].end];
            let ordinal_only = classes[k] == Line::Plain
                && line.chars().count() <= 3
                && line.chars().all(numerals::is_cnum);
            ordinal_only || (banner_like(k) && seen.get(line).is_some_and(|&n| n >= 2))
        })
        .collect();
    if let Some(k) = spans.len().checked_sub(1)
        && classes[k] == Line::Plain
        && text[spans[k].start..spans[k].end].chars().count() >= 4
        && !out[k]
    {
        let last = &text[spans[k].start..spans[k].end];
        out[k] = seen
            .iter()
            .any(|(l, &n)| n >= 2 && l.len() > last.len() && l.starts_with(last));
    }
    out
}

/// Whether the items are one line each: most item lines are followed at once by the
/// next item.
fn one_line_items(classes: &[Line], item_kind: Option<Kind>) -> bool {
    let Some(ik) = item_kind else {
        return false;
    };
    let is_item = |c: &Line| matches!(c, Line::Marker { kind, .. } if *kind == ik);
    let total = classes.iter().filter(|c| is_item(c)).count();
    let followed = classes
        .windows(2)
        .filter(|w| is_item(&w[0]) && is_item(&w[1]))
        .count();
    total >= 3 && followed * 2 >= total
}

/// A short line with no ordinal, digits or sentence punctuation, right above an
/// item and right after a complete line: a heading the text did not number.
fn is_bare_heading(
    text: &str,
    spans: &[Span],
    classes: &[Line],
    k: usize,
    item_kind: Option<Kind>,
) -> bool {
    if classes[k] != Line::Plain {
        return false;
    }
    let next_is_item = matches!(
        classes.get(k + 1),
        Some(Line::Marker { kind, .. }) if Some(*kind) == item_kind
    );
    if !next_is_item {
        return false;
    }
    let in_preamble = !classes[..k]
        .iter()
        .any(|c| matches!(c, Line::Marker { .. } | Line::Row { .. } | Line::Header));
    let after_complete =
        in_preamble || ends_item(text, spans[k - 1]) || !matches!(classes[k - 1], Line::Plain);
    let s = squeeze(&text[spans[k].start..spans[k].end]);
    let n = s.chars().count();
    after_complete
        && (2..=16).contains(&n)
        && !s.chars().any(|c| {
            let c = fold(c);
            c.is_ascii_digit() || matches!(c, ',' | '。' | ';' | '!' | '?' | '、' | '|')
        })
}

/// An item that so far is only a short heading line ("（三）饮水安全工程。"): the
/// paragraph under it is its body.
fn is_short_head(text: &str, item: &ItemDraft) -> bool {
    item.cells.is_none()
        && item.body.len() == 1
        && item.notes.is_empty()
        && item.body.first().is_some_and(|b| {
            let head = squeeze(&text[b.start..b.end]);
            // A head that states a figure ("改造管网20公里。") is a whole commitment.
            head.chars().count() <= 16 && !head.chars().any(|c| c.is_ascii_digit())
        })
}

/// A closing paragraph addressed to the implementers ("各地、各部门要…"): after a
/// complete sentence it ends the last item even where items take body paragraphs.
fn is_closing(line: &str) -> bool {
    let s = squeeze(line);
    [
        "各地",
        "各级",
        "各有关",
        "各部门",
        "各区",
        "各县",
        "各市",
        "各乡镇",
        "各单位",
        "以上",
        "上述",
        "全市",
        "全省",
        "全县",
        "全区",
    ]
    .iter()
    .any(|w| s.starts_with(w))
        && (s.contains('要') || s.contains("确保") || s.contains("务必"))
}

/// "3", "- 3 -", "— 3 —", "第3页", "3/12": a page number on its own line.
fn is_page_number(line: &str) -> bool {
    if line.len() > 24 {
        return false;
    }
    let s: String = line.chars().filter(|&c| !is_space(c)).map(fold).collect();
    let core = s.trim_matches(|c: char| matches!(c, '-' | '—' | '–' | '－'));
    let core = core
        .strip_prefix('第')
        .and_then(|r| r.strip_suffix('页'))
        .unwrap_or(core);
    let (a, b) = core.split_once('/').unwrap_or((core, "1"));
    let digits = |x: &str| !x.is_empty() && x.len() <= 3 && x.bytes().all(|b| b.is_ascii_digit());
    digits(a) && digits(b)
}

/// Whether the line ends with a responsibility note ("…(县水利局牵头)").
fn ends_with_note(text: &str, span: Span) -> bool {
    let line = &text[span.start..span.end];
    let Some(last) = line.chars().rev().find(|&c| !is_space(c)) else {
        return false;
    };
    matches!(fold(last), ')' | ']' | '】' | '〕') && {
        let s = squeeze(line);
        ["单位", "部门", "牵头", "负责", "配合"]
            .iter()
            .any(|w| s.contains(w))
    }
}

/// Whether plain lines from `idx` on reach a responsibility note before the next
/// marker: then they are the body of the item above, not loose text.
fn note_follows(text: &str, spans: &[Span], classes: &[Line], idx: usize) -> bool {
    spans
        .iter()
        .zip(classes)
        .skip(idx)
        .take(4)
        .take_while(|(_, c)| matches!(c, Line::Plain))
        .any(|(&sp, _)| ends_with_note(text, sp))
}

/// Splits a heading "促进就业方面(2项)" into title and declared count.
fn heading(text: &str, content: Span) -> (Option<String>, Option<u32>, Option<Span>) {
    let raw = text[content.start..content.end]
        .trim_end_matches(|c: char| is_space(c) || matches!(fold(c), ':' | '。'));
    let title = squeeze(raw);
    let chars: Vec<char> = title.chars().map(fold).collect();
    if chars.last() == Some(&')')
        && let Some(open) = chars.iter().rposition(|&c| c == '(')
    {
        let inner: Vec<char> = chars[open + 1..chars.len() - 1].to_vec();
        let skip = usize::from(inner.first() == Some(&'共'));
        if let Some(n) = numerals::scan(&inner, skip) {
            let unit = inner.get(skip + n.len..).unwrap_or(&[]);
            if matches!(unit, ['项'] | ['件'] | ['个']) {
                let declared = n.value.trunc().to_u32().ok_or(()).ok();
                let kept: String = title.chars().take(open).collect();
                let count_span = raw
                    .char_indices()
                    .rfind(|(_, c)| matches!(fold(*c), '('))
                    .map(|(i, _)| Span {
                        start: content.start + i,
                        end: content.start + raw.len(),
                    });
                let kept = kept
                    .trim_end_matches(|c: char| matches!(fold(c), ':' | ','))
                    .to_string();
                return (Some(kept).filter(|t| !t.is_empty()), declared, count_span);
            }
        }
    }
    let title = title
        .trim_end_matches(|c: char| matches!(fold(c), ':' | '。'))
        .to_string();
    (Some(title).filter(|t| !t.is_empty()), None, None)
}

fn header_columns(cells: &[String]) -> Columns {
    let mut cols = Columns {
        count: cells.len(),
        names: cells.to_vec(),
        ..Columns::default()
    };
    let has = |name: &str, words: &[&str]| words.iter().any(|w| name.contains(w));
    // The task column: the first header naming a task, by preference.
    const TEXT: &[&str] = &[
        "任务", "内容", "目标", "事项", "实事", "项目", "工作", "措施", "名称",
    ];
    let mut text_col: Option<(usize, usize)> = None;
    for (k, name) in cells.iter().enumerate() {
        if has(name, &["领导", "联系人", "负责人", "序号"]) {
            // A person is never a responsible unit.
        } else if has(name, &["协办", "配合", "参与"]) {
            cols.partners.push(k);
        } else if has(name, &["牵头", "责任", "主办", "主责", "单位", "部门"]) {
            cols.leads.push(k);
        } else if has(name, &["进度", "进展", "完成情况", "备注", "情况", "说明"]) {
            cols.extra.push(k);
        } else if let Some(rank) = TEXT.iter().position(|w| name.contains(w))
            && text_col.is_none_or(|(_, r)| rank < r)
        {
            text_col = Some((k, rank));
        }
    }
    cols.text = text_col.map_or(0, |(k, _)| k);
    cols
}

/// Splits `spans` on '|' into cells; a line break continues the current cell.
#[must_use]
pub fn split_cells(text: &str, spans: &[Span]) -> Vec<Vec<Span>> {
    let mut cells: Vec<Vec<Span>> = vec![Vec::new()];
    for sp in spans {
        let line = &text[sp.start..sp.end];
        let mut seg = sp.start;
        for (i, c) in line.char_indices() {
            if matches!(fold(c), '|' | '\t') {
                let at = sp.start + i;
                if let Some(cell) = cells.last_mut() {
                    cell.push(Span {
                        start: seg,
                        end: at,
                    });
                }
                cells.push(Vec::new());
                seg = at + c.len_utf8();
            }
        }
        if let Some(cell) = cells.last_mut() {
            cell.push(Span {
                start: seg,
                end: sp.end,
            });
        }
    }
    for cell in &mut cells {
        cell.retain(|s| !text[s.start..s.end].trim_matches(is_space).is_empty());
    }
    while cells.last().is_some_and(Vec::is_empty) {
        cells.pop();
    }
    cells
}

/// Reads the outline of `text`, in four phases: every line classified ([`Lines::read`]),
/// the levels decided from the markers' counts ([`Levels::decide`]), the lines that the
/// levels make special marked ([`Marks::find`]), then one walk that places each line in a
/// section, an item, the preamble or the loose text ([`Walk`]).
#[must_use]
pub fn read(text: &str) -> Outline {
    let lines = Lines::read(text);
    let levels = Levels::decide(&lines.classes);
    let marks = Marks::find(text, &lines, &levels);
    let mut walk = Walk::new(text, &lines, &levels, &marks);
    for idx in 0..lines.spans.len() {
        walk.line(idx);
    }
    walk.finish()
}

/// Phase 1: the non-blank lines with what each is.
struct Lines {
    spans: Vec<Span>,
    classes: Vec<Line>,
    /// Whether a line is a piece cut out of one paragraph that held the list inline.
    inline_piece: Vec<bool>,
}

impl Lines {
    fn read(text: &str) -> Lines {
        let mut spans = lines(text);
        let mut classes: Vec<Line> = spans.iter().map(|&s| classify(text, s)).collect();
        let mut inline_piece = vec![false; spans.len()];

        // No line starts with a marker: the list may stand inline, in one paragraph.
        if !classes
            .iter()
            .any(|c| matches!(c, Line::Marker { .. } | Line::Shi { .. } | Line::Header))
        {
            let (split, pieces) = split_inline(text, spans);
            spans = split;
            inline_piece = pieces;
            classes = spans.iter().map(|&s| classify(text, s)).collect();
        }
        // "一是…二是…" is the outline only when nothing else is numbered.
        let numbered = classes.iter().any(|c| matches!(c, Line::Marker { .. }));
        for c in &mut classes {
            if let Line::Shi { no, content } = *c {
                *c = if numbered {
                    Line::Plain
                } else {
                    Line::Marker {
                        kind: Kind::Chinese,
                        no,
                        content,
                    }
                };
            }
        }
        // A number alone on its line ("01", or "1" after a complete line) is an item marker
        // when there is no table and such numbers run in order.
        if !classes.iter().any(|c| matches!(c, Line::Header)) {
            bare_markers(text, &spans, &mut classes);
        }
        Lines {
            spans,
            classes,
            inline_piece,
        }
    }
}

/// Phase 2: which marker kind numbers the items, which the sections, and how items take
/// their text.
struct Levels {
    item_kind: Option<Kind>,
    section_kind: Option<Kind>,
    /// The 一、 headings are themselves the items.
    heading_items: bool,
    has_table: bool,
    /// Items of one line each, each followed at once by the next: they take no body.
    one_liners: bool,
    /// Items take the paragraphs below them as their body.
    bodies: bool,
}

impl Levels {
    fn decide(classes: &[Line]) -> Levels {
        let mut counts = [0usize; 5];
        for c in classes {
            if let Line::Marker { kind, .. } = c {
                counts[*kind as usize] += 1;
            }
        }
        let has_table = classes.iter().any(|c| matches!(c, Line::Header))
            && classes
                .iter()
                .filter(|c| matches!(c, Line::Row { .. }))
                .count()
                >= 1;
        let mut item_kind: Option<Kind> = None;
        for k in [Kind::ParenChinese, Kind::Arabic, Kind::ParenArabic] {
            if counts[k as usize] > 0
                && item_kind.is_none_or(|ik| counts[k as usize] > counts[ik as usize])
            {
                item_kind = Some(k);
            }
        }
        if item_kind.is_none() && counts[Kind::Circled as usize] > 0 {
            item_kind = Some(Kind::Circled);
        }
        // (一) headings above numbered items are sections when 一、 is absent.
        if item_kind == Some(Kind::ParenChinese)
            && counts[Kind::Chinese as usize] == 0
            && counts[Kind::Arabic as usize] >= 2
        {
            item_kind = Some(Kind::Arabic);
        }
        let mut heading_items = false;
        if item_kind.is_none() && counts[Kind::Chinese as usize] > 0 && !has_table {
            item_kind = Some(Kind::Chinese);
            heading_items = true;
        }
        let section_kind = match item_kind {
            Some(ik) if !heading_items => KINDS
                .iter()
                .copied()
                .find(|&k| k < ik && counts[k as usize] > 0),
            _ => None,
        }
        .or(if has_table && counts[Kind::Chinese as usize] > 0 {
            Some(Kind::Chinese)
        } else {
            None
        });

        // Items that are one line each, each followed at once by the next ("一、…;\n二、…;"),
        // take no body paragraphs: what follows the last is closing text.
        let one_liners = one_line_items(classes, item_kind);
        // Items that take body paragraphs: headings that are themselves the items.
        let bodies = !one_liners
            && (heading_items || (item_kind == Some(Kind::ParenChinese) && section_kind.is_none()));
        Levels {
            item_kind,
            section_kind,
            heading_items,
            has_table,
            one_liners,
            bodies,
        }
    }
}

/// Phase 3: lines the levels make special, by index.
struct Marks {
    /// A banner repeated through the pages, or an ordinal left alone by a cut.
    repeated: Vec<bool>,
    /// Headings without an ordinal ("就业创业" above "1.…"), when there are no numbered ones.
    unnumbered: Vec<bool>,
    /// Lines after which no numbered item comes before the next section heading.
    sole_item_ahead: Vec<bool>,
}

impl Marks {
    fn find(text: &str, lines: &Lines, levels: &Levels) -> Marks {
        let (spans, classes) = (&lines.spans, &lines.classes);
        let repeated = repeated_lines(text, spans, classes);
        let unnumbered: Vec<bool> =
            if levels.section_kind.is_none() && !levels.heading_items && !levels.has_table {
                let marks: Vec<bool> = (0..spans.len())
                    .map(|k| is_bare_heading(text, spans, classes, k, levels.item_kind))
                    .collect();
                if marks.iter().filter(|&&m| m).count() >= 2 {
                    marks
                } else {
                    Vec::new()
                }
            } else {
                Vec::new()
            };

        // A section whose heading is followed by text and no numbered item before the next
        // heading holds that text as its one item ("一、就业\n城镇新增就业5万人。").
        let mut sole_item_ahead = vec![false; spans.len()];
        if levels.section_kind.is_some() && !levels.heading_items && !levels.has_table {
            let mut next_is_heading = true;
            for k in (0..spans.len()).rev() {
                sole_item_ahead[k] = next_is_heading;
                match classes[k] {
                    Line::Marker { kind, .. } if Some(kind) == levels.section_kind => {
                        next_is_heading = true;
                    }
                    Line::Marker { .. } | Line::Row { .. } | Line::Header => {
                        next_is_heading = false;
                    }
                    _ => {}
                }
            }
        }
        Marks {
            repeated,
            unnumbered,
            sole_item_ahead,
        }
    }
}

/// Phase 4: the walk over the lines, with what it has read so far.
struct Walk<'a> {
    text: &'a str,
    lines: &'a Lines,
    levels: &'a Levels,
    marks: &'a Marks,
    out: Outline,
    /// The item being read.
    cur: Option<ItemDraft>,
    /// The body has begun (a heading, an item or a table header was seen).
    started: bool,
    /// The current item takes the next line.
    open: bool,
    /// Table rows with one cell per line.
    cell_mode: bool,
    header_names: Vec<String>,
    reading_header: bool,
    last_line: Option<Span>,
    takes_body: bool,
    /// Inside "附件:1.…\n2.…", a list of attachments.
    attachment_list: bool,
}

impl<'a> Walk<'a> {
    fn new(text: &'a str, lines: &'a Lines, levels: &'a Levels, marks: &'a Marks) -> Walk<'a> {
        Walk {
            text,
            lines,
            levels,
            marks,
            out: Outline {
                heading_items: levels.heading_items,
                ..Outline::default()
            },
            cur: None,
            started: false,
            open: false,
            cell_mode: false,
            header_names: Vec::new(),
            reading_header: false,
            last_line: None,
            takes_body: true,
            attachment_list: false,
        }
    }

    /// Places line `idx`.
    fn line(&mut self, idx: usize) {
        let span = self.lines.spans[idx];
        let class = self.lines.classes[idx];
        if self.skipped(idx, span, class) || self.header(span, class) {
            return;
        }
        if self.place(idx, span, class) {
            self.last_line = Some(span);
        }
    }

    /// Page numbers, banners and attachment lists: not the plan's text. True when the line
    /// is done with.
    fn skipped(&mut self, idx: usize, span: Span, class: Line) -> bool {
        let text = self.text;
        // Page numbers left by PDF extraction ("3", "— 3 —", "第3页") are not text.
        if !self.cell_mode
            && !matches!(class, Line::Marker { .. })
            && is_page_number(&text[span.start..span.end])
        {
            return true;
        }
        // A banner repeated through the page, or a line that is only an ordinal left
        // by a cut ("十"), is not text once the body has begun.
        if self.started
            && !self.cell_mode
            && (self.marks.repeated.get(idx).copied().unwrap_or(false))
        {
            return true;
        }
        // "附件:1.…\n2.…": a list of attachments, not items.
        let line = &text[span.start..span.end];
        if line.starts_with("附件") && line.contains([':', '：']) {
            self.attachment_list = true;
        } else if self.attachment_list
            && matches!(
                class,
                Line::Marker {
                    kind: Kind::Arabic,
                    ..
                }
            )
            && line.chars().count() < 40
            && !ends_item(text, span)
        {
            if self.started {
                self.out.loose.push(span);
            } else {
                self.out.preamble.push(span);
            }
            return true;
        } else {
            self.attachment_list = false;
        }
        false
    }

    /// A table's header and the column names that go on below it. True when the line
    /// was one.
    fn header(&mut self, span: Span, class: Line) -> bool {
        let text = self.text;
        if class == Line::Header {
            self.flush();
            self.started = true;
            let line = &text[span.start..span.end];
            if line.contains('|') || line.contains('｜') || line.contains('\t') {
                let cells = split_cells(text, &[span]);
                let names: Vec<String> = cells
                    .iter()
                    .skip_while(|c| c.is_empty())
                    .skip(1)
                    .map(|c| c.iter().map(|s| squeeze(&text[s.start..s.end])).collect())
                    .collect();
                // Column names may go on over the next lines ("项目名称 |" one per line).
                self.header_names = names;
                self.cell_mode = false;
                self.reading_header = true;
            } else {
                self.cell_mode = true;
                self.reading_header = true;
                self.header_names.clear();
            }
            return true;
        }
        if !self.reading_header {
            return false;
        }
        if matches!(class, Line::Row { .. }) {
            self.reading_header = false;
            self.out.columns = Some(header_columns(&self.header_names));
            return false;
        }
        if self.cell_mode {
            self.header_names.push(squeeze(&text[span.start..span.end]));
        } else {
            for cell in split_cells(text, &[span]) {
                let name: String = cell
                    .iter()
                    .map(|s| squeeze(&text[s.start..s.end]))
                    .collect();
                if !name.is_empty() && !name.chars().all(|c| matches!(c, '-' | ':' | '=' | '—')) {
                    self.header_names.push(name);
                }
            }
        }
        true
    }

    /// Puts the line in its place. False for a number inside a table cell, which is not a
    /// line of its own.
    fn place(&mut self, idx: usize, span: Span, class: Line) -> bool {
        let text = self.text;
        let levels = self.levels;
        match class {
            Line::Row { no, content } if self.out.columns.is_some() => {
                let expected = self.cur.as_ref().map_or(1, |c| c.no + 1);
                let cell_mode = self.cell_mode;
                let columns = self.out.columns.as_ref().map_or(0, |k| k.count);
                let incomplete = self.cur.as_ref().is_some_and(|c| {
                    let have = if cell_mode {
                        c.body.len()
                    } else {
                        split_cells(text, &c.body).len()
                    };
                    have < columns
                });
                if self.cur.is_some() && no != expected && (cell_mode || incomplete) {
                    // A number inside a cell, not a new row.
                    if let Some(c) = self.cur.as_mut() {
                        c.body.push(span);
                    }
                    return false;
                }
                self.flush();
                self.started = true;
                self.cur = Some(ItemDraft {
                    no,
                    start: span.start,
                    body: body_after(content, span),
                    ..ItemDraft::default()
                });
                self.open = true;
            }
            Line::Plain
                if self.cur.is_none()
                    && self.marks.sole_item_ahead[idx]
                    && self
                        .out
                        .sections
                        .last()
                        .is_some_and(|s| s.heading.is_some() && s.items.is_empty())
                    && !is_closing(&text[span.start..span.end]) =>
            {
                let no = self
                    .out
                    .sections
                    .iter()
                    .rev()
                    .find_map(|s| s.items.last())
                    .map_or(1, |i| i.no + 1);
                self.cur = Some(ItemDraft {
                    no,
                    start: span.start,
                    body: vec![span],
                    terminated: ends_item(text, span),
                    ..ItemDraft::default()
                });
                self.open = !ends_item(text, span);
                self.takes_body = false;
            }
            Line::Plain if self.marks.unnumbered.get(idx).copied().unwrap_or(false) => {
                self.flush();
                self.started = true;
                let title = squeeze(&text[span.start..span.end])
                    .trim_end_matches(|c: char| matches!(fold(c), ':'))
                    .to_string();
                self.out.sections.push(SectionDraft {
                    no: u32::try_from(self.out.sections.len() + 1).unwrap_or(u32::MAX),
                    title: Some(title),
                    heading: Some(span),
                    ..SectionDraft::default()
                });
                self.open = false;
            }
            Line::Marker { kind, no, content } if Some(kind) == levels.section_kind => {
                self.flush();
                self.started = true;
                let (title, declared, count_span) = heading(
                    text,
                    Span {
                        start: content,
                        end: span.end,
                    },
                );
                self.out.sections.push(SectionDraft {
                    no,
                    title,
                    declared_items: declared,
                    heading: Some(span),
                    count_span,
                    items: Vec::new(),
                });
                self.open = false;
            }
            Line::Marker { kind, no, content }
                if Some(kind) == levels.item_kind && self.out.columns.is_none() =>
            {
                self.flush();
                self.started = true;
                self.cur = Some(ItemDraft {
                    no,
                    start: span.start,
                    body: body_after(content, span),
                    terminated: ends_item(text, span),
                    ..ItemDraft::default()
                });
                self.takes_body = !self.lines.inline_piece.get(idx).copied().unwrap_or(false)
                    && !levels.one_liners;
                self.open = (levels.bodies && self.takes_body) || !ends_item(text, span);
            }
            Line::Marker { kind, .. }
                if self.cur.is_some() && levels.item_kind.is_some_and(|ik| kind > ik) =>
            {
                // A sub-point: part of the item.
                self.extend(span);
            }
            Line::Marker { .. } if self.started => {
                // An intermediate heading: neither section nor item.
                self.flush();
                self.open = false;
            }
            Line::Note if self.cur.is_some() => {
                if let Some(c) = self.cur.as_mut() {
                    c.notes.push(span);
                    c.terminated = true;
                }
                self.open = false;
            }
            _ if self.continues(idx, span) => {
                if let Some(prev) = self.last_line
                    && !ends_item(text, prev)
                    && !self.cell_mode
                    && !text[prev.start..prev.end].ends_with(['|', '｜'])
                {
                    self.out.joined.push(Span {
                        start: prev.end,
                        end: span.start,
                    });
                }
                self.extend(span);
            }
            _ if !self.started => self.out.preamble.push(span),
            _ => {
                self.flush();
                self.out.loose.push(span);
                self.open = false;
            }
        }
        true
    }

    /// Whether a line that is no marker goes on the current item.
    fn continues(&self, idx: usize, span: Span) -> bool {
        let text = self.text;
        let Some(cur) = self.cur.as_ref() else {
            return false;
        };
        let line = &text[span.start..span.end];
        (self.open
            || self.out.columns.is_some()
            || note_follows(text, &self.lines.spans, &self.lines.classes, idx)
            || (self.takes_body && is_short_head(text, cur) && !is_closing(line)))
            && !(self.levels.bodies
                && self.last_line.is_some_and(|p| ends_item(text, p))
                && is_closing(line))
    }

    /// Adds a line to the current item's body.
    fn extend(&mut self, span: Span) {
        let ends = ends_item(self.text, span);
        if let Some(c) = self.cur.as_mut() {
            c.body.push(span);
            c.terminated = ends;
        }
        self.open = (self.levels.bodies && self.takes_body) || !ends;
    }

    fn flush(&mut self) {
        if let Some(item) = self.cur.take() {
            if self.out.sections.is_empty() {
                self.out.sections.push(SectionDraft {
                    no: 1,
                    ..SectionDraft::default()
                });
            }
            if let Some(sec) = self.out.sections.last_mut() {
                sec.items.push(item);
            }
        }
    }

    /// The outline, with each table row's cells.
    fn finish(mut self) -> Outline {
        self.flush();
        let (text, mut out) = (self.text, self.out);
        // Cell-per-line rows: each body line is a cell.
        out.cell_per_line = self.cell_mode;
        if self.cell_mode {
            for sec in &mut out.sections {
                for item in &mut sec.items {
                    item.cells = Some(item.body.iter().map(|&s| vec![s]).collect());
                }
            }
        } else if out.columns.is_some() {
            for sec in &mut out.sections {
                for item in &mut sec.items {
                    item.cells = Some(split_cells(text, &item.body));
                }
            }
        }
        out
    }
}

/// The text of a marker's line after the marker, if any.
fn body_after(content: usize, span: Span) -> Vec<Span> {
    if content < span.end {
        vec![Span {
            start: content,
            end: span.end,
        }]
    } else {
        Vec::new()
    }
}
