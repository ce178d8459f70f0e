//! The bundled sample data: the files `tests/fixtures/sample_data.py` writes into
//! `runtime/assets/samples/` from the PyPI packages that ship them (origins and licences in its
//! LICENSES.md), and Flojoy's astronaut picture (`runtime/assets/astronaut.png`). Tables are
//! gzip'd CSV of the DataFrame Flojoy's block gets; images are the packages' PNG files.
//!
//! Native builds carry the files; the browser app fetches each from the site the first time a
//! node asks for it (`Host::sample`), as they would otherwise be a third of its download.

use std::io::Read;

use crate::host::Host;
use crate::nodes::NodeError;
use crate::value::{Column, ColumnData, DataFrame, Value};

macro_rules! samples {
    ($($name:literal => $path:literal),* $(,)?) => {
        /// The sample files, by name.
        const NAMES: &[&str] = &[$($name),*];
        /// Their bytes (native builds).
        #[cfg(not(target_family = "wasm"))]
        const FILES: &[&[u8]] = &[$(include_bytes!(concat!("../../../assets/", $path))),*];
    };
}

samples![
    "astronaut.png" => "astronaut.png",
    "camera.png" => "samples/camera.png",
    "moon.png" => "samples/moon.png",
    "coins.png" => "samples/coins.png",
    "diabetes.csv.gz" => "samples/diabetes.csv.gz",
    "digits.csv.gz" => "samples/digits.csv.gz",
    "linnerud.csv.gz" => "samples/linnerud.csv.gz",
    "wine.csv.gz" => "samples/wine.csv.gz",
    "breast_cancer.csv.gz" => "samples/breast_cancer.csv.gz",
    "wind.csv.gz" => "samples/wind.csv.gz",
    "carshare.csv.gz" => "samples/carshare.csv.gz",
    "tips.csv.gz" => "samples/tips.csv.gz",
    "election.csv.gz" => "samples/election.csv.gz",
    "experiment.csv.gz" => "samples/experiment.csv.gz",
    "gapminder.csv.gz" => "samples/gapminder.csv.gz",
    "medals_long.csv.gz" => "samples/medals_long.csv.gz",
    "medals_wide.csv.gz" => "samples/medals_wide.csv.gz",
    "stocks.csv.gz" => "samples/stocks.csv.gz",
];

/// A sample file's bytes as this build carries them (none in the browser app's build).
pub fn bundled(name: &str) -> Option<&'static [u8]> {
    #[cfg(not(target_family = "wasm"))]
    return NAMES.iter().position(|n| *n == name).and_then(|i| FILES.get(i).copied());
    #[cfg(target_family = "wasm")]
    return {
        let _ = name;
        None
    };
}

/// Reads sample file `name` through the host, or says why it could not.
async fn read(host: &dyn Host, name: &str) -> Result<std::borrow::Cow<'static, [u8]>, NodeError> {
    host.sample(name).await.map_err(|e| NodeError(format!("the sample file '{name}' could not be read: {e}")))
}

/// The names of the sample images (`camera`).
pub(super) fn image_names() -> Vec<&'static str> {
    NAMES.iter().filter_map(|n| n.strip_suffix(".png")).collect()
}

/// Sample image `name` (`camera`) as an RGB image, or `None` if there is no such sample.
pub(super) async fn image(host: &dyn Host, name: &str) -> Option<Result<Value, NodeError>> {
    let file = format!("{name}.png");
    if !NAMES.contains(&file.as_str()) {
        return None;
    }
    Some(match read(host, &file).await {
        Ok(png) => crate::nodes::image_io::decode_rgb(&png).map_err(NodeError),
        Err(e) => Err(e),
    })
}

/// Sample table `name` (`gapminder`), or `None` if there is no such sample: a column whose cells
/// all read as numbers is numeric (pandas' inference for these files; an empty cell is NaN), any
/// other is text.
pub(super) async fn table(host: &dyn Host, name: &str) -> Option<Result<DataFrame, NodeError>> {
    let file = format!("{name}.csv.gz");
    if !NAMES.contains(&file.as_str()) {
        return None;
    }
    Some(match read(host, &file).await {
        Ok(gz) => read_table(&gz).map_err(|e| NodeError(format!("the bundled data set '{name}' is damaged: {e}"))),
        Err(e) => Err(e),
    })
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
    use crate::host::NativeHost;

    #[test]
    fn every_sample_file_reads() {
        let host = NativeHost::default();
        futures::executor::block_on(async {
            for name in NAMES {
                if let Some(stem) = name.strip_suffix(".csv.gz") {
                    let df = table(&host, stem).await.unwrap().unwrap();
                    assert!(df.rows() > 0 && !df.columns.is_empty(), "{name}");
                } else {
                    assert!(image(&host, name.trim_end_matches(".png")).await.unwrap().is_ok(), "{name}");
                }
            }
            assert!(table(&host, "nope").await.is_none() && image(&host, "nope").await.is_none());
        });
    }
}
