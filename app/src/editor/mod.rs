//! The flow editor's components, one per file.

pub mod canvas;
pub mod code_editor;
pub mod consent;
pub mod context_menu;
pub mod devices_panel;
pub mod gallery;
pub mod group;
pub mod keys;
pub mod log;
pub mod minimap;
pub mod more_menu;
pub mod node;
pub mod node_view;
pub mod note;
pub mod overview;
pub mod palette;
pub mod panel;
pub mod plot_view;
pub mod recent;
pub mod share_dialog;
pub mod subflow;
pub mod templates;
pub mod toast;
pub mod toolbar;
pub mod value_view;
pub mod wire;
