"""The worker: the sticky cache (on and off, identical histories; LRU), resuming after a worker goes
away, the actors' lifecycle, and workflow code kept off the worker's event loop."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import anyio
import pytest
from flow_waits import eventually

import aioswf
from aioswf import flow
from aioswf.actors import ActorState
from aioswf.exceptions import ActorStateError, DomainDoesNotExist
from aioswf.flow.steps import StepRunner
from aioswf.flow.testing import WorkflowEnvironment
from aioswf.models.history import History
from aioswf.models.task import DecisionTask
from aioswf.testing import HistoryBuilder


@flow.activity
async def add(a: int, b: int) -> int:
    return a + b


@flow.workflow
class Child:
    async def run(self, value: int) -> int:
        await asyncio.sleep(30)
        return value * 10


@flow.workflow
class Busy:
    def __init__(self) -> None:
        self.bonus = 0

    @flow.signal
    def bump(self, amount: int) -> None:
        self.bonus += amount

    async def run(self, rounds: int) -> dict[str, Any]:
        total = 0
        for n in range(rounds):
            total = await flow.execute_activity(add, total, n)
            if n % 2:
                await asyncio.sleep(60 * n)
        children = [await flow.execute_child(Child, n) for n in range(2)]
        await flow.wait_condition(lambda: self.bonus >= 3, timeout=3600)
        flow.record_marker("done", {"total": total})
        return {"total": total, "children": children, "bonus": self.bonus}


def _comparable(history: History) -> list[tuple[str, tuple[tuple[str, Any], ...]]]:
    """Events without what differs between two equal runs: ids of runs, times, task lists, identities."""
    ignored = {"identity", "task_list", "task_list_schedule_to_start_timeout", "schedule_to_start_timeout"}
    comparable = []
    for event in history:
        attributes = tuple(
            (key, value)
            for key, value in sorted(event.attributes.items())
            if key not in ignored and "run_id" not in key and key != "workflow_execution"
        )
        comparable.append((event.name, attributes))
    return comparable


async def _run_busy(cache_size: int) -> tuple[dict[str, Any], History, flow.WorkerStats]:
    async with WorkflowEnvironment(workflows=[Busy, Child], activities=[add], cache_size=cache_size) as env:
        # One thing at a time (the signals come first): the history depends on the code alone.
        await env.stop_worker()
        handle = await env.start(Busy, 6, workflow_id="busy")
        for _ in range(3):
            await handle.signal(Busy.bump, 1)
        worker = await env.start_worker()
        result = await handle.result(timeout=60)
        return result, await handle.history(), worker.stats


async def test_the_sticky_cache_on_and_off_gives_identical_histories() -> None:
    cached, cached_history, cached_stats = await _run_busy(cache_size=100)
    replayed, replayed_history, replayed_stats = await _run_busy(cache_size=0)

    assert cached["total"] == replayed["total"] == 15
    assert cached["children"] == replayed["children"] == [0, 10]
    assert cached_stats.cache_hits > 0
    assert cached_stats.replays <= 3
    assert replayed_stats.cache_hits == 0
    assert replayed_stats.replays == replayed_stats.decisions
    assert _comparable(cached_history) == _comparable(replayed_history)
    assert (await flow.Replayer(workflows=[Busy]).replay(cached_history, workflow_id="busy")).closed


async def test_a_worker_that_goes_away_mid_run_is_replaced_by_one_that_resumes_from_history() -> None:
    async with WorkflowEnvironment(workflows=[Busy, Child], activities=[add]) as env:
        handle = await env.start(Busy, 4, workflow_id="resumed")

        async def sleeping() -> bool:
            return any(event.name == "TimerStarted" for event in await handle.history())

        await eventually(sleeping)
        first = env.worker
        await env.stop_worker()
        second = await env.start_worker()
        for _ in range(3):
            await handle.signal(Busy.bump, 1)
        result = await handle.result(timeout=60)
        history = await handle.history()

    assert first.stats.decisions >= 2
    assert second.stats.replays >= 1
    assert result["total"] == 6
    timed_out = [event for event in history if event.name == "DecisionTaskTimedOut"]
    assert timed_out
    assert timed_out[0].timeout_type == "SCHEDULE_TO_START"


async def test_a_small_cache_evicts_the_least_recently_used_run_and_replays_it_when_it_returns() -> None:
    async with WorkflowEnvironment(workflows=[Busy, Child], activities=[add], cache_size=1) as env:
        handles = [await env.start(Busy, 4, workflow_id=f"lru-{n}") for n in range(3)]
        for handle in handles:
            for _ in range(3):
                await handle.signal(Busy.bump, 1)
        results = [await handle.result(timeout=60) for handle in handles]
        stats = env.worker.stats

    assert [result["total"] for result in results] == [6, 6, 6]
    assert stats.evictions > 0
    assert env.worker_options["cache_size"] == 1


async def test_the_worker_follows_the_actors_lifecycle_and_runs_under_actors_run() -> None:
    async with WorkflowEnvironment(workflows=[Child]) as env:
        await env.stop_worker()
        worker = env.new_worker()
        assert worker.state is ActorState.IDLE
        assert not worker.is_running
        running = asyncio.ensure_future(aioswf.actors.run(worker, handle_signals=False))
        await eventually(lambda: worker.is_running)
        assert worker.state is ActorState.RUNNING
        assert await env.execute(Child, 4) == 40
        with pytest.raises(ActorStateError):
            await worker.start()
        await worker.stop(grace=0)
        await worker.stop()
        await asyncio.wait_for(running, 10)
        assert worker.state is ActorState.STOPPED
        assert worker.cached_runs == 0
        with pytest.raises(ActorStateError):
            await worker.start()

        second = env.new_worker()
        async with second:
            assert second.is_running
            assert await env.execute(Child, 5) == 50
        assert second.state is ActorState.STOPPED


async def test_starting_a_worker_in_an_unknown_domain_raises() -> None:
    async with WorkflowEnvironment() as env:
        worker = flow.Worker("no-such-domain", "t", workflows=[Child], connection=env.connection)
        with pytest.raises(DomainDoesNotExist):
            await worker.start()
        assert worker.state is ActorState.STOPPED


entered = threading.Event()
release = threading.Event()


@flow.workflow
class Blocks:
    async def run(self) -> str:
        entered.set()
        release.wait(30)  # blocking the step's thread: only the worker's loop must stay free
        return "unblocked"


async def test_a_blocking_step_leaves_the_workers_loop_free_and_is_reported_with_where_it_is_stuck(
    caplog: pytest.LogCaptureFixture,
) -> None:
    entered.clear()
    release.clear()
    caplog.set_level(logging.ERROR, logger="aioswf.flow")
    async with WorkflowEnvironment(workflows=[Blocks], step_deadline=0.2, cache_size=0) as env:
        handle = await env.start(Blocks)
        await asyncio.to_thread(entered.wait, 30)
        assert (await handle.describe()).status == "OPEN"  # the loop serves requests meanwhile
        with anyio.fail_after(60):
            while not any("stuck at" in record.getMessage() for record in caplog.records):  # noqa: ASYNC110 - logs set no event
                await asyncio.sleep(0.02)
        release.set()
        result = await handle.result(timeout=30)

    message = next(record.getMessage() for record in caplog.records if "stuck at" in record.getMessage())
    assert "test_flow_worker.py" in message
    assert "in run" in message
    assert "release.wait(30)" in message
    assert result == "unblocked"


@flow.workflow
class Restricted:
    async def run(self) -> list[str]:
        refused = []
        for attempt in (
            lambda: asyncio.to_thread(print),
            lambda: asyncio.open_connection("127.0.0.1", 1),
            lambda: asyncio.create_subprocess_exec("true"),
        ):
            try:
                await attempt()
            except flow.WorkflowRestrictionError as error:
                refused.append(str(error).split(":")[0])
        return refused


async def test_threads_sockets_and_subprocesses_are_refused_in_workflow_code() -> None:
    async with WorkflowEnvironment(workflows=[Restricted]) as env:
        refused = await env.execute(Restricted)
    assert refused == [
        "workflow code cannot run code in an executor or a thread (run_in_executor, asyncio.to_thread)",
        "workflow code cannot open network connections (create_connection, asyncio.open_connection)",
        "workflow code cannot start subprocesses (subprocess_exec, asyncio.create_subprocess_exec)",
    ]


@flow.workflow(name="wf")
class Signalled:
    def __init__(self) -> None:
        self.count = 0

    @flow.signal
    def poke(self) -> None:
        self.count += 1

    async def run(self) -> int:
        await flow.wait_condition(lambda: self.count >= 3)
        return self.count


async def test_a_cached_run_is_replayed_when_the_new_events_do_not_follow_what_it_saw() -> None:
    worker = flow.Worker("d", "decisions", workflows=[Signalled], step_deadline=None)
    worker._steps = StepRunner(threads=2, deadline=None)
    builder = HistoryBuilder(("wf", "1"))

    async def decide() -> list[str]:
        task = DecisionTask.from_poll("d", "decisions", builder.poll_response())
        result = await worker._decide(task)
        builder.add("DecisionTaskCompleted")
        return [decision.type for decision in result.decisions]

    try:
        builder.add_decision_task(state="started")
        assert await decide() == []
        builder.add_signal("poke")
        builder.add_decision_task(state="started")
        assert await decide() == []
        assert (worker.stats.replays, worker.stats.cache_hits) == (1, 1)

        # Another worker decided the next task: this one's cached run did not see that answer.
        builder.add_signal("poke")
        builder.add_decision_task(state="started")
        builder.add("DecisionTaskCompleted")
        builder.add_signal("poke")
        builder.add_decision_task(state="started")
        assert await decide() == ["CompleteWorkflowExecution"]
        assert worker.stats.stale == 1
        assert worker.stats.replays == 2
    finally:
        worker._steps.close()


hold = threading.Event()
holding = threading.Event()


@flow.workflow(task_start_to_close=2)
class HeldOnce:
    async def run(self) -> str:
        await asyncio.sleep(1)
        if not hold.is_set():
            holding.set()
            hold.wait(30)  # the first worker never answers this decision task
        return "resumed"


@pytest.mark.slow
async def test_a_worker_killed_while_deciding_is_replaced_after_the_decision_task_times_out() -> None:
    hold.clear()
    holding.clear()
    async with WorkflowEnvironment(workflows=[HeldOnce], step_deadline=None) as env:
        handle = await env.start(HeldOnce)
        async with env.skipping_time():
            await asyncio.to_thread(holding.wait, 30)
        await env.stop_worker(grace=0)  # it dies holding the task: SWF will time it out
        hold.set()
        await env.start_worker()
        assert await handle.result(timeout=60) == "resumed"
        names = [event.name for event in await handle.history()]
    assert "DecisionTaskTimedOut" in names


left_behind_closed_in: list[str] = []
left_behind_closed = threading.Event()


@flow.workflow(name="leaves")
class LeavesATask:
    async def run(self) -> str:
        async def forever() -> None:
            try:
                await asyncio.Event().wait()
            finally:
                left_behind_closed_in.append(threading.current_thread().name)
                left_behind_closed.set()

        self.task = asyncio.get_running_loop().create_task(forever())
        await asyncio.sleep(0)
        return "done"


@flow.workflow(name="clean")
class ReturnsCleanly:
    async def run(self) -> str:
        return "done"


async def _decide_first_task(worker: flow.Worker, workflow_type: tuple[str, str]) -> list[str]:
    builder = HistoryBuilder(workflow_type)
    builder.add_decision_task(state="started")
    result = await worker._decide(DecisionTask.from_poll("d", "decisions", builder.poll_response()))
    return [decision.type for decision in result.decisions]


async def test_a_finished_run_with_a_task_left_waiting_has_it_closed_in_a_step_thread() -> None:
    left_behind_closed_in.clear()
    left_behind_closed.clear()
    worker = flow.Worker("d", "decisions", workflows=[LeavesATask], step_deadline=None)
    worker._steps = StepRunner(threads=2, deadline=None)
    try:
        assert await _decide_first_task(worker, ("leaves", "1")) == ["CompleteWorkflowExecution"]
        assert await asyncio.to_thread(left_behind_closed.wait, 30)
    finally:
        worker._steps.close()
    assert left_behind_closed_in[0].startswith("aioswf-flow")


async def test_a_finished_run_with_nothing_left_to_close_is_let_go_without_a_step_thread() -> None:
    worker = flow.Worker("d", "decisions", workflows=[ReturnsCleanly], step_deadline=None)
    worker._steps = runner = StepRunner(threads=2, deadline=None)
    evictions: list[object] = []
    runner.submit = evictions.append  # type: ignore[method-assign]
    try:
        assert await _decide_first_task(worker, ("clean", "1")) == ["CompleteWorkflowExecution"]
    finally:
        runner.close()
    assert evictions == []
    assert worker.cached_runs == 0
