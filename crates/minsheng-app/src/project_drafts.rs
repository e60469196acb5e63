//! A project as the extractor reads it from a document ([`minsheng_extract::ProjectDraft`]) as
//! the office's input ([`NewProject`]): what the text states — the name, 总投资, this year's
//! planned investment, the planned milestone dates, the capacities with their qualifier and
//! phase, 年产值 — carried over as read; what a text never states — the owner, the responsible
//! unit and region, the industry, the code — left for the office to give, so the result is a
//! proposal, never a record on its own ([`propose`]).
//!
//! The rules: an amount is kept in 元 as read; this year's planned investment goes into
//! 万元 (the investment target's unit); a date written "2024-12", "2024-Q4", "2024-H2" or
//! "2024" is the last day of that period; the project runs from the earliest year its dates
//! or the plan name to the latest; a capacity's "what" is its phrase with the figure, the
//! qualifier and the comparison words taken out ("规划年产量超过15万辆" → 年产量), or 产能
//! when nothing is left.

use crate::accounts::ensure;
use crate::error::AppError;
use crate::projects::{Capacity, NewProject};
use minsheng_domain::project::{MilestoneKind, ProjectMilestone};
use minsheng_domain::{Account, Action, Period, PlanId, PlanKind, UnitId};
use minsheng_extract::{Milestone, ProjectDraft, Qualifier};
use minsheng_store::Store;
use rust_decimal::Decimal;
use std::collections::HashSet;

/// The office's milestone for the extractor's.
pub fn milestone_kind(m: Milestone) -> MilestoneKind {
    match m {
        Milestone::Signing => MilestoneKind::Signed,
        Milestone::Start => MilestoneKind::Started,
        Milestone::Completion => MilestoneKind::Completed,
        Milestone::Production => MilestoneKind::Production,
        Milestone::FullProduction => MilestoneKind::FullProduction,
    }
}

/// Words around a capacity's figure that say how it compares or how sure it is, not what it
/// measures.
const NOT_WHAT: [&str; 12] = [
    "规划",
    "可达到",
    "可达",
    "达到",
    "极限",
    "设计",
    "能满足",
    "可形成",
    "超过",
    "以上",
    "约",
    "将",
];

/// What a capacity measures, from its phrase: the words before its figure without the
/// qualifier and comparison words; 产能 when nothing is left.
fn what_of(phrase: &str) -> String {
    let head: String = phrase.chars().take_while(|c| !c.is_ascii_digit()).collect();
    let mut what = head;
    for w in NOT_WHAT {
        what = what.replace(w, "");
    }
    // The project named again as the subject ("工厂整车产能") is not what is measured.
    let what = ["工厂", "项目"]
        .iter()
        .find_map(|w| what.strip_prefix(w))
        .unwrap_or(&what)
        .to_string();
    if what.is_empty() {
        "产能".into()
    } else {
        what
    }
}

/// The last day of a period written as the extractor writes deadlines.
fn day_of(by: &str) -> Option<jiff::civil::Date> {
    Period::parse(by).ok().map(Period::last_day)
}

/// The office's input proposed from `draft`, read from a plan for `year`. The responsible
/// unit and the region are `placeholder` until the office chooses them; the owner, the code
/// and the industry are empty.
pub fn propose(draft: &ProjectDraft, year: i16, placeholder: UnitId) -> NewProject {
    let milestones: Vec<ProjectMilestone> = MilestoneKind::ALL
        .iter()
        .filter_map(|kind| {
            let planned = draft
                .dates
                .iter()
                .filter(|d| milestone_kind(d.milestone) == *kind)
                .find_map(|d| day_of(&d.by))?;
            Some(ProjectMilestone {
                kind: *kind,
                planned: Some(planned),
                actual: None,
            })
        })
        .collect();
    let years = milestones
        .iter()
        .filter_map(|m| m.planned)
        .map(|d| d.year())
        .chain(std::iter::once(year));
    let (start_year, end_year) = years.fold((year, year), |(lo, hi), y| (lo.min(y), hi.max(y)));
    // This year's planned investment, in 万元.
    let annual_investment = draft
        .annual_investment
        .iter()
        .find(|f| f.by.as_deref().is_none_or(|b| b == year.to_string()))
        .and_then(|f| f.value.checked_div(Decimal::from(10_000)));
    let mut capacities: Vec<Capacity> = draft
        .capacities
        .iter()
        .map(|c| Capacity {
            value: c.value,
            unit: c.unit.clone(),
            qualifier: Some(c.qualifier)
                .filter(|q| *q != Qualifier::Stated)
                .map(|q| q.as_zh().to_string()),
            phase: c.phase.clone(),
            what: what_of(&c.phrase),
        })
        .collect();
    capacities.extend(draft.output_value.iter().map(|f| Capacity {
        value: f.value,
        unit: f.unit.clone(),
        qualifier: None,
        phase: None,
        what: "年产值".into(),
    }));
    NewProject {
        name: draft.name.clone(),
        code: None,
        owner: String::new(),
        responsible: placeholder,
        leader: None,
        region: placeholder,
        place: String::new(),
        industry: String::new(),
        total_investment: draft.investment.as_ref().map_or(Decimal::ZERO, |f| f.value),
        invested_before: Decimal::ZERO,
        start_year,
        end_year,
        annual_investment,
        investment_unit: "万元".into(),
        schedule: Vec::new(),
        milestones,
        capacities,
    }
}

