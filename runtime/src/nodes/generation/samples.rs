//! The bundled sample data: the files `tests/fixtures/sample_data.py` writes into
//! `runtime/assets/samples/` from the PyPI packages that ship them (origins and licences in its
//! LICENSES.md). Tables are gzip'd CSV of the DataFrame Flojoy's block gets; images are the
//! packages' PNG files.

use std::io::Read;

use crate::value::{Column, ColumnData, DataFrame};

macro_rules! samples {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../../assets/samples/", $name)))),*]
    };
}

const FILES: &[(&str, &[u8])] = samples![
    "camera.png",
    "moon.png",
    "coins.png",
    "diabetes.csv.gz",
    "digits.csv.gz",
    "linnerud.csv.gz",
    "wine.csv.gz",
    "breast_cancer.csv.gz",
    "wind.csv.gz",
    "carshare.csv.gz",
    "tips.csv.gz",
    "election.csv.gz",
    "experiment.csv.gz",
    "gapminder.csv.gz",
    "medals_long.csv.gz",
    "medals_wide.csv.gz",
    "stocks.csv.gz",
];

fn file(name: &str) -> Option<&'static [u8]> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

/// The bundled PNG of sample image `name` (`camera`), if it is bundled.
pub(super) fn image(name: &str) -> Option<&'static [u8]> {
    file(&format!("{name}.png"))
}

/// The names of the bundled sample images.
pub(super) fn image_names() -> Vec<&'static str> {
    FILES.iter().filter_map(|(n, _)| n.strip_suffix(".png")).collect()
}

/// The bundled table `name` (`gapminder`), if it is bundled: a column whose cells all read as
/// numbers is numeric (pandas' inference for these files; an empty cell is NaN), any other is text.
pub(super) fn table(name: &str) -> Option<Result<DataFrame, String>> {
    let gz = file(&format!("{name}.csv.gz"))?;
    Some(read_table(gz).map_err(|e| format!("the bundled data set '{name}' is damaged: {e}")))
}

fn read_table(gz: &[u8]) -> Result<DataFrame, String> {
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(gz).read_to_end(&mut text).map_err(|e| e.to_string())?;
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_slice());
    let names: Vec<String> = rdr.headers().map_err(|e| e.to_string())?.iter().map(str::to_owned).collect();
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); names.len()];
    for rec in rdr.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        for (col, cell) in cells.iter_mut().zip(rec.iter()) {
            col.push(cell.to_owned());
        }
    }
    let columns = names
        .into_iter()
        .zip(cells)
        .map(|(name, col)| {
            let nums: Option<Vec<f64>> =
                col.iter().map(|c| if c.is_empty() { Some(f64::NAN) } else { c.parse::<f64>().ok() }).collect();
            let data = match nums {
                Some(v) if !col.iter().all(String::is_empty) => ColumnData::Num(v),
                _ => ColumnData::Text(col),
            };
            Column { name, data }
        })
        .collect();
    Ok(DataFrame::new(columns))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_file_reads() {
        for (name, _) in FILES {
            if let Some(stem) = name.strip_suffix(".csv.gz") {
                let df = table(stem).unwrap().unwrap();
                assert!(df.rows() > 0 && !df.columns.is_empty(), "{name}");
            } else {
                let img = image(name.trim_end_matches(".png")).unwrap();
                assert!(crate::nodes::image_io::decode_rgb(img).is_ok(), "{name}");
            }
        }
        assert!(table("nope").is_none() && image("nope").is_none());
    }
}
