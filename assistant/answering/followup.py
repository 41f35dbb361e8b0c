"""Follow-up questions without an LLM: read "and for international students?" in the light of the last question.

A message is a follow-up when it opens like one ("and...", "what about...", "et pour..."), or when it
is short and either leans on a pronoun ("how long does it last?", "ça dure combien?") or names no
work-integrated-learning subject at all ("how long?"). Its retrieval query is the earlier question
with the follow-up appended; when the follow-up names a program, a kind of placement or an
institution, that replaces the one the earlier question named ("what about Mitacs?").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, Field

from assistant.errors import LLMError
from assistant.llm import ChatMessage, ChatModel
from assistant.privacy import Masker
from assistant.retrieval.institutions import InstitutionRegistry
from assistant.text_input import fold

logger = logging.getLogger(__name__)

# Entities a follow-up can swap: naming one drops its group's members from the earlier question.
# Institutions are not listed here: they come from the registry (the knowledge's institution pages).
_GROUPS: dict[str, str] = {
    "program": (
        r"swpp|pspe|mitacs(?: accelerate| acceleration)?|accelerate|acceleration|riipen(?: level up)?|level up|"
        r"canada summer jobs|emplois d'ete canada|csj|future skills|competences futures|"
        r"student work placement program|programme de stages pratiques pour etudiants"
    ),
    "type": (
        r"co-?ops?|internships?|micro-?placements?|micro-?stages?|practicums?|apprenticeships?|"
        r"field placements?|applied research|work terms?|stages? coop|stages? pratiques?|"
        r"recherche appliquee|apprentissages?|stages?"
    ),
    "audience": (
        r"international(?: students?)?|internationaux|internationales?|(?:etudiants? )?etrangers?|"
        r"domestic|indigenous|autochtones?|under-?represented|sous-?representes?|"
        r"part-?time|full-?time|temps partiel|temps plein|newcomers?|nouveaux arrivants|"
        r"persons? with disabilities|personnes? handicapees?"
    ),
}
# Groups whose mention moves the topic (an audience narrows it instead).
_TOPIC_GROUPS = ("program", "type", "institution")
INSTITUTION = "institution"
_GROUP_RE = {
    name: re.compile(r"(?<![\w-])(?:" + pat + r")(?![\w-])") for name, pat in _GROUPS.items()
}
# A subject of its own: with one of these a short message stands alone.
_SUBJECT = re.compile(
    r"(?<![\w-])(?:wil|ait|students?|etudiante?s?|stagiaires?|employers?|employeurs?|subsid\w*|"
    r"subventions?|funding|financement|grants?|wages?|salaires?|insurance|assurance|wcb|cnesst|"
    r"supervis\w+|eligib\w*|admissib\w*|visa|permis|work permit|hosting|accueillir|host|hire|hiring|"
    r"embaucher|minimum wage|salaire minimum|workers'? compensation)(?![\w-])"
)
_LEAD = re.compile(
    r"^(?:and|also|or|but|so|what about|how about|what if|and what about|and how about|and if|"
    r"same for|same question for|is that (?:also )?true for|does that (?:also )?apply to|"
    r"et|ou|mais|aussi|et pour|et si|et qu'en est-il(?: de| des| du)?|qu'en est-il(?: de| des| du)?|"
    r"et pour ce qui est d(?:e|es|u)|meme question pour|est-ce pareil pour|et concernant)"
    r"(?![\w'-])[\s,]*"
)
_PRONOUN = re.compile(
    r"(?<![\w'-])(?:it|its|that|this|they|them|those|these|the same|one|"
    r"ca|cela|ceci|celui-ci|celle-ci|ceux-ci|celles-ci|le meme|la meme)(?![\w'-])"
    r"|-(?:t-)?(?:il|elle|ils|elles)(?![\w'-])"
)
# "is it possible to...", "it's OK to...": an "it" that points at nothing.
_DUMMY_IT = re.compile(
    r"\bit(?: is|'s| would be| will be)? (?:possible|ok|okay|necessary|required|mandatory|allowed|"
    r"true|worth|better|easier|easy|hard|difficult|legal|normal|common|important)\b"
)
_WORD = re.compile(r"[\w$%'-]+")
SHORT_WORDS = 8
BARE_WORDS = 4


@dataclass(frozen=True)
class FollowUp:
    """How to search for a message: the query, and the topic a later follow-up builds on."""

    query: str
    topic: str
    contextual: bool = False
    # The follow-up's own words: what is new, so the composer weighs it most.
    focus: str | None = None
    # True when the follow-up names nothing and points back ("how long does it last?"): the
    # passage the last answer cited is still a candidate.
    refers_back: bool = False
    # Programs, placement types or institutions the follow-up swaps in: the answer must name them.
    names: tuple[str, ...] = ()

    def mentions(self, text: str) -> bool:
        """Say whether a passage's text names every program, type or institution swapped in."""
        folded = fold(text)
        return all(
            re.search(r"(?<![\w-])" + re.escape(n) + r"(?![\w-])", folded) for n in self.names
        )


