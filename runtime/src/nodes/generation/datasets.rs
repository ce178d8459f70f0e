//! Sample data sets: SKIMAGE's images, SCIKIT_LEARN_DATASET's and PLOTLY_DATASET's tables (the
//! bundled files are in `samples`).

use futures::future::LocalBoxFuture;

use super::samples;
use crate::nodes::{AsyncCtx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::NodeSpec;
use crate::value::{Column, DataFrame, DataType as T, TypeSet, Value};

/// skimage.data's sample images, as Flojoy lists them (the astronaut and `samples::image_names`
/// are bundled; the others need files we do not ship).
const SKIMAGE_KEYS: &[&str] = &[
    "astronaut",
    "binary_blobs",
    "brain",
    "brick",
    "camera",
    "cat",
    "cell",
    "cells3d",
    "checkerboard",
    "chelsea",
    "clock",
    "coffee",
    "coins",
    "colorwheel",
    "create_image_fetcher",
    "data_dir",
    "download_all",
    "eagle",
    "file_hash",
    "grass",
    "gravel",
    "horse",
    "hubble_deep_field",
    "human_mitosis",
    "image_fetcher",
    "immunohistochemistry",
    "kidney",
    "lbp_frontal_face_cascade_filename",
    "lfw_subset",
    "lily",
    "logo",
    "microaneurysms",
    "moon",
    "nickel_solidification",
    "page",
    "protein_transport",
    "retina",
    "rocket",
    "shepp_logan_phantom",
    "skin",
    "stereo_motorcycle",
    "text",
    "vortex",
];

/// A node that reads the sample files: asynchronous (the browser fetches them on first use),
/// yet pure, so a re-run reuses its result.
fn sample_node(spec: NodeSpec, run: fn(AsyncCtx) -> LocalBoxFuture<'static, NodeResult>) -> NodeDef {
    NodeDef { pure: true, ..NodeDef::asynchronous(spec, run) }
}

pub(super) fn skimage() -> NodeDef {
    sample_node(
        NodeSpec::new(
            "SKIMAGE",
            "DATA/GENERATION/SAMPLE_IMAGES",
            "Load a sample image as an RGB Image (a grayscale sample has r = g = b). Flojoy Web bundles \
             astronaut, camera, moon and coins; the other scikit-image samples are not included.",
        )
        .output("default", TypeSet::of(T::Image), "The image (r, g, b channels, 0–255)")
        .select("img_key", SKIMAGE_KEYS, "astronaut", "The sample image"),
        // NOTE: 'astronaut' is Flojoy's bundled astronaut.png (LOCAL_FILE's default, 640×480),
        // not skimage.data.astronaut() (512×512), which Flojoy's SKIMAGE returns.
        |ctx| {
            Box::pin(async move {
                let key = ctx.text("img_key");
                match samples::image(&*ctx.host, key).await {
                    Some(image) => Ok(Outputs::one(image?)),
                    None => Err(NodeError(format!(
                        "the sample image '{key}' is not available: Flojoy Web bundles only {}",
                        samples::image_names().iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
                    ))),
                }
            })
        },
    )
}

/// The iris data set (Fisher 1936, public domain), as scikit-learn ships it, with species names.
const IRIS_CSV: &str = include_str!("../../../assets/iris.csv");

/// The iris table: four numeric columns and the species.
fn iris() -> Result<(Vec<Vec<f64>>, Vec<String>), NodeError> {
    let mut cols: Vec<Vec<f64>> = (0..4).map(|_| Vec::with_capacity(150)).collect();
    let mut species = Vec::with_capacity(150);
    for line in IRIS_CSV.lines().skip(1).filter(|l| !l.is_empty()) {
        let cells: Vec<&str> = line.split(',').collect();
        let [a, b, c, d, s] = cells.as_slice() else {
            return Err(NodeError::new("the bundled iris table is damaged"));
        };
        for (col, cell) in cols.iter_mut().zip([a, b, c, d]) {
            col.push(cell.parse::<f64>().map_err(|_| NodeError::new("the bundled iris table is damaged"))?);
        }
        species.push((*s).to_owned());
    }
    Ok((cols, species))
}

pub(super) fn scikit_learn_dataset() -> NodeDef {
    sample_node(
        NodeSpec::new(
            "SCIKIT_LEARN_DATASET",
            "DATA/GENERATION/SAMPLE_DATASETS",
            "A scikit-learn sample data set as a DataFrame of its features (load_X(as_frame=True, \
             return_X_y=True)[0]). All six are bundled.",
        )
        .output("default", TypeSet::of(T::DataFrame), "The features")
        .select(
            "dataset_name",
            &["iris", "diabetes", "digits", "linnerud", "wine", "breast_cancer"],
            "iris",
            "The data set",
        ),
        |ctx| {
            Box::pin(async move {
                match ctx.text("dataset_name") {
                    "iris" => {
                        let (cols, _) = iris()?;
                        let names = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"];
                        let columns: Vec<Column> = names.iter().zip(cols).map(|(n, v)| DataFrame::num(n, v)).collect();
                        Ok(Outputs::one(Value::DataFrame { m: DataFrame::new(columns) }))
                    }
                    other => bundled_table(&ctx, other).await,
                }
            })
        },
    )
}

/// A bundled table as the node's output, or why it is not there.
async fn bundled_table(ctx: &AsyncCtx, name: &str) -> NodeResult {
    match samples::table(&*ctx.host, name).await {
        Some(df) => Ok(Outputs::one(Value::DataFrame { m: df? })),
        None => Err(NodeError(format!("the data set '{name}' is not available: Flojoy Web bundles only those listed"))),
    }
}

pub(super) fn plotly_dataset() -> NodeDef {
    sample_node(
        NodeSpec::new(
            "PLOTLY_DATASET",
            "DATA/GENERATION/SAMPLE_DATASETS",
            "A Plotly Express sample data set as a DataFrame (plotly.express.data.X() with its defaults). \
             All ten are bundled.",
        )
        .output("default", TypeSet::of(T::DataFrame), "The table")
        .select(
            "dataset_key",
            &[
                "wind",
                "iris",
                "carshare",
                "tips",
                "election",
                "experiment",
                "gapminder",
                "medals_long",
                "medals_wide",
                "stocks",
            ],
            "wind",
            "The data set",
        ),
        |ctx| {
            Box::pin(async move {
                match ctx.text("dataset_key") {
                    "iris" => {
                        let (mut cols, species) = iris()?;
                        // plotly.express.data.iris() is the UCI copy of the table, which differs from Fisher's
                        // (and scikit-learn's) in two flowers: rows 35 and 38 read 4.9, 3.1, 1.5, 0.1
                        for row in [34, 37] {
                            for (col, v) in cols.iter_mut().zip([4.9, 3.1, 1.5, 0.1]) {
                                if let Some(cell) = col.get_mut(row) {
                                    *cell = v;
                                }
                            }
                        }
                        let ids: Vec<f64> = species
                            .iter()
                            .map(|s| match s.as_str() {
                                "setosa" => 1.0,
                                "versicolor" => 2.0,
                                _ => 3.0,
                            })
                            .collect();
                        let names = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
                        let mut columns: Vec<Column> =
                            names.iter().zip(cols).map(|(n, v)| DataFrame::num(n, v)).collect();
                        columns.push(DataFrame::text("species", species));
                        columns.push(DataFrame::num("species_id", ids));
                        Ok(Outputs::one(Value::DataFrame { m: DataFrame::new(columns) }))
                    }
                    other => bundled_table(&ctx, other).await,
                }
            })
        },
    )
}
