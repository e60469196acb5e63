//! Plans, sections, items and targets.

use crate::error::StoreError;
use crate::rows::{ItemRow, PlanRow, SectionRow, TargetRow, all, dec_text, leads_text};
use crate::tx::Tx;
use crate::{Conn, Store, on_conn, on_pool, on_tx};
use jiff::civil::Date;
use jiff_sqlx::ToSqlx;
use minsheng_domain::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// A plan to create.
#[derive(Debug, Clone)]
pub struct NewPlan {
    /// The year it is for.
    pub year: i16,
    /// Its title.
    pub title: String,
    /// The unit that owns it.
    pub owner: UnitId,
    /// What it lists.
    pub kind: PlanKind,
    /// Where it stands.
    pub status: PlanStatus,
    /// The document it was read from.
    pub source_text: String,
    /// Sections the document claims to have.
    pub declared_sections: Option<u32>,
    /// Items the document claims to have.
    pub declared_items: Option<u32>,
}

/// A section to create.
#[derive(Debug, Clone)]
pub struct NewSection {
    /// The plan.
    pub plan: PlanId,
    /// Its place in the plan, from 1.
    pub position: u32,
    /// Its printed ordinal.
    pub no: u32,
    /// Its heading.
    pub title: Option<String>,
    /// The "(N项)" count.
    pub declared_items: Option<u32>,
}

/// An item to create.
#[derive(Debug, Clone)]
pub struct NewItem {
    /// The section.
    pub section: SectionId,
    /// Its place in the section, from 1.
    pub position: u32,
    /// Its printed number.
    pub no: u32,
    /// Its text.
    pub text: String,
    /// The responsible units named, lead first.
    pub leads: Vec<String>,
    /// Where it stands in the source text.
    pub span: Option<TargetSpan>,
}

/// A target to create.
#[derive(Debug, Clone)]
pub struct NewTarget {
    /// The item.
    pub item: ItemId,
    /// Its place within the item, from 1.
    pub seq: u32,
    /// Value and unit.
    pub quantity: Quantity,
    /// How progress is held against it.
    pub cmp: Cmp,
    /// The clause that states it.
    pub phrase: String,
    /// Where the phrase stands in the source text.
    pub span: Option<TargetSpan>,
    /// Whether the value is implied by wording.
    pub implicit: bool,
    /// Whether it is a change rather than a level.
    pub delta: bool,
    /// When it is due.
    pub deadline: Date,
    /// The value a change is measured from.
    pub baseline: Option<Decimal>,
    /// A number, or a qualitative item's stage.
    pub kind: TargetKind,
    /// Count or level, when the extractor or the office said so; `None`: as its unit says.
    pub accrual_set: Option<Accrual>,
}

/// A correction to a target; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TargetChange {
    /// A new value and unit.
    pub quantity: Option<Quantity>,
    /// A new comparison.
    pub cmp: Option<Cmp>,
    /// A new deadline.
    pub deadline: Option<Date>,
    /// Whether it is divided (a count) or held everywhere (a level): `Some(None)` returns it
    /// to what its unit says.
    pub accrual_set: Option<Option<Accrual>>,
}

fn target_json(t: &Target) -> Value {
    json!({
        "item_id": t.item.0, "seq": t.seq, "value": dec_text(t.quantity.value),
        "unit": t.quantity.unit, "cmp": t.cmp.code(), "phrase": t.phrase,
        "implicit": t.implicit, "delta": t.delta, "deadline": t.deadline.to_string(),
        "baseline": t.baseline.map(dec_text), "kind": t.kind.code(),
        "accrual": t.accrual_set.map(Accrual::code),
    })
}

