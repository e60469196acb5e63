//! Scoring an extraction against a gold document, as `corpus/SCHEMA.md` §Scoring
//! defines it.
//!
//! * items: precision/recall on (`no`, `text`);
//! * targets: precision/recall/F1 over pairs matched inside the same item, where a
//!   pair matches when `value` agrees to 1e-9 relative and `unit` is equal (either
//!   side's `""` matches any; 名 ≡ 人); optional gold targets neither reward nor
//!   penalise; a document without gold targets scores precision only;
//! * `cmp` accuracy over matched target pairs;
//! * lead units: set F1 over items;
//! * sections (`no`, `title`, `declared_items`) and `declared`: right or wrong;
//! * narrative: precision/recall/F1 by the same value-and-unit rule, when the gold
//!   annotates it (`narrative` present);
//! * projects, when the gold annotates them: precision/recall on names (white space
//!   removed, exact); their figures matched inside each pair of projects, kind by kind
//!   (investment, annual investment, output value, capacities by value and unit; dates
//!   by milestone and period); an unmatched project's figures are all false or missed;
//! * goals, when the gold annotates them: matched by value, unit and `by`; over the
//!   matched pairs, how many agree on the subject and on the parent's subject.
//!
//! When the gold is `truncated`, extracted items after the last gold item (by
//! section, then item number), and sections after the last gold section, are ignored.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;

use crate::gold::{Amount, Document, GoldCmp, Item, Project, Value};

/// Counts for precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Matched.
    pub tp: usize,
    /// Extracted but not in the gold.
    pub fp: usize,
    /// In the gold but not extracted.
    pub fn_: usize,
}

impl Counts {
    /// tp / (tp + fp); 1 when nothing was extracted.
    #[must_use]
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp).unwrap_or(1.0)
    }

    /// tp / (tp + fn); `None` when the gold has nothing.
    #[must_use]
    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// Harmonic mean of precision and recall; `None` when the gold has nothing.
    #[must_use]
    pub fn f1(&self) -> Option<f64> {
        let r = self.recall()?;
        let p = self.precision();
        Some(if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        })
    }

    fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

#[expect(clippy::cast_precision_loss, reason = "counts are small")]
fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// The score of one document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Score {
    /// The gold's `source`.
    pub source: String,
    /// Items on (`no`, `text`).
    pub items: Counts,
    /// Targets matched inside items.
    pub targets: Counts,
    /// Matched target pairs whose `cmp` agrees.
    pub cmp_agree: usize,
    /// Lead units, as sets per item.
    pub leads: Counts,
    /// Narrative figures.
    pub narrative: Counts,
    /// Whether the gold annotates projects (else the next two are empty).
    pub projects_scored: bool,
    /// Projects by name.
    pub projects: Counts,
    /// Figures and dates of projects.
    pub project_figures: Counts,
    /// Whether the gold annotates goals.
    pub goals_scored: bool,
    /// Goals by value, unit and deadline.
    pub goals: Counts,
    /// Matched goals whose subject agrees.
    pub goal_subject_agree: usize,
    /// Matched goals whose parent (by subject, or none) agrees.
    pub goal_parent_agree: usize,
    /// Sections (no, title, declared count) all read right.
    pub sections_correct: bool,
    /// `declared` read right.
    pub declared_correct: bool,
    /// `title` read right.
    pub title_correct: bool,
    /// `year` read right.
    pub year_correct: bool,
}

impl Score {
    /// Share of matched target pairs with the right `cmp`; `None` without pairs.
    #[must_use]
    pub fn cmp_accuracy(&self) -> Option<f64> {
        ratio(self.cmp_agree, self.targets.tp)
    }
}

fn unit_eq(a: &str, b: &str) -> bool {
    let canon = |u: &str| {
        if u == "名" {
            "人".to_string()
        } else {
            u.to_string()
        }
    };
    a.is_empty() || b.is_empty() || canon(a) == canon(b)
}

fn value_eq(a: Decimal, b: Decimal) -> bool {
    let Some(diff) = a.checked_sub(b).map(|d| d.abs()) else {
        return false;
    };
    let scale = a.abs().max(b.abs());
    diff.is_zero()
        || scale
            .checked_mul(Decimal::new(1, 9))
            .is_some_and(|tol| diff <= tol)
}

/// Whether an extracted (value, unit) matches a gold one.
#[must_use]
pub fn matches(got: (Value, &str), gold: (Value, &str)) -> bool {
    value_eq(got.0.0, gold.0.0) && unit_eq(got.1, gold.1)
}

