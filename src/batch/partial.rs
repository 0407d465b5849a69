//! Partial results on disk: shard outputs (`partial-K-of-N.bin`) and
//! resume checkpoints (`.partials/checkpoint-*.bin`), and merging shards.
//!
//! A partial file is binary, in format version [`PARTIAL_FORMAT_VERSION`]:
//!
//! | bytes | content |
//! | --- | --- |
//! | 8 | [`PARTIAL_MAGIC`], `MINESIMP` |
//! | 4 | format version, u32 little-endian |
//! | 8 | length `L` of the manifest, u64 little-endian |
//! | L | the [`Manifest`] as JSON (UTF-8) |
//! | rest | one zstd frame of the [`JobsAggregate`] in postcard |
//!
//! The manifest identifies the batch (scenario text and its FNV-1a 64
//! hash, seed, runs per point, points, kept runs, minesim version) and the
//! slice (shard, jobs); it comes first and is plain JSON, so `merge` checks
//! every shard before it decodes any aggregate, and `head -c` shows it.
//! The aggregate holds the slice's rows (one per run) and the exact
//! per-step statistics: integer sums and counts, the quantile sketches'
//! buckets sparse (`(gap, count)` pairs). Floats are stored as their bits,
//! so merged outputs are byte-identical to a single-machine run. Files of
//! another version (or the JSON files of version 1) are refused with a
//! message saying so.
//!
//! Shards are 0-based: `--shard K/N` with `0 <= K < N` runs the K-th of N
//! contiguous, near-equal slices of the job list (see
//! [`JobLayout::shard_jobs`]), which matches Slurm array task ids from 0 and
//! Kubernetes `JOB_COMPLETION_INDEX`.

use super::{BandCell, JobLayout, JobRow, JobsAggregate, JobsGap};
use crate::atomic::write_atomic;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Name of the format, as [`PartialFile::format`] holds it.
pub const PARTIAL_FORMAT: &str = "minesim-partial";
/// First bytes of every partial file and checkpoint.
pub const PARTIAL_MAGIC: &[u8; 8] = b"MINESIMP";
/// Version of the partial file layout (1 was JSON, no longer read; 3 adds
/// the sketches' exact minimum and maximum).
pub const PARTIAL_FORMAT_VERSION: u32 = 3;
/// zstd level of the aggregate: 1, the fastest. A 100-run shard of the
/// baseline is 8.28 MB at level 1 and 8.02 MB at 3 (zstd's default), and
/// a checkpoint during a 200-run batch costs half as much (2.2 % of the
/// batch's CPU samples instead of 4.5 %). Any level reads back the same.
const ZSTD_LEVEL: i32 = 1;
/// Largest manifest accepted (it holds the scenario text).
const MAX_MANIFEST_BYTES: u64 = 64 << 20;
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
    /// `partial-K-of-N.bin`.
    pub fn file_name(&self) -> String {
        format!("partial-{}-of-{}.bin", self.index, self.count)
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

/// A partial result file, read.
#[derive(Debug, Clone, PartialEq)]
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
        Some(s) => format!("checkpoint-{}-of-{}.bin", s.index, s.count),
        None => "checkpoint-all.bin".to_string(),
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
    #[error("{}: not a minesim partial file (it does not start with {:?})", path.display(), String::from_utf8_lossy(PARTIAL_MAGIC))]
    NotPartial { path: PathBuf },
    #[error("{}: a partial file of the old JSON format (version 1), which this minesim (format version {PARTIAL_FORMAT_VERSION}) no longer reads: rerun the shard with this minesim, or merge with the minesim that wrote it", path.display())]
    OldJson { path: PathBuf },
    #[error("{}: partial format version {version}, but this minesim reads version {PARTIAL_FORMAT_VERSION} only: merge it with the minesim that wrote it, or rerun the shard", path.display())]
    Format { path: PathBuf, version: u32 },
    #[error("{}: damaged partial file: {reason}", path.display())]
    Damaged { path: PathBuf, reason: String },
    #[error("{}: no partial-K-of-N.bin files in this folder", dir.display())]
    NoPartialsInFolder { dir: PathBuf },
    #[error("{}: only partial files of the old JSON format (partial-K-of-N.json, version 1), which this minesim (format version {PARTIAL_FORMAT_VERSION}) no longer reads: rerun the shards with this minesim, or merge with the minesim that wrote them", dir.display())]
    OldJsonFolder { dir: PathBuf },
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
    #[error("missing shard(s) {} (files partial-K-of-{count}.bin)", missing.join(", "))]
    Missing { missing: Vec<String>, count: u64 },
    #[error("{}: {source}", path.display())]
    Gap {
        path: PathBuf,
        #[source]
        source: JobsGap,
    },
}

