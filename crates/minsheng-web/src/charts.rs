//! Charts drawn on the server as SVG (they need no JavaScript, print, and paste into Word):
//! the geometry is computed here and written by a template (`chart_trajectory.html`), styled
//! by classes in `site.css` — no inline style, so the CSP holds. The same figures go to the
//! page as a JSON block for `assets/charts.js`, which redraws them with ECharts when it is
//! bundled.
//!
//! **Trajectory** ([`TrajectoryChart`]): a target's months from January to its deadline on the
//! x axis (1月 … 12月), its value on the y axis from 0 to a round number above every value
//! shown (steps of 1, 2 or 5 × 10ⁿ, labelled as officials write figures: 5万, 1.5亿), and
//! three series: 序时进度 (the linear schedule, dashed), the cumulative actual (solid, a dot
//! per month) and the forecast to the deadline (dotted).

mod msg;
pub(crate) mod path;

use crate::i18n::Lang;
use minsheng_app::target_detail::Trajectory;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use msg::{EN, ZH};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 32.0;

/// A label at a position along an axis.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tick {
    pub at: String,
    pub label: String,
}

/// One line of the chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    /// `expected`, `actual` or `forecast`: the CSS class `series-{key}`.
    pub key: &'static str,
    pub name: &'static str,
    /// The polyline's points, `x,y x,y …`.
    pub points: String,
    /// A dot per value, for the actual.
    pub dots: Vec<(String, String)>,
    /// Where its legend sample starts and ends, and where its name is written.
    pub legend_x: String,
    pub legend_end: String,
    pub legend_text: String,
}

/// A trajectory chart, laid out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TrajectoryChart {
    pub width: String,
    pub height: String,
    pub title: &'static str,
    /// The plot area's edges: left, top, right, bottom.
    pub left: String,
    pub top: String,
    pub right: String,
    pub bottom: String,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub series: Vec<Series>,
    /// The unit of the values, shown above the y axis.
    pub unit: String,
    /// The same figures for ECharts.
    pub data: ChartData,
}

/// The figures as `assets/charts.js` reads them (a JSON block on the page).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct ChartData {
    pub months: Vec<&'static str>,
    pub unit: String,
    pub series: Vec<SeriesData>,
}

/// One series for ECharts: a value or `null` per month.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct SeriesData {
    pub key: &'static str,
    pub name: &'static str,
    pub data: Vec<Option<f64>>,
}

