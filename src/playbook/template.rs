//! `{{placeholder}}` templates for notification messages and statements,
//! with conditional text: `{{#if <when-expression>}} … {{else}} … {{/if}}`.
//!
//! Rendering never fails: a placeholder with no value yet stays visibly
//! marked as a gap, and so does a conditional block whose facts are not
//! answered yet (`⟦if personal_data?⟧`). A draft never silently states, or
//! silently leaves out, something that depends on an open question.

use super::Condition;
use super::expr::{self, Truth};
use super::value::FactValue;

/// How deep `{{#if}}` blocks may nest: deeper text is unreadable for the
/// author and the reviewer alike.
pub const MAX_NESTING: usize = 8;

/// One piece of a template.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    Text(String),
    /// A placeholder name and its byte offset in the template text.
    Slot {
        name: String,
        offset: usize,
    },
    /// `{{#if …}} … {{else}} … {{/if}}`.
    If(Box<Block>),
}

/// A conditional block. The condition's spans are byte offsets into the
/// whole template text, so errors point inside the template.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub condition: Condition,
    /// Byte offset of the `{{#if`.
    pub offset: usize,
    /// Whether the `{{#if}}` stood alone on its line: an open decision is
    /// then shown on a line of its own too.
    pub own_line: bool,
    pub then: Vec<Segment>,
    pub otherwise: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub source: String,
    pub segments: Vec<Segment>,
}

/// A template error, at a byte offset into its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub message: String,
    pub offset: usize,
}

impl TemplateError {
    fn new(message: impl Into<String>, offset: usize) -> Self {
        Self {
            message: message.into(),
            offset,
        }
    }
}

/// What a `{{…}}` tag is.
enum TagKind {
    Slot(String),
    If(Condition),
    Else,
    EndIf,
}

/// A tag with its byte range in the source, widened over its whole line
/// when it stands alone on it (so block tags leave no blank lines).
struct Tag {
    kind: TagKind,
    start: usize,
    own_line: bool,
    cut_from: usize,
    cut_to: usize,
}

/// An `{{#if}}` being built while parsing.
struct Open {
    block: Block,
    else_at: Option<usize>,
}

impl Open {
    fn segments(&mut self) -> &mut Vec<Segment> {
        if self.else_at.is_some() {
            &mut self.block.otherwise
        } else {
            &mut self.block.then
        }
    }
}

