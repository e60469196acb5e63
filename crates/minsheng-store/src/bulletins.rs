//! 进展通报: the bulletins of a plan (migration 0013). A draft is what the office writes;
//! issuing it is one conditional statement that freezes its figures (`snapshot`), numbers it
//! among the plan's issued bulletins and gives it its 文号. The figures themselves are
//! computed by `minsheng_app::bulletin`; here they are only kept.

use crate::error::StoreError;
use crate::tx::{Tx, TxInner};
use crate::{Conn, Store, on_conn, on_tx};
use jiff_sqlx::ToSqlx;
use minsheng_domain::{Bulletin, BulletinId, BulletinStatus, Period, PlanId, TargetId, UnitId};
use serde_json::json;

/// What issuing a bulletin gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedAs {
    /// 第N期.
    pub no: i64,
    /// The issued bulletin of the same period it corrects, if there was one.
    pub corrects: Option<BulletinId>,
}

/// A unit's account of its share at a period: the narrative of its latest accepted report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareNarrative {
    /// The target.
    pub target: TargetId,
    /// The unit that reported.
    pub unit: UnitId,
    /// What its report says.
    pub narrative: String,
}

macro_rules! bulletin_columns {
    () => {
        "id, plan_id, period, status, no, doc_no, public, opening, closing, corrects_id,
         created_by, created_at, issued_by, issued_at"
    };
}

#[derive(sqlx::FromRow)]
struct BulletinRow {
    id: i64,
    plan_id: i64,
    period: String,
    status: String,
    no: Option<i64>,
    doc_no: Option<String>,
    public: bool,
    opening: String,
    closing: String,
    corrects_id: Option<i64>,
    created_by: String,
    created_at: jiff_sqlx::Timestamp,
    issued_by: Option<String>,
    issued_at: Option<jiff_sqlx::Timestamp>,
}

impl BulletinRow {
    fn into_domain(self) -> Result<Bulletin, StoreError> {
        let corrupt = |column: &'static str, value: &str| StoreError::Corrupt {
            table: "bulletins",
            column,
            value: value.to_string(),
        };
        Ok(Bulletin {
            id: BulletinId(self.id),
            plan: PlanId(self.plan_id),
            period: Period::parse(&self.period).map_err(|_| corrupt("period", &self.period))?,
            status: BulletinStatus::from_code(&self.status)
                .ok_or_else(|| corrupt("status", &self.status))?,
            no: self.no,
            doc_no: self.doc_no,
            public: self.public,
            opening: self.opening,
            closing: self.closing,
            corrects: self.corrects_id.map(BulletinId),
            created_by: self.created_by,
            created_at: self.created_at.to_jiff(),
            issued: self.issued_by.zip(self.issued_at.map(|t| t.to_jiff())),
        })
    }
}

fn all(rows: Vec<BulletinRow>) -> Result<Vec<Bulletin>, StoreError> {
    rows.into_iter().map(BulletinRow::into_domain).collect()
}

async fn read_bulletin(conn: &mut Conn<'_>, id: BulletinId) -> Result<Bulletin, StoreError> {
    // language=SQL
    const SQL: &str = concat!(
        "SELECT ",
        bulletin_columns!(),
        " FROM bulletins WHERE id = $1"
    );
    let row: Option<BulletinRow> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(id.0).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound {
        entity: "bulletin",
        id: id.0,
    })?
    .into_domain()
}

async fn read_bulletins_of_plan(
    conn: &mut Conn<'_>,
    plan: PlanId,
) -> Result<Vec<Bulletin>, StoreError> {
    // Issued ones by number, newest first, then drafts by period.
    // language=SQL
    const SQL: &str = concat!(
        "SELECT ",
        bulletin_columns!(),
        " FROM bulletins WHERE plan_id = $1
          ORDER BY CASE WHEN no IS NULL THEN 0 ELSE 1 END, no DESC, period DESC, id DESC"
    );
    let rows: Vec<BulletinRow> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(plan.0).fetch_all(c).await)?;
    all(rows)
}

