//! Roll-ups of [`Assessment`]s: per target, over any group, and rankings of units.
//!
//! **Per target** ([`roll_up_target`]). For a count, the target's value is the sum of the
//! values of the assignments that hold a quota (the shares), and the quota sum is the sum of
//! their quotas; when no assignment holds a quota, the lead's value stands for the target
//! (the first lead, else the first assignment), so a lead and its partners are never counted
//! twice. For a level (a rate, a time limit) values do not add up and there is no quota sum:
//! the lead's level stands for the target when the lead has reported for the period;
//! otherwise the plain mean of the shares' levels stands (every share weighing the same —
//! a population-weighted mean would need weights the records do not hold). The completion is
//! that value against the whole target. `counted` is how many assignments the value was
//! taken from, and `missing` how many of those same ones have nothing accepted for the period
//! (the status [`Status::NotReported`] or [`Status::AwaitingReview`]).
//!
//! **A target's status** ([`target_status`]). A qualitative item: the lead's status when it
//! has reported for the period, else the worst among the shares that have. A count or a
//! level: when a share has reported for the period (or is already done), the rolled-up value
//! against 序时进度 ([`quantitative_status`] on [`Schedule::Linear`]). When nothing is
//! reported: [`Status::AwaitingReview`] if a share's report is filed and awaits review, else
//! [`Status::NotReported`].
//!
//! **Over a group** ([`summarize`], [`summarize_within`]): the mean of the capped scores,
//! every assessment weighing the same (one assignment of one target — a lead and a region
//! each count once), and the count of each status. An assignment that has not reported
//! keeps its score from its value at the period (0 if it never reported). A region's figure
//! includes every unit within it ([`UnitTree::is_within`]): itself, its departments, and all
//! the regions below it.
//!
//! **Ranking** ([`rank_units`]): units by their group's mean score, best first; units with
//! nothing to score last; ties broken by name (Unicode order, not pinyin), then id. Ranks
//! are 1, 2, 3 … with no shared places.

use crate::assessment::Assessment;
use crate::assignment::AssignmentRole;
use crate::goal::{Accrual, Goal};
use crate::ids::{TargetId, UnitId};
use crate::period::Period;
use crate::plan::Target;
use crate::plan::TargetKind;
use crate::progress::{Completion, completion};
use crate::quantity::saturating_sum;
use crate::schedule::Schedule;
use crate::status::{Status, Thresholds, quantitative_status};
use crate::unit::UnitTree;
use rust_decimal::Decimal;

/// A target rolled up from its assignments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetRollup {
    /// The target.
    pub target: TargetId,
    /// The target's value at the period; `None` for a level with no lead assessed.
    pub value: Option<Decimal>,
    /// The sum of the quotas of the shares; `None` when no assignment holds a quota or the
    /// target is a level.
    pub quota_sum: Option<Decimal>,
    /// The value against the whole target.
    pub completion: Option<Completion>,
    /// How many assignments were rolled into the value.
    pub counted: usize,
    /// How many of the target's assignments are not reported.
    pub missing: usize,
}

/// Rolls up the assessments of `target` (others in `rows` are ignored); `tolerance` is the
/// `approx` tolerance. See the module docs.
pub fn roll_up_target(target: &Target, rows: &[Assessment], tolerance: Decimal) -> TargetRollup {
    let rows: Vec<&Assessment> = rows.iter().filter(|r| r.target == target.id).collect();
    let lead = || {
        rows.iter()
            .find(|r| r.role == AssignmentRole::Lead)
            .or(rows.first())
            .copied()
    };
    let shares: Vec<&Assessment> = rows.iter().copied().filter(|r| r.quota.is_some()).collect();
    let goal = Goal::for_target(target);
    let (used, value, quota_sum): (Vec<&Assessment>, Option<Decimal>, Option<Decimal>) =
        match goal.accrual {
            Accrual::Cumulative if !shares.is_empty() => (
                shares.clone(),
                Some(saturating_sum(shares.iter().map(|r| r.value))),
                Some(saturating_sum(shares.iter().filter_map(|r| r.quota))),
            ),
            Accrual::Level if !shares.is_empty() => {
                match lead().filter(|r| r.quota.is_none() && r.reported) {
                    Some(r) => (vec![r], Some(r.value), None),
                    None => {
                        let n = Decimal::from(shares.len());
                        let mean = saturating_sum(shares.iter().map(|r| r.value)) / n;
                        (shares.clone(), Some(mean), None)
                    }
                }
            }
            _ => match lead() {
                Some(r) => (vec![r], Some(r.value), None),
                None => (Vec::new(), None, None),
            },
        };
    TargetRollup {
        target: target.id,
        value,
        quota_sum,
        completion: value.map(|v| completion(&goal, v, tolerance)),
        counted: used.len(),
        missing: used
            .iter()
            .filter(|r| r.status.severity().is_none())
            .count(),
    }
}

