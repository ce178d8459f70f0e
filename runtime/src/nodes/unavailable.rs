//! Known Flojoy nodes that cannot run in the browser (model weights, cloud services): they import as themselves, with the reason.

use super::NodeDef;

pub fn nodes() -> Vec<NodeDef> {
    vec![]
}
