//! Typed data values: Flojoy's DataContainer classes (REFERENCE §3.1) as one Rust enum.
//!
//! Values flow between nodes as [`Data`] (`Arc<Value>`), so a value fanned out to many nodes,
//! or passed through a LOOP, is shared rather than copied.

pub mod convert;
mod figure;
mod json;
mod table;
mod types;

use std::sync::Arc;

pub use figure::{Figure, NumArray, Trace};
pub use json::ValueError;
pub use table::{Column, ColumnData, DataFrame};
pub use types::{DataType, TypeSet};

/// A value as it travels along a wire.
pub type Data = Arc<Value>;

/// A dense 2-D array of numbers, row-major.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f64>,
}

impl Matrix {
    /// A matrix from row-major data. Returns `None` when `data.len() != rows * cols`.
    pub fn new(rows: usize, cols: usize, data: Vec<f64>) -> Option<Matrix> {
        (rows.checked_mul(cols) == Some(data.len())).then_some(Matrix { rows, cols, data })
    }

    pub fn zeros(rows: usize, cols: usize) -> Matrix {
        Matrix { rows, cols, data: vec![0.0; rows * cols] }
    }

    /// Builds from rows; `None` if the rows are ragged.
    pub fn from_rows(rows: &[Vec<f64>]) -> Option<Matrix> {
        let cols = rows.first().map_or(0, Vec::len);
        if rows.iter().any(|r| r.len() != cols) {
            return None;
        }
        Some(Matrix { rows: rows.len(), cols, data: rows.concat() })
    }

    pub fn get(&self, r: usize, c: usize) -> f64 {
        self.data[r * self.cols + c]
    }

    pub fn row(&self, r: usize) -> &[f64] {
        &self.data[r * self.cols..(r + 1) * self.cols]
    }

    pub fn column(&self, c: usize) -> Vec<f64> {
        (0..self.rows).map(|r| self.get(r, c)).collect()
    }

    pub fn transpose(&self) -> Matrix {
        let mut data = Vec::with_capacity(self.data.len());
        for c in 0..self.cols {
            for r in 0..self.rows {
                data.push(self.get(r, c));
            }
        }
        Matrix { rows: self.cols, cols: self.rows, data }
    }

    pub fn same_shape(&self, other: &Matrix) -> bool {
        self.rows == other.rows && self.cols == other.cols
    }
}

/// One Flojoy DataContainer. Field names follow Flojoy's keys so the JSON form matches.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    OrderedPair {
        x: Vec<f64>,
        y: Vec<f64>,
    },
    /// Each axis holds numbers or text: Flojoy's DF_2_ORDERED_TRIPLE keeps a text column (wind's
    /// direction) as a numpy object array, which plotly draws as categories.
    OrderedTriple {
        x: ColumnData,
        y: ColumnData,
        z: ColumnData,
    },
    /// The axes of the grid (Flojoy's meshgrid X[0] and Y[:, 0]), numbers or text as an
    /// OrderedTriple's; z holds numbers.
    Surface {
        x: ColumnData,
        y: ColumnData,
        z: Matrix,
    },
    Scalar {
        c: f64,
    },
    Vector {
        v: Vec<f64>,
    },
    Matrix {
        m: Matrix,
    },
    DataFrame {
        m: DataFrame,
    },
    /// Values in 0..1 (IMAGE multiplies by 255).
    Grayscale {
        m: Matrix,
    },
    /// Separate channels, typically 0..255; `a` is optional.
    Image {
        r: Matrix,
        g: Matrix,
        b: Matrix,
        a: Option<Matrix>,
    },
    Plotly {
        fig: Figure,
    },
    String {
        s: String,
    },
    Bytes {
        b: Vec<u8>,
    },
    Boolean {
        b: bool,
    },
}

