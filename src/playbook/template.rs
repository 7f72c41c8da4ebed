//! `{{placeholder}}` templates for notification messages and statements.
//!
//! Rendering never fails: a placeholder with no value yet stays visibly
//! marked as a gap, so a draft can be read (and its gaps seen) at any time.

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    /// A placeholder name and its byte offset in the template text.
    Slot {
        name: String,
        offset: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
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

impl Template {
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        let mut segments = Vec::new();
        let mut rest = source;
        let mut consumed = 0;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                segments.push(Segment::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 2..];
            let Some(close) = after.find("}}") else {
                return Err(TemplateError {
                    message: "`{{` is not closed by `}}`".into(),
                    offset: consumed + open,
                });
            };
            let name = after[..close].trim();
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if !valid {
                return Err(TemplateError {
                    message: format!("`{{{{{}}}}}` is not a placeholder name", &after[..close]),
                    offset: consumed + open,
                });
            }
            segments.push(Segment::Slot {
                name: name.to_string(),
                offset: consumed + open,
            });
            let used = open + 2 + close + 2;
            consumed += used;
            rest = &rest[used..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Text(rest.to_string()));
        }
        Ok(Self {
            source: source.to_string(),
            segments,
        })
    }

    /// The placeholders, in order, with their offsets.
    pub fn slots(&self) -> impl Iterator<Item = (&str, usize)> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Slot { name, offset } => Some((name.as_str(), *offset)),
            Segment::Text(_) => None,
        })
    }

    /// Fills the template; `value` returns `None` for a name with no value yet.
    pub fn render(&self, value: &dyn Fn(&str) -> Option<String>) -> Rendered {
        let mut parts = Vec::with_capacity(self.segments.len());
        for segment in &self.segments {
            match segment {
                Segment::Text(t) => parts.push(Part::Text(t.clone())),
                Segment::Slot { name, .. } => match value(name) {
                    Some(v) => parts.push(Part::Filled(v)),
                    None => parts.push(Part::Gap(name.clone())),
                },
            }
        }
        Rendered { parts }
    }
}

/// A rendered piece: text from the template, a filled value, or a gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Filled(String),
    Gap(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    pub parts: Vec<Part>,
}

impl Rendered {
    /// Names still without a value, each once.
    pub fn gaps(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for part in &self.parts {
            if let Part::Gap(name) = part
                && !out.contains(&name.as_str())
            {
                out.push(name);
            }
        }
        out
    }

    /// Plain text with gaps written as `⟦name?⟧`, so they cannot be missed.
    pub fn text(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Text(t) | Part::Filled(t) => t.clone(),
                Part::Gap(name) => gap_marker(name),
            })
            .collect()
    }
}

/// How a missing value is written into a draft.
pub fn gap_marker(name: &str) -> String {
    format!("⟦{name}?⟧")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_renders_with_gaps() {
        let t = Template::parse("Breach at {{org}} since {{ aware_at }}; {{org}}.").unwrap();
        let names: Vec<_> = t.slots().map(|(n, _)| n).collect();
        assert_eq!(names, ["org", "aware_at", "org"]);
        let r = t.render(&|name| (name == "org").then(|| "ACME".to_string()));
        assert_eq!(r.text(), "Breach at ACME since ⟦aware_at?⟧; ACME.");
        assert_eq!(r.gaps(), ["aware_at"]);
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
}
