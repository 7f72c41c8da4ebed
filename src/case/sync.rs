//! `runsheet sync`: moves a case between machines with the system `git`
//! (the user's remotes, credentials, SSH agent and signing apply as they
//! are). Only this responder's own files are committed; every other file
//! has exactly one writer elsewhere, so a rebase never meets a conflict in
//! a journal. If git reports one anyway, sync stops and names the file.
//!
//! A sync killed during its pull leaves the clone half-way through a
//! rebase, with older versions of journals on disk. Sync marks its pull
//! (a file in the git directory) so the next sync recognises such a rebase
//! as its own and undoes it; [`refuse_unfinished`] keeps every writer off
//! a journal meanwhile.
//!
//! Before it stages anything, sync refuses a clone it cannot sync from
//! (a detached HEAD, a cherry-pick, revert, merge or rebase it did not
//! start), so such a refusal leaves the clone exactly as it was.
//!
//! Before it commits and before each push, sync checks the case as
//! `verify DIR` does: a journal of this responder's that others' `seen`
//! records contradict (rewritten after they read it) is never sent.
//! Before each push and before writing a bundle, it checks that every
//! journal only grows from the remote's version of it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// How a sync ended, when it did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    /// git is missing, the folder is not in a repository, or a git
    /// command failed for a reason of its own (exit 2).
    Git(String),
    /// The remote could not be reached; everything stays committed
    /// locally (exit 2).
    Unreachable { remote: String, detail: String },
    /// Every push lost a race: another responder pushed between this
    /// sync's pull and its push, `attempts` times in a row (exit 2).
    RemoteMoved { remote: String, attempts: usize },
    /// This responder's journal contradicts the `seen` records of others
    /// (rewritten or cut after they read it), as `verify DIR` says; it is
    /// not sent (exit 1).
    Contradicted(Vec<String>),
    /// git reported a conflict in these files (exit 1).
    Conflict(Vec<String>),
    /// Files this responder does not write were changed in the clone
    /// (paths from the repository's top `top`), in the work tree or
    /// staged; git would refuse to pull over them (exit 1). The restore
    /// command names HEAD, so it undoes a staged change too.
    NotYours { top: String, files: Vec<String> },
    /// This responder's journal on disk is a strict prefix of the one
    /// committed (an older copy put back): committing it would delete
    /// entries already sent (exit 1).
    JournalBehind { top: String, file: String },
    /// This responder's journal on disk does not begin with the one
    /// committed: it holds entries git has not, on a fork (exit 1).
    JournalForked { top: String, file: String },
    /// Local commits change a journal other than by appending to the
    /// remote's version of it; pushed, they would rewrite entries
    /// everyone has (exit 1). `commits` are the commits (newest first,
    /// `hash subject`) that changed `file`. `bundle`: the bundle file
    /// that was to carry them (not written), when it was not a push.
    Rewritten {
        top: String,
        remote: String,
        file: String,
        commits: Vec<String>,
        bundle: Option<String>,
    },
}

impl std::fmt::Display for SyncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Git(m) => f.write_str(m),
            Self::Unreachable { remote, detail } => write!(
                f,
                "could not reach the remote `{remote}` ({detail}); nothing was lost: your entries are committed locally and the next sync sends them"
            ),
            Self::RemoteMoved { remote, attempts } => write!(
                f,
                "the remote `{remote}` moved on while syncing (another responder pushed first, {attempts} times in a row); nothing was lost: your entries are committed locally; run `runsheet sync` again"
            ),
            Self::Contradicted(contradictions) => write!(
                f,
                "refusing to send your journal: it contradicts what others recorded seeing (it was rewritten or cut after they read it): {}; it was not sent; put back the version they saw, then run `runsheet sync` again",
                contradictions.join("; ")
            ),
            Self::Conflict(files) => write!(
                f,
                "git reported a conflict in {}; the rebase was undone and nothing was pushed (another responder's file changed: check who wrote it)",
                files.join(", ")
            ),
            Self::NotYours { top, files } => write!(
                f,
                "changed in this clone but not yours to commit: {}; nothing was pulled or pushed; restore with `git -C {top} checkout HEAD -- {}` and run `runsheet sync` again",
                files
                    .iter()
                    .map(|file| format!("{file} ({})", whose(file)))
                    .collect::<Vec<_>>()
                    .join(", "),
                files.join(" ")
            ),
            Self::JournalBehind { top, file } => write!(
                f,
                "your journal {file} on disk has fewer entries than the one committed in git (an older copy put back?); nothing was committed or sent; restore the committed one, which holds every entry on disk and more, with `git -C {top} checkout HEAD -- {file}` and run `runsheet sync` again"
            ),
            Self::JournalForked { top, file } => write!(
                f,
                "your journal {file} on disk is a fork of the one committed in git: it does not begin with the committed entries, so it holds entries git has not; nothing was committed or sent; keep a copy of it elsewhere, restore the committed one with `git -C {top} checkout HEAD -- {file}` and run `runsheet sync` again"
            ),
            Self::Rewritten {
                top,
                remote,
                file,
                commits,
                bundle,
            } => {
                let (refusing, nothing, again) = match bundle {
                    None => (
                        "refusing to push".to_string(),
                        "nothing was pushed",
                        "run `runsheet sync` again",
                    ),
                    Some(bundle) => (
                        format!("refusing to write the bundle {bundle}"),
                        "no bundle was written",
                        "write the bundle again",
                    ),
                };
                write!(
                    f,
                    "{refusing}: {file} is changed other than by appending to the version on `{remote}` (its entries would be rewritten for everyone) by the local commit(s) {}; {nothing}; undo them with `git -C {top} revert --no-edit {}` and {again}",
                    commits
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    commits
                        .iter()
                        .filter_map(|c| c.split_whitespace().next())
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            }
        }
    }
}

