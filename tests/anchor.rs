//! RFC 3161 timestamps with `openssl ts` as the timestamp authority: a
//! throwaway CA and TSA certificate are made for each test; runsheet writes
//! the request, openssl answers it, runsheet checks and records the reply,
//! and `openssl ts -verify` agrees with what runsheet says.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use support::{JournalBuilder, fixture_playbook};

fn have(tool: &str, probe: &str) -> bool {
    support::have_tool(tool, probe)
}

fn tools() -> bool {
    have("openssl", "version") && have("ssh-keygen", "-V")
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"))
}

fn must(out: Output) -> Output {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn runsheet(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_runsheet"))
        .args(args)
        .current_dir(dir)
        .env("RUNSHEET_CONFIG_DIR", dir.join("config"))
        .env("RUNSHEET_DATA_DIR", dir.join("data"))
        // The responder these commands record as acting.
        .env("USER", "tester")
        .output()
        .expect("run runsheet")
}

/// A CA, a TSA certificate it issued, and an openssl TSA configuration,
/// all in `dir`.
fn make_authority(dir: &Path) {
    must(run(
        dir,
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-subj",
            "/CN=Throwaway Root CA",
            "-days",
            "2",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    ));
    must(run(
        dir,
        "openssl",
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "tsa.key",
            "-out",
            "tsa.csr",
            "-subj",
            "/CN=Throwaway TSA",
        ],
    ));
    std::fs::write(
        dir.join("tsa.ext"),
        "extendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n",
    )
    .unwrap();
    must(run(
        dir,
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            "tsa.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "tsa.pem",
            "-days",
            "2",
            "-extfile",
            "tsa.ext",
        ],
    ));
    std::fs::write(dir.join("tsaserial"), "01\n").unwrap();
    std::fs::write(
        dir.join("tsa.cnf"),
        format!(
            "[ tsa ]\ndefault_tsa = tsa1\n[ tsa1 ]\nserial = {}\nsigner_digest = sha256\n\
             default_policy = 1.2.3.4.1\ndigests = sha256, sha384, sha512\naccuracy = secs:1\n\
             ordering = no\ntsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n",
            dir.join("tsaserial").display()
        ),
    )
    .unwrap();
}

/// openssl answers a request as the timestamp authority.
fn reply(dir: &Path, tsq: &Path, tsr: &Path) {
    must(run(
        dir,
        "openssl",
        &[
            "ts",
            "-reply",
            "-config",
            "tsa.cnf",
            "-queryfile",
            tsq.to_str().unwrap(),
            "-signer",
            "tsa.pem",
            "-inkey",
            "tsa.key",
            "-out",
            tsr.to_str().unwrap(),
        ],
    ));
}

/// A journal with one checkpoint; returns the folder, the journal and the
/// checkpoint note.
fn checkpointed(notes: usize) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-28T09:00:00Z", false);
    for i in 0..notes {
        j.advance(1).note(None, &format!("note {i}"));
    }
    let (dir, path, _) = j.close();
    let key = dir.path().join("cp_key");
    must(runsheet(dir.path(), &["key", "new", key.to_str().unwrap()]));
    must(runsheet(
        dir.path(),
        &[
            "checkpoint",
            path.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ],
    ));
    let note = dir
        .path()
        .join(format!("incident.jsonl.checkpoint-{}.note", notes + 2));
    assert!(note.exists());
    make_authority(dir.path());
    (dir, path, note)
}

fn with(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

fn entry_count(journal: &Path) -> usize {
    std::fs::read_to_string(journal).unwrap().lines().count()
}

/// One sentence on stderr, exit 1, and nothing journaled.
fn refused(out: &Output, journal: &Path, before: usize, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(needle), "`{needle}` not in {err}");
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    assert_eq!(entry_count(journal), before, "nothing is journaled");
}

