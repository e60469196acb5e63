//! Reading the files offices hold — Word, PDF, web pages, spreadsheets, plain text — into the
//! text the extractor reads: [`read_document`], one entry, the format told by the bytes
//! themselves (never by the file's name alone), one module per format.
//!
//! Every reader gives lines as the document shows them: a paragraph a line, numbering that
//! Word generates written out as it renders ("一、", "（一）", "1."), a table row a line with
//! " | " between its cells. What is not the document's text — Word's headers and footers, a
//! PDF's running headers and page numbers, a web page's navigation and footer — is left out.
//!
//! **Bad input is refused before it is read** ([`ReadError`], each naming the problem and
//! what to do): a file over [`MAX_FILE_BYTES`]; a ZIP (DOCX, XLSX) whose entries would
//! inflate past [`MAX_UNZIPPED_BYTES`] or number more than [`MAX_ZIP_ENTRIES`] (a zip bomb),
//! counted by inflating it, not by believing its directory; an encrypted file; a PDF with no
//! text layer (a scan); an old binary Word file; anything else. No reader panics (each is
//! fuzzed with arbitrary and mutated bytes).
//!
//! All readers but PDF are pure (bytes in, text out). The PDF reader runs poppler's
//! `pdftotext -bbox-layout` (Debian `poppler-utils`) as a process and reads the words'
//! positions it prints: that is why the readers live here, in the app, and not in the pure
//! extractor, which stays free of ZIP, XML and PDF.

mod docx;
mod html;
mod pdf;
mod sheet;

use std::io::{Cursor, Read};

/// The largest file read, in bytes (a provincial plan as PDF is a few hundred KB).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The most a DOCX or XLSX may inflate to, all its entries together.
pub const MAX_UNZIPPED_BYTES: u64 = 100 * 1024 * 1024;
/// The most entries a DOCX or XLSX may hold.
pub const MAX_ZIP_ENTRIES: usize = 2_000;

/// What kind of file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text (UTF-8, UTF-16 with a byte-order mark, GB18030).
    Text,
    /// Comma- or tab-separated values.
    Csv,
    /// Word 2007 and later.
    Docx,
    /// PDF with a text layer.
    Pdf,
    /// A web page.
    Html,
    /// Excel 2007 and later.
    Xlsx,
    /// Excel 97–2003.
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
}

impl Format {
    /// The media type the file is kept and served with.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; charset=utf-8",
            Format::Csv => "text/csv",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pdf => "application/pdf",
            Format::Html => "text/html",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Xls => "application/vnd.ms-excel",
            Format::Ods => "application/vnd.oasis.opendocument.spreadsheet",
        }
    }

    /// The format's name as people call it.
    pub fn label(self) -> &'static str {
        match self {
            Format::Text => "TXT",
            Format::Csv => "CSV",
            Format::Docx => "DOCX",
            Format::Pdf => "PDF",
            Format::Html => "HTML",
            Format::Xlsx => "XLSX",
            Format::Xls => "XLS",
            Format::Ods => "ODS",
        }
    }
}

/// A document read: its text, as the extractor reads it, and what it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadDocument {
    /// The text, LF line breaks.
    pub text: String,
    /// What the file was.
    pub format: Format,
}

