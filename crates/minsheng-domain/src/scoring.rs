//! 考核: the scoring rules of a plan's year (考核细则) and the scores they give the units.
//!
//! Rules differ by place and change every year, so they are data: a TOML text the office
//! edits ([`RuleSet::parse`]), checked here with every problem naming the rule and the reason
//! ([`RuleError`]). A rule set is a base (基础分) and a list of rules; a unit's score is the
//! base plus each rule's points, and every point is a [`Line`]: the rule, the figure that
//! produced it ("完成率 92.5%", "2023年3月 1项未报送") and the points. Nothing else adds up to a
//! total, so every point is traceable.
//!
//! ```toml
//! base = 100            # 基础分
//! weights_sum = 40      # optional: the rules' weights must add up to this
//!
//! [[rule]]
//! id = "completion"     # a-z, 0-9, _; unique
//! name = "目标完成率"
//! kind = "completion"   # see RuleKind
//! weight = 40           # points at plan
//! plan = 100            # 计划完成率, percent
//! below = 0.1           # points off per percentage point short of plan
//! above = 0.2           # points on per percentage point above it …
//! above_until = 130     # … up to this
//! cap = 10              # the adjustment stays within ±cap
//! ```
//!
//! The kinds ([`RuleKind`]): `completion`; `rank` (a table of points for the first places,
//! then points per rank after it); `missing_report` (points for each monthly report not
//! filed: a month whose bulletin shows any of the unit's shares not reported);
//! `implementation_plan` (points for each share without a filed 实施方案);
//! `consecutive_last` (points each time a unit is last in `months` consecutive monthly
//! bulletins); `misstatement` (a deduction between `min` and `max` the office enters by hand
//! with a note, for a report that misstates the situation); `hand` (points between 0 and `max`
//! entered by hand per unit, such as a satisfaction survey).
//!
//! The figures come from the plan's issued bulletins (their frozen rankings, one [`Month`]
//! each) and from what the office entered ([`UnitInputs`]): [`monthly`] scores one month,
//! [`year_end`] the year. Arithmetic is checked: a rule set's numbers are bounded
//! ([`LIMIT`]), and an overflow would be an error, never a panic.

use crate::ids::UnitId;
use crate::period::Period;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

/// The largest magnitude any number of a rule set may have.
pub const LIMIT: i64 = 1000;

/// The most rules a set may hold.
pub const MAX_RULES: usize = 50;

/// The longest a rule set's text may be, in bytes.
pub const MAX_TEXT: usize = 20_000;

/// The longest a rule's id may be.
const MAX_ID: usize = 32;

/// The longest a rule's name may be, in characters.
const MAX_NAME: usize = 40;

/// The longest a rank table may be.
const MAX_TABLE: usize = 50;

/// A plan's scoring rules for a year, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSet {
    /// 基础分: every unit starts from it.
    pub base: Decimal,
    /// When given, the rules' weights must add up to it.
    pub weights_sum: Option<Decimal>,
    /// The rules, in the order written.
    pub rules: Vec<Rule>,
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Its id: `a-z`, `0-9`, `_`, unique within the set.
    pub id: String,
    /// Its name, as the ranking's column shows it.
    pub name: String,
    /// The points it is worth at plan (0 for a pure deduction or bonus); a `hand` rule's is
    /// its maximum.
    pub weight: Decimal,
    /// What it scores.
    pub kind: RuleKind,
}

/// What a rule scores, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleKind {
    /// The unit's completion (its mean completion in the bulletin, in percent) against
    /// `plan`: `below` points off per point short, `above` points on per point above, up to
    /// `above_until`; the adjustment within ±`cap`.
    Completion {
        /// 计划完成率, percent.
        plan: Decimal,
        /// Points off per percentage point short of plan (≥ 0).
        below: Decimal,
        /// Points on per percentage point above plan (≥ 0).
        above: Decimal,
        /// Above this, no more points (≥ `plan`).
        above_until: Decimal,
        /// The adjustment stays within ±cap.
        cap: Option<Decimal>,
    },
    /// The unit's place in the bulletin's ranking: `table[0]` for the first, `table[1]` for
    /// the second, …, then `then` per place after the table (−0.5: the next −0.5, the one
    /// after −1).
    Rank {
        /// Points for the first places, best first, never rising.
        table: Vec<Decimal>,
        /// Points per place after the table (≤ 0).
        then: Decimal,
        /// The points stay within ±cap.
        cap: Option<Decimal>,
    },
    /// `each` (≤ 0) for every periodic report not filed: a month whose bulletin shows any of
    /// the unit's shares not reported (the figure lists how many).
    MissingReport {
        /// Points per missing report.
        each: Decimal,
        /// At most this many points off.
        cap: Option<Decimal>,
    },
    /// `each` (≤ 0) for every share of the unit without a filed implementation plan.
    ImplementationPlan {
        /// Points per share not filed.
        each: Decimal,
        /// At most this many points off.
        cap: Option<Decimal>,
    },
    /// `each` (≤ 0) every time the unit is last in `months` consecutive monthly bulletins.
    ConsecutiveLast {
        /// How many in a row (≥ 2).
        months: u32,
        /// Points each time.
        each: Decimal,
        /// At most this many points off.
        cap: Option<Decimal>,
    },
    /// A report that misstates the situation: the office enters each with a note and a
    /// deduction between `min` and `max` points.
    Misstatement {
        /// The smallest deduction (≥ 0).
        min: Decimal,
        /// The largest deduction (≥ `min`).
        max: Decimal,
        /// At most this many points off in all.
        cap: Option<Decimal>,
    },
    /// Points the office enters per unit, from 0 to `max` (a satisfaction survey).
    Hand {
        /// The most points.
        max: Decimal,
    },
}

