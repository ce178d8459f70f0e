//! ETL/EXTRACT and DATA/EXPORT: reading CSV, JSON and images; writing CSV and JSON.

use super::NodeDef;

pub fn nodes() -> Vec<NodeDef> {
    vec![]
}
