// Liaison console: sign in, the queue, a live ticket view, intakes and knowledge gaps.
// Everything a person typed is rendered as text (dom.js never parses HTML).

import { api, ApiError, setCsrf } from "/console/assets/api.js";
import { append, clear, h } from "/console/assets/dom.js";
import { loadDrafts, loadIntake, openDraftLink, paintDraftsNav } from "/console/assets/intake.js";
import { duration, fieldLabel, getLang, intakeStatus, label, reasonLabel, setFieldLabels, setLang, setZone, summaryText, t, when } from "/console/assets/i18n.js";
import { loadDesk, loadOffers, loadOutcomes, pt } from "/console/assets/partners.js";
import { savedReplies } from "/console/assets/replies.js";

const main = document.getElementById("main");
const state = { me: null, view: null, ticketId: null, filter: "open", events: null, queueTimer: null, nav: 0, live: false };
// Each view load takes a number; a slower, older load that returns later must not paint over
// the view the liaison has opened since (a slow queue answer used to replace an open ticket).
const current = (nav) => nav === state.nav;

// --- shell ---------------------------------------------------------------------------

function paintShell() {
  document.documentElement.lang = getLang();
  const title = isPartner() ? pt("deskTitle") : t("title");
  document.title = state.unseen ? `(${state.unseen}) ${title}` : title;
  document.getElementById("title").textContent = title;
  document.getElementById("nav-queue").textContent = t("queue");
  document.getElementById("nav-intakes").textContent = t("intakes");
  document.getElementById("nav-gaps").textContent = t("gaps");
  document.getElementById("nav-offers").textContent = pt("offers");
  document.getElementById("nav-outcomes").textContent = pt("outcomes");
  document.getElementById("nav-desk").textContent = pt("offers");
  paintPartnerNav();
  document.getElementById("lang").textContent = t("toggle");
  document.getElementById("lang").lang = getLang() === "fr" ? "en" : "fr"; // names the other language
  document.getElementById("logout").textContent = t("signOut");
  document.getElementById("nav").hidden = !state.me;
  document.getElementById("logout").hidden = !state.me;
  document.getElementById("who").textContent = state.me ? state.me.name : "";
  paintLive();
  markNav();
}

// The page you are on is marked in the navigation (for sight and for screen readers).
function markNav() {
  const current = {
    queue: "nav-queue", ticket: "nav-queue", intakes: "nav-intakes", gaps: "nav-gaps",
    offers: "nav-offers", outcomes: "nav-outcomes", desk: "nav-desk",
  }[state.view];
  for (const id of ["nav-queue", "nav-intakes", "nav-gaps", "nav-offers", "nav-outcomes", "nav-desk"]) {
    const link = document.getElementById(id);
    if (id === current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

// An institution partner's account sees its own desk only (the API refuses it the rest).
const isPartner = () => state.me?.role === "institution";

function paintPartnerNav() {
  const partner = isPartner();
  for (const link of document.querySelectorAll("#nav a")) {
    link.hidden = partner ? link.id !== "nav-desk" : link.id === "nav-desk";
  }
}

function showError(err) {
  if (err instanceof ApiError && err.status === 401) {
    state.me = null;
    renderLogin();
    return;
  }
  append(clear(main), [h("p", { class: "error", role: "alert" }, t("error", { m: err.message }))]);
}

function setLive(on) {
  state.live = on;
  paintLive();
}

// Painted again with the rest of the shell, so the badge follows a change of language.
function paintLive() {
  const badge = document.getElementById("live");
  badge.hidden = !state.me || !state.events;
  badge.textContent = state.live ? t("live") : t("offline");
  badge.classList.toggle("on", state.live);
}

// --- sign in -------------------------------------------------------------------------

function renderLogin(message) {
  state.view = "login";
  paintShell();
  const error = h("p", { class: "error", role: "alert", id: "login-error" }, message || "");
  const form = h(
    "form",
    { class: "login", id: "login-form" },
    h("h2", {}, t("signIn")),
    h("label", {}, t("email"), h("input", { type: "email", name: "email", id: "login-email", required: true, autocomplete: "username" })),
    h("label", {}, t("password"), h("input", { type: "password", name: "password", id: "login-password", required: true, autocomplete: "current-password" })),
    h("button", { type: "submit", id: "login-submit" }, t("signIn")),
    error,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      const session = await api("/console/api/login", {
        method: "POST",
        body: { email: String(data.get("email") || ""), password: String(data.get("password") || "") },
      });
      await signedIn(session);
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) error.textContent = t("tooMany", { s: err.retryAfter || "?" });
      else if (err instanceof ApiError && (err.status === 401 || err.status === 422)) error.textContent = t("signInFailed");
      else error.textContent = t("error", { m: err.message });
    }
  });
  append(clear(main), [form]);
}

