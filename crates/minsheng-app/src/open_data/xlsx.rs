//! The XLSX export: [`super::table`] as one sheet 承诺进度, numbers as numbers (completion
//! formatted as a percentage), the header frozen, so the office can sort and filter it. Its
//! creation date is the day the figures are for, not the clock's, so the same data and day give
//! the same bytes (the route and the command agree to the byte).

use super::OpenPlan;
use super::table::{COLUMNS, Cell, rows};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

/// The sheet's name.
pub const SHEET: &str = "承诺进度";

/// The plan's table as XLSX bytes.
pub fn write(open: &OpenPlan) -> Result<Vec<u8>, String> {
    build(open).map_err(|e| format!("XLSX: {e}"))
}

fn build(open: &OpenPlan) -> Result<Vec<u8>, XlsxError> {
    let completion = COLUMNS
        .iter()
        .position(|c| c.ends_with("/completion"))
        .unwrap_or(usize::MAX);
    let mut book = Workbook::new();
    let day = open.latest.today;
    let created = ExcelDateTime::from_ymd(
        u16::try_from(day.year()).unwrap_or(1900),
        u8::try_from(day.month()).unwrap_or(1),
        u8::try_from(day.day()).unwrap_or(1),
    )?;
    book.set_properties(
        &DocProperties::new()
            .set_title(&open.latest.summary.title)
            .set_author(&open.latest.summary.owner)
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.0%");
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET)?;
    for (c, h) in (0u16..).zip(COLUMNS) {
        sheet.write_string_with_format(0, c, h, &bold)?;
    }
    for (r, row) in (1u32..).zip(rows(open)) {
        for (c, cell) in (0u16..).zip(row.iter()) {
            match cell {
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => {
                    sheet.write_string(r, c, s)?;
                }
                Cell::Number(d) => {
                    let x = super::rounded(*d).to_f64().unwrap_or(0.0);
                    if usize::from(c) == completion {
                        sheet.write_number_with_format(r, c, x, &pct)?;
                    } else {
                        sheet.write_number(r, c, x)?;
                    }
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_column_width(4, 40)?;
    sheet.set_column_width(6, 30)?;
    book.save_to_buffer()
}
