//! Major projects (重大项目调度, migration 0017): the project record keyed by its plan item
//! (`projects`), its milestones (`project_milestones`), and what a report on its investment
//! says beside the figure (`project_reports`: 形象进度 and a revised 总投资;
//! `project_report_milestones`: the milestones it says were reached).
//!
//! A project's investment is an ordinary target, assignment and report (see
//! [`minsheng_domain::project`]); only what a project has beyond them is here. Every write is a
//! [`Tx`] method with its audit event. A change of the record names the revision it was made
//! from (`UPDATE … WHERE revision = $n RETURNING`; zero rows: [`StoreError::Conflict`]). The
//! milestones a report says were reached are applied when the report is accepted, in the
//! accept's own transaction ([`Tx::apply_project_report`]): one `INSERT … ON CONFLICT DO
//! UPDATE` per milestone, so two accepts of one project's shares at once never collide.

use crate::error::StoreError;
use crate::rows::{dec, dec_text};
use crate::tx::Tx;
use crate::{Conn, Store, on_conn};
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use minsheng_domain::project::{Industry, MilestoneKind, Project, ProjectMilestone};
use minsheng_domain::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// What a report on a project's investment says beside its figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectReport {
    /// The report.
    pub report: ReportId,
    /// The project.
    pub item: ItemId,
    /// 形象进度, in the unit's words.
    pub progress: String,
    /// 调整后总投资 in 元, when the report states one.
    pub revised_total: Option<Decimal>,
    /// The milestones it says were reached, with their dates, in stage order.
    pub milestones: Vec<(MilestoneKind, Date)>,
}

type ProjectRow = (
    i64,
    String,
    Option<String>,
    String,
    i64,
    Option<String>,
    i64,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    i64,
);

const PROJECT_COLUMNS: &str = "p.item_id, p.name, p.code, p.owner, p.responsible_unit_id, p.leader,
     p.region_unit_id, p.place, p.industry, p.total_investment, p.invested_before, p.start_year,
     p.end_year, p.investment_target_id, p.revision";

fn corrupt(column: &'static str, value: String) -> StoreError {
    StoreError::Corrupt {
        table: "projects",
        column,
        value,
    }
}

fn year(column: &'static str, y: i64) -> Result<i16, StoreError> {
    i16::try_from(y).map_err(|_| corrupt(column, y.to_string()))
}

fn project_of(r: ProjectRow) -> Result<Project, StoreError> {
    Ok(Project {
        item: ItemId(r.0),
        name: r.1,
        code: r.2,
        owner: r.3,
        responsible: UnitId(r.4),
        leader: r.5,
        region: UnitId(r.6),
        place: r.7,
        industry: Industry::from_code(&r.8).ok_or_else(|| corrupt("industry", r.8.clone()))?,
        total_investment: dec("projects", "total_investment", &r.9)?,
        invested_before: dec("projects", "invested_before", &r.10)?,
        start_year: year("start_year", r.11)?,
        end_year: year("end_year", r.12)?,
        investment_target: r.13.map(TargetId),
        revision: r.14,
    })
}

fn project_json(p: &Project) -> Value {
    json!({
        "name": p.name, "code": p.code, "owner": p.owner, "responsible_unit_id": p.responsible.0,
        "leader": p.leader, "region_unit_id": p.region.0, "place": p.place,
        "industry": p.industry.code(), "total_investment": dec_text(p.total_investment),
        "invested_before": dec_text(p.invested_before), "start_year": p.start_year,
        "end_year": p.end_year, "investment_target_id": p.investment_target.map(|t| t.0),
        "revision": p.revision,
    })
}

fn milestones_json(ms: &[ProjectMilestone]) -> Value {
    Value::Array(
        ms.iter()
            .map(|m| {
                json!({ "kind": m.kind.code(), "planned": m.planned.map(|d| d.to_string()),
                        "actual": m.actual.map(|d| d.to_string()) })
            })
            .collect(),
    )
}

