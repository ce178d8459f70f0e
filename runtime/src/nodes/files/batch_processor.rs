//! BATCH_PROCESSOR: inside a LOOP, the files of a folder one per iteration, as paths LOCAL_FILE
//! (and READ_CSV, OPEN_IMAGE, …) read. The folder is a path relative to the flow in the
//! command-line runner and a folder the user picked in the browser.
//!
//! Flojoy's protocol is kept: iteration 1 gives no file and `n_files` = the count + 1 (its
//! examples stop the loop when the index reaches that), iterations 2, 3, … give the files in
//! turn. Where it differs from Flojoy: the files come sorted by path (Python's glob gives them in
//! the folder's own order), only files are listed (not folders), and `refresh` really adds the
//! files that appeared since the listing (Flojoy's check could never be true, so it added none).
//! Running out of files is an error saying so, not a KeyError.

use std::collections::{HashSet, VecDeque};

use super::{NodeDef, NodeError, Outputs};
use crate::spec::{NodeSpec, ParamKind};
use crate::value::{DataType as T, TypeSet, Value};

/// What the node keeps between iterations (cleared at each run start).
#[derive(Default)]
struct Batch {
    listed: bool,
    queue: VecDeque<String>,
    seen: HashSet<String>,
    matched: usize,
}

pub(super) fn batch_processor() -> NodeDef {
    NodeDef::sync(
        NodeSpec::new(
            "BATCH_PROCESSOR",
            "ETL/LOAD/LOCAL_FILE_SYSTEM",
            "Inside a LOOP, give the files of a folder one by one: wire LOOP_INDEX to current_iteration and \
             fname to LOCAL_FILE (or READ_CSV). Iteration 1 gives no file and n_files = the number of \
             files + 1, so that a CONDITIONAL can end the loop when the index reaches n_files; iterations \
             2, 3, … give the files sorted by path. pattern is a glob (*.tif, **/*.csv; empty: every \
             file); with refresh, files that appear in the folder during the loop join the queue.",
        )
        .input("current_iteration", TypeSet::of(T::Scalar), "The loop's index (LOOP_INDEX), from 1")
        .output("fname", TypeSet::of(T::String), "The file of this iteration")
        .output("n_files", TypeSet::of(T::Scalar), "How many files the pattern matched")
        .param(
            "directory_path",
            ParamKind::Folder,
            serde_json::Value::Null,
            "The folder (the CLI: a path from the flow's folder; the browser: a folder you pick)",
        )
        .str("pattern", "", "A glob pattern below the folder (empty: every file)")
        .bool("refresh", true, "Add files that appear in the folder while the loop runs"),
        |ctx| {
            let iteration = match ctx.need("current_iteration")? {
                Value::Scalar { c } => *c,
                other => return Err(ctx.wrong_type("current_iteration", other)),
            };
            let folder = ctx.text("directory_path").to_owned();
            if folder.is_empty() {
                return Err(NodeError::new("parameter 'directory_path' is empty: give the folder of the files"));
            }
            let pattern = match ctx.text("pattern") {
                "" => "*".to_owned(),
                p => p.to_owned(),
            };
            let list = |ctx: &crate::nodes::Ctx| {
                ctx.host().list_files(&folder, &pattern).map_err(|e| NodeError(format!("{e} (directory_path)")))
            };
            if iteration == 1.0 {
                let n = list(ctx)?.len();
                *ctx.memory::<Batch>() = Batch::default();
                return Ok(Outputs::none()
                    .with("fname", Value::String { s: String::new() })
                    .with("n_files", Value::Scalar { c: (n + 1) as f64 }));
            }
            if !ctx.memory::<Batch>().listed {
                let files = list(ctx)?;
                *ctx.memory::<Batch>() = Batch {
                    listed: true,
                    matched: files.len(),
                    seen: files.iter().cloned().collect(),
                    queue: files.into(),
                };
            } else if ctx.bool("refresh") {
                let files = list(ctx)?;
                let batch = ctx.memory::<Batch>();
                for f in files {
                    if batch.seen.insert(f.clone()) {
                        batch.queue.push_back(f);
                    }
                }
            }
            let batch = ctx.memory::<Batch>();
            let matched = batch.matched;
            let Some(fname) = batch.queue.pop_front() else {
                return Err(NodeError(format!(
                    "no file left: '{pattern}' matched {matched} file{} in '{folder}', and every one was given \
                     (end the loop when the index reaches n_files)",
                    if matched == 1 { "" } else { "s" }
                )));
            };
            Ok(Outputs::none()
                .with("fname", Value::String { s: fname })
                .with("n_files", Value::Scalar { c: matched as f64 }))
        },
    )
    .stateful()
}
