//! One build at a time per output folder.
//!
//! Two builds into one folder would share its staging folder and race for the
//! switch. The lock is an advisory `flock` on a small file beside the output
//! (`.public.sitrep-lock`), holding the holder's process id so the one that
//! waits can say whom it waits for. The operating system releases it when the
//! holder exits, however it exits, so a killed build never leaves a stale lock.
//! The file itself stays: deleting a lock file while another process waits on it
//! would let a third one lock a new file and run alongside.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

use super::beside;
use crate::error::{Error, Result};

/// Held for the whole of a build's write; released on drop.
pub(super) struct Lock {
    file: File,
}

impl Lock {
    /// Locks the output folder `dir` (a real path), waiting for another build that
    /// holds it; `waiting` is told who that is before the wait starts.
    pub fn acquire(dir: &Path, waiting: impl FnOnce(&str)) -> Result<Lock> {
        let path = beside(dir, "sitrep-lock");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io("cannot create the lock file", &path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = match holder.trim() {
                    "" => "another sitrep build".to_string(),
                    pid => format!("another sitrep build (process {pid})"),
                };
                waiting(&format!(
                    "{holder} is writing {}; waiting for it to finish (lock: {})",
                    dir.display(),
                    path.display()
                ));
                file.lock()
                    .map_err(|e| Error::io("cannot lock", &path, e))?;
            }
            Err(TryLockError::Error(e)) => return Err(Error::io("cannot lock", &path, e)),
        }
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(file, "{}", std::process::id());
        Ok(Lock { file })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}
