//! `minsheng status`: the office's view of a month — every target of the plan(s) with its
//! rolled-up actual against its quota, completion, missing reports and status, then the
//! cities ranked by mean completion.
//!
//! The figures and statuses are the office's view of each plan, [`tracking::tracking`] —
//! the same as the tracking page shows: each target's shares rolled up (a count summed, a
//! level taken from its shares by the domain's rule), held against 序时进度 with the
//! domain's thresholds; the units ranked by their shares' mean completion.

use crate::config;
use anyhow::bail;
use clap::{Args, ValueEnum};
use minsheng_app::tracking;
use minsheng_domain::quantity::format_zh;
use minsheng_domain::{Item, ItemId, Period, Plan, PlanId, Status, TargetId};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::path::Path;
use unicode_width::UnicodeWidthStr;

/// How to print the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for a terminal: targets, then cities.
    Table,
    /// CSV for a spreadsheet: one row per target and per city (`kind`), exact numbers.
    Csv,
}

/// `minsheng status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// 月份:2023-06 或 2023年6月(季度、半年取其最后一个月) / the month: 2023-06 or 2023年6月
    /// (a quarter or half is read as its last month)
    #[arg(long, value_name = "PERIOD")]
    pub period: String,
    #[command(flatten)]
    pub db: config::DbArgs,
    /// 只看这个计划(编号) / only this plan (its id)
    #[arg(long, value_name = "ID")]
    pub plan: Option<i64>,
    /// 输出格式 / output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// One target's line.
#[derive(Debug, Clone, PartialEq)]
struct TargetLine {
    plan: PlanId,
    target: TargetId,
    /// 1.3: section 1, item 3.
    no: String,
    text: String,
    unit: String,
    /// Whether the figures are means over the assignments (a level) rather than sums.
    level: bool,
    /// The rolled-up value (a mean for a level); `None` without a roll-up row.
    actual: Option<Decimal>,
    /// The rolled-up quota (a mean for a level), or the target's own value.
    quota: Decimal,
    /// Uncapped completion in percent, the right way round for the comparison.
    completion: Option<Decimal>,
    /// The value expected by the month's end on a linear schedule.
    expected: Option<Decimal>,
    assignments: i64,
    reported: i64,
    /// `None`: the target has no assignment that rolls up.
    status: Option<Status>,
}

/// One city's line: its standing over the year's plans.
type CityLine = minsheng_domain::rollup::CombinedRank;

/// `minsheng status`.
pub async fn run(config_file: Option<&Path>, args: &StatusArgs) -> anyhow::Result<()> {
    let asked = Period::parse(&args.period).map_err(|e| anyhow::anyhow!("--period:{e}"))?;
    let month = asked.last_month();
    let cfg = config::load(config_file, &args.db.db, &None)?;
    let store = crate::report_import::open_existing(&cfg.database_url).await?;
    let thresholds = cfg.thresholds()?;
    let result = gather(&store, month, args.plan, &thresholds).await;
    store.close().await;
    let (plans, targets, cities) = result?;
    let out = match args.format {
        Format::Table => render_table(asked, month, &plans, &targets, &cities),
        Format::Csv => render_csv(&targets, &cities)?,
    };
    print!("{out}");
    Ok(())
}

type Gathered = (Vec<Plan>, Vec<TargetLine>, Vec<CityLine>);

async fn gather(
    store: &minsheng_store::Store,
    month: Period,
    plan: Option<i64>,
    thresholds: &minsheng_domain::Thresholds,
) -> anyhow::Result<Gathered> {
    let all = store.plans().await?;
    let plans: Vec<Plan> = match plan {
        Some(id) => {
            let Some(p) = all.into_iter().find(|p| p.id.0 == id) else {
                bail!("--plan:计划 {id} 不存在 / plan {id} does not exist");
            };
            if p.year != month.year() {
                bail!(
                    "--period:{} 不在计划 {id} 的年度 {} 内 / {} is outside plan {id}'s year {}",
                    month.label_zh(),
                    p.year,
                    month,
                    p.year
                );
            }
            vec![p]
        }
        None => all.into_iter().filter(|p| p.year == month.year()).collect(),
    };
    if plans.is_empty() {
        bail!(
            "没有 {} 年度的计划 / there is no plan for {}",
            month.year(),
            month.year()
        );
    }
    // A demo's invented data stands at one day; anything else is judged as of today.
    let today = if minsheng_app::demo::is_demo(store).await? {
        minsheng_app::demo::DEMO_AS_OF
    } else {
        minsheng_app::clock::today()
    };
    let mut targets = Vec::new();
    let mut rankings = Vec::new();
    for plan in &plans {
        let t = tracking::tracking(store, plan.id, month, today, thresholds).await?;
        let items: HashMap<ItemId, Item> = store
            .items(plan.id)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        targets.extend(t.targets.iter().map(|x| target_line(plan.id, x, &items)));
        rankings.push(t.ranking);
    }
    let cities = minsheng_domain::rollup::combine_rankings(rankings.iter().map(Vec::as_slice));
    Ok((plans, targets, cities))
}

