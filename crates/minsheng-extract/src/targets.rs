//! Quantitative commitments inside a clause of text.
//!
//! ```text
//! target    ::= prefix? number range? unit? alt-unit? suffix?
//!             | "全覆盖" | "全面覆盖" | "全域覆盖" | "全部覆盖"        (implicit 100 %)
//!             | "清零" | "归零"                                  (implicit 0, le)
//! prefix    ::= 约 | 近 | 大约 | 接近                             (approx)
//!             | 不超过 | 不高于 | 低于 | 压缩至 | 缩短至 | 降至 | 控制在 (le)
//!             | 不少于 | 不低于 | 超过 | 超 | 达到 | 达 | 至少       (ge)
//!             | 增长 | 下降 | 降低 | 减少 | 提高 | 提升 | 增加      (delta)
//! range     ::= ("-" | "—" | "~" | "至" | "到") number
//! unit      ::= "个"? known-unit | "%" | "‰" | "倍" | ascii-unit  (3个工作日 → 工作日)
//! alt-unit  ::= "(" unit-char ")"                               (人(次) → 人次, 套(间) → 套)
//! suffix    ::= 以上 | 及以上 | 余 | 多 (ge) | 以下 | 以内 | 之内 | 内 (le) | 左右 | 上下 (approx)
//! ```
//!
//! Not targets: years (2023年), months and dates, ages (65岁), ordinals (第一, 8号线),
//! names next to Latin letters (5G, A6, E-QM5), hours that name a service
//! (24小时供水), numbers in short quoted names (“千村示范”), scope counts (8类),
//! summaries right after a quoted list (“…”三项工程), a lone 一 (一批, 一次), and
//! bare numbers with neither unit nor magnitude (96110).

use rust_decimal::Decimal;

use crate::Cmp;
use crate::normalize::Compact;
use crate::numerals::{self, Form, Scanned};

/// Units that may follow a number, longest first where one is a prefix of another.
const UNITS: &[&str] = &[
    "微克/立方米",
    "㎡",
    "平方公里",
    "平方千米",
    "平方米",
    "立方米",
    "工作日",
    "百分点",
    "人次",
    "户次",
    "车次",
    "班次",
    "架次",
    "批次",
    "场次",
    "课时",
    "小时",
    "分钟",
    "公里",
    "千米",
    "公顷",
    "千瓦时",
    "千瓦",
    "兆瓦",
    "千克",
    "公斤",
    "标准箱",
    "人",
    "名",
    "户",
    "个",
    "家",
    "所",
    "座",
    "处",
    "条",
    "张",
    "套",
    "间",
    "台",
    "辆",
    "架",
    "艘",
    "项",
    "件",
    "场",
    "次",
    "盏",
    "株",
    "棵",
    "亩",
    "吨",
    "元",
    "床",
    "册",
    "本",
    "部",
    "支",
    "只",
    "头",
    "口",
    "眼",
    "块",
    "片",
    "段",
    "根",
    "栋",
    "幢",
    "份",
    "门",
    "节",
    "篇",
    "款",
    "种",
    "倍",
    "%",
    "‰",
    "天",
    "日",
    "周",
    "米",
    "度",
    "趟",
    "列",
    "组",
    "宗",
    "笔",
    "单",
    "例",
    "位",
    "校",
    "园",
    "站",
    "分",
    "秒",
    "期",
    "批",
    "轮",
    "届",
    "方",
    "斤",
    "岁",
    "升",
];

/// Units a Chinese numeral may carry (a stricter list: 一期, 四方, 三角 are not counts).
const CHINESE_UNITS: &[&str] = &[
    "平方公里",
    "人次",
    "公里",
    "人",
    "名",
    "户",
    "个",
    "家",
    "所",
    "座",
    "处",
    "条",
    "张",
    "套",
    "间",
    "台",
    "辆",
    "架",
    "艘",
    "项",
    "件",
    "场",
    "次",
    "盏",
    "款",
    "批",
    "亩",
    "吨",
    "元",
    "倍",
    "万",
];

/// Units written in Latin letters, matched case-sensitively.
const ASCII_UNITS: &[&str] = &[
    "GWh", "MWh", "kWh", "km2", "km²", "GW", "MW", "kW", "km", "kg", "TB", "PB", "m2", "m²", "m3",
    "m³",
];

