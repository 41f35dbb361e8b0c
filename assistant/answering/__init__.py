"""Answering: retrieve, compose (extractive or LLM) with citations, or decline."""

from __future__ import annotations

from assistant.answering.citations import citation_for, find_passage
from assistant.answering.decline import decline, decline_suggestions
from assistant.answering.extractive import compose_extractive, select_sentences, word_chunks
from assistant.answering.followup import FollowUp, contextualize, is_follow_up
from assistant.answering.llm_answer import CheckedAnswer, build_messages, compose_with_llm
from assistant.answering.service import Answerer
from assistant.answering.types import Answer, Citation, PassageLike

__all__ = [
    "Answer",
    "Answerer",
    "CheckedAnswer",
    "Citation",
    "FollowUp",
    "PassageLike",
    "build_messages",
    "citation_for",
    "compose_extractive",
    "compose_with_llm",
    "contextualize",
    "decline",
    "decline_suggestions",
    "find_passage",
    "is_follow_up",
    "select_sentences",
    "word_chunks",
]
