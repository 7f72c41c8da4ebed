//! The "who are you?" prompt shown before a journal is opened or created.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget, Wrap};

use super::centered;
use super::theme::Theme;
use crate::app::name_prompt::NamePrompt;

#[derive(Debug, Clone, Copy)]
pub struct NamePromptView<'a> {
    pub prompt: &'a NamePrompt,
    pub theme: &'a Theme,
}

impl Widget for NamePromptView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let p = self.prompt;
        Clear.render(area, buf);
        let rect = centered(area, 64, 9);
        let block = Block::new()
            .borders(Borders::ALL)
            .border_type(BorderType::Double)
            .border_style(t.focus_border)
            .title(Span::styled(" Who are you? ", t.title))
            .title_bottom(Span::styled(
                " Enter: continue · Esc: leave, nothing written ",
                t.dim,
            ));
        let inner = block.inner(rect);
        block.render(rect, buf);
        let mut lines = vec![
            Line::from(p.context.clone()),
            Line::from(Span::styled(
                "Every entry records who acted. Your name:",
                t.dim,
            )),
            Line::from(vec![
                Span::styled("> ", t.focus_border),
                Span::styled(format!("{}▏", p.name.text()), t.title),
            ]),
        ];
        if let Some(problem) = &p.problem {
            lines.push(Line::from(Span::styled(problem.clone(), t.danger)));
        }
        lines.push(Line::from(Span::styled(
            "Tip: set `actor = \"Your Name\"` in config.toml or pass --as NAME.",
            t.dim,
        )));
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
    }
}