impl RuleKind {
    /// Every kind's code, in the order the documentation lists them.
    pub const CODES: [&'static str; 7] = [
        "completion",
        "rank",
        "missing_report",
        "implementation_plan",
        "consecutive_last",
        "misstatement",
        "hand",
    ];

    /// Its code.
    pub fn code(&self) -> &'static str {
        match self {
            RuleKind::Completion { .. } => "completion",
            RuleKind::Rank { .. } => "rank",
            RuleKind::MissingReport { .. } => "missing_report",
            RuleKind::ImplementationPlan { .. } => "implementation_plan",
            RuleKind::ConsecutiveLast { .. } => "consecutive_last",
            RuleKind::Misstatement { .. } => "misstatement",
            RuleKind::Hand { .. } => "hand",
        }
    }

    /// Whether a month's bulletin alone gives its points (the monthly score).
    pub fn is_monthly(&self) -> bool {
        matches!(
            self,
            RuleKind::Completion { .. } | RuleKind::Rank { .. } | RuleKind::MissingReport { .. }
        )
    }

    /// Whether its figures are entered by hand.
    pub fn is_entered(&self) -> bool {
        matches!(self, RuleKind::Misstatement { .. } | RuleKind::Hand { .. })
    }
}

/// What is wrong with a rule set: the rule (its id, or its place when it has no id) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The rule: its id, or `#3` for the third when it has none; `None` for the set itself.
    pub rule: Option<String>,
    /// Why.
    pub problem: Problem,
}

/// Why a rule set is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The text is not TOML.
    Syntax(String),
    /// The text is too long.
    TooLong,
    /// There are more than [`MAX_RULES`] rules, or none.
    Count(usize),
    /// A key this place does not know.
    UnknownKey(String),
    /// A key that must be there is not.
    Missing(&'static str),
    /// A key has the wrong kind of value.
    NotA(String, &'static str),
    /// A number outside what the key allows.
    OutOfRange(String, String),
    /// A component this build does not know.
    UnknownKind(String),
    /// An id used twice.
    DuplicateId,
    /// An id that is not `a-z0-9_`, 1–32 long.
    BadId,
    /// A name empty, too long or over one line.
    BadName,
    /// A cap below zero.
    NegativeCap,
    /// A rank table whose points rise (a lower place worth more than a higher one).
    RankOrder,
    /// A component that may appear once, twice.
    Twice(&'static str),
    /// The weights do not add up to `weights_sum`.
    WeightsSum {
        /// What they add up to.
        sum: Decimal,
        /// What the set says.
        expected: Decimal,
    },
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rule {
            Some(r) => write!(f, "规则 {r}:")?,
            None => write!(f, "考核细则:")?,
        }
        let p = &self.problem;
        match p {
            Problem::Syntax(e) => write!(f, "不是有效的 TOML / not valid TOML: {e}"),
            Problem::TooLong => write!(
                f,
                "文本过长(最多{MAX_TEXT}字节) / the text is longer than {MAX_TEXT} bytes"
            ),
            Problem::Count(n) => write!(
                f,
                "须有1至{MAX_RULES}条规则,现有{n}条 / needs 1 to {MAX_RULES} rules, has {n}"
            ),
            Problem::UnknownKey(k) => write!(f, "不认识的键 {k} / unknown key {k}"),
            Problem::Missing(k) => write!(f, "缺少 {k} / {k} is missing"),
            Problem::NotA(k, what) => write!(f, "{k} 应为{what} / {k} must be a {what}"),
            Problem::OutOfRange(k, why) => {
                write!(f, "{k} 超出范围:{why} / {k} out of range: {why}")
            }
            Problem::UnknownKind(k) => write!(
                f,
                "未知的考核项 {k}(可用:{}) / unknown component {k} (known: {})",
                RuleKind::CODES.join("、"),
                RuleKind::CODES.join(", ")
            ),
            Problem::DuplicateId => write!(f, "编号重复 / the id is used twice"),
            Problem::BadId => write!(
                f,
                "编号只能由小写字母、数字和下划线组成,1至{MAX_ID}个字符 / the id must be 1–{MAX_ID} of a-z, 0-9, _"
            ),
            Problem::BadName => write!(
                f,
                "名称须为一行,1至{MAX_NAME}个字 / the name must be one line of 1–{MAX_NAME} characters"
            ),
            Problem::NegativeCap => write!(f, "上限 cap 不能小于零 / the cap is below zero"),
            Problem::RankOrder => write!(
                f,
                "名次分值表须从高到低排列,之后每名的分值 then 不能为正 / the rank table must not rise, and then must not be positive"
            ),
            Problem::Twice(k) => {
                write!(f, "考核项 {k} 只能有一条 / only one {k} rule may be given")
            }
            Problem::WeightsSum { sum, expected } => write!(
                f,
                "各项权重之和为{sum},应为{expected} / the weights add up to {sum}, not {expected}"
            ),
        }
    }
}

impl std::error::Error for RuleError {}

/// All the problems of a rule set, in the order found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleErrors(pub Vec<RuleError>);

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

impl std::error::Error for RuleErrors {}

/// A starter text: the examples of the issue (a base of 100 with deductions, completion worth
/// 40 points, a rank adjustment, consecutive last place, a satisfaction survey), commented.
pub const STARTER: &str = r#"# 考核细则 / scoring rules
# 得分 = 基础分 + 各条规则的得分;每一分都可追溯到规则和产生它的数据。
base = 60            # 基础分

[[rule]]
id = "completion"
name = "目标完成率"
kind = "completion"
weight = 40          # 达到计划时得40分
plan = 100           # 计划完成率(%)
below = 0.1          # 每低于计划1个百分点扣0.1分
above = 0.2          # 100%至130%之间每高1个百分点加0.2分
above_until = 130
cap = 10             # 加减分均不超过10分

[[rule]]
id = "rank"
name = "排名"
kind = "rank"
table = [3, 1.5]     # 第1名+3,第2名+1.5
then = -0.5          # 之后每后退一名-0.5

[[rule]]
id = "reports"
name = "报告未报送"
kind = "missing_report"
each = -10           # 每缺报一期月度报告扣10分
cap = 30

[[rule]]
id = "impl_plan"
name = "实施方案未报备"
kind = "implementation_plan"
each = -10           # 每项未报备扣10分
cap = 20

[[rule]]
id = "last_place"
name = "连续末位"
kind = "consecutive_last"
months = 2           # 连续2期通报排名末位
each = -2

[[rule]]
id = "misstatement"
name = "报告失实"
kind = "misstatement"
min = 5              # 每次扣5至10分,逐次录入并说明
max = 10

[[rule]]
id = "satisfaction"
name = "群众满意度"
kind = "hand"
max = 10
"#;

/// A number read from the text: an integer, or a float read through its shortest decimal
/// text (0.1 is 0.1, not 0.1000000000000000055…).
fn number(v: &toml::Value) -> Option<Decimal> {
    match v {
        toml::Value::Integer(i) => Some(Decimal::from(*i)),
        toml::Value::Float(x) if x.is_finite() => Decimal::from_str(&x.to_string())
            .or_else(|_| Decimal::from_scientific(&format!("{x:e}")))
            .ok(),
        _ => None,
    }
}

/// Reads one rule's keys, collecting problems.
struct Reader<'a> {
    rule: Option<String>,
    table: &'a toml::Table,
    used: BTreeSet<&'static str>,
    errors: &'a mut Vec<RuleError>,
}

