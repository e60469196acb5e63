//! Reporting periods: month, quarter, half-year and year, and the ways Chinese officials write
//! them (2023年6月, 6月底, 二季度, 上半年, 年底).
//!
//! ```text
//! canonical := YYYY "-" MM | YYYY "-Q" 1..4 | YYYY "-H" 1..2 | YYYY
//! zh        := [year "年"] ( month "月" ["底" | "末"]
//!                          | ["第"] n "季度" ["末" | "底"]
//!                          | ("上" | "下") "半年" ["末" | "底"]
//!                          | ("底" | "末" | "内") )          -- only after a year
//!            | "年底" | "年末" | "年内" | "全年"             -- the default year
//! year      := 4 digits (Arabic or 〇一二…九)
//! month, n  := 1..12 in Arabic or Chinese numerals (一 … 十二)
//! ```

use jiff::civil::{Date, date};
use std::fmt;
use std::str::FromStr;

/// A reporting period. Ordered by its last day, then by its first (a month before the
/// quarter that ends with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// A calendar month, 1..=12.
    Month {
        /// The year.
        year: i16,
        /// The month, 1..=12.
        month: i8,
    },
    /// A quarter, 1..=4.
    Quarter {
        /// The year.
        year: i16,
        /// The quarter, 1..=4.
        quarter: i8,
    },
    /// A half-year: 1 is 上半年, 2 is 下半年.
    Half {
        /// The year.
        year: i16,
        /// 1 or 2.
        half: i8,
    },
    /// A whole year.
    Year(i16),
}

/// Why a period could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// The text is not a period in any form this module reads.
    #[error(
        "无法识别的期间“{0}”(应为 2023-06、2023-Q2、2023-H1、2023、2023年6月、二季度、上半年、年底等) / unrecognised period '{0}'"
    )]
    Unrecognised(String),
    /// The text names a month, quarter or half that does not exist.
    #[error("期间“{0}”超出范围 / period '{0}' is out of range")]
    OutOfRange(String),
    /// The text has no year and none was given.
    #[error("期间“{0}”未写明年份 / period '{0}' gives no year")]
    NoYear(String),
}

impl Period {
    /// A month period, checked.
    pub fn month(year: i16, month: i8) -> Result<Period, PeriodError> {
        Period::Month { year, month }.checked()
    }

    fn checked(self) -> Result<Period, PeriodError> {
        let ok = match self {
            Period::Month { year, month } => (1..=12).contains(&month) && valid_year(year),
            Period::Quarter { year, quarter } => (1..=4).contains(&quarter) && valid_year(year),
            Period::Half { year, half } => (1..=2).contains(&half) && valid_year(year),
            Period::Year(year) => valid_year(year),
        };
        if ok {
            Ok(self)
        } else {
            Err(PeriodError::OutOfRange(self.to_string()))
        }
    }

    /// The year the period lies in.
    pub fn year(self) -> i16 {
        match self {
            Period::Month { year, .. }
            | Period::Quarter { year, .. }
            | Period::Half { year, .. }
            | Period::Year(year) => year,
        }
    }

    /// First and last month (1..=12) the period covers.
    pub fn month_range(self) -> (i8, i8) {
        match self {
            Period::Month { month, .. } => (month, month),
            Period::Quarter { quarter, .. } => (quarter * 3 - 2, quarter * 3),
            Period::Half { half, .. } => (half * 6 - 5, half * 6),
            Period::Year(_) => (1, 12),
        }
    }

    /// The period's first day.
    pub fn first_day(self) -> Date {
        date(self.year(), self.month_range().0, 1)
    }

    /// The period's last day (6月底 → 6月30日).
    pub fn last_day(self) -> Date {
        date(self.year(), self.month_range().1, 1).last_of_month()
    }

    /// The month the period ends with: the month whose report answers for it.
    pub fn last_month(self) -> Period {
        Period::Month {
            year: self.year(),
            month: self.month_range().1,
        }
    }

