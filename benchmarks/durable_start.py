"""How long a durable local server takes to start on a data directory holding 100,000 closed executions.

The directory is built once: a thousand real executions (start, decision, activity, completion: 11
events each) run through the engine with a store, and their rows are then copied under new workflow and
run ids until the directory holds the number asked for. Then starts alternate between that directory and
an empty one (the baseline: imports, the HTTP face, SQLite), in process (``LocalSWF.start``) and as a
process (``python -m aioswf.local --data-dir DIR`` until it prints that it listens), and each start ends
with a check that the server holds every execution and reads a closed history from disk.

Run: ``.venv/bin/python benchmarks/durable_start.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import machine
from local_vs_moto import table

from aioswf.local import Engine, LocalSWF
from aioswf.local.store import Store
from aioswf.local.store.data_dir import DATABASE

WORKFLOW = {"name": "flow", "version": "1"}
SEED_EXECUTIONS = 1000
TARGET_SECONDS = 5.0


async def _seed(data_dir: Path, count: int) -> None:
    engine = Engine(poll_wait=1, store=Store(data_dir))
    await engine.start()
    call = engine.call
    await call("RegisterDomain", {"name": "bench", "workflowExecutionRetentionPeriodInDays": "90"})
    await call(
        "RegisterWorkflowType",
        {
            "domain": "bench",
            **WORKFLOW,
            "defaultTaskList": {"name": "d"},
            "defaultTaskStartToCloseTimeout": "300",
            "defaultExecutionStartToCloseTimeout": "3600",
            "defaultChildPolicy": "TERMINATE",
        },
    )
    await call(
        "RegisterActivityType",
        {
            "domain": "bench",
            "name": "work",
            "version": "1",
            "defaultTaskList": {"name": "a"},
            "defaultTaskScheduleToStartTimeout": "300",
            "defaultTaskScheduleToCloseTimeout": "600",
            "defaultTaskStartToCloseTimeout": "300",
            "defaultTaskHeartbeatTimeout": "NONE",
        },
    )
    for index in range(count):
        await call(
            "StartWorkflowExecution",
            {"domain": "bench", "workflowId": f"seed-{index}", "workflowType": WORKFLOW, "input": "x" * 100},
        )
        task = await call("PollForDecisionTask", {"domain": "bench", "taskList": {"name": "d"}})
        schedule = {"activityType": {"name": "work", "version": "1"}, "activityId": "a1", "input": "y" * 100}
        await call(
            "RespondDecisionTaskCompleted",
            {
                "taskToken": task["taskToken"],
                "decisions": [
                    {
                        "decisionType": "ScheduleActivityTask",
                        "scheduleActivityTaskDecisionAttributes": schedule,
                    }
                ],
            },
        )
        activity = await call("PollForActivityTask", {"domain": "bench", "taskList": {"name": "a"}})
        await call("RespondActivityTaskCompleted", {"taskToken": activity["taskToken"], "result": "r" * 100})
        task = await call("PollForDecisionTask", {"domain": "bench", "taskList": {"name": "d"}})
        complete = {"result": "done"}
        await call(
            "RespondDecisionTaskCompleted",
            {
                "taskToken": task["taskToken"],
                "decisions": [
                    {
                        "decisionType": "CompleteWorkflowExecution",
                        "completeWorkflowExecutionDecisionAttributes": complete,
                    }
                ],
            },
        )
    await engine.stop()


def _copy_rows(data_dir: Path, total: int) -> None:
    """Copy the seed executions' rows under new ids until the database holds ``total`` executions."""
    with sqlite3.connect(data_dir / DATABASE) as connection:
        (seeded,) = connection.execute("SELECT count(*) FROM executions").fetchone()
        (top,) = connection.execute("SELECT max(max(seq), max(close_seq)) FROM executions").fetchone()
        connection.execute("CREATE TEMP TABLE seed AS SELECT run_id FROM executions")
        copy = 1
        while seeded * (copy + 1) <= total:
            suffix, offset = f"-{copy}", copy * (top + 1)
            connection.execute(
                "INSERT INTO executions SELECT run_id || ?, domain, workflow_id || ?, status, start, seq + ?, "
                "close_seq + ?, expires, event_count, settings, progress FROM executions "
                "WHERE run_id IN (SELECT run_id FROM seed)",
                (suffix, suffix, offset, offset),
            )
            connection.execute(
                "INSERT INTO histories SELECT run_id || ?, events FROM histories WHERE run_id IN (SELECT run_id FROM seed)",
                (suffix,),
            )
            copy += 1
    connection.close()