impl Reader<'_> {
    fn fail(&mut self, problem: Problem) {
        self.errors.push(RuleError {
            rule: self.rule.clone(),
            problem,
        });
    }

    fn num(&mut self, key: &'static str, min: Decimal, max: Decimal) -> Option<Decimal> {
        self.used.insert(key);
        let v = self.table.get(key)?;
        let Some(d) = number(v) else {
            self.fail(Problem::NotA(key.into(), "数字 number"));
            return None;
        };
        if d < min || d > max {
            self.fail(Problem::OutOfRange(key.into(), format!("{min} … {max}")));
            return None;
        }
        Some(d)
    }

    fn required(&mut self, key: &'static str, min: Decimal, max: Decimal) -> Option<Decimal> {
        if !self.table.contains_key(key) {
            self.used.insert(key);
            self.fail(Problem::Missing(key));
            return None;
        }
        self.num(key, min, max)
    }

    fn cap(&mut self) -> Option<Decimal> {
        self.used.insert("cap");
        let v = self.table.get("cap")?;
        match number(v) {
            None => {
                self.fail(Problem::NotA("cap".into(), "数字 number"));
                None
            }
            Some(d) if d < Decimal::ZERO => {
                self.fail(Problem::NegativeCap);
                None
            }
            Some(d) if d > Decimal::from(LIMIT) => {
                self.fail(Problem::OutOfRange("cap".into(), format!("0 … {LIMIT}")));
                None
            }
            Some(d) => Some(d),
        }
    }

    fn text(&mut self, key: &'static str) -> Option<String> {
        self.used.insert(key);
        match self.table.get(key) {
            None => {
                self.fail(Problem::Missing(key));
                None
            }
            Some(toml::Value::String(s)) => Some(s.trim().to_string()),
            Some(_) => {
                self.fail(Problem::NotA(key.into(), "字符串 string"));
                None
            }
        }
    }
}

fn limit() -> Decimal {
    Decimal::from(LIMIT)
}