/// Writes a partial file atomically from its parts, without copying the
/// aggregate: the header and manifest, then the aggregate encoded
/// straight into the zstd stream.
pub fn write_partial(
    path: &Path,
    manifest: &Manifest,
    aggregate: &JobsAggregate,
) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let manifest_json = serde_json::to_vec(manifest).map_err(io::Error::other)?;
    write_atomic(path, |w| {
        w.write_all(PARTIAL_MAGIC)?;
        w.write_all(&PARTIAL_FORMAT_VERSION.to_le_bytes())?;
        w.write_all(&(manifest_json.len() as u64).to_le_bytes())?;
        w.write_all(&manifest_json)?;
        let mut encoder = zstd::Encoder::new(&mut *w, ZSTD_LEVEL)?;
        encoder.include_checksum(true)?;
        // postcard writes a field at a time: buffered, zstd gets large
        // slices (a stream call per field was most of a checkpoint's time).
        let mut z = NoFlush(io::BufWriter::with_capacity(ENCODE_BUFFER, encoder));
        let bands = &aggregate.bands;
        let head = AggregateHead {
            jobs: aggregate.jobs.clone(),
            rows: &aggregate.rows,
            dates: &bands.dates,
            time_years: &bands.time_years,
            cells: bands.cells.len() as u64,
        };
        postcard::to_io(&head, &mut z).map_err(io::Error::other)?;
        for cell in &bands.cells {
            postcard::to_io(cell, &mut z).map_err(io::Error::other)?;
        }
        z.0.into_inner()
            .map_err(io::IntoInnerError::into_error)?
            .finish()?;
        Ok(())
    })
}

/// Bytes of the aggregate buffered before they go to the zstd stream.
const ENCODE_BUFFER: usize = 256 * 1024;

/// A writer whose `flush` does nothing: `postcard::to_io` flushes after
/// every value, and a flush ends a zstd block (the file grew by 70 %).
struct NoFlush<W>(W);

impl<W: Write> Write for NoFlush<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What [`PartialReader::append_to`] asks of a file before it appends it:
/// sees the file's jobs and number of rows.
pub type ShardCheck<'a> = dyn FnMut(&Range<u64>, u64) -> Result<(), PartialError> + 'a;

/// A partial file opened and its manifest read; the aggregate is next.
pub struct PartialReader {
    path: PathBuf,
    reader: BufReader<std::fs::File>,
    /// The file's manifest.
    pub manifest: Manifest,
}

impl PartialReader {
    /// Opens a partial file and reads its header and manifest only (cheap:
    /// `merge` checks every shard this way before decoding any aggregate).
    pub fn open(path: &Path) -> Result<PartialReader, PartialError> {
        let io = |source| PartialError::Io {
            path: path.to_path_buf(),
            source,
        };
        let damaged = |reason: String| PartialError::Damaged {
            path: path.to_path_buf(),
            reason,
        };
        let mut reader = BufReader::new(std::fs::File::open(path).map_err(io)?);
        let mut head = [0u8; 20];
        let mut got = 0;
        while got < head.len() {
            match reader.read(&mut head[got..]).map_err(io)? {
                0 => break,
                n => got += n,
            }
        }
        let first = head[..got].iter().find(|b| !b.is_ascii_whitespace());
        if first == Some(&b'{') {
            return Err(PartialError::OldJson {
                path: path.to_path_buf(),
            });
        }
        if got < head.len() || &head[..8] != PARTIAL_MAGIC {
            return Err(PartialError::NotPartial {
                path: path.to_path_buf(),
            });
        }
        let version = u32::from_le_bytes(head[8..12].try_into().expect("4 bytes"));
        if version != PARTIAL_FORMAT_VERSION {
            return Err(PartialError::Format {
                path: path.to_path_buf(),
                version,
            });
        }
        let len = u64::from_le_bytes(head[12..20].try_into().expect("8 bytes"));
        if len > MAX_MANIFEST_BYTES {
            return Err(damaged(format!("manifest of {len} bytes")));
        }
        let mut json = vec![0u8; len as usize];
        reader
            .read_exact(&mut json)
            .map_err(|e| damaged(format!("manifest: {e}")))?;
        let manifest: Manifest =
            serde_json::from_slice(&json).map_err(|e| damaged(format!("manifest: {e}")))?;
        Ok(PartialReader {
            path: path.to_path_buf(),
            reader,
            manifest,
        })
    }

