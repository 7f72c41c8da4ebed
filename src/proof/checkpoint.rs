//! Making checkpoints of a journal and checking a journal against them.
//!
//! A checkpoint covers the first `size` lines. runsheet writes the signed
//! note and its SSH signature beside the journal, then journals a
//! `checkpoint` entry right after those lines (so a note of `size` lines is
//! always recorded as entry `size`). Verification recomputes the Merkle
//! root over the lines as stored and checks both signatures.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ssh_key::PublicKey;

use super::key::{self, SigningKey};
use super::merkle::{self, Hash};
use super::note::{self, Body};
use super::scan::Scan;
use crate::hash::sha256_hex;
use crate::journal::Line;
use crate::journal::event::Checkpoint;

/// The files of the checkpoint of the first `size` entries of `journal`.
pub fn file_names(journal: &Path, size: u64) -> (String, String) {
    let stem = journal
        .file_name()
        .map_or_else(|| "journal".into(), |n| n.to_string_lossy().into_owned());
    let note = format!("{stem}.checkpoint-{size}.note");
    let sig = format!("{note}.sig");
    (note, sig)
}

/// The leaf hash of every line, in order.
pub fn leaf_hashes(lines: &[Line]) -> Vec<Hash> {
    lines
        .iter()
        .map(|l| merkle::leaf_hash(l.text.as_bytes()))
        .collect()
}

/// Signs the state of `lines` (all verified lines of the journal at
/// `journal`), writes the note and the SSH signature beside it, and returns
/// the `checkpoint` payload to journal next.
pub fn make(
    journal: &Path,
    journal_id: &str,
    lines: &[Line],
    key: &SigningKey,
) -> Result<(Checkpoint, String), String> {
    let last = lines
        .last()
        .ok_or("the journal has no entry to checkpoint")?;
    let body = Body {
        origin: note::origin_for(journal_id),
        size: lines.len() as u64,
        root: merkle::root_of_hashes(&leaf_hashes(lines)),
    };
    let (seed, public) = key.ed25519()?;
    let signed = note::sign(&body, &seed, &public)?;
    let armoured = key.ssh_sign(signed.as_bytes())?;
    let (note_name, sig_name) = file_names(journal, body.size);
    let dir = folder_of(journal);
    for (name, bytes) in [
        (&note_name, signed.as_bytes()),
        (&sig_name, armoured.as_bytes()),
    ] {
        let path = dir.join(name);
        crate::commands::export::write_atomically(&path, bytes)
            .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    }
    let payload = Checkpoint {
        size: body.size,
        root: body.root_base64(),
        head: sha256_hex(last.text.as_bytes()),
        key: key.fingerprint(),
        verifier: note::verifier_key(&body.origin, &public),
        note: note_name,
        ssh_signature: sig_name,
    };
    Ok((payload, signed))
}

fn folder_of(journal: &Path) -> PathBuf {
    match journal.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// One line of a verification report: a fact that holds, or a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub problem: bool,
    pub text: String,
}

impl Finding {
    fn ok(text: String) -> Self {
        Self {
            problem: false,
            text,
        }
    }

    fn bad(text: String) -> Self {
        Self {
            problem: true,
            text,
        }
    }
}

/// A journal's verified lines, as a [`Scan`] gathered them, with what
/// checking checkpoints needs.
#[derive(Debug)]
pub struct Subject<'a> {
    pub path: &'a Path,
    pub journal_id: &'a str,
    /// The keys a reviewer trusts (`verify --key`); empty: the key of the
    /// first checkpoint, which the report names for comparison.
    pub trusted: &'a [PublicKey],
    scan: &'a Scan,
}

impl<'a> Subject<'a> {
    pub fn new(
        path: &'a Path,
        journal_id: &'a str,
        scan: &'a Scan,
        trusted: &'a [PublicKey],
    ) -> Self {
        Self {
            path,
            journal_id,
            trusted,
            scan,
        }
    }

