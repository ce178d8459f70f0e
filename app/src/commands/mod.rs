//! The editor's commands, in one place: what the toolbar, the command palette, the keyboard
//! and `window.flojoy` do. [`Command`] names those that take no argument (the palette lists
//! them, shortcuts map to them, [`Editor::execute`] runs them); the [`Editor`] methods of this
//! folder do the work, by kind: `edit.rs` (through `Edit`s, one undo step each), `group.rs`,
//! `reroute.rs`, `file.rs`,
//! `run.rs`, `view.rs`. Each says what went wrong in a toast.

mod edit;
mod file;
mod group;
mod reroute;
mod run;
mod subflow;
mod view;

use leptos::prelude::*;

use crate::Editor;
use crate::state::View;
use crate::state::selection::Selection;

/// How much one zoom step (a button, Ctrl/⌘ + / -) zooms.
pub const ZOOM_STEP: f64 = 1.2;

/// A command that takes no argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Run,
    /// Stops the run or the streaming session.
    Stop,
    Save,
    Open,
    New,
    Undo,
    Redo,
    Fit,
    ZoomIn,
    ZoomOut,
    AddNote,
    AddPython,
    AddPackage,
    /// Saves the selected nodes as a template (named by the user), listed in the palette.
    SaveTemplate,
    SelectAll,
    Duplicate,
    /// Frames the selected nodes as a group.
    Group,
    /// Makes the selected nodes one subflow node (double-click it to open it).
    MakeSubflow,
    Delete,
    /// Opens the view (result, docs, code) of the one selected node.
    ViewNode,
    /// Escape: closes the node view, or else clears the selection.
    Dismiss,
    TogglePalette,
    Examples,
    Share,
    /// Downloads a script that carries the flow and sweeps the dashboard controls' ranges.
    ExportSweep,
    Devices,
    ShowFlow,
    ShowDashboard,
}

impl Command {
    pub const ALL: [Command; 28] = [
        Command::Run,
        Command::Stop,
        Command::Save,
        Command::Open,
        Command::New,
        Command::Undo,
        Command::Redo,
        Command::Fit,
        Command::ZoomIn,
        Command::ZoomOut,
        Command::AddNote,
        Command::AddPython,
        Command::AddPackage,
        Command::SaveTemplate,
        Command::SelectAll,
        Command::Duplicate,
        Command::Group,
        Command::MakeSubflow,
        Command::Delete,
        Command::ViewNode,
        Command::Dismiss,
        Command::TogglePalette,
        Command::Examples,
        Command::Share,
        Command::ExportSweep,
        Command::Devices,
        Command::ShowFlow,
        Command::ShowDashboard,
    ];