/// Attaches the reply `tsr` to `journal`, then checks that `verify` names
/// the timestamp and that the reviewer's recipe (`openssl ts -verify`)
/// agrees.
fn attach_verify_and_openssl_agrees(d: &Path, journal: &Path, note: &Path, tsr: &Path) {
    let attached = must(runsheet(
        d,
        &[
            "anchor",
            "attach",
            journal.to_str().unwrap(),
            tsr.to_str().unwrap(),
            "--tsa-cert",
            "tsa.pem",
        ],
    ));
    let text = String::from_utf8_lossy(&attached.stdout);
    assert!(
        text.contains("(anchor)") && text.contains("CN=Throwaway TSA"),
        "{text}"
    );
    let verified = must(runsheet(d, &["verify", journal.to_str().unwrap()]));
    let report = String::from_utf8_lossy(&verified.stdout);
    assert!(
        report.contains(
            "entry 6: RFC 3161 timestamp of incident.jsonl.checkpoint-5.note by CN=Throwaway TSA at"
        ),
        "{report}"
    );
    // The reviewer's recipe.
    must(openssl_verify(d, note, tsr, false));
    // ANCHOR-RECIPE-RELIES-ON-UNCHECKED-TSR: the recipe for a reviewer
    // without the `.tsr`, from the token the journal recorded.
    let token = std::fs::read_to_string(journal)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| e["kind"] == "anchor")
        .and_then(|e| e["data"]["token"].as_str().map(str::to_string))
        .expect("an anchor entry");
    let der = d.join("token.der");
    std::fs::write(
        &der,
        base64::engine::general_purpose::STANDARD
            .decode(token)
            .unwrap(),
    )
    .unwrap();
    must(openssl_verify(d, note, &der, true));
}

/// The reviewer's `openssl ts -verify` of `note` against the reply (or,
/// with `token_in`, the bare token) in `input`, with the test authority's
/// root and certificate.
fn openssl_verify(d: &Path, note: &Path, input: &Path, token_in: bool) -> Output {
    let mut args = vec![
        "ts",
        "-verify",
        "-data",
        note.to_str().unwrap(),
        "-in",
        input.to_str().unwrap(),
    ];
    if token_in {
        args.push("-token_in");
    }
    args.extend(["-CAfile", "ca.pem", "-untrusted", "tsa.pem"]);
    run(d, "openssl", &args)
}

#[test]
fn request_reply_attach_and_verify_and_openssl_agrees() {
    if !tools() {
        return;
    }
    let (dir, journal, note) = checkpointed(3);
    let d = dir.path();
    must(runsheet(d, &["anchor", "request", note.to_str().unwrap()]));
    let tsq = with(&note, ".tsq");
    let tsr = with(&note, ".tsr");
    reply(d, &tsq, &tsr);
    attach_verify_and_openssl_agrees(d, &journal, &note, &tsr);
    // The note changed afterwards: verify says so, and so does openssl.
    let original = std::fs::read(&note).unwrap();
    std::fs::write(&note, [original.as_slice(), b" "].concat()).unwrap();
    let after = runsheet(d, &["verify", journal.to_str().unwrap()]);
    assert_eq!(after.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&after.stdout).contains(
            "entry 6 (anchor): the note incident.jsonl.checkpoint-5.note is not the one stamped"
        ),
        "{}",
        String::from_utf8_lossy(&after.stdout)
    );
    assert!(!openssl_verify(d, &note, &tsr, false).status.success());
}