    fn root_of_first(&self, size: u64) -> Option<Hash> {
        self.scan.root_of_first(size)
    }

    /// Every `checkpoint` entry, with its sequence number.
    fn recorded(&self) -> Vec<(u64, Checkpoint)> {
        self.scan.recorded().to_vec()
    }
}

/// Checks every checkpoint recorded in the journal: signature, SSH
/// signature, key, size and root over the lines it covers.
pub fn check_recorded(subject: &Subject<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    // The first key seen, when the reviewer named none.
    let mut first_key: Option<(String, u64)> = None;
    for (seq, c) in subject.recorded() {
        match check_one(subject, seq, &c) {
            Err(why) => findings.push(Finding::bad(format!("entry {seq} (checkpoint): {why}"))),
            Ok(public) => {
                let fingerprint = key::fingerprint_of(&public);
                if let Some(problem) =
                    trust_problem(subject, &fingerprint, &public, &mut first_key, seq)
                {
                    findings.push(Finding::bad(format!("entry {seq} (checkpoint): {problem}")));
                    continue;
                }
                findings.push(Finding::ok(format!(
                    "entry {seq}: checkpoint covering entries 0–{} verifies (signed note, SSH signature and Merkle root), key {fingerprint}",
                    c.size.saturating_sub(1)
                )));
            }
        }
    }
    findings
}

/// Whether a key that signed correctly is the one to trust.
fn trust_problem(
    subject: &Subject<'_>,
    fingerprint: &str,
    public: &PublicKey,
    first_key: &mut Option<(String, u64)>,
    seq: u64,
) -> Option<String> {
    if !subject.trusted.is_empty() {
        return (!subject.trusted.iter().any(|k| k.key_data() == public.key_data())).then(|| {
            format!("signed by {fingerprint}, which is not a key given with --key: a checkpoint made with another key")
        });
    }
    match first_key {
        None => {
            *first_key = Some((fingerprint.to_string(), seq));
            None
        }
        Some((first, at)) if first != fingerprint => Some(format!(
            "signed by {fingerprint}, but the first checkpoint (entry {at}) was signed by {first}: a checkpoint made with another key (name the right one with --key)"
        )),
        Some(_) => None,
    }
}

/// One recorded checkpoint, checked on its own; its signing key if good.
fn check_one(subject: &Subject<'_>, seq: u64, c: &Checkpoint) -> Result<PublicKey, String> {
    if c.size > seq {
        return Err(format!(
            "claims to cover {} entries, but only {seq} come before it",
            c.size
        ));
    }
    let root = subject
        .root_of_first(c.size)
        .ok_or("covers entries that do not verify")?;
    let expected = Body {
        origin: note::origin_for(subject.journal_id),
        size: c.size,
        root,
    };
    if expected.root_base64() != c.root {
        return Err(format!(
            "entries 0–{} no longer give the Merkle root it recorded: at least one of them was changed",
            c.size.saturating_sub(1)
        ));
    }
    let dir = folder_of(subject.path);
    let note_path = dir.join(plain_name(&c.note)?);
    let note_bytes = std::fs::read(&note_path)
        .map_err(|e| format!("its note {} cannot be read: {e}", note_path.display()))?;
    let body = note::open(&note_bytes, &c.verifier)
        .map_err(|e| format!("note {}: {e}", note_path.display()))?;
    if body != expected {
        return Err(format!(
            "note {} states {} entries of {} with another root",
            note_path.display(),
            body.size,
            body.origin
        ));
    }
    let public = public_of_verifier(&c.verifier)?;
    let fingerprint = key::fingerprint_of(&public);
    if fingerprint != c.key {
        return Err(format!(
            "records key {} but its verifier key is {fingerprint}",
            c.key
        ));
    }
    let sig_path = dir.join(plain_name(&c.ssh_signature)?);
    let armoured = std::fs::read_to_string(&sig_path).map_err(|e| {
        format!(
            "its SSH signature {} cannot be read: {e}",
            sig_path.display()
        )
    })?;
    key::ssh_verify(&public, &note_bytes, &armoured)
        .map_err(|e| format!("{}: {e}", sig_path.display()))?;
    Ok(public)
}

