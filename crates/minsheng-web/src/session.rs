//! Server-side sessions kept in the database ([`DbSessions`]), so several servers behind one
//! load balancer share them and signing out (or disabling an account) ends them everywhere.
//! The cookie carries only the session's random id: `HttpOnly`, `SameSite=Lax`, and `Secure`
//! unless the deployment serves plain HTTP.

use crate::Caches;
use minsheng_app::Store;
use minsheng_app::freshness::{Kept, MAX_AGE};
use minsheng_domain::UserId;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};

/// The key under which a session holds the signed-in account's id.
pub(crate) const ACCOUNT_KEY: &str = "account";

/// How long a session lasts without activity.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(8 * 60 * 60);

/// Sessions as loaded, with when they were.
pub(crate) type KeptSessions = Kept<Id, (Record, Instant)>;

/// The sessions table of the store, as a tower-sessions store. A session read within
/// [`MAX_AGE`] at the current data version is served from memory; signing in and out here
/// updates the memory at once.
#[derive(Debug, Clone)]
pub struct DbSessions {
    store: Store,
    caches: Arc<Caches>,
}

impl DbSessions {
    /// Sessions kept in `store`, remembered in `caches`.
    pub fn new(store: Store, caches: Arc<Caches>) -> Self {
        DbSessions { store, caches }
    }

    async fn version(&self) -> Result<i64> {
        self.caches
            .freshness
            .version(&self.store)
            .await
            .map_err(backend)
    }

    async fn remember(&self, record: &Record) -> Result<()> {
        let version = self.version().await?;
        self.caches
            .sessions
            .put(version, record.id, (record.clone(), Instant::now()));
        Ok(())
    }
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

fn encode(record: &Record) -> Result<(Vec<u8>, Option<UserId>, i64)> {
    let data = serde_json::to_vec(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
    let user = record
        .data
        .get(ACCOUNT_KEY)
        .and_then(serde_json::Value::as_i64)
        .map(UserId);
    Ok((data, user, record.expiry_date.unix_timestamp()))
}

#[async_trait::async_trait]
impl SessionStore for DbSessions {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let (data, user, expires) = encode(record)?;
        // A clash of 128-bit random ids is all but impossible; draw again if it happens.
        while !self
            .store
            .session_create(&record.id.to_string(), user, &data, expires)
            .await
            .map_err(backend)?
        {
            record.id = Id::default();
        }
        self.remember(record).await
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let (data, user, expires) = encode(record)?;
        self.store
            .session_save(&record.id.to_string(), user, &data, expires)
            .await
            .map_err(backend)?;
        self.remember(record).await
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let version = self.version().await?;
        if let Some((record, at)) = self.caches.sessions.get(version, id)
            && at.elapsed() < MAX_AGE
            && record.expiry_date > time::OffsetDateTime::now_utc()
        {
            return Ok(Some(record));
        }
        let now = jiff::Timestamp::now().as_second();
        let Some((bytes, expires)) = self
            .store
            .session_load(&id.to_string(), now)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_slice(&bytes).map_err(|e| Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(expires)
            .map_err(|e| Error::Decode(e.to_string()))?;
        let record = Record {
            id: *id,
            data,
            expiry_date,
        };
        self.caches
            .sessions
            .put(version, *id, (record.clone(), Instant::now()));
        Ok(Some(record))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.caches.sessions.remove(id);
        self.store
            .session_delete(&id.to_string())
            .await
            .map_err(backend)
    }
}

/// The session cookie's name.
pub(crate) const COOKIE_NAME: &str = "minsheng_session";

/// The session layer: cookie `minsheng_session`, expiring after [`IDLE_TIMEOUT`] idle.
pub(crate) fn layer(
    store: Store,
    caches: Arc<Caches>,
    secure: bool,
) -> SessionManagerLayer<DbSessions> {
    SessionManagerLayer::new(DbSessions::new(store, caches))
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_secure(secure)
        .with_expiry(Expiry::OnInactivity(
            time::Duration::try_from(IDLE_TIMEOUT).unwrap_or(time::Duration::HOUR),
        ))
}
