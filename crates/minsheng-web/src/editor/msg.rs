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
    /// How the office corrects the proposal.
    pub how_to_correct: &'static str,
    /// Shown when the script can fill a phrase from a selection.
    pub select_hint: &'static str,
    /// An item the office added.
    pub added_item: &'static str,
    /// A target the office added.
    pub added_target: &'static str,
    /// An item's number field.
    pub no_label: &'static str,
    /// A deleted item.
    pub deleted_flag: &'static str,
    /// The section field.
    pub section_label: &'static str,
    /// The delete box.
    pub delete_item: &'static str,
    /// The phrase field.
    pub phrase_label: &'static str,
    /// What to put in the phrase field.
    pub phrase_placeholder: &'static str,
    /// The deadline field.
    pub deadline_label: &'static str,
    /// When the deadline may be left empty.
    pub deadline_hint: &'static str,
    /// The row for adding a target.
    pub add_target: &'static str,
    /// Its button.
    pub add_button: &'static str,
    /// The block for adding an item.
    pub add_item: &'static str,
    /// What to fill in it.
    pub add_item_hint: &'static str,
    /// Its button.
    pub add_item_button: &'static str,
    /// Apply the corrections and show the plan again.
    pub revise_button: &'static str,
    /// The plans' list.
    pub plans: &'static str,
}

impl EditorMsg {
    /// Which uploaded file the text was read from.
    pub fn read_from(&self, name: &str, format: &str) -> String {
        match self.lang {
            Lang::Zh => format!(
                "以下文字读取自上传的 {format} 文件“{name}”(已去掉页眉、页脚和页码;表格每行一行,单元格以“ | ”分隔),确认后原文件随计划保存。"
            ),
            Lang::En => format!(
                "The text below was read from the uploaded {format} file “{name}” (headers, footers and page numbers left out; a table row a line, cells between “ | ”); the file is kept with the plan once confirmed."
            ),
        }
    }

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
}

/// 简体中文.
pub(crate) static ZH: EditorMsg = EditorMsg {
    lang: Lang::Zh,
    new_title: "新建计划",
    new_intro: "粘贴计划文件的文本,或上传文本文件。系统先列出从文中识别出的方面、事项和量化目标,与原文对照核对、修改,确认后才成为正式计划。",
    text_label: "计划文本",
    file_label: "或上传计划文件",
    file_hint: "Word(.docx)、PDF(须有文字层,扫描件请先 OCR)、网页(.html,含 GB2312/GBK)、表格(.xlsx/.xls/.ods/.csv)或纯文本(.txt),不超过 20 MB;按文件内容识别格式,上传文件时以文件内容为准,确认后原文件随计划保存。",
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
    how_to_correct: "可直接修改事项内容、所属方面和目标的数值、单位、比较方式、完成时限;勾选“删除”“不采用”去掉识别错的事项或目标;在每项末尾“补充目标”一行填入原文中的词句(可在左侧原文中选取)补上漏识别的目标,在最后“补充事项”处补上漏识别的事项。每处修改都作为对识别结果的更正记入计划的审计记录。",
    select_hint: "在原文中选中一段文字:在某一事项之内,即填入该事项的“补充目标”;在事项之外,即填入“补充事项”。",
    added_item: "补充的事项",
    added_target: "补充",
    no_label: "编号",
    deleted_flag: "已删除,确认时不计入",
    section_label: "所属方面",
    delete_item: "删除此项",
    phrase_label: "原文词句",
    phrase_placeholder: "原文中的词句,如:新建幼儿园10所",
    deadline_label: "完成时限",
    deadline_hint: "不填为年底",
    add_target: "补充目标",
    add_button: "添加",
    add_item: "补充事项",
    add_item_hint: "识别遗漏的事项:填写编号、所属方面和内容(可在左侧原文中选取),以及它的量化目标。",
    add_item_button: "添加事项",
    revise_button: "应用修改并刷新",
    start_again: "重新粘贴",
    plans: "计划",
};

/// English.
pub(crate) static EN: EditorMsg = EditorMsg {
    lang: Lang::En,
    new_title: "New plan",
    new_intro: "Paste the plan document's text or upload a text file. The sections, items and quantified targets read from it are listed next to the text to check and correct; only once confirmed do they become the plan.",
    text_label: "Plan text",
    file_label: "or upload the plan file",
    file_hint: "Word (.docx), PDF (with a text layer: OCR a scan first), a web page (.html, GB2312/GBK too), a spreadsheet (.xlsx/.xls/.ods/.csv) or plain text (.txt), up to 20 MB; the format is told by the content, an uploaded file takes the place of the pasted text, and it is kept with the plan once confirmed.",
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
    how_to_correct: "Change an item's text or section, a target's value, unit, comparison or deadline; tick Delete or Drop to leave out a wrong item or target; add a target the reader missed in the row at the end of its item, by its phrase as the text has it (select it in the text on the left), and a missed item at the end. Every change is kept in the plan's audit trail as a correction of the extraction.",
    select_hint: "Select a passage of the text: inside an item, it fills that item's new target; outside every item, the new item.",
    added_item: "Added item",
    added_target: "Added",
    no_label: "Number",
    deleted_flag: "deleted: left out when confirmed",
    section_label: "Section",
    delete_item: "Delete this item",
    phrase_label: "Phrase in the text",
    phrase_placeholder: "the phrase as the text has it, e.g. 新建幼儿园10所",
    deadline_label: "Deadline",
    deadline_hint: "empty: the year's end",
    add_target: "Add a target",
    add_button: "Add",
    add_item: "Add an item",
    add_item_hint: "An item the reader missed: its number, section and text (select it in the text on the left), and its quantified target.",
    add_item_button: "Add the item",
    revise_button: "Apply and show again",
    start_again: "Start again",
    plans: "Plans",
};
