"""Decider: the seed's poll and complete, and a run loop that answers with a handler's decisions."""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable

import pytest
from actor_scenarios import Flow, one_activity, until

import aioswf
from aioswf.actors import ActivityWorker, Decider, DecisionResult
from aioswf.exceptions import PollTimeout, ValidationError
from aioswf.local import LocalSWF, ManualClock
from aioswf.models.decision import TimerDecision, WorkflowExecutionDecision
from aioswf.models.task import DecisionTask


def upper(task: aioswf.models.task.ActivityTask) -> str:
    return (task.input or "").upper()


async def test_poll_raises_poll_timeout_when_no_task_comes(flow: Flow) -> None:
    decider = Decider(flow.domain, flow.decisions, connection=flow.conn)

    with pytest.raises(PollTimeout):
        await decider.poll()


async def test_poll_returns_the_task_with_every_page_of_its_history(flow: Flow) -> None:
    (execution,) = await flow.start(1)
    for index in range(7):
        await execution.signal(f"s{index}")
    decider = Decider(flow.domain, flow.decisions, connection=flow.conn, page_size=2)

    task = await decider.poll()

    expected = await flow.history(execution)
    assert [event.id for event in task.history] == [event.id for event in expected]
    assert len(task.history) > 2 * 4
    assert task.workflow_execution.workflow_id == execution.workflow_id
    assert task.workflow_execution.run_id == execution.run_id
    assert (task.workflow_type.name, task.workflow_type.version) == ("flow", "1")
    assert task.previous_started_event_id is None
    assert task.history[task.started_event_id - 1].name == "DecisionTaskStarted"
    assert task.task_list == flow.decisions


async def test_a_task_hides_its_token(flow: Flow) -> None:
    await flow.start(1)
    task = await Decider(flow.domain, flow.decisions, connection=flow.conn).poll()

    assert task.task_token not in repr(task)
    assert "task_token" not in repr(task)
    assert len(task.token_ref) == 12


async def test_complete_sends_decisions_as_models_or_dicts(flow: Flow) -> None:
    executions = await flow.start(2)
    decider = Decider(flow.domain, flow.decisions, connection=flow.conn)

    first = await decider.poll()
    await decider.complete(first.task_token, [WorkflowExecutionDecision.complete(result="model")])
    second = await decider.poll()
    await decider.complete(
        second.task_token,
        [
            {
                "decisionType": "CompleteWorkflowExecution",
                "completeWorkflowExecutionDecisionAttributes": {"result": "dict"},
            }
        ],
    )

    assert sorted(outcome.result or "" for outcome in await flow.outcomes(executions)) == ["dict", "model"]


async def test_complete_refuses_too_many_decisions_before_sending(flow: Flow) -> None:
    decider = Decider(flow.domain, flow.decisions, connection=flow.conn)
    decisions = [TimerDecision.start(f"t{index}", 10) for index in range(101)]

    with pytest.raises(ValidationError, match="at most 100"):
        await decider.complete("token", decisions)


async def test_the_run_loop_completes_executions_with_the_handlers_decisions(flow: Flow) -> None:
    decider = Decider(
        flow.domain, flow.decisions, lambda task: one_activity(flow, task), connection=flow.conn
    )
    worker = ActivityWorker(flow.domain, flow.activities, {"work": upper}, connection=flow.conn)

    async with decider, worker:
        outcomes = await flow.outcomes(await flow.start(5, input="run"))

    assert [outcome.result for outcome in outcomes] == [f"RUN{index}" for index in range(5)]


async def test_a_subclass_may_override_decide(flow: Flow) -> None:
    class Completes(Decider):
        async def decide(self, task: DecisionTask) -> list[WorkflowExecutionDecision]:
            return [WorkflowExecutionDecision.complete(result=f"decided {task.history[0].input}")]

    async with Completes(flow.domain, flow.decisions, connection=flow.conn):
        (outcome,) = await flow.outcomes(await flow.start(1, input="in"))

    assert outcome.result == "decided in0"


