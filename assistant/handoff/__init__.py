"""Human handoff: when to hand a person to a liaison, the ticket lifecycle, and notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.handoff.detect import REASONS, SENSITIVE, detect_handoff
from assistant.handoff.hours import BusinessHours
from assistant.handoff.notify import Notifier
from assistant.handoff.service import HandoffService, OpenedHandoff

if TYPE_CHECKING:
    from assistant.runtime import Runtime

__all__ = [
    "REASONS",
    "SENSITIVE",
    "BusinessHours",
    "HandoffService",
    "Notifier",
    "OpenedHandoff",
    "detect_handoff",
    "get_handoff_service",
]


def get_handoff_service(runtime: Runtime) -> HandoffService:
    """Return the runtime's handoff service, building it (and its notifier) on first use."""
    for candidate in (getattr(runtime, "handoffs", None), runtime.extras.get("handoffs")):
        if isinstance(candidate, HandoffService):
            return candidate
    notifier = getattr(runtime, "notifier", None) or runtime.extras.get("notifier")
    if not isinstance(notifier, Notifier):
        notifier = Notifier(runtime.settings)
        runtime.extras["notifier"] = notifier
    service = HandoffService(
        runtime.settings, runtime.db, runtime.bus, runtime.outbound, notifier=notifier
    )
    runtime.extras["handoffs"] = service
    return service
