//! The demo: the Jilin 2023 livelihood plan, read from its own text by the extractor, with the
//! province's unit tree and **invented** assignments (a lead department per target, and the
//! target split over the nine prefecture-level divisions). Every page of a demo database says
//! that the assignments are invented.

use crate::error::AppError;
use crate::import::{ImportOptions, Imported, write_plan};
use minsheng_domain::{
    Actor, AssignmentRole, PlanKind, PlanStatus, Quantity, UnitId, UnitKind, split_by_weights,
};
use minsheng_store::{NewAssignment, NewUnit, Store, Tx};
use std::collections::HashMap;
use tracing::info;

/// The plan text the demo is built from: the seed document exactly as published.
pub const JILIN_2023: &str = include_str!("../../../corpus/jilin-2023.txt");

/// The key in the database's facts table that marks a demo database.
pub const DEMO_MARK: &str = "demo";

/// Jilin's nine prefecture-level divisions with their GB/T 2260 codes and resident population
/// in 10,000s (第七次全国人口普查, 2020), used as the weights of the invented split.
const PREFECTURES: [(&str, &str, u64); 9] = [
    ("长春市", "220100", 907),
    ("吉林市", "220200", 362),
    ("四平市", "220300", 181),
    ("辽源市", "220400", 100),
    ("通化市", "220500", 130),
    ("白山市", "220600", 95),
    ("松原市", "220700", 225),
    ("白城市", "220800", 155),
    ("延边朝鲜族自治州", "222400", 194),
];

/// Which provincial department would lead an item, by the words in it: first match wins.
/// Invented for the demo from each department's ordinary remit.
const LEADS: [(&[&str], &str); 24] = [
    (&["残疾"], "省残疾人联合会"),
    (&["妇女法律援助", "妇女刑事"], "省妇女联合会"),
    (&["退役军人", "光荣院"], "省退役军人事务厅"),
    (
        &["宫颈癌", "窝沟封闭", "新生儿", "健康档案", "护理"],
        "省卫生健康委员会",
    ),
    (&["医保", "就医"], "省医疗保障局"),
    (&["就业", "欠薪", "工伤"], "省人力资源和社会保障厅"),
    (
        &["特困", "低保", "采暖", "养老", "老年", "救助", "考生"],
        "省民政厅",
    ),
    (
        &["学校", "教室", "幼儿园", "高中", "结对帮扶校"],
        "省教育厅",
    ),
    (&["黑臭水体", "医疗废物"], "省生态环境厅"),
    (&["农村公路", "客运"], "省交通运输厅"),
    (&["阅读", "购书", "演出"], "省文化和旅游厅"),
    (&["健身", "足球", "运动场"], "省体育局"),
    (&["供水"], "省水利厅"),
    (&["电网", "新能源乡村"], "省能源局"),
    (&["5G"], "省通信管理局"),
    (&["快递"], "省邮政管理局"),
    (&["菜篮子", "兽医"], "省农业农村厅"),
    (&["厕所", "示范村"], "省农业农村厅"),
    (
        &["棚户区", "老旧小区", "口袋公园", "住房"],
        "省住房和城乡建设厅",
    ),
    (&["放心消费", "电梯"], "省市场监督管理厅"),
    (&["身份证", "诈骗"], "省公安厅"),
    (&["林区"], "省林业和草原局"),
    (&["不动产"], "省自然资源厅"),
    (&[], "省发展和改革委员会"),
];

/// What the demo holds.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// The plan as imported.
    pub imported: Imported,
    /// Units created.
    pub units: usize,
    /// Assignments created.
    pub assignments: usize,
}

