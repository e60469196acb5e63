//! The words of the audit trail page, in both languages: a key missing in either is a compile
//! error. Field and action names not in the tables are shown as recorded.

/// The audit page's words.
#[derive(Debug)]
pub(crate) struct Msg {
    pub title: &'static str,
    pub intro: &'static str,
    pub none: &'static str,
    /// Before the count of events.
    pub total: &'static str,
    /// After the count of events.
    pub total_unit: &'static str,
    pub page: &'static str,
    pub prev: &'static str,
    pub next: &'static str,
    pub back: &'static str,
    pub col_field: &'static str,
    pub col_before: &'static str,
    pub col_after: &'static str,
    pub empty: &'static str,
    /// What each kind of record is called (`report` → 报送).
    pub kinds: &'static [(&'static str, &'static str)],
    /// What each action is called (`accept` → 采纳).
    pub actions: &'static [(&'static str, &'static str)],
    /// What each recorded field is called (`cumulative` → 累计完成值).
    pub fields: &'static [(&'static str, &'static str)],
}

impl Msg {
    /// The name of `code` in `table`, or the code itself.
    pub fn name<'a>(table: &'a [(&'static str, &'static str)], code: &'a str) -> &'a str {
        table
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(code, |(_, n)| n)
    }
}

/// 简体中文.
pub(crate) static ZH: Msg = Msg {
    title: "审计记录",
    intro: "谁在何时做了什么修改,修改前后各字段的值。最新的在前。",
    none: "没有审计记录。",
    total: "共",
    total_unit: "条",
    page: "页",
    prev: "上一页",
    next: "下一页",
    back: "返回",
    col_field: "字段",
    col_before: "修改前",
    col_after: "修改后",
    empty: "—",
    kinds: &[
        ("report", "报送"),
        ("evidence", "佐证材料"),
        ("assignment", "任务分配"),
        ("schedule", "进度计划"),
        ("milestones", "节点"),
        ("target", "目标"),
        ("plan", "计划"),
        ("section", "章节"),
        ("item", "事项"),
        ("account", "账号"),
        ("user", "账号"),
    ],
    actions: &[
        ("create", "创建"),
        ("update", "修改"),
        ("delete", "删除"),
        ("submit", "报送"),
        ("return", "退回"),
        ("accept", "审核通过"),
        ("import", "导入"),
        ("set_password", "修改密码"),
        ("set_disabled", "停用/启用"),
        ("correct_year", "更正识别结果:年度"),
        ("correct_add_item", "更正识别结果:补充事项"),
        ("correct_edit_item", "更正识别结果:修改事项内容"),
        ("correct_move_item", "更正识别结果:调整所属方面"),
        ("correct_delete_item", "更正识别结果:删除事项"),
        ("correct_add_target", "更正识别结果:补充目标"),
        ("correct_edit_target", "更正识别结果:修改目标"),
        ("correct_delete_target", "更正识别结果:删除目标"),
    ],
    fields: &[
        ("status", "状态"),
        ("return_reason", "退回理由"),
        ("cumulative", "累计完成值"),
        ("stage", "阶段"),
        ("funds_spent", "已支出资金"),
        ("narrative", "情况说明"),
        ("period", "期间"),
        ("revision", "修订"),
        ("assignment_id", "任务分配"),
        ("report_id", "报送"),
        ("target_id", "目标"),
        ("item_id", "事项"),
        ("plan_id", "计划"),
        ("section_id", "章节"),
        ("unit_id", "单位"),
        ("owner_unit_id", "牵头单位"),
        ("role", "角色"),
        ("quota", "任务量"),
        ("budget", "预算"),
        ("value", "目标值"),
        ("unit", "计量单位"),
        ("cmp", "比较方式"),
        ("phrase", "原文"),
        ("implicit", "隐含数值"),
        ("delta", "增量"),
        ("deadline", "完成时限"),
        ("baseline", "基数"),
        ("kind", "类型"),
        ("seq", "序号"),
        ("no", "编号"),
        ("position", "位置"),
        ("title", "标题"),
        ("text", "内容"),
        ("leads", "责任单位"),
        ("year", "年度"),
        ("declared_sections", "声明章节数"),
        ("declared_items", "声明事项数"),
        ("source_text_bytes", "原文字节数"),
        ("name", "名称"),
        ("password", "密码"),
        ("disabled", "已停用"),
        ("rows", "行数"),
        ("source", "来源"),
        ("file_name", "文件名"),
        ("content_type", "文件类型"),
        ("size_bytes", "大小(字节)"),
        ("due", "截止日期"),
        ("section", "所属方面"),
        ("item", "事项"),
    ],
};

