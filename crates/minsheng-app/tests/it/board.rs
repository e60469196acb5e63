//! The problems board's rules on a small hand-built province with a county and a city
//! department: who sees a problem, who may hand it on or close it, whom one may address, and
//! that each refusal changes nothing.

use crate::support::unit;
use jiff::civil::{Date, date};
use minsheng_app::AppError;
use minsheng_app::board::{self, StateFilter, addressable};
use minsheng_app::coordination::ProblemInput;
use minsheng_domain::*;
use minsheng_store::Store;
use minsheng_store::testing::backends;

/// 吉林省 → 长春市 → (农安县, 长春市住房和城乡建设局); 吉林省 → 吉林市.
struct Tree {
    province: UnitId,
    changchun: UnitId,
    nongan: UnitId,
    cc_housing: UnitId,
    jilin_city: UnitId,
}

async fn tree(store: &Store) -> Tree {
    let mut tx = store.begin(&Actor::new("setup")).await.unwrap();
    let province = unit(&mut tx, None, UnitKind::Province, "吉林省").await;
    let changchun = unit(&mut tx, Some(province), UnitKind::City, "长春市").await;
    let nongan = unit(&mut tx, Some(changchun), UnitKind::County, "农安县").await;
    let dept = UnitKind::Department;
    let cc_housing = unit(&mut tx, Some(changchun), dept, "长春市住房和城乡建设局").await;
    let jilin_city = unit(&mut tx, Some(province), UnitKind::City, "吉林市").await;
    tx.commit().await.unwrap();
    Tree {
        province,
        changchun,
        nongan,
        cc_housing,
        jilin_city,
    }
}

fn account(name: &str, role: Role, unit: Option<UnitId>) -> Account {
    Account {
        id: UserId(1),
        name: name.into(),
        role,
        unit,
    }
}

const TODAY: Date = date(2023, 10, 15);

fn input(owner: UnitId, due: Date) -> ProblemInput {
    ProblemInput {
        title: "农村供水管网改造缺少配套资金".into(),
        description: String::new(),
        owner,
        due,
        report: None,
    }
}

fn forbidden<T: std::fmt::Debug>(r: Result<T, AppError>) {
    assert!(matches!(r, Err(AppError::Forbidden { .. })), "{r:?}");
}

async fn seen_by(store: &Store, a: &Account, id: ProblemId) -> bool {
    board::board(store, a, TODAY)
        .await
        .unwrap()
        .problems
        .iter()
        .any(|p| p.problem.id == id)
}

