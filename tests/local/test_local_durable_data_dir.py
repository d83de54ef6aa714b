"""The data directory: created if missing, locked, versioned; a database it cannot read is refused, untouched."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from durable_server import ServerProcess, serve
from swf_scenario import Scenario

from aioswf.local import LocalSWF
from aioswf.local.store import (
    SCHEMA_VERSION,
    DataDirCorrupt,
    DataDirError,
    DataDirInUse,
    DataDirTooNew,
    StoreWriteError,
)
from aioswf.local.store.data_dir import DATABASE, LOCK


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def _filled(data_dir: Path, executions: int = 3) -> Path:
    """A data directory holding a domain and a few closed executions; returns its database."""
    async with serve(data_dir) as (_, client):
        scenario = await Scenario(client).setup()
        for _ in range(executions):
            execution = await scenario.start(input="x" * 500)
            await client.terminate_workflow_execution(domain=scenario.domain, **execution)
    return data_dir / DATABASE


async def test_a_missing_data_directory_is_created_with_its_parents(tmp_path: Path) -> None:
    data_dir = tmp_path / "a" / "b" / "state"
    async with serve(data_dir) as (_, client):
        await client.register_domain(name="d", workflowExecutionRetentionPeriodInDays="1")
    assert sorted(path.name for path in data_dir.iterdir()) == [LOCK, DATABASE]
    async with serve(data_dir) as (_, client):
        assert [
            d["name"] for d in (await client.list_domains(registrationStatus="REGISTERED"))["domainInfos"]
        ] == ["d"]


async def test_a_data_directory_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(DataDirError, match="cannot create the data directory"):
        await LocalSWF(data_dir=tmp_path / "file").start()


async def test_a_second_server_on_the_same_data_directory_refuses_to_start_until_the_first_stops(
    tmp_path: Path,
) -> None:
    async with serve(tmp_path):
        second = LocalSWF(data_dir=tmp_path)
        with pytest.raises(DataDirInUse) as refused:
            await second.start()
        message = str(refused.value)
        assert str(tmp_path) in message
        assert f"pid {os.getpid()}" in message
        assert "--data-dir" in message
        with pytest.raises(RuntimeError, match="not running"):
            assert second.endpoint_url
    async with serve(tmp_path):
        pass


async def test_a_database_written_by_a_newer_schema_is_refused_naming_both_versions(tmp_path: Path) -> None:
    database = await _filled(tmp_path)
    with sqlite3.connect(database) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    connection.close()
    before = _digest(database)
    with pytest.raises(DataDirTooNew) as refused:
        await LocalSWF(data_dir=tmp_path).start()
    assert (refused.value.found, refused.value.supported) == (SCHEMA_VERSION + 5, SCHEMA_VERSION)
    message = str(refused.value)
    assert f"schema version {SCHEMA_VERSION + 5}" in message
    assert f"the version {SCHEMA_VERSION}" in message
    assert _digest(database) == before


def _damage_executions_table(database: Path) -> None:
    with sqlite3.connect(database) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        (root,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'executions'"
        ).fetchone()
    connection.close()
    with database.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xa5" * page_size)


def _garble_a_row(database: Path) -> None:
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE executions SET progress = '{not json' WHERE rowid = (SELECT min(rowid) FROM executions)"
        )
    connection.close()


def _foreign(database: Path) -> None:
    database.unlink()
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()


def _noise(database: Path) -> None:
    database.write_bytes(os.urandom(8192))


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (_noise, "file is not a database"),
        (_damage_executions_table, "malformed"),
        (_garble_a_row, "do not hold what aioswf wrote"),
        (_foreign, "not one of aioswf's"),
    ],
    ids=["random-bytes", "a-damaged-page", "a-garbled-row", "another-programs-database"],
)
async def test_a_database_that_cannot_be_read_is_reported_and_left_in_place(
    tmp_path: Path, damage: object, problem: str
) -> None:
    database = await _filled(tmp_path, executions=40)
    damage(database)  # type: ignore[operator]
    before = _digest(database)
    with pytest.raises(DataDirCorrupt) as refused:
        await LocalSWF(data_dir=tmp_path).start()
    message = str(refused.value)
    assert str(database) in message
    assert problem in message
    assert "left as it is" in message
    assert _digest(database) == before
    # The lock was let go: the directory can be opened again once the database is dealt with.
    shutil.move(database, tmp_path / "damaged.sqlite3")
    async with serve(tmp_path):
        pass


async def test_the_process_says_why_it_cannot_use_a_data_directory_and_exits_non_zero(tmp_path: Path) -> None:
    database = await _filled(tmp_path)
    holder = ServerProcess(tmp_path)
    await holder.start()
    try:
        second = ServerProcess(tmp_path)
        await second.launch()
        refusal = await second.errors()
        assert second.process is not None
        assert second.process.returncode == 1
        assert "in use by another aioswf local server" in refusal
    finally:
        assert await holder.stop() == 0
    _noise(database)
    broken = ServerProcess(tmp_path)
    await broken.launch()
    refusal = await broken.errors()
    assert broken.process is not None
    assert broken.process.returncode == 1
    assert "cannot be read" in refusal
    assert "left as it is" in refusal
    assert "Traceback" not in refusal


async def test_aioswf_local_keeps_its_state_in_a_data_directory(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "import sys; from aioswf.cli import main; sys.exit(main())", "local"]
    server = ServerProcess(tmp_path / "state", command=command)
    await server.start("--synchronous", "full")
    try:
        assert server.process is not None
        assert server.process.stdout is not None
        printed = [(await asyncio.wait_for(server.process.stdout.readline(), 30)).decode() for _ in range(2)]
        assert f"data directory: {tmp_path / 'state'}\n" in printed
        second = ServerProcess(tmp_path / "state", command=command)
        await second.launch()
        refusal = await second.errors()
        assert second.process is not None
        assert second.process.returncode != 0
        assert "in use by another aioswf local server" in refusal
    finally:
        assert await server.stop() == 0
    assert (tmp_path / "state" / DATABASE).exists()


@pytest.mark.parametrize(("synchronous", "level"), [("normal", 1), ("full", 2)])
async def test_the_synchronous_setting_is_sqlites(tmp_path: Path, synchronous: str, level: int) -> None:
    async with serve(tmp_path, synchronous=synchronous) as (local, client):
        await client.register_domain(name="d", workflowExecutionRetentionPeriodInDays="1")
        store = local.engine.store
        assert store is not None
        assert store._connection is not None
        assert store._connection.execute("PRAGMA synchronous").fetchone()[0] == level
        assert store._connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_unknown_synchronous_setting_is_refused_before_anything_starts(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="normal, full"):
        LocalSWF(data_dir=tmp_path, synchronous="off")  # type: ignore[arg-type]
    assert not any(tmp_path.iterdir())


async def test_after_a_failed_write_every_answer_is_an_error_and_the_failure_is_reported(
    tmp_path: Path,
) -> None:
    failures: list[StoreWriteError] = []
    async with serve(tmp_path) as (local, client):
        store = local.engine.store
        assert store is not None
        store.add_failure_callback(failures.append)
        await client.register_domain(name="before", workflowExecutionRetentionPeriodInDays="1")
        assert store._connection is not None
        store._connection.execute("PRAGMA query_only = ON")  # the disk refuses every write from now on
        for name in ("during", "after"):
            with pytest.raises(ClientError) as answered:
                await client.register_domain(name=name, workflowExecutionRetentionPeriodInDays="1")
            assert answered.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert len(failures) == 1
    assert str(tmp_path) in str(failures[0])
    async with serve(tmp_path) as (_, client):
        names = [
            d["name"] for d in (await client.list_domains(registrationStatus="REGISTERED"))["domainInfos"]
        ]
    assert names == ["before"]


async def test_the_database_holds_one_row_per_run_and_a_closed_history_as_one_array(tmp_path: Path) -> None:
    database = await _filled(tmp_path, executions=2)
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM executions WHERE status = 'CLOSED'").fetchone() == (
            2,
        )
        assert connection.execute("SELECT count(*) FROM events").fetchone() == (0,)
        (text,) = connection.execute("SELECT events FROM histories LIMIT 1").fetchone()
    connection.close()
    assert [event["eventType"] for event in json.loads(zlib.decompress(text))][
        -1
    ] == "WorkflowExecutionTerminated"


@pytest.mark.slow
def test_the_start_benchmark_runs_in_quick_mode_and_prints_its_table() -> None:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "durable_start.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=root,
    )
    assert done.returncode == 0, done.stderr
    assert "2,000 executions" in done.stdout
    assert "target" in done.stdout