async def test_a_plain_function_handler_runs_in_a_worker_thread(flow: Flow) -> None:
    threads: list[int] = []

    def decide(task: DecisionTask) -> list[WorkflowExecutionDecision]:
        threads.append(threading.get_ident())
        return [WorkflowExecutionDecision.complete(result="sync")]

    async with Decider(flow.domain, flow.decisions, decide, connection=flow.conn):
        (outcome,) = await flow.outcomes(await flow.start(1))

    assert outcome.result == "sync"
    assert threads
    assert threading.get_ident() not in threads


async def test_a_decision_result_records_the_execution_context(flow: Flow) -> None:
    async def decide(task: DecisionTask) -> DecisionResult:
        return DecisionResult([TimerDecision.start("wait", 3600)], execution_context="step 1")

    (execution,) = await flow.start(1)
    async with Decider(flow.domain, flow.decisions, decide, connection=flow.conn):
        await flow.wait_for_event(execution, "TimerStarted")

    assert (await execution.describe()).latest_execution_context == "step 1"


async def test_a_failing_handler_leaves_the_task_to_time_out_and_the_decider_runs_on(
    manual_swf: LocalSWF,
    manual_conn: aioswf.Connection,
    manual_flow: Callable[..., Awaitable[Flow]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    flow = await manual_flow(decision_timeout="30")
    calls: list[int] = []

    async def decide(task: DecisionTask) -> list[WorkflowExecutionDecision]:
        calls.append(task.started_event_id)
        if len(calls) == 1:
            raise RuntimeError("the handler has a bug")
        return [WorkflowExecutionDecision.complete(result="second try")]

    (execution,) = await flow.start(1)
    decider = Decider(flow.domain, flow.decisions, decide, connection=manual_conn)
    with caplog.at_level(logging.ERROR, logger="aioswf.actors"):
        async with decider:
            await until(lambda: calls)
            assert isinstance(manual_swf.clock, ManualClock)
            manual_swf.clock.advance(31)
            (outcome,) = await flow.outcomes([execution])
            assert decider.is_running

    assert outcome.result == "second try"
    assert "DecisionTaskTimedOut" in await flow.event_names(execution)
    assert "the handler has a bug" in caplog.text
    assert execution.workflow_id in caplog.text
    assert "start-to-close timeout" in caplog.text


async def test_an_answer_beyond_swf_limits_is_logged_and_never_sent(
    flow: Flow, caplog: pytest.LogCaptureFixture
) -> None:
    async def decide(task: DecisionTask) -> list[TimerDecision]:
        return [TimerDecision.start(f"t{index}", 10) for index in range(101)]

    (execution,) = await flow.start(1)
    decider = Decider(flow.domain, flow.decisions, decide, connection=flow.conn)
    with caplog.at_level(logging.ERROR, logger="aioswf.actors"):
        async with decider:
            await until(lambda: "cannot be sent" in caplog.text)

    assert "at most 100" in caplog.text
    assert execution.workflow_id in caplog.text
    assert "DecisionTaskCompleted" not in await flow.event_names(execution)


async def test_on_error_fail_execution_fails_it_with_the_error_as_reason(flow: Flow) -> None:
    async def decide(task: DecisionTask) -> list[WorkflowExecutionDecision]:
        raise KeyError("missing step")

    async with Decider(flow.domain, flow.decisions, decide, on_error="fail_execution", connection=flow.conn):
        (outcome,) = await flow.outcomes(await flow.start(1))

    assert outcome.close_status == "FAILED"
    assert outcome.reason == "decider error: KeyError: 'missing step'"
    assert outcome.details is not None
    assert "Traceback" in outcome.details


async def test_on_error_fail_execution_fails_it_when_the_answer_breaks_swf_limits(flow: Flow) -> None:
    async def decide(task: DecisionTask) -> list[TimerDecision]:
        return [TimerDecision.start(f"t{index}", 10) for index in range(101)]

    async with Decider(flow.domain, flow.decisions, decide, on_error="fail_execution", connection=flow.conn):
        (outcome,) = await flow.outcomes(await flow.start(1))

    assert outcome.close_status == "FAILED"
    assert outcome.reason is not None
    assert "at most 100" in outcome.reason
