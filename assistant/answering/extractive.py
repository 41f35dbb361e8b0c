"""Extractive answers without an LLM: the best passage, trimmed to the sentences that answer the question."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence

from assistant.answering.citations import citation_for
from assistant.answering.personal import how_it_applies, names_group, stated_groups
from assistant.answering.provenance import strip_provenance
from assistant.answering.sentences import split_sentences as _split
from assistant.answering.terms import (
    ASPECT,
    Term,
    answer_form,
    coverage,
    precision,
    question_terms,
)
from assistant.answering.types import Answer, PassageLike
from assistant.knowledge_lint import extract_facts
from assistant.retrieval.intents import (
    FREQUENCY_SENTENCE,
    asks_frequency,
    asks_funding,
    asks_past,
    expand_intent,
    is_historic_heading,
    mentions_institution,
)

logger = logging.getLogger(__name__)

MAX_CHARS = 520
MAX_SENTENCES = 3

# Sentences that lean on the one before them ("This...", "For example...").
_DEPENDENT = re.compile(
    r"^(this|these|that|those|it|they|such|however|but|also|for example|for instance|then|so|"
    r"ce|cet|cette|ces|cela|il|elle|ils|elles|toutefois|cependant|mais|aussi|par exemple|ensuite|donc)\b",
    re.IGNORECASE,
)
_NUMERIC_Q = re.compile(
    r"\b(how much|how many|how long|how often|when|what date|deadline|rate|cost|pay|wage|salary|"
    r"combien|quand|quelle date|date limite|taux|coût|cout|salaire|payé|paye|durée|duree|"
    # A comparison ("higher", "plus élevée") is answered by the figures.
    r"higher|lower|bigger|larger|more than|less than|plus élevée?s?|plus haute?s?|plus gros(?:se)?s?"
    r"|moins élevée?s?|bonifiée?s?)\b",
    re.IGNORECASE,
)
# Figures, including small ones written out ("within two days", "dans les deux jours").
# A sentence stating a rule that has been replaced, or the rule that replaced it.
_MONTHS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre"
    r"|d[ée]cembre|\d)"
)
_PAST_RULE = re.compile(
    rf"^(?:before|until|prior to|avant(?: le)?|jusqu'(?:au|en))\s+(?:the\s+)?(?:1er\s+)?{_MONTHS}",
    re.IGNORECASE,
)
_NEW_RULE = re.compile(
    rf"^(?:from|since|starting|as of|depuis(?: le)?|[àa] compter d[ue]|[àa] partir d[ue])\s+"
    rf"(?:the\s+)?(?:1er\s+)?{_MONTHS}",
    re.IGNORECASE,
)
PAST_RULE_PENALTY = 1.0
NEW_RULE_BONUS = 0.3
_NUMBER = re.compile(
    r"\d|\$|\b(?:two|three|four|five|six|twelve|deux|trois|quatre|cinq|six|douze)\b", re.IGNORECASE
)
# A question with this few content words ("where do i start", "do interns need wcb") says too
# little to pick sentences by: the section, whose heading matched, answers it from the top.
VAGUE_TOKENS = 3
# Their answer may run a little longer: the lead plus the best-matching sentence.
VAGUE_MAX_CHARS = 700
VAGUE_MAX_SENTENCES = 4
# How much a question word the heading already matches counts when picking sentences.
HEADING_DISCOUNT = 0.4
# Token weight (e.g. the index's inverse document frequency): rare words like "micro" matter more.
Weight = Callable[[str], float]
_CONTINUES = re.compile(
    r"^(ceux-ci|celles-ci|celui-ci|celle-ci|they|these|ils|elles)\b", re.IGNORECASE
)


def split_sentences(text: str, lang: str = "en") -> list[str]:
    """Split a passage into sentences ("St. Mary's", "M. Tremblay", "p. ex." stay whole)."""
    return _split(text, lang)


def answer_sentences(text: str, lang: str = "en") -> list[str]:
    """Split a passage into the sentences an answer may quote: notes about sources left out."""
    kept = (strip_provenance(s, lang) for s in split_sentences(text, lang))
    return [s for s in kept if s]


def _tokens(text: str, lang: str) -> set[str]:
    try:
        from assistant.retrieval.lexical import tokenize

        return set(tokenize(text, lang))
    except ImportError:  # pragma: no cover - retrieval ships with the package
        return {w for w in re.findall(r"\w{3,}", text.lower())}


def _uniform(_token: str) -> float:
    return 1.0


def _score(
    sentence: str,
    terms: list[Term],
    lang: str,
    numeric: bool,
    position: int,
    weight: Weight = _uniform,
    frequency: bool = False,
    current: bool = False,
) -> float:
    words = _tokens(sentence, lang)
    overlap = len(terms) * coverage(terms, words, weight)
    score = overlap / (1.0 + 0.02 * len(words))
    if numeric and _NUMBER.search(sentence):
        score += 0.8
    if frequency and FREQUENCY_SENTENCE.search(sentence):
        score += 0.8  # "how often" is answered by "weekly", "every two weeks"
    if position == 0:
        score += 0.3  # topic sentences define the subject
    if current:
        # Today's rule before the one it replaced ("From April 1, 2026..." over "Before April
        # 2026, a permit was needed..."), unless the question asks about the past.
        if _PAST_RULE.search(sentence):
            score -= PAST_RULE_PENALTY
        elif _NEW_RULE.search(sentence):
            score += NEW_RULE_BONUS
    return score


def select_sentences(
    question: str, text: str, lang: str, weight: Weight = _uniform, heading: str = ""
) -> list[str]:
    """Return, in passage order, the few sentences of `text` that best answer `question`.

    Sentences score by the question's words they hold (synonyms and the other language's stems
    count too). Words the section's `heading` already matches weigh less: the heading has set the
    subject, and the words it leaves out ("higher", "shorter", "Mitacs") are what the reader wants.
    """
    sentences, chosen, _scores = rank_sentences(question, text, lang, weight, heading)
    return [sentences[i] for i in sorted(chosen)]


def rank_sentences(
    question: str, text: str, lang: str, weight: Weight = _uniform, heading: str = ""
) -> tuple[list[str], set[int], dict[int, float]]:
    """Return the passage's sentences, the ones chosen to answer `question`, and every score."""
    sentences = answer_sentences(text, lang)
    if len(sentences) <= 1:
        return sentences, set(range(len(sentences))), {i: 1.0 for i in range(len(sentences))}
    # "is 17" is about the under-18 rate; "how often" is answered by "weekly".
    wide = expand_intent(question, lang, funding=False)
    terms = question_terms(wide, lang, subject_only=True) or question_terms(wide, lang)
    if heading:
        covered = _tokens(heading, lang)
        base = weight
        discounted = {s for t in terms if t.credit(covered) for s in t.stems}

        def weight(token: str) -> float:
            return base(token) * (HEADING_DISCOUNT if token in discounted else 1.0)

    # "any money to help me pay a student?" is answered by the amounts.
    numeric = bool(_NUMERIC_Q.search(question)) or asks_funding(question)
    frequency = asks_frequency(question)
    current = not asks_past(question)
    scored = sorted(
        (
            (_score(s, terms, lang, numeric, i, weight, frequency, current), i)
            for i, s in enumerate(sentences)
        ),
        key=lambda item: (-item[0], item[1]),
    )
    chosen: set[int] = set()
    length = 0
    if len(_subject_tokens(question, lang)) <= VAGUE_TOKENS:
        # The best-matching sentence, then the section's lead around it.
        top = scored[0][1]
        chosen.add(top)
        # A superseded rule ("Before April 2026, ...") is not part of today's answer.
        skip = (
            {i for i, s in enumerate(sentences) if _PAST_RULE.search(s)} - chosen
            if current
            else set()
        )
        length = _fill_from_lead(sentences, chosen, len(sentences[top]) + 1, VAGUE_MAX_CHARS, skip)
    for score, i in scored:
        if len(chosen) >= MAX_SENTENCES:
            break
        if chosen and score <= 0.3:
            break
        wanted = {i}
        if i > 0 and _DEPENDENT.match(sentences[i]):
            wanted.add(i - 1)
        extra = sum(len(sentences[j]) + 1 for j in wanted - chosen)
        if chosen and length + extra > MAX_CHARS:
            continue
        chosen |= wanted
        length += extra
        nxt = i + 1
        # "They are not eligible..." completes the sentence before it, when it fits.
        if (
            nxt < len(sentences)
            and nxt not in chosen
            and _CONTINUES.match(sentences[nxt])
            and length + len(sentences[nxt]) + 1 <= MAX_CHARS
        ):
            chosen.add(nxt)
            length += len(sentences[nxt]) + 1
    return sentences, chosen, {i: score for score, i in scored}


