//! Year end (年终结转): a plan is closed once its year is over. Every target it did not finish
//! is either **carried over** into a later year's plan — a new target there for what remains,
//! linked back to the one it came from — or **closed with a reason**. Then the plan is closed
//! and takes no more reports, splits or edits.
//!
//! The rules, in one place:
//! - what remains of a target: for a count (a cumulative target held "at least", "exactly" or
//!   "about", 新改建农村公路3000公里) the target less what was achieved, by checked arithmetic,
//!   and nothing to carry when nothing remains; for a level (a rate, a time limit, a standard,
//!   a cap, a qualitative item) the same level again ([`remainder`]);
//! - what the office must decide: one decision for every unfinished target, a reason for each
//!   one closed, a plan of a later year (never this plan) for each one carried over
//!   ([`check_closing`]); every refusal names the target and the reason, and nothing is
//!   written unless all pass;
//! - a closed plan refuses every write that would change its figures ([`check_open`]).

use crate::goal::Accrual;
use crate::ids::{PlanId, TargetId};
use crate::plan::TargetKind;
use crate::quantity::{Cmp, Quantity};
use crate::text::{TextField, check_length};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Whether a plan's year is still running (open) or has been closed at year end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanState {
    /// Its year runs: reports, splits and edits are taken.
    Open,
    /// Closed at year end: its figures are final.
    Closed,
}

impl PlanState {
    /// Every state.
    pub const ALL: [PlanState; 2] = [PlanState::Open, PlanState::Closed];

    /// The stable code stored and exchanged.
    pub fn code(self) -> &'static str {
        match self {
            PlanState::Open => "open",
            PlanState::Closed => "closed",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<PlanState> {
        PlanState::ALL.into_iter().find(|p| p.code() == s)
    }

    /// The Chinese name of the state.
    pub fn label_zh(self) -> &'static str {
        match self {
            PlanState::Open => "执行中",
            PlanState::Closed => "已关闭",
        }
    }

    /// The English name of the state.
    pub fn label_en(self) -> &'static str {
        match self {
            PlanState::Open => "Open",
            PlanState::Closed => "Closed",
        }
    }
}

/// A write refused because its plan is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "计划 {plan} 已关闭(年终结转),不再接受填报、分解或修改 / plan {plan} is closed at year end: it takes no more reports, splits or edits"
)]
pub struct PlanClosed {
    /// The plan.
    pub plan: PlanId,
}

/// Whether a plan in `state` takes a write that changes its figures (a report, a review, a
/// split, a schedule, an edit): the one rule every such write asks.
pub fn check_open(plan: PlanId, state: PlanState) -> Result<(), PlanClosed> {
    match state {
        PlanState::Open => Ok(()),
        PlanState::Closed => Err(PlanClosed { plan }),
    }
}

/// What became of an unfinished target when its plan was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Disposition {
    /// 结转: carried over into a later plan, as a new target for what remained.
    CarriedOver,
    /// 结项: closed with a reason.
    Closed,
}

impl Disposition {
    /// Every disposition.
    pub const ALL: [Disposition; 2] = [Disposition::CarriedOver, Disposition::Closed];

    /// The stable code stored and exchanged.
    pub fn code(self) -> &'static str {
        match self {
            Disposition::CarriedOver => "carried_over",
            Disposition::Closed => "closed",
        }
    }

    /// Parses a stable code.
    pub fn from_code(s: &str) -> Option<Disposition> {
        Disposition::ALL.into_iter().find(|d| d.code() == s)
    }

    /// The Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            Disposition::CarriedOver => "结转下年",
            Disposition::Closed => "结项",
        }
    }

    /// The English name.
    pub fn label_en(self) -> &'static str {
        match self {
            Disposition::CarriedOver => "Carried over",
            Disposition::Closed => "Closed",
        }
    }
}

