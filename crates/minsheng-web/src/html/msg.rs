//! The words of the plan pages (the list, a plan, an item, tracking) in each language. Fixed
//! words are fields; words around numbers are methods, one `match` on the language each.

use crate::i18n::Lang;
use minsheng_domain::Period;
use std::fmt::Display;

/// The plan pages' words.
#[derive(Debug)]
pub(crate) struct PlansMsg {
    lang: Lang,
    /// The list's heading, and the crumb back to it.
    pub plans: &'static str,
    /// The list when empty.
    pub no_plans: &'static str,
    /// The link to the editor.
    pub new_plan: &'static str,
    /// Column: year.
    pub col_year: &'static str,
    /// Column: plan.
    pub col_plan: &'static str,
    /// Column: kind.
    pub col_kind: &'static str,
    /// Column: status.
    pub col_status: &'static str,
    /// The link to the tracking page.
    pub tracking_link: &'static str,
    /// Before the files the plan was read from.
    pub sources: &'static str,
    /// Column: number.
    pub col_no: &'static str,
    /// Column: item.
    pub col_item: &'static str,
    /// Column: targets.
    pub col_targets: &'static str,
    /// Before the responsible units.
    pub leads: &'static str,
    /// A qualitative item, in a table cell.
    pub qualitative_short: &'static str,
    /// Marks an implicit target.
    pub implicit: &'static str,
    /// Marks a change target.
    pub delta: &'static str,
    /// The publish button.
    pub publish: &'static str,
    /// What publishing does.
    pub publish_note: &'static str,
    /// The responsible units the document names, on an item's page.
    pub leads_named: &'static str,
    /// The source text's heading.
    pub source_text: &'static str,
    /// An item with no number.
    pub qualitative_note: &'static str,
    /// A qualitative item's heading.
    pub qualitative_item: &'static str,
    /// How a qualitative item is reported.
    pub stage_reported: &'static str,
    /// Before a deadline.
    pub due: &'static str,
    /// Marks an implicit target, on the item page.
    pub implicit_target: &'static str,
    /// Marks a change target, on the item page.
    pub delta_target: &'static str,
    /// A target without assignments.
    pub not_assigned: &'static str,
    /// Column: unit.
    pub col_unit: &'static str,
    /// Column: role.
    pub col_role: &'static str,
    /// Column: quota.
    pub col_quota: &'static str,
    /// A lead with no quota of its own.
    pub overall: &'static str,
    /// The sum of the regional quotas.
    pub quota_sum: &'static str,
    /// The tracking page's heading.
    pub tracking: &'static str,
    /// The period picker's label.
    pub period: &'static str,
    /// The period picker's button.
    pub view: &'static str,
    /// After a count of targets.
    pub targets_unit: &'static str,
    /// Mean completion.
    pub mean_completion: &'static str,
    /// Reports received.
    pub received: &'static str,
    /// Reports on time.
    pub on_time: &'static str,
    /// Heading of the targets' table.
    pub targets_heading: &'static str,
    /// Column: target.
    pub col_target: &'static str,
    /// Column: what is required.
    pub col_goal: &'static str,
    /// Column: cumulative actual.
    pub col_actual: &'static str,
    /// Column: the schedule's expectation.
    pub col_expected: &'static str,
    /// Column: completion.
    pub col_completion: &'static str,
    /// Column: year-end forecast.
    pub col_forecast: &'static str,
    /// Column: shares not reported.
    pub col_missing: &'static str,
    /// The ranking's heading.
    pub ranking: &'static str,
    /// Column: rank.
    pub col_rank: &'static str,
    /// The status rule under the tracking tables.
    pub status_rule: &'static str,
    /// Between a label and what follows it.
    pub colon: &'static str,
}

impl PlansMsg {
    /// "2023年" / "2023".
    pub fn year(&self, year: impl Display) -> String {
        match self.lang {
            Lang::Zh => format!("{year}年"),
            Lang::En => year.to_string(),
        }
    }

    /// A plan's size.
    pub fn counts(&self, sections: usize, items: usize, targets: usize) -> String {
        match self.lang {
            Lang::Zh => format!("{sections} 个方面、{items} 项、{targets} 个量化目标"),
            Lang::En => {
                format!("{sections} sections, {items} items, {targets} quantified targets")
            }
        }
    }

    /// A section heading's declared count.
    pub fn declared_items(&self, n: impl Display) -> String {
        match self.lang {
            Lang::Zh => format!("({n}项)"),
            Lang::En => format!(" ({n} items)"),
        }
    }

    /// The document claims another number of sections than it lists.
    pub fn claims_sections(&self, claimed: u32, listed: usize) -> String {
        match self.lang {
            Lang::Zh => format!("文件称有 {claimed} 个方面,实际列出 {listed} 个。"),
            Lang::En => format!("The document claims {claimed} sections and lists {listed}."),
        }
    }

    /// The document claims another number of items than it lists.
    pub fn claims_items(&self, claimed: u32, listed: usize) -> String {
        match self.lang {
            Lang::Zh => format!("文件称有 {claimed} 项,实际列出 {listed} 项。"),
            Lang::En => format!("The document claims {claimed} items and lists {listed}."),
        }
    }

    /// A section's heading declares another number of items than it holds.
    pub fn section_claims(&self, no: u32, title: &str, claimed: u32, held: usize) -> String {
        match self.lang {
            Lang::Zh => format!("第{no}部分“{title}”标注 {claimed} 项,实际 {held} 项。"),
            Lang::En => {
                format!("Section {no} ({title}) declares {claimed} items and holds {held}.")
            }
        }
    }