/// A unit the classifier 个 may precede: 3个工作日 → 工作日.
const AFTER_GE: &[(&str, &str)] = &[
    ("工作日", "工作日"),
    ("百分点", "百分点"),
    ("小时", "小时"),
    ("月", "月"),
    ("季度", "季度"),
];

const APPROX_PRE: &[&str] = &["大约", "约为", "将近", "接近", "约", "近"];
const LE_PRE: &[&str] = &[
    "不超过",
    "不高于",
    "不多于",
    "低于",
    "少于",
    "小于",
    "压缩至",
    "压缩到",
    "压缩在",
    "缩短至",
    "缩短到",
    "缩减至",
    "降至",
    "降到",
    "降低至",
    "降低到",
    "下降至",
    "下降到",
    "减少至",
    "减少到",
    "控制在",
    "最多",
];
const GE_PRE: &[&str] = &[
    "不少于",
    "不低于",
    "超过",
    "至少",
    "突破",
    "高于",
    "达到",
    "超",
    "逾",
    "达",
];
const DELTA_PRE: &[&str] = &[
    "同比增长",
    "增长",
    "下降",
    "降低",
    "减少",
    "增加",
    "提高",
    "提升",
    "增幅",
    "减幅",
    "增速",
];

/// A figure found in a clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Value, magnitudes applied.
    pub value: Decimal,
    /// Unit as the schema spells it.
    pub unit: String,
    /// Comparison.
    pub cmp: Cmp,
    /// A change rather than a level.
    pub delta: bool,
    /// No digit written (全覆盖, 清零).
    pub implicit: bool,
    /// Char index where the number (or implicit word) starts.
    pub start: usize,
    /// Char index just past the unit and qualifiers.
    pub end: usize,
    /// Whether 超 (not 超过) or 已 precedes the number in its clause: reported, not promised.
    pub reported: bool,
    /// The phrase, as char indices into the compact text.
    pub phrase: (usize, usize),
}

fn is_open(c: char) -> bool {
    matches!(c, '(' | '[' | '【' | '〔' | '“' | '‘' | '「' | '『' | '《')
}
fn is_close(c: char) -> bool {
    matches!(c, ')' | ']' | '】' | '〕' | '”' | '’' | '」' | '』' | '》')
}
fn is_bracket_open(c: char) -> bool {
    matches!(c, '(' | '[' | '【' | '〔')
}
fn is_bracket_close(c: char) -> bool {
    matches!(c, ')' | ']' | '】' | '〕')
}
/// Clause delimiters (folded).
fn is_delim(c: char) -> bool {
    matches!(c, ',' | ';' | '。' | '!' | '?' | ':' | '，' | '；')
}

/// Marks characters inside short quoted names (“千村示范”): at most eight characters
/// between a pair of quotes.
fn short_quotes(s: &[char]) -> Vec<bool> {
    if !s
        .iter()
        .any(|&c| matches!(c, '“' | '‘' | '「' | '『' | '《' | '"'))
    {
        return Vec::new();
    }
    let mut mask = vec![false; s.len()];
    let mut i = 0;
    while i < s.len() {
        let close = match s[i] {
            '“' => Some('”'),
            '‘' => Some('’'),
            '「' => Some('」'),
            '『' => Some('』'),
            '《' => Some('》'),
            '"' => Some('"'),
            _ => None,
        };
        if let Some(close) = close
            && let Some(k) = s[i + 1..].iter().take(9).position(|&c| c == close)
            && k <= 8
        {
            for m in mask.iter_mut().skip(i + 1).take(k) {
                *m = true;
            }
            i += k + 2;
            continue;
        }
        i += 1;
    }
    mask
}

fn starts(s: &[char], i: usize, pat: &str) -> bool {
    for (j, p) in (i..).zip(pat.chars()) {
        if s.get(j) != Some(&p) {
            return false;
        }
    }
    true
}

fn ends(s: &[char], i: usize, pat: &str) -> bool {
    let Some(head) = s.get(..i) else {
        return false;
    };
    let mut rest = head.iter().rev();
    pat.chars().rev().all(|p| rest.next() == Some(&p))
}

fn ends_any<'a>(s: &[char], i: usize, pats: &[&'a str]) -> Option<&'a str> {
    let mut buf = [0u8; 4];
    let last = s.get(i.checked_sub(1)?)?.encode_utf8(&mut buf).as_bytes();
    pats.iter().copied().find(|p| {
        let b = p.as_bytes();
        b.len() >= last.len()
            && last
                .iter()
                .zip(&b[b.len() - last.len()..])
                .all(|(x, y)| x == y)
            && ends(s, i, p)
    })
}

