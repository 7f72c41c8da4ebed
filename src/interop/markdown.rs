//! Markdown playbooks → runsheet: `GuardSight` CIRT battle cards, AWS
//! incident-response playbooks (current template), and generic pages.
//!
//! | preset | title | phases | steps |
//! |---|---|---|---|
//! | `guardsight` | the `#####` battle-card line | the six bold PICERL headings, `**(P) Preparation**` … | numbered items; `a.`-items are their checklist |
//! | `aws` | the `#` line; version and review date from the header | `## Part N — …` | `###` sections |
//! | `generic` | the first `#` line | every `##` but a reference section | `###` sections, or top-level list items when a phase has none |
//!
//! Inside a step: `- [ ]` items become its checklist (a nested list stays
//! with its item: plain sub-items folded into its text, nested checkboxes
//! items of their own named "parent — child"), fenced shell blocks
//! (`bash`, `sh`, `shell`, `zsh`, `console`, `powershell`) stay where they
//! are in the instructions, but a lone one that ends the step becomes its
//! copy-only `command` (runsheet never runs it), `` `[Role]` `` tags become
//! roles (spacing around `/` normalised, so `[Account/Agent Owner]` and
//! `[Account / Agent Owner]` are one role; the first tag is the step's
//! role), and the rest stays Markdown instructions. ATT&CK ids anywhere
//! (`T1567`, `T1567.002`, `TA0010`, `M1050`, `DS0029`) become tags. An AWS "Game Day"
//! section also becomes a drill scenario stub. The source, its licence and
//! the import date go into `references`, with the items of reference
//! sections (`## References`, `## Appendix E — Reference Links`); every
//! other non-blank line is listed as not mapped.

mod plain;

use std::collections::BTreeSet;
use std::ops::Range;

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use self::plain::unescape;

use super::document::{self, UniqueIds, slug};
use super::{ImportError, Imported};

/// A Markdown layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    GuardSight,
    Aws,
    Generic,
}

impl Preset {
    pub const fn name(self) -> &'static str {
        match self {
            Self::GuardSight => "guardsight",
            Self::Aws => "aws",
            Self::Generic => "generic",
        }
    }

    /// The headings that make the preset's phases, as a reader writes them.
    const fn phase_headings(self) -> &'static str {
        match self {
            Self::GuardSight => "the bold PICERL headings, `**(P) Preparation**` …",
            Self::Aws => "`## Part N — …` headings",
            Self::Generic => "`##` headings",
        }
    }
}

/// What is imported: the file's text and what is known about it.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub label: &'a str,
    pub text: &'a str,
    /// The licence of the source, as one line (from a `LICENSE` beside it).
    pub licence: Option<&'a str>,
    pub imported_on: NaiveDate,
}

/// The layout of a file, from its content.
pub fn detect(text: &str) -> Preset {
    if text.contains("CIRT Playbook Battle Card") {
        Preset::GuardSight
    } else if text.lines().any(|l| part_heading(l).is_some()) {
        Preset::Aws
    } else {
        Preset::Generic
    }
}

/// Converts a Markdown playbook; `preset` is detected when `None`.
pub fn import(
    source: Source<'_>,
    preset: Option<Preset>,
    today: NaiveDate,
) -> Result<Imported, ImportError> {
    let preset = preset.unwrap_or_else(|| detect(source.text));
    let mut builder = Builder::new(source, preset);
    builder.read();
    let (doc, drill) = builder.finish();
    let yaml = document::to_yaml(&doc).map_err(ImportError::unwritable)?;
    let playbook = document::check(source.label, &yaml, today)?;
    let drill = drill
        .map(|d| document::to_yaml(&d).map_err(ImportError::unwritable))
        .transpose()?;
    Ok(Imported {
        yaml,
        playbook,
        notes: builder.notes,
        drill,
    })
}

/// The licence of a folder's `LICENSE` text, as one line: its name and
/// its copyright line.
pub fn licence_line(license_text: &str) -> String {
    let name = if license_text.contains("MIT License") {
        "MIT"
    } else if license_text.contains("Permission is hereby granted")
        && !license_text.contains("shall be included")
    {
        "MIT-0 (MIT No Attribution)"
    } else if license_text.contains("Apache License") {
        "Apache-2.0"
    } else {
        license_text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("unknown")
    };
    match license_text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("Copyright"))
    {
        Some(copyright) => format!("{name}; {copyright}"),
        None => name.to_string(),
    }
}

/// `## Part 4b — Recover` → `Part 4b — Recover`.
fn part_heading(line: &str) -> Option<&str> {
    let title = line.strip_prefix("## ")?.trim();
    let rest = title.strip_prefix("Part ")?;
    rest.starts_with(|c: char| c.is_ascii_digit())
        .then_some(title)
}

