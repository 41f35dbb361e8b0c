"""The regular expressions rule-based extraction uses, on folded (lower-case, unaccented) text."""

from __future__ import annotations

import re

from assistant.intake.numbers import NUMBER_FRAGMENT
from assistant.intake.terms import MONTH_WORDS

# People only: "an apprentice" is one student, "an internship" says nothing about how many.
PERSON_NOUN = (
    r"(?:co-?op\s+)?(?:students?|interns?|stagiaires?|etudiante?s?|apprentie?s?|apprentices?|"
    r"hires?|grads?|eleves?|co-?op students?)"
)
STUDENT_NOUN = (
    r"(?:co-?op\s+)?(?:students?|interns?|co-?ops?|stagiaires?|etudiante?s?|apprentie?s?|"
    r"apprentices?|placements?|hires?|grads?|eleves?|internships?|positions?|postes?|stages?)"
)
SIZE_NOUN = (
    r"(?:full[- ]time\s+)?(?:people|ppl|employees|staff|persons|workers|team members|folks|guys|"
    r"gars|"
    r"employes|personnes|salaries|travailleurs|membres|employe)"
)
# "about 25", "environ 25", "à peu près 25": an estimate is still the number.
ABOUT = (
    r"(?:about|around|roughly|approximately|approx\.?|almost|nearly|close to|over|under|some|"
    r"environ|a peu pres|autour de|pres de|presque|plus de|moins de|quelque|like|genre|comme|"
    r"pas loin de|quasiment)\s+"
)
GAP = r"(?:(?!\d)(?!people|employees|staff|employes|personnes|and |et |or |ou )[a-z'-]+\s+){0,3}?"
# "2-3 students", "2 or 3 interns", "deux à trois stagiaires": a range counts as its lower bound
# (the validator reads the first number), as "prob 2, maybe 3" does.
RANGE_HEAD = r"(?:" + NUMBER_FRAGMENT + r")\s*(?:-|\u2013|/|to|or|ou|a)\s*"
STUDENTS_RE = re.compile(
    r"(?<![\w$.,])(?:"
    + RANGE_HEAD
    + r")?(?P<n>"
    + NUMBER_FRAGMENT
    + r")\s+"
    + GAP
    + STUDENT_NOUN
    + r"(?![\w])"
)
SIZE_RE = re.compile(
    r"(?<![\w$.,])(?P<n>\d[\d,]*\+?|"
    + NUMBER_FRAGMENT
    + r")\s*(?:\+\s*)?"
    + SIZE_NOUN
    + r"(?![\w])"
    r"|(?:team|company|organization|organisation|shop|firm|equipe|entreprise|staff) of (?:about |around |environ )?"
    r"(?P<n2>\d[\d,]*|" + NUMBER_FRAGMENT + r")(?![\w])"
    r"|(?P<n3>\d+)[- ](?:person|people|employee|personnes) (?:[a-z-]+ )?"
    r"(?:team|company|shop|firm|business|startup|organization|clinic|agency)"
    r"|(?:there'?s|there are) (?P<n5>\d+|" + NUMBER_FRAGMENT + r") of us(?![\w])"
    r"|(?:nous sommes|on est|we are|we're) (?:"
    + ABOUT
    + r")?(?P<n4>\d+|"
    + NUMBER_FRAGMENT
    + r")(?![\w])(?! (?:students|etudiants))"
    r"|(?P<band>1-9|10-49|50-99|100-499|500\+) (?:employees|people|staff|employes|personnes)"
)
WAGE_RE = re.compile(
    r"\$\s*(?P<w>\d+(?:[.,]\d{1,2})?)(?!\s*(?:k|,\d{3}|/\s*(?:y|an)|(?:a|per|par)\s+(?:year|an|annee)))"
    r"|(?P<w2>\d+(?:[.,]\d{1,2})?)\s*(?:\$|dollars?|bucks|piasses?|piastres?)\s*(?:/|per|an?|de l'?|par|l'?|de|the|a l'?)\s*(?:h|hr|hour|heure)"
    # No currency sign: "22/hr", "22 an hour", "18,50 de l'heure".
    r"|(?<![\w.,/$])(?P<w3>\d{2,3}(?:[.,]\d{1,2})?)\s*(?:/\s*|an |per |de l'?|par |a l'?|the )\s*(?:h|hr|hour|heure)(?![\w])"
    # In words: "twenty bucks an hour", "twenty two an hour", "dix-huit piasses de l'heure".
    r"|(?<![\w$])(?P<w4>" + NUMBER_FRAGMENT + r")\s*(?:\$|dollars?|bucks|piasses?|piastres?)?\s*"
    r"(?:/\s*|an |per |de l'|par |a l'|the )\s*(?:h|hr|hour|heure)(?![\w])"
)
DURATION_RE = re.compile(
    # "in two months" / "dans deux mois" says when, not how long.
    r"(?<![\w])(?<!in )(?<!dans )(?<!d'ici )(?P<n>"
    + NUMBER_FRAGMENT
    + r")[\s-]*(?:months?|mois)(?![\w])"
    r"|(?:for|pendant|durant|lasting|over) (?P<y>(?:a|one|un|une|two|deux|\d)) (?:years?|ans?|annees?)"
)
_MONTHS = "|".join(sorted(MONTH_WORDS, key=len, reverse=True))
# "jan-apr", "january to april", "de janvier a avril": a span of months.
MONTH_RANGE_RE = re.compile(
    r"(?<![\w])(?P<a>" + _MONTHS + r")\.?\s*(?:-|\u2013|to|through|till|until|a|au|jusqu'a)\s*"
    r"(?P<b>" + _MONTHS + r")(?![\w])"
)
_ORDINAL_WORD = (
    r"first|second|third|fourth|fifth|sixth|premiere|premier|deuxieme|seconde|troisieme|"
    r"quatrieme|cinquieme|sixieme"
)
_LENGTH_NUMBER = r"[1-6]|one|two|three|four|five|six|deux|trois|quatre|cinq"
PROGRAM_NOUN = (
    r"(?:program|programme|degree|diploma|certificate|bachelor'?s?|bac|baccalaureat|diplome|"
    r"certificat|course|cours|technique|formation|major)"
)
# "third year", "3rd yr", "4th and final year", "year 2"; "a 2-year diploma" is a length, not a year.
YEAR_RE = re.compile(
    r"(?<![\w])(?P<o>" + _ORDINAL_WORD + r"|\d(?:st|nd|rd|th|e|re|ere|eme|ieme))"
    r"(?:\s+(?:and|et)\s+(?:final|last|derniere))?[\s-]+(?:year|yr|annee)(?![\w])"
    r"|(?<![\w])(?P<c>\d)[\s-]+(?:year|yr|annee)(?![\w])(?!(?:\s+[a-z'-]+){0,2}?\s+"
    + PROGRAM_NOUN
    + r")"
    r"|(?:year|annee) (?P<o2>[1-6])(?![\w])"
)
FINAL_YEAR_RE = re.compile(
    r"(?<![\w])(?:(?:final|last|graduating|derniere)[\s-]+(?:year|yr|annee)|finissante?s?|"
    r"graduating (?:student|this year|in the spring)|(?:about|going) to graduate)(?![\w])"
)
# How long the program is: "4 year nursing degree", "bac de 4 ans", "2-year diploma".
PROGRAM_LENGTH_RE = re.compile(
    r"(?<![\w])(?P<n>" + _LENGTH_NUMBER + r")[\s-]*(?:years?|yrs?|ans|annees)"
    r"(?:\s+[a-z'-]+){0,2}?\s+" + PROGRAM_NOUN + r"(?![\w])"
    r"|(?<![\w])"
    + PROGRAM_NOUN
    + r"(?:\s+[a-z'-]+){0,3}?\s+(?:de|of|d') ?(?P<n2>"
    + _LENGTH_NUMBER
    + r")[\s-]*(?:years?|yrs?|ans|annees)(?![\w])"
)
# "ft"/"pt" are full/part time only beside study words, or as a list item among study facts.
_STUDY = r"(?:students?|studies|study|studying|enrolled|etudiante?s?|etudes|inscrite?)"
ENROLL_ABBR_RE = re.compile(
    r"(?<![\w])(?P<a>ft|pt|f/t|p/t)\s+" + _STUDY + r"(?![\w])"
    r"|(?<![\w])" + _STUDY + r"\s+(?P<b>ft|pt|f/t|p/t)(?![\w/])"
)
ENROLL_ITEM_RE = re.compile(r"(?:^|,)\s*(?P<c>ft|pt|f/t|p/t)\s*(?=,|$|\.)")
PAID_RE = re.compile(
    r"(?<![\w])(?P<no>unpaid|not paid|non (?:remunere|paye)e?|pas (?:remunere|paye)e?|benevole|volunteer)(?![\w])"
    r"|(?<![\w])(?P<yes>paid|remuneree?|payee?|salaried)(?![\w])"
)
CONSENT_RE = re.compile(
    r"(?P<no>(?:don'?t|do not|please don'?t) share|ne (?:partagez|transmettez) pas|je ne consens pas|"
    r"i do not consent|i don'?t consent)"
    r"|(?P<yes>(?:i|we) (?:consent|agree) to (?:share|sharing|you sharing)|you (?:can|may) share|"
    r"ok(?:ay)? to share|feel free to share|j'accepte que vous (?:partagiez|transmettiez)|"
    r"vous pouvez (?:partager|transmettre)|je consens)"
)
INTEREST_RE = re.compile(
    r"(?:interested in|passionate about|interessee? par|passionnee? par|j'aimerais travailler en|"
    r"i(?:'d| would) like to work (?:in|on))\s+(?P<x>[^.!?\n]{3,120})"
)
_JOB_NOUN = (
    r"(?:developer|assistant|helper|technician|analyst|designer|clerk|coordinator|engineer|"
    r"programmer|receptionist|cook|server|bookkeeper|writer|tester|associate|specialist|"
    r"aide|adjointe?|technicienne?|analyste|developpeu(?:r|se)|commis|preposee?|"
    r"coordonna(?:teur|trice)|ingenieure?|programmeu(?:r|se)|redact(?:eur|rice)|cuisiniere?)"
)
# A word naming a job or trade rather than a sector ("aide-couvreur", "electrician").
JOB_WORD_RE = re.compile(
    r"(?<![\w])(?:" + _JOB_NOUN + r"|apprentie?s?|apprentices?|interns?|stagiaires?|couvreur|"
    r"roofer|electrician|electricien(?:ne)?|plumber|plombier|carpenter|charpentier|menuisier|"
    r"welder|soudeu(?:r|se)|mechanic|mecanicien(?:ne)?|labou?rer|journaliere?|cashier|"
    r"caissiere?|serveu(?:r|se)|vendeu(?:r|se)|operator|operat(?:eur|rice)|driver|chauffeur|"
    r"painter|peintre|installer|installat(?:eur|rice)|boulangere?|baker|patissiere?|nurse|"
    r"infirmiere?|manager|gerante?|supervisor|superviseure?|helpers?)(?![\w])"
)
ROLE_RE = re.compile(
    r"(?:role|position|job title|titre du poste|poste)\s*(?::|\s(?:of|as|de|d'|is|est|"
    r"would be|serait|c'est|ce serait|will be|sera))\s*"
    r"(?:an?\s+|un\s+|une\s+)?(?P<x>[^,.;!?\n]{2,60})"
    r"|(?:for|as) (?:an?|un|une) (?P<y>[a-z][\w' -]{2,40}?) (?:role|position|poste)(?![\w])"
    # "looking for a junior web developer": only when the phrase ends in a job noun.
    r"|(?:looking for|hiring|on cherche|nous cherchons|we need|need) (?:an?|un|une) "
    r"(?P<z>(?:[a-z'-]+ ){0,3}?" + _JOB_NOUN + r")(?![\w])"
)
ORG_RE = re.compile(
    r"(?i:\bde la|\bde l'|\bdu|\bfrom the|\bfrom|\bat|\bwith|\bchez|\bfor|\bpour|\bof|\brepresenting|\bwork (?:at|for)|"
    r"\bcompany(?: is| called)?|\borganization(?: is| called)?|\bentreprise|\bde la part de|\bde|"
    r"\bwe'?re|\bwe are|\bnous sommes|\bl'entreprise)\s+"
    r"(?P<org>[A-ZÀ-Ý][\w&'.-]*(?:\s+(?:(?i:(?:and|et|&)\s+(?:sons?|fils|filles|daughters?|"
    r"associates|associ[eé]s|cie|co))|[A-ZÀ-Ý0-9&][\w&'.-]*|of|and|de|du|des|la|le|et|&|"
    r"inc\.?|ltd\.?|ltee|ltée|llc|corp\.?)(?![\w]))*)"
)
_SPELLED_EMAIL = re.compile(
    r"(?i)(?<![\w.@])(?P<user>[\w'-]+(?:(?:\s+(?:dot|point)\s+|\.)[\w'-]+)*)\s+(?:at|arobase|@)\s+"
    r"(?P<host>[\w-]+(?:(?:\s+(?:dot|point)\s+|\.)[\w-]+)+)"
)


