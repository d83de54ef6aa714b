"""`Heartbeats`: one task sends every running activity's heartbeats, each when it is due."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

import anyio
import pytest
from actor_scenarios import until

from aioswf.actors.heartbeats import Heartbeats


class Sends:
    """A send function that records what it was asked to send, and can be told to hang or to fail."""

    def __init__(self, next_delay: float | None = 30.0) -> None:
        self.sent: list[str] = []
        self.cancelled: list[str] = []
        self.hang: set[str] = set()
        self.fail: set[str] = set()
        self.stop: set[str] = set()
        self.next_delay = next_delay

    async def __call__(self, payload: str) -> float | None:
        self.sent.append(payload)
        if payload in self.fail:
            raise RuntimeError(f"a bug sending {payload}")
        if payload in self.hang:
            try:
                await anyio.sleep_forever()
            except anyio.get_cancelled_exc_class():
                self.cancelled.append(payload)
                raise
        return None if payload in self.stop else self.next_delay


@contextlib.asynccontextmanager
async def scheduled(sends: Sends, name: str = "test") -> AsyncIterator[Heartbeats[str]]:
    """Heartbeats on a task group of the test's own, closed (and the group ended) when the block ends."""
    beats: Heartbeats[str] = Heartbeats(sends, name)
    with anyio.fail_after(30):
        async with anyio.create_task_group() as group:
            beats.attach(group)
            yield beats
            beats.close()


async def test_heartbeats_are_sent_earliest_first() -> None:
    sends = Sends()
    async with scheduled(sends) as beats:
        beats.add("late", 0.2)
        beats.add("early", 0.01)
        await until(lambda: len(sends.sent) == 2)

    assert sends.sent == ["early", "late"]


async def test_each_activity_is_sent_again_after_the_delay_its_send_returns() -> None:
    sends = Sends(next_delay=0.01)
    async with scheduled(sends) as beats:
        beats.add("a", 0.01)
        beats.add("b", 0.01)
        await until(lambda: sends.sent.count("a") >= 3 and sends.sent.count("b") >= 3)


async def test_a_send_returning_none_ends_that_activitys_heartbeats_only() -> None:
    sends = Sends(next_delay=0.01)
    sends.stop.add("done")
    async with scheduled(sends) as beats:
        beats.add("done", 0.01)
        beats.add("going", 0.01)
        await until(lambda: sends.sent.count("going") >= 5)

    assert sends.sent.count("done") == 1


async def test_a_removed_activity_gets_no_heartbeat() -> None:
    sends = Sends(next_delay=0.01)
    async with scheduled(sends) as beats:
        removed = beats.add("removed", 0.01)
        beats.add("kept", 0.02)
        beats.remove(removed)
        await until(lambda: sends.sent.count("kept") >= 3)

    assert "removed" not in sends.sent


async def test_removing_an_activity_cancels_the_heartbeat_being_sent() -> None:
    sends = Sends(next_delay=0.01)
    sends.hang.add("slow")
    async with scheduled(sends) as beats:
        slow = beats.add("slow", 0.01)
        await until(lambda: "slow" in sends.sent)
        beats.remove(slow)
        await until(lambda: sends.cancelled == ["slow"])
        beats.add("other", 0.01)
        await until(lambda: sends.sent.count("other") >= 2)

    assert sends.sent.count("slow") == 1


async def test_closing_ends_the_heartbeat_task_and_the_heartbeats_being_sent() -> None:
    sends = Sends()
    sends.hang.add("slow")
    async with scheduled(sends) as beats:
        beats.add("slow", 0.01)
        await until(lambda: "slow" in sends.sent)
    # The block closed the heartbeats and its task group ended: neither the heartbeat task nor the send
    # being made outlived close().

    assert sends.cancelled == ["slow"]
    assert beats.add("after", 0.01) is None


async def test_the_heartbeat_task_starts_with_the_first_activity() -> None:
    async with scheduled(Sends()) as beats:
        assert not beats._running
        assert beats.add("first", 30) is not None
        assert beats._running


async def test_an_error_in_a_send_is_logged_and_ends_only_that_activitys_heartbeats(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sends = Sends(next_delay=0.01)
    sends.fail.add("buggy")
    with caplog.at_level(logging.ERROR, logger="aioswf.actors"):
        async with scheduled(sends, "test heartbeats") as beats:
            beats.add("buggy", 0.01)
            beats.add("fine", 0.01)
            await until(lambda: sends.sent.count("fine") >= 4)

    assert sends.sent.count("buggy") == 1
    assert any("test heartbeats" in record.getMessage() for record in caplog.records)


async def test_the_entries_of_finished_activities_are_swept_out() -> None:
    async with scheduled(Sends()) as beats:
        entries = [beats.add(f"task {index}", 30) for index in range(1000)]
        for entry in entries[:990]:
            beats.remove(entry)

        # Dead entries never outnumber live ones by much, however many activities have come and gone.
        assert len(beats._heap) <= 4 * 10 + 64
        assert sorted(entry[2].payload for entry in beats._heap if entry[2].live) == sorted(
            f"task {index}" for index in range(990, 1000)
        )
