"""Build the long-lived services once (database, bus, retrieval, LLM, handoff, engine) for any entry point."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.events import EventBus, Outbound, make_bus
from assistant.handoff import HandoffService, Notifier
from assistant.intake.extractor import default_field_extractor
from assistant.llm import ChatModel, make_chat_model
from assistant.retrieval import build_retriever as _build
from assistant.retrieval import make_embedder
from assistant.store.db import Database
from assistant.understanding.models import default_handoff_detector, default_router
from assistant.understanding.protocols import (
    FieldExtractor,
    HandoffDetector,
    IntentRouter,
    Retriever,
)

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Everything a channel needs, built once per process."""

    settings: Settings
    db: Database
    bus: EventBus
    outbound: Outbound
    assistant: Assistant
    retriever: Retriever | None = None
    llm: ChatModel | None = None
    handoffs: HandoffService | None = None
    notifier: Notifier | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    async def close(self) -> None:
        """Release connections held by the services (after pending notifications)."""
        if self.handoffs is not None and hasattr(self.handoffs, "aclose"):
            await self.handoffs.aclose()
        await self.bus.close()
        for extra in self.extras.values():
            # Long-lived clients cached by channels (e.g. the rate limiter's Redis pool).
            close = getattr(extra, "close", None)
            if callable(close) and not asyncio.iscoroutinefunction(close):
                close()
        self.db.dispose()


def build_retriever(settings: Settings) -> Retriever:
    """Open the knowledge index in the data dir (created empty when there is none yet)."""
    embedder = make_embedder(
        settings.embedder,
        cache_dir=settings.data_dir / "models",
        base_url=settings.llm_base_url,
        api_key=settings.openai_api_key.get_secret_value() if settings.openai_api_key else None,
        model=settings.embedding_model,
    )
    return _build(settings.data_dir, embedder)


def build_handoff(
    settings: Settings, db: Database, bus: EventBus, outbound: Outbound
) -> tuple[HandoffService, Notifier]:
    """Return the handoff service and the notifier it uses."""
    notifier = Notifier(settings)
    service = HandoffService(settings, db, bus, outbound, notifier=notifier)
    return service, notifier


def build_runtime(
    settings: Settings,
    *,
    migrate: bool = True,
    retriever: Retriever | Literal["auto"] | None = "auto",
    llm: ChatModel | str | None = "auto",
    router: IntentRouter | None = None,
    handoff_detector: HandoffDetector | None = None,
    field_extractor: FieldExtractor | None = None,
) -> Runtime:
    """Create the database (migrated), bus, retriever, LLM, handoff service and engine from settings."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.sqlalchemy_url)
    if migrate:
        db.migrate()
    bus = make_bus(settings.redis_url)
    outbound = Outbound()
    if retriever == "auto":
        retriever = build_retriever(settings)
    chat = make_chat_model(settings) if llm == "auto" else llm
    if isinstance(chat, str):
        raise ValueError("llm must be a ChatModel, None or 'auto'")
    handoffs, notifier = build_handoff(settings, db, bus, outbound)
    # The conversation's decisions, trained from the shipped examples once per data version.
    models_dir = settings.data_dir / "models"
    assistant = Assistant(
        router=router or default_router(models_dir),
        handoff_detector=handoff_detector or default_handoff_detector(models_dir),
        field_extractor=field_extractor or default_field_extractor(models_dir),
        settings=settings,
        db=db,
        bus=bus,
        outbound=outbound,
        retriever=retriever,
        llm=chat,
        handoffs=handoffs,
        notifier=notifier,
    )
    return Runtime(
        settings=settings,
        db=db,
        bus=bus,
        outbound=outbound,
        assistant=assistant,
        retriever=retriever,
        llm=chat,
        handoffs=handoffs,
        notifier=notifier,
    )


def index_info(retriever: Any) -> dict[str, Any] | None:
    """Return the knowledge index's description (embedder, chunks, version), or None without one."""
    if retriever is None:
        return None
    index = getattr(retriever, "index", retriever)
    describe = getattr(index, "index_info", None)
    return describe() if callable(describe) else None
