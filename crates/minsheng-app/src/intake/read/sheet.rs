//! Plan lists in spreadsheets (XLSX, XLS, ODS through calamine) and CSV (the csv crate): one
//! row a line, " | " between cells, the header row kept, empty rows and trailing empty cells
//! left out. A cell merged down over several rows (序号 or 牵头单位 shared by the rows of one
//! item) is carried down into each row, as the eye reads it; a cell merged across (a title
//! over the whole table) stays one cell.

use super::{Format, ReadError};
use calamine::{Data, Reader};
use std::io::Cursor;

pub(super) fn read(bytes: &[u8], format: Format) -> Result<String, ReadError> {
    let damaged = |e: &dyn std::fmt::Display| ReadError::Damaged {
        format: format.label(),
        detail: e.to_string(),
    };
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        let text = e.to_string();
        if text.to_lowercase().contains("password") || text.contains("ncrypt") {
            ReadError::Encrypted {
                format: format.label(),
            }
        } else {
            damaged(&e)
        }
    })?;
    let names = book.sheet_names();
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let range = match book.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => return Err(damaged(&e)),
        };
        let merged = merged(&mut book, &name);
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut grid: Vec<Vec<String>> = range
            .rows()
            .map(|row| row.iter().map(cell).collect())
            .collect();
        for m in merged {
            // Down only: rows below the first take the first row's value.
            let (top, left) = m.start;
            let (bottom, _) = m.end;
            let (Some(tr), Some(lc)) = (top.checked_sub(r0), left.checked_sub(c0)) else {
                continue;
            };
            let value = grid
                .get(tr as usize)
                .and_then(|r| r.get(lc as usize))
                .cloned()
                .unwrap_or_default();
            for r in (top + 1)..=bottom.min(top.saturating_add(100_000)) {
                let Some(row) = r.checked_sub(r0).and_then(|r| grid.get_mut(r as usize)) else {
                    break;
                };
                if let Some(c) = row.get_mut(lc as usize)
                    && c.is_empty()
                {
                    c.clone_from(&value);
                }
            }
        }
        let lines: Vec<String> = grid.into_iter().filter_map(row_line).collect();
        if lines.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(lines);
    }
    Ok(out.join("\n"))
}

fn merged<RS: std::io::Read + std::io::Seek>(
    book: &mut calamine::Sheets<RS>,
    name: &str,
) -> Vec<calamine::Dimensions> {
    match book {
        calamine::Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        calamine::Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn row_line(mut row: Vec<String>) -> Option<String> {
    while row.last().is_some_and(String::is_empty) {
        row.pop();
    }
    (!row.is_empty()).then(|| row.join(" | "))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn cell(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => one_line(s),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) => {
            // Excel's serial day (1 = 1900-01-01, with its 1900 leap-year bug): 1899-12-30.
            let days = dt.as_f64().floor() as i64;
            jiff::civil::date(1899, 12, 30)
                .checked_add(jiff::Span::new().days(days))
                .map(|d| d.to_string())
                .unwrap_or_else(|_| dt.as_f64().to_string())
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

/// Rows of a CSV (or tab-separated) text, when the text is one: by its name (`.csv`,
/// `.tsv`), or by its content — three rows or more, every one with the same number (two or
/// more) of fields. `None` for prose.
pub(super) fn csv_rows(text: &str, name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    let named = lower.ends_with(".csv") || lower.ends_with(".tsv");
    let first = text.lines().find(|l| !l.trim().is_empty())?;
    let delimiter = if first.matches('\t').count() > first.matches(',').count() {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for record in reader.records() {
        let record = record.ok()?;
        rows.push(record.iter().map(one_line).collect());
    }
    let widths: Vec<usize> = rows
        .iter()
        .filter(|r| r.iter().any(|c| !c.is_empty()))
        .map(Vec::len)
        .collect();
    let regular = widths.len() >= 3 && widths[0] >= 2 && widths.iter().all(|w| *w == widths[0]);
    if !(named || regular) {
        return None;
    }
    let lines: Vec<String> = rows.into_iter().filter_map(row_line).collect();
    Some(lines.join("\n"))
}
