// Console UI text in English and French; the language follows the browser, with a toggle.

const TEXT = {
  en: {
    title: "WIL liaison console",
    queue: "Queue", intakes: "Intakes", gaps: "Knowledge gaps",
    signIn: "Sign in", signOut: "Sign out", email: "Email", password: "Password",
    signInFailed: "Wrong email or password.", tooMany: "Too many failed attempts. Try again in {s} s.",
    toggle: "Français", loading: "Loading…", empty: "Nothing here.", error: "Something went wrong: {m}",
    emptyQueue: "No one is waiting. New requests appear here on their own, with a notice.",
    emptyFilter: "No conversations with this status.",
    emptyIntakes: "No intakes yet. They appear here when an employer or student fills in the form in the chat.",
    emptyGaps: "No unanswered questions yet. Questions the assistant could not answer are grouped here.",
    yes: "Yes", no: "No", colon: ": ",
    intakeStatus: { draft: "draft", collecting: "in progress", confirming: "awaiting confirmation", submitted: "submitted" },
    all: "All", waiting: "Waiting", active: "Active", resolved: "Resolved",
    waited: "Waited", reason: "Reason", language: "Language", channel: "Channel", status: "Status",
    heldBy: "Held by", summary: "Summary", created: "Created", open: "Open",
    claim: "Claim", resolve: "Resolve", back: "← Queue",
    transcript: "Conversation", reply: "Reply to the person", send: "Send",
    notes: "Internal notes (never shown to the person)", addNote: "Add note", newNote: "New note",
    cited: "Passages already shown to the person", intake: "Intake",
    filled: "filled", missing: "missing", invalid: "invalid", noIntake: "No intake yet.",
    contact: "Contact email", heldByOther: "{n} holds this conversation.",
    role_user: "Person", role_assistant: "Assistant", role_liaison: "Liaison", role_system: "Status",
    newTicket: "New request in the queue", live: "live", offline: "reconnecting…",
    exportCsv: "Export CSV", exportXlsx: "Export Excel", exportJsonl: "Export JSON Lines", kind: "Kind", fields: "Details",
    submitted: "Submitted", count: "Times asked", examples: "Other wordings", lastSeen: "Last seen",
    question: "Question", employer: "Employer", student: "Student",
    person: "Person", latest: "Latest message", unknownPerson: "Not given yet", reference: "Ref.",
    exportDrafts: "Export CSV with drafts (internal)",
    lang_en: "English", lang_fr: "French",
    channel_web: "Web chat", channel_telegram: "Telegram", channel_cli: "Terminal", channel_api: "API",
    reasons: {
      requested: "asked for a person", declined_twice: "assistant declined twice",
      frustrated: "frustrated", harassment: "harassment", discrimination: "discrimination",
      safety: "safety", accommodation: "accommodation", complaint: "complaint",
    },
  },
  fr: {
    title: "Console des personnes-ressources AIT",
    queue: "File d'attente", intakes: "Formulaires", gaps: "Lacunes de connaissances",
    signIn: "Se connecter", signOut: "Se déconnecter", email: "Courriel", password: "Mot de passe",
    signInFailed: "Courriel ou mot de passe incorrect.", tooMany: "Trop de tentatives. Réessayez dans {s} s.",
    toggle: "English", loading: "Chargement…", empty: "Rien ici.", error: "Un problème est survenu : {m}",
    emptyQueue: "Personne n'attend. Les nouvelles demandes s'affichent ici d'elles-mêmes, avec un avis.",
    emptyFilter: "Aucune conversation avec ce statut.",
    emptyIntakes: "Aucun formulaire pour l'instant. Ils s'affichent ici quand un employeur ou un étudiant remplit le formulaire dans le clavardage.",
    emptyGaps: "Aucune question sans réponse pour l'instant. Les questions auxquelles l'assistant n'a pas su répondre sont regroupées ici.",
    yes: "Oui", no: "Non", colon: " : ",
    intakeStatus: { draft: "brouillon", collecting: "en cours", confirming: "à confirmer", submitted: "soumis" },
    all: "Tout", waiting: "En attente", active: "En cours", resolved: "Résolues",
    waited: "Attente", reason: "Motif", language: "Langue", channel: "Canal", status: "Statut",
    heldBy: "Prise par", summary: "Résumé", created: "Créé", open: "Ouvrir",
    claim: "Prendre en charge", resolve: "Résoudre", back: "← File d'attente",
    transcript: "Conversation", reply: "Répondre à la personne", send: "Envoyer",
    notes: "Notes internes (jamais montrées à la personne)", addNote: "Ajouter la note", newNote: "Nouvelle note",
    cited: "Passages déjà montrés à la personne", intake: "Formulaire",
    filled: "rempli", missing: "manquant", invalid: "invalide", noIntake: "Aucun formulaire pour l'instant.",
    contact: "Courriel de contact", heldByOther: "{n} s'occupe de cette conversation.",
    role_user: "Personne", role_assistant: "Assistant", role_liaison: "Personne-ressource", role_system: "Statut",
    newTicket: "Nouvelle demande dans la file", live: "en direct", offline: "reconnexion…",
    exportCsv: "Exporter en CSV", exportXlsx: "Exporter en Excel", exportJsonl: "Exporter en JSON Lines", kind: "Type", fields: "Détails",
    submitted: "Soumis", count: "Nombre de fois", examples: "Autres formulations", lastSeen: "Dernière fois",
    question: "Question", employer: "Employeur", student: "Étudiant",
    person: "Personne", latest: "Dernier message", unknownPerson: "Pas encore indiqué", reference: "Réf.",
    exportDrafts: "Exporter en CSV avec les brouillons (interne)",
    lang_en: "Anglais", lang_fr: "Français",
    channel_web: "Clavardage Web", channel_telegram: "Telegram", channel_cli: "Terminal", channel_api: "API",
    reasons: {
      requested: "a demandé une personne", declined_twice: "l'assistant n'a pas pu répondre deux fois",
      frustrated: "frustration", harassment: "harcèlement", discrimination: "discrimination",
      safety: "sécurité", accommodation: "mesures d'adaptation", complaint: "plainte",
    },
  },
};

