//! Signing in and out, the language switch, and [`Chrome`]: what every page's frame needs
//! (language, the signed-in account, the demo banner), taken from the request once.
//!
//! Handlers ask the frame for the account they need — [`Chrome::account`] for anyone signed
//! in, [`Chrome::may`] for an account that may do an [`Action`] (the domain's one table) —
//! and get a redirect to the sign-in page (or a 401 from the API) or a 403 otherwise;
//! templates ask [`Chrome::can`], never a role by name. What a unit account may see beyond that is
//! decided by the use-cases with [`minsheng_app::accounts`].

use crate::AppState;
use crate::error::WebError;
use crate::i18n::{Common, Lang};
use crate::session::ACCOUNT_KEY;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{ConnectInfo, Form, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minsheng_app::{AppError, accounts};
use minsheng_domain::Action;
use minsheng_domain::{Account, Role, UserId};
use std::net::SocketAddr;
use tower_sessions::Session;

/// The frame of a page: its language, the signed-in account if any, and whether the data is
/// the demo's.
#[derive(Debug, Clone)]
pub(crate) struct Chrome {
    /// The page's language.
    pub lang: Lang,
    /// The shared words in that language.
    pub t: &'static Common,
    /// The demo banner is shown.
    pub demo: bool,
    /// Who is signed in.
    pub user: Option<Account>,
    /// The name of the unit the signed-in account acts for.
    unit_name: Option<String>,
    /// The path and query asked for, to come back to after switching language or signing in.
    pub here: String,
    /// The request is for the JSON API (answered with 401/403, not redirects).
    api: bool,
}

/// Where the site's outer layer keeps the frame a handler took from its request, so that an
/// error answered by the handler is shown in the same frame (language, account, demo banner).
#[derive(Debug, Clone, Default)]
pub(crate) struct ChromeSlot(std::sync::Arc<std::sync::OnceLock<Chrome>>);

impl ChromeSlot {
    /// The frame the handler took, if it took one.
    pub fn get(&self) -> Option<Chrome> {
        self.0.get().cloned()
    }
}

impl Chrome {
    /// The frame of a page answered before its handler read the account (an error from an
    /// extractor, a path no route has, a panic): the request's language, nobody signed in,
    /// the language switch coming back to the front page.
    pub fn bare(lang: Lang) -> Chrome {
        Chrome {
            lang,
            t: lang.common(),
            demo: false,
            user: None,
            unit_name: None,
            here: "/".into(),
            api: false,
        }
    }

    /// The signed-in account, or a redirect to the sign-in page.
    pub fn account(&self) -> Result<&Account, WebError> {
        self.user.as_ref().ok_or_else(|| WebError::SignInRequired {
            next: self.here.clone(),
            api: self.api,
        })
    }

    /// The signed-in account if it may do `action` (the domain's one table,
    /// [`Account::may`]): a redirect to the sign-in page for nobody, 403 for an account that
    /// may not.
    pub fn may(&self, action: Action) -> Result<&Account, WebError> {
        let me = self.account()?;
        accounts::ensure(me, action)?;
        Ok(me)
    }

    /// Who is signed in, as people call them: a unit's account by its unit ("长春市"), the
    /// office and leaders by what they are ("牵头办公室", "领导查看", or "长春市 领导查看" for a
    /// leader of one city) — never by the login.
    pub fn who(&self) -> String {
        let Some(me) = &self.user else {
            return String::new();
        };
        shown_as(me.role, self.unit_name.as_deref(), self.lang)
    }

    /// Whether someone is signed in who may do `action`: what the menu and a page's buttons
    /// ask, never a role by name.
    pub fn can(&self, action: Action) -> bool {
        self.user.as_ref().is_some_and(|u| u.may(action).is_ok())
    }

    /// The other language's switch link, coming back here.
    pub fn switch_href(&self) -> String {
        format!(
            "/lang/{}?next={}",
            self.lang.other().code(),
            encode_query(&self.here)
        )
    }
}

impl FromRequestParts<AppState> for Chrome {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, WebError> {
        if let Some(c) = parts.extensions.get::<Chrome>() {
            return Ok(c.clone());
        }
        let lang = Lang::of_request(parts);
        let here = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_string(), |p| p.as_str().to_string());
        let signed = match parts.extensions.get::<Session>() {
            Some(session) => {
                let id: Option<i64> = session
                    .get(ACCOUNT_KEY)
                    .await
                    .map_err(|e| WebError::Internal(format!("session: {e}")))?;
                match id {
                    Some(id) => signed_in(st, UserId(id)).await?,
                    None => None,
                }
            }
            None => None,
        };
        let chrome = Chrome {
            lang,
            t: lang.common(),
            demo: st.demo,
            user: signed.as_ref().map(|(a, _)| a.clone()),
            unit_name: signed.and_then(|(_, u)| u),
            api: parts.uri.path().starts_with("/api/"),
            here,
        };
        parts.extensions.insert(chrome.clone());
        if let Some(slot) = parts.extensions.get::<ChromeSlot>() {
            let _ = slot.0.set(chrome.clone());
        }
        Ok(chrome)
    }
}

/// The account a session names, if it may still sign in: kept per data version, so that
/// disabling an account or changing its password shows on the next request here.
async fn signed_in(
    st: &AppState,
    id: UserId,
) -> Result<Option<(Account, Option<String>)>, WebError> {
    let version = st.caches.freshness.version(&st.store).await?;
    if let Some(account) = st.caches.accounts.get(version, &id) {
        return Ok(account);
    }
    let account = accounts::active_account_and_unit(&st.store, id).await?;
    st.caches.accounts.put(version, id, account.clone());
    Ok(account)
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(switch_lang))
}