impl Template {
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        let (template, mut errors) = Self::parse_recovering(source);
        if errors.is_empty() {
            Ok(template)
        } else {
            Err(errors.swap_remove(0))
        }
    }

    /// Parses the whole template even past problems, so `validate` reports
    /// every one in a run: a bad tag is skipped, a second `{{else}}` or a
    /// stray `{{/if}}` is ignored, an unclosed `{{#if}}` is closed at the
    /// end. The template is only for finding more problems when any are
    /// returned, never for rendering.
    pub fn parse_recovering(source: &str) -> (Self, Vec<TemplateError>) {
        let mut errors = Vec::new();
        let mut root = Vec::new();
        let mut open: Vec<Open> = Vec::new();
        let mut cursor = 0;
        let mut from = 0;
        while let Some(found) = source[from..].find("{{") {
            let at = from + found;
            let tag = match lex_tag(source, at) {
                Ok(tag) => tag,
                Err(e) => {
                    errors.push(e);
                    // Past the bad tag's `}}`; with none, nothing after it
                    // reads as a tag.
                    match source[at + 2..].find("}}") {
                        Some(close) => {
                            from = at + 2 + close + 2;
                            continue;
                        }
                        None => break,
                    }
                }
            };
            from = tag.cut_to.max(at + 2);
            let segments = open.last_mut().map_or(&mut root, Open::segments);
            let start = tag.cut_from.max(cursor);
            if start > cursor {
                segments.push(Segment::Text(source[cursor..start].to_string()));
            }
            cursor = tag.cut_to;
            match tag.kind {
                TagKind::Slot(name) => segments.push(Segment::Slot {
                    name,
                    offset: tag.start,
                }),
                TagKind::If(condition) => {
                    if open.len() == MAX_NESTING {
                        errors.push(TemplateError::new(
                            format!("`{{{{#if}}}}` blocks nest more than {MAX_NESTING} deep"),
                            tag.start,
                        ));
                        // The blocks still open are closed further on, past
                        // the point where reading stops: not reported.
                        open.clear();
                        break;
                    }
                    open.push(Open {
                        block: Block {
                            condition,
                            offset: tag.start,
                            own_line: tag.own_line,
                            then: Vec::new(),
                            otherwise: Vec::new(),
                        },
                        else_at: None,
                    });
                }
                TagKind::Else => match open.last_mut() {
                    None => errors.push(TemplateError::new(
                        "`{{else}}` outside an `{{#if}}` block",
                        tag.start,
                    )),
                    Some(o) if o.else_at.is_some() => errors.push(TemplateError::new(
                        "second `{{else}}` in one `{{#if}}` block",
                        tag.start,
                    )),
                    Some(o) => o.else_at = Some(tag.start),
                },
                TagKind::EndIf => {
                    let Some(done) = open.pop() else {
                        errors.push(TemplateError::new(
                            "`{{/if}}` closes no `{{#if}}` block",
                            tag.start,
                        ));
                        continue;
                    };
                    let segments = open.last_mut().map_or(&mut root, Open::segments);
                    segments.push(Segment::If(Box::new(done.block)));
                }
            }
        }
        if cursor < source.len() {
            let segments = open.last_mut().map_or(&mut root, Open::segments);
            segments.push(Segment::Text(source[cursor..].to_string()));
        }
        // Unclosed blocks, innermost first, each closed where the text ends.
        while let Some(unclosed) = open.pop() {
            errors.push(TemplateError::new(
                "`{{#if}}` is not closed by `{{/if}}`",
                unclosed.block.offset,
            ));
            let segments = open.last_mut().map_or(&mut root, Open::segments);
            segments.push(Segment::If(Box::new(unclosed.block)));
        }
        let template = Self {
            source: source.to_string(),
            segments: root,
        };
        (template, errors)
    }

    /// The placeholders, in order and inside every branch, with offsets.
    pub fn slots(&self) -> Vec<(&str, usize)> {
        let mut out = Vec::new();
        visit(&self.segments, &mut |s| {
            if let Segment::Slot { name, offset } = s {
                out.push((name.as_str(), *offset));
            }
        });
        out
    }

    /// The conditional blocks, outermost first, in order.
    pub fn blocks(&self) -> Vec<&Block> {
        let mut out = Vec::new();
        visit(&self.segments, &mut |s| {
            if let Segment::If(block) = s {
                out.push(&**block);
            }
        });
        out
    }

    /// Fills the template. `value` gives a placeholder's text and `fact` a
    /// fact's value for conditions; both return `None` for "not known yet".
    pub fn render<'a>(
        &self,
        value: &dyn Fn(&str) -> Option<String>,
        fact: &dyn Fn(&str) -> Option<&'a FactValue>,
    ) -> Rendered {
        let mut parts = Vec::with_capacity(self.segments.len());
        render_into(&self.segments, value, fact, &mut parts);
        Rendered { parts }
    }
}

fn visit<'t>(segments: &'t [Segment], f: &mut dyn FnMut(&'t Segment)) {
    for segment in segments {
        f(segment);
        if let Segment::If(block) = segment {
            visit(&block.then, f);
            visit(&block.otherwise, f);
        }
    }
}

fn render_into<'a>(
    segments: &[Segment],
    value: &dyn Fn(&str) -> Option<String>,
    fact: &dyn Fn(&str) -> Option<&'a FactValue>,
    parts: &mut Vec<Part>,
) {
    for segment in segments {
        match segment {
            Segment::Text(t) => parts.push(Part::Text(unwrap_soft_breaks(t))),
            Segment::Slot { name, .. } => match value(name) {
                Some(v) => parts.push(Part::Filled(v)),
                None => parts.push(Part::Gap(name.clone())),
            },
            Segment::If(block) => {
                let evaluation = block.condition.expr.eval(fact);
                match evaluation.truth {
                    Truth::True => render_into(&block.then, value, fact, parts),
                    Truth::False => render_into(&block.otherwise, value, fact, parts),
                    Truth::Unknown => {
                        parts.push(Part::Undecided(format!(
                            "if {}",
                            evaluation.waiting_on.join(", ")
                        )));
                        if block.own_line {
                            parts.push(Part::Text("\n".into()));
                        }
                    }
                }
            }
        }
    }
}

