"""The HTTP face under hostile input: body limits as bytes arrive, bounded buffers, loops, nesting, timeouts."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from collections.abc import AsyncIterator

import pytest
from raw_http import chunked, closed_by_server, read_response, request
from swf_scenario import unique

from aioswf.local import LocalSWF
from aioswf.local.server import SWF_ENDPOINT

LISTING = {"registrationStatus": "REGISTERED"}
MiB = 1024 * 1024


@contextlib.asynccontextmanager
async def _connection(local: LocalSWF) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    reader, writer = await asyncio.open_connection(local.host, local.port)
    try:
        yield reader, writer
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def _write_quietly(writer: asyncio.StreamWriter, pieces: list[bytes] | bytes, size: int = 0) -> int:
    """Write bytes (a list of pieces, or ``size`` copies of ``pieces``); stop when the server hangs up."""
    sent = 0
    chunks = pieces if isinstance(pieces, list) else [pieces] * size
    try:
        for piece in chunks:
            writer.write(piece)
            await writer.drain()
            sent += len(piece)
    except ConnectionError:
        pass
    return sent


# -- 1. chunked bodies ----------------------------------------------------------------------------


async def test_a_huge_chunk_is_refused_as_soon_as_the_body_passes_the_limit(local: LocalSWF) -> None:
    async with _connection(local) as (reader, writer):
        head = request("ListDomains", b"", length=False, headers={"Transfer-Encoding": "chunked"})
        writer.write(head + b"10000000\r\n")  # one chunk of 256 MiB announced
        # Nine MiB follow, one more than the body limit; the answer must come without the other 247.
        upload = asyncio.ensure_future(_write_quietly(writer, b"x" * 65536, 9 * 16))
        response = await read_response(reader, timeout=10)
        upload.cancel()
    assert response is not None, "the server never answered the oversized chunk"
    assert response.status == 413
    assert response.fault == "RequestEntityTooLarge"


async def test_a_content_length_over_the_limit_is_refused_before_the_body(local: LocalSWF) -> None:
    async with _connection(local) as (reader, writer):
        writer.write(request("ListDomains", b"", length=False, headers={"Content-Length": str(300 * MiB)}))
        response = await read_response(reader, timeout=10)
    assert response is not None
    assert response.status == 413


async def test_a_million_one_byte_chunks_parse_in_linear_time_without_stalling_others(
    local: LocalSWF,
) -> None:
    body = json.dumps(LISTING).encode()
    padded = body[:-1] + b" " * 1_200_000 + b"}"
    payload = chunked("ListDomains", [padded[i : i + 1] for i in range(len(padded))])
    async with _connection(local) as (reader, writer), _connection(local) as (other_reader, other_writer):
        upload = asyncio.ensure_future(
            _write_quietly(writer, [payload[i : i + 65536] for i in range(0, len(payload), 65536)])
        )
        slowest = 0.0
        while not upload.done():
            started = time.perf_counter()
            other_writer.write(request("ListDomains", LISTING))
            answer = await read_response(other_reader)
            assert answer is not None
            assert answer.status == 200
            slowest = max(slowest, time.perf_counter() - started)
        started = time.perf_counter()
        response = await read_response(reader, timeout=60)
        finishing = time.perf_counter() - started
    assert response is not None
    assert response.status == 200
    assert "domainInfos" in response.json()
    # The old parser re-read the whole buffer on every read: 15 s to finish, other clients stalled for 5.
    assert finishing < 5.0
    assert slowest < 2.0


# -- 2. bytes behind a waiting long poll ------------------------------------------------------------


async def test_bytes_pipelined_behind_a_waiting_long_poll_are_bounded() -> None:
    async with LocalSWF(poll_wait=30) as local, _connection(local) as (_, writer):
        await local.engine.call(
            "RegisterDomain", {"name": "d", "workflowExecutionRetentionPeriodInDays": "1"}
        )
        writer.write(request("PollForActivityTask", {"domain": "d", "taskList": {"name": "t"}}))
        writer.write(request("ListDomains", b"", length=False, headers={"Content-Length": str(8 * MiB - 1)}))
        await writer.drain()
        piece, accepted = b"x" * 65536, 0
        while accepted < 64 * MiB:
            writer.write(piece)
            try:
                await asyncio.wait_for(writer.drain(), 1.0)
            except asyncio.TimeoutError:
                break
            accepted += len(piece)
        writer.transport.abort()  # the server reads nothing more: a graceful close would wait for it
    # The socket buffers of both ends hold a few MiB; the old server read and kept all of it (96 MiB).
    assert accepted < 32 * MiB


# -- 3. pipelining --------------------------------------------------------------------------------


async def test_three_thousand_pipelined_requests_are_all_answered(local: LocalSWF) -> None:
    async with _connection(local) as (reader, writer):
        stream = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n" * 3000
        sending = asyncio.ensure_future(_write_quietly(writer, [stream]))
        statuses = []
        for _ in range(3000):
            response = await read_response(reader)
            if response is None:
                break
            statuses.append(response.status)
        await sending
    assert len(statuses) == 3000
    assert len(set(statuses)) == 1


async def test_pipelined_posts_are_answered_in_order(local: LocalSWF) -> None:
    requests = [
        request("DescribeDomain", {"name": f"missing-{index}"})
        if index % 2
        else request("ListDomains", LISTING)
        for index in range(200)
    ]
    async with _connection(local) as (reader, writer):
        writer.write(b"".join(requests))
        answers = [await read_response(reader) for _ in range(200)]
    assert [answer.status if answer else None for answer in answers] == [200, 400] * 100
    assert all(
        answer is not None and answer.json()["message"].endswith(f"missing-{index}")
        for index, answer in enumerate(answers)
        if index % 2
    )


# -- 4. deeply nested JSON ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000, b'{"registrationStatus": "REGISTERED", "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"],
    ids=["unclosed", "inside-an-object"],
)
async def test_deeply_nested_json_in_a_body_is_a_serialization_fault(local: LocalSWF, body: bytes) -> None:
    async with _connection(local) as (reader, writer):
        writer.write(request("ListDomains", body))
        response = await read_response(reader)
    assert response is not None
    assert response.status == 400
    assert response.fault == "SerializationException"


@pytest.mark.parametrize("operation", ["ListDomains", "PollForDecisionTask"])
async def test_deeply_nested_json_in_a_page_token_is_a_validation_fault(
    local: LocalSWF, operation: str
) -> None:
    domain = unique("nested")
    await local.engine.call("RegisterDomain", {"name": domain, "workflowExecutionRetentionPeriodInDays": "1"})
    token = base64.urlsafe_b64encode(b"[" * 1500).decode()
    params = (
        {**LISTING, "nextPageToken": token}
        if operation == "ListDomains"
        else {"domain": domain, "taskList": {"name": "t"}, "nextPageToken": token}
    )
    async with _connection(local) as (reader, writer):
        writer.write(request(operation, params))
        response = await read_response(reader)
    assert response is not None
    assert (response.status, response.fault) == (400, "ValidationException")


# -- 5. timeouts and the memory of stalled uploads -------------------------------------------------


async def test_an_idle_connection_is_closed_after_the_idle_timeout() -> None:
    async with LocalSWF(idle_timeout=0.3) as local, _connection(local) as (reader, writer):
        writer.write(request("ListDomains", LISTING))
        response = await read_response(reader)
        assert response is not None
        assert response.status == 200
        assert await closed_by_server(reader, timeout=5)


async def test_a_request_head_sent_a_byte_at_a_time_is_cut_off_at_the_timeout() -> None:
    async with LocalSWF(idle_timeout=0.3) as local, _connection(local) as (reader, writer):
        head = request("ListDomains", LISTING)
        closing = asyncio.ensure_future(closed_by_server(reader, timeout=5))
        for byte in head[:60]:
            if closing.done():
                break
            writer.write(bytes([byte]))
            await asyncio.sleep(0.05)
        assert await closing


async def test_a_stalled_body_is_answered_408_after_the_body_timeout() -> None:
    async with LocalSWF(body_timeout=0.3) as local, _connection(local) as (reader, writer):
        writer.write(
            request("ListDomains", b"", length=False, headers={"Content-Length": "100"}) + b'{"regis'
        )
        response = await read_response(reader, timeout=5)
    assert response is not None
    assert (response.status, response.fault) == (408, "RequestTimeout")


async def test_the_memory_held_by_stalled_uploads_is_capped() -> None:
    async with (
        LocalSWF(max_buffered_bodies=MiB) as local,
        _connection(local) as (first_reader, first),
        _connection(local) as (second_reader, second),
    ):
        announce = request("ListDomains", b"", length=False, headers={"Content-Length": str(900_000)})
        first.write(announce + b" " * 600_000)
        await first.drain()
        endpoint = local.app[SWF_ENDPOINT]
        for _ in range(1000):  # until the server holds the first upload's bytes
            if endpoint.buffered >= 600_000:
                break
            await asyncio.sleep(0.01)
        assert endpoint.buffered >= 600_000
        second.write(announce + b" " * 600_000)
        await second.drain()
        refused = await read_response(second_reader, timeout=10)
        assert refused is not None
        assert refused.status == 503
        # The first upload still completes normally once its bytes arrive.
        first.write(b" " * 299_998 + b"{}")
        done = await read_response(first_reader, timeout=10)
    assert done is not None
    assert done.fault == "ValidationException"  # missing registrationStatus: the body was read whole
