"""The actor loop's own work per task: aioswf's `ActivityWorker` and `Decider` against a bare loop.

No network and no server: both sides run against the same in-process stand-in for `Connection.call`,
which hands out canned tasks from a queue and takes answers at once, so what is measured is only what
each loop does around its requests. The bare loop is what a hand-written poller does (poll, build the
task model, call the handler, answer); the actors add their lifecycle, in-flight records and cancel
scopes, a task group and a heartbeat task per activity, retry bookkeeping. The difference, CPU per task,
is the actor loop's own work (issue 10, goal 3: halve it). Rounds alternate the sides.

This is a profile, not a test: the stand-in is no SWF server (the tests use real ones).

``--baseline REF`` measures aioswf as it was at a git revision too: each round runs the current code and
the revision's in fresh processes, in alternating order, and the table adds the revision's rows and the
ratio of the actor loop's own work to the revision's of the same round.

Run: ``.venv/bin/python benchmarks/actor_loop.py`` (``--quick`` for a smoke run; ``--profile`` prints
where the actors' time goes; ``--baseline 50d7ded`` compares with the actors before issue 10's work).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import sys
import time
from pathlib import Path
from typing import Any

from harness import report, run_client, source_at, spread, table

import aioswf
from aioswf.actors import ActivityWorker, Decider
from aioswf.models import ActivityType
from aioswf.models.decision import ActivityTaskDecision
from aioswf.models.task import ActivityTask, DecisionTask

DOMAIN = "bench"
ACTIVITY = ActivityType(DOMAIN, "act", "1", task_heartbeat_timeout="NONE")
EXECUTION = {"workflowId": "w", "runId": "r"}


def decision_events() -> list[dict[str, Any]]:
    """The raw events of a decision task a few steps into a workflow."""
    now = 1_700_000_000.0
    events = [
        (
            "WorkflowExecutionStarted",
            {"workflowType": {"name": "wf", "version": "1"}, "taskList": {"name": "d"}},
        ),
        ("DecisionTaskScheduled", {"taskList": {"name": "d"}}),
        ("DecisionTaskStarted", {"scheduledEventId": 2}),
        ("DecisionTaskCompleted", {"scheduledEventId": 2, "startedEventId": 3}),
        (
            "ActivityTaskScheduled",
            {"activityId": "a0", "activityType": {"name": "act", "version": "1"}, "taskList": {"name": "t"}},
        ),
        ("ActivityTaskStarted", {"scheduledEventId": 5}),
        ("ActivityTaskCompleted", {"scheduledEventId": 5, "startedEventId": 6, "result": "r"}),
        ("DecisionTaskScheduled", {"taskList": {"name": "d"}}),
        ("DecisionTaskStarted", {"scheduledEventId": 8}),
    ]
    return [
        {
            "eventId": i + 1,
            "eventType": kind,
            "eventTimestamp": now + i,
            kind[0].lower() + kind[1:] + "EventAttributes": attributes,
        }
        for i, (kind, attributes) in enumerate(events)
    ]


class StandIn(aioswf.Connection):
    """Answers `call` from memory: `count` tasks for the polls, then polls wait until `done` is set."""

    def __init__(self, count: int) -> None:
        super().__init__(region_name="us-east-1")
        self.remaining = count
        self.answered = 0
        self.finished = asyncio.Event()
        self.events = decision_events()

    async def call(self, operation: str, /, **params: Any) -> dict[str, Any]:
        await asyncio.sleep(0)  # a request yields to the loop once, as a real one does at least
        if operation.startswith("Respond"):
            self.answered += 1
            if self.answered >= self.total:
                self.finished.set()
            return {}
        if not operation.startswith("PollFor"):
            # e.g. the actors' check that their domain exists when they start
            return {"domainInfo": {"name": DOMAIN, "status": "REGISTERED"}, "configuration": {}}
        if self.remaining <= 0:
            await asyncio.Event().wait()
        self.remaining -= 1
        token = f"token-{self.remaining}"
        if operation == "PollForActivityTask":
            return {
                "taskToken": token,
                "activityId": "a1",
                "activityType": {"name": "act", "version": "1"},
                "startedEventId": 6,
                "workflowExecution": EXECUTION,
                "input": "x" * 64,
            }
        return {
            "taskToken": token,
            "startedEventId": 9,
            "previousStartedEventId": 3,
            "workflowExecution": EXECUTION,
            "workflowType": {"name": "wf", "version": "1"},
            "events": self.events,
        }

    total = 0


async def activity_handler(task: ActivityTask) -> str:
    """The activity: returns its input."""
    return str(task.input)


def decide(task: DecisionTask) -> list[Any]:
    """The decider: schedules the next activity."""
    done = sum(1 for a in task.history.compile().activities.values() if a.state == "completed")
    return [ActivityTaskDecision.schedule(f"a{done}", ACTIVITY, input="x" * 64)]


async def decide_async(task: DecisionTask) -> list[Any]:
    """`decide` as a coroutine (handlers in the benchmark run on the loop)."""
    return decide(task)


async def actors(kind: str, count: int) -> float:
    """CPU per task of aioswf's actor handling `count` tasks."""
    conn = StandIn(count)
    conn.total = count
    actor: Any
    if kind == "activity":
        actor = ActivityWorker(DOMAIN, "t", {ACTIVITY: activity_handler}, connection=conn)
    else:
        actor = Decider(DOMAIN, "d", decide_async, connection=conn)
    began = time.process_time()
    await actor.start()
    await conn.finished.wait()
    used = time.process_time() - began
    await actor.stop(grace=0)
    return used / count


