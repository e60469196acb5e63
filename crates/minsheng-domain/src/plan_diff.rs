//! The plan diff (计划对比): next year's plan against this year's — which targets are new,
//! dropped, raised, lowered or unchanged ("新改建农村公路3000公里" → "4000公里": raised).
//!
//! Targets are matched **by meaning, never by item number**: items are renumbered, merged and
//! reworded from one year to the next. The rule:
//! - each target is read as its item's text and its own phrase with every digit, decimal point
//!   and punctuation mark taken out, so that the figures never decide whether two targets are
//!   the same commitment ([`key_text`]);
//! - two targets are alike by the Dice coefficient of their character bigrams (the share of
//!   two-character pieces they have in common, 0–1000 ‰), the item text and the phrase
//!   weighing half each ([`similarity`]);
//! - only targets in the same unit of measure are compared (公里 with 公里; a qualitative
//!   item only with a qualitative item);
//! - the pairs at least [`THRESHOLD`] alike are taken greedily, most alike first (ties: nearest
//!   in the documents' order, then first in the old plan), each target at most once — a
//!   one-to-one matching;
//! - a matched pair is raised, lowered or unchanged by its exact value; what is left of the
//!   old plan was dropped, what is left of the new one is new.
//!
//! Pure: no I/O, no floating point (similarities are whole per-mille figures), and it never
//! panics on any text or value (a property test).

use crate::quantity::Quantity;
use std::collections::BTreeMap;

/// How alike two targets must be (per mille) to be taken as the same commitment.
pub const THRESHOLD: u16 = 300;

/// One target of a plan, as the diff compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its item's number as printed (shown, never matched on).
    pub item_no: u32,
    /// Its item's whole text.
    pub item_text: String,
    /// The clause that states the target.
    pub phrase: String,
    /// What it is held to.
    pub quantity: Quantity,
    /// A qualitative item's stage rather than a number.
    pub qualitative: bool,
}

/// What became of a target from one plan to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Change {
    /// In the new plan only.
    New,
    /// In the old plan only.
    Dropped,
    /// In both, the new figure higher.
    Raised,
    /// In both, the new figure lower.
    Lowered,
    /// In both, the same figure (or a qualitative item in both).
    Unchanged,
}

impl Change {
    /// Every change, in the order a diff lists them.
    pub const ALL: [Change; 5] = [
        Change::New,
        Change::Dropped,
        Change::Raised,
        Change::Lowered,
        Change::Unchanged,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Dropped => "dropped",
            Change::Raised => "raised",
            Change::Lowered => "lowered",
            Change::Unchanged => "unchanged",
        }
    }

    /// The Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            Change::New => "新增",
            Change::Dropped => "取消",
            Change::Raised => "提高",
            Change::Lowered => "降低",
            Change::Unchanged => "持平",
        }
    }

    /// The English name.
    pub fn label_en(self) -> &'static str {
        match self {
            Change::New => "New",
            Change::Dropped => "Dropped",
            Change::Raised => "Raised",
            Change::Lowered => "Lowered",
            Change::Unchanged => "Unchanged",
        }
    }
}

/// One line of a diff: an old target, a new one, or a matched pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// What changed.
    pub change: Change,
    /// The old target's index in the old entries, unless it is new.
    pub old: Option<usize>,
    /// The new target's index in the new entries, unless it was dropped.
    pub new: Option<usize>,
    /// How alike the pair is, per mille (0 for a line with one side).
    pub similarity: u16,
}

/// A diff: every old and every new target exactly once, in the new plan's order with the
/// dropped ones after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDiff {
    /// The lines.
    pub lines: Vec<Line>,
}

impl PlanDiff {
    /// How many lines are of `change`.
    pub fn count(&self, change: Change) -> usize {
        self.lines.iter().filter(|l| l.change == change).count()
    }
}

/// The text a target is compared by: the characters that carry meaning, with digits, decimal
/// points, percent signs, whitespace and punctuation taken out.
pub fn key_text(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| c.is_alphabetic() && !c.is_ascii_digit())
        .filter(|c| !matches!(c, '〇' | '零'))
        .collect()
}

fn bigrams(chars: &[char]) -> BTreeMap<(char, char), u32> {
    let mut out = BTreeMap::new();
    if chars.len() == 1 {
        *out.entry((chars[0], '\0')).or_insert(0) += 1;
    }
    for w in chars.windows(2) {
        *out.entry((w[0], w[1])).or_insert(0) += 1;
    }
    out
}

