"""``aioswf completion SHELL``: the shell completion script (click's), to ``eval`` in a shell's rc file."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

__all__ = ["completion"]

SHELLS = ("bash", "zsh", "fish")


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the completion script for bash, zsh or fish.

    \b
    Examples:
      eval "$(aioswf completion bash)"     # in ~/.bashrc
      eval "$(aioswf completion zsh)"      # in ~/.zshrc
      aioswf completion fish > ~/.config/fish/completions/aioswf.fish
    """
    root = ctx.find_root()
    cls = get_completion_class(shell)
    if cls is None:  # pragma: no cover - click knows the three SHELLS
        raise click.BadParameter(f"no completion for {shell}")
    script = cls(root.command, {}, "aioswf", "_AIOSWF_COMPLETE").source()
    click.echo(script)
