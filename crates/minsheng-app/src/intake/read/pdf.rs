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
//!   the right margin (within a character and a half) and the line is not indented as a
//!   paragraph's first line. A line that starts a numbered item ("一、", "（二）", "3.",
//!   "(4)", "二是", "第五条") never joins, unless the paragraph holds the item before it
//!   inline ("…包括:一、推进…;" then "二、提升…"): that is an inline list wrapping. A line
//!   in another block (pdftotext's paragraphs, split by spacing, and page breaks) joins only
//!   when the line before ended no sentence or clause.
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
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::default())
                .ok()?
                .parse::<f64>()
                .ok()
        })
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

/// A numbered item's marker at a line's start: "一、", "（二）", "(3)", "4.", "5、", "六是",
/// "第七条", "⑧".
#[derive(Debug, Clone, PartialEq, Eq)]
struct Marker {
    open: &'static str,
    n: u32,
    chinese: bool,
    close: char,
}

impl Marker {
    /// The marker of the item before it, as it would be written inline.
    fn before(&self) -> Option<String> {
        if self.n < 2 || self.open == "第" {
            return None;
        }
        if ('①'..='⑳').contains(&self.close) {
            return char::from_u32(self.close as u32 - 1).map(String::from);
        }
        let n = if self.chinese {
            super::docx::format_number(self.n - 1, "chineseCounting")
        } else {
            (self.n - 1).to_string()
        };
        Some(format!("{}{n}{}", self.open, self.close))
    }
}

const NUMERALS: &str = "一二三四五六七八九十百零〇两";

fn numeral_value(s: &str) -> Option<(u32, bool)> {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok().map(|n| (n, false));
    }
    (1..=199u32)
        .find(|n| super::docx::format_number(*n, "chineseCounting") == s)
        .map(|n| (n, true))
}

fn marker(s: &str) -> Option<Marker> {
    let s = s.trim_start();
    let first = s.chars().next()?;
    let is_num = |c: char| c.is_ascii_digit() || NUMERALS.contains(c);
    if let Some((open, rest)) = [("(", ')'), ("（", '）')]
        .iter()
        .find_map(|(o, c)| s.strip_prefix(o).map(|r| ((*o, *c), r)))
    {
        let inner: String = rest.chars().take_while(|c| is_num(*c)).collect();
        let (n, chinese) = numeral_value(&inner)?;
        rest[inner.len()..].starts_with(open.1).then_some(Marker {
            open: open.0,
            n,
            chinese,
            close: open.1,
        })
    } else if let Some(rest) = s.strip_prefix('第') {
        let inner: String = rest.chars().take_while(|c| is_num(*c)).collect();
        let (n, chinese) = numeral_value(&inner)?;
        let close = rest[inner.len()..].chars().next()?;
        matches!(close, '条' | '章' | '节' | '部').then_some(Marker {
            open: "第",
            n,
            chinese,
            close,
        })
    } else if ('①'..='⑳').contains(&first) {
        // Circled numbers: `close` is the sign itself, written alone.
        Some(Marker {
            open: "",
            n: first as u32 - '①' as u32 + 1,
            chinese: false,
            close: first,
        })
    } else {
        let inner: String = s.chars().take_while(|c| is_num(*c)).collect();
        let (n, chinese) = numeral_value(&inner)?;
        let rest = &s[inner.len()..];
        let close = rest.chars().next()?;
        let ok = match close {
            '是' => chinese,
            '.' | '．' => !rest[close.len_utf8()..].starts_with(|c: char| c.is_ascii_digit()),
            '、' | ')' | '）' => true,
            _ => false,
        };
        ok.then_some(Marker {
            open: "",
            n,
            chinese,
            close,
        })
    }
}

fn ends_sentence(s: &str) -> bool {
    s.trim_end()
        .ends_with(['。', '！', '？', '；', '：', '!', '?', ';', ':', '”'])
}

