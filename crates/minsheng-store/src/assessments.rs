//! 考核: a plan's assessment for a year (migration 0015) — the scoring rules the office wrote,
//! the points it entered by hand, and, once signed off, the scores kept for good. The rules
//! are checked and the scores computed by `minsheng_domain::scoring` and
//! `minsheng_app::scoring`; here they are only kept.
//!
//! Every change is conditional on the assessment being a draft (`UPDATE … WHERE status =
//! 'draft' RETURNING`), and moves its `revision` by one: that statement is also the row lock
//! that orders a change and a sign-off on PostgreSQL. Signing off names the revision its
//! scores were computed at, so a sign-off that raced a change is refused, never kept stale.

use crate::error::StoreError;
use crate::tx::{Tx, TxInner};
use crate::{Conn, Store, on_conn, on_tx};
use jiff_sqlx::ToSqlx;
use minsheng_domain::{PlanId, UnitId};
use rust_decimal::Decimal;
use serde_json::json;

/// Where an assessment is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssessmentStatus {
    /// 草稿: rules and entries may change; the scores are computed when looked at.
    Draft,
    /// 已签发: locked; the scores are the ones kept at sign-off.
    Signed,
}

impl AssessmentStatus {
    /// The code stored.
    pub fn code(self) -> &'static str {
        match self {
            AssessmentStatus::Draft => "draft",
            AssessmentStatus::Signed => "signed",
        }
    }

    fn from_code(s: &str) -> Option<AssessmentStatus> {
        [AssessmentStatus::Draft, AssessmentStatus::Signed]
            .into_iter()
            .find(|x| x.code() == s)
    }

    /// Its Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            AssessmentStatus::Draft => "草稿",
            AssessmentStatus::Signed => "已签发",
        }
    }

    /// Its English name.
    pub fn label_en(self) -> &'static str {
        match self {
            AssessmentStatus::Draft => "Draft",
            AssessmentStatus::Signed => "Signed off",
        }
    }
}

/// An assessment as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAssessment {
    /// Its id.
    pub id: i64,
    /// The plan.
    pub plan: PlanId,
    /// The year assessed.
    pub year: i16,
    /// The rule set's text.
    pub rules: String,
    /// Draft or signed off.
    pub status: AssessmentStatus,
    /// How many changes it has had.
    pub revision: i64,
    /// The scores kept at sign-off (JSON); `None` for a draft.
    pub result: Option<String>,
    /// Who changed it last, and when.
    pub updated: (String, jiff::Timestamp),
    /// Who signed it off, and when.
    pub signed: Option<(String, jiff::Timestamp)>,
}

/// A figure the office entered for a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its id.
    pub id: i64,
    /// The unit.
    pub unit: UnitId,
    /// The rule it is for.
    pub rule: String,
    /// The points (a misstatement's size, positive).
    pub points: Decimal,
    /// The office's note.
    pub note: String,
    /// Who entered it, and when.
    pub entered: (String, jiff::Timestamp),
}

macro_rules! assessment_columns {
    () => {
        "id, plan_id, year, rules, status, revision, result, updated_by, updated_at, signed_by,
         signed_at"
    };
}

#[derive(sqlx::FromRow)]
struct AssessmentRow {
    id: i64,
    plan_id: i64,
    year: i64,
    rules: String,
    status: String,
    revision: i64,
    result: Option<String>,
    updated_by: String,
    updated_at: jiff_sqlx::Timestamp,
    signed_by: Option<String>,
    signed_at: Option<jiff_sqlx::Timestamp>,
}

fn corrupt(column: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt {
        table: "assessments",
        column,
        value: value.to_string(),
    }
}

