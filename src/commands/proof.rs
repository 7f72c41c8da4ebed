//! `checkpoint`, `key new` and the checkpoint part of `verify`: the IO
//! shell around `crate::proof`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{Env, Failure};
use crate::journal::Event;
use crate::journal::event::Payload;
use crate::journal::writer::JournalFile;
use crate::proof::checkpoint::{self, Finding, Subject};
use crate::proof::key::{self, SigningKey};
use crate::proof::tail;
use crate::session::{self, Identity};

/// The key used when `--key` is not given.
pub fn default_key_path() -> PathBuf {
    crate::paths::data_dir()
        .join("keys")
        .join("checkpoint_ed25519")
}

/// `runsheet key new [FILE]`: a new Ed25519 key in the OpenSSH format.
pub fn key_new(path: Option<&Path>) -> Result<String, Failure> {
    let path = path.map_or_else(default_key_path, Path::to_path_buf);
    let key = SigningKey::create(&path, "runsheet checkpoint key").map_err(Failure::usage)?;
    let public = key
        .public()
        .to_openssh()
        .map_err(|e| Failure::usage(format!("cannot encode the public key: {e}")))?;
    Ok(format!(
        "key: {}\npublic key: {}\nfingerprint: {}\n{public}\n\
         Give the public key to whoever will check your checkpoints, before the incident.\n",
        path.display(),
        key::public_path(&path).display(),
        key.fingerprint()
    ))
}

/// `runsheet checkpoint <journal|folder>`: signs each journal's state and
/// journals a `checkpoint` entry.
pub fn checkpoint(
    env: &Env,
    target: &Path,
    key_path: Option<&Path>,
    actor: Option<&str>,
) -> Result<String, Failure> {
    let key_path = key_path.map_or_else(default_key_path, Path::to_path_buf);
    let key = SigningKey::read(&key_path).map_err(Failure::usage)?;
    let mut out = String::new();
    for journal in journals_in(target)? {
        out.push_str(&checkpoint_one(env, &journal, &key, actor)?);
    }
    Ok(out)
}

/// A journal file, or every `*.jsonl` file of a folder (a case folder).
fn journals_in(target: &Path) -> Result<Vec<PathBuf>, Failure> {
    if !target.is_dir() {
        return Ok(vec![target.to_path_buf()]);
    }
    let entries = std::fs::read_dir(target)
        .map_err(|e| Failure::usage(format!("{}: {e}", target.display())))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    found.sort();
    if found.is_empty() {
        return Err(Failure::usage(format!(
            "{}: no journal (*.jsonl) in this folder",
            target.display()
        )));
    }
    Ok(found)
}

fn checkpoint_one(
    env: &Env,
    path: &Path,
    key: &SigningKey,
    actor: Option<&str>,
) -> Result<String, Failure> {
    let opened = JournalFile::open(path)?;
    let created = session::require_created(&opened.lines, path)?;
    let who = Identity::new(env.config.actor(actor));
    let mut file = opened.file;
    let mut lines = opened.lines;
    let write_failed = |e: String| Failure::usage(format!("{}: write failed: {e}", path.display()));
    for recovery in opened.recoveries {
        let draft = who.draft(env.clock.as_ref(), Event::new(Payload::Recovery(recovery)));
        lines.push(file.append(draft).map_err(write_failed)?);
    }
    let (payload, note) = checkpoint::make(path, &created.journal_id, &lines, key)
        .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let note_path = dir.join(&payload.note);
    let sig_path = dir.join(&payload.ssh_signature);
    let draft = who.draft(env.clock.as_ref(), Event::new(Payload::Checkpoint(payload)));
    let line = file.append(draft).map_err(write_failed)?;
    Ok(format!(
        "saved: entry {} (checkpoint) of {}\nnote: {}\nSSH signature: {}\n{note}",
        line.entry.seq,
        path.display(),
        note_path.display(),
        sig_path.display(),
    ))
}

/// What `verify` checks besides the chain.
#[derive(Debug, Default)]
pub struct VerifyOptions {
    /// A signed note kept elsewhere.
    pub checkpoint: Option<PathBuf>,
    /// A head hash kept elsewhere.
    pub expect_head: Option<String>,
    /// Public keys the reviewer trusts.
    pub keys: Vec<PathBuf>,
}

/// `runsheet verify`: the chain, every recorded checkpoint, the optional
/// outside checkpoint and head, and the state of the tail.
pub fn verify(path: &Path, options: &VerifyOptions) -> Result<(String, u8), Failure> {
    let checked = session::read_journal(path)?;
    let (mut out, mut code) = super::journal::chain_report(path, &checked);
    let trusted = options
        .keys
        .iter()
        .map(|k| key::read_public(k))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::usage)?;
    let Some(created) = session::created_of(&checked.lines) else {
        return Ok((out, code.max(1)));
    };
    let subject = Subject::new(path, &created.journal_id, &checked.lines, &trusted);
    let mut findings = checkpoint::check_recorded(&subject);
    if let Some(note) = &options.checkpoint {
        findings.extend(checkpoint::check_external(
            &subject,
            note,
            checked.broken.is_some(),
        ));
    }
    if let Some(head) = &options.expect_head {
        findings.push(checkpoint::check_head(&subject, head));
    }
    if findings.is_empty() && !trusted.is_empty() {
        findings.push(Finding {
            problem: true,
            text: "--key was given, but the journal records no checkpoint to check".into(),
        });
    }
    for f in &findings {
        let _ = writeln!(out, "{}{}", if f.problem { "broken: " } else { "" }, f.text);
        if f.problem {
            code = code.max(1);
        }
    }
    if let Some(message) = tail::assess(path, &checked.lines).message() {
        let _ = writeln!(out, "{message}");
    }
    Ok((out, code))
}