def _fill_from_lead(
    sentences: list[str],
    chosen: set[int],
    length: int,
    budget: int,
    skip: set[int] | None = None,
) -> int:
    """Add the section's opening sentences, in order, while they fit; return the new length.

    Knowledge sections answer their heading first, so for a vague question the lead is the answer.
    Stops at the first sentence that would overflow `budget`, so the lead stays contiguous
    (apart from the `skip` sentences, left out).
    """
    for i, sentence in enumerate(sentences):
        if len(chosen) >= VAGUE_MAX_SENTENCES:
            break
        if i in chosen or (skip and i in skip):
            continue
        extra = len(sentence) + 1
        if chosen and length + extra > budget:
            break
        chosen.add(i)
        length += extra
    return length


def _subject_tokens(question: str, lang: str) -> set[str]:
    words = [w for w in re.findall(r"[\w-]+", question.lower()) if not ASPECT.match(w)]
    return _tokens(" ".join(words), lang)


# How many of the top results the composer weighs, and the head start each rank gets.
POOL = 5
RANK_PRIOR = (0.25, 0.1, 0.05, 0.02, 0.0)
# Headings are the questions their sections answer: one that asks for the same kind of answer
# ("when ...?" for "when do students start") gets this bonus.
FORM_BONUS = 0.15
# A heading asking for another kind of answer ("How far ahead...?" for "when do students start").
FORM_MISMATCH = 0.2
# ...and one that also ends on the question's last word asks the same question: "When do WIL
# work terms start?" for "what months can a student start".
ECHO_BONUS = 0.2
# A heading about the past ("Did students need a co-op permit?") when the question isn't: the
# rule it describes has changed, so the current one should answer.
HISTORIC_PENALTY = 0.3
# One institution's section for a question that names none ("am I eligible for co-op?"): its
# rules would read as everyone's, so a general section wins a close call.
UNNAMED_INSTITUTION_PENALTY = 0.2
# A section naming a group the person said they belong to ("we're a credit union": financial
# institutions) decides their case; it gets this head start.
GROUP_BONUS = 0.2
HEADING_RECALL = 0.6
HEADING_PRECISION = 0.3
BODY = 0.4