fn px(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// A round step for about four intervals up to `max` (> 0): 1, 2 or 5 × 10ⁿ. Values near
/// `Decimal::MAX` (stored before reports were bounded) get the largest step that can be held
/// rather than an overflow.
fn nice_step(max: Decimal) -> Decimal {
    let four = Decimal::from(4);
    let raw = max / four;
    let ten = Decimal::TEN;
    let mut mag = Decimal::ONE;
    while let Some(next) = mag.checked_mul(ten).filter(|n| *n <= raw) {
        mag = next;
    }
    while mag > raw && mag.scale() < 12 {
        mag /= ten;
    }
    [1, 2, 5, 10]
        .into_iter()
        .filter_map(|f| Decimal::from(f).checked_mul(mag))
        .find(|s| s.checked_mul(four).is_none_or(|s4| s4 >= max))
        .unwrap_or(mag)
        .normalize()
}

impl TrajectoryChart {
    /// Lays out `t` with the words of `lang`.
    pub(crate) fn new(t: &Trajectory, lang: Lang) -> TrajectoryChart {
        let msg = lang.pick(&ZH, &EN);
        let n = t.months.len().max(1);
        let values = t
            .months
            .iter()
            .flat_map(|m| [Some(m.expected), m.actual, m.forecast])
            .flatten();
        let max = values.chain([t.goal]).max().unwrap_or(Decimal::ONE);
        let max = if max > Decimal::ZERO {
            max
        } else {
            Decimal::ONE
        };
        let step = nice_step(max);
        let steps = (max / step).ceil().to_u32().unwrap_or(4).clamp(1, 10);
        let top_value = step.saturating_mul(Decimal::from(steps));
        let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        let x = |i: usize| LEFT + (i as f64 + 0.5) * plot_w / n as f64;
        let y = |v: Decimal| {
            let f = (v / top_value).to_f64().unwrap_or(0.0).clamp(0.0, 1.0);
            HEIGHT - BOTTOM - f * plot_h
        };
        let month_label = |i: usize| {
            let m = t.months[i].month.months_into_year();
            msg.months[usize::try_from(m - 1).unwrap_or(0).min(11)]
        };
        let x_ticks = (0..t.months.len())
            .map(|i| Tick {
                at: px(x(i)),
                label: month_label(i).to_string(),
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
        let pick = |key: &str, i: usize| {
            let m = &t.months[i];
            match key {
                "expected" => Some(m.expected),
                "actual" => m.actual,
                _ => m.forecast,
            }
        };
        let defs = [
            ("expected", msg.expected),
            ("actual", msg.actual),
            ("forecast", msg.forecast),
        ];
        let mut legend_x = LEFT;
        let mut series = Vec::new();
        let mut data = Vec::new();
        for (key, name) in defs {
            let points: Vec<(String, String)> = (0..t.months.len())
                .filter_map(|i| pick(key, i).map(|v| (px(x(i)), px(y(v)))))
                .collect();
            series.push(Series {
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
            data.push(SeriesData {
                key,
                name,
                data: (0..t.months.len())
                    .map(|i| pick(key, i).and_then(|v| v.to_f64()))
                    .collect(),
            });
        }
        TrajectoryChart {
            width: px(WIDTH),
            height: px(HEIGHT),
            title: msg.title,
            left: px(LEFT),
            top: px(TOP),
            right: px(WIDTH - RIGHT),
            bottom: px(HEIGHT - BOTTOM),
            x_ticks,
            y_ticks,
            series,
            unit: t.unit.clone(),
            data: ChartData {
                months: (0..t.months.len()).map(month_label).collect(),
                unit: t.unit.clone(),
                series: data,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use askama::Template;
    use minsheng_app::target_detail::TrajectoryMonth;
    use minsheng_domain::Period;

    #[derive(Template)]
    #[template(path = "chart_trajectory.html")]
    struct Svg<'a> {
        chart: &'a TrajectoryChart,
    }

    fn sample() -> Trajectory {
        let goal = Decimal::from(230_000);
        Trajectory {
            goal,
            unit: "人".into(),
            months: (1..=12i8)
                .map(|m| {
                    let d = Decimal::from(m);
                    TrajectoryMonth {
                        month: Period::Month {
                            year: 2023,
                            month: m,
                        },
                        expected: goal * d / Decimal::from(12),
                        actual: (m <= 9).then(|| Decimal::from(17_000) * d),
                        forecast: (m >= 9).then(|| {
                            Decimal::from(153_000) + Decimal::from(21_000) * (d - Decimal::from(9))
                        }),
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(Decimal::from(230_000)), Decimal::from(100_000));
        assert_eq!(nice_step(Decimal::from(800)), Decimal::from(200));
        assert_eq!(nice_step(Decimal::from(95)), Decimal::from(50));
        assert_eq!(nice_step(Decimal::new(3, 1)), Decimal::new(1, 1));
    }

    #[test]
    fn the_trajectory_svg() {
        let chart = TrajectoryChart::new(&sample(), Lang::Zh);
        let labels: Vec<&str> = chart.y_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0", "10万", "20万", "30万"]);
        assert_eq!(chart.series[1].dots.len(), 9);
        assert_eq!(chart.data.series[2].data[..9].iter().flatten().count(), 1);
        insta::assert_snapshot!(Svg { chart: &chart }.render().unwrap());
    }
}
