"""Generic signals that do not depend on one exact wording: phone shorthand, and cue windows.

detect.py matches named phrasings; people on phones type "can u connect me w someone",
"j'veux parler a un vrai", "chu tanne", "qqn du secretariat". This module (1) expands common
shorthand in both languages before any pattern runs, and (2) adds broader patterns built from
cue classes rather than sentences: a contact verb near a person noun, a person noun near an
availability word, a told-that + protected trait, a repeated act aimed at the person, etc.
They read normalised text (lower case, no accents; see detect.normalise).

A semantic matcher with the MiniLM embedder was considered and measured: embed_query costs
~35 ms on this machine, seven times the 5 ms budget for a check that runs on every message, so
this second signal stays lexical (cue classes + windows), offline and under 0.1 ms.
"""

from __future__ import annotations

import re


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Phone shorthand -> full form (applied to normalised text, whole words only).
_SHORTHAND = {
    "u": "you",
    "r": "are",
    "ur": "you're",
    "w": "with",
    "w/": "with",
    "pls": "please",
    "plz": "please",
    "im": "i'm",
    "ive": "i've",
    "dont": "don't",
    "cant": "can't",
    "wont": "won't",
    "didnt": "didn't",
    "doesnt": "doesn't",
    "isnt": "isn't",
    "theres": "there's",
    "cuz": "because",
    "bc": "because",
    "bcuz": "because",
    "coz": "because",
    "qqn": "quelqu'un",
    "qqun": "quelqu'un",
    "qq1": "quelqu'un",
    "kelkun": "quelqu'un",
    "jai": "j'ai",
    "chu": "je suis",
    "chui": "je suis",
    "jsuis": "je suis",
    "j'suis": "je suis",
    "j'veux": "je veux",
    "jveux": "je veux",
    "j'peux": "je peux",
    "jpeux": "je peux",
    "j'voudrais": "je voudrais",
    "j'aimerais": "j'aimerais",
    "y'a": "il y a",
    "ya": "il y a",
    "dispo": "disponible",
    "pcq": "parce que",
    "tjrs": "toujours",
    "thru": "through",
    "wat": "what",
    "wut": "what",
    "msg": "message",
    "msgs": "messages",
    "msging": "messaging",
    "msgng": "messaging",
    "dming": "messaging",
    "pis": "et",
    "laise": "l'aise",
    "cest": "c'est",
    "jcherche": "je cherche",
    "jsais": "je sais",
    "lemme": "let me",
    "gimme": "give me",
    "wanna": "want to",
}
# Quebec "mont" is "m'ont" only before what they did ("ils mont pas pris"), never "mont royal".
_MONT = re.compile(
    r"\bmont (?=(?:pas|jamais|rien|dit|refuse\w*|renvoye\w*|congedie\w*|mis|pris|traite\w*)\b)"
)
_WORD = re.compile(r"(?<![\w'/])[a-z0-9'/]+(?![\w'])")


def expand_shorthand(norm: str) -> str:
    """Return normalised text with phone shorthand spelled out ("u" -> "you", "qqn" -> "quelqu'un")."""

    def repl(match: re.Match[str]) -> str:
        word = match.group(0)
        if word == "u" and norm[match.end() : match.end() + 4] in (" of ", " of"):
            return word  # "U of C" is a university, not "you"
        return _SHORTHAND.get(word, word)

    return _MONT.sub("m'ont ", _WORD.sub(repl, norm))


# Person nouns someone might ask for (EN/FR, after shorthand expansion).
_PERSON_EN = (
    r"(?:human|person|someone|somebody|anyone|anybody|agent|representative|rep|operator|staff|"
    r"liaison|coordinator|advis[eo]r|counsell?or|employee|team member|officer)"
)
_PERSON_FR = (
    r"(?:quelqu'un|humain|humaine|personne|agent|agente|conseiller|conseillere|responsable|"
    r"intervenant|intervenante|employe|employee|membre|vrai monde|vraie? de vraie?|vraie?)"
)
_CONTACT_FR = r"(?:parler|jaser|placoter|discuter|echanger|clavarder|communiquer|causer)"

