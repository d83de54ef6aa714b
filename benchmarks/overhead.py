"""Goal 3: aioswf's CPU per call over raw aiobotocore's, for the calls users make most.

Each operation runs the same request both ways in one process, against one local SWF server (its own
process): raw aiobotocore coroutines returning dicts, and aioswf's models and querysets returning typed
values (on the lean path, the default, and on the botocore path). Blocks of calls alternate between the
sides; each pair of blocks gives a ratio of CPU per call (process CPU, the server being elsewhere), and the
table gives the median ratio and its range.

* describe: ``DescribeDomain`` against ``Domain(name).upstream()``;
* start: ``StartWorkflowExecution`` against ``WorkflowType.start_execution()``;
* signal: ``SignalWorkflowExecution`` against ``WorkflowExecution.signal()``;
* list types: every page of ``ListWorkflowTypes`` (1,000 types) against ``async for`` over
  ``WorkflowTypeQuerySet(domain).all()``;
* history: every page of a 5,000-event ``GetWorkflowExecutionHistory`` against
  ``WorkflowExecution.history()``.

Run: ``.venv/bin/python benchmarks/overhead.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from harness import local_server, report, spread, table, use_test_keys

import aioswf
from aioswf.models import Domain, WorkflowExecution, WorkflowType
from aioswf.querysets import WorkflowTypeQuerySet

KEYS = {"region_name": "us-east-1", "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
GOALS = {"describe": 1.05, "start": 1.05, "signal": 1.05, "list types": 1.05, "history": 1.2}


async def populate(client: Any, types: int, events: int) -> tuple[str, dict[str, str]]:
    """A domain with `types` workflow types and an execution whose history has about `events` events."""
    domain = f"ovh-{uuid.uuid4().hex[:8]}"
    await client.register_domain(name=domain, workflowExecutionRetentionPeriodInDays="1")
    limit = asyncio.Semaphore(20)

    async def register(index: int) -> None:
        async with limit:
            await client.register_workflow_type(
                domain=domain,
                name=f"type-{index:05d}",
                version="1",
                defaultTaskStartToCloseTimeout="60",
                defaultExecutionStartToCloseTimeout="3600",
                defaultChildPolicy="TERMINATE",
                defaultTaskList={"name": "tl"},
            )

    await asyncio.gather(*(register(i) for i in range(types)))
    started = await client.start_workflow_execution(
        domain=domain, workflowId="long", workflowType={"name": "type-00000", "version": "1"}
    )
    execution = {"workflowId": "long", "runId": started["runId"]}

    async def signal(index: int) -> None:
        async with limit:
            await client.signal_workflow_execution(
                domain=domain,
                workflowId="long",
                runId=execution["runId"],
                signalName="s",
                input=f"payload-{index}",
            )

    # WorkflowExecutionStarted and DecisionTaskScheduled, then one event per signal.
    await asyncio.gather(*(signal(i) for i in range(events - 2)))
    return domain, execution


async def cpu_per_call(block: Callable[[], Awaitable[int]]) -> float:
    """CPU seconds per call of one block (which returns how many calls it made)."""
    began = time.process_time()
    calls = await block()
    return (time.process_time() - began) / calls


async def measure(
    url: str, rounds: int, repeat: int, types: int, events: int
) -> dict[str, dict[str, list[float]]]:
    """For each operation: per-round ratios (aioswf lean / raw, aioswf botocore / raw) and raw CPU per call."""
    from aiobotocore.session import AioSession

    results: dict[str, dict[str, list[float]]] = {}
    async with AioSession().create_client("swf", endpoint_url=url, **KEYS) as raw:
        domain, execution = await populate(raw, types, events)
        async with (
            aioswf.Connection(endpoint_url=url, request_path="lean", **KEYS) as lean,
            aioswf.Connection(endpoint_url=url, request_path="botocore", **KEYS) as boto,
        ):
            wtype = {c: WorkflowType(domain, "type-00000", "1", connection=c) for c in (lean, boto)}
            running = {
                c: WorkflowExecution(domain, "long", execution["runId"], connection=c) for c in (lean, boto)
            }
            counter = iter(range(10**9))

            async def raw_describe() -> int:
                for _ in range(repeat):
                    await raw.describe_domain(name=domain)
                return repeat

            def sdk_describe(c: aioswf.Connection) -> Callable[[], Awaitable[int]]:
                async def run() -> int:
                    for _ in range(repeat):
                        await Domain(domain, connection=c).upstream()
                    return repeat

                return run

            async def raw_start() -> int:
                for _ in range(repeat):
                    await raw.start_workflow_execution(
                        domain=domain,
                        workflowId=f"s-{next(counter)}",
                        workflowType={"name": "type-00000", "version": "1"},
                        input="x" * 64,
                    )
                return repeat

            def sdk_start(c: aioswf.Connection) -> Callable[[], Awaitable[int]]:
                async def run() -> int:
                    for _ in range(repeat):
                        await wtype[c].start_execution(f"s-{next(counter)}", input="x" * 64)
                    return repeat

                return run

            async def raw_signal() -> int:
                for _ in range(repeat):
                    await raw.signal_workflow_execution(
                        domain=domain, workflowId="long", runId=execution["runId"], signalName="b", input="x"
                    )
                return repeat

            def sdk_signal(c: aioswf.Connection) -> Callable[[], Awaitable[int]]:
                async def run() -> int:
                    for _ in range(repeat):
                        await running[c].signal("b", input="x")
                    return repeat

                return run

            list_repeat = max(1, repeat // 50)

            async def raw_list() -> int:
                for _ in range(list_repeat):
                    seen = 0
                    pages = raw.get_paginator("list_workflow_types").paginate(
                        domain=domain, registrationStatus="REGISTERED"
                    )
                    async for page in pages:
                        seen += len(page["typeInfos"])
                    assert seen == types, seen
                return list_repeat

            def sdk_list(c: aioswf.Connection) -> Callable[[], Awaitable[int]]:
                async def run() -> int:
                    for _ in range(list_repeat):
                        seen = 0
                        async for _wt in WorkflowTypeQuerySet(domain, connection=c).all():
                            seen += 1
                        assert seen == types, seen
                    return list_repeat

                return run

            async def raw_history() -> int:
                for _ in range(list_repeat):
                    events_seen: list[Any] = []
                    pages = raw.get_paginator("get_workflow_execution_history").paginate(
                        domain=domain, execution=execution
                    )
                    async for page in pages:
                        events_seen.extend(page["events"])
                    assert len(events_seen) >= events
                return list_repeat

            def sdk_history(c: aioswf.Connection) -> Callable[[], Awaitable[int]]:
                async def run() -> int:
                    for _ in range(list_repeat):
                        history = await running[c].history()
                        assert len(history) >= events
                    return list_repeat

                return run

            cases = {
                "describe": (raw_describe, sdk_describe),
                "start": (raw_start, sdk_start),
                "signal": (raw_signal, sdk_signal),
                "list types": (raw_list, sdk_list),
                "history": (raw_history, sdk_history),
            }
            for name, (raw_block, sdk_block) in cases.items():
                found = results[name] = {"lean": [], "botocore": [], "raw ms": []}
                # One unmeasured round warms each side up (first connections, caches).
                await raw_block()
                await sdk_block(lean)()
                await sdk_block(boto)()
                for round_index in range(rounds):
                    sides = [("raw", raw_block), ("lean", sdk_block(lean)), ("botocore", sdk_block(boto))]
                    if round_index % 2:
                        sides.reverse()
                    cpu = {side: await cpu_per_call(block) for side, block in sides}
                    found["lean"].append(cpu["lean"] / cpu["raw"])
                    found["botocore"].append(cpu["botocore"] / cpu["raw"])
                    found["raw ms"].append(cpu["raw"] * 1000)
    return results


def main(argv: list[str] | None = None) -> int:
    """Runs the comparison and prints its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer calls, types and events")
    parser.add_argument("--rounds", type=int, help="alternating rounds per operation (default 7)")
    args = parser.parse_args(argv)
    use_test_keys()
    rounds = args.rounds or (2 if args.quick else 7)
    repeat, types, events = (20, 100, 500) if args.quick else (200, 1000, 5000)
    with local_server() as url:
        results = asyncio.run(measure(url, rounds, repeat, types, events))
    rows = []
    for name, found in results.items():
        rows.append(
            [
                name,
                spread(found["raw ms"], 3),
                spread(found["lean"]),
                spread(found["botocore"]),
                f"<= {GOALS[name]}",
            ]
        )
    header = [
        "operation",
        "raw aiobotocore CPU per call (ms)",
        "aioswf lean / raw",
        "aioswf botocore / raw",
        "goal",
    ]
    body = table(header, rows)
    body += (
        f"\n\n{types} workflow types, a {events}-event history; {rounds} alternating rounds, median (min-max). "
        "A call of 'list types' or 'history' is one whole listing (every page)."
    )
    report(
        "SDK overhead per call (goal 3)",
        "python benchmarks/overhead.py" + (" --quick" if args.quick else ""),
        body,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
