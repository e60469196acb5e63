//! PDF with a text layer, through poppler's `pdftotext -bbox-layout` (Debian `poppler-utils`):
//! it decodes the fonts (CID fonts included, which pure-Rust readers often get wrong on Chinese
//! PDFs) and prints every word with its box, grouped into blocks and lines in reading order.
//! From those boxes this module:
//!
//! * joins the words of a line — no space next to a Chinese character (the gap between "23"
//!   and "万人" is the layout's, not a space), a space between two Latin words;
//! * leaves out running headers and footers — a line in the top or bottom tenth of the page
//!   whose text, digits aside, is on at least half the pages — and page numbers there ("3",
//!   "- 3 -", "— 3 —", "第 3 页", "第3页 共9页", "3 / 9");
//! * reads blocks side by side at the same height as a table row: their text joined by " | ";
//! * joins lines back into paragraphs: a line continues the one before when that one reaches
//!   the right margin (within a character and a half) and the line neither starts a numbered
//!   item ("一、", "（二）", "3.", "(4)", "第五条") nor is indented as a paragraph's first
//!   line; a paragraph split over a page break is joined too unless the page's last line
//!   ended a sentence.
//!
//! A PDF whose pages hold no words is a scan ([`ReadError::Scanned`]); one that needs a
//! password is [`ReadError::Encrypted`].

use super::ReadError;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::io::Write;
use std::process::{Command, Stdio};

#[derive(Debug, Clone)]
struct Word {
    x0: f64,
    x1: f64,
    text: String,
}

#[derive(Debug, Clone)]
struct Line {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    block: usize,
    words: Vec<Word>,
}

impl Line {
    fn height(&self) -> f64 {
        (self.y1 - self.y0).max(1.0)
    }

    fn text(&self) -> String {
        let mut out = String::new();
        let h = self.height();
        let mut prev: Option<&Word> = None;
        for w in &self.words {
            if let Some(p) = prev {
                let left = p.text.chars().last();
                let right = w.text.chars().next();
                let cjk = left.is_some_and(super::is_cjk) || right.is_some_and(super::is_cjk);
                // A wide gap between Chinese characters is kept (as in "主 要 任 务"): a
                // space wider than a fifth of the line's height.
                if !cjk || w.x0 - p.x1 > h * 0.18 {
                    out.push(' ');
                }
            }
            out.push_str(&w.text);
            prev = Some(w);
        }
        out
    }
}

#[derive(Debug, Default)]
struct Page {
    height: f64,
    lines: Vec<Line>,
}

pub(super) fn read(bytes: &[u8]) -> Result<String, ReadError> {
    let xml = pdftotext(bytes)?;
    let pages = pages(&xml)?;
    if pages.iter().all(|p| p.lines.is_empty()) {
        return Err(ReadError::Scanned);
    }
    Ok(layout(pages))
}

fn pdftotext(bytes: &[u8]) -> Result<String, ReadError> {
    let mut child = Command::new("pdftotext")
        .args(["-bbox-layout", "-enc", "UTF-8", "-q", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| ReadError::PdfReader(e.to_string()))?;
    let mut stdin = child.stdin.take();
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            // A PDF the reader gives up on early closes its input: not our error.
            let _ = s.write_all(&input);
        }
    });
    let out = child
        .wait_with_output()
        .map_err(|e| ReadError::PdfReader(e.to_string()))?;
    let _ = writer.join();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        return Ok(stdout);
    }
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    // Exit code 1: could not open the file; poppler says why only without -q, so look at
    // the file itself for an encryption dictionary.
    if out.status.code() == Some(1)
        && (stderr.contains("assword") || bytes.windows(8).any(|w| w == b"/Encrypt"))
    {
        return Err(ReadError::Encrypted { format: "PDF" });
    }
    Err(ReadError::Damaged {
        format: "PDF",
        detail: match stderr.trim() {
            "" => format!("pdftotext exit {}", out.status.code().unwrap_or(-1)),
            s => s.chars().take(200).collect(),
        },
    })
}

fn num(e: &BytesStart, name: &str) -> f64 {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::default()).ok()?.parse::<f64>().ok())
        .filter(|v| v.is_finite())
        .unwrap_or(0.0)
}

