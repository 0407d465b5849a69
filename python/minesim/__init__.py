"""minesim from Python: run scenarios and get the outputs as pandas tables.

    import minesim
    r = minesim.run("scenarios/baseline.toml", runs=100, seed=7,
                    set={"price.volatility_per_year": 0.8}, keep_runs=5)
    r.summary   # dict, identical to summary.json
    r.runs      # DataFrame, one row per run (runs.csv)
    r.bands     # DataFrame (bands.csv); r.points for a sweep (points.csv)
    r.steps     # DataFrame of the kept runs' steps, with a `run` column
    r.save("output/x")   # the CLI's files, byte-identical

A run is the command line's ``minesim run`` (the same library call, the
same files, the same bytes); the extension module writes the files into a
temporary folder and this module keeps them in memory and parses them on
first use. The GIL is released while the batch runs.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, Union

from . import _minesim
from ._errors import InputError, InternalError, MinesimError, OutputError, ScenarioError

__all__ = [
    "InputError",
    "InternalError",
    "MinesimError",
    "OutputError",
    "Result",
    "Scenario",
    "ScenarioError",
    "load",
    "run",
]
__version__ = _minesim.__version__

PathLike = Union[str, "os.PathLike[str]"]


class Scenario:
    """A scenario: TOML text, the path it stands for (data files are read
    relative to its folder; errors name it) and overrides (``.set``),
    applied in order as ``minesim run --set PATH=VALUE`` would."""

    def __init__(
        self,
        text: str,
        path: PathLike = "scenario.toml",
        overrides: Iterable[Tuple[str, Any]] = (),
    ) -> None:
        self.text = text
        self.path = os.fspath(path)
        self._sets: List[Tuple[str, Any]] = list(overrides)

    @classmethod
    def from_toml(cls, text: str, path: PathLike = "scenario.toml") -> "Scenario":
        """A scenario from TOML text. ``path`` names it in errors, gives
        its default name (the file stem) and the folder of its data files."""
        return cls(text, path)

    @classmethod
    def from_dict(cls, d: Dict[str, Any], path: PathLike = "scenario.toml") -> "Scenario":
        """A scenario from a dict of its tables, as ``tomllib.load`` would
        return them (``{"name": "x", "start": {...}, "price": {...}}``)."""
        return cls(_minesim.dict_to_toml(d), path)

    def set(self, path: str, value: Any) -> "Scenario":
        """Sets the field at ``path`` (a sweep path such as
        ``"miners.groups[0].share"``) to ``value`` (bool, int, float, str,
        list or dict). Checked by :meth:`validate` and :func:`run`; returns
        the scenario, so calls chain."""
        self._sets.append((path, value))
        return self

    @property
    def overrides(self) -> Dict[str, Any]:
        """The overrides in effect, by path (the last value of each)."""
        return dict(self._sets)

    def copy(self) -> "Scenario":
        return Scenario(self.text, self.path, self._sets)

    def _check(self, sets: Iterable[Tuple[str, Any]] = ()) -> Tuple[str, int]:
        return _minesim.check(self.path, self.text, self._sets + list(sets))

    def validate(self) -> "Scenario":
        """Checks the scenario like ``minesim check`` (every field, every
        sweep point, every data file); raises :class:`ScenarioError` with
        the CLI's message. Returns the scenario."""
        self._check()
        return self

    def to_dict(self) -> Dict[str, Any]:
        """The scenario as it would run, every default filled in (the
        ``config`` of summary.json)."""
        return json.loads(self._check()[0])

    @property
    def name(self) -> str:
        return self.to_dict()["name"]

    def run(self, **kwargs: Any) -> "Result":
        """:func:`run` on this scenario."""
        return run(self, **kwargs)

    def __repr__(self) -> str:
        sets = "".join(f", {p}={v!r}" for p, v in self._sets)
        return f"<minesim.Scenario {self.path}{sets}>"


def load(path: PathLike) -> Scenario:
    """Reads the scenario file at ``path`` (not yet validated: see
    :meth:`Scenario.validate`)."""
    return Scenario(_minesim.read_text(os.fspath(path)), path)


def _read_csv(data: bytes):
    import pandas as pd

    # Every number must parse to the float the CLI printed: pandas 3's
    # default parser does; before it, only the round-trip one did.
    if int(pd.__version__.split(".")[0]) < 3:
        return pd.read_csv(io.BytesIO(data), float_precision="round_trip")
    return pd.read_csv(io.BytesIO(data))


