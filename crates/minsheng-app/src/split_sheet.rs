//! The split sheet (分解表): a target's split over regions as an XLSX file to fill in Excel
//! and upload back.
//!
//! **Layout.** One sheet, 分解表. Row 1 names the target (its phrase, value, and whether it is
//! a count to divide or a level every region is held to); row 2 is the header — A 单位,
//! B 代码, C 任务量(in the target's unit), D 预算(元); from row 3, one row per region that may
//! hold a share, with its quota and budget now.
//!
//! **Reading it back** ([`read`]): every cell is checked before anything is written, and each
//! problem is named by its row and column as Excel shows them ("第3行 C列:…"). A region is
//! known by its name or its code (A or B); a row with no quota holds no share; a quota or a
//! budget is a plain number (Excel's, or text such as "1,200"). The shares are then saved as
//! [`crate::decomposition::assign`] saves any split — the split rule, the units' scope, the
//! budgets — and a refusal of a share is named by that share's row. All or nothing.

use crate::decomposition::{Decomposition, DecompositionView, Share};
use crate::error::{AppError, RowRefusal};
use minsheng_domain::{Accrual, UnitId};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// The sheet's name.
pub const SHEET: &str = "分解表";

/// The first row (1-based, as Excel numbers them) that holds a region.
pub const FIRST_ROW: u32 = 3;

const HEADERS: [&str; 4] = ["单位", "代码", "任务量", "预算(元)"];

fn column(c: u16) -> char {
    char::from(b'A' + u8::try_from(c).unwrap_or(25))
}

fn xlsx_error(e: &dyn std::fmt::Display) -> AppError {
    AppError::Invalid {
        field: "sheet".into(),
        reason: format!("无法生成分解表:{e} / cannot write the split sheet: {e}"),
    }
}

/// The split sheet of `view`'s target, as XLSX bytes.
pub fn write(view: &DecompositionView) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let t = &view.target;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET).map_err(|e| xlsx_error(&e))?;
    let bold = Format::new().set_bold();
    let kind = match t.accrual() {
        Accrual::Cumulative => "数量:各地任务量合计须等于目标",
        Accrual::Level => "比率或标准:各地均须达到,不分摊",
    };
    let title = format!(
        "{}(目标 {}{};{kind})",
        t.phrase,
        t.quantity.value.normalize(),
        t.quantity.unit
    );
    sheet
        .write_string_with_format(0, 0, &title, &bold)
        .map_err(|e| xlsx_error(&e))?;
    for (c, h) in (0u16..).zip(HEADERS) {
        let h = if c == 2 && !t.quantity.unit.is_empty() {
            format!("{h}({})", t.quantity.unit)
        } else {
            h.to_string()
        };
        sheet
            .write_string_with_format(1, c, &h, &bold)
            .map_err(|e| xlsx_error(&e))?;
    }
    sheet.set_column_width(0, 22).map_err(|e| xlsx_error(&e))?;
    sheet.set_column_width(1, 10).map_err(|e| xlsx_error(&e))?;
    sheet.set_column_width(2, 16).map_err(|e| xlsx_error(&e))?;
    sheet.set_column_width(3, 16).map_err(|e| xlsx_error(&e))?;
    for (row, region) in (FIRST_ROW - 1..).zip(&view.regions) {
        sheet
            .write_string(row, 0, &region.name)
            .map_err(|e| xlsx_error(&e))?;
        if let Some(code) = &region.code {
            sheet
                .write_string(row, 1, code)
                .map_err(|e| xlsx_error(&e))?;
        }
        let share = view.shares.iter().find(|s| s.unit == region.id);
        if let Some(q) = share.and_then(|s| s.quota.to_f64()) {
            sheet.write_number(row, 2, q).map_err(|e| xlsx_error(&e))?;
        }
        if let Some(b) = share.and_then(|s| s.budget).and_then(|b| b.to_f64()) {
            sheet.write_number(row, 3, b).map_err(|e| xlsx_error(&e))?;
        }
    }
    book.save_to_buffer().map_err(|e| xlsx_error(&e))
}

