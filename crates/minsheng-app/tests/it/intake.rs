//! The plan editor as the safety net (issue #13 item 3): what the extractor missed is added,
//! what it got wrong deleted or changed, items moved between sections — and every correction
//! is kept in the confirmed plan's audit trail; bad input is refused field by field and
//! writes nothing.

use minsheng_app::AppError;
use minsheng_app::audit::{Subject, trail};
use minsheng_app::intake::{
    self, ConfirmError, Field, IntakeForm, ItemEdit, ItemKey, ItemRef, Proposal, TargetEdit,
    TargetPart, TargetRef,
};
use minsheng_domain::{Account, Actor, Cmp, Role, TargetKind, UnitId, UnitKind, UserId};
use minsheng_store::testing::backends;
use minsheng_store::{NewUnit, Store};

/// A short plan: item 1 states a second target the extractor misses (厕所全部完成改造), item 3
/// stands in the wrong section, item 4 has a scope read as a target (惠及居民5000户), and a
/// last commitment has no number, so it is no item.
const PLAN: &str = "某市2024年民生实事项目
一、教育(2项)
1.新建幼儿园10所,农村学校厕所全部完成改造。
2.为中小学配备校医,力争覆盖率达到九成。
3.新增公共停车泊位1500个。
二、城建(2项)
4.改造老旧小区20个,惠及居民5000户。
此外,建设社区食堂5个。
";

