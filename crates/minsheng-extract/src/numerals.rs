//! Numbers as Chinese plan documents write them.
//!
//! ```text
//! number    ::= arabic magnitude? | chinese | "百分之" (arabic | chinese)
//! arabic    ::= digit+ ("," digit{3})* ("." digit+)?          (full-width digits fold first)
//! magnitude ::= "万亿" | "千亿" | "百亿" | "千万" | "百万" | "十万" | "万" | "亿" | "千" | "百"
//! chinese   ::= cdigit+                                       (positional: 二〇二三)
//!             | (cdigit? ("十"|"百"|"千") | cdigit | "零")* ("万"|"亿")* ...   (十四, 三千, 一百零八, 两万, 百, 千, 万亿)
//!             ("点" cdigit+ ("万"|"亿")?)?                      (一点五, 一点五万)
//! cdigit    ::= 〇 零 一 二 两 三 四 五 六 七 八 九 (and 壹 贰 叁 肆 伍 陆 柒 捌 玖)
//! ```
//!
//! [`scan`] reads one number at a position and never panics: overflow or an
//! unparsable run yields `None`. [`parse`] reads a whole quantity with its
//! qualifiers ("1200名以上", "百分之五", "三成", "1.3倍", "超千次") and is the
//! convenient entry point for tests and callers.

use rust_decimal::Decimal;

use crate::Cmp;

/// How a number was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Arabic digits, possibly with a Chinese magnitude (23万).
    Arabic,
    /// Chinese numerals (三千, 两, 百).
    Chinese,
}

/// One number read by [`scan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scanned {
    /// The value, magnitudes applied.
    pub value: Decimal,
    /// Characters consumed.
    pub len: usize,
    /// How it was written.
    pub form: Form,
    /// Whether a magnitude (万, 亿, …) was applied to Arabic digits, or the Chinese
    /// number contains 万 or 亿.
    pub magnitude: bool,
    /// A Chinese number written without any digit character (百, 千, 万亿).
    pub bare: bool,
    /// The Chinese number is just 一: almost always an article ("一批", "一次"), not a count.
    pub lone_one: bool,
    /// "百分之…": the value is a percentage.
    pub percent: bool,
}

/// The value of a Chinese digit character.
#[must_use]
pub fn cdigit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' | '○' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// The power of ten of a Chinese place character below 万.
fn small_unit(c: char) -> Option<u32> {
    Some(match c {
        '十' | '拾' => 1,
        '百' | '佰' => 2,
        '千' | '仟' => 3,
        _ => return None,
    })
}

/// Every character [`is_cnum`] accepts.
const CNUM: &[char] = &[
    '〇', '零', '○', '一', '壹', '二', '两', '贰', '三', '叁', '四', '肆', '五', '伍', '六', '陆',
    '七', '柒', '八', '捌', '九', '玖', '十', '拾', '百', '佰', '千', '仟', '万', '亿',
];

/// A 1024-bit filter on the low bits of the code point: most characters fail it.
const CNUM_FILTER: [u64; 16] = {
    let mut f = [0u64; 16];
    let mut k = 0;
    while k < CNUM.len() {
        let low = (CNUM[k] as u32 & 1023) as usize;
        f[low / 64] |= 1 << (low % 64);
        k += 1;
    }
    f
};

/// Whether `c` can be part of a Chinese number.
#[must_use]
#[inline]
pub fn is_cnum(c: char) -> bool {
    let low = (c as u32 & 1023) as usize;
    if CNUM_FILTER[low / 64] & (1 << (low % 64)) == 0 {
        return false;
    }
    CNUM.contains(&c)
}

fn pow10(n: u32) -> Decimal {
    let mut d = Decimal::ONE;
    for _ in 0..n {
        d *= Decimal::TEN;
    }
    d
}

/// Reads an Arabic magnitude suffix at `i`: (multiplier, chars).
#[must_use]
pub fn magnitude(s: &[char], i: usize) -> Option<(Decimal, usize)> {
    let c0 = s.get(i).copied()?;
    let c1 = s.get(i + 1).copied().unwrap_or('\0');
    let two = match (c0, c1) {
        ('万', '亿') => Some(12),
        ('千', '亿') => Some(11),
        ('百', '亿') => Some(10),
        ('千', '万') => Some(7),
        ('百', '万') => Some(6),
        ('十', '万') => Some(5),
        _ => None,
    };
    if let Some(p) = two {
        return Some((pow10(p), 2));
    }
    let p = match c0 {
        '万' => 4,
        '亿' => 8,
        // 千米, 千克, 千瓦, 百分点 are units, not magnitudes.
        '千' if !matches!(c1, '米' | '克' | '瓦' | '卡') => 3,
        '百' if c1 != '分' => 2,
        _ => return None,
    };
    Some((pow10(p), 1))
}

