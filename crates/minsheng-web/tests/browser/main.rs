//! End-to-end in headless Chromium (Debian's `chromium` and `chromium-driver`, driven by
//! fantoccini): each role signs in to its own pages; a report goes from a unit's draft through a
//! return and a resubmission to acceptance, and the office's figures follow; the public portal
//! shows no internal data; a unit cannot reach another unit's data by direct URL or the API.
//! Screenshots of the main pages are saved to `screenshots/` at the repository root.

mod harness;

use fantoccini::Locator;
use harness::{demo_site, screenshot, sign_in, sign_out, text, with_browser};
use minsheng_store::testing::sqlite;

#[tokio::test]
async fn each_role_signs_in_to_its_own_pages() {
    let site = demo_site(sqlite().await).await;
    let base = site.base.clone();
    with_browser(move |c| async move {
        let site = harness::Site::at(&base);
        for (name, home, shot) in [
            ("office", "/office", "office-dashboard"),
            ("leader", "/office", "leader-dashboard"),
            ("220100", "/workspace", "unit-workspace"),
        ] {
            sign_in(&c, &site, name).await;
            let url = c.current_url().await.unwrap();
            assert_eq!(url.path(), home, "{name} lands on {home}");
            screenshot(&c, shot).await;
            sign_out(&c).await;
        }
        // Signed out, an internal page asks to sign in again.
        c.goto(&site.url("/office")).await.unwrap();
        c.wait()
            .for_element(Locator::Id("sign-in-form"))
            .await
            .unwrap();
        screenshot(&c, "sign-in").await;
        assert!(text(&c, "#demo-accounts").await.contains("minsheng-demo"));
    })
    .await;
    site.db.finish().await;
}
