//! The source layout ARCHITECTURE.md promises, checked on the source text: no node family
//! imports another (what two families share lives in `numeric/`, `value/` or the node context),
//! and the numeric layer knows nothing of nodes.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::{Path, PathBuf};

/// Modules of `nodes/` that every family may use: they are not families.
const SHARED: &[&str] = &["mod", "ctx", "def", "testing", "image_io"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The code of a file without its comments (doc text may name anything).
fn code(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The node families: each file or folder of `nodes/` that is not shared.
fn families() -> Vec<String> {
    std::fs::read_dir(src().join("nodes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|f| !SHARED.contains(&f.as_str()))
        .collect()
}

/// Whether `text` names module `name` after `prefix` (`nodes::dsp::…`, `super::dsp::…`).
fn names(text: &str, prefix: &str, name: &str) -> bool {
    let needle = format!("{prefix}{name}");
    text.match_indices(&needle).any(|(i, _)| {
        let after = text[i + needle.len()..].chars().next();
        let before = text[..i].chars().last();
        !matches!(after, Some(c) if c.is_alphanumeric() || c == '_')
            && !matches!(before, Some(c) if c.is_alphanumeric() || c == '_')
    })
}

#[test]
fn no_node_family_imports_another() {
    let families = families();
    assert!(families.len() >= 15 && families.iter().any(|f| f == "dsp"), "{families:?}");
    let mut found = Vec::new();
    for fam in &families {
        let root = src().join("nodes");
        let files =
            if root.join(fam).is_dir() { rust_files(&root.join(fam)) } else { vec![root.join(format!("{fam}.rs"))] };
        for file in files {
            let text = code(&file);
            // a family file's `super` is nodes/; a file in a family folder reaches nodes/ by `super::super`
            let depth = file.strip_prefix(&root).unwrap().components().count();
            let up = if depth == 1 || file.ends_with("mod.rs") { "super::" } else { "super::super::" };
            for other in families.iter().filter(|o| *o != fam) {
                if names(&text, "nodes::", other) || names(&text, up, other) {
                    found.push(format!("{} uses {other}", file.strip_prefix(src()).unwrap().display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "node families import each other (move what they share into numeric/ or value/):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_numeric_layer_knows_nothing_of_nodes() {
    let files = rust_files(&src().join("numeric"));
    assert!(files.len() > 10);
    let bad: Vec<String> = files
        .iter()
        .filter(|f| names(&code(f), "crate::", "nodes"))
        .map(|f| f.strip_prefix(src()).unwrap().display().to_string())
        .collect();
    assert!(bad.is_empty(), "numeric/ must not use the node library: {bad:?}");
}

#[test]
fn the_check_sees_an_import() {
    // the checks above would pass on an empty tree: make sure they see what they look for
    assert!(names("use crate::nodes::vector::rng;", "nodes::", "vector"));
    assert!(names("use super::vector::{rng};", "super::", "vector"));
    assert!(!names("use crate::nodes::vectors;", "nodes::", "vector"));
    assert!(!names("use crate::numeric::sort::unique;", "crate::", "nodes"));
    assert!(names("crate::nodes::Ctx", "crate::", "nodes"));
}
