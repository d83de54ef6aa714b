"""The durable store: the local server's state in one SQLite database, written as it changes.

The state tells the store which records changed at the end of each step (an operation, a deadline
firing, a Lambda stand-in finishing); the store turns them into one batch of statements on the event loop
and hands it to its writer thread, and whoever must not answer before the batch is durable awaits
:meth:`Store.synced`. At start, :meth:`Store.open` reads everything back: domains, types, every run with
its open work, task tokens and deadline times, and open runs' histories. Closed runs' histories stay in
the database until someone reads them (:class:`StoredHistory`), so a server holding 100,000 closed
executions starts in seconds.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import sqlite3
import zlib
from collections import deque
from collections.abc import Callable
from typing import Any

import attrs

from aioswf.local.records import (
    ClosedHistory,
    DomainRecord,
    ExecutionRecord,
    TypeRecord,
    WorkflowTypeRecord,
)
from aioswf.local.store.data_dir import DataDir, DataDirError, Synchronous, corrupt
from aioswf.local.store.rows import (
    ExecutionRow,
    Queued,
    decode_domain,
    decode_type,
    encode,
    encode_domain,
    encode_type,
    expires_of,
    progress_of,
    restore_execution,
    restore_open_work,
    settings_of,
)
from aioswf.local.store.writer import Batch, Statement, Writer

__all__ = ["Changes", "Restored", "Store", "StoreWriteError", "StoredHistory", "TypeKey"]

log = logging.getLogger("aioswf.local.store")
TypeKey = tuple[str, str, str, str]
"""A type's key: domain, kind (``workflow`` or ``activity``), name, version."""

_EXECUTION_COLUMNS = (
    "run_id, domain, workflow_id, status, start, seq, close_seq, expires, event_count, settings, progress"
)
_INSERT_RUN = f"INSERT OR REPLACE INTO executions ({_EXECUTION_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
_UPDATE_OPEN_RUN = "UPDATE executions SET event_count = ?, progress = ? WHERE run_id = ?"
_UPDATE_CLOSED_RUN = (
    "UPDATE executions SET status = ?, close_seq = ?, expires = ?, progress = ? WHERE run_id = ?"
)
_INSERT_EVENT = "INSERT OR REPLACE INTO events (run_id, event_id, body) VALUES (?,?,?)"
_INSERT_HISTORY = "INSERT OR REPLACE INTO histories (run_id, events) VALUES (?,?)"
_WIPE = tuple(f"DELETE FROM {table}" for table in ("domains", "types", "executions", "events", "histories"))


class _Compressed:
    """A closed history's JSON, compressed by SQLite's adapter as the writer thread binds it (off the loop)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


# JSON histories shrink about five times; compressing a 2 KB one takes some 30 us, a 5 MB one about 50 ms,
# which is why it happens on the writer's thread, not on the event loop.
sqlite3.register_adapter(_Compressed, lambda value: zlib.compress(value.text.encode(), 6))


class StoreWriteError(DataDirError):
    """A write to the data directory failed: nothing more is written, and no answer waits for it in vain."""


@attrs.frozen
class Changes:
    """What changed in the state since the last batch: each record as it is now, None if it is gone."""

    wipe: bool
    domains: list[tuple[str, DomainRecord | None]]
    types: list[tuple[TypeKey, TypeRecord | None]]
    runs: list[tuple[str, ExecutionRecord | None]]
    clock: float


@attrs.define
class Restored:
    """Everything :meth:`Store.open` read back.

    Attributes:
        domains: The domains, with their types, runs and retention queue.
        runs: Every run, by run id, in the order they started.
        queued: The tasks scheduled and not started, in queue order.
        clock: The clock's reading at the last commit (None for a new database).
        next_order: The next sequence number for a run's start or close.
    """

    domains: dict[str, DomainRecord]
    runs: dict[str, ExecutionRecord]
    queued: list[Queued]
    clock: float | None
    next_order: int


class StoredHistory(ClosedHistory):
    """A closed run's history, left in the database until it is read (each read fetches it again)."""

    __slots__ = ("_run_id", "_store")

    def __init__(self, store: Store, run_id: str, length: int) -> None:
        self._store = store
        self._run_id = run_id
        self._length = length

    @property
    def text(self) -> str:
        """The events as one JSON array, read from the database."""
        return self._store.read_history(self._run_id)