async function signedIn(session) {
  state.me = session.liaison;
  setCsrf(session.csrf_token);
  setZone(session.zone);
  try {
    setFieldLabels(await api("/api/intakes/fields"));
  } catch (err) {
    /* labels fall back to what each view carries */
  }
  paintShell();
  if (!isPartner()) connectEvents();
  const home = isPartner() ? "#/desk" : "#/queue";
  if (!location.hash || location.hash === "#/" || location.hash === home) {
    if (location.hash === home) route();
    else location.hash = home;
  }
  else route();
}

async function signOut() {
  try {
    await api("/console/api/logout", { method: "POST" });
  } catch (err) {
    /* the session may already be gone */
  }
  if (state.events) state.events.close();
  state.events = null;
  state.me = null;
  setCsrf(null);
  document.getElementById("live").hidden = true;
  renderLogin();
}

// --- live events ---------------------------------------------------------------------

function connectEvents() {
  if (state.events) state.events.close();
  const source = new EventSource("/api/handoffs/events");
  state.events = source;
  source.onopen = () => setLive(true);
  source.onerror = () => setLive(false);
  const on = (type, handler) => source.addEventListener(type, (e) => handler(JSON.parse(e.data)));
  on("handoff_created", () => {
    if (state.view === "queue") loadQueue();
    if (state.view === "ticket") paintSideQueue(state.ticketId);
    flash(t("newTicket"));
    alertInBackground();
  });
  on("user_message", (data) => appendLive(data));
  on("liaison_message", (data) => appendLive(data));
  on("note_added", (data) => {
    if (state.view === "ticket" && data.handoff_id === state.ticketId) appendNote(data.note);
  });
  for (const type of ["handoff_claimed", "handoff_released", "handoff_resolved"]) {
    on(type, (data) => {
      if (state.view === "queue") loadQueue();
      if (state.view === "ticket" && data.id === state.ticketId) loadTicket(state.ticketId);
      else if (state.view === "ticket") paintSideQueue(state.ticketId);
    });
  }
}

// A liaison working in another tab sees "(2) WIL liaison console" and, when the browser allows
// notifications for this page, a notification; both clear when the tab is looked at again.
function alertInBackground() {
  if (!document.hidden) return;
  state.unseen = (state.unseen || 0) + 1;
  document.title = `(${state.unseen}) ${t("title")}`;
  if (typeof Notification !== "undefined" && Notification.permission === "granted") {
    try {
      new Notification(t("title"), { body: t("newTicket"), tag: "wil-new-ticket" });
    } catch (err) {
      /* some browsers only notify from a service worker */
    }
  }
}

document.addEventListener("visibilitychange", () => {
  if (document.hidden || !state.unseen) return;
  state.unseen = 0;
  document.title = t("title");
});

function flash(text) {
  const note = h("div", { class: "flash", role: "status" }, text);
  document.body.append(note);
  setTimeout(() => note.remove(), 4000);
}

function appendLive(data) {
  if (state.view !== "ticket" || data.handoff_id !== state.ticketId) return;
  const list = document.getElementById("transcript");
  if (!list || list.querySelector(`[data-id="${Number(data.message.id)}"]`)) return;
  list.append(messageNode(data.message));
  list.scrollTop = list.scrollHeight;
}

// --- queue ---------------------------------------------------------------------------