async fn province(store: &Store) -> UnitId {
    let mut tx = store.begin(&Actor::new("office")).await.unwrap();
    let id = tx
        .insert_unit(&NewUnit {
            parent: None,
            kind: UnitKind::Province,
            name: "某市".into(),
            code: None,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

fn office(unit: UnitId) -> Account {
    Account {
        id: UserId(1),
        name: "office-clerk".into(),
        role: Role::Office,
        unit: Some(unit),
    }
}

/// The form as the preview fills it.
fn form_of(p: &Proposal) -> IntakeForm {
    IntakeForm {
        text: p.text.clone(),
        kind: p.kind.clone(),
        year: p.year.clone(),
        owner: p.owner.clone(),
        items: p.items.clone(),
        targets: p.targets.clone(),
    }
}

/// The item read with this number.
fn item(p: &Proposal, no: u32) -> ItemRef {
    for (si, s) in p.extraction.sections.iter().enumerate() {
        for (ii, it) in s.items.iter().enumerate() {
            if it.no == no {
                return ItemRef::Read(ItemKey {
                    section: si,
                    item: ii,
                });
            }
        }
    }
    panic!("no item {no}");
}

/// The target read whose phrase contains `phrase`.
fn target(p: &Proposal, phrase: &str) -> TargetRef {
    *p.targets
        .keys()
        .find(|r| match r {
            TargetRef::Read(k) => p.read_target(*k).is_some_and(|t| t.phrase.contains(phrase)),
            TargetRef::Added(..) => false,
        })
        .unwrap_or_else(|| panic!("no target {phrase}"))
}

fn added(phrase: &str, value: &str, unit: &str, cmp: &str, deadline: &str) -> TargetEdit {
    TargetEdit {
        phrase: phrase.into(),
        value: value.into(),
        unit: unit.into(),
        cmp: cmp.into(),
        deadline: deadline.into(),
        ..TargetEdit::default()
    }
}

async fn proposal(store: &Store, me: &Account, owner: UnitId) -> Proposal {
    intake::propose(store, me, PLAN, "livelihood", "", &owner.to_string())
        .await
        .unwrap()
}

/// Every correction the office makes in one go: the form the tests correct from.
fn corrected(p: &Proposal) -> IntakeForm {
    let mut f = form_of(p);
    let first = item(p, 1);
    // The target the extractor missed, by its phrase in item 1.
    f.targets.insert(
        TargetRef::Added(first, 0),
        added("农村学校厕所全部完成改造", "100", "%", "eq", "2024-09-30"),
    );
    // A value and a deadline changed.
    let kindergartens = f.targets.get_mut(&target(p, "幼儿园")).unwrap();
    kindergartens.value = "12".into();
    kindergartens.deadline = "2024/8/31".into();
    // A scope read as a target, dropped.
    f.targets.get_mut(&target(p, "5000户")).unwrap().drop = true;
    // Item 2 deleted; item 3 moved to 城建; item 4's text corrected.
    f.items.get_mut(&item(p, 2)).unwrap().delete = true;
    f.items.get_mut(&item(p, 3)).unwrap().section = "1".into();
    f.items.get_mut(&item(p, 4)).unwrap().title = Some("改造老旧小区20个".into());
    // The item the extractor missed, with its target.
    f.items.insert(
        ItemRef::Added(0),
        ItemEdit {
            no: "5".into(),
            title: Some("此外,建设社区食堂5个。".into()),
            section: "1".into(),
            delete: false,
        },
    );
    f.targets.insert(
        TargetRef::Added(ItemRef::Added(0), 0),
        added("建设社区食堂5个", "5", "个", "ge", ""),
    );
    // The empty rows a page sends for the next additions change nothing.
    f.targets
        .insert(TargetRef::Added(item(p, 4), 0), added("", "", "", "ge", ""));
    f.items.insert(
        ItemRef::Added(1),
        ItemEdit {
            section: "0".into(),
            title: Some(String::new()),
            ..ItemEdit::default()
        },
    );
    f
}

#[tokio::test]
async fn every_correction_is_written_and_kept_in_the_plans_audit_trail() {
    for db in backends().await {
        let owner = province(&db.store).await;
        let me = office(owner);
        let p = proposal(&db.store, &me, owner).await;
        assert!(p.errors.is_empty(), "{}: {:?}", db.label, p.errors);

        let imported = intake::confirm_plan(&db.store, &me, corrected(&p))
            .await
            .unwrap();
        let plan = imported.plan;
        let sections = db.store.sections(plan).await.unwrap();
        let items = db.store.items(plan).await.unwrap();
        let targets = db.store.targets(plan).await.unwrap();
        let in_section = |i: usize| -> Vec<u32> {
            items
                .iter()
                .filter(|it| it.section == sections[i].id)
                .map(|it| it.no)
                .collect()
        };
        // Item 2 is gone; item 3 stands in 城建, in the text's order, before the item added.
        assert_eq!(in_section(0), [1], "{}", db.label);
        assert_eq!(in_section(1), [3, 4, 5], "{}", db.label);
        let of = |no: u32| {
            let id = items.iter().find(|it| it.no == no).unwrap().id;
            targets
                .iter()
                .filter(|t| t.item == id)
                .cloned()
                .collect::<Vec<_>>()
        };
        let first = of(1);
        assert_eq!(first.len(), 2);
        assert_eq!(first[0].quantity.value, 12.into());
        assert_eq!(first[0].deadline, jiff::civil::date(2024, 8, 31));
        assert_eq!(first[1].phrase, "农村学校厕所全部完成改造");
        assert_eq!(first[1].quantity.value, 100.into());
        assert_eq!(first[1].quantity.unit, "%");
        assert_eq!(first[1].cmp, Cmp::Eq);
        assert_eq!(first[1].deadline, jiff::civil::date(2024, 9, 30));
        let span = first[1].span.unwrap();
        assert_eq!(&p.text[span.start..span.end], "农村学校厕所全部完成改造");
        let fourth = of(4);
        assert_eq!(fourth.len(), 1, "the scope is dropped");
        assert_eq!(
            items.iter().find(|it| it.no == 4).unwrap().text,
            "改造老旧小区20个"
        );
        let canteens = of(5);
        assert_eq!(canteens.len(), 1);
        assert_eq!(canteens[0].kind, TargetKind::Quantity);
        assert_eq!(canteens[0].quantity.value, 5.into());
        assert_eq!(canteens[0].deadline, jiff::civil::date(2024, 12, 31));
        let added_item = items.iter().find(|it| it.no == 5).unwrap();
        let span = added_item.span.unwrap();
        assert_eq!(&p.text[span.start..span.end], "此外,建设社区食堂5个。");

        // The plan's trail holds one event per correction, under the office's name.
        let t = trail(&db.store, &me, Subject::Plan(plan), 1).await.unwrap();
        let corrections: Vec<_> = t
            .entries
            .iter()
            .filter(|e| e.event.action.starts_with("correct_"))
            .collect();
        let mut actions: Vec<&str> = corrections
            .iter()
            .map(|e| e.event.action.as_str())
            .collect();
        actions.sort_unstable();
        assert_eq!(
            actions,
            [
                "correct_add_item",
                "correct_add_target",
                "correct_add_target",
                "correct_delete_item",
                "correct_delete_target",
                "correct_edit_item",
                "correct_edit_target",
                "correct_move_item",
            ],
            "{}",
            db.label
        );
        assert!(corrections.iter().all(|e| e.event.actor == "office-clerk"));
        let change = |action: &str, field: &str| {
            corrections
                .iter()
                .find(|e| e.event.action == action)
                .and_then(|e| e.changes.iter().find(|c| c.field == field))
                .map(|c| (c.before.clone(), c.after.clone()))
                .unwrap_or_else(|| panic!("{action}: no {field}"))
        };
        // What the extractor proposed, what the office set.
        assert_eq!(
            change("correct_edit_target", "value"),
            (Some("10".into()), Some("12".into()))
        );
        assert_eq!(
            change("correct_edit_target", "deadline"),
            (Some("2024-12-31".into()), Some("2024-08-31".into()))
        );
        assert_eq!(
            change("correct_move_item", "section"),
            (Some("1、教育".into()), Some("2、城建".into()))
        );
        assert_eq!(
            change("correct_delete_item", "text"),
            (Some("为中小学配备校医,力争覆盖率达到九成。".into()), None)
        );
        assert_eq!(
            change("correct_delete_target", "phrase"),
            (Some("惠及居民5000户".into()), None)
        );
        assert_eq!(
            change("correct_add_item", "text"),
            (None, Some("此外,建设社区食堂5个。".into()))
        );
        // The move is the only change its event shows.
        let moved = corrections
            .iter()
            .find(|e| e.event.action == "correct_move_item")
            .unwrap();
        assert_eq!(moved.changes.len(), 1);
        // An edited target's event is in the target's own trail too.
        let edited = corrections
            .iter()
            .find(|e| e.event.action == "correct_edit_target")
            .unwrap();
        assert_eq!(edited.event.entity, "target");
        let own = trail(
            &db.store,
            &me,
            Subject::Target(minsheng_domain::TargetId(edited.event.entity_id)),
            1,
        )
        .await
        .unwrap();
        assert!(
            own.entries
                .iter()
                .any(|e| e.event.action == "correct_edit_target")
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn a_plan_confirmed_as_read_has_no_corrections_but_a_changed_year() {
    for db in backends().await {
        let owner = province(&db.store).await;
        let me = office(owner);
        let p = proposal(&db.store, &me, owner).await;
        let imported = intake::confirm_plan(&db.store, &me, form_of(&p))
            .await
            .unwrap();
        let t = trail(&db.store, &me, Subject::Plan(imported.plan), 1)
            .await
            .unwrap();
        assert!(
            t.entries
                .iter()
                .all(|e| !e.event.action.starts_with("correct_")),
            "{}",
            db.label
        );
        let mut f = form_of(&p);
        f.year = "2025".into();
        let imported = intake::confirm_plan(&db.store, &me, f).await.unwrap();
        let t = trail(&db.store, &me, Subject::Plan(imported.plan), 1)
            .await
            .unwrap();
        let years: Vec<_> = t
            .entries
            .iter()
            .filter(|e| e.event.action == "correct_year")
            .collect();
        assert_eq!(years.len(), 1);
        assert_eq!(years[0].changes[0].before.as_deref(), Some("2024"));
        assert_eq!(years[0].changes[0].after.as_deref(), Some("2025"));
        db.finish().await;
    }
}

#[tokio::test]
async fn revising_shows_the_plan_as_corrected_and_writes_nothing() {
    for db in backends().await {
        let owner = province(&db.store).await;
        let me = office(owner);
        let p = proposal(&db.store, &me, owner).await;
        let before = db.store.audit_count().await.unwrap();
        let r = intake::revise(&db.store, &me, corrected(&p)).await.unwrap();
        assert!(r.errors.is_empty(), "{}: {:?}", db.label, r.errors);
        assert_eq!(
            db.store.audit_count().await.unwrap(),
            before,
            "nothing written"
        );
        assert_eq!(r.item_count(), 4, "item 2 is deleted");
        let second: Vec<ItemRef> = r.outline.sections[1].iter().map(|i| i.item).collect();
        assert_eq!(second, [item(&p, 3), item(&p, 4), ItemRef::Added(0)]);
        // The deleted item is still shown, to be taken back.
        assert!(
            r.outline.sections[0]
                .iter()
                .any(|i| i.item == item(&p, 2) && i.deleted)
        );
        // The added target stands where its phrase is; the next rows are numbered on.
        let first = &r.outline.sections[0][0];
        let added = first
            .targets
            .iter()
            .find(|t| t.target == TargetRef::Added(first.item, 0))
            .unwrap();
        let span = added.span.unwrap();
        assert_eq!(&r.text[span.start..span.end], "农村学校厕所全部完成改造");
        assert_eq!(first.next_target, 1);
        assert_eq!(r.outline.next_item, 1, "the empty item row is not kept");
        let fourth = r.outline.sections[1]
            .iter()
            .find(|i| i.item == item(&p, 4))
            .unwrap();
        assert_eq!(fourth.next_target, 0, "its empty row is not kept");
        db.finish().await;
    }
}

#[tokio::test]
async fn bad_corrections_are_refused_beside_their_field_and_nothing_is_written() {
    for db in backends().await {
        let owner = province(&db.store).await;
        let me = office(owner);
        let p = proposal(&db.store, &me, owner).await;
        let good = corrected(&p);
        let plans = db.store.plans().await.unwrap().len();
        let audit = db.store.audit_count().await.unwrap();
        let toilets = TargetRef::Added(item(&p, 1), 0);
        let canteen = ItemRef::Added(0);
        type Edit = Box<dyn Fn(&mut IntakeForm)>;
        let cases: Vec<(Edit, Field, &str)> = vec![
            (
                // A phrase of another item.
                Box::new(move |f| {
                    f.targets.get_mut(&toilets).unwrap().phrase = "新增公共停车泊位1500个".into()
                }),
                Field::Target(toilets, TargetPart::Phrase),
                "不在该事项的原文中",
            ),
            (
                Box::new(move |f| f.targets.get_mut(&toilets).unwrap().phrase = " ".into()),
                Field::Target(toilets, TargetPart::Phrase),
                "请填写该目标在原文中的词句",
            ),
            (
                Box::new(move |f| f.targets.get_mut(&toilets).unwrap().value = "全部".into()),
                Field::Target(toilets, TargetPart::Value),
                "不是数值",
            ),
            (
                Box::new(move |f| f.targets.get_mut(&toilets).unwrap().unit = "".into()),
                Field::Target(toilets, TargetPart::Unit),
                "请填写计量单位",
            ),
            (
                Box::new(move |f| f.targets.get_mut(&toilets).unwrap().cmp = "gt".into()),
                Field::Target(toilets, TargetPart::Cmp),
                "请选择比较方式",
            ),
            (
                Box::new(move |f| {
                    f.targets.get_mut(&toilets).unwrap().deadline = "2025-03-01".into()
                }),
                Field::Target(toilets, TargetPart::Deadline),
                "不在计划年度 2024 年之内",
            ),
            (
                Box::new(move |f| f.targets.get_mut(&toilets).unwrap().deadline = "明年".into()),
                Field::Target(toilets, TargetPart::Deadline),
                "不是日期",
            ),
            (
                Box::new(move |f| f.items.get_mut(&canteen).unwrap().section = "7".into()),
                Field::Section(canteen),
                "不存在",
            ),
            (
                Box::new(move |f| f.items.get_mut(&canteen).unwrap().no = "五".into()),
                Field::ItemNo(canteen),
                "不是事项编号",
            ),
            (
                Box::new(move |f| f.items.get_mut(&canteen).unwrap().title = Some(" ".into())),
                Field::Title(canteen),
                "事项内容不能为空",
            ),
            (
                // A phrase not in the added item's text.
                Box::new(move |f| {
                    f.targets
                        .get_mut(&TargetRef::Added(canteen, 0))
                        .unwrap()
                        .phrase = "养老食堂".into()
                }),
                Field::Target(TargetRef::Added(canteen, 0), TargetPart::Phrase),
                "不在该事项的原文中",
            ),
        ];
        let moved = item(&p, 3);
        let more: Vec<(Edit, Field, &str)> = vec![
            (
                Box::new(move |f| f.items.get_mut(&moved).unwrap().section = "-1".into()),
                Field::Section(moved),
                "不存在",
            ),
            (
                Box::new(|f| {
                    for e in f.items.values_mut() {
                        e.delete = true;
                    }
                }),
                Field::Text,
                "计划至少要有一项",
            ),
        ];
        for (n, (edit, field, message)) in cases.into_iter().chain(more).enumerate() {
            let mut f = good.clone();
            edit(&mut f);
            let err = intake::confirm_plan(&db.store, &me, f.clone())
                .await
                .unwrap_err();
            let ConfirmError::Refused(refused) = err else {
                panic!("case {n}: {err}");
            };
            let errors: Vec<_> = refused.errors_of(field).collect();
            assert!(
                errors.iter().any(|e| e.zh.contains(message)),
                "case {n} on {}: {:?}",
                db.label,
                refused.errors
            );
            // Shown again as typed.
            assert_eq!(refused.items, f.items, "case {n}");
            assert_eq!(refused.targets, f.targets, "case {n}");
            // The preview step refuses the same way.
            let r = intake::revise(&db.store, &me, f).await.unwrap();
            assert!(r.errors_of(field).next().is_some(), "case {n}");
        }
        assert_eq!(db.store.plans().await.unwrap().len(), plans, "{}", db.label);
        assert_eq!(db.store.audit_count().await.unwrap(), audit);
        // And the good form goes through.
        intake::confirm_plan(&db.store, &me, good).await.unwrap();
        db.finish().await;
    }
}

#[tokio::test]
async fn only_an_account_that_may_edit_plans_corrects_them() {
    for db in backends().await {
        let owner = province(&db.store).await;
        let me = office(owner);
        let p = proposal(&db.store, &me, owner).await;
        let audit = db.store.audit_count().await.unwrap();
        for role in [Role::Unit, Role::Viewer] {
            let other = Account {
                role,
                ..office(owner)
            };
            let r = intake::revise(&db.store, &other, corrected(&p)).await;
            assert!(matches!(r, Err(AppError::Forbidden { .. })), "{role:?}");
            let r = intake::confirm_plan(&db.store, &other, corrected(&p)).await;
            assert!(
                matches!(r, Err(ConfirmError::App(AppError::Forbidden { .. }))),
                "{role:?}"
            );
        }
        assert_eq!(db.store.audit_count().await.unwrap(), audit, "{}", db.label);
        db.finish().await;
    }
}

/// A plan proposed from an uploaded file (#19) keeps the file with the plan when confirmed —
/// name, media type, size, SHA-256 and bytes, audited — and a file that does not give the
/// confirmed text is refused, nothing written.
#[tokio::test]
async fn a_plan_read_from_a_file_keeps_the_file() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in PLAN.lines().enumerate() {
        sheet.write_string(r as u32, 0, line).unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let file = intake::SourceFile {
        name: "2024年民生实事.xlsx".into(),
        bytes: bytes.clone(),
    };
    let read = intake::read_upload(&file).await.unwrap();
    assert_eq!(read.format, intake::Format::Xlsx);
    for db in backends().await {
        let owner = province(&db.store).await;
        let me = office(owner);
        let p = intake::propose(
            &db.store,
            &me,
            &read.text,
            "livelihood",
            "",
            &owner.to_string(),
        )
        .await
        .unwrap();
        // Another file than the one read: refused, nothing written.
        let other = intake::SourceFile {
            name: "other.txt".into(),
            bytes: "另一份文件\n1.新建公厕3座。\n".as_bytes().to_vec(),
        };
        let Err(ConfirmError::Refused(refused)) =
            intake::confirm_plan_from(&db.store, &me, form_of(&p), Some(other)).await
        else {
            panic!("{}: a file that does not give the text was kept", db.label);
        };
        assert!(
            refused.errors.iter().any(|e| e.field == Field::Text),
            "{}",
            db.label
        );
        assert!(db.store.plans().await.unwrap().is_empty(), "{}", db.label);

        let imported = intake::confirm_plan_from(&db.store, &me, form_of(&p), Some(file.clone()))
            .await
            .unwrap();
        let sources = intake::plan_sources(&db.store, &me, imported.plan)
            .await
            .unwrap();
        assert_eq!(sources.len(), 1, "{}", db.label);
        let s = &sources[0];
        assert_eq!(s.file_name, "2024年民生实事.xlsx");
        assert_eq!(s.media_type, intake::Format::Xlsx.media_type());
        assert_eq!(s.size, bytes.len() as u64);
        assert_eq!(s.sha256.len(), 64);
        assert_eq!(s.uploaded_by, "office-clerk");
        let (_, kept) = intake::plan_source(&db.store, &me, imported.plan, s.id)
            .await
            .unwrap();
        assert_eq!(kept, bytes, "{}: the bytes as uploaded", db.label);
        // Not another plan's file, and not for a unit.
        assert!(matches!(
            intake::plan_source(
                &db.store,
                &me,
                minsheng_domain::PlanId(imported.plan.0 + 1),
                s.id
            )
            .await,
            Err(AppError::NotFound { .. })
        ));
        let unit = Account {
            role: Role::Unit,
            ..me.clone()
        };
        assert!(matches!(
            intake::plan_source(&db.store, &unit, imported.plan, s.id).await,
            Err(AppError::Forbidden { .. })
        ));
        db.finish().await;
    }
}
