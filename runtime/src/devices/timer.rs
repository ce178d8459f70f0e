//! Waiting with a deadline. Instrument sessions race each transfer against the host's timer
//! (WebUSB transfers have no timeout of their own), so they take a [`Timer`]: every
//! [`Host`] is one, and tests give one that fires at once, which makes timeouts
//! deterministic without sleeping.

use std::future::Future;

use futures::future::{Either, LocalBoxFuture, select};

use crate::host::Host;

/// Something that can wait.
pub trait Timer {
    /// Resolves after `ms` milliseconds.
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()>;
}

impl<H: Host + ?Sized> Timer for H {
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        Host::sleep(self, ms)
    }
}

/// `fut`'s output, or `None` when `ms` passed first (`fut` is then dropped; to keep an
/// unfinished transfer, race it with [`select`] directly).
pub async fn within<T, F>(timer: &(impl Timer + ?Sized), ms: f64, fut: F) -> Option<T>
where
    F: Future<Output = T>,
{
    let fut = std::pin::pin!(fut);
    match select(fut, timer.sleep(ms)).await {
        Either::Left((v, _)) => Some(v),
        Either::Right(_) => None,
    }
}