/// Joins the lines of a hard-wrapped paragraph: a line break inside a
/// sentence (the line does not end a sentence or a label, and the next
/// starts in lower case, not indented) becomes a space. Filled-in names are
/// longer or shorter than the text they replace, so the author's breaks
/// would leave a ragged draft; the screen and the mail client wrap it
/// instead. Lists, labels, blank lines and indented lines keep their breaks.
fn unwrap_soft_breaks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        let Some(next) = lines.peek() else { break };
        let ends_sentence =
            line.trim_end().ends_with(['.', ':', ';', '!', '?']) || line.trim().is_empty();
        let continues = next.chars().next().is_some_and(char::is_lowercase);
        out.push(if continues && !ends_sentence {
            ' '
        } else {
            '\n'
        });
    }
    out
}

/// Reads the tag opening at `open` (which points at `{{`).
fn lex_tag(source: &str, open: usize) -> Result<Tag, TemplateError> {
    let after = &source[open + 2..];
    let Some(close) = after.find("}}") else {
        return Err(TemplateError::new("`{{` is not closed by `}}`", open));
    };
    let end = open + 2 + close + 2;
    let inner = &after[..close];
    let content = inner.trim();
    let kind = if let Some(rest) = content.strip_prefix('#') {
        let keyword_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let keyword = &rest[..keyword_len];
        if keyword != "if" {
            return Err(TemplateError::new(
                format!("`{{{{#{keyword}}}}}` is not a block; templates know `{{{{#if …}}}}`"),
                open,
            ));
        }
        let expr_text = &rest[keyword_len..];
        let expr_start = open + 2 + (inner.len() - inner.trim_start().len()) + 1 + keyword_len;
        TagKind::If(condition(expr_text, expr_start)?)
    } else if content == "else" {
        TagKind::Else
    } else if content == "/if" {
        TagKind::EndIf
    } else if let Some(rest) = content.strip_prefix('/') {
        return Err(TemplateError::new(
            format!("`{{{{/{rest}}}}}` closes no block; close `{{{{#if}}}}` with `{{{{/if}}}}`"),
            open,
        ));
    } else if content.starts_with("else ") {
        return Err(TemplateError::new(
            "`{{else …}}` takes no condition; nest another `{{#if}}` inside `{{else}}`",
            open,
        ));
    } else {
        let valid = !content.is_empty()
            && content
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !valid {
            return Err(TemplateError::new(
                format!("`{{{{{inner}}}}}` is not a placeholder name"),
                open,
            ));
        }
        TagKind::Slot(content.to_string())
    };
    let line = if matches!(kind, TagKind::Slot(_)) {
        None
    } else {
        standalone_line(source, open, end)
    };
    let (cut_from, cut_to) = line.unwrap_or((open, end));
    Ok(Tag {
        kind,
        start: open,
        own_line: line.is_some(),
        cut_from,
        cut_to,
    })
}

/// A block tag alone on its line takes the whole line, newline included.
fn standalone_line(source: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[end..]
        .find('\n')
        .map_or(source.len(), |i| end + i + 1);
    let blank = |s: &str| s.chars().all(|c| c == ' ' || c == '\t' || c == '\r');
    let after = source[end..line_end].trim_end_matches('\n');
    (blank(&source[line_start..start]) && blank(after)).then_some((line_start, line_end))
}

fn condition(text: &str, base: usize) -> Result<Condition, TemplateError> {
    let mut parsed = expr::parse(text).map_err(|e| {
        TemplateError::new(format!("invalid condition: {}", e.message), base + e.offset)
    })?;
    parsed.shift_spans(base);
    Ok(Condition {
        source: text.trim().to_string(),
        expr: parsed,
    })
}

/// A rendered piece: text from the template, a filled value, a gap, or a
/// conditional block whose facts are not answered yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Filled(String),
    Gap(String),
    /// `if fact, fact`: the decision the block waits for.
    Undecided(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    pub parts: Vec<Part>,
}

impl Rendered {
    /// Names still without a value (and open decisions), each once.
    pub fn gaps(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for part in &self.parts {
            if let Part::Gap(name) | Part::Undecided(name) = part
                && !out.contains(&name.as_str())
            {
                out.push(name);
            }
        }
        out
    }

    /// Plain text with gaps written as `⟦name?⟧` and open decisions as
    /// `⟦if fact?⟧`, so they cannot be missed.
    pub fn text(&self) -> String {
        self.parts.iter().map(Part::text).collect()
    }
}

impl Part {
    /// The piece as it appears in a draft.
    pub fn text(&self) -> String {
        match self {
            Self::Text(t) | Self::Filled(t) => t.clone(),
            Self::Gap(name) | Self::Undecided(name) => gap_marker(name),
        }
    }