    /// Decodes the aggregate (the rest of the file).
    pub fn finish(self) -> Result<PartialFile, PartialError> {
        let mut aggregate = JobsAggregate::default();
        let manifest = self.manifest.clone();
        self.decode(&mut aggregate, None)?;
        Ok(PartialFile::new(manifest, aggregate))
    }

    /// Appends the aggregate to `agg` (whose jobs must end where this
    /// file's begin) as it is decoded, cell by cell: the file's aggregate
    /// is never held whole. `check` sees the file's jobs and row count
    /// before anything is appended (a refusal leaves `agg` as it was).
    pub fn append_to(
        self,
        agg: &mut JobsAggregate,
        check: &mut ShardCheck<'_>,
    ) -> Result<(), PartialError> {
        self.decode(agg, Some(check))
    }

    /// Decodes the aggregate into `agg`: a fresh one (`check` none) or one
    /// to append to.
    fn decode(
        mut self,
        agg: &mut JobsAggregate,
        check: Option<&mut ShardCheck<'_>>,
    ) -> Result<(), PartialError> {
        let path = self.path.clone();
        let damaged = |reason: String| PartialError::Damaged {
            path: path.clone(),
            reason,
        };
        let bad = |e: postcard::Error| damaged(format!("aggregate: {e}"));
        // First the frame's checksum, so that nothing of a damaged file is
        // merged (decompressing twice costs far less than decoding).
        let start = self
            .reader
            .stream_position()
            .map_err(|e| damaged(format!("aggregate: {e}")))?;
        zstd::Decoder::with_buffer(&mut self.reader)
            .and_then(|mut z| io::copy(&mut z, &mut io::sink()))
            .map_err(|e| damaged(format!("aggregate: {e}")))?;
        self.reader
            .seek(SeekFrom::Start(start))
            .map_err(|e| damaged(format!("aggregate: {e}")))?;
        // Decoded as it is decompressed, through small buffers. The
        // scratch space is for strings (step dates) and floats only.
        let z = zstd::Decoder::with_buffer(&mut self.reader)
            .map_err(|e| damaged(format!("aggregate: {e}")))?;
        let mut scratch = vec![0u8; 1 << 16];
        let reader = BufReader::with_capacity(1 << 16, z);
        let (head, mut state): (OwnedAggregateHead, _) =
            postcard::from_io((reader, &mut scratch)).map_err(bad)?;
        let fresh = check.is_none();
        if let Some(check) = check {
            check(&head.jobs, head.rows.len() as u64)?;
        }
        if fresh {
            agg.jobs = head.jobs.clone();
        } else if head.jobs.start != agg.jobs.end {
            return Err(PartialError::Gap {
                path: path.clone(),
                source: JobsGap {
                    have: agg.jobs.clone(),
                    next: head.jobs,
                },
            });
        }
        let into_empty = agg.bands.cells.is_empty();
        // An empty shard (more shards than jobs) has no cells.
        if !into_empty && head.cells != 0 && head.cells != agg.bands.cells.len() as u64 {
            return Err(damaged(format!(
                "{} band cells, the other shards have {}",
                head.cells,
                agg.bands.cells.len()
            )));
        }
        if head.cells > 1 << 32 {
            return Err(damaged(format!("{} band cells", head.cells)));
        }
        if into_empty {
            agg.bands.dates = head.dates;
            agg.bands.time_years = head.time_years;
            agg.bands.cells.reserve(head.cells as usize);
        }
        for i in 0..head.cells as usize {
            let (cell, next): (BandCell, _) = postcard::from_io(state).map_err(bad)?;
            state = next;
            if into_empty {
                agg.bands.cells.push(cell);
            } else {
                let a = &mut agg.bands.cells[i];
                a.moments.merge(&cell.moments);
                a.sketch.merge(&cell.sketch);
            }
        }
        let mut tail = [0u8; 1];
        if state
            .0
            .read(&mut tail)
            .map_err(|e| damaged(format!("aggregate: {e}")))?
            != 0
        {
            return Err(damaged("bytes after the aggregate".into()));
        }
        agg.jobs.end = head.jobs.end;
        agg.rows.extend(head.rows);
        Ok(())
    }
}

/// The aggregate before its band cells, as written.
#[derive(Serialize)]
struct AggregateHead<'a> {
    jobs: Range<u64>,
    rows: &'a [JobRow],
    dates: &'a [String],
    time_years: &'a [f64],
    cells: u64,
}

/// [`AggregateHead`], read.
#[derive(Deserialize)]
struct OwnedAggregateHead {
    jobs: Range<u64>,
    rows: Vec<JobRow>,
    dates: Vec<String>,
    time_years: Vec<f64>,
    cells: u64,
}