/// A refusal of the file as a whole (line 0).
fn whole_file(reason: String) -> AppError {
    AppError::Rows(vec![RowRefusal {
        line: 0,
        field: "文件 / file".into(),
        reason,
    }])
}

/// The first sheet of a workbook (xlsx, xls, ods), or why it cannot be read.
fn first_sheet(bytes: &[u8]) -> Result<calamine::Range<calamine::Data>, AppError> {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec()))
        .map_err(|e| {
            whole_file(format!(
                "无法读取表格:{e} / not a spreadsheet that can be read"
            ))
        })?;
    match book.worksheet_range_at(0) {
        Some(Ok(r)) => Ok(r),
        Some(Err(e)) => Err(whole_file(format!(
            "无法读取工作表:{e} / cannot read the sheet"
        ))),
        None => Err(whole_file(
            "表格中没有工作表 / the file has no sheet".into(),
        )),
    }
}

/// One cell's text as a person would read it; `None` for an empty cell.
fn cell_text(d: &calamine::Data) -> Result<Option<String>, String> {
    use calamine::Data;
    Ok(match d {
        Data::Empty => None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            Some(s.trim().to_string()).filter(|s| !s.is_empty())
        }
        Data::Int(i) => Some(i.to_string()),
        // The shortest text that reads back as the same f64: what was typed.
        Data::Float(f) => Some(f.to_string()),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTime(dt) => {
            return Err(format!(
                "是日期或时间({}),应为数值 / is a date or time, not a number",
                dt.as_f64()
            ));
        }
        Data::Error(e) => return Err(format!("单元格有错误({e}) / the cell holds an error")),
    })
}

/// A plain number ("1200", "1,200", "0.5"), refusing anything else.
fn number(s: &str) -> Result<Decimal, String> {
    let plain: String = s
        .chars()
        .filter(|c| !matches!(c, ',' | '\u{FF0C}'))
        .collect();
    minsheng_domain::quantity::read_plain_decimal(plain.trim())
        .map_err(|e| e.to_string())
        .and_then(|d| {
            if d.is_sign_negative() {
                Err(format!("不能为负数({s}) / cannot be negative ({s})"))
            } else {
                Ok(d)
            }
        })
}

