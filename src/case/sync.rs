//! `runsheet sync`: moves a case between machines with the system `git`
//! (the user's remotes, credentials, SSH agent and signing apply as they
//! are). Only this responder's own files are committed; every other file
//! has exactly one writer elsewhere, so a rebase never meets a conflict in
//! a journal. If git reports one anyway, sync stops and names the file.

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
    /// git reported a conflict in these files (exit 1).
    Conflict(Vec<String>),
}

impl std::fmt::Display for SyncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Git(m) => f.write_str(m),
            Self::Unreachable { remote, detail } => write!(
                f,
                "could not reach the remote `{remote}` ({detail}); nothing was lost: your entries are committed locally and the next sync sends them"
            ),
            Self::Conflict(files) => write!(
                f,
                "git reported a conflict in {}; the rebase was undone and nothing was pushed (another responder's file changed: check who wrote it)",
                files.join(", ")
            ),
        }
    }
}

impl SyncError {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Conflict(_) => 1,
            Self::Git(_) | Self::Unreachable { .. } => 2,
        }
    }
}

/// What a sync did, for one line of output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synced {
    pub committed: bool,
    pub pushed_to: Option<String>,
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
        Command::new("git")
            .arg("-C")
            .arg(self.dir)
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .output()
            .map_err(|e| SyncError::Git(format!("cannot run git: {e} (install git)")))
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

/// Commits `own` files (paths inside the case folder `dir`), then moves
/// the branch through `transport`.
pub fn sync(dir: &Path, own: &[PathBuf], transport: &Transport) -> Result<Synced, SyncError> {
    let git = Git { dir };
    git.ok(&["rev-parse", "--show-toplevel"]).map_err(|_| {
        SyncError::Git(format!(
            "{} is not inside a git repository (see docs/team.md to set one up)",
            dir.display()
        ))
    })?;
    let committed = commit_own(&git, own)?;
    let branch = git.ok(&["symbolic-ref", "--short", "HEAD"])?;
    let pushed_to = match transport {
        Transport::BundleOut(file) => {
            let file = absolute(file);
            git.ok(&["bundle", "create", &file.to_string_lossy(), &branch])?;
            Some(file.display().to_string())
        }
        Transport::BundleIn(file) => {
            let file = absolute(file).to_string_lossy().into_owned();
            git.ok(&["bundle", "verify", &file])?;
            pull(&git, &file, &branch)?;
            None
        }
        Transport::Remote => {
            let Some(remote) = remote_of(&git, &branch)? else {
                return Ok(Synced {
                    committed,
                    pushed_to: None,
                });
            };
            let fetched = git.run(&["fetch", &remote])?;
            if !fetched.status.success() {
                return Err(SyncError::Unreachable {
                    remote,
                    detail: last_line(&fetched),
                });
            }
            let tracking = format!("refs/remotes/{remote}/{branch}");
            if git
                .run(&["rev-parse", "--verify", "-q", &tracking])?
                .status
                .success()
            {
                pull(&git, &remote, &branch)?;
            }
            let pushed = git.run(&["push", "-u", &remote, &format!("HEAD:{branch}")])?;
            if !pushed.status.success() {
                return Err(SyncError::Unreachable {
                    remote,
                    detail: last_line(&pushed),
                });
            }
            Some(remote)
        }
    };
    Ok(Synced {
        committed,
        pushed_to,
    })
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

/// `git pull --rebase`; on a conflict, undoes the rebase and names files.
fn pull(git: &Git<'_>, from: &str, branch: &str) -> Result<(), SyncError> {
    let out = git.run(&["pull", "--rebase", "--quiet", from, branch])?;
    if out.status.success() {
        return Ok(());
    }
    let unmerged = git.ok(&["diff", "--name-only", "--diff-filter=U"])?;
    if unmerged.is_empty() {
        return Err(SyncError::Git(format!(
            "git pull --rebase from `{from}` failed: {}",
            last_line(&out)
        )));
    }
    let _ = git.run(&["rebase", "--abort"]);
    Err(SyncError::Conflict(
        unmerged.lines().map(str::to_string).collect(),
    ))
}
