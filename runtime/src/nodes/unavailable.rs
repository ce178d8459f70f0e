//! Known Flojoy nodes that cannot run in the browser (model weights, cloud services): they import as themselves, with the reason.
//!
//! Each keeps the block's real ports and parameters (from Flojoy's manifests), so a flow file that
//! uses one opens with its wires and settings intact; validation shows the reason and blocks Run.

use super::{Ctx, NodeDef, NodeError, NodeResult};
use crate::spec::{Availability, NodeSpec, ParamKind};
use crate::value::{DataType as T, TypeSet};

const ANY: TypeSet = TypeSet::ANY;

const IMAGE: TypeSet = TypeSet::of(T::Image);
const DF: TypeSet = TypeSet::of(T::DataFrame);

pub fn nodes() -> Vec<NodeDef> {
    [
        hugging_face_pipeline(),
        nlp_connect_vit_gpt2(),
        bart_large_cnn(),
        deeplab_v3(),
        object_detection(),
        torchscript_classifier(),
        onnx_model(),
        speech_2_text(),
        prophet_predict(),
        prophet_plot("PROPHET_PLOT", "Plot a Prophet forecast of the time series (its trend and uncertainty)."),
        prophet_plot("PROPHET_COMPONENTS", "Plot the components (trend, seasonalities) of a Prophet forecast."),
        snowflake(),
        text_dataset(),
        read_s3(),
        export_s3(),
        flojoy_cloud_download(),
        flojoy_cloud_upload(),
        peak_connect(),
        peak_detect_available_devices(),
    ]
    .into_iter()
    .map(|spec| NodeDef::sync(spec, refuse))
    .collect()
}

/// What an unavailable node does if it is ever run: fails with its reason.
fn refuse(ctx: &mut Ctx<'_>) -> NodeResult {
    let reason = match &ctx.spec.availability {
        Availability::Unavailable { reason } => reason.as_str(),
        Availability::Native => "it is not available here",
    };
    Err(NodeError(format!("{} cannot run in Flojoy Web: {reason}", ctx.spec.func)))
}

const WEIGHTS: &str = "it runs a machine-learning model whose weights Flojoy downloads at run time; \
                       Flojoy Web runs in the browser and loads no model weights";

fn model(func: &str, path: &str, doc: &str, model: &str) -> NodeSpec {
    NodeSpec::new(func, path, doc).unavailable(&format!("{WEIGHTS} ({model})"))
}

fn hugging_face_pipeline() -> NodeSpec {
    model(
        "HUGGING_FACE_PIPELINE",
        "AI_ML/IMAGE_CLASSIFICATION",
        "Classify an image with a Hugging Face image-classification pipeline: a DataFrame of labels and scores.",
        "a Hugging Face image-classification model",
    )
    .input("default", IMAGE, "The image to classify")
    .output("default", DF, "Columns label and score")
    .str("model", "google/vit-base-patch16-224", "The Hugging Face model id")
    .str("revision", "main", "The model revision")
}

fn nlp_connect_vit_gpt2() -> NodeSpec {
    model(
        "NLP_CONNECT_VIT_GPT2",
        "AI_ML/IMAGE_CAPTIONING",
        "Caption an image with the nlpconnect/vit-gpt2-image-captioning model.",
        "nlpconnect/vit-gpt2-image-captioning",
    )
    .input("default", IMAGE, "The image")
    .output("default", DF, "The caption")
}

fn bart_large_cnn() -> NodeSpec {
    model(
        "BART_LARGE_CNN",
        "AI_ML/TEXT_SUMMARIZATION",
        "Summarise the text of a DataFrame with the facebook/bart-large-cnn model.",
        "facebook/bart-large-cnn",
    )
    .input("default", DF, "The text to summarise")
    .output("default", DF, "The summaries")
}

fn deeplab_v3() -> NodeSpec {
    model(
        "DEEPLAB_V3",
        "AI_ML/SEGMENTATION",
        "Segment an image with torchvision's pretrained DeepLabV3.",
        "torchvision's DeepLabV3",
    )
    .input("default", IMAGE, "The image")
    .output("default", IMAGE, "The segmentation")
}

fn object_detection() -> NodeSpec {
    model(
        "OBJECT_DETECTION",
        "AI_ML/OBJECT_DETECTION",
        "Detect objects with YOLOv3 (OpenCV DNN) and draw labelled boxes on the image.",
        "YOLOv3",
    )
    .input("default", IMAGE, "The image")
    .output("default", IMAGE, "The image with boxes")
}