type MilestoneRow = (
    i64,
    String,
    Option<jiff_sqlx::Date>,
    Option<jiff_sqlx::Date>,
);

fn milestone_of(r: MilestoneRow) -> Result<(ItemId, ProjectMilestone), StoreError> {
    let kind = MilestoneKind::from_code(&r.1).ok_or_else(|| StoreError::Corrupt {
        table: "project_milestones",
        column: "kind",
        value: r.1.clone(),
    })?;
    Ok((
        ItemId(r.0),
        ProjectMilestone {
            kind,
            planned: r.2.map(|d| d.to_jiff()),
            actual: r.3.map(|d| d.to_jiff()),
        },
    ))
}

async fn read_project(conn: &mut Conn<'_>, item: ItemId) -> Result<Project, StoreError> {
    let sql = format!("SELECT {PROJECT_COLUMNS} FROM projects p WHERE p.item_id = $1");
    let row: Option<ProjectRow> = on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(item.0).fetch_optional(c).await)?;
    project_of(row.ok_or(StoreError::NotFound {
        entity: "project",
        id: item.0,
    })?)
}

async fn read_project_of_target(
    conn: &mut Conn<'_>,
    target: TargetId,
) -> Result<Option<Project>, StoreError> {
    let sql = format!(
        "SELECT {PROJECT_COLUMNS} FROM projects p JOIN targets t ON t.item_id = p.item_id
         WHERE t.id = $1"
    );
    let row: Option<ProjectRow> = on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(target.0).fetch_optional(c).await)?;
    row.map(project_of).transpose()
}

async fn read_milestones(
    conn: &mut Conn<'_>,
    item: ItemId,
) -> Result<Vec<ProjectMilestone>, StoreError> {
    // language=SQL
    const SQL: &str =
        "SELECT item_id, kind, planned, actual FROM project_milestones WHERE item_id = $1";
    let rows: Vec<MilestoneRow> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(item.0).fetch_all(c).await)?;
    let mut out = rows
        .into_iter()
        .map(|r| milestone_of(r).map(|(_, m)| m))
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_by_key(|m| m.kind);
    Ok(out)
}

type ReportRow = (i64, i64, String, Option<String>);

async fn read_report_milestones(
    conn: &mut Conn<'_>,
    reports: &[i64],
) -> Result<BTreeMap<i64, Vec<(MilestoneKind, Date)>>, StoreError> {
    let mut out: BTreeMap<i64, Vec<(MilestoneKind, Date)>> = BTreeMap::new();
    if reports.is_empty() {
        return Ok(out);
    }
    // Our own integers, written into the text.
    let list = reports
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let sql = format!(
        "SELECT report_id, kind, actual FROM project_report_milestones WHERE report_id IN ({list})"
    );
    let rows: Vec<(i64, String, jiff_sqlx::Date)> =
        on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c).await)?;
    for (r, kind, actual) in rows {
        let kind = MilestoneKind::from_code(&kind).ok_or_else(|| StoreError::Corrupt {
            table: "project_report_milestones",
            column: "kind",
            value: kind.clone(),
        })?;
        out.entry(r).or_default().push((kind, actual.to_jiff()));
    }
    for v in out.values_mut() {
        v.sort();
    }
    Ok(out)
}

async fn read_project_reports(
    conn: &mut Conn<'_>,
    filter: &str,
    id: i64,
) -> Result<Vec<ProjectReport>, StoreError> {
    let sql = format!(
        "SELECT report_id, item_id, progress, revised_total FROM project_reports
         WHERE {filter} = $1 ORDER BY report_id"
    );
    let rows: Vec<ReportRow> = on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id).fetch_all(c).await)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut ms = read_report_milestones(conn, &ids).await?;
    rows.into_iter()
        .map(|(r, item, progress, revised)| {
            Ok(ProjectReport {
                report: ReportId(r),
                item: ItemId(item),
                progress,
                revised_total: revised
                    .map(|v| dec("project_reports", "revised_total", &v))
                    .transpose()?,
                milestones: ms.remove(&r).unwrap_or_default(),
            })
        })
        .collect()
}

