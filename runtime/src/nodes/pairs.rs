//! ETL/TRANSFORM/ORDERED_PAIR_MANIPULATION: deleting, indexing, measuring and swapping the axes
//! of OrderedPairs, as Flojoy's blocks do.

use super::{NodeDef, NodeError, Outputs};
use crate::numeric::index::{checked_index, delete_at, index_idiom};
use crate::spec::{NodeSpec, ParamKind};
use crate::value::{DataType as T, TypeSet, Value};

const PATH: &str = "ETL/TRANSFORM/ORDERED_PAIR_MANIPULATION";
const OP: TypeSet = TypeSet::of(T::OrderedPair);

pub fn nodes() -> Vec<NodeDef> {
    vec![delete(), indexing(), length(), xy_invert()]
}

fn delete() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "ORDERED_PAIR_DELETE",
            PATH,
            "Delete the points at the given indices from both x and y (numpy.delete). With a single index i, \
             the range i … length−1 is deleted (Flojoy's rule: the end is `length`, not i+length).",
        )
        .input("default", OP, "The input OrderedPair")
        .output("default", OP, "The OrderedPair without those points")
        .param(
            "indices",
            ParamKind::Array,
            serde_json::Value::Null,
            "Indices of the points to delete, comma-separated (negative ones count from the end)",
        )
        .int("length", 1, "With a single index i: delete i … length−1"),
        |ctx| {
            let (x, y) = ctx.pair("default")?;
            // Flojoy crashes (IndexError) when a single index gives an empty range (i ≥ length);
            // here that deletes nothing, as VECTOR_DELETE does.
            let idx = index_idiom(&ctx.int_list("indices")?, ctx.int("length")?, x.len(), "OrderedPair")?;
            Ok(Outputs::one(Value::pair(delete_at(x, &idx)?, delete_at(y, &idx)?)))
        },
    )
}

fn indexing() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("ORDERED_PAIR_INDEXING", PATH, "The y (or x) value of the point at an index, as a Scalar.")
            .input("default", OP, "The input OrderedPair")
            .output("default", TypeSet::of(T::Scalar), "y[index], or x[index]")
            .int("index", 0, "Which point (0 is the first)")
            .bool("x_axis", false, "Read x instead of y"),
        |ctx| {
            let (x, y) = ctx.pair("default")?;
            let i = checked_index(ctx.int("index")?, x.len(), "OrderedPair")?;
            let axis = if ctx.bool("x_axis") { x } else { y };
            let c = axis
                .get(i)
                .copied()
                .ok_or_else(|| NodeError(format!("index {i} is out of bounds for axis 0 with size {}", axis.len())))?;
            Ok(Outputs::one(Value::scalar(c)))
        },
    )
}

fn length() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("ORDERED_PAIR_LENGTH", PATH, "The number of points (the length of x), as a Scalar.")
            .input("default", OP, "The input OrderedPair")
            .output("default", TypeSet::of(T::Scalar), "len(x)"),
        |ctx| Ok(Outputs::one(Value::scalar(ctx.pair("default")?.0.len() as f64))),
    )
}

fn xy_invert() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("ORDERED_PAIR_XY_INVERT", PATH, "Swap the axes: x becomes y and y becomes x.")
            .input("default", OP, "The input OrderedPair")
            .output("default", OP, "The OrderedPair (y, x)"),
        |ctx| {
            let (x, y) = ctx.pair("default")?;
            Ok(Outputs::one(Value::pair(y.to_vec(), x.to_vec())))
        },
    )
}
