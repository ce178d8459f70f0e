//! A Python node's ports and parameters, read from its code without running Python.
//!
//! Flojoy files and share links carry a Python node's `data.code` and `data.func`, often with
//! no port list. The importer reads the decorated function's signature here, so the node has
//! its real ports before validation and before any run, in the page and in the runner. The
//! rules are the ones `flojoy_api.manifest` applies in Pyodide when the editor's Save reads a
//! signature (and Flojoy Studio's manifest builder before it):
//! - a parameter annotated with DataContainer types is an input (`A | B`, `Optional[A]`,
//!   `Union[...]`; bare `DataContainer` or `Any`, or no annotation, is `Any`); `list[A]` takes
//!   several wires; it is optional when it has a default or its type admits `None` (Flojoy
//!   said so only for a `None` default, yet ran such a block unwired with its default);
//! - any other parameter is a parameter: `Literal[...]` a select (options as text), `int`,
//!   `float`, `bool`, `str`, `list[int|float|str]`, `TextArea`, `NodeReference`, `Array`,
//!   `File`, `Directory`, `Secret` (else text), `Optional[X]` as X;
//! - the return annotation gives the outputs: a `TypedDict` one per field, anything else one
//!   `default` output, `None` or nothing no output;
//! - `default_params`, `init_container` and `connection` are injected, not shown.
//!
//! It reads what a signature can say by itself: names imported or defined in the code
//! (`TypedDict` classes, `X = A | B` aliases). A default that is not a literal reads as `None`
//! (the function's own default then applies when the node runs). `tests/python_signature.rs`
//! checks it against `flojoy_api.parse` in CPython on every Flojoy Studio block.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::spec::{NodeSpec, ParamKind, ParamSpec, PortSpec};
use crate::value::TypeSet;

/// The manifest of a Python node, shaped as `flojoy_api.manifest` returns it: read here from
/// the code by [`parse`], and by Pyodide when the editor saves a node (the worker's reply is
/// this type too).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub func: String,
    #[serde(default)]
    pub doc: String,
    #[serde(default)]
    pub category: String,
    pub inputs: Vec<Input>,
    pub outputs: Vec<Output>,
    pub params: Vec<Param>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Input {
    pub name: String,
    #[serde(rename = "type")]
    pub types: String,
    #[serde(default)]
    pub multiple: bool,
    #[serde(default)]
    pub optional: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Output {
    pub name: String,
    #[serde(rename = "type")]
    pub types: String,
}

/// A parameter as the signature gives it (Flojoy's manifest rules: `Literal[...]` → select…).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Param {
    pub name: String,
    #[serde(default)]
    pub default: Json,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
}

/// Why a signature could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SignatureError {
    #[error("the code defines no function{}", .0.as_ref().map(|f| format!(" named {f}")).unwrap_or_default())]
    NoFunction(Option<String>),
    #[error("the code defines several @flojoy functions; keep one per node")]
    Several,
    #[error("the signature of {0} could not be read (line {1})")]
    Unreadable(String, usize),
}

impl Manifest {
    /// The node spec of a Python node with this manifest (as the page builds it after Save).
    pub fn to_node_spec(&self) -> NodeSpec {
        let category = if self.category.is_empty() { "PYTHON" } else { &self.category };
        let mut spec =
            NodeSpec::new(&self.func, category, if self.doc.is_empty() { "A Python node." } else { &self.doc });
        spec.path = "PYTHON".into();
        spec.inputs = self
            .inputs
            .iter()
            .map(|p| PortSpec {
                name: p.name.clone(),
                types: TypeSet::parse(&p.types),
                multiple: p.multiple,
                optional: p.optional,
                doc: String::new(),
            })
            .collect();
        spec.outputs = self
            .outputs
            .iter()
            .map(|p| PortSpec {
                name: p.name.clone(),
                types: TypeSet::parse(&p.types),
                multiple: false,
                optional: false,
                doc: String::new(),
            })
            .collect();
        spec.params = self
            .params
            .iter()
            .map(|p| ParamSpec {
                name: p.name.clone(),
                kind: ParamKind::from_flojoy_type(&p.kind, p.options.clone()),
                default: p.default.clone(),
                doc: String::new(),
                shown_when: None,
            })
            .collect();
        spec
    }

    /// The spec of a Python node after its code is saved again: ports and parameters from
    /// the new code, while the palette folder it already had (HARDWARE/… for an instrument
    /// block from a Flojoy file) stays, as the code does not say where the node belongs.
    pub fn to_node_spec_after(&self, previous: &NodeSpec) -> NodeSpec {
        let mut spec = self.to_node_spec();
        if !previous.path.is_empty() {
            spec.path = previous.path.clone();
        }
        spec
    }
}

/// What the code says about a node's ports, for validation: every parameter name of the
/// function (a wire into any other name is a wire into nothing), and its outputs when the
/// return annotation could be read.
#[derive(Clone, Debug, PartialEq)]
pub struct Declared {
    pub params: Vec<String>,
    pub outputs: Option<Vec<String>>,
}

/// Reads the manifest of the node function in `code`: the function named `func` if there is
/// one, else the single `@flojoy` function, else the single function (as Pyodide's Save).
pub fn read(code: &str, func: Option<&str>) -> Result<Manifest, SignatureError> {
    let module = Module::parse(code);
    let def = module.pick(func)?;
    module.manifest(def)
}

