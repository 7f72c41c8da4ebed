use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use super::timestamp;

/// The digit-by-digit timestamp code must agree with chrono's `FORMAT`
/// everywhere: it is a fast path, not a second definition.
#[test]
fn fixed_width_timestamps_match_chrono() {
    let mut times: Vec<DateTime<Utc>> = Vec::new();
    for (y, m, d) in [
        (2026, 11, 28),
        (1, 1, 1),
        (999, 12, 31),
        (9999, 12, 31),
        (2024, 2, 29),
    ] {
        let day = NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
        for (h, mi, s, us) in [(0, 0, 0, 0), (13, 5, 0, 123_456), (23, 59, 59, 999_999)] {
            times.push(
                day.and_hms_micro_opt(h, mi, s, us)
                    .expect("valid time")
                    .and_utc(),
            );
        }
    }
    // Years chrono writes with a sign, and a leap second.
    for y in [0, -1, 10_000, -262_000] {
        times.push(
            NaiveDate::from_ymd_opt(y, 6, 1)
                .expect("date")
                .and_hms_opt(1, 2, 3)
                .expect("time")
                .and_utc(),
        );
    }
    times.push(
        NaiveDate::from_ymd_opt(2016, 12, 31)
            .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 1_500_000_000))
            .expect("leap second")
            .and_utc(),
    );
    // Nanoseconds are truncated to microseconds, as `%.6f` does.
    times.push(DateTime::from_timestamp(1_764_335_100, 987_654_321).expect("time"));
    let mut t = DateTime::from_timestamp(1_700_000_000, 0).expect("time");
    for _ in 0..2_000 {
        t += TimeDelta::microseconds(7_919_993_417);
        times.push(t);
    }
    for t in &times {
        let text = timestamp::format(t);
        assert_eq!(text, timestamp::chrono_format(t), "format of {t:?}");
        assert_eq!(
            timestamp::parse(&text),
            timestamp::chrono_parse(&text),
            "parse of {text}"
        );
    }
}

#[test]
fn fixed_width_parse_refuses_what_chrono_refuses() {
    for text in [
        "2026-11-28T13:05:00.000000Z",
        "0000-01-01T00:00:00.000000Z",
        "2026-02-29T13:05:00.000000Z",
        "2024-02-29T13:05:00.000000Z",
        "2026-13-01T13:05:00.000000Z",
        "2026-11-31T13:05:00.000000Z",
        "2026-11-28T24:00:00.000000Z",
        "2026-11-28T23:60:00.000000Z",
        "2026-11-28T23:59:60.000000Z",
        "2026-11-28T13:05:00.00000Z",
        "2026-11-28T13:05:00.0000000Z",
        "2026-11-28T13:05:00.000000+00:00",
        "2026-11-28 13:05:00.000000Z",
        "+2026-11-28T13:05:00.000000Z",
        "+10000-01-01T00:00:00.000000Z",
        "-0001-06-01T01:02:03.000000Z",
        "2026-11-28T13:05:0a.000000Z",
        "2026-1a-28T13:05:00.000000Z",
        "2026-11-28T13:05:00.00000aZ",
        "２026-11-28T13:05:00.000000Z",
        "",
    ] {
        assert_eq!(
            timestamp::parse(text),
            timestamp::chrono_parse(text),
            "parse of `{text}`"
        );
    }
}

mod large {
    //! Journals above the size at which verification shares the lines
    //! between threads: problems must be found, and reported, exactly as
    //! line by line.

    use chrono::{DateTime, TimeDelta};

    use crate::hash::{ZERO_HASH, sha256_hex};
    use crate::journal::event::{Note, Payload};
    use crate::journal::verify::{verify, verify_from};
    use crate::journal::{Draft, Entry, Event};

    /// About 1.5 MiB: well above the parallel threshold.
    const LINES: usize = 4_000;

    fn draft(i: usize) -> Draft {
        Draft {
            ts: DateTime::from_timestamp(1_790_000_000, 0).expect("time")
                + TimeDelta::seconds(i64::try_from(i).expect("small")),
            mono_ms: 1_000 * i as u64,
            scenario_ms: None,
            session: "session-1".into(),
            actor: "Dana Reyes".into(),
            event: Event::new(Payload::Note(Note {
                text: format!("{i}: {}", "evidence preserved and logged; ".repeat(9)),
            })),
        }
    }

