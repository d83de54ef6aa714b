"""`Replayer`: re-runs workflow code against saved histories, to catch incompatible code changes.

```python
history = json.load(open("order-42.json"))       # GetWorkflowExecutionHistory's output, or its events
await flow.Replayer(workflows=[Order]).replay(history, workflow_id="order-42")
```

A replay runs every answered decision task of the history through the current code and matches the
code's commands with what SWF recorded; it raises `NonDeterminismError` (naming the event, what the
history holds, what the code asked for and the source line) where they part. It sends nothing anywhere.
`replay_file` is what ``aioswf replay HISTORY.json MODULE:WORKFLOW`` calls.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import anyio
import attrs

from aioswf.flow.converter import DataConverter
from aioswf.flow.definitions import WorkflowDefinition, workflow_definition
from aioswf.flow.payloads import PayloadOffloader
from aioswf.flow.replay import WorkflowInstance
from aioswf.models.event import Event
from aioswf.models.history import History

__all__ = ["ReplayResult", "Replayer", "load_target", "parse_history", "replay_file"]


@attrs.frozen
class ReplayResult:
    """What a replay went through.

    Attributes:
        workflow_type: ``(name, version)`` of the run.
        events: How many events the history holds.
        rounds: How many decision tasks were replayed.
        closed: Whether the history ends with the run closed.
    """

    workflow_type: tuple[str, str]
    events: int
    rounds: int
    closed: bool


def _events(history: Any) -> list[Event]:
    if isinstance(history, History):
        return list(history)
    if isinstance(history, Mapping):
        history = history.get("events", history.get("history", []))
    return list(History(list(history)))


class Replayer:
    """Replays histories through workflow classes.

    Args:
        workflows: The ``@flow.workflow`` classes, found by each history's workflow type.
        converter: Decodes payloads as the workers do.
        offloader: Resolves payload references in the history (payloads kept in a store).
    """

    def __init__(
        self,
        *,
        workflows: Sequence[Any],
        converter: DataConverter | None = None,
        offloader: PayloadOffloader | None = None,
    ) -> None:
        self.workflows: dict[tuple[str, str], WorkflowDefinition] = {}
        for workflow in workflows:
            definition = workflow_definition(workflow)
            self.workflows[definition.type_key] = definition
        self.converter = converter or DataConverter()
        self.offloader = offloader

    async def replay(
        self,
        history: History | Mapping[str, Any] | Iterable[Any],
        *,
        workflow_id: str | None = None,
        run_id: str | None = None,
    ) -> ReplayResult:
        """Replays one history; raises where the code and the history disagree.

        Args:
            history: A `History`, ``GetWorkflowExecutionHistory``'s output (``{"events": [...]}``, as JSON
                or from aiobotocore) or its list of events.
            workflow_id: The run's workflow id, which such a history does not carry (named in errors, and
                compared in the ids of children it derives; without it they are compared by their ends).
            run_id: The run's id, when known.

        Returns:
            What was replayed.

        Raises:
            NonDeterminismError: When the code does not replay the history.
            LookupError: When no workflow class is of the history's workflow type.
            Exception: What the workflow code raised where the recorded run went on.
        """
        events = _events(history)
        if not events or events[0].name != "WorkflowExecutionStarted":
            raise ValueError("a history to replay must start with its WorkflowExecutionStarted event")
        raw_type = events[0].attributes.get("workflow_type") or {}
        key = (str(raw_type.get("name")), str(raw_type.get("version")))
        definition = self.workflows.get(key)
        if definition is None:
            known = ", ".join(f"{name}/{version}" for name, version in self.workflows) or "none"
            raise LookupError(f"no workflow class for {key[0]}/{key[1]} (the replayer has {known})")
        if self.offloader is not None:
            events = [await self.offloader.resolve_event(event) for event in events]
        instance = WorkflowInstance(
            definition,
            converter=self.converter,
            offloader=self.offloader,
            workflow_id=workflow_id,
            run_id=run_id,
        )
        try:
            instance.activate(events, live=False)
        finally:
            instance.evict()
        rounds = sum(1 for event in events if event.name == "DecisionTaskCompleted")
        return ReplayResult(key, len(events), rounds, History(events).finished)


def load_target(target: str) -> Any:
    """Imports ``MODULE:OBJECT`` (a workflow class, or a list of them).

    Raises:
        ValueError: When the target is not ``MODULE:OBJECT``.
        ImportError: When the module cannot be imported.
        AttributeError: When the module has no such object.
    """
    module_name, sep, attribute = target.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"expected MODULE:OBJECT, got {target!r}")
    if "" not in sys.path and "." not in sys.path:
        sys.path.insert(0, "")
    found: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        found = getattr(found, part)
    return found


def parse_history(text: str) -> Any:
    """A saved history's JSON: ``GetWorkflowExecutionHistory``'s output, a list of events, or one event per
    line (what ``aioswf execution history -o json`` prints).

    Raises:
        ValueError: When the text is none of these.
    """
    try:
        return json.loads(text)
    except ValueError:
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            raise
        return [json.loads(line) for line in lines]


async def replay_file(
    path: str | Path, targets: Sequence[str], *, workflow_id: str | None = None
) -> ReplayResult:
    """Replays a history saved as JSON through the workflow classes named ``MODULE:OBJECT``.

    Args:
        path: The JSON file (``GetWorkflowExecutionHistory``'s output, a list of events, or JSON lines).
        targets: ``MODULE:OBJECT`` of workflow classes (or of lists of them).
        workflow_id: The run's workflow id, for the errors.

    Returns:
        What was replayed.

    Raises:
        NonDeterminismError: When the code does not replay the history.
    """
    workflows: list[Any] = []
    for target in targets:
        found = load_target(target)
        workflows.extend(found if isinstance(found, (list, tuple)) else [found])
    history = parse_history(await anyio.Path(path).read_text(encoding="utf-8"))
    return await Replayer(workflows=workflows).replay(history, workflow_id=workflow_id)
