// The aioswf console: routing and the domain pages (the execution page is in execution.js).

import { renderExecution } from "./execution.js";
import {
  api, badge, clear, domainPath, enc, errorBox, every, fmtCount, fmtTime, h, openDialog, pad,
  runLink, setCrumbs, setLive, settings, shortId, statusBadge,
} from "./ui.js";

// ---- the domains page --------------------------------------------------------------------------

function renderDomains(root) {
  setCrumbs({ text: "Domains" });
  setLive("");
  const body = h("div");
  clear(root, h("h1", {}, "Domains"), body);
  return every(settings.refreshInterval * 3, async () => {
    let data;
    try {
      data = await api("/domains");
    } catch (error) {
      clear(body, errorBox(error));
      return;
    }
    if (!data.domains.length) {
      clear(body, h("p", { class: "card muted" }, "No domains yet. Register one with RegisterDomain (or `aioswf domains register NAME`)."));
      return;
    }
    clear(
      body,
      h(
        "table",
        { id: "domains" },
        h("thead", {}, h("tr", {}, h("th", {}, "Domain"), h("th", {}, "Status"), h("th", {}, "Description"), h("th", {}, "Types registered"), h("th", { class: "num" }, "Retention (days)"), h("th", { class: "num" }, "Open executions"))),
        h(
          "tbody",
          {},
          data.domains.map((d) =>
            h(
              "tr",
              {},
              h("td", {}, h("a", { href: "#" + domainPath(d.name) }, d.name)),
              h("td", {}, badge(d.status)),
              h("td", {}, d.description || ""),
              h("td", {}, `${fmtCount(d.workflowTypes)} workflow, ${fmtCount(d.activityTypes)} activity`),
              h("td", { class: "num" }, d.retention),
              h("td", { class: "num" }, fmtCount(d.openExecutions)),
            ),
          ),
        ),
      ),
    );
  });
}

// ---- a domain's page: its types and its executions ----------------------------------------------

const CLOSE_STATUSES = ["COMPLETED", "FAILED", "CANCELED", "TERMINATED", "CONTINUED_AS_NEW", "TIMED_OUT"];

