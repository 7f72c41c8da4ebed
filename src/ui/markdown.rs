//! Step instructions from Markdown to styled lines: headings, lists,
//! emphasis, inline and block code, and links shown as text with their URL.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::theme::Theme;

/// Renders Markdown into lines (wrapping is left to the paragraph).
pub fn render(text: &str, theme: &Theme) -> Vec<Line<'static>> {
    let mut r = Renderer::new(theme);
    for event in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH) {
        r.event(event);
    }
    r.flush();
    r.out
}

/// The state of a render: finished lines, the line being built, and the
/// open styles, lists and link.
struct Renderer<'t> {
    theme: &'t Theme,
    out: Vec<Line<'static>>,
    spans: Vec<Span<'static>>,
    styles: Vec<Style>,
    /// Open lists: `Some(next number)` for ordered ones.
    lists: Vec<Option<u64>>,
    link: Option<String>,
    in_code_block: bool,
}

impl<'t> Renderer<'t> {
    fn new(theme: &'t Theme) -> Self {
        Self {
            theme,
            out: Vec::new(),
            spans: Vec::new(),
            styles: vec![theme.base],
            lists: Vec::new(),
            link: None,
            in_code_block: false,
        }
    }

    fn style(&self) -> Style {
        *self.styles.last().unwrap_or(&self.theme.base)
    }

    fn flush(&mut self) {
        if !self.spans.is_empty() {
            self.out.push(Line::from(std::mem::take(&mut self.spans)));
        }
    }

    /// A blank line between blocks, never at the top.
    fn gap(&mut self) {
        if !self.out.is_empty() {
            self.out.push(Line::default());
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) if self.in_code_block => {
                for line in t.lines() {
                    self.out.push(Line::from(Span::styled(
                        format!("    {line}"),
                        self.theme.code,
                    )));
                }
            }
            Event::Text(t) => {
                let mut style = self.style();
                if self.link.is_some() {
                    style = style.add_modifier(Modifier::UNDERLINED);
                }
                self.spans.push(Span::styled(t.to_string(), style));
            }
            Event::Code(c) => self
                .spans
                .push(Span::styled(c.to_string(), self.theme.code)),
            Event::SoftBreak => self.spans.push(Span::raw(" ")),
            Event::HardBreak => self.flush(),
            Event::Rule => {
                self.flush();
                self.out
                    .push(Line::from(Span::styled("────────", self.theme.dim)));
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let style = self.style();
        match tag {
            Tag::Heading { level, .. } => {
                self.flush();
                self.gap();
                let mut heading = self.theme.title;
                if matches!(level, HeadingLevel::H1 | HeadingLevel::H2) {
                    heading = heading.add_modifier(Modifier::UNDERLINED);
                }
                self.styles.push(heading);
            }
            Tag::Paragraph if self.lists.is_empty() && self.spans.is_empty() => self.gap(),
            Tag::Emphasis => self.styles.push(style.add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.styles.push(style.add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self.styles.push(style.add_modifier(Modifier::CROSSED_OUT)),
            Tag::BlockQuote(_) => self
                .styles
                .push(self.theme.dim.add_modifier(Modifier::ITALIC)),
            Tag::List(start) => {
                self.flush();
                if self.lists.is_empty() {
                    self.gap();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len().saturating_sub(1);
                let bullet = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "• ".to_string(),
                };
                self.spans.push(Span::styled(
                    format!("{}{bullet}", "  ".repeat(depth)),
                    self.theme.dim,
                ));
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.in_code_block = true;
            }
            Tag::Link { dest_url, .. } => self.link = Some(dest_url.to_string()),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                self.styles.pop();
                self.flush();
            }
            TagEnd::Paragraph | TagEnd::Item => self.flush(),
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::BlockQuote(_) => {
                self.styles.pop();
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::CodeBlock => self.in_code_block = false,
            TagEnd::Link => {
                if let Some(url) = self.link.take() {
                    self.spans
                        .push(Span::styled(format!(" ({url})"), self.theme.dim));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn renders_structure_as_text() {
        let md = "## Contain\nIsolate the **host** and run `netstat`.\n\n- one\n- two\n  1. nested\n\nSee [CISA](https://cisa.gov).\n\n```\nquery\n```\n";
        let lines = render(md, &Theme::mono());
        assert_eq!(
            plain(&lines),
            [
                "Contain",
                "",
                "Isolate the host and run netstat.",
                "",
                "• one",
                "• two",
                "  1. nested",
                "",
                "See CISA (https://cisa.gov).",
                "    query",
            ]
        );
    }
}