/// Whether `file` (a path in the repository) is a journal of a case.
fn is_journal(file: &str) -> bool {
    let path = Path::new(file);
    let in_journals = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == "journals");
    in_journals && path.extension().is_some_and(|e| e == "jsonl")
}

/// Why a changed file is not this responder's to commit.
fn whose(file: &str) -> &'static str {
    if is_journal(file) {
        "another responder's journal, which only they write"
    } else {
        "sync commits only your own journal and drafts, case.yaml and the playbook copy"
    }
}

impl SyncError {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Conflict(_)
            | Self::NotYours { .. }
            | Self::Contradicted(_)
            | Self::JournalBehind { .. }
            | Self::JournalForked { .. }
            | Self::Rewritten { .. } => 1,
            Self::Git(_) | Self::Unreachable { .. } | Self::RemoteMoved { .. } => 2,
        }
    }
}

/// What a sync did, for one line of output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synced {
    pub committed: bool,
    pub sent: Sent,
    /// Entries the sync brought into others' journals, per journal id,
    /// counted from what this clone had committed once an interrupted
    /// sync was undone (so a sync that recovers one counts them too).
    pub received: Vec<(String, usize)>,
    /// Commits pushed that this sync did not make (an earlier sync
    /// committed them and was stopped, or could not reach the remote).
    pub sent_earlier: usize,
}

/// Where a sync sent the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// Pushed to this remote.
    Remote(String),
    /// Written to a bundle file: the branch's whole history, `commits`
    /// commits whose tip holds `entries` entries in `journals` journals.
    Bundle {
        file: String,
        branch: String,
        commits: usize,
        entries: usize,
        journals: usize,
    },
    /// Nowhere: the repository has no remote.
    NoRemote,
    /// Nowhere: the sync took in a bundle, and only that; `remote` is
    /// where a plain `runsheet sync` would send it.
    TookInBundle { remote: Option<String> },
}

/// Where the transfer goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// The repository's remote (the branch's upstream, else the first).
    Remote,
    /// Write a git bundle for an air-gapped hand-over.
    BundleOut(PathBuf),
    /// Take in a bundle another responder wrote.
    BundleIn(PathBuf),
}

struct Git<'a> {
    dir: &'a Path,
}

impl Git<'_> {
    fn run(&self, args: &[&str]) -> Result<Output, SyncError> {
        // Paths come back as written (`josé@host.jsonl`), not quoted
        // with octal escapes, so they match the case's file names.
        Command::new("git")
            .arg("-C")
            .arg(self.dir)
            .args(["-c", "core.quotePath=false"])
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .output()
            .map_err(|e| SyncError::Git(format!("cannot run git: {e} (install git)")))
    }

    /// A path inside the repository's git directory, absolute.
    fn git_path(&self, name: &str) -> Result<PathBuf, SyncError> {
        self.ok(&["rev-parse", "--path-format=absolute", "--git-path", name])
            .map(PathBuf::from)
    }

    /// Runs and requires success; the error quotes git's own message.
    fn ok(&self, args: &[&str]) -> Result<String, SyncError> {
        let out = self.run(args)?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(SyncError::Git(format!(
                "git {} failed: {}",
                args.first().copied().unwrap_or_default(),
                last_line(&out)
            )))
        }
    }
}

/// The line of git's stderr that says why: its first `fatal:` or
/// `error:` line, else its last line.
fn last_line(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines
        .iter()
        .find(|l| l.starts_with("fatal:") || l.starts_with("error:"))
        .or_else(|| lines.last())
        .map_or_else(|| "no message".to_string(), |l| (*l).to_string())
}

