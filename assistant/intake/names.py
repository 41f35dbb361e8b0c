"""Find a person's name and their organization in free text ("Kim here from Kestrel Works")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.intake import gazetteers as gz
from assistant.intake.terms import find_terms

_GREETING_WORDS = (
    r"(?:hi|hey|hello|good (?:morning|afternoon|day)|bonjour|bonsoir|salut|allo|allô)"
    r"(?: there| tout le monde)?"
)
_GREETING = r"(?:" + _GREETING_WORDS + r"[\s,!.]*)?"
_WORD = r"[^\W\d_][\w'-]*"
_NAME = r"(?P<name>" + _WORD + r"(?:[ \t]+" + _WORD + r"){0,3})"
_START = r"(?:^|[.!?]\s+|,\s*)"
# Cues after which a name reliably follows, even typed in lower case.
EXPLICIT_NAME_RE = re.compile(
    r"(?i)(?:\bmy name is|\bmy name'?s|\bje m'appelle|\bj'?m'?appelle|\bmon nom est|\bje me nomme|"
    r"\bmoi,? c(?:'est|est)?|"
    r"\bname\s*:|\bnom\s*:|\bcall me|\bappelez-moi)\s+" + _NAME
)
# "this is ...", "I'm ..." and "je suis ..." also introduce statuses and programs.
WEAK_NAME_RE = re.compile(r"(?i)(?:\bthis is|\bi'?m|\bi am|\bje suis)\s+" + _NAME)
# Spoken Quebec French contracts "je suis" to "chu", "chui", "j'suis"; mostly before an adjective
# ("chu tanné", "chu prête"), so only a capitalised name counts after it.
SPOKEN_NAME_RE = re.compile(r"(?i)(?:\bchu|\bchui|\bj'?suis)\s+" + _NAME)
# "it's ...", "c'est ...", "ici ..." at a sentence start mostly introduce anything but a name.
LOOSE_NAME_RE = re.compile(
    r"(?i)" + _START + _GREETING + r"(?:ici|c'est|cest|c|it'?s|its)\s+" + _NAME
)
# "hi, Karen Lee from Chinook Data Labs", "Bonjour, Sylvie Caron de Toitures Caron": a capitalised
# name opening the message, right before the organization it speaks for.
_CAP = r"[A-ZÀ-Ý][\w'-]+"
# What joins the name to the business it speaks for: "Karen Lee from …", "Sylvie Caron de …".
_FOR_BUSINESS = r"[ \t]+(?:from|de|du|d'|chez|with)[ \t]*"
FROM_NAME_RE = re.compile(
    r"^\s*(?i:" + _GREETING + r")(?P<name>" + _CAP + r"(?:[ \t]+" + _CAP + r"){0,2})"
    r"(?=" + _FOR_BUSINESS + r"[A-ZÀ-Ý])"
)
# The same typed in lower case on a phone: "salut, jean-françois côté du groupe génie boréal-ouest".
# Only a full name (two or three words) with a greeting before it and a business after it counts.
FROM_LOWER_NAME_RE = re.compile(
    r"^\s*(?i:" + _GREETING_WORDS + r"[\s,!.]+)"
    r"(?P<name>" + _WORD + r"(?:[ \t]+" + _WORD + r"){1,2})"
    r"(?=" + _FOR_BUSINESS + r"\w)"
)
# Words that make a phrase a business: "Kowalski Holdings", "Boisvert et fils", "Acme Inc".
ORG_DESIGNATOR = (
    r"(?:inc|ltd|ltee|ltée|llc|corp|co|cie|enr|group|groupe|holdings|services|solutions|"
    r"consulting|enterprises|entreprises|industries|company|compagnie|associates|associés|"
    r"partners|labs?|studios?|(?:and|&) sons?|et fils)"
)
# "Dev Patel, Kowalski Holdings": a signature, a full name then a comma and a business name. The
# designator tells which side is the business, so "Prairie Robotics, 25 people" stays no name.
SIGNATURE_NAME_RE = re.compile(
    r"^\s*(?i:" + _GREETING + r")(?P<name>" + _CAP + r"(?:[ \t]+" + _CAP + r"){1,2}),[ \t]*"
    r"(?=(?:[A-ZÀ-Ý][\w&'.-]*[ \t]+){1,4}(?i:" + ORG_DESIGNATOR + r")(?![\w]))"
)
# What follows a caller's name: "here", "speaking", "à l'appareil", "au téléphone".
_ON_THE_LINE = (
    r"(?:here|speaking|ici|on the (?:phone|line)|[aà] l'appareil|au t[eé]l[eé]phone|"
    r"au bout du fil)"
)
# "Kim Nguyen here", "Marc speaking", "Julie à l'appareil" at the start of a sentence.
HERE_NAME_RE = re.compile(
    r"(?i)(?:"
    + _START
    + _GREETING
    + r"|\b(?:it'?s|its)\s+)"
    + _NAME
    + r"\s+"
    + _ON_THE_LINE
    + r"(?![\w'])"
)
# Words that end a name ("Kim from ...", "Marc de ...").
NAME_STOPS = {
    "from", "at", "with", "and", "of", "de", "du", "chez", "et", "in", "en", "here", "the",
    "ici", "speaking", "a", "au", "aux", "pis", "for", "pour", "on", "we", "nous",
}  # fmt: skip
# Words that are never part of a name; a name starting with one is no name at all.
NOT_A_NAME = {
    "a", "an", "the", "i", "we", "looking", "un", "une", "le", "la", "les", "l", "d", "my",
    "our", "your", "mon", "ma", "mes", "notre", "votre", "for", "pour", "about", "just", "so",
    "not", "very", "really", "still", "currently", "also", "interested", "hoping", "trying",
    "going", "new", "based", "working", "calling", "writing", "reaching", "wondering", "here",
    "student", "students", "etudiant", "etudiante", "etudiants", "etudiantes", "intern",
    "stagiaire", "employer", "employeur", "owner", "proprietaire", "manager", "gestionnaire",
    "in", "at", "from", "with", "en", "au", "aux", "de", "du", "des", "dans", "pas", "quoi",
    "bien", "ok", "okay", "moi", "on", "vraiment", "aussi", "encore", "actuellement", "ne",
    "year", "yr", "annee", "first", "second", "third", "fourth", "final", "last", "premiere",
    "deuxieme", "troisieme", "quatrieme", "derniere", "international", "internationale",
    "inscrit", "inscrite", "enrolled", "full", "part", "sure", "sorry", "desole", "desolee",
    "ready", "glad", "happy", "content", "contente", "ravi", "ravie", "it", "that",
    "what", "how", "who", "when", "where", "why", "can", "could", "would", "will", "is",
    "are", "was", "do", "does", "did", "have", "has", "had", "be", "me", "us", "them",
    "ce", "ca", "cela", "qui", "que", "comment", "quand", "pourquoi", "combien", "est",
    "yes", "no", "oui", "non", "thanks", "merci", "please", "svp", "hi", "hey", "hello",
    "bonjour", "salut", "self-employed", "retired", "unemployed", "done", "finished",
    "its", "it's", "this", "c'est", "ici", "voici", "called", "named",
    # Pronouns and their spoken contractions: "im here on a visa", "chu citoyen".
    "im", "i'm", "ima", "ive", "i've", "id", "i'd", "ill", "i'll", "were", "we're", "you",
    "he", "she", "they", "theyre", "je", "j'suis", "jsuis", "chu", "chui", "j'me", "j'ai",
    "tu", "il", "elle", "nous", "vous", "ils", "elles", "here's", "heres", "there", "theres",
    "there's", "thats", "that's", "visa", "citizen", "citoyen", "citoyenne", "resident",
}  # fmt: skip
# How a person feels or where they are, never who they are: "i'm tired", "je suis perdue".
STATE_WORDS = {
    "tired", "exhausted", "busy", "confused", "lost", "stuck", "fine", "good", "great", "well",
    "back", "late", "away", "sick", "bored", "frustrated", "annoyed", "overwhelmed", "stressed",
    "worried", "nervous", "excited", "curious", "kidding", "joking", "afraid", "scared", "hungry",
    "fatigue", "fatiguee", "epuise", "epuisee", "occupe", "occupee", "perdu", "perdue", "confus",
    "confuse", "tanne", "tannee", "presse", "pressee", "malade", "stresse", "stressee",
    "inquiet", "inquiete", "curieux", "curieuse", "decu", "decue", "fache", "fachee", "pret",
    "prete", "libre", "dispo", "disponible", "mele", "melee", "ecoeure", "ecoeuree",
}  # fmt: skip
NOT_A_NAME |= STATE_WORDS
# A lower-case name after a weak cue must be followed by one of these (or punctuation, or the end);
# after a loose cue, by one of the introducing words only.
_WEAK_END = {"from", "de", "here", "ici", "and", "et", "with", "chez", "at", "speaking"}
_LOOSE_END = {"from", "de", "here", "ici", "chez", "speaking"}
_ORG_CONNECTOR = re.compile(
    r"(?i)\s*(?:" + _ON_THE_LINE + r"\s*(?=[\w,])(?:,\s*(?=from|with|at|de|d'|du|chez))?)?"
    r"(?:(?P<sep>from the|from|with|at|of|de la part de|de la|de l'|du|de|d'|chez|representing)"
    r"\s*|(?P<comma>,)\s*)"
)
_ORG_WORD = r"[\w&'.-]+"
_ORG_STOPS = {
    "in", "a", "at", "en", "we", "on", "and", "pis", "et", "with", "nous", "i", "je", "our",
    "notre", "located", "based", "situe", "situee", "near", "pres", "who", "qui", "that",
    "which", "looking", "cherche", "want", "but", "mais",
}  # fmt: skip
_PROGRAM_REFERENCES = ("swpp", "bher", "pspe", "traes")
# "Hartley and Sons", "Boisvert et fils", "Roy & associés": the connector belongs to the name.
FAMILY_SUFFIX = (
    r"(?:and|et|&)\s+(?:sons?|fils|filles|daughters?|associates|associ[eé]s|cie|co)\b\.?"
)
_FAMILY_SUFFIX_RE = re.compile(r"(?i)" + FAMILY_SUFFIX)


@dataclass(frozen=True)
class Found:
    """A name found in the original text, with its span."""

    value: str
    start: int
    end: int


def place_like(text: str) -> bool:
    """Say whether a phrase is a place, institution, WIL type, term or pronoun rather than a name."""
    folded = gz.fold(text)
    for table in (gz.LOCATIONS, gz.INSTITUTIONS):
        hits = gz.find_longest(table, folded)
        if hits and hits[0].start == 0 and hits[0].end >= len(folded.rstrip(" .")):
            return True
    # "Co-op Program" is a WIL type; "Coop Santé Nord" is an organization that has one in its name.
    wil = gz.find_longest(gz.WIL_TYPES, folded)
    rest = re.sub(
        r"\s*(?:students?|programs?|programmes?|positions?|postes?)$",
        "",
        folded[wil[0].end :] if wil else "",
    )
    if (wil and wil[0].start == 0 and not rest.strip(" .")) or folded in _PROGRAM_REFERENCES:
        return True
    return bool(find_terms(text, date(2000, 1, 1))) or folded in {"i", "we", "us", "my", "our"}


# Everyday words that make a sentence, never a name ("born here lol").
_SPEECH = {
    "lol", "haha", "hehe", "born", "raised", "live", "living", "moved", "ne", "nee", "oops",
    "oups", "hmm", "um", "uh", "euh", "bah", "genre", "like", "guys", "gars", "now",
    "maintenant", "depuis", "since", "ago", "years", "ans", "ya", "yeah", "yep", "nope", "nah",
    "nan", "ouais", "wait", "attends", "see", "voir", "need", "want", "veux", "besoin",
}  # fmt: skip
# Words that may sit inside a name ("Marie de la Fontaine", "Lucas van Dijk").
_PARTICLES = {"de", "du", "des", "la", "le", "van", "von", "da", "di", "del", "st", "ben", "bin"}
# Given names that are also words of the lists above ("ravi" is "glad" in French).
_GIVEN_NAMES = {"ravi", "ravie", "will", "content"}
_VOCABULARIES = (
    gz.LOCATIONS, gz.INSTITUTIONS, gz.WIL_TYPES, gz.RESIDENCY, gz.ENROLLMENT,
    gz.PROGRAM_AREAS, gz.INDUSTRIES, gz.WORK_ARRANGEMENTS,
)  # fmt: skip


def _covered(folded: str) -> bool:
    """Say whether vocabulary phrases of other fields cover every word of the text."""
    letters = {i for i, ch in enumerate(folded) if ch.isalnum()}
    for table in _VOCABULARIES:
        for hit in gz.find_longest(table, folded):
            letters -= set(range(hit.start, hit.end))
    for term in find_terms(folded, date(2000, 1, 1)):
        letters -= set(range(term.start, term.end))
    return not letters


def person_name_like(name: str) -> bool:
    """Say whether a phrase reads as a person's name, not a sector, a place or a sentence."""
    words = [gz.fold(w).strip("'.,-") for w in name.split()]
    inner = (NOT_A_NAME | NAME_STOPS | _SPEECH) - _GIVEN_NAMES
    if not words or words[0] in inner:
        return False
    if any(w in inner and w not in _PARTICLES for w in words[1:]):
        return False
    return not _covered(gz.fold(name))


