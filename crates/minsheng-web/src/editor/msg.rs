//! The plan editor's words in each language.

use crate::i18n::Lang;
use std::fmt::Display;

/// The plan editor's words.
#[derive(Debug)]
pub(crate) struct EditorMsg {
    lang: Lang,
    /// The first page's heading.
    pub new_title: &'static str,
    /// What the first page is for.
    pub new_intro: &'static str,
    /// The text field.
    pub text_label: &'static str,
    /// The file field.
    pub file_label: &'static str,
    /// What files are read.
    pub file_hint: &'static str,
    /// The kind field.
    pub kind_label: &'static str,
    /// The year field.
    pub year_label: &'static str,
    /// When the year may be left empty.
    pub year_hint: &'static str,
    /// The owner field.
    pub owner_label: &'static str,
    /// The first page's button.
    pub preview_button: &'static str,
    /// The preview's heading.
    pub preview_title: &'static str,
    /// What the preview shows.
    pub preview_intro: &'static str,
    /// The left column's heading.
    pub document: &'static str,
    /// The right column's heading.
    pub proposal: &'static str,
    /// Notes about the whole document.
    pub whole_document: &'static str,
    /// The item text field.
    pub title_label: &'static str,
    /// Before the responsible units.
    pub leads: &'static str,
    /// The link to an item's place in the document.
    pub in_document: &'static str,
    /// Column: value.
    pub col_value: &'static str,
    /// Column: unit.
    pub col_unit: &'static str,
    /// Column: comparison.
    pub col_cmp: &'static str,
    /// The drop box.
    pub drop_label: &'static str,
    /// An implicit target.
    pub implicit: &'static str,
    /// A change target.
    pub delta: &'static str,
    /// An item without target.
    pub qualitative: &'static str,
    /// A warning.
    pub warning: &'static str,
    /// A note.
    pub info: &'static str,
    /// The confirm button.
    pub confirm_button: &'static str,
    /// What confirming does.
    pub confirm_note: &'static str,
    /// Back to the first page.
    pub start_again: &'static str,
    /// The plans' list.
    pub plans: &'static str,
}

impl EditorMsg {
    /// What was read.
    pub fn summary(&self, sections: impl Display, items: impl Display) -> String {
        match self.lang {
            Lang::Zh => format!("识别出 {sections} 个方面、{items} 项。"),
            Lang::En => format!("Read {sections} sections and {items} items."),
        }
    }

    /// How many fields must be corrected.
    pub fn to_fix(&self, n: impl Display) -> String {
        match self.lang {
            Lang::Zh => format!("还有 {n} 处需要修改后才能确认,已在相应位置标出。"),
            Lang::En => format!(
                "{n} fields must be corrected before confirming; each is marked where it is."
            ),
        }
    }

    /// A line of the document.
    pub fn line(&self, line: impl Display) -> String {
        match self.lang {
            Lang::Zh => format!("第 {line} 行"),
            Lang::En => format!("line {line}"),
        }
    }

    /// When the targets are due.
    pub fn due(&self, year: &str) -> String {
        match (self.lang, year.is_empty()) {
            (Lang::Zh, false) => format!("截止 {year}-12-31"),
            (Lang::En, false) => format!("due {year}-12-31"),
            (Lang::Zh, true) => "截止:所填年度年底".into(),
            (Lang::En, true) => "due: the end of the year entered".into(),
        }
    }
}

/// 简体中文.
pub(crate) static ZH: EditorMsg = EditorMsg {
    lang: Lang::Zh,
    new_title: "新建计划",
    new_intro: "粘贴计划文件的文本,或上传文本文件。系统先列出从文中识别出的方面、事项和量化目标,与原文对照核对、修改,确认后才成为正式计划。",
    text_label: "计划文本",
    file_label: "或上传文本文件",
    file_hint: ".txt 文件,UTF-8 或 GB18030(GBK)编码;上传文件时以文件内容为准。",
    kind_label: "计划类别",
    year_label: "年度",
    year_hint: "不填则取文中写明的年度",
    owner_label: "所属单位",
    preview_button: "识别并预览",
    preview_title: "核对识别结果",
    preview_intro: "左侧为原文,识别出的量化目标已高亮;右侧为系统建议的方面、事项和目标,以及识别中发现的问题。请逐项核对、修改,然后确认为计划。",
    document: "原文",
    proposal: "识别结果",
    whole_document: "全文",
    title_label: "事项内容",
    leads: "责任单位:",
    in_document: "原文位置",
    col_value: "数值",
    col_unit: "单位",
    col_cmp: "比较",
    drop_label: "不采用",
    implicit: "隐含(文中未写数字)",
    delta: "增量",
    qualitative: "未识别出量化目标:确认后按定性事项(未启动 / 推进中 / 已完成)跟踪。",
    warning: "警告",
    info: "说明",
    confirm_button: "确认为计划",
    confirm_note: "确认后计划状态为“已确认”,可分解任务、接收报告;公开发布需另行操作。",
    start_again: "重新粘贴",
    plans: "计划",
};

/// English.
pub(crate) static EN: EditorMsg = EditorMsg {
    lang: Lang::En,
    new_title: "New plan",
    new_intro: "Paste the plan document's text or upload a text file. The sections, items and quantified targets read from it are listed next to the text to check and correct; only once confirmed do they become the plan.",
    text_label: "Plan text",
    file_label: "or upload a text file",
    file_hint: "A .txt file in UTF-8 or GB18030 (GBK); an uploaded file takes the place of the pasted text.",
    kind_label: "Kind",
    year_label: "Year",
    year_hint: "leave empty for the year the text states",
    owner_label: "Owning unit",
    preview_button: "Read and preview",
    preview_title: "Check what was read",
    preview_intro: "Left, the document with each quantified target highlighted; right, the proposed sections, items and targets with what looked wrong while reading. Check and correct them, then confirm them as the plan.",
    document: "Document",
    proposal: "Proposal",
    whole_document: "Whole document",
    title_label: "Item text",
    leads: "Responsible units: ",
    in_document: "in the document",
    col_value: "Value",
    col_unit: "Unit",
    col_cmp: "Comparison",
    drop_label: "Drop",
    implicit: "implicit (no figure written)",
    delta: "increase",
    qualitative: "No quantified target: once confirmed it is tracked as a qualitative item (not started / in progress / done).",
    warning: "Warning",
    info: "Note",
    confirm_button: "Confirm as the plan",
    confirm_note: "Once confirmed the plan can be assigned and reported on; publishing it is a separate step.",
    start_again: "Start again",
    plans: "Plans",
};
