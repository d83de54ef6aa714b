"""What aioswf.flow's deciding costs: CPU per decision as the history grows, and workflows per second.

Part 1, CPU of one decision (in this process, no network): a workflow that runs activities one after the
other, at histories of about 100, 1,000 and 10,000 events. *Without the cache* a decision parses the
whole history (from SWF's raw events, as a poll returns them) and replays it; *with the cache* it parses
only the new events (what ``startAtPreviousStartedEvent`` returns) and feeds them to the run kept from the
previous decision. Both are measured in one run, alternating, each the median of several decisions. The
same part measures what handing a step to the worker's step thread costs, against running it inline and
against ``run_in_executor`` on a ``ThreadPoolExecutor`` (what the step runner replaced).

Part 2, workflows per second: a 3-activity workflow written with flow, against a hand-written
`aioswf.actors.Decider` doing the same, on the same local SWF server (its own process), in alternating
batches, each on fresh task lists, the same number of concurrent executions and the same activity worker
settings, each side warmed up with one execution; besides workflows per second it shows the client's CPU
per workflow, and compares each flow batch with the hand-written batch next to it.

Run: ``.venv/bin/python benchmarks/flow_decide.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from harness import local_server, machine

import aioswf
from aioswf import flow
from aioswf.actors import ActivityWorker, Decider
from aioswf.flow.definitions import workflow_definition
from aioswf.flow.replay import WorkflowInstance
from aioswf.flow.steps import StepRunner
from aioswf.models.decision import ActivityTaskDecision, Decision, WorkflowExecutionDecision
from aioswf.models.history import History
from aioswf.models.task import ActivityTask, DecisionTask
from aioswf.testing import HistoryBuilder

# Part 1 ---------------------------------------------------------------------------------------------------


@flow.activity
async def step(number: int) -> dict[str, int]:
    return {"number": number}


@flow.workflow(name="Steps")
class Steps:
    async def run(self, count: int) -> int:
        total = 0
        for number in range(count):
            result = await flow.execute_activity(step, number)
            total += result["number"]
        return total


EVENTS_PER_ROUND = 6  # Completed, ActivityTaskScheduled, Started, Completed, DecisionTaskScheduled, Started


def steps_history(rounds: int) -> list[dict[str, Any]]:
    """The raw events of `Steps` after ``rounds`` activities, ending with a started decision task."""
    builder = HistoryBuilder(("Steps", "1"), input=f"[{rounds + 10}]")
    builder.add_decision_task(state="started")
    for number in range(rounds):
        builder.add("DecisionTaskCompleted")
        builder.add(
            "ActivityTaskScheduled",
            activity_id=str(number + 1),
            activity_type=("step", "1"),
            input=f"[{number}]",
            task_list={"name": "steps"},
            start_to_close_timeout="300",
        )
        builder.add("ActivityTaskStarted", activity_id=str(number + 1), identity="bench")
        builder.add("ActivityTaskCompleted", activity_id=str(number + 1), result=f'{{"number":{number}}}')
        builder.add_decision_task(state="started")
    return builder.events


def new_instance() -> WorkflowInstance:
    return WorkflowInstance(workflow_definition(Steps), workflow_id="steps", run_id="run")


def full_decision(raw: list[dict[str, Any]]) -> float:
    """Seconds of one decision without the cache: parse every event, replay from scratch."""
    instance = new_instance()
    start = time.perf_counter()
    events = History.from_raw(raw)
    activation = instance.activate(events, live=True)
    elapsed = time.perf_counter() - start
    instance.evict()
    assert activation is not None
    assert activation.decisions
    return elapsed


def cached_decisions(raw: list[dict[str, Any]], count: int) -> list[float]:
    """Seconds of each of the last ``count`` decisions with the cache: the new events only."""
    boundary = len(raw) - count * EVENTS_PER_ROUND
    instance = new_instance()
    instance.activate(History.from_raw(raw[:boundary]), live=True)
    times = []
    for index in range(count):
        previous_started = boundary + index * EVENTS_PER_ROUND - 1  # a sticky poll starts there
        window = raw[previous_started : boundary + (index + 1) * EVENTS_PER_ROUND]
        start = time.perf_counter()
        events = History.from_raw(window)
        activation = instance.activate(events, live=True)
        times.append(time.perf_counter() - start)
        assert activation is not None
        assert activation.decisions
    instance.evict()
    return times


def handoff_cost(repeats: int) -> tuple[float, float, float]:
    """Median seconds of a tiny step run inline, through the worker's `StepRunner` (with its deadline),
    and through what it replaced (``run_in_executor`` on a ``ThreadPoolExecutor``, ``asyncio.wait``
    with a timeout for the deadline), alternating, from an event loop."""

    def tiny() -> int:
        return sum(range(10))

    async def measure() -> tuple[float, float, float]:
        loop = asyncio.get_running_loop()
        instance = new_instance()
        runner = StepRunner(threads=20, deadline=5.0)
        try:
            with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
                inline, stepped, executor = [], [], []
                for _ in range(repeats):
                    start = time.perf_counter()
                    tiny()
                    inline.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    await runner.run(instance, tiny)
                    stepped.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    future = loop.run_in_executor(pool, tiny)
                    await asyncio.wait({future}, timeout=1.25)
                    future.result()
                    executor.append(time.perf_counter() - start)
        finally:
            runner.close()
            instance.evict()
        return statistics.median(inline), statistics.median(stepped), statistics.median(executor)

    return asyncio.run(measure())


def part_one(quick: bool) -> None:
    sizes = [100, 1_000, 10_000]
    histories = {size: steps_history(max(1, (size - 3) // EVENTS_PER_ROUND)) for size in sizes}
    repeats = 3 if quick else 7
    cached: dict[int, list[float]] = {size: [] for size in sizes}
    full: dict[int, list[float]] = {size: [] for size in sizes}
    for _ in range(repeats):  # alternate, so that a change of the machine's speed hits both alike
        for size in sizes:
            cached[size] += cached_decisions(histories[size], 5)
            full[size].append(full_decision(histories[size]))
    print("\nCPU of one decision (median; microseconds), Steps: one activity after another")
    print(f"{'events':>8} {'with the cache':>16} {'without (full replay)':>22} {'full / cached':>14}")
    base = statistics.median(cached[sizes[0]])
    for size in sizes:
        with_cache = statistics.median(cached[size])
        without = statistics.median(full[size])
        print(
            f"{len(histories[size]):>8,} {with_cache * 1e6:>16,.0f} {without * 1e6:>22,.0f} {without / with_cache:>14.1f}"
        )
    largest = statistics.median(cached[sizes[-1]])
    print(
        f"cached at {sizes[-1]:,} events / cached at {sizes[0]} events: {largest / base:.2f} (target: at most 2)"
    )
    inline, stepped, executor = handoff_cost(500 if quick else 3000)
    print(
        f"handing a step to the step thread costs {(stepped - inline) * 1e6:,.0f} µs per decision "
        f"(inline {inline * 1e6:.1f} µs, through the thread {stepped * 1e6:.1f} µs; "
        f"run_in_executor + asyncio.wait: {executor * 1e6:.1f} µs)"
    )


# Part 2 ---------------------------------------------------------------------------------------------------


@flow.activity
async def one(value: int) -> int:
    return value + 1


@flow.activity
async def two(value: int) -> int:
    return value * 2


@flow.activity
async def three(value: int) -> int:
    return value - 3


@flow.workflow(name="ThreeSteps")
class ThreeSteps:
    async def run(self, value: int) -> int:
        value = await flow.execute_activity(one, value)
        value = await flow.execute_activity(two, value)
        return await flow.execute_activity(three, value)


HAND_STEPS = ("one", "two", "three")


async def hand_decide(task: DecisionTask) -> list[Decision]:
    """The same workflow, decided by hand from the whole history."""
    results = [event.result for event in task.history if event.name == "ActivityTaskCompleted"]
    if any(event.name == "ActivityTaskFailed" for event in task.history):
        return [WorkflowExecutionDecision.fail(reason="an activity failed")]
    scheduled = sum(event.name == "ActivityTaskScheduled" for event in task.history)
    if len(results) < scheduled:
        return []
    if len(results) == len(HAND_STEPS):
        return [WorkflowExecutionDecision.complete(result=results[-1])]
    value = results[-1] if results else task.history[0].input.strip("[]")
    name = HAND_STEPS[len(results)]
    return [
        ActivityTaskDecision.schedule(
            str(len(results) + 1),
            (name, "1"),
            input=f"[{value}]",
            task_list=task.task_list,
            start_to_close_timeout=300,
        )
    ]


def hand_activity(step_name: str) -> Any:
    operations = {"one": lambda v: v + 1, "two": lambda v: v * 2, "three": lambda v: v - 3}

    async def handle(task: ActivityTask) -> str:
        return str(operations[step_name](int((task.input or "[0]").strip("[]"))))

    return handle


@contextlib.asynccontextmanager
async def connection(endpoint: str) -> AsyncIterator[aioswf.Connection]:
    async with aioswf.Connection(
        endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    ) as conn:
        yield conn


async def wait_closed(conn: aioswf.Connection, domain: str, count: int, since: float) -> None:
    while True:
        found = await conn.call(
            "CountClosedWorkflowExecutions", domain=domain, startTimeFilter={"oldestDate": since - 60}
        )
        if found["count"] >= count:
            return
        await asyncio.sleep(0.02)


async def batch(conn: aioswf.Connection, domain: str, kind: str, executions: int) -> tuple[float, float]:
    """Workflows per second of one batch, flow's or the hand-written decider's, and this process's CPU
    seconds per workflow meanwhile (the client's: the server runs in its own process)."""
    task_list = f"{kind}-{uuid.uuid4().hex[:8]}"
    before = await conn.call(
        "CountClosedWorkflowExecutions", domain=domain, startTimeFilter={"oldestDate": 0}
    )
    if kind == "flow":
        actors: list[Any] = [
            flow.Worker(
                domain,
                task_list,
                workflows=[ThreeSteps],
                activities=[one, two, three],
                connection=conn,
                max_concurrent_activities=20,
            )
        ]
        workflow_type = aioswf.WorkflowType(domain, "ThreeSteps", "1", connection=conn)
    else:
        workflow_type = aioswf.WorkflowType(
            domain,
            "Hand",
            "1",
            task_list=task_list,
            execution_timeout=3600,
            decision_tasks_timeout=30,
            connection=conn,
        )
        with contextlib.suppress(aioswf.exceptions.TypeAlreadyExistsError):
            await workflow_type.save()
        for name in HAND_STEPS:
            with contextlib.suppress(aioswf.exceptions.TypeAlreadyExistsError):
                await aioswf.ActivityType(
                    domain,
                    name,
                    "1",
                    task_schedule_to_close_timeout="NONE",
                    task_schedule_to_start_timeout="NONE",
                    task_heartbeat_timeout="NONE",
                    connection=conn,
                ).save()
        actors = [
            Decider(domain, task_list, hand_decide, connection=conn),
            ActivityWorker(
                domain,
                task_list,
                {name: hand_activity(name) for name in HAND_STEPS},
                connection=conn,
                max_concurrent=20,
            ),
        ]
    for actor in actors:
        await actor.start()
    try:
        # Both sides warm up with one execution, run to its end before the clock starts.
        if kind == "flow":
            await flow.execute(ThreeSteps, 1, domain=domain, task_list=task_list, connection=conn)
        else:
            await workflow_type.start_execution(
                task_list=task_list, input="[1]", execution_timeout=3600, decision_tasks_timeout=30
            )
            await wait_closed(conn, domain, before["count"] + 1, time.time())
        before["count"] += 1
        since = time.time()
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(executions):
            if kind == "flow":
                await flow.start(ThreeSteps, 5, domain=domain, task_list=task_list, connection=conn)
            else:
                await workflow_type.start_execution(
                    task_list=task_list, input="[5]", execution_timeout=3600, decision_tasks_timeout=30
                )
        await wait_closed(conn, domain, before["count"] + executions, since)
        return executions / (time.perf_counter() - start), (time.process_time() - cpu) / executions
    finally:
        for actor in actors:
            await actor.stop(grace=1)


async def part_two(quick: bool) -> None:
    executions = 20 if quick else 100
    rounds = 1 if quick else 5
    with local_server(poll_wait=5) as endpoint:
        async with connection(endpoint) as conn:
            domain = f"bench-{uuid.uuid4().hex[:8]}"
            await conn.call("RegisterDomain", name=domain, workflowExecutionRetentionPeriodInDays="1")
            rates: dict[str, list[float]] = {"flow": [], "hand": []}
            cpus: dict[str, list[float]] = {"flow": [], "hand": []}
            for _ in range(rounds):
                for kind in ("flow", "hand"):
                    rate, cpu = await batch(conn, domain, kind, executions)
                    rates[kind].append(rate)
                    cpus[kind].append(cpu)
    print(
        f"\nWorkflows per second, a 3-activity workflow, {executions} started at once, {rounds} alternating batches"
    )
    print(f"{'decider':<40} {'wf/s (median)':>14} {'client CPU/wf':>14} {'batches (wf/s)':>30}")
    for kind, label in (("flow", "flow (sticky cache)"), ("hand", "hand-written Decider (full history)")):
        batches = " ".join(f"{rate:.0f}" for rate in rates[kind])
        print(
            f"{label:<40} {statistics.median(rates[kind]):>14.1f} "
            f"{statistics.median(cpus[kind]) * 1e3:>11.2f} ms {batches:>30}"
        )
    # Each flow batch against the hand-written batch next to it: a change of the machine's load between
    # rounds then hits both sides of a ratio alike.
    ratios = [
        flow_rate / hand_rate for flow_rate, hand_rate in zip(rates["flow"], rates["hand"], strict=True)
    ]
    cpu_ratios = [flow_cpu / hand_cpu for flow_cpu, hand_cpu in zip(cpus["flow"], cpus["hand"], strict=True)]
    print(
        f"flow / hand-written: {statistics.median(ratios):.2f} in wf/s, "
        f"{statistics.median(cpu_ratios):.2f} in client CPU per workflow (medians of the batch pairs)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    part_one(args.quick)
    asyncio.run(part_two(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
