//! A multi-year goal's chart ([`PathChart`]): its periods (base year, then each year or
//! quarter to the deadline) on the x axis, and three series — the path (dashed), the values
//! reported and accepted (solid, a dot each) and the forecast from the latest report to the
//! deadline (dotted). SVG drawn on the server like the trajectory, with the same scale rule.

use super::{BOTTOM, HEIGHT, LEFT, RIGHT, TOP, Tick, WIDTH, nice_step, px};
use crate::i18n::Lang;
use minsheng_app::goals::GoalView;
use minsheng_domain::Period;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// One series of the chart, laid out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PathSeries {
    /// `expected`, `actual` or `forecast`: the CSS class `series-{key}`.
    pub key: &'static str,
    pub name: &'static str,
    pub points: String,
    pub dots: Vec<(String, String)>,
    pub legend_x: String,
    pub legend_end: String,
    pub legend_text: String,
}

/// A goal's chart, laid out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PathChart {
    pub id: i64,
    pub width: String,
    pub height: String,
    pub title: &'static str,
    pub left: String,
    pub top: String,
    pub right: String,
    pub bottom: String,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub series: Vec<PathSeries>,
    pub unit: String,
}

/// The column a period stands in: the same period, or (a year's figure on a quarterly line)
/// its fourth quarter.
fn column(columns: &[Period], p: Period) -> Option<usize> {
    columns.iter().position(|c| *c == p).or_else(|| match p {
        Period::Year(year) => columns
            .iter()
            .position(|c| *c == Period::Quarter { year, quarter: 4 }),
        _ => None,
    })
}

fn short_label(p: Period, lang: Lang) -> String {
    match p {
        Period::Quarter { year, quarter } => lang.pick(
            format!("{}年Q{quarter}", year % 100),
            format!("Q{quarter} '{}", year % 100),
        ),
        Period::Year(year) => lang.pick(format!("{year}年"), year.to_string()),
        other => lang.pick(other.label_zh(), other.label_en()),
    }
}

impl PathChart {
    /// Lays out `g` with the words of `lang`.
    pub(crate) fn new(g: &GoalView, lang: Lang) -> PathChart {
        let msg = lang.pick(&super::msg::ZH, &super::msg::EN);
        let (title, expected, actual, forecast) = (
            msg.path_title,
            msg.path_expected,
            msg.path_actual,
            msg.forecast,
        );
        let columns: Vec<Period> = g.line.iter().map(|(p, _)| *p).collect();
        let n = columns.len().max(1);
        let mut rows: Vec<[Option<Decimal>; 3]> =
            g.line.iter().map(|(_, e)| [*e, None, None]).collect();
        for r in &g.reported {
            if let Some(i) = column(&columns, r.period) {
                rows[i][1] = Some(r.value);
            }
        }
        if let (Some(f), Some((p, v))) = (g.forecast, g.latest)
            && let Some(i) = column(&columns, p)
        {
            rows[i][2] = Some(v);
            if let Some(last) = rows.last_mut() {
                last[2] = Some(f.value);
            }
        }
        let max = rows
            .iter()
            .flat_map(|r| r.iter().flatten().copied())
            .chain([g.target.quantity.value])
            .max()
            .filter(|m| *m > Decimal::ZERO)
            .unwrap_or(Decimal::ONE);
        let step = nice_step(max);
        let steps = (max / step).ceil().to_u32().unwrap_or(4).clamp(1, 10);
        let top_value = step.saturating_mul(Decimal::from(steps));
        let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        let x = |i: usize| LEFT + (i as f64 + 0.5) * plot_w / n as f64;
        let y = |v: Decimal| {
            let f = (v / top_value).to_f64().unwrap_or(0.0).clamp(0.0, 1.0);
            HEIGHT - BOTTOM - f * plot_h
        };
        // Quarterly lines label every other quarter so that the labels do not overlap.
        let every = if n > 9 { 2 } else { 1 };
        let x_ticks = columns
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0)
            .map(|(i, p)| Tick {
                at: px(x(i)),
                label: short_label(*p, lang),
            })
            .collect();
        let y_ticks = (0..=steps)
            .map(|k| {
                let v = step.saturating_mul(Decimal::from(k));
                Tick {
                    at: px(y(v)),
                    label: lang.number(v),
                }
            })
            .collect();
        let mut legend_x = LEFT;
        let mut series = Vec::new();
        for (k, (key, name)) in [
            ("expected", expected),
            ("actual", actual),
            ("forecast", forecast),
        ]
        .into_iter()
        .enumerate()
        {
            let points: Vec<(String, String)> = rows
                .iter()
                .enumerate()
                .filter_map(|(i, r)| r[k].map(|v| (px(x(i)), px(y(v)))))
                .collect();
            series.push(PathSeries {
                key,
                name,
                points: points
                    .iter()
                    .map(|(a, b)| format!("{a},{b}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                dots: if key == "actual" { points } else { Vec::new() },
                legend_x: px(legend_x),
                legend_end: px(legend_x + 24.0),
                legend_text: px(legend_x + 30.0),
            });
            legend_x += 36.0 + 14.0 * name.chars().count() as f64;
        }
        PathChart {
            id: g.target.id.0,
            width: px(WIDTH),
            height: px(HEIGHT),
            title,
            left: px(LEFT),
            top: px(TOP),
            right: px(WIDTH - RIGHT),
            bottom: px(HEIGHT - BOTTOM),
            x_ticks,
            y_ticks,
            series,
            unit: g.target.quantity.unit.clone(),
        }
    }
}
