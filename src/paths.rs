//! Where runsheet keeps things: journals and local playbooks under the data
//! directory, settings under the config directory (XDG on Linux).

use std::path::PathBuf;

/// `$RUNSHEET_DATA_DIR`, else `$XDG_DATA_HOME/runsheet`, else
/// `~/.local/share/runsheet`.
pub fn data_dir() -> PathBuf {
    if let Some(dir) = env_path("RUNSHEET_DATA_DIR") {
        return dir;
    }
    env_path("XDG_DATA_HOME")
        .or_else(|| env_path("HOME").map(|h| h.join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("runsheet")
}

/// `$RUNSHEET_CONFIG_DIR`, else `$XDG_CONFIG_HOME/runsheet`, else
/// `~/.config/runsheet`.
pub fn config_dir() -> PathBuf {
    if let Some(dir) = env_path("RUNSHEET_CONFIG_DIR") {
        return dir;
    }
    env_path("XDG_CONFIG_HOME")
        .or_else(|| env_path("HOME").map(|h| h.join(".config")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("runsheet")
}

/// Default folder for new journals.
pub fn journals_dir() -> PathBuf {
    data_dir().join("journals")
}

/// Folders searched for local playbooks, packs (`clocks/`) and drills
/// (`drills/`): the data directory's `playbooks/`, then `./playbooks`.
pub fn local_playbook_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![data_dir().join("playbooks")];
    if let Ok(cwd) = std::env::current_dir() {
        dirs.push(cwd.join("playbooks"));
    }
    dirs
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}
