"""``aioswf replay HISTORY.json MODULE:WORKFLOW``: a history exported by ``aioswf execution history -o
json`` replays through the code that made it, and a broken change is caught with where it parts."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
from pathlib import Path

import pytest

from aioswf.cli import main
from aioswf.flow.testing import WorkflowEnvironment

WORKFLOWS = textwrap.dedent(
    """
    import asyncio

    from aioswf import flow


    @flow.workflow(name="Nightly")
    class Nightly:
        async def run(self, days: int) -> int:
            for _ in range(days):
                await asyncio.sleep(86400)
            return days


    @flow.workflow(name="Nightly")
    class Hourly:
        async def run(self, days: int) -> int:
            await asyncio.gather(*(asyncio.sleep(3600) for _ in range(days)))
            return days
    """
)


async def test_a_history_exported_by_the_command_replays_and_a_broken_change_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "nightly_workflows.py").write_text(WORKFLOWS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import nightly_workflows

    async with WorkflowEnvironment(workflows=[nightly_workflows.Nightly]) as env:
        assert await env.execute(nightly_workflows.Nightly, 3, workflow_id="nightly-1") == 3
        capsys.readouterr()
        exported = await asyncio.to_thread(
            main,
            [
                "--endpoint-url",
                env.endpoint_url,
                "-d",
                env.domain,
                "execution",
                "history",
                "nightly-1",
                "-o",
                "json",
            ],
        )
        lines = capsys.readouterr().out
    assert exported == 0
    path = tmp_path / "nightly-1.json"
    path.write_text(lines, encoding="utf-8")

    assert await asyncio.to_thread(main, ["replay", str(path), "nightly_workflows:Nightly"]) == 0
    assert "Nightly/1 replays: 4 decision task(s)" in capsys.readouterr().out

    status = await asyncio.to_thread(
        main, ["replay", str(path), "nightly_workflows:Hourly", "--workflow-id", "nightly-1"]
    )
    error = capsys.readouterr().err
    assert status == 1
    assert "workflow nightly-1: the code does not replay its history" in error
    assert "timer, id '2' (3600 s)" in error
    assert "nightly_workflows.py" in error


def test_a_target_that_is_no_workflow_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.json"
    path.write_text('{"events": []}', encoding="utf-8")
    assert main(["replay", str(path), "json:dumps"]) == 2
    assert "json:dumps is not a workflow class" in capsys.readouterr().err


FLOW_APP = textwrap.dedent(
    """
    import os

    from aioswf import flow


    @flow.activity
    async def double(value: int) -> int:
        return value * 2


    @flow.workflow(name="Doubler")
    class Doubler:
        async def run(self, value: int) -> int:
            return await flow.execute_activity(double, value)


    def make_worker():
        return flow.Worker(os.environ["TEST_DOMAIN"], "doubling", workflows=[Doubler], activities=[double])
    """
)


@pytest.mark.slow
async def test_aioswf_worker_runs_a_flow_worker_until_sigint(tmp_path: Path) -> None:
    (tmp_path / "doubling_app.py").write_text(FLOW_APP, encoding="utf-8")
    async with WorkflowEnvironment() as env:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "aioswf.cli",
            "--endpoint-url",
            env.endpoint_url,
            "worker",
            "doubling_app:make_worker",
            cwd=tmp_path,
            env={**os.environ, "TEST_DOMAIN": env.domain},
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            sys.path.insert(0, str(tmp_path))
            import doubling_app

            handle = await env.start(doubling_app.Doubler, 21, task_list="doubling")
            assert await handle.result(timeout=60) == 42
        finally:
            process.send_signal(signal.SIGINT)
            _, err = await asyncio.wait_for(process.communicate(), 60)
            sys.path.remove(str(tmp_path))
            sys.modules.pop("doubling_app", None)
    assert process.returncode == 0, err.decode()
