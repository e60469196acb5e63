//! IATI activity XML, version 2.03 (<https://iatistandard.org/en/iati-standard/203/>): the
//! plan as one `iati-activity` whose results are its targets.
//!
//! - `iati-identifier`: `{reporting-org ref}-{plan id}`; `reporting-org` is the plan's owner,
//!   type 10 (government), its `@ref` [`org_ref`] — a local identifier (`CN-MINSHENG-` and
//!   the owner's name), not one registered with org-id.guide, which an office that publishes
//!   to the IATI registry replaces by its own;
//! - `title` and `description` as narratives in Chinese (`xml:lang="zh"`, the activity's
//!   default language);
//! - `participating-org`: the owner (role 2, accountable) and each responsible unit the
//!   document names (role 4, implementing);
//! - `activity-status` 2 (implementation) until the plan's year is over, 3 (finalisation)
//!   after; `activity-date` 1 and 3, the plan's planned start (1 January) and end (its
//!   latest deadline);
//! - per target a `result` (type 1, output) titled by its item, with one `indicator`:
//!   `@measure` 1 (unit) for a count or any other measure, 2 (percentage) for a rate in %,
//!   5 (qualitative) for a qualitative item; `@ascending` 1 for `ge` (at least), 0 for `le`
//!   (at most), absent for `approx` / `eq`; a `baseline` only where one is known (a plan's
//!   targets have none today); one `period` from the plan's start to the target's deadline,
//!   its `target` the promised value and its `actual` the accepted value at the latest month
//!   with data, each followed by the regional shares as further `target`/`actual` elements
//!   with a `dimension` 地区 (the IATI way to disaggregate). Values are decimals as text, six
//!   places at most ([`super::number`]).

use super::{OpenPlan, number};
use crate::portal::{self, PublicTarget};
use minsheng_domain::{Cmp, Period, TargetKind};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::io;

/// The IATI standard version written.
pub const VERSION: &str = "2.03";

/// The reporting organisation's `@ref`: a local identifier made from the owner's name (see
/// the module docs).
pub fn org_ref(owner: &str) -> String {
    format!("CN-MINSHENG-{owner}")
}

/// `@measure` of a target's indicator: 1 unit, 2 percentage, 5 qualitative.
pub fn measure(t: &PublicTarget) -> &'static str {
    match t.kind {
        TargetKind::Stage => "5",
        TargetKind::Quantity if t.quantity.unit.trim() == "%" => "2",
        TargetKind::Quantity => "1",
    }
}

/// `@ascending` of a target's indicator: whether more is better, where the comparison says.
pub fn ascending(cmp: Cmp) -> Option<&'static str> {
    match cmp {
        Cmp::Ge => Some("1"),
        Cmp::Le => Some("0"),
        Cmp::Approx | Cmp::Eq => None,
    }
}

/// The activity as XML bytes.
pub fn write(open: &OpenPlan) -> Result<Vec<u8>, String> {
    build(open).map_err(|e| format!("IATI: {e}"))
}

type W = Writer<Vec<u8>>;

fn narrative(w: &mut W, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name).write_inner_content(|w| {
        w.create_element("narrative")
            .write_text_content(BytesText::new(value))?;
        Ok(())
    })?;
    Ok(())
}