/// The Dice coefficient of two texts' character bigrams, per mille (0 when either is empty).
pub fn dice(a: &str, b: &str) -> u16 {
    let (a, b) = (bigrams(&key_text(a)), bigrams(&key_text(b)));
    let total: u64 = a.values().chain(b.values()).map(|n| u64::from(*n)).sum();
    if total == 0 {
        return 0;
    }
    let common: u64 = a
        .iter()
        .map(|(k, n)| u64::from((*n).min(b.get(k).copied().unwrap_or(0))))
        .sum();
    // common ≤ total / 2, so the figure is at most 1000.
    u16::try_from(common * 2000 / total).unwrap_or(1000)
}

/// Whether two targets may be compared at all: the same unit of measure, or both qualitative.
pub fn comparable(a: &Entry, b: &Entry) -> bool {
    a.qualitative == b.qualitative && (a.qualitative || a.quantity.unit == b.quantity.unit)
}

/// How alike two targets are, per mille: their items' texts and their phrases, half each (a
/// phrase that is no more than its figure and unit counts as its item's text).
pub fn similarity(a: &Entry, b: &Entry) -> u16 {
    let items = dice(&a.item_text, &b.item_text);
    let phrase_meaningful = |e: &Entry| {
        let k = key_text(&e.phrase);
        k.len() > e.quantity.unit.chars().count() + 1
    };
    let phrases = if phrase_meaningful(a) && phrase_meaningful(b) {
        dice(&a.phrase, &b.phrase)
    } else {
        items
    };
    // Both at most 1000: the mean is too.
    ((u32::from(items) + u32::from(phrases)) / 2) as u16
}