class Store:
    """The local server's state in a data directory (see the module's docstring).

    Args:
        path: The data directory (created if missing).
        synchronous: ``"normal"`` (the default: every commit survives the server's process being killed)
            or ``"full"`` (it survives a power cut or an OS crash too; each commit waits for an fsync).
    """

    def __init__(self, path: str | os.PathLike[str], *, synchronous: Synchronous = "normal") -> None:
        self.data_dir = DataDir(path, synchronous=synchronous)
        self.error: StoreWriteError | None = None
        """Why writing stopped, after a failed commit."""
        self._connection: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._writer: Writer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        #: Open runs whose row exists: how many of their events are written.
        self._saved: dict[str, int] = {}
        self._submitted = 0
        self._durable = 0
        self._waiters: deque[tuple[int, asyncio.Future[None]]] = deque()
        #: Closed histories to leave on disk once their batch is committed: (batch, run, history).
        self._swaps: deque[tuple[int, ExecutionRecord, ClosedHistory]] = deque()
        self._failure_callbacks: list[Callable[[StoreWriteError], None]] = []

    @property
    def path(self) -> str:
        """The data directory."""
        return str(self.data_dir.path)

    @property
    def transactions(self) -> int:
        """How many transactions were committed so far."""
        return self._writer.transactions if self._writer is not None else 0

    # -- opening and closing -------------------------------------------------------------------

    def open(self) -> Restored:
        """Lock the data directory, open its database and read the state back (blocking: run it in a thread).

        Raises:
            DataDirError: If the directory cannot be used (in use, too new, corrupt: see its subclasses).
        """
        connection = self.data_dir.open()
        # Reading 100,000 runs back creates some 700,000 objects the cyclic collector tracks; collecting
        # as they pile up doubled the time of a start (measured: 3.0 s against 1.6 s). None of them is
        # garbage yet, so the collector waits until they are all read.
        collecting = gc.isenabled()
        gc.disable()
        try:
            restored = self._load(connection)
            self._reader = self.data_dir.reader()
        except BaseException:
            connection.close()
            self.data_dir.unlock()
            raise
        finally:
            if collecting:
                gc.enable()
        self._connection = connection
        return restored

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the writer thread; batches are then written as :meth:`save` hands them over."""
        assert self._connection is not None, "open() the store first"
        self._loop = loop
        self._writer = Writer(self._connection, self._committed_elsewhere)
        self._writer.start()

    async def close(self) -> None:
        """Write what is pending, stop the writer, close the database and release the lock (idempotent)."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            await asyncio.to_thread(writer.stop)
            self._settle()
        for connection in (self._reader, self._connection):
            if connection is not None:
                connection.close()
        self._reader = self._connection = None
        self.data_dir.unlock()

    def add_failure_callback(self, callback: Callable[[StoreWriteError], None]) -> None:
        """Call ``callback`` (on the event loop) if a write fails; a server process then stops."""
        self._failure_callbacks.append(callback)

    # -- writing -------------------------------------------------------------------------------

    def save(self, changes: Changes) -> None:
        """Turn changes into one batch (on the event loop) and hand it to the writer."""
        if self._writer is None:
            raise RuntimeError("the store is not started")
        if self.error is not None:
            return
        self._submitted += 1
        try:
            statements = self._statements(changes)
        except Exception as error:  # a record the store cannot write: nothing may be answered as durable
            log.exception("the local SWF server cannot write a change to its data directory")
            self._fail(error)
            return
        self._writer.submit(Batch(self._submitted, statements))

    async def synced(self) -> None:
        """Return once every batch handed over so far is committed.

        Raises:
            StoreWriteError: If a commit failed.
        """
        if self.error is not None:
            raise self.error
        if self._durable >= self._submitted:
            return
        assert self._loop is not None
        future: asyncio.Future[None] = self._loop.create_future()
        self._waiters.append((self._submitted, future))
        await future

    def _committed_elsewhere(self, number: int, error: BaseException | None) -> None:
        loop = self._loop
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(self._committed, number, error)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    def _committed(self, number: int, error: BaseException | None) -> None:
        if error is not None:
            self._fail(error)
        self._durable = max(self._durable, number)
        self._settle()

    def _fail(self, error: BaseException) -> None:
        if self.error is not None:
            return
        self.error = StoreWriteError(
            f"the local SWF server cannot write its data directory {self.path}: {error}; it stops "
            "writing, and answers every request with an error from now on"
        )
        self.error.__cause__ = error
        for callback in self._failure_callbacks:
            callback(self.error)
        self._settle()

    def _settle(self) -> None:
        while self._waiters and (self.error is not None or self._waiters[0][0] <= self._durable):
            _, future = self._waiters.popleft()
            if not future.done():
                if self.error is not None:
                    future.set_exception(self.error)
                else:
                    future.set_result(None)
        while self._swaps and self._swaps[0][0] <= self._durable and self.error is None:
            _, execution, history = self._swaps.popleft()
            if execution.events is history:
                execution.events = StoredHistory(self, execution.run_id, len(history))

    def _statements(self, changes: Changes) -> list[Statement]:
        statements: list[Statement] = []
        if changes.wipe:
            statements.extend((sql, [()]) for sql in _WIPE)
            self._saved.clear()
            self._swaps.clear()
        gone_runs: list[tuple[str]] = []
        rows: list[tuple[Any, ...]] = []
        open_runs: list[tuple[Any, ...]] = []
        closed_runs: list[tuple[Any, ...]] = []
        events: list[tuple[str, int, str]] = []
        histories: list[tuple[str, _Compressed]] = []
        closed_now: list[tuple[str]] = []
        for run_id, execution in changes.runs:
            if execution is None:
                gone_runs.append((run_id,))
                self._saved.pop(run_id, None)
                continue
            history = execution.events
            if execution.status == "OPEN":
                saved = self._saved.get(run_id)
                if saved is None:
                    rows.append(_row(execution))
                    saved = 0
                else:
                    open_runs.append((len(history), progress_of(execution), run_id))
                events.extend(
                    (run_id, index + 1, encode(history[index])) for index in range(saved, len(history))
                )
                self._saved[run_id] = len(history)
                continue
            self._saved.pop(run_id, None)
            if isinstance(history, StoredHistory):  # closed before this server started: already written
                closed_runs.append(
                    (
                        execution.status,
                        execution.close_order,
                        expires_of(execution),
                        progress_of(execution),
                        run_id,
                    )
                )
                continue
            rows.append(_row(execution))
            if isinstance(history, ClosedHistory):
                histories.append((run_id, _Compressed(history.text)))
                self._swaps.append((self._submitted, execution, history))
            else:
                histories.append((run_id, _Compressed(encode(list(history)))))
            closed_now.append((run_id,))
        _add(
            statements,
            "INSERT OR REPLACE INTO domains (name, body) VALUES (?,?)",
            [(name, encode_domain(domain)) for name, domain in changes.domains if domain is not None],
        )
        _add(
            statements,
            "DELETE FROM domains WHERE name = ?",
            [(name,) for name, domain in changes.domains if domain is None],
        )
        _add(
            statements,
            "INSERT OR REPLACE INTO types (domain, kind, name, version, body) VALUES (?,?,?,?,?)",
            [(*key, encode_type(record)) for key, record in changes.types if record is not None],
        )
        _add(
            statements,
            "DELETE FROM types WHERE domain = ? AND kind = ? AND name = ? AND version = ?",
            [key for key, record in changes.types if record is None],
        )
        for table in ("executions", "events", "histories"):
            _add(statements, f"DELETE FROM {table} WHERE run_id = ?", gone_runs)
        _add(statements, _INSERT_RUN, rows)
        _add(statements, _UPDATE_OPEN_RUN, open_runs)
        _add(statements, _UPDATE_CLOSED_RUN, closed_runs)
        _add(statements, _INSERT_EVENT, events)
        _add(statements, _INSERT_HISTORY, histories)
        _add(statements, "DELETE FROM events WHERE run_id = ?", closed_now)
        statements.append(
            ("INSERT OR REPLACE INTO meta (key, value) VALUES ('clock', ?)", [(repr(changes.clock),)])
        )
        return statements

    # -- reading -------------------------------------------------------------------------------

    def read_history(self, run_id: str) -> str:
        """Return a closed run's history (a JSON array) from the database.

        Raises:
            DataDirCorrupt: If it cannot be read.
            DataDirError: If the store is closed.
        """
        reader = self._reader
        if reader is None:
            raise DataDirError(f"the data directory {self.path} is closed")
        try:
            row = reader.execute("SELECT events FROM histories WHERE run_id = ?", (run_id,)).fetchone()
        except sqlite3.DatabaseError as error:
            log.error("reading the history of run %s: %s", run_id, error)
            raise corrupt(self.data_dir.database, error) from error
        if row is None:
            raise corrupt(self.data_dir.database, f"the history of run {run_id} is missing")
        try:
            return zlib.decompress(row[0]).decode()
        except (zlib.error, TypeError, UnicodeDecodeError) as error:
            raise corrupt(self.data_dir.database, f"the history of run {run_id}: {error}") from error

    def _load(self, connection: sqlite3.Connection) -> Restored:
        where = "the database"
        try:
            found = connection.execute("SELECT value FROM meta WHERE key = 'clock'").fetchone()
            clock = None if found is None else float(found[0])
            where = "the domains"
            domains = {
                name: decode_domain(name, body)
                for name, body in connection.execute("SELECT name, body FROM domains")
            }
            where = "the types"
            for domain_name, kind, name, version, body in connection.execute(
                "SELECT domain, kind, name, version, body FROM types"
            ):
                domain = domains[domain_name]
                types: dict[tuple[str, str], Any] = (
                    domain.workflow_types if kind == "workflow" else domain.activity_types
                )
                types[(name, version)] = decode_type(kind, name, version, body)
            where = "the executions"
            runs, parents, open_rows, expiries = self._load_runs(connection, domains)
            where = "the histories of open executions"
            _load_open_histories(connection, runs)
            queued: list[Queued] = []
            for row in open_rows:
                where = f"the open work of run {row.run_id}"
                execution = runs[row.run_id]
                if len(execution.events) != row.event_count:
                    raise ValueError(f"{len(execution.events)} events stored, {row.event_count} expected")
                queued.extend(restore_open_work(execution, row))
                self._saved[row.run_id] = row.event_count
            where = "the parents of executions"
            _link_parents(runs, parents)
            where = "the indexes"
            next_order = _index(runs, expiries)
        except sqlite3.DatabaseError as error:
            raise corrupt(self.data_dir.database, f"{where}: {error}") from error
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:  # JSONDecodeError too
            raise corrupt(
                self.data_dir.database, f"{where} do not hold what aioswf wrote: {error!r}"
            ) from error
        queued.sort(key=lambda task: task.order)
        return Restored(domains, runs, queued, clock, next_order)

    def _load_runs(
        self, connection: sqlite3.Connection, domains: dict[str, DomainRecord]
    ) -> tuple[
        dict[str, ExecutionRecord],
        list[tuple[ExecutionRecord, tuple[str, str]]],
        list[ExecutionRow],
        dict[str, float],
    ]:
        detached: dict[tuple[str, str, str], WorkflowTypeRecord] = {}

        def resolver(domain: DomainRecord) -> Callable[[str, str], WorkflowTypeRecord]:
            def find(name: str, version: str) -> WorkflowTypeRecord:
                found = domain.workflow_types.get((name, version))
                if found is None:
                    # Deleted since the run started: the run keeps a type of its own, as it does in memory.
                    found = detached.get((domain.name, name, version))
                    if found is None:
                        found = WorkflowTypeRecord(name, version, None, 0.0, {}, "DEPRECATED")
                        detached[(domain.name, name, version)] = found
                return found

            return find

        finders = {name: resolver(domain) for name, domain in domains.items()}
        runs: dict[str, ExecutionRecord] = {}
        parents: list[tuple[ExecutionRecord, tuple[str, str]]] = []
        open_rows: list[ExecutionRow] = []
        expiries: dict[str, float] = {}
        for values in connection.execute(f"SELECT {_EXECUTION_COLUMNS} FROM executions ORDER BY seq"):
            row = ExecutionRow(*values)
            execution, parent = restore_execution(row, domains[row.domain], finders[row.domain])
            if row.status == "OPEN":
                open_rows.append(row)
            else:
                execution.events = StoredHistory(self, row.run_id, row.event_count)
                expiries[row.run_id] = float(row.expires)  # type: ignore[arg-type]
            if parent is not None:
                parents.append((execution, parent))
            runs[row.run_id] = execution
        return runs, parents, open_rows, expiries


