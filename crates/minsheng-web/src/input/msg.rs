//! The words of reading a request's values, in both languages: a key missing in either is a
//! compile error. The messages name what is wrong Chinese first, English second, as the
//! JSON API answers them; an English page shows them as they are.

/// What reading a request's values says.
#[derive(Debug)]
pub(crate) struct InputMsg {
    /// A number that cannot be read.
    pub not_a_number: &'static str,
    /// A stage that is not one of the stages.
    pub unknown_stage: &'static str,
    /// Neither "draft" nor "submit".
    pub unknown_action: &'static str,
    /// No file in an upload.
    pub evidence_missing: &'static str,
    /// An upload over its limit.
    pub evidence_too_large: &'static str,
    /// An upload cut off.
    pub evidence_unreadable: &'static str,
    /// No due date.
    pub due_missing: &'static str,
    /// A due date that is not a date; `{}` is what was typed.
    pub due_not_a_date: &'static str,
}

pub(crate) static ZH: InputMsg = InputMsg {
    not_a_number: "请填写数字(可带“万”“亿”,如 2.3万) / enter a number (万 and 亿 allowed)",
    unknown_stage: "请选择进展阶段 / choose a stage",
    unknown_action: "请选择“保存草稿”或“报送审核” / save a draft or submit",
    evidence_missing: "请选择要上传的文件 / choose a file to upload",
    evidence_too_large: "文件超过 20 MiB 上限,未上传 / the file is over the 20 MiB limit and was not uploaded",
    evidence_unreadable: "上传中断或格式有误,请重试 / the upload was cut off or malformed: try again",
    due_missing: "请填写办结时限 / give the due date",
    due_not_a_date: "办结时限“{}”不是日期,应如 2023-11-30 / the due date '{}' is not a date such as 2023-11-30",
};

pub(crate) static EN: InputMsg = InputMsg {
    not_a_number: "请填写数字(可带“万”“亿”,如 2.3万) / enter a number (万 and 亿 allowed)",
    unknown_stage: "请选择进展阶段 / choose a stage",
    unknown_action: "请选择“保存草稿”或“报送审核” / save a draft or submit",
    evidence_missing: "请选择要上传的文件 / choose a file to upload",
    evidence_too_large: "文件超过 20 MiB 上限,未上传 / the file is over the 20 MiB limit and was not uploaded",
    evidence_unreadable: "上传中断或格式有误,请重试 / the upload was cut off or malformed: try again",
    due_missing: "请填写办结时限 / give the due date",
    due_not_a_date: "办结时限“{}”不是日期,应如 2023-11-30 / the due date '{}' is not a date such as 2023-11-30",
};
