"""Batches: the decisions of one round, within SWF's limits, and the answer of a round that failed.

One ``RespondDecisionTaskCompleted`` carries at most 100 decisions and 1 MiB; an execution keeps at most
1,000 activities, timers and children open. `build_batch` sends what fits: markers first (a replay needs
their values early), the code's other commands in order (those of a kind at its open limit wait in the
SDK), the closing decision last and only once nothing else is left. When more remains, the last of the
100 decisions is a 0-second timer, ``aioswf.carry.<n>``: its firing brings the next decision task, which
sends the next ones. A replay reads which commands went out from the history, so the split never has to
be the same twice.
"""

from __future__ import annotations

import collections
import json
from collections.abc import Mapping, Sequence

import attrs

from aioswf.flow import commands as cmds
from aioswf.flow.converter import DataConverter
from aioswf.flow.failures import encode_failure
from aioswf.flow.payloads import PayloadReference
from aioswf.models.decision import MAX_DECISIONS, MAX_REQUEST_BYTES, Decision, MarkerDecision, TimerDecision
from aioswf.models.event import Event

__all__ = [
    "LIMITED",
    "OPEN_LIMIT",
    "SDK_LIMIT",
    "Activation",
    "build_batch",
    "failure_decisions",
    "round_failed",
]

#: Open activities, timers and children SWF allows one execution; more wait in the SDK.
OPEN_LIMIT = 1000
#: What the code's commands may keep open: one timer stays free for aioswf's carry-over and retry timers.
SDK_LIMIT = OPEN_LIMIT - 1
LIMITED = ("activity", "timer", "child")
#: Bytes kept free in a response for the task token, the task list and the carry-over timer.
RESPONSE_MARGIN = 16_384


@attrs.frozen
class Activation:
    """What one live round decided.

    Attributes:
        decisions: The new decisions, at most 100 (and at most 1 MiB), in order.
        references: Payloads to store before the decisions are sent.
        closing: Whether the decisions close the run.
        started_event_id: The ``DecisionTaskStarted`` event of the round.
    """

    decisions: tuple[Decision, ...]
    references: tuple[PayloadReference, ...]
    closing: bool
    started_event_id: int


def build_batch(
    unsent: Sequence[cmds.Command],
    open_counts: Mapping[str, int],
    close: cmds.CloseCommand | None,
    started_event_id: int,
) -> Activation:
    """The decisions of a live round, from the commands not sent yet (in order of creation).

    Args:
        unsent: The commands not sent yet, the closing one excepted.
        open_counts: Open activities, timers and children, as the history has them so far.
        close: The closing command, when the run ends.
        started_event_id: The round's ``DecisionTaskStarted`` event (names the carry-over timer).

    Returns:
        The round's activation.
    """
    markers = [command for command in unsent if command.kind == "marker"]
    others = [command for command in unsent if command.kind not in ("marker", "close")]
    sendable: list[cmds.Command] = []
    held: set[str] = set()
    counts = collections.Counter[str]()
    for command in markers + others:
        kind = command.kind
        if kind in held:
            continue
        if kind in LIMITED and open_counts.get(kind, 0) + counts[kind] >= SDK_LIMIT:
            held.add(kind)  # the rest of this kind waits, in order, for some to close
            continue
        counts[kind] += 1
        sendable.append(command)
    if close is not None:
        sendable.append(close)
    sizes = [len(json.dumps(command.decision.to_api(), separators=(",", ":"))) for command in sendable]
    budget = MAX_REQUEST_BYTES - RESPONSE_MARGIN
    batch: list[cmds.Command] = sendable
    carry: Decision | None = None
    if len(sendable) > MAX_DECISIONS or sum(sizes) > budget:
        batch, total = [], 0
        for command, size in zip(sendable, sizes, strict=True):
            if len(batch) >= MAX_DECISIONS - 1 or total + size > budget:
                break
            batch.append(command)
            total += size
        carry = TimerDecision.start(f"{cmds.CARRY_TIMER}{started_event_id}", 0)
    decisions = [command.decision for command in batch]
    if carry is not None:
        decisions.append(carry)
    references = tuple(reference for command in batch for reference in command.references)
    closing = close is not None and bool(batch) and batch[-1] is close
    return Activation(tuple(decisions), references, closing, started_event_id)


def failure_decisions(
    error: BaseException, started_event_id: int, failures: int, converter: DataConverter
) -> tuple[Decision, ...]:
    """What to answer when workflow code could not decide: aioswf's failure marker and a retry timer.

    The marker (its details say what went wrong, and where) makes every replay skip the round, as if the
    task had timed out; the timer, of 1 s doubling with each failure in a row up to 5 minutes, brings the
    next decision task. SWF has no call to fail a decision task; this way the retry comes soon, the error
    is in the history for whoever reads it, and nothing of the failed attempt is decided.

    Args:
        error: What went wrong.
        started_event_id: The ``DecisionTaskStarted`` event of the task (names the timer).
        failures: How many rounds in a row failed before this one.
        converter: Encodes the error's details.

    Returns:
        The two decisions.
    """
    _reason, details = encode_failure(error, converter)
    delay = min(2**failures, 300)
    return (
        MarkerDecision.record(cmds.FAILED_MARKER, details=details),
        TimerDecision.start(f"{cmds.TASK_RETRY_TIMER}{started_event_id}", delay),
    )


def round_failed(events: Sequence[Event], index: int, completed_id: int) -> bool:
    """Whether the answer recorded at ``completed_id`` carries aioswf's decision-failed marker."""
    for position in range(index, len(events)):  # no slice: a History's slice copies the whole history
        event = events[position]
        if event.name in ("DecisionTaskStarted", "DecisionTaskCompleted"):
            return False
        if (
            event.name == "MarkerRecorded"
            and event.attributes.get("decision_task_completed_event_id") == completed_id
            and event.attributes.get("marker_name") == cmds.FAILED_MARKER
        ):
            return True
    return False
