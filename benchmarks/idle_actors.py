"""Idle actors: the memory and CPU a process pays for 1,000 actors long-polling SWF with nothing to do.

A service may run many deciders and workers in one event loop, most of them idle most of the time. An idle
actor sits in a long poll: it should cost some memory and no CPU at all. This measures, in one process and
one run:

* the baseline: an empty event loop (aioswf imported, nothing running), over an idle window;
* the same process with N actors (half deciders, half activity workers, one task list each) sharing one
  `aioswf.Connection`, all in long polls, over an idle window of the same length.

The SWF server is the local one, in its own process (``python -m aioswf.local``), with SWF's 60 s polls so
the window sees no poll end. The table gives each measure for both, and the ratio or difference.

Run: ``.venv/bin/python benchmarks/idle_actors.py`` (``--quick`` for a smoke run with 50 actors).
Budget (issue 5): 1,000 idle actors under 150 MB RSS, and no CPU while idle.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import aioswf
from aioswf.actors import ActivityWorker, Actor, Decider, stop_all

RSS_BUDGET_MB = 150.0
#: "No CPU while idle": under 1% of one core over the window.
CPU_BUDGET_PERCENT = 1.0


def rss_mb() -> float:
    """The process's resident memory now, in MB (the peak where /proc is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            match = re.search(r"VmRSS:\s+(\d+) kB", status.read())
        if match:
            return int(match.group(1)) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


async def cpu_over(window: float) -> float:
    """CPU seconds this process spends while the loop idles for `window` seconds."""
    before = time.process_time()
    await asyncio.sleep(window)
    return time.process_time() - before


@contextmanager
def local_server(poll_wait: float) -> Iterator[str]:
    """The local SWF server in its own process; yields its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "aioswf.local", "--port", "0", "--poll-wait", str(poll_wait)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"(http://\S+)", line)
        if not match:
            raise RuntimeError(f"the local server did not start: {line!r}")
        yield match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)


async def measure(
    actor_count: int, window: float, settle: float, url: str
) -> list[tuple[str, str, str, str]]:
    """Runs both phases; returns the table's rows."""
    base_rss = rss_mb()
    base_cpu = await cpu_over(window)

    async with aioswf.Connection(
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        # One pooled HTTP connection per long poll, and room for the answers.
        max_pool_connections=actor_count + 50,
    ) as conn:
        domain = f"idle-{uuid.uuid4().hex[:8]}"
        await conn.call("RegisterDomain", name=domain, workflowExecutionRetentionPeriodInDays="1")
        actors: list[Actor[object]] = []
        for index in range(actor_count):
            kind = Decider if index % 2 else ActivityWorker
            actors.append(kind(domain, f"list-{index}", connection=conn))  # type: ignore[arg-type]
        started = time.perf_counter()
        await asyncio.gather(*(actor.start() for actor in actors))
        start_seconds = time.perf_counter() - started
        await asyncio.sleep(settle)  # every actor's first poll reaches the server
        actors_cpu = await cpu_over(window)
        actors_rss = rss_mb()
        running = sum(actor.is_running for actor in actors)
        started = time.perf_counter()
        await stop_all(actors, grace=5)
        stop_seconds = time.perf_counter() - started

    def ratio(a: float, b: float) -> str:
        return f"{b / a:.2f}x" if a > 0 else "n/a"

    return [
        (
            "RSS (MB)",
            f"{base_rss:.1f}",
            f"{actors_rss:.1f}",
            f"+{actors_rss - base_rss:.1f} MB ({ratio(base_rss, actors_rss)})",
        ),
        (
            "RSS per actor (KB)",
            "-",
            f"{(actors_rss - base_rss) * 1024 / actor_count:.1f}",
            "-",
        ),
        (
            f"CPU over {window:g} s idle (ms)",
            f"{base_cpu * 1000:.1f}",
            f"{actors_cpu * 1000:.1f}",
            f"+{(actors_cpu - base_cpu) * 1000:.1f} ms",
        ),
        ("CPU (% of one core)", f"{base_cpu / window * 100:.2f}", f"{actors_cpu / window * 100:.2f}", "-"),
        ("actors running", "0", str(running), "-"),
        ("start all (s)", "-", f"{start_seconds:.2f}", "-"),
        ("stop all (s)", "-", f"{stop_seconds:.2f}", "-"),
    ]


def print_table(rows: list[tuple[str, str, str, str]], actor_count: int) -> None:
    """Prints the rows as a Markdown table."""
    header = ("measure", "empty loop (baseline)", f"{actor_count} idle actors", "vs baseline")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |")


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmark; returns 1 when a full run breaks the budget."""
    parser = argparse.ArgumentParser(description="memory and CPU of idle actors")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 50 actors, short windows")
    parser.add_argument("--actors", type=int, help="how many actors (default: 1000, or 50 with --quick)")
    parser.add_argument(
        "--window", type=float, help="seconds of idle measured (default: 10, or 1 with --quick)"
    )
    args = parser.parse_args(argv)
    actor_count = args.actors or (50 if args.quick else 1000)
    window = args.window or (1.0 if args.quick else 10.0)
    settle = 1.0 if args.quick else 3.0
    print(
        f"idle actors: {actor_count} actors, {window:g} s window; Python {platform.python_version()} "
        f"on {platform.system()} {platform.machine()}, pid {os.getpid()}"
    )
    with local_server(poll_wait=60.0) as url:
        rows = asyncio.run(measure(actor_count, window, settle, url))
    print_table(rows, actor_count)
    if args.quick or actor_count < 1000:
        return 0
    rss = float(rows[0][2])
    cpu_percent = float(rows[3][2])
    within = rss < RSS_BUDGET_MB and cpu_percent < CPU_BUDGET_PERCENT
    print(
        f"budget: RSS < {RSS_BUDGET_MB:g} MB and CPU < {CPU_BUDGET_PERCENT:g}% of a core while idle: "
        + ("met" if within else "NOT met")
    )
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