impl Store {
    /// One bulletin.
    pub async fn bulletin(&self, id: BulletinId) -> Result<Bulletin, StoreError> {
        read_bulletin(&mut self.conn(), id).await
    }

    /// Every bulletin of a plan: drafts first, then the issued ones newest first.
    pub async fn bulletins_of_plan(&self, plan: PlanId) -> Result<Vec<Bulletin>, StoreError> {
        read_bulletins_of_plan(&mut self.conn(), plan).await
    }

    /// The frozen figures of an issued bulletin, as stored; `None` for a draft.
    pub async fn bulletin_snapshot(&self, id: BulletinId) -> Result<Option<String>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT snapshot FROM bulletins WHERE id = $1";
        let row: Option<Option<String>> =
            on_conn!(self.conn(), c => sqlx::query_scalar(SQL).bind(id.0).fetch_optional(c).await)?;
        row.ok_or(StoreError::NotFound {
            entity: "bulletin",
            id: id.0,
        })
    }

    /// The reasons the office wrote for a bulletin's lagging targets.
    pub async fn bulletin_reasons(
        &self,
        id: BulletinId,
    ) -> Result<Vec<(TargetId, String)>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT target_id, reason FROM bulletin_reasons
                           WHERE bulletin_id = $1 ORDER BY target_id";
        let rows: Vec<(i64, String)> =
            on_conn!(self.conn(), c => sqlx::query_as(SQL).bind(id.0).fetch_all(c).await)?;
        Ok(rows.into_iter().map(|(t, r)| (TargetId(t), r)).collect())
    }

    /// The issued bulletins of every plan in which `unit` or a unit below it holds a share,
    /// newest first.
    pub async fn issued_bulletins_within(&self, unit: UnitId) -> Result<Vec<Bulletin>, StoreError> {
        // language=SQL
        const SQL: &str = concat!(
            "WITH RECURSIVE within (id, depth) AS (
                 SELECT id, 0 FROM units WHERE id = $1
                 UNION ALL
                 SELECT u.id, w.depth + 1 FROM units u JOIN within w ON u.parent_id = w.id
                 WHERE w.depth < 16)
             SELECT ",
            bulletin_columns!(),
            " FROM bulletins b WHERE b.status = 'issued' AND EXISTS (
                 SELECT 1 FROM assignments a JOIN targets t ON t.id = a.target_id
                   JOIN items i ON i.id = t.item_id JOIN sections s ON s.id = i.section_id
                  WHERE s.plan_id = b.plan_id AND a.unit_id IN (SELECT id FROM within))
             ORDER BY b.issued_at DESC, b.id DESC"
        );
        let rows: Vec<BulletinRow> =
            on_conn!(self.conn(), c => sqlx::query_as(SQL).bind(unit.0).fetch_all(c).await)?;
        all(rows)
    }

    /// The narratives of the latest accepted report of each share of `plan` for `period`,
    /// those that say something, by target and unit.
    pub async fn share_narratives(
        &self,
        plan: PlanId,
        period: Period,
    ) -> Result<Vec<ShareNarrative>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT a.target_id, a.unit_id, r.narrative
               FROM reports r JOIN assignments a ON a.id = r.assignment_id
               JOIN targets t ON t.id = a.target_id JOIN items i ON i.id = t.item_id
               JOIN sections s ON s.id = i.section_id
              WHERE s.plan_id = $1 AND r.period = $2 AND r.status = 'accepted'
                AND r.narrative IS NOT NULL AND r.narrative <> ''
                AND r.revision = (SELECT MAX(x.revision) FROM reports x
                                   WHERE x.assignment_id = r.assignment_id
                                     AND x.period = r.period AND x.status = 'accepted')
              ORDER BY a.target_id, a.unit_id";
        let rows: Vec<(i64, i64, String)> = on_conn!(self.conn(), c => sqlx::query_as(SQL)
            .bind(plan.0).bind(period.to_string()).fetch_all(c).await)?;
        Ok(rows
            .into_iter()
            .map(|(t, u, n)| ShareNarrative {
                target: TargetId(t),
                unit: UnitId(u),
                narrative: n,
            })
            .collect())
    }
}

