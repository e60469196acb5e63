//! Chinese first, English second: the language a page is shown in, and the typed catalog of
//! the words every page shares. A page with words of its own keeps its own catalog struct
//! beside its handler, with a `static ZH` and a `static EN`, so a key missing in either
//! language is a compile error (`../shared/DEPENDENCIES.md` §1, row 3).
//!
//! The language is chosen with the `lang` cookie, which `/lang/{zh|en}` sets; without it pages
//! are in Chinese.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use std::convert::Infallible;

/// The language of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 简体中文, the default.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The cookie and URL code: `zh` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The language for a code.
    pub fn from_code(s: &str) -> Option<Lang> {
        match s {
            "zh" | "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The value of `<html lang>`.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The other language, which the switch offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// `zh` in Chinese, `en` in English.
    pub fn pick<T>(self, zh: T, en: T) -> T {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// A figure with its unit, by the one rule of each language: "2.69万人" in Chinese,
    /// "26,917 people" in English ([`minsheng_domain::quantity::show_zh`], `show_en`).
    pub fn amount(
        self,
        value: impl std::borrow::Borrow<rust_decimal::Decimal>,
        unit: &str,
    ) -> String {
        let value = *value.borrow();
        match self {
            Lang::Zh => minsheng_domain::quantity::show_zh(value, unit),
            Lang::En => minsheng_domain::quantity::show_en(value, unit),
        }
    }

    /// A target's quantity, as [`Lang::amount`] writes it.
    pub fn quantity(self, q: &minsheng_domain::Quantity) -> String {
        self.amount(q.value, &q.unit)
    }

    /// A bare figure: "2.69万" in Chinese, "26,917" in English.
    pub fn number(self, value: rust_decimal::Decimal) -> String {
        match self {
            Lang::Zh => minsheng_domain::quantity::format_zh(value),
            Lang::En => minsheng_domain::quantity::format_en(value),
        }
    }

    /// The shared words in this language.
    pub fn common(self) -> &'static Common {
        self.pick(&ZH, &EN)
    }

    /// The language a request asks for by its `lang` cookie.
    pub fn of_request(parts: &Parts) -> Lang {
        Lang::of_headers(&parts.headers)
    }

    /// The language a request's headers ask for by its `lang` cookie.
    pub fn of_headers(headers: &axum::http::HeaderMap) -> Lang {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == "lang")
            .and_then(|(_, v)| Lang::from_code(v))
            .unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::of_request(parts))
    }
}

/// The words every page shares: the frame, the navigation, signing in.
#[derive(Debug)]
pub struct Common {
    /// The site's name.
    pub brand: &'static str,
    /// The line under the name.
    pub tagline: &'static str,
    /// The switch's label: the other language's own name.
    pub switch_label: &'static str,
    /// Navigation: the office's overview.
    pub nav_dashboard: &'static str,
    /// Navigation: the review queue.
    pub nav_review: &'static str,
    /// The menu's link to the office's 催报 page.
    pub nav_chase: &'static str,
    /// The office's background jobs.
    pub nav_jobs: &'static str,
    /// One's notification channels.
    pub nav_channels: &'static str,
    /// The menu's link to the bulletins (进展通报).
    pub nav_bulletins: &'static str,
    /// The menu's link to the major-projects dashboard.
    pub nav_projects: &'static str,
    /// The link to a plan's assessment scores (考核).
    pub nav_assessment: &'static str,
    /// Navigation: the problems board.
    pub nav_problems: &'static str,
    /// Navigation: the unit's workspace.
    pub nav_workspace: &'static str,
    /// Navigation: the plans.
    pub nav_plans: &'static str,
    /// Navigation: the public portal.
    pub nav_portal: &'static str,
    /// Sign in.
    pub sign_in: &'static str,
    /// Sign out.
    pub sign_out: &'static str,
    /// The sign-in form's account field.
    pub account_name: &'static str,
    /// The sign-in form's password field.
    pub password: &'static str,
    /// The sign-in page's heading.
    pub sign_in_title: &'static str,
    /// The note on the sign-in page.
    pub sign_in_note: &'static str,
    /// The demo banner's heading.
    pub demo_title: &'static str,
    /// The demo banner's text.
    pub demo_body: &'static str,
    /// The demo accounts' line on the sign-in page.
    pub demo_accounts: &'static str,
    /// "Home" on error pages.
    pub home: &'static str,
    /// Shown for a value that is not there.
    pub none: &'static str,
    /// The link to a record's audit trail.
    pub audit: &'static str,
    /// The link to a target's decomposition page (任务分解).
    pub decompose: &'static str,
    /// The link to a plan's decomposition status.
    pub decomposition_status: &'static str,
    /// The link to a plan's implementation plans filed.
    pub implementation_status: &'static str,
    /// The link to a multi-year plan's goals page.
    pub goals: &'static str,
}

