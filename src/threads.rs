//! Scoped threads, joined as if their work had been done here.

use std::thread::ScopedJoinHandle;

/// What a scoped thread returned; its panic goes on in this thread, so a
/// bug on a helper core reports as it would have on the calling one.
pub fn joined<T>(handle: ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}
