//! An assessment's scores as a workbook, written with rust_xlsxwriter from an
//! [`AssessmentView`] (pure: bytes out): 考核排名 (one row per unit: place, name, total and
//! one column per rule), 得分明细 (one row per line: the unit, the rule, the figure that
//! produced the points, the points) and 月度得分 (each month's score per unit). Points are
//! numbers, so the office can sort and sum them.

use crate::scoring::{AssessmentView, Scores};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

fn num(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn row(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn ranking(
    sheet: &mut Worksheet,
    v: &AssessmentView,
    s: &Scores,
    bold: &Format,
) -> Result<(), XlsxError> {
    sheet.set_name("考核排名")?;
    let title = format!(
        "{} {}年度考核({})",
        v.plan.title,
        v.year,
        v.status().label_zh()
    );
    sheet.write_string_with_format(0, 0, &title, bold)?;
    sheet.write_string(1, 0, format!("依据通报月份:{}", s.months.join("、")))?;
    let mut headers = vec!["名次".to_string(), "单位".into(), "总分".into()];
    headers.extend(s.columns.iter().map(|c| c.name.clone()));
    for (i, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(3, col(i), h, bold)?;
    }
    for (i, u) in s.units.iter().enumerate() {
        let r = row(i + 4);
        sheet.write_number(r, 0, u.rank as f64)?;
        sheet.write_string(r, 1, &u.name)?;
        sheet.write_number(r, 2, num(u.total))?;
        for (j, c) in s.columns.iter().enumerate() {
            sheet.write_number(r, col(j + 3), num(u.points_of(&c.id)))?;
        }
    }
    sheet.set_column_width(1, 24)?;
    sheet.set_freeze_panes(4, 2)?;
    Ok(())
}

fn breakdown(sheet: &mut Worksheet, s: &Scores, bold: &Format) -> Result<(), XlsxError> {
    sheet.set_name("得分明细")?;
    for (i, h) in ["单位", "名次", "规则编号", "规则", "依据", "得分"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(0, col(i), *h, bold)?;
    }
    let mut r = 1;
    for u in &s.units {
        for l in &u.lines {
            sheet.write_string(r, 0, &u.name)?;
            sheet.write_number(r, 1, u.rank as f64)?;
            sheet.write_string(r, 2, &l.rule)?;
            sheet.write_string(r, 3, &l.name)?;
            sheet.write_string(r, 4, &l.figure_zh)?;
            sheet.write_number(r, 5, num(l.points))?;
            r += 1;
        }
    }
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(3, 16)?;
    sheet.set_column_width(4, 48)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn monthly(sheet: &mut Worksheet, v: &AssessmentView, bold: &Format) -> Result<(), XlsxError> {
    sheet.set_name("月度得分")?;
    for (i, h) in ["月份", "通报", "名次", "单位", "得分"].iter().enumerate() {
        sheet.write_string_with_format(0, col(i), *h, bold)?;
    }
    let mut r = 1;
    for m in &v.months {
        for u in &m.scores.units {
            sheet.write_string(r, 0, m.period.to_string())?;
            sheet.write_string(r, 1, &m.bulletin)?;
            sheet.write_number(r, 2, u.rank as f64)?;
            sheet.write_string(r, 3, &u.name)?;
            sheet.write_number(r, 4, num(u.total))?;
            r += 1;
        }
    }
    sheet.set_column_width(1, 30)?;
    sheet.set_column_width(3, 24)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The assessment's workbook as bytes; an assessment with no rules yet has nothing to write.
pub fn write(v: &AssessmentView) -> Result<Vec<u8>, String> {
    let s = v.scores.as_ref().ok_or_else(|| {
        "尚未制定考核细则,没有得分可导出 / no scoring rules yet: there are no scores to write"
            .to_string()
    })?;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    (|| -> Result<(), XlsxError> {
        ranking(book.add_worksheet(), v, s, &bold)?;
        breakdown(book.add_worksheet(), s, &bold)?;
        monthly(book.add_worksheet(), v, &bold)?;
        Ok(())
    })()
    .map_err(|e| format!("XLSX: {e}"))?;
    book.save_to_buffer().map_err(|e| format!("XLSX: {e}"))
}
