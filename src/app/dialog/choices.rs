//! Picking one or several options of a bool or choice fact.

use crate::app::input::{KeyCode, KeyEvent};

use crate::playbook::{FactDef, FactType};

/// Picking among options: one, or several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choices {
    /// (value, label)
    pub options: Vec<(String, String)>,
    pub cursor: usize,
    pub chosen: Vec<bool>,
    pub multiple: bool,
    /// The responder changed the choice (Esc then asks before discarding).
    pub touched: bool,
}

impl Choices {
    /// The options of a bool or choice fact, with the current value chosen.
    pub fn for_fact(def: &FactDef, current: Option<&crate::playbook::FactValue>) -> Self {
        use crate::playbook::FactValue;
        let options: Vec<(String, String)> = match &def.ty {
            FactType::Bool => vec![("true".into(), "Yes".into()), ("false".into(), "No".into())],
            FactType::Choice(options) => options
                .iter()
                .map(|o| (o.value.clone(), o.label.clone()))
                .collect(),
            _ => Vec::new(),
        };
        let chosen = options
            .iter()
            .map(|(v, _)| match current {
                Some(FactValue::Bool(b)) => v == &b.to_string(),
                Some(FactValue::Choice(c)) => c == v,
                Some(FactValue::Choices(cs)) => cs.contains(v),
                _ => false,
            })
            .collect::<Vec<_>>();
        let cursor = chosen.iter().position(|c| *c).unwrap_or(0);
        Self {
            options,
            cursor,
            chosen,
            multiple: def.multiple,
            touched: false,
        }
    }

    /// Up, down, space (toggle), a digit (pick), `y`/`n` for yes/no, or
    /// the first letter of an option when only one option starts with it.
    /// `true` when handled.
    pub fn key(&mut self, key: &KeyEvent) -> bool {
        match key.code {
            KeyCode::Up => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down => {
                self.cursor = (self.cursor + 1).min(self.options.len().saturating_sub(1));
            }
            KeyCode::Char(' ') => self.toggle(self.cursor),
            KeyCode::Char(c @ '1'..='9') => {
                let i = c as usize - '1' as usize;
                if i >= self.options.len() {
                    return false;
                }
                self.cursor = i;
                self.toggle(i);
            }
            KeyCode::Char(c) if key.printable().is_some() => {
                let Some(i) = self.by_letter(c) else {
                    return false;
                };
                self.cursor = i;
                self.toggle(i);
            }
            _ => return false,
        }
        true
    }

    /// The option a letter picks: `y`/`n` pick yes/no (`true`/`false`),
    /// otherwise the one option whose label starts with the letter.
    fn by_letter(&self, c: char) -> Option<usize> {
        let c = c.to_lowercase().next()?;
        let value = match c {
            'y' => Some("true"),
            'n' => Some("false"),
            _ => None,
        };
        if let Some(i) = value.and_then(|v| self.options.iter().position(|o| o.0 == v)) {
            return Some(i);
        }
        let mut starting = self.options.iter().enumerate().filter(|(_, (_, label))| {
            label.chars().next().and_then(|f| f.to_lowercase().next()) == Some(c)
        });
        match (starting.next(), starting.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }

    /// What keys a choice takes, for the hint after a key it does not.
    pub fn keys_hint(&self) -> String {
        let letters = if self.options.iter().any(|o| o.0 == "true") {
            "y/n"
        } else {
            "the first letter of an option"
        };
        format!("this answer is a choice: ↑↓ and space, 1-9, or {letters}")
    }

    /// Whether any option is chosen (not merely under the cursor).
    pub fn is_chosen(&self) -> bool {
        self.chosen.iter().any(|c| *c)
    }

    /// Chooses the option under the cursor when none is chosen: Enter on
    /// a single choice picks what it points at, an explicit act.
    pub fn choose_cursor_if_none(&mut self) {
        if !self.multiple && !self.is_chosen() && self.cursor < self.options.len() {
            self.toggle(self.cursor);
        }
    }

    fn toggle(&mut self, i: usize) {
        self.touched = true;
        if self.multiple {
            self.chosen[i] = !self.chosen[i];
        } else {
            for (j, c) in self.chosen.iter_mut().enumerate() {
                *c = j == i;
            }
        }
    }

    /// The chosen value(s) as the input text a fact parser accepts; a single
    /// choice with nothing chosen takes the option under the cursor.
    pub fn as_input(&self) -> String {
        if !self.multiple && !self.chosen.iter().any(|c| *c) {
            return self
                .options
                .get(self.cursor)
                .map(|o| o.0.clone())
                .unwrap_or_default();
        }
        self.options
            .iter()
            .zip(&self.chosen)
            .filter(|(_, c)| **c)
            .map(|(o, _)| o.0.clone())
            .collect::<Vec<_>>()
            .join(",")
    }
}
