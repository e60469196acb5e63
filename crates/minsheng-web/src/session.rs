//! Server-side sessions kept in the database ([`DbSessions`]), so several servers behind one
//! load balancer share them and signing out (or disabling an account) ends them everywhere.
//! The cookie carries only the session's random id: `HttpOnly`, `SameSite=Lax`, and `Secure`
//! unless the deployment serves plain HTTP.

use minsheng_app::Store;
use minsheng_domain::UserId;
use std::time::Duration;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};

/// The key under which a session holds the signed-in account's id.
pub(crate) const ACCOUNT_KEY: &str = "account";

/// How long a session lasts without activity.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(8 * 60 * 60);

/// The sessions table of the store, as a tower-sessions store.
#[derive(Debug, Clone)]
pub struct DbSessions {
    store: Store,
}

impl DbSessions {
    /// Sessions kept in `store`.
    pub fn new(store: Store) -> Self {
        DbSessions { store }
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
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let (data, user, expires) = encode(record)?;
        self.store
            .session_save(&record.id.to_string(), user, &data, expires)
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
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
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.store
            .session_delete(&id.to_string())
            .await
            .map_err(backend)
    }
}

/// The session layer: cookie `minsheng_session`, expiring after [`IDLE_TIMEOUT`] idle.
pub(crate) fn layer(store: Store, secure: bool) -> SessionManagerLayer<DbSessions> {
    SessionManagerLayer::new(DbSessions::new(store))
        .with_name("minsheng_session")
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_secure(secure)
        .with_expiry(Expiry::OnInactivity(
            time::Duration::try_from(IDLE_TIMEOUT).unwrap_or(time::Duration::HOUR),
        ))
}

/// Deletes expired sessions once an hour, for as long as the server runs.
pub(crate) async fn sweep_expired(store: Store) {
    let mut every = tokio::time::interval(Duration::from_secs(60 * 60));
    loop {
        every.tick().await;
        match store
            .sessions_delete_expired(jiff::Timestamp::now().as_second())
            .await
        {
            Ok(n) if n > 0 => tracing::info!(deleted = n, "Deleted expired sessions"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "Could not delete expired sessions"),
        }
    }
}