/// An unfinished target as the closing sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfinished {
    /// The target.
    pub target: TargetId,
    /// How people name it in a message (第3项「新改建农村公路3000公里」).
    pub name: String,
    /// What it was held to.
    pub quantity: Quantity,
    /// How progress was held against it.
    pub cmp: Cmp,
    /// A count or a level.
    pub accrual: Accrual,
    /// A number or a qualitative item's stage.
    pub kind: TargetKind,
    /// What was achieved by the end (the accepted figure), when anything was.
    pub achieved: Option<Decimal>,
}

/// What the office decides for one unfinished target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Carry it over into the plan chosen for the closing.
    CarryOver,
    /// Close it, for this reason.
    Close {
        /// Why (required).
        reason: String,
    },
}

/// The plan a closing carries targets into: its id and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextPlan {
    /// The plan.
    pub plan: PlanId,
    /// Its year.
    pub year: i16,
    /// Whether it is itself open (a closed plan takes nothing).
    pub state: PlanState,
}

/// One target's outcome, checked: what the closing writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The target.
    pub target: TargetId,
    /// Carried over or closed.
    pub disposition: Disposition,
    /// The reason, for a target closed.
    pub reason: Option<String>,
    /// What the new target in the next plan is held to, for a target carried over.
    pub carried: Option<Quantity>,
}

/// Why a closing is refused; each names the target (or the plan) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YearEndError {
    /// No decision was given for an unfinished target.
    #[error("{target}:请选择结转下年或结项 / {target}: choose to carry it over or close it")]
    NoDecision {
        /// The target.
        target: String,
    },
    /// A decision names a target that is not among the plan's unfinished ones.
    #[error(
        "目标 {target} 不是本计划未完成的目标 / target {target} is not an unfinished target of this plan"
    )]
    NotUnfinished {
        /// The target's id.
        target: i64,
    },
    /// A target closed without a reason.
    #[error("{target}:结项须填写原因 / {target}: a reason is required to close it")]
    ReasonRequired {
        /// The target.
        target: String,
    },
    /// A reason longer than the field allows.
    #[error("{target}:{error}")]
    ReasonTooLong {
        /// The target.
        target: String,
        /// How long it was.
        error: crate::text::TooLong,
    },
    /// A target to carry over, and no plan named to carry it into.
    #[error(
        "{target}:结转须选择下一年度的计划 / {target}: choose the next year's plan to carry it into"
    )]
    NoNextPlan {
        /// The target.
        target: String,
    },
    /// The plan named to carry into is this plan.
    #[error("不能结转到本计划自身 / a plan cannot carry targets into itself")]
    SamePlan,
    /// The plan named to carry into is not of a later year.
    #[error(
        "结转计划为 {next_year} 年,须晚于本计划的 {year} 年 / the plan carried into is for {next_year}, it must be later than {year}"
    )]
    NotLater {
        /// This plan's year.
        year: i16,
        /// The other plan's year.
        next_year: i16,
    },
    /// The plan named to carry into is closed itself.
    #[error("结转计划 {plan} 已关闭 / the plan carried into, {plan}, is closed")]
    NextClosed {
        /// The other plan.
        plan: PlanId,
    },
    /// A count carried over of which nothing remains.
    #[error(
        "{target}:已达到目标值,没有剩余可结转 / {target}: the target was reached, nothing remains to carry over"
    )]
    NothingRemains {
        /// The target.
        target: String,
    },
    /// What remains cannot be computed exactly (a figure out of range).
    #[error(
        "{target}:剩余量超出可计算范围 / {target}: what remains is out of the range that can be computed"
    )]
    OutOfRange {
        /// The target.
        target: String,
    },
}

/// What a target carried over is held to in the next plan: for a count, the target less what
/// was achieved (nothing achieved: all of it); for a level, a cap or a qualitative item, the
/// same level. Refused when a count has nothing left or the subtraction is out of range.
pub fn remainder(u: &Unfinished) -> Result<Quantity, YearEndError> {
    let counts = u.kind == TargetKind::Quantity
        && u.accrual == Accrual::Cumulative
        && matches!(u.cmp, Cmp::Ge | Cmp::Eq | Cmp::Approx);
    if !counts {
        return Ok(u.quantity.clone());
    }
    let achieved = u.achieved.unwrap_or(Decimal::ZERO).max(Decimal::ZERO);
    let left = u
        .quantity
        .value
        .checked_sub(achieved)
        .ok_or_else(|| YearEndError::OutOfRange {
            target: u.name.clone(),
        })?;
    if left <= Decimal::ZERO {
        return Err(YearEndError::NothingRemains {
            target: u.name.clone(),
        });
    }
    Ok(Quantity::new(left.normalize(), u.quantity.unit.clone()))
}

