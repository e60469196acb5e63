//! The Atom 1.0 feed (RFC 4287) of a published plan: an entry each time a target's status
//! changes from one month with accepted data to the next (its first status included), and
//! one per issued bulletin marked public. Nothing is stored for it: the changes are read from
//! the statuses the portal shows month by month, so the feed is the same whenever it is
//! asked for the same data and day.
//!
//! Identifiers are URNs that never change for the same thing: the feed
//! `urn:minsheng:plan:{plan}`, a status change
//! `urn:minsheng:plan:{plan}:target:{target}:status:{month}`, a bulletin
//! `urn:minsheng:bulletin:{bulletin}`. A status change is dated on the last day of its month (or
//! today, for the month under way) in Beijing time, with its new status as its category, a bulletin when it was issued; the feed's
//! `updated` is its newest entry's (today's before any). Links are relative to the feed.

use super::{OpenPlan, completion, number};
use crate::clock::beijing;
use crate::portal;
use jiff::Timestamp;
use jiff::civil::Date;
use minsheng_domain::{Status, TargetKind};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::collections::HashMap;
use std::io;

/// The Atom namespace.
pub const NS: &str = "http://www.w3.org/2005/Atom";

/// One entry, before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its stable id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// When it happened.
    pub updated: Timestamp,
    /// The page that shows it (relative).
    pub link: String,
    /// Its category: the new status's code and the portal's words for it, or `bulletin`.
    pub category: (String, String),
    /// What it says.
    pub summary: String,
}

fn midnight(d: Date) -> Timestamp {
    d.at(0, 0, 0, 0)
        .to_zoned(beijing())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The entries, newest first (status changes of one month in document order).
pub fn entries(open: &OpenPlan) -> Vec<Entry> {
    let plan = open.id();
    let page = open.page_path();
    let mut out = Vec::new();
    let mut last: HashMap<i64, Status> = HashMap::new();
    for p in &open.periods {
        let Some(period) = p.period else { continue };
        let day = period.last_day().min(p.today);
        for c in p.sections.iter().flat_map(|s| &s.commitments) {
            for t in &c.targets {
                let Some(now) = t.status else { continue };
                let before = last.insert(t.id.0, now);
                if before == Some(now) {
                    continue;
                }
                let change = match before {
                    Some(b) => format!("{} → {}", portal::status_zh(b), portal::status_zh(now)),
                    None => portal::status_zh(now).to_string(),
                };
                let figure = match (t.kind, t.value) {
                    (TargetKind::Quantity, Some(v)) => format!(
                        "累计完成{}{}(目标{}{}),",
                        number(v),
                        t.quantity.unit,
                        number(t.quantity.value),
                        t.quantity.unit
                    ),
                    _ => String::new(),
                };
                let pct = t
                    .completion
                    .map(|c| {
                        format!(
                            "完成率{}%,",
                            number(completion(c) * rust_decimal::Decimal::ONE_HUNDRED)
                        )
                    })
                    .unwrap_or_default();
                out.push(Entry {
                    id: format!("urn:minsheng:plan:{plan}:target:{}:status:{period}", t.id),
                    title: format!("第{}项 {}:{change}({})", c.no, t.phrase, period.label_zh()),
                    updated: midnight(day),
                    link: format!("{page}?period={period}"),
                    category: (now.code().into(), portal::status_zh(now).into()),
                    summary: format!(
                        "{}。截至{}{figure}{pct}状态:{}。",
                        c.text.trim_end_matches(['。', ';', ';', '.']),
                        period.label_zh(),
                        portal::status_zh(now)
                    ),
                });
            }
        }
    }
    for b in &open.bulletins {
        let Some((_, at)) = &b.issued else { continue };
        out.push(Entry {
            id: format!("urn:minsheng:bulletin:{}", b.id),
            title: format!("{} {}", b.period.label_zh(), b.name_zh()),
            updated: *at,
            link: format!("/public/bulletins/{}", b.id),
            category: ("bulletin".into(), "进展通报".into()),
            summary: format!("{}进展通报已发布:{}", b.period.label_zh(), b.name_zh()),
        });
    }
    // Newest first; the sort is stable, so one month's changes keep document order.
    out.sort_by_key(|e| std::cmp::Reverse(e.updated));
    out
}

/// The feed as XML bytes.
pub fn write(open: &OpenPlan) -> Result<Vec<u8>, String> {
    build(open).map_err(|e| format!("Atom: {e}"))
}

fn build(open: &OpenPlan) -> io::Result<Vec<u8>> {
    let s = &open.latest.summary;
    let entries = entries(open);
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(|| midnight(open.latest.today));
    let page = open.page_path();
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.create_element("feed")
        .with_attribute(("xmlns", NS))
        .with_attribute(("xml:lang", "zh-CN"))
        .write_inner_content(|w| {
            text(w, "id", &format!("urn:minsheng:plan:{}", s.id))?;
            text(w, "title", &format!("{}:进展状态变化与公开通报", s.title))?;
            text(
                w,
                "subtitle",
                &format!(
                    "{}{}年 · 每项任务状态的变化与公开的进展通报",
                    s.owner, s.year
                ),
            )?;
            text(w, "updated", &updated.to_string())?;
            w.create_element("author")
                .write_inner_content(|w| text(w, "name", &s.owner))?;
            w.create_element("link")
                .with_attribute(("rel", "self"))
                .with_attribute(("type", "application/atom+xml"))
                .with_attribute(("href", format!("{page}/feed.atom").as_str()))
                .write_empty()?;
            w.create_element("link")
                .with_attribute(("rel", "alternate"))
                .with_attribute(("type", "text/html"))
                .with_attribute(("href", page.as_str()))
                .write_empty()?;
            text(w, "generator", "minsheng")?;
            for e in &entries {
                w.create_element("entry").write_inner_content(|w| {
                    text(w, "id", &e.id)?;
                    text(w, "title", &e.title)?;
                    text(w, "updated", &e.updated.to_string())?;
                    w.create_element("link")
                        .with_attribute(("rel", "alternate"))
                        .with_attribute(("type", "text/html"))
                        .with_attribute(("href", e.link.as_str()))
                        .write_empty()?;
                    w.create_element("category")
                        .with_attribute(("term", e.category.0.as_str()))
                        .with_attribute(("label", e.category.1.as_str()))
                        .write_empty()?;
                    text(w, "summary", &e.summary)
                })?;
            }
            Ok(())
        })?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

fn text(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(value))?;
    Ok(())
}