def _add(statements: list[Statement], sql: str, rows: list[Any]) -> None:
    if rows:
        statements.append((sql, rows))


def _row(execution: ExecutionRecord) -> tuple[Any, ...]:
    return (
        execution.run_id,
        execution.domain.name,
        execution.workflow_id,
        execution.status,
        execution.start,
        execution.order,
        execution.close_order,
        expires_of(execution),
        len(execution.events),
        settings_of(execution),
        progress_of(execution),
    )


def _load_open_histories(connection: sqlite3.Connection, runs: dict[str, ExecutionRecord]) -> None:
    for run_id, event_id, body in connection.execute(
        "SELECT run_id, event_id, body FROM events ORDER BY run_id, event_id"
    ):
        execution = runs[run_id]
        events = execution.events
        if execution.status != "OPEN" or not isinstance(events, list) or event_id != len(events) + 1:
            raise ValueError(f"event {event_id} of run {run_id} is out of place")
        events.append(json.loads(body))


def _link_parents(
    runs: dict[str, ExecutionRecord], parents: list[tuple[ExecutionRecord, tuple[str, str]]]
) -> None:
    for execution, (workflow_id, run_id) in parents:
        parent = runs.get(run_id)
        if parent is None:
            # The parent closed and its retention ended: in memory, the child still holds the closed
            # record; a closed stand-in with its ids behaves the same everywhere the child uses it.
            parent = ExecutionRecord(
                domain=execution.domain,
                workflow_id=workflow_id,
                run_id=run_id,
                workflow_type=execution.workflow_type,
                task_list="",
                task_priority=None,
                child_policy="ABANDON",
                execution_timeout="NONE",
                task_timeout="NONE",
                lambda_role=None,
                tags=[],
                input=None,
                start=0.0,
                status="CLOSED",
            )
        execution.parent = parent


def _index(runs: dict[str, ExecutionRecord], expiries: dict[str, float]) -> int:
    """Fill each domain's indexes of runs; return the next sequence number."""
    closed: list[ExecutionRecord] = []
    last = 0
    for execution in runs.values():
        domain = execution.domain
        domain.runs[(execution.workflow_id, execution.run_id)] = execution
        last = max(last, execution.order, execution.close_order)
        if execution.status == "OPEN":
            if execution.workflow_id in domain.open_executions:
                raise ValueError(f"two open runs of workflow {execution.workflow_id!r}")
            domain.open_executions[execution.workflow_id] = execution
        else:
            closed.append(execution)
    closed.sort(key=lambda execution: execution.close_order)
    for execution in closed:
        execution.domain.closed_executions[execution.run_id] = execution
    # Retention ends in the order runs were queued for it, which is the order of their expiry times.
    closed.sort(key=lambda execution: (expiries[execution.run_id], execution.close_order))
    for execution in closed:
        execution.domain.retained.append(
            (expiries[execution.run_id], execution.workflow_id, execution.run_id)
        )
    return last + 1
