"""The store's writer: one thread that commits batches of statements, many batches per transaction.

The event loop prepares each batch (the statements of one operation, one deadline firing, ...) and hands
it over without waiting; the thread takes every batch queued so far and commits them in one transaction
(group commit), so that an fsync per commit (``synchronous=FULL``) is paid once for many operations,
and none of SQLite's work runs on the loop. Batches are committed in the order they were handed over,
and a batch is never split across transactions: each operation's changes land whole or not at all.

After a failed commit nothing more is written (what is in memory no longer matches the disk): every
batch handed over later fails at once with the same error.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["Batch", "Writer"]

log = logging.getLogger("aioswf.local.store")
Statement = tuple[str, Sequence[Sequence[Any]]]
"""An SQL statement and the rows of parameters it is executed with (``executemany``)."""


class Batch:
    """The statements of one step of the server (an operation, a deadline firing), committed together."""

    __slots__ = ("number", "statements")

    def __init__(self, number: int, statements: list[Statement]) -> None:
        self.number = number
        self.statements = statements


_STOP = object()


class Writer:
    """Commits batches on a thread of its own.

    Args:
        connection: The connection to write with (autocommit mode; used by this thread only).
        committed: Called on the writer's thread after each transaction, with the number of its last batch
            and the error if the transaction failed.
    """

    def __init__(
        self, connection: sqlite3.Connection, committed: Callable[[int, BaseException | None], None]
    ) -> None:
        self._connection = connection
        self._committed = committed
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="aioswf-local-store", daemon=True)
        self.transactions = 0
        """How many transactions were committed (each may hold many batches)."""

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def submit(self, batch: Batch) -> None:
        """Queue a batch for the next transaction (never blocks)."""
        self._queue.put(batch)

    def stop(self) -> None:
        """Commit what is queued, then end the thread and wait for it (idempotent)."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()

    def _run(self) -> None:
        failed: BaseException | None = None
        stopping = False
        while not stopping:
            batches = [self._queue.get()]
            while True:
                try:
                    batches.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if _STOP in batches:
                stopping = True
                batches = [batch for batch in batches if batch is not _STOP]
                if not batches:
                    break
            if failed is None:
                failed = self._commit(batches)
            self._committed(batches[-1].number, failed)

    def _commit(self, batches: list[Batch]) -> BaseException | None:
        connection = self._connection
        try:
            connection.execute("BEGIN IMMEDIATE")
            for batch in batches:
                for sql, rows in batch.statements:
                    connection.executemany(sql, rows)
            connection.execute("COMMIT")
        except BaseException as error:  # handed to every waiting answer; the thread must not die silently
            log.error("the local SWF server could not write its data directory: %s", error)
            try:
                connection.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            return error
        self.transactions += 1
        return None