    /// The month containing `day`.
    pub fn month_of(day: Date) -> Period {
        Period::Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// The months of the period, in order.
    pub fn months(self) -> impl Iterator<Item = Period> {
        let (a, b) = self.month_range();
        let year = self.year();
        (a..=b).map(move |month| Period::Month { year, month })
    }

    /// Whether `other` lies wholly inside this period.
    pub fn contains(self, other: Period) -> bool {
        self.first_day() <= other.first_day() && other.last_day() <= self.last_day()
    }

    /// The month after this month-or-period's last month.
    pub fn next_month(self) -> Period {
        let (year, month) = (self.year(), self.month_range().1);
        if month == 12 {
            Period::Month {
                year: year + 1,
                month: 1,
            }
        } else {
            Period::Month {
                year,
                month: month + 1,
            }
        }
    }

    /// Months elapsed from the start of the year to the end of this period (6月 → 6, 二季度 → 6).
    pub fn months_into_year(self) -> i8 {
        self.month_range().1
    }

    /// How officials write it: 2023年6月, 2023年第二季度, 2023年上半年, 2023年.
    pub fn label_zh(self) -> String {
        const N: [&str; 5] = ["", "一", "二", "三", "四"];
        match self {
            Period::Month { year, month } => format!("{year}年{month}月"),
            Period::Quarter { year, quarter } => format!("{year}年第{}季度", N[quarter as usize]),
            Period::Half { year, half } => {
                format!("{year}年{}半年", if half == 1 { "上" } else { "下" })
            }
            Period::Year(year) => format!("{year}年"),
        }
    }

    /// In English: June 2023, Q2 2023, H1 2023, 2023.
    pub fn label_en(self) -> String {
        const M: [&str; 13] = [
            "",
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        match self {
            Period::Month { year, month } => {
                format!("{} {year}", M.get(month as usize).copied().unwrap_or(""))
            }
            Period::Quarter { year, quarter } => format!("Q{quarter} {year}"),
            Period::Half { year, half } => format!("H{half} {year}"),
            Period::Year(year) => format!("{year}"),
        }
    }

    /// Reads a canonical code (2023-06, 2023-Q2, 2023-H1, 2023) or Chinese text that names its
    /// year (2023年6月底, 2023年上半年, 2023年底).
    pub fn parse(s: &str) -> Result<Period, PeriodError> {
        Period::parse_with_default_year(s, None)
    }

    /// Reads a period the way [`Period::parse`] does, taking the year from `default_year` when
    /// the text omits it (6月底, 二季度, 年底 in a plan for that year).
    pub fn parse_zh(s: &str, default_year: i16) -> Result<Period, PeriodError> {
        Period::parse_with_default_year(s, Some(default_year))
    }

    fn parse_with_default_year(s: &str, default_year: Option<i16>) -> Result<Period, PeriodError> {
        let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(p) = parse_canonical(&t) {
            return p.checked();
        }
        let bad = || PeriodError::Unrecognised(s.to_string());
        if matches!(t.as_str(), "全年" | "年底" | "年末" | "年内") {
            let year = default_year.ok_or_else(|| PeriodError::NoYear(s.to_string()))?;
            return Period::Year(year).checked();
        }
        if t.is_empty() {
            return Err(bad());
        }
        let (year, rest) = match t
            .split_once('年')
            .and_then(|(y, r)| Some((parse_year(y)?, r)))
        {
            Some((y, rest)) => (Some(y), rest),
            None => (None, t.as_str()),
        };
        let year = || {
            year.or(default_year)
                .ok_or_else(|| PeriodError::NoYear(s.to_string()))
        };
        let rest = rest
            .strip_suffix('底')
            .or_else(|| rest.strip_suffix('末'))
            .unwrap_or(rest);
        let period = if rest.is_empty() || rest == "内" {
            Period::Year(year()?)
        } else if let Some(m) = rest.strip_suffix('月') {
            let month = small_number(m).ok_or_else(bad)?;
            Period::Month {
                year: year()?,
                month,
            }
        } else if let Some(q) = rest.strip_suffix("季度") {
            let q = q.strip_prefix('第').unwrap_or(q);
            let quarter = small_number(q).ok_or_else(bad)?;
            Period::Quarter {
                year: year()?,
                quarter,
            }
        } else if rest == "上半年" || rest == "上半" {
            Period::Half {
                year: year()?,
                half: 1,
            }
        } else if rest == "下半年" || rest == "下半" {
            Period::Half {
                year: year()?,
                half: 2,
            }
        } else {
            return Err(bad());
        };
        period.checked()
    }
}

fn valid_year(year: i16) -> bool {
    (1900..=2200).contains(&year)
}

fn parse_canonical(t: &str) -> Option<Period> {
    let b = t.as_bytes();
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let year: i16 = t[..4].parse().ok()?;
    let rest = &t[4..];
    if rest.is_empty() {
        return Some(Period::Year(year));
    }
    let rest = rest.strip_prefix('-')?;
    let num = |s: &str| -> Option<i8> {
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    if let Some(q) = rest.strip_prefix(['Q', 'q']) {
        return Some(Period::Quarter {
            year,
            quarter: num(q)?,
        });
    }
    if let Some(h) = rest.strip_prefix(['H', 'h']) {
        return Some(Period::Half {
            year,
            half: num(h)?,
        });
    }
    Some(Period::Month {
        year,
        month: num(rest)?,
    })
}

fn digit_zh(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' | 'Ｏ' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => c.to_digit(10).or_else(|| {
            // full-width digits ０..９
            let u = c as u32;
            (0xFF10..=0xFF19).contains(&u).then(|| u - 0xFF10)
        })?,
    })
}