/// Matches a unit at `j`: (unit as reported, chars consumed).
fn unit_at(s: &[char], j: usize, form: Form) -> Option<(String, usize)> {
    let list = if form == Form::Chinese {
        CHINESE_UNITS
    } else {
        UNITS
    };
    if s.get(j) == Some(&'个') {
        for (pat, unit) in AFTER_GE {
            if starts(s, j + 1, pat) {
                return Some(((*unit).to_string(), 1 + pat.chars().count()));
            }
        }
    }
    if form == Form::Arabic {
        for u in ASCII_UNITS {
            if starts(s, j, u) && !s.get(j + u.len()).is_some_and(char::is_ascii_alphabetic) {
                return Some(((*u).to_string(), u.len()));
            }
        }
    }
    let mut buf = [0u8; 4];
    let first = s.get(j)?.encode_utf8(&mut buf).as_bytes();
    let mut best: Option<&str> = None;
    for u in list {
        if first.iter().zip(u.as_bytes()).all(|(a, b)| a == b)
            && starts(s, j, u)
            && best.is_none_or(|b| b.chars().count() < u.chars().count())
        {
            best = Some(u);
        }
    }
    // 剂次, 台次, 件次: a counted thing followed by 次 is a compound unit.
    if let Some(&c) = s.get(j)
        && s.get(j + 1) == Some(&'次')
        && is_cjk(c)
        && !numerals::is_cnum(c)
        && best.is_none_or(|b| b.chars().count() < 2)
    {
        return Some((format!("{c}次"), 2));
    }
    let u = best?;
    // 万 only as "万人" style is a magnitude already consumed; never a unit itself.
    if u == "万" {
        return None;
    }
    Some((u.to_string(), u.chars().count()))
}

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// The bracketed alternative after a unit: 人(次) → 人次, 套(间) → 套.
fn fold_alternative(s: &[char], j: usize, unit: &str) -> Option<(String, usize)> {
    if s.get(j) != Some(&'(') {
        return None;
    }
    let close = s.get(j + 1..)?.iter().take(4).position(|&c| c == ')')?;
    let inner: String = s.get(j + 1..j + 1 + close)?.iter().collect();
    if inner.is_empty()
        || inner
            .chars()
            .any(|c| c.is_ascii_digit() || numerals::is_cnum(c))
    {
        return None;
    }
    let joined = format!("{unit}{inner}");
    let unit = if UNITS.contains(&joined.as_str()) {
        joined
    } else {
        unit.to_string()
    };
    Some((unit, close + 2))
}

/// Scans the whole compact text for targets, in order of appearance.
#[must_use]
pub fn scan(c: &Compact) -> Vec<Found> {
    scan_chars(&c.folded)
}

/// [`scan`] on folded characters.
#[must_use]
pub fn scan_chars(s: &[char]) -> Vec<Found> {
    let quoted = short_quotes(s);
    let mut out: Vec<Found> = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if !(c.is_ascii_digit() || numerals::is_cnum(c) || matches!(c, '全' | '清' | '归')) {
            i += 1;
            continue;
        }
        // A lone 一 (一汽, 一批) is never a count: skip it without parsing.
        if c == '一'
            && !s
                .get(i + 1)
                .is_some_and(|&n| numerals::is_cnum(n) || n == '点')
        {
            i += 1;
            continue;
        }
        let prev = if i > 0 { s[i - 1] } else { '\0' };
        let startable = if c.is_ascii_digit() {
            let prev2 = if i > 1 { s[i - 2] } else { '\0' };
            !(prev.is_ascii_digit() || (matches!(prev, '.' | ',') && prev2.is_ascii_digit()))
        } else if numerals::is_cnum(c) || (c == '百' && starts(s, i, "百分之")) {
            !numerals::is_cnum(prev)
        } else {
            false
        };
        if !startable {
            i += implicit_at(s, i, &quoted, &mut out);
            continue;
        }
        let Some(n) = numerals::scan(s, i) else {
            i += 1;
            continue;
        };
        let next = i + n.len;
        match read_target(s, i, &n, &quoted) {
            Some(mut fs) => {
                let end = fs.last().map_or(next, |f| f.end);
                out.append(&mut fs);
                i = end.max(i + 1);
            }
            None => i = next.max(i + 1),
        }
    }
    phrases(s, &mut out);
    out
}

