//! Python's own text forms, exactly: `repr` of floats, strings and bytes, `pprint`'s layout
//! of a long string, and `float(text)`. Nodes that show or write what Flojoy's Python would
//! (messages quoting numbers, PRINT_DATACONTAINER, TEXT_VIEW, CSV cells, category names) use
//! these, so each rule exists once.

/// pprint's default line width.
const WIDTH: usize = 80;

/// Python's `repr(float)`: the shortest digits that read back, positional from 1e-4 up to
/// 1e16, otherwise in exponent form with at least two exponent digits (`1e-05`, `1e+16`).
pub fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    let e = format!("{x:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if mant.starts_with('-') { "-" } else { "" };
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let n = digits.len() as i32;
    let body = if (-4..16).contains(&exp) {
        if exp >= n - 1 {
            format!("{digits}{}.0", "0".repeat((exp - (n - 1)) as usize))
        } else if exp >= 0 {
            format!("{}.{}", &digits[..=exp as usize], &digits[exp as usize + 1..])
        } else {
            format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
        }
    } else {
        let m = if n == 1 { digits } else { format!("{}.{}", &digits[..1], &digits[1..]) };
        format!("{m}e{}{:02}", if exp < 0 { "-" } else { "+" }, exp.abs())
    };
    format!("{sign}{body}")
}

