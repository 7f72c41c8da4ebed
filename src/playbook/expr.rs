//! The `when:` expression language: a tiny, total language over facts.
//!
//! ```text
//! expr := or ; or := and ("or" and)* ; and := unary ("and" unary)*
//! unary := "not" unary | primary
//! primary := "(" expr ")" | fact (op literal)? | literal "in" fact
//! ```
//!
//! Evaluation is three-valued (Kleene): a fact nobody has answered yet is
//! *unknown*, and the result says which facts it is waiting for.

use std::fmt;

use super::value::FactValue;

/// A byte offset into the expression text. Spans never take part in
/// equality: two expressions are equal when they mean the same thing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Span(pub usize);

impl PartialEq for Span {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// A fact named in an expression, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct FactRef {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Num(f64),
    Bool(bool),
}

impl Literal {
    /// What kind of value this is, for type errors.
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Str(_) => "a string",
            Self::Num(_) => "a number",
            Self::Bool(_) => "a boolean",
        }
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Str(s) => {
                f.write_str("\"")?;
                for c in s.chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        c => write!(f, "{c}")?,
                    }
                }
                f.write_str("\"")
            }
            Self::Num(n) => write!(f, "{n}"),
            Self::Bool(b) => write!(f, "{b}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub const fn symbol(self) -> &'static str {
        match self {
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        }
    }

    /// Equality operators work on every type; ordering only on numbers.
    pub const fn is_ordering(self) -> bool {
        matches!(self, Self::Lt | Self::Le | Self::Gt | Self::Ge)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Fact(FactRef),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare {
        fact: FactRef,
        op: CmpOp,
        value: Literal,
        value_span: Span,
    },
    In {
        value: Literal,
        value_span: Span,
        fact: FactRef,
    },
}

impl Expr {
    /// Every fact the expression reads, in order of appearance.
    pub fn facts(&self) -> Vec<&FactRef> {
        let mut out = Vec::new();
        self.collect_facts(&mut out);
        out
    }

    fn collect_facts<'a>(&'a self, out: &mut Vec<&'a FactRef>) {
        match self {
            Self::Fact(f) | Self::Compare { fact: f, .. } | Self::In { fact: f, .. } => out.push(f),
            Self::Not(e) => e.collect_facts(out),
            Self::And(a, b) | Self::Or(a, b) => {
                a.collect_facts(out);
                b.collect_facts(out);
            }
        }
    }

    const fn precedence(&self) -> u8 {
        match self {
            Self::Or(..) => 1,
            Self::And(..) => 2,
            Self::Not(_) => 3,
            _ => 4,
        }
    }

    fn fmt_operand(&self, f: &mut fmt::Formatter<'_>, min: u8) -> fmt::Result {
        if self.precedence() < min {
            write!(f, "({self})")
        } else {
            write!(f, "{self}")
        }
    }
}

/// Prints the canonical form with the fewest parentheses that keep the tree.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fact(r) => f.write_str(&r.name),
            Self::Not(e) => {
                f.write_str("not ")?;
                e.fmt_operand(f, 3)
            }
            Self::And(a, b) => {
                a.fmt_operand(f, 2)?;
                f.write_str(" and ")?;
                b.fmt_operand(f, 3)
            }
            Self::Or(a, b) => {
                a.fmt_operand(f, 1)?;
                f.write_str(" or ")?;
                b.fmt_operand(f, 2)
            }
            Self::Compare {
                fact, op, value, ..
            } => write!(f, "{} {} {value}", fact.name, op.symbol()),
            Self::In { value, fact, .. } => write!(f, "{value} in {}", fact.name),
        }
    }
}

/// A parse error, at a byte offset into the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub offset: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Num(f64),
    Op(CmpOp),
    LParen,
    RParen,
    End,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Self::Ident(s) => format!("`{s}`"),
            Self::Str(s) => format!("string \"{s}\""),
            Self::Num(n) => format!("number {n}"),
            Self::Op(op) => format!("`{}`", op.symbol()),
            Self::LParen => "`(`".into(),
            Self::RParen => "`)`".into(),
            Self::End => "the end of the expression".into(),
        }
    }
}