/// Maximum bipartite matching: `edges[i]` lists the right-hand nodes left node `i`
/// may take. Returns, per left node, its partner.
fn max_matching(edges: &[Vec<usize>], right: usize) -> Vec<Option<usize>> {
    fn augment(
        i: usize,
        edges: &[Vec<usize>],
        seen: &mut [bool],
        owner: &mut [Option<usize>],
    ) -> bool {
        for &j in &edges[i] {
            if seen[j] {
                continue;
            }
            seen[j] = true;
            if owner[j].is_none_or(|k| augment(k, edges, seen, owner)) {
                owner[j] = Some(i);
                return true;
            }
        }
        false
    }
    let mut owner: Vec<Option<usize>> = vec![None; right];
    for i in 0..edges.len() {
        let mut seen = vec![false; right];
        augment(i, edges, &mut seen, &mut owner);
    }
    let mut partner = vec![None; edges.len()];
    for (j, o) in owner.iter().enumerate() {
        if let Some(i) = o {
            partner[*i] = Some(j);
        }
    }
    partner
}

/// A figure to match: value, unit, cmp, optional.
type Fig<'a> = (Value, &'a str, GoldCmp, bool);

/// Matches extracted against gold figures; returns counts and the number of
/// matched pairs whose cmp agrees.
fn match_figures(got: &[Fig<'_>], gold: &[Fig<'_>]) -> (Counts, usize) {
    let required: Vec<&Fig<'_>> = gold.iter().filter(|g| !g.3).collect();
    let optional: Vec<&Fig<'_>> = gold.iter().filter(|g| g.3).collect();
    let edges: Vec<Vec<usize>> = got
        .iter()
        .map(|e| {
            (0..required.len())
                .filter(|&j| matches((e.0, e.1), (required[j].0, required[j].1)))
                .collect()
        })
        .collect();
    let partner = max_matching(&edges, required.len());
    let mut c = Counts::default();
    let mut agree = 0;
    let mut leftover = Vec::new();
    for (i, p) in partner.iter().enumerate() {
        match p {
            Some(j) => {
                c.tp += 1;
                if got[i].2 == required[*j].2 {
                    agree += 1;
                }
            }
            None => leftover.push(i),
        }
    }
    c.fn_ = required.len() - c.tp;
    // Unmatched extractions that match an optional gold figure are neutral.
    let edges2: Vec<Vec<usize>> = leftover
        .iter()
        .map(|&i| {
            (0..optional.len())
                .filter(|&j| matches((got[i].0, got[i].1), (optional[j].0, optional[j].1)))
                .collect()
        })
        .collect();
    let neutral = max_matching(&edges2, optional.len())
        .iter()
        .filter(|p| p.is_some())
        .count();
    c.fp = leftover.len() - neutral;
    (c, agree)
}

fn target_figs(item: &Item) -> Vec<Fig<'_>> {
    item.targets
        .iter()
        .map(|t| (t.value, t.unit.as_str(), t.cmp, t.optional))
        .collect()
}