impl Store {
    /// A project by its item.
    pub async fn project(&self, item: ItemId) -> Result<Project, StoreError> {
        read_project(&mut self.conn(), item).await
    }

    /// The project a target belongs to (its item's), if the item is a project.
    pub async fn project_of_target(&self, target: TargetId) -> Result<Option<Project>, StoreError> {
        read_project_of_target(&mut self.conn(), target).await
    }

    /// The projects of a plan, in the plan's order.
    pub async fn projects_of_plan(&self, plan: PlanId) -> Result<Vec<Project>, StoreError> {
        let sql = format!(
            "SELECT {PROJECT_COLUMNS} FROM projects p JOIN items i ON i.id = p.item_id
             JOIN sections s ON s.id = i.section_id
             WHERE s.plan_id = $1 ORDER BY s.position, i.position"
        );
        let rows: Vec<ProjectRow> = crate::on_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(plan.0).fetch_all(p).await)?;
        rows.into_iter().map(project_of).collect()
    }

    /// A project's milestones, in stage order (those with a row only).
    pub async fn project_milestones(
        &self,
        item: ItemId,
    ) -> Result<Vec<ProjectMilestone>, StoreError> {
        read_milestones(&mut self.conn(), item).await
    }

    /// The milestones of every project of a plan, by project, in stage order.
    pub async fn project_milestones_of_plan(
        &self,
        plan: PlanId,
    ) -> Result<BTreeMap<ItemId, Vec<ProjectMilestone>>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT m.item_id, m.kind, m.planned, m.actual
                           FROM project_milestones m JOIN items i ON i.id = m.item_id
                           JOIN sections s ON s.id = i.section_id WHERE s.plan_id = $1";
        let rows: Vec<MilestoneRow> =
            crate::on_pool!(self, p => sqlx::query_as(SQL).bind(plan.0).fetch_all(p).await)?;
        let mut out: BTreeMap<ItemId, Vec<ProjectMilestone>> = BTreeMap::new();
        for r in rows {
            let (item, m) = milestone_of(r)?;
            out.entry(item).or_default().push(m);
        }
        for v in out.values_mut() {
            v.sort_by_key(|m| m.kind);
        }
        Ok(out)
    }

    /// What a report says beside its figure, if it is a report on a project.
    pub async fn project_report(
        &self,
        report: ReportId,
    ) -> Result<Option<ProjectReport>, StoreError> {
        Ok(
            read_project_reports(&mut self.conn(), "report_id", report.0)
                .await?
                .pop(),
        )
    }

    /// Every report on a project with what it says beside its figure, oldest first.
    pub async fn project_reports(&self, item: ItemId) -> Result<Vec<ProjectReport>, StoreError> {
        read_project_reports(&mut self.conn(), "item_id", item.0).await
    }
}

impl Tx {
    /// A project, read inside the transaction.
    pub async fn project(&mut self, item: ItemId) -> Result<Project, StoreError> {
        read_project(&mut self.conn(), item).await
    }

    /// The project a target belongs to, read inside the transaction.
    pub async fn project_of_target(
        &mut self,
        target: TargetId,
    ) -> Result<Option<Project>, StoreError> {
        read_project_of_target(&mut self.conn(), target).await
    }

    /// A project's milestones, read inside the transaction.
    pub async fn project_milestones(
        &mut self,
        item: ItemId,
    ) -> Result<Vec<ProjectMilestone>, StoreError> {
        read_milestones(&mut self.conn(), item).await
    }

    /// What a report says beside its figure, read inside the transaction.
    pub async fn project_report(
        &mut self,
        report: ReportId,
    ) -> Result<Option<ProjectReport>, StoreError> {
        Ok(
            read_project_reports(&mut self.conn(), "report_id", report.0)
                .await?
                .pop(),
        )
    }

