//! The office's jobs page, its rules and everyone's channels over HTTP, on both backends: a
//! dead job shown with its reason and queued again once (409 the second time), a failing
//! channel marked for the office, bad channels refused with the field named and nothing saved,
//! a secret never shown back, a unit kept to its own unit's channels.

use crate::support::{demo_sign_in, enc, get_as, post_as, state, unit_id};
use axum::http::StatusCode;
use minsheng_app::demo;
use minsheng_store::testing::backends;
use minsheng_store::{JobStatus, NewJob};

#[tokio::test]
async fn the_office_sees_dead_letters_and_failing_channels_and_queues_a_job_again() {
    for db in backends().await {
        let l = db.label;
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let office = demo_sign_in(&st, "office").await;
        let cc = demo_sign_in(&st, "220100").await;
        let changchun = unit_id(&db.store, "长春市").await;

        // A unit's robot that keeps failing, and a job that died trying it.
        let robot = format!(
            "owner=unit&unit={changchun}&kind=wecom&target={}",
            enc("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret-robot-key")
        );
        let added = post_as(&st, &cc, "/channels", &robot).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{l}: {}", added.body);
        let channel = db
            .store
            .channels_of(minsheng_store::ChannelOwner::Unit(minsheng_domain::UnitId(
                changchun,
            )))
            .await
            .unwrap()[0]
            .id;
        let now = jiff::Timestamp::now().as_millisecond();
        let job = NewJob {
            kind: "deliver",
            key: "remind:overdue:2:2023-08",
            payload: "{}",
            run_at: now,
            max_attempts: 2,
        };
        let id = db.store.enqueue_job(&job, now).await.unwrap().unwrap();
        for _ in 0..2 {
            let claimed = db
                .store
                .claim_job("w", now + 10_000_000, 1000)
                .await
                .unwrap()
                .unwrap();
            db.store
                .begin_delivery(id, channel, &format!("k{}", claimed.attempts), now)
                .await
                .unwrap();
            db.store
                .end_delivery(
                    &format!("k{}", claimed.attempts),
                    channel,
                    Some("机器人拒绝:errcode 93000"),
                    now,
                )
                .await
                .unwrap();
            db.store
                .fail_job(
                    id,
                    "w",
                    "企业微信 errcode 93000,invalid webhook url",
                    now,
                    now,
                )
                .await
                .unwrap();
        }
        // One more failure makes three in a row: marked.
        db.store
            .end_delivery("k3", channel, Some("errcode 93000"), now)
            .await
            .unwrap();

        let page = get_as(&st, &office, "/jobs").await;
        assert_eq!(page.status, StatusCode::OK, "{l}: {}", page.body);
        assert!(page.body.contains("id=\"nav-jobs\""), "{l}");
        assert!(
            page.body.contains("id=\"failing-channels\""),
            "{l}: the office is told"
        );
        assert!(page.body.contains("连续失败 3 次"), "{l}: {}", page.body);
        assert!(
            !page.body.contains("secret-robot-key"),
            "{l}: never the key"
        );
        let dead = get_as(&st, &office, "/jobs?status=dead").await;
        assert!(dead.body.contains("invalid webhook url"), "{l}");
        assert!(
            dead.body.contains(&format!("action=\"/jobs/{id}/retry\"")),
            "{l}"
        );
        let bad = get_as(&st, &office, "/jobs?status=lost").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{l}");

        let retried = post_as(&st, &office, &format!("/jobs/{id}/retry"), "").await;
        assert_eq!(
            retried.status,
            StatusCode::SEE_OTHER,
            "{l}: {}",
            retried.body
        );
        let again = post_as(&st, &office, &format!("/jobs/{id}/retry"), "").await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{l}: {}", again.body);
        let missing = post_as(&st, &office, "/jobs/999999/retry", "").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{l}");
        let job = db.store.job(id).await.unwrap().unwrap();
        assert_eq!((job.status, job.attempts), (JobStatus::Queued, 0), "{l}");

        // A unit may not see the queue.
        assert_eq!(
            get_as(&st, &cc, "/jobs").await.status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        assert_eq!(
            post_as(&st, &cc, &format!("/jobs/{id}/retry"), "")
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn channels_are_checked_sealed_and_kept_to_who_may_set_them() {
    for db in backends().await {
        let l = db.label;
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let cc = demo_sign_in(&st, "220100").await;
        let changchun = unit_id(&db.store, "长春市").await;
        let jilin = unit_id(&db.store, "吉林市").await;
        let page = get_as(&st, &cc, "/channels").await;
        assert_eq!(page.status, StatusCode::OK, "{l}: {}", page.body);
        assert!(
            page.body.contains("id=\"channels-unit\"")
                || page.body.contains("id=\"channels-account\""),
            "{l}"
        );
        assert!(page.body.contains("长春市"), "{l}: its own unit's section");

        for (form, field) in [
            (
                format!("owner=account&kind=email&target={}", enc("不是邮箱")),
                "target",
            ),
            (
                format!(
                    "owner=unit&unit={changchun}&kind=webhook&target={}&secret=x",
                    enc("ftp://example.cn/h")
                ),
                "target",
            ),
            (
                format!(
                    "owner=unit&unit={changchun}&kind=webhook&target={}",
                    enc("https://example.cn/h")
                ),
                "secret",
            ),
            (
                format!(
                    "owner=unit&unit={changchun}&kind=dingtalk&target={}",
                    enc("https://oapi.dingtalk.com/robot/send")
                ),
                "target",
            ),
        ] {
            let p = post_as(&st, &cc, "/channels", &form).await;
            assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {form}");
            assert!(p.body.contains("id=\"channels-error\""), "{l}: {form}");
            assert!(
                p.body.contains(&format!("{field}:")),
                "{l}: {form}: {}",
                p.body
            );
        }
        assert!(
            db.store
                .channels_of(minsheng_store::ChannelOwner::Unit(minsheng_domain::UnitId(
                    changchun
                )))
                .await
                .unwrap()
                .is_empty(),
            "{l}: nothing saved"
        );

        let ding = format!(
            "owner=unit&unit={changchun}&kind=dingtalk&target={}&secret={}&keyword={}",
            enc("https://oapi.dingtalk.com/robot/send?access_token=tok-123"),
            enc("SECsigning-secret"),
            enc("民生")
        );
        assert_eq!(
            post_as(&st, &cc, "/channels", &ding).await.status,
            StatusCode::SEE_OTHER,
            "{l}"
        );
        let mail = format!(
            "owner=account&kind=email&target={}",
            enc("clerk@changchun.example.cn")
        );
        assert_eq!(
            post_as(&st, &cc, "/channels", &mail).await.status,
            StatusCode::SEE_OTHER,
            "{l}"
        );
        let page = get_as(&st, &cc, "/channels").await;
        assert!(page.body.contains("clerk@changchun.example.cn"), "{l}");
        assert!(
            page.body.contains("https://oapi.dingtalk.com/robot/send"),
            "{l}"
        );
        assert!(page.body.contains("已设置"), "{l}");
        for secret in ["tok-123", "SECsigning-secret"] {
            assert!(!page.body.contains(secret), "{l}: {secret} shown back");
        }
        // Another unit's channels are not this unit's to set or read.
        let other = format!(
            "owner=unit&unit={jilin}&kind=email&target={}",
            enc("x@jilin.example.cn")
        );
        assert_eq!(
            post_as(&st, &cc, "/channels", &other).await.status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        assert_eq!(
            get_as(&st, &cc, &format!("/channels?unit={jilin}"))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        // Deleting: one's own, audited.
        let id = db
            .store
            .channels_of(minsheng_store::ChannelOwner::Unit(minsheng_domain::UnitId(
                changchun,
            )))
            .await
            .unwrap()[0]
            .id;
        let del = post_as(
            &st,
            &cc,
            &format!("/channels/{id}/delete"),
            &format!("owner=unit&unit={changchun}"),
        )
        .await;
        assert_eq!(del.status, StatusCode::SEE_OTHER, "{l}");
        let trail = db.store.audit_events("channel", id).await.unwrap();
        assert_eq!(trail.len(), 2, "{l}: added and deleted");
        assert!(
            !format!("{trail:?}").contains("SECsigning-secret"),
            "{l}: the audit keeps no secret"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn the_office_sets_its_rules_and_a_bad_hour_is_refused() {
    for db in backends().await {
        let l = db.label;
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let office = demo_sign_in(&st, "office").await;
        let page = get_as(&st, &office, "/jobs/rules").await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(
            page.body.contains("value=\"22\""),
            "{l}: the default quiet hours"
        );
        let bad = post_as(
            &st,
            &office,
            "/jobs/rules",
            "due_soon=on&due_soon_days=3&review_days=5&quiet_from=25&quiet_to=7",
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(bad.body.contains("quiet_from"), "{l}: {}", bad.body);
        let ok = post_as(
            &st,
            &office,
            "/jobs/rules",
            "overdue=on&due_soon_days=5&review_days=7&quiet_from=21&quiet_to=8",
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{l}: {}", ok.body);
        let rules = db.store.notify_rules().await.unwrap();
        assert!(
            !rules.due_soon && rules.overdue && !rules.awaiting_review,
            "{l}"
        );
        assert_eq!(rules.reminder_rule().due_soon_days(), 5, "{l}");
        assert_eq!(rules.quiet(), Some((21, 8)), "{l}");
        let cc = demo_sign_in(&st, "220100").await;
        assert_eq!(
            get_as(&st, &cc, "/jobs/rules").await.status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn the_office_sends_an_issued_bulletin_to_the_units_once() {
    for db in backends().await {
        let l = db.label;
        demo::build(&db.store).await.unwrap();
        demo::issue_bulletins(&db.store, &Default::default())
            .await
            .unwrap();
        let st = state(&db.store, true);
        let office = demo_sign_in(&st, "office").await;
        let cc = demo_sign_in(&st, "220100").await;
        let plan = db.store.plans().await.unwrap()[0].id;
        let bulletins = db.store.bulletins_of_plan(plan).await.unwrap();
        let issued = bulletins
            .iter()
            .find(|b| !b.is_draft())
            .expect("the demo issues bulletins")
            .id;
        let page = get_as(&st, &office, &format!("/bulletins/{issued}")).await;
        assert!(page.body.contains("id=\"send-bulletin\""), "{l}");
        let sent = post_as(&st, &office, &format!("/bulletins/{issued}/send"), "").await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{l}: {}", sent.body);
        let mut units: Vec<i64> = db
            .store
            .assignments_of_plan(plan)
            .await
            .unwrap()
            .iter()
            .map(|a| a.unit.0)
            .collect();
        units.sort_unstable();
        units.dedup();
        let queued = |jobs: &[minsheng_store::Job]| {
            jobs.iter()
                .filter(|j| j.key.starts_with(&format!("bulletin:{issued}:")))
                .count()
        };
        let jobs = db.store.jobs(None, 1000).await.unwrap();
        assert_eq!(
            queued(&jobs),
            units.len(),
            "{l}: one per unit holding a share"
        );
        let one = jobs
            .iter()
            .find(|j| j.key == format!("bulletin:{issued}:{}", units[0]))
            .unwrap();
        let payload: minsheng_app::jobs::Deliver = serde_json::from_str(&one.payload).unwrap();
        assert!(
            payload.subject.contains("进展通报"),
            "{l}: {}",
            payload.subject
        );
        assert!(payload.text.contains("一、总体进展"), "{l}");
        // Again: nothing more.
        post_as(&st, &office, &format!("/bulletins/{issued}/send"), "").await;
        let jobs = db.store.jobs(None, 1000).await.unwrap();
        assert_eq!(queued(&jobs), units.len(), "{l}: each unit once");
        // A unit may not send; a draft cannot be sent.
        assert_eq!(
            post_as(&st, &cc, &format!("/bulletins/{issued}/send"), "")
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let me = db
            .store
            .account_by_name("office")
            .await
            .unwrap()
            .unwrap()
            .account;
        let draft =
            minsheng_app::bulletin::start_draft(&db.store, &me, plan, "2023-08", demo::DEMO_AS_OF)
                .await
                .unwrap();
        let p = post_as(&st, &office, &format!("/bulletins/{draft}/send"), "").await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{l}: {}", p.body);
        db.finish().await;
    }
}
