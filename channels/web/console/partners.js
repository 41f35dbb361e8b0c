// Institution partners and outcomes: an institution's desk (the offers routed to it, answered one
// by one), the secretariat's view of every offer's answers, and the numbers a funder asks for.
// Everything people typed is rendered as text (dom.js never parses HTML).

import { api, ApiError } from "/console/assets/api.js";
import { append, clear, h } from "/console/assets/dom.js";
import { fieldLabel, getLang, when } from "/console/assets/i18n.js";

const TEXT = {
  en: {
    deskTitle: "WIL partner desk", desk: "Offers for {i}", offers: "Offers", outcomes: "Outcomes",
    emptyDesk: "No offers routed to {i} yet. They appear here when an employer who consented to sharing submits one that fits.",
    emptyOffers: "No offers routed yet.",
    answer: "Your answer", interested: "Interested", not_this_term: "Not this term", filled: "Filled",
    routed: "Awaiting the institution", note: "Note (shown to the secretariat, not to the employer)",
    studentsPlaced: "Students placed", term: "Term", save: "Save answer",
    saved: "Saved.", savedTold: "Saved. The employer has been told.",
    reference: "Ref.", submitted: "Submitted", organization: "Organization", role: "Role",
    answers: "Answers", contact: "Contact", details: "Details",
    from: "From", to: "To", show: "Show", downloadCsv: "Download CSV for this period", downloadXlsx: "Excel workbook for this period",
    section: "Section", group: "Group", measure: "Measure", value: "Value",
    totals: "Totals", byInstitution: "By institution", byTerm: "By term",
    byWil: "By type of WIL", bySize: "By organization size",
    error: "Something went wrong: {m}",
    students: "Student profiles for {i}", emptyStudents: "No student profiles routed to {i} yet.",
    sendTo: "Also send offer {r} to", send: "Send", noneYet: "No institution yet (secretariat only)",
  },
  fr: {
    deskTitle: "Bureau des partenaires AIT", desk: "Offres pour {i}", offers: "Offres", outcomes: "Résultats",
    emptyDesk: "Aucune offre transmise à {i} pour l'instant. Elles s'affichent ici quand un employeur qui a consenti au partage en soumet une qui convient.",
    emptyOffers: "Aucune offre transmise pour l'instant.",
    answer: "Votre réponse", interested: "Intéressé", not_this_term: "Pas ce trimestre", filled: "Pourvu",
    routed: "En attente de l'établissement", note: "Note (vue par le secrétariat, pas par l'employeur)",
    studentsPlaced: "Étudiants placés", term: "Trimestre", save: "Enregistrer la réponse",
    saved: "Enregistré.", savedTold: "Enregistré. L'employeur en a été informé.",
    reference: "Réf.", submitted: "Soumis", organization: "Organisation", role: "Poste",
    answers: "Réponses", contact: "Contact", details: "Détails",
    from: "Du", to: "Au", show: "Afficher", downloadCsv: "Télécharger le CSV de cette période", downloadXlsx: "Classeur Excel de cette période",
    section: "Section", group: "Groupe", measure: "Mesure", value: "Valeur",
    totals: "Totaux", byInstitution: "Par établissement", byTerm: "Par trimestre",
    byWil: "Par type d'AIT", bySize: "Par taille d'organisation",
    error: "Un problème est survenu : {m}",
    students: "Profils étudiants pour {i}", emptyStudents: "Aucun profil étudiant transmis à {i} pour l'instant.",
    sendTo: "Transmettre aussi l'offre {r} à", send: "Transmettre", noneYet: "Aucun établissement pour l'instant (secrétariat seulement)",
  },
};