function toLocalInput(epoch) {
  if (!epoch) return "";
  const d = new Date(Number(epoch) * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
const fromLocalInput = (text) => (text ? String(new Date(text).getTime() / 1000) : "");

function typesTable(domain, types, kind) {
  if (!types.length) return h("p", { class: "muted" }, `No ${kind} types.`);
  const key = kind === "workflow" ? "workflowType" : "activityType";
  return h(
    "table",
    { id: `${kind}-types` },
    h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Version"), h("th", {}, "Status"), h("th", {}, "Description"), h("th", {}, "Registered"), kind === "workflow" ? h("th", {}, "") : null)),
    h(
      "tbody",
      {},
      types.map((t) =>
        h(
          "tr",
          {},
          h("td", {}, t[key].name),
          h("td", {}, t[key].version),
          h("td", {}, badge(t.status)),
          h("td", {}, t.description || ""),
          h("td", {}, fmtTime(t.creationDate)),
          kind === "workflow"
            ? h("td", {}, t.status === "REGISTERED" ? h("button", { class: "small start", onclick: () => startDialog(domain, t[key]) }, "Start…") : null)
            : null,
        ),
      ),
    ),
  );
}

async function startDialog(domain, type) {
  let defaults = {};
  try {
    defaults = (await api(`${domainPath(domain)}/workflow-type?name=${enc(type.name)}&version=${enc(type.version)}`)).configuration || {};
  } catch (error) {
    /* the form still works; SWF will name what is missing */
  }
  const suggested = `${type.name}-${Math.random().toString(36).slice(2, 10)}`;
  const field = (name, placeholder) => h("input", { name, placeholder: placeholder || "", autocomplete: "off" });
  const policy = h("select", { name: "childPolicy" }, h("option", { value: "" }, `type default${defaults.defaultChildPolicy ? ` (${defaults.defaultChildPolicy})` : ""}`), ["TERMINATE", "REQUEST_CANCEL", "ABANDON"].map((p) => h("option", { value: p }, p)));
  openDialog({
    title: `Start ${type.name} ${type.version}`,
    submit: "Start",
    fields: [
      ["workflowId", "Workflow id", h("input", { name: "workflowId", value: suggested, required: true, autocomplete: "off" })],
      ["input", "Input", h("textarea", { name: "input", placeholder: '{"key": "value"}' })],
      ["tagList", "Tags (one a line, at most 5)", h("textarea", { name: "tagList", rows: 2 })],
      ["taskList", "Task list", field("taskList", defaults.defaultTaskList ? `type default: ${defaults.defaultTaskList.name}` : "required (the type has no default)")],
      ["executionStartToCloseTimeout", "Execution timeout (s)", field("executionStartToCloseTimeout", defaults.defaultExecutionStartToCloseTimeout ? `type default: ${defaults.defaultExecutionStartToCloseTimeout}` : "required")],
      ["taskStartToCloseTimeout", "Decision task timeout (s)", field("taskStartToCloseTimeout", defaults.defaultTaskStartToCloseTimeout ? `type default: ${defaults.defaultTaskStartToCloseTimeout}` : "required")],
      ["childPolicy", "Child policy", policy],
      ["taskPriority", "Task priority", field("taskPriority", defaults.defaultTaskPriority ? `type default: ${defaults.defaultTaskPriority}` : "0")],
    ],
    onSubmit: async (values) => {
      const body = { ...values, workflowType: type, tagList: values.tagList.split("\n").map((t) => t.trim()).filter(Boolean) };
      const started = await api(`${domainPath(domain)}/executions`, { method: "POST", body });
      location.hash = runLink(domain, started);
    },
  });
}

function filterForm(params, apply) {
  const get = (name) => params.get(name) || "";
  const by = get("workflowId") ? "workflowId" : get("type") ? "type" : get("tag") ? "tag" : get("closeStatus") ? "closeStatus" : "";
  const status = h("select", { name: "status" }, ["all", "open", "closed"].map((s) => h("option", { value: s, selected: get("status") === s }, s)));
  const filterBy = h("select", { name: "by" }, [["", "no filter"], ["workflowId", "workflow id"], ["type", "type"], ["tag", "tag"], ["closeStatus", "close status"]].map(([v, t]) => h("option", { value: v, selected: by === v }, t)));
  const value = h("input", { name: "value", value: get("workflowId") || get("tag") || get("type"), placeholder: "value", autocomplete: "off" });
  const version = h("input", { name: "version", value: get("version"), placeholder: "version (optional)", size: 12 });
  const closeStatus = h("select", { name: "closeStatus" }, CLOSE_STATUSES.map((s) => h("option", { value: s, selected: get("closeStatus") === s }, s)));
  const windowOn = h("select", { name: "window" }, [["started", "started"], ["closed", "closed"]].map(([v, t]) => h("option", { value: v, selected: (get("closedAfter") || get("closedBefore") ? "closed" : "started") === v }, t)));
  const after = h("input", { type: "datetime-local", step: "1", name: "after", value: toLocalInput(get("startedAfter") || get("closedAfter")) });
  const before = h("input", { type: "datetime-local", step: "1", name: "before", value: toLocalInput(get("startedBefore") || get("closedBefore")) });
  const size = h("select", { name: "pageSize" }, ["10", "25", "50", "100"].map((s) => h("option", { value: s, selected: (get("pageSize") || "50") === s }, s)));
  const valueLabel = h("label", {}, "Value", value);
  const versionLabel = h("label", {}, "Version", version);
  const closeLabel = h("label", {}, "Close status", closeStatus);
  const sync = () => {
    valueLabel.hidden = !["workflowId", "type", "tag"].includes(filterBy.value);
    versionLabel.hidden = filterBy.value !== "type";
    closeLabel.hidden = filterBy.value !== "closeStatus";
  };
  filterBy.addEventListener("change", sync);
  sync();
  const form = h(
    "form",
    { class: "filters card", id: "filters" },
    h("label", {}, "Status", status),
    h("label", {}, "Filter by", filterBy),
    valueLabel,
    versionLabel,
    closeLabel,
    h("label", {}, "Time window on", windowOn),
    h("label", {}, "From", after),
    h("label", {}, "To", before),
    h("label", {}, "Per page", size),
    h("button", { type: "submit", class: "primary" }, "Apply"),
    h("button", { type: "button", onclick: () => apply(new URLSearchParams()) }, "Reset"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (status.value !== "all") next.set("status", status.value);
    if (filterBy.value === "closeStatus") next.set("closeStatus", closeStatus.value);
    else if (filterBy.value && value.value.trim()) next.set(filterBy.value, value.value.trim());
    if (filterBy.value === "type" && version.value.trim()) next.set("version", version.value.trim());
    const prefix = windowOn.value === "closed" ? "closed" : "started";
    if (after.value) next.set(prefix + "After", fromLocalInput(after.value));
    if (before.value) next.set(prefix + "Before", fromLocalInput(before.value));
    if (size.value !== "50") next.set("pageSize", size.value);
    apply(next);
  });
  return form;
}

function executionsTable(domain, executions) {
  if (!executions.length) return h("p", { class: "muted", id: "no-executions" }, "No executions match.");
  return h(
    "table",
    { id: "executions" },
    h("thead", {}, h("tr", {}, ["Workflow id", "Run", "Type", "Status", "Started", "Closed", "Tags"].map((t) => h("th", {}, t)))),
    h(
      "tbody",
      {},
      executions.map((e) =>
        h(
          "tr",
          { class: "execution", dataset: { workflowId: e.execution.workflowId, runId: e.execution.runId } },
          h("td", { class: "wrap" }, h("a", { href: runLink(domain, e.execution) }, e.execution.workflowId)),
          h("td", { class: "mono", title: e.execution.runId }, shortId(e.execution.runId)),
          h("td", {}, `${e.workflowType.name} ${e.workflowType.version}`),
          h("td", {}, statusBadge(e), e.cancelRequested ? [" ", badge("cancel_requested")] : null),
          h("td", {}, fmtTime(e.startTimestamp)),
          h("td", {}, fmtTime(e.closeTimestamp)),
          h("td", {}, (e.tagList || []).join(", ")),
        ),
      ),
    ),
  );
}

function renderDomain(root, domain, params) {
  setCrumbs({ text: "Domains", href: "#/" }, { text: domain });
  setLive("");
  const header = h("div");
  const types = h("div");
  const list = h("div", { id: "execution-list" });
  const pager = h("div", { class: "pager" });
  const counts = h("span", { class: "muted", id: "counts" });
  const apply = (next) => {
    const query = next.toString();
    location.hash = "#" + domainPath(domain) + (query ? "?" + query : "");
  };
  clear(
    root,
    header,
    h("h2", {}, "Executions"),
    filterForm(params, apply),
    h("div", { class: "toolbar" }, counts, h("span", { class: "grow" }), pager),
    list,
    types,
  );

  api(domainPath(domain))
    .then((data) => {
      const d = data.domain;
      clear(
        header,
        h("h1", {}, d.name, badge(d.status)),
        h(
          "dl",
          { class: "grid card" },
          h("dt", {}, "Description"), h("dd", {}, d.description || "–"),
          h("dt", {}, "Retention"), h("dd", {}, `${data.configuration.workflowExecutionRetentionPeriodInDays} days`),
          h("dt", {}, "ARN"), h("dd", { class: "mono" }, d.arn),
        ),
      );
      clear(
        types,
        h("h2", {}, "Workflow types"),
        typesTable(domain, data.workflowTypes, "workflow"),
        h("h2", {}, "Activity types"),
        typesTable(domain, data.activityTypes, "activity"),
      );
    })
    .catch((error) => clear(header, h("h1", {}, domain), errorBox(error)));

  const cursors = [null];
  let index = 0;
  let shownCounts = null;
  const load = async () => {
    const query = new URLSearchParams(params);
    if (cursors[index]) query.set("cursor", cursors[index]);
    let data;
    try {
      data = await api(`${domainPath(domain)}/executions?${query}`);
    } catch (error) {
      clear(list, errorBox(error));
      clear(pager);
      return;
    }
    if (data.counts) shownCounts = data.counts;
    if (shownCounts) {
      const parts = Object.entries(shownCounts).map(([k, n]) => `${fmtCount(n)} ${k}`);
      counts.textContent = parts.join(", ");
    }
    cursors.length = index + 1;
    if (data.nextCursor) cursors.push(data.nextCursor);
    clear(list, executionsTable(domain, data.executions));
    clear(
      pager,
      h("button", { class: "small", id: "newer", disabled: index === 0, onclick: () => { index -= 1; load(); } }, "‹ Newer"),
      h("span", { class: "muted", id: "page-number" }, `page ${index + 1}`),
      h("button", { class: "small", id: "older", disabled: !data.nextCursor, onclick: () => { index += 1; load(); } }, "Older ›"),
    );
  };
  return every(settings.refreshInterval * 2, load);
}

async function renderLatestRun(root, domain, workflowId) {
  clear(root, h("p", { class: "muted" }, "Finding the latest run…"));
  try {
    const data = await api(`${domainPath(domain)}/workflows/${enc(workflowId)}`);
    location.replace(runLink(domain, data.execution));
  } catch (error) {
    setCrumbs({ text: "Domains", href: "#/" }, { text: domain, href: "#" + domainPath(domain) }, { text: workflowId });
    clear(root, h("h1", {}, workflowId), errorBox(error));
  }
  return () => {};
}

// ---- routing ------------------------------------------------------------------------------------

let stop = () => {};

function route() {
  stop();
  const root = document.getElementById("app");
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query] = hash.split("?", 2);
  const params = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  let result;
  if (parts.length === 0) result = renderDomains(root);
  else if (parts[0] === "domains" && parts.length === 2) result = renderDomain(root, parts[1], params);
  else if (parts[0] === "domains" && parts[2] === "executions" && parts.length === 5) result = renderExecution(root, parts[1], { workflowId: parts[3], runId: parts[4] }, params);
  else if (parts[0] === "domains" && parts[2] === "workflows" && parts.length === 4) result = renderLatestRun(root, parts[1], parts[3]);
  else {
    clear(root, h("p", { class: "error" }, "No such page."), h("a", { href: "#/" }, "Domains"));
    result = () => {};
  }
  stop = typeof result === "function" ? result : () => {};
  if (result instanceof Promise) result.then((s) => (stop = s || (() => {})));
}

async function start() {
  try {
    Object.assign(settings, await api("/config"));
  } catch (error) {
    /* defaults */
  }
  window.addEventListener("hashchange", route);
  route();
}

start();
