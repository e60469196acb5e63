//! The public portal's words in each language.

use crate::i18n::Lang;
use crate::tracking_rows::AsStatus;
use std::fmt::Display;

/// The public portal's words.
#[derive(Debug)]
pub(crate) struct PortalMsg {
    lang: Lang,
    /// The portal's heading.
    pub title: &'static str,
    /// What the portal shows.
    pub intro: &'static str,
    /// No plan is published.
    pub no_plans: &'static str,
    /// Column: year.
    pub col_year: &'static str,
    /// Column: plan.
    pub col_plan: &'static str,
    /// Column: owner.
    pub col_owner: &'static str,
    /// Column: kind.
    pub col_kind: &'static str,
    /// The period picker's label.
    pub period: &'static str,
    /// The period picker's button.
    pub view: &'static str,
    /// Nothing accepted yet.
    pub no_data: &'static str,
    /// The commitments' heading.
    pub commitments: &'static str,
    /// Column: number.
    pub col_no: &'static str,
    /// Column: commitment.
    pub col_item: &'static str,
    /// Column: target.
    pub col_target: &'static str,
    /// Column: cumulative progress.
    pub col_progress: &'static str,
    /// Column: completion.
    pub col_completion: &'static str,
    /// Column: status.
    pub col_status: &'static str,
    /// A qualitative item's goal.
    pub stage_goal: &'static str,
    /// Before the responsible units.
    pub leads: &'static str,
    /// The regions' heading.
    pub regions: &'static str,
    /// What the regions' figures are.
    pub regions_note: &'static str,
    /// Column: region.
    pub col_region: &'static str,
    /// Column: all sections.
    pub col_overall: &'static str,
    /// Mean completion.
    pub mean: &'static str,
    /// After a count of targets.
    pub targets_unit: &'static str,
    /// How statuses are decided.
    pub status_rule: &'static str,
    /// The portal's list, from a plan.
    pub all_plans: &'static str,
    /// The open-data downloads' heading.
    pub open_data: &'static str,
    /// What the downloads hold.
    pub open_data_note: &'static str,
    /// Each download's link text, in the order of the page: CSV, Excel, JSON, Atom, IATI.
    pub downloads: [&'static str; 5],
}

impl PortalMsg {
    /// Which data the page shows.
    pub fn as_of(&self, period: &str, today: impl Display) -> String {
        match self.lang {
            Lang::Zh => format!("进度为截至{period}经审核的数据 · 统计日 {today}"),
            Lang::En => {
                format!("Progress from the data accepted up to {period} · computed on {today}")
            }
        }
    }

    /// A status as the public reads it: its own name, unless the portal words it otherwise.
    pub fn status(&self, s: impl AsStatus) -> &'static str {
        let s = s.status();
        self.lang.pick(
            minsheng_app::portal::status_zh(s),
            minsheng_app::portal::status_en(s),
        )
    }

    /// The year of a plan.
    pub fn year(&self, year: impl Display) -> String {
        match self.lang {
            Lang::Zh => format!("{year}年"),
            Lang::En => year.to_string(),
        }
    }
}

/// 简体中文.
pub(crate) static ZH: PortalMsg = PortalMsg {
    lang: Lang::Zh,
    title: "公开进度",
    intro: "已公开的民生实事清单中每项任务的完成进度,依据各地、各部门报送并经审核的数据按月更新。",
    no_plans: "尚无公开的计划。",
    col_year: "年度",
    col_plan: "计划",
    col_owner: "发布单位",
    col_kind: "类别",
    period: "月份",
    view: "查看",
    no_data: "尚无经审核的进度数据。",
    commitments: "各项任务进度",
    col_no: "序号",
    col_item: "任务",
    col_target: "目标",
    col_progress: "累计完成",
    col_completion: "完成度",
    col_status: "状态",
    stage_goal: "定性事项,按阶段推进",
    leads: "责任单位:",
    regions: "各地完成情况",
    regions_note: "各市(州)所承担任务的平均完成度,每项任务的完成度以 100% 为上限。",
    col_region: "地区",
    col_overall: "总体",
    mean: "平均完成度",
    targets_unit: "项目标",
    status_rule: "状态:落后序时进度(全年均衡)10—30 个百分点为“滞后”,超过 30 个百分点为“严重滞后”;当月数据已报送、尚在审核为“审核中”,无数据为“未报送”。",
    all_plans: "公开进度",
    open_data: "开放数据下载",
    open_data_note: "本计划每项任务的目标、各月进度与状态(含各地区),只含本页公开的内容。",
    downloads: [
        "CSV 表格(Excel 可直接打开)",
        "Excel 工作簿(XLSX)",
        "JSON 数据",
        "Atom 订阅(状态变化与公开通报)",
        "IATI 活动数据(XML 2.03)",
    ],
};

/// English.
pub(crate) static EN: PortalMsg = PortalMsg {
    lang: Lang::En,
    title: "Public progress",
    intro: "Every commitment of the published plans with its progress, from the figures the regions and departments report and the office accepts, updated monthly.",
    no_plans: "No plan has been published yet.",
    col_year: "Year",
    col_plan: "Plan",
    col_owner: "Published by",
    col_kind: "Kind",
    period: "Month",
    view: "View",
    no_data: "No accepted progress data yet.",
    commitments: "Commitments",
    col_no: "No.",
    col_item: "Commitment",
    col_target: "Target",
    col_progress: "Cumulative",
    col_completion: "Completion",
    col_status: "Status",
    stage_goal: "Qualitative: followed by stage",
    leads: "Responsible units: ",
    regions: "By region",
    regions_note: "Each prefecture's mean completion over the shares it carries; each share counts at most 100%.",
    col_region: "Region",
    col_overall: "Overall",
    mean: "Mean completion",
    targets_unit: "targets",
    status_rule: "Status: 10–30 points behind the linear schedule is lagging, more than 30 is at risk; data filed for the month and still under review is under review, none is not reported.",
    all_plans: "Public progress",
    open_data: "Open data",
    open_data_note: "Every target of this plan with its progress and status month by month, by region too; only what this page shows.",
    downloads: [
        "CSV table (opens in Excel)",
        "Excel workbook (XLSX)",
        "JSON data",
        "Atom feed (status changes and public bulletins)",
        "IATI activity data (XML 2.03)",
    ],
};
