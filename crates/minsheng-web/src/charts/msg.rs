//! The words of the charts, in both languages: a key missing in either is a compile error.

/// The words of the chart.
#[derive(Debug)]
pub(crate) struct ChartMsg {
    pub title: &'static str,
    pub expected: &'static str,
    pub actual: &'static str,
    pub forecast: &'static str,
    pub months: [&'static str; 12],
    pub path_title: &'static str,
    pub path_expected: &'static str,
    pub path_actual: &'static str,
}

pub(crate) static ZH: ChartMsg = ChartMsg {
    title: "目标轨迹:序时进度、累计完成与年底预测",
    expected: "序时进度",
    actual: "累计完成",
    forecast: "预测",
    months: [
        "1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月",
    ],
    path_title: "目标路径与报送值",
    path_expected: "目标路径",
    path_actual: "报送值",
};

pub(crate) static EN: ChartMsg = ChartMsg {
    title: "Trajectory: schedule, cumulative actual and forecast",
    expected: "Schedule",
    actual: "Actual",
    forecast: "Forecast",
    months: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
    path_title: "Path and reported values",
    path_expected: "Path",
    path_actual: "Reported",
};