/// Commits this responder's own files ([`own_files`]) of the case folder
/// `dir` (`journal` is the id of their journal), then moves the branch
/// through `transport`. Whatever happened, the journals and drafts are
/// then private again ([`keep_private`]): git writes every file it checks
/// out with mode 0644.
pub fn sync(dir: &Path, journal: &str, transport: &Transport) -> Result<Synced, SyncError> {
    let synced = commit_and_transfer(dir, journal, transport);
    keep_private(dir);
    synced
}

fn commit_and_transfer(
    dir: &Path,
    journal: &str,
    transport: &Transport,
) -> Result<Synced, SyncError> {
    let git = Git { dir };
    git.ok(&["rev-parse", "--show-toplevel"]).map_err(|_| {
        SyncError::Git(format!(
            "{} is not inside a git repository (see docs/team.md to set one up)",
            dir.display()
        ))
    })?;
    refuse_left_lock(&git)?;
    undo_interrupted_sync(&git)?;
    refuse_pick_in_progress(&git)?;
    let branch = current_branch(&git)?;
    refuse_contradicted(dir, journal)?;
    refuse_journal_not_continuing(&git, dir, &super::folder::journal_path(dir, journal))?;
    let committed = commit_own(&git, &own_files(&git, dir, journal)?)?;
    let before = head(&git)?;
    let (sent, pushed) = transfer(&git, journal, &branch, transport)?;
    Ok(Synced {
        committed,
        sent,
        received: received_since(&git, before.as_deref(), journal)?,
        sent_earlier: pushed.saturating_sub(usize::from(committed)),
    })
}

/// Moves `branch` through `transport`; returns where it was sent and
/// how many commits a push sent.
fn transfer(
    git: &Git<'_>,
    journal: &str,
    branch: &str,
    transport: &Transport,
) -> Result<(Sent, usize), SyncError> {
    match transport {
        Transport::BundleOut(file) => Ok((write_bundle(git, &absolute(file), branch)?, 0)),
        Transport::BundleIn(file) => {
            let file = absolute(file).to_string_lossy().into_owned();
            git.ok(&["bundle", "verify", &file])?;
            pull(git, &file, branch)?;
            let remote = remote_of(git, branch)?;
            Ok((Sent::TookInBundle { remote }, 0))
        }
        Transport::Remote => {
            let Some(remote) = remote_of(git, branch)? else {
                return Ok((Sent::NoRemote, 0));
            };
            let pushed = send_to_remote(git, journal, &remote, branch)?;
            Ok((Sent::Remote(remote), pushed))
        }
    }
}

/// Writes `branch` (its whole history) to the bundle `file`, after the
/// check a push makes: a bundle carries journals to others just as a
/// push does, so one that rewrites what the remote has (as last fetched:
/// a bundle is for when it cannot be reached) is refused the same way.
fn write_bundle(git: &Git<'_>, file: &Path, branch: &str) -> Result<Sent, SyncError> {
    let shown = file.display().to_string();
    if let Some(remote) = remote_of(git, branch)? {
        refuse_rewritten_journals(git, &remote, branch, Some(&shown))?;
    }
    git.ok(&["bundle", "create", &file.to_string_lossy(), branch])?;
    let commits = git.ok(&["rev-list", "--count", branch])?;
    let grown = journals_grown(git, &empty_tree(git)?, "HEAD")?;
    Ok(Sent::Bundle {
        file: shown,
        branch: branch.to_string(),
        commits: commits
            .parse()
            .map_err(|_| SyncError::Git(format!("git rev-list --count said `{commits}`")))?,
        entries: grown.iter().map(|(_, n)| n).sum(),
        journals: grown.len(),
    })
}

/// The branch HEAD is on, found before anything is committed: a commit
/// made on a detached HEAD (or on a HEAD that names no local branch)
/// belongs to no branch sync could send, so sync refuses and leaves the
/// clone as it is, saying how to get back on a branch.
fn current_branch(git: &Git<'_>) -> Result<String, SyncError> {
    let out = git.run(&["symbolic-ref", "-q", "HEAD"])?;
    let named = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if out.status.success()
        && let Some(branch) = named.strip_prefix("refs/heads/")
    {
        return Ok(branch.to_string());
    }
    let top = git.ok(&["rev-parse", "--show-toplevel"])?;
    let state = if named.is_empty() {
        let at = git.ok(&["rev-parse", "--short", "HEAD"])?;
        format!("HEAD in {top} is detached (at {at}), not on a branch")
    } else {
        format!("HEAD in {top} names {named}, not a local branch")
    };
    Err(SyncError::Git(format!(
        "{state}, so a commit made now would belong to no branch and could not be sent; nothing was committed or sent; {}, then run `runsheet sync` again",
        back_on_a_branch(git, &top)?
    )))
}