    /// The lines of a valid journal, each with its newline.
    fn journal() -> Vec<String> {
        static LINES_OF: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        LINES_OF
            .get_or_init(|| {
                let mut prev = ZERO_HASH.to_string();
                (0..LINES)
                    .map(|i| {
                        let text = draft(i).into_entry(i as u64, prev.clone()).encode();
                        prev = sha256_hex(text.as_bytes());
                        text + "\n"
                    })
                    .collect()
            })
            .clone()
    }

    fn bytes(lines: &[String]) -> Vec<u8> {
        lines.concat().into_bytes()
    }

    /// Line `i` re-encoded with another `prev`: its own hash is right, so
    /// only the chain catches it.
    fn relink(lines: &mut [String], i: usize) {
        let entry = Entry::decode(lines[i].trim_end()).expect("valid line");
        let text = draft(i).into_entry(entry.seq, "ab".repeat(32)).encode();
        lines[i] = text + "\n";
    }

    /// Changes one character of line `i`'s note: its own hash catches it.
    fn alter(lines: &mut [String], i: usize) {
        lines[i] = lines[i].replacen("evidence", "Evidence", 1);
    }

    /// Where verification cuts `n` pieces: the index of each piece's first
    /// line but the first piece's (as `verify::cut` finds them: after the
    /// first newline at or past each n-th of the bytes).
    fn first_lines_of_pieces(lines: &[String], n: usize) -> Vec<usize> {
        let total: usize = lines.iter().map(String::len).sum();
        let mut ends = Vec::new();
        let mut end = 0;
        for (i, line) in lines.iter().enumerate() {
            end += line.len();
            ends.push((end, i + 1));
        }
        (1..n)
            .filter_map(|k| {
                let target = total * k / n;
                ends.iter()
                    .find(|(end, _)| *end > target)
                    .map(|(_, next)| *next)
            })
            .filter(|next| *next < lines.len())
            .collect()
    }

    fn assert_broken_at(lines: &[String], index: usize, reason: &str) {
        let verified = verify(&bytes(lines));
        let broken = verified.broken.as_ref().expect("a break");
        assert_eq!(broken.line, index + 1, "{broken}");
        assert_eq!(broken.seq, index as u64);
        assert!(broken.reason.contains(reason), "{broken}");
        // A `prev` that does not name the line before leaves that line
        // unproven too (its own hash is anyone's to recompute).
        let proven = if broken.reason.contains("`prev` does not match") {
            index - 1
        } else {
            index
        };
        assert_eq!(verified.lines.len(), proven);
        assert_eq!(
            verified.verified_len,
            lines[..proven].iter().map(String::len).sum::<usize>()
        );
        assert_eq!(
            verified.head_hash,
            proven
                .checked_sub(1)
                .map(|last| sha256_hex(lines[last].trim_end().as_bytes()))
        );
    }

    #[test]
    fn an_intact_large_journal_verifies_in_order() {
        let lines = journal();
        let all = bytes(&lines);
        assert!(all.len() > 1 << 20);
        let verified = verify(&all);
        assert!(verified.is_intact());
        assert_eq!(verified.lines.len(), LINES);
        assert!(
            verified
                .lines
                .iter()
                .enumerate()
                .all(|(i, l)| l.entry.seq == i as u64 && l.text == lines[i].trim_end())
        );
        assert_eq!(verified.verified_len, all.len());
        assert_eq!(
            verified.head_hash,
            Some(sha256_hex(lines[LINES - 1].trim_end().as_bytes()))
        );
    }

    #[test]
    fn the_first_problem_in_line_order_is_reported() {
        for at in [0, 1, 7, LINES / 2 - 1, LINES / 2, LINES / 2 + 1, LINES - 1] {
            let mut lines = journal();
            alter(&mut lines, at);
            assert_broken_at(&lines, at, "own `hash`");

            let mut lines = journal();
            relink(&mut lines, at);
            let reason = if at == 0 {
                "64 zeros"
            } else {
                "`prev` does not match"
            };
            assert_broken_at(&lines, at, reason);
        }
        // On both sides of each place the journal is cut into pieces, one
        // per core, on two, four or eight cores.
        for first in [2, 4, 8]
            .into_iter()
            .flat_map(|n| first_lines_of_pieces(&journal(), n))
        {
            for at in [first - 1, first] {
                let mut lines = journal();
                alter(&mut lines, at);
                assert_broken_at(&lines, at, "own `hash`");
                let mut lines = journal();
                relink(&mut lines, at);
                assert_broken_at(&lines, at, "`prev` does not match");
            }
        }
        // A later problem in another thread's share does not hide an
        // earlier one, whatever its kind.
        let mut lines = journal();
        alter(&mut lines, LINES - 10);
        relink(&mut lines, 100);
        assert_broken_at(&lines, 100, "`prev` does not match");
        let mut lines = journal();
        relink(&mut lines, LINES - 10);
        alter(&mut lines, LINES / 2 + 3);
        assert_broken_at(&lines, LINES / 2 + 3, "own `hash`");
    }