def pick_passage(
    question: str, passages: Sequence[PassageLike], lang: str, weight: Weight = _uniform
) -> PassageLike:
    """Return the passage that answers best: how well its heading matches, with rank as a prior.

    The top five in the reader's language count (a translation only when none is). A heading
    counts for the question's subject, not for its answer-type words ("how long"), so
    "How long does a micro-placement last?" prefers micro-placements over term lengths; synonyms
    count partly ("money" for "funding"), and a heading asking for the same kind of answer
    (a date, an amount) gets a bonus.
    """
    pool = [(r, p) for r, p in enumerate(passages[:POOL]) if p.lang == lang]
    pool = pool or [(0, passages[0])]
    wide = expand_intent(question, lang)
    terms = question_terms(wide, lang, subject_only=True) or question_terms(wide, lang)
    if not terms or len(pool) == 1:
        return pool[0][1]
    form = answer_form(question)
    asked = _last_token(question, lang)
    current = not asks_past(question)
    phrases = _distinctive_phrases(question, [p for _, p in pool])
    general = not mentions_institution(question)
    groups = stated_groups(question, lang)

    def score(item: tuple[int, PassageLike]) -> float:
        rank, passage = item
        plang = passage.lang or lang
        heading = _tokens(passage.section, plang)
        body = _tokens(passage.text, plang) | heading
        value = (
            HEADING_RECALL * coverage(terms, heading, weight)
            + HEADING_PRECISION * precision(terms, heading, weight)
            + BODY * coverage(terms, body, weight)
        )
        heading_form = answer_form(passage.section)
        if form is not None and heading_form == form:
            value += FORM_BONUS
            if asked and asked == _last_token(passage.section, plang):
                value += ECHO_BONUS
        elif form is not None and heading_form not in (None, "definition"):
            # "What is Mitacs Accelerate?" covers all of it; "How far ahead...?" only lead times.
            value -= FORM_MISMATCH
        if current and is_historic_heading(passage.section):
            value -= HISTORIC_PENALTY
        if phrases and phrases & _phrases_in(passage):
            value += PHRASE_BONUS
        if general and getattr(passage, "institution", None):
            value -= UNNAMED_INSTITUTION_PENALTY
        if groups and names_group(passage.text, groups):
            value += GROUP_BONUS
        return value + RANK_PRIOR[min(rank, len(RANK_PRIOR) - 1)]

    scores = [(score(item), item[1]) for item in pool]
    logger.debug("passage scores: %s", [(p.key, round(v, 3)) for v, p in scores])
    return max(scores, key=lambda pair: pair[0])[1]


# A compound name from the question ("Canada-Alberta", "Level UP") that only some passages
# hold names what the question is about.
PHRASE_BONUS = 0.25
_COMPOUND = re.compile(r"\b[^\W\d_]{2,}(?:-[^\W\d_]{2,})+\b")


def _phrases_in(passage: PassageLike) -> set[str]:
    return {m.lower() for m in _COMPOUND.findall(f"{passage.section} {passage.text}")}