/// Builds the demo in an empty, migrated database, in one transaction.
pub async fn build(store: &Store) -> Result<DemoSummary, AppError> {
    if !store.plans().await?.is_empty() || !store.units().await?.is_empty() {
        return Err(AppError::Invalid {
            field: "database".into(),
            reason: "演示数据只能建在空数据库中 / the demo is built only in an empty database"
                .into(),
        });
    }
    let mut tx = store.begin(&Actor::system("demo")).await?;
    tx.set_meta(DEMO_MARK, "1").await?;
    let (province, cities) = units(&mut tx).await?;
    let opts = ImportOptions {
        owner: province,
        kind: PlanKind::Livelihood,
        status: PlanStatus::Published,
        default_year: Some(2023),
    };
    let imported = write_plan(
        &mut tx,
        JILIN_2023,
        minsheng_extract::extract(JILIN_2023),
        &opts,
    )
    .await?;
    let mut departments: HashMap<&'static str, UnitId> = HashMap::new();
    let mut assignments = 0;
    for item in &imported.written {
        let dept_name = lead_for(&item.text);
        let dept = match departments.get(dept_name) {
            Some(id) => *id,
            None => {
                let id = tx
                    .insert_unit(&NewUnit {
                        parent: Some(province),
                        kind: UnitKind::Department,
                        name: dept_name.into(),
                        code: None,
                    })
                    .await?;
                departments.insert(dept_name, id);
                id
            }
        };
        for (target, quantity) in &item.targets {
            let target = *target;
            tx.insert_assignment(&NewAssignment {
                target,
                unit: dept,
                role: AssignmentRole::Lead,
                quota: None,
                budget: None,
            })
            .await?;
            assignments += 1;
            for (city, quota) in cities.iter().zip(city_quotas(quantity)) {
                let Some(quota) = quota else { continue };
                tx.insert_assignment(&NewAssignment {
                    target,
                    unit: *city,
                    role: AssignmentRole::Partner,
                    quota: Some(quota),
                    budget: None,
                })
                .await?;
                assignments += 1;
            }
        }
    }
    crate::rollup::recompute_in(&mut tx).await?;
    tx.commit().await?;
    let units = 1 + cities.len() + departments.len();
    info!(
        plan.id = %imported.plan,
        "Built the demo: {} items, {} targets, {units} units, {assignments} assignments",
        imported.items, imported.targets
    );
    Ok(DemoSummary {
        imported,
        units,
        assignments,
    })
}

/// Whether the database was built by [`build`].
pub async fn is_demo(store: &Store) -> Result<bool, AppError> {
    Ok(store.meta(DEMO_MARK).await?.as_deref() == Some("1"))
}

async fn units(tx: &mut Tx) -> Result<(UnitId, Vec<UnitId>), AppError> {
    let province = tx
        .insert_unit(&NewUnit {
            parent: None,
            kind: UnitKind::Province,
            name: "吉林省".into(),
            code: Some("220000".into()),
        })
        .await?;
    let mut cities = Vec::new();
    for (name, code, _) in PREFECTURES {
        cities.push(
            tx.insert_unit(&NewUnit {
                parent: Some(province),
                kind: UnitKind::City,
                name: name.into(),
                code: Some(code.into()),
            })
            .await?,
        );
    }
    Ok((province, cities))
}

/// The lead department for an item's text.
fn lead_for(text: &str) -> &'static str {
    LEADS
        .iter()
        .find(|(words, _)| words.is_empty() || words.iter().any(|w| text.contains(w)))
        .map(|(_, dept)| *dept)
        .unwrap_or("省发展和改革委员会")
}

/// Each prefecture's share of a target: a count is split by population (a prefecture whose
/// share rounds to nothing gets no assignment); a rate (%, 倍, 工作日) holds for every one.
fn city_quotas(q: &Quantity) -> Vec<Option<rust_decimal::Decimal>> {
    let weights: Vec<u64> = PREFECTURES.iter().map(|p| p.2).collect();
    if !q.is_additive() {
        return vec![Some(q.value); PREFECTURES.len()];
    }
    match split_by_weights(q.value, &weights) {
        Some(shares) => shares
            .into_iter()
            .map(|s| (!s.is_zero()).then_some(s))
            .collect(),
        None => vec![Some(q.value); PREFECTURES.len()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_of_the_seed_gets_a_plausible_lead() {
        assert_eq!(lead_for("城镇新增就业23万人"), "省人力资源和社会保障厅");
        assert_eq!(
            lead_for("为1.6万人(次)有需求的残疾人开展职业技能培训"),
            "省残疾人联合会"
        );
        assert_eq!(lead_for("建设5G基站5000个"), "省通信管理局");
        assert_eq!(lead_for("无从归类"), "省发展和改革委员会");
    }

    #[test]
    fn counts_are_split_and_rates_repeated() {
        let q = Quantity::new(230_000.into(), "人");
        let shares: Vec<_> = city_quotas(&q).into_iter().flatten().collect();
        assert_eq!(
            shares.iter().copied().sum::<rust_decimal::Decimal>(),
            q.value
        );
        assert_eq!(shares.len(), 9);
        let rate = Quantity::new(60.into(), "%");
        assert!(city_quotas(&rate).iter().all(|s| *s == Some(60.into())));
        // 9处 over nine prefectures by population: the small ones get none.
        let few = city_quotas(&Quantity::new(9.into(), "处"));
        assert_eq!(
            few.iter().flatten().copied().sum::<rust_decimal::Decimal>(),
            9.into()
        );
    }
}
