"""SWF's wire protocol over HTTP: JSON 1.0 requests routed by ``X-Amz-Target``, faults as SWF sends them.

Any SigV4 signature (or none) is accepted: the server does not authenticate.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from typing import Any

from aiohttp import web

from aioswf.local.engine import Engine
from aioswf.local.faults import SWFFault, UnknownOperationException, ValidationException
from aioswf.local.shapes import output_violations

__all__ = ["CONTENT_TYPE", "TARGET_PREFIX", "build_app"]

log = logging.getLogger("aioswf.local")
CONTENT_TYPE = "application/x-amz-json-1.0"
TARGET_PREFIX = "SimpleWorkflowService."


class ResponseChecker:
    """Checks every response against botocore's output shape and keeps what it finds."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def check(self, operation: str, body: Any) -> list[str]:
        """Check one response; record and return its violations."""
        found = output_violations(operation, body)
        self.violations.extend(found)
        return found


def _reply(status: int, body: Any) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(body, separators=(",", ":")).encode(),
        headers={"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": secrets.token_hex(16)},
    )


def build_app(engine: Engine, checker: ResponseChecker | None = None) -> web.Application:
    """Return the aiohttp application that serves ``engine``.

    Args:
        engine: The state machine answering the operations.
        checker: When given, every successful response is checked against its output shape; a response
            that departs from the model becomes an HTTP 500 ``InternalFailure`` naming the problem.
    """

    async def handle(request: web.Request) -> web.Response:
        started = time.perf_counter()
        target = request.headers.get("X-Amz-Target", "")
        operation = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else ""
        status = 200
        try:
            if not operation:
                raise UnknownOperationException(f"Unknown target: {target!r}")
            raw = await request.read()
            try:
                params = json.loads(raw) if raw else {}
            except ValueError:
                raise ValidationException("The request body is not valid JSON") from None
            result = await engine.call(operation, params)
            if checker is not None:
                problems = checker.check(operation, result)
                if problems:
                    status = 500
                    log.error("response of %s departs from the SWF model: %s", operation, problems)
                    return _reply(500, {"__type": "InternalFailure", "message": "; ".join(problems)[:4000]})
            return _reply(200, result)
        except SWFFault as fault:
            status = fault.status
            return _reply(fault.status, fault.to_wire())
        except Exception:
            status = 500
            log.exception("internal error while serving %s", operation or target)
            return _reply(
                500, {"__type": "InternalFailure", "message": "internal error in the local SWF server"}
            )
        finally:
            if log.isEnabledFor(logging.DEBUG):
                log.debug(
                    "%s -> %d in %.1f ms",
                    operation or target or "?",
                    status,
                    (time.perf_counter() - started) * 1000,
                )

    app = web.Application(client_max_size=8 * 1024 * 1024)
    app.router.add_post("/", handle)
    app.router.add_post("/{tail:.*}", handle)
    return app
