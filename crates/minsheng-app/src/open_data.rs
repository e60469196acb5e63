//! Open data out (公开数据): a published plan's commitments, targets, progress and status by
//! period and region, and the public bulletins, in the formats others read — CSV and XLSX
//! ([`table`], one table written twice), JSON ([`json`]), an Atom feed of status changes and
//! public bulletins ([`atom`]) and IATI activity XML 2.03 ([`iati`]).
//!
//! **Public fields only, decided in one place.** Everything here is read through the public
//! portal ([`crate::portal::public_plan`] once per month with accepted data, and
//! [`crate::bulletin::public_bulletins`]), whose types carry public fields alone; this module
//! has no list of its own of what the public may see, and reads nothing else from the store.
//! An unpublished plan is "not found", as on the portal. The writers are pure over
//! [`OpenPlan`]: the public routes and `minsheng export` call the same ones, so both give the
//! same bytes for the same data and day.

pub mod atom;
pub mod csv;
pub mod iati;
pub mod json;
pub mod xlsx;

use crate::bulletin;
use crate::error::AppError;
use crate::portal::{self, PublicPlan, PublicSection};
use jiff::civil::Date;
use minsheng_domain::{Bulletin, PlanId, Thresholds};
use minsheng_store::Store;
use rust_decimal::Decimal;

/// A published plan as the open-data exports read it.
#[derive(Debug, Clone)]
pub struct OpenPlan {
    /// The plan at its latest month with accepted data (or without figures, before any):
    /// its commitments, in document order.
    pub latest: PublicPlan,
    /// The plan at every month with accepted data up to today, oldest first.
    pub periods: Vec<PublicPlan>,
    /// Its issued bulletins marked public, newest first.
    pub bulletins: Vec<Bulletin>,
}

/// Reads a published plan for export, as of `today`. An unpublished or unknown plan is
/// [`AppError::NotFound`].
pub async fn gather(
    store: &Store,
    id: PlanId,
    today: Date,
    thresholds: &Thresholds,
) -> Result<OpenPlan, AppError> {
    let latest = portal::public_plan(store, id, None, today, thresholds).await?;
    let mut periods = Vec::with_capacity(latest.months.len());
    for m in &latest.months {
        if Some(*m) == latest.period {
            periods.push(latest.clone());
        } else {
            let code = m.to_string();
            periods.push(portal::public_plan(store, id, Some(&code), today, thresholds).await?);
        }
    }
    let bulletins = bulletin::public_bulletins(store, id).await?;
    Ok(OpenPlan {
        latest,
        periods,
        bulletins,
    })
}

impl OpenPlan {
    /// The plan's id.
    pub fn id(&self) -> PlanId {
        self.latest.summary.id
    }

    /// The file name of a download: `minsheng-plan-7.csv`, `minsheng-plan-7-iati.xml`.
    pub fn file_name(&self, format: Format) -> String {
        match format {
            Format::Iati => format!("minsheng-plan-{}-iati.xml", self.id()),
            f => format!("minsheng-plan-{}.{}", self.id(), f.ext()),
        }
    }

    /// The plan's sections as of its latest figures.
    pub fn sections(&self) -> &[PublicSection] {
        &self.latest.sections
    }

    /// The path of the plan's public page.
    pub fn page_path(&self) -> String {
        format!("/public/plans/{}", self.id())
    }
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// [`csv`]: the table, UTF-8 with a BOM.
    Csv,
    /// [`json`]: the whole export as one document.
    Json,
    /// [`xlsx`]: the table as a workbook.
    Xlsx,
    /// [`atom`]: status changes and public bulletins.
    Atom,
    /// [`iati`]: IATI activity XML 2.03.
    Iati,
}

impl Format {
    /// Every format, in the order the command lists them.
    pub const ALL: [Format; 5] = [
        Format::Csv,
        Format::Json,
        Format::Xlsx,
        Format::Atom,
        Format::Iati,
    ];

    /// Its code on the command line: `csv`, `json`, `xlsx`, `atom`, `iati`.
    pub fn code(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Xlsx => "xlsx",
            Format::Atom => "atom",
            Format::Iati => "iati",
        }
    }

    /// Reads a code.
    pub fn from_code(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.code() == s)
    }

    /// The file's extension.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Xlsx => "xlsx",
            Format::Atom => "atom",
            Format::Iati => "xml",
        }
    }

    /// The file's media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Iati => "application/xml; charset=utf-8",
        }
    }

    /// The plan in this format: the one function the routes and the command both call.
    pub fn write(self, open: &OpenPlan) -> Result<Vec<u8>, String> {
        match self {
            Format::Csv => csv::write(open),
            Format::Json => json::write(open),
            Format::Xlsx => xlsx::write(open),
            Format::Atom => atom::write(open),
            Format::Iati => iati::write(open),
        }
    }
}

/// A number as written in every export: at most six decimal places (a report's precision; a
/// level's mean over its regions is rounded there), without trailing zeros (`816.2`, `230000`,
/// `87.288889`).
pub fn number(d: Decimal) -> String {
    rounded(d).to_string()
}

/// A figure as every export keeps it: six decimal places at most, trailing zeros dropped.
pub fn rounded(d: Decimal) -> Decimal {
    d.round_dp(6).normalize()
}