fn torchscript_classifier() -> NodeSpec {
    NodeSpec::new(
        "TORCHSCRIPT_CLASSIFIER",
        "AI_ML/CLASSIFICATION",
        "Classify an image with a TorchScript model file: a DataFrame of class names and confidences.",
    )
    .unavailable("it runs a PyTorch (TorchScript) model, which Flojoy Web cannot load in the browser")
    .input("input_image", IMAGE, "The image")
    .input("class_names", DF, "The class names")
    .output("default", DF, "Class names and confidences")
    .str("model_path", "", "Path of the TorchScript model")
}

fn onnx_model() -> NodeSpec {
    NodeSpec::new("ONNX_MODEL", "AI_ML/LOAD_MODEL", "Run an ONNX model (single input and output tensor) on a Vector.")
        .unavailable("it runs a model with ONNX Runtime, which Flojoy Web does not include")
        .input("default", TypeSet::of(T::Vector), "The model input")
        .output("default", TypeSet::of(T::Vector), "The model output")
        .str("file_path", "", "Path of the .onnx model")
}

fn speech_2_text() -> NodeSpec {
    model(
        "SPEECH_2_TEXT",
        "AI_ML/AUDIO",
        "Transcribe an audio file to text (huggingsound, wav2vec2-large-xlsr-53-english).",
        "jonatasgrosman/wav2vec2-large-xlsr-53-english",
    )
    .optional_input("default", TypeSet::ANY, "Optional: only triggers the node")
    .output("default", TypeSet::ANY, "The transcription (a String)")
    .param(
        "file_path",
        ParamKind::File { accept: vec!["audio/*".into()] },
        serde_json::Value::Null,
        "The audio file",
    )
}

const PROPHET: &str = "it fits a Prophet model, which needs the prophet library (and its Stan backend); \
                       Flojoy Web does not include it";

fn prophet_predict() -> NodeSpec {
    NodeSpec::new(
        "PROPHET_PREDICT",
        "AI_ML/PREDICT_TIME_SERIES",
        "Fit Prophet to a time series (first column dates) and forecast it.",
    )
    .unavailable(PROPHET)
    .input("default", DF, "The time series: a date column and a value column")
    .output("default", DF, "The forecast")
    .bool("run_forecast", true, "Forecast (else return the fitted model's parameters)")
    .int("periods", 365, "How many days to forecast")
}

fn prophet_plot(func: &str, doc: &str) -> NodeSpec {
    NodeSpec::new(func, "DATA/VISUALIZATION/PLOTLY", doc)
        .unavailable(PROPHET)
        .input("default", DF, "The time series or Prophet forecast")
        .output("default", TypeSet::of(T::Plotly), "The figure")
        .int("periods", 365, "How many days to forecast")
}

const NETWORK: &str = "it talks to an online service, and Flojoy Web sends no request outside the page";

fn peak_connect() -> NodeSpec {
    NodeSpec::new(
        "PEAK_CONNECT",
        "HARDWARE/PROTOCOLS/CAN/BUS",
        "Connect to a PEAK-System PCAN CAN-bus adapter (python-can's PCAN interface).",
    )
    .unavailable(PCAN)
    .optional_input("default", ANY, "Optional: passed through")
    .output("default", ANY, "The connection")
    .str("PCAN_address", "", "The PCAN channel, e.g. PCAN_USBBUS1")
    .int("bitrate", 500000, "The bus bit rate")
}

const PCAN: &str = "it needs the vendor's driver: PEAK-System's PCAN-Basic library (PCAN driver on Windows and Linux, \
                    MacCAN on macOS) through python-can, which a browser cannot reach; PCAN adapters are not reachable \
                    over WebSerial or WebUSB without it. Use a CANable or another slcan adapter with CANABLE_CONNECT";

fn peak_detect_available_devices() -> NodeSpec {
    NodeSpec::new(
        "PEAK_DETECT_AVAILABLE_DEVICES",
        "HARDWARE/PROTOCOLS/CAN/BUS",
        "List the PEAK-System PCAN channels the PCAN driver sees.",
    )
    .unavailable(PCAN)
    .optional_input("default", ANY, "Optional: only sets the order")
    .output("default", TypeSet::of(T::String), "The devices and their channels")
}

fn snowflake() -> NodeSpec {
    NodeSpec::new(
        "SNOWFLAKE",
        "AI_ML/DATA_INTERPRETATION",
        "Ask a question about a Snowflake database (an OpenAI-driven SQL agent): an answer and data to plot.",
    )
    .unavailable(&format!("{NETWORK} (Snowflake and OpenAI)"))
    .input("user_prompt", TypeSet::of(T::String), "The question")
    .output("bar_plot_data", TypeSet::of(T::OrderedPair), "The data to plot")
    .output("text_answer", TypeSet::of(T::String), "The answer")
    .str("user", "", "Snowflake user name")
    .str("password", "", "Snowflake password")
    .str("account", "", "Snowflake account")
    .str("warehouse", "", "Snowflake warehouse")
    .str("database", "", "Snowflake database")
    .str("schema", "", "Database schema")
    .str("openai_api_key", "", "OpenAI API key")
}

