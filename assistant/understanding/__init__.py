"""The conversation's decisions: protocols, the models trained from `data/`, and exact rules."""

from assistant.understanding.protocols import (
    INTENT_LABELS,
    Decision,
    Extracted,
    FieldExtractor,
    HandoffDetector,
    IntentLabel,
    IntentRouter,
    Reranker,
    Retriever,
    Step,
    TurnSignals,
)

__all__ = [
    "INTENT_LABELS",
    "Decision",
    "Extracted",
    "FieldExtractor",
    "HandoffDetector",
    "IntentLabel",
    "IntentRouter",
    "Reranker",
    "Retriever",
    "Step",
    "TurnSignals",
]