/// The names a node's code declares (see [`Declared`]).
pub fn declared(code: &str, func: Option<&str>) -> Option<Declared> {
    let module = Module::parse(code);
    let def = module.pick(func).ok()?;
    let sig = module.signature(def).ok()?;
    let outputs = match &sig.ret {
        None => Some(Vec::new()),
        Some(t) => module.outputs(t).ok().map(|o| o.into_iter().map(|o| o.name).collect()),
    };
    Some(Declared { params: sig.params.iter().map(|p| p.name.clone()).collect(), outputs })
}

// ------------------------------------------------------------------------------------------
// Tokens and logical lines

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Name(String),
    Num(String),
    /// A string literal's value (prefix and quotes removed, escapes applied).
    Str(String),
    Op(String),
}

/// One logical line: its indentation, its tokens, its first physical line (1-based).
#[derive(Debug)]
struct Line {
    indent: usize,
    toks: Vec<Tok>,
    line: usize,
}

fn tokenize(code: &str) -> Vec<Line> {
    let chars: Vec<char> = code.chars().collect();
    let mut lines = Vec::new();
    let mut i = 0;
    let mut lineno = 1;
    let mut depth = 0usize;
    let mut cur: Option<Line> = None;
    let mut at_line_start = true;
    let mut indent = 0;
    while i < chars.len() {
        let c = chars[i];
        if at_line_start && depth == 0 {
            // measure indentation of a new logical line
            indent = 0;
            while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
                indent += if chars[i] == '\t' { 8 - indent % 8 } else { 1 };
                i += 1;
            }
            at_line_start = false;
            continue;
        }
        match c {
            '\n' => {
                lineno += 1;
                i += 1;
                if depth == 0 {
                    if let Some(l) = cur.take().filter(|l| !l.toks.is_empty()) {
                        lines.push(l);
                    }
                    at_line_start = true;
                }
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                lineno += 1;
            }
            c if c.is_whitespace() => i += 1,
            _ => {
                let line = cur.get_or_insert_with(|| Line { indent, toks: Vec::new(), line: lineno });
                if let Some((tok, next, newlines)) = string_at(&chars, i) {
                    line.toks.push(tok);
                    lineno += newlines;
                    i = next;
                } else if c.is_alphabetic() || c == '_' {
                    let start = i;
                    while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                        i += 1;
                    }
                    line.toks.push(Tok::Name(chars[start..i].iter().collect()));
                } else if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
                    let start = i;
                    while i < chars.len()
                        && (chars[i].is_ascii_alphanumeric()
                            || chars[i] == '.'
                            || chars[i] == '_'
                            || ((chars[i] == '+' || chars[i] == '-') && matches!(chars[i - 1], 'e' | 'E')))
                    {
                        i += 1;
                    }
                    line.toks.push(Tok::Num(chars[start..i].iter().collect()));
                } else {
                    let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                    let op = if ["->", "**", "//", "==", "!=", "<=", ">=", ":="].contains(&two.as_str()) {
                        two
                    } else {
                        c.to_string()
                    };
                    match op.as_str() {
                        "(" | "[" | "{" => depth += 1,
                        ")" | "]" | "}" => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    i += op.chars().count();
                    line.toks.push(Tok::Op(op));
                }
            }
        }
    }
    if let Some(l) = cur.filter(|l| !l.toks.is_empty()) {
        lines.push(l);
    }
    lines
}