impl Store {
    /// All plans, newest year first.
    pub async fn plans(&self) -> Result<Vec<Plan>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT id, year, title, owner_unit_id, kind, status, source_text,
                                  declared_sections, declared_items
                           FROM plans ORDER BY year DESC, id";
        let rows: Vec<PlanRow> = on_pool!(self, p => sqlx::query_as(SQL).fetch_all(p).await)?;
        all(rows, PlanRow::into_domain)
    }

    /// One plan.
    pub async fn plan(&self, id: PlanId) -> Result<Plan, StoreError> {
        read_plan(&mut self.conn(), id).await
    }

    /// A plan's sections, in document order.
    pub async fn sections(&self, plan: PlanId) -> Result<Vec<Section>, StoreError> {
        // language=SQL
        const SQL: &str = "SELECT id, plan_id, no, title, declared_items FROM sections
                           WHERE plan_id = $1 ORDER BY position";
        let rows: Vec<SectionRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(plan.0).fetch_all(p).await)?;
        all(rows, SectionRow::into_domain)
    }

    /// A plan's items, in document order.
    pub async fn items(&self, plan: PlanId) -> Result<Vec<Item>, StoreError> {
        // language=SQL
        const SQL: &str =
            "SELECT i.id, i.section_id, i.no, i.text, i.leads, i.span_start, i.span_end
                           FROM items i JOIN sections s ON s.id = i.section_id
                           WHERE s.plan_id = $1 ORDER BY s.position, i.position";
        let rows: Vec<ItemRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(plan.0).fetch_all(p).await)?;
        all(rows, ItemRow::into_domain)
    }

    /// One item, with the plan it belongs to.
    pub async fn item(&self, id: ItemId) -> Result<(Item, PlanId), StoreError> {
        read_item(&mut self.conn(), id).await
    }

    /// A plan's targets, in document order.
    pub async fn targets(&self, plan: PlanId) -> Result<Vec<Target>, StoreError> {
        // language=SQL
        const SQL: &str = concat!(
            "SELECT ",
            crate::rows::target_columns!(),
            "
                           FROM targets t JOIN items i ON i.id = t.item_id
                           JOIN sections s ON s.id = i.section_id
                           WHERE s.plan_id = $1 ORDER BY s.position, i.position, t.seq"
        );
        let rows: Vec<TargetRow> =
            on_pool!(self, p => sqlx::query_as(SQL).bind(plan.0).fetch_all(p).await)?;
        all(rows, TargetRow::into_domain)
    }

    /// One target.
    pub async fn target(&self, id: TargetId) -> Result<Target, StoreError> {
        read_target(&mut self.conn(), id).await
    }
}

/// One plan, on the pool or inside a transaction.
async fn read_plan(conn: &mut Conn<'_>, id: PlanId) -> Result<Plan, StoreError> {
    // language=SQL
    const SQL: &str = "SELECT id, year, title, owner_unit_id, kind, status, source_text,
                              declared_sections, declared_items
                       FROM plans WHERE id = $1";
    let row: Option<PlanRow> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(id.0).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound {
        entity: "plan",
        id: id.0,
    })?
    .into_domain()
}

/// One item with its plan, on the pool or inside a transaction.
async fn read_item(conn: &mut Conn<'_>, id: ItemId) -> Result<(Item, PlanId), StoreError> {
    // language=SQL
    const SQL: &str = "SELECT i.id, i.section_id, i.no, i.text, i.leads, i.span_start, i.span_end
                       FROM items i WHERE i.id = $1";
    // language=SQL
    const PLAN: &str =
        "SELECT s.plan_id FROM items i JOIN sections s ON s.id = i.section_id WHERE i.id = $1";
    let row: Option<ItemRow> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(id.0).fetch_optional(c).await)?;
    let item = row
        .ok_or(StoreError::NotFound {
            entity: "item",
            id: id.0,
        })?
        .into_domain()?;
    let plan: i64 = on_conn!(conn, c => sqlx::query_scalar(PLAN).bind(id.0).fetch_one(c).await)?;
    Ok((item, PlanId(plan)))
}

/// One target, on the pool or inside a transaction.
async fn read_target(conn: &mut Conn<'_>, id: TargetId) -> Result<Target, StoreError> {
    // language=SQL
    const SQL: &str = concat!(
        "SELECT ",
        crate::rows::target_columns!(),
        "
                       FROM targets t WHERE t.id = $1"
    );
    let row: Option<TargetRow> =
        on_conn!(conn, c => sqlx::query_as(SQL).bind(id.0).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound {
        entity: "target",
        id: id.0,
    })?
    .into_domain()
}

/// A target with its plan's year, in one read: what filing a report needs of the plan (not
/// its source text).
#[derive(sqlx::FromRow)]
struct TargetYearRow {
    #[sqlx(flatten)]
    target: TargetRow,
    plan_year: i64,
}