/// A file name recorded in the journal, refused if it points elsewhere.
fn plain_name(name: &str) -> Result<&str, String> {
    let plain = Path::new(name).file_name().and_then(|n| n.to_str()) == Some(name);
    if plain && !name.starts_with('.') {
        Ok(name)
    } else {
        Err(format!(
            "names the file `{name}` outside the journal's folder"
        ))
    }
}

/// The Ed25519 public key inside a signed-note verifier key string.
fn public_of_verifier(verifier: &str) -> Result<PublicKey, String> {
    use base64::Engine as _;
    // `name+keyid+base64`: the base64 may itself contain `+`.
    let encoded = verifier.splitn(3, '+').nth(2).unwrap_or_default();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| "its verifier key is not base64".to_string())?;
    match bytes.split_first() {
        Some((1, key)) => <[u8; 32]>::try_from(key)
            .map(key::ed25519_public)
            .map_err(|_| "its verifier key is not an Ed25519 key".into()),
        _ => Err("its verifier key is not an Ed25519 key".into()),
    }
}

/// Checks the journal against a signed note kept elsewhere.
pub fn check_external(subject: &Subject<'_>, note_path: &Path, broken: bool) -> Vec<Finding> {
    let shown = note_path.display();
    let bytes = match std::fs::read(note_path) {
        Ok(b) => b,
        Err(e) => return vec![Finding::bad(format!("{shown}: cannot read: {e}"))],
    };
    let body = match note::peek(&bytes) {
        Ok(b) => b,
        Err(e) => return vec![Finding::bad(format!("{shown}: {e}"))],
    };
    let origin = note::origin_for(subject.journal_id);
    if body.origin != origin {
        return vec![Finding::bad(format!(
            "{shown} is a checkpoint of `{}`, and this journal is `{origin}`",
            body.origin
        ))];
    }
    let mut out = Vec::new();
    let have = subject.scan.entries();
    let n = body.size;
    let signer = match external_signer(subject, &bytes, &body) {
        Ok(s) => Some(s),
        Err(e) => {
            out.push(
                key_out_of_reach(subject, note_path, &body, broken)
                    .unwrap_or_else(|| Finding::bad(format!("{shown}: {e}"))),
            );
            None
        }
    };
    let mut text = String::new();
    if have < n + 1 {
        let missing = n + 1 - have;
        if broken && have < n {
            let _ = write!(
                text,
                "{shown} covers entries 0–{}, but only entries 0–{} verify: the chain breaks before the checkpoint",
                n.saturating_sub(1),
                have.saturating_sub(1)
            );
        } else if have < n || subject.root_of_first(n).is_some_and(|r| r == body.root) {
            let range = if missing == 1 {
                format!("entry {n}")
            } else {
                format!("entries {have}–{n}")
            };
            let _ = write!(
                text,
                "{missing} {} missing ({range}): {shown} covers entries 0–{} and runsheet recorded it as entry {n}; the journal ends after entry {}",
                if missing == 1 { "entry" } else { "entries" },
                n.saturating_sub(1),
                have.saturating_sub(1)
            );
        }
        if !text.is_empty() {
            out.push(Finding::bad(text));
            return out;
        }
    }
    if subject.root_of_first(n) != Some(body.root) {
        out.push(Finding::bad(format!(
            "entries 0–{} do not give the Merkle root of {shown}: the journal was rewritten; {}",
            n.saturating_sub(1),
            narrow(subject, n, signer.as_ref())
        )));
        return out;
    }
    let recorded = subject.recorded();
    let recorded_at_n = recorded
        .iter()
        .any(|(seq, c)| *seq == n && c.root == body.root_base64() && c.size == n);
    if !recorded_at_n {
        out.push(Finding::bad(format!(
            "entry {n} is not the checkpoint entry that recorded {shown}: the entry was replaced"
        )));
        return out;
    }
    let signed_by = signer.as_ref().map_or_else(
        || "signature not checked".into(),
        |k| format!("signed by {}", key::fingerprint_of(k)),
    );
    out.push(Finding::ok(format!(
        "{shown} ({signed_by}) matches entries 0–{}, recorded as entry {n}; {} {} added after it",
        n.saturating_sub(1),
        have - n - 1,
        if have - n - 1 == 1 {
            "entry was"
        } else {
            "entries were"
        }
    )));
    out
}