/// A string literal starting at `i` (with an optional prefix): its token, the index after it
/// and how many newlines it spans.
fn string_at(chars: &[char], i: usize) -> Option<(Tok, usize, usize)> {
    let mut j = i;
    while j < chars.len() && j - i < 2 && matches!(chars[j].to_ascii_lowercase(), 'r' | 'b' | 'u' | 'f') {
        j += 1;
    }
    let q = *chars.get(j)?;
    if q != '"' && q != '\'' {
        return None;
    }
    let prefix: String = chars[i..j].iter().collect::<String>().to_ascii_lowercase();
    let raw = prefix.contains('r');
    let triple = chars.get(j + 1) == Some(&q) && chars.get(j + 2) == Some(&q);
    let mut k = j + if triple { 3 } else { 1 };
    let mut out = String::new();
    let mut newlines = 0;
    while k < chars.len() {
        let c = chars[k];
        if c == q && (!triple || (chars.get(k + 1) == Some(&q) && chars.get(k + 2) == Some(&q))) {
            k += if triple { 3 } else { 1 };
            return Some((Tok::Str(out), k, newlines));
        }
        if c == '\n' {
            newlines += 1;
            if !triple {
                break;
            }
        }
        if c == '\\' && k + 1 < chars.len() {
            let n = chars[k + 1];
            if n == '\n' {
                newlines += 1;
            }
            if raw {
                out.push(c);
                out.push(n);
            } else {
                match n {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '0' => out.push('\0'),
                    '\n' => {}
                    '\\' | '\'' | '"' => out.push(n),
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            k += 2;
            continue;
        }
        out.push(c);
        k += 1;
    }
    // an unterminated string: take the rest as its text
    Some((Tok::Str(out), k, newlines))
}

// ------------------------------------------------------------------------------------------
// Type expressions

#[derive(Clone, Debug, PartialEq)]
enum Ty {
    /// A (possibly dotted) name, resolved later.
    Name(String),
    /// `X[args]`.
    Sub(String, Vec<Ty>),
    /// `A | B`.
    Or(Vec<Ty>),
    /// A literal inside `Literal[...]`: its `str()`.
    Lit(String),
    None,
    /// Something a signature reader cannot resolve (a call, arithmetic).
    Unknown,
}

struct Cursor<'a> {
    toks: &'a [Tok],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<&'a Tok> {
        self.toks.get(self.pos)
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(o)) if o == op)
    }

    fn eat(&mut self, op: &str) -> bool {
        if self.is_op(op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// A type expression, up to a `,`/`=`/`)`/`]`/`:` at depth 0.
    fn ty(&mut self) -> Ty {
        let mut alts = vec![self.atom()];
        while self.eat("|") {
            alts.push(self.atom());
        }
        if alts.len() == 1 { alts.remove(0) } else { Ty::Or(alts) }
    }

    fn atom(&mut self) -> Ty {
        let t = match self.peek() {
            Some(Tok::Name(n)) if n == "None" => {
                self.pos += 1;
                Ty::None
            }
            Some(Tok::Name(_)) => {
                let mut name = String::new();
                while let Some(Tok::Name(n)) = self.peek() {
                    name.push_str(n);
                    self.pos += 1;
                    if self.is_op(".") && matches!(self.toks.get(self.pos + 1), Some(Tok::Name(_))) {
                        self.pos += 1;
                        name.push('.');
                    } else {
                        break;
                    }
                }
                if self.eat("[") {
                    let mut args = Vec::new();
                    while !self.is_op("]") && self.peek().is_some() {
                        args.push(if last(&name) == "Literal" { self.literal() } else { self.ty() });
                        if !self.eat(",") {
                            break;
                        }
                    }
                    self.eat("]");
                    Ty::Sub(name, args)
                } else {
                    Ty::Name(name)
                }
            }
            Some(Tok::Str(s)) => {
                // a forward reference: "OrderedPair"
                self.pos += 1;
                let inner = tokenize(s);
                match inner.first() {
                    Some(l) if inner.len() == 1 => Cursor { toks: &l.toks, pos: 0 }.ty(),
                    _ => Ty::Unknown,
                }
            }
            _ => {
                self.skip_expr();
                return Ty::Unknown;
            }
        };
        if self.at_end_of_item() { t } else { self.skip_expr_then(Ty::Unknown) }
    }

    fn at_end_of_item(&self) -> bool {
        match self.peek() {
            None => true,
            Some(Tok::Op(o)) => matches!(o.as_str(), "," | "=" | ")" | "]" | ":" | "|"),
            _ => false,
        }
    }

    fn skip_expr_then(&mut self, t: Ty) -> Ty {
        self.skip_expr();
        t
    }

    /// Skips to the next `,`/`)`/`]`/`=`/`:` at this depth.
    fn skip_expr(&mut self) {
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            if let Tok::Op(o) = t {
                match o.as_str() {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" if depth == 0 => return,
                    ")" | "]" | "}" => depth -= 1,
                    "," | "=" | ":" if depth == 0 => return,
                    _ => {}
                }
            }
            self.pos += 1;
        }
    }

    /// A literal value inside `Literal[...]`, as Python's `str()` prints it.
    fn literal(&mut self) -> Ty {
        let start = self.pos;
        match self.value() {
            Some(v) if self.at_end_of_item() => Ty::Lit(py_str(&v)),
            _ => {
                self.pos = start;
                self.skip_expr_then(Ty::Unknown)
            }
        }
    }

    /// A literal value (numbers, strings, True/False/None, lists/tuples of those, and the
    /// text parameter wrappers `TextArea("…")`); `None` when it is anything else.
    fn value(&mut self) -> Option<Json> {
        let neg = self.eat("-");
        let v = match self.peek()? {
            Tok::Num(n) => {
                self.pos += 1;
                let n = n.replace('_', "");
                let lower = n.to_ascii_lowercase();
                let int = !lower.contains(['.', 'e', 'j']) || lower.starts_with("0x");
                if lower.ends_with('j') {
                    return None;
                }
                if int {
                    let i = if let Some(h) = lower.strip_prefix("0x") {
                        i64::from_str_radix(h, 16).ok()?
                    } else if let Some(o) = lower.strip_prefix("0o") {
                        i64::from_str_radix(o, 8).ok()?
                    } else if let Some(b) = lower.strip_prefix("0b") {
                        i64::from_str_radix(b, 2).ok()?
                    } else {
                        lower.parse::<i64>().ok()?
                    };
                    Json::from(if neg { -i } else { i })
                } else {
                    let x: f64 = lower.parse().ok()?;
                    Json::from(if neg { -x } else { x })
                }
            }
            _ if neg => return None,
            Tok::Str(_) => {
                let mut s = String::new();
                while let Some(Tok::Str(part)) = self.peek() {
                    s.push_str(part);
                    self.pos += 1;
                }
                Json::String(s)
            }
            Tok::Name(n) if n == "True" || n == "False" || n == "None" => {
                self.pos += 1;
                match n.as_str() {
                    "True" => Json::Bool(true),
                    "False" => Json::Bool(false),
                    _ => Json::Null,
                }
            }
            Tok::Name(n)
                if ["TextArea", "NodeReference", "File", "Directory", "Secret", "Array"].contains(&n.as_str()) =>
            {
                self.pos += 1;
                if !self.eat("(") {
                    return None;
                }
                let inner = if self.is_op(")") { Json::String(String::new()) } else { self.value()? };
                if !self.eat(")") {
                    return None;
                }
                inner
            }
            Tok::Op(o) if o == "[" || o == "(" => {
                let close = if o == "[" { "]" } else { ")" };
                self.pos += 1;
                let mut items = Vec::new();
                while !self.is_op(close) {
                    items.push(self.value()?);
                    if !self.eat(",") {
                        break;
                    }
                }
                if !self.eat(close) {
                    return None;
                }
                Json::Array(items)
            }
            _ => return None,
        };
        Some(v)
    }
}