/// Implicit targets at `i`; returns how many chars to advance.
fn implicit_at(s: &[char], i: usize, quoted: &[bool], out: &mut Vec<Found>) -> usize {
    if !matches!(s[i], '全' | '清' | '归') {
        return 1;
    }
    if quoted.get(i).copied().unwrap_or(false) {
        return 1;
    }
    for w in ["全面覆盖", "全域覆盖", "全部覆盖", "全覆盖"] {
        if starts(s, i, w) {
            let n = w.chars().count();
            out.push(Found {
                value: Decimal::ONE_HUNDRED,
                unit: "%".into(),
                cmp: Cmp::Ge,
                delta: false,
                implicit: true,
                start: i,
                end: i + n,
                reported: false,
                phrase: (i, i + n),
            });
            return n;
        }
    }
    for w in ["清零", "归零"] {
        if starts(s, i, w) {
            out.push(Found {
                value: Decimal::ZERO,
                unit: String::new(),
                cmp: Cmp::Le,
                delta: false,
                implicit: true,
                start: i,
                end: i + 2,
                reported: false,
                phrase: (i, i + 2),
            });
            return 2;
        }
    }
    1
}

/// Reads the target(s) whose number starts at `i`; `None` when it is not a target. In
/// phases: the number must stand on its own ([`stands_alone`]); a range is read
/// ([`range_at`]); a number that names a time or an order is dropped ([`names_time_or_order`]);
/// the unit is read ([`measure`]); the qualifiers around it give the comparison
/// ([`qualifiers`]).
fn read_target(s: &[char], i: usize, n: &Scanned, quoted: &[bool]) -> Option<Vec<Found>> {
    if !stands_alone(s, i, n, quoted) {
        return None;
    }
    let (low, value, j) = range_at(s, i, n)?;
    if names_time_or_order(s, i, j) {
        return None;
    }
    let (value, unit, j) = measure(s, i, j, n, value)?;
    let q = qualifiers(s, i, j, &unit);
    let mk = |value: Decimal, cmp: Cmp| Found {
        value: value.normalize(),
        unit: unit.clone(),
        cmp,
        delta: q.delta,
        implicit: false,
        start: i,
        end: q.end,
        reported: q.reported,
        phrase: (i, q.end),
    };
    Some(match low {
        Some(lo) => vec![mk(lo, Cmp::Ge), mk(value, Cmp::Le)],
        None => vec![mk(value, q.cmp)],
    })
}

/// Whether the number at `i` stands on its own: not quoted, not an ordinal (第3), not part
/// of a code (A3, 2-1), and not a lone 一 (一批, 一体化).
fn stands_alone(s: &[char], i: usize, n: &Scanned, quoted: &[bool]) -> bool {
    let prev = if i > 0 { s[i - 1] } else { '\0' };
    let prev2 = if i > 1 { s[i - 2] } else { '\0' };
    if quoted.get(i).copied().unwrap_or(false) {
        return false;
    }
    if matches!(prev, '第' | '每' | '几' | '数' | '前' | '#' | '№') {
        return false;
    }
    if n.form == Form::Arabic {
        !(prev.is_ascii_alphanumeric()
            || (matches!(prev, '-' | '.' | '/' | '_') && prev2.is_ascii_alphanumeric()))
    } else {
        !n.lone_one || n.percent
    }
}

/// The number at `i`, or a range from it (5-10个, 3至5万): the low end if a range, the
/// (high) value, and where the text after the number starts. `None` when a magnitude
/// overflows.
fn range_at(s: &[char], i: usize, n: &Scanned) -> Option<(Option<Decimal>, Decimal, usize)> {
    let mut j = i + n.len;
    let mut low: Option<Decimal> = None;
    let mut value = n.value;
    if matches!(s.get(j), Some('-' | '—' | '–' | '~' | '至' | '到')) && !n.percent {
        let k = if s.get(j) == Some(&'—') && s.get(j + 1) == Some(&'—') {
            j + 2
        } else {
            j + 1
        };
        if let Some(m) = numerals::scan(s, k).filter(|m| m.form == n.form && !m.percent) {
            let mut lo = n.value;
            if !n.magnitude && m.magnitude && m.form == Form::Arabic {
                lo = lo.checked_mul(magnitude_of(s, k, &m)?)?;
            }
            low = Some(lo);
            value = m.value;
            j = k + m.len;
        }
    }
    Some((low, value, j))
}