/// Which key signed an external note: one given with `--key`, or else one
/// recorded in the journal (the report names it for comparison).
fn external_signer(subject: &Subject<'_>, bytes: &[u8], body: &Body) -> Result<PublicKey, String> {
    let candidates: Vec<PublicKey> = if subject.trusted.is_empty() {
        subject
            .recorded()
            .iter()
            .filter_map(|(_, c)| public_of_verifier(&c.verifier).ok())
            .collect()
    } else {
        subject.trusted.to_vec()
    };
    for public in &candidates {
        let Some(raw) = public.key_data().ed25519() else {
            continue;
        };
        let vkey = note::verifier_key(&body.origin, &raw.0);
        if note::open(bytes, &vkey).is_ok() {
            return Ok(public.clone());
        }
    }
    Err(if subject.trusted.is_empty() {
        "its signature does not verify with any key recorded in the journal; give the signer's public key with --key".into()
    } else {
        "its signature does not verify with the keys given with --key".into()
    })
}

/// When no key given or recorded checks the note because the entry that
/// records its key (entry `size`) is past the break or the end: that is
/// not a bad signature, only one that cannot be checked from this file.
fn key_out_of_reach(
    subject: &Subject<'_>,
    note_path: &Path,
    body: &Body,
    broken: bool,
) -> Option<Finding> {
    let recorded_at = body.size;
    if !subject.trusted.is_empty() || subject.scan.entries() > recorded_at {
        return None;
    }
    let beyond = if broken {
        "past the break"
    } else {
        "past the end of the journal"
    };
    Some(Finding::ok(format!(
        "{}: signature not checked: the key is recorded in entry {recorded_at}, {beyond}; give it with --key to check the signature",
        note_path.display()
    )))
}

/// Where a rewrite can be: after the last recorded checkpoint that still
/// verifies with the same key and matches the lines.
fn narrow(subject: &Subject<'_>, n: u64, signer: Option<&PublicKey>) -> String {
    let signer_fp = signer.map(key::fingerprint_of);
    let intact = subject
        .recorded()
        .into_iter()
        .filter(|(_, c)| c.size < n && signer_fp.as_ref().is_some_and(|k| *k == c.key))
        .filter(|(seq, c)| check_one(subject, *seq, c).is_ok())
        .map(|(seq, c)| (seq, c.size))
        .max_by_key(|(_, size)| *size);
    match intact {
        Some((seq, size)) => format!(
            "entries 0–{} still match the checkpoint recorded as entry {seq}, so the first changed entry is among entries {size}–{}",
            size.saturating_sub(1),
            n.saturating_sub(1)
        ),
        None => format!(
            "no earlier checkpoint narrows it: the first changed entry is among entries 0–{}",
            n.saturating_sub(1)
        ),
    }
}

/// Checks the journal against a head hash kept elsewhere (the SHA-256 of
/// one line, as `verify` prints it).
pub fn check_head(subject: &Subject<'_>, head: &str) -> Finding {
    let head = head.trim().to_ascii_lowercase();
    let have = subject.scan.entries();
    match subject.scan.head_at() {
        Some(i) => Finding::ok(format!(
            "head {head} is entry {i}; {} entries were added after it",
            have - 1 - i
        )),
        None => Finding::bad(format!(
            "the expected head {head} is not in this journal: no verified entry has that head hash, so the journal was cut before that entry or rewritten (it has {have} verified entries)"
        )),
    }
}