async def bare(kind: str, count: int) -> float:
    """CPU per task of a bare loop doing the same requests and building the same task models."""
    conn = StandIn(count)
    conn.total = count
    slots = asyncio.Semaphore(10)
    pending: set[asyncio.Task[None]] = set()

    async def handle_activity(task: ActivityTask) -> None:
        try:
            result = await activity_handler(task)
            await conn.call("RespondActivityTaskCompleted", taskToken=task.task_token, result=result)
        finally:
            slots.release()

    async def handle_decision(task: DecisionTask) -> None:
        try:
            decisions = await decide_async(task)
            await conn.call(
                "RespondDecisionTaskCompleted",
                taskToken=task.task_token,
                decisions=[d.to_api() for d in decisions],
            )
        finally:
            slots.release()

    async def poll() -> None:
        while True:
            await slots.acquire()
            if kind == "activity":
                response = await conn.call(
                    "PollForActivityTask", domain=DOMAIN, taskList={"name": "t"}, identity="b"
                )
                coroutine: Any = handle_activity(ActivityTask.from_poll(DOMAIN, "t", response))
            else:
                response = await conn.call(
                    "PollForDecisionTask", domain=DOMAIN, taskList={"name": "d"}, identity="b"
                )
                coroutine = handle_decision(DecisionTask.from_poll(DOMAIN, "d", response, response["events"]))
            task = asyncio.create_task(coroutine)
            pending.add(task)
            task.add_done_callback(pending.discard)

    began = time.process_time()
    poller = asyncio.create_task(poll())
    await conn.finished.wait()
    used = time.process_time() - began
    poller.cancel()
    await asyncio.gather(poller, return_exceptions=True)
    return used / count