    #[test]
    fn a_large_continuation_verifies_from_where_it_follows_on() {
        let lines = journal();
        let from = 1_000;
        let rest = bytes(&lines[from..]);
        assert!(rest.len() > 1 << 20);
        let head = sha256_hex(lines[from - 1].trim_end().as_bytes());
        let verified = verify_from(&rest, from as u64, &head);
        assert!(verified.is_intact());
        assert_eq!(verified.lines.len(), LINES - from);
        assert_eq!(verified.lines[0].entry.seq, from as u64);
        assert_eq!(verified.verified_len, rest.len());
        // The same bytes do not continue another head.
        let other = verify_from(&rest, from as u64, ZERO_HASH);
        let broken = other.broken.expect("a break");
        assert_eq!((broken.line, broken.seq), (from + 1, from as u64));
        assert!(broken.reason.contains("`prev` does not match"), "{broken}");
    }

    #[test]
    fn removed_lines_and_torn_tails_are_found_in_large_journals() {
        let mut lines = journal();
        lines.remove(LINES / 2 + 5);
        assert_broken_at(&lines, LINES / 2 + 5, "`seq` is");

        let mut torn = bytes(&journal());
        torn.extend_from_slice(b"{\"v\":1,\"seq\":");
        let verified = verify(&torn);
        assert!(verified.broken.is_none());
        assert_eq!(verified.torn_tail, 13);
        assert_eq!(verified.lines.len(), LINES);
    }
}

/// Recovery of a torn tail when the disk fails during the quarantine copy.
mod quarantine {
    use std::io::{self, Write};
    use std::path::{Path, PathBuf};

    use chrono::DateTime;

    use crate::hash::sha256_hex;
    use crate::journal::event::{Created, Note, Payload, PlaybookRef};
    use crate::journal::writer::{JournalFile, QuarantineSink};
    use crate::journal::{Draft, Event};

    fn draft(payload: Payload) -> Draft {
        Draft {
            ts: DateTime::from_timestamp(1_790_000_000, 0).expect("time"),
            mono_ms: 0,
            scenario_ms: None,
            session: "s".into(),
            actor: "Dana".into(),
            event: Event::new(payload),
        }
    }

    pub(super) fn created() -> Draft {
        draft(Payload::JournalCreated(Box::new(Created {
            journal_id: "j".into(),
            playbook: PlaybookRef {
                id: "p".into(),
                version: "1".into(),
                path: "p.yaml".into(),
                sha256: "0".repeat(64),
            },
            title: "t".into(),
            timezone: "Etc/UTC".into(),
            exercise: false,
            app_version: "test".into(),
            drill: None,
            holidays: Vec::new(),
        })))
    }

    pub(super) fn journal_at(path: &Path, first: Draft) -> JournalFile {
        JournalFile::create(path, first).expect("create").0
    }

    /// A temporary folder on tmpfs when there is one: fsync costs nothing
    /// there, and these tests check the logic, not the disk.
    fn scratch() -> tempfile::TempDir {
        tempfile::tempdir_in("/dev/shm")
            .or_else(|_| tempfile::tempdir())
            .expect("temp dir")
    }

    /// A journal of two entries followed by `torn`.
    fn torn_journal(dir: &Path, torn: &[u8]) -> PathBuf {
        let path = dir.join("j.jsonl");
        let mut file = journal_at(&path, created());
        file.append(draft(Payload::Note(Note { text: "one".into() })))
            .expect("append");
        drop(file);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("reopen");
        f.write_all(torn).expect("tear");
        path
    }

    /// Writes through to the file until `budget` bytes, then fails like a
    /// full disk (after writing what fits, as a real short write does).
    struct FullDisk {
        file: std::fs::File,
        budget: usize,
    }

