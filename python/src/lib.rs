//! `minesim._minesim`: the Python bindings, a layer around the library's
//! entry point ([`minesim::plan`]). It imports downward only: it builds a
//! [`Plan`] exactly as the command line does (same overrides, same
//! errors) and runs it into a folder given by the Python side, which reads
//! the files back (python/minesim/__init__.py). So every file equals the
//! CLI's to the byte, because it is written by the same code.
//!
//! The GIL is released while a plan is prepared and while it runs
//! (`Python::detach`, formerly `allow_threads`); the calling thread wakes
//! every 50 ms to report progress to a Python callback and to check for
//! Ctrl-C, which stops the batch after the chunk in flight.

use minesim::plan::{ErrorKind, ExecOptions, Observer, Outcome, Overrides, Plan, PlanError, Set};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Raises the Python exception class `name` of `minesim._errors` with
/// `message` (the CLI's message, without its `error: ` prefix).
fn raise(py: Python<'_>, name: &str, message: String) -> PyErr {
    let class = py.import("minesim._errors").and_then(|m| m.getattr(name));
    match class.and_then(|c| c.call1((message.clone(),))) {
        Ok(value) => PyErr::from_value(value),
        Err(e) => e,
    }
}

/// The exception for a plan error: `ScenarioError` for the scenario and
/// its data files, `InputError` for other bad input, `OutputError` when
/// the outputs cannot be written, `InternalError` for bugs.
fn plan_error(py: Python<'_>, e: PlanError) -> PyErr {
    let name = match (&e, e.kind()) {
        (PlanError::Scenario(_) | PlanError::Prepare { .. }, _) => "ScenarioError",
        (_, ErrorKind::Input) => "InputError",
        (_, ErrorKind::Output) => "OutputError",
        (_, ErrorKind::Internal) => "InternalError",
    };
    raise(py, name, e.to_string())
}

/// A Python value as a TOML value: bool, int, float, str, list or tuple,
/// dict with str keys.
fn to_toml(obj: &Bound<'_, PyAny>) -> PyResult<toml::Value> {
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(toml::Value::Boolean(b.is_true()));
    }
    if obj.cast::<PyInt>().is_ok() {
        return Ok(toml::Value::Integer(obj.extract::<i64>()?));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(toml::Value::Float(f.value()));
    }
    if obj.cast::<PyString>().is_ok() {
        return Ok(toml::Value::String(obj.extract::<String>()?));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut t = toml::Table::new();
        for (k, v) in d.iter() {
            let key: String = k
                .extract()
                .map_err(|_| PyTypeError::new_err(format!("table keys must be str, got {k}")))?;
            t.insert(key, to_toml(&v)?);
        }
        return Ok(toml::Value::Table(t));
    }
    if obj.cast::<PyList>().is_ok() || obj.cast::<PyTuple>().is_ok() {
        let items = obj
            .try_iter()?
            .map(|v| to_toml(&v?))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(toml::Value::Array(items));
    }
    // numpy scalars and other numbers.
    if let Ok(i) = obj.extract::<i64>() {
        return Ok(toml::Value::Integer(i));
    }
    if let Ok(f) = obj.extract::<f64>() {
        return Ok(toml::Value::Float(f));
    }
    Err(PyTypeError::new_err(format!(
        "{} has no TOML value (use bool, int, float, str, list or dict)",
        obj.repr().map_or_else(|_| "?".into(), |r| r.to_string())
    )))
}

