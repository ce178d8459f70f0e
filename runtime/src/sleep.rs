//! A native host's wait (TIMER, a run's deadline) as a real future: pending until its time,
//! woken by a helper thread, so that the scheduler's race of a waiting node against the run's
//! deadline (`--max-seconds`) and Ctrl+C is decided by whichever comes first. A sleep that
//! blocked inside `poll` made a 30 s TIMER outlast a 1 s deadline.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::task::AtomicWaker;

/// How often a pending sleep asks `stop` (Ctrl+C) whether to end early.
const LOOK: Duration = Duration::from_millis(20);

/// Waits `ms` milliseconds, or until `stop()` says so (it is asked every 20 ms).
pub fn sleep(ms: f64, stop: impl Fn() -> bool + Unpin + 'static) -> Pin<Box<dyn Future<Output = ()>>> {
    let until = Instant::now() + Duration::from_secs_f64(ms.clamp(0.0, 1e12) / 1000.0);
    Box::pin(Sleep { until, stop, armed: Arc::new(AtomicBool::new(false)), waker: Arc::new(AtomicWaker::new()) })
}

struct Sleep<F> {
    until: Instant,
    stop: F,
    /// A wake-up is on its way (one at a time, however often the task polls).
    armed: Arc<AtomicBool>,
    /// The task to wake: the latest poll's.
    waker: Arc<AtomicWaker>,
}

impl<F: Fn() -> bool + Unpin> Future for Sleep<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let now = Instant::now();
        if now >= self.until || (self.stop)() {
            return Poll::Ready(());
        }
        self.waker.register(cx.waker());
        if !self.armed.swap(true, Ordering::SeqCst) {
            let (wait, armed, waker) = ((self.until - now).min(LOOK), self.armed.clone(), self.waker.clone());
            let waking = std::thread::Builder::new().name("flojoy-sleep".into()).spawn(move || {
                std::thread::sleep(wait);
                armed.store(false, Ordering::SeqCst);
                waker.wake();
            });
            if waking.is_err() {
                // no thread to be had: poll again at once rather than never
                self.armed.store(false, Ordering::SeqCst);
                cx.waker().wake_by_ref();
            }
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::future::{Either, select};

    #[test]
    fn the_shorter_of_two_sleeps_wins_the_race() {
        let started = Instant::now();
        let r = futures::executor::block_on(select(sleep(30_000.0, || false), sleep(50.0, || false)));
        assert!(matches!(r, Either::Right(_)));
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    }

    #[test]
    fn stop_ends_a_sleep_early() {
        let asked = std::rc::Rc::new(std::cell::Cell::new(0));
        let a = asked.clone();
        futures::executor::block_on(sleep(60_000.0, move || {
            a.set(a.get() + 1);
            a.get() > 3
        }));
        assert_eq!(asked.get(), 4);
    }
}
