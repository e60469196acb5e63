use super::*;
use proptest::prelude::*;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn month(m: i8, units: &[(i64, Option<&str>, usize)]) -> Month {
    Month {
        period: Period::month(2023, m).unwrap(),
        units: units
            .iter()
            .enumerate()
            .map(|(i, (u, c, missing))| UnitMonth {
                unit: UnitId(*u),
                name: format!("单位{u}"),
                rank: i + 1,
                completion: c.map(d),
                missing_reports: *missing,
            })
            .collect(),
    }
}

/// The problems of a text, as (rule, problem) pairs.
fn problems(text: &str) -> Vec<(Option<String>, Problem)> {
    RuleSet::parse(text)
        .unwrap_err()
        .0
        .into_iter()
        .map(|e| (e.rule, e.problem))
        .collect()
}

fn one(rule: &str) -> RuleSet {
    RuleSet::parse(&format!("base = 100\n[[rule]]\n{rule}")).unwrap()
}

#[test]
fn the_starter_text_is_a_valid_rule_set_of_every_kind() {
    let set = RuleSet::parse(STARTER).unwrap();
    assert_eq!(set.base, d("60"));
    let kinds: Vec<&str> = set.rules.iter().map(|r| r.kind.code()).collect();
    assert_eq!(kinds, RuleKind::CODES);
    assert_eq!(set.hand_rules().count(), 1);
    assert_eq!(set.misstatement_rule().unwrap().id, "misstatement");
    assert_eq!(
        set.rule("rank").unwrap().kind,
        RuleKind::Rank {
            table: vec![d("3"), d("1.5")],
            then: d("-0.5"),
            cap: None
        }
    );
}

