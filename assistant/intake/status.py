"""The one vocabulary of intake statuses, shared by the form, the stored rows, the API and the console.

A form is `collecting` while questions remain and `confirming` once its summary is shown; both are
drafts, stored as such and listed to liaisons. `submitted` is final. `cancelled` never reaches the
store: a cancelled draft is deleted (nothing the person gave for it is kept).
"""

from __future__ import annotations

from typing import Literal

IntakeStatus = Literal["collecting", "confirming", "submitted", "cancelled"]
STATUSES: tuple[IntakeStatus, ...] = ("collecting", "confirming", "submitted", "cancelled")
DRAFT_STATUSES: tuple[IntakeStatus, ...] = ("collecting", "confirming")
STORED_STATUSES: tuple[IntakeStatus, ...] = ("collecting", "confirming", "submitted")
DRAFT = "draft"
"""The filter word for both draft statuses (and what rows stored before 0003 said)."""


def statuses_for(filter_word: str | None) -> tuple[str, ...] | None:
    """Return the stored statuses a filter word selects ("draft" is both draft statuses), or None."""
    if not filter_word:
        return None
    if filter_word == DRAFT:
        return DRAFT_STATUSES
    return (filter_word,)