fn last(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// Python's `str()` of a literal value.
fn py_str(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Bool(true) => "True".into(),
        Json::Bool(false) => "False".into(),
        Json::Null => "None".into(),
        Json::Number(n) if n.is_f64() => crate::numeric::python::float_repr(n.as_f64().unwrap_or(f64::NAN)),
        other => other.to_string(),
    }
}

// ------------------------------------------------------------------------------------------
// The module: functions, TypedDict classes, imports, aliases

const DATA_CONTAINERS: &[&str] = &[
    "OrderedPair",
    "OrderedTriple",
    "Surface",
    "Scalar",
    "Vector",
    "Matrix",
    "DataFrame",
    "Grayscale",
    "Image",
    "Plotly",
    "String",
    "Bytes",
    "Boolean",
];

/// A class of the code: its bases and its `name: type` fields.
type Class = (Vec<String>, Vec<(String, Ty)>);

struct Def {
    name: String,
    /// Index of the `def` line.
    line: usize,
    flojoy: bool,
    node_type: Option<String>,
}

struct Module {
    lines: Vec<Line>,
    defs: Vec<Def>,
    /// Local name → imported dotted name (`np` → `numpy`, `Opt` → `typing.Optional`).
    imports: HashMap<String, String>,
    /// `X = <type>` at the top level.
    aliases: HashMap<String, Ty>,
    /// Classes by name.
    classes: HashMap<String, Class>,
}

struct Arg {
    name: String,
    ann: Option<Ty>,
    default: Option<Option<Json>>,
}

struct Sig {
    params: Vec<Arg>,
    ret: Option<Ty>,
}

