"""Replay and matching, without a server: histories written with HistoryBuilder, rounds decided by a
WorkflowInstance. Commands match echoes by kind, id and type; disagreements name the event, both sides
and the source line."""

from __future__ import annotations

import asyncio

import pytest

from aioswf import flow
from aioswf.flow.definitions import workflow_definition
from aioswf.flow.replay import WorkflowInstance
from aioswf.testing import HistoryBuilder


@flow.activity
async def charge(order: str) -> str:
    return order


@flow.activity
async def ship(order: str) -> str:
    return order


@flow.workflow(name="wf")
class ChargeThenShip:
    async def run(self, order: str) -> str:
        charged = await flow.execute_activity(charge, order)
        return await flow.execute_activity(ship, charged)


def instance(workflow: type) -> WorkflowInstance:
    return WorkflowInstance(workflow_definition(workflow), workflow_id="wf-1", run_id="run-1")


def started(builder: HistoryBuilder) -> HistoryBuilder:
    return builder.add_decision_task(state="completed")


def test_a_live_round_returns_only_the_new_decisions() -> None:
    builder = HistoryBuilder(("wf", "1"), input='["o-1"]')
    started(builder)
    builder.add_activity_task("1", ("charge", "1"), result='"o-1"')
    builder.add_decision_task(state="started")

    activation = instance(ChargeThenShip).activate(builder.history(), live=True)

    assert activation is not None
    assert [decision.type for decision in activation.decisions] == ["ScheduleActivityTask"]
    attributes = activation.decisions[0].attributes
    assert (attributes["activityId"], attributes["activityType"]["name"]) == ("2", "ship")


def test_an_activity_of_another_type_is_reported_with_the_event_both_sides_and_the_line() -> None:
    builder = HistoryBuilder(("wf", "1"), input='["o-1"]')
    started(builder)
    builder.add_activity_task("1", ("refund", "1"), result='"o-1"')
    scheduled = builder.history().filter(name="ActivityTaskScheduled")[0].id
    builder.add_decision_task(state="started")

    with pytest.raises(flow.NonDeterminismError) as caught:
        instance(ChargeThenShip).activate(builder.history(), live=True)

    error = caught.value
    assert error.event_id == scheduled
    assert error.history == f"ActivityTaskScheduled (event {scheduled}): activity refund/1, id '1'"
    assert error.code == "activity charge/1, id '1'"
    assert error.location is not None
    assert "test_flow_matching.py" in error.location
    assert "workflow wf-1" in str(error)


@flow.workflow(name="wf")
class KeyedCharge:
    async def run(self, order: str) -> str:
        return await flow.execute_activity(charge, order, key="charge-once")


def test_an_activity_with_another_id_does_not_match() -> None:
    builder = HistoryBuilder(("wf", "1"), input='["o-1"]')
    started(builder)
    builder.add_activity_task("1", ("charge", "1"), state="started")
    builder.add_decision_task(state="started")

    with pytest.raises(flow.NonDeterminismError, match="id 'charge-once'"):
        instance(KeyedCharge).activate(builder.history(), live=True)


@flow.workflow(name="wf")
class OnlyWaits:
    async def run(self) -> None:
        await asyncio.sleep(3600)


def test_a_decision_the_code_no_longer_asks_for_is_reported() -> None:
    builder = HistoryBuilder(("wf", "1"))
    started(builder)
    builder.add_timer("1", 3600, state="started")
    builder.add_activity_task("1", ("charge", "1"), state="scheduled")
    builder.add_decision_task(state="started")

    with pytest.raises(flow.NonDeterminismError) as caught:
        instance(OnlyWaits).activate(builder.history(), live=True)
    assert "activity charge/1" in caught.value.history
    assert "nothing of this kind" in caught.value.code
    assert "in run" in caught.value.code


@flow.workflow(name="wf")
class WaitsTwice:
    async def run(self) -> None:
        await asyncio.gather(asyncio.sleep(10), asyncio.sleep(20))


def test_a_decision_the_history_does_not_hold_is_reported_at_the_next_round() -> None:
    builder = HistoryBuilder(("wf", "1"))
    started(builder)
    builder.add_timer("1", 10, state="fired")
    builder.add_decision_task(state="started")

    with pytest.raises(flow.NonDeterminismError) as caught:
        instance(WaitsTwice).activate(builder.history(), live=True)
    assert caught.value.code == "timer, id '2' (20 s)"
    assert "recorded 1 decision(s)" in caught.value.history


@flow.workflow(name="wf")
class TimerAndActivity:
    async def run(self) -> str:
        result, _ = await asyncio.gather(flow.execute_activity(charge, "o"), asyncio.sleep(5))
        return result


def test_the_order_among_kinds_is_not_compared() -> None:
    builder = HistoryBuilder(("wf", "1"))
    started(builder)
    builder.add_timer("1", 5, state="started")  # the history has the timer first
    builder.add_activity_task("1", ("charge", "1"), result='"o"')
    builder.add("TimerFired", timer_id="1")
    builder.add_decision_task(state="started")

    activation = instance(TimerAndActivity).activate(builder.history(), live=True)
    assert activation is not None
    assert [decision.type for decision in activation.decisions] == ["CompleteWorkflowExecution"]


