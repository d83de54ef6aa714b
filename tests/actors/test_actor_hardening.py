"""What third-party clients and fault injection found: gateways' answers, empty polls, a vanished domain,
refused heartbeats. The actors back off and go on, or fail fast with a clear error, and never lose a task."""

from __future__ import annotations

import logging
import threading

import anyio
import pytest
from actor_scenarios import Flow, one_activity, until
from swf_fault_proxy import FaultProxy

import aioswf
from aioswf.actors import ActivityWorker, ActorState, Backoff, Decider, current_activity
from aioswf.exceptions import DomainDoesNotExist, PollTimeout, ValidationError
from aioswf.models import ActivityType
from aioswf.models.task import ActivityTask, DecisionTask

FAST = Backoff(initial=0.02, maximum=0.2)


async def work(task: ActivityTask) -> str:
    return f"done {task.input}"


def actors(flow: Flow, conn: aioswf.Connection) -> tuple[Decider, ActivityWorker]:
    decider = Decider(
        flow.domain, flow.decisions, lambda t: one_activity(flow, t), connection=conn, backoff=FAST
    )
    worker = ActivityWorker(flow.domain, flow.activities, {"work": work}, connection=conn, backoff=FAST)
    return decider, worker


# Answers of proxies and gateways ---------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["429", "408", "502", "503", "504", "403-html", "200-list", "200-html"])
async def test_answers_of_proxies_and_gateways_are_retried_with_backoff(
    flow: Flow, proxy: FaultProxy, proxied_conn: aioswf.Connection, fault: str
) -> None:
    decider, worker = actors(flow, proxied_conn)
    async with decider, worker:
        proxy.inject(fault, count=6)  # type: ignore[arg-type]
        outcomes = await flow.outcomes(await flow.start(2))
        assert decider.is_running
        assert worker.is_running

    assert sum(proxy.faults.values()) == 6
    assert sorted(outcome.result or "" for outcome in outcomes) == ["done x0", "done x1"]


@pytest.mark.parametrize("fault", ["empty-poll", "empty-poll-empty-token"])
async def test_empty_polls_with_or_without_a_task_token_are_normal(
    flow: Flow, proxy: FaultProxy, proxied_conn: aioswf.Connection, fault: str
) -> None:
    decider, worker = actors(flow, proxied_conn)
    proxy.inject(fault, count=1)  # type: ignore[arg-type]
    with pytest.raises(PollTimeout):
        await worker.poll()
    proxy.inject(fault, count=1)  # type: ignore[arg-type]
    with pytest.raises(PollTimeout):
        await decider.poll()

    proxy.inject(fault, operations={"PollForActivityTask", "PollForDecisionTask"}, count=6)  # type: ignore[arg-type]
    async with decider, worker:
        (outcome,) = await flow.outcomes(await flow.start(1))

    assert proxy.faults["PollForActivityTask"] + proxy.faults["PollForDecisionTask"] == 8
    assert outcome.result == "done x0"


@pytest.mark.parametrize(
    "response",
    [
        pytest.param({"previousStartedEventId": 0, "startedEventId": 0}, id="no-token"),
        pytest.param({"taskToken": "", "previousStartedEventId": 0, "startedEventId": 0}, id="empty-token"),
    ],
)
def test_a_task_cannot_be_built_from_an_empty_poll(response: dict[str, object]) -> None:
    with pytest.raises(ValidationError, match="empty poll"):
        ActivityTask.from_poll("d", "activities", response)
    with pytest.raises(ValidationError, match="empty poll"):
        DecisionTask.from_poll("d", "decisions", response)


def test_a_task_cannot_be_built_from_a_response_missing_what_swf_always_sends() -> None:
    with pytest.raises(ValidationError, match="activityType"):
        ActivityTask.from_poll("d", "activities", {"taskToken": "t", "activityId": "a", "startedEventId": 3})
    with pytest.raises(ValidationError, match="workflowExecution"):
        DecisionTask.from_poll(
            "d", "decisions", {"taskToken": "t", "workflowType": {"name": "w", "version": "1"}}
        )