def _vocabulary_word(folded: str) -> bool:
    tables = (gz.RESIDENCY, gz.ENROLLMENT, gz.PROGRAM_AREAS, gz.INDUSTRIES, gz.WORK_ARRANGEMENTS)
    return any(gz.find_longest(table, folded) for table in tables)


def _cut_name(raw: str) -> tuple[str, str | None]:
    """Return the name's words up to the first stop word, and that stop word (or None)."""
    words = raw.split()
    kept: list[str] = []
    for word in words:
        folded = gz.fold(word).strip("'")
        if folded in NAME_STOPS or folded in NOT_A_NAME:
            return " ".join(kept), folded
        kept.append(word)
    return " ".join(kept), None


def _other_words(folded: str) -> set[int]:
    """Return the indexes of the words a vocabulary phrase or a term covers in folded text."""
    spans = [(h.start, h.end) for table in _VOCABULARIES for h in gz.find_longest(table, folded)]
    spans += [(t.start, t.end) for t in find_terms(folded, date(2000, 1, 1))]
    covered: set[int] = set()
    for i, word in enumerate(re.finditer(r"\S+", folded)):
        for a, b in spans:
            inside = a <= word.start() and word.end() <= b
            if inside and len(folded[a:b].split()) == 1:
                covered.add(i)
            elif a < word.end() and word.start() < b:
                covered.add(-1)  # a phrase of several words ("next summer") is no name's part
    return covered


