//! Checkpoints as C2SP signed notes (c2sp.org/signed-note) whose text is a
//! tlog checkpoint (c2sp.org/tlog-checkpoint): origin, tree size, base64
//! Merkle root, each on its own line.
//!
//! Signing and verifying use the `signed_note` crate. The checkpoint body
//! is three lines and is written here: `tlog_tiles`, which also has one,
//! would bring a URL parser and a second JSON stack for those lines.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use signed_note::{Note, Signer as _, StandardSigner, StandardVerifier, VerifierList};

use super::merkle::Hash;

/// Signature type of Ed25519 in signed notes.
const ALG_ED25519: u8 = 1;

/// The body of a checkpoint: which log, how many entries, which root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

impl Body {
    /// The note text: `origin\nsize\nbase64(root)\n`.
    pub fn text(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            BASE64.encode(self.root)
        )
    }

    /// Reads a checkpoint body. Extension lines after the root are allowed
    /// by the specification; runsheet writes none and ignores them.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut lines = text.split('\n');
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or("no origin line")?;
        let size = lines
            .next()
            .and_then(|s| {
                // Decimal, no sign, no leading zero.
                let canonical = !(s.starts_with('+') || (s.len() > 1 && s.starts_with('0')));
                canonical.then(|| s.parse::<u64>().ok()).flatten()
            })
            .ok_or("the second line is not a tree size")?;
        let root = lines
            .next()
            .and_then(|r| BASE64.decode(r).ok())
            .and_then(|r| Hash::try_from(r.as_slice()).ok())
            .ok_or("the third line is not a base64 SHA-256 root")?;
        Ok(Self {
            origin: origin.to_string(),
            size,
            root,
        })
    }

    /// The root in base64, as written in the note and the journal.
    pub fn root_base64(&self) -> String {
        BASE64.encode(self.root)
    }
}

/// The origin line of a journal's checkpoints.
pub fn origin_for(journal_id: &str) -> String {
    format!("runsheet/{journal_id}")
}

/// The verifier key string of the specification: `name+keyid+base64(0x01
/// || public key)`, which `signed_note` (and Go's `sumdb/note`) read.
pub fn verifier_key(name: &str, public: &[u8; 32]) -> String {
    let mut key = vec![ALG_ED25519];
    key.extend_from_slice(public);
    format!(
        "{name}+{:08x}+{}",
        signed_note::key_id(name, &key),
        BASE64.encode(&key)
    )
}

/// Signs `body` with an Ed25519 key (its 32-byte seed) under the key name
/// `body.origin`. Returns the whole note: text, blank line, signature line.
pub fn sign(body: &Body, seed: &[u8; 32], public: &[u8; 32]) -> Result<String, String> {
    sign_text(&body.text(), &body.origin, seed, public)
}

/// Signs any note text under the key name `name`.
fn sign_text(text: &str, name: &str, seed: &[u8; 32], public: &[u8; 32]) -> Result<String, String> {
    let mut key = vec![ALG_ED25519];
    key.extend_from_slice(public);
    let mut private = vec![ALG_ED25519];
    private.extend_from_slice(seed);
    let skey = format!(
        "PRIVATE+KEY+{name}+{:08x}+{}",
        signed_note::key_id(name, &key),
        BASE64.encode(&private)
    );
    let signer = StandardSigner::new(&skey)
        .map_err(|e| format!("cannot use the key to sign `{name}`: {e}"))?;
    debug_assert_eq!(signer.name(), name);
    let mut note = Note::new(text.as_bytes(), &[]).map_err(|e| format!("checkpoint text: {e}"))?;
    note.add_sigs(&[&signer])
        .map_err(|e| format!("signing failed: {e}"))?;
    String::from_utf8(note.to_bytes()).map_err(|_| "signed note is not UTF-8".to_string())
}

/// The checkpoint in a signed note, if `verifier` (a verifier key string)
/// signed it.
pub fn open(note: &[u8], verifier: &str) -> Result<Body, String> {
    let key = StandardVerifier::new(verifier)
        .map_err(|e| format!("the recorded verifier key is unusable: {e}"))?;
    let parsed = Note::from_bytes(note).map_err(|e| format!("not a signed note: {e}"))?;
    parsed
        .verify(&VerifierList::new(vec![Box::new(key)]))
        .map_err(|e| match e {
            signed_note::NoteError::UnverifiedNote => {
                "the note carries no signature by the expected key".to_string()
            }
            other => format!("the signature does not verify: {other}"),
        })?;
    let text = std::str::from_utf8(parsed.text()).map_err(|_| "note text is not UTF-8")?;
    Body::parse(text)
}

