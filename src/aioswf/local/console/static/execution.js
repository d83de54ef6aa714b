// One execution's page: what it is, its links, input and result, actions, the timeline, the history
// (paged: a 25,000-event history never puts more than one page of rows in the page) and the compiled
// state. It follows a running execution by asking for the event count every refresh interval and
// reloading what changed.

import { Timeline } from "./timeline.js";
import {
  api, badge, clear, domainPath, errorBox, every, fmtClock, fmtCount, fmtDuration, fmtTime, h, openDialog,
  payload, runLink, runPath, setCrumbs, setLive, settings, shortId, statusBadge, workflowLink,
} from "./ui.js";

const FAILURE = /(Failed|TimedOut|Terminated)$/;

function attributesOf(event) {
  const key = event.eventType[0].toLowerCase() + event.eventType.slice(1) + "EventAttributes";
  return event[key] || {};
}

function shortValue(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") {
    if ("name" in value && "version" in value) return `${value.name} ${value.version}`;
    if ("workflowId" in value) return value.workflowId + (value.runId ? ` (${shortId(value.runId)})` : "");
    if ("name" in value && Object.keys(value).length === 1) return value.name;
    return JSON.stringify(value);
  }
  const text = String(value);
  return text.length > 140 ? text.slice(0, 140) + "…" : text;
}

function eventSummary(event, goTo) {
  const parts = [];
  for (const [key, value] of Object.entries(attributesOf(event))) {
    if (parts.length) parts.push("  ");
    parts.push(key + ": ");
    if (key.endsWith("EventId") && Number.isInteger(value) && value > 0) {
      parts.push(h("a", { href: "#", onclick: (e) => { e.preventDefault(); e.stopPropagation(); goTo(value); } }, "#" + value));
    } else {
      parts.push(h("b", {}, shortValue(value)));
    }
  }
  return h("span", { class: "summary" }, parts);
}

