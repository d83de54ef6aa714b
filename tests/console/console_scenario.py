"""Executions for the console's tests, driven on the local server's engine (the one the console reads).

The decider and the worker here are a few lines each: they poll and answer through ``Engine.call``, the
same entry point the server's HTTP face uses, so a test can put an execution in any state quickly.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from aioswf.local import Engine, ManualClock

Json = dict[str, Any]
DECISIONS = "decisions"
ACTIVITIES = "activities"


def marker(name: str, details: str = "") -> Json:
    """A RecordMarker decision."""
    return {
        "decisionType": "RecordMarker",
        "recordMarkerDecisionAttributes": {"markerName": name, "details": details},
    }


def schedule(activity_id: str, input: str | None = None) -> Json:
    """A ScheduleActivityTask decision for the ``charge 1`` activity type."""
    attributes: Json = {"activityId": activity_id, "activityType": {"name": "charge", "version": "1"}}
    if input is not None:
        attributes["input"] = input
    return {"decisionType": "ScheduleActivityTask", "scheduleActivityTaskDecisionAttributes": attributes}


def timer(timer_id: str, seconds: int) -> Json:
    """A StartTimer decision."""
    return {
        "decisionType": "StartTimer",
        "startTimerDecisionAttributes": {"timerId": timer_id, "startToFireTimeout": str(seconds)},
    }


def child(workflow_id: str) -> Json:
    """A StartChildWorkflowExecution decision of the ``order 1`` type."""
    return {
        "decisionType": "StartChildWorkflowExecution",
        "startChildWorkflowExecutionDecisionAttributes": {
            "workflowId": workflow_id,
            "workflowType": {"name": "order", "version": "1"},
        },
    }


def complete(result: str | None = None) -> Json:
    """A CompleteWorkflowExecution decision."""
    attributes = {} if result is None else {"result": result}
    return {
        "decisionType": "CompleteWorkflowExecution",
        "completeWorkflowExecutionDecisionAttributes": attributes,
    }


def fail(reason: str, details: str | None = None) -> Json:
    """A FailWorkflowExecution decision."""
    attributes = {"reason": reason} if details is None else {"reason": reason, "details": details}
    return {"decisionType": "FailWorkflowExecution", "failWorkflowExecutionDecisionAttributes": attributes}


def continue_as_new(input: str | None = None) -> Json:
    """A ContinueAsNewWorkflowExecution decision."""
    attributes = {} if input is None else {"input": input}
    return {
        "decisionType": "ContinueAsNewWorkflowExecution",
        "continueAsNewWorkflowExecutionDecisionAttributes": attributes,
    }


class Scenario:
    """A fresh domain with two workflow types and an activity type, and ways to move executions on.

    Args:
        engine: The local server's engine.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.domain = f"console-{uuid.uuid4().hex[:8]}"

    def advance(self, seconds: float) -> None:
        """Move the server's manual clock on (firing what falls due)."""
        clock = self.engine.clock
        assert isinstance(clock, ManualClock)
        clock.advance(seconds)

    def call(self, operation: str, **params: Any) -> Json:
        """Run an operation that does not wait."""
        return self.engine.call_now(operation, params)

    def setup(self) -> Scenario:
        """Register the domain and its types."""
        self.call("RegisterDomain", name=self.domain, workflowExecutionRetentionPeriodInDays="1")
        for name, version in (("order", "1"), ("refund", "2")):
            self.call(
                "RegisterWorkflowType",
                domain=self.domain,
                name=name,
                version=version,
                description=f"the {name} workflow",
                defaultTaskList={"name": DECISIONS},
                defaultExecutionStartToCloseTimeout="3600",
                defaultTaskStartToCloseTimeout="60",
                defaultChildPolicy="TERMINATE",
            )
        self.call(
            "RegisterActivityType",
            domain=self.domain,
            name="charge",
            version="1",
            defaultTaskList={"name": ACTIVITIES},
            defaultTaskStartToCloseTimeout="60",
            defaultTaskScheduleToStartTimeout="600",
            defaultTaskScheduleToCloseTimeout="660",
            defaultTaskHeartbeatTimeout="NONE",
        )
        return self

    def start(
        self, workflow_id: str | None = None, *, type_: tuple[str, str] = ("order", "1"), **extra: Any
    ) -> Json:
        """Start an execution; return its ``{"workflowId", "runId"}``."""
        workflow_id = workflow_id or f"wf-{uuid.uuid4().hex[:8]}"
        answer = self.call(
            "StartWorkflowExecution",
            domain=self.domain,
            workflowId=workflow_id,
            workflowType={"name": type_[0], "version": type_[1]},
            **extra,
        )
        return {"workflowId": workflow_id, "runId": answer["runId"]}

    async def poll_decision(self) -> Json:
        """Take the next decision task (its history's first event only, to stay cheap)."""
        task = await self.engine.call(
            "PollForDecisionTask",
            {
                "domain": self.domain,
                "taskList": {"name": DECISIONS},
                "maximumPageSize": 1,
                "reverseOrder": True,
            },
        )
        assert task.get("taskToken"), "no decision task was waiting"
        return task

    async def decide(self, *decisions: Json) -> Json:
        """Take the next decision task and answer it with ``decisions``; return the task."""
        task = await self.poll_decision()
        self.call("RespondDecisionTaskCompleted", taskToken=task["taskToken"], decisions=list(decisions))
        return task

    async def decide_run(self, run_id: str, *decisions: Json) -> Json:
        """Answer decision tasks until the one of run ``run_id``, which gets ``decisions`` (others: none)."""
        while True:
            task = await self.poll_decision()
            mine = task["workflowExecution"]["runId"] == run_id
            self.call(
                "RespondDecisionTaskCompleted",
                taskToken=task["taskToken"],
                decisions=list(decisions) if mine else [],
            )
            if mine:
                return task

    async def poll_activity(self) -> Json:
        """Take the next activity task."""
        task = await self.engine.call(
            "PollForActivityTask",
            {"domain": self.domain, "taskList": {"name": ACTIVITIES}, "identity": "worker-1"},
        )
        assert task.get("taskToken"), "no activity task was waiting"
        return task

    def signal(self, ref: Json, name: str, input: str | None = None) -> None:
        """Signal an execution."""
        extra = {} if input is None else {"input": input}
        self.call("SignalWorkflowExecution", domain=self.domain, signalName=name, **ref, **extra)

    async def populate(self) -> dict[str, Json]:
        """Eight executions started a second apart (a first, h last), then b, d, h, f closed in that
        order, a second apart: b and h completed, d failed, f terminated; a, c, e, g stay open.
        """
        made: dict[str, Json] = {}
        for name, type_, tags in (
            ("a-open", ("order", "1"), ["blue"]),
            ("b-done", ("order", "1"), []),
            ("c-open", ("refund", "2"), []),
            ("d-failed", ("order", "1"), ["blue"]),
            ("e-open", ("order", "1"), []),
            ("f-terminated", ("refund", "2"), ["blue"]),
            ("g-open", ("order", "1"), ["red"]),
            ("h-done", ("order", "1"), []),
        ):
            made[name] = self.start(name, type_=type_, tagList=tags)
            self.advance(1)
        closing = {"b-done": [complete("done")], "d-failed": [fail("boom")], "h-done": [complete()]}
        for _ in made:
            task = await self.poll_decision()
            self.call(
                "RespondDecisionTaskCompleted",
                taskToken=task["taskToken"],
                decisions=closing.get(task["workflowExecution"]["workflowId"], []),
            )
            self.advance(1)
        self.call(
            "TerminateWorkflowExecution", domain=self.domain, workflowId="f-terminated", reason="by hand"
        )
        self.advance(1)
        return made

    async def long_history(self, workflow_id: str, *, rounds: int | None = None) -> Json:
        """Run an execution that records 100 markers per decision until SWF's 25,000-event limit ends it
        (or for ``rounds`` decisions); return its ref.
        """
        ref = self.start(workflow_id, input='{"markers": "as many as SWF allows"}')
        done = 0
        while rounds is None or done < rounds:
            task = await self.poll_decision()
            self.call(
                "RespondDecisionTaskCompleted",
                taskToken=task["taskToken"],
                decisions=[marker(f"step-{i % 5}", f"round {done} marker {i}") for i in range(100)],
            )
            done += 1
            # Lets the engine's scheduler run: it terminates the run once the history reaches 25,000.
            await asyncio.sleep(0)
            if workflow_id not in self.engine.domains[self.domain].open_executions:
                break
            self.signal(ref, "more")
        return ref
