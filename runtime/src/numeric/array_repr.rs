//! `repr` of a float64 numpy array with numpy's default print options (what PRINT_DATACONTAINER
//! shows): numpy's FloatingFormat (floatmode "maxprec", precision 8), line width 75, summaries
//! with "..." beyond 1000 elements; and of a 1-D object array of strings.

use super::python::str_repr;

/// The shortest round-trip decimal digits of |x| and the exponent of the first digit.
fn shortest_digits(x: f64) -> (String, i32) {
    let s = format!("{:e}", x.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    (mant.replace('.', ""), exp.parse().unwrap_or(0))
}

/// Digits with the decimal point placed by `exp` (the first digit's power of ten).
fn positional(digits: &str, exp: i32) -> String {
    let n = digits.len() as i32;
    let (int, frac) = if exp < 0 {
        ("0".to_owned(), format!("{}{digits}", "0".repeat((-exp - 1) as usize)))
    } else if exp + 1 >= n {
        (format!("{digits}{}", "0".repeat((exp + 1 - n) as usize)), String::new())
    } else {
        (digits[..(exp + 1) as usize].to_owned(), digits[(exp + 1) as usize..].to_owned())
    };
    format!("{int}.{frac}")
}

/// numpy's `dragon4_positional(x, precision=8, unique=True, trim='.')`: (integer part, fraction).
fn np_positional(x: f64) -> (String, String) {
    let (digits, exp) = shortest_digits(x);
    let frac_len = (digits.len() as i32 - 1 - exp).max(0);
    let s = if frac_len > 8 {
        let t = format!("{:.8}", x.abs());
        let t = t.trim_end_matches('0');
        t.to_owned()
    } else {
        positional(&digits, exp)
    };
    let neg = if x.is_sign_negative() { "-" } else { "" };
    let (i, f) = s.split_once('.').unwrap_or((&s, ""));
    (format!("{neg}{i}"), f.to_owned())
}

/// numpy's `dragon4_scientific(x, precision=8, unique=True, trim='.')`: (integer digit with sign,
/// fraction digits, exponent).
fn np_scientific(x: f64) -> (String, String, i32) {
    let (mut digits, mut exp) = shortest_digits(x);
    if digits.len() > 9 {
        let s = format!("{:.8e}", x.abs());
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        digits = m.replace('.', "").trim_end_matches('0').to_owned();
        exp = e.parse().unwrap_or(0);
    }
    let neg = if x.is_sign_negative() { "-" } else { "" };
    (format!("{neg}{}", &digits[..1]), digits[1..].to_owned(), exp)
}

/// numpy's FloatingFormat (floatmode "maxprec", precision 8) fitted to `data`.
struct FloatFormat {
    exp: bool,
    pad_left: usize,
    pad_right: usize,
    precision: usize,
    exp_size: usize,
}

impl FloatFormat {
    fn new(data: &[f64]) -> FloatFormat {
        let finite: Vec<f64> = data.iter().copied().filter(|v| v.is_finite()).collect();
        let nonzero: Vec<f64> = finite.iter().filter(|v| **v != 0.0).map(|v| v.abs()).collect();
        let mut exp = false;
        if !nonzero.is_empty() {
            let max = nonzero.iter().copied().fold(f64::MIN, f64::max);
            let min = nonzero.iter().copied().fold(f64::MAX, f64::min);
            exp = max >= 1e8 || min < 0.0001 || max / min > 1000.0;
        }
        let mut f = FloatFormat { exp, pad_left: 0, pad_right: 0, precision: 8, exp_size: 0 };
        if finite.is_empty() {
        } else if exp {
            let parts: Vec<(String, String, i32)> = finite.iter().map(|&x| np_scientific(x)).collect();
            f.exp_size = parts.iter().map(|(_, _, e)| format!("{:02}", e.abs()).len()).max().unwrap_or(2);
            f.precision = parts.iter().map(|(_, fr, _)| fr.len()).max().unwrap_or(0);
            f.pad_left = parts.iter().map(|(i, _, _)| i.len()).max().unwrap_or(1);
            f.pad_right = f.exp_size + 2 + f.precision;
        } else {
            let parts: Vec<(String, String)> = finite.iter().map(|&x| np_positional(x)).collect();
            f.pad_left = parts.iter().map(|(i, _)| i.len()).max().unwrap_or(1);
            f.pad_right = parts.iter().map(|(_, fr)| fr.len()).max().unwrap_or(0);
        }
        if finite.len() != data.len() {
            let neginf = usize::from(data.iter().any(|v| v.is_infinite() && *v < 0.0));
            let offset = f.pad_right + 1;
            f.pad_left = f.pad_left.max(3usize.saturating_sub(offset)).max((3 + neginf).saturating_sub(offset));
        }
        f
    }

    fn format(&self, x: f64) -> String {
        if !x.is_finite() {
            let ret = if x.is_nan() {
                "nan"
            } else if x > 0.0 {
                "inf"
            } else {
                "-inf"
            };
            let width = self.pad_left + self.pad_right + 1;
            return format!("{ret:>width$}");
        }
        if self.exp {
            let (i, mut fr, e) = np_scientific(x);
            while fr.len() < self.precision {
                fr.push('0');
            }
            let sign = if e < 0 { '-' } else { '+' };
            let ed = format!("{:0width$}", e.abs(), width = self.exp_size);
            format!("{i:>pl$}.{fr}e{sign}{ed}", pl = self.pad_left)
        } else {
            let (i, fr) = np_positional(x);
            format!("{i:>pl$}.{fr:<pr$}", pl = self.pad_left, pr = self.pad_right)
        }
    }
}

/// `repr(ndarray)` of a float64 array with numpy's default print options (line width 75,
/// summaries with "..." beyond 1000 elements).
pub fn np_array_repr(data: &[f64], shape: (usize, Option<usize>)) -> String {
    let (rows, cols) = shape;
    if data.is_empty() {
        return match cols {
            None => "array([], dtype=float64)".into(),
            Some(c) => format!("array([], shape=({rows}, {c}), dtype=float64)"),
        };
    }
    let summarize = data.len() > 1000;
    let edge = |n: usize| -> Vec<Option<usize>> {
        if summarize && n > 6 {
            let mut v: Vec<Option<usize>> = (0..3).map(Some).collect();
            v.push(None);
            v.extend((n - 3..n).map(Some));
            v
        } else {
            (0..n).map(Some).collect()
        }
    };
    let row_idx = edge(rows);
    let col_idx = cols.map(edge);
    // the format is fitted to the values that are shown
    let shown: Vec<f64> = match &col_idx {
        None => row_idx.iter().flatten().map(|&i| data[i]).collect(),
        Some(ci) => {
            let c = cols.unwrap_or(1);
            row_idx.iter().flatten().flat_map(|&r| ci.iter().flatten().map(move |&j| data[r * c + j])).collect()
        }
    };
    let ff = FloatFormat::new(&shown);
    // one bracketed row, wrapped at `width` with `indent` on continuation lines
    let line_of = |items: &mut dyn Iterator<Item = Option<f64>>, indent: &str, width: usize| -> String {
        let words: Vec<String> = items.map(|x| x.map_or_else(|| "...".to_owned(), |x| ff.format(x))).collect();
        format!("[{}]", wrap(&words, indent, width))
    };
    let body = match (cols, &col_idx) {
        (Some(c), Some(ci)) => {
            let inner = "        ";
            let lines: Vec<String> = row_idx
                .iter()
                .map(|r| match r {
                    Some(r) => line_of(&mut ci.iter().map(|j| j.map(|j| data[r * c + j])), inner, 72),
                    None => "...".to_owned(),
                })
                .collect();
            format!("[{}]", lines.join(",\n       "))
        }
        _ => line_of(&mut row_idx.iter().map(|i| i.map(|i| data[i])), "       ", 73),
    };
    format!("array({body})")
}

/// numpy's wrapping of an array's items: joined by ", ", a new line (starting with `indent`)
/// before an item that would pass `width` characters; the text after the first line's indent.
/// numpy measures in characters (text items may be any Unicode).
fn wrap(words: &[String], indent: &str, width: usize) -> String {
    let chars = |s: &str| s.chars().count();
    let mut s = String::new();
    let mut line = indent.to_owned();
    for (k, w) in words.iter().enumerate() {
        if chars(&line) + chars(w) > width && chars(&line) > chars(indent) {
            s.push_str(line.trim_end());
            s.push('\n');
            line = indent.to_owned();
        }
        line.push_str(w);
        if k + 1 < words.len() {
            line.push_str(", ");
        }
    }
    s.push_str(&line);
    s[indent.len()..].to_owned()
}

/// `repr(ndarray)` of a 1-D object array of strings (DF_2_ORDERED_TRIPLE's text axes):
/// each cell as Python's repr, no padding, wrapped at numpy's line width 75; beyond 1000
/// cells the first and last 3 around "..." and the shape.
pub fn np_object_text_repr(cells: &[String]) -> String {
    if cells.is_empty() {
        return "array([], dtype=object)".into();
    }
    let summarize = cells.len() > 1000;
    let n = cells.len();
    let words: Vec<String> = if summarize {
        let ends = cells[..3].iter().map(|c| str_repr(c)).chain(["...".to_owned()]);
        ends.chain(cells[n - 3..].iter().map(|c| str_repr(c))).collect()
    } else {
        cells.iter().map(|c| str_repr(c)).collect()
    };
    let width = |s: &str| s.chars().count();
    let body = format!("array([{}],", wrap(&words, "       ", 73));
    let extras = if summarize { format!("shape=({n},), dtype=object)") } else { "dtype=object)".to_owned() };
    let last = body.rsplit('\n').next().map_or(0, width);
    let spacer = if last + width(&extras) + 1 > 75 { "\n      " } else { " " };
    format!("{body}{spacer}{extras}")
}

#[cfg(test)]
mod tests {
    use super::np_object_text_repr;

    #[test]
    fn text_arrays_print_as_numpy_prints_object_arrays() {
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // repr(np.array(a, dtype=object)) in numpy 2.3
        let cases: [(Vec<String>, &str); 6] = [
            (
                t(&["N", "NNE", "a b", ""].repeat(8)),
                "array(['N', 'NNE', 'a b', '', 'N', 'NNE', 'a b', '', 'N', 'NNE', 'a b',\n       '', 'N', 'NNE', 'a b', '', 'N', 'NNE', 'a b', '', 'N', 'NNE',\n       'a b', '', 'N', 'NNE', 'a b', '', 'N', 'NNE', 'a b', ''],\n      dtype=object)",
            ),
            (t(&[&"é".repeat(30), "x"]), "array(['éééééééééééééééééééééééééééééé', 'x'], dtype=object)"),
            (
                t(&[&"a".repeat(60), "bb"]),
                "array(['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',\n       'bb'], dtype=object)",
            ),
            (
                t(&["abc"; 1200]),
                "array(['abc', 'abc', 'abc', ..., 'abc', 'abc', 'abc'],\n      shape=(1200,), dtype=object)",
            ),
            (t(&["it's", "q\"", "\\x"]), "array([\"it's\", 'q\"', '\\\\x'], dtype=object)"),
            (vec![], "array([], dtype=object)"),
        ];
        for (cells, want) in cases {
            assert_eq!(np_object_text_repr(&cells), want);
        }
    }
}
