//! The native Python host (the machine's CPython, one worker process): the overhead of one
//! call of a tiny node (goal ≤ 0.2 ms), and 1,000,000 floats to Python and back (goal ≤ 10 ms).
//! The worker is started once, before measuring; what is measured is a node call as the
//! scheduler makes it: encode, pipe, `flojoy_api.run`, pipe, decode.

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use runtime::host::{PythonCall, PythonResult};
use runtime::python::Python;
use runtime::value::Value;

const TINY: &str = "from flojoy import flojoy, Scalar\n\n@flojoy\ndef TINY(default: Scalar) -> Scalar:\n    return Scalar(c=default.c + 1)\n";
const ECHO: &str =
    "from flojoy import flojoy, Vector\n\n@flojoy\ndef ECHO(default: Vector) -> Vector:\n    return default\n";

fn call(func: &str, code: &str, input: Value) -> PythonCall {
    PythonCall {
        node_key: format!("{func}-1"),
        func: func.into(),
        code: code.into(),
        inputs: vec![("default".into(), vec![Arc::new(input)])],
        params: serde_json::Map::new(),
        outputs: vec!["default".into()],
    }
}

fn run(py: &Python, c: &PythonCall) -> PythonResult {
    py.call(c, Path::new("")).unwrap_or_else(|e| panic!("the Python node failed: {e:?}"))
}

fn python(c: &mut Criterion) {
    let py = Python::default();
    let tiny = call("TINY", TINY, Value::scalar(1.0));
    let r = run(&py, &tiny);
    assert_eq!(r.outputs[0].1.as_deref(), Some(&Value::scalar(2.0)));
    let (version, numpy) = py.versions().unwrap_or_default();
    eprintln!("python {version}, numpy {}", numpy.as_deref().unwrap_or("none"));

    let mut g = c.benchmark_group("python");
    g.bench_function("tiny node call", |b| b.iter(|| black_box(run(&py, &tiny))));

    let n = 1_000_000;
    let v: Vec<f64> = (0..n).map(|i| i as f64 * 0.5).collect();
    let echo = call("ECHO", ECHO, Value::vector(v.clone()));
    let back = run(&py, &echo);
    assert_eq!(back.outputs[0].1.as_deref(), Some(&Value::vector(v)), "the floats come back unchanged");
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(30);
    g.bench_function("1M floats there and back", |b| b.iter(|| black_box(run(&py, &echo))));
    g.finish();
    assert_eq!(py.starts(), 1, "one worker served every call");
}

criterion_group!(benches, python);
criterion_main!(benches);