/// The git command that puts a clone with no current branch back on one:
/// a bisect is ended (which does), else the one local branch is named,
/// else the user picks among them or creates one.
fn back_on_a_branch(git: &Git<'_>, top: &str) -> Result<String, SyncError> {
    if git.git_path("BISECT_START")?.exists() {
        return Ok(format!(
            "a git bisect is in progress: end it with `git -C {top} bisect reset`"
        ));
    }
    let branches = git.ok(&["for-each-ref", "--format=%(refname:short)", "refs/heads/"])?;
    let branches: Vec<&str> = branches.lines().collect();
    Ok(match branches.as_slice() {
        [] => format!("create a branch with `git -C {top} switch -c BRANCH`"),
        [one] => format!("switch to the case's branch with `git -C {top} switch {one}`"),
        many => format!(
            "switch to the case's branch with `git -C {top} switch BRANCH` (one of {})",
            many.join(", ")
        ),
    })
}

/// The commit HEAD names, or none before the first commit.
fn head(git: &Git<'_>) -> Result<Option<String>, SyncError> {
    let out = git.run(&["rev-parse", "--verify", "-q", "HEAD"])?;
    Ok(out
        .status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string()))
}

/// How many entries (lines) each journal of the case but `own` grew by
/// between commit `before` (none: the empty tree) and HEAD: lines added
/// less lines removed, so a rewritten journal (warned about apart) counts
/// only what it gained.
fn received_since(
    git: &Git<'_>,
    before: Option<&str>,
    own: &str,
) -> Result<Vec<(String, usize)>, SyncError> {
    let before = match before {
        Some(commit) => commit.to_string(),
        None => empty_tree(git)?,
    };
    Ok(journals_grown(git, &before, "HEAD")?
        .into_iter()
        .filter(|(id, _)| id != own)
        .collect())
}

/// git's empty tree, to count from when there is no commit before.
fn empty_tree(git: &Git<'_>) -> Result<String, SyncError> {
    git.ok(&["hash-object", "-t", "tree", "/dev/null"])
}

/// Each journal of the case (by id) that grew between `from` and `to`,
/// with how many lines: added less removed, so a rewritten journal
/// (warned about apart) counts only what it gained.
fn journals_grown(git: &Git<'_>, from: &str, to: &str) -> Result<Vec<(String, usize)>, SyncError> {
    let changed = git.ok(&["diff", "--numstat", "--no-renames", from, to, "--", "."])?;
    Ok(changed
        .lines()
        .filter_map(|line| {
            let mut fields = line.splitn(3, '\t');
            let added: usize = fields.next()?.parse().ok()?;
            let removed: usize = fields.next()?.parse().ok()?;
            let file = fields.next()?;
            let id = Path::new(file).file_stem()?.to_str()?;
            let grown = added.saturating_sub(removed);
            (is_journal(file) && grown > 0).then(|| (id.to_string(), grown))
        })
        .collect())
}

/// How many times a push that lost a race is tried again, each after
/// pulling what the other responder pushed.
const PUSH_RETRIES: usize = 3;

/// Pulls and pushes `branch`; a push rejected because the remote moved on
/// meanwhile is tried again after pulling once more.
/// Each push is of the case as pulled: [`refuse_contradicted`] checks it
/// again with what the others sent.
fn send_to_remote(
    git: &Git<'_>,
    journal: &str,
    remote: &str,
    branch: &str,
) -> Result<usize, SyncError> {
    fetch(git, remote)?;
    for _ in 0..=PUSH_RETRIES {
        if tracked(git, remote, branch)?.is_some() {
            pull(git, remote, branch)?;
        }
        refuse_contradicted(git.dir, journal)?;
        refuse_rewritten_journals(git, remote, branch, None)?;
        let unsent = commits_not_on(git, remote, branch)?;
        let pushed = git.run(&["push", "-u", remote, &format!("HEAD:{branch}")])?;
        if pushed.status.success() {
            return Ok(unsent);
        }
        fetch(git, remote)?;
        if !moved_on(git, remote, branch)? {
            return Err(SyncError::Git(format!(
                "git push to `{remote}` failed: {}",
                last_line(&pushed)
            )));
        }
    }
    Err(SyncError::RemoteMoved {
        remote: remote.to_string(),
        attempts: PUSH_RETRIES + 1,
    })
}