/// `**(P) Preparation**` (any spacing or case) → `Preparation`.
fn picerl_heading(line: &str) -> Option<String> {
    let inner = line.trim().strip_prefix("**")?.strip_suffix("**")?.trim();
    let rest = inner.strip_prefix('(')?;
    let (letter, title) = rest.split_once(')')?;
    let letter = letter.trim();
    (letter.len() == 1 && "PICERL".contains(&letter.to_ascii_uppercase()))
        .then(|| title.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn bold_section(line: &str) -> Option<String> {
    let inner = line.trim().strip_prefix("**")?.strip_suffix("**")?.trim();
    inner
        .strip_suffix(':')
        .map(|s| s.trim().to_ascii_lowercase())
}

/// A top-level numbered or bulleted item that is not a checkbox: its
/// text. An item may start with `[`: a link (`- [NIST](https://…)`) is an
/// item like any other.
fn top_item(line: &str) -> Option<&str> {
    if line.starts_with([' ', '\t']) {
        return None;
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        return line[digits..].strip_prefix(". ").map(str::trim);
    }
    line.strip_prefix("- ")
        .or_else(|| line.strip_prefix("* "))
        .filter(|t| after_checkbox(t).is_none())
        .map(str::trim)
}

/// The text after a task-list checkbox (`[ ]`, `[x]` or `[X]`, then
/// whitespace or the end of the line) at the start of an item's text.
fn after_checkbox(text: &str) -> Option<&str> {
    let rest = ["[ ]", "[x]", "[X]"]
        .iter()
        .find_map(|mark| text.strip_prefix(mark))?;
    if rest.is_empty() || rest.starts_with([' ', '\t']) {
        Some(rest)
    } else {
        None
    }
}

/// An indented `a.` sub-item (GuardSight): its text.
fn sub_item(line: &str) -> Option<&str> {
    if !line.starts_with([' ', '\t']) {
        return None;
    }
    let t = line.trim_start();
    let mut chars = t.chars();
    let letter = chars.next()?;
    (letter.is_ascii_lowercase() && t[1..].starts_with(". ")).then(|| t[3..].trim())
}

/// `- [ ] item` or `- [x] item`: the item.
fn checkbox(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let text = t.strip_prefix("- ").or_else(|| t.strip_prefix("* "))?;
    after_checkbox(text).map(str::trim)
}

/// A thematic break (`---`, `* * *`, `___`): three or more of one of
/// `-`, `*`, `_`, spaces between allowed. It separates sections and carries
/// no content, so wherever it is (outside a code block) it is never listed
/// as not mapped nor kept as a phase's or step's text; in a step it ends
/// any open list, and the step goes on to the next step heading or item.
fn is_thematic_break(line: &str) -> bool {
    let marks: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    marks.len() >= 3
        && ['-', '*', '_']
            .iter()
            .any(|&mark| marks.chars().all(|c| c == mark))
        && line.len() - line.trim_start().len() < 4
}

/// A heading of a section of references: `## References`, `## Appendix
/// E — Reference Links` (a word, so `## Preferences` is not one).
fn is_reference_heading(title: &str) -> bool {
    title
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word.to_lowercase().starts_with("reference"))
}

const SHELLS: [&str; 7] = ["bash", "sh", "shell", "zsh", "console", "powershell", "ps1"];

/// Every `` `[Role]` `` tag in a line, normalised.
fn role_tags(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("`[") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("]`") else { break };
        let name = normalise_role(&after[..end]);
        if !name.is_empty() && name.len() <= 60 {
            out.push(name);
        }
        rest = &after[end + 2..];
    }
    out
}