/// A target's line, from the office's view of its plan ([`tracking::tracking`]: the same
/// figures and status as the tracking page).
fn target_line(
    plan: PlanId,
    x: &tracking::TargetTracking,
    items: &HashMap<ItemId, Item>,
) -> TargetLine {
    let t = &x.target;
    let text = match items.get(&t.item) {
        Some(item) if t.phrase.trim().is_empty() => item.text.clone(),
        _ => t.phrase.clone(),
    };
    let level = t.accrual() == minsheng_domain::Accrual::Level;
    let counted = x.rollup.counted as i64;
    TargetLine {
        plan,
        target: t.id,
        no: format!("{}.{}", x.section_no, x.item_no),
        text,
        unit: t.quantity.unit.clone(),
        level,
        actual: x.rollup.value,
        quota: x.rollup.quota_sum.unwrap_or(t.quantity.value),
        completion: x
            .rollup
            .completion
            .map(|c| (c.ratio.unwrap_or(c.score) * Decimal::ONE_HUNDRED).round_dp(1)),
        expected: x.expected,
        assignments: counted,
        reported: counted - x.rollup.missing as i64,
        status: (counted > 0).then_some(x.status),
    }
}

// ---- output --------------------------------------------------------------------------------

fn pct(d: Decimal) -> String {
    format!("{}%", d.round_dp(1).normalize())
}

/// A figure for a person, with its unit.
fn amount(d: Decimal, unit: &str) -> String {
    format!("{}{unit}", format_zh(d))
}

/// `s` cut to at most `max` terminal columns (CJK characters are two), with … when cut.
fn truncate(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// Right- or left-aligned to `width` terminal columns.
fn pad(s: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(s.width()));
    if right {
        format!("{fill}{s}")
    } else {
        format!("{s}{fill}")
    }
}

/// Rows of cells laid out in columns; `right[i]` aligns column i to the right.
fn layout(header: &[&str], rows: &[Vec<String>], right: &[bool]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.width());
        }
    }
    let line = |cells: Vec<String>| {
        let cells: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| pad(c, widths[i], right[i]))
            .collect();
        format!("{}\n", cells.join("  ").trim_end())
    };
    let mut out = line(header.iter().map(|h| h.to_string()).collect());
    let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    out.push_str(&"-".repeat(total));
    out.push('\n');
    for r in rows {
        out.push_str(&line(r.clone()));
    }
    out
}

/// Terminal columns given to a target's text.
const TEXT_WIDTH: usize = 32;

