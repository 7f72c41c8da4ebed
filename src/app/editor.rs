//! A small text editor for dialogs: one line or many, a cursor, and the
//! usual keys. Pure state; drawing is in `ui::dialog`.

use crate::app::input::{KeyCode, KeyEvent, KeyModifiers};

/// What a key did to the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The text or cursor changed.
    Changed,
    /// The key is not an editing key; the dialog may use it.
    Ignored,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Editor {
    /// Lines of text (at least one).
    lines: Vec<String>,
    /// Cursor line and column (in characters).
    row: usize,
    col: usize,
    multiline: bool,
    /// The whole text is selected (a pre-filled value on focus): the
    /// next typed or pasted text replaces it instead of being appended.
    selected: bool,
    /// The responder changed the text (Esc then asks before discarding).
    edited: bool,
}

impl Editor {
    pub fn single(text: &str) -> Self {
        let mut e = Self {
            lines: vec![text.replace('\n', " ")],
            row: 0,
            col: 0,
            multiline: false,
            selected: false,
            edited: false,
        };
        e.col = e.lines[0].chars().count();
        e
    }

    pub fn multi(text: &str) -> Self {
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        let row = lines.len() - 1;
        let col = lines[row].chars().count();
        Self {
            lines,
            row,
            col,
            multiline: true,
            selected: false,
            edited: false,
        }
    }

    /// A one-line field holding a suggested value (an approver, a channel),
    /// selected so that typing replaces it rather than appending to it.
    pub fn prefilled(text: &str) -> Self {
        let mut e = Self::single(text);
        e.select_all();
        e
    }

    /// Selects the whole text (when the field gains focus); an empty
    /// field has nothing to select.
    pub fn select_all(&mut self) {
        self.selected = !self.is_blank();
    }

    /// Whether the whole text is selected (drawn highlighted).
    pub const fn is_selected(&self) -> bool {
        self.selected
    }

    /// Whether the responder changed the text since the field was made.
    pub const fn is_edited(&self) -> bool {
        self.edited
    }

