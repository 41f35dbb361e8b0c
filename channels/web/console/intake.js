// Drafts a liaison can finish: the list of forms left open, one intake field by field with where
// each value came from, filling in what is missing, and submitting on the person's behalf once
// they consented. Field labels, types and choices come from the server's field registry.

import { api, ApiError } from "/console/assets/api.js";
import { append, clear, h } from "/console/assets/dom.js";
import { getLang, intakeStatus, t, when } from "/console/assets/i18n.js";

const TEXT = {
  en: {
    drafts: "Drafts", draftsTitle: "Drafts to complete", back: "← Intakes",
    emptyDrafts: "No drafts. Forms people leave unfinished appear here.",
    field: "Field", value: "Value", source: "Where it came from", missingCount: "{n} missing",
    fromPerson: "the person wrote “{t}”", byLiaison: "entered by {n}", at: "{w}",
    save: "Save changes", saved: "Saved.", submit: "Submit on the person's behalf",
    submitted: "Submitted", submittedBy: "Submitted by {n} · {w}", submittedByPerson: "Submitted by the person · {w}",
    noConsent: "The person has not consented to share: it cannot be submitted for them.",
    missing: "Still missing: {f}", ready: "Complete, with the person's consent.",
    open: "Open", yes: "Yes", no: "No", unset: "—", created: "Started", kind: "Form",
    openDraft: "Complete this form for the person →", openSubmitted: "Open the submitted form →",
    employer: "Employer", student: "Student", required: "required",
    stillMissing: "Required fields missing", consentCol: "Consent to share",
  },
  fr: {
    drafts: "Brouillons", draftsTitle: "Brouillons à compléter", back: "← Formulaires",
    emptyDrafts: "Aucun brouillon. Les formulaires laissés inachevés s'affichent ici.",
    field: "Champ", value: "Valeur", source: "Provenance", missingCount: "{n} manquant(s)",
    fromPerson: "la personne a écrit « {t} »", byLiaison: "saisi par {n}", at: "{w}",
    save: "Enregistrer", saved: "Enregistré.", submit: "Envoyer au nom de la personne",
    submitted: "Envoyé", submittedBy: "Envoyé par {n} · {w}", submittedByPerson: "Envoyé par la personne · {w}",
    noConsent: "La personne n'a pas consenti au partage : impossible de l'envoyer en son nom.",
    missing: "Manque encore : {f}", ready: "Complet, avec le consentement de la personne.",
    open: "Ouvrir", yes: "Oui", no: "Non", unset: "—", created: "Commencé", kind: "Formulaire",
    openDraft: "Compléter ce formulaire pour la personne →", openSubmitted: "Ouvrir le formulaire envoyé →",
    employer: "Employeur", student: "Étudiant", required: "obligatoire",
    stillMissing: "Champs obligatoires manquants", consentCol: "Consentement au partage",
  },
};

