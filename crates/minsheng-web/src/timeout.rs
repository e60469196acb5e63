//! A time limit on every request that costs nothing when the answer is ready at once.
//!
//! tower-http's `TimeoutLayer` starts a timer for every request. Most of our answers (kept
//! pages, static files) are ready the first time they are polled, so [`TimeLimitLayer`] polls
//! the handler first and starts the timer only when it has to wait — from the moment the
//! request came in, so the limit is the same. Measured on the office dashboard under wrk: the
//! timer per request cost about a tenth of the throughput.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};
use tower::{Layer, Service};

/// Answers 408 when a request takes longer than its limit.
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
        TimeLimitFuture {
            inner: self.inner.call(req),
            deadline: Instant::now() + self.limit,
            sleep: None,
        }
    }
}

pin_project_lite::pin_project! {
    /// A request under way: the handler's future, and a timer once it has had to wait.
    pub(crate) struct TimeLimitFuture<F> {
        #[pin]
        inner: F,
        deadline: Instant,
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
        if this.sleep.is_none() {
            this.sleep
                .set(Some(tokio::time::sleep_until(*this.deadline)));
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
}
