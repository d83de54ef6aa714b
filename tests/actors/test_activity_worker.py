"""ActivityWorker: the seed's operations, and a run loop with dispatch, limits, heartbeats and cancellation."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
import pytest
from actor_scenarios import Flow, one_activity, until

import aioswf
from aioswf.actors import ActivityError, ActivityWorker, Decider, current_activity, heartbeat_interval_for
from aioswf.exceptions import PollTimeout, ValidationError
from aioswf.local import LocalSWF, ManualClock
from aioswf.models import ActivityType
from aioswf.models.task import ActivityTask


class Sent:
    """Counts the SWF operations a connection sends."""

    def __init__(self, conn: aioswf.Connection) -> None:
        self.operations: Counter[str] = Counter()
        conn.client.meta.events.register("before-call.swf.*", self)

    def __call__(self, **kwargs: Any) -> None:
        self.operations[kwargs["model"].name] += 1


@pytest.fixture
async def deciding(flow: Flow) -> AsyncIterator[Decider]:
    """The stock decider of `flow`, running."""
    async with Decider(
        flow.domain, flow.decisions, lambda task: one_activity(flow, task), connection=flow.conn
    ) as d:
        yield d


async def scheduled_task(
    flow: Flow, worker: ActivityWorker
) -> tuple[aioswf.models.WorkflowExecution, ActivityTask]:
    (execution,) = await flow.start(1, input="in")
    with anyio.fail_after(10):
        while True:
            try:
                return execution, await worker.poll()
            except PollTimeout:
                continue


# The seed's operations ---------------------------------------------------------------------------------------


async def test_poll_raises_poll_timeout_when_no_task_comes(flow: Flow) -> None:
    with pytest.raises(PollTimeout):
        await ActivityWorker(flow.domain, flow.activities, connection=flow.conn).poll()


async def test_poll_returns_the_task(flow: Flow, deciding: Decider) -> None:
    worker = ActivityWorker(flow.domain, flow.activities, connection=flow.conn)

    execution, task = await scheduled_task(flow, worker)

    assert (task.activity_type.name, task.activity_type.version) == ("work", "1")
    assert task.activity_id == "work-1"
    assert task.input == "in0"
    assert task.workflow_execution.workflow_id == execution.workflow_id
    assert task.workflow_execution.run_id == execution.run_id
    assert task.task_token not in repr(task)
    assert task == ActivityTask.from_poll(flow.domain, flow.activities, task.raw or {})


async def test_complete_records_the_result(flow: Flow, deciding: Decider) -> None:
    worker = ActivityWorker(flow.domain, flow.activities, connection=flow.conn)
    execution, task = await scheduled_task(flow, worker)

    await worker.complete(task.task_token, result="done")

    assert (await flow.outcomes([execution]))[0].result == "done"


async def test_fail_records_reason_and_details(flow: Flow, deciding: Decider) -> None:
    worker = ActivityWorker(flow.domain, flow.activities, connection=flow.conn)
    execution, task = await scheduled_task(flow, worker)

    await worker.fail(task.task_token, details="the details", reason="the reason")

    event = await flow.wait_for_event(execution, "ActivityTaskFailed")
    assert (event.reason, event.details) == ("the reason", "the details")


async def test_cancel_sends_its_details(flow: Flow, deciding: Decider) -> None:
    worker = ActivityWorker(flow.domain, flow.activities, connection=flow.conn)
    execution, task = await scheduled_task(flow, worker)

    await worker.cancel(task.task_token, details="stopped at step 3")

    assert (await flow.wait_for_event(execution, "ActivityTaskCanceled")).details == "stopped at step 3"


async def test_heartbeat_tells_whether_cancellation_was_requested(flow: Flow, deciding: Decider) -> None:
    worker = ActivityWorker(flow.domain, flow.activities, connection=flow.conn)
    execution, task = await scheduled_task(flow, worker)

    assert await worker.heartbeat(task.task_token, details="10%") is False
    await execution.signal("cancel")
    await flow.wait_for_event(execution, "ActivityTaskCancelRequested")
    assert await worker.heartbeat(task.task_token) is True


async def test_answers_beyond_swf_limits_are_refused_before_sending(flow: Flow) -> None:
    worker = ActivityWorker(flow.domain, flow.activities, connection=flow.conn)

    with pytest.raises(ValidationError, match="result"):
        await worker.complete("token", result="x" * 32_769)
    with pytest.raises(ValidationError, match="reason"):
        await worker.fail("token", reason="x" * 257)
    with pytest.raises(ValidationError, match="details"):
        await worker.heartbeat("token", details="x" * 32_769)


# The run loop ------------------------------------------------------------------------------------------------


async def test_tasks_go_to_the_handler_of_their_type(flow: Flow, deciding: Decider) -> None:
    other = ActivityWorker(flow.domain, flow.activities, connection=flow.conn)
    other.register(("work", "2"), lambda task: "wrong version")

    @other.register(ActivityType(flow.domain, "work", "1"))
    async def exact(task: ActivityTask) -> str:
        return f"exact {task.input}"

    async with other:
        (outcome,) = await flow.outcomes(await flow.start(1))

    assert outcome.result == "exact x0"
    assert other.handler_for(ActivityType(flow.domain, "work", "3")) is None


async def test_a_task_without_a_handler_fails_with_a_clear_reason(flow: Flow, deciding: Decider) -> None:
    async with ActivityWorker(
        flow.domain, flow.activities, {"other": lambda task: None}, connection=flow.conn
    ):
        (outcome,) = await flow.outcomes(await flow.start(1))

    assert outcome.close_status == "FAILED"
    assert outcome.reason is not None
    assert "no handler for activity type work version 1" in outcome.reason


async def test_plain_function_handlers_run_in_worker_threads(flow: Flow, deciding: Decider) -> None:
    threads: list[int] = []

    def work(task: ActivityTask) -> str:
        threads.append(threading.get_ident())
        assert current_activity().task == task
        return "threaded"

    async with ActivityWorker(flow.domain, flow.activities, {"work": work}, connection=flow.conn):
        (outcome,) = await flow.outcomes(await flow.start(1))

    assert outcome.result == "threaded"
    assert threads
    assert threading.get_ident() not in threads


async def test_no_more_than_max_concurrent_tasks_run_at_once(flow: Flow, deciding: Decider) -> None:
    running = 0
    peak = 0

    async def work(task: ActivityTask) -> str:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        assert worker.in_flight <= 3
        await anyio.sleep(0.15)
        running -= 1
        return "ok"

    worker = ActivityWorker(
        flow.domain, flow.activities, {"work": work}, max_concurrent=3, connection=flow.conn
    )
    async with worker:
        outcomes = await flow.outcomes(await flow.start(9))

    assert [outcome.result for outcome in outcomes] == ["ok"] * 9
    assert peak == 3


async def test_heartbeats_are_sent_while_a_handler_runs(flow: Flow, deciding: Decider) -> None:
    sent = Sent(flow.conn)

    async def work(task: ActivityTask) -> str:
        current_activity().details = "half way"
        await anyio.sleep(0.5)
        return "ok"

    worker = ActivityWorker(
        flow.domain, flow.activities, {"work": work}, heartbeat_interval=0.05, connection=flow.conn
    )
    async with worker:
        await flow.outcomes(await flow.start(1))

    assert sent.operations["RecordActivityTaskHeartbeat"] >= 4


class Requests:
    """The SWF requests a connection sends, in order: operation, task token and details."""

    def __init__(self, conn: aioswf.Connection) -> None:
        self.log: list[tuple[str, str | None, str | None]] = []
        conn.client.meta.events.register("before-parameter-build.swf.*", self)

    def __call__(self, params: dict[str, Any], model: Any, **kwargs: Any) -> None:
        self.log.append((model.name, params.get("taskToken"), params.get("details")))

    def heartbeats(self, token: str | None = None) -> list[tuple[str, str | None, str | None]]:
        """The heartbeats sent (for one task token, when given)."""
        return [
            entry
            for entry in self.log
            if entry[0] == "RecordActivityTaskHeartbeat" and (token is None or entry[1] == token)
        ]


async def test_every_running_activity_gets_heartbeats_with_its_own_details(
    flow: Flow, deciding: Decider
) -> None:
    requests = Requests(flow.conn)
    inputs: dict[str, str | None] = {}

    async def work(task: ActivityTask) -> str:
        inputs[task.task_token] = task.input
        current_activity().details = f"progress of {task.input}"
        await until(lambda: len(requests.heartbeats(task.task_token)) >= 2, within=30)
        return "ok"

    worker = ActivityWorker(
        flow.domain,
        flow.activities,
        {"work": work},
        max_concurrent=4,
        heartbeat_interval=0.05,
        connection=flow.conn,
    )
    async with worker:
        outcomes = await flow.outcomes(await flow.start(4), within=60)

    assert [outcome.result for outcome in outcomes] == ["ok"] * 4
    assert len(inputs) == 4
    for _, token, details in requests.heartbeats():
        assert token in inputs
        assert details == f"progress of {inputs[token]}"


async def test_no_heartbeat_follows_the_answer_to_its_task(flow: Flow, deciding: Decider) -> None:
    requests = Requests(flow.conn)
    beats_to_wait = {"x0": 1, "x1": 1, "x2": 6}

    async def work(task: ActivityTask) -> str:
        wanted = beats_to_wait[str(task.input)]
        await until(lambda: len(requests.heartbeats(task.task_token)) >= wanted, within=30)
        return "ok"

    worker = ActivityWorker(
        flow.domain, flow.activities, {"work": work}, heartbeat_interval=0.02, connection=flow.conn
    )
    async with worker:
        # The last task outlives the first two by several heartbeats: time for a stray one to show.
        await flow.outcomes(await flow.start(3), within=60)

    answered: set[str | None] = set()
    for operation, token, _ in requests.log:
        if operation == "RespondActivityTaskCompleted":
            answered.add(token)
        elif operation == "RecordActivityTaskHeartbeat":
            assert token not in answered, "a heartbeat was sent for a task already answered"
    assert len(answered) >= 3


async def test_an_error_in_sending_a_heartbeat_stops_the_handler_and_fails_the_task(
    flow: Flow, deciding: Decider, caplog: pytest.LogCaptureFixture
) -> None:
    class Buggy(ActivityWorker):
        async def heartbeat(self, task_token: str, details: str | None = None) -> bool:
            raise RuntimeError("a bug in heartbeat()")

    async def work(task: ActivityTask) -> str:
        await anyio.sleep(60)
        return "never"

    worker = Buggy(
        flow.domain, flow.activities, {"work": work}, heartbeat_interval=0.05, connection=flow.conn
    )
    with caplog.at_level(logging.ERROR, logger="aioswf.actors"):
        async with worker:
            (outcome,) = await flow.outcomes(await flow.start(1))
            assert worker.is_running

    assert outcome.close_status == "FAILED"
    assert outcome.reason is not None
    assert "heartbeat" in outcome.reason
    assert "a bug in heartbeat()" in outcome.reason
    assert any(record.exc_info for record in caplog.records), "the bug is logged with its traceback"


async def test_the_heartbeat_interval_derives_from_the_types_heartbeat_timeout(
    conn: aioswf.Connection,
) -> None:
    flow = await Flow.register(conn, heartbeat_timeout="1")
    sent = Sent(conn)

    async def work(task: ActivityTask) -> str:
        await anyio.sleep(1.6)
        return "outlived its heartbeat timeout"

    async with (
        Decider(flow.domain, flow.decisions, lambda task: one_activity(flow, task), connection=conn),
        ActivityWorker(flow.domain, flow.activities, {"work": work}, connection=conn),
    ):
        (outcome,) = await flow.outcomes(await flow.start(1))

    assert outcome.result == "outlived its heartbeat timeout"
    assert sent.operations["DescribeActivityType"] == 1
    assert sent.operations["RecordActivityTaskHeartbeat"] >= 3
    assert heartbeat_interval_for("30") == 10
    assert heartbeat_interval_for("NONE") == heartbeat_interval_for(None) == 30


async def test_a_cancel_request_cancels_the_handler_and_answers_canceled(
    flow: Flow, deciding: Decider
) -> None:
    started = anyio.Event()
    cancelled = anyio.Event()

    async def work(task: ActivityTask) -> str:
        started.set()
        try:
            await anyio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            current_activity().details = "cleaned up"
            raise
        return "never"

    worker = ActivityWorker(
        flow.domain, flow.activities, {"work": work}, heartbeat_interval=0.05, connection=flow.conn
    )
    async with worker:
        (execution,) = await flow.start(1)
        await started.wait()
        await execution.signal("cancel")
        (outcome,) = await flow.outcomes([execution])

    assert cancelled.is_set()
    assert (outcome.reason, outcome.details) == ("canceled", "cleaned up")


async def test_a_cancel_request_reaches_a_threaded_handler(flow: Flow, deciding: Decider) -> None:
    def work(task: ActivityTask) -> str:
        context = current_activity()
        while not context.should_stop():
            threading.Event().wait(0.01)
        assert context.cancel_requested
        raise RuntimeError("stopped on request")

    worker = ActivityWorker(
        flow.domain, flow.activities, {"work": work}, heartbeat_interval=0.05, connection=flow.conn
    )
    async with worker:
        (execution,) = await flow.start(1)
        await flow.wait_for_event(execution, "ActivityTaskStarted")
        await execution.signal("cancel")
        (outcome,) = await flow.outcomes([execution])

    assert outcome.reason == "canceled"


async def test_a_heartbeat_timeout_stops_the_handler_without_an_answer(
    manual_swf: LocalSWF, manual_conn: aioswf.Connection, manual_flow: Callable[..., Awaitable[Flow]]
) -> None:
    flow = await manual_flow(heartbeat_timeout="10")
    sent = Sent(manual_conn)
    cancelled = anyio.Event()

    async def work(task: ActivityTask) -> str:
        current_activity().details = "step 2 of 5"
        try:
            await anyio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "never"

    sent.operations.clear()
    async with (
        Decider(flow.domain, flow.decisions, lambda task: one_activity(flow, task), connection=manual_conn),
        ActivityWorker(
            flow.domain, flow.activities, {"work": work}, heartbeat_interval=0.1, connection=manual_conn
        ) as worker,
    ):
        (execution,) = await flow.start(1)
        # Heartbeats go one after another: once the second is on its way, the first was recorded.
        await until(lambda: sent.operations["RecordActivityTaskHeartbeat"] >= 2)
        assert isinstance(manual_swf.clock, ManualClock)
        manual_swf.clock.advance(11)
        with anyio.fail_after(10):
            await cancelled.wait()
        (outcome,) = await flow.outcomes([execution])
        assert worker.in_flight == 0

    assert outcome.reason == "timed out: HEARTBEAT"
    assert outcome.details == "step 2 of 5"
    answers = {"RespondActivityTaskCompleted", "RespondActivityTaskFailed", "RespondActivityTaskCanceled"}
    assert not answers & set(sent.operations)


async def test_a_closed_execution_stops_the_handler_without_an_answer(flow: Flow, deciding: Decider) -> None:
    sent = Sent(flow.conn)
    running = anyio.Event()
    cancelled = anyio.Event()

    async def work(task: ActivityTask) -> str:
        running.set()
        try:
            await anyio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "never"

    worker = ActivityWorker(
        flow.domain, flow.activities, {"work": work}, heartbeat_interval=0.05, connection=flow.conn
    )
    async with worker:
        (execution,) = await flow.start(1)
        await running.wait()
        await execution.terminate(reason="no longer needed")
        with anyio.fail_after(5):
            await cancelled.wait()
        await until(lambda: worker.in_flight == 0)

    answers = {"RespondActivityTaskCompleted", "RespondActivityTaskFailed", "RespondActivityTaskCanceled"}
    assert not answers & set(sent.operations)


# Results and errors beyond SWF's limits ---------------------------------------------------------------------


async def run_one(flow: Flow, handler: Callable[[ActivityTask], Any]) -> aioswf.models.ExecutionOutcome:
    async with ActivityWorker(flow.domain, flow.activities, {"work": handler}, connection=flow.conn):
        (outcome,) = await flow.outcomes(await flow.start(1))
    return outcome


async def test_a_result_too_large_fails_the_task_with_a_clear_reason(flow: Flow, deciding: Decider) -> None:
    outcome = await run_one(flow, lambda task: "x" * 40_000)

    assert outcome.close_status == "FAILED"
    assert outcome.reason is not None
    assert "40000 characters" in outcome.reason
    assert "32768" in outcome.reason


async def test_a_result_that_is_not_a_string_fails_the_task(flow: Flow, deciding: Decider) -> None:
    outcome = await run_one(flow, lambda task: {"not": "a string"})

    assert outcome.reason is not None
    assert "returned a dict" in outcome.reason


async def test_an_error_fails_the_task_with_its_message_and_traceback(flow: Flow, deciding: Decider) -> None:
    def work(task: ActivityTask) -> str:
        raise ValueError("bad input " + "y" * 1000)

    outcome = await run_one(flow, work)

    assert outcome.reason is not None
    assert outcome.reason.startswith("ValueError: bad input yyy")
    assert len(outcome.reason) <= 256
    assert "characters cut" in outcome.reason
    assert outcome.details is not None
    assert "Traceback" in outcome.details
    assert "in work" in outcome.details


async def test_an_activity_error_fails_the_task_with_its_reason_and_details(
    flow: Flow, deciding: Decider
) -> None:
    async def work(task: ActivityTask) -> str:
        raise ActivityError("quota exceeded", details="x" * 40_000)

    outcome = await run_one(flow, work)

    assert outcome.reason == "quota exceeded"
    assert outcome.details is not None
    assert len(outcome.details) <= 32_768
    assert "characters cut" in outcome.details


async def test_a_blocking_handler_does_not_block_the_event_loop(flow: Flow, deciding: Decider) -> None:
    blocking_now = threading.Event()
    set_by_the_loop = threading.Event()

    def blocking(task: ActivityTask) -> str:
        blocking_now.set()
        # Only a coroutine on the event loop sets the event: the handler returns only if the loop runs while
        # this thread blocks. (The timeout bounds the failure, not the success.)
        if not set_by_the_loop.wait(timeout=20):
            raise RuntimeError("the event loop did not run while the handler blocked")
        return "released by the event loop"

    async def release() -> None:
        await until(blocking_now.is_set, within=20)
        set_by_the_loop.set()

    async with anyio.create_task_group() as group:
        group.start_soon(release)
        async with ActivityWorker(flow.domain, flow.activities, {"work": blocking}, connection=flow.conn):
            (outcome,) = await flow.outcomes(await flow.start(1), within=30)

    assert outcome.result == "released by the event loop"


async def test_task_tokens_never_reach_the_logs(
    flow: Flow, deciding: Decider, caplog: pytest.LogCaptureFixture
) -> None:
    tokens: list[str] = []

    async def work(task: ActivityTask) -> str:
        tokens.append(task.task_token)
        raise RuntimeError(f"failing {task.token_ref}")

    with caplog.at_level(logging.DEBUG, logger="aioswf"):
        async with ActivityWorker(flow.domain, flow.activities, {"work": work}, connection=flow.conn):
            (execution,) = await flow.start(1)
            await flow.outcomes([execution])
        assert caplog.records

    assert tokens
    assert tokens[0] not in caplog.text
