//! 进展通报 on the demo plan, on both backends: the figures are the dashboard's, a draft's
//! reasons come from the units' narratives until the office writes its own, issuing freezes
//! the figures (a later accept changes the dashboard, not the bulletin), bad requests are
//! refused naming what was wrong, many clerks issuing at once issue once, and the DOCX and
//! XLSX read back with the layout and the numbers they should have.

use jiff::civil::date;
use minsheng_app::bulletin::{self, Body, DraftInput};
use minsheng_app::reporting::{Decision, review_report};
use minsheng_app::{AppError, bulletin_docx, bulletin_xlsx, demo, overview, tracking};
use minsheng_domain::*;
use minsheng_store::Store;
use std::collections::HashMap;
use std::io::Read;

const TODAY: jiff::civil::Date = date(2023, 10, 15);

fn account(name: &str, role: Role, unit: Option<UnitId>) -> Account {
    Account {
        id: UserId(1),
        name: name.into(),
        role,
        unit,
    }
}

fn office() -> Account {
    account("office", Role::Office, None)
}

fn thresholds() -> Thresholds {
    Thresholds::default()
}

async fn demo_plan(store: &Store) -> PlanId {
    demo::build(store).await.unwrap();
    store.plans().await.unwrap()[0].id
}

fn city(tree: &UnitTree, name: &str) -> UnitId {
    tree.units().iter().find(|u| u.name == name).unwrap().id
}