#[test]
fn a_reply_for_another_request_is_refused() {
    if !tools() {
        return;
    }
    let (dir, journal, note) = checkpointed(2);
    let d = dir.path();
    must(runsheet(d, &["anchor", "request", note.to_str().unwrap()]));
    // A second request for the same note: another nonce.
    let other_tsq = d.join("other.tsq");
    std::fs::copy(with(&note, ".tsq"), d.join("first.tsq")).unwrap();
    must(runsheet(d, &["anchor", "request", note.to_str().unwrap()]));
    std::fs::rename(with(&note, ".tsq"), &other_tsq).unwrap();
    let tsr = d.join("other.tsr");
    reply(d, &other_tsq, &tsr);
    let before = entry_count(&journal);
    let out = runsheet(
        d,
        &[
            "anchor",
            "attach",
            journal.to_str().unwrap(),
            tsr.to_str().unwrap(),
            "--request",
            "first.tsq",
            "--tsa-cert",
            "tsa.pem",
        ],
    );
    refused(
        &out,
        &journal,
        before,
        "the reply is for another request: its nonce differs",
    );
    // And a reply stamping another message entirely.
    std::fs::write(d.join("elsewhere.txt"), "something else\n").unwrap();
    must(run(
        d,
        "openssl",
        &[
            "ts",
            "-query",
            "-data",
            "elsewhere.txt",
            "-sha256",
            "-cert",
            "-out",
            "elsewhere.tsq",
        ],
    ));
    reply(d, &d.join("elsewhere.tsq"), &d.join("elsewhere.tsr"));
    let out = runsheet(
        d,
        &[
            "anchor",
            "attach",
            journal.to_str().unwrap(),
            "elsewhere.tsr",
            "--request",
            "first.tsq",
            "--tsa-cert",
            "tsa.pem",
        ],
    );
    refused(&out, &journal, before, "it stamps another message imprint");
}

#[test]
fn a_wrong_certificate_is_refused() {
    if !tools() {
        return;
    }
    let (dir, journal, note) = checkpointed(2);
    let d = dir.path();
    must(runsheet(d, &["anchor", "request", note.to_str().unwrap()]));
    let tsr = with(&note, ".tsr");
    reply(d, &with(&note, ".tsq"), &tsr);
    must(run(
        d,
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "other.key",
            "-out",
            "other.pem",
            "-subj",
            "/CN=Another TSA",
            "-days",
            "2",
        ],
    ));
    let before = entry_count(&journal);
    let out = runsheet(
        d,
        &[
            "anchor",
            "attach",
            journal.to_str().unwrap(),
            tsr.to_str().unwrap(),
            "--tsa-cert",
            "other.pem",
        ],
    );
    refused(
        &out,
        &journal,
        before,
        "the token's signature does not verify with the certificate of CN=Another TSA",
    );
    let openssl = run(
        d,
        "openssl",
        &[
            "ts",
            "-verify",
            "-data",
            note.to_str().unwrap(),
            "-in",
            tsr.to_str().unwrap(),
            "-CAfile",
            "other.pem",
            "-untrusted",
            "other.pem",
        ],
    );
    assert!(!openssl.status.success(), "openssl agrees");
}

#[test]
fn a_modified_token_is_refused() {
    if !tools() {
        return;
    }
    let (dir, journal, note) = checkpointed(2);
    let d = dir.path();
    must(runsheet(d, &["anchor", "request", note.to_str().unwrap()]));
    let tsr = with(&note, ".tsr");
    reply(d, &with(&note, ".tsq"), &tsr);
    // The policy OID 1.2.3.4.1 inside the TSTInfo becomes 1.2.3.4.2.
    let mut bytes = std::fs::read(&tsr).unwrap();
    let policy = [0x06, 0x04, 0x2a, 0x03, 0x04, 0x01];
    let at = bytes
        .windows(policy.len())
        .position(|w| w == policy)
        .expect("policy OID in the token");
    bytes[at + 5] = 0x02;
    let modified = d.join("modified.tsr");
    std::fs::write(&modified, &bytes).unwrap();
    let before = entry_count(&journal);
    let out = runsheet(
        d,
        &[
            "anchor",
            "attach",
            journal.to_str().unwrap(),
            "modified.tsr",
            "--request",
            with(&note, ".tsq").to_str().unwrap(),
            "--tsa-cert",
            "tsa.pem",
        ],
    );
    refused(&out, &journal, before, "the token was altered");
    let openssl = run(
        d,
        "openssl",
        &[
            "ts",
            "-verify",
            "-data",
            note.to_str().unwrap(),
            "-in",
            "modified.tsr",
            "-CAfile",
            "ca.pem",
            "-untrusted",
            "tsa.pem",
        ],
    );
    assert!(!openssl.status.success(), "openssl agrees");
}