impl Tx {
    /// One target and its plan's year, read inside the transaction in one statement.
    pub async fn target_with_year(&mut self, id: TargetId) -> Result<(Target, i16), StoreError> {
        // language=SQL
        const SQL: &str = concat!(
            "SELECT ",
            crate::rows::target_columns!(),
            ",
                    p.year AS plan_year
             FROM targets t JOIN items i ON i.id = t.item_id
             JOIN sections s ON s.id = i.section_id JOIN plans p ON p.id = s.plan_id
             WHERE t.id = $1"
        );
        let row: Option<TargetYearRow> =
            on_tx!(self, c => sqlx::query_as(SQL).bind(id.0).fetch_optional(&mut *c).await)?;
        let row = row.ok_or(StoreError::NotFound {
            entity: "target",
            id: id.0,
        })?;
        let year = i16::try_from(row.plan_year).map_err(|_| StoreError::Corrupt {
            table: "plans",
            column: "year",
            value: row.plan_year.to_string(),
        })?;
        Ok((row.target.into_domain()?, year))
    }

    /// One plan, read inside the transaction.
    pub async fn plan(&mut self, id: PlanId) -> Result<Plan, StoreError> {
        read_plan(&mut self.conn(), id).await
    }

    /// One item with its plan, read inside the transaction.
    pub async fn item(&mut self, id: ItemId) -> Result<(Item, PlanId), StoreError> {
        read_item(&mut self.conn(), id).await
    }

    /// One target, read inside the transaction.
    pub async fn target(&mut self, id: TargetId) -> Result<Target, StoreError> {
        read_target(&mut self.conn(), id).await
    }
}