impl Module {
    fn parse(code: &str) -> Module {
        let lines = tokenize(code);
        let mut m = Module {
            lines: Vec::new(),
            defs: Vec::new(),
            imports: HashMap::new(),
            aliases: HashMap::new(),
            classes: HashMap::new(),
        };
        let mut decorators: Vec<&Line> = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if l.indent != 0 {
                continue;
            }
            let first = match l.toks.first() {
                Some(Tok::Name(n)) => n.as_str(),
                Some(Tok::Op(o)) if o == "@" => {
                    decorators.push(l);
                    continue;
                }
                _ => {
                    decorators.clear();
                    continue;
                }
            };
            match first {
                "def" | "async" => {
                    let name_at = if first == "async" { 2 } else { 1 };
                    if let Some(Tok::Name(name)) = l.toks.get(name_at) {
                        let (flojoy, node_type) = flojoy_decorator(&decorators);
                        m.defs.push(Def { name: name.clone(), line: i, flojoy, node_type });
                    }
                }
                "class" => {
                    if let Some(Tok::Name(name)) = l.toks.get(1) {
                        let bases = class_bases(&l.toks[2..]);
                        let fields = class_fields(&lines, i);
                        m.classes.insert(name.clone(), (bases, fields));
                    }
                }
                "import" | "from" => m.read_import(&l.toks),
                _ => {
                    if let (Some(Tok::Name(name)), Some(Tok::Op(eq))) = (l.toks.first(), l.toks.get(1))
                        && eq == "="
                        && l.toks.len() > 2
                    {
                        let mut c = Cursor { toks: &l.toks[2..], pos: 0 };
                        let t = c.ty();
                        m.aliases.insert(name.clone(), if c.peek().is_none() { t } else { Ty::Unknown });
                    }
                }
            }
            decorators.clear();
        }
        m.lines = lines;
        m
    }

    fn read_import(&mut self, toks: &[Tok]) {
        let names = |ts: &[Tok]| -> Vec<String> {
            ts.iter().filter_map(|t| if let Tok::Name(n) = t { Some(n.clone()) } else { None }).collect()
        };
        match toks.first() {
            Some(Tok::Name(k)) if k == "from" => {
                let Some(import_at) = toks.iter().position(|t| matches!(t, Tok::Name(n) if n == "import")) else {
                    return;
                };
                let module: String = toks[1..import_at]
                    .iter()
                    .map(|t| match t {
                        Tok::Name(n) => n.as_str(),
                        Tok::Op(o) => o.as_str(),
                        _ => "",
                    })
                    .collect();
                for item in toks[import_at + 1..].split(|t| matches!(t, Tok::Op(o) if o == ",")) {
                    let n = names(item);
                    match n.as_slice() {
                        [name] => {
                            self.imports.insert(name.clone(), format!("{module}.{name}"));
                        }
                        [name, as_, alias] if as_ == "as" => {
                            self.imports.insert(alias.clone(), format!("{module}.{name}"));
                        }
                        _ => {}
                    }
                }
            }
            _ => {
                for item in toks[1..].split(|t| matches!(t, Tok::Op(o) if o == ",")) {
                    let dotted: String = item
                        .iter()
                        .take_while(|t| !matches!(t, Tok::Name(n) if n == "as"))
                        .map(|t| match t {
                            Tok::Name(n) => n.as_str(),
                            Tok::Op(o) => o.as_str(),
                            _ => "",
                        })
                        .collect();
                    let n = names(item);
                    let local = match n.iter().position(|x| x == "as") {
                        Some(p) => n.get(p + 1).cloned(),
                        None => n.first().cloned(),
                    };
                    if let Some(local) = local {
                        let target = if n.contains(&"as".to_owned()) { dotted } else { local.clone() };
                        self.imports.insert(local, target);
                    }
                }
            }
        }
    }

    /// The node function: `func` if defined, else the single `@flojoy` one, else the single one.
    fn pick(&self, func: Option<&str>) -> Result<&Def, SignatureError> {
        if let Some(d) = func.and_then(|f| self.defs.iter().rev().find(|d| d.name == f)) {
            return Ok(d);
        }
        let marked: Vec<&Def> = self.defs.iter().filter(|d| d.flojoy).collect();
        match (marked.as_slice(), self.defs.as_slice()) {
            ([one], _) => Ok(one),
            ([], [one]) => Ok(one),
            ([_, _, ..], _) => Err(SignatureError::Several),
            _ => Err(SignatureError::NoFunction(func.map(str::to_owned))),
        }
    }

    fn signature(&self, def: &Def) -> Result<Sig, SignatureError> {
        let line = &self.lines[def.line];
        let bad = || SignatureError::Unreadable(def.name.clone(), line.line);
        let toks = &line.toks;
        let open = toks.iter().position(|t| matches!(t, Tok::Op(o) if o == "(")).ok_or_else(bad)?;
        let mut c = Cursor { toks, pos: open + 1 };
        let mut params = Vec::new();
        while !c.is_op(")") {
            // `*`, `/` alone are markers; `*args`, `**kwargs` go on to their name
            if (c.eat("*") || c.eat("**") || c.eat("/")) && (c.eat(",") || c.is_op(")")) {
                continue;
            }
            let Some(Tok::Name(name)) = c.peek() else { return Err(bad()) };
            c.pos += 1;
            let ann = if c.eat(":") { Some(c.ty()) } else { None };
            let default = if c.eat("=") {
                let start = c.pos;
                let v = c.value().filter(|_| c.at_end_of_item());
                if v.is_none() {
                    c.pos = start;
                    c.skip_expr();
                }
                Some(v)
            } else {
                None
            };
            params.push(Arg { name: name.clone(), ann, default });
            if !c.eat(",") {
                break;
            }
        }
        if !c.eat(")") {
            return Err(bad());
        }
        let ret = if c.eat("->") { Some(c.ty()) } else { None };
        Ok(Sig { params, ret })
    }

    fn manifest(&self, def: &Def) -> Result<Manifest, SignatureError> {
        let sig = self.signature(def)?;
        let mut inputs = Vec::new();
        let mut params = Vec::new();
        for p in &sig.params {
            if ["default_params", "init_container", "connection"].contains(&p.name.as_str()) {
                continue;
            }
            let tp = p.ann.clone().map_or(Ty::Name("Any".into()), |t| self.resolve(&t));
            let (tp, multiple) = match &tp {
                Ty::Sub(n, args) if n == "list" && args.len() == 1 && self.dc_names(&args[0]).is_some() => {
                    (args[0].clone(), true)
                }
                _ => (tp, false),
            };
            let default = p.default.clone().map(|d| d.unwrap_or(Json::Null));
            match self.dc_names(&tp) {
                Some(names) => {
                    let optional = default.is_some() || admits_none(&tp);
                    inputs.push(Input { name: p.name.clone(), types: type_string(&names), multiple, optional });
                }
                None => params.push(self.param(&p.name, &tp, default)),
            }
        }
        let outputs = match &sig.ret {
            None => Vec::new(),
            Some(t) => {
                self.outputs(t).unwrap_or_else(|()| vec![Output { name: "default".into(), types: "Any".into() }])
            }
        };
        Ok(Manifest {
            func: def.name.clone(),
            doc: self.docstring(def),
            category: def.node_type.clone().unwrap_or_else(|| "PYTHON".into()),
            inputs,
            outputs,
            params,
        })
    }

    /// Outputs from a return annotation (`Err`: it names something the code does not show).
    fn outputs(&self, t: &Ty) -> Result<Vec<Output>, ()> {
        let t = self.resolve(t);
        if t == Ty::None {
            return Ok(Vec::new());
        }
        if let Ty::Name(n) = &t
            && let Some(fields) = self.typed_dict(n)
        {
            return Ok(fields
                .into_iter()
                .map(|(name, ft)| Output {
                    name,
                    types: type_string(
                        &self
                            .dc_names(&self.resolve(&ft))
                            .filter(|v| !v.is_empty())
                            .unwrap_or_else(|| vec!["Any".into()]),
                    ),
                })
                .collect());
        }
        let known = match &t {
            Ty::Unknown => false,
            Ty::Name(n) => {
                self.dc_names(&t).is_some()
                    || ["dict", "list", "tuple", "int", "float", "str", "bool"].contains(&n.as_str())
            }
            _ => true,
        };
        let names = self.dc_names(&t).filter(|v| !v.is_empty()).unwrap_or_else(|| vec!["Any".into()]);
        if known { Ok(vec![Output { name: "default".into(), types: type_string(&names) }]) } else { Err(()) }
    }

    /// Fields of a TypedDict class defined in the code (with those of TypedDict bases).
    fn typed_dict(&self, name: &str) -> Option<Vec<(String, Ty)>> {
        let (bases, fields) = self.classes.get(name)?;
        let mut out = Vec::new();
        let mut is_td = false;
        for b in bases {
            let b = self.canonical(b);
            if last(&b) == "TypedDict" {
                is_td = true;
            } else if let Some(inherited) = self.typed_dict(last(&b)) {
                is_td = true;
                out.extend(inherited);
            }
        }
        if !is_td {
            return None;
        }
        for (k, t) in fields {
            out.retain(|(n, _)| n != k);
            out.push((k.clone(), t.clone()));
        }
        Some(out)
    }

    /// The imported name a local name stands for (`OP` → `flojoy.OrderedPair`).
    fn canonical(&self, name: &str) -> String {
        let (head, rest) = name.split_once('.').map_or((name, None), |(h, r)| (h, Some(r)));
        let head = self.imports.get(head).map_or(head, String::as_str);
        match rest {
            Some(r) => format!("{head}.{r}"),
            None => head.to_owned(),
        }
    }

    /// Names made canonical: typing and flojoy names by their own name, `List`/`Optional`/
    /// `Union` spelled out, aliases substituted.
    fn resolve(&self, t: &Ty) -> Ty {
        self.resolve_depth(t, 0)
    }

    fn resolve_depth(&self, t: &Ty, depth: usize) -> Ty {
        if depth > 16 {
            return Ty::Unknown;
        }
        match t {
            Ty::Name(n) => {
                if let Some(a) = self.aliases.get(n)
                    && !self.classes.contains_key(n)
                {
                    return self.resolve_depth(a, depth + 1);
                }
                let c = self.canonical(n);
                let short = self.short(&c);
                if short == "NoneType" { Ty::None } else { Ty::Name(short) }
            }
            Ty::Sub(n, args) => {
                let short = self.short(&self.canonical(n));
                let args: Vec<Ty> = args.iter().map(|a| self.resolve_depth(a, depth + 1)).collect();
                match short.as_str() {
                    "Optional" => Ty::Or(args.into_iter().chain([Ty::None]).collect()),
                    "Union" => Ty::Or(args),
                    "List" => Ty::Sub("list".into(), args),
                    _ => Ty::Sub(short, args),
                }
            }
            Ty::Or(alts) => Ty::Or(alts.iter().map(|a| self.resolve_depth(a, depth + 1)).collect()),
            other => other.clone(),
        }
    }

    /// A canonical dotted name → the short name we know it by (`typing.Optional` →
    /// `Optional`), or the dotted name itself when it is none of ours (`numpy.ndarray`).
    fn short(&self, c: &str) -> String {
        let module = c.rsplit_once('.').map(|(m, _)| m);
        let known_module = matches!(
            module,
            None | Some("typing" | "typing_extensions" | "flojoy" | "builtins" | "types" | "flojoy.data_container")
        ) || module.is_some_and(|m| m.starts_with("flojoy."));
        if known_module { last(c).to_owned() } else { c.to_owned() }
    }

    /// `_dc_names`: the DataContainer type names of an annotation, `None` when it is not one.
    fn dc_names(&self, t: &Ty) -> Option<Vec<String>> {
        match t {
            Ty::None => Some(Vec::new()),
            Ty::Or(alts) => {
                let mut names = Vec::new();
                for a in alts {
                    names.extend(self.dc_names(a)?);
                }
                Some(names)
            }
            Ty::Name(n) if n == "Any" || n == "DataContainer" => Some(vec!["Any".into()]),
            Ty::Name(n) if n == "TextBlob" => Some(vec!["String".into()]),
            Ty::Name(n) if DATA_CONTAINERS.contains(&n.as_str()) => Some(vec![n.clone()]),
            Ty::Name(n) => {
                // a class of the code's own that extends a DataContainer
                let (bases, _) = self.classes.get(n)?;
                bases.iter().find_map(|b| self.dc_names(&self.resolve(&Ty::Name(b.clone()))).filter(|v| !v.is_empty()))
            }
            _ => None,
        }
    }

    /// `_param`: a parameter's editor kind and default.
    fn param(&self, name: &str, t: &Ty, default: Option<Json>) -> Param {
        let t = match t {
            Ty::Or(alts) => {
                let some: Vec<&Ty> = alts.iter().filter(|a| **a != Ty::None).collect();
                if some.len() == 1 { some[0].clone() } else { t.clone() }
            }
            other => other.clone(),
        };
        let mut default = default.unwrap_or(Json::Null);
        let mut options = None;
        let kind = match &t {
            Ty::Sub(n, args) if n == "Literal" => {
                options = Some(
                    args.iter()
                        .map(|a| match a {
                            Ty::Lit(s) => s.clone(),
                            _ => String::new(),
                        })
                        .collect(),
                );
                if !default.is_null() {
                    default = Json::String(py_str(&default));
                }
                "select".to_owned()
            }
            Ty::Sub(n, args) if n == "list" => {
                let item = match args.first() {
                    Some(Ty::Name(i)) => last(i).to_owned(),
                    Some(Ty::Sub(i, _)) => last(i).to_owned(),
                    _ => "str".into(),
                };
                format!("list[{item}]")
            }
            Ty::Name(n) if n == "list" => "list[str]".into(),
            Ty::Name(n)
                if [
                    "int",
                    "float",
                    "bool",
                    "str",
                    "TextArea",
                    "NodeReference",
                    "Array",
                    "File",
                    "Directory",
                    "Secret",
                ]
                .contains(&n.as_str()) =>
            {
                n.clone()
            }
            _ => "str".into(),
        };
        Param { name: name.to_owned(), default, kind, options }
    }

    /// The function's docstring, cleaned as `inspect.getdoc` does.
    fn docstring(&self, def: &Def) -> String {
        let head = &self.lines[def.line];
        let body = self.lines.get(def.line + 1).filter(|l| l.indent > head.indent);
        let Some(body) = body else { return String::new() };
        let mut text = String::new();
        for t in &body.toks {
            match t {
                Tok::Str(s) => text.push_str(s),
                _ => return String::new(),
            }
        }
        cleandoc(&text)
    }
}