async function loadQueue() {
  const nav = ++state.nav;
  state.view = "queue";
  clearInterval(state.queueTimer);
  const filters = ["open", "waiting", "active", "resolved"];
  const bar = h("div", { class: "filters" }, filters.map((f) =>
    h("button", {
      type: "button", class: f === state.filter ? "selected" : "", "aria-pressed": String(f === state.filter),
      onclick: () => { state.filter = f; loadQueue(); },
    }, f === "open" ? `${t("waiting")} + ${t("active")}` : t(f))));
  let handoffs;
  try {
    const query = state.filter === "open" ? "" : `?status=${state.filter}`;
    handoffs = (await api(`/api/console/queue${query}`)).handoffs;
    if (state.filter === "open") handoffs = handoffs.filter((x) => x.status !== "resolved");
  } catch (err) {
    if (current(nav)) showError(err);
    return;
  }
  if (!current(nav)) return;
  const fetched = Date.now();
  const rows = handoffs.map((item) => {
    const waited = h("td", { class: "waited" });
    const tick = () => {
      const extra = item.status === "waiting" ? (Date.now() - fetched) / 1000 : 0;
      waited.textContent = duration(item.waiting_seconds + extra);
    };
    tick();
    waited.tick = tick;
    const person = item.person || {};
    const named = [person.name, person.organization].filter(Boolean);
    const latest = item.latest || {};
    return h("tr", { class: `status-${item.status}`, dataset: { id: item.id } },
      waited,
      h("td", { class: "person" },
        named.length ? h("strong", {}, named.join(" · ")) : h("span", { class: "empty" }, t("unknownPerson")),
        person.email ? h("div", { class: "email" }, person.email) : null),
      h("td", { class: "latest" }, latest.text || "",
        latest.at ? h("div", { class: "when" }, when(latest.at)) : null),
      h("td", {}, h("span", { class: `badge reason-${item.reason}` }, reasonLabel(item.reason))),
      h("td", {}, label("lang", item.locale)),
      h("td", {}, label("channel", item.channel)),
      h("td", {}, t(item.status)),
      h("td", {}, item.claimed_by_name || ""),
      h("td", {}, h("a", { href: `#/handoffs/${encodeURIComponent(item.id)}`, class: "open-ticket" }, t("open"))));
  });
  const table = rows.length
    ? h("table", { class: "queue", id: "queue" },
        h("thead", {}, h("tr", {}, [t("waited"), t("person"), t("latest"), t("reason"), t("language"), t("channel"), t("status"), t("heldBy"), ""].map((c) => h("th", {}, c)))),
        h("tbody", {}, rows))
    : h("p", { class: "empty", id: "queue" }, t(state.filter === "open" ? "emptyQueue" : "emptyFilter"));
  append(clear(main), [h("h2", {}, t("queue")), bar, table]);
  state.queueTimer = setInterval(() => {
    for (const cell of main.querySelectorAll("td.waited")) if (cell.tick) cell.tick();
  }, 15000);
}

// --- ticket --------------------------------------------------------------------------

function messageNode(msg) {
  const who = msg.author ? `${t(`role_${msg.role}`)} · ${msg.author}` : t(`role_${msg.role}`);
  return h("li", { class: `msg role-${msg.role}`, dataset: { id: String(msg.id) } },
    h("div", { class: "meta" }, who, " · ", when(msg.created_at)),
    h("div", { class: "text" }, msg.text));
}

function noteNode(note) {
  return h("li", { class: "note", dataset: { id: String(note.id) } },
    h("div", { class: "meta" }, note.liaison || "", " · ", when(note.created_at)),
    h("div", { class: "text" }, note.text));
}

function appendNote(note) {
  const list = document.getElementById("notes");
  if (list && !list.querySelector(`[data-id="${Number(note.id)}"]`)) list.append(noteNode(note));
}

function intakeNode(intake) {
  if (!intake) return h("p", { class: "empty" }, t("noIntake"));
  return h("div", {},
    h("p", {}, `${t(intake.kind) || intake.kind} · ${intakeStatus(intake.status || "")}`),
    intake.id ? openDraftLink(intake.id, intake.status) : null,
    h("table", { class: "intake" }, h("tbody", {}, intake.fields.map((f) =>
      h("tr", { class: `field-${f.status}` },
        h("th", {}, fieldLabel(f.name, f.label), f.required ? " *" : ""),
        h("td", {}, f.value === null || f.value === undefined ? "" : shown(f.value)),
        h("td", { class: "field-status" }, t(f.status), f.error ? ` (${f.error})` : ""))))));
}

