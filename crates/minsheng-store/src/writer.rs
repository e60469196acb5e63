//! SQLite's writer thread. A write transaction on SQLite holds the one writer connection
//! ([`crate::Backend::Sqlite`]) from `BEGIN` to `COMMIT`, and every statement inside it is a
//! round trip between the task that runs the transaction and the connection's own thread. Run
//! on the server's runtime, that task waits after each statement behind every other request's
//! tasks (at month-end, dozens), so the writer is held several times longer than the work
//! takes and every other write queues behind it. [`Store::writing`] runs a write use-case on
//! a runtime of its own instead — one thread that runs nothing but write transactions — so
//! the writer is held for the work and little more.
//!
//! PostgreSQL has no such one connection (writers run side by side, each on its own
//! connection, and its connections belong to the runtime that opened them), so there
//! [`Store::writing`] simply runs the work where it is called.

use crate::{Backend, Store};
use std::future::Future;

/// The thread and its runtime; stopped when the last clone of the store is dropped.
#[derive(Debug)]
pub(crate) struct WriterThread {
    handle: tokio::runtime::Handle,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl WriterThread {
    /// Starts the thread; `None` if the system refuses a thread (the work then runs where
    /// it is called, as on PostgreSQL).
    pub(crate) fn start() -> Option<WriterThread> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("minsheng-writer".into())
            .spawn(move || {
                runtime.block_on(async {
                    let _ = stopped.await;
                });
            })
            .ok()?;
        Some(WriterThread {
            handle,
            _stop: stop,
        })
    }
}

impl Store {
    /// Runs `work` — a write use-case: its transaction from [`Store::begin`] to commit — on
    /// SQLite's writer thread (see the module docs), and gives its answer. The work runs to
    /// its end even if the caller stops waiting, so a commit is never cut off half-way; a
    /// panic in it is a panic here.
    pub async fn writing<F, T>(&self, work: F) -> T
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        match (&self.backend, &self.writer) {
            (Backend::Sqlite { .. }, Some(writer)) => {
                match writer.handle.spawn(work).await {
                    Ok(answer) => answer,
                    Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                    // Cancelled only when the thread stops, which it does after the last
                    // store is gone: no caller is left to answer.
                    Err(e) => panic!("the writer thread stopped: {e}"),
                }
            }
            _ => work.await,
        }
    }
}
