//! DSP: spectra, filters and control systems, with scipy's exact definitions.

use super::NodeDef;

pub fn nodes() -> Vec<NodeDef> {
    vec![]
}
