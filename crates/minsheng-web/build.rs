//! Embeds Apache ECharts from `web/node_modules` (installed by `npm ci --prefix web`) into
//! the binary, with its licence texts. No third-party JavaScript is committed: only
//! `web/package.json` and `web/package-lock.json` are. Without `node_modules` the build still
//! works (with a warning) and charts stay server-rendered SVG; with `REQUIRE_ECHARTS` set it
//! fails instead (CI).

use std::{env, fs, path::PathBuf};

fn main() {
    println!("cargo::rustc-check-cfg=cfg(echarts_bundled)");
    println!("cargo::rerun-if-env-changed=REQUIRE_ECHARTS");
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let modules = manifest.join("web/node_modules");
    let echarts = modules.join("echarts");
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    // The bundle carries zrender's and tslib's code too; their licences ship beside it.
    let licences = [
        echarts.join("LICENSE"),
        echarts.join("NOTICE"),
        echarts.join("licenses/LICENSE-d3"),
        modules.join("zrender/LICENSE"),
        modules.join("tslib/LICENSE.txt"),
    ];
    let js = echarts.join("dist/echarts.min.js");
    // npm writes node_modules/.package-lock.json afresh on every install.
    let installed = [
        modules.join(".package-lock.json"),
        manifest.join("web/package-lock.json"),
        echarts.join("package.json"),
    ];
    for f in licences.iter().chain(&installed).chain([&js]) {
        println!("cargo::rerun-if-changed={}", f.display());
    }
    if js.exists() {
        fs::copy(&js, out.join("echarts.min.js")).expect("copy echarts.min.js");
        let mut text = String::from(
            "minsheng 附带的第三方前端代码及其许可 / Third-party browser code bundled with minsheng, and its licences\n\n\
             Apache ECharts 6.1.0 (echarts.min.js, with zrender and tslib)\n",
        );
        for f in &licences {
            if let Ok(t) = fs::read_to_string(f) {
                let name = f.strip_prefix(&modules).unwrap_or(f);
                text.push_str(&format!("\n===== {} =====\n\n{t}\n", name.display()));
            }
        }
        fs::write(out.join("echarts.LICENSE.txt"), text).expect("write echarts.LICENSE.txt");
        println!("cargo::rustc-cfg=echarts_bundled");
    } else if env::var_os("REQUIRE_ECHARTS").is_some() {
        panic!(
            "REQUIRE_ECHARTS is set but {} is missing: run `npm ci --prefix crates/minsheng-web/web`",
            js.display()
        );
    } else {
        println!(
            "cargo::warning=ECharts not bundled (run `npm ci --prefix crates/minsheng-web/web`); charts fall back to server-rendered SVG"
        );
    }
}