/// Why a file could not be read. Each names the problem and what to do; nothing is saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The file is empty.
    #[error("文件是空的 / the file is empty")]
    Empty,
    /// The file is larger than [`MAX_FILE_BYTES`].
    #[error(
        "文件有 {size} 字节,超过上限 {limit} 字节(20 MB),请拆分或另存为较小的文件 / the file is {size} bytes, over the limit of {limit} bytes (20 MB); split it or save a smaller file"
    )]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A ZIP that inflates past the limits: a zip bomb, or not a real office file.
    #[error(
        "{format} 文件解压后超过 {limit_mb} MB 或多于 {entries} 个部件,疑为压缩炸弹,未读取;请用 Office 重新另存后上传 / the {format} file inflates past {limit_mb} MB or holds more than {entries} parts (a zip bomb?); it was not read: save it again from Office and upload that"
    )]
    ZipBomb {
        /// DOCX or XLSX.
        format: &'static str,
        /// [`MAX_UNZIPPED_BYTES`] in MB.
        limit_mb: u64,
        /// [`MAX_ZIP_ENTRIES`].
        entries: usize,
    },
    /// The file is protected by a password.
    #[error(
        "{format} 文件已加密(设有打开密码),无法读取;请去掉密码后另存再上传 / the {format} file is encrypted (it has a password); remove the password, save it and upload that"
    )]
    Encrypted {
        /// What it is.
        format: &'static str,
    },
    /// A PDF without a text layer.
    #[error(
        "此 PDF 只有文字的图像(扫描件),没有可读取的文字,请先做 OCR 识别 / this PDF holds images of text (a scan) and no text layer; OCR it first"
    )]
    Scanned,
    /// Word 97–2003.
    #[error(
        "这是旧版 Word 文件(.doc),无法直接读取;请在 Word 或 WPS 中另存为 .docx 后上传 / this is an old Word file (.doc); save it as .docx in Word or WPS and upload that"
    )]
    WordBinary,
    /// An OpenDocument text (LibreOffice Writer).
    #[error(
        "这是 OpenDocument 文字文件(.odt),请另存为 .docx 或 PDF 后上传 / this is an OpenDocument text (.odt); save it as .docx or PDF and upload that"
    )]
    OpenDocumentText,
    /// A file of a known kind that is broken.
    #[error(
        "{format} 文件已损坏或不完整({detail}),请重新另存后上传 / the {format} file is damaged or incomplete ({detail}); save it again and upload that"
    )]
    Damaged {
        /// What it claimed to be.
        format: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// None of the formats read.
    #[error(
        "无法识别的文件:只能读取 Word(.docx)、PDF、网页(.html)、表格(.xlsx/.xls/.ods/.csv)和纯文本(.txt) / not a file that can be read: Word (.docx), PDF, web pages (.html), spreadsheets (.xlsx/.xls/.ods/.csv) and plain text (.txt) are"
    )]
    Unknown,
    /// A file that was read but held no text.
    #[error("{format} 文件中没有文字 / the {format} file holds no text")]
    NoText {
        /// What it was.
        format: &'static str,
    },
    /// The PDF reader (poppler's `pdftotext`) could not be run: the server's fault.
    #[error(
        "无法运行 PDF 读取程序 pdftotext({0}),请联系管理员安装 poppler-utils / cannot run the PDF reader pdftotext ({0}); ask the administrator to install poppler-utils"
    )]
    PdfReader(String),
}

impl ReadError {
    /// Whether the one who sent the file can fix it (everything but a missing PDF reader).
    pub fn is_user_error(&self) -> bool {
        !matches!(self, ReadError::PdfReader(_))
    }

    /// The message in Chinese.
    pub fn zh(&self) -> String {
        let s = self.to_string();
        s.split_once(" / ")
            .map(|(zh, _)| zh.to_string())
            .unwrap_or(s)
    }

    /// The message in English.
    pub fn en(&self) -> String {
        let s = self.to_string();
        s.split_once(" / ")
            .map(|(_, en)| en.to_string())
            .unwrap_or(s)
    }
}

const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads a document by its content; `name` (the file's name) only tells CSV from text when
/// the content cannot. The text has LF line breaks and no byte-order mark.
pub fn read_document(bytes: &[u8], name: &str) -> Result<ReadDocument, ReadError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge {
            size: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ReadError::Empty);
    }
    let (format, text) = if is_pdf(bytes) {
        (Format::Pdf, pdf::read(bytes)?)
    } else if bytes.starts_with(b"PK\x03\x04") {
        read_zip(bytes)?
    } else if bytes.starts_with(OLE) {
        read_ole(bytes)?
    } else if html::looks_like_html(bytes) {
        (Format::Html, html::read(bytes))
    } else {
        let text = super::decode_text(bytes).map_err(|_| ReadError::Unknown)?;
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(ReadError::Unknown);
        }
        match sheet::csv_rows(&text, name) {
            Some(rows) => (Format::Csv, rows),
            None => (Format::Text, text),
        }
    };
    let text = super::normalize_text(&text);
    if text.trim().is_empty() {
        return Err(match format {
            Format::Pdf => ReadError::Scanned,
            f => ReadError::NoText { format: f.label() },
        });
    }
    Ok(ReadDocument { text, format })
}

