//! Cancelling a run from outside (the Cancel button, a new live-mode run superseding this one).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

#[derive(Default)]
struct Inner {
    cancelled: Cell<bool>,
    reason: RefCell<Option<String>>,
    wakers: RefCell<Vec<Waker>>,
}

/// A cheap, cloneable cancel switch. Cancelling wakes a node that is waiting (Python, a device).
#[derive(Clone, Default)]
pub struct CancelToken(Rc<Inner>);

impl CancelToken {
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    pub fn cancel(&self, reason: impl Into<String>) {
        if self.0.cancelled.replace(true) {
            return;
        }
        *self.0.reason.borrow_mut() = Some(reason.into());
        for w in self.0.wakers.borrow_mut().drain(..) {
            w.wake();
        }
    }

    /// Whether both handles switch the same run.
    pub fn same(&self, other: &CancelToken) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.get()
    }

    pub fn reason(&self) -> Option<String> {
        self.0.reason.borrow().clone()
    }

    /// Resolves once cancelled.
    pub fn cancelled(&self) -> Cancelled {
        Cancelled(self.clone())
    }
}

pub struct Cancelled(CancelToken);

impl Future for Cancelled {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0.is_cancelled() {
            Poll::Ready(())
        } else {
            self.0.0.wakers.borrow_mut().push(cx.waker().clone());
            Poll::Pending
        }
    }
}