/// Whether the number from `i` to `j` names a year, a month, a date, an age, a span of
/// weeks, a session, a clock time or an ordinal rather than a quantity.
fn names_time_or_order(s: &[char], i: usize, j: usize) -> bool {
    let prev = if i > 0 { s[i - 1] } else { '\0' };
    let next = s.get(j).copied().unwrap_or('\0');
    // Years, months, dates, ages, ordinals, clock times.
    if matches!(
        next,
        '年' | '月' | '号' | '时' | '级' | '类' | '代' | '星' | '线' | '楼' | '层'
    ) {
        return true;
    }
    // 人均预期寿命达到79岁: a lifespan is a target, other ages are scope.
    if next == '岁' || (next == '周' && s.get(j + 1) == Some(&'岁')) {
        let from = i.saturating_sub(12);
        let ctx: String = s[from..i].iter().collect();
        if !ctx.contains("寿命") {
            return true;
        }
    }
    // 孕12周到22周, 6周至12周: a span of weeks (like a span of ages) is scope.
    if next == '周' && s.get(j + 1) != Some(&'岁') {
        let range_sep = |c: Option<&char>| matches!(c, Some('到' | '至' | '-' | '—' | '–' | '~'));
        let opens = range_sep(s.get(j + 1)) && s.get(j + 2).is_some_and(char::is_ascii_digit);
        let closes = i >= 2 && range_sep(s.get(i - 1)) && s.get(i - 2) == Some(&'周');
        if opens || closes || prev == '孕' {
            return true;
        }
    }
    if next == '日' && prev == '月' {
        return true;
    }
    // 1月11日—16日: the end of a span of days.
    if next == '日'
        && i >= 2
        && matches!(prev, '—' | '-' | '–' | '~' | '至' | '到')
        && s[i - 2] == '日'
    {
        return true;
    }
    // 市十五届人大三次会议: a session is named by its ordinal.
    if next == '次'
        && matches!(
            (s.get(j + 1), s.get(j + 2)),
            (Some('会'), Some('议')) | (Some('全'), Some('会' | '体')) | (Some('党'), Some('代'))
        )
    {
        return true;
    }
    next == ':' && s.get(j + 1).is_some_and(char::is_ascii_digit)
}

/// The unit after the number (from `j`): the value (八成 → 80), the unit as the schema
/// spells it, and where the text after the unit starts. `None` when what follows makes it
/// no target: no unit on a plain number, a duration that names a service (24小时供水), an
/// idiom (千家万户), a summary of a quoted list (“…”三项工程).
fn measure(
    s: &[char],
    i: usize,
    mut j: usize,
    n: &Scanned,
    mut value: Decimal,
) -> Option<(Decimal, String, usize)> {
    let prev = if i > 0 { s[i - 1] } else { '\0' };
    let next = s.get(j).copied().unwrap_or('\0');
    let mut unit = String::new();
    if n.percent {
        unit.push('%');
    } else if n.form == Form::Chinese
        && next == '成'
        && !matches!(
            s.get(j + 1),
            Some('为' | '立' | '效' | '果' | '本' | '绩' | '功' | '熟' | '员' | '交' | '长' | '都')
        )
    {
        value = value.checked_mul(Decimal::TEN)?;
        unit.push('%');
        j += 1;
    }
    if matches!(s.get(j), Some('余' | '多')) && unit.is_empty() {
        j += 1;
    }
    if unit.is_empty()
        && let Some((u, len)) = unit_at(s, j, n.form)
    {
        unit = u;
        j += len;
        if let Some((u2, len2)) = fold_alternative(s, j, &unit) {
            unit = u2;
            j += len2;
        }
    }
    if unit.is_empty() {
        let next = s.get(j).copied().unwrap_or('\0');
        if next.is_ascii_alphabetic() {
            return None;
        }
        if !(n.form == Form::Arabic && n.magnitude) {
            return None;
        }
    }
    if n.form == Form::Arabic
        && s.get(i + n.len).is_some_and(char::is_ascii_alphabetic)
        && !ASCII_UNITS.contains(&unit.as_str())
    {
        return None;
    }
    // 24小时供水, 15分钟生活圈: durations that name a service.
    if (unit == "小时" || unit == "分钟")
        && !matches!(
            s.get(j),
            None | Some(
                '内' | '以' | '之' | '办' | '完' | '左' | ',' | ';' | '。' | '、' | ')' | '”'
            )
        )
    {
        return None;
    }
    // 千家万户: an idiom, not a count.
    if n.bare
        && (s.get(j).is_some_and(|&c| matches!(c, '万' | '千' | '百'))
            || (i >= 2 && matches!(s[i - 2], '万' | '千' | '百')))
    {
        return None;
    }
    // “…”三项工程: a summary of a quoted list.
    if n.form == Form::Chinese && n.value < Decimal::TEN && matches!(prev, '”' | '’' | '"') {
        return None;
    }
    Some((value, unit, j))
}

