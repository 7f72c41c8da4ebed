//! Properties of the `when:` expression language: the pretty-printer and the
//! parser agree on every tree, and no input makes the parser panic.

use proptest::prelude::*;
use runsheet::playbook::expr::{self, CmpOp, Expr, FactRef, Literal, Span};

/// Fact names, including ones that begin like keywords (`andy`, `order`,
/// `notify`, `inbox`, `true_positive`) and ones with `-` and digits.
const FACTS: &[&str] = &[
    "a",
    "b",
    "personal_data",
    "regions",
    "x-1",
    "_private",
    "andy",
    "order",
    "notify",
    "inbox",
    "true_positive",
    "falsehood",
    "n2",
];

fn fact() -> impl Strategy<Value = FactRef> {
    prop::sample::select(FACTS).prop_map(|name| FactRef {
        name: name.to_string(),
        span: Span::default(),
    })
}

fn op() -> impl Strategy<Value = CmpOp> {
    prop::sample::select(
        &[
            CmpOp::Eq,
            CmpOp::Ne,
            CmpOp::Lt,
            CmpOp::Le,
            CmpOp::Gt,
            CmpOp::Ge,
        ][..],
    )
}

/// Finite numbers: small fractions, whole numbers, and any finite double
/// (negative, subnormal, huge).
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-4_000i32..4_000).prop_map(|n| f64::from(n) / 8.0),
        any::<i32>().prop_map(f64::from),
        prop::num::f64::NORMAL
            | prop::num::f64::SUBNORMAL
            | prop::num::f64::ZERO
            | prop::num::f64::NEGATIVE
            | prop::num::f64::POSITIVE,
    ]
    .prop_filter("finite", |n| n.is_finite())
}

/// Strings that stress the quoting: quotes of both kinds, backslashes,
/// operators and keywords, non-ASCII letters, emoji and control characters.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z \"'\\\\()=<>!é€😀\t\n]{0,12}",
        any::<String>(),
        Just(String::new()),
        Just("\\".to_string()),
        Just("\"".to_string()),
        Just("a\" or \"b".to_string()),
    ]
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        text().prop_map(Literal::Str),
        number().prop_map(Literal::Num),
        any::<bool>().prop_map(Literal::Bool),
    ]
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        fact().prop_map(Expr::Fact),
        (fact(), op(), literal()).prop_map(|(fact, op, value)| Expr::Compare {
            fact,
            op,
            value,
            value_span: Span::default(),
        }),
        (literal(), fact()).prop_map(|(value, fact)| Expr::In {
            value,
            value_span: Span::default(),
            fact,
        }),
    ]
}

fn tree() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(6, 48, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Expr::Or(Box::new(a), Box::new(b))),
        ]
    })
}

/// Fragments of the language, so random input often gets deep into the
/// parser instead of failing at the first character.
const TOKENS: &[&str] = &[
    "a", "b", "and", "or", "not", "in", "true", "false", "(", ")", "==", "!=", "<", "<=", ">",
    ">=", "=", "!", "\"eu\"", "'x'", "\"", "'", "\\", "1", "-2.5", "1.2.3", "-", ".", "é", " ",
    "\t", "\n", "x-1", "_",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn printed_trees_parse_back_to_the_same_tree(tree in tree()) {
        let printed = tree.to_string();
        let parsed = expr::parse(&printed);
        prop_assert_eq!(parsed.as_ref(), Ok(&tree), "printed as {:?}", printed);
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(text in any::<String>()) {
        let _ = expr::parse(&text);
    }

    #[test]
    fn parsing_token_soup_never_panics_and_canonical_forms_are_stable(
        tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..24),
        glue in prop::collection::vec(prop::bool::ANY, 24),
    ) {
        let mut text = String::new();
        for (token, spaced) in tokens.iter().zip(&glue) {
            text.push_str(token);
            if *spaced {
                text.push(' ');
            }
        }
        match expr::parse(&text) {
            Ok(parsed) => {
                let printed = parsed.to_string();
                prop_assert_eq!(
                    expr::parse(&printed),
                    Ok(parsed),
                    "{:?} printed as {:?}",
                    text,
                    printed
                );
            }
            Err(e) => prop_assert!(
                text.is_char_boundary(e.offset),
                "error offset {} is not a character boundary of {:?}",
                e.offset,
                text
            ),
        }
    }
}