/// The status of `target` as a whole at `period`, from every assignment's assessment
/// (`assessed`), the shares that carry it (`shares`) and its rolled-up value; see the module
/// docs.
pub fn target_status(
    target: &Target,
    assessed: &[Assessment],
    shares: &[Assessment],
    value: Option<Decimal>,
    period: Period,
    thresholds: &Thresholds,
) -> Status {
    let nothing_reported = if shares.iter().any(|s| s.status == Status::AwaitingReview) {
        Status::AwaitingReview
    } else {
        Status::NotReported
    };
    match target.kind {
        TargetKind::Stage => assessed
            .iter()
            .find(|s| s.role == AssignmentRole::Lead && s.reported)
            .map(|s| s.status)
            .unwrap_or_else(|| {
                // The worst among the shares that have reported: an office wants to see the
                // one that is behind.
                shares
                    .iter()
                    .filter(|s| s.reported)
                    .map(|s| s.status)
                    .max_by_key(|s| s.severity())
                    .unwrap_or(nothing_reported)
            }),
        TargetKind::Quantity => {
            if shares
                .iter()
                .any(|s| s.reported || s.status == Status::Done)
            {
                let goal = Goal::for_target(target);
                quantitative_status(&goal, &Schedule::Linear, period, value, thresholds)
            } else {
                nothing_reported
            }
        }
    }
}

/// How many assessments have each status: one count per [`Status::ALL`], so a new status
/// is counted without touching this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatusCounts([usize; Status::COUNT]);

impl StatusCounts {
    /// The count for one status.
    pub fn get(&self, status: Status) -> usize {
        self.0[status.index()]
    }

    /// Counts one more of `status`.
    pub fn add(&mut self, status: Status) {
        self.0[status.index()] += 1;
    }

    /// Every status with its count, in the order of [`Status::ALL`].
    pub fn iter(&self) -> impl Iterator<Item = (Status, usize)> + '_ {
        Status::ALL.into_iter().map(|s| (s, self.get(s)))
    }

    /// All counted.
    pub fn total(&self) -> usize {
        self.0.iter().sum()
    }
}

/// A group of assessments summed up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GroupSummary {
    /// How many assessments.
    pub count: usize,
    /// The mean capped score; `None` for an empty group.
    pub mean_score: Option<Decimal>,
    /// How many of each status.
    pub counts: StatusCounts,
}

/// Sums up any group of assessments (a section, a plan, a unit's); see the module docs.
pub fn summarize<'a>(rows: impl IntoIterator<Item = &'a Assessment>) -> GroupSummary {
    let mut s = GroupSummary::default();
    let mut total = Decimal::ZERO;
    for r in rows {
        s.count += 1;
        total = total.saturating_add(r.score);
        s.counts.add(r.status);
    }
    s.mean_score = (s.count > 0).then(|| total / Decimal::from(s.count));
    s
}

/// Sums up the assessments of units within `region` (itself and all below it).
pub fn summarize_within(tree: &UnitTree, region: UnitId, rows: &[Assessment]) -> GroupSummary {
    summarize(rows.iter().filter(|r| tree.is_within(r.unit, region)))
}

/// A unit's place in a ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRank {
    /// 1 for the best.
    pub rank: usize,
    /// The unit.
    pub unit: UnitId,
    /// Its name (its id when the tree does not know it).
    pub name: String,
    /// Its figure, descendants included.
    pub summary: GroupSummary,
}

/// A unit's standing over several plans' rankings (`minsheng status` for a year with more than
/// one plan): its shares' capped scores averaged over all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CombinedRank {
    /// The unit.
    pub unit: UnitId,
    /// Its name, as the first ranking gave it.
    pub name: String,
    /// Its shares over all the rankings.
    pub assignments: i64,
    /// Σ of those shares' capped completion scores.
    pub score_sum: Decimal,
    /// Their mean, in percent to one decimal place (0 with no share).
    pub mean: Decimal,
}