function say(key, vars = {}) {
  const value = TEXT[getLang()][key] ?? TEXT.en[key] ?? key;
  return String(value).replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

// Painted by the console's router on every view, so the link follows the language toggle.
export function paintDraftsNav(view) {
  const link = document.getElementById("nav-drafts");
  if (!link) return;
  link.textContent = say("drafts");
  if (view === "drafts" || view === "intake") link.setAttribute("aria-current", "page");
  else link.removeAttribute("aria-current");
}

// From a ticket: the person's form, to complete and submit for them (or to read, once submitted).
export function openDraftLink(id, status) {
  const key = status === "submitted" ? "openSubmitted" : "openDraft";
  return h("p", {}, h("a", { href: `#/intakes/${encodeURIComponent(id)}`, id: "open-draft" }, say(key)));
}

function failure(main, err, onAuth) {
  if (err instanceof ApiError && err.status === 401) return onAuth();
  append(clear(main), [h("p", { class: "error", role: "alert" }, t("error", { m: err.message }))]);
}

export async function loadDrafts(main, { isCurrent, onAuth }) {
  let intakes;
  let forms = {};
  try {
    [intakes, forms] = await Promise.all([
      api("/api/intakes?status=draft").then((body) => body.intakes),
      api("/api/intakes/fields"),
    ]);
  } catch (err) {
    if (isCurrent()) failure(main, err, onAuth);
    return;
  }
  if (!isCurrent()) return;
  const body = intakes.length
    ? h("table", { class: "intakes", id: "drafts" },
        h("thead", {}, h("tr", {}, [say("created"), say("kind"), t("status"), t("fields"), say("stillMissing"), say("consentCol"), ""].map((c) => h("th", {}, c)))),
        h("tbody", {}, intakes.map((it) => {
          const fields = it.fields || {};
          const who = fields.organization_name || fields.contact_name || fields.full_name || fields.contact_email || fields.email || "";
          const required = Object.entries(forms[it.kind] || {}).filter(([, f]) => f.required).map(([name]) => name);
          const missing = required.filter((name) => fields[name] === undefined || fields[name] === null);
          return h("tr", { dataset: { id: it.id } },
            h("td", { class: "when" }, when(it.created_at)),
            h("td", {}, say(it.kind)),
            h("td", {}, intakeStatus(it.status)),
            h("td", {}, String(who)),
            h("td", { class: "num missing" }, String(missing.length)),
            h("td", { class: "consent" }, fields.consent_to_share === true ? say("yes") : say("no")),
            h("td", {}, h("a", { href: `#/intakes/${encodeURIComponent(it.id)}`, class: "open-intake" }, say("open"))));
        })))
    : h("p", { class: "empty", id: "drafts" }, say("emptyDrafts"));
  append(clear(main), [h("h2", {}, say("draftsTitle")), body]);
}

function sourceText(source) {
  if (!source) return "";
  const at = source.at ? ` · ${when(source.at)}` : "";
  if (source.by === "liaison") return say("byLiaison", { n: source.liaison || "?" }) + at;
  const text = String(source.text || "");
  return say("fromPerson", { t: text.length > 120 ? `${text.slice(0, 117)}…` : text }) + at;
}

// An input that suits the field: yes/no and choices as selects, everything else as text.
function editor(field) {
  const id = `field-${field.name}`;
  const label = `${field.label}${field.required ? ` (${say("required")})` : ""}`;
  if (field.type === "boolean") {
    const current = field.value === true ? "true" : field.value === false ? "false" : "";
    return h("select", { id, name: field.name, "aria-label": label, dataset: { initial: current } },
      h("option", { value: "" }, say("unset")),
      h("option", { value: "true", selected: current === "true" }, say("yes")),
      h("option", { value: "false", selected: current === "false" }, say("no")));
  }
  // What people read ("Co-op", "Summer 2027", "Computer science, Business"), never a code; the
  // server reads it back the way it reads the person's own words.
  const value = field.display ?? "";
  return h("input", {
    id, name: field.name, type: "text", value, "aria-label": label, autocomplete: "off", dataset: { initial: value },
  });
}

function readValue(input, field) {
  const raw = input.value.trim();
  if (field.type === "boolean") return raw === "" ? null : raw === "true";
  return raw === "" ? null : raw;
}

export async function loadIntake(main, id, { isCurrent, onAuth }) {
  let intake;
  try {
    intake = await api(`/api/intakes/${encodeURIComponent(id)}?lang=${getLang()}`);
  } catch (err) {
    if (isCurrent()) failure(main, err, onAuth);
    return;
  }
  if (!isCurrent()) return;
  render(main, intake, { isCurrent, onAuth });
}

function render(main, intake, ctx) {
  const draft = intake.status !== "submitted";
  const status = h("p", { id: "intake-status", role: "status" });
  const inputs = new Map();
  const rows = intake.fields.map((field) => {
    const cell = draft ? editor(field) : (field.display ?? "");
    if (draft) inputs.set(field.name, cell);
    return h("tr", { class: `field-${field.status}`, dataset: { field: field.name } },
      h("th", { scope: "row" }, h("label", draft ? { for: `field-${field.name}` } : {}, field.label), field.required ? " *" : ""),
      h("td", { class: "value" }, cell),
      h("td", { class: "source" }, sourceText(field.source)));
  });
  const facts = [
    `${say(intake.kind)} · ${intakeStatus(intake.status)}`,
    intake.created_at ? ` · ${say("created")}${t("colon")}${when(intake.created_at)}` : "",
  ];
  let verdict;
  if (!draft) {
    verdict = intake.submitted_by
      ? say("submittedBy", { n: intake.submitted_by, w: when(intake.submitted_at) })
      : say("submittedByPerson", { w: when(intake.submitted_at) });
  } else if (!intake.consent) verdict = say("noConsent");
  else if (intake.missing_required.length) {
    const labels = intake.fields.filter((f) => intake.missing_required.includes(f.name)).map((f) => f.label);
    verdict = say("missing", { f: labels.join(", ") });
  } else verdict = say("ready");
  const save = async () => {
    const changes = {};
    for (const field of intake.fields) {
      const input = inputs.get(field.name);
      if (input.value.trim() !== input.dataset.initial) changes[field.name] = readValue(input, field);
    }
    if (!Object.keys(changes).length) return intake;
    return api(`/api/intakes/${encodeURIComponent(intake.id)}`, { method: "PATCH", body: { fields: changes } });
  };
  const act = (fn) => async (event) => {
    event.preventDefault();
    try {
      const updated = await fn();
      render(main, await api(`/api/intakes/${encodeURIComponent(intake.id)}?lang=${getLang()}`), ctx);
      if (updated === "saved") document.getElementById("intake-status").textContent = say("saved");
    } catch (err) {
      if (err instanceof ApiError && (err.status === 422 || err.status === 409 || err.status === 400)) {
        status.textContent = err.message;
        status.classList.add("error");
      } else failure(main, err, ctx.onAuth);
    }
  };
  const form = h("form", { id: "intake-form" },
    h("table", { class: "intake" },
      h("thead", {}, h("tr", {}, [say("field"), say("value"), say("source")].map((c) => h("th", {}, c)))),
      h("tbody", {}, rows)),
    draft ? h("div", { class: "actions" },
      h("button", { type: "submit", id: "intake-save" }, say("save")),
      h("button", {
        type: "button", id: "intake-submit", disabled: !intake.consent,
        onclick: act(async () => {
          await save();
          await api(`/api/intakes/${encodeURIComponent(intake.id)}/submit`, { method: "POST" });
        }),
      }, say("submit"))) : null);
  form.addEventListener("submit", act(async () => { await save(); return "saved"; }));
  append(clear(main), [
    h("p", {}, h("a", { href: "#/drafts" }, say("back"))),
    h("h2", { id: "intake-title" }, facts),
    h("p", { id: "intake-verdict" }, verdict),
    form,
    status,
  ]);
}