/// Refuses to push when a journal in HEAD does not begin with the
/// remote's version of it: journals only ever grow, so any other change
/// (a hand-made commit that fixed a typo, say) would rewrite what everyone
/// has, and lock its writer out of their own journal. Appending to
/// another's journal (a relayed bundle) is fine. `bundle`: the bundle
/// file about to be written instead of a push.
fn refuse_rewritten_journals(
    git: &Git<'_>,
    remote: &str,
    branch: &str,
    bundle: Option<&str>,
) -> Result<(), SyncError> {
    let Some(tracking) = tracked(git, remote, branch)? else {
        return Ok(());
    };
    let changed = git.ok(&["diff", "--name-only", "--no-renames", &tracking, "HEAD"])?;
    for file in changed.lines().filter(|f| is_journal(f)) {
        let theirs = committed_bytes(git, &tracking, file)?;
        let ours = committed_bytes(git, "HEAD", file)?;
        if ours.starts_with(&theirs) {
            continue;
        }
        let range = format!("{tracking}..HEAD");
        let pathspec = format!(":(top){file}");
        let commits = git.ok(&["log", "--format=%h %s", &range, "--", &pathspec])?;
        return Err(SyncError::Rewritten {
            top: git.ok(&["rev-parse", "--show-toplevel"])?,
            remote: remote.to_string(),
            file: file.to_string(),
            commits: commits.lines().map(str::to_string).collect(),
            bundle: bundle.map(str::to_string),
        });
    }
    Ok(())
}

/// `file` (from the repository's top) as committed in `rev`; empty when
/// `rev` does not have it.
fn committed_bytes(git: &Git<'_>, rev: &str, file: &str) -> Result<Vec<u8>, SyncError> {
    let shown = git.run(&["show", &format!("{rev}:{file}")])?;
    Ok(if shown.status.success() {
        shown.stdout
    } else {
        Vec::new()
    })
}

/// How many commits HEAD has that the remote's branch (as last fetched)
/// has not: what a push sends.
fn commits_not_on(git: &Git<'_>, remote: &str, branch: &str) -> Result<usize, SyncError> {
    let count = match tracked(git, remote, branch)? {
        Some(tracking) => git.ok(&["rev-list", "--count", &format!("{tracking}..HEAD")])?,
        // A first push: what no branch of the remote has yet.
        None => git.ok(&[
            "rev-list",
            "--count",
            "HEAD",
            "--not",
            &format!("--remotes={remote}"),
        ])?,
    };
    count
        .parse()
        .map_err(|_| SyncError::Git(format!("git rev-list --count said `{count}`")))
}

fn fetch(git: &Git<'_>, remote: &str) -> Result<(), SyncError> {
    let fetched = git.run(&["fetch", remote])?;
    if fetched.status.success() {
        Ok(())
    } else {
        Err(SyncError::Unreachable {
            remote: remote.to_string(),
            detail: last_line(&fetched),
        })
    }
}

/// The remote-tracking ref of `branch`, when the remote has the branch.
fn tracked(git: &Git<'_>, remote: &str, branch: &str) -> Result<Option<String>, SyncError> {
    let tracking = format!("refs/remotes/{remote}/{branch}");
    let known = git.run(&["rev-parse", "--verify", "-q", &tracking])?;
    Ok(known.status.success().then_some(tracking))
}

/// Whether the remote's branch (as last fetched) holds commits this
/// clone does not: someone pushed since this sync pulled.
fn moved_on(git: &Git<'_>, remote: &str, branch: &str) -> Result<bool, SyncError> {
    let Some(tracking) = tracked(git, remote, branch)? else {
        return Ok(false);
    };
    let contained = git.run(&["merge-base", "--is-ancestor", &tracking, "HEAD"])?;
    Ok(!contained.status.success())
}

fn absolute(file: &Path) -> PathBuf {
    std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf())
}

/// The branch's upstream remote, else the first remote, else none.
fn remote_of(git: &Git<'_>, branch: &str) -> Result<Option<String>, SyncError> {
    let configured = git.run(&["config", "--get", &format!("branch.{branch}.remote")])?;
    let name = String::from_utf8_lossy(&configured.stdout)
        .trim()
        .to_string();
    if !name.is_empty() {
        return Ok(Some(name));
    }
    let remotes = git.ok(&["remote"])?;
    Ok(remotes.lines().next().map(str::to_string))
}

