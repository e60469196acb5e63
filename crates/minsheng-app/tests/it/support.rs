//! Set-up shared by the use-case tests.

use minsheng_app::demo;
use minsheng_domain::{Assignment, PlanId, Target, UnitId, UnitKind};
use minsheng_store::{NewUnit, Store, Tx};

/// The demo without its invented reports, and Changchun's share of its first target
/// (城镇新增就业23万人).
pub struct DemoShare {
    pub plan: PlanId,
    pub target: Target,
    pub share: Assignment,
    pub changchun: UnitId,
    pub jilin: UnitId,
}

pub async fn demo_share(store: &Store) -> DemoShare {
    demo::build_with(store, false).await.unwrap();
    let plan = store.plans().await.unwrap()[0].id;
    let target = store.targets(plan).await.unwrap()[0].clone();
    let tree = store.unit_tree().await.unwrap();
    let city = |n: &str| tree.units().iter().find(|u| u.name == n).unwrap().id;
    let (changchun, jilin) = (city("长春市"), city("吉林市"));
    let share = store
        .assignments_of_target(target.id)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.unit == changchun)
        .unwrap();
    DemoShare {
        plan,
        target,
        share,
        changchun,
        jilin,
    }
}

/// Adds a unit without a code (hand-built trees).
pub async fn unit(tx: &mut Tx, parent: Option<UnitId>, kind: UnitKind, name: &str) -> UnitId {
    tx.insert_unit(&NewUnit {
        parent,
        kind,
        name: name.into(),
        code: None,
    })
    .await
    .unwrap()
}
