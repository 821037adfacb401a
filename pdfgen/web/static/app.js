// kneecard serve: the preview follows the form; downloads and rosters without leaving the page.
// The page works without this file: every button is a plain form post.
"use strict";
(function () {
  document.documentElement.classList.add("js");
  const form = document.getElementById("routine");
  if (!form) return;
  const img = document.getElementById("preview");
  const status = document.getElementById("preview-status");
  const region = document.getElementById("f-region");
  const layout = document.getElementById("f-layout");
  const DEBOUNCE_MS = 40;
  let timer = null, controller = null, seq = 0, objectUrl = null, changedAt = 0;

  function errorSlots() { return document.querySelectorAll("#routine .error, #roster .error"); }

  function showErrors(errors) {
    errorSlots().forEach((p) => { p.textContent = ""; p.hidden = true; });
    document.querySelectorAll("#routine [aria-invalid], #roster [aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    const extra = [];
    for (const e of errors) {
      const slot = document.getElementById("err-" + e.field + "-1");
      if (!slot) { extra.push(e); continue; }
      slot.textContent = slot.hidden ? e.message : slot.textContent + " " + e.message;
      slot.hidden = false;
      const control = document.getElementById("f-" + e.field);
      if (control) control.setAttribute("aria-invalid", "true");
    }
    const summary = document.getElementById("summary");
    summary.hidden = true;
    if (extra.length) {
      summary.replaceChildren();
      const ul = document.createElement("ul");
      for (const e of extra) { const li = document.createElement("li"); li.textContent = e.message; ul.append(li); }
      summary.append(ul);
      summary.hidden = false;
    }
  }

  function syncRegion(checkNew) {
    const want = region.value;
    document.querySelectorAll(".region-group").forEach((group) => {
      const on = want === "all" || group.dataset.region === want;
      const wasHidden = group.hidden;
      group.hidden = !on;
      group.querySelectorAll("input").forEach((box) => {
        box.disabled = !on;
        if (checkNew && on && wasHidden) box.checked = true;
      });
    });
  }

  function syncLayout() {
    const opt = layout.selectedOptions[0];
    const needs = { tracker: opt.dataset.tracker === "yes", cards: opt.dataset.kind === "cards" };
    document.querySelectorAll("[data-needs]").forEach((field) => {
      const on = needs[field.dataset.needs];
      field.hidden = !on;
      field.querySelectorAll("input, select").forEach((c) => { c.disabled = !on; });
    });
    document.querySelectorAll("[data-for-layout]").forEach((s) => { s.hidden = s.dataset.forLayout !== layout.value; });
  }

  async function preview() {
    const mine = ++seq;
    if (controller) controller.abort();
    controller = new AbortController();
    img.classList.add("stale");
    status.textContent = "Updating…";
    try {
      const resp = await fetch("/preview", { method: "POST", body: new FormData(form), headers: { Accept: "application/json" }, signal: controller.signal });
      if (mine !== seq) return;
      if (resp.ok) {
        const blob = await resp.blob();
        if (mine !== seq) return;
        const url = URL.createObjectURL(blob);
        img.onload = () => {
          if (objectUrl) URL.revokeObjectURL(objectUrl);
          objectUrl = url;
          img.classList.remove("stale");
          img.hidden = false;
          img.dataset.seq = String(mine);
          img.dataset.ms = String(Math.round(performance.now() - changedAt));
          status.textContent = "Up to date.";
        };
        img.src = url;
        showErrors([]);
      } else {
        const body = await resp.json().catch(() => ({ errors: [{ field: "", message: "The preview could not be made (" + resp.status + ")." }] }));
        showErrors(body.errors || []);
        status.textContent = "Fix the marked fields to update the preview.";
        img.dataset.seq = String(mine);
      }
    } catch (err) {
      if (err.name !== "AbortError") status.textContent = "The preview could not be made: is kneecard serve still running?";
    }
  }

  // typing waits for a short pause; a box ticked or a choice made updates at once
  function schedule(delay) {
    changedAt = performance.now();
    clearTimeout(timer);
    timer = setTimeout(preview, delay);
  }

  function filename(resp, fallback) {
    const m = /filename="([^"]+)"/.exec(resp.headers.get("Content-Disposition") || "");
    return m ? m[1] : fallback;
  }

  function save(blob, name) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  const typed = (el) => el.tagName === "TEXTAREA" || ["text", "url", "number"].includes(el.type);
  form.addEventListener("input", (e) => { if (typed(e.target)) schedule(DEBOUNCE_MS); });
  form.addEventListener("change", (e) => {
    if (e.target === region) syncRegion(true);
    if (e.target === layout) syncLayout();
    if (!typed(e.target)) schedule(0);
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const resp = await fetch("/pdf", { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } });
    if (resp.ok) { save(await resp.blob(), filename(resp, "routine.pdf")); status.textContent = "PDF downloaded."; return; }
    const body = await resp.json().catch(() => ({ errors: [] }));
    showErrors(body.errors || []);
    status.textContent = "Fix the marked fields to download the PDF.";
  });

  // Rosters: the ZIP downloads; rows that failed are listed from errors.txt, the ZIP's first entry (stored, not compressed).
  const roster = document.getElementById("roster");
  const result = document.getElementById("roster-result");
  function zipErrors(buffer) {
    const view = new DataView(buffer);
    if (buffer.byteLength < 30 || view.getUint32(0, true) !== 0x04034b50) return [];
    const size = view.getUint32(18, true), nameLen = view.getUint16(26, true), extraLen = view.getUint16(28, true);
    const dec = new TextDecoder();
    if (dec.decode(new Uint8Array(buffer, 30, nameLen)) !== "errors.txt") return [];
    return dec.decode(new Uint8Array(buffer, 30 + nameLen + extraLen, size)).split("\n").filter(Boolean);
  }
  function listLines(heading, lines) {
    result.replaceChildren();
    const p = document.createElement("p");
    p.textContent = heading;
    result.append(p);
    if (lines.length) {
      const ul = document.createElement("ul");
      for (const line of lines) { const li = document.createElement("li"); li.textContent = line; ul.append(li); }
      result.append(ul);
    }
  }
  roster.addEventListener("submit", async (e) => {
    e.preventDefault();
    listLines("Building… this can take a few minutes for a long roster.", []);
    const resp = await fetch("/batch", { method: "POST", body: new FormData(roster), headers: { Accept: "application/json" } });
    if (resp.ok) {
      const buffer = await resp.arrayBuffer();
      const failed = Number(resp.headers.get("X-Kneecard-Failed") || 0);
      save(new Blob([buffer], { type: "application/zip" }), filename(resp, "roster.zip"));
      listLines("Built " + resp.headers.get("X-Kneecard-Built") + " PDF(s)" + (failed ? ", " + failed + " row(s) failed:" : "."), zipErrors(buffer));
      return;
    }
    const body = await resp.json().catch(() => ({ errors: [{ message: "The roster could not be built (" + resp.status + ")." }] }));
    listLines("The roster could not be built:", (body.errors || []).map((x) => x.message));
  });

  syncRegion(false);
  syncLayout();
  changedAt = performance.now();
  preview();
})();
