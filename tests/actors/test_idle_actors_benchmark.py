"""The idle-actors benchmark runs (as a quick smoke run) and prints its table; it asserts no timing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "idle_actors.py"


@pytest.mark.slow
def test_the_idle_actors_benchmark_prints_its_table() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARK), "--quick"], capture_output=True, text=True, timeout=120, check=False
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "| measure" in done.stdout
    assert "50 idle actors" in done.stdout
    rows = {line.split("|")[1].strip(): line for line in done.stdout.splitlines() if line.startswith("| ")}
    assert rows["actors running"].split("|")[3].strip() == "50"