impl RuleSet {
    /// Reads and checks a rule set. Every problem found is returned, each naming its rule
    /// and the reason; nothing is half-accepted.
    pub fn parse(text: &str) -> Result<RuleSet, RuleErrors> {
        let one = |rule: Option<String>, problem| RuleErrors(vec![RuleError { rule, problem }]);
        if text.len() > MAX_TEXT {
            return Err(one(None, Problem::TooLong));
        }
        let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            one(None, Problem::Syntax(e.message().trim().to_string()))
        })?;
        let mut errors = Vec::new();
        let mut top = Reader {
            rule: None,
            table: &doc,
            used: BTreeSet::new(),
            errors: &mut errors,
        };
        let base = top.num("base", -limit(), limit()).unwrap_or_default();
        let weights_sum = top.num("weights_sum", Decimal::ZERO, limit());
        top.used.insert("rule");
        let used = top.used;
        for k in doc.keys() {
            if !used.contains(k.as_str()) {
                errors.push(RuleError {
                    rule: None,
                    problem: Problem::UnknownKey(k.clone()),
                });
            }
        }
        let list = match doc.get("rule") {
            None => Vec::new(),
            Some(toml::Value::Array(a)) => a.clone(),
            Some(_) => {
                errors.push(RuleError {
                    rule: None,
                    problem: Problem::NotA("rule".into(), "[[rule]] 表 table array"),
                });
                Vec::new()
            }
        };
        if list.is_empty() || list.len() > MAX_RULES {
            errors.push(RuleError {
                rule: None,
                problem: Problem::Count(list.len()),
            });
        }
        let mut rules: Vec<Rule> = Vec::new();
        let mut ids: BTreeSet<String> = BTreeSet::new();
        for (i, v) in list.iter().take(MAX_RULES).enumerate() {
            let place = format!("#{}", i + 1);
            let Some(t) = v.as_table() else {
                errors.push(RuleError {
                    rule: Some(place),
                    problem: Problem::NotA("rule".into(), "表 table"),
                });
                continue;
            };
            let label = match t.get("id") {
                Some(toml::Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
                _ => place,
            };
            let rule = read_rule(t, label.clone(), &mut errors);
            if let Some(r) = rule {
                if !ids.insert(r.id.clone()) {
                    errors.push(RuleError {
                        rule: Some(label),
                        problem: Problem::DuplicateId,
                    });
                    continue;
                }
                rules.push(r);
            }
        }
        // Each computed component at most once: two completion rules would count it twice.
        for code in RuleKind::CODES {
            if code == "hand" {
                continue;
            }
            let same: Vec<&Rule> = rules.iter().filter(|r| r.kind.code() == code).collect();
            if let Some(second) = same.get(1) {
                errors.push(RuleError {
                    rule: Some(second.id.clone()),
                    problem: Problem::Twice(code),
                });
            }
        }
        if let Some(expected) = weights_sum {
            let sum = rules
                .iter()
                .map(|r| r.weight)
                .fold(Decimal::ZERO, |a, w| a.saturating_add(w));
            if sum != expected && errors.is_empty() {
                errors.push(RuleError {
                    rule: None,
                    problem: Problem::WeightsSum { sum, expected },
                });
            }
        }
        if errors.is_empty() {
            Ok(RuleSet {
                base,
                weights_sum,
                rules,
            })
        } else {
            Err(RuleErrors(errors))
        }
    }

    /// The rule with `id`.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The rules whose figures the office enters by hand per unit (`hand`).
    pub fn hand_rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules
            .iter()
            .filter(|r| matches!(r.kind, RuleKind::Hand { .. }))
    }

    /// The misstatement rule, if the set has one.
    pub fn misstatement_rule(&self) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| matches!(r.kind, RuleKind::Misstatement { .. }))
    }

    /// Checks points entered by hand for the `hand` rule `id`: 0 to its maximum.
    pub fn check_hand(&self, id: &str, points: Decimal) -> Result<&Rule, EntryError> {
        let rule = self
            .rule(id)
            .ok_or_else(|| EntryError::UnknownRule(id.to_string()))?;
        let RuleKind::Hand { max } = rule.kind else {
            return Err(EntryError::NotHand(id.to_string()));
        };
        if points < Decimal::ZERO || points > max {
            return Err(EntryError::Range {
                rule: id.to_string(),
                min: Decimal::ZERO,
                max,
            });
        }
        Ok(rule)
    }

    /// Checks a misstatement deduction (its size, a positive number of points): between the
    /// rule's `min` and `max`.
    pub fn check_misstatement(&self, points: Decimal) -> Result<&Rule, EntryError> {
        let rule = self
            .misstatement_rule()
            .ok_or(EntryError::NoMisstatementRule)?;
        let RuleKind::Misstatement { min, max, .. } = rule.kind else {
            return Err(EntryError::NoMisstatementRule);
        };
        if points < min || points > max {
            return Err(EntryError::Range {
                rule: rule.id.clone(),
                min,
                max,
            });
        }
        Ok(rule)
    }
}

