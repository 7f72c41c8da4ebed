//! Work started on a thread of its own before its result is needed: the
//! catalog parses every bundled playbook (tens of milliseconds) while the
//! journal that names one is already being read.

use std::thread::{Scope, ScopedJoinHandle};

/// A value being computed on a scoped thread, waited for on first use.
pub enum Ahead<'scope, T> {
    Running(ScopedJoinHandle<'scope, T>),
    Done(T),
    /// Only between taking the thread's result and storing it.
    Joining,
}

impl<'scope, T: Send + 'scope> Ahead<'scope, T> {
    /// Starts `work` on a thread of `scope`; on this thread when none can
    /// be had (hence the copy of `work`).
    pub fn start<'env>(
        scope: &'scope Scope<'scope, 'env>,
        work: impl FnOnce() -> T + Clone + Send + 'scope,
    ) -> Self {
        let spawned = std::thread::Builder::new()
            .name("ahead".into())
            .spawn_scoped(scope, work.clone());
        match spawned {
            Ok(handle) => Self::Running(handle),
            Err(_) => Self::Done(work()),
        }
    }

    /// The value, waiting for the thread if it is still at work.
    pub fn get(&mut self) -> &T {
        if let Self::Running(_) = self
            && let Self::Running(handle) = std::mem::replace(self, Self::Joining)
        {
            let value = crate::threads::joined(handle);
            *self = Self::Done(value);
        }
        match self {
            Self::Done(value) => value,
            Self::Running(_) | Self::Joining => unreachable!("joined above"),
        }
    }
}

impl<T> Ahead<'_, T> {
    /// The value, waiting for the thread if it is still at work.
    pub fn into_value(self) -> T {
        match self {
            Self::Running(handle) => crate::threads::joined(handle),
            Self::Done(value) => value,
            Self::Joining => unreachable!("only while `get` joins"),
        }
    }
}

impl<T> std::fmt::Debug for Ahead<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Running(_) => "Ahead::Running",
            Self::Done(_) => "Ahead::Done",
            Self::Joining => "Ahead::Joining",
        })
    }
}
