"""``aioswf replay HISTORY.json MODULE:WORKFLOW [...]``: replay a saved history through workflow code.

Before deploying a change to a workflow, replay histories of its open runs (``aioswf execution history
... -o json``: one event per line, or ``GetWorkflowExecutionHistory``'s output saved as JSON) through the new code: the
command says whether the code still replays them, and where it parts from the history when it does not.
Nothing is sent to SWF.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from aioswf.cli.errors import EXIT_ERROR, EXIT_USAGE, CommandError
from aioswf.cli.invocation import run_async
from aioswf.cli.worker import load_target
from aioswf.flow.definitions import workflow_definition
from aioswf.flow.errors import NonDeterminismError
from aioswf.flow.replayer import Replayer, parse_history

__all__ = ["replay"]


def _workflows(targets: tuple[str, ...]) -> list[Any]:
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    found: list[Any] = []
    for target in targets:
        value = load_target(target)
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        for item in values:
            try:
                workflow_definition(item)
            except TypeError:
                raise CommandError(
                    f"{target} is not a workflow class",
                    "name a class decorated with @flow.workflow (or a list of them)",
                    exit_code=EXIT_USAGE,
                ) from None
            found.append(item)
    return found


def _history(path: str) -> Any:
    try:
        return parse_history(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(
            f"cannot read the history {path}: {error}",
            "give GetWorkflowExecutionHistory's output, its list of events, or `aioswf execution history -o json`",
        ) from error


@click.command("replay")
@click.argument("history", metavar="HISTORY.json", type=click.Path(dir_okay=False))
@click.argument("targets", metavar="MODULE:WORKFLOW...", nargs=-1, required=True)
@click.option(
    "--workflow-id",
    help="The run's workflow id, which a saved history does not carry (named in errors, and compared "
    "in the ids of the children it derives).",
)
def replay(history: str, targets: tuple[str, ...], workflow_id: str | None) -> int:
    """Replay a saved history through workflow code; say where the code parts from it.

    Exits 0 when the code replays the history, 1 when it does not (the message names the event, what the
    history holds, what the code asked for and the source line that asked).

    \b
    Examples:
      aioswf -d shop execution history order-42 -o json > order-42.json
      aioswf replay order-42.json myapp.workflows:Order --workflow-id order-42
    """
    workflows = _workflows(targets)
    events = _history(history)
    try:
        result = run_async(Replayer(workflows=workflows).replay(events, workflow_id=workflow_id))
    except NonDeterminismError as error:
        click.echo(f"aioswf: the code does not replay {history}:\n{error}", err=True)
        return EXIT_ERROR
    except (LookupError, ValueError) as error:
        raise CommandError(
            f"cannot replay {history}: {error}", "name the workflow class of that history"
        ) from error
    name, version = result.workflow_type
    closed = "closed" if result.closed else "open"
    click.echo(
        f"{history}: {name}/{version} replays: {result.rounds} decision task(s), {result.events} events, "
        f"the run {closed}"
    )
    return 0
