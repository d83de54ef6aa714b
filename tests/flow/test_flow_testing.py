"""The testing tools: ActivityEnvironment (heartbeats, cancellation), env.sleep, replay_file."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from pathlib import Path

import pytest
from flow_waits import eventually

from aioswf import flow
from aioswf.flow.replayer import replay_file
from aioswf.flow.testing import ActivityEnvironment, WorkflowEnvironment


@flow.activity(heartbeat=30)
async def count_up(to: int) -> int:
    for number in range(to):
        flow.heartbeat({"done": number})
        await asyncio.sleep(0)
    return to


async def test_activity_environment_keeps_the_heartbeats_of_an_activity() -> None:
    env = ActivityEnvironment(activity_id="7#3")
    assert await env.run(count_up, 3) == 3
    assert env.heartbeats == [{"done": 0}, {"done": 1}, {"done": 2}]


@flow.activity
async def forever() -> None:
    await asyncio.Event().wait()


async def test_cancelling_an_async_activity_raises_cancelled_error_in_it() -> None:
    env = ActivityEnvironment()
    running = asyncio.ensure_future(env.run(forever))
    await asyncio.sleep(0)
    env.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert env.cancel_requested


started = threading.Event()


@flow.activity
def polls_should_stop() -> str:
    started.set()
    info = flow.activity_info()
    for _ in range(3000):
        if info.should_stop():
            return f"stopped at attempt {info.attempt}"
        threading.Event().wait(0.01)
    return "never stopped"


async def test_a_plain_activity_sees_should_stop_when_cancelled() -> None:
    started.clear()
    env = ActivityEnvironment(activity_id="4#2")
    running = asyncio.ensure_future(env.run(polls_should_stop))
    await asyncio.to_thread(started.wait, 30)
    env.cancel()
    assert await running == "stopped at attempt 2"


@flow.activity(heartbeat=3)
def stops_when_asked() -> str:
    started.set()
    for _ in range(3000):
        if flow.activity_info().should_stop():
            return "stopped"
        flow.heartbeat("working")
        threading.Event().wait(0.01)
    return "never stopped"


@flow.workflow
class CancelsPlainActivity:
    async def run(self) -> str:
        task = asyncio.create_task(flow.execute_activity(stops_when_asked))
        await flow.sleep(1)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return "cancelled"
        return "finished"


async def test_a_plain_activity_cancelled_by_its_workflow_sees_should_stop() -> None:
    started.clear()
    async with WorkflowEnvironment(workflows=[CancelsPlainActivity], activities=[stops_when_asked]) as env:
        handle = await env.start(CancelsPlainActivity)
        assert await handle.result(timeout=30) == "cancelled"
        names = await eventually(lambda: _names_with(handle, "ActivityTaskCancelRequested"))
    assert "ActivityTaskCancelRequested" in names


async def _names_with(handle: flow.WorkflowHandle[object], name: str) -> list[str] | None:
    names = [event.name for event in await handle.history()]
    return names if name in names else None


@flow.workflow
class Naps:
    async def run(self) -> str:
        await asyncio.sleep(3600)
        return "rested"


async def test_env_sleep_lets_swf_time_pass_without_waiting_for_a_result() -> None:
    async with WorkflowEnvironment(workflows=[Naps]) as env:
        handle = await env.start(Naps)
        await env.sleep(3700)
        described = await eventually(lambda: _closed(handle))
    assert described.close_status == "COMPLETED"


async def _closed(handle: flow.WorkflowHandle[object]) -> object:
    described = await handle.describe()
    return described if described.status == "CLOSED" else None


async def test_replay_file_replays_a_saved_history_through_a_module_workflow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with WorkflowEnvironment(workflows=[Naps]) as env:
        handle = await env.start(Naps)
        assert await handle.result(timeout=30) == "rested"
        raw = await env.connection.call(
            "GetWorkflowExecutionHistory",
            domain=env.domain,
            execution={"workflowId": handle.workflow_id, "runId": handle.run_id},
        )
    path = tmp_path / "history.json"
    path.write_text(json.dumps(raw, default=lambda value: value.isoformat()), encoding="utf-8")
    module = tmp_path / "naps_module.py"
    module.write_text(
        "import asyncio\nfrom aioswf import flow\n\n\n@flow.workflow(name='Naps')\nclass Naps:\n"
        "    async def run(self) -> str:\n        await asyncio.sleep(60)\n        return 'short'\n\n\n"
        "@flow.workflow(name='Naps')\nclass Broken:\n    async def run(self) -> str:\n"
        "        await asyncio.gather(asyncio.sleep(60), asyncio.sleep(60))\n        return 'x'\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    result = await replay_file(path, ["naps_module:Naps"], workflow_id=handle.workflow_id)
    assert result.closed
    with pytest.raises(flow.NonDeterminismError, match="timer, id '2'"):
        await replay_file(path, ["naps_module:Broken"])
    sys.modules.pop("naps_module", None)
