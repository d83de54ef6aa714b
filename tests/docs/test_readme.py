"""The README's code runs as written, and its set-up commands are the ones CI uses."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_the_readme_opens_with_exactly_two_setup_commands() -> None:
    intro = README.split("## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)```", intro, flags=re.DOTALL)
    assert len(commands) == 2
    assert "examples/quickstart.py" in commands[0]
    assert commands[1].strip().endswith(".venv/bin/pytest")


def test_ci_runs_the_readmes_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m venv .venv" in ci
    assert '.venv/bin/pip install --quiet -e ".[dev]"' in ci
    assert "\n.venv/bin/pytest\n" in ci


def test_the_tour_runs_against_the_local_server(tmp_path: Path) -> None:
    tour = next(block for block in python_blocks(README) if "asyncio.run(main())" in block)
    script = tmp_path / "tour.py"
    script.write_text(tour, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "crawl 1" in lines
    assert "WorkflowExecutionSignaled" in lines[1]
    assert lines[-1] == "True"