/// Combines rankings of several plans into one, best mean first (then by unit): each unit's
/// shares counted with their plan's mean score. Sums that would overflow saturate (scores are
/// capped, so none does in practice).
pub fn combine_rankings<'a>(
    rankings: impl IntoIterator<Item = &'a [UnitRank]>,
) -> Vec<CombinedRank> {
    let mut by_unit: std::collections::BTreeMap<UnitId, CombinedRank> = Default::default();
    for ranking in rankings {
        for r in ranking {
            let e = by_unit.entry(r.unit).or_insert_with(|| CombinedRank {
                unit: r.unit,
                name: r.name.clone(),
                assignments: 0,
                score_sum: Decimal::ZERO,
                mean: Decimal::ZERO,
            });
            let n = i64::try_from(r.summary.count).unwrap_or(i64::MAX);
            e.assignments = e.assignments.saturating_add(n);
            let part = r
                .summary
                .mean_score
                .unwrap_or_default()
                .saturating_mul(Decimal::from(n));
            e.score_sum = e.score_sum.saturating_add(part);
        }
    }
    let mut out: Vec<CombinedRank> = by_unit
        .into_values()
        .map(|mut c| {
            if c.assignments > 0 {
                c.mean = (c.score_sum / Decimal::from(c.assignments))
                    .saturating_mul(Decimal::ONE_HUNDRED)
                    .round_dp(1);
            }
            c
        })
        .collect();
    out.sort_by(|a, b| b.mean.cmp(&a.mean).then(a.unit.cmp(&b.unit)));
    out
}