    /// Appends an item for a new project at the end of the plan's section titled `section`
    /// (created at the plan's end when the plan has none), numbered after the plan's last
    /// item; audited as the item and section inserts are.
    pub async fn append_project_item(
        &mut self,
        plan: PlanId,
        section: &str,
        text: &str,
        leads: &[String],
    ) -> Result<ItemId, StoreError> {
        // language=SQL
        const FIND: &str = "SELECT id FROM sections WHERE plan_id = $1 AND title = $2";
        // language=SQL
        const LAST: &str = "SELECT COALESCE(MAX(position), 0) + 1, COALESCE(MAX(no), 0) + 1
                            FROM sections WHERE plan_id = $1";
        // language=SQL
        const NEXT_ITEM: &str = "SELECT COALESCE(MAX(i.position), 0) + 1,
                                        COALESCE((SELECT MAX(i2.no) FROM items i2
                                                  JOIN sections s2 ON s2.id = i2.section_id
                                                  WHERE s2.plan_id = $2), 0) + 1
                                 FROM items i WHERE i.section_id = $1";
        // Two projects added to one plan at once take turns: the plan's row is locked on
        // PostgreSQL (SQLite has one writer).
        if let crate::tx::TxInner::Postgres(t) = &mut self.inner {
            // language=SQL
            const LOCK: &str = "SELECT id FROM plans WHERE id = $1 FOR UPDATE";
            let _: Option<i64> = sqlx::query_scalar(LOCK)
                .bind(plan.0)
                .fetch_optional(&mut **t)
                .await?;
        }
        let found: Option<i64> = crate::on_tx!(self, c => sqlx::query_scalar(FIND)
            .bind(plan.0).bind(section).fetch_optional(&mut *c).await)?;
        let section = match found {
            Some(id) => SectionId(id),
            None => {
                let (position, no): (i64, i64) = crate::on_tx!(self, c => sqlx::query_as(LAST)
                    .bind(plan.0).fetch_one(&mut *c).await)?;
                self.insert_section(&crate::NewSection {
                    plan,
                    position: u32::try_from(position).unwrap_or(u32::MAX),
                    no: u32::try_from(no).unwrap_or(u32::MAX),
                    title: Some(section.to_string()),
                    declared_items: None,
                })
                .await?
            }
        };
        let (position, no): (i64, i64) = crate::on_tx!(self, c => sqlx::query_as(NEXT_ITEM)
            .bind(section.0).bind(plan.0).fetch_one(&mut *c).await)?;
        self.insert_item(&crate::NewItem {
            section,
            position: u32::try_from(position).unwrap_or(u32::MAX),
            no: u32::try_from(no).unwrap_or(u32::MAX),
            text: text.to_string(),
            leads: leads.to_vec(),
            span: None,
        })
        .await
    }

