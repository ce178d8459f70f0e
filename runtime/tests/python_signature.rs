//! The Rust signature reader (used when a flow is loaded) against `flojoy_api.parse` (what the
//! browser's Save runs in Pyodide), fed the same code: every Flojoy Studio block outside
//! HARDWARE and AI_ML, and a few hand-written signatures. The Python side runs in the host's
//! CPython through the native worker, with the same flojoy_api.py the browser uses.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod support;

use runtime::python::{Python, signature};
use serde_json::Value as Json;

/// Port types as sets: `A|B` and `B|A` are one type, and Python's `typing` caches each Union
/// in the order it first met it, so its spelling depends on what was read before.
fn normalized(mut m: Json) -> Json {
    for key in ["inputs", "outputs"] {
        for p in m.get_mut(key).and_then(Json::as_array_mut).into_iter().flatten() {
            if let Some(t) = p.get("type").and_then(Json::as_str) {
                let mut parts: Vec<&str> = t.split('|').collect();
                parts.sort_unstable();
                p["type"] = Json::from(parts.join("|"));
            }
        }
    }
    m
}

fn rust(code: &str) -> Json {
    match signature::read(code, None) {
        Ok(m) => normalized(serde_json::to_value(m).unwrap()),
        Err(e) => Json::String(format!("error: {e}")),
    }
}

fn python(py: &Python, code: &str) -> Json {
    py.parse(code).map(normalized).unwrap_or_else(|e| Json::String(format!("error: {e}")))
}

/// The package a block imports that this machine's Python lacks (not `flojoy`: all of its
/// names must be there), when that is why Python could not read it.
fn missing_package(p: &Json) -> Option<String> {
    let msg = p.as_str()?;
    let name = msg.strip_prefix("error: ModuleNotFoundError: No module named '")?.split('\'').next()?;
    (!name.starts_with("flojoy.") && name != "flojoy").then(|| name.to_owned())
}

#[test]
fn the_rust_reader_reads_every_studio_block_as_pyodide_does() {
    let py = Python::default();
    let blocks = support::studio_blocks();
    assert!(blocks.len() >= 180, "found {} blocks", blocks.len());
    let (mut differ, mut unreadable) = (Vec::new(), Vec::new());
    for (name, _, path) in &blocks {
        let code = std::fs::read_to_string(path).unwrap();
        let (r, p) = (rust(&code), python(&py, &code));
        if let Some(package) = missing_package(&p) {
            // a cloud client no machine here has (flojoy_cloud, keyring): Python cannot even
            // import the block, so there is nothing to compare with
            assert!(r.is_object(), "{name}: the Rust reader reads it anyway: {r}");
            unreadable.push(format!("{name} (imports {package})"));
        } else if r != p {
            differ.push(format!("{name}:\n  rust:   {r}\n  python: {p}"));
        }
    }
    eprintln!(
        "signatures: {} blocks read alike, {} differ; Python could not import {}",
        blocks.len() - differ.len() - unreadable.len(),
        differ.len(),
        unreadable.join(", ")
    );
    assert!(unreadable.len() <= 3, "Python could not import {unreadable:?}");
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn hand_written_signatures_read_alike() {
    let py = Python::default();
    let cases = [
        "from flojoy import flojoy, Vector\n\n@flojoy\ndef TRIPLE(default: Vector) -> Vector:\n    return Vector(v=default.v * 3)\n",
        "from typing import Literal, Optional, TypedDict\nfrom flojoy import flojoy, OrderedPair as OP, Vector, Scalar, DataContainer, TextArea, NodeReference, Array, File\n\nclass Out(TypedDict):\n    low: OP\n    high: Vector | Scalar\n\n@flojoy(node_type='DSP')\ndef SPLIT(default: OP | Vector, more: list[Scalar], maybe: Optional[DataContainer] = None, loose=None,\n          mode: Literal['a', 'b', 3, 1.5, True] = 'a', gain: float = -2.5e-3, count: Optional[int] = None,\n          note: TextArea = TextArea('hi'), ref: NodeReference = NodeReference(''), arr: Array = Array([1, 'x']),\n          f: File = File('a.csv'), picks: list[int] = [1, 2], flag: bool = False, name: str = 'n', default_params=None) -> Out:\n    '''Splits.\n\n    More.\n    '''\n",
        "import typing\nimport flojoy\n\n@flojoy.flojoy\ndef Q(a: typing.Optional[flojoy.Matrix], b: 'flojoy.Scalar' = None) -> typing.Union[flojoy.Matrix, None]:\n    pass\n",
        "from flojoy import flojoy, Boolean\n\n@flojoy\ndef NOT_(a: Boolean, b: list[Boolean]) -> None:\n    pass\n",
        "from flojoy import flojoy, Scalar\nType = Scalar\n@flojoy\ndef ALIAS(a: Type, b: int = 0x10, c: float = 1_000.5, d: str = 'it''s') -> Type:\n    pass\n",
    ];
    for code in cases {
        assert_eq!(rust(code), python(&py, code), "{code}");
    }
}