    /// Whether the piece marks something still open.
    pub const fn is_gap(&self) -> bool {
        matches!(self, Self::Gap(_) | Self::Undecided(_))
    }
}

/// How a missing value is written into a draft.
pub fn gap_marker(name: &str) -> String {
    format!("⟦{name}?⟧")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn render(t: &Template, facts: &HashMap<&str, FactValue>) -> String {
        t.render(
            &|name| facts.get(name).map(|v| format!("<{v:?}>")),
            &|name| facts.get(name),
        )
        .text()
    }

    #[test]
    fn parses_and_renders_with_gaps() {
        let t = Template::parse("Breach at {{org}} since {{ aware_at }}; {{org}}.").unwrap();
        let names: Vec<_> = t.slots().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["org", "aware_at", "org"]);
        let r = t.render(&|name| (name == "org").then(|| "ACME".to_string()), &|_| {
            None
        });
        assert_eq!(r.text(), "Breach at ACME since ⟦aware_at?⟧; ACME.");
        assert_eq!(r.gaps(), ["aware_at"]);
    }

    #[test]
    fn d21_a_hard_wrapped_paragraph_reads_as_one_line_with_names_filled_in() {
        let t = Template::parse(
            "{{org}} has detected unusual activity on its systems and is\n\
             responding to it.\n\
             \n\
             Protecting people is our first\n\
             priority.\n\
             Name: {{org}}\n\
             Contact: {{dpo}}\n\
             - first item\n\
             - second item, which wraps\n\
             \x20 onto an indented line\n",
        )
        .unwrap();
        let r = t.render(
            &|name| Some(format!("The International Example Court ({name})")),
            &|_| None,
        );
        assert_eq!(
            r.text(),
            "The International Example Court (org) has detected unusual activity on its \
             systems and is responding to it.\n\
             \n\
             Protecting people is our first priority.\n\
             Name: The International Example Court (org)\n\
             Contact: The International Example Court (dpo)\n\
             - first item\n\
             - second item, which wraps\n\
             \x20 onto an indented line\n"
        );
    }

    #[test]
    fn errors_point_at_the_opening_braces() {
        let e = Template::parse("ok {{org").unwrap_err();
        assert_eq!(e.offset, 3);
        let e = Template::parse("a {{bad name}}").unwrap_err();
        assert_eq!(
            (e.offset, e.message.as_str()),
            (2, "`{{bad name}}` is not a placeholder name")
        );
    }

    #[test]
    fn conditional_text_follows_the_facts() {
        let t = Template::parse(
            "We {{#if contained}}have contained{{else}}are containing{{/if}} the attack.",
        )
        .unwrap();
        let yes = HashMap::from([("contained", FactValue::Bool(true))]);
        let no = HashMap::from([("contained", FactValue::Bool(false))]);
        assert_eq!(render(&t, &yes), "We have contained the attack.");
        assert_eq!(render(&t, &no), "We are containing the attack.");
    }

    #[test]
    fn an_unanswered_condition_is_a_visible_decision_gap() {
        let t =
            Template::parse("A.{{#if leak_claimed and pd}} Claims circulate.{{/if}} B.").unwrap();
        let none: HashMap<&str, FactValue> = HashMap::new();
        let r = t.render(&|_| None, &|name| none.get(name));
        assert_eq!(r.text(), "A.⟦if leak_claimed, pd?⟧ B.");
        assert_eq!(r.gaps(), ["if leak_claimed, pd"]);
        // Kleene logic: one false conjunct decides the block.
        let some = HashMap::from([("pd", FactValue::Bool(false))]);
        assert_eq!(render(&t, &some), "A. B.");
    }

    #[test]
    fn block_tags_alone_on_a_line_leave_no_blank_line() {
        let t = Template::parse(
            "Dear all,\n  {{#if contained}}\nWe contained it.\n  {{else}}\nWe are containing it.\n{{/if}}\nRegards",
        )
        .unwrap();
        let yes = HashMap::from([("contained", FactValue::Bool(true))]);
        let no = HashMap::from([("contained", FactValue::Bool(false))]);
        assert_eq!(render(&t, &yes), "Dear all,\nWe contained it.\nRegards");
        assert_eq!(render(&t, &no), "Dear all,\nWe are containing it.\nRegards");
        let none: HashMap<&str, FactValue> = HashMap::new();
        assert_eq!(render(&t, &none), "Dear all,\n⟦if contained?⟧\nRegards");
    }

    #[test]
    fn nested_blocks_and_slots_inside_branches() {
        let t = Template::parse(
            "{{#if pd}}{{#if count > 500}}Over {{count}}.{{else}}Few.{{/if}}{{else}}No data.{{/if}}",
        )
        .unwrap();
        let names: Vec<_> = t.slots().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["count"]);
        assert_eq!(t.blocks().len(), 2);
        let big = HashMap::from([
            ("pd", FactValue::Bool(true)),
            ("count", FactValue::Number(600.0)),
        ]);
        assert_eq!(render(&t, &big), "Over <Number(600.0)>.");
        let undecided_inner = HashMap::from([("pd", FactValue::Bool(true))]);
        assert_eq!(render(&t, &undecided_inner), "⟦if count?⟧");
    }

    #[test]
    fn condition_spans_point_into_the_template() {
        let t = Template::parse("ab {{#if  pd and count > 1}}x{{/if}}").unwrap();
        let facts: Vec<_> = t.blocks()[0]
            .condition
            .expr
            .facts()
            .iter()
            .map(|f| (f.name.clone(), f.span.0))
            .collect();
        assert_eq!(facts, [("pd".to_string(), 10), ("count".to_string(), 17)]);
        let e = Template::parse("ab {{#if pd and}}x{{/if}}").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.offset),
            (
                "invalid condition: expected a fact name, found the end of the expression",
                15
            )
        );
    }

    #[test]
    fn unbalanced_and_misplaced_block_tags_are_errors() {
        let cases = [
            ("a {{#if x}} b", "`{{#if}}` is not closed by `{{/if}}`", 2),
            ("a {{/if}}", "`{{/if}}` closes no `{{#if}}` block", 2),
            ("a {{else}} b", "`{{else}}` outside an `{{#if}}` block", 2),
            (
                "{{#if x}}a{{else}}b{{else}}c{{/if}}",
                "second `{{else}}` in one `{{#if}}` block",
                19,
            ),
            (
                "{{#unless x}}a{{/unless}}",
                "`{{#unless}}` is not a block; templates know `{{#if …}}`",
                0,
            ),
            (
                "{{#if x}}a{{else if y}}b{{/if}}",
                "`{{else …}}` takes no condition; nest another `{{#if}}` inside `{{else}}`",
                10,
            ),
            (
                "{{#if}}a{{/if}}",
                "invalid condition: expected an expression, found the end of the expression",
                5,
            ),
        ];
        for (src, message, offset) in cases {
            let e = Template::parse(src).expect_err(src);
            assert_eq!((e.message.as_str(), e.offset), (message, offset), "{src}");
        }
    }

    #[test]
    fn nesting_is_limited() {
        let deep = |n: usize| format!("{}x{}", "{{#if a}}".repeat(n), "{{/if}}".repeat(n));
        assert!(Template::parse(&deep(MAX_NESTING)).is_ok());
        let e = Template::parse(&deep(MAX_NESTING + 1)).unwrap_err();
        assert_eq!(e.offset, MAX_NESTING * "{{#if a}}".len());
        assert!(e.message.contains("nest more than 8 deep"), "{}", e.message);
    }

    /// Defect TEMPLATE-STOPS-AT-FIRST-ERROR: a template with a second
    /// `{{else}}`, an unclosed `{{#if}}` and a bad tag reported only the
    /// first. Every structural problem is found in one parse, and the
    /// placeholders past them are still read (for the unknown-name check).
    #[test]
    fn template_stops_at_first_error() {
        let text = "We {{#if pd}}a{{else}}b{{else}}c{{/if}} {{#if org}}x {{bad name}} {{orgg}}";
        let (template, errors) = Template::parse_recovering(text);
        let found: Vec<(usize, &str)> = errors
            .iter()
            .map(|e| (e.offset, e.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    text.find("{{else}}c").unwrap(),
                    "second `{{else}}` in one `{{#if}}` block"
                ),
                (
                    text.find("{{bad").unwrap(),
                    "`{{bad name}}` is not a placeholder name"
                ),
                (
                    text.find("{{#if org").unwrap(),
                    "`{{#if}}` is not closed by `{{/if}}`"
                ),
            ]
        );
        let slots: Vec<&str> = template.slots().into_iter().map(|(name, _)| name).collect();
        assert_eq!(slots, ["orgg"]);
        // `parse` still gives the first problem, for callers that render.
        assert_eq!(
            Template::parse(text).unwrap_err().message,
            "second `{{else}}` in one `{{#if}}` block"
        );
    }
}
