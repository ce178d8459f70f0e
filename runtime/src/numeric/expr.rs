//! Arithmetic expressions in Python/sympy syntax (`x*y`, `sin(x)*exp(-y**2)`, `2**-1*x`), parsed
//! once and evaluated for numbers: what DOUBLE_DEFINITE_INTEGRAL needs of sympy's `parse_expr`
//! and `lambdify`. Any other name is a variable, as sympy makes an unknown name a Symbol.

use std::fmt;

/// A parsed expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Num(f64),
    /// A variable, by its index in [`Expr::variables`]' order when evaluated.
    Var(String),
    Neg(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
    Call(Func, Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Func {
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Exp,
    Log,
    Sqrt,
    Abs,
}

const FUNCS: &[(&str, Func)] = &[
    ("sin", Func::Sin),
    ("cos", Func::Cos),
    ("tan", Func::Tan),
    ("asin", Func::Asin),
    ("acos", Func::Acos),
    ("atan", Func::Atan),
    ("sinh", Func::Sinh),
    ("cosh", Func::Cosh),
    ("tanh", Func::Tanh),
    ("exp", Func::Exp),
    ("log", Func::Log),
    ("ln", Func::Log),
    ("sqrt", Func::Sqrt),
    ("Abs", Func::Abs),
    ("abs", Func::Abs),
];

/// Why an expression could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Name(String),
    Op(&'static str),
    Open,
    Close,
}

fn tokens(s: &str) -> Result<Vec<Tok>, ParseError> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
                let mut j = i + 1;
                if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_digit() {
                    i = j;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text = &s[start..i];
            let v = text.parse::<f64>().map_err(|_| ParseError(format!("'{text}' is not a number")))?;
            if i < b.len() && (b[i].is_ascii_alphabetic() || b[i] == b'_') {
                return Err(ParseError(format!(
                    "write a product with '*' ('2xy' is not read as 2*x*y): near '{}'",
                    &s[start..]
                )));
            }
            out.push(Tok::Num(v));
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push(Tok::Name(s[start..i].to_owned()));
        } else {
            let op = match (c, b.get(i + 1)) {
                (b'*', Some(b'*')) => "**",
                (b'+', _) => "+",
                (b'-', _) => "-",
                (b'*', _) => "*",
                (b'/', _) => "/",
                (b'(', _) => "(",
                (b')', _) => ")",
                (b'^', _) => return Err(ParseError("'^' is not a power in Python: write x**2".into())),
                _ => {
                    let ch = s[i..].chars().next().unwrap_or('?');
                    return Err(ParseError(format!("unexpected '{ch}'")));
                }
            };
            i += op.len();
            out.push(match op {
                "(" => Tok::Open,
                ")" => Tok::Close,
                _ => Tok::Op(op),
            });
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn eat_op(&mut self, ops: &[&'static str]) -> Option<&'static str> {
        match self.peek() {
            Some(Tok::Op(o)) if ops.contains(o) => {
                let o = *o;
                self.pos += 1;
                Some(o)
            }
            _ => None,
        }
    }

    fn sum(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.product()?;
        while let Some(o) = self.eat_op(&["+", "-"]) {
            let r = self.product()?;
            e = Expr::Bin(if o == "+" { Op::Add } else { Op::Sub }, Box::new(e), Box::new(r));
        }
        Ok(e)
    }

    fn product(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.unary()?;
        while let Some(o) = self.eat_op(&["*", "/"]) {
            let r = self.unary()?;
            e = Expr::Bin(if o == "*" { Op::Mul } else { Op::Div }, Box::new(e), Box::new(r));
        }
        Ok(e)
    }

    /// Python: `-x**2` is `-(x**2)`, and `2**-1` is `2**(-1)`.
    fn unary(&mut self) -> Result<Expr, ParseError> {
        match self.eat_op(&["-", "+"]) {
            Some("-") => Ok(Expr::Neg(Box::new(self.unary()?))),
            Some(_) => self.unary(),
            None => self.power(),
        }
    }

    fn power(&mut self) -> Result<Expr, ParseError> {
        let base = self.atom()?;
        if self.eat_op(&["**"]).is_some() {
            let exp = self.unary()?;
            return Ok(Expr::Bin(Op::Pow, Box::new(base), Box::new(exp)));
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<Expr, ParseError> {
        let tok = self.peek().cloned();
        self.pos += 1;
        match tok {
            Some(Tok::Num(v)) => Ok(Expr::Num(v)),
            Some(Tok::Open) => {
                let e = self.sum()?;
                self.close()?;
                Ok(e)
            }
            Some(Tok::Name(n)) => {
                if let Some((_, f)) = FUNCS.iter().find(|(name, _)| *name == n) {
                    if self.peek() != Some(&Tok::Open) {
                        return Err(ParseError(format!("{n} is a function: write {n}(…)")));
                    }
                    self.pos += 1;
                    let arg = self.sum()?;
                    self.close()?;
                    return Ok(Expr::Call(*f, Box::new(arg)));
                }
                Ok(match n.as_str() {
                    "pi" => Expr::Num(std::f64::consts::PI),
                    "E" => Expr::Num(std::f64::consts::E),
                    _ => Expr::Var(n),
                })
            }
            Some(Tok::Close) => Err(ParseError("unexpected ')'".into())),
            Some(Tok::Op(o)) => Err(ParseError(format!("unexpected '{o}'"))),
            None => Err(ParseError("the expression ends too early".into())),
        }
    }

    fn close(&mut self) -> Result<(), ParseError> {
        if self.peek() == Some(&Tok::Close) {
            self.pos += 1;
            Ok(())
        } else {
            Err(ParseError("a '(' is not closed".into()))
        }
    }
}

impl Expr {
    /// Reads `text`, or says what is wrong with it.
    pub fn parse(text: &str) -> Result<Expr, ParseError> {
        let toks = tokens(text)?;
        if toks.is_empty() {
            return Err(ParseError("the expression is empty".into()));
        }
        let mut p = Parser { toks, pos: 0 };
        let e = p.sum()?;
        if p.pos < p.toks.len() {
            return Err(ParseError("unexpected text after the expression (a missing operator?)".into()));
        }
        Ok(e)
    }

    /// The variables' names, sorted (sympy's free_symbols, in a fixed order).
    pub fn variables(&self) -> Vec<String> {
        fn walk(e: &Expr, out: &mut Vec<String>) {
            match e {
                Expr::Num(_) => {}
                Expr::Var(v) => {
                    if !out.contains(v) {
                        out.push(v.clone());
                    }
                }
                Expr::Neg(a) | Expr::Call(_, a) => walk(a, out),
                Expr::Bin(_, a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out.sort();
        out
    }

    /// The value with each variable `names[i]` set to `values[i]` (NaN for any other).
    pub fn eval(&self, names: &[String], values: &[f64]) -> f64 {
        match self {
            Expr::Num(v) => *v,
            Expr::Var(n) => names.iter().position(|m| m == n).and_then(|i| values.get(i)).copied().unwrap_or(f64::NAN),
            Expr::Neg(a) => -a.eval(names, values),
            Expr::Bin(op, a, b) => {
                let (a, b) = (a.eval(names, values), b.eval(names, values));
                match op {
                    Op::Add => a + b,
                    Op::Sub => a - b,
                    Op::Mul => a * b,
                    Op::Div => a / b,
                    Op::Pow => a.powf(b),
                }
            }
            Expr::Call(f, a) => {
                let a = a.eval(names, values);
                match f {
                    Func::Sin => a.sin(),
                    Func::Cos => a.cos(),
                    Func::Tan => a.tan(),
                    Func::Asin => a.asin(),
                    Func::Acos => a.acos(),
                    Func::Atan => a.atan(),
                    Func::Sinh => a.sinh(),
                    Func::Cosh => a.cosh(),
                    Func::Tanh => a.tanh(),
                    Func::Exp => a.exp(),
                    Func::Log => a.ln(),
                    Func::Sqrt => a.sqrt(),
                    Func::Abs => a.abs(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, x: f64, y: f64) -> f64 {
        let e = Expr::parse(text).unwrap();
        e.eval(&["x".into(), "y".into()], &[x, y])
    }

    #[test]
    fn python_precedence() {
        assert_eq!(at("x*y", 2.0, 3.0), 6.0);
        assert_eq!(at("-x**2", 3.0, 0.0), -9.0);
        assert_eq!(at("2**-1*x*y", 2.0, 3.0), 3.0);
        assert_eq!(at("2**3**2", 0.0, 0.0), 512.0);
        assert_eq!(at("x - y - 1", 5.0, 1.0), 3.0);
        assert_eq!(at("x / y / 2", 8.0, 2.0), 2.0);
        assert_eq!(at("(x + y) * 2", 1.0, 2.0), 6.0);
        assert_eq!(at("1e-3*x + .5", 1000.0, 0.0), 1.5);
        assert!((at("sin(pi*x) + exp(y) + Abs(-E)", 0.5, 0.0) - (2.0 + std::f64::consts::E)).abs() < 1e-15);
    }

    #[test]
    fn variables_are_the_other_names_sorted() {
        assert_eq!(Expr::parse("y*sin(x) + a").unwrap().variables(), ["a", "x", "y"]);
        assert_eq!(Expr::parse("pi*E").unwrap().variables(), Vec::<String>::new());
    }

    #[test]
    fn bad_text_says_why() {
        for (text, why) in [
            ("2xy", "'*'"),
            ("x^2", "x**2"),
            ("", "empty"),
            ("(x+y", "not closed"),
            ("x y", "missing operator"),
            ("sin x", "function"),
            ("x $ y", "unexpected '$'"),
            ("x *", "ends too early"),
        ] {
            let e = Expr::parse(text).unwrap_err();
            assert!(e.0.contains(why), "{text}: {e}");
        }
    }
}
