"""The flow example and the README's flow tour run as written, on a local SWF server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("AWS_ENDPOINT_URL")}


@pytest.mark.slow
def test_the_orders_example_processes_its_orders_on_a_local_server() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "orders.py"), "--orders", "3"],
        capture_output=True,
        text=True,
        timeout=120,
        env=_environment(),
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "a local SWF server" in done.stdout
    assert (
        "o-1: 524.00 charged (pay-o-1-524.00), shipped track-o-1, approved by manager@example.com"
        in done.stdout
    )
    assert "o-2: 37.50 charged (pay-o-2-37.50), shipped track-o-2\n" in done.stdout
    assert "3 of 3 orders processed" in done.stdout


@pytest.mark.slow
def test_the_readmes_flow_tour_runs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = next(
        block
        for block in re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
        if "flow.Worker" in block
    )
    script = tmp_path / "flow_tour.py"
    script.write_text(tour, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env=_environment(),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["receipt-o-1-4200"]


@pytest.mark.slow
def test_the_first_example_of_docs_flow_md_runs(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "flow.md").read_text(encoding="utf-8")
    first = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)[0]
    script = tmp_path / "first_workflow.py"
    script.write_text(first, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env=_environment(),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["HELLO, ADA!"]
