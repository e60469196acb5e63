//! A bulletin's annex tables as a workbook, written with rust_xlsxwriter from a
//! [`BulletinView`] (pure: bytes out): a first sheet 总体情况 with the overall figures, then one
//! sheet per annex table (附件1 慢序时项目, 附件2 按序时推进项目, … — the same tables as the
//! DOCX, [`crate::bulletin::annexes`]). Figures are numbers (a value in its own column, its
//! unit in the next), rates are numbers formatted as percentages, so the office can sort and
//! sum them.

use crate::bulletin::{Annex, BulletinView, Cell, annexes};
use minsheng_domain::{Bucket, Status};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

fn err(e: &XlsxError) -> String {
    format!("XLSX: {e}")
}

/// A sheet name: Excel allows 31 characters and none of `[]:*?/\`.
fn sheet_name(a: &Annex) -> String {
    let name: String = format!("{} {}", a.label, a.title)
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '、' } else { c })
        .take(31)
        .collect();
    name
}

fn write_annex(
    sheet: &mut Worksheet,
    a: &Annex,
    bold: &Format,
    pct: &Format,
) -> Result<(), XlsxError> {
    sheet.set_name(sheet_name(a))?;
    // A figure takes two columns: its value, then its unit.
    let split: Vec<bool> = (0..a.headers.len())
        .map(|c| {
            a.rows
                .iter()
                .any(|r| matches!(r.get(c), Some(Cell::Number(_, u)) if !u.is_empty()))
        })
        .collect();
    let mut col = 0u16;
    for (h, s) in a.headers.iter().zip(&split) {
        sheet.write_string_with_format(0, col, *h, bold)?;
        col += 1;
        if *s {
            sheet.write_string_with_format(0, col, "单位", bold)?;
            col += 1;
        }
    }
    for (i, row) in a.rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let mut col = 0u16;
        for (cell, s) in row.iter().zip(&split) {
            match cell {
                Cell::Text(t) => {
                    sheet.write_string(r, col, t)?;
                }
                Cell::Number(d, _) => {
                    sheet.write_number(r, col, d.to_f64().unwrap_or(0.0))?;
                }
                Cell::Percent(d) => {
                    sheet.write_number_with_format(r, col, d.to_f64().unwrap_or(0.0), pct)?;
                }
                Cell::Empty => {}
            }
            col += 1;
            if *s {
                if let Cell::Number(_, u) = cell {
                    sheet.write_string(r, col, u)?;
                }
                col += 1;
            }
        }
    }
    let mut col = 0u16;
    for (w, s) in a.widths.iter().zip(&split) {
        sheet.set_column_width(col, (*w as f64) * 1.6)?;
        col += 1;
        if *s {
            sheet.set_column_width(col, 6)?;
            col += 1;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The bulletin's workbook as bytes.
pub fn write(view: &BulletinView) -> Result<Vec<u8>, String> {
    let b = &view.body;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.0%");
    let o = &b.overall;
    let summary = book.add_worksheet();
    summary.set_name("总体情况").map_err(|e| err(&e))?;
    let mut rows: Vec<(&str, f64, bool)> = vec![
        ("实事(件)", o.items as f64, false),
        ("已完成实事(件)", o.items_done as f64, false),
        (
            "实事完成率",
            o.items_rate().and_then(|d| d.to_f64()).unwrap_or(0.0),
            true,
        ),
        ("指标(项)", o.targets as f64, false),
    ];
    let buckets = Bucket::ALL.map(|k| (k.label_zh(), o.in_bucket(k) as f64, false));
    rows.extend(buckets);
    rows.push(("其中严重滞后", o.count(Status::AtRisk) as f64, false));
    rows.push((
        "平均完成度",
        o.completion.and_then(|d| d.to_f64()).unwrap_or(0.0),
        true,
    ));
    rows.push((
        "序时进度",
        o.expected.and_then(|d| d.to_f64()).unwrap_or(0.0),
        true,
    ));
    let r = &b.reporting;
    rows.extend([
        ("应报送(份)", r.expected as f64, false),
        ("已报送(份)", r.received as f64, false),
        ("按时(份)", r.on_time as f64, false),
        ("逾期(份)", r.late as f64, false),
        ("未报送(份)", r.missing as f64, false),
    ]);
    let title = match view
        .bulletin
        .as_ref()
        .and_then(|x| x.no.map(|n| (n, x.doc_no.clone())))
    {
        Some((n, d)) => format!("{} 第{n}期 {}", b.title_zh(), d.unwrap_or_default()),
        None => format!("{}(草稿)", b.title_zh()),
    };
    (|| -> Result<(), XlsxError> {
        summary.write_string_with_format(0, 0, &title, &bold)?;
        summary.write_string(1, 0, "计划")?;
        summary.write_string(1, 1, &b.plan_title)?;
        summary.write_string(2, 0, "数据截至")?;
        summary.write_string(2, 1, b.as_of_zh())?;
        for (i, (label, v, is_pct)) in rows.iter().enumerate() {
            let row = u32::try_from(i + 4).unwrap_or(u32::MAX);
            summary.write_string(row, 0, *label)?;
            if *is_pct {
                summary.write_number_with_format(row, 1, *v, &pct)?;
            } else {
                summary.write_number(row, 1, *v)?;
            }
        }
        summary.set_column_width(0, 18)?;
        summary.set_column_width(1, 40)?;
        Ok(())
    })()
    .map_err(|e| err(&e))?;
    for a in annexes(b) {
        let sheet = book.add_worksheet();
        write_annex(sheet, &a, &bold, &pct).map_err(|e| err(&e))?;
    }
    book.save_to_buffer().map_err(|e| err(&e))
}