fn tokenize(src: &str) -> Result<Vec<(Token, usize)>, ParseError> {
    let bytes = src.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let err = |message: String, offset| ParseError { message, offset };
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'(' => {
                tokens.push((Token::LParen, start));
                i += 1;
            }
            b')' => {
                tokens.push((Token::RParen, start));
                i += 1;
            }
            b'=' | b'!' | b'<' | b'>' => {
                let next = bytes.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    (b'=', Some(b'=')) => (CmpOp::Eq, 2),
                    (b'!', Some(b'=')) => (CmpOp::Ne, 2),
                    (b'<', Some(b'=')) => (CmpOp::Le, 2),
                    (b'>', Some(b'=')) => (CmpOp::Ge, 2),
                    (b'<', _) => (CmpOp::Lt, 1),
                    (b'>', _) => (CmpOp::Gt, 1),
                    (b'=', _) => return Err(err("use `==` to compare, not `=`".into(), start)),
                    _ => return Err(err("use `not` for negation, not `!`".into(), start)),
                };
                tokens.push((Token::Op(op), start));
                i += len;
            }
            b'"' | b'\'' => {
                let quote = c;
                let mut value = String::new();
                i += 1;
                loop {
                    let Some(ch) = src[i..].chars().next() else {
                        return Err(err("unterminated string".into(), start));
                    };
                    i += ch.len_utf8();
                    if ch as u32 == u32::from(quote) {
                        break;
                    }
                    if ch == '\\' {
                        let Some(escaped) = src[i..].chars().next() else {
                            return Err(err("unterminated string".into(), start));
                        };
                        i += escaped.len_utf8();
                        value.push(escaped);
                    } else {
                        value.push(ch);
                    }
                }
                tokens.push((Token::Str(value), start));
            }
            b'0'..=b'9' | b'-' | b'.' => {
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                    i += 1;
                }
                let text = &src[start..i];
                let n: f64 = text
                    .parse()
                    .map_err(|_| err(format!("`{text}` is not a number"), start))?;
                tokens.push((Token::Num(n), start));
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'-')
                {
                    i += 1;
                }
                tokens.push((Token::Ident(src[start..i].to_string()), start));
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(err(format!("unexpected character `{ch}`"), start));
            }
        }
    }
    tokens.push((Token::End, src.len()));
    Ok(tokens)
}

/// Deepest nesting of parentheses and `not` accepted: far beyond any
/// readable condition, and shallow enough that no recursion over the
/// expression can exhaust the stack.
pub const MAX_DEPTH: usize = 64;

/// Most operands joined by `and`/`or` in one expression (the tree of a long
/// chain is as deep as it is long).
pub const MAX_TERMS: usize = 1000;

struct Parser {
    tokens: Vec<(Token, usize)>,
    next: usize,
    /// Parentheses and `not`s open at the current token.
    depth: usize,
}

const KEYWORDS: [&str; 6] = ["and", "or", "not", "in", "true", "false"];

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.next].0
    }

    fn offset(&self) -> usize {
        self.tokens[self.next].1
    }

    fn bump(&mut self) -> (Token, usize) {
        let t = self.tokens[self.next].clone();
        if self.next + 1 < self.tokens.len() {
            self.next += 1;
        }
        t
    }

    fn is_keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Token::Ident(s) if s == word)
    }

    fn error<T>(&self, expected: &str) -> Result<T, ParseError> {
        Err(ParseError {
            message: format!("expected {expected}, found {}", self.peek().describe()),
            offset: self.offset(),
        })
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        while self.is_keyword("or") {
            self.bump();
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        while self.is_keyword("and") {
            self.bump();
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.is_keyword("not") {
            self.enter()?;
            self.bump();
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.primary()
    }

    /// One level deeper, refused past [`MAX_DEPTH`].
    fn enter(&mut self) -> Result<(), ParseError> {
        if self.depth >= MAX_DEPTH {
            return Err(ParseError {
                message: format!(
                    "the expression nests `not` and parentheses more than {MAX_DEPTH} levels deep; split it into simpler conditions"
                ),
                offset: self.offset(),
            });
        }
        self.depth += 1;
        Ok(())
    }

    fn literal(&mut self) -> Option<(Literal, usize)> {
        let literal = match self.peek() {
            Token::Str(s) => Literal::Str(s.clone()),
            Token::Num(n) => Literal::Num(*n),
            Token::Ident(s) if s == "true" => Literal::Bool(true),
            Token::Ident(s) if s == "false" => Literal::Bool(false),
            _ => return None,
        };
        let (_, offset) = self.bump();
        Some((literal, offset))
    }

    fn fact(&mut self) -> Result<FactRef, ParseError> {
        match self.peek().clone() {
            Token::Ident(name) if !KEYWORDS.contains(&name.as_str()) => {
                let (_, offset) = self.bump();
                Ok(FactRef {
                    name,
                    span: Span(offset),
                })
            }
            _ => self.error("a fact name"),
        }
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        if *self.peek() == Token::LParen {
            self.enter()?;
            self.bump();
            let inner = self.or()?;
            if *self.peek() != Token::RParen {
                return self.error("`)`");
            }
            self.bump();
            self.depth -= 1;
            return Ok(inner);
        }
        if let Some((value, offset)) = self.literal() {
            if !self.is_keyword("in") {
                return self.error("`in` after a value (write `\"value\" in fact`)");
            }
            self.bump();
            let fact = self.fact()?;
            return Ok(Expr::In {
                value,
                value_span: Span(offset),
                fact,
            });
        }
        let fact = self.fact()?;
        if let Token::Op(op) = *self.peek() {
            self.bump();
            let Some((value, offset)) = self.literal() else {
                return self.error("a value (a \"string\", a number, true or false)");
            };
            return Ok(Expr::Compare {
                fact,
                op,
                value,
                value_span: Span(offset),
            });
        }
        Ok(Expr::Fact(fact))
    }
}

/// Parses a `when:` expression.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let tokens = tokenize(src)?;
    let mut joins = tokens
        .iter()
        .filter(|(t, _)| matches!(t, Token::Ident(w) if w == "and" || w == "or"));
    if let Some((_, offset)) = joins.nth(MAX_TERMS - 1) {
        return Err(ParseError {
            message: format!(
                "the expression joins more than {MAX_TERMS} conditions with `and`/`or`; split it or capture a summary fact"
            ),
            offset: *offset,
        });
    }
    let mut parser = Parser {
        tokens,
        next: 0,
        depth: 0,
    };
    if *parser.peek() == Token::End {
        return parser.error("an expression");
    }
    let expr = parser.or()?;
    if *parser.peek() != Token::End {
        return parser.error("`and`, `or` or the end of the expression");
    }
    Ok(expr)
}

/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    const fn from_bool(b: bool) -> Self {
        if b { Self::True } else { Self::False }
    }
}