fn read_rule(t: &toml::Table, label: String, errors: &mut Vec<RuleError>) -> Option<Rule> {
    let before = errors.len();
    let mut r = Reader {
        rule: Some(label),
        table: t,
        used: BTreeSet::new(),
        errors,
    };
    let id = r.text("id");
    if let Some(id) = &id
        && (id.is_empty()
            || id.len() > MAX_ID
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
    {
        r.fail(Problem::BadId);
    }
    let name = r.text("name");
    if let Some(n) = &name
        && (n.is_empty() || n.chars().count() > MAX_NAME || n.contains(['\n', '\r']))
    {
        r.fail(Problem::BadName);
    }
    let code = r.text("kind");
    let zero = Decimal::ZERO;
    let hundred_k = limit();
    let mut weight = r.num("weight", zero, hundred_k).unwrap_or_default();
    let kind = match code.as_deref() {
        None => None,
        Some("completion") => {
            let plan = r
                .num("plan", zero, hundred_k)
                .unwrap_or(Decimal::ONE_HUNDRED);
            let below = r.required("below", zero, hundred_k);
            let above = r.num("above", zero, hundred_k).unwrap_or_default();
            let above_until = r.num("above_until", zero, hundred_k).unwrap_or(plan);
            if above_until < plan {
                r.fail(Problem::OutOfRange(
                    "above_until".into(),
                    format!("≥ plan {plan}"),
                ));
            }
            let cap = r.cap();
            below.map(|below| RuleKind::Completion {
                plan,
                below,
                above,
                above_until,
                cap,
            })
        }
        Some("rank") => {
            r.used.insert("table");
            let table: Option<Vec<Decimal>> = match t.get("table") {
                None => {
                    r.fail(Problem::Missing("table"));
                    None
                }
                Some(toml::Value::Array(a)) if a.len() <= MAX_TABLE => {
                    let nums: Option<Vec<Decimal>> = a.iter().map(number).collect();
                    match nums {
                        Some(n) if n.iter().all(|d| d.abs() <= hundred_k) => Some(n),
                        Some(_) => {
                            r.fail(Problem::OutOfRange(
                                "table".into(),
                                format!("-{LIMIT} … {LIMIT}"),
                            ));
                            None
                        }
                        None => {
                            r.fail(Problem::NotA("table".into(), "数字列表 list of numbers"));
                            None
                        }
                    }
                }
                Some(_) => {
                    r.fail(Problem::NotA(
                        "table".into(),
                        "至多50个数字的列表 list of at most 50 numbers",
                    ));
                    None
                }
            };
            let then = r.num("then", -hundred_k, hundred_k).unwrap_or_default();
            let cap = r.cap();
            table.and_then(|table| {
                let falls = table.windows(2).all(|w| w[0] >= w[1])
                    && then <= zero
                    && table.last().is_none_or(|l| *l >= then);
                if !falls {
                    r.fail(Problem::RankOrder);
                    return None;
                }
                Some(RuleKind::Rank { table, then, cap })
            })
        }
        Some(k @ ("missing_report" | "implementation_plan" | "consecutive_last")) => {
            let each = r.required("each", -hundred_k, zero);
            let months = if k == "consecutive_last" {
                r.used.insert("months");
                match t.get("months") {
                    None => Some(2),
                    Some(toml::Value::Integer(m)) if (2..=12).contains(m) => u32::try_from(*m).ok(),
                    Some(toml::Value::Integer(_)) => {
                        r.fail(Problem::OutOfRange("months".into(), "2 … 12".into()));
                        None
                    }
                    Some(_) => {
                        r.fail(Problem::NotA("months".into(), "整数 integer"));
                        None
                    }
                }
            } else {
                Some(0)
            };
            let cap = r.cap();
            each.zip(months).map(|(each, months)| match k {
                "missing_report" => RuleKind::MissingReport { each, cap },
                "implementation_plan" => RuleKind::ImplementationPlan { each, cap },
                _ => RuleKind::ConsecutiveLast { months, each, cap },
            })
        }
        Some("misstatement") => {
            let min = r.required("min", zero, hundred_k);
            let max = r.required("max", zero, hundred_k);
            let cap = r.cap();
            match (min, max) {
                (Some(min), Some(max)) if min <= max => {
                    Some(RuleKind::Misstatement { min, max, cap })
                }
                (Some(_), Some(_)) => {
                    r.fail(Problem::OutOfRange("min".into(), "≤ max".into()));
                    None
                }
                _ => None,
            }
        }
        Some("hand") => {
            let max = r.required("max", zero, hundred_k);
            if t.contains_key("weight") {
                r.fail(Problem::UnknownKey("weight (hand: max)".into()));
            }
            if max == Some(zero) {
                r.fail(Problem::OutOfRange("max".into(), "> 0".into()));
            }
            max.map(|max| {
                weight = max;
                RuleKind::Hand { max }
            })
        }
        Some(other) => {
            r.fail(Problem::UnknownKind(other.to_string()));
            return None;
        }
    };
    let used = std::mem::take(&mut r.used);
    for k in t.keys() {
        if !used.contains(k.as_str()) {
            r.fail(Problem::UnknownKey(k.clone()));
        }
    }
    if r.errors.len() > before {
        return None;
    }
    Some(Rule {
        id: id?,
        name: name?,
        weight,
        kind: kind?,
    })
}

/// Why points entered by hand are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// No rule has this id.
    #[error("考核细则中没有规则 {0} / the rules have no rule {0}")]
    UnknownRule(String),
    /// The rule is not entered by hand.
    #[error("规则 {0} 不是手工录入项 / rule {0} is not entered by hand")]
    NotHand(String),
    /// The rules have no misstatement rule.
    #[error("考核细则中没有报告失实(misstatement)规则 / the rules have no misstatement rule")]
    NoMisstatementRule,
    /// Outside the rule's range.
    #[error("规则 {rule} 的分值应在{min}至{max}之间 / rule {rule} takes {min} to {max} points")]
    Range {
        /// The rule.
        rule: String,
        /// The least.
        min: Decimal,
        /// The most.
        max: Decimal,
    },
}

/// One unit's figures in one issued monthly bulletin (its frozen ranking).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitMonth {
    /// The unit.
    pub unit: UnitId,
    /// Its name.
    pub name: String,
    /// Its place in the bulletin's ranking, 1 for the best.
    pub rank: usize,
    /// Its mean completion, 0..=1; `None` when it had no figure.
    pub completion: Option<Decimal>,
    /// How many of its shares had no report for the month.
    pub missing_reports: usize,
}

/// One issued monthly bulletin's ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    /// The month.
    pub period: Period,
    /// The units, in the bulletin's ranking order.
    pub units: Vec<UnitMonth>,
}

impl Month {
    /// How many units the bulletin ranked with a figure.
    pub fn ranked(&self) -> usize {
        self.units.iter().filter(|u| u.completion.is_some()).count()
    }

    /// The last of the units ranked with a figure, when there are at least two.
    pub fn last(&self) -> Option<UnitId> {
        let ranked: Vec<&UnitMonth> = self
            .units
            .iter()
            .filter(|u| u.completion.is_some())
            .collect();
        (ranked.len() >= 2)
            .then(|| ranked.iter().max_by_key(|u| u.rank).map(|u| u.unit))
            .flatten()
    }
}