# A missing domain ------------------------------------------------------------------------------------------


async def test_an_actor_started_against_a_missing_domain_fails_at_once(conn: aioswf.Connection) -> None:
    worker = ActivityWorker("no-such-domain-anywhere", "list", connection=conn)

    with anyio.fail_after(5), pytest.raises(DomainDoesNotExist, match=r"'no-such-domain-anywhere'.*register"):
        await worker.start()

    assert worker.state is ActorState.STOPPED
    assert isinstance(worker.error, DomainDoesNotExist)


async def test_entering_a_decider_on_a_missing_domain_raises_on_entry(conn: aioswf.Connection) -> None:
    entered = False
    with anyio.fail_after(5), pytest.raises(DomainDoesNotExist):
        async with Decider("no-such-domain-anywhere", "list", lambda task: [], connection=conn):
            entered = True
    assert not entered


async def test_a_missing_domain_still_fails_fast_when_describing_it_is_not_allowed(
    proxy: FaultProxy, proxied_conn: aioswf.Connection
) -> None:
    proxy.inject("access-denied", operations={"DescribeDomain"})
    worker = ActivityWorker("no-such-domain-anywhere", "list", connection=proxied_conn, backoff=FAST)

    with anyio.fail_after(5), pytest.raises(DomainDoesNotExist):
        await worker.run()

    assert proxy.faults["DescribeDomain"] == 1


async def test_a_running_actor_whose_domain_vanishes_polls_on_and_logs_one_error(
    flow: Flow,
    proxy: FaultProxy,
    proxied_conn: aioswf.Connection,
    caplog: pytest.LogCaptureFixture,
) -> None:
    decider, worker = actors(flow, proxied_conn)
    with caplog.at_level(logging.INFO, logger="aioswf.actors"):
        async with decider, worker:
            # A server restarted without its state: every poll hears of an unknown domain, for a while.
            proxy.inject("unknown-domain", operations={"PollForActivityTask", "PollForDecisionTask"})
            await until(
                lambda: min(proxy.faults["PollForActivityTask"], proxy.faults["PollForDecisionTask"]) >= 4
            )
            assert decider.is_running
            assert worker.is_running
            proxy.heal()
            (outcome,) = await flow.outcomes(await flow.start(1))

    assert outcome.result == "done x0"
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 2, [record.getMessage() for record in errors]  # one per actor, for the one streak
    assert all(flow.domain.name in record.getMessage() for record in errors)
    recoveries = [record for record in caplog.records if "works again" in record.getMessage()]
    assert len(recoveries) == 2


# Heartbeats ------------------------------------------------------------------------------------------------


async def test_heartbeat_details_are_limited_to_2048_characters(flow: Flow) -> None:
    worker = ActivityWorker(flow.domain, flow.activities, connection=flow.conn)
    sent: list[str] = []
    flow.conn.client.meta.events.register(
        "before-call.swf.*", lambda **kwargs: sent.append(kwargs["model"].name)
    )

    with pytest.raises(ValidationError, match="2048") as caught:
        await worker.heartbeat("token", details="x" * 2049)

    assert caught.value.argument == "details"
    assert sent == []


async def test_a_handler_cannot_set_heartbeat_details_over_2048_characters(flow: Flow) -> None:
    refused: list[BaseException] = []

    async def work(task: ActivityTask) -> str:
        context = current_activity()
        context.details = "x" * 2048
        try:
            context.details = "x" * 2049
        except ValidationError as error:
            refused.append(error)
        return "ok"

    decider = Decider(flow.domain, flow.decisions, lambda t: one_activity(flow, t), connection=flow.conn)
    async with decider, ActivityWorker(flow.domain, flow.activities, {"work": work}, connection=flow.conn):
        (outcome,) = await flow.outcomes(await flow.start(1))

    assert outcome.result == "ok"
    assert len(refused) == 1


