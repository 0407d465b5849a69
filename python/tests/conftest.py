"""Fixtures: the repository root and the CLI binary the Python results are
compared with (MINESIM_BIN, default target/release/minesim)."""

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def cli() -> Path:
    binary = Path(os.environ.get("MINESIM_BIN", REPO / "target" / "release" / "minesim"))
    if not binary.is_file():
        pytest.fail(f"no minesim binary at {binary}: run `cargo build --release` or set MINESIM_BIN")
    return binary


@pytest.fixture
def run_cli(cli):
    """Runs the CLI; returns the completed process (stdout, stderr as text)."""

    def go(*args, check=True):
        p = subprocess.run([str(cli), *map(str, args)], capture_output=True, text=True, cwd=REPO)
        if check and p.returncode != 0:
            raise AssertionError(f"minesim {' '.join(map(str, args))}: {p.stderr}")
        return p

    return go
