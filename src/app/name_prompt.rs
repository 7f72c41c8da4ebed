//! Asks who is acting when neither `--as`, the config nor the journal says,
//! before anything is written: every entry must name the right person.

use super::input::{KeyCode, KeyEvent, KeyModifiers};

use super::editor::Editor;

/// The prompt's state: the name typed so far and the answer once given.
#[derive(Debug, Clone)]
pub struct NamePrompt {
    /// Why the name is asked (what is about to be opened).
    pub context: String,
    pub name: Editor,
    /// A sentence when Enter was pressed on an unusable name.
    pub problem: Option<String>,
    /// `Some(Some(name))` when confirmed, `Some(None)` when cancelled.
    pub answer: Option<Option<String>>,
}

/// Names that do not say who acted.
const PLACEHOLDERS: [&str; 3] = ["responder", "user", "root"];

impl NamePrompt {
    pub fn new(context: impl Into<String>) -> Self {
        Self {
            context: context.into(),
            name: Editor::single(""),
            problem: None,
            answer: None,
        }
    }

    /// Every printable key is text; Enter confirms a usable name, Esc or
    /// Ctrl-C leave without writing anything.
    pub fn key(&mut self, key: &KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => self.answer = Some(None),
            KeyCode::Char('c') if ctrl => self.answer = Some(None),
            KeyCode::Enter => match usable_name(&self.name.text()) {
                Ok(name) => self.answer = Some(Some(name)),
                Err(problem) => self.problem = Some(problem),
            },
            _ => {
                self.name.key(key);
                self.problem = None;
            }
        }
    }

    /// Text pasted into the name field.
    pub fn paste(&mut self, text: &str) {
        self.name.insert(text.lines().next().unwrap_or_default());
        self.problem = None;
    }
}

/// A trimmed name, or why it cannot stand for a person.
pub fn usable_name(text: &str) -> Result<String, String> {
    let name = text.trim();
    if name.is_empty() {
        return Err("type your name: every entry in the journal records who acted".into());
    }
    if PLACEHOLDERS.iter().any(|p| p.eq_ignore_ascii_case(name)) {
        return Err(format!(
            "`{name}` does not say who you are; type your own name"
        ));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn typed(prompt: &mut NamePrompt, text: &str) {
        for c in text.chars() {
            prompt.key(&key(KeyCode::Char(c)));
        }
    }

    #[test]
    fn d2_name_prompt_takes_every_letter_and_confirms_with_enter() {
        let mut prompt = NamePrompt::new("resume");
        typed(&mut prompt, "  Dana qx Reyes ");
        prompt.key(&key(KeyCode::Enter));
        assert_eq!(prompt.answer, Some(Some("Dana qx Reyes".into())));
    }

    #[test]
    fn d2_name_prompt_refuses_blank_and_placeholder_names() {
        let mut prompt = NamePrompt::new("resume");
        prompt.key(&key(KeyCode::Enter));
        assert!(prompt.answer.is_none());
        assert!(
            prompt
                .problem
                .as_deref()
                .is_some_and(|p| p.contains("type your name"))
        );
        typed(&mut prompt, "responder");
        prompt.key(&key(KeyCode::Enter));
        assert!(prompt.answer.is_none());
        assert!(
            prompt
                .problem
                .as_deref()
                .is_some_and(|p| p.contains("does not say who"))
        );
    }

    #[test]
    fn d2_name_prompt_esc_leaves_without_a_name() {
        let mut prompt = NamePrompt::new("resume");
        typed(&mut prompt, "Da");
        prompt.key(&key(KeyCode::Esc));
        assert_eq!(prompt.answer, Some(None));
    }
}