def spelled_email(text: str) -> str:
    """Rewrite an email address spelled out ("priya dot patel at ucalgary dot ca") as typed."""
    if "@" in text:
        return text

    def join(m: re.Match[str]) -> str:
        dots = re.compile(r"(?i)\s+(?:dot|point)\s+")
        return dots.sub(".", m.group("user")) + "@" + dots.sub(".", m.group("host"))

    return _SPELLED_EMAIL.sub(join, text)


# "annesophie.bc @ hotmail.com": spaces typed around the at sign.
_SPACED_EMAIL = re.compile(
    r"(?<![\w.@])(?P<user>[\w.+'-]+)(?:\s+@\s*|\s*@\s+)(?P<host>[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,})(?![\w.-])"
)
_EMAIL_CUE = re.compile(r"(?i)(?:e-?mail|courriel|mail)\b[^@\n]{0,20}$")


def spaced_email(text: str, *, asked: bool) -> str:
    """Close up an email address typed with spaces around "@", when asked or after "email"."""

    def join(m: re.Match[str]) -> str:
        if asked or _EMAIL_CUE.search(text[: m.start()]):
            return m.group("user") + "@" + m.group("host")
        return m.group(0)

    return _SPACED_EMAIL.sub(join, text)


EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*")
PHONE_RE = re.compile(r"(?<![\d\w])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")
FILLER = re.compile(
    r"(?i)^(?:[\s,;:.!-]|and|also|et|aussi|oh|ok|okay|well|bon|alors|actually|sorry|en fait|"
    r"non|no|plutot|plutôt|oui|yes|so|donc|then|puis)*$"
)