    /// A short name, matched by the palette's search beside the label.
    pub fn name(self) -> &'static str {
        match self {
            Command::Run => "run",
            Command::Stop => "stop",
            Command::Save => "save",
            Command::Open => "open",
            Command::New => "new",
            Command::Undo => "undo",
            Command::Redo => "redo",
            Command::Fit => "fit",
            Command::ZoomIn => "zoom in",
            Command::ZoomOut => "zoom out",
            Command::AddNote => "note",
            Command::AddPython => "python",
            Command::AddPackage => "package",
            Command::SaveTemplate => "template",
            Command::SelectAll => "select all",
            Command::Duplicate => "duplicate",
            Command::Group => "group",
            Command::MakeSubflow => "subflow",
            Command::Delete => "delete",
            Command::ViewNode => "view node",
            Command::Dismiss => "dismiss",
            Command::TogglePalette => "palette",
            Command::Examples => "examples",
            Command::Share => "share",
            Command::ExportSweep => "sweep",
            Command::Devices => "devices",
            Command::ShowFlow => "flow",
            Command::ShowDashboard => "dashboard",
        }
    }

    /// What the palette shows.
    pub fn label(self) -> &'static str {
        match self {
            Command::Run => "Run the flow",
            Command::Stop => "Stop the run",
            Command::Save => "Save the flow (download)",
            Command::Open => "Open a flow file…",
            Command::New => "New empty flow",
            Command::Undo => "Undo",
            Command::Redo => "Redo",
            Command::Fit => "Fit the flow in view",
            Command::ZoomIn => "Zoom in",
            Command::ZoomOut => "Zoom out",
            Command::AddNote => "Add a note (markdown)",
            Command::AddPython => "New Python node",
            Command::AddPackage => "Load a Python package (numpy, scipy, pandas…)",
            Command::SaveTemplate => "Save the selected nodes as a template…",
            Command::SelectAll => "Select every node",
            Command::Duplicate => "Duplicate the selected nodes",
            Command::Group => "Group the selected nodes (a frame that moves, collapses and runs them)",
            Command::MakeSubflow => "Make a subflow of the selected nodes (one node; double-click it to open it)",
            Command::Delete => "Delete the selection",
            Command::ViewNode => "View the selected node",
            Command::Dismiss => "Close the node view, clear the selection, or leave the subflow",
            Command::TogglePalette => "Command palette",
            Command::Examples => "Example flows…",
            Command::Share => "Share as a link, or embed in a page…",
            Command::ExportSweep => "Export a parameter sweep (the dashboard's controls as axes)…",
            Command::Devices => "Serial and USB devices",
            Command::ShowFlow => "Show the flow chart",
            Command::ShowDashboard => "Show the dashboard",
        }
    }

    /// The palette offers it (Escape and the palette itself belong to their keys).
    pub fn in_palette(self) -> bool {
        !matches!(self, Command::ViewNode | Command::Dismiss | Command::TogglePalette)
    }

    /// The palette's commands for a query (none for an empty one: it then lists nodes).
    pub fn matching(query: &str) -> Vec<Command> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        Command::ALL
            .into_iter()
            .filter(|c| c.in_palette() && (c.name().contains(&q) || c.label().to_lowercase().contains(&q)))
            .collect()
    }

    /// The shortcut for a key press: `key` is `KeyboardEvent.key`, `command` Ctrl or ⌘.
    pub fn for_key(key: &str, command: bool, shift: bool) -> Option<Command> {
        // letters in either case (Shift makes them capitals)
        let key = if key.chars().count() == 1 { key.to_lowercase() } else { key.to_owned() };
        Some(match (command, key.as_str()) {
            (true, "s") => Command::Save,
            (true, "o") => Command::Open,
            (true, "k") => Command::TogglePalette,
            (true, "z") if shift => Command::Redo,
            (true, "z") => Command::Undo,
            (true, "y") => Command::Redo,
            (true, "d") => Command::Duplicate,
            (true, "g") => Command::Group,
            (true, "a") => Command::SelectAll,
            (true, "0") => Command::Fit,
            (true, "=" | "+") => Command::ZoomIn,
            (true, "-") => Command::ZoomOut,
            (false, "Delete" | "Backspace") => Command::Delete,
            (false, "Enter") => Command::ViewNode,
            (false, "Escape") => Command::Dismiss,
            _ => return None,
        })
    }

    /// Its shortcut works even while typing in a text field or with the node view open.
    pub fn works_anywhere(self) -> bool {
        matches!(self, Command::Save | Command::Open | Command::TogglePalette)
    }

    /// Its shortcut replaces the browser's own (Ctrl+S saving the page, Backspace…).
    pub fn overrides_browser(self) -> bool {
        !matches!(self, Command::ViewNode | Command::Dismiss)
    }
}

