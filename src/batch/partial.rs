//! Partial results on disk: shard outputs (`partial-K-of-N.json`) and
//! resume checkpoints (`.partials/checkpoint-*.json`), and merging shards.
//!
//! A partial file is JSON: `{"format": "minesim-partial", "format_version":
//! 1, "manifest": {...}, "aggregate": {...}}`. The manifest identifies the
//! batch (scenario text and its FNV-1a 64 hash, seed, runs per point,
//! points, kept runs, minesim version) and the slice (shard, jobs); the
//! aggregate holds the slice's [`JobsAggregate`]: one row per run and the
//! exact per-step statistics (integer sums and counts). Floats are written
//! in shortest round-trip form and read back exactly, so merged outputs are
//! byte-identical to a single-machine run.
//!
//! Shards are 0-based: `--shard K/N` with `0 <= K < N` runs the K-th of N
//! contiguous, near-equal slices of the job list (see
//! [`JobLayout::shard_jobs`]), which matches Slurm array task ids from 0 and
//! Kubernetes `JOB_COMPLETION_INDEX`.

use super::{JobLayout, JobsAggregate, JobsGap};
use crate::atomic::write_atomic;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::{self, BufReader};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Value of the `format` field of a partial file.
pub const PARTIAL_FORMAT: &str = "minesim-partial";
/// Version of the partial file layout.
pub const PARTIAL_FORMAT_VERSION: u32 = 1;
/// Folder (inside the output folder) holding resume checkpoints.
pub const CHECKPOINT_DIR: &str = ".partials";
/// Largest shard count accepted.
pub const MAX_SHARDS: u64 = 1_000_000;

/// A 0-based shard `index` of `count`, written `K/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    /// K, in `[0, count)`.
    pub index: u64,
    /// N, at least 1.
    pub count: u64,
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || {
            format!("expected K/N with 0 <= K < N <= {MAX_SHARDS} (0-based shard index), got {s:?}")
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || count > MAX_SHARDS || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// `partial-K-of-N.json`.
    pub fn file_name(&self) -> String {
        format!("partial-{}-of-{}.json", self.index, self.count)
    }
}

/// FNV-1a, 64 bits: a stable fingerprint of the scenario text (not a
/// cryptographic hash; it detects mixing partials of different files).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// What a partial result belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Version of minesim that computed it (partials of different versions
    /// are not merged).
    pub minesim_version: String,
    /// Scenario name.
    pub scenario_name: String,
    /// Scenario file as given on the command line, made absolute.
    pub scenario_path: String,
    /// FNV-1a 64 of the scenario text, 16 hex digits.
    pub scenario_fnv1a64: String,
    /// The scenario text itself, so `merge` needs no other input.
    pub scenario_text: String,
    /// Master seed in effect (after `--seed`).
    pub seed: u64,
    /// Runs per point in effect (after `--runs`).
    pub runs_per_point: u64,
    /// Sweep points (1 without a sweep).
    pub points: u64,
    /// `--keep-runs` (which full run series are written).
    pub keep_runs: u64,
    /// `--set` overrides in effect, as `PATH=VALUE` (absent if none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
    /// The shard, or none for a whole batch.
    pub shard: Option<Shard>,
    /// The jobs this partial is responsible for.
    pub jobs: Range<u64>,
}

impl Manifest {
    /// The job layout.
    pub fn layout(&self) -> JobLayout {
        JobLayout {
            points: self.points,
            runs_per_point: self.runs_per_point,
        }
    }

    /// `Err` naming the first difference if `other` is not of the same
    /// batch (shard and jobs aside).
    pub fn same_batch(&self, other: &Manifest) -> Result<(), ManifestMismatch> {
        let checks: [(&str, String, String); 7] = [
            (
                "minesim version",
                self.minesim_version.clone(),
                other.minesim_version.clone(),
            ),
            (
                "scenario (FNV-1a 64 of its text)",
                format!("{} {}", self.scenario_name, self.scenario_fnv1a64),
                format!("{} {}", other.scenario_name, other.scenario_fnv1a64),
            ),
            ("seed", self.seed.to_string(), other.seed.to_string()),
            (
                "runs per point",
                self.runs_per_point.to_string(),
                other.runs_per_point.to_string(),
            ),
            (
                "sweep points",
                self.points.to_string(),
                other.points.to_string(),
            ),
            (
                "--keep-runs",
                self.keep_runs.to_string(),
                other.keep_runs.to_string(),
            ),
            ("--set", self.overrides.join(" "), other.overrides.join(" ")),
        ];
        for (what, ours, theirs) in checks {
            if ours != theirs {
                return Err(ManifestMismatch { what, ours, theirs });
            }
        }
        Ok(())
    }
}