/// What the words around a number say of it.
struct Qualifiers {
    cmp: Cmp,
    /// A change (提高5个百分点), not a level.
    delta: bool,
    /// Reported (已完成80%, 超…), not promised.
    reported: bool,
    /// Where the phrase ends, past a suffix such as 以上.
    end: usize,
}

/// The comparison from the qualifiers before the number (at `i`) and after its unit (from
/// `j`), and whether it is a change or a reported actual.
fn qualifiers(s: &[char], i: usize, mut j: usize, unit: &str) -> Qualifiers {
    let mut cmp = Cmp::Ge;
    let mut p = i;
    let mut best: Option<(&str, Cmp)> = None;
    let mut reported_prefix = false;
    for (list, c) in [
        (APPROX_PRE, Cmp::Approx),
        (LE_PRE, Cmp::Le),
        (GE_PRE, Cmp::Ge),
    ] {
        if let Some(w) = ends_any(s, i, list)
            && best.is_none_or(|(b, _)| b.chars().count() < w.chars().count())
        {
            best = Some((w, c));
        }
    }
    if let Some((w, c)) = best {
        cmp = c;
        p = i - w.chars().count();
        if w == "超" || w == "逾" {
            reported_prefix = true;
        }
    }
    let delta =
        ends_any(s, p, DELTA_PRE).is_some() && matches!(unit, "%" | "‰" | "百分点" | "倍" | "");
    let mut suffix_cmp = None;
    for (w, c) in [
        ("及以上", Cmp::Ge),
        ("以上", Cmp::Ge),
        ("以下", Cmp::Le),
        ("以内", Cmp::Le),
        ("之内", Cmp::Le),
        ("左右", Cmp::Approx),
    ] {
        if starts(s, j, w) {
            suffix_cmp = Some(c);
            j += w.chars().count();
            break;
        }
    }
    if suffix_cmp.is_none()
        && s.get(j) == Some(&'内')
        && !matches!(
            s.get(j + 1),
            Some('容' | '部' | '涵' | '外' | '地' | '在' | '需' | '网')
        )
    {
        suffix_cmp = Some(Cmp::Le);
        j += 1;
    }
    if let Some(c) = suffix_cmp {
        cmp = c;
    }
    // 已完成80%: a reported actual.
    // Look back at most one long clause, so that a line of thousands of numbers stays linear.
    let floor = i.saturating_sub(64);
    let clause_start = (floor..i)
        .rev()
        .find(|&k| is_delim(s[k]))
        .map_or(floor, |k| k + 1);
    // "已完成80%" reports; "对已建成的30个小区" only describes (已…的).
    let already = s[clause_start..i]
        .iter()
        .rposition(|&c| c == '已')
        .is_some_and(|p| !s[clause_start + p..i].contains(&'的'));
    if already && suffix_cmp.is_none() && cmp == Cmp::Ge && ends_any(s, i, GE_PRE).is_none() {
        cmp = Cmp::Eq;
    }
    Qualifiers {
        cmp,
        delta,
        reported: reported_prefix || already,
        end: j,
    }
}

/// The multiplier of an Arabic number with magnitude (3至5万 → 10000).
fn magnitude_of(s: &[char], k: usize, m: &Scanned) -> Option<Decimal> {
    let digits = (k..k + m.len).find(|&x| !s[x].is_ascii_digit() && s[x] != '.' && s[x] != ',')?;
    numerals::magnitude(s, digits).map(|(d, _)| d)
}

