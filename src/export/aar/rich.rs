//! Inject texts and expected responses are Markdown in the scenario; the
//! report carries them as its own spans (strong, code, links), so neither
//! the Markdown nor the HTML report shows raw `**`. Paragraphs and list
//! items keep their breaks; lines wrapped in the source are joined.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::export::document::{Span, Text};

/// The spans of a Markdown text, ready for a field or a paragraph.
pub fn inline(markdown: &str) -> Text {
    let mut out = Out::default();
    let mut strong = 0_usize;
    let mut link: Option<(String, String)> = None;
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Strong) => strong += 1,
            Event::End(TagEnd::Strong) => strong = strong.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some((String::new(), dest_url.to_string()));
            }
            Event::End(TagEnd::Link) => {
                if let Some((text, url)) = link.take() {
                    out.spans.push(Span::Link { text, url });
                }
            }
            Event::Start(Tag::Item) => {
                out.block_break(1);
                out.plain("• ");
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock) => {
                out.block_break(2);
            }
            Event::End(TagEnd::Item | TagEnd::List(_)) => out.block_break(1),
            Event::Text(t) | Event::Code(t) if link.is_some() => {
                if let Some((text, _)) = &mut link {
                    text.push_str(&t);
                }
            }
            Event::Text(t) if strong > 0 => out.spans.push(Span::Strong(t.to_string())),
            Event::Text(t) => out.plain(&t),
            Event::Code(c) => out.spans.push(Span::Code(c.to_string())),
            Event::SoftBreak => out.plain(" "),
            Event::HardBreak => out.plain("\n"),
            _ => {}
        }
    }
    out.finish()
}

#[derive(Default)]
struct Out {
    spans: Text,
}

impl Out {
    /// Appends plain text, merged with the plain text before it.
    fn plain(&mut self, text: &str) {
        if let Some(Span::Plain(last)) = self.spans.last_mut() {
            last.push_str(text);
        } else {
            self.spans.push(Span::Plain(text.to_string()));
        }
    }

    /// Ends the current block with up to `lines` line breaks (never at
    /// the start, never more than asked).
    fn block_break(&mut self, lines: usize) {
        if self.spans.is_empty() {
            return;
        }
        let have = match self.spans.last() {
            Some(Span::Plain(p)) => p.chars().rev().take_while(|c| *c == '\n').count(),
            _ => 0,
        };
        if have < lines {
            self.plain(&"\n".repeat(lines - have));
        }
    }

    fn finish(mut self) -> Text {
        if let Some(Span::Plain(last)) = self.spans.last_mut() {
            let trimmed = last.trim_end_matches('\n').len();
            last.truncate(trimmed);
            if last.is_empty() {
                self.spans.pop();
            }
        }
        self.spans
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m2_emphasis_and_code_become_spans_not_raw_markup() {
        let text = inline(
            "**06:40.** The SOC calls.\nIt runs as `svchost.exe`.\n\n- one\n- **No immediate block**\n",
        );
        assert_eq!(
            text,
            vec![
                Span::Strong("06:40.".into()),
                Span::Plain(" The SOC calls. It runs as ".into()),
                Span::Code("svchost.exe".into()),
                Span::Plain(".\n\n• one\n• ".into()),
                Span::Strong("No immediate block".into()),
            ]
        );
    }

    #[test]
    fn links_keep_their_address() {
        assert_eq!(
            inline("See [CISA](https://cisa.gov)."),
            vec![
                Span::Plain("See ".into()),
                Span::Link {
                    text: "CISA".into(),
                    url: "https://cisa.gov".into()
                },
                Span::Plain(".".into()),
            ]
        );
    }
}