def _accept(name: str, cued: bool = False) -> bool:
    """Say whether the words a cue introduces are a name.

    A first name or surname may be a word of a vocabulary: "April", "Summer", "Paris Cochrane",
    "Rémi Hiver", "Ambrose Okafor". After a cue ("I'm", "moi c'est", "... here") a full name keeps
    such a word when the other words are no vocabulary: one word of two may be a month, a place or
    a school, never the whole phrase ("I'm mru nursing") nor a phrase of several words ("free
    next summer").
    """
    if not name or gz.fold(name.split()[0]) in NOT_A_NAME:
        return False
    if not place_like(name) and not _vocabulary_word(gz.fold(name)):
        return True
    if not cued or len(name.split()) < 2 or not _name_words(name):
        return False
    covered = _other_words(gz.fold(name))
    return -1 not in covered and len(covered) < len(name.split())


def _name_words(name: str) -> bool:
    """Say whether no word of the phrase is one that never makes a name (a pronoun, a filler)."""
    words = [gz.fold(w).strip("'.,-") for w in name.split()]
    inner = (NOT_A_NAME | NAME_STOPS | _SPEECH) - _GIVEN_NAMES - _PARTICLES
    return bool(words) and not any(w in inner for w in words)


def _lower_case_ok(text: str, end: int, stop: str | None, cue: str, words: int) -> bool:
    """Say whether a lower-case name is delimited well enough to trust after this kind of cue."""
    if cue in ("explicit", "from"):
        return True  # "from": the business after the name is checked by the caller
    after = text[end:].lstrip()
    if cue == "capitalised":
        # "chu léa-rose bouchard-nguyen, en 3e année": a full name closed by a comma; "chu tanné"
        # is a state, one word of the state list.
        return stop is None and words >= 2 and after[:1] in {",", "."}
    if cue == "loose":
        return stop in _LOOSE_END
    return stop in _WEAK_END or (stop is None and (not after or after[0] in ",.;!"))


