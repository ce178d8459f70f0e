//! ETL/TRANSFORM/TYPE_CASTING: converting between DataContainer types, as Flojoy's blocks do.
//!
//! Where Flojoy builds numpy *object* arrays: DF_2_ORDERED_TRIPLE's text columns stay text (an
//! OrderedTriple's axis holds numbers or text); DF_2_NP's Matrix holds numbers only, so a text
//! column is refused with a message naming it. Surfaces keep 1-D x and y axes (Flojoy's
//! ORDERED_TRIPLE_2_SURFACE stores the 2-D meshgrid; plots read the same grid from the axes).

use super::{NodeDef, NodeError, Outputs};
use crate::numeric::array::{reshape_dims, triple_grid};
use crate::spec::{NodeSpec, ParamKind};
use crate::value::convert::{frame_to_matrix, matrix_to_frame};
use crate::value::{Column, DataFrame, DataType as T, Matrix, TypeSet, Value};

const PATH: &str = "ETL/TRANSFORM/TYPE_CASTING";
const VEC: TypeSet = TypeSet::of(T::Vector);
const MAT: TypeSet = TypeSet::of(T::Matrix);
const DF: TypeSet = TypeSet::of(T::DataFrame);
const SCALAR: TypeSet = TypeSet::of(T::Scalar);

pub fn nodes() -> Vec<NodeDef> {
    vec![
        boolean_2_scalar(),
        df_2_np(),
        df_2_ordered_triple(),
        matrix_2_vector(),
        mat_2_df(),
        np_2_df(),
        ordered_pair_2_vector(),
        ordered_triple_2_surface(),
        vector_2_matrix(),
        vector_2_ordered_pair(),
        vector_2_scalar(),
    ]
}

fn boolean_2_scalar() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("BOOLEAN_2_SCALAR", PATH, "A Boolean as a Scalar: true is 1, false is 0.")
            .input("default", TypeSet::of(T::Boolean), "The Boolean")
            .output("default", SCALAR, "1 or 0"),
        |ctx| match ctx.need("default")? {
            Value::Boolean { b } => Ok(Outputs::one(Value::scalar(if *b { 1.0 } else { 0.0 }))),
            other => Err(ctx.wrong_type("default", other)),
        },
    )
}

fn df_2_np() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "DF_2_NP",
            PATH,
            "A DataFrame as a Matrix: one row per DataFrame row, one column per column. The columns must \
             hold numbers (Flojoy makes an object array that can hold text; our Matrices hold numbers).",
        )
        .input("default", DF, "The DataFrame")
        .output("default", MAT, "The Matrix"),
        |ctx| Ok(Outputs::one(Value::Matrix { m: frame_to_matrix(ctx.frame("default")?, "DF_2_NP")? })),
    )
}

/// `df.iloc[:, i]`: a column by position, negative from the end.
fn column_at<'a>(df: &'a DataFrame, i: i64, param: &str) -> Result<&'a Column, NodeError> {
    let n = df.columns.len() as i128;
    let j = if i < 0 { i128::from(i) + n } else { i128::from(i) };
    if !(0..n).contains(&j) {
        return Err(NodeError(format!(
            "parameter '{param}' = {i}: single positional indexer is out-of-bounds (the DataFrame has {n} columns)"
        )));
    }
    Ok(&df.columns[j as usize])
}

fn df_2_ordered_triple() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "DF_2_ORDERED_TRIPLE",
            PATH,
            "Three columns of a DataFrame, chosen by position, as an OrderedTriple (x, y, z). The DataFrame \
             needs at least 3 columns; a column of text stays text (plots draw it as categories).",
        )
        .input("default", DF, "The DataFrame")
        .output("default", TypeSet::of(T::OrderedTriple), "The OrderedTriple")
        .int("x", 0, "Position of the x column (negative counts from the end)")
        .int("y", 1, "Position of the y column")
        .int("z", 2, "Position of the z column"),
        |ctx| {
            let df = ctx.frame("default")?;
            if df.columns.len() < 3 {
                return Err(NodeError(format!(
                    "The DataFrame needs to have a shape greater than 2 in order to be converted to the \
                     OrderedTriple type, got: {}",
                    df.columns.len()
                )));
            }
            // df.iloc[:, i].to_numpy(dtype=object): numbers, or text as an object array
            let x = column_at(df, ctx.int("x")?, "x")?.data.clone();
            let y = column_at(df, ctx.int("y")?, "y")?.data.clone();
            let z = column_at(df, ctx.int("z")?, "z")?.data.clone();
            Ok(Outputs::one(Value::OrderedTriple { x, y, z }))
        },
    )
}

fn matrix_2_vector() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("MATRIX_2_VECTOR", PATH, "Flatten a Matrix into a Vector, row after row.")
            .input("default", MAT, "The Matrix")
            .output("default", VEC, "The elements, row by row"),
        |ctx| match ctx.need("default")? {
            Value::Matrix { m } => Ok(Outputs::one(Value::vector(m.data.clone()))),
            other => Err(ctx.wrong_type("default", other)),
        },
    )
}

fn mat_2_df() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("MAT_2_DF", PATH, "A Matrix as a DataFrame, with columns named 0, 1, 2, …")
            .input("default", MAT, "The Matrix")
            .output("default", DF, "The DataFrame"),
        |ctx| match ctx.need("default")? {
            Value::Matrix { m } => Ok(Outputs::one(Value::DataFrame { m: matrix_to_frame(m) })),
            other => Err(ctx.wrong_type("default", other)),
        },
    )
}

