// The timeline: one lane per activity, timer, child, Lambda task and external target, drawn on a
// single <canvas>. Only the lanes in view are drawn, and no DOM node is made per bar or lane, so a
// history of 25,000 events costs no more DOM than a short one.

import { clear, fmtCount, fmtDuration, fmtTime, h } from "./ui.js";

const LABEL_WIDTH = 210;
const LANE_HEIGHT = 20;
const AXIS_HEIGHT = 26;
const MAX_HEIGHT = 380;
const COLORS = {
  scheduled: "#93c5fd", start_initiated: "#93c5fd", initiated: "#93c5fd", started: "#2563eb",
  completed: "#16a34a", fired: "#16a34a", signaled: "#16a34a", cancel_requested: "#d97706",
  failed: "#dc2626", timed_out: "#dc2626", terminated: "#dc2626", start_failed: "#dc2626",
  signal_failed: "#dc2626", cancel_failed: "#dc2626", canceled: "#d97706", continued_as_new: "#7c3aed",
};
const POINT_COLORS = { signal: "#0891b2", marker: "#6b7280", failure: "#dc2626", cancel_requested: "#d97706" };

function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (raw <= m * power) return m * power;
  return 10 * power;
}

export class Timeline {
  constructor(container, { onPick }) {
    this.onPick = onPick;
    this.data = null;
    this.mode = "time";
    this.view = null;
    this.hover = null;
    this.canvas = h("canvas", { "aria-label": "timeline" });
    this.spacer = h("div");
    this.scroller = h("div", { class: "scroller" }, this.canvas, this.spacer);
    this.tip = h("div", { class: "tip", hidden: true });
    this.summary = h("span", { class: "muted", id: "timeline-summary" });
    const axis = h("select", { id: "timeline-axis", onchange: () => { this.mode = axis.value; this.fit(); } }, h("option", { value: "time" }, "by time"), h("option", { value: "events" }, "by event order"));
    this.axisSelect = axis;
    const legend = h(
      "span",
      { class: "legend" },
      [["scheduled", "waiting"], ["started", "running"], ["completed", "completed"], ["failed", "failed / timed out"], ["canceled", "canceled"]].map(([state, label]) => h("span", {}, h("i", { class: `swatch-${state}` }), label)),
    );
    clear(
      container,
      h("div", { class: "toolbar" },
        h("button", { class: "small", id: "timeline-fit", onclick: () => this.fit() }, "Fit"),
        h("button", { class: "small", onclick: () => this.zoom(0.5) }, "+"),
        h("button", { class: "small", onclick: () => this.zoom(2) }, "−"),
        axis, legend, h("span", { class: "grow" }), this.summary),
      h("div", { class: "timeline" }, this.scroller, this.tip),
    );
    for (const [state, color] of Object.entries(COLORS)) {
      for (const swatch of container.querySelectorAll(`.swatch-${state}`)) swatch.style.background = color;
    }
    this.redraw = () => this.draw();
    this.scroller.addEventListener("scroll", this.redraw);
    window.addEventListener("resize", this.redraw);
    this.canvas.addEventListener("mousemove", (event) => this.onMove(event));
    this.canvas.addEventListener("mouseleave", () => { this.hover = null; this.tip.hidden = true; });
    this.canvas.addEventListener("click", () => { if (this.hover) this.onPick(this.hover.eventId); });
    this.canvas.addEventListener("wheel", (event) => {
      if (!event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      this.zoom(event.deltaY > 0 ? 1.25 : 0.8, this.valueAt(event.offsetX));
    }, { passive: false });
    this.canvas.addEventListener("mousedown", (event) => this.onDrag(event));
  }

  destroy() {
    window.removeEventListener("resize", this.redraw);
  }

  update(data, open) {
    const first = this.data === null;
    this.data = data;
    this.open = open;
    this.byLane = data.lanes.map(() => ({ bars: [], points: [] }));
    for (const bar of data.bars) this.byLane[bar[0]].bars.push(bar);
    for (const point of data.points) this.byLane[point[0]].points.push(point);
    this.lastEvent = data.eventCount;
    const failures = data.points.filter((p) => p[3] === "failure").length;
    this.summary.textContent = `${fmtCount(data.lanes.length)} lanes, ${fmtCount(data.bars.length)} bars, ${fmtCount(failures)} failure${failures === 1 ? "" : "s"}`;
    if (first && data.start !== null && data.end - data.start < 0.001 && data.eventCount > 1) {
      // A driven clock can give every event the same time: order by event then.
      this.mode = "events";
      this.axisSelect.value = "events";
    }
    if (first || this.fitted) this.fit();
    else this.draw();
  }

  range() {
    if (this.mode === "events") return [0.5, this.lastEvent + 0.5];
    const start = this.data.start ?? 0;
    const end = Math.max(this.data.end ?? start, start, this.open ? this.data.now : start, this.data.latestDue ?? start);
    return end - start > 0 ? [start, end + (end - start) * 0.01] : [start - 0.5, start + 0.5];
  }

  fit() {
    this.view = this.range();
    this.fitted = true;
    this.draw();
  }

  zoom(factor, around) {
    if (!this.view) return;
    const [from, to] = this.view;
    const center = around ?? (from + to) / 2;
    const minSpan = this.mode === "events" ? 5 : 0.001;
    const span = Math.max(minSpan, (to - from) * factor);
    const ratio = (center - from) / (to - from);
    this.view = [center - span * ratio, center + span * (1 - ratio)];
    this.fitted = false;
    this.draw();
  }

  plotWidth() {
    return Math.max(50, this.canvas.clientWidth - LABEL_WIDTH - 12);
  }

  x(value) {
    const [from, to] = this.view;
    return LABEL_WIDTH + ((value - from) / (to - from)) * this.plotWidth();
  }

  valueAt(px) {
    const [from, to] = this.view;
    return from + ((px - LABEL_WIDTH) / this.plotWidth()) * (to - from);
  }

  // A bar's [first, started, closed] positions on the current axis; an open end runs to the end.
  barValues(bar) {
    if (this.mode === "events") {
      const end = this.lastEvent + 0.5;
      return [bar[5] - 0.4, bar[6] === null ? null : bar[6] - 0.4, bar[7] === null ? end : bar[7] + 0.4, bar[7] === null];
    }
    const end = this.open ? Math.max(this.data.now, this.data.end) : this.data.end;
    return [bar[1], bar[2], bar[3] === null ? end : bar[3], bar[3] === null];
  }

  pointValue(point) {
    return this.mode === "events" ? point[2] : point[1];
  }

  draw() {
    if (!this.data || !this.view) return;
    const lanes = this.data.lanes.length;
    const height = Math.min(MAX_HEIGHT, AXIS_HEIGHT + lanes * LANE_HEIGHT + 4);
    const width = this.scroller.clientWidth;
    const ratio = window.devicePixelRatio || 1;
    this.scroller.style.height = `${height}px`;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.spacer.style.height = `${Math.max(0, AXIS_HEIGHT + lanes * LANE_HEIGHT + 4 - height)}px`;
    if (this.canvas.width !== Math.round(width * ratio) || this.canvas.height !== Math.round(height * ratio)) {
      this.canvas.width = Math.round(width * ratio);
      this.canvas.height = Math.round(height * ratio);
    }
    const g = this.canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = "12px system-ui, sans-serif";
    g.textBaseline = "middle";
    const top = this.scroller.scrollTop;
    const firstLane = Math.max(0, Math.floor(top / LANE_HEIGHT));
    const lastLane = Math.min(lanes - 1, Math.ceil((top + height - AXIS_HEIGHT) / LANE_HEIGHT));
    const plotRight = LABEL_WIDTH + this.plotWidth();
    for (let lane = firstLane; lane <= lastLane; lane++) {
      const y = AXIS_HEIGHT + lane * LANE_HEIGHT - top;
      if (lane % 2) {
        g.fillStyle = "#f8fafc";
        g.fillRect(0, y, width, LANE_HEIGHT);
      }
      const info = this.data.lanes[lane];
      g.fillStyle = "#374151";
      const label = info.kind === "execution" || info.kind === "decisions" || info.kind === "signals" || info.kind === "markers" ? info.label : `${info.kind} ${info.label}`;
      g.fillText(label.length > 30 ? label.slice(0, 29) + "…" : label, 8, y + LANE_HEIGHT / 2);
      g.save();
      g.beginPath();
      g.rect(LABEL_WIDTH, y, plotRight - LABEL_WIDTH, LANE_HEIGHT);
      g.clip();
      for (const bar of this.byLane[lane].bars) this.drawBar(g, bar, y);
      for (const point of this.byLane[lane].points) this.drawPoint(g, point, y);
      g.restore();
    }
    this.drawAxis(g, width, plotRight);
  }

  drawBar(g, bar, y) {
    const [first, started, closed, isOpen] = this.barValues(bar);
    const x0 = this.x(first);
    const x2 = Math.max(this.x(closed), x0 + 2);
    const color = COLORS[bar[4]] || "#64748b";
    if (started !== null && started > first) {
      g.fillStyle = "#bfdbfe";
      g.fillRect(x0, y + 5, Math.max(1, this.x(started) - x0), LANE_HEIGHT - 10);
    }
    const x1 = started === null ? x0 : this.x(started);
    g.fillStyle = color;
    g.fillRect(x1, y + 4, Math.max(2, x2 - x1), LANE_HEIGHT - 8);
    if (isOpen && bar[8] && this.mode === "time") {
      g.strokeStyle = color;
      g.setLineDash([3, 3]);
      g.strokeRect(x1, y + 4, Math.max(2, this.x(bar[8]) - x1), LANE_HEIGHT - 8);
      g.setLineDash([]);
    }
  }

  drawPoint(g, point, y) {
    const px = this.x(this.pointValue(point));
    const kind = point[3];
    g.fillStyle = POINT_COLORS[kind] || "#6b7280";
    if (kind === "failure") {
      g.beginPath();
      g.moveTo(px - 5, y + 1);
      g.lineTo(px + 5, y + 1);
      g.lineTo(px, y + 9);
      g.closePath();
      g.fill();
    } else if (kind === "marker") {
      g.fillRect(px - 0.5, y + 4, 1.5, LANE_HEIGHT - 8);
    } else {
      g.beginPath();
      g.moveTo(px, y + 4);
      g.lineTo(px + 5, y + LANE_HEIGHT / 2);
      g.lineTo(px, y + LANE_HEIGHT - 4);
      g.lineTo(px - 5, y + LANE_HEIGHT / 2);
      g.closePath();
      g.fill();
    }
  }

  drawAxis(g, width, plotRight) {
    g.fillStyle = "#ffffff";
    g.fillRect(0, 0, width, AXIS_HEIGHT);
    g.strokeStyle = "#e3e6ec";
    g.beginPath();
    g.moveTo(0, AXIS_HEIGHT - 0.5);
    g.lineTo(width, AXIS_HEIGHT - 0.5);
    g.stroke();
    const [from, to] = this.view;
    const raw = niceStep(to - from, this.plotWidth() / 110);
    const step = this.mode === "events" ? Math.max(1, Math.round(raw)) : raw;
    const origin = this.mode === "events" ? 0 : this.data.start ?? 0;
    g.fillStyle = "#667085";
    g.fillText(this.mode === "events" ? "event #" : "since start", 8, AXIS_HEIGHT / 2);
    for (let v = Math.ceil((from - origin) / step) * step + origin; v <= to; v += step) {
      const px = this.x(v);
      if (px < LABEL_WIDTH || px > plotRight) continue;
      g.fillRect(px, AXIS_HEIGHT - 6, 1, 6);
      const text = this.mode === "events" ? `#${Math.round(v)}` : `+${fmtDuration(v - origin)}`;
      if (px + 3 + g.measureText(text).width <= width) g.fillText(text, px + 3, AXIS_HEIGHT / 2 - 2);
    }
  }

  hit(event) {
    const lane = Math.floor((event.offsetY - AXIS_HEIGHT + this.scroller.scrollTop) / LANE_HEIGHT);
    if (event.offsetY < AXIS_HEIGHT || lane < 0 || lane >= this.data.lanes.length || event.offsetX < LABEL_WIDTH) return null;
    const { bars, points } = this.byLane[lane];
    for (const point of points) {
      if (Math.abs(this.x(this.pointValue(point)) - event.offsetX) <= 5) return { lane, point, eventId: point[2] };
    }
    for (let i = bars.length - 1; i >= 0; i--) {
      const [first, , closed] = this.barValues(bars[i]);
      const x0 = this.x(first);
      if (event.offsetX >= x0 - 2 && event.offsetX <= Math.max(this.x(closed), x0 + 2) + 2) return { lane, bar: bars[i], eventId: bars[i][5] };
    }
    return null;
  }

  onMove(event) {
    if (!this.data || !this.view) return;
    this.hover = this.hit(event);
    this.canvas.style.cursor = this.hover ? "pointer" : "default";
    if (!this.hover) {
      this.tip.hidden = true;
      return;
    }
    const info = this.data.lanes[this.hover.lane];
    const lines = [`${info.kind} ${info.label}`];
    if (this.hover.bar) {
      const bar = this.hover.bar;
      lines.push(`state: ${bar[4]}`, `first event #${bar[5]} at ${fmtTime(bar[1])}`);
      if (bar[6] !== null) lines.push(`started #${bar[6]} (waited ${fmtDuration(bar[2] - bar[1])})`);
      if (bar[7] !== null) lines.push(`closed #${bar[7]} after ${fmtDuration(bar[3] - bar[1])}`);
      else if (bar[8]) lines.push(`due at ${fmtTime(bar[8])}`);
    } else {
      const point = this.hover.point;
      lines.push(`${point[3]} · event #${point[2]} at ${fmtTime(point[1])}`);
    }
    lines.push("click: show in the history");
    this.tip.textContent = lines.join("\n");
    this.tip.hidden = false;
    const left = Math.min(event.offsetX + 14, this.canvas.clientWidth - 260);
    this.tip.style.left = `${Math.max(0, left)}px`;
    this.tip.style.top = `${event.offsetY + 14}px`;
  }

  onDrag(start) {
    if (!this.view || start.button !== 0) return;
    const origin = this.view;
    const x0 = start.clientX;
    let moved = false;
    const move = (event) => {
      const shift = ((event.clientX - x0) / this.plotWidth()) * (origin[1] - origin[0]);
      if (Math.abs(event.clientX - x0) > 3) moved = true;
      this.view = [origin[0] - shift, origin[1] - shift];
      this.fitted = false;
      this.draw();
    };
    const up = () => {
      window.removeEventListener("mousemove", move);
      window.removeEventListener("mouseup", up);
      if (moved) this.hover = null;
    };
    window.addEventListener("mousemove", move);
    window.addEventListener("mouseup", up);
  }
}
