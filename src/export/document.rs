//! A small document model between the after-action content and its two
//! renderings, so Markdown and HTML always say the same thing. Text here is
//! plain: each renderer escapes it for its own syntax.

use super::chart::Chart;

/// A whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    /// Marks the title, both banners and every section heading.
    pub exercise: bool,
    /// Blocks before the first section (banners, how to read the report).
    pub preamble: Vec<Block>,
    pub sections: Vec<Section>,
    /// Blocks after the last section (closing banner, provenance).
    pub closing: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Anchor for links within the report.
    pub id: &'static str,
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A boxed line that must not be missed.
    Banner(Tone, Text),
    Subheading(String),
    Paragraph(Text),
    /// Label and value pairs.
    Fields(Vec<(String, Text)>),
    Table(Table),
    List(Vec<Text>),
    /// A message text exactly as sent: shown whole, line breaks kept, never
    /// read as markup.
    Verbatim(String),
    /// Drawn in HTML only; the tables beside it carry the same data.
    Chart(Chart),
}

/// How a banner or a span should stand out. Colour is never the only
/// signal: the words carry the meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Exercise,
    Alert,
}

/// A run of inline spans.
pub type Text = Vec<Span>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    Plain(String),
    Strong(String),
    /// Identifiers, hashes, file names.
    Code(String),
    /// A breach or a break: bold, and red where colour is available.
    Alert(String),
    /// A met deadline: green where colour is available.
    Good(String),
    /// A public reference listed by the playbook.
    Link {
        text: String,
        url: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub head: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Text>,
    /// A row that marks a problem (the break in the timeline).
    pub alert: bool,
}

impl Table {
    pub fn new<const N: usize>(head: [&str; N]) -> Self {
        Self {
            head: head.iter().map(ToString::to_string).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, cells: Vec<Text>) {
        self.rows.push(Row {
            cells,
            alert: false,
        });
    }

    pub fn push_alert(&mut self, cells: Vec<Text>) {
        self.rows.push(Row { cells, alert: true });
    }
}

/// `Text` with one plain span.
pub fn plain(text: impl Into<String>) -> Text {
    vec![Span::Plain(text.into())]
}

/// `Text` with one code span.
pub fn code(text: impl Into<String>) -> Text {
    vec![Span::Code(text.into())]
}

/// `Text` with one alert span.
pub fn alert(text: impl Into<String>) -> Text {
    vec![Span::Alert(text.into())]
}

/// A message runsheet wrote, such as a verification failure, with its
/// `backticked` names as code spans. Unbalanced backticks stay plain.
pub fn message(text: &str) -> Text {
    let parts: Vec<&str> = text.split('`').collect();
    // An odd count of backticks leaves an even count of parts.
    if parts.len().is_multiple_of(2) {
        return plain(text);
    }
    parts
        .iter()
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| {
            if i % 2 == 1 {
                Span::Code((*part).to_string())
            } else {
                Span::Plain((*part).to_string())
            }
        })
        .collect()
}

/// Whether a URL may become a link: only public web addresses, never
/// `javascript:` or local files.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_keep_names_as_code() {
        assert_eq!(
            message("the `hash` differs"),
            vec![
                Span::Plain("the ".into()),
                Span::Code("hash".into()),
                Span::Plain(" differs".into())
            ]
        );
        assert_eq!(message("odd ` tick"), plain("odd ` tick"));
    }

    #[test]
    fn only_web_urls_link() {
        assert!(is_web_url("https://doi.org/x"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("https://a b"));
    }
}
