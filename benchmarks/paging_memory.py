"""Goal 5: iterating 10,000 executions, or a 10,000-event history, without keeping them holds memory flat.

Against one local SWF server (its own process), a domain gets N open executions and one execution a
history of N events (signals). The client iterates them one item (or one page) at a time, keeping none:
``async for`` over ``WorkflowExecutionQuerySet(domain).all()``, and over ``execution.events()`` (pages of
1,000 events as `History` objects). tracemalloc's peak over each iteration is measured at N = 2,000 and
N = 10,000 (pages of 1,000), alternately; flat memory means the ratio of the peaks stays near 1, while a
listing that kept its items would grow fivefold. (Both sizes span several pages: a consumer's loop
variable holds the page it just read while the next one arrives, so any listing of more than one page
peaks at two pages of events.)

Run: ``.venv/bin/python benchmarks/paging_memory.py`` (``--quick`` for a smoke run with 2,000).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tracemalloc
import uuid
from collections.abc import Awaitable, Callable

from harness import local_server, report, spread, table, use_test_keys

import aioswf
from aioswf.models import WorkflowExecution
from aioswf.querysets import WorkflowExecutionQuerySet

KEYS = {"region_name": "us-east-1", "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


async def populate(conn: aioswf.Connection, count: int) -> tuple[str, WorkflowExecution]:
    """A domain with `count` open executions, one of which has a `count`-event history."""
    domain = f"mem-{uuid.uuid4().hex[:8]}"
    await conn.call("RegisterDomain", name=domain, workflowExecutionRetentionPeriodInDays="1")
    await conn.call(
        "RegisterWorkflowType",
        domain=domain,
        name="wf",
        version="1",
        defaultTaskStartToCloseTimeout="60",
        defaultExecutionStartToCloseTimeout="3600",
        defaultChildPolicy="TERMINATE",
        defaultTaskList={"name": "tl"},
    )
    limit = asyncio.Semaphore(20)

    async def start(index: int) -> str:
        async with limit:
            started = await conn.call(
                "StartWorkflowExecution",
                domain=domain,
                workflowId=f"wf-{index}",
                workflowType={"name": "wf", "version": "1"},
            )
            return str(started["runId"])

    run_ids = await asyncio.gather(*(start(i) for i in range(count)))

    async def signal(index: int) -> None:
        async with limit:
            await conn.call(
                "SignalWorkflowExecution",
                domain=domain,
                workflowId="wf-0",
                runId=run_ids[0],
                signalName="s",
                input=f"{index:08d}",
            )

    # WorkflowExecutionStarted and DecisionTaskScheduled, then one event per signal.
    await asyncio.gather(*(signal(i) for i in range(count - 2)))
    return domain, WorkflowExecution(domain, "wf-0", run_ids[0], connection=conn)


async def peak_of(iterate: Callable[[], Awaitable[int]]) -> tuple[float, int]:
    """tracemalloc's peak (KB) above the starting point while `iterate` runs, and what it counted."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        counted = await iterate()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (peak - base) / 1024, counted


async def measure(
    url: str, small: int, large: int, rounds: int, page_size: int
) -> dict[str, dict[str, list[float]]]:
    """Peaks per case and size, over alternating rounds."""
    results: dict[str, dict[str, list[float]]] = {}
    async with aioswf.Connection(endpoint_url=url, **KEYS) as conn:
        sized = {size: await populate(conn, size) for size in (small, large)}

        def executions(size: int) -> Callable[[], Awaitable[int]]:
            async def run() -> int:
                seen = 0
                async for _execution in WorkflowExecutionQuerySet(sized[size][0], connection=conn).all(
                    page_size=page_size
                ):
                    seen += 1
                assert seen == size, seen
                return seen

            return run

        def history(size: int) -> Callable[[], Awaitable[int]]:
            async def run() -> int:
                seen = 0
                async for page in sized[size][1].events(page_size=page_size):
                    seen += len(page)
                assert seen == size, seen
                return seen

            return run

        for name, case in (("executions", executions), ("history events", history)):
            found = results[name] = {"small": [], "large": [], "ratio": []}
            await case(small)()
            for round_index in range(rounds):
                order = (small, large) if round_index % 2 == 0 else (large, small)
                peaks = {size: (await peak_of(case(size)))[0] for size in order}
                found["small"].append(peaks[small])
                found["large"].append(peaks[large])
                found["ratio"].append(peaks[large] / peaks[small])
    return results


def main(argv: list[str] | None = None) -> int:
    """Runs the measure and prints its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: 500 against 2,000, pages of 100")
    parser.add_argument("--rounds", type=int, help="alternating rounds (default 3)")
    args = parser.parse_args(argv)
    use_test_keys()
    small, large, page_size = (500, 2_000, 100) if args.quick else (2_000, 10_000, 1_000)
    rounds = args.rounds or (2 if args.quick else 3)
    with local_server() as url:
        results = asyncio.run(measure(url, small, large, rounds, page_size))
    rows = [
        [name, spread(found["small"], 0), spread(found["large"], 0), spread(found["ratio"]), "about 1 (flat)"]
        for name, found in results.items()
    ]
    header = ["iterated, keeping none", f"peak at {small:,} (KB)", f"peak at {large:,} (KB)", "ratio", "goal"]
    body = table(header, rows) + (
        f"\n\npages of {page_size:,}; tracemalloc peaks above the start of each iteration; {rounds} rounds, "
        "median (min-max)."
    )
    report(
        "Paging memory (goal 5)",
        "python benchmarks/paging_memory.py" + (" --quick" if args.quick else ""),
        body,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