/// The files a sync stages for journal `journal` of the case in `dir`, by
/// path (never a whole folder): the journal, its drafts (saved beside it
/// as `<id>.<step>.v<N>.txt`, or in `drafts/`), `case.yaml` and the
/// playbook copy. The skeleton `case new` wrote (`.gitignore`, the
/// `.gitkeep` markers) goes in only while git does not track it yet, on
/// the case's first sync: an edit to it later is no responder's to send,
/// and a sync refuses it as a change not theirs. Decided at each sync, so
/// a draft saved since the runner opened goes too.
fn own_files(git: &Git<'_>, dir: &Path, journal: &str) -> Result<Vec<PathBuf>, SyncError> {
    use super::folder;
    let mut own = vec![
        folder::journal_path(dir, journal),
        dir.join(folder::CASE_FILE),
        dir.join(folder::PLAYBOOK_FILE),
    ];
    for folder_of_drafts in [folder::drafts_dir(dir), folder::journals_dir(dir)] {
        own.extend(drafts_of(&folder_of_drafts, journal));
    }
    for skeleton in [
        dir.join(".gitignore"),
        folder::journals_dir(dir).join(".gitkeep"),
        folder::drafts_dir(dir).join(".gitkeep"),
    ] {
        if !is_tracked(git, &skeleton)? {
            own.push(skeleton);
        }
    }
    Ok(own.into_iter().map(|p| absolute(&p)).collect())
}

/// The drafts of journal `journal` in `folder` (`<id>.<…>.txt`): never
/// another responder's, nor the local lock note.
fn drafts_of(folder: &Path, journal: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let prefix = format!("{journal}.");
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                let n = n.to_string_lossy();
                n.starts_with(&prefix) && n.ends_with(".txt")
            })
        })
        .collect()
}

/// Whether git tracks `file` (in the index).
fn is_tracked(git: &Git<'_>, file: &Path) -> Result<bool, SyncError> {
    let file = absolute(file).to_string_lossy().into_owned();
    Ok(!git.ok(&["ls-files", "--", &file])?.is_empty())
}

/// Puts back mode 0600 on every journal and draft of the case (regular
/// files only: a symbolic link is never followed out of the case), as
/// they are written: git checks files out with 0644 whatever mode they
/// had, so after a pull the incident record would be readable by every
/// user of the machine. Best effort: a file that cannot be changed keeps
/// the mode git gave it, and the sync's own outcome is what is reported.
fn keep_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    let journals = regular_files(&super::folder::journals_dir(dir))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl" || x == "txt"));
    let drafts = regular_files(&super::folder::drafts_dir(dir));
    for path in journals.chain(drafts) {
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
}

/// The regular files of `folder`: never a symbolic link, nor a dot file
/// (the `.gitkeep` marker).
fn regular_files(folder: &Path) -> impl Iterator<Item = PathBuf> + use<> {
    std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
        })
        .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_file()))
}

/// Stages and commits only `own` (when they changed).
fn commit_own(git: &Git<'_>, own: &[PathBuf]) -> Result<bool, SyncError> {
    let paths: Vec<String> = own
        .iter()
        .filter(|p| p.exists())
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if paths.is_empty() {
        return Ok(false);
    }
    let mut add = vec!["add", "--"];
    add.extend(paths.iter().map(String::as_str));
    git.ok(&add)?;
    let mut staged = vec!["diff", "--cached", "--quiet", "--"];
    staged.extend(paths.iter().map(String::as_str));
    if git.run(&staged)?.status.success() {
        return Ok(false);
    }
    let mut commit = vec!["commit", "--quiet", "-m", "runsheet sync", "--"];
    commit.extend(paths.iter().map(String::as_str));
    git.ok(&commit)?;
    Ok(true)
}

/// Refuses to send this responder's journal when another journal's `seen`
/// records contradict it, as `verify DIR` would report: a journal
/// rewritten after others read it verifies alone, and pushed it would
/// replace the version everyone saw.
fn refuse_contradicted(dir: &Path, journal: &str) -> Result<(), SyncError> {
    let journals = super::merge::load(dir).map_err(SyncError::Git)?;
    let mine: Vec<String> = super::witness::check(&journals)
        .into_iter()
        .filter(|c| c.journal == journal)
        .map(|c| c.to_string())
        .collect();
    if mine.is_empty() {
        Ok(())
    } else {
        Err(SyncError::Contradicted(mine))
    }
}

/// git's index lock left by a git command that was killed (a sync stopped
/// during its commit): every later git command would fail on it with a
/// message that does not say why it is there.
fn refuse_left_lock(git: &Git<'_>) -> Result<(), SyncError> {
    let lock = git.git_path("index.lock")?;
    if !lock.exists() {
        return Ok(());
    }
    let lock = lock.display();
    Err(SyncError::Git(format!(
        "{lock} exists: an earlier git command in this clone was interrupted and left its lock file; if no git command is running here, remove it (`rm {lock}`) and run `runsheet sync` again"
    )))
}