function dl(pairs) {
  return h("dl", { class: "grid" }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== "").map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function closeDetails(domain, ref, event) {
  if (!event) return h("p", { class: "muted" }, "Still open.");
  const a = attributesOf(event);
  const rows = [["Closed by", event.eventType], ["At", fmtTime(event.eventTimestamp)]];
  for (const key of ["cause", "timeoutType", "childPolicy"]) if (a[key]) rows.push([key, a[key]]);
  if (a.newExecutionRunId) rows.push(["Continued as", h("a", { href: runLink(domain, { workflowId: ref.workflowId, runId: a.newExecutionRunId }) }, shortId(a.newExecutionRunId))]);
  const blocks = [dl(rows)];
  for (const key of ["result", "reason", "details"]) {
    if (a[key] !== undefined) blocks.push(h("h4", {}, key), payload(a[key]));
  }
  return h("div", { id: "close-details" }, blocks);
}

function linksCard(domain, ref, links) {
  const rows = [];
  if (links.parent) rows.push(["Parent", h("a", { href: runLink(domain, links.parent), class: "link-parent" }, links.parent.workflowId)]);
  if (links.continuedFrom) rows.push(["Continues run", h("a", { href: runLink(domain, { workflowId: ref.workflowId, runId: links.continuedFrom }), class: "link-continued-from" }, shortId(links.continuedFrom))]);
  if (links.continuedAs) rows.push(["Continued as run", h("a", { href: runLink(domain, { workflowId: ref.workflowId, runId: links.continuedAs }), class: "link-continued-as" }, shortId(links.continuedAs))]);
  const children = links.children.map((c) =>
    h("li", {}, h("a", { href: c.runId ? runLink(domain, c) : workflowLink(domain, c.workflowId), class: "link-child" }, c.workflowId), " ", badge(c.state)),
  );
  if (children.length) rows.push([`Children (${children.length})`, h("ul", { class: "children" }, children)]);
  rows.push(["All runs of this id", h("a", { href: `#${domainPath(domain)}?workflowId=${encodeURIComponent(ref.workflowId)}` }, "list")]);
  return dl(rows);
}

function attributesCard(data) {
  const info = data.executionInfo;
  const config = data.executionConfiguration;
  const counts = data.openCounts;
  const end = info.closeTimestamp;
  return dl([
    ["Workflow type", `${info.workflowType.name} ${info.workflowType.version}`],
    ["Run id", h("span", { class: "mono" }, info.execution.runId)],
    ["Started", fmtTime(info.startTimestamp)],
    ["Closed", end ? `${fmtTime(end)} (after ${fmtDuration(end - info.startTimestamp)})` : null],
    ["Task list", config.taskList.name],
    ["Child policy", config.childPolicy],
    ["Timeouts", `execution ${config.executionStartToCloseTimeout} s, decision task ${config.taskStartToCloseTimeout} s`],
    ["Task priority", config.taskPriority],
    ["Lambda role", config.lambdaRole],
    ["Tags", (info.tagList || []).join(", ")],
    ["Open now", info.executionStatus === "OPEN" ? `${counts.openActivityTasks} activities, ${counts.openTimers} timers, ${counts.openChildWorkflowExecutions} children, ${counts.openDecisionTasks} decision task${counts.openDecisionTasks === 1 ? "" : "s"}, ${counts.openLambdaFunctions} Lambda` : null],
    ["Latest activity task", data.latestActivityTaskTimestamp ? fmtTime(data.latestActivityTaskTimestamp) : null],
    ["Execution context", data.latestExecutionContext ? h("span", { class: "mono" }, data.latestExecutionContext) : null],
    ["Events", fmtCount(data.eventCount)],
  ]);
}

function actionButtons(domain, ref, refresh) {
  const path = runPath(domain, ref);
  const signal = () =>
    openDialog({
      title: "Signal this execution",
      submit: "Send signal",
      fields: [
        ["signalName", "Signal name", h("input", { name: "signalName", required: true, autocomplete: "off" })],
        ["input", "Input", h("textarea", { name: "input" })],
      ],
      onSubmit: async (values) => {
        await api(path + "/signal", { method: "POST", body: values });
        refresh();
      },
    });
  const cancel = () =>
    openDialog({
      title: "Request cancellation",
      intro: h("p", {}, "The decider sees WorkflowExecutionCancelRequested and decides what to do; the execution stays open until it does."),
      submit: "Request cancel",
      onSubmit: async () => {
        await api(path + "/cancel", { method: "POST", body: {} });
        refresh();
      },
    });
  const terminate = () =>
    openDialog({
      title: "Terminate this execution?",
      intro: h("p", { class: "warning" }, "Terminating closes the run at once: its decider is not asked, its open tasks are dropped and its child policy is applied. This cannot be undone."),
      submit: "Terminate",
      submitClass: "danger",
      fields: [
        ["reason", "Reason", h("input", { name: "reason", autocomplete: "off" })],
        ["details", "Details", h("textarea", { name: "details" })],
        ["childPolicy", "Child policy", h("select", { name: "childPolicy" }, h("option", { value: "" }, "the run's own"), ["TERMINATE", "REQUEST_CANCEL", "ABANDON"].map((p) => h("option", { value: p }, p)))],
      ],
      onSubmit: async (values) => {
        await api(path + "/terminate", { method: "POST", body: values });
        refresh();
      },
    });
  return h(
    "div",
    { class: "toolbar", id: "actions" },
    h("button", { id: "signal", onclick: signal }, "Signal…"),
    h("button", { id: "request-cancel", onclick: cancel }, "Request cancel…"),
    h("button", { id: "terminate", class: "danger", onclick: terminate }, "Terminate…"),
  );
}

// ---- the history table ------------------------------------------------------------------------

class HistoryTable {
  constructor(container, path, params) {
    this.path = path;
    this.page = Number(params.get("page")) || 1;
    this.size = Number(params.get("size")) || 100;
    this.order = params.get("order") === "desc" ? "desc" : "asc";
    this.types = "";
    this.follow = false;
    this.selected = null;
    this.known = 0;
    this.start = null;
    this.body = h("tbody");
    this.pager = h("span", { class: "pager" });
    this.info = h("span", { class: "muted", id: "history-info" });
    this.typeSelect = h("select", { id: "event-type", onchange: () => { this.types = this.typeSelect.value; this.page = 1; this.load(); } }, h("option", { value: "" }, "all event types"));
    const order = h("select", { id: "order", onchange: () => { this.order = order.value; this.page = 1; this.load(); } }, h("option", { value: "asc", selected: this.order === "asc" }, "oldest first"), h("option", { value: "desc", selected: this.order === "desc" }, "newest first"));
    const size = h("select", { id: "page-size", onchange: () => { this.size = Number(size.value); this.page = 1; this.load(); } }, [50, 100, 200, 500].map((n) => h("option", { value: n, selected: n === this.size }, `${n} a page`)));
    const goto = h("input", { id: "goto", type: "number", min: 1, placeholder: "event #", size: 8 });
    const follow = h("input", { type: "checkbox", id: "follow" });
    follow.addEventListener("change", () => { this.follow = follow.checked; if (this.follow) this.load(); });
    this.followBox = follow;
    const gotoForm = h("form", { class: "pager" }, goto, h("button", { type: "submit", class: "small" }, "Go"));
    gotoForm.addEventListener("submit", (event) => { event.preventDefault(); if (goto.value) this.goTo(Number(goto.value)); });
    clear(
      container,
      h("div", { class: "toolbar" }, order, this.typeSelect, size, gotoForm, h("label", { class: "inline" }, follow, "follow new events"), h("span", { class: "grow" }), this.info, this.pager),
      h("table", { id: "history" }, h("thead", {}, h("tr", {}, h("th", { class: "num" }, "#"), h("th", {}, "Time"), h("th", { class: "num" }, "+"), h("th", {}, "Event"), h("th", {}, "Details"))), this.body),
    );
  }

  setFollowing(on) {
    this.follow = on;
    this.followBox.checked = on;
  }

  async goTo(eventId) {
    this.selected = eventId;
    await this.load(eventId);
    const row = this.body.querySelector(`tr[data-event-id="${eventId}"]`);
    if (row) row.scrollIntoView({ block: "center" });
  }

  async refresh(eventCount) {
    if (eventCount === this.known) return;
    await this.load();
  }

  async load(around) {
    const query = new URLSearchParams({ size: this.size, order: this.order });
    if (this.types) query.set("types", this.types);
    if (around) query.set("event", around);
    else if (this.follow) query.set("page", this.order === "asc" ? 1 << 30 : 1);
    else query.set("page", this.page);
    let data;
    try {
      data = await api(this.path + "/history?" + query);
    } catch (error) {
      clear(this.body, h("tr", {}, h("td", { colspan: 5 }, errorBox(error))));
      return;
    }
    this.page = data.page;
    this.known = data.eventCount;
    this.start = data.startTimestamp;
    this.renderTypes(data.typeCounts);
    this.info.textContent = `${fmtCount(data.total)} of ${fmtCount(data.eventCount)} events`;
    const go = (page) => { this.page = page; this.setFollowing(false); this.load(); };
    clear(
      this.pager,
      h("button", { class: "small", id: "first-page", disabled: data.page <= 1, onclick: () => go(1) }, "«"),
      h("button", { class: "small", id: "previous-page", disabled: data.page <= 1, onclick: () => go(data.page - 1) }, "‹"),
      h("span", { id: "history-page" }, `page ${fmtCount(data.page)} of ${fmtCount(data.pages)}`),
      h("button", { class: "small", id: "next-page", disabled: data.page >= data.pages, onclick: () => go(data.page + 1) }, "›"),
      h("button", { class: "small", id: "last-page", disabled: data.page >= data.pages, onclick: () => go(data.pages) }, "»"),
    );
    const rows = [];
    for (const event of data.events) {
      const failure = FAILURE.test(event.eventType);
      const row = h(
        "tr",
        { class: "event" + (failure ? " failure" : "") + (event.eventId === this.selected ? " selected" : ""), dataset: { eventId: event.eventId, eventType: event.eventType } },
        h("td", { class: "num" }, event.eventId),
        h("td", { class: "mono nowrap", title: fmtTime(event.eventTimestamp) }, fmtClock(event.eventTimestamp)),
        h("td", { class: "num muted nowrap" }, this.start === null ? "" : fmtDuration(event.eventTimestamp - this.start)),
        h("td", {}, event.eventType),
        h("td", {}, eventSummary(event, (id) => this.goTo(id))),
      );
      row.addEventListener("click", () => {
        const next = row.nextElementSibling;
        if (next && next.classList.contains("detail")) next.remove();
        else row.after(h("tr", { class: "detail" }, h("td", { colspan: 5 }, h("pre", {}, JSON.stringify(attributesOf(event), null, 2)))));
      });
      rows.push(row);
    }
    clear(this.body, rows.length ? rows : h("tr", {}, h("td", { colspan: 5, class: "muted" }, "No events.")));
  }

  renderTypes(counts) {
    if (!counts) return;
    const current = this.types;
    const options = [h("option", { value: "" }, "all event types")];
    for (const [type, n] of Object.entries(counts).sort()) options.push(h("option", { value: type, selected: type === current }, `${type} (${fmtCount(n)})`));
    clear(this.typeSelect, options);
  }
}

// ---- the compiled state ---------------------------------------------------------------------------

function eventLink(id, goTo) {
  if (!id) return "";
  return h("a", { href: "#", onclick: (e) => { e.preventDefault(); goTo(id); } }, "#" + id);
}

function objectsTable(id, title, group, columns, goTo) {
  const section = h("section", { id });
  const total = group.open.length + group.closedTotal;
  section.append(h("h3", {}, `${title}: ${group.open.length} open, ${fmtCount(group.closedTotal)} closed`));
  if (!total) {
    section.append(h("p", { class: "muted" }, "None."));
    return section;
  }
  const rows = [...group.open, ...group.closed].map((item) =>
    h("tr", { class: item.state && /failed|timed_out|terminated/.test(item.state) ? "failure" : "" }, columns.map(([, render]) => h("td", {}, render(item, goTo)))),
  );
  section.append(h("table", {}, h("thead", {}, h("tr", {}, columns.map(([name]) => h("th", {}, name)))), h("tbody", {}, rows)));
  if (group.closedTotal > group.closed.length) section.append(h("p", { class: "muted" }, `The ${group.closed.length} latest closed of ${fmtCount(group.closedTotal)} are shown.`));
  return section;
}

const typeName = (t) => (t ? `${t.name} ${t.version}` : "");
const outcome = (item) => item.result ?? item.reason ?? item.details ?? item.cause ?? item.timeout_type ?? "";

function renderState(container, domain, state, goTo) {
  const e = state.execution;
  const decision = state.decisionTask;
  clear(
    container,
    h("div", { class: "cols" },
      h("section", { class: "card", id: "state-execution" }, h("h3", {}, "Execution ", badge(e.state)), dl([["Cause", e.cause], ["Cancel requested", e.cancel_requested ? "yes" : null], ["Signals received", String(e.signals_received)], ["Task list", e.task_list]])),
      h("section", { class: "card", id: "state-decision" }, h("h3", {}, "Decision task ", decision ? badge(decision.state) : ""), decision ? dl([["Decision tasks", String(decision.count)], ["Decider", decision.identity], ["Scheduled", eventLink(decision.scheduled_event_id, goTo)], ["Started", eventLink(decision.started_event_id, goTo)], ["Timeout", decision.timeout_type], ["Execution context", decision.execution_context]]) : h("p", { class: "muted" }, "None yet.")),
    ),
    objectsTable("state-activities", "Activities", state.activities, [
      ["Activity id", (a) => a.activity_id], ["Type", (a) => typeName(a.activity_type)], ["State", (a) => [badge(a.state), a.cancel_requested ? [" ", badge("cancel_requested")] : null]],
      ["Attempts", (a) => String(a.attempts)], ["Worker", (a) => a.identity || ""], ["Task list", (a) => a.task_list || ""],
      ["Scheduled", (a, g) => eventLink(a.scheduled_event_id, g)], ["Started", (a, g) => eventLink(a.started_event_id, g)], ["Closed", (a, g) => eventLink(a.closed_event_id, g)], ["Outcome", (a) => shortText(outcome(a))],
    ], goTo),
    objectsTable("state-timers", "Timers", state.timers, [
      ["Timer id", (t) => t.timer_id], ["State", (t) => badge(t.state)], ["Fires after", (t) => (t.start_to_fire_timeout ? `${t.start_to_fire_timeout} s` : "")], ["Attempts", (t) => String(t.attempts)],
      ["Started", (t, g) => eventLink(t.started_event_id, g)], ["Closed", (t, g) => eventLink(t.closed_event_id, g)], ["Cause", (t) => t.cause || ""],
    ], goTo),
    objectsTable("state-children", "Child workflows", state.childWorkflows, [
      ["Workflow id", (c) => h("a", { href: c.run_id ? runLink(domain, { workflowId: c.workflow_id, runId: c.run_id }) : "#" + domainPath(domain) + "/workflows/" + encodeURIComponent(c.workflow_id) }, c.workflow_id)],
      ["Type", (c) => typeName(c.workflow_type)], ["State", (c) => badge(c.state)], ["Attempts", (c) => String(c.attempts)],
      ["Initiated", (c, g) => eventLink(c.initiated_event_id, g)], ["Closed", (c, g) => eventLink(c.closed_event_id, g)], ["Outcome", (c) => shortText(outcome(c))],
    ], goTo),
    objectsTable("state-lambdas", "Lambda functions", state.lambdaFunctions, [
      ["Id", (l) => l.function_id], ["Function", (l) => l.name || ""], ["State", (l) => badge(l.state)], ["Attempts", (l) => String(l.attempts)],
      ["Scheduled", (l, g) => eventLink(l.scheduled_event_id, g)], ["Closed", (l, g) => eventLink(l.closed_event_id, g)], ["Outcome", (l) => shortText(outcome(l))],
    ], goTo),
    listSection("state-signals", `Signals received: ${fmtCount(state.signalsTotal)}`, state.signals, ["Name", "Input", "From", "Event"], (s) => [s.name, shortText(s.input), s.external_workflow_execution ? s.external_workflow_execution.workflow_id : "", eventLink(s.event_id, goTo)], state.signalsTotal),
    listSection("state-markers", `Markers: ${Object.keys(state.markers).length} names`, Object.values(state.markers), ["Name", "State", "Recorded", "Latest details", "Latest event"], (m) => [m.name, badge(m.state), fmtCount(m.count), shortText(m.details), eventLink(m.event_id, goTo)], null),
    listSection("state-external", `Sent to other executions: ${fmtCount(state.externalOperationsTotal)}`, state.externalOperations, ["Kind", "Workflow id", "State", "Signal", "Initiated"], (x) => [x.kind, x.workflow_id || "", badge(x.state), x.signal_name || "", eventLink(x.initiated_event_id, goTo)], state.externalOperationsTotal),
    state.unresolved.length ? listSection("state-unresolved", "Events compile could not attach", state.unresolved, ["Event", "Type"], (u) => [eventLink(u.eventId, goTo), u.eventType], null) : null,
  );
}

function shortText(text) {
  if (text === null || text === undefined) return "";
  const s = String(text);
  return s.length > 120 ? s.slice(0, 120) + "…" : s;
}

function listSection(id, title, items, headers, cells, total) {
  const section = h("section", { id }, h("h3", {}, title));
  if (!items.length) {
    section.append(h("p", { class: "muted" }, "None."));
    return section;
  }
  section.append(h("table", {}, h("thead", {}, h("tr", {}, headers.map((t) => h("th", {}, t)))), h("tbody", {}, items.map((item) => h("tr", {}, cells(item).map((c) => h("td", {}, c)))))));
  if (total && total > items.length) section.append(h("p", { class: "muted" }, `The ${items.length} latest of ${fmtCount(total)} are shown.`));
  return section;
}

// ---- the page ----------------------------------------------------------------------------------

export function renderExecution(root, domain, ref, params) {
  const path = runPath(domain, ref);
  setCrumbs({ text: "Domains", href: "#/" }, { text: domain, href: "#" + domainPath(domain) }, { text: ref.workflowId }, { text: shortId(ref.runId) });
  const title = h("h1", { id: "title" }, ref.workflowId);
  const actions = h("div");
  const attributes = h("div", { class: "card", id: "attributes" });
  const links = h("div", { class: "card", id: "links" });
  const input = h("div", { class: "card", id: "input" });
  const closed = h("div", { class: "card", id: "result" });
  const problem = h("div");
  const timelineBox = h("div", { id: "timeline" });
  const tabBody = h("div", { id: "tab" });
  const historyBox = h("div", { id: "history-tab" });
  const stateBox = h("div", { id: "state-tab", hidden: true });
  let tab = params.get("tab") === "state" ? "state" : "history";
  const tabs = h("div", { class: "tabs" });
  const timeline = new Timeline(timelineBox, { onPick: (eventId) => { showTab("history"); table.goTo(eventId); } });
  const table = new HistoryTable(historyBox, path, params);
  let known = -1;
  let stateKnown = -1;
  let stopPolling = () => {};

  const goTo = (eventId) => { showTab("history"); table.goTo(eventId); };
  const loadState = async () => {
    try {
      const state = await api(path + "/state");
      stateKnown = state.eventCount;
      renderState(stateBox, domain, state, goTo);
    } catch (error) {
      clear(stateBox, errorBox(error));
    }
  };
  const showTab = (name) => {
    tab = name;
    historyBox.hidden = name !== "history";
    stateBox.hidden = name !== "state";
    for (const button of tabs.children) button.classList.toggle("active", button.dataset.tab === name);
    if (name === "state" && stateKnown !== known) loadState();
  };
  clear(tabs, h("button", { dataset: { tab: "history" }, id: "tab-history", onclick: () => showTab("history") }, "History"), h("button", { dataset: { tab: "state" }, id: "tab-state", onclick: () => showTab("state") }, "Compiled state"));
  clear(tabBody, historyBox, stateBox);
  clear(
    root,
    title,
    problem,
    actions,
    h("div", { class: "cols" }, attributes, h("div", {}, links, input, closed)),
    h("h2", {}, "Timeline"),
    timelineBox,
    tabs,
    tabBody,
  );
  showTab(tab);
  if (params.get("event")) table.goTo(Number(params.get("event")));
  else if (tab === "history") table.load();

  const tick = async () => {
    let data;
    try {
      data = await api(path);
    } catch (error) {
      clear(problem, errorBox(error));
      setLive("");
      return;
    }
    clear(problem);
    const info = data.executionInfo;
    const open = info.executionStatus === "OPEN";
    setLive(open ? `live · ${fmtCount(data.eventCount)} events` : `closed · ${fmtCount(data.eventCount)} events`, open);
    // Every change of an execution (a close, a cancel request) is an event: the count says it all.
    if (data.eventCount === known) return;
    known = data.eventCount;
    clear(title, info.execution.workflowId, statusBadge(info), info.cancelRequested && open ? badge("cancel_requested") : null);
    clear(actions, open ? actionButtons(domain, ref, () => tick()) : null);
    clear(attributes, h("h3", {}, "Execution"), attributesCard(data));
    clear(links, h("h3", {}, "Links"), linksCard(domain, ref, data.links));
    clear(input, h("h3", {}, "Input"), payload(data.input));
    clear(closed, h("h3", {}, open ? "Result" : `Closed: ${(info.closeStatus || "").toLowerCase().replaceAll("_", " ")}`), closeDetails(domain, ref, data.closeEvent));
    const updates = [api(path + "/timeline").then((t) => timeline.update(t, open)).catch((error) => clear(timelineBox, errorBox(error)))];
    if (tab === "history" || table.known) updates.push(table.refresh(known));
    if (tab === "state") updates.push(loadState());
    await Promise.all(updates);
    if (!open) stopPolling();
  };
  stopPolling = every(settings.refreshInterval, tick);
  return () => {
    stopPolling();
    timeline.destroy();
    setLive("");
  };
}
