//! REMOTE_FILE: LOCAL_FILE's reading of a file on the web. The browser app fetches the URL (the
//! server must allow it: CORS); the command-line runner downloads only with `--allow-download`
//! and otherwise says so.

use futures::future::LocalBoxFuture;
use serde_json::Value as Json;

use super::decode_as;
use crate::nodes::{AsyncCtx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::{NodeSpec, ParamKind};
use crate::value::{DataType as T, TypeSet, Value};

pub(super) fn remote_file() -> NodeDef {
    NodeDef::asynchronous(
        NodeSpec::new(
            "REMOTE_FILE",
            "ETL/LOAD/REMOTE_FILE_SYSTEM",
            "Load a file from an http(s) URL as an Image (RGBA channels 0–255), a Grayscale image (luminance \
             0–1), or a DataFrame from JSON or CSV. The URL comes from the input String if connected, else \
             from file_url. The browser fetches it (the site must allow it); the command-line runner \
             downloads it when run with --allow-download.",
        )
        .optional_input("default", TypeSet::of(T::String), "Optional: the URL (overrides file_url)")
        .output("default", TypeSet::union(&[T::Image, T::DataFrame, T::Grayscale]), "The loaded data")
        .param("file_url", ParamKind::Str, Json::Null, "The URL of the file")
        .select(
            "file_type",
            &["Image", "Grayscale", "JSON", "CSV", "Excel", "XML"],
            "Image",
            "How to read the file",
        ),
        run,
    )
}

fn run(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let url = match ctx.input_data("default") {
            Some(d) => match &*d {
                Value::String { s } => s.clone(),
                other => {
                    return Err(NodeError(format!(
                        "input 'default' got {}, but REMOTE_FILE handles String",
                        other.data_type()
                    )));
                }
            },
            None => ctx.text("file_url").to_owned(),
        };
        // Flojoy's get_file_url: a scheme and a host, or this error
        if !valid_url(&url) {
            return Err(NodeError(format!("'{url}' is not a valid URL.")));
        }
        let kind = ctx.text("file_type").to_owned();
        if kind == "Excel" || kind == "XML" {
            return Err(NodeError(format!(
                "REMOTE_FILE reads Image, Grayscale, JSON and CSV files here; {kind} is not supported in Flojoy Web"
            )));
        }
        let bytes = ctx.host.read_file(&url).await.map_err(NodeError)?;
        Ok(Outputs::one(decode_as(&bytes, &kind).map_err(|e| NodeError(format!("{url}: {e}")))?))
    })
}

/// `urlparse(url)` has a scheme and a network location; only http(s) can be fetched.
fn valid_url(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::valid_url;

    #[test]
    fn urls_need_a_scheme_and_a_host() {
        assert!(valid_url("https://example.org/a.png"));
        assert!(valid_url("HTTP://example.org"));
        for bad in ["", "example.org/a.png", "https://", "file:///tmp/a.png", "s3://bucket/key"] {
            assert!(!valid_url(bad), "{bad}");
        }
    }
}