/// The result of evaluating an expression: its truth and, when unknown, the
/// facts it is waiting for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub truth: Truth,
    pub waiting_on: Vec<String>,
}

impl Evaluation {
    fn known(b: bool) -> Self {
        Self {
            truth: Truth::from_bool(b),
            waiting_on: Vec::new(),
        }
    }

    fn unknown(fact: &str) -> Self {
        Self {
            truth: Truth::Unknown,
            waiting_on: vec![fact.to_string()],
        }
    }

    pub fn is_true(&self) -> bool {
        self.truth == Truth::True
    }
}

impl Expr {
    /// Evaluates over current fact values; `lookup` returns `None` for a fact
    /// that has no value yet.
    pub fn eval<'a>(&self, lookup: &dyn Fn(&str) -> Option<&'a FactValue>) -> Evaluation {
        match self {
            Self::Fact(r) => match lookup(&r.name) {
                Some(v) => Evaluation::known(v.is_truthy()),
                None => Evaluation::unknown(&r.name),
            },
            Self::Not(e) => {
                let mut inner = e.eval(lookup);
                inner.truth = match inner.truth {
                    Truth::True => Truth::False,
                    Truth::False => Truth::True,
                    Truth::Unknown => Truth::Unknown,
                };
                inner
            }
            Self::And(a, b) => combine(a.eval(lookup), b.eval(lookup), Truth::False),
            Self::Or(a, b) => combine(a.eval(lookup), b.eval(lookup), Truth::True),
            Self::Compare {
                fact, op, value, ..
            } => match lookup(&fact.name) {
                Some(v) => Evaluation::known(compare(v, *op, value)),
                None => Evaluation::unknown(&fact.name),
            },
            Self::In { value, fact, .. } => match lookup(&fact.name) {
                Some(v) => Evaluation::known(contains(v, value)),
                None => Evaluation::unknown(&fact.name),
            },
        }
    }
}

/// Kleene conjunction (`dominant` = false) or disjunction (`dominant` = true).
fn combine(a: Evaluation, b: Evaluation, dominant: Truth) -> Evaluation {
    if a.truth == dominant {
        return a;
    }
    if b.truth == dominant {
        return b;
    }
    if a.truth == Truth::Unknown || b.truth == Truth::Unknown {
        let mut waiting_on = a.waiting_on;
        for f in b.waiting_on {
            if !waiting_on.contains(&f) {
                waiting_on.push(f);
            }
        }
        return Evaluation {
            truth: Truth::Unknown,
            waiting_on,
        };
    }
    a
}

fn compare(value: &FactValue, op: CmpOp, literal: &Literal) -> bool {
    if op.is_ordering() {
        let (FactValue::Number(n), Literal::Num(m)) = (value, literal) else {
            return false;
        };
        return match op {
            CmpOp::Lt => n < m,
            CmpOp::Le => n <= m,
            CmpOp::Gt => n > m,
            _ => n >= m,
        };
    }
    let equal = match (value, literal) {
        (FactValue::Number(n), Literal::Num(m)) => (n - m).abs() <= f64::EPSILON * n.abs().max(1.0),
        (FactValue::Bool(b), Literal::Bool(c)) => b == c,
        (FactValue::Text(s) | FactValue::Choice(s), Literal::Str(t)) => s == t,
        (FactValue::Choices(items), Literal::Str(t)) => items.len() == 1 && items[0] == *t,
        _ => false,
    };
    if op == CmpOp::Eq { equal } else { !equal }
}

