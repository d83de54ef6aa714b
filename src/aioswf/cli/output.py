"""How the ``aioswf`` command prints: aligned tables on a terminal, JSON lines or tab-separated values.

- ``table`` (the default on a terminal): a header and aligned columns, times in local time, long values
  cut to fit (``-o json`` has them whole). A single item (``show``) prints as ``field  value`` lines.
- ``json``: one JSON object per line (JSON Lines), each listing streamed page by page as SWF answers, so
  ``jq`` starts at once; times in ISO 8601, in UTC.
- ``tsv`` (the default in a pipe): one tab-separated line per item and no header, times in ISO 8601 (UTC),
  tabs and newlines inside values escaped so that each item stays on its line.

Progress (`Progress`) goes to standard error, and only when standard error is a terminal.
"""

from __future__ import annotations

import enum
import json
import math
import os
import sys
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, TextIO

import anyio
import attrs

__all__ = [
    "Column",
    "OutputFormat",
    "Printer",
    "Progress",
    "cell",
    "columns",
    "is_terminal",
    "json_line",
    "table",
]

#: Table cells longer than this are cut (with an ellipsis); JSON and TSV are never cut.
MAX_CELL = 60
#: Seconds a listing runs before its progress shows: short listings print without flicker.
PROGRESS_AFTER = 0.3
#: Seconds between two updates of a progress line.
PROGRESS_EVERY = 0.1


class OutputFormat(enum.Enum):
    """The three output formats."""

    TABLE = "table"
    JSON = "json"
    TSV = "tsv"


def is_terminal(stream: TextIO) -> bool:
    """Whether `stream` is an interactive terminal (and not a dumb one)."""
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


@attrs.frozen
class Column:
    """One column of a listing.

    Attributes:
        key: The item's key, also the JSON key.
        header: The table's header for it (default: the key, upper-cased, ``_`` as spaces).
    """

    key: str
    header: str = ""

    @property
    def title(self) -> str:
        """The header to print."""
        return self.header or self.key.replace("_", " ").upper()


def columns(*keys: str) -> tuple[Column, ...]:
    """Columns for these keys, with the default headers."""
    return tuple(Column(key) for key in keys)