fn render_table(
    asked: Period,
    month: Period,
    plans: &[Plan],
    targets: &[TargetLine],
    cities: &[CityLine],
) -> String {
    let mut out = String::new();
    let when = if asked == month {
        month.label_zh()
    } else {
        format!("{}(截至{})", asked.label_zh(), month.label_zh())
    };
    for p in plans {
        out.push_str(&format!("《{}》({when}) / status at {month}\n", p.title));
    }
    out.push('\n');
    let rows: Vec<Vec<String>> = targets
        .iter()
        .map(|t| {
            let mean = if t.level { "(均)" } else { "" };
            vec![
                t.no.clone(),
                truncate(&t.text, TEXT_WIDTH),
                match (t.actual, t.reported) {
                    (Some(a), r) if r > 0 || !a.is_zero() => {
                        format!("{}{mean}", amount(a, &t.unit))
                    }
                    _ => "—".into(),
                },
                format!("{}{mean}", amount(t.quota, &t.unit)),
                t.completion.map_or("—".into(), pct),
                t.expected.map_or("—".into(), |e| amount(e, &t.unit)),
                if t.assignments > 0 {
                    format!("{}/{}", t.assignments - t.reported, t.assignments)
                } else {
                    "—".into()
                },
                t.status
                    .map_or("未分解".to_string(), |s| s.label_zh().to_string()),
            ]
        })
        .collect();
    out.push_str(&layout(
        &[
            "序号",
            "目标",
            "实际",
            "目标值",
            "完成率",
            "序时进度",
            "缺报",
            "状态",
        ],
        &rows,
        &[false, false, true, true, true, true, true, false],
    ));
    let mut counts: Vec<String> = Vec::new();
    for s in Status::ALL {
        let n = targets.iter().filter(|t| t.status == Some(s)).count();
        counts.push(format!("{} {n}", s.label_zh()));
    }
    let missing: i64 = targets.iter().map(|t| t.assignments - t.reported).sum();
    out.push_str(&format!(
        "共 {} 个目标:{};缺报 {missing} 份 / {} targets; {missing} reports missing for {month}\n",
        targets.len(),
        counts.join(" · "),
        targets.len()
    ));

    out.push_str("\n各市(州)平均完成率 / mean completion per city\n");
    let rows: Vec<Vec<String>> = cities
        .iter()
        .enumerate()
        .map(|(i, c)| {
            vec![
                (i + 1).to_string(),
                c.name.clone(),
                c.assignments.to_string(),
                pct(c.mean),
            ]
        })
        .collect();
    out.push_str(&layout(
        &["排名", "市(州)", "任务数", "平均完成率"],
        &rows,
        &[true, false, true, true],
    ));
    let n: i64 = cities.iter().map(|c| c.assignments).sum();
    if n > 0 {
        let s: Decimal = cities.iter().map(|c| c.score_sum).sum();
        let mean = s / Decimal::from(n) * Decimal::ONE_HUNDRED;
        out.push_str(&format!(
            "全部 {n} 项任务平均完成率 {} / mean completion over {n} assignments\n",
            pct(mean)
        ));
    }
    out
}

fn render_csv(targets: &[TargetLine], cities: &[CityLine]) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "kind",
        "plan_id",
        "id",
        "no",
        "name",
        "unit",
        "mean_of_assignments",
        "actual",
        "quota",
        "completion_pct",
        "expected",
        "assignments",
        "reported",
        "missing",
        "status",
        "status_zh",
    ])?;
    let opt = |d: Option<Decimal>| d.map(|d| d.normalize().to_string()).unwrap_or_default();
    for t in targets {
        w.write_record([
            "target".to_string(),
            t.plan.0.to_string(),
            t.target.0.to_string(),
            t.no.clone(),
            t.text.clone(),
            t.unit.clone(),
            t.level.to_string(),
            opt(t.actual),
            t.quota.normalize().to_string(),
            opt(t.completion),
            opt(t.expected.map(|e| e.round_dp(4))),
            t.assignments.to_string(),
            t.reported.to_string(),
            (t.assignments - t.reported).to_string(),
            t.status.map(|s| s.code().to_string()).unwrap_or_default(),
            t.status
                .map(|s| s.label_zh().to_string())
                .unwrap_or_default(),
        ])?;
    }
    for c in cities {
        w.write_record([
            "city".to_string(),
            String::new(),
            c.unit.0.to_string(),
            String::new(),
            c.name.clone(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            c.mean.normalize().to_string(),
            String::new(),
            c.assignments.to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ])?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("CSV 输出失败 / cannot write CSV: {e}"))?;
    Ok(String::from_utf8(bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_text_is_cut_by_columns() {
        assert_eq!(truncate("城镇新增就业23万人", 32), "城镇新增就业23万人");
        let cut = truncate("为1.6万人(次)有需求的残疾人开展职业技能培训", 16);
        assert!(cut.width() <= 16, "{cut}");
        assert!(cut.ends_with('…'));
        assert_eq!(pad("长春市", 8, false).width(), 8);
        assert_eq!(pad("12", 5, true), "   12");
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn amounts_are_written_the_chinese_way() {
        assert_eq!(amount(Decimal::from(115_000), "人"), "11.5万人");
        assert_eq!(amount(d("153333.3333"), "人"), "15.33万人");
        assert_eq!(amount(d("66.66667"), "个"), "66.67个");
        assert_eq!(amount(d("81620000000"), "斤"), "816.2亿斤");
        assert_eq!(amount(d("3"), "工作日"), "3工作日");
        assert_eq!(pct(Decimal::new(5004, 2)), "50%");
    }
}
