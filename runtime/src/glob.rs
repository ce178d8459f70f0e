//! Python's `glob` patterns (`recursive=True`), for BATCH_PROCESSOR: `*`, `?` and `[…]` within
//! one path segment, `**` as a whole segment for any number of folders. As in Python, wildcards
//! do not match names that start with a dot unless the pattern's segment does.

/// Whether `path` (relative, `/`-separated) matches `pattern`.
pub fn matches(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match_segments(&pat, &segs)
}

/// Dynamic programming over (pattern segment, path segment), so that many `**` stay linear.
fn match_segments(pat: &[&str], segs: &[&str]) -> bool {
    // ok[j]: the pattern so far matches the first j segments
    let mut ok = vec![false; segs.len() + 1];
    ok[0] = true;
    for p in pat {
        let mut next = vec![false; segs.len() + 1];
        if *p == "**" {
            // zero or more visible folders
            for j in 0..=segs.len() {
                next[j] = ok[j] || (j > 0 && next[j - 1] && !segs[j - 1].starts_with('.'));
            }
        } else {
            for j in 1..=segs.len() {
                next[j] = ok[j - 1] && match_name(p, segs[j - 1]);
            }
        }
        ok = next;
    }
    ok[segs.len()]
}

/// `fnmatch` of one name: a hidden name only matches a pattern that starts with a dot.
fn match_name(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    fnmatch(&p, &n)
}

/// Wildcard matching in linear passes: on a mismatch, the last `*` takes one more character.
fn fnmatch(p: &[char], n: &[char]) -> bool {
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        let step = match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
                continue;
            }
            Some('?') => Some(1),
            Some('[') => match class(&p[pi + 1..]) {
                Some(class) => {
                    let c = n[ni];
                    (class.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != class.negated).then_some(1 + class.len)
                }
                // an unclosed bracket is a literal '['
                None => (n[ni] == '[').then_some(1),
            },
            Some(c) => (*c == n[ni]).then_some(1),
            None => None,
        };
        match (step, star) {
            (Some(len), _) => {
                pi += len;
                ni += 1;
            }
            (None, Some((sp, sn))) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            (None, None) => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// A `[…]` class: its character ranges, whether it is negated (`[!…]`), and how many pattern
/// characters it takes after the `[` (through its `]`).
struct Class {
    ranges: Vec<(char, char)>,
    negated: bool,
    len: usize,
}

/// The class after a `[`, if it is closed.
fn class(p: &[char]) -> Option<Class> {
    let negated = p.first() == Some(&'!');
    let mut i = usize::from(negated);
    let mut set = Vec::new();
    let mut first = true;
    while i < p.len() {
        let c = p[i];
        if c == ']' && !first {
            return Some(Class { ranges: set, negated, len: i + 1 });
        }
        first = false;
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|&e| e != ']') {
            set.push((c, p[i + 2]));
            i += 3;
        } else {
            set.push((c, c));
            i += 1;
        }
    }
    None
}

/// The longest pattern a folder is listed with (a pattern comes from a flow file).
#[cfg(not(target_family = "wasm"))]
const MAX_PATTERN: usize = 1024;

/// The files below `root` (not folders; links to folders are not followed) whose path relative
/// to it matches `pattern`, sorted. At most `limit` entries are visited.
#[cfg(not(target_family = "wasm"))]
pub fn files_under(root: &std::path::Path, pattern: &str, limit: usize) -> Result<Vec<String>, String> {
    if pattern.len() > MAX_PATTERN {
        return Err(format!("the pattern is longer than {MAX_PATTERN} characters"));
    }
    let depth = if pattern.split('/').any(|s| s == "**") { usize::MAX } else { pattern.split('/').count() };
    let mut found = Vec::new();
    let mut visited = 0;
    let mut stack = vec![(root.to_path_buf(), String::new(), 0usize)];
    while let Some((dir, rel, level)) = stack.pop() {
        // the folder itself must be readable; a subfolder that is not is passed over, as Python's
        // glob does
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if level == 0 => return Err(format!("cannot read the folder '{}': {e}", dir.display())),
            Err(_) => continue,
        };
        for entry in entries.flatten() {
            visited += 1;
            if visited > limit {
                return Err(format!("'{}' holds more than {limit} entries; give a narrower folder", root.display()));
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() { name } else { format!("{rel}/{name}") };
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                if level + 1 < depth {
                    stack.push((entry.path(), path, level + 1));
                }
            } else if matches(pattern, &path) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn patterns_match_as_pythons_glob_does() {
        assert!(matches("*.tif", "a.tif") && !matches("*.tif", "a.tiff") && !matches("*.tif", "sub/a.tif"));
        assert!(matches("*", "a.csv") && !matches("*", ".hidden") && matches(".*", ".hidden"));
        assert!(matches("**/*.tif", "a.tif") && matches("**/*.tif", "x/y/a.tif") && !matches("**/*.tif", ".x/a.tif"));
        assert!(matches("run_??.csv", "run_07.csv") && !matches("run_??.csv", "run_7.csv"));
        assert!(matches("[ab]*.png", "b1.png") && !matches("[!ab]*.png", "b1.png") && matches("[0-9].txt", "5.txt"));
        assert!(matches("[]]", "]") && matches("a[", "a["));
        assert!(matches("sub/*.csv", "sub/x.csv") && !matches("sub/*.csv", "other/x.csv"));
        assert!(matches("**/**/a", "a") && matches("x/**", "x/y/z") && !matches("x/**", "y/z"));
        // no blow-up on patterns made to backtrack
        let stars = "*a".repeat(30) + "b";
        assert!(!matches(&stars, &"a".repeat(200)));
        let deep = "**/".repeat(40) + "z";
        assert!(!matches(&deep, &"d/".repeat(60)));
    }
}