/// Ranks `units` by the mean score of the assessments within each; see the module docs.
pub fn rank_units<'a>(
    tree: &UnitTree,
    units: &[UnitId],
    rows: impl IntoIterator<Item = &'a Assessment>,
) -> Vec<UnitRank> {
    // Each row is filed once under every ranked unit it lies within (itself and its
    // ancestors, as `summarize_within` counts it), walking each row's unit up the tree once:
    // rows × depth, not units × rows × depth (a county-scale plan ranks ~100 units over ~7,000
    // shares, and this ran on every dashboard computed).
    let ranked: std::collections::HashSet<UnitId> = units.iter().copied().collect();
    let mut above: std::collections::HashMap<UnitId, Vec<UnitId>> =
        std::collections::HashMap::new();
    let mut within: std::collections::HashMap<UnitId, Vec<&'a Assessment>> =
        std::collections::HashMap::new();
    for r in rows {
        let chain = above.entry(r.unit).or_insert_with(|| {
            std::iter::once(r.unit)
                .chain(tree.ancestors(r.unit).iter().map(|u| u.id))
                .filter(|u| ranked.contains(u))
                .collect()
        });
        for u in chain.iter() {
            within.entry(*u).or_default().push(r);
        }
    }
    let mut out: Vec<UnitRank> = units
        .iter()
        .map(|&unit| UnitRank {
            rank: 0,
            unit,
            name: tree
                .get(unit)
                .map_or_else(|| unit.to_string(), |u| u.name.clone()),
            summary: summarize(within.get(&unit).into_iter().flatten().copied()),
        })
        .collect();
    out.sort_by(|a, b| {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let by_score = match (a.summary.mean_score, b.summary.mean_score) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => Less,
            (None, Some(_)) => Greater,
            (None, None) => Equal,
        };
        by_score
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.unit.cmp(&b.unit))
    });
    for (i, r) in out.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{d, jilin, p, target};
    use crate::ids::AssignmentId;
    use crate::quantity::Cmp;
    use proptest::prelude::*;

    fn row(unit: i64, quota: Option<&str>, value: &str, score: &str, status: Status) -> Assessment {
        Assessment {
            target: TargetId(1),
            assignment: AssignmentId(unit),
            unit: UnitId(unit),
            role: if quota.is_some() {
                AssignmentRole::Partner
            } else {
                AssignmentRole::Lead
            },
            quota: quota.map(d),
            period: p("2023-06"),
            value: d(value),
            reported: status != Status::NotReported,
            score: d(score),
            status,
            expected: None,
            scheduled: false,
        }
    }

    #[test]
    fn a_rate_is_the_leads_level_when_reported_else_the_shares_mean() {
        let t = target("1.3", "倍", Cmp::Ge);
        let shares = [
            row(2, Some("1.3"), "1.2", "0.92", Status::OnTrack),
            row(5, Some("1.3"), "1.0", "0.77", Status::Lagging),
            row(6, Some("1.3"), "0", "0", Status::NotReported),
        ];
        // The lead has not reported: the shares' plain mean, over all three.
        let mut rows = vec![row(4, None, "0", "0", Status::NotReported)];
        rows.extend(shares.iter().cloned());
        let r = roll_up_target(&t, &rows, d("0.1"));
        assert_eq!(r.value, Some(d("2.2") / d("3")));
        assert_eq!(r.quota_sum, None);
        assert_eq!((r.counted, r.missing), (3, 1));
        // The lead's own level stands once it reports.
        rows[0] = row(4, None, "1.25", "0.96", Status::OnTrack);
        let r = roll_up_target(&t, &rows, d("0.1"));
        assert_eq!(r.value, Some(d("1.25")));
        assert_eq!((r.counted, r.missing), (1, 0));
    }

    #[test]
    fn a_target_is_the_sum_of_its_shares_not_of_its_lead() {
        let t = target("230000", "人", Cmp::Ge);
        let rows = [
            row(4, None, "120000", "0.52", Status::OnTrack),
            row(2, Some("130000"), "70000", "0.54", Status::OnTrack),
            row(5, Some("100000"), "40000", "0.4", Status::NotReported),
        ];
        let r = roll_up_target(&t, &rows, d("0.1"));
        assert_eq!(r.value, Some(d("110000")));
        assert_eq!(r.quota_sum, Some(d("230000")));
        assert_eq!(r.completion.unwrap().ratio, Some(d("110000") / d("230000")));
        assert_eq!((r.counted, r.missing), (2, 1));
        // the lead alone
        let r = roll_up_target(&t, &rows[..1], d("0.1"));
        assert_eq!(
            (r.value, r.quota_sum, r.counted),
            (Some(d("120000")), None, 1)
        );
        // a rate: the lead's level, never a sum
        let rate = target("95", "%", Cmp::Ge);
        let rows = [
            row(4, None, "96", "1", Status::Done),
            row(2, Some("95"), "90", "0.9", Status::Lagging),
        ];
        let r = roll_up_target(&rate, &rows, d("0.1"));
        assert_eq!((r.value, r.quota_sum), (Some(d("96")), None));
        assert!(r.completion.unwrap().met);
    }

    #[test]
    fn groups_and_rankings_include_descendants() {
        let tree = jilin();
        let rows = [
            row(2, Some("1"), "0", "0.5", Status::Lagging),
            row(3, Some("1"), "0", "1", Status::Done),
            row(5, Some("1"), "0", "0.75", Status::OnTrack),
            row(6, Some("1"), "0", "0.75", Status::AtRisk),
        ];
        let changchun = summarize_within(&tree, UnitId(2), &rows);
        assert_eq!(changchun.count, 2);
        assert_eq!(changchun.mean_score, Some(d("0.75")));
        assert_eq!(
            (
                changchun.counts.get(Status::Done),
                changchun.counts.get(Status::Lagging)
            ),
            (1, 1)
        );
        let all = summarize_within(&tree, UnitId(1), &rows);
        assert_eq!((all.count, all.counts.total()), (4, 4));
        assert_eq!(summarize(&[]).mean_score, None);
        let ranked = rank_units(&tree, &[UnitId(6), UnitId(5), UnitId(4), UnitId(2)], &rows);
        let names: Vec<_> = ranked.iter().map(|r| (r.rank, r.name.as_str())).collect();
        // 长春 0.75, 吉林 0.75, 四平 0.75 tie → by name; the department has nothing → last
        assert_eq!(
            names,
            [
                (1, "吉林市"),
                (2, "四平市"),
                (3, "长春市"),
                (4, "省人力资源和社会保障厅")
            ]
        );
    }

    proptest! {
        /// Ranking files each row under the units it lies within in one pass; the summary of
        /// each ranked unit is what `summarize_within` counts for it, whatever the rows.
        #[test]
        fn ranking_summaries_are_summaries_within(
            picks in proptest::collection::vec((1i64..=7, 0u32..=100, 0usize..5), 0..40),
            ranked in proptest::collection::vec(1i64..=8, 0..8)
        ) {
            let tree = jilin();
            let rows: Vec<Assessment> = picks
                .iter()
                .map(|&(unit, score, s)| Assessment {
                    score: Decimal::new(score.into(), 2),
                    ..row(unit, Some("1"), "0", "0", Status::ALL[s % Status::ALL.len()])
                })
                .collect();
            let units: Vec<UnitId> = ranked.iter().map(|&u| UnitId(u)).collect();
            for r in rank_units(&tree, &units, &rows) {
                prop_assert_eq!(&r.summary, &summarize_within(&tree, r.unit, &rows));
            }
        }

        #[test]
        fn one_child_rolls_up_to_itself(v in 0u64..1_000_000, q in 1u64..1_000_000, score in 0u32..=100) {
            let t = target(&q.to_string(), "人", Cmp::Ge);
            let score = Decimal::new(score.into(), 2);
            let only = Assessment {
                value: Decimal::from(v),
                quota: Some(Decimal::from(q)),
                score,
                ..row(2, Some("1"), "0", "0", Status::OnTrack)
            };
            let r = roll_up_target(&t, std::slice::from_ref(&only), d("0.1"));
            prop_assert_eq!(r.value, Some(only.value));
            prop_assert_eq!(r.quota_sum, only.quota);
            let own = completion(&Goal::for_target(&t), only.value, d("0.1"));
            prop_assert_eq!(r.completion, Some(own));
            let s = summarize(std::slice::from_ref(&only));
            prop_assert_eq!(s.mean_score, Some(score));
            prop_assert_eq!(s.counts.get(only.status), 1);
        }

        #[test]
        fn a_checked_split_delivered_in_full_rolls_up_to_the_target(
            v in 1u64..10_000_000_000, ws in proptest::collection::vec(1u64..10_000, 1..30)
        ) {
            let t = target(&v.to_string(), "人", Cmp::Ge);
            let shares = crate::assignment::split_by_weights(Decimal::from(v), &ws).unwrap();
            prop_assert_eq!(crate::split::check_split(&t, &shares, d("0.1")), Ok(()));
            let rows: Vec<Assessment> = shares.iter().enumerate().map(|(i, &s)| Assessment {
                value: s,
                quota: Some(s),
                ..row(i as i64, Some("1"), "0", "1", Status::Done)
            }).collect();
            let r = roll_up_target(&t, &rows, d("0.1"));
            prop_assert_eq!(r.value, Some(Decimal::from(v)));
            prop_assert_eq!(r.quota_sum, Some(Decimal::from(v)));
            let c = r.completion.unwrap();
            prop_assert_eq!((c.ratio, c.met), (Some(Decimal::ONE), true));
            prop_assert_eq!(summarize(&rows).mean_score, Some(Decimal::ONE));
        }

        #[test]
        fn the_sum_of_shares_is_the_sum_of_the_parts(
            parts in proptest::collection::vec((0u64..100_000, 0u64..100_000), 1..20)
        ) {
            let q: u64 = parts.iter().map(|p| p.1).sum();
            let t = target(&q.max(1).to_string(), "人", Cmp::Ge);
            let rows: Vec<Assessment> = parts.iter().enumerate().map(|(i, &(v, q))| Assessment {
                value: Decimal::from(v),
                quota: Some(Decimal::from(q)),
                ..row(i as i64, Some("1"), "0", "0", Status::OnTrack)
            }).collect();
            let r = roll_up_target(&t, &rows, d("0.1"));
            prop_assert_eq!(r.value, Some(Decimal::from(parts.iter().map(|p| p.0).sum::<u64>())));
            prop_assert_eq!(r.quota_sum, Some(Decimal::from(q)));
            prop_assert_eq!(r.counted, parts.len());
        }
    }

    #[test]
    fn rankings_of_several_plans_combine_by_shares() {
        let rank = |unit: i64, name: &str, count: usize, mean: Option<&str>| UnitRank {
            rank: 0,
            unit: UnitId(unit),
            name: name.into(),
            summary: GroupSummary {
                count,
                mean_score: mean.map(d),
                counts: StatusCounts::default(),
            },
        };
        // 长春: 3 shares at 0.5 and 1 at 0.9 → 0.6 → 60%; 吉林: 2 at 0.7 → 70%; 白山: none.
        let a = vec![
            rank(1, "长春市", 3, Some("0.5")),
            rank(2, "吉林市", 2, Some("0.7")),
        ];
        let b = vec![
            rank(1, "长春市", 1, Some("0.9")),
            rank(3, "白山市", 0, None),
        ];
        let out = combine_rankings([a.as_slice(), b.as_slice()]);
        let got: Vec<(i64, i64, Decimal)> = out
            .iter()
            .map(|c| (c.unit.0, c.assignments, c.mean))
            .collect();
        assert_eq!(
            got,
            vec![(2, 2, d("70.0")), (1, 4, d("60.0")), (3, 0, Decimal::ZERO)]
        );
        assert_eq!(out[1].score_sum, d("2.4"));
        assert_eq!(out[1].name, "长春市");
        assert!(combine_rankings(std::iter::empty::<&[UnitRank]>()).is_empty());
    }
}