/// Compares `new` against `old`. See the module docs for the rule.
pub fn diff(old: &[Entry], new: &[Entry]) -> PlanDiff {
    let mut pairs: Vec<(u16, usize, usize, usize)> = Vec::new();
    for (i, o) in old.iter().enumerate() {
        for (j, n) in new.iter().enumerate() {
            if !comparable(o, n) {
                continue;
            }
            let s = similarity(o, n);
            if s >= THRESHOLD {
                // Distance in the documents' order, on a common scale of old.len() × new.len().
                let distance = (i * new.len()).abs_diff(j * old.len());
                pairs.push((s, distance, i, j));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut old_of_new: Vec<Option<(usize, u16)>> = vec![None; new.len()];
    let mut taken = vec![false; old.len()];
    for (s, _, i, j) in pairs {
        if taken[i] || old_of_new[j].is_some() {
            continue;
        }
        taken[i] = true;
        old_of_new[j] = Some((i, s));
    }
    let mut lines = Vec::with_capacity(old.len() + new.len());
    for (j, m) in old_of_new.iter().enumerate() {
        lines.push(match *m {
            None => Line {
                change: Change::New,
                old: None,
                new: Some(j),
                similarity: 0,
            },
            Some((i, s)) => Line {
                change: compare(&old[i], &new[j]),
                old: Some(i),
                new: Some(j),
                similarity: s,
            },
        });
    }
    for (i, t) in taken.iter().enumerate() {
        if !t {
            lines.push(Line {
                change: Change::Dropped,
                old: Some(i),
                new: None,
                similarity: 0,
            });
        }
    }
    PlanDiff { lines }
}

fn compare(old: &Entry, new: &Entry) -> Change {
    if old.qualitative {
        return Change::Unchanged;
    }
    match new.quantity.value.cmp(&old.quantity.value) {
        std::cmp::Ordering::Greater => Change::Raised,
        std::cmp::Ordering::Less => Change::Lowered,
        std::cmp::Ordering::Equal => Change::Unchanged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn e(no: u32, item: &str, phrase: &str, value: &str, unit: &str) -> Entry {
        Entry {
            item_no: no,
            item_text: item.into(),
            phrase: phrase.into(),
            quantity: Quantity::new(value.parse().unwrap(), unit),
            qualitative: false,
        }
    }

    fn q(no: u32, item: &str) -> Entry {
        Entry {
            item_no: no,
            item_text: item.into(),
            phrase: item.into(),
            quantity: Quantity::new(Decimal::ONE, ""),
            qualitative: true,
        }
    }

    fn changes(d: &PlanDiff, old: &[Entry], new: &[Entry]) -> Vec<(Change, String)> {
        d.lines
            .iter()
            .map(|l| {
                let name = match (l.old, l.new) {
                    (_, Some(j)) => new[j].phrase.clone(),
                    (Some(i), None) => old[i].phrase.clone(),
                    (None, None) => unreachable!(),
                };
                (l.change, name)
            })
            .collect()
    }

    #[test]
    fn renumbered_and_reworded_items_match_by_meaning() {
        let road = "新改建农村公路3000公里,改造农村危桥150座,实施农村公路安防工程1800公里、养护工程5000公里。";
        let old = vec![
            e(
                1,
                "城镇新增就业23万人;实现城镇零就业家庭动态清零。",
                "城镇新增就业23万人",
                "230000",
                "人",
            ),
            e(29, road, "新改建农村公路3000公里", "3000", "公里"),
            e(29, road, "改造农村危桥150座", "150", "座"),
            e(29, road, "实施农村公路安防工程1800公里", "1800", "公里"),
            e(
                38,
                "新建“口袋公园”“小微绿地”150处。",
                "新建“口袋公园”“小微绿地”150处",
                "150",
                "处",
            ),
            q(5, "提高工伤保险待遇标准。"),
            e(
                30,
                "改造客运班线公交化线路100条。",
                "改造客运班线公交化线路100条",
                "100",
                "条",
            ),
        ];
        let road24 = "新建改建农村公路4000公里,改造农村危桥120座,实施农村公路安防工程1800公里。";
        let new = vec![
            e(3, road24, "新建改建农村公路4000公里", "4000", "公里"),
            e(3, road24, "改造农村危桥120座", "120", "座"),
            e(3, road24, "实施农村公路安防工程1800公里", "1800", "公里"),
            e(
                1,
                "城镇新增就业22万人以上。",
                "城镇新增就业22万人以上",
                "220000",
                "人",
            ),
            q(9, "提高工伤保险待遇标准。"),
            e(
                40,
                "建设城市“口袋公园”200处。",
                "建设城市“口袋公园”200处",
                "200",
                "处",
            ),
            e(
                41,
                "新建城市社区嵌入式托育点300个。",
                "新建城市社区嵌入式托育点300个",
                "300",
                "个",
            ),
        ];
        let d = diff(&old, &new);
        let got = changes(&d, &old, &new);
        assert_eq!(
            got,
            vec![
                (Change::Raised, "新建改建农村公路4000公里".to_string()),
                (Change::Lowered, "改造农村危桥120座".into()),
                (Change::Unchanged, "实施农村公路安防工程1800公里".into()),
                (Change::Lowered, "城镇新增就业22万人以上".into()),
                (Change::Unchanged, "提高工伤保险待遇标准。".into()),
                (Change::Raised, "建设城市“口袋公园”200处".into()),
                (Change::New, "新建城市社区嵌入式托育点300个".into()),
                (Change::Dropped, "改造客运班线公交化线路100条".into()),
            ]
        );
        // The road target matched the road target of item 29, not anything by its number.
        assert_eq!(d.lines[0].old, Some(1));
        assert_eq!(d.count(Change::Raised), 2);
    }

    #[test]
    fn units_must_agree_and_figures_do_not_decide() {
        let old = vec![e(1, "新建公路3000公里", "新建公路3000公里", "3000", "公里")];
        let new = vec![e(1, "新建公路3000座", "新建公路3000座", "3000", "座")];
        let d = diff(&old, &new);
        assert_eq!(d.count(Change::New), 1);
        assert_eq!(d.count(Change::Dropped), 1);
        assert_eq!(dice("新建公路3000公里", "新建公路4000公里"), 1000);
        assert_eq!(dice("", "新建"), 0);
        assert_eq!(dice("路", "路"), 1000);
    }

    fn entry() -> impl Strategy<Value = Entry> {
        (
            0u32..60,
            "[新建改造公路农村学校医院0-9万亿,。%]{0,24}",
            "[新建改造公路0-9]{0,12}",
            any::<i64>(),
            prop_oneof![Just("公里"), Just("个"), Just("%"), Just("")],
            any::<bool>(),
        )
            .prop_map(|(no, item, phrase, v, unit, qualitative)| Entry {
                item_no: no,
                item_text: item,
                phrase,
                quantity: Quantity::new(Decimal::new(v, 2), unit),
                qualitative,
            })
    }

    proptest! {
        #[test]
        fn never_panics_and_is_one_to_one(
            old in proptest::collection::vec(entry(), 0..25),
            new in proptest::collection::vec(entry(), 0..25),
        ) {
            let d = diff(&old, &new);
            let mut olds: Vec<usize> = d.lines.iter().filter_map(|l| l.old).collect();
            let mut news: Vec<usize> = d.lines.iter().filter_map(|l| l.new).collect();
            olds.sort_unstable();
            news.sort_unstable();
            prop_assert_eq!(olds, (0..old.len()).collect::<Vec<_>>());
            prop_assert_eq!(news, (0..new.len()).collect::<Vec<_>>());
            for l in &d.lines {
                prop_assert!(l.similarity <= 1000);
                if let (Some(i), Some(j)) = (l.old, l.new) {
                    prop_assert!(comparable(&old[i], &new[j]));
                    prop_assert!(l.similarity >= THRESHOLD);
                }
            }
        }

        #[test]
        fn any_text_is_compared(a in ".{0,40}", b in ".{0,40}") {
            prop_assert!(dice(&a, &b) <= 1000);
            prop_assert_eq!(dice(&a, &b), dice(&b, &a));
        }
    }
}
