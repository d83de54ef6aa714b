"""The HTTP layer: keep-alive, pipelining, chunked bodies, Expect: 100-continue, methods, closing."""

from __future__ import annotations

import asyncio
import json

from raw_http import closed_by_server, read_response

from aioswf.local import LocalSWF


async def _exchange(
    local: LocalSWF, payload: bytes, responses: int = 1
) -> list[tuple[int, dict[str, str], bytes]]:
    reader, writer = await asyncio.open_connection(local.host, local.port)
    try:
        writer.write(payload)
        answers = []
        for _ in range(responses):
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            lines = head.decode().split("\r\n")
            if lines[0].startswith("HTTP/1.1 100"):
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
                lines = head.decode().split("\r\n")
            headers = {
                k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
            }
            body = await reader.readexactly(int(headers["content-length"]))
            answers.append((int(lines[0].split()[1]), headers, body))
        return answers
    finally:
        writer.close()
        await writer.wait_closed()


def _request(operation: str, body: dict[str, object], *, extra: str = "") -> bytes:
    raw = json.dumps(body).encode()
    head = (
        f"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: SimpleWorkflowService.{operation}\r\n"
        f"Content-Type: application/x-amz-json-1.0\r\nContent-Length: {len(raw)}\r\n{extra}\r\n"
    )
    return head.encode() + raw


async def test_pipelined_requests_are_answered_in_order_on_one_connection(local: LocalSWF) -> None:
    listing = _request("ListDomains", {"registrationStatus": "REGISTERED"})
    missing = _request("DescribeDomain", {"name": "no-such-domain"})
    answers = await _exchange(local, listing + missing + listing, responses=3)
    assert [status for status, _, _ in answers] == [200, 400, 200]
    assert json.loads(answers[1][2])["__type"].endswith("#UnknownResourceFault")
    assert all(headers["content-type"] == "application/x-amz-json-1.0" for _, headers, _ in answers)
    assert all(headers["x-amzn-requestid"] for _, headers, _ in answers)


async def test_a_request_behind_a_long_poll_waits_its_turn(local: LocalSWF) -> None:
    poll = _request("PollForActivityTask", {"domain": "nope", "taskList": {"name": "t"}})
    answers = await _exchange(local, poll + _request("ListDomains", {"registrationStatus": "REGISTERED"}), 2)
    assert [status for status, _, _ in answers] == [400, 200]


async def test_a_chunked_body_is_read(local: LocalSWF) -> None:
    body = json.dumps({"registrationStatus": "REGISTERED"}).encode()
    chunked = (
        f"{len(body[:5]):x}\r\n".encode()
        + body[:5]
        + b"\r\n"
        + f"{len(body[5:]):x}\r\n".encode()
        + body[5:]
        + b"\r\n0\r\n\r\n"
    )
    head = (
        b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: SimpleWorkflowService.ListDomains\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    [(status, _, answer)] = await _exchange(local, head + chunked)
    assert status == 200
    assert "domainInfos" in json.loads(answer)


async def test_expect_100_continue_is_honoured(local: LocalSWF) -> None:
    body = json.dumps({"registrationStatus": "REGISTERED"}).encode()
    head = (
        f"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: SimpleWorkflowService.ListDomains\r\n"
        f"Expect: 100-continue\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection(local.host, local.port)
    try:
        writer.write(head)
        assert (await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)).startswith(b"HTTP/1.1 100")
        writer.write(body)
        assert (await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)).startswith(b"HTTP/1.1 200")
    finally:
        writer.close()
        await writer.wait_closed()


async def test_only_post_is_served(local: LocalSWF) -> None:
    # GET / is the web console's page (tests/console); any other method is refused.
    [(status, _, _)] = await _exchange(
        local, b"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    assert status == 405


async def test_connection_close_is_honoured(local: LocalSWF) -> None:
    [(status, headers, _)] = await _exchange(
        local, _request("ListDomains", {"registrationStatus": "REGISTERED"}, extra="Connection: close\r\n")
    )
    assert (status, headers["connection"]) == (200, "close")


async def test_stopping_the_server_answers_waiting_polls_empty() -> None:
    async with LocalSWF(poll_wait=60) as local:
        reader, writer = await asyncio.open_connection(local.host, local.port)
        await local.engine.call(
            "RegisterDomain", {"name": "d", "workflowExecutionRetentionPeriodInDays": "1"}
        )
        writer.write(_request("PollForActivityTask", {"domain": "d", "taskList": {"name": "t"}}))
        await writer.drain()
        await asyncio.sleep(0.05)
        started = asyncio.get_running_loop().time()
    answer = await asyncio.wait_for(reader.read(), 5)
    assert answer.startswith(b"HTTP/1.1 200 OK")
    assert answer.endswith(b'{"startedEventId":0}')
    assert asyncio.get_running_loop().time() - started < 5
    writer.close()
    await writer.wait_closed()


async def test_a_malformed_request_is_a_400_and_closes_the_connection(local: LocalSWF) -> None:
    for garbage in (b"NONSENSE\r\n\r\n", b"POST / HTTP/1.1\r\nContent-Length: lots\r\n\r\n"):
        reader, writer = await asyncio.open_connection(local.host, local.port)
        try:
            writer.write(garbage)
            response = await read_response(reader)
            assert response is not None
            assert response.status == 400
            assert await closed_by_server(reader, timeout=5)
        finally:
            writer.close()
            await writer.wait_closed()
    listing = await local.engine.call("ListDomains", {"registrationStatus": "REGISTERED"})
    assert "domainInfos" in listing
