//! SCATTER3D: points in 3-D.

use serde_json::json;

use super::PLOTLY;
use super::template::plotly_template;
use super::traces::{axis_array, nums, plot_layout};
use crate::nodes::{NodeDef, NodeError, Outputs};
use crate::spec::NodeSpec;
use crate::value::{ColumnData, DataType as T, Figure, Trace, TypeSet, Value};

pub(super) fn scatter3d() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "SCATTER3D",
            "DATA/VISUALIZATION/PLOTLY",
            "Plot points in 3-D: an OrderedTriple (a text axis as categories), or a DataFrame's first three columns (x, y, z; the \
             points coloured by z, as plotly express' scatter_3d does).",
        )
        .input("default", TypeSet::union(&[T::OrderedTriple, T::DataFrame]), "The points")
        .output("default", PLOTLY, "The figure"),
        |ctx| {
            let fig = match ctx.need("default")? {
                // go.Scatter3d(x=x, y=y, z=z): a text axis (an object array) is drawn as categories
                Value::OrderedTriple { x, y, z } => {
                    let t = axis_array(Trace::new("scatter3d"), "x", x);
                    let t = axis_array(axis_array(t, "y", y), "z", z);
                    plot_layout(vec![t.attr("mode", "markers")], "SCATTER3D")
                }
                Value::DataFrame { m } => {
                    if m.columns.len() < 3 {
                        return Err(NodeError::new(
                            "DataFrame must have at least 3 columns for x, y, and z coordinates.",
                        ));
                    }
                    let (cx, cy, cz) = (&m.columns[0], &m.columns[1], &m.columns[2]);
                    let ColumnData::Num(zv) = &cz.data else {
                        // plotly express would draw one trace per category; we colour by numbers only
                        return Err(NodeError(format!(
                            "SCATTER3D colours the points by the third column, which must hold numbers ('{}' holds text)",
                            cz.name
                        )));
                    };
                    let mut t = Trace::new("scatter3d")
                        .attr(
                            "hovertemplate",
                            format!(
                                "{}=%{{x}}<br>{}=%{{y}}<br>{}=%{{marker.color}}<extra></extra>",
                                cx.name, cy.name, cz.name
                            ),
                        )
                        .attr("legendgroup", "")
                        .attr("marker", json!({"color": nums(zv), "coloraxis": "coloraxis", "symbol": "circle"}))
                        .attr("mode", "markers")
                        .attr("name", "")
                        .attr("scene", "scene")
                        .attr("showlegend", false);
                    t = axis_array(t, "x", &cx.data);
                    t = axis_array(t, "y", &cy.data);
                    t = t.array("z", zv.clone());
                    let sequential = plotly_template()["layout"]["colorscale"]["sequential"].clone();
                    Figure::new(vec![t])
                        .layout("template", plotly_template())
                        .layout(
                            "scene",
                            json!({
                                "domain": {"x": [0.0, 1.0], "y": [0.0, 1.0]},
                                "xaxis": {"title": {"text": cx.name}},
                                "yaxis": {"title": {"text": cy.name}},
                                "zaxis": {"title": {"text": cz.name}},
                            }),
                        )
                        .layout(
                            "coloraxis",
                            json!({"colorbar": {"title": {"text": cz.name}}, "colorscale": sequential}),
                        )
                        .layout("legend", json!({"tracegroupgap": 0}))
                        .layout("margin", json!({"t": 60}))
                }
                other => {
                    ctx.cannot_draw("default", other);
                    plot_layout(Vec::new(), "SCATTER3D")
                }
            };
            Ok(Outputs::one(Value::Plotly { fig }))
        },
    )
}
