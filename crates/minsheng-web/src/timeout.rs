//! A time limit on every request that costs nothing when the answer is ready at once.
//!
//! tower-http's `TimeoutLayer` starts a timer for every request. Most of our answers (kept
//! pages, static files) are ready the first time they are polled, so [`TimeLimitLayer`] polls
//! the handler first and starts the timer only when it has to wait — from the moment the
//! request came in, so the limit is the same. Measured on the office dashboard under wrk: the
//! timer per request cost about a tenth of the throughput.
//!
//! **Only reads are timed.** A write (any method but GET, HEAD and OPTIONS) is never cut off:
//! a limit that fired after its commit would tell the client it failed when it succeeded. A
//! write's waiting is bounded where it waits — for a connection (the pool's acquire timeout)
//! and for a lock (`busy_timeout` on SQLite, `lock_timeout` on PostgreSQL) — and ends in a 503
//! with nothing written; once it has its connection and locks it runs to its commit, and its
//! answer says what was committed.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};
use tower::{Layer, Service};

/// Answers 408 when a read takes longer than its limit; writes are not timed here.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimeLimitLayer {
    limit: Duration,
}

impl TimeLimitLayer {
    /// A limit of `limit` per request.
    pub(crate) fn new(limit: Duration) -> TimeLimitLayer {
        TimeLimitLayer { limit }
    }
}

impl<S> Layer<S> for TimeLimitLayer {
    type Service = TimeLimit<S>;

    fn layer(&self, inner: S) -> TimeLimit<S> {
        TimeLimit {
            inner,
            limit: self.limit,
        }
    }
}

/// The service [`TimeLimitLayer`] wraps around another.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimeLimit<S> {
    inner: S,
    limit: Duration,
}

impl<S> Service<Request> for TimeLimit<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = TimeLimitFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let deadline = req.method().is_safe().then(|| Instant::now() + self.limit);
        TimeLimitFuture {
            inner: self.inner.call(req),
            deadline,
            sleep: None,
        }
    }
}

pin_project_lite::pin_project! {
    /// A request under way: the handler's future, and a timer once it has had to wait.
    pub(crate) struct TimeLimitFuture<F> {
        #[pin]
        inner: F,
        // None for a write, which is never cut off.
        deadline: Option<Instant>,
        #[pin]
        sleep: Option<Sleep>,
    }
}

impl<F, E> Future for TimeLimitFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Poll::Ready(out) = this.inner.poll(cx) {
            return Poll::Ready(out);
        }
        let Some(deadline) = *this.deadline else {
            return Poll::Pending;
        };
        if this.sleep.is_none() {
            this.sleep.set(Some(tokio::time::sleep_until(deadline)));
        }
        match this.sleep.as_pin_mut().map(|s| s.poll(cx)) {
            Some(Poll::Ready(())) => Poll::Ready(Ok(StatusCode::REQUEST_TIMEOUT.into_response())),
            _ => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    fn app() -> Router {
        Router::new()
            .route("/now", get(|| async { "now" }))
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    "late"
                })
                .post(|| async {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    "committed"
                }),
            )
            .layer(TimeLimitLayer::new(Duration::from_millis(50)))
    }

    #[tokio::test]
    async fn a_ready_answer_passes_and_a_slow_one_times_out() {
        let req = |p: &str| Request::get(p).body(Body::empty()).unwrap();
        let now = app().oneshot(req("/now")).await.unwrap();
        assert_eq!(now.status(), StatusCode::OK);
        let slow = app().oneshot(req("/slow")).await.unwrap();
        assert_eq!(slow.status(), StatusCode::REQUEST_TIMEOUT);
    }

    /// A write runs to its end past the limit: its answer is what it did, never a 408 sent
    /// while (or after) it commits.
    #[tokio::test]
    async fn a_write_is_never_cut_off() {
        let post = Request::post("/slow").body(Body::empty()).unwrap();
        let answer = app().oneshot(post).await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
        let body = axum::body::to_bytes(answer.into_body(), 64).await.unwrap();
        assert_eq!(&body[..], b"committed");
    }
}
