//! One line of text in, a readable rendering out, compared with an inline snapshot.

use std::fmt::Write as _;

use crate::normalize::squeeze;

fn is_covering(covered: &str, phrase: &str) -> bool {
    let mut rest = covered.chars();
    covered.chars().next() == phrase.chars().next()
        && covered.chars().last() == phrase.chars().last()
        && phrase.chars().all(|p| rest.any(|c| c == p))
}

/// Extracts `input` and renders what was read: sections, items with leads and
/// targets, narrative figures and diagnostic codes. Also checks that every
/// target's phrase is the squeezed text of its span.
fn check(input: &str) -> String {
    let x = crate::extract(input);
    super::assert_spans(input, &x);
    let mut out = String::new();
    if x.title.is_some() || x.year.is_some() || x.declared != crate::Declared::default() {
        let _ = writeln!(
            out,
            "title={:?} year={:?} declared={:?}/{:?}",
            x.title, x.year, x.declared.sections, x.declared.items
        );
    }
    for s in &x.sections {
        let _ = writeln!(out, "§{} {:?} {:?}", s.no, s.title, s.declared_items);
        for i in &s.items {
            let leads = if i.leads.is_empty() {
                String::new()
            } else {
                format!(" <{}>", i.leads.join("|"))
            };
            let _ = writeln!(out, "  {}. {}{leads}", i.no, i.text);
            for t in &i.targets {
                // The span covers the phrase; between its lines it may also cover a
                // skipped page number, so the phrase is a subsequence with the same ends.
                let covered = squeeze(&input[t.span.start..t.span.end]);
                assert!(
                    is_covering(&covered, &t.phrase),
                    "{covered} vs {}",
                    t.phrase
                );
                assert!(i.text.contains(&t.phrase), "{} not in {}", t.phrase, i.text);
                let flags = format!(
                    "{}{}",
                    if t.delta { " delta" } else { "" },
                    if t.implicit { " implicit" } else { "" }
                );
                let _ = writeln!(
                    out,
                    "    {} {:?} {}{flags} «{}»",
                    t.value,
                    t.unit,
                    t.cmp.as_str(),
                    t.phrase
                );
            }
        }
    }
    for f in &x.narrative {
        let by =
            f.by.as_deref()
                .map_or(String::new(), |b| format!(" by {b}"));
        let _ = writeln!(
            out,
            "~ {} {:?} {} {}{by} «{}»",
            f.value,
            f.unit,
            f.cmp.as_str(),
            f.kind.as_str(),
            f.phrase
        );
    }
    let codes: Vec<String> = x
        .diagnostics
        .iter()
        .filter(|d| d.code != crate::DiagnosticCode::ItemWithoutTarget)
        .map(|d| format!("{}@{}:{}", d.code.as_str(), d.line, d.column))
        .collect();
    if !codes.is_empty() {
        let _ = writeln!(out, "! {}", codes.join(" "));
    }
    out
}