/// Sets each target's phrase: its clause, cut where a neighbouring target's phrase begins.
fn phrases(s: &[char], found: &mut [Found]) {
    let n = found.len();
    let mut los = vec![0usize; n];
    let mut cuts = vec![0usize; n];
    for k in 0..n {
        let start = found[k].start;
        if k > 0 && found[k - 1].start == start {
            // The two ends of one range share a phrase.
            los[k] = los[k - 1];
            cuts[k] = usize::MAX;
            continue;
        }
        let floor = if k > 0 { found[k - 1].end } else { 0 };
        let mut lo = start;
        let mut depth = 0i32;
        while lo > floor {
            let c = s[lo - 1];
            if is_close(c) {
                depth += 1;
            } else if is_open(c) {
                if depth == 0 && is_bracket_open(c) {
                    break;
                }
                depth = (depth - 1).max(0);
            } else if depth == 0 && (is_delim(c) || (c == '、' && k > 0 && lo > floor)) {
                break;
            }
            lo -= 1;
        }
        // The previous phrase must stop before an opening bracket that starts this one.
        let mut cut = if lo > floor && is_bracket_open(s[lo - 1]) {
            lo - 1
        } else {
            lo
        };
        if k > 0 && lo == floor {
            // Between two targets of one clause: start after the last 和/及/与/、.
            if let Some(x) = (floor..start)
                .rev()
                .find(|&x| matches!(s[x], '和' | '及' | '与' | '、'))
            {
                cut = x;
                lo = x + 1;
            }
        }
        los[k] = lo;
        cuts[k] = cut;
    }
    for k in 0..n {
        let limit = if k + 1 < n {
            cuts[k + 1].max(found[k].end).min(s.len())
        } else {
            s.len()
        };
        let mut hi = found[k].end;
        let mut depth = 0i32;
        while hi < limit {
            let c = s[hi];
            if is_open(c) {
                depth += 1;
            } else if is_close(c) {
                if depth == 0 && is_bracket_close(c) {
                    break;
                }
                depth = (depth - 1).max(0);
            } else if depth == 0 && (is_delim(c) || c == '、') {
                break;
            }
            hi += 1;
        }
        found[k].phrase = (los[k].min(found[k].start), hi);
        if k > 0 && found[k - 1].start == found[k].start {
            found[k - 1].phrase = found[k].phrase;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> String {
        let s: Vec<char> = text.chars().map(crate::normalize::fold).collect();
        scan_chars(&s)
            .iter()
            .map(|f| {
                let phrase: String = s[f.phrase.0..f.phrase.1].iter().collect();
                format!(
                    "{} {} {:?}{} [{phrase}]",
                    f.value,
                    f.unit,
                    f.cmp,
                    if f.delta { " Δ" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }

    #[test]
    fn basics() {
        assert_eq!(
            t("城镇新增就业23万人;实现城镇零就业家庭动态清零。"),
            "230000 人 Ge [城镇新增就业23万人] | 0  Le [实现城镇零就业家庭动态清零]"
        );
        assert_eq!(t("3个工作日内办结"), "3 工作日 Le [3个工作日内办结]");
        assert_eq!(
            t("新增24小时供水工程1200处"),
            "1200 处 Ge [新增24小时供水工程1200处]"
        );
        assert_eq!(t("建设5G基站5000个"), "5000 个 Ge [建设5G基站5000个]");
        assert_eq!(t("65岁以上老年人"), "");
        assert_eq!(
            t("8类重点居家老年人信息采集率100%"),
            "100 % Ge [8类重点居家老年人信息采集率100%]"
        );
        assert_eq!(
            t("地区生产总值增长6%左右"),
            "6 % Approx Δ [地区生产总值增长6%左右]"
        );
        assert_eq!(
            t("为1.6万人(次)有需求的残疾人"),
            "16000 人次 Ge [为1.6万人(次)有需求的残疾人]"
        );
        assert_eq!(t("不少于22万套(间)"), "220000 套 Ge [不少于22万套(间)]");
        assert_eq!(t("“千村示范”创建村中开展“百村提升”行动"), "");
        assert_eq!(t("“粤菜师傅”“广东技工”三项工程"), "");
        assert_eq!(
            t("建成两座智能重卡换电站"),
            "2 座 Ge [建成两座智能重卡换电站]"
        );
        assert_eq!(t("一汽红旗推出一批车型"), "");
        assert_eq!(t("惠及70万农村居民"), "700000  Ge [惠及70万农村居民]");
        assert_eq!(t("年产能可达到15GWh"), "15 GWh Ge [年产能可达到15GWh]");
        assert_eq!(t("千家万户"), "");
        assert_eq!(
            t("培训3-5万人"),
            "30000 人 Ge [培训3-5万人] | 50000 人 Le [培训3-5万人]"
        );
    }
}
