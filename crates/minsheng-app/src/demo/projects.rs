//! The demo's major projects (重大项目调度): the three new-energy-vehicle projects of the seed's
//! own text (corpus/jilin-2023.txt, the paragraphs on 奥迪一汽, 一汽弗迪 and 红旗繁荣工厂) as a
//! `major_projects` plan, with **invented** (演示数据) annual plans, dates and monthly reports:
//! one on pace, one whose 投产 slipped, one with an open 用地 problem on the problems board.
//!
//! [`seed_projects`] reads the three projects **with the extractor** (its project drafts,
//! proposed as the office's input by [`crate::project_drafts::propose`]): the names, 总投资,
//! the planned 投产 date and the capacities are the text's; what the text does not say is
//! filled in from [`invented_projects`] and labelled ([`major_projects`] takes any list, and
//! puts each project under the demo tree's units itself, since a draft names none).

use super::{DEMO_AS_OF, JILIN_2023};
use crate::coordination::{ProblemInput, raise_problem};
use crate::error::AppError;
use crate::projects::{self, Capacity, NewProject, ProjectReportInput};
use crate::reporting::{Decision, FileAs, ReportInput, file_report_with, review_report};
use jiff::civil::date;
use minsheng_domain::project::{MilestoneKind, ProjectMilestone};
use minsheng_domain::*;
use minsheng_store::{NewPlan, Store};
use rust_decimal::Decimal;

/// The mark on everything invented here.
pub const INVENTED: &str = "【演示数据,虚构】";

fn capacity(value: i64, unit: &str, qualifier: &str, what: &str, phase: Option<&str>) -> Capacity {
    Capacity {
        value: Decimal::from(value),
        unit: unit.into(),
        qualifier: Some(qualifier.into()).filter(|q: &String| !q.is_empty()),
        phase: phase.map(str::to_string),
        what: what.into(),
    }
}

fn ms(
    kind: MilestoneKind,
    planned: Option<jiff::civil::Date>,
    actual: Option<jiff::civil::Date>,
) -> ProjectMilestone {
    ProjectMilestone {
        kind,
        planned,
        actual,
    }
}

fn yi(v: i64) -> Decimal {
    Decimal::from(v) * Decimal::from(100_000_000i64)
}

/// The seed's projects as the extractor reads them from its text, each completed from
/// [`invented_projects`] (matched by name) with what the text does not say; a project the
/// extractor reads that the invented list does not know gets invented placeholders of its own.
/// Units are placeholders: [`major_projects`] sets them.
pub fn seed_projects() -> Vec<NewProject> {
    let invented = invented_projects();
    minsheng_extract::extract(JILIN_2023)
        .projects
        .iter()
        .map(|draft| {
            let read = crate::project_drafts::propose(draft, 2023, UnitId(0));
            let mut p = invented
                .iter()
                .find(|i| i.name.starts_with(&read.name) || read.name.starts_with(&i.name))
                .cloned()
                .unwrap_or_else(|| NewProject {
                    owner: format!("{INVENTED}{}", read.name),
                    leader: Some(format!("{INVENTED}项目专班")),
                    industry: "C".into(),
                    total_investment: yi(10),
                    annual_investment: Some(Decimal::from(50_000)),
                    ..read.clone()
                });
            // What the text says wins over what was invented.
            p.name = read.name;
            if read.total_investment > Decimal::ZERO {
                p.total_investment = read.total_investment;
            }
            for m in read.milestones {
                p.milestones.retain(|x| x.kind != m.kind);
                p.milestones.push(m);
            }
            p.milestones.sort_by_key(|m| m.kind);
            p.start_year = p.start_year.min(read.start_year);
            p.end_year = p.end_year.max(read.end_year);
            p.capacities = read.capacities;
            p
        })
        .collect()
}