/// A partial result file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialFile {
    /// Always [`PARTIAL_FORMAT`].
    pub format: String,
    /// [`PARTIAL_FORMAT_VERSION`].
    pub format_version: u32,
    pub manifest: Manifest,
    /// The finished jobs: all of `manifest.jobs` for a shard result, a
    /// prefix of them for a checkpoint.
    pub aggregate: JobsAggregate,
}

impl PartialFile {
    /// Wraps an aggregate.
    pub fn new(manifest: Manifest, aggregate: JobsAggregate) -> PartialFile {
        PartialFile {
            format: PARTIAL_FORMAT.into(),
            format_version: PARTIAL_FORMAT_VERSION,
            manifest,
            aggregate,
        }
    }

    /// Whether the aggregate covers all of the manifest's jobs.
    pub fn is_complete(&self) -> bool {
        self.aggregate.jobs == self.manifest.jobs
            && self.aggregate.rows.len() as u64 == self.manifest.jobs.end - self.manifest.jobs.start
    }
}

/// Path of the resume checkpoint of a batch (or of one shard) in `out`.
pub fn checkpoint_path(out: &Path, shard: Option<Shard>) -> PathBuf {
    let name = match shard {
        Some(s) => format!("checkpoint-{}-of-{}.json", s.index, s.count),
        None => "checkpoint-all.json".to_string(),
    };
    out.join(CHECKPOINT_DIR).join(name)
}

/// Removes a checkpoint, temporary files a killed write of it left behind
/// and, if it is then empty, its folder (other shards' checkpoints may
/// share it).
pub fn remove_checkpoint(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Ok(());
    };
    let stale = format!(".{}.tmp-", name.to_string_lossy());
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&stale) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    let _ = std::fs::remove_dir(dir); // fails while other files remain
    Ok(())
}

/// The first difference between the manifests of two batches.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} differs: {ours} vs {theirs}")]
pub struct ManifestMismatch {
    /// What differs, e.g. `seed`.
    pub what: &'static str,
    pub ours: String,
    pub theirs: String,
}

/// Why partial files could not be read or merged. Every variant names the
/// file(s) concerned.
#[derive(Debug, thiserror::Error)]
pub enum PartialError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}: not a minesim partial file: {source}", path.display())]
    NotPartial {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{}: format {format:?} version {version}, expected {PARTIAL_FORMAT:?} version {PARTIAL_FORMAT_VERSION}", path.display())]
    Format {
        path: PathBuf,
        format: String,
        version: u32,
    },
    #[error("{}: no partial-K-of-N.json files in this folder", dir.display())]
    NoPartialsInFolder { dir: PathBuf },
    #[error("{}: no such file or folder", path.display())]
    NotFound { path: PathBuf },
    #[error("no partial files to merge")]
    Nothing,
    #[error("{}: not a shard result (it has no shard)", path.display())]
    NotShard { path: PathBuf },
    #[error("{} and {} belong to different batches: {source}", first.display(), path.display())]
    DifferentBatch {
        first: PathBuf,
        path: PathBuf,
        #[source]
        source: ManifestMismatch,
    },
    #[error("{} is shard {shard} but {} is shard {first_shard}: all partials must come from the same --shard K/{} split", path.display(), first.display(), first_shard.count)]
    MixedSplit {
        first: PathBuf,
        first_shard: Shard,
        path: PathBuf,
        shard: Shard,
    },
    #[error("{}: shard {shard} is incomplete or inconsistent (jobs {done:?} of {jobs:?})", path.display())]
    Incomplete {
        path: PathBuf,
        shard: Shard,
        done: Range<u64>,
        jobs: Range<u64>,
    },
    #[error("shard {shard} is given twice: {} and {}", first.display(), second.display())]
    Duplicate {
        shard: Shard,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("missing shard(s) {} (files partial-K-of-{count}.json)", missing.join(", "))]
    Missing { missing: Vec<String>, count: u64 },
    #[error("{}: {source}", path.display())]
    Gap {
        path: PathBuf,
        #[source]
        source: JobsGap,
    },
}

/// Writes a partial file atomically (compact JSON) from its parts,
/// without copying the aggregate.
pub fn write_partial(
    path: &Path,
    manifest: &Manifest,
    aggregate: &JobsAggregate,
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Borrowed<'a> {
        format: &'a str,
        format_version: u32,
        manifest: &'a Manifest,
        aggregate: &'a JobsAggregate,
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = Borrowed {
        format: PARTIAL_FORMAT,
        format_version: PARTIAL_FORMAT_VERSION,
        manifest,
        aggregate,
    };
    write_atomic(path, |w| {
        serde_json::to_writer(&mut *w, &file).map_err(io::Error::other)
    })
}