#[tokio::test]
async fn a_bulletin_has_the_dashboards_figures_and_the_units_reasons() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let l = &db.label;
        let plan = demo_plan(store).await;
        let august = Period::parse("2023-08").unwrap();
        let id = bulletin::start_draft(store, &office(), plan, "2023-08", TODAY)
            .await
            .unwrap();
        // Asked again, the same draft; the month may be written as people write it.
        let again = bulletin::start_draft(store, &office(), plan, "8月", TODAY)
            .await
            .unwrap();
        assert_eq!(again, id, "{l}");

        let view = bulletin::open(store, &office(), id, TODAY, &thresholds())
            .await
            .unwrap();
        assert!(!view.is_frozen(), "{l}");
        let b = &view.body;
        // The dashboard's own figures.
        let t = tracking::tracking(store, plan, august, TODAY, &thresholds())
            .await
            .unwrap();
        let o = overview::overview(t, store.sections(plan).await.unwrap());
        assert_eq!(b.overall.targets, o.overall.targets, "{l}");
        assert_eq!(b.overall.completion, o.overall.completion, "{l}");
        assert_eq!(b.overall.expected, o.overall.expected, "{l}");
        for s in Status::ALL {
            assert_eq!(b.overall.count(s), o.overall.counts.get(s), "{l}: {s:?}");
        }
        assert_eq!(b.lines.len(), o.tracking.targets.len(), "{l}");
        for (line, x) in b.lines.iter().zip(&o.tracking.targets) {
            assert_eq!(line.target, x.target.id.0, "{l}");
            assert_eq!(line.status(), x.status, "{l}");
            assert_eq!(line.actual, x.rollup.value, "{l}");
        }
        assert_eq!(b.ranking.len(), o.tracking.ranking.len(), "{l}");
        assert_eq!(
            b.reporting.received, o.tracking.completeness.received,
            "{l}"
        );
        // The 红黑榜: the best three and the worst three, nobody twice.
        assert_eq!((b.red.len(), b.black.len()), (3, 3), "{l}");
        assert_eq!(b.red[0].rank, 1, "{l}");
        assert_eq!(b.black[2].rank, b.ranking.len(), "{l}");
        // The regions are the nine prefectures; every target's lead is named.
        assert_eq!(b.regions.len(), 9, "{l}");
        assert!(b.lines.iter().all(|x| x.lead.is_some()), "{l}");
        assert!(
            b.overall.items > 0 && b.overall.items <= b.overall.targets,
            "{l}"
        );

        // Lagging targets give the units' narratives as their reason.
        let behind: Vec<_> = b.in_bucket(Bucket::Behind).collect();
        assert!(
            !behind.is_empty(),
            "{l}: the demo has lagging targets in August"
        );
        for x in &behind {
            let r = x.reason.as_deref().unwrap_or_default();
            assert!(r.contains("演示数据"), "{l}: {r}");
            assert!(!x.reason_by_office, "{l}");
        }
        assert!(b.in_bucket(Bucket::OnSchedule).all(|x| x.reason.is_none()));

        // The office writes its own reason for one; the others keep the units' words.
        let first = TargetId(behind[0].target);
        bulletin::save_draft(
            store,
            &office(),
            id,
            DraftInput {
                opening: "现将8月份全省民生实事进展情况通报如下。".into(),
                closing: "各地各部门要对照序时进度,加快推进。".into(),
                public: true,
                reasons: vec![(first, "受汛期影响,施工暂停两周".into())],
            },
        )
        .await
        .unwrap();
        let view = bulletin::open(store, &office(), id, TODAY, &thresholds())
            .await
            .unwrap();
        let line = view
            .body
            .lines
            .iter()
            .find(|x| x.target == first.0)
            .unwrap();
        assert_eq!(
            line.reason.as_deref(),
            Some("受汛期影响,施工暂停两周"),
            "{l}"
        );
        assert!(line.reason_by_office, "{l}");
        assert_eq!(
            view.opening(),
            "现将8月份全省民生实事进展情况通报如下。",
            "{l}"
        );

        // The prose says the overall line with the figures.
        let prose = bulletin::prose_zh(&view.body);
        let first_text = prose
            .iter()
            .find_map(|p| match p {
                bulletin::Para::Text(t) => Some(t.clone()),
                _ => None,
            })
            .unwrap();
        assert!(
            first_text.contains(&format!(
                "{}件实事已完成{}件",
                b.overall.items, b.overall.items_done
            )),
            "{l}: {first_text}"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn bad_requests_are_refused_naming_the_bulletin_and_the_reason() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let l = &db.label;
        let plan = demo_plan(store).await;
        let tree = store.unit_tree().await.unwrap();
        let changchun = account("cc", Role::Unit, Some(city(&tree, "长春市")));

        // No accepted figure yet in September (its reports await review) or December.
        for month in ["2023-09", "2023-12"] {
            let e = bulletin::start_draft(store, &office(), plan, month, TODAY)
                .await
                .unwrap_err();
            assert!(
                matches!(&e, AppError::Invalid { field, reason } if field == "period" && reason.contains("尚无已审核通过的数据")),
                "{l}: {e}"
            );
        }
        let e = bulletin::start_draft(store, &office(), plan, "2022-08", TODAY)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid { field, .. } if field == "period"),
            "{l}: {e}"
        );
        let e = bulletin::start_draft(store, &office(), plan, "下个月", TODAY)
            .await
            .unwrap_err();
        assert!(matches!(&e, AppError::Invalid { .. }), "{l}: {e}");
        // A unit drafts nothing and does not see drafts.
        let e = bulletin::start_draft(store, &changchun, plan, "2023-08", TODAY)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden { .. }), "{l}: {e}");
        let id = bulletin::start_draft(store, &office(), plan, "2023-08", TODAY)
            .await
            .unwrap();
        let e = bulletin::open(store, &changchun, id, TODAY, &thresholds())
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::NotFound { .. }), "{l}: {e}");
        assert!(
            bulletin::list(store, &changchun, plan)
                .await
                .unwrap()
                .is_empty()
        );

        // A 文号 is required; a reason for a target of another plan is refused.
        let e = bulletin::issue(store, &office(), id, "  ", TODAY, &thresholds())
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid { field, .. } if field == "doc_no"),
            "{l}: {e}"
        );
        let e = bulletin::save_draft(
            store,
            &office(),
            id,
            DraftInput {
                reasons: vec![(TargetId(999_999), "x".into())],
                ..DraftInput::default()
            },
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid { field, .. } if field == "reason_999999"),
            "{l}: {e}"
        );

        let issued = bulletin::issue(
            store,
            &office(),
            id,
            "吉民办〔2023〕8号",
            TODAY,
            &thresholds(),
        )
        .await
        .unwrap();
        assert_eq!(issued.no, 1, "{l}");
        let audits = store.audit_count().await.unwrap();
        // Issued: not issued again, not edited — refused naming it; nothing written.
        let e = bulletin::issue(
            store,
            &office(),
            id,
            "吉民办〔2023〕9号",
            TODAY,
            &thresholds(),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict { reason } if reason.contains("第1期通报(吉民办〔2023〕8号)已印发")),
            "{l}: {e}"
        );
        let e = bulletin::save_draft(store, &office(), id, DraftInput::default())
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict { reason } if reason.contains("不能修改")),
            "{l}: {e}"
        );
        // A correction: a new draft of the period, which may not reuse the 文号.
        let fix = bulletin::start_draft(store, &office(), plan, "2023-08", TODAY)
            .await
            .unwrap();
        assert_ne!(fix, id, "{l}");
        let e = bulletin::issue(
            store,
            &office(),
            fix,
            "吉民办〔2023〕8号",
            TODAY,
            &thresholds(),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid { field, reason } if field == "doc_no" && reason.contains("已用于第1期通报")),
            "{l}: {e}"
        );
        assert_eq!(
            store.audit_count().await.unwrap(),
            audits + 1,
            "{l}: only the new draft"
        );
        let view = bulletin::open(store, &office(), fix, TODAY, &thresholds())
            .await
            .unwrap();
        assert_eq!(
            view.corrects.as_ref().map(|c| c.id),
            Some(id),
            "{l}: says what it corrects"
        );
        let issued = bulletin::issue(
            store,
            &office(),
            fix,
            "吉民办〔2023〕10号",
            TODAY,
            &thresholds(),
        )
        .await
        .unwrap();
        assert_eq!((issued.no, issued.corrects), (2, Some(id)), "{l}");

        // The unit now sees both issued bulletins, in its workspace and in the list.
        let mine = bulletin::of_my_unit(store, &changchun).await.unwrap();
        assert_eq!(mine.len(), 2, "{l}");
        assert_eq!(
            bulletin::list(store, &changchun, plan).await.unwrap().len(),
            2
        );
        bulletin::open(store, &changchun, id, TODAY, &thresholds())
            .await
            .unwrap();
        db.finish().await;
    }
}

