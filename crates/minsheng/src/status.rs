//! `minsheng status`: the office's view of a month — every target of the plan(s) with its
//! rolled-up actual against its quota, completion, missing reports and status, then the
//! cities ranked by mean completion.
//!
//! Figures come from the materialized roll-up ([`minsheng_app::rollup::dashboard`]); the
//! status follows the domain's rules ([`minsheng_domain::status::quantitative_status`] with
//! [`Thresholds::default`], expected value from [`Schedule::Linear`] against
//! [`Goal::for_target`]).
//!
//! **Levels.** The roll-up adds its assignments' values up. For a count that is the total;
//! for a level (a rate, a time limit) the sum means nothing, so a level target shows the
//! mean over its assignments (Σ ÷ assignments), and is held to its goal by that mean.
//!
//! **Not reported.** A target is 未报送 when none of its assignments has an accepted report
//! for the month itself; otherwise its status is computed from the rolled-up value.

use crate::config;
use anyhow::bail;
use clap::{Args, ValueEnum};
use minsheng_app::rollup::{self, Dashboard};
use minsheng_domain::quantity::format_zh_rounded;
use minsheng_domain::{
    Goal, Item, ItemId, Period, Plan, PlanId, Schedule, Section, SectionId, Status, Target,
    TargetId, Thresholds, UnitId, UnitTree, completion, quantitative_status,
};
use minsheng_store::OwnedTargetMonth;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};
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

/// One city's line.
#[derive(Debug, Clone, PartialEq)]
struct CityLine {
    unit: UnitId,
    name: String,
    assignments: i64,
    /// Σ of the assignments' capped completion scores.
    score_sum: Decimal,
    /// Mean capped completion, percent.
    mean: Decimal,
}

/// `minsheng status`.
pub async fn run(config_file: Option<&Path>, args: &StatusArgs) -> anyhow::Result<()> {
    let asked = Period::parse(&args.period).map_err(|e| anyhow::anyhow!("--period:{e}"))?;
    let month = asked.last_month();
    let cfg = config::load(config_file, &args.db.db, &None)?;
    let store = crate::report_import::open_existing(&cfg.database_url).await?;
    let result = gather(&store, month, args.plan).await;
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
    let dash = rollup::dashboard(store, month).await?;
    let tree = store.unit_tree().await?;
    let mut targets = Vec::new();
    let mut sections_in: HashSet<SectionId> = HashSet::new();
    for plan in &plans {
        let sections = store.sections(plan.id).await?;
        sections_in.extend(sections.iter().map(|s| s.id));
        let items = store.items(plan.id).await?;
        let plan_targets = store.targets(plan.id).await?;
        targets.extend(target_lines(
            plan.id,
            &sections,
            &items,
            &plan_targets,
            &dash.targets,
            month,
        ));
    }
    let cities = city_lines(&dash, &tree, &sections_in);
    Ok((plans, targets, cities))
}

/// The targets' lines in document order.
fn target_lines(
    plan: PlanId,
    sections: &[Section],
    items: &[Item],
    targets: &[Target],
    rows: &[OwnedTargetMonth],
    month: Period,
) -> Vec<TargetLine> {
    let section_no: HashMap<SectionId, u32> = sections.iter().map(|s| (s.id, s.no)).collect();
    let item_of: HashMap<ItemId, &Item> = items.iter().map(|i| (i.id, i)).collect();
    let row_of: HashMap<TargetId, &OwnedTargetMonth> =
        rows.iter().map(|r| (r.row.target, r)).collect();
    let thresholds = Thresholds::default();
    let mut out: Vec<(u32, u32, u32, TargetLine)> = Vec::new();
    for t in targets {
        let Some(item) = item_of.get(&t.item) else {
            continue;
        };
        let sno = section_no.get(&item.section).copied().unwrap_or(0);
        let text = if t.phrase.trim().is_empty() {
            item.text.clone()
        } else {
            t.phrase.clone()
        };
        let goal = Goal::for_target(t);
        let level = !t.quantity.is_additive();
        let row = row_of.get(&t.id).map(|r| &r.row);
        let n = row.map_or(0, |r| r.assignments);
        let mean = |v: Decimal| {
            if level && n > 0 {
                (v / Decimal::from(n)).round_dp(4).normalize()
            } else {
                v
            }
        };
        let actual = row.map(|r| mean(r.actual));
        let quota = row.map_or(t.quantity.value, |r| mean(r.quota));
        let reported = row.map_or(0, |r| r.reported);
        let status = (n > 0).then(|| {
            let value = actual.filter(|_| reported > 0);
            quantitative_status(&goal, &Schedule::Linear, month, value, &thresholds)
        });
        let completion = actual.map(|a| {
            let c = completion(&goal, a, thresholds.approx_tolerance());
            (c.ratio.unwrap_or(c.score) * Decimal::ONE_HUNDRED).round_dp(1)
        });
        out.push((
            sno,
            item.no,
            t.seq,
            TargetLine {
                plan,
                target: t.id,
                no: format!("{sno}.{}", item.no),
                text,
                unit: t.quantity.unit.clone(),
                level,
                actual,
                quota,
                completion,
                expected: Schedule::Linear.expected(&goal, month),
                assignments: n,
                reported,
                status,
            },
        ));
    }
    out.sort_by_key(|(s, i, q, _)| (*s, *i, *q));
    out.into_iter().map(|(.., line)| line).collect()
}

/// Each city's mean completion over the sections of the chosen plans, best first.
fn city_lines(dash: &Dashboard, tree: &UnitTree, sections: &HashSet<SectionId>) -> Vec<CityLine> {
    let mut sums: BTreeMap<UnitId, (i64, Decimal)> = BTreeMap::new();
    for r in dash
        .regions
        .iter()
        .filter(|r| sections.contains(&r.row.section))
    {
        let e = sums.entry(r.row.unit).or_default();
        e.0 += r.row.assignments;
        e.1 += r.row.score_sum;
    }
    let mut out: Vec<CityLine> = sums
        .into_iter()
        .map(|(unit, (n, s))| CityLine {
            unit,
            name: tree
                .get(unit)
                .map_or_else(|| format!("单位 {unit}"), |u| u.name.clone()),
            assignments: n,
            score_sum: s,
            mean: if n == 0 {
                Decimal::ZERO
            } else {
                (s / Decimal::from(n) * Decimal::ONE_HUNDRED).round_dp(1)
            },
        })
        .collect();
    out.sort_by(|a, b| b.mean.cmp(&a.mean).then(a.unit.cmp(&b.unit)));
    out
}

// ---- output --------------------------------------------------------------------------------

fn pct(d: Decimal) -> String {
    format!("{}%", d.round_dp(1).normalize())
}

/// A figure for a person, with its unit.
fn amount(d: Decimal, unit: &str) -> String {
    format!("{}{unit}", format_zh_rounded(d))
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
