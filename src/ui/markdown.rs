//! Step instructions from Markdown to styled lines: headings, lists,
//! emphasis, inline and block code, and links shown as text with their URL.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::theme::Theme;

/// Renders Markdown into lines (wrapping is left to the paragraph).
pub fn render(text: &str, theme: &Theme) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut styles: Vec<Style> = vec![theme.base];
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut link: Option<String> = None;
    let mut in_code_block = false;

    let flush = |spans: &mut Vec<Span<'static>>, out: &mut Vec<Line<'static>>| {
        if !spans.is_empty() {
            out.push(Line::from(std::mem::take(spans)));
        }
    };
    for event in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH) {
        let style = *styles.last().unwrap_or(&theme.base);
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut spans, &mut out);
                if !out.is_empty() {
                    out.push(Line::default());
                }
                let mut heading = theme.title;
                if level == HeadingLevel::H1 || level == HeadingLevel::H2 {
                    heading = heading.add_modifier(Modifier::UNDERLINED);
                }
                styles.push(heading);
            }
            Event::End(TagEnd::Heading(_)) => {
                styles.pop();
                flush(&mut spans, &mut out);
            }
            Event::Start(Tag::Paragraph) => {
                if lists.is_empty() && !out.is_empty() && spans.is_empty() {
                    out.push(Line::default());
                }
            }
            Event::End(TagEnd::Paragraph) => flush(&mut spans, &mut out),
            Event::Start(Tag::Emphasis) => styles.push(style.add_modifier(Modifier::ITALIC)),
            Event::Start(Tag::Strong) => styles.push(style.add_modifier(Modifier::BOLD)),
            Event::Start(Tag::Strikethrough) => {
                styles.push(style.add_modifier(Modifier::CROSSED_OUT))
            }
            Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => {
                styles.pop();
            }
            Event::Start(Tag::List(start)) => {
                flush(&mut spans, &mut out);
                if lists.is_empty() && !out.is_empty() {
                    out.push(Line::default());
                }
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                flush(&mut spans, &mut out);
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut spans, &mut out);
                let depth = lists.len().saturating_sub(1);
                let bullet = match lists.last_mut() {
                    Some(Some(n)) => {
                        let b = format!("{n}. ");
                        *n += 1;
                        b
                    }
                    _ => "• ".to_string(),
                };
                spans.push(Span::styled(
                    format!("{}{bullet}", "  ".repeat(depth)),
                    theme.dim,
                ));
            }
            Event::End(TagEnd::Item) => flush(&mut spans, &mut out),
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut spans, &mut out);
                in_code_block = true;
            }
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Start(Tag::Link { dest_url, .. }) => link = Some(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link.take() {
                    spans.push(Span::styled(format!(" ({url})"), theme.dim));
                }
            }
            Event::Start(Tag::BlockQuote(_)) => {
                styles.push(theme.dim.add_modifier(Modifier::ITALIC))
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                styles.pop();
            }
            Event::Text(t) if in_code_block => {
                for line in t.lines() {
                    out.push(Line::from(Span::styled(format!("    {line}"), theme.code)));
                }
            }
            Event::Text(t) => {
                let style = if link.is_some() {
                    style.add_modifier(Modifier::UNDERLINED)
                } else {
                    style
                };
                spans.push(Span::styled(t.to_string(), style));
            }
            Event::Code(c) => spans.push(Span::styled(c.to_string(), theme.code)),
            Event::SoftBreak => spans.push(Span::raw(" ")),
            Event::HardBreak => flush(&mut spans, &mut out),
            Event::Rule => {
                flush(&mut spans, &mut out);
                out.push(Line::from(Span::styled("────────", theme.dim)));
            }
            _ => {}
        }
    }
    flush(&mut spans, &mut out);
    out
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