function textForm(id, label, button, onsubmit) {
  const area = h("textarea", { id: `${id}-text`, rows: 3, maxlength: 4000, required: true, "aria-label": label });
  const form = h("form", { id: `${id}-form`, class: "text-form" },
    h("label", { for: `${id}-text` }, label), area, h("button", { type: "submit", id: `${id}-send` }, button));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = area.value.trim();
    if (!text) return;
    try {
      await onsubmit(text);
      area.value = "";
    } catch (err) {
      showError(err);
    }
  });
  return form;
}

async function loadTicket(id) {
  // Keep what the liaison was typing when the ticket re-renders (claim, live status change).
  const drafts = state.view === "ticket" && state.ticketId === id
    ? Object.fromEntries(["reply-text", "note-text"].map((k) => [k, document.getElementById(k)?.value || ""]))
    : {};
  const nav = ++state.nav;
  state.view = "ticket";
  state.ticketId = id;
  clearInterval(state.queueTimer);
  let ticket;
  try {
    ticket = await api(`/api/handoffs/${encodeURIComponent(id)}`);
  } catch (err) {
    if (current(nav)) showError(err);
    return;
  }
  if (!current(nav)) return;
  const mine = ticket.claimed_by === state.me.id;
  const open = ticket.status !== "resolved";
  const heldByOther = ticket.claimed_by !== null && !mine;
  const act = (path) => async () => {
    try {
      await api(`/api/handoffs/${encodeURIComponent(id)}/${path}`, { method: "POST" });
      await loadTicket(id);
    } catch (err) {
      showError(err);
    }
  };
  const actions = h("div", { class: "actions" },
    open && !mine && !heldByOther ? h("button", { type: "button", id: "claim", onclick: act("claim") }, t("claim")) : null,
    open && (mine || !heldByOther || state.me.role === "admin") ? h("button", { type: "button", id: "resolve", onclick: act("resolve") }, t("resolve")) : null,
    heldByOther ? h("span", { class: "held" }, t("heldByOther", { n: ticket.claimed_by_name || "?" })) : null);
  // Scrollable, so reachable by keyboard (arrow keys scroll it) and named for screen readers.
  const transcript = h("ol", { class: "transcript", id: "transcript", tabindex: "0", "aria-label": t("transcript") },
    ticket.transcript.map(messageNode));
  const reply = open && !heldByOther
    ? textForm("reply", t("reply"), t("send"), async (text) => {
        const msg = await api(`/api/handoffs/${encodeURIComponent(id)}/messages`, { method: "POST", body: { text } });
        appendLive({ handoff_id: id, message: msg });
        if (!mine) await loadTicket(id);
      })
    : null;
  if (reply) {
    const area = reply.querySelector("textarea");
    reply.insertBefore(savedReplies(area, ticket.locale, state.me.name), area);
  }
  const notes = h("ol", { class: "notes", id: "notes" }, ticket.notes.map(noteNode));
  const noteForm = textForm("note", t("newNote"), t("addNote"), async (text) => {
    appendNote(await api(`/api/handoffs/${encodeURIComponent(id)}/notes`, { method: "POST", body: { text } }));
  });
  const cited = ticket.cited.length
    ? h("ul", { class: "cited" }, ticket.cited.map((c) =>
        h("li", {}, c.url ? h("a", { href: c.url, target: "_blank", rel: "noopener noreferrer" }, c.title || c.source) : (c.title || c.source),
          c.snippet ? h("div", { class: "snippet" }, c.snippet) : null)))
    : h("p", { class: "empty" }, "—");
  append(clear(main), [
    h("p", {}, h("a", { href: "#/queue" }, t("back"))),
    h("h2", { id: "ticket-title" }, reasonLabel(ticket.reason), " · ", t(ticket.status)),
    h("p", { class: "facts" },
      `${t("language")}${t("colon")}${label("lang", ticket.locale)} · ${t("channel")}${t("colon")}${label("channel", ticket.channel)} · ${t("waited")}${t("colon")}${duration(ticket.waiting_seconds)}`,
      ticket.claimed_by_name ? ` · ${t("heldBy")}${t("colon")}${ticket.claimed_by_name}` : "",
      ticket.contact_email ? ` · ${t("contact")}${t("colon")}${ticket.contact_email}` : ""),
    actions,
    h("div", { class: "ticket" },
      h("section", { class: "conversation" }, h("h3", {}, t("transcript")), transcript, reply),
      h("aside", {},
        h("h3", {}, t("summary")), h("pre", { class: "summary", id: "summary" }, summaryText(ticket.summary)),
        h("h3", {}, t("intake")), intakeNode(ticket.intake),
        h("h3", {}, t("cited")), cited,
        h("h3", {}, t("notes")), notes, noteForm)),
  ]);
  for (const [key, value] of Object.entries(drafts)) {
    const area = document.getElementById(key);
    if (area && value) area.value = value;
  }
  transcript.scrollTop = transcript.scrollHeight;
  paintSideQueue(id);
}

