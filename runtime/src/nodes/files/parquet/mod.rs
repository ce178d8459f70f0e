//! OPEN_PARQUET: a Parquet file as the DataFrame `pandas.read_parquet` gives (flat tables; see
//! `read.rs` for what is read). Our own small reader rather than Apache Arrow's crate, which
//! would add several hundred kilobytes to the page's download for one node.

mod read;
mod snappy;
mod thrift;

use futures::future::LocalBoxFuture;
use serde_json::Value as Json;

use crate::nodes::{AsyncCtx, NodeDef, NodeError, NodeResult, Outputs};
use crate::spec::{NodeSpec, ParamKind};
use crate::value::{DataType as T, TypeSet, Value};

pub(in crate::nodes::files) fn open_parquet() -> NodeDef {
    NodeDef::asynchronous(
        NodeSpec::new(
            "OPEN_PARQUET",
            "ETL/EXTRACT/FILE",
            "Read a Parquet file into a DataFrame, as pandas' read_parquet does: numbers, text, booleans \
             (True/False), dates and timestamps (as pandas prints them); pandas' saved index is dropped. \
             Flat tables compressed with Snappy (pandas' default), gzip or not at all.",
        )
        .output("default", TypeSet::of(T::DataFrame), "The table")
        .param(
            "file_path",
            ParamKind::File { accept: vec![".parquet".into()] },
            Json::Null,
            "The .parquet file: a path (relative to the flow), a picked file or a URL",
        ),
        run,
    )
}

/// A Parquet file's bytes as the DataFrame OPEN_PARQUET gives (public for the fuzzer).
pub fn read_parquet(bytes: &[u8]) -> Result<crate::value::DataFrame, String> {
    read::read(bytes)
}

/// A ULEB128 varint of at most 5 bytes (a page's lengths and run headers) at `pos`: its value
/// and the position after it.
fn varint(data: &[u8], mut pos: usize) -> Option<(usize, usize)> {
    let mut v = 0usize;
    for shift in (0..35).step_by(7) {
        let b = *data.get(pos)?;
        pos += 1;
        v |= usize::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some((v, pos));
        }
    }
    Some((v, pos))
}

fn run(ctx: AsyncCtx) -> LocalBoxFuture<'static, NodeResult> {
    Box::pin(async move {
        let path = ctx.text("file_path").to_owned();
        if path.is_empty() {
            return Err(NodeError::new("parameter 'file_path' is empty: pick a .parquet file"));
        }
        // Flojoy's check, and its message
        if !path.ends_with(".parquet") {
            let ext: String = path.chars().rev().take(8).collect::<Vec<_>>().into_iter().rev().collect();
            return Err(NodeError(format!("File type {ext} unsupported.")));
        }
        let bytes = ctx.host.read_file(&path).await.map_err(NodeError)?;
        let frame = read::read(&bytes).map_err(|e| NodeError(format!("{path}: {e}")))?;
        Ok(Outputs::one(Value::DataFrame { m: frame }))
    })
}
