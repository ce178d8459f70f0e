//! A small column-oriented DataFrame: named columns of numbers or text.
//! Flojoy wraps pandas; we keep what its nodes use (named, ordered, typed columns).

/// One column's cells.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnData {
    /// Numbers; a missing cell is NaN (pandas does the same for numeric columns).
    Num(Vec<f64>),
    /// Text (also dates, as ISO strings); a missing cell is "".
    Text(Vec<String>),
}

impl ColumnData {
    pub fn len(&self) -> usize {
        match self {
            ColumnData::Num(v) => v.len(),
            ColumnData::Text(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn as_num(&self) -> Option<&[f64]> {
        match self {
            ColumnData::Num(v) => Some(v),
            ColumnData::Text(_) => None,
        }
    }

    /// The cell as text (numbers formatted like pandas prints them).
    pub fn cell_text(&self, i: usize) -> String {
        match self {
            ColumnData::Num(v) => v.get(i).map(|x| format_number(*x)).unwrap_or_default(),
            ColumnData::Text(v) => v.get(i).cloned().unwrap_or_default(),
        }
    }

    pub fn select(&self, rows: &[usize]) -> ColumnData {
        match self {
            ColumnData::Num(v) => ColumnData::Num(rows.iter().map(|&i| v[i]).collect()),
            ColumnData::Text(v) => ColumnData::Text(rows.iter().map(|&i| v[i].clone()).collect()),
        }
    }
}

/// Formats a number the way a person reads it: integers without ".0", NaN as "nan".
pub fn format_number(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    pub data: ColumnData,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct DataFrame {
    pub columns: Vec<Column>,
}

impl DataFrame {
    pub fn new(columns: Vec<Column>) -> DataFrame {
        DataFrame { columns }
    }

    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.data.len())
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn num(name: &str, v: Vec<f64>) -> Column {
        Column { name: name.into(), data: ColumnData::Num(v) }
    }

    pub fn text(name: &str, v: Vec<String>) -> Column {
        Column { name: name.into(), data: ColumnData::Text(v) }
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        let n = self.rows();
        match self.columns.iter().find(|c| c.data.len() != n) {
            Some(c) => Err(format!(
                "all columns must have the same length: '{}' has {} rows, expected {n}",
                c.name,
                c.data.len()
            )),
            None => Ok(()),
        }
    }
}