/// A completion (0–1) as written in every export: four decimal places (`0.8234`).
pub fn completion(d: Decimal) -> Decimal {
    d.round_dp(4).normalize()
}

/// The table the CSV and XLSX exports both write: one row per period × target for the target
/// as a whole (an empty region), followed by one row per regional share of it; before any
/// accepted data, one row per target without figures.
pub mod table {
    use super::{OpenPlan, completion};
    use crate::portal::{self, PublicPlan, PublicTarget};
    use minsheng_domain::{Period, Status, TargetKind};
    use rust_decimal::Decimal;

    /// The header: Chinese first, then a plain code for programs (as the report import reads
    /// its columns).
    pub const COLUMNS: [&str; 18] = [
        "期间/period",
        "方面序号/section_no",
        "方面/section",
        "序号/item_no",
        "事项/item",
        "责任单位/responsible_units",
        "目标/target",
        "类型/kind",
        "比较/comparison",
        "目标值/target_value",
        "单位/unit",
        "截止日期/deadline",
        "地区/region",
        "分解任务/quota",
        "累计完成/value",
        "完成率/completion",
        "状态/status",
        "状态代码/status_code",
    ];

    /// A cell: text, or a number (kept exact; XLSX writes it as a number).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Cell {
        /// Text (empty for nothing).
        Text(String),
        /// A number.
        Number(Decimal),
    }

    impl Cell {
        fn opt(d: Option<Decimal>) -> Cell {
            d.map(Cell::Number)
                .unwrap_or_else(|| Cell::Text(String::new()))
        }

        /// The cell as CSV text (a number by [`super::number`]).
        pub fn text(&self) -> String {
            match self {
                Cell::Text(s) => s.clone(),
                Cell::Number(d) => super::number(*d),
            }
        }
    }

    fn status_cells(s: Option<Status>) -> [Cell; 2] {
        match s {
            Some(s) => [
                Cell::Text(portal::status_zh(s).into()),
                Cell::Text(s.code().into()),
            ],
            None => [Cell::Text(String::new()), Cell::Text(String::new())],
        }
    }

    /// Every row, in period order, then document order.
    pub fn rows(open: &OpenPlan) -> Vec<[Cell; 18]> {
        let mut out = Vec::new();
        if open.periods.is_empty() {
            plan_rows(&open.latest, None, &mut out);
        }
        for p in &open.periods {
            plan_rows(p, p.period, &mut out);
        }
        out
    }

    fn plan_rows(p: &PublicPlan, period: Option<Period>, out: &mut Vec<[Cell; 18]>) {
        let period = period.map(|p| p.to_string()).unwrap_or_default();
        for s in &p.sections {
            for c in &s.commitments {
                for t in &c.targets {
                    let head = |region: &str| -> [Cell; 13] {
                        let (value, unit) = goal(t);
                        [
                            Cell::Text(period.clone()),
                            Cell::Number(s.no.into()),
                            Cell::Text(s.title.clone().unwrap_or_default()),
                            Cell::Number(c.no.into()),
                            Cell::Text(c.text.clone()),
                            Cell::Text(c.leads.join("、")),
                            Cell::Text(t.phrase.clone()),
                            Cell::Text(t.kind.code().into()),
                            Cell::Text(t.cmp.code().into()),
                            value,
                            unit,
                            Cell::Text(t.deadline.to_string()),
                            Cell::Text(region.into()),
                        ]
                    };
                    let [sz, sc] = status_cells(t.status);
                    let whole = [
                        Cell::Text(String::new()),
                        Cell::opt(progress(t)),
                        Cell::opt(t.completion.map(completion)),
                        sz,
                        sc,
                    ];
                    out.push(join(head(""), whole));
                    for r in &t.regions {
                        let [sz, sc] = status_cells(Some(r.status));
                        // A qualitative item's share is held to its stage, not to a number.
                        let quantity = t.kind == TargetKind::Quantity;
                        let share = [
                            Cell::opt(r.quota.filter(|_| quantity)),
                            Cell::opt((t.kind == TargetKind::Quantity).then_some(r.value)),
                            Cell::Number(completion(r.completion)),
                            sz,
                            sc,
                        ];
                        out.push(join(head(&r.region), share));
                    }
                }
            }
        }
    }

    fn join(a: [Cell; 13], b: [Cell; 5]) -> [Cell; 18] {
        let mut it = a.into_iter().chain(b);
        std::array::from_fn(|_| it.next().unwrap_or(Cell::Text(String::new())))
    }

    /// A target's promised value and unit: none for a qualitative item (followed as a stage).
    fn goal(t: &PublicTarget) -> (Cell, Cell) {
        match t.kind {
            TargetKind::Quantity => (
                Cell::Number(t.quantity.value),
                Cell::Text(t.quantity.unit.clone()),
            ),
            TargetKind::Stage => (Cell::Text(String::new()), Cell::Text(String::new())),
        }
    }

    /// A target's accepted value: none for a qualitative item, whose progress is its status.
    fn progress(t: &PublicTarget) -> Option<Decimal> {
        match t.kind {
            TargetKind::Quantity => t.value,
            TargetKind::Stage => None,
        }
    }
}
