"""How the console reads histories through the engine, and keeps them."""

from __future__ import annotations

import pytest
from console_harness import Console
from console_scenario import marker

# -- reading histories ------------------------------------------------------------------------------------


async def test_events_read_with_swf_pages_are_those_of_the_engine(console: Console) -> None:
    from aioswf.local.console import engine_events, read_events_with

    s = console.scenario
    ref = s.start()
    await s.decide(*[marker(f"m{i}") for i in range(99)])
    s.signal(ref, "s")
    for _ in range(12):
        await s.decide(*[marker(f"m{i}") for i in range(99)])
        s.signal(ref, "s")
    engine = console.local.engine
    paged = read_events_with(engine.call)
    direct = engine_events(engine)
    args = (s.domain, ref["workflowId"], ref["runId"])
    for after in (0, 1, 999, 1000, 1001, 1320):
        assert await paged(*args, after) == await direct(*args, after), after
    s.call("TerminateWorkflowExecution", domain=s.domain, workflowId=ref["workflowId"])
    everything = await direct(*args, 0)
    assert len(everything) > 1300
    assert await paged(*args, 0) == everything
    assert await direct(*args, len(everything)) == []


async def test_the_engine_reads_a_runs_events_after_an_id(console: Console) -> None:
    from aioswf.local.faults import UnknownResourceFault

    s = console.scenario
    ref = s.start()
    engine = console.local.engine
    assert [e["eventId"] for e in engine.history_events(s.domain, ref["workflowId"], ref["runId"])] == [1, 2]
    assert [
        e["eventId"] for e in engine.history_events(s.domain, ref["workflowId"], ref["runId"], after=1)
    ] == [2]
    assert engine.history_events(s.domain, ref["workflowId"], ref["runId"], after=5) == []
    with pytest.raises(UnknownResourceFault):
        engine.history_events(s.domain, ref["workflowId"], "nope")
    with pytest.raises(UnknownResourceFault):
        engine.history_events("no-such-domain", ref["workflowId"], ref["runId"])


async def test_kept_histories_follow_the_engine_and_stay_bounded(console: Console) -> None:
    from aioswf.local.console import engine_events
    from aioswf.local.console.histories import Histories

    s = console.scenario
    engine = console.local.engine
    histories = Histories(engine_events(engine), max_events=10)
    first = s.start()
    run = await histories.get(s.domain, first["workflowId"], first["runId"])
    assert len(run.events) == 2
    assert not run.closed
    s.signal(first, "x")
    assert (await histories.get(s.domain, first["workflowId"], first["runId"])).events[-1][
        "eventType"
    ] == "WorkflowExecutionSignaled"
    s.call("TerminateWorkflowExecution", domain=s.domain, workflowId=first["workflowId"])
    run = await histories.get(s.domain, first["workflowId"], first["runId"])
    assert run.closed
    assert len(run.events) == 4
    second = s.start()
    await s.decide(*[marker(f"m{i}") for i in range(20)])
    big = await histories.get(s.domain, second["workflowId"], second["runId"])
    assert len(big.events) > 10
    assert len(histories._runs) == 1, "the run read last is kept, whatever its size; older ones go"