/// A project the plan's own text proposes: its place among the text's project drafts (what
/// the form's link names) and the office's input made from it.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// Its place among the drafts the extractor reads from the plan's text.
    pub draft: usize,
    /// The input proposed; the units are [`UnitId`] 0 until the office chooses them.
    pub input: NewProject,
}

/// The projects the text of `plan` (a `major_projects` plan, as pasted into the plan editor)
/// proposes and the plan does not hold yet (by name), for the office ([`Action::EditPlan`]):
/// each becomes a project only when the office completes and saves it through
/// [`crate::projects::create`], with its checks. Another kind of plan proposes none.
pub async fn proposals(
    store: &Store,
    account: &Account,
    plan: PlanId,
) -> Result<Vec<Proposal>, AppError> {
    ensure(account, Action::EditPlan)?;
    let plan = store.plan(plan).await?;
    if plan.kind != PlanKind::MajorProjects {
        return Ok(Vec::new());
    }
    let held: HashSet<String> = store
        .projects_of_plan(plan.id)
        .await?
        .into_iter()
        .map(|p| p.name)
        .collect();
    Ok(minsheng_extract::extract(&plan.source_text)
        .projects
        .iter()
        .enumerate()
        .map(|(draft, d)| Proposal {
            draft,
            input: propose(d, plan.year, UnitId(0)),
        })
        .filter(|p| !held.contains(&p.input.name))
        .collect())
}

/// The `draft`th project the text of `plan` proposes, whether or not the plan holds it.
pub async fn proposal(
    store: &Store,
    account: &Account,
    plan: PlanId,
    draft: usize,
) -> Result<NewProject, AppError> {
    ensure(account, Action::EditPlan)?;
    let plan = store.plan(plan).await?;
    let not_found = AppError::NotFound {
        what: "项目草案 / project draft",
        id: i64::try_from(draft).unwrap_or(i64::MAX),
    };
    if plan.kind != PlanKind::MajorProjects {
        return Err(not_found);
    }
    minsheng_extract::extract(&plan.source_text)
        .projects
        .get(draft)
        .map(|d| propose(d, plan.year, UnitId(0)))
        .ok_or(not_found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_projects_as_proposed() {
        let read = minsheng_extract::extract(crate::demo::JILIN_2023);
        let proposed: Vec<NewProject> = read
            .projects
            .iter()
            .map(|d| propose(d, 2023, UnitId(1)))
            .collect();
        let names: Vec<&str> = proposed.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "奥迪一汽新能源汽车项目",
                "一汽弗迪新能源汽车动力电池项目",
                "中国一汽红旗繁荣工厂"
            ]
        );
        let audi = &proposed[0];
        assert_eq!(audi.total_investment, Decimal::from(35_000_000_000i64));
        assert_eq!(
            audi.milestones,
            [ProjectMilestone {
                kind: MilestoneKind::Production,
                planned: Some(jiff::civil::date(2024, 12, 31)),
                actual: None,
            }]
        );
        assert_eq!((audi.start_year, audi.end_year), (2023, 2024));
        assert_eq!(audi.capacities[0].what, "年产量");
        assert_eq!(audi.capacities[0].qualifier.as_deref(), Some("规划"));
        assert_eq!(audi.capacities[0].value, Decimal::from(150_000));
        let fudi = &proposed[1];
        assert_eq!(fudi.capacities[0].unit, "GWh");
        assert_eq!(fudi.capacities[0].phase.as_deref(), Some("一期"));
        assert_eq!(fudi.capacities[0].what, "年产能");
        let hongqi = &proposed[2];
        let whats: Vec<(&str, Option<&str>)> = hongqi
            .capacities
            .iter()
            .map(|c| (c.what.as_str(), c.qualifier.as_deref()))
            .collect();
        assert_eq!(
            whats,
            [
                ("整车产能", Some("可达")),
                ("产能", Some("极限")),
                ("年产值", None)
            ]
        );
    }

    #[test]
    fn the_demo_takes_its_projects_from_the_extractor() {
        let demo = crate::demo::projects::seed_projects();
        assert_eq!(demo.len(), 3);
        assert_eq!(demo[1].name, "一汽弗迪新能源汽车动力电池项目");
        // The text's figures, the invented rest.
        let audi = &demo[0];
        assert_eq!(audi.total_investment, Decimal::from(35_000_000_000i64));
        let production = audi
            .milestones
            .iter()
            .find(|m| m.kind == MilestoneKind::Production)
            .and_then(|m| m.planned);
        assert_eq!(production, Some(jiff::civil::date(2024, 12, 31)));
        assert!(audi.milestones.windows(2).all(|w| w[0].kind < w[1].kind));
        assert!(
            demo.iter()
                .all(|p| !p.owner.is_empty() && p.annual_investment.is_some())
        );
        assert_eq!(demo[2].capacities.len(), 3);
    }

    #[test]
    fn dates_are_the_last_day_of_their_period() {
        assert_eq!(day_of("2024-12"), Some(jiff::civil::date(2024, 12, 31)));
        assert_eq!(day_of("2024-Q1"), Some(jiff::civil::date(2024, 3, 31)));
        assert_eq!(day_of("2026"), Some(jiff::civil::date(2026, 12, 31)));
        assert_eq!(day_of("明年"), None);
    }
}
