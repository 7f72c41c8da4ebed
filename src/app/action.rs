//! Everything a responder can ask the runner to do. The names are the
//! vocabulary of key bindings in the config file and of the help screen, so
//! a key, its config name and its help line can never disagree.

/// A command from the keyboard (through the keymap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    MoveUp,
    MoveDown,
    NextPane,
    PrevPane,
    NextPhase,
    PrevPhase,
    PageUp,
    PageDown,
    Open,
    Done,
    Skip,
    Block,
    Reopen,
    Note,
    Answer,
    Decide,
    Assign,
    Message,
    Clocks,
    ToggleItem,
    Search,
    NextRequired,
    MyRoles,
    ShowHidden,
    Help,
    Quit,
    Sync,
    CloseIncident,
    Correct,
    Evidence,
}

impl Action {
    pub const ALL: [Self; 30] = [
        Self::MoveUp,
        Self::MoveDown,
        Self::NextPane,
        Self::PrevPane,
        Self::NextPhase,
        Self::PrevPhase,
        Self::PageUp,
        Self::PageDown,
        Self::Open,
        Self::Done,
        Self::Skip,
        Self::Block,
        Self::Reopen,
        Self::Note,
        Self::Answer,
        Self::Decide,
        Self::Assign,
        Self::Message,
        Self::Clocks,
        Self::ToggleItem,
        Self::Search,
        Self::NextRequired,
        Self::MyRoles,
        Self::ShowHidden,
        Self::Help,
        Self::Quit,
        Self::Sync,
        Self::CloseIncident,
        Self::Correct,
        Self::Evidence,
    ];

    /// The name used in `config.toml` under `[keys]`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::MoveUp => "up",
            Self::MoveDown => "down",
            Self::NextPane => "next_pane",
            Self::PrevPane => "prev_pane",
            Self::NextPhase => "next_phase",
            Self::PrevPhase => "prev_phase",
            Self::PageUp => "page_up",
            Self::PageDown => "page_down",
            Self::Open => "open",
            Self::Done => "done",
            Self::Skip => "skip",
            Self::Block => "block",
            Self::Reopen => "reopen",
            Self::Note => "note",
            Self::Answer => "answer",
            Self::Decide => "decide",
            Self::Assign => "assign",
            Self::Message => "message",
            Self::Clocks => "clocks",
            Self::ToggleItem => "toggle_item",
            Self::Search => "search",
            Self::NextRequired => "next_required",
            Self::MyRoles => "my_roles",
            Self::ShowHidden => "show_hidden",
            Self::Help => "help",
            Self::Quit => "quit",
            Self::Sync => "sync",
            Self::CloseIncident => "close_incident",
            Self::Correct => "correct",
            Self::Evidence => "evidence",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// One line for the help screen.
    pub const fn describe(self) -> &'static str {
        match self {
            Self::MoveUp => "move up",
            Self::MoveDown => "move down",
            Self::NextPane => "next pane",
            Self::PrevPane => "previous pane",
            Self::NextPhase => "next phase",
            Self::PrevPhase => "previous phase",
            Self::PageUp => "scroll details up",
            Self::PageDown => "scroll details down",
            Self::Open => "start the step, or open its details",
            Self::Done => "mark the step done",
            Self::Skip => "skip the step (a reason is required)",
            Self::Block => "mark the step blocked (with the reason)",
            Self::Reopen => "reopen a done, skipped or blocked step",
            Self::Note => "write a note (on the selected step)",
            Self::Answer => "answer the step's facts",
            Self::Decide => "take the step's decision (rationale required)",
            Self::Assign => "assign a role to a person",
            Self::Message => "review the step's message: copy, save, record as sent",
            Self::Clocks => "deadline clocks: stages, sources, due times",
            Self::ToggleItem => "tick the selected checklist item (details pane)",
            Self::Search => "search steps",
            Self::NextRequired => "jump to the next open required step",
            Self::MyRoles => "show only my roles' steps",
            Self::ShowHidden => "show steps that do not apply (greyed, with why)",
            Self::Help => "this help",
            Self::Quit => "quit (asks if a write is still saving)",
            Self::Sync => "sync the team case through git now",
            Self::CloseIncident => "close the incident (a reason for each open required step)",
            Self::Correct => {
                "correct a recorded entry of the step (approval, submission, decision, role, note, fact)"
            }
            Self::Evidence => "record evidence (a file or folder, hashed) on the selected step",
        }
    }

    /// Whether the action only moves the cursor, the focus or the scroll:
    /// such a key right after a save shows the responder is reading the
    /// screen, so it acts (and ends the hold on type-ahead).
    pub const fn only_moves(self) -> bool {
        matches!(
            self,
            Self::MoveUp
                | Self::MoveDown
                | Self::NextPane
                | Self::PrevPane
                | Self::NextPhase
                | Self::PrevPhase
                | Self::PageUp
                | Self::PageDown
        )
    }

    /// The short label used in the footer's key hints.
    pub const fn hint(self) -> &'static str {
        match self {
            Self::Open => "start",
            Self::Done => "done",
            Self::Skip => "skip",
            Self::Block => "block",
            Self::Note => "note",
            Self::Answer => "answer",
            Self::Decide => "decide",
            Self::Message => "message",
            Self::Clocks => "clocks",
            Self::Search => "search",
            Self::NextRequired => "next",
            Self::Help => "help",
            Self::Quit => "quit",
            Self::Reopen => "reopen",
            Self::Assign => "assign",
            Self::MyRoles => "mine",
            Self::ShowHidden => "hidden",
            Self::ToggleItem => "tick",
            Self::Evidence => "evidence",
            _ => "",
        }
    }
}