/// Whether `NoneType` is among the annotation's `get_args` (its top-level union members).
fn admits_none(t: &Ty) -> bool {
    matches!(t, Ty::Or(alts) if alts.contains(&Ty::None))
}

/// `_type_string`: names deduplicated in order, `Any` when any is `Any` or there are none.
fn type_string(names: &[String]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for n in names {
        if !seen.contains(&n.as_str()) {
            seen.push(n);
        }
    }
    if seen.is_empty() || seen.contains(&"Any") { "Any".into() } else { seen.join("|") }
}

/// Whether the decorators include `@flojoy` (or `@flojoy(...)`), and its `node_type`.
fn flojoy_decorator(decorators: &[&Line]) -> (bool, Option<String>) {
    for d in decorators {
        let names: Vec<&str> = d
            .toks
            .iter()
            .skip(1)
            .take_while(|t| !matches!(t, Tok::Op(o) if o == "("))
            .filter_map(|t| if let Tok::Name(n) = t { Some(n.as_str()) } else { None })
            .collect();
        if names.last() == Some(&"flojoy") {
            let node_type = d.toks.windows(3).find_map(|w| match w {
                [Tok::Name(k), Tok::Op(eq), Tok::Str(v)] if k == "node_type" && eq == "=" => Some(v.clone()),
                _ => None,
            });
            return (true, node_type);
        }
    }
    (false, None)
}