fn parse_year(y: &str) -> Option<i16> {
    if y.chars().count() != 4 {
        return None;
    }
    let mut n: i32 = 0;
    for c in y.chars() {
        n = n * 10 + digit_zh(c)? as i32;
    }
    i16::try_from(n).ok()
}

/// 1..=99 written as digits or with 十 (六, 十, 十二, 12).
fn small_number(s: &str) -> Option<i8> {
    let chars: Vec<char> = s.chars().collect();
    let n: u32 = match chars.as_slice() {
        [] => return None,
        ['十'] => 10,
        ['十', u] => 10 + digit_zh(*u)?,
        [t, '十'] => digit_zh(*t)? * 10,
        [t, '十', u] => digit_zh(*t)? * 10 + digit_zh(*u)?,
        digits if digits.len() <= 2 => {
            let mut n = 0;
            for c in digits {
                n = n * 10 + digit_zh(*c)?;
            }
            n
        }
        _ => return None,
    };
    i8::try_from(n).ok()
}

impl fmt::Display for Period {
    /// The canonical code: 2023-06, 2023-Q2, 2023-H1, 2023.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            Period::Half { year, half } => write!(f, "{year:04}-H{half}"),
            Period::Year(year) => write!(f, "{year:04}"),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse(s)
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Period {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.last_day(), std::cmp::Reverse(self.first_day()))
            .cmp(&(other.last_day(), std::cmp::Reverse(other.first_day())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn zh(s: &str) -> String {
        match Period::parse_zh(s, 2023) {
            Ok(p) => p.to_string(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn reads_the_ways_officials_write_periods() {
        let cases = [
            ("2023-06", "2023-06"),
            ("2023-Q2", "2023-Q2"),
            ("2023-H1", "2023-H1"),
            ("2023", "2023"),
            ("2023年6月", "2023-06"),
            ("2023年06月", "2023-06"),
            ("2023年6月底", "2023-06"),
            ("6月底", "2023-06"),
            ("六月底", "2023-06"),
            ("十二月", "2023-12"),
            ("12月末", "2023-12"),
            ("二季度", "2023-Q2"),
            ("第二季度", "2023-Q2"),
            ("2024年第一季度", "2024-Q1"),
            ("三季度末", "2023-Q3"),
            ("上半年", "2023-H1"),
            ("2023年下半年", "2023-H2"),
            ("年底", "2023"),
            ("年末", "2023"),
            ("年内", "2023"),
            ("全年", "2023"),
            ("2024年底", "2024"),
            ("二〇二五年底", "2025"),
            (" 2023 年 6 月 ", "2023-06"),
        ];
        for (input, want) in cases {
            assert_eq!(zh(input), want, "{input}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_period() {
        for bad in [
            "13月",
            "五季度",
            "2023-13",
            "2023-Q5",
            "明年",
            "",
            "6月中旬",
            "2023-6-1",
        ] {
            assert!(Period::parse_zh(bad, 2023).is_err(), "{bad}");
        }
        assert!(matches!(Period::parse("6月"), Err(PeriodError::NoYear(_))));
        assert!(Period::parse("年底").is_err());
    }

    #[test]
    fn days_and_months() {
        let q2 = Period::parse("2023-Q2").unwrap();
        assert_eq!(q2.first_day(), date(2023, 4, 1));
        assert_eq!(q2.last_day(), date(2023, 6, 30));
        assert_eq!(q2.last_month().to_string(), "2023-06");
        assert_eq!(q2.months().count(), 3);
        assert!(Period::Year(2023).contains(q2));
        assert!(!q2.contains(Period::Year(2023)));
        assert_eq!(
            Period::parse("2023-12").unwrap().next_month().to_string(),
            "2024-01"
        );
        assert_eq!(
            Period::parse("2024-02").unwrap().last_day(),
            date(2024, 2, 29)
        );
        assert_eq!(Period::parse("2023-H1").unwrap().label_zh(), "2023年上半年");
        assert_eq!(q2.label_zh(), "2023年第二季度");
        assert_eq!(q2.label_en(), "Q2 2023");
        assert_eq!(Period::parse("2023-08").unwrap().label_en(), "August 2023");
        assert_eq!(Period::parse("2023-H1").unwrap().label_en(), "H1 2023");
        assert_eq!(Period::Year(2023).label_en(), "2023");
    }

    #[test]
    fn orders_by_end_then_longer_last() {
        let mut ps: Vec<Period> = ["2023", "2023-Q2", "2023-06", "2023-01", "2023-H1"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        ps.sort();
        let got: Vec<String> = ps.iter().map(|p| p.to_string()).collect();
        assert_eq!(got, ["2023-01", "2023-06", "2023-Q2", "2023-H1", "2023"]);
    }

    proptest! {
        #[test]
        fn canonical_round_trips(year in 1900i16..2200, kind in 0u8..4, n in 1i8..13) {
            let p = match kind {
                0 => Period::Month { year, month: n },
                1 => Period::Quarter { year, quarter: (n - 1) % 4 + 1 },
                2 => Period::Half { year, half: (n - 1) % 2 + 1 },
                _ => Period::Year(year),
            };
            prop_assert_eq!(Period::parse(&p.to_string()), Ok(p));
            prop_assert_eq!(Period::parse(&p.label_zh()), Ok(p));
        }

        #[test]
        fn never_panics(s in "\\PC{0,12}") {
            let _ = Period::parse_zh(&s, 2023);
        }

        /// Any text at all, with any default year: an answer or an error, never a panic.
        #[test]
        fn any_text_and_year_never_panic(s in any::<String>(), year in any::<i16>()) {
            let _ = Period::parse(&s);
            let _ = Period::parse_zh(&s, year);
            let _ = s.parse::<Period>();
        }

        /// Whatever is read — from text made of the pieces periods are written with, so that
        /// most of it nearly reads — is the same period when written back and read again, as a
        /// code and as its Chinese label: parse ∘ label = id on everything parse returns.
        #[test]
        fn whatever_is_read_reads_back_from_its_label(
            pieces in proptest::collection::vec(prop_oneof![
                Just("2023"), Just("2024"), Just("二〇二五"), Just("1900"), Just("99999"),
                Just("年"), Just("月"), Just("底"), Just("末"), Just("内"), Just("全"),
                Just("第"), Just("季度"), Just("上半年"), Just("下半年"), Just("半年"),
                Just("一"), Just("二"), Just("三"), Just("四"), Just("五"), Just("十"),
                Just("十二"), Just("〇"), Just("0"), Just("6"), Just("12"), Just("13"),
                Just("０６"), Just("-"), Just("Q"), Just("H"), Just("1"), Just("2"), Just(" "),
                Just("　"), Just("中旬"),
            ], 0..7),
            year in 1i16..=9999,
        ) {
            let s: String = pieces.concat();
            if let Ok(p) = Period::parse_zh(&s, year) {
                prop_assert_eq!(Period::parse(&p.to_string()), Ok(p), "{} → {}", s, p);
                prop_assert_eq!(Period::parse_zh(&p.label_zh(), year), Ok(p), "{} → {}", s, p.label_zh());
                prop_assert!(p.first_day() <= p.last_day());
                prop_assert!(p.months().count() >= 1);
            }
            if let Ok(p) = Period::parse(&s) {
                prop_assert_eq!(Period::parse(&p.to_string()), Ok(p));
            }
        }

        /// Every period of the years 1900–2200 is written and read back unchanged; any other
        /// year is refused as out of range.
        #[test]
        fn every_year_round_trips(year in 1i16..=9999, kind in 0u8..4, n in 1i8..13) {
            let p = match kind {
                0 => Period::Month { year, month: n },
                1 => Period::Quarter { year, quarter: (n - 1) % 4 + 1 },
                2 => Period::Half { year, half: (n - 1) % 2 + 1 },
                _ => Period::Year(year),
            };
            if (1900..=2200).contains(&year) {
                prop_assert_eq!(Period::parse(&p.to_string()), Ok(p));
                prop_assert_eq!(Period::parse_zh(&p.label_zh(), 2023), Ok(p));
                prop_assert_eq!(Period::parse_zh(&p.to_string(), 2023), Ok(p));
            } else {
                // Outside the years a plan can be for: refused (out of range, or — a year not
                // written with four digits — not read as a year at all), never misread.
                prop_assert!(Period::parse(&p.to_string()).is_err());
                prop_assert!(Period::parse_zh(&p.label_zh(), 2023).is_err());
            }
        }
    }
}
