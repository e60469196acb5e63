//! Issue #17 through the pages, on the demo: 长春市's clerk sets the unit's 企业微信 robot
//! (an e-mail address that does not parse is refused first, the field named), the reminder to
//! it fails until it is a dead letter (a real worker against a closed port), and the office
//! sees the failing channel and the dead letter on its jobs page and queues the job again;
//! the office's rules page. Screenshots at 1280 and 375 px.

use super::click;
use super::harness::{
    self, demo_site, page_width, screenshot, sign_in, sign_out, text, with_browser,
};
use fantoccini::Locator;
use minsheng_app::jobs::{Deliver, Recipient, Worker, WorkerSettings, enqueue_delivery};
use minsheng_app::notify::{Notifier, Sealer};
use minsheng_store::testing::sqlite;
use std::sync::Arc;
use std::time::Duration;

/// The page now shown fits a 375 px phone (nothing scrolls sideways); saved as `shot`.
async fn fits_a_phone(c: &fantoccini::Client, shot: &str) {
    c.set_window_size(375, 812).await.unwrap();
    let (scroll, inner) = page_width(c).await;
    screenshot(c, shot).await;
    c.set_window_size(1280, 1000).await.unwrap();
    assert!(
        scroll <= inner,
        "{shot}: {scroll} px wide in a {inner} px window"
    );
}

#[tokio::test]
async fn a_unit_sets_its_robot_the_office_sees_it_fail_and_queues_the_job_again() {
    let site = demo_site(sqlite().await).await;
    let store = site.db.store.clone();
    let changchun = store.unit_by_name("长春市").await.unwrap().unwrap().id;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (base, base2) = (site.base.clone(), site.base.clone());
    with_browser(move |c| async move {
        let site = harness::Site::at(&base);
        sign_in(&c, &site, "220100").await;
        click(&c, "#nav-channels").await;
        c.wait()
            .for_element(Locator::Id("channels-unit"))
            .await
            .unwrap();

        // A bad address first: refused, the field named, nothing kept.
        let mine = c.find(Locator::Css("#add-account")).await.unwrap();
        mine.find(Locator::Css("input.target"))
            .await
            .unwrap()
            .send_keys("长春市@")
            .await
            .unwrap();
        click(&c, "#add-account button[type=submit]").await;
        c.wait()
            .for_element(Locator::Id("channels-error"))
            .await
            .unwrap();
        assert!(text(&c, "#channels-error").await.contains("target"));
        screenshot(&c, "channels-refused").await;

        // The unit's 企业微信 robot (its key sealed; the robot's port here is closed).
        c.goto(&site.url("/channels")).await.unwrap();
        let unit = c
            .wait()
            .for_element(Locator::Css("#add-unit"))
            .await
            .unwrap();
        unit.find(Locator::Css("select.kind option[value=wecom]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        unit.find(Locator::Css("input.target"))
            .await
            .unwrap()
            .send_keys(&format!(
                "http://127.0.0.1:{closed}/cgi-bin/webhook/send?key=robot-secret-key"
            ))
            .await
            .unwrap();
        click(&c, "#add-unit button[type=submit]").await;
        c.wait()
            .for_element(Locator::Id("channels-note"))
            .await
            .unwrap();
        let row = text(&c, "#channels-unit").await;
        assert!(
            row.contains("企业微信群机器人") && row.contains("已设置"),
            "{row}"
        );
        assert!(!c.source().await.unwrap().contains("robot-secret-key"));
        screenshot(&c, "channels").await;
        fits_a_phone(&c, "channels-375").await;
        sign_out(&c).await;
    })
    .await;

    // The reminder to 长春市, run by a real worker until it is dead.
    let sealer = Arc::new(Sealer::from_text(&"ab".repeat(32)).unwrap());
    let notifier = Arc::new(Notifier::new(None, Some(sealer), Duration::from_secs(2)).unwrap());
    let worker = Worker::new(
        store.clone(),
        notifier,
        WorkerSettings {
            id: "browser-test".into(),
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(10),
        },
    );
    let noon: jiff::Timestamp = "2023-09-10T04:00:00Z".parse().unwrap();
    let key = format!("remind:overdue:{}:2023-08", changchun.0);
    enqueue_delivery(
        &store,
        &key,
        &Deliver {
            to: Recipient::Unit(changchun.0),
            subject: "【民生实事】逾期未报提醒(2023-08)".into(),
            text: "长春市:8月进展报告已逾期。".into(),
            html: "<p>长春市:8月进展报告已逾期。</p>".into(),
        },
        noon,
    )
    .await
    .unwrap();
    let mut now = noon;
    for _ in 0..8 {
        while worker.run_once(now).await.unwrap().is_some() {}
        now = now
            .checked_add(jiff::SignedDuration::from_hours(2))
            .unwrap();
    }
    let job = store.job_by_key(&key).await.unwrap().unwrap();
    assert_eq!(job.status, minsheng_store::JobStatus::Dead);
    let shown = key.clone();

    with_browser(move |c| async move {
        let site = harness::Site::at(&base2);
        sign_in(&c, &site, "office").await;
        click(&c, "#nav-jobs").await;
        c.wait()
            .for_element(Locator::Id("failing-channels"))
            .await
            .unwrap();
        assert!(text(&c, "#failing-channels").await.contains("长春市"));
        click(&c, "#count-dead").await;
        c.wait()
            .for_element(Locator::Css("tr.job-dead"))
            .await
            .unwrap();
        assert!(text(&c, "tr.job-dead").await.contains("连接失败"));
        screenshot(&c, "jobs-dead").await;
        fits_a_phone(&c, "jobs-375").await;
        click(&c, "tr.job-dead button.retry").await;
        c.wait()
            .for_element(Locator::Id("jobs-note"))
            .await
            .unwrap();
        assert!(text(&c, "#jobs").await.contains(&shown));
        screenshot(&c, "jobs-retried").await;

        click(&c, "#rules-link").await;
        c.wait()
            .for_element(Locator::Id("rules-form"))
            .await
            .unwrap();
        c.find(Locator::Id("quiet-from"))
            .await
            .unwrap()
            .clear()
            .await
            .unwrap();
        c.find(Locator::Id("quiet-from"))
            .await
            .unwrap()
            .send_keys("21")
            .await
            .unwrap();
        click(&c, "#save-rules").await;
        c.wait()
            .for_element(Locator::Id("rules-note"))
            .await
            .unwrap();
        screenshot(&c, "jobs-rules").await;
        fits_a_phone(&c, "jobs-rules-375").await;
    })
    .await;
    let job = store.job_by_key(&key).await.unwrap().unwrap();
    assert_eq!(job.status, minsheng_store::JobStatus::Queued);
    assert_eq!(store.notify_rules().await.unwrap().quiet(), Some((21, 7)));
    site.db.finish().await;
}