/// Whether `line` goes on `prev`'s Latin word, wrapped at a Latin break short of the right
/// margin, as a line of mixed Chinese and Latin text is set: `line` starts with a letter or
/// digit, and either `prev` ends in a Latin word's hyphen ("生产出E-" / "QM5、E-QM5 PLUS"), or
/// it ends in a letter or digit and the space left on it is narrower than the next line's first
/// Latin run with the punctuation that may not start a line ("QM5、"), its width estimated
/// from the word's box (full-width characters a line height each, the rest sharing what is
/// left).
fn latin_wrap(prev: &Line, line: &Line, right: f64) -> bool {
    let latin = |c: char| c.is_ascii_alphanumeric();
    let (Some(last_word), Some(first)) = (prev.words.last(), line.words.first()) else {
        return false;
    };
    if !first.text.starts_with(latin) {
        return false;
    }
    let mut tail = last_word.text.chars().rev();
    let last = tail.next();
    if last == Some('-') && tail.next().is_some_and(latin) {
        return true;
    }
    if !last.is_some_and(latin) {
        return false;
    }
    let h = line.height();
    let full = first.text.chars().filter(|c| !c.is_ascii()).count() as f64;
    let narrow = first.text.chars().filter(char::is_ascii).count().max(1) as f64;
    let narrow_width = ((first.x1 - first.x0 - full * h) / narrow).max(0.0);
    let mut chars = first.text.chars().peekable();
    let mut run = 0.0;
    while let Some(c) = chars.next_if(|c| latin(*c) || matches!(c, '-' | '.')) {
        run += if c.is_ascii() { narrow_width } else { h };
    }
    while chars
        .next_if(|c| {
            matches!(
                c,
                '、' | '，' | '。' | '；' | '：' | '！' | '？' | '）' | '”' | '’'
            )
        })
        .is_some()
    {
        run += h;
    }
    right - prev.x1 < run.max(h)
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
    // The pages one after the other, so that a table row or a paragraph goes on over a page
    // break.
    let mut all = Vec::new();
    let mut offset = 0.0;
    for page in pages {
        all.extend(page.lines.into_iter().map(|mut l| {
            l.y0 += offset;
            l.y1 += offset;
            l
        }));
        offset += page.height.max(1.0);
    }
    {
        for piece in rows(all) {
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
                        let prev_text = prev.text();
                        let indented = line.x0 - left > line.height() * 0.8;
                        let same_block = prev.block == line.block;
                        (*may || latin_wrap(prev, &line, right))
                            && !indented
                            && match marker(&text) {
                                // An item's line joins only an inline list wrapping: the item
                                // before it is inside the paragraph, not at its start.
                                Some(m) => m.before().is_some_and(|before| {
                                    prev_text
                                        .char_indices()
                                        .skip(1)
                                        .any(|(i, _)| prev_text[i..].starts_with(&before))
                                }),
                                None => same_block || !ends_sentence(&prev_text),
                            }
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
    let in_margin =
        |p: &Page, l: &Line| p.height > 0.0 && (l.y1 < p.height * 0.1 || l.y0 > p.height * 0.9);
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
            !(n >= 2
                && counts
                    .get(&key(&text))
                    .is_some_and(|c| *c * 2 >= n && *c >= 2))
        });
    }
}

