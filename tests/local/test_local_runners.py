"""The benchmarks run (quick mode, timings not asserted) and the user-facing pytest fixtures work."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from aioswf.local import LocalSWF

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.parametrize("script", ["local_vs_moto.py", "decay.py"])
def test_a_benchmark_runs_in_quick_mode_and_prints_its_table(script: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "machine: " in done.stdout
    assert "CPUs" in done.stdout
    assert "workflows/s" in done.stdout
    assert "target" in done.stdout


@pytest.mark.slow
def test_the_user_fixtures_give_a_server_a_connection_a_domain_and_driven_clocks(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["aioswf.testing.fixtures"]\n')
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = session\n"
        "asyncio_default_test_loop_scope = session\n"
    )
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.asyncio(loop_scope="session")
            async def test_domain(swf_connection, swf_domain):
                described = await swf_connection.call("DescribeDomain", name=swf_domain)
                assert described["domainInfo"]["status"] == "REGISTERED"

            @pytest.mark.asyncio(loop_scope="session")
            async def test_manual(manual_swf):
                before = manual_swf.clock.now()
                manual_swf.clock.advance(3600)
                assert manual_swf.clock.now() - before == 3600

            @pytest.mark.asyncio(loop_scope="session")
            async def test_autojump(autojump_swf):
                assert autojump_swf.endpoint_url.startswith("http://127.0.0.1:")

            @pytest.mark.asyncio(loop_scope="session")
            async def test_autojump_keeps_a_completed_history_readable(autojump_swf):
                import asyncio

                async with autojump_swf.connection() as conn:
                    await conn.call("RegisterDomain", name="d", workflowExecutionRetentionPeriodInDays="1")
                    await conn.call(
                        "RegisterWorkflowType", domain="d", name="w", version="1",
                        defaultTaskList={"name": "l"}, defaultChildPolicy="TERMINATE",
                        defaultExecutionStartToCloseTimeout="600", defaultTaskStartToCloseTimeout="60",
                    )
                    run = await conn.call(
                        "StartWorkflowExecution", domain="d", workflowId="w1",
                        workflowType={"name": "w", "version": "1"},
                    )
                    task = await conn.call("PollForDecisionTask", domain="d", taskList={"name": "l"})
                    await conn.call(
                        "RespondDecisionTaskCompleted", taskToken=task["taskToken"],
                        decisions=[{
                            "decisionType": "CompleteWorkflowExecution",
                            "completeWorkflowExecutionDecisionAttributes": {"result": "done"},
                        }],
                    )
                    await asyncio.sleep(0.5)  # the clock has been idle for many of its thresholds
                    history = await conn.call(
                        "GetWorkflowExecutionHistory", domain="d",
                        execution={"workflowId": "w1", "runId": run["runId"]},
                    )
                assert history["events"][-1]["eventType"] == "WorkflowExecutionCompleted"
            """
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout


async def test_the_benchmark_counts_failed_round_trips_instead_of_stopping(local: LocalSWF) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from local_vs_moto import run_on
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    finished: list[float] = []
    failures: Counter[str] = Counter()
    # A domain that does not exist: every round trip fails at its start, as moto's 500s made them fail.
    await run_on(local.endpoint_url, "no-such-domain", range(6), 3, finished, failures)
    assert finished == []
    assert failures == Counter({"StartWorkflowExecution -> HTTP 400 UnknownResourceFault": 6})
