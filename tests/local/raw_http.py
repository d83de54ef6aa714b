"""HTTP/1.1 spoken by hand, for tests of the local server's HTTP face (framing, limits, timeouts).

Clients such as aiobotocore never send a malformed or adversarial request, so the tests that need one
write the bytes themselves: asyncio streams for async tests, plain sockets for the hypothesis suites
(which run against a server in a thread).
"""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import attrs

TARGET = "SimpleWorkflowService."


@attrs.frozen
class Response:
    """One HTTP response as read off the wire."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """Decode the body as JSON."""
        return json.loads(self.body)

    @property
    def fault(self) -> str:
        """The fault code (the part of ``__type`` after ``#``), or "" for a success."""
        if self.status == 200:
            return ""
        return str(self.json().get("__type", "")).rpartition("#")[2]


def request(
    operation: str | None,
    body: Any = b"{}",
    *,
    method: str = "POST",
    path: str = "/",
    headers: dict[str, str] | None = None,
    length: bool = True,
) -> bytes:
    """Return the bytes of one request (``Content-Length`` framed unless ``length`` is false).

    ``body`` is sent as is when it is bytes, else as JSON.
    """
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    lines = [f"{method} {path} HTTP/1.1", "Host: localhost", "Content-Type: application/x-amz-json-1.0"]
    if operation is not None:
        lines.append(f"X-Amz-Target: {TARGET}{operation}")
    if length:
        lines.append(f"Content-Length: {len(raw)}")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + raw


def chunked(operation: str, pieces: list[bytes]) -> bytes:
    """Return a request whose body is sent as the given chunks."""
    head = request(operation, b"", length=False, headers={"Transfer-Encoding": "chunked"})
    body = b"".join(f"{len(piece):x}\r\n".encode() + piece + b"\r\n" for piece in pieces if piece)
    return head + body + b"0\r\n\r\n"


def _parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return status, headers


async def read_response(reader: asyncio.StreamReader, timeout: float = 10.0) -> Response | None:
    """Read one response (skipping ``100 Continue``); None if the server closed the connection first."""
    while True:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        except asyncio.IncompleteReadError:
            return None
        except ConnectionError:
            return None
        status, headers = _parse_head(head)
        if status != 100:
            break
    if "content-length" in headers:
        body = await asyncio.wait_for(reader.readexactly(int(headers["content-length"])), timeout)
    else:
        body = await asyncio.wait_for(reader.read(), timeout)
    return Response(status, headers, body)


async def closed_by_server(reader: asyncio.StreamReader, timeout: float) -> bool:
    """Tell whether the server closes the connection within ``timeout`` (reading and dropping bytes)."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + timeout
    try:
        while True:
            remaining = give_up - loop.time()
            if remaining <= 0:
                return False
            data = await asyncio.wait_for(reader.read(65536), remaining)
            if not data:
                return True
    except asyncio.TimeoutError:
        return False
    except ConnectionError:
        return True


class SyncConnection:
    """A blocking connection for the hypothesis suites (which run against a server in a thread)."""

    def __init__(self, host: str, port: int, timeout: float = 10.0) -> None:
        self.address = (host, port)
        self.timeout = timeout
        self._socket: socket.socket | None = None
        self._buffer = b""

    def _connect(self) -> socket.socket:
        if self._socket is None:
            self._socket = socket.create_connection(self.address, timeout=self.timeout)
            self._buffer = b""
        return self._socket

    def close(self) -> None:
        """Close the connection (the next call opens a new one)."""
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def send(self, data: bytes) -> None:
        """Send bytes (opening the connection if needed)."""
        self._connect().sendall(data)

    def _fill(self) -> bool:
        assert self._socket is not None
        data = self._socket.recv(65536)
        self._buffer += data
        return bool(data)

    def read(self) -> Response | None:
        """Read one response; None if the server closed the connection first."""
        self._connect()
        while True:
            while b"\r\n\r\n" not in self._buffer:
                if not self._fill():
                    self.close()
                    return None
            head, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
            status, headers = _parse_head(head)
            if status != 100:
                break
        length = int(headers.get("content-length", "0"))
        while len(self._buffer) < length:
            if not self._fill():
                self.close()
                return None
        body, self._buffer = self._buffer[:length], self._buffer[length:]
        if headers.get("connection", "").lower() == "close":
            self.close()
        return Response(status, headers, body)

    def exchange(self, data: bytes) -> Response | None:
        """Send one request and read its response."""
        self.send(data)
        return self.read()

    def call(self, operation: str, **params: Any) -> Response:
        """Send one SWF request and return its response (which must come)."""
        response = self.exchange(request(operation, params))
        assert response is not None, f"{operation}: the server closed the connection"
        return response