class Result:
    """The outputs of a run: the files the CLI would write, in memory,
    and pandas views of them (parsed on first use)."""

    def __init__(self, scenario: Scenario, kind: str, files: Dict[str, bytes]) -> None:
        self.scenario = scenario
        #: ``"batch"`` or ``"sweep"``.
        self.kind = kind
        #: Every output file by name, as bytes (charts and report.html too).
        self.files = files
        self._cache: Dict[str, Any] = {}

    def _table(self, name: str):
        if name not in self.files:
            return None
        if name not in self._cache:
            self._cache[name] = _read_csv(self.files[name])
        return self._cache[name]

    @property
    def summary(self) -> Dict[str, Any]:
        """summary.json as a dict."""
        if "summary.json" not in self._cache:
            self._cache["summary.json"] = json.loads(self.files["summary.json"])
        return self._cache["summary.json"]

    @property
    def runs(self):
        """runs.csv: one row per run (per point and run for a sweep)."""
        return self._table("runs.csv")

    @property
    def bands(self):
        """bands.csv: per step and metric, statistics across runs (None for
        a sweep; for an uncertainty design, across every point's runs)."""
        return self._table("bands.csv")

    @property
    def points(self):
        """points.csv: one row per sweep point (None for a plain batch)."""
        return self._table("points.csv")

    @property
    def sensitivity(self):
        """sensitivity.csv: the Sobol' indices or Morris effects of an
        [uncertainty] design (None otherwise)."""
        return self._table("sensitivity.csv")

    @property
    def fleet(self):
        """fleet.csv (agent scenarios), long: per kept run, step and ASIC
        generation, its efficiency and operating and installed hashrate."""
        return self._table("fleet.csv")

    @property
    def steps(self):
        """steps.csv: the kept runs' steps in one table, with a ``run``
        column first (None if no run was kept, as in a sweep)."""
        return self._table("steps.csv")

    @property
    def retargets(self):
        """retargets.csv: the kept runs' difficulty retargets, with a
        ``run`` column first."""
        return self._table("retargets.csv")

    def save(self, path: PathLike) -> Path:
        """Writes every output file into the folder ``path`` (created if
        needed): the same bytes as ``minesim run --out PATH``."""
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            tmp = out / f".{name}.tmp"
            tmp.write_bytes(data)
            os.replace(tmp, out / name)
        return out

    def __repr__(self) -> str:
        s = self.summary
        return f"<minesim.Result {self.kind} {s.get('scenario')!r}: {s.get('runs')} run(s), {len(self.files)} files>"


class _Progress:
    """A tqdm bar (a widget in Jupyter, text in a terminal), made when the
    batch reports its size."""

    def __init__(self, desc: str) -> None:
        self.desc = desc
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total == 0:
                return
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, desc=self.desc, unit="run", dynamic_ncols=True)
        if done > self.bar.n:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run(
    scenario: Union[PathLike, Scenario],
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: Optional[Dict[str, Any]] = None,
    keep_runs: Optional[int] = None,
    progress: Union[bool, Callable[[int, int], None]] = True,
) -> Result:
    """Runs a scenario (a file path or a :class:`Scenario`) like
    ``minesim run``: ``runs`` and ``seed`` override the scenario's,
    ``threads`` (default: all cores) changes no number, ``set`` maps field
    paths to values (``--set``), ``keep_runs`` is ``--keep-runs`` (runs
    whose full series are kept, default 1; plain batches only: a sweep
    raises :class:`InputError` when it is given). ``progress``: a bar
    (True), nothing (False), or a function called with (done, total).

    Raises :class:`ScenarioError` (and the other :class:`MinesimError`\\ s)
    with the CLI's messages; KeyboardInterrupt stops the batch after the
    chunk of runs in flight."""
    sc = scenario if isinstance(scenario, Scenario) else load(scenario)
    sets = sc._sets + list((set or {}).items())
    if progress is True:
        report: Optional[Callable[[int, int], None]] = _Progress(Path(sc.path).stem)
    elif progress is False or progress is None:
        report = None
    else:
        report = progress
    try:
        with tempfile.TemporaryDirectory(prefix="minesim-") as tmp:
            out = Path(tmp) / "out"
            kind, _ = _minesim.run(
                sc.path, sc.text, sets, os.fspath(out), runs, seed, keep_runs, threads, report
            )
            files = {
                p.name: p.read_bytes()
                for p in sorted(out.iterdir())
                if p.is_file() and not p.name.startswith(".")
            }
    finally:
        if isinstance(report, _Progress):
            report.close()
    return Result(Scenario(sc.text, sc.path, sets), kind, files)
