//! `checkpoint`, `key new` and the checkpoint part of `verify`: the IO
//! shell around `crate::proof`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;

use super::{Env, Failure};
use crate::commands::open as session;
use crate::journal::Event;
use crate::journal::event::Payload;
use crate::journal::identity::Identity;
use crate::journal::writer::JournalFile;
use crate::proof::anchor;
use crate::proof::checkpoint::{self, Finding, Subject};
use crate::proof::key::{self, SigningKey};
use crate::proof::merkle;
use crate::proof::scan::{RootsAt, Scan};

/// The key used when `--key` is not given.
pub fn default_key_path() -> PathBuf {
    crate::paths::data_dir()
        .join("keys")
        .join("checkpoint_ed25519")
}

/// `runsheet key new [FILE]`: a new Ed25519 key in the OpenSSH format.
pub fn key_new(path: Option<&Path>) -> Result<String, Failure> {
    let path = path.map_or_else(default_key_path, Path::to_path_buf);
    // The key itself is never written over an existing file; its `.pub`
    // beside it must not take a journal's place either.
    super::guard::refuse_journal_output(&key::public_path(&path))?;
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
    let journals = journals_in(target)?;
    for journal in &journals {
        refuse_case_journal(journal)?;
    }
    let key_path = key_path.map_or_else(default_key_path, Path::to_path_buf);
    let key = SigningKey::read(&key_path).map_err(Failure::usage)?;
    let mut out = String::new();
    for journal in journals {
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

/// Refuses a team case's journal named by its file: a case is anchored
/// by its case head, over every journal, not by one journal's checkpoint.
fn refuse_case_journal(journal: &Path) -> Result<(), Failure> {
    super::journal::refuse_case_journal(journal, |dir| {
        format!(
            "{}; a case is anchored by its case head instead: runsheet verify {dir} prints it, to paste into a ticket",
            super::journal::WRITTEN_THROUGH_ITS_CASE
        )
    })
}

fn checkpoint_one(
    env: &Env,
    path: &Path,
    key: &SigningKey,
    actor: Option<&str>,
) -> Result<String, Failure> {
    let opened = JournalFile::open(path)?;
    let created = session::require_created(&opened.lines, path)?;
    let who = Identity::new(super::journal::script_actor(env, actor, &opened.lines)?);
    let mut file = opened.file;
    let mut lines = opened.lines;
    let write_failed = |e: crate::journal::writer::WriteError| {
        Failure::usage(format!("{}: write failed: {e}", path.display()))
    };
    for recovery in opened.recoveries {
        let draft = who.draft(env.clock.as_ref(), Event::new(Payload::Recovery(recovery)));
        lines.push(file.append(draft).map_err(write_failed)?);
    }
    let (payload, note) = checkpoint::make(path, &created.journal_id, &lines, key)
        .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let note_path = dir.join(&payload.note);
    let sig_path = dir.join(&payload.ssh_signature);
    let draft = who.draft(
        env.clock.as_ref(),
        Event::new(Payload::Checkpoint(Box::new(payload))),
    );
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
    refuse_unusable_options(options)?;
    // The size an outside note covers is the one root wanted before the
    // pass; a note that cannot be read is reported by `check_external`.
    let outside_size = options
        .checkpoint
        .as_ref()
        .and_then(|note| std::fs::read(note).ok())
        .and_then(|bytes| crate::proof::note::peek(&bytes).ok())
        .map(|body| body.size);
    let mut scan = Scan::new(outside_size, options.expect_head.as_deref());
    let (mut out, mut code, checked) =
        super::journal::verify_with(path, merkle::leaf_hash, |line, leaf| scan.add(line, leaf))?;
    let mut scan = scan.finish();
    complete_roots(path, &mut scan)?;
    let trusted = options
        .keys
        .iter()
        .map(|k| key::read_public(k))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::usage)?;
    let Some(created) = scan.created() else {
        return Ok((out, code.max(1)));
    };
    let subject = Subject::new(path, &created.journal_id, &scan, &trusted);
    let mut findings = checkpoint::check_recorded(&subject);
    findings.extend(check_anchors(path, &scan));
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
        // Past a break nothing is read: a checkpoint there is not absent,
        // only unchecked.
        let text = match &checked.broken {
            Some(at) => format!(
                "--key was given, but no checkpoint before the break at line {} can be checked; one recorded past it would not be trusted",
                at.line
            ),
            None => "--key was given, but the journal records no checkpoint to check".into(),
        };
        findings.push(Finding {
            problem: true,
            text,
        });
    }
    if findings.iter().any(|f| f.problem) {
        out = chain_only(&out);
    }
    for f in &findings {
        // A finding may quote the journal: it stays on its own line.
        let text = crate::printable::one_line(&f.text);
        let _ = writeln!(out, "{}{text}", if f.problem { "broken: " } else { "" });
        if f.problem {
            code = code.max(1);
        }
    }
    if let Some(message) = tail_statement(path, &scan, checked.broken.as_ref()) {
        let _ = writeln!(out, "{message}");
    }
    Ok((out, code))
}

