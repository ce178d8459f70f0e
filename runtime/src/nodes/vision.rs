//! COMPUTER_VISION: image filters.

use super::NodeDef;

pub fn nodes() -> Vec<NodeDef> {
    vec![]
}