def _distinctive_phrases(question: str, pool: Sequence[PassageLike]) -> set[str]:
    """Hyphenated compounds of the question found in some but at most half of the passages."""
    asked = {m.lower() for m in _COMPOUND.findall(question)}
    if not asked or len(pool) < 2:
        return set()
    found = [_phrases_in(p) & asked for p in pool]
    return {phrase for phrase in asked if 0 < sum(phrase in f for f in found) <= len(pool) // 2}


def _last_token(text: str, lang: str) -> str | None:
    """Return the stem of the text's last content word (a question's verb: "start", "apply")."""
    try:
        from assistant.retrieval.lexical import tokenize
    except ImportError:  # pragma: no cover - retrieval ships with the package
        return None
    tokens = tokenize(text, lang)
    return tokens[-1] if tokens else None


FOCUS_BOOST = 3.0


def focused(weight: Weight, focus: str | None, lang: str) -> Weight:
    """Return `weight` with the focus words (a follow-up's own words) counting several times more;
    an institution the focus names counts under the guides' name for it too ("MRU": "Mount Royal
    University", from the institution registry)."""
    if not focus:
        return weight
    words = _tokens(expand_intent(focus, lang, funding=False), lang)
    return lambda token: weight(token) * (FOCUS_BOOST if token in words else 1.0)


# After the answering sentence, at most this many short points from the same section.
MAX_POINTS = 3


def _states_figure(sentence: str, lang: str) -> bool:
    """Return True when the sentence gives a figure: a digit, or an amount, date or duration."""
    return bool(re.search(r"\d", sentence) or extract_facts(sentence, lang))


def lead_and_points(
    sentences: list[str],
    chosen: set[int],
    scores: dict[int, float],
    numeric: bool = False,
    lang: str = "en",
) -> tuple[str, list[str]]:
    """Return the sentence that answers best (the lead) and the other chosen ones, in order.

    For a question asking for a figure (how much, how long, when), the lead is the best chosen
    sentence that states one, when one does. A lead that leans on the sentence before it
    ("It pays...") takes that sentence along.
    """
    if not chosen:
        return "", []
    pool = chosen
    if numeric:
        pool = {i for i in chosen if _states_figure(sentences[i], lang)} or chosen
    top = max(pool, key=lambda i: (scores.get(i, 0.0), -i))
    lead_ids = [top]
    if top > 0 and top - 1 in chosen and _DEPENDENT.match(sentences[top]):
        lead_ids = [top - 1, top]
    points = [sentences[i] for i in sorted(chosen) if i not in lead_ids]
    return " ".join(sentences[i] for i in lead_ids), points[:MAX_POINTS]


def _cited(sentence: str, marker: str = "[1]") -> str:
    """Put the citation marker before the sentence's final punctuation: "... placement [1]."."""
    stripped = sentence.rstrip()
    if stripped[-1:] in ".!?":
        return f"{stripped[:-1].rstrip()} {marker}{stripped[-1]}"
    return f"{stripped} {marker}"


def compose_extractive(
    question: str,
    passages: Sequence[PassageLike],
    locale: str,
    weight: Weight = _uniform,
    *,
    focus: str | None = None,
) -> Answer:
    """Answer from the best passage: the sentence that answers first, a few points, one citation.

    The reply reads "<lead sentence> [1]." then up to three "- point" lines; the section and its
    page are the citation, not part of the text. `focus` holds the words that matter most (a
    follow-up's own, when `question` also repeats the question before it).
    """
    if not passages:
        raise ValueError("compose_extractive needs at least one passage")
    lang = "fr" if locale == "fr" else "en"
    weight = focused(weight, focus, lang)
    best = pick_passage(question, passages, lang, weight)
    plang = best.lang or lang
    sentences, chosen, scores = rank_sentences(question, best.text, plang, weight, best.section)
    numeric = bool(_NUMERIC_Q.search(question)) or answer_form(question) in ("length", "time")
    lead, points = lead_and_points(sentences, chosen, scores, numeric, plang)
    applied = how_it_applies(question, sentences, lang, plang)
    if applied is not None:
        # What the rule means for them first, then the rule itself, then the other points.
        rule = sentences[applied.rule]
        rest = [s for s in [lead, *points] if s and rule not in s and applied.lead not in s]
        lead = applied.lead
        points = ([rule] if rule != lead else []) + rest
        points = points[:MAX_POINTS]
    if not lead:
        lead = (answer_sentences(best.text, plang) or [best.text.strip()])[0]
    text = _cited(lead) + "".join(f"\n- {point}" for point in points)
    return Answer(
        text=text, citations=[citation_for(best, lead)], status="answered", composer="extractive"
    )


def word_chunks(text: str, words_per_chunk: int = 4) -> list[str]:
    """Split text into fragments of a few words (whitespace kept) for streaming."""
    words = re.findall(r"\S+\s*", text)
    return ["".join(words[i : i + words_per_chunk]) for i in range(0, len(words), words_per_chunk)]