/// 简体中文.
pub static ZH: Common = Common {
    brand: "民生实事跟踪",
    tagline: "承诺从文件到兑现",
    switch_label: "English",
    nav_dashboard: "调度总览",
    nav_review: "审核",
    nav_chase: "催报",
    nav_jobs: "后台任务",
    nav_channels: "通知渠道",
    nav_bulletins: "通报",
    nav_projects: "重大项目",
    nav_assessment: "考核得分",
    nav_problems: "协调事项",
    nav_workspace: "我的任务",
    nav_plans: "计划",
    nav_portal: "公开进度",
    sign_in: "登录",
    sign_out: "退出",
    account_name: "账号",
    password: "密码",
    sign_in_title: "登录民生实事跟踪系统",
    sign_in_note: "牵头办公室、责任单位和领导使用各自账号登录;公众无需登录即可查看公开进度。",
    demo_title: "演示数据",
    demo_body: "计划原文与事项取自《中共吉林省委吉林省人民政府关于2023年全省民生实事安排的意见》;各项目标的牵头单位、市(州)分解任务及1—9月的报告均为虚构;2024年计划是在此基础上虚构的文本(用于计划对比与年终结转),仅供演示。",
    demo_accounts: "演示账号(密码均为 minsheng-demo):office(牵头办公室)、leader(领导查看)、各市(州)以行政区划代码登录(如 220100 长春市)、各省直部门以部门全称登录(如 省人力资源和社会保障厅)。",
    home: "返回首页",
    none: "—",
    audit: "审计记录",
    decompose: "分解任务",
    decomposition_status: "任务分解情况",
    implementation_status: "实施方案报送情况",
    goals: "中长期目标进展",
};

/// English.
pub static EN: Common = Common {
    brand: "Minsheng commitments tracker",
    tagline: "from the document to delivery",
    switch_label: "中文",
    nav_dashboard: "Overview",
    nav_review: "Review",
    nav_chase: "Chase",
    nav_jobs: "Jobs",
    nav_channels: "Channels",
    nav_bulletins: "Bulletins",
    nav_projects: "Projects",
    nav_assessment: "Assessment scores",
    nav_problems: "Problems",
    nav_workspace: "My assignments",
    nav_plans: "Plans",
    nav_portal: "Public progress",
    sign_in: "Sign in",
    sign_out: "Sign out",
    account_name: "Account",
    password: "Password",
    sign_in_title: "Sign in to the commitments tracker",
    sign_in_note: "The coordinating office, responsible units and leaders sign in with their own accounts; the public progress pages need no sign-in.",
    demo_title: "Demo data",
    demo_body: "The plan text and items are the real 2023 Jilin document; the lead units, the split over prefectures and the January–September reports are invented for the demo, and so is the whole 2024 plan (written from the 2023 text to show the plan diff and the year-end closing).",
    demo_accounts: "Demo accounts (password minsheng-demo for all): office (coordinating office), leader (viewer), each prefecture by its division code (220100 is Changchun), each provincial department by its full Chinese name (省人力资源和社会保障厅).",
    home: "Home",
    none: "—",
    audit: "Audit trail",
    decompose: "Decompose",
    decomposition_status: "Decomposition status",
    implementation_status: "Implementation plans",
    goals: "Multi-year goals",
};

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn lang_of(cookie: Option<&str>) -> Lang {
        let mut b = Request::get("/");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        let (parts, ()) = b.body(()).unwrap().into_parts();
        Lang::of_request(&parts)
    }

    #[test]
    fn chinese_unless_the_cookie_asks_for_english() {
        assert_eq!(lang_of(None), Lang::Zh);
        assert_eq!(lang_of(Some("minsheng_session=x; lang=en")), Lang::En);
        assert_eq!(lang_of(Some("lang=fr")), Lang::Zh);
        assert_eq!(lang_of(Some("lang=zh")), Lang::Zh);
    }
}
