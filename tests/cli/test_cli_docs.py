"""docs/cli.md covers every command, with an example of each."""

from __future__ import annotations

from pathlib import Path

import click

from aioswf.cli import cli

DOC = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")


def leaf_commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.extend(leaf_commands(command, (*path, name)))
        else:
            found.append((*path, name))
    return found


def test_every_command_has_an_example_in_the_docs() -> None:
    examples = [line for line in DOC.splitlines() if "aioswf " in line]
    for path in leaf_commands(cli):
        hidden = cli.commands[path[0]].hidden
        words = [*path]
        assert any(all(f" {word}" in f" {line}" for word in words) for line in examples), (
            f"docs/cli.md shows no example of `aioswf {' '.join(path)}`"
            + (" (an older spelling)" if hidden else "")
        )


def test_every_option_of_every_visible_command_is_in_the_docs() -> None:
    def walk(group: click.Group) -> list[click.Command]:
        commands: list[click.Command] = [group]
        for command in group.commands.values():
            if command.hidden:
                continue
            commands.extend(walk(command) if isinstance(command, click.Group) else [command])
        return commands

    for command in walk(cli):
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden and param.name != "help":
                assert any(opt in DOC for opt in param.opts), f"docs/cli.md never names {param.opts[0]}"