#[test]
fn completion_is_worth_its_weight_at_plan_less_short_more_above_capped() {
    let set = one(r#"id = "c"
name = "完成率"
kind = "completion"
weight = 40
below = 0.1
above = 0.2
above_until = 130
cap = 10"#);
    let score = |c: &str| {
        let m = month(8, &[(1, Some(c), 0), (2, Some("0.1"), 0)]);
        monthly(&set, &m).unwrap()[0].points_of("c")
    };
    assert_eq!(score("1"), d("40"));
    // 92.5%: 7.5 points short, −0.75.
    assert_eq!(score("0.925"), d("39.25"));
    // Points are kept to two decimals: 2/3 is 66.67% short 33.33 points, −3.333… → −3.33.
    assert_eq!(score("0.6666666666666666666666666667"), d("36.67"));
    // 120%: +4; 130% and beyond: +6, no more.
    assert_eq!(score("1.2"), d("44"));
    assert_eq!(score("1.5"), d("46"));
    // 0%: −10 would be −10, the cap keeps it there; 10% → −9.
    let m = month(8, &[(1, Some("0"), 0), (2, Some("0.1"), 0)]);
    let s = monthly(&set, &m).unwrap();
    let of = |u: i64| {
        s.iter()
            .find(|x| x.unit == UnitId(u))
            .unwrap()
            .points_of("c")
    };
    assert_eq!(of(1), d("30"));
    assert_eq!(of(2), d("31"));
    // The line says what produced it.
    let first = s.iter().find(|x| x.unit == UnitId(2)).unwrap();
    assert_eq!(first.lines[1].figure.zh(), "完成率 10%(2023年8月通报)");
    assert_eq!(first.lines[0].figure, Figure::Base);
    assert_eq!(first.total, d("131"));
}

#[test]
fn a_tight_cap_bounds_the_completion_adjustment_both_ways() {
    let set = one(
        "id = \"c\"\nname = \"c\"\nkind = \"completion\"\nweight = 40\nbelow = 1\nabove = 1\nabove_until = 200\ncap = 5",
    );
    let m = month(3, &[(1, Some("1.5"), 0), (2, Some("0.5"), 0)]);
    let s = monthly(&set, &m).unwrap();
    assert_eq!(s[0].points_of("c"), d("45"));
    assert_eq!(s[1].points_of("c"), d("35"));
}

#[test]
fn the_rank_table_then_a_step_per_place() {
    let set = one("id = \"r\"\nname = \"排名\"\nkind = \"rank\"\ntable = [3, 1.5]\nthen = -0.5");
    let m = month(
        6,
        &[
            (1, Some("0.9"), 0),
            (2, Some("0.8"), 0),
            (3, Some("0.7"), 0),
            (4, Some("0.6"), 0),
            (5, None, 0),
        ],
    );
    let s = monthly(&set, &m).unwrap();
    let of = |u: i64| s.iter().find(|x| x.unit == UnitId(u)).unwrap();
    assert_eq!(of(1).points_of("r"), d("3"));
    assert_eq!(of(2).points_of("r"), d("1.5"));
    assert_eq!(of(3).points_of("r"), d("-0.5"));
    assert_eq!(of(4).points_of("r"), d("-1"));
    assert_eq!(of(5).points_of("r"), d("0"));
    assert_eq!(of(4).lines[1].figure.zh(), "第4名/共4名(2023年6月通报)");
    assert_eq!(
        of(5).lines[1].figure.en(),
        "not ranked in the June 2023 bulletin"
    );
    // Places by total: 103, 101.5, 100 (unranked), 99.5, 99.
    assert_eq!(
        s.iter().map(|x| (x.unit.0, x.rank)).collect::<Vec<_>>(),
        [(1, 1), (2, 2), (5, 3), (3, 4), (4, 5)]
    );
}

#[test]
fn missing_reports_cost_each_within_the_cap_over_the_year() {
    let set = one("id = \"m\"\nname = \"未报\"\nkind = \"missing_report\"\neach = -10\ncap = 25");
    let months = [
        month(1, &[(1, Some("0.1"), 1), (2, Some("0.1"), 0)]),
        month(2, &[(1, Some("0.2"), 0), (2, Some("0.2"), 0)]),
        month(3, &[(1, Some("0.3"), 2), (2, Some("0.3"), 1)]),
        month(4, &[(1, Some("0.4"), 3), (2, Some("0.4"), 0)]),
    ];
    // A month's report missing is one report, however many shares it leaves unreported.
    let m = monthly(&set, &months[2]).unwrap();
    let of_month = |u: i64| {
        m.iter()
            .find(|x| x.unit == UnitId(u))
            .unwrap()
            .points_of("m")
    };
    assert_eq!((of_month(1), of_month(2)), (d("-10"), d("-10")));
    let y = year_end(&set, &months[..3], &BTreeMap::new(), &BTreeMap::new()).unwrap();
    let of = |u: i64| y.iter().find(|x| x.unit == UnitId(u)).unwrap();
    assert_eq!(of(1).points_of("m"), d("-20"));
    assert_eq!(
        of(1).lines[1].figure.zh(),
        "2023年1月1项、2023年3月2项未报送"
    );
    assert_eq!(of(2).points_of("m"), d("-10"));
    // Three months, −30, capped at −25.
    let y = year_end(&set, &months, &BTreeMap::new(), &BTreeMap::new()).unwrap();
    assert_eq!(
        y.iter()
            .find(|x| x.unit == UnitId(1))
            .unwrap()
            .points_of("m"),
        d("-25")
    );
}

#[test]
fn last_place_in_consecutive_bulletins_costs_each_time_the_run_continues() {
    let set =
        one("id = \"l\"\nname = \"末位\"\nkind = \"consecutive_last\"\nmonths = 2\neach = -2");
    let a = |m| month(m, &[(1, Some("0.9"), 0), (2, Some("0.1"), 0)]);
    let b = |m| month(m, &[(2, Some("0.9"), 0), (1, Some("0.1"), 0)]);
    // Unit 2 last in Jan, Feb, Mar; unit 1 in Apr; unit 2 again in May.
    let months = [a(1), a(2), a(3), b(4), a(5)];
    let y = year_end(&set, &months, &BTreeMap::new(), &BTreeMap::new()).unwrap();
    let of = |u: i64| y.iter().find(|x| x.unit == UnitId(u)).unwrap();
    assert_eq!(of(2).points_of("l"), d("-4"));
    assert_eq!(
        of(2).lines[1].figure.zh(),
        "连续2期末位:2023年2月、2023年3月"
    );
    assert_eq!(of(1).points_of("l"), d("0"));
}

#[test]
fn hand_entries_misstatements_and_plans_not_filed() {
    let set = RuleSet::parse(STARTER).unwrap();
    let months = [month(8, &[(1, Some("1"), 0), (2, Some("0.8"), 0)])];
    let mut inputs = BTreeMap::new();
    inputs.insert(
        UnitId(2),
        UnitInputs {
            plans_not_filed: 1,
            hand: [("satisfaction".to_string(), d("8.5"))].into(),
            misstatements: vec![(d("5"), "3月报告虚报进度".into()), (d("10"), "6月".into())],
        },
    );
    let y = year_end(&set, &months, &inputs, &BTreeMap::new()).unwrap();
    let two = y.iter().find(|x| x.unit == UnitId(2)).unwrap();
    assert_eq!(two.points_of("satisfaction"), d("8.5"));
    assert_eq!(two.points_of("misstatement"), d("-15"));
    assert_eq!(two.points_of("impl_plan"), d("-10"));
    // 60 + (40 − 2) + 1.5 (second) − 10 − 15 + 8.5.
    assert_eq!(two.total, d("83"));
    let sum = two.lines.iter().fold(Decimal::ZERO, |a, l| a + l.points);
    assert_eq!(sum, two.total, "every point is a line");
    assert!(
        two.lines
            .iter()
            .any(|l| l.figure.zh() == "报告失实:3月报告虚报进度")
    );
    let one = y.iter().find(|x| x.unit == UnitId(1)).unwrap();
    assert_eq!(one.points_of("satisfaction"), d("0"));
    assert_eq!(
        one.lines
            .iter()
            .find(|l| l.rule == "satisfaction")
            .unwrap()
            .figure,
        Figure::Entered(None)
    );
    // The entries are checked against the rules.
    assert!(set.check_hand("satisfaction", d("10")).is_ok());
    assert_eq!(
        set.check_hand("satisfaction", d("10.5")),
        Err(EntryError::Range {
            rule: "satisfaction".into(),
            min: d("0"),
            max: d("10")
        })
    );
    assert_eq!(
        set.check_hand("nope", d("1")),
        Err(EntryError::UnknownRule("nope".into()))
    );
    assert_eq!(
        set.check_hand("rank", d("1")),
        Err(EntryError::NotHand("rank".into()))
    );
    assert!(set.check_misstatement(d("7")).is_ok());
    assert!(set.check_misstatement(d("4")).is_err());
    assert_eq!(
        one_rule_without_misstatement().check_misstatement(d("5")),
        Err(EntryError::NoMisstatementRule)
    );
}

fn one_rule_without_misstatement() -> RuleSet {
    one("id = \"s\"\nname = \"满意度\"\nkind = \"hand\"\nmax = 10")
}

#[test]
fn a_misstatement_cap_trims_the_last_entries() {
    let set =
        one("id = \"x\"\nname = \"失实\"\nkind = \"misstatement\"\nmin = 5\nmax = 10\ncap = 12");
    let mut inputs = BTreeMap::new();
    inputs.insert(
        UnitId(1),
        UnitInputs {
            misstatements: vec![(d("10"), "a".into()), (d("5"), "b".into())],
            ..UnitInputs::default()
        },
    );
    let y = year_end(&set, &[], &inputs, &BTreeMap::new()).unwrap();
    assert_eq!(y[0].points_of("x"), d("-12"));
    assert_eq!(y[0].total, d("88"));
}

#[test]
fn equal_totals_share_a_place() {
    let set = one_rule_without_misstatement();
    let mut inputs = BTreeMap::new();
    for (u, v) in [(1, "5"), (2, "9"), (3, "5"), (4, "1")] {
        inputs.insert(
            UnitId(u),
            UnitInputs {
                hand: [("s".to_string(), d(v))].into(),
                ..UnitInputs::default()
            },
        );
    }
    let y = year_end(&set, &[], &inputs, &BTreeMap::new()).unwrap();
    assert_eq!(
        y.iter().map(|x| (x.unit.0, x.rank)).collect::<Vec<_>>(),
        [(2, 1), (1, 2), (3, 2), (4, 4)]
    );
}

#[test]
fn every_problem_names_its_rule_and_reason() {
    let r = |s: &str| Some(s.to_string());
    assert!(matches!(problems("base = ")[0], (None, Problem::Syntax(_))));
    assert_eq!(problems("base = 100"), [(None, Problem::Count(0))]);
    assert_eq!(
        problems("[[rule]]\nid = \"a\"\nname = \"A\"\nkind = \"bonus\""),
        [(r("a"), Problem::UnknownKind("bonus".into()))]
    );
    assert_eq!(
        problems("[[rule]]\nname = \"A\"\nkind = \"hand\"\nmax = 5"),
        [(r("#1"), Problem::Missing("id"))]
    );
    assert_eq!(
        problems("[[rule]]\nid = \"A-1\"\nname = \"A\"\nkind = \"hand\"\nmax = 5"),
        [(r("A-1"), Problem::BadId)]
    );
    assert_eq!(
        problems(
            "[[rule]]\nid = \"a\"\nname = \"A\"\nkind = \"hand\"\nmax = 5\n[[rule]]\nid = \"a\"\nname = \"B\"\nkind = \"hand\"\nmax = 5"
        ),
        [(r("a"), Problem::DuplicateId)]
    );
    assert_eq!(
        problems(
            "[[rule]]\nid = \"m\"\nname = \"M\"\nkind = \"missing_report\"\neach = -10\ncap = -5"
        ),
        [(r("m"), Problem::NegativeCap)]
    );
    assert_eq!(
        problems("[[rule]]\nid = \"r\"\nname = \"R\"\nkind = \"rank\"\ntable = [1.5, 3]"),
        [(r("r"), Problem::RankOrder)]
    );
    assert_eq!(
        problems("[[rule]]\nid = \"r\"\nname = \"R\"\nkind = \"rank\"\ntable = [3]\nthen = 0.5"),
        [(r("r"), Problem::RankOrder)]
    );
    assert_eq!(
        problems(
            "weights_sum = 100\n[[rule]]\nid = \"c\"\nname = \"C\"\nkind = \"completion\"\nweight = 40\nbelow = 0.1\n[[rule]]\nid = \"s\"\nname = \"S\"\nkind = \"hand\"\nmax = 50"
        ),
        [(
            None,
            Problem::WeightsSum {
                sum: d("90"),
                expected: d("100")
            }
        )]
    );
    assert_eq!(
        problems("[[rule]]\nid = \"m\"\nname = \"M\"\nkind = \"missing_report\"\neach = 10"),
        [(
            r("m"),
            Problem::OutOfRange("each".into(), "-1000 … 0".into())
        )]
    );
    assert_eq!(
        problems(
            "[[rule]]\nid = \"m\"\nname = \"M\"\nkind = \"missing_report\"\neach = -10\nper = 2"
        ),
        [(r("m"), Problem::UnknownKey("per".into()))]
    );
    assert_eq!(
        problems("bonus = 1\n[[rule]]\nid = \"s\"\nname = \"S\"\nkind = \"hand\"\nmax = 5"),
        [(None, Problem::UnknownKey("bonus".into()))]
    );
    assert_eq!(
        problems("[[rule]]\nid = \"x\"\nname = \"X\"\nkind = \"misstatement\"\nmin = 10\nmax = 5"),
        [(r("x"), Problem::OutOfRange("min".into(), "≤ max".into()))]
    );
    assert_eq!(
        problems("[[rule]]\nid = \"c\"\nname = \"C\"\nkind = \"completion\"\nbelow = \"a lot\""),
        [(r("c"), Problem::NotA("below".into(), "数字 number"))]
    );
    assert_eq!(
        problems(
            "[[rule]]\nid = \"c\"\nname = \"C\"\nkind = \"completion\"\nbelow = 0.1\n[[rule]]\nid = \"d\"\nname = \"D\"\nkind = \"completion\"\nbelow = 0.1"
        ),
        [(r("d"), Problem::Twice("completion"))]
    );
    assert_eq!(
        problems(
            "[[rule]]\nid = \"l\"\nname = \"L\"\nkind = \"consecutive_last\"\neach = -2\nmonths = 1"
        ),
        [(
            r("l"),
            Problem::OutOfRange("months".into(), "2 … 12".into())
        )]
    );
    // Several problems at once are all reported.
    assert_eq!(
        problems("[[rule]]\nid = \"a\"\nkind = \"hand\"\n[[rule]]\nid = \"b\"\nname = \"B\"\nkind = \"what\"").len(),
        3
    );
    // The message names the rule and the reason, in both languages.
    let e =
        RuleSet::parse("[[rule]]\nid = \"rank\"\nname = \"R\"\nkind = \"rank\"\ntable = [1, 2]")
            .unwrap_err()
            .to_string();
    assert!(e.starts_with("规则 rank:名次分值表须从高到低排列"), "{e}");
    assert!(e.contains("the rank table must not rise"), "{e}");
}

#[test]
fn decimals_are_read_exactly() {
    let set = one("id = \"c\"\nname = \"C\"\nkind = \"completion\"\nbelow = 0.1\nabove = 0.2");
    let RuleKind::Completion { below, above, .. } = &set.rules[0].kind else {
        panic!()
    };
    assert_eq!(
        (below.to_string().as_str(), above.to_string().as_str()),
        ("0.1", "0.2")
    );
}

proptest! {
    #[test]
    fn any_text_is_checked_without_panicking(text in "\\PC{0,400}") {
        let _ = RuleSet::parse(&text);
    }

    #[test]
    fn any_rule_like_text_is_checked_without_panicking(
        kind in prop::sample::select(vec!["completion", "rank", "missing_report",
            "implementation_plan", "consecutive_last", "misstatement", "hand", "x"]),
        key in prop::sample::select(vec!["weight", "plan", "below", "above", "above_until",
            "cap", "table", "then", "each", "months", "min", "max", "id"]),
        value in prop::sample::select(vec!["1", "-1", "0", "1e300", "-1e300", "nan", "inf",
            "[1, 2]", "[2, 1]", "\"a\"", "1.5", "99999999999999999", "[]", "{}"]),
        base in prop::sample::select(vec!["100", "-1e30", "1e30", "0.1"]),
        completion in proptest::option::of(0u32..500),
        rank in 1usize..10,
        missing in 0usize..100,
    ) {
        let text = format!(
            "base = {base}\n[[rule]]\nid = \"a\"\nname = \"A\"\nkind = \"{kind}\"\n{key} = {value}\nbelow = 0.1\neach = -1\nmax = 5\ntable = [3]\n"
        );
        if let Ok(set) = RuleSet::parse(&text) {
            let m = Month {
                period: Period::month(2023, 5).unwrap(),
                units: (1..=rank).map(|i| UnitMonth {
                    unit: UnitId(i as i64),
                    name: String::new(),
                    rank: i,
                    completion: completion.map(|c| Decimal::new(i64::from(c), 2)),
                    missing_reports: missing,
                }).collect(),
            };
            let _ = monthly(&set, &m);
            let _ = year_end(&set, &[m.clone(), m], &BTreeMap::new(), &BTreeMap::new());
        }
    }
}
