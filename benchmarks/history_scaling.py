"""Goal 4: building and compiling a history costs the same per event at 25,000 events as at 1,000.

A history of N events (activities scheduled, started and completed in turn, with their decision tasks,
and a signal, a timer and a marker now and then) is built from raw events shaped as a poll's response
(timestamps as datetimes) and compiled: ``History.from_raw(raw).compile()``. The raw events stay alive,
as a decision task's response does. Rounds alternate: one 25,000-event history, then 25 histories of
1,000 events, in the same process, with Python's cyclic garbage collector on (as in a real process) and,
for reference, off. The table gives CPU per event of each and their ratio (median, range over rounds),
and how many objects the collector tracks per event of a built history.

Run: ``.venv/bin/python benchmarks/history_scaling.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import datetime
import gc
import sys
import time
from typing import Any

from harness import report, spread, table

from aioswf.models.history import History

START = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
GOAL = 1.1


def raw_history(count: int) -> list[dict[str, Any]]:
    """`count` raw events of a long-running workflow."""
    events: list[dict[str, Any]] = []

    def add(kind: str, **attributes: Any) -> int:
        event_id = len(events) + 1
        events.append(
            {
                "eventId": event_id,
                "eventType": kind,
                "eventTimestamp": START + datetime.timedelta(seconds=event_id),
                kind[0].lower() + kind[1:] + "EventAttributes": attributes,
            }
        )
        return event_id

    add(
        "WorkflowExecutionStarted",
        workflowType={"name": "wf", "version": "1"},
        taskList={"name": "decisions"},
        childPolicy="TERMINATE",
        executionStartToCloseTimeout="3600",
        taskStartToCloseTimeout="60",
        input="start",
    )
    index = 0
    while len(events) < count:
        scheduled = add("DecisionTaskScheduled", taskList={"name": "decisions"}, startToCloseTimeout="60")
        started = add("DecisionTaskStarted", scheduledEventId=scheduled, identity="decider")
        completed = add("DecisionTaskCompleted", scheduledEventId=scheduled, startedEventId=started)
        activity = add(
            "ActivityTaskScheduled",
            activityType={"name": "act", "version": "1"},
            activityId=f"a{index}",
            taskList={"name": "work"},
            input=f"input {index}",
            decisionTaskCompletedEventId=completed,
            scheduleToCloseTimeout="60",
            scheduleToStartTimeout="30",
            startToCloseTimeout="30",
            heartbeatTimeout="NONE",
        )
        began = add("ActivityTaskStarted", scheduledEventId=activity, identity="worker")
        add(
            "ActivityTaskCompleted", scheduledEventId=activity, startedEventId=began, result=f"result {index}"
        )
        if index % 10 == 0:
            add("WorkflowExecutionSignaled", signalName="poke", input="x")
            add("MarkerRecorded", markerName="m", details=str(index), decisionTaskCompletedEventId=completed)
            timer = add(
                "TimerStarted",
                timerId=f"t{index}",
                startToFireTimeout="5",
                decisionTaskCompletedEventId=completed,
            )
            add("TimerFired", timerId=f"t{index}", startedEventId=timer)
        index += 1
    return events[:count]


def build(raw: list[dict[str, Any]]) -> Any:
    """What a decider does with a decision task's events: build the history and compile it."""
    return History.from_raw(raw).compile()


def build_and_read(raw: list[dict[str, Any]]) -> Any:
    """The same, reading every `Event` too (which builds and keeps them all)."""
    history = History.from_raw(raw)
    assert sum(1 for _ in history) == len(raw)
    return history.compile()


def cpu_per_event(raw: list[dict[str, Any]], repeat: int, work: Any = build) -> float:
    """CPU seconds per event of `work` on `raw`, `repeat` times."""
    began = time.process_time()
    for _ in range(repeat):
        work(raw)
    return (time.process_time() - began) / (repeat * len(raw))


def tracked_per_event(raw: list[dict[str, Any]], read: bool) -> float:
    """Objects the collector tracks per event of a built History (the raw events not counted)."""
    gc.collect()
    before = len(gc.get_objects())
    history = History.from_raw(raw)
    if read:
        assert len(history.events) == len(raw)
    after = len(gc.get_objects())
    return (after - before - 1 - int(read)) / len(raw)


def main(argv: list[str] | None = None) -> int:
    """Runs the comparison and prints its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 rounds")
    parser.add_argument("--rounds", type=int, help="alternating rounds (default 7)")
    args = parser.parse_args(argv)
    rounds = args.rounds or (2 if args.quick else 7)
    small, large = raw_history(1_000), raw_history(25_000)
    repeat = len(large) // len(small)
    rows = []
    cases = (
        ("from_raw + compile", build, True),
        ("from_raw + compile", build, False),
        ("from_raw + read every event + compile", build_and_read, True),
        ("from_raw + read every event + compile", build_and_read, False),
    )
    for label, work, collector in cases:
        ratios, small_us, large_us = [], [], []
        cpu_per_event(small, 2, work)
        for round_index in range(rounds):
            if collector:
                gc.enable()
            else:
                gc.disable()
            try:
                if round_index % 2:
                    per_small, per_large = cpu_per_event(small, repeat, work), cpu_per_event(large, 1, work)
                else:
                    per_large, per_small = cpu_per_event(large, 1, work), cpu_per_event(small, repeat, work)
            finally:
                gc.enable()
            ratios.append(per_large / per_small)
            small_us.append(per_small * 1e6)
            large_us.append(per_large * 1e6)
        goal = f"<= {GOAL}" if collector else "(reference)"
        tracked = tracked_per_event(small, read=work is build_and_read)
        rows.append(
            [
                label,
                "on" if collector else "off",
                f"{tracked:.2f}",
                spread(small_us),
                spread(large_us),
                spread(ratios),
                goal,
            ]
        )
    header = [
        "work",
        "collector",
        "tracked objects per event kept",
        "1,000 events: CPU per event (us)",
        "25,000 events: CPU per event (us)",
        "ratio",
        "goal",
    ]
    body = table(header, rows)
    body += f"\n\n{rounds} alternating rounds; median (min-max)."
    report(
        "History scaling (goal 4)",
        "python benchmarks/history_scaling.py" + (" --quick" if args.quick else ""),
        body,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
