// The console's building blocks: the JSON API, DOM construction, formatting, dialogs and polling.
// Everything that comes from SWF reaches the page as text nodes (h() below); nothing is ever parsed
// as HTML, so a workflow id, an input or a reason cannot inject markup or script.

export const ACTION_HEADER = "X-Aioswf-Console";
export const settings = { refreshInterval: 1.0 };

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

export async function api(path, { method = "GET", body } = {}) {
  const options = { method, headers: { Accept: "application/json" } };
  if (method !== "GET") {
    options.headers["Content-Type"] = "application/json";
    options.headers[ACTION_HEADER] = "1";
    options.body = JSON.stringify(body || {});
  }
  const response = await fetch("/console/api" + path, options);
  let data;
  try {
    data = await response.json();
  } catch (error) {
    data = { error: "BadResponse", message: `${response.status} ${response.statusText}` };
  }
  if (!response.ok) throw new ApiError(response.status, data.error, data.message);
  return data;
}

// h("a", {href: "#/x", class: "c", onclick: f}, "text", child...) builds DOM nodes; strings become text.
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") element.className = value;
    else if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(element.dataset, value);
    else if (key === "value") element.value = value;
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

export const enc = encodeURIComponent;
export const domainPath = (domain) => `/domains/${enc(domain)}`;
export const runPath = (domain, ref) => `${domainPath(domain)}/executions/${enc(ref.workflowId)}/${enc(ref.runId)}`;
export const runLink = (domain, ref) => "#" + runPath(domain, ref);
export const workflowLink = (domain, workflowId) => `#${domainPath(domain)}/workflows/${enc(workflowId)}`;

export const pad = (n, width = 2) => String(n).padStart(width, "0");
export function fmtTime(epoch) {
  if (epoch === null || epoch === undefined) return "–";
  const d = new Date(epoch * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
export function fmtClock(epoch) {
  return epoch === null || epoch === undefined ? "–" : fmtTime(epoch).slice(11);
}
export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return "–";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${(Math.round(seconds * 10) / 10).toString()} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} m ${Math.round(seconds % 60)} s`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours} h ${m % 60} m`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
export const fmtCount = (n) => Number(n).toLocaleString("en-US");
export const shortId = (id) => (id && id.length > 12 ? id.slice(0, 10) + "…" : id || "");

export function badge(state) {
  const text = String(state || "unknown");
  return h("span", { class: "badge " + text.toLowerCase() }, text.replaceAll("_", " ").toLowerCase());
}

export function statusBadge(info) {
  return badge(info.executionStatus === "OPEN" ? "open" : info.closeStatus || info.executionStatus);
}

export function pretty(text) {
  if (text === null || text === undefined) return null;
  try {
    const value = JSON.parse(text);
    if (typeof value === "object" && value !== null) return JSON.stringify(value, null, 2);
  } catch (error) {
    /* not JSON: shown as it is */
  }
  return String(text);
}

export function payload(text) {
  const shown = pretty(text);
  return shown === null ? h("span", { class: "muted" }, "none") : h("pre", { class: "payload" }, shown);
}

export function errorBox(error) {
  return h("div", { class: "error", role: "alert" }, error.code ? `${error.code}: ${error.message}` : String(error.message || error));
}

export function setCrumbs(...parts) {
  const nav = document.getElementById("crumbs");
  const items = [];
  parts.forEach((part, index) => {
    if (index) items.push(h("span", { class: "sep" }, "›"));
    items.push(part.href ? h("a", { href: part.href, title: part.text }, part.text) : h("span", { title: part.text }, part.text));
  });
  clear(nav, items);
}

export function setLive(text, on) {
  const live = document.getElementById("live");
  live.hidden = !text;
  live.classList.toggle("on", Boolean(on));
  live.textContent = text || "";
}

// A dialog built on <dialog>: fields are [name, label, element]; submit gets {name: value}.
export function openDialog({ title, intro, fields = [], submit, submitClass = "primary", onSubmit }) {
  const problem = h("div");
  const form = h("form", { method: "dialog" });
  const dialog = h("dialog", { class: "action" }, h("h3", {}, title), form);
  const button = h("button", { type: "submit", class: submitClass }, submit);
  append(form, [
    intro || null,
    fields.map(([, label, element]) => h("label", {}, label, element)),
    problem,
    h("div", { class: "buttons" }, h("button", { type: "button", onclick: () => dialog.close() }, "Cancel"), button),
  ]);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = {};
    for (const [name, , element] of fields) values[name] = element.value;
    button.disabled = true;
    clear(problem);
    try {
      await onSubmit(values);
      dialog.close();
    } catch (error) {
      clear(problem, errorBox(error));
    } finally {
      button.disabled = false;
    }
  });
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  const first = form.querySelector("input, textarea, select");
  if (first) first.focus();
  return dialog;
}

// ---- polling ---------------------------------------------------------------------------------

// Runs `tick` now and then every `seconds` until stopped; ticks never overlap, and a page in a
// hidden tab does not tick (it catches up as soon as it is shown again).
export function every(seconds, tick) {
  let timer = null;
  let stopped = false;
  let missed = false;
  const loop = async () => {
    if (stopped) return;
    if (document.hidden) {
      missed = true;
      return;
    }
    try {
      await tick();
    } catch (error) {
      console.warn("refresh failed", error);
    }
    if (!stopped) timer = setTimeout(loop, seconds * 1000);
  };
  const shown = () => {
    if (!document.hidden && missed && !stopped) {
      missed = false;
      loop();
    }
  };
  document.addEventListener("visibilitychange", shown);
  loop();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener("visibilitychange", shown);
  };
}