    /// Records a new project for its item (revision 1), audited.
    pub async fn insert_project(&mut self, p: &Project) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO projects (item_id, name, code, owner, responsible_unit_id,
                               leader, region_unit_id, place, industry, total_investment,
                               invested_before, start_year, end_year, investment_target_id, revision)
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1)";
        crate::on_tx!(self, c => sqlx::query(SQL).bind(p.item.0).bind(&p.name).bind(&p.code)
            .bind(&p.owner).bind(p.responsible.0).bind(&p.leader).bind(p.region.0).bind(&p.place)
            .bind(p.industry.code()).bind(dec_text(p.total_investment)).bind(dec_text(p.invested_before))
            .bind(i64::from(p.start_year)).bind(i64::from(p.end_year)).bind(p.investment_target.map(|t| t.0))
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        let after = Project {
            revision: 1,
            ..p.clone()
        };
        self.audit(
            "create",
            "project",
            p.item.0,
            None,
            Some(project_json(&after)),
        )
        .await
    }

    /// Changes a project's record, made from revision `from` (`p.revision` is ignored):
    /// one conditional `UPDATE … WHERE revision = $from RETURNING`, audited. A project changed
    /// by someone else meanwhile is [`StoreError::Conflict`]; returns the new revision.
    pub async fn update_project(&mut self, p: &Project, from: i64) -> Result<i64, StoreError> {
        let before = self.project(p.item).await?;
        // language=SQL
        const SQL: &str = "UPDATE projects SET name = $2, code = $3, owner = $4,
                               responsible_unit_id = $5, leader = $6, region_unit_id = $7,
                               place = $8, industry = $9, total_investment = $10,
                               invested_before = $11, start_year = $12, end_year = $13,
                               investment_target_id = $14, revision = revision + 1
                           WHERE item_id = $1 AND revision = $15 RETURNING revision";
        let done: Option<i64> = crate::on_tx!(self, c => sqlx::query_scalar(SQL).bind(p.item.0)
            .bind(&p.name).bind(&p.code).bind(&p.owner).bind(p.responsible.0).bind(&p.leader)
            .bind(p.region.0).bind(&p.place).bind(p.industry.code())
            .bind(dec_text(p.total_investment)).bind(dec_text(p.invested_before))
            .bind(i64::from(p.start_year)).bind(i64::from(p.end_year))
            .bind(p.investment_target.map(|t| t.0)).bind(from)
            .fetch_optional(&mut *c).await)?;
        let Some(revision) = done else {
            return Err(StoreError::Conflict {
                entity: "project",
                id: p.item.0,
                found: format!(
                    "已被他人修改(当前版本 {}) / changed by someone else (now revision {})",
                    before.revision, before.revision
                ),
            });
        };
        let after = Project {
            revision,
            ..p.clone()
        };
        self.audit(
            "update",
            "project",
            p.item.0,
            Some(project_json(&before)),
            Some(project_json(&after)),
        )
        .await?;
        // The project's item reads as its name wherever the plan is shown: renamed with it.
        let (item, _) = self.item(p.item).await?;
        if item.text != p.name {
            // language=SQL
            const ITEM: &str = "UPDATE items SET text = $2 WHERE id = $1";
            crate::on_tx!(self, c => sqlx::query(ITEM).bind(p.item.0).bind(&p.name)
                .execute(&mut *c).await.map(|r| r.rows_affected()))?;
            self.audit(
                "update",
                "item",
                p.item.0,
                Some(json!({ "text": item.text })),
                Some(json!({ "text": p.name })),
            )
            .await?;
        }
        Ok(revision)
    }

    /// Replaces a project's milestones (planned and met dates) with `milestones`, audited
    /// with both lists.
    pub async fn set_project_milestones(
        &mut self,
        item: ItemId,
        milestones: &[ProjectMilestone],
    ) -> Result<(), StoreError> {
        let before = self.project_milestones(item).await?;
        // language=SQL
        const DELETE: &str = "DELETE FROM project_milestones WHERE item_id = $1";
        // language=SQL
        const INSERT: &str = "INSERT INTO project_milestones (item_id, kind, planned, actual) VALUES ($1, $2, $3, $4)";
        crate::on_tx!(self, c => sqlx::query(DELETE).bind(item.0).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        let mut sorted = milestones.to_vec();
        sorted.sort_by_key(|m| m.kind);
        for m in &sorted {
            if m.planned.is_none() && m.actual.is_none() {
                continue;
            }
            crate::on_tx!(self, c => sqlx::query(INSERT).bind(item.0).bind(m.kind.code())
                .bind(m.planned.map(|d| d.to_sqlx())).bind(m.actual.map(|d| d.to_sqlx()))
                .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        let kept: Vec<ProjectMilestone> = sorted
            .into_iter()
            .filter(|m| m.planned.is_some() || m.actual.is_some())
            .collect();
        self.audit(
            "update",
            "project_milestones",
            item.0,
            Some(milestones_json(&before)),
            Some(milestones_json(&kept)),
        )
        .await
    }

    /// Records (or, for a draft rewritten, replaces) what a report on a project says beside
    /// its figure, audited on the report.
    pub async fn set_project_report(&mut self, r: &ProjectReport) -> Result<(), StoreError> {
        let before = self.project_report(r.report).await?;
        // language=SQL
        const DELETE: &str = "DELETE FROM project_reports WHERE report_id = $1";
        // language=SQL
        const INSERT: &str =
            "INSERT INTO project_reports (report_id, item_id, progress, revised_total)
                              VALUES ($1, $2, $3, $4)";
        // language=SQL
        const MILESTONE: &str =
            "INSERT INTO project_report_milestones (report_id, kind, actual) VALUES ($1, $2, $3)";
        crate::on_tx!(self, c => sqlx::query(DELETE).bind(r.report.0).execute(&mut *c).await.map(|x| x.rows_affected()))?;
        crate::on_tx!(self, c => sqlx::query(INSERT).bind(r.report.0).bind(r.item.0).bind(&r.progress)
            .bind(r.revised_total.map(dec_text)).execute(&mut *c).await.map(|x| x.rows_affected()))?;
        for (kind, actual) in &r.milestones {
            crate::on_tx!(self, c => sqlx::query(MILESTONE).bind(r.report.0).bind(kind.code())
                .bind(actual.to_sqlx()).execute(&mut *c).await.map(|x| x.rows_affected()))?;
        }
        let as_json = |p: &ProjectReport| {
            json!({ "item_id": p.item.0, "progress": p.progress,
                    "revised_total": p.revised_total.map(dec_text),
                    "milestones": p.milestones.iter().map(|(k, d)| json!({ "kind": k.code(), "actual": d.to_string() })).collect::<Vec<_>>() })
        };
        self.audit(
            "update",
            "project_report",
            r.report.0,
            before.as_ref().map(as_json),
            Some(as_json(r)),
        )
        .await
    }

    /// Applies an accepted report's milestones and revised 总投资 to its project, audited on
    /// the project; returns the milestones whose date changed. One `INSERT … ON CONFLICT DO
    /// UPDATE` per milestone; a revised total raises the project's revision.
    pub async fn apply_project_report(
        &mut self,
        r: &ProjectReport,
    ) -> Result<Vec<MilestoneKind>, StoreError> {
        let before = self.project_milestones(r.item).await?;
        // language=SQL
        const UPSERT: &str = "INSERT INTO project_milestones (item_id, kind, planned, actual)
                              VALUES ($1, $2, NULL, $3)
                              ON CONFLICT (item_id, kind) DO UPDATE SET actual = excluded.actual";
        let mut changed = Vec::new();
        for (kind, actual) in &r.milestones {
            let was = before
                .iter()
                .find(|m| m.kind == *kind)
                .and_then(|m| m.actual);
            if was == Some(*actual) {
                continue;
            }
            crate::on_tx!(self, c => sqlx::query(UPSERT).bind(r.item.0).bind(kind.code())
                .bind(actual.to_sqlx()).execute(&mut *c).await.map(|x| x.rows_affected()))?;
            changed.push(*kind);
        }
        if !changed.is_empty() {
            let after = self.project_milestones(r.item).await?;
            self.audit(
                "accept",
                "project_milestones",
                r.item.0,
                Some(milestones_json(&before)),
                Some(json!({ "milestones": milestones_json(&after), "report_id": r.report.0 })),
            )
            .await?;
        }
        if let Some(total) = r.revised_total {
            // language=SQL
            const REVISE: &str =
                "UPDATE projects SET total_investment = $2, revision = revision + 1
                                  WHERE item_id = $1 RETURNING revision";
            let old = self.project(r.item).await?;
            if old.total_investment != total {
                let rev: Option<i64> = crate::on_tx!(self, c => sqlx::query_scalar(REVISE)
                    .bind(r.item.0).bind(dec_text(total)).fetch_optional(&mut *c).await)?;
                if rev.is_none() {
                    return Err(StoreError::NotFound {
                        entity: "project",
                        id: r.item.0,
                    });
                }
                self.audit(
                    "accept",
                    "project",
                    r.item.0,
                    Some(json!({ "total_investment": dec_text(old.total_investment) })),
                    Some(json!({ "total_investment": dec_text(total), "report_id": r.report.0 })),
                )
                .await?;
            }
        }
        Ok(changed)
    }
}