/// Scores `got` against `gold`.
#[must_use]
pub fn score(gold: &Document, got: &Document) -> Score {
    let mut s = Score {
        source: gold.source.clone(),
        ..Score::default()
    };
    let key = |sec: u32, item: u32| (sec, item);
    let gold_items: Vec<((u32, u32), &Item)> = gold
        .sections
        .iter()
        .flat_map(|sec| sec.items.iter().map(move |i| (key(sec.no, i.no), i)))
        .collect();
    let last = gold_items.iter().map(|(k, _)| *k).max();
    let last_section = gold.sections.iter().map(|x| x.no).max();
    let got_items: Vec<((u32, u32), &Item)> = got
        .sections
        .iter()
        .flat_map(|sec| sec.items.iter().map(move |i| (key(sec.no, i.no), i)))
        .filter(|(k, _)| !gold.truncated || last.is_none_or(|l| *k <= l))
        .collect();

    // Items on (no, text), as multisets.
    let mut bag: BTreeMap<(u32, &str), usize> = BTreeMap::new();
    for (_, i) in &gold_items {
        *bag.entry((i.no, i.text.as_str())).or_default() += 1;
    }
    for (_, i) in &got_items {
        match bag.get_mut(&(i.no, i.text.as_str())) {
            Some(n) if *n > 0 => {
                *n -= 1;
                s.items.tp += 1;
            }
            _ => s.items.fp += 1,
        }
    }
    s.items.fn_ = gold_items.len() - s.items.tp;

    // Pair items by (section, number); fall back to a unique number.
    let mut used = vec![false; got_items.len()];
    let mut pairs: Vec<(usize, Option<usize>)> = Vec::new();
    for (gi, (gk, g)) in gold_items.iter().enumerate() {
        let exact = got_items.iter().position(|(k, _)| k == gk);
        let by_no = || {
            let c: Vec<usize> = (0..got_items.len())
                .filter(|&k| got_items[k].1.no == g.no && !used[k])
                .collect();
            (c.len() == 1).then(|| c[0])
        };
        let m = exact.filter(|&k| !used[k]).or_else(by_no);
        if let Some(k) = m {
            used[k] = true;
        }
        pairs.push((gi, m));
    }
    for (gi, m) in &pairs {
        let g = gold_items[*gi].1;
        let gold_leads: Vec<&str> = g.leads.iter().map(String::as_str).collect();
        match m {
            Some(k) => {
                let e = got_items[*k].1;
                let (c, agree) = match_figures(&target_figs(e), &target_figs(g));
                s.targets.add(c);
                s.cmp_agree += agree;
                let got_leads: Vec<&str> = e.leads.iter().map(String::as_str).collect();
                let tp = got_leads.iter().filter(|l| gold_leads.contains(l)).count();
                s.leads.add(Counts {
                    tp,
                    fp: got_leads.len() - tp,
                    fn_: gold_leads.iter().filter(|l| !got_leads.contains(l)).count(),
                });
            }
            None => {
                s.targets.fn_ += g.targets.iter().filter(|t| !t.optional).count();
                s.leads.fn_ += gold_leads.len();
            }
        }
    }
    for (k, (_, e)) in got_items.iter().enumerate() {
        if !used[k] {
            s.targets.fp += e.targets.len();
            s.leads.fp += e.leads.len();
        }
    }

    // Sections and declared counts.
    let shape = |d: &Document, cut: bool| -> Vec<(u32, Option<String>, Option<u32>)> {
        d.sections
            .iter()
            .filter(|x| !cut || last_section.is_none_or(|l| x.no <= l))
            .map(|x| (x.no, x.title.clone(), x.declared_items))
            .collect()
    };
    s.sections_correct = shape(gold, false) == shape(got, gold.truncated);
    s.declared_correct = gold.declared == got.declared;
    s.title_correct = gold.title == got.title;
    s.year_correct = gold.year == got.year;

    // Narrative, when annotated.
    if let Some(gold_narrative) = &gold.narrative {
        let g: Vec<Fig<'_>> = gold_narrative
            .iter()
            .map(|f| (f.value, f.unit.as_str(), f.cmp, f.optional))
            .collect();
        let e: Vec<Fig<'_>> = got
            .narrative
            .iter()
            .flatten()
            .map(|f| (f.value, f.unit.as_str(), f.cmp, f.optional))
            .collect();
        s.narrative = match_figures(&e, &g).0;
    }
    if let Some(gold_projects) = &gold.projects {
        s.projects_scored = true;
        let got_projects = got.projects.as_deref().unwrap_or_default();
        (s.projects, s.project_figures) = score_projects(gold_projects, got_projects);
    }
    if let Some(gold_goals) = &gold.goals {
        s.goals_scored = true;
        score_goals(gold_goals, got.goals.as_deref().unwrap_or_default(), &mut s);
    }
    s
}

fn amounts(a: &[Amount]) -> Vec<Fig<'_>> {
    a.iter()
        .map(|f| (f.value, f.unit.as_str(), f.cmp, f.optional))
        .collect()
}

/// Every figure and date of a project, as (counted, optional) for an unmatched one.
fn project_size(p: &Project) -> usize {
    let amounts = p
        .investment
        .iter()
        .chain(&p.annual_investment)
        .chain(&p.output_value)
        .filter(|a| !a.optional)
        .count();
    amounts + p.capacities.iter().filter(|c| !c.optional).count() + p.dates.len()
}

/// The figures of a matched pair of projects, kind by kind.
fn project_pair(gold: &Project, got: &Project) -> Counts {
    let mut c = Counts::default();
    let kinds: [(Vec<Fig<'_>>, Vec<Fig<'_>>); 4] = [
        (
            amounts(got.investment.as_slice()),
            amounts(gold.investment.as_slice()),
        ),
        (
            amounts(&got.annual_investment),
            amounts(&gold.annual_investment),
        ),
        (amounts(&got.output_value), amounts(&gold.output_value)),
        (
            got.capacities
                .iter()
                .map(|f| (f.value, f.unit.as_str(), f.cmp, f.optional))
                .collect(),
            gold.capacities
                .iter()
                .map(|f| (f.value, f.unit.as_str(), f.cmp, f.optional))
                .collect(),
        ),
    ];
    for (e, g) in &kinds {
        c.add(match_figures(e, g).0);
    }
    let mut left: Vec<_> = got.dates.iter().collect();
    for d in &gold.dates {
        if let Some(k) = left
            .iter()
            .position(|x| x.milestone == d.milestone && x.by == d.by)
        {
            left.remove(k);
            c.tp += 1;
        } else {
            c.fn_ += 1;
        }
    }
    c.fp += left.len();
    c
}

