//! An output folder written as a whole: the files go into a fresh staging
//! folder beside the target (`.NAME.staging-PID`), and only once all of
//! them are written are they moved in, so a fault (permission, read-only
//! file system, full disk, a killed process) leaves the previous complete
//! output, or nothing.
//!
//! [`Staging::begin`] refuses a target that exists and is not a folder,
//! and removes what killed runs left behind: staging folders of the same
//! target and this crate's temporary files ([`crate::atomic`]) of the
//! target's own kinds of files, both only of processes that are gone.
//! [`Staging::commit`] renames the staging folder into place when there is
//! no target yet; otherwise it moves each file in (one rename each) and
//! removes the files of the tool's own kinds that this run did not write
//! (a `fleet.csv` of an earlier agent scenario, say). Other files in the
//! target (the user's own, subfolders such as `.partials/`) stay.

use crate::atomic::{parse_temp_name, process_alive};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Why a target cannot be an output folder.
fn not_a_folder(target: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotADirectory,
        format!(
            "{} exists and is not a folder (the output path must name a folder)",
            target.display()
        ),
    )
}

/// Fails unless `target` is a folder or does not exist.
pub fn check_target(target: &Path) -> io::Result<()> {
    match fs::metadata(target) {
        Ok(m) if !m.is_dir() => Err(not_a_folder(target)),
        _ => Ok(()),
    }
}

/// A staging folder for one output folder; removed with its contents when
/// dropped before [`Staging::commit`].
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    done: bool,
}

/// The target's parent folder and final name, resolving `.`, `..` and an
/// empty parent.
fn parent_and_name(target: &Path) -> io::Result<(PathBuf, String)> {
    let resolved = match (target.parent(), target.file_name()) {
        (Some(_), Some(_)) if !target.ends_with("..") => target.to_path_buf(),
        _ => fs::canonicalize(target)?,
    };
    let name = resolved
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} cannot be an output folder", target.display()),
            )
        })?;
    let parent = match resolved.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

/// The staging folder name prefix of a target named `name`.
fn staging_prefix(name: &str) -> String {
    format!(".{name}.staging-")
}

impl Staging {
    /// Checks `target`, cleans what killed runs left (see the module
    /// docs; `is_own` tells the tool's own kinds of file names) and
    /// creates a fresh staging folder beside it.
    pub fn begin(target: &Path, is_own: &dyn Fn(&str) -> bool) -> io::Result<Staging> {
        check_target(target)?;
        let (parent, name) = parent_and_name(target)?;
        fs::create_dir_all(&parent)?;
        let prefix = staging_prefix(&name);
        for entry in fs::read_dir(&parent)?.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            let stale = file
                .strip_prefix(&prefix)
                .and_then(|pid| pid.parse::<u32>().ok())
                .is_some_and(|pid| !process_alive(pid));
            if stale {
                fs::remove_dir_all(entry.path())?;
            }
        }
        if target.is_dir() {
            for entry in fs::read_dir(target)?.flatten() {
                let file = entry.file_name().to_string_lossy().into_owned();
                let stale = parse_temp_name(&file)
                    .is_some_and(|(of, pid)| is_own(&of) && !process_alive(pid));
                if stale && entry.file_type().is_ok_and(|t| t.is_file()) {
                    fs::remove_file(entry.path())?;
                }
            }
        }
        let dir = parent.join(format!("{prefix}{}", std::process::id()));
        // A folder of this process's own earlier, failed attempt.
        match fs::remove_dir_all(&dir) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        fs::create_dir(&dir)?;
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
            done: false,
        })
    }

    /// Where the outputs are written until [`Staging::commit`].
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Moves the files written into the staging folder (`written`, file
    /// names) into the target, and removes the target's files of the
    /// tool's own kinds (`is_own`) that are not among them.
    pub fn commit(mut self, written: &[String], is_own: &dyn Fn(&str) -> bool) -> io::Result<()> {
        check_target(&self.target)?;
        if !self.target.exists() && fs::rename(&self.dir, &self.target).is_ok() {
            self.done = true;
            return Ok(());
        }
        fs::create_dir_all(&self.target)?;
        for name in written {
            fs::rename(self.dir.join(name), self.target.join(name))?;
        }
        for entry in fs::read_dir(&self.target)?.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if is_own(&file)
                && !written.contains(&file)
                && entry.file_type().is_ok_and(|t| t.is_file())
            {
                fs::remove_file(entry.path())?;
            }
        }
        self.done = true;
        fs::remove_dir_all(&self.dir)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}