#[tokio::test]
async fn a_unit_sees_and_handles_its_subtree_and_the_region_above_steps_in() {
    for db in backends().await {
        let s = &db.store;
        let t = tree(s).await;
        let units = s.unit_tree().await.unwrap();
        let office = account("office", Role::Office, Some(t.province));
        let cc = account("cc", Role::Unit, Some(t.changchun));
        let na = account("na", Role::Unit, Some(t.nongan));
        let housing = account("cc-housing", Role::Unit, Some(t.cc_housing));
        let jl = account("jl", Role::Unit, Some(t.jilin_city));
        let cc_leader = account("cc-leader", Role::Viewer, Some(t.changchun));

        // Whom each may address: itself, below, and the region above.
        let names = |a: &Account| -> Vec<String> {
            addressable(a, &units)
                .iter()
                .map(|u| u.name.clone())
                .collect()
        };
        assert_eq!(names(&na), ["长春市", "农安县"], "{}", db.label);
        assert_eq!(
            names(&cc),
            ["吉林省", "长春市", "农安县", "长春市住房和城乡建设局"]
        );
        assert_eq!(names(&housing), ["长春市", "长春市住房和城乡建设局"]);
        assert_eq!(names(&office).len(), 5);
        assert!(names(&cc_leader).is_empty());

        // 农安县 raises one for itself; 吉林市 cannot be made its owner.
        let r = board::raise(s, &na, &input(t.jilin_city, date(2023, 10, 20)), TODAY).await;
        assert!(
            matches!(&r, Err(AppError::Invalid { field, .. }) if field == "owner"),
            "{r:?}"
        );
        let id = board::raise(s, &na, &input(t.nongan, date(2023, 10, 20)), TODAY)
            .await
            .unwrap();
        assert_eq!(
            s.audit_events("problem", id.0).await.unwrap()[0].actor,
            "na"
        );

        // Seen by itself, 长春市 above it, the city's leader and the office; not by 吉林市.
        for a in [&na, &cc, &cc_leader, &office] {
            assert!(seen_by(s, a, id).await, "{}", a.name);
        }
        assert!(!seen_by(s, &jl, id).await);
        forbidden(board::problem(s, &jl, id, TODAY).await);

        // What each may do with it.
        let flags = async |a: &Account| {
            let p = board::problem(s, a, id, TODAY).await.unwrap();
            (p.may_assign, p.may_resolve)
        };
        assert_eq!(
            flags(&na).await,
            (false, true),
            "the owner closes, never hands on"
        );
        assert_eq!(flags(&cc).await, (true, true), "the region above does both");
        assert_eq!(flags(&cc_leader).await, (false, false), "a viewer reads");
        assert_eq!(flags(&office).await, (true, true));
        forbidden(board::resolve(s, &jl, id, "已解决").await);
        forbidden(board::resolve(s, &cc_leader, id, "已解决").await);
        forbidden(board::assign(s, &na, id, t.changchun, date(2023, 11, 1), TODAY).await);
        forbidden(board::assign(s, &housing, id, t.cc_housing, date(2023, 11, 1), TODAY).await);
        forbidden(board::escalate(s, &cc, TODAY).await);
        let unchanged = s.problem(id).await.unwrap();
        assert_eq!(unchanged.owner, t.nongan);

        // Overdue on 10-21: escalated once, to 长春市, by the office.
        let later = date(2023, 10, 21);
        let b = board::board(s, &cc, later).await.unwrap();
        let p = b.problems.iter().find(|p| p.problem.id == id).unwrap();
        assert!(p.overdue && p.is_in(StateFilter::Overdue) && !p.is_escalated());
        let done = board::escalate(s, &office, later).await.unwrap();
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].to, t.changchun);
        assert!(board::escalate(s, &office, later).await.unwrap().is_empty());
        let p = board::problem(s, &cc, id, later).await.unwrap();
        assert_eq!(p.state(), StateFilter::Escalated);
        assert_eq!(p.escalations[0].to.name, "长春市");

        // 长春市 takes it over with a new deadline; the office then hands it to 吉林市, and
        // 长春市 still sees what was escalated to it.
        board::assign(s, &cc, id, t.changchun, date(2023, 11, 15), later)
            .await
            .unwrap();
        let p = board::problem(s, &cc, id, later).await.unwrap();
        assert!(
            !p.overdue && p.is_escalated(),
            "a new deadline, the history kept"
        );
        board::assign(s, &office, id, t.jilin_city, date(2023, 11, 30), later)
            .await
            .unwrap();
        assert!(seen_by(s, &cc, id).await);
        assert!(seen_by(s, &jl, id).await, "the new owner sees it");
        let p = board::problem(s, &cc, id, later).await.unwrap();
        assert_eq!((p.may_assign, p.may_resolve), (false, false));
        board::resolve(s, &jl, id, "吉林市协调资金到位")
            .await
            .unwrap();
        let actors: Vec<String> = s
            .audit_events("problem", id.0)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.actor)
            .collect();
        assert_eq!(actors, ["na", "office", "cc", "office", "jl"]);
        let p = board::problem(s, &na, id, later).await.unwrap();
        assert!(p.is_resolved() && p.is_in(StateFilter::Resolved));
        assert!(
            !p.is_in(StateFilter::Escalated),
            "resolved is no longer escalated"
        );

        // A resolved problem is refused by name, not as forbidden.
        let r = board::resolve(s, &office, id, "again").await;
        assert!(
            matches!(&r, Err(AppError::Invalid { field, .. }) if field == "status"),
            "{r:?}"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn the_office_raises_for_anyone_and_a_viewer_raises_nothing() {
    for db in backends().await {
        let s = &db.store;
        let t = tree(s).await;
        let office = account("office", Role::Office, None);
        let leader = account("leader", Role::Viewer, None);
        forbidden(board::raise(s, &leader, &input(t.nongan, date(2023, 11, 1)), TODAY).await);
        let id = board::raise(s, &office, &input(t.nongan, date(2023, 11, 1)), TODAY)
            .await
            .unwrap();
        let p = s.problem(id).await.unwrap();
        assert_eq!(
            p.raised_by, t.province,
            "{}: the top of the owner's tree",
            db.label
        );
        let b = board::board(s, &leader, TODAY).await.unwrap();
        assert_eq!(b.problems.len(), 1);
        assert!(!b.may_raise && !b.may_escalate && b.owners.is_empty());
        assert!(!b.problems[0].may_assign && !b.problems[0].may_resolve);
        db.finish().await;
    }
}