/// Reads a partial file; the error names the file.
pub fn read_partial(path: &Path) -> Result<PartialFile, PartialError> {
    PartialReader::open(path)?.finish()
}

/// Whether a file name is `partial-K-of-N.bin` (with `ext` "bin"; "json"
/// finds the old format's files).
fn is_partial_name_ext(name: &str, ext: &str) -> bool {
    name.strip_prefix("partial-")
        .and_then(|r| r.strip_suffix(ext))
        .and_then(|r| r.strip_suffix('.'))
        .and_then(|r| r.split_once("-of-"))
        .is_some_and(|(k, n)| k.parse::<u64>().is_ok() && n.parse::<u64>().is_ok())
}

/// Whether a file name is `partial-K-of-N.bin`.
fn is_partial_name(name: &str) -> bool {
    is_partial_name_ext(name, "bin")
}

/// The partial files named by `inputs`: files as given, folders searched
/// (not recursively) for `partial-K-of-N.bin`. Sorted, duplicates removed.
pub fn collect_partials(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, PartialError> {
    let mut files = Vec::new();
    for input in inputs {
        let io = |source| PartialError::Io {
            path: input.clone(),
            source,
        };
        if input.is_dir() {
            let entries = std::fs::read_dir(input).map_err(io)?;
            let (mut found, mut old) = (false, false);
            for entry in entries {
                let entry = entry.map_err(io)?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if is_partial_name(&name) {
                    files.push(entry.path());
                    found = true;
                }
                old |= is_partial_name_ext(&name, "json");
            }
            if !found && old {
                return Err(PartialError::OldJsonFolder { dir: input.clone() });
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

/// Combines shard partial files into the aggregate of the whole batch.
/// First reads every file's manifest only and checks that they belong to
/// the same batch and that every shard of the same count is present
/// exactly once; then decodes the aggregates one at a time, in shard
/// order, checking each is complete and appending it, so memory holds one
/// shard's aggregate beside the result. Returns the whole batch's
/// manifest (no shard, all jobs) and the aggregate.
pub fn merge_partials(files: &[PathBuf]) -> Result<(Manifest, JobsAggregate), PartialError> {
    let Some(first_path) = files.first() else {
        return Err(PartialError::Nothing);
    };
    let base = PartialReader::open(first_path)?.manifest;
    let Some(first_shard) = base.shard else {
        return Err(PartialError::NotShard {
            path: first_path.clone(),
        });
    };
    let count = first_shard.count;
    let layout = base.layout();
    let mut slots: Vec<Option<&PathBuf>> = vec![None; count as usize];
    for path in files {
        let manifest = PartialReader::open(path)?.manifest;
        if let Err(source) = manifest.same_batch(&base) {
            return Err(PartialError::DifferentBatch {
                first: first_path.clone(),
                path: path.clone(),
                source,
            });
        }
        let Some(shard) = manifest.shard else {
            return Err(PartialError::NotShard { path: path.clone() });
        };
        if shard.count != count {
            return Err(PartialError::MixedSplit {
                first: first_path.clone(),
                first_shard,
                path: path.clone(),
                shard,
            });
        }
        let slot = &mut slots[shard.index as usize];
        if let Some(other) = slot {
            return Err(PartialError::Duplicate {
                shard,
                first: (*other).clone(),
                second: path.clone(),
            });
        }
        *slot = Some(path);
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
    for (index, path) in slots.into_iter().flatten().enumerate() {
        let reader = PartialReader::open(path)?;
        let shard = Shard {
            index: index as u64,
            count,
        };
        let jobs = reader.manifest.jobs.clone();
        // Checked again: the file may have changed since its manifest was
        // read.
        let fits = reader.manifest.same_batch(&base).is_ok()
            && reader.manifest.shard == Some(shard)
            && jobs == layout.shard_jobs(shard.index, count);
        reader.append_to(&mut agg, &mut |done, rows| {
            if fits && *done == jobs && rows == jobs.end - jobs.start {
                Ok(())
            } else {
                Err(PartialError::Incomplete {
                    path: path.clone(),
                    shard,
                    done: done.clone(),
                    jobs: jobs.clone(),
                })
            }
        })?;
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
        assert!(is_partial_name("partial-0-of-3.bin"));
        assert!(!is_partial_name("partial-0-of-3.json"));
        assert!(is_partial_name_ext("partial-0-of-3.json", "json"));
        assert!(!is_partial_name("partial-x-of-3.bin"));
        assert!(!is_partial_name("partial-0-of-3xbin"));
        assert!(!is_partial_name("checkpoint-all.bin"));
    }

    #[test]
    fn fnv_reference_values() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
