//! Word (DOCX): `word/document.xml` read in order with quick-xml — a paragraph a line, a table
//! row a line with " | " between cells, a cell merged down (`w:vMerge`) carried down as the eye
//! reads it — and the numbering Word generates (`w:numPr` → `word/numbering.xml`'s
//! `w:abstractNum` level: `w:numFmt`, `w:lvlText`, `w:start`) written out as it renders:
//! "一、", "（一）", "1.", "(1)". Headers, footers, footnotes and comments live in other parts
//! and are not read; deleted text (`w:delText`) and field codes (`w:instrText`) are other
//! elements and are not read either.
//!
//! docx-rs (in the tree for writing bulletins) has a reader too, but it builds the whole
//! document model and leaves the numbering to be rendered anyway; reading the two parts
//! directly is less code and reads only what the extractor needs.

use super::{Format, ReadError, entry};
use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};
use std::collections::HashMap;
use std::io::Cursor;

/// One level of a list: how its number is written.
#[derive(Debug, Clone, Default)]
struct Level {
    fmt: String,
    text: String,
    start: u32,
}

/// `word/numbering.xml`: each `w:num`'s abstract list and its levels.
#[derive(Debug, Default)]
struct Numbering {
    abstracts: HashMap<String, HashMap<u8, Level>>,
    nums: HashMap<String, String>,
}

impl Numbering {
    fn level(&self, num: &str, ilvl: u8) -> Option<&Level> {
        self.abstracts.get(self.nums.get(num)?)?.get(&ilvl)
    }
}

pub(super) fn read(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<String, ReadError> {
    let numbering = match entry(zip, "word/numbering.xml", Format::Docx)? {
        Some(xml) => numbering(&xml)?,
        None => Numbering::default(),
    };
    let styles = match entry(zip, "word/styles.xml", Format::Docx)? {
        Some(xml) => styles(&xml)?,
        None => HashMap::new(),
    };
    let document = entry(zip, "word/document.xml", Format::Docx)?.unwrap_or_default();
    body(&document, &numbering, &styles)
}

fn damaged(e: impl std::fmt::Display) -> ReadError {
    ReadError::Damaged {
        format: "DOCX",
        detail: e.to_string(),
    }
}

/// A `w:` attribute's value.
fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name)
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::default())
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

/// An entity reference (`&amp;`, `&#x4E00;`) as text.
pub(super) fn entity_text(e: &BytesRef) -> String {
    if let Ok(Some(c)) = e.resolve_char_ref() {
        return c.to_string();
    }
    match e.xml10_content().as_ref() {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    }
    .to_string()
}

