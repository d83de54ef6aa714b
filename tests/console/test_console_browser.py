"""The console in a real headless browser: lists, filters and pages; following a running execution;
actions; a 25,000-event history; text from SWF shown as text; a page elsewhere unable to act.

Every wait is for a condition (playwright's ``expect`` and ``wait_for_*``), never a sleep.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp import web
from console_harness import Console, serve
from console_scenario import child, complete, continue_as_new, marker, schedule, timer
from playwright.async_api import expect

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)
Json = dict[str, Any]


def run_fragment(console: Console, ref: Json) -> str:
    return (
        f"/domains/{quote(console.scenario.domain, safe='')}/executions/"
        f"{quote(ref['workflowId'], safe='')}/{quote(ref['runId'], safe='')}"
    )


async def open_run(page: Any, console: Console, ref: Json) -> None:
    await page.goto(console.page_url(run_fragment(console, ref)))
    await expect(page.locator("#history tr.event").first).to_be_visible()


def workflow_ids(page: Any) -> Any:
    return page.locator("#executions tr.execution td:first-child")


async def test_the_execution_list_filters_and_pages(console: Console, page: Any) -> None:
    await console.scenario.populate()
    await page.goto(console.page_url(f"/domains/{console.scenario.domain}?pageSize=3"))
    await expect(workflow_ids(page)).to_have_text(["h-done", "g-open", "f-terminated"])
    await expect(page.locator("#counts")).to_have_text("4 open, 4 closed")
    await expect(page.locator("#newer")).to_be_disabled()
    await page.click("#older")
    await expect(workflow_ids(page)).to_have_text(["e-open", "d-failed", "c-open"])
    await expect(page.locator("#page-number")).to_have_text("page 2")
    await page.click("#older")
    await expect(workflow_ids(page)).to_have_text(["b-done", "a-open"])
    await expect(page.locator("#older")).to_be_disabled()
    await page.click("#newer")
    await expect(workflow_ids(page)).to_have_text(["e-open", "d-failed", "c-open"])

    filters = page.locator("#filters")
    await filters.locator("select[name=pageSize]").select_option("10")
    await filters.locator("select[name=status]").select_option("closed")
    await filters.locator("button[type=submit]").click()
    await expect(workflow_ids(page)).to_have_text(["h-done", "f-terminated", "d-failed", "b-done"])

    await filters.locator("select[name=by]").select_option("closeStatus")
    await filters.locator("select[name=closeStatus]").select_option("COMPLETED")
    await filters.locator("button[type=submit]").click()
    await expect(workflow_ids(page)).to_have_text(["h-done", "b-done"])
    await expect(page.locator("#counts")).to_have_text("2 closed")

    await filters.locator("select[name=status]").select_option("all")
    await filters.locator("select[name=by]").select_option("tag")
    await filters.locator("input[name=value]").fill("blue")
    await filters.locator("button[type=submit]").click()
    await expect(workflow_ids(page)).to_have_text(["f-terminated", "d-failed", "a-open"])

    await filters.locator("select[name=by]").select_option("type")
    await filters.locator("input[name=value]").fill("refund")
    await filters.locator("button[type=submit]").click()
    await expect(workflow_ids(page)).to_have_text(["f-terminated", "c-open"])

    await filters.locator("select[name=by]").select_option("workflowId")
    await filters.locator("input[name=value]").fill("c-open")
    await filters.locator("button[type=submit]").click()
    await expect(workflow_ids(page)).to_have_text(["c-open"])

    await filters.locator("select[name=by]").select_option("")
    await filters.locator("select[name=status]").select_option("open")
    await filters.locator("button[type=submit]").click()
    await expect(workflow_ids(page)).to_have_text(["g-open", "e-open", "c-open", "a-open"])

    # The filters live in the URL: a reload shows the same list.
    await page.reload()
    await expect(workflow_ids(page)).to_have_text(["g-open", "e-open", "c-open", "a-open"])
    await filters.locator("button", has_text="Reset").click()
    await expect(workflow_ids(page)).to_have_count(8)


async def test_the_list_follows_executions_as_they_start_and_close(console: Console, page: Any) -> None:
    s = console.scenario
    first = s.start("first")
    await page.goto(console.page_url(f"/domains/{s.domain}"))
    await expect(workflow_ids(page)).to_have_text(["first"])
    s.advance(1)
    s.start("second")
    await expect(workflow_ids(page)).to_have_text(["second", "first"])
    s.call("TerminateWorkflowExecution", domain=s.domain, workflowId="first")
    row = page.locator("#executions tr.execution", has_text="first")
    await expect(row.locator(".badge")).to_have_text("terminated")
    assert first["workflowId"] == "first"


async def test_a_running_executions_page_shows_new_events_as_they_happen(console: Console, page: Any) -> None:
    s = console.scenario
    ref = s.start(input='{"n": 1}')
    await open_run(page, console, ref)
    events = page.locator("#history tr.event")
    await expect(events).to_have_count(2)
    await expect(page.locator("#live")).to_have_text("live · 2 events")
    await s.decide(schedule("charge-1", "12"), timer("t1", 30))
    await expect(page.locator('#history tr.event[data-event-type="ActivityTaskScheduled"]')).to_be_visible()
    await expect(page.locator("#timeline-summary")).to_have_text("4 lanes, 4 bars, 0 failures")
    s.signal(ref, "nudge", "hello")
    await expect(
        page.locator('#history tr.event[data-event-type="WorkflowExecutionSignaled"]')
    ).to_contain_text("hello")
    task = await s.poll_activity()
    s.call("RespondActivityTaskFailed", taskToken=task["taskToken"], reason="declined")
    failed = page.locator('#history tr.event[data-event-type="ActivityTaskFailed"]')
    await expect(failed).to_have_class("event failure")
    await expect(page.locator("#timeline-summary")).to_have_text("5 lanes, 5 bars, 1 failure")
    await page.click("#tab-state")
    await expect(page.locator("#state-activities")).to_contain_text("declined")
    await s.decide(complete('{"ok": true}'))
    await expect(page.locator("#title .badge")).to_have_text("completed")
    await expect(page.locator("#result")).to_contain_text('"ok": true')
    await expect(page.locator("#live")).to_contain_text("closed")
    await expect(page.locator("#actions")).to_have_count(0)
    await page.click("#tab-history")
    await expect(
        page.locator('#history tr.event[data-event-type="WorkflowExecutionCompleted"]')
    ).to_be_visible()


async def test_following_new_events_keeps_the_last_page_in_view(console: Console, page: Any) -> None:
    s = console.scenario
    ref = s.start()
    await open_run(page, console, ref)
    await page.locator("#page-size").select_option("50")
    await page.check("#follow")
    await s.decide(*[marker(f"m{i}") for i in range(60)])  # events 3 to 64
    await expect(page.locator("#history-page")).to_have_text("page 2 of 2")
    await expect(page.locator("#history tr.event").last).to_have_attribute("data-event-id", "64")
    s.signal(ref, "one-more")
    await expect(page.locator("#history tr.event").last).to_have_attribute("data-event-id", "66")
    await page.click("#first-page")  # leaving the last page stops following
    await expect(page.locator("#follow")).not_to_be_checked()
    await expect(page.locator("#history tr.event").first).to_have_attribute("data-event-id", "1")


async def test_signal_cancel_and_terminate_from_the_page_appear_in_the_history(
    console: Console, page: Any
) -> None:
    ref = console.scenario.start()
    await open_run(page, console, ref)

    await page.click("#signal")
    dialog = page.locator("dialog[open]")
    await dialog.locator("input[name=signalName]").fill("approve")
    await dialog.locator("textarea[name=input]").fill('{"by": "me"}')
    await dialog.locator("button[type=submit]").click()
    signaled = page.locator('#history tr.event[data-event-type="WorkflowExecutionSignaled"]')
    await expect(signaled).to_contain_text("approve")
    await expect(signaled).to_contain_text('{"by": "me"}')

    await page.click("#request-cancel")
    await page.locator("dialog[open] button[type=submit]").click()
    await expect(
        page.locator('#history tr.event[data-event-type="WorkflowExecutionCancelRequested"]')
    ).to_be_visible()
    await expect(page.locator("#title")).to_contain_text("cancel requested")

    # Terminating asks first, and cancelling the question changes nothing.
    await page.click("#terminate")
    await expect(page.locator("dialog[open] .warning")).to_contain_text("cannot be undone")
    await page.locator("dialog[open] button", has_text="Cancel").click()
    await expect(page.locator("dialog[open]")).to_have_count(0)
    await expect(page.locator("#title .badge").first).to_have_text("open")

    await page.click("#terminate")
    dialog = page.locator("dialog[open]")
    await dialog.locator("input[name=reason]").fill("stuck")
    await dialog.locator("button.danger[type=submit]").click()
    terminated = page.locator('#history tr.event[data-event-type="WorkflowExecutionTerminated"]')
    await expect(terminated).to_contain_text("stuck")
    await expect(page.locator("#title .badge")).to_have_text("terminated")
    await expect(page.locator("#actions")).to_have_count(0)
    execution = console.local.engine.domains[console.scenario.domain].runs[(ref["workflowId"], ref["runId"])]
    assert execution.close_status == "TERMINATED"


async def test_an_action_swf_refuses_shows_why_in_its_dialog(console: Console, page: Any) -> None:
    ref = console.scenario.start()
    await open_run(page, console, ref)
    await page.click("#signal")
    dialog = page.locator("dialog[open]")
    await dialog.locator("input[name=signalName]").fill("late")
    console.scenario.call(
        "TerminateWorkflowExecution", domain=console.scenario.domain, workflowId=ref["workflowId"]
    )
    await dialog.locator("button[type=submit]").click()
    await expect(dialog.locator(".error")).to_contain_text("UnknownResourceFault")
    await expect(page.locator("#title .badge")).to_have_text("terminated")


async def test_an_execution_of_a_type_is_started_from_the_domain_page(console: Console, page: Any) -> None:
    await page.goto(console.page_url(f"/domains/{console.scenario.domain}"))
    await page.locator("#workflow-types tr", has_text="order").locator("button.start").click()
    dialog = page.locator("dialog[open]")
    await expect(dialog.locator("input[name=taskList]")).to_have_attribute(
        "placeholder", "type default: decisions"
    )
    await dialog.locator("input[name=workflowId]").fill("started-by-hand")
    await dialog.locator("textarea[name=input]").fill('{"sku": 42}')
    await dialog.locator("textarea[name=tagList]").fill("manual\nweb")
    await dialog.locator("button[type=submit]").click()
    await expect(page.locator("#title")).to_contain_text("started-by-hand")
    await expect(page.locator("#input")).to_contain_text('"sku": 42')
    await expect(page.locator("#attributes")).to_contain_text("manual, web")
    assert "started-by-hand" in console.local.engine.domains[console.scenario.domain].open_executions


async def test_links_lead_between_parent_children_and_continued_runs(console: Console, page: Any) -> None:
    s = console.scenario
    parent = s.start("parent")
    await s.decide(child("kid"))
    kid_task = await s.poll_decision()
    kid_first = kid_task["workflowExecution"]["runId"]
    s.call("RespondDecisionTaskCompleted", taskToken=kid_task["taskToken"], decisions=[continue_as_new()])
    await open_run(page, console, parent)
    await page.locator("#links .link-child").click()
    await expect(page.locator("#title")).to_contain_text("kid")
    assert kid_first in page.url
    await expect(page.locator("#title .badge")).to_have_text("continued as new")
    await page.locator("#links .link-continued-as").click()
    await expect(page.locator("#title .badge")).to_have_text("open")
    await expect(page.locator("#links .link-continued-from")).to_be_visible()
    await page.locator("#links .link-parent").click()
    await expect(page.locator("#title")).to_contain_text("parent")
    assert parent["runId"] in page.url


@pytest.mark.slow
async def test_a_25000_event_history_renders_and_stays_light(console: Console, page: Any) -> None:
    s = console.scenario
    ref = await s.long_history("long")
    total = len(console.local.engine.domains[s.domain].runs[(ref["workflowId"], ref["runId"])].events)
    assert total > 25_000
    shown = f"{total:,}"
    await open_run(page, console, ref)
    await expect(page.locator("#history-info")).to_have_text(f"{shown} of {shown} events")
    await expect(page.locator("#title .badge")).to_have_text("terminated")
    await expect(page.locator("#history tr.event")).to_have_count(100)
    await expect(page.locator("#timeline-summary")).to_contain_text("failure")
    await page.click("#last-page")
    await expect(page.locator("#history tr.event").last).to_have_attribute(
        "data-event-type", "WorkflowExecutionTerminated"
    )
    await page.fill("#goto", "12345")
    await page.press("#goto", "Enter")
    await expect(page.locator('#history tr.selected[data-event-id="12345"]')).to_be_visible()
    await page.locator("#event-type").select_option("WorkflowExecutionSignaled")
    await expect(page.locator("#history tr.event").first).to_have_attribute(
        "data-event-type", "WorkflowExecutionSignaled"
    )
    await page.click("#tab-state")
    await expect(page.locator("#state-markers")).to_contain_text("Markers: 5 names")
    await expect(page.locator("#state-execution")).to_contain_text("EVENT_LIMIT_EXCEEDED")
    nodes = await page.evaluate("document.getElementsByTagName('*').length")
    assert nodes < 3_000, f"{nodes} DOM elements for a {total}-event history"


async def test_values_from_swf_are_shown_as_text_never_as_html(console: Console, page: Any) -> None:
    s = console.scenario
    hostile = "<img src=x onerror=window.__pwned=1>"
    s.call(
        "RegisterDomain",
        name=s.domain + "-x",
        description="<img src=d onerror=window.__pwned=2>",
        workflowExecutionRetentionPeriodInDays="1",
    )
    s.call(
        "RegisterWorkflowType",
        domain=s.domain,
        name="<b onclick=x>",
        version="1",
        description="<img src=t onerror=window.__pwned=3>",
    )
    ref = s.start(hostile, input="<script>window.__pwned=4</script>", tagList=["<i onmouseover=x>"])
    s.signal(ref, "<svg onload=window.__pwned=5>", "<img src=s onerror=window.__pwned=6>")
    await s.decide(marker("<img src=m onerror=window.__pwned=7>", "<iframe srcdoc=x>"))
    s.call(
        "TerminateWorkflowExecution",
        domain=s.domain,
        workflowId=hostile,
        reason="<img src=r onerror=window.__pwned=8>",
    )

    await page.goto(console.page_url("/"))
    await expect(page.locator("#domains")).to_contain_text("<img src=d onerror=window.__pwned=2>")
    await page.goto(console.page_url(f"/domains/{s.domain}"))
    await expect(page.locator("#workflow-types")).to_contain_text("<img src=t onerror=window.__pwned=3>")
    await expect(workflow_ids(page)).to_have_text([hostile])
    await expect(page.locator("#executions")).to_contain_text("<i onmouseover=x>")
    await open_run(page, console, ref)
    await expect(page.locator("#title")).to_contain_text(hostile)
    await expect(page.locator("#input")).to_contain_text("<script>window.__pwned=4</script>")
    await expect(page.locator("#result")).to_contain_text("<img src=r onerror=window.__pwned=8>")
    await expect(page.locator("#history")).to_contain_text("<svg onload=window.__pwned=5>")
    await page.click("#tab-state")
    await expect(page.locator("#state-signals")).to_contain_text("<img src=s onerror=window.__pwned=6>")
    await expect(page.locator("#state-markers")).to_contain_text("<iframe srcdoc=x>")
    assert await page.evaluate("window.__pwned") is None
    for tag in (
        "main img",
        "main script",
        "main svg",
        "main iframe",
        "main b[onclick]",
        "main i[onmouseover]",
    ):
        assert await page.locator(tag).count() == 0, tag


async def test_a_page_on_another_origin_cannot_drive_the_actions(console: Console, page: Any) -> None:
    ref = console.scenario.start()
    target = f"{console.url}/console/api{run_fragment(console, ref)}/terminate"
    attack = f"""<!doctype html><body>
