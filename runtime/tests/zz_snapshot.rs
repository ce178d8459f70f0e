//! Temporary: dumps every golden case's outputs and every example app's run report, bit for
//! bit, to $SNAPSHOT (used to prove a refactor changes no result). Not committed.
#![allow(clippy::unwrap_used)]
mod support;
use runtime::nodes;
use runtime::value::{Data, Value};
use serde_json::{Value as Json, json};
use std::io::Write;

#[test]
fn snapshot() {
    let Ok(out) = std::env::var("SNAPSHOT") else { return };
    let mut f = std::io::BufWriter::new(std::fs::File::create(out).unwrap());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for file in files {
        let doc: Json = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for c in doc["cases"].as_array().unwrap() {
            let value = |j: &Json| Data::new(Value::from_json(j).unwrap());
            let inputs: Vec<(String, Vec<Data>)> = c["inputs"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| {
                    (k.clone(), if let Json::Array(vs) = v { vs.iter().map(value).collect() } else { vec![value(v)] })
                })
                .collect();
            let inputs: Vec<(&str, Vec<Data>)> = inputs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            let node = c["node"].as_str().unwrap();
            let Some(def) = nodes::lookup(node) else {
                writeln!(f, "{node} missing").unwrap();
                continue;
            };
            let params = c["params"].as_object().cloned().unwrap_or_default();
            let got = futures::executor::block_on(nodes::invoke(def, &inputs, &params, support::host(5)));
            let j = match got {
                Ok(outs) => {
                    json!(outs.iter().map(|(n, d)| (n.clone(), d.as_ref().map(|d| d.to_json()))).collect::<Vec<_>>())
                }
                Err(e) => json!({"error": e.0}),
            };
            writeln!(
                f,
                "{} {} [{}]: {}",
                file.file_name().unwrap().to_string_lossy(),
                node,
                c["case"].as_str().unwrap(),
                j
            )
            .unwrap();
        }
    }
    // every example app, run headless
    let mut apps = Vec::new();
    let mut stack = vec![support::apps()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p)
            } else if p.extension().is_some_and(|x| x == "json") {
                apps.push(p)
            }
        }
    }
    apps.sort();
    for p in apps {
        let Ok(text) = std::fs::read_to_string(&p) else { continue };
        let Ok(loaded) = runtime::file::load(&text, 7) else { continue };
        let flow = loaded.flow;
        if flow
            .nodes()
            .any(|n| n.spec().path.starts_with("HARDWARE") || !matches!(n.kind, runtime::flow::NodeKind::Builtin(_)))
        {
            continue;
        }
        let host: std::rc::Rc<dyn runtime::host::Host> = {
            let mut h = runtime::host::NativeHost::seeded(11);
            h.dir = p.parent().unwrap().to_path_buf();
            std::rc::Rc::new(h)
        };
        let (mut report, _) = support::run_with(
            &flow,
            host,
            &runtime::schedule::RunOptions::default(),
            &mut runtime::schedule::Cache::new(),
        );
        report.ms = 0.0;
        for (_, n) in report.nodes.iter_mut() {
            n.ms = 0.0;
            n.log.retain(|l| !l.starts_with("saved"));
        }
        writeln!(f, "APP {}: {}", p.display(), serde_json::to_string(&report.to_json()).unwrap()).unwrap();
    }
}
