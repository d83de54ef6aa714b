"""Runs every benchmark, one after the other, and prints their tables (the source of docs/benchmarks.md).

Each benchmark runs as its own process, as ``python benchmarks/NAME.py [--quick]``; a failing one is
reported and the others still run (the exit status says whether all passed).

Run: ``.venv/bin/python benchmarks/run_all.py`` (``--quick`` runs each in seconds; ``--only a,b`` picks).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: In the order of issue 10's goals, then flow's deciding cost, then the local server's own benchmarks.
BENCHMARKS = (
    "throughput",
    "request_path",
    "latency",
    "overhead",
    "history_scaling",
    "paging_memory",
    "actor_loop",
    "flow_decide",
    "local_vs_moto",
    "durable_start",
    "decay",
    "idle_actors",
)


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmarks; returns 0 when every one succeeded."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of each (seconds each)")
    parser.add_argument("--only", help="comma-separated benchmark names: " + ",".join(BENCHMARKS))
    args = parser.parse_args(argv)
    chosen = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    failed = []
    for name in chosen:
        command = [sys.executable, str(HERE / f"{name}.py"), *(["--quick"] if args.quick else [])]
        print(f"\n<!-- {name}: {' '.join(command[1:])} -->", flush=True)
        began = time.monotonic()
        done = subprocess.run(command, check=False)
        print(f"\n<!-- {name}: exit {done.returncode} after {time.monotonic() - began:.0f} s -->", flush=True)
        if done.returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