/// Reads a column of weights to split `view`'s target by (按上传的权重分解: households to
/// renovate, schools, anything the office has by region): the first sheet's rows with a region
/// of the view in column A and a number in column B. Rows whose column A names no region and
/// whose column B holds no number are headings and notes, and skipped; a region named twice, a
/// name that is no region of the target with a number beside it, or a cell that is not a
/// non-negative number is refused by row and column, and nothing is proposed. Fractions keep
/// their proportions (weights are scaled to whole numbers by the finest of them).
pub fn read_weights(
    view: &DecompositionView,
    bytes: &[u8],
) -> Result<Vec<(minsheng_domain::UnitId, u64)>, AppError> {
    let range = first_sheet(bytes)?;
    let (first, _) = range.start().unwrap_or((0, 0));
    let (last, _) = range.end().unwrap_or((0, 0));
    let mut refusals = Vec::new();
    let mut found: Vec<(minsheng_domain::UnitId, Decimal, usize)> = Vec::new();
    for r in first..=last {
        let line = r as usize + 1;
        let cell = |c: u32| range.get_value((r, c)).cloned().unwrap_or_default();
        let name = match cell_text(&cell(0)) {
            Ok(n) => n,
            Err(e) => {
                refusals.push(RowRefusal {
                    line,
                    field: "A列".into(),
                    reason: e,
                });
                continue;
            }
        };
        let value = match cell_text(&cell(1)) {
            Ok(v) => v,
            Err(e) => {
                refusals.push(RowRefusal {
                    line,
                    field: "B列".into(),
                    reason: e,
                });
                continue;
            }
        };
        let region = name
            .as_deref()
            .and_then(|n| view.regions.iter().find(|u| u.name == n));
        let number = value.as_deref().map(number);
        match (region, number) {
            // A heading, a note, an empty row.
            (None, None) | (None, Some(Err(_))) => {}
            (None, Some(Ok(_))) => refusals.push(RowRefusal {
                line,
                field: "A列".into(),
                reason: format!(
                    "“{}”不是本目标可分解到的地区 / '{}' is not a region this target can go to",
                    name.clone().unwrap_or_default(),
                    name.unwrap_or_default()
                ),
            }),
            (Some(u), None) => refusals.push(RowRefusal {
                line,
                field: "B列".into(),
                reason: format!("{}没有填写权重 / no weight for {}", u.name, u.name),
            }),
            (Some(_), Some(Err(e))) => refusals.push(RowRefusal {
                line,
                field: "B列".into(),
                reason: e,
            }),
            (Some(u), Some(Ok(v))) => {
                if let Some((_, _, at)) = found.iter().find(|(id, _, _)| *id == u.id) {
                    refusals.push(RowRefusal {
                        line,
                        field: "A列".into(),
                        reason: format!(
                            "{}已在第{at}行出现 / {} is already on line {at}",
                            u.name, u.name
                        ),
                    });
                } else {
                    found.push((u.id, v, line));
                }
            }
        }
    }
    if !refusals.is_empty() {
        return Err(AppError::Rows(refusals));
    }
    if found.is_empty() {
        return Err(whole_file(
            "表格中没有找到地区名称(A列)和权重(B列) / no region names (column A) with weights (column B) were found"
                .into(),
        ));
    }
    let places = found
        .iter()
        .map(|(_, v, _)| v.normalize().scale())
        .max()
        .unwrap_or(0)
        .min(6);
    let scale = Decimal::from(10u64.pow(places));
    found
        .into_iter()
        .map(|(u, v, line)| {
            v.checked_mul(scale)
                .and_then(|w| w.trunc().to_string().parse::<u64>().ok())
                .map(|w| (u, w))
                .ok_or_else(|| {
                    AppError::Rows(vec![RowRefusal {
                        line,
                        field: "B列".into(),
                        reason: "权重过大 / the weight is too large".into(),
                    }])
                })
        })
        .collect()
}