/// Called once this responder's files are committed: whatever still
/// differs from HEAD was changed here though someone else writes it, and
/// git would refuse to rebase over it.
fn refuse_changes_not_yours(git: &Git<'_>) -> Result<(), SyncError> {
    let changed = git.ok(&["diff", "--name-only", "HEAD"])?;
    if changed.is_empty() {
        return Ok(());
    }
    Err(SyncError::NotYours {
        top: git.ok(&["rev-parse", "--show-toplevel"])?,
        files: changed.lines().map(str::to_string).collect(),
    })
}

/// The file a sync keeps in the git directory while its pull runs: a
/// rebase found beside it is one a sync started and was stopped in.
const PULL_MARKER: &str = "runsheet-sync-pulling";

/// A merge or rebase git left half done, by the state files git keeps.
fn operation_in_progress(git: &Git<'_>) -> Result<Option<&'static str>, SyncError> {
    for (state, operation) in [
        ("rebase-merge", "rebase"),
        ("rebase-apply", "rebase"),
        ("MERGE_HEAD", "merge"),
    ] {
        if git.git_path(state)?.exists() {
            return Ok(Some(operation));
        }
    }
    Ok(None)
}

/// Undoes the rebase of a sync that was stopped during its pull, so the
/// files on disk are the committed ones again and nothing is lost; refuses
/// a rebase or merge someone else started, which is theirs to finish.
fn undo_interrupted_sync(git: &Git<'_>) -> Result<(), SyncError> {
    let marker = git.git_path(PULL_MARKER)?;
    match operation_in_progress(git)? {
        Some("rebase") if marker.exists() => {
            git.ok(&["rebase", "--abort"])?;
        }
        Some(operation) => return Err(not_started_by_sync(git, operation)?),
        None => {}
    }
    remove_marker(&marker)
}

/// Refuses, before anything is staged, a cherry-pick or revert git left
/// half done: git refuses the commit sync makes then, and its files on
/// disk are the user's to finish or undo, not sync's to commit or pull
/// over.
fn refuse_pick_in_progress(git: &Git<'_>) -> Result<(), SyncError> {
    for (state, operation) in [
        ("CHERRY_PICK_HEAD", "cherry-pick"),
        ("REVERT_HEAD", "revert"),
    ] {
        if git.git_path(state)?.exists() {
            return Err(not_started_by_sync(git, operation)?);
        }
    }
    Ok(())
}

/// The refusal of a git `operation` someone else left half done, with the
/// commands that finish or undo it.
fn not_started_by_sync(git: &Git<'_>, operation: &str) -> Result<SyncError, SyncError> {
    let top = git.ok(&["rev-parse", "--show-toplevel"])?;
    Ok(SyncError::Git(format!(
        "a git {operation} that runsheet sync did not start is in progress in {top}; finish it (`git -C {top} {operation} --continue`) or undo it (`git -C {top} {operation} --abort`), then run `runsheet sync` again"
    )))
}

fn remove_marker(marker: &Path) -> Result<(), SyncError> {
    match std::fs::remove_file(marker) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(SyncError::Git(format!(
            "cannot remove {}: {e}",
            marker.display()
        ))),
        _ => Ok(()),
    }
}

/// `git pull --rebase`, marked as under way while it runs (see
/// [`PULL_MARKER`]).
fn pull(git: &Git<'_>, from: &str, branch: &str) -> Result<(), SyncError> {
    refuse_changes_not_yours(git)?;
    let marker = git.git_path(PULL_MARKER)?;
    std::fs::write(&marker, "a runsheet sync is pulling\n")
        .map_err(|e| SyncError::Git(format!("cannot write {}: {e}", marker.display())))?;
    let pulled = pull_rebase(git, from, branch);
    // Kept while a rebase is still half done, so the next sync knows it
    // is its own to undo.
    if operation_in_progress(git)?.is_none() {
        remove_marker(&marker)?;
    }
    pulled
}

/// On any failure the rebase is undone, so the clone is never left
/// half-way; on a conflict, names the files.
fn pull_rebase(git: &Git<'_>, from: &str, branch: &str) -> Result<(), SyncError> {
    let out = git.run(&["pull", "--rebase", "--quiet", from, branch])?;
    if out.status.success() {
        return Ok(());
    }
    let unmerged = git.ok(&["diff", "--name-only", "--diff-filter=U"]);
    if operation_in_progress(git)?.is_some() {
        abort_rebase(git, from, &out)?;
    }
    let unmerged = unmerged?;
    if unmerged.is_empty() {
        return Err(SyncError::Git(format!(
            "git pull --rebase from `{from}` failed: {}",
            last_line(&out)
        )));
    }
    Err(SyncError::Conflict(
        unmerged.lines().map(str::to_string).collect(),
    ))
}