export function pt(key, vars = {}) {
  const value = TEXT[getLang()][key] ?? TEXT.en[key] ?? key;
  return String(value).replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

const ANSWERS = ["interested", "not_this_term", "filled"];
const CARD_FIELDS = ["role_title", "wil_type", "start_term", "duration_months", "students_count", "paid",
  "hourly_wage", "work_arrangement", "location", "programs_sought", "industry", "organization_size"];

// Field labels sent with the desk (a partner cannot read the secretariat's intake API).
let deskLabels = {};

function labelOf(key) {
  return (deskLabels[key] || {})[getLang()] || fieldLabel(key);
}

function shownField(offer, key) {
  const labels = (offer.labels || {})[getLang()] || {};
  const value = labels[key] ?? (offer.fields || {})[key];
  if (value === true) return getLang() === "fr" ? "Oui" : "Yes";
  if (value === false) return getLang() === "fr" ? "Non" : "No";
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return "";
  return Array.isArray(value) ? value.join(", ") : String(value);
}

function failed(main, err, ctx) {
  if (err instanceof ApiError && err.status === 401) return ctx.onAuth();
  append(clear(main), [h("p", { class: "error", role: "alert" }, pt("error", { m: err.message }))]);
}

function termLabel(outcome) {
  return ((outcome.term_labels || {})[getLang()]) || outcome.term || "";
}

function outcomeText(outcome) {
  let text = pt(outcome.status);
  if (outcome.status === "filled") text += ` (${outcome.students_placed}, ${termLabel(outcome)})`;
  return text;
}

// --- an institution's desk ------------------------------------------------------------------

function answerForm(offer, terms, onSaved) {
  const id = offer.id;
  const outcome = offer.outcome || { status: "routed" };
  const status = h("p", { class: "saved", role: "status", id: `saved-${id}` });
  const radios = ANSWERS.map((value) => h("label", { class: "choice" },
    h("input", { type: "radio", name: `answer-${id}`, value, checked: outcome.status === value }), " ", pt(value)));
  const students = h("input", { type: "number", min: "1", max: "500", id: `students-${id}`, value: outcome.students_placed ?? "" });
  const term = h("select", { id: `term-${id}` }, terms.map((option) =>
    h("option", { value: option.value, selected: option.value === outcome.term }, option.labels[getLang()] || option.value)));
  const filledOnly = h("div", { class: "filled-only" },
    h("label", { for: `students-${id}` }, pt("studentsPlaced")), students,
    h("label", { for: `term-${id}` }, pt("term")), term);
  const note = h("textarea", { id: `note-${id}`, rows: 2, maxlength: 2000 });
  note.value = outcome.note || "";
  const form = h("form", { class: "answer", id: `answer-${id}` },
    h("fieldset", {}, h("legend", {}, pt("answer")), radios),
    filledOnly,
    h("label", { for: `note-${id}` }, pt("note")), note,
    h("button", { type: "submit", id: `save-${id}` }, pt("save")), status);
  const sync = () => { filledOnly.hidden = form.querySelector(`input[name="answer-${id}"]:checked`)?.value !== "filled"; };
  form.addEventListener("change", sync);
  sync();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = form.querySelector(`input[name="answer-${id}"]:checked`);
    if (!chosen) return;
    const body = { status: chosen.value, note: note.value.trim() };
    if (chosen.value === "filled") {
      body.students_placed = Number(students.value) || null;
      body.term = term.value;
    }
    try {
      const done = await api(`/api/partner/offers/${encodeURIComponent(id)}/answer`, { method: "POST", body });
      status.textContent = done.employer_told ? pt("savedTold") : pt("saved");
      status.classList.remove("error");
      onSaved(done.outcome);
    } catch (err) {
      status.textContent = pt("error", { m: err.message });
      status.classList.add("error");
    }
  });
  return form;
}

