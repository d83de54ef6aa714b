"""``aioswf worker MODULE:OBJECT``: imports actors (or anything with their lifecycle), runs them until a
signal, stops them gracefully."""

from __future__ import annotations

import asyncio
import signal
import textwrap
from pathlib import Path

import pytest
from cli_process import AIOSWF, assert_one_line_error, run_aioswf

import aioswf
from aioswf.models import WorkflowExecution

APP = textwrap.dedent(
    '''
    import asyncio
    import os
    import sys

    from aioswf.actors import ActivityWorker, Decider
    from aioswf.models.decision import ActivityTaskDecision, WorkflowExecutionDecision

    DOMAIN = os.environ["TEST_DOMAIN"]


    async def decide(task):
        for event in task.history:
            if event.name == "ActivityTaskCompleted":
                return [WorkflowExecutionDecision.complete(result=event.result)]
        if not any(event.name == "ActivityTaskScheduled" for event in task.history):
            return [
                ActivityTaskDecision.schedule(
                    "fetch", ("fetch", "1"), input=task.history[0].input, task_list="fetches",
                    schedule_to_close_timeout=60, schedule_to_start_timeout=60,
                    start_to_close_timeout=60, heartbeat_timeout="NONE",
                )
            ]
        return []


    def fetch(task):  # a plain function: run in a thread
        return f"fetched {task.input}"


    def actors():
        return [Decider(DOMAIN, "decisions", decide), ActivityWorker(DOMAIN, "fetches", {"fetch": fetch})]


    class Lifecycle:
        """Not an actor: any object with start(), stop(grace=...), run(), is_running, async with."""

        def __init__(self, name):
            self.name = name
            self.task_list = name
            self.domain = DOMAIN
            self._stopped = asyncio.Event()
            self.is_running = False

        async def start(self):
            self.is_running = True

        async def run(self):
            self.is_running = True
            print(f"{self.name} running", file=sys.stderr, flush=True)
            await self._stopped.wait()
            self.is_running = False

        async def stop(self, *, grace=None):
            print(f"{self.name} stopped with grace={grace}", file=sys.stderr, flush=True)
            self._stopped.set()

        async def __aenter__(self):
            await self.start()
            return self

        async def __aexit__(self, *exc_info):
            await self.stop()


    async def lifecycles():
        return (Lifecycle("one"), Lifecycle("two"))


    not_an_actor = 42


    def needs_arguments(domain):
        return []
    '''
)


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "workers_app.py").write_text(APP)
    return tmp_path


async def read_until(stream: asyncio.StreamReader, needle: str, count: int = 1) -> str:
    """Reads lines until `needle` was seen `count` times; returns what was read."""
    seen = []
    while sum(needle in line for line in seen) < count:
        line = (await asyncio.wait_for(stream.readline(), 60)).decode()
        assert line, "the worker ended early:\n" + "".join(seen)
        seen.append(line)
    return "".join(seen)


async def spawn(env: dict[str, str], cwd: Path, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        AIOSWF, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env, cwd=cwd
    )


@pytest.mark.slow
async def test_actors_run_until_sigterm_then_stop_gracefully(
    cli_env: dict[str, str], cli_domain: str, cli_conn: aioswf.Connection, app_dir: Path
) -> None:
    await cli_conn.call("RegisterActivityType", domain=cli_domain, name="fetch", version="1")
    process = await spawn({**cli_env, "TEST_DOMAIN": cli_domain}, app_dir, "worker", "workers_app:actors")
    assert process.stderr is not None
    startup = await read_until(process.stderr, "polls at", count=2)
    assert f"Decider on domain '{cli_domain}', task list 'decisions' polls at" in startup
    assert f"ActivityWorker on domain '{cli_domain}', task list 'fetches' polls at" in startup
    started = await cli_conn.call(
        "StartWorkflowExecution",
        domain=cli_domain,
        workflowId="by-worker",
        workflowType={"name": "crawl", "version": "1"},
        input="example.com",
    )
    execution = WorkflowExecution(cli_domain, "by-worker", started["runId"], connection=cli_conn)
    outcome = await execution.wait(timeout=60, poll_interval=0.2)
    assert (outcome.close_status, outcome.result) == ("COMPLETED", "fetched example.com")
    process.send_signal(signal.SIGTERM)
    _, rest = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, rest.decode()
    assert "SIGTERM: stopping 2 worker(s) gracefully" in rest.decode()
    assert "all workers stopped" in rest.decode()


async def test_anything_with_the_actor_lifecycle_runs_and_stops_with_the_grace_given(
    cli_env: dict[str, str], cli_domain: str, app_dir: Path
) -> None:
    env = {**cli_env, "TEST_DOMAIN": cli_domain}
    process = await spawn(env, app_dir, "worker", "workers_app:lifecycles", "--grace", "5")
    assert process.stderr is not None
    await read_until(process.stderr, "running", count=2)
    process.send_signal(signal.SIGINT)
    _, rest = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, rest.decode()
    assert "one stopped with grace=5.0" in rest.decode()
    assert "two stopped with grace=5.0" in rest.decode()


@pytest.mark.slow
async def test_targets_that_are_not_workers_are_one_line_errors(
    cli_env: dict[str, str], cli_domain: str, app_dir: Path
) -> None:
    env = {**cli_env, "TEST_DOMAIN": cli_domain}

    async def worker(target: str):
        return await run_aioswf("worker", target, env=env, cwd=app_dir)

    malformed, missing, absent, wrong, arguments = await asyncio.gather(
        worker("workers_app"),
        worker("no_such_module:actors"),
        worker("workers_app:nothing"),
        worker("workers_app:not_an_actor"),
        worker("workers_app:needs_arguments"),
    )
    assert_one_line_error(malformed, "is not MODULE:OBJECT", code=2)
    assert_one_line_error(missing, "no module named 'no_such_module'", "PYTHONPATH")
    assert_one_line_error(absent, "has no 'nothing'", code=2)
    assert_one_line_error(wrong, "workers_app:not_an_actor is a int", "OBJECT must be an actor", code=2)
    assert_one_line_error(arguments, "takes arguments (domain)", code=2)


async def test_a_worker_that_stops_on_an_error_ends_the_command_with_it(
    cli_env: dict[str, str], app_dir: Path
) -> None:
    env = {**cli_env, "TEST_DOMAIN": "no-such-domain"}
    result = await run_aioswf("worker", "workers_app:actors", env=env, cwd=app_dir)
    assert result.code == 1
    last = result.err.strip().splitlines()[-1]
    assert last.startswith("aioswf: ")
    assert "stopped" in last
    assert "no such domain" in last
    assert "Traceback" not in result.err