/// A draft's words, as the office saves them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DraftText {
    /// The opening.
    pub opening: String,
    /// The closing.
    pub closing: String,
    /// Whether it is to appear on the public portal.
    pub public: bool,
    /// The reasons per lagging target; a target not listed keeps the units' own words.
    pub reasons: Vec<(TargetId, String)>,
}

impl Tx {
    /// One bulletin, read inside the transaction.
    pub async fn bulletin(&mut self, id: BulletinId) -> Result<Bulletin, StoreError> {
        read_bulletin(&mut self.conn(), id).await
    }

    /// Every bulletin of a plan, read inside the transaction.
    pub async fn bulletins_of_plan(&mut self, plan: PlanId) -> Result<Vec<Bulletin>, StoreError> {
        read_bulletins_of_plan(&mut self.conn(), plan).await
    }

    /// Starts a draft bulletin of `plan` for `period`, audited. A plan has at most one draft
    /// per period (a unique index): a second one is [`StoreError::Duplicate`].
    pub async fn insert_bulletin_draft(
        &mut self,
        plan: PlanId,
        period: Period,
    ) -> Result<BulletinId, StoreError> {
        // language=SQL
        const SQL: &str =
            "INSERT INTO bulletins (plan_id, period, status, public, opening, closing,
                                                  created_by, created_at)
                           VALUES ($1, $2, 'draft', FALSE, '', '', $3, $4) RETURNING id";
        let (by, now) = (self.actor.name().to_string(), self.now.to_sqlx());
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(plan.0).bind(period.to_string()).bind(&by).bind(now)
            .fetch_one(&mut *c).await)?;
        let after = json!({ "plan_id": plan.0, "period": period.to_string(), "status": "draft" });
        self.audit("create", "bulletin", id, None, Some(after))
            .await?;
        Ok(BulletinId(id))
    }

    /// Saves a draft's words: its opening, closing, public flag and the reasons (replacing
    /// those saved before). Only a draft: the change is conditional (`WHERE status =
    /// 'draft'`), and an issued bulletin is [`StoreError::Conflict`], nothing written.
    pub async fn save_bulletin_draft(
        &mut self,
        id: BulletinId,
        text: &DraftText,
    ) -> Result<(), StoreError> {
        // language=SQL
        const SET: &str = "UPDATE bulletins SET opening = $2, closing = $3, public = $4
                           WHERE id = $1 AND status = 'draft' RETURNING id";
        // language=SQL
        const CLEAR: &str = "DELETE FROM bulletin_reasons WHERE bulletin_id = $1";
        // language=SQL
        const ADD: &str =
            "INSERT INTO bulletin_reasons (bulletin_id, target_id, reason) VALUES ($1, $2, $3)";
        let before = self.bulletin(id).await?;
        let done: Option<i64> = on_tx!(self, c => sqlx::query_scalar(SET)
            .bind(id.0).bind(&text.opening).bind(&text.closing).bind(text.public)
            .fetch_optional(&mut *c).await)?;
        if done.is_none() {
            return Err(self.conflict(id).await);
        }
        on_tx!(self, c => sqlx::query(CLEAR).bind(id.0).execute(&mut *c).await.map(|_| ()))?;
        for (target, reason) in &text.reasons {
            on_tx!(self, c => sqlx::query(ADD).bind(id.0).bind(target.0).bind(reason)
                .execute(&mut *c).await.map(|_| ()))?;
        }
        let reasons: serde_json::Map<String, serde_json::Value> = text
            .reasons
            .iter()
            .map(|(t, r)| (t.to_string(), json!(r)))
            .collect();
        self.audit(
            "update",
            "bulletin",
            id.0,
            Some(
                json!({ "opening": before.opening, "closing": before.closing,
                         "public": before.public }),
            ),
            Some(json!({ "opening": text.opening, "closing": text.closing,
                         "public": text.public, "reasons": reasons })),
        )
        .await
    }

    /// Issues a draft: numbers it after the plan's issued bulletins, gives it `doc_no` and
    /// keeps `snapshot`, its figures as computed, for good. When the period already has an
    /// issued bulletin, this one corrects the latest of them.
    ///
    /// The change is conditional (`UPDATE … WHERE status = 'draft'`): of two issuing the same
    /// draft at once, one succeeds and the other gets [`StoreError::Conflict`] — never a
    /// second success. On PostgreSQL the plan's row is locked first, so two drafts of one plan
    /// issued at once take numbers one after the other; SQLite's writer is one at a time.
    /// A 文号 the plan already used is [`StoreError::Duplicate`].
    pub async fn issue_bulletin(
        &mut self,
        id: BulletinId,
        doc_no: &str,
        snapshot: &str,
    ) -> Result<IssuedAs, StoreError> {
        // language=SQL
        const LOCK: &str = "SELECT id FROM plans WHERE id = $1 FOR UPDATE";
        // language=SQL
        const NEXT: &str = "SELECT COALESCE(MAX(no), 0) + 1 FROM bulletins WHERE plan_id = $1";
        // language=SQL
        const LATEST: &str = "SELECT id FROM bulletins
                              WHERE plan_id = $1 AND period = $2 AND status = 'issued'
                              ORDER BY no DESC LIMIT 1";
        // language=SQL
        const ISSUE: &str = "UPDATE bulletins SET status = 'issued', no = $2, doc_no = $3,
                                    corrects_id = $4, snapshot = $5, issued_by = $6, issued_at = $7
                             WHERE id = $1 AND status = 'draft' RETURNING id";
        let draft = self.bulletin(id).await?;
        if let TxInner::Postgres(t) = &mut self.inner {
            sqlx::query_scalar::<_, i64>(LOCK)
                .bind(draft.plan.0)
                .fetch_optional(&mut **t)
                .await?;
        }
        let no: i64 = on_tx!(self, c => sqlx::query_scalar(NEXT).bind(draft.plan.0)
            .fetch_one(&mut *c).await)?;
        let corrects: Option<i64> = on_tx!(self, c => sqlx::query_scalar(LATEST)
            .bind(draft.plan.0).bind(draft.period.to_string()).fetch_optional(&mut *c).await)?;
        let (by, now) = (self.actor.name().to_string(), self.now.to_sqlx());
        let done: Option<i64> = on_tx!(self, c => sqlx::query_scalar(ISSUE)
            .bind(id.0).bind(no).bind(doc_no).bind(corrects).bind(snapshot).bind(&by).bind(now)
            .fetch_optional(&mut *c).await)?;
        if done.is_none() {
            return Err(self.conflict(id).await);
        }
        self.audit(
            "issue",
            "bulletin",
            id.0,
            Some(json!({ "status": "draft" })),
            Some(json!({ "status": "issued", "no": no, "doc_no": doc_no,
                         "corrects_id": corrects })),
        )
        .await?;
        Ok(IssuedAs {
            no,
            corrects: corrects.map(BulletinId),
        })
    }

    /// The conflict of a change that found `id` no longer a draft.
    async fn conflict(&mut self, id: BulletinId) -> StoreError {
        match self.bulletin(id).await {
            Ok(now) => StoreError::Conflict {
                entity: "bulletin",
                id: id.0,
                found: now.status.code().to_string(),
            },
            Err(e) => e,
        }
    }
}