fn class_bases(toks: &[Tok]) -> Vec<String> {
    let mut c = Cursor { toks, pos: 0 };
    let mut bases = Vec::new();
    if !c.eat("(") {
        return bases;
    }
    while !c.is_op(")") && c.peek().is_some() {
        if let (Some(Tok::Name(_)), Some(Tok::Op(eq))) = (c.peek(), c.toks.get(c.pos + 1))
            && eq == "="
        {
            c.pos += 2;
            c.skip_expr();
        } else if let Ty::Name(n) = c.ty() {
            bases.push(n);
        }
        if !c.eat(",") {
            break;
        }
    }
    bases
}

/// `name: type` lines of a class body.
fn class_fields(lines: &[Line], class_at: usize) -> Vec<(String, Ty)> {
    let indent = lines[class_at].indent;
    let mut fields = Vec::new();
    for l in lines[class_at + 1..].iter().take_while(|l| l.indent > indent) {
        if let (Some(Tok::Name(name)), Some(Tok::Op(colon))) = (l.toks.first(), l.toks.get(1))
            && colon == ":"
        {
            let mut c = Cursor { toks: &l.toks[2..], pos: 0 };
            fields.push((name.clone(), c.ty()));
        }
    }
    fields
}

/// Python's `inspect.cleandoc`.
fn cleandoc(doc: &str) -> String {
    let doc = doc.replace('\t', "        ");
    let lines: Vec<&str> = doc.split('\n').collect();
    let margin = lines
        .iter()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        if i == 0 {
            out.push(l.trim_start().to_owned());
        } else {
            out.push(l.get(margin..).unwrap_or("").to_owned());
        }
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn manifest(code: &str) -> Json {
        serde_json::to_value(read(code, None).unwrap()).unwrap()
    }

    #[test]
    fn saving_new_code_keeps_the_palette_folder_the_node_had() {
        let code = "from flojoy import flojoy, Scalar\n\n@flojoy\ndef ID(default: Scalar, x: int = 2) -> Scalar:\n    return default\n";
        let m = read(code, None).unwrap();
        let mut before = m.to_node_spec();
        assert_eq!(before.path, "PYTHON");
        before.path = "HARDWARE/SOURCEMETERS/KEITHLEY/2450".into();
        before.inputs.clear();
        let after = m.to_node_spec_after(&before);
        assert_eq!(after.path, "HARDWARE/SOURCEMETERS/KEITHLEY/2450");
        assert_eq!(after.inputs.len(), 1, "the ports come from the code");
        assert_eq!(after.params[0].name, "x");
    }

    #[test]
    fn ports_and_parameters_follow_flojoys_rules() {
        let code = r#"
from typing import Literal, Optional, TypedDict
from flojoy import flojoy, OrderedPair, Vector, Scalar, DataContainer, TextArea

class Out(TypedDict):
    low: OrderedPair
    high: Vector | Scalar

@flojoy(node_type="DSP", deps={"x": "1"})
def SPLIT(
    default: OrderedPair | Vector,     # the signal
    more: list[Scalar],
    maybe: Optional[DataContainer] = None,
    loose=None,
    mode: Literal["a", 'b', 3] = "a",
    gain: float = -2.5e-3,
    count: Optional[int] = None,
    note: TextArea = TextArea("hi"),
    picks: list[int] = [1, 2],
    default_params=None,
) -> Out:
    """Splits.

        Indented detail.
    """
    return Out(low=default, high=more[0])
"#;
        assert_eq!(
            manifest(code),
            json!({
                "func": "SPLIT", "doc": "Splits.\n\nIndented detail.", "category": "DSP",
                "inputs": [
                    {"name": "default", "type": "OrderedPair|Vector", "multiple": false, "optional": false},
                    {"name": "more", "type": "Scalar", "multiple": true, "optional": false},
                    {"name": "maybe", "type": "Any", "multiple": false, "optional": true},
                    {"name": "loose", "type": "Any", "multiple": false, "optional": true},
                ],
                "outputs": [{"name": "low", "type": "OrderedPair"}, {"name": "high", "type": "Vector|Scalar"}],
                "params": [
                    {"name": "mode", "default": "a", "type": "select", "options": ["a", "b", "3"]},
                    {"name": "gain", "default": -0.0025, "type": "float"},
                    {"name": "count", "default": null, "type": "int"},
                    {"name": "note", "default": "hi", "type": "TextArea"},
                    {"name": "picks", "default": [1, 2], "type": "list[int]"},
                ],
            })
        );
    }

    #[test]
    fn the_node_function_is_found_as_in_pyodide() {
        let two = "from flojoy import flojoy\n@flojoy\ndef A(x: int = 1):\n    pass\n\n@flojoy\ndef B():\n    pass\n";
        assert_eq!(read(two, None), Err(SignatureError::Several));
        assert_eq!(read(two, Some("B")).unwrap().func, "B");
        let plain = "import numpy as np\n\ndef helper_free(default: 'Vector') -> 'Vector':\n    return default\n";
        let m = read(plain, None).unwrap();
        assert_eq!(
            (m.func.as_str(), m.inputs[0].types.as_str(), m.outputs[0].types.as_str()),
            ("helper_free", "Vector", "Vector")
        );
        assert_eq!(read("x = 1\n", None), Err(SignatureError::NoFunction(None)));
        // the function called by its name when the file says which one
        let helpers = "from flojoy import flojoy, Vector\ndef helper(a):\n    pass\n@flojoy\ndef MAIN(v: Vector) -> Vector:\n    pass\n";
        assert_eq!(read(helpers, Some("MAIN")).unwrap().inputs[0].name, "v");
        assert_eq!(read(helpers, None).unwrap().func, "MAIN");
    }

    #[test]
    fn no_return_annotation_means_no_output_and_aliases_resolve() {
        let code = "from flojoy import flojoy, Vector as V, OrderedPair\nPairish = OrderedPair | V\n@flojoy\ndef T(default: Pairish):\n    return default\n";
        let m = read(code, None).unwrap();
        assert_eq!(m.inputs[0].types, "OrderedPair|Vector");
        assert!(m.outputs.is_empty());
        let d = declared(code, None).unwrap();
        assert_eq!((d.params, d.outputs), (vec!["default".to_owned()], Some(vec![])));
    }

    #[test]
    fn strings_comments_and_brackets_do_not_confuse_the_reader() {
        let code = "from flojoy import flojoy, Scalar\n# def FAKE(x: Scalar):\ns = '''\ndef FAKE2(y: Scalar):\n'''\n@flojoy\ndef REAL(a: Scalar, b: str = \"),(\", c: dict = {'k': (1, 2)}) -> Scalar:  # ) -> Vector\n    return a\n";
        let m = read(code, None).unwrap();
        assert_eq!(m.func, "REAL");
        assert_eq!(m.params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["b", "c"]);
        assert_eq!(m.params[0].default, json!("),("));
        assert_eq!(m.outputs[0].types, "Scalar");
    }
}