impl Tx {
    /// Creates a plan (without its sections; add those with [`Tx::insert_section`]).
    pub async fn insert_plan(&mut self, p: &NewPlan) -> Result<PlanId, StoreError> {
        // language=SQL
        const SQL: &str =
            "INSERT INTO plans (year, title, owner_unit_id, kind, status, source_text,
                                              declared_sections, declared_items, created_at)
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
        let now = self.now.to_sqlx();
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(i64::from(p.year)).bind(&p.title).bind(p.owner.0).bind(p.kind.code())
            .bind(p.status.code()).bind(&p.source_text)
            .bind(p.declared_sections.map(i64::from)).bind(p.declared_items.map(i64::from))
            .bind(now)
            .fetch_one(&mut *c).await)?;
        let after = json!({
            "year": p.year, "title": p.title, "owner_unit_id": p.owner.0, "kind": p.kind.code(),
            "status": p.status.code(), "source_text_bytes": p.source_text.len(),
            "declared_sections": p.declared_sections, "declared_items": p.declared_items,
        });
        self.audit("create", "plan", id, None, Some(after)).await?;
        Ok(PlanId(id))
    }

    /// Moves a plan to another status (confirmed, published).
    pub async fn set_plan_status(
        &mut self,
        plan: PlanId,
        status: PlanStatus,
    ) -> Result<(), StoreError> {
        // language=SQL
        const GET: &str = "SELECT status FROM plans WHERE id = $1";
        // language=SQL
        const SET: &str = "UPDATE plans SET status = $2 WHERE id = $1";
        let before: Option<String> =
            on_tx!(self, c => sqlx::query_scalar(GET).bind(plan.0).fetch_optional(&mut *c).await)?;
        let before = before.ok_or(StoreError::NotFound {
            entity: "plan",
            id: plan.0,
        })?;
        on_tx!(self, c => sqlx::query(SET).bind(plan.0).bind(status.code()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        self.audit(
            "update",
            "plan",
            plan.0,
            Some(json!({ "status": before })),
            Some(json!({ "status": status.code() })),
        )
        .await
    }

    /// Creates a section.
    pub async fn insert_section(&mut self, s: &NewSection) -> Result<SectionId, StoreError> {
        // language=SQL
        const SQL: &str = "INSERT INTO sections (plan_id, position, no, title, declared_items)
                           VALUES ($1, $2, $3, $4, $5) RETURNING id";
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(s.plan.0).bind(i64::from(s.position)).bind(i64::from(s.no)).bind(&s.title)
            .bind(s.declared_items.map(i64::from))
            .fetch_one(&mut *c).await)?;
        let after = json!({
            "plan_id": s.plan.0, "position": s.position, "no": s.no, "title": s.title,
            "declared_items": s.declared_items,
        });
        self.audit("create", "section", id, None, Some(after))
            .await?;
        Ok(SectionId(id))
    }

    /// Creates an item.
    pub async fn insert_item(&mut self, i: &NewItem) -> Result<ItemId, StoreError> {
        // language=SQL
        const SQL: &str =
            "INSERT INTO items (section_id, position, no, text, leads, span_start, span_end)
                           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
        let (start, end) = span_cols(i.span);
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(i.section.0).bind(i64::from(i.position)).bind(i64::from(i.no)).bind(&i.text)
            .bind(leads_text(&i.leads)).bind(start).bind(end)
            .fetch_one(&mut *c).await)?;
        let after = json!({
            "section_id": i.section.0, "position": i.position, "no": i.no, "text": i.text,
            "leads": i.leads,
        });
        self.audit("create", "item", id, None, Some(after)).await?;
        Ok(ItemId(id))
    }

    /// Creates a target.
    pub async fn insert_target(&mut self, t: &NewTarget) -> Result<TargetId, StoreError> {
        // language=SQL
        const SQL: &str =
            "INSERT INTO targets (item_id, seq, value, unit, cmp, phrase, span_start, span_end,
                                                implicit, delta, deadline, baseline, kind, accrual)
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id";
        let (start, end) = span_cols(t.span);
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(SQL)
            .bind(t.item.0).bind(i64::from(t.seq)).bind(dec_text(t.quantity.value))
            .bind(&t.quantity.unit).bind(t.cmp.code()).bind(&t.phrase).bind(start).bind(end)
            .bind(t.implicit).bind(t.delta).bind(t.deadline.to_sqlx())
            .bind(t.baseline.map(dec_text))
            .bind(t.kind.code())
            .bind(t.accrual_set.map(Accrual::code))
            .fetch_one(&mut *c).await)?;
        let created = Target {
            id: TargetId(id),
            item: t.item,
            seq: t.seq,
            quantity: t.quantity.clone(),
            cmp: t.cmp,
            phrase: t.phrase.clone(),
            span: t.span,
            implicit: t.implicit,
            delta: t.delta,
            deadline: t.deadline,
            baseline: t.baseline,
            kind: t.kind,
            accrual_set: t.accrual_set,
        };
        self.audit("create", "target", id, None, Some(target_json(&created)))
            .await?;
        Ok(TargetId(id))
    }

    /// Corrects a target, recording it as it was and as it became.
    pub async fn update_target(
        &mut self,
        id: TargetId,
        change: &TargetChange,
    ) -> Result<Target, StoreError> {
        // language=SQL
        const GET: &str = concat!(
            "SELECT ",
            crate::rows::target_columns!(),
            "
                           FROM targets t WHERE t.id = $1"
        );
        // language=SQL
        const SET: &str = "UPDATE targets SET value = $2, unit = $3, cmp = $4, deadline = $5, accrual = $6 WHERE id = $1";
        let row: Option<TargetRow> =
            on_tx!(self, c => sqlx::query_as(GET).bind(id.0).fetch_optional(&mut *c).await)?;
        let before = row
            .ok_or(StoreError::NotFound {
                entity: "target",
                id: id.0,
            })?
            .into_domain()?;
        let mut after = before.clone();
        if let Some(q) = &change.quantity {
            after.quantity = q.clone();
        }
        if let Some(c) = change.cmp {
            after.cmp = c;
        }
        if let Some(d) = change.deadline {
            after.deadline = d;
        }
        if let Some(a) = change.accrual_set {
            after.accrual_set = a;
        }
        on_tx!(self, c => sqlx::query(SET)
            .bind(id.0).bind(dec_text(after.quantity.value)).bind(&after.quantity.unit)
            .bind(after.cmp.code()).bind(after.deadline.to_sqlx())
            .bind(after.accrual_set.map(Accrual::code))
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        self.audit(
            "update",
            "target",
            id.0,
            Some(target_json(&before)),
            Some(target_json(&after)),
        )
        .await?;
        Ok(after)
    }
}

fn span_cols(span: Option<TargetSpan>) -> (Option<i64>, Option<i64>) {
    match span {
        Some(s) => (i64::try_from(s.start).ok(), i64::try_from(s.end).ok()),
        None => (None, None),
    }
}