def iso(value: datetime) -> str:
    """A time in ISO 8601, in UTC: machine output does not depend on the machine's time zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat()


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, enum.Enum):
        return value.value
    return str(value)


def json_line(item: Mapping[str, Any]) -> str:
    """One item as one line of JSON: ISO 8601 times, no newline inside."""
    return json.dumps(dict(item), default=_json_default, ensure_ascii=False)


def _local_time(value: datetime) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _seconds(value: float) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:.3f}".rstrip("0").rstrip(".") if value < 100 else f"{value:.0f}"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def cell(value: Any, output: OutputFormat) -> str:
    """How one value prints in a table or a TSV line.

    Args:
        value: The value: ``None``, a string, a number, a datetime, a sequence or a mapping.
        output: ``TABLE`` (local times, cut) or ``TSV`` (ISO 8601 times, escaped, whole).

    Returns:
        The text, with no tab or newline in it.
    """
    if value is None:
        return "-"
    if isinstance(value, bool):
        return ("yes" if value else "no") if output is OutputFormat.TABLE else str(value).lower()
    if isinstance(value, datetime):
        return _local_time(value) if output is OutputFormat.TABLE else iso(value)
    if isinstance(value, float):
        return _seconds(value)
    if isinstance(value, Mapping):
        text = json.dumps(dict(value), default=_json_default, ensure_ascii=False)
    elif isinstance(value, (list, tuple)):
        text = ",".join(cell(item, output) for item in value) if value else "-"
    else:
        text = str(value)
    text = _escape(text)
    if output is OutputFormat.TABLE and len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return text


def table(rows: Sequence[Mapping[str, Any]], cols: Sequence[Column]) -> list[str]:
    """Lines of an aligned table with a header (the last column is not padded)."""
    cells = [[cell(row.get(c.key), OutputFormat.TABLE) for c in cols] for row in rows]
    titles = [c.title for c in cols]
    widths = [max([len(titles[i])] + [len(line[i]) for line in cells]) for i in range(len(cols))]
    return [
        "  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip()
        for line in [titles, *cells]
    ]


class Progress:
    """A one-line progress report on standard error, redrawn in place; silent unless that is a terminal.

    Args:
        stream: Where to draw (standard error).
        enabled: Whether to draw at all (default: when `stream` is a terminal).
        after: Seconds to wait before drawing the first line.
    """

    def __init__(self, stream: TextIO, *, enabled: bool | None = None, after: float = PROGRESS_AFTER) -> None:
        self._stream = stream
        self.enabled = is_terminal(stream) if enabled is None else enabled
        self._started = time.monotonic()
        self._after = after
        self._drawn_at = -math.inf
        self._shown = False

    @property
    def elapsed(self) -> float:
        """Seconds since the progress began."""
        return time.monotonic() - self._started

    def update(self, text: str, *, force: bool = False) -> None:
        """Redraws the line (at most every 0.1 s, and only once `after` seconds have passed)."""
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and (now - self._started < self._after or now - self._drawn_at < PROGRESS_EVERY):
            return
        self._drawn_at = now
        self._shown = True
        self._stream.write("\r\x1b[2K" + text)
        self._stream.flush()

    def clear(self) -> None:
        """Erases the line, if one was drawn."""
        if self._shown:
            self._stream.write("\r\x1b[2K")
            self._stream.flush()
            self._shown = False


class Printer:
    """Prints items in the chosen format.

    Args:
        output: The format.
        out: Standard output.
        err: Standard error (for progress).
    """

    def __init__(self, output: OutputFormat, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.output = output
        self.out = out or sys.stdout
        self.err = err or sys.stderr

    def _line(self, text: str) -> None:
        self.out.write(text + "\n")

    def item(self, item: Mapping[str, Any], cols: Sequence[Column]) -> None:
        """Prints one item: ``field  value`` lines in a table, else like one row of a listing."""
        if self.output is OutputFormat.JSON:
            self._line(json_line(item))
        elif self.output is OutputFormat.TSV:
            self._line("\t".join(cell(item.get(c.key), OutputFormat.TSV) for c in cols))
        else:
            width = max(len(c.key) for c in cols)
            for c in cols:
                self._line(f"{c.key.ljust(width)}  {cell(item.get(c.key), OutputFormat.TABLE)}".rstrip())
        self.out.flush()

    def rows(self, rows: Iterable[Mapping[str, Any]], cols: Sequence[Column]) -> int:
        """Prints a listing already in hand; returns how many items it had."""
        items = list(rows)
        if self.output is OutputFormat.TABLE:
            for line in table(items, cols):
                self._line(line)
        else:
            for row in items:
                self._row(row, cols)
        self.out.flush()
        return len(items)

    def _row(self, row: Mapping[str, Any], cols: Sequence[Column]) -> None:
        if self.output is OutputFormat.JSON:
            self._line(json_line(row))
        else:
            self._line("\t".join(cell(row.get(c.key), OutputFormat.TSV) for c in cols))

    async def listing(
        self, rows: AsyncIterator[Mapping[str, Any]], cols: Sequence[Column], *, what: str
    ) -> int:
        """Prints a listing as it arrives; returns how many items it had.

        JSON and TSV lines are written (and flushed) as each page arrives; a table needs every row for its
        widths, so it is printed at the end, with progress on a terminal meanwhile.

        Args:
            rows: The items, fetched lazily.
            cols: The columns (TSV and table).
            what: What is listed, plural, for the progress line (``"executions"``).
        """
        count = 0
        if self.output is not OutputFormat.TABLE:
            async for row in rows:
                self._row(row, cols)
                self.out.flush()
                count += 1
            return count
        progress = Progress(self.err)
        collected: list[Mapping[str, Any]] = []
        if not progress.enabled:
            collected = [row async for row in rows]
            return self.rows(collected, cols)
        # A ticker rather than an update per row: a slow page shows progress instead of freezing.
        async with anyio.create_task_group() as group:

            async def tick() -> None:
                while True:
                    await anyio.sleep(PROGRESS_EVERY)
                    progress.update(f"listing {what}: {len(collected)} so far…")

            group.start_soon(tick)
            try:
                async for row in rows:
                    collected.append(row)
            finally:
                group.cancel_scope.cancel()
                progress.clear()
        return self.rows(collected, cols)
