/*
 * wil-assistant chat widget. Embed it with one line:
 *   <script src="https://HOST/widget.js" data-locale="fr" defer></script>
 * Options (data attributes): data-locale="en|fr", data-title, data-color="#rrggbb",
 * data-position="right|left", data-stream="false" (whole answers by default).
 * Everything lives in a Shadow DOM; API calls go to the script's own origin with the
 * conversation's bearer token only (no cookies).
 */
(() => {
  "use strict";

  const script =
    document.currentScript || document.querySelector('script[src$="widget.js"]');
  if (!script || document.querySelector("wil-assistant")) return;

  const API = new URL("api/conversations", new URL(".", script.src)).href;
  const STORE_KEY = `wil-assistant:${API}`;
  const PREFS_KEY = "wil-assistant:prefs";
  const OPEN_KEY = `wil-assistant:open:${API}`;
  const SEND_DELAYS = [500, 1000, 2000]; // retries after the first attempt
  const MAX_EVENTS_DELAY = 30000;
  const SILENCE_MS = 45000; // the server sends a keep-alive every 15 s
  const DEFAULT_RETRY_AFTER = 10; // seconds, when a 429's Retry-After header can't be read
  const MAX_RETRY_AFTER = 300;
  const MAX_RATE_WAITS = 5; // consecutive 429s or 503s before giving up and offering "Retry"

  const TEXT = {
    en: {
      title: "WIL assistant",
      subtitle: "Answers from the secretariat's guides",
      open: "Chat with us",
      close: "Close chat",
      log: "Conversation",
      input: "Your message",
      placeholder: "Type your question…",
      send: "Send",
      you: "You",
      assistant: "Assistant",
      liaison: "Liaison",
      system: "Notice",
      sources: "Sources",
      suggestions: "Suggested replies",
      sending: "Sending…",
      notSent: "Not sent",
      sendFailed: "Your message wasn't sent. Check your connection and try again.",
      retry: "Retry",
      writing: "The assistant is writing…",
      turnFailed: "Sorry, something went wrong with that answer. Please try again.",
      startFailed: "The assistant can't be reached right now.",
      reconnecting: "Connection lost. Reconnecting…",
      waiting: "We're reaching a liaison. Their reply will appear here, even if you come back later.",
      active: "A liaison has joined the conversation.",
      resolved: "The liaison has closed the conversation. The assistant is back.",
      confirm: "Please check your details",
      yes: "Yes",
      edit: "Edit",
      no: "No",
      whole: "Show complete answers only (screen-reader friendly)",
      unread: (n) => `${n} new message${n > 1 ? "s" : ""}`,
      newChat: "New conversation",
      newChatAsk: "Start a new conversation? This one will be removed from this browser.",
      newChatYes: "Start new",
      cancel: "Cancel",
      newChatDone: "A new conversation has started.",
      source: (n, title) => `Source ${n}: ${title}`,
      tooFast: "You are sending messages too quickly.",
      retryIn: (s) => `We will send your message for you in ${s} seconds.`,
    },
    fr: {
      title: "Assistant AIT",
      subtitle: "Réponses tirées des guides du secrétariat",
      open: "Clavarder avec nous",
      close: "Fermer le clavardage",
      log: "Conversation",
      input: "Votre message",
      placeholder: "Écrivez votre question…",
      send: "Envoyer",
      you: "Vous",
      assistant: "Assistant",
      liaison: "Agent·e de liaison",
      system: "Avis",
      sources: "Sources",
      suggestions: "Réponses suggérées",
      sending: "Envoi…",
      notSent: "Non envoyé",
      sendFailed: "Votre message n'a pas été envoyé. Vérifiez votre connexion et réessayez.",
      retry: "Réessayer",
      writing: "L'assistant écrit…",
      turnFailed: "Désolé, un problème est survenu avec cette réponse. Veuillez réessayer.",
      startFailed: "L'assistant est injoignable pour le moment.",
      reconnecting: "Connexion perdue. Reconnexion…",
      waiting:
        "Nous joignons un·e agent·e de liaison. Sa réponse s'affichera ici, même si vous revenez plus tard.",
      active: "Un·e agent·e de liaison s'est joint·e à la conversation.",
      resolved: "L'agent·e de liaison a fermé la conversation. L'assistant reprend.",
      confirm: "Veuillez vérifier vos renseignements",
      yes: "Oui",
      edit: "Modifier",
      no: "Non",
      whole: "Afficher seulement les réponses complètes (adapté aux lecteurs d'écran)",
      unread: (n) => `${n} nouveau${n > 1 ? "x" : ""} message${n > 1 ? "s" : ""}`,
      newChat: "Nouvelle conversation",
      newChatAsk: "Commencer une nouvelle conversation? Celle-ci sera effacée de ce navigateur.",
      newChatYes: "Recommencer",
      cancel: "Annuler",
      newChatDone: "Une nouvelle conversation a commencé.",
      source: (n, title) => `Source ${n} : ${title}`,
      tooFast: "Vous envoyez des messages trop rapidement.",
      retryIn: (s) => `Nous enverrons votre message pour vous dans ${s} secondes.`,
    },
  };

  // ---- configuration -------------------------------------------------------------------
  const data = script.dataset;
  const langOf = (value) => (String(value || "").toLowerCase().startsWith("fr") ? "fr" : "en");
  const pinnedLocale = data.locale || document.documentElement.lang || "";
  const accent = /^#(?:[0-9a-f]{3}){1,2}$/i.test(data.color || "") ? data.color : "#1d4f91";

  // Storage may be blocked (sandboxed frames, strict privacy settings): the widget still works.
  const read = (storage, key) => {
    try {
      return JSON.parse(window[storage].getItem(key) || "null");
    } catch {
      return null;
    }
  };
  const write = (storage, key, value) => {
    try {
      if (value == null) window[storage].removeItem(key);
      else window[storage].setItem(key, JSON.stringify(value));
    } catch {
      /* full or blocked: remembered for this page view only */
    }
  };

  const state = {
    conv: read("localStorage", STORE_KEY), // {id, token, locale, handoff, pending: [...]}
    prefs: read("localStorage", PREFS_KEY) || {},
    locale: "en",
    lastId: 0,
    byId: new Map(), // message id -> element
    busy: false,
    unread: 0,
    historyLoaded: false,
    online: true,
    wake: null, // resolves the event stream's back-off sleep early
    listening: null, // the token of the running event-stream loop
    stopListening: null, // aborts the event stream's current request
    notice: "", // a transient status line (rate limit, new conversation)
    seq: 0, // numbers the messages' source lists (ids inside the shadow root)
  };
  state.locale = langOf(pinnedLocale || state.conv?.locale || navigator.language);
  const whole = () => state.prefs.whole ?? data.stream === "false";
  const t = (key, ...args) => {
    const value = TEXT[state.locale][key];
    return typeof value === "function" ? value(...args) : value;
  };
  const save = () => write("localStorage", STORE_KEY, state.conv);

  // ---- colours: pick readable text on the theme colour (WCAG contrast) ---------------------
  const luminance = (hex) => {
    const h = hex.length === 4 ? hex.replace(/\w/g, "$&$&") : hex;
    const [r, g, b] = [1, 3, 5].map((i) => {
      const c = parseInt(h.slice(i, i + 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const accentLum = luminance(accent);
  const onAccent = contrast(accentLum, 1) >= contrast(accentLum, 0) ? "#ffffff" : "#111111";
  const linkColour = contrast(accentLum, 1) >= 4.5 ? accent : "#1d4f91";

  // ---- DOM -----------------------------------------------------------------------------
  const CSS = `
    :host { all: initial !important; display: block !important; }
    .root { --accent: ${accent}; --on-accent: ${onAccent}; --link: ${linkColour};
      font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
      color: #1b1b1b; }
    *, *::before, *::after { box-sizing: border-box; }
    [hidden] { display: none !important; }
    .sr { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden;
      clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
    button, textarea, input { font: inherit; color: inherit; }
    /* Yellow ring with a dark edge: visible (3:1) on white and on the theme colour alike. */
    :focus-visible { outline: 3px solid #f0b400; outline-offset: 1px; box-shadow: 0 0 0 1px #1b1b1b; }
    .launcher { position: fixed; bottom: 20px; z-index: 2147483000; display: flex;
      align-items: center; gap: 8px; padding: 12px 18px; border: 0; border-radius: 999px;
      background: var(--accent); color: var(--on-accent); font-weight: 600; cursor: pointer;
      box-shadow: 0 4px 16px rgb(0 0 0 / 25%); }
    .launcher svg { width: 22px; height: 22px; fill: currentColor; }
    .badge { min-width: 22px; padding: 1px 6px; border-radius: 999px; background: #b00020;
      color: #fff; font-size: 13px; text-align: center; }
    .panel { position: fixed; bottom: 84px; z-index: 2147483000; width: 390px;
      height: min(640px, calc(100vh - 108px)); display: flex; flex-direction: column;
      background: #fff; border-radius: 14px; overflow: hidden;
      box-shadow: 0 10px 40px rgb(0 0 0 / 30%); }
    .right .launcher, .right .panel { right: 20px; }
    .left .launcher, .left .panel { left: 20px; }
    header { display: flex; align-items: center; gap: 8px; padding: 12px 12px 12px 16px;
      background: var(--accent); color: var(--on-accent); }
    header div { flex: 1; min-width: 0; }
    h2 { margin: 0; font-size: 17px; }
    header p { margin: 0; font-size: 13px; }
    .close, .restart { flex: none; border: 0; background: transparent; padding: 6px;
      border-radius: 8px; cursor: pointer; color: inherit; line-height: 0; }
    .close:hover, .restart:hover { background: rgb(127 127 127 / 22%); }
    .close svg, .restart svg { width: 22px; height: 22px; fill: currentColor; }
    .restart:disabled { opacity: .6; cursor: default; }
    .ask { padding: 10px 16px; background: #eef2f8; border-bottom: 1px solid #d0d6de;
      font-size: 14px; }
    .ask p { margin: 0 0 8px; }
    .ask div { display: flex; flex-wrap: wrap; gap: 8px; }
    .ask button { padding: 5px 12px; border-radius: 8px; cursor: pointer;
      border: 1px solid var(--link); background: #fff; color: var(--link); }
    .ask button.yes { background: var(--accent); color: var(--on-accent); border-color: transparent; }
    .status { padding: 8px 16px; background: #fff4d6; color: #3d2e00; font-size: 14px;
      border-bottom: 1px solid #e8d9a8; }
    .status:empty { display: none; }
    .status p { margin: 0; }
    .log { flex: 1; overflow-y: auto; padding: 16px; display: flex; flex-direction: column;
      gap: 10px; background: #f6f7f9; }
    .msg { max-width: 88%; padding: 9px 12px; border-radius: 12px; background: #fff;
      border: 1px solid #dde1e6; overflow-wrap: anywhere; }
    .msg .text { white-space: pre-wrap; }
    .msg .text.rich { white-space: normal; }
    .text.rich > * { margin: 0; }
    .text.rich > * + * { margin-top: 8px; } /* paragraphs and lists stand apart */
    .text.rich ul, .text.rich ol { padding-left: 22px; }
    .text.rich li + li { margin-top: 2px; }
    sup { line-height: 0; font-size: 12px; }
    sup a { padding: 0 3px; font-weight: 600; text-decoration: none; }
    sup a:hover { text-decoration: underline; }
    .sources li.flash { background: #fff4d6; }
    .msg.user { align-self: flex-end; background: var(--accent); color: var(--on-accent);
      border-color: transparent; }
    .msg.liaison { border: 2px solid #2e6b34; }
    .msg.system { align-self: center; background: transparent; border: 0; font-size: 14px;
      font-style: italic; color: #4a4f55; text-align: center; }
    .who { margin: 0 0 2px; font-size: 13px; font-weight: 700; color: #2e6b34; }
    .note { margin: 4px 0 0; font-size: 13px; }
    .msg.failed { outline: 2px solid #b00020; }
    .msg.streaming .text::after { content: "▍"; }
    .sources { margin: 8px 0 0; padding-top: 6px; border-top: 1px solid #e3e6ea;
      font-size: 14px; }
    .sources p { margin: 0; font-weight: 600; }
    .sources ol { margin: 2px 0 0; padding-left: 20px; }
    a { color: var(--link); }
    .card { margin-top: 8px; padding: 10px 12px; border-radius: 10px; background: #f1f4f8;
      border: 1px solid #d0d6de; }
    .card h3 { margin: 0 0 6px; font-size: 15px; }
    .card dl { margin: 0; font-size: 14px; }
    /* One grid for all rows: labels never break inside a word, values wrap. */
    .msg:has(> .card) { max-width: 100%; }
    .card dl { display: grid; grid-template-columns: minmax(min-content, 2fr) minmax(0, 3fr); }
    .card dl div { display: contents; }
    .card dt, .card dd { padding: 3px 0; border-top: 1px solid #dde3ea; }
    .card dl div:first-child > * { border-top: 0; }
    .card dt { padding-right: 10px; font-weight: 600; overflow-wrap: normal; }
    .card dd { margin: 0; }
    .typing { align-self: flex-start; padding: 8px 12px; color: #4a4f55; font-size: 14px; }
    .chips { display: flex; flex-wrap: wrap; gap: 6px; padding: 8px 12px 0; }
    .chips:empty { display: none; }
    .chip { padding: 6px 12px; border-radius: 999px; border: 1px solid var(--link);
      background: #fff; color: var(--link); cursor: pointer; font-size: 14px; }
    .chip:hover { background: #eef2f8; }
    .chip:disabled, .send:disabled { opacity: .6; cursor: default; }
    .error { display: flex; align-items: center; gap: 10px; margin: 8px 12px 0;
      padding: 8px 10px; border-radius: 8px; background: #fde8ea; color: #7a0013;
      font-size: 14px; }
    .error:empty { display: none; }
    .error p { flex: 1; margin: 0; }
    .error button { border: 1px solid #7a0013; background: #fff; color: #7a0013;
      border-radius: 6px; padding: 4px 10px; cursor: pointer; }
    form { display: flex; gap: 8px; padding: 10px 12px; align-items: flex-end; }
    textarea { flex: 1; min-width: 0; resize: none; max-height: 120px; padding: 9px 10px;
      border: 1px solid #767b82; border-radius: 10px; background: #fff; }
    textarea[readonly] { background: #f1f2f4; }
    .send { padding: 9px 14px; border: 0; border-radius: 10px; background: var(--accent);
      color: var(--on-accent); font-weight: 600; cursor: pointer; }
    .prefs { display: flex; gap: 8px; align-items: flex-start; padding: 0 12px 10px;
      font-size: 13px; color: #3f444a; }
    .prefs input { margin: 2px 0 0; }
    @media (max-width: 480px) {
      .panel { inset: 0 !important; width: 100%; height: 100%; border-radius: 0; }
      .launcher { bottom: 16px; }
      .right .launcher { right: 16px; } .left .launcher { left: 16px; }
      textarea { font-size: 16px; } /* below 16 px, phones zoom the page on focus */
      .card dl { grid-template-columns: minmax(0, 1fr); } /* label above its value */
      .card dd { padding-top: 0; border-top: 0; }
    }
  `;

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value == null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    node.append(...children.filter((c) => c != null));
    return node;
  };
  const icon = (path) => {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.innerHTML = `<path d="${path}"/>`;
    return svg;
  };
  const CHAT_ICON = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
  const RESTART_ICON =
    "M17.65 6.35A7.96 7.96 0 0 0 12 4a8 8 0 1 0 7.73 10h-2.08A6 6 0 1 1 12 6c1.66 0 3.14.69 4.22 1.78L13 11h7V4l-2.35 2.35z";
  const CLOSE_ICON =
    "M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z";

  const host = document.createElement("wil-assistant");
  const shadow = host.attachShadow({ mode: "open" });
  const ui = {
    launcherText: el("span"),
    badge: el("span", { class: "badge", hidden: true, "aria-hidden": "true" }),
    unreadText: el("span", { class: "sr" }),
    title: el("h2", { id: "wil-title" }),
    subtitle: el("p"),
    closeText: el("span", { class: "sr" }),
    restartText: el("span", { class: "sr" }),
    askText: el("p", { id: "wil-ask" }),
    askYes: el("button", { class: "yes", type: "button" }),
    askNo: el("button", { type: "button" }),
    status: el("div", { class: "status", role: "status" }),
    typing: el("p", { class: "typing", hidden: true, "aria-hidden": "true" }),
    chips: el("div", { class: "chips", role: "group" }),
    error: el("div", { class: "error", role: "alert" }),
    inputLabel: el("label", { class: "sr", for: "wil-input" }),
    input: el("textarea", { id: "wil-input", rows: "1", maxlength: "4000" }),
    send: el("button", { class: "send", type: "submit" }),
    whole: el("input", { type: "checkbox", id: "wil-whole" }),
    wholeLabel: el("label", { for: "wil-whole" }),
  };
  ui.log = el("div", { class: "log", role: "log", "aria-live": "polite", tabindex: "0" }, ui.typing);
  ui.launcher = el(
    "button",
    { class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "wil-panel" },
    icon(CHAT_ICON), ui.launcherText, ui.badge, ui.unreadText,
  );
  ui.close = el("button", { class: "close", type: "button" }, icon(CLOSE_ICON), ui.closeText);
  ui.restart = el("button", { class: "restart", type: "button", "aria-expanded": "false",
    "aria-controls": "wil-ask-box" }, icon(RESTART_ICON), ui.restartText);
  ui.ask = el("div", { class: "ask", id: "wil-ask-box", role: "group", "aria-labelledby": "wil-ask",
    hidden: true }, ui.askText, el("div", {}, ui.askYes, ui.askNo));
  ui.form = el("form", {}, ui.inputLabel, ui.input, ui.send);
  ui.panel = el(
    "div",
    { class: "panel", id: "wil-panel", role: "dialog", "aria-labelledby": "wil-title", hidden: true },
    el("header", {}, el("div", {}, ui.title, ui.subtitle), ui.restart, ui.close),
    ui.ask, ui.status, ui.log, ui.chips, ui.error, ui.form,
    el("div", { class: "prefs" }, ui.whole, ui.wholeLabel),
  );
  const root = el("div", { class: `root ${data.position === "left" ? "left" : "right"}` },
    ui.launcher, ui.panel);
  shadow.append(el("style", {}, CSS), root);

  function applyLocale() {
    ui.launcherText.textContent = t("open");
    ui.title.textContent = data.title || t("title");
    ui.subtitle.textContent = t("subtitle");
    ui.closeText.textContent = t("close");
    ui.restartText.textContent = t("newChat");
    ui.restart.title = t("newChat");
    ui.close.title = t("close");
    ui.askText.textContent = t("newChatAsk");
    ui.askYes.textContent = t("newChatYes");
    ui.askNo.textContent = t("cancel");
    ui.log.setAttribute("aria-label", t("log"));
    ui.chips.setAttribute("aria-label", t("suggestions"));
    ui.inputLabel.textContent = t("input");
    ui.input.placeholder = t("placeholder");
    ui.send.textContent = t("send");
    ui.wholeLabel.textContent = t("whole");
    ui.typing.textContent = t("writing");
    root.lang = state.locale;
    renderStatus();
    renderUnread();
  }

  // ---- rendering -----------------------------------------------------------------------
  const bottom = () => { ui.log.scrollTop = ui.log.scrollHeight; };
  /** Scroll to the latest, but not past the top of `node`: a long answer is read from its start. */
  const reveal = (node) => {
    if (!node?.isConnected) return bottom();
    const top = node.getBoundingClientRect().top - ui.log.getBoundingClientRect().top;
    ui.log.scrollTop = Math.min(ui.log.scrollHeight, Math.max(0, ui.log.scrollTop + top - 8));
  };
  // When the log gets shorter (an error, a status line, chips), keep the latest message in view
  // unless the person had scrolled up to read.
  let pinned = true;
  ui.log.addEventListener("scroll", () => {
    pinned = ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 24;
  });
  if ("ResizeObserver" in window) new ResizeObserver(() => pinned && bottom()).observe(ui.log);
  const labelFor = (role) => t({ user: "you", liaison: "liaison", system: "system" }[role] || "assistant");

  function messageElement(role, text, citations) {
    const who = el("p", { class: role === "liaison" ? "who" : "who sr" }, labelFor(role));
    const seq = ++state.seq;
    const rich = citations !== undefined && (role === "assistant" || role === "liaison");
    const body = rich
      ? el("div", { class: "text rich" }, ...richText(text, citations, seq))
      : el("div", { class: "text" }, text);
    const node = el("div", { class: `msg ${role}` }, who, body);
    addSources(node, citations, seq);
    return node;
  }

  // ---- safe rich text: built from text nodes and elements, never parsed as HTML -------------
  const BULLET = /^\s*[•\-*–]\s+(.*)$/;
  const NUMBERED = /^\s*(\d{1,3})[.)]\s+(.*)$/;
  const INLINE = /\[(\d{1,2})\]|https:\/\/[^\s<>"'`]+/g;
  const sourceId = (seq, n) => `wil-src-${seq}-${n}`;

  /** Inline pieces of one line: text, [n] markers linked to their source, bare https:// links. */
  function inline(line, citations, seq) {
    const out = [];
    let last = 0;
    for (const m of line.matchAll(INLINE)) {
      let token = m[0];
      let node = null;
      if (m[1]) {
        const n = Number(m[1]);
        const source = citations[n - 1];
        if (source) {
          node = el("sup", {}, el("a", {
            href: `#${sourceId(seq, n)}`, class: "cite",
            "aria-label": t("source", n, source.title || source.source),
            title: source.title || source.source,
          }, token));
        }
      } else {
        token = token.replace(/[.,;:!?)\]}»]+$/, ""); // sentence punctuation stays outside
        let url = null;
        try {
          url = new URL(token);
        } catch {
          /* not a URL after all: left as text */
        }
        if (url && url.protocol === "https:" && token.length > 8) {
          node = el("a", { href: url.href, target: "_blank", rel: "noopener noreferrer" }, token);
        }
      }
      if (!node) continue;
      if (m.index > last) out.push(line.slice(last, m.index));
      out.push(node);
      last = m.index + token.length;
    }
    if (last < line.length) out.push(line.slice(last));
    return out;
  }

  /** Paragraphs (blank lines), line breaks, bullet and numbered lists, as DOM nodes. */
  function richText(text, citations, seq) {
    const blocks = [];
    let para = null;
    let list = null;
    const endPara = () => { para = null; };
    for (const raw of String(text ?? "").replace(/\r/g, "").split("\n")) {
      const line = raw.trimEnd();
      const bullet = BULLET.exec(line);
      const numbered = bullet ? null : NUMBERED.exec(line);
      if (bullet || numbered) {
        const kind = bullet ? "ul" : "ol";
        if (!list || list.localName !== kind) {
          list = el(kind, numbered && numbered[1] !== "1" ? { start: numbered[1] } : {});
          blocks.push(list);
        }
        if (list.lastChild) list.append("\n");
        list.append(el("li", {}, ...inline(bullet ? bullet[1] : numbered[2], citations, seq)));
        endPara();
      } else if (!line.trim()) {
        list = null;
        endPara();
      } else if (list && /^\s{2,}/.test(raw)) {
        list.lastElementChild.append(" ", ...inline(line.trim(), citations, seq)); // continued item
      } else {
        list = null;
        if (para) para.append(el("br"), "\n");
        else blocks.push((para = el("p")));
        para.append(...inline(line, citations, seq));
      }
    }
    // A newline between blocks keeps the text readable when copied (it renders as nothing).
    return blocks.flatMap((b, i) => (i ? ["\n", b] : [b]));
  }

  function addSources(node, citations, seq) {
    if (!citations?.length) return;
    const items = citations.map((c, i) => {
      const label = c.title || c.source;
      const link = /^https?:\/\//i.test(c.url || "") // never a javascript: or data: link
        ? el("a", { href: c.url, target: "_blank", rel: "noopener noreferrer" }, label)
        : el("span", {}, label);
      return el("li", { id: sourceId(seq, i + 1), tabindex: "-1" }, link);
    });
    node.append(el("div", { class: "sources" }, el("p", {}, t("sources")), el("ol", {}, ...items)));
  }

  // Fragment links don't reach inside a shadow root: move to the cited source ourselves.
  shadow.addEventListener("click", (e) => {
    const link = e.target.closest?.("a.cite");
    if (!link) return;
    e.preventDefault();
    const item = shadow.getElementById(link.getAttribute("href").slice(1));
    if (!item) return;
    item.scrollIntoView({ block: "nearest", behavior: "smooth" });
    item.focus({ preventScroll: true });
    item.classList.add("flash");
    setTimeout(() => item.classList.remove("flash"), 1500);
  });

  const humanize = (key) => key.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
  function displayValue(value) {
    if (value === true) return t("yes");
    if (value === false) return t("no");
    if (Array.isArray(value)) return value.map(displayValue).join(", ");
    if (typeof value === "string" && /^[a-z]+(?:_[a-z]+)+$/.test(value)) return humanize(value);
    return String(value);
  }

  function intakeCard(intake) {
    // Prefer the server's localised rows ({label, value}); fall back to the raw fields.
    const rows = Array.isArray(intake.summary)
      ? intake.summary
      : Object.entries(intake.fields || {})
          .filter(([, v]) => v != null && v !== "")
          .map(([key, value]) => ({ label: humanize(key), value: displayValue(value) }));
    const list = rows.map((row) => el("div", {}, el("dt", {}, row.label), el("dd", {}, String(row.value))));
    return el("section", { class: "card", "aria-label": t("confirm") },
      el("h3", {}, t("confirm")), el("dl", {}, ...list));
  }

  function showChips(labels) {
    ui.chips.replaceChildren(
      ...(labels || []).map((label) =>
        el("button", { class: "chip", type: "button", onclick: () => submit(label), disabled: state.busy }, label),
      ),
    );
  }

  /** Add a stored message (from history, a turn or the event stream) unless it is already shown. */
  function receive(msg, { live = false } = {}) {
    if (msg.id != null && state.byId.has(msg.id)) return state.byId.get(msg.id);
    let node = null;
    if (msg.role === "user" && msg.id != null) {
      // Our own message, sent in this page: adopt the id instead of showing it twice.
      node = [...ui.log.querySelectorAll(".msg.user:not([data-id])")].find(
        (n) => n.querySelector(".text").textContent === msg.text,
      );
    }
    if (!node) {
      node = messageElement(msg.role, msg.text, msg.citations || []);
      ui.log.insertBefore(node, ui.typing);
    }
    if (msg.id != null) {
      node.dataset.id = msg.id;
      state.byId.set(msg.id, node);
      state.lastId = Math.max(state.lastId, msg.id);
    }
    showChips(msg.role === "user" ? [] : msg.suggestions); // chips belong to the latest message
    if (live && ui.panel.hidden && msg.role !== "user") {
      state.unread += 1;
      renderUnread();
    }
    bottom();
    return node;
  }

  function renderUnread() {
    ui.badge.hidden = state.unread === 0;
    ui.badge.textContent = state.unread ? String(state.unread) : "";
    ui.unreadText.textContent = state.unread ? `(${t("unread", state.unread)})` : "";
  }

  function renderStatus() {
    const lines = [];
    const handoff = state.conv?.handoff;
    if (handoff && ["waiting", "active", "resolved"].includes(handoff)) lines.push(t(handoff));
    if (!state.online) lines.push(t("reconnecting"));
    if (state.notice) lines.push(state.notice);
    ui.status.replaceChildren(...lines.map((line) => el("p", {}, line)));
  }

  let noticeTimer;
  /** A status line of our own; it clears itself unless `sticky`. */
  function setNotice(text, sticky = false) {
    clearTimeout(noticeTimer);
    state.notice = text || "";
    renderStatus();
    if (text && !sticky) noticeTimer = setTimeout(() => setNotice(""), 6000);
  }

  function setHandoff(handoff) {
    if (!state.conv || !handoff?.status) return;
    if (state.conv.handoff === handoff.status) return;
    state.conv.handoff = handoff.status;
    save();
    renderStatus();
  }

  function showError(text, retry) {
    ui.error.replaceChildren();
    if (!text) return;
    ui.error.append(el("p", {}, text));
    if (retry) ui.error.append(el("button", { type: "button", onclick: retry }, t("retry")));
  }

  function setBusy(busy) {
    state.busy = busy;
    ui.send.disabled = busy;
    ui.restart.disabled = busy;
    if (busy) askRestart(false);
    for (const chip of ui.chips.querySelectorAll("button")) chip.disabled = busy;
  }

  // ---- HTTP ----------------------------------------------------------------------------
  class HttpError extends Error {
    constructor(status, detail, retryAfter = null) {
      // FastAPI's validation errors carry a list: only a sentence is worth showing to a person.
      const text = typeof detail === "string" && detail.trim() ? detail.trim() : "";
      super(text || `HTTP ${status}`);
      this.status = status;
      this.detail = text;
      this.retryAfter = retryAfter; // seconds, from the Retry-After header
    }
  }
  const retryable = (err) =>
    !(err instanceof HttpError) || err.status === 408 || err.status >= 500;
  const limited = (err) => err instanceof HttpError && err.status === 429;
  // The server is saturated or its database is away: it says so, and when to try again.
  const busy = (err) => err instanceof HttpError && err.status === 503;
  /** An id for one message, sent with every attempt: the server stores a retried message once. */
  const newMessageId = () =>
    globalThis.crypto?.randomUUID?.() ||
    `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
  /** Retry-After as seconds (a number or an HTTP date); null when absent or unreadable. */
  const retryAfterSeconds = (value) => {
    if (!value) return null;
    const seconds = /^\s*\d+\s*$/.test(value) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
    return Number.isFinite(seconds) ? Math.min(Math.max(Math.ceil(seconds), 1), MAX_RETRY_AFTER) : null;
  };
  const gone = (err) => err instanceof HttpError && (err.status === 401 || err.status === 404);
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function api(path, { method = "GET", body, stream = false, signal } = {}) {
    const headers = { Accept: stream ? "text/event-stream" : "application/json" };
    if (state.conv) headers.Authorization = `Bearer ${state.conv.token}`;
    if (body) headers["Content-Type"] = "application/json";
    const res = await fetch(API + path, {
      method, headers, signal, body: body && JSON.stringify(body),
      credentials: "omit", mode: "cors", cache: "no-store",
    });
    if (!res.ok) {
      const detail = await res.json().then((j) => j?.detail, () => null);
      throw new HttpError(res.status, detail, retryAfterSeconds(res.headers.get("Retry-After")));
    }
    return res;
  }

  /** Yield the frames of a server-sent event stream ({event, data}; comments as event null). */
  async function* frames(res) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value.replace(/\r/g, "");
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let event = null;
          const lines = [];
          for (const line of frame.split("\n")) {
            const [field, ...rest] = line.split(":");
            const value = rest.join(":").replace(/^ /, "");
            if (field === "event") event = value;
            else if (field === "data") lines.push(value);
          }
          if (!lines.length) {
            yield { event: null, data: null };
            continue;
          }
          try {
            yield { event: event || "message", data: JSON.parse(lines.join("\n")) };
          } catch {
            /* ignore a malformed frame */
          }
        }
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  }

  // ---- conversation --------------------------------------------------------------------
  let starting = null;
  function startConversation() {
    starting ||= (async () => {
      const res = await api("", { method: "POST", body: { channel: "web", locale: state.locale } });
      const body = await res.json();
      state.conv = { id: body.id, token: body.token, locale: body.locale, handoff: null, pending: [] };
      save();
      state.historyLoaded = true;
      body.messages.forEach((m) => receive(m));
      listen();
    })().finally(() => { starting = null; });
    return starting;
  }

  function forget() {
    state.conv = null;
    state.lastId = 0;
    state.byId.clear();
    state.historyLoaded = false;
    save();
    // Stop the old conversation's event stream now, so a new one can listen at once.
    state.listening = null;
    state.stopListening?.();
    state.wake?.();
    state.online = true;
    ui.log.replaceChildren(ui.typing);
    showChips([]);
    renderStatus();
  }

  // ---- new conversation (asks first) ---------------------------------------------------
  function askRestart(show) {
    ui.ask.hidden = !show;
    ui.restart.setAttribute("aria-expanded", String(show));
    if (show) ui.askYes.focus();
  }

  async function restart() {
    askRestart(false);
    state.pendingBeforeStart = null;
    showError(null);
    forget(); // the stored id, token and unsent messages go with it
    ui.input.value = "";
    autosize();
    ui.input.focus();
    setNotice(t("newChatDone"));
    try {
      await startConversation();
    } catch {
      setNotice("");
      showError(t("startFailed"), () => open());
    }
  }

  ui.restart.addEventListener("click", () => askRestart(ui.ask.hidden));
  ui.askNo.addEventListener("click", () => {
    askRestart(false);
    ui.restart.focus();
  });
  ui.askYes.addEventListener("click", restart);
  ui.ask.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    e.preventDefault();
    e.stopPropagation(); // Escape cancels the question; it doesn't close the panel
    askRestart(false);
    ui.restart.focus();
  });

  /** Fetch the messages we have not seen yet (all of them on a fresh page). */
  async function catchUp() {
    if (!state.conv) return;
    const after = state.lastId ? `?after=${state.lastId}` : "";
    const res = await api(`/${state.conv.id}/messages${after}`);
    const { messages } = await res.json();
    const live = state.historyLoaded;
    messages.forEach((m) => receive(m, { live }));
    state.historyLoaded = true;
  }

  /** Show a remembered conversation and listen for its events; forget it if the server has. */
  async function resume() {
    try {
      await catchUp();
    } catch (err) {
      if (gone(err)) forget(); // deleted or expired: the next message starts a new one
      else listen(); // offline: the event stream retries and catches up when back
      throw err;
    }
    listen();
  }

  /** Keep the event stream open (liaison replies, status changes) and reconnect with back-off. */
  async function listen() {
    if (state.listening) return;
    const me = {};
    state.listening = me;
    const mine = () => state.listening === me && state.conv;
    let delay = 1000;
    while (mine()) {
      const controller = new AbortController();
      state.stopListening = () => controller.abort();
      let watchdog;
      const kick = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => controller.abort(), SILENCE_MS);
      };
      try {
        kick();
        const res = await api(`/${state.conv.id}/events`, { stream: true, signal: controller.signal });
        delay = 1000;
        setOnline(true);
        if (!mine()) break;
        const stream = frames(res);
        const handle = ({ event, data }) => {
          if (event === "message") receive(data, { live: true });
          else if (event === "status") setHandoff(data.handoff);
        };
        // The server's first frame ("connected") comes once its subscription is live: catching
        // up only then means nothing published in between can be missed.
        const first = await stream.next();
        if (first.done || !mine()) throw new Error("event stream closed");
        kick();
        await catchUp(); // whatever arrived while we were away
        handle(first.value);
        for await (const frame of stream) {
          if (!mine()) break;
          kick();
          handle(frame);
        }
      } catch (err) {
        if (gone(err)) break;
      } finally {
        clearTimeout(watchdog);
      }
      if (!mine()) break;
      setOnline(false);
      await Promise.race([sleep(delay * (0.8 + Math.random() * 0.4)), new Promise((r) => { state.wake = r; })]);
      delay = Math.min(delay * 2, MAX_EVENTS_DELAY);
    }
    if (state.listening === me) state.listening = null;
  }

  function setOnline(online) {
    if (state.online === online) return;
    state.online = online;
    renderStatus();
  }

  // ---- sending -------------------------------------------------------------------------
  /** Queue what the person typed; it stays queued (and in the box) until the server accepts it. */
  function submit(text) {
    text = text.trim();
    if (!text || state.busy) return;
    const item = { text, after: state.lastId, id: newMessageId() };
    if (!state.conv) state.pendingBeforeStart = item;
    else {
      state.conv.pending = [...(state.conv.pending || []), item];
      save();
    }
    pump();
  }

  async function pump() {
    if (state.busy) return;
    const item = state.conv?.pending?.[0] || state.pendingBeforeStart;
    if (!item) return;
    if (!item.id) {
      item.id = newMessageId(); // queued by an older version of the widget
      save();
    }
    setBusy(true);
    showError(null);
    ui.input.readOnly = true;
    const bubble = pendingBubble(item.text);
    let accepted = false;
    try {
      for (let attempt = 0, waits = 0; ; ) {
        try {
          await deliver(item, bubble, () => { accepted = true; });
          break;
        } catch (err) {
          if (!accepted && (limited(err) || busy(err)) && waits < MAX_RATE_WAITS) {
            // Too fast, or the server is busy: say so politely, and send the same message
            // (same id) again once the server says we may.
            waits += 1;
            const seconds = err.retryAfter ?? (busy(err) ? SEND_DELAYS.length : DEFAULT_RETRY_AFTER);
            const why = err.detail || (busy(err) ? t("sendFailed") : t("tooFast"));
            setNotice(`${why} ${t("retryIn", seconds)}`, true);
            await sleep(seconds * 1000);
            setNotice("");
            continue;
          }
          if (accepted || attempt >= SEND_DELAYS.length || !retryable(err)) throw err;
          await sleep(SEND_DELAYS[attempt++]);
        }
      }
    } catch (err) {
      setNotice("");
      if (!accepted) {
        bubble.classList.add("failed");
        bubble.querySelector(".note").textContent = t("notSent");
        // A 4xx or 503 answer says what is wrong (too long, too fast, unavailable…): show it;
        // otherwise the network.
        const said = err instanceof HttpError && err.status >= 400 && (err.status < 500 || busy(err)) && err.detail;
        showError(said || t("sendFailed"), () => { bubble.remove(); pump(); });
      } else {
        await recoverTurn(item, bubble, err);
      }
    } finally {
      ui.input.readOnly = false;
      ui.typing.hidden = true;
      setBusy(false);
    }
    if (!state.busy && state.conv?.pending?.length && !ui.error.hasChildNodes()) pump();
  }

  function pendingBubble(text) {
    const existing = [...ui.log.querySelectorAll(".msg.user.pending")].find(
      (n) => n.querySelector(".text").textContent === text,
    );
    if (existing) {
      existing.classList.remove("failed");
      existing.querySelector(".note").textContent = t("sending");
      return existing;
    }
    const node = messageElement("user", text);
    node.classList.add("pending");
    node.append(el("p", { class: "note" }, t("sending")));
    ui.log.insertBefore(node, ui.typing);
    bottom();
    return node;
  }

  function accept(item, bubble) {
    const shown = [...state.byId.entries()].some(
      ([id, n]) => id > item.after && n !== bubble && n.classList.contains("user") &&
        n.querySelector(".text").textContent === item.text,
    );
    if (shown) bubble.remove(); // a retry that completes a message already on screen
    bubble.classList.remove("pending", "failed");
    bubble.querySelector(".note")?.remove();
    if (ui.input.value.trim() === item.text) {
      ui.input.value = "";
      autosize();
    }
    state.pendingBeforeStart = null;
    if (state.conv?.pending) {
      state.conv.pending = state.conv.pending.filter((p) => p !== item && p.text !== item.text);
      save();
    }
  }

  async function deliver(item, bubble, onAccepted) {
    if (!state.conv) {
      await startConversation();
      state.conv.pending = [item];
      save();
    }
    const stream = !whole();
    let res;
    try {
      res = await api(`/${state.conv.id}/messages`, {
        method: "POST", body: { text: item.text, client_message_id: item.id }, stream,
      });
    } catch (err) {
      if (gone(err)) forget(); // the next attempt starts a new conversation
      throw err;
    }
    accept(item, bubble);
    onAccepted();
    ui.typing.hidden = false;
    bottom();
    if (!stream) return finishTurn(await res.json(), null);
    let reply = null;
    let text = "";
    for await (const { event, data } of frames(res)) {
      if (event === "delta") {
        reply ||= streamingBubble();
        text += data.text;
        reply.querySelector(".text").textContent = text;
        reveal(reply);
      } else if (event === "final") {
        return finishTurn(data, reply);
      } else if (event === "error") {
        reply?.remove();
        // The server kept the message but could not answer it now (e.g. its database went
        // away): sending it again, with the same id, completes it.
        if (data.status === 503) throw new HttpError(503, data.detail);
        showError(data.detail || t("turnFailed"));
        return;
      }
    }
    reply?.remove();
    throw new Error("the answer was cut off");
  }

  function streamingBubble() {
    ui.typing.hidden = true;
    const node = messageElement("assistant", "");
    node.classList.add("streaming");
    node.setAttribute("aria-busy", "true");
    ui.log.insertBefore(node, ui.typing);
    return node;
  }

  function finishTurn(payload, streamed) {
    streamed?.remove();
    const reply = payload.reply;
    let node = null;
    if (reply) {
      if (reply.locale && !pinnedLocale && reply.locale !== state.locale) {
        state.locale = langOf(reply.locale);
        applyLocale();
      }
      node = receive({ ...reply, role: "assistant" });
      const intake = payload.intake;
      if (intake?.status === "confirming") {
        // The card comes with the turn that presents the summary, not again with "what to change?".
        if (intake.review !== false) node.append(intakeCard(intake));
        showChips(reply.suggestions?.length ? reply.suggestions : [t("yes"), t("edit")]);
      }
    }
    setHandoff(payload.handoff);
    reveal(node);
  }

  /** The answer's stream broke after the server took the message: fetch what it stored. */
  async function recoverTurn(item, bubble, err) {
    try {
      await catchUp();
    } catch {
      /* the event stream's reconnection will catch up later */
    }
    const stored = (role) =>
      [...state.byId.entries()].some(([id, n]) => id > item.after && n.classList.contains(role));
    if (!stored("user")) {
      // The server never stored it: keep it queued and offer to send it again.
      state.conv?.pending?.unshift(item);
      save();
      bubble.remove();
      showError(t("sendFailed"), () => pump());
    } else if (!stored("assistant")) {
      // Stored but not answered: the same message (same id) sent again gets its answer.
      state.conv?.pending?.unshift(item);
      save();
      showError((busy(err) && err.detail) || t("turnFailed"), () => pump());
    }
  }

  // ---- open / close / keyboard ---------------------------------------------------------
  function open() {
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    ui.launcher.hidden = window.matchMedia("(max-width: 480px)").matches;
    state.unread = 0;
    renderUnread();
    write("sessionStorage", OPEN_KEY, true);
    ui.input.focus();
    bottom();
    if (!state.conv) {
      startConversation().catch((err) =>
        showError((limited(err) && err.detail) || t("startFailed"), () => open()));
    } else if (!state.historyLoaded) {
      resume().catch((err) => {
        if (gone(err)) open();
        else showError(t("startFailed"), () => open());
      });
    }
  }

  function close() {
    ui.panel.hidden = true;
    ui.launcher.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "false");
    write("sessionStorage", OPEN_KEY, null);
    ui.launcher.focus();
  }

  function autosize() {
    ui.input.style.height = "auto";
    ui.input.style.height = `${ui.input.scrollHeight + 2}px`;
  }

  ui.launcher.addEventListener("click", () => (ui.panel.hidden ? open() : close()));
  ui.close.addEventListener("click", close);
  ui.panel.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      close();
    }
  });
  ui.form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit(ui.input.value);
  });
  ui.input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit(ui.input.value);
    }
  });
  ui.input.addEventListener("input", autosize);
  ui.whole.addEventListener("change", () => {
    state.prefs.whole = ui.whole.checked;
    write("localStorage", PREFS_KEY, state.prefs);
  });
  window.addEventListener("online", () => {
    state.wake?.();
    if (ui.error.hasChildNodes() && state.conv?.pending?.length) pump();
  });

  // ---- start ---------------------------------------------------------------------------
  ui.whole.checked = whole();
  applyLocale();
  (document.body || document.documentElement).append(host);
  if (state.conv) {
    state.conv.pending ||= [];
    resume()
      .then(() => {
        // A message typed before the page was closed, and never accepted, is sent now.
        const fresh = (state.conv?.pending || []).filter(
          (p) => ![...state.byId.values()].some(
            (n) => n.classList.contains("user") && +n.dataset.id > p.after &&
              n.querySelector(".text").textContent === p.text,
          ),
        );
        if (state.conv) {
          state.conv.pending = fresh;
          save();
          if (fresh.length) {
            ui.input.value ||= fresh[0].text;
            pump();
          }
        }
      })
      .catch(() => {});
  }
  if (read("sessionStorage", OPEN_KEY)) open();
})();