def _groups(folded: str, institutions: InstitutionRegistry | None = None) -> set[str]:
    found = {name for name, pattern in _GROUP_RE.items() if pattern.search(folded)}
    if institutions is not None and institutions.find(folded):
        found.add(INSTITUTION)
    return found


def _spans(
    folded: str, groups: set[str], institutions: InstitutionRegistry | None
) -> list[tuple[int, int]]:
    """Return where the given groups' entities sit in a folded text."""
    spans = [
        m.span() for name in groups if name in _GROUP_RE for m in _GROUP_RE[name].finditer(folded)
    ]
    if INSTITUTION in groups and institutions is not None:
        spans += [(a, b) for a, b, _ in institutions.find(folded)]
    return spans


def is_follow_up(text: str, institutions: InstitutionRegistry | None = None) -> bool:
    """Say whether a message only makes sense after the previous question."""
    folded = re.sub(r"\s+", " ", fold(text)).strip()
    words = _WORD.findall(folded)
    if not words:
        return False
    if _LEAD.match(folded) and len(words) <= 14:
        return True
    if len(words) > SHORT_WORDS:
        return False
    own_subject = bool(_SUBJECT.search(folded) or _groups(folded, institutions))
    pronoun = bool(_PRONOUN.search(_DUMMY_IT.sub(" ", folded)))
    if pronoun and (not own_subject or len(words) <= 6):
        return True
    return not own_subject and len(words) <= BARE_WORDS


def _drop(text: str, groups: set[str], institutions: InstitutionRegistry | None = None) -> str:
    """Remove from `text` the entities of the given groups (positions found on the folded text)."""
    spans = _spans(fold(text), groups, institutions)
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + text[end:]
    text = re.sub(r"\s+([?.!,;:])", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def _subjects(text: str, institutions: InstitutionRegistry | None = None) -> str:
    """Return what `text` is about: its named programs, placements, institutions and WIL nouns."""
    folded = fold(text)
    spans = [m.span() for p in (*_GROUP_RE.values(), _SUBJECT) for m in p.finditer(folded)]
    spans += _spans(folded, {INSTITUTION}, institutions)
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end))
    return " ".join(text[a:b] for a, b in kept)