def build(data_dir: Path, total: int) -> None:
    """Fill ``data_dir`` with ``total`` closed executions (about: a multiple of the seed's thousand)."""
    seed = min(SEED_EXECUTIONS, total)
    asyncio.run(_seed(data_dir, seed))
    _copy_rows(data_dir, total)


async def _start_in_process(data_dir: Path) -> tuple[float, int]:
    started = time.perf_counter()
    local = LocalSWF(data_dir=data_dir)
    await local.start()
    seconds = time.perf_counter() - started
    try:
        closed = sum(len(domain.closed_executions) for domain in local.engine.domains.values())
        for domain in local.engine.domains.values():
            for execution in list(domain.closed_executions.values())[-1:]:
                assert execution.events[-1]["eventType"] == "WorkflowExecutionCompleted"
    finally:
        await local.stop()
    return seconds, closed


def _start_process(data_dir: Path) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "aioswf.local", "--port", "0", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        seconds = time.perf_counter() - started
        assert "listening" in line, line
    finally:
        process.terminate()
        process.wait(30)
    return seconds


def main(argv: list[str] | None = None) -> int:
    """Build the directory, time the starts, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (2,000 executions, 1 round)")
    parser.add_argument("--executions", type=int, help="closed executions in the directory (default 100,000)")
    parser.add_argument("--rounds", type=int, help="alternating starts of each kind (default 5)")
    args = parser.parse_args(argv)
    total = args.executions or (2000 if args.quick else 100_000)
    rounds = args.rounds or (1 if args.quick else 5)
    with tempfile.TemporaryDirectory(prefix="aioswf-start-") as scratch:
        full, empty = Path(scratch) / "full", Path(scratch) / "empty"
        began = time.perf_counter()
        build(full, total)
        built = time.perf_counter() - began
        size = sum(path.stat().st_size for path in full.iterdir()) / 2**20
        times: dict[str, list[float]] = {"full": [], "empty": [], "full process": [], "empty process": []}
        held: list[int] = []
        for number in range(rounds):
            for kind, data_dir in (("full", full), ("empty", empty))[:: 1 if number % 2 == 0 else -1]:
                seconds, closed = asyncio.run(_start_in_process(data_dir))
                times[kind].append(seconds)
                if kind == "full":
                    held.append(closed)
                times[f"{kind} process"].append(_start_process(data_dir))
    assert set(held) == {total // SEED_EXECUTIONS * SEED_EXECUTIONS if total >= SEED_EXECUTIONS else total}
    print(f"machine: {machine()}")
    print(
        f"a data directory of {held[0]:,} closed executions (11 events each; {size:.0f} MiB), built in "
        f"{built:.1f} s; {rounds} starts of each kind, alternating\n"
    )
    rows: list[tuple[str, ...]] = []
    for label, key in (
        (f"LocalSWF.start(), {held[0]:,} executions", "full"),
        ("LocalSWF.start(), empty directory", "empty"),
        (f"python -m aioswf.local, {held[0]:,} executions", "full process"),
        ("python -m aioswf.local, empty directory", "empty process"),
    ):
        values = times[key]
        rows.append((label, f"{statistics.median(values):.2f}", f"{max(values):.2f}"))
    print(table(rows, ("start", "median s", "slowest s")))
    slowest = max(times["full process"])
    verdict = "holds" if slowest < TARGET_SECONDS else "does NOT hold"
    print(
        f"\nthe executions add {statistics.median(times['full']) - statistics.median(times['empty']):.2f} s "
        f"to a start; target: a server holding them starts in under {TARGET_SECONDS:.0f} s "
        f"(slowest process start {slowest:.2f} s): {verdict}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
