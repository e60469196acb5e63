//! The project and goal readers: one paragraph in, the drafts out, compared with an
//! inline snapshot. Each case is a layout family, written as such texts print it.

use std::fmt::Write as _;

use crate::normalize::squeeze;

/// Extracts `input` and renders its projects, goals and `project-figure-unplaced` and
/// `project-inconsistent` diagnostics. Also checks that every phrase is the squeezed text of its span.
fn check_projects(input: &str) -> String {
    let x = crate::extract(input);
    super::assert_spans(input, &x);
    let at = |sp: crate::Span| squeeze(&input[sp.start..sp.end]);
    let mut out = String::new();
    for p in &x.projects {
        assert_eq!(at(p.span), p.name);
        let _ = writeln!(out, "P {}", p.name);
        let figures = p
            .investment
            .iter()
            .map(|f| ("investment", f))
            .chain(p.annual_investment.iter().map(|f| ("annual", f)))
            .chain(p.output_value.iter().map(|f| ("output", f)));
        for (what, f) in figures {
            assert_eq!(at(f.span), f.phrase);
            let by =
                f.by.as_deref()
                    .map_or(String::new(), |b| format!(" by {b}"));
            let _ = writeln!(
                out,
                "  {what} {} {:?} {} [{}]{by} «{}»",
                f.value,
                f.unit,
                f.cmp.as_str(),
                f.printed,
                f.phrase
            );
        }
        for c in &p.capacities {
            assert_eq!(at(c.span), c.phrase);
            let phase = c
                .phase
                .as_deref()
                .map_or(String::new(), |b| format!(" {b}"));
            let _ = writeln!(
                out,
                "  capacity {} {:?} {} {}{phase} [{}] «{}»",
                c.value,
                c.unit,
                c.cmp.as_str(),
                c.qualifier.as_str(),
                c.printed,
                c.phrase
            );
        }
        for d in &p.dates {
            assert_eq!(at(d.span), d.phrase);
            let _ = writeln!(out, "  {} {} «{}»", d.milestone.as_str(), d.by, d.phrase);
        }
    }
    for (k, g) in x.goals.iter().enumerate() {
        let parent = g.parent.map_or(String::new(), |p| format!(" ⊂{p}"));
        let _ = writeln!(
            out,
            "G{k} {} {} {} {:?} {}{parent} «{}»",
            g.by,
            g.subject,
            g.value,
            g.unit,
            g.cmp.as_str(),
            g.phrase
        );
    }
    let codes: Vec<String> = x
        .diagnostics
        .iter()
        .filter(|d| {
            matches!(
                d.code,
                crate::DiagnosticCode::ProjectFigureUnplaced
                    | crate::DiagnosticCode::ProjectInconsistent
            )
        })
        .map(|d| format!("{}@{}:{}", d.code.as_str(), d.line, d.column))
        .collect();
    if !codes.is_empty() {
        let _ = writeln!(out, "! {}", codes.join(" "));
    }
    out
}

