"""What a turn handler decided to say and change, before the engine persists it as a Turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.answering.types import Citation

Mode = Literal["qa", "intake", "handoff"]


@dataclass
class Plan:
    """A reply plus the conversation changes it implies (state keys set to None are removed)."""

    text: str
    suggestions: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    mode: Mode | None = None
    state: dict[str, Any] = field(default_factory=dict)
    intake: dict[str, Any] | None = None
    handoff: dict[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
