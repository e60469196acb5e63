//! The office's view of a plan ([`minsheng_app::tracking`]) formatted for reading, shared by
//! the pages that show it (the tracking page, the office dashboard): a target's line, a
//! unit's line of the ranking, percentages and the month picker.

use crate::i18n::Lang;
use minsheng_app::tracking::TargetTracking;
use minsheng_domain::rollup::UnitRank;
use minsheng_domain::{ItemId, Period, Status, TargetId, TargetKind};
use rust_decimal::Decimal;

/// A fraction as a percentage with one decimal (`0.4738` → `47.4%`), `—` for none.
pub(crate) fn pct(d: Option<Decimal>) -> String {
    d.map(|d| {
        // Saturating: a ratio of a stored value near `Decimal::MAX` still reads.
        let p = d.saturating_mul(Decimal::ONE_HUNDRED);
        format!("{}%", p.round_dp(1).normalize())
    })
    .unwrap_or_else(|| "—".into())
}

/// One target's line, formatted for reading.
pub(crate) struct TrackRow {
    pub target: TargetId,
    pub item: ItemId,
    /// 1.3: section 1, item 3.
    pub no: String,
    pub phrase: String,
    pub goal: String,
    pub actual: String,
    pub expected: String,
    pub completion: String,
    pub status: Status,
    pub forecast: String,
    pub missing: usize,
    pub shares: usize,
}

/// A target's line in `lang` (figures by the language's rule: 23万人, 230,000 people).
pub(crate) fn track_row(x: &TargetTracking, lang: Lang) -> TrackRow {
    let unit = &x.target.quantity.unit;
    let q = |d: Decimal| lang.amount(d, unit);
    TrackRow {
        target: x.target.id,
        item: x.target.item,
        no: format!("{}.{}", x.section_no, x.item_no),
        phrase: x.target.phrase.clone(),
        goal: match x.target.kind {
            TargetKind::Stage => lang
                .pick("定性事项(阶段)", "qualitative (stage)")
                .to_string(),
            TargetKind::Quantity => format!(
                "{} {}",
                lang.pick(x.target.cmp.label_zh(), x.target.cmp.label_en()),
                lang.quantity(&x.target.quantity)
            ),
        },
        actual: x.rollup.value.map(q).unwrap_or_else(|| "—".into()),
        expected: x.expected.map(q).unwrap_or_else(|| "—".into()),
        completion: pct(x.rollup.completion.map(|c| c.score)),
        status: x.status,
        forecast: x
            .forecast
            .as_ref()
            .map(|f| format!("{}{}", q(f.value), if f.meets { "" } else { " ⚠" }))
            .unwrap_or_else(|| "—".into()),
        missing: x.rollup.missing,
        shares: x.rollup.counted,
    }
}

/// One unit's line of the ranking.
pub(crate) struct RankRow {
    pub rank: usize,
    pub name: String,
    pub mean: String,
    /// Its shares in each status of [`Status::shortfalls`], in that order.
    pub shortfalls: Vec<usize>,
}

/// The ranking's lines.
pub(crate) fn rank_rows(ranking: &[UnitRank]) -> Vec<RankRow> {
    ranking
        .iter()
        .map(|r| RankRow {
            rank: r.rank,
            name: r.name.clone(),
            mean: pct(r.summary.mean_score),
            shortfalls: Status::shortfalls()
                .map(|s| r.summary.counts.get(s))
                .collect(),
        })
        .collect()
}

/// The months of `year` for a picker: (code, label in `lang`, whether it is `period`).
pub(crate) fn month_options(year: i16, period: Period, lang: Lang) -> Vec<(String, String, bool)> {
    Period::Year(year)
        .months()
        .map(|m| {
            let label = match lang {
                Lang::Zh => m.label_zh(),
                Lang::En => m.label_en(),
            };
            (m.to_string(), label, m == period)
        })
        .collect()
}

/// A status however deep the template's references to it go.
pub(crate) trait AsStatus {
    fn status(&self) -> Status;
}

impl AsStatus for Status {
    fn status(&self) -> Status {
        *self
    }
}

impl<T: AsStatus + ?Sized> AsStatus for &T {
    fn status(&self) -> Status {
        (**self).status()
    }
}