/// Reads a filled split sheet for `view`'s target into a decomposition that keeps its lead,
/// partners and lead budget: every cell checked, every problem named by row and column. A
/// sheet with any problem is refused as a whole ([`AppError::Rows`]); so is one that the
/// split rule refuses ([`save`] names the row).
pub fn read(view: &DecompositionView, bytes: &[u8]) -> Result<(Vec<Share>, Vec<u32>), AppError> {
    let range = first_sheet(bytes)?;
    let mut refusals = Vec::new();
    let mut shares: Vec<Share> = Vec::new();
    let mut lines: Vec<u32> = Vec::new();
    let last = range.end().map_or(0, |(r, _)| r);
    let last_col = range.end().map_or(0, |(_, c)| c);
    if last_col > 3 {
        // Anything right of D is not ours to guess at.
        for r in FIRST_ROW - 1..=last {
            for c in 4..=last_col {
                if range
                    .get_value((r, c))
                    .is_some_and(|d| !matches!(d, calamine::Data::Empty))
                {
                    refusals.push(RowRefusal {
                        line: r as usize + 1,
                        field: format!("{}列", column(c as u16)),
                        reason:
                            "分解表只有A至D四列,此处不应填写 / the sheet has columns A to D only"
                                .into(),
                    });
                }
            }
        }
    }
    for r in FIRST_ROW - 1..=last {
        let line = r + 1;
        let mut refuse = |col: u16, reason: String| {
            refusals.push(RowRefusal {
                line: line as usize,
                field: format!("{}列", column(col)),
                reason,
            })
        };
        let mut cells: [Option<String>; 4] = Default::default();
        for (c, cell) in cells.iter_mut().enumerate() {
            let data = range.get_value((r, c as u32)).cloned().unwrap_or_default();
            match cell_text(&data) {
                Ok(t) => *cell = t,
                Err(e) => refuse(c as u16, e),
            }
        }
        if cells.iter().all(Option::is_none) {
            continue;
        }
        let unit: Option<UnitId> = match (&cells[0], &cells[1]) {
            (None, None) => {
                refuse(
                    0,
                    "缺少单位名称或代码 / the unit's name or code is missing".into(),
                );
                None
            }
            (name, code) => {
                let found = view.regions.iter().find(|u| {
                    code.as_ref()
                        .is_some_and(|c| u.code.as_deref() == Some(c.as_str()))
                        || name.as_ref().is_some_and(|n| &u.name == n)
                });
                match found {
                    Some(u) => Some(u.id),
                    None => {
                        let shown = name.clone().or_else(|| code.clone()).unwrap_or_default();
                        refuse(
                            if name.is_some() { 0 } else { 1 },
                            format!(
                                "“{shown}”不是本计划可分解到的地区 / '{shown}' is not a region this plan's target can be split over"
                            ),
                        );
                        None
                    }
                }
            }
        };
        let quota = match &cells[2] {
            None => None,
            Some(s) => match number(s) {
                Ok(q) => Some(q),
                Err(e) => {
                    refuse(2, e);
                    None
                }
            },
        };
        let budget = match &cells[3] {
            None => None,
            Some(s) => match number(s) {
                Ok(b) => Some(b),
                Err(e) => {
                    refuse(3, e);
                    None
                }
            },
        };
        if cells[2].is_none() && cells[3].is_some() {
            refuse(
                2,
                "填写了预算却没有任务量 / a budget without a quota".into(),
            );
        }
        if let (Some(unit), Some(quota)) = (unit, quota) {
            if let Some(i) = shares.iter().position(|s| s.unit == unit) {
                refuse(
                    0,
                    format!(
                        "与第{}行是同一地区 / the same region as row {}",
                        lines[i], lines[i]
                    ),
                );
            } else {
                shares.push(Share {
                    unit,
                    quota,
                    budget,
                });
                lines.push(line);
            }
        }
    }
    if refusals.is_empty() && shares.is_empty() {
        refusals.push(RowRefusal {
            line: FIRST_ROW as usize,
            field: "C列".into(),
            reason: "没有填写任何任务量 / no quota is filled in".into(),
        });
    }
    if refusals.is_empty() {
        Ok((shares, lines))
    } else {
        refusals.sort();
        Err(AppError::Rows(refusals))
    }
}

/// Saves the shares read from a sheet with the target's lead, partners and lead budget kept
/// (a lead is needed first): a refusal of one share is named by its row and column.
pub async fn save(
    store: &minsheng_store::Store,
    account: &minsheng_domain::Account,
    view: &DecompositionView,
    lead: UnitId,
    shares: Vec<Share>,
    lines: &[u32],
) -> Result<(), AppError> {
    let d = Decomposition {
        target: view.target.id,
        lead,
        partners: view.partners.clone(),
        shares,
        lead_budget: view.lead.and_then(|(_, b)| b),
        accrual: None,
    };
    match crate::decomposition::assign_as(store, account, &d).await {
        Ok(_) => Ok(()),
        Err(AppError::Invalid { field, reason }) => {
            let at = |rest: &str| -> Option<(usize, String)> {
                let i: usize = field
                    .strip_prefix("shares[")?
                    .strip_suffix(rest)?
                    .parse()
                    .ok()?;
                Some((i, rest.to_string()))
            };
            let located = at("].quota")
                .map(|(i, _)| (i, "C列"))
                .or_else(|| at("].unit").map(|(i, _)| (i, "A列")))
                .or_else(|| at("].budget").map(|(i, _)| (i, "D列")));
            let refusal = match located {
                Some((i, col)) => RowRefusal {
                    line: lines.get(i).map_or(0, |l| *l as usize),
                    field: col.into(),
                    reason,
                },
                None if field == "quota" => RowRefusal {
                    line: 0,
                    field: "C列(合计) / column C (sum)".into(),
                    reason,
                },
                None => RowRefusal {
                    line: 0,
                    field,
                    reason,
                },
            };
            Err(AppError::Rows(vec![refusal]))
        }
        Err(e) => Err(e),
    }
}