/// How often `needle` occurs in `hay`.
fn occurrences(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

/// Defect: a reply whose signed data carries the authority's certificate
/// twice (openssl's `certs` naming the signer's own certificate) was
/// refused with "SET OF contains duplicate", though DER allows equal
/// elements in a SET OF and `openssl ts -verify` accepts it.
#[test]
fn a_token_carrying_its_certificate_twice_attaches_and_verifies() {
    if !tools() {
        return;
    }
    let (dir, journal, note) = checkpointed(3);
    let d = dir.path();
    let config = std::fs::read_to_string(d.join("tsa.cnf")).unwrap();
    std::fs::write(d.join("tsa.cnf"), format!("{config}certs = tsa.pem\n")).unwrap();
    must(runsheet(d, &["anchor", "request", note.to_str().unwrap()]));
    let (tsq, tsr) = (with(&note, ".tsq"), with(&note, ".tsr"));
    reply(d, &tsq, &tsr);
    let cert = must(run(
        d,
        "openssl",
        &["x509", "-in", "tsa.pem", "-outform", "DER"],
    ))
    .stdout;
    let token = std::fs::read(&tsr).unwrap();
    assert_eq!(occurrences(&token, &cert), 2, "the reply carries it twice");
    attach_verify_and_openssl_agrees(d, &journal, &note, &tsr);
}

/// Defect ROGUE-TSA-BACKDATED-TIMESTAMP-VERIFIES: a timestamp whose time is
/// before the checkpoint it stamps was recorded (an authority with a wrong
/// clock, or one that is not who it says) was reported as verifying, with
/// no word that the authority itself is not checked. It is a problem now,
/// and a timestamp that verifies says who issued it was not checked.
#[test]
fn rogue_tsa_backdated_timestamp_verifies() {
    if !tools() {
        return;
    }
    let (dir, journal, note) = checkpointed(3);
    let d = dir.path();
    must(runsheet(d, &["anchor", "request", note.to_str().unwrap()]));
    let tsr = with(&note, ".tsr");
    reply(d, &with(&note, ".tsq"), &tsr);
    attach_verify_and_openssl_agrees(d, &journal, &note, &tsr);
    let verified = must(runsheet(d, &["verify", journal.to_str().unwrap()]));
    assert!(
        String::from_utf8_lossy(&verified.stdout).contains(
            " verifies with the certificate it carries; who issued it is not checked here \
             (check the authority with `openssl ts -verify -CAfile`)\n"
        ),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
    // The report says the same: the authority names itself.
    let fixtures = d.join("fixtures");
    std::fs::create_dir_all(&fixtures).unwrap();
    std::fs::copy(
        support::fixture("playbooks/fixture-incident.yaml"),
        fixtures.join("fixture-incident.yaml"),
    )
    .unwrap();
    let md = must(runsheet(
        d,
        &["export", journal.to_str().unwrap(), "--format", "md"],
    ));
    assert!(
        String::from_utf8_lossy(&md.stdout)
            .contains("by an authority naming itself CN=Throwaway TSA at "),
        "{}",
        String::from_utf8_lossy(&md.stdout)
    );
    // The checkpoint recorded two days later than the authority's time
    // (the chain made again): the stamp is earlier than what it stamps.
    let mut lines: Vec<String> = std::fs::read_to_string(&journal)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let at = lines
        .iter()
        .position(|l| l.contains("\"kind\":\"checkpoint\""))
        .unwrap();
    let entry: runsheet::journal::Entry =
        serde_json::from_str(&runsheet::journal::check_own_hash(&lines[at]).unwrap()).unwrap();
    let later = (entry.ts + chrono::Duration::days(2))
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string();
    let recorded = entry.ts.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    assert!(lines[at].contains(&recorded), "{}", lines[at]);
    lines[at] = lines[at].replace(&recorded, &later);
    support::rechain(&mut lines, at);
    std::fs::write(&journal, lines.join("\n") + "\n").unwrap();
    let report = runsheet(d, &["verify", journal.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&report.stdout);
    assert_eq!(report.status.code(), Some(1), "{text}");
    assert!(
        text.contains(" is before the checkpoint it stamps was recorded (")
            && text.contains(
                "): a genuine timestamp of that note cannot be earlier, so the authority's clock or identity is not what it says\n"
            ),
        "{text}"
    );
}