/// Checks a closing of the plan `plan` of `year`: every unfinished target decided, every
/// reason given, the plan carried into (when any target is carried) later and open. Answers
/// each target's outcome in the order of `unfinished`, or every refusal at once.
pub fn check_closing(
    plan: PlanId,
    year: i16,
    next: Option<NextPlan>,
    unfinished: &[Unfinished],
    decisions: &BTreeMap<TargetId, Decision>,
) -> Result<Vec<Outcome>, Vec<YearEndError>> {
    let mut refused = Vec::new();
    for id in decisions.keys() {
        if !unfinished.iter().any(|u| u.target == *id) {
            refused.push(YearEndError::NotUnfinished { target: id.0 });
        }
    }
    let carries = unfinished
        .iter()
        .any(|u| decisions.get(&u.target) == Some(&Decision::CarryOver));
    if carries && let Some(n) = next {
        if n.plan == plan {
            refused.push(YearEndError::SamePlan);
        } else if n.year <= year {
            refused.push(YearEndError::NotLater {
                year,
                next_year: n.year,
            });
        } else if n.state == PlanState::Closed {
            refused.push(YearEndError::NextClosed { plan: n.plan });
        }
    }
    let mut out = Vec::with_capacity(unfinished.len());
    for u in unfinished {
        match decisions.get(&u.target) {
            None => refused.push(YearEndError::NoDecision {
                target: u.name.clone(),
            }),
            Some(Decision::Close { reason }) => {
                let reason = reason.trim();
                if reason.is_empty() {
                    refused.push(YearEndError::ReasonRequired {
                        target: u.name.clone(),
                    });
                } else if let Err(error) = check_length(TextField::CloseReason, reason) {
                    refused.push(YearEndError::ReasonTooLong {
                        target: u.name.clone(),
                        error,
                    });
                } else {
                    out.push(Outcome {
                        target: u.target,
                        disposition: Disposition::Closed,
                        reason: Some(reason.to_string()),
                        carried: None,
                    });
                }
            }
            Some(Decision::CarryOver) => {
                if next.is_none() {
                    refused.push(YearEndError::NoNextPlan {
                        target: u.name.clone(),
                    });
                    continue;
                }
                match remainder(u) {
                    Ok(q) => out.push(Outcome {
                        target: u.target,
                        disposition: Disposition::CarriedOver,
                        reason: None,
                        carried: Some(q),
                    }),
                    Err(e) => refused.push(e),
                }
            }
        }
    }
    if refused.is_empty() {
        Ok(out)
    } else {
        Err(refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn road(achieved: Option<Decimal>) -> Unfinished {
        Unfinished {
            target: TargetId(7),
            name: "第12项「新改建农村公路3000公里」".into(),
            quantity: Quantity::new(d("3000"), "公里"),
            cmp: Cmp::Ge,
            accrual: Accrual::Cumulative,
            kind: TargetKind::Quantity,
            achieved,
        }
    }

    fn rate() -> Unfinished {
        Unfinished {
            target: TargetId(8),
            name: "第5项「覆盖率达到95%」".into(),
            quantity: Quantity::new(d("95"), "%"),
            cmp: Cmp::Ge,
            accrual: Accrual::Level,
            kind: TargetKind::Quantity,
            achieved: Some(d("90")),
        }
    }

    const NEXT: Option<NextPlan> = Some(NextPlan {
        plan: PlanId(2),
        year: 2024,
        state: PlanState::Open,
    });

    #[test]
    fn a_count_carries_what_remains_and_a_level_carries_itself() {
        assert_eq!(
            remainder(&road(Some(d("2200.5")))),
            Ok(Quantity::new(d("799.5"), "公里"))
        );
        assert_eq!(remainder(&road(None)), Ok(Quantity::new(d("3000"), "公里")));
        assert_eq!(remainder(&rate()), Ok(Quantity::new(d("95"), "%")));
        assert!(matches!(
            remainder(&road(Some(d("3000")))),
            Err(YearEndError::NothingRemains { .. })
        ));
        let mut huge = road(Some(Decimal::MIN));
        huge.quantity.value = Decimal::MAX;
        assert!(matches!(
            remainder(&huge),
            Ok(_) | Err(YearEndError::OutOfRange { .. })
        ));
    }

    #[test]
    fn every_target_is_decided_with_a_reason_and_a_later_plan() {
        let unfinished = [road(Some(d("2000"))), rate()];
        let mut d = BTreeMap::new();
        d.insert(TargetId(7), Decision::CarryOver);
        d.insert(
            TargetId(8),
            Decision::Close {
                reason: "  ".into(),
            },
        );
        let e = check_closing(PlanId(1), 2023, NEXT, &unfinished, &d).unwrap_err();
        assert_eq!(
            e,
            vec![YearEndError::ReasonRequired {
                target: "第5项「覆盖率达到95%」".into()
            }]
        );
        assert!(e[0].to_string().contains("结项须填写原因"));
        d.insert(
            TargetId(8),
            Decision::Close {
                reason: "标准调整,并入2024年第3项".into(),
            },
        );
        let ok = check_closing(PlanId(1), 2023, NEXT, &unfinished, &d).unwrap();
        assert_eq!(
            ok[0].carried,
            Some(Quantity::new("1000".parse().unwrap(), "公里"))
        );
        assert_eq!(ok[1].disposition, Disposition::Closed);
        // Into itself, an earlier year, a closed plan, or nowhere: refused.
        let same = NextPlan {
            plan: PlanId(1),
            year: 2024,
            state: PlanState::Open,
        };
        assert_eq!(
            check_closing(PlanId(1), 2023, Some(same), &unfinished, &d).unwrap_err(),
            vec![YearEndError::SamePlan]
        );
        let earlier = NextPlan {
            plan: PlanId(3),
            year: 2023,
            state: PlanState::Open,
        };
        assert_eq!(
            check_closing(PlanId(1), 2023, Some(earlier), &unfinished, &d).unwrap_err(),
            vec![YearEndError::NotLater {
                year: 2023,
                next_year: 2023
            }]
        );
        let closed = NextPlan {
            state: PlanState::Closed,
            ..NEXT.unwrap()
        };
        assert!(check_closing(PlanId(1), 2023, Some(closed), &unfinished, &d).is_err());
        assert!(matches!(
            check_closing(PlanId(1), 2023, None, &unfinished, &d).unwrap_err()[..],
            [YearEndError::NoNextPlan { .. }]
        ));
        // A target left undecided, and one that is not unfinished.
        d.remove(&TargetId(8));
        d.insert(TargetId(99), Decision::CarryOver);
        let e = check_closing(PlanId(1), 2023, NEXT, &unfinished, &d).unwrap_err();
        assert_eq!(e.len(), 2);
        assert!(e.contains(&YearEndError::NotUnfinished { target: 99 }));
        assert!(
            e.iter()
                .any(|x| matches!(x, YearEndError::NoDecision { .. }))
        );
    }

    #[test]
    fn a_closed_plan_refuses_writes() {
        assert_eq!(check_open(PlanId(4), PlanState::Open), Ok(()));
        let e = check_open(PlanId(4), PlanState::Closed).unwrap_err();
        assert!(e.to_string().contains("计划 4 已关闭"));
        for s in PlanState::ALL {
            assert_eq!(PlanState::from_code(s.code()), Some(s));
        }
        for d in Disposition::ALL {
            assert_eq!(Disposition::from_code(d.code()), Some(d));
        }
    }
}
