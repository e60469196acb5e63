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

    /// The comparison in English, next to a value.
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

    /// Whether its unit counts things (人, 个, 家, 所 …), which come in whole numbers: a
    /// city's share of "新建托育机构39家" is 4家 or 5家, never 4.33家. Money, lengths, areas
    /// and weights (元, 公里, 平方米, 吨) may carry fractions.
    pub fn counts_things(&self) -> bool {
        is_counted_unit(&self.unit)
    }
}

/// Whether `unit` is a measure word for things counted one by one (see
/// [`Quantity::counts_things`]).
pub fn is_counted_unit(unit: &str) -> bool {
    matches!(
        unit,
        "人" | "名"
            | "人次"
            | "户"
            | "户次"
            | "个"
            | "家"
            | "所"
            | "座"
            | "处"
            | "条"
            | "张"
            | "套"
            | "间"
            | "台"
            | "辆"
            | "架"
            | "艘"
            | "项"
            | "件"
            | "场"
            | "次"
            | "床"
            | "位"
            | "例"
            | "车次"
            | "班次"
            | "架次"
            | "批次"
            | "场次"
            | "片"
            | "盏"
            | "册"
            | "部"
            | "栋"
            | "幢"
            | "口"
            | "支"
            | "批"
            | "期"
            | "班"
            | "对"
            | "头"
            | "只"
            | "棵"
            | "株"
    )
}

impl fmt::Display for Quantity {
    /// Writes the value as Chinese officials do: 230000 人 → "23万人", 1.1e12 元 → "1.1万亿元".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", format_zh(self.value), self.unit)
    }
}

/// The most decimal places a reported value may carry (after trailing zeros are dropped):
/// enough for 0.000001万 or a rate to a millionth of a point, few enough that arithmetic on
/// reported values never runs out of digits.
pub const MAX_REPORT_DECIMALS: u32 = 6;

/// The largest value a report may carry in a target's unit: a sane maximum per kind of unit,
/// so that sums, differences and ratios of reported values stay far from `Decimal`'s limits
/// (about 7.9 × 10²⁸).
///
/// - money (元): 10¹⁵ (一千万亿元, several times a year of China's GDP);
/// - people and counted things (人, 人次, 户, 个, 所, …): 10¹² (一万亿);
/// - rates (%, 百分点): 1,000; ‰: 10,000; multiples (倍): 1,000;
/// - time limits (工作日, 天, 小时, 分钟, …): 100,000;
/// - any other unit (吨, 公里, 千瓦时, none written): 10¹⁵.
pub fn report_value_max(unit: &str) -> Decimal {
    let power = match unit {
        "%" | "百分点" | "倍" => 3,
        "‰" => 4,
        "工作日" | "天" | "日" | "周" | "小时" | "分钟" | "秒" | "岁" | "课时" => 5,
        "元" => 15,
        u if is_counted_unit(u) => 12,
        _ => 15,
    };
    Decimal::from(10i64.pow(power))
}

/// Why a reported value is refused at the door.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// Written in exponent notation (1e5, 2.3E+4): refused rather than guessed at.
    #[error(
        "“{0}”是科学计数法,请直接写出数值(如 23000 或 2.3万) / '{0}' is in exponent notation: write the number out (23000, or 2.3万)"
    )]
    Exponent(String),
    /// Not a number at all.
    #[error("“{0}”不是数值 / '{0}' is not a number")]
    NotANumber(String),
    /// Negative.
    #[error("数值不能为负({value}) / the value cannot be negative ({value})")]
    Negative {
        /// The value.
        value: Decimal,
    },
    /// Above the largest value a report may carry in its unit.
    #[error(
        "数值{value}超过以“{unit}”计的上限{max},请检查单位与数量级 / the value {value} is above the most a report may carry in '{unit}' ({max}): check the unit and magnitude"
    )]
    TooLarge {
        /// The value.
        value: Decimal,
        /// The unit it is in.
        unit: String,
        /// The largest allowed.
        max: Decimal,
    },
    /// More decimal places than [`MAX_REPORT_DECIMALS`].
    #[error(
        "数值{value}的小数位超过{MAX_REPORT_DECIMALS}位 / the value {value} has more than {MAX_REPORT_DECIMALS} decimal places"
    )]
    TooPrecise {
        /// The value.
        value: Decimal,
    },
}

/// Checks a value a report carries in `unit` (the target's unit, or 元 for funds): not
/// negative, at most [`report_value_max`], at most [`MAX_REPORT_DECIMALS`] decimal places.
pub fn check_report_value(value: Decimal, unit: &str) -> Result<(), ValueError> {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(ValueError::Negative { value });
    }
    let max = report_value_max(unit);
    if value > max {
        return Err(ValueError::TooLarge {
            value: value.normalize(),
            unit: unit.to_string(),
            max,
        });
    }
    let value = value.normalize();
    if value.scale() > MAX_REPORT_DECIMALS {
        return Err(ValueError::TooPrecise { value });
    }
    Ok(())
}