GENERIC_REQUEST = _rx(
    # "is a coordinator around to answer me", "is there someone available", "anyone there?"
    rf"^(?:hi |hello |hey )?(?:is|are) (?:there )?(?:a |an |any |your |some )?(?:real |actual |live )?"
    rf"{_PERSON_EN}s?(?: [a-z']+){{0,2}} (?:around|available|free|online|on|there|in)"
    rf"(?: (?:now|today|right now))?(?: to (?:answer|help|talk to|speak to|chat with|speak with|talk with)"
    rf" (?:me|us)(?: [a-z']+)?)?\W*$",
    r"^(?:hi |hello |hey )?(?:anyone|anybody|someone|somebody) (?:there|here|around|home)\W*$",
    rf"\b{_PERSON_EN}(?: [a-z']+){{0,3}} (?:to |can |could |who can |who could )"
    r"(?:answer|respond to|reply to|get back to) (?:me|us)\b",
    # FR: "y a-t-il un conseiller disponible", "y a quelqu'un?", "quelqu'un est disponible?"
    rf"^(?:allo |bonjour |salut )?(?:y a-t-il|y a t il|y a-tu|y a tu|il y a|est-ce qu'il y a|y a)"
    rf" (?:un |une |des )?(?:vraie? )?{_PERSON_FR}(?: (?:de|du|des|au|a la) [a-z'-]+)?"
    rf"(?: (?:disponible|libre|en ligne|la))?(?: (?:maintenant|pour (?:me |m')?[a-z'-]+(?: (?:a |avec )?moi)?))?\W*$",
    rf"^(?:est-ce (?:que |qu'))?(?:un |une )?{_PERSON_FR} (?:est |serait )?(?:disponible|libre|en ligne)\W*$",
    rf"^(?:i )?(?:need|want) (?:to (?:talk|speak|chat) (?:to|with) )?(?:a |an )?(?:real |actual |live )?{_PERSON_EN}"
    r"(?: (?:please|now|asap))*\W*$",
    # FR contact verb then a person (with shorthand verbs): "jaser avec quelqu'un", "parler a un vrai".
    rf"\b{_CONTACT_FR}(?: directement)? (?:a|avec) (?:un |une |le |la |les |des )?{_PERSON_FR}\b",
    # Preferring a person: "i'd rather have a human", "je prefere un humain".
    rf"\b(?:rather|prefer|preferably) (?:have |get |talk to |speak to |speak with |talk with |deal with )?"
    rf"(?:a |an |the |your |some )?(?:real |actual |live )?{_PERSON_EN}\b",
    rf"\b(?:prefere|preferes|preferais|preferais|preferer|preferable) (?:de )?(?:{_CONTACT_FR} (?:a|avec) )?"
    rf"(?:un |une |le |la |des )?{_PERSON_FR}\b",
)
# A person noun that is the subject of an organisation's process, not someone to talk to:
# "can a real person be listed as the contact", "est-ce qu'un humain lit les offres".
THIRD_PARTY = _rx(
    r"\b(?:a|an|the|un|une|le|la|our|notre)? ?(?:real |actual |vrai |vraie )?(?:person|human|humain|humaine|"
    r"personne|staff member|employee|employe) (?:be |get |gets |is |are )?(?:listed|named|added|hired|lit|lire|"
    r"reads?|reviews?|reviewed|checks?|checked|approves?|approved|screens?|screened|verifie|valide|"
    r"approuve|signe|traite|revise)\b",
)

