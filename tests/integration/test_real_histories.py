"""Histories of real runs on the local SWF server, and what `History.compile()` makes of them.

Each test drives an execution with raw polls and the decision builders, then checks that the server
recorded the events SWF documents for each decision and that the compiled state says what happened.
Timers and timeouts run on a manual clock, so an hour takes no time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

import aioswf
from aioswf import constants
from aioswf.local import LocalSWF, ManualClock
from aioswf.models import ActivityType, Domain, WorkflowExecution, WorkflowType
from aioswf.models.decision import (
    ActivityTaskDecision,
    ChildWorkflowExecutionDecision,
    Decision,
    ExternalWorkflowExecutionDecision,
    LambdaFunctionDecision,
    MarkerDecision,
    TimerDecision,
    WorkflowExecutionDecision,
    decisions_to_api,
)

DECISIONS = "decisions"
WORK = "work"


class Run:
    """One domain on a local server, with the raw poll-and-answer steps a test needs."""

    def __init__(self, server: LocalSWF, conn: aioswf.Connection, domain: Domain) -> None:
        self.server = server
        self.conn = conn
        self.domain = domain
        self.workflow_type = WorkflowType(domain, "flow", "1", task_list=DECISIONS, execution_timeout=86400)
        self.activity_type = ActivityType(
            domain,
            "step",
            "1",
            task_list=WORK,
            task_heartbeat_timeout="NONE",
            task_schedule_to_close_timeout=600,
            task_schedule_to_start_timeout=300,
            task_start_to_close_timeout=300,
        )

    async def start(self, workflow_id: str = "wf", input: str | None = None) -> WorkflowExecution:
        return await self.workflow_type.start_execution(workflow_id, input=input)

    async def decide(self, *decisions: Decision, task_list: str = DECISIONS) -> dict[str, Any]:
        """Polls the next decision task and answers it with `decisions`; returns the polled task."""
        task = await self.conn.call(
            "PollForDecisionTask",
            domain=self.domain.name,
            taskList={"name": task_list},
            identity="test-decider",
        )
        assert task.get("taskToken"), "expected a decision task"
        await self.conn.call(
            "RespondDecisionTaskCompleted", taskToken=task["taskToken"], decisions=decisions_to_api(decisions)
        )
        return task

    async def poll_activity(self) -> dict[str, Any]:
        task = await self.conn.call(
            "PollForActivityTask", domain=self.domain.name, taskList={"name": WORK}, identity="test-worker"
        )
        assert task.get("taskToken"), "expected an activity task"
        return task

    def advance(self, seconds: float) -> None:
        clock = self.server.clock
        assert isinstance(clock, ManualClock)
        clock.advance(seconds)


@pytest.fixture
async def run(name) -> AsyncIterator[Run]:
    async with LocalSWF(poll_wait=0.2, check_responses=True, clock=ManualClock()) as server:
        async with server.connection() as conn:
            domain = await Domain(name("dom"), retention_period=1).save()
            run = Run(server, conn, domain)
            await run.workflow_type.save()
            await run.activity_type.save()
            yield run
        assert server.violations == []


def names(events: Sequence[Any]) -> list[str]:
    return [event.name for event in events]


def schedule(activity_id: str, run: Run, input: str | None = None, **kwargs: Any) -> ActivityTaskDecision:
    return ActivityTaskDecision.schedule(activity_id, run.activity_type, input=input, **kwargs)


async def test_an_activity_that_completes(run: Run) -> None:
    execution = await run.start(input="job")
    await run.decide(schedule("a1", run, input="in"))
    task = await run.poll_activity()
    assert task["activityId"] == "a1"
    await run.conn.call("RespondActivityTaskCompleted", taskToken=task["taskToken"], result="out")
    await run.decide(WorkflowExecutionDecision.complete(result="done"))

    history = await execution.history()
    assert names(history) == [
        "WorkflowExecutionStarted",
        "DecisionTaskScheduled",
        "DecisionTaskStarted",
        "DecisionTaskCompleted",
        "ActivityTaskScheduled",
        "ActivityTaskStarted",
        "ActivityTaskCompleted",
        "DecisionTaskScheduled",
        "DecisionTaskStarted",
        "DecisionTaskCompleted",
        "WorkflowExecutionCompleted",
    ]
    state = history.compile()
    activity = state.activities["a1"]
    assert (activity.state, activity.input, activity.result, activity.attempts) == (
        "completed",
        "in",
        "out",
        1,
    )
    assert activity.identity == "test-worker"
    assert state.execution.state == "completed"
    assert history.finished
    outcome = await execution.wait(timeout=5)
    assert (outcome.close_status, outcome.result) == (constants.COMPLETED, "done")


async def test_an_activity_that_fails_then_is_retried_under_the_same_id(run: Run) -> None:
    execution = await run.start()
    await run.decide(schedule("a1", run))
    task = await run.poll_activity()
    await run.conn.call(
        "RespondActivityTaskFailed", taskToken=task["taskToken"], reason="boom", details="trace"
    )
    partial = (await execution.history()).compile()
    assert (partial.activities["a1"].state, partial.activities["a1"].reason) == ("failed", "boom")
    assert partial.activities["a1"].details == "trace"

    await run.decide(schedule("a1", run, input="again"))
    task = await run.poll_activity()
    await run.conn.call("RespondActivityTaskCompleted", taskToken=task["taskToken"], result="ok")
    state = (await execution.history()).compile()
    activity = state.activities["a1"]
    assert (activity.state, activity.attempts, activity.result, activity.input) == (
        "completed",
        2,
        "ok",
        "again",
    )


async def test_an_activity_that_times_out(run: Run) -> None:
    execution = await run.start()
    await run.decide(schedule("slow", run, start_to_close_timeout=30))
    await run.poll_activity()
    run.advance(31)
    history = await execution.history()
    assert "ActivityTaskTimedOut" in names(history)
    activity = history.compile().activities["slow"]
    assert (activity.state, activity.timeout_type) == ("timed_out", "START_TO_CLOSE")


async def test_an_activity_whose_heartbeat_stops(run: Run) -> None:
    execution = await run.start()
    await run.decide(schedule("beating", run, heartbeat_timeout=10))
    task = await run.poll_activity()
    heartbeat = await run.conn.call("RecordActivityTaskHeartbeat", taskToken=task["taskToken"], details="50%")
    assert heartbeat["cancelRequested"] is False
    run.advance(11)
    activity = (await execution.history()).compile().activities["beating"]
    assert (activity.state, activity.timeout_type, activity.details) == ("timed_out", "HEARTBEAT", "50%")


async def test_canceling_a_running_activity(run: Run) -> None:
    execution = await run.start()
    await run.decide(schedule("a1", run))
    task = await run.poll_activity()
    await execution.signal("stop-it")
    await run.decide(ActivityTaskDecision.request_cancel("a1"))
    heartbeat = await run.conn.call("RecordActivityTaskHeartbeat", taskToken=task["taskToken"])
    assert heartbeat["cancelRequested"] is True
    await run.conn.call("RespondActivityTaskCanceled", taskToken=task["taskToken"], details="stopped")
    history = await execution.history()
    assert {"ActivityTaskCancelRequested", "ActivityTaskCanceled"} <= set(names(history))
    activity = history.compile().activities["a1"]
    assert (activity.state, activity.details) == ("canceled", "stopped")


async def test_a_timer_that_fires_after_an_hour_of_driven_time(run: Run) -> None:
    execution = await run.start()
    await run.decide(TimerDecision.start("wake", 3600, control="ctl"))
    assert (await execution.history()).compile().timers["wake"].state == "started"
    run.advance(3600)
    history = await execution.history()
    timer = history.compile().timers["wake"]
    assert (timer.state, timer.start_to_fire_timeout, timer.control) == ("fired", "3600", "ctl")
    assert names(history)[-2:] == ["TimerFired", "DecisionTaskScheduled"]


async def test_a_timer_that_is_canceled(run: Run) -> None:
    execution = await run.start()
    await run.decide(TimerDecision.start("t", 60))
    run.advance(1)
    await run.conn.call("SignalWorkflowExecution", domain=run.domain.name, workflowId="wf", signalName="go")
    await run.decide(TimerDecision.cancel("t"))
    run.advance(120)
    history = await execution.history()
    assert "TimerCanceled" in names(history)
    assert "TimerFired" not in names(history)
    assert history.compile().timers["t"].state == "canceled"


async def test_markers_signals_and_failed_decisions(run: Run) -> None:
    execution = await run.start()
    await execution.signal("ping", input="1")
    await run.decide(MarkerDecision.record("checkpoint", details="step-1"), TimerDecision.cancel("nope"))
    history = await execution.history()
    state = history.compile()
    assert state.markers["checkpoint"].details == "step-1"
    assert [(s.name, s.input) for s in state.signals] == [("ping", "1")]
    assert "CancelTimerFailed" in names(history)
    assert state.timers["nope"].state == "cancel_failed"
    assert state.timers["nope"].cause == "TIMER_ID_UNKNOWN"


async def test_a_child_workflow_that_completes(run: Run) -> None:
    execution = await run.start("parent")
    await run.decide(
        ChildWorkflowExecutionDecision.start(run.workflow_type, "child", input="kid", task_list="children")
    )
    child_task = await run.decide(WorkflowExecutionDecision.complete(result="grown"), task_list="children")
    assert child_task["workflowExecution"]["workflowId"] == "child"
    history = await execution.history()
    assert {
        "StartChildWorkflowExecutionInitiated",
        "ChildWorkflowExecutionStarted",
        "ChildWorkflowExecutionCompleted",
    } <= set(names(history))
    child = history.compile().child_workflows["child"]
    assert (child.state, child.result, child.input) == ("completed", "grown", "kid")
    assert child.run_id


async def test_a_cancel_request_that_the_decider_honours(run: Run) -> None:
    execution = await run.start()
    await run.decide()
    await execution.request_cancel()
    await run.decide(WorkflowExecutionDecision.cancel(details="as asked"))
    history = await execution.history()
    assert "WorkflowExecutionCancelRequested" in names(history)
    assert history.compile().execution.state == "canceled"
    outcome = await execution.wait(timeout=5)
    assert (outcome.close_status, outcome.details) == (constants.CANCELED, "as asked")


async def test_continue_as_new_starts_a_new_run(run: Run) -> None:
    execution = await run.start()
    await run.decide(WorkflowExecutionDecision.continue_as_new(input="next"))
    outcome = await execution.wait(timeout=5)
    assert outcome.close_status == constants.CONTINUED_AS_NEW
    assert outcome.new_run_id
    assert outcome.new_run_id != execution.run_id
    assert (await execution.history()).compile().execution.state == "continued_as_new"
    new_run = WorkflowExecution(run.domain, execution.workflow_id, outcome.new_run_id)
    first = (await new_run.history()).first
    assert first is not None
    assert first.name == "WorkflowExecutionStarted"


async def test_signals_and_cancel_requests_sent_to_another_execution(run: Run) -> None:
    target = await run.start("target")
    sender = await run.start("sender")
    await run.decide()  # target's first decision task, answered with nothing
    await run.decide(
        ExternalWorkflowExecutionDecision.signal("target", "hello", input="hi"),
        ExternalWorkflowExecutionDecision.request_cancel("target"),
    )
    sender_history = await sender.history()
    assert {"ExternalWorkflowExecutionSignaled", "ExternalWorkflowExecutionCancelRequested"} <= set(
        names(sender_history)
    )
    assert len(sender_history.compile().external_operations) == 2
    target_state = (await target.history()).compile()
    assert [s.name for s in target_state.signals] == ["hello"]
    assert "WorkflowExecutionCancelRequested" in names(await target.history())


async def test_failing_and_terminating_executions(run: Run) -> None:
    failed = await run.start("to-fail")
    await run.decide(WorkflowExecutionDecision.fail(reason="bad", details="worse"))
    outcome = await failed.wait(timeout=5)
    assert (outcome.close_status, outcome.reason, outcome.details) == (constants.FAILED, "bad", "worse")
    assert (await failed.history()).compile().execution.state == "failed"
    terminated = await run.start("to-terminate")
    await terminated.terminate(reason="ops")
    assert (await terminated.history()).compile().execution.state == "terminated"


async def test_an_execution_that_times_out(run: Run) -> None:
    execution = await run.workflow_type.start_execution("short", execution_timeout=60)
    run.advance(61)
    outcome = await execution.wait(timeout=5)
    assert outcome.close_status == constants.TIMED_OUT
    assert (await execution.history()).compile().execution.state == "timed_out"


async def test_a_lambda_decision_is_answered_as_swf_does_without_lambda(run: Run) -> None:
    execution = await run.start()
    await run.decide(LambdaFunctionDecision.schedule("l1", "my-function", input="{}"))
    history = await execution.history()
    state = history.compile()
    assert state.lambda_functions["l1"].state in {"schedule_failed", "start_failed", "scheduled", "completed"}
    assert any(
        name.startswith(("ScheduleLambdaFunction", "LambdaFunction", "StartLambdaFunction"))
        for name in names(history)
    )


async def test_the_lazy_event_pages_match_the_history_in_both_orders(run: Run) -> None:
    execution = await run.start()
    await run.decide(MarkerDecision.record("m"))
    history = await execution.history()
    newest_first = await execution.history(reverse=True)
    assert [e.id for e in newest_first] == [e.id for e in reversed(history)]
    pages = [page async for page in execution.events(page_size=2)]
    assert len(pages) == (len(history) + 1) // 2
    assert [event.id for page in pages for event in page] == [e.id for e in history]
    assert all(len(page) <= 2 for page in pages)
