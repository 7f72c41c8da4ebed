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
        }
    }

    /// Up, down, space (toggle), a digit (pick). `true` when handled.
    pub fn key(&mut self, key: &KeyEvent) -> bool {
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.cursor = (self.cursor + 1).min(self.options.len().saturating_sub(1));
            }
            KeyCode::Char(' ') => self.toggle(self.cursor),
            KeyCode::Char(c @ '1'..='9') => {
                let i = c as usize - '1' as usize;
                if i < self.options.len() {
                    self.cursor = i;
                    self.toggle(i);
                }
            }
            _ => return false,
        }
        true
    }

    fn toggle(&mut self, i: usize) {
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