/// An account as people call it, in `lang`: a unit's account by its unit ("长春市"), the
/// office and leaders by what they are ("牵头办公室", "领导查看", "长春市 领导查看").
pub(crate) fn shown_as(role: minsheng_domain::Role, unit: Option<&str>, lang: Lang) -> String {
    let label = lang.pick(role.label_zh(), role.label_en());
    match (role, unit) {
        (minsheng_domain::Role::Unit, Some(unit)) => unit.to_string(),
        (minsheng_domain::Role::Viewer, Some(unit)) => format!("{unit} {label}"),
        _ => label.to_string(),
    }
}

/// Every account as people call it, read once per data version: the pages that name who
/// filed, reviewed or changed something share it instead of reading the accounts each time.
pub(crate) async fn people(
    st: &AppState,
) -> Result<std::sync::Arc<minsheng_app::accounts::People>, WebError> {
    let version = st.caches.freshness.version(&st.store).await?;
    if let Some(p) = st.caches.people.get(version, &()) {
        return Ok(p);
    }
    let p = std::sync::Arc::new(accounts::people(&st.store).await?);
    st.caches.people.put(version, (), p.clone());
    Ok(p)
}

/// The name to show for the login `name` that did something (a report's filer, an audit
/// event's actor): as [`shown_as`] when it is an account, else as recorded (the system,
/// a command-line import).
pub(crate) fn person(people: &minsheng_app::accounts::People, name: &str, lang: Lang) -> String {
    people.get(name).map_or_else(
        || name.to_string(),
        |(role, unit)| shown_as(role, unit, lang),
    )
}

/// Where an account lands after signing in.
pub(crate) fn home_of(role: Role) -> &'static str {
    match role {
        Role::Office | Role::Viewer => "/office",
        Role::Unit => "/workspace",
    }
}

/// Only a path on this site is followed after signing in or switching language, never another
/// site (`//evil.example`, `https://…`).
fn local_path(next: Option<&str>) -> Option<&str> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
}

pub(crate) fn encode_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char);
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[derive(serde::Deserialize)]
struct NextQuery {
    next: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    next: String,
    name: String,
    error: Option<String>,
}

async fn login_page(chrome: Chrome, Query(q): Query<NextQuery>) -> Response {
    if let Some(me) = &chrome.user {
        let to = local_path(q.next.as_deref()).unwrap_or(home_of(me.role));
        return Redirect::to(to).into_response();
    }
    LoginPage {
        next: local_path(q.next.as_deref()).unwrap_or("").to_string(),
        chrome,
        name: String::new(),
        error: None,
    }
    .into_response()
}

#[derive(serde::Deserialize)]
struct LoginForm {
    name: String,
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(
    State(st): State<AppState>,
    chrome: Chrome,
    session: Session,
    parts: ClientAddr,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    let name = f.name.trim();
    match accounts::sign_in(
        &st.store,
        name,
        &f.password,
        &parts.0,
        jiff::Timestamp::now(),
    )
    .await
    {
        Ok(account) => {
            // A new id on sign-in, so a session id planted before it is worth nothing.
            session
                .cycle_id()
                .await
                .map_err(|e| WebError::Internal(format!("session: {e}")))?;
            session
                .insert(ACCOUNT_KEY, account.id.0)
                .await
                .map_err(|e| WebError::Internal(format!("session: {e}")))?;
            tracing::info!(account = %account.name, "Signed in");
            let to = local_path(Some(&f.next)).unwrap_or(home_of(account.role));
            Ok(Redirect::to(to).into_response())
        }
        Err(e @ (AppError::SignInRefused | AppError::SignInThrottled { .. })) => {
            tracing::warn!(account = %name, client = %parts.0, "Sign-in refused: {e}");
            let page = LoginPage {
                next: local_path(Some(&f.next)).unwrap_or("").to_string(),
                name: name.chars().take(64).collect(),
                error: Some(e.to_string()),
                chrome,
            };
            Ok(match e {
                AppError::SignInThrottled { seconds } => (
                    axum::http::StatusCode::TOO_MANY_REQUESTS,
                    [(header::RETRY_AFTER, seconds.to_string())],
                    page,
                )
                    .into_response(),
                _ => (axum::http::StatusCode::UNAUTHORIZED, page).into_response(),
            })
        }
        Err(e) => Err(e.into()),
    }
}

async fn logout(session: Session) -> Result<Redirect, WebError> {
    session
        .flush()
        .await
        .map_err(|e| WebError::Internal(format!("session: {e}")))?;
    Ok(Redirect::to("/"))
}

async fn switch_lang(Path(code): Path<String>, Query(q): Query<NextQuery>) -> Response {
    let lang = Lang::from_code(&code).unwrap_or_default();
    let to = local_path(q.next.as_deref()).unwrap_or("/");
    let cookie = format!(
        "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    let mut res = Redirect::to(to).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// The client's address, for throttling sign-ins: the peer of the TCP connection, or the
/// address trusted proxies forwarded ([`crate::client`]); `unknown` when the server was
/// started without connection info (tests).
pub(crate) struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
            return Ok(ClientAddr("unknown".to_string()));
        };
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        Ok(ClientAddr(crate::client::client_address(
            peer.0.ip(),
            forwarded,
            &st.trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            local_path(Some("/office?period=2023-06")),
            Some("/office?period=2023-06")
        );
        assert_eq!(local_path(Some("//evil.example/")), None);
        assert_eq!(local_path(Some("https://evil.example/")), None);
        assert_eq!(local_path(Some("/\\evil.example")), None);
        assert_eq!(local_path(None), None);
    }

    #[test]
    fn the_switch_link_comes_back_here() {
        assert_eq!(
            encode_query("/office?period=2023-06"),
            "/office%3Fperiod%3D2023-06"
        );
    }
}