fn np_2_df() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "NP_2_DF",
            PATH,
            "Any array-like container as a DataFrame: a DataFrame passes through; an OrderedPair gives its y \
             (one column named 0); an OrderedTriple its z; a Matrix or Grayscale one column per matrix \
             column; an Image one row per pixel with columns 0–2 (r, g, b) or 0–3 with alpha.",
        )
        .input("default", TypeSet::ANY, "The container to convert")
        .output("default", DF, "The DataFrame"),
        |ctx| {
            let df = match ctx.need("default")? {
                Value::DataFrame { .. } => {
                    return Ok(Outputs::data(ctx.input_data("default").ok_or_else(|| NodeError::new("no input"))?));
                }
                Value::OrderedPair { y, .. } => DataFrame::new(vec![DataFrame::num("0", y.clone())]),
                Value::OrderedTriple { z, .. } => DataFrame::new(vec![Column { name: "0".into(), data: z.clone() }]),
                Value::Matrix { m } | Value::Grayscale { m } => matrix_to_frame(m),
                Value::Image { r, g, b, a } => {
                    let mut chans = vec![r, g, b];
                    chans.extend(a.as_ref());
                    DataFrame::new(
                        chans.iter().enumerate().map(|(i, c)| DataFrame::num(&i.to_string(), c.data.clone())).collect(),
                    )
                }
                other => {
                    return Err(NodeError(format!(
                        "unsupported DataContainer type passed for NP_2_DF: {}",
                        other.data_type()
                    )));
                }
            };
            Ok(Outputs::one(Value::DataFrame { m: df }))
        },
    )
}

fn ordered_pair_2_vector() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("ORDERED_PAIR_2_VECTOR", PATH, "Split an OrderedPair into its x and y Vectors.")
            .input("default", TypeSet::of(T::OrderedPair), "The OrderedPair")
            .output("x", VEC, "The x values")
            .output("y", VEC, "The y values"),
        |ctx| match ctx.need("default")? {
            Value::OrderedPair { x, y } => {
                Ok(Outputs::none().with("x", Value::vector(x.clone())).with("y", Value::vector(y.clone())))
            }
            other => Err(ctx.wrong_type("default", other)),
        },
    )
}

fn ordered_triple_2_surface() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "ORDERED_TRIPLE_2_SURFACE",
            PATH,
            "An OrderedTriple as a Surface: the axes are the sorted unique x and y values (numbers, or text \
             sorted as Python sorts strings), and z, which must hold numbers, is laid out row by row on that \
             grid (len(y) rows × len(x) columns), truncated or padded with zeros to fit.",
        )
        .input("default", TypeSet::of(T::OrderedTriple), "The OrderedTriple")
        .output("default", TypeSet::of(T::Surface), "The Surface"),
        |ctx| {
            let Value::OrderedTriple { x, y, z } = ctx.need("default")? else {
                return Err(ctx.wrong_type("default", ctx.need("default")?));
            };
            let (x, y, z) = triple_grid(x, y, z, "ORDERED_TRIPLE_2_SURFACE")?;
            Ok(Outputs::one(Value::Surface { x, y, z }))
        },
    )
}

fn vector_2_matrix() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "VECTOR_2_MATRIX",
            PATH,
            "Reshape a Vector into a Matrix of row × col, filled row by row (numpy.reshape; −1 lets one \
             dimension be inferred). Flojoy prints a failed reshape and outputs nothing; here it is an error.",
        )
        .input("default", VEC, "The Vector")
        .output("default", MAT, "The Matrix")
        .param("row", ParamKind::Int { min: None, max: None }, serde_json::Value::Null, "Number of rows")
        .param("col", ParamKind::Int { min: None, max: None }, serde_json::Value::Null, "Number of columns"),
        |ctx| {
            let v = ctx.vector("default")?;
            let (rows, cols) = reshape_dims(v.len(), ctx.int("row")?, ctx.int("col")?)?;
            Ok(Outputs::one(Value::Matrix { m: Matrix { rows, cols, data: v.to_vec() } }))
        },
    )
}

fn vector_2_ordered_pair() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new("VECTOR_2_ORDERED_PAIR", PATH, "Two Vectors as an OrderedPair: x = default, y = y.")
            .input("default", VEC, "The x values")
            .input("y", VEC, "The y values")
            .output("default", TypeSet::of(T::OrderedPair), "The OrderedPair"),
        |ctx| {
            let (x, y) = (ctx.vector("default")?, ctx.vector("y")?);
            Ok(Outputs::one(Value::pair(x.to_vec(), y.to_vec())))
        },
    )
}

fn vector_2_scalar() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "VECTOR_2_SCALAR",
            PATH,
            "A Vector of bits or whole numbers as one Scalar. A Vector of only 0s and 1s (what VECTOR makes \
             from booleans) is read as a binary number, first element most significant: [1, 0, 1] gives 5. \
             Other whole numbers are summed. Anything else is an error. (Flojoy tells booleans from integers \
             by their numpy type; our Vectors hold plain numbers, so 0/1 always means bits.)",
        )
        .input("default", VEC, "The Vector")
        .output("default", SCALAR, "The number"),
        |ctx| {
            let v = ctx.vector("default")?;
            if v.is_empty() {
                return Err(NodeError::new("the Vector is empty: invalid literal for int() with base 2: ''"));
            }
            let c = if v.iter().all(|&x| x == 0.0 || x == 1.0) {
                v.iter().fold(0.0, |acc, &b| acc * 2.0 + b)
            } else if v.iter().all(|x| x.is_finite() && x.fract() == 0.0) {
                v.iter().sum()
            } else {
                return Err(NodeError::new("all elements of the vector must be in boolean or integer type"));
            };
            Ok(Outputs::one(Value::scalar(c)))
        },
    )
}