/// `(path, value)` pairs from Python as `--set` overrides.
fn sets(items: Vec<(String, Bound<'_, PyAny>)>) -> PyResult<Vec<Set>> {
    items
        .into_iter()
        .map(|(path, v)| Ok(Set::new(path, to_toml(&v)?)))
        .collect()
}

/// Builds the plan with the GIL released (data files are read here).
fn make_plan(
    py: Python<'_>,
    path: &Path,
    text: String,
    overrides: &Overrides,
    keep_runs: u64,
) -> PyResult<Plan> {
    py.detach(|| Plan::new(path, text, overrides, keep_runs))
        .map_err(|e| plan_error(py, e))
}

/// The text of the scenario file at `path` (errors as the CLI's).
#[pyfunction]
fn read_text(py: Python<'_>, path: PathBuf) -> PyResult<String> {
    minesim::scenario::read_scenario_text(&path).map_err(|e| plan_error(py, e.into()))
}

/// A dict of scenario tables as TOML text.
#[pyfunction]
fn dict_to_toml(d: &Bound<'_, PyDict>) -> PyResult<String> {
    match to_toml(d.as_any())? {
        toml::Value::Table(t) => {
            toml::to_string(&t).map_err(|e| PyTypeError::new_err(format!("not TOML: {e}")))
        }
        _ => Err(PyTypeError::new_err("a scenario is a dict")),
    }
}

/// Checks a scenario like `minesim check` (every sweep point, every data
/// file); returns the scenario as run (JSON) and its sweep point count.
#[pyfunction]
#[pyo3(signature = (path, text, set, runs=None, seed=None))]
fn check(
    py: Python<'_>,
    path: PathBuf,
    text: String,
    set: Vec<(String, Bound<'_, PyAny>)>,
    runs: Option<u64>,
    seed: Option<u64>,
) -> PyResult<(String, u64)> {
    let overrides = Overrides {
        runs,
        seed,
        set: sets(set)?,
        ..Overrides::default()
    };
    let plan = make_plan(py, &path, text, &overrides, 1)?;
    let json =
        serde_json::to_string(&plan.base).map_err(|e| raise(py, "InternalError", e.to_string()))?;
    Ok((json, plan.layout.points))
}

/// Counts finished jobs for the polling thread.
#[derive(Default)]
struct Counter {
    total: AtomicU64,
    done: AtomicU64,
}

impl Observer for Counter {
    fn started(&self, total: u64, done: u64) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(done, Ordering::Relaxed);
    }
    fn job_done(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}

/// Runs a scenario like `minesim run --out OUT_DIR` and returns
/// `(kind, files)`: "batch" or "sweep", and the files written.
/// `progress(done, total)` is called from the calling thread about every
/// 50 ms while the batch runs, and once at the end.
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (path, text, set, out_dir, runs=None, seed=None, keep_runs=None, threads=None, progress=None))]
fn run(
    py: Python<'_>,
    path: PathBuf,
    text: String,
    set: Vec<(String, Bound<'_, PyAny>)>,
    out_dir: PathBuf,
    runs: Option<u64>,
    seed: Option<u64>,
    keep_runs: Option<u64>,
    threads: Option<usize>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<(String, Vec<String>)> {
    if threads == Some(0) {
        return Err(raise(
            py,
            "InputError",
            "threads must be at least 1, got 0".into(),
        ));
    }
    let overrides = Overrides {
        runs,
        seed,
        set: sets(set)?,
        ..Overrides::default()
    };
    let plan = make_plan(py, &path, text, &overrides, keep_runs.unwrap_or(1))?;
    if plan.sweep.is_some() && keep_runs.is_some() {
        // As the CLI refuses `--keep-runs` on a sweep.
        return Err(raise(
            py,
            "InputError",
            "keep_runs is not supported for a sweep: a sweep writes no per-step series (points.csv, runs.csv and summary.json only); to keep the runs of one point, run that point as a plain batch (the scenario without [sweep], the point's values given with set=)".into(),
        ));
    }
    plan.check_memory(minesim::resources::available_memory_bytes(), threads)
        .map_err(|e| plan_error(py, e))?;
    let stop = AtomicBool::new(false);
    let finished = AtomicBool::new(false);
    let counter = Counter::default();
    let options = ExecOptions {
        threads,
        shard: None,
        resume: false,
        // No resume checkpoints: the folder is a staging area.
        checkpoint_every: Duration::MAX,
        stop: &stop,
    };
    let mut pending: Option<PyErr> = None;
    let result = std::thread::scope(|s| {
        let worker = s.spawn(|| {
            let r = plan.execute(&out_dir, &options, &counter);
            finished.store(true, Ordering::Release);
            r
        });
        while !finished.load(Ordering::Acquire) {
            py.detach(|| {
                for _ in 0..10 {
                    if finished.load(Ordering::Acquire) {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            });
            if pending.is_none() {
                let reported = match &progress {
                    Some(cb) => cb
                        .call1((
                            counter.done.load(Ordering::Relaxed),
                            counter.total.load(Ordering::Relaxed),
                        ))
                        .map(|_| ()),
                    None => Ok(()),
                };
                if let Err(e) = reported.and_then(|()| py.check_signals()) {
                    stop.store(true, Ordering::Relaxed);
                    pending = Some(e);
                }
            }
        }
        py.detach(|| worker.join())
    });
    let outcome = match result {
        Ok(r) => r,
        Err(_) => return Err(raise(py, "InternalError", "the batch panicked".into())),
    };
    if let Some(e) = pending {
        return Err(e);
    }
    match outcome.map_err(|e| plan_error(py, e))? {
        Outcome::Finished { files, .. } => {
            if let Some(cb) = &progress {
                cb.call1((
                    counter.done.load(Ordering::Relaxed),
                    counter.total.load(Ordering::Relaxed),
                ))?;
            }
            let kind = if plan.sweep.is_some() {
                "sweep"
            } else {
                "batch"
            };
            Ok((kind.to_string(), files))
        }
        Outcome::Interrupted { .. } => Err(pyo3::exceptions::PyKeyboardInterrupt::new_err(
            "interrupted",
        )),
        Outcome::Shard { .. } => Err(raise(
            py,
            "InternalError",
            "a shard ran without --shard".into(),
        )),
    }
}

#[pymodule]
fn _minesim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_text, m)?)?;
    m.add_function(wrap_pyfunction!(dict_to_toml, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
