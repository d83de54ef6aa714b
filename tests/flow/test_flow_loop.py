"""The deterministic event loop, on its own: FIFO callbacks, virtual time, SWF timers, refusals."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aioswf.flow.errors import WorkflowRestrictionError
from aioswf.flow.loop import DurableTimer, WorkflowLoop


class Owner:
    """Stands in for a workflow run: keeps the timers the loop asks for."""

    def __init__(self) -> None:
        self.started: list[DurableTimer] = []
        self.cancelled: list[DurableTimer] = []
        self.errors: list[BaseException] = []

    def start_timer(self, timer: DurableTimer) -> None:
        timer.command = object()
        self.started.append(timer)

    def cancel_timer(self, timer: DurableTimer) -> None:
        self.cancelled.append(timer)

    def callback_failed(self, error: BaseException) -> None:
        self.errors.append(error)

    def describe(self) -> str:
        return "a test run"


@pytest.fixture
def owner() -> Owner:
    return Owner()


@pytest.fixture
def loop(owner: Owner) -> WorkflowLoop:
    loop = WorkflowLoop(owner)
    loop.set_time(1_700_000_000.0)
    return loop


def test_callbacks_run_first_in_first_out(loop: WorkflowLoop) -> None:
    order: list[int] = []
    for n in range(5):
        loop.call_soon(order.append, n)
    loop.run_until_quiescent()
    assert order == [0, 1, 2, 3, 4]


def test_the_loop_is_the_running_loop_only_during_a_step(loop: WorkflowLoop) -> None:
    seen: list[Any] = []
    loop.call_soon(lambda: seen.append(asyncio.get_running_loop()))
    loop.run_until_quiescent()
    assert seen == [loop]
    assert asyncio._get_running_loop() is None


def test_sleeping_makes_an_swf_timer_of_whole_seconds_rounded_up(loop: WorkflowLoop, owner: Owner) -> None:
    async def sleeper() -> str:
        await asyncio.sleep(2.2)
        return "woke"

    task = loop.create_task(sleeper())
    loop.run_until_quiescent()
    assert [timer.seconds for timer in owner.started] == [3]
    assert not task.done()
    loop.set_time(loop.time() + 3)
    loop._ready.append(owner.started[0])  # what delivering TimerFired does
    loop.run_until_quiescent()
    assert task.result() == "woke"


def test_time_is_virtual_and_never_goes_back(loop: WorkflowLoop) -> None:
    now = loop.time()
    loop.set_time(now - 100)
    assert loop.time() == now
    loop.set_time(now + 5)
    assert loop.time() == now + 5


def test_a_deadline_already_passed_calls_back_at_once_without_a_timer(
    loop: WorkflowLoop, owner: Owner
) -> None:
    fired: list[str] = []
    loop.call_at(loop.time() - 1, fired.append, "late")
    loop.call_later(0, fired.append, "now")
    loop.run_until_quiescent()
    assert fired == ["late", "now"]
    assert owner.started == []


def test_cancelling_a_sleep_cancels_its_timer(loop: WorkflowLoop, owner: Owner) -> None:
    task = loop.create_task(asyncio.sleep(60))
    loop.run_until_quiescent()
    task.cancel()
    loop.run_until_quiescent()
    assert task.cancelled()
    assert owner.cancelled == owner.started


def test_tasks_and_futures_iterate_in_creation_order_in_every_replay(loop: WorkflowLoop) -> None:
    async def nothing() -> None:
        return None

    def order() -> list[int]:
        fresh = WorkflowLoop(Owner())
        tasks = [fresh.create_task(nothing()) for _ in range(50)]
        futures = [fresh.create_future() for _ in range(50)]
        members = set(tasks) | set(futures)
        indexes = [(tasks + futures).index(member) for member in members]
        fresh.run_until_quiescent()
        return indexes

    assert order() == order()
    assert sorted(order()) == list(range(100))


def test_a_condition_is_checked_when_nothing_else_is_ready(loop: WorkflowLoop) -> None:
    state = {"go": False}
    future = loop.wait_for(lambda: state["go"])
    loop.run_until_quiescent()
    assert not future.done()
    loop.call_soon(state.__setitem__, "go", True)
    loop.run_until_quiescent()
    assert future.done()


def test_an_error_in_a_callback_goes_to_the_run(loop: WorkflowLoop, owner: Owner) -> None:
    loop.call_soon(lambda: 1 / 0)
    loop.run_until_quiescent()
    assert len(owner.errors) == 1
    assert isinstance(owner.errors[0], ZeroDivisionError)


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda loop: loop.run_in_executor(None, print), "run code in an executor or a thread"),
        (lambda loop: loop.call_soon_threadsafe(print), "use threads"),
        (lambda loop: loop.create_connection(None, "h", 1), "open network connections"),
        (lambda loop: loop.getaddrinfo("example.com", 80), "resolve host names"),
        (lambda loop: loop.subprocess_exec(None, "true"), "start subprocesses"),
        (lambda loop: loop.add_reader(0, print), "watch file descriptors"),
        (lambda loop: loop.connect_read_pipe(None, None), "use pipes"),
        (lambda loop: loop.add_signal_handler(2, print), "handle process signals"),
        (lambda loop: loop.run_forever(), "run the workflow loop itself"),
    ],
)
def test_threads_io_and_subprocesses_are_refused_with_a_clear_error(
    loop: WorkflowLoop, call: Any, words: str
) -> None:
    with pytest.raises(WorkflowRestrictionError, match=words) as caught:
        call(loop)
    assert "Do it in an activity" in str(caught.value)


def test_the_loop_knows_whether_a_task_it_made_is_unfinished(loop: WorkflowLoop) -> None:
    assert not loop.has_unfinished_tasks()
    waiting = loop.create_future()

    async def waits() -> None:
        await waiting

    task = loop.create_task(waits())
    loop.run_until_quiescent()
    assert loop.has_unfinished_tasks()
    waiting.set_result(None)
    loop.run_until_quiescent()
    assert task.done()
    assert not loop.has_unfinished_tasks()


def test_tasks_of_a_task_factory_count_as_the_loops(loop: WorkflowLoop) -> None:
    loop.set_task_factory(lambda loop, coro: asyncio.Task(coro, loop=loop))

    async def waits() -> None:
        await loop.create_future()

    task = loop.create_task(waits())
    loop.run_until_quiescent()
    assert loop.has_unfinished_tasks()
    task.get_coro().close()