impl AssessmentRow {
    fn into_domain(self) -> Result<StoredAssessment, StoreError> {
        Ok(StoredAssessment {
            id: self.id,
            plan: PlanId(self.plan_id),
            year: i16::try_from(self.year).map_err(|_| corrupt("year", &self.year.to_string()))?,
            rules: self.rules,
            status: AssessmentStatus::from_code(&self.status)
                .ok_or_else(|| corrupt("status", &self.status))?,
            revision: self.revision,
            result: self.result,
            updated: (self.updated_by, self.updated_at.to_jiff()),
            signed: self.signed_by.zip(self.signed_at.map(|t| t.to_jiff())),
        })
    }
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    unit_id: i64,
    rule_key: String,
    points: String,
    note: String,
    entered_by: String,
    entered_at: jiff_sqlx::Timestamp,
}

async fn read_assessment(
    conn: &mut Conn<'_>,
    plan: PlanId,
    year: i16,
) -> Result<Option<StoredAssessment>, StoreError> {
    // language=SQL
    const SQL: &str = concat!(
        "SELECT ",
        assessment_columns!(),
        " FROM assessments WHERE plan_id = $1 AND year = $2"
    );
    let row: Option<AssessmentRow> = on_conn!(conn, c => sqlx::query_as(SQL)
        .bind(plan.0).bind(i64::from(year)).fetch_optional(c).await)?;
    row.map(AssessmentRow::into_domain).transpose()
}

async fn read_entries(conn: &mut Conn<'_>, id: i64) -> Result<Vec<Entry>, StoreError> {
    // language=SQL
    const SQL: &str = "SELECT id, unit_id, rule_key, points, note, entered_by, entered_at
                       FROM assessment_entries WHERE assessment_id = $1 ORDER BY unit_id, id";
    let rows: Vec<EntryRow> = on_conn!(conn, c => sqlx::query_as(SQL).bind(id).fetch_all(c).await)?;
    rows.into_iter()
        .map(|r| {
            Ok(Entry {
                id: r.id,
                unit: UnitId(r.unit_id),
                points: r.points.parse().map_err(|_| StoreError::Corrupt {
                    table: "assessment_entries",
                    column: "points",
                    value: r.points.clone(),
                })?,
                rule: r.rule_key,
                note: r.note,
                entered: (r.entered_by, r.entered_at.to_jiff()),
            })
        })
        .collect()
}

impl Store {
    /// The assessment of `plan` for `year`, if the office has started one.
    pub async fn assessment(
        &self,
        plan: PlanId,
        year: i16,
    ) -> Result<Option<StoredAssessment>, StoreError> {
        read_assessment(&mut self.conn(), plan, year).await
    }

    /// What the office entered for an assessment, by unit.
    pub async fn assessment_entries(&self, id: i64) -> Result<Vec<Entry>, StoreError> {
        read_entries(&mut self.conn(), id).await
    }
}

impl Tx {
    /// The assessment of `plan` for `year`, read inside the transaction.
    pub async fn assessment(
        &mut self,
        plan: PlanId,
        year: i16,
    ) -> Result<Option<StoredAssessment>, StoreError> {
        read_assessment(&mut self.conn(), plan, year).await
    }

    /// What the office entered, read inside the transaction.
    pub async fn assessment_entries(&mut self, id: i64) -> Result<Vec<Entry>, StoreError> {
        read_entries(&mut self.conn(), id).await
    }

