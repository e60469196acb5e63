//! The CSV export: [`super::table`] as RFC 4180 CSV (quoted where a field needs it, CRLF
//! line ends), UTF-8 with a byte-order mark so that Excel opens the Chinese right.

use super::OpenPlan;
use super::table::{COLUMNS, rows};

/// The byte-order mark Excel needs to read a CSV file as UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The plan's table as CSV bytes.
pub fn write(open: &OpenPlan) -> Result<Vec<u8>, String> {
    let err = |e: ::csv::Error| format!("CSV: {e}");
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    w.write_record(COLUMNS).map_err(err)?;
    for row in rows(open) {
        w.write_record(row.iter().map(|c| c.text())).map_err(err)?;
    }
    w.into_inner().map_err(|e| format!("CSV: {}", e.error()))
}