@flow.workflow(name="wf")
class Signalled:
    def __init__(self) -> None:
        self.names: list[str] = []

    @flow.signal
    def hello(self, name: str) -> None:
        self.names.append(name)

    async def run(self) -> list[str]:
        await flow.wait_condition(lambda: len(self.names) >= 2)
        return self.names


def test_events_that_arrived_while_a_task_was_out_are_seen_in_the_next_round() -> None:
    builder = HistoryBuilder(("wf", "1"))
    builder.add_decision_task(state="started")
    builder.add_signal("hello", input='["ada"]')  # during the first task: not seen by it
    builder.add("DecisionTaskCompleted")
    builder.add_signal("hello", input='["grace"]')
    builder.add_decision_task(state="started")

    activation = instance(Signalled).activate(builder.history(), live=True)
    assert activation is not None
    assert activation.decisions[0].attributes["result"] == '["ada","grace"]'


def test_a_timed_out_decision_task_leaves_its_events_to_the_next_one() -> None:
    builder = HistoryBuilder(("wf", "1"))
    builder.add_signal("hello", input='["ada"]')
    builder.add_decision_task(state="timed_out")
    builder.add_signal("hello", input='["grace"]')
    builder.add_decision_task(state="started")

    activation = instance(Signalled).activate(builder.history(), live=True)
    assert activation is not None
    assert activation.decisions[0].type == "CompleteWorkflowExecution"


def test_a_round_whose_code_failed_is_skipped_on_replay() -> None:
    builder = HistoryBuilder(("wf", "1"), input='["o-1"]')
    started(builder)
    builder.add_marker("aioswf.decision-failed", details="{}")
    builder.add_timer("aioswf.task-retry.3", 1, state="fired")
    builder.add_decision_task(state="started")

    activation = instance(ChargeThenShip).activate(builder.history(), live=True)
    assert activation is not None
    assert [decision.attributes.get("activityId") for decision in activation.decisions] == ["1"]


@flow.workflow(name="wf")
class ManyTimers:
    async def run(self, count: int) -> None:
        await asyncio.gather(*(asyncio.sleep(60) for _ in range(count)))


def test_more_than_100_commands_are_sent_99_at_a_time_with_a_carry_over_timer() -> None:
    builder = HistoryBuilder(("wf", "1"), input="[150]")
    builder.add_decision_task(state="started")
    run = instance(ManyTimers)
    activation = run.activate(builder.history(), live=True)
    assert activation is not None
    decisions = activation.decisions
    assert len(decisions) == 100
    assert [decision.attributes["timerId"] for decision in decisions[:99]] == [str(n) for n in range(1, 100)]
    assert decisions[99].attributes == {"timerId": "aioswf.carry.3", "startToFireTimeout": "0"}

    builder.add("DecisionTaskCompleted")
    for decision in decisions:
        builder.add("TimerStarted", timer_id=decision.attributes["timerId"], start_to_fire_timeout="60")
    builder.add("TimerFired", timer_id="aioswf.carry.3")
    builder.add_decision_task(state="started")
    following = run.activate(builder.history(), live=True)
    assert following is not None
    assert [decision.attributes["timerId"] for decision in following.decisions] == [
        str(n) for n in range(100, 151)
    ]
    replayed = instance(ManyTimers).activate(builder.history(), live=True)
    assert replayed is not None
    assert replayed.decisions == following.decisions


def test_an_instance_fed_only_new_events_decides_as_one_replaying_everything() -> None:
    builder = HistoryBuilder(("wf", "1"), input='["o-1"]')
    builder.add_decision_task(state="started")
    cached = instance(ChargeThenShip)
    first = cached.activate(builder.history(), live=True)
    assert first is not None
    builder.add("DecisionTaskCompleted")
    builder.add_activity_task("1", ("charge", "1"), result='"o-1"')
    window_start = builder.last_event_id
    builder.add_decision_task(state="started")
    new_events = [event for event in builder.history() if event.id > (window_start or 0) - 6]

    incremental = cached.activate(new_events, live=True)
    from_scratch = instance(ChargeThenShip).activate(builder.history(), live=True)
    assert incremental == from_scratch


async def test_the_replayer_finds_no_workflow_for_an_unknown_type() -> None:
    builder = HistoryBuilder(("other", "1"))
    builder.add_decision_task(state="started")
    with pytest.raises(LookupError, match="other/1"):
        await flow.Replayer(workflows=[ChargeThenShip]).replay(builder.history())


@flow.workflow(name="wf")
class ReturnsAtOnce:
    async def run(self) -> str:
        return "done"


def test_a_close_refused_because_events_arrived_meanwhile_is_sent_again() -> None:
    builder = HistoryBuilder(("wf", "1"))
    builder.add_decision_task(state="started")
    builder.add_signal("late")  # arrives while the task is out: SWF refuses to close
    builder.add("DecisionTaskCompleted")
    builder.add("CompleteWorkflowExecutionFailed", cause="UNHANDLED_DECISION")
    builder.add_decision_task(state="started")

    activation = instance(ReturnsAtOnce).activate(builder.history(), live=True)

    assert activation is not None
    assert [(decision.type, dict(decision.attributes)) for decision in activation.decisions] == [
        ("CompleteWorkflowExecution", {"result": '"done"'})
    ]
    assert activation.closing
