//! One place that starts what a browser test needs — the site on a free port over a fresh demo
//! database, Debian's chromedriver, headless Chromium — and always shuts the browser down, even
//! when the test body panics (a panicking body that skipped `close()` left Chromium running
//! once, re-parented to PID 1: `../shared/DEPENDENCIES.md` §5).

use fantoccini::{Client, ClientBuilder, Locator};
use minsheng_app::demo;
use minsheng_store::testing::TestDb;
use minsheng_web::AppState;
use std::future::Future;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

/// The chromedriver to use: `$CHROMEDRIVER`, else Debian's.
fn chromedriver() -> Option<PathBuf> {
    let p = std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
    p.exists().then_some(p)
}

/// Where the screenshots of the main pages go (README: "Screenshots").
pub fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running site: its address and database.
pub struct Site {
    pub base: String,
    pub db: TestDb,
}

/// A site's address, as the browser side of a test holds it.
pub struct SiteAt {
    base: String,
}

impl SiteAt {
    /// The full URL of a path on the site.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Site {
    /// The address alone, to move into the browser's task.
    pub fn at(base: &str) -> SiteAt {
        SiteAt {
            base: base.to_string(),
        }
    }
}

/// Serves a fresh demo (with its invented year of reports) over `db` on 127.0.0.1:0.
pub async fn demo_site(db: TestDb) -> Site {
    demo::build(&db.store).await.unwrap();
    let state = AppState {
        store: db.store.clone(),
        demo: true,
        today: Some(demo::DEMO_AS_OF),
        thresholds: Default::default(),
        secure_cookies: false,
        trusted_proxies: Default::default(),
        caches: Default::default(),
        replica: None,
        sealer: Some(std::sync::Arc::new(
            minsheng_app::notify::Sealer::from_text(&"ab".repeat(32)).unwrap(),
        )),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = minsheng_web::serve(listener, state).await;
    });
    Site { base, db }
}

/// A province as an installation sets it up before its first day — regions, one department,
/// the office's and one city's accounts (the `minsheng user` command's work) — and nothing
/// else: no plan, no population, no reports. Served on 127.0.0.1:0 with `today` as its day.
pub async fn fresh_site(db: TestDb, today: jiff::civil::Date) -> Site {
    use minsheng_domain::{Actor, Role, UnitKind};
    let store = &db.store;
    let mut tx = store.begin(&Actor::new("setup")).await.unwrap();
    let unit = |parent, kind, name: &str| minsheng_store::NewUnit {
        parent,
        kind,
        name: name.into(),
        code: None,
    };
    let province = tx
        .insert_unit(&unit(None, UnitKind::Province, "吉林省"))
        .await
        .unwrap();
    let changchun = tx
        .insert_unit(&unit(Some(province), UnitKind::City, "长春市"))
        .await
        .unwrap();
    for name in ["吉林市", "四平市"] {
        tx.insert_unit(&unit(Some(province), UnitKind::City, name))
            .await
            .unwrap();
    }
    for name in ["南关区", "朝阳区"] {
        tx.insert_unit(&unit(Some(changchun), UnitKind::County, name))
            .await
            .unwrap();
    }
    tx.insert_unit(&unit(
        Some(province),
        UnitKind::Department,
        "省住房和城乡建设厅",
    ))
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let setup = Actor::new("setup");
    for (name, role, unit) in [
        ("office", Role::Office, Some("吉林省")),
        ("changchun", Role::Unit, Some("长春市")),
    ] {
        minsheng_app::accounts::add_account(store, &setup, name, demo::DEMO_PASSWORD, role, unit)
            .await
            .unwrap();
    }
    let state = AppState {
        store: db.store.clone(),
        demo: false,
        today: Some(today),
        thresholds: Default::default(),
        secure_cookies: false,
        trusted_proxies: Default::default(),
        caches: Default::default(),
        replica: None,
        sealer: Some(std::sync::Arc::new(
            minsheng_app::notify::Sealer::from_text(&"ab".repeat(32)).unwrap(),
        )),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = minsheng_web::serve(listener, state).await;
    });
    Site { base, db }
}

/// Runs `body` with a fresh headless Chromium (own profile, Chinese locale), then closes the
/// browser whatever happened, then re-raises the body's panic. Without chromedriver the test is
/// skipped — except under `CI=true`, where that is a failure.
pub async fn with_browser<F, Fut>(body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(driver_path) = chromedriver() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromedriver is missing: apt-get install chromium chromium-driver fonts-noto-cjk"
        );
        eprintln!(
            "skipping: chromedriver not installed (apt-get install chromium chromium-driver)"
        );
        return;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut driver = tokio::process::Command::new(&driver_path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start chromedriver");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let profile = std::env::temp_dir().join(format!("minsheng-chromium-{port}"));
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--lang=zh-CN",
                     "--window-size=1280,1000",
                     format!("--user-data-dir={}", profile.display())]
        }
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("connect to chromedriver");
    let outcome = tokio::spawn(body(client.clone())).await;
    let _ = client.close().await;
    let _ = driver.kill().await;
    let _ = std::fs::remove_dir_all(&profile);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Saves a screenshot of the page now shown as `screenshots/NAME.png`.
pub async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
}

/// Signs in through the form as `name` with the demo password, and waits for the home page.
pub async fn sign_in(c: &Client, site: &SiteAt, name: &str) {
    c.goto(&site.url("/login")).await.unwrap();
    c.find(Locator::Id("name"))
        .await
        .unwrap()
        .send_keys(name)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(demo::DEMO_PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Id("sign-in-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The frame shows the account by what it is (长春市); its login is the title.
    let login = c
        .wait()
        .for_element(Locator::Id("signed-in-as"))
        .await
        .unwrap()
        .attr("title")
        .await
        .unwrap();
    assert_eq!(
        login.as_deref(),
        Some(name),
        "signed in as {login:?}, wanted {name}"
    );
}

/// Signs out through the header's button.
pub async fn sign_out(c: &Client) {
    c.find(Locator::Id("sign-out"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("sign-in")).await.unwrap();
}

/// The text of the first element matching `css`.
pub async fn text(c: &Client, css: &str) -> String {
    c.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Whether the page now shown fits its window's width: nothing to scroll sideways (a wide
/// table may scroll inside itself). Returns (the page's scroll width, the window's width).
pub async fn page_width(c: &Client) -> (i64, i64) {
    let v = c
        .execute(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
            vec![],
        )
        .await
        .unwrap();
    let w = |i: usize| v[i].as_i64().unwrap();
    (w(0), w(1))
}
