//! Toasts: short messages for the user (a refused wire, a file that did not open, …).

/// A short message for the user (a refused wire, a file that did not open, …).
#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub error: bool,
    pub text: String,
    pub id: u64,
}