fn contains(value: &FactValue, literal: &Literal) -> bool {
    let Literal::Str(needle) = literal else {
        return false;
    };
    match value {
        FactValue::Choices(items) => items.iter().any(|i| i == needle),
        FactValue::Choice(s) => s == needle,
        FactValue::Text(s) => s.contains(needle.as_str()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn eval(src: &str, facts: &HashMap<&str, FactValue>) -> Evaluation {
        parse(src).expect("parses").eval(&|name| facts.get(name))
    }

    #[test]
    fn precedence_not_and_or() {
        let e = parse("a or b and not c").unwrap();
        assert_eq!(e.to_string(), "a or b and not c");
        let Expr::Or(_, right) = &e else {
            panic!("or at the top: {e:?}")
        };
        assert!(matches!(**right, Expr::And(..)));
        assert_eq!(
            parse("(a or b) and c").unwrap().to_string(),
            "(a or b) and c"
        );
        assert_eq!(parse("not (a and b)").unwrap().to_string(), "not (a and b)");
        assert_eq!(
            parse("a and (b and c)").unwrap().to_string(),
            "a and (b and c)"
        );
    }

    #[test]
    fn comparisons_and_membership() {
        let facts = HashMap::from([
            (
                "regions",
                FactValue::Choices(vec!["eu".into(), "us".into()]),
            ),
            ("count", FactValue::Number(501.0)),
            ("pd", FactValue::Bool(true)),
            ("sev", FactValue::Choice("high".into())),
        ]);
        assert!(eval(r#""eu" in regions and count > 500"#, &facts).is_true());
        assert!(eval("pd == true and sev != 'low'", &facts).is_true());
        assert!(!eval(r#""uk" in regions"#, &facts).is_true());
        assert!(eval("count >= 501 and count <= 501", &facts).is_true());
    }

    #[test]
    fn unknown_is_three_valued() {
        let facts = HashMap::from([("a", FactValue::Bool(false)), ("b", FactValue::Bool(true))]);
        assert_eq!(eval("x and a", &facts).truth, Truth::False);
        assert_eq!(eval("x or b", &facts).truth, Truth::True);
        let e = eval("x and not y", &facts);
        assert_eq!(e.truth, Truth::Unknown);
        assert_eq!(e.waiting_on, vec!["x".to_string(), "y".to_string()]);
    }

    #[test]
    fn d9_deep_nesting_is_refused_at_a_fixed_depth() {
        let ok = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
        let e = parse(&deep).unwrap_err();
        assert_eq!(e.offset, MAX_DEPTH);
        assert!(e.message.contains("64 levels"), "{}", e.message);
        let nots = format!("{}a", "not ".repeat(50_000));
        assert_eq!(parse(&nots).unwrap_err().offset, 4 * MAX_DEPTH);
    }

    #[test]
    fn d9_long_chains_are_refused_with_a_count() {
        let ok = vec!["a"; MAX_TERMS].join(" and ");
        assert!(parse(&ok).is_ok());
        for joiner in [" and ", " or "] {
            let long = vec!["a"; 30_000].join(joiner);
            let e = parse(&long).unwrap_err();
            assert!(e.message.contains("1000 conditions"), "{}", e.message);
        }
    }

    #[test]
    fn errors_have_offsets() {
        let cases = [
            (
                "a and",
                "expected a fact name, found the end of the expression",
                5,
            ),
            ("a = 1", "use `==` to compare, not `=`", 2),
            (
                "(a or b",
                "expected `)`, found the end of the expression",
                7,
            ),
            (
                "a b",
                "expected `and`, `or` or the end of the expression, found `b`",
                2,
            ),
            (
                "\"eu\" regions",
                "expected `in` after a value (write `\"value\" in fact`), found `regions`",
                5,
            ),
            ("a == 'x", "unterminated string", 5),
            ("!a", "use `not` for negation, not `!`", 0),
            (
                "a == b",
                "expected a value (a \"string\", a number, true or false), found `b`",
                5,
            ),
            (
                "",
                "expected an expression, found the end of the expression",
                0,
            ),
        ];
        for (src, message, offset) in cases {
            let e = parse(src).expect_err(src);
            assert_eq!((e.message.as_str(), e.offset), (message, offset), "{src}");
        }
    }
}
