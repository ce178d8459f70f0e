//! DATA/VISUALIZATION: nodes that turn data into plotly figures (or text) for the canvas and
//! the dashboard. Traces and layouts follow Flojoy's blocks attribute by attribute, so a
//! figure saved by Flojoy and one made here look the same.
//!
//! LINE, SCATTER, HISTOGRAM, BAR, TABLE, HEATMAP, SCATTER3D and COMPOSITE are lenient as
//! Flojoy's blocks are: given a value they cannot draw (one that went through an `Any` port such
//! as CONDITIONAL's), they show an empty figure and log a warning at the node
//! ([`Ctx::cannot_draw`](crate::nodes::Ctx::cannot_draw)), and the run goes on. BIG_NUMBER,
//! SURFACE3D, IMAGE and the table views fail, as Flojoy's do (it raises, or reads an attribute
//! the value lacks). A wire from a typed port that does not fit is still marked by validation.

use super::NodeDef;
use crate::value::{DataType as T, TypeSet};

mod annotate;
mod bar;
mod big_number;
mod composite;
mod debugging;
mod extrema_determination;
mod heatmap;
mod histogram;
mod image;
mod region_properties;
mod report;
mod scatter3d;
mod surface3d;
mod table;
mod table_views;
mod template;
mod text_view;
mod traces;
mod xy;

const PLOTLY: TypeSet = TypeSet::of(T::Plotly);
const PLOTTABLE: TypeSet = TypeSet::union(&[T::OrderedPair, T::DataFrame, T::Matrix, T::Vector]);

pub fn nodes() -> Vec<NodeDef> {
    vec![
        xy::line(),
        xy::scatter(),
        histogram::histogram(),
        big_number::big_number(),
        text_view::text_view(),
        bar::bar(),
        table::table(),
        image::image(),
        heatmap::heatmap(),
        scatter3d::scatter3d(),
        surface3d::surface3d(),
        composite::composite(),
        table_views::array_view(),
        table_views::matrix_view(),
        debugging::print_datacontainer(),
        debugging::datacontainer_type(),
        debugging::dc_content_type(),
        annotate::annotate_plotly(),
        region_properties::region_properties(),
        extrema_determination::extrema_determination(),
        report::report_generation(),
    ]
}
