// The inspector's script. Everything it shows and everything it does is a call to Sessim's
// admin API under /_admin, through one function (call) that marks each call as the
// inspector's; it loads nothing from elsewhere. When SESSIM_ADMIN_TOKEN is set, the first 401
// asks for the token, kept in this tab's sessionStorage and sent as Bearer.
//
// It does not rebuild the page: it waits on GET /_admin/changes (a long poll on a version of
// the state) and, when the version moves, reads again and updates rows in place, keyed by
// id, so open entries, focus, scroll position and filters stay as the user left them.
"use strict";

(() => {
  const API = "/_admin";
  const TOKEN_KEY = "sessim.adminToken";
  const WAIT_SECONDS = 5; // the long poll's hold (a server stopping waits for it at most)
  const RETRY_MS = 2000;
  const JOURNAL_LIMIT = 50;
  const GONE_KEPT = 20;

  let clock = null; // {now: ms emulated, at: performance.now() of the read, frozen}
  let asking = null; // the pending token request, shared by every call that met a 401
  let running = null; // the refresh under way
  let again = false; // a refresh was asked for while one ran
  const known = new Map(); // session or user id -> {vendor, kind}, for the journal's links
  const seen = new Map(); // vendor -> Map(session id -> session) of the last read

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

  // The endpoint is not on this server (the journal or faults of an older Sessim).
  class Missing extends Error {}

  // Every call the page makes: JSON, the admin token when one was given, and the header that
  // tells Sessim the call is the inspector's (a form cannot send it).
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
      if (response.status === 404 && method === "GET") throw new Missing(path);
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

  function element(tag, text, className) {
    const made = document.createElement(tag);
    if (text !== undefined && text !== null) made.textContent = text;
    if (className) made.className = className;
    return made;
  }

  function button(text, label, onClick, className = "small") {
    const made = element("button", text, className);
    made.type = "button";
    if (label) made.setAttribute("aria-label", label);
    made.addEventListener("click", onClick);
    return made;
  }

  // Sets a cell's text only when it changed, so that nothing the user holds is disturbed.
  function setText(node, text) {
    const value = text ?? "";
    if (node.textContent !== value) node.textContent = value;
  }

  // A cell labelled by its column (narrow screens show the label).
  function cell(label, className) {
    const td = element("td", undefined, className);
    td.dataset.label = label;
    return td;
  }

  // An id with a button that copies it.
  function idCell(label, what) {
    const td = cell(label, "id");
    const value = element("span", "", "value");
    const copy = button("copy", `Copy ${what}`, () => copyText(value.textContent, what));
    td.append(value, " ", copy);
    return td;
  }

  async function copyText(text, what) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Not a secure context (plain HTTP on a host other than localhost): the old way.
      const area = element("textarea", text);
      area.setAttribute("aria-hidden", "true");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    say(`Copied the ${what}.`);
  }

  // Brings tbody's rows in line with items, in order, keyed by key(item): a row made once by
  // make(item) and updated by update(row, item); rows of items gone are removed. Rows are
  // moved only when out of place (moving a node drops the focus inside it).
  function sync(tbody, items, key, make, update) {
    keepPlace(() => reconcile(tbody, items, key, make, update));
  }

  function reconcile(tbody, items, key, make, update) {
    const rows = new Map($$(":scope > tr", tbody).map((row) => [row.dataset.id, row]));
    const wanted = items.map((item) => {
      const id = key(item);
      let row = rows.get(id);
      if (!row) {
        row = make(item);
        row.dataset.id = id;
      }
      rows.delete(id);
      update(row, item);
      return row;
    });
    for (const row of rows.values()) row.remove();
    wanted.forEach((row, index) => {
      if (tbody.children[index] !== row) tbody.insertBefore(row, tbody.children[index] || null);
    });
    tbody.dataset.loaded = "yes";
  }

  // Runs change() without moving what the user looks at: the element in the middle of the
  // window (below a sticky header) stays where it was on screen, rows added above it or not.
  function keepPlace(change) {
    const top = Math.max($("header").getBoundingClientRect().bottom, 0);
    const anchor = document.elementFromPoint(window.innerWidth / 2, top + (window.innerHeight - top) / 2);
    const before = anchor ? anchor.getBoundingClientRect().top : 0;
    change();
    if (anchor && anchor.isConnected) window.scrollBy(0, anchor.getBoundingClientRect().top - before);
  }

  function unloaded(section) {
    for (const tbody of $$("tbody", section)) {
      if (!tbody.children.length) tbody.dataset.loaded = "no";
    }
  }

  // The emulated instant now (ms), running on from the last read unless frozen.
  function now() {
    if (clock === null) return null;
    return clock.frozen ? clock.now : clock.now + (performance.now() - clock.at);
  }

  function span(seconds) {
    let left = Math.abs(Math.round(seconds));
    const parts = [];
    for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60]]) {
      if (left >= size) {
        parts.push(`${Math.floor(left / size)}${unit}`);
        left %= size;
      }
    }
    if (parts.length < 2) parts.push(`${left}s`);
    return parts.slice(0, 2).join(" ");
  }

  // "in 1h 59m" or "1m ago", against the emulated clock.
  function relative(iso) {
    const at = now();
    if (at === null) return "";
    const seconds = (Date.parse(iso) - at) / 1000;
    return seconds < 0 ? `${span(seconds)} ago` : `in ${span(seconds)}`;
  }

  function setExpiry(td, iso) {
    td.title = iso;
    td.dataset.expiresAt = iso;
    setText(td, relative(iso));
  }

  function status(section, text, error = false) {
    const line = $("[data-role=status]", section);
    setText(line, text);
    line.classList.toggle("error", error);
  }

  function showClock() {
    const at = now();
    if (at === null) return;
    const offset = (at - Date.now()) / 1000;
    const ahead = Math.abs(offset) < 1 ? "at wall time" : `${span(offset)} ${offset > 0 ? "ahead of" : "behind"} wall time`;
    setText($("#clock-offset"), ahead);
    for (const td of $$("[data-expires-at]")) setText(td, relative(td.dataset.expiresAt));
  }

  async function refreshClock() {
    const read = await call("GET", "/clock");
    clock = { now: Date.parse(read.now), at: performance.now(), frozen: read.frozen };
    const shown = $("#clock-now");
    setText(shown, read.now);
    shown.dateTime = read.now;
    $("#clock-frozen").hidden = !read.frozen;
    setText($("#freeze"), read.frozen ? "Unfreeze" : "Freeze");
    showClock();
  }

  function owner(logins, id) {
    return logins.has(id) ? `${logins.get(id)} (${id})` : id;
  }

  function sessionRow(vendor) {
    return (session) => {
      const tr = element("tr");
      tr.id = `session-${vendor}-${session.id}`;
      const details = element("details");
      const summary = element("summary", "detail");
      summary.setAttribute("aria-label", "Session detail");
      const body = element("div", "", "detail");
      details.append(summary, body);
      details.addEventListener("toggle", () => {
        if (details.open) showSession(vendor, tr.dataset.id, body);
      });
      const revoke = button("revoke", "Revoke this session", () =>
        act(
          () => call("DELETE", `/state/${encodeURIComponent(vendor)}/sessions/${encodeURIComponent(tr.dataset.id)}`),
          `Revoked ${vendor} session ${tr.dataset.id}.`,
        ),
      "small danger");
      const actions = cell("actions", "actions");
      actions.append(revoke);
      const id = idCell("id", "session id");
      id.append(details);
      tr.append(id, cell("owner"), cell("expires"), actions);
      return tr;
    };
  }

  async function showSession(vendor, id, body) {
    setText(body, "loading…");
    try {
      const detail = await call("GET", `/state/${encodeURIComponent(vendor)}/sessions/${encodeURIComponent(id)}`);
      const list = element("dl");
      const add = (term, value, expires) => {
        const dd = element("dd", value);
        if (expires) dd.append(` (${relative(value)})`);
        list.append(element("dt", term), dd);
      };
      add("created", detail.createdAt, true);
      add("expires", detail.expiresAt, true);
      add("absolute end", detail.endsAt ?? "none");
      const carriers = [
        ...Object.entries(detail.cookies).map(([name, value]) => `cookie ${name}=${value}`),
        ...Object.entries(detail.headers).map(([name, value]) => `header ${name}: ${value}`),
      ];
      add("carried by", carriers.length ? carriers.join("; ") : "no cookie nor header");
      const tokens = $$(`section[data-vendor="${vendor}"] table.tokens tbody tr`)
        .filter((row) => row.dataset.owner === detail.owner)
        .map((row) => `${row.dataset.kind} ${row.dataset.id}`);
      add("owner's unspent tokens", tokens.length ? tokens.join(", ") : "none");
      const context = element("pre", JSON.stringify(detail.context, null, 2));
      body.replaceChildren(list, element("div", "context (what the vendor keeps with it):"), context);
    } catch (error) {
      setText(body, error instanceof Missing ? "this session is gone" : error.message);
    }
  }

  function userRow(vendor) {
    return (user) => {
      const tr = element("tr");
      tr.id = `user-${vendor}-${user.id}`;
      const unlock = button("unlock", "Unlock this user", () =>
        act(() => call("POST", `/state/${encodeURIComponent(vendor)}/users/${encodeURIComponent(tr.dataset.id)}/unlock`), `Unlocked ${tr.dataset.login}.`),
      );
      const deactivate = button("deactivate", "Deactivate this user", () =>
        act(
          () => call("POST", `/state/${encodeURIComponent(vendor)}/users/${encodeURIComponent(tr.dataset.id)}/deactivate`),
          `Deactivated ${tr.dataset.login}; their sessions ended.`,
        ),
      "small danger");
      unlock.dataset.role = "unlock";
      deactivate.dataset.role = "deactivate";
      const actions = cell("actions", "actions");
      actions.append(unlock, deactivate);
      tr.append(idCell("id", "user id"), cell("login"), cell("status"), actions);
      return tr;
    };
  }

  function updateUser(tr, user) {
    const [id, login, state] = tr.children;
    tr.dataset.login = user.login;
    setText($(".value", id), user.id);
    setText(login, user.login);
    setText(state, user.lockedUntil ? `${user.status}, locked out until ${user.lockedUntil}` : user.status);
    state.classList.toggle("locked", Boolean(user.lockedUntil));
    $("[data-role=unlock]", tr).hidden = !user.lockedUntil;
    $("[data-role=deactivate]", tr).hidden = user.status !== "ACTIVE";
  }

  // Sessions that were live at the last read and are not now: ended (revoked, logged out)
  // or expired, as the emulated clock says.
  function noteGone(section, vendor, sessions, logins) {
    const before = seen.get(vendor);
    const current = new Map(sessions.map((session) => [session.id, session]));
    seen.set(vendor, current);
    const tbody = $("table.gone tbody", section);
    keepPlace(() => addGone(tbody, before, current, logins));
  }

  function addGone(tbody, before, current, logins) {
    const at = now();
    for (const [id, session] of before || []) {
      if (current.has(id)) continue;
      const expired = at !== null && Date.parse(session.expiresAt) <= at;
      const how = expired ? `expired ${session.expiresAt}` : `ended before ${session.expiresAt}`;
      const tr = element("tr");
      tr.dataset.id = id;
      const idTd = idCell("id", "session id");
      setText($(".value", idTd), id);
      tr.append(idTd, cell("owner"), cell("how"));
      setText(tr.children[1], owner(logins, session.owner));
      setText(tr.children[2], how);
      tbody.prepend(tr);
    }
    while (tbody.children.length > GONE_KEPT) tbody.lastElementChild.remove();
    tbody.dataset.loaded = "yes";
  }

  async function refreshVendor(section) {
    const vendor = section.dataset.vendor;
    const path = encodeURIComponent(vendor);
    try {
      const [state, outbox] = await Promise.all([
        call("GET", `/state/${path}`),
        call("GET", `/${path}/outbox`).catch((error) => (error instanceof Missing ? null : Promise.reject(error))),
      ]);
      const logins = new Map(state.users.map((user) => [user.id, user.login]));
      for (const [id, held] of known) if (held.vendor === vendor) known.delete(id);
      for (const user of state.users) known.set(user.id, { vendor, kind: "user" });
      for (const session of state.sessions) known.set(session.id, { vendor, kind: "session" });
      sync($("table.sessions tbody", section), state.sessions, (s) => s.id, sessionRow(vendor), (tr, s) => {
        setText($(".value", tr.children[0]), s.id);
        setText(tr.children[1], owner(logins, s.owner));
        setExpiry(tr.children[2], s.expiresAt);
      });
      noteGone(section, vendor, state.sessions, logins);
      sync(
        $("table.tokens tbody", section),
        state.tokens,
        (t) => t.id,
        () => {
          const tr = element("tr");
          tr.append(cell("kind"), idCell("id", "token"), cell("owner"), cell("expires"));
          return tr;
        },
        (tr, t) => {
          tr.dataset.kind = t.kind;
          tr.dataset.owner = t.owner ?? "";
          setText(tr.children[0], t.kind);
          setText($(".value", tr.children[1]), t.id);
          setText(tr.children[2], t.owner ? owner(logins, t.owner) : "");
          setExpiry(tr.children[3], t.expiresAt);
        },
      );
      sync($("table.users tbody", section), state.users, (u) => u.id, userRow(vendor), updateUser);
      if (outbox) {
        sync($("table.outbox tbody", section), outbox.messages, (m) => m.id, outboxRow, updateOutbox);
      }
      const { sessions, tokens, users } = state;
      status(section, `live sessions: ${sessions.length}, tokens: ${tokens.length}, users: ${users.length}`);
    } catch (error) {
      unloaded(section);
      status(section, error instanceof Missing ? "not available" : error.message, true);
    }
  }

  function outboxRow() {
    const tr = element("tr");
    tr.append(cell("to"), cell("subject"), cell("sent"), cell("carries", "id"));
    return tr;
  }

  // A message's data: each value that is a link is one, each token can be copied.
  function updateOutbox(tr, message) {
    setText(tr.children[0], message.to);
    setText(tr.children[1], message.subject);
    setText(tr.children[2], message.sentAt);
    if (tr.dataset.shown) return; // a message never changes
    tr.dataset.shown = "yes";
    const list = element("dl");
    for (const [name, value] of Object.entries(message.data)) {
      const dd = element("dd");
      const text = typeof value === "string" ? value : JSON.stringify(value);
      if (/^https?:\/\//.test(text)) {
        const link = element("a", text);
        link.href = text;
        dd.append(link);
      } else {
        dd.append(element("span", text, "value"), " ", button("copy", `Copy ${name}`, () => copyText(text, name)));
      }
      list.append(element("dt", name), dd);
    }
    tr.children[3].replaceChildren(list);
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

  // Links from an entry to the sessions and users it names (in its path or bodies).
  function journalLinks(entry) {
    const text = JSON.stringify([entry.path, entry.request, entry.response]);
    const links = element("div", undefined, "links");
    for (const [id, { vendor, kind }] of known) {
      if (id.length < 6 || !text.includes(id)) continue;
      const target = kind === "session" ? `session-${vendor}-${id}` : `user-${vendor}-${id}`;
      const link = element("a", `${vendor} ${kind} ${id.slice(0, 12)}${id.length > 12 ? "…" : ""}`);
      link.href = `#${target}`;
      link.addEventListener("click", () => unfold($(`section[data-vendor="${vendor}"]`), true));
      links.append(link);
    }
    return links;
  }

  function journalRow(entry) {
    const tr = element("tr");
    const request = cell("request", "id");
    request.append(element("span", `${entry.method} ${entry.path}${entry.query ? `?${entry.query}` : ""}`, "value"));
    for (const miss of entry.nearMisses || []) {
      request.append(element("div", `near ${miss.method} ${miss.path} (${miss.operationId}): ${miss.reason}`, "near"));
    }
    const links = journalLinks(entry);
    if (links.children.length) request.append(links);
    const details = element("details");
    details.append(
      element("summary", "headers and bodies"),
      element("pre", JSON.stringify({ request: entry.request, response: entry.response }, null, 2)),
    );
    request.append(details);
    const at = cell("at");
    at.textContent = entry.at;
    at.title = `wall time ${entry.wallTime}`;
    const text = (label, value) => {
      const td = cell(label);
      td.textContent = value ?? "";
      return td;
    };
    tr.append(
      at,
      text("vendor", entry.vendor),
      request,
      text("status", String(entry.status)),
      text("operationId", entry.operationId),
      text("error", entry.errorCode),
      text("ms", Number(entry.latencyMs).toFixed(1)),
    );
    return tr;
  }

  async function refreshJournal() {
    const section = $("#journal");
    try {
      const page = await call("GET", `/journal?${journalQuery()}`);
      // The inspector's own calls are admin traffic: hidden unless asked for.
      const showAdmin = $("#journal-admin").checked || $("#journal-vendor").value === "admin";
      const entries = page.entries.filter((entry) => showAdmin || entry.vendor !== "admin");
      sync($("tbody", section), entries, (entry) => entry.id, journalRow, () => {});
      status(section, `newest ${entries.length} shown`);
    } catch (error) {
      unloaded(section);
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
    const tr = element("tr");
    const remove = button("remove", "Remove this rule", () =>
      act(() => call("DELETE", `/faults/${encodeURIComponent(rule.id)}`), `Removed rule ${rule.id}.`),
    );
    const actions = cell("actions", "actions");
    actions.append(remove);
    tr.append(idCell("id", "rule id"), cell("matches"), cell("does"), cell("left"), cell("matched"), actions);
    return tr;
  }

  function updateFault(tr, rule) {
    const chance = rule.probability < 1 ? ` (p=${rule.probability})` : "";
    setText($(".value", tr.children[0]), rule.id);
    setText(tr.children[1], describeMatch(rule));
    setText(tr.children[2], describeAction(rule) + chance);
    setText(tr.children[3], String(rule.remaining ?? "until removed"));
    setText(tr.children[4], String(rule.matched));
  }

  async function refreshFaults() {
    const section = $("#faults");
    try {
      const listed = await call("GET", "/faults");
      sync($("tbody", section), listed.rules, (rule) => rule.id, faultRow, updateFault);
      status(section, `${listed.rules.length} rules`);
      $("#faults-clear").hidden = listed.rules.length === 0;
    } catch (error) {
      unloaded(section);
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
    // Vendors before the journal: its links name the sessions and users they list.
    await Promise.all([...$$("section.vendor").map(refreshVendor), refreshFaults()]);
    await refreshJournal();
    document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
  }

  // One refresh at a time; one asked for while one runs follows it once.
  function refresh() {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await refreshAll();
      } while (again);
    })().finally(() => {
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

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // Waits on the version of the state; reads again whenever it moves.
  async function follow() {
    let version = "";
    for (;;) {
      if (!$("#auto-refresh").checked || document.hidden || asking) {
        await pause(500);
        continue;
      }
      try {
        const query = new URLSearchParams({ since: version, wait: String(version ? WAIT_SECONDS : 0) });
        const changes = await call("GET", `/changes?${query}`);
        if (changes.version !== version || !changes.journaled) {
          version = changes.version;
          await refresh();
        }
      } catch (error) {
        say(error instanceof Missing ? "This Sessim has no /_admin/changes: reload to read again." : error.message, true);
        await pause(RETRY_MS);
      }
    }
  }

  // Every second: relative times and the clock's offset; a read when a shown session or
  // token has expired by the emulated clock (time passing moves no version).
  function tick() {
    showClock();
    const at = now();
    if (at === null || running) return;
    const expired = $$("table.sessions [data-expires-at], table.tokens [data-expires-at]").some(
      (td) => Date.parse(td.dataset.expiresAt) <= at,
    );
    if (expired && $("#auto-refresh").checked) refresh();
  }

  function advance(seconds) {
    if (!(seconds > 0)) {
      say("Give a number of seconds above zero.", true);
      return;
    }
    act(() => call("POST", "/clock/advance", { seconds }), `Advanced the clock by ${seconds} s.`);
  }

  function unfold(section, open) {
    const fold = $("button.fold", section);
    fold.setAttribute("aria-expanded", String(open));
    $(".card-body", section).hidden = !open;
  }

  function number(id) {
    const value = $(id).value.trim();
    return value === "" ? undefined : Number(value);
  }

  function newRule() {
    const rule = { action: $("#fault-action").value };
    const text = { vendor: "#fault-vendor", operationId: "#fault-operation", method: "#fault-method", path: "#fault-path" };
    for (const [name, id] of Object.entries(text)) {
      const value = $(id).value.trim();
      if (value) rule[name] = value;
    }
    if (rule.action === "status") rule.status = number("#fault-status");
    if (rule.action === "delay") rule.delayMs = number("#fault-delay");
    const times = number("#fault-times");
    if (times !== undefined) rule.times = times;
    rule.probability = number("#fault-probability") ?? 1;
    return rule;
  }

  function confirmReset(open) {
    $("#reset-confirm").hidden = !open;
    $("#reset").setAttribute("aria-expanded", String(open));
    (open ? $("#reset-no") : $("#reset")).focus();
  }

  function wire() {
    for (const control of $$("button[data-advance]")) {
      control.addEventListener("click", () => advance(Number(control.dataset.advance)));
    }
    $("#advance").addEventListener("click", () => advance(Number($("#advance-seconds").value)));
    $("#freeze").addEventListener("click", () => {
      const frozen = !(clock && clock.frozen);
      act(() => call("PUT", "/clock", { frozen }), frozen ? "Froze the clock." : "The clock runs again.");
    });
    $("#reset").setAttribute("aria-expanded", "false");
    $("#reset").addEventListener("click", () => confirmReset(true));
    $("#reset-no").addEventListener("click", () => confirmReset(false));
    $("#reset-yes").addEventListener("click", () => {
      confirmReset(false);
      seen.clear();
      act(() => call("POST", "/reset"), "Every vendor's state and the clock were reset.");
    });
    $("#faults-clear").addEventListener("click", () =>
      act(() => call("DELETE", "/faults"), "Removed every fault rule."),
    );
    $("#fault-form").addEventListener("submit", (event) => {
      event.preventDefault();
      act(() => call("POST", "/faults", newRule()), "Added a fault rule.");
    });
    $("#seed-form").addEventListener("submit", (event) => {
      event.preventDefault();
      let fixture;
      try {
        fixture = JSON.parse($("#seed-text").value);
      } catch (error) {
        say(`The fixture is not JSON: ${error.message}`, true);
        return;
      }
      act(() => call("POST", "/seed", fixture), "Loaded the fixture.");
    });
    for (const section of $$("section.vendor")) {
      $("button.fold", section).addEventListener("click", (event) =>
        unfold(section, event.currentTarget.getAttribute("aria-expanded") !== "true"),
      );
    }
    for (const id of ["#journal-vendor", "#journal-operation", "#journal-status", "#journal-admin"]) {
      $(id).addEventListener("change", refresh);
    }
    setInterval(tick, 1000);
  }

  wire();
  follow();
})();
