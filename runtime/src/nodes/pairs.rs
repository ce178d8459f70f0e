//! ETL/TRANSFORM/ORDERED_PAIR_MANIPULATION: editing OrderedPairs.

use super::NodeDef;

pub fn nodes() -> Vec<NodeDef> {
    vec![]
}
