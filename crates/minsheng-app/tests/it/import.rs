use minsheng_app::import::{ImportOptions, import_plan};
use minsheng_domain::{Actor, PlanKind, PlanStatus, UnitKind};
use minsheng_store::NewUnit;
use minsheng_store::testing::backends;

async fn province(store: &minsheng_store::Store) -> minsheng_domain::UnitId {
    let mut tx = store.begin(&Actor::new("office")).await.unwrap();
    let id = tx
        .insert_unit(&NewUnit {
            parent: None,
            kind: UnitKind::Province,
            name: "某省".into(),
            code: None,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

fn opts(owner: minsheng_domain::UnitId) -> ImportOptions {
    ImportOptions {
        owner,
        kind: PlanKind::Livelihood,
        status: PlanStatus::Draft,
        default_year: None,
    }
}

#[tokio::test]
async fn a_small_plan_is_imported_whole() {
    for db in backends().await {
        let owner = province(&db.store).await;
        let text = "某市2024年民生实事项目\n一、就业(1项)\n1.城镇新增就业5000人。\n二、教育(1项)\n2.新建幼儿园10所。\n";
        let got = import_plan(&db.store, &Actor::new("office"), text, &opts(owner))
            .await
            .unwrap();
        assert_eq!((got.sections, got.items), (2, 2), "{}", db.label);
        let plan = db.store.plan(got.plan).await.unwrap();
        assert_eq!(plan.year, 2024);
        assert_eq!(plan.status, PlanStatus::Draft);
        let events = db.store.audit_events("plan", got.plan.0).await.unwrap();
        assert_eq!(events[0].actor, "office");
        db.finish().await;
    }
}

#[tokio::test]
async fn text_without_items_is_refused_and_nothing_is_saved() {
    for db in backends().await {
        let owner = province(&db.store).await;
        let before = db.store.audit_count().await.unwrap();
        let err = import_plan(
            &db.store,
            &Actor::new("office"),
            "2023年天气很好。",
            &opts(owner),
        )
        .await
        .unwrap_err();
        assert!(err.is_user_error());
        assert!(err.to_string().contains("编号事项"), "{err}");
        assert!(db.store.plans().await.unwrap().is_empty(), "{}", db.label);
        assert_eq!(db.store.audit_count().await.unwrap(), before);

        // No year in the text and none given: refused, naming the field.
        let err = import_plan(
            &db.store,
            &Actor::new("office"),
            "一、就业\n1.新增就业5000人。",
            &opts(owner),
        )
        .await
        .unwrap_err();
        assert!(err.to_string().starts_with("year"), "{err}");
        assert!(db.store.plans().await.unwrap().is_empty());
        db.finish().await;
    }
}
