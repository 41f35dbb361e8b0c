"""Shapes shared by the answer composers: passages they read, citations and answers they return."""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import BaseModel, Field

AnswerStatus = Literal["answered", "declined", "out_of_scope"]


class PassageLike(Protocol):
    """What a composer reads from a retrieved passage (`assistant.retrieval.Passage` satisfies it)."""

    key: str
    title: str
    section: str
    text: str
    lang: str
    url: str | None
    source: str
    snippet: str


class Citation(BaseModel):
    """A knowledge passage the reply relies on."""

    title: str = Field(description="Page title and section heading.")
    source: str = Field(description="Where the fact comes from (organisation or page).")
    url: str | None = Field(default=None, description="Link to the source, when there is one.")
    snippet: str = Field(default="", description="The passage's sentence(s) that matter.")
    key: str | None = Field(default=None, description="Section key '<page pair>#<anchor>'.")


class Answer(BaseModel):
    """A composed reply to a question, before it becomes a Turn."""

    text: str
    citations: list[Citation] = Field(default_factory=list)
    status: AnswerStatus = "answered"
    composer: Literal["extractive", "llm", "none"] = "none"
    best_score: float | None = None
    weak: bool = False
    llm_error: str | None = None
    # For a decline: the headings of the nearest sections the guides do have (offered instead).
    nearby: list[str] = Field(default_factory=list)
