//! ETL/TRANSFORM/TYPE_CASTING: converting between DataContainer types.

use super::NodeDef;

pub fn nodes() -> Vec<NodeDef> {
    vec![]
}
