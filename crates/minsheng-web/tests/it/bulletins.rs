//! 进展通报 over HTTP on the demo, on both backends: the office starts a draft for a month,
//! writes its words and a reason, issues it with a 文号, downloads it as DOCX and XLSX; bad
//! requests are answered 422 or 409 naming the bulletin, nothing changed; a unit finds the
//! issued bulletin in its workspace, the public on the portal once it is public.

use crate::support::{demo_sign_in, enc, get_as, post_as, state};
use axum::http::{StatusCode, header};
use minsheng_app::demo;
use minsheng_store::testing::backends;

#[tokio::test]
async fn the_office_drafts_edits_issues_and_downloads_a_bulletin() {
    for db in backends().await {
        let l = &db.label;
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let plan = db.store.plans().await.unwrap()[0].id;
        let office = demo_sign_in(&st, "office").await;
        let cc = demo_sign_in(&st, "220100").await;

        // The menu leads the office to the plan's bulletins.
        let home = get_as(&st, &office, "/bulletins").await;
        assert_eq!(home.status, StatusCode::SEE_OTHER, "{l}");
        assert_eq!(
            home.location.as_deref(),
            Some(&*format!("/plans/{plan}/bulletins"))
        );
        let list = get_as(&st, &office, &format!("/plans/{plan}/bulletins")).await;
        assert_eq!(list.status, StatusCode::OK, "{l}");
        assert!(list.body.contains("id=\"new-bulletin-form\""), "{l}");
        assert!(list.body.contains("<option value=\"2023-08\">"), "{l}");
        assert!(
            !list.body.contains("<option value=\"2023-09\">"),
            "{l}: no accepted data"
        );

        // A month with no accepted figure: 422, naming it.
        let bad = post_as(
            &st,
            &office,
            &format!("/plans/{plan}/bulletins"),
            "period=2023-09",
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(bad.body.contains("尚无已审核通过的数据"), "{l}");
        assert!(
            db.store.bulletins_of_plan(plan).await.unwrap().is_empty(),
            "{l}"
        );

        let made = post_as(
            &st,
            &office,
            &format!("/plans/{plan}/bulletins"),
            "period=2023-08",
        )
        .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{l}: {}", made.body);
        let href = made.location.unwrap();
        let id: i64 = href.trim_start_matches("/bulletins/").parse().unwrap();
        let page = get_as(&st, &office, &href).await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(
            page.body.contains("关于2023年8月民生实事进展情况的通报"),
            "{l}"
        );
        assert!(page.body.contains("id=\"bulletin-edit-form\""), "{l}");
        assert!(page.body.contains("件实事已完成"), "{l}: the overall line");
        assert!(page.body.contains("id=\"bucket-behind\""), "{l}");
        // A unit does not see a draft.
        let hidden = get_as(&st, &cc, &href).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{l}");
        let refused = post_as(&st, &cc, &href, "opening=x").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{l}");

        // The office's words and a reason of its own.
        let behind = db
            .store
            .bulletin_reasons(minsheng_domain::BulletinId(id))
            .await
            .unwrap();
        assert!(behind.is_empty());
        let reason_field = page
            .body
            .split("name=\"reason_")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("a lagging target's reason field")
            .to_string();
        let form = format!(
            "opening={}&closing={}&public=1&reason_{reason_field}={}",
            enc("现将8月份进展情况通报如下。"),
            enc("请各地加快进度。"),
            enc("受汛期影响,施工暂停")
        );
        let saved = post_as(&st, &office, &href, &form).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{l}: {}", saved.body);
        let page = get_as(&st, &office, &format!("{href}?saved=1")).await;
        assert!(page.body.contains("现将8月份进展情况通报如下。"), "{l}");
        assert!(page.body.contains("受汛期影响,施工暂停"), "{l}");
        // Too long: 422, nothing saved.
        let long = format!("opening={}", "字".repeat(5001));
        let e = post_as(&st, &office, &href, &long).await;
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(e.body.contains("通报正文过长"), "{l}");

        // Issue without a 文号: 422; with one: issued and frozen.
        let e = post_as(&st, &office, &format!("{href}/issue"), "doc_no=").await;
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(e.body.contains("文号不能为空"), "{l}");
        let doc_no = enc("吉民办〔2023〕8号");
        let ok = post_as(
            &st,
            &office,
            &format!("{href}/issue"),
            &format!("doc_no={doc_no}"),
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{l}: {}", ok.body);
        let page = get_as(&st, &office, &href).await;
        assert!(page.body.contains("第1期通报(吉民办〔2023〕8号)"), "{l}");
        assert!(
            !page.body.contains("id=\"bulletin-edit-form\""),
            "{l}: frozen"
        );
        // Again, or an edit: 409 naming it; nothing changed.
        let again = post_as(&st, &office, &format!("{href}/issue"), "doc_no=x").await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{l}");
        assert!(
            again.body.contains("第1期通报(吉民办〔2023〕8号)已印发"),
            "{l}"
        );
        let edit = post_as(&st, &office, &href, "opening=x").await;
        assert_eq!(edit.status, StatusCode::CONFLICT, "{l}");
        let b = db
            .store
            .bulletin(minsheng_domain::BulletinId(id))
            .await
            .unwrap();
        assert_eq!(b.opening, "现将8月份进展情况通报如下。", "{l}");

        // Downloads.
        let docx = get_as(&st, &office, &format!("{href}/bulletin.docx")).await;
        assert_eq!(docx.status, StatusCode::OK, "{l}");
        assert_eq!(
            docx.headers[header::CONTENT_TYPE],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        let cd = docx.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            cd.starts_with("attachment; filename=\"bulletin-") && cd.contains("filename*=UTF-8''"),
            "{cd}"
        );
        assert!(docx.body.starts_with("PK"), "{l}: a zip");
        let xlsx = get_as(&st, &office, &format!("{href}/bulletin.xlsx")).await;
        assert_eq!(xlsx.status, StatusCode::OK, "{l}");
        assert!(xlsx.body.starts_with("PK"), "{l}");

        // The unit finds it in its workspace and may read it; the public on the portal.
        let ws = get_as(&st, &cc, "/workspace").await;
        assert!(
            ws.body.contains(&format!("href=\"/bulletins/{id}\"")),
            "{l}"
        );
        let read = get_as(&st, &cc, &href).await;
        assert_eq!(read.status, StatusCode::OK, "{l}");
        assert!(!read.body.contains("id=\"bulletin-edit-form\""), "{l}");
        let portal = get_as(&st, "", &format!("/public/plans/{plan}")).await;
        assert!(
            portal
                .body
                .contains(&format!("href=\"/public/bulletins/{id}\"")),
            "{l}"
        );
        let public = get_as(&st, "", &format!("/public/bulletins/{id}")).await;
        assert_eq!(public.status, StatusCode::OK, "{l}");
        assert!(
            !public.body.contains("bulletin.docx"),
            "{l}: no internal links"
        );
        // In English, the same figures in English words.
        let en = get_as(&st, &format!("{office}; lang=en"), &href).await;
        assert!(
            en.body
                .contains("Progress of the livelihood commitments, August 2023"),
            "{l}: {}",
            &en.body[..400.min(en.body.len())]
        );

        // A correction says which bulletin it corrects.
        let fix = post_as(
            &st,
            &office,
            &format!("/plans/{plan}/bulletins"),
            "period=2023-08",
        )
        .await;
        let fix_href = fix.location.unwrap();
        assert_ne!(fix_href, href, "{l}");
        let fix_page = get_as(&st, &office, &fix_href).await;
        assert!(fix_page.body.contains("id=\"bulletin-corrects\""), "{l}");
        db.finish().await;
    }
}