/// What `verify` is asked to compare with must be usable before the
/// journal is judged: a head that is not a SHA-256 or a note that cannot be
/// read is the reader's mistake (exit 2), never a "broken" journal.
fn refuse_unusable_options(options: &VerifyOptions) -> Result<(), Failure> {
    if let Some(head) = &options.expect_head
        && !(head.len() == 64 && head.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(Failure::usage(format!(
            "--expect-head `{head}` is not a head hash: give the 64 hexadecimal digits `runsheet verify` printed (no `sha256:` prefix)"
        )));
    }
    if let Some(note) = &options.checkpoint
        && let Err(e) = std::fs::metadata(note).and_then(|_| std::fs::File::open(note))
    {
        return Err(Failure::usage(format!(
            "--checkpoint {}: cannot read: {}",
            note.display(),
            crate::diag::describe_io(&e)
        )));
    }
    Ok(())
}

/// The roots of the checkpoints that cover fewer entries than come
/// before them, which the scan could not make as it went: a second read
/// of the lines they cover.
fn complete_roots(path: &Path, scan: &mut Scan) -> Result<(), Failure> {
    if scan.missed().is_empty() {
        return Ok(());
    }
    let mut roots = RootsAt::new(scan.missed().clone());
    crate::journal::verify::verify_file_with(path, merkle::leaf_hash, |_, leaf| {
        roots.push(leaf);
    })
    .map_err(|error| crate::journal::writer::OpenError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    scan.roots_from(roots.finish());
    Ok(())
}

/// Whether an entry of `kind` is a proof `verify` checks beyond the
/// chain: a checkpoint or a timestamp.
pub fn is_proof(kind: crate::journal::Kind) -> bool {
    matches!(
        kind,
        crate::journal::Kind::Checkpoint | crate::journal::Kind::Anchor
    )
}

/// The problems `verify` finds with the checkpoints and timestamps a
/// journal records (no key trusted, nothing from outside): for `status`
/// and the exports, which must never call intact a journal `verify`
/// fails. Reads the journal once more, so callers ask only when it
/// records a checkpoint or a timestamp.
pub fn recorded_proof_problems(path: &Path) -> Result<Vec<String>, Failure> {
    let mut scan = Scan::new(None, None);
    crate::journal::verify::view_file(path, Some(merkle::leaf_hash), |line, leaf| {
        scan.add(&line, leaf.unwrap_or_default());
    })
    .map_err(|error| crate::journal::writer::OpenError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let mut scan = scan.finish();
    complete_roots(path, &mut scan)?;
    let Some(created) = scan.created() else {
        return Ok(Vec::new());
    };
    let subject = Subject::new(path, &created.journal_id, &scan, &[]);
    let mut findings = checkpoint::check_recorded(&subject);
    findings.extend(check_anchors(path, &scan));
    Ok(findings
        .into_iter()
        .filter(|f| f.problem)
        .map(|f| f.text)
        .collect())
}

/// What `verify` can say about the end of the journal. Past a break no
/// session end or checkpoint can be trusted, nor their absence: saying the
/// last session never ended would be a guess about lines that do not verify.
fn tail_statement(
    path: &Path,
    scan: &Scan,
    broken: Option<&crate::journal::verify::Break>,
) -> Option<String> {
    match broken {
        Some(at) => Some(format!(
            "tail cannot be checked past the break: the session ends and checkpoints recorded from line {} on do not verify, so nothing is said about them",
            at.line
        )),
        None => scan
            .tail()
            .assess(path)
            .message()
            .or_else(|| uncovered_statement(scan.tail())),
    }
}

/// For a journal whose last session ended: the entries after its last
/// checkpoint, which nothing signed or stamped covers. Whole sessions cut
/// off there leave a journal that verifies, so the reader is told what
/// would show it.
fn uncovered_statement(tail: &crate::proof::tail::TailScan) -> Option<String> {
    let (seq, size, after) = tail.after_last_checkpoint()?;
    let (count, them) = if after == 1 {
        (
            "1 entry after it (session ends and timestamps aside) is".to_string(),
            "it",
        )
    } else {
        (
            format!("{after} entries after it (session ends and timestamps aside) are"),
            "them",
        )
    };
    Some(format!(
        "note: the last checkpoint, entry {seq}, covers entries 0–{}; {count} covered by no checkpoint or timestamp: whole sessions cut off there would not show without a head hash kept elsewhere (`--expect-head`) or a later checkpoint covering {them}",
        size.saturating_sub(1)
    ))
}

/// The report of an intact chain whose journal still fails a check
/// (`--expect-head`, a checkpoint): its "intact: …" first line becomes a
/// plain statement about the chain, so the report gives one outcome, the
/// "broken: …" line that follows, never "intact" and "broken" both.
fn chain_only(out: &str) -> String {
    // Warnings may come before it: the line is found wherever it is.
    out.split_inclusive('\n')
        .map(|line| match line.strip_prefix("intact: ") {
            Some(rest) => format!("hash chain: {rest}"),
            None => line.to_string(),
        })
        .collect()
}

/// `runsheet anchor request <note>`: writes `<note>.tsq` for a timestamp
/// authority; runsheet itself sends nothing.
pub fn anchor_request(note: &Path) -> Result<String, Failure> {
    let bytes = std::fs::read(note)
        .map_err(|e| Failure::usage(format!("{}: cannot read: {e}", note.display())))?;
    crate::proof::note::peek(&bytes)
        .map_err(|e| Failure::usage(format!("{}: {e}", note.display())))?;
    let der = anchor::request(&bytes).map_err(Failure::usage)?;
    let tsq = with_suffix(note, ".tsq");
    crate::commands::export::write_atomically(&tsq, &der)
        .map_err(|e| Failure::usage(format!("{}: cannot write: {e}", tsq.display())))?;
    let tsr = with_suffix(note, ".tsr");
    Ok(format!(
        "request: {tsq}\nSend it to a timestamp authority, for example:\n  \
         curl -sS -H 'Content-Type: application/timestamp-query' --data-binary @{tsq} \
         https://freetsa.org/tsr -o {tsr}\nthen: runsheet anchor attach <journal> {tsr} --tsa-cert <authority certificate>\n",
        tsq = tsq.display(),
        tsr = tsr.display(),
    ))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// `runsheet anchor attach <journal> FILE.tsr`: checks the reply against
/// its request and the authority's certificate and journals an `anchor`
/// entry.
pub fn anchor_attach(
    env: &Env,
    journal: &Path,
    reply: &Path,
    request: Option<&Path>,
    tsa_cert: Option<&Path>,
    actor: Option<&str>,
) -> Result<String, Failure> {
    refuse_case_journal(journal)?;
    let read = |p: &Path| {
        std::fs::read(p).map_err(|e| Failure::usage(format!("{}: cannot read: {e}", p.display())))
    };
    let request_path = request.map_or_else(|| reply.with_extension("tsq"), Path::to_path_buf);
    let req = anchor::read_request(&read(&request_path)?)
        .map_err(|e| Failure::usage(format!("{}: {e}", request_path.display())))?;
    let cert = tsa_cert.map(read).transpose()?;
    let stamp = anchor::check_reply(&req, &read(reply)?, cert.as_deref())
        .map_err(|e| Failure::bad(format!("refused: {}: {e}", reply.display())))?;
    let opened = JournalFile::open(journal)?;
    let dir = journal.parent().unwrap_or(Path::new(""));
    let note = opened
        .lines
        .iter()
        .filter_map(|l| match l.entry.event().ok()?.payload {
            Payload::Checkpoint(c) => Some(c.note),
            _ => None,
        })
        .find(|name| {
            std::fs::read(dir.join(name))
                .is_ok_and(|b| crate::hash::sha256_hex(&b) == stamp.imprint)
        })
        .ok_or_else(|| {
            Failure::bad(format!(
                "refused: {} stamps no checkpoint note of {}",
                reply.display(),
                journal.display()
            ))
        })?;
    let who = Identity::new(super::journal::script_actor(env, actor, &opened.lines)?);
    let mut file = opened.file;
    for recovery in opened.recoveries {
        let draft = who.draft(env.clock.as_ref(), Event::new(Payload::Recovery(recovery)));
        file.append(draft)
            .map_err(|e| Failure::usage(format!("{}: write failed: {e}", journal.display())))?;
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let payload = crate::journal::event::Anchor {
        note: note.clone(),
        imprint: stamp.imprint,
        nonce: stamp.nonce,
        gen_time: stamp.gen_time.clone(),
        tsa: stamp.tsa.clone(),
        token: b64.encode(&stamp.token),
        tsa_cert: b64.encode(&stamp.cert),
    };
    let line = file
        .append(who.draft(
            env.clock.as_ref(),
            Event::new(Payload::Anchor(Box::new(payload))),
        ))
        .map_err(|e| Failure::usage(format!("{}: write failed: {e}", journal.display())))?;
    let unchecked = if tsa_cert.is_none() {
        " (checked with the certificate inside the token: give --tsa-cert to check who signed it)"
    } else {
        ""
    };
    Ok(format!(
        "saved: entry {} (anchor): {note} stamped by {} at {}{unchecked}\n",
        line.entry.seq, stamp.tsa, stamp.gen_time
    ))
}

/// Re-checks every `anchor` entry: the note still has the stamped hash and
/// the token still verifies with the certificate recorded.
pub fn check_anchors(path: &Path, scan: &Scan) -> Vec<Finding> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut out = Vec::new();
    for (seq, a) in scan.anchors() {
        let checked = (|| -> Result<(), String> {
            let note = std::fs::read(dir.join(&a.note))
                .map_err(|e| format!("its note {} cannot be read: {e}", a.note))?;
            if crate::hash::sha256_hex(&note) != a.imprint {
                return Err(format!("the note {} is not the one stamped", a.note));
            }
            let token = b64
                .decode(&a.token)
                .map_err(|_| "its token is not base64")?;
            let cert = b64
                .decode(&a.tsa_cert)
                .map_err(|_| "its certificate is not base64")?;
            let req = anchor::request_for(&a.imprint, &a.nonce)?;
            anchor::check_token(&token, &req, Some(&cert)).map(|_| ())?;
            stamped_after_its_checkpoint(a, scan)
        })();
        out.push(match checked {
            Ok(()) => Finding {
                problem: false,
                text: format!(
                    "entry {seq}: RFC 3161 timestamp of {} by {} at {} verifies with the certificate it carries; \
                     who issued it is not checked here (check the authority with `openssl ts -verify -CAfile`)",
                    a.note, a.tsa, a.gen_time
                ),
            },
            Err(why) => Finding {
                problem: true,
                text: format!("entry {seq} (anchor): {why}"),
            },
        });
    }
    out
}

/// A genuine timestamp of a checkpoint's note is made after the
/// checkpoint was recorded: one earlier (beyond the clock skew allowed
/// everywhere) comes from an authority whose clock, or identity, is not
/// what it says.
fn stamped_after_its_checkpoint(
    a: &crate::journal::event::Anchor,
    scan: &Scan,
) -> Result<(), String> {
    let checkpoint_seq = a
        .note
        .rsplit_once(".checkpoint-")
        .and_then(|(_, rest)| rest.strip_suffix(".note"))
        .and_then(|n| n.parse::<u64>().ok());
    let recorded = checkpoint_seq.and_then(|seq| scan.checkpoint_recorded_at(seq));
    let stamped = chrono::DateTime::parse_from_rfc3339(&a.gen_time)
        .ok()
        .map(|t| t.to_utc());
    let (Some(recorded), Some(stamped)) = (recorded, stamped) else {
        return Ok(());
    };
    let skew = chrono::Duration::minutes(crate::run::rules::CLOCK_SKEW_MINUTES);
    if stamped + skew < recorded {
        return Err(format!(
            "its time {} is before the checkpoint it stamps was recorded ({}): a genuine timestamp of that note cannot be earlier, so the authority's clock or identity is not what it says",
            a.gen_time,
            crate::playbook::value::format_utc(recorded)
        ));
    }
    Ok(())
}
