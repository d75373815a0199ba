// The inspector's script. Everything it shows and everything it does is a call to Sessim's
// admin API under /_admin; it loads nothing from elsewhere. When SESSIM_ADMIN_TOKEN is set,
// the first 401 asks for the token, kept in this tab's sessionStorage and sent as Bearer.
"use strict";

(() => {
  const API = "/_admin";
  const TOKEN_KEY = "sessim.adminToken";
  const REFRESH_MS = 2000;
  const JOURNAL_LIMIT = 50;

  let clockNow = null; // the emulated instant (ms) of the last clock read
  let clockFrozen = false;
  let asking = null; // the pending token request, shared by every call that met a 401
  let running = null; // the refresh under way

  const $ = (selector, root = document) => root.querySelector(selector);

  // The endpoint is not on this server (the journal or faults of an older Sessim).
  class Missing extends Error {}

  async function call(method, path, body) {
    for (;;) {
      const token = sessionStorage.getItem(TOKEN_KEY);
      const headers = { Accept: "application/json", "X-Sessim-Admin": "inspector" };
      if (token) headers.Authorization = `Bearer ${token}`;
      const init = { method, headers };
      if (body !== undefined) {
        headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
      const response = await fetch(API + path, init);
      if (response.status === 401) {
        await askForToken(token !== null);
        continue;
      }
      if (response.status === 404) throw new Missing(path);
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        throw new Error(problem.detail || `${method} ${path} answered ${response.status}`);
      }
      return response.status === 204 ? null : response.json();
    }
  }

  function askForToken(wrong) {
    if (asking) return asking;
    const form = $("#token-form");
    const input = $("#admin-token");
    form.hidden = false;
    say(wrong ? "That admin token was refused: enter it again." : "Enter Sessim's admin token.", true);
    input.focus();
    asking = new Promise((resolve) => {
      form.addEventListener(
        "submit",
        (event) => {
          event.preventDefault();
          sessionStorage.setItem(TOKEN_KEY, input.value);
          input.value = "";
          form.hidden = true;
          asking = null;
          say("");
          resolve();
        },
        { once: true },
      );
    });
    return asking;
  }

  function say(text, error = false) {
    const message = $("#message");
    message.textContent = text;
    message.classList.toggle("error", error);
  }

  function cell(text, className) {
    const td = document.createElement("td");
    td.textContent = text ?? "";
    if (className) td.className = className;
    return td;
  }

  function fill(tbody, items, row) {
    tbody.replaceChildren(...items.map(row));
  }

  function tableRow(id, cells) {
    const tr = document.createElement("tr");
    tr.dataset.id = id;
    tr.append(...cells);
    return tr;
  }

  // "in 1h 59m" or "1m ago", against the emulated clock.
  function relative(iso) {
    if (clockNow === null) return "";
    let seconds = Math.round((Date.parse(iso) - clockNow) / 1000);
    const past = seconds < 0;
    seconds = Math.abs(seconds);
    const parts = [];
    for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60]]) {
      if (seconds >= size) {
        parts.push(`${Math.floor(seconds / size)}${unit}`);
        seconds %= size;
      }
    }
    if (parts.length < 2) parts.push(`${seconds}s`);
    const span = parts.slice(0, 2).join(" ");
    return past ? `${span} ago` : `in ${span}`;
  }

  function expiry(iso) {
    const td = cell(relative(iso));
    td.title = iso;
    td.dataset.expiresAt = iso;
    return td;
  }

  function status(section, text, error = false) {
    const line = $("[data-role=status]", section);
    line.textContent = text;
    line.classList.toggle("error", error);
  }

  async function refreshClock() {
    const clock = await call("GET", "/clock");
    clockNow = Date.parse(clock.now);
    clockFrozen = clock.frozen;
    const now = $("#clock-now");
    now.textContent = clock.now;
    now.dateTime = clock.now;
    $("#clock-frozen").hidden = !clock.frozen;
    $("#freeze").textContent = clock.frozen ? "Unfreeze" : "Freeze";
  }

  async function refreshVendor(section) {
    const vendor = section.dataset.vendor;
    try {
      const state = await call("GET", `/state/${encodeURIComponent(vendor)}`);
      const logins = new Map(state.users.map((user) => [user.id, user.login]));
      const owner = (id) => (logins.has(id) ? `${logins.get(id)} (${id})` : id);
      fill($("table.sessions tbody", section), state.sessions, (s) =>
        tableRow(s.id, [cell(s.id, "id"), cell(owner(s.owner)), expiry(s.expiresAt)]),
      );
      fill($("table.tokens tbody", section), state.tokens, (t) =>
        tableRow(t.id, [cell(t.kind), cell(t.id, "id"), cell(owner(t.owner)), expiry(t.expiresAt)]),
      );
      fill($("table.users tbody", section), state.users, (u) =>
        tableRow(u.id, [cell(u.id, "id"), cell(u.login), cell(u.status)]),
      );
      const { sessions, tokens, users } = state;
      status(section, `live sessions: ${sessions.length}, tokens: ${tokens.length}, users: ${users.length}`);
    } catch (error) {
      status(section, error instanceof Missing ? "not available" : error.message, true);
    }
  }

  function journalQuery() {
    const query = new URLSearchParams({ limit: String(JOURNAL_LIMIT) });
    const vendor = $("#journal-vendor").value;
    const operation = $("#journal-operation").value.trim();
    const code = $("#journal-status").value.trim();
    if (vendor) query.set("vendor", vendor);
    if (operation) query.set("operationId", operation);
    if (code) query.set("status", code);
    return query;
  }

  function journalRow(entry) {
    const request = cell(`${entry.method} ${entry.path}${entry.query ? `?${entry.query}` : ""}`, "id");
    for (const miss of entry.nearMisses || []) {
      const near = document.createElement("div");
      near.className = "near";
      near.textContent = `near ${miss.method} ${miss.path} (${miss.operationId}): ${miss.reason}`;
      request.append(near);
    }
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = "headers and bodies";
    const dump = document.createElement("pre");
    dump.textContent = JSON.stringify({ request: entry.request, response: entry.response }, null, 2);
    details.append(summary, dump);
    request.append(details);
    const at = cell(entry.at);
    at.title = `wall time ${entry.wallTime}`;
    return tableRow(entry.id, [
      at,
      cell(entry.vendor),
      request,
      cell(String(entry.status)),
      cell(entry.operationId),
      cell(entry.errorCode),
      cell(Number(entry.latencyMs).toFixed(1)),
    ]);
  }

  async function refreshJournal() {
    const section = $("#journal");
    try {
      const page = await call("GET", `/journal?${journalQuery()}`);
      // The inspector's own polling is admin traffic: hidden unless asked for.
      const showAdmin = $("#journal-admin").checked || $("#journal-vendor").value === "admin";
      const entries = page.entries.filter((entry) => showAdmin || entry.vendor !== "admin");
      fill($("tbody", section), entries, journalRow);
      status(section, `newest ${entries.length} shown`);
    } catch (error) {
      status(section, error instanceof Missing ? "not available" : error.message, true);
    }
  }

  function describeMatch(rule) {
    const parts = [rule.vendor, rule.operationId, rule.method, rule.path].filter(Boolean);
    return parts.length ? parts.join(" ") : "every request";
  }

  function describeAction(rule) {
    if (rule.action === "status") return `answer ${rule.status}`;
    if (rule.action === "delay") {
      const upto = rule.delayMaxMs ? `–${rule.delayMaxMs}` : "";
      return `delay ${rule.delayMs}${upto} ms`;
    }
    return rule.action;
  }

  function faultRow(rule) {
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "remove";
    remove.addEventListener("click", () =>
      act(() => call("DELETE", `/faults/${encodeURIComponent(rule.id)}`), `Removed rule ${rule.id}.`),
    );
    const chance = rule.probability < 1 ? ` (p=${rule.probability})` : "";
    const left = rule.remaining ?? "until removed";
    const actions = cell("");
    actions.append(remove);
    return tableRow(rule.id, [
      cell(rule.id, "id"),
      cell(describeMatch(rule)),
      cell(describeAction(rule) + chance),
      cell(String(left)),
      cell(String(rule.matched)),
      actions,
    ]);
  }

  async function refreshFaults() {
    const section = $("#faults");
    try {
      const listed = await call("GET", "/faults");
      fill($("tbody", section), listed.rules, faultRow);
      status(section, `${listed.rules.length} rules`);
      $("#faults-clear").hidden = false;
    } catch (error) {
      status(section, error instanceof Missing ? "not available" : error.message, true);
      $("#faults-clear").hidden = true;
    }
  }

  async function refreshAll() {
    try {
      await refreshClock(); // first: expiries are shown against it
    } catch (error) {
      say(error.message, true);
      return;
    }
    const vendors = [...document.querySelectorAll("section.vendor")];
    await Promise.all([...vendors.map(refreshVendor), refreshJournal(), refreshFaults()]);
    document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
  }

  // One refresh at a time; a refresh asked for while one runs starts after it.
  async function refresh() {
    while (running) await running;
    running = refreshAll().finally(() => {
      running = null;
    });
    return running;
  }

  async function act(action, done) {
    try {
      await action();
      say(done);
    } catch (error) {
      say(error.message, true);
    }
    await refresh();
  }

  function advance(seconds) {
    if (!(seconds > 0)) {
      say("Give a number of seconds above zero.", true);
      return;
    }
    act(() => call("POST", "/clock/advance", { seconds }), `Advanced the clock by ${seconds} s.`);
  }

  function wire() {
    for (const button of document.querySelectorAll("button[data-advance]")) {
      button.addEventListener("click", () => advance(Number(button.dataset.advance)));
    }
    $("#advance").addEventListener("click", () => advance(Number($("#advance-seconds").value)));
    $("#freeze").addEventListener("click", () => {
      const frozen = !clockFrozen;
      act(() => call("PUT", "/clock", { frozen }), frozen ? "Froze the clock." : "The clock runs again.");
    });
    $("#reset").addEventListener("click", () =>
      act(() => call("POST", "/reset"), "Every vendor's state and the clock were reset."),
    );
    $("#faults-clear").addEventListener("click", () =>
      act(() => call("DELETE", "/faults"), "Removed every fault rule."),
    );
    for (const id of ["#journal-vendor", "#journal-operation", "#journal-status", "#journal-admin"]) {
      $(id).addEventListener("change", refresh);
    }
    setInterval(() => {
      if ($("#auto-refresh").checked && !document.hidden && !asking) refresh();
    }, REFRESH_MS);
  }

  wire();
  refresh();
})();