/// The pages, lines and words of pdftotext's XHTML.
fn pages(xml: &str) -> Result<Vec<Page>, ReadError> {
    let damaged = |e: quick_xml::Error| ReadError::Damaged {
        format: "PDF",
        detail: e.to_string(),
    };
    let mut reader = Reader::from_str(xml);
    let mut pages = Vec::new();
    let mut page: Option<Page> = None;
    let mut line: Option<Line> = None;
    let mut word: Option<Word> = None;
    let mut block = 0usize;
    loop {
        match reader.read_event().map_err(damaged)? {
            Event::Start(e) => match e.local_name().as_ref() {
                "page" => {
                    page = Some(Page {
                        height: num(&e, "height"),
                        lines: Vec::new(),
                    })
                }
                "block" => block += 1,
                "line" => {
                    line = Some(Line {
                        x0: num(&e, "xMin"),
                        x1: num(&e, "xMax"),
                        y0: num(&e, "yMin"),
                        y1: num(&e, "yMax"),
                        block,
                        words: Vec::new(),
                    })
                }
                "word" => {
                    word = Some(Word {
                        x0: num(&e, "xMin"),
                        x1: num(&e, "xMax"),
                        text: String::new(),
                    })
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some(w) = &mut word {
                    w.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(w) = &mut word {
                    w.text.push_str(&super::docx::entity_text(&r));
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "word" => {
                    if let (Some(l), Some(w)) = (&mut line, word.take())
                        && !w.text.trim().is_empty()
                    {
                        l.words.push(w);
                    }
                }
                "line" => {
                    if let (Some(p), Some(l)) = (&mut page, line.take())
                        && !l.words.is_empty()
                    {
                        p.lines.push(l);
                    }
                }
                "page" => pages.extend(page.take()),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(pages)
}

/// A page number as printed in a header or footer.
fn is_page_number(s: &str) -> bool {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_matches(|c: char| matches!(c, '-' | '—' | '–' | '－' | '·'));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if digits(t) {
        return true;
    }
    if let Some((a, b)) = t.split_once('/') {
        return digits(a) && digits(b);
    }
    if let Some(rest) = t.strip_prefix('第') {
        let (n, rest) = rest.split_once('页').unwrap_or((rest, "x"));
        if !digits(n) {
            return false;
        }
        let rest = rest.trim_start_matches([',', '，', ' ']);
        return rest.is_empty()
            || rest
                .strip_prefix('共')
                .and_then(|r| r.strip_suffix('页'))
                .is_some_and(digits);
    }
    false
}

/// A line's text with its digits taken out: a running header is the same text on every page.
fn key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_ascii_digit() && !c.is_whitespace())
        .collect()
}

/// Whether a line starts a numbered item or heading.
fn starts_item(s: &str) -> bool {
    let s = s.trim_start();
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    const NUMERALS: &str = "一二三四五六七八九十百零〇两";
    if matches!(first, '(' | '（') {
        let inner: String = chars.take_while(|c| !matches!(c, ')' | '）')).collect();
        return !inner.is_empty()
            && inner.chars().count() <= 4
            && inner
                .chars()
                .all(|c| c.is_ascii_digit() || NUMERALS.contains(c));
    }
    if first == '第' {
        let n: String = chars.clone().take_while(|c| NUMERALS.contains(*c) || c.is_ascii_digit()).collect();
        let after = s.chars().nth(1 + n.chars().count());
        return !n.is_empty() && matches!(after, Some('条' | '章' | '节' | '部' | '项'));
    }
    if first.is_ascii_digit() || NUMERALS.contains(first) {
        let n = s
            .chars()
            .take_while(|c| c.is_ascii_digit() || NUMERALS.contains(*c))
            .count();
        let after = s.chars().nth(n);
        return matches!(after, Some('.' | '．' | '、' | ')' | '）'))
            && !s.chars().nth(n + 1).is_some_and(|c| c.is_ascii_digit());
    }
    matches!(first, '①'..='⑳')
}

fn ends_sentence(s: &str) -> bool {
    s.trim_end()
        .ends_with(['。', '！', '？', '；', '：', '!', '?', ';', ':', '”'])
}

/// A table row or a line of prose, in reading order.
enum Piece {
    Row(String),
    Line(Line),
}

fn layout(mut pages: Vec<Page>) -> String {
    strip_running(&mut pages);
    // The right margin: the furthest a body line reaches.
    let right = pages
        .iter()
        .flat_map(|p| p.lines.iter().map(|l| l.x1))
        .fold(0.0, f64::max);
    let left = pages
        .iter()
        .flat_map(|p| p.lines.iter().map(|l| l.x0))
        .fold(f64::INFINITY, f64::min);
    let mut out: Vec<String> = Vec::new();
    // The line a paragraph is being built on, and whether the next may join it.
    let mut open: Option<(Line, bool)> = None;
    for page in pages {
        for piece in rows(page.lines) {
            match piece {
                Piece::Row(text) => {
                    if let Some((l, _)) = open.take() {
                        out.push(l.text());
                    }
                    out.push(text);
                }
                Piece::Line(line) => {
                    let text = line.text();
                    let joins = open.as_ref().is_some_and(|(prev, may)| {
                        *may && !starts_item(&text)
                            && line.x0 - left < line.height() * 0.8
                            && (prev.block == line.block || !ends_sentence(&prev.text()))
                    });
                    let may = line.x1 >= right - line.height() * 1.5;
                    match (&mut open, joins) {
                        (Some((prev, m)), true) => {
                            let mut joined = prev.clone();
                            joined.words.extend(line.words.iter().cloned());
                            joined.block = line.block;
                            joined.x1 = line.x1;
                            *prev = joined;
                            *m = may;
                        }
                        _ => {
                            if let Some((l, _)) = open.take() {
                                out.push(l.text());
                            }
                            open = Some((line, may));
                        }
                    }
                }
            }
        }
    }
    if let Some((l, _)) = open {
        out.push(l.text());
    }
    out.join("\n")
}

/// Leaves out running headers and footers and page numbers (see the module's docs).
fn strip_running(pages: &mut [Page]) {
    let n = pages.len();
    let in_margin = |p: &Page, l: &Line| {
        p.height > 0.0 && (l.y1 < p.height * 0.1 || l.y0 > p.height * 0.9)
    };
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for p in pages.iter() {
        let mut seen = std::collections::HashSet::new();
        for l in p.lines.iter().filter(|l| in_margin(p, l)) {
            let k = key(&l.text());
            if !k.is_empty() && seen.insert(k.clone()) {
                *counts.entry(k).or_default() += 1;
            }
        }
    }
    for p in pages.iter_mut() {
        let height = p.height;
        p.lines.retain(|l| {
            let margin = height > 0.0 && (l.y1 < height * 0.1 || l.y0 > height * 0.9);
            if !margin {
                return true;
            }
            let text = l.text();
            if is_page_number(&text) {
                return false;
            }
            !(n >= 2 && counts.get(&key(&text)).is_some_and(|c| *c * 2 >= n && *c >= 2))
        });
    }
}

/// A page's lines in reading order, blocks side by side at the same height read as a
/// table row.
fn rows(lines: Vec<Line>) -> Vec<Piece> {
    // Blocks, each with its lines, in the order pdftotext read them.
    let mut blocks: Vec<Vec<Line>> = Vec::new();
    for l in lines {
        match blocks.last_mut() {
            Some(b) if b[0].block == l.block => b.push(l),
            _ => blocks.push(vec![l]),
        }
    }
    let top = |b: &Vec<Line>| b.iter().map(|l| l.y0).fold(f64::INFINITY, f64::min);
    let x0 = |b: &Vec<Line>| b.iter().map(|l| l.x0).fold(f64::INFINITY, f64::min);
    let x1 = |b: &Vec<Line>| b.iter().map(|l| l.x1).fold(0.0, f64::max);
    let mut order: Vec<usize> = (0..blocks.len()).collect();
    order.sort_by(|a, b| top(&blocks[*a]).total_cmp(&top(&blocks[*b])));
    let mut out = Vec::new();
    let mut used = vec![false; blocks.len()];
    for (i, &a) in order.iter().enumerate() {
        if used[a] {
            continue;
        }
        let h = blocks[a][0].height();
        let mut row = vec![a];
        for &b in &order[i + 1..] {
            if used[b] || top(&blocks[b]) - top(&blocks[a]) > h * 0.5 {
                continue;
            }
            let overlaps = row
                .iter()
                .any(|&r| x0(&blocks[b]) < x1(&blocks[r]) && x0(&blocks[r]) < x1(&blocks[b]));
            if !overlaps {
                row.push(b);
            }
        }
        for &r in &row {
            used[r] = true;
        }
        if row.len() == 1 {
            out.extend(std::mem::take(&mut blocks[a]).into_iter().map(Piece::Line));
            continue;
        }
        row.sort_by(|p, q| x0(&blocks[*p]).total_cmp(&x0(&blocks[*q])));
        let cells: Vec<String> = row
            .iter()
            .map(|&r| {
                let mut cell = Line {
                    words: Vec::new(),
                    ..blocks[r][0].clone()
                };
                for l in &blocks[r] {
                    cell.words.extend(l.words.iter().cloned());
                }
                cell.text()
            })
            .collect();
        out.push(Piece::Row(cells.join(" | ")));
    }
    out
}

#[cfg(test)]
pub(super) fn page_number_for_test(s: &str) -> bool {
    is_page_number(s)
}

#[cfg(test)]
pub(super) fn starts_item_for_test(s: &str) -> bool {
    starts_item(s)
}