impl Value {
    pub fn data_type(&self) -> DataType {
        match self {
            Value::OrderedPair { .. } => DataType::OrderedPair,
            Value::OrderedTriple { .. } => DataType::OrderedTriple,
            Value::Surface { .. } => DataType::Surface,
            Value::Scalar { .. } => DataType::Scalar,
            Value::Vector { .. } => DataType::Vector,
            Value::Matrix { .. } => DataType::Matrix,
            Value::DataFrame { .. } => DataType::DataFrame,
            Value::Grayscale { .. } => DataType::Grayscale,
            Value::Image { .. } => DataType::Image,
            Value::Plotly { .. } => DataType::Plotly,
            Value::String { .. } => DataType::String,
            Value::Bytes { .. } => DataType::Bytes,
            Value::Boolean { .. } => DataType::Boolean,
        }
    }

    pub fn scalar(c: f64) -> Value {
        Value::Scalar { c }
    }

    pub fn vector(v: Vec<f64>) -> Value {
        Value::Vector { v }
    }

    pub fn pair(x: Vec<f64>, y: Vec<f64>) -> Value {
        Value::OrderedPair { x, y }
    }

    /// An OrderedTriple of numbers.
    pub fn triple(x: Vec<f64>, y: Vec<f64>, z: Vec<f64>) -> Value {
        Value::OrderedTriple { x: ColumnData::Num(x), y: ColumnData::Num(y), z: ColumnData::Num(z) }
    }

    pub fn string(s: impl Into<String>) -> Value {
        Value::String { s: s.into() }
    }

    /// Flojoy's `validate()` for what our types cannot rule out by construction: matching
    /// shapes. Runs on every node output, like Flojoy's JobResultBuilder.
    pub fn validate(&self) -> Result<(), ValueError> {
        let bad = |msg: String| Err(ValueError::Invalid(self.data_type(), msg));
        match self {
            Value::OrderedTriple { x, y, z } if x.len() != y.len() || y.len() != z.len() => {
                bad(format!("x, y and z must have the same length (got {}, {}, {})", x.len(), y.len(), z.len()))
            }
            Value::Surface { x, y, z } if z.rows != y.len() || z.cols != x.len() => {
                bad(format!("z must be {}×{} (len(y)×len(x)), got {}×{}", y.len(), x.len(), z.rows, z.cols))
            }
            Value::Image { r, g, b, a } => {
                if !r.same_shape(g) || !r.same_shape(b) || a.as_ref().is_some_and(|a| !r.same_shape(a)) {
                    bad("the r, g, b (and a) channels must have the same shape".into())
                } else {
                    Ok(())
                }
            }
            Value::DataFrame { m } => m.validate().or_else(bad),
            _ => Ok(()),
        }
    }

    /// A one-line human summary ("OrderedPair, 1000 points"), for logs and node views.
    pub fn summary(&self) -> String {
        match self {
            Value::OrderedPair { x, .. } => format!("OrderedPair, {} points", x.len()),
            Value::OrderedTriple { x, .. } => format!("OrderedTriple, {} points", x.len()),
            Value::Surface { z, .. } => format!("Surface, {}×{}", z.rows, z.cols),
            Value::Scalar { c } => format!("Scalar {c}"),
            Value::Vector { v } => format!("Vector, {} elements", v.len()),
            Value::Matrix { m } => format!("Matrix, {}×{}", m.rows, m.cols),
            Value::DataFrame { m } => {
                format!("DataFrame, {} rows × {} columns", m.rows(), m.columns.len())
            }
            Value::Grayscale { m } => format!("Grayscale image, {}×{}", m.cols, m.rows),
            Value::Image { r, a, .. } => {
                format!("Image, {}×{} {}", r.cols, r.rows, if a.is_some() { "RGBA" } else { "RGB" })
            }
            Value::Plotly { fig } => format!("Plotly figure, {} traces", fig.traces.len()),
            Value::String { s } => {
                let short: String = s.chars().take(60).collect();
                if short.len() < s.len() { format!("String \"{short}…\"") } else { format!("String \"{s}\"") }
            }
            Value::Bytes { b } => format!("Bytes, {} bytes", b.len()),
            Value::Boolean { b } => format!("Boolean {}", if *b { "True" } else { "False" }),
        }
    }
}
