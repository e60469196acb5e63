//! Issue #17 item 4 through the pages, on the demo: a visitor on a published plan's public
//! page finds the open-data downloads and follows each link — CSV (with its BOM), Excel,
//! JSON, the Atom feed and the IATI XML all answer with the plan's data, signed in or not.
//! Screenshots at 1280 and 375 px (nothing scrolls sideways on a phone).

use super::harness::{self, demo_site, page_width, screenshot, with_browser};
use super::{click, fetch_in_page};
use fantoccini::Locator;
use minsheng_store::testing::sqlite;

/// The first bytes each download starts with, and what its media type names.
const DOWNLOADS: [(&str, &str, &str); 5] = [
    ("download-csv", "text/csv", "\u{ef}\u{bb}"),
    ("download-xlsx", "spreadsheetml", "PK"),
    ("download-json", "application/json", "{\n"),
    ("download-atom", "application/atom+xml", "<?"),
    ("download-iati", "application/xml", "<?"),
];

#[tokio::test]
async fn a_visitor_downloads_a_plans_open_data_from_its_public_page() {
    let site = demo_site(sqlite().await).await;
    let base = site.base.clone();
    with_browser(move |c| async move {
        let site = harness::Site::at(&base);
        c.set_window_size(1280, 1000).await.unwrap();
        c.goto(&site.url("/public")).await.unwrap();
        click(&c, "a[href^=\"/public/plans/\"]").await;
        c.wait()
            .for_element(Locator::Id("open-data"))
            .await
            .unwrap();
        c.execute(
            "document.getElementById('open-data').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
        screenshot(&c, "open-data").await;
        let plan = c.current_url().await.unwrap().path().to_string();
        for (id, media, magic) in DOWNLOADS {
            let link = c.find(Locator::Id(id)).await.unwrap();
            assert!(!link.text().await.unwrap().is_empty(), "{id} has words");
            let href = link.attr("href").await.unwrap().unwrap();
            assert!(href.starts_with(&plan), "{id}: {href} is this plan's");
            let (status, ctype, first, len) = fetch_in_page(&c, &href).await;
            assert_eq!(status, 200, "{href}");
            assert!(ctype.contains(media), "{href}: {ctype}");
            assert_eq!(first, magic, "{href} starts as its format does");
            assert!(len > 1000, "{href}: {len} bytes");
        }
        // The feed opens in the browser (it is not a download).
        let feed = c
            .find(Locator::Id("download-atom"))
            .await
            .unwrap()
            .attr("download")
            .await
            .unwrap();
        assert_eq!(feed, None);

        // On a phone: the links wrap, nothing scrolls sideways.
        c.set_window_size(375, 812).await.unwrap();
        c.execute(
            "document.getElementById('open-data').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
        let (scroll, inner) = page_width(&c).await;
        screenshot(&c, "open-data-375").await;
        c.set_window_size(1280, 1000).await.unwrap();
        assert!(scroll <= inner, "{scroll} px wide in a {inner} px window");
    })
    .await;
    site.db.finish().await;
}