#[test]
fn sections_with_counts() {
    insta::assert_snapshot!(check("一、促进就业方面(2项)\n1.城镇新增就业23万人;实现城镇零就业家庭动态清零。\n2.根治欠薪违法行为。"), @r#"
    §1 Some("促进就业方面") Some(2)
      1. 城镇新增就业23万人;实现城镇零就业家庭动态清零。
        230000 "人" ge «城镇新增就业23万人»
        0 "" le implicit «实现城镇零就业家庭动态清零»
      2. 根治欠薪违法行为。
    "#);
}

#[test]
fn lead_note_in_brackets() {
    insta::assert_snapshot!(check("一、交通出行\n1.在重点区域开工建设公共停车场30个。(牵头单位:市住建局)\n2.打通“断头路”20条。（牵头单位：市住建局、市交通运输局）"), @r#"
    §1 Some("交通出行") None
      1. 在重点区域开工建设公共停车场30个。 <市住建局>
        30 "个" ge «在重点区域开工建设公共停车场30个»
      2. 打通“断头路”20条。 <市住建局|市交通运输局>
        20 "条" ge «打通“断头路”20条»
    "#);
}

#[test]
fn lead_note_on_next_line() {
    insta::assert_snapshot!(check("1、新建充电桩6万个。\n责任单位：市经信局；配合单位：各区县政府\n2、新增床位300张。\n牵头领导：张三；主办单位:市民政局,协办单位:市卫健委"), @r#"
    §1 None None
      1. 新建充电桩6万个。 <市经信局|各区县政府>
        60000 "个" ge «新建充电桩6万个»
      2. 新增床位300张。 <市民政局|市卫健委>
        300 "张" ge «新增床位300张»
    "#);
}

#[test]
fn paren_numbers_restart_per_section() {
    insta::assert_snapshot!(check("一、教育\n（1）新建幼儿园10所。\n（2）新增学位5000个。\n二、医疗\n（1）新建社区卫生服务中心3个。"), @r#"
    §1 Some("教育") None
      1. 新建幼儿园10所。
        10 "所" ge «新建幼儿园10所»
      2. 新增学位5000个。
        5000 "个" ge «新增学位5000个»
    §2 Some("医疗") None
      1. 新建社区卫生服务中心3个。
        3 "个" ge «新建社区卫生服务中心3个»
    "#);
}

#[test]
fn circled_numbers() {
    insta::assert_snapshot!(check("①改造老旧小区800个。\n②新增停车位1,200个,3个工作日内办结。"), @r#"
    §1 None None
      1. 改造老旧小区800个。
        800 "个" ge «改造老旧小区800个»
      2. 新增停车位1,200个,3个工作日内办结。
        1200 "个" ge «新增停车位1,200个»
        3 "工作日" le «3个工作日内办结»
    "#);
}

#[test]
fn leading_zero_numbers() {
    insta::assert_snapshot!(check("01 建设口袋公园20个。\n02 新增学位1000个。"), @r#"
    §1 None None
      1. 建设口袋公园20个。
        20 "个" ge «建设口袋公园20个»
      2. 新增学位1000个。
        1000 "个" ge «新增学位1000个»
    "#);
}

#[test]
fn sub_points_join_their_item() {
    insta::assert_snapshot!(check("1.实施三项行动:\n(1)新建公园5个;\n(2)改造绿道30公里。\n2.2023年底前完成。"), @r#"
    §1 None None
      1. 实施三项行动:(1)新建公园5个;(2)改造绿道30公里。
        3 "项" ge «实施三项行动»
        5 "个" ge «(1)新建公园5个»
        30 "公里" ge «(2)改造绿道30公里»
      2. 2023年底前完成。
    "#);
}

#[test]
fn headings_are_the_items() {
    insta::assert_snapshot!(check("今年办好十件民生实事。\n一、稳就业。\n城镇新增就业3万人以上。\n二、兴教育。\n新增学位1000个。"), @r#"
    title=None year=None declared=None/Some(10)
    §1 None None
      1. 稳就业。城镇新增就业3万人以上。
        30000 "人" ge «城镇新增就业3万人以上»
      2. 兴教育。新增学位1000个。
        1000 "个" ge «新增学位1000个»
    ! declared-items@1:5
    "#);
}

#[test]
fn pipe_table() {
    insta::assert_snapshot!(check("序号 | 主要任务 | 责任单位 |\n1 | 地区生产总值增长6%左右。 | 市发展改革委 |\n2 | 城镇调查失业率控制在5%以内。 | 市人力社保局、 市统计局 |"), @r#"
    §1 None None
      1. 地区生产总值增长6%左右。 <市发展改革委>
        6 "%" approx delta «地区生产总值增长6%左右»
      2. 城镇调查失业率控制在5%以内。 <市人力社保局|市统计局>
        5 "%" le «城镇调查失业率控制在5%以内»
    "#);
}

#[test]
fn cell_per_line_table() {
    insta::assert_snapshot!(check("序号\n任务\n责任单位\n完成情况\n1\n新建公办幼儿园12所\n市教育局\n已完成8所\n2\n改造农贸市场20个\n市商务局\n已完成15个"), @r#"
    §1 None None
      1. 新建公办幼儿园12所 <市教育局>
        12 "所" ge «新建公办幼儿园12所»
      2. 改造农贸市场20个 <市商务局>
        20 "个" ge «改造农贸市场20个»
    ~ 8 "所" eq actual «已完成8所»
    ~ 15 "个" eq actual «已完成15个»
    "#);
}

#[test]
fn split_line_is_joined() {
    insta::assert_snapshot!(check("1.新增24小时供水工程1200处,惠及70万农村居民,全省24小时供水工程占比\n\n达到35%。\n2.实施农村电网改造升级。"), @r#"
    §1 None None
      1. 新增24小时供水工程1200处,惠及70万农村居民,全省24小时供水工程占比达到35%。
        1200 "处" ge «新增24小时供水工程1200处»
        700000 "" ge «惠及70万农村居民»
        35 "%" ge «全省24小时供水工程占比达到35%»
      2. 实施农村电网改造升级。
    ! joined-lines@1:41
    "#);
}

#[test]
fn magnitudes_and_chinese_numerals() {
    insta::assert_snapshot!(check("1.减负11000亿元以上,培训三千人,建设一百个站点,建成两座电站,投放百辆汽车,接单超千次,发放1.6万张卡。"), @r#"
    §1 None None
      1. 减负11000亿元以上,培训三千人,建设一百个站点,建成两座电站,投放百辆汽车,接单超千次,发放1.6万张卡。
        1100000000000 "元" ge «减负11000亿元以上»
        3000 "人" ge «培训三千人»
        100 "个" ge «建设一百个站点»
        2 "座" ge «建成两座电站»
        100 "辆" ge «投放百辆汽车»
        1000 "次" ge «接单超千次»
        16000 "张" ge «发放1.6万张卡»
    "#);
}

#[test]
fn percents_multiples_and_parts() {
    insta::assert_snapshot!(check("1.覆盖率达到百分之九十五,参保率提高三成,标准达到1.3倍,完好率不低于98%。"), @r#"
    §1 None None
      1. 覆盖率达到百分之九十五,参保率提高三成,标准达到1.3倍,完好率不低于98%。
        95 "%" ge «覆盖率达到百分之九十五»
        30 "%" ge delta «参保率提高三成»
        1.3 "倍" ge «标准达到1.3倍»
        98 "%" ge «完好率不低于98%»
    "#);
}

#[test]
fn bracketed_alternative_units() {
    insta::assert_snapshot!(check("1.培训1.6万人(次),筹集保障性租赁住房22万套(间),提供1000个工作岗位。"), @r#"
    §1 None None
      1. 培训1.6万人(次),筹集保障性租赁住房22万套(间),提供1000个工作岗位。
        16000 "人次" ge «培训1.6万人(次)»
        220000 "套" ge «筹集保障性租赁住房22万套(间)»
        1000 "个" ge «提供1000个工作岗位»
    "#);
}

#[test]
fn compound_units() {
    insta::assert_snapshot!(check("1.治理水土流失50平方公里,3个工作日内办结,年产能15GWh,服务20万人次。"), @r#"
    §1 None None
      1. 治理水土流失50平方公里,3个工作日内办结,年产能15GWh,服务20万人次。
        50 "平方公里" ge «治理水土流失50平方公里»
        3 "工作日" le «3个工作日内办结»
        15 "GWh" ge «年产能15GWh»
        200000 "人次" ge «服务20万人次»
    "#);
}

#[test]
fn comparisons() {
    insta::assert_snapshot!(check("1.打造200个左右示范村,办理时间压缩至5个工作日,涨幅控制在3%以内,约350亿元投资,不超过10天。"), @r#"
    §1 None None
      1. 打造200个左右示范村,办理时间压缩至5个工作日,涨幅控制在3%以内,约350亿元投资,不超过10天。
        200 "个" approx «打造200个左右示范村»
        5 "工作日" le «办理时间压缩至5个工作日»
        3 "%" le «涨幅控制在3%以内»
        35000000000 "元" approx «约350亿元投资»
        10 "天" le «不超过10天»
    "#);
}

#[test]
fn implicit_targets() {
    insta::assert_snapshot!(check("1.实现妇女法律援助全覆盖,零就业家庭动态清零。"), @r#"
    §1 None None
      1. 实现妇女法律援助全覆盖,零就业家庭动态清零。
        100 "%" ge implicit «实现妇女法律援助全覆盖»
        0 "" le implicit «零就业家庭动态清零»
    "#);
}

#[test]
fn changes_are_deltas() {
    insta::assert_snapshot!(check("1.地区生产总值增长6%左右,单位能耗下降2.5%,新增就业1万人。"), @r#"
    §1 None None
      1. 地区生产总值增长6%左右,单位能耗下降2.5%,新增就业1万人。
        6 "%" approx delta «地区生产总值增长6%左右»
        2.5 "%" ge delta «单位能耗下降2.5%»
        10000 "人" ge «新增就业1万人»
    "#);
}

#[test]
fn ranges() {
    insta::assert_snapshot!(check("1.每个县建设3-5个服务站,培训2至3万人。"), @r#"
    §1 None None
      1. 每个县建设3-5个服务站,培训2至3万人。
        3 "个" ge «每个县建设3-5个服务站»
        5 "个" le «每个县建设3-5个服务站»
        20000 "人" ge «培训2至3万人»
        30000 "人" le «培训2至3万人»
    "#);
}

#[test]
fn not_targets() {
    insta::assert_snapshot!(check("1.为65岁以上老年人新增24小时供水工程,建设5G基站,优化96110反诈平台,开展“千村示范”,覆盖8类重点人群,第一批,一次办结,千家万户。\n2.2023年底前完成。"), @"
    §1 None None
      1. 为65岁以上老年人新增24小时供水工程,建设5G基站,优化96110反诈平台,开展“千村示范”,覆盖8类重点人群,第一批,一次办结,千家万户。
      2. 2023年底前完成。
    ");
}

#[test]
fn declared_counts_disagree() {
    insta::assert_snapshot!(check("关于2024年民生实事的安排\n重点抓好三个方面、4项民生实事:\n一、就业(2项)\n1.新增就业1万人。\n二、教育(1项)\n2.新建学校3所。\n3.新增学位500个。"), @r#"
    title=Some("关于2024年民生实事的安排") year=Some(2024) declared=Some(3)/Some(4)
    §1 Some("就业") Some(2)
      1. 新增就业1万人。
        10000 "人" ge «新增就业1万人»
    §2 Some("教育") Some(1)
      2. 新建学校3所。
        3 "所" ge «新建学校3所»
      3. 新增学位500个。
        500 "个" ge «新增学位500个»
    ! declared-sections@2:5 declared-items@2:10 section-items@3:5 section-items@5:5
    "#);
}

#[test]
fn numbering_gaps_and_duplicates() {
    insta::assert_snapshot!(check("1.新建学校3所。\n3.新增学位500个。\n3.新建公园2个。"), @r#"
    §1 None None
      1. 新建学校3所。
        3 "所" ge «新建学校3所»
      3. 新增学位500个。
        500 "个" ge «新增学位500个»
      3. 新建公园2个。
        2 "个" ge «新建公园2个»
    ! numbering-gap@2:1 numbering-duplicate@3:1
    "#);
}

#[test]
fn plan_then_article() {
    insta::assert_snapshot!(check("1.建设绿道800公里。\n各地要抓好落实。\n\n新时代 新征程\n项目总投资约350亿元,计划于2024年底投产,规划年产量超过15万辆。\n到2025年,总产值将达到11000亿元以上。\n运营里程已超2万公里。"), @r#"
    §1 None None
      1. 建设绿道800公里。
        800 "公里" ge «建设绿道800公里»
    ~ 35000000000 "元" approx capacity «项目总投资约350亿元»
    ~ 150000 "辆" ge capacity «规划年产量超过15万辆»
    ~ 1100000000000 "元" ge target by 2025 «总产值将达到11000亿元以上»
    ~ 20000 "公里" ge actual «运营里程已超2万公里»
    "#);
}

#[test]
fn full_width_and_stray_spaces() {
    insta::assert_snapshot!(check("１．新 建 充电桩 ６ 万 个 ， 完 好 率 不 低 于 ９８％ 。"), @r#"
    §1 None None
      1. 新建充电桩６万个，完好率不低于９８％。
        60000 "个" ge «新建充电桩６万个»
        98 "%" ge «完好率不低于９８％»
    "#);
}

#[test]
fn empty_and_garbage() {
    insta::assert_snapshot!(check(""), @"! no-items@1:1");
    insta::assert_snapshot!(check("\u{FEFF}(((、、、1.\n一、\n（"), @r#"
    §1 None None
      1. （
    ! truncated@2:1 joined-lines@2:3
    "#);
}

#[test]
fn tab_separated_table_with_person_column() {
    insta::assert_snapshot!(check("序号\t项目名称\t建设内容及目标\t牵头领导\t责任单位\n1\t托育服务\t新增普惠托位2000个\t张三\t市卫健委\n2\t老旧小区\t改造老旧小区120个\t李四\t市住建局、各区政府"), @r#"
    §1 None None
      1. 新增普惠托位2000个 <市卫健委>
        2000 "个" ge «新增普惠托位2000个»
      2. 改造老旧小区120个 <市住建局|各区政府>
        120 "个" ge «改造老旧小区120个»
    "#);
}

#[test]
fn part_headings_and_unit_notes_in_brackets() {
    insta::assert_snapshot!(check("第一部分 就业创业\n1.新增城镇就业4.5万人。（市人社局牵头，各区县配合）\n第二部分 养老服务\n2.为60周岁以上老年人新建助餐点50个。【责任单位：市民政局】"), @r#"
    §1 Some("就业创业") None
      1. 新增城镇就业4.5万人。 <市人社局|各区县>
        45000 "人" ge «新增城镇就业4.5万人»
    §2 Some("养老服务") None
      2. 为60周岁以上老年人新建助餐点50个。 <市民政局>
        50 "个" ge «为60周岁以上老年人新建助餐点50个»
    "#);
}

#[test]
fn title_under_an_issuer_line() {
    insta::assert_snapshot!(check("某某市人民政府办公室\n关于印发某某市2024年十件民生实事的通知\n某政办发〔2024〕3号\n一、新增公办学位5000个。\n二、人均预期寿命达到80岁。"), @r#"
    title=Some("关于印发某某市2024年十件民生实事的通知") year=Some(2024) declared=None/Some(10)
    §1 None None
      1. 新增公办学位5000个。
        5000 "个" ge «新增公办学位5000个»
      2. 人均预期寿命达到80岁。
        80 "岁" ge «人均预期寿命达到80岁»
    ! declared-items@2:13
    "#);
}

#[test]
fn paren_chinese_items_with_bodies_and_notes() {
    insta::assert_snapshot!(check("关于印发XX县二〇二三年十大民生实事的通知\n（一）义务教育提质工程。新建中小学校5所。（县教育局牵头，县财政局配合）\n（二）饮水安全工程。\n新建农村供水工程12处，受益群众约8万人。（县水利局牵头）"), @r#"
    title=Some("关于印发XX县二〇二三年十大民生实事的通知") year=Some(2023) declared=None/Some(10)
    §1 None None
      1. 义务教育提质工程。新建中小学校5所。 <县教育局|县财政局>
        5 "所" ge «新建中小学校5所»
      2. 饮水安全工程。新建农村供水工程12处，受益群众约8万人。 <县水利局>
        12 "处" ge «新建农村供水工程12处»
        80000 "人" approx «受益群众约8万人»
    ! declared-items@1:13
    "#);
}

#[test]
fn closing_paragraph_is_not_an_item() {
    insta::assert_snapshot!(check("1.新建学校3所。\n2.改造电网。\n各地各部门要加强组织领导,确保全年计划投资50亿元落实到位。"), @r#"
    §1 None None
      1. 新建学校3所。
        3 "所" ge «新建学校3所»
      2. 改造电网。
    ~ 5000000000 "元" ge target «确保全年计划投资50亿元落实到位»
    "#);
}

#[test]
fn counted_times_units() {
    insta::assert_snapshot!(check("（1）免费接种流感疫苗3万剂次左右,检查特种设备1200台次。"), @r#"
    §1 None None
      1. 免费接种流感疫苗3万剂次左右,检查特种设备1200台次。
        30000 "剂次" approx «免费接种流感疫苗3万剂次左右»
        1200 "台次" ge «检查特种设备1200台次»
    "#);
}

#[test]
fn page_numbers_between_lines() {
    insta::assert_snapshot!(check("1.新增24小时供水工程1200处,全省供水工程占比\n— 3 —\n达到35%。\n4\n2.改造农村公路100公里。"), @r#"
    §1 None None
      1. 新增24小时供水工程1200处,全省供水工程占比达到35%。
        1200 "处" ge «新增24小时供水工程1200处»
        35 "%" ge «全省供水工程占比达到35%»
      2. 改造农村公路100公里。
        100 "公里" ge «改造农村公路100公里»
    ! joined-lines@1:27
    "#);
}

#[test]
fn heading_with_count_and_colon() {
    insta::assert_snapshot!(check("为民办实事共6大类、3项:\n一、教育(共2件)：\n1.新建学校3所。\n2.新增学位500个。\n二、卫生:\n3.新建卫生院1个。"), @r#"
    title=None year=None declared=Some(6)/Some(3)
    §1 Some("教育") Some(2)
      1. 新建学校3所。
        3 "所" ge «新建学校3所»
      2. 新增学位500个。
        500 "个" ge «新增学位500个»
    §2 Some("卫生") None
      3. 新建卫生院1个。
        1 "个" ge «新建卫生院1个»
    ! declared-sections@1:7
    "#);
}

#[test]
fn closing_paragraph_after_heading_items() {
    insta::assert_snapshot!(check("一、稳就业。\n城镇新增就业3万人以上。\n二、兴教育。\n新增学位1000个。\n各地各部门要加强组织领导,确保按期完成。"), @r#"
    §1 None None
      1. 稳就业。城镇新增就业3万人以上。
        30000 "人" ge «城镇新增就业3万人以上»
      2. 兴教育。新增学位1000个。
        1000 "个" ge «新增学位1000个»
    "#);
}

#[test]
fn markdown_style_table() {
    insta::assert_snapshot!(check("| 序号 | 工作任务 | 牵头单位 | 配合单位 |\n|---|---|---|---|\n| 1 | 新建公办幼儿园12所 | 市教育局 | 各区政府 |\n| 2 | 改造农贸市场20个 | 市商务局 | |"), @r#"
    §1 None None
      1. 新建公办幼儿园12所 <市教育局|各区政府>
        12 "所" ge «新建公办幼儿园12所»
      2. 改造农贸市场20个 <市商务局>
        20 "个" ge «改造农贸市场20个»
    "#);
}

#[test]
fn one_cell_per_line_with_separators() {
    insta::assert_snapshot!(check("附件:\n|\n某县2024年十大民生实事项目清单 |\n||||||\n|\n序号 |\n项目名称 |\n建设地点 |\n建设时间 |\n2024年建设内容 |\n年度投资金额(万元) |\n责任单位 |\n|\n1 |\n农村公路安防工程 |\n甲镇 |\n2024 |\n实施农村公路生命防护工程31.6公里,实现主干道安防工程全覆盖。 |\n3000 |\n交通局 |\n|\n2 |\n高标准农田 |\n乙镇 |\n2024 |\n整治田块500亩,新建机电井7座。 |\n4930 |\n农业农村局 |"), @r#"
    title=Some("某县2024年十大民生实事项目清单") year=Some(2024) declared=None/Some(10)
    §1 None None
      1. 实施农村公路生命防护工程31.6公里,实现主干道安防工程全覆盖。 <交通局>
        31.6 "公里" ge «实施农村公路生命防护工程31.6公里»
        100 "%" ge implicit «实现主干道安防工程全覆盖»
      2. 整治田块500亩,新建机电井7座。 <农业农村局>
        500 "亩" ge «整治田块500亩»
        7 "座" ge «新建机电井7座»
    ! declared-items@3:8
    "#);
}

#[test]
fn attachment_list_and_square_metres() {
    insta::assert_snapshot!(check("现将有关事项通知如下。\n附件:1.重点工作责任分解\n2.十方面民生实事责任分解\n附件2\n十方面民生实事责任分解\n一、住房\n1.改造棚户区25万m2,建设社区用房不少于350㎡。\n责任单位:市住建局、市财政局(列第一位者为牵头单位,下同)"), @r#"
    title=None year=None declared=Some(10)/None
    §1 Some("住房") None
      1. 改造棚户区25万m2,建设社区用房不少于350㎡。 <市住建局|市财政局>
        250000 "m2" ge «改造棚户区25万m2»
        350 "㎡" ge «建设社区用房不少于350㎡»
    ! declared-sections@3:3
    "#);
}

#[test]
fn sentence_end_after_a_note() {
    insta::assert_snapshot!(check("1.开工建设公共停车场30个(牵头单位:市住建局)。\n2.打通断头路20条（市交通运输局负责）；"), @r#"
    §1 None None
      1. 开工建设公共停车场30个。 <市住建局>
        30 "个" ge «开工建设公共停车场30个»
      2. 打通断头路20条； <市交通运输局>
        20 "条" ge «打通断头路20条»
    "#);
}

#[test]
fn headings_without_ordinals() {
    insta::assert_snapshot!(check("某市2024年民生实事\n就业创业\n1.新增城镇就业2万人。\n2.开展职业技能培训1万人次。\n教育惠民\n3.新建学校3所。"), @r#"
    title=Some("某市2024年民生实事") year=Some(2024) declared=None/None
    §1 Some("就业创业") None
      1. 新增城镇就业2万人。
        20000 "人" ge «新增城镇就业2万人»
      2. 开展职业技能培训1万人次。
        10000 "人次" ge «开展职业技能培训1万人次»
    §2 Some("教育惠民") None
      3. 新建学校3所。
        3 "所" ge «新建学校3所»
    "#);
}

#[test]
fn kinds_then_count_declares_sections() {
    insta::assert_snapshot!(check("省政府确定了12类45件民生实事。\n1.新建学校3所。"), @r#"
    title=None year=None declared=Some(12)/Some(45)
    §1 None None
      1. 新建学校3所。
        3 "所" ge «新建学校3所»
    ! declared-items@1:10
    "#);
}

#[test]
fn descriptive_brackets_are_not_notes() {
    insta::assert_snapshot!(check("1.改造农村危旧桥梁248座(含渡改桥3座)。\n2.建设公共停车场10个(由各区县负责实施)。"), @r#"
    §1 None None
      1. 改造农村危旧桥梁248座(含渡改桥3座)。
        248 "座" ge «改造农村危旧桥梁248座»
        3 "座" ge «含渡改桥3座»
      2. 建设公共停车场10个(由各区县负责实施)。
        10 "个" ge «建设公共停车场10个(由各区县负责实施)»
    "#);
}

#[test]
fn reported_actuals_and_descriptions() {
    insta::assert_snapshot!(check("（一）已新增老年助餐服务点235个,对已建成的30个小区进行改造。"), @r#"
    §1 None None
      1. 已新增老年助餐服务点235个,对已建成的30个小区进行改造。
        235 "个" eq «已新增老年助餐服务点235个»
        30 "个" ge «对已建成的30个小区进行改造»
    "#);
}

#[test]
fn short_heading_items_take_their_paragraph() {
    insta::assert_snapshot!(check("一、教育\n（一）义务教育提质工程。\n新建中小学校5所,新增学位3000个。\n（二）学前教育扩容工程。\n新增公办幼儿园学位2000个。\n二、医疗\n（三）基层医疗提升工程。\n新建村卫生室20个。"), @r#"
    §1 Some("教育") None
      1. 义务教育提质工程。新建中小学校5所,新增学位3000个。
        5 "所" ge «新建中小学校5所»
        3000 "个" ge «新增学位3000个»
      2. 学前教育扩容工程。新增公办幼儿园学位2000个。
        2000 "个" ge «新增公办幼儿园学位2000个»
    §2 Some("医疗") None
      3. 基层医疗提升工程。新建村卫生室20个。
        20 "个" ge «新建村卫生室20个»
    "#);
}

#[test]
fn numbers_that_are_names_and_week_spans_are_no_targets() {
    insta::assert_snapshot!(check("1.建设4号道路、816南路,实施一河三渠整治,新建一级消防站1座,推进百千万工程。\n2.为50-74周岁居民开展大肠癌筛查5万人,为孕12周到22周孕妇提供产前筛查。"), @r#"
    §1 None None
      1. 建设4号道路、816南路,实施一河三渠整治,新建一级消防站1座,推进百千万工程。
        1 "座" ge «新建一级消防站1座»
      2. 为50-74周岁居民开展大肠癌筛查5万人,为孕12周到22周孕妇提供产前筛查。
        50000 "人" ge «为50-74周岁居民开展大肠癌筛查5万人»
    "#);
}

#[test]
fn candidates_are_not_the_declared_count() {
    insta::assert_snapshot!(check("经票决,在13项候选项目中选出了10件民生实事。\n1.新建幼儿园10所。\n2.新增学位500个。"), @r#"
    title=None year=None declared=None/Some(10)
    §1 None None
      1. 新建幼儿园10所。
        10 "所" ge «新建幼儿园10所»
      2. 新增学位500个。
        500 "个" ge «新增学位500个»
    ! declared-items@1:17
    "#);
}

#[test]
fn responsibility_line_after_each_item() {
    insta::assert_snapshot!(check("1.新建幼儿园10所\n主办单位:市教育局,协办单位:市财政局、各区县政府。\n2.新增学位500个\n主办单位:市教育局。"), @r#"
    §1 None None
      1. 新建幼儿园10所 <市教育局|市财政局|各区县政府>
        10 "所" ge «新建幼儿园10所»
      2. 新增学位500个 <市教育局>
        500 "个" ge «新增学位500个»
    "#);
}

#[test]
fn three_levels_keep_sections_and_items() {
    insta::assert_snapshot!(check("一、教育\n(一)学前教育\n1.新建幼儿园10所。\n2.新增学位500个。\n(二)义务教育\n3.新建学校2所。\n二、医疗\n(一)基层医疗\n4.新建卫生室30个。"), @r#"
    §1 Some("教育") None
      1. 新建幼儿园10所。
        10 "所" ge «新建幼儿园10所»
      2. 新增学位500个。
        500 "个" ge «新增学位500个»
      3. 新建学校2所。
        2 "所" ge «新建学校2所»
    §2 Some("医疗") None
      4. 新建卫生室30个。
        30 "个" ge «新建卫生室30个»
    "#);
}

#[test]
fn number_alone_then_title_then_content() {
    insta::assert_snapshot!(check("1\n城市书房建设\n新建城市书房5个。\n2\n农村公路提升\n新建农村公路100公里。"), @r#"
    §1 None None
      1. 城市书房建设新建城市书房5个。
        5 "个" ge «城市书房建设新建城市书房5个»
      2. 农村公路提升新建农村公路100公里。
        100 "公里" ge «农村公路提升新建农村公路100公里»
    ! joined-lines@1:2 joined-lines@2:7 joined-lines@4:2 joined-lines@5:7
    "#);
}

#[test]
fn chinese_number_alone_on_its_line() {
    insta::assert_snapshot!(check("(一)\n新建公园3个。\n(二)\n改造管网20公里。"), @r#"
    §1 None None
      1. 新建公园3个。
        3 "个" ge «新建公园3个»
      2. 改造管网20公里。
        20 "公里" ge «改造管网20公里»
    ! joined-lines@1:4 joined-lines@3:4
    "#);
}

#[test]
fn section_holding_one_unnumbered_item() {
    insta::assert_snapshot!(check("一、就业\n城镇新增就业5万人。\n二、教育\n1.新建学校3所。\n2.新增学位100个。"), @r#"
    §1 Some("就业") None
      1. 城镇新增就业5万人。
        50000 "人" ge «城镇新增就业5万人»
    §2 Some("教育") None
      1. 新建学校3所。
        3 "所" ge «新建学校3所»
      2. 新增学位100个。
        100 "个" ge «新增学位100个»
    "#);
}

#[test]
fn title_broken_over_two_lines() {
    insta::assert_snapshot!(check("关于印发2023年县政府\n十件民生实事的通知\n各乡镇:\n1.新建公园3个。\n2.改造管网20公里。"), @r#"
    title=Some("关于印发2023年县政府十件民生实事的通知") year=Some(2023) declared=None/Some(10)
    §1 None None
      1. 新建公园3个。
        3 "个" ge «新建公园3个»
      2. 改造管网20公里。
        20 "公里" ge «改造管网20公里»
    ! declared-items@2:1
    "#);
}

#[test]
fn chrome_before_the_title_and_after_the_body() {
    insta::assert_snapshot!(check("首页 > 政务公开 > 通知公告\n浏览次数:54\n微信扫一扫\n2023年某县十件民生实事\n发布日期:2023-03-01\n1.新建公园3个。\n2.改造管网20公里。\n微信扫一扫\n浏览次数:54"), @r#"
    title=Some("2023年某县十件民生实事") year=Some(2023) declared=None/Some(10)
    §1 None None
      1. 新建公园3个。
        3 "个" ge «新建公园3个»
      2. 改造管网20公里。
        20 "公里" ge «改造管网20公里»
    ! declared-items@4:8
    "#);
}

#[test]
fn progress_table_one_cell_per_line() {
    insta::assert_snapshot!(check("序号\n项目内容\n当前进度\n牵头单位\n备注\n1\n新建公园3个\n已完成2个\n市园林局\n无\n2\n改造管网20公里\n完成15公里\n市水务局\n"), @r#"
    §1 None None
      1. 新建公园3个 <市园林局>
        3 "个" ge «新建公园3个»
      2. 改造管网20公里 <市水务局>
        20 "公里" ge «改造管网20公里»
    ~ 2 "个" eq actual «已完成2个»
    ~ 15 "公里" ge actual «完成15公里»
    ! truncated@11:1
    "#);
}

#[test]
fn list_inline_in_one_paragraph() {
    insta::assert_snapshot!(check("|\n县政府将重点抓好3件实事。分别是: (1)加快建设总投资7.58亿元的县医院。 (2)新建公厕120座。 (3)城区新建便民市场5处。 |\n政府信息公开\n【直击两会】某县政府将办好3件实事\n索引号:20230425-095005-528"), @r#"
    title=None year=None declared=None/Some(3)
    §1 None None
      1. 加快建设总投资7.58亿元的县医院。
        758000000 "元" ge «加快建设总投资7.58亿元的县医院»
      2. 新建公厕120座。
        120 "座" ge «新建公厕120座»
      3. 城区新建便民市场5处。
        5 "处" ge «城区新建便民市场5处»
    "#);
}

#[test]
fn chinese_headings_inline_with_semicolons() {
    insta::assert_snapshot!(check("记者了解到,民生实事项目包括:一、推进 100 个老旧小区改造;二、提升垃圾转运设施;三、开展城中村整治。\n代表们表示,十件实事接地气。"), @r#"
    §1 None None
      1. 推进100个老旧小区改造;
        100 "个" ge «推进100个老旧小区改造»
      2. 提升垃圾转运设施;
      3. 开展城中村整治。
    ~ 10 "件" ge actual «十件实事接地气»
    "#);
}

#[test]
fn yi_shi_enumeration_is_the_outline() {
    insta::assert_snapshot!(check("省政府10件惠民实事具体为:一是稳定就业,城镇新增就业50万人以上。二是新建幼儿园200所。三是改造老旧小区1500个。"), @r#"
    title=None year=None declared=None/Some(10)
    §1 None None
      1. 稳定就业,城镇新增就业50万人以上。
        500000 "人" ge «城镇新增就业50万人以上»
      2. 新建幼儿园200所。
        200 "所" ge «新建幼儿园200所»
      3. 改造老旧小区1500个。
        1500 "个" ge «改造老旧小区1500个»
    ! declared-items@1:4
    "#);
}

#[test]
fn numbers_alone_with_a_banner_between_items() {
    insta::assert_snapshot!(check("2019年某区实事项目安排\n01\n完成30台电梯加装\n*为8个小区新增充电设施\n2019年某区实事项目安排\n02\n新增就业9000人\n2019年某区实事项目安排\n03\n新建绿道20公里\n2019年某区"), @r#"
    title=Some("2019年某区实事项目安排") year=Some(2019) declared=None/None
    §1 None None
      1. 完成30台电梯加装*为8个小区新增充电设施
        30 "台" ge «完成30台»
        8 "个" ge «电梯加装*为8个小区新增充电设施»
      2. 新增就业9000人
        9000 "人" ge «新增就业9000人»
      3. 新建绿道20公里
        20 "公里" ge «新建绿道20公里»
    ! joined-lines@2:3 joined-lines@3:10 joined-lines@6:3 joined-lines@9:3
    "#);
}

#[test]
fn a_unit_share_of_a_longer_list() {
    insta::assert_snapshot!(check("本局主办的项目如下:28.新建污水管网50公里;29.新建燃气管道40公里;30.新增燃气用户2万户;43.新改扩建城市绿道8公里。"), @r#"
    §1 None None
      28. 新建污水管网50公里;
        50 "公里" ge «新建污水管网50公里»
      29. 新建燃气管道40公里;
        40 "公里" ge «新建燃气管道40公里»
      30. 新增燃气用户2万户;
        20000 "户" ge «新增燃气用户2万户»
      43. 新改扩建城市绿道8公里。
        8 "公里" ge «新改扩建城市绿道8公里»
    ! numbering-gap@1:52
    "#);
}