/// The three projects with everything the seed's text does not say — the other totals, this
/// year's plans, the other dates, owners, codes — invented, and the names say so; the text's
/// own figures (总投资约350亿元, 2024年底投产, 规划年产量超过15万辆 for 奥迪一汽; 一期年产能可达到
/// 15GWh for 一汽弗迪; 整车产能可达20万辆, 极限产能可达30万辆, 年产值400亿元 for 红旗繁荣工厂)
/// are typed here too, but [`seed_projects`] takes them from the extractor.
pub fn invented_projects() -> Vec<NewProject> {
    let base = |name: &str, owner: &str, total: i64| NewProject {
        name: name.into(),
        code: None,
        owner: owner.into(),
        responsible: UnitId(0),
        leader: Some(format!("{INVENTED}项目专班")),
        region: UnitId(0),
        place: "长春市汽车大路".into(),
        industry: "C".into(),
        total_investment: yi(total),
        invested_before: Decimal::ZERO,
        start_year: 2022,
        end_year: 2024,
        annual_investment: None,
        investment_unit: "万元".into(),
        schedule: Vec::new(),
        milestones: Vec::new(),
        capacities: Vec::new(),
    };
    let mut audi = base("奥迪一汽新能源汽车项目", "奥迪一汽新能源汽车有限公司", 350);
    audi.invested_before = yi(60);
    audi.annual_investment = Some(Decimal::from(1_200_000));
    audi.milestones = vec![
        ms(MilestoneKind::Signed, None, Some(date(2021, 12, 16))),
        ms(
            MilestoneKind::Started,
            Some(date(2022, 6, 30)),
            Some(date(2022, 6, 28)),
        ),
        ms(
            MilestoneKind::Registered,
            Some(date(2022, 7, 31)),
            Some(date(2022, 7, 20)),
        ),
        ms(MilestoneKind::Completed, Some(date(2024, 9, 30)), None),
        ms(MilestoneKind::Production, Some(date(2024, 12, 31)), None),
    ];
    audi.capacities = vec![capacity(15, "万辆", "规划", "年产量", None)];

    let mut fudi = base(
        "一汽弗迪新能源汽车动力电池项目(一期)",
        "一汽弗迪新能源科技有限公司",
        60,
    );
    fudi.start_year = 2022;
    fudi.end_year = 2023;
    fudi.invested_before = yi(25);
    fudi.annual_investment = Some(Decimal::from(300_000));
    fudi.milestones = vec![
        ms(
            MilestoneKind::Started,
            Some(date(2022, 3, 31)),
            Some(date(2022, 3, 31)),
        ),
        ms(
            MilestoneKind::Registered,
            Some(date(2022, 4, 30)),
            Some(date(2022, 4, 25)),
        ),
        ms(MilestoneKind::Completed, Some(date(2023, 5, 31)), None),
        ms(MilestoneKind::Production, Some(date(2023, 6, 30)), None),
    ];
    fudi.capacities = vec![capacity(15, "GWh", "可达", "年产能", Some("一期"))];

    let mut hongqi = base("中国一汽红旗繁荣工厂", "中国第一汽车集团有限公司", 80);
    hongqi.start_year = 2019;
    hongqi.invested_before = yi(55);
    hongqi.annual_investment = Some(Decimal::from(200_000));
    hongqi.milestones = vec![
        ms(
            MilestoneKind::Started,
            Some(date(2019, 9, 30)),
            Some(date(2019, 9, 26)),
        ),
        ms(
            MilestoneKind::Completed,
            Some(date(2021, 6, 30)),
            Some(date(2021, 6, 28)),
        ),
        ms(
            MilestoneKind::Production,
            Some(date(2021, 6, 30)),
            Some(date(2021, 6, 28)),
        ),
        ms(
            MilestoneKind::FullProduction,
            Some(date(2024, 12, 31)),
            None,
        ),
    ];
    hongqi.capacities = vec![
        capacity(20, "万辆", "可达", "整车产能", None),
        capacity(30, "万辆", "极限", "产能", None),
        capacity(400, "亿元", "", "年产值", None),
    ];
    vec![audi, fudi, hongqi]
}

/// The seed's paragraphs on the three projects (its lines 147–151).
fn seed_paragraphs() -> String {
    JILIN_2023
        .lines()
        .skip(146)
        .take(5)
        .collect::<Vec<_>>()
        .join("\n")
}

