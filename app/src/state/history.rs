//! Undo and redo, built on the runtime's inverse edits.

use runtime::{Edit, EditError, Flow, apply};

/// The flow with its undo and redo stacks.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
    /// Edits of one gesture (a slider being dragged) share this key and one undo step.
    gesture: Option<String>,
}

impl History {
    /// Applies a new edit; a new edit clears the redo stack. False: the edit changed nothing
    /// (a parameter set to the value it has), so it is no undo step.
    pub fn apply(&mut self, flow: &mut Flow, edit: Edit) -> Result<bool, EditError> {
        // a parameter set to the value it has (a slider's closing change after its drag) is
        // not an undo step of its own
        let same = matches!(edit, Edit::SetParam { .. }).then(|| edit.clone());
        let inverse = apply(flow, edit)?;
        if let (Some(Edit::SetParam { value: new, .. }), Edit::RestoreParam { value: Some(old), .. }) =
            (&same, &inverse)
            && new == old
        {
            self.gesture = None;
            return Ok(false);
        }
        self.undo.push(inverse);
        self.redo.clear();
        self.gesture = None;
        Ok(true)
    }

    /// Applies an edit that belongs to a gesture: consecutive edits with the same `gesture`
    /// are one undo step (undo goes back to before the first of them).
    pub fn apply_in_gesture(&mut self, flow: &mut Flow, edit: Edit, gesture: &str) -> Result<(), EditError> {
        let inverse = apply(flow, edit)?;
        if self.gesture.as_deref() != Some(gesture) || self.undo.is_empty() {
            self.undo.push(inverse);
        }
        self.redo.clear();
        self.gesture = Some(gesture.to_owned());
        Ok(())
    }

    /// Ends the current gesture: the next edit is a step of its own.
    pub fn end_gesture(&mut self) {
        self.gesture = None;
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
        self.gesture = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runtime::Edit;

    #[test]
    fn a_gesture_is_one_undo_step() {
        let mut f = crate::state::welcome_flow();
        let start = f.clone();
        let sine = f.find_label("SINE").unwrap();
        let mut h = History::default();
        for v in [2.0, 3.0, 4.5] {
            h.apply_in_gesture(
                &mut f,
                Edit::SetParam { node: sine, name: "frequency".into(), value: v.into() },
                "slider-1",
            )
            .unwrap();
        }
        h.end_gesture();
        h.apply_in_gesture(
            &mut f,
            Edit::SetParam { node: sine, name: "amplitude".into(), value: 2.into() },
            "slider-1",
        )
        .unwrap();
        assert!(h.undo(&mut f).unwrap());
        assert_eq!(f.node(sine).unwrap().params["frequency"], 4.5);
        assert!(h.undo(&mut f).unwrap());
        assert_eq!(f, start, "the three slider moves were one step");
        assert!(!h.can_undo());
    }

    #[test]
    fn setting_a_parameter_to_its_value_is_no_undo_step() {
        let mut f = crate::state::welcome_flow();
        let start = f.clone();
        let sine = f.find_label("SINE").unwrap();
        let mut h = History::default();
        let set = |v: f64| Edit::SetParam { node: sine, name: "frequency".into(), value: v.into() };
        h.apply_in_gesture(&mut f, set(3.0), "slider-1").unwrap();
        // the slider's closing change repeats the last value
        h.apply(&mut f, set(3.0)).unwrap();
        assert!(h.undo(&mut f).unwrap());
        assert_eq!(f, start, "one Ctrl+Z undoes the whole drag");
        assert!(!h.can_undo());
    }
}