/// `%PDF` within the first 1024 bytes, as readers allow.
fn is_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

fn read_ole(bytes: &[u8]) -> Result<(Format, String), ReadError> {
    let has = |name: &str| {
        let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        bytes.windows(utf16.len()).any(|w| w == utf16.as_slice())
    };
    if has("EncryptedPackage") {
        return Err(ReadError::Encrypted { format: "Office" });
    }
    if has("WordDocument") {
        return Err(ReadError::WordBinary);
    }
    if has("Workbook") || has("Book") {
        return Ok((Format::Xls, sheet::read(bytes, Format::Xls)?));
    }
    Err(ReadError::Unknown)
}

/// A ZIP: checked against the bomb limits by inflating every entry (a directory can lie),
/// then read as what its parts say it is.
fn read_zip(bytes: &[u8]) -> Result<(Format, String), ReadError> {
    let damaged = |detail: String| ReadError::Damaged {
        format: "ZIP",
        detail,
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(e.to_string()))?;
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    let format = if names.iter().any(|n| n == "word/document.xml") {
        Format::Docx
    } else if names.iter().any(|n| n == "xl/workbook.xml") {
        Format::Xlsx
    } else if names.iter().any(|n| n == "mimetype") {
        let mime = entry(&mut zip, "mimetype", Format::Ods)?.unwrap_or_default();
        match mime.trim() {
            "application/vnd.oasis.opendocument.spreadsheet" => Format::Ods,
            "application/vnd.oasis.opendocument.text" => return Err(ReadError::OpenDocumentText),
            _ => return Err(ReadError::Unknown),
        }
    } else {
        return Err(ReadError::Unknown);
    };
    check_inflated(&mut zip, format)?;
    let text = match format {
        Format::Docx => docx::read(&mut zip)?,
        _ => sheet::read(bytes, format)?,
    };
    Ok((format, text))
}

fn bomb(format: Format) -> ReadError {
    ReadError::ZipBomb {
        format: format.label(),
        limit_mb: MAX_UNZIPPED_BYTES / (1024 * 1024),
        entries: MAX_ZIP_ENTRIES,
    }
}

fn check_inflated(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    format: Format,
) -> Result<(), ReadError> {
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(bomb(format));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let file = match zip.by_index(i) {
            Ok(f) => f,
            Err(zip::result::ZipError::UnsupportedArchive(m)) if m.contains("assword") => {
                return Err(ReadError::Encrypted {
                    format: format.label(),
                });
            }
            Err(e) => {
                return Err(ReadError::Damaged {
                    format: format.label(),
                    detail: e.to_string(),
                });
            }
        };
        if file.encrypted() {
            return Err(ReadError::Encrypted {
                format: format.label(),
            });
        }
        let left = MAX_UNZIPPED_BYTES - total;
        let n = std::io::copy(&mut file.take(left + 1), &mut std::io::sink()).map_err(|e| {
            ReadError::Damaged {
                format: format.label(),
                detail: e.to_string(),
            }
        })?;
        total += n;
        if total > MAX_UNZIPPED_BYTES {
            return Err(bomb(format));
        }
    }
    Ok(())
}

/// One entry of a ZIP checked by [`check_inflated`], as UTF-8 text; `None` when missing.
fn entry(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    format: Format,
) -> Result<Option<String>, ReadError> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => {
            return Err(ReadError::Damaged {
                format: format.label(),
                detail: e.to_string(),
            });
        }
    };
    let mut buf = Vec::new();
    file.take(MAX_UNZIPPED_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| ReadError::Damaged {
            format: format.label(),
            detail: format!("{name}: {e}"),
        })?;
    if buf.len() as u64 > MAX_UNZIPPED_BYTES {
        return Err(bomb(format));
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| ReadError::Damaged {
            format: format.label(),
            detail: format!("{name} 不是 UTF-8 (not UTF-8)"),
        })
}

/// Whether a character is Chinese (or another CJK script, or full-width punctuation): no
/// space is written between it and its neighbour.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod tests;
