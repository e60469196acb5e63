//! Web pages: decoded in the charset the page declares (a byte-order mark, `<meta charset>`,
//! `<meta http-equiv="Content-Type" content="…; charset=gb2312">`; else UTF-8 when it is,
//! GB18030 otherwise), parsed as browsers parse it (html5ever, through scraper), and the
//! article body found by a rule that holds on any site rather than one site's class names:
//! every run of text scores its Chinese characters (and letters and digits, a third each) to
//! the block that holds it (a table or list as a whole, not its cell or item), to that block's parent and half to its grandparent, and text
//! inside a link scores nothing; the element with the highest score is the article. The
//! site's chrome — navigation, breadcrumbs, "发布时间 / 来源 / 浏览次数", share buttons, the
//! footer — is short text or links, and scores little. The article is then written with
//! `<p>`, `<div>`, `<li>`, `<tr>`, `<h1>`… and `<br>` as line breaks and a row's cells
//! joined by " | ".

use scraper::{ElementRef, Html, Node};
use std::collections::HashMap;

/// Whether the bytes start as a web page does (after a byte-order mark, spaces, comments).
pub(super) fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(2048)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let t = head.trim_start_matches('\u{feff}').trim_start();
    t.starts_with("<!doctype html")
        || t.starts_with("<html")
        || ((t.starts_with("<?xml") || t.starts_with("<!--") || t.starts_with("<meta"))
            && t.contains("<html"))
        || t.starts_with("<head")
}

/// The charset a page declares in its first bytes, if encoding_rs knows it.
fn declared(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(at) = rest.find("charset") {
        rest = &rest[at + "charset".len()..];
        let value = rest.trim_start().strip_prefix('=')?.trim_start();
        let value = value.trim_start_matches(['"', '\'']);
        let end = value
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(value.len());
        if let Some(enc) = encoding_rs::Encoding::for_label(&value.as_bytes()[..end]) {
            return Some(enc);
        }
    }
    None
}

fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    let enc = match declared(bytes) {
        // A page saying UTF-16 in its meta is read as ASCII-compatible, as browsers do.
        Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => encoding_rs::UTF_8,
        // GB2312 and GBK pages often hold characters only GB18030 has: read them as GB18030,
        // their superset.
        Some(e) if e == encoding_rs::GBK => encoding_rs::GB18030,
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => encoding_rs::GB18030,
    };
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "button", "select", "option", "textarea",
    "svg", "canvas", "head", "nav", "form", "object", "input",
];
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "main",
    "table",
    "tbody",
    "thead",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "center",
    "header",
    "footer",
    "aside",
    "figure",
    "figcaption",
    "address",
    "hr",
    "caption",
    "body",
    "td",
    "th",
];

/// Parts of a table or list: their text scores to the table or list.
const PARTS: &[&str] = &[
    "td", "th", "tr", "tbody", "thead", "tfoot", "li", "dd", "dt", "caption",
];

pub(super) fn read(bytes: &[u8]) -> String {
    let page = Html::parse_document(&decode(bytes));
    let root = page.root_element();
    match article(root) {
        Some(a) => render(a),
        None => render(root),
    }
}

fn weight(text: &str) -> u32 {
    text.chars()
        .map(|c| {
            if super::is_cjk(c) && !c.is_ascii() && c.is_alphanumeric() {
                3
            } else if c.is_alphanumeric() {
                1
            } else {
                0
            }
        })
        .sum()
}

/// The element holding the article: the highest score (see the module's docs).
fn article<'a>(root: ElementRef<'a>) -> Option<ElementRef<'a>> {
    let mut scores = HashMap::new();
    for node in root.descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        let mut block = None;
        let mut whole = None;
        let mut skip = false;
        for anc in node.ancestors().filter_map(ElementRef::wrap) {
            let name = anc.value().name();
            if name == "a" || SKIP.contains(&name) {
                skip = true;
                break;
            }
            if block.is_none() && BLOCKS.contains(&name) && !PARTS.contains(&name) {
                block = Some(anc);
            }
            // A cell, a row, a list item scores to its table or list as a whole.
            if whole.is_none() && matches!(name, "table" | "ul" | "ol" | "dl") {
                whole = Some(anc);
            }
        }
        let block = whole.or(block);
        let (Some(block), false) = (block, skip) else {
            continue;
        };
        let w = weight(t);
        if w == 0 {
            continue;
        }
        let mut add = |e: ElementRef<'a>, w: u32| {
            scores.entry(e.id()).or_insert((0u32, e)).0 += w;
        };
        add(block, w);
        let parent = block.parent().and_then(ElementRef::wrap);
        if let Some(p) = parent {
            add(p, w);
            if let Some(g) = p.parent().and_then(ElementRef::wrap) {
                add(g, w / 2);
            }
        }
    }
    // The parent of a block of text scores as much as the block: prefer the parent (the
    // whole article, not its longest paragraph) only when it holds more than that block.
    scores
        .into_values()
        .filter(|(_, e)| !matches!(e.value().name(), "html" | "body"))
        .max_by_key(|(s, e)| (*s, std::cmp::Reverse(depth(*e))))
        .map(|(_, e)| e)
}

fn depth(e: ElementRef) -> usize {
    e.ancestors().count()
}

/// The element's text with its line structure: blocks and `<br>` break lines, cells are
/// joined by " | ", runs of white space are one space, each line trimmed.
fn render(e: ElementRef) -> String {
    let mut out = Lines::default();
    walk(e, &mut out);
    out.finish()
}

#[derive(Default)]
struct Lines {
    lines: Vec<String>,
    line: String,
}

impl Lines {
    fn text(&mut self, s: &str) {
        for (i, part) in s.split_whitespace().enumerate() {
            let space = i > 0 || s.starts_with(char::is_whitespace);
            if space && !self.line.is_empty() && !self.line.ends_with(' ') {
                self.line.push(' ');
            }
            self.line.push_str(part);
        }
        if s.ends_with(char::is_whitespace) && !self.line.is_empty() && !self.line.ends_with(' ') {
            self.line.push(' ');
        }
    }

    fn br(&mut self) {
        let line = std::mem::take(&mut self.line);
        let line = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
        if !line.is_empty() {
            self.lines.push(line.to_string());
        }
    }

    fn finish(mut self) -> String {
        self.br();
        self.lines.join("\n")
    }
}

fn walk(e: ElementRef, out: &mut Lines) {
    for child in e.children() {
        match child.value() {
            Node::Text(t) => out.text(t),
            Node::Element(el) => {
                let name = el.name();
                if SKIP.contains(&name) {
                    continue;
                }
                let Some(child) = ElementRef::wrap(child) else {
                    continue;
                };
                match name {
                    "br" => out.br(),
                    "tr" => {
                        out.br();
                        let cells: Vec<String> = child
                            .children()
                            .filter_map(ElementRef::wrap)
                            .filter(|c| matches!(c.value().name(), "td" | "th"))
                            .map(|c| render(c).replace('\n', " "))
                            .collect();
                        let mut cells = cells;
                        while cells.last().is_some_and(String::is_empty) {
                            cells.pop();
                        }
                        out.line = cells.join(" | ");
                        out.br();
                    }
                    n if BLOCKS.contains(&n) => {
                        out.br();
                        walk(child, out);
                        out.br();
                    }
                    _ => walk(child, out),
                }
            }
            _ => {}
        }
    }
}