// On a wide screen the ticket has three panes: the open queue, the conversation, the person and
// their offer. The queue pane lists who is waiting, so the next ticket is one click away.
const WIDE = window.matchMedia("(min-width: 1400px)");

async function paintSideQueue(id) {
  const grid = main.querySelector(".ticket");
  main.classList.toggle("three", WIDE.matches);
  if (!grid || !WIDE.matches) return;
  let items;
  try {
    items = (await api("/api/console/queue")).handoffs.filter((x) => x.status !== "resolved");
  } catch (err) {
    return; // the queue pane is a convenience: the ticket stays usable without it
  }
  if (state.view !== "ticket" || state.ticketId !== id || !main.contains(grid)) return;
  const pane = h("nav", { class: "side-queue", id: "side-queue", "aria-label": t("queue") },
    h("h3", {}, t("queue")),
    h("ol", {}, items.map((item) => {
      const person = item.person || {};
      const who = [person.name, person.organization].filter(Boolean).join(" · ") || t("unknownPerson");
      return h("li", {}, h("a", { href: `#/handoffs/${encodeURIComponent(item.id)}`, "aria-current": item.id === id ? "page" : null },
        h("strong", {}, who),
        h("div", { class: "meta" }, `${reasonLabel(item.reason)} · ${t(item.status)} · ${duration(item.waiting_seconds)}`),
        item.latest ? h("div", { class: "latest" }, item.latest.text) : null));
    })));
  grid.querySelector(".side-queue")?.remove();
  grid.prepend(pane);
  grid.classList.add("with-queue");
}

// --- intakes and knowledge gaps --------------------------------------------------------

function shown(value) {
  if (value === true) return t("yes");
  if (value === false) return t("no");
  return Array.isArray(value) ? value.map(shown).join(", ") : String(value);
}

// The server sends each field's label in both languages ("Co-op" / "Stage coop"), never a code.
function shownLabel(intake, key, value) {
  const labels = (intake.labels || {})[getLang()] || {};
  const text = labels[key];
  return text === undefined || text === null || text === "" ? shown(value) : shown(text);
}