    /// Drops a selection before text is inserted over it.
    fn replace_selection(&mut self) {
        if self.selected {
            let (multiline, edited) = (self.multiline, self.edited);
            *self = if multiline {
                Self::multi("")
            } else {
                Self::single("")
            };
            self.edited = edited;
        }
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub fn is_blank(&self) -> bool {
        self.lines.iter().all(|l| l.trim().is_empty())
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    pub const fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    pub fn set(&mut self, text: &str) {
        *self = if self.multiline {
            Self::multi(text)
        } else {
            Self::single(text)
        };
    }

    fn byte_index(line: &str, col: usize) -> usize {
        line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
    }

    fn line_len(&self) -> usize {
        self.lines[self.row].chars().count()
    }

    /// Inserts text at the cursor (typing or a paste). Each line of the
    /// text goes in with one string insertion, so a megabyte paste costs
    /// time linear in its size, not one scan of the line per character.
    ///
    /// A multi-line field (a note, a rationale) keeps each tab as `\t`:
    /// a table pasted from a spreadsheet or a tab-separated log line is
    /// recorded as it was, its columns still told apart from spaces inside
    /// a cell, and an export or `grep` of the journal finds the same text
    /// the source had. Rewriting it to spaces would change the evidence
    /// for the sake of the screen; the screen instead draws each tab as
    /// spaces to the next tab stop (`ui::text::expand_tabs`), so no tab
    /// ever reaches the terminal. A one-line field (a name, a value)
    /// turns it into a space, as a tab there is never meant.
    pub fn insert(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.replace_selection();
        self.edited = true;
        let text = with_unix_line_breaks(text);
        let multiline = self.multiline;
        let clean = |segment: &str| -> String {
            segment
                .chars()
                .filter_map(|c| match c {
                    '\t' if multiline => Some('\t'),
                    '\t' => Some(' '),
                    c if c.is_control() => None,
                    c => Some(c),
                })
                .collect()
        };
        let mut segments: Vec<String> = if multiline {
            text.split('\n').map(clean).collect()
        } else {
            vec![clean(&text.replace('\n', " "))]
        };
        let first = segments.remove(0);
        let line = &mut self.lines[self.row];
        let at = Self::byte_index(line, self.col);
        line.insert_str(at, &first);
        let Some(last) = segments.pop() else {
            self.col += first.chars().count();
            return;
        };
        let rest = line.split_off(at + first.len());
        self.col = last.chars().count();
        let mut last = last;
        last.push_str(&rest);
        segments.push(last);
        let count = segments.len();
        let after = self.row + 1;
        self.lines.splice(after..after, segments);
        self.row += count;
    }

    fn insert_char(&mut self, c: char) {
        let line = &mut self.lines[self.row];
        let at = Self::byte_index(line, self.col);
        line.insert(at, c);
        self.col += 1;
    }

    fn newline(&mut self) {
        let line = &mut self.lines[self.row];
        let at = Self::byte_index(line, self.col);
        let rest = line.split_off(at);
        self.lines.insert(self.row + 1, rest);
        self.row += 1;
        self.col = 0;
    }

    /// Applies an editing key. Enter is left to the dialog in single-line
    /// editors; in multi-line ones it breaks the line.
    pub fn key(&mut self, key: &KeyEvent) -> Edit {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let was_selected = self.selected;
        // Every text change alters the line count or the cursor's line,
        // so keeping that one line is enough to tell an edit from a move.
        let (count, row) = (self.lines.len(), self.row);
        let line = self.lines[row].clone();
        let outcome = self.apply(key, ctrl);
        if outcome == Edit::Changed {
            // Any edit or cursor move ends the selection; a change of text
            // marks the field as typed in.
            self.selected = false;
            if self.lines.len() != count || self.lines[row] != line {
                self.edited = true;
            }
        } else {
            self.selected = was_selected;
        }
        outcome
    }

    fn apply(&mut self, key: &KeyEvent, ctrl: bool) -> Edit {
        match key.code {
            KeyCode::Backspace | KeyCode::Delete if self.selected => {
                self.replace_selection();
            }
            KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
                self.replace_selection();
                self.insert_char(c);
            }
            KeyCode::Char('u') if ctrl => {
                self.lines[self.row].clear();
                self.col = 0;
            }
            KeyCode::Char('a') if ctrl => self.col = 0,
            KeyCode::Char('e') if ctrl => self.col = self.line_len(),
            KeyCode::Enter if self.multiline && !ctrl => self.newline(),
            KeyCode::Backspace => {
                if self.col > 0 {
                    let line = &mut self.lines[self.row];
                    let at = Self::byte_index(line, self.col - 1);
                    line.remove(at);
                    self.col -= 1;
                } else if self.row > 0 {
                    let line = self.lines.remove(self.row);
                    self.row -= 1;
                    self.col = self.line_len();
                    self.lines[self.row].push_str(&line);
                }
            }
            KeyCode::Delete => {
                if self.col < self.line_len() {
                    let line = &mut self.lines[self.row];
                    let at = Self::byte_index(line, self.col);
                    line.remove(at);
                } else if self.row + 1 < self.lines.len() {
                    let next = self.lines.remove(self.row + 1);
                    self.lines[self.row].push_str(&next);
                }
            }
            KeyCode::Left if self.col > 0 => self.col -= 1,
            KeyCode::Left if self.row > 0 => {
                self.row -= 1;
                self.col = self.line_len();
            }
            KeyCode::Right if self.col < self.line_len() => self.col += 1,
            KeyCode::Right if self.row + 1 < self.lines.len() => {
                self.row += 1;
                self.col = 0;
            }
            KeyCode::Up if self.multiline && self.row > 0 => {
                self.row -= 1;
                self.col = self.col.min(self.line_len());
            }
            KeyCode::Down if self.multiline && self.row + 1 < self.lines.len() => {
                self.row += 1;
                self.col = self.col.min(self.line_len());
            }
            KeyCode::Home => self.col = 0,
            KeyCode::End => self.col = self.line_len(),
            _ => return Edit::Ignored,
        }
        Edit::Changed
    }
}

/// `text` with each line break written `\n`. A bracketed paste from
/// xterm, VTE terminals and tmux ends its lines with a carriage return
/// alone, Windows text with `\r\n`: either is a line break the responder
/// meant, never a character to drop.
fn with_unix_line_breaks(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(e: &mut Editor, code: KeyCode) {
        e.key(&KeyEvent::new(code, KeyModifiers::NONE));
    }

    #[test]
    fn d14_pasting_keeps_text_and_cursor_like_typing() {
        for multiline in [false, true] {
            let paste = "ab\tc\rd\u{1b}é\n\nxyz";
            let mut pasted = if multiline {
                Editor::multi("12")
            } else {
                Editor::single("12")
            };
            let mut typed = pasted.clone();
            press(&mut pasted, KeyCode::Left);
            press(&mut typed, KeyCode::Left);
            pasted.insert(paste);
            for c in paste.chars() {
                typed.insert(&c.to_string());
            }
            assert_eq!(pasted, typed, "multiline {multiline}");
        }
    }

    #[test]
    fn d14_a_one_megabyte_paste_is_inserted_whole() {
        let line = "x".repeat(99);
        let paste = format!("{line}\n").repeat(10_240);
        let mut e = Editor::multi("");
        e.insert(&paste);
        assert_eq!(e.text(), paste);
        assert_eq!(e.cursor(), (10_240, 0));
        let mut one = Editor::single("");
        one.insert(&"y".repeat(1 << 20));
        assert_eq!(one.cursor(), (0, 1 << 20));
    }

    #[test]
    fn types_edits_and_breaks_lines() {
        let mut e = Editor::multi("");
        e.insert("héllo");
        press(&mut e, KeyCode::Enter);
        e.insert("world");
        press(&mut e, KeyCode::Left);
        press(&mut e, KeyCode::Backspace);
        assert_eq!(e.text(), "héllo\nword");
        press(&mut e, KeyCode::Home);
        press(&mut e, KeyCode::Backspace);
        assert_eq!(e.text(), "hélloword");
        assert_eq!(e.cursor(), (0, 5));
    }

    #[test]
    fn single_line_folds_pasted_newlines() {
        let mut e = Editor::single("a");
        e.insert("b\nc");
        assert_eq!(e.text(), "ab c");
        assert_eq!(
            e.key(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            Edit::Ignored
        );
    }

    #[test]
    fn d3_typing_replaces_a_prefilled_value() {
        let mut e = Editor::prefilled("Dana Reyes");
        assert!(e.is_selected());
        for c in "Lena Visser".chars() {
            press(&mut e, KeyCode::Char(c));
        }
        assert_eq!(e.text(), "Lena Visser");
        assert!(e.is_edited());
    }

    #[test]
    fn a_cursor_move_keeps_a_prefilled_value_to_edit_it() {
        let mut e = Editor::prefilled("Dana Reyes");
        press(&mut e, KeyCode::End);
        press(&mut e, KeyCode::Left);
        assert!(!e.is_edited(), "moving the cursor is not typing");
        press(&mut e, KeyCode::End);
        e.insert(" (ic)");
        assert_eq!(e.text(), "Dana Reyes (ic)");
        let mut e = Editor::prefilled("email");
        press(&mut e, KeyCode::Backspace);
        assert_eq!(e.text(), "");
        let mut e = Editor::prefilled("email");
        e.insert("phone");
        assert_eq!(e.text(), "phone", "a paste replaces the selection too");
        assert!(!Editor::prefilled("x").is_edited());
    }
}