/// The checkpoint body of a signed note, without checking any signature
/// (to learn its origin and size before choosing a key).
pub fn peek(note: &[u8]) -> Result<Body, String> {
    let parsed = Note::from_bytes(note).map_err(|e| format!("not a signed note: {e}"))?;
    let text = std::str::from_utf8(parsed.text()).map_err(|_| "note text is not UTF-8")?;
    Body::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the specification (and of Go's `sumdb/note`).
    const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const PETER_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const PETER_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                              then you don't know what your problem is.\n";
    const PETER_NOTE: &str = "If you think cryptography is the answer to your problem,\n\
        then you don't know what your problem is.\n\
        \n\
        — PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    fn peter_keys() -> ([u8; 32], [u8; 32]) {
        let vkey = BASE64
            .decode(PETER_VKEY.splitn(3, '+').nth(2).unwrap())
            .unwrap();
        let skey = BASE64
            .decode(PETER_SKEY.splitn(5, '+').nth(4).unwrap())
            .unwrap();
        (skey[1..].try_into().unwrap(), vkey[1..].try_into().unwrap())
    }

    #[test]
    fn verifier_key_matches_the_specification_example() {
        let (_, public) = peter_keys();
        assert_eq!(verifier_key("PeterNeumann", &public), PETER_VKEY);
    }

    #[test]
    fn the_specification_example_note_verifies_and_a_changed_one_does_not() {
        let parsed = Note::from_bytes(PETER_NOTE.as_bytes()).unwrap();
        assert_eq!(parsed.text(), PETER_TEXT.as_bytes());
        let key = StandardVerifier::new(PETER_VKEY).unwrap();
        assert!(
            parsed
                .verify(&VerifierList::new(vec![Box::new(key)]))
                .is_ok()
        );
        // `open` also wants a checkpoint body, which this note is not.
        assert!(open(PETER_NOTE.as_bytes(), PETER_VKEY).is_err());
        let changed = PETER_NOTE.replace("answer", "Answer");
        let err = open(changed.as_bytes(), PETER_VKEY).unwrap_err();
        assert!(err.contains("does not verify"), "{err}");
    }

    #[test]
    fn signing_the_example_text_gives_the_example_signature() {
        // Ed25519 is deterministic: our signing path must give the
        // specification's bytes exactly.
        let (seed, public) = peter_keys();
        let signer = StandardSigner::new(PETER_SKEY).unwrap();
        let mut note = Note::new(PETER_TEXT.as_bytes(), &[]).unwrap();
        note.add_sigs(&[&signer]).unwrap();
        assert_eq!(String::from_utf8(note.to_bytes()).unwrap(), PETER_NOTE);
        // And through our own key handling, from the raw seed.
        let body_free = sign_text(PETER_TEXT, "PeterNeumann", &seed, &public).unwrap();
        assert_eq!(body_free, PETER_NOTE);
    }

    #[test]
    fn checkpoint_round_trips_and_names_its_fields() {
        let (seed, public) = peter_keys();
        let body = Body {
            origin: origin_for("0123abcd"),
            size: 42,
            root: [7; 32],
        };
        let note = sign(&body, &seed, &public).unwrap();
        assert!(note.starts_with("runsheet/0123abcd\n42\nBwcH"), "{note}");
        assert!(note.contains("\n\n— runsheet/0123abcd "), "{note}");
        let vkey = verifier_key(&body.origin, &public);
        assert_eq!(open(note.as_bytes(), &vkey).unwrap(), body);
        assert_eq!(peek(note.as_bytes()).unwrap(), body);
        let other = verifier_key("runsheet/0123abcd", &[9; 32]);
        assert!(open(note.as_bytes(), &other).is_err());
    }

    #[test]
    fn bodies_with_bad_sizes_or_roots_are_refused() {
        for text in [
            "o\n+1\nAA==\n",
            "o\n01\nAA==\n",
            "o\n1\nAA==\n",
            "\n1\nAA==\n",
        ] {
            assert!(Body::parse(text).is_err(), "{text:?}");
        }
    }
}