async function loadIntakes() {
  const nav = ++state.nav;
  state.view = "intakes";
  clearInterval(state.queueTimer);
  // Submitted with consent, labels in the console's language, Calgary time (drafts on request).
  const lang = getLang();
  const links = h("p", { class: "exports" },
    h("a", { href: `/api/exports/intakes.csv?lang=${lang}`, id: "export-csv", download: "" }, t("exportCsv")), " · ",
    h("a", { href: `/api/exports/intakes.xlsx?lang=${lang}`, id: "export-xlsx", download: "" }, t("exportXlsx")), " · ",
    h("a", { href: `/api/exports/intakes.jsonl?lang=${lang}`, download: "" }, t("exportJsonl")), " · ",
    h("a", { href: `/api/exports/intakes.csv?lang=${lang}&include_drafts=true`, id: "export-drafts", download: "" }, t("exportDrafts")));
  let intakes = [];
  try {
    intakes = (await api("/api/intakes")).intakes;
  } catch (err) {
    if (current(nav)) showError(err);
    return;
  }
  if (!current(nav)) return;
  const body = intakes.length
    ? h("table", { class: "intakes" },
        h("thead", {}, h("tr", {}, [t("created"), t("reference"), t("kind"), t("status"), t("fields")].map((c) => h("th", {}, c)))),
        h("tbody", {}, intakes.map((it) => h("tr", { dataset: { id: it.id } },
          h("td", { class: "when" }, when(it.submitted_at || it.created_at)),
          h("td", { class: "reference" },
            h("a", { href: `#/intakes/${encodeURIComponent(it.id)}`, class: "open-intake" }, it.reference || it.id)),
          h("td", {}, t(it.kind)),
          h("td", {}, intakeStatus(it.status)),
          h("td", { class: "fields" }, Object.entries(it.fields || {})
            .filter(([, v]) => v !== null && v !== "" && !(Array.isArray(v) && !v.length))
            .map(([k, v]) => `${fieldLabel(k)}${t("colon")}${shownLabel(it, k, v)}`).join(" · "))))))
    : h("p", { class: "empty" }, t("emptyIntakes"));
  append(clear(main), [h("h2", {}, t("intakes")), links, body]);
}

async function loadGaps() {
  const nav = ++state.nav;
  state.view = "gaps";
  clearInterval(state.queueTimer);
  let gaps = [];
  try {
    gaps = (await api("/api/knowledge-gaps")).gaps;
  } catch (err) {
    if (current(nav)) showError(err);
    return;
  }
  if (!current(nav)) return;
  const body = gaps.length
    ? h("table", { class: "gaps", id: "gaps" },
        h("thead", {}, h("tr", {}, [t("question"), t("count"), t("language"), t("examples"), t("lastSeen")].map((c) => h("th", {}, c)))),
        h("tbody", {}, gaps.map((g) => h("tr", {},
          h("td", {}, g.text), h("td", { class: "num" }, String(g.count)), h("td", {}, g.locale.toUpperCase()),
          h("td", {}, h("ul", {}, g.examples.map((e) => h("li", {}, e)))), h("td", { class: "when" }, when(g.last_seen))))))
    : h("p", { class: "empty" }, t("emptyGaps"));
  append(clear(main), [h("h2", {}, t("gaps")), body]);
}

// Drafts to complete and one intake, field by field (assets/intake.js).
function intakeView(view, load) {
  const nav = ++state.nav;
  state.view = view;
  clearInterval(state.queueTimer);
  return load(main, { isCurrent: () => current(nav), onAuth: () => { state.me = null; renderLogin(); } });
}

// --- routing -------------------------------------------------------------------------

function route() {
  if (!state.me) return renderLogin();
  main.classList.remove("three"); // the ticket view widens itself again on a wide screen
  if (isPartner()) {
    const desk = intakeView("desk", (node, ctx) => loadDesk(node, ctx, state.me));
    markNav();
    return desk;
  }
  const hash = location.hash || "#/queue";
  const ticket = hash.match(/^#\/handoffs\/([\w-]+)$/);
  let loading;
  const intake = hash.match(/^#\/intakes\/([\w-]+)$/);
  if (ticket) loading = loadTicket(ticket[1]);
  else if (intake) loading = intakeView("intake", (node, ctx) => loadIntake(node, intake[1], ctx));
  else if (hash === "#/drafts") loading = intakeView("drafts", loadDrafts);
  else if (hash === "#/intakes") loading = loadIntakes();
  else if (hash === "#/gaps") loading = loadGaps();
  else if (hash === "#/offers") loading = intakeView("offers", loadOffers);
  else if (hash === "#/outcomes") loading = intakeView("outcomes", loadOutcomes);
  else loading = loadQueue();
  markNav(); // each view names itself before its first await
  paintDraftsNav(state.view);
  return loading;
}

async function start() {
  document.getElementById("lang").addEventListener("click", () => {
    setLang(getLang() === "fr" ? "en" : "fr");
    paintShell();
    if (state.me) route();
    else renderLogin();
  });
  document.getElementById("logout").addEventListener("click", signOut);
  window.addEventListener("hashchange", route);
  paintShell();
  try {
    await signedIn(await api("/console/api/session"));
  } catch (err) {
    renderLogin();
  }
}

start();