#[tokio::test]
async fn an_issued_bulletin_keeps_its_figures_when_later_reports_are_accepted() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let l = &db.label;
        let plan = demo_plan(store).await;
        let september = Period::parse("2023-09").unwrap();
        let mut pending: Vec<Report> = store
            .reports_of_plan(plan)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.period == september && r.status == ReportStatus::Submitted)
            .collect();
        let actor = Actor::new("office");
        // One September report accepted: September has figures.
        let first = pending.remove(0);
        review_report(store, &actor, first.id, &Decision::Accept)
            .await
            .unwrap();
        let id = bulletin::start_draft(store, &office(), plan, "2023-09", TODAY)
            .await
            .unwrap();
        bulletin::issue(
            store,
            &office(),
            id,
            "吉民办〔2023〕9号",
            TODAY,
            &thresholds(),
        )
        .await
        .unwrap();
        let issued = bulletin::open(store, &office(), id, TODAY, &thresholds())
            .await
            .unwrap();
        assert!(issued.is_frozen(), "{l}");
        // The rest of September accepted afterwards.
        for r in pending.iter().take(40) {
            review_report(store, &actor, r.id, &Decision::Accept)
                .await
                .unwrap();
        }
        let now: Body = bulletin::compute(
            store,
            plan,
            september,
            TODAY,
            &thresholds(),
            &HashMap::new(),
        )
        .await
        .unwrap();
        assert_ne!(
            now.overall, issued.body.overall,
            "{l}: the dashboard moved on"
        );
        let again = bulletin::open(store, &office(), id, TODAY, &thresholds())
            .await
            .unwrap();
        assert_eq!(again.body, issued.body, "{l}: the bulletin did not");
        // The command line writes the issued one for its period.
        let cli = bulletin::for_period(store, plan, "2023-09", TODAY, &thresholds())
            .await
            .unwrap();
        assert_eq!(cli.body, issued.body, "{l}");
        assert_eq!(cli.bulletin.map(|b| b.id), Some(id), "{l}");
        db.finish().await;
    }
}

