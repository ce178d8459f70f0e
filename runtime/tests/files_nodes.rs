//! The file nodes where golden.rs cannot look: EXPORT_CSV / EXPORT_JSON write files (checked
//! against the text pandas' to_csv / to_json and Flojoy's json.dump write, computed by
//! tests/fixtures/families/files.py into tests/data/exports.json), LOCAL_FILE's default
//! astronaut picture (too big for a fixture: checked by shape and sample pixels read with PIL),
//! EXPORT_MATLAB's files (byte for byte what scipy's savemat writes),
//! and a READ_CSV → EXPORT_CSV flow through the scheduler.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use std::path::{Path, PathBuf};
use std::rc::Rc;

use runtime::host::{Host, NativeHost};
use runtime::nodes;
use runtime::value::{Data, Value};
use serde_json::{Value as Json, json};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn fixture() -> Json {
    serde_json::from_str(&std::fs::read_to_string(data_dir().join("exports.json")).unwrap()).unwrap()
}

/// A fresh, empty folder for one test's files.
fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("flojoy-files-nodes-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn host_in(dir: &Path) -> Rc<dyn Host> {
    let mut h = NativeHost::seeded(1);
    h.dir = dir.to_path_buf();
    Rc::new(h)
}

fn invoke(
    func: &str,
    inputs: &[(&str, Vec<Data>)],
    params: Json,
    host: Rc<dyn Host>,
) -> Result<Vec<(String, Option<Data>)>, nodes::NodeError> {
    let def = nodes::lookup(func).unwrap();
    futures::executor::block_on(nodes::invoke(def, inputs, params.as_object().unwrap(), host))
}

