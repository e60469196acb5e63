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
//! * narrative: precision/recall/F1 by the same value-and-unit rule.
//!
//! When the gold is `truncated`, extracted items after the last gold item (by
//! section, then item number), and sections after the last gold section, are ignored.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;

use crate::gold::{Document, GoldCmp, Item, Value};

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

    // Narrative.
    let figs = |d: &Document| -> Vec<(Value, String, GoldCmp, bool)> {
        d.narrative
            .iter()
            .map(|f| (f.value, f.unit.clone(), f.cmp, f.optional))
            .collect()
    };
    let g = figs(gold);
    let e = figs(got);
    let g: Vec<Fig<'_>> = g.iter().map(|f| (f.0, f.1.as_str(), f.2, f.3)).collect();
    let e: Vec<Fig<'_>> = e.iter().map(|f| (f.0, f.1.as_str(), f.2, f.3)).collect();
    s.narrative = match_figures(&e, &g).0;
    s
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
