"""Answer a question: retrieve off the event loop, then compose with the LLM or extractively, or decline."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from assistant.answering.decline import decline, nearby
from assistant.answering.extractive import compose_extractive, word_chunks
from assistant.answering.llm_answer import OnDelta, compose_with_llm
from assistant.answering.referral import Referrals, default_referrals
from assistant.answering.scope import is_shopping
from assistant.answering.types import Answer
from assistant.errors import LLMError
from assistant.guardrails import is_out_of_scope
from assistant.llm import ChatMessage, ChatModel
from assistant.privacy import Masker, without_personal_details
from assistant.retrieval.errors import RetrievalError
from assistant.retrieval.search import Passage, RetrievalResult
from assistant.understanding.protocols import Retriever, TurnSignals

logger = logging.getLogger(__name__)

TOP_K = 5
LLM_PASSAGES = 4


class Answerer:
    """Grounded answers from the knowledge base; the LLM is optional and its failures fall back."""

    def __init__(
        self,
        retriever: Retriever | None = None,
        chat: ChatModel | None = None,
        referrals: Referrals | None = None,
    ) -> None:
        self.retriever = retriever
        self.chat = chat
        self._referrals = referrals

    def _declined(self, answer: Answer, question: str, locale: str) -> Answer:
        """Add to a decline where the person can turn instead (the CRA, IRCC, an institution's
        office), when the referrals data knows a place for this kind of question."""
        referrals = self._referrals or default_referrals()
        where = referrals.sentence(question, locale)
        if not where:
            return answer
        return answer.model_copy(update={"text": f"{answer.text} {where}"})

    async def retrieve(
        self,
        question: str,
        locale: str,
        audience: str | None = None,
        signals: TurnSignals | None = None,
    ) -> RetrievalResult | None:
        """Return the retriever's result for the question, or None when retrieval is unavailable."""
        if self.retriever is None:
            return None
        try:
            return await asyncio.to_thread(
                self.retriever.search, question, locale, audience, None, TOP_K, signals=signals
            )
        except RetrievalError:
            logger.exception("retrieval failed")
            return None

    def _weight(self) -> Callable[[str], float]:
        """Return the index's IDF as a token weight for the extractive composer."""
        if self.retriever is None:
            return lambda _token: 1.0
        return self.retriever.weight

    def _with_anchors(
        self, passages: list[Passage], anchors: Sequence[str], locale: str
    ) -> list[Passage]:
        """Return the passages with the first anchor's section first: "it" means what was just answered.

        The composer still weighs it against the next passages, so a better match can win.
        """
        lang = "fr" if locale == "fr" else "en"
        for key in anchors[:1]:
            found = next((p for p in passages if p.key == key), None)
            if found is None and self.retriever is not None:
                found = self.retriever.passage(key, lang)
            if found is not None:
                passages = [found, *(p for p in passages if p.key != key)]
        return passages

    async def answer(
        self,
        question: str,
        locale: str,
        *,
        query: str | None = None,
        focus: str | None = None,
        anchors: Sequence[str] = (),
        must_name: Callable[[str], bool] | None = None,
        history: Sequence[ChatMessage] | None = None,
        audience: str | None = None,
        signals: TurnSignals | None = None,
        masker: Masker | None = None,
        on_delta: OnDelta | None = None,
        decline_streak: int = 0,
    ) -> Answer:
        """Return a cited answer, or a decline saying plainly that the guides don't cover it.

        Args:
            question: the person's words (what the language model answers).
            locale: the reply's language.
            query: what to search and compose extractively with, when it differs from the
                question (a follow-up read with the question before it).
            focus: the words of the query that matter most (a follow-up's own).
            anchors: sections the last answer cited, put first for a follow-up that points
                back at them ("how long does it last?").
            must_name: says whether a passage names what a follow-up swapped in ("what about
                Mitacs?"); passages that do come first.
            history: earlier turns (masked) shown to the language model to resolve references.
            audience: restrict retrieval to "employer" or "student" pages.
            signals: what the conversation knows (audience, institutions), weighed by the reranker.
            masker: hides personal details from the language model.
            on_delta: receives the reply in fragments, for streaming.
            decline_streak: declines in a row so far (the second one offers a liaison).
        """
        # Product recommendations and prices of goods share words with the equipment guides.
        if is_out_of_scope(question) or is_shopping(question):
            out = decline(locale, out_of_scope=True, streak=decline_streak + 1)
            return await _emit(self._declined(out, question, locale), on_delta)
        query = without_personal_details(query or question) or question
        result = await self.retrieve(query, locale, audience, signals)
        if result is None or not result.relevant or not result.passages:
            best = float(result.best_dense) if result is not None else None
            out = decline(locale, streak=decline_streak + 1, best_score=best)
            return await _emit(self._declined(out, question, locale), on_delta)
        passages = self._with_anchors(list(result.passages), anchors, locale)
        named: list[Passage] = []
        if must_name is not None:
            named = [p for p in passages if must_name(f"{p.section}\n{p.text}")]
            passages = named + [p for p in passages if p not in named]
        # A follow-up leaning on the last answer ("how long does it last?") or naming what it
        # swaps in ("what about Mitacs?") has its own evidence beside the ranking's confidence.
        leaning = bool(anchors) or bool(named)
        if not result.confident and not leaning:
            # The best section is probably about something else: say what the guides cover
            # nearby instead of answering a different question with a citation.
            out = nearby(
                locale,
                [p.section for p in result.passages],
                streak=decline_streak + 1,
                best_score=float(result.best_dense),
            )
            return await _emit(self._declined(out, question, locale), on_delta)
        # The fitted ranking is sure its best section answers a standalone question: the
        # extractive composer quotes it rather than let wording shared with a neighbour pick
        # another. A follow-up's own words (`focus`) still choose among the passages.
        sure = result.confidence is not None and focus is None and not leaning
        quoted = passages[:1] if sure else passages
        weak = not result.confident
        if self.chat is not None:
            try:
                answer = await compose_with_llm(
                    self.chat,
                    question,
                    passages[:LLM_PASSAGES],
                    locale,
                    masker=masker,
                    on_delta=on_delta,
                    history=history,
                )
                return answer.model_copy(
                    update={"best_score": float(result.best_dense), "weak": weak}
                )
            except LLMError as exc:
                logger.warning("llm answer failed, using the extractive answer: %s", exc)
                fallback = compose_extractive(query, quoted, locale, self._weight(), focus=focus)
                fallback = fallback.model_copy(
                    update={
                        "best_score": float(result.best_dense),
                        "weak": weak,
                        "llm_error": str(exc),
                    }
                )
                return await _emit(fallback, on_delta)
        answer = compose_extractive(query, quoted, locale, self._weight(), focus=focus)
        answer = answer.model_copy(update={"best_score": float(result.best_dense), "weak": weak})
        return await _emit(answer, on_delta)


async def _emit(answer: Answer, on_delta: OnDelta | None) -> Answer:
    """Stream a ready answer in word chunks when the client asked for streaming."""
    if on_delta is not None:
        for chunk in word_chunks(answer.text):
            await on_delta(chunk)
    return answer