fn normalise_role(name: &str) -> String {
    let spaced: Vec<&str> = name.split('/').map(str::trim).collect();
    spaced
        .join(" / ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// ATT&CK ids in a text: techniques (`T1567`, `T1567.002`), tactics
/// (`TA0010`), mitigations (`M1050`) and data sources (`DS0029`).
fn attack_ids(text: &str, into: &mut BTreeSet<String>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let prefix = ["TA", "DS", "T", "M"]
            .iter()
            .find(|p| bytes[i..].starts_with(p.as_bytes()))
            .map_or(0, |p| p.len());
        if boundary && prefix > 0 {
            let digits = bytes[i + prefix..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits == 4 {
                let mut end = i + prefix + 4;
                let technique = prefix == 1 && bytes[i] == b'T';
                if technique
                    && bytes.get(end) == Some(&b'.')
                    && bytes[end + 1..]
                        .iter()
                        .take_while(|b| b.is_ascii_digit())
                        .count()
                        == 3
                {
                    end += 4;
                }
                let closed = bytes.get(end).is_none_or(|b| !b.is_ascii_alphanumeric());
                if closed {
                    into.insert(text[i..end].to_string());
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
}

#[derive(Debug, Default)]
struct StepBuild {
    title: String,
    /// The step's Markdown lines, its fenced shell blocks among them.
    instructions: Vec<String>,
    checklist: Vec<ItemBuild>,
    /// The fenced shell blocks among the instructions, in order.
    shell_blocks: Vec<ShellBlock>,
    /// Whether text (an instruction line, a checklist item) follows the
    /// last shell block.
    text_after_block: bool,
    role: Option<String>,
    /// The checklist items whose nested list may go on: each one's indent
    /// and own text, innermost last.
    nesting: Vec<(usize, String)>,
}

/// A fenced shell block kept among a step's instruction lines.
#[derive(Debug)]
struct ShellBlock {
    /// Its lines in the step's instructions, its fences included.
    lines: Range<usize>,
    /// Its first and last lines in the source.
    source: (usize, usize),
    lang: String,
    closed: bool,
}

impl ShellBlock {
    /// The block's text, without its fences and without the indent of its
    /// opening fence (a block in a list item is indented with it).
    fn body(&self, instructions: &[String]) -> String {
        let end = if self.closed {
            self.lines.end - 1
        } else {
            self.lines.end
        };
        let indent = indent_of(&instructions[self.lines.start]);
        instructions[self.lines.start + 1..end]
            .iter()
            .map(|line| without_indent(line, indent))
            .collect::<Vec<_>>()
            .join("\n")
            .trim_end()
            .to_string()
    }
}

/// A checklist item and the plain sub-items of its nested list.
#[derive(Debug, Default)]
struct ItemBuild {
    text: String,
    details: Vec<String>,
}

impl ItemBuild {
    fn new(text: String) -> Self {
        Self {
            text,
            details: Vec::new(),
        }
    }

    /// The item as one line: its sub-items follow its text after a colon
    /// (the item's own, `**Cause:**` included, or one added), in order, so
    /// "policies ready to attach:" says which policies.
    fn render(&self) -> String {
        if self.details.is_empty() {
            return self.text.clone();
        }
        let text = self.text.trim_end();
        let has_colon = text.trim_end_matches(['*', '_']).ends_with(':');
        let colon = if has_colon { "" } else { ":" };
        format!("{text}{colon} {}", self.details.join("; "))
    }

    /// A continuation line of the item or of its last sub-item.
    fn continue_with(&mut self, more: &str) {
        let last = self.details.last_mut().unwrap_or(&mut self.text);
        last.push(' ');
        last.push_str(more);
    }
}

impl StepBuild {
    /// A line of a fenced shell block (its fences too): kept in place
    /// among the instructions, with where the block starts and ends.
    fn shell_line(&mut self, number: usize, line: &str, lang: &str) {
        let at = self.instructions.len();
        self.instructions.push(line.to_string());
        match self.shell_blocks.last_mut() {
            Some(open) if !open.closed => {
                open.lines.end = at + 1;
                open.source.1 = number;
                open.closed = line.trim_start().starts_with("```");
            }
            _ => {
                self.shell_blocks.push(ShellBlock {
                    lines: at..at + 1,
                    source: (number, number),
                    lang: lang.to_string(),
                    closed: false,
                });
                self.text_after_block = false;
            }
        }
    }

    /// A line of text that is not a shell block's: it may follow one.
    fn text_line(&mut self, line: &str) {
        if !line.trim().is_empty() && !self.shell_blocks.is_empty() {
            self.text_after_block = true;
        }
    }

    /// The shell block that becomes the step's `command`: a lone block
    /// that ends the step, so taking it out of the text changes no order.
    /// Several blocks, or text after one, stay where they are: which
    /// command goes with which words, and in what order, is what a
    /// responder follows (memory is captured before the host is isolated).
    fn lifted_block(&self) -> Option<&ShellBlock> {
        match self.shell_blocks.as_slice() {
            [one] if !self.text_after_block && !one.body(&self.instructions).is_empty() => {
                Some(one)
            }
            _ => None,
        }
    }

    /// A checkbox at `indent`: a checklist item of its own. Nested under
    /// another checkbox, it names its parents first ("parent — child"),
    /// so the nesting's meaning stays in the text.
    fn checkbox_item(&mut self, indent: usize, item: &str) {
        self.nesting.retain(|(open, _)| *open < indent);
        let text = unescape(item);
        if text.is_empty() {
            return;
        }
        let full = self
            .nesting
            .iter()
            .map(|(_, parent)| parent.as_str())
            .chain([text.as_str()])
            .collect::<Vec<_>>()
            .join(" — ");
        self.checklist.push(ItemBuild::new(full));
        self.nesting.push((indent, text));
    }

    /// A line indented under the last checklist item: a plain sub-item or
    /// a continuation, folded into that item. False when the line is not
    /// one (it is then the item's list's end, unless blank).
    fn fold_into_item(&mut self, line: &str) -> bool {
        let Some(&(parent, _)) = self.nesting.last() else {
            return false;
        };
        let body = line.trim_start();
        if body.is_empty() || line.len() - body.len() <= parent {
            return false;
        }
        let Some(item) = self.checklist.last_mut() else {
            return false;
        };
        match list_item_text(body) {
            Some(sub) => item.details.push(unescape(sub)),
            None => item.continue_with(&unescape(body.trim_end())),
        }
        true
    }
}

/// The text of a bulleted (`-`, `*`, `+`) or numbered (`1.`, `1)`) item,
/// its indent already removed.
fn list_item_text(text: &str) -> Option<&str> {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let rest = if digits > 0 {
        text[digits..]
            .strip_prefix('.')
            .or_else(|| text[digits..].strip_prefix(')'))?
    } else {
        text.strip_prefix(['-', '*', '+'])?
    };
    rest.starts_with([' ', '\t']).then(|| rest.trim())
}

/// `line` without up to `indent` leading spaces or tabs.
fn without_indent(line: &str, indent: usize) -> &str {
    let blanks = line
        .chars()
        .take(indent)
        .take_while(|c| matches!(c, ' ' | '\t'))
        .count();
    &line[blanks..]
}

/// How far `line` is indented, in bytes of leading whitespace.
fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

#[derive(Debug, Default)]
struct PhaseBuild {
    title: String,
    intro: Vec<String>,
    steps: Vec<StepBuild>,
    /// Steps come from headings; list items then stay instructions.
    headed: bool,
}

/// Where the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Region {
    Preamble,
    Phase,
    References,
    Unmapped,
}

struct Builder<'a> {
    source: Source<'a>,
    preset: Preset,
    title: Option<String>,
    version: Option<String>,
    reviewed: Option<String>,
    phases: Vec<PhaseBuild>,
    references: Vec<Value>,
    roles: Vec<String>,
    attack: BTreeSet<String>,
    notes: Vec<String>,
    /// The `##` sections outside the phases, by title.
    outside: Vec<String>,
    unmapped: Vec<(usize, String)>,
    game_day: Option<(String, Vec<String>)>,
    /// Step ids given out: equal titles get `-2`, `-3`, … in linear work.
    step_ids: UniqueIds,
}

impl<'a> Builder<'a> {
    fn new(source: Source<'a>, preset: Preset) -> Self {
        Self {
            source,
            preset,
            title: None,
            version: None,
            reviewed: None,
            phases: Vec::new(),
            references: Vec::new(),
            roles: Vec::new(),
            attack: BTreeSet::new(),
            notes: Vec::new(),
            outside: Vec::new(),
            unmapped: Vec::new(),
            game_day: None,
            step_ids: UniqueIds::default(),
        }
    }

    fn read(&mut self) {
        let mut region = Region::Preamble;
        let mut fence: Option<String> = None;
        let text = self.source.text;
        attack_ids(text, &mut self.attack);
        for (index, raw) in text.lines().enumerate() {
            let number = index + 1;
            let line = raw.trim_end();
            if let Some(lang) = &fence {
                let lang = lang.clone();
                if line.trim_start().starts_with("```") {
                    fence = None;
                }
                self.content(region, number, line, Some(&lang));
                continue;
            }
            if let Some(lang) = line.trim_start().strip_prefix("```") {
                let lang = lang.trim().to_ascii_lowercase();
                self.content(region, number, line, Some(&lang));
                fence = Some(lang);
                continue;
            }
            if let Some(next) = self.heading(line, region) {
                region = next;
                continue;
            }
            self.content(region, number, line, None);
        }
    }

    /// A line that changes region: the title, a phase, a step, references.
    fn heading(&mut self, line: &str, region: Region) -> Option<Region> {
        if self.title.is_none() {
            let title = match self.preset {
                Preset::GuardSight => line.strip_prefix("#####").map(|t| {
                    t.replace("**", "")
                        .replace("CIRT Playbook Battle Card:", "")
                }),
                Preset::Aws | Preset::Generic => line.strip_prefix("# ").map(str::to_string),
            };
            if let Some(title) = title {
                self.title = Some(unescape(title.trim()));
                return Some(Region::Preamble);
            }
        }
        match self.preset {
            Preset::GuardSight => {
                if let Some(title) = picerl_heading(line) {
                    self.phases.push(PhaseBuild {
                        title: unescape(&title),
                        ..PhaseBuild::default()
                    });
                    return Some(Region::Phase);
                }
                if let Some(name) = bold_section(line) {
                    return Some(if name == "references" || name == "resources" {
                        Region::References
                    } else {
                        Region::Unmapped
                    });
                }
                None
            }
            Preset::Aws | Preset::Generic => {
                if let Some(title) = line.strip_prefix("## ") {
                    // Every generic `##` is a phase but a reference section.
                    let is_phase = match self.preset {
                        Preset::Generic => !is_reference_heading(title),
                        _ => part_heading(line).is_some(),
                    };
                    if is_phase {
                        self.phases.push(PhaseBuild {
                            title: unescape(title.trim()),
                            ..PhaseBuild::default()
                        });
                        return Some(Region::Phase);
                    }
                    if is_reference_heading(title) {
                        return Some(Region::References);
                    }
                    self.outside.push(title.trim().to_string());
                    return Some(Region::Unmapped);
                }
                let step = line.strip_prefix("### ")?;
                if region != Region::Phase {
                    return None;
                }
                let roles = role_tags(step);
                for role in &roles {
                    if !self.roles.contains(role) {
                        self.roles.push(role.clone());
                    }
                }
                let phase = self.phases.last_mut()?;
                phase.headed = true;
                phase.steps.push(StepBuild {
                    title: unescape(step.trim()),
                    role: roles.into_iter().next(),
                    ..StepBuild::default()
                });
                Some(Region::Phase)
            }
        }
    }

    fn content(&mut self, region: Region, number: usize, line: &str, fence: Option<&str>) {
        if fence.is_none() && is_thematic_break(line) {
            if region == Region::Phase {
                self.end_open_list();
            }
            return;
        }
        match region {
            Region::Phase => self.phase_line(number, line, fence),
            Region::References => {
                if let Some(reference) = reference(line) {
                    self.references.push(reference);
                } else if !line.trim().is_empty() {
                    self.unmapped.push((number, line.to_string()));
                }
            }
            Region::Preamble => self.preamble(number, line),
            Region::Unmapped => {
                if self.preset == Preset::GuardSight && !line.trim().is_empty() {
                    self.unmapped.push((number, line.to_string()));
                }
            }
        }
    }

    /// A thematic break ends any list open in the current step (as in
    /// Markdown), so a later indented line is not folded into its items.
    fn end_open_list(&mut self) {
        if let Some(step) = self.phases.last_mut().and_then(|p| p.steps.last_mut()) {
            step.nesting.clear();
        }
    }

    fn preamble(&mut self, number: usize, line: &str) {
        let plain = line.trim_start_matches('>').trim().replace("**", "");
        if let Some(v) = plain.strip_prefix("Playbook Version:") {
            self.version = Some(v.trim().to_string());
        } else if let Some(v) = plain.strip_prefix("Last Reviewed:") {
            self.reviewed = Some(v.trim().to_string());
        } else if !plain.is_empty() {
            self.unmapped.push((number, line.to_string()));
        }
    }

    fn phase_line(&mut self, number: usize, line: &str, fence: Option<&str>) {
        for role in role_tags(line) {
            if !self.roles.contains(&role) {
                self.roles.push(role.clone());
            }
        }
        let preset = self.preset;
        let Some(phase) = self.phases.last_mut() else {
            self.unmapped.push((number, line.to_string()));
            return;
        };
        // A list item starts a step when the phase has no step headings.
        if !phase.headed && fence.is_none() {
            if let Some(item) = top_item(line).filter(|_| preset != Preset::Aws) {
                phase.steps.push(step_from_item(item));
                return;
            }
            if preset == Preset::GuardSight
                && let (Some(item), Some(step)) = (sub_item(line), phase.steps.last_mut())
            {
                // An `a.` item is a checklist item: its own nested list is its.
                let text = unescape(item);
                step.text_line(line);
                step.nesting = vec![(indent_of(line), text.clone())];
                step.checklist.push(ItemBuild::new(text));
                return;
            }
        }
        let Some(step) = phase.steps.last_mut() else {
            if !line.trim().is_empty() {
                phase.intro.push(line.to_string());
            }
            return;
        };
        if step.role.is_none() {
            step.role = role_tags(line).into_iter().next();
        }
        if fence.is_some() {
            step.nesting.clear();
        }
        match fence {
            Some(lang) if SHELLS.contains(&lang) => step.shell_line(number, line, lang),
            _ => {
                step.text_line(line);
                if let Some(item) = checkbox(line).filter(|_| fence.is_none()) {
                    step.checkbox_item(indent_of(line), item);
                } else if fence.is_some() || !step.fold_into_item(line) {
                    if !line.trim().is_empty() {
                        step.nesting.clear();
                    }
                    step.instructions.push(line.to_string());
                }
            }
        }
        if preset == Preset::Aws && step.title.contains("Game Day") {
            let narrative = line.trim_start_matches('>').trim();
            let entry = self
                .game_day
                .get_or_insert_with(|| (step.title.clone(), Vec::new()));
            if narrative.starts_with("*\"") || narrative.starts_with('"') {
                entry.1.push(narrative.trim_matches(['*', '"']).to_string());
            }
        }
    }

    /// The phases as documents, and what was placed elsewhere or skipped
    /// (a shell block lifted into a `command`, a heading with no content),
    /// in reading order.
    fn phase_documents(&mut self, role_ids: &[(String, String)]) -> (Vec<Value>, Vec<String>) {
        let mut phase_ids = UniqueIds::default();
        let mut phases = Vec::new();
        let mut placed = Vec::new();
        for phase in &self.phases {
            let mut steps = Vec::new();
            for step in &phase.steps {
                steps.push(step_document(
                    step,
                    role_ids,
                    &mut self.step_ids,
                    &mut placed,
                ));
            }
            if steps.is_empty() && phase.intro.is_empty() {
                placed.push(format!(
                    "not mapped: heading `{}` has no content of its own",
                    phase.title
                ));
                continue;
            }
            if steps.is_empty() {
                let text = phase.intro.join("\n").trim().to_string();
                steps.push(json!({
                    "id": self.step_ids.claim(slug(&phase.title, "step")),
                    "title": phase.title,
                    "instructions": if text.is_empty() { "(the source has no items here)".to_string() } else { text },
                }));
            }
            let mut p = Map::new();
            p.insert(
                "id".into(),
                phase_ids.claim(slug(&phase.title, "phase")).into(),
            );
            p.insert("title".into(), phase.title.clone().into());
            let intro = phase.intro.join("\n").trim().to_string();
            if !intro.is_empty() && !phase.steps.is_empty() {
                p.insert("summary".into(), intro.into());
            }
            p.insert("steps".into(), steps.into());
            phases.push(Value::Object(p));
        }
        (phases, placed)
    }

    fn finish(&mut self) -> (Value, Option<Value>) {
        let label = self.source.label;
        let file = std::path::Path::new(label)
            .file_name()
            .map_or_else(|| label.to_string(), |f| f.to_string_lossy().into_owned());
        let title = self.title.clone().unwrap_or_else(|| file.clone());
        let id = match self.preset {
            Preset::Aws => slug(title.split(':').next().unwrap_or(&title), "imported"),
            _ => slug(&title, "imported"),
        };
        let (roles, role_ids) = role_documents(&self.roles);
        let (mut phases, mut placed) = self.phase_documents(&role_ids);
        if phases.is_empty() {
            // The whole text is the one step: no part of it is left out,
            // so no note may say a section or line was.
            self.notes.push(format!(
                "warning: no phase headings found (the {} preset's phases are {}); the whole file is one step",
                self.preset.name(),
                self.preset.phase_headings()
            ));
            phases.push(json!({
                "id": "imported",
                "title": "Imported",
                "steps": [{"id": "read", "title": title, "instructions": self.source.text.trim()}],
            }));
        } else {
            self.notes.extend(self.outside.iter().map(|title| {
                format!(
                    "not mapped: section `{title}` (outside the phases; kept out of the playbook)"
                )
            }));
            self.notes.append(&mut placed);
            self.unmapped_notes();
        }
        let mut references = vec![json!({
            "title": format!("Source: {file} (imported {} with the {} preset)", self.source.imported_on, self.preset.name()),
        })];
        references.push(json!({
            "title": format!("Licence: {}", self.source.licence.unwrap_or("not stated beside the source")),
        }));
        references.append(&mut self.references);
        let mut tags = vec![Value::from("imported"), Value::from(self.preset.name())];
        tags.extend(self.attack.iter().map(|t| Value::from(t.clone())));
        let mut doc = Map::new();
        doc.insert("runsheet".into(), 1.into());
        doc.insert("id".into(), id.clone().into());
        doc.insert("title".into(), title.clone().into());
        doc.insert(
            "version".into(),
            self.version.clone().unwrap_or_else(|| "1".into()).into(),
        );
        doc.insert(
            "summary".into(),
            format!("Imported from {file}; review before use.").into(),
        );
        if let Some(r) = self
            .reviewed
            .clone()
            .filter(|r| NaiveDate::parse_from_str(r, "%Y-%m-%d").is_ok())
        {
            doc.insert("reviewed".into(), r.into());
        }
        doc.insert("tags".into(), tags.into());
        doc.insert("references".into(), references.into());
        if !roles.is_empty() {
            doc.insert("roles".into(), roles.into());
        }
        doc.insert("phases".into(), phases.into());
        let drill = self
            .game_day
            .as_ref()
            .map(|(section, narrative)| drill_stub(&id, &title, &file, section, narrative));
        (Value::Object(doc), drill)
    }

    /// Groups unmapped lines into ranges, one note each.
    fn unmapped_notes(&mut self) {
        let mut ranges: Vec<(usize, usize, String)> = Vec::new();
        for (number, line) in &self.unmapped {
            match ranges.last_mut() {
                Some((_, end, _)) if *end + 2 >= *number => *end = *number,
                _ => ranges.push((*number, *number, line.clone())),
            }
        }
        for (start, end, first) in ranges {
            let mut snippet: String = first.trim().chars().take(60).collect();
            if first.trim().chars().count() > 60 {
                snippet.push('…');
            }
            let lines = if start == end {
                format!("line {start}")
            } else {
                format!("lines {start}–{end}")
            };
            self.notes.push(format!("not mapped: {lines}: {snippet}"));
        }
    }
}

/// Roles as documents, and each role name's id.
fn role_documents(names: &[String]) -> (Vec<Value>, Vec<(String, String)>) {
    let mut taken = UniqueIds::default();
    let mut ids = Vec::new();
    let docs = names
        .iter()
        .map(|r| {
            let rid = taken.claim(slug(r, "role"));
            ids.push((r.clone(), rid.clone()));
            json!({"id": rid, "title": r})
        })
        .collect();
    (docs, ids)
}

/// A drill scenario from a "Game Day" section: its narrative is the
/// opening inject; the facilitator completes the rest.
fn drill_stub(id: &str, title: &str, file: &str, section: &str, narrative: &[String]) -> Value {
    let body = if narrative.is_empty() {
        "(write the opening scenario)".to_string()
    } else {
        narrative.join("\n\n")
    };
    json!({
        "runsheet": 1,
        "drill": format!("{id}-game-day"),
        "title": format!("Game day: {title}"),
        "playbook": id,
        "summary": format!("Stub from \"{section}\" of {file}: complete the injects before use."),
        "injects": [{
            "id": "scenario",
            "at": "T+0m",
            "title": "The scenario begins",
            "body": body,
        }],
    })
}

/// A step from a list item: the item as its title (plain text), or, when
/// long, a shortened title and the item as Markdown instructions.
fn step_from_item(item: &str) -> StepBuild {
    let text = item.trim_end_matches('\\').trim();
    let role = role_tags(text).into_iter().next();
    let title = unescape(text);
    if title.chars().count() <= 120 {
        StepBuild {
            title,
            role,
            ..StepBuild::default()
        }
    } else {
        let short: String = title.chars().take(100).collect();
        StepBuild {
            title: format!("{}…", short.trim_end()),
            instructions: vec![text.to_string()],
            role,
            ..StepBuild::default()
        }
    }
}

/// A step as a document; a note for a shell block lifted into its
/// `command` goes into `notes`.
fn step_document(
    step: &StepBuild,
    roles: &[(String, String)],
    taken: &mut UniqueIds,
    notes: &mut Vec<String>,
) -> Value {
    let mut doc = Map::new();
    let title = if step.title.is_empty() {
        "Step".to_string()
    } else {
        step.title.clone()
    };
    doc.insert("id".into(), taken.claim(slug(&title, "step")).into());
    doc.insert("title".into(), title.into());
    if let Some(role) = &step.role
        && let Some((_, id)) = roles.iter().find(|(r, _)| r == role)
    {
        doc.insert("role".into(), id.clone().into());
    }
    let lifted = step.lifted_block();
    let kept = lifted.map_or(0..0, |block| block.lines.clone());
    let instructions = step
        .instructions
        .iter()
        .enumerate()
        .filter(|(i, _)| !kept.contains(i))
        .map(|(_, line)| line.as_str())
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string();
    if !instructions.is_empty() {
        doc.insert("instructions".into(), instructions.into());
    }
    if !step.checklist.is_empty() {
        let items: Vec<String> = step.checklist.iter().map(ItemBuild::render).collect();
        doc.insert("checklist".into(), items.into());
    }
    if let Some(block) = lifted {
        doc.insert("command".into(), block.body(&step.instructions).into());
        notes.push(lifted_note(block, &doc["title"]));
    }
    Value::Object(doc)
}

/// Tells that a shell block left the text for the step's `command`.
fn lifted_note(block: &ShellBlock, title: &Value) -> String {
    let (first, last) = block.source;
    let lines = if first == last {
        format!("line {first}")
    } else {
        format!("lines {first}–{last}")
    };
    format!(
        "moved: the `{}` block at {lines} ends step `{}`: it is the step's `command`, shown after its instructions",
        block.lang,
        title.as_str().unwrap_or_default()
    )
}

/// A references line: a numbered or bulleted URL or Markdown link.
fn reference(line: &str) -> Option<Value> {
    let item = top_item(line)?;
    if let Some(rest) = item.strip_prefix('[')
        && let Some((title, tail)) = rest.split_once("](")
        && let Some((url, _)) = tail.split_once(')')
    {
        return Some(json!({"title": unescape(title), "url": unescape(url)}));
    }
    let url = item.split_whitespace().find(|w| w.starts_with("http"))?;
    Some(json!({"title": unescape(item), "url": unescape(url)}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_and_items_are_recognised() {
        assert_eq!(
            picerl_heading("**(P) Preparation**").as_deref(),
            Some("Preparation")
        );
        assert_eq!(
            picerl_heading("** (l)  Lessons/Opportunities **").as_deref(),
            Some("Lessons/Opportunities")
        );
        assert_eq!(
            part_heading("## Part 4b — Recover"),
            Some("Part 4b — Recover")
        );
        assert_eq!(top_item("12.  Restrict the use"), Some("Restrict the use"));
        assert_eq!(
            sub_item("    a. Command executions  "),
            Some("Command executions")
        );
        assert_eq!(checkbox("- [ ] Isolate the host"), Some("Isolate the host"));
        for rule in ["---", "* * *", "___", "  -----", "- - -"] {
            assert!(is_thematic_break(rule), "{rule}");
        }
        for not_rule in ["--", "-*-", "--- x", "    ---", ""] {
            assert!(!is_thematic_break(not_rule), "{not_rule}");
        }
    }

    /// Defect: an item starting with `[` was never an item, so a link item
    /// (`- [NIST …](https://…)`) in a reference section was listed as not
    /// mapped. Only `[ ]`, `[x]` or `[X]`, then whitespace or nothing, is a
    /// checkbox.
    #[test]
    fn a_link_item_is_an_item_and_only_a_real_checkbox_is_a_checkbox() {
        let link = "- [NIST SP 800-61r3](https://csrc.nist.gov/pubs/sp/800/61/r3/final)";
        assert_eq!(
            top_item(link),
            Some("[NIST SP 800-61r3](https://csrc.nist.gov/pubs/sp/800/61/r3/final)")
        );
        assert_eq!(
            reference(link),
            Some(
                json!({"title": "NIST SP 800-61r3", "url": "https://csrc.nist.gov/pubs/sp/800/61/r3/final"})
            )
        );
        assert_eq!(checkbox(link), None);
        for real in ["- [ ] Isolate", "* [x] Isolate", "- [X]\tIsolate"] {
            assert_eq!(top_item(real), None, "{real}");
            assert_eq!(checkbox(real), Some("Isolate"), "{real}");
        }
        assert_eq!(checkbox("- [ ]"), Some(""));
        assert_eq!(top_item("- [x]Isolate"), Some("[x]Isolate"));
        assert_eq!(checkbox("- [x]Isolate"), None);
        assert_eq!(checkbox("- [x](https://x.example)"), None);
    }

    /// Defect: each step whose title an earlier step had tried the ids
    /// `-2`, `-3`, … from the start, so 5,000 steps with one title cost
    /// 12.5 million tries. Each title now resumes where it stopped: about
    /// two tries per step, and the ids are the ones the old search gave (a
    /// suffix another title took, `-3` here, is skipped as before).
    #[test]
    fn many_markdown_steps_with_one_title_get_their_ids_in_linear_work() {
        let steps = 5_000;
        let mut text = String::from("# Runbook\n\n## Triage\n\n1. Check the host 3\n");
        text.push_str(&"1. Check the host\n".repeat(steps));
        let source = Source {
            label: "many.md",
            text: &text,
            licence: None,
            imported_on: NaiveDate::from_ymd_opt(2026, 11, 29).expect("a date"),
        };
        let mut builder = Builder::new(source, Preset::Generic);
        builder.read();
        let (doc, _) = builder.finish();
        let ids: Vec<&str> = doc["phases"][0]["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .filter_map(|step| step["id"].as_str())
            .collect();
        let mut expected = vec!["check-the-host-3", "check-the-host", "check-the-host-2"]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
        expected.extend((4..=steps + 1).map(|n| format!("check-the-host-{n}")));
        assert_eq!(ids, expected);
        assert!(
            builder.step_ids.tries() <= 2 * (steps + 1),
            "{} tries for {} step ids",
            builder.step_ids.tries(),
            steps + 1
        );
    }

    #[test]
    fn role_spellings_are_normalised() {
        assert_eq!(
            role_tags("`[Account/Agent Owner]` then `[Account / Agent Owner]`"),
            vec![
                "Account / Agent Owner".to_string(),
                "Account / Agent Owner".to_string()
            ]
        );
    }

    #[test]
    fn attack_ids_are_found() {
        let mut ids = BTreeSet::new();
        attack_ids(
            "see T1567.002, TA0010 and https://attack.mitre.org/techniques/T1567/ not T12345",
            &mut ids,
        );
        assert_eq!(
            ids.into_iter().collect::<Vec<_>>(),
            vec!["T1567", "T1567.002", "TA0010"]
        );
    }
}