function offerCard(offer, terms) {
  const f = offer.fields || {};
  const current = h("p", { class: "current" }, h("strong", {}, pt("answer"), ": "),
    h("span", { class: `outcome outcome-${(offer.outcome || {}).status}` }, outcomeText(offer.outcome || { status: "routed" })));
  const facts = CARD_FIELDS.map((key) => [key, shownField(offer, key)]).filter(([, v]) => v)
    .map(([key, value]) => h("li", {}, h("span", { class: "label" }, labelOf(key)), getLang() === "fr" ? " : " : ": ", value));
  const contact = [f.contact_name, f.contact_email, f.contact_phone].filter(Boolean).join(" · ");
  const card = h("section", { class: "offer-card", dataset: { id: offer.id }, "aria-labelledby": `offer-${offer.id}` },
    h("h3", { id: `offer-${offer.id}` }, `${offer.reference} · ${f.organization_name || ""}`,
      f.role_title ? ` — ${shownField(offer, "role_title")}` : ""),
    h("p", { class: "when" }, `${pt("submitted")} ${when(offer.submitted_at)}`),
    h("ul", { class: "facts" }, facts),
    contact ? h("p", {}, h("strong", {}, `${pt("contact")}: `), contact) : null,
    current);
  card.append(answerForm(offer, terms, (outcome) => {
    offer.outcome = outcome;
    current.lastChild.textContent = outcomeText(outcome);
    current.lastChild.className = `outcome outcome-${outcome.status}`;
  }));
  return card;
}

export async function loadDesk(main, ctx, me) {
  let data;
  try {
    data = await api("/api/partner/offers");
  } catch (err) {
    if (ctx.isCurrent()) failed(main, err, ctx);
    return;
  }
  if (!ctx.isCurrent()) return;
  deskLabels = data.field_labels || {};
  const name = data.institution_name || me.institution_name || "";
  const body = data.offers.length
    ? h("div", { class: "offer-cards", id: "desk" }, data.offers.map((offer) => offerCard(offer, data.terms || [])))
    : h("p", { class: "empty", id: "desk" }, pt("emptyDesk", { i: name }));
  const studentFields = ["full_name", "program", "year_of_study", "wil_type", "preferred_term", "email"];
  const students = (data.students || []).length
    ? h("table", { class: "students", id: "desk-students" },
        h("thead", {}, h("tr", {}, [pt("submitted"), pt("reference"), ...studentFields.map(labelOf)].map((c) => h("th", {}, c)))),
        h("tbody", {}, data.students.map((st) => h("tr", { dataset: { id: st.id } },
          h("td", { class: "when" }, when(st.submitted_at)), h("td", {}, st.reference),
          studentFields.map((k) => h("td", {}, shownField(st, k)))))))
    : h("p", { class: "empty" }, pt("emptyStudents", { i: name }));
  append(clear(main), [h("h2", {}, pt("desk", { i: name })), body,
    h("h2", { id: "students-title" }, pt("students", { i: name })), students]);
}

// --- the secretariat: every offer, every answer --------------------------------------------

// A liaison sends an offer on to an institution no rule matched (or one more).
function routeForm(offer, institutions, reload) {
  const left = institutions.filter((i) => !(offer.routed_to || []).includes(i.id));
  if (!left.length) return null;
  const label = pt("sendTo", { r: offer.reference });
  const select = h("select", { "aria-label": label, id: `route-${offer.id}` },
    left.map((i) => h("option", { value: i.id }, i.name)));
  const status = h("span", { role: "status", class: "saved" });
  const form = h("form", { class: "route", title: label }, select, h("button", { type: "submit" }, pt("send")), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api(`/api/offers/${encodeURIComponent(offer.id)}/route`, { method: "POST", body: { institution: select.value } });
      reload();
    } catch (err) {
      status.textContent = pt("error", { m: err.message });
    }
  });
  return form;
}

export async function loadOffers(main, ctx) {
  let offers;
  let institutions = [];
  try {
    const data = await api("/api/offers");
    offers = data.offers;
    institutions = data.institutions || [];
  } catch (err) {
    if (ctx.isCurrent()) failed(main, err, ctx);
    return;
  }
  if (!ctx.isCurrent()) return;
  const body = offers.length
    ? h("table", { class: "offers", id: "offers" },
        h("thead", {}, h("tr", {}, [pt("submitted"), pt("reference"), pt("organization"), pt("details"), pt("answers")].map((c) => h("th", {}, c)))),
        h("tbody", {}, offers.map((offer) => h("tr", { dataset: { id: offer.id } },
          h("td", { class: "when" }, when(offer.submitted_at)),
          h("td", {}, offer.reference),
          h("td", {}, (offer.fields || {}).organization_name || ""),
          h("td", {}, ["role_title", "wil_type", "start_term", "students_count"].map((k) => shownField(offer, k)).filter(Boolean).join(" · ")),
          h("td", {},
            offer.outcomes.length
              ? h("ul", { class: "answers" }, offer.outcomes.map((o) =>
                  h("li", { class: `outcome-${o.status}` }, `${o.institution_name}: ${outcomeText(o)}`, o.note ? h("div", { class: "note-text" }, o.note) : null)))
              : h("p", { class: "empty" }, pt("noneYet")),
            routeForm(offer, institutions, () => loadOffers(main, ctx)))))))
    : h("p", { class: "empty" }, pt("emptyOffers"));
  append(clear(main), [h("h2", {}, pt("offers")), body]);
}