/// JSON trees equal, numbers to 1e-12 relative.
fn same_json(got: &Json, want: &Json, path: &str) {
    match (got, want) {
        (Json::Number(a), Json::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{path}: got {a}, want {b}");
        }
        (Json::Array(a), Json::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{path}: lengths");
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                same_json(x, y, &format!("{path}[{i}]"));
            }
        }
        (Json::Object(a), Json::Object(b)) => {
            assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "{path}: keys (in order)");
            for (k, v) in b {
                same_json(&a[k], v, &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(got, want, "{path}"),
    }
}

#[test]
fn exports_write_what_flojoy_writes() {
    let dir = temp_dir("exports");
    let host = host_in(&dir);
    let fx = fixture();
    let cases = fx["exports"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for c in cases {
        let (node, name, file) =
            (c["node"].as_str().unwrap(), c["case"].as_str().unwrap(), c["file"].as_str().unwrap());
        let value = Data::new(Value::from_json(&c["value"]).unwrap());
        let mut params = json!({"filename": file});
        if let Some(p) = c["params"].as_object() {
            params.as_object_mut().unwrap().extend(p.clone());
        }
        let outs = invoke(node, &[("dc", vec![value])], params, host.clone())
            .unwrap_or_else(|e| panic!("{node} [{name}]: {e}"));
        assert!(outs.iter().all(|(_, d)| d.is_none()), "{node} [{name}] outputs nothing");
        if node == "EXPORT_MATLAB" {
            // scipy's savemat bytes; a MATLAB 5 file from byte 116 on (its header text names the writer)
            let file = if file.ends_with(".mat") { file.to_owned() } else { format!("{file}.mat") };
            let written = std::fs::read(dir.join(&file)).unwrap_or_else(|e| panic!("{node} [{name}]: {e}"));
            let from = if c["params"]["format"] == "4" { 0 } else { 116 };
            let hex: String = written[from..].iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(hex, c["hex"].as_str().unwrap(), "{node} [{name}]");
            continue;
        }
        let written = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{node} [{name}]: {e}"));
        let expected = c["expected"].as_str().unwrap();
        if node == "EXPORT_CSV" {
            assert_eq!(written, expected, "{node} [{name}]");
        } else {
            let (got, want): (Json, Json) =
                (serde_json::from_str(&written).unwrap(), serde_json::from_str(expected).unwrap());
            same_json(&got, &want, &format!("{node} [{name}]"));
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn exports_go_into_the_chosen_folder() {
    let dir = temp_dir("folder");
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let v = Data::new(Value::pair(vec![1.0], vec![2.0]));
    invoke("EXPORT_CSV", &[("dc", vec![v.clone()])], json!({"dir": "out", "filename": "a.csv"}), host_in(&dir))
        .unwrap();
    assert_eq!(std::fs::read_to_string(dir.join("out/a.csv")).unwrap(), "x,y\n1.0,2.0\n");
    // the default file names are Flojoy's
    invoke("EXPORT_CSV", &[("dc", vec![v.clone()])], json!({}), host_in(&dir)).unwrap();
    invoke("EXPORT_JSON", &[("dc", vec![v])], json!({}), host_in(&dir)).unwrap();
    assert!(dir.join("exported.csv").exists() && dir.join("exported.json").exists());
    // a folder that does not exist is an error naming the file
    let e =
        invoke("EXPORT_JSON", &[("dc", vec![Data::new(Value::scalar(1.0))])], json!({"dir": "missing"}), host_in(&dir))
            .unwrap_err();
    assert!(e.0.contains("exported.json"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn local_file_defaults_to_the_astronaut() {
    let fx = fixture();
    let astro = &fx["astronaut"];
    let (h, w) = (astro["shape"][0].as_u64().unwrap() as usize, astro["shape"][1].as_u64().unwrap() as usize);
    let host = host_in(&data_dir());
    let outs = invoke("LOCAL_FILE", &[], json!({}), host.clone()).unwrap();
    let Value::Image { r, g, b, a: Some(a) } = &**outs[0].1.as_ref().unwrap() else { panic!("not an RGBA image") };
    assert_eq!((r.rows, r.cols), (h, w));
    let outs = invoke("LOCAL_FILE", &[], json!({"file_type": "Grayscale"}), host).unwrap();
    let Value::Grayscale { m } = &**outs[0].1.as_ref().unwrap() else { panic!("not a Grayscale image") };
    assert_eq!((m.rows, m.cols), (h, w));
    for p in astro["pixels"].as_array().unwrap() {
        let (row, col) = (p["row"].as_u64().unwrap() as usize, p["col"].as_u64().unwrap() as usize);
        let rgba: Vec<f64> = p["rgba"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        assert_eq!(vec![r.get(row, col), g.get(row, col), b.get(row, col), a.get(row, col)], rgba, "pixel {row},{col}");
        let want = p["gray"].as_f64().unwrap();
        assert!((m.get(row, col) - want).abs() < 1e-12, "gray {row},{col}: {} vs {want}", m.get(row, col));
    }
}

#[test]
fn a_flow_reads_a_csv_and_exports_it() {
    let dir = temp_dir("flow");
    let src = data_dir().join("numbers.csv");
    let f = support::flow(
        &[
            ("READ_CSV-1", "READ_CSV", json!({"file_path": src.display().to_string()})),
            ("EXPORT_CSV-2", "EXPORT_CSV", json!({"filename": "copy.csv"})),
        ],
        &[("READ_CSV-1", "default", "EXPORT_CSV-2", "dc")],
    );
    let (report, _) = support::run_with(
        &f,
        host_in(&dir),
        &runtime::schedule::RunOptions::default(),
        &mut runtime::schedule::Cache::new(),
    );
    let table = support::out(&report, "READ_CSV-1", "default");
    let Value::DataFrame { m } = table else { panic!("{table:?}") };
    assert_eq!(m.rows(), 4);
    // pandas writes the float column back with NaN as an empty cell
    assert_eq!(std::fs::read_to_string(dir.join("copy.csv")).unwrap(), "t,v\n0.0,1.5\n0.5,-2.25\n1.0,3.0\n1.5,\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn read_csv_of_a_url_says_the_command_line_runner_does_not_download() {
    // READ_CSV's default file is a URL: the browser app fetches it, the native host refuses it
    let host = host_in(&data_dir());
    let err = invoke("READ_CSV", &[], json!({}), host.clone()).err().unwrap().0;
    assert_eq!(
        err,
        format!(
            "cannot read 'https://raw.githubusercontent.com/cs109/2014_data/master/countries.csv': {}",
            runtime::host::NO_DOWNLOADS
        )
    );
    let err = invoke("LOCAL_FILE", &[], json!({"file_path": "http://example.com/a.png"}), host).err().unwrap().0;
    assert!(err.ends_with(runtime::host::NO_DOWNLOADS), "{err}");
}

#[test]
fn with_downloads_allowed_read_csv_and_remote_file_fetch_the_url() {
    let csv = b"country,region\nAlgeria,AFRICA\nAngola,AFRICA\nBenin,AFRICA\n".to_vec();
    let png = std::fs::read(data_dir().join("rgba.png")).unwrap();
    let base = support::http_server::serve(&[("/countries.csv", csv), ("/logo.png", png)]);
    let mut h = NativeHost::seeded(1);
    h.allow_download = true;
    let host: Rc<dyn Host> = Rc::new(h);

    let out = invoke("READ_CSV", &[], json!({"file_path": format!("{base}/countries.csv")}), host.clone()).unwrap();
    let table = out[0].1.as_ref().unwrap();
    let Value::DataFrame { m } = &**table else { panic!("{table:?}") };
    assert_eq!(m.rows(), 3);
    let region = m.column("region").unwrap();
    assert_eq!(
        (m.column("country").unwrap().data.cell_text(2), region.data.cell_text(2)),
        ("Benin".into(), "AFRICA".into())
    );

    // the same bytes as the file on disk: REMOTE_FILE reads what LOCAL_FILE reads
    let remote =
        invoke("REMOTE_FILE", &[], json!({"file_url": format!("{base}/logo.png"), "file_type": "Image"}), host.clone())
            .unwrap();
    let local = invoke("LOCAL_FILE", &[], json!({"file_path": "rgba.png", "file_type": "Image"}), host_in(&data_dir()))
        .unwrap();
    let (Some(a), Some(b)) = (&remote[0].1, &local[0].1) else { panic!("no image") };
    assert_eq!(a.data_type(), runtime::DataType::Image);
    assert!(**a == **b, "the downloaded image differs from the file");

    // what goes wrong names the URL and says why
    let err =
        invoke("READ_CSV", &[], json!({"file_path": format!("{base}/missing.csv")}), host.clone()).err().unwrap().0;
    assert_eq!(err, format!("cannot download '{base}/missing.csv': the server answered HTTP 404"));
    let err = invoke("READ_CSV", &[], json!({"file_path": "http://127.0.0.1:1/none.csv"}), host).err().unwrap().0;
    assert!(err.starts_with("cannot download 'http://127.0.0.1:1/none.csv': "), "{err}");
}

/// A native host whose folder gains `data/z_new.csv` just before BATCH_PROCESSOR's `at`-th
/// listing (a file another program writes while the loop runs).
struct GrowingFolder {
    native: NativeHost,
    calls: std::cell::Cell<usize>,
    at: usize,
}

impl Host for GrowingFolder {
    fn now_ms(&self) -> f64 {
        self.native.now_ms()
    }
    fn unix_time_s(&self) -> f64 {
        self.native.unix_time_s()
    }
    fn entropy(&self) -> u64 {
        self.native.entropy()
    }
    fn sleep(&self, ms: f64) -> futures::future::LocalBoxFuture<'static, ()> {
        self.native.sleep(ms)
    }
    fn list_files(&self, folder: &str, pattern: &str) -> Result<Vec<String>, String> {
        self.calls.set(self.calls.get() + 1);
        if self.calls.get() == self.at {
            std::fs::write(self.native.dir.join("data/z_new.csv"), "x\n1\n").unwrap();
        }
        self.native.list_files(folder, pattern)
    }
}

/// BATCH_PROCESSOR's outputs at each iteration of a LOOP of `loops` over `data/<pattern>`.
fn batch_run(host: Rc<dyn Host>, loops: i64, pattern: &str, refresh: bool) -> (Vec<(String, f64)>, Option<String>) {
    let flow = support::flow(
        &[
            ("LOOP", "LOOP", json!({"num_loops": loops})),
            ("IDX", "LOOP_INDEX", json!({"loop_node": "LOOP"})),
            ("BATCH", "BATCH_PROCESSOR", json!({"directory_path": "data", "pattern": pattern, "refresh": refresh})),
        ],
        &[("LOOP", "body", "IDX", "default"), ("IDX", "default", "BATCH", "current_iteration")],
    );
    let (report, events) =
        support::run_with(&flow, host, &runtime::schedule::RunOptions::default(), &mut runtime::schedule::Cache::new());
    let batch = flow.nodes().find(|n| n.label == "BATCH").unwrap().id;
    let mut seen = Vec::new();
    let mut error = None;
    for e in events {
        if let runtime::schedule::RunEvent::Node { id, status } = e
            && id == batch
        {
            match status {
                runtime::schedule::NodeStatus::Done { outputs, .. } => {
                    // the outputs in the spec's order: fname, n_files
                    let get = |i: usize| outputs.get(i).cloned().flatten().map(|v| (*v).clone());
                    let (Some(Value::String { s }), Some(Value::Scalar { c })) = (get(0), get(1)) else {
                        panic!("{outputs:?}")
                    };
                    seen.push((s, c));
                }
                runtime::schedule::NodeStatus::Failed { error: e } => error = Some(e),
                _ => {}
            }
        }
    }
    let _ = report;
    (seen, error)
}

#[test]
fn batch_processor_gives_a_folders_files_one_per_iteration() {
    let dir = temp_dir("batch");
    std::fs::create_dir_all(dir.join("data/sub")).unwrap();
    for f in ["data/b.csv", "data/a.csv", "data/c.csv", "data/notes.txt", "data/.hidden.csv", "data/sub/d.csv"] {
        std::fs::write(dir.join(f), "x\n1\n").unwrap();
    }
    let files = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // Flojoy's protocol: iteration 1 gives no file and the count + 1; then the files, sorted
    let (seen, error) = batch_run(host_in(&dir), 4, "*.csv", false);
    assert_eq!(error, None);
    assert_eq!(
        seen.iter().map(|s| s.0.clone()).collect::<Vec<_>>(),
        files(&["", "data/a.csv", "data/b.csv", "data/c.csv"])
    );
    assert_eq!(seen.iter().map(|s| s.1).collect::<Vec<_>>(), [4.0, 3.0, 3.0, 3.0]);
    // ** reaches into folders (not hidden ones); an empty pattern is every visible file
    let (seen, _) = batch_run(host_in(&dir), 5, "**/*.csv", false);
    assert_eq!(seen.last().unwrap(), &("data/sub/d.csv".to_string(), 4.0));
    let (seen, _) = batch_run(host_in(&dir), 1, "", false);
    assert_eq!(seen, [(String::new(), 5.0)]);
    // one iteration too many says so, naming the folder
    let (seen, error) = batch_run(host_in(&dir), 5, "*.csv", false);
    assert_eq!(seen.len(), 4);
    let error = error.unwrap();
    assert!(error.contains("no file left: '*.csv' matched 3 files in 'data'"), "{error}");
    // with refresh, a file that appears during the loop joins the queue (listings: 1 at
    // iteration 1, 2 at iteration 2, 3 at iteration 3: the new file appears there)
    let grow = |at| {
        let _ = std::fs::remove_file(dir.join("data/z_new.csv"));
        let mut native = NativeHost::seeded(1);
        native.dir = dir.clone();
        Rc::new(GrowingFolder { native, calls: std::cell::Cell::new(0), at }) as Rc<dyn Host>
    };
    let (seen, error) = batch_run(grow(3), 5, "*.csv", true);
    assert_eq!(error, None);
    assert_eq!(seen.last().unwrap(), &("data/z_new.csv".to_string(), 3.0));
    let (seen, error) = batch_run(grow(3), 5, "*.csv", false);
    assert_eq!(seen.len(), 4, "without refresh the queue stays as listed");
    assert!(error.unwrap().contains("no file left"));
    // a folder that is not there
    let (_, error) = batch_run(host_in(&temp_dir("batch-empty")), 2, "*.csv", false);
    assert!(error.unwrap().starts_with("cannot read the folder"), "names the folder");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn report_generation_writes_an_html_report_of_its_inputs() {
    let dir = temp_dir("report");
    let fig = |t: &str, c: &str| {
        Data::new(Value::Plotly {
            fig: runtime::value::Figure::from_json(&json!({
                "data": [{"type": "scatter", "x": [1.0, 2.0], "y": [3.0, 4.0]}],
                "layout": {"title": {"text": t}, "annotations": [{"text": c, "showarrow": false}]}
            }))
            .unwrap(),
        })
    };
    let s = |v: &str| vec![Data::new(Value::String { s: v.into() })];
    let out = invoke(
        "REPORT_GENERATION",
        &[
            ("title", s("Bench <run> 7")),
            ("img_url", s("https://example.org/logo.png")),
            ("introduction", s("Two & more figures")),
            ("test_success", vec![Data::new(Value::Boolean { b: false })]),
            ("figures", vec![fig("First", "cap </script> one"), fig("Second", "cap two")]),
        ],
        json!({"filename": "bench.html"}),
        host_in(&dir),
    );
    assert!(out.is_ok(), "{out:?}");
    let html = std::fs::read_to_string(dir.join("bench.html")).unwrap();
    assert!(
        html.contains("<title>Bench &lt;run&gt; 7</title>") && html.contains("<h1>Bench &lt;run&gt; 7</h1>"),
        "{html}"
    );
    assert!(html.contains("<img src=\"https://example.org/logo.png\""));
    assert!(html.contains("<p>Two &amp; more figures</p>"));
    assert!(html.contains("<span style=\"color: red\">Fail</span>"), "a false Boolean is a Fail (Flojoy showed Pass)");
    // the figures in wire order, with their titles and captions; their JSON cannot end the script
    let (a, b) = (html.find("<h2>First</h2>").unwrap(), html.find("<h2>Second</h2>").unwrap());
    assert!(a < b);
    assert!(html.contains("<p>cap &lt;/script&gt; one</p>") && !html.contains("cap </script>"));
    assert_eq!(html.matches("Plotly.newPlot(").count(), 2);
    let first = html.split("Plotly.newPlot(document.getElementById('figure0'), ").nth(1).unwrap();
    let first: Json = serde_json::from_str(first.split(");\n").next().unwrap()).unwrap();
    assert_eq!(first["data"][0]["y"], json!([3.0, 4.0]));
    assert_eq!(first["layout"]["annotations"][0]["text"], "cap </script> one");

    // nothing wired: a report titled "Report", Fail, no logo, no figure
    invoke("REPORT_GENERATION", &[], json!({"filename": "empty.html"}), host_in(&dir)).unwrap();
    let html = std::fs::read_to_string(dir.join("empty.html")).unwrap();
    assert!(
        html.contains("<h1>Report</h1>")
            && html.contains(">Fail<")
            && !html.contains("<img")
            && !html.contains("newPlot")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