async def measure(count: int, rounds: int) -> dict[str, dict[str, list[float]]]:
    """Per kind: CPU per task of the actor and the bare loop, per round (µs)."""
    found: dict[str, dict[str, list[float]]] = {}
    for kind in ("activity", "decision"):
        sides = found[kind] = {"actor": [], "bare": []}
        await actors(kind, count // 10)
        await bare(kind, count // 10)
        for round_index in range(rounds):
            if round_index % 2:
                sides["bare"].append(await bare(kind, count) * 1e6)
                sides["actor"].append(await actors(kind, count) * 1e6)
            else:
                sides["actor"].append(await actors(kind, count) * 1e6)
                sides["bare"].append(await bare(kind, count) * 1e6)
    return found


def profile(count: int) -> str:
    """Where an ActivityWorker's time goes, by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(actors("activity", count))
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    return out.getvalue()


Found = dict[str, dict[str, list[float]]]


def measure_in_process(count: int, rounds: int, source: Path | None) -> Found:
    """`measure` in a fresh process, on the working tree's aioswf or on the one in ``source``."""
    # An empty PYTHONPATH is ignored: the working tree's aioswf, whatever the caller's environment holds.
    found: Found = run_client(
        Path(__file__),
        ["--json", "--count", str(count), "--rounds", str(rounds)],
        env={"PYTHONPATH": "" if source is None else str(source)},
    )
    return found


def compare(count: int, rounds: int, ref: str) -> tuple[Found, Found]:
    """Per side, the numbers of `measure`: one fresh process per side and round, in alternating order."""
    current: Found = {}
    before: Found = {}
    with source_at(ref) as source:
        for round_index in range(rounds):
            order: list[tuple[Found, Path | None]] = [(current, None), (before, source)]
            for into, path in order if round_index % 2 == 0 else order[::-1]:
                for kind, sides in measure_in_process(count, 1, path).items():
                    for side, values in sides.items():
                        into.setdefault(kind, {}).setdefault(side, []).extend(values)
    return current, before


def own_work(sides: dict[str, list[float]]) -> list[float]:
    """The actor loop's own work per round: the actor's CPU per task less the bare loop's."""
    return [a - b for a, b in zip(sides["actor"], sides["bare"], strict=True)]


def row(label: str, sides: dict[str, list[float]]) -> list[str]:
    """A table row: the bare loop's and the actor's CPU per task, the actor loop's own work, their ratio."""
    ratio = [a / b for a, b in zip(sides["actor"], sides["bare"], strict=True)]
    return [
        label,
        spread(sides["bare"], 1),
        spread(sides["actor"], 1),
        spread(own_work(sides), 1),
        spread(ratio),
    ]


def main(argv: list[str] | None = None) -> int:
    """Runs the comparison and prints its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer tasks")
    parser.add_argument("--rounds", type=int, help="alternating rounds (default 5)")
    parser.add_argument("--profile", action="store_true", help="print a profile of the activity worker")
    parser.add_argument(
        "--baseline", metavar="REF", help="also measure aioswf as it was at this git revision"
    )
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    count = args.count or (500 if args.quick else 5_000)
    rounds = args.rounds or (2 if args.quick else 5)
    if args.profile:
        print(profile(count))
        return 0
    if args.json:
        print(json.dumps(asyncio.run(measure(count, rounds))))
        return 0
    before: Found = {}
    if args.baseline:
        found, before = compare(count, rounds, args.baseline)
    else:
        found = asyncio.run(measure(count, rounds))
    rows = []
    for kind, sides in found.items():
        if not before:
            rows.append(row(kind, sides))
            continue
        old = before[kind]
        shrunk = [o / n for n, o in zip(own_work(sides), own_work(old), strict=True)]
        rows.append([*row(kind, sides), "1.00"])
        rows.append([*row(f"{kind}, at {args.baseline}", old), spread(shrunk)])
    header = [
        "task",
        "bare loop: CPU per task (us)",
        "aioswf actor (us)",
        "the actor loop's own work (us)",
        "actor / bare",
    ]
    if before:
        header.append("own work at the revision / now")
    how = "rounds (a fresh process per side, in alternating order)" if before else "alternating rounds"
    body = table(header, rows) + f"\n\n{count} tasks per run, {rounds} {how}, median (min-max)."
    command = "python benchmarks/actor_loop.py" + (" --quick" if args.quick else "")
    if args.baseline:
        command += f" --baseline {args.baseline}"
    report("The actor loop's own work per task (goal 3)", command, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
