//! Who resumes a journal when neither `--as` nor the config says: the
//! actor of its last session on this host. The journal is read from its
//! end, a block at a time, only back to that session's `session_started`
//! line: a long journal is not read and decoded whole for one name
//! (opening it for the runner verifies every line just after).

use std::io::{self, Read as _, Seek as _, SeekFrom};
use std::path::Path;

use crate::journal::{Entry, Kind};

/// Bytes read at a time, from the end backwards.
const BLOCK: u64 = 256 * 1024;

/// The actor of the last complete `session_started` line on `host`, if
/// any. On a journal that verifies this is the actor of the last such
/// verified entry; one that does not cannot be resumed anyway.
pub fn last_actor_on_host(path: &Path, host: &str) -> Option<String> {
    let mut file = crate::journal::attachment::open_regular(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut pos = len;
    // Bytes from `pos` to the end of the last line not yet looked at.
    let mut rest: Vec<u8> = Vec::new();
    let mut complete_end = None;
    while pos > 0 {
        let start = pos.saturating_sub(BLOCK);
        let mut block = vec![0; usize::try_from(pos - start).ok()?];
        read_at(&mut file, start, &mut block).ok()?;
        pos = start;
        block.extend_from_slice(&rest);
        rest = block;
        if complete_end.is_none() {
            // Bytes after the last newline are an interrupted write.
            let Some(last) = rest.iter().rposition(|b| *b == b'\n') else {
                continue;
            };
            rest.truncate(last + 1);
            complete_end = Some(());
        }
        if let Some(actor) = search_lines(&mut rest, pos == 0, host) {
            return Some(actor);
        }
    }
    None
}

/// Looks at the complete lines of `rest` (each ending with a newline)
/// from the last; leaves in `rest` the first one, whose start may lie
/// before the block, unless `at_start`.
fn search_lines(rest: &mut Vec<u8>, at_start: bool, host: &str) -> Option<String> {
    while !rest.is_empty() {
        let body_end = rest.len() - 1;
        let line_start = match rest[..body_end].iter().rposition(|b| *b == b'\n') {
            Some(i) => i + 1,
            None if at_start => 0,
            None => return None,
        };
        if let Some(actor) = session_actor(&rest[line_start..body_end], host) {
            return Some(actor);
        }
        rest.truncate(line_start);
    }
    None
}

/// The actor of `line` if it is a `session_started` entry on `host`.
fn session_actor(line: &[u8], host: &str) -> Option<String> {
    let text = std::str::from_utf8(line).ok()?;
    if !text.contains("\"session_started\"") {
        return None;
    }
    let entry = Entry::decode(text).ok()?;
    (entry.kind == Kind::SessionStarted
        && entry.data.get("host").and_then(|h| h.as_str()) == Some(host))
    .then_some(entry.actor)
}

fn read_at(file: &mut std::fs::File, at: u64, into: &mut [u8]) -> io::Result<()> {
    file.seek(SeekFrom::Start(at))?;
    file.read_exact(into)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::{ZERO_HASH, sha256_hex};
    use crate::journal::event::{Note, Payload};
    use crate::journal::verify::verify;
    use crate::journal::{Draft, Event};

    /// Sessions by Dana on `here`, Lee on `there`, then notes by Dana,
    /// each note long enough that the journal spans several blocks.
    fn journal(sessions: &[(&str, &str)], notes: usize) -> String {
        let mut prev = ZERO_HASH.to_string();
        let mut bytes = String::new();
        let mut seq = 0;
        let mut push = |actor: &str, event: Event, bytes: &mut String| {
            let draft = Draft {
                ts: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
                mono_ms: 0,
                scenario_ms: None,
                session: format!("s-{actor}"),
                actor: actor.into(),
                event,
            };
            let text = draft.into_entry(seq, prev.clone()).encode();
            seq += 1;
            prev = sha256_hex(text.as_bytes());
            bytes.push_str(&text);
            bytes.push('\n');
        };
        for (actor, host) in sessions {
            let mut started = crate::commands::open::session_started("resume");
            if let Payload::SessionStarted(s) = &mut started.payload {
                s.host = (*host).to_string();
            }
            push(actor, started, &mut bytes);
            for n in 0..notes {
                let text = format!("{n} {}", "x".repeat(900));
                push(actor, Event::new(Payload::Note(Note { text })), &mut bytes);
            }
        }
        bytes
    }

    /// What the journal's verified lines say, the way it was found before.
    fn by_verified_lines(bytes: &str, host: &str) -> Option<String> {
        crate::commands::open::last_actor_on_host(&verify(bytes.as_bytes()).lines, host)
    }

    #[test]
    fn finds_the_same_actor_as_the_verified_lines_across_blocks() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("j.jsonl");
        let cases: [&[(&str, &str)]; 4] = [
            &[("Dana", "here"), ("Lee", "there")],
            &[("Lee", "there"), ("Dana", "here"), ("Kim", "here")],
            &[("Lee", "there")],
            &[],
        ];
        for sessions in cases {
            for notes in [0, 1, 700] {
                let bytes = journal(sessions, notes);
                for torn in ["", "{\"v\":1,\"seq\""] {
                    std::fs::write(&path, format!("{bytes}{torn}")).expect("write");
                    for host in ["here", "there", "elsewhere"] {
                        assert_eq!(
                            last_actor_on_host(&path, host),
                            by_verified_lines(&bytes, host),
                            "{sessions:?} with {notes} notes, torn {torn:?}, host {host}"
                        );
                    }
                }
            }
        }
    }
}