#[tokio::test]
async fn many_clerks_issuing_one_draft_at_once_issue_it_once() {
    for db in minsheng_store::testing::backends().await {
        let store = &db.store;
        let l = &db.label;
        let plan = demo_plan(store).await;
        let id = bulletin::start_draft(store, &office(), plan, "2023-08", TODAY)
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for i in 0..8 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                bulletin::issue(
                    &store,
                    &office(),
                    id,
                    &format!("吉民办〔2023〕{i}号"),
                    TODAY,
                    &Thresholds::default(),
                )
                .await
            }));
        }
        let (mut ok, mut refused) = (0, 0);
        for t in tasks {
            match t.await.unwrap() {
                Ok(i) => {
                    ok += 1;
                    assert_eq!(i.no, 1, "{l}");
                }
                Err(AppError::Conflict { reason }) => {
                    refused += 1;
                    assert!(reason.contains("已印发"), "{l}: {reason}");
                }
                Err(e) => panic!("{l}: {e}"),
            }
        }
        assert_eq!((ok, refused), (1, 7), "{l}");
        let list = store.bulletins_of_plan(plan).await.unwrap();
        assert_eq!(list.len(), 1, "{l}");
        assert_eq!(list[0].no, Some(1), "{l}");
        db.finish().await;
    }
}

