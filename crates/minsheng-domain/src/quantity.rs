//! Quantities: an exact decimal value with the unit it counts, and how a target compares.

use rust_decimal::Decimal;
use std::fmt;

/// How an actual value is held against a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmp {
    /// At least the target (达到, 以上, 不少于; the default for a planned amount).
    Ge,
    /// At most the target (以内, 不超过, 压缩至, 清零).
    Le,
    /// About the target (左右, 约).
    Approx,
    /// Exactly: a reported actual rather than a commitment.
    Eq,
}

impl Cmp {
    /// The stable code stored and exchanged: `ge`, `le`, `approx`, `eq`.
    pub fn code(self) -> &'static str {
        match self {
            Cmp::Ge => "ge",
            Cmp::Le => "le",
            Cmp::Approx => "approx",
            Cmp::Eq => "eq",
        }
    }

    /// Parses a stable code; `None` for anything else.
    pub fn from_code(s: &str) -> Option<Cmp> {
        Some(match s {
            "ge" => Cmp::Ge,
            "le" => Cmp::Le,
            "approx" => Cmp::Approx,
            "eq" => Cmp::Eq,
            _ => return None,
        })
    }

    /// How a Chinese official writes the comparison next to a value.
    pub fn label_zh(self) -> &'static str {
        match self {
            Cmp::Ge => "不少于",
            Cmp::Le => "不超过",
            Cmp::Approx => "约",
            Cmp::Eq => "为",
        }
    }

    /// The comparison in English, before a value.
    pub fn label_en(self) -> &'static str {
        match self {
            Cmp::Ge => "at least",
            Cmp::Le => "at most",
            Cmp::Approx => "about",
            Cmp::Eq => "exactly",
        }
    }
}

/// A value in a unit, e.g. 230000 人. The value is exact: never a float.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    /// The number, magnitudes (万, 亿) already applied.
    pub value: Decimal,
    /// The measure word (人, 个, 公里, %), `""` when none is written.
    pub unit: String,
}

impl Quantity {
    /// A quantity of `value` in `unit`.
    pub fn new(value: Decimal, unit: impl Into<String>) -> Self {
        Quantity {
            value,
            unit: unit.into(),
        }
    }

    /// Whether splitting this quantity over regions means dividing it (23万人 → a share per
    /// city) rather than repeating it (a rate such as 60% or 1.3倍 holds for every city).
    pub fn is_additive(&self) -> bool {
        !matches!(self.unit.as_str(), "%" | "倍" | "工作日" | "")
    }
}

impl fmt::Display for Quantity {
    /// Writes the value as Chinese officials do: 230000 人 → "23万人", 1.1e12 元 → "1.1万亿元".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", format_zh(self.value), self.unit)
    }
}

/// Formats a value with 万 / 亿 / 万亿 where that is how it would be written:
/// 230000 → "23万", 16000 → "1.6万", 35000000000 → "350亿", 800 → "800", 1.3 → "1.3".
pub fn format_zh(value: Decimal) -> String {
    let abs = value.abs();
    let scales: [(i64, &str); 3] = [
        (1_000_000_000_000, "万亿"),
        (100_000_000, "亿"),
        (10_000, "万"),
    ];
    for (scale, word) in scales {
        let scale = Decimal::from(scale);
        if abs >= scale {
            let scaled = value / scale;
            // Only use the magnitude when it reads cleanly (at most 4 decimals).
            if scaled.normalize().scale() <= 4 {
                return format!("{}{word}", scaled.normalize());
            }
        }
    }
    value.normalize().to_string()
}

/// A figure for a person reading a table: [`format_zh`] of the value rounded to at most two
/// decimals of its 万 or 亿 (153333.33 → "15.33万", 2138538.9 → "213.85万"), or to two
/// decimals below 1万 (66.666… → "66.67").
pub fn format_zh_rounded(value: Decimal) -> String {
    let step = if value.abs() >= Decimal::from(100_000_000) {
        Decimal::from(1_000_000)
    } else if value.abs() >= Decimal::from(10_000) {
        Decimal::ONE_HUNDRED
    } else {
        Decimal::new(1, 2)
    };
    format_zh((value / step).round() * step)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn formats_as_officials_write() {
        assert_eq!(format_zh(d("230000")), "23万");
        assert_eq!(format_zh(d("16000")), "1.6万");
        assert_eq!(format_zh(d("35000000000")), "350亿");
        assert_eq!(format_zh(d("1100000000000")), "1.1万亿");
        assert_eq!(format_zh(d("800")), "800");
        assert_eq!(format_zh(d("1.30")), "1.3");
        assert_eq!(format_zh(d("12345")), "1.2345万");
        assert_eq!(format_zh(d("123456")), "12.3456万");
        assert_eq!(format_zh(d("1234567")), "123.4567万");
        assert_eq!(format_zh(d("12345678")), "1234.5678万");
        assert_eq!(format_zh(d("1234567.5")), "1234567.5");
    }

    #[test]
    fn rounds_for_reading() {
        assert_eq!(format_zh_rounded(d("153333.333333")), "15.33万");
        assert_eq!(format_zh_rounded(d("66.6666666")), "66.67");
        assert_eq!(format_zh_rounded(d("1234567890.5")), "12.35亿");
        assert_eq!(format_zh_rounded(d("230000")), "23万");
        assert_eq!(format_zh_rounded(d("1.2")), "1.2");
    }

    #[test]
    fn cmp_codes_round_trip() {
        for c in [Cmp::Ge, Cmp::Le, Cmp::Approx, Cmp::Eq] {
            assert_eq!(Cmp::from_code(c.code()), Some(c));
        }
        assert_eq!(Cmp::from_code("gt"), None);
    }

    #[test]
    fn rates_are_not_additive() {
        assert!(Quantity::new(d("230000"), "人").is_additive());
        assert!(!Quantity::new(d("60"), "%").is_additive());
        assert!(!Quantity::new(d("1.3"), "倍").is_additive());
    }
}