/// Reads a decimal as a person or a client wrote it, plain (`23000`, `-1.5`, `0.25`):
/// exponent notation (`1e5`) is refused with its own message rather than read by accident,
/// and so is a number with more digits than a `Decimal` holds.
pub fn read_plain_decimal(text: &str) -> Result<Decimal, ValueError> {
    let t = text.trim();
    if t.contains(['e', 'E']) && t.chars().any(|c| c.is_ascii_digit()) {
        return Err(ValueError::Exponent(t.to_string()));
    }
    let plain = t
        .strip_prefix(['-', '+'])
        .unwrap_or(t)
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.');
    if !plain || t.is_empty() {
        return Err(ValueError::NotANumber(t.to_string()));
    }
    // `from_str_exact` refuses rather than rounds a number it cannot hold.
    Decimal::from_str_exact(t).map_err(|_| ValueError::NotANumber(t.to_string()))
}

/// `a + b`, held at `Decimal::MAX` (or `MIN`) rather than overflowing: for figures shown or
/// summed from stored values, where a value too large to add is already refused at the door
/// and a page must still render.
pub fn saturating_sum(values: impl IntoIterator<Item = Decimal>) -> Decimal {
    values
        .into_iter()
        .fold(Decimal::ZERO, |acc, v| acc.saturating_add(v))
}