fn scan_arabic(s: &[char], i: usize) -> Option<Scanned> {
    let mut j = i;
    let mut digits = String::new();
    while let Some(&c) = s.get(j) {
        if c.is_ascii_digit() {
            digits.push(c);
            j += 1;
        } else if c == ','
            && s.get(j + 1..j + 4)
                .is_some_and(|w| w.iter().all(char::is_ascii_digit))
            && !s.get(j + 4).is_some_and(char::is_ascii_digit)
            && !digits.is_empty()
        {
            j += 1;
        } else {
            break;
        }
    }
    if digits.is_empty() {
        return None;
    }
    if s.get(j) == Some(&'.') && s.get(j + 1).is_some_and(char::is_ascii_digit) {
        digits.push('.');
        j += 1;
        while let Some(&c) = s.get(j) {
            if !c.is_ascii_digit() {
                break;
            }
            digits.push(c);
            j += 1;
        }
    }
    let mut value: Decimal = digits.parse().ok()?;
    let mut has_mag = false;
    if let Some((m, n)) = magnitude(s, j) {
        value = value.checked_mul(m)?;
        j += n;
        has_mag = true;
    }
    Some(Scanned {
        value,
        len: j - i,
        form: Form::Arabic,
        magnitude: has_mag,
        bare: false,
        lone_one: false,
        percent: false,
    })
}

/// Evaluates a run of Chinese numeral characters (no 点).
fn eval_chinese(run: &[char]) -> Option<Decimal> {
    if run.is_empty() {
        return None;
    }
    let positional = run.len() > 1 && run.iter().all(|&c| cdigit(c).is_some());
    if positional {
        let mut v = Decimal::ZERO;
        for &c in run {
            v = v
                .checked_mul(Decimal::TEN)?
                .checked_add(Decimal::from(cdigit(c)?))?;
        }
        return Some(v);
    }
    let mut yi = Decimal::ZERO;
    let mut wan = Decimal::ZERO;
    let mut section = Decimal::ZERO;
    let mut cur = Decimal::ZERO;
    let mut has_cur = false;
    for &c in run {
        if let Some(d) = cdigit(c) {
            cur = cur
                .checked_mul(Decimal::TEN)?
                .checked_add(Decimal::from(d))?;
            has_cur = true;
        } else if let Some(p) = small_unit(c) {
            let base = if has_cur { cur } else { Decimal::ONE };
            section = section.checked_add(base.checked_mul(pow10(p))?)?;
            cur = Decimal::ZERO;
            has_cur = false;
        } else if c == '万' {
            let mut v = section.checked_add(cur)?;
            if v.is_zero() {
                v = Decimal::ONE;
            }
            wan = wan.checked_add(v.checked_mul(pow10(4))?)?;
            section = Decimal::ZERO;
            cur = Decimal::ZERO;
            has_cur = false;
        } else if c == '亿' {
            let mut v = wan.checked_add(section)?.checked_add(cur)?;
            if v.is_zero() {
                v = Decimal::ONE;
            }
            yi = yi.checked_add(v)?.checked_mul(pow10(8))?;
            wan = Decimal::ZERO;
            section = Decimal::ZERO;
            cur = Decimal::ZERO;
            has_cur = false;
        } else {
            return None;
        }
    }
    yi.checked_add(wan)?.checked_add(section)?.checked_add(cur)
}

fn scan_chinese(s: &[char], i: usize) -> Option<Scanned> {
    let mut j = i;
    while s.get(j).is_some_and(|&c| is_cnum(c)) {
        j += 1;
    }
    if j == i {
        return None;
    }
    let run = &s[i..j];
    let mut value = eval_chinese(run)?;
    let bare = run.iter().all(|&c| cdigit(c).is_none());
    let lone_one = run == ['一'];
    let mut has_mag = run.iter().any(|&c| matches!(c, '万' | '亿'));
    // 一点五, 一点五万
    if s.get(j) == Some(&'点') && s.get(j + 1).and_then(|&c| cdigit(c)).is_some() {
        let mut k = j + 1;
        let mut frac = String::from("0.");
        while let Some(d) = s.get(k).and_then(|&c| cdigit(c)) {
            frac.push(char::from_digit(d, 10).unwrap_or('0'));
            k += 1;
        }
        let f: Decimal = frac.parse().ok()?;
        value = value.checked_add(f)?;
        j = k;
        if let Some((m, n)) = match s.get(j) {
            Some('万') if s.get(j + 1) == Some(&'亿') => Some((pow10(12), 2)),
            Some('万') => Some((pow10(4), 1)),
            Some('亿') => Some((pow10(8), 1)),
            _ => None,
        } {
            value = value.checked_mul(m)?;
            j += n;
            has_mag = true;
        }
    }
    Some(Scanned {
        value,
        len: j - i,
        form: Form::Chinese,
        magnitude: has_mag,
        bare,
        lone_one: lone_one && j == i + 1,
        percent: false,
    })
}

/// Reads one number starting exactly at `s[i]`: Arabic (with magnitude), Chinese,
/// or "百分之" followed by either.
#[must_use]
pub fn scan(s: &[char], i: usize) -> Option<Scanned> {
    scan_raw(s, i).map(|mut n| {
        n.value = n.value.normalize();
        n
    })
}

