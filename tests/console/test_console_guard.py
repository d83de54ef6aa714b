"""What the console keeps to itself (host names, origins, headers, tokens, HTML), and its place on the server."""

from __future__ import annotations

import json

import aiohttp
from console_harness import Console
from console_http import ACTION, api_url, run_path
from console_scenario import schedule

# -- what the console keeps to itself ---------------------------------------------------------------


async def test_requests_for_another_host_name_are_refused(
    console: Console, http: aiohttp.ClientSession
) -> None:
    ref = console.scenario.start()
    for path in ("/", "/console/static/console.js", "/console/api/domains"):
        async with http.get(console.url + path, headers={"Host": "rebound.example:80"}) as r:
            assert r.status == 403, path
    async with http.post(
        api_url(console, run_path(console, ref) + "/terminate"),
        json={},
        headers={**ACTION, "Host": "rebound.example"},
    ) as r:
        assert r.status == 403
    for host in ("localhost", "127.0.0.1:9", "[::1]:9", "127.1.2.3"):
        async with http.get(console.url + "/console/api/config", headers={"Host": host}) as r:
            assert r.status == 200, host


async def test_the_page_and_its_files_carry_headers_that_keep_them_to_themselves(
    console: Console, http: aiohttp.ClientSession
) -> None:
    expected = {
        "/": "text/html",
        "/console/static/console.js": "text/javascript",
        "/console/static/ui.js": "text/javascript",
        "/console/static/execution.js": "text/javascript",
        "/console/static/timeline.js": "text/javascript",
        "/console/static/console.css": "text/css",
        "/console/api/config": "application/json",
    }
    for path, content_type in expected.items():
        async with http.get(console.url + path) as r:
            assert r.status == 200, path
            assert r.content_type == content_type, path
            policy = r.headers["Content-Security-Policy"]
            assert "script-src 'self'" in policy
            assert "frame-ancestors 'none'" in policy
            assert r.headers["X-Frame-Options"] == "DENY"
            assert r.headers["X-Content-Type-Options"] == "nosniff"
    async with http.get(console.url + "/console/static/nothing.js") as r:
        assert r.status == 404
    async with http.get(console.url + "/") as r:
        page = await r.text()
    assert "http" not in page.replace('href="/console', "").split("<body>")[0], (
        "the page loads nothing from elsewhere"
    )


async def test_task_tokens_never_appear_in_full(console: Console, http: aiohttp.ClientSession) -> None:
    s = console.scenario
    ref = s.start()
    await s.decide(schedule("charge-1"))
    activity = await s.poll_activity()
    decision_ref = s.start()
    decision = await s.poll_decision()
    tokens = [activity["taskToken"], decision["taskToken"]]
    bodies = []
    for run in (ref, decision_ref):
        for suffix in ("", "/history", "/state", "/timeline"):
            async with http.get(api_url(console, run_path(console, run) + suffix)) as r:
                bodies.append(await r.text())
    for path in ("/domains", f"/domains/{s.domain}", f"/domains/{s.domain}/executions"):
        async with http.get(api_url(console, path)) as r:
            bodies.append(await r.text())
    for token in tokens:
        for body in bodies:
            assert token[:16] not in body


def test_task_token_members_are_cut_to_their_first_characters() -> None:
    from aioswf.local.console.guard import TOKEN_PREFIX, json_response, redact_tokens

    token = "A" * 43
    data = {"events": [{"taskToken": token, "other": token}], "taskToken": "short"}
    redacted = redact_tokens(data)
    assert redacted["events"][0]["taskToken"] == "A" * TOKEN_PREFIX + "…"
    assert redacted["events"][0]["other"] == token
    assert redacted["taskToken"] == "short"
    assert data["events"][0]["taskToken"] == token, "the original is not modified"
    untouched = {"a": [1, {"b": "c"}]}
    assert redact_tokens(untouched) is untouched
    answer = json_response({"tasks": [{"taskToken": token}], "note": 'a "taskToken" in text'})
    assert answer.text is not None
    assert json.loads(answer.text) == {
        "tasks": [{"taskToken": "A" * TOKEN_PREFIX + "…"}],
        "note": 'a "taskToken" in text',
    }


async def test_json_answers_escape_html(console: Console, http: aiohttp.ClientSession) -> None:
    s = console.scenario
    ref = s.start("<img src=x onerror=alert(1)>", input="<script>alert(2)</script> & more")
    async with http.get(api_url(console, run_path(console, ref))) as r:
        raw = await r.text()
        data = json.loads(raw)
    assert "<" not in raw
    assert ">" not in raw
    assert "&" not in raw
    assert data["input"] == "<script>alert(2)</script> & more"
    assert data["executionInfo"]["execution"]["workflowId"] == "<img src=x onerror=alert(1)>"


# -- on the server ---------------------------------------------------------------------------------------


async def test_mounted_beside_swfs_protocol_the_console_takes_only_its_own_paths(
    http: aiohttp.ClientSession,
) -> None:
    from aiohttp import web
    from console_harness import serve

    from aioswf.local import LocalSWF
    from aioswf.local.console import mount_console

    async with LocalSWF() as local:

        async def swf(request: web.Request) -> web.Response:
            return web.json_response({"swf": True})

        app = web.Application()
        app.router.add_post("/", swf)
        mount_console(app, local.engine)
        runner, url = await serve(app)
        try:
            async with http.post(url + "/", json={}) as r:
                assert await r.json() == {"swf": True}
            async with http.get(url + "/") as r:
                assert r.content_type == "text/html"
            async with http.get(url + "/console/api/domains") as r:
                assert await r.json() == {"domains": []}
        finally:
            await runner.cleanup()


async def test_a_server_on_a_public_address_answers_any_host_name_and_says_it_is_open(
    http: aiohttp.ClientSession,
) -> None:
    from aiohttp import web
    from console_harness import serve

    from aioswf.local import LocalSWF
    from aioswf.local.console import allowed_hosts_for, console_url, exposure_warning, mount_console

    assert allowed_hosts_for("127.0.0.1") is not None
    assert allowed_hosts_for("localhost") is not None
    assert allowed_hosts_for("::1") is not None
    assert allowed_hosts_for("0.0.0.0") is None
    assert allowed_hosts_for("192.0.2.7") is None
    assert exposure_warning("127.0.0.1") is None
    assert exposure_warning("localhost") is None
    warning = exposure_warning("0.0.0.0")
    assert warning is not None
    assert "no authentication" in warning
    assert console_url("127.0.0.1", 8080) == "http://127.0.0.1:8080/"
    assert console_url("0.0.0.0", 8080) == "http://127.0.0.1:8080/"
    assert console_url("::1", 8080) == "http://[::1]:8080/"
    assert console_url("::", 8080) == "http://[::1]:8080/"
    async with LocalSWF() as local:
        app = web.Application()
        mount_console(app, local.engine, host="0.0.0.0")
        runner, url = await serve(app)
        try:
            async with http.get(url + "/console/api/domains", headers={"Host": "devbox.lan:8080"}) as r:
                assert r.status == 200
        finally:
            await runner.cleanup()