fn score_projects(gold: &[Project], got: &[Project]) -> (Counts, Counts) {
    let key = |n: &str| n.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let mut names = Counts::default();
    let mut figures = Counts::default();
    let mut used = vec![false; got.len()];
    for g in gold {
        let m = (0..got.len()).find(|&k| !used[k] && key(&got[k].name) == key(&g.name));
        match m {
            Some(k) => {
                used[k] = true;
                names.tp += 1;
                figures.add(project_pair(g, &got[k]));
            }
            None => {
                names.fn_ += 1;
                figures.fn_ += project_size(g);
            }
        }
    }
    for (k, e) in got.iter().enumerate() {
        if !used[k] {
            names.fp += 1;
            figures.fp += project_size(e);
        }
    }
    (names, figures)
}

fn score_goals(gold: &[crate::gold::Goal], got: &[crate::gold::Goal], s: &mut Score) {
    let required: Vec<&crate::gold::Goal> = gold.iter().filter(|g| !g.optional).collect();
    let optional: Vec<&crate::gold::Goal> = gold.iter().filter(|g| g.optional).collect();
    let same = |e: &crate::gold::Goal, g: &crate::gold::Goal| {
        e.by == g.by && matches((e.value, &e.unit), (g.value, &g.unit))
    };
    let edges: Vec<Vec<usize>> = got
        .iter()
        .map(|e| {
            (0..required.len())
                .filter(|&j| same(e, required[j]))
                .collect()
        })
        .collect();
    let partner = max_matching(&edges, required.len());
    let mut leftover = Vec::new();
    for (i, p) in partner.iter().enumerate() {
        match p {
            Some(j) => {
                s.goals.tp += 1;
                let g = required[*j];
                s.goal_subject_agree += usize::from(got[i].subject == g.subject);
                s.goal_parent_agree += usize::from(got[i].parent == g.parent);
            }
            None => leftover.push(i),
        }
    }
    s.goals.fn_ = required.len() - s.goals.tp;
    let edges2: Vec<Vec<usize>> = leftover
        .iter()
        .map(|&i| {
            (0..optional.len())
                .filter(|&j| same(&got[i], optional[j]))
                .collect()
        })
        .collect();
    let neutral = max_matching(&edges2, optional.len())
        .iter()
        .filter(|p| p.is_some())
        .count();
    s.goals.fp = leftover.len() - neutral;
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "  -  ".to_string(), |x| format!("{x:.3}"))
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.source)?;
        writeln!(
            f,
            "  {:<10} {:>5} {:>5} {:>5}  {:>5} {:>5}  {:>5}",
            "", "tp", "fp", "fn", "P", "R", "F1"
        )?;
        for (name, c) in [
            ("items", self.items),
            ("targets", self.targets),
            ("leads", self.leads),
            ("narrative", self.narrative),
        ] {
            writeln!(
                f,
                "  {:<10} {:>5} {:>5} {:>5}  {} {}  {}",
                name,
                c.tp,
                c.fp,
                c.fn_,
                num(Some(c.precision())),
                num(c.recall()),
                num(c.f1())
            )?;
        }
        let mut rows = Vec::new();
        if self.projects_scored {
            rows.push(("projects", self.projects));
            rows.push(("proj figs", self.project_figures));
        }
        if self.goals_scored {
            rows.push(("goals", self.goals));
        }
        for (name, c) in rows {
            writeln!(
                f,
                "  {:<10} {:>5} {:>5} {:>5}  {} {}  {}",
                name,
                c.tp,
                c.fp,
                c.fn_,
                num(Some(c.precision())),
                num(c.recall()),
                num(c.f1())
            )?;
        }
        if self.goals_scored && self.goals.tp > 0 {
            writeln!(
                f,
                "  goal subjects {}/{}  goal parents {}/{}",
                self.goal_subject_agree, self.goals.tp, self.goal_parent_agree, self.goals.tp
            )?;
        }
        let yes = |b: bool| if b { "ok" } else { "WRONG" };
        writeln!(
            f,
            "  cmp accuracy {}  sections {}  declared {}  title {}  year {}",
            num(self.cmp_accuracy()),
            yes(self.sections_correct),
            yes(self.declared_correct),
            yes(self.title_correct),
            yes(self.year_correct)
        )
    }
}
