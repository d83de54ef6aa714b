"""A workflow with activities, end to end on the local SWF server (through flow.testing)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import decimal

from aioswf import flow
from aioswf.flow.testing import WorkflowEnvironment


@flow.activity
async def greet(name: str) -> str:
    return f"Hello, {name}!"


@flow.activity
def shout(text: str) -> str:
    """A plain function: the worker runs it in a thread."""
    return text.upper()


@flow.workflow
class Greeting:
    async def run(self, name: str) -> str:
        text = await flow.execute_activity(greet, name)
        return await flow.execute_activity(shout, text)


async def test_a_workflow_runs_its_activities_in_order_and_returns_their_result() -> None:
    async with WorkflowEnvironment(workflows=[Greeting], activities=[greet, shout]) as env:
        handle = await env.start(Greeting, "Ada")
        result = await handle.result(timeout=30)
        history = await handle.history()

    assert result == "HELLO, ADA!"
    scheduled = [event.activity_type["name"] for event in history if event.name == "ActivityTaskScheduled"]
    assert scheduled == ["greet", "shout"]
    assert history.last is not None
    assert history.last.name == "WorkflowExecutionCompleted"


@flow.workflow
class Sleeper:
    async def run(self, days: int) -> str:
        started = flow.now()
        await asyncio.sleep(days * 86400)
        return str(flow.now() - started)


async def test_a_week_of_timers_passes_in_a_moment_on_the_auto_jumping_clock() -> None:
    async with WorkflowEnvironment(workflows=[Sleeper]) as env:
        elapsed = await env.execute(Sleeper, 7)

    assert elapsed.startswith("7 days")


@flow.activity
async def double(value: int) -> int:
    await asyncio.sleep(0.01 * (value % 3))
    return value * 2


@flow.workflow
class FanOut:
    async def run(self, count: int) -> dict[str, list[int]]:
        gathered = await asyncio.gather(*(flow.execute_activity(double, n) for n in range(count)))
        tasks = [asyncio.create_task(flow.execute_activity(double, n)) for n in range(count)]
        done, pending = await asyncio.wait(tasks)
        completed = [await next_result for next_result in asyncio.as_completed(tasks)]
        return {
            "gathered": list(gathered),
            "waited": sorted(task.result() for task in done),
            "pending": [len(pending)],
            "as_completed": sorted(completed),
        }


async def test_gather_wait_and_as_completed_fan_out_activities_in_parallel() -> None:
    async with WorkflowEnvironment(workflows=[FanOut], activities=[double]) as env:
        handle = await env.start(FanOut, 5)
        result = await handle.result(timeout=30)
        history = await handle.history()

    assert result == {
        "gathered": [0, 2, 4, 6, 8],
        "waited": [0, 2, 4, 6, 8],
        "pending": [0],
        "as_completed": [0, 2, 4, 6, 8],
    }
    first_batch = [
        event.activity_id
        for event in history
        if event.name == "ActivityTaskScheduled" and event.decision_task_completed_event_id == 4
    ]
    assert first_batch == ["1", "2", "3", "4", "5"]


@flow.activity
async def fails(message: str) -> None:
    raise ValueError(message)


@flow.workflow
class FailsThroughAnActivity:
    async def run(self) -> None:
        await flow.execute_activity(fails, "bad card")


async def test_an_activity_failure_fails_the_workflow_with_the_activitys_error_as_cause() -> None:
    async with WorkflowEnvironment(workflows=[FailsThroughAnActivity], activities=[fails]) as env:
        handle = await env.start(FailsThroughAnActivity)
        try:
            await handle.result(timeout=30)
        except flow.WorkflowFailureError as error:
            failure = error
        else:
            raise AssertionError("the workflow did not fail")

    assert isinstance(failure.cause, flow.ActivityError)
    assert failure.cause.activity_type == ("fails", "1")
    cause = failure.cause.cause
    assert isinstance(cause, flow.ApplicationError)
    assert cause.type == "ValueError"
    assert cause.message == "bad card"
    assert failure.reason is not None
    assert failure.reason.startswith("ActivityError: activity fails/1")


@flow.workflow
class Refuses:
    async def run(self, amount: int) -> None:
        raise flow.ApplicationError("amount too large", {"amount": amount}, type="OrderRejected")


async def test_an_application_error_fails_the_workflow_with_its_type_message_and_details() -> None:
    async with WorkflowEnvironment(workflows=[Refuses]) as env:
        handle = await env.start(Refuses, 5000)
        try:
            await handle.result(timeout=30)
        except flow.WorkflowFailureError as error:
            cause = error.cause
            reason = error.reason

    assert reason == "OrderRejected: amount too large"
    assert isinstance(cause, flow.ApplicationError)
    assert (cause.type, cause.message, cause.details) == (
        "OrderRejected",
        "amount too large",
        ({"amount": 5000},),
    )


@dataclasses.dataclass
class Item:
    sku: str
    quantity: int


@dataclasses.dataclass
class Receipt:
    items: list[Item]
    total: decimal.Decimal
    when: datetime.datetime


@flow.activity
async def price(items: list[Item]) -> Receipt:
    assert all(isinstance(item, Item) for item in items)
    total = sum((decimal.Decimal("1.25") * item.quantity for item in items), decimal.Decimal(0))
    return Receipt(items, total, datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc))


@flow.workflow
class Checkout:
    async def run(self, items: list[Item]) -> Receipt:
        receipt = await flow.execute_activity(price, items)
        assert isinstance(receipt, Receipt)
        return receipt


async def test_values_come_back_as_their_annotated_types_from_activities_and_workflows() -> None:
    async with WorkflowEnvironment(workflows=[Checkout], activities=[price]) as env:
        receipt = await env.execute(Checkout, [Item("a", 2), Item("b", 1)])

    assert receipt == Receipt(
        [Item("a", 2), Item("b", 1)],
        decimal.Decimal("3.75"),
        datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc),
    )
