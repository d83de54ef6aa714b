"""SIGKILL the durable server again and again under a run of actors: nothing acknowledged is lost.

The server runs as ``python -m aioswf.local --data-dir DIR`` in a child process on one fixed port, and
is killed with SIGKILL at random moments (a seeded random: ``AIOSWF_KILL_SEED`` replays a run), then
started again on the same port and directory. The clients are the project's own actors, a `Decider` and
an `ActivityWorker`, plus a starter; they retry through their backoff while the server is down. Every
answer the server gave with success is recorded on the client side (a `Connection` that notes what it
was told), and when the run is over:

* every execution whose start was acknowledged exists, and every execution completed;
* every event a client was shown (in a decision task's pages, or in a history) is in the final history,
  unchanged;
* every acknowledged activity completion and decision is in the history;
* no task was handed out twice (a started event id, or a task token, at most once per run).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import socket
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import pytest

import aioswf
from aioswf.actors import ActivityWorker, Decider
from aioswf.actors.backoff import is_transient
from aioswf.exceptions import SWFError, WorkflowExecutionAlreadyStartedError
from aioswf.models.task import ActivityTask, DecisionTask

pytestmark = pytest.mark.slow

SEED = int(os.environ.get("AIOSWF_KILL_SEED", "1105"))
KILLS = 12
EXECUTIONS = 24
STEPS = 3
DOMAIN = "durable"
CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
Json = dict[str, Any]


@attrs.define
class Observed:
    """What the clients were told, by answers the server gave with success."""

    started: dict[str, str] = attrs.Factory(dict)
    events: dict[str, dict[int, Json]] = attrs.Factory(dict)
    handed: Counter[tuple[str, int]] = attrs.Factory(Counter)
    tokens: Counter[str] = attrs.Factory(Counter)
    task_of: dict[str, tuple[str, int]] = attrs.Factory(dict)
    completed_activities: list[tuple[str, int, str]] = attrs.Factory(list)
    completed_decisions: list[tuple[str, int]] = attrs.Factory(list)
    changed_events: list[str] = attrs.Factory(list)
    transient_failures: int = 0
    acknowledged_at: list[float] = attrs.Factory(list)

    def saw(self, run_id: str, events: list[Json]) -> None:
        known = self.events.setdefault(run_id, {})
        for event in events:
            before = known.setdefault(event["eventId"], event)
            if before != event:
                self.changed_events.append(f"{run_id} event {event['eventId']}: {before} then {event}")

    def handed_out(self, result: Json) -> None:
        token = result.get("taskToken")
        if not token:
            return
        run_id = result["workflowExecution"]["runId"]
        self.handed[(run_id, result["startedEventId"])] += 1
        self.tokens[token] += 1
        self.task_of[token] = (run_id, result["startedEventId"])


class RecordingConnection(aioswf.Connection):
    """A connection that notes every answer the server gave with success (and counts transient failures)."""

    def __init__(self, observed: Observed, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.observed = observed

    async def call(self, operation: str, /, **params: Any) -> dict[str, Any]:
        try:
            result = await super().call(operation, **params)
        except SWFError as error:
            if is_transient(error):
                self.observed.transient_failures += 1
            raise
        seen = self.observed
        seen.acknowledged_at.append(time.monotonic())
        if operation == "PollForDecisionTask" and result.get("taskToken"):
            if not params.get("nextPageToken"):
                seen.handed_out(result)
            seen.saw(result["workflowExecution"]["runId"], result.get("events", []))
        elif operation == "PollForActivityTask":
            seen.handed_out(result)
        elif operation == "GetWorkflowExecutionHistory":
            seen.saw(params["execution"]["runId"], result.get("events", []))
        elif operation == "RespondActivityTaskCompleted":
            run_id, started = seen.task_of[params["taskToken"]]
            seen.completed_activities.append((run_id, started, params["result"]))
        elif operation == "RespondDecisionTaskCompleted":
            seen.completed_decisions.append(seen.task_of[params["taskToken"]])
        return result


class Server:
    """``python -m aioswf.local --data-dir`` in a child process, on a fixed port."""

    def __init__(self, data_dir: Path, port: int, log: Path) -> None:
        self.data_dir, self.port, self.log = data_dir, port, log
        self.process: asyncio.subprocess.Process | None = None
        self.restarted_at: list[float] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "aioswf.local",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
                "--poll-wait",
                "2",
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
            )
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 60)
        assert b"listening" in line, f"the server did not start: {line!r}; see {self.log}"
        self.restarted_at.append(time.monotonic())

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), 30)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _decide(task: DecisionTask) -> list[Json]:
    """Three activities one after the other, with a one-second timer after the first; then complete."""
    scheduled: dict[int, str] = {}
    results: dict[str, str] = {}
    closed: set[int] = set()
    timer = None
    for event in task.history:
        raw, attributes = event.raw, event.attributes
        if raw["eventType"] == "ActivityTaskScheduled":
            scheduled[raw["eventId"]] = attributes["activity_id"]
        elif raw["eventType"] in ("ActivityTaskCompleted", "ActivityTaskFailed", "ActivityTaskTimedOut"):
            closed.add(attributes["scheduled_event_id"])
            if raw["eventType"] == "ActivityTaskCompleted":
                results[scheduled[attributes["scheduled_event_id"]]] = attributes["result"]
        elif raw["eventType"] in ("TimerStarted", "TimerFired"):
            timer = raw["eventType"]
    if set(scheduled) - closed or timer == "TimerStarted":
        return []  # wait for the open activity or the timer
    if len(results) == STEPS:
        outcome = ",".join(results[f"step{index}"] for index in range(STEPS))
        return [
            {
                "decisionType": "CompleteWorkflowExecution",
                "completeWorkflowExecutionDecisionAttributes": {"result": outcome},
            }
        ]
    if len(results) == 1 and timer is None:
        return [
            {
                "decisionType": "StartTimer",
                "startTimerDecisionAttributes": {"timerId": "pause", "startToFireTimeout": "1"},
            }
        ]
    step = f"step{len(results)}"
    return [
        {
            "decisionType": "ScheduleActivityTask",
            "scheduleActivityTaskDecisionAttributes": {
                "activityType": {"name": "step", "version": "1"},
                "activityId": step,
                "input": f"{task.workflow_execution.workflow_id}/{step}",
            },
        }
    ]


async def _work(task: ActivityTask) -> str:
    await asyncio.sleep(random.uniform(0, 0.3))
    return f"{task.input}:done"


async def _retrying(conn: aioswf.Connection, operation: str, **params: Any) -> Json:
    failures = 0
    while True:
        try:
            return await conn.call(operation, **params)
        except SWFError as error:
            if not is_transient(error):
                raise
            failures += 1
            await asyncio.sleep(min(2.0, 0.1 * 2**failures))


async def _register(conn: aioswf.Connection) -> None:
    await _retrying(conn, "RegisterDomain", name=DOMAIN, workflowExecutionRetentionPeriodInDays="1")
    await _retrying(
        conn,
        "RegisterWorkflowType",
        domain=DOMAIN,
        name="flow",
        version="1",
        defaultTaskList={"name": "decisions"},
        defaultTaskStartToCloseTimeout="4",
        defaultExecutionStartToCloseTimeout="600",
        defaultChildPolicy="TERMINATE",
    )
    await _retrying(
        conn,
        "RegisterActivityType",
        domain=DOMAIN,
        name="step",
        version="1",
        defaultTaskList={"name": "activities"},
        defaultTaskScheduleToStartTimeout="NONE",
        defaultTaskScheduleToCloseTimeout="NONE",
        defaultTaskStartToCloseTimeout="4",
        defaultTaskHeartbeatTimeout="NONE",
    )


async def _start(conn: aioswf.Connection, observed: Observed, workflow_id: str) -> None:
    try:
        result = await _retrying(
            conn,
            "StartWorkflowExecution",
            domain=DOMAIN,
            workflowId=workflow_id,
            workflowType={"name": "flow", "version": "1"},
        )
    except WorkflowExecutionAlreadyStartedError:
        return  # an earlier attempt started it; its answer was lost with the server
    observed.started[workflow_id] = result["runId"]


async def _starter(conn: aioswf.Connection, observed: Observed, rng: random.Random) -> None:
    for number in range(EXECUTIONS):
        await _start(conn, observed, f"wf-{number}")
        await asyncio.sleep(rng.uniform(0, 0.6))


async def _killer(server: Server, rng: random.Random) -> None:
    for _ in range(KILLS):
        await asyncio.sleep(rng.uniform(0.2, 1.8))
        await server.kill()
        await asyncio.sleep(rng.uniform(0, 0.4))
        await server.start()


async def _closed_runs(conn: aioswf.Connection) -> list[Json]:
    infos: list[Json] = []
    async for page in conn.paginate(
        "ListClosedWorkflowExecutions", domain=DOMAIN, startTimeFilter={"oldestDate": 0}
    ):
        infos.extend(page["executionInfos"])
    return infos


async def _history(conn: aioswf.Connection, run: Json) -> list[Json]:
    events: list[Json] = []
    async for page in conn.paginate("GetWorkflowExecutionHistory", domain=DOMAIN, execution=run):
        events.extend(page["events"])
    return events


async def test_killing_the_server_at_random_moments_loses_nothing_it_acknowledged(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    server = Server(tmp_path / "data", _free_port(), tmp_path / "server.log")
    observed = Observed()
    await server.start()
    conn = RecordingConnection(observed, endpoint_url=server.url, **CREDENTIALS)
    try:
        async with conn:
            await _register(conn)
            decider = Decider(DOMAIN, "decisions", _decide, connection=conn, page_size=4, grace=5)
            worker = ActivityWorker(DOMAIN, "activities", {"step": _work}, connection=conn, grace=5)
            async with decider, worker:
                await asyncio.gather(_starter(conn, observed, rng), _killer(server, rng))
                deadline = time.monotonic() + 60
                while len(closed := await _closed_runs(conn)) < EXECUTIONS:
                    assert time.monotonic() < deadline, (
                        f"only {len(closed)} of {EXECUTIONS} executions closed"
                    )
                    await asyncio.sleep(0.5)
            histories = {
                info["execution"]["runId"]: (info, await _history(conn, info["execution"])) for info in closed
            }
    finally:
        status = await server.stop()
    assert status == 0

    assert observed.transient_failures > 0, "no client ever met the server down: the kills missed the run"
    by_workflow = {info["execution"]["workflowId"]: info for info, _ in histories.values()}
    assert sorted(by_workflow) == sorted(f"wf-{n}" for n in range(EXECUTIONS)), "one run per workflow"
    for workflow_id, run_id in observed.started.items():
        assert by_workflow[workflow_id]["execution"]["runId"] == run_id
    for run_id, (info, events) in histories.items():
        assert info["closeStatus"] == "COMPLETED", (info, [e["eventType"] for e in events])
        expected = ",".join(f"{info['execution']['workflowId']}/step{n}:done" for n in range(STEPS))
        assert events[-1]["workflowExecutionCompletedEventAttributes"]["result"] == expected
        history = {event["eventId"]: event for event in events}
        for event_id, event in observed.events.get(run_id, {}).items():
            assert history.get(event_id) == event, f"{run_id}: event {event_id} was shown and is not kept"
    assert observed.changed_events == []
    for run_id, started, result in observed.completed_activities:
        assert any(
            e["eventType"] == "ActivityTaskCompleted"
            and e["activityTaskCompletedEventAttributes"]["startedEventId"] == started
            and e["activityTaskCompletedEventAttributes"]["result"] == result
            for e in histories[run_id][1]
        ), f"the completion of activity task {run_id}/{started} was acknowledged and lost"
    for run_id, started in observed.completed_decisions:
        assert any(
            e["eventType"] == "DecisionTaskCompleted"
            and e["decisionTaskCompletedEventAttributes"]["startedEventId"] == started
            for e in histories[run_id][1]
        ), f"decision task {run_id}/{started} was acknowledged and lost"
    assert [task for task, count in observed.handed.items() if count > 1] == []
    assert [token for token, count in observed.tokens.items() if count > 1] == []
    # How long the actors took to be served again after each restart (printed with -s).
    gaps = [
        next((t for t in observed.acknowledged_at if t > restarted), restarted) - restarted
        for restarted in server.restarted_at[1:]
    ]
    print(f"\nkills: {KILLS}, transient failures seen by clients: {observed.transient_failures}")
    print(
        "seconds from a restart to the first answer a client got: " + ", ".join(f"{gap:.2f}" for gap in gaps)
    )
    with contextlib.suppress(ValueError):
        print(f"longest: {max(gaps):.2f} s")