/// The text of `name` inside the zip `bytes`.
fn unzip(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut f = z.by_name(name).unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

#[tokio::test]
async fn the_docx_and_xlsx_read_back_with_the_layout_and_the_numbers() {
    let db = minsheng_store::testing::sqlite().await;
    let store = &db.store;
    let plan = demo_plan(store).await;
    let id = bulletin::start_draft(store, &office(), plan, "2023-08", TODAY)
        .await
        .unwrap();
    bulletin::save_draft(
        store,
        &office(),
        id,
        DraftInput {
            opening: "现将8月份进展情况通报如下。".into(),
            closing: "下一步,请各地加快进度。".into(),
            ..DraftInput::default()
        },
    )
    .await
    .unwrap();
    bulletin::issue(
        store,
        &office(),
        id,
        "吉民办〔2023〕8号",
        TODAY,
        &thresholds(),
    )
    .await
    .unwrap();
    let view = bulletin::open(store, &office(), id, TODAY, &thresholds())
        .await
        .unwrap();

    let docx = bulletin_docx::write(&view).unwrap();
    let xml = unzip(&docx, "word/document.xml");
    // Fonts by name in the East-Asian slot.
    for font in ["方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"] {
        assert!(xml.contains(&format!("w:eastAsia=\"{font}\"")), "{font}");
    }
    // The title in 2号小标宋, a heading 一、 in 黑体, a heading (一) in 楷体.
    let run_of = |text: &str| {
        let at = xml
            .find(text)
            .unwrap_or_else(|| panic!("{text} not in the document"));
        let start = xml[..at].rfind("<w:r>").unwrap();
        xml[start..at].to_string()
    };
    let title = run_of("关于2023年8月民生实事进展情况的通报");
    assert!(
        title.contains("方正小标宋简体") && title.contains("w:val=\"44\""),
        "{title}"
    );
    assert!(run_of("一、总体进展").contains("\"黑体\""));
    assert!(run_of("(一)提前/超额完成").contains("\"楷体_GB2312\""));
    assert!(run_of("现将8月份进展情况通报如下。").contains("\"仿宋_GB2312\""));
    assert!(run_of("现将8月份进展情况通报如下。").contains("w:val=\"32\""));
    assert!(xml.contains("第1期  吉民办〔2023〕8号"));
    // A4 portrait with the GB/T 9704 margins, then a landscape section for the annexes.
    assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\" />"), "A4");
    assert!(
        xml.contains("<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1587\""),
        "margins: 37 mm top, 28 mm binding side, 156 × 225 mm 版心"
    );
    assert!(
        xml.contains("<w:pgSz w:w=\"16838\" w:h=\"11906\" w:orient=\"landscape\" />"),
        "landscape annexes"
    );
    assert!(xml.contains("附件1") && xml.contains("慢序时项目"));
    // Page numbers "— 1 —" in 4号宋体.
    let footer = unzip(&docx, "word/footer1.xml");
    assert!(
        footer.contains("— ") && footer.contains(" —") && footer.contains("PAGE"),
        "{footer}"
    );
    assert!(
        footer.contains("w:eastAsia=\"宋体\"") && footer.contains("w:val=\"28\""),
        "{footer}"
    );

    // The workbook: one sheet per annex, numbers as numbers.
    use calamine::{Data, Reader, Xlsx};
    let xlsx = bulletin_xlsx::write(&view).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let names = book.sheet_names();
    assert_eq!(
        names,
        [
            "总体情况",
            "附件1 慢序时项目",
            "附件2 按序时推进项目",
            "附件3 提前、超额完成项目",
            "附件4 各地区进展情况",
            "附件5 牵头单位进展情况",
            "附件6 责任单位排名",
        ]
    );
    let summary = book.worksheet_range("总体情况").unwrap();
    let targets = view.body.overall.targets as f64;
    assert!(
        summary
            .rows()
            .any(|r| r[0] == Data::String("指标(项)".into()) && r[1] == Data::Float(targets)),
        "the overall figures as numbers"
    );
    let behind = book.worksheet_range("附件1 慢序时项目").unwrap();
    let n = view.body.in_bucket(Bucket::Behind).count();
    assert_eq!(behind.height(), n + 1, "a row per lagging target");
    let header: Vec<String> = behind
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&header[..4], ["序号", "编号", "指标", "牵头单位"]);
    assert!(header.contains(&"滞后原因".to_string()));
    let goal_col = header.iter().position(|h| h == "目标").unwrap();
    let first = view
        .body
        .in_bucket(Bucket::Behind)
        .find(|x| !x.is_stage() && !x.unit.is_empty());
    if let Some(line) = first {
        let row = behind
            .rows()
            .skip(1)
            .find(|r| r[2] == Data::String(line.phrase.clone()))
            .unwrap();
        assert_eq!(row[goal_col], Data::Float(line.goal.try_into().unwrap()));
        assert_eq!(row[goal_col + 1], Data::String(line.unit.clone()));
    }
    let ranking = book.worksheet_range("附件6 责任单位排名").unwrap();
    assert_eq!(ranking.height(), view.body.ranking.len() + 1);
    assert_eq!(ranking.get((1, 0)), Some(&Data::Float(1.0)));
    db.finish().await;
}

/// Issue #14 item 5: the demo issues January to August, labelled invented, each as of its
/// own time (figures frozen), public on the portal.
#[tokio::test]
async fn the_demo_issues_january_to_august_labelled_invented() {
    let db = minsheng_store::testing::sqlite().await;
    let store = &db.store;
    let plan = demo_plan(store).await;
    let n = demo::issue_bulletins(store, &thresholds()).await.unwrap();
    assert_eq!(n, 8);
    let list = store.bulletins_of_plan(plan).await.unwrap();
    assert_eq!(
        list.iter().map(|b| b.no).collect::<Vec<_>>(),
        (1..=8).rev().map(Some).collect::<Vec<_>>()
    );
    for b in &list {
        assert!(b.public && !b.is_draft());
        assert!(b.opening.contains("演示数据,虚构"), "{}", b.opening);
        assert!(b.doc_no.as_deref().unwrap().ends_with("(演示)"));
    }
    let march = list
        .iter()
        .find(|b| b.period.to_string() == "2023-03")
        .unwrap();
    let view = bulletin::open(store, &office(), march.id, TODAY, &thresholds())
        .await
        .unwrap();
    assert_eq!(view.body.as_of, "2023-04-15");
    assert_eq!(
        bulletin::public_bulletins(store, plan).await.unwrap().len(),
        8
    );
    db.finish().await;
}
