//! Key tables of the runner's views and of the screens around it: step
//! search, the clocks view, the message view, the picker and the
//! participant projector. Like the tables in [`super::modes`], each is the
//! one place its keys are written: dispatch, footers, help and config
//! overrides all read it.

use super::input::KeyCode;
use super::keymap::Key;
use super::modes::{Binding, Table};

/// What the step search box does. Every printable key is text here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Search {
    Go,
    Up,
    Down,
    Close,
}

/// The step search box's keys.
pub const SEARCH: Table<Search> = Table(&[
    Binding {
        action: Search::Go,
        name: "go",
        describe: "go to the selected hit",
        keys: &[Key::plain(KeyCode::Enter)],
    },
    Binding {
        action: Search::Up,
        name: "up",
        describe: "previous hit",
        keys: &[Key::plain(KeyCode::Up)],
    },
    Binding {
        action: Search::Down,
        name: "down",
        describe: "next hit",
        keys: &[Key::plain(KeyCode::Down)],
    },
    Binding {
        action: Search::Close,
        name: "close",
        describe: "close the search",
        keys: &[Key::plain(KeyCode::Esc)],
    },
]);

/// What the clocks view does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Clocks {
    Up,
    Down,
    Detail,
    GoToStep,
    Close,
}

/// The clocks view's keys.
pub const CLOCKS: Table<Clocks> = Table(&[
    Binding {
        action: Clocks::Up,
        name: "up",
        describe: "previous stage",
        keys: &[Key::plain(KeyCode::Up), Key::ch('k')],
    },
    Binding {
        action: Clocks::Down,
        name: "down",
        describe: "next stage",
        keys: &[Key::plain(KeyCode::Down), Key::ch('j')],
    },
    Binding {
        action: Clocks::Detail,
        name: "detail",
        describe: "the stage's legal source and details (again: back)",
        keys: &[Key::plain(KeyCode::Enter)],
    },
    Binding {
        action: Clocks::GoToStep,
        name: "go_to_step",
        describe: "go to the step that meets the stage",
        keys: &[Key::ch('g')],
    },
    Binding {
        action: Clocks::Close,
        name: "close",
        describe: "back (from the details, then to the steps)",
        keys: &[Key::plain(KeyCode::Esc), Key::ch('q'), Key::ch('c')],
    },
]);

/// What the message view of a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Message {
    Copy,
    Save,
    Edit,
    Approve,
    Send,
    Template,
    ScrollDown,
    ScrollUp,
    PageDown,
    PageUp,
    Close,
}

impl Message {
    /// Whether the action only scrolls the text or closes the view (see
    /// [`crate::app::action::Action::only_moves`]): neither writes, and Esc
    /// held back would leave the view open under the keys typed next.
    pub const fn only_moves(self) -> bool {
        matches!(
            self,
            Self::ScrollDown | Self::ScrollUp | Self::PageDown | Self::PageUp | Self::Close
        )
    }
}

/// The message view's keys.
pub const MESSAGE: Table<Message> = Table(&[
    Binding {
        action: Message::Copy,
        name: "copy",
        describe: "copy the text (terminal clipboard, and saved as a version)",
        keys: &[Key::ch('c'), Key::ch('y')],
    },
    Binding {
        action: Message::Save,
        name: "save",
        describe: "save the text as a version",
        keys: &[Key::ch('w')],
    },
    Binding {
        action: Message::Edit,
        name: "edit",
        describe: "edit the text",
        keys: &[Key::ch('e')],
    },
    Binding {
        action: Message::Approve,
        name: "approve",
        describe: "approve the statement",
        keys: &[Key::ch('p')],
    },
    Binding {
        action: Message::Send,
        name: "send",
        describe: "record as sent (or published)",
        keys: &[Key::ch('s')],
    },
    Binding {
        action: Message::Template,
        name: "template",
        describe: "back to the template filled from facts",
        keys: &[Key::ch('t')],
    },
    Binding {
        action: Message::ScrollDown,
        name: "scroll_down",
        describe: "scroll down a line",
        keys: &[Key::plain(KeyCode::Down), Key::ch('j')],
    },
    Binding {
        action: Message::ScrollUp,
        name: "scroll_up",
        describe: "scroll up a line",
        keys: &[Key::plain(KeyCode::Up), Key::ch('k')],
    },
    Binding {
        action: Message::PageDown,
        name: "page_down",
        describe: "scroll down a page",
        keys: &[Key::plain(KeyCode::PageDown)],
    },
    Binding {
        action: Message::PageUp,
        name: "page_up",
        describe: "scroll up a page",
        keys: &[Key::plain(KeyCode::PageUp)],
    },
    Binding {
        action: Message::Close,
        name: "close",
        describe: "back to the steps",
        keys: &[Key::plain(KeyCode::Esc), Key::ch('q')],
    },
]);

/// What the picker's list does. Every printable key filters the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Picker {
    Open,
    Up,
    Down,
    PageUp,
    PageDown,
    ClearOrQuit,
}

/// The picker's keys.
pub const PICKER: Table<Picker> = Table(&[
    Binding {
        action: Picker::Open,
        name: "open",
        describe: "open the journal, or start the playbook or drill",
        keys: &[Key::plain(KeyCode::Enter)],
    },
    Binding {
        action: Picker::Up,
        name: "up",
        describe: "previous item",
        keys: &[Key::plain(KeyCode::Up)],
    },
    Binding {
        action: Picker::Down,
        name: "down",
        describe: "next item",
        keys: &[Key::plain(KeyCode::Down)],
    },
    Binding {
        action: Picker::PageUp,
        name: "page_up",
        describe: "ten items up",
        keys: &[Key::plain(KeyCode::PageUp)],
    },
    Binding {
        action: Picker::PageDown,
        name: "page_down",
        describe: "ten items down",
        keys: &[Key::plain(KeyCode::PageDown)],
    },
    Binding {
        action: Picker::ClearOrQuit,
        name: "quit",
        describe: "clear the filter, or quit when it is empty",
        keys: &[Key::plain(KeyCode::Esc)],
    },
]);

/// What the participant projector does: only stopping, which takes the
/// key twice so a stray press never ends what the room is reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Participant {
    Stop,
}

/// The participant projector's keys (Ctrl-C always stops at once).
pub const PARTICIPANT: Table<Participant> = Table(&[Binding {
    action: Participant::Stop,
    name: "stop",
    describe: "stop projecting (press twice)",
    keys: &[Key::ch('q')],
}]);
