//! Standards (标准): a target phrase that states a level every unit is held to, even though
//! its unit is one that adds up.
//!
//! "补助标准达到户均800元" and "按每名3000元标准" are written in 元, like "投入资金1亿元", but
//! they are not sums to be divided among cities: each city pays 800元 a household. A phrase
//! is a standard when it names a per-head or per-household rate (户均, 人均, 生均, 每名, 每人,
//! 每户) or a 标准 — but not 标准化 (建设标准化考场: a count of rooms) nor 标准箱 (a unit).

/// Whether the target phrase `phrase` states a standard rather than a quantity to divide.
#[must_use]
pub fn is_standard(phrase: &str) -> bool {
    const PER: [&str; 6] = ["户均", "人均", "生均", "每名", "每人", "每户"];
    if PER.iter().any(|w| phrase.contains(w)) {
        return true;
    }
    phrase.match_indices("标准").any(|(i, w)| {
        let after = &phrase[i + w.len()..];
        !(after.starts_with('化') || after.starts_with('箱'))
    })
}

#[cfg(test)]
mod tests {
    use super::is_standard;

    #[test]
    fn per_head_rates_and_standards_are_levels() {
        for s in [
            "补助标准达到户均800元",
            "按每名3000元标准",
            "城乡特困人员基本生活标准达到当地上年度城乡低保标准的1.3倍",
            "人均预期寿命达到79岁",
            "每人每年补助200元",
        ] {
            assert!(is_standard(s), "{s}");
        }
        for s in [
            "建设标准化考场100个",
            "集装箱吞吐量达到100万标准箱",
            "城镇新增就业23万人",
            "改造城镇老旧小区800个",
            "惠及70万农村居民",
        ] {
            assert!(!is_standard(s), "{s}");
        }
    }
}
