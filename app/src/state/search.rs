//! Palette search: case-insensitive, ignoring `_` and spaces (Flojoy's rule: SINEWAVE ≈ SINE_WAVE),
//! and also matching the node's documentation.

use runtime::nodes::NodeDef;

fn squash(s: &str) -> String {
    s.chars().filter(|c| *c != '_' && !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// How well `def` matches `query`: `None` for no match; smaller is better (name before doc).
pub fn score(def: &NodeDef, query: &str) -> Option<u8> {
    let q = squash(query);
    if q.is_empty() {
        return Some(3);
    }
    let name = squash(&def.spec.func);
    if name == q {
        Some(0)
    } else if name.starts_with(&q) {
        Some(1)
    } else if name.contains(&q) || squash(&def.spec.path).contains(&q) {
        Some(2)
    } else if squash(&def.spec.doc).contains(&q) {
        Some(4)
    } else {
        None
    }
}

/// The built-in nodes matching `query`, best first (ties in palette order).
pub fn search(query: &str) -> Vec<&'static NodeDef> {
    let mut hits: Vec<(u8, usize, &'static NodeDef)> =
        runtime::nodes::all().iter().enumerate().filter_map(|(i, d)| score(d, query).map(|s| (s, i, *d))).collect();
    hits.sort_by_key(|(s, i, _)| (*s, *i));
    hits.into_iter().map(|(_, _, d)| d).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underscores_spaces_and_case_do_not_matter() {
        let names = |q: &str| search(q).iter().map(|d| d.spec.func.clone()).collect::<Vec<_>>();
        assert_eq!(names("big number").first().map(String::as_str), Some("BIG_NUMBER"));
        assert_eq!(names("bignumber").first().map(String::as_str), Some("BIG_NUMBER"));
        assert_eq!(names("LinSpace").first().map(String::as_str), Some("LINSPACE"));
        // the doc text matches too: SINE's doc mentions "waveform"
        assert!(names("waveform").contains(&"SINE".to_owned()));
        assert!(names("zzzz no such node").is_empty());
    }
}
