//! Atomic file writes, the one way every output file of minesim is
//! written: write a temporary file beside the target, flush and fsync it,
//! then rename it over the target, so a crash never leaves a half-written
//! output. Tables and JSON are filled through a writer
//! ([`write_atomic`]); charts, whose encoders open the file themselves,
//! are drawn to the temporary path ([`write_atomic_path`]).

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The temporary name used while `path` is being written.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes a file atomically through `fill`; on error the temporary file is
/// removed and the target is untouched.
pub fn write_atomic<F>(path: &Path, fill: F) -> io::Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> io::Result<()>,
{
    let tmp = temp_path(path);
    let result = (|| {
        let mut w = BufWriter::new(File::create(&tmp)?);
        fill(&mut w)?;
        w.flush()?;
        w.get_ref().sync_all()?;
        Ok(())
    })();
    match result {
        Ok(()) => fs::rename(&tmp, path),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Distinguishes the temporary files of concurrent path-based writers in
/// one process.
static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The temporary name of a path-based write of `path`: hidden, unique in
/// the process, and ending in the target's extension (encoders such as
/// plotters' pick the format from it), e.g. `.hashrate.tmp-1234-0.png`.
pub fn temp_path_keeping_extension(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    path.with_file_name(format!(".{stem}.tmp-{}-{n}{ext}", std::process::id()))
}

/// Writes a file atomically through `draw`, which creates and writes the
/// file at the temporary path it is given (and must be done with it when
/// it returns). The file is then fsynced and renamed over `path`. On error
/// the temporary file is removed and the target is untouched; the error
/// is `draw`'s own, or `io` applied to an I/O failure of the commit.
pub fn write_atomic_path<E>(
    path: &Path,
    draw: impl FnOnce(&Path) -> Result<(), E>,
    io: impl FnOnce(io::Error) -> E,
) -> Result<(), E> {
    let tmp = temp_path_keeping_extension(path);
    let result = draw(&tmp).and_then(|()| {
        let commit = File::open(&tmp)
            .and_then(|f| f.sync_all())
            .and_then(|()| fs::rename(&tmp, path));
        commit.map_err(io)
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// The target name and process id of one of this module's temporary file
/// names: `.steps.csv.tmp-1234` ([`temp_path`]) gives `("steps.csv",
/// 1234)`, `.energy.tmp-1234-5.png` ([`temp_path_keeping_extension`])
/// gives `("energy.png", 1234)`. `None` for any other name.
pub fn parse_temp_name(name: &str) -> Option<(String, u32)> {
    let rest = name.strip_prefix('.')?;
    let at = rest.rfind(".tmp-")?;
    let (target, tail) = (&rest[..at], &rest[at + ".tmp-".len()..]);
    if target.is_empty() {
        return None;
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // `PID` alone, or `PID-N.EXT` / `PID-N` (a target without extension).
    match tail.split_once('-') {
        None if digits(tail) => Some((target.to_string(), tail.parse().ok()?)),
        Some((pid, n_ext)) if digits(pid) => {
            let (n, ext) = match n_ext.split_once('.') {
                Some((n, ext)) if !ext.is_empty() => (n, Some(ext)),
                _ => (n_ext, None),
            };
            if !digits(n) {
                return None;
            }
            let target = match ext {
                Some(ext) => format!("{target}.{ext}"),
                None => target.to_string(),
            };
            Some((target, pid.parse().ok()?))
        }
        _ => None,
    }
}

/// Whether process `pid` is running on this machine (Linux: it has a
/// `/proc` entry; elsewhere every other process counts as gone).
pub fn process_alive(pid: u32) -> bool {
    pid == std::process::id()
        || (cfg!(target_os = "linux") && Path::new("/proc").join(pid.to_string()).exists())
}

/// Writes bytes atomically.
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic(path, |w| w.write_all(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder for one test, removed afterwards.
    struct Dir(PathBuf);
    impl Dir {
        fn new(name: &str) -> Dir {
            let d =
                std::env::temp_dir().join(format!("minesim-atomic-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&d);
            fs::create_dir_all(&d).unwrap();
            Dir(d)
        }
        fn path(&self) -> &Path {
            &self.0
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn failed_write_leaves_nothing() {
        let dir = Dir::new("failed");
        let p = dir.path().join("x.csv");
        let r = write_atomic(&p, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("boom"))
        });
        assert!(r.is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        write_bytes_atomic(&p, b"whole").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"whole");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn temp_path_keeps_extension_and_directory() {
        let p = temp_path_keeping_extension(Path::new("/a/b/hashrate.png"));
        assert_eq!(p.parent(), Some(Path::new("/a/b")));
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".hashrate.tmp-") && name.ends_with(".png"),
            "{name}"
        );
        assert_ne!(
            p,
            temp_path_keeping_extension(Path::new("/a/b/hashrate.png"))
        );
    }

    #[test]
    fn temp_names_parse_back_to_their_target() {
        let pid = std::process::id();
        for target in ["steps.csv", "partial-0-of-4.json", "energy.png", "noext"] {
            let p = Path::new("/x").join(target);
            for tmp in [temp_path(&p), temp_path_keeping_extension(&p)] {
                let name = tmp.file_name().unwrap().to_string_lossy().into_owned();
                assert_eq!(
                    parse_temp_name(&name),
                    Some((target.to_string(), pid)),
                    "{name}"
                );
            }
        }
        for other in [
            "steps.csv",
            ".steps.csv",
            ".tmp-12",
            ".a.tmp-",
            ".a.tmp-x",
            ".a.tmp-1-x.png",
            ".a.tmp-12a",
        ] {
            assert_eq!(parse_temp_name(other), None, "{other}");
        }
        assert!(process_alive(pid));
    }

    #[test]
    fn path_writes_commit_or_leave_nothing() {
        let dir = Dir::new("path");
        let p = dir.path().join("chart.png");
        let r: Result<(), String> = write_atomic_path(
            &p,
            |tmp| {
                assert_eq!(tmp.extension().unwrap(), "png");
                fs::write(tmp, b"half").unwrap();
                Err("boom".into())
            },
            |e| e.to_string(),
        );
        assert_eq!(r.unwrap_err(), "boom");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        let r: Result<(), io::Error> = write_atomic_path(&p, |tmp| fs::write(tmp, b"whole"), |e| e);
        r.unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"whole");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