def find_person_name(text: str) -> Found | None:
    """Return the name a person introduces themselves with, or None."""
    candidates: list[Found] = []
    weakest: list[bool] = []
    # "Université de Calgary" is an institution, not Université from Calgary.
    institutions = [(h.start, h.end) for h in gz.find_longest(gz.INSTITUTIONS, gz.fold(text))]
    patterns = (
        (HERE_NAME_RE, "explicit"),
        (EXPLICIT_NAME_RE, "explicit"),
        (WEAK_NAME_RE, "weak"),
        (SPOKEN_NAME_RE, "capitalised"),
        (LOOSE_NAME_RE, "loose"),
        (FROM_NAME_RE, "explicit"),
        (FROM_LOWER_NAME_RE, "from"),
        (SIGNATURE_NAME_RE, "explicit"),
    )
    for pattern, cue in patterns:
        for m in pattern.finditer(text):
            name, stop = _cut_name(m.group("name"))
            start = m.start("name")
            end = start + len(name)
            if re.match(r"[@.]\S|'s\b", text[end : end + 2]):
                continue  # part of an email address or a possessive, not a name
            capitalised = all(w[:1].isupper() for w in name.split())
            if not capitalised and not _lower_case_ok(text, end, stop, cue, len(name.split())):
                continue
            if cue == "from" and find_org_after_name(text, Found(name, start, end)) is None:
                continue  # "salut, jean-françois côté du groupe génie": a business follows
            cued = len(name.split()) >= 2
            inside = [(a, b) for a, b in institutions if start < b and a < end]
            if any(not (cued and start <= a and b <= end) for a, b in inside):
                continue  # overlapping one: "L'Université de Calgary" starts before its hit
            if _accept(name, cued):
                candidates.append(Found(name, start, end))
                weakest.append(cue == "from")
    if not all(weakest):
        # A lower-case name told only by the business after it yields to any cued one.
        candidates = [f for f, weak in zip(candidates, weakest, strict=True) if not weak]
    if not candidates:
        return None
    return min(candidates, key=lambda f: f.start)


