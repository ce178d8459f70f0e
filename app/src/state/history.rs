//! Undo and redo, built on the runtime's inverse edits.

use runtime::{Edit, EditError, Flow, apply};

/// The flow with its undo and redo stacks.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
}

impl History {
    /// Applies a new edit; a new edit clears the redo stack.
    pub fn apply(&mut self, flow: &mut Flow, edit: Edit) -> Result<(), EditError> {
        let inverse = apply(flow, edit)?;
        self.undo.push(inverse);
        self.redo.clear();
        Ok(())
    }

    pub fn undo(&mut self, flow: &mut Flow) -> Result<bool, EditError> {
        let Some(e) = self.undo.pop() else {
            return Ok(false);
        };
        let redo = apply(flow, e)?;
        self.redo.push(redo);
        Ok(true)
    }

    pub fn redo(&mut self, flow: &mut Flow) -> Result<bool, EditError> {
        let Some(e) = self.redo.pop() else {
            return Ok(false);
        };
        let undo = apply(flow, e)?;
        self.undo.push(undo);
        Ok(true)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}