impl Editor {
    /// Runs a command.
    pub fn execute(&self, command: Command) {
        match command {
            Command::Run => self.run(),
            Command::Stop => self.stop(),
            Command::Save => self.save(),
            Command::Open => self.open_picker(),
            Command::New => self.new_flow(),
            Command::Undo => self.undo(),
            Command::Redo => self.redo(),
            Command::Fit => self.fit_view(),
            Command::ZoomIn => self.zoom_by(ZOOM_STEP),
            Command::ZoomOut => self.zoom_by(1.0 / ZOOM_STEP),
            Command::AddNote => self.add_note(),
            Command::AddPython => self.add_python(),
            Command::AddPackage => self.asking_package.set(true),
            Command::SaveTemplate => self.save_template(),
            Command::SelectAll => self.select_all(),
            Command::Duplicate => self.duplicate(),
            Command::Group => self.group_selection(),
            Command::MakeSubflow => self.make_subflow(),
            Command::Delete => self.delete_selection(),
            Command::ViewNode => {
                if let Some(id) = self.selection.with_untracked(|s| s.single_node()) {
                    self.viewing.set(Some(id));
                }
            }
            Command::Dismiss => {
                // the node view, else the selection, else one subflow level up
                if self.viewing.get_untracked().is_some() {
                    self.viewing.set(None);
                } else if !self.selection.with_untracked(Selection::is_empty) || !self.leave_subflow() {
                    self.selection.set(Selection::default());
                }
            }
            Command::TogglePalette => self.command_palette.update(|o| *o = !*o),
            Command::Examples => self.gallery_open.set(true),
            Command::Share => self.share_open.set(true),
            Command::ExportSweep => self.export_sweep(),
            Command::Devices => self.devices_open.update(|o| *o = !*o),
            Command::ShowFlow => self.view.set(View::Flow),
            Command::ShowDashboard => self.view.set(View::Dashboard),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_distinct_name_and_a_label() {
        let names: std::collections::HashSet<_> = Command::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names.len(), Command::ALL.len());
        assert!(Command::ALL.iter().all(|c| !c.label().is_empty()));
    }

    #[test]
    fn shortcuts_map_to_commands() {
        let key = |k: &str, cmd: bool, shift: bool| Command::for_key(k, cmd, shift);
        assert_eq!(key("s", true, false), Some(Command::Save));
        assert_eq!(key("S", true, true), Some(Command::Save));
        assert_eq!(key("k", true, false), Some(Command::TogglePalette));
        assert_eq!(key("o", true, false), Some(Command::Open));
        assert_eq!(key("z", true, false), Some(Command::Undo));
        assert_eq!(key("Z", true, true), Some(Command::Redo));
        assert_eq!(key("y", true, false), Some(Command::Redo));
        assert_eq!(key("D", true, false), Some(Command::Duplicate));
        assert_eq!(key("g", true, false), Some(Command::Group));
        assert_eq!(key("a", true, false), Some(Command::SelectAll));
        assert_eq!(key("0", true, false), Some(Command::Fit));
        assert_eq!(key("+", true, false), Some(Command::ZoomIn));
        assert_eq!(key("=", true, false), Some(Command::ZoomIn));
        assert_eq!(key("-", true, false), Some(Command::ZoomOut));
        assert_eq!(key("Backspace", false, false), Some(Command::Delete));
        assert_eq!(key("Delete", false, false), Some(Command::Delete));
        assert_eq!(key("Enter", false, false), Some(Command::ViewNode));
        assert_eq!(key("Escape", false, false), Some(Command::Dismiss));
        // plain letters are typing, and Ctrl+Delete is the browser's
        assert_eq!(key("s", false, false), None);
        assert_eq!(key("z", false, false), None);
        assert_eq!(key("Delete", true, false), None);
        assert_eq!(key("q", true, false), None);
    }

    #[test]
    fn only_save_open_and_the_palette_work_while_typing() {
        let anywhere: Vec<_> = Command::ALL.into_iter().filter(|c| c.works_anywhere()).collect();
        assert_eq!(anywhere, [Command::Save, Command::Open, Command::TogglePalette]);
        assert!(!Command::ViewNode.overrides_browser() && !Command::Dismiss.overrides_browser());
        assert!(Command::Delete.overrides_browser() && Command::Undo.overrides_browser());
    }

    #[test]
    fn the_palette_finds_commands_by_name_or_label() {
        assert!(Command::matching("").is_empty());
        assert_eq!(Command::matching("undo"), [Command::Undo]);
        assert_eq!(Command::matching("PYTHON"), [Command::AddPython, Command::AddPackage]);
        assert_eq!(Command::matching("zoom"), [Command::ZoomIn, Command::ZoomOut]);
        assert!(Command::matching("note").contains(&Command::AddNote));
        // keys only: the palette does not offer itself, nor Escape
        assert!(
            Command::ALL
                .iter()
                .all(|c| c.in_palette() != matches!(c, Command::ViewNode | Command::Dismiss | Command::TogglePalette))
        );
        // a node's name finds no command (the palette then adds the node on Enter)
        assert!(Command::matching("scalar").is_empty());
        assert!(Command::matching("linspace").is_empty());
    }
}