/// What the office entered for a unit, and the state of its implementation plans.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnitInputs {
    /// How many of its shares have no filed implementation plan.
    pub plans_not_filed: usize,
    /// Points entered per `hand` rule id.
    pub hand: BTreeMap<String, Decimal>,
    /// Misstatement deductions (their size, positive) with the office's note.
    pub misstatements: Vec<(Decimal, String)>,
}

/// The figure behind a line's points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Figure {
    /// The base.
    Base,
    /// Completion in percent (`None`: no figure, counted as 0).
    Completion(Option<Decimal>, Period),
    /// The place of `of` ranked units (`None`: not ranked).
    Rank(Option<(usize, usize)>, Period),
    /// Reports missing, per month.
    MissingReports(Vec<(Period, usize)>),
    /// Shares without a filed implementation plan.
    PlansNotFiled(usize),
    /// The months that ended a run of last places.
    LastPlace(Vec<Period>, u32),
    /// A misstatement's note (points entered).
    Misstatement(String),
    /// Points entered by hand (`None`: not entered yet).
    Entered(Option<Decimal>),
    /// No issued monthly bulletin of the year names the unit.
    NoBulletin,
}

fn percent_text(d: Decimal) -> String {
    d.round_dp(1).normalize().to_string()
}

impl Figure {
    /// In Chinese: "完成率 92.5%(2023年8月通报)".
    pub fn zh(&self) -> String {
        match self {
            Figure::Base => "基础分".into(),
            Figure::Completion(Some(p), m) => {
                format!("完成率 {}%({}通报)", percent_text(*p), m.label_zh())
            }
            Figure::Completion(None, m) => format!("{}通报中无完成数据,按0%计", m.label_zh()),
            Figure::Rank(Some((r, n)), m) => format!("第{r}名/共{n}名({}通报)", m.label_zh()),
            Figure::Rank(None, m) => format!("{}通报中未排名", m.label_zh()),
            Figure::MissingReports(l) if l.is_empty() => "报告均已报送".into(),
            Figure::MissingReports(l) => {
                let each: Vec<String> = l
                    .iter()
                    .map(|(p, n)| format!("{}{n}项", p.label_zh()))
                    .collect();
                format!("{}未报送", each.join("、"))
            }
            Figure::PlansNotFiled(0) => "实施方案均已报备".into(),
            Figure::PlansNotFiled(n) => format!("{n}项实施方案未报备"),
            Figure::LastPlace(l, _) if l.is_empty() => "无连续末位".into(),
            Figure::LastPlace(l, n) => {
                let each: Vec<String> = l.iter().map(|p| p.label_zh()).collect();
                format!("连续{n}期末位:{}", each.join("、"))
            }
            Figure::Misstatement(note) => format!("报告失实:{note}"),
            Figure::Entered(Some(p)) => format!("录入 {}", p.normalize()),
            Figure::Entered(None) => "尚未录入".into(),
            Figure::NoBulletin => "本年度已印发的月度通报中无此单位".into(),
        }
    }

    /// In English.
    pub fn en(&self) -> String {
        match self {
            Figure::Base => "base".into(),
            Figure::Completion(Some(p), m) => {
                format!(
                    "completion {}% ({} bulletin)",
                    percent_text(*p),
                    m.label_en()
                )
            }
            Figure::Completion(None, m) => {
                format!(
                    "no completion in the {} bulletin, counted as 0%",
                    m.label_en()
                )
            }
            Figure::Rank(Some((r, n)), m) => format!("{r} of {n} ({} bulletin)", m.label_en()),
            Figure::Rank(None, m) => format!("not ranked in the {} bulletin", m.label_en()),
            Figure::MissingReports(l) if l.is_empty() => "every report filed".into(),
            Figure::MissingReports(l) => {
                let each: Vec<String> = l
                    .iter()
                    .map(|(p, n)| format!("{n} in {}", p.label_en()))
                    .collect();
                format!("reports missing: {}", each.join(", "))
            }
            Figure::PlansNotFiled(0) => "every implementation plan filed".into(),
            Figure::PlansNotFiled(n) => format!("{n} implementation plans not filed"),
            Figure::LastPlace(l, _) if l.is_empty() => "never last in a row".into(),
            Figure::LastPlace(l, n) => {
                let each: Vec<String> = l.iter().map(|p| p.label_en()).collect();
                format!("last {n} times in a row: {}", each.join(", "))
            }
            Figure::Misstatement(note) => format!("report misstated: {note}"),
            Figure::Entered(Some(p)) => format!("entered {}", p.normalize()),
            Figure::Entered(None) => "not entered yet".into(),
            Figure::NoBulletin => "in no issued monthly bulletin of the year".into(),
        }
    }
}

/// One traceable line of a unit's score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The rule's id (`base` for the base).
    pub rule: String,
    /// The rule's name.
    pub name: String,
    /// The figure that produced the points.
    pub figure: Figure,
    /// The points.
    pub points: Decimal,
}

/// A unit's score: its lines and their total, and its place among the units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitScore {
    /// The unit.
    pub unit: UnitId,
    /// Its name.
    pub name: String,
    /// Its place, 1 for the best; equal totals share a place.
    pub rank: usize,
    /// The sum of its lines.
    pub total: Decimal,
    /// Every line, the base first, then the rules in the set's order.
    pub lines: Vec<Line>,
}