/// English.
pub(crate) static EN: Msg = Msg {
    title: "Audit trail",
    intro: "Who changed what and when, with each field's value before and after. Newest first.",
    none: "No audit events.",
    total: "",
    total_unit: "events",
    page: "page",
    prev: "Previous",
    next: "Next",
    back: "Back",
    col_field: "Field",
    col_before: "Before",
    col_after: "After",
    empty: "—",
    kinds: &[
        ("report", "Report"),
        ("evidence", "Evidence file"),
        ("assignment", "Assignment"),
        ("schedule", "Schedule"),
        ("milestones", "Milestones"),
        ("target", "Target"),
        ("plan", "Plan"),
        ("section", "Section"),
        ("item", "Item"),
        ("account", "Account"),
        ("user", "Account"),
    ],
    actions: &[
        ("create", "created"),
        ("update", "changed"),
        ("delete", "deleted"),
        ("submit", "submitted"),
        ("return", "returned"),
        ("accept", "accepted"),
        ("import", "imported"),
        ("set_password", "password changed"),
        ("set_disabled", "disabled / enabled"),
        ("correct_year", "extraction corrected: year"),
        ("correct_add_item", "extraction corrected: item added"),
        (
            "correct_edit_item",
            "extraction corrected: item text changed",
        ),
        (
            "correct_move_item",
            "extraction corrected: item moved to another section",
        ),
        ("correct_delete_item", "extraction corrected: item deleted"),
        ("correct_add_target", "extraction corrected: target added"),
        (
            "correct_edit_target",
            "extraction corrected: target changed",
        ),
        (
            "correct_delete_target",
            "extraction corrected: target deleted",
        ),
    ],
    fields: &[
        ("status", "Status"),
        ("return_reason", "Reason for return"),
        ("cumulative", "Cumulative value"),
        ("stage", "Stage"),
        ("funds_spent", "Funds spent"),
        ("narrative", "Narrative"),
        ("period", "Period"),
        ("revision", "Revision"),
        ("assignment_id", "Assignment"),
        ("report_id", "Report"),
        ("target_id", "Target"),
        ("item_id", "Item"),
        ("plan_id", "Plan"),
        ("section_id", "Section"),
        ("unit_id", "Unit"),
        ("owner_unit_id", "Owning unit"),
        ("role", "Role"),
        ("quota", "Quota"),
        ("budget", "Budget"),
        ("value", "Target value"),
        ("unit", "Unit of measure"),
        ("cmp", "Comparison"),
        ("phrase", "Phrase"),
        ("implicit", "Implicit value"),
        ("delta", "Change"),
        ("deadline", "Deadline"),
        ("baseline", "Baseline"),
        ("kind", "Kind"),
        ("seq", "Sequence"),
        ("no", "Number"),
        ("position", "Position"),
        ("title", "Title"),
        ("text", "Text"),
        ("leads", "Responsible units"),
        ("year", "Year"),
        ("declared_sections", "Sections declared"),
        ("declared_items", "Items declared"),
        ("source_text_bytes", "Source text (bytes)"),
        ("name", "Name"),
        ("password", "Password"),
        ("disabled", "Disabled"),
        ("rows", "Rows"),
        ("source", "Source"),
        ("file_name", "File name"),
        ("content_type", "File type"),
        ("size_bytes", "Size (bytes)"),
        ("due", "Due"),
        ("section", "Section"),
        ("item", "Item"),
    ],
};

#[cfg(test)]
mod tests {
    use super::{EN, Msg, ZH};

    #[test]
    fn every_correction_of_an_extraction_is_named_in_both_languages() {
        for code in minsheng_store::Correction::CODES {
            for m in [&ZH, &EN] {
                assert_ne!(Msg::name(m.actions, code), code, "{code}");
            }
        }
        for field in [
            "section", "item", "phrase", "value", "unit", "cmp", "deadline",
        ] {
            for m in [&ZH, &EN] {
                assert_ne!(Msg::name(m.fields, field), field, "{field}");
            }
        }
    }
}
