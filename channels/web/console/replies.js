// Saved replies: what liaisons write again and again, in both languages. The menu is in the
// console's language; the text inserted is in the person's (a French conversation gets French).

import { h } from "/console/assets/dom.js";
import { getLang } from "/console/assets/i18n.js";

const REPLIES = [
  {
    title: { en: "Hello, I'm here", fr: "Bonjour, je suis là" },
    text: {
      en: "Hello, I'm {name} from the secretariat. I've read your conversation; how can I help?",
      fr: "Bonjour, je suis {name}, du secrétariat. J'ai lu votre conversation; comment puis-je vous aider?",
    },
  },
  {
    title: { en: "Looking into it", fr: "Je vérifie" },
    text: {
      en: "Thanks for your patience: I'm checking with the institution and will come back to you here.",
      fr: "Merci de votre patience : je vérifie auprès de l'établissement et je vous reviens ici.",
    },
  },
  {
    title: { en: "Your offer was sent", fr: "Votre offre a été transmise" },
    text: {
      en: "Your offer has been sent to the institutions that fit it. They usually answer within two weeks; you'll hear it here.",
      fr: "Votre offre a été transmise aux établissements qui y correspondent. Ils répondent en général en deux semaines; vous en serez informé ici.",
    },
  },
  {
    title: { en: "Wage subsidy", fr: "Subvention salariale" },
    text: {
      en: "You may be eligible for a wage subsidy for this placement. I can walk you through the application if you like.",
      fr: "Vous pourriez être admissible à une subvention salariale pour ce stage. Je peux vous guider dans la demande si vous le souhaitez.",
    },
  },
  {
    title: { en: "Closing", fr: "Conclusion" },
    text: {
      en: "Is there anything else I can help with? If not, I'll close this conversation; the assistant stays available here.",
      fr: "Puis-je vous aider avec autre chose? Sinon, je vais clore cette conversation; l'assistant reste disponible ici.",
    },
  },
];

const MENU = {
  en: { label: "Saved replies", choose: "Insert a saved reply…" },
  fr: { label: "Réponses enregistrées", choose: "Insérer une réponse enregistrée…" },
};

// A menu that puts the chosen reply, in `personLang`, into `area` (replacing nothing typed).
export function savedReplies(area, personLang, liaisonName) {
  const ui = MENU[getLang()] || MENU.en;
  const lang = personLang === "fr" ? "fr" : "en";
  const select = h("select", { id: "saved-replies", "aria-label": ui.label },
    h("option", { value: "" }, ui.choose),
    REPLIES.map((r, i) => h("option", { value: String(i) }, r.title[getLang()] || r.title.en)));
  select.addEventListener("change", () => {
    const chosen = REPLIES[Number(select.value)];
    if (!chosen) return;
    const text = chosen.text[lang].replace("{name}", liaisonName || "");
    area.value = area.value.trim() ? `${area.value.trim()}\n${text}` : text;
    select.value = "";
    area.focus();
  });
  return select;
}