/// How each project's year goes in the demo: 1–9月 cumulative investment as a share of the
/// annual plan (per mille), what it says, what it reaches.
struct Story {
    pace: [i64; 9],
    progress: [&'static str; 3],
}

const STORIES: [Story; 3] = [
    // On pace with 序时.
    Story {
        pace: [80, 165, 250, 335, 420, 505, 590, 675, 760],
        progress: [
            "总装、焊装车间钢结构施工",
            "冲压车间设备安装",
            "涂装车间设备调试",
        ],
    },
    // Behind, and 投产 slipped past its planned 6月底.
    Story {
        pace: [60, 120, 190, 250, 310, 360, 400, 440, 480],
        progress: [
            "电芯车间主体完工",
            "设备进场延迟,投产推迟",
            "设备安装调试中,预计四季度投产",
        ],
    },
    // Lagging, with an open 用地 problem.
    Story {
        pace: [50, 100, 150, 200, 240, 270, 300, 320, 340],
        progress: [
            "二期扩建前期工作",
            "二期扩建用地报批中",
            "二期扩建用地指标未落实",
        ],
    },
];

/// Builds the demo's `major_projects` plan from `inputs` (three projects: [`seed_projects`]
/// or the extractor's drafts), the first two held by 长春市 and the third by the province's
/// development and reform commission, all built in 长春市; then January to September of
/// invented reports, each accepted, the third with an open 用地 problem. Everything invented
/// is labelled 演示数据.
pub async fn major_projects(store: &Store, inputs: &[NewProject]) -> Result<PlanId, AppError> {
    let tree = store.unit_tree().await?;
    let find = |name: &str| tree.units().iter().find(|u| u.name == name).map(|u| u.id);
    let province = tree
        .units()
        .iter()
        .find(|u| u.parent.is_none())
        .map(|u| u.id)
        .ok_or(AppError::NotFound {
            what: "unit",
            id: 0,
        })?;
    let changchun = find("长春市").unwrap_or(province);
    let ndrc = find("省发展和改革委员会").unwrap_or(changchun);
    let mut tx = store.begin(&Actor::system("demo")).await?;
    let plan = tx
        .insert_plan(&NewPlan {
            year: 2023,
            title: format!("2023年长春市新能源汽车重大项目调度{INVENTED}"),
            owner: province,
            kind: PlanKind::MajorProjects,
            status: PlanStatus::Confirmed,
            source_text: seed_paragraphs(),
            declared_sections: None,
            declared_items: None,
        })
        .await?;
    tx.commit().await?;
    let office = Account {
        id: UserId(0),
        name: "demo".into(),
        role: Role::Office,
        unit: None,
    };
    let actor = Actor::system("demo");
    for (i, input) in inputs.iter().enumerate() {
        let responsible = if i == 2 { ndrc } else { changchun };
        let p = NewProject {
            responsible,
            region: changchun,
            ..input.clone()
        };
        let item = projects::create(store, &office, plan, &p, DEMO_AS_OF).await?;
        let Some(target) = store.project(item).await?.investment_target else {
            continue;
        };
        let Some(a) = store
            .assignments_of_target(target)
            .await?
            .into_iter()
            .find(|a| a.role == AssignmentRole::Lead)
        else {
            continue;
        };
        let annual = p.annual_investment.unwrap_or(Decimal::ZERO);
        let story = &STORIES[i % STORIES.len()];
        for (m, per_mille) in story.pace.iter().enumerate() {
            let month = i8::try_from(m + 1).unwrap_or(12);
            let value = (annual * Decimal::from(*per_mille) / Decimal::from(1000)).round_dp(0);
            let mut extra = ProjectReportInput {
                progress: format!("{INVENTED}{}", story.progress[m / 3]),
                ..ProjectReportInput::default()
            };
            // 一汽弗迪 finishes construction in June, a month late; 投产 is not reached.
            if i == 1 && month == 6 {
                extra.milestones = vec![(MilestoneKind::Completed, date(2023, 6, 28))];
            }
            let input = ReportInput {
                assignment: a.id,
                period: Period::month(2023, month).map_err(|e| AppError::Invalid {
                    field: "period".into(),
                    reason: e.to_string(),
                })?,
                value: Some(value),
                value_unit: None,
                stage: None,
                funds_spent: None,
                narrative: format!("{INVENTED}1—{month}月累计完成投资"),
                correction: None,
            };
            let id = file_report_with(
                store,
                &actor,
                a.unit,
                &input,
                Some(&extra),
                FileAs::Submitted,
            )
            .await?;
            review_report(store, &actor, id, &Decision::Accept).await?;
            if i == 2 && month == 8 {
                raise_problem(
                    store,
                    &actor,
                    a.unit,
                    &ProblemInput {
                        title: format!("{INVENTED}红旗繁荣工厂二期扩建用地指标未落实"),
                        description:
                            "二期扩建需新增建设用地约300亩,用地指标尚未落实,影响年度投资进度。"
                                .into(),
                        owner: changchun,
                        due: date(2023, 11, 30),
                        report: Some(id),
                    },
                    DEMO_AS_OF,
                )
                .await?;
            }
        }
    }
    Ok(plan)
}