    impl Write for FullDisk {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.budget == 0 {
                return Err(io::Error::from_raw_os_error(28));
            }
            let n = buf.len().min(self.budget);
            let n = self.file.write(&buf[..n])?;
            self.budget -= n;
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            self.file.flush()
        }
    }

    impl QuarantineSink for FullDisk {
        fn sync(&mut self) -> io::Result<()> {
            self.file.sync_data()
        }
    }

    /// Every file beside the journal whose bytes equal `torn`, and every
    /// file that holds a non-empty part of them without being complete.
    fn copies(dir: &Path, torn: &[u8]) -> (Vec<String>, Vec<String>) {
        let (mut complete, mut partial) = (Vec::new(), Vec::new());
        for entry in std::fs::read_dir(dir).expect("dir").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == "j.jsonl" {
                continue;
            }
            let bytes = std::fs::read(entry.path()).expect("read");
            if bytes == torn {
                complete.push(name);
            } else if !bytes.is_empty() && torn.starts_with(&bytes) {
                partial.push(name);
            }
        }
        (complete, partial)
    }

    #[test]
    fn d1_a_full_disk_at_any_byte_of_the_copy_loses_no_torn_byte() {
        let torn = br#"{"v":1,"seq":2,"ts":"2026-09-22T12:26:40.000000Z","mono_ms":0,"sess"#;
        for budget in 0..=torn.len() {
            let dir = scratch();
            let path = torn_journal(dir.path(), torn);
            let before = std::fs::read(&path).expect("journal");
            let failing = JournalFile::open_through(&path, &move |file| {
                Box::new(FullDisk { file, budget }) as Box<dyn QuarantineSink>
            });
            if budget < torn.len() {
                assert!(failing.is_err(), "a failed copy stops the open ({budget})");
                assert_eq!(
                    std::fs::read(&path).expect("journal"),
                    before,
                    "the journal keeps its torn bytes until a copy is complete ({budget})"
                );
                assert_eq!(copies(dir.path(), torn).0, Vec::<String>::new());
            } else {
                drop(failing.expect("enough room"));
            }
            // Space is freed: the next open recovers, exactly once.
            let opened = JournalFile::open(&path).expect("open after space is freed");
            let (complete, partial) = copies(dir.path(), torn);
            assert_eq!(
                complete.len(),
                1,
                "one complete copy ({budget}): {complete:?}"
            );
            assert!(partial.is_empty(), "no partial copy is left ({budget})");
            assert_eq!(opened.recoveries.len(), 1, "{budget}");
            let recovery = &opened.recoveries[0];
            assert_eq!(recovery.file, complete[0]);
            assert_eq!(recovery.bytes, torn.len() as u64);
            assert_eq!(recovery.sha256, sha256_hex(torn));
            assert_eq!(
                opened.lines.len(),
                2,
                "the journal ends at its last whole entry"
            );
        }
    }

    #[test]
    fn d1_a_partial_copy_under_the_final_name_is_kept_aside_and_redone() {
        let torn = br#"{"v":1,"seq":2,"ts":"2026-09-22T1"#;
        let dir = scratch();
        let path = torn_journal(dir.path(), torn);
        let name = format!("j.jsonl.torn-2-{}", &sha256_hex(torn)[..12]);
        std::fs::write(dir.path().join(&name), &torn[..7]).expect("partial copy");
        std::fs::write(dir.path().join("j.jsonl.torn-1-0123456789ab"), b"").expect("empty");
        let opened = JournalFile::open(&path).expect("open");
        assert_eq!(
            std::fs::read(dir.path().join(&name)).expect("redone"),
            torn.to_vec()
        );
        assert_eq!(
            std::fs::read(
                dir.path()
                    .join("j.jsonl.partial-torn-2-".to_string() + &name[15..])
            )
            .expect("kept"),
            torn[..7].to_vec()
        );
        assert_eq!(opened.recoveries.len(), 1, "the empty file records nothing");
        assert_eq!(opened.recoveries[0].file, name);
        assert_eq!(opened.recoveries[0].sha256, sha256_hex(torn));
    }
}

mod lock_note {
    use std::os::unix::fs::PermissionsExt as _;

    use super::quarantine::{created, journal_at};

    #[test]
    fn d6_the_lock_note_never_follows_a_symlink_and_is_private() {
        let dir = tempfile::tempdir().expect("dir");
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "IMPORTANT USER DATA").expect("victim");
        let note = dir.path().join("j.jsonl.lock");
        std::os::unix::fs::symlink(&victim, &note).expect("planted link");
        let file = journal_at(&dir.path().join("j.jsonl"), created());
        assert_eq!(
            std::fs::read_to_string(&victim).expect("victim"),
            "IMPORTANT USER DATA"
        );
        let meta = std::fs::symlink_metadata(&note).expect("note");
        assert!(meta.is_file(), "the link was replaced, not followed");
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        drop(file);
        assert_eq!(
            std::fs::read_to_string(&victim).expect("victim"),
            "IMPORTANT USER DATA"
        );
    }
}