fn numbering(xml: &str) -> Result<Numbering, ReadError> {
    let mut n = Numbering::default();
    let mut reader = Reader::from_str(xml);
    let mut abstract_id: Option<String> = None;
    let mut num_id: Option<String> = None;
    let mut lvl: Option<(u8, Level)> = None;
    loop {
        match reader.read_event().map_err(damaged)? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "abstractNum" => abstract_id = attr(&e, "abstractNumId"),
                "num" => num_id = attr(&e, "numId"),
                "abstractNumId" => {
                    if let (Some(id), Some(a)) = (&num_id, attr(&e, "val")) {
                        n.nums.insert(id.clone(), a);
                    }
                }
                "lvl" if abstract_id.is_some() => {
                    let ilvl = attr(&e, "ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                    lvl = Some((
                        ilvl,
                        Level {
                            start: 1,
                            ..Level::default()
                        },
                    ));
                }
                "start" => {
                    if let (Some((_, l)), Some(v)) = (&mut lvl, attr(&e, "val")) {
                        l.start = v.parse().unwrap_or(1);
                    }
                }
                "numFmt" => {
                    if let (Some((_, l)), Some(v)) = (&mut lvl, attr(&e, "val")) {
                        l.fmt = v;
                    }
                }
                "lvlText" => {
                    if let (Some((_, l)), Some(v)) = (&mut lvl, attr(&e, "val")) {
                        l.text = v;
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "lvl" => {
                    if let (Some(a), Some((i, l))) = (&abstract_id, lvl.take()) {
                        n.abstracts.entry(a.clone()).or_default().insert(i, l);
                    }
                }
                "abstractNum" => abstract_id = None,
                "num" => num_id = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(n)
}

/// The paragraph styles that carry a list (`w:style` → `w:pPr/w:numPr`): (numId, ilvl).
fn styles(xml: &str) -> Result<HashMap<String, (String, u8)>, ReadError> {
    let mut out = HashMap::new();
    let mut reader = Reader::from_str(xml);
    let mut style: Option<String> = None;
    let mut num: (Option<String>, u8) = (None, 0);
    loop {
        match reader.read_event().map_err(damaged)? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "style" => {
                    style = attr(&e, "styleId");
                    num = (None, 0);
                }
                "numId" => num.0 = attr(&e, "val"),
                "ilvl" => num.1 = attr(&e, "val").and_then(|v| v.parse().ok()).unwrap_or(0),
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "style" => {
                if let (Some(s), Some(n)) = (style.take(), num.0.take()) {
                    out.insert(s, (n, num.1));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// A table being read: its rows, and per grid column the text a merged-down cell carries.
#[derive(Debug, Default)]
struct Table {
    row: Vec<String>,
    col: usize,
    span: usize,
    merge: Option<bool>,
    above: HashMap<usize, String>,
}

#[derive(Debug, Default)]
struct Para {
    text: String,
    num: Option<String>,
    ilvl: u8,
    style: Option<String>,
}

fn body(
    xml: &str,
    numbering: &Numbering,
    styles: &HashMap<String, (String, u8)>,
) -> Result<String, ReadError> {
    let mut out: Vec<String> = Vec::new();
    let mut reader = Reader::from_str(xml);
    let mut tables: Vec<Table> = Vec::new();
    let mut cell: Option<String> = None;
    let mut para: Option<Para> = None;
    let mut in_text = false;
    let mut fallback = 0usize;
    let mut counters: HashMap<String, [u32; 9]> = HashMap::new();
    loop {
        let ev = reader.read_event().map_err(damaged)?;
        let is_start = matches!(ev, Event::Start(_));
        if fallback > 0 {
            match &ev {
                Event::Start(e) if e.local_name().as_ref() == "Fallback" => fallback += 1,
                Event::End(e) if e.local_name().as_ref() == "Fallback" => fallback -= 1,
                Event::Eof => break,
                _ => {}
            }
            continue;
        }
        match ev {
            Event::Empty(e) if e.local_name().as_ref() == "p" => match &mut cell {
                Some(_) => {}
                None => out.push(String::new()),
            },
            Event::Start(e) | Event::Empty(e) => {
                if is_start {
                    in_text |= e.local_name().as_ref() == "t";
                }
                match e.local_name().as_ref() {
                    // mc:AlternateContent: the Choice is read, its Fallback copy is not.
                    "Fallback" => fallback = 1,
                    "p" => para = Some(Para::default()),
                    "pStyle" => {
                        if let Some(p) = &mut para {
                            p.style = attr(&e, "val");
                        }
                    }
                    "numId" => {
                        if let Some(p) = &mut para {
                            p.num = attr(&e, "val");
                        }
                    }
                    "ilvl" => {
                        if let Some(p) = &mut para {
                            p.ilvl = attr(&e, "val").and_then(|v| v.parse().ok()).unwrap_or(0);
                        }
                    }
                    "tab" if para.is_some() => push(&mut para, " "),
                    "br" | "cr" if para.is_some() => push(&mut para, "\n"),
                    "tbl" => tables.push(Table::default()),
                    "tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.row.clear();
                            t.col = 0;
                        }
                    }
                    "tc" => {
                        cell = Some(String::new());
                        if let Some(t) = tables.last_mut() {
                            t.span = 1;
                            t.merge = None;
                        }
                    }
                    "gridSpan" => {
                        if let Some(t) = tables.last_mut() {
                            t.span = attr(&e, "val")
                                .and_then(|v| v.parse().ok())
                                .unwrap_or(1)
                                .clamp(1, 64);
                        }
                    }
                    "vMerge" => {
                        if let Some(t) = tables.last_mut() {
                            t.merge = Some(attr(&e, "val").as_deref() == Some("restart"));
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text => push(&mut para, &t.xml10_content()),
            Event::GeneralRef(r) if in_text => push(&mut para, &entity_text(&r)),
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    if let Some(p) = para.take() {
                        let line = paragraph(p, numbering, styles, &mut counters);
                        match &mut cell {
                            Some(c) => {
                                if !c.is_empty() && !line.is_empty() {
                                    c.push(' ');
                                }
                                c.push_str(&line);
                            }
                            None => out.push(line),
                        }
                    }
                }
                "tc" => {
                    if let (Some(t), Some(mut text)) = (tables.last_mut(), cell.take()) {
                        let text_now = text.replace('\n', " ");
                        text = text_now.trim().to_string();
                        if t.merge == Some(false) && text.is_empty() {
                            text = t.above.get(&t.col).cloned().unwrap_or_default();
                        }
                        t.above.insert(t.col, text.clone());
                        t.row.push(text);
                        t.col += t.span;
                    }
                }
                "tr" => {
                    if let Some(t) = tables.last_mut() {
                        let mut row = std::mem::take(&mut t.row);
                        while row.last().is_some_and(String::is_empty) {
                            row.pop();
                        }
                        if !row.is_empty() {
                            let line = row.join(" | ");
                            if tables.len() > 1 {
                                // A table inside a cell: its rows join the cell's text.
                                cell.get_or_insert_default().push_str(&line);
                            } else {
                                out.push(line);
                            }
                        }
                    }
                }
                "tbl" => {
                    tables.pop();
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out.join("\n"))
}

fn push(para: &mut Option<Para>, s: &str) {
    if let Some(p) = para {
        p.text.push_str(s);
    }
}

/// A paragraph's line: its list number, as Word renders it, before its text.
fn paragraph(
    p: Para,
    numbering: &Numbering,
    styles: &HashMap<String, (String, u8)>,
    counters: &mut HashMap<String, [u32; 9]>,
) -> String {
    let text = p.text.trim_end().to_string();
    let (num, ilvl) = match (p.num, p.style.and_then(|s| styles.get(&s).cloned())) {
        (Some(n), style) => (
            n,
            style.map(|s| s.1).filter(|_| p.ilvl == 0).unwrap_or(p.ilvl),
        ),
        (None, Some((n, l))) => (n, l),
        (None, None) => return text,
    };
    let ilvl = ilvl.min(8);
    if num == "0" {
        return text;
    }
    let Some(level) = numbering.level(&num, ilvl) else {
        return text;
    };
    if text.trim().is_empty() {
        return text;
    }
    let abs = numbering.nums.get(&num).cloned().unwrap_or_default();
    let c = counters.entry(abs.clone()).or_insert([0; 9]);
    let i = usize::from(ilvl);
    c[i] = if c[i] == 0 {
        level.start
    } else {
        c[i].saturating_add(1)
    };
    for deeper in c.iter_mut().skip(i + 1) {
        *deeper = 0;
    }
    let snapshot = *c;
    let mut label = level.text.clone();
    for (l, value) in snapshot.iter().enumerate().take(i + 1) {
        let placeholder = format!("%{}", l + 1);
        if !label.contains(&placeholder) {
            continue;
        }
        let fmt = numbering
            .level(&num, l as u8)
            .map(|lv| lv.fmt.as_str())
            .unwrap_or("decimal");
        let start = numbering
            .level(&num, l as u8)
            .map(|lv| lv.start)
            .unwrap_or(1);
        let v = if *value == 0 { start } else { *value };
        label = label.replace(&placeholder, &format_number(v, fmt));
    }
    match level.fmt.as_str() {
        "bullet" | "none" => text,
        _ => format!("{label}{text}"),
    }
}

/// A list number in one of Word's formats (`w:numFmt`).
pub(super) fn format_number(n: u32, fmt: &str) -> String {
    match fmt {
        "chineseCounting"
        | "chineseCountingThousand"
        | "chineseLegalSimplified"
        | "ideographDigital"
        | "taiwaneseCounting" => chinese(n, fmt),
        "ideographTraditional" => ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"]
            .get((n as usize).wrapping_sub(1))
            .map(|s| s.to_string())
            .unwrap_or_else(|| n.to_string()),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1)
                .map(String::from)
                .unwrap_or_default()
        }
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .filter_map(|d| char::from_u32(d as u32 - '0' as u32 + 0xFF10))
            .collect(),
        "decimalZero" if n < 10 => format!("0{n}"),
        "lowerLetter" => letters(n, b'a'),
        "upperLetter" => letters(n, b'A'),
        "lowerRoman" => roman(n).to_lowercase(),
        "upperRoman" => roman(n),
        _ => n.to_string(),
    }
}

fn chinese(n: u32, fmt: &str) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if fmt == "ideographDigital" {
        return n
            .to_string()
            .chars()
            .map(|d| DIGITS[(d as u32 - '0' as u32) as usize])
            .collect();
    }
    if n == 0 || n > 9999 {
        return n.to_string();
    }
    let units = ["千", "百", "十", ""];
    let digits = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
    let mut out = String::new();
    let mut zero = false;
    for (i, d) in digits.iter().enumerate() {
        if *d == 0 {
            zero = !out.is_empty();
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        // 十一, not 一十一, when the number starts with its tens.
        if !(out.is_empty() && *d == 1 && i == 2) {
            out.push_str(DIGITS[*d as usize]);
        }
        out.push_str(units[i]);
    }
    out
}

fn letters(n: u32, base: u8) -> String {
    if n == 0 {
        return String::new();
    }
    let c = char::from(base + ((n - 1) % 26) as u8);
    c.to_string().repeat(((n - 1) / 26 + 1) as usize)
}

fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

#[cfg(test)]
pub(super) fn number_for_test(n: u32, fmt: &str) -> String {
    format_number(n, fmt)
}