# Sensitive situations said in other words (all under the first-person gate in detect.py).
GENERIC_SAFETY = _rx(
    r"\b(?:pushed|shoved|slapped|kicked|choked|tripped|cornered) me\b",
    r"\b(?:m'a|il m'a|elle m'a|on m'a|m'ont) (?:pousse|poussee|bouscule|bousculee|frappe|frappee|"
    r"agrippe|agrippee|empoigne|empoignee|gifle|giflee|battu|battue|coince|coincee)\b",
    r"\b(?:afraid|scared|terrified) (?:to|of) (?:go|going) back\b|\bpeur (?:de|d') ?(?:retourner|y retourner|y aller)\b",
)
GENERIC_HARASSMENT = _rx(
    r"\b(?:keeps?|kept|always|constantly|won't stop|wont stop|doesn't stop|started) (?:following|watching|"
    r"touching|grabbing|messaging|texting|calling|staring at|waiting for|hugging|cornering|hitting on|"
    r"commenting on|asking me out|showing up) (?:me|my|at my|outside my)\b",
    r"\b(?:touched|grabbed|groped|kissed|followed|stalked) (?:me|my)\b",
    r"\b(?:me|m') ?(?:texte|textote|envoie|ecrit|dit|montre|fait|demande)\b(?: [a-z'-]+){0,4} "
    r"(?:deplace\w*|inappropri\w*|sexuel\w*|cochon\w*|bizarre\w*|louche\w*|intime\w*)\b",
    r"\b(?:me suit|m'a suivie?|me colle|me tripote|m'a tripotee?|m'a embrassee?|me fixe|me touche)\b",
)
GENERIC_DISCRIMINATION = _rx(
    r"\b(?:said|told me|told us|says|tell me|dit|disent|m'a dit|m'ont dit|on m'a dit)\b(?: [a-z']+){0,4} "
    r"(?:i'm|i am|we're|je suis|j'suis|j'etais|on est) (?:too|trop) (?:old|young|vieux|vieille|jeune|agee?)\b",
    r"\b(?:i'm|i am|je suis) (?:too|trop) (?:old|young|vieux|vieille|jeune|agee?) (?:for|to|pour)\b",
    r"\b(?:women|girls|immigrants|foreigners|newcomers|black people|muslims|indigenous people|old people|"
    r"les femmes|les filles|les immigrants|les etrangers|les noirs|les musulmans|les autochtones|les vieux)\b"
    r"(?: [a-z']+){0,3} (?:don't belong|do not belong|can't do|cannot do|shouldn't|aren't allowed|"
    r"(?:n')?ont pas (?:leur|d'affaire)|n'ont rien a faire|(?:ne )?peuvent pas|(?:ne )?devraient pas)\b",
)
GENERIC_ACCOMMODATION = _rx(
    r"\bi (?:get|have|suffer from|deal with|struggle with|live with) (?:bad |severe |frequent |regular )?"
    r"(?:panic|anxiety|seizure|migraine) (?:attacks?|disorder)\b|\bi have (?:seizures|anxiety)\b",
    r"\b(?:je fais|j'ai|je souffre de|je vis avec) (?:des |de |beaucoup de )?(?:crises? (?:de panique|"
    r"d'anxiete|d'angoisse|d'epilepsie)|convulsions)\b",
)
GENERIC_FRUSTRATED = _rx(
    r"\b(?:you're|you are|you) (?:still )?not (?:getting|understanding|reading|listening to)\b",
    r"\b(?:going|getting|gets|goes|leading) (?:me )?nowhere\b|\bnot getting anywhere\b",
    r"\b(?:this|it|you)(?: bot| thing| chat| assistant)? (?:sucks?|is ridiculous|is so annoying)\b",
    r"\b(?:give|gimme|get) me a (?:real|straight|proper) answer\b",
    r"\b(?:t'es|tu es|t'est|vous etes|c'est) pas (?:capable|bon|bonne|fiable|utile)\b",
    r"\bune (?:vraie|vrai) reponse\b|\bn'importe quoi\b|\bc'est (?:poche|nul)\b",
    r"\bca (?:ne )?(?:mene|avance|donne) (?:a )?(?:rien|nulle part|pas)\b|\b(?:tu|vous) (?:comprends|comprenez)"
    r" (?:vraiment )?(?:pas|rien)\b",
)