    /// An item's heading.
    pub fn item_no(&self, no: impl Display) -> String {
        match self.lang {
            Lang::Zh => format!("第{no}项"),
            Lang::En => format!("Item {no}"),
        }
    }

    /// A target's name on its item's page.
    pub fn target_no(&self, seq: impl Display) -> String {
        match self.lang {
            Lang::Zh => format!("目标 {seq}"),
            Lang::En => format!("Target {seq}"),
        }
    }

    /// When the tracking figures were computed.
    pub fn as_of(&self, today: impl Display) -> String {
        match self.lang {
            Lang::Zh => format!("截至 {today} · 序时进度按全年均衡计算"),
            Lang::En => format!("as of {today}; the schedule is linear over the year"),
        }
    }

    /// Late and missing reports.
    pub fn late_missing(&self, late: impl Display, missing: impl Display) -> String {
        match self.lang {
            Lang::Zh => format!("逾期 {late} · 未报 {missing}"),
            Lang::En => format!("late {late} · missing {missing}"),
        }
    }

    /// A period as this language writes it.
    pub fn period(&self, p: &Period) -> String {
        self.lang.pick(p.label_zh(), p.label_en())
    }
}

/// 简体中文.
pub(crate) static ZH: PlansMsg = PlansMsg {
    lang: Lang::Zh,
    plans: "计划",
    no_plans: "尚无计划。牵头办公室可在此新建计划(粘贴或上传计划文本),也可用命令 minsheng import 导入。",
    new_plan: "新建计划",
    col_year: "年度",
    col_plan: "计划",
    col_kind: "类别",
    col_status: "状态",
    tracking_link: "跟踪调度:各目标进度、状态与排名 →",
    sources: "原始文件(上传的计划文件,下载核对):",
    col_no: "序号",
    col_item: "事项",
    col_targets: "量化目标",
    leads: "责任单位:",
    qualitative_short: "定性事项,按阶段报告",
    implicit: "(隐含)",
    delta: "(增量)",
    publish: "公开发布",
    publish_note: "公开后,公众无需登录即可在“公开进度”查看各项任务的进度(不含报告内容、问题和佐证材料)。",
    leads_named: "文件所列责任单位:",
    source_text: "原文",
    qualitative_note: "本项为定性事项,按“未启动 / 推进中 / 已完成”报告进展。",
    qualitative_item: "定性事项",
    stage_reported: "按“未启动 / 推进中 / 已完成”报告进展",
    due: "截止",
    implicit_target: "隐含目标",
    delta_target: "增量目标",
    not_assigned: "尚未分解",
    col_unit: "单位",
    col_role: "分工",
    col_quota: "任务量",
    overall: "全面负责",
    quota_sum: "市(州)任务合计",
    tracking: "跟踪调度",
    period: "期间",
    view: "查看",
    targets_unit: "项目标",
    mean_completion: "平均完成度",
    received: "报送率",
    on_time: "按时率",
    targets_heading: "目标进度",
    col_target: "目标",
    col_goal: "要求",
    col_actual: "累计完成",
    col_expected: "序时进度",
    col_completion: "完成度",
    col_forecast: "年底预测",
    col_missing: "未报",
    ranking: "各地排名",
    col_rank: "名次",
    status_rule: "状态规则:落后序时进度 10—30 个百分点为“滞后”(黄),超过 30 个百分点为“严重滞后”(红);本月已报送、尚待审核为“待审核”,未报送为“未报送”。",
    colon: ":",
};

/// English.
pub(crate) static EN: PlansMsg = PlansMsg {
    lang: Lang::En,
    plans: "Plans",
    no_plans: "No plans yet. The coordinating office can create one here (paste or upload the plan's text), or import one with the command minsheng import.",
    new_plan: "New plan",
    col_year: "Year",
    col_plan: "Plan",
    col_kind: "Kind",
    col_status: "Status",
    tracking_link: "Tracking: each target's progress, status and ranking →",
    sources: "Original file (the plan file uploaded, to download and check):",
    col_no: "No.",
    col_item: "Item",
    col_targets: "Quantified targets",
    leads: "Responsible units: ",
    qualitative_short: "Qualitative: reported as a stage",
    implicit: "(implicit)",
    delta: "(increase)",
    publish: "Publish",
    publish_note: "Once published, anyone can follow each commitment's progress on the public pages without signing in (never the reports' texts, problems or evidence).",
    leads_named: "Responsible units named in the document: ",
    source_text: "Source text",
    qualitative_note: "A qualitative item: progress is reported as a stage (not started / in progress / done).",
    qualitative_item: "Qualitative item",
    stage_reported: "Reported as a stage (not started / in progress / done)",
    due: "due",
    implicit_target: "implicit target",
    delta_target: "increase target",
    not_assigned: "Not yet assigned",
    col_unit: "Unit",
    col_role: "Role",
    col_quota: "Quota",
    overall: "overall responsibility",
    quota_sum: "Sum of the prefectures' quotas",
    tracking: "Tracking",
    period: "Period",
    view: "View",
    targets_unit: "targets",
    mean_completion: "Mean completion",
    received: "Received",
    on_time: "On time",
    targets_heading: "Targets",
    col_target: "Target",
    col_goal: "Required",
    col_actual: "Cumulative",
    col_expected: "Schedule",
    col_completion: "Completion",
    col_forecast: "Year-end forecast",
    col_missing: "Missing",
    ranking: "Ranking",
    col_rank: "Rank",
    status_rule: "Status: 10–30 points behind the linear schedule is lagging (yellow), more than 30 is at risk (red); a report filed for the month and not yet reviewed is awaiting review, none is not reported.",
    colon: ": ",
};