#[test]
fn paragraph_with_investment_date_capacity_and_output() {
    insta::assert_snapshot!(check_projects("长江新能源电池项目,是我市招商引资的标志性项目。项目总投资约120亿元,计划于2025年6月建成投产,规划年产能20GWh,达产后可实现年产值300亿元。"), @r#"
    P 长江新能源电池项目
      investment 12000000000 "元" approx [120亿元] «项目总投资约120亿元»
      output 30000000000 "元" ge [300亿元] «达产后可实现年产值300亿元»
      capacity 20 "GWh" ge planned [20GWh] «规划年产能20GWh»
      production 2025-06 «计划于2025年6月建成投产»
    "#);
}

#[test]
fn reachable_peak_and_phase() {
    insta::assert_snapshot!(check_projects("中国一汽红旗繁荣工厂,按照全球领先的设计理念建设。工厂整车产能可达20万辆,极限产能可达30万辆,实现年产值400亿元。\n一汽弗迪新能源汽车动力电池项目,让关键一环落子长春。一期项目年产能可达到15GWh,随后还将谋划二期、三期工程。"), @r#"
    P 中国一汽红旗繁荣工厂
      output 40000000000 "元" ge [400亿元] «实现年产值400亿元»
      capacity 200000 "辆" ge reachable [20万辆] «工厂整车产能可达20万辆»
      capacity 300000 "辆" ge peak [30万辆] «极限产能可达30万辆»
    P 一汽弗迪新能源汽车动力电池项目
      capacity 15 "GWh" ge reachable 一期 [15GWh] «一期项目年产能可达到15GWh»
    "#);
}

#[test]
fn name_after_a_dash_or_a_place() {
    insta::assert_snapshot!(check_projects("长三角首个“华龙一号”核电项目——三澳核电项目2号机组目前全面进入设备安装阶段。该机组预计2026年投产,年发电量可达100亿度。\n位于广元市的中煤广元燃煤发电项目是基础设施项目之一,总投资72.7亿元,2024年预计完成投资14.7亿元。"), @r#"
    P 三澳核电项目
      capacity 10000000000 "度" ge reachable [100亿度] «年发电量可达100亿度»
      production 2026 «该机组预计2026年投产»
    P 中煤广元燃煤发电项目
      investment 7270000000 "元" ge [72.7亿元] «总投资72.7亿元»
      annual 1470000000 "元" ge [14.7亿元] by 2024 «2024年预计完成投资14.7亿元»
    "#);
}

#[test]
fn classes_counts_and_pointers_are_no_project() {
    insta::assert_snapshot!(check_projects("基础设施项目727个,总投资2507亿元;民生社会事业项目363个,总投资1080亿元。\n这批项目总投资1069.5亿元。\n重大项目背后,是整个产业集群进发的强劲动能。"), @"");
}

#[test]
fn figure_without_a_role_is_said() {
    insta::assert_snapshot!(check_projects("奥迪一汽新能源汽车项目,是重大标志性项目。项目总投资约350亿元,占地面积1391亩,附近30公里内将集聚50%的配套供应商。"), @r#"
    P 奥迪一汽新能源汽车项目
      investment 35000000000 "元" approx [350亿元] «项目总投资约350亿元»
    ! project-figure-unplaced@1:34 project-figure-unplaced@1:44 project-figure-unplaced@1:51
    "#);
}

#[test]
fn a_date_already_met_is_no_plan() {
    insta::assert_snapshot!(check_projects("中国一汽红旗繁荣工厂自2021年6月建成投产以来,年产能10万吨,预计2025年底达产。"), @r#"
    P 中国一汽红旗繁荣工厂
      capacity 100000 "吨" ge stated [10万吨] «年产能10万吨»
      full_production 2025-12 «预计2025年底达产»
    "#);
}

#[test]
fn project_list_table() {
    insta::assert_snapshot!(check_projects("序号|项目名称|建设内容|总投资(亿元)|2023年计划投资(亿元)|建设年限|责任单位\n1|长春国际影都项目|建设影视拍摄基地,年接待游客500万人次|120|20|2021-2025|长春市政府\n2|吉林石化转型升级项目|新建年产120万吨乙烯装置|339.1|100|2022.6-2024.12|吉林石化公司\n3|松原储能电站项目|建设储能电站|待定|5|2023|松原市政府"), @r#"
    P 长春国际影都项目
      investment 12000000000 "元" ge [120亿元] «120»
      annual 2000000000 "元" ge [20亿元] by 2023 «20»
      start 2021 «2021-2025»
      completion 2025 «2021-2025»
    P 吉林石化转型升级项目
      investment 33910000000 "元" ge [339.1亿元] «339.1»
      annual 10000000000 "元" ge [100亿元] by 2023 «100»
      capacity 1200000 "吨" ge stated [120万吨] «新建年产120万吨乙烯装置»
      start 2022-06 «2022.6-2024.12»
      completion 2024-12 «2022.6-2024.12»
    P 松原储能电站项目
      annual 500000000 "元" ge [5亿元] by 2023 «5»
      start 2023 «2023»
      completion 2023 «2023»
    ! project-figure-unplaced@2:21 project-figure-unplaced@4:19
    "#);
}

#[test]
fn multi_year_goals_with_parent() {
    insta::assert_snapshot!(check_projects("2023年,全市将新建充电桩1万个。\n到2023年底,完成投资100亿元。\n到2025年,全市汽车产业产值将达到5000亿元以上,其中,新能源汽车产业要达到1000亿元以上,整车产量要达到100万辆以上。\n2025年前,一汽红旗将推出全新车型17款,其中新能源车达15款。"), @r#"
    G0 2025 全市汽车产业产值 500000000000 "元" ge «全市汽车产业产值将达到5000亿元以上»
    G1 2025 新能源汽车产业 100000000000 "元" ge ⊂0 «新能源汽车产业要达到1000亿元以上»
    G2 2025 整车产量 1000000 "辆" ge «整车产量要达到100万辆以上»
    G3 2025 一汽红旗推出全新车型 17 "款" ge «一汽红旗将推出全新车型17款»
    G4 2025 新能源车 15 "款" ge ⊂3 «其中新能源车达15款»
    "#);
}

#[test]
fn contradictions_are_warned_and_kept() {
    insta::assert_snapshot!(check_projects("序号|项目名称|总投资(亿元)|年度计划投资(亿元)|建设年限|责任单位\n1|白城风电项目|30|45|2025-2023|白城市政府\n2|通化医药产业园项目|12|3|2023-2024|通化市政府"), @r#"
    P 白城风电项目
      investment 3000000000 "元" ge [30亿元] «30»
      annual 4500000000 "元" ge [45亿元] «45»
      start 2025 «2025-2023»
      completion 2023 «2025-2023»
    P 通化医药产业园项目
      investment 1200000000 "元" ge [12亿元] «12»
      annual 300000000 "元" ge [3亿元] «3»
      start 2023 «2023-2024»
      completion 2024 «2023-2024»
    ! project-inconsistent@2:13 project-inconsistent@2:16
    "#);
}