fn build(open: &OpenPlan) -> io::Result<Vec<u8>> {
    let s = &open.latest.summary;
    let today = open.latest.today;
    let org = org_ref(&s.owner);
    let start = jiff::civil::Date::new(s.year, 1, 1).unwrap_or(today);
    let targets: Vec<(&str, &PublicTarget)> = open
        .sections()
        .iter()
        .flat_map(|x| &x.commitments)
        .flat_map(|c| c.targets.iter().map(move |t| (c.text.as_str(), t)))
        .collect();
    let end = targets
        .iter()
        .map(|(_, t)| t.deadline)
        .max()
        .unwrap_or_else(|| jiff::civil::Date::new(s.year, 12, 31).unwrap_or(today));
    let mut leads: Vec<&str> = Vec::new();
    for c in open.sections().iter().flat_map(|x| &x.commitments) {
        for l in &c.leads {
            if !leads.contains(&l.as_str()) && *l != s.owner {
                leads.push(l);
            }
        }
    }
    let as_of: Option<Period> = open.latest.period;
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("iati-activities")
        .with_attribute(("version", VERSION))
        .write_inner_content(|w| {
            w.create_element("iati-activity")
                .with_attribute(("xml:lang", "zh"))
                .with_attribute(("default-currency", "CNY"))
                .write_inner_content(|w| {
                    w.create_element("iati-identifier")
                        .write_text_content(BytesText::new(&format!("{org}-{}", s.id)))?;
                    w.create_element("reporting-org")
                        .with_attribute(("ref", org.as_str()))
                        .with_attribute(("type", "10"))
                        .write_inner_content(|w| {
                            w.create_element("narrative")
                                .write_text_content(BytesText::new(&s.owner))?;
                            Ok(())
                        })?;
                    narrative(w, "title", &s.title)?;
                    let n = targets.len();
                    let period = as_of
                        .map(|p| format!(",进展截至{}", p.label_zh()))
                        .unwrap_or_default();
                    narrative(
                        w,
                        "description",
                        &format!(
                            "{}({},{}年):{n}项目标{period}。数据来自公开进度页面 {}。",
                            s.title,
                            s.owner,
                            s.year,
                            open.page_path()
                        ),
                    )?;
                    w.create_element("participating-org")
                        .with_attribute(("role", "2"))
                        .with_attribute(("type", "10"))
                        .with_attribute(("ref", org.as_str()))
                        .write_inner_content(|w| {
                            w.create_element("narrative")
                                .write_text_content(BytesText::new(&s.owner))?;
                            Ok(())
                        })?;
                    for l in &leads {
                        w.create_element("participating-org")
                            .with_attribute(("role", "4"))
                            .with_attribute(("type", "10"))
                            .write_inner_content(|w| {
                                w.create_element("narrative")
                                    .write_text_content(BytesText::new(l))?;
                                Ok(())
                            })?;
                    }
                    let year_over = today > jiff::civil::Date::new(s.year, 12, 31).unwrap_or(today);
                    w.create_element("activity-status")
                        .with_attribute(("code", if year_over { "3" } else { "2" }))
                        .write_empty()?;
                    w.create_element("activity-date")
                        .with_attribute(("type", "1"))
                        .with_attribute(("iso-date", start.to_string().as_str()))
                        .write_empty()?;
                    w.create_element("activity-date")
                        .with_attribute(("type", "3"))
                        .with_attribute(("iso-date", end.to_string().as_str()))
                        .write_empty()?;
                    for (item, t) in &targets {
                        result(w, item, t, start, as_of)?;
                    }
                    Ok(())
                })?;
            Ok(())
        })?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

fn result(
    w: &mut W,
    item: &str,
    t: &PublicTarget,
    start: jiff::civil::Date,
    as_of: Option<Period>,
) -> io::Result<()> {
    let quantity = t.kind == TargetKind::Quantity;
    w.create_element("result")
        .with_attribute(("type", "1"))
        .write_inner_content(|w| {
            narrative(w, "title", item)?;
            let ind = w
                .create_element("indicator")
                .with_attribute(("measure", measure(t)));
            let ind = match ascending(t.cmp) {
                Some(a) => ind.with_attribute(("ascending", a)),
                None => ind,
            };
            ind.write_inner_content(|w| {
                narrative(w, "title", &t.phrase)?;
                if quantity && !t.quantity.unit.is_empty() && measure(t) == "1" {
                    narrative(w, "description", &format!("单位:{}", t.quantity.unit))?;
                }
                // A period must start before it ends; a deadline before the plan's start
                // (never written by the editor) is given the plan's start.
                let end = t.deadline.max(start);
                w.create_element("period").write_inner_content(|w| {
                    w.create_element("period-start")
                        .with_attribute(("iso-date", start.to_string().as_str()))
                        .write_empty()?;
                    w.create_element("period-end")
                        .with_attribute(("iso-date", end.to_string().as_str()))
                        .write_empty()?;
                    let target = w.create_element("target");
                    let target = if quantity {
                        target.with_attribute(("value", number(t.quantity.value).as_str()))
                    } else {
                        target
                    };
                    target.write_inner_content(|w| {
                        let phrase = format!("{}({})", t.phrase, t.cmp.label_zh());
                        w.create_element("comment").write_inner_content(|w| {
                            w.create_element("narrative")
                                .write_text_content(BytesText::new(&phrase))?;
                            Ok(())
                        })?;
                        Ok(())
                    })?;
                    for r in &t.regions {
                        let e = w.create_element("target");
                        let e = match r.quota.filter(|_| quantity) {
                            Some(q) => e.with_attribute(("value", number(q).as_str())),
                            None => e,
                        };
                        e.write_inner_content(|w| dimension(w, &r.region))?;
                    }
                    if let Some(p) = as_of {
                        let status = t.status.map(portal::status_zh).unwrap_or("—");
                        let note = format!("截至{}:{status}", p.label_zh());
                        let e = w.create_element("actual");
                        let e = match t.value.filter(|_| quantity) {
                            Some(v) => e.with_attribute(("value", number(v).as_str())),
                            None => e,
                        };
                        e.write_inner_content(|w| {
                            w.create_element("comment").write_inner_content(|w| {
                                w.create_element("narrative")
                                    .write_text_content(BytesText::new(&note))?;
                                Ok(())
                            })?;
                            Ok(())
                        })?;
                        for r in &t.regions {
                            let e = w.create_element("actual");
                            let e = if quantity {
                                e.with_attribute(("value", number(r.value).as_str()))
                            } else {
                                e
                            };
                            e.write_inner_content(|w| {
                                dimension(w, &r.region)?;
                                let note = format!("{}:{}", r.region, portal::status_zh(r.status));
                                w.create_element("comment").write_inner_content(|w| {
                                    w.create_element("narrative")
                                        .write_text_content(BytesText::new(&note))?;
                                    Ok(())
                                })?;
                                Ok(())
                            })?;
                        }
                    }
                    Ok(())
                })?;
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(())
}

fn dimension(w: &mut W, region: &str) -> io::Result<()> {
    w.create_element("dimension")
        .with_attribute(("name", "地区"))
        .with_attribute(("value", region))
        .write_empty()?;
    Ok(())
}