/// A page's lines in reading order, with its tables read as rows.
///
/// Lines are taken top to bottom in bands: lines whose tops are within half a line of each
/// other and do not overlap side by side are one band. A band of two lines or more starts a
/// table; its lines' left edges are the table's columns. The table goes on while each next
/// line starts at one of its columns: a band with a line in the first column starts a new
/// row (unless that line continues the first column's wrapped text), any other line adds
/// to its column's cell in the current row. A row is written as its cells joined by " | ".
fn rows(mut lines: Vec<Line>) -> Vec<Piece> {
    lines.sort_by(|a, b| a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0)));
    // Bands of lines side by side.
    let mut bands: Vec<Vec<Line>> = Vec::new();
    for l in lines {
        match bands.last_mut() {
            Some(b)
                if (l.y0 - b[0].y0).abs() < b[0].height() * 0.5
                    && b.iter().all(|o| l.x0 >= o.x1 || o.x0 >= l.x1) =>
            {
                b.push(l)
            }
            _ => bands.push(vec![l]),
        }
    }
    for b in &mut bands {
        b.sort_by(|a, c| a.x0.total_cmp(&c.x0));
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < bands.len() {
        if bands[i].len() < 2 {
            out.extend(std::mem::take(&mut bands[i]).into_iter().map(Piece::Line));
            i += 1;
            continue;
        }
        let tol = bands[i][0].height() * 0.3;
        let mut columns: Vec<f64> = bands[i].iter().map(|l| l.x0).collect();
        let column_of = |columns: &[f64], x: f64| columns.iter().position(|c| (c - x).abs() < tol);
        let mut table: Vec<Vec<Vec<Line>>> = Vec::new();
        while i < bands.len() {
            let band = &bands[i];
            let cols: Vec<Option<usize>> = band.iter().map(|l| column_of(&columns, l.x0)).collect();
            if band.len() >= 2 && cols.iter().any(Option::is_none) {
                // A wider table's band: its new columns join the table's.
                let known = cols.iter().filter(|c| c.is_some()).count();
                if known == 0 {
                    break;
                }
                let new: Vec<f64> = band
                    .iter()
                    .filter(|l| column_of(&columns, l.x0).is_none())
                    .map(|l| l.x0)
                    .collect();
                columns.extend(new);
                columns.sort_by(f64::total_cmp);
            } else if band.len() < 2 && cols[0].is_none() {
                break;
            }
            let band = std::mem::take(&mut bands[i]);
            let first = band.iter().any(|l| column_of(&columns, l.x0) == Some(0));
            let continues_first = table.last().is_some_and(|row: &Vec<Vec<Line>>| {
                row.first().and_then(|c| c.last()).is_some_and(|l| {
                    columns
                        .get(1)
                        .is_some_and(|c1| l.x1 >= c1 - l.height() * 1.8)
                })
            });
            if table.is_empty() || (first && !continues_first) {
                table.push(Vec::new());
            }
            let row = table.last_mut().expect("a row was pushed");
            for l in band {
                let c = column_of(&columns, l.x0).unwrap_or(0);
                if row.len() <= c {
                    row.resize_with(c + 1, Vec::new);
                }
                row[c].push(l);
            }
            i += 1;
        }
        for row in table {
            let mut cells: Vec<String> = row
                .into_iter()
                .map(|lines| {
                    let Some(first) = lines.first() else {
                        return String::new();
                    };
                    let mut cell = Line {
                        words: Vec::new(),
                        ..first.clone()
                    };
                    for l in &lines {
                        cell.words.extend(l.words.iter().cloned());
                    }
                    cell.text()
                })
                .collect();
            while cells.last().is_some_and(String::is_empty) {
                cells.pop();
            }
            out.push(Piece::Row(cells.join(" | ")));
        }
    }
    out
}

#[cfg(test)]
pub(super) fn page_number_for_test(s: &str) -> bool {
    is_page_number(s)
}

#[cfg(test)]
pub(super) fn starts_item_for_test(s: &str) -> bool {
    marker(s).is_some()
}

#[cfg(test)]
pub(super) fn item_before_for_test(s: &str) -> Option<String> {
    marker(s)?.before()
}

/// [`latin_wrap`] of a line ending at `prev_x1` with the word `prev_last`, and a line starting
/// with the word `first` spanning `first_x0..first_x1`, both 10 high, against margin `right`.
#[cfg(test)]
pub(super) fn latin_wrap_for_test(
    (prev_last, prev_x1): (&str, f64),
    (first, first_x0, first_x1): (&str, f64, f64),
    right: f64,
) -> bool {
    let line = |words: Vec<Word>| Line {
        x0: words.first().map_or(0.0, |w| w.x0),
        x1: words.last().map_or(0.0, |w| w.x1),
        y0: 0.0,
        y1: 10.0,
        block: 0,
        words,
    };
    let word = |text: &str, x0: f64, x1: f64| Word {
        x0,
        x1,
        text: text.to_string(),
    };
    latin_wrap(
        &line(vec![word(prev_last, 0.0, prev_x1)]),
        &line(vec![word(first, first_x0, first_x1)]),
        right,
    )
}