<iframe name="sink"></iframe>
<form id="f" method="post" target="sink" action="{target}"><input name="reason" value="csrf"></form>
<script>
window.results = [];
async function attempt(name, options) {{
  try {{ const r = await fetch({target!r}, options); window.results.push(name + ':' + r.status); }}
  catch (e) {{ window.results.push(name + ':blocked'); }}
}}
(async () => {{
  await attempt('json-with-header', {{method: 'POST', headers: {{'Content-Type': 'application/json', 'X-Aioswf-Console': '1'}}, body: '{{}}'}});
  await attempt('simple-no-cors', {{method: 'POST', mode: 'no-cors', headers: {{'Content-Type': 'text/plain'}}, body: '{{}}'}});
  await new Promise((done) => {{ document.querySelector('iframe').onload = done; document.getElementById('f').submit(); }});
  window.finished = true;
}})();
</script></body>"""

    async def evil(request: web.Request) -> web.Response:
        return web.Response(text=attack, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", evil)
    runner, evil_url = await serve(app)
    try:
        await page.goto(evil_url + "/")
        await page.wait_for_function("window.finished === true")
        results = await page.evaluate("window.results")
    finally:
        await runner.cleanup()
    assert results[0] == "json-with-header:blocked", results
    # Sent (a simple request needs no preflight), refused by the console, unreadable by the page.
    assert results[1] in ("simple-no-cors:0", "simple-no-cors:blocked"), results
    execution = console.local.engine.domains[console.scenario.domain].runs[(ref["workflowId"], ref["runId"])]
    assert execution.status == "OPEN"
    assert [event["eventType"] for event in execution.events] == [
        "WorkflowExecutionStarted",
        "DecisionTaskScheduled",
    ]


async def test_a_screenshot_of_an_executions_page(console: Console, page: Any, tmp_path: Path) -> None:
    """Takes the screenshot in the docs; ``AIOSWF_CONSOLE_SCREENSHOT=docs/console-execution.png`` saves it."""
    s = console.scenario
    ref = s.start(
        "order-1001", input='{"order": 1001, "items": ["book", "pen"], "total": 42.5}', tagList=["web"]
    )
    s.advance(0.2)
    await s.decide(
        schedule("reserve-stock", '{"items": 2}'),
        schedule("charge-card", '{"amount": 42.5}'),
        timer("payment-deadline", 900),
    )
    s.advance(0.3)
    reserve = await s.poll_activity()
    s.advance(0.1)
    charge = await s.poll_activity()
    s.advance(1.6)
    s.call("RespondActivityTaskCompleted", taskToken=reserve["taskToken"], result='{"reserved": true}')
    s.advance(1.1)
    s.call(
        "RespondActivityTaskFailed",
        taskToken=charge["taskToken"],
        reason="card declined",
        details='{"code": 51}',
    )
    s.advance(0.2)
    await s.decide(
        schedule("charge-card", '{"amount": 42.5, "attempt": 2}'), marker("retrying", "charge-card")
    )
    s.advance(0.4)
    retry = await s.poll_activity()
    s.advance(2.0)
    s.call("RespondActivityTaskCompleted", taskToken=retry["taskToken"], result='{"charged": 42.5}')
    s.advance(0.2)
    await s.decide(
        child("order-1001-shipping"),
        {"decisionType": "CancelTimer", "cancelTimerDecisionAttributes": {"timerId": "payment-deadline"}},
    )
    s.advance(0.5)
    await s.decide_run(ref["runId"])
    s.advance(0.8)
    s.signal(ref, "address-changed", '{"city": "Lyon"}')
    s.advance(0.3)
    await open_run(page, console, ref)
    await expect(page.locator("#timeline-summary")).to_have_text("8 lanes, 11 bars, 1 failure")
    await expect(
        page.locator('#history tr.event[data-event-type="WorkflowExecutionSignaled"]')
    ).to_be_visible()
    await page.mouse.move(0, 0)
    shot = tmp_path / "console-execution.png"
    await page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    wanted = os.environ.get("AIOSWF_CONSOLE_SCREENSHOT")
    if wanted:
        shutil.copyfile(shot, wanted)