def contextualize(
    text: str, topic: str | None, institutions: InstitutionRegistry | None = None
) -> FollowUp:
    """Return the retrieval query for a message, given the topic of the last answered question.

    Three readings, by what the follow-up names:
    - a program, placement type or institution ("what about Mitacs?"): the earlier question with
      that one swapped in;
    - only an audience or another subject ("and for international students?"): the follow-up with
      what the earlier question was about ("SWPP subsidy"), not its question words;
    - nothing ("how long does it last?"): the earlier question then the follow-up, the earlier
      question's words weighing most.

    Args:
        text: the person's message.
        topic: the question the last answer responded to (its own topic), or None.
        institutions: the institution registry (names an institution can be swapped by).

    Returns:
        The query to search and compose with, the words to weigh most, the topic to remember for
        the next turn, and whether the earlier question was used.
    """
    text = text.strip()
    if not topic or not is_follow_up(text, institutions):
        return FollowUp(query=text, topic=text)
    lead = _LEAD.match(fold(text))
    rest = (text[lead.end() :] if lead else text).strip()
    folded_rest = fold(rest)
    named = _groups(folded_rest, institutions)
    if named & set(_TOPIC_GROUPS):
        base = _drop(topic, named, institutions)
        names = tuple(
            folded_rest[a:b]
            for a, b in sorted(_spans(folded_rest, named & set(_TOPIC_GROUPS), institutions))
        )
        return FollowUp(
            query=f"{rest} {base}".strip(),
            topic=f"{base} {rest}".strip(),
            contextual=True,
            focus=rest,
            names=names,
        )
    if named or _SUBJECT.search(folded_rest):
        about = _subjects(_drop(topic, named, institutions), institutions) or topic
        return FollowUp(query=f"{rest} {about}".strip(), topic=topic, contextual=True, focus=rest)
    return FollowUp(
        query=f"{topic} {rest}".strip(), topic=topic, contextual=True, focus=topic, refers_back=True
    )


@dataclass(frozen=True)
class Topic:
    """What the conversation was last about: the question answered, the sections its answer
    cited, and the institution and audience in play."""

    question: str | None = None
    keys: tuple[str, ...] = ()
    institution: str | None = None
    audience: str | None = None


@runtime_checkable
class QueryRewriter(Protocol):
    """Turn a message that leans on the conversation into a standalone retrieval query."""

    async def rewrite(self, text: str, topic: Topic, locale: str) -> FollowUp:
        """Return how to search for `text` given the conversation's topic.

        Args:
            text: the person's message.
            topic: what the last answer was about.
            locale: the conversation's language.

        Returns:
            The query (the message itself when it stands alone) and what a later follow-up builds on.
        """
        ...


class OfflineRewriter:
    """Read a follow-up with the last question (no model): see `contextualize`.

    `institutions` returns the institution registry (read from the knowledge index).
    """

    def __init__(self, institutions: Callable[[], InstitutionRegistry] | None = None) -> None:
        self.institutions = institutions

    async def rewrite(self, text: str, topic: Topic, locale: str) -> FollowUp:
        """Return the follow-up read with the topic's question."""
        del locale
        registry = self.institutions() if self.institutions is not None else None
        return contextualize(text, topic.question, registry)


class StandaloneQuestion(BaseModel):
    """The model's rewrite of a follow-up."""

    question: str = Field(description="The follow-up rewritten as one standalone question.")


_REWRITE_PROMPT = (
    "You rewrite a follow-up message from a conversation about work-integrated learning into one "
    "standalone question that keeps the follow-up's meaning and language. Use the earlier question "
    "only to fill in what the follow-up leaves out. Reply with the question only."
)


class LLMRewriter:
    """Let the language model rewrite follow-ups; the offline reading stands when it fails."""

    def __init__(self, chat: ChatModel, fallback: QueryRewriter | None = None) -> None:
        self.chat = chat
        self.fallback = fallback or OfflineRewriter()

    async def rewrite(self, text: str, topic: Topic, locale: str) -> FollowUp:
        """Return the model's standalone question when the message reads as a follow-up."""
        offline = await self.fallback.rewrite(text, topic, locale)
        if not offline.contextual or not topic.question:
            return offline
        lang = "French" if locale == "fr" else "English"
        masker = Masker()  # emails, phone numbers and the like never leave
        messages = [
            ChatMessage("system", _REWRITE_PROMPT),
            ChatMessage(
                "user",
                f"Earlier question: {masker.mask(topic.question)}\n"
                f"Follow-up ({lang}): {masker.mask(text)}",
            ),
        ]
        try:
            rewritten = (await self.chat.structured(StandaloneQuestion, messages)).question.strip()
        except LLMError as exc:
            logger.info("follow-up rewrite fell back to the offline reading: %s", exc)
            return offline
        if not rewritten:
            return offline
        return FollowUp(
            query=rewritten,
            topic=rewritten,
            contextual=True,
            focus=offline.focus,
            refers_back=offline.refers_back,
            names=offline.names,
        )