/// Undoes the rebase of a pull that failed (`pulled`). When git cannot
/// undo it either, says both why the pull stopped and why the undo
/// failed: the pull marker stays (see [`pull`]), so the next sync
/// recognises the rebase as its own and undoes it then.
fn abort_rebase(git: &Git<'_>, from: &str, pulled: &Output) -> Result<(), SyncError> {
    let aborted = git.run(&["rebase", "--abort"])?;
    if aborted.status.success() {
        return Ok(());
    }
    Err(SyncError::Git(format!(
        "git pull --rebase from `{from}` stopped half-way ({}) and undoing its rebase failed too (git rebase --abort: {}); nothing was pushed; the next `runsheet sync` undoes the rebase",
        last_line(pulled),
        last_line(&aborted)
    )))
}

/// Refuses a new entry in `journal` (a file of the case folder `dir`)
/// while the clone is half-way through a rebase or merge (an interrupted
/// sync left older journals on disk), or while the journal on disk does
/// not begin with the committed one: an entry written on it would fork the
/// journal. Outside a git repository there is nothing to check.
pub fn refuse_unfinished(dir: &Path, journal: &Path) -> Result<(), String> {
    let git = Git { dir };
    let Ok(top) = git.ok(&["rev-parse", "--show-toplevel"]) else {
        return Ok(());
    };
    if let Some(operation) = operation_in_progress(&git).map_err(|e| e.to_string())? {
        return Err(format!(
            "{top} is half-way through a git {operation}, so the journals on disk may be older versions: run `runsheet sync {}` to finish the interrupted sync first",
            dir.display()
        ));
    }
    let file = top_relative(&git, dir, journal).map_err(|e| e.to_string())?;
    let restore = format!("`git -C {top} checkout HEAD -- {file}`");
    match on_disk_against_committed(&git, dir, journal) {
        OnDisk::Continues => Ok(()),
        OnDisk::Behind => Err(format!(
            "{} on disk has fewer entries than the version committed in git (an older copy put back?); restore the committed one with {restore} first",
            journal.display()
        )),
        OnDisk::Forked => Err(format!(
            "{} on disk is a fork of the version committed in git: it does not begin with the committed entries; keep a copy of it elsewhere and restore the committed one with {restore} first",
            journal.display()
        )),
    }
}

/// Refuses to commit this responder's journal unless it begins with every
/// byte committed in HEAD: a shorter or forked version committed and
/// pushed would delete entries others already have.
fn refuse_journal_not_continuing(
    git: &Git<'_>,
    dir: &Path,
    journal: &Path,
) -> Result<(), SyncError> {
    let continues = on_disk_against_committed(git, dir, journal);
    if continues == OnDisk::Continues {
        return Ok(());
    }
    let top = git.ok(&["rev-parse", "--show-toplevel"])?;
    let file = top_relative(git, dir, journal)?;
    Err(match continues {
        OnDisk::Behind => SyncError::JournalBehind { top, file },
        _ => SyncError::JournalForked { top, file },
    })
}

/// How a journal on disk stands against the version committed in HEAD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnDisk {
    /// It begins with every committed byte (or nothing is committed).
    Continues,
    /// It is a strict prefix of the committed one: entries are missing.
    Behind,
    /// Neither: it holds entries the committed one has not.
    Forked,
}

fn on_disk_against_committed(git: &Git<'_>, dir: &Path, journal: &Path) -> OnDisk {
    let Ok(inside) = journal.strip_prefix(dir) else {
        return OnDisk::Continues;
    };
    let spec = format!("HEAD:./{}", inside.to_string_lossy());
    let committed = match git.run(&["show", &spec]) {
        Ok(out) if out.status.success() => out.stdout,
        _ => return OnDisk::Continues,
    };
    let on_disk = std::fs::read(journal).unwrap_or_default();
    if on_disk.starts_with(&committed) {
        OnDisk::Continues
    } else if committed.starts_with(&on_disk) {
        OnDisk::Behind
    } else {
        OnDisk::Forked
    }
}

/// `journal` (inside the case folder `dir`) as a path from the top of the
/// repository, as git commands given `-C TOP` take it.
fn top_relative(git: &Git<'_>, dir: &Path, journal: &Path) -> Result<String, SyncError> {
    let prefix = git.ok(&["rev-parse", "--show-prefix"])?;
    let inside = journal.strip_prefix(dir).unwrap_or(journal);
    Ok(format!("{prefix}{}", inside.to_string_lossy()))
}
