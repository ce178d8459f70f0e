//! The flow editor's components.

pub mod canvas;
pub mod log;
pub mod node;
pub mod plot_view;
pub mod toolbar;