fn text_dataset() -> NodeSpec {
    NodeSpec::new(
        "TEXT_DATASET",
        "DATA/GENERATION/SAMPLE_DATASETS",
        "The 20 newsgroups text data set (scikit-learn fetch_20newsgroups): columns Text and Label.",
    )
    .unavailable(
        "it downloads the 20 newsgroups data set (about 14 MB) from the internet, which Flojoy Web does not do",
    )
    .output("default", DF, "Columns Text and Label")
    .select("subset", &["train", "test", "all"], "train", "Which part of the data set")
    .param("categories", ParamKind::Array, "", "Categories to keep (all when empty)")
    .bool("remove_headers", false, "Remove the headers")
    .bool("remove_footers", false, "Remove the footers")
    .bool("remove_quotes", false, "Remove quoted replies")
}

fn read_s3() -> NodeSpec {
    NodeSpec::new("READ_S3", "ETL/EXTRACT/FILE", "Read a file from an AWS S3 bucket into a DataFrame.")
        .unavailable(&format!("{NETWORK} (AWS S3)"))
        .output("default", DF, "The table")
        .str("s3_name", "", "The name of the stored AWS credentials")
        .str("bucket_name", "", "The bucket")
        .str("file_name", "", "The file in the bucket")
}

const S3_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "ca-west-1",
    "eu-north-1",
    "eu-west-3",
    "eu-west-2",
    "eu-west-1",
    "eu-central-1",
    "eu-south-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-east-1",
    "sa-east-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-isob-east-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "me-south-1",
    "af-south-1",
    "me-central-1",
    "eu-south-2",
    "eu-central-2",
    "ap-south-2",
    "ap-southeast-4",
    "il-central-1",
];

fn export_s3() -> NodeSpec {
    NodeSpec::new("EXPORT_S3", "DATA/EXPORT", "Upload a value or a file to an AWS S3 bucket.")
        .unavailable(&format!("{NETWORK} (AWS S3)"))
        .input("object_name", TypeSet::of(T::String), "The name of the object in the bucket")
        .input("default", TypeSet::ANY, "The value to upload")
        .output("default", TypeSet::of(T::Boolean), "Whether the upload worked")
        .param("s3_access_key", ParamKind::Secret, serde_json::Value::Null, "The AWS access key")
        .param("s3_secret_key", ParamKind::Secret, serde_json::Value::Null, "The AWS secret key")
        .str("bucket", "", "The bucket")
        .select("region", S3_REGIONS, "us-east-1", "The AWS region")
        .bool("enable_overwrite", false, "Replace an existing object")
        .param(
            "file",
            ParamKind::File { accept: Vec::new() },
            serde_json::Value::Null,
            "Optional: a file to upload instead",
        )
}

fn flojoy_cloud_download() -> NodeSpec {
    NodeSpec::new("FLOJOY_CLOUD_DOWNLOAD", "ETL/LOAD/CLOUD_DATABASE", "Download a measurement from Flojoy Cloud.")
        .unavailable(&format!("{NETWORK} (Flojoy Cloud)"))
        .output("default", TypeSet::ANY, "The measurement")
        .str("measurement_id", "", "The measurement id")
}

fn flojoy_cloud_upload() -> NodeSpec {
    NodeSpec::new(
        "FLOJOY_CLOUD_UPLOAD",
        "ETL/LOAD/CLOUD_DATABASE",
        "Upload a value to Flojoy Cloud as a test measurement.",
    )
    .unavailable(&format!("{NETWORK} (Flojoy Cloud)"))
    .input("default", TypeSet::ANY, "The value to upload")
    .optional_input("pass_fail", TypeSet::of(T::Boolean), "Optional: whether the test passed")
    .output("default", TypeSet::ANY, "The input, passed on")
    .str("hardware_id", "", "The hardware id")
    .str("test_id", "", "The test id")
    .str("name", "", "The measurement name")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_node_here_is_unavailable_with_a_reason_and_refuses_to_run() {
        for def in nodes() {
            let Availability::Unavailable { reason } = &def.spec.availability else {
                panic!("{} should be unavailable", def.spec.func)
            };
            assert!(reason.len() > 20, "{}", def.spec.func);
            let out = futures::executor::block_on(super::super::invoke(
                &def,
                &[],
                &serde_json::Map::new(),
                std::rc::Rc::new(crate::host::NativeHost::default()),
            ));
            let err = out.expect_err("an unavailable node must fail");
            assert!(err.0.contains("cannot run in Flojoy Web"), "{}", err.0);
        }
    }
}
