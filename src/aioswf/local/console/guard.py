"""What every console response carries, and what every console request must show.

* Every answer gets headers that keep the pages to themselves: a content security policy allowing only
  the console's own scripts and styles (no inline script runs, whatever a workflow id contains), no
  framing (a page elsewhere cannot overlay the terminate button), no sniffing, no referrer.
* JSON is written with ``<``, ``>`` and ``&`` escaped, so no answer can be read as HTML.
* Task tokens are cut to their first characters wherever a ``taskToken`` member appears.
* Requests must be addressed to an allowed host name (by default the loopback names), which stops a
  page on another site from reaching the console through DNS rebinding.
* Actions (POSTs) need a JSON body and the ``X-Aioswf-Console`` header, which a page on another origin
  cannot send without a CORS preflight that the console never grants; an ``Origin`` or
  ``Sec-Fetch-Site`` header naming another origin is refused as well.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from aiohttp import web

from aioswf.local.faults import SWFFault, UnknownResourceFault

__all__ = [
    "ACTION_HEADER",
    "LOOPBACK_HOSTS",
    "TOKEN_PREFIX",
    "BadInput",
    "Guard",
    "json_response",
    "redact_tokens",
]

log = logging.getLogger("aioswf.local.console")
Json = dict[str, Any]

ACTION_HEADER = "X-Aioswf-Console"
"""The header every console action must carry (with any non-empty value)."""
LOOPBACK_HOSTS: frozenset[str] = frozenset({"localhost", "127.0.0.1", "::1"})
"""The host names the console answers by default (any 127.0.0.0/8 address is accepted too)."""
TOKEN_PREFIX = 8
"""How many characters of a task token the console ever shows."""

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class BadInput(Exception):
    """A request the console refuses, with the HTTP status and a message for the page to show."""

    def __init__(self, message: str, status: int = 400, code: str = "BadRequest") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


def redact_tokens(value: Any) -> Any:
    """Return ``value`` with every ``taskToken`` member cut to its first characters (a copy if changed)."""
    if isinstance(value, dict):
        changed = False
        result: dict[str, Any] = {}
        for key, item in value.items():
            if key == "taskToken" and isinstance(item, str) and len(item) > TOKEN_PREFIX:
                new: Any = item[:TOKEN_PREFIX] + "…"
            else:
                new = redact_tokens(item)
            changed = changed or new is not item
            result[key] = new
        return result if changed else value
    if isinstance(value, list):
        items = [redact_tokens(item) for item in value]
        return items if any(new is not old for new, old in zip(items, value, strict=True)) else value
    return value


def json_response(data: Any, status: int = 200) -> web.Response:
    """Return a JSON answer, tokens redacted and HTML's special characters escaped."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    if '"taskToken"' in text:  # walking every answer costs more than looking for the name once
        text = json.dumps(redact_tokens(data), separators=(",", ":"), ensure_ascii=False)
    # Only possible inside JSON strings, where the escapes mean the same characters.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return web.Response(
        text=text, status=status, content_type="application/json", headers={"Cache-Control": "no-store"}
    )


def _error(status: int, code: str, message: str) -> web.Response:
    return json_response({"error": code, "message": message}, status)


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard:
    """Wraps the console's handlers with its checks, its headers and its error answers.

    Args:
        allowed_hosts: The host names requests may be addressed to (``Host`` header), or None for any
            (when the server listens on a non-loopback address on purpose).
    """

    def __init__(self, allowed_hosts: Collection[str] | None) -> None:
        self.allowed_hosts = None if allowed_hosts is None else frozenset(h.lower() for h in allowed_hosts)

    def _host_allowed(self, request: web.Request) -> bool:
        if self.allowed_hosts is None:
            return True
        name = _host_name(request.headers.get("Host", "")).lower()
        if name in self.allowed_hosts:
            return True
        if "127.0.0.1" in self.allowed_hosts:
            try:
                return ipaddress.ip_address(name).is_loopback
            except ValueError:
                return False
        return False

    def page(
        self, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """Wrap a handler of a page or a static file (host check and headers)."""

        async def guarded(request: web.Request) -> web.StreamResponse:
            if not self._host_allowed(request):
                response: web.StreamResponse = web.Response(
                    status=403,
                    text="The console answers requests addressed to this machine's loopback names only.\n",
                )
            else:
                response = await handler(request)
            response.headers.update(SECURITY_HEADERS)
            return response

        return guarded

    def read(
        self, handler: Callable[[web.Request], Awaitable[Any]]
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """Wrap a JSON read: the handler returns the data to send."""

        async def run(request: web.Request) -> web.StreamResponse:
            return json_response(await handler(request))

        return self.page(self._errors(run))

    def action(
        self, handler: Callable[[web.Request, Json], Awaitable[Any]]
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """Wrap an action: same-origin checks, then the handler gets the decoded JSON object body."""

        async def run(request: web.Request) -> web.StreamResponse:
            self._check_same_origin(request)
            if request.content_type != "application/json":
                raise BadInput("actions take a JSON body (Content-Type: application/json)", 415)
            try:
                body = await request.json()
            except ValueError:
                raise BadInput("the request body is not valid JSON") from None
            if not isinstance(body, dict):
                raise BadInput("the request body must be a JSON object")
            return json_response(await handler(request, body))

        return self.page(self._errors(run))

    @staticmethod
    def _check_same_origin(request: web.Request) -> None:
        if not request.headers.get(ACTION_HEADER):
            raise BadInput(f"actions need the {ACTION_HEADER} header", 403, "Forbidden")
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"{request.scheme}://{request.host}":
            raise BadInput(f"actions are refused from another origin ({origin})", 403, "Forbidden")
        site = request.headers.get("Sec-Fetch-Site")
        if site is not None and site not in ("same-origin", "none"):
            raise BadInput("actions are refused from another site", 403, "Forbidden")

    @staticmethod
    def _errors(
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def answered(request: web.Request) -> web.StreamResponse:
            try:
                return await handler(request)
            except BadInput as error:
                return _error(error.status, error.code, error.message)
            except UnknownResourceFault as fault:
                return _error(404, fault.code, fault.message)
            except SWFFault as fault:
                return _error(fault.status, fault.code, fault.message)
            except web.HTTPException:
                raise
            except Exception:
                log.exception("the console failed to answer %s %s", request.method, request.path)
                return _error(500, "InternalError", "internal error in the console (see the server's log)")

        return answered