impl UnitScore {
    /// The points of rule `id` (summed, a rule may give several lines).
    pub fn points_of(&self, id: &str) -> Decimal {
        self.lines
            .iter()
            .filter(|l| l.rule == id)
            .fold(Decimal::ZERO, |a, l| a.saturating_add(l.points))
    }
}

/// A computation that would overflow (it cannot, with a checked rule set's bounds, but it is
/// an error rather than a panic).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("规则 {rule} 的计算溢出 / rule {rule} overflows")]
pub struct Overflow {
    /// The rule.
    pub rule: String,
}

struct Calc<'a> {
    rule: &'a str,
}

impl Calc<'_> {
    fn err(&self) -> Overflow {
        Overflow {
            rule: self.rule.to_string(),
        }
    }
    fn add(&self, a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
        a.checked_add(b).ok_or_else(|| self.err())
    }
    fn sub(&self, a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
        a.checked_sub(b).ok_or_else(|| self.err())
    }
    fn mul(&self, a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
        a.checked_mul(b).ok_or_else(|| self.err())
    }
}

/// Keeps `x` within ±`cap`.
fn within(x: Decimal, cap: Option<Decimal>) -> Decimal {
    match cap {
        Some(c) => x.clamp(-c, c),
        None => x,
    }
}

/// The completion rule's points for a completion in percent (`None` counts as 0).
fn completion_points(
    c: &Calc<'_>,
    weight: Decimal,
    kind: &RuleKind,
    pct: Option<Decimal>,
) -> Result<Decimal, Overflow> {
    let RuleKind::Completion {
        plan,
        below,
        above,
        above_until,
        cap,
    } = kind
    else {
        return Ok(Decimal::ZERO);
    };
    let pct = pct.unwrap_or_default();
    let adjust = if pct < *plan {
        -c.mul(c.sub(*plan, pct)?, *below)?
    } else {
        c.mul(c.sub(pct.min(*above_until), *plan)?, *above)?
    };
    c.add(weight, within(adjust, *cap))
}

fn rank_points(c: &Calc<'_>, kind: &RuleKind, rank: usize) -> Result<Decimal, Overflow> {
    let RuleKind::Rank { table, then, cap } = kind else {
        return Ok(Decimal::ZERO);
    };
    let points = match table.get(rank.saturating_sub(1)) {
        Some(p) => *p,
        None => {
            let after = rank.saturating_sub(table.len());
            c.mul(*then, Decimal::from(after))?
        }
    };
    Ok(within(points, *cap))
}

/// `each` × `n`, at most `cap` off.
fn counted(
    c: &Calc<'_>,
    each: Decimal,
    n: usize,
    cap: Option<Decimal>,
) -> Result<Decimal, Overflow> {
    Ok(within(c.mul(each, Decimal::from(n))?, cap))
}

fn completion_pct(c: &Calc<'_>, m: &UnitMonth) -> Result<Option<Decimal>, Overflow> {
    m.completion
        .map(|x| c.mul(x, Decimal::ONE_HUNDRED))
        .transpose()
}

fn base_line(rules: &RuleSet) -> Line {
    Line {
        rule: "base".into(),
        name: "基础分".into(),
        figure: Figure::Base,
        points: rules.base,
    }
}

/// A rule's line; its points kept to two decimals (分, as the office writes them down), so
/// the total is the sum of the points shown.
fn line(rule: &Rule, figure: Figure, points: Decimal) -> Line {
    Line {
        rule: rule.id.clone(),
        name: rule.name.clone(),
        figure,
        points: points
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .normalize(),
    }
}

/// Totals the lines and places the units: by total, best first, equal totals sharing a
/// place (1, 2, 2, 4), then by name.
fn finish(mut scores: Vec<UnitScore>) -> Result<Vec<UnitScore>, Overflow> {
    for s in &mut scores {
        let c = Calc { rule: "total" };
        let mut total = Decimal::ZERO;
        for l in &s.lines {
            total = c.add(total, l.points)?;
        }
        s.total = total.normalize();
    }
    scores.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.unit.cmp(&b.unit))
    });
    let mut prev: Option<Decimal> = None;
    let mut place = 0;
    for (i, s) in scores.iter_mut().enumerate() {
        if prev != Some(s.total) {
            place = i + 1;
            prev = Some(s.total);
        }
        s.rank = place;
    }
    Ok(scores)
}

/// The monthly score of every unit of one bulletin: the base and the rules a month's
/// bulletin alone scores (completion, rank, reports missing that month).
pub fn monthly(rules: &RuleSet, month: &Month) -> Result<Vec<UnitScore>, Overflow> {
    let ranked = month.ranked();
    let mut out = Vec::with_capacity(month.units.len());
    for u in &month.units {
        let mut lines = vec![base_line(rules)];
        for r in rules.rules.iter().filter(|r| r.kind.is_monthly()) {
            lines.push(month_line(r, month.period, u, ranked)?);
        }
        out.push(UnitScore {
            unit: u.unit,
            name: u.name.clone(),
            rank: 0,
            total: Decimal::ZERO,
            lines,
        });
    }
    finish(out)
}