const STORE_KEY = "wil-console-lang";

function initialLang() {
  const saved = localStorage.getItem(STORE_KEY);
  if (saved === "en" || saved === "fr") return saved;
  return (navigator.language || "en").toLowerCase().startsWith("fr") ? "fr" : "en";
}

let lang = initialLang();

export function getLang() {
  return lang;
}

export function setLang(value) {
  lang = value === "fr" ? "fr" : "en";
  localStorage.setItem(STORE_KEY, lang);
  document.documentElement.lang = lang;
}

export function t(key, vars = {}) {
  const value = TEXT[lang][key] ?? TEXT.en[key] ?? key;
  return String(value).replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

export function reasonLabel(reason) {
  return TEXT[lang].reasons[reason] ?? reason;
}

// The ticket summary is stored once, with English labels (the queue, emails and the staff group
// read it too); the console shows its labels and fixed phrases in the liaison's language.
const SUMMARY_FR = [
  [/^Reason: (\S+)/, (_, r) => `Motif : ${reasonLabel(r)}`],
  [/ · Language: /, " · Langue : "],
  [/ · Channel: /, " · Canal : "],
  [/^Who: Employer /, "Qui : Employeur "],
  [/^Who: Student /, "Qui : Étudiant·e "],
  [/^Who: Person/, "Qui : Personne"],
  [/^Who: /, "Qui : "],
  [/^(Qui : [^(:]*)\((\w+)\):/, (_, who, st) => `${who}(${intakeStatus(st)}) :`],
  [/^Wants: /, "Demande : "],
  [/^Latest: /, "Dernier message : "],
  [/^Already answered: nothing yet$/, "Déjà répondu : rien encore"],
  [/^Already answered: /, "Déjà répondu : "],
  [/unknown \(no intake yet\)/, "inconnu (aucun formulaire)"],
  [/no details yet/, "pas encore de détails"],
];

export function summaryText(summary) {
  if (lang !== "fr" || !summary) return summary || "";
  return summary
    .split("\n")
    .map((line) => SUMMARY_FR.reduce((text, [pattern, to]) => text.replace(pattern, to), line))
    .join("\n");
}

export function intakeStatus(status) {
  return TEXT[lang].intakeStatus[status] ?? status;
}

// Labels of the intake forms' fields, from the server's field registry (GET /api/intakes/fields,
// loaded at sign-in): a field added there is labelled here without touching this file.
let FIELDS = {};

export function setFieldLabels(forms) {
  FIELDS = {};
  for (const fields of Object.values(forms || {})) {
    for (const [name, labels] of Object.entries(fields || {})) FIELDS[name] = [labels.en, labels.fr];
  }
}

export function fieldLabel(key, fallback) {
  const pair = FIELDS[key];
  if (pair) return pair[lang === "fr" ? 1 : 0];
  return fallback || String(key).replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, "0")}`;
  return lang === "fr" ? `${Math.floor(h / 24)} j` : `${Math.floor(h / 24)} d`;
}

// Times are shown in Calgary's zone (the secretariat's office hours), whatever the laptop says.
export const ZONE = "America/Edmonton";

// The zone's periods (start in UTC ms, offset in minutes, abbreviation) from the server's pinned
// tzdata: a browser's own zone data can be older (Alberta's 2026 change showed "MDT" here while
// the staff group said "CST" for the same moment), so the server's wins once signed in.
let zone = null;

export function setZone(value) {
  zone = value && Array.isArray(value.periods) && value.periods.length ? value : null;
}

function periodAt(ms) {
  let found = zone.periods[0];
  for (const p of zone.periods) {
    if (p[0] <= ms) found = p;
    else break;
  }
  return found;
}

export function label(prefix, code) {
  if (!code) return "";
  const key = `${prefix}_${code}`;
  const text = t(key);
  return text === key ? code : text;
}

export function when(iso) {
  if (!iso) return "";
  // A time without a zone (some API fields) is UTC, as the server stores it.
  const text = String(iso);
  const date = new Date(/T[\d:.]+$/.test(text) ? `${text}Z` : text);
  if (Number.isNaN(date.getTime())) return text;
  const locale = lang === "fr" ? "fr-CA" : "en-CA";
  if (zone) {
    const [, offset, abbr] = periodAt(date.getTime());
    const local = new Date(date.getTime() + offset * 60000);
    const shown = local.toLocaleString(locale, {
      timeZone: "UTC", year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
    });
    return `${shown} ${abbr}`;
  }
  return date.toLocaleString(locale, {
    timeZone: ZONE, year: "numeric", month: "short", day: "numeric",
    hour: "numeric", minute: "2-digit", timeZoneName: "short",
  });
}
