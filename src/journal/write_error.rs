//! Why an entry or an attached file was not written, keeping the
//! operating system's `io::ErrorKind` so callers can tell a full disk from
//! a read-only one or a failing device, and advise accordingly.

use std::io;

/// A failed journal write: the kind of failure and the words for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteError {
    pub kind: io::ErrorKind,
    pub message: String,
}

impl WriteError {
    pub fn new(kind: io::ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// The error `e`, described after `context` (a file name) when given.
    pub fn io(context: Option<&str>, e: &io::Error) -> Self {
        let described = crate::diag::describe_io(e);
        Self::new(
            e.kind(),
            match context {
                Some(c) => format!("{c}: {described}"),
                None => described,
            },
        )
    }

    /// What to do about it, for the kinds a responder can act on.
    pub fn advice(&self) -> Option<&'static str> {
        match self.kind {
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
                Some("free space on the journal's disk, then resume the journal")
            }
            io::ErrorKind::ReadOnlyFilesystem | io::ErrorKind::PermissionDenied => Some(
                "the journal's folder cannot be written: copy the journal somewhere writable and resume it there",
            ),
            _ => None,
        }
    }
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(advice) = self.advice() {
            write!(f, " ({advice})")?;
        }
        Ok(())
    }
}

impl std::error::Error for WriteError {}

impl From<io::Error> for WriteError {
    fn from(e: io::Error) -> Self {
        Self::io(None, &e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_9_write_errors_keep_their_io_error_kind() {
        let full = WriteError::from(io::Error::from(io::ErrorKind::StorageFull));
        assert_eq!(full.kind, io::ErrorKind::StorageFull);
        assert!(full.to_string().contains("free space"), "{full}");
        let ro = WriteError::io(
            Some("j.jsonl"),
            &io::Error::from(io::ErrorKind::ReadOnlyFilesystem),
        );
        assert_eq!(ro.kind, io::ErrorKind::ReadOnlyFilesystem);
        assert!(ro.to_string().starts_with("j.jsonl: "), "{ro}");
        let other = WriteError::from(io::Error::other("device error"));
        assert_eq!(other.kind, io::ErrorKind::Other);
        assert_eq!(other.to_string(), "device error");
    }
}