/// A monthly rule's line for one unit of one month.
fn month_line(r: &Rule, period: Period, u: &UnitMonth, ranked: usize) -> Result<Line, Overflow> {
    let c = Calc { rule: &r.id };
    Ok(match &r.kind {
        RuleKind::Completion { .. } => {
            let pct = completion_pct(&c, u)?;
            line(
                r,
                Figure::Completion(pct, period),
                completion_points(&c, r.weight, &r.kind, pct)?,
            )
        }
        RuleKind::Rank { .. } => match u.completion {
            Some(_) => line(
                r,
                Figure::Rank(Some((u.rank, ranked)), period),
                c.add(r.weight, rank_points(&c, &r.kind, u.rank)?)?,
            ),
            None => line(r, Figure::Rank(None, period), r.weight),
        },
        RuleKind::MissingReport { each, cap } => {
            let list = if u.missing_reports > 0 {
                vec![(period, u.missing_reports)]
            } else {
                vec![]
            };
            let n = list.len();
            line(
                r,
                Figure::MissingReports(list),
                c.add(r.weight, counted(&c, *each, n, *cap)?)?,
            )
        }
        _ => line(r, Figure::Base, r.weight),
    })
}

/// The year-end score of every unit: the base; completion and rank from the latest bulletin
/// that ranks the unit; reports missing over every month; implementation plans not filed;
/// runs of last places; the misstatements and hand-entered points the office entered.
///
/// `months` are the year's issued monthly bulletins, one per month (the latest issued of
/// each), in any order; `inputs` what the office entered per unit (a unit with none entered
/// is scored as having nothing entered). The units are those of the bulletins and of
/// `inputs`.
pub fn year_end(
    rules: &RuleSet,
    months: &[Month],
    inputs: &BTreeMap<UnitId, UnitInputs>,
    names: &BTreeMap<UnitId, String>,
) -> Result<Vec<UnitScore>, Overflow> {
    let mut months: Vec<&Month> = months.iter().collect();
    months.sort_by_key(|m| m.period);
    let mut units: BTreeSet<UnitId> = inputs.keys().copied().collect();
    for m in &months {
        units.extend(m.units.iter().map(|u| u.unit));
    }
    let lasts: Vec<Option<UnitId>> = months.iter().map(|m| m.last()).collect();
    let none = UnitInputs::default();
    let mut out = Vec::with_capacity(units.len());
    for unit in units {
        let name = names
            .get(&unit)
            .cloned()
            .or_else(|| {
                months
                    .iter()
                    .rev()
                    .find_map(|m| m.units.iter().find(|u| u.unit == unit))
                    .map(|u| u.name.clone())
            })
            .unwrap_or_else(|| unit.to_string());
        let given = inputs.get(&unit).unwrap_or(&none);
        // The latest bulletin that names the unit.
        let latest = months
            .iter()
            .rev()
            .find_map(|m| m.units.iter().find(|u| u.unit == unit).map(|u| (*m, u)));
        let mut lines = vec![base_line(rules)];
        for r in &rules.rules {
            let c = Calc { rule: &r.id };
            match &r.kind {
                RuleKind::Completion { .. } | RuleKind::Rank { .. } => match latest {
                    Some((m, u)) => lines.push(month_line(r, m.period, u, m.ranked())?),
                    None => lines.push(line(r, Figure::NoBulletin, r.weight)),
                },
                RuleKind::MissingReport { each, cap } => {
                    let list: Vec<(Period, usize)> = months
                        .iter()
                        .filter_map(|m| {
                            m.units
                                .iter()
                                .find(|u| u.unit == unit && u.missing_reports > 0)
                                .map(|u| (m.period, u.missing_reports))
                        })
                        .collect();
                    // One periodic report per month: a month with any share unreported.
                    let n = list.len();
                    let points = c.add(r.weight, counted(&c, *each, n, *cap)?)?;
                    lines.push(line(r, Figure::MissingReports(list), points));
                }
                RuleKind::ImplementationPlan { each, cap } => {
                    let n = given.plans_not_filed;
                    let points = c.add(r.weight, counted(&c, *each, n, *cap)?)?;
                    lines.push(line(r, Figure::PlansNotFiled(n), points));
                }
                RuleKind::ConsecutiveLast {
                    months: run,
                    each,
                    cap,
                } => {
                    let mut streak = 0u32;
                    let mut hits = Vec::new();
                    for (m, last) in months.iter().zip(&lasts) {
                        if *last == Some(unit) {
                            streak += 1;
                            if streak >= *run {
                                hits.push(m.period);
                            }
                        } else {
                            streak = 0;
                        }
                    }
                    let points = c.add(r.weight, counted(&c, *each, hits.len(), *cap)?)?;
                    lines.push(line(r, Figure::LastPlace(hits, *run), points));
                }
                RuleKind::Misstatement { cap, .. } => {
                    if given.misstatements.is_empty() {
                        lines.push(line(r, Figure::Misstatement("无".into()), r.weight));
                    }
                    // Each entry its own line; the cap, when reached, trims the last ones.
                    let mut taken = Decimal::ZERO;
                    for (points, note) in &given.misstatements {
                        let mut off = *points;
                        if let Some(cap) = cap {
                            off = off.min(c.sub(*cap, taken)?.max(Decimal::ZERO));
                        }
                        taken = c.add(taken, off)?;
                        lines.push(line(r, Figure::Misstatement(note.clone()), -off));
                    }
                    if !given.misstatements.is_empty() && r.weight != Decimal::ZERO {
                        lines.push(line(r, Figure::Base, r.weight));
                    }
                }
                RuleKind::Hand { max } => {
                    let v = given.hand.get(&r.id).copied();
                    lines.push(line(
                        r,
                        Figure::Entered(v),
                        v.unwrap_or_default().clamp(Decimal::ZERO, *max),
                    ));
                }
            }
        }
        out.push(UnitScore {
            unit,
            name,
            rank: 0,
            total: Decimal::ZERO,
            lines,
        });
    }
    finish(out)
}

#[cfg(test)]
mod tests;