/// Python's `repr(str)`: single quotes unless the text has a single quote and no double one;
/// backslash escapes for the quote, `\\`, `\t`, `\n`, `\r`, and `\x`/`\u`/`\U` escapes for
/// what Python does not print (control and format characters, separators other than the
/// space, private use; see [`NOT_PRINTABLE`]).
pub fn str_repr(s: &str) -> String {
    let q = quote_for(s.contains('\''), s.contains('"'));
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if !printable(c) => {
                let u = u32::from(c);
                if u <= 0xff {
                    out.push_str(&format!("\\x{u:02x}"));
                } else if u <= 0xffff {
                    out.push_str(&format!("\\u{u:04x}"));
                } else {
                    out.push_str(&format!("\\U{u:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

/// Python's `repr(bytes)`: `b'…'` (or `b"…"`, by the rule of [`str_repr`]), printable ASCII as
/// it is, other bytes as `\xhh`.
pub fn bytes_repr(b: &[u8]) -> String {
    let q = quote_for(b.contains(&b'\''), b.contains(&b'"'));
    let mut out = String::with_capacity(b.len() + 3);
    out.push('b');
    out.push(q);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            c if char::from(c) == q => {
                out.push('\\');
                out.push(q);
            }
            0x20..=0x7e => out.push(char::from(c)),
            _ => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(q);
    out
}

/// `pprint.pformat(s)`: the repr, or, when it is wider than 80 columns, the string cut into
/// reprs of its lines and words, one per line inside parentheses (Python's `_pprint_str`).
pub fn pformat_str(s: &str) -> String {
    let whole = str_repr(s);
    if whole.chars().count() <= WIDTH {
        return whole;
    }
    // at the top level pprint indents the pieces by one (the parenthesis) and keeps one
    // column free for the closing one
    let chunks = str_chunks(s, 1, 1);
    if chunks.len() < 2 {
        return whole;
    }
    format!("({})", chunks.join("\n "))
}

/// How pprint writes a string that is a value inside a container (a dict's), starting at
/// column `indent` with `allowance` columns kept free after it: its repr, or its pieces on
/// lines indented to `indent`, without parentheses.
pub fn pformat_nested_str(s: &str, indent: usize, allowance: usize) -> String {
    let whole = str_repr(s);
    if whole.chars().count() <= WIDTH.saturating_sub(indent + allowance) {
        return whole;
    }
    let chunks = str_chunks(s, indent, allowance);
    if chunks.len() < 2 {
        return whole;
    }
    chunks.join(&format!("\n{}", " ".repeat(indent)))
}

/// Python's `float(text)`: surrounding whitespace ignored, underscores allowed between digits,
/// `inf`/`infinity`/`nan` in any case with an optional sign. (Python also reads non-ASCII
/// decimal digits, such as Arabic-Indic ones; those are refused here.)
pub fn parse_float(text: &str) -> Option<f64> {
    let t = text.trim();
    let bytes = t.as_bytes();
    let ok_underscores = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'_' || (i > 0 && i + 1 < bytes.len() && bytes[i - 1].is_ascii_digit() && bytes[i + 1].is_ascii_digit())
    });
    if !ok_underscores || t.is_empty() {
        return None;
    }
    let cleaned: String = t.chars().filter(|c| *c != '_').collect();
    let lower = cleaned.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    // Rust also reads "infinity"/"nan" like Python; it refuses what Python refuses ("0x10", "1e")
    if !(body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        || body == "inf"
        || body == "infinity"
        || body == "nan")
    {
        return None;
    }
    cleaned.parse::<f64>().ok()
}

/// The quote Python's repr picks: `"` only when the text has `'` and no `"`.
fn quote_for(single: bool, double: bool) -> char {
    if single && !double { '"' } else { '\'' }
}

/// What Python's `str.isprintable` refuses, apart from unassigned code points: the categories
/// Cc, Cf, Co, Zl, Zp and Zs except the space (Unicode 14.0, as Python 3.11's `unicodedata`).
const NOT_PRINTABLE: &[(u32, u32)] = &[
    (0x0, 0x1f),
    (0x7f, 0xa0),
    (0xad, 0xad),
    (0x600, 0x605),
    (0x61c, 0x61c),
    (0x6dd, 0x6dd),
    (0x70f, 0x70f),
    (0x890, 0x891),
    (0x8e2, 0x8e2),
    (0x1680, 0x1680),
    (0x180e, 0x180e),
    (0x2000, 0x200f),
    (0x2028, 0x202f),
    (0x205f, 0x2064),
    (0x2066, 0x206f),
    (0x3000, 0x3000),
    (0xe000, 0xf8ff),
    (0xfeff, 0xfeff),
    (0xfff9, 0xfffb),
    (0x110bd, 0x110bd),
    (0x110cd, 0x110cd),
    (0x13430, 0x13438),
    (0x1bca0, 0x1bca3),
    (0x1d173, 0x1d17a),
    (0xe0001, 0xe0001),
    (0xe0020, 0xe007f),
    (0xf0000, 0xffffd),
    (0x100000, 0x10fffd),
];

fn printable(c: char) -> bool {
    let u = u32::from(c);
    NOT_PRINTABLE
        .binary_search_by(|&(lo, hi)| {
            if hi < u {
                std::cmp::Ordering::Less
            } else if lo > u {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_err()
}

/// Python's `str.isspace` (Rust's `char::is_whitespace` plus the four information separators).
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `str.splitlines(keepends=True)`.
fn split_lines(s: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let end = match c {
            '\r' if it.peek().is_some_and(|&(_, n)| n == '\n') => {
                it.next();
                i + 2
            }
            '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                i + c.len_utf8()
            }
            _ => continue,
        };
        lines.push(&s[start..end]);
        start = end;
    }
    if start < s.len() {
        lines.push(&s[start..]);
    }
    lines
}

/// `re.findall(r'\S*\s*', line)` without its final empty match: each run of non-space
/// characters with the spaces after it.
fn words(line: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_space = false;
    for (i, c) in line.char_indices() {
        if !is_space(c) && in_space {
            parts.push(&line[start..i]);
            start = i;
            in_space = false;
        }
        in_space |= is_space(c);
    }
    if start < line.len() {
        parts.push(&line[start..]);
    }
    parts
}

/// pprint's `_pprint_str`: the reprs a long string is cut into, line by line and then word by
/// word, each fitting in `80 − indent` columns (the very last one `allowance` fewer).
fn str_chunks(s: &str, indent: usize, allowance: usize) -> Vec<String> {
    let width = |r: &str| r.chars().count();
    let max_width = WIDTH.saturating_sub(indent);
    let lines = split_lines(s);
    let mut chunks = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let last_line = i + 1 == lines.len();
        let rep = str_repr(line);
        let max1 = if last_line { max_width.saturating_sub(allowance) } else { max_width };
        if width(&rep) <= max1 {
            chunks.push(rep);
            continue;
        }
        let parts = words(line);
        let mut current = String::new();
        for (j, part) in parts.iter().enumerate() {
            let candidate = format!("{current}{part}");
            let max2 = if j + 1 == parts.len() && last_line { max_width.saturating_sub(allowance) } else { max_width };
            if width(&str_repr(&candidate)) > max2 {
                if !current.is_empty() {
                    chunks.push(str_repr(&current));
                }
                current = (*part).to_owned();
            } else {
                current = candidate;
            }
        }
        if !current.is_empty() {
            chunks.push(str_repr(&current));
        }
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    // The expected texts below were printed by CPython 3.11 (`repr`, `pprint.pformat`, `float`).

    #[test]
    fn float_repr_is_pythons() {
        for (x, want) in [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (-2.5, "-2.5"),
            (0.30000000000000004, "0.30000000000000004"),
            (0.0001, "0.0001"),
            (1e-05, "1e-05"),
            (0.00012345, "0.00012345"),
            (123.456, "123.456"),
            (1000000000000000.0, "1000000000000000.0"),
            (1e+16, "1e+16"),
            (9999999999999998.0, "9999999999999998.0"),
            (1.5e-300, "1.5e-300"),
            (5e-324, "5e-324"),
            (1.7976931348623157e+308, "1.7976931348623157e+308"),
            (1e+22, "1e+22"),
            (-1.5e-07, "-1.5e-07"),
            (100.0, "100.0"),
            (1.2345678901234567e+19, "1.2345678901234567e+19"),
            (0.5, "0.5"),
            (0.6666666666666666, "0.6666666666666666"),
        ] {
            assert_eq!(float_repr(x), want, "{x:e}");
        }
        assert_eq!(float_repr(f64::NAN), "nan");
        assert_eq!(float_repr(f64::INFINITY), "inf");
        assert_eq!(float_repr(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn str_and_bytes_repr_are_pythons() {
        for (s, want) in [
            ("", "''"),
            ("plain", "'plain'"),
            ("it's", "\"it's\""),
            ("say \"hi\"", "'say \"hi\"'"),
            ("both ' and \"", "'both \\' and \"'"),
            ("tab\there\nnew\rret\\back", "'tab\\there\\nnew\\rret\\\\back'"),
            ("bell\u{7} del\u{7f} nbsp\u{a0} soft\u{ad}", "'bell\\x07 del\\x7f nbsp\\xa0 soft\\xad'"),
            ("é ü ñ 中文 😀", "'é ü ñ 中文 😀'"),
            ("line\u{2028}sep\u{2029}para", "'line\\u2028sep\\u2029para'"),
            ("zw\u{200b}sp\u{3000}ideo", "'zw\\u200bsp\\u3000ideo'"),
            ("ctrl\u{1b}[0m", "'ctrl\\x1b[0m'"),
            ("\u{85}next", "'\\x85next'"),
            ("priv\u{e000} tag\u{e0041}", "'priv\\ue000 tag\\U000e0041'"),
        ] {
            assert_eq!(str_repr(s), want, "{s:?}");
        }
        let bytes: &[(&[u8], &str)] = &[
            (&[], "b''"),
            (&[97, 98, 99], "b'abc'"),
            (&[105, 116, 39, 115], "b\"it's\""),
            (&[115, 97, 121, 32, 34, 104, 105, 34], "b'say \"hi\"'"),
            (&[98, 111, 116, 104, 32, 39, 32, 97, 110, 100, 32, 34], "b'both \\' and \"'"),
            (&[0, 1, 127, 128, 255, 92, 10, 13, 9], "b'\\x00\\x01\\x7f\\x80\\xff\\\\\\n\\r\\t'"),
        ];
        for (b, want) in bytes {
            assert_eq!(bytes_repr(b), *want, "{b:?}");
        }
    }

    #[test]
    fn pformat_wraps_long_strings_as_pprint_does() {
        for (s, want) in [
            (
                "The quick brown fox jumps over the lazy dog and keeps on running through the whole field until dusk",
                "('The quick brown fox jumps over the lazy dog and keeps on running through the '\n 'whole field until dusk')",
            ),
            (
                "The quick brown fox jumps over the lazy dog and keeps on running through the whole field until duskThe quick brown fox jumps over the lazy dog and keeps on running through the whole field until dusk",
                "('The quick brown fox jumps over the lazy dog and keeps on running through the '\n 'whole field until duskThe quick brown fox jumps over the lazy dog and keeps '\n 'on running through the whole field until dusk')",
            ),
            (
                "first line that is quite long and keeps going for a while so that it wraps\nsecond line\n\nfourth line with\ttabs and more text to pass the limit of eighty columns for sure\n",
                "('first line that is quite long and keeps going for a while so that it wraps\\n'\n 'second line\\n'\n '\\n'\n 'fourth line with\\ttabs and more text to pass the limit of eighty columns for '\n 'sure\\n')",
            ),
            (
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'",
            ),
            (
                "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu\r\nnu xi omicron pi rho sigma tau upsilon phi chi psi omega alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu\r\nnu xi omicron pi rho sigma tau upsilon phi chi psi omega ",
                "('alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu\\r\\n'\n 'nu xi omicron pi rho sigma tau upsilon phi chi psi omega alpha beta gamma '\n 'delta epsilon zeta eta theta iota kappa lambda mu\\r\\n'\n 'nu xi omicron pi rho sigma tau upsilon phi chi psi omega ')",
            ),
            (
                "one\u{b}two\u{c}three\u{1c}four\u{1d}five\u{1e}six\u{85}seven\u{2028}eight\u{2029}nine one\u{b}two\u{c}three\u{1c}four\u{1d}five\u{1e}six\u{85}seven\u{2028}eight\u{2029}nine ",
                "('one\\x0b'\n 'two\\x0c'\n 'three\\x1c'\n 'four\\x1d'\n 'five\\x1e'\n 'six\\x85'\n 'seven\\u2028'\n 'eight\\u2029'\n 'nine one\\x0b'\n 'two\\x0c'\n 'three\\x1c'\n 'four\\x1d'\n 'five\\x1e'\n 'six\\x85'\n 'seven\\u2028'\n 'eight\\u2029'\n 'nine ')",
            ),
            (
                "été été été été été été été été été été été été été été été été été été été été été été été été été été été été été été ",
                "('été été été été été été été été été été été été été été été été été été été '\n 'été été été été été été été été été été été ')",
            ),
            (
                "it's it's it's it's it's it's it's it's it's it's it's it's it's it's it's it's it's it's it's it's ",
                "(\"it's it's it's it's it's it's it's it's it's it's it's it's it's it's it's \"\n \"it's it's it's it's it's \")",
            ),
            (
                "lead   word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}word\u{1f}",
                "('lead   word\\x1fword\\x1fword\\x1fword\\x1fword\\x1fword\\x1fword\\x1fword\\x1f'\n 'word\\x1fword\\x1fword\\x1fword\\x1fword\\x1fword\\x1fword\\x1fword\\x1fword\\x1f'\n 'word\\x1fword\\x1fword\\x1fword\\x1fword\\x1fword\\x1fword\\x1fword\\x1fword\\x1f'\n 'word\\x1fword\\x1fword\\x1fword\\x1f')",
            ),
            ("short", "'short'"),
            ("it's", "\"it's\""),
        ] {
            assert_eq!(pformat_str(s), want, "{s:?}");
        }
        for (s, indent, allowance, want) in [
            (
                "The quick brown fox jumps over the lazy dog and keeps on running through the whole field until dusk",
                6,
                1,
                "'The quick brown fox jumps over the lazy dog and keeps on running '\n      'through the whole field until dusk'",
            ),
            (
                "first line that is quite long and keeps going for a while so that it wraps\nsecond line\n\nfourth line with\ttabs and more text to pass the limit of eighty columns for sure\n",
                9,
                1,
                "'first line that is quite long and keeps going for a while so that it '\n         'wraps\\n'\n         'second line\\n'\n         '\\n'\n         'fourth line with\\ttabs and more text to pass the limit of eighty '\n         'columns for sure\\n'",
            ),
            (
                "The quick brown fox jumps over the lazy dog and keeps on running through the whole field until duskThe quick brown fox jumps over the lazy dog and keeps on running through the whole field until dusk",
                17,
                1,
                "'The quick brown fox jumps over the lazy dog and keeps on '\n                 'running through the whole field until duskThe quick brown '\n                 'fox jumps over the lazy dog and keeps on running through the '\n                 'whole field until dusk'",
            ),
        ] {
            assert_eq!(pformat_nested_str(s, indent, allowance), want, "{s:?}");
        }
    }

    #[test]
    fn parse_float_reads_what_python_reads() {
        for (text, want) in [
            ("1", Some("1.0")),
            (" 2.5 ", Some("2.5")),
            ("1_000", Some("1000.0")),
            ("1__0", None),
            ("_1", None),
            ("1_", None),
            ("1e3", Some("1000.0")),
            ("1e", None),
            ("inf", Some("inf")),
            ("-Infinity", Some("-inf")),
            ("nan", Some("nan")),
            ("+NaN", Some("nan")),
            ("0x10", None),
            ("", None),
            (" ", None),
            (".5", Some("0.5")),
            ("5.", Some("5.0")),
            ("1_0.0_1", Some("10.01")),
            ("1e1_0", Some("10000000000.0")),
            ("infinit", None),
            ("--1", None),
            ("1 2", None),
        ] {
            assert_eq!(parse_float(text).map(float_repr).as_deref(), want, "{text:?}");
        }
        assert_eq!(parse_float(" 3 "), Some(3.0));
        assert_eq!(parse_float("+.5"), Some(0.5));
    }
}