def _spaces(text: str) -> set[int]:
    return {i for i, ch in enumerate(text) if ch.isspace()}


def find_org_after_name(text: str, name: Found) -> Found | None:
    """Return the organization named right after a person's name ("Kim from kestrel works")."""
    m = _ORG_CONNECTOR.match(text, name.end)
    if not m:
        return None
    words: list[str] = []
    rest = text[m.end() :]
    skip_to = 0
    for w in re.finditer(r"\S+", rest):
        if w.start() < skip_to:
            continue
        suffix = _FAMILY_SUFFIX_RE.match(rest, w.start()) if words else None
        if suffix and len(words) < 5:
            words.append(rest[w.start() : suffix.end()].rstrip("."))
            skip_to = suffix.end()
            if rest[skip_to : skip_to + 1] not in {"", " ", "\t"}:
                break  # "Acme and co, 5 staff": punctuation ends the name
            continue
        token = w.group(0)
        bare = token.rstrip(",;:!?()")
        bare = bare[:-1] if bare.endswith(".") and w.end() in {len(rest)} | _spaces(rest) else bare
        folded = gz.fold(bare)
        if not re.fullmatch(_ORG_WORD, bare) or folded in _ORG_STOPS or len(words) >= 5:
            break
        words.append(bare)
        if bare != token:
            break
    org = " ".join(words).rstrip(".")
    if not org or (m.group("comma") and not org[:1].isupper()):
        return None
    first = gz.fold(words[0])
    if first in NOT_A_NAME or first[:1].isdigit() or place_like(org):
        return None
    start = m.end()
    return Found(org, start, start + len(org))