/// Reads a partial file; the error names the file.
pub fn read_partial(path: &Path) -> Result<PartialFile, PartialError> {
    let f = std::fs::File::open(path).map_err(|source| PartialError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let p: PartialFile =
        serde_json::from_reader(BufReader::new(f)).map_err(|source| PartialError::NotPartial {
            path: path.to_path_buf(),
            source,
        })?;
    if p.format != PARTIAL_FORMAT || p.format_version != PARTIAL_FORMAT_VERSION {
        return Err(PartialError::Format {
            path: path.to_path_buf(),
            format: p.format,
            version: p.format_version,
        });
    }
    Ok(p)
}

/// Whether a file name is `partial-K-of-N.json`.
fn is_partial_name(name: &str) -> bool {
    name.strip_prefix("partial-")
        .and_then(|r| r.strip_suffix(".json"))
        .and_then(|r| r.split_once("-of-"))
        .is_some_and(|(k, n)| k.parse::<u64>().is_ok() && n.parse::<u64>().is_ok())
}

/// The partial files named by `inputs`: files as given, folders searched
/// (not recursively) for `partial-K-of-N.json`. Sorted, duplicates removed.
pub fn collect_partials(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, PartialError> {
    let mut files = Vec::new();
    for input in inputs {
        let io = |source| PartialError::Io {
            path: input.clone(),
            source,
        };
        if input.is_dir() {
            let entries = std::fs::read_dir(input).map_err(io)?;
            let mut found = false;
            for entry in entries {
                let entry = entry.map_err(io)?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if is_partial_name(&name) {
                    files.push(entry.path());
                    found = true;
                }
            }
            if !found {
                return Err(PartialError::NoPartialsInFolder { dir: input.clone() });
            }
        } else if input.is_file() {
            files.push(input.clone());
        } else {
            return Err(PartialError::NotFound {
                path: input.clone(),
            });
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// Combines shard partials into the aggregate of the whole batch. Checks
/// that they belong to the same batch, that every shard of the same count
/// is present exactly once and complete. Returns the whole batch's
/// manifest (no shard, all jobs) and the aggregate.
pub fn merge_partials(
    parts: Vec<(PathBuf, PartialFile)>,
) -> Result<(Manifest, JobsAggregate), PartialError> {
    let Some((first_path, first)) = parts.first() else {
        return Err(PartialError::Nothing);
    };
    let first_path = first_path.clone();
    let base = first.manifest.clone();
    let Some(first_shard) = base.shard else {
        return Err(PartialError::NotShard { path: first_path });
    };
    let count = first_shard.count;
    let layout = base.layout();
    let mut slots: Vec<Option<(PathBuf, PartialFile)>> = Vec::new();
    slots.resize_with(count as usize, || None);
    for (path, p) in parts {
        if let Err(source) = p.manifest.same_batch(&base) {
            return Err(PartialError::DifferentBatch {
                first: first_path,
                path,
                source,
            });
        }
        let Some(shard) = p.manifest.shard else {
            return Err(PartialError::NotShard { path });
        };
        if shard.count != count {
            return Err(PartialError::MixedSplit {
                first: first_path,
                first_shard,
                path,
                shard,
            });
        }
        if p.manifest.jobs != layout.shard_jobs(shard.index, count) || !p.is_complete() {
            return Err(PartialError::Incomplete {
                path,
                shard,
                done: p.aggregate.jobs,
                jobs: p.manifest.jobs,
            });
        }
        let slot = &mut slots[shard.index as usize];
        if let Some((other, _)) = slot {
            return Err(PartialError::Duplicate {
                shard,
                first: other.clone(),
                second: path,
            });
        }
        *slot = Some((path, p));
    }
    let missing: Vec<String> = slots
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(k, _)| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(PartialError::Missing { missing, count });
    }
    let mut agg = JobsAggregate::starting_at(0);
    for (path, p) in slots.into_iter().flatten() {
        agg.append(p.aggregate)
            .map_err(|source| PartialError::Gap { path, source })?;
    }
    let manifest = Manifest {
        shard: None,
        jobs: 0..layout.jobs(),
        ..base
    };
    Ok((manifest, agg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_syntax() {
        assert_eq!(
            "2/5".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 5 }
        );
        assert_eq!("0/1".parse::<Shard>().unwrap().to_string(), "0/1");
        for bad in ["5/5", "1", "a/2", "1/0", "-1/3", "1/2/3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn shards_tile_the_jobs() {
        for (points, runs) in [(1u64, 10u64), (3, 7), (2, 1), (1, 0)] {
            let l = JobLayout {
                points,
                runs_per_point: runs,
            };
            for n in 1..12u64 {
                let mut next = 0;
                for k in 0..n {
                    let r = l.shard_jobs(k, n);
                    assert_eq!(r.start, next);
                    assert!(r.end - r.start <= l.jobs() / n + 1);
                    next = r.end;
                }
                assert_eq!(next, l.jobs());
            }
        }
    }

    #[test]
    fn partial_names() {
        assert!(is_partial_name("partial-0-of-3.json"));
        assert!(!is_partial_name("partial-x-of-3.json"));
        assert!(!is_partial_name("checkpoint-all.json"));
    }

    #[test]
    fn fnv_reference_values() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