    /// Claims a draft for a change: moves its revision by one, only while it is a draft (and
    /// holds its row until the transaction ends). A signed-off one is
    /// [`StoreError::Conflict`].
    async fn claim(&mut self, id: i64) -> Result<i64, StoreError> {
        // language=SQL
        const SQL: &str = "UPDATE assessments SET revision = revision + 1, updated_by = $2,
                                  updated_at = $3
                           WHERE id = $1 AND status = 'draft' RETURNING revision";
        let (by, now) = (self.actor.name().to_string(), self.now.to_sqlx());
        let done: Option<i64> = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(id).bind(&by).bind(now).fetch_optional(&mut *c).await)?;
        match done {
            Some(r) => Ok(r),
            None => Err(StoreError::Conflict {
                entity: "assessment",
                id,
                found: AssessmentStatus::Signed.code().to_string(),
            }),
        }
    }

    /// Saves the rules of `plan`'s assessment for `year` (checked by the caller), starting
    /// the assessment if there is none. Refused with [`StoreError::Conflict`] once signed
    /// off, nothing changed. Returns its id.
    pub async fn save_assessment_rules(
        &mut self,
        plan: PlanId,
        year: i16,
        rules: &str,
    ) -> Result<i64, StoreError> {
        // language=SQL
        const NEW: &str = "INSERT INTO assessments (plan_id, year, rules, status, revision,
                                  updated_by, updated_at)
                           VALUES ($1, $2, $3, 'draft', 0, $4, $5)
                           ON CONFLICT (plan_id, year) DO NOTHING RETURNING id";
        // language=SQL
        const SET: &str = "UPDATE assessments SET rules = $2 WHERE id = $1";
        let (by, now) = (self.actor.name().to_string(), self.now.to_sqlx());
        let made: Option<i64> = on_tx!(self, c => sqlx::query_scalar(NEW)
            .bind(plan.0).bind(i64::from(year)).bind(rules).bind(&by).bind(now)
            .fetch_optional(&mut *c).await)?;
        if let Some(id) = made {
            self.audit(
                "create",
                "assessment",
                id,
                None,
                Some(json!({ "plan_id": plan.0, "year": year, "rules": rules })),
            )
            .await?;
            return Ok(id);
        }
        let before = self
            .assessment(plan, year)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "assessment",
                id: plan.0,
            })?;
        self.claim(before.id).await?;
        on_tx!(self, c => sqlx::query(SET).bind(before.id).bind(rules)
            .execute(&mut *c).await.map(|_| ()))?;
        self.audit(
            "update",
            "assessment",
            before.id,
            Some(json!({ "rules": before.rules })),
            Some(json!({ "rules": rules })),
        )
        .await?;
        Ok(before.id)
    }

    /// Enters the points of a `hand` rule for a unit, replacing what was entered before.
    /// Only while the assessment is a draft ([`StoreError::Conflict`] after).
    pub async fn set_hand_entry(
        &mut self,
        id: i64,
        unit: UnitId,
        rule: &str,
        points: Decimal,
    ) -> Result<(), StoreError> {
        // language=SQL
        const CLEAR: &str = "DELETE FROM assessment_entries
                             WHERE assessment_id = $1 AND unit_id = $2 AND rule_key = $3
                             RETURNING points";
        self.claim(id).await?;
        let before: Vec<String> = on_tx!(self, c => sqlx::query_scalar(CLEAR)
            .bind(id).bind(unit.0).bind(rule).fetch_all(&mut *c).await)?;
        self.insert_entry(id, unit, rule, points, "").await?;
        self.audit(
            "enter",
            "assessment",
            id,
            before
                .first()
                .map(|p| json!({ "unit_id": unit.0, "rule": rule, "points": p })),
            Some(json!({ "unit_id": unit.0, "rule": rule, "points": points.to_string() })),
        )
        .await
    }

    /// Enters a misstatement deduction with its note. Only while a draft.
    pub async fn add_misstatement(
        &mut self,
        id: i64,
        unit: UnitId,
        rule: &str,
        points: Decimal,
        note: &str,
    ) -> Result<i64, StoreError> {
        self.claim(id).await?;
        let entry = self.insert_entry(id, unit, rule, points, note).await?;
        self.audit(
            "enter",
            "assessment",
            id,
            None,
            Some(json!({ "entry_id": entry, "unit_id": unit.0, "rule": rule,
                         "points": points.to_string(), "note": note })),
        )
        .await?;
        Ok(entry)
    }

    /// Removes an entry. Only while a draft; an entry of another assessment is not found.
    pub async fn remove_entry(&mut self, id: i64, entry: i64) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "DELETE FROM assessment_entries WHERE id = $1 AND assessment_id = $2
                           RETURNING unit_id, rule_key, points, note";
        self.claim(id).await?;
        let gone: Option<(i64, String, String, String)> = on_tx!(self, c => sqlx::query_as(SQL)
            .bind(entry).bind(id).fetch_optional(&mut *c).await)?;
        let Some((unit, rule, points, note)) = gone else {
            return Err(StoreError::NotFound {
                entity: "assessment entry",
                id: entry,
            });
        };
        self.audit(
            "remove",
            "assessment",
            id,
            Some(
                json!({ "entry_id": entry, "unit_id": unit, "rule": rule, "points": points,
                         "note": note }),
            ),
            None,
        )
        .await
    }

    async fn insert_entry(
        &mut self,
        id: i64,
        unit: UnitId,
        rule: &str,
        points: Decimal,
        note: &str,
    ) -> Result<i64, StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO assessment_entries (assessment_id, unit_id, rule_key,
                                  points, note, entered_by, entered_at)
                           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
        let (by, now) = (self.actor.name().to_string(), self.now.to_sqlx());
        let entry: i64 = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(id).bind(unit.0).bind(rule).bind(points.normalize().to_string()).bind(note)
            .bind(&by).bind(now).fetch_one(&mut *c).await)?;
        Ok(entry)
    }

    /// Locks the assessment's row for a sign-off (PostgreSQL; SQLite's writer is one at a
    /// time already) and reads it: what the scores are then computed from.
    pub async fn lock_assessment(
        &mut self,
        plan: PlanId,
        year: i16,
    ) -> Result<Option<StoredAssessment>, StoreError> {
        // language=SQL
        const LOCK: &str = "SELECT id FROM assessments WHERE plan_id = $1 AND year = $2 FOR UPDATE";
        if let TxInner::Postgres(t) = &mut self.inner {
            sqlx::query_scalar::<_, i64>(LOCK)
                .bind(plan.0)
                .bind(i64::from(year))
                .fetch_optional(&mut **t)
                .await?;
        }
        self.assessment(plan, year).await
    }

    /// Signs the assessment off with the scores `result` computed at `revision`: one
    /// conditional statement (`WHERE status = 'draft' AND revision = $2`). Already signed
    /// off, or changed since the scores were computed: [`StoreError::Conflict`], nothing
    /// written — never a second sign-off.
    pub async fn sign_off_assessment(
        &mut self,
        id: i64,
        revision: i64,
        result: &str,
    ) -> Result<(), StoreError> {
        // language=SQL
        const SQL: &str = "UPDATE assessments SET status = 'signed', result = $3, signed_by = $4,
                                  signed_at = $5
                           WHERE id = $1 AND status = 'draft' AND revision = $2 RETURNING id";
        // language=SQL
        const NOW: &str = "SELECT status, revision FROM assessments WHERE id = $1";
        let (by, now) = (self.actor.name().to_string(), self.now.to_sqlx());
        let done: Option<i64> = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(id).bind(revision).bind(result).bind(&by).bind(now)
            .fetch_optional(&mut *c).await)?;
        if done.is_none() {
            let found: Option<(String, i64)> = on_tx!(self, c => sqlx::query_as(NOW)
                .bind(id).fetch_optional(&mut *c).await)?;
            return Err(match found {
                None => StoreError::NotFound {
                    entity: "assessment",
                    id,
                },
                Some((status, now)) => StoreError::Conflict {
                    entity: "assessment",
                    id,
                    found: if status == "draft" {
                        format!("draft, revision {now}")
                    } else {
                        status
                    },
                },
            });
        }
        self.audit(
            "sign_off",
            "assessment",
            id,
            Some(json!({ "status": "draft", "revision": revision })),
            Some(json!({ "status": "signed" })),
        )
        .await
    }
}