fn scan_raw(s: &[char], i: usize) -> Option<Scanned> {
    let c = *s.get(i)?;
    if c.is_ascii_digit() {
        return scan_arabic(s, i);
    }
    if c == '百' && s.get(i + 1) == Some(&'分') && s.get(i + 2) == Some(&'之') {
        let mut inner = scan(s, i + 3)?;
        if inner.percent {
            return None;
        }
        inner.len += 3;
        inner.percent = true;
        inner.lone_one = false;
        return Some(inner);
    }
    if is_cnum(c) {
        return scan_chinese(s, i);
    }
    None
}

/// A whole quantity as read by [`parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    /// The value, magnitudes applied (百分之五 → 5, 三成 → 30).
    pub value: Decimal,
    /// The unit written after the number, if any ("%" for 百分之 and 成).
    pub unit: String,
    /// The comparison implied by the qualifiers (余, 多, 以上, 超 → `Ge`; 左右, 约 → `Approx`).
    pub cmp: Cmp,
}

/// Parses a whole short quantity string such as "23万", "1.6万", "11000亿元",
/// "百分之五", "三成", "1.3倍", "200个左右", "1200名以上", "超千次", "两座".
/// Returns `None` unless the whole string is one quantity.
#[must_use]
pub fn parse(text: &str) -> Option<Quantity> {
    let s: Vec<char> = text
        .chars()
        .map(crate::normalize::fold)
        .filter(|&c| !crate::normalize::is_space(c))
        .collect();
    let mut i = 0;
    let mut cmp = Cmp::Ge;
    for (p, c) in [
        ("约", Cmp::Approx),
        ("近", Cmp::Approx),
        ("超过", Cmp::Ge),
        ("超", Cmp::Ge),
    ] {
        let pc: Vec<char> = p.chars().collect();
        if s.starts_with(&pc) {
            i = pc.len();
            cmp = c;
            break;
        }
    }
    let n = scan(&s, i)?;
    let mut value = n.value;
    let mut j = i + n.len;
    let mut unit = String::new();
    if n.percent {
        unit.push('%');
    }
    if s.get(j) == Some(&'成') && n.form == Form::Chinese && unit.is_empty() {
        value = value.checked_mul(Decimal::TEN)?;
        unit.push('%');
        j += 1;
    }
    if matches!(s.get(j), Some('余' | '多')) {
        j += 1;
    }
    let rest: String = s.get(j..)?.iter().collect();
    let mut rest = rest.as_str();
    for (suffix, c) in [
        ("以上", Cmp::Ge),
        ("以下", Cmp::Le),
        ("以内", Cmp::Le),
        ("左右", Cmp::Approx),
    ] {
        if let Some(r) = rest.strip_suffix(suffix) {
            rest = r;
            cmp = c;
            break;
        }
    }
    if unit.is_empty() {
        unit.push_str(rest);
    } else if !rest.is_empty() {
        return None;
    }
    if unit.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(Quantity {
        value: value.normalize(),
        unit,
        cmp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> String {
        parse(s).map_or("-".into(), |q| {
            format!("{} {} {:?}", q.value, q.unit, q.cmp)
        })
    }

    #[test]
    fn forms() {
        assert_eq!(v("23万"), "230000  Ge");
        assert_eq!(v("1.6万人"), "16000 人 Ge");
        assert_eq!(v("11000亿元"), "1100000000000 元 Ge");
        assert_eq!(v("350亿"), "35000000000  Ge");
        assert_eq!(v("三千"), "3000  Ge");
        assert_eq!(v("一百个"), "100 个 Ge");
        assert_eq!(v("两座"), "2 座 Ge");
        assert_eq!(v("百辆"), "100 辆 Ge");
        assert_eq!(v("超千次"), "1000 次 Ge");
        assert_eq!(v("十四"), "14  Ge");
        assert_eq!(v("二〇二三"), "2023  Ge");
        assert_eq!(v("一点五"), "1.5  Ge");
        assert_eq!(v("百分之五"), "5 % Ge");
        assert_eq!(v("三成"), "30 % Ge");
        assert_eq!(v("1.3倍"), "1.3 倍 Ge");
        assert_eq!(v("200个左右"), "200 个 Approx");
        assert_eq!(v("约350亿元"), "35000000000 元 Approx");
        assert_eq!(v("1000余人"), "1000 人 Ge");
        assert_eq!(v("１２００名以上"), "1200 名 Ge");
        assert_eq!(v("3%以内"), "3 % Le");
        assert_eq!(v("1,200万"), "12000000  Ge");
        assert_eq!(v("万亿"), "1000000000000  Ge");
        assert_eq!(v("一百零八"), "108  Ge");
        assert_eq!(v("十万八千"), "108000  Ge");
        assert_eq!(v("三万亿"), "3000000000000  Ge");
        assert_eq!(v("一亿三千万"), "130000000  Ge");
        assert_eq!(v("壹佰贰拾"), "120  Ge");
        assert_eq!(v("abc"), "-");
        assert_eq!(v(""), "-");
    }
}