async def test_a_refused_heartbeat_cancels_the_handler_and_fails_the_task(
    flow: Flow, proxy: FaultProxy, proxied_conn: aioswf.Connection
) -> None:
    cancelled = anyio.Event()

    async def stuck(task: ActivityTask) -> str:
        try:
            await anyio.sleep(60)
        except anyio.get_cancelled_exc_class():
            cancelled.set()
            raise
        return "never"

    decider = Decider(flow.domain, flow.decisions, lambda t: one_activity(flow, t), connection=proxied_conn)
    worker = ActivityWorker(
        flow.domain, flow.activities, {"work": stuck}, heartbeat_interval=0.05, connection=proxied_conn
    )
    proxy.inject("validation", operations={"RecordActivityTaskHeartbeat"})
    async with decider, worker:
        (outcome,) = await flow.outcomes(await flow.start(1), within=10)
        assert worker.is_running

    assert cancelled.is_set()
    assert proxy.faults["RecordActivityTaskHeartbeat"] == 1, "a refused heartbeat is not retried"
    assert outcome.close_status == "FAILED"
    assert outcome.reason is not None
    assert "heartbeat" in outcome.reason
    assert "refused by the fault proxy" in (outcome.reason + (outcome.details or ""))


async def test_a_refused_heartbeat_stops_a_threaded_handler_and_fails_the_task(
    flow: Flow, proxy: FaultProxy, proxied_conn: aioswf.Connection
) -> None:
    def stuck(task: ActivityTask) -> str:
        context = current_activity()
        while not context.should_stop():
            threading.Event().wait(0.01)
        return "partial work, never to be taken for a result"

    decider = Decider(flow.domain, flow.decisions, lambda t: one_activity(flow, t), connection=proxied_conn)
    worker = ActivityWorker(
        flow.domain, flow.activities, {"work": stuck}, heartbeat_interval=0.05, connection=proxied_conn
    )
    proxy.inject("validation", operations={"RecordActivityTaskHeartbeat"})
    async with decider, worker:
        (outcome,) = await flow.outcomes(await flow.start(1), within=10)

    assert outcome.close_status == "FAILED"
    assert outcome.reason is not None
    assert "heartbeat" in outcome.reason


# Building actors outside a running event loop ------------------------------------------------------------


def test_actors_can_be_built_and_registered_outside_an_event_loop() -> None:
    worker = ActivityWorker("my-domain", "activities", max_concurrent=20)

    @worker.register(("thumbnail", "2"))
    def thumbnail(task: ActivityTask) -> str:
        return "thumb"

    decider = Decider("my-domain", "decisions", lambda task: [])

    assert worker.handler_for(ActivityType("my-domain", "thumbnail", "2")) is thumbnail
    assert worker.state is decider.state is ActorState.IDLE


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(("a", "1", "extra"), id="triple"),
        pytest.param(("a",), id="single"),
        pytest.param(42, id="int"),
        pytest.param(None, id="none"),
        pytest.param(["a", "1"], id="list"),
        pytest.param(("a", 1), id="numeric-version"),
        pytest.param({"name": "a", "version": "1"}, id="mapping"),
    ],
)
def test_register_refuses_a_key_that_is_no_activity_type(key: object) -> None:
    worker = ActivityWorker("d", "activities")

    with pytest.raises(ValidationError) as caught:
        worker.register(key, work)  # type: ignore[call-overload]

    assert caught.value.argument in ("activity", "version")


def test_handlers_must_be_callable() -> None:
    with pytest.raises(ValidationError, match="callable"):
        ActivityWorker("d", "activities", {"work": "not a function"})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="callable"):
        ActivityWorker("d", "activities").register("work", 42)  # type: ignore[call-overload]
    with pytest.raises(ValidationError, match="callable"):
        Decider("d", "decisions", "decide")  # type: ignore[arg-type]