/// A value rounded half away from zero to at most `dp` decimals, trailing zeros dropped.
fn rounded(value: Decimal, dp: u32) -> Decimal {
    value
        .round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

/// Formats a value as Chinese officials write it, the one rule every page, bulletin and
/// table follows: 万, 亿 and 万亿 with at most two decimals (230000 → "23万", 26917 →
/// "2.69万", 35000000000 → "350亿"), plain numbers under 1万 (800 → "800"), fractions to at
/// most two decimals (66.666… → "66.67", 1.30 → "1.3"). A value's exact digits are the
/// store's and the forms'; see [`format_zh_exact`].
pub fn format_zh(value: Decimal) -> String {
    let scales: [(i64, &str); 3] = [
        (1_000_000_000_000, "万亿"),
        (100_000_000, "亿"),
        (10_000, "万"),
    ];
    let plain = rounded(value, 2);
    for (scale, word) in scales {
        let scale = Decimal::from(scale);
        if plain.abs() >= scale {
            return format!("{}{word}", rounded(value / scale, 2));
        }
    }
    plain.to_string()
}

/// Formats a value with 万 / 亿 / 万亿 only where that keeps every digit (12345 → "1.2345万",
/// 1234567.5 → "1234567.5"): for messages that must show the exact figure, such as the
/// difference a split is refused for.
pub fn format_zh_exact(value: Decimal) -> String {
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

/// Formats a value as English writes it: thousands separators under a million ("230,000",
/// "1,234.5"), then words with at most two decimals ("2.3 million", "35 billion",
/// "1.1 trillion"); fractions to at most two decimals.
pub fn format_en(value: Decimal) -> String {
    let scales: [(i64, &str); 3] = [
        (1_000_000_000_000, "trillion"),
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
    ];
    let plain = rounded(value, 2);
    for (scale, word) in scales {
        let scale = Decimal::from(scale);
        if plain.abs() >= scale {
            return format!("{} {word}", rounded(value / scale, 2));
        }
    }
    let text = plain.abs().to_string();
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if plain.is_sign_negative() && !plain.is_zero() {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A unit's English name, written after the number ("230,000 people", "120 km"); `""` for a
/// Chinese measure word that only counts (个, 家, 座, 处, 所…), so that the number stands
/// alone; `None` for a unit with no English name here, which is then shown as written.
pub fn unit_en(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "人" | "名" | "位" => "people",
        "人次" => "person-times",
        "户" => "households",
        "元" => "yuan",
        "%" => "%",
        "‰" => "‰",
        "百分点" => "percentage points",
        "倍" => "times",
        "公里" => "km",
        "米" => "m",
        "平方公里" => "km²",
        "平方米" => "m²",
        "亩" => "mu",
        "吨" => "tonnes",
        "千瓦" => "kW",
        "千瓦时" => "kWh",
        "年" => "years",
        "个月" => "months",
        "天" | "日" => "days",
        "工作日" => "working days",
        "小时" => "hours",
        "分钟" => "minutes",
        "次" | "场次" | "场" => "times",
        "床" | "张" => "beds",
        "辆" => "vehicles",
        "个" | "家" | "座" | "处" | "条" | "所" | "款" | "套" | "台" | "间" | "盏" | "片"
        | "部" | "册" | "例" | "项" | "件" | "批" | "栋" | "支" | "只" | "株" | "棵" | "口"
        | "" => "",
        _ => return None,
    })
}

/// A figure with its unit for a Chinese page: "23万人", "2.69万元", "95%".
pub fn show_zh(value: Decimal, unit: &str) -> String {
    format!("{}{unit}", format_zh(value))
}

/// A figure with its unit for an English page: "230,000 people", "26,917 yuan", "95%",
/// "12 (座)" for a unit with no English name.
pub fn show_en(value: Decimal, unit: &str) -> String {
    let n = format_en(value);
    match unit_en(unit) {
        Some("") => n,
        Some(u @ ("%" | "‰")) => format!("{n}{u}"),
        Some(u) => format!("{n} {u}"),
        None => format!("{n} {unit}"),
    }
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
        // At most two decimals of 万 or 亿, rounded half away from zero.
        assert_eq!(format_zh(d("26917")), "2.69万");
        assert_eq!(format_zh(d("12345")), "1.23万");
        assert_eq!(format_zh(d("12355")), "1.24万");
        assert_eq!(format_zh(d("1234567.5")), "123.46万");
        assert_eq!(format_zh(d("153333.333333")), "15.33万");
        assert_eq!(format_zh(d("66.6666666")), "66.67");
        assert_eq!(format_zh(d("1234567890.5")), "12.35亿");
        assert_eq!(format_zh(d("9999.996")), "1万");
        assert_eq!(format_zh(d("-26917")), "-2.69万");
        // Where every digit must show.
        assert_eq!(format_zh_exact(d("12345")), "1.2345万");
        assert_eq!(format_zh_exact(d("1234567.5")), "1234567.5");
    }

    #[test]
    fn formats_as_english_writes() {
        assert_eq!(format_en(d("230000")), "230,000");
        assert_eq!(format_en(d("1234.5")), "1,234.5");
        assert_eq!(format_en(d("999")), "999");
        assert_eq!(format_en(d("66.6666")), "66.67");
        assert_eq!(format_en(d("-1234567")), "-1.23 million");
        assert_eq!(format_en(d("35000000000")), "35 billion");
        assert_eq!(format_en(d("1100000000000")), "1.1 trillion");
        assert_eq!(format_en(d("-0.001")), "0");
        assert_eq!(show_en(d("230000"), "人"), "230,000 people");
        assert_eq!(show_en(d("95"), "%"), "95%");
        assert_eq!(show_en(d("17"), "座"), "17");
        assert_eq!(show_en(d("3"), "吨标煤"), "3 吨标煤");
        assert_eq!(show_zh(d("26917"), "人"), "2.69万人");
    }

    #[test]
    fn report_values_are_bounded_by_their_unit() {
        assert_eq!(check_report_value(d("230000"), "人"), Ok(()));
        assert_eq!(check_report_value(d("98.50"), "%"), Ok(()));
        assert_eq!(check_report_value(d("0"), "元"), Ok(()));
        assert!(matches!(
            check_report_value(Decimal::MAX, "元"),
            Err(ValueError::TooLarge { .. })
        ));
        assert!(matches!(
            check_report_value(d("1001"), "%"),
            Err(ValueError::TooLarge { .. })
        ));
        assert!(check_report_value(d("1000000000000"), "人").is_ok());
        assert!(check_report_value(d("1000000000001"), "人").is_err());
        assert!(matches!(
            check_report_value(Decimal::MIN, "人"),
            Err(ValueError::Negative { .. })
        ));
        assert!(matches!(
            check_report_value(d("0.0000001"), "%"),
            Err(ValueError::TooPrecise { .. })
        ));
        assert_eq!(check_report_value(d("1.5000000000"), "人"), Ok(()));
        let e = check_report_value(Decimal::MAX, "元")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("数值79228162514264337593543950335超过以“元”计的上限"),
            "{e}"
        );
    }

    #[test]
    fn plain_decimals_only() {
        assert_eq!(read_plain_decimal(" 12.5 "), Ok(d("12.5")));
        assert_eq!(read_plain_decimal("-3"), Ok(d("-3")));
        assert!(matches!(
            read_plain_decimal("1e5"),
            Err(ValueError::Exponent(_))
        ));
        assert!(matches!(
            read_plain_decimal("2.3E+4"),
            Err(ValueError::Exponent(_))
        ));
        assert!(matches!(
            read_plain_decimal("1_000"),
            Err(ValueError::NotANumber(_))
        ));
        assert!(matches!(
            read_plain_decimal("很多"),
            Err(ValueError::NotANumber(_))
        ));
        assert!(matches!(
            read_plain_decimal(""),
            Err(ValueError::NotANumber(_))
        ));
        assert!(read_plain_decimal("79228162514264337593543950335").is_ok());
        assert!(read_plain_decimal("79228162514264337593543950336").is_err());
        assert!(read_plain_decimal("0.00000000000000000000000000001").is_err());
    }

    #[test]
    fn the_largest_decimal_formats_without_overflow() {
        for v in [Decimal::MAX, Decimal::MIN, Decimal::new(1, 28)] {
            assert!(!format_zh(v).is_empty());
            assert!(!format_zh_exact(v).is_empty());
            assert!(!format_en(v).is_empty());
        }
        assert_eq!(saturating_sum([Decimal::MAX, Decimal::ONE]), Decimal::MAX);
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