// --- outcomes: the numbers a funder asks for ----------------------------------------------

// A bar beside each number, scaled to the column's largest (the number stays the text people
// and screen readers get). Its width is set through the CSSOM: the page's CSP allows no inline style.
function bar(value, max) {
  const node = h("span", { class: "bar", "aria-hidden": "true" });
  node.style.width = `${max > 0 ? Math.round((100 * value) / max) : 0}%`;
  return h("span", { class: "bar-track", "aria-hidden": "true" }, node);
}

export async function loadOutcomes(main, ctx, period = {}) {
  const params = new URLSearchParams({ lang: getLang() });
  if (period.from) params.set("from", period.from);
  if (period.to) params.set("to", period.to);
  let report;
  try {
    report = await api(`/api/outcomes?${params}`);
  } catch (err) {
    if (ctx.isCurrent()) failed(main, err, ctx);
    return;
  }
  if (!ctx.isCurrent()) return;
  const from = h("input", { type: "date", id: "outcomes-from", value: period.from || "" });
  const to = h("input", { type: "date", id: "outcomes-to", value: period.to || "" });
  const form = h("form", { class: "period", id: "outcomes-period" },
    h("label", { for: "outcomes-from" }, pt("from")), from,
    h("label", { for: "outcomes-to" }, pt("to")), to,
    h("button", { type: "submit" }, pt("show")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    loadOutcomes(main, ctx, { from: from.value, to: to.value });
  });
  // Rows come labelled from the server, grouped by section, in the console's language.
  const groups = new Map();
  for (const row of report.rows) {
    if (!groups.has(row.section)) groups.set(row.section, []);
    groups.get(row.section).push(row);
  }
  const tables = [...groups.entries()].map(([section, rows], i) => {
    const measures = [...new Set(rows.map((r) => r.measure))];
    const names = [...new Set(rows.map((r) => r.group))];
    const value = (g, m) => rows.find((r) => r.group === g && r.measure === m)?.value ?? 0;
    const id = `outcomes-${i}`;
    if (names.length === 1 && names[0] === "") {
      return h("section", { "aria-labelledby": id }, h("h3", { id }, section),
        h("table", { class: "outcomes totals", id: i === 0 ? "outcomes-totals" : `outcomes-summary-${i}` }, h("tbody", {}, measures.map((m) =>
          h("tr", {}, h("th", { scope: "row" }, m), h("td", { class: "num" }, String(value("", m))))))));
    }
    return h("section", { "aria-labelledby": id }, h("h3", { id }, section),
      h("table", { class: "outcomes" },
        h("thead", {}, h("tr", {}, h("th", {}, section), measures.map((m) => h("th", { class: "num" }, m)))),
        h("tbody", {}, names.map((g) => h("tr", {}, h("th", { scope: "row" }, g),
          measures.map((m) => h("td", { class: "num" }, bar(value(g, m), Math.max(...names.map((n) => value(n, m)))), String(value(g, m)))))))));
  });
  const csv = h("a", { href: `/api/outcomes.csv?${params}`, id: "outcomes-csv", download: "" }, pt("downloadCsv"));
  const xlsx = h("a", { href: `/api/outcomes.xlsx?${params}`, id: "outcomes-xlsx", download: "" }, pt("downloadXlsx"));
  append(clear(main), [h("h2", {}, pt("outcomes")), form, h("p", {}, csv, " · ", xlsx), tables]);
}
